//! `--format junit`: JUnit XML, for CI systems that show test reports (GitLab, Jenkins,
//! Azure). Each file is a `<testsuite>`, each finding a failed `<testcase>` named after its
//! check and position; parse and config errors are `<error>`s instead of `<failure>`s. A
//! clean run is one suite with one passing case, so the report is never empty.

use std::io::{self, Write};

use super::xml::escape;
use crate::checks::{self, Finding};
use crate::source::{FileId, Sources};

/// Writes the JUnit document.
pub fn emit(findings: &[Finding], sources: &Sources, out: &mut dyn Write) -> io::Result<()> {
    let is_error = |f: &Finding| f.check == checks::PARSE_ERROR || f.check == checks::CONFIG_ERROR;
    let errors = findings.iter().filter(|f| is_error(f)).count();
    let failures = findings.len() - errors;
    let mut files: Vec<FileId> = Vec::new();
    for f in findings {
        if !files.contains(&f.span.file) {
            files.push(f.span.file);
        }
    }
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="tlslint" tests="{}" failures="{failures}" errors="{errors}">"#,
        findings.len().max(1)
    )?;
    if findings.is_empty() {
        writeln!(
            out,
            r#"  <testsuite name="tlslint" tests="1" failures="0" errors="0">"#
        )?;
        writeln!(
            out,
            r#"    <testcase name="no findings" classname="tlslint"/>"#
        )?;
        writeln!(out, "  </testsuite>")?;
    }
    for id in files {
        let name = escape(&sources.get(id).name);
        let mine: Vec<&Finding> = findings.iter().filter(|f| f.span.file == id).collect();
        let errs = mine.iter().filter(|f| is_error(f)).count();
        writeln!(
            out,
            r#"  <testsuite name="{name}" tests="{}" failures="{}" errors="{errs}">"#,
            mine.len(),
            mine.len() - errs
        )?;
        for f in mine {
            let at = sources.start(f.span);
            let tag = if is_error(f) { "error" } else { "failure" };
            let mut body = format!(
                "{}:{}:{}: {}",
                sources.get(id).name,
                at.line,
                at.column,
                f.message
            );
            if let Some(h) = &f.help {
                body.push_str("\nhelp: ");
                body.push_str(h);
            }
            writeln!(
                out,
                r#"    <testcase name="{} at {}:{}" classname="{name}">"#,
                escape(f.check),
                at.line,
                at.column
            )?;
            writeln!(
                out,
                r#"      <{tag} message="{}" type="{}">{}</{tag}>"#,
                escape(&f.message),
                escape(f.severity.as_str()),
                escape(&body)
            )?;
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}
