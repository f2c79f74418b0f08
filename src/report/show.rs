//! `tlslint show --format human`: every endpoint's effective TLS settings as plain text, one
//! block per endpoint, each value followed by where it comes from (set at `file:line`,
//! inherited from `file:line`, the program's default, or unknown because of an unread
//! include).
//!
//! Suites are counted by class (a line of its own under the count), from the suite table's own attributes (the tags
//! `tlslint ciphers -v` prints): weak (NULL, anonymous, RC4, DES, 3DES, MD5), without
//! forward secrecy, forward-secret CBC, forward-secret AEAD. The lists are what a client can
//! negotiate where tlslint models the TLS library (OpenSSL), else as configured, as
//! `show --format json` has them.
//!
//! Every line is plain text, escaped like the other terminal formats (names, file names and
//! values come from the input) and filled to the width at spaces. The JSON form is
//! `report::json::emit_model`; this one is for reading, not parsing.

use std::io::{self, Write};

use super::human::fill;
use super::shown;
use crate::cipher::{self, Profile, Suite};
use crate::escape;
use crate::model::{Ciphers, Endpoint, Model, Origin, Setting, Side, TicketKeys, TlsMode};
use crate::source::{Sources, Span};

/// Columns of the row names (`protocols`, `TLS 1.3`, ...) and the space after them.
const NAME_COLUMNS: usize = 12;

/// Writes one block per endpoint, blocks separated by an empty line.
pub fn emit(
    model: &Model,
    sources: &Sources,
    profile: Profile,
    width: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    if model.endpoints.is_empty() {
        return writeln!(out, "no TLS endpoints found");
    }
    let cache = cipher::Cache::new();
    let indent = " ".repeat(NAME_COLUMNS + 2);
    let mut text = String::new();
    for (i, e) in model.endpoints.iter().enumerate() {
        text.clear();
        if i > 0 {
            text.push('\n');
        }
        text.push_str(&fill(&shown(&header(e)), width, "    "));
        text.push('\n');
        for (name, lines) in rows(e, sources, &cache, profile) {
            for (j, line) in lines.iter().enumerate() {
                let name = if j == 0 { name } else { "" };
                let row = format!("  {name:<NAME_COLUMNS$}{}", shown(line));
                text.push_str(&fill(&row, width, &indent));
                text.push('\n');
            }
        }
        out.write_all(escape::guard_lines(&text).as_bytes())?;
    }
    Ok(())
}

/// `server a.example:443 (nginx, server side)`.
fn header(e: &Endpoint) -> String {
    let program = match &e.app {
        Some(app) => format!("{} {app}", e.dialect.as_str()),
        None => e.dialect.as_str().to_owned(),
    };
    let side = match e.side {
        Side::Server => "server",
        Side::Client => "client",
    };
    format!("{} ({program}, {side} side)", e.name)
}

/// A row: its name and its lines (the value, then where it comes from).
type Row = (&'static str, Vec<String>);

fn rows(e: &Endpoint, sources: &Sources, cache: &cipher::Cache, profile: Profile) -> Vec<Row> {
    let tls = &e.tls;
    let mut rows: Vec<Row> = vec![("file", vec![at(sources, e.span)])];
    if !e.sockets.is_empty() {
        rows.push(("sockets", vec![e.sockets.join(", ")]));
    }
    if !e.server_names.is_empty() {
        rows.push(("names", vec![e.server_names.join(", ")]));
    }
    if let Some(mode) = &tls.mode {
        let value = match mode.value {
            TlsMode::Off => "off",
            TlsMode::Optional => "optional",
            TlsMode::Required => "required",
        };
        rows.push(("TLS", with_origin(value.to_owned(), mode, sources)));
    }
    rows.push(("protocols", protocols(e, sources)));
    rows.push(("suites", suites(e, sources, cache, profile)));
    if let Some(row) = tls13(e, sources) {
        rows.push(("TLS 1.3", row));
    }
    rows.push(("curves", curves(e, sources)));
    if tls.session_tickets.is_some() || unknown(e, "session_tickets", sources).is_some() {
        rows.push(("tickets", tickets(e, sources)));
    }
    if let Some(level) = &tls.security_level {
        rows.push((
            "sec. level",
            with_origin(level.value.to_string(), level, sources),
        ));
    }
    let shown_rows = [
        "protocols",
        "ciphers",
        "ciphersuites",
        "curves",
        "session_tickets",
        "ticket_keys",
    ];
    for u in e
        .unknown
        .iter()
        .filter(|u| !shown_rows.contains(&u.setting))
    {
        rows.push((
            "unknown",
            vec![format!(
                "{}: the include at {} may set `{}`",
                crate::model::setting_words(u.setting),
                at(sources, u.source),
                u.directive
            )],
        ));
    }
    match &e.negotiable {
        Some(n) => {
            if let Some(refused) = &n.refused {
                rows.push(("refused", vec![refused.clone()]));
            }
            for why in &n.upper_bound {
                rows.push(("note", vec![format!("may hold more: {why}")]));
            }
        }
        None if !e.unknown.is_empty() => rows.push((
            "note",
            vec![
                "the lists are as configured: an unread include may change what a client can \
                 negotiate"
                    .to_owned(),
            ],
        )),
        None => rows.push((
            "note",
            vec!["not modelled for this program: the lists are as configured".to_owned()],
        )),
    }
    rows
}

/// `file:line` of a span.
fn at(sources: &Sources, span: Span) -> String {
    let file = &sources.get(span.file).name;
    format!("{}:{}", file, sources.start(span).line)
}

/// A value, then a line saying where it comes from (and the setting's note, if any).
fn with_origin<T>(value: String, setting: &Setting<T>, sources: &Sources) -> Vec<String> {
    let mut lines = vec![value, origin(setting, sources)];
    if let Some(note) = setting.note() {
        lines.push(format!("({note})"));
    }
    lines
}

fn origin<T>(setting: &Setting<T>, sources: &Sources) -> String {
    let place = setting.span.map(|s| at(sources, s));
    match (&setting.origin, place) {
        (Origin::Set, Some(p)) => format!("set at {p}"),
        (Origin::Set, None) => "set".to_owned(),
        (Origin::Inherited, Some(p)) => format!("inherited from {p}"),
        (Origin::Inherited, None) => "inherited".to_owned(),
        (Origin::Default { assumed }, _) => format!("default: {assumed}"),
    }
}

/// The row of a setting an unread include may set, if it is one.
fn unknown(e: &Endpoint, setting: &str, sources: &Sources) -> Option<Vec<String>> {
    let u = e.unknown.iter().find(|u| u.setting == setting)?;
    Some(vec![
        "unknown".to_owned(),
        format!(
            "the include at {} may set `{}` (not read)",
            at(sources, u.source),
            u.directive
        ),
    ])
}

fn protocols(e: &Endpoint, sources: &Sources) -> Vec<String> {
    let Some(p) = &e.tls.protocols else {
        return unknown(e, "protocols", sources).unwrap_or_else(|| vec!["not set".to_owned()]);
    };
    let list = |v: &[crate::model::Protocol]| {
        if v.is_empty() {
            "none".to_owned()
        } else {
            v.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(", ")
        }
    };
    let value = match &e.negotiable {
        Some(n) if n.protocols != p.value => {
            format!("{} (configured: {})", list(&n.protocols), list(&p.value))
        }
        Some(n) => list(&n.protocols),
        None => list(&p.value),
    };
    with_origin(value, p, sources)
}

fn suites(e: &Endpoint, sources: &Sources, cache: &cipher::Cache, profile: Profile) -> Vec<String> {
    let Some(c) = &e.tls.ciphers else {
        return unknown(e, "ciphers", sources).unwrap_or_else(|| vec!["not set".to_owned()]);
    };
    // Negotiable where modelled; the configured list otherwise (or when an unread source
    // may decide the rest, which leaves the negotiable lists empty).
    let configured = || match &c.value {
        Ciphers::OpenSsl(cs) => (
            classes(cache.expand(&cs.text, profile).suites.iter().copied()),
            0,
        ),
        Ciphers::List(names) => {
            let found: Vec<&'static Suite> = names
                .iter()
                .filter_map(|n| cipher::lookup(&n.name))
                .collect();
            let missing = names.len() - found.len();
            (classes(found.into_iter()), missing)
        }
    };
    let (headline, breakdown) = match &e.negotiable {
        Some(n) if !n.suites_unknown => {
            let (all, missing) = configured();
            let total = all.iter().sum::<usize>() + missing;
            let counts = classes(n.ciphers.iter().copied());
            let headline = if total == n.ciphers.len() {
                plural(n.ciphers.len(), "suite")
            } else {
                format!("{} negotiable of {total} configured", n.ciphers.len())
            };
            (headline, class_list(&counts, 0))
        }
        _ => {
            let (counts, missing) = configured();
            let total = counts.iter().sum::<usize>() + missing;
            (plural(total, "suite"), class_list(&counts, missing))
        }
    };
    let mut lines = with_origin(headline, c, sources);
    // The string as written (a default's words already quote it).
    if let Ciphers::OpenSsl(cs) = &c.value
        && !c.is_default()
        && let Some(origin) = lines.get_mut(1)
    {
        *origin = match cs.builtin.as_slice() {
            // What the program appends to every string (httpd's `:!aNULL:!eNULL:!EXP`) is
            // not quoted as written.
            [tail] if tail.start > 0 && tail.end == cs.text.len() => format!(
                "{origin}: `{}` (the program appends `{}`)",
                &cs.text[..tail.start],
                &cs.text[tail.start..]
            ),
            _ => format!("{origin}: `{}`", cs.text),
        };
    }
    if let Some(breakdown) = breakdown {
        lines.insert(1, breakdown);
    }
    lines
}

/// `1 suite`, `42 suites`, `none`.
fn plural(n: usize, what: &str) -> String {
    match n {
        0 => "none".to_owned(),
        1 => format!("1 {what}"),
        n => format!("{n} {what}s"),
    }
}

/// Suites per class: weak, without forward secrecy, forward-secret CBC (or other non-AEAD),
/// forward-secret AEAD; each suite in the first class that fits.
fn classes(suites: impl Iterator<Item = &'static Suite>) -> [usize; 4] {
    let mut counts = [0; 4];
    for s in suites {
        let class = if !s.weaknesses().is_empty() {
            0
        } else if !s.forward_secret() {
            1
        } else if !s.aead() {
            2
        } else {
            3
        };
        if let Some(c) = counts.get_mut(class) {
            *c += 1;
        }
    }
    counts
}

/// `14 forward-secret AEAD, 12 forward-secret CBC, 16 without forward secrecy`, best class
/// first; `None` when there are no suites.
fn class_list(counts: &[usize; 4], unknown_names: usize) -> Option<String> {
    let names = [
        "weak",
        "without forward secrecy",
        "forward-secret CBC",
        "forward-secret AEAD",
    ];
    let mut parts: Vec<String> = names
        .iter()
        .zip(counts)
        .rev()
        .filter(|(_, n)| **n > 0)
        .map(|(name, n)| format!("{n} {name}"))
        .collect();
    if unknown_names > 0 {
        parts.push(format!("{unknown_names} unknown to tlslint"));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

fn tls13(e: &Endpoint, sources: &Sources) -> Option<Vec<String>> {
    let Some(c) = &e.tls.ciphersuites else {
        return unknown(e, "ciphersuites", sources);
    };
    let names: Vec<String> = match &e.negotiable {
        Some(n) if !n.suites_unknown => n.ciphersuites.iter().map(ToString::to_string).collect(),
        _ => c.value.iter().map(|n| n.name.to_string()).collect(),
    };
    let value = if names.is_empty() {
        "none".to_owned()
    } else {
        format!(
            "{} suite{}: {}",
            names.len(),
            if names.len() == 1 { "" } else { "s" },
            names.join(", ")
        )
    };
    Some(with_origin(value, c, sources))
}

fn curves(e: &Endpoint, sources: &Sources) -> Vec<String> {
    match &e.tls.curves {
        Some(c) => {
            let names: Vec<&str> = c.value.iter().map(|n| n.name.as_ref()).collect();
            let value = if names.is_empty() {
                "none".to_owned()
            } else {
                names.join(", ")
            };
            with_origin(value, c, sources)
        }
        None => unknown(e, "curves", sources)
            .unwrap_or_else(|| vec!["not set (the TLS library's default groups)".to_owned()]),
    }
}

fn tickets(e: &Endpoint, sources: &Sources) -> Vec<String> {
    let Some(t) = &e.tls.session_tickets else {
        return unknown(e, "session_tickets", sources).unwrap_or_default();
    };
    if !t.value {
        return with_origin("off".to_owned(), t, sources);
    }
    let Some(keys) = &e.tls.ticket_keys else {
        let mut lines = with_origin("on".to_owned(), t, sources);
        if let Some(u) = unknown(e, "ticket_keys", sources) {
            lines.extend(u.into_iter().map(|l| format!("keys: {l}")));
        }
        return lines;
    };
    let how = match &keys.value {
        TicketKeys::Rotated {
            interval_secs: Some(s),
        } => format!("keys rotated every {}", duration(*s)),
        TicketKeys::Rotated {
            interval_secs: None,
        } => "keys rotated".to_owned(),
        TicketKeys::Files { files } => format!(
            "keys from {} file{} (static unless replaced from outside)",
            files.len(),
            if files.len() == 1 { "" } else { "s" }
        ),
        TicketKeys::UntilRestart => "one key made at start-up, kept until restart".to_owned(),
        TicketKeys::PerProcess { long_lived: true } => {
            "a key per process, processes long-lived".to_owned()
        }
        TicketKeys::PerProcess { long_lived: false } => "a key per process".to_owned(),
    };
    let mut lines = with_origin(format!("on, {how}"), t, sources);
    let keys_origin = origin(keys, sources);
    if lines.get(1) != Some(&keys_origin) {
        lines.push(format!("keys: {keys_origin}"));
    }
    if let Some(note) = keys.note() {
        lines.push(format!("({note})"));
    }
    lines
}

/// `30m`, `2h`, `1d`, `90s`.
fn duration(secs: u64) -> String {
    match secs {
        s if s > 0 && s % 86_400 == 0 => format!("{}d", s / 86_400),
        s if s > 0 && s % 3_600 == 0 => format!("{}h", s / 3_600),
        s if s > 0 && s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}
