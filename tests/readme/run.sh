#!/usr/bin/env bash
# Runs the README's shell blocks against a real server, so the README cannot drift from what
# chatwire does.
#
# Which blocks: every ```sh block directly after a line `<!-- readme-check -->`, or
# `<!-- readme-check: TEXT -->`, which also requires TEXT in that block's output. The blocks run
# in order, in one bash (`set -euo pipefail`), as a reader pasting them into one terminal would:
# variables set by one block are seen by the next.
#
# Where: a fresh temporary folder is the working directory (so `./data` and `chatwire.toml` are
# new), with `chatwire serve --demo` started there on a free port and left running; `chatwire`
# is on the PATH and CHATWIRE holds the server's base URL (blocks default it to
# http://127.0.0.1:8080). The server is stopped with SIGINT, the README's Ctrl-C, and must exit
# cleanly.
#
# Environment: CHATWIRE_BIN_DIR (folder holding the built `chatwire`; default
# <repo>/target/debug), KEEP_TMP=1 keeps the folder. Needs curl and jq (the README's
# prerequisites for the walk-through); without them it prints a SKIPPED line and exits 0.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
README="$REPO/README.md"
BIN_DIR="${CHATWIRE_BIN_DIR:-$REPO/target/debug}"

for tool in curl jq; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIPPED README check: needs $tool (a prerequisite of the README's walk-through)"
    exit 0
  fi
done
if [ ! -x "$BIN_DIR/chatwire" ]; then
  echo "no chatwire binary in $BIN_DIR (cargo build -p chatwire first, or set CHATWIRE_BIN_DIR)" >&2
  exit 2
fi

TMP="$(mktemp -d "${TMPDIR:-/tmp}/chatwire-readme.XXXXXX")"
SERVER_PID=
cleanup() {
  local status=$?
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  if [ "$status" -ne 0 ]; then
    echo "README check FAILED; server log:" >&2
    sed 's/^/  | /' "$TMP/server.log" >&2 || true
    echo "kept $TMP" >&2
  elif [ -z "${KEEP_TMP:-}" ]; then
    rm -rf "$TMP"
  else
    echo "kept $TMP"
  fi
}
trap cleanup EXIT

# 1. The blocks, each preceded by a line that marks it in the output, and their expectations.
awk -v script="$TMP/blocks.sh" -v expects="$TMP/expects" '
  /^<!-- readme-check(: .*)? -->$/ {
    marked = 1; n++
    want = $0; sub(/^<!-- readme-check:? ?/, "", want); sub(/ ?-->$/, "", want)
    printf "%d\t%s\n", n, want > expects
    next
  }
  marked && /^```sh$/ { inblock = 1; marked = 0; printf "echo \"@@ readme block %d @@\"\n", n > script; next }
  inblock && /^```$/ { inblock = 0; next }
  inblock { print > script; next }
  marked && !/^$/ { printf "README: the readme-check marker %d is not followed by a ```sh block\n", n > "/dev/stderr"; exit 3 }
' "$README"
BLOCKS=$(wc -l <"$TMP/expects")
if [ "$BLOCKS" -eq 0 ]; then
  echo "README: no block is marked <!-- readme-check -->" >&2
  exit 2
fi

# 2. A demo server in the fresh folder, on a free port.
cd "$TMP"
export PATH="$BIN_DIR:$PATH"
env -u CHATWIRE_CONFIG chatwire serve --demo --listen 127.0.0.1:0 >server.out 2>server.log &
SERVER_PID=$!
BASE=
for _ in $(seq 1 300); do
  BASE=$(grep -aoE 'listening on http://127\.0\.0\.1:[0-9]+' server.log | head -n1 | sed 's/^listening on //') || true
  [ -n "$BASE" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "the server exited before listening" >&2; exit 1; }
  sleep 0.1
done
[ -n "$BASE" ] || { echo "the server did not report its address within 30 s" >&2; exit 1; }
echo "server: $BASE (in $TMP)"

# 3. The blocks, in one bash, as a reader would paste them.
status=0
CHATWIRE="$BASE" bash -euo pipefail "$TMP/blocks.sh" </dev/null >"$TMP/out" 2>&1 || status=$?
sed 's/^/  | /' "$TMP/out"
if [ "$status" -ne 0 ]; then
  echo "the README's blocks failed (exit $status); the last block started is the one above" >&2
  exit 1
fi

# 4. Each block's expected text in its own output.
failed=0
while IFS=$'\t' read -r n want; do
  got=$(awk -v n="$n" '/^@@ readme block [0-9]+ @@$/ { on = ($4 == n); next } on' "$TMP/out")
  if [ -n "$want" ] && ! grep -qF -- "$want" <<<"$got"; then
    echo "README block $n: its output lacks \"$want\"" >&2
    failed=1
  fi
done <"$TMP/expects"
[ "$failed" -eq 0 ] || exit 1

# 5. Ctrl-C (SIGINT) stops the server cleanly, as the README says.
kill -INT "$SERVER_PID"
for _ in $(seq 1 150); do
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$SERVER_PID" 2>/dev/null; then
  echo "the server did not stop within 15 s of SIGINT" >&2
  exit 1
fi
server_status=0
wait "$SERVER_PID" || server_status=$?
SERVER_PID=
if [ "$server_status" -ne 0 ]; then
  echo "the server exited with status $server_status after SIGINT" >&2
  exit 1
fi
echo "README check passed: $BLOCKS blocks, each with its expected output; the server stopped on SIGINT"
