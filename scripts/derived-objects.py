#!/usr/bin/env python3
"""Writes derived objects over source images for the tests of issue 12 (highdicom, .tools/py).

  derived-objects.py kos OUT SOURCE...   Key Object Selection (title "Of Interest") naming SOURCE files
  derived-objects.py sr OUT SOURCE...    Comprehensive 3D SR, TID 1500, one POLYLINE region on the
                                         first SOURCE file, all SOURCE files as evidence

Prints the new object's SOP Instance UID and Series Instance UID (tab-separated).
"""
import sys
import warnings

import highdicom as hd
import numpy as np
import pydicom
from pydicom.sr.codedict import codes


def main():
    warnings.simplefilter("ignore")
    kind, out, paths = sys.argv[1], sys.argv[2], sys.argv[3:]
    sources = [pydicom.dcmread(p) for p in paths]
    for source in sources:  # type-2 patient attributes highdicom copies from the evidence
        for keyword in ("PatientName", "PatientID", "PatientBirthDate", "PatientSex", "StudyID",
                        "AccessionNumber", "ReferringPhysicianName", "StudyDate", "StudyTime"):
            if keyword not in source:
                setattr(source, keyword, None)
        if not source.get("SpecificCharacterSet"):
            source.SpecificCharacterSet = "ISO_IR 100"
    common = dict(
        evidence=sources,
        series_instance_uid=hd.UID(),
        sop_instance_uid=hd.UID(),
        instance_number=1,
        manufacturer="dicom-viewer tests",
    )
    if kind == "kos":
        content = hd.ko.KeyObjectSelection(document_title=codes.DCM.OfInterest, referenced_objects=sources)
        doc = hd.ko.KeyObjectSelectionDocument(content=content, series_number=901, **common)
    elif kind == "sr":
        first = sources[0]
        region = hd.sr.ImageRegion(
            graphic_type=hd.sr.GraphicTypeValues.POLYLINE,
            graphic_data=np.array([[10.0, 10.0], [30.0, 10.0], [30.0, 30.0], [10.0, 10.0]]),
            source_image=hd.sr.SourceImageForRegion.from_source_image(first),
        )
        group = hd.sr.PlanarROIMeasurementsAndQualitativeEvaluations(
            tracking_identifier=hd.sr.TrackingIdentifier(uid=hd.UID(), identifier="Lesion 1"),
            referenced_region=region,
            finding_type=codes.SCT.Lesion,
            measurements=[hd.sr.Measurement(name=codes.SCT.Area, value=200.0, unit=codes.UCUM.SquareMillimeter)],
        )
        observer = hd.sr.ObserverContext(
            observer_type=codes.DCM.Person,
            observer_identifying_attributes=hd.sr.PersonObserverIdentifyingAttributes(name="Test^Reader"),
        )
        report = hd.sr.MeasurementReport(
            observation_context=hd.sr.ObservationContext(observer_person_context=observer),
            procedure_reported=codes.LN.CTUnspecifiedBodyRegion,
            imaging_measurements=[group],
        )
        doc = hd.sr.Comprehensive3DSR(
            content=report, series_number=902, series_description="Lesion measurements", **common
        )
    else:
        sys.exit(f"unknown kind {kind!r}: kos or sr")
    doc.save_as(out)
    print(f"{doc.SOPInstanceUID}\t{doc.SeriesInstanceUID}")


if __name__ == "__main__":
    main()
