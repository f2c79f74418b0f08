//! From sections to endpoints: one server-side endpoint per `bind ... ssl` of a `frontend`
//! or `listen`, one client-side endpoint per `server ... ssl` (or a server made TLS by
//! `default-server ssl`) of a `backend` or `listen`, and one per `crt-list` entry whose
//! `[...]` changes the bind's TLS settings. Settings come from the line, then (servers)
//! `default-server` lines of the backend and its `defaults`, then `global`'s
//! `ssl-default-bind-*` / `ssl-default-server-*`, then HAProxy's defaults for the target
//! version (measured with HAProxy 2.6.12 / OpenSSL 3.0: see `haproxy.md` in the tests).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::lexer::Word;
use super::options::{self, At, Kind, Opts};
use super::sections::{Entry, Section};
use crate::model::{
    CipherString, Ciphers, Dialect, Endpoint, Hsts, Model, Named, Observation,
    ObservationKind as OKind, PathBase, Protocol, Setting, Side, TicketKeys, TlsSettings, Version,
};
use crate::negotiate::OPENSSL_CIPHERSUITES;
use crate::parse::{Options, ParseError};
use crate::source::{Sources, Span};

/// HAProxy 2.2 made TLS 1.2 the lowest version a `bind` line accepts by default.
const BIND_MIN_12: Version = Version(2, 2, 0);

/// HAProxy 2.6 and later enable DHE only with `ssl-dh-param-file`, DH parameters in the
/// certificate file, or `tune.ssl.default-dh-param` (configuration manual of 2.6); older
/// ones fall back to a built-in 1024-bit group ("Setting tune.ssl.default-dh-param to 1024
/// by default").
const NO_DEFAULT_DH: Version = Version(2, 6, 0);

/// The smallest group `tune.ssl.default-dh-param` selects with OpenSSL 3: HAProxy 2.6 uses
/// the RFC 7919 groups, 2048 bits (4096 where the value and the certificate's key are
/// both that large); a value below 2048 loads no group ("unable to load default 1024 bits DH
/// parameter"), so DHE is off (measured with HAProxy 2.6.12 / OpenSSL 3.0.19).
const FFDHE_MIN: u32 = 2048;

/// HAProxy 2.8 added `curves` to server lines and `ssl-default-server-curves` (2.6.12
/// rejects both: "unknown keyword").
const SERVER_CURVES: Version = Version(2, 8, 0);

/// What `global` says for every bind or server line.
#[derive(Default)]
struct Global {
    bind: Opts,
    server: Opts,
    /// `ssl-dh-param-file`.
    dh_file: Option<Word>,
    /// `tune.ssl.default-dh-param`: the value where it is a number, and where it is written.
    dh_size: Option<(Option<u32>, Span)>,
    /// `tune.ssl.lifetime`.
    lifetime: Option<(u64, Span)>,
    /// `ssl-server-verify none`.
    server_verify_none: Option<Span>,
    /// `crt-base`.
    crt_base: Option<String>,
    /// Settings a line under an undecidable `.if` may set: directive → that line.
    maybe: HashMap<&'static str, (Span, String)>,
}

/// The extraction state.
pub(crate) struct Extractor<'a> {
    options: &'a Options,
    sources: &'a mut Sources,
    haproxy: Version,
    model: Model,
    errors: Vec<ParseError>,
    keys: HashMap<String, usize>,
    global: Global,
    /// `defaults` sections by name ("" for the last anonymous one), with their
    /// `default-server` options and mode.
    defaults: HashMap<String, Defaults>,
    /// Read crt-list files (bounded).
    crt_lists: usize,
    /// The directory of the entry file (where relative paths are looked up).
    base: PathBuf,
    /// Backends' HSTS headers, by backend name.
    backend_hsts: HashMap<String, Option<Setting<Option<Hsts>>>>,
    /// The start of the first file when no file has a `global` section (a fragment).
    fragment: Option<Span>,
}

/// What a `global` section may set for bind lines, by the directive name of the setting:
/// `ssl-default-bind-options` (versions, tickets, cipher order), `-ciphers`,
/// `-ciphersuites`, `-curves`, `tune.ssl.lifetime`, the DH parameters; and the ticket
/// keys, which matter only where `no-tls-tickets` is not there.
const GLOBAL_BIND: [&str; 9] = [
    "tls-ticket-keys",
    "ssl-min-ver",
    "ciphers",
    "ciphersuites",
    "curves",
    "prefer-client-ciphers",
    "no-tls-tickets",
    "tune.ssl.lifetime",
    "ssl-dh-param-file",
];

/// What a `global` section may set for server lines (`ssl-server-verify` the checking).
const GLOBAL_SERVER: [&str; 5] = ["ssl-min-ver", "ciphers", "ciphersuites", "curves", "verify"];

/// How a fragment's unknown settings name their source.
const NO_GLOBAL: &str = "the `global` section (not in this file)";

/// A `defaults` section's state.
#[derive(Clone, Default)]
struct Defaults {
    server: Opts,
    server_maybe: Option<(Span, String)>,
    http: bool,
}

/// Most `crt-list` files one config may name (hostile input).
const MAX_CRT_LISTS: usize = 256;

impl<'a> Extractor<'a> {
    /// A new extractor for a config whose entry file is in `base`.
    pub(crate) fn new(
        options: &'a Options,
        sources: &'a mut Sources,
        haproxy: Version,
        base: PathBuf,
    ) -> Self {
        Extractor {
            options,
            sources,
            haproxy,
            model: Model::default(),
            errors: Vec::new(),
            keys: HashMap::new(),
            global: Global::default(),
            defaults: HashMap::new(),
            crt_lists: 0,
            base,
            backend_hsts: HashMap::new(),
            fragment: None,
        }
    }

    /// Runs over all sections (of every file, in order). `whole`: the files are the whole
    /// configuration, so a missing `global` means HAProxy's defaults, not a fragment.
    pub(crate) fn run(mut self, sections: &[Section], whole: bool) -> (Model, Vec<ParseError>) {
        if !whole && !sections.iter().any(|s| s.kind == "global") {
            self.fragment = sections
                .first()
                .map(|s| Span::new(s.header.line.span.file, 0, 0));
        }
        for s in sections.iter().filter(|s| s.kind == "global") {
            self.global_section(s);
        }
        for s in sections.iter().filter(|s| s.kind == "backend") {
            let h = Self::hsts_of(s);
            self.backend_hsts.insert(s.name().to_owned(), h);
        }
        let mut current = Defaults::default();
        for s in sections {
            match s.kind.as_str() {
                "defaults" => {
                    let base = s
                        .from()
                        .and_then(|f| self.defaults.get(f).cloned())
                        .unwrap_or_default();
                    let d = self.defaults_section(s, base);
                    if !s.name().is_empty() && s.name() != "from" {
                        self.defaults.insert(s.name().to_owned(), d.clone());
                    }
                    current = d;
                }
                "frontend" | "backend" | "listen" => {
                    let d = match s.from() {
                        Some(f) => self.defaults.get(f).cloned().unwrap_or_default(),
                        None => current.clone(),
                    };
                    self.proxy(s, &d);
                }
                _ => {}
            }
        }
        self.fragment_note();
        (self.model, self.errors)
    }

    /// The one note of a fragment: a file without `global`, whose `ssl-default-*` and
    /// `tune.ssl.*` settings come from a file HAProxy loads with it that tlslint was not
    /// told about (`[haproxy] load`).
    fn fragment_note(&mut self) {
        let Some(span) = self.fragment else { return };
        let endpoints = &self.model.endpoints;
        if endpoints.is_empty() {
            return;
        }
        let strict = self.options.strict_unknown;
        let affected = crate::parse::unknown::affected(endpoints);
        let clause = crate::parse::unknown::clause(endpoints, &affected, span, "HAProxy", strict);
        let mut o = Observation::new(
            OKind::OutsideRoot,
            span,
            format!(
                "this file has no `global` section: HAProxy takes its `ssl-default-bind-*`, \
                 `ssl-default-server-*` and `tune.ssl.*` settings from another `-f` file, which \
                 was not read{clause}"
            ),
        )
        .help(
            "list the files HAProxy loads together under `[haproxy] load` in .tlslint.toml; \
             `--strict-unknown` judges HAProxy's defaults in place of the missing `global`",
        );
        if let Some([only]) = affected.get(&span).map(Vec::as_slice) {
            o.endpoint = Some(*only);
        }
        self.model.observations.push(o);
    }

    /// The settings of `tls` that something not seen may set: `line` (an environment
    /// variable on the line, an undecidable `default-server`) for any setting; `global`
    /// (an undecidable `global` line, a missing `global`) only where neither the line nor
    /// a `default-server` writes the setting, since those take precedence over `global`.
    fn mark_unknown(
        &self,
        tls: &mut TlsSettings,
        line: &HashMap<&'static str, (Span, String)>,
        side: Side,
    ) -> Vec<crate::model::Unknown> {
        let mut global = self.global.maybe.clone();
        if let Some(span) = self.fragment.filter(|_| !self.options.strict_unknown) {
            let list: &[&'static str] = match side {
                Side::Server => &GLOBAL_BIND,
                Side::Client => &GLOBAL_SERVER,
            };
            for d in list {
                global.entry(d).or_insert((span, NO_GLOBAL.to_owned()));
            }
        }
        let written: Vec<Arc<str>> = tls
            .each_mut()
            .filter_map(|(_, s)| s)
            .filter(|s| matches!(s.origin(), crate::model::Origin::Set))
            .filter_map(|s| s.directive_name().cloned())
            .collect();
        crate::parse::unknown::mark(tls, "crt", self.options.strict_unknown, &mut |d| {
            line.get(d).cloned().or_else(|| {
                if written.iter().any(|w| &**w == d) {
                    None
                } else {
                    global.get(d).cloned()
                }
            })
        })
    }

    fn global_section(&mut self, s: &Section) {
        for e in &s.entries {
            let l = &e.line;
            let kw = l.keyword();
            let value = l.words.get(1);
            let directive: Option<&'static str> = match kw {
                "ssl-default-bind-options" | "ssl-default-server-options" => {
                    let (kind, o) = if kw.contains("bind") {
                        (Kind::Bind, &mut self.global.bind)
                    } else {
                        (Kind::Server, &mut self.global.server)
                    };
                    let mut unknown = Vec::new();
                    options::read(&l.words[1..], kind, o, &mut self.errors, &mut unknown);
                    for u in unknown {
                        self.errors.push(ParseError::new(
                            u,
                            format!("'{kw}' : unknown or unsupported option"),
                        ));
                    }
                    Some("ssl-min-ver")
                }
                "ssl-default-bind-ciphers" => {
                    self.global.bind.ciphers = value.cloned();
                    Some("ciphers")
                }
                "ssl-default-bind-ciphersuites" => {
                    self.global.bind.ciphersuites = value.cloned();
                    Some("ciphersuites")
                }
                "ssl-default-bind-curves" => {
                    self.global.bind.curves = value.cloned();
                    Some("curves")
                }
                "ssl-default-server-ciphers" => {
                    self.global.server.ciphers = value.cloned();
                    Some("ciphers")
                }
                "ssl-default-server-ciphersuites" => {
                    self.global.server.ciphersuites = value.cloned();
                    Some("ciphersuites")
                }
                "ssl-default-server-curves" if self.haproxy < SERVER_CURVES => {
                    self.errors.push(ParseError::new(
                        l.words[0].span,
                        format!(
                            "unknown keyword '{kw}' in 'global' section (HAProxy {} has it from {SERVER_CURVES} on)",
                            self.haproxy
                        ),
                    ));
                    None
                }
                "ssl-default-server-curves" => {
                    self.global.server.curves = value.cloned();
                    Some("curves")
                }
                "ssl-dh-param-file" => {
                    self.global.dh_file = value.cloned();
                    Some("ssl-dh-param-file")
                }
                "tune.ssl.default-dh-param" => {
                    self.global.dh_size = value.map(|w| {
                        let bits = if w.env { None } else { w.value.parse().ok() };
                        (bits, w.span)
                    });
                    Some("ssl-dh-param-file")
                }
                "tune.ssl.lifetime" => {
                    if let Some(w) = value {
                        match parse_time(&w.value) {
                            Some(t) => self.global.lifetime = Some((t, w.span)),
                            None if w.env => {}
                            None => self.errors.push(ParseError::new(
                                w.span,
                                format!("'{kw}' : unexpected character in value"),
                            )),
                        }
                    }
                    Some("tune.ssl.lifetime")
                }
                "ssl-server-verify" => {
                    self.global.server_verify_none =
                        value.filter(|w| w.value == "none").map(|w| w.span);
                    None
                }
                "crt-base" => {
                    self.global.crt_base = value.map(|w| w.value.clone());
                    None
                }
                _ => None,
            };
            let env = l.words[1..].iter().any(|w| w.env);
            if let Some(d) = directive
                && (e.maybe || env)
            {
                self.global
                    .maybe
                    .entry(d)
                    .or_insert((l.span, kw.to_owned()));
            }
        }
    }

    fn defaults_section(&mut self, s: &Section, mut d: Defaults) -> Defaults {
        for e in &s.entries {
            let l = &e.line;
            match l.keyword() {
                "mode" => d.http = l.arg(1) == "http",
                "default-server" => {
                    let mut unknown = Vec::new();
                    options::read(
                        &l.words[1..],
                        Kind::Server,
                        &mut d.server,
                        &mut self.errors,
                        &mut unknown,
                    );
                    self.unknown_options(&unknown, "default-server");
                    if e.maybe {
                        d.server_maybe = Some((l.span, "default-server".into()));
                    }
                }
                _ => {}
            }
        }
        d
    }

    fn unknown_options(&mut self, unknown: &[Span], what: &str) {
        for u in unknown {
            let text = self.sources.get(u.file).slice(*u).to_owned();
            self.model.observations.push(
                Observation::new(
                    OKind::UnknownSetting,
                    *u,
                    format!(
                        "HAProxy {} does not know the {what} option `{}`",
                        self.haproxy,
                        crate::escape::short(&text)
                    ),
                )
                .help("check the spelling; HAProxy refuses a line with an unknown option"),
            );
        }
    }

    /// A frontend, backend or listen section.
    fn proxy(&mut self, s: &Section, d: &Defaults) {
        let mut http = d.http;
        let mut server_defaults = d.server.clone();
        let mut server_maybe = d.server_maybe.clone();
        for e in &s.entries {
            if e.line.keyword() == "mode" {
                http = e.line.arg(1) == "http";
            }
        }
        for e in &s.entries {
            let kw = e.line.keyword();
            match kw {
                "bind" if s.kind != "backend" => self.bind(s, e, http),
                "default-server" if s.kind != "frontend" => {
                    let mut unknown = Vec::new();
                    options::read(
                        &e.line.words[1..],
                        Kind::Server,
                        &mut server_defaults,
                        &mut self.errors,
                        &mut unknown,
                    );
                    self.unknown_options(&unknown, "default-server");
                    if e.maybe {
                        server_maybe = Some((e.line.span, "default-server".into()));
                    }
                }
                "server" | "server-template" if s.kind != "frontend" => {
                    self.server(s, e, &server_defaults, server_maybe.as_ref());
                }
                _ => {}
            }
        }
    }

    fn unique_key(&mut self, key: String) -> String {
        let n = self.keys.entry(key.clone()).or_insert(0);
        *n += 1;
        if *n == 1 { key } else { format!("{key}#{n}") }
    }

    /// One `bind` line.
    fn bind(&mut self, s: &Section, e: &Entry, http: bool) {
        let l = &e.line;
        let Some(addr) = l.words.get(1) else {
            self.errors.push(ParseError::new(
                l.span,
                format!("'bind' expects {{<path>|[addr1]:port1[-end1]}}{{,...}} [param*] as arguments (in {} '{}')", s.kind, s.name()),
            ));
            return;
        };
        let mut o = Opts::default();
        let mut unknown = Vec::new();
        options::read(
            &l.words[2..],
            Kind::Bind,
            &mut o,
            &mut self.errors,
            &mut unknown,
        );
        self.unknown_options(&unknown, "bind");
        if o.ssl.is_none() {
            return;
        }
        if o.crt.is_empty() && o.crt_list.is_empty() && !self.global.maybe.contains_key("crt") {
            self.errors.push(
                ParseError::new(
                    l.span,
                    format!(
                        "Proxy '{}': no SSL certificate specified for bind '{}' at [{}:{}] (use 'crt').",
                        s.name(),
                        addr.value,
                        self.sources.get(l.span.file).name,
                        self.sources.start(l.span).line
                    ),
                )
                .help("name the certificate with `crt /path/to/cert.pem` (or `crt-list`)"),
            );
            return;
        }
        let key = self.unique_key(format!(
            "haproxy/{}[{}]/bind[{}]",
            s.kind,
            s.name(),
            addr.value
        ));
        let name: Arc<str> = format!("{} {} bind {}", s.kind, s.name(), addr.value).into();
        let sockets: Vec<String> = addr.value.split(',').map(socket).collect();
        let idx = self.model.endpoints.len();
        let mut tls = self.settings(&o, Side::Server, idx, &key);
        tls.hsts = if http { self.hsts_for(s) } else { None };
        let mut maybe = HashMap::new();
        for (opt, span) in &o.env {
            maybe.insert(*opt, (*span, "an environment variable".into()));
        }
        let unknown = self.mark_unknown(&mut tls, &maybe, Side::Server);
        let lists = o.crt_list.clone();
        self.model.endpoints.push(Endpoint {
            dialect: Dialect::Haproxy,
            app: None,
            name: Arc::clone(&name),
            key: key.clone(),
            side: Side::Server,
            span: l.span,
            sockets,
            server_names: Vec::new(),
            tls,
            negotiable: None,
            handshake_default: None,
            mx_delivery: false,
            unknown,
            relative_paths: PathBase::NamingFile,
        });
        for list in &lists {
            self.crt_list(list, &o, idx, &name, &key);
        }
    }

    /// One `server` (or `server-template`) line.
    fn server(
        &mut self,
        s: &Section,
        e: &Entry,
        defaults: &Opts,
        maybe_line: Option<&(Span, String)>,
    ) {
        let l = &e.line;
        let positional = if l.keyword() == "server-template" {
            4
        } else {
            3
        };
        let (Some(sname), Some(_addr)) = (l.words.get(1), l.words.get(positional - 1)) else {
            self.errors.push(ParseError::new(
                l.span,
                format!(
                    "'{}' expects <name> and <addr>[:<port>] as arguments",
                    l.keyword()
                ),
            ));
            return;
        };
        let mut own = Opts::default();
        let mut unknown = Vec::new();
        options::read(
            l.words.get(positional..).unwrap_or(&[]),
            Kind::Server,
            &mut own,
            &mut self.errors,
            &mut unknown,
        );
        self.unknown_options(&unknown, "server");
        if let Some(c) = own.curves.as_ref().filter(|_| self.haproxy < SERVER_CURVES) {
            self.errors.push(ParseError::new(
                c.span,
                format!(
                    "'curves' on a server line needs HAProxy {SERVER_CURVES} or later (not {})",
                    self.haproxy
                ),
            ));
        }
        let ssl = own.ssl.is_some() || (defaults.ssl.is_some() && own.no_ssl.is_none());
        if !ssl {
            return;
        }
        let o = merge(&own, defaults);
        let key = self.unique_key(format!(
            "haproxy/{}[{}]/server[{}]",
            s.kind,
            s.name(),
            sname.value
        ));
        let name: Arc<str> = format!("{} {} server {}", s.kind, s.name(), sname.value).into();
        let idx = self.model.endpoints.len();
        let verify_none = matches!(o.verify.as_ref().map(|w| w.value.as_str()), Some("none"))
            || (o.verify.is_none() && self.global.server_verify_none.is_some());
        // A fragment's missing `global` may hold `ssl-server-verify none`.
        let unseen_global =
            self.fragment.is_some() && !self.options.strict_unknown && o.verify.is_none();
        if !verify_none
            && !unseen_global
            && o.ca_file.is_none()
            && o.verify.as_ref().is_none_or(|w| !w.env)
        {
            self.errors.push(
                ParseError::new(
                    l.span,
                    format!(
                        "Server '{}' : verify is enabled by default but no CA file specified.",
                        sname.value
                    ),
                )
                .help("name the CA with `ca-file`, or write `verify none` on the line (or `ssl-server-verify none` in global) where the server's certificate need not be checked"),
            );
            return;
        }
        let mut tls = self.settings(&o, Side::Client, idx, &key);
        let mut maybe = HashMap::new();
        for (opt, span) in &o.env {
            maybe.insert(*opt, (*span, "an environment variable".into()));
        }
        if let Some((span, w)) = maybe_line {
            for d in GLOBAL_SERVER {
                maybe.entry(d).or_insert((*span, w.clone()));
            }
        }
        let unknown = self.mark_unknown(&mut tls, &maybe, Side::Client);
        self.model.endpoints.push(Endpoint {
            dialect: Dialect::Haproxy,
            app: None,
            name,
            key,
            side: Side::Client,
            span: l.span,
            sockets: Vec::new(),
            server_names: Vec::new(),
            tls,
            negotiable: None,
            handshake_default: None,
            mx_delivery: false,
            unknown,
            relative_paths: PathBase::NamingFile,
        });
    }

    /// The settings of a line's options over `global`'s and HAProxy's defaults.
    fn settings(&mut self, o: &Opts, side: Side, idx: usize, key: &str) -> TlsSettings {
        let g = match side {
            Side::Server => std::mem::take(&mut self.global.bind),
            Side::Client => std::mem::take(&mut self.global.server),
        };
        let prefix = if side == Side::Server {
            "ssl-default-bind"
        } else {
            "ssl-default-server"
        };
        let mut tls = TlsSettings {
            protocols: Some(self.protocols(o, &g, side, idx, key)),
            ciphers: Some(ciphers(o.ciphers.as_ref(), g.ciphers.as_ref(), prefix)),
            ciphersuites: Some(suites(
                o.ciphersuites.as_ref(),
                g.ciphersuites.as_ref(),
                prefix,
            )),
            compression: Some(
                Setting::defaulted(false, "HAProxy always turns TLS compression off")
                    .directive("ssl-default-bind-options"),
            ),
            curves: Some(curves(o, &g, prefix)),
            ..TlsSettings::default()
        };
        tls.certificates = self.certificates(o);
        let v = self.haproxy;
        match side {
            Side::Server => {
                tls.prefer_server_ciphers = Some(flag_off(
                    o.prefer_client,
                    g.prefer_client,
                    "prefer-client-ciphers",
                    true,
                    &format!(
                        "HAProxy {v} enforces the server's cipher order unless `prefer-client-ciphers`"
                    ),
                ));
                tls.session_tickets = Some(flag_off(
                    o.no_tickets,
                    g.no_tickets,
                    "no-tls-tickets",
                    true,
                    &format!("HAProxy {v} sends session tickets unless `no-tls-tickets`"),
                ));
                tls.ticket_keys = Some(match &o.ticket_keys {
                    Some(w) => Setting::set(
                        TicketKeys::Files { files: vec![PathBuf::from(&w.value)] },
                        w.span,
                    )
                    .directive("tls-ticket-keys"),
                    None => Setting::defaulted(
                        TicketKeys::UntilRestart,
                        format!("no `tls-ticket-keys`: HAProxy {v} makes random ticket keys at start and keeps them until restart"),
                    )
                    .directive("tls-ticket-keys"),
                });
                tls.session_timeout = Some(match self.global.lifetime {
                    Some((t, span)) => Setting::inherited(t, span).directive("tune.ssl.lifetime"),
                    None => Setting::defaulted(
                        300,
                        format!("no `tune.ssl.lifetime`: HAProxy {v} default 300s"),
                    )
                    .directive("tune.ssl.lifetime"),
                });
                tls.dh_params = self.dh_params();
                tls.verify_peer = Some(match &o.verify {
                    Some(w) => Setting::set(w.value != "none", w.span).directive("verify"),
                    None => Setting::defaulted(
                        false,
                        "no `verify`: HAProxy requests no client certificate",
                    )
                    .directive("verify"),
                });
                tls.early_data = o
                    .early
                    .map(|s| Setting::set(true, s).directive("allow-0rtt"));
            }
            Side::Client => {
                tls.verify_peer = Some(match (&o.verify, self.global.server_verify_none) {
                    (Some(w), _) => Setting::set(w.value != "none", w.span).directive("verify"),
                    (None, Some(span)) => Setting::inherited(false, span).directive("verify"),
                    (None, None) => Setting::defaulted(
                        true,
                        format!("HAProxy {v} verifies servers' certificates by default"),
                    )
                    .directive("verify"),
                });
            }
        }
        match side {
            Side::Server => self.global.bind = g,
            Side::Client => self.global.server = g,
        }
        tls
    }

    fn dh_params(&self) -> Option<Setting<Option<PathBuf>>> {
        if let Some(w) = &self.global.dh_file {
            return Some(
                Setting::inherited(Some(Self::resolve(&w.value, None)), w.span)
                    .directive("ssl-dh-param-file"),
            );
        }
        if let Some((Some(bits), span)) = self.global.dh_size
            && bits < FFDHE_MIN
            && self.haproxy >= NO_DEFAULT_DH
            && self.options.targets.openssl >= Version(3, 0, 0)
        {
            return Some(
                Setting::inherited(None, span)
                    .with_note(format!(
                        "HAProxy {} with OpenSSL 3 has no {bits}-bit group: DHE suites disabled (unless the certificate file holds DH parameters)",
                        self.haproxy
                    ))
                    .directive("ssl-dh-param-file"),
            );
        }
        if self.global.dh_size.is_some() || self.haproxy < NO_DEFAULT_DH {
            // A built-in group: DHE is usable, and there is no file to judge.
            return None;
        }
        Some(
            Setting::defaulted(
                None,
                format!(
                    "no `ssl-dh-param-file` or `tune.ssl.default-dh-param`: HAProxy {} enables no DHE suites (unless the certificate file holds DH parameters)",
                    self.haproxy
                ),
            )
            .with_note("no DH parameters: DHE suites disabled")
            .directive("ssl-dh-param-file"),
        )
    }

    /// Where HAProxy looks for a path: `crt-base` for relative certificates; other relative
    /// paths stay as written (HAProxy reads them from its working directory, which tlslint
    /// takes to be the directory of the config: [`PathBase::NamingFile`]).
    fn resolve(written: &str, base: Option<&str>) -> PathBuf {
        let p = Path::new(written);
        match base {
            Some(b) if !p.is_absolute() => Path::new(b).join(p),
            _ => p.to_path_buf(),
        }
    }

    fn certificates(&self, o: &Opts) -> Vec<Setting<PathBuf>> {
        let base = self.global.crt_base.clone();
        o.crt
            .iter()
            .filter(|w| !w.env)
            .map(|w| {
                let path = Self::resolve(&w.value, base.as_deref());
                let mut s = Setting::set(path.clone(), w.span).directive("crt");
                if self.options.gateway.is_dir(&path) {
                    s.set_note("a directory: HAProxy loads every certificate in it");
                }
                s
            })
            .filter(|s| s.note().is_none())
            .collect()
    }

    /// Protocols a line enables: `force-*` or `ssl-min-ver`/`ssl-max-ver` (line, then
    /// global), else the `no-*` flags (line and global together) over HAProxy's default
    /// range. HAProxy ignores the `no-*` flags where a minimum or maximum is given, and
    /// enables every version between the lowest and highest it keeps (measured, 2.6.12).
    fn protocols(
        &mut self,
        line: &Opts,
        global: &Opts,
        side: Side,
        idx: usize,
        key: &str,
    ) -> Setting<Vec<Protocol>> {
        let version = self.haproxy;
        let newest = if self.options.targets.openssl >= Version(1, 1, 1) {
            Protocol::TLSv1_3
        } else {
            Protocol::TLSv1_2
        };
        let own = |a: &Option<At<Protocol>>| a.as_ref().map(|x| (x.clone(), true));
        let inh = |a: &Option<At<Protocol>>| a.as_ref().map(|x| (x.clone(), false));
        let force = own(&line.force).or_else(|| inh(&global.force));
        let min = force
            .clone()
            .or_else(|| own(&line.min))
            .or_else(|| inh(&global.min));
        let max = force
            .clone()
            .or_else(|| own(&line.max))
            .or_else(|| inh(&global.max));
        let flags: Vec<(At<Protocol>, bool)> = line
            .no
            .iter()
            .map(|x| (x.clone(), true))
            .chain(global.no.iter().map(|x| (x.clone(), false)))
            .collect();
        let explicit = min.is_some() || max.is_some();
        if explicit && let Some((first, _)) = flags.first() {
            let mut obs = Observation::new(
                OKind::Ineffective,
                first.span,
                "HAProxy ignores no-sslv3/no-tlsv1x where ssl-min-ver or ssl-max-ver is given"
                    .to_owned(),
            )
            .help("use only `ssl-min-ver` and `ssl-max-ver`")
            .key(format!("{key}/no-tlsv1x"));
            obs.endpoint = Some(idx);
            self.model.observations.push(obs);
        }
        let default_min = if side == Side::Server && version >= BIND_MIN_12 {
            Protocol::TLSv1_2
        } else {
            Protocol::TLSv1
        };
        let low = min.as_ref().map_or(default_min, |m| m.0.value);
        let high = max.as_ref().map_or(newest, |m| m.0.value);
        let kept: Vec<Protocol> = Protocol::ALL
            .into_iter()
            .filter(|p| *p >= low && *p <= high)
            .filter(|p| explicit || !flags.iter().any(|(f, _)| f.value == *p))
            .collect();
        let range: Vec<Protocol> = match (kept.first(), kept.last()) {
            (Some(lo), Some(hi)) => Protocol::ALL
                .into_iter()
                .filter(|p| p >= lo && p <= hi)
                .collect(),
            _ => Vec::new(),
        };
        if range.is_empty() {
            let at = min
                .as_ref()
                .map(|m| m.0.span)
                .or(flags.first().map(|f| f.0.span));
            self.errors.push(
                ParseError::new(
                    at.unwrap_or(Span::new(crate::source::FileId(0), 0, 0)),
                    "all SSL/TLS versions are disabled",
                )
                .help("leave at least one version between ssl-min-ver and ssl-max-ver"),
            );
        }
        // Where the decision is written: the minimum (or force), else the maximum, else the
        // first flag (only when the flags count).
        let decided = min
            .as_ref()
            .map(|m| (m.0.span, m.1, "ssl-min-ver"))
            .or_else(|| max.as_ref().map(|m| (m.0.span, m.1, "ssl-max-ver")))
            .or_else(|| flags.first().map(|(f, own)| (f.span, *own, "no-tlsv1x")));
        match decided {
            Some((span, true, d)) => Setting::set(range, span).directive(d),
            Some((span, false, d)) => Setting::inherited(range, span).directive(d),
            None => {
                let text = if side == Side::Server && version >= BIND_MIN_12 {
                    format!(
                        "no `ssl-min-ver`: HAProxy {version} accepts TLSv1.2 and newer on bind lines"
                    )
                } else {
                    format!(
                        "no `ssl-min-ver`: HAProxy {version} sets no minimum here; OpenSSL's defaults apply"
                    )
                };
                Setting::defaulted(range, text).directive("ssl-min-ver")
            }
        }
    }

    /// A `crt-list` file: its certificates join the bind's; an entry with `[...]` options
    /// that change TLS settings is an endpoint of its own (the context HAProxy switches to
    /// for the names it serves).
    fn crt_list(&mut self, w: &Word, bind: &Opts, idx: usize, name: &Arc<str>, key: &str) {
        if w.env {
            return;
        }
        self.crt_lists += 1;
        if self.crt_lists > MAX_CRT_LISTS {
            return;
        }
        // The list is read by tlslint now: relative to the config, as HAProxy run from there.
        let path = self.base.join(&w.value);
        let id = match self.sources.load_included(&path, &self.options.gateway) {
            Ok(id) => id,
            Err(r) if crate::parse::is_unseen(&r) => {
                let mut o =
                    crate::parse::refused_note(w.span, &path, &r, "the certificates it lists");
                o.endpoint = Some(idx);
                self.model
                    .observations
                    .push(o.key(format!("{key}/crt-list")));
                return;
            }
            Err(r) => {
                self.errors.push(ParseError::new(
                    w.span,
                    crate::parse::refused_message(&path, &r),
                ));
                return;
            }
        };
        let text = Arc::clone(&self.sources.get(id).text);
        let (lines, errors) = super::lexer::lines(id, &text);
        self.errors.extend(errors);
        let base = self.global.crt_base.clone();
        for line in lines {
            let Some(cert) = line.words.first() else {
                continue;
            };
            let cert_path = Self::resolve(&cert.value, base.as_deref());
            let Some((entry, words)) = self.entry_options(&line.words[1..]) else {
                continue;
            };
            let filters: Vec<String> = words.iter().map(|x| x.value.clone()).collect();
            let own = entry.min.is_some()
                || entry.max.is_some()
                || entry.ciphers.is_some()
                || entry.ciphersuites.is_some()
                || entry.curves.is_some()
                || entry.ecdhe.is_some()
                || entry.verify.is_some();
            let cert_setting = Setting::set(cert_path, cert.span).directive("crt-list");
            if !own {
                if let Some(e) = self.model.endpoints.get_mut(idx) {
                    e.tls.certificates.push(cert_setting);
                }
                continue;
            }
            let mut o = merge(&entry, bind);
            o.crt.clear();
            let ekey = self.unique_key(format!("{key}/crt-list[{}]", cert.value));
            let ename: Arc<str> = format!("{name} crt-list {}", cert.value).into();
            let eidx = self.model.endpoints.len();
            let mut tls = self.settings(&o, Side::Server, eidx, &ekey);
            tls.certificates = vec![cert_setting];
            let (hsts, sockets) = self
                .model
                .endpoints
                .get(idx)
                .map(|b| (b.tls.hsts.clone(), b.sockets.clone()))
                .unwrap_or_default();
            tls.hsts = hsts;
            let unknown = self.mark_unknown(&mut tls, &HashMap::new(), Side::Server);
            self.model.endpoints.push(Endpoint {
                dialect: Dialect::Haproxy,
                app: None,
                name: ename,
                key: ekey,
                side: Side::Server,
                span: line.span,
                sockets,
                server_names: filters,
                tls,
                negotiable: None,
                // HAProxy applies the entry's versions and suites once the name is known
                // (its client-hello callback), so the entry decides its own handshake.
                handshake_default: None,
                mx_delivery: false,
                unknown,
                relative_paths: PathBase::NamingFile,
            });
        }
    }

    /// A `crt-list` entry's `[...]` options and the SNI filters after them; `None` (with an
    /// error) when the `]` is missing.
    fn entry_options<'w>(&mut self, words: &'w [Word]) -> Option<(Opts, &'w [Word])> {
        let mut entry = Opts::default();
        let Some(open) = words.first().filter(|x| x.value.starts_with('[')) else {
            return Some((entry, words));
        };
        let Some(close) = words.iter().position(|x| x.value.ends_with(']')) else {
            self.errors.push(ParseError::new(
                open.span,
                "missing ']' in the crt-list entry's options",
            ));
            return None;
        };
        let inner: Vec<Word> = words[..=close]
            .iter()
            .map(|x| {
                let mut x = x.clone();
                x.value = x
                    .value
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .to_owned();
                x
            })
            .filter(|x| !x.value.is_empty())
            .collect();
        let mut unknown = Vec::new();
        options::read(
            &inner,
            Kind::Bind,
            &mut entry,
            &mut self.errors,
            &mut unknown,
        );
        self.unknown_options(&unknown, "crt-list");
        Some((entry, &words[close + 1..]))
    }

    /// The HSTS header a frontend or listen sends (its own `http-response` rules, else
    /// those of its only backend).
    fn hsts_for(&mut self, s: &Section) -> Option<Setting<Option<Hsts>>> {
        let own = Self::hsts_of(s);
        if own.as_ref().is_some_and(|h| h.value.is_some()) || own.is_none() {
            return own;
        }
        let uses: Vec<&str> = s
            .entries
            .iter()
            .filter(|e| matches!(e.line.keyword(), "use_backend" | "default_backend"))
            .map(|e| e.line.arg(1))
            .collect();
        match uses.as_slice() {
            [] => own,
            [one] => match self.backend_hsts.get(*one) {
                Some(h) => h.clone(),
                None => None,
            },
            // Several backends: each response may come from another; not judged here.
            _ => None,
        }
    }

    /// The `Strict-Transport-Security` header a section's `http-response` /
    /// `http-after-response` rules set: `None` when it cannot be known (a variable, a
    /// condition tlslint cannot decide), `Some(None inside)` when none is set.
    fn hsts_of(s: &Section) -> Option<Setting<Option<Hsts>>> {
        let mut found = None;
        for e in &s.entries {
            let l = &e.line;
            if !matches!(l.keyword(), "http-response" | "http-after-response") {
                continue;
            }
            if !matches!(l.arg(1), "set-header" | "add-header")
                || !l.arg(2).eq_ignore_ascii_case("Strict-Transport-Security")
            {
                continue;
            }
            let Some(v) = l.words.get(3) else { continue };
            let cond = l.words.get(4).map(|w| w.value.as_str());
            let plain_ssl = matches!(cond, Some("if"))
                && l.words.len() == 8
                && l.arg(5) == "{"
                && l.arg(6) == "ssl_fc"
                && l.arg(7) == "}";
            if e.maybe || v.env || v.value.contains("%[") || (cond.is_some() && !plain_ssl) {
                return None;
            }
            let (max_age, include_subdomains, preload) =
                crate::parse::nginx::extract::hsts_value(&v.value);
            let d = format!("{} {}", l.keyword(), l.arg(1));
            found = Some(
                Setting::set(
                    Some(Hsts {
                        max_age,
                        include_subdomains,
                        preload,
                        always: true,
                        line: Some(l.span),
                        elsewhere: Vec::new(),
                    }),
                    v.span,
                )
                .directive(d),
            );
        }
        Some(found.unwrap_or_else(|| {
            Setting::defaulted(
                None,
                "no `http-response set-header Strict-Transport-Security`",
            )
            .directive("http-response set-header")
        }))
    }
}

/// `line` over `defaults`: each option from the line when it has it.
fn merge(line: &Opts, d: &Opts) -> Opts {
    let mut o = line.clone();
    o.ssl = o.ssl.or(d.ssl);
    o.min = o.min.or_else(|| d.min.clone());
    o.max = o.max.or_else(|| d.max.clone());
    o.force = o.force.or_else(|| d.force.clone());
    if o.no.is_empty() {
        o.no.clone_from(&d.no);
    }
    o.ciphers = o.ciphers.or_else(|| d.ciphers.clone());
    o.ciphersuites = o.ciphersuites.or_else(|| d.ciphersuites.clone());
    o.curves = o.curves.or_else(|| d.curves.clone());
    o.ecdhe = o.ecdhe.or_else(|| d.ecdhe.clone());
    o.prefer_client = o.prefer_client.or(d.prefer_client);
    o.no_tickets = o.no_tickets.or(d.no_tickets);
    o.early = o.early.or(d.early);
    o.verify = o.verify.or_else(|| d.verify.clone());
    o.ca_file = o.ca_file.or_else(|| d.ca_file.clone());
    if o.crt.is_empty() {
        o.crt.clone_from(&d.crt);
    }
    o.alpn = o.alpn.or_else(|| d.alpn.clone());
    o.env.extend(d.env.iter().copied());
    o
}

/// A flag that turns a default-on behaviour off (`prefer-client-ciphers`, `no-tls-tickets`).
fn flag_off(
    own: Option<Span>,
    global: Option<Span>,
    d: &'static str,
    default: bool,
    text: &str,
) -> Setting<bool> {
    match (own, global) {
        (Some(s), _) => Setting::set(!default, s).directive(d),
        (None, Some(s)) => Setting::inherited(!default, s).directive(d),
        (None, None) => Setting::defaulted(default, text.to_owned()).directive(d),
    }
}

fn place<T>(value: T, w: &Word, own: bool, d: &'static str) -> Setting<T> {
    if own {
        Setting::set(value, w.span).directive(d)
    } else {
        Setting::inherited(value, w.span).directive(d)
    }
}

fn cipher_string(w: &Word) -> CipherString {
    if w.verbatim {
        CipherString::placed(w.value.clone(), w.inner)
    } else {
        CipherString::unplaced(w.value.clone())
    }
}

fn ciphers(own: Option<&Word>, global: Option<&Word>, prefix: &str) -> Setting<Ciphers> {
    match (own, global) {
        (Some(w), _) => place(Ciphers::OpenSsl(cipher_string(w)), w, true, "ciphers"),
        (None, Some(w)) => place(Ciphers::OpenSsl(cipher_string(w)), w, false, "ciphers"),
        (None, None) => Setting::defaulted(
            Ciphers::OpenSsl(CipherString::unplaced("DEFAULT")),
            format!("no `ciphers` or `{prefix}-ciphers`: OpenSSL's default list"),
        )
        .directive("ciphers"),
    }
}

/// Splits a `:` list into names, each placed exactly when the word is written verbatim.
fn names(w: &Word) -> Vec<Named> {
    let mut out = Vec::new();
    let mut at = 0;
    for part in w.value.split(':') {
        let span = w.verbatim.then(|| w.inner.sub(at, at + part.len()));
        if !part.is_empty() {
            out.push(Named::new(part.to_owned(), span));
        }
        at += part.len() + 1;
    }
    out
}

fn suites(own: Option<&Word>, global: Option<&Word>, prefix: &str) -> Setting<Vec<Named>> {
    match (own, global) {
        (Some(w), _) => place(names(w), w, true, "ciphersuites"),
        (None, Some(w)) => place(names(w), w, false, "ciphersuites"),
        (None, None) => Setting::defaulted(
            OPENSSL_CIPHERSUITES
                .iter()
                .map(|s| Named::new(*s, None))
                .collect(),
            format!(
                "no `ciphersuites` or `{prefix}-ciphersuites`: OpenSSL's default TLS 1.3 suites"
            ),
        )
        .directive("ciphersuites"),
    }
}

fn curves(o: &Opts, g: &Opts, prefix: &str) -> Setting<Vec<Named>> {
    match (&o.curves, &g.curves, &o.ecdhe) {
        (Some(w), _, _) | (None, None, Some(w)) => place(names(w), w, true, "curves"),
        (None, Some(w), _) => place(names(w), w, false, "curves"),
        (None, None, None) => Setting::defaulted(
            vec![Named::new("auto", None)],
            format!("no `curves` or `{prefix}-curves`: OpenSSL's default groups"),
        )
        .directive("curves"),
    }
}

/// `ipv4@1.2.3.4:443`, `:443`, `*:443` → `addr:port` as the model writes sockets.
fn socket(a: &str) -> String {
    let a = a.rsplit_once('@').map_or(a, |(_, r)| r);
    match a.rsplit_once(':') {
        Some(("" | "*" | "0.0.0.0", port)) => format!("*:{port}"),
        Some((host, port)) if host.contains(':') && !host.starts_with('[') => {
            format!("[{host}]:{port}")
        }
        Some((host, port)) => format!("{host}:{port}"),
        None => a.to_owned(),
    }
}

/// HAProxy's time values: a number with an optional unit (`us`, `ms`, `s`, `m`, `h`,
/// `d`); `tune.ssl.lifetime` defaults to seconds.
pub(crate) fn parse_time(s: &str) -> Option<u64> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    let n: u64 = s.get(..digits)?.parse().ok()?;
    let mult = match s.get(digits..)? {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "ms" | "us" => return Some(0),
        _ => return None,
    };
    n.checked_mul(mult)
}
