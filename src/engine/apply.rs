//! The check engine: runs the checks a policy enables over a model and stamps each finding
//! with what only the engine knows (check name, severity, policy).
//!
//! It is the one layer that knows both the policy and the checks, so neither imports the
//! other's run-time: a check sees a [`Context`] and pushes plain [`Finding`]s; the policy
//! is data. Entries run on two threads on big models; results come back in policy order
//! and are sorted once, so one thread and two give the same report.

use std::sync::Arc;

use crate::checks::{Context, FindingSource};
use crate::cipher;
use crate::diagnostic::{Finding, Severity, Texts};
use crate::material::Facts;
use crate::model::{Endpoint, Model, Observation, Targets};
use crate::policy::Policy;

/// Models with at least this many endpoints and observations are checked on two threads.
const PARALLEL_MIN: usize = 256;

/// Runs every check a policy enables over the model. `enabled` filters checks by name.
pub fn run(
    model: &Model,
    policy: &Policy,
    targets: &Targets,
    facts: &Facts,
    ciphers: &cipher::Cache,
    enabled: &dyn Fn(&str) -> super::Enabled,
) -> Vec<Finding> {
    let parallel = model.endpoints.len() + model.observations.len() >= PARALLEL_MIN;
    let found = run_threads(model, policy, targets, facts, ciphers, enabled, parallel);
    one_per_place(found, policy)
}

/// Where a finding is, for [`one_per_place`]: check, span, setting key.
type Place<'a> = (&'static str, crate::source::Span, &'a str);

/// A policy may apply a check in several entries, one per rule of its source (RFC 9325's
/// MUST NOT for RC4 as an error, its SHOULD NOT for 3DES as a warning), each citing its own
/// section. Where two of them find something at the same place for the same setting, the
/// place gets one finding: the most severe rule's (the first such entry's on a tie).
fn one_per_place(found: Vec<Finding>, policy: &Policy) -> Vec<Finding> {
    let mut seen: Vec<&str> = Vec::new();
    let mut repeated: Vec<&'static str> = Vec::new();
    for e in &policy.entries {
        if seen.contains(&e.check.name) {
            repeated.push(e.check.name);
        }
        seen.push(e.check.name);
    }
    if repeated.is_empty() {
        return found;
    }
    // Only the findings of checks with several rules can meet; the rest pass untouched.
    let mut best: std::collections::HashMap<Place<'_>, Severity> = std::collections::HashMap::new();
    for f in found.iter().filter(|f| repeated.contains(&f.check)) {
        let s = best
            .entry((f.check, f.span, f.key.as_str()))
            .or_insert(f.severity);
        *s = (*s).max(f.severity);
    }
    let mut kept: std::collections::HashSet<Place<'_>> = std::collections::HashSet::new();
    let keep: Vec<bool> = found
        .iter()
        .map(|f| {
            !repeated.contains(&f.check)
                || (best.get(&(f.check, f.span, f.key.as_str())) == Some(&f.severity)
                    && kept.insert((f.check, f.span, f.key.as_str())))
        })
        .collect();
    found
        .into_iter()
        .zip(keep)
        .filter_map(|(f, k)| k.then_some(f))
        .collect()
}

/// [`run`] on two threads or one.
fn run_threads(
    model: &Model,
    policy: &Policy,
    targets: &Targets,
    facts: &Facts,
    ciphers: &cipher::Cache,
    enabled: &dyn Fn(&str) -> super::Enabled,
    parallel: bool,
) -> Vec<Finding> {
    let entries: Vec<_> = policy
        .entries
        .iter()
        .filter_map(|entry| {
            enabled(entry.check.name)
                .severity(entry.severity)
                .map(|sev| (entry, sev))
        })
        .collect();
    let policy_name: Arc<str> = policy.name.as_str().into();
    // Entries without a scope (most) share these lists instead of each building its own.
    // Endpoints the program refuses are reported by that refusal alone (an observation, or
    // `cipher-string-error` for a string OpenSSL rejects).
    // Endpoints whose TLS is off are not judged at all.
    let every_endpoint: Vec<&Endpoint> = model
        .endpoints
        .iter()
        .filter(|e| !e.refused() && !e.tls_off())
        .collect();
    let all_endpoints: Vec<&Endpoint> = model.endpoints.iter().filter(|e| !e.tls_off()).collect();
    let every_observation: Vec<&Observation> = model.observations.iter().collect();
    // One piece of work: part `k` of `n` of an entry's endpoints (the whole entry when
    // n is 1).
    let run_entry = |&(entry, severity): &(&crate::policy::Entry, Severity),
                     (k, n): (usize, usize),
                     ciphers: &cipher::Cache| {
        let judges_refused = entry.check.judges_refused;
        let (scoped_endpoints, scoped_observations): (Vec<&Endpoint>, Vec<&Observation>) =
            match &entry.scope {
                None => (Vec::new(), Vec::new()),
                Some(scope) => (
                    model
                        .endpoints
                        .iter()
                        .filter(|e| {
                            !e.tls_off() && (judges_refused || !e.refused()) && scope.matches(e)
                        })
                        .collect(),
                    model
                        .observations
                        .iter()
                        .filter(|o| {
                            o.endpoint
                                .is_none_or(|i| scope.matches(&model.endpoints[i]))
                        })
                        .collect(),
                ),
            };
        let (endpoints, observations) = match &entry.scope {
            None if judges_refused => (&all_endpoints[..], &every_observation[..]),
            None => (&every_endpoint[..], &every_observation[..]),
            Some(_) => (&scoped_endpoints[..], &scoped_observations[..]),
        };
        let len = endpoints.len();
        let cx = Context::new(
            &endpoints[k * len / n..(k + 1) * len / n],
            // Observations are not split: the first part takes them all.
            if k == 0 { observations } else { &[] },
            &entry.params,
            targets,
            facts,
            ciphers,
        );
        let mut found = Vec::new();
        match entry.check.source {
            FindingSource::Run(run) => run(&cx, &mut found),
            FindingSource::Observations { kind, label } => {
                cx.report_observations(kind, label, &mut found);
            }
            // Made by the suppression pass, which reports through the engine's stamping.
            FindingSource::Suppressions => {}
        }
        stamp(&mut found, entry.check.name, severity, &policy_name);
        found
    };
    // Entries are independent: on big models, two threads take them one at a time (checks
    // differ a lot in cost, so halves would leave one thread idle). Results are put back
    // in policy order, so the stable sort below gives the same result as one thread.
    if parallel && entries.len() > 1 {
        // Checks that look at endpoints one by one are split in two, so that the two
        // threads finish together; pieces are joined back in (entry, part) order, which
        // is the order one thread would have produced.
        let pieces: Vec<(usize, (usize, usize))> = entries
            .iter()
            .enumerate()
            .flat_map(|(i, (entry, _))| {
                let n = if entry.check.per_endpoint { 2 } else { 1 };
                (0..n).map(move |k| (i, (k, n)))
            })
            .collect();
        // A cache per worker: a shared one is a lock and a reference count that both
        // threads fight over for every endpoint (each string is expanded at most twice).
        let done = crate::parallel::queue(pieces.len(), true, cipher::Cache::new, |cache, i| {
            let (entry, part) = pieces[i];
            run_entry(&entries[entry], part, cache)
        });
        join_in_order(done)
    } else {
        entries
            .iter()
            .flat_map(|entry| run_entry(entry, (0, 1), ciphers))
            .collect()
    }
}

/// Stamps a check's findings with what the engine knows (check, severity, policy).
/// Labels and help lines repeat across endpoints (a default's text, the same fix for the
/// same value): one copy of each is kept. Messages and keys name their endpoint, so they
/// are only trimmed to size.
fn stamp(found: &mut [Finding], check: &'static str, severity: Severity, policy: &Arc<str>) {
    let mut texts = Texts::default();
    for f in found {
        f.check = check;
        f.severity = severity;
        f.policy = Arc::clone(policy);
        f.message.shrink_to_fit();
        f.key.shrink_to_fit();
        texts.share(&mut f.label);
        if let Some(h) = &mut f.help {
            texts.share(h);
        }
    }
}

/// Joins lists of findings in order. The first list grows in place (a big vector is
/// remapped, not copied) rather than every list being copied into a new one while they are
/// all still alive.
fn join_in_order(done: Vec<Vec<Finding>>) -> Vec<Finding> {
    let total = done.iter().map(Vec::len).sum::<usize>();
    let mut lists = done.into_iter();
    let mut all = lists.next().unwrap_or_default();
    all.reserve_exact(total - all.len());
    for found in lists {
        all.extend(found);
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// Two threads (entries taken one at a time, per-endpoint checks split in two) give
    /// exactly what one thread gives.
    #[test]
    fn two_threads_find_what_one_finds() {
        use std::fmt::Write as _;
        let dir = tempfile::tempdir().unwrap();
        let mut conf = String::from(
            "events {}\nhttp {\n    ssl_protocols TLSv1 TLSv1.2;\n    ssl_ciphers HIGH:!aNULL;\n",
        );
        let ciphers = [
            "HIGH:!aNULL:!MD5",
            "ECDHE+AESGCM",
            "ALL:!RC4x",
            "AES128-SHA:DES-CBC3-SHA",
        ];
        for i in 0..400 {
            let _ = write!(
                conf,
                "    server {{\n        listen {} ssl;\n        server_name h{i};\n",
                10_000 + i
            );
            if i % 3 == 0 {
                let _ = writeln!(conf, "        ssl_ciphers {};", ciphers[i % 4]);
            }
            if i % 5 == 0 {
                conf.push_str("        ssl_protocols TLSv1.3;\n");
            }
            if i % 2 == 0 {
                let _ = writeln!(
                    conf,
                    "        location / {{ proxy_pass https://b{i}; proxy_ssl_protocols TLSv1.1; }}"
                );
            }
            conf.push_str("    }\n");
        }
        conf.push_str("}\n");
        let path = dir.path().join("nginx.conf");
        std::fs::write(&path, conf).unwrap();
        let mut sources = crate::source::Sources::new();
        let options = crate::parse::Options {
            targets: Targets::default(),
            allow_outside_root: false,
            strict_unknown: false,
            maps: Vec::new(),
            root: Some(dir.path().to_path_buf()),
            app_rules: Vec::new(),
            app_versions: BTreeMap::new(),
            extra_apps: std::sync::Arc::default(),
            gateway: std::sync::Arc::new(crate::gateway::Gateway::confined(dir.path())),
            exclude: std::sync::Arc::default(),
            haproxy_load: Vec::new(),
        };
        let parsed =
            crate::parse::parse(crate::model::Dialect::Nginx, &path, &mut sources, &options);
        assert!(parsed.model.endpoints.len() > PARALLEL_MIN);
        let policy = crate::policy::load(crate::policy::DEFAULT_POLICY).unwrap();
        let all = |_: &str| super::super::Enabled::PolicySeverity;
        let run = |parallel| {
            let found = run_threads(
                &parsed.model,
                &policy,
                &Targets::default(),
                &Facts::default(),
                &cipher::Cache::new(),
                &all,
                parallel,
            );
            format!("{found:#?}")
        };
        let one = run(false);
        assert!(one.contains("legacy-protocol") && one.contains("upstream-verify-off"));
        assert_eq!(one, run(true));
    }
}
