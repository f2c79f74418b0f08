//! Command-line arguments (clap derive). No logic beyond argument shapes lives here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Lint TLS settings in nginx, Postfix, Dovecot and application configs against a policy.
#[derive(Debug, Parser)]
#[command(name = "tlslint", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check configs and report findings (exit 0 clean, 1 findings, 2 error).
    Check(CheckArgs),
    /// Print the effective TLS settings of every endpoint.
    Show(ShowArgs),
    /// List the checks.
    Rules,
    /// List the built-in policies.
    Policies,
    /// Print a check's documentation.
    Explain(ExplainArgs),
    /// Write a commented starter `.tlslint.toml` in the current directory.
    Init,
    /// Expand an OpenSSL cipher string exactly as OpenSSL does.
    Ciphers(CiphersArgs),
}

/// Output formats.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Graphical diagnostics with source excerpts.
    #[default]
    Human,
    /// One line per finding: `path:line:col: level check message`.
    Concise,
    /// The versioned JSON contract.
    Json,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
    /// GitHub Actions annotations (`::error file=...::message`).
    Github,
    /// JUnit XML.
    Junit,
    /// checkstyle XML.
    Checkstyle,
}

/// Severity threshold names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Level {
    /// Notes and above.
    Note,
    /// Warnings and above.
    Warning,
    /// Errors only.
    Error,
}

/// Colour choice.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// Colour when stdout is a terminal and `NO_COLOR` is unset.
    #[default]
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Arguments of `check`: what to read ([`InputArgs`]), then what to report and how.
#[derive(Debug, Default, Args)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "each bool is an independent CLI flag"
)]
pub struct CheckArgs {
    /// What to read, shared with `show`.
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format (`--output-format` is accepted too, as ruff spells it).
    #[arg(long, alias = "output-format", value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Policy: a built-in name (see `tlslint policies`) or a TOML file.
    #[arg(long)]
    pub policy: Option<String>,
    /// Lowest severity that makes the run fail (exit 1) [default: warning, or the config's].
    #[arg(long, value_enum)]
    pub fail_level: Option<Level>,
    /// Run only these checks (comma-separated or repeated).
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Skip these checks (comma-separated or repeated).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Colour the human output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Write the report to this file instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Print the effective config and exit.
    #[arg(long)]
    pub print_config: bool,
    /// List the files that would be read, each with its dialect (or why it is skipped),
    /// and exit.
    #[arg(long)]
    pub show_files: bool,
    /// Hide findings recorded in this baseline file; report only new ones.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings in this baseline file (and report nothing).
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<PathBuf>,
    /// Exit 0 even when there are findings (errors still exit 2).
    #[arg(long)]
    pub exit_zero: bool,
    /// Apply the safe fixes to the checked files, then report what remains.
    #[arg(long, conflicts_with = "write_baseline")]
    pub fix: bool,
    /// Also apply fixes that may lock out clients (with `--fix` or `--diff`).
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print the fixes as a unified diff instead of applying them; exit 1 when there is one.
    #[arg(long, conflicts_with_all = ["fix", "write_baseline"])]
    pub diff: bool,
    /// Print only the findings: no run-info line, summary, hint or notes (errors that make
    /// the run exit 2 are still printed).
    #[arg(short, long)]
    pub quiet: bool,
    /// Print how many findings each check reported instead of the findings (a JSON array
    /// with `--format json`); the exit code is the same.
    #[arg(long)]
    pub statistics: bool,
}

/// Arguments of `check` and `show` that say what to read and how to read it.
#[derive(Clone, Debug, Default, Args)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "each bool is an independent CLI flag"
)]
pub struct InputArgs {
    /// Files or directories to read (`-` reads stdin); default `.`.
    pub paths: Vec<PathBuf>,
    /// Target program version, e.g. `nginx=1.24`, `openssl=3.2` (repeatable).
    #[arg(long = "target", value_name = "PROGRAM=VERSION")]
    pub targets: Vec<String>,
    /// Force the dialect of the given files.
    #[arg(long, value_name = "DIALECT")]
    pub dialect: Option<String>,
    /// Name to use for stdin input (`-`).
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,
    /// A directory of extra application descriptions (`*.toml`, see `rules/apps/README.md`).
    #[arg(long = "app-rules", value_name = "DIR")]
    pub app_rules: Vec<PathBuf>,
    /// Also read includes, certificates and key files outside the checked root.
    #[arg(long)]
    pub allow_outside_root: bool,
    /// Read an absolute deploy path from a directory of the tree instead
    /// (`--map /etc/nginx=deploy/nginx`; repeatable, the longest match wins). Includes,
    /// certificates and `<file` values under DEPLOY are read from DIR, confined as usual.
    #[arg(long = "map", value_name = "DEPLOY=DIR")]
    pub maps: Vec<String>,
    /// Judge settings that an unread include (outside the checked root) may set as the
    /// program's defaults, instead of leaving them unknown and unjudged.
    #[arg(long)]
    pub strict_unknown: bool,
    /// Use this config file instead of looking for `tlslint.toml` / `.tlslint.toml`.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore every config file.
    #[arg(long)]
    pub no_config: bool,
    /// Leave out paths matching these globs while walking directories, instead of the
    /// default excludes and the config's `exclude` (comma-separated or repeated).
    #[arg(long, value_delimiter = ',', value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Leave out paths matching these globs too (comma-separated or repeated).
    #[arg(long, value_delimiter = ',', value_name = "GLOB")]
    pub extend_exclude: Vec<String>,
    /// Apply the excludes to paths named on the command line as well (pre-commit hooks).
    #[arg(long)]
    pub force_exclude: bool,
    /// Skip named files whose program cannot be recognised (used by the pre-commit hook,
    /// whose file pattern also matches unrelated `*.conf` files).
    #[arg(long)]
    pub ignore_unknown_files: bool,
}

/// Arguments of `show`: what to read, and the format (no check flags: `show` reports no
/// findings, so clap rejects `--baseline`, `--exit-zero`, `--select`, ...).
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// What to read, shared with `check`.
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format (`--output-format` is accepted too).
    #[arg(long, alias = "output-format", value_enum, default_value_t = ShowFormat::Json)]
    pub format: ShowFormat,
}

/// Output formats of `tlslint show`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ShowFormat {
    /// The versioned JSON document of every endpoint's effective settings.
    Json,
    /// A plain-text listing: per endpoint its protocols, suites by class, curves, tickets,
    /// and where each value comes from.
    Human,
}

/// Arguments of `explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The check's name.
    pub name: String,
    /// Also show the parameters, severity and source this policy gives the check.
    #[arg(long)]
    pub policy: Option<String>,
}

/// Arguments of `ciphers`.
#[derive(Debug, Args)]
pub struct CiphersArgs {
    /// The cipher string.
    pub string: String,
    /// OpenSSL version to reproduce, e.g. `openssl=3.2`.
    #[arg(long = "target", value_name = "openssl=VERSION")]
    pub targets: Vec<String>,
    /// Print a table with each suite's attributes and classification.
    #[arg(short, long)]
    pub verbose: bool,
    /// Print the list after the security-level filter.
    #[arg(short = 's')]
    pub seclevel: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CiphersFormat::Text)]
    pub format: CiphersFormat,
}

/// Output formats of `tlslint ciphers`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CiphersFormat {
    /// Like `openssl ciphers`: one colon-separated line, or a table with `-v`.
    Text,
    /// A JSON object with each suite's attributes.
    Json,
}
