//! OpenSSL's cipher-string aliases (`cipher_aliases` in `ssl/ssl_ciph.c`) as mask data.
//!
//! Source: `shared/reference/openssl-ciphers.md` §1.9 (OpenSSL 3.0; 1.1.1 lacks the three
//! entries marked `since_3_0`). An alias is a set of masks, one per suite field; zero means
//! "don't care". Whether an alias exists for a profile (its algorithms may be unavailable) is
//! decided by the engine, not here.

use super::table::{Au, Enc, Kx, Mac, MinTls, class};

/// One alias: a name and the masks a suite must hit.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Alias {
    /// The word as written in a cipher string (case-sensitive).
    pub(crate) name: &'static str,
    /// Key-exchange mask.
    pub(crate) mkey: u32,
    /// Authentication mask.
    pub(crate) auth: u32,
    /// Encryption mask.
    pub(crate) enc: u32,
    /// MAC mask.
    pub(crate) mac: u32,
    /// Required minimum protocol (exact match), if any.
    pub(crate) min_tls: Option<MinTls>,
    /// Strength-class and `NOT_DEFAULT` bits.
    pub(crate) strength: u8,
    /// Added in OpenSSL 3.0 (absent from the 1.1.1 profile).
    pub(crate) since_3_0: bool,
}

const fn a(name: &'static str, mkey: u32, auth: u32, enc: u32, mac: u32) -> Alias {
    Alias {
        name,
        mkey,
        auth,
        enc,
        mac,
        min_tls: None,
        strength: 0,
        since_3_0: false,
    }
}

const fn strength(name: &'static str, bits: u8) -> Alias {
    Alias {
        strength: bits,
        ..a(name, 0, 0, 0, 0)
    }
}

const fn proto(name: &'static str, v: MinTls) -> Alias {
    Alias {
        min_tls: Some(v),
        ..a(name, 0, 0, 0, 0)
    }
}

const fn new_in_3_0(alias: Alias) -> Alias {
    Alias {
        since_3_0: true,
        ..alias
    }
}

const K_DHE: u32 = Kx::Dhe.bit();
const SHA1: u32 = Mac::Sha1.bit();

/// A name alias of a DHE 3DES suite. OpenSSL classes it HIGH|FIPS, so since 3DES became
/// MEDIUM (1.0.2i) it matches the 3DES suites only through their FIPS flag.
const fn dhe_3des(name: &'static str, auth: Au) -> Alias {
    Alias {
        strength: class::HIGH | class::FIPS,
        ..a(name, K_DHE, auth.bit(), Enc::TripleDes.bit(), SHA1)
    }
}
const K_ECDHE: u32 = Kx::Ecdhe.bit();
const K_PSK_ALL: u32 = Kx::Psk.bit() | Kx::RsaPsk.bit() | Kx::EcdhePsk.bit() | Kx::DhePsk.bit();
const A_NULL: u32 = Au::Null.bit();
const NOT_A_NULL: u32 = !Au::Null.bit();
const E_NULL: u32 = Enc::Null.bit();
const NOT_E_NULL: u32 = !Enc::Null.bit();
const AES128: u32 =
    Enc::Aes128.bit() | Enc::AesGcm128.bit() | Enc::AesCcm128.bit() | Enc::AesCcm8_128.bit();
const AES256: u32 =
    Enc::Aes256.bit() | Enc::AesGcm256.bit() | Enc::AesCcm256.bit() | Enc::AesCcm8_256.bit();
const AES_CCM8: u32 = Enc::AesCcm8_128.bit() | Enc::AesCcm8_256.bit();
const AES_CCM: u32 = Enc::AesCcm128.bit() | Enc::AesCcm256.bit() | AES_CCM8;
const CAMELLIA: u32 = Enc::Camellia128.bit() | Enc::Camellia256.bit();
const ARIA: u32 = Enc::AriaGcm128.bit() | Enc::AriaGcm256.bit();
// OpenSSL 3.0 `SSL_CBC`: every block cipher used in CBC mode.
const CBC: u32 = Enc::Des.bit()
    | Enc::TripleDes.bit()
    | Enc::Rc2.bit()
    | Enc::Idea.bit()
    | Enc::Aes128.bit()
    | Enc::Aes256.bit()
    | CAMELLIA
    | Enc::Seed.bit();

/// The alias table, in OpenSSL's order.
pub(crate) static ALIASES: &[Alias] = &[
    // `ALL` never includes eNULL; `COMPLEMENTOFALL` is exactly eNULL.
    a("ALL", 0, 0, NOT_E_NULL, 0),
    a("COMPLEMENTOFALL", 0, 0, E_NULL, 0),
    strength("COMPLEMENTOFDEFAULT", class::NOT_DEFAULT),
    // Key exchange.
    a("kRSA", Kx::Rsa.bit(), 0, 0, 0),
    a("kEDH", K_DHE, 0, 0, 0),
    a("kDHE", K_DHE, 0, 0, 0),
    a("DH", K_DHE, 0, 0, 0),
    a("kEECDH", K_ECDHE, 0, 0, 0),
    a("kECDHE", K_ECDHE, 0, 0, 0),
    a("ECDH", K_ECDHE, 0, 0, 0),
    a("kPSK", Kx::Psk.bit(), 0, 0, 0),
    a("kRSAPSK", Kx::RsaPsk.bit(), 0, 0, 0),
    a("kECDHEPSK", Kx::EcdhePsk.bit(), 0, 0, 0),
    a("kDHEPSK", Kx::DhePsk.bit(), 0, 0, 0),
    a("kSRP", Kx::Srp.bit(), 0, 0, 0),
    a("kGOST", Kx::Gost.bit(), 0, 0, 0),
    new_in_3_0(a("kGOST18", Kx::Gost18.bit(), 0, 0, 0)),
    // Authentication.
    a("aRSA", 0, Au::Rsa.bit(), 0, 0),
    a("aDSS", 0, Au::Dss.bit(), 0, 0),
    a("DSS", 0, Au::Dss.bit(), 0, 0),
    a("aNULL", 0, A_NULL, 0, 0),
    a("aECDSA", 0, Au::Ecdsa.bit(), 0, 0),
    a("ECDSA", 0, Au::Ecdsa.bit(), 0, 0),
    a("aPSK", 0, Au::Psk.bit(), 0, 0),
    a("aGOST01", 0, Au::Gost01.bit(), 0, 0),
    a("aGOST12", 0, Au::Gost12.bit(), 0, 0),
    a("aGOST", 0, Au::Gost01.bit() | Au::Gost12.bit(), 0, 0),
    a("aSRP", 0, Au::Srp.bit(), 0, 0),
    // Key exchange and authentication together.
    a("EDH", K_DHE, NOT_A_NULL, 0, 0),
    a("DHE", K_DHE, NOT_A_NULL, 0, 0),
    a("EECDH", K_ECDHE, NOT_A_NULL, 0, 0),
    a("ECDHE", K_ECDHE, NOT_A_NULL, 0, 0),
    a("NULL", 0, 0, E_NULL, 0),
    // `RSA` is RSA key transport *and* RSA authentication, not "RSA certificate".
    a("RSA", Kx::Rsa.bit(), Au::Rsa.bit(), 0, 0),
    a("ADH", K_DHE, A_NULL, 0, 0),
    a("AECDH", K_ECDHE, A_NULL, 0, 0),
    a("PSK", K_PSK_ALL, 0, 0, 0),
    a("SRP", Kx::Srp.bit(), 0, 0, 0),
    // Encryption.
    a("3DES", 0, 0, Enc::TripleDes.bit(), 0),
    a("RC4", 0, 0, Enc::Rc4.bit(), 0),
    a("RC2", 0, 0, Enc::Rc2.bit(), 0),
    a("IDEA", 0, 0, Enc::Idea.bit(), 0),
    a("SEED", 0, 0, Enc::Seed.bit(), 0),
    a("eNULL", 0, 0, E_NULL, 0),
    a(
        "GOST89",
        0,
        0,
        Enc::Gost89Cnt.bit() | Enc::Gost89Cnt12.bit(),
        0,
    ),
    a("AES128", 0, 0, AES128, 0),
    a("AES256", 0, 0, AES256, 0),
    a("AES", 0, 0, AES128 | AES256, 0),
    a(
        "AESGCM",
        0,
        0,
        Enc::AesGcm128.bit() | Enc::AesGcm256.bit(),
        0,
    ),
    a("AESCCM", 0, 0, AES_CCM, 0),
    a("AESCCM8", 0, 0, AES_CCM8, 0),
    a("CAMELLIA128", 0, 0, Enc::Camellia128.bit(), 0),
    a("CAMELLIA256", 0, 0, Enc::Camellia256.bit(), 0),
    a("CAMELLIA", 0, 0, CAMELLIA, 0),
    a("CHACHA20", 0, 0, Enc::Chacha20.bit(), 0),
    new_in_3_0(a(
        "GOST2012-GOST8912-GOST8912",
        0,
        0,
        Enc::Gost89Cnt12.bit(),
        0,
    )),
    a("ARIA", 0, 0, ARIA, 0),
    a("ARIAGCM", 0, 0, ARIA, 0),
    a("ARIA128", 0, 0, Enc::AriaGcm128.bit(), 0),
    a("ARIA256", 0, 0, Enc::AriaGcm256.bit(), 0),
    new_in_3_0(a("CBC", 0, 0, CBC, 0)),
    // MAC.
    a("MD5", 0, 0, 0, Mac::Md5.bit()),
    a("SHA1", 0, 0, 0, Mac::Sha1.bit()),
    a("SHA", 0, 0, 0, Mac::Sha1.bit()),
    a("GOST94", 0, 0, 0, Mac::Gost94.bit()),
    a(
        "GOST89MAC",
        0,
        0,
        0,
        Mac::Gost89Mac.bit() | Mac::Gost89Mac12.bit(),
    ),
    a("SHA256", 0, 0, 0, Mac::Sha256.bit()),
    a("SHA384", 0, 0, 0, Mac::Sha384.bit()),
    a("GOST12", 0, 0, 0, Mac::Gost12_256.bit()),
    // Protocol versions: the suite's *minimum* version, matched exactly.
    proto("SSLv3", MinTls::Ssl3),
    proto("TLSv1", MinTls::Tls1),
    proto("TLSv1.0", MinTls::Tls1),
    proto("TLSv1.2", MinTls::Tls1_2),
    // Strength classes.
    strength("LOW", class::LOW),
    strength("MEDIUM", class::MEDIUM),
    strength("HIGH", class::HIGH),
    Alias {
        strength: class::FIPS,
        ..a("FIPS", 0, 0, NOT_E_NULL, 0)
    },
    // Old names of the DHE-3DES suites, kept by OpenSSL as aliases.
    dhe_3des("EDH-DSS-DES-CBC3-SHA", Au::Dss),
    dhe_3des("EDH-RSA-DES-CBC3-SHA", Au::Rsa),
];

/// Words that were aliases in older OpenSSL releases (1.0.2 and before) and are unknown now.
/// They are reported as removed rather than as typos.
pub(crate) static REMOVED: &[&str] = &[
    "EXP",
    "EXPORT",
    "EXP40",
    "EXP56",
    "EXPORT40",
    "EXPORT56",
    "SSLv2",
    "DES",
    "kDHr",
    "kDHd",
    "kDH",
    "kECDHr",
    "kECDHe",
    "kECDH",
    "aDH",
    "aECDH",
    "KRB5",
    "kKRB5",
    "aKRB5",
    "aGOST94",
    "TLSv1.1",
    "TLSv1.3",
    "DTLSv1",
    "DTLSv1.2",
    "kFZA",
    "aFZA",
    "eFZA",
    "FZA",
    "RC5",
    "PROFILE=SYSTEM",
];

/// Words OpenSSL understands only at the very start of the string.
pub(crate) static LEADING_ONLY: &[&str] = &[
    "DEFAULT",
    "SUITEB128",
    "SUITEB128ONLY",
    "SUITEB128C2",
    "SUITEB192",
];

const K_DH_STATIC: u32 = Kx::DhRsa.bit() | Kx::DhDss.bit();
const K_ECDH_STATIC: u32 = Kx::EcdhRsa.bit() | Kx::EcdhEcdsa.bit();
const AES_1_0_2: u32 =
    Enc::Aes128.bit() | Enc::Aes256.bit() | Enc::AesGcm128.bit() | Enc::AesGcm256.bit();

/// An alias whose suites a 1.0.2u default build lacks (EXPORT, SSLv2): known, matches none.
const fn unbuilt(name: &'static str) -> Alias {
    strength(name, class::UNBUILT)
}

/// OpenSSL 1.0.2u's `cipher_aliases` (ssl/ssl_ciph.c), in its order, without the entries a
/// default build drops because all their algorithms are missing (Kerberos: `kKRB5`,
/// `aKRB5`, `KRB5`; GOST: `kGOST`, `aGOST94`, `aGOST01`, `aGOST`, `GOST94`, `GOST89MAC`).
///
/// Differences from 1.1.0 on: `DH` and `ECDH` include the static (non-forward-secret) key
/// exchanges, `kDH`/`kECDH`/`aDH`/`aECDH` exist, `PSK` is plain PSK only, `SSLv3` and
/// `TLSv1` are one protocol bit (1.0.2 defines `SSL_TLSV1` as `SSL_SSLV3`), `AES128`/`AES256`
/// have no CCM, and there is no `CHACHA20`, `AESCCM`, `ARIA`, `CBC` or `TLSv1.0`.
pub(crate) static ALIASES_1_0_2: &[Alias] = &[
    a("ALL", 0, 0, NOT_E_NULL, 0),
    a("COMPLEMENTOFALL", 0, 0, E_NULL, 0),
    strength("COMPLEMENTOFDEFAULT", class::NOT_DEFAULT),
    a("kRSA", Kx::Rsa.bit(), 0, 0, 0),
    a("kDHr", Kx::DhRsa.bit(), 0, 0, 0),
    a("kDHd", Kx::DhDss.bit(), 0, 0, 0),
    a("kDH", K_DH_STATIC, 0, 0, 0),
    a("kEDH", K_DHE, 0, 0, 0),
    a("kDHE", K_DHE, 0, 0, 0),
    a("DH", K_DH_STATIC | K_DHE, 0, 0, 0),
    a("kECDHr", Kx::EcdhRsa.bit(), 0, 0, 0),
    a("kECDHe", Kx::EcdhEcdsa.bit(), 0, 0, 0),
    a("kECDH", K_ECDH_STATIC, 0, 0, 0),
    a("kEECDH", K_ECDHE, 0, 0, 0),
    a("kECDHE", K_ECDHE, 0, 0, 0),
    a("ECDH", K_ECDH_STATIC | K_ECDHE, 0, 0, 0),
    a("kPSK", Kx::Psk.bit(), 0, 0, 0),
    a("kSRP", Kx::Srp.bit(), 0, 0, 0),
    a("aRSA", 0, Au::Rsa.bit(), 0, 0),
    a("aDSS", 0, Au::Dss.bit(), 0, 0),
    a("DSS", 0, Au::Dss.bit(), 0, 0),
    a("aNULL", 0, A_NULL, 0, 0),
    a("aDH", 0, Au::Dh.bit(), 0, 0),
    a("aECDH", 0, Au::Ecdh.bit(), 0, 0),
    a("aECDSA", 0, Au::Ecdsa.bit(), 0, 0),
    a("ECDSA", 0, Au::Ecdsa.bit(), 0, 0),
    a("aPSK", 0, Au::Psk.bit(), 0, 0),
    a("aSRP", 0, Au::Srp.bit(), 0, 0),
    a("EDH", K_DHE, NOT_A_NULL, 0, 0),
    a("DHE", K_DHE, NOT_A_NULL, 0, 0),
    a("EECDH", K_ECDHE, NOT_A_NULL, 0, 0),
    a("ECDHE", K_ECDHE, NOT_A_NULL, 0, 0),
    a("NULL", 0, 0, E_NULL, 0),
    a("RSA", Kx::Rsa.bit(), Au::Rsa.bit(), 0, 0),
    a("ADH", K_DHE, A_NULL, 0, 0),
    a("AECDH", K_ECDHE, A_NULL, 0, 0),
    a("PSK", Kx::Psk.bit(), Au::Psk.bit(), 0, 0),
    a("SRP", Kx::Srp.bit(), 0, 0, 0),
    // DES and RC2 are in libcrypto, so the aliases exist; their suites are not built.
    a("DES", 0, 0, Enc::Des.bit(), 0),
    a("3DES", 0, 0, Enc::TripleDes.bit(), 0),
    a("RC4", 0, 0, Enc::Rc4.bit(), 0),
    a("RC2", 0, 0, Enc::Rc2.bit(), 0),
    a("IDEA", 0, 0, Enc::Idea.bit(), 0),
    a("SEED", 0, 0, Enc::Seed.bit(), 0),
    a("eNULL", 0, 0, E_NULL, 0),
    a("AES128", 0, 0, Enc::Aes128.bit() | Enc::AesGcm128.bit(), 0),
    a("AES256", 0, 0, Enc::Aes256.bit() | Enc::AesGcm256.bit(), 0),
    a("AES", 0, 0, AES_1_0_2, 0),
    a(
        "AESGCM",
        0,
        0,
        Enc::AesGcm128.bit() | Enc::AesGcm256.bit(),
        0,
    ),
    a("CAMELLIA128", 0, 0, Enc::Camellia128.bit(), 0),
    a("CAMELLIA256", 0, 0, Enc::Camellia256.bit(), 0),
    a("CAMELLIA", 0, 0, CAMELLIA, 0),
    a("MD5", 0, 0, 0, Mac::Md5.bit()),
    a("SHA1", 0, 0, 0, Mac::Sha1.bit()),
    a("SHA", 0, 0, 0, Mac::Sha1.bit()),
    a("SHA256", 0, 0, 0, Mac::Sha256.bit()),
    a("SHA384", 0, 0, 0, Mac::Sha384.bit()),
    unbuilt("SSLv2"),
    proto("SSLv3", MinTls::Ssl3),
    proto("TLSv1", MinTls::Ssl3),
    proto("TLSv1.2", MinTls::Tls1_2),
    unbuilt("EXP"),
    unbuilt("EXPORT"),
    unbuilt("EXP40"),
    unbuilt("EXP56"),
    strength("LOW", class::LOW),
    strength("MEDIUM", class::MEDIUM),
    strength("HIGH", class::HIGH),
    Alias {
        strength: class::FIPS,
        ..a("FIPS", 0, 0, NOT_E_NULL, 0)
    },
    // Forward-compatible `DHE-` names of the `EDH-` suites; the 3DES ones still say HIGH
    // and so match the MEDIUM suites through their FIPS flag, the others are export or
    // single-DES suites that are not built.
    unbuilt("EXP-DHE-DSS-DES-CBC-SHA"),
    a(
        "DHE-DSS-DES-CBC-SHA",
        K_DHE,
        Au::Dss.bit(),
        Enc::Des.bit(),
        SHA1,
    ),
    dhe_3des("DHE-DSS-DES-CBC3-SHA", Au::Dss),
    unbuilt("EXP-DHE-RSA-DES-CBC-SHA"),
    a(
        "DHE-RSA-DES-CBC-SHA",
        K_DHE,
        Au::Rsa.bit(),
        Enc::Des.bit(),
        SHA1,
    ),
    dhe_3des("DHE-RSA-DES-CBC3-SHA", Au::Rsa),
];
