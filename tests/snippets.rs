//! Snippets and fragments (issue 16, item 3), end to end through the binary: a TLS snippet
//! no config includes is judged on its own (what it writes, nothing assumed); a main config
//! whose servers are unread is judged by its http-level settings (Debian's stock
//! `nginx.conf`); an edited fragment is judged through the config that includes it, also
//! with the pre-commit hook's `--ignore-unknown-files`; a lone `master.cf` is read, never
//! refused; Mozilla's generated Postfix settings pass mozilla-intermediate.

use std::path::Path;
use std::process::Command;

pub mod support;

const BIN: &str = env!("CARGO_BIN_EXE_tlslint");

/// Exit code and `--format concise` lines, less notes about files not in the repository.
fn concise(dir: &Path, args: &[&str]) -> (i32, Vec<String>) {
    let o = Command::new(BIN)
        .args(["check", "--no-config", "--format", "concise"])
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run tlslint");
    let out = String::from_utf8_lossy(&o.stdout);
    let lines = out
        .lines()
        .filter(|l| !l.contains("note[outside-root]"))
        .map(str::to_owned)
        .collect();
    (o.status.code().unwrap_or(-1), lines)
}

#[test]
fn a_snippet_alone_is_judged_by_what_it_writes() {
    let t = support::repo_of("snippets", "alone");
    let (code, lines) = concise(t.path(), &["ssl.conf"]);
    assert_eq!(code, 1, "{lines:#?}");
    assert_eq!(
        lines,
        [
            "ssl.conf:3:13: warning[cipher-not-recommended] 2 suites outside the policy's recommended set enabled for snippet (DHE-RSA-AES128-GCM-SHA256, DHE-RSA-AES256-GCM-SHA384)",
            "ssl.conf:4:27: warning[server-cipher-order] snippet uses the server's cipher order; the policy wants the client's",
        ]
    );
    // The same in a directory walk, and with the dialect forced.
    assert_eq!(concise(t.path(), &["."]).1, lines);
    assert_eq!(
        concise(t.path(), &["--dialect", "nginx", "ssl.conf"]).1,
        lines
    );
}

#[test]
fn debian_stock_nginx_conf_reports_its_old_protocols() {
    let t = support::repo_of("snippets", "debian-12");
    // OpenSSL 3.0 (Debian 12's): TLSv1 and TLSv1.1 are dead entries, not enabled ones.
    let (code, lines) = concise(t.path(), &["nginx.conf"]);
    assert_eq!(code, 1, "{lines:#?}");
    assert_eq!(
        lines,
        [
            "nginx.conf:33:16: warning[ineffective-setting] TLSv1 and TLSv1.1 in `ssl_protocols` are never negotiated: OpenSSL 3.0 refuses TLSv1 and TLSv1.1 at security level 1; they would become negotiable only if the level were lowered to 0 (`@SECLEVEL=0`)"
        ]
    );
    // OpenSSL 1.1.1 negotiates them: legacy protocols, at error level.
    let (code, lines) = concise(t.path(), &["nginx.conf", "--target", "openssl=1.1.1"]);
    assert_eq!(code, 1, "{lines:#?}");
    assert_eq!(
        lines,
        [
            "nginx.conf:33:16: error[legacy-protocol] TLSv1, TLSv1.1 are enabled for clients of http-level settings"
        ]
    );
}

#[test]
fn the_pre_commit_command_judges_an_edited_fragment_in_context() {
    let t = support::repo_of("snippets", "pre-commit");
    let (code, lines) = concise(t.path(), &["--ignore-unknown-files", "snippets/ssl.conf"]);
    assert_eq!(code, 1, "{lines:#?}");
    assert_eq!(
        lines,
        [
            "snippets/ssl.conf:1:15: error[legacy-protocol] TLSv1, TLSv1.1 are enabled for clients of server shop.example:443",
            "snippets/ssl.conf:2:13: warning[cipher-not-recommended] 1 suite outside the policy's recommended set enabled for server shop.example:443 (ECDHE-RSA-AES128-SHA)",
        ]
    );
}

#[test]
fn a_dovecot_fragment_is_judged_in_context() {
    let t = support::repo_of("snippets", "dovecot-in-context");
    let (code, lines) = concise(t.path(), &["--ignore-unknown-files", "conf.d/10-ssl.conf"]);
    assert_eq!(code, 1, "{lines:#?}");
    // Through dovecot.conf: its `ssl_dh` and the fragment's list; only the fragment's lines.
    assert_eq!(
        lines,
        [
            "conf.d/10-ssl.conf:2:19: warning[cipher-not-recommended] 1 suite outside the policy's recommended set enabled for global (AES128-SHA)",
            "conf.d/10-ssl.conf:2:19: warning[no-forward-secrecy] 1 suite without forward secrecy enabled for global (AES128-SHA)",
        ]
    );
}

#[test]
fn a_lone_master_cf_is_read_for_its_overrides() {
    let t = support::repo_of("snippets", "lone-master");
    let (code, lines) = concise(t.path(), &["--ignore-unknown-files", "master.cf"]);
    assert_eq!(code, 1, "{lines:#?}");
    // Exactly what its `-o` overrides say, on the one service that has them; nothing about
    // what `main.cf` would set (the `smtp` service has no override: no endpoint).
    assert_eq!(
        lines,
        [
            "master.cf:4:36: error[legacy-protocol] TLSv1, TLSv1.1 are enabled for clients of master.cf submission/inet",
            "master.cf:5:34: warning[cipher-not-recommended] 53 suites outside the policy's recommended set enabled for master.cf submission/inet (DHE-RSA-AES256-GCM-SHA384, DHE-RSA-CHACHA20-POLY1305, ECDHE-ECDSA-AES256-CCM8 and 50 more)",
            "master.cf:5:34: warning[no-forward-secrecy] 16 suites without forward secrecy enabled for master.cf submission/inet (AES256-GCM-SHA384, AES256-CCM8, AES256-CCM and 13 more)",
            "master.cf:5:34: error[weak-cipher] weak cipher suites enabled for master.cf submission/inet (anonymous: ADH-AES256-GCM-SHA384, ADH-AES256-SHA256, ADH-CAMELLIA256-SHA256 and 9 more)",
        ]
    );
    // Without the flag too: never "cannot tell which program".
    assert_eq!(concise(t.path(), &["master.cf"]).0, 1);
}

#[test]
fn mozillas_postfix_intermediate_passes_mozilla_intermediate() {
    let t = support::repo_of("snippets", "mozilla-postfix");
    for targets in [
        &[][..],
        &["--target", "postfix=3.7", "--target", "openssl=3.0"],
    ] {
        let mut args = vec!["--policy", "mozilla-intermediate", "main.cf"];
        args.extend_from_slice(targets);
        let (code, lines) = concise(t.path(), &args);
        assert_eq!(code, 0, "{targets:?}: {lines:#?}");
        // Notes only: Postfix's default groups X448 and secp521r1 are off Mozilla's list
        // but above its floor (one finding each for both services: `tls_eecdh_auto_curves`
        // serves both), and opportunistic MX delivery points to DANE and MTA-STS.
        assert_eq!(
            lines,
            [
                "main.cf:3:1: note[curve-not-recommended] group `X448` of the program's default list, used by 2 endpoints, is not on the policy's list (it is above its 256-bit floor); endpoints: main.cf smtpd and main.cf smtp",
                "main.cf:3:1: note[curve-not-recommended] group `secp521r1` of the program's default list, used by 2 endpoints, is not on the policy's list (it is above its 256-bit floor); endpoints: main.cf smtpd and main.cf smtp",
                "main.cf:15:27: note[opportunistic-mx-tls] main.cf smtp delivers to MX hosts with opportunistic TLS: an active attacker can strip or intercept it",
            ],
            "{targets:?}"
        );
    }
}

#[test]
fn targets_that_do_not_exist_are_refused() {
    let t = support::repo_of("snippets", "alone");
    let (code, _) = concise(t.path(), &["ssl.conf", "--target", "openssl=9.9"]);
    assert_eq!(code, 2);
}
