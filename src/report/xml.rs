//! XML text escaping shared by the JUnit and checkstyle reports.

/// Escapes text for an XML attribute value or element content. Characters XML 1.0 forbids
/// (most C0 controls) become U+FFFD so the document stays well-formed whatever a config holds.
pub(super) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Character references survive attribute-value normalisation, raw newlines don't.
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes() {
        assert_eq!(
            super::escape("a<b & \"c\" 'd' \u{1}"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos; \u{FFFD}"
        );
    }
}
