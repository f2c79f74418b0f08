//! `session-timeout`: session lifetime above the policy's maximum.

use super::{Check, Context, Finding, FindingSource, Param, ParamKind, Severity};
use crate::model::Dialect;

pub(super) const CHECK: Check = Check {
    name: "session-timeout",
    summary: "TLS sessions live longer than the policy's maximum",
    default_severity: Severity::Warning,
    params: &[Param::required(
        "max",
        ParamKind::Duration,
        "longest session lifetime the policy accepts",
    )],
    explain: EXPLAIN,
    source: FindingSource::Run(run),
    per_endpoint: false,
    judges_refused: false,
};

fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(max) = cx.params.duration("max") else {
        return;
    };
    for e in cx.endpoints {
        let Some(t) = &e.tls.session_timeout else {
            continue;
        };
        if t.value <= max {
            continue;
        }
        let f = Finding::for_setting(
            e,
            t,
            "session_timeout",
            format!(
                "sessions of {} live {}, longer than the policy's {}",
                e.name,
                human(t.value),
                human(max)
            ),
        )
        .label(format!("{} session lifetime", human(t.value)));
        // nginx and Postfix read `1d`, `1h`, `5m`; Dovecot's units are spelt out.
        let fix = matches!(e.dialect, Dialect::Nginx | Dialect::Postfix)
            .then(|| {
                // Postfix's tlsmgr keeps sessions for twice the cache timeout.
                let value = if e.dialect == Dialect::Postfix {
                    human(max / 2)
                } else {
                    human(max)
                };
                super::fixes::set_value(
                    e,
                    t,
                    &value,
                    format!("limit the session lifetime to {}", human(max)),
                    crate::fix::Applicability::Safe,
                )
            })
            .flatten();
        if let Some(fix) = fix {
            out.push(f.fix(fix));
            continue;
        }
        out.push(match &t.directive {
            Some(d) if e.dialect == Dialect::Postfix => f.help(format!(
                "set `{d}` to {} or less (sessions live twice as long)",
                human(max / 2)
            )),
            Some(d) => f.help(format!("set `{d}` to {} or less", human(max))),
            None => f.help(format!("limit the session lifetime to {}", human(max))),
        });
    }
}

/// `86400` → `1d`, `3600` → `1h`.
pub(super) fn human(secs: u64) -> String {
    match secs {
        s if s != 0 && s % 86_400 == 0 => format!("{}d", s / 86_400),
        s if s != 0 && s % 3600 == 0 => format!("{}h", s / 3600),
        s if s != 0 && s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

const EXPLAIN: &str = "\
## What it does
Reports endpoints whose TLS session lifetime (nginx `ssl_session_timeout`, Postfix
`smtpd_tls_session_cache_timeout`) exceeds the policy's maximum.

## Why is this bad
A resumable session carries the keys of the original handshake: as long as the session (or
the ticket that wraps it) is accepted, stealing the cache or ticket key decrypts the recorded
traffic, undoing forward secrecy. Mozilla's generator uses one day; RFC 9325 §3.4 ties ticket
lifetime to weekly key rotation.

## Example
```nginx
ssl_session_timeout 7d;
```

## Fix
```nginx
ssl_session_timeout 1d;
```";
