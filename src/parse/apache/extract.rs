//! From the httpd tree to the model: one server endpoint per `<VirtualHost>` whose
//! effective `SSLEngine` is on (and the main server when the server config turns it on),
//! one client endpoint per scope with `SSLProxyEngine on`. A vhost takes each mod_ssl
//! setting from its own block, else from the server config (mod_ssl's merge), else httpd's
//! default for the target version. `SSLOpenSSLConfCmd` lines (server config first, then the
//! vhost's: mod_ssl appends the lists) are applied after everything else, as mod_ssl does.
//!
//! Not here: per-directory settings (`<Directory>`, `<Location>`, `<If>`: renegotiation,
//! not the handshake), reading key material (see `crate::negotiate`).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use super::syntax::{Arg, Directive, Node, Section};
use crate::escape::short;
use crate::model::{
    CipherString, Ciphers, Dialect, Endpoint, Hsts, Model, Named, Observation,
    ObservationKind as Kind, PathBase, Protocol, Setting, Side, Stapling, StaplingNames,
    TicketKeys, TlsMode, TlsSettings, Version,
};
use crate::negotiate::OPENSSL_CIPHERSUITES;
use crate::source::{FileId, Span};

/// httpd 2.4.36 added TLS 1.3 (`SSLProtocol TLSv1.3`, `all` including it, `SSLCipherSuite
/// TLSv1.3`), with OpenSSL 1.1.1.
const TLS13_SINCE: Version = Version(2, 4, 36);

/// What the extractor needs to know about the run.
pub(crate) struct Context {
    /// Target httpd version.
    pub(crate) httpd: Version,
    /// Target OpenSSL version.
    pub(crate) openssl: Version,
    /// `--strict-unknown`.
    pub(crate) strict: bool,
    /// Where relative key-material paths are resolved (the final `ServerRoot`).
    pub(crate) relative: PathBase,
    /// The entry file (the main server's place).
    pub(crate) entry: FileId,
}

/// A scope's directives (sections excluded), in file order.
#[derive(Default)]
struct Scope<'t> {
    items: Vec<&'t Node>,
}

impl<'t> Scope<'t> {
    /// The last directive named `name` and its index in the scope.
    fn last(&self, name: &str) -> Option<(usize, &'t Directive)> {
        self.items
            .iter()
            .enumerate()
            .rev()
            .find_map(|(i, n)| match n {
                Node::Directive(d) if d.is(name) => Some((i, d)),
                _ => None,
            })
    }

    /// Every directive named `name`, in order.
    fn all(&self, name: &str) -> Vec<&'t Directive> {
        self.items
            .iter()
            .filter_map(|n| match n {
                Node::Directive(d) if d.is(name) => Some(d),
                _ => None,
            })
            .collect()
    }

    /// An unread include after `from` (which may set what comes after it).
    fn unread_after(&self, from: Option<usize>) -> Option<(Span, String)> {
        let start = from.map_or(0, |i| i + 1);
        self.items.iter().skip(start).find_map(|n| match n {
            Node::Unread(s, t) => Some((*s, t.clone())),
            _ => None,
        })
    }
}

/// A directive found for an endpoint: the directive and whether it is in the endpoint's
/// own block.
struct Found<'t> {
    d: &'t Directive,
    own: bool,
}

/// The global scope and one vhost (or none for the main server).
struct Chain<'s, 't> {
    global: &'s Scope<'t>,
    vhost: Option<&'s Scope<'t>>,
}

impl<'t> Chain<'_, 't> {
    fn find(&self, name: &str) -> Option<Found<'t>> {
        if let Some(v) = self.vhost
            && let Some((_, d)) = v.last(name)
        {
            return Some(Found { d, own: true });
        }
        self.global.last(name).map(|(_, d)| Found {
            d,
            own: self.vhost.is_none(),
        })
    }

    /// An unread include that may set `name` for this endpoint.
    fn unread_over(&self, name: &str) -> Option<(Span, String)> {
        if let Some(v) = self.vhost {
            let own = v.last(name);
            if let Some(u) = v.unread_after(own.map(|(i, _)| i)) {
                return Some(u);
            }
            if own.is_some() {
                return None;
            }
        }
        let g = self.global.last(name);
        self.global.unread_after(g.map(|(i, _)| i))
    }

    fn has_unread(&self) -> bool {
        let any = |s: &Scope<'_>| s.items.iter().any(|n| matches!(n, Node::Unread(..)));
        any(self.global) || self.vhost.is_some_and(any)
    }

    /// `SSLOpenSSLConfCmd`-like list directives: server config first, then the vhost's.
    fn list(&self, name: &str) -> Vec<Found<'t>> {
        let mut out: Vec<Found<'t>> = self
            .global
            .all(name)
            .into_iter()
            .map(|d| Found {
                d,
                own: self.vhost.is_none(),
            })
            .collect();
        if let Some(v) = self.vhost {
            out.extend(v.all(name).into_iter().map(|d| Found { d, own: true }));
        }
        out
    }
}

/// The names of the directives of one side of mod_ssl.
#[derive(Clone, Copy)]
struct Names {
    protocol: &'static str,
    cipher_suite: &'static str,
    conf_cmd: Option<&'static str>,
}

const SERVER: Names = Names {
    protocol: "SSLProtocol",
    cipher_suite: "SSLCipherSuite",
    conf_cmd: Some("SSLOpenSSLConfCmd"),
};

const PROXY: Names = Names {
    protocol: "SSLProxyProtocol",
    cipher_suite: "SSLProxyCipherSuite",
    conf_cmd: None,
};

struct Extractor<'c> {
    cx: &'c Context,
    model: Model,
    errors: Vec<crate::parse::ParseError>,
}

/// A vhost as read from its `<VirtualHost>` tag.
struct VHost<'t> {
    section: &'t Section,
    scope: Scope<'t>,
}

/// Builds the model from the tree.
pub(crate) fn extract(nodes: &[Node], cx: &Context) -> (Model, Vec<crate::parse::ParseError>) {
    let mut global = Scope::default();
    let mut vhosts: Vec<VHost<'_>> = Vec::new();
    let mut x = Extractor {
        cx,
        model: Model::default(),
        errors: Vec::new(),
    };
    collect(nodes, &mut global, &mut vhosts, &mut x.errors, false);
    let main_chain = Chain {
        global: &global,
        vhost: None,
    };
    if let Some(on) = x.engine(&main_chain) {
        let name = "main server".to_owned();
        let span = Span::new(cx.entry, 0, 0);
        x.server(
            &main_chain,
            &name,
            "apache/main".into(),
            span,
            &on,
            Vec::new(),
            Vec::new(),
        );
    }
    x.proxy(&main_chain, "main server", "apache/main/proxy".into());
    // Keys are unique per address and name; a repeat gets its position.
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut first_on_socket: HashMap<String, usize> = HashMap::new();
    for v in &vhosts {
        let chain = Chain {
            global: &global,
            vhost: Some(&v.scope),
        };
        let addrs: Vec<String> = v.section.args.iter().map(|a| normalize(&a.value)).collect();
        let names = server_names(&v.scope);
        let label = format!(
            "{}{}",
            addrs.join(" "),
            names.first().map(|n| format!(" {n}")).unwrap_or_default()
        );
        let n = seen.entry(label.clone()).or_insert(0);
        *n += 1;
        let key = if *n == 1 {
            format!("apache/vhost[{label}]")
        } else {
            format!("apache/vhost[{label}]#{n}")
        };
        let display = format!("VirtualHost {label}");
        if let Some(on) = x.engine(&chain) {
            let i = x.server(
                &chain,
                &display,
                key.clone(),
                v.section.span,
                &on,
                addrs.clone(),
                names,
            );
            // Name-based vhosts on one socket: the first decides what OpenSSL does before
            // the server name is known.
            let mut default = None;
            for a in &addrs {
                match first_on_socket.get(a) {
                    Some(&d) if d != i => default = default.or(Some(d)),
                    Some(_) => {}
                    None => {
                        first_on_socket.insert(a.clone(), i);
                    }
                }
            }
            x.model.endpoints[i].handshake_default = default;
        }
        x.proxy(&chain, &display, format!("{key}/proxy"));
    }
    (x.model, x.errors)
}

/// Sorts the nodes into the server config's directives and the vhosts; per-directory
/// sections are skipped (their settings apply per request, not to the handshake).
fn collect<'t>(
    nodes: &'t [Node],
    global: &mut Scope<'t>,
    vhosts: &mut Vec<VHost<'t>>,
    errors: &mut Vec<crate::parse::ParseError>,
    in_vhost: bool,
) {
    for n in nodes {
        match n {
            Node::Directive(_) | Node::Unread(..) => global.items.push(n),
            Node::Section(s) if s.is("VirtualHost") => {
                if in_vhost {
                    errors.push(crate::parse::ParseError::new(
                        s.span,
                        "<VirtualHost> cannot occur within <VirtualHost> section",
                    ));
                    continue;
                }
                if s.args.is_empty() {
                    errors.push(crate::parse::ParseError::new(
                        s.span,
                        "<VirtualHost> directive requires additional arguments",
                    ));
                }
                let mut scope = Scope::default();
                let mut nested = Vec::new();
                collect(&s.body, &mut scope, &mut nested, errors, true);
                vhosts.push(VHost { section: s, scope });
            }
            Node::Section(_) => {}
        }
    }
}

/// `_default_:443` and `*:443` are the same socket to httpd's vhost matching.
fn normalize(addr: &str) -> String {
    let a = addr.trim();
    match a.strip_prefix("_default_") {
        Some(rest) => format!("*{rest}"),
        None => a.to_owned(),
    }
}

/// `ServerName` (scheme and port dropped) then every `ServerAlias` name.
fn server_names(scope: &Scope<'_>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some((_, d)) = scope.last("ServerName")
        && let Some(a) = d.args.first()
    {
        let v = a.value.as_str();
        let v = v.split_once("://").map_or(v, |(_, r)| r);
        let host = if v.starts_with('[') {
            v.split_once(']').map_or(v, |(h, _)| h).to_owned() + "]"
        } else {
            v.split(':').next().unwrap_or(v).to_owned()
        };
        out.push(host);
    }
    for d in scope.all("ServerAlias") {
        out.extend(d.args.iter().map(|a| a.value.clone()));
    }
    out
}

/// `on`/`off` (httpd's `FLAG` directives are case-insensitive).
fn flag(a: &Arg) -> Option<bool> {
    if a.value.eq_ignore_ascii_case("on") {
        Some(true)
    } else if a.value.eq_ignore_ascii_case("off") {
        Some(false)
    } else {
        None
    }
}

fn place<T>(value: T, span: Span, own: bool, directive: &str) -> Setting<T> {
    let s = if own {
        Setting::set(value, span)
    } else {
        Setting::inherited(value, span)
    };
    s.directive(directive)
}

impl Extractor<'_> {
    /// Whether the target httpd and OpenSSL have TLS 1.3.
    fn tls13(&self) -> bool {
        self.cx.openssl >= Version(1, 1, 1) && self.cx.httpd >= TLS13_SINCE
    }

    fn default_text(&self, directive: &str, value: &str) -> String {
        format!(
            "no `{directive}` here; httpd {} default `{value}` applies",
            self.cx.httpd
        )
    }

    fn error(&mut self, span: Span, msg: impl Into<String>) {
        self.errors.push(crate::parse::ParseError::new(span, msg));
    }

    /// `SSLEngine on` in force for the chain: its setting (the vhost's own, else the
    /// server config's, which mod_ssl's merge passes on).
    fn engine(&mut self, chain: &Chain<'_, '_>) -> Option<Setting<TlsMode>> {
        let f = chain.find("SSLEngine")?;
        let a = f.d.args.first()?;
        let v = a.value.to_ascii_lowercase();
        let mode = match v.as_str() {
            "on" => TlsMode::Required,
            "optional" => TlsMode::Optional,
            "off" => return None,
            // `SSLEngine addr:port` (2.4.?): on for the listed sockets; assumed on.
            _ if v.contains(':') || v.contains('*') => TlsMode::Required,
            _ => {
                if chain.vhost.is_none() || f.own {
                    self.error(
                        a.span,
                        format!("SSLEngine: Invalid argument '{}'", short(&a.value)),
                    );
                }
                return None;
            }
        };
        Some(place(mode, f.d.args_span(), f.own, "SSLEngine"))
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "what an endpoint is made of; both callers have each at hand"
    )]
    fn server(
        &mut self,
        chain: &Chain<'_, '_>,
        name: &str,
        key: String,
        span: Span,
        mode: &Setting<TlsMode>,
        sockets: Vec<String>,
        server_names: Vec<String>,
    ) -> usize {
        let endpoint = self.model.endpoints.len();
        let (mut tls, mut refusal) = self.settings(chain, SERVER);
        tls.mode = Some(mode.clone());
        tls.ocsp_stapling = Some(self.stapling(chain));
        tls.hsts = Some(Self::hsts(chain));
        tls.verify_peer = Some(match chain.find("SSLVerifyClient") {
            Some(f) => {
                let on = f.d.args.first().is_some_and(|a| {
                    let v = a.value.to_ascii_lowercase();
                    v == "require" || v == "optional"
                });
                place(on, f.d.args_span(), f.own, "SSLVerifyClient")
            }
            None => Setting::defaulted(false, self.default_text("SSLVerifyClient", "none"))
                .directive("SSLVerifyClient"),
        });
        let unknown = if chain.has_unread() {
            crate::parse::unknown::mark(&mut tls, "SSLCertificateFile", self.cx.strict, &mut |d| {
                chain.unread_over(d)
            })
        } else {
            Vec::new()
        };
        if refusal.is_none()
            && let Some(why) = self.no_stapling_cache(chain, &tls, endpoint, &key)
        {
            refusal = Some(why);
        }
        let cert_unknown = unknown.iter().any(|u| u.setting == "certificates")
            || (self.cx.strict && chain.unread_over("SSLCertificateFile").is_some());
        if tls.certificates.is_empty() && !cert_unknown && refusal.is_none() {
            let why = "httpd refuses to start: \"Server should be SSL-aware but has no certificate configured [Hint: SSLCertificateFile]\"".to_owned();
            let mut o = Observation::new(
                Kind::InvalidValue,
                mode.span.unwrap_or(span),
                format!("{name} turns TLS on without a certificate: {why}"),
            )
            .help("add `SSLCertificateFile` and `SSLCertificateKeyFile` for this virtual host")
            .key(format!("{key}/SSLCertificateFile"));
            o.endpoint = Some(endpoint);
            self.model.observations.push(o);
            refusal = Some(why);
        }
        self.model.endpoints.push(Endpoint {
            dialect: Dialect::Apache,
            app: None,
            name: name.into(),
            key,
            side: Side::Server,
            span,
            sockets,
            server_names,
            tls,
            negotiable: refusal.map(|why| {
                Box::new(crate::negotiate::Negotiable {
                    refused: Some(why),
                    ..crate::negotiate::Negotiable::default()
                })
            }),
            handshake_default: None,
            mx_delivery: false,
            unknown,
            relative_paths: self.cx.relative.clone(),
        });
        endpoint
    }

    /// `SSLUseStapling on` without an `SSLStaplingCache` in the server config: httpd does
    /// not start (measured with httpd 2.4.71: `AH01958: SSLStapling: no stapling cache
    /// available`, then `Fatal error initialising mod_ssl`). Reports it where stapling is
    /// turned on and returns the refusal.
    fn no_stapling_cache(
        &mut self,
        chain: &Chain<'_, '_>,
        tls: &TlsSettings,
        endpoint: usize,
        key: &str,
    ) -> Option<String> {
        let st = tls.ocsp_stapling.as_ref().filter(|s| s.value.on)?;
        let global = Chain {
            global: chain.global,
            vhost: None,
        };
        if global.find("SSLStaplingCache").is_some()
            || global.unread_over("SSLStaplingCache").is_some()
        {
            return None;
        }
        let why = "httpd refuses to start: \"SSLStapling: no stapling cache available\" (AH01958)"
            .to_owned();
        let span = st.span?;
        let mut o = Observation::new(
            Kind::InvalidValue,
            span,
            format!("OCSP stapling is on but no `SSLStaplingCache` is configured: {why}"),
        )
        .help("add `SSLStaplingCache shmcb:/run/apache2/ssl_stapling(32768)` to the server config")
        .key(format!("{key}/SSLUseStapling"));
        o.endpoint = Some(endpoint);
        self.model.observations.push(o);
        Some(why)
    }

    /// The proxy (client) endpoint of a scope with `SSLProxyEngine on` written in it.
    fn proxy(&mut self, chain: &Chain<'_, '_>, name: &str, key: String) {
        let Some(f) = chain.find("SSLProxyEngine") else {
            return;
        };
        if !f.own || f.d.args.first().and_then(flag) != Some(true) {
            return;
        }
        // The proxy side is placed where it is turned on.
        let span = f.d.span;
        let (mut tls, refusal) = self.settings(chain, PROXY);
        tls.mode = Some(place(
            TlsMode::Required,
            f.d.args_span(),
            true,
            "SSLProxyEngine",
        ));
        tls.verify_peer = Some(self.proxy_verify(chain));
        tls.certificates.clear();
        let unknown = if chain.has_unread() {
            crate::parse::unknown::mark(
                &mut tls,
                "SSLProxyMachineCertificateFile",
                self.cx.strict,
                &mut |d| chain.unread_over(d),
            )
        } else {
            Vec::new()
        };
        self.model.endpoints.push(Endpoint {
            dialect: Dialect::Apache,
            app: None,
            name: format!("{name} (proxy to backends)").into(),
            key,
            side: Side::Client,
            span,
            sockets: Vec::new(),
            server_names: Vec::new(),
            tls,
            negotiable: refusal.map(|why| {
                Box::new(crate::negotiate::Negotiable {
                    refused: Some(why),
                    ..crate::negotiate::Negotiable::default()
                })
            }),
            handshake_default: None,
            mx_delivery: false,
            unknown,
            relative_paths: self.cx.relative.clone(),
        });
    }

    /// `SSLProxyVerify require` verifies the backend's certificate; `SSLProxyCheckPeerName
    /// off` then leaves its name unchecked, which is no verification of whom one talks to.
    fn proxy_verify(&self, chain: &Chain<'_, '_>) -> Setting<bool> {
        let verify = match chain.find("SSLProxyVerify") {
            Some(f) => {
                let on =
                    f.d.args
                        .first()
                        .is_some_and(|a| a.value.eq_ignore_ascii_case("require"));
                place(on, f.d.args_span(), f.own, "SSLProxyVerify")
            }
            None => Setting::defaulted(false, self.default_text("SSLProxyVerify", "none"))
                .directive("SSLProxyVerify"),
        };
        if verify.value
            && let Some(f) = chain.find("SSLProxyCheckPeerName")
            && f.d.args.first().and_then(flag) == Some(false)
        {
            return place(false, f.d.args_span(), f.own, "SSLProxyCheckPeerName").with_note(
                "`SSLProxyCheckPeerName off`: the backend's certificate is verified, its name is not",
            );
        }
        verify
    }

    /// The protocol, cipher and session settings of one side; and why httpd refuses to
    /// start with them.
    fn settings(&mut self, chain: &Chain<'_, '_>, n: Names) -> (TlsSettings, Option<String>) {
        let mut refusal = None;
        let protocols = self.protocols(chain, n.protocol, &mut refusal);
        let (ciphers, ciphersuites) = self.ciphers(chain, n.cipher_suite);
        let mut tls = TlsSettings {
            protocols: Some(protocols),
            ciphers: Some(ciphers),
            ciphersuites,
            ..TlsSettings::default()
        };
        if n.conf_cmd.is_none() {
            return (tls, refusal);
        }
        tls.prefer_server_ciphers = Some(self.flag_or(chain, "SSLHonorCipherOrder", false));
        let compression = self.flag_or(chain, "SSLCompression", false);
        if compression.value
            && self.cx.openssl >= Version(1, 1, 0)
            && (compression.origin == crate::model::Origin::Set || chain.vhost.is_none())
            && let Some(span) = compression.span
        {
            // OpenSSL 1.1.0 and later are built without zlib unless asked (`enable-zlib`;
            // Debian does not): mod_ssl rejects the line (measured with httpd 2.4 `-t`).
            self.error(
                span,
                "This version of OpenSSL does not have any compression methods available, cannot enable SSLCompression.",
            );
        }
        tls.compression = Some(compression);
        tls.session_tickets = Some(self.flag_or(chain, "SSLSessionTickets", true));
        tls.ticket_keys = Some(match chain.find("SSLSessionTicketKeyFile") {
            Some(f) if !f.d.args.is_empty() => {
                let files = f.d.args.iter().map(|a| PathBuf::from(&a.value)).collect();
                place(
                    TicketKeys::Files { files },
                    f.d.args_span(),
                    f.own,
                    "SSLSessionTicketKeyFile",
                )
            }
            _ => Setting::defaulted(
                TicketKeys::UntilRestart,
                "no `SSLSessionTicketKeyFile` here; OpenSSL makes a random ticket key when httpd starts and keeps it until a restart or reload",
            )
            .directive("SSLSessionTicketKeyFile"),
        });
        tls.session_timeout = Some(match chain.find("SSLSessionCacheTimeout") {
            Some(f) => match f.d.args.first().map(|a| a.value.parse::<u64>()) {
                Some(Ok(v)) => place(v, f.d.args_span(), f.own, "SSLSessionCacheTimeout"),
                _ => {
                    if f.own || chain.vhost.is_none() {
                        self.error(
                            f.d.args_span(),
                            "SSLSessionCacheTimeout: Invalid argument: timeout must be a number of seconds",
                        );
                    }
                    Setting::defaulted(300, self.default_text("SSLSessionCacheTimeout", "300"))
                        .directive("SSLSessionCacheTimeout")
                }
            },
            None => Setting::defaulted(300, self.default_text("SSLSessionCacheTimeout", "300"))
                .directive("SSLSessionCacheTimeout"),
        });
        tls.curves = Some(
            Setting::defaulted(
                vec![Named::new("auto", None)],
                "no `SSLOpenSSLConfCmd Curves` here; OpenSSL's default groups apply",
            )
            .directive("SSLOpenSSLConfCmd"),
        );
        tls.certificates = Self::certificates(chain);
        self.conf_commands(chain, &mut tls);
        (tls, refusal)
    }

    fn flag_or(&mut self, chain: &Chain<'_, '_>, name: &str, default: bool) -> Setting<bool> {
        if let Some(f) = chain.find(name) {
            match f.d.args.first().and_then(flag) {
                Some(v) => return place(v, f.d.args_span(), f.own, name),
                None => {
                    if f.own || chain.vhost.is_none() {
                        self.error(f.d.span, format!("{name} must be On or Off"));
                    }
                }
            }
        }
        Setting::defaulted(
            default,
            self.default_text(name, if default { "on" } else { "off" }),
        )
        .directive(name)
    }

    /// `SSLCertificateFile`s: the vhost's own, else the server config's.
    fn certificates(chain: &Chain<'_, '_>) -> Vec<Setting<PathBuf>> {
        let own: Vec<_> = chain
            .vhost
            .map(|v| v.all("SSLCertificateFile"))
            .unwrap_or_default();
        let (list, own) = if own.is_empty() {
            (
                chain.global.all("SSLCertificateFile"),
                chain.vhost.is_none(),
            )
        } else {
            (own, true)
        };
        list.into_iter()
            .filter_map(|d| {
                let a = d.args.first()?;
                Some(place(
                    PathBuf::from(&a.value),
                    a.span,
                    own,
                    "SSLCertificateFile",
                ))
            })
            .collect()
    }

    /// `SSLProtocol` (mod_ssl's `ssl_cmd_protocol_parse`): each line starts from nothing;
    /// `+x` adds, `-x` removes, a bare word replaces; `all` is every version the build has.
    /// With OpenSSL 1.1.0 and later mod_ssl sets a min/max range: from the highest version
    /// down to the first one missing.
    fn protocols(
        &mut self,
        chain: &Chain<'_, '_>,
        name: &'static str,
        refusal: &mut Option<String>,
    ) -> Setting<Vec<Protocol>> {
        let tls13 = self.tls13();
        let all: Vec<Protocol> = [
            Protocol::TLSv1,
            Protocol::TLSv1_1,
            Protocol::TLSv1_2,
            Protocol::TLSv1_3,
        ]
        .into_iter()
        .filter(|p| tls13 || *p != Protocol::TLSv1_3)
        .collect();
        let Some(f) = chain.find(name) else {
            return Setting::defaulted(self.range(&all), self.default_text(name, "all -SSLv3"))
                .directive(name);
        };
        let mut mask: Vec<Protocol> = Vec::new();
        let mut with_all = false;
        for a in &f.d.args {
            let w = a.value.as_str();
            let (action, word) = match w.as_bytes().first() {
                Some(b'+') => ('+', &w[1..]),
                Some(b'-') => ('-', &w[1..]),
                _ => ('=', w),
            };
            let these: Vec<Protocol> = if word.eq_ignore_ascii_case("all") {
                with_all |= action != '-';
                all.clone()
            } else if word.eq_ignore_ascii_case("SSLv2") {
                if action == '-' {
                    continue;
                }
                self.error(a.span, "SSLProtocol: SSLv2 is no longer supported");
                continue;
            } else {
                match Protocol::parse(word)
                    .filter(|p| *p != Protocol::SSLv2 && (tls13 || *p != Protocol::TLSv1_3))
                {
                    Some(p) => vec![p],
                    None => {
                        self.error(
                            a.span,
                            format!("{name}: Illegal protocol '{}'", short(word)),
                        );
                        continue;
                    }
                }
            };
            match action {
                '-' => mask.retain(|p| !these.contains(p)),
                '+' => mask.extend(these),
                _ => mask = these,
            }
        }
        mask.sort();
        mask.dedup();
        let value = self.range(&mask);
        if value.is_empty() && refusal.is_none() {
            *refusal = Some(
                "httpd refuses to start: \"No SSL protocols available [hint: SSLProtocol]\"".into(),
            );
        }
        let setting = place(value, f.d.args_span(), f.own, name);
        if with_all {
            // `all` asks for whatever the build can do: versions the security level
            // refuses were not asked for by name (no ineffective-setting for them).
            setting.with_every_version()
        } else {
            setting
        }
    }

    /// The versions OpenSSL enables for a mask: with 1.1.0 and later, the run from the
    /// highest down to the first gap (mod_ssl sets min and max, leaving no holes).
    fn range(&self, mask: &[Protocol]) -> Vec<Protocol> {
        if self.cx.openssl < Version(1, 1, 0) {
            return mask.to_vec();
        }
        let mut out: Vec<Protocol> = Vec::new();
        let Some(&top) = mask.last() else {
            return out;
        };
        out.push(top);
        let order = Protocol::ALL;
        let mut i = order.iter().position(|p| *p == top).unwrap_or(0);
        while i > 0 {
            i -= 1;
            let Some(&p) = order.get(i) else { break };
            if mask.contains(&p) {
                out.push(p);
            } else {
                break;
            }
        }
        out.sort();
        out
    }

    /// `SSLCipherSuite [SSL|TLSv1.3] spec`: the TLS ≤ 1.2 string and the TLS 1.3 list
    /// (the last line of each kind wins).
    fn ciphers(
        &mut self,
        chain: &Chain<'_, '_>,
        name: &'static str,
    ) -> (Setting<Ciphers>, Option<Setting<Vec<Named>>>) {
        let mut ssl: Option<Setting<Ciphers>> = None;
        let mut tls13: Option<Setting<Vec<Named>>> = None;
        for f in chain.list(name) {
            let (proto, spec) = match f.d.args.as_slice() {
                [spec] => (None, spec),
                [p, spec] => (Some(p), spec),
                _ => {
                    if f.own || chain.vhost.is_none() {
                        self.error(f.d.span, format!("{name} takes one or two arguments"));
                    }
                    continue;
                }
            };
            match proto.map(|p| p.value.as_str()) {
                // mod_ssl compares the protocol word case-sensitively.
                None | Some("SSL") => {
                    ssl = Some(place(
                        Ciphers::OpenSsl(mod_ssl_string(spec)),
                        spec.value_span(),
                        f.own,
                        name,
                    ));
                }
                Some("TLSv1.3") if self.tls13() => {
                    tls13 = Some(place(
                        split_named(spec, ':'),
                        spec.value_span(),
                        f.own,
                        &format!("{name} TLSv1.3"),
                    ));
                }
                Some(p) => {
                    if f.own || chain.vhost.is_none() {
                        let span = proto.map_or(f.d.span, |a| a.span);
                        self.error(
                            span,
                            format!("{name}: protocol '{}' not supported", short(p)),
                        );
                    }
                }
            }
        }
        let ssl = ssl.unwrap_or_else(|| {
            Setting::defaulted(
                Ciphers::OpenSsl(CipherString::unplaced("DEFAULT")),
                format!(
                    "no `{name}` here; httpd {} sets no cipher list, so OpenSSL's `DEFAULT` applies",
                    self.cx.httpd
                ),
            )
            .directive(name)
        });
        let tls13 = if self.tls13() {
            Some(tls13.unwrap_or_else(|| {
                Setting::defaulted(
                    OPENSSL_CIPHERSUITES
                        .iter()
                        .map(|s| Named::new(*s, None))
                        .collect(),
                    format!("no `{name} TLSv1.3` here; OpenSSL's default TLS 1.3 suites apply"),
                )
                .directive(format!("{name} TLSv1.3"))
            }))
        } else {
            None
        };
        (ssl, tls13)
    }

    /// `SSLUseStapling`.
    fn stapling(&mut self, chain: &Chain<'_, '_>) -> Setting<Arc<Stapling>> {
        let names = StaplingNames {
            resolver: "",
            trusted: "SSLCACertificateFile",
            responder: "SSLStaplingForceURL",
        };
        let on = self.flag_or(chain, "SSLUseStapling", false);
        let mut st = Stapling {
            on: on.value,
            names,
            ..Stapling::default()
        };
        if on.value {
            if let Some(f) = chain.find("SSLStaplingForceURL")
                && let Some(a) = f.d.args.first()
            {
                st.responder = Some(place(a.value.clone(), a.span, f.own, "SSLStaplingForceURL"));
            }
            if let Some(f) = chain.find("SSLCACertificateFile")
                && let Some(a) = f.d.args.first()
            {
                st.trusted = Some(place(
                    PathBuf::from(&a.value),
                    a.span,
                    f.own,
                    "SSLCACertificateFile",
                ));
            }
            // httpd resolves the responder per fetch with the system resolver.
            st.resolver = Some(Setting::defaulted(
                "system resolver".to_owned(),
                "httpd resolves the OCSP responder with the system resolver on every fetch",
            ));
        }
        on.with_value(Arc::new(st))
    }

    /// The HSTS header sent by `Header` lines of the server config and the vhost (mod_headers
    /// runs the server's lines, then the vhost's: a later `set` or `unset` wins).
    fn hsts(chain: &Chain<'_, '_>) -> Setting<Option<Hsts>> {
        let mut out: Option<Setting<Option<Hsts>>> = None;
        for f in chain.list("Header") {
            let mut args: &[Arg] = &f.d.args;
            let mut always = false;
            if let Some(first) = args.first() {
                if first.value.eq_ignore_ascii_case("always") {
                    always = true;
                    args = &args[1..];
                } else if first.value.eq_ignore_ascii_case("onsuccess") {
                    args = &args[1..];
                }
            }
            let [action, header, rest @ ..] = args else {
                continue;
            };
            if !header
                .value
                .trim_end_matches(':')
                .eq_ignore_ascii_case("Strict-Transport-Security")
            {
                continue;
            }
            let act = action.value.to_ascii_lowercase();
            match act.as_str() {
                "set" | "add" | "append" | "merge" | "setifempty" => {
                    let Some(v) = rest.first() else { continue };
                    let (max_age, sub, preload) =
                        crate::parse::nginx::extract::hsts::parse_value(&v.value);
                    let h = Hsts {
                        max_age,
                        include_subdomains: sub,
                        preload,
                        always,
                        line: Some(f.d.span),
                        elsewhere: Vec::new(),
                    };
                    out = Some(place(Some(h), v.value_span(), f.own, "Header"));
                }
                "unset" => out = Some(place(None, f.d.span, f.own, "Header")),
                _ => {}
            }
        }
        out.unwrap_or_else(|| {
            Setting::defaulted(
                None,
                "no `Header always set Strict-Transport-Security` here",
            )
            .directive("Header")
        })
    }

    /// `SSLOpenSSLConfCmd name value`, applied by mod_ssl after its other settings.
    fn conf_commands(&mut self, chain: &Chain<'_, '_>, tls: &mut TlsSettings) {
        const NAME: &str = "SSLOpenSSLConfCmd";
        let mut proto_changed = false;
        let mut mask: Vec<Protocol> = tls
            .protocols
            .as_ref()
            .map(|s| s.value.clone())
            .unwrap_or_default();
        let (mut min, mut max): (Option<Protocol>, Option<Protocol>) = (None, None);
        let mut proto_at: Option<(Span, bool)> = None;
        for f in chain.list(NAME) {
            let [cmd, arg] = f.d.args.as_slice() else {
                if f.own || chain.vhost.is_none() {
                    self.error(f.d.span, format!("{NAME} takes two arguments"));
                }
                continue;
            };
            let value = arg.value.as_str();
            let span = arg.value_span();
            let note = format!(
                "set by `{NAME} {} {}`, which httpd applies last",
                cmd.value,
                short(value)
            );
            match cmd.value.to_ascii_lowercase().as_str() {
                "minprotocol" => {
                    min = Protocol::parse(value);
                    proto_at = Some((span, f.own));
                    proto_changed = true;
                }
                "maxprotocol" => {
                    max = Protocol::parse(value);
                    proto_at = Some((span, f.own));
                    proto_changed = true;
                }
                "protocol" => {
                    Protocol::apply_conf_command(value, &mut mask);
                    proto_at = Some((span, f.own));
                    proto_changed = true;
                }
                "cipherstring" => {
                    tls.ciphers = Some(
                        place(Ciphers::OpenSsl(cipher_string(arg)), span, f.own, NAME)
                            .with_note(note),
                    );
                }
                "ciphersuites" => {
                    tls.ciphersuites =
                        Some(place(split_named(arg, ':'), span, f.own, NAME).with_note(note));
                }
                "curves" | "groups" => {
                    tls.curves =
                        Some(place(split_named(arg, ':'), span, f.own, NAME).with_note(note));
                }
                "dhparameters" => {
                    tls.dh_params = Some(place(Some(PathBuf::from(value)), span, f.own, NAME));
                }
                "options" => options(tls, value, &place(true, span, f.own, NAME), &note),
                _ => {}
            }
        }
        if proto_changed && let Some((span, own)) = proto_at {
            mask.retain(|p| min.is_none_or(|m| *p >= m) && max.is_none_or(|m| *p <= m));
            mask.sort();
            mask.dedup();
            tls.protocols = Some(
                place(mask, span, own, NAME)
                    .with_note(format!("`{NAME}` is applied after `SSLProtocol`")),
            );
        }
    }
}

/// What mod_ssl appends to every `SSLCipherSuite` (and `SSLProxyCipherSuite`) string of the
/// TLS ≤ 1.2 kind: httpd 2.4's `ssl_cmd_SSLCipherSuite` "always disable null and export
/// ciphers" (measured: `ALL` at `@SECLEVEL=0` negotiates no anonymous suite).
const ALWAYS_EXCLUDED: &str = ":!aNULL:!eNULL:!EXP";

/// The cipher string of a word, placed where it is written verbatim.
fn cipher_string(a: &Arg) -> CipherString {
    let span = a.value_span();
    let mut cs = CipherString::default();
    cs.push(&a.value, (span.len() == a.value.len()).then_some(span));
    cs
}

/// The string OpenSSL gets from an `SSLCipherSuite` line: as written, then mod_ssl's
/// exclusions.
fn mod_ssl_string(a: &Arg) -> CipherString {
    let mut cs = cipher_string(a);
    cs.push_builtin(ALWAYS_EXCLUDED);
    cs
}

/// A `sep`-separated list of names, each placed when the word is verbatim.
fn split_named(a: &Arg, sep: char) -> Vec<Named> {
    let span = a.value_span();
    let exact = span.len() == a.value.len();
    let mut out = Vec::new();
    let mut off = 0;
    for part in a.value.split(sep) {
        let trimmed = part.trim();
        if !trimmed.is_empty() {
            let lead = part.len() - part.trim_start().len();
            let s = exact.then(|| span.sub(off + lead, off + lead + trimmed.len()));
            out.push(Named::new(trimmed.to_owned(), s));
        }
        off += part.len() + 1;
    }
    out
}

/// `Options` of `SSLOpenSSLConfCmd` (OpenSSL's `CONF_parse_list`: comma-separated, `-` turns
/// an option off) that decide a modelled setting; `at` is where the command is written.
fn options(tls: &mut TlsSettings, value: &str, at: &Setting<bool>, note: &str) {
    for item in value.split(',').map(str::trim) {
        let (on, opt) = match item.strip_prefix('-') {
            Some(o) => (false, o),
            None => (true, item.strip_prefix('+').unwrap_or(item)),
        };
        let slot = if opt.eq_ignore_ascii_case("SessionTicket") {
            &mut tls.session_tickets
        } else if opt.eq_ignore_ascii_case("ServerPreference") {
            &mut tls.prefer_server_ciphers
        } else if opt.eq_ignore_ascii_case("Compression") {
            &mut tls.compression
        } else {
            continue;
        };
        *slot = Some(at.with_value(on).with_note(note));
    }
}
