//! The README's check table equals what the registry says (`UPDATE_DOCS=1` rewrites it).

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use tlslint::checks;

#[test]
fn readme_check_table_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = fs::read_to_string(&path).unwrap();
    let (head, rest) = readme.split_once("<!-- checks:start -->\n").unwrap();
    let (_, tail) = rest.split_once("<!-- checks:end -->").unwrap();
    let mut table = String::from("| check | default severity | what it reports |\n|---|---|---|\n");
    for c in checks::ALL {
        let _ = writeln!(
            table,
            "| [`{}`](#checks) | {} | {} |",
            c.name, c.default_severity, c.summary
        );
    }
    let want = format!("{head}<!-- checks:start -->\n{table}<!-- checks:end -->{tail}");
    if want != readme {
        if std::env::var_os("UPDATE_DOCS").is_some() {
            fs::write(&path, want).unwrap();
        } else {
            panic!("README check table is stale: run `UPDATE_DOCS=1 cargo test --test docs`");
        }
    }
}
