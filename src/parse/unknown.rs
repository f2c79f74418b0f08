//! Settings an unread include may set: the model's third state besides "written" and
//! "the program's default". The dialect extractors find which include may set which setting
//! (each by its program's rules of precedence); this module turns that into the endpoint's
//! [`Unknown`] list and into the words of the include's one `outside-root` note.

use std::collections::HashMap;

use crate::model::{Endpoint, Observation, TlsSettings, Unknown, setting_words};
use crate::source::Span;

/// Finds the settings of `tls` that an unread include may set: `over(directive)` names the
/// include (its span and how it is written) that may set `directive` for this endpoint.
/// `certificate` is the directive that names the certificate.
///
/// Unless `strict`, those settings are dropped from `tls` (checks do not judge them) and
/// returned; with `strict` they keep their values, with a note saying what was assumed.
pub(crate) fn mark(
    tls: &mut TlsSettings,
    certificate: &str,
    strict: bool,
    over: &mut dyn FnMut(&str) -> Option<(Span, String)>,
) -> Vec<Unknown> {
    let mut found: Vec<Unknown> = Vec::new();
    for (setting, s) in tls.each_mut() {
        let Some(s) = s else { continue };
        let Some(directive) = s.directive_name().cloned() else {
            continue;
        };
        let Some((source, written)) = over(&directive) else {
            continue;
        };
        if strict {
            s.note_that(format!(
                "`{written}` was not read and may set `{directive}`; judged as if it does not (--strict-unknown)"
            ));
        }
        found.push(Unknown {
            setting,
            directive,
            source,
        });
    }
    if tls.certificates.is_empty()
        && let Some((source, _)) = over(certificate)
    {
        found.push(Unknown {
            setting: "certificates",
            directive: certificate.into(),
            source,
        });
    }
    if strict {
        return Vec::new();
    }
    for u in &found {
        tls.forget(u.setting);
    }
    found
}

/// The endpoints each unread include leaves settings unknown in, by the include's span.
pub(crate) fn affected(endpoints: &[Endpoint]) -> HashMap<Span, Vec<usize>> {
    let mut by: HashMap<Span, Vec<usize>> = HashMap::new();
    for (i, e) in endpoints.iter().enumerate() {
        let mut last = None;
        for u in &e.unknown {
            if last != Some(u.source) {
                by.entry(u.source).or_default().push(i);
                last = Some(u.source);
            }
        }
    }
    by
}

/// What the note of the unread include at `include` adds to "… was not read": which
/// settings of which endpoints it leaves unknown. `program` names whose defaults
/// `--strict-unknown` assumes.
pub(crate) fn clause(
    endpoints: &[Endpoint],
    affected: &HashMap<Span, Vec<usize>>,
    include: Span,
    program: &str,
    strict: bool,
) -> String {
    let Some((&first, rest)) = affected.get(&include).and_then(|a| a.split_first()) else {
        return if strict {
            format!("; {program}'s defaults are assumed for what it may set (--strict-unknown)")
        } else {
            String::new()
        };
    };
    let e = &endpoints[first];
    let others = match rest.len() {
        0 => String::new(),
        1 => " and 1 more endpoint".to_owned(),
        n => format!(" and {n} more endpoints"),
    };
    format!(
        "; it may set {} of {}{others}, so these are not judged",
        words(e, include),
        e.name
    )
}

/// How a note of an unread include ends before [`describe`] says more.
const UNSEEN: &str = "; the settings it holds could not be seen";

/// Adds the [`clause`] to each note of an unread include (by its span), the endpoint it
/// concerns when it concerns one, and the help that says how to read it.
pub(crate) fn describe(
    notes: &mut [Observation],
    endpoints: &[Endpoint],
    program: &str,
    strict: bool,
) {
    let affected = affected(endpoints);
    for o in notes {
        let clause = clause(endpoints, &affected, o.span, program, strict);
        if !clause.is_empty()
            && let Some(read) = o.message.strip_suffix(UNSEEN)
        {
            o.message = read.to_owned();
        }
        o.message.push_str(&clause);
        if let Some([only]) = affected.get(&o.span).map(Vec::as_slice) {
            o.endpoint = Some(*only);
        }
        o.help = Some(help(program));
    }
}

/// How to read an unread include, or to judge without it.
pub(crate) fn help(program: &str) -> String {
    format!(
        "map the deploy path into the repository with `--map DEPLOY=DIR` (or `[paths]` in \
         .tlslint.toml), or pass --allow-outside-root to read it; `--strict-unknown` judges \
         {program}'s defaults in its place"
    )
}

/// The settings one unread include leaves unknown, in words: `the cipher suites and ticket
/// keys`, or `every TLS setting but the protocols` when few are known.
fn words(e: &Endpoint, include: Span) -> String {
    let mine: Vec<&Unknown> = e.unknown.iter().filter(|u| u.source == include).collect();
    let known: Vec<&str> = e.tls.present().into_iter().map(setting_words).collect();
    if known.len() <= 2 && mine.len() > 2 {
        return if known.is_empty() {
            "every TLS setting".to_owned()
        } else {
            format!(
                "every TLS setting but the {}",
                crate::diagnostic::and_list(&known)
            )
        };
    }
    let words: Vec<&str> = mine.iter().map(|u| setting_words(u.setting)).collect();
    format!("the {}", crate::diagnostic::and_list(&words))
}
