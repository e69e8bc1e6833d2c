#!/usr/bin/env bash
# Copies the screenshots the README shows from the browser tests' output (target/screenshots,
# written by `node --test e2e/` in tests/browser) into docs/screenshots, so the README shows
# the current screens. Run it after the browser suites when the UI changed.
set -euo pipefail
cd "$(dirname "$0")/../.."
SRC=target/screenshots
mkdir -p docs/screenshots
for name in widget-chat console-two-chats supervisor-queue supervisor-stats; do
  if [ ! -f "$SRC/$name.png" ]; then
    echo "no $SRC/$name.png: run the browser suites first (cd tests/browser && node --test --test-concurrency=1 e2e/)" >&2
    exit 1
  fi
  cp "$SRC/$name.png" "docs/screenshots/$name.png"
done
echo "docs/screenshots updated from $SRC"
