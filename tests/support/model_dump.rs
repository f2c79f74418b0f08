//! A model as the parser snapshot tests write it: the JSON model, then what serde leaves
//! out (spans, directives, related places), errors and files. Shared by the Dovecot,
//! HAProxy and Apache parser tests (`#[path = "support/model_dump.rs"] mod model_dump;`).

use std::fmt::Write as _;

use tlslint::model::{Model, Setting};
use tlslint::parse::Parsed;
use tlslint::source::{Sources, Span};

/// `file:line:col `text`` of a span.
pub fn at(sources: &Sources, span: Span) -> String {
    let f = sources.get(span.file);
    let lc = sources.start(span);
    format!("{}:{}:{} `{}`", f.name, lc.line, lc.column, f.slice(span))
}

fn setting_line<T>(out: &mut String, sources: &Sources, field: &str, s: Option<&Setting<T>>) {
    let Some(s) = s else { return };
    let place = s.span.map_or_else(|| "-".to_owned(), |sp| at(sources, sp));
    let _ = write!(
        out,
        "  {field}: {} at {place}",
        s.directive.as_deref().unwrap_or("?")
    );
    for r in s.related() {
        let _ = write!(out, " [related {} {}]", at(sources, r.span), r.text);
    }
    out.push('\n');
}

/// Model as JSON plus the spans and directives serde skips, plus errors and files read.
/// `web` adds the settings of HTTPS servers (session lifetime, stapling, HSTS) and the
/// handshake default.
pub fn render(parsed: &Parsed, sources: &Sources, web: bool) -> String {
    let mut out = serde_json::to_string_pretty(&parsed.model).unwrap_or_default();
    out.push_str("\n--- spans\n");
    render_spans(&mut out, &parsed.model, sources, web);
    out.push_str("--- errors\n");
    for e in &parsed.errors {
        let _ = writeln!(out, "{}: {}", at(sources, e.span), e.message);
    }
    out.push_str("--- files\n");
    for f in &parsed.files {
        let _ = writeln!(out, "{}", sources.get(*f).name);
    }
    out
}

fn render_spans(out: &mut String, model: &Model, sources: &Sources, web: bool) {
    for e in &model.endpoints {
        let _ = writeln!(out, "{} at {}", e.key, at(sources, e.span));
        let t = &e.tls;
        setting_line(out, sources, "mode", t.mode.as_ref());
        setting_line(out, sources, "protocols", t.protocols.as_ref());
        setting_line(out, sources, "ciphers", t.ciphers.as_ref());
        if let Some(tlslint::model::Ciphers::OpenSsl(c)) = t.ciphers.as_ref().map(|c| &c.value) {
            for p in &c.pieces {
                let place = p.span.map_or_else(|| "-".to_owned(), |sp| at(sources, sp));
                let _ = writeln!(out, "    piece {:?} at {place}", p.range);
            }
        }
        setting_line(out, sources, "ciphersuites", t.ciphersuites.as_ref());
        setting_line(out, sources, "prefer", t.prefer_server_ciphers.as_ref());
        setting_line(out, sources, "compression", t.compression.as_ref());
        setting_line(out, sources, "tickets", t.session_tickets.as_ref());
        setting_line(out, sources, "ticket_keys", t.ticket_keys.as_ref());
        setting_line(out, sources, "curves", t.curves.as_ref());
        setting_line(out, sources, "dh", t.dh_params.as_ref());
        for c in &t.certificates {
            setting_line(out, sources, "certificate", Some(c));
        }
        setting_line(out, sources, "verify_peer", t.verify_peer.as_ref());
        if web {
            setting_line(out, sources, "session_timeout", t.session_timeout.as_ref());
            setting_line(out, sources, "stapling", t.ocsp_stapling.as_ref());
            setting_line(out, sources, "hsts", t.hsts.as_ref());
            if let Some(d) = e.handshake_default {
                let _ = writeln!(out, "  handshake default: endpoint {d}");
            }
        }
    }
    for o in &model.observations {
        let _ = writeln!(out, "observation {:?} at {}", o.kind, at(sources, o.span));
    }
}
