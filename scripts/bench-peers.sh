#!/usr/bin/env bash
# Whole-process comparison of whi with a standard JSON Schema validator
# (jsonschema-cli, the CLI of the `jsonschema` crate whi itself uses) and
# with a parse-only floor, on a generated corpus. Prints medians of
# alternating runs and their ratios; results go to stdout, details to
# $WORK/*.json (hyperfine exports).
#
#   scripts/bench-peers.sh                  # everything, 1 GiB NDJSON
#   NDJSON_SIZE=200M scripts/bench-peers.sh # a smaller stream
#   ONLY=a scripts/bench-peers.sh           # one part: a, b or c
#
# (a) one ~10 KB payload: `whi validate FILE` vs `jsonschema-cli validate
#     --assert-format SCHEMA -i FILE` with the matching bundled schema
#     (jsonschema-cli resolves its relative `_defs.schema.json` refs from
#     disk), plus a control with Ongoing's single-file `order` schema;
# (b) FILES single-provider files in a directory: `whi validate DIR` vs
#     jsonschema-cli once per event folder with that event's schema (xargs),
#     and whi's peak RSS;
# (c) an NDJSON stream: `whi validate big.ndjson` vs the parse-only floor
#     (examples/parse-floor.rs), with peak RSS. The stream is deleted after.
#
# Needs: cargo, python3 (for medians); installs jsonschema-cli with cargo and
# hyperfine and GNU time with apt-get when they are missing. The machine may
# be busy: runs of the two commands alternate (hyperfine rounds in ABBA
# order) so that load drifts hit both alike, and medians are reported.
set -euo pipefail
cd "$(dirname "$0")/.."

FILES=${FILES:-10000}
NDJSON_SIZE=${NDJSON_SIZE:-1G}
PROVIDERS=${PROVIDERS:-"ongoing salla"}
ROUNDS=${ROUNDS:-10}
ONLY=${ONLY:-abc}
WORK=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/whi-bench.XXXXXX")}
mkdir -p "$WORK"

say() { printf '\n== %s\n' "$*"; }

ensure_tools() {
    if ! command -v jsonschema-cli >/dev/null; then
        say "installing jsonschema-cli (cargo install jsonschema-cli)"
        cargo install jsonschema-cli
    fi
    local missing=()
    command -v hyperfine >/dev/null || missing+=(hyperfine)
    [ -x /usr/bin/time ] || missing+=(time)
    if [ ${#missing[@]} -gt 0 ]; then
        say "installing ${missing[*]} (apt-get)"
        apt-get update -qq && apt-get install -y -qq "${missing[@]}"
    fi
    command -v python3 >/dev/null || { echo "error: python3 is needed for the medians" >&2; exit 2; }
}

# compare NAME RUNS_PER_ROUND CMD_A CMD_B: alternating hyperfine rounds;
# prints the median of each and the ratio A/B.
compare() {
    local name=$1 per=$2 a=$3 b=$4 round
    rm -f "$WORK/$name".*.json
    for round in $(seq 1 "$ROUNDS"); do
        if [ $((round % 2)) -eq 1 ]; then
            hyperfine -N -w 1 -r "$per" --export-json "$WORK/$name.$round.json" "$a" "$b" >/dev/null 2>&1
        else
            hyperfine -N -w 1 -r "$per" --export-json "$WORK/$name.$round.json" "$b" "$a" >/dev/null 2>&1
        fi
    done
    python3 - "$a" "$b" "$WORK/$name".*.json <<'PY'
import json, statistics, sys
a, b, files = sys.argv[1], sys.argv[2], sys.argv[3:]
times = {a: [], b: []}
for f in files:
    for r in json.load(open(f))["results"]:
        times[r["command"]].extend(r["times"])
ma, mb = statistics.median(times[a]), statistics.median(times[b])
print(f"  A  {ma*1000:9.2f} ms  median of {len(times[a])}  {a}")
print(f"  B  {mb*1000:9.2f} ms  median of {len(times[b])}  {b}")
print(f"  A/B = {ma/mb:.3f}")
PY
}

# peak_rss CMD...: median peak resident set (MB) of 3 runs, output discarded.
peak_rss() {
    local kb=()
    for _ in 1 2 3; do
        kb+=("$(/usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1)")
    done
    printf '%s\n' "${kb[@]}" | sort -n | sed -n 2p | awk '{printf "%.1f MB", $1/1024}'
}

ensure_tools
say "building whi, gen-corpus and parse-floor (release)"
cargo build --release --locked --bin whi --example gen-corpus --example parse-floor
WHI=$PWD/target/release/whi
GEN=$PWD/target/release/examples/gen-corpus
FLOOR=$PWD/target/release/examples/parse-floor
JS="jsonschema-cli validate --assert-format"
echo "work dir: $WORK; $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "jsonschema-cli $(jsonschema-cli --version 2>/dev/null | awk '{print $NF}'), $(hyperfine --version)"

if [[ $ONLY == *a* ]]; then
    say "(a) one ~10 KB payload"
    "$GEN" --files 400 --provider salla --out "$WORK/one-salla" >/dev/null
    # The generated Salla payload closest to 10 KB.
    file=$(find "$WORK/one-salla" -name '*.json' -printf '%s %p\n' \
        | awk '{d = $1 - 10240; if (d < 0) d = -d; print d, $1, $2}' | sort -n | head -1 | cut -d' ' -f3)
    event=$(basename "$(dirname "$file")")
    echo "payload: $file ($(stat -c %s "$file") bytes), salla/$event"
    compare one-salla 5 "$WHI validate $file" "$JS schemas/salla/$event.schema.json -i $file"

    say "(a, control) an Ongoing payload with the single-file order schema (no \$ref to fetch)"
    "$GEN" --files 400 --provider ongoing --out "$WORK/one-ongoing" >/dev/null
    file=$(find "$WORK/one-ongoing/ongoing/order" -name '*.json' -printf '%s %p\n' | sort -n | tail -1 | cut -d' ' -f2)
    echo "payload: $file ($(stat -c %s "$file") bytes), ongoing/order"
    compare one-ongoing 5 "$WHI validate $file" "$JS schemas/ongoing/order.schema.json -i $file"
fi

if [[ $ONLY == *b* ]]; then
    # jsonschema-cli takes one schema per run: one run per event folder.
    cat >"$WORK/jscli-dir.sh" <<SH
#!/usr/bin/env bash
# jsonschema-cli over DIR/<event>/*.json, each folder with its event's schema.
set -euo pipefail
provider=\$1 dir=\$2
for folder in "\$dir"/*/; do
    event=\$(basename "\$folder")
    find "\$folder" -name '*.json' | sort | xargs $JS "$PWD/schemas/\$provider/\$event.schema.json" -i
done
SH
    chmod +x "$WORK/jscli-dir.sh"
    for provider in $PROVIDERS; do
        say "(b) $FILES $provider files in a directory"
        dir=$WORK/files-$provider
        rm -rf "$dir"
        "$GEN" --files "$FILES" --provider "$provider" --out "$dir"
        echo "check: whi says '$("$WHI" validate "$dir" | tail -1)'," \
            "jsonschema-cli says $("$WORK/jscli-dir.sh" "$provider" "$dir/$provider" | grep -c ' - VALID$') VALID"
        ROUNDS=$((ROUNDS < 6 ? ROUNDS : 6)) compare "dir-$provider" 2 \
            "$WHI validate $dir" "$WORK/jscli-dir.sh $provider $dir/$provider"
        echo "  whi peak RSS: $(peak_rss "$WHI" validate "$dir")"
        if command -v taskset >/dev/null; then
            echo "  whi on one core (taskset -c 0), for the parallel speed-up:"
            ROUNDS=2 compare "dir-$provider-1core" 2 "taskset -c 0 $WHI validate $dir" "$WHI validate $dir" | tail -3
        fi
    done
fi

if [[ $ONLY == *c* ]]; then
    say "(c) NDJSON stream of $NDJSON_SIZE"
    big=$WORK/big.ndjson
    "$GEN" --ndjson "$NDJSON_SIZE" --out "$big"
    bytes=$(stat -c %s "$big")
    echo "check: whi says '$("$WHI" validate "$big" | tail -1)'; floor says '$("$FLOOR" "$big")'"
    ROUNDS=$((ROUNDS < 4 ? ROUNDS : 4)) compare ndjson 1 "$WHI validate $big" "$FLOOR $big" | tee "$WORK/ndjson.txt"
    python3 - "$bytes" "$WORK/ndjson.txt" <<'PY'
import re, sys
size = int(sys.argv[1])
a, b = [float(m) for m in re.findall(r"^\s+[AB]\s+([\d.]+) ms", open(sys.argv[2]).read(), re.M)]
print(f"  whi {size/a/1e3:.0f} MB/s, floor {size/b/1e3:.0f} MB/s: whi at {100*b/a:.0f}% of the floor")
PY
    echo "  peak RSS: whi $(peak_rss "$WHI" validate "$big"), floor $(peak_rss "$FLOOR" "$big")"
    [ -n "${KEEP:-}" ] || rm -f "$big"
fi
