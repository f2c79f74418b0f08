//! Live-handshake oracle helpers: run a real nginx on loopback, probe it with
//! `openssl s_client`, and compare what it negotiates with `tlslint show`/`check`.
//!
//! Shared by `tests/live_nginx.rs` (starts nginx) and `tests/live_regressions.rs` (compares
//! recorded results, starts nothing). It is not a config generator: that lives in
//! `live_nginx.rs`. Everything here handles configs written one directive per line (the
//! generator's and the fixtures' shape), which is all [`points`] needs to read.
//!
//! A recorded result (`live.json`) is `{"nginx_t": "ok"|"failed", "nginx_t_error": "...",
//! "probes": [{"socket", "sni", "protocols", "ciphers", "ciphersuites"}]}`: for each socket
//! and server name, the protocols that handshake, the TLS ≤ 1.2 suites (OpenSSL names,
//! sorted) a client offering everything can get at the highest of them, and the TLS 1.3
//! suites (IANA names, sorted) that work when offered alone.

use std::io::Read as _;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The versions installed on the machines the oracle runs on (Debian 12: nginx 1.22.1,
/// OpenSSL 3.0 built with security level 2), passed to tlslint as `--target`s.
pub const TARGETS: [&str; 3] = ["nginx=1.22.1", "openssl=3.0", "seclevel=2"];

/// The TLS 1.3 suites OpenSSL 3.0 implements (`openssl ciphers -s -tls1_3` plus the two
/// CCM suites it leaves out of its default list).
pub const TLS13_SUITES: [&str; 5] = [
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_128_CCM_SHA256",
    "TLS_AES_128_CCM_8_SHA256",
];

/// Protocol names as tlslint prints them, with the `s_client` flag that pins each one.
pub const PROTOCOLS: [(&str, &str); 4] = [
    ("TLSv1", "-tls1"),
    ("TLSv1.1", "-tls1_1"),
    ("TLSv1.2", "-tls1_2"),
    ("TLSv1.3", "-tls1_3"),
];

/// The client accepts every suite and any key size, so only the server decides.
pub const CLIENT_CIPHERS: &str = "ALL:COMPLEMENTOFALL:@SECLEVEL=0";

/// Groups the client supports: every group OpenSSL 3.0 has for TLS, X25519 first (its key
/// share), so a server limited to other groups answers with a HelloRetryRequest.
const CLIENT_GROUPS: &str = "X25519:P-256:X448:P-521:P-384:ffdhe2048:ffdhe3072:ffdhe4096";

/// Certificate kinds made for a run: the file stem nginx configs use (`rsa2048.crt`,
/// `rsa2048.key`) and the `openssl req -newkey` argument.
pub const CERTS: [(&str, &str); 3] = [
    ("rsa2048", "rsa:2048"),
    ("rsa3072", "rsa:3072"),
    ("ecdsa256", "ec"),
];

/// DH parameter files (`dh2048.pem`, `dh1024.pem`).
pub const DHS: [&str; 2] = ["dh2048", "dh1024"];

/// Upper bound on handshakes while enumerating TLS ≤ 1.2 suites: more than OpenSSL has.
const MAX_SUITES: usize = 200;

/// A tiny xorshift64* generator: reproducible configs from a seed without a dependency.
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed` (any value; zero is mapped away, xorshift needs a set bit).
    pub fn new(seed: u64) -> Self {
        Rng((seed ^ 0x9E37_79B9_7F4A_7C15).max(1))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        let n64 = u64::try_from(n).unwrap();
        usize::try_from(self.next_u64() % n64).unwrap()
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Certificates, keys and DH files made once per run with the `openssl` CLI in a temporary
/// directory (private keys never leave it).
pub struct Material {
    dir: tempfile::TempDir,
}

impl Material {
    /// Generates every kind in [`CERTS`] and [`DHS`].
    pub fn generate() -> Self {
        let dir = tempfile::tempdir().unwrap();
        for (stem, newkey) in CERTS {
            let mut cmd = Command::new("openssl");
            cmd.args(["req", "-x509", "-nodes", "-days", "3650", "-subj"])
                .arg(format!("/CN={stem}.test"))
                .args(["-newkey", newkey]);
            if newkey == "ec" {
                cmd.args(["-pkeyopt", "ec_paramgen_curve:P-256"]);
            }
            cmd.arg("-keyout")
                .arg(dir.path().join(format!("{stem}.key")))
                .arg("-out")
                .arg(dir.path().join(format!("{stem}.crt")));
            run_ok(&mut cmd);
        }
        // RFC 7919 ffdhe2048 is instant; a random 1024-bit group takes a second or two.
        run_ok(
            Command::new("openssl")
                .args(["genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt"])
                .arg("group:ffdhe2048")
                .arg("-out")
                .arg(dir.path().join("dh2048.pem")),
        );
        run_ok(
            Command::new("openssl")
                .args(["dhparam", "-out"])
                .arg(dir.path().join("dh1024.pem"))
                .arg("1024"),
        );
        Material { dir }
    }

    /// Copies every certificate, key and DH file into `prefix`.
    pub fn install(&self, prefix: &Path) {
        for entry in std::fs::read_dir(self.dir.path()).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), prefix.join(entry.file_name())).unwrap();
        }
    }

    /// Copies the public files `config` names (certificates and DH files, never keys) into
    /// `dest`, so a recorded case can be read by tlslint without nginx. Files already there
    /// stay: a re-recorded fixture keeps its certificate (only the key type and size matter).
    pub fn copy_public(&self, config: &str, dest: &Path) {
        for name in public_files(config) {
            if dest.join(&name).exists() {
                continue;
            }
            std::fs::copy(self.dir.path().join(&name), dest.join(&name)).unwrap();
        }
    }
}

/// The certificate and DH file names a config refers to.
pub fn public_files(config: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (stem, _) in CERTS {
        if config.contains(&format!("{stem}.crt")) {
            out.push(format!("{stem}.crt"));
        }
    }
    for stem in DHS {
        if config.contains(&format!("{stem}.pem")) {
            out.push(format!("{stem}.pem"));
        }
    }
    out
}

fn run_ok(cmd: &mut Command) {
    let out = cmd.stdin(Stdio::null()).output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Hands out loopback ports free on both 127.0.0.1 and ::1, never the same one twice in a
/// run (two configs probed at once must not share a port).
pub struct Ports(AtomicU16);

impl Ports {
    /// Starts scanning at a port derived from `seed`, in 20000..50000.
    pub fn new(seed: u64) -> Self {
        Ports(AtomicU16::new(
            20000 + u16::try_from(seed % 1000).unwrap() * 30,
        ))
    }

    /// The next port nobody is listening on.
    pub fn take(&self) -> u16 {
        loop {
            let p = self.0.fetch_add(1, Ordering::Relaxed);
            assert!(p < 65000, "ran out of ports");
            let v4 = TcpListener::bind(("127.0.0.1", p)).is_ok();
            let v6 = TcpListener::bind(("::1", p)).is_ok();
            if v4 && v6 {
                return p;
            }
        }
    }
}

/// Where to probe: a listening socket as tlslint prints it and a server name sent as SNI.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Point {
    pub socket: String,
    pub sni: String,
}

/// For each server of the config, its first `server_name` on each socket it listens on:
/// the endpoint tlslint must describe for that socket and name.
pub fn points(config: &str) -> Vec<Point> {
    let mut out = Vec::new();
    let mut in_server = false;
    let mut depth = 0usize;
    let mut sockets: Vec<String> = Vec::new();
    let mut name = String::new();
    for line in config.lines() {
        let line = line.trim();
        if !in_server && line.starts_with("server {") {
            in_server = true;
            depth = 0;
            sockets.clear();
            name.clear();
        }
        if in_server {
            if let Some(rest) = line.strip_prefix("listen ") {
                sockets.push(
                    rest.split_whitespace()
                        .next()
                        .unwrap()
                        .trim_end_matches(';')
                        .into(),
                );
            }
            if let Some(rest) = line.strip_prefix("server_name ") {
                name = rest
                    .split_whitespace()
                    .next()
                    .unwrap()
                    .trim_end_matches(';')
                    .into();
            }
            depth += line.matches('{').count();
            depth -= line.matches('}').count();
            if depth == 0 {
                in_server = false;
                for socket in &sockets {
                    out.push(Point {
                        socket: socket.clone(),
                        sni: name.clone(),
                    });
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// What the server negotiated at one point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    pub point: Point,
    pub protocols: Vec<String>,
    pub ciphers: Vec<String>,
    pub ciphersuites: Vec<String>,
}

/// The live result of one config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Live {
    /// `nginx -t` succeeded.
    pub nginx_t_ok: bool,
    /// nginx's first `[emerg]` line when it failed, the prefix written `PREFIX/`.
    pub nginx_t_error: String,
    pub probes: Vec<Probe>,
}

impl Live {
    /// The `live.json` form.
    pub fn to_json(&self) -> Value {
        json!({
            "nginx_t": if self.nginx_t_ok { "ok" } else { "failed" },
            "nginx_t_error": self.nginx_t_error,
            "probes": self.probes.iter().map(|p| json!({
                "socket": p.point.socket,
                "sni": p.point.sni,
                "protocols": p.protocols,
                "ciphers": p.ciphers,
                "ciphersuites": p.ciphersuites,
            })).collect::<Vec<_>>(),
        })
    }

    /// Reads the `live.json` form.
    pub fn from_json(v: &Value) -> Self {
        let strings = |v: &Value| -> Vec<String> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap().to_owned())
                .collect()
        };
        Live {
            nginx_t_ok: v["nginx_t"] == "ok",
            nginx_t_error: v["nginx_t_error"].as_str().unwrap_or_default().to_owned(),
            probes: v["probes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| Probe {
                    point: Point {
                        socket: p["socket"].as_str().unwrap().to_owned(),
                        sni: p["sni"].as_str().unwrap().to_owned(),
                    },
                    protocols: strings(&p["protocols"]),
                    ciphers: strings(&p["ciphers"]),
                    ciphersuites: strings(&p["ciphersuites"]),
                })
                .collect(),
        }
    }
}

/// A running nginx (`daemon off; master_process off;`, so the child is the only process);
/// dropping it kills it by its pid, also when a test panics.
pub struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs `nginx -t` on `prefix/nginx.conf`, starts it when that succeeds, and probes every
/// point. `client_ciphers` is [`client_ciphers`]'s list.
pub fn run_live(prefix: &Path, config: &str, client_ciphers: &[String]) -> Live {
    let t = nginx(prefix).arg("-t").output().unwrap();
    if !t.status.success() {
        let stderr = String::from_utf8_lossy(&t.stderr);
        let line = stderr
            .lines()
            .find(|l| l.contains("[emerg]"))
            .unwrap_or_else(|| stderr.lines().next().unwrap_or_default());
        return Live {
            nginx_t_ok: false,
            nginx_t_error: line.replace(&format!("{}/", prefix.display()), "PREFIX/"),
            probes: Vec::new(),
        };
    }
    let points = points(config);
    let _server = start(prefix, &points);
    let probes = points
        .into_iter()
        .map(|point| probe(point, client_ciphers))
        .collect();
    Live {
        nginx_t_ok: true,
        nginx_t_error: String::new(),
        probes,
    }
}

fn nginx(prefix: &Path) -> Command {
    let mut cmd = Command::new("nginx");
    cmd.arg("-p")
        .arg(prefix)
        .args(["-c", "nginx.conf", "-e", "error.log"])
        .stdin(Stdio::null());
    cmd
}

/// Starts nginx and waits until every socket accepts connections.
fn start(prefix: &Path, points: &[Point]) -> Running {
    let child = nginx(prefix)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut running = Running(child);
    let deadline = Instant::now() + Duration::from_secs(10);
    let addrs: Vec<SocketAddr> = points.iter().map(|p| p.socket.parse().unwrap()).collect();
    loop {
        if let Some(status) = running.0.try_wait().unwrap() {
            let log = std::fs::read_to_string(prefix.join("error.log")).unwrap_or_default();
            panic!("nginx passed -t but exited with {status} at start:\n{log}");
        }
        if addrs
            .iter()
            .all(|a| TcpStream::connect_timeout(a, Duration::from_millis(200)).is_ok())
        {
            return running;
        }
        assert!(
            Instant::now() < deadline,
            "nginx did not listen within 10 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The TLS ≤ 1.2 suites the client offers, OpenSSL names in OpenSSL's order.
pub fn client_ciphers() -> Vec<String> {
    let out = Command::new("openssl")
        .args(["ciphers", CLIENT_CIPHERS])
        .output()
        .unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .trim()
        .split(':')
        .filter(|s| !s.starts_with("TLS_"))
        .map(str::to_owned)
        .collect()
}

fn probe(point: Point, client_ciphers: &[String]) -> Probe {
    let all = format!("{}:@SECLEVEL=0", client_ciphers.join(":"));
    let mut protocols = Vec::new();
    let mut top12 = None;
    // The group of a TLS 1.3 key share the server takes without a HelloRetryRequest: after
    // a retry only TLS 1.3 suites in both the default and the virtual server's list work,
    // while a client whose first key share suits the server gets the default's list.
    let mut share = CLIENT_GROUPS.to_owned();
    for (name, flag) in PROTOCOLS {
        let suites = TLS13_SUITES.join(":");
        let mut done = handshake(&point, flag, &all, &suites, CLIENT_GROUPS);
        if name == "TLSv1.3" {
            if let Some((_, Some(g))) = &done {
                share.clone_from(g);
            } else if done.is_none() {
                done = CLIENT_GROUPS.split(':').find_map(|g| {
                    let r = handshake(&point, flag, &all, &suites, g);
                    if r.is_some() {
                        g.clone_into(&mut share);
                    }
                    r
                });
            }
        }
        if let Some((chosen, _)) = done {
            protocols.push(name.to_owned());
            if name != "TLSv1.3" {
                top12 = Some((flag, chosen));
            }
        }
    }
    let mut ciphers = Vec::new();
    if let Some((flag, first)) = top12 {
        // Offer everything, note the suite chosen, take it away, repeat: one handshake per
        // accepted suite plus one.
        let mut offer: Vec<&str> = client_ciphers.iter().map(String::as_str).collect();
        let mut chosen = Some(first);
        while let Some(c) = chosen.take() {
            offer.retain(|s| *s != c);
            ciphers.push(c);
            if offer.is_empty() || ciphers.len() >= MAX_SUITES {
                break;
            }
            let list = format!("{}:@SECLEVEL=0", offer.join(":"));
            chosen = handshake(&point, flag, &list, &TLS13_SUITES.join(":"), CLIENT_GROUPS)
                .map(|(c, _)| c);
        }
        ciphers.sort();
    }
    let mut ciphersuites = Vec::new();
    if protocols.iter().any(|p| p == "TLSv1.3") {
        for suite in TLS13_SUITES {
            if handshake(&point, "-tls1_3", CLIENT_CIPHERS, suite, &share).is_some() {
                ciphersuites.push(suite.to_owned());
            }
        }
        ciphersuites.sort();
    }
    Probe {
        point,
        protocols,
        ciphers,
        ciphersuites,
    }
}

/// One `s_client` handshake offering `groups` (a key share for the first); the suite chosen
/// and the key-exchange group used (as `-groups` spells it), or `None` when it failed.
fn handshake(
    point: &Point,
    version: &str,
    ciphers: &str,
    suites: &str,
    groups: &str,
) -> Option<(String, Option<String>)> {
    let mut child = Command::new("openssl")
        .args(["s_client", "-brief", "-connect", &point.socket])
        .args(["-servername", &point.sni, version, "-cipher", ciphers])
        .args(["-ciphersuites", suites, "-groups", groups])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("s_client to {point:?} {version} hung for 10 s");
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
    let suite = stderr
        .lines()
        .find_map(|l| l.strip_prefix("Ciphersuite: "))
        .map(|s| s.trim().to_owned())?;
    // `Server Temp Key: X25519, 253 bits`, `ECDH, prime256v1, 256 bits`, `DH, 2048 bits`.
    let group = stderr
        .lines()
        .find_map(|l| l.strip_prefix("Server Temp Key: "))
        .and_then(|k| {
            let parts: Vec<&str> = k.split(", ").collect();
            Some(match parts.as_slice() {
                ["X25519", ..] => "X25519".to_owned(),
                ["X448", ..] => "X448".to_owned(),
                ["ECDH", "prime256v1", ..] => "P-256".to_owned(),
                ["ECDH", "secp384r1", ..] => "P-384".to_owned(),
                ["ECDH", "secp521r1", ..] => "P-521".to_owned(),
                ["DH", bits] => format!("ffdhe{}", bits.trim_end_matches(" bits")),
                _ => return None,
            })
        });
    Some((suite, group))
}

/// What tlslint says about a config: `show --format json` and `check --format json`.
pub struct Tlslint {
    pub show: Value,
    pub check: Value,
    pub check_exit: i32,
}

/// Runs tlslint's `show` and `check` on `conf` with the installed versions as targets.
pub fn tlslint(conf: &Path) -> Tlslint {
    let run = |cmd: &str| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_tlslint"));
        c.args([cmd, "--format", "json"]);
        if cmd == "check" {
            c.arg("--no-config");
        }
        for t in TARGETS {
            c.args(["--target", t]);
        }
        c.arg(conf).output().unwrap()
    };
    let show = run("show");
    let check = run("check");
    Tlslint {
        show: serde_json::from_slice(&show.stdout).unwrap_or(Value::Null),
        check: serde_json::from_slice(&check.stdout).unwrap_or(Value::Null),
        check_exit: check.status.code().unwrap_or(-1),
    }
}

/// One difference between tlslint and the live server.
#[derive(Debug, Clone)]
pub struct Disagreement {
    /// `startup`, `endpoint`, `protocols`, `ciphers` or `ciphersuites`.
    pub what: &'static str,
    /// The socket and server name (empty for `startup`).
    pub at: String,
    pub tlslint: String,
    pub live: String,
}

/// Rules whose error-level findings mean "the program rejects this".
const REJECT_RULES: [&str; 3] = ["invalid-value", "cipher-string-error", "parse-error"];

/// Every way `t` differs from `live`.
pub fn compare(t: &Tlslint, live: &Live) -> Vec<Disagreement> {
    let mut out = Vec::new();
    let endpoints = t.show["endpoints"].as_array().cloned().unwrap_or_default();
    let startup_refusal = endpoints.iter().find_map(|e| {
        e["refused"]
            .as_str()
            .filter(|r| r.starts_with("nginx refuses to start"))
    });
    let rejects: Vec<String> = t.check["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["severity"] == "error" && REJECT_RULES.iter().any(|r| f["rule"] == *r))
        .map(|f| {
            format!(
                "{}: {}",
                f["rule"].as_str().unwrap_or(""),
                f["message"].as_str().unwrap_or("")
            )
        })
        .collect();
    if !live.nginx_t_ok {
        if t.check_exit != 2 && rejects.is_empty() {
            out.push(Disagreement {
                what: "startup",
                at: String::new(),
                tlslint: format!("check exit {}, no invalid-value error", t.check_exit),
                live: format!("nginx -t failed: {}", live.nginx_t_error),
            });
        }
        return out;
    }
    if let Some(r) = startup_refusal {
        out.push(Disagreement {
            what: "startup",
            at: String::new(),
            tlslint: r.to_owned(),
            live: "nginx -t ok".into(),
        });
    }
    if t.check_exit == 2 {
        out.push(Disagreement {
            what: "startup",
            at: String::new(),
            tlslint: "check exit 2".into(),
            live: "nginx -t ok".into(),
        });
    }
    for p in &live.probes {
        let at = format!("{} SNI {}", p.point.socket, p.point.sni);
        let matching: Vec<&Value> = endpoints
            .iter()
            .filter(|e| {
                has(&e["sockets"], &p.point.socket) && has(&e["server_names"], &p.point.sni)
            })
            .collect();
        let [e] = matching.as_slice() else {
            out.push(Disagreement {
                what: "endpoint",
                at,
                tlslint: format!("{} endpoints with this socket and name", matching.len()),
                live: "one server".into(),
            });
            continue;
        };
        let refused = !e["refused"].is_null();
        let protocols = if refused {
            Vec::new()
        } else {
            sorted(&e["protocols"])
        };
        let mut live_protocols = p.protocols.clone();
        live_protocols.sort();
        if protocols != live_protocols {
            out.push(Disagreement {
                what: "protocols",
                at: at.clone(),
                tlslint: if refused {
                    format!("refused: {}", e["refused"].as_str().unwrap_or(""))
                } else {
                    format!("{protocols:?}")
                },
                live: format!("{live_protocols:?}"),
            });
        }
        let both12 = |list: &[String]| list.iter().any(|p| p != "TLSv1.3");
        if both12(&protocols) && both12(&live_protocols) {
            set_diff(&mut out, "ciphers", &at, &sorted(&e["ciphers"]), &p.ciphers);
        }
        let both13 = |list: &[String]| list.iter().any(|p| p == "TLSv1.3");
        if both13(&protocols) && both13(&live_protocols) {
            set_diff(
                &mut out,
                "ciphersuites",
                &at,
                &sorted(&e["ciphersuites"]),
                &p.ciphersuites,
            );
        }
    }
    out
}

fn has(list: &Value, item: &str) -> bool {
    list.as_array().is_some_and(|l| l.iter().any(|v| v == item))
}

/// The strings of a JSON array, sorted.
pub fn sorted(list: &Value) -> Vec<String> {
    let mut v: Vec<String> = list
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s.as_str().map(str::to_owned))
        .collect();
    v.sort();
    v
}

fn set_diff(
    out: &mut Vec<Disagreement>,
    what: &'static str,
    at: &str,
    tl: &[String],
    live: &[String],
) {
    if tl == live {
        return;
    }
    let only = |a: &[String], b: &[String]| -> Vec<String> {
        a.iter().filter(|x| !b.contains(x)).cloned().collect()
    };
    out.push(Disagreement {
        what,
        at: at.to_owned(),
        tlslint: format!("{} suites; only tlslint: {:?}", tl.len(), only(tl, live)),
        live: format!("{} suites; only live: {:?}", live.len(), only(live, tl)),
    });
}

/// A readable report of one config's disagreements.
pub fn report(name: &str, config: &str, found: &[Disagreement]) -> String {
    use std::fmt::Write as _;
    let mut s = format!("=== {name}: {} disagreement(s)\n", found.len());
    for d in found {
        let _ = writeln!(
            s,
            "  [{}] {}\n    tlslint: {}\n    live:    {}",
            d.what, d.at, d.tlslint, d.live
        );
    }
    let _ = writeln!(s, "  config:");
    for line in config.lines() {
        let _ = writeln!(s, "    | {line}");
    }
    s
}

/// Writes a case as a regression fixture: `nginx.conf`, the public certificates and DH
/// files it names, and `live.json`.
pub fn record(dir: &Path, config: &str, material: &Material, live: &Live) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("nginx.conf"), config).unwrap();
    material.copy_public(config, dir);
    let text = serde_json::to_string_pretty(&live.to_json()).unwrap() + "\n";
    std::fs::write(dir.join("live.json"), text).unwrap();
}

/// The fixture directories under `tests/live/nginx/`, sorted.
pub fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/live/nginx");
    let mut out: Vec<PathBuf> = std::fs::read_dir(root)
        .map(|d| {
            d.map(|e| e.unwrap().path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}
