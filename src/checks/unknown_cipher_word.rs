//! `unknown-cipher-word`: a word in a cipher string that OpenSSL silently ignores.

use super::{Check, Context, Finding, FindingSource, Param, ParamKind, Severity};
use crate::cipher;
use crate::model::{CipherString, Ciphers, Endpoint, Setting};

pub(super) const CHECK: Check = Check {
    name: "unknown-cipher-word",
    summary: "a cipher word or suite name that the TLS library silently ignores",
    default_severity: Severity::Warning,
    params: &[Param::optional(
        "report-unavailable",
        ParamKind::Bool,
        "also report words naming suites that exist only in OpenSSL builds with weak ciphers (default true)",
    )],
    explain: EXPLAIN,
    source: FindingSource::Run(run),
    per_endpoint: true,
    judges_refused: false,
};

fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let report_unavailable = cx.params.flag("report-unavailable").unwrap_or(true);
    for e in cx.endpoints {
        let Some(setting) = &e.tls.ciphers else {
            continue;
        };
        match &setting.value {
            Ciphers::OpenSsl(cs) => {
                let exp = cx.expand(cs);
                for w in &exp.unknown {
                    let span = cs.span_of(w.range.clone());
                    // Words nobody wrote here (a program's built-in list, such as Postfix's
                    // grade defaults) are not the user's to fix.
                    if span.is_none()
                        && (setting.is_default() || cs.pieces.len() > 1 || cs.is_builtin(&w.range))
                    {
                        continue;
                    }
                    let excluded = cs.text[..w.range.start].ends_with(['!', '-']);
                    let known = cipher::is_known_word(&w.word);
                    // `!RC4` on a build without RC4 is a correct, harmless exclusion.
                    if known && (excluded || !report_unavailable) {
                        continue;
                    }
                    let message = if known {
                        format!(
                            "`{}` names suites this OpenSSL ({}) does not have; it is ignored and enables nothing",
                            w.word,
                            cx.profile()
                        )
                    } else {
                        format!("OpenSSL ignores the unknown cipher word `{}`", w.word)
                    };
                    let mut f = Finding::for_setting(e, setting, "ciphers", message)
                        .narrow(span)
                        .label(if known {
                            "not available in this OpenSSL"
                        } else {
                            "not a cipher name or alias"
                        });
                    f.key = format!("{}/ciphers/{}", e.key, w.word);
                    out.push(match &w.suggestion {
                        Some(s) if !known => f.help(format!("did you mean `{s}`?")),
                        _ if known => f.help("remove the word; the suites it names are not compiled into current OpenSSL builds"),
                        _ => f.help("remove the word or correct it; `tlslint ciphers -v` lists the known names"),
                    });
                }
                if report_unavailable {
                    empty_terms(cx, e, setting, cs, &exp, out);
                }
            }
            Ciphers::List(names) => {
                for n in names.iter().filter(|n| cipher::lookup(&n.name).is_none()) {
                    let mut f = Finding::for_setting(
                        e,
                        setting,
                        "ciphers",
                        format!("unknown cipher suite name `{}`", n.name),
                    )
                    .narrow(n.span)
                    .label("not a known suite name")
                    .help(
                        "use the suite's IANA name, e.g. `TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`",
                    );
                    f.key = format!("{}/ciphers/{}", e.key, n.name);
                    out.push(f);
                }
            }
        }
    }
}

/// Inclusion terms of known words that select no suite this OpenSSL has (`RSA+3DES` in
/// 3.0, whose default build has no 3DES): skipped as silently as an unknown word.
fn empty_terms(
    cx: &Context<'_>,
    e: &Endpoint,
    setting: &Setting<Ciphers>,
    cs: &CipherString,
    exp: &cipher::Expansion,
    out: &mut Vec<Finding>,
) {
    for t in &exp.empty_terms {
        let span = cs.span_of(t.range.clone());
        if span.is_none()
            && (setting.is_default() || cs.pieces.len() > 1 || cs.is_builtin(&t.range))
        {
            continue;
        }
        let mut f = Finding::for_setting(
            e,
            setting,
            "ciphers",
            format!(
                "`{}` matches no suite in OpenSSL {}; it is ignored and enables nothing",
                t.term,
                cx.profile()
            ),
        )
        .narrow(span)
        .label("matches no suite in this OpenSSL")
        .help("remove the term; `tlslint ciphers -v` lists the suites this OpenSSL has");
        f.key = format!("{}/ciphers/{}", e.key, t.term);
        out.push(f);
    }
}

const EXPLAIN: &str = "\
## What it does
Reports words in a cipher string that OpenSSL does not know and skips without any error, and
suite names in an application's list that match no known suite. An inclusion term of known
words that selects no suite the target OpenSSL has is skipped just as silently, so it is
reported too: `RSA+3DES`, `3DES` or `MEDIUM` on OpenSSL 3.0 (its default build has no 3DES),
or `aECDSA+kRSA` (no suite has both). Exclusions of what the build lacks (`!RC4`, `-3DES`)
are correct and stay quiet, and so does a term whose suites an earlier `!` removed.
`report-unavailable = false` silences words and terms about suites the build lacks. The label points at the word
inside the value, and the help suggests the alias or suite most likely meant.

## Why is this bad
A typo in an exclusion silently keeps the suite enabled: `HIGH:!aNULL:!RC4x` still excludes
nothing for RC4x, and `!MD55` leaves MD5 suites in. Nothing in the server's log says so.

## Example
```nginx
ssl_ciphers HIGH:!aNULL:!MD55;
```

## Fix
Correct the word (`!MD5`), or remove it.";
