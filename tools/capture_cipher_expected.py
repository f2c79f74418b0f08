#!/usr/bin/env python3
"""Captures tests/data/cipher-expected-3.0.txt from the local openssl 3.0 binary.

Each line: escaped string TAB raw list (or ERROR) TAB list after `-s -psk -srp` (Debian
default security level 2). Escapes as in cipher-strings.txt.
"""
import os, subprocess, sys
STRINGS = [
    "HIGH:!aNULL:!MD5", "DEFAULT", "ALL:@STRENGTH", "EECDH+AESGCM:EDH+AESGCM", "!ALL:RC4",
    "aNULL", "FOO:HIGH", "HIGH+AES256", "-ALL", "", "ALL:+RC4:@SECLEVEL=2",
    "aNULL:-aNULL:HIGH:!SEED:!IDEA:!3DES:!RC2:!RC4:!RC5:!kDH:!kECDH:!aDSS:!MD5:@STRENGTH",
    "aNULL:-aNULL:HIGH:MEDIUM:!SEED:!IDEA:!3DES:!RC2:!RC4:!RC5:!kDH:!kECDH:!aDSS:!MD5:+RC4:@STRENGTH",
    "eNULL:!kDH:!kECDH:!aDSS:!MD5:!aNULL",
    "ALL:!kRSA:!SRP:!kDHd:!DSS:!aNULL:!eNULL:!EXPORT:!DES:!3DES:!MD5:!PSK:!RC4:!ADH:!LOW@STRENGTH",
    "ALL:!LOW:!SSLv2:!EXP:!aNULL",
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384",
    "EECDH+ECDSA+AESGCM:EECDH+aRSA+AESGCM:EECDH+ECDSA+SHA384:EECDH+ECDSA+SHA256:EECDH+aRSA+SHA384:EECDH+aRSA+SHA256:EECDH+aRSA+RC4:EECDH:EDH+aRSA:RC4:!aNULL:!eNULL:!LOW:!3DES:!MD5:!EXP:!PSK:!SRP:!DSS",
    "HIGH:-ECDHE:ECDHE", "aNULL:-aNULL:HIGH", "COMPLEMENTOFDEFAULT+HIGH", "HIGH+COMPLEMENTOFDEFAULT",
    "ECDHE-RSA-AES128-SHA+TLSv1.2", "AES128-SHA+HIGH", "kDHE+kECDHE", "HIGH!aNULL", "FOO*:HIGH",
    "HIGH*", "!!aNULL", "HIGH:!", "HIGH+", "HIGH_AES", "HIGH\t!aNULL", "HIGH:@strength", "HIGH:@SECLEVEL=6",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "DEFAULTHIGH", "DEFAULT:!RSA", " DEFAULT", "SUITEB128:HIGH",
    "SUITEB192", "ALL:@SECLEVEL=3", "ALL:COMPLEMENTOFALL:@SECLEVEL=0", "ALL:@SECLEVEL=5", "!SHA1:!SHA256:!SHA384:ALL",
    "CBC", "ARIA:CAMELLIA:@STRENGTH", "AESCCM8", "PSK:SRP", "MEDIUM", "3DES", "HIGH,!aNULL;!MD5 !SHA1",
    "ECDH+AESGCM:DH+AESGCM:ECDH+AES256:DH+AES256:ECDH+AES128:DH+AES:RSA+AESGCM:RSA+AES:!aNULL:!MD5:!DSS",
    "aRSA:!kRSA", "TLSv1.2", "SSLv3:@STRENGTH", "HIGH:+SHA1:+SHA256:+kRSA", "EDH-RSA-DES-CBC3-SHA:HIGH",
]
open('/tmp/empty.cnf', 'w').close()
env = dict(os.environ, OPENSSL_CONF='/tmp/empty.cnf')
ver = subprocess.run(['openssl', 'version'], capture_output=True, text=True).stdout.strip()
def run(s, filt):
    args = ['openssl', 'ciphers'] + (['-s', '-psk', '-srp'] if filt else []) + ['-ciphersuites', '', '--', s]
    p = subprocess.run(args, capture_output=True, text=True, env=env)
    return p.stdout.rstrip('\n') if p.returncode == 0 else 'ERROR'
def esc(s):
    if s == '': return '\\e'
    s = s.replace('\\', '\\\\').replace('\t', '\\t').replace('\n', '\\n')
    if s.startswith(' '): s = '\\s' + s[1:]
    if s.endswith(' '): s = s[:-1] + '\\s'
    return s
print(f'# Captured from `{ver}` (Debian 12 build, default security level 2) with')
print("# OPENSSL_CONF=<empty> openssl ciphers [-s -psk -srp] -ciphersuites '' -- STRING")
print('# string<TAB>raw list or ERROR<TAB>list after -s -psk -srp (escapes as in cipher-strings.txt)')
for s in STRINGS:
    print(f'{esc(s)}\t{run(s, False)}\t{run(s, True)}')
