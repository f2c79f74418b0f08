#!/usr/bin/env bash
# Rebuilds fuzz/seeds/<target>/ from the test fixtures, the parser tests, the examples and
# the differential cipher corpus. Run from the repository root; the output is committed so
# a fuzz run starts from real configs without this step.
set -euo pipefail
cd "$(dirname "$0")/.."
out=fuzz/seeds
rm -rf "$out"
mkdir -p "$out"/{nginx,postfix,dovecot,haproxy,app_yaml,app_toml,cipher}

# Seed file name: the source path with separators flattened, so a seed says where it came from.
put() { # target file [content-file]
    local name
    name=$(echo "$2" | sed 's|^tests/||; s|/|__|g')
    cp "${3:-$2}" "$out/$1/$name"
}

while IFS= read -r f; do
    base=$(basename "$f")
    case "$f" in
        */dovecot*|*/dovecot/*) [[ $base == *.conf ]] && put dovecot "$f" ;;
        *.conf) put nginx "$f" ;;
        *.cfg) put haproxy "$f" ;;
    esac
    case "$base" in
        main.cf)
            # The postfix target reads main.cf, NUL, master.cf.
            master="$(dirname "$f")/master.cf"
            if [[ -f $master ]]; then
                tmp=$(mktemp)
                { cat "$f"; printf '\0'; cat "$master"; } >"$tmp"
                put postfix "$f" "$tmp"
                rm -f "$tmp"
            else
                put postfix "$f"
            fi
            ;;
        *.yml | *.yaml | *.yaml.tpl) put app_yaml "$f" ;;
        *.toml) put app_toml "$f" ;;
    esac
done < <(find tests/fixtures tests/parse tests/corpus/haproxy examples -type f | sort)

# One seed per line of the cipher corpus, its escapes undone (see the file's header).
n=0
grep -v '^#' tests/data/cipher-strings.txt | while IFS= read -r line; do
    n=$((n + 1))
    if [[ $line == '\e' ]]; then
        : >"$out/cipher/line-$n"
    else
        printf '%s' "$line" | sed 's/\\s/ /g; s/\\t/\t/g; s/\\n/\n/g; s/\\\\/\\/g' >"$out/cipher/line-$n"
    fi
done
for t in "$out"/*; do echo "$(basename "$t"): $(ls "$t" | wc -l) seeds"; done
