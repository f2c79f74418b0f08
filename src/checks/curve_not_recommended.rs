//! `curve-not-recommended`: a key-exchange group at or above the policy's size floor that
//! the policy does not list.

use super::weak_curve::{canonical, curve_bits};
use super::{Check, Context, Finding, FindingSource, Param, ParamKind, Severity};

pub(super) const CHECK: Check = Check {
    name: "curve-not-recommended",
    summary: "a key-exchange group strong enough for the policy, but not on its list, is configured",
    default_severity: Severity::Note,
    params: &[
        Param::required(
            "allow",
            ParamKind::Names,
            "the groups the policy lists (OpenSSL names such as X25519, prime256v1, secp384r1)",
        ),
        Param::required(
            "min-bits",
            ParamKind::Bits,
            "the policy's size floor: groups below it are `weak-curve`'s",
        ),
    ],
    explain: EXPLAIN,
    source: FindingSource::Run(run),
    // A program's default list is one cause however many endpoints of a config use it:
    // the engine's grouping pass merges their findings.
    per_endpoint: true,
    judges_refused: false,
};

fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let allowed: Vec<&str> = cx
        .params
        .names("allow")
        .iter()
        .filter_map(|n| canonical(n))
        .collect();
    let Some(floor) = cx.params.bits("min-bits") else {
        return;
    };
    for e in cx.endpoints {
        let Some(curves) = &e.tls.curves else {
            continue;
        };
        let default = matches!(curves.origin, crate::model::Origin::Default { .. });
        for n in &curves.value {
            let name = n.name.strip_prefix('?').unwrap_or(&n.name);
            let Some(c) = canonical(name) else { continue };
            if allowed.contains(&c) || curve_bits(c).is_none_or(|b| b < floor) {
                continue;
            }
            let mut f = Finding::for_setting(
                e,
                curves,
                "curves",
                if default {
                    format!(
                        "group `{name}` of the program's default list, used by {}, is not on the policy's list (it is above its {floor}-bit floor)",
                        e.name
                    )
                } else {
                    format!(
                        "group `{name}` of {} is not on the policy's list (it is above its {floor}-bit floor)",
                        e.name
                    )
                },
            )
            .label("not on the policy's list")
            .help(format!(
                "the policy lists {}",
                cx.params.names("allow").join(", ")
            ))
            .narrow(n.span);
            let off_list = |g: &str| {
                canonical(g).is_some_and(|c| {
                    !allowed.contains(&c) && curve_bits(c).is_some_and(|b| b >= floor)
                })
            };
            if let Some(fix) = super::fixes::curves_without(
                e,
                curves,
                off_list,
                // Groups below the floor are weak-curve's to drop (its own fix).
                "drop the groups above the floor that the policy does not list",
                // A client offering only a dropped group loses its handshake.
                crate::fix::Applicability::Unsafe,
            ) {
                f = f.fix(fix);
            }
            f.key = format!("{}/curves/{name}", e.key);
            out.push(f);
        }
    }
}

const EXPLAIN: &str = "\
## What it does
Reports key-exchange groups that are at least as strong as the policy's size floor but not
on its list: X448 or secp521r1 under Mozilla's policies (its `tls_curves` is a preference
list, `ecdh_param_size` = 256 the floor), brainpool curves under RFC 9325 (its MUST NOT
covers curves below 224 bits). Groups below the floor are `weak-curve`'s. A note in the
built-in policies: stock Postfix offers X448 and secp521r1.

## Why is this bad
It is not weak: the policy's authors left the group out for compatibility or performance
(secp521r1 is slow and rarely offered by clients), so a client will seldom pick it.

## Example
```ini
tls_eecdh_auto_curves = X25519 X448 prime256v1 secp521r1 secp384r1
```

## Fix
Nothing is needed for security. To match the policy, list only its groups, e.g. Mozilla's
`X25519:prime256v1:secp384r1`.";
