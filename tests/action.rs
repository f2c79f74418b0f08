//! The composite GitHub Action (`action.yml`) run step by step as a runner runs it: each
//! step's `run` script in `bash -eo pipefail` with the step's `env` (its `${{ ... }}`
//! expressions resolved from the inputs), `GITHUB_ACTION_PATH` and `RUNNER_TEMP` set. A
//! stand-in `cargo` on `PATH` records the install command and links the binary under test
//! where `cargo install --root` would put it, so no build happens here.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tlslint::parse::app::tree::{self, Node};
use tlslint::source::Sources;

pub mod support;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// One step of the action: its script and its environment, expressions unresolved.
struct Step {
    name: String,
    shell: String,
    run: String,
    env: Vec<(String, String)>,
}

/// The action's inputs (name → default) and steps.
fn action() -> (BTreeMap<String, String>, Vec<Step>) {
    let text = fs::read_to_string(Path::new(ROOT).join("action.yml")).unwrap();
    let mut sources = Sources::new();
    let id = sources.add(
        PathBuf::from("action.yml"),
        "action.yml".into(),
        text.clone(),
    );
    let docs = tree::parse(tree::Format::Yaml, id, &text).unwrap();
    let doc = &docs[0];
    let str_of = |n: Option<&Node>| n.and_then(Node::scalar).map(|s| s.value.clone());
    let inputs = doc
        .get("inputs")
        .and_then(Node::entries)
        .unwrap()
        .iter()
        .map(|e| {
            (
                e.key.clone(),
                str_of(e.value.get("default")).unwrap_or_default(),
            )
        })
        .collect();
    let runs = doc.get("runs").unwrap();
    assert_eq!(str_of(runs.get("using")).as_deref(), Some("composite"));
    let tree::Kind::Seq(items) = &runs.get("steps").unwrap().kind else {
        panic!("runs.steps is not a list");
    };
    let steps = items
        .iter()
        .map(|s| Step {
            name: str_of(s.get("name")).unwrap_or_default(),
            shell: str_of(s.get("shell")).unwrap_or_default(),
            run: str_of(s.get("run")).unwrap(),
            env: s
                .get("env")
                .and_then(Node::entries)
                .unwrap_or_default()
                .iter()
                .map(|e| (e.key.clone(), str_of(Some(&e.value)).unwrap()))
                .collect(),
        })
        .collect();
    (inputs, steps)
}

/// The value of `${{ inputs.NAME }}` or `${{ github.action_path }}`; any other expression
/// fails the test (the action uses no others).
fn resolve(value: &str, inputs: &BTreeMap<String, String>) -> String {
    let Some(inner) = value
        .trim()
        .strip_prefix("${{")
        .and_then(|v| v.strip_suffix("}}"))
    else {
        assert!(!value.contains("${{"), "partial expression: {value}");
        return value.to_owned();
    };
    match inner.trim() {
        "github.action_path" => ROOT.to_owned(),
        e => {
            let name = e.strip_prefix("inputs.").unwrap_or_else(|| panic!("{e}"));
            inputs
                .get(name)
                .unwrap_or_else(|| panic!("no input {name}"))
                .clone()
        }
    }
}

/// A runner for the action's steps: a temporary `RUNNER_TEMP` and a stand-in `cargo`.
struct Runner {
    temp: tempfile::TempDir,
    shims: PathBuf,
}

impl Runner {
    fn new() -> Runner {
        let temp = tempfile::tempdir().unwrap();
        let shims = temp.path().join("shims");
        fs::create_dir(&shims).unwrap();
        // `cargo install ... --root DIR`: record the arguments, put the binary in DIR/bin.
        let cargo = format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"{log}\"\nroot=\nwhile [ $# -gt 0 ]; do\n  if [ \"$1\" = --root ]; then root=$2; fi\n  shift\ndone\nmkdir -p \"$root/bin\" && ln -sf \"{bin}\" \"$root/bin/tlslint\"\n",
            log = temp.path().join("cargo-args").display(),
            bin = env!("CARGO_BIN_EXE_tlslint"),
        );
        let path = shims.join("cargo");
        fs::write(&path, cargo).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
        }
        Runner { temp, shims }
    }

    fn runner_temp(&self) -> PathBuf {
        self.temp.path().join("runner-temp")
    }

    /// Runs one step as GitHub's `bash` shell does, in `workspace`.
    fn run(&self, step: &Step, inputs: &BTreeMap<String, String>, workspace: &Path) -> Output {
        assert_eq!(step.shell, "bash", "{}", step.name);
        // Inputs go through `env`, never into the script text.
        assert!(
            !step.run.contains("${{"),
            "{}: expression in run",
            step.name
        );
        let path = format!(
            "{}:{}",
            self.shims.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        fs::create_dir_all(self.runner_temp()).unwrap();
        let mut c = Command::new("bash");
        c.args(["--noprofile", "--norc", "-eo", "pipefail", "-c", &step.run])
            .current_dir(workspace)
            .env("PATH", path)
            .env("GITHUB_ACTION_PATH", ROOT)
            .env("RUNNER_TEMP", self.runner_temp())
            .env("NO_COLOR", "1")
            .env_remove("COLUMNS");
        for (k, v) in &step.env {
            c.env(k, resolve(v, inputs));
        }
        c.output().unwrap()
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn the_action_installs_from_its_own_path_and_checks_the_workspace() {
    if Command::new("bash").arg("--version").output().is_err() {
        support::skip("action", "bash is not available");
        return;
    }
    let (defaults, steps) = action();
    assert_eq!(
        defaults.keys().collect::<Vec<_>>(),
        ["args", "format", "paths"]
    );
    assert_eq!(defaults["paths"], ".");
    assert_eq!(defaults["format"], "github");
    let [install, check] = &steps[..] else {
        panic!("expected two steps");
    };
    let runner = Runner::new();
    let workspace = Path::new(ROOT);
    // Install: cargo from the action's own checkout, into RUNNER_TEMP.
    let o = runner.run(install, &defaults, workspace);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let args = fs::read_to_string(runner.temp.path().join("cargo-args")).unwrap();
    let args: Vec<&str> = args.lines().collect();
    assert_eq!(args[..2], ["install", "--locked"]);
    let at = |flag: &str| {
        let i = args.iter().position(|a| *a == flag).unwrap();
        args[i + 1].to_owned()
    };
    assert_eq!(at("--path"), ROOT);
    assert_eq!(
        PathBuf::from(at("--root")),
        runner.runner_temp().join("tlslint")
    );
    // Check: the inputs become tlslint's arguments; findings fail the step.
    let mut inputs = defaults.clone();
    inputs.insert("paths".into(), "examples/weak examples/mail".into());
    inputs.insert("format".into(), "concise".into());
    inputs.insert(
        "args".into(),
        "--no-config --select legacy-protocol,missing-tls13".into(),
    );
    let o = runner.run(check, &inputs, workspace);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(
        out.contains("examples/weak/nginx.conf:6:19: warning[missing-tls13]"),
        "{out}"
    );
    assert!(out.contains("examples/mail/"), "{out}");
    assert!(!out.contains("ineffective-setting"), "{out}");
    // The defaults: GitHub annotations for the whole workspace.
    let t = tempfile::tempdir().unwrap();
    fs::create_dir(t.path().join(".git")).unwrap();
    fs::write(
        t.path().join("nginx.conf"),
        "http { server { listen 443 ssl; ssl_protocols TLSv1 TLSv1.2; ssl_certificate a.crt; } }\n",
    )
    .unwrap();
    let o = runner.run(check, &defaults, t.path());
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).starts_with("::warning file=nginx.conf,"),
        "{}",
        text(&o.stdout)
    );
    // SARIF for code scanning: `--exit-zero -o FILE` in `args`.
    let mut inputs = defaults.clone();
    inputs.insert("format".into(), "sarif".into());
    inputs.insert("args".into(), "--exit-zero -o tlslint.sarif".into());
    let o = runner.run(check, &inputs, t.path());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let sarif: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(t.path().join("tlslint.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    // An input is data, not shell code.
    let mut inputs = defaults;
    inputs.insert("args".into(), "$(touch injected) ;touch injected2".into());
    let o = runner.run(check, &inputs, t.path());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(!t.path().join("injected").exists() && !t.path().join("injected2").exists());
}

#[test]
fn the_readme_examples_use_inputs_the_action_has() {
    let (inputs, _) = action();
    let readme = fs::read_to_string(Path::new(ROOT).join("README.md")).unwrap();
    let mut seen = 0;
    for block in readme.split("uses: your-org/tlslint@").skip(1) {
        let (rev, rest) = block.split_once('\n').unwrap();
        assert!(
            rev.len() == 40 && rev.chars().all(|c| c.is_ascii_hexdigit()),
            "pin a full commit hash: {rev}"
        );
        let Some(with) = rest.trim_start().strip_prefix("with:\n") else {
            continue;
        };
        for line in with.lines().take_while(|l| l.starts_with("          ")) {
            let key = line.trim().split(':').next().unwrap();
            assert!(inputs.contains_key(key), "README uses unknown input {key}");
            seen += 1;
        }
    }
    assert!(seen >= 3, "README has no action examples with inputs");
}
