//! Can these slices be reformatted, and what should the reader know first? Checks the planes of a
//! display set (PS3.3 C.7.6.2.1.1: Image Position/Orientation (Patient), Pixel Spacing) before a
//! volume is built:
//!
//! - one orientation (every direction cosine within `study::geometry::ORIENTATION_TOLERANCE`)
//!   and one size and pixel spacing — otherwise refused, naming the slice that differs;
//! - slices at distinct positions along the normal, in order — otherwise refused;
//! - the spacing along the normal: min / median / max step; irregular spacing places slices at
//!   their true positions (`Grid::slice_offsets`), steps ≥ [`GAP_FACTOR`] × the median are
//!   missing slices left empty in reformatted planes (never interpolated across);
//! - gantry tilt: the angle between the slice step and the normal (a sheared grid, which
//!   `Grid` follows exactly).
//!
//! [`GeometryReport::messages`] words the findings in the interface's language.

use super::grid::{SliceGeometry, GAP_FACTOR};
use super::vec3::{self, Vec3};
use crate::i18n::{format_decimal, format_integer, textf, Lang};
use crate::study::geometry::Orientation;

/// Steps differing from the median by more than this fraction are called irregular spacing.
pub const SPACING_TOLERANCE: f64 = 0.1;
/// Pixel spacings differing by more than this fraction are called mixed.
pub const PIXEL_SPACING_TOLERANCE: f64 = 1e-3;
/// A tilt of the slice step from the normal smaller than this (degrees) is not reported
/// (rounding of Image Position; the grid follows it all the same).
pub const TILT_REPORT_DEGREES: f64 = 0.5;
/// Neighbouring slices closer than this along the normal (mm) are taken as one position.
pub const SAME_POSITION_MM: f64 = 1e-3;

/// Why the slices cannot be reformatted (slice numbers count from 1, in display-set order).
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// Fewer than two slices.
    TooFewSlices { count: usize },
    /// Slice `slice` has no Image Position/Orientation or Pixel Spacing.
    NoPosition { slice: usize },
    /// Slice `slice` is oriented differently from slice 1; `degrees` between their normals.
    MixedOrientation { slice: usize, degrees: f64 },
    /// Slice `slice` has another number of rows × columns than slice 1.
    MixedSize { slice: usize, size: (u32, u32), first: (u32, u32) },
    /// Slice `slice` has another Pixel Spacing than slice 1 (row, column spacing mm).
    MixedPixelSpacing { slice: usize, spacing_mm: [f64; 2], first_mm: [f64; 2] },
    /// Slices `slice` and `slice + 1` lie at the same position along the normal (or go back).
    SamePosition { slice: usize, position_mm: f64 },
}

/// A step between neighbouring slices: after slice `after` (from 1), `step_mm` along the normal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Step {
    pub after: usize,
    pub step_mm: f64,
}

/// The spacing along the normal of a stack that can be reformatted.
#[derive(Debug, Clone, PartialEq)]
pub struct Spacing {
    pub min_step_mm: f64,
    pub median_step_mm: f64,
    pub max_step_mm: f64,
    /// The widest step (the largest gap when there are missing slices).
    pub largest: Step,
    /// Steps of at least `GAP_FACTOR` × the median: missing slices, shown as gaps.
    pub gaps: Vec<Step>,
}

impl Spacing {
    /// True when every step is within `SPACING_TOLERANCE` of the median.
    pub fn is_regular(&self) -> bool {
        let tolerance = SPACING_TOLERANCE * self.median_step_mm;
        self.max_step_mm - self.median_step_mm <= tolerance && self.median_step_mm - self.min_step_mm <= tolerance
    }
}

/// What [`check`] found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GeometryReport {
    pub slice_count: usize,
    /// Set when the slices cannot be reformatted.
    pub refusal: Option<Refusal>,
    /// Spacing along the normal (None when refused).
    pub spacing: Option<Spacing>,
    /// Angle between the mean slice step and the slice normal, degrees (0 for an upright stack).
    pub tilt_degrees: f64,
}

/// Checks the planes of a display set, in display-set order, before a volume is built.
pub fn check(slices: &[SliceGeometry]) -> GeometryReport {
    let slice_count = slices.len();
    let refused = |refusal: Refusal| GeometryReport { slice_count, refusal: Some(refusal), ..Default::default() };
    let (Some(first), Some(last)) = (slices.first(), slices.last()) else {
        return refused(Refusal::TooFewSlices { count: 0 });
    };
    if slice_count < 2 {
        return refused(Refusal::TooFewSlices { count: slice_count });
    }
    let orientation = |s: &SliceGeometry| {
        Orientation::from_cosines([
            s.row_direction[0],
            s.row_direction[1],
            s.row_direction[2],
            s.column_direction[0],
            s.column_direction[1],
            s.column_direction[2],
        ])
    };
    let Some(first_orientation) = orientation(first) else {
        return refused(Refusal::NoPosition { slice: 1 });
    };
    let usable_spacing = |s: [f64; 2]| s.iter().all(|v| v.is_finite() && *v > 0.0);
    if !usable_spacing(first.pixel_spacing_mm) || !first.position_mm.iter().all(|v| v.is_finite()) {
        return refused(Refusal::NoPosition { slice: 1 });
    }
    let normal = first_orientation.normal();
    for (index, s) in slices.iter().enumerate().skip(1) {
        let slice = index + 1;
        let Some(o) = orientation(s) else { return refused(Refusal::NoPosition { slice }) };
        if !usable_spacing(s.pixel_spacing_mm) || !s.position_mm.iter().all(|v| v.is_finite()) {
            return refused(Refusal::NoPosition { slice });
        }
        if !o.approx_eq(&first_orientation) {
            let cos = vec3::dot(normal, o.normal()).clamp(-1.0, 1.0);
            let mut degrees = cos.acos().to_degrees();
            if degrees < 0.05 {
                // Same plane, rotated in it: the angle between the row directions tells.
                let rows = vec3::dot(vec3::normalize(first.row_direction), vec3::normalize(s.row_direction));
                degrees = rows.clamp(-1.0, 1.0).acos().to_degrees();
            }
            return refused(Refusal::MixedOrientation { slice, degrees });
        }
        if (s.rows, s.columns) != (first.rows, first.columns) {
            return refused(Refusal::MixedSize {
                slice,
                size: (s.columns, s.rows),
                first: (first.columns, first.rows),
            });
        }
        let differs = |a: f64, b: f64| (a - b).abs() > PIXEL_SPACING_TOLERANCE * a.abs().max(b.abs());
        if differs(s.pixel_spacing_mm[0], first.pixel_spacing_mm[0])
            || differs(s.pixel_spacing_mm[1], first.pixel_spacing_mm[1])
        {
            return refused(Refusal::MixedPixelSpacing {
                slice,
                spacing_mm: s.pixel_spacing_mm,
                first_mm: first.pixel_spacing_mm,
            });
        }
    }
    // Positions along the normal, oriented so the stack advances (display sets may run either way).
    let along: Vec<f64> = slices.iter().map(|s| vec3::dot(s.position_mm, normal)).collect();
    let sign = if along[slice_count - 1] >= along[0] { 1.0 } else { -1.0 };
    let steps: Vec<f64> = along.windows(2).map(|pair| sign * (pair[1] - pair[0])).collect();
    if let Some(index) = steps.iter().position(|step| step.is_nan() || *step <= SAME_POSITION_MM) {
        return refused(Refusal::SamePosition { slice: index + 1, position_mm: along[index] });
    }
    let mut sorted = steps.clone();
    sorted.sort_by(f64::total_cmp);
    let median_step_mm = sorted[sorted.len() / 2];
    let (min_step_mm, max_step_mm) = (sorted[0], sorted[sorted.len() - 1]);
    let largest = steps
        .iter()
        .enumerate()
        .map(|(index, step_mm)| Step { after: index + 1, step_mm: *step_mm })
        .fold(Step { after: 1, step_mm: f64::MIN }, |best, s| if s.step_mm > best.step_mm { s } else { best });
    let gaps = steps
        .iter()
        .enumerate()
        .filter(|(_, step)| **step >= GAP_FACTOR * median_step_mm)
        .map(|(index, step_mm)| Step { after: index + 1, step_mm: *step_mm })
        .collect();
    GeometryReport {
        slice_count,
        refusal: None,
        spacing: Some(Spacing { min_step_mm, median_step_mm, max_step_mm, largest, gaps }),
        tilt_degrees: tilt_degrees(vec3::sub(last.position_mm, first.position_mm), normal),
    }
}

/// Angle between the stack's direction and the slice normal, degrees.
fn tilt_degrees(span: Vec3, normal: Vec3) -> f64 {
    let length = vec3::length(span);
    if length <= 0.0 {
        return 0.0;
    }
    (vec3::dot(span, normal).abs() / length).clamp(-1.0, 1.0).acos().to_degrees()
}

impl GeometryReport {
    /// A report refusing for `refusal` (what the page says when it cannot even collect the
    /// planes, e.g. a slice without Image Position).
    pub fn refused(slice_count: usize, refusal: Refusal) -> GeometryReport {
        GeometryReport { slice_count, refusal: Some(refusal), ..Default::default() }
    }

    pub fn is_refused(&self) -> bool {
        self.refusal.is_some()
    }

    /// True when the tilt is large enough to tell the reader.
    pub fn is_tilted(&self) -> bool {
        self.tilt_degrees >= TILT_REPORT_DEGREES
    }

    /// The refusal, or each finding worth telling the reader, as sentences in `lang`: empty for
    /// an evenly spaced upright stack.
    pub fn messages(&self, lang: Lang) -> Vec<String> {
        let mm = |v: f64| format_decimal(lang, v, 1);
        let int = |v: usize| format_integer(lang, v as i64);
        if let Some(refusal) = &self.refusal {
            let text = match refusal {
                Refusal::TooFewSlices { count } => textf(lang, "volume.geometry.too_few", &[("count", &int(*count))]),
                Refusal::NoPosition { slice } => textf(lang, "volume.geometry.no_position", &[("slice", &int(*slice))]),
                Refusal::MixedOrientation { slice, degrees } => textf(
                    lang,
                    "volume.geometry.mixed_orientation",
                    &[("slice", &int(*slice)), ("degrees", &format_decimal(lang, *degrees, 1))],
                ),
                Refusal::MixedSize { slice, size, first } => textf(
                    lang,
                    "volume.geometry.mixed_size",
                    &[
                        ("slice", &int(*slice)),
                        ("size", &format!("{}×{}", size.0, size.1)),
                        ("first", &format!("{}×{}", first.0, first.1)),
                    ],
                ),
                Refusal::MixedPixelSpacing { slice, spacing_mm, first_mm } => {
                    let pair =
                        |s: [f64; 2]| format!("{}×{}", format_decimal(lang, s[1], 3), format_decimal(lang, s[0], 3));
                    textf(
                        lang,
                        "volume.geometry.mixed_spacing",
                        &[("slice", &int(*slice)), ("spacing", &pair(*spacing_mm)), ("first", &pair(*first_mm))],
                    )
                }
                Refusal::SamePosition { slice, position_mm } => textf(
                    lang,
                    "volume.geometry.same_position",
                    &[("slice", &int(*slice)), ("next", &int(slice + 1)), ("position", &mm(*position_mm))],
                ),
            };
            return vec![text];
        }
        let mut out = Vec::new();
        if let Some(spacing) = &self.spacing {
            let (min, max) = (mm(spacing.min_step_mm), mm(spacing.max_step_mm));
            if !spacing.gaps.is_empty() {
                out.push(textf(
                    lang,
                    "volume.geometry.gaps",
                    &[
                        ("min", &min),
                        ("max", &max),
                        ("count", &int(spacing.gaps.len())),
                        ("largest", &mm(spacing.largest.step_mm)),
                        ("slice", &int(spacing.largest.after)),
                    ],
                ));
            } else if !spacing.is_regular() {
                out.push(textf(lang, "volume.geometry.irregular", &[("min", &min), ("max", &max)]));
            }
        }
        if self.is_tilted() {
            out.push(textf(lang, "volume.geometry.tilt", &[("degrees", &format_decimal(lang, self.tilt_degrees, 1))]));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn axial(z: f64) -> SliceGeometry {
        SliceGeometry {
            position_mm: [-100.0, -100.0, z],
            row_direction: [1.0, 0.0, 0.0],
            column_direction: [0.0, 1.0, 0.0],
            pixel_spacing_mm: [0.5, 0.5],
            rows: 64,
            columns: 64,
        }
    }

    fn stack(zs: &[f64]) -> Vec<SliceGeometry> {
        zs.iter().map(|z| axial(*z)).collect()
    }

    #[test]
    fn an_even_upright_stack_has_nothing_to_say() {
        let report = check(&stack(&[0.0, 2.5, 5.0, 7.5]));
        assert!(!report.is_refused());
        let spacing = report.spacing.as_ref().unwrap();
        assert_eq!((spacing.min_step_mm, spacing.median_step_mm, spacing.max_step_mm), (2.5, 2.5, 2.5));
        assert!(spacing.is_regular() && spacing.gaps.is_empty());
        assert_eq!(report.tilt_degrees, 0.0);
        assert!(report.messages(Lang::En).is_empty());
    }

    #[test]
    fn a_stack_running_downwards_is_the_same() {
        let report = check(&stack(&[7.5, 5.0, 2.5, 0.0]));
        assert!(!report.is_refused());
        assert_eq!(report.spacing.unwrap().median_step_mm, 2.5);
    }

    #[test]
    fn a_missing_slice_is_a_gap() {
        let report = check(&stack(&[0.0, 2.5, 5.0, 10.0, 12.5]));
        let spacing = report.spacing.as_ref().unwrap();
        assert_eq!(spacing.gaps, vec![Step { after: 3, step_mm: 5.0 }]);
        assert_eq!(spacing.largest, Step { after: 3, step_mm: 5.0 });
        assert_eq!(
            report.messages(Lang::En),
            vec!["Irregular slice spacing 2.5–5.0 mm: 1 gap(s) of missing slices stay empty in reformatted planes (largest 5.0 mm, after slice 3)."]
        );
        assert!(report.messages(Lang::De)[0].contains("2,5–5,0 mm"));
    }

    #[test]
    fn mixed_orientation_names_the_slice_and_angle() {
        let mut slices = stack(&[0.0, 2.0, 4.0]);
        slices[2].row_direction = [1.0, 0.0, 0.0];
        slices[2].column_direction = [0.0, 0.0, -1.0];
        let report = check(&slices);
        match report.refusal {
            Some(Refusal::MixedOrientation { slice: 3, degrees }) => assert!((degrees - 90.0).abs() < 1e-9),
            other => panic!("{other:?}"),
        }
        let message = &report.messages(Lang::En)[0];
        assert!(message.contains("slice 3") && message.contains("90.0°"), "{message}");
    }

    #[test]
    fn tilt_is_the_angle_of_the_step() {
        let tan = 12f64.to_radians().tan();
        let slices: Vec<SliceGeometry> = (0..5)
            .map(|k| {
                let mut s = axial(f64::from(k) * 2.0);
                s.position_mm[1] += f64::from(k) * 2.0 * tan;
                s
            })
            .collect();
        let report = check(&slices);
        assert!((report.tilt_degrees - 12.0).abs() < 1e-9);
        assert_eq!(report.messages(Lang::En), vec!["Gantry tilt 12.0°: planes are corrected for the shear."]);
    }
}
