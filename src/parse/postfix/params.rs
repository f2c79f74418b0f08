//! Postfix parameter facts kept as data: built-in defaults per version, the known TLS
//! parameter names, and deprecated parameters with their replacements.
//!
//! Sources: `shared/reference/mail.md` §4–§5 (`mail_params.h` per release, confirmed with
//! `postconf -d` on 3.7.11 and 3.10.13); the name list is `postconf -d` of 3.7.11 plus the
//! TLS parameters added in 3.8–3.12. Nothing here parses or decides policy.

use crate::model::Version;

/// The TLS-related parameter names Postfix knows (one per line), for typo detection.
const TLS_PARAMS: &str = include_str!("tls_params.txt");

/// Known TLS-related parameter names.
pub(crate) fn known_tls_params() -> impl Iterator<Item = &'static str> {
    TLS_PARAMS.lines().map(str::trim).filter(|l| !l.is_empty())
}

/// True when a name looks TLS-related (so a misspelling of it deserves a warning).
pub(crate) fn looks_tls(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.contains("tls") || lower.contains("ssl")
}

/// `aNULL:-aNULL:` in 3.0–3.3 only when built against OpenSSL ≥ 1.0.0 (`PREFER_aNULL`),
/// unconditional from 3.4.
fn prefer_anull(pf: Version, openssl: Version) -> &'static str {
    if pf >= Version(3, 4, 0) || openssl >= Version(1, 0, 0) {
        "aNULL:-aNULL:"
    } else {
        ""
    }
}

#[expect(
    clippy::too_many_lines,
    reason = "one data table, clearer in one piece"
)]
/// The built-in default of `name` for Postfix `pf` built against OpenSSL `openssl`;
/// `None` for parameters this table does not cover.
pub(crate) fn default(name: &str, pf: Version, openssl: Version) -> Option<String> {
    let v302 = pf >= Version(3, 0, 2);
    let v31 = pf >= Version(3, 1, 0);
    let v36 = pf >= Version(3, 6, 0);
    let v38 = pf >= Version(3, 8, 0);
    let p = prefer_anull(pf, openssl);
    let s = match name {
        "smtpd_use_tls"
        | "smtpd_enforce_tls"
        | "smtp_use_tls"
        | "smtp_enforce_tls"
        | "smtpd_tls_wrappermode"
        | "smtp_tls_wrappermode"
        | "smtpd_tls_auth_only"
        | "smtpd_sasl_auth_enable"
        | "smtpd_tls_ask_ccert"
        | "smtpd_tls_req_ccert"
        | "tls_preempt_cipherlist" => "no",
        "smtpd_tls_protocols" if !v302 => "",
        "smtpd_tls_mandatory_protocols" | "smtp_tls_protocols" | "smtp_tls_mandatory_protocols"
            if !v302 =>
        {
            "!SSLv2"
        }
        "smtpd_tls_protocols"
        | "smtpd_tls_mandatory_protocols"
        | "smtp_tls_protocols"
        | "smtp_tls_mandatory_protocols" => {
            if v36 {
                ">=TLSv1"
            } else {
                "!SSLv2, !SSLv3"
            }
        }
        "smtpd_tls_ciphers" | "smtp_tls_ciphers" if !v302 => "export",
        "smtpd_tls_ciphers"
        | "smtp_tls_ciphers"
        | "smtpd_tls_mandatory_ciphers"
        | "smtp_tls_mandatory_ciphers" => "medium",
        "smtpd_tls_security_level"
        | "smtp_tls_security_level"
        | "smtpd_tls_exclude_ciphers"
        | "smtpd_tls_mandatory_exclude_ciphers"
        | "smtp_tls_exclude_ciphers"
        | "smtp_tls_mandatory_exclude_ciphers"
        | "tls_ssl_options"
        | "smtpd_tls_dh1024_param_file"
        | "smtpd_tls_cert_file"
        | "smtpd_tls_eccert_file"
        | "smtpd_tls_dcert_file"
        | "smtpd_tls_chain_files"
        | "smtp_tls_cert_file"
        | "smtp_tls_eccert_file"
        | "smtp_tls_dcert_file"
        | "smtp_tls_chain_files" => "",
        "smtpd_tls_session_cache_timeout" => "3600s",
        "tls_session_ticket_cipher" => {
            let old = (pf >= Version(3, 0, 0) && pf < Version(3, 0, 6))
                || (pf >= Version(3, 1, 0) && pf < Version(3, 1, 2));
            if old { "aes-128-cbc" } else { "aes-256-cbc" }
        }
        "tls_high_cipherlist" => {
            return Some(if v38 {
                "aNULL:-aNULL:HIGH:!SEED:!IDEA:!3DES:!RC2:!RC4:!RC5:!kDH:!kECDH:!aDSS:!MD5:@STRENGTH".into()
            } else if v31 {
                format!("{p}HIGH:@STRENGTH")
            } else {
                format!("{p}ALL:!EXPORT:!LOW:!MEDIUM:+RC4:@STRENGTH")
            });
        }
        "tls_medium_cipherlist" => {
            return Some(if v38 {
                "aNULL:-aNULL:HIGH:MEDIUM:!SEED:!IDEA:!3DES:!RC2:!RC4:!RC5:!kDH:!kECDH:!aDSS:!MD5:+RC4:@STRENGTH".into()
            } else if v31 {
                format!("{p}HIGH:MEDIUM:+RC4:@STRENGTH")
            } else {
                format!("{p}ALL:!EXPORT:!LOW:+RC4:@STRENGTH")
            });
        }
        "tls_low_cipherlist" => {
            return Some(if v38 {
                String::new()
            } else if v31 {
                format!("{p}HIGH:MEDIUM:LOW:+RC4:@STRENGTH")
            } else {
                format!("{p}ALL:!EXPORT:+RC4:@STRENGTH")
            });
        }
        "tls_export_cipherlist" => {
            return Some(if v38 {
                String::new()
            } else if v31 {
                format!("{p}HIGH:MEDIUM:LOW:EXPORT:+RC4:@STRENGTH")
            } else {
                format!("{p}ALL:+RC4:@STRENGTH")
            });
        }
        "tls_null_cipherlist" => {
            if v38 {
                "eNULL:!kDH:!kECDH:!aDSS:!MD5:!aNULL"
            } else {
                "eNULL:!aNULL"
            }
        }
        "tls_eecdh_auto_curves" => {
            if pf < Version(3, 2, 0) {
                return None;
            }
            if pf >= Version(3, 11, 0) && openssl >= Version(3, 5, 0) {
                "?X25519MLKEM768:DEFAULT"
            } else if pf >= Version(3, 10, 0) {
                "X25519 X448 prime256v1 secp384r1 secp521r1"
            } else {
                "X25519 X448 prime256v1 secp521r1 secp384r1"
            }
        }
        _ => return None,
    };
    Some(s.to_owned())
}

/// A deprecated or obsolete parameter and what replaces it.
pub(crate) struct Deprecation {
    /// The old name.
    pub(crate) name: &'static str,
    /// Why, in Postfix's terms.
    pub(crate) why: &'static str,
    /// What to write instead.
    pub(crate) help: &'static str,
    /// The first Postfix version for which the deprecation is reported.
    pub(crate) since: Version,
}

/// Deprecated TLS parameters (postconf(5); postconf ≥ 3.9 warns "support for parameter
/// ... will be removed" for the `*_use_tls`, `*_enforce_tls`, dh1024 and eecdh ones).
pub(crate) const DEPRECATED: &[Deprecation] = &[
    Deprecation {
        name: "smtpd_use_tls",
        why: "`smtpd_use_tls` is obsolete since Postfix 2.3 and Postfix 3.9+ warns it will be removed",
        help: "use `smtpd_tls_security_level = may` instead",
        since: Version(2, 3, 0),
    },
    Deprecation {
        name: "smtpd_enforce_tls",
        why: "`smtpd_enforce_tls` is obsolete since Postfix 2.3 and Postfix 3.9+ warns it will be removed",
        help: "use `smtpd_tls_security_level = encrypt` instead",
        since: Version(2, 3, 0),
    },
    Deprecation {
        name: "smtp_use_tls",
        why: "`smtp_use_tls` is obsolete since Postfix 2.3 and Postfix 3.9+ warns it will be removed",
        help: "use `smtp_tls_security_level = may` instead",
        since: Version(2, 3, 0),
    },
    Deprecation {
        name: "smtp_enforce_tls",
        why: "`smtp_enforce_tls` is obsolete since Postfix 2.3 and Postfix 3.9+ warns it will be removed",
        help: "use `smtp_tls_security_level = encrypt` (or `verify`) instead",
        since: Version(2, 3, 0),
    },
    Deprecation {
        name: "smtp_tls_enforce_peername",
        why: "`smtp_tls_enforce_peername` is obsolete since Postfix 2.3",
        help: "use `smtp_tls_security_level = verify` instead",
        since: Version(2, 3, 0),
    },
    Deprecation {
        name: "smtp_tls_per_site",
        why: "`smtp_tls_per_site` is obsolete since Postfix 2.3",
        help: "use `smtp_tls_policy_maps` instead",
        since: Version(2, 3, 0),
    },
    Deprecation {
        name: "smtpd_tls_cipherlist",
        why: "`smtpd_tls_cipherlist` is obsolete since Postfix 2.3 and ignored",
        help: "choose a grade with `smtpd_tls_ciphers` / `smtpd_tls_mandatory_ciphers` and exclude suites with `smtpd_tls_exclude_ciphers`",
        since: Version(2, 3, 0),
    },
    Deprecation {
        name: "smtp_tls_cipherlist",
        why: "`smtp_tls_cipherlist` is obsolete since Postfix 2.3 and ignored",
        help: "choose a grade with `smtp_tls_ciphers` / `smtp_tls_mandatory_ciphers` and exclude suites with `smtp_tls_exclude_ciphers`",
        since: Version(2, 3, 0),
    },
    Deprecation {
        name: "smtpd_tls_dh512_param_file",
        why: "`smtpd_tls_dh512_param_file` is ignored since Postfix 3.6 (export ciphers are gone)",
        help: "remove it",
        since: Version(3, 6, 0),
    },
    Deprecation {
        name: "smtpd_tls_eecdh_grade",
        why: "`smtpd_tls_eecdh_grade` is ignored since Postfix 3.6 (it behaves as `auto`) and Postfix 3.9+ warns it will be removed",
        help: "remove it; choose curves with `tls_eecdh_auto_curves`",
        since: Version(3, 6, 0),
    },
    Deprecation {
        name: "smtpd_tls_dh1024_param_file",
        why: "Postfix 3.9+ warns that support for `smtpd_tls_dh1024_param_file` will be removed (despite its name it takes parameters of any size)",
        help: "remove it; with OpenSSL 3 Postfix uses the standard FFDHE groups from `tls_ffdhe_auto_groups`",
        since: Version(3, 9, 0),
    },
];

/// The known TLS parameter closest to `name`, when close enough to be a typo.
pub(crate) fn closest(name: &str) -> Option<&'static str> {
    crate::spelling::closest(name, known_tls_params(), (name.len() / 4).clamp(1, 4))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_version_table() {
        let ossl = Version(3, 0, 0);
        let d = |n: &str, v: Version| default(n, v, ossl);
        assert_eq!(
            d("smtpd_tls_protocols", Version(3, 10, 0)).as_deref(),
            Some(">=TLSv1")
        );
        assert_eq!(
            d("smtpd_tls_protocols", Version(3, 4, 0)).as_deref(),
            Some("!SSLv2, !SSLv3")
        );
        assert_eq!(
            d("smtpd_tls_protocols", Version(3, 0, 0)).as_deref(),
            Some("")
        );
        assert_eq!(
            d("smtpd_tls_ciphers", Version(3, 0, 1)).as_deref(),
            Some("export")
        );
        assert_eq!(
            d("tls_high_cipherlist", Version(3, 7, 0)).as_deref(),
            Some("aNULL:-aNULL:HIGH:@STRENGTH")
        );
        assert_eq!(d("tls_eecdh_auto_curves", Version(3, 1, 0)), None);
        assert_eq!(d("no_such_parameter", Version(3, 10, 0)), None);
    }

    #[test]
    fn closest_names_a_likely_typo() {
        assert_eq!(closest("smtpd_tls_protocol"), Some("smtpd_tls_protocols"));
        assert_eq!(
            closest("smtpd_tls_mandatory_protocol"),
            Some("smtpd_tls_mandatory_protocols")
        );
        assert_eq!(closest("my_own_tls_thing_entirely"), None);
        assert!(known_tls_params().any(|p| p == "smtpd_tls_CAfile"));
    }
}
