//! The README's check table equals what the registry and the fixtures say
//! (`UPDATE_DOCS=1` rewrites it). A check covers a dialect when it has a fixture case for it
//! (`tests/fixtures/<check>/<dialect>-*`).

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use tlslint::checks;

const DIALECTS: [&str; 6] = ["nginx", "postfix", "dovecot", "apache", "haproxy", "app"];

fn covered(check: &str) -> Vec<&'static str> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(check);
    let names: Vec<String> = fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    DIALECTS
        .into_iter()
        .filter(|d| names.iter().any(|n| n.starts_with(d)))
        .collect()
}

#[test]
fn readme_check_table_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = fs::read_to_string(&path).unwrap();
    let (head, rest) = readme.split_once("<!-- checks:start -->\n").unwrap();
    let (_, tail) = rest.split_once("<!-- checks:end -->").unwrap();
    let mut table = String::from(
        "| check | default severity | dialects | what it reports |\n|---|---|---|---|\n",
    );
    for c in checks::ALL {
        let dialects = covered(c.name);
        let dialects = if dialects.is_empty() {
            "all".to_owned()
        } else {
            dialects.join(", ")
        };
        writeln!(
            table,
            "| `{}` | {} | {} | {} |",
            c.name, c.default_severity, dialects, c.summary
        )
        .unwrap();
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
