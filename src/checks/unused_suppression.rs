//! `unused-suppression`: an inline suppression names a check that reports nothing there.
//!
//! Findings come from the suppression pass (`crate::suppress`), which reads comments from
//! the raw text; it has nothing to look at in the model.

use super::{Check, FindingSource, Severity};

pub(super) const CHECK: Check = Check {
    name: "unused-suppression",
    summary: "an inline suppression names a check that reports nothing where it applies",
    default_severity: Severity::Warning,
    params: &[],
    explain: EXPLAIN,
    source: FindingSource::Suppressions,
    per_endpoint: false,
    judges_refused: false,
};

const EXPLAIN: &str = "\
## What it does
Reports each check named in a `# tlslint: allow(...)` or `allow-file(...)` comment that hid no
finding in this run. A comment line applies to the first non-comment line below it (and that
line's indented continuation lines); a blank line in between breaks the link. Checks that did
not run (not in the policy, or left out with `--select`/`--ignore`) are never called unused.

## Why is this bad
A stale suppression is a hidden hole: the setting it excused was fixed or moved, and the
comment now waits to hide a future regression on that line without anyone deciding so again.
It may also sit on the wrong line, so the finding it was meant for is still reported.

## Example
```nginx
# tlslint: allow(legacy-protocol) reason=\"old clients\"
ssl_protocols TLSv1.2 TLSv1.3;
```

## Fix
Delete the suppression, or move it directly above the line whose finding it should hide.";
