//! The text shown for the pixel under the cursor: its coordinates, and its modality value with
//! unit and stored value (greyscale) or its R G B samples (colour).

use super::format::format_value_in;
use super::measure::format_with_unit;
use crate::i18n::{textf, Lang};

/// What the image holds at one pixel.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ProbeSample {
    /// `stored` is the raw stored value, `modality` the value after the Modality LUT / Rescale
    /// (PS3.3 C.11.1).
    Grey { stored: f64, modality: f64 },
    /// The pixel's samples after colour conversion.
    Colour { red: f64, green: f64, blue: f64 },
}

/// The unit of modality values: the Rescale Type (0028,1054) when given and not "US"
/// (unspecified, PS3.3 C.11.1.1.2); otherwise "HU" for CT (whose Rescale Type may be absent
/// exactly when the values are Hounsfield units, PS3.3 C.8.2.1); otherwise none.
pub fn modality_unit(modality: &str, rescale_type: Option<&str>) -> Option<String> {
    let rescale_type = rescale_type.map(|text| text.trim_matches(|c: char| c == '\0' || c.is_whitespace()));
    match rescale_type {
        Some("US") => None,
        Some(unit) if !unit.is_empty() => Some(unit.to_string()),
        _ if modality.trim() == "CT" => Some("HU".to_string()),
        _ => None,
    }
}

/// The unit of an instance's modality values: Dose Units (3004,0002) for an RT Dose grid,
/// whose modality values are doses (Dose Grid Scaling is its rescale slope, PS3.3 C.8.8.3):
/// "Gy" for GY, none for RELATIVE; otherwise [`modality_unit`].
pub fn instance_unit(modality: &str, rescale_type: Option<&str>, dose_units: Option<&str>) -> Option<String> {
    if modality.trim() == "RTDOSE" {
        return match dose_units.map(|units| units.trim_matches(|c: char| c == '\0' || c.is_whitespace())) {
            Some("GY") => Some("Gy".to_string()),
            _ => None,
        };
    }
    modality_unit(modality, rescale_type)
}

/// The pixel (column, row) whose area contains an image point, None outside the image.
pub fn pixel_under(point: (f64, f64), columns: u32, rows: u32) -> Option<(u32, u32)> {
    let inside = |value: f64, size: u32| value >= 0.0 && value < f64::from(size);
    (inside(point.0, columns) && inside(point.1, rows)).then(|| (point.0.floor() as u32, point.1.floor() as u32))
}

/// "(x, y)" with x the column and y the row, both from 0.
pub fn format_coordinates(column: u32, row: u32) -> String {
    format!("({column}, {row})")
}

/// "(120, 45) 40 HU (stored 1064)" or "(3, 7) R 255 G 0 B 12".
/// Numbers and the word "stored" in `lang` (text `common.probe.grey`).
pub fn probe_text(lang: Lang, column: u32, row: u32, sample: &ProbeSample, unit: Option<&str>) -> String {
    let position = format_coordinates(column, row);
    let value = |v: f64| format_value_in(lang, v);
    match *sample {
        ProbeSample::Grey { stored, modality } => textf(
            lang,
            "common.probe.grey",
            &[("position", &position), ("value", &format_with_unit(lang, modality, unit)), ("stored", &value(stored))],
        ),
        ProbeSample::Colour { red, green, blue } => {
            format!("{position} R {} G {} B {}", value(red), value(green), value(blue))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_from_rescale_type_or_modality() {
        assert_eq!(modality_unit("CT", None), Some("HU".to_string()));
        assert_eq!(modality_unit("CT", Some("")), Some("HU".to_string()));
        assert_eq!(modality_unit("PT", Some("OD ")), Some("OD".to_string()));
        assert_eq!(modality_unit("CT", Some("US")), None);
        assert_eq!(modality_unit("MR", None), None);
    }

    #[test]
    fn rt_dose_in_gray() {
        assert_eq!(instance_unit("RTDOSE", None, Some("GY")), Some("Gy".to_string()));
        assert_eq!(instance_unit("RTDOSE", None, Some("RELATIVE")), None);
        assert_eq!(instance_unit("CT", None, None), Some("HU".to_string()));
        let dose = ProbeSample::Grey { stored: 4000.0, modality: 0.1 };
        assert_eq!(probe_text(Lang::En, 1, 2, &dose, Some("Gy")), "(1, 2) 0.1 Gy (stored 4000)");
        assert_eq!(probe_text(Lang::De, 1, 2, &dose, Some("Gy")), "(1, 2) 0,1 Gy (gespeichert 4000)");
    }

    #[test]
    fn pixel_under_floors_and_rejects_outside() {
        assert_eq!(pixel_under((0.0, 0.0), 4, 3), Some((0, 0)));
        assert_eq!(pixel_under((3.99, 2.5), 4, 3), Some((3, 2)));
        assert_eq!(pixel_under((4.0, 1.0), 4, 3), None);
        assert_eq!(pixel_under((-0.01, 1.0), 4, 3), None);
        assert_eq!(pixel_under((f64::NAN, 1.0), 4, 3), None);
    }

    #[test]
    fn texts() {
        // CT stored 1064 with intercept −1024: 40 HU.
        let grey = ProbeSample::Grey { stored: 1064.0, modality: 40.0 };
        assert_eq!(probe_text(Lang::En, 120, 45, &grey, Some("HU")), "(120, 45) 40 HU (stored 1064)");
        let grey = ProbeSample::Grey { stored: 7.0, modality: 3.5 };
        assert_eq!(probe_text(Lang::En, 0, 1, &grey, None), "(0, 1) 3.5 (stored 7)");
        assert_eq!(probe_text(Lang::Zh, 0, 1, &grey, None), "(0, 1) 3.5（存储值 7）");
        let colour = ProbeSample::Colour { red: 255.0, green: 0.0, blue: 12.0 };
        assert_eq!(probe_text(Lang::Es, 3, 7, &colour, Some("HU")), "(3, 7) R 255 G 0 B 12");
    }
}
