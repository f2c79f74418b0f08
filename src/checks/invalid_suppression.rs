//! `invalid-suppression`: a `# tlslint:` comment that cannot be applied.
//!
//! Findings come from the suppression pass (`crate::suppress`), which reads comments from
//! the raw text; it has nothing to look at in the model.

use super::{Check, FindingSource, Severity};

pub(super) const CHECK: Check = Check {
    name: "invalid-suppression",
    summary: "a `# tlslint:` comment is malformed, names an unknown check or lacks a reason",
    default_severity: Severity::Warning,
    params: &[],
    explain: EXPLAIN,
    source: FindingSource::Suppressions,
    per_endpoint: false,
    judges_refused: false,
};

const EXPLAIN: &str = "\
## What it does
Reports `# tlslint:` comments that are not valid suppressions: an unknown keyword (only
`allow(...)` and `allow-file(...)` exist), an unclosed list, a name that is not a check, a
`until=` that is not a real `YYYY-MM-DD` date, text after the list other than `reason=\"...\"`
and `until=...`, an `allow-file` after the first setting of the file, and — unless
`require-reason = false` is configured — a suppression without `reason=\"...\"`. An invalid
suppression hides nothing.

## Why is this bad
A suppression that silently does nothing leaves its author believing a finding is handled;
one without a reason leaves reviewers unable to judge whether the exception is still right.

## Example
```nginx
# tlslint: allow(legacy-protocols)
ssl_protocols TLSv1.1 TLSv1.2;
```

## Fix
Spell the check as `tlslint rules` lists it and say why the exception is acceptable:
```nginx
# tlslint: allow(legacy-protocol) reason=\"partner gateway, ticket OPS-12\" until=2027-03-31
ssl_protocols TLSv1.1 TLSv1.2;
```";
