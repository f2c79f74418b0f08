//! Dovecot 2.2 / 2.3 / 2.4: syntax (with `!include`), version detection, and extraction of one
//! TLS endpoint per scope: the global context plus every filter block (`local`,
//! `local_name`, `remote`, `protocol`) that sets a TLS setting.
//!
//! Version: a config with `dovecot_config_version` is 2.4 (2.4 refuses to start without
//! it, so a config lacking it is 2.3 syntax unless it only uses 2.4 names);
//! `--target dovecot=` decides the exact 2.3 defaults, and 2.2 (whose names and defaults
//! differ: `ssl_protocols`, `ssl_dh_parameters_length`, no `ssl_min_protocol`), and is the
//! fallback when nothing in the files says. Certificate, key and DH `<file` values are never read; only word-list
//! settings (cipher lists, protocols, options) follow `<file`.

mod collect;
mod extract;
mod filter;
mod glob;
mod names;
mod syntax;

use std::path::Path;

use super::{Options, ParseError, Parsed};
use crate::model::Version;
use crate::source::{Sources, Span};
use syntax::{Item, RawValue};

/// The Dovecot version a config is read as.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Dv {
    /// Version whose defaults apply.
    pub(crate) version: Version,
    /// 2.4 syntax and names.
    pub(crate) is24: bool,
    /// The OpenSSL target has TLS 1.3 (1.1.1 and later): a 2.2 `ssl_protocols` list that
    /// only excludes versions leaves it on.
    pub(crate) tls13: bool,
}

impl Dv {
    /// Dovecot 2.2: the names and defaults before 2.3 renamed `ssl_protocols`.
    pub(crate) fn is22(self) -> bool {
        !self.is24 && self.version < Version(2, 3, 0)
    }

    /// `2.3` / `2.4` (or `2.3.21` when the patch level matters for defaults).
    pub(crate) fn short(self) -> String {
        if self.is24 {
            "2.4".into()
        } else {
            self.version.to_string()
        }
    }
}

/// The last Dovecot 2.3 release line, used for 2.3 configs when the target is 2.4.
const LATEST_23: Version = Version(2, 3, 21);

/// True when the text is clearly a Dovecot config: Dovecot-only keys at the start of a
/// line, and no nginx-style `;`-terminated directives.
pub fn looks_like(text: &str) -> bool {
    let mut hits = 0;
    let mut semicolons = 0;
    for line in text.lines().take(2000) {
        let l = line.trim_start();
        if l.starts_with('#') || l.is_empty() {
            continue;
        }
        if l.trim_end().ends_with(';') {
            semicolons += 1;
        }
        let key = l
            .split(|c: char| c == '=' || c.is_whitespace())
            .next()
            .unwrap_or("");
        let is_assign = l[key.len()..].trim_start().starts_with('=');
        let dovecot_key = matches!(
            key,
            "dovecot_config_version"
                | "protocols"
                | "ssl_cert"
                | "ssl_key"
                | "ssl_server_cert_file"
                | "ssl_min_protocol"
                | "disable_plaintext_auth"
                | "auth_allow_cleartext"
                | "mail_location"
                | "mail_driver"
        ) && is_assign;
        if key == "dovecot_config_version" && is_assign {
            return true;
        }
        if dovecot_key || (key == "!include" || key == "!include_try") {
            hits += 1;
        }
    }
    hits > 0 && semicolons == 0
}

/// Parses a Dovecot entry file (`dovecot.conf`) and everything it includes.
pub fn parse(path: &Path, sources: &mut Sources, options: &Options) -> Parsed {
    let options = &*crate::parse::confined_for(options, path);
    let tree = syntax::read(path, sources, &options.gateway);
    let entry = tree
        .files
        .first()
        .copied()
        .unwrap_or(crate::source::FileId(0));
    let mut errors = tree.errors;
    let dv = detect_version(&tree.items, options, &mut errors);
    let collected = collect::collect(&tree.items, dv, sources, &options.gateway);
    let mut model = extract::extract(
        &collected,
        dv,
        Span::new(entry, 0, 0),
        options.strict_unknown,
    );
    // A fragment read without the file that includes it: the program's defaults are not
    // known to apply to what it leaves out.
    let fragment = is_fragment(path).then(|| Span::new(entry, 0, 0));
    crate::parse::unknown::close_includes(
        &mut model,
        tree.outside,
        &tree.unread,
        fragment,
        "Dovecot",
        path,
        options,
    );
    model.observations.extend(collected.outside.iter().cloned());
    errors.extend(collected.errors);
    let mut files = tree.files;
    for f in collected.files {
        if !files.contains(&f) {
            files.push(f);
        }
    }
    Parsed {
        model,
        errors,
        files,
        opaque: tree.opaque,
    }
}

/// A file of Dovecot's `conf.d` layout (`conf.d/10-ssl.conf`, `10-ssl-keys.try`,
/// `*.conf.ext`), which `dovecot.conf` includes: not a whole configuration.
fn is_fragment(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if name == "dovecot.conf" {
        return false;
    }
    let in_conf_d = path
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|d| d == "conf.d");
    let numbered = name.len() > 3
        && name.as_bytes()[..2].iter().all(u8::is_ascii_digit)
        && name.as_bytes()[2] == b'-';
    let ext = Path::new(&name)
        .extension()
        .map(std::ffi::OsStr::to_ascii_lowercase);
    in_conf_d || numbered || ext.is_some_and(|e| e == "try" || e == "ext")
}

/// 2.4 when `dovecot_config_version` is set (it must be the first setting); otherwise
/// 2.4 only when the files use 2.4 names and no 2.3 ones; else 2.3.
fn detect_version(items: &[Item], options: &Options, errors: &mut Vec<ParseError>) -> Dv {
    let target = options.targets.dovecot;
    let tls13 = options.targets.openssl >= Version(1, 1, 1);
    let mut first = true;
    let mut found = None;
    let (mut n23, mut n24) = (false, false);
    walk(items, &mut |key, value, span| {
        if key == "dovecot_config_version" && found.is_none() {
            found = Some((value.to_owned(), span, first));
        }
        first = false;
        n23 |= names::KNOWN_23.contains(&key) && !names::KNOWN_24.contains(&key)
            || key == "disable_plaintext_auth";
        n24 |= names::KNOWN_24.contains(&key) && !names::KNOWN_23.contains(&key)
            || key == "auth_allow_cleartext"
            || key == "ssl_server";
    });
    let at_least_24 = |v: Version| {
        if v >= Version(2, 4, 0) {
            v
        } else {
            Version(2, 4, 0)
        }
    };
    if let Some((value, span, was_first)) = found {
        if !was_first {
            errors.push(
                ParseError::new(span, "The first setting must be dovecot_config_version")
                    .help("move `dovecot_config_version` to the top of dovecot.conf"),
            );
        }
        let version = Version::parse(&value).map_or(at_least_24(target), at_least_24);
        return Dv {
            version,
            is24: true,
            tls13,
        };
    }
    if n24 && !n23 {
        return Dv {
            version: at_least_24(target),
            is24: true,
            tls13,
        };
    }
    let version = if target < Version(2, 4, 0) {
        target
    } else {
        LATEST_23
    };
    Dv {
        version,
        is24: false,
        tls13,
    }
}

/// Calls `f(key, value, span)` for every assignment and section header in file order
/// (section headers as `(kind, "", span)`).
fn walk(items: &[Item], f: &mut dyn FnMut(&str, &str, Span)) {
    for item in items {
        match item {
            Item::Assign(a) => {
                let value = match &a.value {
                    RawValue::Text { text, .. } => text.as_str(),
                    RawValue::File { .. } => "",
                };
                f(&a.key, value, a.span);
            }
            Item::Section(s) => {
                f(&s.kind, "", s.span);
                walk(&s.items, f);
            }
            Item::Unread(..) => {}
        }
    }
}
