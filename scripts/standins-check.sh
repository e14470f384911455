#!/usr/bin/env bash
# Self-test of the archive stand-ins (scripts/standins.sh check STATE_DIR): curls every endpoint,
# prints status and size, and fails on the first expectation that does not hold.
set -euo pipefail
STATE=${1:?usage: standins-check.sh STATE_DIR}
[ -f "$STATE/env" ] || { echo "standins-check: $STATE/env missing (start first)" >&2; exit 1; }
set -a; . "$STATE/env"; set +a
TMP=$(mktemp -d "${TMPDIR:-/tmp}/standins-check.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
fail() { printf 'standins-check: FAIL: %s\n' "$*" >&2; exit 1; }
# get NAME EXPECTED_STATUS URL [curl args...]: body in $TMP/NAME, headers in $TMP/NAME.h
get() {
  local name=$1 want=$2 url=$3; shift 3
  local got
  got=$(curl -s --max-time 30 -D "$TMP/$name.h" -o "$TMP/$name" -w '%{http_code}' "$@" "$url")
  printf '%-26s %s %8s bytes  %s\n' "$name" "$got" "$(stat -c %s "$TMP/$name")" "${url#http://127.0.0.1:}"
  [ "$got" = "$want" ] || fail "$name: status $got, expected $want ($(head -c 300 "$TMP/$name"))"
}
jq_py() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); $2" "$TMP/$1"; }
K=(-H "apikey: $FHIR_APIKEY")

echo "== NBIA ($NBIA_URL)"
get collections 200 "$NBIA_URL/getCollectionValues"
jq_py collections "assert [c['Collection'] for c in d] == ['$TCIA_COLLECTION', '$TCIA_EMPTY_COLLECTION'], d"
get patients 200 "$NBIA_URL/getPatient?Collection=$TCIA_COLLECTION"
jq_py patients "assert d[0]['PatientId'] == '$TCIA_PATIENT', d"
get patients-empty 200 "$NBIA_URL/getPatient?Collection=$TCIA_EMPTY_COLLECTION"
[ ! -s "$TMP/patients-empty" ] || fail "empty result must have an empty body"
get studies 200 "$NBIA_URL/getPatientStudy?Collection=$TCIA_COLLECTION&PatientID=$TCIA_PATIENT"
jq_py studies "assert d[0]['StudyInstanceUID'] == '$TCIA_STUDY_UID', d"
get series 200 "$NBIA_URL/getSeries?Collection=$TCIA_COLLECTION&PatientID=$TCIA_PATIENT&StudyInstanceUID=$TCIA_STUDY_UID"
jq_py series "assert d[0]['SeriesInstanceUID'] == '$TCIA_SERIES_UID' and d[0]['ImageCount'] == $TCIA_SERIES_IMAGES, d"
get unknown-param 400 "$NBIA_URL/getPatient?Collection=$TCIA_COLLECTION&PatientName=x"
jq_py series "assert [s['SeriesInstanceUID'] for s in d] == ['$TCIA_SERIES_UID', '$TCIA_RESTRICTED_SERIES_UID'], d"
# JAX-RS @Produces(application/octet-stream): Accept: application/zip is 406, */* and octet-stream pass.
get image-zip-accept-zip 406 "$NBIA_URL/getImage?SeriesInstanceUID=$TCIA_SERIES_UID" -H 'Accept: application/zip'
get image-zip-restricted 400 "$NBIA_URL/getImage?SeriesInstanceUID=$TCIA_RESTRICTED_SERIES_UID" -H 'Accept: */*'
grep -qi '^content-type: text/html' "$TMP/image-zip-restricted.h" || fail "the refusal should be an HTML page"
get image-zip 200 "$NBIA_URL/getImage?SeriesInstanceUID=$TCIA_SERIES_UID" -H 'Accept: application/octet-stream, */*'
grep -qi '^transfer-encoding: chunked' "$TMP/image-zip.h" || fail "getImage should be chunked"
grep -qi '^content-type: application/octet-stream' "$TMP/image-zip.h" || fail "getImage should be application/octet-stream"
unzip -Z1 "$TMP/image-zip" | sed -n 2p | grep -qx '00000001.dcm' || fail "entries should be named 00000001.dcm, ..."
unzip -l "$TMP/image-zip" | sed -n '1,6p;$p'
members=$(unzip -Z1 "$TMP/image-zip" | grep -c '\.dcm$')
[ "$members" = "$TCIA_SERIES_IMAGES" ] || fail "zip holds $members .dcm files, expected $TCIA_SERIES_IMAGES"
unzip -tq "$TMP/image-zip" >/dev/null || fail "zip does not test clean"
get image-zip-unknown 200 "$NBIA_URL/getImage?SeriesInstanceUID=1.2.3"
curl -sf -X POST "$NBIA_BASE/_control/fail?count=2&status=500" >/dev/null
get outage-1 500 "$NBIA_URL/getCollectionValues"
get outage-2 500 "$NBIA_URL/getCollectionValues"
get outage-over 200 "$NBIA_URL/getCollectionValues"
get preflight 204 "$NBIA_URL/getCollectionValues" -X OPTIONS -H 'Origin: http://x' -H 'Access-Control-Request-Method: GET'
grep -qi '^access-control-allow-origin: \*' "$TMP/preflight.h" || fail "no CORS header on preflight"

echo "== FHIR ($FHIR_URL)"
get no-apikey 401 "$FHIR_URL/Patient"
jq_py no-apikey "assert d == {'message': 'No API key found in request'}, d"
grep -qi '^access-control-allow-origin: \*' "$TMP/no-apikey.h" || fail "401 lacks CORS headers"
get wrong-apikey 401 "$FHIR_URL/Patient" -H 'apikey: wrong'
jq_py wrong-apikey "assert d == {'message': 'Invalid authentication credentials'}, d"
curl -sf -X POST "$FHIR_BASE/_control/preflight?reject=1" >/dev/null
get preflight-rejected 401 "$FHIR_URL/Patient" -X OPTIONS -H 'Origin: http://x' -H 'Access-Control-Request-Headers: apikey'
! grep -qi '^access-control-allow-origin' "$TMP/preflight-rejected.h" || fail "a rejected preflight must lack CORS headers"
curl -sf -X POST "$FHIR_BASE/_control/preflight?reject=0" >/dev/null
get preflight-ok 204 "$FHIR_URL/Patient" -X OPTIONS -H 'Origin: http://x' -H 'Access-Control-Request-Headers: apikey'
get persona-medication 200 "$FHIR_URL/MedicationRequest?patient=siimsally&_include=MedicationRequest:medication" "${K[@]}"
jq_py persona-medication "
modes = sorted((e['search']['mode'], e['resource']['resourceType']) for e in d['entry'])
assert modes == [('include', 'Medication'), ('match', 'MedicationRequest')] and d['total'] == 1, modes"
get persona-studies 200 "$FHIR_URL/ImagingStudy?patient=$FHIR_PERSONA_ID" "${K[@]}"
jq_py persona-studies "assert d['total'] == 8, d['total']"
get patient-page-1 200 "$FHIR_URL/Patient?_count=2" "${K[@]}"
url=$(jq_py patient-page-1 "assert d['total'] == $FHIR_PATIENT_COUNT; print(next(l['url'] for l in d['link'] if l['relation'] == 'next'))")
seen=$(jq_py patient-page-1 "print(len(d['entry']))")
page=2
while [ -n "$url" ]; do
  get "patient-page-$page" 200 "$url" "${K[@]}"
  seen=$((seen + $(jq_py "patient-page-$page" "print(len(d.get('entry', [])))")))
  url=$(jq_py "patient-page-$page" "print(next((l['url'] for l in d['link'] if l['relation'] == 'next'), ''))")
  page=$((page + 1))
done
[ "$seen" = "$FHIR_PATIENT_COUNT" ] || fail "next-link walk saw $seen patients, expected $FHIR_PATIENT_COUNT"
get patient-by-name 200 "$FHIR_URL/Patient?name=$FHIR_PATIENT_FAMILY" "${K[@]}"
jq_py patient-by-name "assert d['entry'][0]['resource']['id'] == '$FHIR_PATIENT_ID'"
get patient 200 "$FHIR_URL/Patient/$FHIR_PATIENT_ID" "${K[@]}"
get patient-unknown 404 "$FHIR_URL/Patient/nobody" "${K[@]}"
get fhir-unknown-param 400 "$FHIR_URL/Patient?foo=1" "${K[@]}"
for type in Condition MedicationRequest DiagnosticReport ImagingStudy; do
  get "$type" 200 "$FHIR_URL/$type?patient=$FHIR_PATIENT_ID" "${K[@]}"
  jq_py "$type" "assert d['total'] == 2, d['total']"
done
jq_py ImagingStudy "
uids = {e['resource']['identifier'][0]['value'] for e in d['entry']}
assert uids == {'urn:oid:$FHIR_STUDY_UID', 'urn:oid:$FHIR_CT_STUDY_UID'}, uids
assert any(e['resource']['id'] == '$FHIR_STUDY_ID' for e in d['entry'])"
jq_py DiagnosticReport "
import base64
for e in d['entry']:
    assert base64.b64decode(e['resource']['presentedForm'][0]['data']).decode().startswith(e['resource']['code']['text'])"
get imagingstudy-none 200 "$FHIR_URL/ImagingStudy?patient=pat-nakamura" "${K[@]}"
jq_py imagingstudy-none "assert d['total'] == 0"
get endpoint 200 "$FHIR_URL/Endpoint/e1" "${K[@]}"
jq_py endpoint "assert d['address'] == '$FHIR_ENDPOINT_ADDRESS'"
get dicomweb-via-endpoint 200 "$FHIR_ENDPOINT_ADDRESS/studies?StudyInstanceUID=$FHIR_STUDY_UID" "${K[@]}"

echo "== ISIC ($ISIC_URL)"
url="$ISIC_URL/images/?limit=2"; seen=0; page=1
while [ -n "$url" ]; do
  get "isic-page-$page" 200 "$url"
  seen=$((seen + $(jq_py "isic-page-$page" "print(len(d['results']))")))
  url=$(jq_py "isic-page-$page" "print(d['next'] or '')")
  page=$((page + 1))
done
[ "$seen" = "$ISIC_IMAGE_COUNT" ] || fail "cursor walk saw $seen images, expected $ISIC_IMAGE_COUNT"
get isic-search 200 "$ISIC_URL/images/search/?query=diagnosis_1:Malignant&limit=10"
jq_py isic-search "assert d['count'] == 2, d['count']"
get isic-search-bad 400 "$ISIC_URL/images/search/?query=no_such_field:1"
get isic-bad-cursor 422 "$ISIC_URL/images/?cursor=%%%"
get isic-image 200 "$ISIC_URL/images/$ISIC_IMAGE_ID/"
full=$(jq_py isic-image "print(d['files']['full']['url'])")
size=$(jq_py isic-image "print(d['files']['full']['size'])")
case "$full" in "$ISIC_FILES_BASE"/*) ;; *) fail "full image $full should be on the files host $ISIC_FILES_BASE" ;; esac
get isic-jpeg 200 "$full"
grep -qi '^access-control-allow-origin' "$TMP/isic-jpeg.h" || fail "the files host should send CORS headers by default"
curl -sf -X POST "$ISIC_FILES_BASE/_control/cors?enabled=0" >/dev/null
get isic-jpeg-nocors 200 "$full"
! grep -qi '^access-control-allow-origin' "$TMP/isic-jpeg-nocors.h" || fail "cors=0 should drop CORS headers"
curl -sf -X POST "$ISIC_FILES_BASE/_control/reset" >/dev/null
[ "$(stat -c %s "$TMP/isic-jpeg")" = "$size" ] || fail "JPEG size differs from files.full.size"
[ "$(head -c 3 "$TMP/isic-jpeg" | od -An -tx1 | tr -d ' ')" = "ffd8ff" ] || fail "not a JPEG"
get isic-thumb 200 "$(jq_py isic-image "print(d['files']['thumbnail_256']['url'])")"
get isic-collections 200 "$ISIC_URL/collections/?limit=10"
curl -sf -X POST "$ISIC_BASE/_control/fail?count=1&status=429&retry_after=1" >/dev/null
get isic-throttled 429 "$ISIC_URL/images/?limit=1"
grep -qi '^retry-after: 1' "$TMP/isic-throttled.h" || fail "429 without Retry-After"
get isic-after-throttle 200 "$ISIC_URL/images/?limit=1"
echo "== IDC proxy ($IDC_URL)"
get idc-studies 200 "$IDC_URL/studies?limit=5" -H 'Accept: application/dicom+json'
jq_py idc-studies "assert len(d) > 0, d"
grep -qi '^access-control-allow-origin' "$TMP/idc-studies.h" || fail "the proxy should send CORS headers"
curl -sf -X POST "$IDC_BASE/_control/fail?count=1&status=429&cors=0" >/dev/null
get idc-quota 429 "$IDC_URL/studies?limit=5"
! grep -qi '^access-control-allow-origin' "$TMP/idc-quota.h" || fail "the quota 429 must lack CORS headers"
get idc-after-quota 200 "$IDC_URL/studies?limit=5"
echo "standins-check: all checks passed"
