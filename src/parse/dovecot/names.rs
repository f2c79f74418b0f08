//! Dovecot TLS setting names per version, the 2.3 → 2.4 renames and the spelling
//! suggestions, kept as data (mail.md §8–§9; 2.3 list checked with `doveconf -a` 2.3.19.1).

/// TLS-related settings Dovecot 2.3 knows (`doveconf -a`, 2.3.19.1).
pub(crate) const KNOWN_23: &[&str] = &[
    "ssl",
    "ssl_alt_cert",
    "ssl_alt_key",
    "ssl_ca",
    "ssl_cert",
    "ssl_cert_username_field",
    "ssl_cipher_list",
    "ssl_cipher_suites",
    "ssl_client_ca_dir",
    "ssl_client_ca_file",
    "ssl_client_cert",
    "ssl_client_key",
    "ssl_client_require_valid_cert",
    "ssl_crypto_device",
    "ssl_curve_list",
    "ssl_dh",
    "ssl_key",
    "ssl_key_password",
    "ssl_min_protocol",
    "ssl_options",
    "ssl_prefer_server_ciphers",
    "ssl_require_crl",
    "ssl_verify_client_cert",
];

/// TLS-related settings Dovecot 2.2 knows (2.2.36's `master-service-ssl-settings.c` and
/// `ssl-params-settings.c`): 2.3's list before `ssl_min_protocol`, `ssl_dh` and
/// `ssl_cipher_suites`, with `ssl_protocols`, `ssl_dh_parameters_length` and
/// `ssl_parameters_regenerate`.
pub(crate) const KNOWN_22: &[&str] = &[
    "ssl",
    "ssl_alt_cert",
    "ssl_alt_key",
    "ssl_ca",
    "ssl_cert",
    "ssl_cert_username_field",
    "ssl_cipher_list",
    "ssl_client_ca_dir",
    "ssl_client_ca_file",
    "ssl_crypto_device",
    "ssl_curve_list",
    "ssl_dh_parameters_length",
    "ssl_key",
    "ssl_key_password",
    "ssl_options",
    "ssl_parameters_regenerate",
    "ssl_prefer_server_ciphers",
    "ssl_protocols",
    "ssl_require_crl",
    "ssl_verify_client_cert",
];

/// Names Dovecot 2.3 still accepts with an "Obsolete setting" warning, and what to do.
pub(crate) const OBSOLETE_23: &[(&str, &str)] = &[
    (
        "ssl_protocols",
        "Dovecot 2.3 converts it to `ssl_min_protocol`; write `ssl_min_protocol = TLSv1.2`",
    ),
    (
        "ssl_dh_parameters_length",
        "no longer needed: remove it (Dovecot 2.3 reads DH parameters from `ssl_dh`)",
    ),
    ("ssl_parameters_regenerate", "no longer needed: remove it"),
];

/// TLS-related settings Dovecot 2.4 knows (docs `settings.js`, mail.md §9).
pub(crate) const KNOWN_24: &[&str] = &[
    "ssl",
    "ssl_cipher_list",
    "ssl_cipher_suites",
    "ssl_client_ca_dir",
    "ssl_client_ca_file",
    "ssl_client_cert_file",
    "ssl_client_key_file",
    "ssl_client_require_valid_cert",
    "ssl_crypto_device",
    "ssl_curve_list",
    "ssl_min_protocol",
    "ssl_options",
    "ssl_peer_certificate_fingerprint_hash",
    "ssl_server_alt_cert_file",
    "ssl_server_alt_key_file",
    "ssl_server_ca_file",
    "ssl_server_cert_file",
    "ssl_server_cert_username_field",
    "ssl_server_dh_file",
    "ssl_server_key_file",
    "ssl_server_key_password",
    "ssl_server_prefer_ciphers",
    "ssl_server_request_client_cert",
    "ssl_server_require_crl",
];

/// 2.3 names that Dovecot 2.4 rejects as `Unknown setting`, with the 2.4 replacement
/// (docs `2.4-converted-settings.inc`; mail.md §9). The replacement text is help, so it
/// may say more than a name.
pub(crate) const RENAMED_24: &[(&str, &str)] = &[
    ("ssl_cert", "ssl_server_cert_file"),
    ("ssl_key", "ssl_server_key_file"),
    ("ssl_alt_cert", "ssl_server_alt_cert_file"),
    ("ssl_alt_key", "ssl_server_alt_key_file"),
    ("ssl_dh", "ssl_server_dh_file"),
    ("ssl_key_password", "ssl_server_key_password"),
    ("ssl_ca", "ssl_server_ca_file"),
    ("ssl_client_cert", "ssl_client_cert_file"),
    ("ssl_client_key", "ssl_client_key_file"),
    ("ssl_cert_username_field", "ssl_server_cert_username_field"),
    ("ssl_require_crl", "ssl_server_require_crl"),
    ("ssl_verify_client_cert", "ssl_server_request_client_cert"),
    ("ssl_prefer_server_ciphers", "ssl_server_prefer_ciphers"),
    ("verbose_ssl", "log_debug"),
    ("disable_plaintext_auth", "auth_allow_cleartext"),
    ("service_count", "restart_request_count"),
    ("ssl_protocols", "ssl_min_protocol"),
    ("ssl_dh_parameters_length", "ssl_server_dh_file"),
    ("ssl_parameters_regenerate", ""),
];

/// The 2.4 replacement of a 2.3 name rejected by 2.4.
pub(crate) fn renamed_24(name: &str) -> Option<&'static str> {
    RENAMED_24
        .iter()
        .find(|(old, _)| *old == name)
        .map(|(_, new)| *new)
}

/// The 2.3 name behind a 2.4-only name (for 2.4 names used in a 2.3 config).
pub(crate) fn name_23_for(name: &str) -> Option<&'static str> {
    RENAMED_24
        .iter()
        .find(|(_, new)| *new == name)
        .map(|(old, _)| *old)
}

/// The known name closest to `name`, when it is close enough to be a typo (at most a
/// third of the name's length, and at most 4 edits).
pub(crate) fn suggest(name: &str, known: &[&'static str]) -> Option<&'static str> {
    crate::spelling::closest(name, known.iter().copied(), (name.len() / 3).clamp(1, 4))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(suggest("ssl_cipher_lst", KNOWN_23), Some("ssl_cipher_list"));
        assert_eq!(
            suggest("ssl_min_protocols", KNOWN_24),
            Some("ssl_min_protocol")
        );
        assert_eq!(suggest("ssl_zzzzzzzzzzzzzzzz", KNOWN_24), None);
        assert_eq!(renamed_24("ssl_cert"), Some("ssl_server_cert_file"));
        assert_eq!(name_23_for("ssl_server_dh_file"), Some("ssl_dh"));
    }
}
