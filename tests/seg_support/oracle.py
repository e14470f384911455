"""Independent oracle for tests/seg_objects.rs: reads a SEG with pydicom + numpy (and highdicom
for TILED_FULL positions) and prints one fact per line:

  frame <index> <segment or 0> <nonzero voxels> <value sum> <source uid or -> <source frame or -> <z or ->
  label <frame index> <label> <voxels>          (label maps: voxels per label per frame)
  colour <segment> <r> <g> <b>                   (CIELab -> sRGB by the formula below, or palette)
  tile <index> <column position> <row position>  (TILED_FULL, from highdicom)
  volume <segment> <mL>                          (sum of value/max x spacing x depth / 1000)
"""
import sys

import numpy as np
import pydicom


def lab_to_srgb(scaled):
    # PS3.3 C.10.7.1.1 scaling, CIE L*a*b* (D65) -> XYZ -> linear sRGB -> sRGB, written
    # from the CIE and IEC 61966-2-1 definitions.
    L = scaled[0] * 100.0 / 65535.0
    a = scaled[1] * 255.0 / 65535.0 - 128.0
    b = scaled[2] * 255.0 / 65535.0 - 128.0
    fy = (L + 16.0) / 116.0
    fx = fy + a / 500.0
    fz = fy - b / 200.0
    eps = 216.0 / 24389.0
    kappa = 24389.0 / 27.0
    xr = fx ** 3 if fx ** 3 > eps else (116.0 * fx - 16.0) / kappa
    yr = ((L + 16.0) / 116.0) ** 3 if L > kappa * eps else L / kappa
    zr = fz ** 3 if fz ** 3 > eps else (116.0 * fz - 16.0) / kappa
    X, Y, Z = xr * 0.95047, yr * 1.0, zr * 1.08883
    m = np.array([[3.2404542, -1.5371385, -0.4985314],
                  [-0.9692660, 1.8760108, 0.0415560],
                  [0.0556434, -0.2040259, 1.0572252]])
    rgb = m @ np.array([X, Y, Z])
    out = []
    for c in rgb:
        c = min(max(c, 0.0), 1.0)
        c = 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055
        out.append(int(round(c * 255)))
    return out


def main(path):
    ds = pydicom.dcmread(path)
    frames = int(getattr(ds, "NumberOfFrames", 1))
    arr = ds.pixel_array.reshape(frames, ds.Rows, ds.Columns)
    labelmap = ds.SegmentationType == "LABELMAP"
    tiled_full = getattr(ds, "DimensionOrganizationType", "") == "TILED_FULL"
    per_frame = getattr(ds, "PerFrameFunctionalGroupsSequence", None)
    segments = [int(s.SegmentNumber) for s in ds.SegmentSequence]
    tiles = None
    if tiled_full:
        import highdicom as hd
        tiles = list(hd.utils.iter_tiled_full_frame_data(ds))
    for i in range(frames):
        if labelmap:
            number = 0
        elif tiles is not None:
            number = tiles[i][0]
        elif per_frame is not None and "SegmentIdentificationSequence" in per_frame[i]:
            number = int(per_frame[i].SegmentIdentificationSequence[0].ReferencedSegmentNumber)
        else:
            number = segments[0]
        uid, ref_frame = "-", "-"
        if per_frame is not None and not tiled_full and "DerivationImageSequence" in per_frame[i]:
            src = per_frame[i].DerivationImageSequence[0].SourceImageSequence[0]
            uid = src.ReferencedSOPInstanceUID
            if "ReferencedFrameNumber" in src:
                ref_frame = str(int(src.ReferencedFrameNumber))
        z = "-"
        if per_frame is not None and not tiled_full and "PlanePositionSequence" in per_frame[i]:
            z = repr(float(per_frame[i].PlanePositionSequence[0].ImagePositionPatient[2]))
        f = arr[i]
        print("frame", i, number, int(np.count_nonzero(f)), int(f.astype(np.int64).sum()), uid, ref_frame, z)
        if labelmap:
            values, counts = np.unique(f, return_counts=True)
            for v, c in zip(values, counts):
                if v != 0:
                    print("label", i, int(v), int(c))
        if tiles is not None:
            print("tile", i, tiles[i][2], tiles[i][3])
    palette = getattr(ds, "PhotometricInterpretation", "") == "PALETTE COLOR"
    for s in ds.SegmentSequence:
        n = int(s.SegmentNumber)
        if labelmap and n == 0:
            continue  # the background
        if "RecommendedDisplayCIELabValue" in s:
            r, g, b = lab_to_srgb([int(v) for v in s.RecommendedDisplayCIELabValue])
            print("colour", n, r, g, b)
        elif palette:
            from pydicom.pixels import apply_color_lut
            rgb = apply_color_lut(np.array([n], dtype=np.uint8), ds)[0]
            bits = int(ds.RedPaletteColorLookupTableDescriptor[2])
            scale = 255.0 / (2 ** bits - 1)
            print("colour", n, *[int(round(float(c) * scale)) for c in rgb])
    shared = ds.SharedFunctionalGroupsSequence[0] if "SharedFunctionalGroupsSequence" in ds else None
    if shared is not None and "PixelMeasuresSequence" in shared and not tiled_full:
        pm = shared.PixelMeasuresSequence[0]
        depth = getattr(pm, "SpacingBetweenSlices", None) or getattr(pm, "SliceThickness", None)
        if depth is not None and "PixelSpacing" in pm:
            voxel_ml = float(pm.PixelSpacing[0]) * float(pm.PixelSpacing[1]) * float(depth) / 1000.0
            maximum = float(getattr(ds, "MaximumFractionalValue", 1)) if ds.SegmentationType == "FRACTIONAL" else 1.0
            for n in segments:
                if labelmap and n == 0:
                    continue
                total = 0.0
                for i in range(frames):
                    f = arr[i]
                    if labelmap:
                        total += float(np.count_nonzero(f == n))
                    else:
                        num = int(per_frame[i].SegmentIdentificationSequence[0].ReferencedSegmentNumber) \
                            if per_frame is not None and "SegmentIdentificationSequence" in per_frame[i] else segments[0]
                        if num == n:
                            total += float(f.astype(np.float64).sum()) / maximum
                print("volume", n, repr(total * voxel_ml))


if __name__ == "__main__":
    main(sys.argv[1])
