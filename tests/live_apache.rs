//! Live-handshake test for Apache httpd: a few configs are started with the real `apache2`
//! (Debian's, mpm_event and mod_ssl loaded from `/usr/lib/apache2/modules`) on 127.0.0.1 at a
//! port free at run time, with a private `ServerRoot` in a temporary directory, and probed
//! with `openssl s_client`: every protocol, every TLS ≤ 1.2 suite (offer all, take the chosen
//! one away, repeat) and every TLS 1.3 suite. What answers must equal what `tlslint show`
//! says is negotiable, exactly.
//!
//! Needs `apache2` and `openssl`; skips visibly without them (fails with `CI=true`).

use std::fmt::Write as _;
use std::io::Read as _;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

pub mod support;

#[path = "support/live.rs"]
pub mod live;

/// Where Debian installs httpd's modules.
const MODULES: &str = "/usr/lib/apache2/modules";

/// What tlslint is told runs here (Debian 12's httpd and OpenSSL build).
const TARGETS: [&str; 3] = ["apache=2.4.71", "openssl=3.0", "seclevel=2"];

/// The cases: a name and the mod_ssl lines of one TLS vhost (`localhost`). A case whose
/// lines hold `---` has a second name-based vhost on the same socket (`second.test`, the
/// lines after it), probed by that name.
const CASES: &[(&str, &str)] = &[
    ("defaults", ""),
    (
        "tls12-only-with-cbc",
        "SSLProtocol -all +TLSv1.2\nSSLCipherSuite ECDHE+AESGCM:AES128-SHA",
    ),
    (
        "mozilla-intermediate",
        "SSLProtocol -all +TLSv1.2 +TLSv1.3\n\
         SSLCipherSuite ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305\n\
         SSLHonorCipherOrder off\nSSLSessionTickets off",
    ),
    (
        "seclevel0-all",
        "SSLProtocol all\nSSLCipherSuite @SECLEVEL=0:ALL",
    ),
    (
        "gap-stops-the-range",
        "SSLProtocol +TLSv1 +TLSv1.2 +TLSv1.3\nSSLCipherSuite @SECLEVEL=0:HIGH",
    ),
    (
        "tls13-suites",
        "SSLCipherSuite TLSv1.3 TLS_AES_256_GCM_SHA384:TLS_AES_128_CCM_SHA256",
    ),
    (
        "conf-cmd-min-tls13",
        "SSLProtocol all\nSSLOpenSSLConfCmd MinProtocol TLSv1.3",
    ),
    (
        "sni-vhost-own-security-level",
        "SSLProtocol all\n---\nSSLProtocol all\nSSLCipherSuite @SECLEVEL=0:ALL",
    ),
    (
        "sni-vhost-own-protocols-and-suites",
        "SSLProtocol -all +TLSv1.2 +TLSv1.3\nSSLCipherSuite ECDHE+AESGCM\n---\n\
         SSLProtocol -all +TLSv1.2\nSSLCipherSuite ECDHE-RSA-AES128-SHA:AES256-SHA",
    ),
];

/// A running httpd (`-X`: one process in the foreground); dropping it kills it by its pid,
/// also when a test panics.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn config(dir: &Path, port: u16, lines: &str) -> String {
    let d = dir.display();
    let mut out = format!(
        "ServerName localhost\nListen 127.0.0.1:{port}\nPidFile {d}/httpd.pid\nErrorLog {d}/error.log\n\
         DefaultRuntimeDir {d}\nSSLSessionCache shmcb:{d}/scache(512000)\n"
    );
    let (first, second) = match lines.split_once("---\n") {
        Some((a, b)) => (a, Some(b)),
        None => (lines, None),
    };
    for (name, lines) in [("localhost", Some(first)), ("second.test", second)] {
        let Some(lines) = lines else { continue };
        let _ = write!(
            out,
            "<VirtualHost 127.0.0.1:{port}>\n    ServerName {name}\n    SSLEngine on\n\
             SSLCertificateFile {d}/rsa2048.crt\n    SSLCertificateKeyFile {d}/rsa2048.key\n"
        );
        for l in lines.lines() {
            out.push_str("    ");
            out.push_str(l);
            out.push('\n');
        }
        out.push_str("</VirtualHost>\n");
    }
    out
}

fn start(dir: &Path, port: u16) -> Running {
    let mut cmd = Command::new("/usr/sbin/apache2");
    cmd.arg("-X")
        .arg("-d")
        .arg(dir)
        .arg("-f")
        .arg(dir.join("httpd.conf"));
    for (name, file) in [
        ("mpm_event_module", "mod_mpm_event.so"),
        ("ssl_module", "mod_ssl.so"),
        ("socache_shmcb_module", "mod_socache_shmcb.so"),
        ("authz_core_module", "mod_authz_core.so"),
    ] {
        cmd.arg("-C")
            .arg(format!("LoadModule {name} {MODULES}/{file}"));
    }
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut running = Running(child);
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = running.0.try_wait().unwrap() {
            let log = std::fs::read_to_string(dir.join("error.log")).unwrap_or_default();
            panic!("apache2 exited with {status} at start:\n{log}");
        }
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return running;
        }
        assert!(
            Instant::now() < deadline,
            "apache2 did not listen within 10 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// One handshake; the suite chosen, or `None` when it failed.
fn handshake(port: u16, sni: &str, version: &str, ciphers: &str, suites: &str) -> Option<String> {
    let mut child = Command::new("openssl")
        .args([
            "s_client",
            "-brief",
            "-connect",
            &format!("127.0.0.1:{port}"),
        ])
        .args(["-servername", sni, version, "-cipher", ciphers])
        .args(["-ciphersuites", suites])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("s_client {version} to port {port} hung for 10 s");
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    if !stderr.contains("CONNECTION ESTABLISHED") {
        return None;
    }
    stderr
        .lines()
        .find_map(|l| l.strip_prefix("Ciphersuite: "))
        .map(|s| s.trim().to_owned())
}

/// What the live server negotiates: protocols, TLS ≤ 1.2 suites, TLS 1.3 suites (sorted).
fn probe(port: u16, sni: &str, client: &[String]) -> (Vec<String>, Vec<String>, Vec<String>) {
    let all13 = live::TLS13_SUITES.join(":");
    let offer_all = format!("{}:@SECLEVEL=0", client.join(":"));
    let mut protocols = Vec::new();
    let mut top12 = None;
    for (name, flag) in live::PROTOCOLS {
        if let Some(chosen) = handshake(port, sni, flag, &offer_all, &all13) {
            protocols.push(name.to_owned());
            if name != "TLSv1.3" {
                top12 = Some((flag, chosen));
            }
        }
    }
    let mut ciphers = Vec::new();
    if let Some((flag, first)) = top12 {
        let mut offer: Vec<&str> = client.iter().map(String::as_str).collect();
        let mut chosen = Some(first);
        while let Some(c) = chosen.take() {
            offer.retain(|s| *s != c);
            ciphers.push(c);
            if offer.is_empty() {
                break;
            }
            let list = format!("{}:@SECLEVEL=0", offer.join(":"));
            chosen = handshake(port, sni, flag, &list, &all13);
        }
    }
    let mut suites = Vec::new();
    if protocols.iter().any(|p| p == "TLSv1.3") {
        for s in live::TLS13_SUITES {
            if handshake(port, sni, "-tls1_3", live::CLIENT_CIPHERS, s).is_some() {
                suites.push(s.to_owned());
            }
        }
    }
    protocols.sort();
    ciphers.sort();
    suites.sort();
    (protocols, ciphers, suites)
}

/// What `tlslint show` says the server endpoint named `sni` negotiates.
fn tlslint_says(conf: &Path, sni: &str) -> (Vec<String>, Vec<String>, Vec<String>) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tlslint"));
    c.args(["show", "--format", "json"]);
    for t in TARGETS {
        c.args(["--target", t]);
    }
    let out = c.arg(conf).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    let endpoints: Vec<Value> = v["endpoints"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| live::sorted(&e["server_names"]).iter().any(|n| n == sni))
        .cloned()
        .collect();
    let [e] = endpoints.as_slice() else {
        panic!("{}: {} endpoints: {v}", conf.display(), endpoints.len());
    };
    (
        live::sorted(&e["protocols"]),
        live::sorted(&e["ciphers"]),
        live::sorted(&e["ciphersuites"]),
    )
}

#[test]
fn live_apache_negotiates_what_show_says() {
    let what = "live Apache httpd handshake test";
    if !Path::new("/usr/sbin/apache2").exists() {
        support::require_program("apache2", what);
        return;
    }
    if !support::require_program("openssl", what) {
        return;
    }
    let material = live::Material::generate();
    let client = live::client_ciphers();
    let mut failures = Vec::new();
    for (name, lines) in CASES {
        let dir = tempfile::tempdir().unwrap();
        material.install(dir.path());
        let port = free_port();
        let conf = dir.path().join("httpd.conf");
        std::fs::write(&conf, config(dir.path(), port, lines)).unwrap();
        let sni = if lines.contains("---") {
            "second.test"
        } else {
            "localhost"
        };
        let ours = tlslint_says(&conf, sni);
        let theirs = {
            let _server = start(dir.path(), port);
            probe(port, sni, &client)
        };
        if ours != theirs {
            failures.push(format!("{name}:\n  tlslint {ours:?}\n  live    {theirs:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
