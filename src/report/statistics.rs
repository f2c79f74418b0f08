//! `--statistics`: how many findings each check reported, instead of the findings (ruff's
//! `--statistics`). Text is one aligned line per check and severity, `count  check  severity
//! summary`, most frequent first; with `--format json` it is an array of
//! `{"check", "severity", "count"}` in the same order.
//!
//! Only tlslint's own words are printed (check names, severities, summaries), never input
//! text, so nothing here needs escaping.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::checks;
use crate::diagnostic::{Finding, Severity};

/// One line of the table: a check, a severity it reported at, and how often.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Row {
    /// The check's name (or `parse-error` / `config-error`).
    pub check: &'static str,
    /// The severity of these findings (a check may report at several: per-path overrides).
    pub severity: Severity,
    /// How many findings.
    pub count: usize,
}

/// Counts findings per check and severity: most frequent first, then the more severe,
/// then by name.
pub fn count(findings: &[Finding]) -> Vec<Row> {
    let mut counts: BTreeMap<(&'static str, Severity), usize> = BTreeMap::new();
    for f in findings {
        *counts.entry((f.check, f.severity)).or_default() += 1;
    }
    let mut rows: Vec<Row> = counts
        .into_iter()
        .map(|((check, severity), count)| Row {
            check,
            severity,
            count,
        })
        .collect();
    rows.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(b.severity.cmp(&a.severity))
            .then(a.check.cmp(b.check))
    });
    rows
}

/// Writes the table: `count  check  severity  summary`, columns aligned.
pub fn emit_text(rows: &[Row], out: &mut dyn Write) -> io::Result<()> {
    let count_width = rows
        .iter()
        .map(|r| r.count.to_string().len())
        .max()
        .unwrap_or(1);
    let check_width = rows.iter().map(|r| r.check.len()).max().unwrap_or(0);
    for r in rows {
        writeln!(
            out,
            "{:>count_width$}  {:<check_width$}  {:<7}  {}",
            r.count,
            r.check,
            r.severity.as_str(),
            summary(r.check)
        )?;
    }
    Ok(())
}

/// Writes the rows as a JSON array.
pub fn emit_json(rows: &[Row], out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, rows)?;
    writeln!(out)
}

/// A check's one-line summary; input errors are reported under names that are no check.
fn summary(check: &str) -> &'static str {
    match checks::find(check) {
        Some(c) => c.summary,
        None if check == checks::PARSE_ERROR => "a file cannot be read or parsed",
        None if check == checks::CONFIG_ERROR => "the tlslint config or policy file is invalid",
        None => "",
    }
}
