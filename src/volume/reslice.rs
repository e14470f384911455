//! Reformatted planes and thick slabs: any plane through a volume sampled trilinearly, or a
//! slab around it reduced by maximum, minimum or mean intensity projection. The result is an
//! ordinary [`Frame`] of the volume's value type, so both renderers show it through the same
//! Modality LUT, VOI and presentation chain as an acquired slice.

use super::vec3::{self, Vec3};
use super::voxels::{Sampler, Volume, Voxels};
use crate::dicom::overlay::EmbeddedOverlays;
use crate::dicom::Frame;
use crate::pipeline::{ModalityLut, Photometric, PixelValues};

/// Largest reformatted plane side, pixels (a plane is at most 4096² samples).
pub const MAX_PLANE_SIDE: u32 = 4096;

/// A plane of square pixels in patient space: pixel `(x, y)` has its centre at
/// `origin_mm + x·spacing·row_direction + y·spacing·column_direction`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Plane {
    /// Centre of pixel (0, 0), mm.
    pub origin_mm: Vec3,
    /// Unit direction of increasing x (to the right on screen).
    pub row_direction: Vec3,
    /// Unit direction of increasing y (down on screen), perpendicular to `row_direction`.
    pub column_direction: Vec3,
    pub pixel_spacing_mm: f64,
    pub columns: u32,
    pub rows: u32,
}

impl Plane {
    /// The plane through `centre_mm` spanned by `row_direction` and `column_direction`, sized to
    /// cover the whole volume as it projects onto it, with `pixel_spacing_mm` pixels.
    pub fn covering(
        volume: &Volume,
        centre_mm: Vec3,
        row_direction: Vec3,
        column_direction: Vec3,
        pixel_spacing_mm: f64,
    ) -> Plane {
        let row_direction = vec3::normalize(row_direction);
        // Make the column direction exactly perpendicular (Gram–Schmidt).
        let column_direction = vec3::normalize(vec3::sub(
            column_direction,
            vec3::scale(row_direction, vec3::dot(column_direction, row_direction)),
        ));
        let spacing = if pixel_spacing_mm > 0.0 && pixel_spacing_mm.is_finite() { pixel_spacing_mm } else { 1.0 };
        let (mut low_x, mut high_x, mut low_y, mut high_y) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for corner in volume.grid.corners_mm() {
            let d = vec3::sub(corner, centre_mm);
            let (x, y) = (vec3::dot(d, row_direction), vec3::dot(d, column_direction));
            low_x = low_x.min(x);
            high_x = high_x.max(x);
            low_y = low_y.min(y);
            high_y = high_y.max(y);
        }
        // Symmetric about the centre so the centre stays in the middle of the plane.
        let half_x = low_x.abs().max(high_x.abs());
        let half_y = low_y.abs().max(high_y.abs());
        let columns = ((2.0 * half_x / spacing).round() as u32 + 1).clamp(1, MAX_PLANE_SIDE);
        let rows = ((2.0 * half_y / spacing).round() as u32 + 1).clamp(1, MAX_PLANE_SIDE);
        let origin_mm = vec3::sub(
            vec3::sub(centre_mm, vec3::scale(row_direction, spacing * f64::from(columns - 1) / 2.0)),
            vec3::scale(column_direction, spacing * f64::from(rows - 1) / 2.0),
        );
        Plane { origin_mm, row_direction, column_direction, pixel_spacing_mm: spacing, columns, rows }
    }

    /// Unit normal (row × column).
    pub fn normal(&self) -> Vec3 {
        vec3::normalize(vec3::cross(self.row_direction, self.column_direction))
    }

    /// Patient position of continuous pixel coordinate `(x, y)`.
    pub fn pixel_to_patient(&self, x: f64, y: f64) -> Vec3 {
        vec3::add(
            vec3::add(self.origin_mm, vec3::scale(self.row_direction, x * self.pixel_spacing_mm)),
            vec3::scale(self.column_direction, y * self.pixel_spacing_mm),
        )
    }

    /// Pixel coordinate `(x, y)` of the projection of `p`, and its signed distance from the
    /// plane along the normal (mm).
    pub fn patient_to_pixel(&self, p: Vec3) -> (f64, f64, f64) {
        let d = vec3::sub(p, self.origin_mm);
        (
            vec3::dot(d, self.row_direction) / self.pixel_spacing_mm,
            vec3::dot(d, self.column_direction) / self.pixel_spacing_mm,
            vec3::dot(d, self.normal()),
        )
    }

    /// Image Orientation (Patient) of the plane (row, then column direction cosines), for
    /// orientation letters and measurements.
    pub fn orientation(&self) -> [f64; 6] {
        let (r, c) = (self.row_direction, self.column_direction);
        [r[0], r[1], r[2], c[0], c[1], c[2]]
    }
}

/// Intensity projection across a thick slab (PS3.3 C.8.23 uses the same names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlabMode {
    /// Maximum intensity projection.
    Maximum,
    /// Minimum intensity projection.
    Minimum,
    /// Average intensity projection.
    Mean,
}

/// A slab `thickness_mm` thick centred on the plane.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Slab {
    pub mode: SlabMode,
    pub thickness_mm: f64,
}

impl Slab {
    /// Offsets along the normal (mm) sampled across the slab: steps of at most `step_mm`,
    /// symmetric about the plane, one (0) for a slab thinner than a step.
    pub fn offsets_mm(&self, step_mm: f64) -> Vec<f64> {
        if !(self.thickness_mm > step_mm && step_mm > 0.0) {
            return vec![0.0];
        }
        let intervals = (self.thickness_mm / step_mm).ceil().min(1024.0) as usize;
        let step = self.thickness_mm / intervals as f64;
        (0..=intervals).map(|n| -self.thickness_mm / 2.0 + step * n as f64).collect()
    }
}

/// A reformatted plane: pixel values of the volume's type, its Modality LUT, and how many
/// pixels lie inside the filled part of the volume.
#[derive(Debug, Clone, PartialEq)]
pub struct Resliced {
    pub frame: Frame,
    pub modality: ModalityLut,
    pub covered_pixels: u64,
}

/// Samples `plane` through `volume` (trilinear), or reduces the `slab` around it. Pixels
/// outside the volume or in slices not yet loaded get the volume's padding value.
pub fn reslice(volume: &Volume, plane: &Plane, slab: Option<Slab>) -> Resliced {
    let offsets = slab.map_or_else(|| vec![0.0], |s| s.offsets_mm(volume.grid.finest_spacing_mm()));
    let mode = slab.map_or(SlabMode::Mean, |s| s.mode);
    let padding = if volume.padding.is_finite() { volume.padding } else { 0.0 };
    let walk = Walk::new(volume, plane, &offsets);
    let (values, covered) = match &volume.voxels {
        Voxels::U8(v) => walk.run(v, volume, mode, padding),
        Voxels::U16(v) => walk.run(v, volume, mode, padding),
        Voxels::I16(v) => walk.run(v, volume, mode, padding),
        Voxels::F32(v) => walk.run(v, volume, mode, padding),
    };
    let template = volume.template.clone();
    let pixels = match &volume.voxels {
        Voxels::U8(_) => PixelValues::U8(values.iter().map(|v| v.round().clamp(0.0, 255.0) as u8).collect()),
        Voxels::U16(_) => PixelValues::U16(values.iter().map(|v| v.round().clamp(0.0, 65535.0) as u16).collect()),
        Voxels::I16(_) => PixelValues::I16(values.iter().map(|v| v.round().clamp(-32768.0, 32767.0) as i16).collect()),
        Voxels::F32(_) => PixelValues::F32(values.iter().map(|v| *v as f32).collect()),
    };
    let (bits_allocated, bits_stored, pixel_representation, photometric) = match template {
        Some(t) => (t.bits_allocated, t.bits_stored, t.pixel_representation, t.photometric),
        None => (16, 16, 0, Photometric::Monochrome2),
    };
    let frame = Frame {
        rows: plane.rows,
        columns: plane.columns,
        samples_per_pixel: 1,
        bits_allocated: if matches!(pixels, PixelValues::F32(_)) { 32 } else { bits_allocated },
        bits_stored: if matches!(pixels, PixelValues::F32(_)) { 32 } else { bits_stored },
        pixel_representation,
        photometric,
        pixels,
        embedded_overlays: EmbeddedOverlays::default(),
    };
    Resliced { frame, modality: volume.modality.clone(), covered_pixels: covered }
}

/// How a plane walks through the volume: the map patient → (i, j, u) is affine, so each pixel
/// and each slab offset is a fixed step in (i, j, u) space (u → k is piecewise linear for
/// irregular spacing, the identity otherwise).
struct Walk {
    base: Vec3,
    step_x: Vec3,
    step_y: Vec3,
    /// (i, j, u) displacement of each slab offset (hoisted out of the pixel loop).
    offsets: Vec<Vec3>,
    thin: bool,
    columns: u32,
    rows: u32,
}

impl Walk {
    fn new(volume: &Volume, plane: &Plane, offsets_mm: &[f64]) -> Walk {
        let grid = &volume.grid;
        let base = grid.patient_to_steps(plane.origin_mm);
        let along = |direction: Vec3, mm: f64| {
            vec3::sub(grid.patient_to_steps(vec3::add(plane.origin_mm, vec3::scale(direction, mm))), base)
        };
        let step_x = along(plane.row_direction, plane.pixel_spacing_mm);
        let step_y = along(plane.column_direction, plane.pixel_spacing_mm);
        let step_n = along(plane.normal(), 1.0);
        Walk {
            base,
            step_x,
            step_y,
            offsets: offsets_mm.iter().map(|o| vec3::scale(step_n, *o)).collect(),
            thin: offsets_mm == [0.0],
            columns: plane.columns,
            rows: plane.rows,
        }
    }

    /// The reduced value of every pixel, and how many pixels had a sample inside the volume.
    fn run<T: Copy + Into<f64>>(&self, data: &[T], volume: &Volume, mode: SlabMode, padding: f64) -> (Vec<f64>, u64) {
        let grid = &volume.grid;
        let filled = &volume.filled;
        let irregular = grid.slice_offsets.is_some();
        let sampler = Sampler::new(data, grid, filled);
        let sample = |[i, j, u]: Vec3| {
            let k = if irregular { grid.slice_of_step(u) } else { u };
            sampler.sample([i, j, k])
        };
        let mut values = Vec::with_capacity(self.columns as usize * self.rows as usize);
        let mut covered = 0u64;
        // Thin planes: along a row, a coordinate the row does not change (an axis-aligned
        // plane's) has the same voxel and fraction at every pixel, computed once per row.
        let varies = self.step_x.map(|s| s != 0.0);
        let slice_at = |u: f64| if irregular { grid.slice_of_step(u) } else { u };
        for y in 0..self.rows {
            let row = vec3::add(self.base, vec3::scale(self.step_y, f64::from(y)));
            if self.thin {
                let fixed_i = (!varies[0]).then(|| sampler.axis_i(row[0]));
                let fixed_j = (!varies[1]).then(|| sampler.axis_j(row[1]));
                let fixed_k = (!varies[2]).then(|| sampler.axis_k(slice_at(row[2])));
                for x in 0..self.columns {
                    let at = vec3::add(row, vec3::scale(self.step_x, f64::from(x)));
                    let value = (|| {
                        let i = fixed_i.unwrap_or_else(|| sampler.axis_i(at[0]))?;
                        let j = fixed_j.unwrap_or_else(|| sampler.axis_j(at[1]))?;
                        let k = fixed_k.unwrap_or_else(|| sampler.axis_k(slice_at(at[2])))?;
                        sampler.combine(i, j, k)
                    })();
                    match value {
                        Some(v) => {
                            covered += 1;
                            values.push(v);
                        }
                        None => values.push(padding),
                    }
                }
                continue;
            }
            for x in 0..self.columns {
                let at = vec3::add(row, vec3::scale(self.step_x, f64::from(x)));
                let mut reduced: Option<f64> = None;
                let mut sum = 0.0;
                let mut n = 0u32;
                for offset in &self.offsets {
                    let Some(v) = sample(vec3::add(at, *offset)) else { continue };
                    n += 1;
                    sum += v;
                    reduced = Some(match (mode, reduced) {
                        (_, None) => v,
                        (SlabMode::Maximum, Some(r)) => r.max(v),
                        (SlabMode::Minimum, Some(r)) => r.min(v),
                        (SlabMode::Mean, Some(r)) => r,
                    });
                }
                let value = match (mode, reduced) {
                    (_, None) => padding,
                    (SlabMode::Mean, Some(_)) => sum / f64::from(n),
                    (_, Some(r)) => r,
                };
                if reduced.is_some() {
                    covered += 1;
                }
                values.push(value);
            }
        }
        (values, covered)
    }
}

/// A header to render reformatted planes with: `template`'s (a slice of the volume: its
/// windows, VOI LUTs, presentation shape) with the plane's size, one frame, and the volume's
/// Modality LUT (PS3.3 C.11.1), so a plane goes through the same chain as an acquired slice.
pub fn plane_image(template: &crate::dicom::DicomImage, resliced: &Resliced) -> crate::dicom::DicomImage {
    let mut info = template.info.clone();
    info.rows = resliced.frame.rows;
    info.columns = resliced.frame.columns;
    info.number_of_frames = 1;
    // The first frame's windows stand for the volume (enhanced objects may vary them per frame).
    if let Some(first) = info.per_frame.first() {
        if !first.windows.is_empty() {
            info.shared.windows = first.windows.clone();
        }
    }
    info.per_frame.clear();
    info.shared.modality_lut = Some(resliced.modality.clone());
    if matches!(resliced.frame.pixels, PixelValues::F32(_)) {
        info.sample_format = crate::dicom::SampleFormat::Float32;
        info.layout.bits_allocated = 32;
        info.layout.bits_stored = 32;
        info.layout.high_bit = 31;
    }
    crate::dicom::DicomImage {
        dataset: dicom_object::InMemDicomObject::new_empty(),
        info,
        transfer_syntax: template.transfer_syntax.clone(),
    }
}
