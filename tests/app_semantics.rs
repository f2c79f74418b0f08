//! Application configs judged as their programs read them (issue 18): every check of the
//! default policy runs, so "one finding and nothing else" is asserted, not only the
//! presence of a finding.

use std::fs;
use std::process::Command;

/// Concise findings (`file:line:col: level[check] message`) of one file under a name.
fn findings(name: &str, text: &str, args: &[&str]) -> Vec<String> {
    let dir = tempfile::tempdir().expect("temporary directory");
    fs::write(dir.path().join(name), text).expect("write config");
    let out = Command::new(env!("CARGO_BIN_EXE_tlslint"))
        .current_dir(dir.path())
        .args(["check", "--no-config", "--format", "concise", "--exit-zero"])
        .args(args)
        .arg(name)
        .output()
        .expect("tlslint runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

/// The `level[check]` of each finding, sorted.
fn checks(found: &[String]) -> Vec<String> {
    let mut out: Vec<String> = found
        .iter()
        .filter_map(|l| l.split(": ").nth(1))
        .filter_map(|l| l.split(' ').next())
        .map(str::to_owned)
        .collect();
    out.sort();
    out
}

const UNKNOWN_SUITE: &str = "\
tls:
  options:
    default:
      minVersion: VersionTLS12
      cipherSuites:
        - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
        - TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384
      preferServerCipherSuites: true
";

#[test]
fn traefik_3_refuses_an_option_with_a_suite_go_lacks() {
    let found = findings("dynamic.yml", UNKNOWN_SUITE, &["--target", "traefik=3.4"]);
    // The deprecated no-op key is its own cause; the refused option gives nothing else.
    assert_eq!(
        checks(&found),
        ["error[invalid-value]", "warning[deprecated-directive]"],
        "{found:#?}"
    );
    assert!(found[0].contains("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"));
    assert!(
        found
            .iter()
            .any(|l| l.contains("Traefik 3.0 and later refuses"))
    );
}

#[test]
fn traefik_2_serves_go_defaults_instead_of_an_option_with_a_bad_suite() {
    let found = findings("dynamic.yml", UNKNOWN_SUITE, &["--target", "traefik=2.11"]);
    let c = checks(&found);
    assert!(c.contains(&"error[invalid-value]".to_owned()), "{found:#?}");
    // Go's default tls.Config of a Traefik 2 build: TLS 1.0 minimum, CBC-SHA suites.
    assert!(
        c.contains(&"error[legacy-protocol]".to_owned()),
        "{found:#?}"
    );
    assert!(
        c.contains(&"warning[cipher-not-recommended]".to_owned()),
        "{found:#?}"
    );
    // Nothing is judged from the written (dropped) list or order.
    assert!(
        !found.iter().any(|l| l.contains("AES256-SHA384")),
        "{found:#?}"
    );
    assert!(
        !c.iter().any(|l| l.contains("server-cipher-order")),
        "{found:#?}"
    );
}

#[test]
fn tls13_names_and_fallback_scsv_have_no_effect_in_a_go_suite_list() {
    let text = "\
tls:
  options:
    default:
      minVersion: VersionTLS12
      cipherSuites:
        - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
        - TLS_AES_128_GCM_SHA256
        - TLS_AES_256_GCM_SHA384
        - TLS_CHACHA20_POLY1305_SHA256
        - TLS_FALLBACK_SCSV
      curvePreferences: [X25519, CurveP256]
";
    let found = findings("dynamic.yml", text, &[]);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn a_go_minimum_below_what_the_suites_allow_is_ineffective_not_legacy() {
    let text = "\
tls:
  options:
    default:
      minVersion: VersionTLS10
      cipherSuites:
        - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
        - TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
      curvePreferences: [X25519, CurveP256]
";
    let found = findings("dynamic.yml", text, &[]);
    assert_eq!(
        checks(&found),
        ["warning[ineffective-setting]"],
        "{found:#?}"
    );
}

#[test]
fn tls_options_in_a_static_traefik_file_are_reported_and_not_judged() {
    let text = "\
entryPoints:
  websecure:
    address: \":443\"
providers:
  docker: {}
tls:
  options:
    default:
      minVersion: VersionTLS10
";
    let found = findings("traefik.yml", text, &[]);
    assert_eq!(
        checks(&found),
        ["warning[ineffective-setting]"],
        "{found:#?}"
    );
    assert!(found[0].contains("static configuration"), "{found:#?}");
    // The file provider loading this very file makes it dynamic configuration too.
    let own = text.replace(
        "docker: {}",
        "file:\n    filename: /etc/traefik/traefik.yml",
    );
    let found = findings("traefik.yml", &own, &[]);
    assert!(
        checks(&found).contains(&"error[legacy-protocol]".to_owned()),
        "{found:#?}"
    );
}

#[test]
fn a_web_config_without_cipher_suites_gets_go_defaults_by_go_version() {
    let text = "\
tls_server_config:
  cert_file: server.crt
  key_file: server.key
";
    let new = findings("web-config.yml", text, &["--target", "go=1.24"]);
    assert!(
        new.iter()
            .any(|l| l.contains("cipher-not-recommended") && l.contains("ECDHE-RSA-AES128-SHA")),
        "{new:#?}"
    );
    assert!(
        !new.iter().any(|l| l.contains("no-forward-secrecy")),
        "{new:#?}"
    );
    // Before Go 1.22 the defaults also held RSA key exchange.
    let old = findings("web-config.yml", text, &["--target", "go=1.21"]);
    assert!(
        old.iter().any(|l| l.contains("no-forward-secrecy")),
        "{old:#?}"
    );
}

#[test]
fn envoy_without_ticket_keys_rotates_every_two_days() {
    let text = "\
static_resources:
  listeners:
  - name: https
    address:
      socket_address: { address: 0.0.0.0, port_value: 443 }
    filter_chains:
    - transport_socket:
        name: envoy.transport_sockets.tls
        typed_config:
          \"@type\": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
          common_tls_context:
            tls_params:
              tls_minimum_protocol_version: TLSv1_2
";
    let found = findings("envoy.yaml", text, &[]);
    assert!(
        found
            .iter()
            .any(|l| l.contains("session-ticket-rotation") && l.contains("2d")),
        "{found:#?}"
    );
}

#[test]
fn a_suppression_above_the_offending_list_item_applies() {
    let text = "\
tls:
  options:
    default:
      minVersion: VersionTLS12
      curvePreferences: [X25519, CurveP256]
      cipherSuites:
        - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
        # tlslint: allow(weak-cipher, cipher-not-recommended, no-forward-secrecy) reason=\"legacy client\"
        - TLS_RSA_WITH_3DES_EDE_CBC_SHA
";
    let found = findings("dynamic.yml", text, &["--target", "go=1.21"]);
    assert!(found.is_empty(), "{found:#?}");
}

/// The help of `cipher-not-recommended` on an application's suite list, as JSON gives it.
fn suite_help(name: &str, text: &str) -> String {
    let dir = tempfile::tempdir().expect("temporary directory");
    fs::write(dir.path().join(name), text).expect("write config");
    let out = Command::new(env!("CARGO_BIN_EXE_tlslint"))
        .current_dir(dir.path())
        .args(["check", "--no-config", "--format", "json", "--exit-zero"])
        .args(["--select", "cipher-not-recommended", name])
        .output()
        .expect("tlslint runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    v["findings"][0]["help"]
        .as_str()
        .unwrap_or_else(|| panic!("no help: {v}"))
        .to_owned()
}

/// The suite names after the help's `:`, as a YAML flow list.
fn listed(help: &str) -> String {
    let names = help.rsplit_once(": ").map_or("", |(_, n)| n);
    format!("[{names}]")
}

/// Following the help on a Go (Traefik), BoringSSL (Envoy) or JSSE (Elasticsearch) suite
/// list gives a config with neither an unknown suite nor a suite outside the policy: the
/// help speaks the list's own names and offers only suites the library has.
#[test]
fn the_suite_list_help_is_in_the_library_s_own_names() {
    let traefik = |suites: &str| {
        format!(
            "tls:\n  options:\n    o:\n      minVersion: VersionTLS12\n      cipherSuites: {suites}\n"
        )
    };
    let help = suite_help("dyn.yml", &traefik("[TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA]"));
    assert!(
        help.contains("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
        "{help}"
    );
    assert!(!help.contains("_DHE_"), "Go has no DHE suites: {help}");
    let fixed = findings("dyn.yml", &traefik(&listed(&help)), &[]);
    assert!(
        !fixed
            .iter()
            .any(|l| l.contains("invalid-value") || l.contains("cipher-not-recommended")),
        "{fixed:?}"
    );

    let envoy = |suites: &str| {
        format!(
            "static_resources:\n  listeners:\n  - name: https\n    filter_chains:\n    - transport_socket:\n        name: envoy.transport_sockets.tls\n        typed_config:\n          \"@type\": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext\n          common_tls_context:\n            tls_params:\n              tls_minimum_protocol_version: TLSv1_2\n              cipher_suites: {suites}\n          session_ticket_keys: {{keys: [{{filename: /etc/envoy/ticket.key}}]}}\n"
        )
    };
    let help = suite_help("envoy.yaml", &envoy("[ECDHE-RSA-AES128-SHA]"));
    assert!(help.contains("ECDHE-RSA-AES128-GCM-SHA256"), "{help}");
    let fixed = findings("envoy.yaml", &envoy(&listed(&help)), &[]);
    assert!(
        !fixed
            .iter()
            .any(|l| l.contains("invalid-value") || l.contains("cipher-not-recommended")),
        "{fixed:?}"
    );

    let elastic = |suites: &str| {
        format!(
            "xpack.security.http.ssl.enabled: true\nxpack.security.http.ssl.supported_protocols: [TLSv1.2, TLSv1.3]\nxpack.security.http.ssl.cipher_suites: {suites}\n"
        )
    };
    let help = suite_help(
        "elasticsearch.yml",
        &elastic("[TLS_RSA_WITH_AES_128_CBC_SHA]"),
    );
    assert!(
        help.contains("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
        "{help}"
    );
    let fixed = findings("elasticsearch.yml", &elastic(&listed(&help)), &[]);
    assert!(
        !fixed
            .iter()
            .any(|l| l.contains("invalid-value") || l.contains("cipher-not-recommended")),
        "{fixed:?}"
    );
}
