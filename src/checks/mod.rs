//! Checks: one small file each, registered in [`ALL`], run by [`crate::engine::run`] over the model.
//!
//! A check is data ([`Check`]: name, summary, default severity, declared parameters, docs)
//! plus a `run` function that reads endpoints and observations through a [`Context`] and
//! pushes plain [`Finding`]s. The engine stamps the check name, severity and policy on each
//! finding. Checks know nothing about dialects and never render anything.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::rc::Rc;
use std::sync::Arc;

use serde::Serialize;

use crate::cipher::{self, Expansion, Profile};
pub use crate::diagnostic::{Finding, Severity, Text, sort};
use crate::material::Facts;
use crate::model::{
    CipherString, Ciphers, Endpoint, Observation, ObservationKind, Protocol, Setting, Side, Targets,
};
use crate::source::Span;

mod cipher_not_recommended;
mod cipher_string_error;
mod curve_not_recommended;
mod deprecated_directive;
mod early_data;
mod expired_suppression;
mod fixes;
mod hsts;
mod ineffective_setting;
mod invalid_suppression;
mod invalid_value;
mod legacy_protocol;
mod missing_tls13;
mod no_forward_secrecy;
mod ocsp_stapling;
mod opportunistic_mx_tls;
mod outside_root;
mod server_cipher_order;
mod session_ticket_rotation;
mod session_timeout;
mod tls_compression;
mod tls_extensions;
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
    &curve_not_recommended::CHECK,
    &deprecated_directive::CHECK,
    &early_data::CHECK,
    &expired_suppression::CHECK,
    &hsts::CHECK,
    &ineffective_setting::CHECK,
    &invalid_suppression::CHECK,
    &invalid_value::CHECK,
    &legacy_protocol::CHECK,
    &missing_tls13::CHECK,
    &no_forward_secrecy::CHECK,
    &ocsp_stapling::CHECK,
    &opportunistic_mx_tls::CHECK,
    &outside_root::CHECK,
    &server_cipher_order::CHECK,
    &session_ticket_rotation::CHECK,
    &session_timeout::CHECK,
    &tls_compression::CHECK,
    &tls_extensions::CHECK,
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

/// The help for a check name that is not one: the closest check, or where the list is.
pub fn unknown_help(name: &str) -> String {
    crate::spelling::closest(name, ALL.iter().map(|c| c.name), 3).map_or_else(
        || "`tlslint rules` lists the checks".to_owned(),
        |n| format!("did you mean `{n}`?"),
    )
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
    /// Where its findings come from.
    pub source: FindingSource,
    /// True when the check looks at each endpoint on its own (nothing carried from one to
    /// the next but memos, no observations): the engine may then split the endpoints
    /// between threads and join the results in order.
    pub per_endpoint: bool,
    /// True when the check also judges endpoints the program refuses (their refusal is
    /// what it reports, as a cipher string OpenSSL rejects); other checks leave them alone.
    pub judges_refused: bool,
}

/// Where a check's findings come from: a declared property, so the engine knows which
/// checks look at the model and which report what another pass found.
#[derive(Clone, Copy)]
pub enum FindingSource {
    /// Its own function over the model.
    Run(fn(&Context<'_>, &mut Vec<Finding>)),
    /// Facts the parsers observed (a removed directive, an unread include): each
    /// observation of this kind becomes a finding with this label.
    Observations {
        /// The observations reported.
        kind: ObservationKind,
        /// The primary label's text.
        label: &'static str,
    },
    /// The inline-suppression pass ([`crate::suppress`]), which reads comments, not the
    /// model.
    Suppressions,
}

impl fmt::Debug for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Check")
            .field("name", &self.name)
            .finish_non_exhaustive()
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
    enabled: RefCell<EnabledMemo>,
}

/// Enabled suites by (expansion address, negotiable list address).
type EnabledMemo = HashMap<(usize, usize), Rc<[EnabledSuite]>, foldhash::fast::RandomState>;

impl<'a> Context<'a> {
    /// What a check sees of one policy entry (built by the engine).
    pub fn new(
        endpoints: &'a [&'a Endpoint],
        observations: &'a [&'a Observation],
        params: &'a Params,
        targets: &'a Targets,
        facts: &'a Facts,
        ciphers: &'a cipher::Cache,
    ) -> Self {
        Context {
            endpoints,
            observations,
            params,
            targets,
            facts,
            ciphers,
            enabled: RefCell::default(),
        }
    }

    /// The OpenSSL profile of the target.
    pub fn profile(&self) -> Profile {
        Profile::for_version(self.targets.openssl.0, self.targets.openssl.1)
    }

    /// Expands a cipher string (memoised per string and profile).
    pub fn expand(&self, s: &CipherString) -> Arc<Expansion> {
        self.ciphers.expand(&s.text, self.profile())
    }

    /// The suites an expansion enables (PSK and SRP left out), each marked negotiable or
    /// not: by the endpoint's negotiable list when known, else by the security level.
    /// Memoised per (expansion, negotiable list).
    fn enabled_of(
        &self,
        exp: &Arc<Expansion>,
        negotiable: Option<&Arc<[&'static cipher::Suite]>>,
    ) -> Rc<[EnabledSuite]> {
        let at = (
            Arc::as_ptr(exp).addr(),
            negotiable.map_or(0, |n| n.as_ptr().addr()),
        );
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
                negotiable: match negotiable {
                    Some(list) => list.iter().any(|u| u.id == s.id),
                    None => exp.usable.iter().any(|u| u.id == s.id),
                },
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
    /// False when no client can negotiate the suite: the security level refuses it, or no
    /// certificate, DH parameters or group of the endpoint can serve it.
    pub negotiable: bool,
}

/// The protocols of an endpoint: what a client can negotiate when that is known, else what
/// the config enables; `None` when neither is known.
pub fn protocols(e: &Endpoint) -> Option<&[Protocol]> {
    match &e.negotiable {
        Some(n) => Some(n.protocols.as_slice()),
        None => e.tls.protocols.as_ref().map(|p| p.value.as_slice()),
    }
}

/// The suites an endpoint enables for TLS 1.2 and older; `None` when the endpoint has no
/// cipher setting or enables only TLS 1.3 (whose suites are not configured this way).
pub fn enabled_suites<'a>(cx: &Context<'_>, e: &'a Endpoint) -> Option<EnabledSuites<'a>> {
    let setting = e.tls.ciphers.as_ref()?;
    if protocols(e).is_some_and(|p| p.iter().all(|p| *p >= Protocol::TLSv1_3)) {
        return None;
    }
    let suites = match &setting.value {
        // PSK and SRP suites need a key or verifier callback that none of the configured
        // servers set up, so OpenSSL never negotiates them (`openssl ciphers -psk -srp`).
        Ciphers::OpenSsl(cs) => cx.enabled_of(
            &cx.expand(cs),
            e.negotiable
                .as_ref()
                .filter(|n| !n.suites_unknown)
                .map(|n| &n.ciphers),
        ),
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

/// Where the suites a finding is about are written in a list of names (from the first of
/// them to the last): the finding points at its culprits, so a suppression above an item
/// applies. `None` for a cipher string, a default, or suites with no place.
pub fn culprits(
    enabled: &EnabledSuites<'_>,
    pred: impl Fn(&cipher::Suite) -> bool,
) -> Option<Span> {
    if enabled.setting.value.is_open_ssl()
        || !matches!(enabled.setting.origin, crate::model::Origin::Set)
    {
        return None;
    }
    let spans: Option<Vec<Span>> = enabled
        .suites
        .iter()
        .filter(|s| s.negotiable && pred(s.suite))
        .map(|s| s.span)
        .collect();
    let spans = spans?;
    let first = spans.iter().min_by_key(|s| s.start)?;
    let last = spans.iter().max_by_key(|s| s.end)?;
    (first.file == last.file).then_some(Span {
        file: first.file,
        start: first.start,
        end: last.end,
    })
}

/// Per-check memo of suite summaries, keyed by the shared suite list of an OpenSSL string.
pub type SummaryMemo = std::collections::HashMap<(usize, usize), (usize, Rc<str>)>;

/// How many negotiable enabled suites match `pred`, and their abbreviated names. Endpoints with the
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
        .filter(|s| s.negotiable && pred(s.suite))
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
