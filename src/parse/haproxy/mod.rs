//! HAProxy 2.x / 3.x: the line tokenizer (quotes, escapes, environment variables), the
//! conditional blocks (`.if` ... `.endif`, decided with the target versions where they can
//! be), sections, and extraction of one endpoint per TLS `bind` and `server` line.
//!
//! `--target haproxy=` decides the version-dependent defaults (the `bind` minimum of TLS 1.2
//! since 2.2, DHE only with parameters since 2.6) and the `version_atleast()` conditions;
//! the default is Debian 13's HAProxy 3.0. Certificate and key files are never read here;
//! `crt-list` files are (they list certificates and their options).

mod cond;
mod extract;
mod lexer;
mod options;
mod sections;

use std::path::{Path, PathBuf};

use super::{Options, Parsed};
use crate::source::Sources;

/// True when the text reads like an HAProxy config: a `frontend`, `backend` or `listen`
/// section header (or `global` / `defaults`) at the start of a line and a `bind` or
/// `server` line, with no nginx-style `;`-terminated directives or `{` blocks.
pub fn looks_like(text: &str) -> bool {
    let (mut proxy, mut section, mut lines, mut bind, mut braces) =
        (false, false, false, false, 0usize);
    for line in text.lines().take(5000) {
        let l = line.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let kw = l.split_whitespace().next().unwrap_or("");
        if l.ends_with('{') || l.ends_with(';') {
            braces += 1;
        }
        match kw {
            "frontend" | "backend" | "listen" => {
                proxy = true;
                section = true;
            }
            "global" | "defaults" => section = true,
            "bind" => {
                bind = true;
                lines = true;
            }
            "server" | "default_backend" | "use_backend" | "mode" => lines = true,
            _ => {}
        }
    }
    ((proxy && lines) || (section && bind)) && braces == 0
}

/// Parses an HAProxy configuration file (`-f FILE`); a file among the `-f` arguments of
/// `[haproxy] load` ([`Options::haproxy_load`]) is parsed with all of them, as HAProxy
/// loads them.
pub fn parse(path: &Path, sources: &mut Sources, options: &Options) -> Parsed {
    if loaded_together(path, options) {
        return parse_files(&options.haproxy_load, sources, options);
    }
    parse_files(&[path.to_path_buf()], sources, options)
}

/// True when `path` is one of the `[haproxy] load` files, or a `*.cfg` file of one of its
/// directories (compared as the gateway resolves them).
fn loaded_together(path: &Path, options: &Options) -> bool {
    if options.haproxy_load.is_empty() {
        return false;
    }
    let gateway = &options.gateway;
    let Ok(me) = gateway.resolve(path) else {
        return false;
    };
    let dir = me.path.parent();
    let cfg = me.path.extension().is_some_and(|e| e == "cfg");
    options
        .haproxy_load
        .iter()
        .any(|p| match gateway.resolve(p) {
            Ok(r) if gateway.is_dir(p) => cfg && dir == Some(r.path.as_path()),
            Ok(r) => r.path == me.path,
            Err(_) => false,
        })
}

/// Parses several `-f` arguments in order, as HAProxy loads them: a directory stands for
/// its `*.cfg` files in lexical order. Sections do not continue from one file to the next,
/// but `global` and `defaults` apply across them.
pub fn parse_files(paths: &[PathBuf], sources: &mut Sources, options: &Options) -> Parsed {
    let Some(first) = paths.first() else {
        return Parsed::default();
    };
    let options = &*crate::parse::confined_for(options, first);
    let version = options.targets.haproxy;
    let mut read = sections::Read::default();
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for p in expand(paths, options) {
        match crate::parse::load(&p, sources, options) {
            Ok(id) => {
                files.push(id);
                let text = std::sync::Arc::clone(&sources.get(id).text);
                sections::read_file(id, &text, &options.targets, version, &mut read);
            }
            Err(e) => errors.push(e),
        }
    }
    errors.append(&mut read.errors);
    let base = first.parent().map(Path::to_path_buf).unwrap_or_default();
    // `haproxy.cfg` alone is the file the packages' service loads first: without a
    // `global` section it is a whole configuration on HAProxy's defaults.
    let whole = matches!(paths, [one] if one.file_name().is_some_and(|n| n == "haproxy.cfg"));
    let (model, mut more) =
        extract::Extractor::new(options, sources, version, base).run(&read.sections, whole);
    errors.append(&mut more);
    Parsed {
        model,
        errors,
        files,
        opaque: Vec::new(),
    }
}

/// Directories become their `*.cfg` files in lexical order.
fn expand(paths: &[PathBuf], options: &Options) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if options.gateway.is_dir(p) {
            if let Ok(listing) = options.gateway.list(p) {
                for name in listing.iter() {
                    if Path::new(name).extension().is_some_and(|e| e == "cfg") {
                        out.push(p.join(name));
                    }
                }
            }
        } else {
            out.push(p.clone());
        }
    }
    out
}
