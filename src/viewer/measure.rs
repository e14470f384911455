//! Length and angle measurements, and their text.
//!
//! Points are continuous image pixel coordinates: (0, 0) is the top-left corner of the first
//! stored pixel, pixel (column i, row j) covers [i, i+1) × [j, j+1) and its centre is
//! (i + 0.5, j + 0.5). Horizontal differences are scaled by the column spacing and vertical ones
//! by the row spacing (see `spacing.rs`), so non-square pixels measure correctly.

use super::format::format_value_in;
use super::spacing::Spacing;
use crate::i18n::{format_decimal, Lang};

/// A measured quantity with its unit ("mm", "px", "mm²", "px²").
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Measurement {
    pub value: f64,
    pub unit: &'static str,
}

/// Physical displacement from `from` to `to` (mm, or pixels without spacing).
fn physical(spacing: &Spacing, from: (f64, f64), to: (f64, f64)) -> (f64, f64) {
    ((to.0 - from.0) * spacing.column_mm, (to.1 - from.1) * spacing.row_mm)
}

/// Distance between two points.
pub fn length(spacing: &Spacing, start: (f64, f64), end: (f64, f64)) -> Measurement {
    let (dx, dy) = physical(spacing, start, end);
    Measurement { value: dx.hypot(dy), unit: spacing.unit() }
}

/// The angle at `vertex` between the arms to `first` and `second`, in degrees (0..=180),
/// computed on physical (spacing-scaled) vectors; None if an arm has zero length.
pub fn angle(spacing: &Spacing, first: (f64, f64), vertex: (f64, f64), second: (f64, f64)) -> Option<f64> {
    let (ax, ay) = physical(spacing, vertex, first);
    let (bx, by) = physical(spacing, vertex, second);
    let (length_a, length_b) = (ax.hypot(ay), bx.hypot(by));
    if !(length_a > 0.0 && length_b > 0.0) {
        return None;
    }
    // atan2(|a×b|, a·b) is accurate near 0° and 180°, where acos is not.
    let cross = ax * by - ay * bx;
    let dot = ax * bx + ay * by;
    Some(cross.abs().atan2(dot).to_degrees())
}

/// "12.3 mm" / "45.0 px" ("12,3 mm" in German).
pub fn format_length(lang: Lang, length: &Measurement) -> String {
    format!("{} {}", format_decimal(lang, length.value, 1), length.unit)
}

/// "45.0°" ("45,0°" in German).
pub fn format_angle(lang: Lang, degrees: f64) -> String {
    format!("{}°", format_decimal(lang, degrees, 1))
}

/// "123.4 mm²" ("123,4 mm²" in German).
pub fn format_area(lang: Lang, area: &Measurement) -> String {
    format!("{} {}", format_decimal(lang, area.value, 1), area.unit)
}

/// A modality value with its unit if any: "40 HU", "0.5" ("0,5" in German).
pub fn format_with_unit(lang: Lang, value: f64, unit: Option<&str>) -> String {
    match unit {
        Some(unit) if !unit.is_empty() => format!("{} {unit}", format_value_in(lang, value)),
        _ => format_value_in(lang, value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::viewer::spacing::SpacingSource;

    const PIXELS: Spacing = Spacing { row_mm: 1.0, column_mm: 1.0, source: SpacingSource::Missing };

    #[test]
    fn length_uses_row_and_column_spacing() {
        // 3 columns × 0.5 mm = 1.5 mm across, 2 rows × 1.0 mm = 2 mm down: √(1.5² + 2²) = 2.5 mm.
        let spacing = Spacing { row_mm: 1.0, column_mm: 0.5, source: SpacingSource::PixelSpacing };
        let measured = length(&spacing, (1.5, 1.5), (4.5, 3.5));
        assert!((measured.value - 2.5).abs() < 1e-12);
        assert_eq!(format_length(Lang::En, &measured), "2.5 mm");
        assert_eq!(format_length(Lang::De, &measured), "2,5 mm");
        // Without spacing: 3-4-5 in pixels.
        assert_eq!(length(&PIXELS, (0.0, 0.0), (3.0, 4.0)), Measurement { value: 5.0, unit: "px" });
    }

    #[test]
    fn angle_in_pixels_and_with_anisotropic_spacing() {
        // Arms along +x and along the diagonal (1, 1): 45°.
        let degrees = angle(&PIXELS, (10.0, 0.0), (0.0, 0.0), (5.0, 5.0)).unwrap_or(f64::NAN);
        assert!((degrees - 45.0).abs() < 1e-12);
        assert_eq!(format_angle(Lang::En, degrees), "45.0°");
        assert_eq!(format_angle(Lang::Es, degrees), "45,0°");
        // Same pixels, rows 2 mm apart and columns 1 mm: the diagonal arm is (5, 10) mm, so the
        // angle is atan(10/5) = 63.4349…°.
        let spacing = Spacing { row_mm: 2.0, column_mm: 1.0, source: SpacingSource::PixelSpacing };
        let degrees = angle(&spacing, (10.0, 0.0), (0.0, 0.0), (5.0, 5.0)).unwrap_or(f64::NAN);
        assert!((degrees - 2f64.atan().to_degrees()).abs() < 1e-12);
        // Straight line: 180°; a zero-length arm: no angle.
        let straight = angle(&PIXELS, (-1.0, 0.0), (0.0, 0.0), (2.0, 0.0)).unwrap_or(f64::NAN);
        assert!((straight - 180.0).abs() < 1e-12);
        assert_eq!(angle(&PIXELS, (0.0, 0.0), (0.0, 0.0), (1.0, 0.0)), None);
    }

    #[test]
    fn value_with_unit_text() {
        assert_eq!(format_with_unit(Lang::En, 40.0, Some("HU")), "40 HU");
        assert_eq!(format_with_unit(Lang::En, 0.5, None), "0.5");
        assert_eq!(format_with_unit(Lang::En, -3.25, Some("")), "-3.25");
        assert_eq!(format_with_unit(Lang::De, -3.25, Some("HU")), "-3,25 HU");
        assert_eq!(format_area(Lang::En, &Measurement { value: 123.44, unit: "mm²" }), "123.4 mm²");
        assert_eq!(format_area(Lang::De, &Measurement { value: 1234.44, unit: "mm²" }), "1.234,4 mm²");
        assert_eq!(format_area(Lang::Zh, &Measurement { value: 123.44, unit: "mm²" }), "123.4 mm²");
    }
}
