//! `unknown-setting`: a TLS setting name the program does not know.

use super::{Check, FindingSource, Severity};
use crate::model::ObservationKind;

pub(super) const CHECK: Check = Check {
    name: "unknown-setting",
    summary: "a TLS setting name the program does not know (likely a typo)",
    default_severity: Severity::Warning,
    params: &[],
    explain: EXPLAIN,
    source: FindingSource::Observations {
        kind: ObservationKind::UnknownSetting,
        label: "unknown setting",
    },
    per_endpoint: false,
    judges_refused: false,
};

const EXPLAIN: &str = "\
## What it does
Reports TLS-looking parameter names that the program does not know, such as
`smtpd_tls_protocol` in Postfix `main.cf` or `ssl_min_protocols` in Dovecot, and names the
setting most likely meant.

## Why is this bad
Postfix ignores unknown parameters with at most a log line; the setting the operator thinks
is in force is not, and the default applies instead.

## Example
```
smtpd_tls_mandatory_protocol = >=TLSv1.2
```

## Fix
Correct the name (`smtpd_tls_mandatory_protocols`).";
