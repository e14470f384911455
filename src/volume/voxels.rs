//! The voxel values of a volume, filled slice by slice as frames are decoded. Values stay at
//! the width the files store them (8/16-bit integers; 32-bit float only for float data or a
//! series whose slices rescale differently), with one Modality LUT for all (PS3.3 C.11.1).

use super::grid::Grid;
use super::VolumeError;
use crate::dicom::Frame;
use crate::pipeline::{ModalityLut, Photometric, PixelValues};

/// Voxel values, slice after slice, row after row (index `i + columns·(j + rows·k)`).
#[derive(Debug, Clone, PartialEq)]
pub enum Voxels {
    U8(Vec<u8>),
    U16(Vec<u16>),
    I16(Vec<i16>),
    /// Modality values of float data, or of slices with differing rescales.
    F32(Vec<f32>),
}

/// Which [`Voxels`] variant to allocate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoxelKind {
    U8,
    U16,
    I16,
    F32,
}

impl VoxelKind {
    /// The narrowest kind holding every slice's values unchanged: the stored width for
    /// integer data up to 16 bits sharing one Modality LUT, else 32-bit float modality values.
    pub fn for_slices(bits_allocated: u16, signed: bool, float_data: bool, one_modality_lut: bool) -> VoxelKind {
        match (float_data, one_modality_lut, bits_allocated, signed) {
            (false, true, 0..=8, false) => VoxelKind::U8,
            (false, true, 0..=16, true) => VoxelKind::I16,
            (false, true, 9..=16, false) => VoxelKind::U16,
            _ => VoxelKind::F32,
        }
    }

    pub fn bytes(self) -> u64 {
        match self {
            VoxelKind::U8 => 1,
            VoxelKind::U16 | VoxelKind::I16 => 2,
            VoxelKind::F32 => 4,
        }
    }
}

impl Voxels {
    pub fn kind(&self) -> VoxelKind {
        match self {
            Voxels::U8(_) => VoxelKind::U8,
            Voxels::U16(_) => VoxelKind::U16,
            Voxels::I16(_) => VoxelKind::I16,
            Voxels::F32(_) => VoxelKind::F32,
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Voxels::U8(v) => v.len(),
            Voxels::U16(v) => v.len(),
            Voxels::I16(v) => v.len(),
            Voxels::F32(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    #[inline]
    pub fn get(&self, index: usize) -> Option<f64> {
        match self {
            Voxels::U8(v) => v.get(index).map(|x| f64::from(*x)),
            Voxels::U16(v) => v.get(index).map(|x| f64::from(*x)),
            Voxels::I16(v) => v.get(index).map(|x| f64::from(*x)),
            Voxels::F32(v) => v.get(index).map(|x| f64::from(*x)),
        }
    }
}

/// How the stored frames looked (copied onto reformatted planes so they render alike).
#[derive(Debug, Clone, PartialEq)]
pub struct FrameTemplate {
    pub bits_allocated: u16,
    pub bits_stored: u16,
    pub pixel_representation: u16,
    pub photometric: Photometric,
}

/// A volume being filled: its grid, values, the Modality LUT that turns them into modality
/// values, and which slices have arrived.
#[derive(Debug, Clone)]
pub struct Volume {
    pub grid: Grid,
    pub voxels: Voxels,
    /// Applies to every voxel (Identity for F32 volumes built from rescaled slices).
    pub modality: ModalityLut,
    /// Slice k has been filled.
    pub filled: Vec<bool>,
    /// Written where a plane leaves the volume: the smallest value filled so far (air, for CT).
    pub padding: f64,
    pub template: Option<FrameTemplate>,
    /// Bumped on every change of the values (GPU textures and cached planes compare it).
    pub revision: u64,
}

impl Volume {
    /// An empty volume of `kind` over `grid`, refusing more than `budget_bytes`.
    pub fn new(grid: Grid, kind: VoxelKind, modality: ModalityLut, budget_bytes: u64) -> Result<Volume, VolumeError> {
        let count = grid.voxel_count();
        let needed_bytes = count.saturating_mul(kind.bytes());
        if needed_bytes > budget_bytes {
            return Err(VolumeError::TooLarge { needed_bytes, budget_bytes });
        }
        let count = usize::try_from(count).map_err(|_| VolumeError::TooLarge { needed_bytes, budget_bytes })?;
        let voxels = match kind {
            VoxelKind::U8 => Voxels::U8(vec![0; count]),
            VoxelKind::U16 => Voxels::U16(vec![0; count]),
            VoxelKind::I16 => Voxels::I16(vec![0; count]),
            VoxelKind::F32 => Voxels::F32(vec![0.0; count]),
        };
        let slices = grid.slices as usize;
        Ok(Volume {
            grid,
            voxels,
            modality,
            filled: vec![false; slices],
            padding: f64::INFINITY,
            template: None,
            revision: 0,
        })
    }

    /// Bytes held by the voxel values.
    pub fn byte_len(&self) -> u64 {
        self.voxels.len() as u64 * self.voxels.kind().bytes()
    }

    pub fn filled_count(&self) -> usize {
        self.filled.iter().filter(|f| **f).count()
    }

    pub fn is_complete(&self) -> bool {
        self.filled.iter().all(|f| *f)
    }

    fn slice_len(&self) -> usize {
        self.grid.columns as usize * self.grid.rows as usize
    }

    /// Copies decoded frame `frame` (with its own Modality LUT `modality`) into slice `slice`.
    pub fn insert_slice(&mut self, slice: u32, frame: &Frame, modality: &ModalityLut) -> Result<(), VolumeError> {
        let mismatch = |reason: String| VolumeError::SliceMismatch { slice, reason };
        if slice >= self.grid.slices {
            return Err(mismatch(format!("the volume has {} slices", self.grid.slices)));
        }
        if frame.columns != self.grid.columns || frame.rows != self.grid.rows {
            return Err(mismatch(format!(
                "{}×{} pixels, the volume {}×{}",
                frame.columns, frame.rows, self.grid.columns, self.grid.rows
            )));
        }
        if frame.samples_per_pixel != 1 {
            return Err(mismatch("colour images are not reformatted".into()));
        }
        let len = self.slice_len();
        if frame.pixels.len() != len {
            return Err(mismatch(format!("{} values for {len} pixels", frame.pixels.len())));
        }
        let start = len * slice as usize;
        // The voxels hold `slices` whole slices (Volume::new); checked so a grid changed after
        // allocation cannot slice out of bounds.
        if start + len > self.voxels.len() {
            return Err(mismatch(format!(
                "the volume holds {} values, slice ends at {}",
                self.voxels.len(),
                start + len
            )));
        }
        let same_lut = *modality == self.modality;
        let mut low = f64::INFINITY;
        match (&mut self.voxels, &frame.pixels) {
            (Voxels::U8(out), PixelValues::U8(values)) if same_lut => {
                copy(&mut out[start..start + len], values, &mut low)
            }
            (Voxels::U16(out), PixelValues::U16(values)) if same_lut => {
                copy(&mut out[start..start + len], values, &mut low)
            }
            (Voxels::U16(out), PixelValues::U8(values)) if same_lut => {
                widen(&mut out[start..start + len], values, &mut low)
            }
            (Voxels::I16(out), PixelValues::I16(values)) if same_lut => {
                copy(&mut out[start..start + len], values, &mut low)
            }
            (Voxels::I16(out), PixelValues::U8(values)) if same_lut => {
                widen(&mut out[start..start + len], values, &mut low)
            }
            (Voxels::F32(out), values) => {
                // Modality values: this slice's own LUT, the volume's being Identity.
                for (index, slot) in out[start..start + len].iter_mut().enumerate() {
                    let stored = values.get_f64(index).unwrap_or(0.0);
                    let value = modality.apply(stored) as f32;
                    low = low.min(f64::from(value));
                    *slot = value;
                }
            }
            (voxels, values) => {
                return Err(mismatch(format!(
                    "{:?} values with {modality:?} into a {:?} volume with {:?}",
                    sample_name(values),
                    voxels.kind(),
                    self.modality
                )))
            }
        }
        if low < self.padding {
            self.padding = low;
        }
        if self.template.is_none() {
            self.template = Some(FrameTemplate {
                bits_allocated: frame.bits_allocated,
                bits_stored: frame.bits_stored,
                pixel_representation: frame.pixel_representation,
                photometric: frame.photometric,
            });
        }
        if let Some(flag) = self.filled.get_mut(slice as usize) {
            *flag = true;
        }
        self.revision += 1;
        Ok(())
    }

    /// The value of voxel `(i, j, k)`, None outside or in a slice not yet filled.
    #[inline]
    pub fn value(&self, i: u32, j: u32, k: u32) -> Option<f64> {
        let g = &self.grid;
        if i >= g.columns || j >= g.rows || k >= g.slices || !self.filled.get(k as usize).copied().unwrap_or(false) {
            return None;
        }
        self.voxels.get(i as usize + g.columns as usize * (j as usize + g.rows as usize * k as usize))
    }

    /// Trilinear interpolation at continuous voxel coordinate `(i, j, k)`; None outside the
    /// grid (half a voxel of slack at the faces is clamped), next to an unfilled slice or
    /// inside a gap of missing slices (`Grid::is_gap_after`).
    pub fn sample(&self, at: [f64; 3]) -> Option<f64> {
        match &self.voxels {
            Voxels::U8(v) => sample_in(v, &self.grid, &self.filled, at),
            Voxels::U16(v) => sample_in(v, &self.grid, &self.filled, at),
            Voxels::I16(v) => sample_in(v, &self.grid, &self.filled, at),
            Voxels::F32(v) => sample_in(v, &self.grid, &self.filled, at),
        }
    }

    /// Modality value (PS3.3 C.11.1) of a voxel value.
    pub fn modality_value(&self, value: f64) -> f64 {
        self.modality.apply(value)
    }
}

/// [`Volume::sample`] on the values of one type.
#[inline(always)]
pub(crate) fn sample_in<T: Copy + Into<f64>>(data: &[T], g: &Grid, filled: &[bool], at: [f64; 3]) -> Option<f64> {
    Sampler::new(data, g, filled).sample(at)
}

/// Trilinear sampling of the values of one type, with the grid's sizes read once (the reslice
/// loop builds one per plane, having matched the voxel type once). The eight neighbours are the
/// voxel at the floor of `(i, j, k)` plus 0/1 column, 0/1 row (`columns` values on) and 0/1
/// slice (`columns·rows` values on), each step 0 on the last column/row/slice.
pub(crate) struct Sampler<'a, T> {
    data: &'a [T],
    grid: &'a Grid,
    filled: &'a [bool],
    columns: usize,
    slice_len: usize,
    last_i: f64,
    last_j: f64,
    last_k: f64,
}

impl<'a, T: Copy + Into<f64>> Sampler<'a, T> {
    #[inline(always)]
    pub(crate) fn new(data: &'a [T], grid: &'a Grid, filled: &'a [bool]) -> Sampler<'a, T> {
        let (columns, rows, slices) = (grid.columns as usize, grid.rows as usize, grid.slices as usize);
        Sampler {
            data,
            grid,
            filled,
            columns,
            slice_len: columns * rows,
            last_i: columns.saturating_sub(1) as f64,
            last_j: rows.saturating_sub(1) as f64,
            last_k: slices.saturating_sub(1) as f64,
        }
    }

    /// Trilinear interpolation at `(i, j, k)`: None outside (half a voxel of slack at the
    /// faces), next to an unfilled slice or inside a gap.
    #[inline(always)]
    pub(crate) fn sample(&self, [i, j, k]: [f64; 3]) -> Option<f64> {
        self.combine(self.axis_i(i)?, self.axis_j(j)?, self.axis_k(k)?)
    }

    /// Where column coordinate `i` falls (None outside).
    #[inline(always)]
    pub(crate) fn axis_i(&self, i: f64) -> Option<AxisPart> {
        axis_part(i, self.last_i, 1)
    }

    /// Where row coordinate `j` falls (None outside).
    #[inline(always)]
    pub(crate) fn axis_j(&self, j: f64) -> Option<AxisPart> {
        axis_part(j, self.last_j, self.columns)
    }

    /// Where slice coordinate `k` falls (None outside).
    #[inline(always)]
    pub(crate) fn axis_k(&self, k: f64) -> Option<AxisPart> {
        axis_part(k, self.last_k, 1)
    }

    /// The interpolated value from the three axes' parts (a reslice row computes the parts that
    /// do not change along it once).
    #[inline(always)]
    pub(crate) fn combine(&self, i: AxisPart, j: AxisPart, k: AxisPart) -> Option<f64> {
        let (fx, fy, fz) = (i.fraction, j.fraction, k.fraction);
        let (dx, dy) = (i.step, j.step);
        let within = i.floor + self.columns * j.floor;
        let data = self.data;
        let plane = |z: usize| -> Option<f64> {
            if !*self.filled.get(z)? {
                return None;
            }
            let at = self.slice_len * z + within;
            let a: f64 = (*data.get(at)?).into();
            let b: f64 = (*data.get(at + dx)?).into();
            let c: f64 = (*data.get(at + dy)?).into();
            let d: f64 = (*data.get(at + dy + dx)?).into();
            let top = a + (b - a) * fx;
            let bottom = c + (d - c) * fx;
            Some(top + (bottom - top) * fy)
        };
        let near = plane(k.floor)?;
        if fz == 0.0 {
            return Some(near);
        }
        // Missing slices: nothing to interpolate between (the plane shows padding there).
        if self.grid.is_gap_after(k.floor) {
            return None;
        }
        let far = plane(k.floor + k.step)?;
        Some(near + (far - near) * fz)
    }
}

/// One coordinate of a sample: the voxel at its floor, the fraction towards the next, and the
/// index step to that next voxel (0 on the last voxel, which the coordinate is clamped onto).
#[derive(Debug, Clone, Copy)]
pub(crate) struct AxisPart {
    floor: usize,
    fraction: f64,
    step: usize,
}

/// Half a voxel of slack at the faces, clamped onto the outermost voxels (NaN fails here).
#[inline(always)]
fn axis_part(c: f64, last: f64, stride: usize) -> Option<AxisPart> {
    if !(c >= -0.5 && c <= last + 0.5) {
        return None;
    }
    let x = c.clamp(0.0, last);
    // Non-negative: truncation is the floor.
    let floor = x as usize;
    Some(AxisPart { floor, fraction: x - floor as f64, step: if (floor as f64) < last { stride } else { 0 } })
}

fn sample_name(values: &PixelValues) -> &'static str {
    match values {
        PixelValues::U8(_) => "8-bit unsigned",
        PixelValues::U16(_) => "16-bit unsigned",
        PixelValues::I16(_) => "16-bit signed",
        PixelValues::U32(_) => "32-bit unsigned",
        PixelValues::I32(_) => "32-bit signed",
        PixelValues::F32(_) => "32-bit float",
        PixelValues::F64(_) => "64-bit float",
    }
}

fn copy<T: Copy + Into<f64>>(out: &mut [T], values: &[T], low: &mut f64) {
    out.copy_from_slice(values);
    for v in values {
        let v: f64 = (*v).into();
        if v < *low {
            *low = v;
        }
    }
}

fn widen<T: From<u8> + Copy>(out: &mut [T], values: &[u8], low: &mut f64) {
    for (slot, v) in out.iter_mut().zip(values) {
        *slot = T::from(*v);
        *low = low.min(f64::from(*v));
    }
}
