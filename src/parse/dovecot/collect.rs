//! Walks the syntax tree once and collects, per filter scope, the TLS-relevant settings
//! (with values interpreted for the detected Dovecot version), the login-service
//! lifetimes, and the observations that belong to single lines (renamed, obsolete,
//! misspelled settings; invalid quoting).
//!
//! Resolution across scopes (which filter wins) is in `extract`; this module only knows
//! one line at a time.

use std::path::Path;

use super::Dv;
use super::filter::{Cond, KINDS};
use super::names;
use super::syntax::{Assign, Item, RawValue, Section};
use crate::escape::short;
use crate::gateway::Gateway;
use crate::model::{CipherString, Label, Observation, ObservationKind as Kind};
use crate::parse::ParseError;
use crate::source::{FileId, Sources, Span};

/// Largest `<file` value read for a TLS setting (cipher lists are short).
const MAX_VALUE_FILE: u64 = 1 << 20;

/// Longest value `$name` expansion may build. Real cipher and curve lists stay under 2 KiB,
/// so 64 KiB is some 30 times any real one; a line doubling `$ssl_cipher_list` reaches it
/// after 16 lines. Dovecot itself has no limit: doveconf 2.3.19.1 grows to gigabytes and
/// stops with `block_alloc(…): Out of memory`.
pub(crate) const MAX_EXPANDED_LEN: usize = 1 << 16;
/// Bytes all expanded values of one parse may hold together (each entry keeps its own
/// copy): 128 values at the length limit.
pub(crate) const MAX_EXPANDED_TOTAL: usize = 8 << 20;
/// Expansion steps (a `$` word, or an earlier setting compared while looking it up) for one
/// parse. A real file has a few `$` words and tens of settings, so a few hundred steps;
/// 2,000,000 take a few milliseconds and keep a file full of lookups from going quadratic.
pub(crate) const MAX_EXPAND_STEPS: usize = 2_000_000;

/// An interpreted value: its text and where each part of it is written.
#[derive(Clone, Debug)]
pub(crate) struct Val {
    /// The value as Dovecot sees it, pieces mapped to file bytes where exact.
    pub(crate) text: CipherString,
    /// Where the value is written (the `<path` for file values).
    pub(crate) span: Span,
    /// The `<path` as written, for values that are file references.
    pub(crate) file: Option<String>,
    /// Places that contributed (a `$name` definition).
    pub(crate) related: Vec<Label>,
}

/// One TLS-relevant setting in a global or filter scope.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    /// The filter scope.
    pub(crate) cond: Cond,
    /// Canonical name (`ssl_protocols` becomes `ssl_min_protocol`).
    pub(crate) key: String,
    /// The name as written (prefix included).
    pub(crate) written: String,
    /// The value.
    pub(crate) val: Val,
}

/// A `service_count` / `restart_request_count` inside a login `service`.
#[derive(Clone, Debug)]
pub(crate) struct ServiceCount {
    /// `imap-login`, `pop3-login`, …
    pub(crate) service: String,
    /// The setting name as written.
    pub(crate) key: String,
    /// The value as written.
    pub(crate) value: String,
    /// Where the value is written.
    pub(crate) span: Span,
}

/// What the walk collected.
#[derive(Default)]
pub(crate) struct Collected {
    /// TLS settings in global/filter scopes, in file order.
    pub(crate) entries: Vec<Entry>,
    /// Login-service lifetimes, in file order.
    pub(crate) services: Vec<ServiceCount>,
    /// Distinct filter scopes holding TLS settings, in order of first appearance.
    pub(crate) scopes: Vec<Cond>,
    /// Line-level observations, with the scope they were written in.
    pub(crate) observations: Vec<(Cond, Observation)>,
    /// Errors (filter nesting, unreadable `<file` TLS values).
    pub(crate) errors: Vec<ParseError>,
    /// Files read for `<file` TLS values.
    pub(crate) files: Vec<FileId>,
    /// `<file` values not read because they are outside the checked root.
    pub(crate) outside: Vec<Observation>,
    /// Includes not read, each with its scope and the number of entries before it (what
    /// it may override).
    pub(crate) unread: Vec<(Cond, usize, Span, String)>,
}

/// TLS settings whose `<file` value is read (they hold words, not secrets or PEM).
const READ_FILE_KEYS: &[&str] = &[
    "ssl",
    "ssl_min_protocol",
    "ssl_protocols",
    "ssl_cipher_list",
    "ssl_cipher_suites",
    "ssl_curve_list",
    "ssl_options",
    "ssl_prefer_server_ciphers",
    "ssl_server_prefer_ciphers",
];

/// Settings that make a filter block a TLS endpoint of its own.
const ENDPOINT_KEYS: &[&str] = &[
    "ssl",
    "ssl_min_protocol",
    "ssl_protocols",
    "ssl_cipher_list",
    "ssl_cipher_suites",
    "ssl_curve_list",
    "ssl_options",
    "ssl_prefer_server_ciphers",
    "ssl_server_prefer_ciphers",
    "ssl_dh",
    "ssl_server_dh_file",
    "ssl_cert",
    "ssl_key",
    "ssl_alt_cert",
    "ssl_alt_key",
    "ssl_server_cert_file",
    "ssl_server_key_file",
    "ssl_server_alt_cert_file",
    "ssl_server_alt_key_file",
    "ssl_verify_client_cert",
    "ssl_server_request_client_cert",
    "disable_plaintext_auth",
    "auth_allow_cleartext",
];

/// Login services whose process lifetime decides how long a ticket key lives.
pub(crate) const LOGIN_SERVICES: &[&str] = &[
    "imap-login",
    "pop3-login",
    "submission-login",
    "managesieve-login",
];

/// Walks the tree.
pub(crate) fn collect(
    items: &[Item],
    dv: Dv,
    sources: &mut Sources,
    gateway: &Gateway,
) -> Collected {
    let mut w = Walker {
        dv,
        sources,
        gateway,
        expansion: Spent::default(),
        out: Collected::default(),
    };
    w.scope(items, &Cond::default(), None, 0);
    w.out
}

struct Walker<'a> {
    /// Value files are read through it.
    gateway: &'a Gateway,
    dv: Dv,
    sources: &'a mut Sources,
    /// `$name` expansion work done so far in this parse.
    expansion: Spent,
    out: Collected,
}

/// Expansion work done in one parse, against [`MAX_EXPAND_STEPS`] and
/// [`MAX_EXPANDED_TOTAL`].
#[derive(Default)]
struct Spent {
    steps: usize,
    bytes: usize,
    /// A limit was reported; later values are left as written without another error.
    over: bool,
}

impl Walker<'_> {
    /// A global or filter scope. `prefix` is set inside 2.4 `ssl_server {}`.
    fn scope(&mut self, items: &[Item], cond: &Cond, prefix: Option<&str>, innermost: usize) {
        for item in items {
            match item {
                Item::Assign(a) => self.assign(a, cond, prefix),
                Item::Section(s) => self.section(s, cond, prefix, innermost),
                Item::Unread(span, line) => {
                    let at = self.out.entries.len();
                    self.out
                        .unread
                        .push((cond.clone(), at, *span, line.clone()));
                }
            }
        }
    }

    fn section(&mut self, s: &Section, cond: &Cond, prefix: Option<&str>, innermost: usize) {
        if let Some(k) = KINDS.iter().position(|k| *k == s.kind) {
            let Some(name) = s.name.clone() else {
                self.out.errors.push(ParseError::new(
                    s.span,
                    format!("{} filter needs a value", s.kind),
                ));
                return;
            };
            if innermost > k {
                let (outer, inner) = (KINDS[innermost - 1], KINDS[k]);
                let msg = if innermost - 1 == k {
                    format!("Nested {inner} {{ {inner} {{ .. }} }} block not allowed")
                } else {
                    format!("{outer} {{ {inner} {{ .. }} }} not allowed")
                };
                self.out.errors.push(
                    ParseError::new(s.span, msg)
                        .help("nest filters in the order local, local_name, remote, protocol"),
                );
                return;
            }
            let inner = cond.with(k, name, s.span);
            self.scope(&s.items, &inner, prefix, k + 1);
        } else if self.dv.is24 && s.kind == "ssl_server" {
            self.scope(&s.items, cond, Some("ssl_server_"), innermost);
        } else if s.kind == "service" {
            self.service(s);
        }
        // Other sections (`ssl_client`, `namespace`, `passdb`, `inet_listener` …) hold no
        // server TLS context settings.
    }

    fn service(&mut self, s: &Section) {
        let name = s.name.clone().unwrap_or_default();
        for item in &s.items {
            let Item::Assign(a) = item else { continue };
            let key = a.key.as_str();
            if key != "service_count" && key != "restart_request_count" {
                continue;
            }
            let scope_key = format!("dovecot/service[{name}]/{key}");
            if self.dv.is24 && key == "service_count" {
                self.push_obs(
                    &Cond::default(),
                    Observation::new(
                        Kind::Deprecated,
                        a.key_span,
                        "Dovecot 2.4 rejects `service_count` (Unknown setting)",
                    )
                    .help("use `restart_request_count` (`unlimited` for long-lived processes)")
                    .key(scope_key),
                );
                continue;
            }
            if !self.dv.is24 && key == "restart_request_count" {
                continue;
            }
            if LOGIN_SERVICES.contains(&name.as_str()) {
                let (value, span) = match &a.value {
                    RawValue::Text { text, span, .. } => (text.clone(), *span),
                    RawValue::File { span, .. } => (String::new(), *span),
                };
                self.out.services.push(ServiceCount {
                    service: name.clone(),
                    key: key.to_owned(),
                    value,
                    span,
                });
            }
        }
    }

    fn assign(&mut self, a: &Assign, cond: &Cond, prefix: Option<&str>) {
        let Some(key) = self.classify(a, cond, prefix) else {
            return;
        };
        let Some(val) = self.value(a, &key, cond) else {
            return;
        };
        if !self.out.scopes.iter().any(|c| c.same(cond)) && ENDPOINT_KEYS.contains(&key.as_str()) {
            self.out.scopes.push(cond.clone());
        }
        self.out.entries.push(Entry {
            cond: cond.clone(),
            key: if key == "ssl_protocols" && !self.dv.is22() {
                "ssl_min_protocol".into()
            } else {
                key
            },
            written: a.key.clone(),
            val,
        });
    }

    /// The canonical name of a setting line, or `None` when it is not a TLS setting this
    /// version applies (observations are recorded on the way).
    fn classify(&mut self, a: &Assign, cond: &Cond, prefix: Option<&str>) -> Option<String> {
        let known: &[&'static str] = if self.dv.is24 {
            names::KNOWN_24
        } else if self.dv.is22() {
            names::KNOWN_22
        } else {
            names::KNOWN_23
        };
        let key = match prefix {
            Some(p) if known.contains(&format!("{p}{}", a.key).as_str()) => format!("{p}{}", a.key),
            Some(p) if !a.key.starts_with("ssl") => format!("{p}{}", a.key),
            _ => a.key.clone(),
        };
        let scope_key = format!("{}/{key}", cond.key());
        if self.dv.is24 {
            if let Some(new) = names::renamed_24(&key) {
                self.deprecated_24(a, &key, new, cond, scope_key);
                return None;
            }
        } else if let Some((_, help)) = names::OBSOLETE_23
            .iter()
            .find(|(n, _)| *n == key)
            .filter(|_| !self.dv.is22())
        {
            self.push_obs(
                cond,
                Observation::new(
                    Kind::Deprecated,
                    a.key_span,
                    format!("`{}` is obsolete in Dovecot 2.3", short(&key)),
                )
                .help(*help)
                .key(scope_key),
            );
            return (key == "ssl_protocols").then_some(key);
        }
        if key == "disable_plaintext_auth" || key == "auth_allow_cleartext" {
            return self.plaintext_key(a, &key, cond, scope_key);
        }
        if !(key == "ssl" || key.starts_with("ssl_")) || known.contains(&key.as_str()) {
            return (key == "ssl" || key.starts_with("ssl_")).then_some(key);
        }
        self.unknown(a, &key, known, cond, scope_key);
        None
    }

    fn plaintext_key(
        &mut self,
        a: &Assign,
        key: &str,
        cond: &Cond,
        scope_key: String,
    ) -> Option<String> {
        if !self.dv.is24 && key == "auth_allow_cleartext" {
            self.push_obs(
                cond,
                Observation::new(
                    Kind::UnknownSetting,
                    a.key_span,
                    format!(
                        "Dovecot {} does not know `auth_allow_cleartext` (a Dovecot 2.4 name)",
                        self.dv.short()
                    ),
                )
                .help(format!(
                    "in Dovecot {} write `disable_plaintext_auth` (inverted meaning)",
                    self.dv.short()
                ))
                .key(scope_key),
            );
            return None;
        }
        Some(key.to_owned())
    }

    fn deprecated_24(&mut self, a: &Assign, key: &str, new: &str, cond: &Cond, scope_key: String) {
        let help = match (key, new) {
            (_, "") => "remove it: Dovecot 2.4 has no such setting".to_owned(),
            ("verbose_ssl", _) => "use `log_debug = category=ssl`".to_owned(),
            ("disable_plaintext_auth", _) => {
                "use `auth_allow_cleartext` (inverted meaning: `disable_plaintext_auth = yes` is `auth_allow_cleartext = no`)".to_owned()
            }
            ("ssl_prefer_server_ciphers", _) => {
                "use `ssl_server_prefer_ciphers = server` (or `client`)".to_owned()
            }
            ("ssl_protocols", _) => "use `ssl_min_protocol` (e.g. `ssl_min_protocol = TLSv1.2`)".to_owned(),
            ("ssl_dh_parameters_length", _) => {
                "remove it; DH parameters come from `ssl_server_dh_file`".to_owned()
            }
            _ if matches!(a.value, RawValue::File { .. }) && new.ends_with("_file") => {
                format!("use `{new}` with the path itself, without `<`")
            }
            _ => format!("use `{new}`"),
        };
        self.push_obs(
            cond,
            Observation::new(
                Kind::Deprecated,
                a.key_span,
                format!("Dovecot 2.4 rejects `{}` (Unknown setting)", short(key)),
            )
            .help(help)
            .key(scope_key),
        );
    }

    fn unknown(
        &mut self,
        a: &Assign,
        key: &str,
        known: &[&'static str],
        cond: &Cond,
        scope_key: String,
    ) {
        let version = if self.dv.is24 {
            "2.4".to_owned()
        } else {
            self.dv.short()
        };
        let mut obs = Observation::new(
            Kind::UnknownSetting,
            a.key_span,
            format!(
                "Dovecot {version} does not know the setting `{}`",
                short(key)
            ),
        )
        .key(scope_key);
        if self.dv.is22() && key == "ssl_min_protocol" {
            obs = obs.help(
                "`ssl_min_protocol` came in Dovecot 2.3; in 2.2 write `ssl_protocols = !SSLv3 !TLSv1 !TLSv1.1`",
            );
        } else if !self.dv.is24
            && let Some(old) = names::name_23_for(key)
        {
            obs.message = format!(
                "Dovecot {version} does not know `{}` (a Dovecot 2.4 name)",
                short(key)
            );
            obs = obs.help(format!("in Dovecot {version} write `{old}`"));
        } else if let Some(s) = names::suggest(key, known) {
            obs = obs.help(format!("did you mean `{s}`?"));
        }
        self.push_obs(cond, obs);
    }

    fn push_obs(&mut self, cond: &Cond, obs: Observation) {
        self.out.observations.push((cond.clone(), obs));
    }

    /// Interprets a value: unquoting, `$` expansion, and `<file` for word-list settings.
    fn value(&mut self, a: &Assign, key: &str, cond: &Cond) -> Option<Val> {
        match &a.value {
            RawValue::File {
                path,
                resolved,
                span,
            } => {
                if !READ_FILE_KEYS.contains(&key) {
                    return Some(Val {
                        text: CipherString::unplaced(path.clone()),
                        span: *span,
                        file: Some(path.clone()),
                        related: Vec::new(),
                    });
                }
                self.read_value_file(resolved, *span, key)
            }
            RawValue::Text {
                text,
                quote,
                pieces,
                span,
            } => {
                let mut val = Val {
                    text: CipherString {
                        text: text.clone(),
                        pieces: pieces.clone(),
                        builtin: Vec::new(),
                    },
                    span: *span,
                    file: None,
                    related: Vec::new(),
                };
                if quote.is_some() {
                    self.unquote(&mut val, cond, key);
                } else if text.contains('$') {
                    self.expand(&mut val, key, cond);
                }
                Some(val)
            }
        }
    }

    fn unquote(&mut self, val: &mut Val, cond: &Cond, key: &str) {
        if !val.text.text.contains('\\') {
            return;
        }
        let mut out = String::new();
        let mut chars = val.text.text.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some(n) if !self.dv.is24 || n == '\\' || n == '"' => out.push(n),
                Some(n) => {
                    // 2.4 accepts only `\\` and `\"` inside quotes.
                    self.push_obs(
                        cond,
                        Observation::new(
                            Kind::InvalidValue,
                            val.span,
                            format!("Dovecot 2.4 rejects the escape `\\{n}` in a quoted value"),
                        )
                        .help("inside quotes Dovecot 2.4 accepts only `\\\\` and `\\\"`")
                        .key(format!("{}/{key}", cond.key())),
                    );
                    out.push(n);
                }
                None => out.push('\\'),
            }
        }
        val.text = CipherString::unplaced(out);
    }

    /// `$name` (2.3: an earlier setting's value) or `$SET:name` (2.4). Unknown variables
    /// stay literal, as `doveconf -n` shows them. Work is bounded (see
    /// [`MAX_EXPANDED_LEN`]); past a limit the value stays as written and the parse gets an
    /// error, since a shortened cipher list would give a wrong verdict.
    fn expand(&mut self, val: &mut Val, key: &str, cond: &Cond) {
        if self.expansion.over {
            return;
        }
        let mut out = String::new();
        let mut changed = false;
        let mut related = Vec::new();
        for (i, tok) in val.text.text.split(' ').enumerate() {
            if i > 0 {
                out.push(' ');
            }
            let name = if self.dv.is24 {
                tok.strip_prefix("$SET:")
            } else {
                tok.strip_prefix('$').filter(|n| !n.contains(':'))
            };
            self.expansion.steps += 1;
            let found = name.and_then(|n| {
                let (steps, found) = self.lookup(n, cond);
                self.expansion.steps += steps;
                found
            });
            if let Some(e) = found {
                out.push_str(&self.out.entries[e].val.text.text);
                related.push(Label::new(
                    self.out.entries[e].val.span,
                    "variable defined here",
                ));
                changed = true;
            } else if name == Some(key) {
                changed = true;
            } else {
                out.push_str(tok);
            }
            if let Some(limit) = self.over_limit(out.len()) {
                self.expansion.over = true;
                self.out.errors.push(
                    ParseError::new(val.span, format!("cannot expand `{key}`: {limit}"))
                        .help("write the value out instead of building it from `$name` references"),
                );
                return;
            }
        }
        if changed {
            self.expansion.bytes += out.len();
            val.related.extend(related);
            val.text = CipherString::unplaced(out.trim().to_owned());
        }
    }

    /// The latest earlier entry named `n` visible in `cond`, with the entries compared.
    fn lookup(&self, n: &str, cond: &Cond) -> (usize, Option<usize>) {
        let mut steps = 0;
        for (i, e) in self.out.entries.iter().enumerate().rev() {
            steps += 1;
            if (e.written == n || e.key == n) && cond.within(&e.cond) {
                return (steps, Some(i));
            }
        }
        (steps, None)
    }

    /// The limit passed by a value of `len` bytes being built, if any.
    fn over_limit(&self, len: usize) -> Option<String> {
        if len > MAX_EXPANDED_LEN {
            Some(format!(
                "the expanded value is longer than {MAX_EXPANDED_LEN} bytes (tlslint's limit \
                 per value; a `$name` doubling chain?)"
            ))
        } else if self.expansion.bytes + len > MAX_EXPANDED_TOTAL {
            Some(format!(
                "expanded values in this file exceed {MAX_EXPANDED_TOTAL} bytes together \
                 (tlslint's limit per file)"
            ))
        } else if self.expansion.steps > MAX_EXPAND_STEPS {
            Some(format!(
                "`$name` expansion in this file takes more than {MAX_EXPAND_STEPS} steps \
                 (tlslint's limit per file)"
            ))
        } else {
            None
        }
    }

    fn read_value_file(&mut self, path: &Path, span: Span, key: &str) -> Option<Val> {
        let id = match self.sources.load_included(path, self.gateway) {
            Ok(id) => id,
            Err(why) if crate::parse::is_unseen(&why) => {
                self.out.outside.push(crate::parse::refused_note(
                    span,
                    path,
                    &why,
                    &format!("the value of `{key}`"),
                ));
                return None;
            }
            Err(why) => {
                self.out.errors.push(
                    ParseError::new(
                        span,
                        format!(
                            "cannot read the `<{}` value of `{key}`: {why}",
                            crate::source::display_name(path)
                        ),
                    )
                    .help("Dovecot reads this file at start-up; make it readable or write the value inline"),
                );
                return None;
            }
        };
        // A word-list value is one line; anything else is not such a value, and its text
        // (perhaps a secret) is never quoted.
        let text = &self.sources.get(id).text;
        if text.len() as u64 > MAX_VALUE_FILE || text.trim().lines().count() > 1 {
            self.out.errors.push(
                ParseError::new(
                    span,
                    format!(
                        "the `<{}` value of `{key}` is not a one-line list; its text is not shown",
                        crate::source::display_name(path)
                    ),
                )
                .help("point `<` at a file holding only the value"),
            );
            self.sources.redact(id);
            return None;
        }
        if !self.out.files.contains(&id) {
            self.out.files.push(id);
        }
        let text = self.sources.get(id).text.clone();
        let trimmed = text.trim_end();
        let lead = trimmed.len() - trimmed.trim_start().len();
        let span_in_file = Span::new(id, lead, trimmed.len());
        Some(Val {
            text: CipherString::placed(trimmed.trim_start().to_owned(), span_in_file),
            span: span_in_file,
            file: None,
            related: vec![Label::new(span, "value read from this file")],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Version;

    /// Reads `text` as a Dovecot 2.3 file and collects it.
    fn collect_text(name: &str, text: &str) -> Collected {
        let dir = std::env::temp_dir().join(format!(
            "tlslint-dovecot-collect-{}-{name}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("dovecot.conf");
        std::fs::write(&path, text).unwrap();
        let mut sources = Sources::new();
        let tree =
            super::super::syntax::read(&path, &mut sources, &crate::gateway::Gateway::default());
        let dv = Dv {
            version: Version(2, 3, 0),
            is24: false,
            tls13: true,
        };
        collect(
            &tree.items,
            dv,
            &mut sources,
            &crate::gateway::Gateway::default(),
        )
    }

    fn last_cipher_list(c: &Collected) -> &str {
        let e = c.entries.iter().rev().find(|e| e.key == "ssl_cipher_list");
        &e.unwrap().val.text.text
    }

    #[test]
    fn variables_expand() {
        let c = collect_text(
            "plain",
            "ssl_cipher_list = HIGH\nssl_cipher_list = $ssl_cipher_list:!RC4 $ssl_cipher_list\n",
        );
        assert!(c.errors.is_empty());
        // `$name:x` stays literal in 2.3 (observed with doveconf 2.3.19.1).
        assert_eq!(last_cipher_list(&c), "$ssl_cipher_list:!RC4 HIGH");
    }

    #[test]
    fn doubling_stops_at_the_length_limit() {
        let mut text = "ssl_cipher_list = HIGH\n".to_owned();
        for _ in 0..40 {
            text.push_str("ssl_cipher_list = $ssl_cipher_list $ssl_cipher_list\n");
        }
        let c = collect_text("double", &text);
        assert_eq!(c.errors.len(), 1, "{:?}", c.errors);
        assert!(c.errors[0].message.contains("65536 bytes"));
        let total: usize = c.entries.iter().map(|e| e.val.text.text.len()).sum();
        assert!(total < 4 * MAX_EXPANDED_LEN, "{total}");
    }

    #[test]
    fn many_long_values_hit_the_file_limit() {
        // Each value is under the length limit, but together they pass the file limit.
        let mut text = format!("ssl_cipher_list = {}\n", "A".repeat(4000));
        for _ in 0..4 {
            text.push_str("ssl_cipher_list = $ssl_cipher_list $ssl_cipher_list\n");
        }
        for _ in 0..200 {
            text.push_str("ssl_curve_list = $ssl_cipher_list\n");
        }
        let c = collect_text("total", &text);
        assert_eq!(c.errors.len(), 1, "{:?}", c.errors);
        assert!(c.errors[0].message.contains("per file"));
    }

    #[test]
    fn lookups_are_bounded() {
        // 2,000 settings and 2,000 unknown `$` words: 4,000,000 comparisons unbounded.
        let mut text = String::new();
        for _ in 0..2000 {
            text.push_str("ssl_curve_list = X25519\n");
        }
        text.push_str("ssl_cipher_list =");
        for _ in 0..2000 {
            text.push_str(" $nothing");
        }
        text.push('\n');
        let c = collect_text("steps", &text);
        assert_eq!(c.errors.len(), 1, "{:?}", c.errors);
        assert!(c.errors[0].message.contains("steps"));
    }
}
