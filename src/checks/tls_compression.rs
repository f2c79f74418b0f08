//! `tls-compression`: TLS-level compression is enabled.

use super::{Check, Context, Finding, FindingSource, Severity};

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
        out.push(match &c.directive {
            Some(d) => f.help(format!("turn compression off in `{d}`")),
            None => f.help("disable TLS compression"),
        });
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
