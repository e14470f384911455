#!/usr/bin/env bash
# Browser decode benchmark beside Cornerstone: builds the page's decoder modules (`decoder`, and
# `decoder-jxl` for JPEG XL; README "Modules and sizes") with wasm-bindgen (web target) and
# wasm-opt -O3 as index.html does, then runs ../shared/tools/peer-bench with
# bench/peer-bench/adapter.mjs as a plug-in. Extra arguments go to peer-bench (e.g. --only RLE,J2KR --runs 9).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/bin:$HOME/.cargo/bin:$PATH"
out=target/peer-bench
cargo build --release --locked --target wasm32-unknown-unknown --bin decoder --bin decoder-jxl
rm -rf "$out" && mkdir -p "$out/pkg"
for module in decoder decoder-jxl; do
  wasm-bindgen --target web --no-typescript --out-dir "$out/pkg" "target/wasm32-unknown-unknown/release/$module.wasm"
  wasm-opt -O3 --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-simd \
    ${PEER_BENCH_WASM_OPT_FLAGS:-} "$out/pkg/${module}_bg.wasm" -o "$out/pkg/${module}_bg.wasm"
done
cp bench/peer-bench/adapter.mjs "$out/"
exec bash ../shared/tools/peer-bench/run.sh --plugin "$PWD/$out/adapter.mjs" "$@"
