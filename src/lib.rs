//! tlslint: lint TLS settings in server configs against a policy.
//!
//! The pipeline: [`discover`] files → [`parse`] them with byte spans into the common
//! [`model`] → run the [`checks`] a [`policy`] enables → [`report`] findings. `main.rs` only
//! parses arguments and turns [`run`]'s result into an exit code.

pub mod checks;
pub mod cipher;
pub mod cli;
pub mod discover;
pub mod model;
pub mod parse;
pub mod policy;
pub mod report;
pub mod source;

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
        Command::Explain(args) => match checks::find(&args.name) {
            Some(c) => {
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
                writeln!(out, "{}", c.explain)?;
                Ok(EXIT_CLEAN)
            }
            None => {
                writeln!(
                    err,
                    "error: unknown check `{}`; `tlslint rules` lists them",
                    args.name
                )?;
                Ok(EXIT_ERROR)
            }
        },
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
    let run = match lint(args, err)? {
        Ok(run) => run,
        Err(code) => return Ok(code),
    };
    let mut all = run.errors.clone();
    all.extend(run.findings.iter().cloned());
    all.sort_by_key(|f| (f.span.file, f.span.start, f.check));
    let summary = report::Summary::count(run.sources.len(), run.model.endpoints.len(), &all);
    report::emit(format(args), &all, &summary, &run.sources, out)?;
    let fail = match args.fail_level {
        Level::Note => Severity::Note,
        Level::Warning => Severity::Warning,
        Level::Error => Severity::Error,
    };
    Ok(if !run.errors.is_empty() {
        EXIT_ERROR
    } else if run.findings.iter().any(|f| f.severity >= fail) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}

fn show(args: &CheckArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    let run = match lint(args, err)? {
        Ok(run) => run,
        Err(code) => return Ok(code),
    };
    let targets = targets(args).unwrap_or_default();
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

fn targets(args: &CheckArgs) -> Result<Targets, String> {
    let mut t = Targets::default();
    for spec in &args.targets {
        t.set(spec).map_err(|e| format!("--target {spec}: {e}"))?;
    }
    Ok(t)
}

/// Reads, parses and checks; `Err(code)` when the run cannot start (bad arguments).
fn lint(args: &CheckArgs, err: &mut dyn Write) -> io::Result<Result<Outcome, u8>> {
    let targets = match targets(args) {
        Ok(t) => t,
        Err(e) => {
            writeln!(err, "error: {e}")?;
            return Ok(Err(EXIT_ERROR));
        }
    };
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
            return Ok(Err(EXIT_ERROR));
        }
    };
    for name in args.select.iter().chain(&args.ignore) {
        if checks::find(name).is_none() {
            writeln!(
                err,
                "error: unknown check `{name}`; `tlslint rules` lists them"
            )?;
            return Ok(Err(EXIT_ERROR));
        }
    }
    let mut sources = Sources::new();
    let mut errors = Vec::new();
    let spec = args.policy.as_deref().unwrap_or(policy::DEFAULT_POLICY);
    let policy = match policy::load(spec) {
        Ok(p) => Some(p),
        Err(e) => {
            let file = sources.add(PathBuf::from(&e.file), e.file.clone(), e.text.clone());
            let span = e
                .span
                .clone()
                .map_or(Span::new(file, 0, 0), |r| Span::new(file, r.start, r.end));
            let mut f = Finding::at(span, e.message.clone()).label("here");
            f.check = checks::CONFIG_ERROR;
            f.help.clone_from(&e.help);
            errors.push(f);
            None
        }
    };
    let options = parse::Options {
        targets,
        ..parse::Options::default()
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
    let enabled = |name: &str| {
        let selected = args.select.is_empty() || args.select.iter().any(|s| s == name);
        let ignored = args.ignore.iter().any(|s| s == name);
        (selected && !ignored).then_some(None)
    };
    let input = Input {
        paths: &paths,
        dialect: forced,
        stdin: stdin_text.map(|t| (args.stdin_filename.clone(), t)),
    };
    let mut run = check_paths(input, policy.as_ref(), &options, &enabled, sources);
    errors.append(&mut run.errors);
    run.errors = errors;
    Ok(Ok(run))
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

/// Reads, parses and checks paths with a policy (none: parse only).
pub fn check_paths(
    input: Input<'_>,
    policy: Option<&policy::Policy>,
    options: &parse::Options,
    enabled: &dyn Fn(&str) -> Option<Option<Severity>>,
    mut sources: Sources,
) -> Outcome {
    let mut errors = Vec::new();
    let mut model = Model::default();
    let found = discover::discover(input.paths, input.dialect, input.stdin, &mut sources);
    errors.extend(found.errors.into_iter().map(parse_error));
    for p in discover::parse_all(&found.entries, &mut sources, options) {
        model.extend(p.model);
        errors.extend(p.errors.into_iter().map(parse_error));
    }
    let findings = match policy {
        Some(policy) => {
            let cache = cipher::Cache::new();
            checks::run(&model, policy, &options.targets, &cache, enabled)
        }
        None => Vec::new(),
    };
    Outcome {
        sources,
        model,
        errors,
        findings,
    }
}

/// A parse error as a finding that makes the run exit 2.
fn parse_error(e: parse::ParseError) -> Finding {
    let mut f = Finding::at(e.span, e.message).label("here");
    f.check = checks::PARSE_ERROR;
    f.severity = Severity::Error;
    f.help = e.help;
    f.labels = e.labels;
    f
}
