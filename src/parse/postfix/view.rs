//! Parameter views in `postconf`'s output shape (`-n`, `-nx`, `-P`), for the differential
//! test against the real `postconf` (`tests/postconf_oracle.rs`).
//!
//! Not used by the linter itself: it exposes what the parser and the expander computed,
//! normalised the way postconf prints it (whitespace runs collapsed to one space).

use std::collections::HashMap;

use super::expand::{Budget, expand};
use super::scope::Scope;
use super::syntax::{self, Def};
use super::text::is_space;
use crate::model::Targets;
use crate::source::FileId;

/// One main.cf parameter as `postconf -n` / `-nx` show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    /// Parameter name.
    pub name: String,
    /// The value as written, whitespace collapsed (`postconf -n`).
    pub value: String,
    /// The expanded value (`postconf -nx`), when every referenced name is known here.
    pub expanded: Option<String>,
}

/// Collapses whitespace runs to one space, as postconf prints values.
pub fn collapse(s: &str) -> String {
    s.split(is_space)
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every main.cf parameter (last definition wins), sorted by name.
pub fn main_cf(text: &str, targets: &Targets) -> Vec<Param> {
    let (defs, _) = syntax::main_cf(FileId(0), text);
    let mut main: HashMap<&str, &Def> = HashMap::new();
    for d in &defs {
        main.insert(d.name.as_str(), d);
    }
    let budget = Budget::default();
    let scope = Scope {
        main: &main,
        overrides: HashMap::new(),
        service: None,
        postfix: targets.postfix,
        openssl: targets.openssl,
        budget: &budget,
    };
    let mut out: Vec<Param> = main
        .values()
        .map(|d| {
            let x = expand(&d.value, &scope, &budget);
            let closed = x.undefined.is_empty() && x.error.is_none();
            Param {
                name: d.name.clone(),
                value: collapse(&d.value.text),
                expanded: closed.then(|| collapse(&x.text.text)),
            }
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// Every master.cf override as `postconf -P` prints it: `service/type/name = value`.
pub fn master_cf(text: &str) -> Vec<String> {
    let (services, _) = syntax::master_cf(FileId(0), text);
    services
        .iter()
        .flat_map(|s| {
            s.overrides.iter().map(move |d| {
                // postconf prints `name =` (no trailing space) for an empty value.
                let v = collapse(&d.value.text);
                let sep = if v.is_empty() { "" } else { " " };
                format!("{}/{}/{} ={sep}{v}", s.name, s.kind, d.name)
            })
        })
        .collect()
}
