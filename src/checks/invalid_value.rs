//! `invalid-value`: a value the program rejects or silently ignores.

use super::{Check, FindingSource, Severity};
use crate::model::ObservationKind;

pub(super) const CHECK: Check = Check {
    name: "invalid-value",
    summary: "a value the program rejects or silently ignores",
    default_severity: Severity::Error,
    params: &[],
    explain: EXPLAIN,
    source: FindingSource::Observations {
        kind: ObservationKind::InvalidValue,
        label: "not a value the program accepts",
    },
    per_endpoint: false,
    judges_refused: false,
};

const EXPLAIN: &str = "\
## What it does
Reports setting values that the configured program does not accept: a version spelled in
another program's vocabulary (Traefik `minVersion: TLS1.2` instead of `VersionTLS12`,
Prometheus `min_version: TLS111`), an unknown curve or client-authentication mode, an unquoted
YAML number or boolean where the program reads a string (`min_version: 1.2`, a ConfigMap
value `ssl-session-tickets: true`), or a minimum version above the maximum. The help line
lists the spellings the program accepts.

For OpenSSL-based servers it also reports configurations the server refuses as a whole, as
the real programs do (checked by live handshakes against nginx, Postfix and Dovecot):
- a certificate or DH key below the security level (`@SECLEVEL=3` with a 2048-bit RSA key:
  nginx stops with `ee key too small`; 1024-bit `ssl_dhparam` at Debian's level 2: `dh key too
  small`; Dovecot fails every TLS connection);
- a gap in the protocol list: OpenSSL uses only the lowest contiguous run of enabled versions,
  and fails every handshake when no enabled suite works at its top (`ssl_protocols TLSv1
  TLSv1.2; ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256;`: \"No ciphers enabled for max supported
  SSL/TLS version\"), or when no configured protocol can be negotiated at all;
- an nginx `ssl_ciphers` that OpenSSL rejects, even when `ssl_conf_command CipherString`
  replaces it (nginx sets it first);
- a certificate or DH parameter file inside the checked tree that is empty or holds no PEM
  block of its kind (a placeholder, a DER file, a certificate named as DH parameters): nginx
  stops with `cannot load certificate ...: PEM_read_bio_X509_AUX() failed` or
  `PEM_read_bio_DHparams(...) failed`, Dovecot fails TLS set-up, Postfix runs the service
  without TLS (a bad DH file only costs its own group: `ineffective-setting`). A file that is
  not in the tree at all is an `outside-root` note instead: certificates and keys are rarely
  committed. The file's contents are never printed;
- TLS turned on with no certificate at all: an nginx `listen ... ssl` (or `ssl on`, or a
  mail server) with no `ssl_certificate` in scope, where nginx stops with `no
  \"ssl_certificate\" is defined for the \"listen ... ssl\" directive` (the default server of
  the socket needs one; a virtual server is served its default's certificate), or Dovecot
  `ssl = yes`/`required` written with no `ssl_cert` (every handshake fails: `TLS
  initialization failed`). `ssl_reject_handshake on` is deliberate, and a certificate an
  unread include may set is unknown, not missing: neither is reported.
Other checks then leave such an endpoint alone: its settings never take effect.

## Why is this bad
Some programs refuse to start or to load the new configuration, so a rollout fails. Worse,
others silently ignore the value and keep their built-in default: Traefik looks versions up
in a table and drops unknown ones, so `minVersion: TLS1.2` leaves the Go default in place
and the setting you read in the file is not the one in force.

## Example
```yaml
tls:
  options:
    default:
      minVersion: TLS1.2
```

## Fix
Use one of the spellings in the help line:
```yaml
tls:
  options:
    default:
      minVersion: VersionTLS12
```";
