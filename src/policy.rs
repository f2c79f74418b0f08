//! Policies: which checks apply, with which parameters and severities, loaded from TOML.
//!
//! Built-in policies live in the top-level `rules/` folder and are embedded with
//! `include_str!`; users pass their own file with `--policy FILE` or name it in the config,
//! optionally `extends = "mozilla-intermediate"` or another file. A file named in the config
//! (and any file an `extends` names) is data from the checked tree, so it must resolve inside
//! the directory holding the config (see [`load_file`]); a file typed on the command line may
//! be anywhere, but its `extends` stay inside its directory. Every entry is validated against the check's declared
//! parameters when it loads, so checks never see an ill-typed value. Errors carry the byte
//! range of the offending key or value so they can be shown in place.

use std::ops::Range;
use std::path::Path;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::checks::{self, Check, Param, ParamKind, ParamValue, Params, Severity};
use crate::model::{Dialect, Protocol, Side};

/// Built-in policies: (name, TOML text).
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "bsi-tr-02102-2",
        include_str!("../rules/bsi-tr-02102-2.toml"),
    ),
    (
        "mozilla-intermediate",
        include_str!("../rules/mozilla-intermediate.toml"),
    ),
    (
        "mozilla-intermediate-5.7",
        include_str!("../rules/mozilla-intermediate-5.7.toml"),
    ),
    (
        "mozilla-modern",
        include_str!("../rules/mozilla-modern.toml"),
    ),
    ("mozilla-old", include_str!("../rules/mozilla-old.toml")),
    (
        "mozilla-old-5.7",
        include_str!("../rules/mozilla-old-5.7.toml"),
    ),
    ("nist-800-52r2", include_str!("../rules/nist-800-52r2.toml")),
    ("rfc9325", include_str!("../rules/rfc9325.toml")),
];

/// The policy used when none is chosen.
pub const DEFAULT_POLICY: &str = "mozilla-intermediate";

/// A loaded policy.
#[derive(Debug)]
pub struct Policy {
    /// Kebab-case name.
    pub name: String,
    /// One-line title.
    pub title: String,
    /// Where the rules come from (document, URL).
    pub source: String,
    /// The check applications, in file order.
    pub entries: Vec<Entry>,
}

/// One `[[check]]` entry.
#[derive(Debug)]
pub struct Entry {
    /// The check.
    pub check: &'static Check,
    /// Severity of its findings.
    pub severity: Severity,
    /// Which endpoints it applies to (all when `None`).
    pub scope: Option<Scope>,
    /// Typed parameters.
    pub params: Params,
    /// The rule's source (document and section).
    pub source: Option<String>,
}

/// Restricts an entry to some endpoints.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scope {
    /// Server or client side.
    pub sides: Option<Vec<Side>>,
    /// Dialects.
    pub dialects: Option<Vec<Dialect>>,
}

/// A policy file problem, located in the file's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    /// Name of the file (or built-in policy) the error is in.
    pub file: String,
    /// The file's text.
    pub text: String,
    /// What is wrong.
    pub message: String,
    /// Where, as a byte range of `text`.
    pub span: Option<Range<usize>>,
    /// How to fix it.
    pub help: Option<String>,
}

/// Finds a built-in policy by name.
pub fn builtin(name: &str) -> Option<&'static str> {
    BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// The built-in policy names, comma-separated (for help lines).
pub fn names() -> String {
    BUILTIN
        .iter()
        .map(|(n, _)| *n)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Loads a policy by built-in name or file path, as typed on the command line: the file may
/// be anywhere (see [`load_file`]).
pub fn load(spec: &str) -> Result<Policy, LoadError> {
    if let Some(text) = builtin(spec) {
        return parse(&format!("rules/{spec}.toml"), text, None, 0);
    }
    load_file(Path::new(spec), None)
}

/// Loads a policy file. With `allowed`, the file (named in a config from the checked tree)
/// must resolve inside that directory; without, it was typed on the command line and may be
/// anywhere. Files its `extends` names are always confined: to `allowed`, else to the
/// policy file's own directory. Every file read is a regular file of at most
/// `crate::own_inputs::MAX_FILE_BYTES`.
pub fn load_file(path: &Path, allowed: Option<&Path>) -> Result<Policy, LoadError> {
    use crate::own_inputs::{MAX_FILE_BYTES, read_confined, read_limited};
    let read = match allowed {
        Some(a) => read_confined(path, a, MAX_FILE_BYTES),
        None => read_limited(path, MAX_FILE_BYTES),
    };
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    match read {
        Ok(text) => parse_in(
            &crate::source::display_name(path),
            &text,
            Some(dir),
            allowed.unwrap_or(dir),
            0,
        ),
        Err(e) => {
            // A bare word that is no file is a misspelt built-in name, not a missing file.
            let typed = path.to_string_lossy();
            let bare =
                path.components().count() == 1 && path.extension().is_none() && !path.exists();
            let near = crate::spelling::closest(&typed, BUILTIN.iter().map(|(n, _)| *n), 4);
            Err(LoadError {
                file: crate::source::display_name(path),
                text: String::new(),
                message: if bare {
                    format!(
                        "unknown policy `{}`: no built-in policy and no file has this name",
                        crate::escape::short(&typed)
                    )
                } else {
                    format!("cannot use policy: {e}")
                },
                span: None,
                help: Some(match near {
                    Some(n) => format!("did you mean `{n}`? built-in policies: {}", names()),
                    None => format!("built-in policies: {}", names()),
                }),
            })
        }
    }
}

/// Parses a policy's text. `dir` resolves a relative `extends` path, which must stay inside
/// `dir` (the current directory when `None`); `depth` stops cycles.
pub fn parse(
    file: &str,
    text: &str,
    dir: Option<&Path>,
    depth: usize,
) -> Result<Policy, LoadError> {
    parse_in(
        file,
        text,
        dir,
        dir.unwrap_or_else(|| Path::new(".")),
        depth,
    )
}

/// [`parse`] with the directory `extends` files must resolve inside.
fn parse_in(
    file: &str,
    text: &str,
    dir: Option<&Path>,
    allowed: &Path,
    depth: usize,
) -> Result<Policy, LoadError> {
    let err = |message: String, span: Option<Range<usize>>| LoadError {
        file: file.to_owned(),
        text: text.to_owned(),
        message,
        span,
        help: None,
    };
    let root = DeTable::parse(text).map_err(|e| err(e.message().to_owned(), e.span()))?;
    let root = root.get_ref();
    let mut policy = Policy {
        name: String::new(),
        title: String::new(),
        source: String::new(),
        entries: Vec::new(),
    };
    let mut base: Option<Policy> = None;
    let mut checks: Option<&Spanned<DeValue<'_>>> = None;
    for (key, value) in root {
        match key.get_ref().as_ref() {
            "name" => policy.name = string(value).map_err(|m| err(m, Some(value.span())))?,
            "title" => policy.title = string(value).map_err(|m| err(m, Some(value.span())))?,
            "source" => policy.source = string(value).map_err(|m| err(m, Some(value.span())))?,
            "extends" => {
                let spec = string(value).map_err(|m| err(m, Some(value.span())))?;
                if depth > 8 {
                    return Err(err(
                        "`extends` chain is too deep (a cycle?)".to_owned(),
                        Some(value.span()),
                    ));
                }
                let loaded =
                    load_base(&spec, dir, allowed, depth).map_err(|m| err(m, Some(value.span())));
                base = Some(loaded??);
            }
            "check" => checks = Some(value),
            other => {
                return Err(LoadError {
                    help: Some("policy keys: name, title, source, extends, [[check]]".to_owned()),
                    ..err(format!("unknown key `{other}`"), Some(key.span()))
                });
            }
        }
    }
    if policy.name.is_empty() {
        return Err(err("a policy needs `name = \"...\"`".to_owned(), None));
    }
    let mut own: Vec<Entry> = Vec::new();
    // Checks a `severity = "off"` entry removes (from the base policy too).
    let mut removed: Vec<&str> = Vec::new();
    if let Some(value) = checks {
        let DeValue::Array(items) = value.get_ref() else {
            return Err(err(
                "`check` must be an array of tables: write `[[check]]`".to_owned(),
                Some(value.span()),
            ));
        };
        for item in items {
            let DeValue::Table(t) = item.get_ref() else {
                return Err(err(
                    "`[[check]]` entries must be tables".to_owned(),
                    Some(item.span()),
                ));
            };
            match entry(t, item.span()).map_err(|(m, s, h)| LoadError {
                help: h,
                ..err(m, Some(s))
            })? {
                Parsed::On(e) => own.push(e),
                Parsed::Off(c) => removed.push(c.name),
            }
        }
    }
    if let Some(base) = base {
        let overridden: Vec<&str> = own.iter().map(|e| e.check.name).chain(removed).collect();
        policy.entries = base
            .entries
            .into_iter()
            .filter(|e| !overridden.contains(&e.check.name))
            .collect();
        if policy.title.is_empty() {
            policy.title = base.title;
        }
        if policy.source.is_empty() {
            policy.source = base.source;
        }
    }
    policy.entries.extend(own);
    Ok(policy)
}

/// Loads the policy an `extends` names: a built-in, or a file relative to `dir` that must
/// resolve inside `allowed`.
fn load_base(
    spec: &str,
    dir: Option<&Path>,
    allowed: &Path,
    depth: usize,
) -> Result<Result<Policy, LoadError>, String> {
    use crate::own_inputs::{MAX_FILE_BYTES, read_confined};
    if let Some(t) = builtin(spec) {
        return Ok(parse(&format!("rules/{spec}.toml"), t, None, depth + 1));
    }
    let path = dir.map_or_else(|| Path::new(spec).to_path_buf(), |d| d.join(spec));
    let t = read_confined(&path, allowed, MAX_FILE_BYTES)
        .map_err(|e| format!("cannot use `extends = \"{spec}\"`: {e}"))?;
    Ok(parse_in(
        &crate::source::display_name(&path),
        &t,
        path.parent(),
        allowed,
        depth + 1,
    ))
}

type EntryError = (String, Range<usize>, Option<String>);

/// A `[[check]]` entry: applied, or switched off with `severity = "off"`.
enum Parsed {
    On(Entry),
    Off(&'static Check),
}

/// Reads one `[[check]]` table.
fn entry(t: &DeTable<'_>, whole: Range<usize>) -> Result<Parsed, EntryError> {
    let mut check: Option<&'static Check> = None;
    for (k, v) in t {
        if k.get_ref().as_ref() == "id" {
            let id = string(v).map_err(|m| (m, v.span(), None))?;
            check = Some(checks::find(&id).ok_or_else(|| {
                (
                    format!("unknown check `{id}`"),
                    v.span(),
                    Some(suggest_check(&id)),
                )
            })?);
        }
    }
    let check = check.ok_or_else(|| {
        (
            "a `[[check]]` entry needs `id = \"...\"`".to_owned(),
            whole.clone(),
            None,
        )
    })?;
    let mut entry = Entry {
        check,
        severity: check.default_severity,
        scope: None,
        params: Params::default(),
        source: None,
    };
    for (k, v) in t {
        let key = k.get_ref().as_ref();
        match key {
            "id" => {}
            "severity" => {
                let s = string(v).map_err(|m| (m, v.span(), None))?;
                if s == "off" {
                    return Ok(Parsed::Off(check));
                }
                entry.severity = Severity::parse(&s).ok_or_else(|| {
                    (
                        format!("unknown severity `{s}`"),
                        v.span(),
                        Some("use \"error\", \"warning\", \"note\" or \"off\"".to_owned()),
                    )
                })?;
            }
            "source" => entry.source = Some(string(v).map_err(|m| (m, v.span(), None))?),
            "scope" => entry.scope = Some(scope(v)?),
            _ => {
                let Some(param) = check.params.iter().find(|p| p.name == key) else {
                    let known: Vec<&str> = check.params.iter().map(|p| p.name).collect();
                    return Err((
                        format!("check `{}` has no parameter `{key}`", check.name),
                        k.span(),
                        Some(if known.is_empty() {
                            "this check takes no parameters; reserved keys: id, severity, scope, source".to_owned()
                        } else {
                            format!(
                                "its parameters: {}; reserved keys: id, severity, scope, source",
                                known.join(", ")
                            )
                        }),
                    ));
                };
                let value = param_value(param, v).map_err(|m| (m, v.span(), None))?;
                entry.params.0.insert(key.to_owned(), value);
            }
        }
    }
    if let Some(p) = check
        .params
        .iter()
        .find(|p| p.required && !entry.params.0.contains_key(p.name))
    {
        return Err((
            format!(
                "check `{}` needs parameter `{}` ({})",
                check.name,
                p.name,
                p.kind.describe()
            ),
            whole,
            Some(p.doc.to_owned()),
        ));
    }
    Ok(Parsed::On(entry))
}

fn suggest_check(id: &str) -> String {
    match crate::spelling::closest(id, checks::ALL.iter().map(|c| c.name), 3) {
        Some(n) => format!("did you mean `{n}`? (`tlslint rules` lists the checks)"),
        None => "`tlslint rules` lists the checks".to_owned(),
    }
}

fn scope(v: &Spanned<DeValue<'_>>) -> Result<Scope, EntryError> {
    let words: Vec<String> = match v.get_ref() {
        DeValue::String(s) => vec![s.to_string()],
        DeValue::Array(a) => a
            .iter()
            .map(|x| string(x).map_err(|m| (m, x.span(), None)))
            .collect::<Result<_, _>>()?,
        _ => {
            return Err((
                "`scope` must be a string or a list of strings".to_owned(),
                v.span(),
                None,
            ));
        }
    };
    let mut scope = Scope::default();
    for w in words {
        match w.as_str() {
            "server" => scope.sides.get_or_insert_with(Vec::new).push(Side::Server),
            "client" | "upstream" => scope.sides.get_or_insert_with(Vec::new).push(Side::Client),
            "nginx" => scope
                .dialects
                .get_or_insert_with(Vec::new)
                .push(Dialect::Nginx),
            "postfix" => scope
                .dialects
                .get_or_insert_with(Vec::new)
                .push(Dialect::Postfix),
            "dovecot" => scope
                .dialects
                .get_or_insert_with(Vec::new)
                .push(Dialect::Dovecot),
            "apache" => scope
                .dialects
                .get_or_insert_with(Vec::new)
                .push(Dialect::Apache),
            "app" => scope
                .dialects
                .get_or_insert_with(Vec::new)
                .push(Dialect::App),
            "haproxy" => scope
                .dialects
                .get_or_insert_with(Vec::new)
                .push(Dialect::Haproxy),
            other => {
                return Err((
                    format!("unknown scope `{other}`"),
                    v.span(),
                    Some(
                        "scopes: server, client, nginx, postfix, dovecot, apache, haproxy, app"
                            .to_owned(),
                    ),
                ));
            }
        }
    }
    Ok(scope)
}

fn string(v: &Spanned<DeValue<'_>>) -> Result<String, String> {
    v.get_ref()
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("expected a string, found {}", v.get_ref().type_str()))
}

fn param_value(p: &Param, v: &Spanned<DeValue<'_>>) -> Result<ParamValue, String> {
    let wrong = || format!("`{}` must be {}", p.name, p.kind.describe());
    match p.kind {
        ParamKind::Protocol => {
            let s = string(v).map_err(|_| wrong())?;
            Protocol::parse(&s)
                .map(ParamValue::Protocol)
                .ok_or_else(|| {
                    format!(
                        "unknown protocol `{s}` (use SSLv3, TLSv1, TLSv1.1, TLSv1.2 or TLSv1.3)"
                    )
                })
        }
        ParamKind::Names => match v.get_ref() {
            DeValue::Array(a) => {
                let names = a
                    .iter()
                    .map(|x| string(x).map_err(|_| wrong()))
                    .collect::<Result<Vec<_>, _>>()?;
                if let Some(choices) = p.choices
                    && let Some(bad) = names.iter().find(|n| !choices.contains(&n.as_str()))
                {
                    return Err(format!("`{bad}` is not one of {}", choices.join(", ")));
                }
                Ok(ParamValue::Names(names))
            }
            _ => Err(wrong()),
        },
        ParamKind::Bits => v
            .get_ref()
            .as_integer()
            .and_then(|i| u32::from_str_radix(i.as_str(), i.radix()).ok())
            .map(ParamValue::Bits)
            .ok_or_else(wrong),
        ParamKind::Duration => match v.get_ref() {
            DeValue::Integer(i) => u64::from_str_radix(i.as_str(), i.radix())
                .map(ParamValue::Duration)
                .map_err(|_| wrong()),
            DeValue::String(s) => parse_duration(s)
                .map(ParamValue::Duration)
                .ok_or_else(wrong),
            _ => Err(wrong()),
        },
        ParamKind::Bool => v
            .get_ref()
            .as_bool()
            .map(ParamValue::Bool)
            .ok_or_else(wrong),
        ParamKind::Text => string(v).map(ParamValue::Text).map_err(|_| wrong()),
    }
}

/// Parses `90s`, `10m`, `24h`, `1d`, `1w` or plain seconds.
pub fn parse_duration(s: &str) -> Option<u64> {
    let s = s.trim();
    let (digits, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = digits.parse().ok()?;
    let mult = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 604_800,
        _ => return None,
    };
    n.checked_mul(mult)
}

impl Scope {
    /// Whether an endpoint is in this scope.
    pub fn matches(&self, e: &crate::model::Endpoint) -> bool {
        self.sides.as_ref().is_none_or(|s| s.contains(&e.side))
            && self
                .dialects
                .as_ref()
                .is_none_or(|d| d.contains(&e.dialect))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_policy_loads() {
        for (name, _) in BUILTIN {
            let p = load(name).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert_eq!(&p.name, name);
            assert!(!p.entries.is_empty());
        }
    }

    #[test]
    fn builtin_list_matches_rules_folder() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(Result::ok)
            .filter_map(|e| {
                let n = e.file_name().to_string_lossy().into_owned();
                n.strip_suffix(".toml").map(str::to_owned)
            })
            .collect();
        on_disk.sort();
        let mut listed: Vec<String> = BUILTIN.iter().map(|(n, _)| (*n).to_owned()).collect();
        listed.sort();
        assert_eq!(on_disk, listed);
    }

    #[test]
    fn unknown_keys_and_params_are_located() {
        let text =
            "name = \"x\"\n[[check]]\nid = \"legacy-protocol\"\nmin = \"TLSv1.2\"\nmax = 3\n";
        let e = parse("x.toml", text, None, 0).unwrap_err();
        assert!(e.message.contains("no parameter `max`"), "{}", e.message);
        assert_eq!(&text[e.span.unwrap()], "max");

        let e = parse("x.toml", "name = \"x\"\nbogus = 1\n", None, 0).unwrap_err();
        assert_eq!(e.message, "unknown key `bogus`");

        let e = parse(
            "x.toml",
            "name = \"x\"\n[[check]]\nid = \"legacy-protocl\"\n",
            None,
            0,
        )
        .unwrap_err();
        assert!(e.help.unwrap().contains("legacy-protocol"));
    }

    #[test]
    fn extends_replaces_and_removes_entries() {
        let text = "name = \"mine\"\nextends = \"mozilla-intermediate\"\n\
                    [[check]]\nid = \"legacy-protocol\"\nmin = \"TLSv1.3\"\n\
                    [[check]]\nid = \"no-forward-secrecy\"\nseverity = \"off\"\n";
        let p = parse("mine.toml", text, None, 0).unwrap();
        let lp: Vec<_> = p
            .entries
            .iter()
            .filter(|e| e.check.name == "legacy-protocol")
            .collect();
        assert_eq!(lp.len(), 1);
        assert_eq!(lp[0].params.protocol("min"), Some(Protocol::TLSv1_3));
        assert!(
            p.entries
                .iter()
                .all(|e| e.check.name != "no-forward-secrecy")
        );
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("1d"), Some(86_400));
        assert_eq!(parse_duration("300"), Some(300));
        assert_eq!(parse_duration("5x"), None);
    }
}
