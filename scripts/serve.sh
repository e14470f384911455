#!/usr/bin/env bash
# Installs what the build needs, builds the release app with Trunk (offline) and serves it
# on http://127.0.0.1:${PORT:-8080}.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/.tools/bin:$HOME/.cargo/bin:$PATH" TRUNK_SKIP_VERSION_CHECK=true
trunk build --release
echo "serving http://127.0.0.1:${PORT:-8080}/" >&2
exec python3 -m http.server "${PORT:-8080}" --bind 127.0.0.1 --directory dist
