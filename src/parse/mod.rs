//! Dialect detection and the parsers that turn config files into the [`Model`].
//!
//! Each dialect module reads its entry file (and whatever it includes) into [`Sources`],
//! parses with byte spans, and extracts endpoints and observations. Problems that make a
//! file unreadable or unparseable are [`ParseError`]s: they are reported with a position and
//! make the run exit 2, never a silent "clean".

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::gateway::{Gateway, Refusal};

use crate::model::{Dialect, Label, Model, Targets, Version};
use crate::source::{FileId, Sources, Span};

pub mod apache;
pub mod app;
pub mod dovecot;
pub mod haproxy;
pub mod nginx;
pub mod postfix;
pub(crate) mod unknown;

/// A problem that stops a file from being judged: unreadable, or not valid syntax.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// Where (a zero-length span at the start of a file for I/O problems).
    pub span: Span,
    /// What is wrong, in the program's own words where it has them.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// Secondary locations (the include that led here, the opening brace).
    pub labels: Vec<Label>,
}

impl ParseError {
    /// An error at a span.
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        ParseError {
            span,
            message: message.into(),
            help: None,
            labels: Vec::new(),
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
}

/// What parsing one entry file produced.
#[derive(Debug, Default)]
pub struct Parsed {
    /// Endpoints and observations.
    pub model: Model,
    /// Problems; any of them makes the run exit 2.
    pub errors: Vec<ParseError>,
    /// Every file read (the entry and its includes), so discovery does not lint an included
    /// fragment a second time on its own.
    pub files: Vec<FileId>,
    /// Included files that do not parse in the dialect (perhaps no config at all: `include
    /// .env;`): outputs name them and their positions but never show their text.
    pub opaque: Vec<FileId>,
}

/// Options shared by all parsers.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Target program versions.
    pub targets: Targets,
    /// Read includes and key material outside the checked root.
    pub allow_outside_root: bool,
    /// Judge settings an unread include may set as the program's defaults (instead of
    /// leaving them unknown and unjudged).
    pub strict_unknown: bool,
    /// Absolute deploy paths read from directories of the tree instead (`--map`).
    pub maps: Vec<(PathBuf, PathBuf)>,
    /// The checked root, when the caller knows it; [`check_paths`](crate::check_paths)
    /// computes it from the paths otherwise and confines [`Options::gateway`] to it.
    pub root: Option<PathBuf>,
    /// Application descriptions loaded from `app_rules` (once per run, by
    /// [`Options::load_app_rules`]), used after the built-in ones by detection and parsing.
    pub extra_apps: Arc<Vec<app::rules::AppRules>>,
    /// Every file access of the parsers goes through it. The default is unconfined (for
    /// parsing a file directly); runs confine it to the checked root.
    pub gateway: Arc<Gateway>,
    /// Directories of extra app descriptions (`--app-rules DIR`), read after the built-in ones.
    pub app_rules: Vec<PathBuf>,
    /// Target versions of applications (`traefik` → 2.8), for version-dependent defaults;
    /// an app not listed gets the version its description assumes.
    pub app_versions: BTreeMap<String, Version>,
    /// Paths a directory walk leaves out (the default excludes nothing).
    pub exclude: Arc<crate::exclude::Excludes>,
    /// HAProxy's `-f` arguments loaded together (`[haproxy] load`): a file among them is
    /// parsed with all of them; empty: each HAProxy file is read alone.
    pub haproxy_load: Vec<PathBuf>,
}

impl Options {
    /// Every application description of the run: the built-in ones, then the user's.
    pub fn apps(&self) -> impl Iterator<Item = &app::rules::AppRules> {
        app::builtin().iter().chain(self.extra_apps.iter())
    }

    /// Loads the descriptions in `app_rules` into `extra_apps` (once, before any file is
    /// read); each directory that fails gives one message.
    pub fn load_app_rules(&mut self) -> Vec<String> {
        let mut loaded = Vec::new();
        let mut errors = Vec::new();
        for dir in &self.app_rules {
            match app::rules::load_dir(dir) {
                Ok(mut r) => loaded.append(&mut r),
                Err(e) => errors.push(format!("app description: {e}")),
            }
        }
        self.extra_apps = Arc::new(loaded);
        errors
    }
}

/// Guesses a file's dialect from its name and text with the built-in app descriptions;
/// `None` when it is not a config we read.
pub fn detect(path: &Path, text: &str) -> Option<Dialect> {
    detect_with(path, text, &Options::default())
}

/// [`detect`] with the run's application descriptions (built-in and `--app-rules`).
pub fn detect_with(path: &Path, text: &str, options: &Options) -> Option<Dialect> {
    let name = path.file_name()?.to_string_lossy();
    // Dovecot by name first: Dovecot 2.4 sections such as `dict_server {` look like nginx.
    if name == "dovecot.conf" {
        return Some(Dialect::Dovecot);
    }
    // Postfix: `main.cf` by name, or `*main.cf` (`dms-main.cf`) that reads like one; a
    // `master.cf` is read with its main.cf, never on its own.
    if name == "main.cf" || (postfix::is_main_name(&name) && postfix::looks_like(text)) {
        return Some(Dialect::Postfix);
    }
    if name.ends_with("master.cf") {
        return None;
    }
    // HAProxy by name, or a `*.cfg` (or `haproxy*` file) that reads like one (before nginx:
    // it has neither `{` blocks nor `;`).
    let cfg = Path::new(name.as_ref())
        .extension()
        .is_some_and(|e| e == "cfg");
    if name == "haproxy.cfg" || ((cfg || name.starts_with("haproxy")) && haproxy::looks_like(text))
    {
        return Some(Dialect::Haproxy);
    }
    // httpd by name, or by text before nginx's snippet test: an httpd site file has no
    // `;`-terminated lines, but its `<VirtualHost>` must not be taken for anything else.
    if name == "apache2.conf" || name == "httpd.conf" {
        return Some(Dialect::Apache);
    }
    if name != "nginx.conf" && apache::looks_like(text) {
        return Some(Dialect::Apache);
    }
    if name == "nginx.conf" || nginx::looks_like(text) || nginx::looks_like_snippet(text) {
        return Some(Dialect::Nginx);
    }
    if dovecot::looks_like(text) {
        return Some(Dialect::Dovecot);
    }
    if app::is_candidate_name(path) && !app::recognise_in(path, text, options.apps()).is_empty() {
        return Some(Dialect::App);
    }
    None
}

/// Parses one entry file of a known dialect.
pub fn parse(dialect: Dialect, path: &Path, sources: &mut Sources, options: &Options) -> Parsed {
    match dialect {
        Dialect::Nginx => nginx::parse(path, sources, options),
        Dialect::Dovecot => dovecot::parse(path, sources, options),
        Dialect::App => app::parse(path, sources, options),
        Dialect::Postfix => postfix::parse(path, sources, options),
        Dialect::Haproxy => haproxy::parse(path, sources, options),
        Dialect::Apache => apache::parse(path, sources, options),
    }
}

/// The note for a file that was not read because it is outside the checked root.
pub fn outside_note(span: Span, path: &Path, what: &str) -> crate::model::Observation {
    crate::model::Observation::new(
        crate::model::ObservationKind::OutsideRoot,
        span,
        format!(
            "{} is outside the checked root and was not read; {what} could not be seen",
            crate::source::display_name(path)
        ),
    )
    .help("pass --allow-outside-root to read files outside the checked tree")
}

/// The options an entry is parsed with: as given, except that an unconfined default gateway
/// (without `allow_outside_root`, as when a parser is called directly) is confined to the
/// entry's checked root ([`crate::gateway::checked_root`]), as a run would be.
pub(crate) fn confined_for<'o>(options: &'o Options, entry: &Path) -> Cow<'o, Options> {
    if options.gateway.root().is_some() || options.allow_outside_root {
        return Cow::Borrowed(options);
    }
    let root = crate::gateway::checked_root(&[entry.to_path_buf()]);
    Cow::Owned(Options {
        gateway: Arc::new(
            Gateway::new(Some(root), options.gateway.limits()).with_maps(&options.maps),
        ),
        ..options.clone()
    })
}

/// Reads a config file into `sources` through the options' gateway, or returns an error
/// located at the file itself (its name and why; never its contents).
pub fn load(path: &Path, sources: &mut Sources, options: &Options) -> Result<FileId, ParseError> {
    if let Some(id) = sources.find(path) {
        return Ok(id);
    }
    sources.load(path, &options.gateway).map_err(|r| {
        let file = sources.placeholder(path);
        ParseError::new(Span::new(file, 0, 0), refused_message(path, &r))
    })
}

/// "cannot read x: why", for a file the gateway refused.
pub fn refused_message(path: &Path, r: &Refusal) -> String {
    format!("cannot read {}: {r}", crate::source::display_name(path))
}

/// The note for a file that was not read because it leads outside the checked root or into
/// a place tlslint never reads (`/proc`, ...); `what` names the settings not seen.
pub fn refused_note(span: Span, path: &Path, r: &Refusal, what: &str) -> crate::model::Observation {
    match r {
        Refusal::Outside { .. } => outside_note(span, path, what),
        other => crate::model::Observation::new(
            crate::model::ObservationKind::OutsideRoot,
            span,
            format!(
                "{} was not read ({other}); {what} could not be seen",
                crate::source::display_name(path)
            ),
        ),
    }
}

/// True for refusals that mean "not visible here" (a note) rather than "broken" (an
/// error): outside the root, or into `/proc`, `/sys`, `/dev`.
pub fn is_unseen(r: &Refusal) -> bool {
    matches!(r, Refusal::Outside { .. } | Refusal::Special { .. })
}
