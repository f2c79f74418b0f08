//! `server-cipher-order`: server cipher preference set contrary to the policy.

use super::{Check, Context, Finding, FindingSource, Param, ParamKind, Severity, enabled_suites};

pub(super) const CHECK: Check = Check {
    name: "server-cipher-order",
    summary: "server cipher preference is set contrary to the policy",
    default_severity: Severity::Warning,
    params: &[Param::required(
        "prefer-server",
        ParamKind::Bool,
        "whether the policy wants the server's cipher order (true) or the client's (false)",
    )],
    explain: EXPLAIN,
    source: FindingSource::Run(run),
    per_endpoint: false,
    judges_refused: false,
};

fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(want) = cx.params.flag("prefer-server") else {
        return;
    };
    for e in cx.endpoints {
        let Some(s) = &e.tls.prefer_server_ciphers else {
            continue;
        };
        // Only TLS 1.2 and older negotiate from the configured list in server order.
        if s.value == want || enabled_suites(cx, e).is_none() {
            continue;
        }
        let (is, should) = if want {
            ("the client's", "the server's")
        } else {
            ("the server's", "the client's")
        };
        let f = Finding::for_setting(
            e,
            s,
            "prefer_server_ciphers",
            format!(
                "{} uses {is} cipher order; the policy wants {should}",
                e.name
            ),
        )
        .label(format!("{is} order"));
        out.push(match &s.directive {
            Some(d) => f.help(format!(
                "set `{d}` to {}",
                if want {
                    "prefer the server (on / yes / server)"
                } else {
                    "let the client choose (off / no / client)"
                }
            )),
            None => f.help(format!("use {should} cipher order")),
        });
    }
}

const EXPLAIN: &str = "\
## What it does
Compares the endpoint's server-cipher-preference setting with the policy. Mozilla's modern and
intermediate profiles let the client choose (every offered suite is strong, and clients know
whether they have AES hardware); the old profile and RFC 9325 §4.2 prefer the server's order
so strong suites win over legacy ones.

## Why is this bad
With a list that still contains weaker suites, client order lets a client pick them; with an
all-strong list, server order makes mobile clients without AES instructions use AES-GCM
instead of the faster ChaCha20-Poly1305.

## Example
```nginx
ssl_prefer_server_ciphers on;   # under mozilla-intermediate
```

## Fix
Follow the policy: `ssl_prefer_server_ciphers off;` for Mozilla intermediate and modern,
`on` for old.";
