//! Each rule of the RFC 9325, NIST SP 800-52r2 and BSI TR-02102-2 policies pinned to two
//! small configs: one the rule accepts and one it reports, at the severity the policy's
//! source gives it. Every entry of those policies that judges TLS settings (not the
//! program-level checks every policy shares) must have a row, so a rule added without an
//! example fails here.

use std::fs;
use std::path::Path;

use tlslint::checks::{Finding, Severity};
use tlslint::policy;

/// Where a row's config is written.
#[derive(Clone, Copy)]
enum Dialect {
    /// Lines inside an nginx `server` block listening with TLS on 443, with `cert`.
    Nginx,
    /// Lines of a Postfix `main.cf` (with a stock `master.cf`).
    Postfix,
}

/// One rule, by check and severity, with a config it accepts and one it reports.
struct Row {
    policy: &'static str,
    check: &'static str,
    severity: Severity,
    dialect: Dialect,
    /// Certificate under `tests/data/policy-rules/certs` (nginx rows).
    cert: &'static str,
    allowed: &'static str,
    forbidden: &'static str,
    /// A certificate for the forbidden config, when the rule is about certificates.
    forbidden_cert: Option<&'static str>,
    /// A target other than the defaults (`openssl=1.1.1` for suites OpenSSL 3.0 lacks).
    target: Option<&'static str>,
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

const fn nginx(
    policy: &'static str,
    check: &'static str,
    severity: Severity,
    allowed: &'static str,
    forbidden: &'static str,
) -> Row {
    Row {
        policy,
        check,
        severity,
        dialect: Dialect::Nginx,
        cert: "p256.crt",
        allowed,
        forbidden,
        forbidden_cert: None,
        target: None,
    }
}

const fn postfix(
    policy: &'static str,
    check: &'static str,
    severity: Severity,
    allowed: &'static str,
    forbidden: &'static str,
) -> Row {
    Row {
        dialect: Dialect::Postfix,
        ..nginx(policy, check, severity, allowed, forbidden)
    }
}

/// A certificate rule: the same (empty) settings with an accepted and a reported
/// certificate.
const fn cert(
    policy: &'static str,
    severity: Severity,
    allowed: &'static str,
    forbidden: &'static str,
) -> Row {
    Row {
        cert: allowed,
        forbidden_cert: Some(forbidden),
        ..nginx(policy, "weak-certificate-key", severity, "", "")
    }
}

const fn with_cert(mut row: Row, cert: &'static str) -> Row {
    row.cert = cert;
    row
}

const fn on(mut row: Row, target: &'static str) -> Row {
    row.target = Some(target);
    row
}

use Severity::{Error, Note, Warning};

/// Settings that make TLS 1.0 and 1.1 negotiable on OpenSSL 3.0 (they need security
/// level 0 there), so the protocol rules have something to judge.
const OLD_PROTOCOLS: &str =
    "ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3; ssl_ciphers ECDHE+AESGCM:ECDHE+AES:@SECLEVEL=0;";

/// The rules every source policy shares for mail and proxies (the same examples each time).
fn shared(policy: &'static str) -> Vec<Row> {
    vec![
        postfix(
            policy,
            "opportunistic-mx-tls",
            Note,
            "smtp_tls_security_level = dane\nsmtp_dns_support_level = dnssec",
            "smtp_tls_security_level = may",
        ),
        nginx(
            policy,
            "upstream-verify-off",
            Warning,
            "location / { proxy_pass https://app.example; proxy_ssl_verify on; proxy_ssl_trusted_certificate certs/rsa2048.crt; }",
            "location / { proxy_pass https://app.example; }",
        ),
        postfix(
            policy,
            "tls-not-enforced",
            Error,
            "smtpd_tls_security_level = may\nsmtpd_tls_auth_only = yes\nsmtpd_sasl_auth_enable = yes",
            "smtpd_tls_security_level = may\nsmtpd_sasl_auth_enable = yes",
        ),
    ]
}

const GCM: &str = "ssl_ciphers ECDHE+AESGCM;";
/// With OpenSSL's default TLS 1.3 suites replaced by two every policy lists (the default
/// list has ChaCha20, which NIST and BSI do not).
const GCM_ONLY: &str = "ssl_ciphers ECDHE+AESGCM; ssl_conf_command Ciphersuites TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384;";
const CCM_ONLY: &str = "ssl_ciphers ECDHE+AESGCM:ECDHE-ECDSA-AES128-CCM; ssl_conf_command Ciphersuites TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384;";
const NULL: &str = "ssl_ciphers ECDHE+AESGCM:ECDHE-ECDSA-NULL-SHA:@SECLEVEL=0;";
const STATIC_RSA: &str = "ssl_ciphers ECDHE+AESGCM:AES128-GCM-SHA256;";
const ORDER_SERVER: &str = "ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-SHA; ssl_prefer_server_ciphers on;";
const ORDER_CLIENT: &str = "ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-SHA; ssl_prefer_server_ciphers off;";

#[expect(
    clippy::too_many_lines,
    reason = "a table: one row per rule of three policies"
)]
fn rows() -> Vec<Row> {
    let mut rows = vec![
        // RFC 9325.
        nginx(
            "rfc9325",
            "legacy-protocol",
            Error,
            "ssl_protocols TLSv1.2 TLSv1.3;",
            OLD_PROTOCOLS,
        ),
        nginx(
            "rfc9325",
            "missing-tls13",
            Warning,
            "ssl_protocols TLSv1.2 TLSv1.3;",
            "ssl_protocols TLSv1.2;",
        ),
        nginx("rfc9325", "weak-cipher", Error, GCM, NULL),
        // OpenSSL 1.1.0 and later build 3DES only with weak ciphers: judged as on 1.0.2.
        on(
            with_cert(
                nginx(
                    "rfc9325",
                    "weak-cipher",
                    Warning,
                    GCM,
                    "ssl_ciphers ECDHE+AESGCM:ECDHE-RSA-DES-CBC3-SHA;",
                ),
                "rsa2048.crt",
            ),
            "openssl=1.0.2",
        ),
        with_cert(
            nginx("rfc9325", "no-forward-secrecy", Warning, GCM, STATIC_RSA),
            "rsa2048.crt",
        ),
        nginx(
            "rfc9325",
            "cipher-not-recommended",
            Warning,
            GCM,
            "ssl_ciphers ECDHE+AESGCM:ECDHE-ECDSA-AES128-SHA;",
        ),
        nginx(
            "rfc9325",
            "server-cipher-order",
            Error,
            ORDER_SERVER,
            ORDER_CLIENT,
        ),
        nginx(
            "rfc9325",
            "weak-curve",
            Error,
            "ssl_ecdh_curve X25519:prime256v1;",
            "ssl_ecdh_curve prime192v1:prime256v1;",
        ),
        nginx(
            "rfc9325",
            "curve-not-recommended",
            Note,
            "ssl_ecdh_curve X25519:prime256v1;",
            "ssl_ecdh_curve brainpoolP256r1:prime256v1;",
        ),
        with_cert(
            nginx(
                "rfc9325",
                "weak-dh-params",
                Error,
                "ssl_ciphers DHE+AESGCM:ECDHE+AESGCM; ssl_dhparam certs/dh2048.pem;",
                "ssl_ciphers DHE+AESGCM:ECDHE+AESGCM:@SECLEVEL=1; ssl_dhparam certs/dh1024.pem;",
            ),
            "rsa2048.crt",
        ),
        // SHA-224 is not among RFC 9325's MUST NOTs; P-192 is below its 224-bit floor.
        cert("rfc9325", Error, "p256-sha224.crt", "p192.crt"),
        cert("rfc9325", Error, "p256.crt", "p256-sha1.crt"),
        nginx(
            "rfc9325",
            "session-ticket-rotation",
            Error,
            "ssl_session_cache shared:tls:1m;",
            "ssl_session_ticket_key certs/ticket.key;",
        ),
        nginx(
            "rfc9325",
            "session-timeout",
            Warning,
            "ssl_session_timeout 1d;",
            "ssl_session_timeout 7d;",
        ),
        nginx(
            "rfc9325",
            "tls-compression",
            Warning,
            "",
            "ssl_conf_command Options Compression;",
        ),
        // NIST SP 800-52r2.
        nginx(
            "nist-800-52r2",
            "legacy-protocol",
            Error,
            "ssl_protocols TLSv1.2 TLSv1.3;",
            OLD_PROTOCOLS,
        ),
        nginx(
            "nist-800-52r2",
            "missing-tls13",
            Error,
            "ssl_protocols TLSv1.2 TLSv1.3;",
            "ssl_protocols TLSv1.2;",
        ),
        nginx("nist-800-52r2", "weak-cipher", Error, GCM, NULL),
        with_cert(
            nginx(
                "nist-800-52r2",
                "no-forward-secrecy",
                Warning,
                GCM,
                STATIC_RSA,
            ),
            "rsa2048.crt",
        ),
        nginx(
            "nist-800-52r2",
            "cipher-not-recommended",
            Error,
            CCM_ONLY,
            "ssl_ciphers ECDHE+AESGCM:ECDHE-ECDSA-CHACHA20-POLY1305;",
        ),
        // Appendix D's RSA key transport: a warning, not an error.
        with_cert(
            nginx(
                "nist-800-52r2",
                "cipher-not-recommended",
                Warning,
                GCM_ONLY,
                STATIC_RSA,
            ),
            "rsa2048.crt",
        ),
        nginx(
            "nist-800-52r2",
            "server-cipher-order",
            Warning,
            ORDER_SERVER,
            ORDER_CLIENT,
        ),
        nginx(
            "nist-800-52r2",
            "weak-curve",
            Error,
            "ssl_ecdh_curve secp224r1:prime256v1;",
            "ssl_ecdh_curve prime192v1:prime256v1;",
        ),
        nginx(
            "nist-800-52r2",
            "curve-not-recommended",
            Note,
            "ssl_ecdh_curve prime256v1:secp384r1;",
            "ssl_ecdh_curve X25519:prime256v1;",
        ),
        with_cert(
            nginx(
                "nist-800-52r2",
                "weak-dh-params",
                Error,
                "ssl_ciphers DHE+AESGCM:ECDHE+AESGCM; ssl_dhparam certs/dh2048.pem;",
                "ssl_ciphers DHE+AESGCM:ECDHE+AESGCM:@SECLEVEL=1; ssl_dhparam certs/dh1024.pem;",
            ),
            "rsa2048.crt",
        ),
        // SHA-224 is allowed; SHA-1 is not.
        cert("nist-800-52r2", Error, "p256-sha224.crt", "p256-sha1.crt"),
        cert("nist-800-52r2", Error, "p256.crt", "p192.crt"),
        // P-521 and long-lived certificates: "should" level.
        cert("nist-800-52r2", Warning, "p256.crt", "p521.crt"),
        cert("nist-800-52r2", Warning, "p256.crt", "p256-4y.crt"),
        nginx(
            "nist-800-52r2",
            "tls-compression",
            Error,
            "",
            "ssl_conf_command Options Compression;",
        ),
        // BSI TR-02102-2 (2024-01).
        nginx(
            "bsi-tr-02102-2",
            "legacy-protocol",
            Error,
            "ssl_protocols TLSv1.2 TLSv1.3;",
            OLD_PROTOCOLS,
        ),
        nginx(
            "bsi-tr-02102-2",
            "missing-tls13",
            Note,
            "ssl_protocols TLSv1.2 TLSv1.3;",
            "ssl_protocols TLSv1.2;",
        ),
        nginx("bsi-tr-02102-2", "weak-cipher", Error, GCM, NULL),
        with_cert(
            nginx(
                "bsi-tr-02102-2",
                "no-forward-secrecy",
                Warning,
                GCM,
                STATIC_RSA,
            ),
            "rsa2048.crt",
        ),
        nginx(
            "bsi-tr-02102-2",
            "cipher-not-recommended",
            Warning,
            CCM_ONLY,
            "ssl_ciphers ECDHE+AESGCM:ECDHE-ECDSA-CHACHA20-POLY1305;",
        ),
        nginx(
            "bsi-tr-02102-2",
            "weak-curve",
            Error,
            "ssl_ecdh_curve brainpoolP256r1:prime256v1;",
            "ssl_ecdh_curve secp224r1:prime256v1;",
        ),
        nginx(
            "bsi-tr-02102-2",
            "curve-not-recommended",
            Note,
            "ssl_ecdh_curve brainpoolP256r1:prime256v1;",
            "ssl_ecdh_curve X25519:prime256v1;",
        ),
        with_cert(
            nginx(
                "bsi-tr-02102-2",
                "weak-dh-params",
                Error,
                "ssl_ciphers DHE+AESGCM:ECDHE+AESGCM; ssl_dhparam certs/dh3072.pem;",
                "ssl_ciphers DHE+AESGCM:ECDHE+AESGCM; ssl_dhparam certs/dh2048.pem;",
            ),
            "rsa3072.crt",
        ),
        cert("bsi-tr-02102-2", Error, "p256.crt", "p256-sha1.crt"),
        cert("bsi-tr-02102-2", Warning, "p256.crt", "rsa2048.crt"),
        nginx(
            "bsi-tr-02102-2",
            "tls-compression",
            Warning,
            "",
            "ssl_conf_command Options Compression;",
        ),
    ];
    for policy in SOURCE_POLICIES {
        rows.extend(shared(policy));
    }
    let ems = "ssl_conf_command Options -ExtendedMasterSecret;";
    let etm = "ssl_ciphers ECDHE+AES; ssl_conf_command Options -EncryptThenMac;";
    let etm_aead = "ssl_ciphers ECDHE+AESGCM; ssl_conf_command Options -EncryptThenMac;";
    let early = "ssl_early_data on;";
    // The test certificates name no OCSP responder: nginx ignores stapling for them.
    for policy in SOURCE_POLICIES {
        rows.push(nginx(policy, "ocsp-stapling", Note, "ssl_stapling off;", "ssl_stapling on;"));
    }
    rows.extend([
        nginx("rfc9325", "tls-extensions", Error, "", ems),
        nginx("rfc9325", "tls-extensions", Warning, etm_aead, etm),
        nginx("rfc9325", "early-data", Warning, "", early),
        nginx("nist-800-52r2", "tls-extensions", Error, etm_aead, ems),
        nginx("nist-800-52r2", "tls-extensions", Error, etm_aead, etm),
        nginx(
            "nist-800-52r2",
            "early-data",
            Warning,
            "ssl_early_data off;",
            early,
        ),
        nginx("bsi-tr-02102-2", "tls-extensions", Warning, etm_aead, etm),
        nginx("bsi-tr-02102-2", "early-data", Warning, "", early),
    ]);
    rows
}

/// The policies encoded from texts other than Mozilla's guideline JSON (which
/// `tests/policies.rs` compares field by field).
const SOURCE_POLICIES: [&str; 3] = ["rfc9325", "nist-800-52r2", "bsi-tr-02102-2"];

/// Writes a row's config into a new directory and lints it under the row's policy.
fn lint(row: &Row, lines: &str, cert: &str) -> Vec<Finding> {
    let dir = tempfile::tempdir().unwrap();
    let certs = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/policy-rules/certs");
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
    let policy = policy::load(row.policy).unwrap();
    let paths = [entry];
    let input = tlslint::Input {
        paths: &paths,
        dialect: None,
        stdin: None,
    };
    let all = |_: &str| tlslint::Enabled::PolicySeverity;
    let mut options = tlslint::parse::Options::default();
    if let Some(t) = row.target {
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
        let found = lint(&row, row.allowed, row.cert);
        if found.iter().any(|f| f.check == row.check) {
            failures.push(format!(
                "{} {} {:?}: allowed example reported: {:?}",
                row.policy,
                row.check,
                row.severity,
                describe(&found)
            ));
        }
        let found = lint(&row, row.forbidden, row.forbidden_cert.unwrap_or(row.cert));
        if !found
            .iter()
            .any(|f| f.check == row.check && f.severity == row.severity)
        {
            failures.push(format!(
                "{} {} {:?}: forbidden example not reported at that severity: {:?}",
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
    let row = cert("nist-800-52r2", Error, "p256.crt", "p192.crt");
    let found: Vec<Finding> = lint(&row, "", "p192.crt")
        .into_iter()
        .filter(|f| f.check == "weak-certificate-key")
        .collect();
    assert_eq!(describe(&found).len(), 1, "{:?}", describe(&found));
    assert_eq!(found[0].severity, Error);
}
