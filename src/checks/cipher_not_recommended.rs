//! `cipher-not-recommended`: a suite outside the policy's recommended set is enabled.

use super::{
    Check, Context, Finding, FindingSource, Param, ParamKind, Severity, SummaryMemo,
    enabled_suites, summarize,
};
use crate::cipher;
use crate::model::{Ciphers, Endpoint, Protocol, Version};

pub(super) const CHECK: Check = Check {
    name: "cipher-not-recommended",
    summary: "a cipher suite outside the policy's recommended set is enabled",
    default_severity: Severity::Warning,
    params: &[
        Param::required(
            "allow",
            ParamKind::Names,
            "the TLS 1.2-and-older suites the policy recommends (OpenSSL or IANA names)",
        ),
        Param::optional(
            "allow-tls13",
            ParamKind::Names,
            "the TLS 1.3 suites the policy recommends (IANA names); absent: TLS 1.3 suites are not judged",
        ),
    ],
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
        let help = match &enabled.setting.value {
            Ciphers::List(names) => {
                list_help(e, enabled.setting, names, &recommended).unwrap_or_else(|| help.clone())
            }
            Ciphers::OpenSsl(_) => help.clone(),
        };
        let mut f = Finding::for_setting(e, enabled.setting, "ciphers", message)
            .label("enables suites the policy does not recommend")
            .help(help);
        if let Some(fix) = super::fixes::replace_ciphers(
            e,
            enabled.setting,
            &recommended.join(":"),
            "use only the recommended suites",
        ) {
            f = f.fix(fix);
        }
        if let Some(at) = super::culprits(&enabled, |s| !allowed.contains(&s.id)) {
            f.span = at;
        }
        out.push(f);
    }
    if cx.params.has("allow-tls13") {
        tls13(cx, out);
    }
}

/// The help for an application's suite list: the recommended suites in the list's own
/// names (IANA names where the library takes them, OpenSSL-style names for BoringSSL), and
/// only those the library has (Go, BoringSSL and Java have no DHE suites in common with
/// OpenSSL's), so that following it never gives `invalid-value`. `None` for an OpenSSL-based
/// application, whose setting takes a cipher string.
fn list_help(
    e: &Endpoint,
    setting: &crate::model::Setting<Ciphers>,
    written: &[crate::model::Named],
    recommended: &[&str],
) -> Option<String> {
    use crate::parse::app::{
        golang, jsse,
        rules::{Form, Library, Target},
    };
    let rules = crate::parse::app::builtin()
        .iter()
        .find(|r| e.app.as_deref() == Some(r.app.as_str()));
    // An application that takes a cipher string (ingress-nginx) is told the string.
    if rules.is_some_and(|r| {
        r.fields
            .iter()
            .any(|f| f.target == Target::Ciphers && f.form == Form::Openssl)
    }) {
        return None;
    }
    let library = rules.and_then(|r| r.library);
    let iana = match library {
        Some(Library::Openssl) => return None,
        Some(Library::Go | Library::Jsse) => true,
        Some(Library::Boringssl) => false,
        None => written.iter().any(|n| {
            n.name
                .get(..4)
                .is_some_and(|p| p.eq_ignore_ascii_case("TLS_"))
        }),
    };
    let names: Vec<&str> = recommended
        .iter()
        .filter_map(|n| cipher::lookup(n))
        .filter(|s| match library {
            Some(Library::Go) => golang::lookup(s.iana_name).is_some(),
            Some(Library::Jsse) => jsse::lookup(s.iana_name).is_some(),
            // BoringSSL dropped finite-field DHE.
            Some(Library::Boringssl) => !s.openssl_name.starts_with("DHE-"),
            Some(Library::Openssl) | None => true,
        })
        .map(|s| if iana { s.iana_name } else { s.openssl_name })
        .collect();
    let d = setting.directive.as_deref().unwrap_or("the suite list");
    if names.is_empty() {
        return Some(format!(
            "none of the policy's recommended TLS 1.2 suites is available here: enable only TLS 1.3, or list in `{d}` only suites the policy recommends"
        ));
    }
    Some(format!(
        "list only the recommended suites in `{d}`: {}",
        names.join(", ")
    ))
}

/// TLS 1.3 suites outside the policy's list, on endpoints that negotiate TLS 1.3: those a
/// client can negotiate when known, else the configured (or default) list. Applications
/// are left out: Go fixes its TLS 1.3 suites, and their libraries are issue-18 work.
fn tls13(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let allowed = cx.params.names("allow-tls13");
    for e in cx
        .endpoints
        .iter()
        .filter(|e| e.dialect != crate::model::Dialect::App)
    {
        let Some(setting) = &e.tls.ciphersuites else {
            continue;
        };
        let known = e.negotiable.as_ref().filter(|n| !n.suites_unknown);
        let (tls13_on, names): (bool, Vec<&str>) = match known {
            Some(n) => (
                n.protocols.contains(&Protocol::TLSv1_3),
                n.ciphersuites.iter().map(AsRef::as_ref).collect(),
            ),
            None => (
                e.tls
                    .protocols
                    .as_ref()
                    .is_some_and(|p| p.value.contains(&Protocol::TLSv1_3)),
                setting.value.iter().map(|n| &*n.name).collect(),
            ),
        };
        if !tls13_on {
            continue;
        }
        let outside: Vec<&str> = names
            .iter()
            .copied()
            .filter(|n| !allowed.iter().any(|a| a.eq_ignore_ascii_case(n)))
            .collect();
        if outside.is_empty() {
            continue;
        }
        let keep: Vec<&str> = names
            .iter()
            .copied()
            .filter(|n| !outside.contains(n))
            .collect();
        let keep = if keep.is_empty() {
            allowed.iter().map(String::as_str).collect()
        } else {
            keep
        };
        let message = format!(
            "{} TLS 1.3 suite{} outside the policy's recommended set enabled for {} ({})",
            outside.len(),
            if outside.len() == 1 { "" } else { "s" },
            e.name,
            outside.join(", ")
        );
        let list = keep.join(":");
        let help = match setting.directive.as_deref() {
            Some(d) if d.ends_with("_conf_command") => {
                format!("set only recommended TLS 1.3 suites: `{d} Ciphersuites {list};`")
            }
            Some("tls_config_file") => postfix_tls13_help(cx, &list),
            Some(d) if e.dialect == crate::model::Dialect::Dovecot => format!(
                "set only recommended TLS 1.3 suites: `{}`",
                e.dialect.assignment(d, &list)
            ),
            _ => format!(
                "use only the recommended TLS 1.3 suites: {}",
                keep.join(", ")
            ),
        };
        out.push(
            Finding::for_setting(e, setting, "ciphersuites", message)
                .label("enables TLS 1.3 suites the policy does not recommend")
                .help(help),
        );
    }
}

/// Postfix takes TLS 1.3 suites only from OpenSSL's configuration: a file of its own since
/// `tls_config_file` exists (3.9, 3.8.1, 3.7.6, 3.6.10, 3.5.20), else the system's.
fn postfix_tls13_help(cx: &Context<'_>, list: &str) -> String {
    let v = cx.targets.postfix;
    let has_config_file = v >= Version(3, 9, 0)
        || matches!(
            (v.0, v.1, v.2),
            (3, 8, 1..) | (3, 7, 6..) | (3, 6, 10..) | (3, 5, 20..)
        );
    if has_config_file {
        format!(
            "Postfix sets TLS 1.3 suites only through OpenSSL's configuration: point `tls_config_file` at a file whose `tls_config_name` section sets `Ciphersuites = {list}`"
        )
    } else {
        format!(
            "Postfix {v} takes TLS 1.3 suites only from the system OpenSSL configuration (`Ciphersuites = {list}` in openssl.cnf); `tls_config_file` needs Postfix 3.9, 3.8.1, 3.7.6, 3.6.10 or 3.5.20"
        )
    }
}

const EXPLAIN: &str = "\
## What it does
Expands the endpoint's cipher configuration and reports suites that are not in the policy's
recommended list, for example CBC-mode or DHE suites under Mozilla intermediate 6.0, which
recommends six ECDHE AEAD suites. With the policy's `allow-tls13` list it also judges the
TLS 1.3 suites an endpoint enables (nginx `ssl_conf_command Ciphersuites`, Dovecot
`ssl_cipher_suites`), and OpenSSL's default TLS 1.3 list where none is set: Mozilla lists
AES-GCM and ChaCha20, NIST SP 800-52r2 AES-GCM and AES-CCM (with CCM_8) but not ChaCha20,
BSI TR-02102-2 AES-GCM and AES-CCM. Application TLS 1.3 suites are not judged yet (Go fixes
them).

## Why is this bad
Suites outside the list are not broken, but the policy's authors judged them unnecessary for the
clients it supports: CBC suites have a history of padding-oracle attacks (Lucky13), and DHE
with server-chosen groups is slow and was the target of Logjam.

## Example
```nginx
ssl_ciphers ECDHE+AESGCM:ECDHE+AES;
```
This enables `ECDHE-RSA-AES128-SHA` (CBC).

```nginx
ssl_conf_command Ciphersuites TLS_AES_128_CCM_8_SHA256:TLS_AES_128_GCM_SHA256;
```
CCM_8 (a 64-bit tag) is outside Mozilla's TLS 1.3 list.

## Fix
Use the recommended list given in the help line.";
