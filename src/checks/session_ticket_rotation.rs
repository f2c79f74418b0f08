//! `session-ticket-rotation`: session tickets on, with keys that are not rotated in time.

use super::session_timeout::human;
use super::{Check, Context, Finding, FindingSource, Param, ParamKind, Severity};
use crate::material::{Fact, Facts};
use crate::model::{Protocol, TicketKeys};

pub(super) const CHECK: Check = Check {
    name: "session-ticket-rotation",
    summary: "session tickets are enabled with keys that are not rotated",
    default_severity: Severity::Warning,
    params: &[
        Param::optional(
            "max-key-age",
            ParamKind::Duration,
            "longest a ticket key may be used; automatic rotation slower than this is reported too",
        ),
        Param::optional(
            "ignore-tls13-only",
            ParamKind::Bool,
            "skip endpoints that allow only TLS 1.3, whose resumption keeps forward secrecy with psk_dhe_ke",
        ),
    ],
    explain: EXPLAIN,
    source: FindingSource::Run(run),
    per_endpoint: false,
    judges_refused: false,
};

fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let max = cx.params.duration("max-key-age");
    let skip_tls13 = cx.params.flag("ignore-tls13-only").unwrap_or(false);
    for e in cx.endpoints {
        if e.tls.session_tickets.as_ref().is_some_and(|t| !t.value) {
            continue;
        }
        if skip_tls13
            && e.tls.protocols.as_ref().is_some_and(|p| {
                !p.value.is_empty() && p.value.iter().all(|p| *p >= Protocol::TLSv1_3)
            })
        {
            continue;
        }
        let Some(keys) = &e.tls.ticket_keys else {
            continue;
        };
        let problem = match &keys.value {
            TicketKeys::Rotated { interval_secs } => match (interval_secs, max) {
                (Some(i), Some(m)) if *i > m => format!(
                    "ticket keys of {} rotate every {}, slower than the policy's {}",
                    e.name,
                    human(*i),
                    human(m)
                ),
                _ => continue,
            },
            TicketKeys::UntilRestart => format!(
                "session tickets of {} use a key made at start-up and kept until restart",
                e.name
            ),
            TicketKeys::PerProcess { long_lived: false } => continue,
            TicketKeys::PerProcess { long_lived: true } => format!(
                "session tickets of {} use a per-process key, and processes serve many connections for an unbounded time",
                e.name
            ),
            TicketKeys::Files { files } => {
                let ages: Vec<String> = files
                    .iter()
                    .filter_map(|f| match Facts::get(&cx.facts.key_age, e, keys.span, f)? {
                        Fact::Known(a) => Some(format!("{} is {} old", f.display(), human(*a))),
                        _ => None,
                    })
                    .collect();
                let mut m = format!(
                    "session tickets of {} use key files, which stay the same unless rotated from outside",
                    e.name
                );
                if !ages.is_empty() {
                    m = format!("{m} ({})", ages.join(", "));
                }
                m
            }
        };
        let label = if matches!(keys.value, TicketKeys::Rotated { .. }) {
            "ticket keys rotated too slowly"
        } else {
            "ticket keys not rotated"
        };
        let f = Finding::for_setting(e, keys, "ticket_keys", problem).label(label);
        let every = max.map_or_else(|| "day".to_owned(), human);
        let off = e.dialect.tickets_off_help(
            e.tls
                .session_tickets
                .as_ref()
                .and_then(|t| t.directive.as_deref()),
        );
        let mut f = f.help(format!("rotate the keys at least every {every}{off}"));
        // nginx and httpd (`SSLSessionTickets`, 2.4.11) turn tickets off with one flag;
        // the others' switches differ by version.
        let one_flag = match e.dialect {
            crate::model::Dialect::Nginx => true,
            crate::model::Dialect::Apache => cx.targets.apache >= crate::model::Version(2, 4, 11),
            _ => false,
        };
        if one_flag
            && let Some(t) = &e.tls.session_tickets
            && let Some(fix) = super::fixes::set_value(
                e,
                t,
                "off",
                format!("rotate the keys at least every {every}, or turn session tickets off"),
                crate::fix::Applicability::Safe,
            )
        {
            f = f.fix(fix);
        }
        out.push(f);
    }
}

const EXPLAIN: &str = "\
## What it does
Reports endpoints that issue TLS session tickets while the ticket-encryption key is not
rotated in time:
- nginx with `ssl_session_ticket_key` files (static unless replaced from outside), or with no
  key file before 1.23.2 or without a shared `ssl_session_cache` (a random key kept until
  restart);
- Dovecot, whose login processes keep one key for their lifetime, when `imap-login` /
  `pop3-login` serve many connections (`service_count = 0` in 2.3, `restart_request_count` in
  2.4);
- Envoy `session_ticket_keys`;
- automatic rotation slower than the policy's `max-key-age` (Postfix rotates every half
  `smtpd_tls_session_cache_timeout`).

## Why is this bad
Every TLS 1.2 session resumed from a ticket is encrypted under the ticket key: whoever obtains
that key decrypts all recorded sessions it covered, undoing forward secrecy. RFC 9325 §3.4:
ticket-encryption keys MUST be changed regularly, e.g. once every week. Mozilla's generator
turns tickets off for nginx older than 1.23.2.

## Example
```nginx
ssl_session_tickets on;
ssl_session_ticket_key /etc/nginx/ticket.key;
```

## Fix
Use nginx 1.23.2 or newer with `ssl_session_cache shared:SSL:10m;` and no key file (keys
rotate automatically), rotate key files from a timer, or `ssl_session_tickets off;`.";
