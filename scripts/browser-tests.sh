#!/usr/bin/env bash
# Browser tests. Builds the page with Trunk (release, offline), serves dist/ and the corpus
# (../shared/dicom, with CORS) on free loopback ports, starts chromedriver, then runs
#   tests/browser_digests_native.rs  native digests equal tests/fixtures/digests.json
#   tests/e2e_viewer.rs              the page in Chromium: canvas == wasmBindings.render_frame
#   tests/e2e_dicomweb.rs            the page against Orthanc behind nginx (CORS, apikey, faults)
#   tests/e2e_derived_dicomweb.rs    SEG and SR offered on their CT over DICOMweb, loaded on demand, Fetch
#   tests/e2e_first_use.rs           keyboard, angle tool, presets, tag browser, phone layout
#   tests/e2e_overlays.rs            overlay planes in both renderers, label layout, PNG export
#   tests/e2e_seg.rs                 a SEG over its CT in both renderers, segment toggles, jump
#   tests/e2e_fusion.rs              parametric map and SUV probe, PET fused over CT, colour bar
#   tests/e2e_loading.rs             loading order, opening slice, set window, load messages, bulk data
#   tests/e2e_startup.rs             a deep link's requests in order, each frame once, dv:* marks
#   tests/e2e_start.rs               start page: above the fold, thumbnails, theme, phone layout
#   tests/e2e_shell.rs               top bar, menus, measurement list, panels, phone bottom bar and sheets
#   tests/e2e_offline.rs             service worker from a sub-path: offline reload, installability
#   tests/e2e_embed.rs               ?embed=1 in another origin's iframe, driven by postMessage
#   tests/e2e_rtkos.rs               RT structure contours on their CT, ROI toggles, KOS key images
#   tests/e2e_sr.rs                 a TID 1500 report generated over MR slices: table, graphics, tree
#   tests/e2e_volume3d.rs            the 3-D pane of layout MPR + 3-D: drawn, rotated, presets, long tasks
#   tests/e2e_link.rs               linked scrolling by position, reference lines, comparison with a prior (QIDO by PatientID)
#   tests/e2e_perf_paths.rs          4000×5000 mammogram drags in both renderers, long tasks of local loads
#   tests/e2e_a11y.rs                axe-core (WCAG 2.1 A/AA), Tab order, dialogs, touch gestures, phone boxes
#   tests/browser_decode.rs          wasm-bindgen-test in headless Chromium: same digests
# Stops exactly the processes it started; exits non-zero if anything failed.
# For local iteration (never in CI): BROWSER_TESTS_ONLY="e2e_viewer e2e_archives" runs only the
# named test targets; APP_PROFILE=dev builds the page with Trunk's dev profile (much quicker to
# build; slower wasm, no wasm-opt).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CORPUS=${DICOM_CORPUS:-$ROOT/../shared/dicom}
[ -d "$CORPUS" ] || { echo "browser-tests: corpus $CORPUS is missing" >&2; exit 1; }
export PATH="$ROOT/.tools/bin:$HOME/.cargo/bin:$PATH" TRUNK_SKIP_VERSION_CHECK=true
CHROMEDRIVER=${CHROMEDRIVER:-$(command -v chromedriver || echo /usr/bin/chromedriver)}

pids=()
DICOMWEB_STATE=$(mktemp -d "${TMPDIR:-/tmp}/dicomweb.XXXXXX")
STANDINS_STATE=$(mktemp -d "${TMPDIR:-/tmp}/standins.XXXXXX") # archive stand-ins (NBIA, FHIR, ISIC)
APP_DIR=$(mktemp -d "${TMPDIR:-/tmp}/app.XXXXXX")
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  bash scripts/standins.sh stop "$STANDINS_STATE" || echo "browser-tests: stopping the archive stand-ins failed" >&2
  bash scripts/dicomweb-servers.sh stop "$DICOMWEB_STATE" || echo "browser-tests: stopping the DICOMweb servers failed" >&2
  rm -rf "$APP_DIR"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() {
  for _ in $(seq 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.05
  done
  echo "browser-tests: nothing listens on port $1" >&2
  return 1
}

ONLY=${BROWSER_TESTS_ONLY:-}
wanted() { [ -z "$ONLY" ] || [[ " $ONLY " == *" $1 "* ]]; }
if [ "${APP_PROFILE:-release}" = dev ]; then
  echo "== trunk build (dev profile: local iteration only)" >&2
  trunk build --release=false
else
  echo "== trunk build --release" >&2
  trunk build --release
fi

echo "== DICOMweb servers (Orthanc behind nginx)" >&2
bash scripts/dicomweb-servers.sh start "$DICOMWEB_STATE"
set -a
# shellcheck source=/dev/null
. "$DICOMWEB_STATE/env"
set +a
# Archive stand-ins (TCIA NBIA v4, FHIR R4 with apikey, ISIC v2): NBIA_URL, FHIR_URL, ISIC_URL, ...
echo "== archive stand-ins (scripts/standins.sh)" >&2
DICOMWEB_ENV="$DICOMWEB_STATE/env" bash scripts/standins.sh start "$STANDINS_STATE"
set -a
# shellcheck source=/dev/null
. "$STANDINS_STATE/env"
set +a
# The page as built, with the shipped config.json's presets pointed at the local servers
# (scripts/test-config.py), served from its own port: every request is cross-origin.
cp -r dist/. "$APP_DIR/"
# Host pages for tests/e2e_embed.rs: the same files from two more ports (two more origins); only
# the first is listed in config.json's embed.allowedOrigins.
EMBED_HOST_PORT=$(free_port); EMBED_STRANGER_PORT=$(free_port)
export EMBED_ALLOWED_ORIGINS="http://127.0.0.1:$EMBED_HOST_PORT"
ln -s . "$APP_DIR/viewer" # the page on a sub-path too: http://…/viewer/
python3 scripts/test-config.py "$APP_DIR/config.json"

APP_PORT=$(free_port); CORPUS_PORT=$(free_port); DRIVER_PORT=$(free_port)
python3 scripts/serve_static.py "$APP_DIR" "$APP_PORT" & pids+=($!)
python3 scripts/serve_static.py "$CORPUS" "$CORPUS_PORT" & pids+=($!)
"$CHROMEDRIVER" --port="$DRIVER_PORT" --log-level=SEVERE >/dev/null 2>&1 & pids+=($!)
python3 scripts/serve_static.py "$APP_DIR" "$EMBED_HOST_PORT" & pids+=($!)
python3 scripts/serve_static.py "$APP_DIR" "$EMBED_STRANGER_PORT" & pids+=($!)
for port in "$APP_PORT" "$CORPUS_PORT" "$DRIVER_PORT" "$EMBED_HOST_PORT" "$EMBED_STRANGER_PORT"; do wait_port "$port"; done
export EMBED_HOST_URL="http://127.0.0.1:$EMBED_HOST_PORT/" EMBED_STRANGER_URL="http://127.0.0.1:$EMBED_STRANGER_PORT/"

export APP_URL="http://127.0.0.1:$APP_PORT/" WEBDRIVER_URL="http://127.0.0.1:$DRIVER_PORT"
export CORPUS_URL="http://127.0.0.1:$CORPUS_PORT/"
failed=()
run() { # NAME CMD...: runs CMD when NAME is wanted, records NAME when it fails
  local name=$1; shift
  wanted "$name" || return 0
  echo "== $name" >&2
  "$@" || failed+=("$name")
}
export AXE_JS=${AXE_JS:-$ROOT/.tools/node_modules/axe-core/axe.min.js}
export CHROMEDRIVER WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-600}
run browser_digests_native cargo test --test browser_digests_native
run e2e_viewer cargo test --test e2e_viewer
run e2e_mpr cargo test --test e2e_mpr -- --nocapture
run e2e_dicomweb cargo test --test e2e_dicomweb -- --nocapture
run e2e_derived_dicomweb cargo test --test e2e_derived_dicomweb -- --nocapture
run e2e_archives cargo test --test e2e_archives -- --nocapture
run e2e_first_use cargo test --test e2e_first_use -- --nocapture
run e2e_overlays cargo test --test e2e_overlays -- --nocapture
run e2e_seg cargo test --test e2e_seg -- --nocapture
run e2e_fusion cargo test --test e2e_fusion -- --nocapture
run e2e_gsps cargo test --test e2e_gsps -- --nocapture
run e2e_loading cargo test --test e2e_loading -- --nocapture
run e2e_startup cargo test --test e2e_startup -- --nocapture
run e2e_start cargo test --test e2e_start -- --nocapture
run e2e_shell cargo test --test e2e_shell -- --nocapture
run e2e_offline cargo test --test e2e_offline -- --nocapture
run e2e_embed cargo test --test e2e_embed -- --nocapture
run e2e_a11y cargo test --test e2e_a11y -- --nocapture
run e2e_i18n cargo test --test e2e_i18n -- --nocapture
run e2e_rtkos cargo test --test e2e_rtkos -- --nocapture
run e2e_sr cargo test --test e2e_sr -- --nocapture
run e2e_volume3d cargo test --test e2e_volume3d -- --nocapture
run e2e_link cargo test --test e2e_link -- --nocapture
run e2e_modules cargo test --test e2e_modules -- --nocapture
run e2e_perf_paths cargo test --test e2e_perf_paths -- --nocapture
run browser_decode cargo test --target wasm32-unknown-unknown --test browser_decode
run browser_gpu cargo test --target wasm32-unknown-unknown --test browser_gpu

if [ ${#failed[@]} -gt 0 ]; then
  echo "browser-tests: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "browser-tests: all passed" >&2
