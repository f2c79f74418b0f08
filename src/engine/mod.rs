//! The engine: one run from paths to findings — discover files, parse them into the model
//! through the [`Gateway`](crate::gateway::Gateway), gather key-material facts, apply the
//! policy's checks ([`apply`]), narrow to named fragments, apply per-path overrides and
//! inline suppressions, merge the findings of one cause ([`group`]), and sort once. Commands and tests call [`check_paths`].

pub mod apply;
pub mod group;

use std::path::PathBuf;
use std::sync::Arc;

pub use apply::run;

use crate::diagnostic::{Finding, Severity};
use crate::model::{Dialect, Model};
use crate::source::{self, Sources};
use crate::{
    checks, cipher, discover, escape, fragment, gateway, material, parse, policy, suppress,
};

/// What a `check` or `show` run read and found.
#[derive(Default)]
pub struct Outcome {
    /// Every file read.
    pub sources: Sources,
    /// Endpoints and observations.
    pub model: Model,
    /// Parse, I/O and policy errors, as findings (any of them means exit 2).
    pub errors: Vec<Finding>,
    /// Check findings.
    pub findings: Vec<Finding>,
    /// Walked files skipped as no config (key material, binary), with why.
    pub skipped: Vec<(PathBuf, gateway::Refusal)>,
    /// Files and directories left out by an exclude pattern, with why.
    pub excluded: Vec<(PathBuf, String)>,
    /// Files parsed, each with its dialect (and whether it was included).
    pub files: Vec<(source::FileId, String)>,
    /// Entry files recognised (0: nothing to check was found).
    pub entries: usize,
    /// The main file each file was read for, by file index (`None`: read on its own):
    /// where a default's cause is ([`group`]).
    pub main_files: Vec<Option<source::FileId>>,
}

/// What to read.
pub struct Input<'a> {
    /// Files and directories (`-` for stdin).
    pub paths: &'a [PathBuf],
    /// Forced dialect.
    pub dialect: Option<Dialect>,
    /// Stdin's name and text, when `-` is among the paths.
    pub stdin: Option<(Option<String>, String)>,
}

/// Whether a check runs in a run, and at which severity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Enabled {
    /// It does not run (not selected, ignored, or `off`).
    Off,
    /// It runs at the severity its policy entry gives.
    PolicySeverity,
    /// It runs at this severity (`[checks]` in the config).
    At(Severity),
}

impl Enabled {
    /// The severity it runs at, given its policy entry's; `None` when it does not run.
    pub fn severity(self, policy: Severity) -> Option<Severity> {
        match self {
            Enabled::Off => None,
            Enabled::PolicySeverity => Some(policy),
            Enabled::At(s) => Some(s),
        }
    }
}

/// The final severity of a check's finding in a file (`None`: not reported there).
pub type SeverityFor<'a> = &'a dyn Fn(&str, &std::path::Path) -> Option<Severity>;

/// Run-wide behaviour beyond the policy.
#[derive(Default)]
pub struct Extras<'a> {
    /// How inline suppressions are judged.
    pub suppress: suppress::Settings,
    /// Replace named include fragments by the entry files that include them, and report
    /// only findings in the named files (the fragment plan).
    pub fragments: bool,
    /// Skip named files whose program cannot be recognised instead of reporting them.
    pub skip_unknown: bool,
    /// The final severity of a check's finding in a file, every layer applied (the
    /// run's `Settings::severity_for`); `None`
    /// keeps the policy's severities.
    pub severity_for: Option<SeverityFor<'a>>,
}

/// Reads, parses and checks paths with the run's resolved `Settings`.
pub(crate) fn check_with_settings(
    input: Input<'_>,
    settings: &crate::settings::Settings,
    sources: Sources,
    fragments: bool,
    skip_unknown: bool,
) -> Outcome {
    let severity_for = |check: &str, path: &std::path::Path| settings.severity_for(check, path);
    let extras = Extras {
        suppress: settings.suppress,
        fragments,
        skip_unknown,
        severity_for: Some(&severity_for),
    };
    check_paths_with(
        input,
        settings.policy.as_ref(),
        &settings.options,
        &|name| settings.enabled(name),
        sources,
        &extras,
    )
}

/// Reads, parses and checks paths with a policy (none: parse only), then applies inline
/// suppressions.
pub fn check_paths(
    input: Input<'_>,
    policy: Option<&policy::Policy>,
    options: &parse::Options,
    enabled: &dyn Fn(&str) -> Enabled,
    sources: Sources,
) -> Outcome {
    check_paths_with(input, policy, options, enabled, sources, &Extras::default())
}

/// [`check_paths`] with explicit [`Extras`].
pub fn check_paths_with(
    input: Input<'_>,
    policy: Option<&policy::Policy>,
    options: &parse::Options,
    enabled: &dyn Fn(&str) -> Enabled,
    mut sources: Sources,
    extras: &Extras<'_>,
) -> Outcome {
    let first_new = sources.len();
    let mut errors = Vec::new();
    let mut model = Model::default();
    let mut paths = input.paths.to_vec();
    // One gateway per run, confined to the checked root (computed from the paths as given)
    // unless reading outside it is allowed; every reader below goes through it.
    let confined = run_options(options, &paths);
    let options = &confined;
    let gateway = Arc::clone(&options.gateway);
    // Fragments first: a named fragment that an entry includes is judged through it, even
    // when the fragment alone is no recognisable config (pre-commit's
    // `--ignore-unknown-files` must not drop an edited include).
    let focus = if extras.fragments {
        let plan = fragment::plan(&paths, input.dialect, options);
        paths = plan.paths;
        plan.focus
    } else {
        None
    };
    if extras.skip_unknown && input.dialect.is_none() {
        paths.retain(|p| recognised_or_entry(p, options));
        if paths.is_empty() {
            return Outcome {
                sources,
                model,
                errors,
                findings: Vec::new(),
                skipped: Vec::new(),
                excluded: Vec::new(),
                files: Vec::new(),
                entries: 0,
                main_files: Vec::new(),
            };
        }
    }
    let found = discover::discover(&paths, input.dialect, input.stdin, &mut sources, options);
    errors.extend(found.errors.into_iter().map(parse_error));
    model.observations.extend(found.notes);
    let mut opaque = Vec::new();
    let mut files = Vec::new();
    // The main file each file was read for (the first, should two configs include one),
    // by file index.
    let mut main_files: Vec<Option<source::FileId>> = Vec::new();
    for (c, p) in discover::parse_all(&found.entries, &mut sources, options) {
        if let Some(&entry) = p.files.first() {
            for &id in &p.files {
                let i = id.0 as usize;
                if main_files.len() <= i {
                    main_files.resize(i + 1, None);
                }
                main_files[i].get_or_insert(entry);
            }
        }
        for (i, &id) in p.files.iter().enumerate() {
            let role = if i == 0 {
                c.dialect.as_str().to_owned()
            } else {
                format!("{} (included)", c.dialect.as_str())
            };
            files.push((id, role));
        }
        model.extend(p.model);
        errors.extend(p.errors.into_iter().map(parse_error));
        opaque.extend(p.opaque);
    }
    withdraw(&opaque, &mut sources, &mut model, &mut errors);
    let facts = material::gather(&mut model, &sources, &gateway);
    crate::negotiate::apply(&mut model, &facts, &options.targets);
    let mut findings = match policy {
        Some(policy) => {
            let cache = cipher::Cache::new();
            run(&model, policy, &options.targets, &facts, &cache, enabled)
        }
        None => Vec::new(),
    };
    if let Some(focus) = &focus {
        findings.retain(|f| focus.keeps(f, &sources, &model, &gateway));
    }
    if let Some(policy) = policy {
        let files: Vec<source::FileId> = sources
            .iter()
            .skip(first_new)
            .map(|(id, _)| id)
            .filter(|&id| {
                focus
                    .as_ref()
                    .is_none_or(|fo| fo.contains(&sources, id, &gateway))
            })
            .collect();
        findings = suppression_pass(findings, &sources, &files, policy, enabled, extras);
    }
    let findings = finish(findings, &sources, &model, &main_files, extras);
    Outcome {
        sources,
        model,
        errors,
        findings,
        skipped: found.skipped,
        excluded: found.excluded,
        files,
        entries: found.entries.len(),
        main_files,
    }
}

/// The last steps over a run's findings: per-path severities, findings in withdrawn files
/// dropped, one finding per cause ([`group`]), and the one sort. `main_files` maps a file to
/// the main file it was read for.
fn finish(
    mut findings: Vec<Finding>,
    sources: &Sources,
    model: &Model,
    main_files: &[Option<source::FileId>],
    extras: &Extras<'_>,
) -> Vec<Finding> {
    // The final severity, decided once for every finding (checks' and the suppression
    // pass's): per-path overrides are the last layer.
    if let Some(severity_for) = extras.severity_for {
        findings.retain_mut(
            |f| match severity_for(f.check, &sources.get(f.span.file).path) {
                Some(severity) => {
                    f.severity = severity;
                    true
                }
                None => false,
            },
        );
    }
    // Findings inside a withdrawn file could quote it; its parse errors say enough.
    findings.retain(|f| !sources.get(f.span.file).redacted);
    // One finding per cause, once suppressions have taken out what they hide.
    findings = group::group(findings, model, sources, main_files);
    place_fixes(&mut findings, sources);
    // The one sort of the run's findings; findings without an endpoint that share a cause
    // may come twice.
    checks::sort(&mut findings);
    findings.dedup_by(|a, b| a.check == b.check && a.span == b.span && a.message == b.message);
    findings
}

/// Places every fix in its file and renders the help line from it; a fix that cannot be
/// placed (a block header spread over lines) is dropped, and the check's help (or the fix's
/// title) stays.
fn place_fixes(findings: &mut [Finding], sources: &Sources) {
    for f in findings.iter_mut() {
        let Some(fix) = f.fix.as_deref_mut() else {
            continue;
        };
        if crate::fix::resolve(fix, sources)
            && let Some(help) = crate::fix::help(fix, sources)
        {
            f.help = Some(help.into());
            continue;
        }
        // The check's own help stays where it gave one (a fix placed nowhere says less).
        if f.help.is_none() {
            f.help = Some(fix.title.clone().into());
        }
        f.fix = None;
    }
}

/// Applies inline suppressions in `files` and adds the suppression checks' findings,
/// stamped like every other check's.
fn suppression_pass(
    findings: Vec<Finding>,
    sources: &Sources,
    files: &[source::FileId],
    policy: &policy::Policy,
    enabled: &dyn Fn(&str) -> Enabled,
    extras: &Extras<'_>,
) -> Vec<Finding> {
    let entry_severity = |name: &str| {
        let entry = policy.entries.iter().find(|e| e.check.name == name)?;
        enabled(name).severity(entry.severity)
    };
    let policy_name: Arc<str> = policy.name.as_str().into();
    let stamp = |f: &mut Finding| match entry_severity(f.check) {
        Some(severity) => {
            f.severity = severity;
            f.policy = Arc::clone(&policy_name);
            true
        }
        None => false,
    };
    let ran = |name: &str| entry_severity(name).is_some();
    suppress::apply(findings, sources, files, extras.suppress, &ran, &stamp)
}

/// The options of one run: a gateway confined to the checked root of `paths` (or to the
/// root the caller gave), unconfined with `allow_outside_root`.
fn run_options(options: &parse::Options, paths: &[PathBuf]) -> parse::Options {
    let root = if options.allow_outside_root {
        None
    } else {
        Some(
            options
                .root
                .clone()
                .unwrap_or_else(|| gateway::checked_root(paths)),
        )
    };
    parse::Options {
        gateway: Arc::new(
            gateway::Gateway::new(root, options.gateway.limits()).with_maps(&options.maps),
        ),
        ..options.clone()
    }
}

/// For `--ignore-unknown-files`: keep a named path unless it is a readable file of no
/// recognised program (entry names are kept: a `master.cf` is read with its `main.cf`).
fn recognised_or_entry(p: &std::path::Path, options: &parse::Options) -> bool {
    let gateway = &options.gateway;
    !gateway.is_file(p)
        || gateway.read_config(p).map_or(true, |r| {
            parse::detect_with(p, &String::from_utf8_lossy(&r.bytes), options).is_some()
        })
        || fragment::is_entry_name(p)
}

/// Withdraws the text of included files that do not parse (`include .env;`): outputs keep
/// their names and positions only. Their endpoints are dropped (nothing of them may reach
/// `show` or a baseline key), and their parse errors lose quoted text and help.
fn withdraw(
    opaque: &[source::FileId],
    sources: &mut Sources,
    model: &mut Model,
    errors: &mut [Finding],
) {
    if opaque.is_empty() {
        return;
    }
    for &id in opaque {
        sources.redact(id);
    }
    // Indices into the endpoint list shift: map old to new (dropped ones to none).
    let mut next = 0;
    let new_index: Vec<Option<usize>> = model
        .endpoints
        .iter()
        .map(|e| {
            (!opaque.contains(&e.span.file)).then(|| {
                next += 1;
                next - 1
            })
        })
        .collect();
    model.endpoints.retain(|e| !opaque.contains(&e.span.file));
    for e in &mut model.endpoints {
        e.handshake_default = e.handshake_default.and_then(|i| new_index[i]);
    }
    model
        .observations
        .retain(|o| !opaque.contains(&o.span.file));
    for o in &mut model.observations {
        o.endpoint = o.endpoint.and_then(|i| new_index[i]);
    }
    for e in errors.iter_mut().filter(|e| opaque.contains(&e.span.file)) {
        e.message = format!(
            "{}; this included file does not parse, so its text is not shown",
            escape::unquoted(&e.message)
        );
        e.help = None;
        e.labels.retain(|l| !opaque.contains(&l.span.file));
    }
}

/// A parse error as a finding that makes the run exit 2.
fn parse_error(e: parse::ParseError) -> Finding {
    let mut f = Finding::at(e.span, e.message).label("here");
    f.check = checks::PARSE_ERROR;
    f.severity = Severity::Error;
    f.help = e.help.map(checks::Text::from);
    f.labels = e.labels;
    f
}
