"""Synthetic dermoscopy-like JPEGs for the ISIC stand-in: a skin-toned radial vignette with a
dark irregular "lesion", written as PPM by Python and encoded by libjpeg-turbo's `cjpeg`
(baseline, quality 90; chroma subsampling 4:2:0 or 4:2:2 per image). Deterministic per seed."""
import math
import os
import subprocess


def _ppm(width, height, seed):
    skin = (214 - 9 * seed, 160 - 6 * seed, 130 - 4 * seed)
    lesion = (70 + 12 * seed, 42 + 6 * seed, 30 + 3 * seed)
    cx, cy = width * (0.45 + 0.03 * seed), height * (0.5 - 0.02 * seed)
    radius = min(width, height) * (0.18 + 0.03 * seed)
    rows = bytearray()
    for y in range(height):
        for x in range(width):
            dx, dy = x - cx, y - cy
            angle = math.atan2(dy, dx)
            edge = radius * (1 + 0.18 * math.sin(3 * angle + seed) + 0.08 * math.sin(7 * angle))
            dist = math.hypot(dx, dy)
            vignette = 1 - 0.35 * (math.hypot(x - width / 2, y - height / 2) / math.hypot(width / 2, height / 2)) ** 2
            if dist < edge:
                t = dist / edge
                rgb = [l + (s - l) * t * t * 0.6 for l, s in zip(lesion, skin)]
            else:
                rgb = skin
            rows += bytes(max(0, min(255, int(c * vignette))) for c in rgb)
    return b"P6\n%d %d\n255\n" % (width, height) + bytes(rows)


def make_jpeg(path, width, height, seed, sampling):
    """Writes a baseline JPEG (quality 90, `sampling` "2x2" = 4:2:0 or "2x1" = 4:2:2)."""
    ppm = _ppm(width, height, seed)
    result = subprocess.run(["cjpeg", "-quality", "90", "-sample", sampling, "-outfile", path],
                            input=ppm, capture_output=True)
    if result.returncode != 0 or not os.path.getsize(path):
        raise RuntimeError(f"cjpeg failed for {path}: {result.stderr.decode(errors='replace')[:300]}")
    return os.path.getsize(path)
