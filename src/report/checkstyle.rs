//! `--format checkstyle`: the checkstyle XML many CI tools import (Jenkins warnings-ng,
//! reviewdog, GitLab plugins).
//!
//! `<checkstyle version="4.3"><file name="F"><error line= column= severity= message=
//! source="tlslint.CHECK"/></file></checkstyle>`; severities `error`, `warning`, `info`.
//! Files are listed in the order of the (sorted) findings.

use std::io::{self, Write};

use super::xml::escape;
use crate::diagnostic::{Finding, Severity};
use crate::source::Sources;

/// Writes the checkstyle document.
pub fn emit(findings: &[Finding], sources: &Sources, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, r#"<checkstyle version="4.3">"#)?;
    let mut files: Vec<crate::source::FileId> = Vec::new();
    for f in findings {
        if !files.contains(&f.span.file) {
            files.push(f.span.file);
        }
    }
    for id in files {
        writeln!(out, r#"  <file name="{}">"#, escape(&sources.get(id).name))?;
        for f in findings.iter().filter(|f| f.span.file == id) {
            let at = sources.start(f.span);
            let severity = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Note => "info",
            };
            writeln!(
                out,
                r#"    <error line="{}" column="{}" severity="{severity}" message="{}" source="tlslint.{}"/>"#,
                at.line,
                at.column,
                escape(&f.message),
                escape(f.check)
            )?;
        }
        writeln!(out, "  </file>")?;
    }
    writeln!(out, "</checkstyle>")
}
