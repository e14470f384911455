"""Test objects for parametric maps and PET/CT fusion, written at test time (never stored).

usage: make_fusion_data.py OUT_DIR ADC_SERIES_DIR

OUT_DIR/pmap/pmap.dcm   a float Parametric Map of the 20-slice ADC series (highdicom): pixel
                        value = source stored value / 4, Real World Value Mapping slope 4,
                        intercept 0.5, unit UCUM um2/s, LUT Label "ADC".
OUT_DIR/petct/ct_*.dcm  a CT series: 8 axial slices 64x64, 1.5 mm pixels, 2.5 mm apart.
OUT_DIR/petct/pt_*.dcm  a PET series in the same Frame of Reference: 6 slices 24x24, 4 mm
                        pixels, 4 mm apart, Units BQML, SUV attributes chosen here, a hot
                        square of stored value 4000 (slope 2.5 → 10000 Bq/ml) on a 400 background.
Prints a JSON summary of what it wrote (the tests read the attributes back with dcmdump).
"""

import json
import os
import sys

import highdicom as hd
import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sr.codedict import codes  # noqa: F401  (imported for highdicom's code tables)
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

out_dir, adc_dir = sys.argv[1], sys.argv[2]

# ---- parametric map over the ADC series -------------------------------------------------------
sources = [pydicom.dcmread(os.path.join(adc_dir, name)) for name in sorted(os.listdir(adc_dir)) if name.endswith(".dcm")]
sources.sort(key=lambda ds: float(np.dot(
    np.cross(np.array(ds.ImageOrientationPatient[:3], dtype=float), np.array(ds.ImageOrientationPatient[3:], dtype=float)),
    np.array(ds.ImagePositionPatient, dtype=float))))
# Three of the 20 files write the orientation 0.00387589 instead of 0.0038759: highdicom wants
# one orientation, so the in-memory copies share the first file's (a 1e-8 difference).
for ds in sources:
    ds.ImageOrientationPatient = sources[0].ImageOrientationPatient
stack = np.stack([ds.pixel_array.astype(np.float32) / 4.0 for ds in sources])
mapping = hd.pm.RealWorldValueMapping(
    lut_label="ADC",
    lut_explanation="Apparent Diffusion Coefficient",
    unit=hd.sr.CodedConcept("um2/s", "UCUM", "um2/s"),
    value_range=(float(stack.min()), float(stack.max())),
    intercept=0.5,
    slope=4.0,
)
pmap = hd.pm.ParametricMap(
    source_images=sources,
    pixel_array=stack,
    series_instance_uid=generate_uid(),
    series_number=9701,
    sop_instance_uid=generate_uid(),
    instance_number=1,
    manufacturer="dicom-viewer tests",
    manufacturer_model_name="make_fusion_data.py",
    software_versions="1",
    device_serial_number="1",
    contains_recognizable_visual_features=False,
    real_world_value_mappings=[mapping],
    voi_lut_transformations=[
        hd.VOILUTTransformation(
            window_center=float(stack.mean()), window_width=float(stack.max() - stack.min()) or 1.0
        )
    ],
)
os.makedirs(os.path.join(out_dir, "pmap"), exist_ok=True)
pmap_path = os.path.join(out_dir, "pmap", "pmap.dcm")
pmap.save_as(pmap_path)

# ---- PET over CT --------------------------------------------------------------------------------
study_uid, frame_of_reference = generate_uid(), generate_uid()
ct_series, pt_series = generate_uid(), generate_uid()
os.makedirs(os.path.join(out_dir, "petct"), exist_ok=True)


def base(modality, series_uid, series_number, sop_class, index, z, rows, spacing, origin_xy):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = sop_class
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.PatientName, ds.PatientID = "Fusion^Phantom", "FUSION1"
    ds.StudyInstanceUID, ds.SeriesInstanceUID = study_uid, series_uid
    ds.StudyDate, ds.StudyTime = "20240131", "100000"
    ds.SeriesDate, ds.SeriesTime = "20240131", "110000"
    ds.AcquisitionDate, ds.AcquisitionTime = "20240131", "110000"
    ds.Modality, ds.SeriesNumber, ds.InstanceNumber = modality, series_number, index + 1
    ds.SeriesDescription = "Fusion " + modality
    ds.FrameOfReferenceUID = frame_of_reference
    ds.ImagePositionPatient = [origin_xy, origin_xy, z]
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.PixelSpacing = [spacing, spacing]
    ds.Rows = ds.Columns = rows
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 0
    return ds


ct_slices, pt_slices = [], []
for i in range(8):
    z = i * 2.5
    ds = base("CT", ct_series, 1, "1.2.840.10008.5.1.4.1.1.2", i, z, 64, 1.5, -48.0)
    ds.SliceThickness = 2.5
    ds.RescaleIntercept, ds.RescaleSlope = -1024, 1
    ds.WindowCenter, ds.WindowWidth = 40, 400
    yy, xx = np.mgrid[0:64, 0:64]
    image = np.where((xx - 32) ** 2 + (yy - 32) ** 2 < 28 ** 2, 1024 + 40, 24).astype(np.uint16)
    ds.PixelData = image.tobytes()
    path = os.path.join(out_dir, "petct", f"ct_{i:02d}.dcm")
    ds.save_as(path, enforce_file_format=True)
    ct_slices.append(path)

for i in range(6):
    z = i * 4.0 - 1.0
    ds = base("PT", pt_series, 2, "1.2.840.10008.5.1.4.1.1.128", i, z, 24, 4.0, -46.0)
    ds.SliceThickness = 4.0
    ds.Units, ds.DecayCorrection = "BQML", "START"
    ds.PatientWeight = 80
    ds.RescaleIntercept, ds.RescaleSlope = 0, 2.5
    item = Dataset()
    item.RadiopharmaceuticalStartTime = "093000"
    item.RadionuclideTotalDose = 350000000
    item.RadionuclideHalfLife = 6586.2
    ds.RadiopharmaceuticalInformationSequence = [item]
    image = np.full((24, 24), 400, dtype=np.uint16)
    image[8:14, 10:16] = 4000
    ds.PixelData = image.tobytes()
    path = os.path.join(out_dir, "petct", f"pt_{i:02d}.dcm")
    ds.save_as(path, enforce_file_format=True)
    pt_slices.append(path)

print(json.dumps({"pmap": pmap_path, "ct": ct_slices, "pt": pt_slices}))
