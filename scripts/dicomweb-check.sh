#!/usr/bin/env bash
# Self-test of the servers started by `scripts/dicomweb-servers.sh start STATE_DIR`: checks with
# curl what the end-to-end tests rely on (CORS, apikey gate, metadata BulkDataURIs, frames served
# without transcoding, injected faults) and prints measurements (fault shares, delays, frame
# throughput, which WADO-RS/QIDO-RS features Orthanc's DICOMweb plugin supports).
# Usage: scripts/dicomweb-servers.sh check STATE_DIR   (fails on the first broken expectation)
set -euo pipefail
STATE=${1:?usage: dicomweb-check.sh STATE_DIR}
[ -f "$STATE/env" ] || { echo "check: $STATE/env missing: start the servers first" >&2; exit 1; }
# shellcheck source=/dev/null
. "$STATE/env"
TMP=$(mktemp -d)
trap 'rm -rf -- "$TMP"' EXIT
ORIGIN="http://localhost:8080"
FRAME_ACCEPT='multipart/related; type="application/octet-stream"; transfer-syntax=*'
fails=0
ok() { printf '  ok   %s\n' "$*"; }
bad() { printf '  FAIL %s\n' "$*"; fails=$((fails + 1)); }
expect() { # DESCRIPTION ACTUAL EXPECTED
  if [ "$2" = "$3" ]; then ok "$1: $2"; else bad "$1: got '$2', expected '$3'"; fi
}
header() { grep -i "^$2:" "$1" | head -n1 | cut -d' ' -f2- | tr -d '\r'; }
sop_of() { awk -F'\t' -v p="$1" '$4 == p {print $1; exit}' "$DICOMWEB_INSTANCES_TSV"; }
instance_path() { # corpus-relative path -> studies/S/series/R/instances/I
  awk -F'\t' -v p="$1" '$4 == p {printf "studies/%s/series/%s/instances/%s", $2, $3, $1; exit}' "$DICOMWEB_INSTANCES_TSV"
}
# Prints "parts=N" then "content-type<TAB>length" per part of a multipart/related body.
multipart_parts() { # BODY_FILE CONTENT_TYPE
  python3 - "$1" "$2" <<'PY'
import re, sys
body, ctype = open(sys.argv[1], "rb").read(), sys.argv[2]
boundary = re.search(r'boundary="?([^";]+)"?', ctype).group(1).encode()
chunks = body.split(b"--" + boundary)[1:-1]
print(f"parts={len(chunks)}")
for chunk in chunks:
    head, _, data = chunk.lstrip(b"\r\n").partition(b"\r\n\r\n")
    types = [l.split(b":", 1)[1].strip().decode() for l in head.split(b"\r\n") if l.lower().startswith(b"content-type:")]
    print(f"{types[0] if types else '?'}\t{len(data) - 2}")
PY
}

echo "== CORS port: QIDO"
curl -s -D "$TMP/h" -o "$TMP/b" -H "Origin: $ORIGIN" "$DICOMWEB_CORS_URL/studies"
expect "GET /studies Content-Type" "$(header "$TMP/h" Content-Type)" "application/dicom+json"
expect "GET /studies Access-Control-Allow-Origin" "$(header "$TMP/h" Access-Control-Allow-Origin)" "*"
echo "  studies: $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$TMP/b")"

echo "== APIKEY port"
code=$(curl -s -o /dev/null -D "$TMP/h" -w '%{http_code}' -X OPTIONS -H "Origin: $ORIGIN" \
  -H 'Access-Control-Request-Method: GET' -H 'Access-Control-Request-Headers: apikey' "$DICOMWEB_APIKEY_URL/studies")
expect "preflight OPTIONS without key" "$code" 204
expect "preflight Access-Control-Allow-Headers" "$(header "$TMP/h" Access-Control-Allow-Headers)" "apikey, Authorization, Accept, Content-Type"
expect "preflight Access-Control-Allow-Methods" "$(header "$TMP/h" Access-Control-Allow-Methods)" "GET, OPTIONS"
code=$(curl -s -o "$TMP/b" -D "$TMP/h" -w '%{http_code}' -H "Origin: $ORIGIN" "$DICOMWEB_APIKEY_URL/studies")
expect "GET without key" "$code" 401
expect "401 carries Access-Control-Allow-Origin" "$(header "$TMP/h" Access-Control-Allow-Origin)" "*"
echo "  401 body: $(cat "$TMP/b")"
expect "GET with wrong key" "$(curl -s -o /dev/null -w '%{http_code}' -H 'apikey: wrong' "$DICOMWEB_APIKEY_URL/studies")" 401
expect "GET with key" "$(curl -s -o /dev/null -w '%{http_code}' -H "apikey: $DICOMWEB_APIKEY" "$DICOMWEB_APIKEY_URL/studies")" 200

echo "== series metadata and BulkDataURIs"
for base in "$DICOMWEB_CORS_URL" "$DICOMWEB_APIKEY_URL"; do
  curl -s -o "$TMP/meta" -H "apikey: $DICOMWEB_APIKEY" "$base/studies/$MR_STUDY_UID/series/$MR_SERIES_UID/metadata"
  read -r count uri < <(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(len(d), d[0]["7FE00010"]["BulkDataURI"])' "$TMP/meta")
  expect "metadata instances via ${base%/dicom-web}" "$count" 128
  case "$uri" in "$base/studies/$MR_STUDY_UID/series/$MR_SERIES_UID/instances/"*/bulk/7fe00010) ok "BulkDataURI: $uri" ;;
    *) bad "BulkDataURI does not point at $base: $uri" ;; esac
done

echo "== WADO-RS frames (Accept: any transfer syntax): served as stored, never transcoded"
frame_check() { # CORPUS_PATH ACCEPT LABEL
  local path=$1 accept=$2 label=$3 id ts raw_len code ctype parts
  id=$(awk -F'\t' -v p="$path" '$1 == p {print $3; exit}' "$DICOMWEB_STATE_DIR/uploads.tsv")
  ts=$(curl -sf "$ORTHANC_URL/instances/$id/metadata/TransferSyntax")
  raw_len=$(curl -sf "$ORTHANC_URL/instances/$id/frames/0/raw" | wc -c)
  code=$(curl -s -o "$TMP/frame" -D "$TMP/h" -w '%{http_code}' -H "Accept: $accept" \
    "$DICOMWEB_CORS_URL/$(instance_path "$path")/frames/1")
  ctype=$(header "$TMP/h" Content-Type)
  if [ "$code" != 200 ]; then bad "$path ($label): HTTP $code"; return; fi
  parts=$(multipart_parts "$TMP/frame" "$ctype")
  local part_type part_len
  IFS=$'\t' read -r part_type part_len < <(printf '%s\n' "$parts" | sed -n 2p)
  local summary="$path [$label]: stored $ts, file $(wc -c <"$DICOM_CORPUS/$path") B, part '$part_type' $part_len B, Orthanc raw frame $raw_len B"
  if [ "$(printf '%s\n' "$parts" | head -n1)" = parts=1 ] && [ "$part_len" = "$raw_len" ] &&
    case "$part_type" in *"transfer-syntax=$ts"*) true ;; *) false ;; esac; then ok "$summary"; else bad "$summary"; fi
}
frame_check mr-series-128/slice0.dcm "$FRAME_ACCEPT" quoted
frame_check mr-series-128/slice0.dcm 'multipart/related; type=application/octet-stream; transfer-syntax=*' unquoted
for variant in REF/MR1_UNC RLE/MR1_RLE JPLL/MR1_JPLL JLSL/MR1_JLSL JLSN/MR1_JLSN J2KR/MR1_J2KR J2KI/MR1_J2KI JPLY/MR1_JPLY; do
  [ -n "$(sop_of "wg04/$variant")" ] || { echo "  skip wg04/$variant (not in the corpus)"; continue; }
  frame_check "wg04/$variant" "$FRAME_ACCEPT" quoted
done
code=$(curl -s -o "$TMP/frame" -D "$TMP/h" -w '%{http_code}' -H 'Accept: multipart/related; type="application/octet-stream"' \
  "$DICOMWEB_CORS_URL/$(instance_path wg04/J2KR/MR1_J2KR)/frames/1")
echo "  info J2KR frame without transfer-syntax parameter: HTTP $code, $(header "$TMP/h" Content-Type | cut -c1-60)..., part: $(multipart_parts "$TMP/frame" "$(header "$TMP/h" Content-Type)" | sed -n 2p)"
code=$(curl -s -o "$TMP/frame" -D "$TMP/h" -w '%{http_code}' -H "Accept: $FRAME_ACCEPT" \
  "$DICOMWEB_CORS_URL/$(instance_path mr-series-128/slice0.dcm)/bulk/7fe00010")
echo "  info MR BulkDataURI (bulk/7fe00010): HTTP $code, $(header "$TMP/h" Content-Type | cut -c1-70)"

echo "== other WADO-RS endpoints on mr-series-128/slice64.dcm (info: what Orthanc 1.10 + DICOMweb plugin 1.7 support)"
mr_instance=$(instance_path mr-series-128/slice64.dcm)
for suffix in rendered thumbnail frames/1/rendered frames/1/thumbnail; do
  for accept in image/jpeg image/png; do
    code=$(curl -s -o "$TMP/b" -D "$TMP/h" -w '%{http_code}' -H "Accept: $accept" "$DICOMWEB_CORS_URL/$mr_instance/$suffix")
    echo "  info GET instance/$suffix Accept $accept: HTTP $code $(header "$TMP/h" Content-Type) $(wc -c <"$TMP/b") B"
  done
done
for suffix in "studies/$MR_STUDY_UID/series/$MR_SERIES_UID/rendered" "studies/$MR_STUDY_UID/series/$MR_SERIES_UID/thumbnail" "studies/$MR_STUDY_UID/thumbnail"; do
  echo "  info GET ${suffix##*/} on ${suffix%/*/*} level: HTTP $(curl -s -o /dev/null -w '%{http_code}' -H 'Accept: image/jpeg' "$DICOMWEB_CORS_URL/$suffix")"
done
