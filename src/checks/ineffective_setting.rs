//! `ineffective-setting`: a setting the program ignores where it is written.

use super::{Check, FindingSource, Severity};
use crate::model::ObservationKind;

pub(super) const CHECK: Check = Check {
    name: "ineffective-setting",
    summary: "a TLS setting is ignored where it is written",
    default_severity: Severity::Warning,
    params: &[],
    explain: EXPLAIN,
    source: FindingSource::Observations {
        kind: ObservationKind::Ineffective,
        label: "has no effect here",
    },
    per_endpoint: false,
    judges_refused: false,
};

const EXPLAIN: &str = "\
## What it does
Reports TLS settings that the program silently ignores where they are written, so the value a
reader sees is not the value in force:
- nginx before 1.29.2 takes `ssl_protocols` from the default server of an address:port; the
  same directive in another virtual server on that socket has no effect;
- OpenSSL fixes the TLS 1.3 suites and the key-exchange groups from the default server's
  settings before the server name is known, so `ssl_conf_command Ciphersuites` and
  `ssl_ecdh_curve` in another virtual server on that socket have no effect (any nginx version);
- nginx applies `ssl_conf_command` after `ssl_protocols`, `ssl_ciphers` and
  `ssl_session_tickets`, so a `MinProtocol`, `CipherString` or `Options` command overrides them;
- protocols the TLS library cannot negotiate: SSL 2 and 3 (not built into OpenSSL 1.1.0 and
  later), TLS 1.0 and 1.1 at security level 1 and up with OpenSSL 3 (their handshakes need
  SHA-1 signatures), and versions no enabled suite works with. One finding per cause;
- a Go application's minimum below TLS 1.2 when every listed suite is TLS 1.2-only (AEAD or
  SHA-256/384): Go offers a version only if an enabled suite works with it;
- Postfix master.cf `-o` overrides of the parameter set the service's TLS level does not read:
  mandatory TLS (`encrypt`, or wrapper mode as on `smtps`/`submissions`) uses
  `smtpd_tls_mandatory_ciphers`, `_mandatory_protocols` and `_mandatory_exclude_ciphers`, so
  `-o smtpd_tls_ciphers=high` there does nothing; opportunistic TLS (`may`) ignores the
  `mandatory` ones. The same holds for the `smtp_tls_*` client parameters, except at level
  `dane`, which uses both sets (mandatory with TLSA records, opportunistic without);
- a Postfix DH parameter file that is empty or not PEM: Postfix logs a warning and keeps its
  built-in group.

## Why is this bad
A reviewer reads `ssl_protocols TLSv1.2 TLSv1.3;` in a virtual host and believes TLS 1.0 is
off, while the default server still enables it for every name on that socket.

## Example
```nginx
server { listen 443 ssl default_server; ssl_protocols TLSv1 TLSv1.2; }
server { listen 443 ssl; server_name app.example; ssl_protocols TLSv1.2 TLSv1.3; }
```

```text
# master.cf: wrapper mode is mandatory TLS, so this grade is never read
submissions inet n - n - - smtpd
  -o smtpd_tls_wrappermode=yes
  -o smtpd_tls_ciphers=high
```

## Fix
Override the parameter the service reads (`-o smtpd_tls_mandatory_ciphers=high` above). Set protocols on the default server of each address:port (or upgrade to nginx 1.29.2 or newer
with OpenSSL 1.1.1 or newer), and keep one source of truth: either the dedicated directive or
`ssl_conf_command`, not both.";
