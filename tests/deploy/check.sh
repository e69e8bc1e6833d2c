#!/usr/bin/env bash
# Checks the deployment recipes: the Dockerfile (built and run when a Docker daemon answers,
# else linted and checked for what the image promises) and deploy/chatwire.service (verified by
# systemd-analyze when it exists). In both, the settings the recipe passes through the
# environment are loaded by the real binary, so a misspelt variable fails here.
#
# Environment: CHATWIRE_BIN (the built binary; default <repo>/target/debug/chatwire).
# Whatever this machine cannot check prints a SKIPPED line; the rest must pass.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
BIN="${CHATWIRE_BIN:-$REPO/target/debug/chatwire}"
DOCKERFILE="$REPO/Dockerfile"
UNIT="$REPO/deploy/chatwire.service"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/chatwire-deploy.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# The value of `ENV NAME=value` in the Dockerfile's last stage (one variable per line).
dockerfile_env() {
  awk -v name="$1" '
    /^FROM / { val = "" }
    { for (i = 1; i <= NF; i++) if (index($i, name "=") == 1) val = substr($i, length(name) + 2) }
    END { print val }
  ' <<<"$joined"
}

# `chatwire check-config` output with the given environment (and no inherited CHATWIRE_*).
check_config() {
  env $(env | sed -n 's/^\(CHATWIRE_[A-Za-z0-9_]*\)=.*/-u \1/p') "$@" "$BIN" check-config
}

echo "-- Dockerfile"
# What the image promises, checked on the recipe itself (whether or not it can be built here).
# Instructions continued over several lines (`\` at the end) are joined into one.
joined=$(sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$DOCKERFILE")
last_stage=$(awk '/^FROM /{ buf = "" } { buf = buf $0 "\n" } END { printf "%s", buf }' <<<"$joined")
[ "$(grep -c '^FROM ' "$DOCKERFILE")" -ge 2 ] || fail "Dockerfile: not multi-stage"
grep -qE '^FROM debian:[^ ]*-slim' <<<"$last_stage" || fail "Dockerfile: the runtime stage is not debian-slim"
user=$(grep -E '^USER ' <<<"$last_stage" | tail -n1 | awk '{print $2}')
case "${user%%:*}" in
  "" | root | 0) fail "Dockerfile: the runtime stage runs as root" ;;
esac
grep -qE '^VOLUME .*"/data"' <<<"$last_stage" || fail "Dockerfile: no /data volume"
grep -qE '^HEALTHCHECK .*/healthz' <<<"$last_stage" || fail "Dockerfile: no HEALTHCHECK on /healthz"
grep -qE 'apt-get install .*curl' <<<"$last_stage" || fail "Dockerfile: the HEALTHCHECK uses curl, which the runtime stage does not install"
listen=$(dockerfile_env CHATWIRE__SERVER__LISTEN)
data_dir=$(dockerfile_env CHATWIRE__DATABASE__DATA_DIR)
[ "$listen" = "0.0.0.0:8080" ] || fail "Dockerfile: CHATWIRE__SERVER__LISTEN is '$listen', not 0.0.0.0:8080"
[ "$data_dir" = "/data" ] || fail "Dockerfile: CHATWIRE__DATABASE__DATA_DIR is '$data_dir', not /data"
# The binary reads those variables as the image means them.
if cfg=$(check_config CHATWIRE__SERVER__LISTEN="$listen" CHATWIRE__DATABASE__DATA_DIR="$data_dir" 2>&1); then
  grep -q "^listen = \"0.0.0.0:8080\"" <<<"$cfg" || fail "the image's CHATWIRE__SERVER__LISTEN does not set server.listen: $cfg"
  grep -q "^data_dir = \"/data\"" <<<"$cfg" || fail "the image's CHATWIRE__DATABASE__DATA_DIR does not set database.data_dir: $cfg"
else
  fail "check-config with the image's environment: $cfg"
fi

if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
  tag="chatwire-ci:$$"
  if docker build -t "$tag" "$REPO"; then
    # The image serves: start it, wait for the HEALTHCHECK's URL through a published port.
    cid=$(docker run -d --rm -p 127.0.0.1::8080 "$tag" serve --demo)
    port=$(docker port "$cid" 8080/tcp | head -n1 | sed 's/.*://')
    ok=
    for _ in $(seq 1 100); do
      if [ "$(curl -fsS "http://127.0.0.1:$port/healthz" 2>/dev/null)" = ok ]; then ok=1; break; fi
      sleep 0.3
    done
    [ -n "$ok" ] || { docker logs "$cid" >&2 || true; fail "the image's server did not answer /healthz"; }
    docker stop "$cid" >/dev/null || true
    docker image rm "$tag" >/dev/null || true
  else
    fail "docker build"
  fi
else
  echo "SKIPPED docker build: no usable Docker daemon here (docker info fails); linting the Dockerfile instead"
  if (cd "$HERE" && npm ci --no-audit --no-fund --silent); then
    "$HERE/node_modules/.bin/dockerfile-utils" lint "$DOCKERFILE" || fail "Dockerfile lint (dockerfile-utils)"
  else
    fail "npm ci in tests/deploy (the Dockerfile linter)"
  fi
fi

echo "-- deploy/chatwire.service"
if command -v systemd-analyze >/dev/null 2>&1; then
  # verify wants ExecStart's binary to exist: point it at the one just built. Any message is a
  # failure (unknown keys and bad values are only warnings to systemd-analyze).
  sed "s|/usr/local/bin/chatwire|$BIN|g" "$UNIT" >"$TMP/chatwire.service"
  out=$(systemd-analyze verify "$TMP/chatwire.service" 2>&1) || fail "systemd-analyze verify: $out"
  [ -z "$out" ] || fail "systemd-analyze verify: $out"
else
  echo "SKIPPED systemd-analyze verify deploy/chatwire.service: systemd-analyze not found"
fi
# The unit's Environment= settings and its data directory, as the binary reads them.
unit_env=$(sed -n 's/^Environment=//p' "$UNIT")
state=$(sed -n 's/^StateDirectory=//p' "$UNIT")
# shellcheck disable=SC2086 # one NAME=value word per Environment= line
if cfg=$(check_config $unit_env 2>&1); then
  grep -q "^data_dir = \"/var/lib/$state\"" <<<"$cfg" || fail "the unit's data directory is not its StateDirectory (/var/lib/$state): $cfg"
else
  fail "check-config with the unit's environment: $cfg"
fi
grep -q "^ReadWritePaths=/var/lib/$state\$" "$UNIT" || fail "the unit's ReadWritePaths is not its state directory"

if [ "$failures" -ne 0 ]; then
  echo "deployment recipes: $failures check(s) failed" >&2
  exit 1
fi
echo "deployment recipes: checks passed"
