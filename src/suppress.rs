//! Inline suppressions: `# tlslint: allow(check, ...) reason="..." until=YYYY-MM-DD`.
//!
//! Comments are scanned from each file's raw text, line by line, the same way for every
//! dialect (the YAML and TOML parsers drop comments, and Postfix has no trailing comments),
//! so this module knows nothing about parsers. Three forms exist:
//!
//! - a comment line (or a stack of comment lines) directly above the line it applies to;
//! - a trailing comment at the end of the line it applies to (not in Postfix `*.cf` files,
//!   where a `#` after a value is part of the value);
//! - `# tlslint: allow-file(check) reason="..."` before the first non-comment line, for the
//!   whole file.
//!
//! A line suppression covers its target line and that line's indented continuation lines
//! (a Postfix value or an nginx directive split over several lines), but never the body of a
//! block opened on the target line. The suppression pass ([`apply`]) hides matching findings
//! and reports the suppressions themselves: `invalid-suppression` (malformed, unknown check,
//! missing reason), `expired-suppression` (past its `until` date; it no longer hides anything)
//! and `unused-suppression` (nothing matched a named check that ran).

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::diagnostic::Finding;
use crate::source::{FileId, SourceFile, Sources, Span};

/// Name of the check reporting suppressions past their `until` date.
pub const EXPIRED: &str = "expired-suppression";
/// Name of the check reporting suppressions that hide nothing.
pub const UNUSED: &str = "unused-suppression";
/// Name of the check reporting malformed suppressions.
pub const INVALID: &str = "invalid-suppression";

/// A calendar date (proleptic Gregorian).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u8,
    /// Day, 1–31.
    pub day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD`, rejecting impossible days (`2027-02-30`).
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = s.get(r)?;
            part.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| part.parse().ok())?
        };
        let year = i32::try_from(num(0..4)?).ok()?;
        let month = u8::try_from(num(5..7)?).ok()?;
        let day = u8::try_from(num(8..10)?).ok()?;
        let max = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
            2 => 28,
            _ => return None,
        };
        (1..=max)
            .contains(&day)
            .then_some(Date { year, month, day })
    }

    /// The civil date of a count of days since 1970-01-01.
    ///
    /// The usual era-based conversion: shift the epoch to 0000-03-01 so leap days fall at
    /// the end of a year, split into 400-year eras (146 097 days each), then recover year of
    /// era, day of year and the March-based month.
    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date {
            year: i32::try_from(year).unwrap_or(i32::MAX),
            month: u8::try_from(month).unwrap_or(1),
            day: u8::try_from(day).unwrap_or(1),
        }
    }

    /// Today in UTC, from the system clock.
    pub fn today() -> Date {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::from_days(i64::try_from(secs / 86_400).unwrap_or(0))
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// How the suppression pass behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Suppressions without `reason="..."` are invalid (and hide nothing).
    pub require_reason: bool,
    /// The date `until=` is compared with.
    pub today: Date,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            require_reason: true,
            today: Date::today(),
        }
    }
}

/// What a suppression applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// Findings starting on these 1-based lines (inclusive).
    Lines(usize, usize),
    /// Every finding in the file.
    File,
}

/// One check named in a suppression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Named {
    /// The check's name as written.
    pub name: String,
    /// Where it is written.
    pub span: Span,
}

/// A parsed suppression comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    /// The whole comment (from `#` to the end of the line).
    pub span: Span,
    /// The checks it names.
    pub checks: Vec<Named>,
    /// The reason, when given.
    pub reason: Option<String>,
    /// The expiry date and where it is written.
    pub until: Option<(Date, Span)>,
    /// What it covers.
    pub target: Target,
}

/// A comment that looks like a suppression but cannot be one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid {
    /// Where.
    pub span: Span,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
}

/// Everything found in one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scan {
    /// Well-formed suppressions.
    pub suppressions: Vec<Suppression>,
    /// Malformed ones.
    pub invalid: Vec<Invalid>,
}

/// True for files where `#` after a value belongs to the value (Postfix `main.cf`,
/// `master.cf`), so only whole-line comments are suppressions.
fn whole_line_only(file: &SourceFile) -> bool {
    let name = file
        .path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    Path::new(&name).extension().is_some_and(|e| e == "cf")
}

/// Scans one file's text for suppression comments.
pub fn scan(id: FileId, file: &SourceFile) -> Scan {
    let text: &str = &file.text;
    // Every suppression (valid or not) starts with `tlslint:`; most files have none.
    if !text.contains("tlslint:") {
        return Scan::default();
    }
    let trailing_ok = !whole_line_only(file);
    // (byte offset of line start, line without its newline)
    let lines: Vec<(usize, &str)> = {
        let mut v = Vec::new();
        let mut start = 0;
        for line in text.split_inclusive('\n') {
            let body = line.trim_end_matches(['\n', '\r']);
            v.push((start, body));
            start += line.len();
        }
        v
    };
    let mut out = Scan::default();
    let mut seen_code = false;
    for (i, &(start, line)) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let whole = trimmed.starts_with('#');
        let at = if whole {
            Some(line.len() - trimmed.len())
        } else if trailing_ok {
            trailing_comment(line)
        } else {
            None
        };
        if let Some(hash) = at
            && let Some(body_at) = directive_start(&line[hash..])
        {
            let abs = start + hash;
            let comment = Span::new(id, abs, start + line.len());
            match parse_comment(id, abs, &line[hash..], body_at) {
                Ok(parsed) => {
                    let target = if parsed.file_level {
                        if seen_code || !whole {
                            out.invalid.push(Invalid {
                                span: comment,
                                message: "`allow-file` must come before the first setting of \
                                          the file"
                                    .to_owned(),
                                help: Some(
                                    "move it to the top of the file, or use `allow(...)` \
                                     directly above the line"
                                        .to_owned(),
                                ),
                            });
                            continue;
                        }
                        Target::File
                    } else if whole {
                        target_below(&lines, i)
                    } else {
                        extent(&lines, i)
                    };
                    out.suppressions.push(Suppression {
                        span: comment,
                        checks: parsed.checks,
                        reason: parsed.reason,
                        until: parsed.until,
                        target,
                    });
                }
                Err((span, message, help)) => out.invalid.push(Invalid {
                    span,
                    message,
                    help,
                }),
            }
        }
        if !whole && !trimmed.is_empty() {
            seen_code = true;
        }
    }
    out
}

/// Offset of a trailing `# tlslint:` comment in a line with code before it.
fn trailing_comment(line: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(pos) = line[from..].find('#') {
        let at = from + pos;
        if directive_start(&line[at..]).is_some() {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// For a comment starting with `#`, the offset just past `tlslint:` when it is one of ours.
fn directive_start(comment: &str) -> Option<usize> {
    let rest = comment.strip_prefix('#')?;
    let ws = rest.len() - rest.trim_start().len();
    let after = rest.trim_start().strip_prefix("tlslint:")?;
    Some(comment.len() - after.len()).filter(|_| ws <= 4)
}

/// The line a whole-line suppression applies to: the first line below that is not a
/// comment, with its continuation lines. A blank line in between ends the search, so a
/// suppression separated from code by a blank line applies to nothing (and is reported).
fn target_below(lines: &[(usize, &str)], i: usize) -> Target {
    let mut j = i + 1;
    while j < lines.len() && lines[j].1.trim_start().starts_with('#') {
        j += 1;
    }
    if j >= lines.len() || lines[j].1.trim().is_empty() {
        // Points past the file or at a blank line: nothing can start there.
        return Target::Lines(j + 1, j + 1);
    }
    extent(lines, j)
}

/// Line `j` (0-based) plus its more-indented continuation lines, as 1-based lines. A line
/// that opens a block covers only itself, and a continuation line that opens one ends the
/// extent after itself (`server` with `{` on the next, deeper line).
fn extent(lines: &[(usize, &str)], j: usize) -> Target {
    let line = lines[j].1;
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut end = j;
    if !opens_block(line) {
        while end + 1 < lines.len() {
            let next = lines[end + 1].1;
            if next.trim().is_empty() || indent(next) <= indent(line) {
                break;
            }
            end += 1;
            if opens_block(next) {
                break;
            }
        }
    }
    Target::Lines(j + 1, end + 1)
}

/// True when `line` opens a block whose body is not part of the line: nginx and Dovecot
/// `... {`, a YAML key with nested keys (`key:`, also with an anchor or tag: `key: &a`),
/// a lone YAML `-` item, a TOML table header `[x]` / `[[x]]`. The same rules serve every
/// dialect: none of these shapes ends a plain setting in another one.
fn opens_block(line: &str) -> bool {
    let code = code_part(line).trim();
    if code.ends_with('{') || code.ends_with(':') || code == "-" {
        return true;
    }
    if code.starts_with('[') && code.ends_with(']') && !code.contains('=') {
        return true;
    }
    // YAML `key: &anchor`, `key: !tag`, `key: &anchor !tag`: still a key with nested keys.
    // The key is one word, so `ssl_ciphers HIGH:!aNULL: !MD5;` is not taken for one.
    code.split_once(": ").is_some_and(|(k, v)| {
        !k.trim_start_matches("- ").contains(char::is_whitespace)
            && v.split_whitespace()
                .all(|w| w.len() > 1 && (w.starts_with('&') || w.starts_with('!')))
    })
}

/// `line` without a trailing comment: from the first `#` outside quotes that starts the line
/// or follows whitespace or `{` (`server {# note`, `key:\t# note`).
fn code_part(line: &str) -> &str {
    let mut quote = None;
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' && (prev.is_whitespace() || prev == '{' || prev == ';') => {
                return &line[..i];
            }
            Some(_) | None => {}
        }
        prev = c;
    }
    line
}

struct ParsedComment {
    file_level: bool,
    checks: Vec<Named>,
    reason: Option<String>,
    until: Option<(Date, Span)>,
}

type ParseFail = (Span, String, Option<String>);

const SYNTAX_HELP: &str = "write `# tlslint: allow(check-name) reason=\"why\"`, optionally followed by `until=YYYY-MM-DD`";

/// Parses the part of a comment after `tlslint:`. `abs` is the comment's byte offset in the
/// file, `at` the offset of the text after `tlslint:` inside `comment`.
fn parse_comment(
    id: FileId,
    abs: usize,
    comment: &str,
    at: usize,
) -> Result<ParsedComment, ParseFail> {
    let span = |a: usize, b: usize| Span::new(id, abs + a, abs + b);
    let whole = span(0, comment.len());
    let fail = |s: Span, m: &str| Err((s, m.to_owned(), Some(SYNTAX_HELP.to_owned())));
    let mut pos = at + (comment[at..].len() - comment[at..].trim_start().len());
    let rest = &comment[pos..];
    let (file_level, word) = if rest.starts_with("allow-file(") {
        (true, "allow-file(")
    } else if rest.starts_with("allow(") {
        (false, "allow(")
    } else {
        return fail(
            whole,
            "unknown tlslint comment: expected `allow(...)` or `allow-file(...)`",
        );
    };
    pos += word.len();
    let Some(close) = comment[pos..].find(')') else {
        return fail(whole, "`allow(` is not closed with `)`");
    };
    let mut checks = Vec::new();
    let mut item_at = pos;
    for item in comment[pos..pos + close].split(',') {
        let lead = item.len() - item.trim_start().len();
        let name = item.trim();
        let s = span(item_at + lead, item_at + lead + name.len());
        if name.is_empty() {
            return fail(s, "empty check name in `allow(...)`");
        }
        checks.push(Named {
            name: name.to_owned(),
            span: s,
        });
        item_at += item.len() + 1;
    }
    pos += close + 1;
    let mut reason = None;
    let mut until = None;
    loop {
        let skipped = comment[pos..].len() - comment[pos..].trim_start().len();
        pos += skipped;
        if pos >= comment.len() {
            break;
        }
        let rest = &comment[pos..];
        if let Some(r) = rest.strip_prefix("reason=\"") {
            let Some(end) = r.find('"') else {
                return fail(
                    span(pos, comment.len()),
                    "`reason=\"` is not closed with `\"`",
                );
            };
            let text = r[..end].trim();
            if text.is_empty() {
                return fail(span(pos, pos + 9 + end), "the reason is empty");
            }
            reason = Some(text.to_owned());
            pos += "reason=\"".len() + end + 1;
        } else if let Some(r) = rest.strip_prefix("until=") {
            // `until=  2027-01-01` is accepted; the span and the cursor must then start
            // at the value, not at the blanks before it.
            let lead = r.len() - r.trim_start().len();
            let value: &str = r.split_whitespace().next().unwrap_or("");
            let s = span(pos + 6 + lead, pos + 6 + lead + value.len());
            let Some(d) = Date::parse(value) else {
                return Err((
                    s,
                    format!("`{value}` is not a date"),
                    Some("write the expiry as `until=YYYY-MM-DD`".to_owned()),
                ));
            };
            until = Some((d, s));
            pos += 6 + lead + value.len();
        } else {
            let word = rest.split_whitespace().next().unwrap_or(rest);
            return fail(
                span(pos, pos + word.len()),
                &format!("unexpected `{word}` in a suppression"),
            );
        }
    }
    Ok(ParsedComment {
        file_level,
        checks,
        reason,
        until,
    })
}

/// The engine's stamp for a suppression check's finding (its `check` set): sets severity
/// and policy as for every other check, and says whether the check runs (false: dropped).
pub type Stamp<'a> = &'a dyn Fn(&mut Finding) -> bool;

/// Hides findings that a valid, unexpired suppression covers, and returns the remaining
/// findings followed by the suppression checks' own findings.
///
/// `files` are the files whose comments count. `ran` says whether a check was run (so an
/// `allow` naming a check that did not run is not called unused), `stamp` stamps the
/// suppression checks' findings like the engine stamps all others.
pub fn apply(
    mut findings: Vec<Finding>,
    sources: &Sources,
    files: &[FileId],
    settings: Settings,
    ran: &dyn Fn(&str) -> bool,
    stamp: Stamp<'_>,
) -> Vec<Finding> {
    let mut extra = Vec::new();
    let mut active: Vec<(FileId, Suppression, Vec<bool>)> = Vec::new();
    let mut push = |check: &'static str, span: Span, message: String, help: Option<String>| {
        let mut f = Finding::at(span, message);
        f.check = check;
        f.help = help.map(crate::diagnostic::Text::from);
        f.label = "suppression".into();
        if stamp(&mut f) {
            extra.push(f);
        }
    };
    for &id in files {
        let scan = scan(id, sources.get(id));
        for bad in scan.invalid {
            push(INVALID, bad.span, bad.message, bad.help);
        }
        for s in scan.suppressions {
            if valid(&s, settings, &mut push) {
                let used = vec![false; s.checks.len()];
                active.push((id, s, used));
            }
        }
    }
    // Sorted by file (stably: order within a file is kept), each finding looks only at its
    // own file's suppressions (no findings × suppressions scan), and a file without any
    // (the usual case) costs one binary search.
    active.sort_by_key(|(id, _, _)| *id);
    findings.retain(|f| {
        let first = active.partition_point(|(id, _, _)| *id < f.span.file);
        let mine = &mut active[first..];
        let count = mine.partition_point(|(id, _, _)| *id == f.span.file);
        if count == 0 {
            return true;
        }
        let line = sources.start(f.span).line;
        let mut hidden = false;
        for (_, s, used) in &mut mine[..count] {
            let covers = match s.target {
                Target::File => true,
                Target::Lines(a, b) => (a..=b).contains(&line),
            };
            if !covers {
                continue;
            }
            for (n, u) in s.checks.iter().zip(used.iter_mut()) {
                if n.name == f.check {
                    *u = true;
                    hidden = true;
                }
            }
        }
        !hidden
    });
    for (_, s, used) in &active {
        for (n, u) in s.checks.iter().zip(used) {
            // A check that did not run (deselected, not in the policy) might well match:
            // reporting its suppression as unused would be a false alarm.
            if !*u && ran(&n.name) {
                let what = match s.target {
                    Target::File => "in this file".to_owned(),
                    Target::Lines(a, b) if a == b => format!("on line {a}"),
                    Target::Lines(a, b) => format!("on lines {a}-{b}"),
                };
                push(
                    UNUSED,
                    n.span,
                    format!(
                        "`{}` reports nothing {what}; this suppression is unused",
                        n.name
                    ),
                    Some(
                        "remove it (or move it directly above the line it is meant for)".to_owned(),
                    ),
                );
            }
        }
    }
    // Baseline key: the suppression's own text, which survives line shifts.
    for f in &mut extra {
        f.key = format!("suppression/{}", sources.get(f.span.file).slice(f.span));
    }
    findings.extend(extra);
    findings
}

/// Reports what is wrong with a suppression; true when it may hide findings.
fn valid(
    s: &Suppression,
    settings: Settings,
    push: &mut dyn FnMut(&'static str, Span, String, Option<String>),
) -> bool {
    let mut ok = true;
    for n in &s.checks {
        if crate::checks::find(&n.name).is_none() {
            push(
                INVALID,
                n.span,
                format!("`{}` is not a check", n.name),
                Some("`tlslint rules` lists the checks".to_owned()),
            );
            ok = false;
        }
    }
    if settings.require_reason && s.reason.is_none() {
        push(
            INVALID,
            s.span,
            "this suppression has no reason, so it hides nothing".to_owned(),
            Some(
                "add `reason=\"...\"` saying why the finding is acceptable \
                 (or set `require-reason = false` in .tlslint.toml)"
                    .to_owned(),
            ),
        );
        ok = false;
    }
    if let Some((date, span)) = s.until
        && date < settings.today
    {
        push(
            EXPIRED,
            span,
            format!(
                "suppression of {} expired on {date}; the finding is reported again",
                names(s)
            ),
            Some("fix the finding, or extend `until=` if the exception is still needed".to_owned()),
        );
        ok = false;
    }
    ok
}

fn names(s: &Suppression) -> String {
    s.checks
        .iter()
        .map(|n| format!("`{}`", n.name))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;

    fn file(name: &str, text: &str) -> (Sources, FileId) {
        let mut s = Sources::new();
        let id = s.add(name.into(), name.to_owned(), text.to_owned());
        (s, id)
    }

    fn finding(sources: &Sources, id: FileId, needle: &str, check: &'static str) -> Finding {
        let text = &sources.get(id).text;
        let at = text.find(needle).unwrap();
        let mut f = Finding::at(Span::new(id, at, at + needle.len()), "m");
        f.check = check;
        f.severity = Severity::Error;
        f
    }

    fn today() -> Settings {
        Settings {
            require_reason: true,
            today: Date::parse("2026-06-01").unwrap(),
        }
    }

    fn run(
        sources: &Sources,
        id: FileId,
        findings: Vec<Finding>,
        settings: Settings,
    ) -> Vec<Finding> {
        apply(findings, sources, &[id], settings, &|_| true, &|f| {
            f.severity = Severity::Warning;
            true
        })
    }

    fn checks_of(fs: &[Finding]) -> Vec<&str> {
        fs.iter().map(|f| f.check).collect()
    }

    #[test]
    fn dates() {
        assert_eq!(Date::from_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_days(19_723).to_string(), "2024-01-01");
        assert_eq!(Date::from_days(11_016).to_string(), "2000-02-29");
        assert_eq!(Date::from_days(-1).to_string(), "1969-12-31");
        assert!(Date::parse("2027-02-29").is_none());
        assert!(Date::parse("2028-02-29").is_some());
        assert!(Date::parse("2027-13-01").is_none());
        assert!(Date::parse("27-01-01").is_none());
        assert!(Date::today().year >= 2024);
    }

    #[test]
    fn above_line_hides_and_stacks() {
        let text = "server {\n    # tlslint: allow(legacy-protocol) reason=\"partner\"\n    # a note\n    ssl_protocols TLSv1 TLSv1.2;\n}\n";
        let (s, id) = file("nginx.conf", text);
        let f = finding(&s, id, "TLSv1 ", "legacy-protocol");
        assert!(run(&s, id, vec![f], today()).is_empty());
    }

    #[test]
    fn continuation_lines_are_covered_but_not_block_bodies() {
        let text = "# tlslint: allow(weak-cipher) reason=\"r\"\nssl_ciphers\n    'RC4:HIGH';\n# tlslint: allow(weak-cipher) reason=\"r\"\nserver {\n    ssl_ciphers RC4;\n}\n";
        let (s, id) = file("nginx.conf", text);
        let a = finding(&s, id, "'RC4", "weak-cipher");
        let b = finding(&s, id, "RC4;", "weak-cipher");
        let out = run(&s, id, vec![a, b], today());
        // The first is hidden; the second suppression targets `server {` only: unused.
        assert_eq!(checks_of(&out), ["weak-cipher", UNUSED]);
    }

    #[test]
    fn block_headers_cover_only_themselves_in_every_dialect() {
        let lines =
            |t: &'static str| -> Vec<(usize, &'static str)> { t.lines().map(|l| (0, l)).collect() };
        let cases: &[(&str, Target)] = &[
            // nginx: a comment after `{`, with or without blanks; `{` on the next line.
            (
                "server {\t# note\n    ssl_protocols TLSv1;\n}",
                Target::Lines(1, 1),
            ),
            (
                "server {# note\n    ssl_protocols TLSv1;\n}",
                Target::Lines(1, 1),
            ),
            (
                "server\n    {\n    ssl_protocols TLSv1;\n}",
                Target::Lines(1, 2),
            ),
            // Dovecot section.
            (
                "protocol pop3 {\n  ssl_min_protocol = TLSv1\n}",
                Target::Lines(1, 1),
            ),
            // YAML: nested keys, with a comment, an anchor or a tag; a lone `-` item.
            ("tls:  # note\n  min: '1.0'", Target::Lines(1, 1)),
            ("tls: &defaults\n  min: '1.0'", Target::Lines(1, 1)),
            ("tls: !!map\n  min: '1.0'", Target::Lines(1, 1)),
            ("-\n  min: '1.0'", Target::Lines(1, 1)),
            // TOML table headers, even with indented keys.
            ("[tls.options]\n  min = '1.0'", Target::Lines(1, 1)),
            ("[[servers]]  # note\n  min = '1.0'", Target::Lines(1, 1)),
            // Values split over lines stay covered.
            (
                "ssl_ciphers HIGH:!aNULL: !MD5\n    :!RC4;",
                Target::Lines(1, 2),
            ),
            (
                "smtpd_tls_protocols = !SSLv2,\n    !SSLv3",
                Target::Lines(1, 2),
            ),
            ("ciphers = [\n  'RC4',\n]", Target::Lines(1, 2)),
            ("key: |\n  a\n  b", Target::Lines(1, 3)),
            ("color = \"#fff\" {\n  x", Target::Lines(1, 1)),
        ];
        for (text, want) in cases {
            assert_eq!(extent(&lines(text), 0), *want, "{text:?}");
        }
    }

    #[test]
    fn same_line_and_postfix() {
        let text = "ssl_protocols TLSv1; # tlslint: allow(legacy-protocol) reason=\"x\"\n";
        let (s, id) = file("site.conf", text);
        let f = finding(&s, id, "TLSv1", "legacy-protocol");
        assert!(run(&s, id, vec![f], today()).is_empty());

        // In main.cf a trailing `#` is part of the value: not a suppression.
        let text = "smtpd_tls_protocols = TLSv1 # tlslint: allow(legacy-protocol) reason=\"x\"\n";
        let (s, id) = file("main.cf", text);
        let f = finding(&s, id, "TLSv1", "legacy-protocol");
        assert_eq!(
            checks_of(&run(&s, id, vec![f], today())),
            ["legacy-protocol"]
        );
    }

    #[test]
    fn file_level() {
        let text = "# header\n# tlslint: allow-file(weak-cipher) reason=\"lab box\"\nssl_ciphers RC4;\nssl_ciphers DES;\n# tlslint: allow-file(legacy-protocol) reason=\"late\"\n";
        let (s, id) = file("lab.conf", text);
        let a = finding(&s, id, "RC4", "weak-cipher");
        let b = finding(&s, id, "DES", "weak-cipher");
        let out = run(&s, id, vec![a, b], today());
        assert_eq!(checks_of(&out), [INVALID]);
        assert!(out[0].message.contains("before the first setting"));
        assert_eq!(s.start(out[0].span).line, 5);
    }

    #[test]
    fn reason_required_unless_configured() {
        let text = "# tlslint: allow(legacy-protocol)\nssl_protocols TLSv1;\n";
        let (s, id) = file("a.conf", text);
        let f = finding(&s, id, "TLSv1", "legacy-protocol");
        let out = run(&s, id, vec![f.clone()], today());
        assert_eq!(checks_of(&out), ["legacy-protocol", INVALID]);
        let relaxed = Settings {
            require_reason: false,
            ..today()
        };
        assert!(run(&s, id, vec![f], relaxed).is_empty());
    }

    #[test]
    fn expiry() {
        let text = "# tlslint: allow(legacy-protocol) reason=\"x\" until=2026-05-31\nssl_protocols TLSv1;\n# tlslint: allow(weak-cipher) reason=\"x\" until=2026-06-01\nssl_ciphers RC4;\n";
        let (s, id) = file("a.conf", text);
        let a = finding(&s, id, "TLSv1", "legacy-protocol");
        let b = finding(&s, id, "RC4", "weak-cipher");
        let out = run(&s, id, vec![a, b], today());
        assert_eq!(checks_of(&out), ["legacy-protocol", EXPIRED]);
        assert_eq!(s.get(id).slice(out[1].span), "2026-05-31");
        assert!(out[1].message.contains("expired on 2026-05-31"));
    }

    #[test]
    fn unused_and_unknown() {
        let text = "# tlslint: allow(legacy-protocol, weak-cipher) reason=\"x\"\nssl_protocols TLSv1;\n\n# tlslint: allow(legacy-protocl) reason=\"typo\"\nssl_protocols TLSv1;\n";
        let (s, id) = file("a.conf", text);
        let a = finding(&s, id, "TLSv1;", "legacy-protocol");
        let out = run(&s, id, vec![a], today());
        assert_eq!(checks_of(&out), [INVALID, UNUSED]);
        assert_eq!(s.get(id).slice(out[0].span), "legacy-protocl");
        assert_eq!(s.get(id).slice(out[1].span), "weak-cipher");
        // A check that did not run is never called unused.
        let out = apply(
            vec![],
            &s,
            &[id],
            today(),
            &|n| n != "weak-cipher" && n != "legacy-protocol",
            &|f| {
                f.severity = Severity::Warning;
                true
            },
        );
        assert_eq!(checks_of(&out), [INVALID]);
    }

    #[test]
    fn malformed_comments_are_located() {
        let text = "# tlslint: alow(x)\n# tlslint: allow(weak-cipher) reason=\"x\" until=tomorrow\n# tlslint: allow(weak-cipher) because\n# plain comment mentioning tlslint\n";
        let (s, id) = file("a.conf", text);
        let out = run(&s, id, vec![], today());
        let at: Vec<&str> = out.iter().map(|f| s.get(id).slice(f.span)).collect();
        assert_eq!(checks_of(&out), [INVALID, INVALID, INVALID]);
        assert_eq!(at, ["# tlslint: alow(x)", "tomorrow", "because"]);
    }

    #[test]
    fn until_value_after_blanks_is_located() {
        // Found by the nginx fuzz target: the span of a bad date after `until=` and blanks
        // was measured from `=`, ending inside the multi-byte character.
        let text = "# tlslint: allow(weak-cipher) reason=\"x\" until=   \u{fffd}\u{fffd}x\n# tlslint: allow(weak-cipher) reason=\"x\" until= 2027-01-01 junk\n";
        let (s, id) = file("a.conf", text);
        let out = run(&s, id, vec![], today());
        let at: Vec<&str> = out.iter().map(|f| s.get(id).slice(f.span)).collect();
        assert_eq!(checks_of(&out), [INVALID, INVALID]);
        assert_eq!(at, ["\u{fffd}\u{fffd}x", "junk"]);
    }

    #[test]
    fn blank_line_breaks_the_link() {
        let text = "# tlslint: allow(legacy-protocol) reason=\"x\"\n\nssl_protocols TLSv1;\n";
        let (s, id) = file("a.conf", text);
        let a = finding(&s, id, "TLSv1", "legacy-protocol");
        assert_eq!(
            checks_of(&run(&s, id, vec![a], today())),
            ["legacy-protocol", UNUSED]
        );
    }
}
