//! Table tests of the cipher engine: committed OpenSSL 3.0 output, every alias against a
//! predicate over the suite table, every operator, profiles, vocabularies and suggestions.
//! None of these need an `openssl` binary.

use std::collections::BTreeSet;

pub mod support;
use support::{decode, names};

use tlslint::cipher::{
    Au, Enc, Kx, Mac, MinTls, Profile, Suite, Vocabulary, expand, expand_with_default_level,
    lookup, lookup_with_vocabulary, parse_boringssl_list, tls13_lookup,
};

fn list(s: &str) -> Vec<&'static str> {
    let e = expand(s, Profile::V3_0);
    assert!(e.error.is_none(), "{s:?} rejected: {:?}", e.error);
    names(&e.suites)
}

#[test]
fn committed_openssl_3_0_output() {
    let text = include_str!("data/cipher-expected-3.0.txt");
    let mut checked = 0;
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let mut fields = line.split('\t');
        let (Some(s), Some(raw), Some(filtered)) = (fields.next(), fields.next(), fields.next())
        else {
            panic!("bad line {line:?}");
        };
        let s = decode(s);
        // The capture machine's OpenSSL was compiled with default security level 2.
        let e = expand_with_default_level(&s, Profile::V3_0, 2);
        if raw == "ERROR" {
            assert!(e.error.is_some(), "{s:?} should be rejected");
        } else {
            assert!(e.error.is_none(), "{s:?} rejected: {:?}", e.error);
            assert_eq!(names(&e.suites).join(":"), raw, "raw list of {s:?}");
            assert_eq!(names(&e.usable).join(":"), filtered, "-s list of {s:?}");
        }
        checked += 1;
    }
    assert!(checked >= 50);
}

#[test]
fn documented_counts() {
    // openssl-ciphers.md §3 "Behaviour of common strings on this 3.0 build".
    assert_eq!(list("HIGH:!aNULL:!MD5").len(), 125);
    assert_eq!(list("HIGH:!aNULL:!MD5")[0], "ECDHE-ECDSA-AES256-GCM-SHA384");
    assert_eq!(list("DEFAULT").len(), 57);
    assert_eq!(list("ALL:@STRENGTH").len(), 137);
    assert_eq!(list("EECDH+AESGCM:EDH+AESGCM").len(), 8);
    assert_eq!(list("aNULL").len(), 13);
    assert_eq!(list("HIGH+AES256").len(), 43);
    assert_eq!(list("FOO:HIGH"), list("HIGH"));
    assert_eq!(list("ALL:+RC4:@SECLEVEL=2"), list("ALL"));
    let postfix =
        "aNULL:-aNULL:HIGH:!SEED:!IDEA:!3DES:!RC2:!RC4:!RC5:!kDH:!kECDH:!aDSS:!MD5:@STRENGTH";
    assert_eq!(list(postfix).len(), 123);
    let dovecot = "ALL:!kRSA:!SRP:!kDHd:!DSS:!aNULL:!eNULL:!EXPORT:!DES:!3DES:!MD5:!PSK:!RC4:!ADH:!LOW@STRENGTH";
    assert_eq!(list(dovecot).len(), 43);
    assert_eq!(Profile::V3_0.suites().len(), 155);
    assert_eq!(Profile::V1_1_1.suites().len(), 160);
}

/// A description of an alias as a predicate over the suite table.
type Predicate = Box<dyn Fn(&Suite) -> bool>;

/// Every 3.0 alias, expanded alone, selects exactly the suites its predicate describes.
#[test]
#[expect(clippy::too_many_lines, reason = "one row per alias")]
fn every_alias_matches_its_definition() {
    let fs = |s: &Suite| matches!(s.key_exchange, Kx::Dhe | Kx::Ecdhe);
    let psk = |s: &Suite| {
        matches!(
            s.key_exchange,
            Kx::Psk | Kx::RsaPsk | Kx::DhePsk | Kx::EcdhePsk
        )
    };
    let aes128 = |s: &Suite| {
        matches!(
            s.cipher,
            Enc::Aes128 | Enc::AesGcm128 | Enc::AesCcm128 | Enc::AesCcm8_128
        )
    };
    let aes256 = |s: &Suite| {
        matches!(
            s.cipher,
            Enc::Aes256 | Enc::AesGcm256 | Enc::AesCcm256 | Enc::AesCcm8_256
        )
    };
    let cases: Vec<(&str, Predicate)> = vec![
        ("ALL", Box::new(|s| !s.null())),
        ("COMPLEMENTOFALL", Box::new(Suite::null)),
        (
            "COMPLEMENTOFDEFAULT",
            Box::new(|s| !s.in_default() && !s.null()),
        ),
        ("HIGH", Box::new(Suite::high)),
        ("FIPS", Box::new(|s| s.fips() && !s.null())),
        ("kRSA", Box::new(|s| s.key_exchange == Kx::Rsa)),
        (
            "RSA",
            Box::new(|s| s.key_exchange == Kx::Rsa && s.authentication == Au::Rsa),
        ),
        ("aRSA", Box::new(|s| s.authentication == Au::Rsa)),
        ("kDHE", Box::new(|s| s.key_exchange == Kx::Dhe)),
        ("kEDH", Box::new(|s| s.key_exchange == Kx::Dhe)),
        ("DH", Box::new(|s| s.key_exchange == Kx::Dhe)),
        (
            "DHE",
            Box::new(|s| s.key_exchange == Kx::Dhe && !s.anonymous()),
        ),
        (
            "EDH",
            Box::new(|s| s.key_exchange == Kx::Dhe && !s.anonymous()),
        ),
        (
            "ADH",
            Box::new(|s| s.key_exchange == Kx::Dhe && s.anonymous()),
        ),
        ("kECDHE", Box::new(|s| s.key_exchange == Kx::Ecdhe)),
        ("kEECDH", Box::new(|s| s.key_exchange == Kx::Ecdhe)),
        ("ECDH", Box::new(|s| s.key_exchange == Kx::Ecdhe)),
        (
            "ECDHE",
            Box::new(|s| s.key_exchange == Kx::Ecdhe && !s.anonymous()),
        ),
        (
            "EECDH",
            Box::new(|s| s.key_exchange == Kx::Ecdhe && !s.anonymous()),
        ),
        (
            "AECDH",
            Box::new(|s| s.key_exchange == Kx::Ecdhe && s.anonymous()),
        ),
        ("aECDSA", Box::new(|s| s.authentication == Au::Ecdsa)),
        ("ECDSA", Box::new(|s| s.authentication == Au::Ecdsa)),
        ("aDSS", Box::new(|s| s.authentication == Au::Dss)),
        ("DSS", Box::new(|s| s.authentication == Au::Dss)),
        ("aNULL", Box::new(Suite::anonymous)),
        ("eNULL", Box::new(Suite::null)),
        ("NULL", Box::new(Suite::null)),
        ("PSK", Box::new(psk)),
        ("kPSK", Box::new(|s| s.key_exchange == Kx::Psk)),
        ("kRSAPSK", Box::new(|s| s.key_exchange == Kx::RsaPsk)),
        ("kECDHEPSK", Box::new(|s| s.key_exchange == Kx::EcdhePsk)),
        ("kDHEPSK", Box::new(|s| s.key_exchange == Kx::DhePsk)),
        ("aPSK", Box::new(|s| s.authentication == Au::Psk)),
        ("SRP", Box::new(Suite::srp)),
        ("kSRP", Box::new(Suite::srp)),
        ("aSRP", Box::new(|s| s.authentication == Au::Srp)),
        ("AES128", Box::new(aes128)),
        ("AES256", Box::new(aes256)),
        ("AES", Box::new(move |s| aes128(s) || aes256(s))),
        (
            "AESGCM",
            Box::new(|s| matches!(s.cipher, Enc::AesGcm128 | Enc::AesGcm256)),
        ),
        (
            "AESCCM",
            Box::new(|s| {
                matches!(
                    s.cipher,
                    Enc::AesCcm128 | Enc::AesCcm256 | Enc::AesCcm8_128 | Enc::AesCcm8_256
                )
            }),
        ),
        (
            "AESCCM8",
            Box::new(|s| matches!(s.cipher, Enc::AesCcm8_128 | Enc::AesCcm8_256)),
        ),
        (
            "CAMELLIA",
            Box::new(|s| matches!(s.cipher, Enc::Camellia128 | Enc::Camellia256)),
        ),
        ("CAMELLIA128", Box::new(|s| s.cipher == Enc::Camellia128)),
        ("CAMELLIA256", Box::new(|s| s.cipher == Enc::Camellia256)),
        ("CHACHA20", Box::new(|s| s.cipher == Enc::Chacha20)),
        (
            "ARIA",
            Box::new(|s| matches!(s.cipher, Enc::AriaGcm128 | Enc::AriaGcm256)),
        ),
        (
            "ARIAGCM",
            Box::new(|s| matches!(s.cipher, Enc::AriaGcm128 | Enc::AriaGcm256)),
        ),
        ("ARIA128", Box::new(|s| s.cipher == Enc::AriaGcm128)),
        ("ARIA256", Box::new(|s| s.cipher == Enc::AriaGcm256)),
        ("CBC", Box::new(Suite::cbc)),
        ("SHA1", Box::new(|s| s.digest == Mac::Sha1)),
        ("SHA", Box::new(|s| s.digest == Mac::Sha1)),
        ("SHA256", Box::new(|s| s.digest == Mac::Sha256)),
        ("SHA384", Box::new(|s| s.digest == Mac::Sha384)),
        ("SSLv3", Box::new(|s| s.min_protocol == MinTls::Ssl3)),
        ("TLSv1", Box::new(|s| s.min_protocol == MinTls::Tls1)),
        ("TLSv1.0", Box::new(|s| s.min_protocol == MinTls::Tls1)),
        ("TLSv1.2", Box::new(|s| s.min_protocol == MinTls::Tls1_2)),
        (
            "HIGH+kRSA",
            Box::new(|s| s.high() && s.key_exchange == Kx::Rsa),
        ),
        (
            "aRSA+AESGCM+kDHE",
            Box::new(move |s| {
                fs(s)
                    && s.key_exchange == Kx::Dhe
                    && s.authentication == Au::Rsa
                    && matches!(s.cipher, Enc::AesGcm128 | Enc::AesGcm256)
            }),
        ),
    ];
    for (alias, want) in cases {
        let got: BTreeSet<u16> = expand(alias, Profile::V3_0)
            .suites
            .iter()
            .map(|s| s.id)
            .collect();
        let expected: BTreeSet<u16> = Profile::V3_0
            .suites()
            .iter()
            .filter(|s| want(s))
            .map(|s| s.id)
            .collect();
        assert_eq!(got, expected, "alias {alias}");
        let e = expand(alias, Profile::V3_0);
        assert!(e.unknown.is_empty(), "{alias} reported unknown");
    }
}

#[test]
fn empty_aliases_are_known_but_match_nothing() {
    for word in ["MEDIUM", "LOW", "3DES", "EDH-RSA-DES-CBC3-SHA"] {
        let e = expand(word, Profile::V3_0);
        assert!(e.unknown.is_empty(), "{word}");
        assert!(
            e.error
                .as_ref()
                .is_some_and(|e| e.message.starts_with("no cipher match"))
        );
    }
}

#[test]
fn unavailable_and_removed_words_are_unknown_in_3_0() {
    for word in [
        "RC4", "SEED", "IDEA", "RC2", "GOST89", "kGOST", "EXP", "EXPORT", "SSLv2", "DES", "kECDH",
        "KRB5", "TLSv1.1", "high",
    ] {
        let s = format!("HIGH:!{word}");
        let e = expand(&s, Profile::V3_0);
        assert_eq!(e.unknown.len(), 1, "{word}");
        assert_eq!(e.unknown[0].word, word);
        assert_eq!(e.unknown[0].range, 6..6 + word.len());
    }
    // 1.1.1 has SEED and IDEA (and the RC4 alias, matching no suite).
    let e = expand("SEED:IDEA", Profile::V1_1_1);
    assert!(e.unknown.is_empty());
    assert_eq!(names(&e.suites).len(), 5);
    assert!(expand("RC4", Profile::V1_1_1).unknown.is_empty());
    assert!(!expand("CBC", Profile::V1_1_1).unknown.is_empty());
}

#[test]
fn operators() {
    // ADD appends; an active suite does not move.
    assert_eq!(
        list("AES128-SHA:AES256-SHA:AES128-SHA"),
        ["AES128-SHA", "AES256-SHA"]
    );
    // DEL moves to the head, so a later ADD re-adds before other inactive suites.
    let anon_first = list("aNULL:-aNULL:HIGH");
    assert!(
        anon_first[..12]
            .iter()
            .all(|n| n.starts_with("ADH") || n.starts_with("AECDH"))
    );
    // KILL is permanent.
    assert!(
        !list("HIGH:!aNULL:aNULL")
            .iter()
            .any(|n| n.starts_with("ADH"))
    );
    // ORD moves active suites to the end and adds nothing.
    assert_eq!(
        list("AES128-SHA:AES256-SHA:+AES128-SHA"),
        ["AES256-SHA", "AES128-SHA"]
    );
    assert!(expand("+HIGH", Profile::V3_0).error.is_some());
    // @STRENGTH: stable sort by bits, descending.
    let sorted = expand("AES128-SHA:AES256-SHA:@STRENGTH", Profile::V3_0);
    assert_eq!(names(&sorted.suites), ["AES256-SHA", "AES128-SHA"]);
    // `a+b` ANDs; conflicts and unknown parts drop the term.
    assert!(expand("kDHE+kECDHE", Profile::V3_0).error.is_some());
    assert!(expand("HIGH+FOO", Profile::V3_0).error.is_some());
    assert_eq!(list("AES128-SHA+HIGH"), ["AES128-SHA"]);
    assert!(
        expand("ECDHE-RSA-AES128-SHA+TLSv1.2", Profile::V3_0)
            .error
            .is_some()
    );
    // A prefix starts a new term without a separator.
    assert_eq!(list("HIGH!aNULL"), list("HIGH:!aNULL"));
    // Separators.
    assert_eq!(
        list("HIGH !aNULL,!MD5;!SHA1"),
        list("HIGH:!aNULL:!MD5:!SHA1")
    );
    // ECDHE includes eNULL suites.
    assert!(
        list("HIGH:-ECDHE:ECDHE")
            .last()
            .is_some_and(|n| n.ends_with("NULL-SHA"))
    );
}

#[test]
fn security_level() {
    let e = expand("ALL:@SECLEVEL=3", Profile::V3_0);
    assert_eq!(e.security_level, 3);
    assert!(e.usable.iter().all(|s| s.forward_secret()));
    assert_eq!(expand("HIGH", Profile::V3_0).security_level, 1);
    assert_eq!(expand("HIGH", Profile::V3_2).security_level, 2);
    assert_eq!(
        expand("HIGH:@SECLEVEL=0:@SECLEVEL=4", Profile::V3_0).security_level,
        4
    );
    let anon = expand("aNULL", Profile::V3_0);
    assert!(anon.error.is_none() && anon.usable.is_empty());
    assert_eq!(expand("aNULL:@SECLEVEL=0", Profile::V3_0).usable.len(), 13);
}

#[test]
fn errors_point_into_the_string() {
    for (s, at) in [
        ("!!aNULL", 1..2),
        ("HIGH:!", 6..6),
        ("HIGH+", 5..5),
        ("HIGH*", 4..5),
        ("HIGH_AES", 4..5),
        ("HIGH\t!aNULL", 4..5),
    ] {
        let e = expand(s, Profile::V3_0);
        let err = e.error.unwrap_or_else(|| panic!("{s:?} accepted"));
        assert_eq!(err.range, Some(at), "{s:?}: {}", err.message);
    }
    let e = expand("HIGH:@strength", Profile::V3_0);
    assert_eq!(e.error.map(|e| e.range), Some(Some(5..14)));
    assert!(expand("HIGH:@SECLEVEL=6", Profile::V3_0).error.is_some());
    assert!(expand("", Profile::V3_0).error.is_some());
    // 3.2 accepts `_` and IANA names.
    let e = expand("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", Profile::V3_2);
    assert_eq!(names(&e.suites), ["ECDHE-RSA-AES128-GCM-SHA256"]);
}

#[test]
fn default_and_suite_b_prefixes() {
    assert_eq!(list("DEFAULTHIGH"), list("DEFAULT:HIGH"));
    assert_eq!(list("DEFAULT!RSA"), list("DEFAULT:!RSA"));
    let e = expand(" DEFAULT", Profile::V3_0);
    assert_eq!(e.unknown[0].word, "DEFAULT");
    assert_eq!(e.unknown[0].range, 1..8);
    assert_eq!(
        list("SUITEB128:HIGH"),
        [
            "ECDHE-ECDSA-AES128-GCM-SHA256",
            "ECDHE-ECDSA-AES256-GCM-SHA384"
        ]
    );
    assert_eq!(list("SUITEB192"), ["ECDHE-ECDSA-AES256-GCM-SHA384"]);
}

#[test]
fn profile_3_2_rates_ccm8_medium() {
    let e = expand("AESCCM8", Profile::V3_2);
    assert!(
        e.suites
            .iter()
            .all(|s| s.bits == 64 && s.medium() && !s.high())
    );
    assert!(
        !expand("HIGH", Profile::V3_2)
            .suites
            .iter()
            .any(|s| s.cipher == Enc::AesCcm8_128)
    );
    assert!(
        expand("HIGH", Profile::V3_0)
            .suites
            .iter()
            .any(|s| s.cipher == Enc::AesCcm8_128)
    );
    assert_eq!(Profile::for_version(3, 4), Profile::V3_2);
    assert_eq!(Profile::for_version(1, 1), Profile::V1_1_1);
    assert_eq!(Profile::for_version(3, 1), Profile::V3_0);
}

#[test]
fn unknown_word_suggestions() {
    let suggest = |s: &str| {
        let e = expand(s, Profile::V3_0);
        e.unknown.first().and_then(|u| u.suggestion.clone())
    };
    assert_eq!(suggest("HIGH:!RC4x").as_deref(), Some("RC4"));
    assert_eq!(
        suggest("ECDHE-RSA-AES128-GCM-SHA265").as_deref(),
        Some("ECDHE-RSA-AES128-GCM-SHA256")
    );
    assert_eq!(suggest("HIGH:!aNul").as_deref(), Some("aNULL"));
    assert_eq!(suggest("high").as_deref(), Some("HIGH"));
    assert_eq!(suggest("HGIH").as_deref(), Some("HIGH"));
    assert_eq!(suggest("HIGH:!RC4").as_deref(), None);
    assert_eq!(suggest("HIGH:!EXPORT").as_deref(), None);
    let e = expand("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256:HIGH", Profile::V3_0);
    assert_eq!(e.unknown[0].word, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    assert_eq!(
        e.unknown[0].suggestion.as_deref(),
        Some("ECDHE-RSA-AES128-GCM-SHA256")
    );
}

#[test]
fn vocabularies_share_one_identity() {
    let id = 0xC02F;
    for name in [
        "ECDHE-RSA-AES128-GCM-SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "tls_ecdhe_rsa_with_aes_128_gcm_sha256",
    ] {
        assert_eq!(lookup(name).map(|s| s.id), Some(id), "{name}");
    }
    assert_eq!(
        lookup_with_vocabulary("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305").map(|(s, v)| (s.id, v)),
        Some((0xCCA9, Vocabulary::Go))
    );
    assert_eq!(
        lookup_with_vocabulary("SSL_RSA_WITH_3DES_EDE_CBC_SHA").map(|(s, v)| (s.id, v)),
        Some((0x000A, Vocabulary::Java))
    );
    assert_eq!(
        lookup("TLS_DHE_PSK_WITH_AES_128_CCM_8").map(|s| s.id),
        Some(0xC0AA)
    );
    assert_eq!(
        lookup("TLS_PSK_DHE_WITH_AES_128_CCM_8").map(|s| s.id),
        Some(0xC0AA)
    );
    assert!(lookup("TLS_AES_128_GCM_SHA256").is_some_and(Suite::is_tls13));
    assert_eq!(
        tls13_lookup("tls_chacha20_poly1305_sha256").map(|s| s.id),
        Some(0x1303)
    );
    assert!(lookup("NOPE").is_none());
}

#[test]
fn boringssl_groups() {
    let list = parse_boringssl_list(
        "[ECDHE-ECDSA-AES128-GCM-SHA256|ECDHE-ECDSA-CHACHA20-POLY1305]:ECDHE-RSA-AES128-GCM-SHA256",
    )
    .expect("valid list");
    let groups: Vec<(usize, Option<u16>)> = list
        .iter()
        .map(|e| (e.group, e.suite.map(|s| s.id)))
        .collect();
    assert_eq!(
        groups,
        [(0, Some(0xC02B)), (0, Some(0xCCA9)), (1, Some(0xC02F))]
    );
    assert_eq!(list[1].range, 31..60);
    assert!(parse_boringssl_list("[A|B").is_err());
    assert!(parse_boringssl_list("A]").is_err());
}

#[test]
fn classification() {
    let s = lookup("ECDHE-RSA-AES128-GCM-SHA256").expect("known");
    assert!(s.forward_secret() && s.aead() && !s.cbc() && s.weaknesses().is_empty());
    assert_eq!(s.classes(), ["FS", "AEAD"]);
    let s = lookup("ADH-AES128-SHA").expect("known");
    assert!(s.anonymous() && s.cbc() && s.sha1_mac());
    assert_eq!(s.weaknesses(), ["anonymous"]);
    assert_eq!(
        lookup("NULL-MD5").expect("known").weaknesses(),
        ["NULL", "MD5"]
    );
    assert_eq!(
        lookup("RC4-MD5").expect("known").weaknesses(),
        ["RC4", "MD5"]
    );
    assert_eq!(
        lookup("DES-CBC3-SHA").expect("known").weaknesses(),
        ["3DES"]
    );
    assert!(
        lookup("DHE-PSK-AES128-GCM-SHA256")
            .expect("known")
            .forward_secret()
    );
    assert!(
        !lookup("PSK-AES128-GCM-SHA256")
            .expect("known")
            .forward_secret()
    );
    assert!(lookup("SRP-AES-128-CBC-SHA").expect("known").srp());
    assert_eq!(
        lookup("ECDHE-RSA-AES128-GCM-SHA256").expect("known").code(),
        "0xC0,0x2F"
    );
}

/// Inclusion terms of known words that select nothing the build has are recorded (OpenSSL
/// skips them silently); exclusions, reorderings, unknown words and built-in rules are not.
#[test]
fn empty_inclusion_terms() {
    let terms = |s: &str, p: Profile| -> Vec<(String, std::ops::Range<usize>)> {
        expand(s, p)
            .empty_terms
            .into_iter()
            .map(|t| (t.term, t.range))
            .collect()
    };
    let v3 = Profile::V3_0;
    assert_eq!(
        terms("ECDHE+AESGCM:RSA+3DES", v3),
        [("RSA+3DES".to_owned(), 13..21)]
    );
    assert_eq!(
        terms("HIGH:MEDIUM aECDSA+kRSA", v3),
        [
            ("MEDIUM".to_owned(), 5..11),
            ("aECDSA+kRSA".to_owned(), 12..23)
        ]
    );
    // Exclusions, moves, unknown words, a term whose suites were removed earlier, and
    // words of the built-in `DEFAULT` / Suite B rules.
    for s in [
        "HIGH:!RC4:-3DES:!DES:+3DES",
        "HIGH:FOO:RSA+FOO",
        "HIGH:!kRSA:kRSA",
        "DEFAULT",
        "SUITEB128",
    ] {
        assert!(terms(s, v3).is_empty(), "{s}");
    }
    // `DEFAULT:` is read by the built-in rules; what follows it is the user's.
    assert_eq!(terms("DEFAULT:3DES", v3), [("3DES".to_owned(), 8..12)]);
    // The list itself is unchanged by the bookkeeping.
    assert_eq!(
        list("ECDHE-RSA-AES128-GCM-SHA256:RSA+3DES"),
        ["ECDHE-RSA-AES128-GCM-SHA256"]
    );
}
