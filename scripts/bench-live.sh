#!/usr/bin/env bash
# Whole-process benchmark of `whi listen` on loopback, with the release
# binary and wrk (Debian: apt-get install wrk).
#   1. throughput: deliveries/s through `whi listen --save` (every delivery
#      detected, validated, printed and saved), wrk with 8 connections;
#   2. memory: peak RSS after at least 100,000 deliveries;
#   3. forwarding: the latency `--forward-to` adds (p50, p99) over posting
#      to the app directly, one connection, the app being a second
#      `whi listen` (it answers 200 {"received":true}).
# Usage: scripts/bench-live.sh [SECONDS per run, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 2; }
cargo build --release --locked -q
whi=$PWD/target/release/whi
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

# Starts `whi listen ARGS` in the background; sets $url and $pid.
start() {
  local log=$work/listen-$RANDOM.err
  "$whi" listen --port 0 "$@" >/dev/null 2>"$log" &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 1 100); do
    url=$(grep -o 'http://[0-9.:]*/' "$log" | head -1 || true)
    [ -n "$url" ] && return 0
    sleep 0.05
  done
  echo "whi listen did not start: $(cat "$log")" >&2
  exit 2
}

cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("samples/salla/order.created.json", "rb")
wrk.body = f:read("*a")
f:close()
LUA

rss() { awk '/VmHWM/ {printf "%.1f MiB", $2/1024}' "/proc/$1/status"; }

echo "== throughput: whi listen --save, salla/order.created ($(wc -c <samples/salla/order.created.json) bytes), 8 connections, ${seconds}s"
start --save "$work/saved"
wrk -t2 -c8 -d"${seconds}s" -s "$work/post.lua" "$url" | grep -E "Requests/sec|requests in|Latency|Non-2xx"
echo "saved files: $(find "$work/saved" -type f | wc -l); peak RSS: $(rss "$pid")"

echo "== memory: until 100,000 deliveries"
count=$(find "$work/saved" -type f | wc -l)
while [ "$count" -lt 100000 ]; do
  wrk -t2 -c8 -d5s -s "$work/post.lua" "$url" >/dev/null
  count=$(find "$work/saved" -type f | wc -l)
  echo "  $count deliveries: peak RSS $(rss "$pid"), now $(awk '/VmRSS/ {printf "%.1f MiB", $2/1024}' "/proc/$pid/status")"
done
kill -INT "$pid"; wait "$pid" 2>/dev/null || true
rm -rf "$work/saved"

echo "== forwarding latency, 1 connection, ${seconds}s each"
start
app=$url
start --forward-to "$app"
via=$url
echo "-- direct to the app ($app)"
wrk -t1 -c1 -d"${seconds}s" --latency -s "$work/post.lua" "$app" | grep -E "^ +(50|99)%|Requests/sec"
echo "-- through whi listen --forward-to ($via)"
wrk -t1 -c1 -d"${seconds}s" --latency -s "$work/post.lua" "$via" | grep -E "^ +(50|99)%|Requests/sec"
