//! Bounded work, end to end through the binary: small inputs built to make the parsers
//! work exponentially (nested or doubling `$name` expansion, include bombs) end (no hang)
//! with a diagnostic at a file position and exit 2, or with the correct
//! verdict when the input is in fact fine; never a crash (101/134) or a hang.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// A hang guard, not a speed test (speed is measured by the benchmarks): every run here
/// ends in well under a second alone, and must end within this on a loaded CI machine.
const LIMIT: Duration = Duration::from_secs(90);

/// A fresh temporary directory, removed when dropped.
fn tempdir(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("tlslint-bounded-{name}-"))
        .tempdir()
        .unwrap()
}

struct Run {
    code: i32,
    stdout: String,
    took: Duration,
}

/// Runs `tlslint check --format concise FILE` in `dir`.
fn check(dir: &Path, file: &str) -> Run {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_tlslint"))
        .args(["check", "--format", "concise", file])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        took: started.elapsed(),
    };
    assert!(
        run.took < LIMIT,
        "{file} took {:?}\n{}",
        run.took,
        run.stdout
    );
    assert!(
        matches!(run.code, 0..=2),
        "{file}: exit {}\n{}",
        run.code,
        run.stdout
    );
    run
}

/// Asserts exit 2 with a `parse-error` at `file:line:col` whose message holds `needle`.
fn assert_error(run: &Run, file: &str, needle: &str) {
    assert_eq!(run.code, 2, "{}", run.stdout);
    let found = run
        .stdout
        .lines()
        .any(|l| l.contains("error[parse-error]") && l.contains(needle) && at_position(l, file));
    assert!(found, "no parse-error with {needle:?} in\n{}", run.stdout);
}

/// True when `line` starts with `<something ending in file>:<line>:<col>: `.
fn at_position(line: &str, file: &str) -> bool {
    let Some((head, _)) = line.split_once(": ") else {
        return false;
    };
    let mut parts = head.rsplitn(3, ':');
    let (Some(col), Some(row), Some(path)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    path.ends_with(file)
        && row.parse::<usize>().is_ok_and(|n| n > 0)
        && col.parse::<usize>().is_ok_and(|n| n > 0)
}

/// A main.cf with a TLS parameter referring to `p0`, then `p0..p{n-1}` built by `body`
/// from the next name, and `p{n} = last`.
fn postfix_chain(dir: &Path, n: usize, body: impl Fn(&str) -> String, last: &str) {
    let mut text = String::from(
        "smtpd_tls_security_level = may\nsmtpd_tls_protocols = >=TLSv1.2\nsmtpd_tls_mandatory_ciphers = $p0\n",
    );
    for i in 0..n {
        writeln!(text, "p{i} = {}", body(&format!("p{}", i + 1))).unwrap();
    }
    writeln!(text, "p{n} = {last}").unwrap();
    fs::write(dir.join("main.cf"), text).unwrap();
}

#[test]
fn postfix_nested_conditionals_are_linear() {
    // Each level tests and expands the next: 2^40 expansions if the test expanded too.
    // Postfix tests the value as written, so this is fine and means `high`.
    let t = tempdir("pf-cond");
    let d = t.path();
    postfix_chain(d, 40, |n| format!("${{{n}?{{${n}}}:{{${n}}}}}"), "high");
    let r = check(d, "main.cf");
    assert!(!r.stdout.contains("parse-error"), "{}", r.stdout);
    assert!(r.code == 0 || r.code == 1, "{}", r.stdout);
}

#[test]
fn postfix_nested_relational_tests_hit_the_step_limit() {
    // Both operands and the branch expand the next level: 3^30 steps.
    let t = tempdir("pf-rel");
    let d = t.path();
    postfix_chain(
        d,
        30,
        |n| format!("${{{{${n}}} == {{${n}}} ? {{${n}}} : {{${n}}}}}"),
        "high",
    );
    let r = check(d, "main.cf");
    assert_error(&r, "main.cf", "steps");
}

#[test]
fn postfix_doubling_hits_the_length_limit() {
    let t = tempdir("pf-double");
    let d = t.path();
    postfix_chain(d, 40, |n| format!("${n} ${n}"), "RC4");
    let r = check(d, "main.cf");
    assert_error(&r, "main.cf", "bytes");
}

#[test]
fn dovecot_doubling_hits_the_length_limit() {
    let t = tempdir("dv-double");
    let d = t.path();
    let mut text =
        String::from("ssl = required\nssl_min_protocol = TLSv1.2\nssl_cipher_list = HIGH\n");
    for _ in 0..45 {
        text.push_str("ssl_cipher_list = $ssl_cipher_list $ssl_cipher_list $ssl_cipher_list\n");
    }
    fs::write(d.join("dovecot.conf"), text).unwrap();
    let r = check(d, "dovecot.conf");
    assert_error(&r, "dovecot.conf", "65536 bytes");
}

/// `entry` includes `l1` twice, `l{i}` includes `l{i+1}` twice, `l20` holds `leaf`.
fn include_bomb(dir: &Path, entry: &str, head: &str, include: &str, tail: &str, leaf: &str) {
    let twice = |name: &str| {
        let line = include.replace("NAME", name);
        format!("{line}\n{line}\n")
    };
    fs::write(dir.join(entry), format!("{head}{}{tail}", twice("l1.conf"))).unwrap();
    for i in 1..20 {
        fs::write(
            dir.join(format!("l{i}.conf")),
            twice(&format!("l{}.conf", i + 1)),
        )
        .unwrap();
    }
    fs::write(dir.join("l20.conf"), leaf).unwrap();
}

#[test]
fn dovecot_include_bomb_stops_at_the_visit_limit() {
    let t = tempdir("dv-include");
    let d = t.path();
    include_bomb(
        d,
        "dovecot.conf",
        "ssl = required\nssl_min_protocol = TLSv1.2\n",
        "!include NAME",
        "",
        "ssl_prefer_server_ciphers = yes\n",
    );
    let r = check(d, "dovecot.conf");
    assert_error(&r, ".conf", "include visits");
}

#[test]
fn apache_include_bomb_stops_at_the_visit_limit() {
    let t = tempdir("ap-include");
    let d = t.path();
    include_bomb(
        d,
        "httpd.conf",
        "SSLEngine on\nSSLProtocol -all +TLSv1.2\n",
        "Include NAME",
        "",
        "SSLHonorCipherOrder on\n",
    );
    let r = check(d, "httpd.conf");
    assert_error(&r, ".conf", "include visits");
}

#[test]
fn apache_define_doubling_stays_bounded() {
    let t = tempdir("ap-define");
    let d = t.path();
    let mut text = String::from("Define A HIGH\n");
    for _ in 0..45 {
        text.push_str("Define A ${A}:${A}:${A}\n");
    }
    text.push_str("<VirtualHost *:443>\nSSLEngine on\nSSLCipherSuite ${A}\n</VirtualHost>\n");
    fs::write(d.join("httpd.conf"), text).unwrap();
    let r = check(d, "httpd.conf");
    assert!(r.code <= 2, "{}", r.stdout);
}

#[test]
fn nginx_include_bomb_stops_at_the_visit_limit() {
    let t = tempdir("ng-include");
    let d = t.path();
    include_bomb(
        d,
        "nginx.conf",
        "http {\n    ssl_protocols TLSv1.2 TLSv1.3;\n",
        "    include NAME;",
        "}\n",
        "ssl_prefer_server_ciphers on;\n",
    );
    let r = check(d, "nginx.conf");
    assert_error(&r, ".conf", "include visits");
}

#[test]
fn nginx_many_glob_includes_of_a_big_directory() {
    // 20,000 includes of a 20,000-file directory: 400 million visits and as many names
    // listed without the limit.
    let t = tempdir("ng-glob");
    let d = t.path();
    fs::create_dir_all(d.join("d")).unwrap();
    for i in 0..20_000 {
        fs::write(d.join(format!("d/f{i:05}.conf")), "").unwrap();
    }
    let mut text = String::from("http {\n    ssl_protocols TLSv1.2 TLSv1.3;\n");
    for _ in 0..20_000 {
        text.push_str("    include d/*.conf;\n");
    }
    text.push_str("}\n");
    fs::write(d.join("nginx.conf"), text).unwrap();
    let r = check(d, "nginx.conf");
    assert_error(&r, "nginx.conf", "include visits");
}
