//! Suite-name vocabularies (OpenSSL, IANA, Go, Java/JSSE, `BoringSSL`/Envoy) and
//! suggestions for words OpenSSL does not know.
//!
//! Every vocabulary maps to one suite identity, the code point. Go's `crypto/tls` constants
//! are the IANA names plus two legacy `CHACHA20` spellings without `_SHA256`; Java uses the
//! IANA names and, for SSL 3.0-era suites, the same names with an `SSL_` prefix; `BoringSSL`
//! (and so Envoy) uses OpenSSL's names and accepts the standard names, and groups
//! equal-preference suites as `[A|B]` ([`parse_boringssl_list`]).

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::OnceLock;

use super::alias::{ALIASES, LEADING_ONLY, REMOVED};
use super::engine::profile_data;
use super::table::{Avail, SUITES, TLS13};
use super::table_1_0_2::SUITES_1_0_2;
use super::{CipherError, Profile, Suite};

/// Which naming scheme a suite name comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Vocabulary {
    /// OpenSSL's own names (`ECDHE-RSA-AES128-GCM-SHA256`); `BoringSSL` and Envoy use them too.
    OpenSsl,
    /// IANA registry names (`TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`), also Go's and Java's.
    Iana,
    /// A Go `crypto/tls` constant that differs from the IANA name.
    Go,
    /// A Java/JSSE legacy `SSL_` name.
    Java,
}

struct Index {
    exact: HashMap<String, (&'static Suite, Vocabulary)>,
    folded: HashMap<String, (&'static Suite, Vocabulary)>,
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut exact: HashMap<String, (&'static Suite, Vocabulary)> = HashMap::new();
        let mut add = |name: String, suite: &'static Suite, vocabulary: Vocabulary| {
            if !name.is_empty() {
                exact.entry(name).or_insert((suite, vocabulary));
            }
        };
        let all = || SUITES.iter().chain(TLS13.iter());
        for s in all() {
            add(s.openssl_name.to_owned(), s, Vocabulary::OpenSsl);
        }
        for s in all() {
            add(s.iana_name.to_owned(), s, Vocabulary::Iana);
        }
        // Suites only OpenSSL 1.0.2 has (static DH/ECDH) and its older names (`EDH-…`).
        for s in &SUITES_1_0_2 {
            add(s.openssl_name.to_owned(), s, Vocabulary::OpenSsl);
            add(s.iana_name.to_owned(), s, Vocabulary::Iana);
        }
        for s in &SUITES {
            // OpenSSL 3.0's standard names for 0xC0AA/0xC0AB follow IANA's odd
            // `TLS_PSK_DHE_…`; other tools write the regular `TLS_DHE_PSK_…`.
            if let Some(rest) = s.iana_name.strip_prefix("TLS_PSK_DHE_") {
                add(format!("TLS_DHE_PSK_{rest}"), s, Vocabulary::Iana);
            }
            // Go kept the draft-era ChaCha20 names as aliases.
            if let Some(go) = s.iana_name.strip_suffix("_CHACHA20_POLY1305_SHA256")
                && s.iana_name.starts_with("TLS_ECDHE_")
            {
                add(format!("{go}_CHACHA20_POLY1305"), s, Vocabulary::Go);
            }
            if let Some(rest) = s.iana_name.strip_prefix("TLS_") {
                add(format!("SSL_{rest}"), s, Vocabulary::Java);
            }
        }
        let folded = exact
            .iter()
            .map(|(k, &v)| (k.to_ascii_uppercase(), v))
            .collect();
        Index { exact, folded }
    })
}

/// Finds a suite by any vocabulary's name, and says which vocabulary matched.
///
/// Exact spelling wins; otherwise ASCII case is ignored (configs often lower-case names).
pub fn lookup_with_vocabulary(name: &str) -> Option<(&'static Suite, Vocabulary)> {
    let index = index();
    index
        .exact
        .get(name)
        .or_else(|| index.folded.get(&name.to_ascii_uppercase()))
        .copied()
}

/// Finds a TLS 1.3 suite by its name (`TLS_AES_128_GCM_SHA256`, any ASCII case).
pub fn tls13_lookup(name: &str) -> Option<&'static Suite> {
    TLS13
        .iter()
        .find(|s| s.iana_name.eq_ignore_ascii_case(name))
}

/// The TLS 1.3 suites, in code-point order.
pub fn tls13_suites() -> &'static [Suite] {
    &TLS13
}

/// One name of a `BoringSSL`/Envoy cipher list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoringEntry {
    /// The name as written.
    pub name: String,
    /// Byte range of the name in the list.
    pub range: Range<usize>,
    /// The suite, if the name is known.
    pub suite: Option<&'static Suite>,
    /// Preference rank: entries of one `[A|B]` group share it.
    pub group: usize,
}

/// Splits a `BoringSSL`-style list (`[A|B]:C`, also `,`/space separated) into ranked names.
///
/// `BoringSSL`'s aliases (`HIGH`, `!aNULL`, …) are returned as entries without a suite, so
/// the caller can tell names from rules. Unbalanced brackets are an error.
pub fn parse_boringssl_list(s: &str) -> Result<Vec<BoringEntry>, CipherError> {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut group = 0;
    let mut open: Option<usize> = None;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'[' => {
                if open.is_some() {
                    return Err(CipherError {
                        message: "nested \"[\" in an equal-preference group".into(),
                        range: Some(i..i + 1),
                    });
                }
                open = Some(i);
                i += 1;
            }
            b']' => {
                if open.take().is_none() {
                    return Err(CipherError {
                        message: "\"]\" without a matching \"[\"".into(),
                        range: Some(i..i + 1),
                    });
                }
                group += 1;
                i += 1;
            }
            b':' | b',' | b' ' | b';' | b'|' | b'\t' | b'\n' | b'\r' => i += 1,
            _ => {
                let start = i;
                while i < bytes.len()
                    && !matches!(
                        bytes[i],
                        b'[' | b']' | b':' | b',' | b' ' | b';' | b'|' | b'\t' | b'\n' | b'\r'
                    )
                {
                    i += 1;
                }
                let name = &s[start..i];
                out.push(BoringEntry {
                    name: name.to_owned(),
                    range: start..i,
                    suite: lookup_with_vocabulary(name).map(|(suite, _)| suite),
                    group,
                });
                if open.is_none() {
                    group += 1;
                }
            }
        }
    }
    if let Some(at) = open {
        return Err(CipherError {
            message: "\"[\" without a matching \"]\"".into(),
            range: Some(at..at + 1),
        });
    }
    Ok(out)
}

/// Candidate words for suggestions: every alias of any profile, then every suite name,
/// each with its ASCII-lower-cased form (computed once; suggestions must stay cheap).
struct Candidates {
    words: Vec<(&'static str, String)>,
    known: HashSet<&'static str>,
}

fn candidates() -> &'static Candidates {
    static CANDIDATES: OnceLock<Candidates> = OnceLock::new();
    CANDIDATES.get_or_init(|| {
        let mut words: Vec<&'static str> = ALIASES.iter().map(|a| a.name).collect();
        words.extend(
            SUITES
                .iter()
                .filter(|s| s.availability != Avail::Gost)
                .map(|s| s.openssl_name),
        );
        Candidates {
            known: words.iter().copied().collect(),
            words: words
                .into_iter()
                .map(|w| (w, w.to_ascii_lowercase()))
                .collect(),
        }
    })
}

/// The alias or suite name the user likely meant by `word`, which `profile` does not know.
pub(crate) fn suggest(word: &str, profile: Profile) -> Option<String> {
    let candidates = candidates();
    // Known in another profile (RC4, SEED, …), removed, or valid only at the start: a
    // suggestion would only repeat the word.
    if candidates.known.contains(word) || LEADING_ONLY.contains(&word) || REMOVED.contains(&word) {
        return None;
    }
    let data = profile_data(profile);
    if let Some((suite, _)) = lookup_with_vocabulary(word) {
        // A name from another vocabulary (or another case) of a suite this profile has.
        return data
            .universe
            .iter()
            .find(|s| s.id == suite.id)
            .map(|s| s.openssl_name.to_owned())
            .filter(|name| name != word);
    }
    let folded = word.to_ascii_lowercase();
    let limit = match word.len() {
        0..=4 => 1,
        5..=12 => 2,
        _ => 3,
    };
    let mut scratch = Vec::new();
    let mut best: Option<(usize, usize, &str)> = None;
    for (candidate, lower) in &candidates.words {
        if lower.len().abs_diff(folded.len()) > limit {
            continue;
        }
        let d = distance(folded.as_bytes(), lower.as_bytes(), &mut scratch);
        if d > limit || best.is_some_and(|(bd, _, _)| d > bd) {
            continue;
        }
        let exact_case = distance(word.as_bytes(), candidate.as_bytes(), &mut scratch);
        if best.is_none_or(|(bd, be, _)| (d, exact_case) < (bd, be)) {
            best = Some((d, exact_case, candidate));
        }
    }
    best.map(|(_, _, c)| c.to_owned())
}

/// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions).
fn distance(a: &[u8], b: &[u8], d: &mut Vec<usize>) -> usize {
    let width = b.len() + 1;
    d.clear();
    d.resize((a.len() + 1) * width, 0);
    for (j, cell) in d.iter_mut().enumerate().take(width) {
        *cell = j;
    }
    for i in 1..=a.len() {
        d[i * width] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = v;
        }
    }
    d[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_transpositions_once() {
        let mut d = Vec::new();
        assert_eq!(distance(b"sha265", b"sha256", &mut d), 1);
        assert_eq!(distance(b"rc4x", b"rc4", &mut d), 1);
        assert_eq!(distance(b"", b"abc", &mut d), 3);
    }
}
