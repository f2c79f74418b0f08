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
    assert_eq!(doc["version"], 1);
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
    assert_eq!(
        e["settings"]["session_tickets"]["origin"]["kind"],
        "default"
    );
}
