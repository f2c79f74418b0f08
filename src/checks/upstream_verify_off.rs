//! `upstream-verify-off`: client-side TLS that does not verify the server's certificate.

use super::{Check, Context, Finding, FindingSource, Severity};
use crate::model::{Dialect, Side};

pub(super) const CHECK: Check = Check {
    name: "upstream-verify-off",
    summary: "client-side TLS does not verify the peer's certificate",
    default_severity: Severity::Warning,
    params: &[],
    explain: EXPLAIN,
    source: FindingSource::Run(run),
    per_endpoint: true,
    judges_refused: false,
};

fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    // Opportunistic delivery to MX hosts cannot verify (RFC 7435); not a finding.
    for e in cx
        .endpoints
        .iter()
        .filter(|e| e.side == Side::Client && !e.mx_delivery)
    {
        let Some(v) = &e.tls.verify_peer else {
            continue;
        };
        if v.value {
            continue;
        }
        let f = Finding::for_setting(
            e,
            v,
            "verify",
            format!(
                "{} does not verify the upstream server's certificate",
                e.name
            ),
        )
        .label("certificate not verified");
        out.push(match &v.directive {
            // An app key may be a negative switch (`tls_insecure_skip_verify`): name it
            // without saying which value it takes.
            Some(d) if e.dialect == Dialect::App => f.help(format!(
                "turn certificate verification on (`{d}`) and give the trusted CA certificates"
            )),
            Some(d) => f.help(format!(
                "turn verification on with `{d}` and give the trusted CA certificates"
            )),
            None => f.help("enable certificate verification and configure trusted CAs"),
        });
    }
}

const EXPLAIN: &str = "\
## What it does
Reports TLS client endpoints that do not verify the certificate of the server they connect
to: nginx `proxy_ssl_verify off` (the default), Postfix `smtp_tls_security_level` below
`verify`/`secure`/`dane` when it sends SASL credentials to a `relayhost`, Envoy upstream
contexts without a validation context.

Postfix delivering to MX hosts with `may` or `encrypt` is not reported: opportunistic TLS
(RFC 7435) has no name to verify a certificate against, so verification there needs DANE
(`smtp_tls_security_level = dane` with `smtp_dns_support_level = dnssec`) or MTA-STS.

## Why is this bad
Encryption without authentication only stops passive eavesdroppers: anyone on the path can
present their own certificate and read or change the traffic (RFC 9325 wants peer
authentication, §7.1; Mozilla's guidance assumes verified certificates).

## Example
```nginx
location / {
    proxy_pass https://backend.internal;
}
```

## Fix
```nginx
proxy_ssl_verify on;
proxy_ssl_trusted_certificate /etc/nginx/backend-ca.pem;
proxy_ssl_name backend.internal;
proxy_ssl_server_name on;
```";
