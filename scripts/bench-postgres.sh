#!/usr/bin/env bash
# Load-generator figures for chatwire on PostgreSQL (issue 6): one node, then two nodes on one
# database (polls and appends spread over both; wake-ups measured across nodes).
#
#   scripts/bench-postgres.sh [postgres-url] [extra chatwire-bench args…]
#
# Cross-node wake-ups under (d)'s load (issue 18, item 4):
#   SCENARIOS=e scripts/bench-postgres.sh URL --waiters 2000 --wake-under-writers 64 --rounds 1
#
# CHATWIRE_BIN picks another server build (A/B runs); default target/release/chatwire.
# The URL defaults to postgres://postgres@127.0.0.1:5432/test. Each run uses a fresh schema,
# dropped at the end. Figures go to stdout as the load generator's Markdown tables.
set -euo pipefail
cd "$(dirname "$0")/.."
URL=${1:-postgres://postgres@127.0.0.1:5432/test}
shift || true
SCENARIOS=${SCENARIOS:-a,d,e}
cargo build --release -p chatwire -p chatwire-bench >&2
BIN=${CHATWIRE_BIN:-target/release/chatwire}
BENCH=target/release/chatwire-bench
WORK=$(mktemp -d)
SCHEMA="bench_$(date +%s)_$$"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql "$URL" -qc "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# start_node NAME: a `serve --demo` node on the shared schema; prints "PID URL".
start_node() {
  local name=$1 url=""
  CHATWIRE__THROTTLE__CHAT_REQUESTS_PER_ADDRESS=1000000 CHATWIRE__THROTTLE__CHAT_REQUESTS_PER_APP_KEY=1000000 \
  CHATWIRE__LOG__FORMAT=json "$BIN" --data-dir "$WORK/$name" serve --demo \
    --listen 127.0.0.1:0 --database-url "$URL" --database-schema "$SCHEMA" \
    >"$WORK/$name.out" 2>"$WORK/$name.log" &
  local pid=$!
  for _ in $(seq 1 150); do
    url=$(grep -o 'http://[0-9.:]*' "$WORK/$name.log" | head -1 || true)
    [ -n "$url" ] && break
    sleep 0.2
  done
  [ -n "$url" ] || { cat "$WORK/$name.log" >&2; echo "node $name did not start" >&2; exit 1; }
  echo "$pid $url"
}

read -r PID_A URL_A < <(start_node a)
PIDS+=("$PID_A")
echo "## One node on PostgreSQL ($URL_A)"
"$BENCH" run --server "$URL_A" --server-pid "$PID_A" --scenario "$SCENARIOS" "$@"

read -r PID_B URL_B < <(start_node b)
PIDS+=("$PID_B")
echo "## Two nodes on PostgreSQL ($URL_A + $URL_B; CPU column: node A only)"
"$BENCH" run --server "$URL_A" --server-pid "$PID_A" --peer "$URL_B" --scenario "$SCENARIOS" "$@"
