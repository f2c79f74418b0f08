//! Apache httpd 2.4 with mod_ssl: syntax (sections, continuations, quoting, `Define` and
//! `${VAR}`, `Include`/`IncludeOptional` relative to `ServerRoot`) and extraction of one
//! endpoint per TLS virtual host, the main server when the server config turns TLS on, and
//! the proxy (client) side where `SSLProxyEngine on` is written.
//!
//! Debian's layout (`apache2.conf` including `mods-enabled/*.load`, `mods-enabled/*.conf`,
//! `ports.conf`, `conf-enabled/*.conf`, `sites-enabled/*.conf`) is read from the entry file's
//! directory, which stands for `ServerRoot` until a `ServerRoot` line says otherwise. A
//! site file read on its own (`sites-enabled/default-ssl.conf`) is a fragment: what the
//! server config around it may set is unknown.

mod extract;
mod syntax;

use std::path::Path;

use super::{Options, Parsed};
use crate::model::PathBase;
use crate::source::{Sources, Span};

/// The note on a missing HSTS header of a config that loads its modules but not mod_headers
/// (`Header` is then an unknown directive and httpd refuses to start).
const NO_MOD_HEADERS: &str = "this config does not load mod_headers, which `Header` needs: \
load it first (`LoadModule headers_module modules/mod_headers.so`; on Debian `a2enmod headers`)";

/// True when the text reads like an httpd config: a `<VirtualHost` section, or mod_ssl
/// directives at the start of lines, and no nginx-style `;`-terminated lines or Dovecot
/// `key = value` lines.
pub fn looks_like(text: &str) -> bool {
    let mut hits = 0;
    let mut foreign = 0;
    for line in text.lines().take(4000) {
        let l = line.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let word = l.split_whitespace().next().unwrap_or("");
        let lower = word.to_ascii_lowercase();
        if lower.starts_with("<virtualhost")
            || matches!(
                lower.as_str(),
                "sslengine"
                    | "sslprotocol"
                    | "sslciphersuite"
                    | "sslcertificatefile"
                    | "sslproxyengine"
                    | "serverroot"
                    | "loadmodule"
                    | "documentroot"
            )
        {
            hits += 1;
        }
        if l.ends_with(';') || l.ends_with('{') || l.contains(" = ") {
            foreign += 1;
        }
    }
    hits > 0 && foreign * 4 <= hits
}

/// Parses an httpd entry file (`apache2.conf`, `httpd.conf`, or a site file) and what it
/// includes.
pub fn parse(path: &Path, sources: &mut Sources, options: &Options) -> Parsed {
    let options = &*crate::parse::confined_for(options, path);
    let httpd = options.targets.apache;
    let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let root = if root.as_os_str().is_empty() {
        std::path::PathBuf::from(".")
    } else {
        root
    };
    let tree = syntax::read(path, &root, sources, options, httpd);
    let entry = tree
        .files
        .first()
        .copied()
        .unwrap_or(crate::source::FileId(0));
    let cx = extract::Context {
        httpd,
        openssl: options.targets.openssl,
        strict: options.strict_unknown,
        relative: PathBase::Dir {
            dir: std::sync::Arc::from(tree.server_root.as_path()),
            by: entry,
        },
        entry,
    };
    let (mut model, extra) = extract::extract(&tree.nodes, &cx);
    for e in &mut model.endpoints {
        dh_in_certificate(e, &tree.server_root, options);
    }
    if !tree.headers_module {
        // An HSTS `Header` line needs mod_headers, which this config does not load.
        for e in &mut model.endpoints {
            if let Some(h) = &mut e.tls.hsts
                && h.is_default()
            {
                h.set_note(NO_MOD_HEADERS);
            }
        }
    }
    // A fragment read without the file that includes it: the program's defaults are not
    // known to apply to what it leaves out.
    let fragment = is_fragment(path).then(|| Span::new(entry, 0, 0));
    crate::parse::unknown::close_includes(
        &mut model,
        tree.outside,
        &tree.unread,
        fragment,
        "httpd",
        path,
        options,
    );
    let mut errors = tree.errors;
    errors.extend(extra);
    Parsed {
        model,
        errors,
        files: tree.files,
        opaque: Vec::new(),
    }
}

/// A file of a Debian-style layout (`sites-enabled/`, `conf-enabled/`, `mods-enabled/`, or
/// their `-available` twins) read on its own.
fn is_fragment(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if name == "apache2.conf" || name == "httpd.conf" {
        return false;
    }
    path.parent()
        .and_then(Path::file_name)
        .map(|d| d.to_string_lossy().into_owned())
        .is_some_and(|d| {
            d.starts_with("sites-")
                || d.starts_with("conf-")
                || d.starts_with("mods-")
                || d == "conf.d"
                || d == "vhosts.d"
        })
}

/// httpd reads DH parameters appended to an endpoint's first `SSLCertificateFile` (a
/// `-----BEGIN DH PARAMETERS-----` block after the certificates) and uses them for DHE,
/// unless `SSLOpenSSLConfCmd DHParameters` (applied later) names a file. The file is only
/// searched for the block's marker here, through the gateway; its size is read later with
/// the other key material and judged by `weak-dh-params`.
fn dh_in_certificate(e: &mut crate::model::Endpoint, server_root: &Path, options: &Options) {
    if e.tls.dh_params.is_some() {
        return;
    }
    let Some(first) = e.tls.certificates.first() else {
        return;
    };
    let path = if first.value.is_absolute() {
        first.value.clone()
    } else {
        server_root.join(&first.value)
    };
    let Ok(bytes) = options.gateway.read_material(&path) else {
        return;
    };
    let has_dh = [
        b"-----BEGIN DH PARAMETERS-----".as_slice(),
        b"-----BEGIN X9.42 DH PARAMETERS-----".as_slice(),
    ]
    .iter()
    .any(|m| bytes.windows(m.len()).any(|w| w == *m));
    if has_dh {
        let mut s = first.with_value(Some(first.value.clone()));
        s.set_note("httpd uses the DH parameters appended to the first `SSLCertificateFile`");
        e.tls.dh_params = Some(s);
    }
}
