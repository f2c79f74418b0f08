//! `--format github`: GitHub Actions workflow commands that annotate the changed lines.
//!
//! `::error file=F,line=L,endLine=EL,col=C,endColumn=EC,title=T::MESSAGE` (also `::warning`,
//! `::notice`). Escaping follows actions/toolkit `command.ts`: in the message `%`, `\r`, `\n`
//! become `%25`, `%0D`, `%0A`; property values additionally escape `:` and `,`. Before
//! that, every piece of input text goes through [`crate::escape`], so no raw control
//! character (ESC, BEL, C1, bidi) reaches the log and the only line break in a message is
//! the one tlslint puts before `help:`. Columns are
//! only given for single-line ranges (GitHub ignores them otherwise). GitHub shows at most 10
//! error and 10 warning annotations per step, so the README suggests printing the human
//! report as well.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::shown;
use crate::diagnostic::{Finding, Severity};
use crate::escape;
use crate::source::Sources;

/// Escapes a message (the text after `::`).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (`file=`, `title=`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Writes one annotation per finding.
pub fn emit(findings: &[Finding], sources: &Sources, out: &mut dyn Write) -> io::Result<()> {
    for f in findings {
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let start = sources.start(f.span);
        let end = sources.end(f.span);
        let mut props = format!(
            "file={},line={},endLine={}",
            escape_property(&escape::escape(&sources.get(f.span.file).name)),
            start.line,
            end.line
        );
        if start.line == end.line {
            let _ = write!(props, ",col={},endColumn={}", start.column, end.column);
        }
        let _ = write!(
            props,
            ",title={}",
            escape_property(&format!("tlslint ({})", f.check))
        );
        let message = match &f.help {
            Some(h) => format!("{}\nhelp: {}", shown(&f.message), shown(h)),
            None => shown(&f.message).into_owned(),
        };
        writeln!(out, "::{command} {props}::{}", escape_data(&message))?;
    }
    Ok(())
}
