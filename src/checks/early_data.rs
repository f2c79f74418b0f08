//! `early-data`: a server accepts TLS 1.3 0-RTT early data, which an attacker can replay.

use super::{Check, Context, Finding, FindingSource, Severity};
use crate::model::{Dialect, Protocol};

pub(super) const CHECK: Check = Check {
    name: "early-data",
    summary: "TLS 1.3 0-RTT early data is accepted (replayable)",
    default_severity: Severity::Warning,
    params: &[],
    explain: EXPLAIN,
    source: FindingSource::Run(run),
    per_endpoint: true,
    judges_refused: false,
};

fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for e in cx.endpoints {
        let Some(ed) = &e.tls.early_data else {
            continue;
        };
        // OpenSSL fixes the 0-RTT allowance from the settings the connection starts with
        // (the default server of the socket); a virtual server's own value is not what
        // decides, and a default server that accepts early data is reported itself.
        if !ed.value
            || e.handshake_default.is_some()
            || !super::protocols(e).is_some_and(|p| p.contains(&Protocol::TLSv1_3))
        {
            continue;
        }
        let f = Finding::for_setting(
            e,
            ed,
            "early_data",
            format!(
                "0-RTT early data is accepted by {}: early data can be replayed",
                e.name
            ),
        )
        .label("accepts 0-RTT early data");
        let fix = super::fixes::switch(e, ed, false).and_then(|off| {
            super::fixes::set_value(
                e,
                ed,
                off,
                "turn 0-RTT off (or remove the line: it is off by default), unless the application rejects replayable requests",
                crate::fix::Applicability::Safe,
            )
        });
        if let Some(fix) = fix {
            out.push(f.fix(fix));
            continue;
        }
        out.push(match (&ed.directive, e.dialect) {
            (Some(d), Dialect::App) => f.help(format!(
                "set `{d}` to \"false\" or remove it (0-RTT is off by default)"
            )),
            (Some(d), Dialect::Haproxy) => f.help(format!(
                "remove `{d}` (0-RTT is off by default), unless the application rejects replayable requests"
            )),
            (Some(d), dialect) => f.help(format!(
                "`{}` (or remove the line: 0-RTT is off by default), unless the application rejects replayable requests",
                dialect.assignment(d, "off")
            )),
            (None, _) => f.help("turn 0-RTT early data off"),
        });
    }
}

const EXPLAIN: &str = "\
## What it does
Reports servers that accept TLS 1.3 0-RTT early data: nginx `ssl_early_data on` in an http
server (or the `http` block it inherits from), ingress-nginx `ssl-early-data: \"true\"`. Only
servers where a client can negotiate TLS 1.3 are reported: with TLS 1.3 off, or an OpenSSL
without it, there is no 0-RTT. OpenSSL takes the 0-RTT allowance from the default server of an
address:port (nginx switches certificates and options after the server name, not this), so the
finding is on the default server and a virtual server's own `ssl_early_data` is not judged.

## Why is this bad
Data a client sends in the first flight of a resumed TLS 1.3 handshake is not protected against
replay: an attacker who records it can send it again, and the server processes it again
(RFC 8446 §8 and Appendix E.5). nginx does not reject replays itself; it passes
`$ssl_early_data` to the application, which can answer `425 Too Early` to requests that must
not be repeated when the `Early-Data: 1` header is set (RFC 8470). RFC 9325 §3.10 says
applications MUST avoid 0-RTT unless a specification for the application protocol says when it
is safe.

## Example
```nginx
server {
    listen 443 ssl;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_early_data on;
}
```

## Fix
```nginx
ssl_early_data off;
```
or remove the line (0-RTT is off by default). When the application does check `Early-Data`
(`proxy_set_header Early-Data $ssl_early_data;` and `425` answers for unsafe requests), keep
0-RTT and suppress the finding above that line:
`# tlslint: allow(early-data) reason=\"the app answers 425 to replayable requests\"`.";
