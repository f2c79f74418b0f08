//! tlslint: lint TLS settings in server configs against a policy.
//!
//! The pipeline: [`discover`] files → [`parse`] them with byte spans into the common
//! [`model`] → run the [`checks`] a [`policy`] enables → [`report`] findings. `main.rs` only
//! parses arguments and turns [`run`]'s result into an exit code.
//!
//! Around the checks sit the project-level layers: a [`config`] file, per-path overrides,
//! include-aware handling of named [`fragment`]s, inline suppressions ([`suppress`], applied
//! inside [`check_paths`] so the fixture harness sees them too) and a [`baseline`].

pub mod baseline;
pub mod canonical;
pub mod checks;
pub mod cipher;
pub mod cli;
pub mod config;
pub mod discover;
pub mod escape;
pub mod fragment;
pub mod material;
pub mod model;
pub mod parse;
pub mod policy;
pub mod report;
pub mod source;
pub mod spelling;
pub mod suppress;

use std::io::{self, IsTerminal, Read, Write};
use std::path::PathBuf;

use checks::{Finding, Severity};
use cli::{CheckArgs, Cli, Command, Level};
use model::{Dialect, Model, Targets};
use source::{Sources, Span};

/// Exit code: no finding at or above the fail level.
pub const EXIT_CLEAN: u8 = 0;
/// Exit code: findings at or above the fail level.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code: usage, I/O, config, policy or parse error.
pub const EXIT_ERROR: u8 = 2;

/// Runs a parsed command line, writing to `out` and `err`; returns the exit code.
pub fn run(cli: &Cli, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    match &cli.command {
        Command::Check(args) => check(args, out, err),
        Command::Show(args) => show(args, out, err),
        Command::Rules => {
            for c in checks::ALL {
                writeln!(
                    out,
                    "{:<24} {:<8} {}",
                    c.name, c.default_severity, c.summary
                )?;
            }
            Ok(EXIT_CLEAN)
        }
        Command::Policies => {
            for (name, _) in policy::BUILTIN {
                let title = policy::load(name).map(|p| p.title).unwrap_or_default();
                let mark = if *name == policy::DEFAULT_POLICY {
                    " (default)"
                } else {
                    ""
                };
                writeln!(out, "{name:<28} {title}{mark}")?;
            }
            Ok(EXIT_CLEAN)
        }
        Command::Init => init(out, err),
        Command::Explain(args) => explain(args, out, err),
        Command::Ciphers(args) => {
            let mut targets = Targets::default();
            for t in &args.targets {
                if let Err(e) = targets.set(t) {
                    writeln!(err, "error: --target {t}: {e}")?;
                    return Ok(EXIT_ERROR);
                }
            }
            let profile = cipher::Profile::for_version(targets.openssl.0, targets.openssl.1);
            report::ciphers::run(args, profile, out, err)
        }
    }
}

fn explain(args: &cli::ExplainArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    let Some(c) = checks::find(&args.name) else {
        writeln!(
            err,
            "error: unknown check `{}`; `tlslint rules` lists them",
            args.name
        )?;
        return Ok(EXIT_ERROR);
    };
    writeln!(out, "# {}\n\n{}\n", c.name, c.summary)?;
    writeln!(out, "Default severity: {}\n", c.default_severity)?;
    if !c.params.is_empty() {
        writeln!(out, "## Parameters")?;
        for p in c.params {
            let req = if p.required { "required" } else { "optional" };
            writeln!(
                out,
                "- `{}` ({}, {req}): {}",
                p.name,
                p.kind.describe(),
                p.doc
            )?;
        }
        writeln!(out)?;
    }
    if let Some(spec) = &args.policy {
        let p = match policy::load(spec) {
            Ok(p) => p,
            Err(e) => {
                writeln!(
                    err,
                    "error: {}: {}",
                    escape::file_name(&e.file),
                    escape::escape(&e.message)
                )?;
                return Ok(EXIT_ERROR);
            }
        };
        writeln!(out, "## In policy `{}` ({})", p.name, p.title)?;
        let entries: Vec<_> = p
            .entries
            .iter()
            .filter(|e| e.check.name == c.name)
            .collect();
        if entries.is_empty() {
            writeln!(out, "Not applied by this policy.")?;
        }
        for e in entries {
            writeln!(out, "- severity: {}", e.severity)?;
            for (k, v) in &e.params.0 {
                let v = serde_json::to_string(v).unwrap_or_default();
                writeln!(out, "- `{k}` = {v}")?;
            }
            if let Some(source) = &e.source {
                writeln!(out, "- source: {source}")?;
            }
        }
        writeln!(out)?;
    }
    writeln!(out, "{}", c.explain)?;
    Ok(EXIT_CLEAN)
}

/// What a `check` or `show` run read and found.
pub struct Outcome {
    /// Every file read.
    pub sources: Sources,
    /// Endpoints and observations.
    pub model: Model,
    /// Parse, I/O and policy errors, as findings (any of them means exit 2).
    pub errors: Vec<Finding>,
    /// Check findings.
    pub findings: Vec<Finding>,
}

fn check(args: &CheckArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    if args.print_config {
        return match load_config(args) {
            Ok(c) => {
                out.write_all(c.render().as_bytes())?;
                Ok(EXIT_CLEAN)
            }
            Err(e) => {
                let mut sources = Sources::new();
                let f = load_error(&e, &mut sources);
                let summary = report::Summary::count(sources.len(), 0, std::slice::from_ref(&f));
                report::emit(
                    report::Format::Human { color: false },
                    &[f],
                    &summary,
                    &sources,
                    err,
                )?;
                Ok(EXIT_ERROR)
            }
        };
    }
    let (run, fail) = match lint(args, err)? {
        Ok(run) => run,
        Err(code) => return Ok(code),
    };
    let mut findings = run.findings;
    if let Some(path) = &args.write_baseline {
        let b = baseline::Baseline::from_findings(&findings, &run.sources, path);
        if let Err(e) = std::fs::write(path, b.to_json()) {
            writeln!(err, "error: cannot write baseline {}: {e}", shown(path))?;
            return Ok(EXIT_ERROR);
        }
        writeln!(
            err,
            "wrote {} finding{} ({} key{}) to {}",
            findings.len(),
            if findings.len() == 1 { "" } else { "s" },
            b.entries.len(),
            if b.entries.len() == 1 { "" } else { "s" },
            shown(path)
        )?;
        findings.clear();
    } else if let Some(path) = &args.baseline {
        let b = match baseline::Baseline::read(path) {
            Ok(b) => b,
            Err(e) => {
                writeln!(err, "error: {}", escape::escape(&e))?;
                return Ok(EXIT_ERROR);
            }
        };
        let (new, stale) = b.filter(findings, &run.sources, path);
        findings = new;
        if !stale.is_empty() {
            let n: usize = stale.iter().map(|e| e.count).sum();
            writeln!(
                err,
                "note: {n} baselined finding{} no longer occur{}; rerun with --write-baseline {} to prune",
                if n == 1 { "" } else { "s" },
                if n == 1 { "s" } else { "" },
                shown(path)
            )?;
        }
    }
    let failed = !args.exit_zero && findings.iter().any(|f| f.severity >= fail);
    let had_errors = !run.errors.is_empty();
    // The sort below puts input errors first, so appending them keeps the (big) findings
    // vector where it is instead of copying it behind the errors.
    let mut all = findings;
    all.extend(run.errors);
    // Problems with the input come first: they explain the exit code, and findings after
    // them may rest on a partial parse.
    let order = |f: &checks::Finding| {
        let input_error = f.check == checks::PARSE_ERROR || f.check == checks::CONFIG_ERROR;
        (!input_error, f.span.file, f.span.start, f.check)
    };
    if !all.is_sorted_by_key(order) {
        all.sort_by_key(order);
    }
    let summary = report::Summary::count(run.sources.len(), run.model.endpoints.len(), &all);
    match &args.output {
        Some(path) => {
            let mut buf = Vec::new();
            report::emit(format(args), &all, &summary, &run.sources, &mut buf)?;
            if let Err(e) = std::fs::write(path, buf) {
                writeln!(err, "error: cannot write {}: {e}", shown(path))?;
                return Ok(EXIT_ERROR);
            }
        }
        None => report::emit(format(args), &all, &summary, &run.sources, out)?,
    }
    // Freeing millions of small allocations one by one takes a while: do it off the
    // critical path (when the process exits first, the OS reclaims everything at once).
    let _ = std::thread::Builder::new().spawn(move || drop((all, run.sources, run.model)));
    Ok(if had_errors {
        EXIT_ERROR
    } else if failed {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}

/// A path as messages on stderr quote it: escaped, as everything from an input is.
fn shown(path: &std::path::Path) -> String {
    escape::file_name(&path.display().to_string()).into_owned()
}

/// `tlslint init`: writes the starter config, never over an existing one.
fn init(out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    for name in config::NAMES {
        if std::path::Path::new(name).exists() {
            writeln!(err, "error: {name} already exists; not overwriting it")?;
            return Ok(EXIT_ERROR);
        }
    }
    let path = ".tlslint.toml";
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .and_then(|mut f| f.write_all(config::STARTER.as_bytes()))
    {
        Ok(()) => {
            writeln!(out, "wrote {path}")?;
            Ok(EXIT_CLEAN)
        }
        Err(e) => {
            writeln!(err, "error: cannot write {path}: {e}")?;
            Ok(EXIT_ERROR)
        }
    }
}

/// The config for a run: `--no-config`, `--config FILE`, or the closest one found walking
/// up from the first path (the current directory when none is given).
fn load_config(args: &CheckArgs) -> Result<config::Config, config::LoadError> {
    if args.no_config {
        return Ok(config::Config::default());
    }
    if let Some(p) = &args.config {
        return config::load(p);
    }
    let start = args
        .paths
        .iter()
        .find(|p| p.as_os_str() != "-")
        .cloned()
        .unwrap_or_else(|| PathBuf::from("."));
    match config::discover(&start) {
        Some(p) => config::load(&p),
        None => Ok(config::Config::default()),
    }
}

/// A policy or config load error as a `config-error` finding over the file's text.
fn load_error(e: &policy::LoadError, sources: &mut Sources) -> Finding {
    let file = sources.add(PathBuf::from(&e.file), e.file.clone(), e.text.clone());
    let span = e
        .span
        .clone()
        .map_or(Span::new(file, 0, 0), |r| Span::new(file, r.start, r.end));
    let mut f = Finding::at(span, e.message.clone()).label("here");
    f.check = checks::CONFIG_ERROR;
    f.help = e.help.clone().map(checks::Text::from);
    f
}

fn show(args: &CheckArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    let run = match lint(args, err)? {
        Ok((run, _)) => run,
        Err(code) => return Ok(code),
    };
    let (targets, _) = targets(args, &load_config(args).unwrap_or_default()).unwrap_or_default();
    let profile = cipher::Profile::for_version(targets.openssl.0, targets.openssl.1);
    report::json::emit_model(&run.model, &run.sources, profile, out)?;
    if run.errors.is_empty() {
        Ok(EXIT_CLEAN)
    } else {
        let summary = report::Summary::count(run.sources.len(), 0, &run.errors);
        report::emit(
            report::Format::Human { color: false },
            &run.errors,
            &summary,
            &run.sources,
            err,
        )?;
        Ok(EXIT_ERROR)
    }
}

fn format(args: &CheckArgs) -> report::Format {
    match args.format {
        cli::Format::Human => report::Format::Human {
            color: use_color(args.color),
        },
        cli::Format::Concise => report::Format::Concise,
        cli::Format::Json => report::Format::Json,
        cli::Format::Sarif => report::Format::Sarif,
        cli::Format::Github => report::Format::Github,
        cli::Format::Junit => report::Format::Junit,
        cli::Format::Checkstyle => report::Format::Checkstyle,
    }
}

/// `--color`, then `NO_COLOR`, then `FORCE_COLOR`/`CLICOLOR_FORCE`, then whether stdout is a
/// terminal.
fn use_color(choice: cli::Color) -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
    match choice {
        cli::Color::Always => true,
        cli::Color::Never => false,
        cli::Color::Auto => {
            if set("NO_COLOR") {
                false
            } else if set("FORCE_COLOR") || set("CLICOLOR_FORCE") {
                true
            } else {
                io::stdout().is_terminal()
            }
        }
    }
}

/// Validates `--dialect`, `--select` and `--ignore`; `Err` after printing an error.
fn check_names_and_dialect(
    args: &CheckArgs,
    err: &mut dyn Write,
) -> io::Result<Result<Option<Dialect>, ()>> {
    let forced = match args.dialect.as_deref() {
        None => None,
        Some("nginx") => Some(Dialect::Nginx),
        Some("postfix") => Some(Dialect::Postfix),
        Some("dovecot") => Some(Dialect::Dovecot),
        Some("app") => Some(Dialect::App),
        Some(other) => {
            writeln!(
                err,
                "error: unknown dialect `{other}` (expected nginx, postfix, dovecot or app)"
            )?;
            return Ok(Err(()));
        }
    };
    for name in args.select.iter().chain(&args.ignore) {
        if checks::find(name).is_none() {
            writeln!(
                err,
                "error: unknown check `{name}`; `tlslint rules` lists them"
            )?;
            return Ok(Err(()));
        }
    }
    Ok(Ok(forced))
}

/// Target versions: the config's `[targets]`, then `--target` flags (which win).
/// Program and application versions from the config, then the command line (which wins).
fn targets(
    args: &CheckArgs,
    cfg: &config::Config,
) -> Result<(Targets, std::collections::BTreeMap<String, model::Version>), String> {
    let mut t = Targets::default();
    let mut apps = std::collections::BTreeMap::new();
    let specs = cfg
        .targets
        .iter()
        .map(|s| (s, "config [targets]"))
        .chain(args.targets.iter().map(|s| (s, "--target")));
    for (spec, from) in specs {
        let program = spec.split_once('=').map_or("", |(p, _)| p.trim());
        if !Targets::PROGRAMS.contains(&program)
            && parse::app::builtin().iter().any(|a| a.app == program)
        {
            let v = spec
                .split_once('=')
                .and_then(|(_, v)| model::Version::parse(v))
                .ok_or_else(|| format!("{from} {spec}: write {program}=X.Y or X.Y.Z"))?;
            apps.insert(program.to_owned(), v);
            continue;
        }
        t.set(spec).map_err(|e| format!("{from} {spec}: {e}"))?;
    }
    Ok((t, apps))
}

/// The policy to load: the flag, else the config's (relative to the config's directory),
/// else the default.
fn policy_spec(args: &CheckArgs, cfg: &config::Config) -> String {
    match (&args.policy, &cfg.policy) {
        (None, Some(p)) if policy::builtin(p).is_none() => {
            cfg.dir.join(p).to_string_lossy().into_owned()
        }
        (Some(p), _) | (None, Some(p)) => p.clone(),
        (None, None) => policy::DEFAULT_POLICY.to_owned(),
    }
}

/// Reads, parses and checks; `Err(code)` when the run cannot start (bad arguments). Also
/// returns the fail level (flag, else config, else warning).
fn lint(args: &CheckArgs, err: &mut dyn Write) -> io::Result<Result<(Outcome, Severity), u8>> {
    let mut sources = Sources::new();
    let cfg = match load_config(args) {
        Ok(c) => c,
        Err(e) => {
            let f = load_error(&e, &mut sources);
            let outcome = Outcome {
                sources,
                model: Model::default(),
                errors: vec![f],
                findings: Vec::new(),
            };
            return Ok(Ok((outcome, Severity::Warning)));
        }
    };
    let fail = match args.fail_level {
        Some(Level::Note) => Severity::Note,
        Some(Level::Warning) => Severity::Warning,
        Some(Level::Error) => Severity::Error,
        None => cfg.fail_level.unwrap_or(Severity::Warning),
    };
    let (targets, app_versions) = match targets(args, &cfg) {
        Ok(t) => t,
        Err(e) => {
            writeln!(err, "error: {}", escape::escape(&e))?;
            return Ok(Err(EXIT_ERROR));
        }
    };
    let Ok(forced) = check_names_and_dialect(args, err)? else {
        return Ok(Err(EXIT_ERROR));
    };
    let mut errors = Vec::new();
    let policy = match policy::load(&policy_spec(args, &cfg)) {
        Ok(p) => Some(p),
        Err(e) => {
            errors.push(load_error(&e, &mut sources));
            None
        }
    };
    let options = parse::Options {
        targets,
        allow_outside_root: args.allow_outside_root,
        app_rules: cfg
            .app_rules
            .iter()
            .chain(&args.app_rules)
            .cloned()
            .collect(),
        app_versions,
        root: None,
    };
    let mut stdin_text = None;
    if args.paths.iter().any(|p| p.as_os_str() == "-") {
        let mut text = String::new();
        io::stdin().read_to_string(&mut text)?;
        stdin_text = Some(text);
    }
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    // `--select` replaces the config's list; ignores add up (ignoring is never surprising).
    let select = if args.select.is_empty() {
        &cfg.select
    } else {
        &args.select
    };
    let enabled = |name: &str| {
        let selected = select.is_empty() || select.iter().any(|s| s == name);
        let ignored = args.ignore.iter().chain(&cfg.ignore).any(|s| s == name);
        if !selected || ignored {
            return None;
        }
        match cfg.checks.get(name) {
            Some(None) => None,
            Some(Some(sev)) => Some(Some(*sev)),
            None => Some(None),
        }
    };
    let input = Input {
        paths: &paths,
        dialect: forced,
        stdin: stdin_text.map(|t| (args.stdin_filename.clone(), t)),
    };
    let extras = Extras {
        suppress: suppress::Settings {
            require_reason: cfg.require_reason.unwrap_or(true),
            today: suppress::Date::today(),
        },
        fragments: true,
        skip_unknown: args.ignore_unknown_files,
        config: Some(&cfg),
    };
    let mut run = check_paths_with(input, policy.as_ref(), &options, &enabled, sources, &extras);
    errors.append(&mut run.errors);
    run.errors = errors;
    Ok(Ok((run, fail)))
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

/// Run-wide behaviour beyond the policy.
#[derive(Default)]
pub struct Extras<'a> {
    /// How inline suppressions are judged.
    pub suppress: suppress::Settings,
    /// Replace named include fragments by the entry files that include them, and report
    /// only findings in the named files ([`fragment`]).
    pub fragments: bool,
    /// Skip named files whose program cannot be recognised instead of reporting them.
    pub skip_unknown: bool,
    /// Per-path overrides.
    pub config: Option<&'a config::Config>,
}

/// Reads, parses and checks paths with a policy (none: parse only), then applies inline
/// suppressions.
pub fn check_paths(
    input: Input<'_>,
    policy: Option<&policy::Policy>,
    options: &parse::Options,
    enabled: &dyn Fn(&str) -> Option<Option<Severity>>,
    sources: Sources,
) -> Outcome {
    check_paths_with(input, policy, options, enabled, sources, &Extras::default())
}

/// [`check_paths`] with explicit [`Extras`].
pub fn check_paths_with(
    input: Input<'_>,
    policy: Option<&policy::Policy>,
    options: &parse::Options,
    enabled: &dyn Fn(&str) -> Option<Option<Severity>>,
    mut sources: Sources,
    extras: &Extras<'_>,
) -> Outcome {
    let first_new = sources.len();
    let mut errors = Vec::new();
    let mut model = Model::default();
    let mut paths = input.paths.to_vec();
    if extras.skip_unknown && input.dialect.is_none() {
        paths.retain(|p| {
            !p.is_file()
                || std::fs::read_to_string(p).map_or(true, |t| parse::detect(p, &t).is_some())
                || fragment::is_entry_name(p)
        });
        if paths.is_empty() {
            return Outcome {
                sources,
                model,
                errors,
                findings: Vec::new(),
            };
        }
    }
    let focus = if extras.fragments {
        let plan = fragment::plan(&paths, input.dialect, options);
        paths = plan.paths;
        plan.focus
    } else {
        None
    };
    // Parsers stop reading at the checked root (includes, `<file` values).
    let mut confined = options.clone();
    if !options.allow_outside_root && confined.root.is_none() {
        confined.root = common_root(&paths);
    }
    let options = &confined;
    let found = discover::discover(&paths, input.dialect, input.stdin, &mut sources);
    errors.extend(found.errors.into_iter().map(parse_error));
    for p in discover::parse_all(&found.entries, &mut sources, options) {
        model.extend(p.model);
        errors.extend(p.errors.into_iter().map(parse_error));
    }
    let mut findings = match policy {
        Some(policy) => {
            let root = if options.allow_outside_root {
                None
            } else {
                options.root.clone()
            };
            let facts = material::gather(&mut model, &sources, root.as_deref());
            let cache = cipher::Cache::new();
            checks::run(&model, policy, &options.targets, &facts, &cache, enabled)
        }
        None => Vec::new(),
    };
    if let Some(focus) = &focus {
        findings.retain(|f| focus.keeps(f, &sources, &model));
    }
    if let Some(cfg) = extras.config {
        findings = apply_overrides(findings, cfg, &sources);
    }
    if let Some(policy) = policy {
        let files: Vec<source::FileId> = sources
            .iter()
            .skip(first_new)
            .map(|(id, _)| id)
            .filter(|&id| focus.as_ref().is_none_or(|fo| fo.contains(&sources, id)))
            .collect();
        let entry_severity = |name: &str| {
            let entry = policy.entries.iter().find(|e| e.check.name == name)?;
            enabled(name).map(|o| o.unwrap_or(entry.severity))
        };
        let ran = |name: &str| entry_severity(name).is_some();
        findings = suppress::apply(
            findings,
            &sources,
            &files,
            extras.suppress,
            &ran,
            &entry_severity,
        );
        if let Some(cfg) = extras.config {
            findings = apply_overrides(findings, cfg, &sources);
        }
    }
    checks::sort(&mut findings);
    Outcome {
        sources,
        model,
        errors,
        findings,
    }
}

/// The directory all checked paths are inside: reading stops at its edge.
fn common_root(paths: &[PathBuf]) -> Option<PathBuf> {
    let mut root: Option<PathBuf> = None;
    for p in paths.iter().filter(|p| p.as_os_str() != "-") {
        let canon = p.canonicalize().ok()?;
        let dir = if canon.is_dir() {
            canon
        } else {
            canon.parent()?.to_path_buf()
        };
        root = Some(match root {
            None => dir,
            Some(r) => r
                .ancestors()
                .find(|a| dir.starts_with(a))
                .map(std::path::Path::to_path_buf)?,
        });
    }
    root.or_else(|| std::env::current_dir().ok())
}

/// Applies the config's `[[overrides]]` to each finding's file.
fn apply_overrides(
    findings: Vec<Finding>,
    cfg: &config::Config,
    sources: &Sources,
) -> Vec<Finding> {
    findings
        .into_iter()
        .filter_map(
            |mut f| match cfg.override_for(f.check, &sources.get(f.span.file).path) {
                None => Some(f),
                Some(None) => None,
                Some(Some(sev)) => {
                    f.severity = sev;
                    Some(f)
                }
            },
        )
        .collect()
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
