//! Checks: one small file each, registered in [`ALL`], run by [`run`] over the model.
//!
//! A check is data ([`Check`]: name, summary, default severity, declared parameters, docs)
//! plus a `run` function that reads endpoints and observations through a [`Context`] and
//! pushes plain [`Finding`]s. The engine stamps the check name, severity and policy on each
//! finding. Checks know nothing about dialects and never render anything.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;

use crate::cipher::{self, Expansion, Profile};
use crate::material::Facts;
use crate::model::{
    CipherString, Ciphers, Endpoint, Label, Model, Observation, ObservationKind, Protocol, Setting,
    Side, Targets,
};
use crate::policy::{Policy, Scope};
use crate::source::Span;

mod cipher_not_recommended;
mod cipher_string_error;
mod deprecated_directive;
mod expired_suppression;
mod ineffective_setting;
mod invalid_suppression;
mod invalid_value;
mod legacy_protocol;
mod missing_tls13;
mod no_forward_secrecy;
mod outside_root;
mod server_cipher_order;
mod session_ticket_rotation;
mod session_timeout;
mod tls_compression;
mod tls_not_enforced;
mod unknown_cipher_word;
mod unknown_setting;
mod unused_suppression;
mod upstream_verify_off;
mod weak_certificate_key;
mod weak_cipher;
mod weak_curve;
mod weak_dh_params;

/// Every check, sorted by name (asserted by a test).
pub const ALL: &[&Check] = &[
    &cipher_not_recommended::CHECK,
    &cipher_string_error::CHECK,
    &deprecated_directive::CHECK,
    &expired_suppression::CHECK,
    &ineffective_setting::CHECK,
    &invalid_suppression::CHECK,
    &invalid_value::CHECK,
    &legacy_protocol::CHECK,
    &missing_tls13::CHECK,
    &no_forward_secrecy::CHECK,
    &outside_root::CHECK,
    &server_cipher_order::CHECK,
    &session_ticket_rotation::CHECK,
    &session_timeout::CHECK,
    &tls_compression::CHECK,
    &tls_not_enforced::CHECK,
    &unknown_cipher_word::CHECK,
    &unknown_setting::CHECK,
    &unused_suppression::CHECK,
    &upstream_verify_off::CHECK,
    &weak_certificate_key::CHECK,
    &weak_cipher::CHECK,
    &weak_curve::CHECK,
    &weak_dh_params::CHECK,
];

/// Name under which parse and I/O errors are reported; not a check, never disabled.
pub const PARSE_ERROR: &str = "parse-error";

/// Name under which policy and config-file errors are reported.
pub const CONFIG_ERROR: &str = "config-error";

/// Finds a check by name.
pub fn find(name: &str) -> Option<&'static Check> {
    ALL.iter().copied().find(|c| c.name == name)
}

/// A check: what it is called, what it may be told, and how it runs.
pub struct Check {
    /// Kebab-case, stable; reads as "allow `name`".
    pub name: &'static str,
    /// One line for `tlslint rules` and SARIF `shortDescription`.
    pub summary: &'static str,
    /// Severity when a policy entry gives none.
    pub default_severity: Severity,
    /// Parameters a policy may set.
    pub params: &'static [Param],
    /// Markdown: What it does / Why is this bad / Example / Fix.
    pub explain: &'static str,
    /// The check itself.
    pub run: fn(&Context<'_>, &mut Vec<Finding>),
    /// True when the check looks at each endpoint on its own (nothing carried from one to
    /// the next but memos, no observations): the engine may then split the endpoints
    /// between threads and join the results in order.
    pub per_endpoint: bool,
}

impl fmt::Debug for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Check")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; below the default fail level.
    Note,
    /// Should be fixed.
    Warning,
    /// Must be fixed.
    Error,
}

impl Severity {
    /// Parses `error`, `warning`, `note` (also `info`).
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "note" | "info" => Some(Severity::Note),
            _ => None,
        }
    }

    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The type of a check parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamKind {
    /// One protocol version (`"TLSv1.2"`).
    Protocol,
    /// A list of names (suites, curves, classes).
    Names,
    /// A whole number of bits.
    Bits,
    /// A duration (`"1d"`, `"24h"`, `"300s"`, or seconds as a number).
    Duration,
    /// `true` / `false`.
    Bool,
    /// Free text.
    Text,
}

impl ParamKind {
    /// How the kind is described in docs and errors.
    pub fn describe(self) -> &'static str {
        match self {
            ParamKind::Protocol => "a protocol such as \"TLSv1.2\"",
            ParamKind::Names => "a list of strings",
            ParamKind::Bits => "a whole number of bits",
            ParamKind::Duration => "a duration such as \"1d\", \"24h\" or \"300s\"",
            ParamKind::Bool => "true or false",
            ParamKind::Text => "a string",
        }
    }
}

/// A declared parameter.
#[derive(Clone, Copy, Debug)]
pub struct Param {
    /// Key in the policy entry.
    pub name: &'static str,
    /// Its type.
    pub kind: ParamKind,
    /// Whether a policy entry must give it.
    pub required: bool,
    /// One line of documentation.
    pub doc: &'static str,
    /// For lists: the only values allowed (checked when the policy loads).
    pub choices: Option<&'static [&'static str]>,
}

impl Param {
    /// A required parameter.
    pub const fn required(name: &'static str, kind: ParamKind, doc: &'static str) -> Param {
        Param {
            name,
            kind,
            required: true,
            doc,
            choices: None,
        }
    }

    /// An optional parameter.
    pub const fn optional(name: &'static str, kind: ParamKind, doc: &'static str) -> Param {
        Param {
            name,
            kind,
            required: false,
            doc,
            choices: None,
        }
    }

    /// Restricts a list parameter to some values.
    #[must_use]
    pub const fn with_choices(mut self, choices: &'static [&'static str]) -> Param {
        self.choices = Some(choices);
        self
    }
}

/// A parameter value, typed when the policy loaded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum ParamValue {
    /// A protocol.
    Protocol(Protocol),
    /// Names.
    Names(Vec<String>),
    /// Bits.
    Bits(u32),
    /// Seconds.
    Duration(u64),
    /// A flag.
    Bool(bool),
    /// Text.
    Text(String),
}

/// The typed parameters of one policy entry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Params(pub BTreeMap<String, ParamValue>);

impl Params {
    /// A protocol parameter.
    pub fn protocol(&self, name: &str) -> Option<Protocol> {
        match self.0.get(name) {
            Some(ParamValue::Protocol(p)) => Some(*p),
            _ => None,
        }
    }

    /// A list parameter (empty when absent).
    pub fn names(&self, name: &str) -> &[String] {
        match self.0.get(name) {
            Some(ParamValue::Names(n)) => n,
            _ => &[],
        }
    }

    /// True when a list parameter is given.
    pub fn has(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    /// A bits parameter.
    pub fn bits(&self, name: &str) -> Option<u32> {
        match self.0.get(name) {
            Some(ParamValue::Bits(b)) => Some(*b),
            _ => None,
        }
    }

    /// A duration parameter, in seconds.
    pub fn duration(&self, name: &str) -> Option<u64> {
        match self.0.get(name) {
            Some(ParamValue::Duration(d)) => Some(*d),
            _ => None,
        }
    }

    /// A flag parameter.
    pub fn flag(&self, name: &str) -> Option<bool> {
        match self.0.get(name) {
            Some(ParamValue::Bool(b)) => Some(*b),
            _ => None,
        }
    }

    /// A text parameter.
    pub fn text(&self, name: &str) -> Option<&str> {
        match self.0.get(name) {
            Some(ParamValue::Text(t)) => Some(t),
            _ => None,
        }
    }
}

/// What a check sees.
pub struct Context<'a> {
    /// Endpoints in the entry's scope.
    pub endpoints: &'a [&'a Endpoint],
    /// Observations in the entry's scope.
    pub observations: &'a [&'a Observation],
    /// The entry's parameters.
    pub params: &'a Params,
    /// Target program versions.
    pub targets: &'a Targets,
    /// What is known about referenced certificates, DH files and ticket keys.
    pub facts: &'a Facts,
    ciphers: &'a cipher::Cache,
    /// Enabled suites per expansion (by its address: the cache keeps every expansion alive
    /// while the context lives), shared by every endpoint using it.
    enabled: RefCell<HashMap<usize, Rc<[EnabledSuite]>, foldhash::fast::RandomState>>,
}

impl Context<'_> {
    /// The OpenSSL profile of the target.
    pub fn profile(&self) -> Profile {
        Profile::for_version(self.targets.openssl.0, self.targets.openssl.1)
    }

    /// Expands a cipher string (memoised per string and profile).
    pub fn expand(&self, s: &CipherString) -> Arc<Expansion> {
        self.ciphers.expand(&s.text, self.profile())
    }

    /// The suites an expansion enables (PSK and SRP left out), memoised per expansion.
    fn enabled_of(&self, exp: &Arc<Expansion>) -> Rc<[EnabledSuite]> {
        let at = Arc::as_ptr(exp).addr();
        if let Some(hit) = self.enabled.borrow().get(&at) {
            return Rc::clone(hit);
        }
        let suites: Rc<[EnabledSuite]> = exp
            .suites
            .iter()
            .filter(|s| !s.psk() && !s.srp())
            .map(|s| EnabledSuite {
                suite: s,
                span: None,
                negotiable: exp.usable.iter().any(|u| u.id == s.id),
            })
            .collect();
        self.enabled.borrow_mut().insert(at, Rc::clone(&suites));
        suites
    }

    /// Turns every observation of one kind into a finding with `label` on its span (the
    /// whole `run` of the checks that report dialect facts).
    pub fn report_observations(
        &self,
        kind: ObservationKind,
        label: &'static str,
        out: &mut Vec<Finding>,
    ) {
        out.extend(
            self.observations(kind)
                .map(|o| Finding::from_observation(o).label(label)),
        );
    }

    /// Observations of one kind.
    pub fn observations(&self, kind: ObservationKind) -> impl Iterator<Item = &Observation> {
        self.observations
            .iter()
            .copied()
            .filter(move |o| o.kind == kind)
    }
}

/// One problem found by a check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The check (stamped by the engine).
    pub check: &'static str,
    /// Severity (stamped by the engine from the policy).
    pub severity: Severity,
    /// Policy name (stamped by the engine; shared by every finding).
    pub policy: Arc<str>,
    /// What is wrong.
    pub message: String,
    /// The cause.
    pub span: Span,
    /// Text on the primary label.
    pub label: Text,
    /// Secondary labels (the affected server, a definition behind a `$name`).
    pub labels: Vec<Label>,
    /// How to fix it.
    pub help: Option<Text>,
    /// Name of the endpoint concerned.
    pub endpoint: Option<Arc<str>>,
    /// Stable key for baselines: endpoint key plus setting.
    pub key: String,
}

impl Finding {
    /// A finding whose primary label is at `span`.
    pub fn at(span: Span, message: impl Into<String>) -> Finding {
        Finding {
            check: "",
            severity: Severity::Error,
            policy: Arc::from(""),
            message: message.into(),
            span,
            label: Text::from(""),
            labels: Vec::new(),
            help: None,
            endpoint: None,
            key: String::new(),
        }
    }

    /// A finding about a setting of an endpoint: the primary label is where the value is
    /// written (or the endpoint itself for a default), and an inherited or default value
    /// also labels the affected endpoint. `setting` names the setting for the key.
    pub fn for_setting<T>(
        e: &Endpoint,
        s: &Setting<T>,
        setting: &str,
        message: impl Into<String>,
    ) -> Finding {
        let mut f = Finding::at(s.span.unwrap_or(e.span), message);
        f.endpoint = Some(e.name.clone());
        f.key = format!("{}/{setting}", e.key);
        match (&s.origin, s.span) {
            (crate::model::Origin::Default { .. }, _) | (_, None) => {
                f.label = match &s.origin {
                    crate::model::Origin::Default { assumed } => Text::shared(Arc::clone(assumed)),
                    _ => Text::from("value not written anywhere"),
                };
            }
            (crate::model::Origin::Inherited, Some(_)) => {
                f.label = Text::from("set here");
                f.labels
                    .push(Label::new(e.span, format!("inherited by {}", e.name)));
            }
            (crate::model::Origin::Set, Some(_)) => {}
        }
        if let Some(note) = s.note() {
            f.labels.push(Label::new(e.span, note.to_owned()));
        }
        f.labels.extend(s.related().iter().cloned());
        f
    }

    /// A finding from an observation.
    pub fn from_observation(o: &Observation) -> Finding {
        let mut f = Finding::at(o.span, o.message.clone());
        f.help = o.help.clone().map(Text::from);
        f.labels.clone_from(&o.labels);
        f.key.clone_from(&o.key);
        f
    }

    /// Sets the primary label text.
    #[must_use]
    pub fn label(mut self, text: impl Into<Text>) -> Finding {
        let text = text.into();
        if self.label.is_empty() {
            self.label = text;
        } else {
            self.label = format!("{text}; {}", self.label).into();
        }
        self
    }

    /// Moves the primary label to a sub-span (a word inside the value).
    #[must_use]
    pub fn narrow(mut self, span: Option<Span>) -> Finding {
        if let Some(span) = span {
            self.span = span;
        }
        self
    }

    /// Adds a secondary label.
    #[must_use]
    pub fn related(mut self, span: Span, text: impl Into<Cow<'static, str>>) -> Finding {
        self.labels.push(Label::new(span, text));
        self
    }

    /// Sets the help line.
    #[must_use]
    pub fn help(mut self, help: impl Into<Text>) -> Finding {
        self.help = Some(help.into());
        self
    }
}

/// Text of a finding's label or help: fixed words, or a shared string (many findings say
/// the same thing).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Text(TextRepr);

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum TextRepr {
    Fixed(&'static str),
    Shared(Arc<str>),
}

impl Text {
    /// A shared string.
    pub fn shared(text: Arc<str>) -> Text {
        Text(TextRepr::Shared(text))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            TextRepr::Fixed(s) => s,
            TextRepr::Shared(s) => s,
        }
    }
}

impl Default for Text {
    fn default() -> Self {
        Text(TextRepr::Fixed(""))
    }
}

impl std::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&'static str> for Text {
    fn from(s: &'static str) -> Self {
        Text(TextRepr::Fixed(s))
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text(TextRepr::Shared(s.into()))
    }
}

impl Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One copy of each shared text.
#[derive(Default)]
struct Texts(std::collections::HashSet<Arc<str>, foldhash::fast::RandomState>);

impl Texts {
    fn share(&mut self, text: &mut Text) {
        if let TextRepr::Shared(s) = &mut text.0 {
            match self.0.get(&**s) {
                Some(kept) => *s = Arc::clone(kept),
                None => {
                    self.0.insert(Arc::clone(s));
                }
            }
        }
    }
}

/// Models with at least this many endpoints and observations are checked on two threads.
const PARALLEL_MIN: usize = 256;

/// Runs every check a policy enables over the model. `enabled` filters checks by name.
pub fn run(
    model: &Model,
    policy: &Policy,
    targets: &Targets,
    facts: &Facts,
    ciphers: &cipher::Cache,
    enabled: &dyn Fn(&str) -> Option<Option<Severity>>,
) -> Vec<Finding> {
    let parallel = model.endpoints.len() + model.observations.len() >= PARALLEL_MIN;
    run_threads(model, policy, targets, facts, ciphers, enabled, parallel)
}

/// [`run`] on two threads or one.
fn run_threads(
    model: &Model,
    policy: &Policy,
    targets: &Targets,
    facts: &Facts,
    ciphers: &cipher::Cache,
    enabled: &dyn Fn(&str) -> Option<Option<Severity>>,
    parallel: bool,
) -> Vec<Finding> {
    let entries: Vec<_> = policy
        .entries
        .iter()
        .filter_map(|entry| enabled(entry.check.name).map(|sev| (entry, sev)))
        .collect();
    let policy_name: Arc<str> = policy.name.as_str().into();
    // Entries without a scope (most) share these lists instead of each building its own.
    let every_endpoint: Vec<&Endpoint> = model.endpoints.iter().collect();
    let every_observation: Vec<&Observation> = model.observations.iter().collect();
    // One piece of work: part `k` of `n` of an entry's endpoints (the whole entry when
    // n is 1).
    let run_entry = |&(entry, override_severity): &(&crate::policy::Entry, Option<Severity>),
                     (k, n): (usize, usize),
                     ciphers: &cipher::Cache| {
        let (scoped_endpoints, scoped_observations): (Vec<&Endpoint>, Vec<&Observation>) =
            match &entry.scope {
                None => (Vec::new(), Vec::new()),
                Some(scope) => (
                    model
                        .endpoints
                        .iter()
                        .filter(|e| scope.matches(e))
                        .collect(),
                    model
                        .observations
                        .iter()
                        .filter(|o| {
                            o.endpoint
                                .is_none_or(|i| scope.matches(&model.endpoints[i]))
                        })
                        .collect(),
                ),
            };
        let (endpoints, observations) = match &entry.scope {
            None => (&every_endpoint[..], &every_observation[..]),
            Some(_) => (&scoped_endpoints[..], &scoped_observations[..]),
        };
        let len = endpoints.len();
        let cx = Context {
            endpoints: &endpoints[k * len / n..(k + 1) * len / n],
            // Observations are not split: the first part takes them all.
            observations: if k == 0 { observations } else { &[] },
            params: &entry.params,
            targets,
            facts,
            ciphers,
            enabled: RefCell::default(),
        };
        let mut found = Vec::new();
        (entry.check.run)(&cx, &mut found);
        stamp(
            &mut found,
            entry.check.name,
            override_severity.unwrap_or(entry.severity),
            &policy_name,
        );
        found
    };
    // Entries are independent: on big models, two threads take them one at a time (checks
    // differ a lot in cost, so halves would leave one thread idle). Results are put back
    // in policy order, so the stable sort below gives the same result as one thread.
    let mut all = if parallel && entries.len() > 1 {
        // Checks that look at endpoints one by one are split in two, so that the two
        // threads finish together; pieces are joined back in (entry, part) order, which
        // is the order one thread would have produced.
        let pieces: Vec<(usize, (usize, usize))> = entries
            .iter()
            .enumerate()
            .flat_map(|(i, (entry, _))| {
                let n = if entry.check.per_endpoint { 2 } else { 1 };
                (0..n).map(move |k| (i, (k, n)))
            })
            .collect();
        let next = AtomicUsize::new(0);
        let work = || {
            // A cache per thread: a shared one is a lock and a reference count that both
            // threads fight over for every endpoint (each string is expanded at most twice).
            let cache = cipher::Cache::new();
            let mut done = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(&(entry, part)) = pieces.get(i) else {
                    break done;
                };
                done.push((i, run_entry(&entries[entry], part, &cache)));
            }
        };
        let done = std::thread::scope(|s| {
            let other = s.spawn(work);
            let mut done = work();
            done.extend(
                other
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e)),
            );
            done
        });
        join_in_order(done)
    } else {
        entries
            .iter()
            .flat_map(|entry| run_entry(entry, (0, 1), ciphers))
            .collect()
    };
    sort(&mut all);
    all.dedup_by(|a, b| a.check == b.check && a.span == b.span && a.message == b.message);
    all
}

/// Stamps a check's findings with what the engine knows (check, severity, policy).
/// Labels and help lines repeat across endpoints (a default's text, the same fix for the
/// same value): one copy of each is kept. Messages and keys name their endpoint, so they
/// are only trimmed to size.
fn stamp(found: &mut [Finding], check: &'static str, severity: Severity, policy: &Arc<str>) {
    let mut texts = Texts::default();
    for f in found {
        f.check = check;
        f.severity = severity;
        f.policy = Arc::clone(policy);
        f.message.shrink_to_fit();
        f.key.shrink_to_fit();
        texts.share(&mut f.label);
        if let Some(h) = &mut f.help {
            texts.share(h);
        }
    }
}

/// Joins numbered lists of findings in number order. The first list grows in place (a big
/// vector is remapped, not copied) rather than every list being copied into a new one
/// while they are all still alive.
fn join_in_order(mut done: Vec<(usize, Vec<Finding>)>) -> Vec<Finding> {
    done.sort_unstable_by_key(|(i, _)| *i);
    let total = done.iter().map(|(_, f)| f.len()).sum::<usize>();
    let mut lists = done.into_iter().map(|(_, f)| f);
    let mut all = lists.next().unwrap_or_default();
    all.reserve_exact(total - all.len());
    for found in lists {
        all.extend(found);
    }
    all
}

/// Sorts findings by file, position, check and message (stably). Already sorted lists
/// (the usual case after filtering) are only scanned: the sort's scratch space on a big
/// report is megabytes.
pub fn sort(findings: &mut [Finding]) {
    const DONE: u32 = u32::MAX;
    let order = |a: &Finding, b: &Finding| {
        (a.span.file, a.span.start, a.check, &a.message).cmp(&(
            b.span.file,
            b.span.start,
            b.check,
            &b.message,
        ))
    };
    if findings.is_sorted_by(|a, b| order(a, b).is_le()) {
        return;
    }
    // Sort positions, then move each finding once along its cycle: a stable sort of the
    // findings themselves would need scratch space for half of them (megabytes).
    let Ok(len) = u32::try_from(findings.len()) else {
        findings.sort_by(order);
        return;
    };
    let mut from: Vec<u32> = (0..len).collect();
    from.sort_by(|&a, &b| order(&findings[a as usize], &findings[b as usize]));
    for start in 0..findings.len() {
        let mut at = start;
        loop {
            let next = std::mem::replace(&mut from[at], DONE);
            if next == DONE || next as usize == start {
                break;
            }
            findings.swap(at, next as usize);
            at = next as usize;
        }
    }
}

impl Scope {
    /// Whether an endpoint is in this scope.
    pub fn matches(&self, e: &Endpoint) -> bool {
        self.sides.as_ref().is_none_or(|s| s.contains(&e.side))
            && self
                .dialects
                .as_ref()
                .is_none_or(|d| d.contains(&e.dialect))
    }
}

/// The TLS 1.2-and-older suites an endpoint enables.
pub struct EnabledSuites<'a> {
    /// The setting that enables them.
    pub setting: &'a Setting<Ciphers>,
    /// The suites, in preference order, with where each is named (when listed by name).
    pub suites: Rc<[EnabledSuite]>,
}

/// One enabled suite.
pub struct EnabledSuite {
    /// The suite.
    pub suite: &'static cipher::Suite,
    /// Where it is named, for suite lists.
    pub span: Option<Span>,
    /// False when OpenSSL's security level (the string's `@SECLEVEL`, else the target's
    /// default) refuses the suite at handshake time.
    pub negotiable: bool,
}

/// The suites an endpoint enables for TLS 1.2 and older; `None` when the endpoint has no
/// cipher setting or enables only TLS 1.3 (whose suites are not configured this way).
pub fn enabled_suites<'a>(cx: &Context<'_>, e: &'a Endpoint) -> Option<EnabledSuites<'a>> {
    let setting = e.tls.ciphers.as_ref()?;
    if let Some(p) = &e.tls.protocols
        && p.value.iter().all(|p| *p >= Protocol::TLSv1_3)
    {
        return None;
    }
    let suites = match &setting.value {
        // PSK and SRP suites need a key or verifier callback that none of the configured
        // servers set up, so OpenSSL never negotiates them (`openssl ciphers -psk -srp`).
        Ciphers::OpenSsl(cs) => cx.enabled_of(&cx.expand(cs)),
        Ciphers::List(names) => names
            .iter()
            .filter_map(|n| {
                cipher::lookup(&n.name).map(|suite| EnabledSuite {
                    suite,
                    span: n.span,
                    negotiable: true,
                })
            })
            .collect(),
    };
    Some(EnabledSuites { setting, suites })
}

/// Per-check memo of suite summaries, keyed by the shared suite list of an OpenSSL string.
pub type SummaryMemo = std::collections::HashMap<(usize, usize), (usize, Rc<str>)>;

/// How many enabled suites match `pred`, and their abbreviated names. Endpoints with the
/// same OpenSSL string share one suite list, so the summary is computed once per string
/// (lists by name, from applications, are summarised each time).
pub fn summarize(
    memo: &mut SummaryMemo,
    enabled: &EnabledSuites<'_>,
    pred: impl Fn(&cipher::Suite) -> bool,
) -> (usize, Rc<str>) {
    let key = (enabled.suites.as_ptr().addr(), enabled.suites.len());
    let shared = enabled.setting.value.is_open_ssl();
    if shared && let Some(hit) = memo.get(&key) {
        return hit.clone();
    }
    let names: Vec<&str> = enabled
        .suites
        .iter()
        .filter(|s| pred(s.suite))
        .map(|s| s.suite.openssl_name)
        .collect();
    let summary = (names.len(), Rc::from(weak_cipher::abbreviate(&names)));
    if shared {
        memo.insert(key, summary.clone());
    }
    summary
}

/// Formats protocols as `TLSv1, TLSv1.1`.
pub fn list_protocols(ps: &[Protocol]) -> String {
    ps.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(", ")
}

/// Client-side endpoints read "upstream"; server-side ones "clients".
pub fn peer_word(side: Side) -> &'static str {
    match side {
        Side::Server => "clients",
        Side::Client => "upstream servers",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_is_sorted_unique_and_kebab_case() {
        let names: Vec<_> = ALL.iter().map(|c| c.name).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(names, sorted, "ALL must be sorted and unique");
        for n in names {
            assert!(
                n.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{n} is not kebab-case"
            );
        }
    }

    /// Two threads (entries taken one at a time, per-endpoint checks split in two) give
    /// exactly what one thread gives.
    #[test]
    fn two_threads_find_what_one_finds() {
        use std::fmt::Write as _;
        let dir = tempfile::tempdir().unwrap();
        let mut conf = String::from(
            "events {}\nhttp {\n    ssl_protocols TLSv1 TLSv1.2;\n    ssl_ciphers HIGH:!aNULL;\n",
        );
        let ciphers = [
            "HIGH:!aNULL:!MD5",
            "ECDHE+AESGCM",
            "ALL:!RC4x",
            "AES128-SHA:DES-CBC3-SHA",
        ];
        for i in 0..400 {
            let _ = write!(
                conf,
                "    server {{\n        listen {} ssl;\n        server_name h{i};\n",
                10_000 + i
            );
            if i % 3 == 0 {
                let _ = writeln!(conf, "        ssl_ciphers {};", ciphers[i % 4]);
            }
            if i % 5 == 0 {
                conf.push_str("        ssl_protocols TLSv1.3;\n");
            }
            if i % 2 == 0 {
                let _ = writeln!(
                    conf,
                    "        location / {{ proxy_pass https://b{i}; proxy_ssl_protocols TLSv1.1; }}"
                );
            }
            conf.push_str("    }\n");
        }
        conf.push_str("}\n");
        let path = dir.path().join("nginx.conf");
        std::fs::write(&path, conf).unwrap();
        let mut sources = crate::source::Sources::new();
        let options = crate::parse::Options {
            targets: Targets::default(),
            allow_outside_root: false,
            root: Some(dir.path().to_path_buf()),
            app_rules: Vec::new(),
            app_versions: BTreeMap::new(),
            extra_apps: std::sync::Arc::default(),
            gateway: std::sync::Arc::new(crate::gateway::Gateway::confined(dir.path())),
        };
        let parsed =
            crate::parse::parse(crate::model::Dialect::Nginx, &path, &mut sources, &options);
        assert!(parsed.model.endpoints.len() > PARALLEL_MIN);
        let policy = crate::policy::load(crate::policy::DEFAULT_POLICY).unwrap();
        let all = |_: &str| Some(None);
        let run = |parallel| {
            let found = run_threads(
                &parsed.model,
                &policy,
                &Targets::default(),
                &Facts::default(),
                &cipher::Cache::new(),
                &all,
                parallel,
            );
            format!("{found:#?}")
        };
        let one = run(false);
        assert!(one.contains("legacy-protocol") && one.contains("upstream-verify-off"));
        assert_eq!(one, run(true));
    }

    /// The cycle-following sort gives what a stable sort gives, ties included.
    #[test]
    fn sort_matches_a_stable_sort() {
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for n in [0usize, 1, 2, 3, 10, 257, 5000] {
            let mut v: Vec<Finding> = (0..n)
                .map(|i| {
                    let r = next();
                    let file = crate::source::FileId(u32::try_from(r % 3).unwrap());
                    let start = u32::try_from((r >> 8) % 20).unwrap();
                    let mut f = Finding::at(
                        Span::new(file, start as usize, start as usize + 1),
                        format!("m{}", (r >> 16) % 3),
                    );
                    f.check = ["b", "a"][usize::try_from((r >> 24) % 2).unwrap()];
                    // Tells equal findings apart, so a wrong order of ties shows.
                    f.key = i.to_string();
                    f
                })
                .collect();
            let mut expected = v.clone();
            expected.sort_by(|a, b| {
                (a.span.file, a.span.start, a.check, &a.message).cmp(&(
                    b.span.file,
                    b.span.start,
                    b.check,
                    &b.message,
                ))
            });
            sort(&mut v);
            let keys = |v: &[Finding]| v.iter().map(|f| f.key.clone()).collect::<Vec<_>>();
            assert_eq!(keys(&v), keys(&expected), "n = {n}");
        }
    }

    #[test]
    fn explain_texts_have_the_four_headings() {
        for c in ALL {
            for h in [
                "## What it does",
                "## Why is this bad",
                "## Example",
                "## Fix",
            ] {
                assert!(c.explain.contains(h), "{} lacks {h}", c.name);
            }
            for p in c.params {
                assert!(!p.doc.is_empty(), "{}: param {} has no doc", c.name, p.name);
            }
        }
    }
}
