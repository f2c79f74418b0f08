//! Diagnostics: what every part of tlslint reports and every output format renders.
//!
//! A [`Finding`] is plain data: a check's name, a [`Severity`], the policy that applied it,
//! a message, the span of the cause with labels, an optional help line, and the endpoint
//! and baseline key it concerns. Parsers, checks, the suppression pass and the engine all
//! produce findings; `report` renders them. This module sits at the bottom: it imports no
//! checks, policies or parsers, only the model's spans and labels.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use crate::fix::Fix;
use crate::model::{Endpoint, Label, Observation, Setting};
use crate::source::Span;

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
    /// The edits that fix it, when the check knows them; the help line is rendered from it
    /// (see [`crate::fix`]).
    #[serde(skip)]
    pub fix: Option<Box<Fix>>,
    /// Name of the endpoint concerned (`None` for a finding about several: see
    /// [`Finding::cause`]).
    pub endpoint: Option<Arc<str>>,
    /// Stable key: endpoint key plus setting (a merged finding's: its cause's key).
    pub key: String,
    /// The finding rests on a program's built-in default for the target version (a setting
    /// with `Origin::Default`), so a different version could change it. Not serialised:
    /// it drives the human output's closing hint only.
    #[serde(skip)]
    pub assumes_default: bool,
    /// Set on a finding merged from the findings of several endpoints that share one cause
    /// (by the engine's grouping pass, [`crate::engine::group`]); `None` otherwise.
    #[serde(skip)]
    pub cause: Option<Box<Cause>>,
}

/// A cause that several endpoints share: what a merged finding is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cause {
    /// The cause's baseline key, independent of its endpoints and of lines: the setting
    /// and the value as written (`protocols = TLSv1 TLSv1.2`), or the setting and the
    /// directive whose default applies (`curves/X448 (tls_eecdh_auto_curves default)`).
    pub key: String,
    /// The file the key belongs to: the one holding the value, or for a default the
    /// config's main file.
    pub file: crate::source::FileId,
    /// Every endpoint affected, in the model's order.
    pub endpoints: Vec<Arc<str>>,
    /// The file and own key of each per-endpoint finding merged: what version 1 baselines
    /// recorded.
    pub members: Vec<(crate::source::FileId, String)>,
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
            fix: None,
            endpoint: None,
            key: String::new(),
            assumes_default: false,
            cause: None,
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
        f.assumes_default = s.is_default();
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

    /// Attaches a fix; the help line is rendered from it once the sources are known.
    #[must_use]
    pub fn fix(mut self, fix: Fix) -> Finding {
        self.fix = Some(Box::new(fix));
        self
    }

    /// Every endpoint the finding is about: its [`Finding::endpoint`], or the endpoints
    /// that share its cause.
    pub fn endpoints(&self) -> Vec<&str> {
        match (&self.endpoint, &self.cause) {
            (Some(e), _) => vec![&**e],
            (None, Some(c)) => c.endpoints.iter().map(|e| &**e).collect(),
            (None, None) => Vec::new(),
        }
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
pub(crate) struct Texts(std::collections::HashSet<Arc<str>, foldhash::fast::RandomState>);

impl Texts {
    /// Makes `text` share the kept copy of an equal shared string (kept on first sight).
    pub(crate) fn share(&mut self, text: &mut Text) {
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

/// `a`, `a and b`, `a, b and c`: a list in a message.
pub fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
