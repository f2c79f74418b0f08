//! Live-handshake test for HAProxy: each config under `tests/live/haproxy/` is started with
//! the real `haproxy` on 127.0.0.1 (a free port, its own directory with a generated
//! certificate and DH parameters), probed with `openssl s_client` for every protocol and
//! suite, and what it negotiates must equal what `tlslint show` says is negotiable
//! (protocols, TLS ≤ 1.2 suites, TLS 1.3 suites). Needs `haproxy` and `openssl` (skips
//! visibly without them; fails with `CI=true`).

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Child, Command, Stdio};

pub mod support;

/// Kills the server when the test ends, however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn openssl(args: &[&str]) -> bool {
    Command::new("openssl")
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn material(dir: &Path) {
    let d = |n: &str| dir.join(n).display().to_string();
    assert!(openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=localhost",
        "-keyout",
        &d("key.pem"),
        "-out",
        &d("cert.pem"),
    ]));
    let both = [
        std::fs::read(dir.join("cert.pem")).unwrap(),
        std::fs::read(dir.join("key.pem")).unwrap(),
    ]
    .concat();
    std::fs::write(dir.join("site.pem"), both).unwrap();
    assert!(openssl(&[
        "genpkey",
        "-genparam",
        "-algorithm",
        "DH",
        "-pkeyopt",
        "group:ffdhe2048",
        "-out",
        &d("dh.pem"),
    ]));
}

/// One handshake: the protocol and suite agreed on, if any.
fn handshake(port: u16, args: &[&str]) -> Option<(String, String)> {
    let out = Command::new("openssl")
        .args(["s_client", "-connect", &format!("127.0.0.1:{port}")])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().find(|l| l.starts_with("New, "))?;
    // `New, TLSv1.2, Cipher is ECDHE-RSA-AES128-GCM-SHA256`
    let mut parts = line.trim_start_matches("New, ").split(", Cipher is ");
    let proto = parts.next()?.trim().to_owned();
    let suite = parts.next()?.trim().to_owned();
    (suite != "(NONE)").then_some((proto, suite))
}

/// Every TLS ≤ 1.2 suite and TLS 1.3 suite the installed OpenSSL offers at level 0.
fn all_suites() -> (Vec<String>, Vec<String>) {
    let list = |args: &[&str]| -> Vec<String> {
        let out = Command::new("openssl")
            .arg("ciphers")
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .split(':')
            .map(str::to_owned)
            .collect()
    };
    let tls13 = list(&["-tls1_3", "-s"]);
    let tls12 = list(&["ALL:@SECLEVEL=0"])
        .into_iter()
        .filter(|s| !tls13.contains(s))
        .collect();
    (tls12, tls13)
}

/// What tlslint says the endpoint negotiates.
fn predicted(cfg: &Path) -> (BTreeSet<String>, BTreeSet<String>, BTreeSet<String>) {
    let out = Command::new(env!("CARGO_BIN_EXE_tlslint"))
        .args([
            "show",
            "--no-config",
            "--format",
            "json",
            "--target",
            "haproxy=2.6",
        ])
        .arg(cfg)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    let e = &v["endpoints"][0];
    let set = |k: &str| -> BTreeSet<String> {
        e[k].as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    (set("protocols"), set("ciphers"), set("ciphersuites"))
}

#[test]
fn haproxy_negotiates_what_show_says() {
    let what = "live HAProxy handshake test";
    if !support::require_program("haproxy", what) || !support::require_program("openssl", what) {
        return;
    }
    let (tls12_suites, tls13_suites) = all_suites();
    let cases = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/live/haproxy");
    let mut names: Vec<_> = std::fs::read_dir(&cases)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    let mut failures = Vec::new();
    for case in names {
        let dir = tempfile::tempdir().unwrap();
        material(dir.path());
        let port = free_port();
        let text = std::fs::read_to_string(&case)
            .unwrap()
            .replace("PORT", &port.to_string());
        let cfg = dir.path().join("haproxy.cfg");
        std::fs::write(&cfg, &text).unwrap();
        let child = Command::new("haproxy")
            .args(["-db", "-f"])
            .arg(&cfg)
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let _server = Server(child);
        // Wait until it listens (a bounded number of tries, not a timing assertion).
        let mut up = false;
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                up = true;
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(25));
        }
        assert!(up, "{}: haproxy did not start", case.display());
        let mut protocols = BTreeSet::new();
        for (flag, name) in [
            ("-tls1", "TLSv1"),
            ("-tls1_1", "TLSv1.1"),
            ("-tls1_2", "TLSv1.2"),
            ("-tls1_3", "TLSv1.3"),
        ] {
            let args: Vec<&str> = if flag == "-tls1_3" {
                vec![flag]
            } else {
                vec![flag, "-cipher", "ALL:@SECLEVEL=0"]
            };
            if handshake(port, &args).is_some() {
                protocols.insert(name.to_owned());
            }
        }
        let old = ["TLSv1", "TLSv1.1", "TLSv1.2"]
            .into_iter()
            .rev()
            .find(|p| protocols.contains(*p));
        let mut ciphers = BTreeSet::new();
        if let Some(p) = old {
            let flag = match p {
                "TLSv1" => "-tls1",
                "TLSv1.1" => "-tls1_1",
                _ => "-tls1_2",
            };
            for s in &tls12_suites {
                let c = format!("{s}:@SECLEVEL=0");
                if handshake(port, &[flag, "-cipher", &c]).is_some() {
                    ciphers.insert(s.clone());
                }
            }
        }
        let mut suites13 = BTreeSet::new();
        if protocols.contains("TLSv1.3") {
            for s in &tls13_suites {
                if handshake(port, &["-tls1_3", "-ciphersuites", s]).is_some() {
                    suites13.insert(s.clone());
                }
            }
        }
        let (p, c, s) = predicted(&cfg);
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        if p != protocols {
            failures.push(format!(
                "{name}: protocols live {protocols:?}, tlslint {p:?}"
            ));
        }
        // Suites are compared at the newest TLS ≤ 1.2 protocol the server speaks.
        if c != ciphers {
            failures.push(format!("{name}: suites live {ciphers:?}, tlslint {c:?}"));
        }
        if s != suites13 {
            failures.push(format!(
                "{name}: TLS 1.3 suites live {suites13:?}, tlslint {s:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
