//! Live differential test for Dovecot 2.3 (issue 15): seeded random `dovecot.conf` files
//! (global settings plus `protocol`/`local` filters) are run by a private Dovecot on
//! 127.0.0.1 and ::1 high ports; every IMAP/POP3 listener (STARTTLS and implicit TLS) is
//! probed with `openssl s_client` and must negotiate what `tlslint show` says for the
//! filter that applies to it.
//!
//! `TLSLINT_LIVE_CONFIGS` / `TLSLINT_LIVE_SEED` run more configs; `TLSLINT_LIVE_RECORD=DIR`
//! records each case for `tests/live/dovecot/` (see `tests/live/README.md`). The instance
//! has its own `base_dir`, `state_dir` and log file under a temporary directory and is
//! stopped by its master pid even on panic.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

#[path = "support/live_mail.rs"]
pub mod live_mail;
pub mod support;

use live_mail::{Case, Outcome, Rng, Target, Tls};

const MIN_PROTOCOLS: &[&str] = &["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3", "ANY", "LATEST"];
const CIPHER_LISTS: &[&str] = &[
    "HIGH:!aNULL",
    "ECDHE+AESGCM",
    "ALL:@SECLEVEL=0",
    "HIGH:@SECLEVEL=1",
    "AES128-SHA",
    "kRSA:@SECLEVEL=0",
    "ECDHE-ECDSA-AES128-GCM-SHA256",
    "DEFAULT:@SECLEVEL=3",
    "DHE+AESGCM:ECDHE+CHACHA20",
    "ALL:!kRSA:!SRP:!kDHd:!DSS:!aNULL:!eNULL:!EXPORT:!DES:!3DES:!MD5:!PSK:!RC4:!ADH:!LOW@STRENGTH",
];
const SUITES: &[&str] = &[
    "TLS_AES_128_GCM_SHA256",
    "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384",
    "TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256",
    "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256",
];
/// Dovecot 2.3 refuses to start when two filters it ranks equally set one setting; which
/// pairs it ranks equally depends on its filter order, which tlslint does not model yet.
const KNOWN_REFUSAL: &str = "Conflict in setting";

const CURVES: &[&str] = &["P-256", "X25519:P-384", "X448", "P-521", "ffdhe2048"];

#[test]
fn live_dovecot_agrees_with_show() {
    if !support::require_program("dovecot", "live Dovecot handshake test")
        || !support::require_program("openssl", "live Dovecot handshake test")
    {
        return;
    }
    // dovecot-imapd and dovecot-pop3d are separate packages (.ci/test.sh installs them).
    for login in ["imap-login", "pop3-login"] {
        if !Path::new("/usr/lib/dovecot").join(login).exists() {
            let ci = std::env::var("CI").is_ok_and(|v| v == "1" || v.eq_ignore_ascii_case("true"));
            assert!(!ci, "/usr/lib/dovecot/{login} is missing but CI is set");
            support::skip(
                "live Dovecot handshake test",
                &format!("/usr/lib/dovecot/{login} is missing"),
            );
            return;
        }
    }
    let started = Instant::now();
    let (configs, seed) = live_mail::run_size();
    let material = live_mail::Material::generate();
    let ipv6 = std::net::TcpListener::bind("[::1]:0").is_ok();
    let mut failures = Vec::new();
    let mut ran = 0;
    for i in 0..configs {
        let case = generate(live_mail::config_seed(seed, i), ipv6);
        let dir = live_mail::server_dir("tlslint-live-dovecot-");
        material.install(dir.path());
        let outcome = run(&case, dir.path());
        ran += usize::from(outcome.started.is_ok());
        let diffs = live_mail::judge(&case, &dir.path().join("dovecot.conf"), &outcome);
        live_mail::record(
            &case,
            dir.path(),
            &outcome,
            &live_mail::version("dovecot", &["--version"]),
        );
        // Not modelled yet (tlslint does not read Dovecot 2.3's filter-conflict rule): a
        // refusal for it is counted, printed, and not a failure.
        let (known, diffs): (Vec<String>, Vec<String>) =
            diffs.into_iter().partition(|d| d.contains(KNOWN_REFUSAL));
        if !known.is_empty() {
            support::skip(
                "live Dovecot (known limitation)",
                &format!("{}: {}", case.name, known.join("; ")),
            );
        }
        if !diffs.is_empty() {
            live_mail::report(&case, &diffs, &outcome.log);
            failures.extend(diffs.iter().map(|d| format!("{}: {d}", case.name)));
        }
    }
    support::skip(
        "(timing) live Dovecot",
        &format!(
            "{configs} configs ({ran} started) in {:.1}s",
            started.elapsed().as_secs_f64()
        ),
    );
    assert!(
        failures.is_empty(),
        "{} disagreement(s) between tlslint show and live Dovecot:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// A random Dovecot 2.3 config with IMAP and POP3 listeners (STARTTLS and implicit) on
/// 127.0.0.1 (and ::1 when the machine has it).
fn generate(seed: u64, ipv6: bool) -> Case {
    let mut rng = Rng::new(seed);
    let hosts: Vec<&str> = if ipv6 {
        vec!["127.0.0.1", "::1"]
    } else {
        vec!["127.0.0.1"]
    };
    let ports = live_mail::free_ports(4);
    let mut conf = format!(
        "base_dir = @DIR@/base\nstate_dir = @DIR@/state\nlog_path = @DIR@/dovecot.log\n\
         listen = {}\nprotocols = imap pop3\n\
         default_internal_user = dovecot\ndefault_login_user = dovenull\n\
         passdb {{\n  driver = static\n  args = password=x\n}}\n\
         userdb {{\n  driver = static\n  args = uid=dovecot gid=dovecot home=/nonexistent\n}}\n",
        hosts.join(", ")
    );
    let _ = write!(
        conf,
        "service imap-login {{\n  inet_listener imap {{\n    port = {}\n  }}\n  \
         inet_listener imaps {{\n    port = {}\n    ssl = yes\n  }}\n}}\n\
         service pop3-login {{\n  inet_listener pop3 {{\n    port = {}\n  }}\n  \
         inet_listener pop3s {{\n    port = {}\n    ssl = yes\n  }}\n}}\n",
        ports[0], ports[1], ports[2], ports[3]
    );
    let ssl = if rng.chance(5) {
        "no"
    } else {
        *rng.pick(&["yes", "yes", "required"])
    };
    let _ = writeln!(conf, "ssl = {ssl}");
    conf.push_str(match rng.below(3) {
        0 => "ssl_cert = <@DIR@/rsa.pem\nssl_key = <@DIR@/rsa.key\n",
        1 => "ssl_cert = <@DIR@/ec.pem\nssl_key = <@DIR@/ec.key\n",
        _ => {
            "ssl_cert = <@DIR@/rsa.pem\nssl_key = <@DIR@/rsa.key\n\
             ssl_alt_cert = <@DIR@/ec.pem\nssl_alt_key = <@DIR@/ec.key\n"
        }
    });
    for line in settings(&mut rng, 4) {
        conf.push_str(&line);
        conf.push('\n');
    }
    let mut filters: Vec<String> = Vec::new();
    if rng.chance(50) {
        filters.push("protocol imap".into());
    }
    if rng.chance(40) {
        filters.push("protocol pop3".into());
    }
    if rng.chance(40) {
        filters.push(format!("local {}", rng.pick(&hosts)));
    }
    for f in &filters {
        let _ = writeln!(conf, "{f} {{");
        let n = 1 + rng.below(2);
        for line in settings(&mut rng, n) {
            let _ = writeln!(conf, "  {line}");
        }
        if f.starts_with("local") && rng.chance(50) {
            conf.push_str("  protocol imap {\n");
            for line in settings(&mut rng, 1) {
                let _ = writeln!(conf, "    {line}");
            }
            conf.push_str("  }\n");
        }
        conf.push_str("}\n");
    }
    let mut targets = Vec::new();
    for host in &hosts {
        for (n, (proto, listener, tls)) in [
            ("imap", "imap", Tls::StartTls("imap")),
            ("imap", "imaps", Tls::Implicit),
            ("pop3", "pop3", Tls::StartTls("pop3")),
            ("pop3", "pop3s", Tls::Implicit),
        ]
        .into_iter()
        .enumerate()
        {
            targets.push(Target {
                label: format!("{listener} [{host}]:{}", ports[n]),
                host: (*host).to_owned(),
                port: ports[n],
                tls,
                keys: vec![
                    format!("dovecot/local[{host}]/protocol[{proto}]"),
                    format!("dovecot/local[{host}]"),
                    format!("dovecot/protocol[{proto}]"),
                    "dovecot/global".into(),
                ],
            });
        }
    }
    Case {
        name: format!("dovecot-{seed}"),
        files: vec![("dovecot.conf".into(), conf)],
        targets,
    }
}

/// Up to `n` random TLS setting lines (names unique).
fn settings(rng: &mut Rng, n: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for _ in 0..n {
        let line = match rng.below(8) {
            0 | 1 => format!("ssl_min_protocol = {}", rng.pick(MIN_PROTOCOLS)),
            2 | 3 => format!("ssl_cipher_list = {}", rng.pick(CIPHER_LISTS)),
            4 => format!("ssl_cipher_suites = {}", rng.pick(SUITES)),
            5 => format!("ssl_curve_list = {}", rng.pick(CURVES)),
            6 => format!("ssl_prefer_server_ciphers = {}", rng.pick(&["yes", "no"])),
            _ => rng
                .pick(&[
                    "ssl_dh = <@DIR@/dh2048.pem",
                    "ssl_dh = <@DIR@/dh1024.pem",
                    "ssl_dh = <@DIR@/dh2048.pem",
                ])
                .to_string(),
        };
        let name = line.split(' ').next().unwrap_or("").to_owned();
        if !out.iter().any(|l| l.starts_with(&format!("{name} "))) {
            out.push(line);
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
        live_mail::stop_pid_file(&self.dir.join("base/master.pid"));
    }
}

/// Writes the case to `dir`, starts Dovecot, probes every listener, stops it.
fn run(case: &Case, dir: &Path) -> Outcome {
    for (name, text) in &case.files {
        live_mail::write_config(dir, name, text);
    }
    let instance = Instance {
        dir: dir.to_path_buf(),
    };
    let start = live_mail::start_daemon(
        Command::new("dovecot")
            .arg("-c")
            .arg(dir.join("dovecot.conf")),
        dir,
    );
    let log = dir.join("dovecot.log");
    live_mail::outcome(case, "dovecot", &start, &log, instance)
}
