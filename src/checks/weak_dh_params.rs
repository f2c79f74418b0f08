//! `weak-dh-params`: DHE enabled with a DH group smaller than the policy's minimum.

use super::{Check, Context, Finding, FindingSource, Param, ParamKind, Severity, enabled_suites};
use crate::material::{Fact, Facts};

pub(super) const CHECK: Check = Check {
    name: "weak-dh-params",
    summary: "DHE suites use a Diffie-Hellman group smaller than the policy's minimum",
    default_severity: Severity::Error,
    params: &[Param::required(
        "min-bits",
        ParamKind::Bits,
        "smallest DH prime the policy accepts",
    )],
    explain: EXPLAIN,
    source: FindingSource::Run(run),
    per_endpoint: false,
    judges_refused: false,
};

fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(min) = cx.params.bits("min-bits") else {
        return;
    };
    for e in cx.endpoints {
        let Some(dh) = &e.tls.dh_params else {
            continue;
        };
        let dhe = enabled_suites(cx, e).is_some_and(|s| s.suites.iter().any(|s| s.suite.kx_dhe()));
        if !dhe {
            continue;
        }
        let Some(path) = &dh.value else {
            continue;
        };
        let Some(fact) = Facts::get(&cx.facts.dh, e, dh.span, path) else {
            continue;
        };
        if let Fact::Known(bits) = fact
            && *bits < min
        {
            out.push(
                Finding::for_setting(
                    e,
                    dh,
                    "dh_params",
                    format!(
                        "DHE suites of {} use a {bits}-bit DH group, below the policy's {min} bits",
                        e.name
                    ),
                )
                .label(format!("{bits}-bit group"))
                .help(format!(
                    "use a {min}-bit or larger standard group (e.g. the RFC 7919 ffdhe{} file), or disable DHE suites",
                    if min <= 2048 { 2048 } else { 3072 }
                )),
            );
        }
    }
}

const EXPLAIN: &str = "\
## What it does
When DHE suites are enabled, reads the DH parameter file the endpoint names (nginx
`ssl_dhparam`, Postfix `smtpd_tls_dh1024_param_file`, Dovecot `ssl_dh`, httpd
`SSLOpenSSLConfCmd DHParameters` or a `DH PARAMETERS` block appended to the first
`SSLCertificateFile`) if it is inside the checked tree, measures the prime, and reports groups smaller than the policy's minimum. Only
the size is read; the file's contents are never printed.

## Why is this bad
A 1024-bit group is within reach of well-funded attackers (Logjam, RFC 7457 §2.9); RFC 9325
§4.5 requires at least 2048 bits, BSI TR-02102-2 3000 bits.

## Example
```nginx
ssl_dhparam /etc/nginx/dhparam-1024.pem;
```

## Fix
Use a standard 2048-bit or larger group (RFC 7919 `ffdhe2048`), or drop DHE suites entirely
(Mozilla intermediate 6.0 has none).";
