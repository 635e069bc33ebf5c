#!/usr/bin/env bash
# Peak RSS and wall time of validate, inspect and diff on single big payloads,
# valid and with 100,000+ errors, as a Markdown table.
#
#   scripts/mem-table.sh [WHI] [SIZES_MB...]     (default: target/release/whi 50 200 800)
#
# Inputs are made by scripts/big-payload.py in $TMPDIR (default /tmp) and
# removed afterwards. Each run's output goes to /dev/null; the exit code is
# shown because invalid inputs and diffs exit 1 by design.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
whi=${1:-$here/target/release/whi}; shift || true
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(50 200 800)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/whi-mem.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
run() { # command... (uses $label and $mb)
  /usr/bin/time -o "$tmp/time" -f '%M %e' "$@" >/dev/null 2>&1
  local rc=$? rss secs
  read -r rss secs < <(tail -1 "$tmp/time")
  printf '| %s | %s MB | %d MB | %s s | %s |\n' "$label" "$mb" "$((rss / 1024))" "$secs" "$rc"
}
echo "| run | input | peak RSS | wall | exit |"
echo "|---|---|---|---|---|"
for mb in "${sizes[@]}"; do
  python3 "$here/scripts/big-payload.py" "$mb" "$tmp/v.json" 2>/dev/null
  python3 "$here/scripts/big-payload.py" "$mb" "$tmp/i.json" --invalid 2>/dev/null
  sed 's/"slug": "under_review"/"slug": "completed"/' "$tmp/v.json" >"$tmp/v2.json"
  sed 's/"slug": "under_review"/"slug": "completed"/' "$tmp/i.json" >"$tmp/i2.json"
  label="validate valid"; run "$whi" validate "$tmp/v.json"
  label="validate invalid"; run "$whi" validate "$tmp/i.json"
  label="validate invalid --max-errors 1"; run "$whi" validate --max-errors 1 "$tmp/i.json"
  label="inspect valid"; run "$whi" inspect "$tmp/v.json"
  label="inspect invalid"; run "$whi" inspect "$tmp/i.json"
  label="diff valid"; run "$whi" diff "$tmp/v.json" "$tmp/v2.json"
  label="diff invalid"; run "$whi" diff "$tmp/i.json" "$tmp/i2.json"
  rm -f "$tmp"/*.json
done
