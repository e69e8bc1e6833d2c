#!/usr/bin/env bash
# Fails when a crate of the workspace declares a dependency its code never uses, or the
# workspace declares one no crate takes.
#
#   scripts/check-unused-deps.sh
#
# Uses cargo-machete when installed; with CHATWIRE_INSTALL_TOOLS=1 it is installed when missing
# (from crates.io; building it takes minutes). A built-in check always runs as well: a
# dependency whose name appears in no `.rs` file of its crate is unused, and so is a workspace
# dependency no crate takes. Both print what they ran; neither needs a build.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo-machete >/dev/null 2>&1 && [ "${CHATWIRE_INSTALL_TOOLS:-}" = "1" ]; then
  echo "== installing cargo-machete (CHATWIRE_INSTALL_TOOLS=1)"
  timeout 900 cargo install cargo-machete --locked --quiet \
    || echo "cargo-machete could not be installed; using the built-in check"
fi

status=0
if command -v cargo-machete >/dev/null 2>&1; then
  echo "== cargo machete"
  cargo machete || status=1
else
  echo "SKIPPED cargo machete: not installed ('cargo install cargo-machete', or CHATWIRE_INSTALL_TOOLS=1); the built-in check runs"
fi

echo "== built-in unused-dependency check"
python3 - <<'PY' || status=1
import glob, os, re, sys

def deps(toml, sections):
    out, section = [], None
    for line in open(toml, encoding="utf-8"):
        header = re.match(r"^\[(.*)\]", line)
        if header:
            section = header.group(1)
            # [target.'cfg(...)'.dependencies] counts as [dependencies] (and so on).
            target = re.match(r"^target\..*\.((?:dev-|build-)?dependencies)$", section)
            if target:
                section = target.group(1)
        elif section in sections:
            name = re.match(r"^([A-Za-z0-9_-]+)\s*[.=]", line)
            if name:
                out.append((section, name.group(1)))
    return out

problems = []
crate_tomls = sorted(glob.glob("crates/*/Cargo.toml"))
taken = set()
for toml in crate_tomls:
    crate = os.path.dirname(toml)
    sources = []
    for sub in ("src", "tests", "benches", "examples", "build.rs"):
        path = os.path.join(crate, sub)
        if os.path.isfile(path):
            sources.append(path)
        for root, _, files in os.walk(path):
            sources += [os.path.join(root, f) for f in files if f.endswith(".rs")]
    text = "\n".join(open(f, encoding="utf-8").read() for f in sources)
    for section, name in deps(toml, ("dependencies", "dev-dependencies", "build-dependencies")):
        taken.add(name)
        if not re.search(r"\b" + re.escape(name.replace("-", "_")) + r"\b", text):
            problems.append(f"{toml}: [{section}] {name} is not used by the crate's code")
for _, name in deps("Cargo.toml", ("workspace.dependencies",)):
    if name not in taken:
        problems.append(f"Cargo.toml: [workspace.dependencies] {name} is taken by no crate")
for p in problems:
    print(p)
if problems:
    sys.exit(1)
print(f"no unused dependencies in {len(crate_tomls)} crates")
PY
exit $status
