//! `tlslint ciphers`: prints a cipher string's expansion like `openssl ciphers`.
//!
//! Text output is one `:`-separated line, byte for byte what
//! `openssl ciphers -ciphersuites '' -- STRING` prints for the chosen profile (`-s`: the list
//! after the security-level filter, like `-s -psk -srp`); `-v` prints a table with each
//! suite's attributes and classification instead. Unknown words and rejections go to `err`
//! as plain text, and so do inclusion terms that match no suite of the profile. `--format json` prints one versioned object. No miette here: this output
//! is meant to be diffed against OpenSSL's.

use std::io::{self, Write};

use serde::Serialize;

use crate::cipher::{self, Expansion, Profile, Suite};

/// What to print: the cipher string and how (the command's options, without clap).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Request {
    /// The cipher string.
    pub string: String,
    /// A table with each suite's attributes instead of one line.
    pub verbose: bool,
    /// The list after the security-level filter (`-s`).
    pub seclevel: bool,
    /// One JSON object instead of text.
    pub json: bool,
}

/// Runs the subcommand; returns the exit code (0 accepted, 1 rejected by OpenSSL).
pub fn run(
    args: &Request,
    profile: Profile,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<u8> {
    let expansion = cipher::expand(&args.string, profile);
    let code = u8::from(expansion.error.is_some());
    if args.json {
        write_json(args, profile, &expansion, out)?;
    } else {
        write_text(args, profile, &expansion, out, err)?;
    }
    Ok(code)
}

/// The suites to print: raw, or after the security-level filter with `-s`.
fn shown<'a>(args: &Request, e: &'a Expansion) -> &'a [&'static Suite] {
    if args.seclevel { &e.usable } else { &e.suites }
}

fn write_text(
    args: &Request,
    profile: Profile,
    e: &Expansion,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<()> {
    for u in &e.unknown {
        write!(
            err,
            "warning: unknown cipher word \"{}\" ignored",
            crate::escape::escape(&u.word)
        )?;
        match &u.suggestion {
            Some(s) => writeln!(err, " (did you mean \"{s}\"?)")?,
            None => writeln!(err)?,
        }
    }
    for t in &e.empty_terms {
        writeln!(
            err,
            "warning: \"{}\" matches no suite in OpenSSL {profile}; ignored",
            crate::escape::escape(&t.term)
        )?;
    }
    if let Some(error) = &e.error {
        write!(
            err,
            "error: OpenSSL rejects the cipher string: {}",
            crate::escape::escape(&error.message)
        )?;
        match &error.range {
            Some(r) => writeln!(err, " (at byte {})", r.start)?,
            None => writeln!(err)?,
        }
        return Ok(());
    }
    let suites = shown(args, e);
    if args.verbose {
        write_table(suites, out)
    } else {
        let names: Vec<&str> = suites.iter().map(|s| s.openssl_name).collect();
        writeln!(out, "{}", names.join(":"))
    }
}

/// One row of the `-v` table.
fn row(s: &Suite) -> [String; 10] {
    let weak = !s.weaknesses().is_empty();
    [
        if weak { "!".into() } else { " ".into() },
        s.openssl_name.into(),
        if s.iana_name.is_empty() {
            "-".into()
        } else {
            s.iana_name.into()
        },
        s.min_protocol.as_str().into(),
        format!("Kx={}", s.kx),
        format!("Au={}", s.auth),
        format!("Enc={}", s.enc),
        format!("Mac={}", s.mac),
        format!("bits={}", s.bits),
        s.classes().join(","),
    ]
}

fn write_table(suites: &[&'static Suite], out: &mut dyn Write) -> io::Result<()> {
    let rows: Vec<[String; 10]> = suites.iter().map(|s| row(s)).collect();
    let mut widths = [0usize; 10];
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.len());
        }
    }
    for r in &rows {
        let mut line = String::new();
        for (i, (cell, w)) in r.iter().zip(widths).enumerate() {
            if i > 0 {
                line.push(' ');
            }
            if i + 1 == r.len() {
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.extend(std::iter::repeat_n(' ', w.saturating_sub(cell.len())));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    let weak = rows.iter().filter(|r| r[0] == "!").count();
    if weak > 0 {
        writeln!(out, "{weak} of {} suites marked \"!\" are weak", rows.len())?;
    }
    Ok(())
}

/// `--format json`: `{"version":1, ...}`; the field order is part of the contract.
#[derive(Serialize)]
struct JsonOut<'a> {
    version: u32,
    string: &'a str,
    profile: &'static str,
    security_level: u8,
    /// Whether `ciphers` is the list after the security-level filter (`-s`).
    filtered: bool,
    ciphers: Vec<JsonSuite>,
    unknown: Vec<JsonUnknown>,
    error: Option<JsonError>,
}

#[derive(Serialize)]
struct JsonSuite {
    name: &'static str,
    iana: &'static str,
    id: String,
    protocol: &'static str,
    kx: &'static str,
    au: &'static str,
    enc: &'static str,
    mac: &'static str,
    bits: u16,
    usable: bool,
    classes: Vec<&'static str>,
    weaknesses: Vec<&'static str>,
}

#[derive(Serialize)]
struct JsonUnknown {
    word: String,
    start: usize,
    end: usize,
    suggestion: Option<String>,
}

#[derive(Serialize)]
struct JsonError {
    message: String,
    start: Option<usize>,
    end: Option<usize>,
}

fn write_json(
    args: &Request,
    profile: Profile,
    e: &Expansion,
    out: &mut dyn Write,
) -> io::Result<()> {
    let ciphers = shown(args, e)
        .iter()
        .map(|s| JsonSuite {
            name: s.openssl_name,
            iana: s.iana_name,
            id: format!("0x{:04X}", s.id),
            protocol: s.min_protocol.as_str(),
            kx: s.kx,
            au: s.auth,
            enc: s.enc,
            mac: s.mac,
            bits: s.bits,
            usable: e.usable.iter().any(|u| u.id == s.id),
            classes: s.classes(),
            weaknesses: s.weaknesses(),
        })
        .collect();
    let doc = JsonOut {
        version: 1,
        string: &args.string,
        profile: profile.name(),
        security_level: e.security_level,
        filtered: args.seclevel,
        ciphers,
        unknown: e
            .unknown
            .iter()
            .map(|u| JsonUnknown {
                word: u.word.clone(),
                start: u.range.start,
                end: u.range.end,
                suggestion: u.suggestion.clone(),
            })
            .collect(),
        error: e.error.as_ref().map(|x| JsonError {
            message: x.message.clone(),
            start: x.range.as_ref().map(|r| r.start),
            end: x.range.as_ref().map(|r| r.end),
        }),
    };
    serde_json::to_writer(&mut *out, &doc).map_err(io::Error::other)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(string: &str, verbose: bool, seclevel: bool, json: bool) -> Request {
        Request {
            string: string.into(),
            verbose,
            seclevel,
            json,
        }
    }

    fn capture(a: &Request) -> (u8, String, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = run(a, Profile::V3_0, &mut out, &mut err).expect("write to a Vec");
        (
            code,
            String::from_utf8(out).expect("utf-8"),
            String::from_utf8(err).expect("utf-8"),
        )
    }

    #[test]
    fn prints_one_line_like_openssl() {
        let (code, out, err) = capture(&args("EECDH+AESGCM:!RC4x", false, false, false));
        assert_eq!(code, 0);
        assert_eq!(
            out,
            "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:\
             ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256\n"
        );
        assert_eq!(
            err,
            "warning: unknown cipher word \"RC4x\" ignored (did you mean \"RC4\"?)\n"
        );
    }

    #[test]
    fn rejection_exits_1() {
        let (code, out, err) = capture(&args("HIGH*", false, false, false));
        assert_eq!(code, 1);
        assert!(out.is_empty());
        assert!(
            err.starts_with("error: OpenSSL rejects the cipher string: \"*\""),
            "{err}"
        );
        let (code, _, err) = capture(&args("-ALL", false, false, false));
        assert_eq!(code, 1);
        assert!(err.contains("no cipher match"), "{err}");
    }

    #[test]
    fn seclevel_filter_and_table() {
        let (_, out, _) = capture(&args("aNULL:AES128-SHA", false, true, false));
        assert_eq!(out, "AES128-SHA\n");
        let (_, out, _) = capture(&args("ADH-AES128-SHA:AES128-SHA", true, false, false));
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[0].starts_with("! ADH-AES128-SHA"), "{out}");
        assert!(lines[0].ends_with("CBC,SHA1,anonymous"), "{out}");
        assert!(lines[1].starts_with("  AES128-SHA"), "{out}");
        assert!(lines[2].contains("are weak"), "{out}");
    }

    #[test]
    fn json_contract() {
        let (code, out, _) = capture(&args("AES128-SHA:FOO", false, false, true));
        assert_eq!(code, 0);
        let v: serde_json::Value = serde_json::from_str(&out).expect("json");
        assert_eq!(v["version"], 1);
        assert_eq!(v["profile"], "3.0");
        assert_eq!(v["ciphers"][0]["name"], "AES128-SHA");
        assert_eq!(v["ciphers"][0]["id"], "0x002F");
        assert_eq!(v["unknown"][0]["word"], "FOO");
        assert!(v["error"].is_null());
        assert!(out.starts_with("{\"version\":1,\"string\":"));
    }
}
