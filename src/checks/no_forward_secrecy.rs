//! `no-forward-secrecy`: an endpoint enables a suite without an ephemeral key exchange.

use super::{
    Check, Context, Finding, FindingSource, Severity, SummaryMemo, enabled_suites, summarize,
};

pub(super) const CHECK: Check = Check {
    name: "no-forward-secrecy",
    summary: "a cipher suite without forward secrecy (static RSA, static ECDH, PSK) is enabled",
    default_severity: Severity::Warning,
    params: &[],
    explain: EXPLAIN,
    source: FindingSource::Run(run),
    per_endpoint: true,
    judges_refused: false,
};

fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let mut memo = SummaryMemo::new();
    for e in cx.endpoints {
        let Some(enabled) = enabled_suites(cx, e) else {
            continue;
        };
        // The list depends only on the suites: shared suite lists are summarised once.
        let (count, names) = summarize(&mut memo, &enabled, |s| !s.forward_secret());
        if count == 0 {
            continue;
        }
        let message = format!(
            "{count} suite{} without forward secrecy enabled for {} ({names})",
            if count == 1 { "" } else { "s" },
            e.name,
        );
        let mut f = Finding::for_setting(e, enabled.setting, "ciphers", message)
            .label("enables suites without forward secrecy");
        // An exclusion that leaves no suite makes OpenSSL reject the string.
        let leaves_some = enabled.suites.iter().any(|s| s.suite.forward_secret());
        let fix = leaves_some
            .then(|| {
                super::fixes::exclude_ciphers(
                    e,
                    enabled.setting,
                    "!kRSA",
                    "allow only ECDHE (or DHE) key exchange",
                )
            })
            .flatten();
        f = match fix {
            Some(fix) => f.fix(fix),
            None => f.help(format!(
                "allow only ECDHE (or DHE) key exchange: {}",
                super::fixes::exclusion_help(
                    enabled.setting,
                    "!kRSA",
                    "suites without forward secrecy"
                )
            )),
        };
        if let Some(at) = super::culprits(&enabled, |s| !s.forward_secret()) {
            f.span = at;
        }
        out.push(f);
    }
}

const EXPLAIN: &str = "\
## What it does
Expands the endpoint's cipher configuration exactly as OpenSSL does and reports suites whose
key exchange is not ephemeral: static RSA key transport (`AES128-GCM-SHA256`), static ECDH and
plain PSK. `HIGH` alone enables many of them.

## Why is this bad
Without an ephemeral key exchange, anyone who later obtains the server's private key can decrypt
every recorded session. RFC 9325 §4.1 says implementations MUST prefer and SHOULD only offer
forward-secret suites; Mozilla's intermediate profile lists only ECDHE suites.

## Example
```nginx
ssl_ciphers HIGH:!aNULL:!MD5;
```
This (the nginx default) enables `AES256-GCM-SHA384`, `AES128-SHA` and other static-RSA suites.

## Fix
Allow only ECDHE suites, for example Mozilla intermediate's list, or add `!kRSA` to the string.";
