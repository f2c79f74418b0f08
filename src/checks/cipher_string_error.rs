//! `cipher-string-error`: OpenSSL rejects the cipher string.

use super::{Check, Context, Finding, FindingSource, Severity};
use crate::model::Ciphers;

pub(super) const CHECK: Check = Check {
    name: "cipher-string-error",
    summary: "OpenSSL rejects the cipher string",
    default_severity: Severity::Error,
    params: &[],
    explain: EXPLAIN,
    source: FindingSource::Run(run),
    per_endpoint: true,
    judges_refused: true,
};

fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for e in cx.endpoints {
        let Some(setting) = &e.tls.ciphers else {
            continue;
        };
        let Ciphers::OpenSsl(cs) = &setting.value else {
            continue;
        };
        let exp = cx.expand(cs);
        let Some(err) = &exp.error else {
            continue;
        };
        let consequence = e.dialect.on_rejected_ciphers();
        let span = err.range.clone().and_then(|r| cs.span_of(r));
        out.push(
            Finding::for_setting(
                e,
                setting,
                "ciphers",
                format!(
                    "OpenSSL rejects the cipher string of {}: {}",
                    e.name, err.message
                ),
            )
            .narrow(span)
            .label(err.message.clone())
            .help(format!(
                "{consequence}; check each word against `tlslint ciphers -v '{}'`",
                cs.text
            )),
        );
    }
}

const EXPLAIN: &str = "\
## What it does
Expands the cipher string exactly as OpenSSL's `SSL_CTX_set_cipher_list` does and reports
strings that OpenSSL rejects: a syntax error, or a string that selects no cipher at all.

## Why is this bad
nginx refuses to start (`SSL_CTX_set_cipher_list(...) failed`); Postfix logs a warning and
continues without TLS on that service, so mail silently goes out in the clear.

## Example
```nginx
ssl_ciphers \"!ALL\";
```

## Fix
Make sure the string selects at least one suite; `tlslint ciphers -v STRING` shows what it
expands to.";
