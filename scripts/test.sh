#!/usr/bin/env bash
# The whole test suite: installs what it needs (scripts/setup.sh), then native tests (unit,
# corpus against WG04 references, display against dcmtk, robustness), then the browser tests
# (wasm-bindgen-test in headless Chromium, end-to-end page test). Fails on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d ../shared/dicom ] || { echo "test: ../shared/dicom (the test corpus) is missing beside the repo" >&2; exit 1; }

bash scripts/setup.sh
export PATH="$PWD/.tools/bin:$HOME/.cargo/bin:$PATH"

echo "== native tests" >&2
cargo test --locked --all-targets

echo "== browser tests" >&2
bash scripts/browser-tests.sh
