//! OpenSSL cipher-string expansion, in pure Rust.
//!
//! Expands strings such as `HIGH:!aNULL:!MD5` exactly as OpenSSL's
//! `SSL_CTX_set_cipher_list` does for a chosen OpenSSL version [`Profile`], and classifies
//! each suite (forward secrecy, AEAD, weak algorithms). This module depends on nothing else
//! in the crate; it is the part that could become its own library.
//!
//! Layout: `table.rs` (suite data), `alias.rs` (alias masks), `engine.rs` (the algorithm),
//! `names.rs` (name vocabularies and suggestions). The semantics are documented, with the
//! traps, in `shared/reference/openssl-ciphers.md`; the differential test
//! `tests/cipher_openssl.rs` checks them against a local `openssl` 3.0 binary. TLS 1.3 suites
//! are listed for lookups only: a cipher string can never add or remove them.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::sync::{Arc, Mutex};

mod alias;
mod engine;
mod names;
mod table;
mod table_1_0_2;

pub use names::{
    BoringEntry, Vocabulary, lookup_with_vocabulary, parse_boringssl_list, tls13_lookup,
    tls13_suites,
};
pub use table::{Au, Avail, Enc, Kx, Mac, MinTls};

/// Which OpenSSL behaviour to reproduce.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Profile {
    /// OpenSSL 1.0.2u, default build: RC4, 3DES, SEED, IDEA, Camellia and static DH/ECDH;
    /// no export or single-DES suites, no ChaCha20, no TLS 1.3, no security levels.
    V1_0_2,
    /// OpenSSL 1.1.1 (SEED and IDEA present).
    V1_1_1,
    /// OpenSSL 3.0 and 3.1 (the default).
    #[default]
    V3_0,
    /// OpenSSL 3.2 to 3.6.
    V3_2,
}

impl Profile {
    /// The profile for an OpenSSL `major.minor` version.
    pub fn for_version(major: u16, minor: u16) -> Profile {
        match (major, minor) {
            (0, _) | (1, 0) => Profile::V1_0_2,
            (1, _) => Profile::V1_1_1,
            (3, 0 | 1) => Profile::V3_0,
            _ => Profile::V3_2,
        }
    }

    /// The version label (`1.0.2`, `1.1.1`, `3.0`, `3.2`).
    pub fn name(self) -> &'static str {
        match self {
            Profile::V1_0_2 => "1.0.2",
            Profile::V1_1_1 => "1.1.1",
            Profile::V3_0 => "3.0",
            Profile::V3_2 => "3.2",
        }
    }

    /// The security level upstream OpenSSL uses when the string sets none (1, or 2 from 3.2;
    /// 0 for 1.0.2, which has no levels and so filters nothing).
    ///
    /// Distributions may compile in another one (Debian 12's 3.0 uses 2); see
    /// [`expand_with_default_level`].
    pub fn default_security_level(self) -> u8 {
        engine::profile_data(self).default_level
    }

    /// The suites this profile can use at all, in OpenSSL's physical order (descending code).
    pub fn suites(self) -> &'static [&'static Suite] {
        &engine::profile_data(self).universe
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One cipher suite.
#[derive(Debug, PartialEq, Eq)]
pub struct Suite {
    /// OpenSSL name (`ECDHE-RSA-AES128-GCM-SHA256`).
    pub openssl_name: &'static str,
    /// IANA name (`TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`).
    pub iana_name: &'static str,
    /// Two-byte code point.
    pub id: u16,
    /// Key exchange (`ECDHE`, `DHE`, `RSA`, `PSK`, ...).
    pub kx: &'static str,
    /// Authentication (`RSA`, `ECDSA`, `None`, ...).
    pub auth: &'static str,
    /// Bulk encryption (`AESGCM(128)`, ...).
    pub enc: &'static str,
    /// MAC (`AEAD`, `SHA256`, `SHA1`, `MD5`).
    pub mac: &'static str,
    /// Strength in bits, as OpenSSL rates it (3DES: 112; eNULL: 0; CCM8 from 3.2: 64).
    pub bits: u16,
    /// Key size of the cipher in bits (3DES: 168).
    pub alg_bits: u16,
    /// Key exchange, typed.
    pub key_exchange: Kx,
    /// Authentication, typed.
    pub authentication: Au,
    /// Bulk cipher, typed.
    pub cipher: Enc,
    /// Record MAC, typed.
    pub digest: Mac,
    /// Oldest protocol version the suite works with (all TLS ≤ 1.2 suites work in TLS 1.2).
    pub min_protocol: MinTls,
    /// Strength-class bits (`HIGH`/`MEDIUM`/`NONE`, `FIPS`, `NOT_DEFAULT`), see the methods.
    pub(crate) class: u8,
    /// Which OpenSSL 3.0 builds/providers have the suite.
    pub availability: Avail,
}

impl Suite {
    /// Ephemeral key exchange (ECDHE/DHE, with or without PSK, or TLS 1.3): OpenSSL's
    /// security-level-3 definition. 1.0.2's static DH and ECDH suites are not.
    pub fn forward_secret(&self) -> bool {
        matches!(
            self.key_exchange,
            Kx::Ecdhe | Kx::Dhe | Kx::EcdhePsk | Kx::DhePsk | Kx::Any
        )
    }

    /// Ephemeral finite-field Diffie-Hellman key exchange (needs DH parameters).
    pub fn kx_dhe(&self) -> bool {
        matches!(self.key_exchange, Kx::Dhe | Kx::DhePsk)
    }

    /// Reasons this suite is weak (NULL, anonymous, EXPORT, RC4, DES/3DES, MD5), empty if none.
    pub fn weaknesses(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.null() {
            out.push("NULL");
        }
        if self.anonymous() {
            out.push("anonymous");
        }
        if self.export() {
            out.push("EXPORT");
        }
        if self.rc4() {
            out.push("RC4");
        }
        if self.cipher == Enc::Des {
            out.push("DES");
        }
        if self.triple_des() {
            out.push("3DES");
        }
        if self.md5_mac() {
            out.push("MD5");
        }
        out
    }

    /// A TLS 1.3 suite (from the separate TLS 1.3 table).
    pub fn is_tls13(&self) -> bool {
        self.min_protocol == MinTls::Tls1_3
    }

    /// Authenticated encryption (GCM, CCM, ChaCha20-Poly1305).
    pub fn aead(&self) -> bool {
        self.digest == Mac::Aead
    }

    /// A block cipher in CBC mode (OpenSSL 3.0's `CBC` alias).
    pub fn cbc(&self) -> bool {
        matches!(
            self.cipher,
            Enc::Des
                | Enc::TripleDes
                | Enc::Rc2
                | Enc::Idea
                | Enc::Aes128
                | Enc::Aes256
                | Enc::Camellia128
                | Enc::Camellia256
                | Enc::Seed
        )
    }

    /// HMAC-SHA1 record MAC.
    pub fn sha1_mac(&self) -> bool {
        self.digest == Mac::Sha1
    }

    /// HMAC-MD5 record MAC.
    pub fn md5_mac(&self) -> bool {
        self.digest == Mac::Md5
    }

    /// RC4 stream cipher.
    pub fn rc4(&self) -> bool {
        self.cipher == Enc::Rc4
    }

    /// Single or triple DES.
    pub fn triple_des(&self) -> bool {
        self.cipher == Enc::TripleDes
    }

    /// No encryption (eNULL).
    pub fn null(&self) -> bool {
        self.cipher == Enc::Null
    }

    /// No authentication (aNULL).
    pub fn anonymous(&self) -> bool {
        self.authentication == Au::Null
    }

    /// Export-grade; no profile has one (1.0.2g+ builds them only with
    /// `enable-weak-ssl-ciphers`), kept for the vocabulary.
    pub fn export(&self) -> bool {
        false
    }

    /// Pre-shared-key key exchange (needs a PSK callback in the application).
    pub fn psk(&self) -> bool {
        matches!(
            self.key_exchange,
            Kx::Psk | Kx::RsaPsk | Kx::DhePsk | Kx::EcdhePsk
        )
    }

    /// SRP key exchange (needs an SRP verifier file in the application).
    pub fn srp(&self) -> bool {
        self.key_exchange == Kx::Srp
    }

    /// OpenSSL strength class `HIGH`.
    pub fn high(&self) -> bool {
        self.class & table::class::HIGH != 0
    }

    /// OpenSSL strength class `MEDIUM`.
    pub fn medium(&self) -> bool {
        self.class & table::class::MEDIUM != 0
    }

    /// OpenSSL's `FIPS` flag.
    pub fn fips(&self) -> bool {
        self.class & table::class::FIPS != 0
    }

    /// Part of OpenSSL's `DEFAULT` list (not flagged `NOT_DEFAULT`, and encrypting).
    pub fn in_default(&self) -> bool {
        self.class & table::class::NOT_DEFAULT == 0 && !self.null()
    }

    /// Short classification tags, in a fixed order: `FS`, `AEAD`, `CBC`, `SHA1`, `PSK`,
    /// `SRP`, then [`Suite::weaknesses`].
    pub fn classes(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        for (flag, tag) in [
            (self.forward_secret(), "FS"),
            (self.aead(), "AEAD"),
            (self.cbc(), "CBC"),
            (self.sha1_mac(), "SHA1"),
            (self.psk(), "PSK"),
            (self.srp(), "SRP"),
        ] {
            if flag {
                out.push(tag);
            }
        }
        out.extend(self.weaknesses());
        out
    }

    /// The two-byte code point as IANA writes it (`0xC0,0x2F`).
    pub fn code(&self) -> String {
        format!("0x{:02X},0x{:02X}", self.id >> 8, self.id & 0xFF)
    }
}

/// A word OpenSSL skips silently.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownWord {
    /// The word as written.
    pub word: String,
    /// Byte range inside the cipher string.
    pub range: Range<usize>,
    /// The alias or suite name the user likely meant.
    pub suggestion: Option<String>,
}

/// An inclusion term of known words that matches no suite of the profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmptyTerm {
    /// The term as written, without separators (`RSA+3DES`).
    pub term: String,
    /// Byte range inside the cipher string.
    pub range: Range<usize>,
}

/// Why OpenSSL rejects a string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CipherError {
    /// What is wrong.
    pub message: String,
    /// Where, inside the string.
    pub range: Option<Range<usize>>,
}

/// The result of expanding a cipher string.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expansion {
    /// Enabled suites in preference order (what `openssl ciphers` prints).
    pub suites: Vec<&'static Suite>,
    /// Security level (`@SECLEVEL=n`, else the profile default).
    pub security_level: u8,
    /// The level the string itself sets (`@SECLEVEL=n`, the last one), if any.
    pub level_set: Option<u8>,
    /// `suites` after the security-level filter.
    pub usable: Vec<&'static Suite>,
    /// Words OpenSSL skips.
    pub unknown: Vec<UnknownWord>,
    /// Inclusion terms made of known words that select no suite this OpenSSL has
    /// (`RSA+3DES` in 3.0): OpenSSL skips them silently too.
    pub empty_terms: Vec<EmptyTerm>,
    /// Set when OpenSSL would reject the string.
    pub error: Option<CipherError>,
}

/// Expands `s` as OpenSSL with `profile` would.
///
/// Never panics; any byte string is a valid input. A NUL byte ends the string, as in C.
pub fn expand(s: &str, profile: Profile) -> Expansion {
    engine::expand(s, profile, profile.default_security_level())
}

/// Like [`expand`], for a build whose compiled-in default security level is `default_level`
/// (Debian and Ubuntu ship OpenSSL 3.0 with level 2).
pub fn expand_with_default_level(s: &str, profile: Profile, default_level: u8) -> Expansion {
    engine::expand(s, profile, default_level.min(5))
}

/// The suites of `suites` a handshake at security `level` may pick (what
/// `openssl ciphers -s -psk -srp` prints).
pub fn security_filter(
    suites: &[&'static Suite],
    level: u8,
    profile: Profile,
) -> Vec<&'static Suite> {
    engine::security_filter(suites, level, profile)
}

/// Finds a suite by any vocabulary's name (OpenSSL, IANA, Go, Java, `BoringSSL`), including
/// the TLS 1.3 suites (check [`Suite::is_tls13`]).
pub fn lookup(name: &str) -> Option<&'static Suite> {
    lookup_with_vocabulary(name).map(|(suite, _)| suite)
}

/// True when `word` (one element of a cipher string, `+`-joined terms allowed) names only
/// suites or aliases that some OpenSSL release or build knows: an algorithm this build lacks
/// (`RC4`, `3DES` without weak ciphers) or an alias removed in 1.1.0 (`kDH`, `EXP`). OpenSSL
/// ignores such a word too, but it is not a typo: as an exclusion it is harmless.
pub fn is_known_word(word: &str) -> bool {
    let w = word.trim_start_matches(['!', '-', '+']);
    !w.is_empty()
        && w.split('+').all(|part| {
            lookup(part).is_some()
                || alias::ALIASES.iter().any(|a| a.name == part)
                || alias::REMOVED.contains(&part)
        })
}

/// Every OpenSSL 3.0 TLS ≤ 1.2 suite (191, ascending code point), available or not.
pub fn all_suites() -> &'static [Suite] {
    &table::SUITES
}

/// Expansions of one profile by cipher string.
type Expansions = HashMap<String, Arc<Expansion>, foldhash::fast::RandomState>;

/// Thread-safe memo of expansions per (string, profile).
#[derive(Debug, Default)]
pub struct Cache {
    map: Mutex<HashMap<Profile, Expansions>>,
}

impl Cache {
    /// An empty cache.
    pub fn new() -> Self {
        Cache::default()
    }

    /// Expands once per distinct (string, profile).
    pub fn expand(&self, s: &str, profile: Profile) -> Arc<Expansion> {
        if let Ok(map) = self.map.lock()
            && let Some(hit) = map.get(&profile).and_then(|m| m.get(s))
        {
            return Arc::clone(hit);
        }
        let value = Arc::new(expand(s, profile));
        if let Ok(mut map) = self.map.lock() {
            map.entry(profile)
                .or_default()
                .insert(s.to_owned(), Arc::clone(&value));
        }
        value
    }
}
