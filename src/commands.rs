//! The command line's commands: `check`, `show`, `rules`, `policies`, `explain`, `init` and
//! `ciphers`. This is the only module that sees the clap types ([`crate::cli`]): it turns
//! arguments and the config file into the engine's inputs, runs the engine, and prints.

use std::io::{self, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::sync::Arc;

use crate::cli::{self, CheckArgs, Cli, Command, Level};
use crate::diagnostic::{Finding, Severity};
use crate::engine::{Input, Outcome};
use crate::model::{self, Dialect, Targets};
use crate::settings::{self, Settings};
use crate::source::{FileId, Sources, Span};
use crate::{
    EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, baseline, checks, cipher, config, engine, escape,
    gateway, parse, policy, report, write,
};

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
            let request = report::ciphers::Request {
                string: args.string.clone(),
                verbose: args.verbose,
                seclevel: args.seclevel,
                json: args.format == cli::CiphersFormat::Json,
            };
            report::ciphers::run(&request, profile, out, err)
        }
    }
}

fn explain(args: &cli::ExplainArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    let Some(c) = checks::find(&args.name) else {
        writeln!(
            err,
            "error: unknown check `{}`; {}",
            crate::escape::short(&args.name),
            checks::unknown_help(&args.name)
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
        let several = entries.len() > 1;
        for (i, e) in entries.iter().enumerate() {
            // A check applied by several rules of the source: one block per rule.
            if several {
                writeln!(out, "### Rule {} of {}", i + 1, entries.len())?;
            }
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

fn check(args: &CheckArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    if args.print_config {
        return print_config(args, out, err);
    }
    let (run, settings, mut info) = match lint(args, err)? {
        Ok(run) => run,
        Err(code) => return Ok(code),
    };
    let fail = settings.fail_level;
    if args.show_files {
        return show_files(&run, out);
    }
    if args.diff {
        return diff(args, run, &mut info, out, err);
    }
    let (run, mut info) = if args.fix {
        match fix(args, run, info, err)? {
            Ok(again) => again,
            Err(code) => return Ok(code),
        }
    } else {
        (run, info)
    };
    if run.entries == 0 && run.errors.is_empty() && !args.quiet && !all_named_excluded(args, &run) {
        writeln!(
            err,
            "warning: no config file found in {}; hidden directories, .gitignore'd files and \
             files tlslint does not recognise are skipped (name a file, or pass --dialect; \
             --show-files lists what is read)",
            if args.input.paths.is_empty() {
                ".".to_owned()
            } else {
                args.input
                    .paths
                    .iter()
                    .map(|p| shown(p))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        )?;
    }
    let read = (&run.sources, &run.model, &run.main_files[..]);
    let findings = match apply_baseline(args, run.findings, read, &mut info, err)? {
        Ok(f) => f,
        Err(code) => return Ok(code),
    };
    let failed = !args.exit_zero && findings.iter().any(|f| f.severity >= fail);
    let had_errors = !run.errors.is_empty();
    // Problems with the input come first: they explain the exit code, and findings after
    // them may rest on a partial parse. The findings are sorted already (by the engine);
    // the few input errors are sorted here and rotated to the front, so the (big)
    // findings vector is neither sorted again nor copied.
    let mut errors = run.errors;
    errors.sort_by_key(|f| (f.span.file, f.span.start, f.check));
    let first = errors.len();
    let mut all = findings;
    all.extend(errors);
    all.rotate_right(first);
    let summary = report::Summary::count(run.sources.read_count(), run.model.endpoints.len(), &all);
    // The machine formats carry the same facts as fields; stdout stays theirs alone.
    if !args.quiet && !matches!(args.format, cli::Format::Json | cli::Format::Sarif) {
        writeln!(err, "{}", info.line())?;
    }
    let hint = (matches!(args.format, cli::Format::Human) && !args.quiet && !args.statistics)
        .then(|| targets_hint(args, &settings, &run.model, &all))
        .flatten()
        .map(|h| report::human::fill(&h, output_width(args.output.is_none()), "      "));
    let emit = |out: &mut dyn Write| -> io::Result<()> {
        if args.statistics {
            let rows = report::statistics::count(&all);
            return match args.format {
                cli::Format::Json => report::statistics::emit_json(&rows, out),
                _ => report::statistics::emit_text(&rows, out),
            };
        }
        report::emit(format(args), &all, &summary, &run.sources, &info, out)?;
        if let Some(h) = &hint {
            writeln!(out, "{h}")?;
        }
        Ok(())
    };
    match &args.output {
        Some(path) => {
            let mut buf = Vec::new();
            emit(&mut buf)?;
            if let Err(e) = write::write_atomically(path, &buf) {
                writeln!(err, "error: cannot write {}: {e}", shown(path))?;
                return Ok(EXIT_ERROR);
            }
        }
        None => emit(out)?,
    }
    // Freeing millions of small allocations one by one takes a while: do it off the
    // critical path (when the process exits first, the OS reclaims everything at once).
    crate::parallel::drop_later((all, run.sources, run.model));
    Ok(if had_errors {
        EXIT_ERROR
    } else if failed {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}

/// How many times `--fix` applies fixes and checks again: an edit overlapping another is
/// taken on the next pass; a fix that keeps finding something to change stops here.
const FIX_PASSES: usize = 4;

/// `--diff`: the fixes as a unified diff on stdout, nothing else; exit 1 when there is one.
fn diff(
    args: &CheckArgs,
    run: Outcome,
    info: &mut report::RunInfo,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<u8> {
    if let Some(code) = no_fix_for_stdin(args, err)? {
        return Ok(code);
    }
    let findings = match apply_baseline(
        args,
        run.findings,
        (&run.sources, &run.model, &run.main_files),
        info,
        err,
    )? {
        Ok(f) => f,
        Err(code) => return Ok(code),
    };
    let fixable = fixable(&findings, &run.errors);
    let root = gateway::checked_root(&args.input.paths);
    let plan = crate::rewrite::plan(&fixable, &run.sources, &root, args.unsafe_fixes);
    crate::rewrite::diff(&plan, out)?;
    if !args.quiet {
        fix_summary(&plan, "would fix", err)?;
    }
    Ok(if !run.errors.is_empty() {
        EXIT_ERROR
    } else if plan.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    })
}

/// `--fix`: applies the fixes, checks again (up to [`FIX_PASSES`] times) and returns the
/// last run, whose findings are what remains.
fn fix(
    args: &CheckArgs,
    mut run: Outcome,
    mut info: report::RunInfo,
    err: &mut dyn Write,
) -> io::Result<Result<(Outcome, report::RunInfo), u8>> {
    if let Some(code) = no_fix_for_stdin(args, err)? {
        return Ok(Err(code));
    }
    let root = gateway::checked_root(&args.input.paths);
    let mut fixed = 0;
    let mut files = std::collections::BTreeSet::new();
    for _ in 0..FIX_PASSES {
        // The baseline hides what it records from the fixes too (quietly: the final run
        // reports it).
        let findings = match apply_baseline(
            args,
            run.findings.clone(),
            (&run.sources, &run.model, &run.main_files),
            &mut report::RunInfo::default(),
            &mut io::sink(),
        )? {
            Ok(f) => f,
            Err(code) => return Ok(Err(code)),
        };
        let plan = crate::rewrite::plan(
            &fixable(&findings, &run.errors),
            &run.sources,
            &root,
            args.unsafe_fixes,
        );
        for r in &plan.refused {
            writeln!(err, "warning: {r}")?;
        }
        if plan.is_empty() {
            break;
        }
        let failed = crate::rewrite::write(&plan);
        for e in &failed {
            writeln!(err, "error: cannot write {e}")?;
        }
        if !failed.is_empty() {
            return Ok(Err(EXIT_ERROR));
        }
        fixed += plan.fixed;
        files.extend(plan.changed_names());
        (run, _, info) = match lint(args, &mut io::sink())? {
            Ok(again) => again,
            Err(code) => return Ok(Err(code)),
        };
    }
    let findings = run
        .findings
        .iter()
        .filter(|f| {
            f.fix
                .as_ref()
                .is_some_and(|x| x.applicability == crate::fix::Applicability::Unsafe)
        })
        .count();
    if args.quiet {
        return Ok(Ok((run, info)));
    }
    writeln!(
        err,
        "fixed {fixed} finding{} in {} file{}{}",
        if fixed == 1 { "" } else { "s" },
        files.len(),
        if files.len() == 1 { "" } else { "s" },
        if findings > 0 && !args.unsafe_fixes {
            format!("; {findings} more with --unsafe-fixes (they may lock out old clients)")
        } else {
            String::new()
        }
    )?;
    Ok(Ok((run, info)))
}

/// The findings whose fixes may be applied: none in a file with an input error (its parse
/// may be partial).
fn fixable(findings: &[Finding], errors: &[Finding]) -> Vec<Finding> {
    let broken: std::collections::HashSet<_> = errors.iter().map(|e| e.span.file).collect();
    findings
        .iter()
        .filter(|f| f.fix.is_some() && !broken.contains(&f.span.file))
        .cloned()
        .collect()
}

/// `--fix` and `--diff` rewrite files; stdin has none.
fn no_fix_for_stdin(args: &CheckArgs, err: &mut dyn Write) -> io::Result<Option<u8>> {
    if args.input.paths.iter().any(|p| p.as_os_str() == "-") {
        writeln!(
            err,
            "error: --fix and --diff need files; stdin (`-`) cannot be rewritten"
        )?;
        return Ok(Some(EXIT_ERROR));
    }
    Ok(None)
}

/// The closing line of `--diff`: how many fixes, and how many more are unsafe.
fn fix_summary(plan: &crate::rewrite::Plan, verb: &str, err: &mut dyn Write) -> io::Result<()> {
    for r in &plan.refused {
        writeln!(err, "warning: {r}")?;
    }
    writeln!(
        err,
        "{verb} {} finding{} in {} file{}{}",
        plan.fixed,
        if plan.fixed == 1 { "" } else { "s" },
        plan.files(),
        if plan.files() == 1 { "" } else { "s" },
        if plan.unsafe_left > 0 {
            format!(
                "; {} more with --unsafe-fixes (they may lock out old clients)",
                plan.unsafe_left
            )
        } else {
            String::new()
        }
    )
}

/// True when `--force-exclude` left out every path named on the command line: nothing was
/// meant to be checked, so "no config file found" would be noise (pre-commit passes an
/// excluded file like any other).
fn all_named_excluded(args: &CheckArgs, run: &Outcome) -> bool {
    if !args.input.force_exclude || args.input.paths.is_empty() {
        return false;
    }
    let excluded: std::collections::HashSet<&PathBuf> =
        run.excluded.iter().map(|(p, _)| p).collect();
    args.input.paths.iter().all(|p| excluded.contains(p))
}

/// The human output's closing hint when no target version was given (no `--target`, no
/// `[targets]`) and a reported finding rests on a version default: which versions were
/// assumed, and how to say which ones run.
fn targets_hint(
    args: &CheckArgs,
    settings: &Settings,
    model: &model::Model,
    findings: &[Finding],
) -> Option<String> {
    if !args.input.targets.is_empty()
        || !settings.config.targets.is_empty()
        || !findings.iter().any(|f| f.assumes_default)
    {
        return None;
    }
    let t = &settings.options.targets;
    let mut assumed: Vec<(&str, String, &str)> = Vec::new();
    for (dialect, name, version, example) in [
        (Dialect::Nginx, "nginx", t.nginx, "nginx=1.22"),
        (Dialect::Postfix, "Postfix", t.postfix, "postfix=3.7"),
        (Dialect::Dovecot, "Dovecot", t.dovecot, "dovecot=2.3"),
        (Dialect::Haproxy, "HAProxy", t.haproxy, "haproxy=2.8"),
        (Dialect::Apache, "httpd", t.apache, "apache=2.4.62"),
    ] {
        if model.endpoints.iter().any(|e| e.dialect == dialect) {
            assumed.push((name, version.to_string(), example));
        }
    }
    assumed.push(("OpenSSL", t.openssl.to_string(), "openssl=1.1"));
    let names: Vec<String> = assumed.iter().map(|(n, v, _)| format!("{n} {v}")).collect();
    Some(format!(
        "hint: findings assume {} defaults; set [targets] in .tlslint.toml or pass --target {} to match what you run",
        names.join(", "),
        assumed[0].2
    ))
}

/// `--print-config`: the run's resolved settings, without reading any config it checks.
fn print_config(args: &CheckArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    match config_with_note(args, err)? {
        Ok(c) => {
            let mut sources = Sources::new();
            let mut errors = Vec::new();
            let settings = match settings(args, c, err, &mut errors, &mut sources)? {
                Ok(s) => s,
                Err(code) => return Ok(code),
            };
            out.write_all(settings.render().as_bytes())?;
            if errors.is_empty() {
                return Ok(EXIT_CLEAN);
            }
            input_errors(&errors, &sources, err)
        }
        Err(e) => {
            let mut sources = Sources::new();
            let f = load_error(&e, &mut sources);
            input_errors(&[f], &sources, err)
        }
    }
}

/// Prints input errors (a bad config, policy or file) on stderr; exit 2.
fn input_errors(errors: &[Finding], sources: &Sources, err: &mut dyn Write) -> io::Result<u8> {
    let summary = report::Summary::count(sources.read_count(), 0, errors);
    report::emit(
        report::Format::human(false),
        errors,
        &summary,
        sources,
        &report::RunInfo::default(),
        err,
    )?;
    Ok(EXIT_ERROR)
}

/// `--write-baseline` (records the findings, leaving none to report) or `--baseline` (hides
/// the recorded ones, saying how many in `info` and on stderr); `Err(code)` on failure.
fn apply_baseline(
    args: &CheckArgs,
    mut findings: Vec<Finding>,
    (sources, model, main_files): (&Sources, &crate::model::Model, &[Option<FileId>]),
    info: &mut report::RunInfo,
    err: &mut dyn Write,
) -> io::Result<Result<Vec<Finding>, u8>> {
    if args.write_baseline.is_none() && args.baseline.is_none() {
        return Ok(Ok(findings));
    }
    // Where each finding's cause is, for the keys.
    let causes = &crate::engine::group::Causes::new(model, main_files);
    if let Some(path) = &args.write_baseline {
        let b = baseline::Baseline::from_findings(&findings, sources, causes, path);
        if let Err(e) = write::write_atomically(path, b.to_json().as_bytes()) {
            writeln!(err, "error: cannot write baseline {}: {e}", shown(path))?;
            return Ok(Err(EXIT_ERROR));
        }
        if !args.quiet {
            writeln!(
                err,
                "wrote {} finding{} ({} key{}) to {}",
                findings.len(),
                if findings.len() == 1 { "" } else { "s" },
                b.entries.len(),
                if b.entries.len() == 1 { "" } else { "s" },
                shown(path)
            )?;
        }
        findings.clear();
    } else if let Some(path) = &args.baseline {
        let b = match baseline::Baseline::read(path) {
            Ok(b) => b,
            Err(e) => {
                writeln!(err, "error: {}", escape::escape(&e))?;
                return Ok(Err(EXIT_ERROR));
            }
        };
        if b.version == baseline::VERSION_1 {
            writeln!(
                err,
                "note: {} is a version 1 baseline (a key per endpoint), read as well as it can be; `--write-baseline {}` rewrites it in version {} (a key per cause)",
                shown(path),
                shown(path),
                baseline::VERSION
            )?;
        }
        let before = findings.len();
        let (new, stale) = b.filter(findings, sources, causes, path);
        findings = new;
        let n: usize = stale.iter().map(|e| e.count).sum();
        info.baseline = Some(report::BaselineUse {
            file: relative_name(path),
            hidden: before - findings.len(),
            stale: n,
        });
        if let Some(line) = info.baseline_line().filter(|_| !args.quiet) {
            writeln!(err, "{line}")?;
        }
        if n > 0 && !args.quiet {
            writeln!(
                err,
                "note: {n} baselined finding{} no longer occur{}; rerun with --write-baseline {} to prune",
                if n == 1 { "" } else { "s" },
                if n == 1 { "s" } else { "" },
                shown(path)
            )?;
        }
    }
    Ok(Ok(findings))
}

/// `--show-files`: every file read with its dialect, then the files skipped and why.
fn show_files(run: &Outcome, out: &mut dyn Write) -> io::Result<u8> {
    for (id, role) in &run.files {
        let name = &run.sources.get(*id).name;
        writeln!(out, "{}\t{role}", escape::file_name(name))?;
    }
    for (path, why) in &run.skipped {
        writeln!(out, "{}\tskipped: {why}", shown(path))?;
    }
    for (path, why) in &run.excluded {
        let name = crate::source::display_name(path);
        writeln!(out, "{}\tskipped: {why}", escape::file_name(&name))?;
    }
    for e in &run.errors {
        let name = &run.sources.get(e.span.file).name;
        writeln!(
            out,
            "{}\terror: {}",
            escape::file_name(name),
            escape::escape(&e.message)
        )?;
    }
    Ok(if run.errors.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_ERROR
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
/// up from the first path (the current directory when none is given) to the checked root.
/// Also returns the note to print when a config file above the root was skipped.
fn load_config(args: &CheckArgs) -> (Result<config::Config, config::LoadError>, Option<String>) {
    if args.input.no_config {
        return (Ok(config::Config::default()), None);
    }
    if let Some(p) = &args.input.config {
        return (config::load(p, None), None);
    }
    let start = args
        .input
        .paths
        .iter()
        .find(|p| p.as_os_str() != "-")
        .cloned()
        .unwrap_or_else(|| PathBuf::from("."));
    let root = gateway::checked_root(&args.input.paths);
    let found = config::discover(&start, &root);
    let note = found.ignored.map(|p| {
        format!(
            "note: ignoring {} above the checked root {}; pass --config to use it",
            shown(&p),
            shown(&root)
        )
    });
    let cfg = match found.path {
        Some(p) => config::load(&p, Some(&root)),
        None => Ok(config::Config::default()),
    };
    (cfg, note)
}

/// A path as the run-info line shows it: relative to the current directory, climbing with
/// `..` when it is above it (a config found from a subdirectory is `../.tlslint.toml`), and
/// absolute only when the two share nothing but `/`.
fn relative_name(path: &std::path::Path) -> String {
    let Ok(cwd) = std::env::current_dir() else {
        return crate::source::display_name(path);
    };
    let abs = config::normalize(&cwd.join(path));
    let shared = abs
        .components()
        .zip(cwd.components())
        .take_while(|(a, b)| a == b)
        .count();
    if shared <= 1 {
        return abs.to_string_lossy().replace('\\', "/");
    }
    let mut rel = PathBuf::new();
    for _ in shared..cwd.components().count() {
        rel.push("..");
    }
    rel.extend(abs.components().skip(shared));
    crate::source::display_name(&rel)
}

/// A policy or config load error as a `config-error` finding over the file's text.
fn load_error(e: &policy::LoadError, sources: &mut Sources) -> Finding {
    let file = if e.text.is_empty() && e.span.is_none() {
        // A name that is no file (a misspelled policy): nothing to show but the message.
        sources.placeholder(std::path::Path::new(&e.file))
    } else {
        sources.add(PathBuf::from(&e.file), e.file.clone(), e.text.clone())
    };
    let span = e
        .span
        .clone()
        .map_or(Span::new(file, 0, 0), |r| Span::new(file, r.start, r.end));
    let mut f = Finding::at(span, e.message.clone()).label("here");
    f.check = checks::CONFIG_ERROR;
    f.help = e.help.clone().map(checks::Text::from);
    f
}

fn show(args: &cli::ShowArgs, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<u8> {
    // `show` reads as `check` does, with the check flags at their defaults.
    let check = CheckArgs {
        input: args.input.clone(),
        ..CheckArgs::default()
    };
    let (run, settings) = match lint(&check, err)? {
        Ok((run, settings, _)) => (run, settings),
        Err(code) => return Ok(code),
    };
    let targets = &settings.options.targets;
    let profile = cipher::Profile::for_version(targets.openssl.0, targets.openssl.1);
    match args.format {
        cli::ShowFormat::Json => {
            report::json::emit_model(&run.model, &run.sources, profile, out)?;
        }
        cli::ShowFormat::Human => {
            report::show::emit(&run.model, &run.sources, profile, output_width(true), out)?;
        }
    }
    if run.errors.is_empty() {
        Ok(EXIT_CLEAN)
    } else {
        input_errors(&run.errors, &run.sources, err)
    }
}

fn format(args: &CheckArgs) -> report::Format {
    match args.format {
        cli::Format::Human => report::Format::Human {
            color: use_color(args.color),
            summary: !args.quiet,
            width: output_width(args.output.is_none()),
        },
        cli::Format::Concise => report::Format::Concise,
        cli::Format::Json => report::Format::Json,
        cli::Format::Sarif => report::Format::Sarif,
        cli::Format::Github => report::Format::Github,
        cli::Format::Junit => report::Format::Junit,
        cli::Format::Checkstyle => report::Format::Checkstyle,
    }
}

/// The human output's width: the terminal's when the report goes to a terminal, else
/// `COLUMNS` when it holds a usable width, else [`report::human::DEFAULT_WIDTH`].
fn output_width(to_stdout: bool) -> usize {
    if to_stdout
        && io::stdout().is_terminal()
        && let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size_of(io::stdout())
    {
        return usize::from(w).max(MIN_WIDTH);
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| (MIN_WIDTH..=MAX_WIDTH).contains(&c))
        .unwrap_or(report::human::DEFAULT_WIDTH)
}

/// Narrower than this, the diagnostics' frames leave no room for text.
const MIN_WIDTH: usize = 40;
/// `COLUMNS` above this is taken for a mistake.
const MAX_WIDTH: usize = 1000;

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
    let forced = match args.input.dialect.as_deref() {
        None => None,
        Some("nginx") => Some(Dialect::Nginx),
        Some("postfix") => Some(Dialect::Postfix),
        Some("dovecot") => Some(Dialect::Dovecot),
        Some("haproxy") => Some(Dialect::Haproxy),
        Some("apache") => Some(Dialect::Apache),
        Some("app") => Some(Dialect::App),
        Some(other) => {
            writeln!(
                err,
                "error: unknown dialect `{other}` (expected nginx, postfix, dovecot, apache, haproxy or app)"
            )?;
            return Ok(Err(()));
        }
    };
    for name in args.select.iter().chain(&args.ignore) {
        if checks::find(name).is_none() {
            writeln!(
                err,
                "error: unknown check `{}`; {}",
                crate::escape::short(name),
                checks::unknown_help(name)
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
        .chain(args.input.targets.iter().map(|s| (s, "--target")));
    for (spec, from) in specs {
        let program = spec.split_once('=').map_or("", |(p, _)| p.trim());
        // `go` is the Go toolchain behind the Go-based apps, `java` the JDK behind the
        // JSSE-based ones (their library profiles).
        if !Targets::PROGRAMS.contains(&program)
            && (program == "go"
                || program == "java"
                || parse::app::builtin().iter().any(|a| a.app == program))
        {
            // `java=17` is a feature release: read it as 17.0.
            let v = spec
                .split_once('=')
                .and_then(|(_, v)| {
                    let v = v.trim();
                    model::Version::parse(v).or_else(|| {
                        (program == "java" && !v.contains('.'))
                            .then(|| model::Version::parse(&format!("{v}.0")))
                            .flatten()
                    })
                })
                .ok_or_else(|| format!("{from} {spec}: write {program}=X.Y or X.Y.Z"))?;
            apps.insert(program.to_owned(), v);
            continue;
        }
        t.set(spec).map_err(|e| format!("{from} {spec}: {e}"))?;
    }
    Ok((t, apps))
}

/// The run's excludes: `--exclude`, else the config's `exclude`, else the defaults; then the
/// config's `extend-exclude` and `--extend-exclude`. Config globs are relative to its
/// directory, flag globs to the current one.
fn excludes(args: &CheckArgs, cfg: &config::Config) -> Result<crate::exclude::Excludes, String> {
    use crate::exclude::{self, Origin, Pattern};
    let here = exclude::base(std::path::Path::new("."));
    let there = exclude::base(&cfg.dir);
    let file = cfg.path.as_deref().map(relative_name).unwrap_or_default();
    let flag = |text: &String, name| Pattern {
        text: text.clone(),
        from: Origin::Flag(name),
        base: here.clone(),
    };
    let key = |text: &String, name| Pattern {
        text: text.clone(),
        from: Origin::Config(name, file.clone()),
        base: there.clone(),
    };
    let mut patterns: Vec<Pattern> = if !args.input.exclude.is_empty() {
        args.input
            .exclude
            .iter()
            .map(|t| flag(t, "--exclude"))
            .collect()
    } else if let Some(list) = &cfg.exclude {
        list.iter().map(|t| key(t, "exclude")).collect()
    } else {
        exclude::DEFAULT
            .iter()
            .map(|t| Pattern {
                text: (*t).to_owned(),
                from: Origin::Default,
                base: here.clone(),
            })
            .collect()
    };
    patterns.extend(cfg.extend_exclude.iter().map(|t| key(t, "extend-exclude")));
    patterns.extend(
        args.input
            .extend_exclude
            .iter()
            .map(|t| flag(t, "--extend-exclude")),
    );
    exclude::Excludes::new(patterns)
}

/// Deploy paths mapped into the tree: `--map` flags (which win over the config's for the
/// same path), then the config's `[paths]`.
fn maps(args: &CheckArgs, cfg: &config::Config) -> Result<Vec<(PathBuf, PathBuf)>, String> {
    let mut out = Vec::new();
    for spec in &args.input.maps {
        let Some((from, to)) = spec.split_once('=') else {
            return Err(format!(
                "--map {spec}: write DEPLOY=DIR, e.g. --map /etc/nginx=deploy/nginx"
            ));
        };
        let from = PathBuf::from(from.trim());
        if !from.is_absolute() || to.trim().is_empty() {
            return Err(format!(
                "--map {spec}: DEPLOY must be an absolute path and DIR a directory, e.g. --map /etc/nginx=deploy/nginx"
            ));
        }
        out.push((from, PathBuf::from(to.trim())));
    }
    out.extend(cfg.maps.iter().cloned());
    Ok(out)
}

/// The policy for a run: the flag (a path there may be anywhere), else the config's (a file
/// relative to the config's directory and confined to it), else the default. Also returns
/// the policy file, when it is not a built-in policy.
fn load_policy(
    args: &CheckArgs,
    cfg: &config::Config,
) -> (Result<policy::Policy, policy::LoadError>, Option<PathBuf>) {
    match (&args.policy, &cfg.policy) {
        (Some(p), _) | (None, Some(p)) if policy::builtin(p).is_some() => (policy::load(p), None),
        (Some(p), _) => (policy::load(p), Some(PathBuf::from(p))),
        (None, Some(p)) => {
            let path = cfg.dir.join(p);
            (policy::load_file(&path, Some(&cfg.dir)), Some(path))
        }
        (None, None) => (policy::load(policy::DEFAULT_POLICY), None),
    }
}

/// What a run uses: the config file, the policy (its file unless built-in) and how many of
/// its checks run.
fn run_info(settings: &Settings) -> report::RunInfo {
    report::RunInfo {
        config: settings.config.path.as_deref().map(relative_name),
        policy: settings
            .policy
            .as_ref()
            .map(|p| p.name.clone())
            .unwrap_or_default(),
        policy_file: settings.policy_file.as_deref().map(relative_name),
        checks_enabled: settings.checks_enabled(),
        baseline: None,
        excluded: 0,
    }
}

/// [`load_config`], printing its note about a config file above the root.
fn config_with_note(
    args: &CheckArgs,
    err: &mut dyn Write,
) -> io::Result<Result<config::Config, config::LoadError>> {
    let (cfg, note) = load_config(args);
    if let Some(note) = note.filter(|_| !args.quiet) {
        writeln!(err, "{note}")?;
    }
    Ok(cfg)
}

/// What [`lint`] returns: what was read and found, the run's settings, and what it used.
type Linted = (Outcome, Settings, report::RunInfo);

/// Resolves the run's settings from the command line and the config, once, before any
/// file is read. Policy and app-description errors are pushed to `errors` (the run then
/// exits 2); `Err(code)` when the run cannot start (bad arguments).
fn settings(
    args: &CheckArgs,
    cfg: config::Config,
    err: &mut dyn Write,
    errors: &mut Vec<Finding>,
    sources: &mut Sources,
) -> io::Result<Result<Settings, u8>> {
    let (targets, app_versions) = match targets(args, &cfg) {
        Ok(t) => t,
        Err(e) => {
            writeln!(err, "error: {}", escape::escape(&e))?;
            return Ok(Err(EXIT_ERROR));
        }
    };
    let maps = match maps(args, &cfg) {
        Ok(m) => m,
        Err(e) => {
            writeln!(err, "error: {}", escape::escape(&e))?;
            return Ok(Err(EXIT_ERROR));
        }
    };
    let Ok(dialect) = check_names_and_dialect(args, err)? else {
        return Ok(Err(EXIT_ERROR));
    };
    let exclude = match excludes(args, &cfg) {
        Ok(e) => e,
        Err(e) => {
            writeln!(err, "error: {e}")?;
            return Ok(Err(EXIT_ERROR));
        }
    };
    let (loaded, policy_file) = load_policy(args, &cfg);
    let policy = match loaded {
        Ok(p) => Some(p),
        Err(e) => {
            errors.push(load_error(&e, sources));
            None
        }
    };
    let mut options = parse_options(args, &cfg, targets, app_versions, errors, sources);
    options.maps = maps;
    options.exclude = Arc::new(exclude);
    let flags = settings::Flags {
        fail_level: args.fail_level.map(|l| match l {
            Level::Note => Severity::Note,
            Level::Warning => Severity::Warning,
            Level::Error => Severity::Error,
        }),
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        dialect,
    };
    Ok(Ok(Settings::new(cfg, policy, policy_file, options, flags)))
}

/// Reads, parses and checks; `Err(code)` when the run cannot start (bad arguments). Also
/// returns the run's settings and what it used.
fn lint(args: &CheckArgs, err: &mut dyn Write) -> io::Result<Result<Linted, u8>> {
    let mut sources = Sources::new();
    let mut errors = Vec::new();
    let cfg = match config_with_note(args, err)? {
        Ok(c) => c,
        Err(e) => {
            let f = load_error(&e, &mut sources);
            let outcome = Outcome {
                sources,
                errors: vec![f],
                ..Outcome::default()
            };
            let info = report::RunInfo {
                config: Some(e.file),
                ..report::RunInfo::default()
            };
            let settings = Settings::new(
                config::Config::default(),
                None,
                None,
                parse::Options::default(),
                settings::Flags::default(),
            );
            return Ok(Ok((outcome, settings, info)));
        }
    };
    let settings = match settings(args, cfg, err, &mut errors, &mut sources)? {
        Ok(s) => s,
        Err(code) => return Ok(Err(code)),
    };
    let stdin_text = match read_stdin(args, err)? {
        Ok(t) => t,
        Err(code) => return Ok(Err(code)),
    };
    let mut paths = if args.input.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.input.paths.clone()
    };
    // `--force-exclude`: named paths obey the excludes too (pre-commit names every
    // changed file, excluded or not).
    let mut excluded = Vec::new();
    if args.input.force_exclude {
        let root = gateway::checked_root(&paths);
        paths.retain(|p| match settings.options.exclude.named(p, &root) {
            Some(pattern) => {
                excluded.push((p.clone(), pattern.reason()));
                false
            }
            None => true,
        });
    }
    let mut info = run_info(&settings);
    let input = Input {
        paths: &paths,
        dialect: settings.dialect,
        stdin: stdin_text.map(|t| (args.input.stdin_filename.clone(), t)),
    };
    let mut run = engine::check_with_settings(
        input,
        &settings,
        sources,
        true,
        args.input.ignore_unknown_files,
    );
    if !excluded.is_empty() {
        excluded.append(&mut run.excluded);
        run.excluded = excluded;
    }
    info.excluded = run.excluded.len();
    errors.append(&mut run.errors);
    run.errors = errors;
    Ok(Ok((run, settings, info)))
}

/// The parser options of a run. User app descriptions are loaded here, once, before any
/// file is read, so discovery recognises their files as parsing does; a broken one is a
/// config error.
fn parse_options(
    args: &CheckArgs,
    cfg: &config::Config,
    targets: Targets,
    app_versions: std::collections::BTreeMap<String, model::Version>,
    errors: &mut Vec<Finding>,
    sources: &mut Sources,
) -> parse::Options {
    let mut options = parse::Options {
        targets,
        allow_outside_root: args.input.allow_outside_root,
        strict_unknown: args.input.strict_unknown || cfg.strict_unknown.unwrap_or(false),
        maps: Vec::new(),
        haproxy_load: cfg.haproxy_load.clone(),
        app_rules: cfg
            .app_rules
            .iter()
            .chain(&args.input.app_rules)
            .cloned()
            .collect(),
        app_versions,
        root: None,
        extra_apps: Arc::default(),
        gateway: Arc::default(),
        exclude: Arc::default(),
    };
    for message in options.load_app_rules() {
        let e = policy::LoadError {
            file: "app-rules".to_owned(),
            text: String::new(),
            message,
            span: None,
            help: Some(
                "fix the description file; `rules/apps/README.md` documents the format".into(),
            ),
        };
        errors.push(load_error(&e, sources));
    }
    options
}

/// Standard input when `-` is among the paths, read up to the gateway's config limit
/// (a pipe that never ends must not fill memory).
fn read_stdin(args: &CheckArgs, err: &mut dyn Write) -> io::Result<Result<Option<String>, u8>> {
    if !args.input.paths.iter().any(|p| p.as_os_str() == "-") {
        return Ok(Ok(None));
    }
    let limit = gateway::Limits::default().config_bytes;
    let mut bytes = Vec::new();
    io::stdin().take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        writeln!(
            err,
            "error: standard input is larger than the {} MiB tlslint reads",
            limit / 1024 / 1024
        )?;
        return Ok(Err(EXIT_ERROR));
    }
    Ok(Ok(Some(String::from_utf8_lossy(&bytes).into_owned())))
}
