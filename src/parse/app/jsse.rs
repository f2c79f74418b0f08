//! Java's JSSE (the SunJSSE provider of OpenJDK) as data: the semantics of the library
//! behind Elasticsearch and OpenSearch.
//!
//! Facts from OpenJDK's `sun.security.ssl.CipherSuite` (JDK 17: the suites SunJSSE
//! implements, the protocol versions each works with — `PROTOCOLS_OF_13`, `PROTOCOLS_OF_12`,
//! `PROTOCOLS_TO_12` — and their default-enabled preference order) and
//! `conf/security/java.security` (`jdk.tls.disabledAlgorithms`, which removes protocols and
//! suites from every handshake whatever an application enables): `TLSv1` and `TLSv1.1`
//! since JDK 16, 11.0.11 and 8u291; `RC4`, `DES`, `3DES_EDE_CBC`, `anon` and `NULL` in every
//! release modelled here; static `ECDH` since JDK 20; `TLS_RSA_*` since JDK 24. TLS 1.3
//! exists since JDK 11 (and 8u261), and its suites are enabled in the same list as the
//! others (`SSLParameters.setCipherSuites`), unlike Go. SunJSSE knows the old suites also
//! by their `SSL_` names (`SSL_RSA_WITH_3DES_EDE_CBC_SHA`).

use crate::model::{Protocol, Version};

/// The Java version assumed when `--target java=N` is not given: the JDK bundled with
/// current Elasticsearch 8.x and OpenSearch 2.x releases is 21 or later.
pub const DEFAULT_JAVA: Version = Version(21, 0, 0);

/// Why `jdk.tls.disabledAlgorithms` removes a suite.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Off {
    /// Not disabled.
    No,
    /// Disabled in every modelled release (`RC4`, `DES`, `3DES_EDE_CBC`, `anon`, `NULL`).
    Always(&'static str),
    /// Disabled from this JDK feature release on (`ECDH` 20, `TLS_RSA_*` 24).
    Since(u16, &'static str),
}

/// One suite SunJSSE implements.
#[derive(Clone, Copy, Debug)]
pub struct JavaSuite {
    /// IANA name (SunJSSE's name for every suite that has a `TLS_` name).
    pub name: &'static str,
    /// Lowest protocol the suite works with.
    pub min: Protocol,
    /// Highest protocol the suite works with.
    pub max: Protocol,
    /// SunJSSE also accepts the `SSL_` spelling (suites from the SSL 3.0 era).
    ssl_name: bool,
    /// In the default-enabled list (when not disabled).
    default: bool,
    off: Off,
}

use Protocol::{TLSv1, TLSv1_2, TLSv1_3};

const fn s13(name: &'static str) -> JavaSuite {
    JavaSuite {
        name,
        min: TLSv1_3,
        max: TLSv1_3,
        ssl_name: false,
        default: true,
        off: Off::No,
    }
}

/// A TLS 1.2-only suite (AEAD, SHA-256/384 MAC).
const fn s12(name: &'static str, off: Off) -> JavaSuite {
    JavaSuite {
        name,
        min: TLSv1_2,
        max: TLSv1_2,
        ssl_name: false,
        default: true,
        off,
    }
}

/// A suite for TLS 1.0 to 1.2 (CBC with SHA-1).
const fn s10(name: &'static str, off: Off) -> JavaSuite {
    JavaSuite {
        name,
        min: TLSv1,
        max: TLSv1_2,
        ssl_name: false,
        default: true,
        off,
    }
}

/// A suite SunJSSE knows but never enables by default (it is in `disabledAlgorithms`).
const fn weak(name: &'static str, min: Protocol, ssl_name: bool, why: &'static str) -> JavaSuite {
    JavaSuite {
        name,
        min,
        max: TLSv1_2,
        ssl_name,
        default: false,
        off: Off::Always(why),
    }
}

const ECDH: Off = Off::Since(20, "ECDH");
const RSA: Off = Off::Since(24, "TLS_RSA_*");

/// SunJSSE's suites: the default-enabled ones in its preference order (JDK 17+), then the
/// ones `jdk.tls.disabledAlgorithms` removes (3DES is default-enabled in `CipherSuite` but
/// removed there; anonymous, NULL, RC4 and DES suites are not enabled by default at all).
const SUITES: [JavaSuite; 65] = [
    s13("TLS_AES_256_GCM_SHA384"),
    s13("TLS_AES_128_GCM_SHA256"),
    s13("TLS_CHACHA20_POLY1305_SHA256"),
    s12("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", Off::No),
    s12("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", Off::No),
    s12("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", Off::No),
    s12("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", Off::No),
    s12("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", Off::No),
    s12("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", Off::No),
    s12("TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", Off::No),
    s12("TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", Off::No),
    s12("TLS_DHE_DSS_WITH_AES_256_GCM_SHA384", Off::No),
    s12("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", Off::No),
    s12("TLS_DHE_DSS_WITH_AES_128_GCM_SHA256", Off::No),
    s12("TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", Off::No),
    s12("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", Off::No),
    s12("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", Off::No),
    s12("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", Off::No),
    s12("TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", Off::No),
    s12("TLS_DHE_DSS_WITH_AES_256_CBC_SHA256", Off::No),
    s12("TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", Off::No),
    s12("TLS_DHE_DSS_WITH_AES_128_CBC_SHA256", Off::No),
    s12("TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384", ECDH),
    s12("TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384", ECDH),
    s12("TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256", ECDH),
    s12("TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256", ECDH),
    s12("TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384", ECDH),
    s12("TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384", ECDH),
    s12("TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256", ECDH),
    s12("TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256", ECDH),
    s10("TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", Off::No),
    s10("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", Off::No),
    s10("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", Off::No),
    s10("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", Off::No),
    s10("TLS_DHE_RSA_WITH_AES_256_CBC_SHA", Off::No),
    s10("TLS_DHE_DSS_WITH_AES_256_CBC_SHA", Off::No),
    s10("TLS_DHE_RSA_WITH_AES_128_CBC_SHA", Off::No),
    s10("TLS_DHE_DSS_WITH_AES_128_CBC_SHA", Off::No),
    s10("TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA", ECDH),
    s10("TLS_ECDH_RSA_WITH_AES_256_CBC_SHA", ECDH),
    s10("TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA", ECDH),
    s10("TLS_ECDH_RSA_WITH_AES_128_CBC_SHA", ECDH),
    s12("TLS_RSA_WITH_AES_256_GCM_SHA384", RSA),
    s12("TLS_RSA_WITH_AES_128_GCM_SHA256", RSA),
    s12("TLS_RSA_WITH_AES_256_CBC_SHA256", RSA),
    s12("TLS_RSA_WITH_AES_128_CBC_SHA256", RSA),
    s10("TLS_RSA_WITH_AES_256_CBC_SHA", RSA),
    s10("TLS_RSA_WITH_AES_128_CBC_SHA", RSA),
    weak(
        "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA",
        TLSv1,
        false,
        "3DES_EDE_CBC",
    ),
    weak(
        "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
        TLSv1,
        false,
        "3DES_EDE_CBC",
    ),
    weak(
        "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA",
        TLSv1,
        true,
        "3DES_EDE_CBC",
    ),
    weak(
        "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA",
        TLSv1,
        true,
        "3DES_EDE_CBC",
    ),
    weak(
        "TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA",
        TLSv1,
        false,
        "3DES_EDE_CBC",
    ),
    weak(
        "TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA",
        TLSv1,
        false,
        "3DES_EDE_CBC",
    ),
    weak("TLS_RSA_WITH_3DES_EDE_CBC_SHA", TLSv1, true, "3DES_EDE_CBC"),
    weak("TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", TLSv1, false, "RC4"),
    weak("TLS_ECDHE_RSA_WITH_RC4_128_SHA", TLSv1, false, "RC4"),
    weak("TLS_RSA_WITH_RC4_128_SHA", TLSv1, true, "RC4"),
    weak("TLS_RSA_WITH_RC4_128_MD5", TLSv1, true, "RC4"),
    // DES suites end at TLS 1.1 (`PROTOCOLS_TO_11`).
    JavaSuite {
        max: Protocol::TLSv1_1,
        ..weak("TLS_RSA_WITH_DES_CBC_SHA", TLSv1, true, "DES")
    },
    JavaSuite {
        max: Protocol::TLSv1_1,
        ..weak("TLS_DHE_RSA_WITH_DES_CBC_SHA", TLSv1, true, "DES")
    },
    weak("TLS_RSA_WITH_NULL_SHA256", TLSv1_2, false, "NULL"),
    weak("TLS_RSA_WITH_NULL_SHA", TLSv1, true, "NULL"),
    weak("TLS_DH_anon_WITH_AES_128_CBC_SHA", TLSv1, false, "anon"),
    weak("TLS_ECDH_anon_WITH_AES_128_CBC_SHA", TLSv1, false, "anon"),
];

/// The suite a name stands for (any ASCII case; `SSL_` names of the SSL-era suites).
pub fn lookup(name: &str) -> Option<&'static JavaSuite> {
    if let Some(s) = SUITES.iter().find(|s| s.name.eq_ignore_ascii_case(name)) {
        return Some(s);
    }
    name.get(..4).filter(|p| p.eq_ignore_ascii_case("SSL_"))?;
    let tail = name.get(4..)?;
    SUITES.iter().find(|s| {
        s.ssl_name
            && s.name
                .get(4..)
                .is_some_and(|t| t.eq_ignore_ascii_case(tail))
    })
}

/// True when the JDK has TLS 1.3 (11 and later, 8u261 and later).
fn has_tls13(java: Version) -> bool {
    java.0 >= 11 || (java.0 == 8 && java.2 >= 261)
}

/// Whether `jdk.tls.disabledAlgorithms` lists TLS 1.0 and 1.1 (JDK 16, 11.0.11, 8u291).
fn legacy_protocols_off(java: Version) -> bool {
    java.0 >= 16 || (java.0 == 11 && java.2 >= 11) || (java.0 == 8 && java.2 >= 291)
}

/// The protocols the JDK can negotiate at all (`jdk.tls.disabledAlgorithms` applied).
pub fn protocols(java: Version) -> Vec<Protocol> {
    let mut out = Vec::new();
    if !legacy_protocols_off(java) {
        out.extend([TLSv1, Protocol::TLSv1_1]);
    }
    out.push(TLSv1_2);
    if has_tls13(java) {
        out.push(TLSv1_3);
    }
    out
}

/// Why the JDK cannot use a protocol (`None`: it can).
pub fn protocol_off(p: Protocol, java: Version) -> Option<String> {
    match p {
        Protocol::SSLv2 | Protocol::SSLv3 => {
            Some("SSLv3 is in `jdk.tls.disabledAlgorithms`".into())
        }
        TLSv1 | Protocol::TLSv1_1 if legacy_protocols_off(java) => Some(format!(
            "Java {} lists TLSv1 and TLSv1.1 in `jdk.tls.disabledAlgorithms`",
            short(java)
        )),
        TLSv1_3 if !has_tls13(java) => Some(format!("Java {} has no TLS 1.3", short(java))),
        _ => None,
    }
}

/// Why the JDK never negotiates a suite (`None`: it can).
pub fn suite_off(s: &JavaSuite, java: Version) -> Option<String> {
    let entry = match s.off {
        Off::No => None,
        Off::Always(e) => Some(e),
        Off::Since(v, e) => (java.0 >= v).then_some(e),
    };
    if let Some(e) = entry {
        return Some(format!(
            "Java {} disables it (`{e}` in `jdk.tls.disabledAlgorithms`)",
            short(java)
        ));
    }
    if s.min == TLSv1_3 && !has_tls13(java) {
        return Some(format!("Java {} has no TLS 1.3", short(java)));
    }
    if s.name.contains("CHACHA20") && java.0 < 12 {
        return Some(format!("Java {} has no ChaCha20-Poly1305", short(java)));
    }
    None
}

/// The JDK's default enabled suites (TLS 1.3 ones included), in its preference order.
pub fn default_suites(java: Version) -> Vec<&'static str> {
    SUITES
        .iter()
        .filter(|s| s.default && suite_off(s, java).is_none())
        .map(|s| s.name)
        .collect()
}

/// Formats a Java version: `17`, `11.0.11`, `8u291`.
pub fn short(java: Version) -> String {
    match java {
        Version(8, _, u) if u > 0 => format!("8u{u}"),
        Version(m, 0, 0) => m.to_string(),
        Version(m, n, p) => format!("{m}.{n}.{p}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocols_by_version() {
        assert_eq!(protocols(Version(17, 0, 0)), vec![TLSv1_2, TLSv1_3]);
        assert_eq!(protocols(Version(11, 0, 10)).len(), 4);
        assert_eq!(protocols(Version(11, 0, 11)), vec![TLSv1_2, TLSv1_3]);
        assert_eq!(
            protocols(Version(8, 0, 252)),
            vec![TLSv1, Protocol::TLSv1_1, TLSv1_2]
        );
        assert_eq!(short(Version(8, 0, 291)), "8u291");
    }

    #[test]
    fn names_aliases_and_disabled_suites() {
        let tdes = lookup("SSL_RSA_WITH_3DES_EDE_CBC_SHA").unwrap();
        assert_eq!(tdes.name, "TLS_RSA_WITH_3DES_EDE_CBC_SHA");
        assert!(suite_off(tdes, Version(8, 0, 0)).is_some());
        assert!(lookup("SSL_ECDHE_RSA_WITH_AES_128_GCM_SHA256").is_none());
        assert!(lookup("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384").is_some());
        let rsa = lookup("TLS_RSA_WITH_AES_128_GCM_SHA256").unwrap();
        assert!(suite_off(rsa, Version(21, 0, 0)).is_none());
        assert!(suite_off(rsa, Version(24, 0, 0)).is_some());
        let d21 = default_suites(Version(21, 0, 0));
        assert_eq!(d21[0], "TLS_AES_256_GCM_SHA384");
        assert!(!d21.iter().any(|s| s.starts_with("TLS_ECDH_")));
        assert!(d21.contains(&"TLS_RSA_WITH_AES_128_CBC_SHA"));
        assert!(default_suites(Version(17, 0, 0)).contains(&"TLS_ECDH_RSA_WITH_AES_128_CBC_SHA"));
        assert!(
            !default_suites(Version(25, 0, 0))
                .iter()
                .any(|s| s.starts_with("TLS_RSA_"))
        );
    }
}
