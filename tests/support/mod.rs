//! Helpers shared by integration tests; a test file that needs them says `mod support;`.
//! (A folder with a `mod.rs` is not built as a test target of its own.)
//!
//! This module is for deciding whether a test can run on this machine, plus two helpers the
//! cipher tests share. It is not for test data: that lives in `tests/data/`,
//! `tests/corpus/` and `tests/fixtures/`.

use std::io::Write as _;
use std::path::Path;

/// True when the program `name` is on `PATH`, so the test that needs it can run.
///
/// When it is missing: reports a skip naming `what` (the check that does not run) and
/// returns false, so a developer without the program still gets a green run. With `CI` set
/// to `true` or `1` it panics instead: `.ci/test.sh` installs every program the tests use
/// (openssl, postconf, doveconf, nginx), so a missing one there means the install step
/// broke, and a skip would let the test pass without checking anything.
pub fn require_program(name: &str, what: &str) -> bool {
    if on_path(name) {
        return true;
    }
    assert!(
        !in_ci(),
        "`{name}` is not on PATH but CI is set: {what} must run in CI \
         (.ci/test.sh installs `{name}`; see its output for why it did not)"
    );
    skip(what, &format!("`{name}` is not on PATH (in CI this fails)"));
    false
}

/// Reports that `what` did not run, and `why`, on the test process's real stderr.
///
/// The test harness captures `eprintln!` of passing tests, which would hide the skip; a
/// direct write to stderr is not captured, so `cargo test 2>&1 | grep SKIP` lists every
/// skip of the run.
pub fn skip(what: &str, why: &str) {
    // Nothing useful can be done if stderr is gone; the test still passes as skipped.
    let _ = writeln!(std::io::stderr(), "SKIP: {what}: {why}");
}

/// `CI=true` or `CI=1`, as CI services and `.ci/run` set it.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "1" || v.eq_ignore_ascii_case("true"))
}

/// True when some `PATH` entry holds an executable file called `name`.
fn on_path(name: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|dir| is_executable(&dir.join(name)))
    })
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file() || path.with_extension("exe").is_file()
}

/// The OpenSSL names of `suites`, in order (cipher tests compare lists of names).
pub fn names(suites: &[&tlslint::cipher::Suite]) -> Vec<&'static str> {
    suites.iter().map(|s| s.openssl_name).collect()
}

/// Undoes the escapes of `tests/data/cipher-*.txt` (`\e` empty, `\s` space, `\t`, `\n`, `\\`).
pub fn decode(field: &str) -> String {
    if field == "\\e" {
        return String::new();
    }
    field
        .replace("\\s", " ")
        .replace("\\t", "\t")
        .replace("\\n", "\n")
        .replace("\\\\", "\\")
}

/// A fresh repository (a `.git` directory bounds it) holding a copy of
/// `tests/data/<group>/<name>`.
pub fn repo_of(group: &str, name: &str) -> tempfile::TempDir {
    let t = tempfile::tempdir().expect("temporary directory");
    std::fs::create_dir(t.path().join(".git")).expect("create .git");
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(group)
            .join(name),
        t.path(),
    );
    t
}

/// Copies a directory tree.
pub fn copy_tree(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).expect("read test data") {
        let e = e.expect("test data entry");
        let target = to.join(e.file_name());
        if e.file_type().expect("file type").is_dir() {
            std::fs::create_dir_all(&target).expect("create directory");
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).expect("copy test data");
        }
    }
}
