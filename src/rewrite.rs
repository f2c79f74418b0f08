//! `--fix` and `--diff`: the checked files with the findings' fixes applied.
//!
//! A pull request's checkout is hostile, so a rewrite reads each file again through a
//! gateway confined to the checked root (never a file outside it, even with
//! `--allow-outside-root`), refuses one whose text is no longer what was checked (changed
//! since, or not UTF-8: a lossy decode must not be written back), and writes through
//! [`crate::write::write_atomically`] (a temporary file renamed into place, never through a
//! symlink). Suppressed and baselined findings never reach this module, so they are not
//! fixed.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::diagnostic::Finding;
use crate::escape;
use crate::fix::Applicability;
use crate::gateway::Gateway;
use crate::source::{FileId, Sources};

/// One file to rewrite.
pub(crate) struct Change {
    path: PathBuf,
    name: String,
    old: std::sync::Arc<str>,
    new: String,
}

/// What a set of findings' fixes would change.
#[derive(Default)]
pub(crate) struct Plan {
    /// The files that change.
    changes: Vec<Change>,
    /// Findings whose fix is in the plan.
    pub(crate) fixed: usize,
    /// Findings with an unsafe fix left out (no `--unsafe-fixes`).
    pub(crate) unsafe_left: usize,
    /// Edits left out because they overlap another (the next pass takes them).
    pub(crate) overlapping: usize,
    /// Files not rewritten, with the reason (already escaped).
    pub(crate) refused: Vec<String>,
}

impl Plan {
    /// Whether anything would change.
    pub(crate) fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// How many files change.
    pub(crate) fn files(&self) -> usize {
        self.changes.len()
    }

    /// The names of the files that change (escaped).
    pub(crate) fn changed_names(&self) -> impl Iterator<Item = String> + '_ {
        self.changes.iter().map(|c| c.name.clone())
    }
}

/// Collects the fixes of `findings` (the unsafe ones too when `unsafe_fixes`) per file and
/// applies them to the text as checked. `root` is the checked root.
pub(crate) fn plan(
    findings: &[Finding],
    sources: &Sources,
    root: &Path,
    unsafe_fixes: bool,
) -> Plan {
    let mut plan = Plan::default();
    let mut edits: BTreeMap<FileId, Vec<(usize, usize, String)>> = BTreeMap::new();
    for f in findings {
        let Some(fix) = &f.fix else { continue };
        if fix.applicability == Applicability::Unsafe && !unsafe_fixes {
            plan.unsafe_left += 1;
            continue;
        }
        let Some(resolved) = fix.resolved() else {
            continue;
        };
        plan.fixed += 1;
        for (span, text) in resolved {
            edits.entry(span.file).or_default().push((
                span.start as usize,
                span.end as usize,
                text.to_owned(),
            ));
        }
    }
    let gateway = Gateway::confined(root);
    for (file, mut list) in edits {
        let source = sources.get(file);
        let name = escape::file_name(&source.name).into_owned();
        if let Err(why) = current(&gateway, &source.path, &source.text) {
            plan.refused.push(format!("{name}: {why}"));
            continue;
        }
        let (new, skipped) = crate::fix::apply(&source.text, &mut list);
        plan.overlapping += skipped;
        if *new != *source.text {
            plan.changes.push(Change {
                path: source.path.clone(),
                name,
                old: std::sync::Arc::clone(&source.text),
                new,
            });
        }
    }
    plan
}

/// Checks that `path` is a regular file inside the root whose text is still `checked`.
fn current(gateway: &Gateway, path: &Path, checked: &str) -> Result<(), &'static str> {
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err("is a symbolic link; tlslint does not write through links");
    }
    let loaded = gateway
        .read_config(path)
        .map_err(|_| "is outside the checked root or cannot be read; not rewritten")?;
    match String::from_utf8(loaded.bytes) {
        Ok(text) if text == checked => Ok(()),
        Ok(_) => Err("changed since it was checked; not rewritten"),
        Err(_) => Err("is not UTF-8; not rewritten"),
    }
}

/// Prints a unified diff of every change.
pub(crate) fn diff(plan: &Plan, out: &mut dyn Write) -> io::Result<()> {
    for c in &plan.changes {
        let d = similar::TextDiff::from_lines(&*c.old, c.new.as_str());
        // Only the changed lines and their context reach the terminal, escaped like every
        // other text from an input; the diff markers stay as they are.
        let text = d
            .unified_diff()
            .context_radius(3)
            .header(&format!("a/{}", c.name), &format!("b/{}", c.name))
            .to_string();
        for line in text.lines() {
            writeln!(out, "{}", escape::escape(line))?;
        }
    }
    Ok(())
}

/// Writes every change; returns the messages of files that could not be written.
pub(crate) fn write(plan: &Plan) -> Vec<String> {
    plan.changes
        .iter()
        .filter_map(|c| {
            crate::write::write_atomically(&c.path, c.new.as_bytes())
                .err()
                .map(|e| format!("{}: {e}", c.name))
        })
        .collect()
}
