//! Each rule of the RFC 9325, NIST SP 800-52r2 and BSI TR-02102-2 policies pinned to two
//! small configs: one the rule accepts and one it reports, at the severity the policy's
//! source gives it. The rows are data (`tests/data/policy-rules/rules.txt`); every entry of
//! those policies that judges TLS settings (not the program-level checks every policy
//! shares) must have one, so a rule added without an example fails here.

use std::fs;
use std::path::{Path, PathBuf};

use tlslint::checks::{Finding, Severity};
use tlslint::policy;

/// Where a row's config is written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Dialect {
    /// Lines inside an nginx `server` block listening with TLS on 443, with `cert`.
    Nginx,
    /// Lines of a Postfix `main.cf` (with a stock `master.cf`).
    Postfix,
}

/// One rule, by check and severity, with a config it accepts and one it reports.
struct Row {
    /// `rules.txt:LINE`, for messages.
    at: String,
    policy: String,
    check: String,
    severity: Severity,
    dialect: Dialect,
    /// Certificate under `tests/data/policy-rules/certs` (nginx rows).
    cert: String,
    /// A certificate for the forbidden config, when the rule is about certificates.
    forbidden_cert: Option<String>,
    /// A target other than the defaults (`openssl=1.0.2` for suites OpenSSL 3.0 lacks).
    target: Option<String>,
    allowed: String,
    forbidden: String,
}

/// Checks every policy applies for the program rather than the policy's source.
const PROGRAM_LEVEL: &[&str] = &[
    "cipher-string-error",
    "deprecated-directive",
    "expired-suppression",
    "ineffective-setting",
    "invalid-suppression",
    "invalid-value",
    "outside-root",
    "unknown-cipher-word",
    "unknown-setting",
    "unused-suppression",
];

/// The policies encoded from texts other than Mozilla's guideline JSON (which
/// `tests/policies.rs` compares field by field).
const SOURCE_POLICIES: [&str; 3] = ["rfc9325", "nist-800-52r2", "bsi-tr-02102-2"];

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/policy-rules")
}

/// The rows of `rules.txt`: `policy | check | severity | dialect | cert | forbidden cert |
/// target | allowed | forbidden`, `-` for none.
fn rows() -> Vec<Row> {
    let text = fs::read_to_string(data().join("rules.txt")).unwrap();
    let none = |s: &str| (s != "-").then(|| s.to_owned());
    let lines = |s: &str| none(s).unwrap_or_default().replace("\\n", "\n");
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(i, l)| {
            let at = format!("rules.txt:{}", i + 1);
            let c: Vec<&str> = l.split(" | ").map(str::trim).collect();
            assert_eq!(c.len(), 9, "{at}: nine columns");
            Row {
                policy: c[0].to_owned(),
                check: c[1].to_owned(),
                severity: Severity::parse(c[2]).unwrap_or_else(|| panic!("{at}: severity")),
                dialect: match c[3] {
                    "nginx" => Dialect::Nginx,
                    "postfix" => Dialect::Postfix,
                    other => panic!("{at}: dialect {other}"),
                },
                cert: c[4].to_owned(),
                forbidden_cert: none(c[5]),
                target: none(c[6]),
                allowed: lines(c[7]),
                forbidden: lines(c[8]),
                at,
            }
        })
        .collect()
}

/// Writes a row's config into a new directory and lints it under the row's policy.
fn lint(row: &Row, lines: &str, cert: &str) -> Vec<Finding> {
    let dir = tempfile::tempdir().unwrap();
    let certs = data().join("certs");
    fs::create_dir(dir.path().join("certs")).unwrap();
    for f in fs::read_dir(&certs).unwrap() {
        let f = f.unwrap();
        fs::copy(f.path(), dir.path().join("certs").join(f.file_name())).unwrap();
    }
    let entry = match row.dialect {
        Dialect::Nginx => {
            let text = format!(
                "events {{}}\nhttp {{\n    server {{\n        listen 443 ssl;\n        server_name rule.example;\n        ssl_certificate certs/{cert};\n        ssl_certificate_key certs/{cert};\n        {lines}\n    }}\n}}\n"
            );
            let path = dir.path().join("nginx.conf");
            fs::write(&path, text).unwrap();
            path
        }
        Dialect::Postfix => {
            fs::write(
                dir.path().join("main.cf"),
                format!("smtpd_tls_cert_file = /etc/ssl/mail.pem\nsmtpd_tls_key_file = /etc/ssl/mail.key\n{lines}\n"),
            )
            .unwrap();
            fs::write(
                dir.path().join("master.cf"),
                "smtp      inet  n       -       y       -       -       smtpd\nsubmission inet n       -       y       -       -       smtpd\n  -o smtpd_tls_security_level=encrypt\n",
            )
            .unwrap();
            dir.path().to_path_buf()
        }
    };
    let policy = policy::load(&row.policy).unwrap();
    let paths = [entry];
    let input = tlslint::Input {
        paths: &paths,
        dialect: None,
        stdin: None,
    };
    let all = |_: &str| tlslint::Enabled::PolicySeverity;
    let mut options = tlslint::parse::Options::default();
    if let Some(t) = &row.target {
        options.targets.set(t).unwrap();
    }
    let out = tlslint::check_paths(
        input,
        Some(&policy),
        &options,
        &all,
        tlslint::source::Sources::new(),
    );
    assert!(
        out.errors.is_empty(),
        "{} {}: {:?}",
        row.policy,
        row.check,
        out.errors
    );
    out.findings
}

fn describe(found: &[Finding]) -> Vec<String> {
    found
        .iter()
        .map(|f| format!("{} {:?}: {}", f.check, f.severity, f.message))
        .collect()
}

#[test]
fn every_rule_accepts_its_allowed_example_and_reports_its_forbidden_one() {
    let mut failures = Vec::new();
    for row in rows() {
        let found = lint(&row, &row.allowed, &row.cert);
        if found.iter().any(|f| f.check == row.check) {
            failures.push(format!(
                "{}: {} {} {:?}: allowed example reported: {:?}",
                row.at,
                row.policy,
                row.check,
                row.severity,
                describe(&found)
            ));
        }
        let cert = row.forbidden_cert.as_deref().unwrap_or(&row.cert);
        let found = lint(&row, &row.forbidden, cert);
        if !found
            .iter()
            .any(|f| f.check == row.check && f.severity == row.severity)
        {
            failures.push(format!(
                "{}: {} {} {:?}: forbidden example not reported at that severity: {:?}",
                row.at,
                row.policy,
                row.check,
                row.severity,
                describe(&found)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_rule_of_the_source_policies_has_examples() {
    let rows = rows();
    let mut missing = Vec::new();
    for name in SOURCE_POLICIES {
        let p = policy::load(name).unwrap();
        for e in &p.entries {
            if PROGRAM_LEVEL.contains(&e.check.name) {
                continue;
            }
            if !rows
                .iter()
                .any(|r| r.policy == name && r.check == e.check.name && r.severity == e.severity)
            {
                missing.push(format!("{name}: {} ({})", e.check.name, e.severity));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "rules without examples:\n{}",
        missing.join("\n")
    );
}

/// A P-192 certificate breaks both of NIST's certificate rules (112-bit security, an
/// error; P-256 or P-384, a warning): one place, one finding, at the stronger rule's level.
#[test]
fn two_rules_of_one_check_give_one_finding_per_place() {
    let row = rows()
        .into_iter()
        .find(|r| r.policy == "nist-800-52r2" && r.forbidden_cert.as_deref() == Some("p192.crt"))
        .unwrap();
    let found: Vec<Finding> = lint(&row, "", "p192.crt")
        .into_iter()
        .filter(|f| f.check == "weak-certificate-key")
        .collect();
    assert_eq!(describe(&found).len(), 1, "{:?}", describe(&found));
    assert_eq!(found[0].severity, Severity::Error);
}
