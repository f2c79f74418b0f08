//! Pins the findings of every real application config in `tests/corpus/apps`: each folder
//! is checked on its own with the default policy (`mozilla-intermediate`) and its findings
//! (one line each, `path:line:col: level[check] message`) are compared with a reviewed
//! snapshot. The folder READMEs say, per file, what the findings should be and why.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_tlslint");

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/apps")
}

/// The exit status and the concise findings of one folder.
fn findings(folder: &str) -> String {
    let out = Command::new(BIN)
        .current_dir(corpus())
        .args([
            "check",
            "--no-config",
            "--format",
            "concise",
            "--color",
            "never",
            "--exit-zero",
            folder,
        ])
        .output()
        .expect("tlslint runs");
    // Exit 2 is expected only where a folder holds a file that does not parse (a template).
    let code = out.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 2,
        "{folder}: tlslint failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut lines: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    lines.sort();
    lines.insert(0, format!("exit {code}"));
    lines.join("\n")
}

#[test]
fn real_app_configs_give_the_reviewed_findings() {
    let mut folders: Vec<String> = fs::read_dir(corpus())
        .expect("corpus folder")
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    assert!(!folders.is_empty());
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path("snapshots/app-findings");
    settings.bind(|| {
        for folder in folders {
            insta::assert_snapshot!(folder.clone(), findings(&folder));
        }
    });
}
