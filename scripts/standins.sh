#!/usr/bin/env bash
# Archive stand-ins for tests without internet: TCIA NBIA v4, SIIM-style FHIR R4 (apikey), ISIC
# API v2 — one python3 process (scripts/standins/archives.py) on three free loopback ports.
#   scripts/standins.sh start STATE_DIR   # needs DICOMWEB_ENV=<dicomweb STATE_DIR>/env; writes STATE_DIR/env
#   scripts/standins.sh check STATE_DIR   # curl self-test of every endpoint and odd case
#   scripts/standins.sh stop  STATE_DIR   # stops exactly the recorded PID, removes STATE_DIR
# STATE_DIR/env: NBIA_URL FHIR_URL ISIC_URL (+ *_BASE for /_control/), FHIR_APIKEY, fixture facts
# (TCIA_COLLECTION TCIA_EMPTY_COLLECTION TCIA_PATIENT TCIA_STUDY_UID TCIA_SERIES_UID
# TCIA_SERIES_IMAGES TCIA_RESTRICTED_SERIES_UID FHIR_PATIENT_ID FHIR_STUDY_UID FHIR_STUDY_ID
# FHIR_CT_STUDY_UID FHIR_PERSONA_ID ISIC_IMAGE_ID ...). FHIR serves ${FHIR_DATA:-../shared/fhir}'s
# SIIM personas besides its extra cases.
# Needs: python3, dcmtk (dcmdump), libjpeg-turbo-progs (cjpeg), curl; check also needs unzip.
set -euo pipefail
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$SCRIPT_DIR")
die() { printf 'standins: error: %s\n' "$*" >&2; exit 1; }
log() { printf 'standins: %s\n' "$*" >&2; }

owned_pid_alive() { # PID STATE: alive and its command line names STATE (guards against PID reuse)
  [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -qF -- "$2"
}

stop_standins() {
  local state=$1 pid waited=0
  [ -d "$state" ] || return 0
  state=$(cd "$state" && pwd)
  if [ -f "$state/pid" ]; then
    pid=$(cat "$state/pid")
    if owned_pid_alive "$pid" "$state"; then
      kill -TERM "$pid" 2>/dev/null || true
      while owned_pid_alive "$pid" "$state" && [ $waited -lt 50 ]; do sleep 0.1; waited=$((waited + 1)); done
      if owned_pid_alive "$pid" "$state"; then
        log "pid $pid ignored SIGTERM for 5 s, sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        sleep 0.2
      fi
      ! owned_pid_alive "$pid" "$state" || die "pid $pid is still running after SIGKILL"
    fi
  fi
  rm -rf -- "$state"
}

start_standins() {
  local state=$1
  [ -n "${DICOMWEB_ENV:-}" ] && [ -f "$DICOMWEB_ENV" ] || die "set DICOMWEB_ENV to the env file written by scripts/dicomweb-servers.sh start"
  for tool in python3 dcmdump cjpeg curl; do command -v "$tool" >/dev/null || die "$tool is missing (run scripts/setup.sh)"; done
  # Default: the corpus the DICOMweb servers were loaded from, else ../shared/dicom.
  local corpus=${DICOM_CORPUS:-$(sed -n 's/^DICOM_CORPUS=//p' "$DICOMWEB_ENV")}
  corpus=${corpus:-$REPO_DIR/../shared/dicom}
  [ -d "$corpus/mr-series-128" ] || die "test corpus not found at $corpus (set DICOM_CORPUS)"
  [ ! -e "$state" ] || [ -z "$(ls -A "$state")" ] || die "$state exists and is not empty"
  mkdir -p "$state" && chmod 700 "$state"
  state=$(cd "$state" && pwd)
  local fhir_data=${FHIR_DATA:-$REPO_DIR/../shared/fhir}
  [ -f "$fhir_data/siim-hackathon/personas-r4.json" ] || die "FHIR personas not found at $fhir_data (set FHIR_DATA)"
  python3 "$SCRIPT_DIR/standins/archives.py" --state "$state" --corpus "$(cd "$corpus" && pwd)" \
    --fhir-data "$(cd "$fhir_data" && pwd)" --dicomweb-env "$DICOMWEB_ENV" </dev/null >"$state/archives.log" 2>&1 &
  local pid=$!
  echo "$pid" >"$state/pid"
  log "archives.py pid $pid, building fixtures (DICOM tags, ZIP, JPEGs)"
  local i=0
  while [ ! -f "$state/env" ]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$state/archives.log" >&2 || true
      rm -rf -- "$state"
      die "archives.py exited during startup (log above)"
    fi
    i=$((i + 1))
    if [ $i -ge 600 ]; then
      tail -n 30 "$state/archives.log" >&2 || true
      stop_standins "$state"
      die "archives.py not ready within 60 s"
    fi
    sleep 0.1
  done
  local nbia_url
  nbia_url=$(sed -n 's/^NBIA_URL=//p' "$state/env")
  curl -sf --max-time 5 -o /dev/null "$nbia_url/getCollectionValues" ||
    { stop_standins "$state"; die "NBIA stand-in does not answer at $nbia_url"; }
  log "ready: $(grep -E '^(NBIA|FHIR|ISIC)_URL=' "$state/env" | tr '\n' ' ')"
}

[ $# -eq 2 ] || die "usage: $0 start|stop|check STATE_DIR"
case "$1" in
  start) start_standins "$2" ;;
  stop) stop_standins "$2" ;;
  check) exec bash "$SCRIPT_DIR/standins-check.sh" "$2" ;;
  *) die "unknown subcommand '$1' (start, stop or check)" ;;
esac
