"""Shared HTTP plumbing for the archive stand-ins (NBIA, FHIR, ISIC): CORS, JSON replies,
query parsing, and the fault-injection control endpoints every stand-in carries.

Control endpoints (not part of any real API; on every stand-in's port, outside its API prefix):
  POST /_control/fail?count=N&status=S[&retry_after=R][&cors=0]  the next N API requests answer S
       (default 500; with Retry-After: R when given, e.g. status=429&retry_after=1; cors=0: without
       CORS headers, as IDC's proxy sends its quota 429 — OHIF issue #1598 — so the browser
       reports a network error, not the status)
  POST /_control/reset                                    clears pending failures and counters
  GET  /_control/stats                                    {"requests": n, "injected": m, "pending": k}
  POST /_control/cors?enabled=0|1                         answers without (0) or with (1) CORS headers
Counted API requests exclude OPTIONS preflights and /_control/ itself.
"""
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "apikey, Authorization, Accept, Content-Type",
    "Access-Control-Expose-Headers": "Content-Type, Content-Length, Retry-After",
    "Access-Control-Max-Age": "600",
}


class FaultState:
    """Pending injected failures and request counters of one stand-in (thread-safe)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.pending = []  # list of (status, retry_after or None, cors), consumed front first
        self.requests = 0
        self.injected = 0

    def next_fault(self):
        with self.lock:
            self.requests += 1
            if not self.pending:
                return None
            self.injected += 1
            return self.pending.pop(0)


class StandinServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, name, handler_class, app):
        super().__init__(("127.0.0.1", 0), handler_class)
        self.name = name
        self.app = app  # the stand-in's state: fixtures, paging tables
        self.faults = FaultState()
        self.cors = True  # False: answers carry no CORS headers (the browser cannot read them)

    @property
    def base(self):
        return f"http://127.0.0.1:{self.server_address[1]}"


class StandinHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "standin/1"

    # -- replies ---------------------------------------------------------------------------
    def send_cors(self):
        if getattr(self, "no_cors", False):
            return
        if self.server.cors or getattr(self, "route", "").startswith("/_control/"):
            for key, value in CORS_HEADERS.items():
                self.send_header(key, value)

    def send_body(self, status, body, content_type, extra=None):
        self.send_response(status)
        self.send_cors()
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_json(self, status, value, content_type="application/json", extra=None):
        self.send_body(status, json.dumps(value, indent=1).encode(), content_type, extra)

    def start_chunked(self, status, content_type, extra=None):
        self.send_response(status)
        self.send_cors()
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()

    def write_chunk(self, data):
        if data:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def end_chunked(self):
        self.wfile.write(b"0\r\n\r\n")

    # -- request plumbing -------------------------------------------------------------------
    def parse(self):
        self.no_cors = False  # the handler lives as long as the (keep-alive) connection
        parts = urlsplit(self.path)
        self.route = parts.path
        self.query_pairs = parse_qsl(parts.query, keep_blank_values=True)
        self.query = dict(self.query_pairs)

    def do_OPTIONS(self):
        self.parse()
        self.send_body(204, b"", "text/plain")

    def do_POST(self):
        self.parse()
        if self.route.startswith("/_control/"):
            return self.control()
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.send_json(405, {"error": "POST is only accepted on /_control/"})

    def do_GET(self):
        self.parse()
        if self.route == "/_control/stats":
            return self.control()
        fault = self.server.faults.next_fault()
        if fault is not None:
            status, retry_after, cors = fault
            extra = {"Retry-After": str(retry_after)} if retry_after is not None else None
            self.no_cors = not cors
            return self.send_json(status, self.fault_body(status), extra=extra)
        try:
            self.handle_api()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def fault_body(self, status):
        return {"error": f"injected fault {status}"}

    def control(self):
        faults = self.server.faults
        if self.route == "/_control/stats":
            with faults.lock:
                stats = {"requests": faults.requests, "injected": faults.injected,
                         "pending": len(faults.pending)}
            return self.send_json(200, stats)
        if self.route == "/_control/reset":
            with faults.lock:
                faults.pending.clear()
                faults.requests = faults.injected = 0
            self.server.cors = True
            return self.send_json(200, {"reset": True})
        if self.route == "/_control/cors":
            self.server.cors = self.query.get("enabled", "1") != "0"
            return self.send_json(200, {"cors": self.server.cors})
        if self.route == "/_control/fail":
            try:
                count = int(self.query.get("count", "1"))
                status = int(self.query.get("status", "500"))
                retry = self.query.get("retry_after")
                retry = int(retry) if retry is not None else None
                cors = self.query.get("cors", "1") != "0"
            except ValueError:
                return self.send_json(400, {"error": "count, status, retry_after must be integers"})
            if not (0 <= count <= 1000 and 400 <= status <= 599):
                return self.send_json(400, {"error": "count 0..1000, status 400..599"})
            with faults.lock:
                faults.pending.extend([(status, retry, cors)] * count)
            return self.send_json(200, {"pending": len(faults.pending)})
        self.send_json(404, {"error": f"unknown control endpoint {self.route}"})

    def handle_api(self):
        raise NotImplementedError

    def log_message(self, fmt, *args):
        sys.stderr.write(f"{self.server.name} {self.address_string()} {fmt % args}\n")
