//! Physical pixel size for measurements: Pixel Spacing (0028,0030) when present, else Imager
//! Pixel Spacing (0018,1164), else none (measure in pixels).
//!
//! Both attributes hold "row spacing \ column spacing" in mm: the first value is the distance
//! between the centres of adjacent rows (vertical), the second between adjacent columns
//! (horizontal) — PS3.3 C.7.6.2 and 10.7.1. Imager Pixel Spacing is measured at the front plane of the
//! detector, not at the patient (PS3.3 10.7.1.3): for projection radiographs objects are
//! magnified by the beam divergence, so lengths computed with it are too large by that factor.

/// Which attribute the spacing came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpacingSource {
    PixelSpacing,
    ImagerPixelSpacing,
    Missing,
}

/// Size of one pixel: `row_mm` vertical, `column_mm` horizontal. With `Missing` both are 1 and
/// measurements are in pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spacing {
    pub row_mm: f64,
    pub column_mm: f64,
    pub source: SpacingSource,
}

/// Parses a decimal-string pair such as "0.5\0.25" (values may carry spaces); None unless
/// exactly two positive finite numbers.
pub fn parse_spacing_pair(text: &str) -> Option<(f64, f64)> {
    let mut parts = text.trim_end_matches('\0').split('\\').map(|part| part.trim().parse::<f64>());
    match (parts.next(), parts.next(), parts.next()) {
        (Some(Ok(row)), Some(Ok(column)), None) => valid_pair((row, column)),
        _ => None,
    }
}

fn valid_pair(pair: (f64, f64)) -> Option<(f64, f64)> {
    let usable = |value: f64| value.is_finite() && value > 0.0;
    (usable(pair.0) && usable(pair.1)).then_some(pair)
}

impl Spacing {
    /// Chooses the spacing from the two attributes, (row, column) in mm each; a pair that is not
    /// two positive finite numbers counts as absent.
    pub fn choose(pixel_spacing: Option<(f64, f64)>, imager_pixel_spacing: Option<(f64, f64)>) -> Spacing {
        if let Some((row_mm, column_mm)) = pixel_spacing.and_then(valid_pair) {
            Spacing { row_mm, column_mm, source: SpacingSource::PixelSpacing }
        } else if let Some((row_mm, column_mm)) = imager_pixel_spacing.and_then(valid_pair) {
            Spacing { row_mm, column_mm, source: SpacingSource::ImagerPixelSpacing }
        } else {
            Spacing { row_mm: 1.0, column_mm: 1.0, source: SpacingSource::Missing }
        }
    }

    /// Length unit of measurements: "mm", or "px" without spacing.
    pub fn unit(&self) -> &'static str {
        if self.source == SpacingSource::Missing {
            "px"
        } else {
            "mm"
        }
    }

    /// Area unit: "mm²" or "px²".
    pub fn area_unit(&self) -> &'static str {
        if self.source == SpacingSource::Missing {
            "px²"
        } else {
            "mm²"
        }
    }

    /// Height over width of one pixel on screen (for `Viewport::new`): row / column spacing; when
    /// no spacing is known, Pixel Aspect Ratio (0028,0034) "vertical\horizontal" if valid
    /// (PS3.3 C.7.6.3.1.7), else 1.
    pub fn display_aspect(&self, pixel_aspect_ratio: Option<(f64, f64)>) -> f64 {
        match (self.source, pixel_aspect_ratio.and_then(valid_pair)) {
            (SpacingSource::Missing, Some((vertical, horizontal))) => vertical / horizontal,
            _ => self.row_mm / self.column_mm,
        }
    }

    /// What the UI should say next to measurements, if anything.
    pub fn caveat(&self, lang: crate::i18n::Lang) -> Option<&'static str> {
        let key = match self.source {
            SpacingSource::PixelSpacing => return None,
            SpacingSource::ImagerPixelSpacing => "common.spacing.imager",
            SpacingSource::Missing => "common.spacing.missing",
        };
        Some(crate::i18n::text(lang, key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn pixel_spacing_wins_over_imager_pixel_spacing() {
        let spacing = Spacing::choose(Some((0.5, 0.25)), Some((0.6, 0.6)));
        assert_eq!(spacing, Spacing { row_mm: 0.5, column_mm: 0.25, source: SpacingSource::PixelSpacing });
        assert_eq!(spacing.caveat(Lang::En), None);
        assert_eq!(spacing.unit(), "mm");
        // Rows 0.5 mm apart, columns 0.25 mm apart: a pixel is twice as tall as wide.
        assert_eq!(spacing.display_aspect(Some((1.0, 1.0))), 2.0);
    }

    #[test]
    fn imager_pixel_spacing_carries_a_caveat() {
        let spacing = Spacing::choose(Some((0.0, 0.5)), Some((0.143, 0.143)));
        assert_eq!(spacing.source, SpacingSource::ImagerPixelSpacing);
        assert_eq!(spacing.row_mm, 0.143);
        assert_eq!(
            spacing.caveat(Lang::En),
            Some("Imager Pixel Spacing: measured at the detector, not calibrated to the patient")
        );
        assert_eq!(
            spacing.caveat(Lang::De),
            Some("Imager Pixel Spacing: am Detektor gemessen, nicht auf den Patienten kalibriert")
        );
    }

    #[test]
    fn missing_spacing_measures_pixels_but_honours_aspect_ratio() {
        let spacing = Spacing::choose(None, Some((f64::NAN, 1.0)));
        assert_eq!(spacing.source, SpacingSource::Missing);
        assert_eq!((spacing.unit(), spacing.area_unit()), ("px", "px²"));
        assert_eq!(spacing.caveat(Lang::En), Some("No pixel spacing: measurements in pixels"));
        assert_eq!(spacing.display_aspect(Some((4.0, 3.0))), 4.0 / 3.0);
        assert_eq!(spacing.display_aspect(None), 1.0);
    }

    #[test]
    fn parses_decimal_string_pairs() {
        assert_eq!(parse_spacing_pair("0.5\\0.25"), Some((0.5, 0.25)));
        assert_eq!(parse_spacing_pair(" 0.7 \\ 0.7 \0"), Some((0.7, 0.7)));
        assert_eq!(parse_spacing_pair("0.5"), None);
        assert_eq!(parse_spacing_pair("0.5\\0.5\\1"), None);
        assert_eq!(parse_spacing_pair("0\\0.5"), None);
        assert_eq!(parse_spacing_pair("a\\b"), None);
    }
}
