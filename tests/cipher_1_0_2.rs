//! The OpenSSL 1.0.2 profile (`--target openssl=1.0.2`, modelled on 1.0.2u's default build).
//!
//! No 1.0.2 binary installs here (Debian ships none since 10), so the ground truth is twofold:
//!
//! 1. **The 1.0.2u source tables**, transcribed into `tools/gen_table_1_0_2.py`: the suite
//!    table `ssl3_ciphers` (ssl/s3_lib.c) and the alias table, default order, `DEFAULT`
//!    string and parser of ssl/ssl_ciph.c and ssl/ssl.h. The expectations in
//!    [`representative_strings`] are derived from those tables by hand; each assertion says
//!    which rule it follows from.
//! 2. **A real 1.0.2 library**: `tests/data/cipher-expected-1.0.2e.txt` holds what the
//!    OpenSSL 1.0.2e inside PyPI's `nassl` 5.4.0 returned for 70 strings
//!    (`tools/capture_cipher_expected_1_0_2.py`). That build predates two changes, so the
//!    comparison removes their suites from both lists: export and single-DES suites (not
//!    built by default since 1.0.2g) and 3DES (moved from HIGH to MEDIUM in 1.0.2i). Whatever
//!    else is left must match suite for suite, in order. The same comparison over the 1,774
//!    strings of `tests/data/cipher-strings.txt` matched on all 967 that both accept, and
//!    both rejected the other 807.

use tlslint::cipher::{Profile, expand};

pub mod support;
use support::{decode, names};

fn list(s: &str) -> Vec<&'static str> {
    let e = expand(s, Profile::V1_0_2);
    assert!(e.error.is_none(), "{s:?} rejected: {:?}", e.error);
    names(&e.suites)
}

/// Suites whose presence or class differs between 1.0.2e and 1.0.2u builds.
fn comparable(name: &str, universe: &[&'static str]) -> bool {
    universe.contains(&name) && !name.contains("3DES") && !name.contains("CBC3")
}

#[test]
fn committed_openssl_1_0_2e_output() {
    let universe = names(Profile::V1_0_2.suites());
    let text = include_str!("data/cipher-expected-1.0.2e.txt");
    let mut checked = 0;
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let Some((s, out)) = line.split_once('\t') else {
            panic!("bad line {line:?}");
        };
        let s = decode(s);
        let e = expand(&s, Profile::V1_0_2);
        if out == "ERROR" {
            assert!(e.error.is_some(), "{s:?} should be rejected");
            checked += 1;
            continue;
        }
        let theirs: Vec<&str> = out
            .split(':')
            .filter(|n| comparable(n, &universe))
            .collect();
        if theirs.is_empty() {
            // Only suites a 1.0.2u default build lacks (LOW, EXPORT): there "no cipher match"
            // or a list of 3DES suites.
            continue;
        }
        assert!(e.error.is_none(), "{s:?} rejected: {:?}", e.error);
        let ours: Vec<&str> = names(&e.suites)
            .into_iter()
            .filter(|n| comparable(n, &universe))
            .collect();
        assert_eq!(ours, theirs, "list of {s:?}");
        checked += 1;
    }
    assert!(checked >= 60, "{checked}");
}

#[test]
fn representative_strings() {
    // The default build: 121 valid, compiled suites (s3_lib.c minus the weak, Kerberos,
    // experimental, GOST and SSLv2 entries); `ALL` leaves out the 8 eNULL ones.
    assert_eq!(Profile::V1_0_2.suites().len(), 121);
    let all = list("ALL");
    assert_eq!(all.len(), 113);

    // DEFAULT is `ALL:!EXPORT:!LOW:!aNULL:!eNULL:!SSLv2`: ALL minus the 15 anonymous suites
    // (11 ADH, 4 AECDH with encryption). RC4, 3DES, SEED, IDEA, static DH/ECDH stay.
    let default = list("DEFAULT");
    assert_eq!(default.len(), 98);
    for kept in [
        "RC4-SHA",
        "RC4-MD5",
        "DES-CBC3-SHA",
        "SEED-SHA",
        "IDEA-CBC-SHA",
    ] {
        assert!(default.contains(&kept), "{kept}");
    }
    assert!(default.contains(&"DH-RSA-AES128-SHA") && default.contains(&"ECDH-ECDSA-AES128-SHA"));
    assert!(
        !default
            .iter()
            .any(|n| n.starts_with("ADH-") || n.starts_with("AECDH-"))
    );
    // Default order: ECDHE first (ADD kEECDH, DEL kEECDH), among equals descending code
    // point (0xC030 before 0xC02C); then the strength sort puts every 256-bit suite first.
    assert_eq!(
        &default[..2],
        [
            "ECDHE-RSA-AES256-GCM-SHA384",
            "ECDHE-ECDSA-AES256-GCM-SHA384"
        ]
    );
    // RC4 (128 bits) was moved to the end before the sort, so it trails the 128-bit group;
    // 3DES (rated 112 bits) comes after it, and the PSK 3DES suite (kPSK moved late) last.
    let rc4 = default
        .iter()
        .position(|n| *n == "ECDHE-RSA-RC4-SHA")
        .unwrap();
    let des3 = default
        .iter()
        .position(|n| *n == "ECDHE-RSA-DES-CBC3-SHA")
        .unwrap();
    assert!(rc4 < des3);
    assert_eq!(default.last(), Some(&"PSK-3DES-EDE-CBC-SHA"));
    assert_eq!(default.len() - des3, 13);

    // A suite name selects by its algorithms; RC4-SHA's (kRSA, aRSA, RC4, SHA1) are unique.
    assert_eq!(list("RC4-SHA"), ["RC4-SHA"]);
    // RC4 with SHA1 or MD5, any key exchange: 9 suites (ADH/AECDH included).
    assert_eq!(list("RC4").len(), 9);
    // 3DES: 15 suites, all MEDIUM since 1.0.2i, so `HIGH` has none of them.
    let des = list("3DES");
    assert_eq!(des.len(), 15);
    assert!(list("HIGH").iter().all(|n| !des.contains(n)));
    assert!(list("HIGH").iter().all(|n| !n.contains("RC4")));
    assert_eq!(list("MEDIUM").len(), 15 + 9 + 7); // 3DES, RC4, SEED×6 + IDEA

    // `DH`/`ECDH` include the static (non-forward-secret) suites in 1.0.2.
    let x = list("HIGH:!aNULL:!MD5");
    assert!(x.contains(&"DH-RSA-AES256-GCM-SHA384") && x.contains(&"ECDH-RSA-AES128-SHA"));
    // HIGH = 121 - 8 eNULL - 31 MEDIUM = 82; minus 10 anonymous (8 ADH, 2 AECDH); no MD5.
    assert_eq!(x.len(), 72);
    let dh = list("DH+AESGCM");
    assert!(dh.contains(&"DH-DSS-AES128-GCM-SHA256"));

    // Mozilla's "old" string: ChaCha20 did not exist (3 unknown words, skipped); the other
    // 23 names are appended in the order written.
    let old = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA384:ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES256-SHA:DHE-RSA-AES128-SHA256:DHE-RSA-AES256-SHA256:AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA256:AES256-SHA256:AES128-SHA:AES256-SHA:DES-CBC3-SHA";
    let e = expand(old, Profile::V1_0_2);
    assert_eq!(e.unknown.len(), 3);
    let want: Vec<&str> = old.split(':').filter(|n| !n.contains("CHACHA20")).collect();
    assert_eq!(names(&e.suites), want);

    // No security levels: `@SECLEVEL=n` is an unknown command (a hard error), `=` is no word
    // character, and nothing is filtered.
    assert!(expand("HIGH:@SECLEVEL=1", Profile::V1_0_2).error.is_some());
    assert!(expand("HIGH=", Profile::V1_0_2).error.is_some());
    let e = expand("aNULL:NULL-MD5", Profile::V1_0_2);
    assert_eq!(e.security_level, 0);
    assert_eq!(e.usable, e.suites);
    // Words of later releases are unknown.
    for w in ["CHACHA20", "AESCCM", "ARIA", "CBC", "TLSv1.0"] {
        let e = expand(&format!("{w}:HIGH"), Profile::V1_0_2);
        assert_eq!(e.unknown.len(), 1, "{w}");
    }
    // Export and SSLv2 words are known but select nothing in a default build.
    assert!(expand("EXPORT:HIGH", Profile::V1_0_2).unknown.is_empty());
    assert!(expand("SSLv2", Profile::V1_0_2).error.is_some());
}

#[test]
fn profile_for_version() {
    assert_eq!(Profile::for_version(1, 0), Profile::V1_0_2);
    assert_eq!(Profile::for_version(1, 1), Profile::V1_1_1);
    assert_eq!(Profile::V1_0_2.default_security_level(), 0);
}
