//! The settings of one run, resolved once before any file is read.
//!
//! Command-line flags, the config file and the policy each say something about the same
//! questions (which checks run, at which severity, for which files; which versions; which
//! application descriptions). [`Settings`] answers them in one place, as typed values:
//! flags beat the config, the config beats the policy's defaults, and a per-path
//! `[[overrides]]` entry beats both for its files ([`Settings::severity_for`]).
//! `--print-config` prints this value ([`Settings::render`]).
//!
//! This module holds no clap types; `commands` builds a [`Flags`] from the command line.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::diagnostic::Severity;
use crate::engine::Enabled;
use crate::model::Dialect;
use crate::parse;
use crate::policy::Policy;
use crate::suppress;

/// What the command line says about the settings (already parsed and validated).
#[derive(Clone, Debug, Default)]
pub(crate) struct Flags {
    /// `--fail-level`.
    pub fail_level: Option<Severity>,
    /// `--select` (replaces the config's list when not empty).
    pub select: Vec<String>,
    /// `--ignore` (adds to the config's list).
    pub ignore: Vec<String>,
    /// `--dialect`.
    pub dialect: Option<Dialect>,
}

/// Everything a run needs to know before reading a file.
#[derive(Debug)]
pub(crate) struct Settings {
    /// The config file used (all defaults when none was found).
    pub config: Config,
    /// The policy, with its rules and parameters; `None` when it failed to load (the run
    /// reports that and checks nothing).
    pub policy: Option<Policy>,
    /// The policy's file, when it is not a built-in policy.
    pub policy_file: Option<PathBuf>,
    /// The lowest severity that fails the run.
    pub fail_level: Severity,
    /// Only these checks run (empty: all the policy applies).
    pub select: Vec<String>,
    /// These checks do not run.
    pub ignore: Vec<String>,
    /// The dialect every named file is read as, when forced.
    pub dialect: Option<Dialect>,
    /// Parser options: target versions, application descriptions (built-in and the
    /// user's, loaded once), confinement.
    pub options: parse::Options,
    /// How inline suppressions are judged.
    pub suppress: suppress::Settings,
}

impl Settings {
    /// Resolves the settings from the config, the loaded policy, the parser options and
    /// the command line's flags.
    pub(crate) fn new(
        config: Config,
        policy: Option<Policy>,
        policy_file: Option<PathBuf>,
        options: parse::Options,
        flags: Flags,
    ) -> Settings {
        let fail_level = flags
            .fail_level
            .or(config.fail_level)
            .unwrap_or(Severity::Warning);
        // `--select` replaces the config's list; ignores add up (ignoring is never
        // surprising).
        let select = if flags.select.is_empty() {
            config.select.clone()
        } else {
            flags.select
        };
        let mut ignore = flags.ignore;
        ignore.extend(config.ignore.iter().cloned());
        let suppress = suppress::Settings {
            require_reason: config.require_reason.unwrap_or(true),
            today: suppress::Date::today(),
        };
        Settings {
            config,
            policy,
            policy_file,
            fail_level,
            select,
            ignore,
            dialect: flags.dialect,
            options,
            suppress,
        }
    }

    /// Whether a check runs in this run (`select`, `ignore`), and the severity `[checks]`
    /// gives it.
    pub(crate) fn enabled(&self, check: &str) -> Enabled {
        let selected = self.select.is_empty() || self.select.iter().any(|s| s == check);
        if !selected || self.ignore.iter().any(|s| s == check) {
            return Enabled::Off;
        }
        match self.config.checks.get(check) {
            Some(None) => Enabled::Off,
            Some(Some(sev)) => Enabled::At(*sev),
            None => Enabled::PolicySeverity,
        }
    }

    /// The severity of a check's finding in `path`, all layers applied: the policy's
    /// entry, then `select`/`ignore`/`[checks]`, then the last `[[overrides]]` entry
    /// matching the file. `None`: not reported there.
    pub(crate) fn severity_for(&self, check: &str, path: &Path) -> Option<Severity> {
        let entry = self
            .policy
            .as_ref()?
            .entries
            .iter()
            .find(|e| e.check.name == check)?;
        let base = self.enabled(check).severity(entry.severity)?;
        match self.config.override_for(check, path) {
            None => Some(base),
            Some(level) => level,
        }
    }

    /// How many of the policy's checks run.
    pub(crate) fn checks_enabled(&self) -> usize {
        self.policy.as_ref().map_or(0, |p| {
            p.entries
                .iter()
                .filter(|e| self.enabled(e.check.name) != Enabled::Off)
                .count()
        })
    }

    /// The resolved settings as TOML-like text (`--print-config`): the config file's own
    /// keys first (so the output can be saved as a config), then what the run makes of
    /// them as comments: the policy's checks with their final severities, the target
    /// versions and the application descriptions.
    pub(crate) fn render(&self) -> String {
        let mut s = self.config.render();
        s.push_str("\n# Resolved for this run (flags, config and policy together):\n");
        match &self.policy {
            Some(p) => {
                let from = self
                    .policy_file
                    .as_deref()
                    .map_or_else(|| "built-in".to_owned(), crate::source::display_name);
                let _ = writeln!(s, "# policy {} ({from})", p.name);
                let _ = writeln!(s, "# fail-level {}", self.fail_level);
                for e in &p.entries {
                    let level = self
                        .enabled(e.check.name)
                        .severity(e.severity)
                        .map_or("off".to_owned(), |s| s.to_string());
                    let _ = writeln!(s, "#   {:<24} {level}", e.check.name);
                }
            }
            None => s.push_str("# policy: failed to load\n"),
        }
        let t = &self.options.targets;
        let _ = writeln!(
            s,
            "# targets nginx={} postfix={} dovecot={} haproxy={} openssl={}.{}",
            t.nginx, t.postfix, t.dovecot, t.haproxy, t.openssl.0, t.openssl.1
        );
        for (app, v) in &self.options.app_versions {
            let _ = writeln!(s, "# target {app}={v}");
        }
        let apps: Vec<&str> = self.options.apps().map(|a| a.app.as_str()).collect();
        let _ = writeln!(s, "# app descriptions: {}", apps.join(", "));
        let excludes: Vec<String> = self
            .options
            .exclude
            .patterns()
            .iter()
            .map(crate::exclude::Pattern::describe)
            .collect();
        let _ = writeln!(s, "# exclude: {}", excludes.join(", "));
        if let Some(d) = self.dialect {
            let _ = writeln!(s, "# dialect {}", d.as_str());
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_apply_in_order() {
        let config = crate::config::parse(
            "t.toml",
            "ignore = [\"weak-curve\"]\n[checks]\nweak-cipher = \"warning\"\n\
             [[overrides]]\ninclude = [\"legacy/**\"]\nchecks = { weak-cipher = \"note\" }\n\
             ignore = [\"legacy-protocol\"]\n",
            Path::new("/repo"),
        )
        .expect("config");
        let policy = crate::policy::load(crate::policy::DEFAULT_POLICY).expect("policy");
        let s = Settings::new(
            config,
            Some(policy),
            None,
            parse::Options::default(),
            Flags::default(),
        );
        let here = Path::new("/repo/nginx.conf");
        let legacy = Path::new("/repo/legacy/nginx.conf");
        assert_eq!(s.severity_for("weak-cipher", here), Some(Severity::Warning));
        assert_eq!(s.severity_for("weak-cipher", legacy), Some(Severity::Note));
        assert_eq!(
            s.severity_for("legacy-protocol", here),
            Some(Severity::Error)
        );
        assert_eq!(s.severity_for("legacy-protocol", legacy), None);
        assert_eq!(s.severity_for("weak-curve", here), None);
        assert!(s.render().contains("#   weak-cipher"));
    }
}
