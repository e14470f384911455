//! Rectangle and ellipse regions of interest: area, and statistics of the modality values of the
//! pixels whose centres lie inside.
//!
//! Coordinates follow `measure.rs`: continuous image pixels, pixel (i, j) centred at
//! (i + 0.5, j + 0.5). A pixel counts when its centre is inside or on the boundary. The shape is
//! given by two opposite corners of its bounding box, in any order.

use super::format::format_value_in;
use super::measure::{format_area, Measurement};
use super::spacing::Spacing;
use crate::i18n::{format_decimal, textf, Lang};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoiShape {
    Rectangle,
    /// The ellipse inscribed in the bounding box.
    Ellipse,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Roi {
    pub shape: RoiShape,
    pub corner: (f64, f64),
    pub opposite_corner: (f64, f64),
}

/// Statistics over the pixels inside; `standard_deviation` is the population one (divides by
/// `count`, not `count − 1`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RoiStatistics {
    pub count: u64,
    pub mean: f64,
    pub standard_deviation: f64,
    pub min: f64,
    pub max: f64,
}

impl Roi {
    fn bounds(&self) -> ((f64, f64), (f64, f64)) {
        let (a, b) = (self.corner, self.opposite_corner);
        ((a.0.min(b.0), a.1.min(b.1)), (a.0.max(b.0), a.1.max(b.1)))
    }

    /// Area in mm² (or px² without spacing): width × height, or π · semi-axes for the ellipse.
    pub fn area(&self, spacing: &Spacing) -> Measurement {
        let (min, max) = self.bounds();
        let (width, height) = ((max.0 - min.0) * spacing.column_mm, (max.1 - min.1) * spacing.row_mm);
        let value = match self.shape {
            RoiShape::Rectangle => width * height,
            RoiShape::Ellipse => std::f64::consts::PI * (width / 2.0) * (height / 2.0),
        };
        Measurement { value, unit: spacing.area_unit() }
    }

    /// Whether an image point lies inside or on the boundary.
    pub fn contains(&self, point: (f64, f64)) -> bool {
        let (min, max) = self.bounds();
        let in_box = min.0 <= point.0 && point.0 <= max.0 && min.1 <= point.1 && point.1 <= max.1;
        match self.shape {
            RoiShape::Rectangle => in_box,
            RoiShape::Ellipse => {
                let (semi_x, semi_y) = ((max.0 - min.0) / 2.0, (max.1 - min.1) / 2.0);
                if !(in_box && semi_x > 0.0 && semi_y > 0.0) {
                    return false;
                }
                let x = (point.0 - (min.0 + semi_x)) / semi_x;
                let y = (point.1 - (min.1 + semi_y)) / semi_y;
                x * x + y * y <= 1.0
            }
        }
    }

    /// Count, mean, population standard deviation, min and max of `value_at(column, row)` (the
    /// modality value, Modality LUT already applied by the caller) over the pixels of a
    /// `columns` × `rows` image whose centres are inside; pixels where `value_at` gives None
    /// are skipped. None when no pixel counts. Visits only the pixels of the clipped bounding box.
    pub fn statistics<F: Fn(u32, u32) -> Option<f64>>(
        &self,
        columns: u32,
        rows: u32,
        value_at: F,
    ) -> Option<RoiStatistics> {
        let (min, max) = self.bounds();
        // Centre i + 0.5 ≥ min ⇔ i ≥ min − 0.5; clamped in f64 before converting to indices.
        let first = |low: f64| (low - 0.5).ceil().max(0.0);
        let last = |high: f64, size: u32| (high - 0.5).floor().min(f64::from(size) - 1.0);
        let (column_start, column_end) = (first(min.0), last(max.0, columns));
        let (row_start, row_end) = (first(min.1), last(max.1, rows));
        if !(column_start <= column_end && row_start <= row_end) {
            return None;
        }
        let (column_start, column_end) = (column_start as u32, column_end as u32);
        let (row_start, row_end) = (row_start as u32, row_end as u32);
        // Welford's running mean and sum of squared deviations.
        let (mut count, mut mean, mut squares) = (0u64, 0.0f64, 0.0f64);
        let (mut low, mut high) = (f64::INFINITY, f64::NEG_INFINITY);
        for row in row_start..=row_end {
            for column in column_start..=column_end {
                if !self.contains((f64::from(column) + 0.5, f64::from(row) + 0.5)) {
                    continue;
                }
                let Some(value) = value_at(column, row) else { continue };
                count += 1;
                let delta = value - mean;
                mean += delta / count as f64;
                squares += delta * (value - mean);
                low = low.min(value);
                high = high.max(value);
            }
        }
        (count > 0).then(|| RoiStatistics {
            count,
            mean,
            standard_deviation: (squares / count as f64).sqrt(),
            min: low,
            max: high,
        })
    }
}

/// "Mean 40.2 HU ± 3.1, min 12, max 80, area 123.4 mm²"; only the area when no pixel counts.
/// Words and numbers in `lang` (texts `common.measure.roi` / `common.measure.area`).
pub fn format_roi(
    lang: Lang,
    statistics: Option<&RoiStatistics>,
    value_unit: Option<&str>,
    area: &Measurement,
) -> String {
    let area = format_area(lang, area);
    let Some(statistics) = statistics else { return textf(lang, "common.measure.area", &[("area", &area)]) };
    let unit = match value_unit {
        Some(unit) if !unit.is_empty() => format!(" {unit}"),
        _ => String::new(),
    };
    textf(
        lang,
        "common.measure.roi",
        &[
            ("mean", &format!("{}{unit}", format_decimal(lang, statistics.mean, 1))),
            ("sd", &format_decimal(lang, statistics.standard_deviation, 1)),
            ("min", &format_value_in(lang, statistics.min)),
            ("max", &format_value_in(lang, statistics.max)),
            ("area", &area),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::viewer::spacing::SpacingSource;

    const PIXELS: Spacing = Spacing { row_mm: 1.0, column_mm: 1.0, source: SpacingSource::Missing };

    fn ten_row_plus_column(column: u32, row: u32) -> Option<f64> {
        Some(f64::from(10 * row + column))
    }

    #[test]
    fn rectangle_statistics_and_area() {
        // Corners (3, 4) and (1, 1): centres x ∈ {1.5, 2.5} (columns 1, 2), y ∈ {1.5, 2.5, 3.5}
        // (rows 1–3). Values 11 12 21 22 31 32: mean 129/6 = 21.5, squared deviations
        // 110.25 + 90.25 + 0.25 + 0.25 + 90.25 + 110.25 = 401.5, population variance 401.5/6.
        let roi = Roi { shape: RoiShape::Rectangle, corner: (3.0, 4.0), opposite_corner: (1.0, 1.0) };
        let stats = roi.statistics(10, 10, ten_row_plus_column).unwrap();
        assert_eq!((stats.count, stats.mean, stats.min, stats.max), (6, 21.5, 11.0, 32.0));
        assert!((stats.standard_deviation - (401.5f64 / 6.0).sqrt()).abs() < 1e-12);
        // 2 columns × 0.5 mm by 3 rows × 2 mm = 1 × 6 = 6 mm².
        let spacing = Spacing { row_mm: 2.0, column_mm: 0.5, source: SpacingSource::PixelSpacing };
        assert_eq!(roi.area(&spacing), Measurement { value: 6.0, unit: "mm²" });
    }

    #[test]
    fn centres_on_the_boundary_count_and_the_image_clips() {
        // (0.5, 0.5)–(1.5, 1.5) passes exactly through four pixel centres.
        let roi = Roi { shape: RoiShape::Rectangle, corner: (0.5, 0.5), opposite_corner: (1.5, 1.5) };
        assert_eq!(roi.statistics(10, 10, ten_row_plus_column).map(|s| s.count), Some(4));
        // Hanging off the top-left: only columns 0–1, rows 0–1 exist; column 0 gives no value.
        let roi = Roi { shape: RoiShape::Rectangle, corner: (-5.0, -5.0), opposite_corner: (2.0, 2.0) };
        let stats = roi.statistics(10, 10, |column, row| (column > 0).then(|| f64::from(10 * row + column)));
        assert_eq!(stats.map(|s| (s.count, s.min, s.max)), Some((2, 1.0, 11.0)));
        // Entirely outside, or degenerate: nothing.
        let roi = Roi { shape: RoiShape::Ellipse, corner: (20.0, 20.0), opposite_corner: (30.0, 30.0) };
        assert_eq!(roi.statistics(10, 10, ten_row_plus_column), None);
        let roi = Roi { shape: RoiShape::Ellipse, corner: (2.0, 2.0), opposite_corner: (2.0, 8.0) };
        assert_eq!(roi.statistics(10, 10, ten_row_plus_column), None);
    }

    #[test]
    fn ellipse_takes_centres_inside_the_inscribed_ellipse() {
        // Box (0, 0)–(4, 4): circle of radius 2 at (2, 2). Centre offsets are ±0.5 or ±1.5; the
        // four corner pixels (1.5² + 1.5² = 4.5 > 4) fall out, 12 remain. Value = column:
        // rows 0 and 3 keep columns 1, 2; rows 1 and 2 keep 0–3: sum 3 + 6 + 6 + 3 = 18, mean 1.5.
        let roi = Roi { shape: RoiShape::Ellipse, corner: (0.0, 0.0), opposite_corner: (4.0, 4.0) };
        let stats = roi.statistics(10, 10, |column, _| Some(f64::from(column))).unwrap();
        assert_eq!((stats.count, stats.mean, stats.min, stats.max), (12, 1.5, 0.0, 3.0));
        let area = roi.area(&PIXELS);
        assert!((area.value - 4.0 * std::f64::consts::PI).abs() < 1e-12);
        assert_eq!(area.unit, "px²");
    }

    #[test]
    fn roi_text() {
        let stats = RoiStatistics { count: 9, mean: 40.24, standard_deviation: 3.06, min: 12.0, max: 80.0 };
        let area = Measurement { value: 123.4, unit: "mm²" };
        assert_eq!(
            format_roi(Lang::En, Some(&stats), Some("HU"), &area),
            "Mean 40.2 HU ± 3.1, min 12, max 80, area 123.4 mm²"
        );
        assert_eq!(format_roi(Lang::En, Some(&stats), None, &area), "Mean 40.2 ± 3.1, min 12, max 80, area 123.4 mm²");
        assert_eq!(format_roi(Lang::En, None, Some("HU"), &area), "area 123.4 mm²");
        assert_eq!(
            format_roi(Lang::De, Some(&stats), Some("HU"), &area),
            "Mittelwert 40,2 HU ± 3,1, Min. 12, Max. 80, Fläche 123,4 mm²"
        );
        assert_eq!(format_roi(Lang::Zh, None, None, &area), "面积 123.4 mm²");
    }
}
