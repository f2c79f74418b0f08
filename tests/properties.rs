//! Property tests for every parser: on arbitrary input, no panic, and every span lies inside
//! its file and on char boundaries. Inputs are drawn from each dialect's own alphabet
//! (keywords, braces, quotes, escapes, separators) plus arbitrary Unicode, so the parsers'
//! deep paths are reached, not only their first error.

use std::path::PathBuf;

use proptest::prelude::*;
use tlslint::model::{Ciphers, Dialect, Endpoint, Setting};
use tlslint::parse::{self, Options};
use tlslint::source::{Sources, Span};

/// Words every dialect's inputs are made of.
const COMMON_TOKENS: &[&str] = &[
    " ",
    "\n",
    "\t",
    "\r\n",
    "#",
    "\"",
    "'",
    "\\",
    "{",
    "}",
    ";",
    "=",
    ":",
    ",",
    "$",
    "é",
    "\u{feff}",
    "TLSv1",
    "TLSv1.2",
    "HIGH:!aNULL",
    "ECDHE+AESGCM",
    "!RC4x",
    "on",
    "off",
    "yes",
    "no",
];

/// Words HAProxy configs are made of.
const HAPROXY_TOKENS: &[&str] = &[
    "global",
    "defaults",
    "frontend fe",
    "backend be",
    "listen l",
    "bind :443 ssl crt a.pem",
    "server s 1.2.3.4:443 ssl verify none",
    "default-server ssl",
    "ssl-default-bind-options ssl-min-ver TLSv1.2",
    "ssl-default-bind-ciphers",
    "no-tlsv10",
    "force-tlsv12",
    "crt-list",
    ".if version_atleast(2.4)",
    ".elif defined(X)",
    ".else",
    ".endif",
    "\"${VAR}\"",
    "'",
    "\\",
    "#",
    "http-response set-header Strict-Transport-Security",
];

fn tokens(dialect: Dialect) -> Vec<&'static str> {
    let own: &[&str] = match dialect {
        Dialect::Nginx => &[
            "http",
            "server",
            "stream",
            "mail",
            "location /",
            "listen 443 ssl",
            "ssl_protocols",
            "ssl_ciphers",
            "ssl_conf_command",
            "include",
            "map $a $b",
            "types",
            "ssl on",
            "proxy_pass https://x",
            "proxy_ssl_protocols",
            "${host}",
            "content_by_lua_block",
        ],
        Dialect::Postfix => &[
            "smtpd_tls_security_level",
            "smtpd_tls_protocols",
            "smtpd_tls_mandatory_ciphers",
            "tls_high_cipherlist",
            "$name",
            "${a?b}",
            "${a:{b}}",
            "-o",
            "submission inet n - y - - smtpd",
            "smtpd_use_tls",
            ">=TLSv1.2",
            "!SSLv2, !SSLv3",
        ],
        Dialect::Dovecot => &[
            "ssl",
            "required",
            "ssl_min_protocol",
            "ssl_cipher_list",
            "protocol imap",
            "local 10.0.0.1",
            "!include",
            "!include_try",
            "<",
            "dovecot_config_version = 2.4.0",
            "$SET:",
            "ssl_server",
            "service imap-login",
            "ssl_options = no_compression",
        ],
        Dialect::Haproxy => HAPROXY_TOKENS,
        Dialect::Apache => &[
            "<VirtualHost *:443>",
            "</VirtualHost>",
            "<IfModule mod_ssl.c>",
            "</IfModule>",
            "<IfDefine !X>",
            "</IfDefine>",
            "<Location />",
            "</Location>",
            "<",
            ">",
            "SSLEngine on",
            "SSLProtocol -all +TLSv1.2",
            "SSLCipherSuite",
            "TLSv1.3",
            "SSLOpenSSLConfCmd Curves",
            "SSLProxyEngine on",
            "Header always set Strict-Transport-Security",
            "Define X",
            "${X}",
            "Include",
            "IncludeOptional x/*.conf",
            "\\\n",
        ],
        Dialect::App => &[
            "tls:",
            "minVersion:",
            "VersionTLS12",
            "cipherSuites:",
            "- ",
            "  ",
            "[",
            "]",
            "1.2",
            "tls_server_config:",
            "min_version: TLS12",
            "kind: TLSOption",
            "apiVersion: traefik.io/v1alpha1",
            "&a",
            "*a",
            "---",
            "[tls.options.default]",
            "minVersion = \"VersionTLS12\"",
        ],
    };
    COMMON_TOKENS.iter().chain(own).copied().collect()
}

fn input(dialect: Dialect) -> impl Strategy<Value = String> {
    let words = tokens(dialect);
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(words).prop_map(str::to_owned),
            1 => any::<String>().prop_map(|s| s.chars().take(8).collect()),
        ],
        0..120,
    )
    .prop_map(|v| v.concat())
}

fn check_span(sources: &Sources, span: Span, what: &str) -> Result<(), TestCaseError> {
    let text = &sources.get(span.file).text;
    prop_assert!(span.start <= span.end, "{what}: start after end");
    prop_assert!(
        (span.end as usize) <= text.len(),
        "{what}: span past the end of the file"
    );
    prop_assert!(
        text.is_char_boundary(span.start as usize),
        "{what}: start inside a char"
    );
    prop_assert!(
        text.is_char_boundary(span.end as usize),
        "{what}: end inside a char"
    );
    Ok(())
}

fn check_setting<T>(sources: &Sources, s: Option<&Setting<T>>) -> Result<(), TestCaseError> {
    if let Some(s) = s {
        if let Some(span) = s.span {
            check_span(sources, span, "setting")?;
        }
        for l in s.related() {
            check_span(sources, l.span, "related label")?;
        }
    }
    Ok(())
}

fn check_endpoint(sources: &Sources, e: &Endpoint) -> Result<(), TestCaseError> {
    check_span(sources, e.span, "endpoint")?;
    let t = &e.tls;
    check_setting(sources, t.mode.as_ref())?;
    check_setting(sources, t.protocols.as_ref())?;
    check_setting(sources, t.ciphers.as_ref())?;
    if let Some(c) = &t.ciphers {
        match &c.value {
            Ciphers::OpenSsl(cs) => {
                for p in &cs.pieces {
                    if let Some(span) = p.span {
                        check_span(sources, span, "cipher piece")?;
                    }
                }
            }
            Ciphers::List(names) => {
                for n in names.iter().filter_map(|n| n.span) {
                    check_span(sources, n, "suite name")?;
                }
            }
        }
    }
    check_setting(sources, t.ciphersuites.as_ref())?;
    check_setting(sources, t.prefer_server_ciphers.as_ref())?;
    check_setting(sources, t.compression.as_ref())?;
    check_setting(sources, t.session_tickets.as_ref())?;
    check_setting(sources, t.ticket_keys.as_ref())?;
    check_setting(sources, t.session_timeout.as_ref())?;
    check_setting(sources, t.curves.as_ref())?;
    if let Some(c) = &t.curves {
        for n in c.value.iter().filter_map(|n| n.span) {
            check_span(sources, n, "curve name")?;
        }
    }
    check_setting(sources, t.dh_params.as_ref())?;
    check_setting(sources, t.verify_peer.as_ref())?;
    for c in &t.certificates {
        check_setting(sources, Some(c))?;
    }
    Ok(())
}

fn parse_text(dialect: Dialect, name: &str, text: &str) -> Result<(), TestCaseError> {
    let mut sources = Sources::new();
    // The parser finds the text already loaded under this (non-existent) path.
    let path = PathBuf::from("/nonexistent-tlslint-proptest").join(name);
    sources.add(path.clone(), name.to_owned(), text.to_owned());
    let parsed = parse::parse(dialect, &path, &mut sources, &Options::default());
    for e in &parsed.model.endpoints {
        check_endpoint(&sources, e)?;
    }
    for o in &parsed.model.observations {
        check_span(&sources, o.span, "observation")?;
        for l in &o.labels {
            check_span(&sources, l.span, "observation label")?;
        }
    }
    for e in &parsed.errors {
        check_span(&sources, e.span, "parse error")?;
        for l in &e.labels {
            check_span(&sources, l.span, "parse error label")?;
        }
    }
    Ok(())
}

proptest! {
    // 256 cases per parser in CI; `PROPTEST_CASES=100000` for a longer local run.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn nginx_never_panics_and_spans_are_valid(text in input(Dialect::Nginx)) {
        parse_text(Dialect::Nginx, "nginx.conf", &text)?;
    }

    #[test]
    fn postfix_never_panics_and_spans_are_valid(text in input(Dialect::Postfix)) {
        parse_text(Dialect::Postfix, "main.cf", &text)?;
    }

    #[test]
    fn dovecot_never_panics_and_spans_are_valid(text in input(Dialect::Dovecot)) {
        parse_text(Dialect::Dovecot, "dovecot.conf", &text)?;
    }

    #[test]
    fn haproxy_never_panics_and_spans_are_valid(text in input(Dialect::Haproxy)) {
        parse_text(Dialect::Haproxy, "haproxy.cfg", &text)?;
    }

    #[test]
    fn apache_never_panics_and_spans_are_valid(text in input(Dialect::Apache)) {
        parse_text(Dialect::Apache, "httpd.conf", &text)?;
    }

    #[test]
    fn yaml_apps_never_panic_and_spans_are_valid(text in input(Dialect::App)) {
        parse_text(Dialect::App, "traefik.yml", &text)?;
    }

    #[test]
    fn toml_apps_never_panic_and_spans_are_valid(text in input(Dialect::App)) {
        parse_text(Dialect::App, "traefik.toml", &text)?;
    }
}

/// Inputs the property tests once found failing, kept as regression tests.
#[test]
fn regressions() {
    // An unterminated quote at end of file gave a span one byte past the end.
    let cases: &[(Dialect, &str, &str)] = &[
        (Dialect::Nginx, "nginx.conf", "\\00AΣ￼ͺ¡{\" "),
        // A continued logical line without `=` was measured on the joined text.
        (Dialect::Postfix, "main.cf", "\"\n \" ¡0🣀 0A￼"),
    ];
    for (dialect, name, text) in cases {
        parse_text(*dialect, name, text).unwrap();
    }
}

/// Inputs the fuzz targets (`fuzz/`) found failing in the checks or the suppression pass,
/// run through the whole pipeline with the default policy.
#[test]
fn checked_regressions() {
    let cases: &[(Dialect, &str, &str)] = &[
        // The span of an `until=` value after a blank was measured from `=`, so it ended
        // inside the value's last character.
        (
            Dialect::Nginx,
            "nginx.conf",
            "server {\n    # tlslint: allow(weak-cipher) reason=\"x\" until= \u{e9}\u{e9}\n    ssl_prefer_server_ciphers off;\n}\n",
        ),
    ];
    let policy = tlslint::policy::load(tlslint::policy::DEFAULT_POLICY).unwrap();
    for (dialect, name, text) in cases {
        let paths = [PathBuf::from("-")];
        let input = tlslint::Input {
            paths: &paths,
            dialect: Some(*dialect),
            stdin: Some((Some((*name).to_owned()), (*text).to_owned())),
        };
        let outcome = tlslint::check_paths(
            input,
            Some(&policy),
            &Options::default(),
            &|_| tlslint::Enabled::PolicySeverity,
            Sources::new(),
        );
        assert!(!outcome.findings.is_empty(), "{name}: no finding");
        for f in outcome.findings.iter().chain(&outcome.errors) {
            check_span(&outcome.sources, f.span, f.check).unwrap();
            for l in &f.labels {
                check_span(&outcome.sources, l.span, f.check).unwrap();
            }
        }
    }
}
