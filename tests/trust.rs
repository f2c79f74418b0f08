//! Trust in tlslint's own inputs and outputs, end to end through the binary (issue 13, items
//! 3 and 4): a config above the checked root is ignored with a note; paths in the tree's
//! config (`policy`, `extends`, `app-rules`) stay inside the config's directory; huge or
//! endless files are refused quickly; every run says which config, policy and baseline it
//! used; `-o` and `--write-baseline` never write through a symlink; `init` never does either.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// A marker that must never appear in any output: it lives in files outside the tree.
const MARKER: &str = "OUTSIDE-MARKER-7f3a";

/// An nginx server with TLS 1.0 (negotiable at security level 0): a legacy-protocol error
/// under every built-in policy.
const SSLV3: &str = "http {\n    server {\n        listen 443 ssl; ssl_certificate c.pem;\n        ssl_protocols TLSv1 TLSv1.2;\n        ssl_ciphers HIGH:@SECLEVEL=0;\n    }\n}\n";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    took: Duration,
}

impl Run {
    fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// A temporary directory holding `repo/` (a git repository: `repo/.git` exists) with
/// `repo/a/b/nginx.conf`, and a file outside the repository holding the marker.
struct Tree {
    _tmp: tempfile::TempDir,
    base: PathBuf,
}

impl Tree {
    fn new() -> Tree {
        let tmp = tempfile::tempdir().unwrap();
        let base = tmp.path().canonicalize().unwrap();
        fs::create_dir_all(base.join("repo/.git")).unwrap();
        fs::create_dir_all(base.join("repo/a/b")).unwrap();
        fs::write(base.join("repo/a/b/nginx.conf"), SSLV3).unwrap();
        fs::write(
            base.join("outside.toml"),
            format!("name = \"{MARKER}\"\n# {MARKER}\n"),
        )
        .unwrap();
        Tree { _tmp: tmp, base }
    }

    fn repo(&self) -> PathBuf {
        self.base.join("repo")
    }

    fn write(&self, rel: &str, text: &str) {
        fs::write(self.repo().join(rel), text).unwrap();
    }

    /// Runs tlslint in the repository.
    fn run(&self, args: &[&str]) -> Run {
        run_in(&self.repo(), args)
    }
}

fn run_in(dir: &Path, args: &[&str]) -> Run {
    let start = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_tlslint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("FORCE_COLOR")
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        took: start.elapsed(),
    }
}

/// A config error: exit 2, a `config-error` finding, no marker, quickly.
fn assert_config_error(r: &Run, needle: &str) {
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.all().contains("config-error"), "{}", r.all());
    assert!(r.all().contains(needle), "{}", r.all());
    assert!(!r.all().contains(MARKER), "{}", r.all());
    assert!(r.took < Duration::from_secs(5), "took {:?}", r.took);
}

#[test]
fn a_config_above_the_root_is_ignored_with_a_note() {
    let t = Tree::new();
    fs::write(
        t.base.join(".tlslint.toml"),
        "ignore = [\"legacy-protocol\"]\n",
    )
    .unwrap();
    let r = t.run(&["check", "--format", "concise", "a/b/nginx.conf"]);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(r.stdout.contains("legacy-protocol"), "{}", r.stdout);
    let note = format!(
        "note: ignoring {} above the checked root {}; pass --config to use it",
        t.base.join(".tlslint.toml").display(),
        t.repo().display()
    );
    assert!(r.stderr.contains(&note), "{}", r.stderr);
    assert!(
        r.stderr.contains("tlslint: no config file,"),
        "{}",
        r.stderr
    );
    // Named with --config, it is used, and no note is printed.
    let above = t.base.join(".tlslint.toml");
    let r = t.run(&[
        "check",
        "--format",
        "concise",
        "--config",
        above.to_str().unwrap(),
        "a/b/nginx.conf",
    ]);
    assert!(!r.stdout.contains("legacy-protocol"), "{}", r.stdout);
    assert!(!r.stderr.contains("note: ignoring"), "{}", r.stderr);
}

#[test]
fn the_repository_config_applies_to_a_single_deep_file() {
    let t = Tree::new();
    t.write(".tlslint.toml", "ignore = [\"legacy-protocol\"]\n");
    let r = t.run(&["check", "--format", "concise", "a/b/nginx.conf"]);
    assert!(!r.stdout.contains("legacy-protocol"), "{}", r.stdout);
    assert!(
        r.stderr
            .contains("tlslint: config .tlslint.toml, policy mozilla-intermediate (built-in), "),
        "{}",
        r.stderr
    );
    // From a subdirectory too: the search walks up to the repository's top.
    let r = run_in(
        &t.repo().join("a"),
        &["check", "--format", "concise", "b/nginx.conf"],
    );
    assert!(!r.stdout.contains("legacy-protocol"), "{}", r.stdout);
    assert!(
        r.stderr.contains("tlslint: config ../.tlslint.toml, "),
        "{}",
        r.stderr
    );
}

#[test]
fn config_paths_outside_the_tree_are_config_errors() {
    let t = Tree::new();
    let cases = [
        ("policy = \"/etc/passwd\"\n", "/etc/passwd"),
        ("policy = \"../outside.toml\"\n", "../outside.toml"),
        ("app-rules = [\"/\"]\n", "app-rules"),
        ("app-rules = [\"..\"]\n", "app-rules"),
        ("policy = \"/dev/zero\"\n", "/dev/zero"),
    ];
    for (config, needle) in cases {
        t.write(".tlslint.toml", config);
        for format in ["concise", "human", "json", "sarif"] {
            let r = t.run(&["check", "--format", format, "a/b/nginx.conf"]);
            assert_config_error(&r, needle);
        }
    }
    // The error points at the value in the config.
    t.write(
        ".tlslint.toml",
        "fail-level = \"error\"\npolicy = \"../outside.toml\"\n",
    );
    let r = t.run(&["check", "--format", "concise", "a/b/nginx.conf"]);
    assert!(
        r.stdout
            .starts_with(".tlslint.toml:2:10: error[config-error] "),
        "{}",
        r.stdout
    );
}

#[test]
fn extends_outside_the_tree_is_a_config_error() {
    let t = Tree::new();
    t.write(".tlslint.toml", "policy = \"p.toml\"\n");
    t.write("p.toml", "name = \"p\"\nextends = \"../outside.toml\"\n");
    let r = t.run(&["check", "--format", "concise", "a/b/nginx.conf"]);
    assert_config_error(&r, "extends");
    assert!(r.stdout.starts_with("p.toml:2:11: "), "{}", r.stdout);
    // A policy typed on the command line may be anywhere, but its `extends` stay in its
    // directory.
    fs::create_dir(t.base.join("pol")).unwrap();
    fs::write(
        t.base.join("pol/p.toml"),
        "name = \"p\"\nextends = \"../outside.toml\"\n",
    )
    .unwrap();
    let p = t.base.join("pol/p.toml");
    let r = t.run(&[
        "check",
        "--no-config",
        "--policy",
        p.to_str().unwrap(),
        "a/b/nginx.conf",
    ]);
    assert_config_error(&r, "extends");
}

#[cfg(unix)]
#[test]
fn a_symlinked_config_or_policy_reaching_out_is_refused() {
    let t = Tree::new();
    std::os::unix::fs::symlink(t.base.join("outside.toml"), t.repo().join("p.toml")).unwrap();
    t.write(".tlslint.toml", "policy = \"p.toml\"\n");
    let r = t.run(&["check", "--format", "concise", "a/b/nginx.conf"]);
    assert_config_error(&r, "p.toml");
    fs::remove_file(t.repo().join(".tlslint.toml")).unwrap();
    std::os::unix::fs::symlink(t.base.join("outside.toml"), t.repo().join(".tlslint.toml"))
        .unwrap();
    let r = t.run(&["check", "--format", "concise", "a/b/nginx.conf"]);
    assert_config_error(&r, ".tlslint.toml");
}

#[test]
fn huge_config_policy_and_app_rule_files_fail_fast() {
    let t = Tree::new();
    let sparse = |rel: &str| {
        let f = fs::File::create(t.repo().join(rel)).unwrap();
        f.set_len(2 << 30).unwrap();
    };
    sparse(".tlslint.toml");
    let r = t.run(&["check", "--format", "concise", "a/b/nginx.conf"]);
    assert_config_error(&r, "too large");
    sparse("big.toml");
    t.write(".tlslint.toml", "policy = \"big.toml\"\n");
    let r = t.run(&["check", "--format", "concise", "a/b/nginx.conf"]);
    assert_config_error(&r, "too large");
    // An app-rules directory holding a huge description: exit 2 quickly too.
    fs::create_dir(t.repo().join("apps")).unwrap();
    let f = fs::File::create(t.repo().join("apps/big.toml")).unwrap();
    f.set_len(2 << 30).unwrap();
    t.write(".tlslint.toml", "app-rules = [\"apps\"]\n");
    t.write("a/b/app.yml", "tls:\n  min_version: \"1.0\"\n");
    let r = t.run(&[
        "check",
        "--format",
        "concise",
        "--dialect",
        "app",
        "a/b/app.yml",
    ]);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.all().contains("too large"), "{}", r.all());
    assert!(r.took < Duration::from_secs(5), "took {:?}", r.took);
}

#[test]
fn every_format_says_which_config_and_policy_were_used() {
    let t = Tree::new();
    // Three ways a config in the tree can make TLS 1.0 pass; each must be visible.
    let configs = [
        (
            "policy = \"empty.toml\"\n",
            "policy empty (empty.toml), 0 checks",
        ),
        (
            "fail-level = \"error\"\n",
            "policy mozilla-intermediate (built-in)",
        ),
        (
            "ignore = [\"legacy-protocol\"]\n",
            "policy mozilla-intermediate (built-in)",
        ),
    ];
    t.write("empty.toml", "name = \"empty\"\n");
    for (config, policy) in configs {
        t.write(".tlslint.toml", config);
        for format in ["human", "concise", "github", "junit", "checkstyle"] {
            let r = t.run(&["check", "--format", format, "a/b/nginx.conf"]);
            let line = format!("tlslint: config .tlslint.toml, {policy}");
            assert!(r.stderr.contains(&line), "{format}: {}", r.stderr);
            assert_eq!(r.stderr.matches("tlslint: ").count(), 1, "{}", r.stderr);
        }
        let r = t.run(&["check", "--format", "json", "a/b/nginx.conf"]);
        let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(j["config"], ".tlslint.toml");
        assert!(j["policy"].is_string());
        let r = t.run(&["check", "--format", "sarif", "a/b/nginx.conf"]);
        let s: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(s["runs"][0]["properties"]["config"], ".tlslint.toml");
    }
    let r = t.run(&["check", "--format", "json", "a/b/nginx.conf"]);
    let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(j["policy"], "mozilla-intermediate");
    assert_eq!(j["policy_file"], serde_json::Value::Null);
    assert_eq!(j["baseline"], serde_json::Value::Null);
    // The empty policy is named with its file, and zero checks ran.
    t.write(".tlslint.toml", "policy = \"empty.toml\"\n");
    let r = t.run(&["check", "--format", "json", "a/b/nginx.conf"]);
    let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        (&j["policy"], &j["policy_file"], &j["checks_enabled"]),
        (
            &serde_json::json!("empty"),
            &serde_json::json!("empty.toml"),
            &serde_json::json!(0)
        )
    );
    // No config at all says so.
    let r = t.run(&[
        "check",
        "--no-config",
        "--format",
        "concise",
        "a/b/nginx.conf",
    ]);
    assert!(
        r.stderr
            .contains("tlslint: no config file, policy mozilla-intermediate (built-in), "),
        "{}",
        r.stderr
    );
}

#[test]
fn a_baseline_says_how_many_findings_it_hid() {
    let t = Tree::new();
    let r = t.run(&["check", "a/b/nginx.conf", "--write-baseline", "base.json"]);
    assert_eq!(r.code, 0, "{}", r.all());
    let r = t.run(&[
        "check",
        "--format",
        "concise",
        "a/b/nginx.conf",
        "--baseline",
        "base.json",
    ]);
    assert_eq!(r.code, 0, "{}", r.all());
    let hidden = r
        .stderr
        .lines()
        .find(|l| l.starts_with("note: the baseline base.json hid "))
        .unwrap_or_else(|| panic!("{}", r.stderr));
    assert!(hidden.ends_with("findings; run without --baseline to see them"));
    let hid: usize = hidden["note: the baseline base.json hid ".len()..]
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(hid >= 1, "{hidden}");
    // Inflated counts hide no more than occurs, and the count is still shown.
    let text = fs::read_to_string(t.repo().join("base.json")).unwrap();
    t.write(
        "base.json",
        &text.replace("\"count\": 1", "\"count\": 1000"),
    );
    let r = t.run(&[
        "check",
        "--format",
        "json",
        "a/b/nginx.conf",
        "--baseline",
        "base.json",
    ]);
    let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(j["baseline"]["file"], "base.json");
    assert_eq!(j["baseline"]["hidden"], hid);
    assert!(j["baseline"]["stale"].as_u64().unwrap() > 0);
    assert!(
        r.stderr.contains(&format!("hid {hid} findings")),
        "{}",
        r.stderr
    );
    let r = t.run(&[
        "check",
        "--format",
        "sarif",
        "a/b/nginx.conf",
        "--baseline",
        "base.json",
    ]);
    let sarif: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(sarif["runs"][0]["properties"]["baseline"]["hidden"], hid);
    // A huge baseline is refused quickly.
    fs::File::create(t.repo().join("big.json"))
        .unwrap()
        .set_len(2 << 30)
        .unwrap();
    let r = t.run(&["check", "a/b/nginx.conf", "--baseline", "big.json"]);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.stderr.contains("too large"), "{}", r.stderr);
    assert!(r.took < Duration::from_secs(5));
}

#[cfg(unix)]
#[test]
fn outputs_are_never_written_through_a_symlink() {
    let t = Tree::new();
    let outside = t.base.join("outside-file");
    fs::write(&outside, "keep me").unwrap();
    std::os::unix::fs::symlink("../outside-file", t.repo().join("link")).unwrap();
    std::os::unix::fs::symlink(t.base.join("nowhere"), t.repo().join("dangling")).unwrap();
    std::os::unix::fs::symlink(&t.base, t.repo().join("linkdir")).unwrap();
    for dest in ["link", "dangling", "linkdir/out.json", "a"] {
        for flag in ["-o", "--write-baseline"] {
            let r = t.run(&["check", "--format", "json", flag, dest, "a/b/nginx.conf"]);
            assert_eq!(r.code, 2, "{flag} {dest}: {}", r.all());
            assert!(r.stderr.contains("error: cannot write"), "{}", r.stderr);
        }
    }
    assert_eq!(fs::read_to_string(&outside).unwrap(), "keep me");
    assert!(!t.base.join("nowhere").exists());
    assert!(!t.base.join("out.json").exists());
}

#[test]
fn normal_outputs_are_written_without_leftovers() {
    let t = Tree::new();
    let before = entries(&t.repo());
    let r = t.run(&[
        "check",
        "--format",
        "json",
        "-o",
        "out.json",
        "a/b/nginx.conf",
    ]);
    assert_eq!(r.code, 1, "{}", r.all());
    assert_eq!(r.stdout, "");
    let j: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(t.repo().join("out.json")).unwrap()).unwrap();
    assert_eq!(j["policy"], "mozilla-intermediate");
    // Again over the existing file, then a baseline.
    let r = t.run(&[
        "check",
        "--format",
        "sarif",
        "-o",
        "out.json",
        "a/b/nginx.conf",
    ]);
    assert_eq!(r.code, 1, "{}", r.all());
    let r = t.run(&["check", "--write-baseline", "base.json", "a/b/nginx.conf"]);
    assert_eq!(r.code, 0, "{}", r.all());
    let mut want = before;
    want.extend(["base.json".to_owned(), "out.json".to_owned()]);
    want.sort();
    assert_eq!(entries(&t.repo()), want);
}

#[cfg(unix)]
#[test]
fn init_never_writes_through_a_symlink() {
    let t = Tree::new();
    let dir = t.base.join("fresh");
    fs::create_dir(&dir).unwrap();
    // A dangling link: `create_new` fails instead of creating the target.
    std::os::unix::fs::symlink(t.base.join("target.toml"), dir.join(".tlslint.toml")).unwrap();
    let r = run_in(&dir, &["init"]);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(!t.base.join("target.toml").exists());
    // A link to an existing file: refused as existing, the file unchanged.
    fs::remove_file(dir.join(".tlslint.toml")).unwrap();
    std::os::unix::fs::symlink(t.base.join("outside.toml"), dir.join(".tlslint.toml")).unwrap();
    let r = run_in(&dir, &["init"]);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(
        fs::read_to_string(t.base.join("outside.toml"))
            .unwrap()
            .starts_with("name = ")
    );
}

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}
