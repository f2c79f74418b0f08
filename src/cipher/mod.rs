//! OpenSSL cipher-string expansion, in pure Rust.
//!
//! Expands strings such as `HIGH:!aNULL:!MD5` exactly as OpenSSL's
//! `SSL_CTX_set_cipher_list` does for a chosen OpenSSL version [`Profile`], and classifies
//! each suite (forward secrecy, AEAD, weak algorithms). This module depends on nothing else
//! in the crate; it is the part that could become its own library.
//!
//! STUB: the public API below is the contract used by the rest of the crate; the engine
//! behind it is being written (issue 3).

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex};

/// Which OpenSSL behaviour to reproduce.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Profile {
    /// OpenSSL 1.1.1 (SEED and IDEA present).
    V1_1_1,
    /// OpenSSL 3.0 and 3.1 (the default).
    V3_0,
    /// OpenSSL 3.2 to 3.6.
    V3_2,
}

impl Profile {
    /// The profile for an OpenSSL `major.minor` version.
    pub fn for_version(major: u16, minor: u16) -> Profile {
        match (major, minor) {
            (0 | 1, _) => Profile::V1_1_1,
            (3, 0 | 1) => Profile::V3_0,
            _ => Profile::V3_2,
        }
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
    /// Strength in bits.
    pub bits: u16,
}

impl Suite {
    /// Ephemeral key exchange (ECDHE/DHE, or TLS 1.3).
    pub fn forward_secret(&self) -> bool {
        matches!(self.kx, "ECDH" | "DH" | "ECDHEPSK" | "DHEPSK" | "any")
    }

    /// Ephemeral finite-field Diffie-Hellman key exchange (needs DH parameters).
    pub fn kx_dhe(&self) -> bool {
        matches!(self.kx, "DH" | "DHEPSK")
    }

    /// Reasons this suite is weak (NULL, anonymous, EXPORT, RC4, DES/3DES, MD5), empty if none.
    pub fn weaknesses(&self) -> Vec<&'static str> {
        Vec::new()
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
    /// `suites` after the security-level filter.
    pub usable: Vec<&'static Suite>,
    /// Words OpenSSL skips.
    pub unknown: Vec<UnknownWord>,
    /// Set when OpenSSL would reject the string.
    pub error: Option<CipherError>,
}

/// Expands `s` as OpenSSL with `profile` would.
pub fn expand(s: &str, profile: Profile) -> Expansion {
    let _ = (s, profile);
    Expansion::default()
}

/// Finds a suite by any vocabulary's name (OpenSSL, IANA, Go, Java, BoringSSL).
pub fn lookup(name: &str) -> Option<&'static Suite> {
    let _ = name;
    None
}

/// Thread-safe memo of expansions per (string, profile).
#[derive(Debug, Default)]
pub struct Cache {
    map: Mutex<HashMap<(String, Profile), Arc<Expansion>>>,
}

impl Cache {
    /// An empty cache.
    pub fn new() -> Self {
        Cache::default()
    }

    /// Expands once per distinct (string, profile).
    pub fn expand(&self, s: &str, profile: Profile) -> Arc<Expansion> {
        let key = (s.to_owned(), profile);
        if let Ok(map) = self.map.lock()
            && let Some(hit) = map.get(&key)
        {
            return Arc::clone(hit);
        }
        let value = Arc::new(expand(s, profile));
        if let Ok(mut map) = self.map.lock() {
            map.insert(key, Arc::clone(&value));
        }
        value
    }
}
