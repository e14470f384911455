//! The text shown for the pixel under the cursor: its coordinates, and its modality value with
//! unit and stored value (greyscale) or its R G B samples (colour).

use super::format::format_value_in;
use super::fusion::format_quantity;
use super::measure::format_with_unit;
use super::suv::{SuvBw, SuvError};
use crate::i18n::{textf, Lang};
use crate::pipeline::real_world::RealWorldMappings;

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

/// A physical quantity shown beside the modality value: a Real World Value (PS3.3
/// C.7.6.16.2.11, e.g. ADC in µm²/s) or SUVbw (C.8.9.1).
#[derive(Clone, Debug, PartialEq)]
pub struct Quantity {
    /// Short name ("ADC", "SUVbw").
    pub name: Option<String>,
    pub value: f64,
    pub unit: Option<String>,
}

impl Quantity {
    /// "ADC 1234 µm²/s", "SUVbw 2,315 g/ml".
    pub fn text(&self, lang: Lang) -> String {
        let mut parts: Vec<String> = Vec::new();
        parts.extend(self.name.clone());
        parts.push(format_quantity(lang, self.value));
        parts.extend(self.unit.clone());
        parts.join(" ")
    }
}

/// What the probe adds to the modality value of a grey pixel.
#[derive(Clone, Debug, PartialEq)]
pub enum ProbeExtra {
    Quantity(Quantity),
    /// SUVbw cannot be computed for this PET image: why (the attribute at fault).
    NoSuv(SuvError),
}

impl ProbeExtra {
    pub fn text(&self, lang: Lang) -> String {
        match self {
            ProbeExtra::Quantity(quantity) => quantity.text(lang),
            ProbeExtra::NoSuv(error @ SuvError::Missing { .. }) => {
                textf(lang, "fusion.suv.missing", &[("keyword", error.keyword())])
            }
            ProbeExtra::NoSuv(error) => textf(lang, "fusion.suv.invalid", &[("keyword", error.keyword())]),
        }
    }
}

/// The quantities of a grey pixel of frame `frame` (from 0): its Real World Value when a
/// mapping covers the stored value, and SUVbw for PET in BQML (or why it is missing).
pub fn quantities(
    real_world: &RealWorldMappings,
    frame: u32,
    sample: &ProbeSample,
    suv: Option<&Result<SuvBw, SuvError>>,
) -> Vec<ProbeExtra> {
    let ProbeSample::Grey { stored, modality } = *sample else { return Vec::new() };
    let mut out = Vec::new();
    if let Some(mapping) = real_world.for_value(frame, stored) {
        if let Some(value) = mapping.apply(stored) {
            out.push(ProbeExtra::Quantity(Quantity { name: mapping.name(), value, unit: mapping.unit_text() }));
        }
    }
    match suv {
        Some(Ok(suv)) => out.push(ProbeExtra::Quantity(Quantity {
            name: Some("SUVbw".to_string()),
            value: suv.apply(modality),
            unit: Some("g/ml".to_string()),
        })),
        Some(Err(SuvError::NotBqml { .. })) | None => {}
        Some(Err(error)) => out.push(ProbeExtra::NoSuv(error.clone())),
    }
    out
}

/// [`probe_text`] with the pixel's quantities first: "(120, 45) ADC 1234 µm²/s · 308.5 (stored
/// 308.5)", "(3, 4) SUVbw 2.315 g/ml · 10000 Bq/ml (stored 4000)".
pub fn probe_text_with(
    lang: Lang,
    column: u32,
    row: u32,
    sample: &ProbeSample,
    unit: Option<&str>,
    extras: &[ProbeExtra],
) -> String {
    let ProbeSample::Grey { stored, modality } = *sample else {
        return probe_text(lang, column, row, sample, unit);
    };
    if extras.is_empty() {
        return probe_text(lang, column, row, sample, unit);
    }
    let quantities: Vec<String> = extras.iter().map(|extra| extra.text(lang)).collect();
    textf(
        lang,
        "fusion.probe.grey",
        &[
            ("position", &format_coordinates(column, row)),
            ("quantities", &quantities.join(" · ")),
            ("value", &format_with_unit(lang, modality, unit)),
            ("stored", &format_value_in(lang, stored)),
        ],
    )
}

/// The unit PET Units (0054,1001, PS3.3 C.8.9.1.1.3) name, as people write it.
pub fn pet_unit(units: &str) -> Option<String> {
    let text = match units.trim() {
        "BQML" => "Bq/ml",
        "CNTS" => "counts",
        "CPS" => "counts/s",
        "PCNT" => "%",
        "GML" => "g/ml",
        "MLG" => "ml/g",
        "MLML" => "ml/ml",
        "UMOLML" => "µmol/ml",
        "MGMINML" => "mg/min/ml",
        "UMOLMINML" => "µmol/min/ml",
        "MLMING" => "ml/min/g",
        "MLMINML" => "ml/min/ml",
        "1CM" => "1/cm",
        "CM2" => "cm²",
        "CM2ML" => "cm²/ml",
        _ => return None,
    };
    Some(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suv_and_real_world_values_in_the_probe() {
        let suv = SuvBw {
            factor_g_per_bq: 80_000.0 / 350_000_000.0,
            weight_kg: 80.0,
            injected_dose_bq: 350_000_000.0,
            decayed_dose_bq: 350_000_000.0,
            half_life_s: 6586.2,
            elapsed_s: 0.0,
            decay_correction: crate::viewer::suv::DecayCorrection::Admin,
        };
        let grey = ProbeSample::Grey { stored: 4000.0, modality: 10_000.0 };
        let extras = quantities(&RealWorldMappings::default(), 0, &grey, Some(&Ok(suv)));
        assert_eq!(
            probe_text_with(Lang::En, 3, 4, &grey, pet_unit("BQML").as_deref(), &extras),
            "(3, 4) SUVbw 2.286 g/ml · 10000 Bq/ml (stored 4000)"
        );
        let missing = Err(SuvError::Missing { keyword: "PatientWeight" });
        let extras = quantities(&RealWorldMappings::default(), 0, &grey, Some(&missing));
        assert_eq!(
            probe_text_with(Lang::En, 3, 4, &grey, Some("Bq/ml"), &extras),
            "(3, 4) no SUV: PatientWeight missing · 10000 Bq/ml (stored 4000)"
        );
        let counts = Err(SuvError::NotBqml { units: "CNTS".into() });
        assert!(quantities(&RealWorldMappings::default(), 0, &grey, Some(&counts)).is_empty());
        assert_eq!(probe_text_with(Lang::En, 3, 4, &grey, None, &[]), "(3, 4) 10000 (stored 4000)");
    }

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
