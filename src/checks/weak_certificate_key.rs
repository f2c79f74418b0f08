//! `weak-certificate-key`: a certificate's key, signature or validity outside the policy.

use super::{Check, Context, Finding, FindingSource, Param, ParamKind, Severity};
use crate::material::{Fact, Facts};

pub(super) const CHECK: Check = Check {
    name: "weak-certificate-key",
    summary: "a certificate's key size, curve, signature or lifespan is outside the policy",
    default_severity: Severity::Warning,
    params: &[
        Param::optional(
            "min-rsa-bits",
            ParamKind::Bits,
            "smallest RSA key the policy accepts",
        ),
        Param::optional(
            "min-ec-bits",
            ParamKind::Bits,
            "smallest elliptic curve the policy accepts for ECDSA keys, in bits",
        ),
        Param::optional(
            "key-types",
            ParamKind::Names,
            "accepted key types (rsa, ecdsa, ed25519)",
        ),
        Param::optional(
            "curves",
            ParamKind::Names,
            "curves accepted for ECDSA keys (prime256v1, secp384r1, ...)",
        ),
        Param::optional(
            "signatures",
            ParamKind::Names,
            "accepted signature algorithms (sha256WithRSAEncryption, ecdsa-with-SHA256, ...)",
        ),
        Param::optional(
            "max-lifespan",
            ParamKind::Duration,
            "longest validity period the policy accepts (e.g. \"366d\")",
        ),
    ],
    explain: EXPLAIN,
    source: FindingSource::Run(run),
    per_endpoint: false,
    judges_refused: false,
};

fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for e in cx.endpoints {
        for c in &e.tls.certificates {
            let Some(Fact::Known(cert)) = Facts::get(&cx.facts.certs, e, c.span, &c.value) else {
                continue;
            };
            let mut problems = Vec::new();
            if let Some(min) = cx.params.bits("min-rsa-bits")
                && cert.key_type == "rsa"
                && cert.bits < min
            {
                problems.push(format!("{}-bit RSA key (minimum {min})", cert.bits));
            }
            if let Some(min) = cx.params.bits("min-ec-bits")
                && let Some(curve) = &cert.curve
            {
                let bits = super::weak_curve::curve_bits(curve).unwrap_or(cert.bits);
                if bits < min {
                    problems.push(format!("{bits}-bit ECDSA key on {curve} (minimum {min})"));
                }
            }
            let types = cx.params.names("key-types");
            if !types.is_empty() && !types.contains(&cert.key_type) {
                problems.push(format!(
                    "{} key (policy: {})",
                    cert.key_type,
                    types.join(", ")
                ));
            }
            let curves = cx.params.names("curves");
            if let Some(curve) = &cert.curve
                && !curves.is_empty()
                && !curves.iter().any(|c| c == curve)
                && !problems.iter().any(|p| p.contains("-bit ECDSA key"))
            {
                problems.push(format!("ECDSA key on {curve}"));
            }
            let sigs = cx.params.names("signatures");
            if !sigs.is_empty() && !sigs.contains(&cert.signature) {
                problems.push(format!("signed with {}", cert.signature));
            }
            if let Some(max) = cx.params.duration("max-lifespan")
                && cert.lifespan_days.unsigned_abs() * 86_400 > max
            {
                problems.push(format!(
                    "valid for {} days (maximum {})",
                    cert.lifespan_days,
                    max / 86_400
                ));
            }
            if problems.is_empty() {
                continue;
            }
            let mut f = Finding::for_setting(
                e,
                c,
                "certificate",
                format!(
                    "certificate {} of {}: {}",
                    c.value.display(),
                    e.name,
                    problems.join("; ")
                ),
            )
            .label("certificate outside the policy")
            .help("issue a new certificate that meets the policy (RSA ≥ 2048 bits or ECDSA P-256/P-384, SHA-256 or better, short validity)");
            f.key = format!("{}/certificate/{}", e.key, c.value.display());
            out.push(f);
        }
    }
}

const EXPLAIN: &str = "\
## What it does
For each certificate file an endpoint names that lies inside the checked tree, reads the
certificate (never the private key) and compares its key type and size, curve, signature
algorithm and validity period with the policy. A relative path is resolved as the program
does: nginx against its conf prefix (the directory of the main config), Postfix against
`queue_directory`, Dovecot against the directory of the file that names it.

## Why is this bad
RSA keys under 2048 bits and SHA-1 or MD5 signatures are forbidden by RFC 9325 §4.5 and
rejected by browsers; Mozilla's profiles limit certificates to 366 days (intermediate) or 90
days (modern).

## Example
A `server.crt` with a 1024-bit RSA key signed with `sha1WithRSAEncryption`.

## Fix
Issue a new certificate: ECDSA P-256 or RSA 2048+, SHA-256 signature, lifespan within the
policy's maximum.";
