//! `expired-suppression`: an inline suppression is past its `until=` date.
//!
//! Findings come from the suppression pass (`crate::suppress`), which reads comments from
//! the raw text; it has nothing to look at in the model.

use super::{Check, FindingSource, Severity};

pub(super) const CHECK: Check = Check {
    name: "expired-suppression",
    summary: "an inline suppression is past its `until=` date and no longer hides anything",
    default_severity: Severity::Warning,
    params: &[],
    explain: EXPLAIN,
    source: FindingSource::Suppressions,
    per_endpoint: false,
    judges_refused: false,
};

const EXPLAIN: &str = "\
## What it does
Reports `# tlslint: allow(...) ... until=YYYY-MM-DD` comments whose date has passed (compared
with today's date in UTC). An expired suppression stops hiding the findings it named, so they
are reported again next to this finding.

## Why is this bad
An exception with an expiry date records a plan (\"the partner gateway moves to TLS 1.2 by
March\"). When the date passes, the plan was missed or the exception was forgotten; either way
someone should look at it again instead of the exception living on silently.

## Example
```nginx
# tlslint: allow(legacy-protocol) reason=\"partner gateway\" until=2024-03-31
ssl_protocols TLSv1.1 TLSv1.2 TLSv1.3;
```

## Fix
Fix the underlying finding and delete the comment, or, if the exception is still needed,
move `until=` to a new date and update the reason.";
