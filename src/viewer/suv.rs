//! Standardized Uptake Value normalised to body weight (SUVbw) of PET images whose Units
//! (0054,1001) are BQML (PS3.3 C.8.9.1.1.3), following the vendor-neutral recipe of QIBA's
//! "SUV calculation" profile:
//!
//! SUVbw (g/ml) = activity concentration (Bq/ml, the modality value) × weight (g) / dose (Bq),
//! with the injected dose decay-corrected to the time the pixel values refer to:
//! - Decay Correction (0054,1102) START: to the scan start, the Series Date/Time (or the
//!   Acquisition Date/Time when that is earlier, as after re-processing);
//! - ADMIN: the values are already corrected to the administration time, no correction;
//! - NONE: to the image's own Acquisition Date/Time.
//!
//! The correction is dose × 2^(−Δt / half-life), Δt from the Radiopharmaceutical Start
//! DateTime (0018,1078), else the Radiopharmaceutical Start Time (0018,1072) on the series date
//! (previous day when that would be after the scan) — both in the Radiopharmaceutical
//! Information Sequence (0054,0016), C.8.9.2.

use std::fmt;

use dicom_dictionary_std::tags;
use dicom_object::InMemDicomObject;

use crate::dicom::Attributes;

const SECONDS_PER_DAY: f64 = 86_400.0;

/// How the image's values were decay corrected (Decay Correction, 0054,1102).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecayCorrection {
    Start,
    Admin,
    None,
}

/// The factor turning an activity concentration in Bq/ml into SUVbw in g/ml, with the values
/// it was computed from (shown in the panel and checked by the tests).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SuvBw {
    /// SUVbw = modality value × `factor_g_per_bq`.
    pub factor_g_per_bq: f64,
    pub weight_kg: f64,
    pub injected_dose_bq: f64,
    /// The dose at the time the pixel values refer to.
    pub decayed_dose_bq: f64,
    pub half_life_s: f64,
    /// Time from injection to the reference time, seconds (0 for ADMIN).
    pub elapsed_s: f64,
    pub decay_correction: DecayCorrection,
}

impl SuvBw {
    pub fn apply(&self, bq_per_ml: f64) -> f64 {
        bq_per_ml * self.factor_g_per_bq
    }
}

/// Why SUVbw cannot be computed for an image; names the attribute (PS3.6 keyword).
#[derive(Clone, Debug, PartialEq)]
pub enum SuvError {
    /// Units (0054,1001) is not BQML: the values are not activity concentrations.
    NotBqml { units: String },
    /// A required attribute is absent or empty.
    Missing { keyword: &'static str },
    /// An attribute has a value that cannot be used (zero weight, unknown decay correction…).
    Invalid { keyword: &'static str, value: String },
    /// The injection is after the reference time.
    InjectionAfterScan { elapsed_s: f64 },
}

impl SuvError {
    /// The attribute at fault, for the message the page words in the user's language.
    pub fn keyword(&self) -> &'static str {
        match self {
            SuvError::NotBqml { .. } => "Units",
            SuvError::Missing { keyword } | SuvError::Invalid { keyword, .. } => keyword,
            SuvError::InjectionAfterScan { .. } => "RadiopharmaceuticalStartTime",
        }
    }
}

impl fmt::Display for SuvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SuvError::NotBqml { units } => {
                write!(f, "SUV needs Units BQML; this image has Units {units:?}")
            }
            SuvError::Missing { keyword } => write!(f, "SUV cannot be computed: {keyword} is missing"),
            SuvError::Invalid { keyword, value } => {
                write!(f, "SUV cannot be computed: {keyword} has the unusable value {value:?}")
            }
            SuvError::InjectionAfterScan { elapsed_s } => {
                write!(f, "SUV cannot be computed: RadiopharmaceuticalStartTime is {:.0} s after the scan", -elapsed_s)
            }
        }
    }
}

/// Seconds since 1970-01-01 of a DICOM date (DA, "YYYYMMDD") and time (TM, "HHMMSS.FFFFFF",
/// trailing components optional; the ACR-NEMA "HH:MM:SS" form accepted).
pub fn date_time_seconds(date: &str, time: &str) -> Option<f64> {
    let date = date.trim();
    let (year, month, day) = (number(date.get(0..4)?)?, number(date.get(4..6)?)?, number(date.get(6..8)?)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some(days_from_civil(year, month, day) as f64 * SECONDS_PER_DAY + time_seconds(time)?)
}

/// Seconds since midnight of a TM value.
pub fn time_seconds(time: &str) -> Option<f64> {
    let time: String = time.trim().chars().filter(|c| *c != ':').collect();
    let (whole, fraction) = match time.split_once('.') {
        Some((whole, fraction)) => (whole, fraction),
        None => (time.as_str(), ""),
    };
    if whole.len() < 2 || whole.len() % 2 != 0 || whole.len() > 6 {
        return None;
    }
    let part = |range: std::ops::Range<usize>| whole.get(range).map(number).unwrap_or(Some(0));
    let (hours, minutes, seconds) = (part(0..2)?, part(2..4)?, part(4..6)?);
    if hours > 23 || minutes > 59 || seconds > 60 {
        return None;
    }
    let fraction = if fraction.is_empty() {
        0.0
    } else {
        format!("0.{fraction}").parse::<f64>().ok().filter(|f| f.is_finite())?
    };
    Some(f64::from(hours * 3600 + minutes * 60 + seconds) + fraction)
}

/// Seconds since 1970-01-01 of a DT value ("YYYYMMDDHHMMSS.FFFFFF&ZZXX"; the offset ignored,
/// as the other times of the image carry none).
pub fn datetime_seconds(value: &str) -> Option<f64> {
    let value = value.trim();
    let value = value.split(['+', '-']).next()?;
    let date = value.get(0..8)?;
    let time = value.get(8..).unwrap_or("");
    date_time_seconds(date, if time.is_empty() { "00" } else { time })
}

fn number(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(year: u32, month: u32, day: u32) -> i64 {
    let year = i64::from(year) - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// SUVbw of a PET image from its header (whole data set or header-only).
pub fn suv_bw(dataset: &InMemDicomObject) -> Result<SuvBw, SuvError> {
    let attrs = Attributes(dataset);
    let units = attrs.string(tags::UNITS).ok_or(SuvError::Missing { keyword: "Units" })?;
    if !units.eq_ignore_ascii_case("BQML") {
        return Err(SuvError::NotBqml { units });
    }
    let weight_kg = attrs.float(tags::PATIENT_WEIGHT).ok_or(SuvError::Missing { keyword: "PatientWeight" })?;
    if weight_kg <= 0.0 {
        return Err(SuvError::Invalid { keyword: "PatientWeight", value: weight_kg.to_string() });
    }
    let radiopharmaceutical = attrs
        .item(tags::RADIOPHARMACEUTICAL_INFORMATION_SEQUENCE)
        .ok_or(SuvError::Missing { keyword: "RadiopharmaceuticalInformationSequence" })?;
    let dose_bq = radiopharmaceutical
        .float(tags::RADIONUCLIDE_TOTAL_DOSE)
        .ok_or(SuvError::Missing { keyword: "RadionuclideTotalDose" })?;
    if dose_bq <= 0.0 {
        return Err(SuvError::Invalid { keyword: "RadionuclideTotalDose", value: dose_bq.to_string() });
    }
    let decay_text = attrs.string(tags::DECAY_CORRECTION).ok_or(SuvError::Missing { keyword: "DecayCorrection" })?;
    let decay_correction = match decay_text.to_ascii_uppercase().as_str() {
        "START" => DecayCorrection::Start,
        "ADMIN" => DecayCorrection::Admin,
        "NONE" => DecayCorrection::None,
        _ => return Err(SuvError::Invalid { keyword: "DecayCorrection", value: decay_text }),
    };
    let half_life_s = radiopharmaceutical
        .float(tags::RADIONUCLIDE_HALF_LIFE)
        .ok_or(SuvError::Missing { keyword: "RadionuclideHalfLife" })?;
    if half_life_s <= 0.0 {
        return Err(SuvError::Invalid { keyword: "RadionuclideHalfLife", value: half_life_s.to_string() });
    }
    let result = |elapsed_s: f64, decayed_dose_bq: f64| SuvBw {
        factor_g_per_bq: weight_kg * 1000.0 / decayed_dose_bq,
        weight_kg,
        injected_dose_bq: dose_bq,
        decayed_dose_bq,
        half_life_s,
        elapsed_s,
        decay_correction,
    };
    if decay_correction == DecayCorrection::Admin {
        return Ok(result(0.0, dose_bq));
    }
    let date_time = |date_tag, time_tag, time_keyword| -> Result<f64, SuvError> {
        let time = attrs.string(time_tag).ok_or(SuvError::Missing { keyword: time_keyword })?;
        let date = attrs.string(date_tag).unwrap_or_default();
        date_time_seconds(&date, &time)
            .ok_or(SuvError::Invalid { keyword: time_keyword, value: format!("{date} {time}") })
    };
    let acquisition = date_time(tags::ACQUISITION_DATE, tags::ACQUISITION_TIME, "AcquisitionTime");
    let reference_s = match decay_correction {
        DecayCorrection::Start => {
            let series = date_time(tags::SERIES_DATE, tags::SERIES_TIME, "SeriesTime")?;
            match acquisition {
                Ok(acquisition) if acquisition < series => acquisition,
                _ => series,
            }
        }
        _ => acquisition?,
    };
    let (injection_s, date_given) = match radiopharmaceutical.string(tags::RADIOPHARMACEUTICAL_START_DATE_TIME) {
        Some(value) => (
            datetime_seconds(&value).ok_or(SuvError::Invalid { keyword: "RadiopharmaceuticalStartDateTime", value })?,
            true,
        ),
        None => {
            let time = radiopharmaceutical
                .string(tags::RADIOPHARMACEUTICAL_START_TIME)
                .ok_or(SuvError::Missing { keyword: "RadiopharmaceuticalStartTime" })?;
            let date = attrs.string(tags::SERIES_DATE).or_else(|| attrs.string(tags::ACQUISITION_DATE));
            let date = date.ok_or(SuvError::Missing { keyword: "SeriesDate" })?;
            let seconds = date_time_seconds(&date, &time)
                .ok_or(SuvError::Invalid { keyword: "RadiopharmaceuticalStartTime", value: time })?;
            (seconds, false)
        }
    };
    let mut elapsed_s = reference_s - injection_s;
    if elapsed_s < 0.0 && !date_given {
        // A start time without a date later in the day than the scan: injected the day before.
        elapsed_s += SECONDS_PER_DAY;
    }
    if elapsed_s < 0.0 {
        return Err(SuvError::InjectionAfterScan { elapsed_s });
    }
    let decayed = dose_bq * (-elapsed_s / half_life_s * std::f64::consts::LN_2).exp();
    Ok(result(elapsed_s, decayed))
}

/// ROI statistics (in Bq/ml) as SUVbw: "SUVbw mean 2.31 ± 0.4, min 0.5, max 5.2" (SUV is the
/// modality value times a positive factor, so every statistic scales by it).
pub fn format_roi_suv(lang: crate::i18n::Lang, statistics: &crate::viewer::roi::RoiStatistics, suv: &SuvBw) -> String {
    use crate::viewer::fusion::format_quantity;
    let value = |v: f64| format_quantity(lang, suv.apply(v));
    crate::i18n::textf(
        lang,
        "fusion.roi.suv",
        &[
            ("mean", &value(statistics.mean)),
            ("sd", &value(statistics.standard_deviation)),
            ("min", &value(statistics.min)),
            ("max", &value(statistics.max)),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use dicom_core::header::Header;
    use dicom_core::value::{DataSetSequence, PrimitiveValue, Value};
    use dicom_core::{DataElement, Length, Tag, VR};

    fn text(tag: Tag, vr: VR, value: &str) -> DataElement<InMemDicomObject> {
        DataElement::new(tag, vr, PrimitiveValue::from(value))
    }

    fn pet(drop: Option<Tag>, decay: &str, start_time: &str) -> InMemDicomObject {
        let radiopharmaceutical = InMemDicomObject::from_element_iter(
            [
                text(tags::RADIOPHARMACEUTICAL_START_TIME, VR::TM, start_time),
                text(tags::RADIONUCLIDE_TOTAL_DOSE, VR::DS, "370000000"),
                text(tags::RADIONUCLIDE_HALF_LIFE, VR::DS, "6586.2"),
            ]
            .into_iter()
            .filter(|e| Some(e.tag()) != drop),
        );
        InMemDicomObject::from_element_iter(
            [
                text(tags::UNITS, VR::CS, "BQML"),
                text(tags::PATIENT_WEIGHT, VR::DS, "70"),
                text(tags::DECAY_CORRECTION, VR::CS, decay),
                text(tags::SERIES_DATE, VR::DA, "20240131"),
                text(tags::SERIES_TIME, VR::TM, "110000"),
                text(tags::ACQUISITION_DATE, VR::DA, "20240131"),
                text(tags::ACQUISITION_TIME, VR::TM, "111000"),
                DataElement::new(
                    tags::RADIOPHARMACEUTICAL_INFORMATION_SEQUENCE,
                    VR::SQ,
                    Value::Sequence(DataSetSequence::new(vec![radiopharmaceutical], Length::UNDEFINED)),
                ),
            ]
            .into_iter()
            .filter(|e| Some(e.tag()) != drop),
        )
    }

    #[test]
    fn start_decay_one_half_life() {
        // Injected 09:10:13.8 (6586.2 s = one half-life before 11:00): half the dose remains.
        let suv = suv_bw(&pet(None, "START", "091013.8")).unwrap();
        assert!((suv.elapsed_s - 6586.2).abs() < 1e-6, "{}", suv.elapsed_s);
        assert!((suv.decayed_dose_bq - 185_000_000.0).abs() < 1e-3);
        // 70 000 g / 185 MBq; 10 000 Bq/ml → 3.7838 g/ml.
        assert!((suv.apply(10_000.0) - 10_000.0 * 70_000.0 / 185_000_000.0).abs() < 1e-9);
    }

    #[test]
    fn admin_and_none_reference_times() {
        let admin = suv_bw(&pet(None, "ADMIN", "091013.8")).unwrap();
        assert_eq!((admin.elapsed_s, admin.decayed_dose_bq), (0.0, 370_000_000.0));
        let none = suv_bw(&pet(None, "NONE", "091013.8")).unwrap();
        assert!((none.elapsed_s - (6586.2 + 600.0)).abs() < 1e-6, "from the acquisition time");
    }

    #[test]
    fn injection_before_midnight() {
        let suv = suv_bw(&pet(None, "START", "233000")).unwrap();
        assert!((suv.elapsed_s - (11.5 * 3600.0)).abs() < 1e-6, "{}", suv.elapsed_s);
    }

    #[test]
    fn each_missing_attribute_is_named() {
        for (tag, keyword) in [
            (tags::PATIENT_WEIGHT, "PatientWeight"),
            (tags::RADIONUCLIDE_TOTAL_DOSE, "RadionuclideTotalDose"),
            (tags::RADIONUCLIDE_HALF_LIFE, "RadionuclideHalfLife"),
            (tags::RADIOPHARMACEUTICAL_START_TIME, "RadiopharmaceuticalStartTime"),
            (tags::DECAY_CORRECTION, "DecayCorrection"),
            (tags::SERIES_TIME, "SeriesTime"),
            (tags::UNITS, "Units"),
            (tags::RADIOPHARMACEUTICAL_INFORMATION_SEQUENCE, "RadiopharmaceuticalInformationSequence"),
        ] {
            let error = suv_bw(&pet(Some(tag), "START", "091013.8")).unwrap_err();
            assert_eq!(error.keyword(), keyword, "{error}");
            assert!(error.to_string().contains(keyword));
        }
        let mut counts = pet(None, "START", "091013.8");
        counts.put(text(tags::UNITS, VR::CS, "CNTS"));
        assert_eq!(suv_bw(&counts).unwrap_err(), SuvError::NotBqml { units: "CNTS".into() });
    }

    #[test]
    fn roi_statistics_in_suv() {
        let suv = suv_bw(&pet(None, "ADMIN", "091013.8")).unwrap();
        // 70 000 g / 370 MBq: 10 000 Bq/ml → 1.8919 g/ml.
        let statistics = crate::viewer::roi::RoiStatistics {
            count: 4,
            mean: 10_000.0,
            standard_deviation: 1_000.0,
            min: 5_000.0,
            max: 20_000.0,
        };
        assert_eq!(
            format_roi_suv(crate::i18n::Lang::En, &statistics, &suv),
            "SUVbw mean 1.892 ± 0.1892, min 0.9459, max 3.784"
        );
    }

    #[test]
    fn dicom_times() {
        assert_eq!(time_seconds("093200.00"), Some(9.0 * 3600.0 + 32.0 * 60.0));
        assert_eq!(time_seconds("1015"), Some(10.0 * 3600.0 + 15.0 * 60.0));
        assert_eq!(time_seconds("10:15:30"), Some(36930.0));
        assert_eq!(time_seconds("25"), None);
        assert_eq!(time_seconds("ab"), None);
        assert_eq!(date_time_seconds("19700102", "00"), Some(86_400.0));
        assert_eq!(datetime_seconds("19700102010000+0100"), Some(86_400.0 + 3600.0));
        assert_eq!(date_time_seconds("2024013", "00"), None);
    }
}
