//! `deprecated-directive`: a directive or parameter that is deprecated or removed.

use super::{Check, FindingSource, Severity};
use crate::model::ObservationKind;

pub(super) const CHECK: Check = Check {
    name: "deprecated-directive",
    summary: "a deprecated or removed directive is used",
    default_severity: Severity::Warning,
    params: &[],
    explain: EXPLAIN,
    source: FindingSource::Observations {
        kind: ObservationKind::Deprecated,
        label: "deprecated",
    },
    per_endpoint: false,
    judges_refused: false,
};

const EXPLAIN: &str = "\
## What it does
Reports TLS directives and parameters that the target program version deprecates or no longer
accepts: nginx `ssl on` (deprecated in 1.15.0, removed in 1.25.1) and `listen ... http2`
(deprecated in 1.25.1), Postfix `smtpd_use_tls` / `smtpd_enforce_tls`, Dovecot 2.3 setting
names in a 2.4 configuration (which Dovecot 2.4 rejects).

## Why is this bad
A removed directive makes the server refuse to start after an upgrade; a deprecated one often
has subtly different semantics from its replacement (nginx `ssl on` turns TLS on for every
listen socket of the server, including ones meant to be plain HTTP).

## Example
```nginx
server {
    listen 443;
    ssl on;
}
```

## Fix
Use the replacement named in the help line, for example:
```nginx
server {
    listen 443 ssl;
}
```";
