//! `tlslint show --format json`: the effective model contract.

use std::process::Command;

#[test]
fn show_prints_the_effective_model() {
    let out = Command::new(env!("CARGO_BIN_EXE_tlslint"))
        .args(["show", "--format", "json", "examples/mozilla-intermediate"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["version"], 2);
    let e = &doc["endpoints"][0];
    assert_eq!(e["dialect"], "nginx");
    assert_eq!(e["side"], "server");
    assert_eq!(e["file"], "examples/mozilla-intermediate/nginx.conf");
    assert_eq!(e["line"], 13);
    assert_eq!(e["protocols"], serde_json::json!(["TLSv1.2", "TLSv1.3"]));
    assert_eq!(e["ciphers"][0], "ECDHE-ECDSA-AES128-GCM-SHA256");
    assert_eq!(e["ciphers"].as_array().map(Vec::len), Some(6));
    // Not configured: OpenSSL's default TLS 1.3 suites.
    assert_eq!(e["ciphersuites"][0], "TLS_AES_256_GCM_SHA384");
    assert_eq!(e["settings"]["protocols"]["origin"]["kind"], "set");
    // Version 2: what is configured beside what a client can negotiate, and why the two may
    // differ (the certificate is outside the tree, so suites are not matched to its key).
    assert_eq!(e["configured_protocols"], e["protocols"]);
    assert_eq!(e["sockets"], serde_json::json!(["*:443", "[::]:443"]));
    assert_eq!(e["server_names"], serde_json::json!(["www.example.org"]));
    assert_eq!(e["security_level"], 1);
    assert_eq!(e["settings"]["security_level"]["origin"]["kind"], "default");
    assert_eq!(e["negotiable_exact"], false);
    assert!(e["upper_bound"][0].as_str().unwrap().contains("not read"));
    assert_eq!(e["refused"], serde_json::Value::Null);
    assert_eq!(
        e["settings"]["session_tickets"]["origin"]["kind"],
        "default"
    );
    // The HSTS header the server sends, as written.
    let hsts = &e["settings"]["hsts"];
    assert_eq!(hsts["value"]["max_age"], 63_072_000);
    assert_eq!(hsts["value"]["always"], true);
    assert_eq!(hsts["origin"]["kind"], "set");
}
