#!/usr/bin/env bash
# The whole test suite: installs what it needs (scripts/setup.sh), then native tests (unit,
# corpus against WG04 references, display against dcmtk, robustness), then the browser tests
# (wasm-bindgen-test in headless Chromium, end-to-end page test). Fails on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d ../shared/dicom ] || { echo "test: ../shared/dicom (the test corpus) is missing beside the repo" >&2; exit 1; }

bash scripts/setup.sh
export PATH="$PWD/.tools/bin:$HOME/.cargo/bin:$PATH"

# peer-bench's synthetic HTJ2K set (Cornerstone's OpenJPH encoder) is generated at test time by
# src/codec/jpeg2000/tests/htj2k.rs: a writable copy of ../shared/tools/peer-bench with its npm
# packages (about 10 s, 175 MB) in .tools/peer-bench.
PEER_BENCH_SRC=../shared/tools/peer-bench
if [ -f "$PEER_BENCH_SRC/package-lock.json" ]; then
  export PEER_BENCH_DIR="$PWD/.tools/peer-bench"
  if ! cmp -s "$PEER_BENCH_SRC/package-lock.json" "$PEER_BENCH_DIR/package-lock.json" || [ ! -d "$PEER_BENCH_DIR/node_modules" ]; then
    echo "== peer-bench packages (npm ci)" >&2
    rm -rf "$PEER_BENCH_DIR"; mkdir -p "$PEER_BENCH_DIR"
    cp -r "$PEER_BENCH_SRC/." "$PEER_BENCH_DIR/"; chmod -R u+w "$PEER_BENCH_DIR"
    (cd "$PEER_BENCH_DIR" && npm ci --no-audit --no-fund --silent)
  fi
fi

echo "== native tests" >&2
cargo test --locked --all-targets

echo "== browser tests" >&2
bash scripts/browser-tests.sh
