//! From the directive tree to the common model: one [`Endpoint`] per TLS `server` (http,
//! stream, mail) and per upstream TLS context (`proxy_ssl_*`, `grpc_ssl_*`, `uwsgi_ssl_*`,
//! stream `proxy_ssl on`), with nginx's effective values.
//!
//! nginx facts applied here (see `nginx.md` §3–§7): a child block inherits a directive only
//! when it sets none; list directives (`ssl_certificate`, `ssl_conf_command`,
//! `ssl_session_ticket_key`) are inherited all-or-nothing; same-block `ssl_protocols` are
//! unioned; `ssl_conf_command` is applied last and overrides protocols, ciphers, tickets;
//! the `ssl` listen flag is OR-ed across servers on one address:port; before 1.29.2 the
//! default server of an address:port decides the protocols; defaults depend on the target
//! nginx version. Dialect facts that are not settings become [`Observation`]s.
//!
//! This module does not judge anything: no policy, no severity.

use std::path::PathBuf;
use std::sync::Arc;

use super::lexer::Arg;
use super::tree::{BodyKind, DirId, Directive, MAX_DEPTH, Tree};
use crate::escape::short;
use crate::model::{
    CipherString, Ciphers, Dialect, Endpoint, Model, Named, Observation, ObservationKind, PathBase,
    Protocol, Setting, Side, Stapling, StaplingNames, TicketKeys, TlsMode, TlsSettings, Unknown,
    Version,
};
use crate::parse::{Options, ParseError};
use crate::source::{FileId, Span};

/// Maps keyed by config text: a seeded fast hasher (no SipHash cost, still per-process keys).
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
type HashSet<T> = std::collections::HashSet<T, foldhash::fast::RandomState>;

/// The first nginx whose `ssl_protocols` works outside the default server (CHANGES 1.29.2).
const PER_SERVER_PROTOCOLS: Version = Version(1, 29, 2);
/// `ssl on` and `listen ... http2` stopped being accepted / became deprecated here.
const SSL_REMOVED: Version = Version(1, 25, 1);
/// Automatic ticket-key rotation in a shared session cache.
const AUTO_TICKET_KEYS: Version = Version(1, 23, 2);
use crate::negotiate::OPENSSL_CIPHERSUITES;
/// The stream module's `ssl_stapling*` directives (CHANGES 1.27.2).
const STREAM_STAPLING: Version = Version(1, 27, 2);
/// Directives whose values decide what OCSP stapling does besides `ssl_stapling`: an
/// unread include that may set one of them leaves stapling unknown.
const STAPLING_PARTS: [&str; 8] = [
    "ssl_stapling_verify",
    "ssl_stapling_file",
    "ssl_stapling_responder",
    "resolver",
    "ssl_trusted_certificate",
    "ssl_client_certificate",
    "ssl_verify_client",
    "ssl_stapling",
];

/// Stapling turned off: one shared value for the many endpoints that leave it off (the
/// parts are only read when it is on).
fn stapling_off() -> Arc<Stapling> {
    static OFF: std::sync::LazyLock<Arc<Stapling>> =
        std::sync::LazyLock::new(|| Arc::new(Stapling::default()));
    Arc::clone(&OFF)
}

/// nginx's default `ssl_protocols` (and `proxy_ssl_protocols`) for a version (`nginx.md` §4).
pub fn default_protocols(v: Version) -> Vec<Protocol> {
    use Protocol::{SSLv3, TLSv1, TLSv1_1, TLSv1_2, TLSv1_3};
    if v < Version(1, 9, 1) {
        vec![SSLv3, TLSv1, TLSv1_1, TLSv1_2]
    } else if v < Version(1, 23, 4) {
        vec![TLSv1, TLSv1_1, TLSv1_2]
    } else if v < Version(1, 27, 3) {
        vec![TLSv1, TLSv1_1, TLSv1_2, TLSv1_3]
    } else {
        vec![TLSv1_2, TLSv1_3]
    }
}

fn join_protocols(p: &[Protocol]) -> String {
    p.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(" ")
}

/// The directives of one block, by name, in file order: names and ids sorted by name
/// (stably, so each name's ids keep file order), looked up by binary search. Two vectors
/// per block instead of a map with a vector per name: blocks are small and many.
#[derive(Default)]
struct Scope<'t> {
    names: Vec<&'t str>,
    ids: Vec<DirId>,
    /// One bit per name (see [`name_bit`]): most lookups ask for a name the block does not
    /// have, and this answers them without comparing strings.
    mask: u64,
    /// The first include of the block that was not read (outside the checked root): it may
    /// set any directive.
    unread: Option<DirId>,
}

/// A cheap 1-of-64 signature of a directive name (length and two bytes); a clear bit
/// means "certainly absent".
fn name_bit(name: &str) -> u64 {
    let b = name.as_bytes();
    let (Some(&last), Some(&mid)) = (b.last(), b.get(b.len() / 2)) else {
        return 1;
    };
    let h = b
        .len()
        .wrapping_mul(31)
        .wrapping_add(usize::from(last).wrapping_mul(7))
        .wrapping_add(usize::from(mid));
    1 << (h % 64)
}

impl<'t> Scope<'t> {
    /// The block of `children`; `unread` lists (sorted) the includes that were not read.
    fn of(tree: &'t Tree, children: &[DirId], unread: &[DirId]) -> Self {
        let mut pairs: Vec<(&'t str, DirId)> = children
            .iter()
            .map(|&id| (tree.get(id).name(), id))
            .collect();
        pairs.sort_by(|a, b| a.0.cmp(b.0));
        let mask = pairs.iter().fold(0, |m, (n, _)| m | name_bit(n));
        let (names, ids) = pairs.into_iter().unzip();
        let mut scope = Scope {
            names,
            ids,
            mask,
            unread: None,
        };
        if !unread.is_empty() {
            scope.unread = scope
                .get("include")
                .iter()
                .copied()
                .find(|id| unread.binary_search(id).is_ok());
        }
        scope
    }

    fn get(&self, name: &str) -> &[DirId] {
        self.get_with(name, name_bit(name))
    }

    /// Whether the block has a directive whose name starts with `prefix` (names are sorted:
    /// a binary search, not a scan of blocks that hold thousands of servers).
    fn has_prefix(&self, prefix: &str) -> bool {
        let i = self.names.partition_point(|n| *n < prefix);
        self.names.get(i).is_some_and(|n| n.starts_with(prefix))
    }

    /// [`Scope::get`] with the name's [`name_bit`] already computed.
    fn get_with(&self, name: &str, bit: u64) -> &[DirId] {
        if self.mask & bit == 0 {
            return &[];
        }
        let start = self.names.partition_point(|n| *n < name);
        let end = start + self.names[start..].partition_point(|n| *n == name);
        &self.ids[start..end]
    }
}

/// Found directives: the innermost block that has them, and whether that is the
/// endpoint's own block.
struct Found<'a> {
    ids: &'a [DirId],
    own: bool,
}

/// Blocks from the outermost (`http`) to the endpoint's own.
struct Chain<'s, 't> {
    scopes: Vec<&'s Scope<'t>>,
}

impl<'s> Chain<'s, '_> {
    fn find(&self, name: &str) -> Option<Found<'s>> {
        let last = self.scopes.len().checked_sub(1)?;
        let bit = name_bit(name);
        self.scopes.iter().enumerate().rev().find_map(|(i, s)| {
            let ids = s.get_with(name, bit);
            (!ids.is_empty()).then_some(Found {
                ids,
                own: i == last,
            })
        })
    }

    /// The unread include that may set `name` for this chain's endpoint: one in a block
    /// inside the innermost block that has `name` (or in any block, when none has it). An
    /// unread include beside the directive cannot override it (nginx refuses a duplicate).
    fn unread_over(&self, name: &str) -> Option<DirId> {
        let bit = name_bit(name);
        for s in self.scopes.iter().rev() {
            if !s.get_with(name, bit).is_empty() {
                return None;
            }
            if s.unread.is_some() {
                return s.unread;
            }
        }
        None
    }

    /// The unread include that may add a `name` directive of a list kind
    /// (`ssl_certificate`): one in the innermost block that has `name` or a block inside
    /// it, or in any block when none has it.
    fn unread_beside(&self, name: &str) -> Option<DirId> {
        let bit = name_bit(name);
        for s in self.scopes.iter().rev() {
            if s.unread.is_some() {
                return s.unread;
            }
            if !s.get_with(name, bit).is_empty() {
                return None;
            }
        }
        None
    }

    /// Whether any block of the chain has an unread include.
    fn has_unread(&self) -> bool {
        self.scopes.iter().any(|s| s.unread.is_some())
    }

    fn any_prefixed(&self, prefix: &str) -> bool {
        self.scopes.iter().any(|s| s.has_prefix(prefix))
    }
}

/// Which directive family an endpoint reads.
#[derive(Clone, Copy)]
struct Family {
    /// `ssl`, `proxy_ssl`, `grpc_ssl`, `uwsgi_ssl`.
    prefix: &'static str,
    side: Side,
    /// The module has `ssl_early_data` (http servers; stream and mail have none).
    early_data: bool,
    /// The module has `ssl_stapling` (http; stream from 1.27.2; mail never).
    stapling: bool,
}

impl Family {
    /// The server side (`ssl_*`) of a module that has `ssl_stapling` and `ssl_early_data` or
    /// not.
    fn server(stapling: bool, early_data: bool) -> Self {
        Family {
            prefix: "ssl",
            side: Side::Server,
            early_data,
            stapling,
        }
    }
}

/// A `listen` directive, reduced to what TLS cares about.
struct Listen {
    /// `addr:port` (`*:443`, `[::]:443`, `unix:/path`), plus ` quic` for UDP.
    socket: String,
    /// `addr:port` as shown in names.
    shown: String,
    ssl: Option<Span>,
    quic: Option<Span>,
    default: bool,
}

/// One `server` block being turned into an endpoint.
struct ServerInfo<'t> {
    id: DirId,
    label: String,
    listens: Vec<Listen>,
    scope: Scope<'t>,
}

/// A default server's settings as written, before the default-server pass.
#[derive(Clone)]
struct Snapshot {
    span: Span,
    protocols: Option<Setting<Vec<Protocol>>>,
    ciphersuites: Option<Setting<Vec<Named>>>,
    curves: Option<Setting<Vec<Named>>>,
    /// What an unread include may set in the default server.
    unknown: Vec<Unknown>,
}

/// What the default server of a socket decides for every server on it (values only).
#[derive(Clone, PartialEq)]
struct Decided {
    protocols: Option<Vec<Protocol>>,
    ciphersuites: Option<Vec<String>>,
    curves: Option<Vec<String>>,
}

impl Decided {
    fn of(tls: &TlsSettings) -> Self {
        let names = |s: &Option<Setting<Vec<Named>>>| {
            s.as_ref()
                .map(|s| s.value.iter().map(|n| n.name.to_string()).collect())
        };
        Decided {
            protocols: tls.protocols.as_ref().map(|p| p.value.clone()),
            ciphersuites: names(&tls.ciphersuites),
            curves: names(&tls.curves),
        }
    }

    /// What a server whose own settings are `mine` gets on a socket with this default.
    fn with(&self, mine: &Decided, protocols: bool) -> Decided {
        Decided {
            protocols: if protocols {
                self.protocols.clone()
            } else {
                mine.protocols.clone()
            },
            ciphersuites: self.ciphersuites.clone(),
            curves: self.curves.clone(),
        }
    }
}

/// What a server endpoint needs for the default-server pass.
struct Made {
    server: usize,
    endpoint: usize,
    /// The sockets it speaks TLS on, in `listen` order.
    sockets: Vec<String>,
    own_protocols: Option<DirId>,
    /// Its module (mail servers are checked for a certificate one by one).
    module: Module,
    /// Whether it has a certificate (see [`no_certificate`]).
    certificate: no_certificate::Certificate,
    /// What turned TLS on.
    on: no_certificate::TurnedOn,
}

pub(crate) mod hsts;
pub(crate) use hsts::parse_value as hsts_value;
mod no_certificate;

struct Extractor<'t> {
    tree: &'t Tree,
    target: Version,
    /// The OpenSSL nginx is built with (for a cipher string that `CipherString` overrides).
    openssl: Version,
    model: Model,
    errors: Vec<ParseError>,
    reported: HashSet<(Span, String)>,
    keys: HashMap<String, usize>,
    /// Texts every endpoint shares (directive names, default explanations), made once.
    texts: HashMap<String, Arc<str>>,
    text_key: String,
    /// Directive names by the address and length of their two fixed parts.
    names: HashMap<(usize, usize, usize, usize), Arc<str>>,
    /// Texts by the address and length of a fixed topic and family prefix.
    fixed: HashMap<(usize, usize, usize, usize), Arc<str>>,
    /// The setting of every server without `ssl_dhparam`.
    no_dhparam: Option<Setting<Option<PathBuf>>>,
    /// The conf prefix every endpoint's relative key-material paths resolve against.
    relative_paths: PathBase,
    /// For each reported error (false) and observation (true), in order: how a fork's
    /// results are replayed by [`Extractor::merge`].
    log: Vec<bool>,
    /// Includes not read (outside the checked root), sorted.
    unread: Vec<DirId>,
    /// Judge what unread includes may set as nginx's defaults.
    strict_unknown: bool,
    /// The file is a fragment (its top level is `http` context), not a main config.
    fragment: bool,
}

/// Servers of at least this count are extracted on two threads.
const PARALLEL_SERVERS: usize = 64;

/// The servers of one module and what their extraction shares.
struct Servers<'s, 't> {
    top: &'s Scope<'t>,
    all: &'s [ServerInfo<'t>],
    socket_ssl: &'s HashMap<&'s str, (Span, usize)>,
    module: Module,
}

/// Extracts endpoints and observations; also returns the errors nginx would give at load
/// time for the TLS directives read here (arity, duplicates).
pub fn extract(tree: &Tree, options: &Options) -> (Model, Vec<ParseError>) {
    let mut x = Extractor {
        tree,
        target: options.targets.nginx,
        openssl: options.targets.openssl,
        model: Model::default(),
        errors: Vec::new(),
        reported: HashSet::default(),
        keys: HashMap::default(),
        texts: HashMap::default(),
        text_key: String::new(),
        names: HashMap::default(),
        fixed: HashMap::default(),
        no_dhparam: None,
        relative_paths: PathBase::Dir {
            dir: tree.prefix.as_path().into(),
            by: tree.files.first().copied().unwrap_or(FileId(0)),
        },
        log: Vec::new(),
        unread: {
            let mut u: Vec<DirId> = tree
                .outside_root
                .iter()
                .filter(|(_, path, _)| !stock_without_tls(path))
                .map(|(id, _, _)| *id)
                .collect();
            u.sort_unstable();
            u.dedup();
            u
        },
        strict_unknown: options.strict_unknown,
        fragment: false,
    };
    let is_main = tree.root.iter().any(|&id| {
        let d = tree.get(id);
        d.block.is_some() && matches!(d.name(), "http" | "events" | "stream" | "mail")
    });
    if is_main {
        for &id in &tree.root {
            let d = tree.get(id);
            if d.block.is_none() {
                continue;
            }
            match d.name() {
                "http" => x.module(d.children(), Module::Http),
                "stream" => x.module(d.children(), Module::Stream),
                "mail" => x.module(d.children(), Module::Mail),
                _ => {}
            }
        }
    } else {
        // A fragment (a site file, a `conf.d` snippet): its top level is `http` context.
        x.fragment = true;
        x.module(&tree.root, Module::Http);
    }
    x.unread_notes();
    (x.model, x.errors)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Module {
    Http,
    Stream,
    Mail,
}

impl Module {
    /// Whether the module has `ssl_stapling` in nginx `target`.
    fn staples(self, target: Version) -> bool {
        match self {
            Module::Http => true,
            Module::Stream => target >= STREAM_STAPLING,
            Module::Mail => false,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Module::Http => "http",
            Module::Stream => "stream",
            Module::Mail => "mail",
        }
    }
}

impl<'t> Extractor<'t> {
    fn d(&self, id: DirId) -> &'t Directive {
        self.tree.get(id)
    }

    fn error(&mut self, span: Span, message: String) {
        if self.reported.insert((span, message.clone())) {
            self.log.push(false);
            self.errors.push(ParseError::new(span, message));
        }
    }

    fn observe(&mut self, o: Observation) {
        if self.reported.insert((o.span, o.message.clone())) {
            self.log.push(true);
            self.model.observations.push(o);
        }
    }

    /// The key of one part of a server split by socket: the server's key and the part's
    /// sockets, sorted, so that reordering `listen` lines (which decides which part comes
    /// first) keeps every part's key.
    fn socket_key(&mut self, server: &str, sockets: &[&str]) -> String {
        let mut sorted = sockets.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        self.unique_key(format!("{server}@{}", sorted.join(",")))
    }

    fn unique_key(&mut self, key: String) -> String {
        let n = self.keys.entry(key.clone()).or_insert(0);
        *n += 1;
        if *n == 1 { key } else { format!("{key}#{n}") }
    }

    /// The first of several same-block directives; a second one is nginx's "duplicate".
    fn single(&mut self, ids: &[DirId]) -> DirId {
        if let Some(&dup) = ids.get(1) {
            let d = self.d(dup);
            self.error(
                d.name.full_span(),
                format!("\"{}\" directive is duplicate", d.name()),
            );
        }
        ids[0]
    }

    /// Checks the argument count; nginx refuses to load otherwise.
    fn arity(&mut self, id: DirId, min: usize, max: usize) -> bool {
        let d = self.d(id);
        let ok = (min..=max).contains(&d.args.len());
        if !ok {
            self.error(
                d.span,
                format!("invalid number of arguments in \"{}\" directive", d.name()),
            );
        }
        ok
    }

    fn flag(&mut self, id: DirId, endpoint: Option<usize>, key: &str) -> Option<bool> {
        if !self.arity(id, 1, 1) {
            return None;
        }
        let d = self.d(id);
        let v = &d.args[0];
        if v.value.eq_ignore_ascii_case("on") {
            Some(true)
        } else if v.value.eq_ignore_ascii_case("off") {
            Some(false)
        } else {
            let mut o = Observation::new(
                ObservationKind::InvalidValue,
                v.full_span(),
                format!(
                    "invalid value \"{}\" in \"{}\" directive, it must be \"on\" or \"off\"",
                    v.value,
                    d.name()
                ),
            )
            .key(key);
            o.endpoint = endpoint;
            self.observe(o);
            None
        }
    }

    fn module(&mut self, children: &'t [DirId], module: Module) {
        let top = Scope::of(self.tree, children, &self.unread);
        if module != Module::Stream {
            for &id in top.get("ssl") {
                self.ssl_directive(id, None, module.as_str());
            }
        }
        let mut servers: Vec<ServerInfo<'t>> = Vec::new();
        for &id in children {
            let d = self.d(id);
            if d.name() != "server" {
                continue;
            }
            let Some(block) = &d.block else { continue };
            if block.kind != BodyKind::Directives {
                continue;
            }
            let scope = Scope::of(self.tree, &block.children, &self.unread);
            let listens = self.listens(&scope, module);
            let label = self.server_label(&scope, &listens);
            servers.push(ServerInfo {
                id,
                label,
                listens,
                scope,
            });
        }
        // The `ssl` listen flag belongs to the socket: OR it across servers (`nginx.md` §4.1).
        let mut socket_ssl: HashMap<&str, (Span, usize)> = HashMap::default();
        let mut default_of: HashMap<&str, usize> = HashMap::default();
        for (i, s) in servers.iter().enumerate() {
            for l in &s.listens {
                if let Some(span) = l.ssl {
                    socket_ssl.entry(l.socket.as_str()).or_insert((span, i));
                }
                if l.default {
                    default_of.entry(l.socket.as_str()).or_insert(i);
                }
            }
        }
        for (i, s) in servers.iter().enumerate() {
            for l in &s.listens {
                default_of.entry(l.socket.as_str()).or_insert(i);
            }
        }
        let mut made: Vec<Made> = Vec::new();
        let cx = Servers {
            top: &top,
            all: &servers,
            socket_ssl: &socket_ssl,
            module,
        };
        if crate::parallel::threads() > 1 && servers.len() >= PARALLEL_SERVERS {
            // Servers are independent: the second half is extracted on another thread into
            // its own model, then appended as if extracted here (see `merge`).
            let half = servers.len() / 2;
            let mut other = self.fork();
            let (other, ()) = crate::parallel::join(
                || {
                    let mut made = Vec::new();
                    for i in half..servers.len() {
                        other.server(i, &cx, &mut made);
                    }
                    (other, made)
                },
                || {
                    for i in 0..half {
                        self.server(i, &cx, &mut made);
                    }
                },
            );
            let (other, theirs) = other;
            if !self.merge(other, theirs, &mut made) {
                for i in half..servers.len() {
                    self.server(i, &cx, &mut made);
                }
            }
        } else {
            for i in 0..servers.len() {
                self.server(i, &cx, &mut made);
            }
        }
        self.no_certificate(&made, &default_of);
        if module != Module::Mail {
            let default_of: HashMap<String, usize> = default_of
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect();
            self.default_server_rule(&made, &default_of, &servers);
        }
        if module == Module::Http && made.is_empty() {
            self.snippet_endpoint(&top);
        }
    }

    /// The `http`-level TLS settings of a file whose servers are not seen (a snippet read
    /// alone, or a main config whose servers come from an unread include such as Debian's
    /// `sites-enabled/*`), as one snippet endpoint: what is written is judged, nothing is
    /// assumed about the rest.
    fn snippet_endpoint(&mut self, top: &Scope<'t>) {
        if !self.fragment && top.unread.is_none() {
            // Every server of a fully read config is seen: settings no server uses are not
            // a TLS endpoint.
            return;
        }
        let first_tls = top
            .names
            .iter()
            .zip(&top.ids)
            .filter(|(n, _)| n.starts_with("ssl_") && !n.starts_with("ssl_certificate"))
            .map(|(_, &id)| id)
            .min();
        let Some(first) = first_tls else { return };
        let span = self.d(first).span;
        let (name, key) = if self.fragment {
            ("snippet", "snippet")
        } else {
            ("http-level settings", "http")
        };
        let mode = Setting::defaulted(
            TlsMode::Required,
            "the servers that take these settings turn TLS on with `listen ... ssl`",
        );
        let chain = Chain { scopes: vec![top] };
        let family = Family::server(true, true);
        let key = self.unique_key(key.to_owned());
        let i = self.endpoint(&chain, family, name.to_owned(), key, span, mode, None);
        let start = Span::new(span.file, 0, 0);
        let e = &mut self.model.endpoints[i];
        crate::parse::unknown::as_snippet(e, start, self.strict_unknown);
        // What stapling does rests on directives the servers' own blocks may hold (a
        // `resolver`, a trusted certificate): unknown here unless defaults are assumed.
        if !self.strict_unknown && e.tls.ocsp_stapling.is_some() {
            e.tls.forget("ocsp_stapling");
            e.unknown.push(Unknown {
                setting: "ocsp_stapling",
                directive: Arc::from("ssl_stapling"),
                source: start,
            });
        }
    }

    /// One server: its endpoint (when it speaks TLS), its facts, its upstream endpoints.
    fn server(&mut self, i: usize, cx: &Servers<'_, 't>, made: &mut Vec<Made>) {
        let s = &cx.all[i];
        let module = cx.module;
        let chain = Chain {
            scopes: vec![cx.top, &s.scope],
        };
        if let Some(m) = self.server_endpoint(i, s, &chain, cx.socket_ssl, cx.all, module) {
            made.push(m);
        } else {
            // Not a TLS server: its dialect facts still matter.
            let key = format!("{}/server[{}]", module.as_str(), s.label);
            if module != Module::Stream {
                for &id in s.scope.get("ssl") {
                    self.ssl_directive(id, None, &key);
                }
            }
            self.listen_observations(&s.scope, None, &key);
        }
        match module {
            Module::Http => self.http_clients(s, &chain),
            Module::Stream => self.stream_client(s, &chain),
            Module::Mail => {}
        }
    }

    /// An extractor with the same inputs and nothing extracted yet.
    fn fork(&self) -> Extractor<'t> {
        Extractor {
            tree: self.tree,
            target: self.target,
            openssl: self.openssl,
            model: Model::default(),
            errors: Vec::new(),
            reported: HashSet::default(),
            keys: HashMap::default(),
            texts: self.texts.clone(),
            text_key: String::new(),
            names: self.names.clone(),
            fixed: self.fixed.clone(),
            no_dhparam: self.no_dhparam.clone(),
            relative_paths: self.relative_paths.clone(),
            log: Vec::new(),
            unread: self.unread.clone(),
            strict_unknown: self.strict_unknown,
            fragment: self.fragment,
        }
    }

    /// Appends what a [`Extractor::fork`] extracted, exactly as if it had been extracted
    /// here: endpoint indices shift, errors and observations already reported here are
    /// dropped (in the order they were made). Returns false, changing nothing, when the
    /// fork made a key this extractor already has (its `#n` suffixes would differ).
    fn merge(&mut self, other: Extractor<'t>, theirs: Vec<Made>, made: &mut Vec<Made>) -> bool {
        if other.keys.keys().any(|k| self.keys.contains_key(k)) {
            return false;
        }
        self.keys.extend(other.keys);
        let base = self.model.endpoints.len();
        append_releasing(&mut self.model.endpoints, other.model.endpoints);
        made.extend(theirs.into_iter().map(|mut m| {
            m.endpoint += base;
            m
        }));
        let mut errors = other.errors.into_iter();
        let mut observations = other.model.observations.into_iter();
        for is_observation in other.log {
            if is_observation {
                if let Some(mut o) = observations.next() {
                    o.endpoint = o.endpoint.map(|i| i + base);
                    self.observe(o);
                }
            } else if let Some(e) = errors.next()
                && self.reported.insert((e.span, e.message.clone()))
            {
                self.log.push(false);
                self.errors.push(e);
            }
        }
        true
    }

    fn server_label(&self, scope: &Scope<'t>, listens: &[Listen]) -> String {
        let name = scope
            .get("server_name")
            .first()
            .and_then(|&id| self.d(id).args.first())
            .map(|a| a.value.to_string())
            .filter(|n| !n.is_empty());
        let listen = listens
            .iter()
            .find(|l| l.ssl.is_some() || l.quic.is_some())
            .or_else(|| listens.first());
        match (name, listen) {
            (Some(n), Some(l)) => match l.shown.rsplit_once(':') {
                Some((_, port)) if !l.shown.starts_with("unix:") => format!("{n}:{port}"),
                _ => format!("{n} {}", l.shown),
            },
            (Some(n), None) => n,
            (None, Some(l)) => l.shown.clone(),
            (None, None) => "*:80".to_owned(),
        }
    }

    fn listens(&mut self, scope: &Scope<'t>, module: Module) -> Vec<Listen> {
        let mut out = Vec::new();
        for &id in scope.get("listen") {
            let d = self.d(id);
            let Some(addr) = d.args.first() else {
                self.arity(id, 1, usize::MAX);
                continue;
            };
            let shown = normalize_address(&addr.value);
            let mut l = Listen {
                socket: shown.clone(),
                shown,
                ssl: None,
                quic: None,
                default: false,
            };
            for a in &d.args[1..] {
                match a.value.as_str() {
                    "ssl" => l.ssl = Some(a.full_span()),
                    "quic" => l.quic = Some(a.full_span()),
                    "default_server" | "default" => l.default = true,
                    "udp" => l.socket.push_str(" udp"),
                    _ => {}
                }
            }
            if l.quic.is_some() {
                l.socket.push_str(" quic");
            }
            out.push(l);
        }
        if out.is_empty() && module == Module::Http {
            // No `listen`: nginx listens on *:80 (or *:8000 when not run as root).
            out.push(Listen {
                socket: "*:80".into(),
                shown: "*:80".into(),
                ssl: None,
                quic: None,
                default: false,
            });
        }
        out
    }

    /// `ssl on|off`: deprecated since 1.15.0, rejected since 1.25.1.
    fn ssl_directive(&mut self, id: DirId, endpoint: Option<usize>, key: &str) {
        let d = self.d(id);
        let v = self.target;
        let message = if v >= SSL_REMOVED {
            format!(
                "the `ssl` directive was removed in nginx 1.25.1; nginx {v} rejects it (`unknown directive \"ssl\"`)"
            )
        } else {
            "the `ssl` directive is deprecated since nginx 1.15.0".to_owned()
        };
        let mut o = Observation::new(ObservationKind::Deprecated, d.span, message)
            .help("use `listen ... ssl` instead")
            .key(key);
        o.endpoint = endpoint;
        self.observe(o);
    }

    fn listen_observations(&mut self, scope: &Scope<'t>, endpoint: Option<usize>, key: &str) {
        for &id in scope.get("listen") {
            let d = self.d(id);
            for a in d.args.iter().skip(1) {
                let (since, message, help) = match a.value.as_str() {
                    "http2" if self.target >= SSL_REMOVED => (
                        "1.25.1",
                        format!(
                            "`listen ... http2` is deprecated since nginx 1.25.1 (target: nginx {})",
                            self.target
                        ),
                        "use `http2 on;` in the server",
                    ),
                    "spdy" if self.target >= Version(1, 9, 5) => (
                        "1.9.5",
                        format!(
                            "`listen ... spdy` was removed in nginx 1.9.5; nginx {} rejects it",
                            self.target
                        ),
                        "use `http2 on;` (or `listen ... http2` before nginx 1.25.1)",
                    ),
                    _ => continue,
                };
                let _ = since;
                let mut o = Observation::new(ObservationKind::Deprecated, a.full_span(), message)
                    .help(help)
                    .key(key);
                o.endpoint = endpoint;
                self.observe(o);
            }
        }
    }

    fn server_endpoint(
        &mut self,
        index: usize,
        s: &ServerInfo<'t>,
        chain: &Chain<'_, 't>,
        socket_ssl: &HashMap<&str, (Span, usize)>,
        servers: &[ServerInfo<'t>],
        module: Module,
    ) -> Option<Made> {
        let header = self.d(s.id).name.full_span();
        let mut mode: Option<(Setting<TlsMode>, &Listen)> = None;
        // nginx names a QUIC-only server's socket `listen ... quic` in its messages.
        let quic_only =
            s.listens.iter().all(|l| l.ssl.is_none()) && s.listens.iter().any(|l| l.quic.is_some());
        for l in &s.listens {
            if let Some(span) = l.ssl.or(l.quic) {
                mode = Some((Setting::set(TlsMode::Required, span), l));
                break;
            }
        }
        if mode.is_none() {
            for l in &s.listens {
                if let Some(&(span, other)) = socket_ssl.get(l.socket.as_str()) {
                    let note = format!(
                        "TLS because `server {}` also listens on {} with `ssl` (the flag applies to the whole address:port)",
                        servers[other].label, l.shown
                    );
                    let setting = Setting::inherited(TlsMode::Required, span).with_note(note);
                    mode = Some((setting, l));
                    break;
                }
            }
        }
        let ssl_on = if module == Module::Stream {
            None
        } else {
            chain.find("ssl").map(|f| (f.ids[0], f.own))
        };
        let starttls = if module == Module::Mail {
            self.starttls(chain)
        } else {
            None
        };
        let on_flag = ssl_on.filter(|&(id, _)| {
            self.d(id)
                .args
                .first()
                .is_some_and(|a| a.value.eq_ignore_ascii_case("on"))
        });
        let mode = match (mode, on_flag, starttls) {
            (Some((m, _)), _, _) => m.directive("listen"),
            (None, Some((id, own)), _) => {
                let span = self.d(id).span;
                let st = if own {
                    Setting::set(TlsMode::Required, span)
                } else {
                    Setting::inherited(TlsMode::Required, span)
                };
                st.directive("ssl")
            }
            (None, None, Some(st)) => st,
            _ => return None,
        };
        let key = self.unique_key(format!("{}/server[{}]", module.as_str(), s.label));
        let name = match module {
            Module::Http => format!("server {}", s.label),
            _ => format!("{} server {}", module.as_str(), s.label),
        };
        let family = Family::server(module.staples(self.target), module == Module::Http);
        let hsts = (module == Module::Http).then(|| self.hsts(s, chain));
        let endpoint = self.endpoint(chain, family, name, key.clone(), header, mode, hsts);
        let ep = &mut self.model.endpoints[endpoint];
        // The sockets TLS is on (the `ssl` flag is per socket); `ssl on` and `starttls` turn
        // it on for every listen.
        let tls_sockets: Vec<String> = s
            .listens
            .iter()
            .filter(|l| {
                l.ssl.is_some() || l.quic.is_some() || socket_ssl.contains_key(l.socket.as_str())
            })
            .map(|l| l.socket.clone())
            .collect();
        ep.sockets = if tls_sockets.is_empty() {
            s.listens.iter().map(|l| l.socket.clone()).collect()
        } else {
            tls_sockets
        };
        let sockets = ep.sockets.clone();
        ep.server_names = s
            .scope
            .get("server_name")
            .iter()
            .flat_map(|&id| self.tree.get(id).args.iter().map(|a| a.value.to_string()))
            .collect();
        if let Some((id, true)) = ssl_on {
            self.ssl_directive(id, Some(endpoint), &key);
        }
        self.listen_observations(&s.scope, Some(endpoint), &key);
        let own_protocols = s.scope.get("ssl_protocols").first().copied();
        let on = self.turned_on(endpoint, quic_only, header);
        Some(Made {
            server: index,
            endpoint,
            sockets,
            own_protocols,
            module,
            certificate: self.certificate_state(chain, module),
            on,
        })
    }

    /// The mode a mail server's `starttls` sets (`on`: optional, `only`: required).
    fn starttls(&self, chain: &Chain<'_, 't>) -> Option<Setting<TlsMode>> {
        let f = chain.find("starttls")?;
        let id = f.ids[0];
        let d = self.d(id);
        let span = d.args_span();
        let m = match d
            .args
            .first()
            .map(|a| a.value.to_ascii_lowercase())
            .as_deref()
        {
            Some("on") => TlsMode::Optional,
            Some("only") => TlsMode::Required,
            _ => return None,
        };
        let st = if f.own {
            Setting::set(m, span)
        } else {
            Setting::inherited(m, span)
        };
        Some(st.directive("starttls"))
    }

    /// What the default server of a socket decides for every server on it (`nginx.md`
    /// §5.2): OpenSSL fixes the version (before nginx 1.29.2), the TLS 1.3 suite and the
    /// key-exchange groups from the default server's context before the server name switches
    /// to the virtual server. A server whose sockets have default servers that decide
    /// differently becomes one endpoint per group of sockets.
    fn default_server_rule(
        &mut self,
        made: &[Made],
        default_of: &HashMap<String, usize>,
        servers: &[ServerInfo<'t>],
    ) {
        let by_server: HashMap<usize, usize> =
            made.iter().map(|m| (m.server, m.endpoint)).collect();
        let server_of: HashMap<usize, usize> =
            made.iter().map(|m| (m.endpoint, m.server)).collect();
        let protocols = self.target < PER_SERVER_PROTOCOLS;
        // The default servers' settings as written, before any endpoint takes from another.
        let mut snap: HashMap<usize, Snapshot> = HashMap::default();
        for m in made {
            for socket in &m.sockets {
                if let Some(&d) = default_of.get(socket).and_then(|d| by_server.get(d)) {
                    snap.entry(d).or_insert_with(|| {
                        let e = &self.model.endpoints[d];
                        Snapshot {
                            span: e.span,
                            protocols: e.tls.protocols.clone(),
                            ciphersuites: e.tls.ciphersuites.clone(),
                            curves: e.tls.curves.clone(),
                            unknown: e.unknown.clone(),
                        }
                    });
                }
            }
        }
        // What each default server decides, made once per default (a server's own values
        // matter only for protocols from nginx 1.29.2).
        let own: HashMap<usize, Decided> = snap
            .keys()
            .map(|&d| (d, Decided::of(&self.model.endpoints[d].tls)))
            .collect();
        // Which endpoint serves each (server, socket) once servers are split.
        let mut at: HashMap<(usize, &str), usize> = HashMap::default();
        let mut work: Vec<(&Made, usize, usize, &str)> = Vec::new();
        for m in made {
            // Sockets grouped by what decides them: (default endpoint, sockets).
            let mut groups: Vec<(usize, Vec<&str>)> = Vec::new();
            let mine = (!protocols).then(|| Decided::of(&self.model.endpoints[m.endpoint].tls));
            // Whether two defaults decide the same for this server (its own protocols count
            // only from nginx 1.29.2).
            let same = |a: usize, b: usize| {
                a == b
                    || match (own.get(&a), own.get(&b)) {
                        (Some(x), Some(y)) => match &mine {
                            None => x == y,
                            Some(mine) => x.with(mine, false) == y.with(mine, false),
                        },
                        _ => false,
                    }
            };
            for socket in &m.sockets {
                let def_ep = default_of
                    .get(socket)
                    .and_then(|d| by_server.get(d))
                    .copied()
                    .unwrap_or(m.endpoint);
                // One socket group per distinct decision (and the server's own sockets,
                // where it is the default, decide by themselves).
                let found = groups.iter_mut().find(|(d, _)| same(*d, def_ep));
                match found {
                    Some((_, list)) => list.push(socket),
                    None => groups.push((def_ep, vec![socket])),
                }
            }
            let original = (groups.len() > 1).then(|| self.model.endpoints[m.endpoint].clone());
            for (n, (def_ep, sockets)) in groups.into_iter().enumerate() {
                let shown: Vec<&str> = sockets
                    .iter()
                    .map(|s| s.trim_end_matches(" quic"))
                    .collect();
                let target = if n == 0 {
                    m.endpoint
                } else {
                    let Some(mut e) = original.clone() else { break };
                    e.name = format!("{} on {}", e.name, shown.join(", ")).into();
                    e.key = self.socket_key(&e.key, &shown);
                    self.model.endpoints.push(e);
                    self.model.endpoints.len() - 1
                };
                if n == 0 && original.is_some() {
                    let key = self.model.endpoints[target].key.clone();
                    self.model.endpoints[target].key = self.socket_key(&key, &shown);
                }
                let e = &mut self.model.endpoints[target];
                e.sockets = sockets.iter().map(|s| (*s).to_owned()).collect();
                if n == 0 && sockets.len() < m.sockets.len() {
                    e.name = format!("{} on {}", e.name, shown.join(", ")).into();
                }
                for socket in &sockets {
                    at.insert((m.server, socket), target);
                }
                if def_ep != m.endpoint {
                    work.push((m, target, def_ep, sockets[0]));
                }
            }
        }
        let mut seen = HashSet::default();
        for (m, target, def_ep, socket) in work {
            let def_server = server_of.get(&def_ep).copied().unwrap_or(m.server);
            let label = servers[def_server].label.clone();
            // What OpenSSL checks before the server name is known is the default's.
            self.model.endpoints[target].handshake_default = at.get(&(def_server, socket)).copied();
            let shown = socket.trim_end_matches(" quic").to_owned();
            // One finding per ignored directive, however many sockets ignore it.
            self.take_from_default(
                m,
                target,
                (&snap[&def_ep], &label),
                &shown,
                protocols,
                &mut seen,
            );
        }
    }

    /// Puts the default server's protocols, TLS 1.3 suites and groups on endpoint `target`,
    /// with a note, and reports the server's own differing values as ineffective.
    fn take_from_default(
        &mut self,
        m: &Made,
        target: usize,
        (def, def_label): (&Snapshot, &str),
        socket: &str,
        protocols: bool,
        seen: &mut HashSet<Span>,
    ) {
        let def_span = def.span;
        let def = def.clone();
        let version = self.target;
        let own_protocols = m.own_protocols.map(|id| self.d(id).span);
        let mut found: Vec<Observation> = Vec::new();
        let ep = &mut self.model.endpoints[target];
        // What the default server leaves unknown is unknown here too.
        for u in &def.unknown {
            let decided = match u.setting {
                "protocols" => protocols,
                "ciphersuites" | "curves" => true,
                _ => false,
            };
            if decided && !ep.unknown.iter().any(|mine| mine.setting == u.setting) {
                ep.tls.forget(u.setting);
                ep.unknown.push(u.clone());
            }
        }
        let related = format!("default server for {socket}");
        if protocols && let Some(theirs) = def.protocols {
            let mine = ep.tls.protocols.clone();
            let mut eff = theirs.as_inherited();
            eff.set_note(format!(
                "nginx {version} takes the protocols from the default server for {socket} (`server {def_label}`), not from this server (fixed in 1.29.2)"
            ));
            eff.push_related(def_span, related.clone());
            let differs = mine.as_ref().is_some_and(|p| p.value != eff.value);
            ep.tls.protocols = Some(eff);
            if differs
                && let Some(span) = own_protocols
                && seen.insert(span)
            {
                found.push(
                    Observation::new(
                        ObservationKind::Ineffective,
                        span,
                        format!(
                            "`ssl_protocols` has no effect in a server that is not the default server for {socket} (nginx {version} before 1.29.2 takes protocols from the default server)"
                        ),
                    )
                    .help(format!(
                        "set `ssl_protocols` in the default server for {socket}, or at `http` level"
                    ))
                    .label(def_span, format!("the default server for {socket} decides the protocols")),
                );
            }
        }
        let why =
            "OpenSSL fixes them from the default server's settings before the server name is known";
        for (slot, theirs, what) in [
            (&mut ep.tls.ciphersuites, def.ciphersuites, "TLS 1.3 suites"),
            (&mut ep.tls.curves, def.curves, "key-exchange groups"),
        ] {
            let Some(theirs) = theirs else { continue };
            let same = |p: &Setting<Vec<Named>>| {
                p.value.len() == theirs.value.len()
                    && p.value
                        .iter()
                        .zip(&theirs.value)
                        .all(|(a, b)| a.name == b.name)
            };
            if slot.as_ref().is_some_and(same) {
                continue;
            }
            let mine = slot.take();
            let differs = mine.is_some();
            let mut eff = theirs.as_inherited();
            eff.set_note(format!(
                "the {what} come from the default server for {socket} (`server {def_label}`): {why}"
            ));
            eff.push_related(def_span, related.clone());
            *slot = Some(eff);
            if differs
                && let Some(mine) = mine
                && mine.origin == crate::model::Origin::Set
                && let Some(span) = mine.span
                && seen.insert(span)
            {
                let directive = mine.directive.as_deref().unwrap_or("this setting");
                found.push(
                    Observation::new(
                        ObservationKind::Ineffective,
                        span,
                        format!(
                            "the {what} in `{directive}` have no effect in a server that is not the default server for {socket}: {why}"
                        ),
                    )
                    .help(format!("set them in the default server for {socket}, or at `http` level"))
                    .label(def_span, format!("the default server for {socket} decides the {what}")),
                );
            }
        }
        let key = ep.key.clone();
        for o in found {
            let mut o = o.key(key.clone());
            o.endpoint = Some(target);
            self.observe(o);
        }
    }

    fn stream_client(&mut self, s: &ServerInfo<'t>, chain: &Chain<'_, 't>) {
        let Some(f) = chain.find("proxy_ssl") else {
            return;
        };
        let id = f.ids[0];
        let key = format!("stream/server[{}]/proxy_ssl", s.label);
        let Some(true) = self.flag(id, None, &key) else {
            return;
        };
        let span = self.d(id).args_span();
        let mode = if f.own {
            Setting::set(TlsMode::Required, span)
        } else {
            Setting::inherited(TlsMode::Required, span)
        };
        let pass = s
            .scope
            .get("proxy_pass")
            .first()
            .and_then(|&p| self.d(p).args.first())
            .map_or_else(String::new, |a| format!(" to {}", a.value));
        let name = format!("stream server {} proxy_ssl{pass}", s.label);
        let header = self.d(s.id).name.full_span();
        self.client(
            chain,
            "proxy_ssl",
            name,
            key,
            header,
            mode.directive("proxy_ssl"),
        );
    }

    fn http_clients(&mut self, s: &ServerInfo<'t>, chain: &Chain<'_, 't>) {
        let base = format!("http/server[{}]", s.label);
        let where_ = format!("server {}", s.label);
        self.block_clients(s.id, chain, &base, &where_, 0);
    }

    /// Client endpoints of one block and, recursively, its `location`/`if`/`limit_except`.
    fn block_clients(
        &mut self,
        block: DirId,
        chain: &Chain<'_, 't>,
        key: &str,
        where_: &str,
        depth: usize,
    ) {
        for (module, pass, prefix, schemes) in [
            ("proxy", "proxy_pass", "proxy_ssl", &["https://"][..]),
            ("grpc", "grpc_pass", "grpc_ssl", &["grpcs://"][..]),
            ("uwsgi", "uwsgi_pass", "uwsgi_ssl", &["suwsgi://"][..]),
        ] {
            let _ = module;
            let Some(scope) = chain.scopes.last() else {
                return;
            };
            let Some(&pid) = scope.get(pass).first() else {
                continue;
            };
            let Some(url) = self.d(pid).args.first() else {
                continue;
            };
            let lower = url.value.to_ascii_lowercase();
            let tls = schemes.iter().any(|s| lower.starts_with(s))
                || (lower.starts_with('$') && chain.any_prefixed(&format!("{prefix}_")));
            if !tls {
                continue;
            }
            let span = url.full_span();
            let mut mode = Setting::set(TlsMode::Required, span).directive(pass);
            if lower.starts_with('$') {
                mode.set_note(format!(
                    "the scheme comes from a variable; assumed TLS because `{prefix}_*` directives are set"
                ));
            }
            let name = format!("{pass} {} in {where_}", url.value);
            let k = self.unique_key(format!("{key}/{prefix}"));
            let header = self.d(block).name.full_span();
            self.client(chain, prefix, name, k, header, mode);
        }
        if depth >= MAX_DEPTH {
            return;
        }
        let Some(scope) = chain.scopes.last() else {
            return;
        };
        let mut nested: Vec<DirId> = Vec::new();
        for name in ["location", "if", "limit_except"] {
            nested.extend_from_slice(scope.get(name));
        }
        nested.sort_unstable();
        for id in nested {
            let d = self.d(id);
            let Some(b) = &d.block else { continue };
            if b.kind != BodyKind::Directives {
                continue;
            }
            let inner = Scope::of(self.tree, &b.children, &self.unread);
            let mut scopes = chain.scopes.clone();
            scopes.push(&inner);
            let sub = Chain { scopes };
            let args: Vec<&str> = d.args.iter().map(|a| a.value.as_str()).collect();
            let args = args.join(" ");
            let k = format!("{key}/{}[{args}]", d.name());
            let w = format!("{where_}, {} {args}", d.name());
            self.block_clients(id, &sub, &k, &w, depth + 1);
        }
    }

    /// A client-side endpoint of the `prefix` directive family.
    fn client(
        &mut self,
        chain: &Chain<'_, 't>,
        prefix: &'static str,
        name: String,
        key: String,
        span: Span,
        mode: Setting<TlsMode>,
    ) {
        let family = Family {
            prefix,
            side: Side::Client,
            early_data: false,
            stapling: false,
        };
        self.endpoint(chain, family, name, key, span, mode, None);
    }

    /// Adds an endpoint with the effective settings of `family` along `chain`; returns its
    /// index.
    #[expect(
        clippy::too_many_arguments,
        reason = "what an endpoint is made of; every caller has each at hand"
    )]
    fn endpoint(
        &mut self,
        chain: &Chain<'_, 't>,
        family: Family,
        name: String,
        key: String,
        span: Span,
        mode: Setting<TlsMode>,
        hsts: Option<hsts::HstsFound>,
    ) -> usize {
        let endpoint = self.model.endpoints.len();
        let (mut tls, refusal) = self.settings(chain, family, endpoint, &key);
        tls.mode = Some(mode);
        let hsts_unread = hsts.and_then(|h| {
            tls.hsts = h.setting;
            h.unread
        });
        let unknown = if chain.has_unread() || hsts_unread.is_some() {
            self.unknown(chain, family.prefix, &mut tls, hsts_unread)
        } else {
            Vec::new()
        };
        self.model.endpoints.push(Endpoint {
            dialect: Dialect::Nginx,
            app: None,
            name: name.into(),
            key,
            side: family.side,
            span,
            sockets: Vec::new(),
            server_names: Vec::new(),
            tls,
            // nginx does not start: nothing negotiates, and only the refusal is reported.
            negotiable: refusal.map(|why| {
                Box::new(crate::negotiate::Negotiable {
                    refused: Some(why),
                    ..crate::negotiate::Negotiable::default()
                })
            }),
            handshake_default: None,
            mx_delivery: false,
            unknown,
            relative_paths: self.relative_paths.clone(),
        });
        endpoint
    }

    /// The settings of an endpoint that unread includes in its blocks may set (see
    /// [`crate::parse::unknown::mark`]).
    /// `hsts_unread` is the include that may change the HSTS header (see [`hsts`]): header
    /// lines are lists, not single directives, so [`Chain::unread_over`] does not decide it.
    fn unknown(
        &mut self,
        chain: &Chain<'_, 't>,
        prefix: &'static str,
        tls: &mut TlsSettings,
        hsts_unread: Option<DirId>,
    ) -> Vec<Unknown> {
        let certificate = self.name(prefix, "_certificate");
        crate::parse::unknown::mark(tls, &certificate, self.strict_unknown, &mut |d| {
            let include = if d == "ssl_stapling" {
                // Stapling rests on several directives, and on every certificate and key
                // (list directives: an include beside them may add one).
                STAPLING_PARTS
                    .iter()
                    .find_map(|n| chain.unread_over(n))
                    .or_else(|| chain.unread_beside("ssl_certificate"))
                    .or_else(|| chain.unread_beside("ssl_certificate_key"))?
            } else if matches!(d, "add_header" | "more_set_headers") {
                hsts_unread?
            } else {
                chain.unread_over(d)?
            };
            Some((self.d(include).span, self.include_text(include)))
        })
    }

    /// One `outside-root` note per unread include, naming the settings of the endpoints it
    /// leaves unknown.
    fn unread_notes(&mut self) {
        let tree = self.tree;
        let mut by_include: Vec<(DirId, &PathBuf, &crate::gateway::Refusal, usize)> = Vec::new();
        let mut index: HashMap<DirId, usize> = HashMap::default();
        for (id, path, why) in &tree.outside_root {
            if stock_without_tls(path) {
                continue;
            }
            match index.get(id) {
                Some(&k) => by_include[k].3 += 1,
                None => {
                    index.insert(*id, by_include.len());
                    by_include.push((*id, path, why, 1));
                }
            }
        }
        let affected = crate::parse::unknown::affected(&self.model.endpoints);
        for (id, path, why, count) in by_include {
            let d = self.d(id);
            let written = self.include_text(id);
            let more = if count > 1 {
                format!(" and {} more files", count - 1)
            } else {
                String::new()
            };
            let read = match why {
                crate::gateway::Refusal::Outside { .. } => format!(
                    "`{written}` points outside the checked root ({}{more}); it was not read",
                    path.display()
                ),
                other => format!(
                    "`{written}` was not read ({}{more}: {other})",
                    path.display()
                ),
            };
            let clause = crate::parse::unknown::clause(
                &self.model.endpoints,
                &affected,
                d.span,
                "nginx",
                self.strict_unknown,
            );
            let mut o = Observation::new(
                ObservationKind::OutsideRoot,
                d.span,
                format!("{read}{clause}"),
            )
            .help(crate::parse::unknown::help("nginx"))
            .key("include");
            if let Some([only]) = affected.get(&d.span).map(Vec::as_slice) {
                o.endpoint = Some(*only);
            }
            self.observe(o);
        }
    }
    /// An include directive as written (`include /etc/nginx/ssl.conf`).
    fn include_text(&self, include: DirId) -> String {
        let d = self.d(include);
        let written = d.args.first().map_or("", |a| a.value.as_str());
        format!("include {}", short(written))
    }

    /// A shared text, made by `make` the first time `parts` are asked for.
    fn cached(&mut self, parts: &[&str], make: impl FnOnce() -> String) -> Arc<str> {
        let mut k = std::mem::take(&mut self.text_key);
        k.clear();
        for part in parts {
            k.push_str(part);
            k.push('\0');
        }
        let out = if let Some(t) = self.texts.get(k.as_str()) {
            Arc::clone(t)
        } else {
            let t: Arc<str> = make().into();
            self.texts.insert(k.clone(), Arc::clone(&t));
            t
        };
        self.text_key = k;
        out
    }

    /// A directive name `{prefix}{suffix}`, shared.
    fn name(&mut self, prefix: &'static str, suffix: &'static str) -> Arc<str> {
        by_address(&mut self.names, prefix, suffix, || {
            format!("{prefix}{suffix}")
        })
    }

    /// A shared text about a fixed topic and directive family.
    fn fixed(
        &mut self,
        topic: &'static str,
        prefix: &'static str,
        make: impl FnOnce() -> String,
    ) -> Arc<str> {
        by_address(&mut self.fixed, topic, prefix, make)
    }

    fn default_text(&mut self, directive: &str, value: &str) -> Arc<str> {
        let target = self.target;
        self.cached(&["default", directive, value], || {
            format!("no `{directive}` here; nginx {target} default `{value}` applies")
        })
    }

    fn place<T>(value: T, span: Span, own: bool, directive: &Arc<str>) -> Setting<T> {
        let s = if own {
            Setting::set(value, span)
        } else {
            Setting::inherited(value, span)
        };
        s.directive(Arc::clone(directive))
    }

    /// The effective settings of one endpoint, and why nginx refuses to start with them
    /// (an `ssl_conf_command` the target OpenSSL rejects).
    fn settings(
        &mut self,
        chain: &Chain<'_, 't>,
        f: Family,
        endpoint: usize,
        key: &str,
    ) -> (TlsSettings, Option<String>) {
        let p = f.prefix;
        let mut tls = TlsSettings {
            protocols: Some(self.protocols(chain, p, endpoint, key)),
            ciphers: Some(self.ciphers(chain, f)),
            ciphersuites: Some(
                Setting::defaulted(
                    OPENSSL_CIPHERSUITES
                        .iter()
                        .map(|s| Named::new(*s, None))
                        .collect(),
                    self.fixed("ciphersuites", p, || format!(
                        "no `{p}_conf_command Ciphersuites` here; nginx sets no TLS 1.3 suites, so OpenSSL's defaults apply"
                    )),
                )
                .directive(self.name(p, "_conf_command")),
            ),
            compression: Some(
                Setting::defaulted(
                    false,
                    self.fixed("compression", p, || format!("nginx always disables TLS compression unless `{p}_conf_command Options Compression` re-enables it")),
                )
                .directive(self.name(p, "_conf_command")),
            ),
            ..TlsSettings::default()
        };
        tls.certificates = self.certificates(chain, p);
        if f.stapling && f.side == Side::Server {
            tls.ocsp_stapling = Some(self.stapling(chain, endpoint, key));
        }
        match f.side {
            Side::Server => self.server_only(chain, &mut tls, endpoint, key),
            Side::Client => {
                let name = self.name(p, "_verify");
                tls.verify_peer = Some(match chain.find(&name) {
                    Some(found) => {
                        let id = self.single(found.ids);
                        let span = self.d(id).args_span();
                        match self.flag(id, Some(endpoint), key) {
                            Some(v) => Self::place(v, span, found.own, &name),
                            None => Setting::defaulted(false, self.default_text(&name, "off"))
                                .directive(Arc::clone(&name)),
                        }
                    }
                    None => Setting::defaulted(false, self.default_text(&name, "off"))
                        .directive(Arc::clone(&name)),
                });
            }
        }
        if f.early_data {
            // Off unless written; only a written value is modelled (`nginx.md` §4).
            let name = self.name("ssl_early_data", "");
            tls.early_data = self.flag_setting(chain, &name, endpoint, key);
        }
        let refusal = self.conf_commands(chain, p, &mut tls, endpoint, key);
        (tls, refusal)
    }

    fn protocols(
        &mut self,
        chain: &Chain<'_, 't>,
        p: &'static str,
        endpoint: usize,
        key: &str,
    ) -> Setting<Vec<Protocol>> {
        let name = self.name(p, "_protocols");
        let Some(found) = chain.find(&name) else {
            let def = default_protocols(self.target);
            let text = self.default_text(&name, &join_protocols(&def));
            return Setting::defaulted(def, text).directive(name);
        };
        // Same-block directives OR their bits into one mask (`nginx.md` §5.1).
        let mut set: Vec<Protocol> = Vec::new();
        for &id in found.ids {
            self.arity(id, 1, usize::MAX);
            let d = self.d(id);
            for a in &d.args {
                match Protocol::parse(&a.value) {
                    Some(pr) if !set.contains(&pr) => set.push(pr),
                    Some(_) => {}
                    None => {
                        let mut o = Observation::new(
                            ObservationKind::InvalidValue,
                            a.full_span(),
                            format!("invalid value \"{}\"", short(&a.value)),
                        )
                        .help("valid values: SSLv2 SSLv3 TLSv1 TLSv1.1 TLSv1.2 TLSv1.3")
                        .key(key);
                        o.endpoint = Some(endpoint);
                        self.observe(o);
                    }
                }
            }
        }
        set.sort();
        let first = found.ids[0];
        let mut s = Self::place(set, self.d(first).args_span(), found.own, &name);
        if found.ids.len() > 1 {
            s.set_note(format!(
                "union of {} `{name}` directives in one block",
                found.ids.len()
            ));
            for &id in &found.ids[1..] {
                s.push_related(self.d(id).args_span(), "also part of the union");
            }
        }
        s
    }

    fn ciphers(&mut self, chain: &Chain<'_, 't>, f: Family) -> Setting<Ciphers> {
        let name = self.name(f.prefix, "_ciphers");
        let default = match f.side {
            Side::Server => "HIGH:!aNULL:!MD5",
            Side::Client => "DEFAULT",
        };
        if let Some(found) = chain.find(&name) {
            let id = self.single(found.ids);
            if self.arity(id, 1, 1) {
                let arg = &self.d(id).args[0];
                let text = cipher_string(arg);
                return Self::place(Ciphers::OpenSsl(text), arg.full_span(), found.own, &name);
            }
        }
        Setting::defaulted(
            Ciphers::OpenSsl(CipherString::unplaced(default)),
            self.default_text(&name, default),
        )
        .directive(name)
    }

    fn certificates(&mut self, chain: &Chain<'_, 't>, p: &'static str) -> Vec<Setting<PathBuf>> {
        let name = self.name(p, "_certificate");
        let Some(found) = chain.find(&name) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for &id in found.ids {
            if !self.arity(id, 1, 1) {
                continue;
            }
            let a = &self.d(id).args[0];
            let mut s = Self::place(PathBuf::from(&a.value), a.full_span(), found.own, &name);
            if a.value.contains('$') {
                s.set_note("contains variables: resolved per connection, not statically known");
            }
            out.push(s);
        }
        out
    }

    #[expect(
        clippy::too_many_lines,
        reason = "one straight list of server-side directives and their defaults"
    )]
    fn server_only(
        &mut self,
        chain: &Chain<'_, 't>,
        tls: &mut TlsSettings,
        endpoint: usize,
        key: &str,
    ) {
        let t = self.target;
        // ssl_prefer_server_ciphers
        tls.prefer_server_ciphers =
            Some(self.flag_or_default(chain, "ssl_prefer_server_ciphers", false, endpoint, key));
        tls.session_tickets =
            Some(self.flag_or_default(chain, "ssl_session_tickets", true, endpoint, key));
        // ssl_session_timeout
        let name = &self.name("ssl_session_timeout", "");
        let mut timeout = 300;
        tls.session_timeout = Some(match chain.find(name) {
            Some(found) => {
                let id = self.single(found.ids);
                let arity_ok = self.arity(id, 1, 1);
                let parsed = if arity_ok {
                    parse_time(&self.d(id).args[0].value)
                } else {
                    None
                };
                if let Some(secs) = parsed {
                    timeout = secs;
                    Self::place(secs, self.d(id).args_span(), found.own, name)
                } else {
                    if arity_ok {
                        let d = self.d(id);
                        let mut o = Observation::new(
                            ObservationKind::InvalidValue,
                            d.args_span(),
                            format!("\"{name}\" directive invalid value"),
                        )
                        .key(key);
                        o.endpoint = Some(endpoint);
                        self.observe(o);
                    }
                    Setting::defaulted(300, self.default_text(name, "5m"))
                        .directive(Arc::clone(name))
                }
            }
            None => {
                Setting::defaulted(300, self.default_text(name, "5m")).directive(Arc::clone(name))
            }
        });
        // Ticket keys: files, automatic rotation (>= 1.23.2 with a shared cache), or one
        // random key per start.
        let name = &self.name("ssl_session_ticket_key", "");
        let shared_cache = chain.find("ssl_session_cache").and_then(|f| {
            let id = f.ids[0];
            let d = self.d(id);
            d.args
                .iter()
                .any(|a| a.value.starts_with("shared:"))
                .then(|| d.args_span())
        });
        tls.ticket_keys = Some(match chain.find(name) {
            Some(found) => {
                let files: Vec<PathBuf> = found
                    .ids
                    .iter()
                    .filter_map(|&id| self.d(id).args.first())
                    .map(|a| PathBuf::from(&a.value))
                    .collect();
                let span = self.d(found.ids[0]).args_span();
                let mut s = Self::place(TicketKeys::Files { files }, span, found.own, name);
                for &id in &found.ids[1..] {
                    s.push_related(self.d(id).args_span(), "decrypts only (the first key encrypts)");
                }
                s
            }
            None => match shared_cache {
                Some(span) if t >= AUTO_TICKET_KEYS => Setting::defaulted(
                    TicketKeys::Rotated {
                        interval_secs: Some(timeout),
                    },
                    self.cached(&["rotated", name], || format!(
                        "no `{name}` here; nginx {t} generates ticket keys in the shared `ssl_session_cache` and rotates them every `ssl_session_timeout`"
                    )),
                )
                .with_related(span, "shared session cache")
                .directive(Arc::clone(name)),
                _ => {
                    let text = self.cached(&["until-restart", name], || {
                        let why = if t < AUTO_TICKET_KEYS {
                            format!("nginx {t} (before 1.23.2) makes one random ticket key at start and keeps it until restart")
                        } else {
                            format!("without a shared `ssl_session_cache`, nginx {t} makes one random ticket key at start and keeps it until restart")
                        };
                        format!("no `{name}` here; {why}")
                    });
                    Setting::defaulted(TicketKeys::UntilRestart, text).directive(Arc::clone(name))
                }
            },
        });
        // ssl_ecdh_curve
        let name = &self.name("ssl_ecdh_curve", "");
        tls.curves = Some(match chain.find(name) {
            Some(found) => {
                let id = self.single(found.ids);
                if self.arity(id, 1, 1) {
                    let a = &self.d(id).args[0];
                    let list = split_named(a, ':');
                    Self::place(list, a.full_span(), found.own, name)
                } else {
                    Setting::defaulted(
                        vec![Named::new("auto", None)],
                        self.default_text(name, "auto"),
                    )
                    .directive(Arc::clone(name))
                }
            }
            None => Setting::defaulted(
                vec![Named::new("auto", None)],
                self.default_text(name, "auto"),
            )
            .directive(Arc::clone(name)),
        });
        // ssl_dhparam
        let name = &self.name("ssl_dhparam", "");
        tls.dh_params = Some(match chain.find(name) {
            Some(found) => {
                let id = self.single(found.ids);
                if self.arity(id, 1, 1) {
                    let a = &self.d(id).args[0];
                    Self::place(
                        Some(PathBuf::from(&a.value)),
                        a.full_span(),
                        found.own,
                        name,
                    )
                } else {
                    Setting::defaulted(None, "no usable `ssl_dhparam`").directive(Arc::clone(name))
                }
            }
            // One shared template: every server without `ssl_dhparam` carries the same
            // text and note, so a clone is reference counts only.
            None => self
                .no_dhparam
                .get_or_insert_with(|| {
                    Setting::defaulted(
                        None,
                        format!("no `{name}` here; nginx {t} has no built-in DH parameters"),
                    )
                    .with_note("no ssl_dhparam: DHE suites disabled (nginx ≥ 1.11.0)")
                    .directive(Arc::clone(name))
                })
                .clone(),
        });
        // ssl_verify_client
        let name = &self.name("ssl_verify_client", "");
        tls.verify_peer = Some(match chain.find(name) {
            Some(found) => {
                let id = self.single(found.ids);
                let d = self.d(id);
                let on = d
                    .args
                    .first()
                    .is_some_and(|a| !a.value.eq_ignore_ascii_case("off"));
                Self::place(on, d.args_span(), found.own, name)
            }
            None => Setting::defaulted(false, self.default_text(name, "off"))
                .directive(Arc::clone(name)),
        });
    }

    /// An on/off directive of this module, or nginx's built-in default when absent.
    fn flag_or_default(
        &mut self,
        chain: &Chain<'_, 't>,
        directive: &'static str,
        default: bool,
        endpoint: usize,
        key: &str,
    ) -> Setting<bool> {
        let name = &self.name(directive, "");
        self.flag_setting(chain, name, endpoint, key)
            .unwrap_or_else(|| {
                Setting::defaulted(
                    default,
                    self.default_text(name, if default { "on" } else { "off" }),
                )
                .directive(Arc::clone(name))
            })
    }

    fn flag_setting(
        &mut self,
        chain: &Chain<'_, 't>,
        name: &Arc<str>,
        endpoint: usize,
        key: &str,
    ) -> Option<Setting<bool>> {
        let found = chain.find(name)?;
        let id = self.single(found.ids);
        let v = self.flag(id, Some(endpoint), key)?;
        Some(Self::place(v, self.d(id).args_span(), found.own, name))
    }

    /// `ssl_stapling` and what decides whether it works: the responder nginx asks
    /// (`ssl_stapling_responder`, else each certificate's own), a fixed response file, the
    /// `resolver` of the server (nginx hands the server-level one to stapling), the
    /// certificates it trusts for issuers and verification, and whether the certificates are
    /// chosen per connection (nginx then loads none at start to staple for).
    fn stapling(
        &mut self,
        chain: &Chain<'_, 't>,
        endpoint: usize,
        key: &str,
    ) -> Setting<Arc<Stapling>> {
        let name = &self.name("ssl_stapling", "");
        let on = match self.flag_setting(chain, name, endpoint, key) {
            Some(on) if on.value => on,
            Some(off) => return off.with_value(stapling_off()),
            None => {
                return Setting::defaulted(stapling_off(), self.default_text(name, "off"))
                    .directive(Arc::clone(name));
            }
        };
        let verify_name = self.name("ssl_stapling_verify", "");
        let verify = self.flag_setting(chain, &verify_name, endpoint, key);
        let file = self
            .single_value(chain, "ssl_stapling_file")
            .map(|s| s.with_value(PathBuf::from(&s.value)));
        let responder = self.single_value(chain, "ssl_stapling_responder");
        let resolver_name = self.name("resolver", "");
        let resolver = chain.find(&resolver_name).map(|found| {
            let id = self.single(found.ids);
            let d = self.d(id);
            let servers: Vec<&str> = d.args.iter().map(|a| a.value.as_str()).collect();
            Self::place(servers.join(" "), d.args_span(), found.own, &resolver_name)
        });
        // nginx loads `ssl_client_certificate` into the same store only when it verifies
        // client certificates.
        let verifies_clients = chain.find("ssl_verify_client").is_some_and(|f| {
            self.d(f.ids[0])
                .args
                .first()
                .is_some_and(|a| !a.value.eq_ignore_ascii_case("off"))
        });
        let trusted = self
            .single_value(chain, "ssl_trusted_certificate")
            .or_else(|| {
                verifies_clients
                    .then(|| self.single_value(chain, "ssl_client_certificate"))
                    .flatten()
            })
            .map(|s| s.with_value(PathBuf::from(&s.value)));
        // Like `ngx_http_script_variables_count`: any `$` in a certificate or key path.
        let per_connection = ["ssl_certificate", "ssl_certificate_key"]
            .iter()
            .filter_map(|n| chain.find(n))
            .flat_map(|f| f.ids.iter())
            .filter_map(|&id| self.d(id).args.first())
            .find(|a| a.value.contains('$'))
            .map(Arg::full_span);
        on.with_value(Arc::new(Stapling {
            on: true,
            verify,
            file,
            responder,
            resolver,
            trusted,
            per_connection,
            names: StaplingNames {
                resolver: "resolver",
                trusted: "ssl_trusted_certificate",
                responder: "ssl_stapling_responder",
            },
        }))
    }

    /// A one-argument directive's value where it is in force (nginx refuses a second one
    /// in a block, and other arities).
    fn single_value(
        &mut self,
        chain: &Chain<'_, 't>,
        directive: &'static str,
    ) -> Option<Setting<String>> {
        let name = self.name(directive, "");
        let found = chain.find(&name)?;
        let id = self.single(found.ids);
        if !self.arity(id, 1, 1) {
            return None;
        }
        let a = &self.d(id).args[0];
        Some(Self::place(
            a.value.to_string(),
            a.full_span(),
            found.own,
            &name,
        ))
    }

    /// `ssl_conf_command` is applied after everything else (`nginx.md` §5.4). Returns why
    /// nginx refuses to start, when an `Options` name is unknown to the target OpenSSL.
    #[expect(
        clippy::too_many_lines,
        reason = "one match over the OpenSSL SSL_CONF commands nginx users write"
    )]
    fn conf_commands(
        &mut self,
        chain: &Chain<'_, 't>,
        p: &'static str,
        tls: &mut TlsSettings,
        endpoint: usize,
        key: &str,
    ) -> Option<String> {
        let name = self.name(p, "_conf_command");
        let found = chain.find(&name)?;
        let mut refusal = None;
        let base_protocols = tls.protocols.clone();
        let mut mask: Vec<Protocol> = base_protocols
            .as_ref()
            .map(|s| s.value.clone())
            .unwrap_or_default();
        let mut min: Option<Protocol> = None;
        let mut max: Option<Protocol> = None;
        let mut proto_cmd: Option<(DirId, Span)> = None;
        for &id in found.ids {
            if !self.arity(id, 2, 2) {
                continue;
            }
            let d = self.d(id);
            let cmd = d.args[0].value.to_ascii_lowercase();
            let arg = &d.args[1];
            let value = arg.value.as_str();
            let span = arg.full_span();
            let command = format!("{name} {} {}", d.args[0].value, value);
            let note = format!("set by `{command}`, which nginx applies last");
            match cmd.as_str() {
                "minprotocol" | "maxprotocol" => {
                    let v = Protocol::parse(value);
                    if cmd == "minprotocol" {
                        min = v;
                    } else {
                        max = v;
                    }
                    proto_cmd = Some((id, span));
                }
                "protocol" => {
                    Protocol::apply_conf_command(value, &mut mask);
                    proto_cmd = Some((id, span));
                }
                "cipherstring" => {
                    let old = tls.ciphers.take();
                    self.overridden_string(old.as_ref(), tls, endpoint, key);
                    let new =
                        Self::place(Ciphers::OpenSsl(cipher_string(arg)), span, found.own, &name)
                            .with_note(note);
                    self.overridden(
                        old.as_ref()
                            .map(|o| (o.span, o.value != new.value, o.is_default())),
                        "ciphers",
                        p,
                        d,
                        endpoint,
                        key,
                    );
                    tls.ciphers = Some(new);
                }
                "ciphersuites" => {
                    tls.ciphersuites = Some(
                        Self::place(split_named(arg, ':'), span, found.own, &name).with_note(note),
                    );
                }
                "groups" | "curves" => {
                    tls.curves = Some(
                        Self::place(split_named(arg, ':'), span, found.own, &name).with_note(note),
                    );
                }
                "options" => {
                    // OpenSSL's CONF_parse_list: comma-separated, blanks around items ignored.
                    let mut offset = 0;
                    for raw in value.split(',') {
                        let item = raw.trim();
                        let at = offset + (raw.len() - raw.trim_start().len());
                        offset += raw.len() + 1;
                        let (on, opt) = match item.strip_prefix('-') {
                            Some(o) => (false, o),
                            None => (true, item.strip_prefix('+').unwrap_or(item)),
                        };
                        if let Some(ext) = Extension::of(opt) {
                            // The option word itself, when the argument is written verbatim.
                            let word = if arg.is_verbatim() {
                                arg.span.sub(at, at + item.len())
                            } else {
                                span
                            };
                            if let Some(why) =
                                self.extension_option(ext, (d, item, word), endpoint, key)
                            {
                                // OpenSSL stops the list at the first name it rejects.
                                refusal.get_or_insert(why);
                                break;
                            }
                            let slot = match ext {
                                Extension::ExtendedMasterSecret => &mut tls.extended_master_secret,
                                Extension::EncryptThenMac => &mut tls.encrypt_then_mac,
                            };
                            *slot = Some(Self::place(on, word, found.own, &name));
                        } else if opt.eq_ignore_ascii_case("Compression") {
                            tls.compression = Some(
                                Self::place(on, span, found.own, &name).with_note(note.clone()),
                            );
                        } else {
                            // Options that override a dedicated directive already in force.
                            let slot = if opt.eq_ignore_ascii_case("SessionTicket") {
                                Some((&mut tls.session_tickets, "session_tickets"))
                            } else if opt.eq_ignore_ascii_case("ServerPreference") {
                                Some((&mut tls.prefer_server_ciphers, "prefer_server_ciphers"))
                            } else {
                                None
                            };
                            if let Some((slot, setting)) = slot
                                && slot.is_some()
                            {
                                let old = slot.take();
                                self.overridden(
                                    old.as_ref()
                                        .map(|o| (o.span, o.value != on, o.is_default())),
                                    setting,
                                    p,
                                    d,
                                    endpoint,
                                    key,
                                );
                                *slot = Some(
                                    Self::place(on, span, found.own, &name).with_note(note.clone()),
                                );
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        if let Some((id, span)) = proto_cmd {
            mask.retain(|pr| min.is_none_or(|m| *pr >= m) && max.is_none_or(|m| *pr <= m));
            mask.sort();
            mask.dedup();
            let d = self.d(id);
            let differs = base_protocols.as_ref().is_some_and(|b| b.value != mask);
            let old = base_protocols
                .as_ref()
                .map(|o| (o.span, differs, o.is_default()));
            self.overridden(old, "protocols", p, d, endpoint, key);
            let note = format!(
                "`{name} {}` is applied after `{p}_protocols`",
                d.args.first().map_or("", |a| a.value.as_str())
            );
            tls.protocols = Some(Self::place(mask, span, found.own, &name).with_note(note));
        }
        refusal
    }

    /// An `Options` name for a TLS extension that the target OpenSSL does not know: OpenSSL
    /// rejects the command (`bad value`) and nginx does not start. Reports it and returns
    /// the refusal; `None` when the target has the option.
    fn extension_option(
        &mut self,
        ext: Extension,
        (d, item, word): (&Directive, &str, Span),
        endpoint: usize,
        key: &str,
    ) -> Option<String> {
        if self.openssl >= ext.since() {
            return None;
        }
        let openssl = self.openssl;
        let why = format!(
            "nginx refuses to start: SSL_CONF_cmd(\"Options\", \"{}\") fails, OpenSSL {openssl} has no `{}` option (it came in OpenSSL {})",
            short(d.args.get(1).map_or(item, |a| a.value.as_str())),
            ext.option(),
            ext.since_text(),
        );
        let mut o = Observation::new(ObservationKind::InvalidValue, word, why.clone())
            .help(format!(
                "remove `{item}` for OpenSSL {openssl}, or set `--target openssl=` to the OpenSSL you run"
            ))
            .key(key);
        o.endpoint = Some(endpoint);
        self.observe(o);
        Some(why)
    }

    /// Reports a written directive that an `ssl_conf_command` overrides.
    /// nginx applies `ssl_ciphers` before `ssl_conf_command CipherString`: a string OpenSSL
    /// rejects still stops nginx, and its `@SECLEVEL` stays in force unless the overriding
    /// string sets its own.
    fn overridden_string(
        &mut self,
        old: Option<&Setting<Ciphers>>,
        tls: &mut TlsSettings,
        endpoint: usize,
        key: &str,
    ) {
        let Some(old) = old.filter(|o| !o.is_default()) else {
            return;
        };
        let Ciphers::OpenSsl(cs) = &old.value else {
            return;
        };
        let profile = crate::cipher::Profile::for_version(self.openssl.0, self.openssl.1);
        let x = crate::cipher::expand(&cs.text, profile);
        if let Some(err) = &x.error {
            let mut o = Observation::new(
                ObservationKind::InvalidValue,
                old.span.unwrap_or_else(|| self.model.endpoints[endpoint].span),
                format!(
                    "nginx refuses to start: SSL_CTX_set_cipher_list(\"{}\") failed ({}); `ssl_conf_command CipherString` replaces the string only after that",
                    cs.text, err.message
                ),
            )
            .help("fix or remove this `ssl_ciphers`: nginx sets it before applying `ssl_conf_command`")
            .key(key);
            o.endpoint = Some(endpoint);
            self.observe(o);
        }
        if let Some(level) = x.level_set
            && tls.security_level.is_none()
        {
            tls.security_level = Some(old.with_value(level).with_note(format!(
                "`@SECLEVEL={level}` of the overridden cipher string stays in force: `CipherString` changes the level only when it sets one"
            )));
        }
    }

    fn overridden(
        &mut self,
        old: Option<(Option<Span>, bool, bool)>,
        what: &str,
        p: &str,
        cmd: &Directive,
        endpoint: usize,
        key: &str,
    ) {
        let Some((Some(span), differs, false)) = old else {
            return;
        };
        if !differs {
            return;
        }
        let directive = format!("{p}_{what}");
        let command = cmd.args.first().map_or("", |a| a.value.as_str());
        let mut o = Observation::new(
            ObservationKind::Ineffective,
            span,
            format!(
                "`{directive}` is overridden by `{} {command}`, which nginx applies after it",
                cmd.name()
            ),
        )
        .help(format!(
            "set the value in one place: drop `{directive}` or the `{} {command}`",
            cmd.name()
        ))
        .label(cmd.span, "overrides it")
        .key(key);
        o.endpoint = Some(endpoint);
        self.observe(o);
    }
}

/// A TLS extension `ssl_conf_command Options` can turn off (OpenSSL's `SSL_CONF_cmd(3)`).
#[derive(Clone, Copy)]
enum Extension {
    /// `ExtendedMasterSecret` (`SSL_OP_NO_EXTENDED_MASTER_SECRET`).
    ExtendedMasterSecret,
    /// `EncryptThenMac` (`SSL_OP_NO_ENCRYPT_THEN_MAC`).
    EncryptThenMac,
}

impl Extension {
    /// The extension an `Options` name (without `+`/`-`) controls; OpenSSL matches names
    /// case-insensitively.
    fn of(opt: &str) -> Option<Extension> {
        if opt.eq_ignore_ascii_case("ExtendedMasterSecret") {
            Some(Extension::ExtendedMasterSecret)
        } else if opt.eq_ignore_ascii_case("EncryptThenMac") {
            Some(Extension::EncryptThenMac)
        } else {
            None
        }
    }

    /// The option name as OpenSSL spells it.
    fn option(self) -> &'static str {
        match self {
            Extension::ExtendedMasterSecret => "ExtendedMasterSecret",
            Extension::EncryptThenMac => "EncryptThenMac",
        }
    }

    /// The first OpenSSL release whose `Options` command knows the name: 1.0.2 has neither
    /// (no encrypt-then-MAC support), 1.1.1's list stops at `AntiReplay` (`ssl/ssl_conf.c`).
    fn since(self) -> Version {
        match self {
            Extension::ExtendedMasterSecret => Version(3, 0, 0),
            Extension::EncryptThenMac => Version(1, 1, 0),
        }
    }

    /// [`Extension::since`] as OpenSSL names the release.
    fn since_text(self) -> &'static str {
        match self {
            Extension::ExtendedMasterSecret => "3.0",
            Extension::EncryptThenMac => "1.1.0",
        }
    }
}

/// Texts made from two fixed words, cached by where the words live: asked for several
/// times per endpoint, these must not hash and compare strings. (Equal words at different
/// addresses only cost a second entry.)
/// Files nginx and Debian ship that hold no TLS directive (MIME types, FastCGI/uwsgi/SCGI
/// parameters, `proxy_set_header` lines, charset maps): not reading one hides nothing this
/// tool judges, so it neither leaves settings unknown nor gets a note.
fn stock_without_tls(path: &std::path::Path) -> bool {
    const STOCK: [&str; 9] = [
        "mime.types",
        "fastcgi_params",
        "fastcgi.conf",
        "proxy_params",
        "uwsgi_params",
        "scgi_params",
        "koi-utf",
        "koi-win",
        "win-utf",
    ];
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| STOCK.contains(&n))
}

fn by_address(
    map: &mut HashMap<(usize, usize, usize, usize), Arc<str>>,
    a: &'static str,
    b: &'static str,
    make: impl FnOnce() -> String,
) -> Arc<str> {
    let key = (a.as_ptr().addr(), a.len(), b.as_ptr().addr(), b.len());
    if let Some(t) = map.get(&key) {
        return Arc::clone(t);
    }
    let t: Arc<str> = make().into();
    map.insert(key, Arc::clone(&t));
    t
}

/// Appends `tail` to `all`, in order, giving `tail`'s memory back as it goes: a plain
/// `extend` would hold both whole vectors at once, the peak of a large run.
fn append_releasing<T>(all: &mut Vec<T>, mut tail: Vec<T>) {
    let base = all.len();
    all.reserve_exact(tail.len());
    // Move from the end (so `tail` can shrink), then restore the order.
    let step = (tail.len() / 8).max(1024);
    let mut moved = 0usize;
    while let Some(item) = tail.pop() {
        all.push(item);
        moved += 1;
        if moved.is_multiple_of(step) {
            tail.shrink_to_fit();
        }
    }
    all[base..].reverse();
}

/// A cipher string with its location: exact when nothing was decoded.
fn cipher_string(arg: &Arg) -> CipherString {
    if arg.is_verbatim() {
        CipherString::placed(arg.value.to_string(), arg.span)
    } else {
        let mut c = CipherString::default();
        c.push(&arg.value, None);
        c
    }
}

/// Splits a list value (`X25519:prime256v1`) into names, with exact spans when verbatim.
fn split_named(arg: &Arg, sep: char) -> Vec<Named> {
    let exact = arg.is_verbatim();
    let mut out = Vec::new();
    let mut offset = 0;
    for part in arg.value.split(sep) {
        let span = exact.then(|| arg.span.sub(offset, offset + part.len()));
        offset += part.len() + sep.len_utf8();
        if !part.is_empty() {
            out.push(Named::new(part.to_owned(), span));
        }
    }
    out
}

/// `listen` addresses as nginx keys sockets: `443` → `*:443`, `[::]` → `[::]:80`.
fn normalize_address(a: &str) -> String {
    if a.starts_with("unix:") {
        return a.to_owned();
    }
    if let Some(rest) = a.strip_prefix('[') {
        return match rest.split_once(']') {
            Some((host, tail)) => match tail.strip_prefix(':') {
                Some(port) => format!("[{host}]:{port}"),
                None => format!("[{host}]:80"),
            },
            None => a.to_owned(),
        };
    }
    if !a.is_empty() && a.bytes().all(|b| b.is_ascii_digit()) {
        return format!("*:{a}");
    }
    match a.rsplit_once(':') {
        Some((host, port)) => format!("{host}:{port}"),
        None => format!("{a}:80"),
    }
}

/// nginx's `ngx_parse_time(.., 1)`: `90`, `5m`, `1h 30m`, `1d`; seconds.
pub fn parse_time(s: &str) -> Option<u64> {
    let mut total: u64 = 0;
    let mut num: Option<u64> = None;
    let mut any = false;
    for ch in s.chars() {
        if let Some(d) = ch.to_digit(10) {
            num = Some(
                num.unwrap_or(0)
                    .checked_mul(10)?
                    .checked_add(u64::from(d))?,
            );
            continue;
        }
        if ch == ' ' {
            continue;
        }
        let mult = match ch {
            'y' => 365 * 24 * 3600,
            'M' => 30 * 24 * 3600,
            'w' => 7 * 24 * 3600,
            'd' => 24 * 3600,
            'h' => 3600,
            'm' => 60,
            's' => 1,
            _ => return None,
        };
        total = total.checked_add(num.take()?.checked_mul(mult)?)?;
        any = true;
    }
    if let Some(n) = num {
        total = total.checked_add(n)?;
        any = true;
    }
    any.then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(parse_time("5m"), Some(300));
        assert_eq!(parse_time("1h 30m"), Some(5400));
        assert_eq!(parse_time("90"), Some(90));
        assert_eq!(parse_time("1d"), Some(86400));
        assert_eq!(parse_time("x"), None);
        assert_eq!(parse_time(""), None);
    }

    #[test]
    fn addresses() {
        assert_eq!(normalize_address("443"), "*:443");
        assert_eq!(normalize_address("[::]:443"), "[::]:443");
        assert_eq!(normalize_address("127.0.0.1"), "127.0.0.1:80");
        assert_eq!(normalize_address("*:443"), "*:443");
    }

    #[test]
    fn protocol_defaults() {
        assert_eq!(default_protocols(Version(1, 22, 1)).len(), 3);
        assert_eq!(default_protocols(Version(1, 26, 0)).len(), 4);
        assert_eq!(default_protocols(Version(1, 28, 0)).len(), 2);
    }
}
