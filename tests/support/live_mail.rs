//! The live-handshake oracle for Postfix and Dovecot (issue 15), shared by `live_postfix.rs`,
//! `live_dovecot.rs` and `live_mail_regressions.rs`: a seeded generator, test-time
//! certificates, free loopback ports, `openssl s_client` probes, and the comparison of what a
//! running server negotiates with what `tlslint show` says a client can negotiate.
//!
//! Config texts use the placeholder `@DIR@` for the directory they are written to, so a
//! recorded case (`TLSLINT_LIVE_RECORD=DIR`) can be replayed anywhere without the servers.
//! This module starts no server itself; the two live tests own their server guards.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::Write as _;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The versions installed on the machines the live tests were written on (Debian 12); the
/// targets make tlslint model exactly these.
pub const TARGETS: [&str; 8] = [
    "--target",
    "postfix=3.7",
    "--target",
    "dovecot=2.3.19",
    "--target",
    "openssl=3.0",
    "--target",
    "seclevel=2",
];

/// The five TLS 1.3 suites OpenSSL 3.0 implements, probed one by one.
pub const TLS13: [&str; 5] = [
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_128_CCM_SHA256",
    "TLS_AES_128_CCM_8_SHA256",
];

/// Protocol names as tlslint prints them, with the `s_client` flag that forces each.
const PROTOCOLS: [(&str, &str); 4] = [
    ("TLSv1", "-tls1"),
    ("TLSv1.1", "-tls1_1"),
    ("TLSv1.2", "-tls1_2"),
    ("TLSv1.3", "-tls1_3"),
];

/// The client offers every suite it has and accepts any key size or digest, so only the
/// server decides.
const CLIENT_ALL: &str = "ALL:COMPLEMENTOFALL";

/// Files every config may name, generated once per test run (public parts only are ever
/// recorded).
pub const MATERIAL: [&str; 4] = ["rsa.pem", "ec.pem", "dh2048.pem", "dh1024.pem"];

/// A tiny xorshift64* generator: reproducible configs from a seed without a dependency.
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed` (any value, zero included).
    pub fn new(seed: u64) -> Self {
        // One splitmix64 step, so neighbouring seeds give unrelated states (and never 0).
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Rng((z ^ (z >> 31)) | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next_u64() % n as u64).expect("below n")
    }

    /// One element of `xs`.
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
}

/// How many configs to run and from which seed: `TLSLINT_LIVE_CONFIGS` (default 20) and
/// `TLSLINT_LIVE_SEED` (default fixed, so CI runs are reproducible).
pub fn run_size() -> (usize, u64) {
    let configs = std::env::var("TLSLINT_LIVE_CONFIGS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let seed = std::env::var("TLSLINT_LIVE_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(15);
    (configs, seed)
}

/// The seed of config `i` of a run: each config reproducible on its own
/// (`TLSLINT_LIVE_SEED=<that> TLSLINT_LIVE_CONFIGS=1`).
pub fn config_seed(seed: u64, i: usize) -> u64 {
    seed.wrapping_mul(1_000_003).wrapping_add(i as u64)
}

/// Writes `text` with `@DIR@` replaced by `dir` to `dir/name`.
pub fn write_config(dir: &Path, name: &str, text: &str) {
    let real = text.replace("@DIR@", &dir.display().to_string());
    std::fs::write(dir.join(name), real).expect("write config");
}

/// Certificates (RSA 2048, ECDSA P-256) and DH parameters (2048 and 1024 bits), generated
/// with the `openssl` CLI in a temporary directory; keys never leave it.
pub struct Material {
    dir: tempfile::TempDir,
}

impl Material {
    /// Generates the files (about a second).
    pub fn generate() -> Material {
        let dir = tempfile::tempdir().expect("temp dir");
        let d = dir.path();
        let run = |args: &[&str]| {
            let out = Command::new("openssl")
                .args(args)
                .current_dir(d)
                .output()
                .expect("run openssl");
            assert!(
                out.status.success(),
                "openssl {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        let req = [
            "req",
            "-x509",
            "-nodes",
            "-days",
            "3",
            "-subj",
            "/CN=localhost",
        ];
        run(&[
            &req[..],
            &[
                "-newkey", "rsa:2048", "-keyout", "rsa.key", "-out", "rsa.pem",
            ],
        ]
        .concat());
        run(&[
            &req[..],
            &[
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-keyout",
                "ec.key",
                "-out",
                "ec.pem",
            ],
        ]
        .concat());
        run(&[
            "genpkey",
            "-genparam",
            "-algorithm",
            "DH",
            "-pkeyopt",
            "group:ffdhe2048",
            "-out",
            "dh2048.pem",
        ]);
        run(&["dhparam", "-out", "dh1024.pem", "1024"]);
        Material { dir }
    }

    /// Copies certificates, keys and DH files into `to` (a config must hold its own
    /// copies: tlslint reads files only inside the checked tree).
    pub fn install(&self, to: &Path) {
        for f in MATERIAL.iter().chain(&["rsa.key", "ec.key"]) {
            std::fs::copy(self.dir.path().join(f), to.join(f)).expect("copy material");
        }
    }
}

/// A temporary directory the servers' unprivileged users can traverse.
pub fn server_dir(prefix: &str) -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix(prefix)
        .tempdir()
        .expect("temp dir");
    set_mode(dir.path(), 0o755);
    dir
}

/// Sets a path's permission bits.
pub fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// `n` distinct loopback ports that were free a moment ago (held together so they differ).
pub fn free_ports(n: usize) -> Vec<u16> {
    let held: Vec<TcpListener> = (0..n)
        .map(|_| TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0"))
        .collect();
    held.iter()
        .map(|l| l.local_addr().expect("local addr").port())
        .collect()
}

/// Waits until something accepts on `host:port` (bounded).
pub fn wait_port(host: &str, port: u16, within: Duration) -> bool {
    let start = Instant::now();
    let addr = format!("{host}:{port}");
    while start.elapsed() < within {
        if TcpStream::connect(&addr).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// Runs a command that daemonizes: its output goes to a file in `dir`, not a pipe (the
/// daemon would inherit the pipe and `output()` would wait for it forever). The exit status
/// and what it printed.
pub fn start_daemon(cmd: &mut Command, dir: &Path) -> (std::process::ExitStatus, String) {
    let path = dir.join("start.out");
    let file = std::fs::File::create(&path).expect("create start.out");
    let status = cmd
        .stdin(Stdio::null())
        .stdout(file.try_clone().expect("dup start.out"))
        .stderr(file)
        .status()
        .expect("start daemon");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    (status, text.trim().to_owned())
}

/// Waits until one target accepts, then gives the others a moment: a listener the server
/// does not open (Dovecot skips `ssl = yes` listeners under global `ssl = no`) is probed
/// and simply negotiates nothing.
pub fn wait_any(targets: &[Target], within: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < within {
        if targets
            .iter()
            .any(|t| wait_port(&t.host, t.port, Duration::from_millis(1)))
        {
            std::thread::sleep(Duration::from_millis(300));
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// Stops a daemon's master process by the pid in `pid_file` and waits (bounded) for it to
/// go; the test started it, so only that pid is signalled.
pub fn stop_pid_file(pid_file: &Path) {
    let Ok(text) = std::fs::read_to_string(pid_file) else {
        return;
    };
    let pid = text.trim();
    if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return;
    }
    let _ = Command::new("kill").args(["-TERM", pid]).status();
    let proc = PathBuf::from(format!("/proc/{pid}"));
    let start = Instant::now();
    while proc.exists() && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(50));
    }
    if proc.exists() {
        let _ = Command::new("kill").args(["-KILL", pid]).status();
    }
}

/// How a client reaches TLS on a socket.
#[derive(Clone, Copy, Debug)]
pub enum Tls {
    /// TLS from the first byte (smtps, imaps, pop3s).
    Implicit,
    /// `openssl s_client -starttls PROTO`.
    StartTls(&'static str),
}

/// One listening socket to probe, and the endpoint keys of `tlslint show` that may describe
/// it, most specific first (the first one `show` prints is used).
#[derive(Clone, Debug)]
pub struct Target {
    /// Readable name: service or listener, address, port, how TLS starts.
    pub label: String,
    /// `127.0.0.1` or `::1`.
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// Implicit TLS or STARTTLS.
    pub tls: Tls,
    /// Candidate endpoint keys, most specific first.
    pub keys: Vec<String>,
}

/// What a running server negotiated on one socket.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Live {
    /// Protocols that completed a handshake, oldest first.
    pub protocols: Vec<String>,
    /// TLS ≤ 1.2 suites (OpenSSL names) in the order the server chose them while the client
    /// offered everything not yet chosen (the server's order when it prefers its own).
    pub ciphers: Vec<String>,
    /// TLS 1.3 suites (IANA names) that completed a handshake alone.
    pub ciphersuites: Vec<String>,
    /// Facts seen while probing that the comparison does not judge.
    pub notes: Vec<String>,
}

impl Live {
    /// No handshake at all.
    pub fn is_empty(&self) -> bool {
        // Notes alone do not make a handshake.
        self.protocols.is_empty()
    }

    /// The recorded form.
    pub fn to_json(&self) -> Value {
        json!({"protocols": self.protocols, "ciphers": self.ciphers, "ciphersuites": self.ciphersuites, "notes": self.notes})
    }

    /// Reads the recorded form.
    pub fn from_json(v: &Value) -> Live {
        Live {
            protocols: strings(&v["protocols"]),
            ciphers: strings(&v["ciphers"]),
            ciphersuites: strings(&v["ciphersuites"]),
            notes: strings(&v["notes"]),
        }
    }
}

/// Probes `target`: which protocols handshake, then every TLS ≤ 1.2 suite by elimination at
/// the newest working protocol up to TLS 1.2, then each TLS 1.3 suite alone.
pub fn probe(target: &Target) -> Live {
    let mut live = Live::default();
    for (name, flag) in PROTOCOLS {
        let cipher = format!("{CLIENT_ALL}:@SECLEVEL=0");
        let all13 = TLS13.join(":");
        let mut args = vec![flag, "-cipher", &cipher];
        if name == "TLSv1.3" {
            args.extend(["-ciphersuites", &all13]);
        }
        let mut ok = handshake(target, &args).is_some();
        if !ok && name != "TLSv1.3" {
            // Dovecot without `ssl_dh` aborts when it selects a DHE suite (see below); a
            // client without DHE still gets this protocol.
            let cipher = format!("{CLIENT_ALL}:!kDHE:@SECLEVEL=0");
            ok = handshake(target, &[flag, "-cipher", &cipher]).is_some();
            if ok {
                live.notes.push(format!(
                    "{name}: the full offer failed, without kDHE it works"
                ));
            }
        }
        if ok {
            live.protocols.push(name.to_owned());
        }
    }
    if let Some((_, flag)) = PROTOCOLS[..3]
        .iter()
        .rev()
        .find(|(n, _)| live.protocols.iter().any(|p| p == n))
    {
        // One handshake per accepted suite plus one; bounded by the client's suite count.
        let mut no_dhe = false;
        for _ in 0..200 {
            let mut cipher = CLIENT_ALL.to_owned();
            for c in &live.ciphers {
                let _ = write!(cipher, ":!{c}");
            }
            if no_dhe {
                cipher.push_str(":!kDHE");
            }
            cipher.push_str(":@SECLEVEL=0");
            match handshake(target, &[flag, "-cipher", &cipher]) {
                Some((_, suite)) if !live.ciphers.contains(&suite) => live.ciphers.push(suite),
                // Dovecot without `ssl_dh` picks a DHE suite the client prefers and then
                // aborts the handshake ("no DH parameters provided") instead of choosing
                // another suite: go on without DHE and note it.
                None if !no_dhe => {
                    no_dhe = true;
                    live.notes
                        .push("a handshake failed; enumeration continued without kDHE".into());
                }
                _ => break,
            }
        }
    }
    if live.protocols.iter().any(|p| p == "TLSv1.3") {
        for suite in TLS13 {
            let cipher = format!("{CLIENT_ALL}:@SECLEVEL=0");
            if handshake(
                target,
                &["-tls1_3", "-cipher", &cipher, "-ciphersuites", suite],
            )
            .is_some()
            {
                live.ciphersuites.push(suite.to_owned());
            }
        }
    }
    live
}

/// Probes every target with `jobs` workers, results in target order.
pub fn probe_all(targets: &[Target], jobs: usize) -> Vec<Live> {
    let next = AtomicUsize::new(0);
    let results = std::sync::Mutex::new(vec![Live::default(); targets.len()]);
    std::thread::scope(|s| {
        for _ in 0..jobs.max(1) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(t) = targets.get(i) else { break };
                    let live = probe(t);
                    results.lock().expect("results")[i] = live;
                }
            });
        }
    });
    results.into_inner().expect("results")
}

/// Probe workers: `TLSLINT_LIVE_JOBS`, default 4 (the probes mostly wait on processes).
pub fn jobs() -> usize {
    std::env::var("TLSLINT_LIVE_JOBS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4)
}

/// One `openssl s_client` handshake; the negotiated protocol and suite, or `None`.
fn handshake(target: &Target, args: &[&str]) -> Option<(String, String)> {
    let host = if target.host.contains(':') {
        format!("[{}]", target.host)
    } else {
        target.host.clone()
    };
    let mut cmd = Command::new("openssl");
    cmd.args([
        "s_client",
        "-brief",
        "-connect",
        &format!("{host}:{}", target.port),
    ]);
    if let Tls::StartTls(p) = target.tls {
        cmd.args(["-starttls", p]);
    }
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn openssl s_client");
    // A server that accepts and then says nothing must not hang the test.
    let start = Instant::now();
    loop {
        match child.try_wait().expect("wait s_client") {
            Some(_) => break,
            None if start.elapsed() > Duration::from_secs(20) => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
            None => std::thread::sleep(Duration::from_millis(5)),
        }
    }
    let out = child.wait_with_output().expect("s_client output");
    let text = String::from_utf8_lossy(&out.stderr);
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_owned())
    };
    match (field("Protocol version:"), field("Ciphersuite:")) {
        (Some(p), Some(c)) if c != "(NONE)" => Some((p, c)),
        _ => None,
    }
}

/// `tlslint show --format json` for `dir` with the installed versions as targets.
pub fn show(dir: &Path) -> Result<Value, String> {
    let out = Command::new(env!("CARGO_BIN_EXE_tlslint"))
        .args(["show", "--format", "json"])
        .args(TARGETS)
        .arg(dir)
        .output()
        .expect("run tlslint show");
    if !out.status.success() {
        return Err(format!(
            "tlslint show exited {}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    serde_json::from_slice(&out.stdout).map_err(|e| format!("show JSON: {e}"))
}

/// What `tlslint check` says about a config a program refuses: exit 2, or its
/// `invalid-value` findings (`None` when it reports neither).
pub fn check_refusal(dir: &Path) -> Option<String> {
    let out = Command::new(env!("CARGO_BIN_EXE_tlslint"))
        .args(["check", "--no-config", "--format", "json"])
        .args(TARGETS)
        .arg(dir)
        .output()
        .expect("run tlslint check");
    if out.status.code() == Some(2) {
        return Some(format!(
            "exit 2: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let doc: Value = serde_json::from_slice(&out.stdout).ok()?;
    let msgs: Vec<String> = doc["findings"]
        .as_array()?
        .iter()
        .filter(|f| f["rule"] == "invalid-value" || f["rule"] == "parse-error")
        .map(|f| {
            format!(
                "{}: {}",
                f["rule"].as_str().unwrap_or(""),
                f["message"].as_str().unwrap_or("")
            )
        })
        .collect();
    (!msgs.is_empty()).then(|| msgs.join("; "))
}

/// The endpoint of `show` that describes `target`: the first of its candidate keys present.
pub fn endpoint<'a>(show: &'a Value, keys: &[String]) -> Option<&'a Value> {
    let endpoints = show["endpoints"].as_array()?;
    keys.iter()
        .find_map(|k| endpoints.iter().find(|e| e["key"].as_str() == Some(k)))
}

/// What tlslint says a client can negotiate with an endpoint.
#[derive(Debug)]
pub struct Expect {
    /// Negotiable protocols (empty when TLS is off or the endpoint refuses).
    pub protocols: Vec<String>,
    /// Negotiable TLS ≤ 1.2 suites, server order.
    pub ciphers: Vec<String>,
    /// Negotiable TLS 1.3 suites.
    pub ciphersuites: Vec<String>,
    /// The server's order decides (`prefer_server_ciphers`).
    pub prefer: bool,
    /// Why tlslint thinks every handshake fails, if it does.
    pub refused: Option<String>,
}

/// Reads an endpoint of `show` into an [`Expect`].
pub fn expect_of(e: &Value) -> Expect {
    let off = e["settings"]["mode"]["value"] == "off";
    let refused = e["refused"].as_str().map(str::to_owned);
    let none = off || refused.is_some();
    Expect {
        protocols: if none {
            Vec::new()
        } else {
            strings(&e["protocols"])
        },
        ciphers: strings(&e["ciphers"]),
        ciphersuites: strings(&e["ciphersuites"]),
        prefer: e["settings"]["prefer_server_ciphers"]["value"] == true,
        refused: if off {
            Some("TLS is off (mode off)".into())
        } else {
            refused
        },
    }
}

/// The differences between tlslint and the live result on one socket, one line each.
pub fn compare(expect: &Expect, live: &Live) -> Vec<String> {
    let mut out = Vec::new();
    if live.is_empty() || expect.protocols.is_empty() {
        if live.is_empty() != expect.protocols.is_empty() {
            out.push(format!(
                "refusal: tlslint {} / live {}",
                expect.refused.as_deref().map_or_else(
                    || format!("negotiates {:?}", expect.protocols),
                    |r| format!("refused ({r})")
                ),
                if live.is_empty() {
                    "no handshake at all".to_owned()
                } else {
                    format!("handshakes with {:?}", live.protocols)
                }
            ));
        }
        return out;
    }
    if expect.protocols != live.protocols {
        out.push(format!(
            "protocols: tlslint {:?} / live {:?}",
            expect.protocols, live.protocols
        ));
    }
    // Suites only matter where a protocol that uses them is negotiable on both sides.
    let legacy = |ps: &[String]| ps.iter().any(|p| p != "TLSv1.3");
    if legacy(&expect.protocols) && legacy(&live.protocols) {
        diff_sets(&mut out, "ciphers", &expect.ciphers, &live.ciphers);
        if out.is_empty() && expect.prefer && expect.ciphers != live.ciphers {
            out.push(format!(
                "cipher order (server preference): tlslint {:?} / live {:?}",
                expect.ciphers, live.ciphers
            ));
        }
    }
    let has13 = |ps: &[String]| ps.iter().any(|p| p == "TLSv1.3");
    if has13(&expect.protocols) && has13(&live.protocols) {
        diff_sets(
            &mut out,
            "ciphersuites",
            &expect.ciphersuites,
            &live.ciphersuites,
        );
    }
    out
}

fn diff_sets(out: &mut Vec<String>, what: &str, tlslint: &[String], live: &[String]) {
    let a: BTreeSet<&String> = tlslint.iter().collect();
    let b: BTreeSet<&String> = live.iter().collect();
    let only_t: Vec<&&String> = a.difference(&b).collect();
    let only_l: Vec<&&String> = b.difference(&a).collect();
    if !only_t.is_empty() || !only_l.is_empty() {
        out.push(format!(
            "{what}: only tlslint {only_t:?} / only live {only_l:?} ({} vs {} suites)",
            a.len(),
            b.len()
        ));
    }
}

/// A string array of a JSON value (empty when absent).
pub fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// One generated config as files (`@DIR@` placeholders) plus its probe plan.
pub struct Case {
    /// `postfix-<seed>` / `dovecot-<seed>`.
    pub name: String,
    /// (file name, text) pairs.
    pub files: Vec<(String, String)>,
    /// The sockets to probe.
    pub targets: Vec<Target>,
}

/// The outcome of running one case live.
/// Waits for a just-started daemon's ports, probes every target, then stops it (by
/// dropping `instance`, its stop guard).
pub fn outcome<G>(
    case: &Case,
    what: &str,
    start: &(std::process::ExitStatus, String),
    log: &Path,
    instance: G,
) -> Outcome {
    let started = if start.0.success() && wait_any(&case.targets, Duration::from_secs(10)) {
        Ok(())
    } else {
        Err(format!(
            "{what} exited {}: {} {}",
            start.0,
            start.1,
            log_evidence(log).join(" | ")
        ))
    };
    let live = if started.is_ok() {
        probe_all(&case.targets, jobs())
    } else {
        Vec::new()
    };
    drop(instance);
    Outcome {
        started,
        live,
        log: log_evidence(log),
    }
}

pub struct Outcome {
    /// The server started (config accepted).
    pub started: Result<(), String>,
    /// Per target, the live result.
    pub live: Vec<Live>,
    /// Error and warning lines from the server's log (evidence for refusals).
    pub log: Vec<String>,
}

/// Compares one case's live outcome with tlslint on `entry` (the written `main.cf` or
/// `dovecot.conf`; certificates sit beside it, inside the checked tree): the report lines
/// for every disagreement (empty when all agree).
pub fn judge(case: &Case, entry: &Path, outcome: &Outcome) -> Vec<String> {
    let mut out = Vec::new();
    if let Err(why) = &outcome.started {
        if check_refusal(entry).is_none() {
            out.push(format!(
                "startup: the program refuses the config ({why}) / tlslint check reports no error"
            ));
        }
        return out;
    }
    let show = match show(entry) {
        Ok(s) => s,
        Err(e) => {
            out.push(format!("startup: the program starts / {e}"));
            return out;
        }
    };
    for (t, live) in case.targets.iter().zip(&outcome.live) {
        let Some(e) = endpoint(&show, &t.keys) else {
            if !live.is_empty() {
                out.push(format!(
                    "{}: no endpoint {:?} in show / live {:?}",
                    t.label, t.keys, live.protocols
                ));
            }
            continue;
        };
        let key = e["key"].as_str().unwrap_or("?");
        for d in compare(&expect_of(e), live) {
            out.push(format!("{} [{key}]: {d}", t.label));
        }
    }
    out
}

/// Prints a disagreement report for a case on the real stderr (not captured by the
/// harness) so a failing run shows the config next to the differences.
pub fn report(case: &Case, diffs: &[String], log: &[String]) {
    let mut text = format!("---- {}: {} disagreement(s)\n", case.name, diffs.len());
    for d in diffs {
        let _ = writeln!(text, "  {d}");
    }
    for (name, body) in &case.files {
        let _ = writeln!(text, "  == {name}");
        for l in body.lines().filter(|l| is_interesting(l)) {
            let _ = writeln!(text, "    {l}");
        }
    }
    for l in log.iter().take(8) {
        let _ = writeln!(text, "  log: {l}");
    }
    let _ = std::io::stderr().write_all(text.as_bytes());
}

/// TLS lines of a config, the part worth showing in a report.
fn is_interesting(line: &str) -> bool {
    let l = line.trim();
    l.contains("tls")
        || l.contains("ssl")
        || l.contains("cipher")
        || l.starts_with("protocol")
        || l.starts_with("local")
        || l.starts_with('}')
        || l.contains(" inet ")
        || l.starts_with("-o")
}

/// With `TLSLINT_LIVE_RECORD=DIR`, writes the case (configs with `@DIR@`, public
/// certificates and DH files, and `live.json`) to `DIR/<case name>/` for promotion to a
/// regression fixture under `tests/live/`.
pub fn record(case: &Case, material_dir: &Path, outcome: &Outcome, program: &str) {
    let Some(root) = std::env::var_os("TLSLINT_LIVE_RECORD") else {
        return;
    };
    let dir = Path::new(&root).join(&case.name);
    std::fs::create_dir_all(&dir).expect("create record dir");
    for (name, body) in &case.files {
        std::fs::write(dir.join(name), body).expect("record config");
    }
    for f in MATERIAL {
        std::fs::copy(material_dir.join(f), dir.join(f)).expect("record material");
    }
    let doc = json!({
        "program": program,
        "openssl": version("openssl", &["version"]),
        "started": outcome.started.as_ref().err(),
        "log": outcome.log,
        "targets": case.targets.iter().zip(&outcome.live).map(|(t, l)| {
            let mut v = l.to_json();
            v["label"] = json!(t.label);
            v["keys"] = json!(t.keys);
            v
        }).collect::<Vec<_>>(),
    });
    let text = serde_json::to_string_pretty(&doc).expect("json") + "\n";
    std::fs::write(dir.join("live.json"), text).expect("record live.json");
}

/// The first line a program prints for its version (for recordings).
pub fn version(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .map(|o| {
            let t = if o.stdout.is_empty() {
                o.stderr
            } else {
                o.stdout
            };
            String::from_utf8_lossy(&t)
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .to_owned()
        })
        .unwrap_or_default()
}

/// Lines of a server log worth quoting: errors, warnings, fatals, TLS complaints.
pub fn log_evidence(log: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let mut seen = BTreeSet::new();
    text.lines()
        .filter(|l| {
            let l = l.to_ascii_lowercase();
            (l.contains("error") || l.contains("fatal") || l.contains("warning") || l.contains("panic"))
                // Setup noise of a private instance, not about TLS.
                && !l.contains("not owned by")
                && !l.contains("dict_nis_init")
                && !l.contains("aliases")
        })
        // Timestamps and pids differ per line; keep each message once.
        .filter_map(|l| {
            let msg = l.split_once(": ").map_or(l, |(_, m)| m).to_owned();
            seen.insert(msg.clone()).then_some(msg)
        })
        .take(20)
        .collect()
}
