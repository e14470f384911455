//! Fusion: one image display set (a PET series, a parametric map) drawn in colour over another
//! (CT, MR) of the same Frame of Reference (PS3.3 C.7.4.1: a shared Frame of Reference UID means
//! a shared patient coordinate system). For the shown base frame the layer plane lying within
//! half a slice spacing of it is resampled at each base pixel centre through patient coordinates
//! (Image Plane module, C.7.6.2.1.1), mapped through a colour map over a value range and an
//! opacity into an [`RgbaLayer`] on the base frame's pixel grid. Values below the range are
//! transparent, values above it take the top colour.
//!
//! Memory: nothing per layer frame is copied; values are read through a closure from the
//! decoded frame, and only the one RGBA layer of the shown base frame is built.

use crate::derived::SourceFrame;
use crate::dicom::ImageInfo;
use crate::i18n::Lang;
use crate::pipeline::real_world::RealWorldMappings;
use crate::pipeline::{ModalityLut, PixelValues};
use crate::viewer::format::format_value_in;
use crate::viewer::layers::RgbaLayer;
use crate::viewer::suv::SuvBw;

/// The plane of one frame in patient space (Image Plane module, PS3.3 C.7.6.2.1.1).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Plane {
    /// Centre of the first transmitted pixel (Image Position (Patient)), mm.
    pub origin_mm: [f64; 3],
    /// Direction of increasing column index (along a row), unit vector.
    pub row_direction: [f64; 3],
    /// Direction of increasing row index (down a column), unit vector.
    pub column_direction: [f64; 3],
    /// Pixel Spacing: distance between rows (along `column_direction`), then between columns.
    pub spacing_mm: [f64; 2],
    pub rows: u32,
    pub columns: u32,
}

fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

fn cross(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
}

fn sub(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

fn normalised(v: [f64; 3]) -> Option<[f64; 3]> {
    let length = dot(v, v).sqrt();
    (length.is_finite() && length > 1e-9).then(|| [v[0] / length, v[1] / length, v[2] / length])
}

impl Plane {
    /// The plane of a frame from its Image Position, Image Orientation and Pixel Spacing; None
    /// when one is missing or degenerate.
    pub fn new(
        rows: u32,
        columns: u32,
        position_mm: Option<[f64; 3]>,
        orientation: Option<[f64; 6]>,
        pixel_spacing_mm: Option<[f64; 2]>,
    ) -> Option<Plane> {
        let [r0, r1, r2, c0, c1, c2] = orientation?;
        let spacing = pixel_spacing_mm?;
        if rows == 0 || columns == 0 || !(spacing[0] > 0.0 && spacing[1] > 0.0) {
            return None;
        }
        let origin = position_mm?;
        if origin.iter().any(|v| !v.is_finite()) {
            return None;
        }
        Some(Plane {
            origin_mm: origin,
            row_direction: normalised([r0, r1, r2])?,
            column_direction: normalised([c0, c1, c2])?,
            spacing_mm: spacing,
            rows,
            columns,
        })
    }

    /// The plane of frame `frame` (from 0) of an instance: its per-frame functional group
    /// geometry, else the instance's own.
    pub fn of_instance(meta: &crate::study::InstanceMeta, frame: u32) -> Option<Plane> {
        let index = frame as usize;
        Plane::new(
            meta.rows,
            meta.columns,
            meta.frame_positions.get(index).copied().flatten().or(meta.image_position),
            meta.frame_orientations.get(index).copied().flatten().or(meta.image_orientation),
            meta.frame_pixel_spacings.get(index).copied().flatten().or(meta.pixel_spacing),
        )
    }

    pub fn of_source_frame(frame: &SourceFrame) -> Option<Plane> {
        Plane::new(frame.rows, frame.columns, frame.position_mm, frame.orientation, frame.pixel_spacing_mm)
    }

    /// The unit normal (row direction × column direction).
    pub fn normal(&self) -> [f64; 3] {
        cross(self.row_direction, self.column_direction)
    }

    /// Patient coordinates of a (fractional) pixel index; (0, 0) is the first pixel's centre.
    pub fn point(&self, column: f64, row: f64) -> [f64; 3] {
        let (dc, dr) = (column * self.spacing_mm[1], row * self.spacing_mm[0]);
        [
            self.origin_mm[0] + dc * self.row_direction[0] + dr * self.column_direction[0],
            self.origin_mm[1] + dc * self.row_direction[1] + dr * self.column_direction[1],
            self.origin_mm[2] + dc * self.row_direction[2] + dr * self.column_direction[2],
        ]
    }

    /// (column, row, distance from the plane along its normal) of a patient point.
    pub fn locate(&self, point: [f64; 3]) -> (f64, f64, f64) {
        let offset = sub(point, self.origin_mm);
        (
            dot(offset, self.row_direction) / self.spacing_mm[1],
            dot(offset, self.column_direction) / self.spacing_mm[0],
            dot(offset, self.normal()),
        )
    }

    /// Patient coordinates of the centre of the frame.
    pub fn centre(&self) -> [f64; 3] {
        self.point((f64::from(self.columns) - 1.0) / 2.0, (f64::from(self.rows) - 1.0) / 2.0)
    }
}

/// The typical distance between consecutive planes of a stack (median of the gaps along the
/// first plane's normal), None for fewer than two distinct planes.
pub fn slice_spacing_mm(planes: &[Plane]) -> Option<f64> {
    let first = planes.first()?;
    let normal = first.normal();
    let mut positions: Vec<f64> = planes.iter().map(|p| dot(p.origin_mm, normal)).collect();
    positions.sort_by(f64::total_cmp);
    let mut gaps: Vec<f64> = positions.windows(2).map(|w| w[1] - w[0]).filter(|g| *g > 1e-6).collect();
    if gaps.is_empty() {
        return None;
    }
    gaps.sort_by(f64::total_cmp);
    gaps.get(gaps.len() / 2).copied()
}

/// The index of the layer plane nearest the base plane's centre (along the layer normal), if
/// it lies within `half_thickness_mm` of it.
pub fn nearest_plane(base: &Plane, layer_planes: &[Plane], half_thickness_mm: f64) -> Option<usize> {
    let centre = base.centre();
    layer_planes
        .iter()
        .enumerate()
        .map(|(index, plane)| (index, plane.locate(centre).2.abs()))
        .filter(|(_, distance)| *distance <= half_thickness_mm + 1e-6)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(index, _)| index)
}

/// How values between layer pixel centres are found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Interpolation {
    Nearest,
    #[default]
    Bilinear,
}

/// Colour maps for fused layers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ColourMap {
    /// Black → red → yellow → white ("hot iron", the usual PET map).
    #[default]
    Hot,
    /// Blue → cyan → yellow → red (MATLAB "jet").
    Jet,
    Grey,
}

impl ColourMap {
    pub const ALL: [ColourMap; 3] = [ColourMap::Hot, ColourMap::Jet, ColourMap::Grey];

    /// Stable name for test hooks and the URL.
    pub fn name(self) -> &'static str {
        match self {
            ColourMap::Hot => "hot",
            ColourMap::Jet => "jet",
            ColourMap::Grey => "grey",
        }
    }

    pub fn from_name(name: &str) -> Option<ColourMap> {
        ColourMap::ALL.into_iter().find(|m| m.name() == name)
    }

    /// The colour at `t` in 0..=1 (clamped).
    pub fn rgb(self, t: f64) -> [u8; 3] {
        let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.0 };
        let byte = |v: f64| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
        match self {
            ColourMap::Hot => [byte(3.0 * t), byte(3.0 * t - 1.0), byte(3.0 * t - 2.0)],
            ColourMap::Jet => {
                let channel = |centre: f64| byte(1.5 - (4.0 * t - centre).abs());
                [channel(3.0), channel(2.0), channel(1.0)]
            }
            ColourMap::Grey => [byte(t); 3],
        }
    }
}

/// The user's choices for a fused layer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FusionStyle {
    pub colour_map: ColourMap,
    /// Values at or below `low` are transparent; `high` and above take the top colour.
    pub low: f64,
    pub high: f64,
    /// 0..=1.
    pub opacity: f32,
    pub interpolation: Interpolation,
}

impl FusionStyle {
    /// The position of a value on the colour ramp, None when it is below the range (drawn
    /// transparent).
    pub fn ramp_position(&self, value: f64) -> Option<f64> {
        if !value.is_finite() || value <= self.low {
            return None;
        }
        let width = self.high - self.low;
        Some(if width > 0.0 { ((value - self.low) / width).min(1.0) } else { 1.0 })
    }

    /// The colour of a value, None below the range.
    pub fn colour(&self, value: f64) -> Option<[u8; 3]> {
        self.ramp_position(value).map(|t| self.colour_map.rgb(t))
    }
}

/// The value of a layer at a fractional pixel index (nearest or bilinear between pixel
/// centres), None outside the layer image (beyond half a pixel from its edge centres).
pub fn sample(
    layer: &Plane,
    column: f64,
    row: f64,
    interpolation: Interpolation,
    value: &impl Fn(u32, u32) -> Option<f64>,
) -> Option<f64> {
    let (columns, rows) = (f64::from(layer.columns), f64::from(layer.rows));
    if !(column >= -0.5 && column < columns - 0.5 && row >= -0.5 && row < rows - 0.5) {
        return None;
    }
    match interpolation {
        Interpolation::Nearest => {
            value(column.round().clamp(0.0, columns - 1.0) as u32, row.round().clamp(0.0, rows - 1.0) as u32)
        }
        Interpolation::Bilinear => {
            let (c, r) = (column.clamp(0.0, columns - 1.0), row.clamp(0.0, rows - 1.0));
            let (c0, r0) = (c.floor(), r.floor());
            let (fc, fr) = (c - c0, r - r0);
            let (c0, r0) = (c0 as u32, r0 as u32);
            let (c1, r1) = ((c0 + 1).min(layer.columns - 1), (r0 + 1).min(layer.rows - 1));
            let top = value(c0, r0)? * (1.0 - fc) + value(c1, r0)? * fc;
            let bottom = value(c0, r1)? * (1.0 - fc) + value(c1, r1)? * fc;
            Some(top * (1.0 - fr) + bottom * fr)
        }
    }
}

/// The coloured layer of `layer` (values through `value(column, row)`, already in the unit of
/// the style's range) over a base frame: for each base pixel centre, the layer value at the same
/// patient point if that point lies within `half_thickness_mm` of the layer plane. None when the
/// base frame is too large for a layer ([`RgbaLayer::transparent`]).
pub fn fuse(
    base: &Plane,
    layer: &Plane,
    half_thickness_mm: f64,
    style: &FusionStyle,
    value: impl Fn(u32, u32) -> Option<f64>,
) -> Option<RgbaLayer> {
    let mut out = RgbaLayer::transparent(base.columns, base.rows)?;
    // The layer index and distance are affine in the base index: start + column·dc + row·dr.
    let start = layer.locate(base.point(0.0, 0.0));
    let along_column = layer.locate(base.point(1.0, 0.0));
    let along_row = layer.locate(base.point(0.0, 1.0));
    let dc = (along_column.0 - start.0, along_column.1 - start.1, along_column.2 - start.2);
    let dr = (along_row.0 - start.0, along_row.1 - start.1, along_row.2 - start.2);
    let alpha = (style.opacity.clamp(0.0, 1.0) * 255.0).round() as u8;
    for row in 0..base.rows {
        let r = f64::from(row);
        for column in 0..base.columns {
            let c = f64::from(column);
            let distance = start.2 + c * dc.2 + r * dr.2;
            if distance.abs() > half_thickness_mm + 1e-6 {
                continue;
            }
            let (lc, lr) = (start.0 + c * dc.0 + r * dr.0, start.1 + c * dc.1 + r * dr.1);
            let Some(rgb) = sample(layer, lc, lr, style.interpolation, &value).and_then(|v| style.colour(v)) else {
                continue;
            };
            let index = (row as usize * base.columns as usize + column as usize) * 4;
            if let Some(pixel) = out.rgba.get_mut(index..index + 4) {
                pixel.copy_from_slice(&[rgb[0], rgb[1], rgb[2], alpha]);
            }
        }
    }
    Some(out)
}

/// The colour bar beside a fused layer: the ramp bottom (low) to top (high) and its labels.
#[derive(Clone, Debug, PartialEq)]
pub struct ColourBar {
    /// `steps` colours from the low end to the high end.
    pub colours: Vec<[u8; 3]>,
    /// The range's ends with the unit, in the interface language ("0 g/ml", "2,5 g/ml").
    pub low_label: String,
    pub high_label: String,
}

impl ColourBar {
    pub fn new(lang: Lang, style: &FusionStyle, unit: Option<&str>, steps: usize) -> ColourBar {
        let steps = steps.max(2);
        let colours = (0..steps).map(|i| style.colour_map.rgb(i as f64 / (steps - 1) as f64)).collect();
        let label = |v: f64| match unit {
            Some(unit) if !unit.is_empty() => format!("{} {unit}", format_quantity(lang, v)),
            _ => format_quantity(lang, v),
        };
        ColourBar { colours, low_label: label(style.low), high_label: label(style.high) }
    }

    /// A CSS gradient from bottom (low) to top (high).
    pub fn css_gradient(&self) -> String {
        let last = self.colours.len().saturating_sub(1).max(1) as f64;
        let stops: Vec<String> = self
            .colours
            .iter()
            .enumerate()
            .map(|(i, [r, g, b])| format!("rgb({r},{g},{b}) {:.1}%", i as f64 / last * 100.0))
            .collect();
        format!("linear-gradient(to top, {})", stops.join(", "))
    }
}

/// A physical quantity as text with four significant digits (ADC 0.001234 mm²/s, 1234 µm²/s,
/// SUV 2.315), trailing zeros dropped, in the language's decimal separator.
pub fn format_quantity(lang: Lang, value: f64) -> String {
    if !value.is_finite() {
        return format_value_in(lang, value);
    }
    if value == 0.0 {
        return "0".to_string();
    }
    let magnitude = value.abs().log10().floor() as i32;
    let decimals = (3 - magnitude).clamp(0, 12) as usize;
    let mut text = format!("{value:.decimals$}");
    if text.contains('.') {
        text = text.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    if text == "-0" {
        text = "0".to_string();
    }
    match crate::i18n::decimal_separator(lang) {
        '.' => text,
        separator => text.replace('.', &separator.to_string()),
    }
}

/// How a layer's stored values become the values it is coloured by: SUVbw for PET in BQML
/// (Modality LUT then the SUV factor), else its Real World Value Mapping (parametric maps),
/// else its modality values.
pub struct LayerValues<'a> {
    lut: ModalityLut,
    real_world: &'a RealWorldMappings,
    frame: u32,
    suv: Option<SuvBw>,
}

impl<'a> LayerValues<'a> {
    pub fn new(info: &'a ImageInfo, frame: u32, suv: Option<SuvBw>) -> LayerValues<'a> {
        LayerValues { lut: info.modality_lut(frame), real_world: &info.real_world, frame, suv }
    }

    pub fn value(&self, stored: f64) -> Option<f64> {
        if let Some(suv) = &self.suv {
            return Some(suv.apply(self.lut.apply(stored)));
        }
        if !self.real_world.is_empty() {
            return self.real_world.for_value(self.frame, stored)?.apply(stored);
        }
        Some(self.lut.apply(stored))
    }

    /// The quantity's name and unit for the colour bar ("SUVbw", "g/ml"); `modality_unit` when
    /// the values are modality values.
    pub fn name_and_unit(&self, modality_unit: Option<String>) -> (Option<String>, Option<String>) {
        if self.suv.is_some() {
            return (Some("SUVbw".to_string()), Some("g/ml".to_string()));
        }
        match self.real_world.first(self.frame) {
            Some(mapping) => (mapping.name(), mapping.unit_text()),
            None => (None, modality_unit),
        }
    }

    /// Smallest and largest value of a frame's stored `pixels` (non-finite values skipped).
    pub fn extent(&self, pixels: &PixelValues) -> Option<(f64, f64)> {
        let mut extent: Option<(f64, f64)> = None;
        for index in 0..pixels.len() {
            let Some(value) = pixels.get_f64(index).and_then(|stored| self.value(stored)) else { continue };
            if !value.is_finite() {
                continue;
            }
            extent = Some(match extent {
                None => (value, value),
                Some((low, high)) => (low.min(value), high.max(value)),
            });
        }
        extent
    }
}

/// A default range for a layer: from 5 % of the way from the minimum to the maximum (so the
/// background stays transparent) to the maximum.
pub fn default_range(min: f64, max: f64) -> (f64, f64) {
    if !(min.is_finite() && max.is_finite()) || max <= min {
        return (0.0, 1.0);
    }
    let low = min + (max - min) * 0.05;
    (low, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    const AXIAL: [f64; 6] = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0];

    fn plane(z: f64, size: u32, spacing: f64, origin_xy: f64) -> Plane {
        Plane::new(size, size, Some([origin_xy, origin_xy, z]), Some(AXIAL), Some([spacing, spacing])).unwrap()
    }

    #[test]
    fn colour_maps() {
        assert_eq!(ColourMap::Hot.rgb(0.0), [0, 0, 0]);
        assert_eq!(ColourMap::Hot.rgb(1.0), [255, 255, 255]);
        assert_eq!(ColourMap::Hot.rgb(1.0 / 3.0), [255, 0, 0]);
        assert_eq!(ColourMap::Jet.rgb(0.5), [128, 255, 128]);
        assert_eq!(ColourMap::Jet.rgb(0.0), [0, 0, 128]);
        assert_eq!(ColourMap::Jet.rgb(1.0), [128, 0, 0]);
        assert_eq!(ColourMap::Grey.rgb(0.5), [128, 128, 128]);
        assert_eq!(ColourMap::from_name("jet"), Some(ColourMap::Jet));
    }

    #[test]
    fn nearest_plane_within_half_spacing() {
        let layers: Vec<Plane> = (0..5).map(|i| plane(f64::from(i) * 4.0, 8, 2.0, 0.0)).collect();
        assert_eq!(slice_spacing_mm(&layers), Some(4.0));
        assert_eq!(nearest_plane(&plane(5.0, 16, 1.0, 0.0), &layers, 2.0), Some(1));
        assert_eq!(nearest_plane(&plane(7.0, 16, 1.0, 0.0), &layers, 2.0), Some(2));
        assert_eq!(nearest_plane(&plane(20.0, 16, 1.0, 0.0), &layers, 2.0), None);
    }

    #[test]
    fn resampled_on_the_base_grid_in_patient_space() {
        // Layer: 4×4 pixels of 2 mm from (0,0); value = 10 × column + row. Base: 8×8 of 1 mm from
        // (−0.5, −0.5): base pixel (c, r) is at x = c − 0.5, i.e. layer column (c − 0.5) / 2.
        let layer = plane(0.0, 4, 2.0, 0.0);
        let base = plane(0.4, 8, 1.0, -0.5);
        let value = |c: u32, r: u32| Some(f64::from(10 * c + r));
        let style = FusionStyle {
            colour_map: ColourMap::Grey,
            low: -1.0,
            high: 33.0,
            opacity: 1.0,
            interpolation: Interpolation::Nearest,
        };
        let out = fuse(&base, &layer, 1.0, &style, value).unwrap();
        let at = |c: usize, r: usize| out.rgba[(r * 8 + c) * 4];
        // Base (5, 2): x = 4.5 → layer column 2.25 → 2; y = 1.5 → row 0.75 → 1: value 21.
        assert_eq!(at(5, 2), style.colour(21.0).unwrap()[0]);
        // Base (0, 0): x = −0.5 → column −0.25 → 0: value 0.
        assert_eq!(at(0, 0), style.colour(0.0).unwrap()[0]);
        let bilinear = FusionStyle { interpolation: Interpolation::Bilinear, ..style };
        let out = fuse(&base, &layer, 1.0, &bilinear, value).unwrap();
        // Column 2.25, row 0.75: 10 × 2.25 + 0.75 = 23.25.
        assert_eq!(out.rgba[(2 * 8 + 5) * 4], bilinear.colour(23.25).unwrap()[0]);
        assert_eq!(out.covered(), 64);
        // Too far from the plane: nothing.
        let far = plane(3.0, 8, 1.0, -0.5);
        assert_eq!(fuse(&far, &layer, 1.0, &style, value).unwrap().covered(), 0);
    }

    #[test]
    fn below_range_is_transparent_and_outside_the_layer_too() {
        let layer = plane(0.0, 2, 1.0, 0.0);
        let base = plane(0.0, 4, 1.0, 0.0);
        let style = FusionStyle {
            colour_map: ColourMap::Hot,
            low: 1.0,
            high: 3.0,
            opacity: 0.5,
            interpolation: Interpolation::Nearest,
        };
        let out = fuse(&base, &layer, 0.5, &style, |c, r| Some(f64::from(c + 2 * r))).unwrap();
        // Values 0 1 / 2 3: only 2 and 3 are above the low end; base pixels ≥ 2 lie outside.
        assert_eq!(out.covered(), 2);
        assert_eq!(&out.rgba[(4) * 4..(4) * 4 + 4], &[255, 128, 0, 128][..], "2 = mid-range, alpha 0.5");
        assert_eq!(&out.rgba[(5) * 4..(5) * 4 + 4], &[255, 255, 255, 128][..]);
    }

    #[test]
    fn colour_bar_labels_and_gradient() {
        let style = FusionStyle {
            colour_map: ColourMap::Hot,
            low: 0.5,
            high: 2.5,
            opacity: 1.0,
            interpolation: Interpolation::Nearest,
        };
        let bar = ColourBar::new(Lang::De, &style, Some("g/ml"), 4);
        assert_eq!((bar.low_label.as_str(), bar.high_label.as_str()), ("0,5 g/ml", "2,5 g/ml"));
        assert_eq!(bar.colours.first(), Some(&[0, 0, 0]));
        assert!(bar.css_gradient().ends_with("rgb(255,255,255) 100.0%)"), "{}", bar.css_gradient());
    }

    #[test]
    fn quantities_keep_four_significant_digits() {
        assert_eq!(format_quantity(Lang::En, 0.00123456), "0.001235");
        assert_eq!(format_quantity(Lang::En, 1234.4), "1234");
        assert_eq!(format_quantity(Lang::En, 2.5), "2.5");
        assert_eq!(format_quantity(Lang::De, 2.3149), "2,315");
        assert_eq!(format_quantity(Lang::En, -0.00001), "-0.00001");
        assert_eq!(format_quantity(Lang::En, 0.0), "0");
    }
}
