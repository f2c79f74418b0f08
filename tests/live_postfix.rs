//! Live differential test for Postfix (issue 15): seeded random `main.cf`/`master.cf` pairs
//! are run by a private Postfix instance on 127.0.0.1 high ports, every smtpd service is
//! probed with `openssl s_client` (STARTTLS and wrapper mode), and what it negotiates must
//! equal what `tlslint show` says a client can negotiate with the matching endpoint.
//!
//! `TLSLINT_LIVE_CONFIGS` / `TLSLINT_LIVE_SEED` run more configs; `TLSLINT_LIVE_RECORD=DIR`
//! records each case for `tests/live/postfix/` (see `tests/live/README.md`). The instance
//! has its own config, queue and data directories under a temporary directory, logs to a
//! file there (`maillog_file`, no syslog), and is stopped by its master pid even on panic.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

#[path = "support/live_mail.rs"]
pub mod live_mail;
pub mod support;

use live_mail::{Case, Outcome, Rng, Target, Tls};

/// Parameters every generated `main.cf` starts with: a private instance that cannot clash
/// with a system Postfix (own directories, loopback only, no syslog, no local maps).
const BASE: &str = "\
compatibility_level = 3.6
queue_directory = @DIR@/queue
data_directory = @DIR@/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = localhost
mydestination =
alias_maps =
alias_database =
local_recipient_maps =
maillog_file = @DIR@/maillog
maillog_file_prefixes = @DIR@
";

/// Internal services smtpd talks to; without them it stalls before answering.
const MASTER_BASE: &str = "\
tlsmgr unix - - n 1000? 1 tlsmgr
anvil unix - - n - 1 anvil
proxymap unix - - n - - proxymap
rewrite unix - - n - - trivial-rewrite
postlog unix-dgram n - n - 1 postlogd
";

const PROTOCOL_LISTS: &[&str] = &[
    ">=TLSv1",
    ">=TLSv1.1",
    ">=TLSv1.2",
    ">=TLSv1.3",
    "<=TLSv1.2",
    ">=TLSv1.1 <=TLSv1.2",
    "!SSLv2, !SSLv3",
    "!SSLv2, !SSLv3, !TLSv1",
    "!SSLv2, !SSLv3, !TLSv1, !TLSv1.1",
    "!TLSv1.3",
    "TLSv1.2 TLSv1.3",
    "TLSv1 TLSv1.2",
    "TLSv1.3",
];
const GRADES: &[&str] = &["high", "medium", "null", "low", "export"];
const CIPHERLISTS: &[&str] = &[
    "aNULL:-aNULL:HIGH:@STRENGTH:@SECLEVEL=1",
    "HIGH:!aNULL:@SECLEVEL=2",
    "ECDHE+AESGCM:@SECLEVEL=2",
    "HIGH:@SECLEVEL=0",
    "kRSA:@SECLEVEL=2",
    "ECDHE-RSA-AES128-GCM-SHA256",
    "AES128-SHA:ECDHE-ECDSA-AES256-SHA",
    "DEFAULT:@SECLEVEL=3",
    "EECDH+CHACHA20:DHE+AESGCM",
];
const EXCLUDES: &[&str] = &[
    "aNULL",
    "RSA",
    "SHA1",
    "AES256, CAMELLIA",
    "kRSA aDSS",
    "ECDHE",
];
const CURVES: &[&str] = &[
    "prime256v1",
    "X25519",
    "secp384r1 secp521r1",
    "X448",
    "X25519 prime256v1",
];
const SSL_OPTIONS: &[&str] = &[
    "NO_TICKET",
    "NO_COMPRESSION",
    "PRIORITIZE_CHACHA",
    "NO_RENEGOTIATION",
];

#[test]
fn live_postfix_agrees_with_show() {
    if !support::require_program("postfix", "live Postfix handshake test")
        || !support::require_program("openssl", "live Postfix handshake test")
    {
        return;
    }
    let started = Instant::now();
    let (configs, seed) = live_mail::run_size();
    let material = live_mail::Material::generate();
    let mut failures = Vec::new();
    let mut ran = 0;
    for i in 0..configs {
        let case_seed = live_mail::config_seed(seed, i);
        let case = generate(case_seed);
        let dir = live_mail::server_dir("tlslint-live-postfix-");
        material.install(dir.path());
        let outcome = run(&case, dir.path());
        ran += usize::from(outcome.started.is_ok());
        let diffs = live_mail::judge(&case, &dir.path().join("main.cf"), &outcome);
        live_mail::record(
            &case,
            dir.path(),
            &outcome,
            &live_mail::version("postconf", &["-h", "-d", "mail_version"]),
        );
        if !diffs.is_empty() {
            live_mail::report(&case, &diffs, &outcome.log);
            failures.extend(diffs.iter().map(|d| format!("{}: {d}", case.name)));
        }
    }
    support::skip(
        "(timing) live Postfix",
        &format!(
            "{configs} configs ({ran} started) in {:.1}s",
            started.elapsed().as_secs_f64()
        ),
    );
    assert!(
        failures.is_empty(),
        "{} disagreement(s) between tlslint show and live Postfix:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// A random Postfix config: main.cf settings, a STARTTLS service, a wrapper-mode service,
/// and sometimes a second STARTTLS service with its own overrides.
fn generate(seed: u64) -> Case {
    let mut rng = Rng::new(seed);
    let mut main = BASE.to_owned();
    match rng.below(3) {
        0 => main
            .push_str("smtpd_tls_cert_file = @DIR@/rsa.pem\nsmtpd_tls_key_file = @DIR@/rsa.key\n"),
        1 => {
            main.push_str(
                "smtpd_tls_cert_file = @DIR@/ec.pem\nsmtpd_tls_key_file = @DIR@/ec.key\n",
            );
        }
        _ => main.push_str(
            "smtpd_tls_cert_file = @DIR@/rsa.pem\nsmtpd_tls_key_file = @DIR@/rsa.key\n\
             smtpd_tls_eccert_file = @DIR@/ec.pem\nsmtpd_tls_eckey_file = @DIR@/ec.key\n",
        ),
    }
    let level = if rng.chance(60) { "may" } else { "encrypt" };
    let _ = writeln!(main, "smtpd_tls_security_level = {level}");
    for (name, value) in settings(&mut rng, 5) {
        let _ = writeln!(main, "{name} = {value}");
    }
    let ports = live_mail::free_ports(3);
    let mut master = String::new();
    let mut targets = Vec::new();
    let services = if rng.chance(50) { 3 } else { 2 };
    for (n, port) in ports.iter().take(services).enumerate() {
        let service = format!("127.0.0.1:{port}");
        let _ = writeln!(master, "{service} inet n - n - - smtpd");
        let wrapper = n == 1;
        if wrapper {
            master.push_str(if rng.chance(50) {
                "  -o smtpd_tls_wrappermode=yes\n"
            } else {
                "  -o { smtpd_tls_wrappermode = yes }\n"
            });
        }
        let overrides = if n == 0 { rng.below(2) } else { rng.below(4) };
        for (name, value) in settings(&mut rng, overrides) {
            if value.contains(' ') || rng.chance(30) {
                let _ = writeln!(master, "  -o {{ {name} = {value} }}");
            } else {
                let _ = writeln!(master, "  -o {name}={value}");
            }
        }
        if !wrapper && rng.chance(20) {
            let l = *rng.pick(&["may", "encrypt", "none"]);
            let _ = writeln!(master, "  -o smtpd_tls_security_level={l}");
        }
        targets.push(Target {
            label: format!(
                "service {service}/inet ({})",
                if wrapper { "wrapper mode" } else { "STARTTLS" }
            ),
            host: "127.0.0.1".into(),
            port: *port,
            tls: if wrapper {
                Tls::Implicit
            } else {
                Tls::StartTls("smtp")
            },
            keys: vec![
                format!("postfix/master.cf/{service}/inet"),
                "postfix/main.cf/smtpd".into(),
            ],
        });
    }
    master.push_str(MASTER_BASE);
    Case {
        name: format!("postfix-{seed}"),
        files: vec![("main.cf".into(), main), ("master.cf".into(), master)],
        targets,
    }
}

/// Up to `n` random TLS parameters (names unique), for main.cf or `-o`.
fn settings(rng: &mut Rng, n: usize) -> Vec<(&'static str, String)> {
    let mut out: Vec<(&'static str, String)> = Vec::new();
    for _ in 0..n {
        let (name, value) = match rng.below(13) {
            0 => ("smtpd_tls_protocols", rng.pick(PROTOCOL_LISTS).to_string()),
            1 => (
                "smtpd_tls_mandatory_protocols",
                rng.pick(PROTOCOL_LISTS).to_string(),
            ),
            2 => ("smtpd_tls_ciphers", rng.pick(GRADES).to_string()),
            3 => ("smtpd_tls_mandatory_ciphers", rng.pick(GRADES).to_string()),
            4 => ("tls_high_cipherlist", rng.pick(CIPHERLISTS).to_string()),
            5 => ("tls_medium_cipherlist", rng.pick(CIPHERLISTS).to_string()),
            6 => ("smtpd_tls_exclude_ciphers", rng.pick(EXCLUDES).to_string()),
            7 => (
                "smtpd_tls_mandatory_exclude_ciphers",
                rng.pick(EXCLUDES).to_string(),
            ),
            8 => ("tls_eecdh_auto_curves", rng.pick(CURVES).to_string()),
            9 => (
                "smtpd_tls_dh1024_param_file",
                rng.pick(&["@DIR@/dh2048.pem", "@DIR@/dh1024.pem", ""])
                    .to_string(),
            ),
            10 => ("tls_ssl_options", rng.pick(SSL_OPTIONS).to_string()),
            11 => (
                "tls_preempt_cipherlist",
                rng.pick(&["yes", "no"]).to_string(),
            ),
            _ => ("tls_low_cipherlist", rng.pick(CIPHERLISTS).to_string()),
        };
        if !out.iter().any(|(n, _)| *n == name) {
            out.push((name, value));
        }
    }
    out
}

/// Stops the private instance by its master pid when dropped (also on panic).
struct Instance {
    dir: PathBuf,
}

impl Drop for Instance {
    fn drop(&mut self) {
        live_mail::stop_pid_file(&self.dir.join("queue/pid/master.pid"));
    }
}

/// Writes the case to `dir`, starts Postfix, probes every service, stops it.
fn run(case: &Case, dir: &Path) -> Outcome {
    std::fs::create_dir_all(dir.join("queue")).expect("queue dir");
    std::fs::create_dir_all(dir.join("data")).expect("data dir");
    let _ = Command::new("chown")
        .args(["postfix"])
        .arg(dir.join("data"))
        .status();
    for (name, text) in &case.files {
        live_mail::write_config(dir, name, text);
    }
    let instance = Instance {
        dir: dir.to_path_buf(),
    };
    let start =
        live_mail::start_daemon(Command::new("postfix").arg("-c").arg(dir).arg("start"), dir);
    let log = dir.join("maillog");
    live_mail::outcome(case, "postfix start", &start, &log, instance)
}
