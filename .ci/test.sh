#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs the programs the differential tests
# compare against (OpenSSL, Postfix's postconf, Dovecot's doveconf with its IMAP and POP3
# servers, nginx) without starting any service (the live tests start private instances on
# loopback themselves), then runs every test. Tests that need a missing program skip with a message,
# except with CI=true (or 1), where they fail (tests/support/mod.rs).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v openssl >/dev/null || need+=(openssl)
command -v postconf >/dev/null || need+=(postfix)
command -v doveconf >/dev/null || need+=(dovecot-core)
# The live Dovecot test (tests/live_dovecot.rs) runs IMAP and POP3 listeners.
[ -x /usr/lib/dovecot/imap-login ] || need+=(dovecot-imapd)
[ -x /usr/lib/dovecot/pop3-login ] || need+=(dovecot-pop3d)
command -v nginx >/dev/null || need+=(nginx-light)
command -v haproxy >/dev/null || need+=(haproxy)
command -v apache2 >/dev/null || [ -x /usr/sbin/apache2 ] || need+=(apache2)
if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        # policy-rc.d 101 forbids maintainer scripts from starting services.
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
        chmod +x /usr/sbin/policy-rc.d
        echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections || true
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq || true
        apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
            || echo "warning: could not install ${need[*]}; their tests will skip (fail with CI=true)"
        rm -f /usr/sbin/policy-rc.d
    else
        echo "note: ${need[*]} missing and not installable here; their tests will skip (fail with CI=true)"
    fi
fi

INSTA_UPDATE=no cargo test --locked
