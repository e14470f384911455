#!/usr/bin/env bash
# Real DICOMweb servers for end-to-end tests: one Orthanc (DICOMweb + GDCM plugins) loaded with
# the test corpus, behind one user-mode nginx with three loopback ports:
#   CORS   — /dicom-web/ proxied as is, CORS headers, OPTIONS preflight answered with 204;
#   APIKEY — the same, but every non-OPTIONS request needs header `apikey: $DICOMWEB_APIKEY`
#            (else 401 with a JSON body and the CORS headers, like the SIIM hackathon gateway);
#   FAULTS — the same as CORS, but 15% of frame requests answer 500, 10% answer 503, 10% are
#            delayed by DICOMWEB_FAULT_DELAY seconds, and 5% of other requests (QIDO, metadata)
#            answer 503 with Retry-After: 1 — clients are expected to retry.
#
# Usage:
#   scripts/dicomweb-servers.sh start STATE_DIR   # starts both, uploads the corpus, writes STATE_DIR/env
#   scripts/dicomweb-servers.sh check STATE_DIR   # self-test with curl, prints what it measures
#   scripts/dicomweb-servers.sh stop  STATE_DIR   # stops exactly the recorded processes, removes STATE_DIR
# Environment (all optional): DICOM_CORPUS (default: ../shared/dicom beside the repo),
# DICOMWEB_APIKEY (default test-key-1234), DICOMWEB_ORTHANC_PORT, DICOMWEB_CORS_PORT,
# DICOMWEB_APIKEY_PORT, DICOMWEB_FAULTS_PORT (default: free ports chosen by the kernel),
# DICOMWEB_FAULT_DELAY (default 0.5 seconds).
# Needs: Orthanc with /usr/share/orthanc/plugins/libOrthancDicomWeb.so and libOrthancGdcm.so,
# nginx with the echo module (Debian's nginx-light depends on libnginx-mod-http-echo), curl, python3.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$SCRIPT_DIR")
ORTHANC_BIN=${ORTHANC_BIN:-/usr/sbin/Orthanc}
NGINX_BIN=${NGINX_BIN:-/usr/sbin/nginx}
PLUGIN_DIR=${ORTHANC_PLUGIN_DIR:-/usr/share/orthanc/plugins}
ECHO_MODULE=${NGINX_ECHO_MODULE:-/usr/lib/nginx/modules/ngx_http_echo_module.so}

die() { printf 'dicomweb-servers: error: %s\n' "$*" >&2; exit 1; }
log() { printf 'dicomweb-servers: %s\n' "$*" >&2; }

# Prints N distinct free loopback TCP ports (bound together, so they differ from each other).
free_ports() {
  python3 - "$1" <<'PY'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
}

# True if PID is alive and its command line mentions STATE_DIR (guards against reused PIDs).
owned_pid_alive() {
  local pid=$1 state=$2
  [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$state"
}

stop_servers() {
  local state=$1
  [ -d "$state" ] || return 0
  state=$(cd "$state" && pwd)
  local children=""
  if [ -f "$state/pids" ]; then
    local name pid
    while read -r name pid; do
      [ -n "$pid" ] || continue
      if owned_pid_alive "$pid" "$state"; then
        children+=" $(pgrep -P "$pid" | tr '\n' ' ' || true)"
        # nginx: SIGTERM to the master is a fast shutdown; Orthanc: SIGTERM is a clean stop.
        kill -TERM "$pid" 2>/dev/null || true
        local waited=0
        while owned_pid_alive "$pid" "$state" && [ $waited -lt 100 ]; do sleep 0.1; waited=$((waited + 1)); done
        if owned_pid_alive "$pid" "$state"; then
          log "$name (pid $pid) ignored SIGTERM for 10 s, sending SIGKILL"
          kill -KILL "$pid" 2>/dev/null || true
          sleep 0.2
        fi
      fi
    done <"$state/pids"
  fi
  # nginx workers are children of the master and exit with it; make sure nothing is left.
  local child left waited=0
  for child in $children; do
    while kill -0 "$child" 2>/dev/null && [ $waited -lt 50 ]; do sleep 0.1; waited=$((waited + 1)); done
    ! kill -0 "$child" 2>/dev/null || left+="$child "
  done
  left+=$(pgrep -f -- "$state/(orthanc.json|nginx.conf)" | tr '\n' ' ' || true)
  left=${left% }
  [ -z "$left" ] || die "processes still running after stop: $(ps -o pid=,args= -p "${left// /,}")"
  rm -rf -- "$state"
}

wait_http() { # URL TIMEOUT_SECONDS PID NAME LOG
  local url=$1 timeout=$2 pid=$3 name=$4 logfile=$5 i=0
  while ! curl -sf -o /dev/null --max-time 2 "$url"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 40 "$logfile" >&2 || true
      die "$name exited during startup (log above: $logfile)"
    fi
    i=$((i + 1))
    if [ $i -ge $((timeout * 5)) ]; then
      tail -n 40 "$logfile" >&2 || true
      die "$name did not answer $url within $timeout s (log above: $logfile)"
    fi
    sleep 0.2
  done
}

write_orthanc_config() { # STATE PORT
  python3 - "$1" "$2" "$PLUGIN_DIR" >"$1/orthanc.json" <<'PY'
import json, sys
state, port, plugins = sys.argv[1], int(sys.argv[2]), sys.argv[3]
json.dump({
    "Name": "dicomweb-test",
    "StorageDirectory": state + "/orthanc-db",
    "IndexDirectory": state + "/orthanc-db",
    "HttpPort": port,
    "HttpServerEnabled": True,
    "DicomServerEnabled": False,
    "RemoteAccessAllowed": False,
    "AuthenticationEnabled": False,
    "SslEnabled": False,
    "HttpThreadsCount": 16,
    "KeepAlive": True,
    "StableAge": 1,
    "SaveJobs": False,
    "StorageCompression": False,
    "ExecuteLuaEnabled": False,
    "Plugins": [plugins + "/libOrthancDicomWeb.so", plugins + "/libOrthancGdcm.so"],
    # No "Host" key: BulkDataURIs then follow the request's Host / Forwarded headers.
    "DicomWeb": {
        "Enable": True,
        "Root": "/dicom-web/",
        "EnableWado": False,
        "Ssl": False,
        "StudiesMetadata": "Full",
        "SeriesMetadata": "Full",
    },
    "Gdcm": {"Enable": True},
}, sys.stdout, indent=2)
PY
}

# Shared CORS headers, included in every location (add_header is not inherited once a
# location has its own). `always`: error responses carry them too, so a browser sees the
# 401/500/503 instead of reporting a CORS failure.
write_nginx_includes() { # STATE
  cat >"$1/nginx-cors.conf" <<'EOF'
add_header Access-Control-Allow-Origin "*" always;
add_header Access-Control-Allow-Methods "GET, OPTIONS" always;
add_header Access-Control-Allow-Headers "apikey, Authorization, Accept, Content-Type" always;
add_header Access-Control-Expose-Headers "Content-Type, Content-Length, Retry-After" always;
add_header Access-Control-Max-Age "600" always;
add_header Retry-After $retry_after always;
EOF
  cat >"$1/nginx-proxy.conf" <<'EOF'
proxy_pass http://orthanc;
proxy_http_version 1.1;
proxy_set_header Connection "";
proxy_set_header Host $http_host;
proxy_set_header X-Forwarded-Host $http_host;
proxy_set_header X-Forwarded-Proto $scheme;
proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
# Orthanc's DICOMweb plugin 1.7 builds BulkDataURIs from Forwarded (host and proto, taken
# verbatim: RFC 7239 quotes would end up in the URL), else from Host; it ignores X-Forwarded-*.
proxy_set_header Forwarded "proto=$scheme;host=$http_host";
EOF
  cat >"$1/nginx-preflight.conf" <<'EOF'
if ($request_method = OPTIONS) { return 204; }
EOF
}

write_nginx_config() { # STATE ORTHANC_PORT CORS_PORT APIKEY_PORT FAULTS_PORT KEY DELAY
  local state=$1 orthanc_port=$2 cors_port=$3 apikey_port=$4 faults_port=$5 key=$6 delay=$7
  local user_line=""
  # As root, nginx would switch its worker to `nobody`, which cannot enter the 0700 state dir.
  [ "$(id -u)" = 0 ] && user_line="user root;"
  case "$key" in *[!A-Za-z0-9._~-]*) die "DICOMWEB_APIKEY may only contain A-Z a-z 0-9 . _ ~ -";; esac
  case "$delay" in *[!0-9.]*|'') die "DICOMWEB_FAULT_DELAY must be a number of seconds";; esac
  write_nginx_includes "$state"
  cat >"$state/nginx.conf" <<EOF
$user_line
load_module $ECHO_MODULE;
daemon off;
worker_processes 1;
pid $state/nginx.pid;
error_log $state/nginx-error.log warn;
events { worker_connections 512; }
http {
  default_type application/json;
  log_format dw '\$server_port \$request_method "\$request_uri" \$status \$body_bytes_sent \$request_time fault=\$frame_fault/\$other_fault';
  access_log $state/nginx-access.log dw;
  client_body_temp_path $state/nginx-tmp/body;
  proxy_temp_path $state/nginx-tmp/proxy;
  fastcgi_temp_path $state/nginx-tmp/fastcgi;
  uwsgi_temp_path $state/nginx-tmp/uwsgi;
  scgi_temp_path $state/nginx-tmp/scgi;
  proxy_buffering on;
  proxy_buffers 32 64k;
  proxy_busy_buffers_size 256k;
  proxy_max_temp_file_size 0;
  proxy_read_timeout 120s;
  # Empty values add no header: only the injected 503s (and Orthanc's own) carry Retry-After.
  map \$status \$retry_after { 503 1; default ""; }
  upstream orthanc { server 127.0.0.1:$orthanc_port; keepalive 16; }
  # \$request_id is 32 random hex digits per request: the shares hold over many requests.
  split_clients "\${request_id}" \$frame_fault { 15% "500"; 10% "503"; 10% "slow"; * ""; }
  split_clients "\${request_id}q" \$other_fault { 5% "503"; * ""; }

  server { # CORS
    listen 127.0.0.1:$cors_port;
    location /dicom-web/ {
      include $state/nginx-cors.conf;
      include $state/nginx-preflight.conf;
      include $state/nginx-proxy.conf;
    }
  }

  server { # APIKEY
    listen 127.0.0.1:$apikey_port;
    location /dicom-web/ {
      include $state/nginx-cors.conf;
      include $state/nginx-preflight.conf;
      if (\$http_apikey != "$key") {
        return 401 '{"error":"missing or wrong apikey header"}\n';
      }
      include $state/nginx-proxy.conf;
    }
  }

  server { # FAULTS
    listen 127.0.0.1:$faults_port;
    location /dicom-web/ {
      include $state/nginx-cors.conf;
      include $state/nginx-preflight.conf;
      if (\$other_fault = "503") { return 503 '{"error":"injected fault 503"}\n'; }
      include $state/nginx-proxy.conf;
      location ~ /frames/ {
        include $state/nginx-cors.conf;
        include $state/nginx-preflight.conf;
        if (\$frame_fault = "500") { return 500 '{"error":"injected fault 500"}\n'; }
        if (\$frame_fault = "503") { return 503 '{"error":"injected fault 503"}\n'; }
        if (\$frame_fault = "slow") { rewrite ^ /_slow\$uri last; }
        include $state/nginx-proxy.conf;
      }
    }
    location /_slow/ {
      internal;
      echo_sleep $delay;
      echo_exec @slow_proxy;
    }
    location @slow_proxy {
      include $state/nginx-cors.conf;
      rewrite ^/_slow(/.*)\$ \$1 break;
      include $state/nginx-proxy.conf;
    }
  }
}
EOF
}

# Uploads every DICOM file (preamble + "DICM") under the corpus folders; writes STATE/uploads.tsv
# (path, Orthanc status) and fails if any mr-series-128 slice is not stored.
upload_corpus() { # STATE ORTHANC_URL CORPUS
  local state=$1 url=$2 corpus=$3
  python3 - "$corpus" mr-series-128 wg04 dcmqi >"$state/upload-list" <<'PY'
import os, sys
root = sys.argv[1]
for folder in sys.argv[2:]:
    for dirpath, _, names in sorted(os.walk(os.path.join(root, folder))):
        for name in sorted(names):
            path = os.path.join(dirpath, name)
            with open(path, "rb") as f:
                if f.read(132)[128:] == b"DICM":
                    print(os.path.relpath(path, root))
PY
  local count
  count=$(wc -l <"$state/upload-list")
  log "uploading $count DICOM files from $corpus (4 in parallel)"
  (cd "$corpus" && xargs -d '\n' -P4 -n1 sh -c '
      if r=$(curl -sf --max-time 60 --data-binary @"$1" "$0/instances"); then
        printf "%s\t%s\n" "$1" "$(printf "%s" "$r" | tr -d "\n")"
      else
        printf "%s\tFAILED\n" "$1"
      fi' "$url" <"$state/upload-list") >"$state/uploads.raw"
  python3 - "$state/uploads.raw" >"$state/uploads.tsv" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    path, _, answer = line.rstrip("\n").partition("\t")
    status, orthanc_id = "FAILED", ""
    if answer != "FAILED":
        try:
            reply = json.loads(answer)
            status, orthanc_id = reply.get("Status", "?"), reply.get("ID", "")
        except ValueError:
            status = "BAD-REPLY"
    print(f"{path}\t{status}\t{orthanc_id}")
PY
  local failed mr_ok
  failed=$(awk -F'\t' '$2 != "Success" && $2 != "AlreadyStored"' "$state/uploads.tsv")
  mr_ok=$(awk -F'\t' '$1 ~ /^mr-series-128\// && ($2 == "Success" || $2 == "AlreadyStored")' "$state/uploads.tsv" | wc -l)
  log "uploaded: $(awk -F'\t' '$2 == "Success"' "$state/uploads.tsv" | wc -l) stored," \
    "$(awk -F'\t' '$2 == "AlreadyStored"' "$state/uploads.tsv" | wc -l) already stored (same SOP Instance UID)," \
    "$(printf '%s' "$failed" | grep -c . || true) failed"
  [ -z "$failed" ] || printf '%s\n' "$failed" | sed 's/^/dicomweb-servers: upload failed: /' >&2
  [ "$mr_ok" -eq 128 ] || die "only $mr_ok of 128 mr-series-128 slices were stored (see $state/orthanc.log)"
}

# STATE/instances.tsv: SOPInstanceUID, StudyInstanceUID, SeriesInstanceUID, corpus-relative path
# (one line per uploaded file), joined from Orthanc's REST answers for the upload IDs.
write_instance_list() { # STATE ORTHANC_URL
  python3 - "$1/uploads.tsv" "$2" >"$1/instances.tsv" <<'PY'
import json, sys, urllib.request
uploads, base = sys.argv[1], sys.argv[2]
def get(path):
    with urllib.request.urlopen(base + path, timeout=60) as r:
        return json.load(r)
instances = {i["ID"]: i for i in get("/instances?expand")}
series = {s["ID"]: s for s in get("/series?expand")}
studies = {s["ID"]: s for s in get("/studies?expand")}
for line in open(uploads):
    path, status, orthanc_id = line.rstrip("\n").split("\t")
    if orthanc_id not in instances:
        continue
    inst = instances[orthanc_id]
    ser = series[inst["ParentSeries"]]
    stu = studies[ser["ParentStudy"]]
    print("\t".join([inst["MainDicomTags"]["SOPInstanceUID"], stu["MainDicomTags"]["StudyInstanceUID"],
                     ser["MainDicomTags"]["SeriesInstanceUID"], path]))
PY
}

# Prints "STUDY SERIES" of the mr-series-128 slices, found by QIDO through the CORS port.
discover_mr_series() { # STATE CORS_URL
  local sop
  sop=$(awk -F'\t' '$4 == "mr-series-128/slice0.dcm" {print $1}' "$1/instances.tsv")
  [ -n "$sop" ] || die "mr-series-128/slice0.dcm is not in $1/instances.tsv"
  curl -sf --max-time 30 "$2/instances?SOPInstanceUID=$sop&includefield=0020000D&includefield=0020000E" |
    python3 -c '
import json, sys
(hit,) = json.load(sys.stdin)
print(hit["0020000D"]["Value"][0], hit["0020000E"]["Value"][0])'
}

start_servers() {
  local state=$1
  [ ! -e "$state" ] || [ -z "$(ls -A "$state")" ] || die "$state exists and is not empty"
  for f in "$ORTHANC_BIN" "$NGINX_BIN" "$PLUGIN_DIR/libOrthancDicomWeb.so" "$PLUGIN_DIR/libOrthancGdcm.so" "$ECHO_MODULE"; do
    [ -e "$f" ] || die "$f is missing (run scripts/setup.sh)"
  done
  command -v curl >/dev/null || die "curl is missing (run scripts/setup.sh)"
  command -v python3 >/dev/null || die "python3 is missing"
  local corpus=${DICOM_CORPUS:-$REPO_DIR/../shared/dicom}
  [ -d "$corpus/mr-series-128" ] || die "test corpus not found at $corpus (set DICOM_CORPUS)"
  corpus=$(cd "$corpus" && pwd)
  mkdir -p "$state/nginx-tmp"
  chmod 700 "$state"
  state=$(cd "$state" && pwd)
  : >"$state/pids"
  # A failure from here on stops what was started, so no process outlives a failed start.
  STARTING_STATE=$state
  trap 'rc=$?; [ $rc -eq 0 ] || { log "start failed, stopping what was started"; stop_servers "$STARTING_STATE" || true; }' EXIT

  local ports orthanc_port cors_port apikey_port faults_port
  ports=$(free_ports 4)
  read -r orthanc_port cors_port apikey_port faults_port <<<"$ports"
  orthanc_port=${DICOMWEB_ORTHANC_PORT:-$orthanc_port}
  cors_port=${DICOMWEB_CORS_PORT:-$cors_port}
  apikey_port=${DICOMWEB_APIKEY_PORT:-$apikey_port}
  faults_port=${DICOMWEB_FAULTS_PORT:-$faults_port}
  local key=${DICOMWEB_APIKEY:-test-key-1234}
  local delay=${DICOMWEB_FAULT_DELAY:-0.5}
  local orthanc_url="http://127.0.0.1:$orthanc_port"

  write_orthanc_config "$state" "$orthanc_port"
  "$ORTHANC_BIN" "$state/orthanc.json" </dev/null >"$state/orthanc.log" 2>&1 &
  echo "orthanc $!" >>"$state/pids"
  log "Orthanc pid $! on $orthanc_url, waiting for /system"
  wait_http "$orthanc_url/system" 30 "$!" Orthanc "$state/orthanc.log"

  upload_corpus "$state" "$orthanc_url" "$corpus"
  write_instance_list "$state" "$orthanc_url"

  write_nginx_config "$state" "$orthanc_port" "$cors_port" "$apikey_port" "$faults_port" "$key" "$delay"
  "$NGINX_BIN" -t -q -p "$state/" -e "$state/nginx-error.log" -c "$state/nginx.conf" 2>>"$state/nginx-error.log" ||
    { cat "$state/nginx-error.log" >&2; die "nginx rejected $state/nginx.conf"; }
  "$NGINX_BIN" -p "$state/" -e "$state/nginx-error.log" -c "$state/nginx.conf" </dev/null >>"$state/nginx-error.log" 2>&1 &
  echo "nginx $!" >>"$state/pids"
  log "nginx pid $! on ports $cors_port (CORS) $apikey_port (APIKEY) $faults_port (FAULTS)"
  local cors_url="http://127.0.0.1:$cors_port/dicom-web"
  wait_http "$cors_url/studies?limit=1" 30 "$!" nginx "$state/nginx-error.log"

  local mr
  mr=$(discover_mr_series "$state" "$cors_url")
  cat >"$state/env" <<EOF
ORTHANC_URL=$orthanc_url
DICOMWEB_CORS_URL=$cors_url
DICOMWEB_APIKEY_URL=http://127.0.0.1:$apikey_port/dicom-web
DICOMWEB_FAULTS_URL=http://127.0.0.1:$faults_port/dicom-web
DICOMWEB_APIKEY=$key
DICOMWEB_FAULT_DELAY=$delay
DICOMWEB_STATE_DIR=$state
DICOMWEB_INSTANCES_TSV=$state/instances.tsv
DICOM_CORPUS=$corpus
MR_STUDY_UID=${mr% *}
MR_SERIES_UID=${mr#* }
EOF
  trap - EXIT
  log "ready: $(wc -l <"$state/instances.tsv") instances; variables in $state/env"
}

[ $# -eq 2 ] || die "usage: $0 start|stop|check STATE_DIR"
case "$1" in
  start) start_servers "$2" ;;
  stop) stop_servers "$2" ;;
  check) exec bash "$SCRIPT_DIR/dicomweb-check.sh" "$2" ;;
  *) die "unknown subcommand '$1' (start, stop or check)" ;;
esac
