//! `outside-root`: a referenced file outside the checked root was not read.

use super::{Check, FindingSource, Severity};
use crate::model::ObservationKind;

pub(super) const CHECK: Check = Check {
    name: "outside-root",
    summary: "a file outside the checked root was not read, so some settings could not be seen",
    default_severity: Severity::Note,
    params: &[],
    explain: EXPLAIN,
    source: FindingSource::Observations {
        kind: ObservationKind::OutsideRoot,
        label: "not read",
    },
    per_endpoint: false,
    judges_refused: false,
};

const EXPLAIN: &str = "\
## What it does
Notes includes and `<file` values that point outside the checked root (the repository, or the
common directory of the given paths). tlslint does not read them unless
`--allow-outside-root` is given, and says which TLS settings it therefore could not see.

It also notes certificate, DH and ticket-key files that a config names inside the tree but
that are not there (deployed separately, as certificates and keys usually are). Relative paths
are resolved as each program does: nginx against its conf prefix (the directory of the main
config, not of the included file), Postfix against `queue_directory` (its daemons run there,
default `/var/spool/postfix`), Dovecot against the directory of the file holding the `<file`.

## Why is this bad
It is not a problem in itself — system files such as `/etc/nginx/mime.types` usually live
outside a repository — but a config under review must not make the linter read (and print)
files such as `/proc/self/environ` or `/run/secrets/...` into a CI log.

## Example
```nginx
include /etc/nginx/snippets/ssl.conf;
```

## Fix
Keep TLS settings inside the repository, or run with `--allow-outside-root` on a trusted
machine.";
