//! Differential test of the cipher engine against the local `openssl` binary (3.0.x).
//!
//! For every string of `tests/data/cipher-strings.txt` and for 2,000 seeded random strings,
//! the engine's raw list, accept/reject outcome and security-level-filtered list must equal
//! what OpenSSL prints (oracle commands: `shared/reference/openssl-ciphers.md` §3). The
//! reference machine runs Debian's OpenSSL 3.0, whose compiled-in default security level is
//! 2, so the filtered list is computed with that default. Without an `openssl` 3.0.x binary
//! the tests print a skip message and pass (without any `openssl` and with `CI=true` they
//! fail: see `tests/support/mod.rs`); `tests/cipher_table.rs` still checks committed
//! oracle output.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use tlslint::cipher::{Profile, expand_with_default_level};

pub mod support;

/// The compiled-in default security level of the reference build (Debian 12, OpenSSL 3.0).
const ORACLE_DEFAULT_LEVEL: u8 = 2;
/// Threads running `openssl` at once; process start-up dominates, so a few more than cores.
const THREADS: usize = 4;
/// Random cases per run.
const RANDOM_CASES: usize = 2_000;

/// An empty config file, so a system `openssl.cnf` cannot change defaults or the level.
fn empty_config() -> PathBuf {
    let path = std::env::temp_dir().join(format!("tlslint-empty-{}.cnf", std::process::id()));
    std::fs::write(&path, "").expect("write empty openssl config");
    path
}

/// True when `openssl` 3.0.x is on PATH; otherwise prints why the test is skipped (or
/// panics in CI when there is no `openssl` at all).
fn oracle_available() -> bool {
    if !support::require_program("openssl", "differential cipher test") {
        return false;
    }
    let out = Command::new("openssl").arg("version").output();
    match out {
        Ok(out) if out.status.success() => {
            let v = String::from_utf8_lossy(&out.stdout).trim().to_owned();
            if v.starts_with("OpenSSL 3.0.") {
                true
            } else {
                support::skip(
                    "differential cipher test",
                    &format!("needs OpenSSL 3.0.x, found {v:?}"),
                );
                false
            }
        }
        // On PATH but not runnable: a broken install, not a machine without OpenSSL.
        Ok(out) => panic!("`openssl version` failed: {}", out.status),
        Err(e) => panic!("`openssl` is on PATH but cannot be run: {e}"),
    }
}

/// `openssl ciphers` for `s`: `Some(list)` when accepted, `None` when rejected.
fn oracle(config: &Path, s: &str, filtered: bool) -> Option<String> {
    let mut cmd = Command::new("openssl");
    cmd.env("OPENSSL_CONF", config).arg("ciphers");
    if filtered {
        cmd.args(["-s", "-psk", "-srp"]);
    }
    cmd.args(["-ciphersuites", "", "--", s]);
    let out = cmd.output().expect("run openssl");
    out.status.success().then(|| {
        String::from_utf8_lossy(&out.stdout)
            .trim_end_matches('\n')
            .to_owned()
    })
}

/// What the engine says, in the oracle's shape.
fn engine(s: &str) -> (Option<String>, Option<String>) {
    let e = expand_with_default_level(s, Profile::V3_0, ORACLE_DEFAULT_LEVEL);
    if e.error.is_some() {
        return (None, None);
    }
    let join = |v: &[&tlslint::cipher::Suite]| {
        v.iter()
            .map(|s| s.openssl_name)
            .collect::<Vec<_>>()
            .join(":")
    };
    (Some(join(&e.suites)), Some(join(&e.usable)))
}

/// Decodes one corpus line (see the file header for the escapes).
fn decode(line: &str) -> String {
    if line == "\\e" {
        return String::new();
    }
    let mut out = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('s') => out.push(' '),
                Some('t') => out.push('\t'),
                Some('n') => out.push('\n'),
                Some('\\') | None => out.push('\\'),
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn corpus() -> Vec<String> {
    let text = include_str!("data/cipher-strings.txt");
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with("# "))
        .map(decode)
        .collect()
}

/// Runs every case against the oracle on a few threads; returns (passed, failure reports).
fn differential(cases: &[String], check_filtered: impl Fn(usize) -> bool + Sync) -> usize {
    let config = empty_config();
    let next = AtomicUsize::new(0);
    let passed = AtomicUsize::new(0);
    let accepted = AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..THREADS {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(s) = cases.get(i) else { break };
                    let (raw, filtered) = engine(s);
                    let want_raw = oracle(&config, s, false);
                    if want_raw.is_some() {
                        accepted.fetch_add(1, Ordering::Relaxed);
                    }
                    let mut ok = raw == want_raw;
                    let mut report = format!("{s:?}\n  engine:  {raw:?}\n  openssl: {want_raw:?}");
                    if ok && want_raw.is_some() && check_filtered(i) {
                        let want = oracle(&config, s, true);
                        ok = filtered == want;
                        report =
                            format!("{s:?} (-s)\n  engine:  {filtered:?}\n  openssl: {want:?}");
                    }
                    if ok {
                        passed.fetch_add(1, Ordering::Relaxed);
                    } else if let Ok(mut f) = failures.lock() {
                        f.push(report);
                    }
                }
            });
        }
    });
    let _ = std::fs::remove_file(&config);
    let failures = failures.into_inner().unwrap_or_default();
    for f in failures.iter().take(20) {
        eprintln!("MISMATCH {f}");
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from openssl",
        failures.len(),
        cases.len()
    );
    eprintln!(
        "  ({} accepted by openssl, {} rejected)",
        accepted.load(Ordering::Relaxed),
        cases.len() - accepted.load(Ordering::Relaxed)
    );
    passed.into_inner()
}

#[test]
fn corpus_matches_openssl() {
    if !oracle_available() {
        return;
    }
    let cases = corpus();
    assert!(cases.len() >= 300, "corpus too small: {}", cases.len());
    let start = Instant::now();
    let passed = differential(&cases, |_| true);
    eprintln!(
        "cipher corpus: {passed}/{} strings match openssl (raw and -s) in {:.1?}",
        cases.len(),
        start.elapsed()
    );
}

/// A tiny xorshift64* generator: deterministic, no dependency.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "ALL",
    "COMPLEMENTOFALL",
    "COMPLEMENTOFDEFAULT",
    "HIGH",
    "MEDIUM",
    "LOW",
    "FIPS",
    "kRSA",
    "RSA",
    "aRSA",
    "kDHE",
    "kEDH",
    "DH",
    "DHE",
    "EDH",
    "ADH",
    "kECDHE",
    "kEECDH",
    "ECDH",
    "ECDHE",
    "EECDH",
    "AECDH",
    "aECDSA",
    "ECDSA",
    "aDSS",
    "DSS",
    "aNULL",
    "eNULL",
    "NULL",
    "PSK",
    "kPSK",
    "kRSAPSK",
    "kECDHEPSK",
    "kDHEPSK",
    "aPSK",
    "SRP",
    "kSRP",
    "aSRP",
    "AES",
    "AES128",
    "AES256",
    "AESGCM",
    "AESCCM",
    "AESCCM8",
    "CAMELLIA",
    "CAMELLIA128",
    "CAMELLIA256",
    "CHACHA20",
    "ARIA",
    "ARIAGCM",
    "ARIA128",
    "ARIA256",
    "CBC",
    "3DES",
    "RC4",
    "SEED",
    "IDEA",
    "RC2",
    "MD5",
    "SHA1",
    "SHA",
    "SHA256",
    "SHA384",
    "SSLv3",
    "TLSv1",
    "TLSv1.0",
    "TLSv1.2",
    "TLSv1.1",
    "EXPORT",
    "EXP",
    "DES",
    "kECDH",
    "kDH",
    "SSLv2",
    "GOST89",
    "kGOST",
    "FOO",
    "high",
    "DEFAULT",
    "SUITEB128",
    "EDH-RSA-DES-CBC3-SHA",
    "ECDHE-RSA-AES128-GCM-SHA256",
    "ECDHE-ECDSA-AES256-GCM-SHA384",
    "AES128-SHA",
    "AES256-GCM-SHA384",
    "DHE-RSA-CHACHA20-POLY1305",
    "ADH-AES128-SHA",
    "ECDHE-PSK-NULL-SHA",
    "NULL-MD5",
    "CAMELLIA256-SHA",
    "DHE-DSS-AES128-SHA",
    "PSK-AES128-CCM8",
    "SRP-AES-128-CBC-SHA",
    "DES-CBC3-SHA",
    "RC4-SHA",
    "TLS_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
];
const PREFIXES: &[&str] = &["", "", "", "", "", "!", "!", "!", "-", "-", "+", "@"];
const SEPARATORS: &[&str] = &[":", ":", ":", ",", " ", ";", "::", ": "];
const GARBAGE: &[&str] = &[
    "*", "\"", "'", "/", "(", ")", "_", "é", "\t", "\n", "!", "+", "@", "#", "=", ".", "-", "[",
    "|",
];

/// One random cipher string: mostly plausible terms, sometimes garbage, very long or empty.
fn random_string(rng: &mut XorShift) -> String {
    let mut s = String::new();
    match rng.below(40) {
        0 => return String::new(),
        1 => {
            // Pure garbage.
            for _ in 0..rng.below(12) {
                s.push_str(rng.pick(GARBAGE));
                s.push_str(rng.pick(&["A", "H", "1", ":", ""]));
            }
            return s;
        }
        2 | 3 => s.push_str("DEFAULT"),
        4 => s.push_str(rng.pick(&["SUITEB128", "SUITEB192", "SUITEB128ONLY", "SUITEB128C2"])),
        _ => {}
    }
    let terms = if rng.below(50) == 0 {
        100 + rng.below(200)
    } else {
        1 + rng.below(8)
    };
    for t in 0..terms {
        if t > 0 || !s.is_empty() {
            if rng.below(12) == 0 {
                // No separator: a following prefix starts a new term (or garbage follows).
            } else {
                s.push_str(rng.pick(SEPARATORS));
            }
        }
        let prefix = rng.pick(PREFIXES);
        s.push_str(prefix);
        if prefix == "@" {
            match rng.below(12) {
                0..=4 => s.push_str("STRENGTH"),
                5 => s.push_str(rng.pick(&["strength", "FOO", "SECLEVEL=", "SECLEVEL=10"])),
                _ => {
                    s.push_str("SECLEVEL=");
                    s.push(char::from(b'0' + u8::try_from(rng.below(7)).unwrap_or(0)));
                }
            }
            continue;
        }
        let parts = 1 + usize::from(rng.below(3) == 0) + usize::from(rng.below(6) == 0);
        for p in 0..parts {
            if p > 0 {
                s.push('+');
            }
            s.push_str(rng.pick(WORDS));
        }
        if rng.below(60) == 0 {
            s.push_str(rng.pick(GARBAGE));
        }
    }
    s
}

#[test]
fn random_strings_match_openssl() {
    if !oracle_available() {
        return;
    }
    let mut rng = XorShift(0x7151_1A7E_C1FE_5EED);
    let cases: Vec<String> = (0..RANDOM_CASES).map(|_| random_string(&mut rng)).collect();
    let start = Instant::now();
    // The filtered list costs a second process; check it on every other case.
    let passed = differential(&cases, |i| i % 2 == 0);
    eprintln!(
        "cipher random: {passed}/{} strings match openssl in {:.1?}",
        cases.len(),
        start.elapsed()
    );
}

#[test]
fn random_strings_never_panic() {
    // Without the oracle: many more cases, including very long ones, just for panics.
    let mut rng = XorShift(42);
    for _ in 0..20_000 {
        let s = random_string(&mut rng);
        let e = tlslint::cipher::expand(&s, Profile::V3_2);
        for u in &e.unknown {
            assert!(s.get(u.range.clone()).is_some(), "bad range {u:?} in {s:?}");
        }
        let _ = tlslint::cipher::expand(&s, Profile::V1_1_1);
    }
    let long = "HIGH:".repeat(50_000);
    assert!(
        tlslint::cipher::expand(&long, Profile::V3_0)
            .error
            .is_none()
    );
}
