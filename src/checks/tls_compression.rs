//! `tls-compression`: TLS-level compression is enabled.

use super::{Check, Context, Finding, FindingSource, Severity};
use crate::fix::{Applicability, Fix};
use crate::model::{Dialect, Endpoint, Setting};

pub(super) const CHECK: Check = Check {
    name: "tls-compression",
    summary: "TLS-level compression is enabled (CRIME)",
    default_severity: Severity::Error,
    params: &[],
    explain: EXPLAIN,
    source: FindingSource::Run(run),
    per_endpoint: false,
    judges_refused: false,
};

fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for e in cx.endpoints {
        let Some(c) = &e.tls.compression else {
            continue;
        };
        if !c.value {
            continue;
        }
        let f = Finding::for_setting(
            e,
            c,
            "compression",
            format!("TLS compression is enabled for {}", e.name),
        )
        .label("enables TLS compression");
        let f = match &c.directive {
            Some(d) => f.help(format!("turn compression off in `{d}`")),
            None => f.help("disable TLS compression"),
        };
        out.push(match fix(e, c) {
            Some(fix) => f.fix(fix),
            None => f,
        });
    }
}

/// Turns compression off in the dialect's own words: nginx's `Options Compression` becomes
/// `-Compression`, Dovecot's `compression` option is dropped, and Postfix (whose default
/// leaves it on with OpenSSL before 1.1.0) gets `tls_ssl_options = NO_COMPRESSION`.
fn fix(e: &Endpoint, c: &Setting<bool>) -> Option<Fix> {
    const TITLE: &str = "turn TLS compression off";
    match (e.dialect, c.span) {
        (Dialect::Nginx, Some(span)) => Some(Fix::replace(
            TITLE,
            Applicability::Safe,
            span,
            "-Compression",
        )),
        (Dialect::Dovecot, Some(span)) => Some(Fix::replace(TITLE, Applicability::Safe, span, "")),
        (Dialect::Postfix, None) => {
            super::fixes::set_value(e, c, "NO_COMPRESSION", TITLE, Applicability::Safe)
        }
        _ => None,
    }
}

const EXPLAIN: &str = "\
## What it does
Reports endpoints where TLS-level compression is enabled: nginx `ssl_conf_command Options
Compression`, Postfix `tls_ssl_options` without `NO_COMPRESSION` on OpenSSL older than 1.1.0,
Dovecot `ssl_options = compression`, application keys.

## Why is this bad
Compressing secrets together with attacker-chosen data leaks the secrets through the
ciphertext length (CRIME, RFC 7457 §2.6). RFC 9325 §3.3 says deployments SHOULD NOT support
TLS compression; SSL Labs caps such servers at grade C.

## Example
```nginx
ssl_conf_command Options Compression;
```

## Fix
Remove the option (nginx, Postfix and Dovecot disable compression by default on current
OpenSSL).";
