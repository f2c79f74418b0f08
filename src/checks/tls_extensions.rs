//! `tls-extensions`: the config turns off the extended master secret or encrypt-then-MAC,
//! two TLS 1.2 extensions OpenSSL negotiates by default.

use super::{
    Check, Context, Finding, FindingSource, Param, ParamKind, Severity, SummaryMemo,
    enabled_suites, summarize,
};
use crate::model::{Endpoint, Protocol, Setting};

pub(super) const CHECK: Check = Check {
    name: "tls-extensions",
    summary: "the extended master secret or encrypt-then-MAC extension is turned off",
    default_severity: Severity::Error,
    params: &[Param::optional(
        "extensions",
        ParamKind::Names,
        "extensions the policy requires: extended-master-secret, encrypt-then-mac (default: both)",
    )
    .with_choices(EXTENSIONS)],
    explain: EXPLAIN,
    source: FindingSource::Run(run),
    per_endpoint: true,
    judges_refused: false,
};

/// The names `extensions` may list.
const EXTENSIONS: &[&str] = &[EMS, ETM];
const EMS: &str = "extended-master-secret";
const ETM: &str = "encrypt-then-mac";

fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let wants = |x: &str| {
        !cx.params.has("extensions") || cx.params.names("extensions").iter().any(|n| n == x)
    };
    let (ems, etm) = (wants(EMS), wants(ETM));
    let mut memo = SummaryMemo::new();
    for e in cx.endpoints {
        // Both extensions exist only below TLS 1.3 (TLS 1.3 binds every key to the handshake
        // transcript and has only AEAD suites).
        if !below_tls13(e) {
            continue;
        }
        if ems && let Some(s) = off(e.tls.extended_master_secret.as_ref()) {
            let f = Finding::for_setting(
                e,
                s,
                "extended_master_secret",
                format!(
                    "the extended master secret is turned off for {}: TLS 1.2 master secrets are not bound to their handshake (triple handshake attack, RFC 7627)",
                    e.name
                ),
            )
            .label("turns the extended master secret off");
            out.push(f.help(help(s, "-ExtendedMasterSecret", "0x1")));
        }
        if etm && let Some(s) = off(e.tls.encrypt_then_mac.as_ref()) {
            // Only CBC suites use the extension: without one it changes nothing.
            let Some(enabled) = enabled_suites(cx, e) else {
                continue;
            };
            let (count, names) = summarize(&mut memo, &enabled, crate::cipher::Suite::cbc);
            if count == 0 {
                continue;
            }
            let f = Finding::for_setting(
                e,
                s,
                "encrypt_then_mac",
                format!(
                    "encrypt-then-MAC is turned off for {}, where {count} CBC suite{} ({names}) can be negotiated: their records are MAC-then-encrypt, open to padding oracles (RFC 7366)",
                    e.name,
                    if count == 1 { "" } else { "s" },
                ),
            )
            .label("turns encrypt-then-MAC off");
            out.push(f.help(help(s, "-EncryptThenMac", "0x80000")));
        }
    }
}

/// The setting, when it turns the extension off.
fn off(s: Option<&Setting<bool>>) -> Option<&Setting<bool>> {
    s.filter(|s| !s.value)
}

/// Whether a client can negotiate TLS 1.2 or older: by what can be negotiated when known,
/// else by the configured protocols; unknown protocols are not assumed.
fn below_tls13(e: &Endpoint) -> bool {
    super::protocols(e).is_some_and(|p| p.iter().any(|p| *p <= Protocol::TLSv1_2))
}

/// How to turn the extension back on, in the words of the setting that turns it off:
/// nginx's `Options` word, Postfix's mask bit.
fn help(s: &Setting<bool>, option: &str, bit: &str) -> String {
    match s.directive.as_deref() {
        Some(d) if d.ends_with("_conf_command") => format!(
            "remove `{option}` from `{d} Options` (OpenSSL negotiates the extension by default)"
        ),
        Some(d) => format!(
            "clear the bit {bit} in the `{d}` mask (OpenSSL negotiates the extension by default)"
        ),
        None => "turn the extension back on".to_owned(),
    }
}

const EXPLAIN: &str = "\
## What it does
Reports endpoints whose config turns off one of two TLS 1.2 extensions that OpenSSL
negotiates by default: nginx `ssl_conf_command Options -ExtendedMasterSecret` (OpenSSL 3.0
and later) or `-EncryptThenMac`, and Postfix `tls_ssl_options` masks with the bits
`SSL_OP_NO_EXTENDED_MASTER_SECRET` (`0x1`, OpenSSL 3.0) or `SSL_OP_NO_ENCRYPT_THEN_MAC`
(`0x80000`, OpenSSL 1.1.0). Only what matters is reported: nothing for an endpoint that
negotiates only TLS 1.3, and encrypt-then-MAC only where a CBC suite is negotiable. A policy
may require only some of the extensions (`extensions`).

## Why is this bad
- Without the extended master secret (RFC 7627) the TLS 1.2 master secret does not depend
  on the server certificate and the rest of the handshake: an attacker can make two sessions
  share one master secret and then resume or renegotiate into the victim's session (the
  triple handshake attack). RFC 9325 §3.5 requires TLS 1.2 implementations to support it.
- Without encrypt-then-MAC (RFC 7366) CBC suites MAC the plaintext and then encrypt it, so a
  server must check padding before the MAC: the source of padding-oracle attacks such as
  Lucky Thirteen and POODLE (RFC 7457 §2.4).

## Example
```nginx
ssl_protocols TLSv1.2 TLSv1.3;
ssl_conf_command Options -ExtendedMasterSecret,-EncryptThenMac;
```

## Fix
Remove the options (both extensions are on by default); prefer AEAD suites, which need no
encrypt-then-MAC.";
