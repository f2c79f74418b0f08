//! `missing-tls13`: TLS 1.3 is not enabled where the policy requires it.

use super::{Check, Context, Finding, FindingSource, Severity, list_protocols};
use crate::model::{Dialect, Protocol};

pub(super) const CHECK: Check = Check {
    name: "missing-tls13",
    summary: "TLS 1.3 is not enabled",
    default_severity: Severity::Warning,
    params: &[],
    explain: EXPLAIN,
    source: FindingSource::Run(run),
    per_endpoint: true,
    judges_refused: false,
};

fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for e in cx.endpoints {
        let Some(p) = &e.tls.protocols else {
            continue;
        };
        if p.value.is_empty() || p.value.contains(&Protocol::TLSv1_3) {
            continue;
        }
        let f = Finding::for_setting(
            e,
            p,
            "protocols",
            format!(
                "TLS 1.3 is not enabled for {} (only {})",
                e.name,
                list_protocols(&p.value)
            ),
        )
        .label("no TLSv1.3");
        let mut keep = p.value.clone();
        keep.push(Protocol::TLSv1_3);
        let fix = (matches!(e.dialect, Dialect::Nginx | Dialect::Postfix)
            && cx.targets.openssl >= crate::model::Version(1, 1, 1))
        .then(|| super::fixes::protocols_value(e, p, &keep, cx.targets))
        .flatten()
        .and_then(|v| {
            super::fixes::set_value(e, p, &v, "add TLSv1.3", crate::fix::Applicability::Safe)
        });
        if let Some(fix) = fix {
            out.push(f.fix(fix));
            continue;
        }
        // No setting enables TLS 1.3 on an OpenSSL without it: the fix is the library.
        if cx.targets.openssl < crate::model::Version(1, 1, 1) {
            out.push(f.help(format!(
                "TLS 1.3 needs OpenSSL 1.1.1 or later (the target is OpenSSL {}): upgrade OpenSSL, then enable TLSv1.3",
                cx.targets.openssl
            )));
            continue;
        }
        out.push(match &p.directive {
            // Only a protocol list takes `TLSv1.2 TLSv1.3`; `ssl_conf_command MaxProtocol`
            // and application maxima are raised or dropped.
            Some(d)
                if !matches!(e.dialect, Dialect::Nginx | Dialect::Postfix)
                    || !d.ends_with("_protocols") =>
            {
                f.help(format!(
                    "enable TLSv1.3: raise the maximum version, or drop the setting that caps it (`{d}`)"
                ))
            }
            Some(d) => f.help(format!(
                "add TLSv1.3, e.g. `{}`",
                e.dialect.assignment(d, "TLSv1.2 TLSv1.3")
            )),
            None => f.help("enable TLSv1.3"),
        });
    }
}

const EXPLAIN: &str = "\
## What it does
Reports endpoints whose effective protocol set lacks TLS 1.3.

## Why is this bad
TLS 1.3 removes static RSA and CBC suites, encrypts more of the handshake and always gives
forward secrecy. RFC 9325 §3.1.1 says TLS 1.3 SHOULD be supported and preferred; NIST SP
800-52r2 requires government servers to support it since January 2024; Mozilla's profiles list
it.

## Example
```nginx
ssl_protocols TLSv1.2;
```

## Fix
```nginx
ssl_protocols TLSv1.2 TLSv1.3;
```";
