"""Stand-in for the ISIC Archive API v2 (public, no auth), base .../api/v2, and (IsicFilesHandler,
on another port: another origin) the image host serving /files/ for the JPEGs. The real files
live in object storage on a separate content host, not the API's origin; their URLs come from
`files.*.url`. Whether that host sends CORS headers is its bucket's setting: turn them off with
`POST /_control/cors?enabled=0` on the files port (the browser can then show the image in an
<img> but not read its bytes).

Shapes from the ISIC source (github.com/ImageMarkup/isic): isic/core/api/image.py (ImageOut:
isic_id, public, copyright_license, attribution, files.full/thumbnail_256 {url, size}, metadata
{acquisition: {pixels_x, pixels_y, ...}, clinical: {...}}; routes images/, images/search/
(query, collections), images/{isic_id}/), isic/core/pagination.py (CursorPagination: {count,
next, previous, results}; limit default and max 100; cursor = base64 of "p=<position>" of the
ordering field, newest first; count only on the first page, null once a position is set; an
undecodable cursor is a validation error), isic/urls.py (a search query that does not parse ->
400 {"message": "Could not parse search query."}), ImageMarkup/isic-metadata registry.py
(field names and which are acquisition vs clinical: diagnosis_1..5, anatom_site_general, sex,
melanocytic, image_type, dermoscopic_type, ...). django-ninja answers validation errors with
422 {"detail": [...]} and ignores unknown query parameters; both reproduced.
NOT confirmed: that an unknown field name inside `query` fails parsing (assumed: 400 above),
the collections/ item fields, the 429 body and Retry-After on throttling (injected via
/_control/fail?status=429&retry_after=N), exact diagnosis_* wording, APPEND_SLASH redirects.
"""
import base64
import os
import re
from urllib.parse import parse_qsl, urlencode

from common import StandinHandler
from isic_images import make_jpeg

PREFIX = "/api/v2/"
MAX_LIMIT = 100
SEARCH_FIELDS = {"age_approx", "sex", "anatom_site_general", "diagnosis_1", "diagnosis_2",
                 "diagnosis_3", "melanocytic", "image_type", "dermoscopic_type", "isic_id",
                 "copyright_license", "lesion_id", "patient_id", "concomitant_biopsy"}
DIAGNOSES = [("Benign", "Benign melanocytic proliferations", "Nevus"),
             ("Malignant", "Malignant melanocytic proliferations (Melanoma)", "Melanoma Invasive"),
             ("Benign", "Benign epidermal proliferations", "Seborrheic keratosis"),
             ("Malignant", "Malignant adnexal epithelial proliferations - Follicular", "Basal cell carcinoma"),
             ("Benign", "Benign melanocytic proliferations", "Nevus")]
SITES = ["posterior torso", "lower extremity", "head/neck", "upper extremity", "anterior torso"]
COLLECTIONS = [{"id": 101, "name": "Stand-in dermoscopy", "description": "Synthetic images for tests",
                "public": True, "pinned": True, "locked": True, "doi": None},
               {"id": 102, "name": "Stand-in melanocytic", "description": "Images 1 and 2",
                "public": True, "pinned": False, "locked": True, "doi": None}]


class IsicArchive:
    def __init__(self, files_dir, base_url):
        os.makedirs(files_dir, exist_ok=True)
        self.files_dir = files_dir
        self.images = []  # newest first, like ordering ("-created",)
        for n in range(1, 6):
            isic_id = f"ISIC_{n:07d}"
            width, height = 512, 384
            sampling = "2x1" if n == 3 else "2x2"
            full = make_jpeg(os.path.join(files_dir, f"{isic_id}.jpg"), width, height, n, sampling)
            thumb = make_jpeg(os.path.join(files_dir, f"{isic_id}_thumbnail.jpg"), 256, 192, n, "2x2")
            d1, d2, d3 = DIAGNOSES[n - 1]
            self.images.append({"created": f"2024-01-{n:02d} 10:00:00+00:00", "collections": [101] + ([102] if n <= 2 else []),
                                "out": {
                "isic_id": isic_id, "public": True, "copyright_license": "CC-0",
                "attribution": "Stand-in Dermatology Clinic (synthetic)",
                "files": {"full": {"url": f"{base_url}/files/{isic_id}.jpg", "size": full},
                          "thumbnail_256": {"url": f"{base_url}/files/{isic_id}_thumbnail.jpg", "size": thumb}},
                "metadata": {
                    "acquisition": {"pixels_x": width, "pixels_y": height, "image_type": "dermoscopic",
                                    "dermoscopic_type": "contact polarized"},
                    "clinical": {"age_approx": 30 + 10 * n, "sex": "female" if n % 2 else "male",
                                 "anatom_site_general": SITES[n - 1], "diagnosis_1": d1, "diagnosis_2": d2,
                                 "diagnosis_3": d3, "melanocytic": "melanocytic" in d2.lower(),
                                 "concomitant_biopsy": d1 == "Malignant", "lesion_id": f"IL_{n:07d}",
                                 "patient_id": f"IP_{(n + 1) // 2:07d}"}}}})
        self.images.sort(key=lambda i: i["created"], reverse=True)


def _value(image, key):
    out = image["out"]
    if key in ("isic_id", "copyright_license"):
        return out[key]
    meta = out["metadata"]
    return meta["clinical"].get(key, meta["acquisition"].get(key))


_TERM = re.compile(r'^(\w+):(?:"([^"]*)"|\[(\d+) TO (\d+)\]|(\S+))$')


def parse_query(query):
    """Returns a predicate for `key:value AND key:"v w" AND age_approx:[a TO b]`; None if the
    query does not parse or names an unknown field."""
    terms = []
    for raw in [t.strip() for t in query.split(" AND ")] if query.strip() else []:
        match = _TERM.match(raw)
        if not match or match.group(1) not in SEARCH_FIELDS:
            return None
        terms.append(match.groups())
    def predicate(image):
        for key, quoted, low, high, bare in terms:
            value = _value(image, key)
            if low is not None:
                if not (isinstance(value, int) and int(low) <= value <= int(high)):
                    return False
            elif str(value).lower() != (quoted if quoted is not None else bare).lower():
                return False
        return True
    return predicate


class IsicFilesHandler(StandinHandler):
    """The image host: /files/NAME.jpg only."""

    def handle_api(self):
        archive = self.server.app
        name = self.route[len("/files/"):] if self.route.startswith("/files/") else ""
        path = os.path.join(archive.files_dir, name)
        if not name or "/" in name or not name.endswith(".jpg") or not os.path.isfile(path):
            return self.send_body(404, b"<Error><Code>NoSuchKey</Code></Error>", "application/xml")
        # no-cache: a test that turns CORS off must not get a cached answer with CORS headers
        return self.send_body(200, open(path, "rb").read(), "image/jpeg", {"Cache-Control": "no-cache"})


class IsicHandler(StandinHandler):
    def fault_body(self, status):
        return {"detail": "Request was throttled."} if status == 429 else {"detail": f"injected fault {status}"}

    def handle_api(self):
        archive = self.server.app
        if not self.route.startswith(PREFIX):
            return self.send_json(404, {"detail": "Not Found"})
        rest = self.route[len(PREFIX):]
        if not rest.endswith("/"):  # Django's APPEND_SLASH
            return self.send_body(301, b"", "text/html", {"Location": self.path.replace(rest, rest + "/", 1)})
        parts = rest.strip("/").split("/")
        if parts == ["images"]:
            return self.paginate([i for i in archive.images])
        if parts == ["images", "search"]:
            predicate = parse_query(self.query.get("query", ""))
            if predicate is None:
                return self.send_json(400, {"message": "Could not parse search query."})
            wanted = {c for c in self.query.get("collections", "").split(",") if c.strip()}
            if not all(c.isdigit() for c in wanted):
                return self.send_json(422, {"detail": [{"type": "value_error", "loc": ["query", "collections"],
                                                        "msg": "collections must be comma separated integers"}]})
            return self.paginate([i for i in archive.images if predicate(i)
                                  and (not wanted or wanted & {str(c) for c in i["collections"]})])
        if len(parts) == 2 and parts[0] == "images":
            for image in archive.images:
                if image["out"]["isic_id"] == parts[1]:
                    return self.send_json(200, image["out"])
            return self.send_json(404, {"detail": "Not Found"})
        if parts == ["collections"]:
            return self.paginate([{"created": f"2023-0{8 - n}-01", "out": c} for n, c in enumerate(COLLECTIONS)])
        return self.send_json(404, {"detail": "Not Found"})

    def paginate(self, items):
        """isic.core.pagination.CursorPagination over `items` (already newest first)."""
        try:
            limit = int(self.query["limit"]) if self.query.get("limit") else MAX_LIMIT
        except ValueError:
            return self.send_json(422, {"detail": [{"type": "int_parsing", "loc": ["query", "limit"],
                "msg": "Input should be a valid integer, unable to parse string as an integer"}]})
        limit = max(0, min(limit or MAX_LIMIT, MAX_LIMIT))
        position, offset, reverse = None, 0, False
        if "cursor" in self.query:
            try:
                tokens = dict(parse_qsl(base64.b64decode(self.query["cursor"], validate=True).decode()))
                offset, position = int(tokens.get("o", "0")), tokens.get("p")
                reverse = tokens.get("r") == "1"
            except (ValueError, UnicodeDecodeError):
                return self.send_json(422, {"detail": [{"type": "value_error", "loc": ["query", "cursor"],
                                                        "msg": "Value error, Invalid cursor."}]})
        if reverse:  # a "previous" cursor: the `limit` items just newer than the position
            newer = [i for i in items if position is None or i["created"] > position]
            page = newer[max(0, len(newer) - offset - limit):len(newer) - offset]
            has_next, has_previous = True, len(newer) - offset > limit
        else:
            remaining = [i for i in items if position is None or i["created"] < position][offset:]
            page = remaining[:limit]
            has_next, has_previous = len(remaining) > limit, position is not None or offset > 0
        base = f"http://{self.headers.get('Host', '127.0.0.1')}{self.route}"

        def link(cursor_tokens):
            query = dict(self.query_pairs)
            query["cursor"] = base64.b64encode(urlencode(cursor_tokens).encode()).decode()
            return f"{base}?{urlencode(sorted(query.items()))}"
        self.send_json(200, {
            "count": len(items) if position is None else None,
            "next": link({"p": page[-1]["created"]}) if has_next and page else None,
            "previous": link({"r": "1", "p": page[0]["created"]}) if has_previous and page else None,
            "results": [i["out"] for i in page]})
