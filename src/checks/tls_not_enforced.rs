//! `tls-not-enforced`: plaintext is allowed where TLS should be required.

use super::{Check, FindingSource, Severity};
use crate::model::ObservationKind;

pub(super) const CHECK: Check = Check {
    name: "tls-not-enforced",
    summary: "authentication or mail submission is allowed without TLS",
    default_severity: Severity::Error,
    params: &[],
    explain: EXPLAIN,
    source: FindingSource::Observations {
        kind: ObservationKind::NotEnforced,
        label: "plaintext allowed",
    },
    per_endpoint: false,
    judges_refused: false,
};

const EXPLAIN: &str = "\
## What it does
Reports mail endpoints where TLS is offered but not required for what must be protected:
Postfix submission services (or `smtpd_tls_auth_only = no`) that accept AUTH before STARTTLS,
Dovecot `ssl = yes` with plaintext authentication allowed (`disable_plaintext_auth = no` in
2.3, `auth_allow_cleartext = yes` in 2.4).

## Why is this bad
An attacker on the path strips the STARTTLS offer and collects passwords sent in the clear
(RFC 7457 §2.1; RFC 9325 §3.2 requires strict TLS for such protocols; RFC 8314 prefers
implicit TLS for submission).

## Example
```
ssl = yes
disable_plaintext_auth = no
```

## Fix
Require TLS before authentication (`ssl = required`, `smtpd_tls_auth_only = yes`,
`-o smtpd_tls_security_level=encrypt` on submission).";
