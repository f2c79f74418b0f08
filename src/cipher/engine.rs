//! The cipher-string algorithm of OpenSSL's `ssl_create_cipher_list`.
//!
//! Per profile (built once and cached): the universe of available suites in OpenSSL's
//! physical order (descending code point), the default preference order, and the word table
//! (suite names, then aliases whose algorithms are available). Per string: the tokenizer of
//! `ssl_cipher_process_rulestr` and the list operations of `ssl_cipher_apply_rule`, working
//! on byte offsets so every unknown word and error points into the caller's string.
//! Semantics follow `shared/reference/openssl-ciphers.md` §1; the trickier rules carry a
//! comment citing the paragraph.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

use super::alias::{ALIASES, ALIASES_1_0_2, Alias};
use super::table::{Au, Avail, CCM8_V3_2, Enc, Kx, Mac, MinTls, SUITES, class};
use super::table_1_0_2::SUITES_1_0_2;
use super::{CipherError, EmptyTerm, Expansion, Profile, Suite, UnknownWord, names};

/// The string OpenSSL 1.1.0 – 3.6 processes for a leading `DEFAULT` (§1.5).
const DEFAULT_RULES: &str = "ALL:!COMPLEMENTOFDEFAULT:!eNULL";

/// 1.0.2u's `SSL_DEFAULT_CIPHER_LIST` (ssl/ssl.h; since 1.0.2h). It keeps RC4, 3DES, SEED,
/// IDEA, Camellia and the static DH/ECDH suites.
const DEFAULT_RULES_1_0_2: &str = "ALL:!EXPORT:!LOW:!aNULL:!eNULL:!SSLv2";

/// What a word in a cipher string resolves to.
#[derive(Clone, Copy, Debug)]
enum Word {
    /// An available suite, by index into the universe.
    Suite(u8),
    /// An alias.
    Alias(&'static Alias),
}

/// Everything about a profile that does not depend on the string.
pub(crate) struct ProfileData {
    /// Available suites, descending code point (OpenSSL's physical order).
    pub(crate) universe: Vec<&'static Suite>,
    /// The default preference order: indices into `universe`.
    default_order: Vec<u8>,
    /// Words the tokenizer knows.
    words: HashMap<&'static [u8], Word>,
    /// Whether `_` is a word character (3.2+).
    underscore: bool,
    /// OpenSSL 1.0.2's parser: `=` is no word character, only `@STRENGTH` exists, a suite
    /// name selects by its algorithms (not its code), and `NOT_DEFAULT` survives a `+`.
    legacy: bool,
    /// Default security level when the string sets none.
    pub(crate) default_level: u8,
}

/// The data for `profile`, built on first use.
pub(crate) fn profile_data(profile: Profile) -> &'static ProfileData {
    static V1_0_2: OnceLock<ProfileData> = OnceLock::new();
    static V1_1_1: OnceLock<ProfileData> = OnceLock::new();
    static V3_0: OnceLock<ProfileData> = OnceLock::new();
    static V3_2: OnceLock<ProfileData> = OnceLock::new();
    let cell = match profile {
        Profile::V1_0_2 => &V1_0_2,
        Profile::V1_1_1 => &V1_1_1,
        Profile::V3_0 => &V3_0,
        Profile::V3_2 => &V3_2,
    };
    cell.get_or_init(|| ProfileData::build(profile))
}

/// Algorithm bits a profile lacks; aliases made only of these are unknown words (§1.3).
struct Disabled {
    mkey: u32,
    auth: u32,
    enc: u32,
    mac: u32,
}

impl Disabled {
    fn for_profile(profile: Profile) -> Disabled {
        // No profile has a GOST engine/provider loaded.
        let gost_enc = Enc::Gost89Cnt.bit()
            | Enc::Gost89Cnt12.bit()
            | Enc::Magma.bit()
            | Enc::Kuznyechik.bit();
        let legacy_enc = match profile {
            // 1.0.2 and 1.1.1 have every classic cipher in libcrypto.
            Profile::V1_0_2 | Profile::V1_1_1 => 0,
            // 3.x: DES, RC4, RC2, IDEA and SEED live in the legacy provider only.
            Profile::V3_0 | Profile::V3_2 => {
                Enc::Des.bit() | Enc::Rc4.bit() | Enc::Rc2.bit() | Enc::Idea.bit() | Enc::Seed.bit()
            }
        };
        Disabled {
            mkey: Kx::Gost.bit() | Kx::Gost18.bit(),
            auth: Au::Gost01.bit() | Au::Gost12.bit(),
            enc: gost_enc | legacy_enc,
            mac: Mac::Gost94.bit()
                | Mac::Gost89Mac.bit()
                | Mac::Gost89Mac12.bit()
                | Mac::Gost12_256.bit()
                | Mac::MagmaOmac.bit()
                | Mac::KuznyechikOmac.bit(),
        }
    }

    /// OpenSSL keeps an alias when each of its non-zero masks has an enabled bit.
    fn keeps(&self, alias: &Alias) -> bool {
        let ok = |mask: u32, disabled: u32| mask == 0 || mask & !disabled != 0;
        ok(alias.mkey, self.mkey)
            && ok(alias.auth, self.auth)
            && ok(alias.enc, self.enc)
            && ok(alias.mac, self.mac)
    }
}

/// Whether the profile's universe contains `suite`.
fn available(profile: Profile, suite: &Suite) -> bool {
    match suite.availability {
        Avail::Default => true,
        Avail::Legacy => profile == Profile::V1_1_1,
        Avail::Weak | Avail::Gost | Avail::Tls13 | Avail::Removed => false,
    }
}

impl ProfileData {
    fn build(profile: Profile) -> ProfileData {
        let legacy = profile == Profile::V1_0_2;
        let table: &'static [Suite] = if legacy { &SUITES_1_0_2 } else { &SUITES };
        let mut universe: Vec<&'static Suite> = table
            .iter()
            .filter(|s| legacy || available(profile, s))
            .map(|s| {
                if profile == Profile::V3_2 {
                    // 3.2 re-rated AES-CCM8: 64 bits, MEDIUM (§2).
                    CCM8_V3_2.iter().find(|c| c.id == s.id).unwrap_or(s)
                } else {
                    s
                }
            })
            .collect();
        universe.sort_by_key(|s| std::cmp::Reverse(s.id));
        debug_assert!(u8::try_from(universe.len()).is_ok());

        let mut words: HashMap<&'static [u8], Word> = HashMap::new();
        for (i, s) in universe.iter().enumerate() {
            let i = u8::try_from(i).unwrap_or(u8::MAX);
            words.insert(s.openssl_name.as_bytes(), Word::Suite(i));
        }
        if profile == Profile::V3_2 {
            // 3.2.0 accepts the standard (IANA) names too.
            for (i, s) in universe.iter().enumerate() {
                let i = u8::try_from(i).unwrap_or(u8::MAX);
                if !s.iana_name.is_empty() {
                    words
                        .entry(s.iana_name.as_bytes())
                        .or_insert(Word::Suite(i));
                }
            }
        }
        let disabled = Disabled::for_profile(profile);
        let aliases = if legacy { ALIASES_1_0_2 } else { ALIASES };
        for alias in aliases {
            if alias.since_3_0 && profile == Profile::V1_1_1 {
                continue;
            }
            if disabled.keeps(alias) {
                words
                    .entry(alias.name.as_bytes())
                    .or_insert(Word::Alias(alias));
            }
        }

        let mut data = ProfileData {
            universe,
            default_order: Vec::new(),
            words,
            underscore: profile == Profile::V3_2,
            legacy,
            default_level: match profile {
                // 1.0.2 has no security levels: nothing is filtered (level 0's behaviour).
                Profile::V1_0_2 => 0,
                Profile::V1_1_1 | Profile::V3_0 => 1,
                Profile::V3_2 => 2,
            },
        };
        data.default_order = if legacy {
            data.default_order_1_0_2()
        } else {
            data.compute_default_order()
        };
        data
    }

    /// 1.0.2's default order (`ssl_create_cipher_list`): ECDHE first, then AES (CBC and
    /// GCM); MD5, anonymous, static-ECDH, RSA-key-transport, PSK and RC4 suites moved to the
    /// end in that order; then a stable sort by strength bits. No AEAD/FS/TLS 1.2 bumps.
    fn default_order_1_0_2(&self) -> Vec<u8> {
        let mut list = List::physical(self.universe.len());
        let u = &self.universe;
        let aes =
            Enc::Aes128.bit() | Enc::Aes256.bit() | Enc::AesGcm128.bit() | Enc::AesGcm256.bit();
        list.apply(Rule::Add, |i| u[i].key_exchange == Kx::Ecdhe);
        list.apply(Rule::Del, |i| u[i].key_exchange == Kx::Ecdhe);
        list.apply(Rule::Add, |i| u[i].cipher.bit() & aes != 0);
        list.apply(Rule::Add, |_| true);
        list.apply(Rule::Ord, |i| u[i].digest == Mac::Md5);
        list.apply(Rule::Ord, |i| u[i].authentication == Au::Null);
        list.apply(Rule::Ord, |i| u[i].authentication == Au::Ecdh);
        list.apply(Rule::Ord, |i| u[i].key_exchange == Kx::Rsa);
        list.apply(Rule::Ord, |i| u[i].key_exchange == Kx::Psk);
        list.apply(Rule::Ord, |i| u[i].cipher == Enc::Rc4);
        list.strength_sort(u);
        list.apply(Rule::Del, |_| true);
        list.order
    }

    /// §1.1 step 2: the default preference order, built with the rule primitives.
    fn compute_default_order(&self) -> Vec<u8> {
        let mut list = List::physical(self.universe.len());
        let u = &self.universe;
        let kx = |i: usize, m: u32| u[i].key_exchange.bit() & m != 0;
        let ecdhe = Kx::Ecdhe.bit();
        let fs = Kx::Dhe.bit() | Kx::Ecdhe.bit();
        let aes_gcm = Enc::AesGcm128.bit() | Enc::AesGcm256.bit();
        let aes_other = Enc::Aes128.bit()
            | Enc::Aes256.bit()
            | Enc::AesCcm128.bit()
            | Enc::AesCcm256.bit()
            | Enc::AesCcm8_128.bit()
            | Enc::AesCcm8_256.bit();
        let enc = |i: usize, m: u32| u[i].cipher.bit() & m != 0;

        list.apply(Rule::Add, |i| {
            kx(i, ecdhe) && u[i].authentication == Au::Ecdsa
        });
        list.apply(Rule::Add, |i| kx(i, ecdhe));
        list.apply(Rule::Del, |i| kx(i, ecdhe));
        list.apply(Rule::Add, |i| enc(i, aes_gcm));
        list.apply(Rule::Add, |i| enc(i, Enc::Chacha20.bit()));
        list.apply(Rule::Add, |i| enc(i, aes_other));
        list.apply(Rule::Add, |_| true);
        list.apply(Rule::Ord, |i| u[i].digest == Mac::Md5);
        list.apply(Rule::Ord, |i| u[i].authentication == Au::Null);
        list.apply(Rule::Ord, |i| u[i].key_exchange == Kx::Rsa);
        list.apply(Rule::Ord, |i| u[i].key_exchange == Kx::Psk);
        list.apply(Rule::Ord, |i| u[i].cipher == Enc::Rc4);
        list.strength_sort(u);
        list.apply(Rule::Bump, |i| u[i].min_protocol == MinTls::Tls1_2);
        list.apply(Rule::Bump, |i| u[i].digest == Mac::Aead);
        list.apply(Rule::Bump, |i| kx(i, fs));
        list.apply(Rule::Bump, |i| kx(i, fs) && u[i].digest == Mac::Aead);
        list.apply(Rule::Del, |_| true);
        list.order
    }

    fn is_word_char(&self, c: u8) -> bool {
        c.is_ascii_alphanumeric()
            || c == b'-'
            || c == b'.'
            || (c == b'=' && !self.legacy)
            || (self.underscore && c == b'_')
    }
}

/// `ITEM_SEP`: the separators between terms (§1.2; tab and newline are not).
fn is_sep(c: u8) -> bool {
    matches!(c, b':' | b' ' | b';' | b',')
}

/// The list operations (§1.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rule {
    Add,
    Del,
    Kill,
    Ord,
    Bump,
    Special,
}

/// The working list: order of the not-killed suites and which are active.
struct List {
    order: Vec<u8>,
    active: Vec<bool>,
    scratch: Vec<u8>,
}

impl List {
    /// The universe in physical order, nothing active (where the default order starts).
    fn physical(n: usize) -> List {
        List {
            order: (0..n).map(|i| u8::try_from(i).unwrap_or(u8::MAX)).collect(),
            active: vec![false; n],
            scratch: Vec::with_capacity(n),
        }
    }

    /// `ssl_cipher_apply_rule`: one pass over the list as it was when the rule started.
    fn apply(&mut self, rule: Rule, matches: impl Fn(usize) -> bool) {
        let active = &mut self.active;
        let moved = &mut self.scratch;
        moved.clear();
        match rule {
            Rule::Kill => {
                self.order.retain(|&i| {
                    let hit = matches(usize::from(i));
                    if hit {
                        active[usize::from(i)] = false;
                    }
                    !hit
                });
                return;
            }
            Rule::Special => return,
            Rule::Add | Rule::Ord | Rule::Del | Rule::Bump => {}
        }
        self.order.retain(|&i| {
            let idx = usize::from(i);
            let hit = match rule {
                Rule::Add => !active[idx] && matches(idx),
                _ => active[idx] && matches(idx),
            };
            if hit {
                moved.push(i);
                match rule {
                    Rule::Add => active[idx] = true,
                    Rule::Del => active[idx] = false,
                    _ => {}
                }
            }
            !hit
        });
        if moved.is_empty() {
            return;
        }
        match rule {
            // ADD and ORD move to the tail in list order.
            Rule::Add | Rule::Ord => self.order.extend_from_slice(moved),
            // DEL and BUMP walk tail to head moving each hit to the head, which keeps the
            // hits' relative order at the front.
            _ => {
                moved.extend_from_slice(&self.order);
                std::mem::swap(&mut self.order, moved);
            }
        }
    }

    /// `@STRENGTH` (`ssl_cipher_strength_sort`): ORD by each strength value, highest first.
    fn strength_sort(&mut self, universe: &[&'static Suite]) {
        let mut values: Vec<u16> = self
            .order
            .iter()
            .filter(|&&i| self.active[usize::from(i)])
            .map(|&i| universe[usize::from(i)].bits)
            .collect();
        values.sort_unstable_by(|a, b| b.cmp(a));
        values.dedup();
        for v in values {
            self.apply(Rule::Ord, |i| universe[i].bits == v);
        }
    }
}

/// The masks a term asks for (`ssl_cipher_process_rulestr` locals).
#[derive(Clone, Copy, Debug, Default)]
struct Pattern {
    id: Option<u16>,
    mkey: u32,
    auth: u32,
    enc: u32,
    mac: u32,
    min_tls: Option<MinTls>,
    strength: u8,
}

impl Pattern {
    /// ANDs one word into the term; `false` when a field becomes empty (term dropped, §1.3).
    fn combine(&mut self, word: Word, universe: &[&'static Suite], legacy: bool) -> bool {
        let (mkey, auth, enc, mac, strength) = match word {
            Word::Suite(i) => {
                let s = universe[usize::from(i)];
                (
                    s.key_exchange.bit(),
                    s.authentication.bit(),
                    s.cipher.bit(),
                    s.digest.bit(),
                    s.class,
                )
            }
            Word::Alias(a) => (a.mkey, a.auth, a.enc, a.mac, a.strength),
        };
        for (field, mask) in [
            (&mut self.mkey, mkey),
            (&mut self.auth, auth),
            (&mut self.enc, enc),
            (&mut self.mac, mac),
        ] {
            if mask != 0 {
                if *field != 0 {
                    *field &= mask;
                    if *field == 0 {
                        return false;
                    }
                } else {
                    *field = mask;
                }
            }
        }
        let strong = strength & class::STRONG_MASK;
        if strong != 0 {
            if self.strength & class::STRONG_MASK != 0 {
                self.strength &= strong | !class::STRONG_MASK;
                if self.strength & class::STRONG_MASK == 0 {
                    return false;
                }
            } else if legacy {
                // 1.0.2 ORs the class in, keeping an earlier NOT_DEFAULT bit.
                self.strength |= strong;
            } else {
                // OpenSSL assigns here, dropping a NOT_DEFAULT bit set by an earlier word:
                // `COMPLEMENTOFDEFAULT+HIGH` is all of HIGH, `HIGH+COMPLEMENTOFDEFAULT` is not.
                self.strength = strong;
            }
        }
        // NOT_DEFAULT is the only bit of its mask, so "AND" can never empty it; UNBUILT
        // (1.0.2's export and SSLv2 words) makes the term match nothing.
        self.strength |= strength & (class::NOT_DEFAULT | class::UNBUILT);
        match word {
            // 1.0.2 matches a suite name by its algorithms and class only (its code is
            // compared only in debug builds); the protocol version is never part of it.
            Word::Suite(_) if legacy => {}
            // A suite name selects that suite; its protocol version is not part of the
            // pattern.
            Word::Suite(i) => self.id = Some(universe[usize::from(i)].id),
            Word::Alias(a) => {
                if let Some(v) = a.min_tls {
                    if self.min_tls.is_some_and(|m| m != v) {
                        return false;
                    }
                    self.min_tls = Some(v);
                }
            }
        }
        true
    }

    fn matches(&self, s: &Suite) -> bool {
        self.id.is_none_or(|id| id == s.id)
            && (self.mkey == 0 || self.mkey & s.key_exchange.bit() != 0)
            && (self.auth == 0 || self.auth & s.authentication.bit() != 0)
            && (self.enc == 0 || self.enc & s.cipher.bit() != 0)
            && (self.mac == 0 || self.mac & s.digest.bit() != 0)
            && self.min_tls.is_none_or(|v| v == s.min_protocol)
            && (self.strength & class::STRONG_MASK == 0
                || self.strength & class::STRONG_MASK & s.class != 0)
            && (self.strength & class::NOT_DEFAULT == 0 || s.class & class::NOT_DEFAULT != 0)
            && self.strength & class::UNBUILT == 0
    }
}

/// What parsing found besides the list.
struct Parse {
    unknown: Vec<UnknownWord>,
    empty: Vec<EmptyTerm>,
    error: Option<CipherError>,
    level: Option<u8>,
}

/// The engine state for one string.
struct Run<'a> {
    data: &'a ProfileData,
    profile: Profile,
    list: List,
    parse: Parse,
}

impl Run<'_> {
    fn error(&mut self, message: String, range: Range<usize>) {
        if self.parse.error.is_none() {
            self.parse.error = Some(CipherError {
                message,
                range: Some(range),
            });
        }
    }

    /// `ssl_cipher_process_rulestr` over `s`, whose byte 0 is at `base` in the caller's
    /// string. Returns `false` on a hard error (OpenSSL returns at once).
    fn process(&mut self, s: &[u8], base: usize, report: bool) -> bool {
        let data = self.data;
        let end = s.len();
        let mut l = 0;
        while l < end {
            let ch = s[l];
            let rule = match ch {
                b'-' => Rule::Del,
                b'+' => Rule::Ord,
                b'!' => Rule::Kill,
                b'@' => Rule::Special,
                _ => Rule::Add,
            };
            if rule != Rule::Add {
                l += 1;
            }
            if is_sep(ch) {
                l += 1;
                continue;
            }
            let mut pattern = Pattern::default();
            let mut found = false;
            let mut unknown = false;
            let mut special: &[u8] = &[];
            let mut special_start = 0;
            let term_start = l;
            loop {
                let start = l;
                while l < end && data.is_word_char(s[l]) {
                    l += 1;
                }
                if l == start {
                    // A word was expected (start of a term, after a prefix or a `+`).
                    let message = match s.get(l) {
                        None => "the cipher string ends where a cipher word is expected".into(),
                        Some(&c) => {
                            format!("{} where a cipher word is expected", describe_byte(s, l, c))
                        }
                    };
                    let at = base + l;
                    let width = s.get(l).map_or(0, |_| char_len(s, l));
                    self.error(message, at..at + width);
                    return false;
                }
                let word = &s[start..l];
                if rule == Rule::Special {
                    special = word;
                    special_start = start;
                    break;
                }
                let multi = l < end && s[l] == b'+';
                if multi {
                    l += 1;
                }
                if let Some(&w) = data.words.get(word) {
                    found = pattern.combine(w, &data.universe, data.legacy);
                    if !found {
                        break;
                    }
                } else {
                    found = false;
                    unknown = true;
                    if report {
                        self.unknown(s, start, word.len(), base);
                    }
                    break;
                }
                if !multi {
                    break;
                }
            }
            if report && rule == Rule::Add && !unknown {
                // Every word is known, yet the term may select nothing this build has
                // (`3DES`, `RSA+3DES`, `MEDIUM` in 3.0, `aECDSA+kRSA`): OpenSSL skips it
                // silently. Judged against the build, not the list so far, so a term whose
                // suites an earlier `!` removed is not reported.
                let u = &data.universe;
                if !found || !u.iter().any(|x| pattern.matches(x)) {
                    let mut term_end = l;
                    while term_end < end && !is_sep(s[term_end]) {
                        term_end += 1;
                    }
                    self.parse.empty.push(EmptyTerm {
                        term: String::from_utf8_lossy(&s[term_start..term_end]).into_owned(),
                        range: base + term_start..base + term_end,
                    });
                }
            }
            if rule == Rule::Special {
                self.special(special, base + special_start);
                // Anything joined to an `@` command is ignored up to the next separator.
                while l < end && !is_sep(s[l]) {
                    l += 1;
                }
            } else if found {
                let u = &data.universe;
                self.list.apply(rule, |i| pattern.matches(u[i]));
            } else {
                while l < end && !is_sep(s[l]) {
                    l += 1;
                }
            }
        }
        true
    }

    /// `@STRENGTH` and `@SECLEVEL=n`; anything else is an error that does not stop parsing.
    fn special(&mut self, word: &[u8], at: usize) {
        let range = at - 1..at + word.len();
        if word == b"STRENGTH" {
            self.list.strength_sort(&self.data.universe);
        } else if !self.data.legacy && word.len() == 10 && word.starts_with(b"SECLEVEL=") {
            let level = word[9].wrapping_sub(b'0');
            if level <= 5 {
                self.parse.level = Some(level);
            } else {
                self.error(
                    format!(
                        "invalid security level \"@{}\" (must be @SECLEVEL=0 to @SECLEVEL=5)",
                        String::from_utf8_lossy(word)
                    ),
                    range,
                );
            }
        } else {
            let text = String::from_utf8_lossy(word);
            let legacy = self.data.legacy;
            let hint = if text.starts_with("SECLEVEL") && legacy {
                " (OpenSSL 1.0.2 has no security levels; they came in 1.1.0)"
            } else if text.starts_with("SECLEVEL") {
                " (must be @SECLEVEL=0 to @SECLEVEL=5)"
            } else if text.eq_ignore_ascii_case("STRENGTH") {
                " (did you mean \"@STRENGTH\"?)"
            } else if legacy {
                " (OpenSSL 1.0.2 knows only @STRENGTH)"
            } else {
                " (only @STRENGTH and @SECLEVEL=n exist)"
            };
            self.error(format!("unknown command \"@{text}\"{hint}"), range);
        }
    }

    /// Records an unknown word starting at `start` (`len` bytes as OpenSSL tokenized it).
    fn unknown(&mut self, s: &[u8], start: usize, len: usize, base: usize) {
        let mut end = start + len;
        // Before 3.2 `_` ends a word, so an IANA name is read as `TLS`; report the whole
        // name, which is what the user wrote and what OpenSSL skipped.
        if !self.data.underscore && s.get(end) == Some(&b'_') {
            while end < s.len() && (self.data.is_word_char(s[end]) || s[end] == b'_') {
                end += 1;
            }
        }
        let word = String::from_utf8_lossy(&s[start..end]).into_owned();
        let suggestion = names::suggest(&word, self.profile);
        self.parse.unknown.push(UnknownWord {
            word,
            range: base + start..base + end,
            suggestion,
        });
    }
}

/// Names a byte for an error message.
fn describe_byte(s: &[u8], at: usize, c: u8) -> String {
    match c {
        b'\t' => "a tab (not a separator)".into(),
        b'\n' | b'\r' => "a line break (not a separator)".into(),
        b'!' | b'+' | b'-' | b'@' => format!("\"{}\"", char::from(c)),
        b'_' => "\"_\" (allowed only from OpenSSL 3.2)".into(),
        _ if c.is_ascii() => format!("\"{}\"", char::from(c)),
        _ => {
            let n = char_len(s, at);
            let text = String::from_utf8_lossy(&s[at..at + n]);
            format!("\"{text}\"")
        }
    }
}

/// Length in bytes of the UTF-8 sequence at `at` (1 for a stray byte).
fn char_len(s: &[u8], at: usize) -> usize {
    (1..=4)
        .find(|&n| {
            s.get(at..at + n)
                .is_some_and(|b| std::str::from_utf8(b).is_ok())
        })
        .unwrap_or(1)
}

/// The fixed lists a leading `SUITEB…` selects (§1.5), checked by prefix in this order.
fn suite_b(s: &[u8]) -> Option<&'static str> {
    const AES128: &str = "ECDHE-ECDSA-AES128-GCM-SHA256";
    const BOTH: &str = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384";
    const AES256: &str = "ECDHE-ECDSA-AES256-GCM-SHA384";
    if s.starts_with(b"SUITEB128ONLY") {
        Some(AES128)
    } else if s.starts_with(b"SUITEB128C2") {
        Some(AES256)
    } else if s.starts_with(b"SUITEB128") {
        Some(BOTH)
    } else if s.starts_with(b"SUITEB192") {
        Some(AES256)
    } else {
        None
    }
}

/// Expands `s` for `profile`; `default_level` is the level when the string sets none.
pub(crate) fn expand(s: &str, profile: Profile, default_level: u8) -> Expansion {
    let data = profile_data(profile);
    let bytes = s.as_bytes();
    // OpenSSL reads a C string: anything after a NUL byte is never seen.
    let bytes = &bytes[..bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len())];
    let mut run = Run {
        data,
        profile,
        list: List {
            order: data.default_order.clone(),
            active: vec![false; data.universe.len()],
            scratch: Vec::with_capacity(data.universe.len()),
        },
        parse: Parse {
            unknown: Vec::new(),
            empty: Vec::new(),
            error: None,
            level: None,
        },
    };
    let ok = if let Some(fixed) = suite_b(bytes) {
        // The whole string is replaced; nothing after the keyword is read.
        run.process(fixed.as_bytes(), 0, false)
    } else {
        let mut ok = true;
        let mut rest = bytes;
        let mut base = 0;
        if bytes.starts_with(b"DEFAULT") {
            let rules = if data.legacy {
                DEFAULT_RULES_1_0_2
            } else {
                DEFAULT_RULES
            };
            ok = run.process(rules.as_bytes(), 0, false);
            base = 7;
            if bytes.get(7) == Some(&b':') {
                base = 8;
            }
            rest = &bytes[base..];
        }
        if ok && !rest.is_empty() {
            ok = run.process(rest, base, true);
        }
        ok && run.parse.error.is_none()
    };
    let Run { list, parse, .. } = run;
    let security_level = parse.level.unwrap_or(default_level);
    let mut expansion = Expansion {
        suites: Vec::new(),
        security_level,
        level_set: parse.level,
        usable: Vec::new(),
        unknown: parse.unknown,
        empty_terms: parse.empty,
        error: parse.error,
    };
    if !ok {
        return expansion;
    }
    expansion.suites = list
        .order
        .iter()
        .filter(|&&i| list.active[usize::from(i)])
        .map(|&i| data.universe[usize::from(i)])
        .collect();
    if expansion.suites.is_empty() {
        expansion.error = Some(CipherError {
            message: "no cipher match: the string enables no TLS 1.2 (or older) cipher suite"
                .into(),
            range: None,
        });
        return expansion;
    }
    expansion.usable = security_filter(&expansion.suites, security_level, profile);
    expansion
}

/// The suites a handshake at security `level` may still pick (§1.8,
/// `ssl_security_default_callback`).
pub(crate) fn security_filter(
    suites: &[&'static Suite],
    level: u8,
    profile: Profile,
) -> Vec<&'static Suite> {
    suites
        .iter()
        .copied()
        .filter(|s| allowed_at(s, level, profile))
        .collect()
}

fn allowed_at(s: &Suite, level: u8, profile: Profile) -> bool {
    const MIN_BITS: [u16; 5] = [80, 112, 128, 192, 256];
    // 1.0.2 has no security levels at all.
    if level == 0 || profile == Profile::V1_0_2 {
        return true;
    }
    let min_bits = MIN_BITS[usize::from(level.min(5)) - 1];
    if s.bits < min_bits || s.authentication == Au::Null || s.digest == Mac::Md5 {
        return false;
    }
    if min_bits > 160 && s.digest == Mac::Sha1 {
        return false;
    }
    // Up to 3.1 an explicit rule bans RC4 from level 2; 3.2 rates RC4 at 80 bits instead.
    if level >= 2 && s.cipher == Enc::Rc4 && profile != Profile::V3_2 {
        return false;
    }
    if level >= 3 && !s.is_tls13() && !s.forward_secret() {
        return false;
    }
    true
}
