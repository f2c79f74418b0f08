//! `weak-curve`: key-exchange groups outside the policy's list, or unknown to OpenSSL.

use super::{Check, Context, Finding, FindingSource, Param, ParamKind, Severity};

pub(super) const CHECK: Check = Check {
    name: "weak-curve",
    summary: "a key-exchange group outside the policy's list, or unknown to OpenSSL, is configured",
    default_severity: Severity::Warning,
    params: &[
        Param::required(
            "allow",
            ParamKind::Names,
            "groups the policy accepts (OpenSSL names such as X25519, prime256v1, secp384r1)",
        ),
        Param::optional(
            "min-bits",
            ParamKind::Bits,
            "elliptic curves of at least this size are accepted too (a policy whose list is a preference, with a size floor: Mozilla's `ecdh_param_size`)",
        ),
    ],
    explain: EXPLAIN,
    source: FindingSource::Run(run),
    per_endpoint: false,
    judges_refused: false,
};

fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let allowed: Vec<&str> = cx
        .params
        .names("allow")
        .iter()
        .filter_map(|n| canonical(n))
        .collect();
    let floor = cx.params.bits("min-bits");
    let accepted = |c: &str| {
        allowed.contains(&c) || floor.is_some_and(|f| curve_bits(c).is_some_and(|b| b >= f))
    };
    for e in cx.endpoints {
        let Some(curves) = &e.tls.curves else {
            continue;
        };
        for n in &curves.value {
            // `?` marks an optional group in OpenSSL ≥ 3.3: an unknown one is skipped.
            let (optional, name) = match n.name.strip_prefix('?') {
                Some(rest) => (true, rest),
                None => (false, &*n.name),
            };
            if name.eq_ignore_ascii_case("auto") {
                continue;
            }
            let f = match canonical(name) {
                None if optional => continue,
                None => Finding::for_setting(
                    e,
                    curves,
                    "curves",
                    format!(
                        "unknown group `{name}` for {}: OpenSSL refuses the list",
                        e.name
                    ),
                )
                .label("unknown group")
                .help("use OpenSSL group names such as X25519, prime256v1, secp384r1"),
                Some(c) if !accepted(c) => Finding::for_setting(
                    e,
                    curves,
                    "curves",
                    format!("group `{name}` of {} is not in the policy's list", e.name),
                )
                .label("not allowed by the policy")
                .help(format!("use only {}", cx.params.names("allow").join(", "))),
                Some(_) => continue,
            };
            let mut f = f.narrow(n.span);
            // Dropping what the policy refuses (and unknown names, which make OpenSSL refuse
            // the whole list) only tightens it.
            let refused = |g: &str| {
                !g.eq_ignore_ascii_case("auto") && canonical(g).is_none_or(|c| !accepted(c))
            };
            if let Some(fix) = super::fixes::curves_without(
                e,
                curves,
                refused,
                "drop the groups the policy refuses",
                crate::fix::Applicability::Safe,
            ) {
                f = f.fix(fix);
            }
            f.key = format!("{}/curves/{name}", e.key);
            out.push(f);
        }
    }
}

/// The size of an elliptic curve group as policies count it (X25519 is a 256-bit curve;
/// hybrid groups by their classical part); `None` for finite-field groups.
pub(super) fn curve_bits(canonical: &str) -> Option<u32> {
    Some(match canonical {
        "X25519" | "prime256v1" | "secp256k1" | "brainpoolP256r1" | "X25519MLKEM768"
        | "SecP256r1MLKEM768" => 256,
        "secp384r1" | "brainpoolP384r1" | "SecP384r1MLKEM1024" => 384,
        "X448" => 448,
        "brainpoolP512r1" => 512,
        "secp521r1" => 521,
        "secp224r1" | "secp224k1" => 224,
        "prime192v1" | "secp192k1" => 192,
        _ => return None,
    })
}

/// The canonical OpenSSL name of a group, across OpenSSL, RFC and Go spellings.
pub(super) fn canonical(name: &str) -> Option<&'static str> {
    const GROUPS: &[(&str, &[&str])] = &[
        (
            "prime256v1",
            &["P-256", "secp256r1", "CurveP256", "prime256v1"],
        ),
        ("secp384r1", &["P-384", "CurveP384", "secp384r1"]),
        ("secp521r1", &["P-521", "CurveP521", "secp521r1"]),
        ("X25519", &["X25519", "x25519"]),
        ("X448", &["X448", "x448"]),
        // Caddy writes it in lower case.
        ("X25519MLKEM768", &["X25519MLKEM768", "x25519mlkem768"]),
        ("SecP256r1MLKEM768", &["SecP256r1MLKEM768"]),
        ("SecP384r1MLKEM1024", &["SecP384r1MLKEM1024"]),
        ("ffdhe2048", &["ffdhe2048"]),
        ("ffdhe3072", &["ffdhe3072"]),
        ("ffdhe4096", &["ffdhe4096"]),
        ("ffdhe6144", &["ffdhe6144"]),
        ("ffdhe8192", &["ffdhe8192"]),
        (
            "brainpoolP256r1",
            &["brainpoolP256r1", "brainpoolP256r1tls13"],
        ),
        (
            "brainpoolP384r1",
            &["brainpoolP384r1", "brainpoolP384r1tls13"],
        ),
        (
            "brainpoolP512r1",
            &["brainpoolP512r1", "brainpoolP512r1tls13"],
        ),
        ("secp224r1", &["secp224r1", "P-224"]),
        ("secp256k1", &["secp256k1"]),
        ("prime192v1", &["prime192v1", "secp192r1", "P-192"]),
    ];
    GROUPS
        .iter()
        .find(|(_, names)| names.iter().any(|n| n.eq_ignore_ascii_case(name)))
        .map(|(c, _)| *c)
}

const EXPLAIN: &str = "\
## What it does
Reports key-exchange groups (nginx `ssl_ecdh_curve`, Postfix `tls_eecdh_auto_curves`,
Dovecot `ssl_curve_list`, application curve lists) that the policy does not list, and names
OpenSSL does not know — an unknown group makes nginx refuse to start. Names are compared
across spellings (`P-256` = `prime256v1` = `CurveP256`).

## Why is this bad
Small or non-standard curves weaken the key exchange that forward secrecy rests on; RFC 9325
§4.5 forbids curves under 224 bits and recommends X25519 and P-256.

## Example
```nginx
ssl_ecdh_curve prime192v1:secp384r1;
```

## Fix
Use the policy's list, e.g. Mozilla's `X25519MLKEM768:X25519:prime256v1:secp384r1`
(drop `X25519MLKEM768` before OpenSSL 3.5).";
