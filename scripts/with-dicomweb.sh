#!/usr/bin/env bash
# Runs CMD with real DICOMweb servers: starts them (scripts/dicomweb-servers.sh start) into a
# fresh temp dir, exports the variables of its env file (DICOMWEB_CORS_URL, DICOMWEB_APIKEY_URL,
# DICOMWEB_FAULTS_URL, DICOMWEB_APIKEY, MR_STUDY_UID, ...), runs CMD, and stops the servers on
# any exit (success, failure, Ctrl-C, SIGTERM). Exits with CMD's status.
# Usage: scripts/with-dicomweb.sh CMD [ARGS...]
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 CMD [ARGS...]" >&2; exit 2; }
SERVERS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/dicomweb-servers.sh"

STATE=$(mktemp -d "${TMPDIR:-/tmp}/dicomweb.XXXXXX")
cleanup() { bash "$SERVERS" stop "$STATE" || echo "with-dicomweb: stopping the servers failed (state: $STATE)" >&2; }
trap cleanup EXIT

bash "$SERVERS" start "$STATE"
set -a
# shellcheck source=/dev/null
. "$STATE/env"
set +a
# CMD runs in the background in its own process group (set -m; stdin passed on explicitly) so
# that a signal sent to this script is handled at once: CMD's whole group gets the same signal,
# then the EXIT trap stops the servers.
set -m
"$@" <&0 &
cmd_pid=$!
set +m
forward() { kill "-$1" -- "-$cmd_pid" 2>/dev/null || true; wait "$cmd_pid" || true; exit "$2"; }
trap 'forward INT 130' INT
trap 'forward TERM 143' TERM
trap 'forward HUP 129' HUP
status=0
wait "$cmd_pid" || status=$?
exit "$status"
