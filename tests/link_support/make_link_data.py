"""Test data for tests/e2e_link.rs, written at test time with pydicom.

usage: make_link_data.py OUT_DIR

OUT_DIR/current/  study 1 of patient LINK-001 (Frame of Reference F1, 2024-03-01):
  a/   CT axial 5 mm, 20 slices from z = 0          (series "Axial 5 mm")
  b/   CT axial 2.5 mm, 36 slices from z = 12       (series "Axial 2.5 mm", same Frame of Reference)
  loc/ CT sagittal localizer, one 160x160 slice     (series "Localizer", same Frame of Reference)
OUT_DIR/prior/    study 2 of the same patient (Frame of Reference F2, 2021-06-15):
  a/   CT axial 3 mm, 30 slices from z = 40         (series "Axial 3 mm prior")
  m/   MR axial 4 mm, 10 slices                     (series "MR prior": not the best match)

Every image is 64x64 (localizer 160x160) of 1 mm (localizer 1.25 mm) pixels, uint16 with a
rescale of -1024: a ring whose radius grows with z, so slices differ visibly.
"""
import os
import sys

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

CT_IMAGE = "1.2.840.10008.5.1.4.1.1.2"
MR_IMAGE = "1.2.840.10008.5.1.4.1.1.4"
ROOT = "1.2.826.0.1.3680043.10.1313."


def uid(name):
    return generate_uid(prefix=ROOT, entropy_srcs=[name])


def image(rows, columns, z, spacing):
    y, x = np.mgrid[0:rows, 0:columns]
    r = np.hypot(x - columns / 2, y - rows / 2) * spacing
    radius = 8 + (z % 60) / 3
    values = np.where(np.abs(r - radius) < 3, 1024 + 800, 1024 + 40)
    return values.astype(np.uint16)


def write(path, study, series, number, index, modality, position, orientation, spacing, rows, columns,
          description, z_for_pattern, thickness):
    meta = FileMetaDataset()
    sop = uid(f"{study['uid']}/{series['uid']}/{index}")
    meta.MediaStorageSOPClassUID = CT_IMAGE if modality == "CT" else MR_IMAGE
    meta.MediaStorageSOPInstanceUID = sop
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = sop
    ds.PatientName = "Link^Test"
    ds.PatientID = "LINK-001"
    ds.PatientBirthDate = "19600101"
    ds.PatientSex = "O"
    ds.StudyInstanceUID = study["uid"]
    ds.StudyDate = study["date"]
    ds.StudyTime = "101500"
    ds.StudyDescription = study["description"]
    ds.AccessionNumber = study["accession"]
    ds.StudyID = "1"
    ds.SeriesInstanceUID = series["uid"]
    ds.SeriesNumber = number
    ds.SeriesDescription = description
    ds.Modality = modality
    ds.BodyPartExamined = "CHEST"
    ds.FrameOfReferenceUID = study["for"]
    ds.InstanceNumber = index + 1
    ds.ImagePositionPatient = [f"{v:.4f}" for v in position]
    ds.ImageOrientationPatient = [f"{v:.6f}" for v in orientation]
    ds.PixelSpacing = [f"{spacing:.4f}", f"{spacing:.4f}"]
    ds.SliceThickness = f"{thickness:.3f}"
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows = rows
    ds.Columns = columns
    ds.BitsAllocated = 16
    ds.BitsStored = 16
    ds.HighBit = 15
    ds.PixelRepresentation = 0
    ds.RescaleIntercept = "-1024"
    ds.RescaleSlope = "1"
    ds.WindowCenter = "100"
    ds.WindowWidth = "1000"
    ds.PixelData = image(rows, columns, z_for_pattern, spacing).tobytes()
    pydicom.dcmwrite(path, ds, enforce_file_format=True)


def axial_series(out, study, series_name, number, modality, z0, step, count, description):
    series = {"uid": uid(f"{study['uid']}/{series_name}")}
    folder = os.path.join(out, series_name)
    os.makedirs(folder, exist_ok=True)
    for k in range(count):
        z = z0 + step * k
        write(os.path.join(folder, f"{series_name}{k:03d}.dcm"), study, series, number, k, modality,
              [-32.0, -32.0, z], [1, 0, 0, 0, 1, 0], 1.0, 64, 64, description, z, step)


def main():
    out = sys.argv[1]
    current = {"uid": uid("current-study"), "for": uid("current-for"), "date": "20240301",
               "description": "Chest CT", "accession": "LINK-A1"}
    prior = {"uid": uid("prior-study"), "for": uid("prior-for"), "date": "20210615",
             "description": "Chest CT prior", "accession": "LINK-A0"}
    base = os.path.join(out, "current")
    axial_series(base, current, "a", 1, "CT", 0.0, 5.0, 20, "Axial 5 mm")
    axial_series(base, current, "b", 2, "CT", 12.0, 2.5, 36, "Axial 2.5 mm")
    # Sagittal localizer: rows along +y (posterior), columns down (-z); first pixel centre at
    # (0, -100, 140); 160x160 pixels of 1.25 mm.
    localizer = {"uid": uid(f"{current['uid']}/loc")}
    os.makedirs(os.path.join(base, "loc"), exist_ok=True)
    write(os.path.join(base, "loc", "loc000.dcm"), current, localizer, 3, 0, "CT", [0.0, -100.0, 140.0],
          [0, 1, 0, 0, 0, -1], 1.25, 160, 160, "Localizer", 50.0, 1.25)
    base = os.path.join(out, "prior")
    axial_series(base, prior, "a", 1, "CT", 40.0, 3.0, 30, "Axial 3 mm prior")
    axial_series(base, prior, "m", 2, "MR", 0.0, 4.0, 10, "MR prior")


if __name__ == "__main__":
    main()
