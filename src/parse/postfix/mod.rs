//! Postfix: `main.cf` with its sibling `master.cf`, read into TLS endpoints.
//!
//! `main.cf` is the entry; `master.cf` next to it (same name prefix: `dms-main.cf` ↔
//! `dms-master.cf`) is read with it and is never an entry of its own. Endpoints:
//! `main.cf smtpd` (server), `main.cf smtp` (client), and one per master.cf `smtpd`/`smtp`
//! service whose `-o` overrides touch TLS or SASL (or that is a submission service).
//! Layers: `text` (mapped strings) → `syntax` (logical lines, rows) → `expand` (`$name`)
//! → `scope` (override/main/default lookup) → `extract` (effective policy).

mod expand;
mod extract;
mod params;
mod scope;
mod syntax;
mod text;
pub mod view;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::{Options, ParseError, Parsed, load};
use crate::escape::short;
use crate::model::{Model, Observation, ObservationKind, Side};
use crate::source::{FileId, SourceFile, Sources, Span};
use expand::Budget;
use scope::Scope;
use syntax::{Def, Problem, Service};

/// Common main.cf parameter names: two or more of them make a `*main.cf` file Postfix's.
const COMMON: &[&str] = &[
    "myhostname",
    "mydomain",
    "myorigin",
    "mydestination",
    "mynetworks",
    "inet_interfaces",
    "inet_protocols",
    "relayhost",
    "alias_maps",
    "alias_database",
    "compatibility_level",
    "smtpd_banner",
    "biff",
    "append_dot_mydomain",
    "readme_directory",
    "queue_directory",
    "command_directory",
    "daemon_directory",
    "data_directory",
    "mail_owner",
    "recipient_delimiter",
    "mailbox_size_limit",
    "message_size_limit",
    "smtpd_relay_restrictions",
    "virtual_transport",
    "smtpd_tls_security_level",
    "smtpd_tls_cert_file",
    "smtp_tls_security_level",
];

/// True when the text looks like a Postfix `main.cf`: `name = value` lines using at least
/// two well-known parameter names (or one TLS one).
pub fn looks_like(text: &str) -> bool {
    let mut hits = 0;
    for line in text.lines().take(2000) {
        let Some((name, _)) = line.split_once('=') else {
            continue;
        };
        let name = name.trim_end();
        if name.starts_with(|c: char| c.is_ascii_whitespace() || c == '#') {
            continue;
        }
        if COMMON.contains(&name) || params::known_tls_params().any(|k| k == name) {
            hits += 1;
            if hits >= 2 {
                return true;
            }
        }
    }
    false
}

/// True for a file name Postfix's `main.cf` may have (`main.cf`, `dms-main.cf`).
pub fn is_main_name(name: &str) -> bool {
    name.ends_with("main.cf")
}

/// The sibling with `from` replaced by `to` at the end of the file name.
fn sibling(path: &Path, from: &str, to: &str) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    let stem = name.strip_suffix(from)?;
    Some(path.with_file_name(format!("{stem}{to}")))
}

/// Parses a `main.cf` (and its sibling `master.cf` when present). Given a `master.cf`,
/// parses its sibling `main.cf` instead.
pub fn parse(path: &Path, sources: &mut Sources, options: &Options) -> Parsed {
    let options = &*crate::parse::confined_for(options, path);
    let mut parsed = Parsed::default();
    let gateway = &options.gateway;
    // A `master.cf` without a `main.cf` beside it (a fragment named on its own): its
    // `-o` overrides are judged, and what `main.cf` could set is unknown.
    let lone_master = path
        .file_name()
        .is_some_and(|n| n.to_string_lossy().ends_with("master.cf"))
        && !sibling(path, "master.cf", "main.cf").is_some_and(|m| gateway.is_file(&m));
    if lone_master {
        return lone_master_cf(path, sources, options);
    }
    let main_path = match sibling(path, "master.cf", "main.cf") {
        Some(main) if gateway.is_file(&main) => main,
        _ => path.to_path_buf(),
    };
    let main = match load(&main_path, sources, options) {
        Ok(id) => id,
        Err(e) => {
            parsed.files.push(e.span.file);
            parsed.errors.push(e);
            return parsed;
        }
    };
    parsed.files.push(main);
    // The sibling `master.cf` goes through the gateway like any file: a committed
    // `master.cf -> /proc/self/environ` is a note, never read.
    let mut notes = Vec::new();
    let master = sibling(&main_path, "main.cf", "master.cf").and_then(|p| {
        match sources.load_included(&p, gateway) {
            Ok(id) => Some(id),
            Err(crate::gateway::Refusal::Missing { dangling: false }) => None,
            Err(why) if crate::parse::is_unseen(&why) => {
                notes.push(crate::parse::refused_note(
                    Span::new(main, 0, 0),
                    &p,
                    &why,
                    "its service overrides",
                ));
                None
            }
            Err(why) => {
                parsed.errors.push(ParseError::new(
                    Span::new(main, 0, 0),
                    crate::parse::refused_message(&p, &why),
                ));
                None
            }
        }
    });
    parsed.files.extend(master);
    let main_text = sources.get(main).text.clone();
    let (defs, problems) = syntax::main_cf(main, &main_text);
    let mut report = problems;
    let (services, master_problems) = match master {
        Some(id) => {
            let text = sources.get(id).text.clone();
            syntax::master_cf(id, &text)
        }
        None => (Vec::new(), Vec::new()),
    };
    report.extend(master_problems);
    let mut model = Model::default();
    for p in report {
        let file = sources.get(p.span.file);
        problem(p, file, &mut parsed.errors, &mut model);
    }
    let input = Input {
        main,
        defs: &defs,
        services: &services,
        options,
    };
    let (m, errors) = input.extract();
    model.extend(m);
    parsed.model = model;
    parsed.model.observations.extend(notes);
    parsed.errors.extend(errors);
    parsed
}

/// A `master.cf` read without its `main.cf`: an empty `main.cf` stands in for the missing
/// one, the endpoints that only `main.cf` defines are dropped, and every setting a service
/// does not override is unknown (snippet endpoints).
fn lone_master_cf(path: &Path, sources: &mut Sources, options: &Options) -> Parsed {
    let mut parsed = Parsed::default();
    let master = match sources.load(path, &options.gateway) {
        Ok(id) => id,
        Err(why) => {
            let file = sources.placeholder(path);
            parsed.files.push(file);
            parsed.errors.push(ParseError::new(
                Span::new(file, 0, 0),
                crate::parse::refused_message(path, &why),
            ));
            return parsed;
        }
    };
    parsed.files.push(master);
    let stand_in = sources.add(
        path.with_file_name("main.cf"),
        "main.cf (not in the tree)".to_owned(),
        "",
    );
    let text = sources.get(master).text.clone();
    let (services, problems) = syntax::master_cf(master, &text);
    let mut model = Model::default();
    for p in problems {
        let file = sources.get(p.span.file);
        problem(p, file, &mut parsed.errors, &mut model);
    }
    let input = Input {
        main: stand_in,
        defs: &[],
        services: &services,
        options,
    };
    let (mut m, errors) = input.extract();
    // Observations and endpoints of the stand-in main.cf say nothing about the tree.
    let keep: Vec<bool> = m.endpoints.iter().map(|e| e.span.file == master).collect();
    let mut index = Vec::with_capacity(keep.len());
    let mut next = 0;
    for &k in &keep {
        index.push(k.then(|| {
            next += 1;
            next - 1
        }));
    }
    let mut kept = keep.iter();
    m.endpoints
        .retain(|_| kept.next().copied().unwrap_or(false));
    m.observations.retain(|o| o.span.file == master);
    for o in &mut m.observations {
        o.endpoint = o.endpoint.and_then(|i| index.get(i).copied().flatten());
    }
    for e in &mut m.endpoints {
        e.handshake_default = None;
        crate::parse::unknown::as_snippet(e, Span::new(master, 0, 0), options.strict_unknown);
    }
    model.extend(m);
    parsed.model = model;
    parsed
        .errors
        .extend(errors.into_iter().filter(|e| e.span.file == master));
    parsed
}

/// A syntax problem: fatal ones stop Postfix (parse errors), warnings are observations.
fn problem(p: Problem, text: &SourceFile, errors: &mut Vec<ParseError>, model: &mut Model) {
    if p.fatal {
        errors.push(ParseError::new(p.span, p.message));
    } else {
        let key = format!("postfix/syntax/{}", text.slice(p.span).trim());
        model
            .observations
            .push(Observation::new(ObservationKind::Ineffective, p.span, p.message).key(key));
    }
}

struct Input<'a> {
    main: FileId,
    defs: &'a [Def],
    services: &'a [Service],
    options: &'a Options,
}

/// Names referenced as `$name`, `${name...}` or `$(name...)` anywhere.
fn referenced<'a>(values: impl Iterator<Item = &'a str>) -> HashSet<String> {
    let mut out = HashSet::new();
    for v in values {
        let b = v.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i] != b'$' {
                i += 1;
                continue;
            }
            let mut j = i + 1;
            while j < b.len() && matches!(b[j], b'{' | b'(' | b' ' | b'\t') {
                j += 1;
            }
            let start = j;
            while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                j += 1;
            }
            if j > start {
                out.insert(v[start..j].to_owned());
            }
            i = j.max(i + 1);
        }
    }
    out
}

/// Does a service's override list make it an endpoint of its own?
fn touches(side: Side, service: &Service) -> bool {
    let p = match side {
        Side::Server => "smtpd_",
        Side::Client => "smtp_",
    };
    service.overrides.iter().any(|d| {
        let n = d.name.as_str();
        (params::looks_tls(n) && (n.starts_with(p) || n.starts_with("tls_")))
            || (side == Side::Server && n == "smtpd_sasl_auth_enable")
    })
}

/// An endpoint built from a master.cf service, with its index in the model.
struct ServiceOut {
    built: Option<extract::Built>,
    observations: Vec<Observation>,
}

impl Input<'_> {
    fn extract(&self) -> (Model, Vec<ParseError>) {
        let mut model = Model::default();
        let mut errors = Vec::new();
        let main = self.last_definitions(&mut model);
        let refs = referenced(
            self.defs
                .iter()
                .chain(self.services.iter().flat_map(|s| &s.overrides))
                .map(|d| d.value.text.as_str()),
        );
        let budget = Budget::default();
        let scope = self.scope(&main, None, &budget);
        let header = |name: &str| {
            main.get(name)
                .map_or(Span::new(self.main, 0, 0), |d| d.name_span)
        };
        for (side, daemon) in [(Side::Server, "smtpd"), (Side::Client, "smtp")] {
            let b = extract::endpoint(
                &scope,
                side,
                format!("main.cf {daemon}"),
                format!("postfix/main.cf/{daemon}"),
                header(&format!("{daemon}_tls_security_level")),
            );
            push_built(&mut model, b);
        }
        expansion_errors(&scope, &mut errors);
        let postfix = self.options.targets.postfix;
        for d in self.defs.iter().filter(|d| {
            main.get(d.name.as_str())
                .is_some_and(|l| std::ptr::eq(*l, *d))
        }) {
            let endpoint = if d.name.starts_with("smtpd_") {
                Some(0)
            } else if d.name.starts_with("smtp_") {
                Some(1)
            } else {
                None
            };
            let key = format!("postfix/main.cf/{}", d.name);
            if let Some(o) = inline_comment(d, &key) {
                model.observations.push(o.endpoint_opt(endpoint));
            }
            let referenced = refs.contains(&d.name);
            if let Some(o) =
                extract::name_observations(&d.name, d.name_span, postfix, referenced, &key)
            {
                model.observations.push(o.endpoint_opt(endpoint));
            }
        }
        // master(8) keeps the last row per service name and type.
        let mut last: HashMap<(&str, &str), usize> = HashMap::new();
        for (i, s) in self.services.iter().enumerate() {
            last.insert((s.name.as_str(), s.kind.as_str()), i);
        }
        for (i, s) in self.services.iter().enumerate() {
            let later = last
                .get(&(s.name.as_str(), s.kind.as_str()))
                .filter(|&&j| j != i)
                .map(|&j| &self.services[j]);
            let out = self.service(&main, &refs, later, s, &budget, &mut errors);
            let idx = out.built.map(|b| push_built(&mut model, b));
            for o in out.observations {
                let o = if o.endpoint.is_none() {
                    o.endpoint_opt(idx)
                } else {
                    o
                };
                model.observations.push(o);
            }
        }
        limit_errors(&budget, self.main, &mut errors);
        (model, errors)
    }

    /// main.cf's last definition per name; earlier TLS ones are reported as overridden.
    fn last_definitions(&self, model: &mut Model) -> HashMap<&str, &Def> {
        let mut main: HashMap<&str, &Def> = HashMap::new();
        for d in self.defs {
            if let Some(old) = main.insert(d.name.as_str(), d)
                && params::looks_tls(&d.name)
            {
                let o = Observation::new(
                    ObservationKind::Ineffective,
                    old.name_span,
                    format!(
                        "`{}` is defined again later; the last definition wins",
                        d.name
                    ),
                )
                .label(d.name_span, "overriding definition")
                .key(format!("postfix/main.cf/{}/overridden", d.name));
                model.observations.push(o);
            }
        }
        main
    }

    fn scope<'m>(
        &self,
        main: &'m HashMap<&'m str, &'m Def>,
        service: Option<String>,
        budget: &'m Budget,
    ) -> Scope<'m> {
        Scope {
            main,
            overrides: HashMap::new(),
            service,
            postfix: self.options.targets.postfix,
            openssl: self.options.targets.openssl,
            budget,
        }
    }

    /// One master.cf row: an endpoint when it is an `smtpd`/`smtp` service that touches
    /// TLS or SASL (or is a submission service), plus observations on its overrides.
    fn service(
        &self,
        main: &HashMap<&str, &Def>,
        refs: &HashSet<String>,
        later: Option<&Service>,
        s: &Service,
        budget: &Budget,
        errors: &mut Vec<ParseError>,
    ) -> ServiceOut {
        let mut out = ServiceOut {
            built: None,
            observations: Vec::new(),
        };
        if let Some(later) = later {
            let o = Observation::new(
                ObservationKind::Ineffective,
                s.header,
                format!(
                    "duplicate master.cf entry for service `{}/{}`: master(8) uses the last one",
                    s.name, s.kind
                ),
            )
            .label(later.header, "the entry in use")
            .key(format!("postfix/master.cf/{}/{}/duplicate", s.name, s.kind));
            out.observations.push(o);
            return out;
        }
        // Only the SMTP server and client have endpoints; other daemons (postscreen,
        // tlsproxy, lmtp) are out of scope here.
        let side = if s.command == "smtp" {
            Side::Client
        } else {
            Side::Server
        };
        let is_daemon = matches!(s.command.as_str(), "smtpd" | "smtp");
        let svc = format!("{}/{}", s.name, s.kind);
        let key = format!("postfix/master.cf/{svc}");
        let mut scope = self.scope(main, Some(svc.clone()), budget);
        for d in &s.overrides {
            scope.overrides.insert(d.name.as_str(), d);
        }
        let submission = matches!(
            s.name.rsplit(':').next().unwrap_or(""),
            "submission" | "submissions" | "smtps" | "587" | "465"
        );
        if is_daemon && (touches(side, s) || (side == Side::Server && submission)) {
            out.built = Some(extract::endpoint(
                &scope,
                side,
                format!("master.cf {svc}"),
                key.clone(),
                s.header,
            ));
            expansion_errors(&scope, errors);
        }
        let postfix = self.options.targets.postfix;
        for d in &s.overrides {
            let okey = format!("{key}/{}", d.name);
            if let Some(o) = extract::name_observations(
                &d.name,
                d.name_span,
                postfix,
                refs.contains(&d.name),
                &okey,
            ) {
                out.observations.push(o);
            }
            if matches!(
                d.name.as_str(),
                "smtpd_tls_session_cache_timeout" | "smtpd_tls_session_cache_database"
            ) {
                let o = Observation::new(
                    ObservationKind::Ineffective,
                    d.name_span,
                    format!("`{}` is used by tlsmgr(8), which reads main.cf only; this override has no effect", d.name),
                )
                .help("set it in main.cf")
                .key(format!("{okey}/ineffective"));
                out.observations.push(o);
            }
        }
        out
    }
}

/// A `#` after text in a TLS parameter's value: Postfix has no inline comments, so it is
/// part of the value (3.8+ warns "#comment after other text is not allowed").
fn inline_comment(d: &Def, key: &str) -> Option<Observation> {
    if !params::looks_tls(&d.name) {
        return None;
    }
    let t = &d.value.text;
    let at = t
        .char_indices()
        .find(|&(i, c)| c == '#' && i > 0 && t[..i].ends_with(text::is_space))?
        .0;
    let span = d.value.cover(at..t.len())?;
    Some(
        Observation::new(
            ObservationKind::InvalidValue,
            span,
            format!(
                "`{}` is part of the value of `{}`: Postfix has no comments after a value",
                t[at..].trim_end(),
                d.name
            ),
        )
        .help("move the comment to a line of its own")
        .key(format!("{key}/inline-comment")),
    )
}

/// Appends an endpoint and its observations; returns the endpoint's index.
fn push_built(model: &mut Model, b: extract::Built) -> usize {
    let idx = model.endpoints.len();
    model.endpoints.push(b.endpoint);
    for o in b.observations {
        model.observations.push(o.endpoint_opt(Some(idx)));
    }
    idx
}

/// Expansion failures in TLS parameters the endpoint reads (Postfix: "macro processing
/// error", fatal).
fn expansion_errors(scope: &Scope<'_>, errors: &mut Vec<ParseError>) {
    let mut names: Vec<&str> = scope
        .main
        .keys()
        .chain(scope.overrides.keys())
        .copied()
        .collect();
    names.sort_unstable();
    names.dedup();
    for name in names {
        if !params::looks_tls(name) {
            continue;
        }
        let v = scope.get(name);
        if let (Some(err), Some(span)) = (v.error, v.span) {
            if errors.iter().any(|e: &ParseError| e.span == span) {
                continue;
            }
            errors.push(ParseError::new(
                span,
                format!("cannot expand `{}`: {err}", short(name)),
            ));
        }
    }
}

/// Expansions stopped by one of tlslint's work limits, for parameters `expansion_errors`
/// did not already report (those read by extraction but not TLS-named): the values read
/// would be incomplete, so the file cannot be vouched for.
fn limit_errors(budget: &Budget, main: FileId, errors: &mut Vec<ParseError>) {
    for (name, span, err) in budget.tripped() {
        let span = span.unwrap_or(Span::new(main, 0, 0));
        if errors.iter().any(|e| e.span == span) {
            continue;
        }
        errors.push(
            ParseError::new(span, format!("cannot expand `{name}`: {err}"))
                .help("write the value out instead of building it from nested `$name` references"),
        );
    }
}

/// Attaches an optional endpoint index.
trait EndpointOpt {
    fn endpoint_opt(self, idx: Option<usize>) -> Self;
}

impl EndpointOpt for Observation {
    fn endpoint_opt(mut self, idx: Option<usize>) -> Self {
        self.endpoint = idx;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_main_cf_text() {
        assert!(looks_like(
            "myhostname = a\nsmtpd_tls_security_level = may\n"
        ));
        assert!(!looks_like("server {\n listen 443;\n}\n"));
        assert!(!looks_like("# myhostname = a\n"));
        assert!(is_main_name("dms-main.cf"));
        assert_eq!(
            sibling(Path::new("/x/dms-main.cf"), "main.cf", "master.cf"),
            Some(PathBuf::from("/x/dms-master.cf"))
        );
    }

    #[test]
    fn references_are_collected() {
        let r = referenced(
            ["a $b ${c?x} $(d) ${ e } $$f".to_owned()]
                .iter()
                .map(String::as_str),
        );
        for n in ["b", "c", "d", "e", "f"] {
            assert!(r.contains(n), "{n}");
        }
    }
}
