"""Stand-in for the IDC DICOMweb proxy (proxy.imaging.datacommons.cancer.gov, public, daily
quota): forwards GET requests to a DICOMweb server (the test Orthanc's CORS port) under IDC's
path prefix, adding CORS headers, so the fault controls of common.py apply in front of a real
DICOMweb server.

The odd case it exists for (OHIF issue #1598, reported by IDC's maintainers): when the daily
quota is used up the proxy answers 429 WITHOUT Access-Control-Allow-Origin, so a browser sees a
network error (status 0), not the 429. Reproduce it with
  POST /_control/fail?count=N&status=429&cors=0
Retry-After and the proxy's exact 429 body are not reproduced (unknown; the browser cannot read
them anyway).
"""
import urllib.error
import urllib.request

from common import StandinHandler

PREFIX = "/current/viewer-only-no-downloads-see-tinyurl-dot-com-slash-3j3d9jyp/dicomWeb"
FORWARDED = ("Accept",)
PASSED_BACK = ("Content-Type",)


class IdcProxyHandler(StandinHandler):
    """`server.app` is the upstream DICOMweb root (no trailing slash)."""

    def fault_body(self, status):
        return {"error": {"code": status, "message": "Quota exceeded (stand-in)", "status": "RESOURCE_EXHAUSTED"}}

    def handle_api(self):
        if not (self.route == PREFIX or self.route.startswith(PREFIX + "/")):
            return self.send_json(404, {"error": f"not found: {self.route}"})
        upstream = self.server.app + self.path[len(PREFIX):]
        headers = {k: self.headers[k] for k in FORWARDED if self.headers.get(k)}
        request = urllib.request.Request(upstream, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                status, body, kept = answer.status, answer.read(), answer.headers
        except urllib.error.HTTPError as error:
            status, body, kept = error.code, error.read(), error.headers
        except (urllib.error.URLError, OSError) as error:
            return self.send_json(502, {"error": f"upstream unreachable: {error}"})
        content_type = kept.get("Content-Type", "application/octet-stream")
        self.send_body(status, body, content_type)
