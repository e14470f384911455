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
NOT confirmed: the SIIM gateway's own 401 body (it may not be an OperationOutcome) and whether
the hackathon server pages with _getpages (HAPI does).
"""
import itertools
import threading
from urllib.parse import quote, urlencode

from common import StandinHandler

PREFIX = "/fhir-r4"
FHIR_JSON = "application/fhir+json;charset=utf-8"
SEARCH_PARAMS = {
    "Patient": {"name", "_id", "_count"},
    "Condition": {"patient", "subject", "_count"},
    "MedicationRequest": {"patient", "subject", "_count"},
    "DiagnosticReport": {"patient", "subject", "_count"},
    "ImagingStudy": {"patient", "subject", "_count"},
    "Endpoint": {"_id", "_count"},
}
DEFAULT_COUNT = 20


def outcome(code, diagnostics):
    return {"resourceType": "OperationOutcome",
            "issue": [{"severity": "error", "code": code, "diagnostics": diagnostics}]}


class FhirStore:
    def __init__(self, resources, apikey):
        self.resources = resources
        self.apikey = apikey
        self.searches = {}  # search id -> list of resources (HAPI keeps these server-side too)
        self.ids = itertools.count(1)
        self.lock = threading.Lock()

    def remember(self, matches):
        with self.lock:
            search_id = f"s{next(self.ids):04d}"
            self.searches[search_id] = matches
        return search_id


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
        if self.headers.get("apikey") != store.apikey:
            return self.fhir(401, outcome("security", "missing or wrong apikey header"),
                             {"WWW-Authenticate": "apikey"})
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
        params = {k: v for k, v in self.query.items() if k != "_count"}
        store = self.server.app
        matches = [r for (t, _), r in sorted(store.resources.items()) if t == rtype and _matches(r, params)]
        search_id = store.remember(matches)
        self_url = f"{self.base()}/{rtype}" + (f"?{urlencode(self.query_pairs, quote_via=quote)}" if self.query_pairs else "")
        self.fhir(200, self.bundle(search_id, matches, 0, count, self_url))

    def page(self):
        store = self.server.app
        matches = store.searches.get(self.query["_getpages"])
        if matches is None:
            return self.fhir(410, outcome("not-found", f"Search {self.query['_getpages']} has expired or never existed"))
        count = self.count()
        try:
            offset = int(self.query.get("_getpagesoffset", "0"))
        except ValueError:
            offset = -1
        if count is None or offset < 0:
            return self.fhir(400, outcome("processing", "bad _getpagesoffset or _count"))
        self.fhir(200, self.bundle(self.query["_getpages"], matches, offset, count, f"{self.base()}{self.path[len(PREFIX):]}"))

    def bundle(self, search_id, matches, offset, count, self_url):
        def page_url(start):
            return (f"{self.base()}?_getpages={search_id}&_getpagesoffset={start}&_count={count}"
                    "&_bundletype=searchset")
        links = [{"relation": "self", "url": self_url}]
        if offset + count < len(matches):
            links.append({"relation": "next", "url": page_url(offset + count)})
        if offset > 0:
            links.append({"relation": "previous", "url": page_url(max(0, offset - count))})
        return {"resourceType": "Bundle", "id": f"{search_id}-{offset}", "type": "searchset",
                "total": len(matches), "link": links,
                "entry": [{"fullUrl": f"{self.base()}/{r['resourceType']}/{r['id']}", "resource": r,
                           "search": {"mode": "match"}} for r in matches[offset:offset + count]]}
