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
# Not probed here: a frame request without transfer-syntax=* makes Orthanc transcode, and
# transcoding JPEG 2000 through the GDCM plugin intermittently segfaults Orthanc 1.10 (stack
# overflow in libgdcmMSFF in a web-server thread). Clients must always send transfer-syntax=*.
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

echo "== FAULTS port: 200 frame requests and 200 QIDO requests (4 in parallel)"
awk -F'\t' '$4 ~ /^mr-series-128\// {printf "studies/%s/series/%s/instances/%s/frames/1\n", $2, $3, $1}' \
  "$DICOMWEB_INSTANCES_TSV" >"$TMP/mr-frames"
expect "MR frame URLs" "$(wc -l <"$TMP/mr-frames")" 128
for _ in 1 2; do cat "$TMP/mr-frames"; done | head -n 200 |
  xargs -P4 -I{} curl -s -o /dev/null -H "Accept: $FRAME_ACCEPT" -w '%{http_code} %{time_total}\n' "$DICOMWEB_FAULTS_URL/{}" >"$TMP/faults"
python3 - "$TMP/faults" "$DICOMWEB_FAULT_DELAY" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1])]
delay = float(sys.argv[2])
ok = [float(t) for c, t in rows if c == "200"]
slow = [t for t in ok if t >= 0.8 * delay]
fast = [t for t in ok if t < 0.8 * delay]
n = len(rows)
count = lambda code: sum(1 for c, _ in rows if c == code)
print(f"  frames: {n} requests: 500 x{count('500')} ({100*count('500')/n:.0f}%, configured 15%), "
      f"503 x{count('503')} ({100*count('503')/n:.0f}%, configured 10%), "
      f"slow 200 x{len(slow)} ({100*len(slow)/n:.0f}%, configured 10%), fast 200 x{len(fast)}")
if slow:
    print(f"  slow responses took {min(slow):.3f}..{max(slow):.3f} s (configured delay {delay} s); "
          f"fast ones median {sorted(fast)[len(fast)//2]*1000:.1f} ms")
other = n - count("500") - count("503") - len(ok)
if other or not (5 <= count("500") <= 55 and 2 <= count("503") <= 45 and 2 <= len(slow) <= 45):
    print("  FAIL fault shares outside the expected range"); sys.exit(1)
print("  ok   fault shares within the expected range")
PY
for _ in $(seq 200); do echo "studies?limit=1"; done |
  xargs -P4 -I{} curl -s -o /dev/null -w '%{http_code}\n' "$DICOMWEB_FAULTS_URL/{}" | sort | uniq -c |
  sed 's/^ */  QIDO on FAULTS port: /; s/$/ (configured: 5% 503)/'
for attempt in $(seq 100); do
  code=$(curl -s -o "$TMP/b" -D "$TMP/h" -w '%{http_code}' -H "Accept: $FRAME_ACCEPT" -H "Origin: $ORIGIN" \
    "$DICOMWEB_FAULTS_URL/$(head -n1 "$TMP/mr-frames")")
  [ "$code" = 503 ] && break
done
expect "an injected 503 (after $attempt tries) carries Access-Control-Allow-Origin" "$(header "$TMP/h" Access-Control-Allow-Origin)" "*"
expect "an injected 503 carries Retry-After" "$(header "$TMP/h" Retry-After)" 1

echo "== throughput: the 128 MR frames through the CORS port (the server's own time, no browser)"
calc() { python3 -c "print($1)"; }
fetch_frames() { # URL-LIST-FILE: one curl, one keep-alive connection, all bodies to stdout
  sed "s|^|$DICOMWEB_CORS_URL/|" "$1" | xargs curl -sf -H "Accept: $FRAME_ACCEPT"
}
start=$(date +%s.%N)
bytes=$(fetch_frames "$TMP/mr-frames" | wc -c)
seq_s=$(calc "$(date +%s.%N) - $start")
split -n l/6 "$TMP/mr-frames" "$TMP/part."
start=$(date +%s.%N)
par_bytes=$(for p in "$TMP"/part.*; do fetch_frames "$p" & done | wc -c)
par_s=$(calc "$(date +%s.%N) - $start")
start=$(date +%s.%N)
sed "s|^|$DICOMWEB_CORS_URL/|" "$TMP/mr-frames" | xargs -P6 -n1 curl -sf -o /dev/null -H "Accept: $FRAME_ACCEPT"
xargs_s=$(calc "$(date +%s.%N) - $start")
printf '  sequential, 1 connection:        %.3f s, %.0f req/s, %d bytes\n' "$seq_s" "$(calc "128 / $seq_s")" "$bytes"
printf '  6 connections (6 curl, 21-22 each): %.3f s, %.0f req/s, %d bytes\n' "$par_s" "$(calc "128 / $par_s")" "$par_bytes"
printf '  xargs -P6, one curl per frame:   %.3f s, %.0f req/s\n' "$xargs_s" "$(calc "128 / $xargs_s")"

echo "== QIDO-RS parameter support (info, via the CORS port)"
python3 - "$DICOMWEB_CORS_URL" "$MR_STUDY_UID" "$MR_SERIES_UID" <<'PY'
import json, sys, urllib.error, urllib.request
base, mr_study, mr_series = sys.argv[1:4]
def qido(path, **params):
    # Values are sent as typed (no percent-encoding): Orthanc does not treat %2A as a wildcard.
    url = f"{base}/{path}" + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            body = r.read()
            return r.status, (json.loads(body) if body.strip() else [])
    except urllib.error.HTTPError as e:
        return e.code, []
def value(item, tag):
    v = item.get(tag, {}).get("Value", [None])[0]
    return v.get("Alphabetic") if isinstance(v, dict) else v
def report(label, path, **params):
    status, items = qido(path, **params)
    print(f"  {label}: HTTP {status}, {len(items)} results")
    return items
_, studies = qido("studies")
print(f"  /studies default answer: {len(studies)} studies; tags of one: {sorted(studies[0])}")
report("studies limit=2", "studies", limit=2)
a = [value(s, "0020000D") for s in qido("studies", limit=3)[1]]
b = [value(s, "0020000D") for s in qido("studies", limit=2, offset=1)[1]]
print(f"  offset=1&limit=2 equals items 2-3 of limit=3: {a[1:] == b}")
report("instances at root limit=5", "instances", limit=5)
report("series at root", "series")
mr = next(s for s in studies if value(s, "0020000D") == mr_study)
name, date = value(mr, "00100010"), value(mr, "00080020")
print(f"  mr-series-128 study: PatientName={name!r} StudyDate={date!r} ModalitiesInStudy={mr.get('00080061', {}).get('Value')}")
dated = next((s for s in studies if value(s, "00080020")), None)
if dated:
    d = value(dated, "00080020")
    for q in (d, f"{d}-", f"-{d}", f"{d}-{d}", f"{int(d[:4]) - 1}0101-{int(d[:4]) + 1}1231", "19000101-19000102"):
        report(f"StudyDate={q}", "studies", StudyDate=q)
if name:
    report(f"PatientName={name[:3]}* (wildcard)", "studies", PatientName=name[:3] + "*")
    report(f"PatientName={name[:3].lower()}* (wildcard, other case)", "studies", PatientName=name[:3].lower() + "*")
    report(f"PatientName={name[:3].lower()}* &fuzzymatching=true", "studies", PatientName=name[:3].lower() + "*", fuzzymatching="true")
    report(f"PatientName={name[:3]}%2A (percent-encoded wildcard)", "studies", PatientName=name[:3] + "%2A")
    report(f"PatientName={name[:3]} (no wildcard, prefix only)", "studies", PatientName=name[:3])
    report("PatientName=?" + name[1:] + " (? wildcard)", "studies", PatientName="?" + name[1:])
for m in ("MR", "CT", "MR\\CT", "MR,CT"):
    report(f"ModalitiesInStudy={m}", "studies", ModalitiesInStudy=m)
report("series Modality=MR", "series", Modality="MR")
report(f"StudyInstanceUID list (2 UIDs, comma)", "studies", StudyInstanceUID=f"{mr_study},{value(studies[1], '0020000D')}")
described = next((value(s, "0020000D") for s in studies if value(s, "0020000D") != mr_study and
                   qido("studies", StudyInstanceUID=value(s, "0020000D"), includefield="00081030")[1][0].get("00081030")), None)
for field in ("", "00081030", "StudyDescription", "all", "00081030,00080060"):
    _, items = qido("studies", StudyInstanceUID=described, **({"includefield": field} if field else {}))
    print(f"  includefield={field or '(none)'} on a study with a StudyDescription: {len(items[0]) if items else 0} tags, "
          f"StudyDescription 00081030 present: {bool(items) and '00081030' in items[0]}")
_, items = qido(f"studies/{mr_study}/series/{mr_series}/instances", includefield="00200032")
print(f"  instances of MR series: {len(items)}, ImagePositionPatient via includefield: {bool(items) and '00200032' in items[0]}; tags: {sorted(items[0]) if items else []}")
_, items = qido(f"studies/{mr_study}/series/{mr_series}/instances", limit=10, offset=120)
print(f"  instances of MR series limit=10&offset=120: {len(items)}")
_, items = qido("studies", orderby="StudyDate")
print(f"  orderby=StudyDate: HTTP {qido('studies', orderby='StudyDate')[0]} (ignored or applied: {len(items)} results)")
PY

expect "Orthanc still alive after the checks" "$(curl -s -o /dev/null -w '%{http_code}' "$ORTHANC_URL/system")" 200
[ "$fails" -eq 0 ] || { echo "check: $fails expectation(s) failed" >&2; exit 1; }
echo "check: all expectations met"
