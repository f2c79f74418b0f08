//! `ocsp-stapling`: OCSP stapling is turned on but cannot work as configured.
//!
//! Only misconfiguration is reported, never the absence of stapling: major CAs ended OCSP
//! in 2025 and generators leave stapling off. Facts about the certificates come from
//! [`crate::material`]; a certificate that was not read leaves its part unknown.

use std::sync::Arc;

use super::{Check, Context, Finding, FindingSource, Severity};
use crate::material::{Fact, Facts, OcspUrl, responder_kind};
use crate::model::{Endpoint, Setting, Side, Stapling};

pub(super) const CHECK: Check = Check {
    name: "ocsp-stapling",
    summary: "OCSP stapling is turned on but cannot work as configured",
    default_severity: Severity::Note,
    params: &[],
    explain: EXPLAIN,
    source: FindingSource::Run(run),
    per_endpoint: true,
    judges_refused: false,
};

fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for e in cx.endpoints {
        if e.side != Side::Server || e.tls_off() {
            continue;
        }
        let Some(s) = e.tls.ocsp_stapling.as_ref().filter(|s| s.value.on) else {
            continue;
        };
        // Without a certificate (`ssl_reject_handshake`) there is nothing to staple for.
        if e.tls.certificates.is_empty() {
            continue;
        }
        let st = &s.value;
        if let Some(at) = st.per_connection {
            out.push(
                finding(e, s, format!(
                    "{} never staples OCSP responses: its certificates are chosen per connection, and stapling is set up only for certificates loaded at start",
                    e.name
                ))
                .related(at, "chosen per connection")
                .help(format!(
                    "name the certificate files without variables, or turn stapling off: `{}`",
                    off(e, s)
                )),
            );
            continue;
        }
        // A fixed response file: nothing is fetched, resolved or verified.
        if st.file.is_some() {
            continue;
        }
        if let Some(r) = &st.responder
            && responder_kind(&r.value) == OcspUrl::NotHttp
        {
            out.push(
                Finding::for_setting(e, r, "ocsp_stapling", format!(
                    "OCSP stapling is ignored for {}: the responder URL does not start with `http://`",
                    e.name
                ))
                .label("not an http:// URL")
                .help(format!(
                    "write the responder's `http://` URL here, or turn stapling off: `{}`",
                    off(e, s)
                )),
            );
            continue;
        }
        let fates: Vec<Option<Fate>> = e
            .tls
            .certificates
            .iter()
            .map(|c| match Facts::get(&cx.facts.certs, e, c.span, &c.value) {
                Some(Fact::Known(cert)) => fate(st, cert.chain, cert.ocsp),
                _ => None,
            })
            .collect();
        let ignored: Vec<Cause> = fates
            .iter()
            .filter_map(|f| match f {
                Some(Fate::Ignored(why)) => Some(*why),
                _ => None,
            })
            .collect();
        if !fates.is_empty() && ignored.len() == fates.len() {
            out.push(all_ignored(e, s, &ignored));
            continue;
        }
        no_resolver(e, s, &fates, out);
        if let Some(v) = st.verify.as_ref().filter(|v| v.value)
            && st.trusted.is_none()
        {
            out.push(
                Finding::for_setting(e, v, "ocsp_stapling", format!(
                    "{} verifies OCSP responses without trusted certificates: only a response signed by a certificate of its certificate file (the issuing CA) passes, one signed by a delegated OCSP responder fails and nothing is stapled",
                    e.name
                ))
                .label("no trusted certificates to verify against")
                .help(format!(
                    "name the issuer and root certificates in `{}`, or stop verifying: `{}`",
                    st.names.trusted,
                    e.dialect.assignment(v.directive.as_deref().unwrap_or_default(), "off")
                )),
            );
        }
    }
}

/// What the server does with one certificate whose file was read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fate {
    /// It is left without stapling (the server warns at start).
    Ignored(Cause),
    /// It asks the responder at a URL of this kind.
    Asks(OcspUrl),
}

/// Why a certificate is left without stapling.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cause {
    /// Neither its file nor the trusted certificates hold its issuer.
    NoIssuer,
    /// It names no OCSP responder.
    NoUrl,
    /// Its responder URL is not `http://`.
    UrlNotHttp,
}

impl Cause {
    /// Said of one certificate, as a label on it.
    fn label(self) -> &'static str {
        match self {
            Cause::NoIssuer => "no issuer certificate in this file, and none trusted",
            Cause::NoUrl => "names no OCSP responder",
            Cause::UrlNotHttp => "its OCSP responder URL is not http://",
        }
    }

    /// Said of the server's certificates (`one`: it has a single certificate).
    fn sentence(self, one: bool) -> &'static str {
        match (self, one) {
            (Cause::NoIssuer, true) => {
                "the certificate file holds no issuer certificate and no trusted certificates are given"
            }
            (Cause::NoIssuer, false) => {
                "no certificate file holds its issuer certificate and no trusted certificates are given"
            }
            (Cause::NoUrl, true) => "the certificate names no OCSP responder",
            (Cause::NoUrl, false) => "no certificate names an OCSP responder",
            (Cause::UrlNotHttp, true) => {
                "the certificate's OCSP responder URL does not start with `http://`"
            }
            (Cause::UrlNotHttp, false) => {
                "the certificates' OCSP responder URLs do not start with `http://`"
            }
        }
    }
}

/// The fate of a certificate with `chain` further certificates in its file and `ocsp` as
/// its responder; `None` when it cannot be told.
fn fate(st: &Stapling, chain: usize, ocsp: OcspUrl) -> Option<Fate> {
    // The issuer is looked for first, in the file's chain and the trusted certificates.
    if chain == 0 && st.trusted.is_none() {
        return Some(Fate::Ignored(Cause::NoIssuer));
    }
    if let Some(r) = &st.responder {
        return Some(Fate::Asks(responder_kind(&r.value)));
    }
    match ocsp {
        OcspUrl::None => Some(Fate::Ignored(Cause::NoUrl)),
        OcspUrl::NotHttp => Some(Fate::Ignored(Cause::UrlNotHttp)),
        OcspUrl::Unknown => None,
        kind => Some(Fate::Asks(kind)),
    }
}

/// Every certificate is left without stapling: one finding at the switch, each certificate
/// labelled with its reason.
fn all_ignored(e: &Endpoint, s: &Setting<Arc<Stapling>>, why: &[Cause]) -> Finding {
    let reason = match why {
        [first, rest @ ..] if rest.iter().all(|w| w == first) => first.sentence(why.len() == 1),
        _ => "no certificate can be stapled",
    };
    let mut f = finding(
        e,
        s,
        format!("OCSP stapling is ignored for {}: {reason}", e.name),
    );
    for (c, w) in e.tls.certificates.iter().zip(why) {
        if let Some(span) = c.span {
            f = f.related(span, w.label());
        }
    }
    let help = if why.contains(&Cause::NoIssuer) {
        format!(
            "put the issuing CA's certificate after the server's in the certificate file (a full chain), or name it in `{}`",
            s.value.names.trusted
        )
    } else if why.contains(&Cause::NoUrl) {
        format!(
            "turn stapling off: `{}` (the CA may have ended OCSP, as Let's Encrypt did in 2025)",
            off(e, s)
        )
    } else {
        format!(
            "name the CA's `http://` responder in `{}`, or turn stapling off: `{}`",
            s.value.names.responder,
            off(e, s)
        )
    };
    f.help(help)
}

/// Stapling without a resolver for a responder named by host: the name is resolved once,
/// at start, and those addresses are kept.
fn no_resolver(
    e: &Endpoint,
    s: &Setting<Arc<Stapling>>,
    fates: &[Option<Fate>],
    out: &mut Vec<Finding>,
) {
    let st = &s.value;
    if st.resolver.is_some() {
        return;
    }
    let by_name = match &st.responder {
        Some(r) => responder_kind(&r.value) == OcspUrl::HostName,
        None => fates.contains(&Some(Fate::Asks(OcspUrl::HostName))),
    };
    if !by_name {
        return;
    }
    let mut f = finding(
        e,
        s,
        format!(
            "{} staples OCSP without a resolver: the responder's host name is resolved only at start, and if its addresses change stapling stops until a reload",
            e.name
        ),
    );
    if let Some(r) = st.responder.as_ref().and_then(|r| r.span) {
        f = f.related(r, "host name resolved only at start");
    }
    out.push(f.help(format!(
        "name the DNS servers to ask in `{}` (in this block or an enclosing one)",
        st.names.resolver
    )));
}

/// A finding at the switch that turns stapling on.
fn finding(e: &Endpoint, s: &Setting<Arc<Stapling>>, message: String) -> Finding {
    Finding::for_setting(e, s, "ocsp_stapling", message).label("OCSP stapling turned on")
}

/// The line that turns stapling off.
fn off(e: &Endpoint, s: &Setting<Arc<Stapling>>) -> String {
    e.dialect
        .assignment(s.directive.as_deref().unwrap_or_default(), "off")
}

const EXPLAIN: &str = "\
## What it does
Reports nginx OCSP stapling (`ssl_stapling on`) that cannot work, never its absence:
certificates chosen per connection (variables), a responder URL that is not `http://`,
every certificate ignored at start (no issuer in its file or `ssl_trusted_certificate`, no
OCSP URL), no `resolver` for a responder host name (resolved once at start), and
`ssl_stapling_verify on` without `ssl_trusted_certificate` (responses signed by a delegated
responder fail). Certificates are read only inside the checked tree (the URL is never
shown); an unread certificate or include leaves stapling unjudged. Postfix and Dovecot have
no server-side stapling; application configs are not checked.

## Why is this bad
The server asks for stapling (RFC 6066 §8, RFC 6960) and staples nothing, or stops when the
responder moves; clients then go without revocation status.

## Example
```nginx
ssl_certificate cert.pem;   # the leaf alone, no chain
ssl_stapling on;
```

## Fix
`ssl_stapling off;` where the certificate names no responder (CAs such as Let's Encrypt
ended OCSP in 2025); otherwise put the chain in the certificate file and add a `resolver`
(and `ssl_trusted_certificate` for `ssl_stapling_verify`).";
