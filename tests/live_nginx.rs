//! Live-handshake differential test for nginx (issue 15): random configs from a seed are
//! started with the real nginx on loopback, probed with `openssl s_client`, and what they
//! negotiate per socket and server name is compared with `tlslint show` (protocols, TLS ≤ 1.2
//! suites, TLS 1.3 suites) and `tlslint check` (startup refusal).
//!
//! Needs `nginx` (1.22.1 as in Debian 12; the targets in `support/live.rs` say so) and
//! `openssl`; skips visibly without them (fails with `CI=true`). Knobs:
//! - `TLSLINT_LIVE_CONFIGS=N` (default 100) and `TLSLINT_LIVE_SEED=S` run another set;
//!   `TLSLINT_LIVE_JOBS=J` (default 2) configs at once.
//! - `TLSLINT_LIVE_RECORD=DIR` writes every disagreeing random case to `DIR/<seed>-<n>/` as a
//!   regression fixture (`nginx.conf`, public certificates, DH files, `live.json`). To keep
//!   one: move it to `tests/live/nginx/<name>/`, trim the config by hand, and re-record with
//!   `TLSLINT_LIVE_UPDATE=1 cargo test --test live_nginx fixtures`.
//! - `TLSLINT_LIVE_UPDATE=1` rewrites the fixtures' `live.json` (and certificates) from live
//!   nginx instead of comparing.
//!
//! Not covered on this machine: stream servers (Debian's `nginx-light` ships no stream module),
//! nginx ≥ 1.29.2's per-vhost protocols, and OpenSSL versions other than the installed one.

use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use live::{Material, Ports, Rng};

pub mod support;

#[path = "support/live.rs"]
pub mod live;

/// One config's index, text, live result and disagreements.
type Outcome = (usize, String, live::Live, Vec<live::Disagreement>);

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn have_programs(what: &str) -> bool {
    support::require_program("nginx", what) && support::require_program("openssl", what)
}

#[test]
fn random_configs_negotiate_what_show_says() {
    let what = "live nginx differential test";
    if !have_programs(what) {
        return;
    }
    let configs = usize::try_from(env_u64("TLSLINT_LIVE_CONFIGS", 100)).unwrap();
    let seed = env_u64("TLSLINT_LIVE_SEED", 15);
    let jobs = usize::try_from(env_u64("TLSLINT_LIVE_JOBS", 2))
        .unwrap()
        .max(1);
    let record = std::env::var_os("TLSLINT_LIVE_RECORD").map(std::path::PathBuf::from);
    let started_at = Instant::now();
    let material = Material::generate();
    let client = live::client_ciphers();
    let ports = Ports::new(seed);
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Outcome>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..jobs {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= configs {
                        break;
                    }
                    let mut rng = Rng::new(seed.wrapping_mul(1_000_003).wrapping_add(i as u64));
                    let config = generate(&mut rng, &ports);
                    let prefix = tempfile::tempdir().unwrap();
                    std::fs::write(prefix.path().join("nginx.conf"), &config).unwrap();
                    material.install(prefix.path());
                    let live = live::run_live(prefix.path(), &config, &client);
                    let t = live::tlslint(&prefix.path().join("nginx.conf"));
                    let found = live::compare(&t, &live);
                    if let Some(dir) = &record
                        && !found.is_empty()
                    {
                        live::record(&dir.join(format!("{seed}-{i}")), &config, &material, &live);
                    }
                    results.lock().unwrap().push((i, config, live, found));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|r| r.0);
    let started = results.iter().filter(|r| r.2.nginx_t_ok).count();
    let probes: usize = results.iter().map(|r| r.2.probes.len()).sum();
    let mut by_kind = std::collections::BTreeMap::<&str, usize>::new();
    let mut report = String::new();
    let mut failing = 0;
    for (i, config, _, found) in &results {
        if found.is_empty() {
            continue;
        }
        failing += 1;
        for d in found {
            *by_kind.entry(d.what).or_default() += 1;
        }
        report += &live::report(&format!("seed {seed} config {i}"), config, found);
    }
    let mut refusals = std::collections::BTreeMap::<String, usize>::new();
    for r in results.iter().filter(|r| !r.2.nginx_t_ok) {
        // The message without the file position, to count refusals by cause.
        let cause =
            r.2.nginx_t_error
                .split(" in PREFIX/")
                .next()
                .unwrap_or_default();
        *refusals
            .entry(cause.replace("nginx: [emerg] ", ""))
            .or_default() += 1;
    }
    let summary = format!(
        "live nginx: {configs} configs (seed {seed}), {started} passed nginx -t and were probed \
         at {probes} socket/name points, {failing} disagree ({by_kind:?}), {:.1} s\n\
         nginx -t refusals: {refusals:#?}",
        started_at.elapsed().as_secs_f64()
    );
    // Not eprintln!: the harness would hide it when the test passes.
    let _ = writeln!(std::io::stderr(), "{summary}");
    assert!(failing == 0, "{report}\n{summary}");
}

/// The recorded fixtures under `tests/live/nginx/` still match live nginx (or, with
/// `TLSLINT_LIVE_UPDATE=1`, are rewritten from it).
#[test]
fn fixtures_match_live_nginx() {
    let what = "live nginx fixture check";
    if !have_programs(what) {
        return;
    }
    let update = std::env::var_os("TLSLINT_LIVE_UPDATE").is_some();
    let material = Material::generate();
    let client = live::client_ciphers();
    let mut stale = Vec::new();
    for dir in live::fixtures() {
        let config = std::fs::read_to_string(dir.join("nginx.conf")).unwrap();
        let prefix = tempfile::tempdir().unwrap();
        std::fs::write(prefix.path().join("nginx.conf"), &config).unwrap();
        material.install(prefix.path());
        let now = live::run_live(prefix.path(), &config, &client);
        if update {
            live::record(&dir, &config, &material, &now);
            continue;
        }
        let text = std::fs::read_to_string(dir.join("live.json")).unwrap();
        let recorded = live::Live::from_json(&serde_json::from_str(&text).unwrap());
        if recorded != now {
            stale.push(format!(
                "{}: recorded {}\nlive now {}",
                dir.display(),
                recorded.to_json(),
                now.to_json()
            ));
        }
    }
    assert!(
        stale.is_empty(),
        "fixtures differ from live nginx (TLSLINT_LIVE_UPDATE=1 rewrites them):\n{}",
        stale.join("\n")
    );
}

const CIPHERS: [&str; 22] = [
    "HIGH:!aNULL:!MD5",
    "HIGH:!aNULL",
    "ECDHE+AESGCM",
    "ECDHE+AESGCM:@SECLEVEL=0",
    "HIGH:!aNULL:@SECLEVEL=0",
    "DEFAULT:@SECLEVEL=1",
    "HIGH:@SECLEVEL=2",
    "ECDHE+AESGCM:@SECLEVEL=3",
    "kRSA:!aNULL",
    "kRSA:@SECLEVEL=0",
    "DHE+AESGCM",
    "DHE:ECDHE:!aNULL",
    "AES128-SHA:AES256-SHA",
    "ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES128-SHA:DHE-RSA-AES128-SHA",
    "ECDHE-RSA-AES128-GCM-SHA256",
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384",
    "ECDHE+CHACHA20",
    "3DES:@SECLEVEL=0",
    "EECDH+AESGCM:EDH+AESGCM",
    "ECDHE+AES:!SHA1:!SHA256:!SHA384",
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256",
    "ALL:@SECLEVEL=0",
];

const CURVES: [&str; 8] = [
    "auto",
    "prime256v1",
    "X25519",
    "secp384r1",
    "ffdhe2048",
    "X25519:prime256v1",
    "secp384r1:ffdhe2048",
    "ffdhe2048:X25519",
];

/// `dh1024.pem` fails `nginx -t` at the default level, so it is drawn a third of the time
/// to leave most configs startable.
const DH_FILES: [&str; 3] = ["dh2048", "dh2048", "dh1024"];

const PROTOCOL_NAMES: [&str; 4] = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"];

/// A random config: 1-3 servers on 1-2 loopback ports (sometimes also on ::1), settings at
/// http or server level.
fn generate(rng: &mut Rng, ports: &Ports) -> String {
    let ports: Vec<u16> = (0..=rng.below(2)).map(|_| ports.take()).collect();
    let mut out = String::from(
        "daemon off;\nmaster_process off;\npid nginx.pid;\nevents {\n    worker_connections 64;\n}\n\
         http {\n    access_log off;\n    client_body_temp_path tmp_body;\n    proxy_temp_path tmp_proxy;\n    \
         fastcgi_temp_path tmp_fastcgi;\n    uwsgi_temp_path tmp_uwsgi;\n    scgi_temp_path tmp_scgi;\n",
    );
    let http_cert = rng.chance(25);
    if http_cert {
        cert(rng, &mut out, "    ");
    }
    settings(rng, &mut out, "    ", 25);
    let mut defaults: Vec<String> = Vec::new();
    for s in 0..=rng.below(3) {
        out += "    server {\n";
        let mut mine: Vec<u16> = ports.iter().copied().filter(|_| rng.chance(60)).collect();
        if mine.is_empty() {
            mine.push(*rng.pick(&ports));
        }
        let v6 = rng.chance(30);
        for p in mine {
            let mut sockets = vec![format!("127.0.0.1:{p}")];
            if v6 {
                sockets.push(format!("[::1]:{p}"));
            }
            for socket in sockets {
                let default = if !defaults.contains(&socket) && rng.chance(30) {
                    defaults.push(socket.clone());
                    " default_server"
                } else {
                    ""
                };
                let _ = writeln!(out, "        listen {socket} ssl{default};");
            }
        }
        let alias = if rng.chance(20) {
            format!(" a{s}.test")
        } else {
            String::new()
        };
        let _ = writeln!(out, "        server_name s{s}.test{alias};");
        if !http_cert || rng.chance(30) {
            cert(rng, &mut out, "        ");
        }
        settings(rng, &mut out, "        ", 40);
        out += "    }\n";
    }
    out += "}\n";
    out
}

fn cert(rng: &mut Rng, out: &mut String, indent: &str) {
    let stem = rng.pick(&live::CERTS).0;
    let _ = writeln!(
        out,
        "{indent}ssl_certificate {stem}.crt;\n{indent}ssl_certificate_key {stem}.key;"
    );
}

/// Each negotiation setting with probability `percent`.
fn settings(rng: &mut Rng, out: &mut String, indent: &str, percent: u64) {
    if rng.chance(percent) {
        let mut list: Vec<&str> = PROTOCOL_NAMES
            .iter()
            .copied()
            .filter(|_| rng.chance(50))
            .collect();
        if list.is_empty() {
            list.push(*rng.pick(&PROTOCOL_NAMES));
        }
        let _ = writeln!(out, "{indent}ssl_protocols {};", list.join(" "));
    }
    if rng.chance(percent) {
        let _ = writeln!(out, "{indent}ssl_ciphers '{}';", rng.pick(&CIPHERS));
    }
    if rng.chance(percent / 2) {
        let mut suites: Vec<&str> = live::TLS13_SUITES
            .iter()
            .copied()
            .filter(|_| rng.chance(40))
            .collect();
        if suites.is_empty() {
            suites.push(*rng.pick(&live::TLS13_SUITES));
        }
        // A random order: the order is the server's preference.
        for i in (1..suites.len()).rev() {
            suites.swap(i, rng.below(i + 1));
        }
        let _ = writeln!(
            out,
            "{indent}ssl_conf_command Ciphersuites {};",
            suites.join(":")
        );
    }
    if rng.chance(percent / 3) {
        let _ = writeln!(
            out,
            "{indent}ssl_conf_command CipherString '{}';",
            rng.pick(&CIPHERS)
        );
    }
    if rng.chance(percent) {
        let _ = writeln!(out, "{indent}ssl_ecdh_curve {};", rng.pick(&CURVES));
    }
    if rng.chance(percent / 2) {
        let _ = writeln!(out, "{indent}ssl_dhparam {}.pem;", rng.pick(&DH_FILES));
    }
    if rng.chance(percent / 3) {
        let on = if rng.chance(50) { "on" } else { "off" };
        let _ = writeln!(out, "{indent}ssl_prefer_server_ciphers {on};");
    }
}
