#!/usr/bin/env bash
# Runs two tlslint binaries over the same inputs in every output format (and `show`) and
# reports any difference: the check that a refactoring changed no output.
#
#   tools/compare-outputs.sh OLD_BINARY NEW_BINARY [DIR...]
#
# Without DIRs: every fixture directory, the parser and app corpora, the examples, and the
# generated 24k-line and 10,000-file trees (made with the gen-corpus example if missing).
set -euo pipefail
old=$1 new=$2; shift 2
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then
    [ -d /tmp/tlslint-n24k ] || cargo run -q --release --example gen-corpus -- nginx /tmp/tlslint-n24k 2000 200 >/dev/null
    [ -d /tmp/tlslint-mixed ] || cargo run -q --release --example gen-corpus -- mixed /tmp/tlslint-mixed 10000 >/dev/null
    set -- tests/fixtures/* tests/corpus/* examples /tmp/tlslint-n24k /tmp/tlslint-mixed
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
differ=0
for bin in old new; do
    b=${!bin}
    i=0
    for t in "$@"; do
        i=$((i + 1))
        for f in human concise json sarif github junit checkstyle; do
            NO_COLOR=1 "$b" check --no-config --format "$f" "$t" >"$out/$bin.$i.$f" 2>&1 || echo "exit $?" >>"$out/$bin.$i.$f"
        done
        NO_COLOR=1 "$b" show "$t" >"$out/$bin.$i.show" 2>&1 || echo "exit $?" >>"$out/$bin.$i.show"
    done
done
i=0
for t in "$@"; do
    i=$((i + 1))
    for f in human concise json sarif github junit checkstyle show; do
        if ! cmp -s "$out/old.$i.$f" "$out/new.$i.$f"; then
            echo "differs: $t ($f)"
            differ=1
        fi
    done
done
[ $differ = 0 ] && echo "identical: $# inputs, 7 formats and show"
exit $differ
