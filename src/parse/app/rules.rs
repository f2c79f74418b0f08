//! App descriptions: `rules/apps/<app>.toml`, read into [`AppRules`] and validated.
//!
//! A description says how to recognise an application's config file, where its TLS blocks
//! are, how each field maps to the common model, which spellings the application accepts,
//! and what it assumes when a field is absent. The format is documented in
//! `rules/apps/README.md`. Built-in descriptions are embedded with `include_str!`; users add
//! their own from a directory ([`load_dir`]). Every problem in a description (unknown key,
//! bad path, undefined vocabulary) is an error located in the description file.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path as FsPath, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::path::{KeyCase, Path};
use crate::model::{Protocol, Side, Version};

/// Built-in descriptions: (file name, TOML text).
pub const BUILTIN: &[(&str, &str)] = &[
    ("caddy.toml", include_str!("../../../rules/apps/caddy.toml")),
    (
        "elasticsearch.toml",
        include_str!("../../../rules/apps/elasticsearch.toml"),
    ),
    ("envoy.toml", include_str!("../../../rules/apps/envoy.toml")),
    ("etcd.toml", include_str!("../../../rules/apps/etcd.toml")),
    (
        "grafana-dskit.toml",
        include_str!("../../../rules/apps/grafana-dskit.toml"),
    ),
    (
        "ingress-nginx.toml",
        include_str!("../../../rules/apps/ingress-nginx.toml"),
    ),
    (
        "kubernetes.toml",
        include_str!("../../../rules/apps/kubernetes.toml"),
    ),
    (
        "mongodb.toml",
        include_str!("../../../rules/apps/mongodb.toml"),
    ),
    (
        "otel-collector.toml",
        include_str!("../../../rules/apps/otel-collector.toml"),
    ),
    (
        "prometheus-web.toml",
        include_str!("../../../rules/apps/prometheus-web.toml"),
    ),
    (
        "traefik.toml",
        include_str!("../../../rules/apps/traefik.toml"),
    ),
];

/// A problem in a description file, with its position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RulesError {
    /// The description file.
    pub file: String,
    /// 1-based line (0 when unknown).
    pub line: usize,
    /// 1-based column in characters (0 when unknown).
    pub column: usize,
    /// Byte range in the file, when known.
    pub span: Option<Range<usize>>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for RulesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

impl std::error::Error for RulesError {}

/// The model field a description field feeds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// Lowest version (one token).
    MinVersion,
    /// Highest version (one token).
    MaxVersion,
    /// A set of versions (`TLSv1.2 TLSv1.3`).
    Protocols,
    /// TLS ≤ 1.2 suites.
    Ciphers,
    /// TLS 1.3 suites.
    Ciphersuites,
    /// Groups / curves.
    Curves,
    /// Session tickets on/off.
    SessionTickets,
    /// TLS 1.3 0-RTT early data accepted (ingress-nginx `ssl-early-data`).
    EarlyData,
    /// Ticket key management.
    TicketKeys,
    /// Server cipher order.
    PreferServerCiphers,
    /// Client-certificate verification (a bool or a client-auth vocabulary).
    VerifyPeer,
    /// Certificate file(s).
    Certificates,
    /// Whether TLS is on: a boolean (`false` = off, `true` = required) or a vocabulary
    /// mapping to `off`, `optional` (plaintext also accepted) or `required`.
    Mode,
}

/// How a cipher field is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Form {
    /// Suite names, one per item (or split from one string).
    #[default]
    Names,
    /// An OpenSSL cipher string.
    Openssl,
    /// BoringSSL rules: names with `[a|b]` equal-preference groups.
    Boringssl,
    /// Ticket keys: files (`file_key` names the file field of each item).
    Files,
    /// Ticket keys: written inline (static keys).
    Static,
    /// Ticket keys: fetched and rotated from outside (SDS).
    Rotated,
    /// A flag that is true when the key is present at all (Envoy `validation_context`).
    Present,
}

/// The TLS library behind an application, whose semantics apply on top of the fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Library {
    /// Go `crypto/tls` ([`super::golang`]).
    Go,
    /// `BoringSSL` (Envoy): OpenSSL-style suite names, TLS 1.3 suites fixed; its defaults
    /// (lists, 2-day ticket-key rotation) are the description's `[[default]]`s.
    Boringssl,
    /// Java's JSSE (SunJSSE provider, [`super::jsse`]).
    Jsse,
    /// OpenSSL, in the targeted version and security level (`--target openssl=`,
    /// `seclevel=`): the protocols it cannot negotiate whatever the config says.
    Openssl,
}

/// What the application does with a value it does not know.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum OnUnknown {
    /// Refuses to start (or rejects the config).
    #[default]
    Error,
    /// Silently ignores the value and uses its default.
    Ignore,
    /// Refuses to build this TLS block (a Traefik option): whatever uses it fails, the
    /// rest of the configuration loads.
    Refuse,
    /// Drops the whole TLS block and serves the TLS library's defaults instead (Traefik
    /// before 3.0 with a bad option).
    Defaults,
}

/// A behaviour that applies before an application version (`on_unknown_before`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSwitch {
    version: Spanned<String>,
    value: OnUnknown,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    app: String,
    title: String,
    #[serde(default)]
    docs: Option<String>,
    #[serde(default)]
    side: Option<Spanned<String>>,
    #[serde(default)]
    version: Option<Spanned<String>>,
    #[serde(default)]
    key_case: Option<Spanned<String>>,
    #[serde(default)]
    supported: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    on_unknown: OnUnknown,
    #[serde(default)]
    library: Option<Library>,
    #[serde(default)]
    empty_is_unset: bool,
    #[serde(default)]
    dotted_keys: bool,
    detect: RawDetect,
    #[serde(default)]
    locate: Vec<RawLocate>,
    #[serde(default)]
    field: Vec<RawField>,
    #[serde(default)]
    default: Vec<RawDefault>,
    #[serde(default)]
    deprecated: Vec<RawDeprecated>,
    #[serde(default)]
    misplaced: Vec<RawMisplaced>,
    #[serde(default)]
    vocab: BTreeMap<String, RawVocab>,
    #[serde(default)]
    example: Vec<Example>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDetect {
    #[serde(default)]
    files: Vec<String>,
    #[serde(default)]
    keys: Vec<Spanned<String>>,
    #[serde(default)]
    also: Vec<Spanned<String>>,
    #[serde(default)]
    kubernetes: Vec<K8s>,
    #[serde(default)]
    hints: Vec<String>,
    #[serde(default)]
    names: Vec<String>,
}

/// A Kubernetes object filter.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct K8s {
    /// `kind`.
    pub kind: String,
    /// Accepted `apiVersion` globs (any when empty).
    #[serde(default)]
    pub api_version: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLocate {
    #[serde(default)]
    id: Option<String>,
    path: Spanned<String>,
    #[serde(default)]
    kind: Option<K8s>,
    #[serde(default, rename = "where")]
    where_: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    unless: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    unless_every: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    require_any: Vec<Spanned<String>>,
    #[serde(default)]
    require_none: Vec<Spanned<String>>,
    #[serde(default)]
    context: Option<Spanned<String>>,
    #[serde(default)]
    flags: Vec<Spanned<String>>,
    #[serde(default)]
    pairs: Option<[String; 2]>,
    name: Spanned<String>,
    key: Spanned<String>,
    #[serde(default)]
    side: Option<Spanned<String>>,
    #[serde(default)]
    fields: Option<String>,
    #[serde(default)]
    strings_only: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawField {
    target: Target,
    path: Spanned<String>,
    #[serde(default)]
    set: Option<String>,
    #[serde(default)]
    vocab: Option<Spanned<String>>,
    #[serde(default)]
    form: Form,
    #[serde(default)]
    split: Option<String>,
    #[serde(default)]
    invert: bool,
    #[serde(default)]
    on_unknown: Option<OnUnknown>,
    #[serde(default)]
    on_unknown_before: Option<RawSwitch>,
    #[serde(default)]
    strings_only: bool,
    #[serde(default)]
    file_key: Option<String>,
    #[serde(default)]
    interval: Option<Spanned<String>>,
    #[serde(default)]
    deprecated: Option<String>,
    #[serde(default)]
    no_effect: bool,
    #[serde(default)]
    no_effect_names: Vec<String>,
    #[serde(default)]
    side: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDefault {
    target: Spanned<Target>,
    value: Spanned<toml::Value>,
    assumed: String,
    #[serde(default)]
    since: Option<Spanned<String>>,
    #[serde(default)]
    before: Option<Spanned<String>>,
    #[serde(default)]
    side: Option<Spanned<String>>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    locate: Vec<String>,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDeprecated {
    path: Spanned<String>,
    message: String,
    #[serde(default)]
    help: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMisplaced {
    path: Spanned<String>,
    beside: Vec<Spanned<String>>,
    #[serde(default)]
    on: OnUnknown,
    #[serde(default)]
    unless: Vec<Spanned<String>>,
    #[serde(default)]
    self_reference: Vec<Spanned<String>>,
    message: String,
    #[serde(default)]
    help: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVocab {
    #[serde(default)]
    case_insensitive: bool,
    values: BTreeMap<String, String>,
}

/// An example config in a description, run through the reader by the tests.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// File name the example stands for (decides YAML/TOML and name globs).
    pub file: String,
    /// The text.
    pub text: String,
    /// How many endpoints it yields.
    pub endpoints: usize,
    /// How many observations it yields.
    #[serde(default)]
    pub observations: usize,
}

/// A validated description.
#[derive(Clone, Debug)]
pub struct AppRules {
    /// Short name (`traefik`).
    pub app: String,
    /// Display name (`Traefik`).
    pub title: String,
    /// Documentation URL.
    pub docs: Option<String>,
    /// Default side of its endpoints.
    pub side: Side,
    /// Version assumed when none is targeted.
    pub version: Option<Version>,
    /// Key comparison.
    pub key_case: KeyCase,
    /// Protocol versions the application's TLS library can do.
    pub supported: Vec<Protocol>,
    /// Default behaviour on unknown values.
    pub on_unknown: OnUnknown,
    /// The TLS library whose semantics apply (`None`: only the description's fields).
    pub library: Option<Library>,
    /// An empty or null value means the field is not set (Go zero values): the default
    /// applies.
    pub empty_is_unset: bool,
    /// Keys written with dots (`a.b.c: 1`) are the same as nested keys (`a: {b: {c: 1}}`),
    /// as in Elasticsearch's settings files.
    pub dotted_keys: bool,
    /// File-name globs (lower case); any file when empty.
    pub files: Vec<globset::GlobMatcher>,
    /// Key paths whose presence recognises a document.
    pub keys: Vec<Path>,
    /// With `keys`: the document must also contain one of these paths (an application's
    /// own top-level keys next to a block other programs share).
    pub also: Vec<Path>,
    /// Kubernetes objects that are recognised.
    pub kubernetes: Vec<K8s>,
    /// Substrings that recognise a file that cannot be parsed.
    pub hints: Vec<String>,
    /// Exact file names (lower case) recognised whatever keys they hold.
    pub names: Vec<String>,
    /// Where TLS blocks are.
    pub locate: Vec<Locate>,
    /// Field mappings.
    pub fields: Vec<Field>,
    /// Built-in defaults.
    pub defaults: Vec<Default>,
    /// Deprecated / renamed keys.
    pub deprecated: Vec<Deprecated>,
    /// Keys that belong in another kind of file.
    pub misplaced: Vec<Misplaced>,
    /// Value vocabularies.
    pub vocab: BTreeMap<String, Vocab>,
    /// Examples.
    pub examples: Vec<Example>,
}

/// A TLS-block locator.
#[derive(Clone, Debug)]
pub struct Locate {
    /// Identifier (for defaults' `locate` filters).
    pub id: String,
    /// Where the blocks are.
    pub path: Path,
    /// Only in documents of this Kubernetes kind.
    pub kind: Option<K8s>,
    /// Conditions: every path must hold a scalar matching one of the globs.
    pub conditions: Vec<(Path, Vec<globset::GlobMatcher>)>,
    /// Exclusions, read in the block's fields (after `flags`): a path holding a scalar that
    /// matches one of the globs means the block is not served (`secure-port: 0`).
    pub unless: Vec<(Path, Vec<globset::GlobMatcher>)>,
    /// Exclusions: the block is skipped when a path has matches and every one is a scalar
    /// matching one of the globs (every listener on the plain-HTTP port). The number, when
    /// set, is the capture whose node the path starts from (`{1}.listen[*]`).
    pub unless_every: Vec<(Option<usize>, Path, Vec<globset::GlobMatcher>)>,
    /// The block must contain one of these.
    pub require_any: Vec<Path>,
    /// The block must contain none of these.
    pub require_none: Vec<Path>,
    /// Fields are read below this path of the block.
    pub context: Option<Path>,
    /// Sequences of `--key=value` flags that form the block.
    pub flags: Vec<Path>,
    /// When the block is a list of maps: the keys holding each item's name and value
    /// (kubeadm v1beta4 `extraArgs: [{name, value}]`), read as the map name → value.
    pub pairs: Option<[String; 2]>,
    /// Endpoint name template.
    pub name: String,
    /// Endpoint key template.
    pub key: String,
    /// Side of the endpoints.
    pub side: Side,
    /// Field set used.
    pub fields: String,
    /// Every value must be written as a string (Kubernetes ConfigMap `data`).
    pub strings_only: bool,
}

/// A field mapping.
#[derive(Clone, Debug)]
pub struct Field {
    /// The model field.
    pub target: Target,
    /// Where, relative to the block (or the root with `/`).
    pub path: Path,
    /// Field set name.
    pub set: String,
    /// Vocabulary name.
    pub vocab: Option<String>,
    /// How the value is written.
    pub form: Form,
    /// Separator when a list is written as one string.
    pub split: Option<String>,
    /// Boolean inverted (`disableSessionTickets`).
    pub invert: bool,
    /// What the application does with unknown values.
    pub on_unknown: OnUnknown,
    /// What older versions do instead: before this app version, this behaviour.
    pub on_unknown_before: Option<(Version, OnUnknown)>,
    /// The value must be a string (a YAML number or boolean is reported).
    pub strings_only: bool,
    /// For file lists: the key naming the file in each item.
    pub file_key: Option<String>,
    /// For `form = "rotated"`: seconds between rotations when the value does not say.
    pub interval: Option<u64>,
    /// Set when the key is deprecated: the message.
    pub deprecated: Option<String>,
    /// The program reads the key but it changes nothing (Go's `PreferServerCipherSuites`):
    /// only its deprecation is reported, the model keeps no value.
    pub no_effect: bool,
    /// Names the program accepts in this list that change nothing (Traefik's
    /// `TLS_FALLBACK_SCSV`): dropped, not judged.
    pub no_effect_names: Vec<String>,
    /// Only for blocks of this side.
    pub side: Option<Side>,
}

impl Field {
    /// What the application does with an unknown value of this field at `version`.
    pub fn on_unknown_at(&self, version: Option<Version>) -> OnUnknown {
        match self.on_unknown_before {
            Some((v, older)) if version.is_some_and(|have| have < v) => older,
            _ => self.on_unknown,
        }
    }
}

/// A built-in default.
#[derive(Clone, Debug)]
pub struct Default {
    /// The model field.
    pub target: Target,
    /// The value, as strings (one for scalars).
    pub value: Vec<String>,
    /// What is assumed, for labels.
    pub assumed: String,
    /// Applies from this app version on.
    pub since: Option<Version>,
    /// Applies before this app version.
    pub before: Option<Version>,
    /// Only for this side.
    pub side: Option<Side>,
    /// Only for blocks whose first capture is this name.
    pub name: Option<String>,
    /// Only for these locators (any when empty).
    pub locate: Vec<String>,
    /// Note on the setting.
    pub note: Option<String>,
}

/// A deprecated key.
#[derive(Clone, Debug)]
pub struct Deprecated {
    /// Where, from the document root.
    pub path: Path,
    /// Message.
    pub message: String,
    /// Help.
    pub help: Option<String>,
}

/// A key the program does not accept in a file of another kind: Traefik's `tls` section
/// in a static configuration file.
#[derive(Clone, Debug)]
pub struct Misplaced {
    /// The key, from the document root.
    pub path: Path,
    /// Root keys that mark the other kind of file (any one of them).
    pub beside: Vec<String>,
    /// What the program does: `error` refuses to start, `ignore` skips the key.
    pub on: OnUnknown,
    /// Paths whose presence makes the placement uncertain (a directory the program also
    /// loads, which may hold this file): then nothing is said.
    pub unless: Vec<Path>,
    /// Paths naming a file the program also loads as the other kind: when it names this
    /// file (same base name, or a template), the key is in the right place after all.
    pub self_reference: Vec<Path>,
    /// Message; `{beside}` is replaced by the marking key found.
    pub message: String,
    /// Help.
    pub help: Option<String>,
}

/// A vocabulary: accepted token → canonical value.
#[derive(Clone, Debug)]
pub struct Vocab {
    /// Compare case-insensitively.
    pub case_insensitive: bool,
    /// Token → canonical.
    pub values: BTreeMap<String, String>,
}

impl Vocab {
    /// The canonical value of a token.
    pub fn get(&self, token: &str) -> Option<&str> {
        if let Some(v) = self.values.get(token) {
            return Some(v);
        }
        if self.case_insensitive {
            return self
                .values
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(token))
                .map(|(_, v)| v.as_str());
        }
        None
    }

    /// The accepted spellings, for help lines.
    pub fn spellings(&self) -> String {
        self.values
            .keys()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Canonical client-authentication modes a `verify_peer` vocabulary maps to.
pub const CLIENT_AUTH: [&str; 5] = [
    "none",
    "request",
    "require-any",
    "verify-if-given",
    "require-and-verify",
];

/// Canonical TLS modes a `mode` vocabulary maps to (`true`/`false` are `required`/`off`).
pub const TLS_MODES: [&str; 5] = ["off", "optional", "required", "true", "false"];

/// Every built-in description, validated.
pub fn builtin() -> Result<Vec<AppRules>, RulesError> {
    BUILTIN
        .iter()
        .map(|(name, text)| parse(&format!("rules/apps/{name}"), text))
        .collect()
}

/// Loads every `*.toml` description in a directory (sorted by file name). The directory
/// holds at most `crate::own_inputs::MAX_DIR_ENTRIES` entries, and each description must resolve
/// inside it and be a regular file of at most `crate::own_inputs::MAX_FILE_BYTES`.
pub fn load_dir(dir: &FsPath) -> Result<Vec<AppRules>, RulesError> {
    use crate::own_inputs::{MAX_DIR_ENTRIES, MAX_FILE_BYTES, list_dir, read_confined};
    let io = |e: crate::own_inputs::ReadError, p: &FsPath| RulesError {
        file: crate::source::display_name(p),
        line: 0,
        column: 0,
        span: None,
        message: format!("app descriptions: {e}"),
    };
    let files: Vec<PathBuf> = list_dir(dir, MAX_DIR_ENTRIES)
        .map_err(|e| io(e, dir))?
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files
        .iter()
        .map(|p| {
            let text = read_confined(p, dir, MAX_FILE_BYTES).map_err(|e| io(e, p))?;
            parse(&crate::source::display_name(p), &text)
        })
        .collect()
}

fn line_col(text: &str, at: usize) -> (usize, usize) {
    let at = at.min(text.len());
    let before = text.get(..at).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, col)
}

/// Parses and validates one description.
#[expect(
    clippy::too_many_lines,
    reason = "one validation pass over the description, section by section in file order"
)]
pub fn parse(file: &str, text: &str) -> Result<AppRules, RulesError> {
    let err = |message: String, span: Option<Range<usize>>| {
        let (line, column) = span.as_ref().map_or((0, 0), |s| line_col(text, s.start));
        RulesError {
            file: file.to_owned(),
            line,
            column,
            span,
            message,
        }
    };
    let raw: Raw =
        toml::from_str(text).map_err(|e| err(e.message().trim().to_owned(), e.span()))?;
    let path = |s: &Spanned<String>| {
        Path::parse(s.get_ref()).map_err(|m| err(format!("bad path: {m}"), Some(s.span())))
    };
    let side = |s: &Spanned<String>| match s.get_ref().as_str() {
        "server" => Ok(Side::Server),
        "client" => Ok(Side::Client),
        other => Err(err(
            format!("side `{other}` is neither `server` nor `client`"),
            Some(s.span()),
        )),
    };
    let version = |s: &Spanned<String>| {
        Version::parse(s.get_ref()).ok_or_else(|| {
            err(
                format!("`{}` is not a version", s.get_ref()),
                Some(s.span()),
            )
        })
    };
    let glob = |g: &str| {
        globset::Glob::new(g)
            .map(|g| g.compile_matcher())
            .map_err(|e| err(format!("bad glob `{g}`: {e}"), None))
    };
    let mut rules = AppRules {
        app: raw.app.clone(),
        title: raw.title.clone(),
        docs: raw.docs.clone(),
        side: raw
            .side
            .as_ref()
            .map(side)
            .transpose()?
            .unwrap_or(Side::Server),
        version: raw.version.as_ref().map(version).transpose()?,
        key_case: match raw
            .key_case
            .as_ref()
            .map(|k| (k.get_ref().as_str(), k.span()))
        {
            None | Some(("exact", _)) => KeyCase::Exact,
            Some(("snake_or_camel", _)) => KeyCase::SnakeOrCamel,
            Some((other, span)) => {
                return Err(err(
                    format!("key_case `{other}`: expected `exact` or `snake_or_camel`"),
                    Some(span),
                ));
            }
        },
        supported: match &raw.supported {
            None => vec![
                Protocol::TLSv1,
                Protocol::TLSv1_1,
                Protocol::TLSv1_2,
                Protocol::TLSv1_3,
            ],
            Some(list) => list
                .iter()
                .map(|p| {
                    Protocol::parse(p.get_ref()).ok_or_else(|| {
                        err(
                            format!("`{}` is not a protocol", p.get_ref()),
                            Some(p.span()),
                        )
                    })
                })
                .collect::<Result<_, _>>()?,
        },
        on_unknown: raw.on_unknown,
        library: raw.library,
        empty_is_unset: raw.empty_is_unset,
        dotted_keys: raw.dotted_keys,
        files: raw
            .detect
            .files
            .iter()
            .map(|g| glob(&g.to_ascii_lowercase()))
            .collect::<Result<_, _>>()?,
        keys: raw.detect.keys.iter().map(path).collect::<Result<_, _>>()?,
        also: raw.detect.also.iter().map(path).collect::<Result<_, _>>()?,
        kubernetes: raw.detect.kubernetes.clone(),
        hints: raw.detect.hints.clone(),
        names: raw
            .detect
            .names
            .iter()
            .map(|n| n.to_ascii_lowercase())
            .collect(),
        locate: Vec::new(),
        fields: Vec::new(),
        defaults: Vec::new(),
        deprecated: Vec::new(),
        misplaced: Vec::new(),
        vocab: raw
            .vocab
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    Vocab {
                        case_insensitive: v.case_insensitive,
                        values: v.values.clone(),
                    },
                )
            })
            .collect(),
        examples: raw.example.clone(),
    };
    for (i, l) in raw.locate.iter().enumerate() {
        let p = path(&l.path)?;
        for t in [&l.name, &l.key] {
            check_template(t.get_ref(), p.captures()).map_err(|m| err(m, Some(t.span())))?;
        }
        let conds = |map: &BTreeMap<String, Vec<String>>| {
            map.iter()
                .map(|(k, globs)| {
                    let kp = Path::parse(k)
                        .map_err(|m| err(format!("bad path: {m}"), Some(l.path.span())))?;
                    let gs = globs
                        .iter()
                        .map(|g| glob(g))
                        .collect::<Result<Vec<_>, _>>()?;
                    Ok((kp, gs))
                })
                .collect::<Result<Vec<_>, RulesError>>()
        };
        let conditions = conds(&l.where_)?;
        let unless = conds(&l.unless)?;
        let unless_every = l
            .unless_every
            .iter()
            .map(|(k, globs)| {
                let bad = |m: String| err(format!("bad path: {m}"), Some(l.path.span()));
                // `{N}.rest`: the path starts at the node of capture N.
                let (capture, rest) = match k.strip_prefix('{').and_then(|r| r.split_once("}.")) {
                    Some((n, rest)) => {
                        let n: usize = n.parse().map_err(|_| bad(format!("`{k}`")))?;
                        if n == 0 || n > p.captures() {
                            return Err(bad(format!(
                                "`{k}`: the path has {} capture(s), numbered from 1",
                                p.captures()
                            )));
                        }
                        (Some(n), rest)
                    }
                    None => (None, k.as_str()),
                };
                let kp = Path::parse(rest).map_err(bad)?;
                let gs = globs
                    .iter()
                    .map(|g| glob(g))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok((capture, kp, gs))
            })
            .collect::<Result<Vec<_>, RulesError>>()?;
        rules.locate.push(Locate {
            id: l.id.clone().unwrap_or_else(|| i.to_string()),
            path: p,
            kind: l.kind.clone(),
            conditions,
            unless,
            unless_every,
            require_any: l.require_any.iter().map(path).collect::<Result<_, _>>()?,
            require_none: l.require_none.iter().map(path).collect::<Result<_, _>>()?,
            context: l.context.as_ref().map(path).transpose()?,
            flags: l.flags.iter().map(path).collect::<Result<_, _>>()?,
            pairs: l.pairs.clone(),
            name: l.name.get_ref().clone(),
            key: l.key.get_ref().clone(),
            side: l.side.as_ref().map(side).transpose()?.unwrap_or(rules.side),
            fields: l.fields.clone().unwrap_or_else(|| "default".to_owned()),
            strings_only: l.strings_only,
        });
    }
    for f in &raw.field {
        if let Some(v) = &f.vocab {
            let Some(vocab) = rules.vocab.get(v.get_ref()) else {
                return Err(err(
                    format!("no [vocab.{}] in this description", v.get_ref()),
                    Some(v.span()),
                ));
            };
            check_vocab(f.target, vocab).map_err(|m| err(m, Some(v.span())))?;
        }
        rules.fields.push(Field {
            target: f.target,
            path: path(&f.path)?,
            set: f.set.clone().unwrap_or_else(|| "default".to_owned()),
            vocab: f.vocab.as_ref().map(|v| v.get_ref().clone()),
            form: f.form,
            split: f.split.clone(),
            invert: f.invert,
            on_unknown: f.on_unknown.unwrap_or(rules.on_unknown),
            on_unknown_before: f
                .on_unknown_before
                .as_ref()
                .map(|w| version(&w.version).map(|v| (v, w.value)))
                .transpose()?,
            strings_only: f.strings_only,
            file_key: f.file_key.clone(),
            interval: f
                .interval
                .as_ref()
                .map(|i| {
                    super::golang::duration_secs(i.get_ref(), false).ok_or_else(|| {
                        err(
                            format!("`{}` is not a duration (`12h`, `30m`)", i.get_ref()),
                            Some(i.span()),
                        )
                    })
                })
                .transpose()?,
            deprecated: f.deprecated.clone(),
            no_effect: f.no_effect,
            no_effect_names: f.no_effect_names.clone(),
            side: f.side.as_ref().map(side).transpose()?,
        });
    }
    for l in &rules.locate {
        if !rules.fields.iter().any(|f| f.set == l.fields) {
            return Err(err(
                format!(
                    "locator `{}` uses field set `{}`, which has no [[field]]",
                    l.id, l.fields
                ),
                None,
            ));
        }
    }
    for d in &raw.default {
        let value = match d.value.get_ref() {
            toml::Value::String(s) => vec![s.clone()],
            toml::Value::Boolean(b) => vec![b.to_string()],
            toml::Value::Array(a) => a
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| {
                    err(
                        "a list default holds strings only".into(),
                        Some(d.value.span()),
                    )
                })?,
            _ => {
                return Err(err(
                    "a default is a string, a boolean or a list of strings".into(),
                    Some(d.value.span()),
                ));
            }
        };
        check_default(*d.target.get_ref(), &value).map_err(|m| err(m, Some(d.value.span())))?;
        for l in &d.locate {
            if !rules.locate.iter().any(|x| &x.id == l) {
                return Err(err(
                    format!("no locator with id `{l}`"),
                    Some(d.target.span()),
                ));
            }
        }
        rules.defaults.push(Default {
            target: *d.target.get_ref(),
            value,
            assumed: d.assumed.clone(),
            since: d.since.as_ref().map(version).transpose()?,
            before: d.before.as_ref().map(version).transpose()?,
            side: d.side.as_ref().map(side).transpose()?,
            name: d.name.clone(),
            locate: d.locate.clone(),
            note: d.note.clone(),
        });
    }
    for d in &raw.deprecated {
        rules.deprecated.push(Deprecated {
            path: path(&d.path)?,
            message: d.message.clone(),
            help: d.help.clone(),
        });
    }
    for m in &raw.misplaced {
        rules.misplaced.push(Misplaced {
            path: path(&m.path)?,
            beside: m.beside.iter().map(|b| b.get_ref().clone()).collect(),
            on: m.on,
            unless: m.unless.iter().map(path).collect::<Result<_, _>>()?,
            self_reference: m
                .self_reference
                .iter()
                .map(path)
                .collect::<Result<_, _>>()?,
            message: m.message.clone(),
            help: m.help.clone(),
        });
    }
    Ok(rules)
}

/// Checks `{N}`, `{N:path}`, `{/path}` and `{path}` placeholders.
fn check_template(t: &str, captures: usize) -> Result<(), String> {
    for (i, part) in t.split('{').enumerate().skip(1) {
        let Some((inner, _)) = part.split_once('}') else {
            return Err(format!("unclosed `{{` in template `{t}`"));
        };
        let _ = i;
        if inner == "path" {
            continue;
        }
        if let Some(p) = inner.strip_prefix('/') {
            Path::parse(p)?;
            continue;
        }
        let (n, sub) = inner.split_once(':').unwrap_or((inner, ""));
        let n: usize = n.parse().map_err(|_| {
            format!("`{{{inner}}}` in `{t}`: expected {{N}}, {{N:path}}, {{/path}} or {{path}}")
        })?;
        if n == 0 || n > captures {
            return Err(format!(
                "`{{{inner}}}` in `{t}`: the path has {captures} capture(s), numbered from 1"
            ));
        }
        if !sub.is_empty() {
            Path::parse(sub)?;
        }
    }
    Ok(())
}

fn check_vocab(target: Target, vocab: &Vocab) -> Result<(), String> {
    for v in vocab.values.values() {
        let ok = match target {
            Target::MinVersion | Target::MaxVersion => Protocol::parse(v).is_some(),
            // `none`: a token that names no version (MongoDB `disabledProtocols: none`).
            Target::Protocols => v == "none" || Protocol::parse(v).is_some(),
            Target::VerifyPeer => CLIENT_AUTH.contains(&v.as_str()),
            Target::Mode => TLS_MODES.contains(&v.as_str()),
            Target::SessionTickets | Target::PreferServerCiphers | Target::EarlyData => {
                matches!(v.as_str(), "true" | "false")
            }
            _ => true,
        };
        if !ok {
            return Err(format!(
                "vocabulary value `{v}` does not fit the {target:?} field"
            ));
        }
    }
    Ok(())
}

fn check_default(target: Target, value: &[String]) -> Result<(), String> {
    let one = || {
        value
            .first()
            .filter(|_| value.len() == 1)
            .ok_or_else(|| format!("the {target:?} default is one value"))
    };
    match target {
        Target::MinVersion | Target::MaxVersion => {
            let v = one()?;
            Protocol::parse(v).ok_or_else(|| format!("`{v}` is not a protocol"))?;
        }
        Target::Protocols => {
            for v in value {
                Protocol::parse(v).ok_or_else(|| format!("`{v}` is not a protocol"))?;
            }
        }
        Target::SessionTickets
        | Target::PreferServerCiphers
        | Target::VerifyPeer
        | Target::EarlyData => {
            let v = one()?;
            if !matches!(v.as_str(), "true" | "false") {
                return Err(format!("`{v}`: expected true or false"));
            }
        }
        Target::Mode => {
            let v = one()?;
            if !TLS_MODES.contains(&v.as_str()) {
                return Err(format!("`{v}`: expected one of {}", TLS_MODES.join(", ")));
            }
        }
        Target::TicketKeys => {
            let v = one()?;
            if !(v == "until-restart" || v.starts_with("rotated")) {
                return Err(format!(
                    "`{v}`: expected `until-restart` or `rotated[:SECONDS]`"
                ));
            }
        }
        Target::Ciphers | Target::Ciphersuites | Target::Curves | Target::Certificates => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_list_matches_folder() {
        let dir = FsPath::new(env!("CARGO_MANIFEST_DIR")).join("rules/apps");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| {
                FsPath::new(n)
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
            })
            .collect();
        on_disk.sort();
        let listed: Vec<String> = BUILTIN.iter().map(|(n, _)| (*n).to_owned()).collect();
        assert_eq!(listed, on_disk);
    }

    #[test]
    fn every_builtin_description_loads() {
        for (name, text) in BUILTIN {
            parse(name, text).unwrap_or_else(|e| panic!("{e}"));
        }
    }

    #[test]
    fn errors_point_into_the_description() {
        let base = "app = \"x\"\ntitle = \"X\"\n[detect]\nkeys = [\"a\"]\n";
        let e = parse(
            "x.toml",
            &format!("{base}[[locate]]\npath = \"a..b\"\nname = \"n\"\nkey = \"k\"\n"),
        )
        .unwrap_err();
        assert_eq!((e.line, e.column), (6, 8), "{e}");
        assert!(e.message.contains("bad path"), "{e}");
        let e = parse("x.toml", &format!("{base}bogus = 1\n")).unwrap_err();
        assert_eq!(e.line, 5, "{e}");
        assert!(e.message.contains("bogus"), "{e}");
        let e = parse(
            "x.toml",
            &format!("{base}[[locate]]\npath = \"a.*\"\nname = \"{{2}}\"\nkey = \"k\"\n"),
        )
        .unwrap_err();
        assert_eq!(e.line, 7, "{e}");
        let e = parse(
            "x.toml",
            &format!("{base}[[field]]\ntarget = \"min_version\"\npath = \"v\"\nvocab = \"nope\"\n"),
        )
        .unwrap_err();
        assert_eq!(e.line, 8, "{e}");
        let e = parse(
            "x.toml",
            &format!(
                "{base}[[locate]]\npath = \"a.*\"\nname = \"n\"\nkey = \"k\"\nunless_every = {{ \"{{2}}.listen[*]\" = [\"*:80\"] }}\n"
            ),
        )
        .unwrap_err();
        assert!(e.message.contains("capture"), "{e}");
        let e = parse(
            "x.toml",
            &format!(
                "{base}[[field]]\ntarget = \"ticket_keys\"\npath = \"t\"\nform = \"rotated\"\ninterval = \"12 hours\"\n"
            ),
        )
        .unwrap_err();
        assert_eq!(e.line, 9, "{e}");
    }
}
