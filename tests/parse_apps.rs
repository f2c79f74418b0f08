//! App-config reader tests: fixtures under `tests/parse/apps/<app>/` snapshotted as the
//! extracted model (with the source text each span covers), the real-world corpus
//! (`tests/corpus/apps`) recognised per app, and every description's examples.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use tlslint::model::{Ciphers, Dialect, Model, Setting};
use tlslint::parse::{self, Options, Parsed, app};
use tlslint::source::{Sources, Span};

fn parse_file(path: &Path) -> (Sources, Parsed) {
    let mut sources = Sources::new();
    let parsed = parse::parse(Dialect::App, path, &mut sources, &Options::default());
    (sources, parsed)
}

fn at(sources: &Sources, span: Option<Span>) -> String {
    match span {
        None => "-".to_owned(),
        Some(s) => {
            let lc = sources.start(s);
            format!(
                "{}:{} `{}`",
                lc.line,
                lc.column,
                sources.get(s.file).slice(s)
            )
        }
    }
}

fn setting<T: serde::Serialize>(
    out: &mut String,
    sources: &Sources,
    name: &str,
    s: Option<&Setting<T>>,
) {
    let Some(s) = s else { return };
    let value = serde_json::to_string(&s.value).unwrap();
    let origin = match &s.origin {
        tlslint::model::Origin::Default { assumed } => format!("default ({assumed})"),
        o => format!("{o:?}").to_lowercase(),
    };
    let _ = writeln!(
        out,
        "  {name} = {value} [{origin}] key={} at {}",
        s.directive.as_deref().unwrap_or("-"),
        at(sources, s.span)
    );
    if let Some(n) = s.note() {
        let _ = writeln!(out, "    note: {n}");
    }
}

/// A readable dump of the model: every value with the text its span covers.
fn render(sources: &Sources, parsed: &Parsed) -> String {
    let mut out = String::new();
    let m: &Model = &parsed.model;
    for e in &m.endpoints {
        let _ = writeln!(
            out,
            "endpoint {} | key {} | {:?} | app {} | at {}",
            e.name,
            e.key,
            e.side,
            e.app.as_deref().unwrap_or("-"),
            at(sources, Some(e.span))
        );
        let t = &e.tls;
        setting(&mut out, sources, "protocols", t.protocols.as_ref());
        setting(&mut out, sources, "ciphers", t.ciphers.as_ref());
        if let Some(c) = &t.ciphers {
            match &c.value {
                Ciphers::List(names) => {
                    for n in names {
                        let _ = writeln!(out, "    suite {} at {}", n.name, at(sources, n.span));
                    }
                }
                Ciphers::OpenSsl(cs) => {
                    let _ = writeln!(
                        out,
                        "    string at {}",
                        at(sources, cs.span_of(0..cs.text.len()))
                    );
                }
            }
        }
        setting(&mut out, sources, "ciphersuites", t.ciphersuites.as_ref());
        setting(&mut out, sources, "curves", t.curves.as_ref());
        if let Some(c) = &t.curves {
            for n in &c.value {
                let _ = writeln!(out, "    curve {} at {}", n.name, at(sources, n.span));
            }
        }
        setting(
            &mut out,
            sources,
            "session_tickets",
            t.session_tickets.as_ref(),
        );
        setting(&mut out, sources, "ticket_keys", t.ticket_keys.as_ref());
        setting(
            &mut out,
            sources,
            "prefer_server_ciphers",
            t.prefer_server_ciphers.as_ref(),
        );
        setting(&mut out, sources, "verify_peer", t.verify_peer.as_ref());
        for c in &t.certificates {
            setting(&mut out, sources, "certificate", Some(c));
        }
    }
    for o in &m.observations {
        let _ = writeln!(
            out,
            "observation {:?} at {}: {}",
            o.kind,
            at(sources, Some(o.span)),
            o.message
        );
        if let Some(h) = &o.help {
            let _ = writeln!(out, "  help: {h}");
        }
    }
    for e in &parsed.errors {
        let _ = writeln!(out, "error at {}: {}", at(sources, Some(e.span)), e.message);
        if let Some(h) = &e.help {
            let _ = writeln!(out, "  help: {h}");
        }
    }
    out
}

/// Snapshots live in their own folder: `tests/snapshots/` is for check fixtures only.
macro_rules! in_apps_folder {
    ($body:block) => {
        insta::with_settings!({ snapshot_path => "snapshots/apps" }, $body)
    };
}

#[test]
fn app_fixtures() {
    in_apps_folder!({ app_fixtures_inner() });
}

fn app_fixtures_inner() {
    insta::glob!("parse/apps/**/*", |path| {
        if path.is_dir() {
            return;
        }
        let (sources, parsed) = parse_file(path);
        let is_error_case = path.components().any(|c| c.as_os_str() == "errors");
        assert_eq!(
            !parsed.errors.is_empty(),
            is_error_case,
            "{}: {:?}",
            path.display(),
            parsed.errors
        );
        let text = fs::read_to_string(path).unwrap();
        assert_eq!(
            parse::detect(path, &text),
            Some(Dialect::App),
            "{} is not detected as an app config",
            path.display()
        );
        insta::assert_snapshot!(render(&sources, &parsed));
    });
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/apps")
}

/// Which app a corpus folder holds.
fn app_of(folder: &str) -> &'static str {
    match folder {
        "traefik-toml" | "traefik-yaml" => "traefik",
        "envoy" => "envoy",
        "prometheus-web-config" => "prometheus-web",
        "ingress-nginx" => "ingress-nginx",
        "etcd" => "etcd",
        "kubernetes" => "kubernetes",
        "grafana-dskit" => "grafana-dskit",
        "caddy" => "caddy",
        "otel-collector" => "otel-collector",
        "elasticsearch" => "elasticsearch",
        "mongodb" => "mongodb",
        other => panic!("corpus folder {other} has no expected app"),
    }
}

#[test]
fn corpus_files_are_recognised_and_read() {
    let dir = corpus();
    let mut folders: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    let mut summary = String::new();
    for folder in folders {
        let want = app_of(&folder.file_name().unwrap().to_string_lossy());
        let mut files: Vec<PathBuf> = fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.file_name().is_some_and(|n| n != "README.md"))
            .collect();
        files.sort();
        for f in files {
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            let text = fs::read_to_string(&f).unwrap();
            assert!(
                app::recognise(&f, &text).iter().any(|a| a == want),
                "{name} is not recognised as {want}"
            );
            let (sources, parsed) = parse_file(&f);
            if Path::new(&name)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("tpl"))
            {
                let e = parsed.errors.first().expect("template must not parse");
                assert!(
                    e.help.as_deref().is_some_and(|h| h.contains("template")),
                    "{e:?}"
                );
            } else {
                assert!(parsed.errors.is_empty(), "{name}: {:?}", parsed.errors);
            }
            let _ = writeln!(summary, "## {name}");
            summary.push_str(&render(&sources, &parsed));
        }
    }
    // Facts the corpus READMEs state about particular files.
    let expect = [
        (
            "kuma__bootstrap.universal.golden.yaml",
            "endpoint",
            "Server",
            false,
        ),
        (
            "wrongTLSVersion.bad.yml",
            "observation InvalidValue",
            "TLS111",
            true,
        ),
        (
            "solution-libre_docker-traefik__tls.yml",
            "observation Deprecated",
            "preferServerCipherSuites",
            true,
        ),
        (
            "traefik__k8s_03-tlsoption.yml",
            "suite",
            "TLS_RSA_WITH_AES_256_GCM_SHA384",
            true,
        ),
        (
            "tsaarni_managed-kubernetes__manifests_etcd.yaml",
            "verify_peer",
            "true",
            true,
        ),
    ];
    for (file, what, needle, present) in expect {
        if !summary.contains(file) {
            continue;
        }
        let section = summary
            .split("## ")
            .find(|s| s.lines().next().is_some_and(|l| l.ends_with(file)))
            .unwrap_or("");
        let hit = section
            .lines()
            .any(|l| l.trim_start().starts_with(what) && l.contains(needle));
        assert_eq!(hit, present, "{file}: `{what}` with `{needle}`\n{section}");
    }
    in_apps_folder!({ insta::assert_snapshot!("corpus", summary) });
}

#[test]
fn description_examples_pass_through_the_reader() {
    for rules in app::rules::builtin().unwrap() {
        for ex in &rules.examples {
            let mut sources = Sources::new();
            let path = PathBuf::from(&ex.file);
            sources.add(path.clone(), ex.file.clone(), ex.text.clone());
            assert!(
                app::recognise(&path, &ex.text).contains(&rules.app),
                "{}: example {} not recognised",
                rules.app,
                ex.file
            );
            let parsed = app::parse(&path, &mut sources, &Options::default());
            assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
            let mine = parsed
                .model
                .endpoints
                .iter()
                .filter(|e| e.app.as_deref() == Some(rules.app.as_str()))
                .count();
            assert_eq!(mine, ex.endpoints, "{}: example {}", rules.app, ex.file);
            assert_eq!(
                parsed.model.observations.len(),
                ex.observations,
                "{}: example {}: {:?}",
                rules.app,
                ex.file,
                parsed.model.observations
            );
        }
    }
}

#[test]
fn user_descriptions_load_from_a_directory_and_errors_are_located() {
    let dir = std::env::temp_dir().join(format!("tlslint-app-rules-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("myapp.toml"),
        "app = \"myapp\"\ntitle = \"MyApp\"\n[detect]\nkeys = [\"server.tls\"]\n\
         [[locate]]\npath = \"server.tls\"\nname = \"myapp server.tls\"\nkey = \"myapp/server.tls\"\n\
         [[field]]\ntarget = \"min_version\"\npath = \"min\"\nvocab = \"v\"\n\
         [vocab.v]\nvalues = { \"1.2\" = \"TLSv1.2\" }\n",
    )
    .unwrap();
    let rules = app::rules::load_dir(&dir).unwrap();
    assert_eq!(rules[0].app, "myapp");
    let cfg = dir.join("my.yaml");
    fs::write(&cfg, "server:\n  tls:\n    min: \"1.2\"\n").unwrap();
    let mut sources = Sources::new();
    let options = Options {
        app_rules: vec![dir.clone()],
        ..Options::default()
    };
    let parsed = app::parse(&cfg, &mut sources, &options);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    assert_eq!(parsed.model.endpoints.len(), 1);
    fs::write(
        dir.join("zbad.toml"),
        "app = \"x\"\ntitle = \"X\"\ncolour = 1\n[detect]\n",
    )
    .unwrap();
    let e = app::rules::load_dir(&dir).unwrap_err();
    assert!(e.to_string().contains("zbad.toml:3:1"), "{e}");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_shared_block_needs_the_apps_own_keys() {
    // dskit's `server:` block alone (other programs have one too) is not a Loki/Tempo/Mimir
    // config; with one of their top-level keys it is.
    let path = Path::new("config.yaml");
    let bare = "server:\n  http_listen_port: 3100\n";
    assert!(!app::recognise(path, bare).contains(&"grafana-dskit".to_owned()));
    let loki = "auth_enabled: false\nserver:\n  http_listen_port: 3100\n";
    assert!(app::recognise(path, loki).contains(&"grafana-dskit".to_owned()));
}
