//! `legacy-protocol`: an endpoint accepts a protocol older than the policy's minimum.

use super::{
    Check, Context, Finding, FindingSource, Param, ParamKind, Severity, fixes, list_protocols,
    peer_word,
};
use crate::fix::Applicability;
use crate::model::Protocol;

pub(super) const CHECK: Check = Check {
    name: "legacy-protocol",
    summary: "a protocol older than the policy's minimum is enabled",
    default_severity: Severity::Error,
    params: &[Param::required(
        "min",
        ParamKind::Protocol,
        "oldest protocol version the policy accepts",
    )],
    explain: EXPLAIN,
    source: FindingSource::Run(run),
    per_endpoint: true,
    judges_refused: false,
};

fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(min) = cx.params.protocol("min") else {
        return;
    };
    for e in cx.endpoints {
        let Some(protocols) = &e.tls.protocols else {
            continue;
        };
        // What a client can negotiate: a protocol OpenSSL refuses is an ineffective
        // setting, not an enabled one.
        let effective = e
            .negotiable
            .as_ref()
            .map_or(&protocols.value, |n| &n.protocols);
        let old: Vec<Protocol> = effective.iter().copied().filter(|p| *p < min).collect();
        if old.is_empty() {
            continue;
        }
        let verb = if old.len() == 1 { "is" } else { "are" };
        let message = format!(
            "{} {verb} enabled for {} of {}",
            list_protocols(&old),
            peer_word(e.side),
            e.name
        );
        let keep: Vec<&str> = Protocol::ALL
            .iter()
            .filter(|p| {
                **p >= min
                    && (protocols.value.contains(p)
                        || (**p >= Protocol::TLSv1_2 && supported(e, **p, cx.targets)))
            })
            .map(|p| p.as_str())
            .collect();
        let kept: Vec<Protocol> = keep.iter().filter_map(|p| Protocol::parse(p)).collect();
        let value = fixes::protocols_value(e, protocols, &kept, cx.targets);
        let mut f = Finding::for_setting(e, protocols, "protocols", message)
            .label(format!("enables {}", list_protocols(&old)))
            .help(match (&value, protocols.directive.as_deref()) {
                (Some(v), Some(d)) => format!(
                    "allow only {min} and newer, e.g. `{}`",
                    e.dialect.assignment(d, v)
                ),
                _ => format!("allow only {min} and newer"),
            });
        // Dropping TLS 1.2 (a TLS 1.3-only policy) locks out clients that still need it.
        let applicability = if old.contains(&Protocol::TLSv1_2) {
            Applicability::Unsafe
        } else {
            Applicability::Safe
        };
        if let Some(fix) = value.and_then(|v| {
            fixes::set_value(
                e,
                protocols,
                &v,
                format!("allow only {min} and newer"),
                applicability,
            )
        }) {
            f = f.fix(fix);
        }
        out.push(f);
    }
}

/// Whether the endpoint's TLS library has `p` (OpenSSL before 1.1.1 has no TLS 1.3, and an
/// nginx `ssl_protocols TLSv1.3` there is a dead entry).
fn supported(e: &crate::model::Endpoint, p: Protocol, targets: &crate::model::Targets) -> bool {
    p < Protocol::TLSv1_3
        || e.dialect == crate::model::Dialect::App
        || targets.openssl >= crate::model::Version(1, 1, 1)
}

const EXPLAIN: &str = "\
## What it does
Reports endpoints that accept a protocol version older than the policy's minimum, whether the
version is enabled explicitly, inherited from an enclosing block, or enabled by the program's
built-in default for the target version (for example nginx before 1.27.3 enables TLSv1 and
TLSv1.1 when `ssl_protocols` is absent).

## Why is this bad
SSLv2 and SSLv3 are broken (RFC 6176, RFC 7568). TLS 1.0 and 1.1 are deprecated by RFC 8996
(BCP 195): they rely on SHA-1 and MD5 in the handshake, lack AEAD suites and are exposed to
downgrade and CBC padding attacks. Mozilla's intermediate profile (guideline 6.0) and RFC 9325
§3.1.1 require TLS 1.2 or newer.

## Example
```nginx
server {
    listen 443 ssl;
    ssl_protocols TLSv1 TLSv1.1 TLSv1.2;
}
```

## Fix
Enable only the versions the policy accepts, and write the directive explicitly so the
result does not depend on the program version:
```nginx
ssl_protocols TLSv1.2 TLSv1.3;
```";
