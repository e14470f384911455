#!/usr/bin/env bash
# Browser decode benchmark beside Cornerstone: builds the wasm with wasm-bindgen (web target),
# then runs ../shared/tools/peer-bench with bench/peer-bench/adapter.mjs as a plug-in.
# Extra arguments go to peer-bench (e.g. --only RLE,J2KR --runs 9).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/bin:$HOME/.cargo/bin:$PATH"
out=target/peer-bench
cargo build --release --locked --target wasm32-unknown-unknown --bin dicom-viewer
rm -rf "$out" && mkdir -p "$out/pkg"
wasm-bindgen --target web --no-typescript --out-dir "$out/pkg" target/wasm32-unknown-unknown/release/dicom-viewer.wasm
wasm-opt -O3 --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
  "$out/pkg/dicom-viewer_bg.wasm" -o "$out/pkg/dicom-viewer_bg.wasm"
cp bench/peer-bench/adapter.mjs "$out/"
exec bash ../shared/tools/peer-bench/run.sh --plugin "$PWD/$out/adapter.mjs" "$@"
