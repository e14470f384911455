//! 3-D volume rendering by ray casting: the camera orbiting the volume ([`camera`]),
//! transfer-function presets ([`transfer`], [`Preset`]), and the CPU reference renderer
//! ([`render`], [`RayCast::render_rows`]) that the WebGL2 ray caster reproduces.
//!
//! # The ray-casting rule (both renderers)
//!
//! For every canvas pixel (x, y) of a `width`×`height` view, [`Projection`] gives a ray in voxel
//! coordinates, `origin(x, y) + t·voxel_forward`, t in mm along the view direction.
//!
//! 1. **Clip**: `[t_near, t_far]` = the part of the ray inside the box `[-0.5, n − 0.5]` per
//!    axis ([`camera::clip_to_box`]). A ray that misses is background.
//! 2. **Samples** at `t = k·step_mm` for every integer k with `t_near ≤ t ≤ t_far`, in
//!    increasing k (front to back; t = 0 is the plane through the view centre, so sample planes
//!    are parallel to the screen and the same for every pixel).
//!    `step_mm = reference_mm · step_factor`, `reference_mm` = `Grid::finest_spacing_mm`.
//! 3. **Value**: trilinear interpolation of the stored voxel values exactly as
//!    `Volume::sample` (coordinate clamped to `[0, n − 1]`, x1 = min(x0 + 1, n − 1)); a sample
//!    whose slice z0 (or z1 when its weight is not 0) is not filled yet is skipped. The
//!    volume's Modality LUT turns it into a modality value `m` (HU for CT).
//! 4. **Composite** mode (presets CT bone / soft tissue / lung / ramp): `[r, g, b, a]` =
//!    `TransferLut::lookup(m) / 255`; skip when a = 0; step opacity
//!    `α = 1 − (1 − a)^(step_mm / reference_mm)`; with shading, the colour is multiplied by
//!    `AMBIENT + DIFFUSE·|n̂·forward|`, n̂ the normalised gradient of modality values (central
//!    differences at ±1 voxel on each axis, positions clamped to `[0, n − 1]`, taken into
//!    patient space by the transpose of the linear part of `patient_to_voxel`; unshaded when a
//!    neighbour is unfilled or the gradient is 0). Front-to-back:
//!    `C += (1 − A)·α·rgb; A += (1 − A)·α`; stop when `A ≥ OPAQUE` (early ray termination).
//!    Pixel = `round(255·C)` over black, alpha 255.
//! 5. **Maximum** mode (MIP, PET/CTA): `M` = the largest `m` over the ray's samples (no early
//!    termination); grey = the LINEAR window of PS3.3 C.11.2.1.2.1 with (center c, width w):
//!    `((M − (c − 0.5)) / (w − 1) + 0.5)` clamped to [0, 1], × 255, rounded; r = g = b = grey,
//!    alpha 255. No sample: black.

pub mod camera;
pub mod transfer;

pub use camera::{clip_to_box, Camera, Projection};
pub use transfer::{corrected_opacity, Scale, TransferFunction, TransferLut, TransferPoint, LUT_SIZE};

use super::vec3::{self, Vec3};
use super::voxels::{Volume, Voxels};
use crate::pipeline::ModalityLut;

/// Early ray termination: accumulated opacity at which a ray stops.
pub const OPAQUE: f64 = 0.99;
/// Shading: share of the colour kept facing away from the light, and the diffuse share.
pub const AMBIENT: f64 = 0.3;
pub const DIFFUSE: f64 = 0.7;
/// Step of a refined rendering, in reference steps (finest voxel spacings).
pub const STEP_FACTOR: f64 = 1.0;
/// The CPU renderer's budgets: pixels and step while the user drags (a frame in a few tens of
/// ms), and pixels of the refined image drawn once the view rests.
pub const INTERACTIVE_PIXELS: u32 = 12_000;
pub const INTERACTIVE_STEP_FACTOR: f64 = 2.0;
pub const REFINED_PIXELS: u32 = 200_000;

/// The rendering size for a `width`×`height` canvas within `max_pixels`: the canvas size when
/// it fits, else scaled down keeping its aspect (each side at least 1).
pub fn render_size(width: u32, height: u32, max_pixels: u32) -> (u32, u32) {
    let (width, height) = (width.max(1), height.max(1));
    let pixels = f64::from(width) * f64::from(height);
    if pixels <= f64::from(max_pixels.max(1)) {
        return (width, height);
    }
    let max_pixels = max_pixels.max(1);
    let scale = (f64::from(max_pixels) / pixels).sqrt();
    let w = ((f64::from(width) * scale).floor() as u32).max(1);
    let h = ((f64::from(height) * scale).floor() as u32).max(1);
    // A side clamped to 1 leaves the other within the budget.
    (w.min(max_pixels / h).max(1), h.min(max_pixels / w.min(max_pixels / h).max(1)).max(1))
}

/// A rendering preset: a transfer function (composite) or maximum intensity projection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Preset {
    /// CT: bone surfaces.
    CtBone,
    /// CT: skin and soft tissue.
    CtSoftTissue,
    /// CT: lung parenchyma and airways.
    CtLung,
    /// Maximum intensity projection, windowed (PET, CT angiography).
    Mip,
    /// Any modality: an opacity ramp over the upper part of the value range (MR, ...).
    Ramp,
}

impl Preset {
    pub const ALL: [Preset; 5] = [Preset::CtBone, Preset::CtSoftTissue, Preset::CtLung, Preset::Mip, Preset::Ramp];

    /// Stable name (test hook `data-preset`, locale keys `render3d.preset.<name>`).
    pub fn name(self) -> &'static str {
        match self {
            Preset::CtBone => "ct-bone",
            Preset::CtSoftTissue => "ct-soft-tissue",
            Preset::CtLung => "ct-lung",
            Preset::Mip => "mip",
            Preset::Ramp => "ramp",
        }
    }

    pub fn from_name(name: &str) -> Option<Preset> {
        Preset::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The preset a series of `modality` opens with: CT bone for CT, MIP for PET, else the ramp.
    pub fn default_for(modality: &str) -> Preset {
        match modality {
            "CT" => Preset::CtBone,
            "PT" | "NM" => Preset::Mip,
            _ => Preset::Ramp,
        }
    }

    /// Whether the preset is meant for Hounsfield units.
    pub fn is_ct(self) -> bool {
        matches!(self, Preset::CtBone | Preset::CtSoftTissue | Preset::CtLung)
    }

    /// The transfer function (None for MIP) and whether it is shaded.
    pub fn transfer(self) -> Option<(Scale, TransferFunction, bool)> {
        let p = |value: f64, rgb: [u8; 3], opacity: f64| TransferPoint {
            value,
            rgb: [f64::from(rgb[0]) / 255.0, f64::from(rgb[1]) / 255.0, f64::from(rgb[2]) / 255.0],
            opacity,
        };
        let (scale, points) = match self {
            Preset::Mip => return None,
            Preset::CtBone => (
                Scale::Modality,
                vec![
                    p(100.0, [140, 64, 38], 0.0),
                    p(200.0, [200, 140, 100], 0.08),
                    p(400.0, [235, 210, 170], 0.5),
                    p(1000.0, [250, 245, 235], 0.85),
                    p(3071.0, [255, 255, 255], 0.9),
                ],
            ),
            Preset::CtSoftTissue => (
                Scale::Modality,
                vec![
                    p(-500.0, [160, 90, 70], 0.0),
                    p(-200.0, [190, 120, 95], 0.02),
                    p(40.0, [215, 140, 115], 0.12),
                    p(200.0, [235, 190, 160], 0.3),
                    p(600.0, [245, 235, 220], 0.7),
                    p(3071.0, [255, 255, 255], 0.8),
                ],
            ),
            Preset::CtLung => (
                Scale::Modality,
                vec![
                    p(-1000.0, [0, 0, 0], 0.0),
                    p(-920.0, [190, 110, 110], 0.0),
                    p(-800.0, [225, 150, 140], 0.04),
                    p(-550.0, [240, 185, 170], 0.1),
                    p(-400.0, [240, 200, 190], 0.0),
                    p(3071.0, [0, 0, 0], 0.0),
                ],
            ),
            Preset::Ramp => (
                Scale::Fraction,
                vec![
                    p(0.0, [0, 0, 0], 0.0),
                    p(0.15, [120, 60, 40], 0.0),
                    p(0.4, [210, 150, 110], 0.06),
                    p(0.7, [240, 215, 180], 0.25),
                    p(1.0, [255, 255, 255], 0.6),
                ],
            ),
        };
        Some((scale, TransferFunction { points }, true))
    }
}

/// What the 3-D view shows and from where.
#[derive(Debug, Clone, PartialEq)]
pub struct View3d {
    /// The display set rendered.
    pub display_set: Option<String>,
    pub camera: Camera,
    pub preset: Preset,
    /// MIP window (center, width) in modality values; None: the volume's value range.
    pub window: Option<(f64, f64)>,
    /// The display set the camera and preset were chosen for (a new one opens afresh).
    pub opened: Option<String>,
}

impl Default for View3d {
    fn default() -> View3d {
        View3d { display_set: None, camera: Camera::default(), preset: Preset::Ramp, window: None, opened: None }
    }
}

impl View3d {
    /// The view a newly shown display set of `modality` opens with.
    pub fn opening(display_set: Option<String>, modality: &str) -> View3d {
        let preset = Preset::default_for(modality);
        // CT angiography-like window for a CT MIP; other modalities use their value range.
        let window = (modality == "CT").then_some((300.0, 1000.0));
        View3d { opened: display_set.clone(), display_set, camera: Camera::default(), preset, window }
    }
}

/// Lowest and highest modality values of the filled slices (None when nothing is filled).
pub fn value_range(volume: &Volume) -> Option<(f64, f64)> {
    let per_slice = volume.grid.columns as usize * volume.grid.rows as usize;
    let (mut low, mut high) = (f64::INFINITY, f64::NEG_INFINITY);
    fn scan<T: Copy + Into<f64>>(data: &[T], per_slice: usize, filled: &[bool], low: &mut f64, high: &mut f64) {
        if per_slice == 0 {
            return;
        }
        for (slice, values) in data.chunks(per_slice).enumerate() {
            if !filled.get(slice).copied().unwrap_or(false) {
                continue;
            }
            for v in values {
                let v: f64 = (*v).into();
                if v < *low {
                    *low = v;
                }
                if v > *high {
                    *high = v;
                }
            }
        }
    }
    match &volume.voxels {
        Voxels::U8(d) => scan(d, per_slice, &volume.filled, &mut low, &mut high),
        Voxels::U16(d) => scan(d, per_slice, &volume.filled, &mut low, &mut high),
        Voxels::I16(d) => scan(d, per_slice, &volume.filled, &mut low, &mut high),
        Voxels::F32(d) => scan(d, per_slice, &volume.filled, &mut low, &mut high),
    }
    if !(low.is_finite() && high.is_finite()) {
        return None;
    }
    let (a, b) = (volume.modality_value(low), volume.modality_value(high));
    Some((a.min(b), a.max(b)))
}

/// How samples become a pixel.
#[derive(Debug, Clone, PartialEq)]
pub enum Compositing {
    /// Front-to-back compositing through a transfer function (shaded or not).
    Composite { lut: TransferLut, shade: bool },
    /// Maximum intensity projection shown through a LINEAR window (center, width).
    Maximum { window_center: f64, window_width: f64 },
}

/// Everything one rendering needs (the GPU's uniforms): projection, step sizes, compositing,
/// the volume's Modality LUT and the voxel → patient gradient transform.
#[derive(Debug, Clone, PartialEq)]
pub struct RayCast {
    pub projection: Projection,
    /// Columns, rows, slices.
    pub size: [u32; 3],
    pub step_mm: f64,
    pub reference_mm: f64,
    pub compositing: Compositing,
    pub modality: ModalityLut,
    /// Row a = ∂(voxel a)/∂(patient x, y, z): a voxel-space gradient g goes to patient space as
    /// `Σ_a g[a]·gradient_rows[a]`.
    pub gradient_rows: [Vec3; 3],
}

impl RayCast {
    /// The rendering of `view` at `width`×`height` with steps of `step_factor` reference steps;
    /// `range` is the volume's modality value range ([`value_range`]) for fraction-scaled
    /// presets and the default MIP window (None: (0, 1)).
    pub fn new(
        volume: &Volume,
        view: &View3d,
        width: u32,
        height: u32,
        step_factor: f64,
        range: Option<(f64, f64)>,
    ) -> RayCast {
        let grid = &volume.grid;
        let projection = Projection::new(grid, &view.camera, width, height);
        let reference_mm = grid.finest_spacing_mm().max(1e-3);
        let step_factor = if step_factor.is_finite() && step_factor > 0.0 { step_factor.clamp(0.1, 16.0) } else { 1.0 };
        let (low, high) = range.unwrap_or((0.0, 1.0));
        let compositing = match view.preset.transfer() {
            Some((scale, mut function, shade)) => {
                if scale == Scale::Fraction {
                    let span = (high - low).max(f64::EPSILON);
                    for point in &mut function.points {
                        point.value = low + point.value * span;
                    }
                }
                Compositing::Composite { lut: function.compile(), shade }
            }
            None => {
                let (window_center, window_width) = view.window.unwrap_or(((low + high) / 2.0, (high - low).max(1.0)));
                Compositing::Maximum { window_center, window_width: window_width.max(1.0) }
            }
        };
        let origin = grid.patient_to_voxel([0.0; 3]);
        let column = |axis: usize| {
            let mut unit = [0.0; 3];
            unit[axis] = 1.0;
            vec3::sub(grid.patient_to_voxel(unit), origin)
        };
        // Columns of the linear part J (∂voxel/∂patient_axis); rows of J are what we need.
        let (cx, cy, cz) = (column(0), column(1), column(2));
        let gradient_rows = [[cx[0], cy[0], cz[0]], [cx[1], cy[1], cz[1]], [cx[2], cy[2], cz[2]]];
        RayCast {
            projection,
            size: [grid.columns, grid.rows, grid.slices],
            step_mm: reference_mm * step_factor,
            reference_mm,
            compositing,
            modality: volume.modality.clone(),
            gradient_rows,
        }
    }

    /// Renders rows `rows` (y from the top) into `out`, RGBA, `width·4` bytes per row starting
    /// at the first row of `rows`. Rows beyond the view or the buffer are left alone.
    pub fn render_rows(&self, volume: &Volume, rows: std::ops::Range<u32>, out: &mut [u8]) {
        match &volume.voxels {
            Voxels::U8(d) => self.rows_of(&Sampler::new(d, volume), rows, out),
            Voxels::U16(d) => self.rows_of(&Sampler::new(d, volume), rows, out),
            Voxels::I16(d) => self.rows_of(&Sampler::new(d, volume), rows, out),
            Voxels::F32(d) => self.rows_of(&Sampler::new(d, volume), rows, out),
        }
    }

    fn rows_of<T: Copy + Into<f64>>(&self, sampler: &Sampler<T>, rows: std::ops::Range<u32>, out: &mut [u8]) {
        let width = self.projection.width as usize;
        let first = rows.start;
        for y in rows.start..rows.end.min(self.projection.height) {
            let start = (y - first) as usize * width * 4;
            let Some(row) = out.get_mut(start..start + width * 4) else { return };
            for (x, pixel) in row.chunks_exact_mut(4).enumerate() {
                let rgb = self.pixel(sampler, x as u32, y);
                pixel.copy_from_slice(&[rgb[0], rgb[1], rgb[2], 255]);
            }
        }
    }

    /// The colour of pixel (x, y).
    fn pixel<T: Copy + Into<f64>>(&self, sampler: &Sampler<T>, x: u32, y: u32) -> [u8; 3] {
        let (origin, direction) = self.projection.voxel_ray(x, y);
        let Some((near, far)) = clip_to_box(origin, direction, self.size) else { return [0; 3] };
        let (first, last) = ((near / self.step_mm).ceil() as i64, (far / self.step_mm).floor() as i64);
        let linear = match self.modality {
            ModalityLut::Identity => Some((1.0, 0.0)),
            ModalityLut::Rescale(r) => Some((r.slope, r.intercept)),
            ModalityLut::Table(_) => None,
        };
        let modality = |v: f64| match linear {
            Some((slope, intercept)) => v * slope + intercept,
            None => self.modality.apply(v),
        };
        let at = |k: i64| vec3::add(origin, vec3::scale(direction, k as f64 * self.step_mm));
        let to_u8 = |x: f64| (x.clamp(0.0, 1.0) * 255.0).round() as u8;
        match &self.compositing {
            Compositing::Maximum { window_center, window_width } => {
                let mut best = f64::NEG_INFINITY;
                for k in first..=last {
                    if let Some(v) = sampler.sample(at(k)) {
                        best = best.max(modality(v));
                    }
                }
                if best == f64::NEG_INFINITY {
                    return [0; 3];
                }
                let grey = to_u8((best - (window_center - 0.5)) / (window_width - 1.0).max(f64::EPSILON) + 0.5);
                [grey; 3]
            }
            Compositing::Composite { lut, shade } => {
                let (mut colour, mut opacity) = ([0.0f64; 3], 0.0f64);
                let exponent = self.step_mm / self.reference_mm;
                for k in first..=last {
                    let p = at(k);
                    let Some(v) = sampler.sample(p) else { continue };
                    let entry = lut.lookup(modality(v));
                    if entry[3] == 0 {
                        continue;
                    }
                    let a = f64::from(entry[3]) / 255.0;
                    let alpha = if a >= 1.0 { 1.0 } else { 1.0 - (1.0 - a).powf(exponent) };
                    let light = if *shade { self.light(sampler, p, &modality) } else { 1.0 };
                    let weight = (1.0 - opacity) * alpha;
                    for (c, e) in colour.iter_mut().zip(entry) {
                        *c += weight * f64::from(e) / 255.0 * light;
                    }
                    opacity += weight;
                    if opacity >= OPAQUE {
                        break;
                    }
                }
                [to_u8(colour[0]), to_u8(colour[1]), to_u8(colour[2])]
            }
        }
    }

    /// `AMBIENT + DIFFUSE·|n̂·forward|` at voxel position `p`, 1 where the gradient is unknown.
    fn light<T: Copy + Into<f64>>(&self, sampler: &Sampler<T>, p: Vec3, modality: &impl Fn(f64) -> f64) -> f64 {
        let mut g = [0.0; 3];
        for (axis, slot) in g.iter_mut().enumerate() {
            let (mut before, mut after) = (p, p);
            before[axis] -= 1.0;
            after[axis] += 1.0;
            let (Some(a), Some(b)) = (sampler.sample_clamped(before), sampler.sample_clamped(after)) else {
                return 1.0;
            };
            *slot = (modality(b) - modality(a)) / 2.0;
        }
        let mut patient = [0.0; 3];
        for (axis, row) in self.gradient_rows.iter().enumerate() {
            patient = vec3::add(patient, vec3::scale(*row, g[axis]));
        }
        let length = vec3::length(patient);
        if !(length > 0.0 && length.is_finite()) {
            return 1.0;
        }
        AMBIENT + DIFFUSE * (vec3::dot(patient, self.projection.axes.forward) / length).abs()
    }
}

/// Trilinear sampling of one voxel type (the rule of `Volume::sample`, without the per-voxel
/// enum dispatch).
struct Sampler<'a, T> {
    data: &'a [T],
    size: [usize; 3],
    filled: &'a [bool],
}

impl<'a, T: Copy + Into<f64>> Sampler<'a, T> {
    fn new(data: &'a [T], volume: &'a Volume) -> Sampler<'a, T> {
        let g = &volume.grid;
        Sampler { data, size: [g.columns as usize, g.rows as usize, g.slices as usize], filled: &volume.filled }
    }

    /// Inside `[-0.5, n − 0.5]` (the ray clip guarantees it up to rounding: clamp).
    #[inline]
    fn sample(&self, p: Vec3) -> Option<f64> {
        for (axis, x) in p.iter().enumerate() {
            let n = self.size[axis] as f64;
            if !(x.is_finite() && *x >= -0.5 - 1e-9 && *x <= n - 0.5 + 1e-9) {
                return None;
            }
        }
        self.sample_clamped(p)
    }

    /// Clamps `p` to `[0, n − 1]` and interpolates.
    #[inline]
    fn sample_clamped(&self, p: Vec3) -> Option<f64> {
        let [nx, ny, nz] = self.size;
        if nx == 0 || ny == 0 || nz == 0 {
            return None;
        }
        let clamp = |x: f64, n: usize| if x.is_nan() { 0.0 } else { x.clamp(0.0, (n - 1) as f64) };
        let (x, y, z) = (clamp(p[0], nx), clamp(p[1], ny), clamp(p[2], nz));
        let (x0, y0, z0) = (x.floor(), y.floor(), z.floor());
        let (fx, fy, fz) = (x - x0, y - y0, z - z0);
        let (x0, y0, z0) = (x0 as usize, y0 as usize, z0 as usize);
        let (x1, y1, z1) = ((x0 + 1).min(nx - 1), (y0 + 1).min(ny - 1), (z0 + 1).min(nz - 1));
        let plane = |z: usize| -> Option<f64> {
            if !self.filled.get(z).copied().unwrap_or(false) {
                return None;
            }
            let base = z * nx * ny;
            let v = |x: usize, y: usize| self.data.get(base + y * nx + x).map(|v| (*v).into());
            let (a, b, c, d) = (v(x0, y0)?, v(x1, y0)?, v(x0, y1)?, v(x1, y1)?);
            let top = a + (b - a) * fx;
            let bottom = c + (d - c) * fx;
            Some(top + (bottom - top) * fy)
        };
        let near = plane(z0)?;
        if fz == 0.0 {
            return Some(near);
        }
        let far = plane(z1)?;
        Some(near + (far - near) * fz)
    }
}

/// The CPU reference: `view` of `volume` at `width`×`height`, RGBA (row after row, top first),
/// at full quality ([`STEP_FACTOR`]).
pub fn render(volume: &Volume, view: &View3d, width: u32, height: u32) -> Vec<u8> {
    let (width, height) = (width.max(1), height.max(1));
    let cast = RayCast::new(volume, view, width, height, STEP_FACTOR, value_range(volume));
    let mut out = vec![0u8; width as usize * height as usize * 4];
    cast.render_rows(volume, 0..height, &mut out);
    out
}
