//! `server-cipher-order`: server cipher preference set contrary to the policy.

use super::{Check, Context, Finding, FindingSource, Param, ParamKind, Severity, enabled_suites};
use crate::cipher;

pub(super) const CHECK: Check = Check {
    name: "server-cipher-order",
    summary: "server cipher preference is set contrary to the policy",
    default_severity: Severity::Warning,
    params: &[
        Param::required(
            "prefer-server",
            ParamKind::Bool,
            "whether the policy wants the server's cipher order (true) or the client's (false)",
        ),
        Param::optional(
            "recommended",
            ParamKind::Names,
            "with prefer-server = true: the suites the server must prefer; the order is judged \
             only when a client could negotiate a suite outside this list, and server order \
             must then rank these first",
        ),
    ],
    explain: EXPLAIN,
    source: FindingSource::Run(run),
    per_endpoint: false,
    judges_refused: false,
};

fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(want) = cx.params.flag("prefer-server") else {
        return;
    };
    let recommended: Vec<u16> = cx
        .params
        .names("recommended")
        .iter()
        .filter_map(|n| cipher::lookup(n))
        .map(|s| s.id)
        .collect();
    for e in cx.endpoints {
        let Some(s) = &e.tls.prefer_server_ciphers else {
            continue;
        };
        // Only TLS 1.2 and older negotiate from the configured list in server order.
        let Some(enabled) = enabled_suites(cx, e) else {
            continue;
        };
        if want && !recommended.is_empty() {
            let weaker = enabled
                .suites
                .iter()
                .position(|x| x.negotiable && !recommended.contains(&x.suite.id));
            // With every negotiable suite recommended, either order gives a recommended one.
            let Some(weaker) = weaker else { continue };
            if s.value {
                ranked_too_high(e, &enabled, weaker, &recommended, out);
                continue;
            }
        }
        if s.value == want {
            continue;
        }
        out.push(wrong_order(e, s, want));
    }
}

/// The finding for a preference setting the policy does not want.
fn wrong_order(e: &crate::model::Endpoint, s: &crate::model::Setting<bool>, want: bool) -> Finding {
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
    if let Some(fix) = super::fixes::switch(e, s, want).and_then(|v| {
        super::fixes::set_value(
            e,
            s,
            v,
            format!("use {should} cipher order"),
            crate::fix::Applicability::Safe,
        )
    }) {
        return f.fix(fix);
    }
    match &s.directive {
        Some(d) => f.help(format!("set `{d}` to use {should} cipher order")),
        None => f.help(format!("use {should} cipher order")),
    }
}

/// Server order is on, but a suite outside the recommended set comes before a negotiable
/// recommended one, so a client offering both gets the weaker.
fn ranked_too_high(
    e: &crate::model::Endpoint,
    enabled: &super::EnabledSuites<'_>,
    first_weaker: usize,
    recommended: &[u16],
    out: &mut Vec<Finding>,
) {
    let weaker = &enabled.suites[first_weaker];
    let Some(better) = enabled
        .suites
        .iter()
        .skip(first_weaker)
        .find(|x| x.negotiable && recommended.contains(&x.suite.id))
    else {
        return;
    };
    let setting = enabled.setting;
    let mut f = Finding::for_setting(
        e,
        setting,
        "ciphers",
        format!(
            "{}'s cipher order puts {} before the recommended {}",
            e.name, weaker.suite.openssl_name, better.suite.openssl_name
        ),
    )
    .label("a weaker suite ranks first")
    .help("list the recommended suites first (with OpenSSL strings, put them before the others)");
    if let Some(span) = weaker.span {
        f = f.related(span, "ranked above the recommended suites");
    }
    out.push(f);
}

const EXPLAIN: &str = "\
## What it does
Compares the endpoint's server-cipher-preference setting with the policy. Mozilla's modern and
intermediate profiles let the client choose (every offered suite is strong, and clients know
whether they have AES hardware); the old profile prefers the server's order so strong suites
win over legacy ones.

With a `recommended` list (RFC 9325 §4.2.1, NIST SP 800-52r2 §3.3.1) the order matters only
where a client could negotiate a suite outside the list: then the server must use its own
order, and that order must rank the recommended suites before the weaker ones. An endpoint
whose negotiable suites are all recommended is not judged, whatever its order.

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
