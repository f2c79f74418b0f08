//! Parameter lookup for one daemon: master.cf `-o` overrides, then main.cf, then the
//! built-in default of the target Postfix version, with expansion and provenance.
//!
//! This is the one place that knows where a value came from; `extract.rs` turns the
//! resulting [`Val`]s into model [`Setting`]s without caring about layers.

use std::borrow::Cow;
use std::collections::HashMap;

use super::expand::{Budget, Env, Lookup, expand};
use super::params;
use super::syntax::Def;
use super::text::MStr;
use crate::model::{Setting, Version};
use crate::source::Span;

/// Which layer a value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Layer {
    /// A master.cf `-o` override of this service.
    Override,
    /// main.cf.
    Main,
    /// The built-in default.
    Default,
}

/// An effective parameter value.
#[derive(Clone, Debug)]
pub(crate) struct Val {
    /// Parameter name.
    pub(crate) name: String,
    /// The expanded value, mapped to the file where copied verbatim.
    pub(crate) text: MStr,
    /// Where the value is written (the use), unless defaulted.
    pub(crate) span: Option<Span>,
    /// The layer it came from.
    pub(crate) layer: Layer,
    /// Parameters expanded on the way and their definitions.
    pub(crate) via: Vec<(String, Option<Span>)>,
    /// Referenced names without a known value.
    pub(crate) undefined: Vec<String>,
    /// Expansion error, in Postfix's words.
    pub(crate) error: Option<String>,
}

impl Val {
    /// The expanded text without surrounding whitespace.
    pub(crate) fn trimmed(&self) -> &str {
        self.text.text.trim_matches(super::text::is_space)
    }

    /// True when written in main.cf or an override.
    pub(crate) fn is_explicit(&self) -> bool {
        self.layer != Layer::Default
    }
}

/// The lookup chain of one endpoint.
pub(crate) struct Scope<'a> {
    /// main.cf, last definition per name.
    pub(crate) main: &'a HashMap<&'a str, &'a Def>,
    /// This service's overrides, last one per name (empty for main.cf endpoints).
    pub(crate) overrides: HashMap<&'a str, &'a Def>,
    /// `submission/inet` for a master.cf service.
    pub(crate) service: Option<String>,
    /// Target Postfix version.
    pub(crate) postfix: Version,
    /// Target OpenSSL version.
    pub(crate) openssl: Version,
    /// Expansion work left for this parse, shared by every scope of it.
    pub(crate) budget: &'a Budget,
}

impl Env for Scope<'_> {
    fn lookup(&self, name: &str) -> Option<Lookup<'_>> {
        if let Some(d) = self.overrides.get(name).or_else(|| self.main.get(name)) {
            return Some(Lookup {
                value: Cow::Borrowed(&d.value),
                span: Some(d.name_span),
            });
        }
        self.default_of(name).map(|v| Lookup {
            value: Cow::Owned(MStr::unplaced(&v)),
            span: None,
        })
    }
}

/// `compatibility_level` as a version (`2` → 2.0, `3.11` → 3.11).
fn compat_version(text: &str) -> Option<Version> {
    let t = text.trim();
    Version::parse(t).or_else(|| t.parse::<u16>().ok().map(|m| Version(m, 0, 0)))
}

impl Scope<'_> {
    /// The built-in default of `name` for the targets.
    pub(crate) fn default_of(&self, name: &str) -> Option<String> {
        // 3.11+: `smtp_tls_security_level` defaults to `may` when `compatibility_level`
        // is 3.11 or later (mail.md §5).
        if name == "smtp_tls_security_level" && self.postfix >= Version(3, 11, 0) {
            let compat = self.get("compatibility_level");
            let level = compat_version(compat.trimmed()).unwrap_or(Version(0, 0, 0));
            return Some(
                if level >= Version(3, 11, 0) {
                    "may"
                } else {
                    ""
                }
                .into(),
            );
        }
        if name == "compatibility_level" {
            return Some("0".into());
        }
        params::default(name, self.postfix, self.openssl)
    }

    /// The effective, expanded value of `name`.
    pub(crate) fn get(&self, name: &str) -> Val {
        self.get_in(name, true)
    }

    /// Like [`Scope::get`], ignoring this service's overrides (for parameters only main.cf
    /// can set, such as the tlsmgr ones).
    pub(crate) fn get_main(&self, name: &str) -> Val {
        self.get_in(name, false)
    }

    fn get_in(&self, name: &str, with_overrides: bool) -> Val {
        let over = if with_overrides {
            self.overrides.get(name)
        } else {
            None
        };
        let (raw, span, layer) = if let Some(d) = over {
            (Cow::Borrowed(&d.value), Some(d.value_span), Layer::Override)
        } else if let Some(d) = self.main.get(name) {
            (Cow::Borrowed(&d.value), Some(d.value_span), Layer::Main)
        } else {
            let v = self.default_of(name).unwrap_or_default();
            (Cow::Owned(MStr::unplaced(&v)), None, Layer::Default)
        };
        let x = if with_overrides {
            expand(&raw, self, self.budget)
        } else {
            let main_only = Scope {
                main: self.main,
                overrides: HashMap::new(),
                service: None,
                postfix: self.postfix,
                openssl: self.openssl,
                budget: self.budget,
            };
            expand(&raw, &main_only, self.budget)
        };
        if x.limit
            && let Some(err) = &x.error
        {
            // Kept so the parse reports it even when the parameter is not a TLS one
            // (`expansion_errors` only looks at those); the first definition met on the way
            // stands in for a built-in default, which has no place in the file.
            let at = span.or_else(|| x.via.iter().find_map(|(_, s)| *s));
            self.budget.trip(name, at, err);
        }
        Val {
            name: name.to_owned(),
            text: x.text,
            span,
            layer,
            via: x.via,
            undefined: x.undefined,
            error: x.error,
        }
    }

    /// "no `name` in main.cf; Postfix 3.10 default `value` applies".
    pub(crate) fn assumed(&self, name: &str, value: &str) -> String {
        let shown = if value.is_empty() {
            "(empty)".to_owned()
        } else {
            format!("`{value}`")
        };
        match &self.service {
            None => format!(
                "no `{name}` in main.cf; Postfix {} default {shown} applies",
                self.postfix
            ),
            Some(svc) => format!(
                "no `{name}` in main.cf or in the `-o` overrides of master.cf service `{svc}`; Postfix {} default {shown} applies",
                self.postfix
            ),
        }
    }

    /// A model setting for `value`, decided by `v`: set / inherited / defaulted, with the
    /// directive and the `$name` definitions it went through.
    pub(crate) fn setting<T>(&self, v: &Val, value: T) -> Setting<T> {
        let mut s = match (v.layer, v.span) {
            (Layer::Override, Some(span)) => Setting::set(value, span),
            (Layer::Main, Some(span)) if self.service.is_none() => Setting::set(value, span),
            (Layer::Main, Some(span)) => Setting::inherited(value, span),
            _ => Setting::defaulted(value, self.assumed(&v.name, v.trimmed())),
        }
        .directive(v.name.clone());
        for (name, span) in &v.via {
            if let Some(span) = span {
                s = s.with_related(*span, format!("`${name}` defined here"));
            }
        }
        if !v.undefined.is_empty() {
            let names: Vec<String> = v.undefined.iter().map(|n| format!("`${n}`")).collect();
            s = s.with_note(format!(
                "{} not defined in main.cf (built-in or undefined); expanded as empty here",
                names.join(", ")
            ));
        }
        s
    }
}
