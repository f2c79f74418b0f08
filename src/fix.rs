//! Fixes: the edits that resolve a finding, in the dialect's own syntax.
//!
//! A check that knows the remedy attaches a [`Fix`]: a title ("allow only TLSv1.2 and
//! newer"), an [`Applicability`] and one or more [`Edit`]s. Edits are written against spans
//! the parser recorded, so they need no second parse: replace a value, insert a line into a
//! block after its `{`, or append a line to a file. [`resolve`] turns them into byte ranges
//! once the sources are known, and the help line is rendered from the result ([`help`]),
//! so the help a user reads and the edit `--fix` makes cannot disagree.
//!
//! Applying ([`apply`]) sorts a file's edits and skips any that overlap an earlier one (the
//! re-lint after `--fix` reports what is left). Writing is `commands`' job, through
//! `write::write_atomically`.

use serde::Serialize;

use crate::source::{FileId, Sources, Span};

/// Whether a fix only tightens the config (safe) or may lock out clients (unsafe).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Keeps the config valid and only removes what the policy forbids.
    Safe,
    /// Keeps the config valid but may break clients (a replaced suite list, a dropped
    /// protocol version a client still needs).
    Unsafe,
}

impl Applicability {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// One change to a file, as a check describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edit {
    /// Replace the text at `span` with `text` (an empty span inserts).
    Replace {
        /// What to replace.
        span: Span,
        /// The replacement.
        text: String,
    },
    /// Insert `line` as the first line of the `{ ... }` block whose header starts at
    /// `header` (nginx and Dovecot blocks), indented one level deeper than the header.
    IntoBlock {
        /// The block's header (its name).
        header: Span,
        /// The line to insert, without indentation or line end.
        line: String,
    },
    /// Add `line` after the indented lines that follow the line at `header`: a
    /// continuation of the Postfix `master.cf` entry there (an `-o name=value` override), or
    /// a line at the end of the HAProxy section a `bind` line is in; indented as those lines.
    Continue {
        /// The entry's header (its service name).
        header: Span,
        /// The continuation, without indentation or line end.
        line: String,
    },
    /// Append `line` at the end of `file` (Postfix `main.cf`, Dovecot's global section).
    Append {
        /// The file.
        file: FileId,
        /// The line, without line end.
        line: String,
    },
}

/// A fix: what it does, whether it is safe, and its edits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, for the help line: "allow only TLSv1.2 and newer".
    pub title: String,
    /// Safe or unsafe.
    pub applicability: Applicability,
    /// The edits (resolved in place by [`resolve`]).
    pub edits: Vec<Edit>,
}

impl Fix {
    /// A fix replacing the text at `span` with `text`.
    pub fn replace(
        title: impl Into<String>,
        applicability: Applicability,
        span: Span,
        text: impl Into<String>,
    ) -> Fix {
        Fix {
            title: title.into(),
            applicability,
            edits: vec![Edit::Replace {
                span,
                text: text.into(),
            }],
        }
    }

    /// A fix with one edit.
    pub fn one(title: impl Into<String>, applicability: Applicability, edit: Edit) -> Fix {
        Fix {
            title: title.into(),
            applicability,
            edits: vec![edit],
        }
    }

    /// The edits as byte ranges, once [`resolve`] ran; `None` before or when an edit could
    /// not be placed.
    pub fn resolved(&self) -> Option<Vec<(Span, &str)>> {
        self.edits
            .iter()
            .map(|e| match e {
                Edit::Replace { span, text } => Some((*span, text.as_str())),
                _ => None,
            })
            .collect()
    }
}

/// Turns every edit into a [`Edit::Replace`] at a byte position of its file. Returns
/// `false` when an edit cannot be placed (a block without `{`, a withdrawn file): the
/// caller drops the fix rather than guess.
pub fn resolve(fix: &mut Fix, sources: &Sources) -> bool {
    for edit in &mut fix.edits {
        let placed = match edit {
            Edit::Replace { span, .. } => {
                let f = sources.get(span.file);
                (!f.redacted && span.end as usize <= f.text.len()).then(|| edit.clone())
            }
            Edit::IntoBlock { header, line } => into_block(*header, line, sources),
            Edit::Continue { header, line } => continuation(*header, line, sources),
            Edit::Append { file, line } => {
                let f = sources.get(*file);
                (!f.redacted).then(|| {
                    let text = &f.text;
                    let lead = if text.is_empty() || text.ends_with('\n') {
                        ""
                    } else {
                        "\n"
                    };
                    Edit::Replace {
                        span: Span::new(*file, text.len(), text.len()),
                        text: format!("{lead}{line}\n"),
                    }
                })
            }
        };
        match placed {
            Some(e) => *edit = e,
            None => return false,
        }
    }
    true
}

/// The edit inserting `line` after the `{` of the block whose header starts at `header`.
fn into_block(header: Span, line: &str, sources: &Sources) -> Option<Edit> {
    let f = sources.get(header.file);
    if f.redacted {
        return None;
    }
    let text: &str = &f.text;
    let from = header.start as usize;
    // The header's own line up to the brace: a name, arguments, no comment or quote that
    // could hold a `{` (blocks whose header spans lines get no fix).
    let rest = text.get(from..)?;
    // An httpd section tag (`<VirtualHost *:443>`) ends its header line with `>`.
    let (close, brace) = if rest.starts_with('<') {
        (b'>', rest.find(['>', '\n', '#', '"', '\''])?)
    } else {
        (b'{', rest.find(['{', '\n', '#', '"', '\'', ';'])?)
    };
    if rest.as_bytes().get(brace) != Some(&close) {
        return None;
    }
    let at = from + brace + 1;
    let line_start = text[..from].rfind('\n').map_or(0, |i| i + 1);
    let indent: String = text[line_start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    // One level deeper, in the file's own unit (a tab where the header is tab-indented).
    let unit = if indent.contains('\t') { "\t" } else { "    " };
    Some(Edit::Replace {
        span: Span::new(header.file, at, at),
        text: format!("\n{indent}{unit}{line}"),
    })
}

/// The edit adding `line` after the last continuation line of the `master.cf` entry whose
/// header starts at `header`. master(8) joins a line that starts with whitespace to the entry
/// before it; comment and blank lines between them are skipped, so the new line goes right
/// after the entry's last non-blank, non-comment line.
fn continuation(header: Span, line: &str, sources: &Sources) -> Option<Edit> {
    let f = sources.get(header.file);
    if f.redacted {
        return None;
    }
    let text: &str = &f.text;
    let start = header.start as usize;
    let mut end = start + text.get(start..)?.find('\n').unwrap_or(text.len() - start);
    let mut indent = "    ";
    let mut at = end + 1;
    while at < text.len() {
        let next = at + text[at..].find('\n').unwrap_or(text.len() - at);
        let l = &text[at..next];
        let body = l.trim_start();
        if body.is_empty() || body.starts_with('#') {
            // Blank and comment lines neither end nor continue the entry.
        } else if l.starts_with([' ', '\t']) {
            indent = &l[..l.len() - body.len()];
            end = next;
        } else {
            break;
        }
        at = next + 1;
    }
    Some(Edit::Replace {
        span: Span::new(header.file, end, end),
        text: format!("\n{indent}{line}"),
    })
}

/// How far around an edit its line is looked for: a config on one huge line must not make
/// every help line copy it.
const AROUND: usize = 160;

/// The help line for a resolved fix: its title and the line(s) it leaves, as the file will
/// read after the fix (trimmed), so a user applying it by hand writes exactly what `--fix`
/// would.
pub fn help(fix: &Fix, sources: &Sources) -> Option<String> {
    let edits = fix.resolved()?;
    let (span, text) = *edits.first()?;
    let src: &str = &sources.get(span.file).text;
    let (start, end) = (span.start as usize, span.end as usize);
    let before = src.get(start.saturating_sub(AROUND)..start).unwrap_or("");
    let after = src.get(end..(end + AROUND).min(src.len())).unwrap_or("");
    // A trailing comment is not part of what to write.
    let uncommented =
        |tail: &'_ str| -> String { tail.find(" #").map_or(tail, |c| &tail[..c]).to_owned() };
    let shown = match (before.rfind('\n'), after.find('\n')) {
        _ if text.contains('\n') => text.trim().to_owned(),
        (Some(b), Some(a)) => format!("{}{text}{}", &before[b + 1..], uncommented(&after[..a])),
        (None, Some(a)) if start <= AROUND => format!("{before}{text}{}", uncommented(&after[..a])),
        (Some(b), None) if end + AROUND >= src.len() => {
            format!("{}{text}{}", &before[b + 1..], uncommented(after))
        }
        _ => text.to_owned(),
    }
    .trim()
    .to_owned();
    let more = match edits.len() {
        1 => String::new(),
        2 => " (and one more edit)".to_owned(),
        n => format!(" (and {} more edits)", n - 1),
    };
    Some(format!("{}: `{shown}`{more}", fix.title))
}

/// `text` with `edits` applied (byte ranges of this text). Edits are applied in order of
/// position; one that overlaps an edit already taken is skipped. Returns the new text and
/// how many edits were skipped.
pub fn apply(text: &str, edits: &mut [(usize, usize, String)]) -> (String, usize) {
    edits.sort_by_key(|e| (e.0, e.1));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    let mut skipped = 0;
    for (start, end, new) in edits.iter() {
        // Two insertions at one place are taken once, as is anything reaching back into
        // text an earlier edit replaced.
        if *start < at || (*start == at && at > 0 && *start == *end && out.ends_with(new.as_str()))
        {
            skipped += 1;
            continue;
        }
        let (Some(keep), true) = (text.get(at..*start), *end <= text.len()) else {
            skipped += 1;
            continue;
        };
        out.push_str(keep);
        out.push_str(new);
        at = *end;
    }
    out.push_str(text.get(at..).unwrap_or(""));
    (out, skipped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn one_file(text: &str) -> (Sources, FileId) {
        let mut s = Sources::new();
        let id = s.add(PathBuf::from("a.conf"), "a.conf".into(), text.to_owned());
        (s, id)
    }

    /// `text` with a resolved fix's edits applied, none skipped.
    fn applied(fix: &Fix, text: &str) -> String {
        let Some(edits) = fix.resolved() else {
            panic!("unresolved")
        };
        let mut e: Vec<_> = edits
            .iter()
            .map(|(sp, t)| (sp.start as usize, sp.end as usize, (*t).to_owned()))
            .collect();
        let (out, skipped) = apply(text, &mut e);
        assert_eq!(skipped, 0);
        out
    }

    #[test]
    fn into_block_indents_one_level_deeper() {
        let (s, id) = one_file("http {\n  server {\n    listen 443 ssl;\n  }\n}\n");
        let mut fix = Fix::one(
            "t",
            Applicability::Safe,
            Edit::IntoBlock {
                header: Span::new(id, 9, 15),
                line: "ssl_protocols TLSv1.2 TLSv1.3;".into(),
            },
        );
        assert!(resolve(&mut fix, &s));
        let out = applied(&fix, &s.get(id).text);
        assert_eq!(
            out,
            "http {\n  server {\n      ssl_protocols TLSv1.2 TLSv1.3;\n    listen 443 ssl;\n  }\n}\n"
        );
        assert_eq!(
            help(&fix, &s).as_deref(),
            Some("t: `ssl_protocols TLSv1.2 TLSv1.3;`")
        );
    }

    #[test]
    fn continuation_goes_after_the_entry_s_last_line() {
        let text = "submission inet n - y - - smtpd\n  -o syslog_name=postfix/submission\n# note\n\n\t-o smtpd_tls_security_level=encrypt\n# next\nsmtps inet n - y - - smtpd\n";
        let (s, id) = one_file(text);
        let mut fix = Fix::one(
            "t",
            Applicability::Safe,
            Edit::Continue {
                header: Span::new(id, 0, 10),
                line: "-o smtpd_tls_mandatory_protocols=>=TLSv1.2".into(),
            },
        );
        assert!(resolve(&mut fix, &s));
        let out = applied(&fix, text);
        assert_eq!(
            out,
            text.replace(
                "=encrypt\n",
                "=encrypt\n\t-o smtpd_tls_mandatory_protocols=>=TLSv1.2\n"
            )
        );
    }

    #[test]
    fn append_adds_a_line_end_where_missing() {
        let (s, id) = one_file("smtpd_tls_security_level = may");
        let mut fix = Fix::one(
            "t",
            Applicability::Safe,
            Edit::Append {
                file: id,
                line: "tls_eecdh_auto_curves = X25519 prime256v1".into(),
            },
        );
        assert!(resolve(&mut fix, &s));
        assert_eq!(
            help(&fix, &s).as_deref(),
            Some("t: `tls_eecdh_auto_curves = X25519 prime256v1`")
        );
    }

    #[test]
    fn replace_shows_the_line_as_it_will_read() {
        let (s, id) = one_file("  ssl_protocols TLSv1 TLSv1.2; # old\n");
        let mut fix = Fix::replace(
            "t",
            Applicability::Safe,
            Span::new(id, 16, 29),
            "TLSv1.2 TLSv1.3",
        );
        assert!(resolve(&mut fix, &s));
        assert_eq!(
            help(&fix, &s).as_deref(),
            Some("t: `ssl_protocols TLSv1.2 TLSv1.3;`")
        );
    }

    #[test]
    fn overlapping_edits_are_skipped() {
        let mut e = vec![
            (0, 3, "x".to_owned()),
            (2, 4, "y".to_owned()),
            (5, 5, "z".to_owned()),
        ];
        let (out, skipped) = apply("abcdef", &mut e);
        assert_eq!((out.as_str(), skipped), ("xdezf", 1));
    }
}
