"""Stand-in for TCIA's NBIA Search REST API v4 (public, no auth), base .../nbia-api/services/v4.

Shapes follow the TCIA wiki "NBIA Search REST API Guide" / "TCIA Programmatic Interface (REST API)
Usage Guide" (wiki.cancerimagingarchive.net, pageId 9961641, 13500480, 208142475): query names
getCollectionValues, getPatient (Collection), getPatientStudy (Collection, PatientID,
StudyInstanceUID), getSeries (Collection, PatientID, StudyInstanceUID, Modality, ...), getImage
(SeriesInstanceUID required, NewFileNames optional, "Set of images in a zip file"), getSeriesSize;
JSON is the default format; "If the value for an attribute is not populated ... it will not
appear in the returned values" (NBIA Advanced REST API Guide), so absent DICOM attributes are
left out. The v4 base URL is the one tcia_utils' nbia_v4.py uses
(services.cancerimagingarchive.net/nbia-api/services/v4/); tcia_utils treats an empty body as
"No results found", and TCIApathfinder notes getImage with an unknown UID "may still successfully
return an empty zip file" — both reproduced here.
Reproduced odd cases: unknown query parameter -> 400 (text body); empty result -> 200 with an
EMPTY body (not "[]"); getImage streamed with chunked transfer encoding (no Content-Length).
getImage as the server's code has it (CBIIT/NBIA-TCIA, software/nbia-api/src/gov/nih/nci/nbia/
restAPI/v4/V4_getImage.java): a JAX-RS resource `@Produces(MediaType.APPLICATION_OCTET_STREAM)`,
so a request whose Accept admits neither application/octet-stream nor a wildcard range matching
it (e.g. `Accept: application/zip`) matches no resource method and JAX-RS answers 406 Not
Acceptable; the ZIP is sent as `Content-Type: application/octet-stream`; with NewFileNames
other than "yes" its entries are LICENSE then `String.format("%08d", ++counter)` + ".dcm"
(00000001.dcm, 00000002.dcm, ...); a series the user may not access answers 400 ("The user has
not been granted the access to image with given SeriesInstanceUID, ..."), here wrapped in an
HTML error page as the public gateway shows it (TCIA_RESTRICTED_SERIES_UID is such a series).
NOT confirmed against the live service: getPatient's "PatientId" spelling (other queries use
"PatientID"), the "YYYY-MM-DD 00:00:00.0" date format, the exact 400 body text, getSeriesSize's
field types, member order (here InstanceNumber order; NewFileNames=Yes gives
AcquisitionNumber-InstanceNumber), and deflate vs stored members.
"""
import io
import os
import zipfile

from common import StandinHandler

PREFIX = "/nbia-api/services/v4/"
COLLECTION = "MR-Demo"
EMPTY_COLLECTION = "CT-Empty-Demo"
LICENSE_NAME = "Apache License 2.0"
LICENSE_URI = "https://www.apache.org/licenses/LICENSE-2.0"
ALLOWED = {
    "getCollectionValues": set(),
    "getPatient": {"Collection"},
    "getPatientStudy": {"Collection", "PatientID", "StudyInstanceUID"},
    "getSeries": {"Collection", "PatientID", "StudyInstanceUID", "Modality", "BodyPartExamined",
                  "ManufacturerModelName", "Manufacturer"},
    "getSeriesSize": {"SeriesInstanceUID"},
    "getImage": {"SeriesInstanceUID", "NewFileNames"},
}


def nbia_date(value):
    return f"{value[0:4]}-{value[4:6]}-{value[6:8]} 00:00:00.0" if value and len(value) == 8 else None


def _int(value, default):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


class NbiaArchive:
    """One collection with one patient, one study, one series built from `series_dir`."""

    def __init__(self, series_dir, read_tags):
        paths = sorted(os.path.join(series_dir, n) for n in os.listdir(series_dir) if n.endswith(".dcm"))
        if not paths:
            raise RuntimeError(f"no .dcm files in {series_dir}")
        records = read_tags(paths)
        slices = sorted(zip(records, paths), key=lambda rp: _int(rp[0].get("InstanceNumber"), 0))
        first = slices[0][0]
        for key in ("PatientID", "StudyInstanceUID", "SeriesInstanceUID", "Modality"):
            if key not in first:
                raise RuntimeError(f"{slices[0][1]} lacks {key}")
        self.first = first
        self.file_size = sum(os.path.getsize(p) for p in paths)
        self.patient = {k: v for k, v in {
            "PatientId": first["PatientID"], "PatientName": first.get("PatientName"),
            "PatientSex": first.get("PatientSex"), "Collection": COLLECTION}.items() if v}
        self.study = {k: v for k, v in {
            "StudyInstanceUID": first["StudyInstanceUID"], "StudyDate": nbia_date(first.get("StudyDate")),
            "StudyDescription": first.get("StudyDescription"), "PatientAge": first.get("PatientAge"),
            "PatientID": first["PatientID"], "PatientName": first.get("PatientName"),
            "PatientSex": first.get("PatientSex"), "Collection": COLLECTION, "SeriesCount": 1}.items() if v}
        self.series = {k: v for k, v in {
            "SeriesInstanceUID": first["SeriesInstanceUID"], "StudyInstanceUID": first["StudyInstanceUID"],
            "Modality": first["Modality"], "ProtocolName": first.get("ProtocolName"),
            "SeriesDate": nbia_date(first.get("SeriesDate")), "SeriesDescription": first.get("SeriesDescription"),
            "BodyPartExamined": first.get("BodyPartExamined"),
            "SeriesNumber": _int(first.get("SeriesNumber"), None), "AnnotationsFlag": "NO",
            "Collection": COLLECTION, "PatientID": first["PatientID"],
            "Manufacturer": first.get("Manufacturer"), "ManufacturerModelName": first.get("ManufacturerModelName"),
            "SoftwareVersions": first.get("SoftwareVersions"), "ImageCount": len(slices),
            "LicenseName": LICENSE_NAME, "LicenseURI": LICENSE_URI, "FileSize": self.file_size,
        }.items() if v is not None}
        license_path = os.path.join(series_dir, "LICENSE")
        license_text = open(license_path, "rb").read() if os.path.exists(license_path) else b""
        self.zips = {new_names: self._zip(slices, license_text, new_names) for new_names in (False, True)}
        self.empty_zip = self._zip([], b"", False)
        self.restricted_uid = "1.3.6.1.4.1.14519.5.2.1.99.1"  # a valid UID that is not this series
        self.restricted = dict(self.series, SeriesInstanceUID=self.restricted_uid, ImageCount=1,
                               SeriesDescription="Limited-access series (stand-in)", FileSize=1000)

    @staticmethod
    def _zip(slices, license_text, new_names):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            if slices:
                archive.writestr("LICENSE", license_text)
            for index, (record, path) in enumerate(slices, start=1):
                if new_names:
                    name = f"{_int(record.get('AcquisitionNumber'), 1)}-{_int(record.get('InstanceNumber'), index):03d}.dcm"
                else:
                    name = f"{index:08d}.dcm"
                archive.write(path, name)
        return buffer.getvalue()

    def facts(self):
        return {"TCIA_COLLECTION": COLLECTION, "TCIA_EMPTY_COLLECTION": EMPTY_COLLECTION,
                "TCIA_PATIENT": self.first["PatientID"], "TCIA_STUDY_UID": self.first["StudyInstanceUID"],
                "TCIA_SERIES_UID": self.first["SeriesInstanceUID"],
                "TCIA_SERIES_IMAGES": str(self.series["ImageCount"]),
                "TCIA_RESTRICTED_SERIES_UID": self.restricted_uid,
                "TCIA_ZIP_BYTES": str(len(self.zips[False]))}


def accepts_octet_stream(accept):
    """JAX-RS content negotiation against @Produces(application/octet-stream): no Accept header
    means */*; otherwise some media range with q > 0 must match application/octet-stream."""
    if accept is None or not accept.strip():
        return True
    for item in accept.split(","):
        fields = [f.strip() for f in item.split(";")]
        media = fields[0].lower()
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0 and media in ("application/octet-stream", "application/*", "*/*", "*"):
            return True
    return False


def _matches(record, query, keys):
    return all(query[k] == str(record.get(k)) for k in keys if k in query)


class NbiaHandler(StandinHandler):
    def fault_body(self, status):
        return {"error": f"injected fault {status}", "status": status}

    def text(self, status, message):
        self.send_body(status, message.encode(), "text/plain;charset=UTF-8")

    def results(self, rows):
        if not rows:  # the real service answers an empty result with 200 and no body at all
            return self.send_body(200, b"", "application/json")
        self.send_json(200, rows)

    def handle_api(self):
        if not self.route.startswith(PREFIX):
            return self.text(404, f"not found: {self.route}")
        name = self.route[len(PREFIX):]
        archive = self.server.app
        if name not in ALLOWED:
            return self.text(404, f"unknown query {name}")
        allowed = ALLOWED[name] | {"format"}
        unknown = [k for k, _ in self.query_pairs if k not in allowed]
        if unknown:
            return self.text(400, f"Invalid query parameter(s): {', '.join(unknown)}")
        if self.query.get("format", "json").lower() != "json":
            return self.text(400, "this stand-in only serves format=json")
        q = self.query
        in_collection = q.get("Collection", COLLECTION) == COLLECTION
        if name == "getCollectionValues":
            return self.results([{"Collection": COLLECTION}, {"Collection": EMPTY_COLLECTION}])
        if name == "getPatient":
            return self.results([archive.patient] if in_collection else [])
        if name == "getPatientStudy":
            keys = ("PatientID", "StudyInstanceUID")
            return self.results([archive.study] if in_collection and _matches(archive.study, q, keys) else [])
        if name == "getSeries":
            keys = ("PatientID", "StudyInstanceUID", "Modality", "BodyPartExamined", "Manufacturer",
                    "ManufacturerModelName")
            return self.results([s for s in (archive.series, archive.restricted)
                                 if in_collection and _matches(s, q, keys)])
        uid = q.get("SeriesInstanceUID")
        if not uid:
            return self.text(400, "SeriesInstanceUID is required")
        ours = uid == archive.series["SeriesInstanceUID"]
        if name == "getSeriesSize":
            return self.results([{"TotalSizeInBytes": archive.file_size, "ObjectCount": archive.series["ImageCount"]}]
                                if ours else [])
        if not accepts_octet_stream(self.headers.get("Accept")):
            return self.send_body(406, b"", "text/html;charset=utf-8")
        if uid == archive.restricted_uid:
            page = ("<html><head><title>Error</title></head><body><h1>HTTP Status 400 - Bad Request</h1>"
                    f"<p>The user has not been granted the access to image with given SeriesInstanceUID,{uid}. "
                    "Please contact System Admin to resolve this issue.</p></body></html>")
            return self.send_body(400, page.encode(), "text/html;charset=utf-8")
        data = archive.zips[q.get("NewFileNames", "No").lower() == "yes"] if ours else archive.empty_zip
        self.start_chunked(200, "application/octet-stream",
                           {"Content-Disposition": f'attachment; filename="{uid}.zip"'})
        for start in range(0, len(data), 65536):
            self.write_chunk(data[start:start + 65536])
        self.end_chunked()
