//! `opportunistic-mx-tls`: SMTP delivery to MX hosts with TLS that verifies nothing.

use super::{Check, Context, Finding, FindingSource, Severity};
use crate::model::Side;

pub(super) const CHECK: Check = Check {
    name: "opportunistic-mx-tls",
    summary: "SMTP delivery to MX hosts uses opportunistic TLS without DANE or MTA-STS",
    default_severity: Severity::Note,
    params: &[],
    explain: EXPLAIN,
    source: FindingSource::Run(run),
    per_endpoint: true,
    judges_refused: false,
};

fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for e in cx
        .endpoints
        .iter()
        .filter(|e| e.side == Side::Client && e.mx_delivery)
    {
        let Some(v) = &e.tls.verify_peer else {
            continue;
        };
        let f = Finding::for_setting(
            e,
            v,
            "mx-delivery",
            format!(
                "{} delivers to MX hosts with opportunistic TLS: an active attacker can strip or intercept it",
                e.name
            ),
        )
        .label("no DANE or MTA-STS")
        .help(
            "verify MX hosts with DANE (`smtp_tls_security_level = dane` and \
             `smtp_dns_support_level = dnssec`) or MTA-STS (a policy service in \
             `smtp_tls_policy_maps`)",
        );
        out.push(f);
    }
}

const EXPLAIN: &str = "\
## What it does
Reports an SMTP client that delivers to MX hosts with opportunistic TLS (Postfix
`smtp_tls_security_level = may` or `encrypt` without a relayhost that receives credentials):
the connection is encrypted when the server offers TLS, and the certificate is not verified.

## Why is this bad
Opportunistic TLS (RFC 7435) protects against passive eavesdropping only: an attacker on the
path can remove the STARTTLS offer or present any certificate. For MX delivery there is no
configured name to verify a certificate against, so `upstream-verify-off` does not apply; the
ways to authenticate MX hosts are DANE (RFC 7672, TLSA records in DNSSEC-signed zones) and
MTA-STS (RFC 8461). RFC 9325 leaves opportunistic security out of its scope. It is a note by
default: most mail is delivered this way, and it is what Mozilla's generator writes.

## Example
```ini
smtp_tls_security_level = may
```

## Fix
Use DANE where the recipient domains publish TLSA records
(`smtp_tls_security_level = dane`, `smtp_dns_support_level = dnssec`, a DNSSEC-validating
resolver), and MTA-STS through a policy service (`smtp_tls_policy_maps`) for the rest.";
