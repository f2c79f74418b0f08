//! Differential test against httpd's own parser: every Apache config of the test suite that
//! tlslint parses without error, `apache2 -t` accepts, and every one it rejects (the syntax
//! error fixtures), `apache2 -t` rejects too.
//!
//! httpd runs on a copy of each case in a private directory: `-d` points `ServerRoot` at the
//! copy, `-C` loads an MPM and the modules the configs use (Debian's `apache2ctl` would take
//! them from `/etc/apache2`), the `APACHE_*` variables Debian's `envvars` sets point into the
//! directory, and certificate, key and DH paths are replaced by files made with `openssl`
//! (httpd checks that they exist). Skipped with a message when `apache2` or `openssl` is
//! missing (a failure with `CI=true`: `tests/support/mod.rs`).

use std::fs;
use std::path::{Path, PathBuf};

use tlslint::model::Dialect;
use tlslint::parse::{self, Options};
use tlslint::source::Sources;

pub mod support;

#[path = "support/httpd.rs"]
pub mod httpd;

use httpd::{apache2, copy_case, httpd_accepts, material};

/// Every Apache case of the suite: (the case as copied, its entry inside it).
fn cases() -> Vec<(PathBuf, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut out = Vec::new();
    for e in fs::read_dir(root.join("parse/apache")).unwrap() {
        let dir = e.unwrap().path();
        let entry = if dir.join("apache2.conf").exists() {
            "apache2.conf"
        } else {
            "httpd.conf"
        };
        out.push((dir, PathBuf::from(entry)));
    }
    for e in fs::read_dir(root.join("fixtures")).unwrap() {
        let dir = e.unwrap().path();
        for f in fs::read_dir(&dir).unwrap() {
            let f = f.unwrap().path();
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with("apache") && f.is_file() {
                out.push((f, PathBuf::from(name)));
            }
        }
    }
    for e in fs::read_dir(root.join("data/mozilla")).unwrap() {
        let f = e.unwrap().path();
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("apache-") {
            out.push((f, PathBuf::from(name)));
        }
    }
    let corpus = root.join("corpus/apache");
    if let Ok(rd) = fs::read_dir(&corpus) {
        for e in rd {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if p.is_dir() {
                let entry = ["apache2.conf", "httpd.conf"]
                    .into_iter()
                    .find(|n| p.join(n).exists());
                if let Some(entry) = entry {
                    out.push((p, PathBuf::from(entry)));
                }
            } else if p
                .extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("conf"))
            {
                out.push((p, PathBuf::from(name)));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn tlslint_and_httpd_agree_on_what_parses() {
    let Some(apache2) = apache2() else { return };
    if !support::require_program("openssl", "the httpd differential test") {
        return;
    }
    let work = std::env::temp_dir().join(format!("tlslint-apache-oracle-{}", std::process::id()));
    let _ = fs::remove_dir_all(&work);
    let keys = work.join("keys");
    fs::create_dir_all(&keys).unwrap();
    assert!(material(&keys), "openssl could not make test key material");
    let mut disagreements = Vec::new();
    let mut checked = 0;
    for (i, (case, entry)) in cases().into_iter().enumerate() {
        let original = if case.is_dir() {
            case.join(&entry)
        } else {
            case.clone()
        };
        let mut sources = Sources::new();
        let parsed = parse::parse(
            Dialect::Apache,
            &original,
            &mut sources,
            &Options::default(),
        );
        // An include tlslint does not read (outside the tree) may hold anything: no verdict.
        if parsed
            .model
            .observations
            .iter()
            .any(|o| o.kind == tlslint::model::ObservationKind::OutsideRoot && o.key.is_empty())
        {
            continue;
        }
        let ours = parsed.errors.is_empty();
        let copy = work.join(format!("case-{i}"));
        let copied_entry = if case.is_dir() {
            copy_case(&case, &copy, &keys);
            copy.join(&entry)
        } else {
            fs::create_dir_all(&copy).unwrap();
            copy_case(&case, &copy.join(&entry), &keys);
            copy.join(&entry)
        };
        let (theirs, said) = httpd_accepts(&apache2, &copy, &copied_entry);
        checked += 1;
        if ours != theirs {
            let errors: Vec<String> = parsed.errors.iter().map(|e| e.message.clone()).collect();
            disagreements.push(format!(
                "{}: tlslint {} ({errors:?}), httpd {} ({})",
                original.display(),
                if ours { "parses" } else { "rejects" },
                if theirs { "accepts" } else { "rejects" },
                said.trim()
            ));
        }
    }
    let _ = fs::remove_dir_all(&work);
    assert!(checked > 10, "only {checked} cases");
    assert!(
        disagreements.is_empty(),
        "tlslint and apache2 -t disagree:\n{}",
        disagreements.join("\n")
    );
}
