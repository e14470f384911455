"""Stand-in for a SIIM-hackathon-style FHIR R4 server, base .../fhir-r4, every request needing
header `apikey: <key>` (else 401 with an OperationOutcome).

Shapes from the HL7 FHIR R4 spec (hl7.org/fhir/R4/http.html, bundle.html, search.html,
operationoutcome.html): searchset Bundle with `total`, `link` (relation self / next / previous),
`entry[].fullUrl`, `entry[].resource`, `entry[].search.mode = match`; Content-Type
application/fhir+json; errors as OperationOutcome (issue severity/code/diagnostics).
Paging links imitate HAPI FHIR: next = <base>?_getpages=<id>&_getpagesoffset=<n>&_count=<n>
&_bundletype=searchset (a server-chosen URL: clients must follow it verbatim, never build it).
Unknown search parameters answer 400 like HAPI's default (the spec lets a server ignore them
unless the client sends Prefer: handling=strict). Unknown ids answer 404 with code not-found.
_include (hl7.org/fhir/R4/search.html#include): `_include=MedicationRequest:medication` adds each
referenced Medication to the page as an entry with search.mode = include (HAPI does; `total`
counts matches only).
The key check is an API gateway's, in front of HAPI: Kong's key-auth plugin
(docs.konghq.com/hub/kong-inc/key-auth/: key_names defaults to ["apikey"]; a request without
a key answers 401 {"message":"No API key found in request"}, a wrong key 401 {"message":"Invalid
authentication credentials"}, both with the gateway's JSON, not a FHIR OperationOutcome). Its
`run_on_preflight` defaults to true, so a gateway without a CORS plugin in front of key-auth
rejects the browser's OPTIONS preflight (which never carries the key) the same way, with no CORS
headers: `POST /_control/preflight?reject=1` turns that on (reject=0 off).
A HAPI server without its public address configured writes paging links on the address it sees
(behind a proxy: http:// for an https site, an explicit :443, or an inside host name):
`POST /_control/links?base=URL` writes every paging link on URL (no base: back to normal).
The data: the SIIM hackathon personas (../shared/fhir/siim-hackathon/personas-r4.json, read at
start) plus the extra-case fixtures of fhir_data.py; one resource per type and id, like a server.
NOT confirmed: whether the hackathon server pages with _getpages (HAPI does).
"""
import itertools
import json
import threading
from urllib.parse import quote, urlencode

from common import StandinHandler

PREFIX = "/fhir-r4"
FHIR_JSON = "application/fhir+json;charset=utf-8"
SEARCH_PARAMS = {
    "Patient": {"name", "_id", "_count"},
    "Condition": {"patient", "subject", "_count"},
    "MedicationRequest": {"patient", "subject", "_count", "_include"},
    "DiagnosticReport": {"patient", "subject", "_count"},
    "ImagingStudy": {"patient", "subject", "_count"},
    "Endpoint": {"_id", "_count"},
    "Medication": {"_id", "_count"},
    "Organization": {"_id", "_count"},
}
INCLUDES = {"MedicationRequest:medication": ("medicationReference", "Medication")}
NO_KEY = {"message": "No API key found in request"}
BAD_KEY = {"message": "Invalid authentication credentials"}
DEFAULT_COUNT = 20


def outcome(code, diagnostics):
    return {"resourceType": "OperationOutcome",
            "issue": [{"severity": "error", "code": code, "diagnostics": diagnostics}]}


class FhirStore:
    def __init__(self, resources, apikey):
        self.resources = resources
        self.apikey = apikey
        self.searches = {}  # search id -> (matches, includes) (HAPI keeps these server-side too)
        self.reject_preflight = False
        self.link_base = None  # paging links written on this base (a HAPI that names its inside address)
        self.ids = itertools.count(1)
        self.lock = threading.Lock()

    def remember(self, matches, includes):
        with self.lock:
            search_id = f"s{next(self.ids):04d}"
            self.searches[search_id] = (matches, includes)
        return search_id


def load_personas(path):
    """The resources of personas-r4.json, keyed like the store (a later duplicate wins)."""
    with open(path) as handle:
        data = json.load(handle)
    return {(r["resourceType"], r["id"]): r for r in data["resources"]}


def _matches(resource, params):
    for key, value in params.items():
        if key == "_id" and resource["id"] != value:
            return False
        if key in ("patient", "subject"):
            ref = value if value.startswith("Patient/") else f"Patient/{value}"
            if resource.get("subject", {}).get("reference") != ref:
                return False
        if key == "name":
            names = " ".join(" ".join([n.get("family", "")] + n.get("given", [])) for n in resource["name"])
            if value.lower() not in names.lower():
                return False
    return True


class FhirHandler(StandinHandler):
    def fault_body(self, status):
        return outcome("transient", f"injected fault {status}")

    def fhir(self, status, value, extra=None):
        self.send_json(status, value, FHIR_JSON, extra)

    def base(self):
        return f"http://{self.headers.get('Host', '127.0.0.1')}{PREFIX}"

    def handle_api(self):
        store = self.server.app
        if not (self.route == PREFIX or self.route.startswith(PREFIX + "/")):
            return self.fhir(404, outcome("not-found", f"no FHIR base at {self.route}"))
        key = self.headers.get("apikey")
        if key != store.apikey:  # the gateway's answer (Kong key-auth), not HAPI's
            return self.send_json(401, NO_KEY if not key else BAD_KEY, "application/json; charset=utf-8",
                                  {"WWW-Authenticate": 'Key realm="kong"'})
        parts = [p for p in self.route[len(PREFIX):].split("/") if p]
        if not parts and "_getpages" in self.query:
            return self.page()
        if parts == ["metadata"]:
            return self.fhir(200, {"resourceType": "CapabilityStatement", "status": "active",
                                   "kind": "instance", "fhirVersion": "4.0.1", "format": ["json"],
                                   "rest": [{"mode": "server", "resource": [
                                       {"type": t, "searchParam": [{"name": p, "type": "string"}
                                                                   for p in sorted(SEARCH_PARAMS[t])]}
                                       for t in SEARCH_PARAMS]}]})
        if len(parts) == 2 and parts[0] in SEARCH_PARAMS:
            resource = store.resources.get((parts[0], parts[1]))
            if resource is None:
                return self.fhir(404, outcome("not-found", f"Resource {parts[0]}/{parts[1]} is not known"))
            return self.fhir(200, resource)
        if len(parts) == 1 and parts[0] in SEARCH_PARAMS:
            return self.search(parts[0])
        return self.fhir(404, outcome("not-supported", f"unsupported path {self.route}"))

    def do_OPTIONS(self):
        if not self.server.app.reject_preflight:
            return super().do_OPTIONS()
        body = json.dumps(NO_KEY).encode()  # key-auth ran on the preflight: no CORS headers
        self.send_response(401)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def control(self):
        if self.route == "/_control/preflight":
            self.server.app.reject_preflight = self.query.get("reject", "1") == "1"
            return self.send_json(200, {"reject_preflight": self.server.app.reject_preflight})
        if self.route == "/_control/links":
            self.server.app.link_base = self.query.get("base") or None
            return self.send_json(200, {"link_base": self.server.app.link_base})
        if self.route == "/_control/reset":
            self.server.app.reject_preflight = False
            self.server.app.link_base = None
        return super().control()

    def count(self):
        try:
            count = int(self.query.get("_count", DEFAULT_COUNT))
        except ValueError:
            return None
        return count if 1 <= count <= 100 else None

    def search(self, rtype):
        unknown = [k for k, _ in self.query_pairs if k not in SEARCH_PARAMS[rtype]]
        if unknown:
            return self.fhir(400, outcome("processing", f"Unknown search parameter \"{unknown[0]}\" for "
                                          f"resource type \"{rtype}\". Valid: {sorted(SEARCH_PARAMS[rtype])}"))
        count = self.count()
        if count is None:
            return self.fhir(400, outcome("processing", "_count must be an integer 1..100"))
        params = {k: v for k, v in self.query.items() if k not in ("_count", "_include")}
        includes = [v for k, v in self.query_pairs if k == "_include"]
        bad = [v for v in includes if v not in INCLUDES or not v.startswith(rtype + ":")]
        if bad:
            return self.fhir(400, outcome("processing", f"Invalid _include parameter value: \"{bad[0]}\""))
        store = self.server.app
        matches = [r for (t, _), r in sorted(store.resources.items()) if t == rtype and _matches(r, params)]
        search_id = store.remember(matches, includes)
        self_url = f"{self.base()}/{rtype}" + (f"?{urlencode(self.query_pairs, quote_via=quote)}" if self.query_pairs else "")
        self.fhir(200, self.bundle(search_id, matches, 0, count, self_url, includes))

    def page(self):
        store = self.server.app
        matches, includes = store.searches.get(self.query["_getpages"], (None, []))
        if matches is None:
            return self.fhir(410, outcome("not-found", f"Search {self.query['_getpages']} has expired or never existed"))
        count = self.count()
        try:
            offset = int(self.query.get("_getpagesoffset", "0"))
        except ValueError:
            offset = -1
        if count is None or offset < 0:
            return self.fhir(400, outcome("processing", "bad _getpagesoffset or _count"))
        self.fhir(200, self.bundle(self.query["_getpages"], matches, offset, count,
                                   f"{self.base()}{self.path[len(PREFIX):]}", includes))

    def included(self, page, includes):
        """The resources `_include` adds for the matches of one page, once each."""
        store, out, seen = self.server.app, [], set()
        for name in includes:
            element, target = INCLUDES[name]
            for resource in page:
                ref = resource.get(element, {}).get("reference", "")
                key = (target, ref.split("/", 1)[1]) if ref.startswith(target + "/") else None
                if key and key in store.resources and key not in seen:
                    seen.add(key)
                    out.append(store.resources[key])
        return out

    def bundle(self, search_id, matches, offset, count, self_url, includes=()):
        def page_url(start):
            return (f"{self.server.app.link_base or self.base()}?_getpages={search_id}&_getpagesoffset={start}&_count={count}"
                    "&_bundletype=searchset")
        links = [{"relation": "self", "url": self_url}]
        if offset + count < len(matches):
            links.append({"relation": "next", "url": page_url(offset + count)})
        if offset > 0:
            links.append({"relation": "previous", "url": page_url(max(0, offset - count))})
        return {"resourceType": "Bundle", "id": f"{search_id}-{offset}", "type": "searchset",
                "total": len(matches), "link": links,
                "entry": [{"fullUrl": f"{self.base()}/{r['resourceType']}/{r['id']}", "resource": r,
                           "search": {"mode": mode}}
                          for mode, page in (("match", matches[offset:offset + count]),
                                             ("include", self.included(matches[offset:offset + count], includes)))
                          for r in page]}
