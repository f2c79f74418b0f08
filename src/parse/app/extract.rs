//! Field mapping: one located TLS block's values → the common [`TlsSettings`] model.
//!
//! Each description `[[field]]` names a model target, a path in the block and how the value
//! is written (vocabulary, list or split string, OpenSSL or BoringSSL cipher syntax).
//! Values the application would reject or silently ignore become `InvalidValue`
//! observations; absent values take the description's version-dependent defaults. Every
//! value keeps the exact span it is written at, each suite name its own.

use std::path::PathBuf;

use super::golang;
use super::jsse;
use super::path::{self, Match, Seg};
use super::rules::{AppRules, Field, Form, Library, Locate, OnUnknown, Target};
use super::tree::{Kind, Node, ScalarType};
use crate::escape::short;
use crate::model::{
    CipherString, Ciphers, Model, Named, Observation, ObservationKind, Origin, Protocol, Setting,
    TicketKeys, TlsMode, TlsSettings, Version,
};
use crate::source::Span;

/// The model targets a block is read for, in order.
const TARGETS: [Target; 11] = [
    Target::Protocols,
    Target::Ciphers,
    Target::Ciphersuites,
    Target::Curves,
    Target::SessionTickets,
    Target::EarlyData,
    Target::TicketKeys,
    Target::PreferServerCiphers,
    Target::VerifyPeer,
    Target::Certificates,
    Target::Mode,
];

/// The state of mapping one block.
pub(super) struct Fields<'a, 'm> {
    pub(super) rules: &'a AppRules,
    pub(super) loc: &'a Locate,
    pub(super) doc: &'a Node,
    pub(super) ctx: &'a Node,
    pub(super) first_capture: Option<&'a str>,
    pub(super) version: Option<Version>,
    /// The Go version, when the description's library is Go.
    pub(super) go: Version,
    /// The Java version, when the description's library is JSSE.
    pub(super) java: Version,
    /// Program versions (OpenSSL version and security level for OpenSSL-based apps).
    pub(super) targets: &'a crate::model::Targets,
    pub(super) index: usize,
    pub(super) model: &'m mut Model,
    /// Why the program refuses this block (a value it rejects): no check judges it then.
    pub(super) refusal: Option<String>,
    /// Why the program serves its TLS library's defaults instead of this block.
    pub(super) fallback: Option<String>,
    /// While applying the defaults of a dropped block: written values are not read.
    pub(super) ignore_written: bool,
}

/// A found field value.
struct Found<'a> {
    field: &'a Field,
    node: &'a Node,
    /// The key as written (for `.directive(..)` and messages).
    key: String,
}

/// The last key of a match path or pattern, as written.
fn last_key(m: &Match<'_>, field: &Field) -> String {
    // The concrete path quotes keys that contain dots: `a."x.y/z"`.
    let from_path = match m.path.strip_suffix('"') {
        Some(p) => p.rsplit('"').next().unwrap_or("").to_owned(),
        None => m.path.rsplit('.').next().unwrap_or("").to_owned(),
    };
    if from_path.is_empty() || from_path.ends_with(']') {
        pattern_key(field)
    } else {
        from_path
    }
}

fn pattern_key(field: &Field) -> String {
    field
        .path
        .segs
        .iter()
        .rev()
        .find_map(|s| match s {
            Seg::Key(k) => Some(k.clone()),
            _ => None,
        })
        .unwrap_or_default()
}

impl<'a> Fields<'a, '_> {
    fn endpoint_tls(&mut self) -> &mut TlsSettings {
        &mut self.model.endpoints[self.index].tls
    }

    fn find(&self, target: Target) -> Option<Found<'a>> {
        if self.ignore_written {
            return None;
        }
        let case = self.rules.key_case;
        self.rules
            .fields
            .iter()
            .filter(|f| f.target == target && self.applies(f) && !f.no_effect)
            .find_map(|f| {
                let start = if f.path.rooted { self.doc } else { self.ctx };
                let m = path::first(start, &f.path, case)?;
                if self.rules.empty_is_unset
                    && m.node
                        .scalar()
                        .is_some_and(|s| s.value.is_empty() || s.ty == ScalarType::Null)
                {
                    return None;
                }
                Some(Found {
                    field: f,
                    node: m.node,
                    key: last_key(&m, f),
                })
            })
    }

    /// The key a default would be written under, for help lines: the first field that
    /// takes a value, else the first presence flag.
    fn directive_for(&self, target: Target) -> Option<String> {
        let mut fields = self
            .rules
            .fields
            .iter()
            .filter(|f| f.target == target && self.applies(f));
        let first = fields.clone().next();
        fields
            .find(|f| f.form != Form::Present)
            .or(first)
            .map(pattern_key)
    }

    /// Whether a field belongs to this block: its field set, and its side when it has one.
    fn applies(&self, f: &Field) -> bool {
        f.set == self.loc.fields
            && f.side
                .is_none_or(|s| s == self.model.endpoints[self.index].side)
    }

    fn observe(
        &mut self,
        kind: ObservationKind,
        span: Span,
        key: &str,
        message: String,
        help: Option<String>,
    ) {
        let mut o = Observation::new(kind, span, message)
            .key(format!("{}/{key}", self.model.endpoints[self.index].key));
        o.help = help;
        o.endpoint = Some(self.index);
        self.model.observations.push(o);
    }

    /// What the program does with a bad value of `field`, in words, and records its
    /// consequence for the block (refused, or replaced by the library's defaults).
    fn behaviour(&mut self, field: &Field) -> String {
        let on = field.on_unknown_at(self.version);
        // Name the versions when the behaviour changed between them.
        let title = match field.on_unknown_before {
            None => self.rules.title.clone(),
            Some((v, _)) if on == field.on_unknown => format!("{} {v} and later", self.rules.title),
            Some((v, _)) => format!("{} before {v}", self.rules.title),
        };
        let words = match on {
            OnUnknown::Ignore => {
                format!("{title} silently ignores it and falls back to its default")
            }
            OnUnknown::Error => {
                format!("{title} rejects it and the configuration does not load")
            }
            OnUnknown::Refuse => format!(
                "{title} refuses to build this TLS configuration, so whatever uses it fails"
            ),
            OnUnknown::Defaults => format!(
                "{title} cannot build this TLS configuration and serves {} instead",
                self.library_defaults()
            ),
        };
        match on {
            OnUnknown::Ignore => {}
            OnUnknown::Error | OnUnknown::Refuse => {
                self.refusal.get_or_insert_with(|| words.clone());
            }
            OnUnknown::Defaults => {
                self.fallback.get_or_insert_with(|| words.clone());
            }
        }
        words
    }

    /// How messages name the defaults a dropped block is replaced by.
    fn library_defaults(&self) -> String {
        match self.rules.library {
            Some(Library::Go) => "Go's crypto/tls defaults".to_owned(),
            Some(Library::Jsse) => "the JDK's defaults".to_owned(),
            Some(Library::Boringssl | Library::Openssl) | None => {
                "its built-in defaults".to_owned()
            }
        }
    }

    pub(super) fn run(&mut self) {
        for f in &self.rules.fields {
            if !self.applies(f) {
                continue;
            }
            if let Some(msg) = &f.deprecated {
                let start = if f.path.rooted { self.doc } else { self.ctx };
                if let Some(m) = path::first(start, &f.path, self.rules.key_case) {
                    let span = m.key_span.unwrap_or(m.node.span);
                    let key = last_key(&m, f);
                    self.observe(ObservationKind::Deprecated, span, &key, msg.clone(), None);
                }
            }
        }
        self.fill();
        if let Some(why) = self.fallback.take() {
            self.serve_defaults(&why);
        }
        if let Some(why) = self.refusal.take() {
            self.model.endpoints[self.index].negotiable =
                Some(Box::new(crate::negotiate::Negotiable {
                    refused: Some(why),
                    ..crate::negotiate::Negotiable::default()
                }));
        }
    }

    /// Every setting from its field, or its default, then the TLS library's semantics.
    fn fill(&mut self) {
        self.versions();
        for t in TARGETS {
            match self.find(t) {
                Some(found) => self.apply(&found),
                None => self.default(t),
            }
        }
        match self.rules.library {
            Some(Library::Go | Library::Boringssl) => self.suite_protocols(),
            Some(Library::Jsse) => {
                self.jsse_suites();
                self.jsse_protocols();
            }
            Some(Library::Openssl) => self.openssl_protocols(),
            None => {}
        }
    }

    /// The program dropped the block: every setting is what it assumes when nothing is
    /// written, and the reason is noted on the protocols and suites.
    fn serve_defaults(&mut self, why: &str) {
        self.endpoint_tls().clone_from(&TlsSettings::default());
        self.ignore_written = true;
        self.fill();
        self.ignore_written = false;
        let go = match self.rules.library {
            Some(Library::Go) => format!(
                "; Go {} assumed, set another with --target go=X.Y",
                golang::short(self.go)
            ),
            Some(Library::Boringssl | Library::Jsse | Library::Openssl) | None => String::new(),
        };
        let tls = self.endpoint_tls();
        if let Some(p) = tls.protocols.as_mut() {
            p.set_note(why.to_owned());
        }
        if let Some(c) = tls.ciphers.as_mut() {
            c.set_note(format!("{why}{go}"));
        }
    }

    /// Checks that a value is written as a string where the application needs one.
    fn string_check(&mut self, found: &Found<'_>) {
        let Some(s) = found.node.scalar() else { return };
        if (found.field.strings_only || self.loc.strings_only)
            && !s.quoted
            && !matches!(s.ty, ScalarType::Str)
        {
            let what = match s.ty {
                ScalarType::Float | ScalarType::Int => "a YAML number",
                ScalarType::Bool => "a YAML boolean",
                ScalarType::Null => "null",
                _ => "not a string",
            };
            self.observe(
                ObservationKind::InvalidValue,
                found.node.value_span(),
                &found.key,
                format!(
                    "`{}` is {what} here, but {} expects a string for `{}`",
                    s.value, self.rules.title, found.key
                ),
                Some(format!(
                    "quote it: `{}: \"{}\"`",
                    short(&found.key),
                    short(&s.value)
                )),
            );
        }
    }

    /// Looks a token up in the field's vocabulary; reports it when unknown.
    fn lookup(&mut self, found: &Found<'_>, token: &str, span: Span) -> Option<String> {
        let Some(vname) = &found.field.vocab else {
            return Some(token.to_owned());
        };
        let vocab = self.rules.vocab.get(vname)?;
        if let Some(v) = vocab.get(token) {
            return Some(v.to_owned());
        }
        let spellings = vocab.spellings();
        let behaviour = self.behaviour(found.field);
        self.observe(
            ObservationKind::InvalidValue,
            span,
            &found.key,
            format!(
                "`{token}` is not a valid `{}` value; {behaviour}",
                found.key
            ),
            Some(format!("use one of: {spellings}")),
        );
        None
    }

    /// How the application spells the value of a single-token field, for fixes: only when
    /// the token's bytes are exactly its text (a fix replaces them).
    fn spelling(
        &self,
        found: &Found<'_>,
        minimum: bool,
    ) -> Option<std::sync::Arc<crate::model::Spelling>> {
        let s = found.node.scalar()?;
        s.exact?;
        let vocab = self.rules.vocab.get(found.field.vocab.as_deref()?)?;
        Some(std::sync::Arc::new(crate::model::Spelling {
            written: s.value.clone(),
            names: vocab
                .values
                .iter()
                .map(|(n, c)| (n.clone(), c.clone()))
                .collect(),
            minimum,
        }))
    }

    fn version_of(&mut self, found: &Found<'a>) -> Option<(Protocol, Span)> {
        self.string_check(found);
        let Some(s) = found.node.scalar() else {
            self.observe(
                ObservationKind::InvalidValue,
                found.node.span,
                &found.key,
                format!("`{}` takes a single version", found.key),
                None,
            );
            return None;
        };
        if s.ty == ScalarType::Null {
            return None;
        }
        let span = found.node.value_span();
        let canon = self.lookup(found, &s.value, span)?;
        Protocol::parse(&canon).map(|p| (p, span))
    }

    fn default_value(&self, target: Target) -> Option<&'a super::rules::Default> {
        let side = self.model.endpoints[self.index].side;
        self.rules.defaults.iter().find(|d| {
            d.target == target
                && d.side.is_none_or(|s| s == side)
                && d.name
                    .as_deref()
                    .is_none_or(|n| Some(n) == self.first_capture)
                && (d.locate.is_empty() || d.locate.contains(&self.loc.id))
                && d.since
                    .is_none_or(|v| self.version.is_none_or(|have| have >= v))
                && d.before
                    .is_none_or(|v| self.version.is_some_and(|have| have < v))
        })
    }

    /// Min/max versions (or a version set) → the enabled protocol list.
    fn versions(&mut self) {
        if let Some(found) = self.find(Target::Protocols) {
            self.protocol_set(&found);
            return;
        }
        if let Some(d) = self.default_value(Target::Protocols) {
            let list: Vec<Protocol> = d.value.iter().filter_map(|v| Protocol::parse(v)).collect();
            let mut s = Setting::defaulted(list, d.assumed.clone());
            if let Some(k) = self.directive_for(Target::Protocols) {
                s = s.directive(k);
            }
            self.endpoint_tls().protocols = Some(s);
            return;
        }
        let min = self.find(Target::MinVersion);
        let max = self.find(Target::MaxVersion);
        let min_v = min
            .as_ref()
            .and_then(|f| self.version_of(f).map(|v| (v, f.key.clone())));
        let max_v = max
            .as_ref()
            .and_then(|f| self.version_of(f).map(|v| (v, f.key.clone())));
        let spelling = min.as_ref().and_then(|f| self.spelling(f, true));
        let dmin = self.default_value(Target::MinVersion);
        let dmax = self.default_value(Target::MaxVersion);
        // A Go application that states no minimum of its own gets Go's, by Go version.
        let go_min = (dmin.is_none() && self.rules.library == Some(Library::Go))
            .then(|| golang::default_min(self.go, self.model.endpoints[self.index].side));
        let parse_d = |d: Option<&super::rules::Default>| {
            d.and_then(|d| d.value.first().and_then(|v| Protocol::parse(v)))
        };
        let supported = &self.rules.supported;
        let lo = min_v
            .as_ref()
            .map(|((p, _), _)| *p)
            .or_else(|| parse_d(dmin))
            .or_else(|| go_min.as_ref().map(|(p, _)| *p))
            .or_else(|| supported.first().copied());
        let hi = max_v
            .as_ref()
            .map(|((p, _), _)| *p)
            .or_else(|| parse_d(dmax))
            .or_else(|| supported.last().copied());
        let (Some(lo), Some(hi)) = (lo, hi) else {
            return;
        };
        let list: Vec<Protocol> = supported
            .iter()
            .copied()
            .filter(|p| *p >= lo && *p <= hi)
            .collect();
        let setting = match (&min_v, &max_v) {
            (Some(((_, span), key)), _) | (None, Some(((_, span), key))) => {
                if list.is_empty() {
                    self.observe(
                        ObservationKind::InvalidValue,
                        *span,
                        key,
                        format!(
                            "the minimum version {lo} is above the maximum {hi}; no version is left"
                        ),
                        None,
                    );
                }
                let mut s = Setting::set(list, *span).directive(key.clone());
                if let (Some(sp), true) = (spelling, min_v.is_some()) {
                    s = s.with_spelling(sp);
                }
                if min_v.is_none() {
                    let what = match (dmin, &go_min) {
                        (Some(d), _) => d.assumed.clone(),
                        (None, Some((_, assumed))) => assumed.clone(),
                        (None, None) => format!("lowest version {} supports", self.rules.title),
                    };
                    s = s.with_note(format!("minimum not set: {what}"));
                }
                s
            }
            (None, None) if dmin.is_none() && go_min.is_some() => {
                let assumed = go_min.map(|(_, a)| a).unwrap_or_default();
                let mut s = Setting::defaulted(list, assumed);
                if let Some(k) = self.directive_for(Target::MinVersion) {
                    s = s.directive(k);
                }
                s
            }
            (None, None) => {
                let Some(d) = dmin.or(dmax) else { return };
                let mut s = Setting::defaulted(list, d.assumed.clone());
                if let Some(k) = self.directive_for(Target::MinVersion) {
                    s = s.directive(k);
                }
                if let Some(n) = &d.note {
                    s = s.with_note(n.clone());
                }
                s
            }
        };
        self.endpoint_tls().protocols = Some(setting);
    }

    fn protocol_set(&mut self, found: &Found<'a>) {
        self.string_check(found);
        let mut list = Vec::new();
        for (tok, span) in Self::tokens(found, Some(" ")) {
            let Some(canon) = self.lookup(found, &tok, span.unwrap_or(found.node.span)) else {
                continue;
            };
            match Protocol::parse(&canon) {
                Some(p) => list.push(p),
                // A vocabulary's `none` (MongoDB `disabledProtocols: none`) names no version.
                None if canon == "none" && found.field.vocab.is_some() => {}
                None if found.field.vocab.is_none() => self.observe(
                    ObservationKind::InvalidValue,
                    span.unwrap_or(found.node.span),
                    &found.key,
                    format!("`{}` is not a protocol version", short(&tok)),
                    Some("use TLSv1.2 and TLSv1.3".to_owned()),
                ),
                None => {}
            }
        }
        list.sort();
        list.dedup();
        // An inverted field lists the versions turned off (MongoDB `disabledProtocols`).
        // It is not named as the protocols' directive: help lines that spell an enabled
        // list under that key would be wrong.
        let mut s = Setting::set(list.clone(), found.node.value_span());
        if found.field.invert {
            s.value = self
                .rules
                .supported
                .iter()
                .copied()
                .filter(|p| !list.contains(p))
                .collect();
        } else {
            s = s.directive(found.key.clone());
        }
        self.endpoint_tls().protocols = Some(s);
    }

    /// The items of a list value, or the pieces of a string split on `split`, each with
    /// its exact span when known.
    fn tokens(found: &Found<'_>, split: Option<&str>) -> Vec<(String, Option<Span>)> {
        let split = found.field.split.as_deref().or(split);
        let pieces = |value: &str, exact: Option<Span>| -> Vec<(String, Option<Span>)> {
            match split {
                Some(sep) => {
                    let mut out = Vec::new();
                    let mut offset = 0;
                    for part in value.split(sep) {
                        let lead = part.len() - part.trim_start().len();
                        let t = part.trim();
                        if !t.is_empty() {
                            let s = offset + lead;
                            out.push((t.to_owned(), exact.map(|e| e.sub(s, s + t.len()))));
                        }
                        offset += part.len() + sep.len();
                    }
                    // Whitespace splitting also takes tabs and newlines.
                    if sep == " " && out.iter().any(|(t, _)| t.contains(char::is_whitespace)) {
                        return value
                            .split_whitespace()
                            .map(|t| (t.to_owned(), None))
                            .collect();
                    }
                    out
                }
                None => vec![(value.to_owned(), exact)],
            }
        };
        match &found.node.kind {
            Kind::Scalar(s) if s.ty == ScalarType::Null => Vec::new(),
            Kind::Scalar(s) => pieces(&s.value, s.exact),
            Kind::Seq(items) => items
                .iter()
                .filter_map(|i| i.scalar().map(|s| (s, i)))
                .flat_map(|(s, _)| pieces(&s.value, s.exact))
                .collect(),
            Kind::Map(_) => Vec::new(),
        }
    }

    fn names(found: &Found<'_>) -> Vec<Named> {
        let mut out = Vec::new();
        for (tok, span) in Self::tokens(found, None) {
            if found.field.form == Form::Boringssl {
                // `[a|b]` is an equal-preference group; `!`, `-`, `+` rules remove or move.
                if tok.starts_with(['!', '-', '+']) {
                    continue;
                }
                let open = usize::from(tok.starts_with('['));
                let inner = tok.trim_start_matches('[').trim_end_matches(']');
                let mut at = open;
                for part in inner.split('|') {
                    let sp = span.map(|s| s.sub(at, at + part.len()));
                    at += part.len() + 1;
                    if !part.is_empty() {
                        out.push(Named::new(part.to_owned(), sp));
                    }
                }
            } else {
                out.push(Named::new(tok.clone(), span));
            }
        }
        out
    }

    /// Suite names; with a vocabulary, each name must be one the application accepts
    /// (spelled as the vocabulary has it): an unknown name is reported and left out, and
    /// an accepted alias takes its canonical name.
    fn known_names(&mut self, found: &Found<'_>) -> Vec<Named> {
        let mut names = Self::names(found);
        if found.field.vocab.is_none() {
            return names;
        }
        let span = found.node.value_span();
        names.retain_mut(
            |n| match self.lookup(found, &n.name, n.span.unwrap_or(span)) {
                Some(canon) => {
                    n.name = canon.into();
                    true
                }
                None => false,
            },
        );
        names
    }

    fn apply(&mut self, found: &Found<'a>) {
        let key = found.key.clone();
        let span = found.node.value_span();
        match found.field.target {
            Target::MinVersion | Target::MaxVersion | Target::Protocols => {}
            Target::Ciphers => {
                self.string_check(found);
                let Some(value) = self.cipher_value(found) else {
                    return;
                };
                let mut setting = Setting::set(value, span).directive(key);
                if self.rules.library == Some(Library::Go) {
                    self.go_names(found, &mut setting);
                }
                self.endpoint_tls().ciphers = Some(setting);
            }
            Target::Ciphersuites => {
                let v = Self::names(found);
                self.endpoint_tls().ciphersuites = Some(Setting::set(v, span).directive(key));
            }
            Target::Curves => {
                self.string_check(found);
                let mut v = Self::names(found);
                if found.field.vocab.is_some() {
                    v.retain(|n| {
                        self.lookup(found, &n.name, n.span.unwrap_or(span))
                            .is_some()
                    });
                }
                self.endpoint_tls().curves = Some(Setting::set(v, span).directive(key));
            }
            Target::SessionTickets
            | Target::PreferServerCiphers
            | Target::VerifyPeer
            | Target::EarlyData => {
                let b = if found.field.form == Form::Present {
                    let present =
                        !matches!(&found.node.kind, Kind::Scalar(s) if s.ty == ScalarType::Null);
                    present != found.field.invert
                } else {
                    self.string_check(found);
                    let Some(b) = self.boolean(found) else { return };
                    b
                };
                let s = Setting::set(b, span).directive(key);
                let tls = self.endpoint_tls();
                match found.field.target {
                    Target::SessionTickets => tls.session_tickets = Some(s),
                    Target::PreferServerCiphers => tls.prefer_server_ciphers = Some(s),
                    Target::EarlyData => tls.early_data = Some(s),
                    _ => tls.verify_peer = Some(s),
                }
            }
            Target::Mode => {
                self.string_check(found);
                let Some(mode) = self.mode(found) else { return };
                self.endpoint_tls().mode = Some(Setting::set(mode, span).directive(key));
            }
            Target::TicketKeys => {
                let interval = if found.field.form == Form::Rotated {
                    self.rotation_interval(found)
                } else {
                    None
                };
                let v = ticket_keys_of(found, interval);
                self.endpoint_tls().ticket_keys = Some(Setting::set(v, span).directive(key));
            }
            Target::Certificates => {
                let certs: Vec<Setting<PathBuf>> = Self::tokens(found, None)
                    .into_iter()
                    .filter(|(t, _)| !t.is_empty())
                    .map(|(t, sp)| {
                        Setting::set(PathBuf::from(t), sp.unwrap_or(span)).directive(key.clone())
                    })
                    .collect();
                self.endpoint_tls().certificates.extend(certs);
            }
        }
    }

    /// A cipher field's value: an OpenSSL string, or a list of names (with a vocabulary,
    /// the names the application accepts; the rest are reported and left out).
    fn cipher_value(&mut self, found: &Found<'_>) -> Option<Ciphers> {
        if found.field.form == Form::Openssl {
            let s = found.node.scalar()?;
            return Some(Ciphers::OpenSsl(match s.exact {
                Some(e) => CipherString::placed(s.value.clone(), e),
                None => CipherString::unplaced(s.value.clone()),
            }));
        }
        Some(Ciphers::List(self.known_names(found)))
    }

    /// The rotation interval of a `rotated` ticket-key field: a scalar value is a Go
    /// duration (a JSON/YAML integer is nanoseconds); otherwise the field's `interval`.
    /// A scalar that is no duration is reported and leaves the interval unknown.
    fn rotation_interval(&mut self, found: &Found<'_>) -> Option<u64> {
        let Some(s) = found.node.scalar() else {
            return found.field.interval;
        };
        if s.ty == ScalarType::Null {
            return found.field.interval;
        }
        let secs = golang::duration_secs(&s.value, s.ty == ScalarType::Int);
        if secs.is_none() {
            let behaviour = self.behaviour(found.field);
            self.observe(
                ObservationKind::InvalidValue,
                found.node.value_span(),
                &found.key,
                format!("`{}` is not a duration; {behaviour}", short(&s.value)),
                Some("write a duration such as `12h`".to_owned()),
            );
        }
        secs
    }

    /// A boolean: a YAML/TOML boolean, or a string read with the vocabulary (client-auth
    /// modes count as verification when certificates are checked).
    fn boolean(&mut self, found: &Found<'_>) -> Option<bool> {
        let s = found.node.scalar()?;
        if s.ty == ScalarType::Null {
            return None;
        }
        let span = found.node.value_span();
        let value = if found.field.vocab.is_some() {
            let canon = self.lookup(found, &s.value, span)?;
            matches!(
                canon.as_str(),
                "true" | "require-and-verify" | "verify-if-given"
            )
        } else {
            match s.value.to_ascii_lowercase().as_str() {
                "true" | "on" | "yes" => true,
                "false" | "off" | "no" => false,
                _ => {
                    let behaviour = self.behaviour(found.field);
                    self.observe(
                        ObservationKind::InvalidValue,
                        span,
                        &found.key,
                        format!("`{}` is not a boolean; {behaviour}", short(&s.value)),
                        Some("write true or false".to_owned()),
                    );
                    return None;
                }
            }
        };
        Some(value != found.field.invert)
    }

    fn default(&mut self, target: Target) {
        let Some(d) = self.default_value(target) else {
            match self.rules.library {
                Some(Library::Go) => self.go_default(target),
                Some(Library::Jsse) => self.jsse_default(target),
                Some(Library::Boringssl | Library::Openssl) | None => {}
            }
            return;
        };
        let directive = self.directive_for(target);
        let (dir, note) = (directive.as_ref(), d.note.as_ref());
        let first = d.value.first().cloned().unwrap_or_default();
        let tls = self.endpoint_tls();
        match target {
            Target::Ciphers => {
                let names = d
                    .value
                    .iter()
                    .map(|n| Named::new(n.clone(), None))
                    .collect();
                tls.ciphers = Some(finish(
                    Setting::defaulted(Ciphers::List(names), d.assumed.clone()),
                    dir,
                    note,
                ));
            }
            Target::Curves => {
                let names = d
                    .value
                    .iter()
                    .map(|n| Named::new(n.clone(), None))
                    .collect();
                tls.curves = Some(finish(
                    Setting::defaulted(names, d.assumed.clone()),
                    dir,
                    note,
                ));
            }
            Target::SessionTickets => {
                tls.session_tickets = Some(finish(
                    Setting::defaulted(first == "true", d.assumed.clone()),
                    dir,
                    note,
                ));
            }
            Target::PreferServerCiphers => {
                tls.prefer_server_ciphers = Some(finish(
                    Setting::defaulted(first == "true", d.assumed.clone()),
                    dir,
                    note,
                ));
            }
            Target::EarlyData => {
                tls.early_data = Some(finish(
                    Setting::defaulted(first == "true", d.assumed.clone()),
                    dir,
                    note,
                ));
            }
            Target::VerifyPeer => {
                tls.verify_peer = Some(finish(
                    Setting::defaulted(first == "true", d.assumed.clone()),
                    dir,
                    note,
                ));
            }
            Target::TicketKeys => {
                let v = match first.strip_prefix("rotated") {
                    Some(rest) => TicketKeys::Rotated {
                        interval_secs: rest.trim_start_matches(':').parse().ok(),
                    },
                    None => TicketKeys::UntilRestart,
                };
                tls.ticket_keys = Some(finish(Setting::defaulted(v, d.assumed.clone()), dir, note));
            }
            Target::Mode => {
                if let Some(m) = mode_of(&first) {
                    tls.mode = Some(finish(Setting::defaulted(m, d.assumed.clone()), dir, note));
                }
            }
            Target::Protocols
            | Target::MinVersion
            | Target::MaxVersion
            | Target::Ciphersuites
            | Target::Certificates => {}
        }
    }

    /// A TLS mode: a boolean (`true` = required, `false` = off) or a vocabulary value.
    fn mode(&mut self, found: &Found<'_>) -> Option<TlsMode> {
        let s = found.node.scalar()?;
        if s.ty == ScalarType::Null {
            return None;
        }
        let span = found.node.value_span();
        if found.field.vocab.is_some() {
            let canon = self.lookup(found, &s.value, span)?;
            return mode_of(&canon);
        }
        let b = self.boolean(found)?;
        Some(if b { TlsMode::Required } else { TlsMode::Off })
    }
}

/// The ticket-key management a `ticket_keys` field describes.
fn ticket_keys_of(found: &Found<'_>, interval_secs: Option<u64>) -> TicketKeys {
    match found.field.form {
        Form::Rotated => TicketKeys::Rotated { interval_secs },
        Form::Files => {
            let items: Vec<&Node> = match &found.node.kind {
                Kind::Seq(items) => items.iter().collect(),
                _ => vec![found.node],
            };
            let files = items
                .iter()
                .map(|n| {
                    let file = match &found.field.file_key {
                        Some(k) => n.get(k).and_then(Node::scalar),
                        None => n.scalar(),
                    };
                    file.map_or_else(
                        || PathBuf::from("(inline key)"),
                        |s| PathBuf::from(&s.value),
                    )
                })
                .collect();
            TicketKeys::Files { files }
        }
        _ => TicketKeys::Files {
            files: vec![PathBuf::from("(inline key)")],
        },
    }
}

/// The canonical spelling of a TLS mode (`TLS_MODES`).
fn mode_of(v: &str) -> Option<TlsMode> {
    match v {
        "off" | "false" => Some(TlsMode::Off),
        "optional" => Some(TlsMode::Optional),
        "required" | "true" => Some(TlsMode::Required),
        _ => None,
    }
}

impl Fields<'_, '_> {
    /// Go's own defaults for what the description leaves open: its suite list (by Go
    /// version) and its automatic ticket-key rotation.
    fn go_default(&mut self, target: Target) {
        let go = golang::short(self.go);
        let directive = self.directive_for(target);
        match target {
            Target::Ciphers => {
                self.library_suites(
                    golang::default_suites(self.go),
                    format!("Go {go} crypto/tls default cipher suites"),
                    format!("Go {go} assumed; set another with --target go=X.Y"),
                );
            }
            Target::Curves => {
                let names = golang::default_curves(self.go)
                    .into_iter()
                    .map(|n| Named::new(n, None))
                    .collect();
                let s = Setting::defaulted(
                    names,
                    format!("Go {go} crypto/tls default key-exchange groups"),
                );
                self.endpoint_tls().curves = Some(finish(s, directive.as_ref(), None));
            }
            Target::TicketKeys => {
                let s = Setting::defaulted(
                    TicketKeys::Rotated {
                        interval_secs: Some(golang::TICKET_KEY_ROTATION_SECS),
                    },
                    "Go crypto/tls rotates ticket keys every 24 h",
                );
                self.endpoint_tls().ticket_keys = Some(finish(s, directive.as_ref(), None));
            }
            _ => {}
        }
    }

    /// Whether the library can use a suite only with TLS 1.2 (AEAD, SHA-256/384 MACs);
    /// `None` for a name it does not know. TLS 1.3 names are not in these lists.
    fn tls12_only(&self, name: &str) -> Option<bool> {
        match self.rules.library? {
            Library::Go => golang::lookup(name).map(|s| s.tls12_only),
            Library::Boringssl => crate::cipher::lookup(name)
                .filter(|s| !s.is_tls13())
                .map(|s| s.min_protocol == crate::cipher::MinTls::Tls1_2),
            Library::Jsse | Library::Openssl => None,
        }
    }

    /// A TLS library offers a version only when an enabled suite works with it: with only
    /// TLS 1.2-only suites (AEAD, SHA-256/384) listed, TLS 1.0 and 1.1 cannot be negotiated
    /// (Go and BoringSSL alike). Those versions leave the enabled list; a minimum written
    /// below TLS 1.2 is reported as having no effect.
    fn suite_protocols(&mut self) {
        let library = match self.rules.library {
            Some(Library::Go) => "Go",
            Some(Library::Boringssl) => "BoringSSL",
            Some(Library::Jsse | Library::Openssl) | None => return,
        };
        let tls = &self.model.endpoints[self.index].tls;
        let Some(Ciphers::List(names)) = tls.ciphers.as_ref().map(|c| &c.value) else {
            return;
        };
        // An unknown name leaves the suites unknown: say nothing.
        let only12: Option<Vec<bool>> = names.iter().map(|n| self.tls12_only(&n.name)).collect();
        let Some(only12) = only12 else { return };
        if only12.is_empty() || only12.iter().any(|t| !t) {
            return;
        }
        let tls = &self.model.endpoints[self.index].tls;
        let Some(protocols) = tls.protocols.as_ref() else {
            return;
        };
        let dead: Vec<Protocol> = protocols
            .value
            .iter()
            .copied()
            .filter(|p| *p < Protocol::TLSv1_2)
            .collect();
        if dead.is_empty() || protocols.value.iter().all(|p| *p < Protocol::TLSv1_2) {
            return;
        }
        let dead_list = dead
            .iter()
            .map(|p| p.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let cipher_key = match tls.ciphers.as_ref() {
            Some(c) if matches!(c.origin, crate::model::Origin::Default { .. }) => {
                "the default suite list".to_owned()
            }
            Some(c) => format!("`{}`", c.directive.as_deref().unwrap_or("cipher suites")),
            None => "the suite list".to_owned(),
        };
        // Reported only where a minimum is written (a maximum alone keeps the default's).
        let written = match protocols.origin {
            crate::model::Origin::Default { .. } => None,
            _ => protocols
                .span
                .zip(protocols.directive.as_deref().map(str::to_owned))
                .filter(|(_, key)| self.min_field(key).is_some()),
        };
        let why = format!(
            "every suite in {cipher_key} is TLS 1.2-only, so {library} cannot negotiate {dead_list}"
        );
        let mut kept = protocols.clone();
        kept.value.retain(|p| *p >= Protocol::TLSv1_2);
        kept.set_note(why.clone());
        self.endpoint_tls().protocols = Some(kept);
        let Some((span, key)) = written else { return };
        let help = self.version_spelling(&key, Protocol::TLSv1_2).map_or_else(
            || "raise the minimum to TLS 1.2, the lowest version in force".to_owned(),
            |v| {
                // A block made of command-line flags is fixed in the flag's own syntax.
                let line = if self.loc.flags.is_empty() {
                    format!("{}: {}", short(&key), short(&v))
                } else {
                    format!("--{}={}", short(&key), short(&v))
                };
                format!("write `{line}`, the lowest version in force")
            },
        );
        self.observe(
            ObservationKind::Ineffective,
            span,
            &key,
            format!("this minimum has no effect below TLS 1.2: {why}"),
            Some(help),
        );
    }

    /// Reads a Go suite list as Go does: TLS 1.3 names (not configurable in Go) and names
    /// the application accepts to no effect leave the list; a name Go does not implement
    /// is a bad value, handled as the description says the application handles it.
    fn go_names(&mut self, found: &Found<'_>, setting: &mut Setting<Ciphers>) {
        let Ciphers::List(names) = &mut setting.value else {
            return;
        };
        let field = found.field;
        let mut unknown = Vec::new();
        names.retain(|n| {
            if golang::is_tls13(&n.name)
                || field
                    .no_effect_names
                    .iter()
                    .any(|x| x.eq_ignore_ascii_case(&n.name))
            {
                return false;
            }
            if golang::lookup(&n.name).is_none() {
                unknown.push(n.clone());
            }
            true
        });
        for n in &unknown {
            let behaviour = self.behaviour(field);
            self.observe(
                ObservationKind::InvalidValue,
                n.span.unwrap_or(found.node.span),
                &found.key,
                format!(
                    "`{}` is not a cipher suite Go's crypto/tls implements; {behaviour}",
                    short(&n.name)
                ),
                Some(
                    "remove it; Go's suite names are its crypto/tls constants, e.g. \
                     `TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`"
                        .to_owned(),
                ),
            );
        }
        // An ignored name is dropped like the program drops it.
        if field.on_unknown_at(self.version) == OnUnknown::Ignore {
            names.retain(|n| golang::lookup(&n.name).is_some());
        }
    }

    /// The minimum-version field written under `key`.
    fn min_field(&self, key: &str) -> Option<&Field> {
        self.rules
            .fields
            .iter()
            .find(|f| f.target == Target::MinVersion && self.applies(f) && pattern_key(f) == key)
    }

    /// How the description spells a version for a key (`VersionTLS12`).
    fn version_spelling(&self, key: &str, p: Protocol) -> Option<String> {
        let field = self.min_field(key)?;
        let vocab = self.rules.vocab.get(field.vocab.as_ref()?)?;
        // The spelling naming the version itself (`TLSv1_2`), not an alias such as
        // Envoy's `TLS_AUTO`, which stands for a default that may change.
        let digit = p.as_str().chars().last();
        vocab
            .values
            .iter()
            .filter(|(_, v)| Protocol::parse(v) == Some(p))
            .max_by_key(|(k, _)| k.chars().last() == digit)
            .map(|(k, _)| k.clone())
    }
}

/// Names the key a default stands for and adds the description's note.
fn finish<T>(mut s: Setting<T>, directive: Option<&String>, note: Option<&String>) -> Setting<T> {
    if let Some(k) = directive {
        s = s.directive(k.clone());
    }
    if let Some(n) = note {
        s = s.with_note(n.clone());
    }
    s
}

impl Fields<'_, '_> {
    /// JSSE's own defaults for what the description leaves open: the JDK's enabled suites
    /// (TLS 1.3 ones included) for the Java version.
    fn jsse_default(&mut self, target: Target) {
        if target != Target::Ciphers {
            return;
        }
        let java = jsse::short(self.java);
        self.library_suites(
            jsse::default_suites(self.java),
            format!("Java {java} JSSE default cipher suites"),
            format!("Java {java} assumed; set another with --target java=N"),
        );
    }

    /// A TLS library's default suite list, for a block that writes none.
    fn library_suites(&mut self, names: Vec<&'static str>, assumed: String, note: String) {
        let directive = self.directive_for(Target::Ciphers);
        let names = names.into_iter().map(|n| Named::new(n, None)).collect();
        let s = Setting::defaulted(Ciphers::List(names), assumed).with_note(note);
        self.endpoint_tls().ciphers = Some(finish(s, directive.as_ref(), None));
    }

    /// JSSE enables TLS 1.3 suites in the same list as the others: they move to the TLS
    /// 1.3 list. Names the JDK does not know are dropped (reported where written, with what
    /// the application does with them); suites `jdk.tls.disabledAlgorithms` removes are
    /// dropped too (reported as having no effect where written), so no check judges a
    /// suite that is never negotiated.
    fn jsse_suites(&mut self) {
        let java = self.java;
        let tls = &self.model.endpoints[self.index].tls;
        let Some(setting) = tls.ciphers.clone() else {
            return;
        };
        let Ciphers::List(names) = &setting.value else {
            return;
        };
        let written = !matches!(setting.origin, Origin::Default { .. });
        let key = setting
            .directive
            .as_deref()
            .unwrap_or("cipher suites")
            .to_owned();
        let field = self
            .rules
            .fields
            .iter()
            .find(|f| f.target == Target::Ciphers && self.applies(f))
            .cloned();
        let on_unknown = field
            .as_ref()
            .map_or(self.rules.on_unknown, |f| f.on_unknown_at(self.version));
        let whole = setting.span;
        let (mut tls12, mut tls13) = (Vec::new(), Vec::new());
        for n in names {
            let span = n.span.or(whole);
            let Some(suite) = jsse::lookup(&n.name) else {
                if written && let Some(span) = span {
                    // An ignored name has no effect (the application keeps the suites the
                    // JVM knows and logs the others); a rejected one stops the config.
                    let (kind, behaviour) = match on_unknown {
                        OnUnknown::Ignore => (
                            ObservationKind::Ineffective,
                            format!("{} leaves it out and uses the others", self.rules.title),
                        ),
                        _ => (
                            ObservationKind::InvalidValue,
                            field.as_ref().map_or_else(
                                || format!("{} rejects it", self.rules.title),
                                |f| self.behaviour(f),
                            ),
                        ),
                    };
                    self.observe(
                        kind,
                        span,
                        &key,
                        format!(
                            "`{}` is not a cipher suite Java knows; {behaviour}",
                            short(&n.name)
                        ),
                        Some(
                            "use the suite's IANA name (`TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`)"
                                .to_owned(),
                        ),
                    );
                }
                continue;
            };
            if let Some(why) = jsse::suite_off(suite, java) {
                if written && let Some(span) = span {
                    self.observe(
                        ObservationKind::Ineffective,
                        span,
                        &key,
                        format!("`{}` is never negotiated: {why}", suite.name),
                        Some(format!("remove it from `{}`", short(&key))),
                    );
                }
                continue;
            }
            let kept = Named::new(suite.name, n.span);
            if suite.min == Protocol::TLSv1_3 {
                tls13.push(kept);
            } else {
                tls12.push(kept);
            }
        }
        dedup_names(&mut tls12);
        dedup_names(&mut tls13);
        let mut ciphers = setting.clone();
        ciphers.value = Ciphers::List(tls12);
        let suites13 = setting.with_value(tls13);
        let tls = self.endpoint_tls();
        tls.ciphers = Some(ciphers);
        tls.ciphersuites = Some(suites13);
    }

    /// A version is enabled only if the JDK allows it (`jdk.tls.disabledAlgorithms`) and an
    /// enabled suite works with it (a TLS 1.3 suite for TLS 1.3; for TLS 1.0/1.1 a suite
    /// that is not TLS 1.2-only). The others leave the enabled list; where they are
    /// written, one `Ineffective` observation per cause says why.
    fn jsse_protocols(&mut self) {
        let java = self.java;
        let tls = &self.model.endpoints[self.index].tls;
        let Some(protocols) = tls.protocols.clone() else {
            return;
        };
        let tls12: Vec<&jsse::JavaSuite> = match tls.ciphers.as_ref().map(|c| &c.value) {
            Some(Ciphers::List(n)) => n.iter().filter_map(|n| jsse::lookup(&n.name)).collect(),
            _ => return,
        };
        let has13 = tls
            .ciphersuites
            .as_ref()
            .is_some_and(|c| !c.value.is_empty());
        let mut by_jdk = Vec::new();
        let mut by_suites = Vec::new();
        let mut why_jdk = String::new();
        for &p in &protocols.value {
            if let Some(why) = jsse::protocol_off(p, java) {
                by_jdk.push(p);
                why_jdk = why;
            } else if !(if p == Protocol::TLSv1_3 {
                has13
            } else {
                tls12.iter().any(|s| s.min <= p && p <= s.max)
            }) {
                by_suites.push(p);
            }
        }
        self.drop_protocols(&protocols, (&by_jdk, &why_jdk), &by_suites);
    }

    /// OpenSSL cannot negotiate some versions whatever the config enables: not built (SSLv3
    /// since 1.1.0, TLS 1.3 before 1.1.1) or below the security level (in OpenSSL 3 every
    /// version before TLS 1.2 at level 1 and up). A `@SECLEVEL=N` in the cipher string sets
    /// the level; the build's default level is `--target seclevel=`.
    fn openssl_protocols(&mut self) {
        let tls = &self.model.endpoints[self.index].tls;
        let Some(protocols) = tls.protocols.clone() else {
            return;
        };
        let written_level = match tls.ciphers.as_ref().map(|c| &c.value) {
            Some(Ciphers::OpenSsl(cs)) => seclevel_in(&cs.text),
            _ => None,
        };
        let openssl = self.targets.openssl;
        let (level, why) = match written_level {
            Some(l) => (
                l,
                format!("OpenSSL {openssl} at `@SECLEVEL={l}` (cipher string)"),
            ),
            None => crate::negotiate::default_level(self.targets),
        };
        let mut dead = Vec::new();
        for &p in &protocols.value {
            if crate::negotiate::openssl_cannot(p, level, openssl) {
                dead.push(p);
            }
        }
        self.drop_protocols(&protocols, (&dead, &why), &[]);
    }

    /// Removes versions the library cannot negotiate from the enabled list, with a note,
    /// and reports each cause once where the list is written (not for a field listing the
    /// versions turned off: nothing written there is without effect).
    fn drop_protocols(
        &mut self,
        protocols: &Setting<Vec<Protocol>>,
        (by_lib, why_lib): (&[Protocol], &str),
        by_suites: &[Protocol],
    ) {
        if by_lib.is_empty() && by_suites.is_empty() {
            return;
        }
        let list = |ps: &[Protocol]| ps.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(", ");
        let cipher_key = self.model.endpoints[self.index]
            .tls
            .ciphers
            .as_ref()
            .and_then(|c| c.directive.as_deref())
            .unwrap_or("cipher suites")
            .to_owned();
        let mut notes = Vec::new();
        if !by_lib.is_empty() {
            notes.push(format!("{why_lib}: {} cannot be negotiated", list(by_lib)));
        }
        if !by_suites.is_empty() {
            notes.push(format!(
                "no enabled suite in `{cipher_key}` works with {}",
                list(by_suites)
            ));
        }
        let gone = |p: &Protocol| by_lib.contains(p) || by_suites.contains(p);
        let mut kept = protocols.clone();
        kept.value.retain(|p| !gone(p));
        kept.set_note(notes.join("; "));
        self.endpoint_tls().protocols = Some(kept);
        let inverted = self.find(Target::Protocols).is_some_and(|f| f.field.invert);
        let written = !matches!(protocols.origin, Origin::Default { .. }) && !inverted;
        let (Some(span), Some(key), true) = (protocols.span, protocols.directive.clone(), written)
        else {
            return;
        };
        let remaining = list(
            &protocols
                .value
                .iter()
                .copied()
                .filter(|p| !gone(p))
                .collect::<Vec<_>>(),
        );
        for (dead, note) in [(by_lib, notes.first()), (by_suites, notes.last())] {
            let Some(note) = note.filter(|_| !dead.is_empty()) else {
                continue;
            };
            self.observe(
                ObservationKind::Ineffective,
                span,
                &key,
                format!("{} in `{key}` has no effect: {note}", list(dead)),
                Some(if remaining.is_empty() {
                    format!("no version is left: list suites for the versions in `{key}`")
                } else {
                    format!("list only the versions in force: {remaining}")
                }),
            );
        }
    }
}

/// The level a `@SECLEVEL=N` in an OpenSSL cipher string sets (the last one wins).
fn seclevel_in(text: &str) -> Option<u8> {
    text.split([':', ',', ' '])
        .filter_map(|w| w.strip_prefix("@SECLEVEL="))
        .filter_map(|n| n.parse::<u8>().ok())
        .next_back()
}

/// Removes repeated names (an `SSL_` and a `TLS_` spelling of one suite), keeping the first.
fn dedup_names(names: &mut Vec<Named>) {
    let mut seen = std::collections::HashSet::new();
    names.retain(|n| seen.insert(n.name.clone()));
}
