//! The common TLS-settings model: what every dialect's extractor produces and every check reads.
//!
//! One [`Endpoint`] per TLS context (an nginx `server`, a Postfix service, a Dovecot filter,
//! an application's TLS block). Each setting is a [`Setting`] that knows where its value
//! came from: set in the block, inherited from an enclosing one, or a version default.
//! Dialect facts that are not settings (a deprecated directive, an ignored one, a
//! misspelled parameter) are [`Observation`]s, so checks never look at dialect syntax.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

use crate::source::{FileId, Span};

/// The configuration language an endpoint was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    /// nginx (http, stream and mail modules).
    Nginx,
    /// Postfix `main.cf` / `master.cf`.
    Postfix,
    /// Dovecot 2.3 / 2.4.
    Dovecot,
    /// Apache httpd 2.4 with mod_ssl.
    Apache,
    /// An application config described by `rules/apps/*`.
    App,
    /// HAProxy 2.x / 3.x.
    Haproxy,
}

impl Dialect {
    /// How a setting is written in this dialect, for help lines: `ssl_protocols TLSv1.2;`,
    /// `smtpd_tls_protocols = >=TLSv1.2`, `minVersion: VersionTLS12`.
    pub fn assignment(self, directive: &str, value: &str) -> String {
        match self {
            Dialect::Nginx => format!("{directive} {value};"),
            Dialect::Postfix | Dialect::Dovecot => format!("{directive} = {value}"),
            Dialect::App => format!("{directive}: {value}"),
            Dialect::Apache | Dialect::Haproxy => format!("{directive} {value}"),
        }
    }

    /// What the program does when OpenSSL rejects an endpoint's cipher string.
    pub fn on_rejected_ciphers(self) -> &'static str {
        match self {
            Dialect::Nginx => "nginx refuses to start with this configuration",
            Dialect::Postfix => "Postfix logs a warning and runs this service without TLS",
            Dialect::Dovecot => "Dovecot fails TLS set-up for this context",
            Dialect::App => "the application fails to configure TLS",
            Dialect::Haproxy => "HAProxy refuses to start with this configuration",
            Dialect::Apache => "httpd refuses to start with this configuration",
        }
    }

    /// The end of a help line offering to turn session tickets off with `directive`: nginx
    /// gets the exact line to write (its off switch is one flag), the others the setting's
    /// name (their values differ by setting and version).
    pub fn tickets_off_help(self, directive: Option<&str>) -> String {
        match (self, directive) {
            (Dialect::Nginx, Some(d)) => {
                format!(", or turn tickets off: `{}`", self.assignment(d, "off"))
            }
            (_, Some(d)) => format!(", or turn session tickets off (`{d}`)"),
            (_, None) => ", or turn session tickets off".to_owned(),
        }
    }

    /// The line that sends the response header `name: value` with `directive` (help text):
    /// nginx `add_header Name "value" always;` or `more_set_headers "Name: value";`.
    pub fn header_line(self, directive: &str, name: &str, value: &str) -> String {
        match (self, directive) {
            (Dialect::Nginx, "more_set_headers") => format!("{directive} \"{name}: {value}\";"),
            (Dialect::Nginx, d) if !d.is_empty() => format!("{d} {name} \"{value}\" always;"),
            (Dialect::Haproxy, _) => format!("http-response set-header {name} \"{value}\""),
            (Dialect::Apache, _) => format!("Header always set {name} \"{value}\""),
            _ => format!("{name}: {value}"),
        }
    }

    /// Lower-case name used on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Dialect::Nginx => "nginx",
            Dialect::Postfix => "postfix",
            Dialect::Dovecot => "dovecot",
            Dialect::App => "app",
            Dialect::Haproxy => "haproxy",
            Dialect::Apache => "apache",
        }
    }
}

/// Which end of the connection the endpoint configures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// Accepts TLS connections.
    Server,
    /// Opens TLS connections (nginx `proxy_ssl_*`, Postfix `smtp`).
    Client,
}

/// A TLS/SSL protocol version, ordered oldest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Protocol {
    /// SSL 2.0.
    SSLv2,
    /// SSL 3.0.
    SSLv3,
    /// TLS 1.0.
    TLSv1,
    /// TLS 1.1.
    TLSv1_1,
    /// TLS 1.2.
    TLSv1_2,
    /// TLS 1.3.
    TLSv1_3,
}

impl Protocol {
    /// Every protocol, oldest first.
    pub const ALL: [Protocol; 6] = [
        Protocol::SSLv2,
        Protocol::SSLv3,
        Protocol::TLSv1,
        Protocol::TLSv1_1,
        Protocol::TLSv1_2,
        Protocol::TLSv1_3,
    ];

    /// Applies OpenSSL's `Protocol` configuration command (`-ALL,TLSv1.2,+TLSv1.3`, as
    /// nginx's `ssl_conf_command` and httpd's `SSLOpenSSLConfCmd` pass it) to the enabled
    /// versions: each item turns a version (or all but SSLv2) on, or off with `-`.
    pub fn apply_conf_command(value: &str, enabled: &mut Vec<Protocol>) {
        for item in value.split(',').map(str::trim) {
            let (on, name) = match item.strip_prefix('-') {
                Some(n) => (false, n),
                None => (true, item.trim_start_matches('+')),
            };
            let list: Vec<Protocol> = if name.eq_ignore_ascii_case("ALL") {
                Protocol::ALL[1..].to_vec()
            } else {
                Protocol::parse(name).into_iter().collect()
            };
            for p in list {
                enabled.retain(|x| *x != p);
                if on {
                    enabled.push(p);
                }
            }
        }
    }

    /// OpenSSL spelling (`TLSv1.2`).
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::SSLv2 => "SSLv2",
            Protocol::SSLv3 => "SSLv3",
            Protocol::TLSv1 => "TLSv1",
            Protocol::TLSv1_1 => "TLSv1.1",
            Protocol::TLSv1_2 => "TLSv1.2",
            Protocol::TLSv1_3 => "TLSv1.3",
        }
    }

    /// Parses the OpenSSL spelling, case-insensitively (nginx accepts `tlsv1.2`).
    /// `TLSv1.0` is accepted as a synonym of `TLSv1`.
    pub fn parse(s: &str) -> Option<Protocol> {
        Protocol::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s))
            .or_else(|| s.eq_ignore_ascii_case("TLSv1.0").then_some(Protocol::TLSv1))
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Protocol {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Where a setting's value comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase", tag = "kind")]
pub enum Origin {
    /// Written in the endpoint's own block.
    Set,
    /// Written in an enclosing block (or a parameter it expands) and inherited.
    Inherited,
    /// Not written anywhere: the program's built-in default for the target version.
    Default {
        /// What was assumed, e.g. `nginx 1.26 default` (shared: every endpoint without the
        /// setting says the same).
        assumed: Arc<str>,
    },
}

/// A value with its provenance.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Setting<T> {
    /// The effective value.
    pub value: T,
    /// Set here, inherited, or defaulted.
    pub origin: Origin,
    /// Where the value is written (the value token(s)); `None` for defaults.
    #[serde(skip)]
    pub span: Option<Span>,
    /// The directive, parameter or key that sets this value (or would, for a default):
    /// what a fix edits.
    #[serde(skip)]
    pub directive: Option<Arc<str>>,
    /// Note and related places: rare, so kept out of line (an endpoint holds a dozen
    /// settings, and large trees hold tens of thousands of endpoints), and shared, so a
    /// default that every endpoint carries is one allocation.
    #[serde(
        rename = "note",
        skip_serializing_if = "no_note",
        serialize_with = "serialize_note"
    )]
    extra: Option<Arc<Extra>>,
}

/// The rarely used parts of a [`Setting`].
#[derive(Clone, Debug, Default, PartialEq)]
struct Extra {
    note: Option<String>,
    related: Vec<Label>,
    spelling: Option<Arc<Spelling>>,
    every_version: bool,
}

/// How an application spells a setting's values, so that a fix writes them in its own
/// vocabulary (`VersionTLS12`, `TLS12`, `TLSv1_2`) rather than tlslint's canonical names.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Spelling {
    /// The value as written (one token), to pick the matching style among synonyms.
    pub written: String,
    /// `(name, canonical)` pairs the application accepts.
    pub names: Vec<(String, String)>,
    /// The value is one minimum version, not a list.
    pub minimum: bool,
}

impl Spelling {
    /// The application's name for a canonical value, in the style of the written one (the
    /// synonym sharing the longest prefix with it: `VersionTLS10` gives `VersionTLS12`).
    pub fn spell(&self, canonical: &str) -> Option<&str> {
        let shared = |n: &str| {
            n.bytes()
                .zip(self.written.bytes())
                .take_while(|(a, b)| a.eq_ignore_ascii_case(b))
                .count()
        };
        self.names
            .iter()
            .filter(|(_, c)| c.eq_ignore_ascii_case(canonical))
            .max_by_key(|(n, _)| (shared(n), std::cmp::Reverse(n.len())))
            .map(|(n, _)| n.as_str())
    }
}

#[expect(
    clippy::ref_option,
    reason = "serde's skip_serializing_if passes the field by reference"
)]
fn no_note(extra: &Option<Arc<Extra>>) -> bool {
    extra.as_ref().is_none_or(|x| x.note.is_none())
}

#[expect(
    clippy::ref_option,
    reason = "serde's serialize_with passes the field by reference"
)]
fn serialize_note<S: serde::Serializer>(
    extra: &Option<Arc<Extra>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match extra.as_ref().and_then(|x| x.note.as_deref()) {
        Some(note) => s.serialize_str(note),
        None => s.serialize_none(),
    }
}

impl<T> Setting<T> {
    fn with_origin(value: T, origin: Origin, span: Option<Span>) -> Self {
        Setting {
            value,
            origin,
            span,
            directive: None,
            extra: None,
        }
    }

    /// A value written in the endpoint's own block.
    pub fn set(value: T, span: Span) -> Self {
        Setting::with_origin(value, Origin::Set, Some(span))
    }

    /// A value written in an enclosing block.
    pub fn inherited(value: T, span: Span) -> Self {
        Setting::with_origin(value, Origin::Inherited, Some(span))
    }

    /// A built-in default; `assumed` names the program version whose default applies.
    pub fn defaulted(value: T, assumed: impl Into<Arc<str>>) -> Self {
        Setting::with_origin(
            value,
            Origin::Default {
                assumed: assumed.into(),
            },
            None,
        )
    }

    /// Names the directive that sets (or would set) the value.
    #[must_use]
    pub fn directive(mut self, name: impl Into<Arc<str>>) -> Self {
        self.directive = Some(name.into());
        self
    }

    /// Adds a note.
    #[must_use]
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.set_note(note);
        self
    }

    /// Adds a related location.
    #[must_use]
    pub fn with_related(mut self, span: Span, text: impl Into<Cow<'static, str>>) -> Self {
        self.push_related(span, text);
        self
    }

    /// The same provenance around another value.
    pub fn with_value<U>(&self, value: U) -> Setting<U> {
        Setting {
            value,
            origin: self.origin.clone(),
            span: self.span,
            directive: self.directive.clone(),
            extra: self.extra.clone(),
        }
    }

    /// Extra words for diagnostics (e.g. "overridden by ssl_conf_command").
    pub fn note(&self) -> Option<&str> {
        self.extra.as_ref()?.note.as_deref()
    }

    /// Sets the note, replacing any earlier one.
    pub fn set_note(&mut self, note: impl Into<String>) {
        Arc::make_mut(self.extra.get_or_insert_default()).note = Some(note.into());
    }

    /// How the application spells the value (apps only).
    pub fn spelling(&self) -> Option<&Spelling> {
        self.extra.as_ref()?.spelling.as_deref()
    }

    /// Records how the application spells the value.
    #[must_use]
    pub fn with_spelling(mut self, spelling: Arc<Spelling>) -> Self {
        Arc::make_mut(self.extra.get_or_insert_default()).spelling = Some(spelling);
        self
    }

    /// True for a protocol setting written as "every version the library has" (httpd's
    /// `SSLProtocol all`): versions it cannot negotiate were not asked for by name.
    pub fn asks_every_version(&self) -> bool {
        self.extra.as_ref().is_some_and(|x| x.every_version)
    }

    /// Marks a protocol setting as asking for every version ([`Setting::asks_every_version`]).
    #[must_use]
    pub fn with_every_version(mut self) -> Self {
        Arc::make_mut(self.extra.get_or_insert_default()).every_version = true;
        self
    }

    /// Further places that contributed (e.g. a `$name` definition behind a use).
    pub fn related(&self) -> &[Label] {
        self.extra.as_ref().map_or(&[], |x| x.related.as_slice())
    }

    /// Adds a related location.
    pub fn push_related(&mut self, span: Span, text: impl Into<Cow<'static, str>>) {
        Arc::make_mut(self.extra.get_or_insert_default())
            .related
            .push(Label::new(span, text));
    }

    /// True when the value is a built-in default.
    pub fn is_default(&self) -> bool {
        matches!(self.origin, Origin::Default { .. })
    }

    /// Changes the origin to inherited (used when a child block takes a parent's value).
    #[must_use]
    pub fn as_inherited(mut self) -> Self {
        if self.origin == Origin::Set {
            self.origin = Origin::Inherited;
        }
        self
    }
}

/// A labelled location.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What to say there (most label texts are fixed words: no copy for those).
    pub text: Cow<'static, str>,
}

impl Label {
    /// A label.
    pub fn new(span: Span, text: impl Into<Cow<'static, str>>) -> Self {
        Label {
            span,
            text: text.into(),
        }
    }
}

/// A name written in a config (a suite, a curve), with its location.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Named {
    /// The name as written (decoded); built-in defaults borrow their fixed names.
    pub name: Cow<'static, str>,
    /// Where it is written, when known exactly.
    #[serde(skip)]
    pub span: Option<Span>,
}

impl Named {
    /// A name with an optional location.
    pub fn new(name: impl Into<Cow<'static, str>>, span: Option<Span>) -> Self {
        Named {
            name: name.into(),
            span,
        }
    }
}

/// An OpenSSL cipher string, possibly composed from several places (Postfix builds one
/// from a grade list plus exclusions). Each piece maps a range of `text` to the file bytes
/// that spell it, so a word found by the cipher engine can be pointed at exactly.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CipherString {
    /// The whole string as OpenSSL sees it.
    pub text: String,
    /// Pieces of `text`, in order, with the file bytes that spell them exactly.
    pub pieces: Vec<Piece>,
    /// Ranges of `text` that come from the program's built-in lists (a Postfix grade's
    /// default `tls_*_cipherlist`): nobody wrote them in the config.
    pub builtin: Vec<Range<usize>>,
}

/// A range of a [`CipherString`] and where it is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    /// Byte range inside [`CipherString::text`].
    pub range: Range<usize>,
    /// The file bytes spelling this range one to one; `None` when not known exactly.
    pub span: Option<Span>,
}

impl CipherString {
    /// A string with no known location (a default).
    pub fn unplaced(text: impl Into<String>) -> Self {
        CipherString {
            text: text.into(),
            pieces: Vec::new(),
            builtin: Vec::new(),
        }
    }

    /// A string written verbatim at `span` (no escapes, quotes excluded from the span).
    pub fn placed(text: impl Into<String>, span: Span) -> Self {
        let text = text.into();
        let pieces = vec![Piece {
            range: 0..text.len(),
            span: (span.len() == text.len()).then_some(span),
        }];
        CipherString {
            text,
            pieces,
            builtin: Vec::new(),
        }
    }

    /// Appends text written at `span` (or nowhere exact).
    pub fn push(&mut self, text: &str, span: Option<Span>) {
        let start = self.text.len();
        self.text.push_str(text);
        let span = span.filter(|s| s.len() == text.len());
        self.pieces.push(Piece {
            range: start..self.text.len(),
            span,
        });
    }

    /// Appends text from one of the program's built-in lists.
    pub fn push_builtin(&mut self, text: &str) {
        let start = self.text.len();
        self.push(text, None);
        self.builtin.push(start..self.text.len());
    }

    /// Whether `range` of the text comes from a built-in list.
    pub fn is_builtin(&self, range: &Range<usize>) -> bool {
        self.builtin
            .iter()
            .any(|b| b.start <= range.start && range.end <= b.end)
    }

    /// The file span spelling `range` of the text, when one piece covers it exactly.
    pub fn span_of(&self, range: Range<usize>) -> Option<Span> {
        let piece = self
            .pieces
            .iter()
            .find(|p| p.range.start <= range.start && range.end <= p.range.end)?;
        let span = piece.span?;
        Some(span.sub(
            range.start - piece.range.start,
            range.end - piece.range.start,
        ))
    }
}

impl Serialize for CipherString {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

/// How the TLS ≤ 1.2 cipher suites are given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase", tag = "kind", content = "value")]
pub enum Ciphers {
    /// An OpenSSL cipher string, expanded by the cipher engine.
    OpenSsl(CipherString),
    /// An explicit list of suite names (IANA, Go, BoringSSL, ...), as applications take them.
    List(Vec<Named>),
}

impl Ciphers {
    /// True for an OpenSSL cipher string (expanded by the cipher engine).
    pub fn is_open_ssl(&self) -> bool {
        matches!(self, Ciphers::OpenSsl(_))
    }
}

/// Whether TLS is off, offered, or required on an endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    /// No TLS (Postfix `none`, Dovecot `ssl = no`).
    Off,
    /// Offered, plaintext still possible (STARTTLS `may`, Dovecot `ssl = yes`).
    Optional,
    /// Required (implicit TLS, `encrypt`, `ssl = required`).
    Required,
}

/// How session-ticket keys are managed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum TicketKeys {
    /// The server rotates keys itself; `interval_secs` when known.
    Rotated {
        /// Key lifetime in seconds, when known.
        interval_secs: Option<u64>,
    },
    /// Keys read from files: static unless rotated from outside.
    Files {
        /// The key files (first encrypts).
        files: Vec<PathBuf>,
    },
    /// A random key made at start, kept until restart or reload.
    UntilRestart,
    /// A key per process (Dovecot login processes); `long_lived` when processes serve
    /// many connections.
    PerProcess {
        /// True when a process may live indefinitely.
        long_lived: bool,
    },
}

/// How a server staples OCSP responses (RFC 6066 §8): what decides whether it can fetch,
/// verify and send them. The [`Setting`] around it is where stapling is turned on (or the
/// default that leaves it off); each part below is `None` when written nowhere that was read.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Stapling {
    /// Whether stapling is turned on.
    pub on: bool,
    /// Whether responses are verified before they are stapled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verify: Option<Setting<bool>>,
    /// A fixed response file: no responder is queried.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<Setting<PathBuf>>,
    /// A responder URL that replaces the one in the certificates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub responder: Option<Setting<String>>,
    /// The DNS resolver the server uses at run time for the responder's host name (the
    /// servers as written).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolver: Option<Setting<String>>,
    /// Certificates the server trusts, where it looks for a certificate's issuer and
    /// verifies responses (nginx `ssl_trusted_certificate`, or `ssl_client_certificate`
    /// when client certificates are verified).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trusted: Option<Setting<PathBuf>>,
    /// Where the certificates are chosen per connection (a path with variables): the
    /// server then has no certificate loaded at start to staple for.
    #[serde(skip)]
    pub per_connection: Option<Span>,
    /// The directives of the parts, for help lines (a part not written has no setting
    /// to carry its name).
    #[serde(skip)]
    pub names: StaplingNames,
}

/// The directive names of a dialect's OCSP stapling parts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StaplingNames {
    /// Names the DNS resolver (nginx `resolver`).
    pub resolver: &'static str,
    /// Names the trusted certificates (nginx `ssl_trusted_certificate`).
    pub trusted: &'static str,
    /// Names the responder URL (nginx `ssl_stapling_responder`).
    pub responder: &'static str,
}

/// An HTTP Strict-Transport-Security header (RFC 6797) as a server sends it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Hsts {
    /// `max-age` in seconds; `None` when the header has no valid `max-age` directive (a
    /// browser then ignores the whole header, RFC 6797 §6.1).
    pub max_age: Option<u64>,
    /// The `includeSubDomains` directive is given.
    pub include_subdomains: bool,
    /// The `preload` directive is given.
    pub preload: bool,
    /// Sent with every response status (nginx `always`); otherwise only with successful and
    /// redirect responses.
    pub always: bool,
    /// The whole line that adds the header (an nginx `add_header`), for findings about the
    /// line rather than its value.
    #[serde(skip)]
    pub line: Option<Span>,
    /// Parts of the server (nginx `location`s) whose responses carry another header of their
    /// own, or none: each is judged on its own.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub elsewhere: Vec<HstsElsewhere>,
}

/// A part of a server whose responses do not carry the server's HSTS header.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HstsElsewhere {
    /// The part, as written (`location /api`).
    pub block: String,
    /// Its own header, or `None` when its own header lines drop the server's.
    pub header: Option<Hsts>,
    /// Where: the value of its own header, or the first of the header lines that drop it.
    #[serde(skip)]
    pub span: Span,
    /// For a drop: the line of the header that is dropped.
    #[serde(skip)]
    pub dropped: Option<Span>,
    /// The directive that sends (or would send) its header.
    #[serde(skip)]
    pub directive: Arc<str>,
}

/// The effective TLS settings of an endpoint. `None` means "not applicable / unknown".
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct TlsSettings {
    /// Off / optional / required.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<Setting<TlsMode>>,
    /// Enabled protocol versions, oldest first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protocols: Option<Setting<Vec<Protocol>>>,
    /// TLS ≤ 1.2 suites.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ciphers: Option<Setting<Ciphers>>,
    /// TLS 1.3 suites (IANA names).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ciphersuites: Option<Setting<Vec<Named>>>,
    /// Server cipher preference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefer_server_ciphers: Option<Setting<bool>>,
    /// TLS-level compression.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compression: Option<Setting<bool>>,
    /// Session tickets on/off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_tickets: Option<Setting<bool>>,
    /// Ticket key management.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket_keys: Option<Setting<TicketKeys>>,
    /// Session lifetime in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_timeout: Option<Setting<u64>>,
    /// Key-exchange groups / curves.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub curves: Option<Setting<Vec<Named>>>,
    /// DH parameter file (`None` inside: no file, built-in or none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dh_params: Option<Setting<Option<PathBuf>>>,
    /// Certificates (files).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub certificates: Vec<Setting<PathBuf>>,
    /// Peer verification (client side: server certificate; server side: client certs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verify_peer: Option<Setting<bool>>,
    /// TLS 1.3 0-RTT early data accepted (nginx `ssl_early_data`); only where written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub early_data: Option<Setting<bool>>,
    /// The extended master secret extension (RFC 7627); only where the config turns it off
    /// or on explicitly (OpenSSL negotiates it by default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extended_master_secret: Option<Setting<bool>>,
    /// The encrypt-then-MAC extension (RFC 7366); only where the config turns it off or on
    /// explicitly (OpenSSL negotiates it by default since 1.1.0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encrypt_then_mac: Option<Setting<bool>>,
    /// OCSP stapling (server side; `None` where the program has none, as Postfix and
    /// Dovecot, or the dialect is not modelled).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ocsp_stapling: Option<Setting<Arc<Stapling>>>,
    /// The HTTP Strict-Transport-Security header an HTTP server sends (`None` inside: none is
    /// sent). Absent for endpoints that are not HTTP servers, and where the header may come
    /// from elsewhere (an application behind a proxy, a variable).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hsts: Option<Setting<Option<Hsts>>>,
    /// OpenSSL security level: set by the extractor when the config decides it outside
    /// the effective cipher string (a `@SECLEVEL` that stays in force from an overridden
    /// string, a program that sets its own), else filled in by [`crate::negotiate`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_level: Option<Setting<u8>>,
}

/// Lists every setting one source may set (all but the mode and the derived security
/// level) as `(name, slot)`: the one list that [`TlsSettings::each_mut`],
/// [`TlsSettings::present`] and [`TlsSettings::forget`] share, so a new setting is named once.
macro_rules! setting_slots {
    ($tls:expr, $($r:tt)+) => {
        [
            ("protocols", $($r)+ $tls.protocols as $($r)+ dyn Slot),
            ("ciphers", $($r)+ $tls.ciphers as $($r)+ dyn Slot),
            ("ciphersuites", $($r)+ $tls.ciphersuites as $($r)+ dyn Slot),
            ("prefer_server_ciphers", $($r)+ $tls.prefer_server_ciphers as $($r)+ dyn Slot),
            ("compression", $($r)+ $tls.compression as $($r)+ dyn Slot),
            ("session_tickets", $($r)+ $tls.session_tickets as $($r)+ dyn Slot),
            ("ticket_keys", $($r)+ $tls.ticket_keys as $($r)+ dyn Slot),
            ("session_timeout", $($r)+ $tls.session_timeout as $($r)+ dyn Slot),
            ("curves", $($r)+ $tls.curves as $($r)+ dyn Slot),
            ("dh_params", $($r)+ $tls.dh_params as $($r)+ dyn Slot),
            ("verify_peer", $($r)+ $tls.verify_peer as $($r)+ dyn Slot),
            ("early_data", $($r)+ $tls.early_data as $($r)+ dyn Slot),
            ("extended_master_secret", $($r)+ $tls.extended_master_secret as $($r)+ dyn Slot),
            ("encrypt_then_mac", $($r)+ $tls.encrypt_then_mac as $($r)+ dyn Slot),
            ("ocsp_stapling", $($r)+ $tls.ocsp_stapling as $($r)+ dyn Slot),
            ("hsts", $($r)+ $tls.hsts as $($r)+ dyn Slot),
            ("certificates", $($r)+ $tls.certificates as $($r)+ dyn Slot),
        ]
    };
}

/// One setting of [`TlsSettings`], whatever its value type.
pub trait Slot {
    /// True when the setting has a value (or, for certificates, at least one file).
    fn is_present(&self) -> bool;
    /// Drops the value.
    fn clear(&mut self);
    /// Its provenance, when it is a single setting with a value (not the certificate list).
    fn provenance(&mut self) -> Option<&mut dyn Provenance>;
    /// The directive that sets (or would set) it, when it is a single setting with a value.
    fn directive_name(&self) -> Option<&Arc<str>>;
}

impl<T> Slot for Option<Setting<T>> {
    fn is_present(&self) -> bool {
        self.is_some()
    }

    fn clear(&mut self) {
        *self = None;
    }

    fn provenance(&mut self) -> Option<&mut dyn Provenance> {
        self.as_mut().map(|s| s as &mut dyn Provenance)
    }

    fn directive_name(&self) -> Option<&Arc<str>> {
        self.as_ref().and_then(|s| s.directive.as_ref())
    }
}

impl Slot for Vec<Setting<PathBuf>> {
    fn is_present(&self) -> bool {
        !self.is_empty()
    }

    fn clear(&mut self) {
        Vec::clear(self);
    }

    fn provenance(&mut self) -> Option<&mut dyn Provenance> {
        None
    }

    fn directive_name(&self) -> Option<&Arc<str>> {
        None
    }
}

impl TlsSettings {
    /// The single settings one source may set (all but the mode, the derived security
    /// level and the certificate list), by name, each as its provenance; absent ones are
    /// `None`.
    pub fn each_mut(
        &mut self,
    ) -> impl Iterator<Item = (&'static str, Option<&mut dyn Provenance>)> {
        setting_slots!(self, &mut)
            .into_iter()
            .filter(|(name, _)| *name != "certificates")
            .map(|(name, slot)| (name, slot.provenance()))
    }

    /// The names of the settings present, in the model's order.
    pub fn present(&self) -> Vec<&'static str> {
        setting_slots!(self, &)
            .into_iter()
            .filter_map(|(name, slot)| slot.is_present().then_some(name))
            .collect()
    }

    /// The directive that sets (or would set) a setting, by its [`TlsSettings::each_mut`]
    /// name.
    pub fn directive_of(&self, setting: &str) -> Option<&Arc<str>> {
        setting_slots!(self, &)
            .into_iter()
            .find(|(name, _)| *name == setting)
            .and_then(|(_, slot)| slot.directive_name())
    }

    /// Drops a setting by its [`TlsSettings::each_mut`] name (`certificates` empties the
    /// list).
    pub fn forget(&mut self, setting: &str) {
        for (name, slot) in setting_slots!(self, &mut) {
            if name == setting {
                slot.clear();
            }
        }
    }
}

/// One TLS context.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Endpoint {
    /// Where it was read from.
    pub dialect: Dialect,
    /// Application name for [`Dialect::App`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app: Option<String>,
    /// Human name: `server example.com:443`, `main.cf smtpd`, `local 192.0.2.10 / protocol imap`
    /// (shared with every finding about the endpoint).
    pub name: Arc<str>,
    /// Stable setting path used for baselines: `http/server[example.com:443]`.
    pub key: String,
    /// Server or client side.
    pub side: Side,
    /// The block's header (for "affected server" labels).
    #[serde(skip)]
    pub span: Span,
    /// The sockets it answers on, as `addr:port` (`127.0.0.1:443`, `[::]:443`, `*:993`),
    /// when the config says: nginx `listen`, Postfix `master.cf` inet services, Dovecot
    /// `inet_listener`s. Empty when not known or not a listening endpoint.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sockets: Vec<String>,
    /// The names it serves (nginx `server_name`), first as written.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub server_names: Vec<String>,
    /// The TLS settings.
    pub tls: TlsSettings,
    /// What a client can negotiate given the settings, key material and security level
    /// (filled in by [`crate::negotiate::apply`] for OpenSSL-based programs).
    #[serde(skip)]
    pub negotiable: Option<Box<crate::negotiate::Negotiable>>,
    /// The endpoint whose settings OpenSSL uses before the server name is known (an nginx
    /// virtual server's default server on the same socket).
    #[serde(skip)]
    pub handshake_default: Option<usize>,
    /// An SMTP client delivering to MX hosts with opportunistic TLS (RFC 7435): no
    /// certificate to verify against unless DANE or MTA-STS is used.
    #[serde(skip)]
    pub mx_delivery: bool,
    /// Settings an unread source (an include outside the checked root) may set: left out
    /// of [`Endpoint::tls`] and not judged, unless the run asked for defaults to be assumed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unknown: Vec<Unknown>,
    /// Where the program looks for a key-material file (certificate, DH parameters, ticket
    /// key) named by a relative path.
    #[serde(skip)]
    pub relative_paths: PathBase,
}

/// A setting of an endpoint that an unread source may set.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Unknown {
    /// The setting, as [`TlsSettings`] names it (`protocols`, `ciphers`, `certificates`).
    pub setting: &'static str,
    /// The directive that would set it.
    pub directive: Arc<str>,
    /// The unread source (the include directive).
    #[serde(skip)]
    pub source: Span,
}

/// How messages name a setting of [`TlsSettings`] (as [`TlsSettings::present`] names it).
pub fn setting_words(setting: &str) -> &str {
    match setting {
        "ciphers" => "cipher suites",
        "ciphersuites" => "TLS 1.3 suites",
        "prefer_server_ciphers" => "server cipher order",
        "session_tickets" => "session tickets",
        "ticket_keys" => "ticket keys",
        "session_timeout" => "session lifetime",
        "curves" => "key-exchange groups",
        "dh_params" => "DH parameters",
        "verify_peer" => "peer verification",
        "early_data" => "0-RTT early data",
        "extended_master_secret" => "extended master secret",
        "encrypt_then_mac" => "encrypt-then-MAC",
        "ocsp_stapling" => "OCSP stapling",
        "hsts" => "HSTS header",
        other => other,
    }
}

/// What [`TlsSettings::each_mut`] gives for every setting: provenance without the value.
pub trait Provenance {
    /// Where the value comes from.
    fn origin(&self) -> &Origin;
    /// The directive that sets (or would set) it.
    fn directive_name(&self) -> Option<&Arc<str>>;
    /// Sets the note, replacing any earlier one.
    fn note_that(&mut self, note: String);
}

impl<T> Provenance for Setting<T> {
    fn origin(&self) -> &Origin {
        &self.origin
    }

    fn directive_name(&self) -> Option<&Arc<str>> {
        self.directive.as_ref()
    }

    fn note_that(&mut self, note: String) {
        self.set_note(note);
    }
}

/// The directory a program resolves a relative key-material path against.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum PathBase {
    /// The directory of the file that names the path (Dovecot `<file`, applications).
    #[default]
    NamingFile,
    /// One directory for the whole config: nginx's conf prefix (the directory of the main
    /// config), Postfix's `queue_directory` (its daemons run there). `by` is the file that
    /// decides it, so facts about the same written path stay apart per config.
    Dir {
        /// The directory.
        dir: Arc<Path>,
        /// The file that decides it (the nginx entry file, the Postfix `main.cf`).
        by: FileId,
    },
}

impl Endpoint {
    /// Whether the program refuses this endpoint outright (it does not start, or every
    /// handshake fails): then only that refusal is reported, not findings about settings
    /// that never take effect.
    pub fn refused(&self) -> bool {
        self.negotiable
            .as_ref()
            .is_some_and(|n| n.refused.is_some())
    }

    /// Whether an unread source may set one of its settings.
    pub fn has_unknown(&self) -> bool {
        !self.unknown.is_empty()
    }

    /// Whether TLS is off here (Postfix level `none`, Dovecot `ssl = no`): its TLS
    /// parameters never reach a handshake, so checks do not judge them.
    pub fn tls_off(&self) -> bool {
        self.tls
            .mode
            .as_ref()
            .is_some_and(|m| m.value == TlsMode::Off)
    }
}

/// What kind of dialect fact an [`Observation`] records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ObservationKind {
    /// A directive or parameter that is deprecated or removed.
    Deprecated,
    /// A setting the program ignores where it is written.
    Ineffective,
    /// A setting name the program does not know (likely a typo).
    UnknownSetting,
    /// A value the program rejects or silently ignores.
    InvalidValue,
    /// Plaintext is allowed where TLS should be required.
    NotEnforced,
    /// A file outside the checked root was not read.
    OutsideRoot,
}

/// A dialect fact found while extracting, turned into findings by the matching check.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Observation {
    /// What it is.
    pub kind: ObservationKind,
    /// Where.
    #[serde(skip)]
    pub span: Span,
    /// What is wrong, in the program's terms.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// Secondary locations.
    #[serde(skip)]
    pub labels: Vec<Label>,
    /// Index into [`Model::endpoints`] when it concerns one endpoint.
    pub endpoint: Option<usize>,
    /// Baseline key.
    pub key: String,
}

impl Observation {
    /// An observation at a span.
    pub fn new(kind: ObservationKind, span: Span, message: impl Into<String>) -> Self {
        Observation {
            kind,
            span,
            message: message.into(),
            help: None,
            labels: Vec::new(),
            endpoint: None,
            key: String::new(),
        }
    }

    /// Adds help.
    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a secondary label.
    #[must_use]
    pub fn label(mut self, span: Span, text: impl Into<Cow<'static, str>>) -> Self {
        self.labels.push(Label::new(span, text));
        self
    }

    /// Sets the baseline key.
    #[must_use]
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.key = key.into();
        self
    }
}

/// Everything extracted from the checked files.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Model {
    /// TLS contexts.
    pub endpoints: Vec<Endpoint>,
    /// Dialect facts.
    pub observations: Vec<Observation>,
}

impl Model {
    /// Appends another model (observations keep pointing at their endpoints).
    pub fn extend(&mut self, other: Model) {
        if self.endpoints.is_empty() && self.observations.is_empty() {
            // Nothing to shift: take the other model's vectors instead of copying them.
            *self = other;
            return;
        }
        let base = self.endpoints.len();
        self.endpoints
            .extend(other.endpoints.into_iter().map(|mut e| {
                e.handshake_default = e.handshake_default.map(|i| i + base);
                e
            }));
        self.observations
            .extend(other.observations.into_iter().map(|mut o| {
                o.endpoint = o.endpoint.map(|i| i + base);
                o
            }));
    }

    /// The file an endpoint lives in.
    pub fn file_of(e: &Endpoint) -> FileId {
        e.span.file
    }
}

/// A release series `(major, minor)` and the newest patch release of it tlslint knows.
type Series = ((u16, u16), u16);

/// The release series tlslint models per program, each with the newest patch release it
/// knows (what `X.Y` stands for). A target outside these is an error, not a guess.
const SERIES: [(&str, &[Series]); 6] = [
    (
        "nginx",
        &[
            ((1, 18), 0),
            ((1, 20), 2),
            ((1, 22), 1),
            ((1, 24), 0),
            ((1, 25), 5),
            ((1, 26), 3),
            ((1, 27), 5),
            ((1, 28), 0),
            ((1, 29), 2),
        ],
    ),
    (
        "postfix",
        &[
            ((3, 4), 0),
            ((3, 5), 0),
            ((3, 6), 0),
            ((3, 7), 0),
            ((3, 8), 0),
            ((3, 9), 0),
            ((3, 10), 0),
        ],
    ),
    ("dovecot", &[((2, 2), 36), ((2, 3), 21), ((2, 4), 1)]),
    ("apache", &[((2, 4), 65)]),
    (
        "haproxy",
        &[
            ((2, 0), 35),
            ((2, 2), 34),
            ((2, 4), 29),
            ((2, 6), 22),
            ((2, 8), 15),
            ((3, 0), 11),
            ((3, 1), 8),
            ((3, 2), 4),
        ],
    ),
    (
        "openssl",
        &[
            ((1, 0), 2),
            ((1, 1), 1),
            ((3, 0), 0),
            ((3, 1), 0),
            ((3, 2), 0),
            ((3, 3), 0),
            ((3, 4), 0),
            ((3, 5), 0),
        ],
    ),
];

/// A program version, `X.Y` or `X.Y.Z`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version(pub u16, pub u16, pub u16);

impl Version {
    /// Parses `X.Y` or `X.Y.Z`.
    pub fn parse(s: &str) -> Option<Version> {
        let mut it = s.trim().split('.');
        let major = it.next()?.parse().ok()?;
        let minor = it.next()?.parse().ok()?;
        let patch = match it.next() {
            Some(p) => p.parse().ok()?,
            None => 0,
        };
        if it.next().is_some() {
            return None;
        }
        Some(Version(major, minor, patch))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.2 == 0 {
            write!(f, "{}.{}", self.0, self.1)
        } else {
            write!(f, "{}.{}.{}", self.0, self.1, self.2)
        }
    }
}

/// Versions of the programs the configs are written for; they decide built-in defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Targets {
    /// nginx (default 1.26, Debian 13).
    pub nginx: Version,
    /// Postfix (default 3.10, Debian 13).
    pub postfix: Version,
    /// Dovecot (default 2.4).
    pub dovecot: Version,
    /// HAProxy (default 3.0, Debian 13).
    pub haproxy: Version,
    /// Apache httpd (default 2.4.65, Debian 13).
    pub apache: Version,
    /// OpenSSL (default 3.0).
    pub openssl: Version,
    /// The security level OpenSSL was built with (`None`: upstream's default for the
    /// OpenSSL version; Debian 12 and Ubuntu build 3.0 with 2).
    pub seclevel: Option<u8>,
}

impl Default for Targets {
    fn default() -> Self {
        Targets {
            // Each series at the newest patch release tlslint knows (what `X.Y` means).
            nginx: Version(1, 26, 3),
            postfix: Version(3, 10, 0),
            dovecot: Version(2, 4, 1),
            haproxy: Version(3, 0, 11),
            apache: Version(2, 4, 65),
            openssl: Version(3, 0, 0),
            seclevel: None,
        }
    }
}

impl Targets {
    /// The program names `--target` accepts.
    pub const PROGRAMS: [&'static str; 7] = [
        "nginx", "postfix", "dovecot", "apache", "haproxy", "openssl", "seclevel",
    ];

    /// Applies `program=version` (or `seclevel=N`).
    pub fn set(&mut self, spec: &str) -> Result<(), String> {
        let (program, version) = spec
            .split_once('=')
            .ok_or_else(|| format!("expected PROGRAM=VERSION, got `{spec}`"))?;
        if program.trim() == "seclevel" {
            let level = version
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|l| *l <= 5)
                .ok_or_else(|| format!("`{version}` is not a security level (write 0 to 5)"))?;
            self.seclevel = Some(level);
            return Ok(());
        }
        let v = Version::parse(version)
            .ok_or_else(|| format!("`{version}` is not a version (write X.Y or X.Y.Z)"))?;
        let program = program.trim();
        let v = if let Some(series) = SERIES.iter().find(|s| s.0 == program) {
            // OpenSSL 1.0.0 and 1.0.1 were releases of their own, not patches of 1.0.2:
            // only 1.0.2 is modelled in the 1.0 line.
            let old_openssl = program == "openssl"
                && (v.0, v.1) == (1, 0)
                && v.2 < 2
                && version.trim().matches('.').count() == 2;
            let found = series.1.iter().find(|(mm, _)| *mm == (v.0, v.1));
            let Some(&(_, newest)) = found.filter(|_| !old_openssl) else {
                let known: Vec<String> = series
                    .1
                    .iter()
                    .map(|&((a, b), newest)| {
                        if program == "openssl" && (a, b) == (1, 0) {
                            format!("{a}.{b}.{newest}")
                        } else {
                            format!("{a}.{b}")
                        }
                    })
                    .collect();
                return Err(format!(
                    "tlslint does not know {program} {version}; supported: {}",
                    known.join(", ")
                ));
            };
            // `X.Y` means the newest release of the series that tlslint knows (what
            // distributions ship); `X.Y.Z` is taken as written.
            if version.trim().matches('.').count() == 1 {
                Version(v.0, v.1, newest)
            } else {
                v
            }
        } else {
            v
        };
        match program {
            "nginx" => self.nginx = v,
            "postfix" => self.postfix = v,
            "dovecot" => self.dovecot = v,
            "haproxy" => self.haproxy = v,
            "apache" => self.apache = v,
            "openssl" => self.openssl = v,
            other => {
                return Err(format!(
                    "unknown program `{other}` (expected one of: {})",
                    Targets::PROGRAMS.join(", ")
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocols_parse_case_insensitively() {
        assert_eq!(Protocol::parse("tlsv1.2"), Some(Protocol::TLSv1_2));
        assert_eq!(Protocol::parse("TLSv1"), Some(Protocol::TLSv1));
        assert_eq!(Protocol::parse("TLSv1.4"), None);
        assert!(Protocol::SSLv3 < Protocol::TLSv1_3);
    }

    #[test]
    fn cipher_string_maps_ranges_to_spans() {
        let f = FileId(0);
        let mut s = CipherString::default();
        s.push("HIGH:", Some(Span::new(f, 10, 15)));
        s.push("!RC4x", None);
        assert_eq!(s.span_of(0..4), Some(Span::new(f, 10, 14)));
        assert_eq!(s.span_of(5..10), None);
    }

    #[test]
    fn targets_parse() {
        let mut t = Targets::default();
        t.set("nginx=1.24").unwrap();
        assert_eq!(t.nginx, Version(1, 24, 0));
        t.set("apache=2.4").unwrap();
        assert_eq!(t.apache, Version(2, 4, 65));
        assert!(t.set("apache=2.2").is_err());
        assert!(t.set("lighttpd=1.4").is_err());
        assert!(t.set("nginx=x").is_err());
        t.set("openssl=1.0").unwrap();
        assert_eq!(t.openssl, Version(1, 0, 2));
        assert!(t.set("openssl=1.0.1").is_err());
        assert!(t.set("openssl=9.9").is_err());
    }
}
