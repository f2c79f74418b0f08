//! `weak-cipher`: an endpoint enables a suite with a broken algorithm.

use std::collections::{BTreeMap, HashMap};

use super::{Check, Context, Finding, FindingSource, Param, ParamKind, Severity, enabled_suites};
use crate::model::TlsMode;

pub(super) const CHECK: Check = Check {
    name: "weak-cipher",
    summary: "a cipher suite with a broken algorithm (NULL, anonymous, EXPORT, RC4, DES, 3DES, MD5) is enabled",
    default_severity: Severity::Error,
    params: &[
        Param::optional(
            "forbid",
            ParamKind::Names,
            "weakness classes to report: NULL, anonymous, EXPORT, RC4, DES, 3DES, MD5 (default: all)",
        )
        .with_choices(CLASSES),
        Param::optional(
            "allow-anonymous-opportunistic",
            ParamKind::Bool,
            "accept anonymous suites where TLS is opportunistic (STARTTLS `may`): unauthenticated encryption beats plaintext (RFC 7435)",
        ),
    ],
    explain: EXPLAIN,
    source: FindingSource::Run(run),
    per_endpoint: true,
    judges_refused: false,
};

/// The classes `forbid` may name, as `Suite::weaknesses` spells them.
/// Weak suites by class, and whether any of them is negotiable.
type Classes<'a> = (BTreeMap<&'a str, Vec<&'a str>>, bool);

pub(super) const CLASSES: &[&str] = &["NULL", "anonymous", "EXPORT", "RC4", "DES", "3DES", "MD5"];

fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let forbid = cx.params.names("forbid");
    let anon_ok = cx
        .params
        .flag("allow-anonymous-opportunistic")
        .unwrap_or(false);
    let mut memo: HashMap<(usize, usize, bool), Classes<'_>> = HashMap::new();
    for e in cx.endpoints {
        let opportunistic = e
            .tls
            .mode
            .as_ref()
            .is_some_and(|m| m.value == TlsMode::Optional);
        let Some(enabled) = enabled_suites(cx, e) else {
            continue;
        };
        let skip_anon = anon_ok && opportunistic;
        // The classes depend only on the suites: compute them once per suite list.
        let memo_key = (
            enabled.suites.as_ptr().addr(),
            enabled.suites.len(),
            skip_anon,
        );
        let (by_class, negotiable) = match memo.get(&memo_key) {
            Some(hit) if enabled.setting.value.is_open_ssl() => hit.clone(),
            _ => {
                let mut by_class: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
                let mut negotiable = false;
                for s in enabled.suites.iter() {
                    for w in s.suite.weaknesses() {
                        if w == "anonymous" && skip_anon {
                            continue;
                        }
                        if forbid.is_empty() || forbid.iter().any(|f| f.eq_ignore_ascii_case(w)) {
                            by_class.entry(w).or_default().push(s.suite.openssl_name);
                            negotiable |= s.negotiable;
                        }
                    }
                }
                if enabled.setting.value.is_open_ssl() {
                    memo.insert(memo_key, (by_class.clone(), negotiable));
                }
                (by_class, negotiable)
            }
        };
        if by_class.is_empty() {
            continue;
        }
        let classes: Vec<&str> = by_class.keys().copied().collect();
        let detail: Vec<String> = by_class
            .iter()
            .map(|(class, names)| format!("{class}: {}", abbreviate(names)))
            .collect();
        let message = format!(
            "weak cipher suites enabled for {} ({})",
            e.name,
            detail.join("; ")
        );
        // The string asks for them even when the default security level would refuse them
        // at handshake: a lower system level or another OpenSSL build offers them.
        let seclevel = if negotiable {
            String::new()
        } else {
            format!(
                " (with OpenSSL {}, this security level and key material no client can negotiate them today, but the configuration still asks for them)",
                cx.profile()
            )
        };
        let mut f = Finding::for_setting(e, enabled.setting, "ciphers", message)
            .label(format!("enables {} suites", classes.join(", ")));
        let words = classes
            .iter()
            .map(|c| format!("!{}", exclusion_word(c)))
            .collect::<Vec<_>>()
            .join(":");
        let weak = |s: &crate::cipher::Suite| s.weaknesses().iter().any(|w| classes.contains(w));
        // An exclusion that leaves no suite makes OpenSSL reject the string.
        let leaves_some = enabled.suites.iter().any(|s| !weak(s.suite));
        let fix = leaves_some
            .then(|| {
                super::fixes::exclude_ciphers(
                    e,
                    enabled.setting,
                    &words,
                    &format!("exclude the weak suites{seclevel}"),
                )
            })
            .flatten();
        f = match fix {
            Some(fix) => f.fix(fix),
            None => f.help(format!(
                "{}{seclevel}",
                super::fixes::exclusion_help(enabled.setting, &words, "weak suites")
            )),
        };
        if let Some(at) = super::culprits(&enabled, weak) {
            f.span = at;
        }
        out.push(f);
    }
}

/// The OpenSSL alias that removes a class.
fn exclusion_word(class: &str) -> &str {
    match class {
        "NULL" => "eNULL",
        "anonymous" => "aNULL",
        "EXPORT" => "EXP",
        "DES" => "DES",
        "3DES" => "3DES",
        other => other,
    }
}

/// Lists up to four names, then a count.
pub(super) fn abbreviate(names: &[&str]) -> String {
    if names.len() <= 4 {
        names.join(", ")
    } else {
        format!("{} and {} more", names[..3].join(", "), names.len() - 3)
    }
}

const EXPLAIN: &str = "\
## What it does
Expands the endpoint's cipher configuration exactly as OpenSSL does and reports suites whose
algorithms are broken: NULL encryption, anonymous (unauthenticated) key exchange, EXPORT
grades, RC4, single DES, triple DES and MD5 MACs. Words removed with `!` or `-` are honoured,
so `HIGH:-RC4` is not reported for RC4.

## Why is this bad
RC4 is prohibited by RFC 7465; NULL and anonymous suites give no confidentiality or no
authentication; EXPORT suites are breakable in hours (FREAK, Logjam); 3DES has a 64-bit block
and falls to Sweet32 (RFC 9325 §4.1); MD5 MACs are obsolete.

## Example
```nginx
ssl_ciphers ECDHE+AESGCM:aNULL;
```
`aNULL` adds the anonymous suites such as `AECDH-AES128-SHA`; `eNULL` would add suites with
no encryption at all. (RC4 and 3DES exist only in OpenSSL builds with weak ciphers enabled, and
application suite lists can still name them.)

## Fix
Use the policy's recommended list (Mozilla intermediate:
`ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305`),
or exclude the classes explicitly (`!aNULL:!eNULL:!EXP:!RC4:!DES:!3DES:!MD5`).";
