//! Fixture tests: `tests/fixtures/<check>/<case>` is linted with only that check and the
//! rendered diagnostics are snapshotted. A case is a file or a directory (Postfix and
//! Dovecot trees). `check.toml`, when present, is the one-check policy for the directory;
//! otherwise the check runs with the parameters the default policy gives it.
//!
//! The `# expect: <check>` markers of a case must name exactly the lines the check's
//! findings are on (see [`expected`] for which line a marker is about), so a wrong snapshot
//! cannot be accepted by mistake. Inline suppressions apply (they are part of
//! `check_paths`); the `*-suppression` fixtures run every check of the policy.

use std::fs;
use std::path::{Path, PathBuf};

use tlslint::checks;
use tlslint::model::Targets;
use tlslint::report::{self, Format, Summary};
use tlslint::source::Sources;
use tlslint::{Input, check_paths, parse, policy};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn policy_for(dir: &Path, check: &str) -> policy::Policy {
    let path = dir.join("check.toml");
    if path.exists() {
        let text = fs::read_to_string(&path).unwrap();
        policy::parse("check.toml", &text, Some(dir), 0)
            .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()))
    } else {
        let mut p = policy::load(policy::DEFAULT_POLICY).unwrap();
        // Suppression checks judge the other checks' findings, so they run with all of them.
        if !check.ends_with("-suppression") {
            p.entries.retain(|e| e.check.name == check);
        }
        if p.entries.is_empty() {
            let text = format!("name = \"fixture\"\n[[check]]\nid = \"{check}\"\n");
            p = policy::parse("fixture.toml", &text, None, 0).unwrap();
        }
        p
    }
}

/// Where a finding is, or is expected: file (relative to the crate, `/`-separated), 1-based
/// line, check name. Ordered, so mismatch lists read top to bottom.
type Mark = (String, usize, String);

/// The `# expect: <check>[, <check>...]` markers for `check` in a case (a file, or a
/// directory of files), each as the place its finding must be:
///
/// - a marker after code (`minVersion: TLS1.2 # expect: invalid-value`, for formats with
///   trailing comments) is about its own line;
/// - a marker on a comment line is about the next line that is neither blank nor a
///   comment, so a case can explain itself above the marker (Postfix has no trailing
///   comments, so this is the form that works in every dialect).
///
/// An item repeated on one marker (`# expect: weak-curve, weak-curve`) expects that many
/// findings on the line. The first word of each item is the check: `# expect: check (why)`.
fn expected(case: &Path, check: &str) -> Vec<Mark> {
    let mut marks = Vec::new();
    for file in case_files(case) {
        let Ok(text) = fs::read_to_string(&file) else {
            continue;
        };
        let name = display(&file);
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let Some((code, rest)) = line.split_once("# expect:") else {
                continue;
            };
            let target = if code.trim().is_empty() {
                let next = lines[i + 1..].iter().position(|l| !l.trim().is_empty());
                let Some(next) = next else {
                    panic!("{name}:{}: `# expect:` marker with no line below it", i + 1);
                };
                i + 1 + next + 1
            } else {
                i + 1
            };
            for item in rest.split(',') {
                if item.split_whitespace().next() == Some(check) {
                    marks.push((name.clone(), target, check.to_owned()));
                }
            }
        }
    }
    marks.sort();
    marks
}

/// The files of a case: the file itself, or every file under the directory.
fn case_files(case: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut todo = vec![case.to_path_buf()];
    while let Some(p) = todo.pop() {
        if p.is_dir() {
            todo.extend(fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
        } else {
            files.push(p);
        }
    }
    files.sort();
    files
}

/// A path as shown in marks: relative to the crate when inside it, `/`-separated.
fn display(path: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    canonical
        .strip_prefix(&root)
        .unwrap_or(&canonical)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Where the findings of `check` are, by the start of their primary span.
fn found(findings: &[checks::Finding], sources: &Sources, check: &str) -> Vec<Mark> {
    let mut marks: Vec<Mark> = findings
        .iter()
        .filter(|f| f.check == check)
        .map(|f| {
            let file = display(&sources.get(f.span.file).path);
            (file, sources.start(f.span).line, check.to_owned())
        })
        .collect();
    marks.sort();
    marks
}

/// `want` minus `got`, counting repeats (both sorted).
fn minus(want: &[Mark], got: &[Mark]) -> Vec<String> {
    let mut rest = got.to_vec();
    want.iter()
        .filter(|m| {
            if let Some(i) = rest.iter().position(|g| g == *m) {
                rest.remove(i);
                false
            } else {
                true
            }
        })
        .map(|(file, line, check)| format!("{file}:{line} {check}"))
        .collect()
}

fn targets_for(case: &Path) -> Targets {
    // A case may pin versions anywhere in its name: `nginx-1.22-...`, `postfix-openssl-1.0.2-...`,
    // and the OpenSSL build's security level: `...-seclevel-0`.
    let mut t = Targets::default();
    let name = case.file_name().unwrap().to_string_lossy().into_owned();
    for program in Targets::PROGRAMS {
        for (i, _) in name.match_indices(&format!("{program}-")) {
            let rest = &name[i + program.len() + 1..];
            let v: String = rest
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            let v = v.trim_end_matches('.');
            if v.contains('.') || (program == "seclevel" && !v.is_empty()) {
                t.set(&format!("{program}={v}")).unwrap();
            }
        }
    }
    t
}

/// `go-1.21` anywhere in a case name targets that Go version (Go-based apps).
fn go_target(case: &Path) -> std::collections::BTreeMap<String, tlslint::model::Version> {
    let name = case.file_name().unwrap().to_string_lossy().into_owned();
    let mut apps = std::collections::BTreeMap::new();
    for (i, _) in name.match_indices("go-") {
        let v: String = name[i + 3..]
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        if let Some(v) = tlslint::model::Version::parse(v.trim_end_matches('.')) {
            apps.insert("go".to_owned(), v);
        }
    }
    apps
}

#[test]
fn fixtures_match_snapshots_and_expectations() {
    let root = fixtures();
    let mut dirs: Vec<PathBuf> = fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let mut failures = Vec::new();
    for dir in dirs {
        let check = dir.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            checks::find(&check).is_some(),
            "fixture directory {check} names no check"
        );
        let policy = policy_for(&dir, &check);
        let mut cases: Vec<PathBuf> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.file_name().is_some_and(|n| n != "check.toml"))
            .collect();
        cases.sort();
        let mut fired = 0;
        for case in cases {
            let options = parse::Options {
                targets: targets_for(&case),
                app_versions: go_target(&case),
                ..parse::Options::default()
            };
            let rel = case
                .strip_prefix(env!("CARGO_MANIFEST_DIR"))
                .unwrap()
                .to_path_buf();
            let paths = [rel.clone()];
            let input = Input {
                paths: &paths,
                dialect: None,
                stdin: None,
            };
            // Suppression checks judge other checks' findings, so every check runs for
            // them (an `allow` naming a check that did not run is never "unused").
            let suppression_fixture = check.ends_with("-suppression");
            let only = |name: &str| {
                if suppression_fixture || name == check {
                    tlslint::Enabled::PolicySeverity
                } else {
                    tlslint::Enabled::Off
                }
            };
            let outcome = check_paths(input, Some(&policy), &options, &only, Sources::new());
            let mut all = outcome.errors.clone();
            all.extend(outcome.findings.iter().cloned());
            let summary =
                Summary::count(outcome.sources.len(), outcome.model.endpoints.len(), &all);
            let mut out = Vec::new();
            report::emit(
                Format::human(false),
                &all,
                &summary,
                &outcome.sources,
                &report::RunInfo::default(),
                &mut out,
            )
            .unwrap();
            let rendered = String::from_utf8(out).unwrap();
            let name = format!(
                "{check}__{}",
                case.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .replace('.', "_")
            );
            insta::with_settings!({
                snapshot_path => root.join("../snapshots"),
                prepend_module_to_snapshot => false,
                description => rel.display().to_string(),
                omit_expression => true,
            }, {
                insta::assert_snapshot!(name, rendered);
            });
            let got = found(&outcome.findings, &outcome.sources, &check);
            fired += got.len();
            let want = expected(&case, &check);
            let (missing, unexpected) = (minus(&want, &got), minus(&got, &want));
            if !missing.is_empty() || !unexpected.is_empty() {
                failures.push(format!(
                    "{}: `# expect:` markers and findings differ\n  missing (marked, not found): {}\n  unexpected (found, not marked): {}",
                    rel.display(),
                    list(&missing),
                    list(&unexpected)
                ));
            }
            if !outcome.errors.is_empty() && !case.to_string_lossy().contains("error") {
                failures.push(format!("{}: unexpected parse errors", rel.display()));
            }
        }
        if fired == 0 {
            failures.push(format!("{check}: no fixture makes the check fire"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Mismatch items on one line, or `none`.
fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_owned()
    } else {
        items.join(", ")
    }
}

#[test]
fn every_check_has_fixtures() {
    for c in checks::ALL {
        assert!(
            fixtures().join(c.name).is_dir(),
            "check {} has no tests/fixtures/{} directory",
            c.name,
            c.name
        );
    }
}

#[test]
fn no_orphan_snapshots() {
    let snaps = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let Ok(entries) = fs::read_dir(&snaps) else {
        return;
    };
    for e in entries {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(".snap") else {
            continue;
        };
        let Some((check, case)) = stem.split_once("__") else {
            continue;
        };
        // Parser snapshots share the folder; only check snapshots belong to fixtures.
        if checks::find(check).is_none() {
            continue;
        }
        let dir = fixtures().join(check);
        let exists = fs::read_dir(&dir).is_ok_and(|rd| {
            rd.filter_map(Result::ok)
                .any(|e| e.file_name().to_string_lossy().replace('.', "_") == case)
        });
        assert!(exists, "snapshot {name} has no fixture");
    }
}
