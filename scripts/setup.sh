#!/usr/bin/env bash
# Installs everything the build and the tests need, idempotently, from Debian,
# crates.io and npm only. Safe to run again: each step checks before it installs.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
# Must equal the `wasm-bindgen = "=..."` pin in Cargo.toml.
WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = { version = "=\([0-9.]*\)".*/\1/p; s/^wasm-bindgen = "=\([0-9.]*\)"/\1/p' Cargo.toml | head -n1)
[ -n "$WASM_BINDGEN_VERSION" ] || { echo "setup: cannot read the wasm-bindgen pin from Cargo.toml" >&2; exit 1; }
BINARYEN_VERSION=123.0.0
AXE_CORE_VERSION=4.10.3 # accessibility checks of tests/e2e_a11y.rs
TOOLS="$PWD/.tools"

log() { printf '\n== setup: %s\n' "$*" >&2; }

apt_packages=(chromium chromium-driver dcmtk grokj2k-tools libjxl-tools libjpeg-turbo-progs orthanc orthanc-dicomweb orthanc-gdcm nginx-light libnginx-mod-http-echo libgdcm-tools
              libssl-dev pkg-config zip unzip curl ca-certificates python3 python3-venv
              fonts-noto-cjk)  # Chinese interface text in headless Chromium (no tofu boxes)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  # Debian's orthanc package starts a system service on install; the tests run their own
  # instance with a temp config, so keep the packaged one from starting.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    remove_policy=1
  fi
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
  [ "${remove_policy:-0}" = 1 ] && $SUDO rm -f /usr/sbin/policy-rc.d
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if ! trunk --version 2>/dev/null | grep -q " $TRUNK_VERSION"; then
  log "cargo install trunk $TRUNK_VERSION"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION"; then
  log "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # Not --locked: the CLI's lock file pins crates that no longer build on this rustc.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# Debian's binaryen (108) writes broken modules; npm's binaryen ships a wasm-opt >= 116.
if ! "$TOOLS/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q "version ${BINARYEN_VERSION%%.*}"; then
  log "npm install binaryen@$BINARYEN_VERSION"
  mkdir -p "$TOOLS"
  npm install --prefix "$TOOLS" --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION"
fi
# axe-core: the accessibility rules tests/e2e_a11y.rs injects into the page.
if [ "$(node -p "require('$TOOLS/node_modules/axe-core/package.json').version" 2>/dev/null)" != "$AXE_CORE_VERSION" ]; then
  log "npm install axe-core@$AXE_CORE_VERSION"
  mkdir -p "$TOOLS"
  npm install --prefix "$TOOLS" --no-audit --no-fund --silent "axe-core@$AXE_CORE_VERSION"
fi
# Python highdicom writes SEG, SR and Key Object Selection test objects from arrays at test time
# (tests of issue 12); a venv keeps it apart from Debian's Python packages.
HIGHDICOM_VERSION=0.28.2
if ! "$TOOLS/py/bin/python" -c "import highdicom, sys; sys.exit(highdicom.__version__ != '$HIGHDICOM_VERSION')" 2>/dev/null; then
  log "pip install highdicom $HIGHDICOM_VERSION (venv .tools/py)"
  python3 -m venv "$TOOLS/py"
  "$TOOLS/py/bin/pip" install --quiet --disable-pip-version-check "highdicom==$HIGHDICOM_VERSION"
fi
mkdir -p "$TOOLS/bin"
ln -sf ../node_modules/.bin/wasm-opt "$TOOLS/bin/wasm-opt"

log "cargo fetch"
cargo fetch --quiet
log "done"
