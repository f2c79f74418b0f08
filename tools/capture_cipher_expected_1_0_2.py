#!/usr/bin/env python3
"""Captures tests/data/cipher-expected-1.0.2e.txt from the OpenSSL 1.0.2e that nassl bundles.

No OpenSSL 1.0.2 package installs on current Debian; PyPI's `nassl` (5.4.0) ships a static
"legacy" OpenSSL 1.0.2e built with every weak suite. The list is taken with the TLS 1.2
method, so no SSLv2 suite joins it. `tests/cipher_1_0_2.rs` compares these lists with the
1.0.2u profile after removing what differs between the two builds (export and single-DES
suites, not built by default since 1.0.2g; 3DES, which 1.0.2i moved from HIGH to MEDIUM).

Each line: escaped string TAB list or ERROR (escapes as in cipher-strings.txt).
Run: pip install nassl==5.4.0 && python3 tools/capture_cipher_expected_1_0_2.py
"""
import nassl._nassl_legacy as legacy

MOZILLA_OLD = ("ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
               "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
               "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305:"
               "ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:"
               "ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA384:ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES256-SHA:"
               "DHE-RSA-AES128-SHA256:DHE-RSA-AES256-SHA256:AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA256:"
               "AES256-SHA256:AES128-SHA:AES256-SHA:DES-CBC3-SHA")
STRINGS = [
    "DEFAULT", "HIGH", "ALL", "ALL:COMPLEMENTOFALL", "RC4-SHA", "RC4", "HIGH:!aNULL:!MD5", MOZILLA_OLD,
    "ALL:!LOW:!SSLv2:!EXP:!aNULL", "ALL:!LOW:!SSLv2:!EXP:!aNULL:@STRENGTH", "DEFAULT:@STRENGTH",
    "ALL:@STRENGTH", "COMPLEMENTOFDEFAULT", "COMPLEMENTOFALL", "COMPLEMENTOFDEFAULT+HIGH",
    "HIGH+COMPLEMENTOFDEFAULT", "MEDIUM", "LOW", "EXPORT", "EXP:HIGH", "SSLv2", "SSLv3", "TLSv1",
    "TLSv1.2", "TLSv1+TLSv1.2:HIGH", "SSLv3+TLSv1", "kDH", "kECDH", "aECDH", "aDH", "DH", "ECDH", "kEDH",
    "ECDH+AESGCM:DH+AESGCM:ECDH+AES256:DH+AES256:ECDH+AES128:DH+AES:RSA+AESGCM:RSA+AES:!aNULL:!MD5:!DSS",
    "EECDH+AESGCM:EDH+AESGCM", "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256",
    "ECDHE-RSA-AES128-SHA+TLSv1.2", "AES128-SHA+HIGH", "AES128-SHA+MEDIUM", "DHE-RSA-AES128-SHA:HIGH",
    "EDH-RSA-DES-CBC3-SHA:HIGH", "DHE-RSA-DES-CBC3-SHA", "HIGH:!aNULL:!eNULL:!EXPORT:!DES:!RC4:!MD5:!PSK:!aECDH",
    "aNULL:-aNULL:HIGH:MEDIUM:!SEED:!IDEA:!3DES:!RC2:!RC4:!RC5:!kDH:!kECDH:!aDSS:!MD5:+RC4:@STRENGTH",
    "aNULL:-aNULL:HIGH:!SEED:!IDEA:!3DES:!RC2:!RC4:!RC5:!kDH:!kECDH:!aDSS:!MD5:@STRENGTH",
    "ALL:!kRSA:!SRP:!kDHd:!DSS:!aNULL:!eNULL:!EXPORT:!DES:!3DES:!MD5:!PSK:!RC4:!ADH:!LOW@STRENGTH",
    "CHACHA20:HIGH", "AESCCM:HIGH", "HIGH:@SECLEVEL=1", "@SECLEVEL=0:ALL", "HIGH:@STRENGTH",
    "HIGH:@strength", "HIGH=", "HIGH_AES", "TLSv1.0:HIGH", "CAMELLIA:SEED:IDEA", "PSK", "SRP",
    "HIGH:+SHA1:+SHA256:+kRSA", "aRSA:!kRSA", "-ALL", "!ALL:RC4", "", "FOO:HIGH", "HIGH!aNULL",
    "SUITEB128:HIGH", "DEFAULT:!RSA", "DEFAULTHIGH", "kRSA:+RC4", "FIPS", "ECDSA:DSS", "NULL:eNULL",
]


def escape(s):
    if s == "":
        return "\\e"
    return s.replace("\\", "\\\\").replace(" ", "\\s").replace("\t", "\\t").replace("\n", "\\n")


print("# Captured from OpenSSL 1.0.2e (nassl 5.4.0's legacy build, TLS 1.2 method) by")
print("# tools/capture_cipher_expected_1_0_2.py. string<TAB>list or ERROR")
for s in STRINGS:
    ssl = legacy.SSL(legacy.SSL_CTX(5))
    try:
        ssl.set_cipher_list(s)
        out = ":".join(ssl.get_cipher_list())
    except Exception:
        out = "ERROR"
    print(f"{escape(s)}\t{out}")
