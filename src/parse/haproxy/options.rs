//! The TLS options of a `bind`, `server` or `default-server` line, of
//! `ssl-default-bind-options` / `ssl-default-server-options`, and of a `crt-list` entry's
//! `[...]`: which words HAProxy reads as one option with an argument, and what the
//! TLS-relevant ones say. Keywords that are not about TLS are skipped by their arity.

use super::lexer::Word;
use crate::model::Protocol;
use crate::parse::ParseError;
use crate::source::Span;

/// `bind` keywords taking one argument (HAProxy 2.0 – 3.2), besides the TLS ones read below.
const BIND_ARG: &[&str] = &[
    "accept-netscaler-cip",
    "backlog",
    "ca-ignore-err",
    "ca-sign-file",
    "ca-sign-pass",
    "ca-verify-file",
    "crl-file",
    "crt-ignore-err",
    "expose-fd",
    "gid",
    "group",
    "guid-prefix",
    "id",
    "interface",
    "level",
    "maxconn",
    "mode",
    "mss",
    "name",
    "namespace",
    "nbconn",
    "nice",
    "npn",
    "process",
    "proto",
    "quic-cc-algo",
    "quic-socket",
    "severity-output",
    "shards",
    "tcp-md5sig",
    "tcp-ut",
    "thread",
    "uid",
    "user",
    "idle-ping",
    "ktls",
    "label",
    "cc-algo",
    "client-sigalgs",
    "sigalgs",
    "ocsp-update",
    "no-ca-names-file",
];

/// `bind` keywords without an argument, besides the TLS ones read below.
const BIND_FLAG: &[&str] = &[
    "accept-proxy",
    "defer-accept",
    "generate-certificates",
    "no-alpn",
    "no-ca-names",
    "quic-force-retry",
    "tfo",
    "transparent",
    "v4v6",
    "v6only",
    "ssl",
];

/// `server` / `default-server` keywords taking one argument, besides the TLS ones.
const SERVER_ARG: &[&str] = &[
    "addr",
    "agent-addr",
    "agent-inter",
    "agent-port",
    "agent-send",
    "check-alpn",
    "check-proto",
    "check-sni",
    "cookie",
    "crl-file",
    "error-limit",
    "fall",
    "id",
    "init-addr",
    "inter",
    "fastinter",
    "downinter",
    "log-proto",
    "maxconn",
    "maxqueue",
    "max-reuse",
    "minconn",
    "namespace",
    "npn",
    "observe",
    "on-error",
    "on-marked-down",
    "on-marked-up",
    "pool-low-conn",
    "pool-max-conn",
    "pool-purge-delay",
    "port",
    "proto",
    "redir",
    "rise",
    "resolve-opts",
    "resolve-prefer",
    "resolve-net",
    "resolvers",
    "proxy-v2-options",
    "set-proxy-v2-tlv-fmt",
    "shard",
    "slowstart",
    "sni",
    "source",
    "socks4",
    "tcp-ut",
    "track",
    "weight",
    "ws",
    "guid",
    "hash-key",
    "init-state",
    "pool-conn-name",
    "log-bufsize",
    "idle-ping",
    "verifyhost",
    "client-sigalgs",
    "sigalgs",
    "ca-file",
    "crt",
    "alpn",
    "check-via-socks4",
    "usesrc",
    "ocsp-update",
    "tcp-md5sig",
    "cc-algo",
    "check-reuse-pool",
];

/// `server` / `default-server` keywords without an argument, besides the TLS ones.
const SERVER_FLAG: &[&str] = &[
    "agent-check",
    "backup",
    "check",
    "check-send-proxy",
    "check-ssl",
    "disabled",
    "enabled",
    "no-agent-check",
    "no-backup",
    "no-check",
    "no-check-ssl",
    "no-send-proxy",
    "no-send-proxy-v2",
    "no-send-proxy-v2-ssl",
    "no-send-proxy-v2-ssl-cn",
    "no-ssl-reuse",
    "no-tfo",
    "no-verifyhost",
    "send-proxy",
    "send-proxy-v2",
    "send-proxy-v2-ssl",
    "send-proxy-v2-ssl-cn",
    "ssl-reuse",
    "stick",
    "non-stick",
    "tfo",
    "strict-maxconn",
    "no-ssl",
    "ssl",
    "tls-tickets",
    "check-pool-conn-name",
];

/// Which kind of line the options are on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `bind`, `ssl-default-bind-options`, a `crt-list` entry.
    Bind,
    /// `server`, `default-server`, `ssl-default-server-options`.
    Server,
}

/// A word with where it is written.
#[derive(Clone, Debug)]
pub(crate) struct At<T> {
    /// The value.
    pub(crate) value: T,
    /// The option's value (or the flag itself).
    pub(crate) span: Span,
}

impl<T> At<T> {
    fn new(value: T, span: Span) -> Self {
        At { value, span }
    }
}

/// The TLS options of one line (or one global statement).
#[derive(Clone, Debug, Default)]
pub(crate) struct Opts {
    /// `ssl`.
    pub(crate) ssl: Option<Span>,
    /// `no-ssl` (servers).
    pub(crate) no_ssl: Option<Span>,
    /// `ssl-min-ver`.
    pub(crate) min: Option<At<Protocol>>,
    /// `ssl-max-ver`.
    pub(crate) max: Option<At<Protocol>>,
    /// `force-*`: one version only.
    pub(crate) force: Option<At<Protocol>>,
    /// `no-sslv3` ... `no-tlsv13`.
    pub(crate) no: Vec<At<Protocol>>,
    /// `ciphers`.
    pub(crate) ciphers: Option<Word>,
    /// `ciphersuites`.
    pub(crate) ciphersuites: Option<Word>,
    /// `curves`.
    pub(crate) curves: Option<Word>,
    /// `ecdhe` (ignored when `curves` is given).
    pub(crate) ecdhe: Option<Word>,
    /// `prefer-client-ciphers`.
    pub(crate) prefer_client: Option<Span>,
    /// `no-tls-tickets`.
    pub(crate) no_tickets: Option<Span>,
    /// `tls-ticket-keys`.
    pub(crate) ticket_keys: Option<Word>,
    /// `allow-0rtt`.
    pub(crate) early: Option<Span>,
    /// `verify none|optional|required`.
    pub(crate) verify: Option<Word>,
    /// `crt` (repeatable on `bind`).
    pub(crate) crt: Vec<Word>,
    /// `crt-list`.
    pub(crate) crt_list: Vec<Word>,
    /// `ca-file`.
    pub(crate) ca_file: Option<Word>,
    /// `alpn`.
    pub(crate) alpn: Option<Word>,
    /// Words whose value comes from the environment: `(option, span)`.
    pub(crate) env: Vec<(&'static str, Span)>,
}

/// Reads the options in `words` (from the first option on) into `o`. Errors are what HAProxy
/// rejects; unknown keywords are returned as `(keyword span)` for an observation.
pub(crate) fn read(
    words: &[Word],
    kind: Kind,
    o: &mut Opts,
    errors: &mut Vec<ParseError>,
    unknown: &mut Vec<Span>,
) {
    let mut i = 0;
    while let Some(w) = words.get(i) {
        let kw = w.value.as_str();
        let next = words.get(i + 1);
        let takes = one_of(kw, kind);
        if takes == Some(true) || is_tls_arg(kw) {
            let Some(v) = next else {
                errors.push(ParseError::new(w.span, format!("'{kw}' : missing value")));
                return;
            };
            if v.env {
                o.env.push((env_name(kw), v.span));
            }
            value(kw, v, o, errors);
            i += 2;
            continue;
        }
        // Cipher order is the server side's choice: HAProxy knows no such option on
        // `server` lines or in `ssl-default-server-options` (measured with 2.6).
        let server_only_refuses = kind == Kind::Server && kw == "prefer-client-ciphers";
        if server_only_refuses || (!flag(kw, w.span, o) && takes.is_none()) {
            unknown.push(w.span);
        }
        i += 1;
    }
}

/// `Some(true)`: an argument follows; `Some(false)`: a flag; `None`: unknown.
fn one_of(kw: &str, kind: Kind) -> Option<bool> {
    let (args, flags) = match kind {
        Kind::Bind => (BIND_ARG, BIND_FLAG),
        Kind::Server => (SERVER_ARG, SERVER_FLAG),
    };
    if args.contains(&kw) {
        Some(true)
    } else if flags.contains(&kw) {
        Some(false)
    } else {
        None
    }
}

fn is_tls_arg(kw: &str) -> bool {
    matches!(
        kw,
        "ssl-min-ver"
            | "ssl-max-ver"
            | "ciphers"
            | "ciphersuites"
            | "curves"
            | "ecdhe"
            | "tls-ticket-keys"
            | "verify"
            | "crt"
            | "crt-list"
            | "ca-file"
            | "alpn"
    )
}

/// The option a variable leaves unknown, by the name a setting's directive has.
fn env_name(kw: &str) -> &'static str {
    match kw {
        "ssl-min-ver" | "ssl-max-ver" => "ssl-min-ver",
        "ciphers" => "ciphers",
        "ciphersuites" => "ciphersuites",
        "curves" | "ecdhe" => "curves",
        "tls-ticket-keys" => "tls-ticket-keys",
        "verify" => "verify",
        "crt" | "crt-list" => "crt",
        _ => "other",
    }
}

fn value(kw: &str, v: &Word, o: &mut Opts, errors: &mut Vec<ParseError>) {
    match kw {
        "ssl-min-ver" | "ssl-max-ver" => {
            let p = version(&v.value);
            if p.is_none() && !v.env {
                errors.push(
                    ParseError::new(
                        v.span,
                        format!(
                            "'{kw}' : unknown version '{}'",
                            crate::escape::short(&v.value)
                        ),
                    )
                    .help("use SSLv3, TLSv1.0, TLSv1.1, TLSv1.2 or TLSv1.3"),
                );
            }
            if let Some(p) = p {
                let at = Some(At::new(p, v.span));
                if kw == "ssl-min-ver" {
                    o.min = at;
                } else {
                    o.max = at;
                }
            }
        }
        "ciphers" => o.ciphers = Some(v.clone()),
        "ciphersuites" => o.ciphersuites = Some(v.clone()),
        "curves" => o.curves = Some(v.clone()),
        "ecdhe" => o.ecdhe = Some(v.clone()),
        "tls-ticket-keys" => o.ticket_keys = Some(v.clone()),
        "verify" => {
            if !v.env && !matches!(v.value.as_str(), "none" | "optional" | "required") {
                errors.push(
                    ParseError::new(v.span, format!("'verify' : unknown verify method '{}', only 'none', 'optional', and 'required' are supported", crate::escape::short(&v.value))),
                );
            }
            o.verify = Some(v.clone());
        }
        "crt" => o.crt.push(v.clone()),
        "crt-list" => o.crt_list.push(v.clone()),
        "ca-file" => o.ca_file = Some(v.clone()),
        "alpn" => o.alpn = Some(v.clone()),
        _ => {}
    }
}

/// A TLS flag; false when `kw` is none.
fn flag(kw: &str, span: Span, o: &mut Opts) -> bool {
    let proto = |s: &str| match s {
        "sslv3" => Some(Protocol::SSLv3),
        "tlsv10" => Some(Protocol::TLSv1),
        "tlsv11" => Some(Protocol::TLSv1_1),
        "tlsv12" => Some(Protocol::TLSv1_2),
        "tlsv13" => Some(Protocol::TLSv1_3),
        _ => None,
    };
    if let Some(p) = kw.strip_prefix("no-").and_then(proto) {
        o.no.push(At::new(p, span));
        return true;
    }
    if let Some(p) = kw.strip_prefix("force-").and_then(proto) {
        o.force = Some(At::new(p, span));
        return true;
    }
    match kw {
        "ssl" => o.ssl = Some(span),
        "no-ssl" => o.no_ssl = Some(span),
        "prefer-client-ciphers" => o.prefer_client = Some(span),
        "no-tls-tickets" => o.no_tickets = Some(span),
        "allow-0rtt" => o.early = Some(span),
        "strict-sni" | "tls-tickets" | "no-ca-names" => {}
        _ => return false,
    }
    true
}

/// HAProxy's version names.
fn version(s: &str) -> Option<Protocol> {
    match s {
        "SSLv3" => Some(Protocol::SSLv3),
        "TLSv1.0" => Some(Protocol::TLSv1),
        "TLSv1.1" => Some(Protocol::TLSv1_1),
        "TLSv1.2" => Some(Protocol::TLSv1_2),
        "TLSv1.3" => Some(Protocol::TLSv1_3),
        _ => None,
    }
}
