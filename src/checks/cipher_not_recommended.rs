//! `cipher-not-recommended`: a suite outside the policy's recommended set is enabled.

use super::{
    Check, Context, Finding, FindingSource, Param, ParamKind, Severity, SummaryMemo,
    enabled_suites, summarize,
};
use crate::cipher;

pub(super) const CHECK: Check = Check {
    name: "cipher-not-recommended",
    summary: "a cipher suite outside the policy's recommended set is enabled",
    default_severity: Severity::Warning,
    params: &[Param::required(
        "allow",
        ParamKind::Names,
        "the TLS 1.2-and-older suites the policy recommends (OpenSSL or IANA names)",
    )],
    explain: EXPLAIN,
    source: FindingSource::Run(run),
    per_endpoint: true,
    judges_refused: false,
};

fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let allowed: Vec<u16> = cx
        .params
        .names("allow")
        .iter()
        .filter_map(|n| cipher::lookup(n))
        .map(|s| s.id)
        .collect();
    let recommended: Vec<&str> = cx
        .params
        .names("allow")
        .iter()
        .map(String::as_str)
        .collect();
    let help = if recommended.is_empty() {
        "the policy recommends no TLS 1.2 suites: enable only TLS 1.3".to_owned()
    } else {
        format!(
            "use only the recommended suites: `{}`",
            recommended.join(":")
        )
    };
    let mut memo = SummaryMemo::new();
    for e in cx.endpoints {
        let Some(enabled) = enabled_suites(cx, e) else {
            continue;
        };
        // The list depends only on the suites: shared suite lists are summarised once.
        let (count, names) = summarize(&mut memo, &enabled, |s| !allowed.contains(&s.id));
        if count == 0 {
            continue;
        }
        let message = format!(
            "{count} suite{} outside the policy's recommended set enabled for {} ({names})",
            if count == 1 { "" } else { "s" },
            e.name,
        );
        out.push(
            Finding::for_setting(e, enabled.setting, "ciphers", message)
                .label("enables suites the policy does not recommend")
                .help(help.clone()),
        );
    }
}

const EXPLAIN: &str = "\
## What it does
Expands the endpoint's cipher configuration and reports suites that are not in the policy's
recommended list, for example CBC-mode or DHE suites under Mozilla intermediate 6.0, which
recommends six ECDHE AEAD suites.

## Why is this bad
Suites outside the list are not broken, but the policy's authors judged them unnecessary for the
clients it supports: CBC suites have a history of padding-oracle attacks (Lucky13), and DHE
with server-chosen groups is slow and was the target of Logjam.

## Example
```nginx
ssl_ciphers ECDHE+AESGCM:ECDHE+AES;
```
This enables `ECDHE-RSA-AES128-SHA` (CBC).

## Fix
Use the recommended list given in the help line.";
