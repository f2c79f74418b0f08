//! Go `crypto/tls` as data: the semantics of the library behind Traefik, the Prometheus
//! exporter-toolkit, etcd and the OpenTelemetry Collector.
//!
//! Facts from Go's `src/crypto/tls` (`cipher_suites.go`: `cipherSuites`, their
//! `suiteTLS12` flag and `cipherSuitesPreferenceOrder`; `defaults.go`: `defaultCipherSuites`
//! drops `disabledCipherSuites`, `rsaKexCiphers` unless `GODEBUG=tlsrsakex=1` (Go 1.22) and
//! `tdesCiphers` unless `GODEBUG=tls3des=1` (Go 1.23); `common.go`: a new ticket key every
//! 24 hours). TLS 1.3 suites are fixed in Go: `Config.CipherSuites` only lists TLS 1.0–1.2
//! suites, and TLS 1.3 names in it have no effect.

use crate::model::{Protocol, Side, Version};

/// The Go version assumed when `--target go=X.Y` is not given: the toolchain current
/// releases of the described applications are built with.
pub const DEFAULT_GO: Version = Version(1, 24, 0);

/// Seconds between automatic ticket-key rotations (`ticketKeyRotation`, 24 hours).
pub const TICKET_KEY_ROTATION_SECS: u64 = 24 * 60 * 60;

/// The TLS 1.3 suites, which Go always enables and does not let a config choose.
pub const TLS13_SUITES: [&str; 3] = [
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
];

/// When a suite is in Go's default list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum InDefault {
    /// In every default list since Go 1.17's fixed preference order.
    Always,
    /// In the default list before this Go 1.x minor version.
    Before(u16),
    /// Never enabled by default (CBC-SHA256, RC4).
    Never,
}

/// One TLS 1.0–1.2 suite Go implements.
#[derive(Clone, Copy, Debug)]
pub struct GoSuite {
    /// Go's constant name (IANA spelling).
    pub name: &'static str,
    /// Usable only with TLS 1.2 (AEAD and SHA-256/384 suites: Go's `suiteTLS12`).
    pub tls12_only: bool,
    default: InDefault,
}

const fn suite(name: &'static str, tls12_only: bool, default: InDefault) -> GoSuite {
    GoSuite {
        name,
        tls12_only,
        default,
    }
}

/// Go's suites in its preference order (`cipherSuitesPreferenceOrder`).
const SUITES: [GoSuite; 22] = [
    suite(
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        true,
        InDefault::Always,
    ),
    suite(
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        true,
        InDefault::Always,
    ),
    suite(
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        true,
        InDefault::Always,
    ),
    suite(
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        true,
        InDefault::Always,
    ),
    suite(
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        true,
        InDefault::Always,
    ),
    suite(
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        true,
        InDefault::Always,
    ),
    suite(
        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
        false,
        InDefault::Always,
    ),
    suite(
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
        false,
        InDefault::Always,
    ),
    suite(
        "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
        false,
        InDefault::Always,
    ),
    suite(
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
        false,
        InDefault::Always,
    ),
    suite(
        "TLS_RSA_WITH_AES_128_GCM_SHA256",
        true,
        InDefault::Before(22),
    ),
    suite(
        "TLS_RSA_WITH_AES_256_GCM_SHA384",
        true,
        InDefault::Before(22),
    ),
    suite("TLS_RSA_WITH_AES_128_CBC_SHA", false, InDefault::Before(22)),
    suite("TLS_RSA_WITH_AES_256_CBC_SHA", false, InDefault::Before(22)),
    suite(
        "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
        false,
        InDefault::Before(23),
    ),
    suite(
        "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
        false,
        InDefault::Before(22),
    ),
    suite(
        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
        true,
        InDefault::Never,
    ),
    suite(
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
        true,
        InDefault::Never,
    ),
    suite("TLS_RSA_WITH_AES_128_CBC_SHA256", true, InDefault::Never),
    suite("TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", false, InDefault::Never),
    suite("TLS_ECDHE_RSA_WITH_RC4_128_SHA", false, InDefault::Never),
    suite("TLS_RSA_WITH_RC4_128_SHA", false, InDefault::Never),
];

/// Go's older spellings of the ChaCha20 suites (still exported constants).
const ALIASES: [(&str, &str); 2] = [
    (
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
    ),
    (
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
    ),
];

/// True for a TLS 1.3 suite name (any ASCII case).
pub fn is_tls13(name: &str) -> bool {
    TLS13_SUITES.iter().any(|s| s.eq_ignore_ascii_case(name))
}

/// The Go suite a name stands for (any ASCII case, old ChaCha20 spellings included).
pub fn lookup(name: &str) -> Option<&'static GoSuite> {
    let name = ALIASES
        .iter()
        .find(|(alias, _)| alias.eq_ignore_ascii_case(name))
        .map_or(name, |(_, canonical)| canonical);
    SUITES.iter().find(|s| s.name.eq_ignore_ascii_case(name))
}

/// Go's default TLS 1.0–1.2 suites for a Go version, in preference order.
pub fn default_suites(go: Version) -> Vec<&'static str> {
    SUITES
        .iter()
        .filter(|s| match s.default {
            InDefault::Always => true,
            InDefault::Before(minor) => go < Version(1, minor, 0),
            InDefault::Never => false,
        })
        .map(|s| s.name)
        .collect()
}

/// Go's default minimum version when `Config.MinVersion` is unset, with a label: TLS 1.2
/// for clients since Go 1.18 and for servers since Go 1.22 (`common.go`,
/// `supportedVersions`; the GODEBUG `tls10server` setting restores TLS 1.0 for servers),
/// TLS 1.0 before.
pub fn default_min(go: Version, side: Side) -> (Protocol, String) {
    let (since, who) = match side {
        Side::Server => (22, "servers"),
        Side::Client => (18, "clients"),
    };
    let v = short(go);
    if go >= Version(1, since, 0) {
        (
            Protocol::TLSv1_2,
            format!("Go {v} crypto/tls default minimum for {who} (TLS 1.2 since Go 1.{since})"),
        )
    } else {
        (
            Protocol::TLSv1,
            format!("Go {v} crypto/tls default minimum for {who} (TLS 1.0 before Go 1.{since})"),
        )
    }
}

/// Go's default key-exchange groups (`defaultCurvePreferences`) for a Go version, in its
/// order: X25519, P-256, P-384, P-521, with the hybrid post-quantum group first since Go
/// 1.24 (`X25519MLKEM768`). Go 1.23's draft `X25519Kyber768Draft00` is left out: no
/// policy names it and its classical half is X25519, which is listed.
pub fn default_curves(go: Version) -> Vec<&'static str> {
    let mut out = Vec::with_capacity(5);
    if go >= Version(1, 24, 0) {
        out.push("X25519MLKEM768");
    }
    out.extend(["x25519", "secp256r1", "secp384r1", "secp521r1"]);
    out
}

/// Formats a Go version as `1.22`.
pub fn short(go: Version) -> String {
    format!("{}.{}", go.0, go.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_go_versions() {
        let d21 = default_suites(Version(1, 21, 0));
        assert!(d21.contains(&"TLS_RSA_WITH_AES_128_GCM_SHA256"));
        assert!(d21.contains(&"TLS_RSA_WITH_3DES_EDE_CBC_SHA"));
        let d22 = default_suites(Version(1, 22, 0));
        assert!(!d22.contains(&"TLS_RSA_WITH_AES_128_GCM_SHA256"));
        assert!(d22.contains(&"TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA"));
        let d23 = default_suites(Version(1, 23, 0));
        assert_eq!(d23.len(), 10);
        assert!(!d23.iter().any(|s| s.contains("3DES") || s.contains("RC4")));
    }

    #[test]
    fn default_minimum_and_groups_follow_go_versions() {
        assert_eq!(
            default_min(Version(1, 21, 0), Side::Server).0,
            Protocol::TLSv1
        );
        assert_eq!(
            default_min(Version(1, 22, 0), Side::Server).0,
            Protocol::TLSv1_2
        );
        assert_eq!(
            default_min(Version(1, 18, 0), Side::Client).0,
            Protocol::TLSv1_2
        );
        assert_eq!(default_curves(Version(1, 23, 0)).len(), 4);
        assert_eq!(default_curves(Version(1, 24, 0))[0], "X25519MLKEM768");
    }

    #[test]
    fn names_and_versions() {
        assert!(lookup("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305").is_some_and(|s| s.tls12_only));
        assert!(lookup("tls_ecdhe_rsa_with_aes_128_cbc_sha").is_some_and(|s| !s.tls12_only));
        assert!(lookup("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384").is_none());
        assert!(is_tls13("TLS_AES_128_GCM_SHA256"));
    }
}

/// Whole seconds of a Go duration (`time.ParseDuration`: `12h`, `1h30m`, `1.5h`, `90s`),
/// also taking `d` for days as Caddy's `caddy.Duration` does. With `integer_nanos`, a bare
/// integer is nanoseconds (a JSON number decoded into a Go `time.Duration`). `None` when the
/// text is not a duration or does not fit.
pub fn duration_secs(text: &str, integer_nanos: bool) -> Option<u64> {
    let t = text.trim();
    if integer_nanos && !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse::<u64>().ok().map(|n| n / 1_000_000_000);
    }
    if t == "0" {
        return Some(0);
    }
    let mut rest = t;
    let mut nanos: f64 = 0.0;
    let mut parts = 0;
    while !rest.is_empty() {
        // Bounded: every round consumes at least one number and one unit character.
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if num_len == 0 {
            return None;
        }
        let n: f64 = rest[..num_len].parse().ok()?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let mult = match &rest[..unit_len] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            "d" => 86_400e9,
            _ => return None,
        };
        rest = &rest[unit_len..];
        nanos += n * mult;
        parts += 1;
    }
    if parts == 0 || !nanos.is_finite() || nanos >= 1e19 {
        return None;
    }
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "finite, non-negative and below 2^64 nanoseconds, checked above"
    )]
    Some((nanos / 1e9) as u64)
}

#[cfg(test)]
mod duration_tests {
    use super::duration_secs;

    #[test]
    fn go_durations() {
        assert_eq!(duration_secs("12h", false), Some(43_200));
        assert_eq!(duration_secs("1h30m", false), Some(5_400));
        assert_eq!(duration_secs("1.5h", false), Some(5_400));
        assert_eq!(duration_secs("2d", false), Some(172_800));
        assert_eq!(duration_secs("0", false), Some(0));
        assert_eq!(duration_secs("3600000000000", true), Some(3_600));
        assert_eq!(duration_secs("12", false), None);
        assert_eq!(duration_secs("12x", false), None);
        assert_eq!(duration_secs("h", false), None);
        assert_eq!(duration_secs("", false), None);
        assert_eq!(duration_secs("99999999999999999999h", false), None);
    }
}
