"""Reads a few top-level attributes of DICOM files with dcmtk's `dcmdump` (one process for
many files), so fixtures are derived from the real corpus files instead of being typed in."""
import re
import subprocess

TAGS = {
    "PatientName": "0010,0010", "PatientID": "0010,0020", "PatientSex": "0010,0040",
    "PatientAge": "0010,1010", "StudyDate": "0008,0020", "StudyTime": "0008,0030",
    "StudyDescription": "0008,1030", "AccessionNumber": "0008,0050", "SeriesDate": "0008,0021",
    "SeriesDescription": "0008,103e", "Modality": "0008,0060", "BodyPartExamined": "0018,0015",
    "Manufacturer": "0008,0070", "ManufacturerModelName": "0008,1090",
    "SoftwareVersions": "0018,1020", "ProtocolName": "0018,1030",
    "StudyInstanceUID": "0020,000d", "SeriesInstanceUID": "0020,000e",
    "SOPInstanceUID": "0008,0018", "SeriesNumber": "0020,0011", "AcquisitionNumber": "0020,0012",
    "InstanceNumber": "0020,0013",
}
_LINE = re.compile(r"^\(([0-9a-f]{4},[0-9a-f]{4})\) [A-Z]{2} (?:\[(.*?)\]|(\S+))", re.I)


def read_tags(paths):
    """Returns one {keyword: value} dict per path (absent or empty attributes are left out).
    Raises RuntimeError naming the file if dcmdump fails."""
    by_tag = {tag: name for name, tag in TAGS.items()}
    args = ["dcmdump", "-q", "+F"]
    for tag in TAGS.values():
        args += ["+P", tag]
    result = subprocess.run(args + list(paths), capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"dcmdump failed ({result.returncode}): {result.stderr.strip()[:500]}")
    records, current = [], None
    for line in result.stdout.splitlines():
        if line.startswith("# dcmdump"):
            current = {}
            records.append(current)
            continue
        match = _LINE.match(line)
        if match and current is not None:
            name = by_tag.get(match.group(1).lower())
            value = match.group(2) if match.group(2) is not None else match.group(3)
            # dcmdump prints "(no value available)" for empty elements: leave them out.
            if name and value and not value.startswith("(no") and name not in current:
                current[name] = value
    if len(records) != len(paths):
        raise RuntimeError(f"dcmdump printed {len(records)} records for {len(paths)} files")
    return records
