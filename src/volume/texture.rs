//! What a GPU needs to sample a [`Volume`] as `reslice` does: the 3-D texture format of its
//! voxel kind, how it fits the GPU's MAX_3D_TEXTURE_SIZE (box downsampling when it does not),
//! and the plane shader's uniforms (pixel → voxel affine map, slab offsets, rounding to the
//! volume's integer type). Plain Rust: `src/web/gpu/volume.rs` only uploads and binds these.
//! `reference_plane` evaluates the uniforms on the CPU as the shader does (in f64), so the
//! native tests prove they reproduce `reslice` exactly.

use super::grid::Grid;
use super::render3d::{Camera, Projection, RayCast};
use super::reslice::{Plane, Slab, SlabMode};
use super::vec3::{self, Vec3};
use super::voxels::{Volume, VoxelKind, Voxels};
use crate::dicom::overlay::EmbeddedOverlays;
use crate::dicom::Frame;
use crate::pipeline::gpu_plan::SampleType;
use crate::pipeline::{Photometric, PixelValues};

/// Largest box (voxels per axis) averaged into one texel before the GPU refuses the volume and
/// planes are resliced on the CPU instead (coarser than this would hide anatomy).
pub const MAX_DOWNSAMPLE_FACTOR: u32 = 4;

/// The texel type of a voxel kind: R8UI, R16UI, R16I (integer textures, NEAREST: the shader
/// interpolates) or R32F.
pub fn sample_type(kind: VoxelKind) -> SampleType {
    match kind {
        VoxelKind::U8 => SampleType::U8,
        VoxelKind::U16 => SampleType::U16,
        VoxelKind::I16 => SampleType::I16,
        VoxelKind::F32 => SampleType::F32,
    }
}

/// How a volume goes into a 3-D texture: `factors` voxels per axis (column, row, slice) are
/// averaged into one texel of a `size` texture (factors 1: at full resolution).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextureFit {
    pub size: [u32; 3],
    pub factors: [u32; 3],
}

/// Why a volume cannot go to the GPU (planes are then resliced on the CPU).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextureLimitError {
    /// Fitting `size` into `max_size` texels per axis would average more than
    /// `MAX_DOWNSAMPLE_FACTOR` voxels per axis.
    TooLarge { size: [u32; 3], max_size: u32 },
}

impl std::fmt::Display for TextureLimitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TextureLimitError::TooLarge { size: [c, r, s], max_size } => write!(
                f,
                "the volume ({c} × {r} × {s} voxels) is too large for this GPU's 3-D textures (at most {max_size} per side); planes are computed on the CPU instead"
            ),
        }
    }
}

impl std::error::Error for TextureLimitError {}

impl TextureFit {
    /// The texture of `grid` within `max_size` texels per axis (MAX_3D_TEXTURE_SIZE): the
    /// smallest whole factor per axis that fits, refused above `MAX_DOWNSAMPLE_FACTOR`.
    pub fn of(grid: &Grid, max_size: u32) -> Result<TextureFit, TextureLimitError> {
        let dims = [grid.columns, grid.rows, grid.slices];
        let refuse = TextureLimitError::TooLarge { size: dims, max_size };
        if max_size == 0 {
            return Err(refuse);
        }
        let mut factors = [1u32; 3];
        let mut size = [0u32; 3];
        for axis in 0..3 {
            let n = dims[axis].max(1);
            let factor = n.div_ceil(max_size);
            if factor > MAX_DOWNSAMPLE_FACTOR {
                return Err(refuse);
            }
            factors[axis] = factor;
            size[axis] = n.div_ceil(factor);
        }
        Ok(TextureFit { size, factors })
    }

    pub fn is_downsampled(&self) -> bool {
        self.factors != [1, 1, 1]
    }

    /// What the viewport says when the GPU shows a coarser volume than the files hold.
    pub fn note(&self, grid: &Grid) -> Option<String> {
        self.is_downsampled().then(|| {
            let [c, r, s] = self.size;
            format!(
                "the volume ({} × {} × {}) exceeds this GPU's 3-D texture limit: shown at {c} × {r} × {s} (boxes of {} × {} × {} voxels averaged)",
                grid.columns, grid.rows, grid.slices, self.factors[0], self.factors[1], self.factors[2]
            )
        })
    }
}

/// The grid of a volume downsampled by `factors`: each texel is the mean of a box of voxels and
/// lies at the centre of a full box (the last box of an axis may be partial).
pub fn downsampled_grid(grid: &Grid, fit: &TextureFit) -> Grid {
    let [fi, fj, fk] = fit.factors.map(f64::from);
    Grid {
        columns: fit.size[0],
        rows: fit.size[1],
        slices: fit.size[2],
        origin_mm: grid.voxel_to_patient([(fi - 1.0) / 2.0, (fj - 1.0) / 2.0, (fk - 1.0) / 2.0]),
        row_direction: grid.row_direction,
        column_direction: grid.column_direction,
        column_spacing_mm: grid.column_spacing_mm * fi,
        row_spacing_mm: grid.row_spacing_mm * fj,
        slice_step_mm: vec3::scale(grid.slice_step_mm, fk),
    }
}

/// `volume` box-averaged to `fit` (values rounded to the volume's type as `reslice` rounds). A
/// texel slice is filled when all its voxel slices are. The Modality LUT, padding, template and
/// revision are the volume's.
pub fn downsample(volume: &Volume, fit: &TextureFit) -> Volume {
    if !fit.is_downsampled() {
        return volume.clone();
    }
    let grid = downsampled_grid(&volume.grid, fit);
    let source = &volume.grid;
    let [fi, fj, fk] = fit.factors;
    let [nc, nr, ns] = fit.size;
    let mut values = Vec::with_capacity(nc as usize * nr as usize * ns as usize);
    let mut filled = Vec::with_capacity(ns as usize);
    for k in 0..ns {
        let slices = (k * fk)..((k + 1) * fk).min(source.slices);
        filled.push(slices.clone().all(|s| volume.filled.get(s as usize).copied().unwrap_or(false)));
        for j in 0..nr {
            for i in 0..nc {
                let (mut sum, mut n) = (0.0, 0u32);
                for z in slices.clone() {
                    for y in (j * fj)..((j + 1) * fj).min(source.rows) {
                        for x in (i * fi)..((i + 1) * fi).min(source.columns) {
                            let index =
                                x as usize + source.columns as usize * (y as usize + source.rows as usize * z as usize);
                            if let Some(v) = volume.voxels.get(index) {
                                sum += v;
                                n += 1;
                            }
                        }
                    }
                }
                values.push(if n == 0 { 0.0 } else { sum / f64::from(n) });
            }
        }
    }
    let voxels = match volume.voxels.kind() {
        VoxelKind::U8 => Voxels::U8(values.iter().map(|v| round_to(*v, Rounding::U8) as u8).collect()),
        VoxelKind::U16 => Voxels::U16(values.iter().map(|v| round_to(*v, Rounding::U16) as u16).collect()),
        VoxelKind::I16 => Voxels::I16(values.iter().map(|v| round_to(*v, Rounding::I16) as i16).collect()),
        VoxelKind::F32 => Voxels::F32(values.iter().map(|v| *v as f32).collect()),
    };
    Volume {
        grid,
        voxels,
        modality: volume.modality.clone(),
        filled,
        padding: volume.padding,
        template: volume.template.clone(),
        revision: volume.revision,
    }
}

/// How `reslice` turns a sampled value into the plane's pixel type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    U8,
    U16,
    I16,
    /// Float volumes keep the value.
    None,
}

impl Rounding {
    pub fn of(kind: VoxelKind) -> Rounding {
        match kind {
            VoxelKind::U8 => Rounding::U8,
            VoxelKind::U16 => Rounding::U16,
            VoxelKind::I16 => Rounding::I16,
            VoxelKind::F32 => Rounding::None,
        }
    }

    /// (low, high) clamp and whether to round half away from zero, for the shader.
    pub fn shader_range(self) -> (f32, f32, bool) {
        match self {
            Rounding::U8 => (0.0, 255.0, true),
            Rounding::U16 => (0.0, 65535.0, true),
            Rounding::I16 => (-32768.0, 32767.0, true),
            Rounding::None => (f32::MIN, f32::MAX, false),
        }
    }
}

/// `value` rounded (half away from zero, as `f64::round`) and clamped as `reslice` does.
pub fn round_to(value: f64, rounding: Rounding) -> f64 {
    match rounding {
        Rounding::None => value,
        other => {
            let (low, high, _) = other.shader_range();
            value.round().clamp(f64::from(low), f64::from(high))
        }
    }
}

/// The plane shader's uniforms: pixel `(x, y)` samples (trilinear, in texel coordinates of the
/// texture) at `base + x·step_x + y·step_y + offset·step_n` for each slab offset
/// `first_offset_mm + n·offset_step_mm`, n < `offset_count`, reduced by `mode`, then rounded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlaneSampling {
    pub base: Vec3,
    pub step_x: Vec3,
    pub step_y: Vec3,
    /// Texel coordinates per mm along the plane normal.
    pub step_n: Vec3,
    pub first_offset_mm: f64,
    pub offset_step_mm: f64,
    pub offset_count: u32,
    pub mode: SlabMode,
    /// Value of pixels with no sample (outside the volume or in slices not yet loaded).
    pub padding: f64,
    pub rounding: Rounding,
    pub columns: u32,
    pub rows: u32,
}

impl PlaneSampling {
    /// `plane` (and `slab`) through `volume` whose texture has grid `texture_grid` (the
    /// volume's own, or `downsampled_grid`). Slab offsets are those of `reslice`
    /// (`Slab::offsets_mm` at the volume's finest spacing).
    pub fn of(volume: &Volume, texture_grid: &Grid, plane: &Plane, slab: Option<Slab>) -> PlaneSampling {
        let offsets = slab.map_or_else(|| vec![0.0], |s| s.offsets_mm(volume.grid.finest_spacing_mm()));
        let first_offset_mm = offsets.first().copied().unwrap_or(0.0);
        let offset_step_mm = match offsets.as_slice() {
            [a, b, ..] => b - a,
            _ => 0.0,
        };
        let base = texture_grid.patient_to_voxel(plane.origin_mm);
        let toward = |direction: Vec3, distance: f64| {
            vec3::sub(texture_grid.patient_to_voxel(vec3::add(plane.origin_mm, vec3::scale(direction, distance))), base)
        };
        PlaneSampling {
            base,
            step_x: toward(plane.row_direction, plane.pixel_spacing_mm),
            step_y: toward(plane.column_direction, plane.pixel_spacing_mm),
            step_n: toward(plane.normal(), 1.0),
            first_offset_mm,
            offset_step_mm,
            offset_count: offsets.len() as u32,
            mode: slab.map_or(SlabMode::Mean, |s| s.mode),
            padding: if volume.padding.is_finite() { volume.padding } else { 0.0 },
            rounding: Rounding::of(volume.voxels.kind()),
            columns: plane.columns,
            rows: plane.rows,
        }
    }

    /// Shader code for the slab mode: 0 mean, 1 maximum, 2 minimum.
    pub fn mode_code(&self) -> i32 {
        match self.mode {
            SlabMode::Mean => 0,
            SlabMode::Maximum => 1,
            SlabMode::Minimum => 2,
        }
    }
}

/// The plane the shader draws, computed on the CPU with the shader's steps (f64): the value of
/// pixel `(x, y)` as the shader's pre-display stage yields it. Equal to `reslice` for the
/// volume's own grid.
pub fn reference_plane(texture: &Volume, sampling: &PlaneSampling) -> Vec<f64> {
    let mut out = Vec::with_capacity(sampling.columns as usize * sampling.rows as usize);
    for y in 0..sampling.rows {
        for x in 0..sampling.columns {
            out.push(reference_pixel(texture, sampling, x, y));
        }
    }
    out
}

/// One pixel of `reference_plane`.
pub fn reference_pixel(texture: &Volume, sampling: &PlaneSampling, x: u32, y: u32) -> f64 {
    let at = vec3::add(
        vec3::add(sampling.base, vec3::scale(sampling.step_x, f64::from(x))),
        vec3::scale(sampling.step_y, f64::from(y)),
    );
    let (mut reduced, mut sum, mut n) = (None::<f64>, 0.0, 0u32);
    for index in 0..sampling.offset_count {
        let offset = sampling.first_offset_mm + sampling.offset_step_mm * f64::from(index);
        let Some(v) = texture.sample(vec3::add(at, vec3::scale(sampling.step_n, offset))) else { continue };
        n += 1;
        sum += v;
        reduced = Some(match (sampling.mode, reduced) {
            (_, None) => v,
            (SlabMode::Maximum, Some(r)) => r.max(v),
            (SlabMode::Minimum, Some(r)) => r.min(v),
            (SlabMode::Mean, Some(r)) => r,
        });
    }
    let value = match (sampling.mode, reduced) {
        (_, None) => sampling.padding,
        (SlabMode::Mean, Some(_)) => sum / f64::from(n),
        (_, Some(r)) => r,
    };
    round_to(value, sampling.rounding)
}

/// `cast` (a `RayCast` of a volume) for the texture grid `grid` of its downsampled copy: the
/// same camera, step and compositing, the projection and gradient transform of `grid`.
pub fn ray_cast_on_grid(cast: RayCast, grid: &Grid, camera: &Camera) -> RayCast {
    let projection = Projection::new(grid, camera, cast.projection.width, cast.projection.height);
    let origin = grid.patient_to_voxel([0.0; 3]);
    let column = |axis: usize| {
        let mut unit = [0.0; 3];
        unit[axis] = 1.0;
        vec3::sub(grid.patient_to_voxel(unit), origin)
    };
    let (cx, cy, cz) = (column(0), column(1), column(2));
    RayCast {
        projection,
        size: [grid.columns, grid.rows, grid.slices],
        gradient_rows: [[cx[0], cy[0], cz[0]], [cx[1], cy[1], cz[1]], [cx[2], cy[2], cz[2]]],
        ..cast
    }
}

/// The header of the frame `reslice` makes for a `columns × rows` plane of `volume`, without
/// pixel values (no values: the GPU computes them): what `gpu_plan::plan` and `DicomImage::voi`
/// read from a frame besides its values.
pub fn plane_frame_header(volume: &Volume, columns: u32, rows: u32) -> Frame {
    let pixels = match volume.voxels.kind() {
        VoxelKind::U8 => PixelValues::U8(Vec::new()),
        VoxelKind::U16 => PixelValues::U16(Vec::new()),
        VoxelKind::I16 => PixelValues::I16(Vec::new()),
        VoxelKind::F32 => PixelValues::F32(Vec::new()),
    };
    let float = matches!(pixels, PixelValues::F32(_));
    let (bits_allocated, bits_stored, pixel_representation, photometric) = match &volume.template {
        Some(t) => (t.bits_allocated, t.bits_stored, t.pixel_representation, t.photometric),
        None => (16, 16, 0, Photometric::Monochrome2),
    };
    Frame {
        rows,
        columns,
        samples_per_pixel: 1,
        bits_allocated: if float { 32 } else { bits_allocated },
        bits_stored: if float { 32 } else { bits_stored },
        pixel_representation,
        photometric,
        pixels,
        embedded_overlays: EmbeddedOverlays::default(),
    }
}

/// Smallest and largest modality value of the filled voxels (PS3.3 C.11.1), for a window that
/// stays put while planes move when the files name none. None before any slice arrives.
pub fn modality_range(volume: &Volume) -> Option<(f64, f64)> {
    let per_slice = volume.grid.columns as usize * volume.grid.rows as usize;
    let (mut low, mut high) = (f64::INFINITY, f64::NEG_INFINITY);
    for (k, filled) in volume.filled.iter().enumerate() {
        if !filled {
            continue;
        }
        for index in k * per_slice..(k + 1) * per_slice {
            if let Some(v) = volume.voxels.get(index) {
                low = low.min(v);
                high = high.max(v);
            }
        }
    }
    if low > high {
        return None;
    }
    let (a, b) = (volume.modality_value(low), volume.modality_value(high));
    Some((a.min(b), a.max(b)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::{ModalityLut, Rescale};
    use crate::volume::reslice::reslice;
    use crate::volume::SliceGeometry;

    /// A `columns × rows × slices` grid with the MR corpus's orientation (rows run anterior).
    fn grid(columns: u32, rows: u32, slices: u32) -> Grid {
        let geometry: Vec<SliceGeometry> = (0..slices)
            .map(|k| SliceGeometry {
                position_mm: [-30.0, 40.0, -12.0 + 2.5 * f64::from(k)],
                row_direction: [0.0, -1.0, 0.0],
                column_direction: [1.0, 0.0, 0.0],
                pixel_spacing_mm: [1.25, 1.5],
                rows,
                columns,
            })
            .collect();
        Grid::from_slices(&geometry).expect("a grid")
    }

    fn ct_volume(columns: u32, rows: u32, slices: u32, filled: impl Fn(u32) -> bool) -> Volume {
        let rescale = ModalityLut::Rescale(Rescale { slope: 1.0, intercept: -1024.0 });
        let mut volume = Volume::new(grid(columns, rows, slices), VoxelKind::I16, rescale.clone(), u64::MAX).unwrap();
        for k in (0..slices).filter(|k| filled(*k)) {
            let values: Vec<i16> = (0..rows)
                .flat_map(|j| (0..columns).map(move |i| (i * 37 + j * 11 + k * 53) as i16 % 2000 - 900))
                .collect();
            let frame = Frame {
                rows,
                columns,
                samples_per_pixel: 1,
                bits_allocated: 16,
                bits_stored: 16,
                pixel_representation: 1,
                photometric: Photometric::Monochrome2,
                pixels: PixelValues::I16(values),
                embedded_overlays: EmbeddedOverlays::default(),
            };
            volume.insert_slice(k, &frame, &rescale).unwrap();
        }
        volume
    }

    fn values(frame: &Frame) -> Vec<f64> {
        (0..frame.pixels.len()).map(|i| frame.pixels.get_f64(i).unwrap()).collect()
    }

    fn planes(volume: &Volume) -> Vec<(&'static str, Plane, Option<Slab>)> {
        let centre = volume.grid.centre_mm();
        let s = volume.grid.finest_spacing_mm();
        let oblique_row = vec3::normalize([1.0, 0.3, 0.5]);
        vec![
            ("axial", Plane::covering(volume, centre, [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], s), None),
            ("sagittal", Plane::covering(volume, centre, [0.0, 1.0, 0.0], [0.0, 0.0, -1.0], s), None),
            (
                "oblique",
                Plane::covering(volume, vec3::add(centre, [2.0, -1.0, 3.3]), oblique_row, [0.2, 0.1, -1.0], s * 0.8),
                None,
            ),
            (
                "coronal MIP",
                Plane::covering(volume, centre, [1.0, 0.0, 0.0], [0.0, 0.0, -1.0], s),
                Some(Slab { mode: SlabMode::Maximum, thickness_mm: 9.0 }),
            ),
            (
                "oblique MinIP",
                Plane::covering(volume, centre, oblique_row, [0.0, 0.0, -1.0], s),
                Some(Slab { mode: SlabMode::Minimum, thickness_mm: 6.0 }),
            ),
            (
                "axial mean",
                Plane::covering(volume, centre, [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], s),
                Some(Slab { mode: SlabMode::Mean, thickness_mm: 7.5 }),
            ),
        ]
    }

    #[test]
    fn the_shader_uniforms_reproduce_reslice() {
        // Slices 5 and 6 missing: padding where the plane crosses them, as on the CPU.
        let volume = ct_volume(21, 17, 12, |k| k != 5 && k != 6);
        for (name, plane, slab) in planes(&volume) {
            let sampling = PlaneSampling::of(&volume, &volume.grid, &plane, slab);
            let expected = values(&reslice(&volume, &plane, slab).frame);
            assert_eq!(reference_plane(&volume, &sampling), expected, "{name}");
        }
    }

    #[test]
    fn the_plane_header_is_that_of_reslice_without_values() {
        let volume = ct_volume(6, 5, 4, |_| true);
        let plane = Plane::covering(&volume, volume.grid.centre_mm(), [1.0, 0.0, 0.0], [0.0, 0.0, -1.0], 1.0);
        let mut resliced = reslice(&volume, &plane, None).frame;
        resliced.pixels = PixelValues::I16(Vec::new());
        assert_eq!(plane_frame_header(&volume, plane.columns, plane.rows), resliced);
    }

    #[test]
    fn slab_offsets_are_those_of_reslice() {
        let volume = ct_volume(8, 8, 8, |_| true);
        let plane = Plane::covering(&volume, volume.grid.centre_mm(), [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], 1.0);
        let slab = Slab { mode: SlabMode::Maximum, thickness_mm: 7.0 };
        let sampling = PlaneSampling::of(&volume, &volume.grid, &plane, Some(slab));
        let expected = slab.offsets_mm(volume.grid.finest_spacing_mm());
        let got: Vec<f64> = (0..sampling.offset_count)
            .map(|n| sampling.first_offset_mm + sampling.offset_step_mm * f64::from(n))
            .collect();
        assert_eq!(got.len(), expected.len());
        for (a, b) in got.iter().zip(&expected) {
            assert!((a - b).abs() < 1e-9, "{got:?} vs {expected:?}");
        }
        assert_eq!(sampling.mode_code(), 1);
    }

    #[test]
    fn a_ray_cast_on_its_own_grid_is_unchanged() {
        use crate::volume::render3d::{View3d, STEP_FACTOR};
        let volume = ct_volume(9, 8, 6, |_| true);
        let view = View3d::default();
        let cast = RayCast::new(&volume, &view, 40, 30, STEP_FACTOR, None);
        assert_eq!(ray_cast_on_grid(cast.clone(), &volume.grid, &view.camera), cast);
        let fit = TextureFit::of(&volume.grid, 4).unwrap();
        let small = downsample(&volume, &fit);
        let on_small = ray_cast_on_grid(cast.clone(), &small.grid, &view.camera);
        let mut expected = RayCast::new(&small, &view, 40, 30, STEP_FACTOR, None);
        (expected.step_mm, expected.reference_mm) = (cast.step_mm, cast.reference_mm);
        assert_eq!(on_small, expected);
    }

    #[test]
    fn rounding_matches_the_plane_pixel_types() {
        assert_eq!(round_to(2.5, Rounding::I16), 3.0);
        assert_eq!(round_to(-2.5, Rounding::I16), -3.0);
        assert_eq!(round_to(-4.0, Rounding::U16), 0.0);
        assert_eq!(round_to(300.2, Rounding::U8), 255.0);
        assert_eq!(round_to(-40000.0, Rounding::I16), -32768.0);
        assert_eq!(round_to(1.25, Rounding::None), 1.25);
        assert_eq!(sample_type(VoxelKind::I16), SampleType::I16);
        assert_eq!(sample_type(VoxelKind::U16), SampleType::U16);
        assert_eq!(sample_type(VoxelKind::F32), SampleType::F32);
    }

    #[test]
    fn a_volume_within_the_limit_is_not_downsampled() {
        let g = grid(128, 128, 128);
        let fit = TextureFit::of(&g, 256).unwrap();
        assert_eq!(fit, TextureFit { size: [128, 128, 128], factors: [1, 1, 1] });
        assert_eq!(fit.note(&g), None);
    }

    #[test]
    fn a_volume_over_the_limit_is_downsampled_and_says_so() {
        let g = grid(512, 300, 700);
        let fit = TextureFit::of(&g, 256).unwrap();
        assert_eq!(fit.factors, [2, 2, 3]);
        assert_eq!(fit.size, [256, 150, 234]);
        assert!(fit.size.iter().all(|n| *n <= 256));
        let note = fit.note(&g).expect("a note");
        assert!(note.contains("512 × 300 × 700") && note.contains("256 × 150 × 234"), "{note}");
    }

    #[test]
    fn a_volume_far_over_the_limit_is_refused_with_a_reason() {
        let g = grid(2048, 64, 64);
        let error = TextureFit::of(&g, 256).unwrap_err();
        assert_eq!(error, TextureLimitError::TooLarge { size: [2048, 64, 64], max_size: 256 });
        let message = error.to_string();
        assert!(message.contains("2048 × 64 × 64") && message.contains("256") && message.contains("CPU"), "{message}");
        assert!(TextureFit::of(&g, 0).is_err());
    }

    #[test]
    fn downsampling_averages_boxes_in_place() {
        let volume = ct_volume(9, 8, 6, |k| k != 3);
        let fit = TextureFit::of(&volume.grid, 4).unwrap();
        assert_eq!(fit.factors, [3, 2, 2]);
        assert_eq!(fit.size, [3, 4, 3]);
        let small = downsample(&volume, &fit);
        assert_eq!(small.voxels.len(), 3 * 4 * 3);
        // Texel slice 1 holds voxel slices 2 and 3, and 3 is missing.
        assert_eq!(small.filled, vec![true, false, true]);
        // Texel (1, 2, 2) is the mean of voxels 3..6 × 4..6 × 4..6.
        let mut sum = 0.0;
        for k in 4..6 {
            for j in 4..6 {
                for i in 3..6 {
                    sum += volume.value(i, j, k).unwrap();
                }
            }
        }
        assert_eq!(small.value(1, 2, 2), Some((sum / 12.0).round()));
        // The texel lies at the centre of its box.
        let centre = volume.grid.voxel_to_patient([4.0, 4.5, 4.5]);
        let at = small.grid.voxel_to_patient([1.0, 2.0, 2.0]);
        assert!(vec3::length(vec3::sub(centre, at)) < 1e-9, "{centre:?} vs {at:?}");
        // A plane through the downsampled texture samples near the full volume's values.
        let plane = Plane::covering(&volume, volume.grid.centre_mm(), [0.0, 1.0, 0.0], [1.0, 0.0, 0.0], 1.0);
        let sampling = PlaneSampling::of(&volume, &small.grid, &plane, None);
        assert_eq!(sampling.columns, plane.columns);
        assert_eq!(reference_plane(&small, &sampling).len(), (plane.columns * plane.rows) as usize);
    }

    #[test]
    fn the_modality_range_covers_filled_slices_only() {
        let volume = ct_volume(5, 4, 3, |k| k == 1);
        let (low, high) = modality_range(&volume).unwrap();
        let stored: Vec<f64> = (0..20).map(|n| volume.voxels.get(20 + n).unwrap()).collect();
        let min = stored.iter().cloned().fold(f64::INFINITY, f64::min);
        let max = stored.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        assert_eq!((low, high), (min - 1024.0, max - 1024.0));
        assert_eq!(modality_range(&ct_volume(5, 4, 3, |_| false)), None);
    }
}
