//! Helpers for tests/volume_core.rs and benches/volume.rs: volumes built the way the page builds
//! them (header parse → geometry check → grid → voxels, frames decoded and inserted), and an
//! independent reference sampler written from the definitions (PS3.3 C.7.6.2.1.1 and trilinear
//! interpolation), which never calls `dicom_viewer::volume`'s sampling.

#![allow(dead_code)]

use dicom_viewer::api::decode_frame;
use dicom_viewer::dicom::{DicomImage, SampleFormat};
use dicom_viewer::pipeline::ModalityLut;
use dicom_viewer::study::InstanceMeta;
use dicom_viewer::volume::{check_geometry, GeometryReport, Grid, SliceGeometry, Volume, VoxelKind};

/// 1 GB: more than any test volume.
pub const BUDGET: u64 = 1 << 30;

/// What `build` made.
pub struct Built {
    pub volume: Volume,
    pub report: GeometryReport,
    /// The first slice's image (header for `plane_image`).
    pub template: DicomImage,
}

/// The planes of `files` in the given order, through the header parser.
pub fn geometry_of(files: &[Vec<u8>]) -> Vec<SliceGeometry> {
    files
        .iter()
        .enumerate()
        .map(|(index, bytes)| {
            let meta = InstanceMeta::from_bytes(index as u32, bytes).expect("header parses");
            SliceGeometry::of(&meta, 0).expect("slice has a plane")
        })
        .collect()
}

/// A volume of `files` (single-frame slices in volume order), filling the slices `fill` says
/// (all when None) — as src/web/volume.rs does.
pub fn build(files: &[Vec<u8>], fill: Option<&[usize]>) -> Result<Built, String> {
    let geometry = geometry_of(files);
    let report = check_geometry(&geometry);
    if report.is_refused() {
        return Err(report.messages(dicom_viewer::i18n::Lang::En).join(" "));
    }
    let grid = Grid::from_slices(&geometry).map_err(|e| e.to_string())?;
    let decoded: Vec<(DicomImage, dicom_viewer::dicom::Frame)> =
        files.iter().map(|bytes| decode_frame(bytes, 0).expect("slice decodes")).collect();
    let luts: Vec<ModalityLut> = decoded.iter().map(|(image, _)| image.info.modality_lut(0)).collect();
    let one_lut = luts.windows(2).all(|pair| pair[0] == pair[1]);
    let first = &decoded[0].0;
    let float = !matches!(first.info.sample_format, SampleFormat::Integer);
    let kind = VoxelKind::for_slices(first.info.layout.bits_allocated, first.info.layout.signed, float, one_lut);
    let modality = if kind == VoxelKind::F32 { ModalityLut::Identity } else { luts[0].clone() };
    let mut volume = Volume::new(grid, kind, modality, BUDGET).map_err(|e| e.to_string())?;
    for (slice, ((_, frame), lut)) in decoded.iter().zip(&luts).enumerate() {
        if fill.is_none_or(|chosen| chosen.contains(&slice)) {
            volume.insert_slice(slice as u32, frame, lut).map_err(|e| e.to_string())?;
        }
    }
    let template = decoded.into_iter().next().map(|(image, _)| image).ok_or("no slices")?;
    Ok(Built { volume, report, template })
}

pub fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

pub fn sub(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

pub fn add_scaled(a: [f64; 3], b: [f64; 3], s: f64) -> [f64; 3] {
    [a[0] + b[0] * s, a[1] + b[1] * s, a[2] + b[2] * s]
}

pub fn cross(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
}

/// An upright stack (no tilt) of slices with orthonormal row/column directions, described only by
/// what the headers say: the reference sampler's own view of the data.
pub struct Stack {
    pub rows: usize,
    pub columns: usize,
    /// Between rows, between columns (mm).
    pub pixel_spacing_mm: [f64; 2],
    pub row_direction: [f64; 3],
    pub column_direction: [f64; 3],
    /// Image Position (Patient) of each slice, in volume order (increasing along the normal).
    pub positions_mm: Vec<[f64; 3]>,
}

/// Where a patient point falls in a stack: continuous column, row, and the slice interval.
pub struct Cell {
    pub column: f64,
    pub row: f64,
    /// Slice `k0` and the fraction of the way to slice `k0 + 1` (0 on a slice).
    pub k0: usize,
    pub fraction: f64,
}

impl Stack {
    pub fn normal(&self) -> [f64; 3] {
        cross(self.row_direction, self.column_direction)
    }

    /// Continuous (column, row, slice) of `p`, with half a voxel of slack at each face (the
    /// viewer's rule: the outermost voxels extend half a voxel), None outside. The slice interval
    /// comes from the distance along the normal over the two slices' true distance; the
    /// in-plane position is measured from the origin interpolated between those two slices
    /// (a tilted gantry's stack is sheared: each slice has its own origin).
    pub fn locate(&self, p: [f64; 3]) -> Option<Cell> {
        let first = self.positions_mm[0];
        let n = self.normal();
        let along: Vec<f64> = self.positions_mm.iter().map(|q| dot(sub(*q, first), n)).collect();
        let h = dot(sub(p, first), n);
        let last = along.len() - 1;
        let (first_step, last_step) = (along[1] - along[0], along[last] - along[last - 1]);
        let (k0, fraction) = if h <= 0.0 {
            (0, h / first_step)
        } else if h >= along[last] {
            (last - 1, 1.0 + (h - along[last]) / last_step)
        } else {
            let k0 = along.iter().rposition(|a| *a <= h).unwrap_or(0).min(last - 1);
            (k0, (h - along[k0]) / (along[k0 + 1] - along[k0]))
        };
        // Continuous slice index, its half-voxel slack, then clamped onto the stack.
        let k = k0 as f64 + fraction;
        if !(-0.5..=last as f64 + 0.5).contains(&k) {
            return None;
        }
        let origin: [f64; 3] = std::array::from_fn(|a| {
            self.positions_mm[k0][a] + fraction * (self.positions_mm[k0 + 1][a] - self.positions_mm[k0][a])
        });
        let d = sub(p, origin);
        let column = dot(d, self.row_direction) / self.pixel_spacing_mm[1];
        let row = dot(d, self.column_direction) / self.pixel_spacing_mm[0];
        let inside = |x: f64, n: usize| x >= -0.5 && x <= n as f64 - 0.5;
        if !inside(column, self.columns) || !inside(row, self.rows) {
            return None;
        }
        let k = k.clamp(0.0, last as f64);
        let k0 = (k.floor() as usize).min(last);
        Some(Cell {
            column: column.clamp(0.0, (self.columns - 1) as f64),
            row: row.clamp(0.0, (self.rows - 1) as f64),
            k0,
            fraction: k - k0 as f64,
        })
    }

    /// The eight voxel corners of `cell` with their trilinear weights: ((column, row, slice), weight).
    pub fn corners(&self, cell: &Cell) -> Vec<((usize, usize, usize), f64)> {
        let (c0, r0) = (cell.column.floor() as usize, cell.row.floor() as usize);
        let (fc, fr) = (cell.column - c0 as f64, cell.row - r0 as f64);
        let c1 = (c0 + 1).min(self.columns - 1);
        let r1 = (r0 + 1).min(self.rows - 1);
        let k1 = (cell.k0 + 1).min(self.positions_mm.len() - 1);
        let mut out = Vec::with_capacity(8);
        for (k, wk) in [(cell.k0, 1.0 - cell.fraction), (k1, cell.fraction)] {
            for (r, wr) in [(r0, 1.0 - fr), (r1, fr)] {
                for (c, wc) in [(c0, 1.0 - fc), (c1, fc)] {
                    out.push(((c, r, k), wk * wr * wc));
                }
            }
        }
        out
    }

    /// Trilinear interpolation of `value(column, row, slice)` at `p` (None outside).
    pub fn trilinear(&self, p: [f64; 3], value: impl Fn(usize, usize, usize) -> f64) -> Option<f64> {
        let cell = self.locate(p)?;
        Some(self.corners(&cell).into_iter().map(|((c, r, k), w)| w * value(c, r, k)).sum())
    }

    /// Centre of voxel (column, row, slice), mm.
    pub fn voxel_centre(&self, column: usize, row: usize, slice: usize) -> [f64; 3] {
        let p = add_scaled(self.positions_mm[slice], self.row_direction, column as f64 * self.pixel_spacing_mm[1]);
        add_scaled(p, self.column_direction, row as f64 * self.pixel_spacing_mm[0])
    }
}
