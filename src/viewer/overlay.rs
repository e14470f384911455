//! The four corner texts of a viewport, from plain facts about the image and view. Empty or
//! missing facts are left out rather than shown as blanks.

use super::format::format_value_in;
use crate::i18n::{self, textf, Lang};

/// What the corners can show; strings are the attribute values as found in the file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OverlayFacts {
    /// Patient's Name (0010,0010), a PN value such as "Doe^John^^^".
    pub patient_name: Option<String>,
    pub patient_id: Option<String>,
    /// DA values, YYYYMMDD.
    pub patient_birth_date: Option<String>,
    pub patient_sex: Option<String>,
    pub study_date: Option<String>,
    pub study_description: Option<String>,
    pub series_number: Option<i64>,
    pub series_description: Option<String>,
    pub modality: Option<String>,
    /// Position of the shown image or frame in its stack, from 0.
    pub instance_index: Option<u32>,
    pub instance_count: Option<u32>,
    /// mm.
    pub slice_location: Option<f64>,
    /// mm.
    pub slice_thickness: Option<f64>,
    /// (center, width).
    pub window: Option<(f64, f64)>,
    pub zoom_percent: Option<f64>,
    pub rows: Option<u32>,
    pub columns: Option<u32>,
}

/// Lines for each corner, top to bottom.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OverlayTexts {
    pub top_left: Vec<String>,
    pub top_right: Vec<String>,
    pub bottom_left: Vec<String>,
    pub bottom_right: Vec<String>,
}

/// A PN value (PS3.5 6.2) for reading: the first non-empty component group, as
/// "Family, Prefix Given Middle, Suffix" without the empty parts ("Doe^John^^^" → "Doe, John").
pub fn format_person_name(value: &str) -> String {
    let group = value.split('=').map(str::trim).find(|group| !group.trim_matches('^').is_empty()).unwrap_or("");
    let mut components = group.split('^').map(str::trim);
    let mut next = || components.next().unwrap_or("");
    let (family, given, middle, prefix, suffix) = (next(), next(), next(), next(), next());
    let join = |parts: &[&str], separator: &str| {
        parts.iter().filter(|part| !part.is_empty()).copied().collect::<Vec<_>>().join(separator)
    };
    let given = join(&[prefix, given, middle], " ");
    join(&[family, &given, suffix], ", ")
}

/// A DA value (YYYYMMDD, the old YYYY.MM.DD) or an ISO date (YYYY-MM-DD, as FHIR writes it) in
/// `lang`'s medium date style ("Jan 31, 2024", "31.01.2024", "31 ene 2024", "2024年1月31日");
/// anything else as it is.
pub fn format_date_in(lang: Lang, value: &str) -> String {
    let value = value.trim();
    let bytes = value.as_bytes();
    let number = |range: std::ops::Range<usize>| {
        bytes.get(range.clone()).filter(|part| part.iter().all(u8::is_ascii_digit))?;
        value.get(range)?.parse::<u32>().ok()
    };
    let parts = match bytes.len() {
        8 => (number(0..4), number(4..6), number(6..8)),
        10 if bytes.get(4) == bytes.get(7) && matches!(bytes.get(4), Some(b'.' | b'-')) => {
            (number(0..4), number(5..7), number(8..10))
        }
        _ => (None, None, None),
    };
    match parts {
        (Some(year), Some(month), Some(day)) => i32::try_from(year)
            .ok()
            .and_then(|year| i18n::format_date(lang, year, month, day))
            .unwrap_or_else(|| value.to_string()),
        _ => value.to_string(),
    }
}

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|text| !text.is_empty())
}

/// Builds the corner texts: patient top-left, study and series top-right, position in the stack
/// and slice bottom-left, window and zoom bottom-right; labels, numbers and dates in `lang`.
pub fn overlay_texts(lang: Lang, facts: &OverlayFacts) -> OverlayTexts {
    let mut texts = OverlayTexts::default();
    let name = present(&facts.patient_name).map(format_person_name).filter(|name| !name.is_empty());
    texts.top_left.extend(name);
    texts.top_left.extend(present(&facts.patient_id).map(|id| textf(lang, "common.overlay.id", &[("id", id)])));
    let birth_and_sex: Vec<String> = [
        present(&facts.patient_birth_date).map(|d| format_date_in(lang, d)),
        present(&facts.patient_sex).map(str::to_string),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !birth_and_sex.is_empty() {
        texts.top_left.push(birth_and_sex.join(" "));
    }

    texts.top_right.extend(present(&facts.study_description).map(str::to_string));
    texts.top_right.extend(present(&facts.study_date).map(|d| format_date_in(lang, d)));
    texts.top_right.extend(present(&facts.modality).map(str::to_string));
    let series = match (facts.series_number, present(&facts.series_description)) {
        (Some(number), Some(description)) => {
            Some(textf(lang, "common.overlay.series", &[("number", &number.to_string()), ("description", description)]))
        }
        (Some(number), None) => Some(textf(lang, "common.overlay.series_number", &[("number", &number.to_string())])),
        (None, description) => description.map(str::to_string),
    };
    texts.top_right.extend(series);

    let image = facts.instance_index.map(|index| u64::from(index) + 1).map(|number| match facts.instance_count {
        Some(count) if count > 0 => {
            textf(lang, "common.overlay.image", &[("number", &number.to_string()), ("count", &count.to_string())])
        }
        _ => textf(lang, "common.overlay.image_number", &[("number", &number.to_string())]),
    });
    texts.bottom_left.extend(image);
    let millimetres = |value: Option<f64>, key: &'static str| {
        value.filter(|v| v.is_finite()).map(|v| textf(lang, key, &[("value", &i18n::format_decimal(lang, v, 2))]))
    };
    texts.bottom_left.extend(millimetres(facts.slice_location, "common.overlay.location"));
    texts.bottom_left.extend(millimetres(facts.slice_thickness, "common.overlay.thickness"));
    if let (Some(columns), Some(rows)) = (facts.columns, facts.rows) {
        texts.bottom_left.push(format!("{columns} × {rows}"));
    }

    let window = facts.window.map(|(center, width)| {
        textf(
            lang,
            "common.overlay.window",
            &[("width", &format_value_in(lang, width)), ("center", &format_value_in(lang, center))],
        )
    });
    texts.bottom_right.extend(window);
    texts.bottom_right.extend(
        facts
            .zoom_percent
            .filter(|zoom| zoom.is_finite())
            .map(|zoom| textf(lang, "common.overlay.zoom", &[("percent", &i18n::format_decimal(lang, zoom, 0))])),
    );
    texts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn person_names() {
        assert_eq!(format_person_name("Doe^John^^^"), "Doe, John");
        assert_eq!(format_person_name("Doe^John^Quincy^Dr^Jr"), "Doe, Dr John Quincy, Jr");
        assert_eq!(format_person_name("Doe"), "Doe");
        assert_eq!(format_person_name("^John"), "John");
        assert_eq!(format_person_name("^^^^=Yamada^Tarou"), "Yamada, Tarou");
        assert_eq!(format_person_name(""), "");
    }

    #[test]
    fn full_overlay() {
        let facts = OverlayFacts {
            patient_name: Some("Doe^John^^^".into()),
            patient_id: Some("12345".into()),
            patient_birth_date: Some("19700101".into()),
            patient_sex: Some("M".into()),
            study_date: Some("20240131".into()),
            study_description: Some("CT CHEST".into()),
            series_number: Some(3),
            series_description: Some("AXIAL 5mm".into()),
            modality: Some("CT".into()),
            instance_index: Some(11),
            instance_count: Some(128),
            slice_location: Some(12.5),
            slice_thickness: Some(5.0),
            window: Some((40.0, 400.0)),
            zoom_percent: Some(150.0),
            rows: Some(512),
            columns: Some(512),
        };
        let texts = overlay_texts(Lang::En, &facts);
        assert_eq!(texts.top_left, ["Doe, John", "ID 12345", "Jan 1, 1970 M"]);
        assert_eq!(texts.top_right, ["CT CHEST", "Jan 31, 2024", "CT", "Se 3: AXIAL 5mm"]);
        assert_eq!(texts.bottom_left, ["Im 12/128", "Loc 12.50 mm", "Thk 5.00 mm", "512 × 512"]);
        assert_eq!(texts.bottom_right, ["W 400 L 40", "Zoom 150%"]);
    }

    #[test]
    fn the_corners_follow_the_language() {
        let facts = OverlayFacts {
            patient_id: Some("12345".into()),
            study_date: Some("20240131".into()),
            series_number: Some(3),
            instance_index: Some(11),
            instance_count: Some(128),
            slice_location: Some(-12.5),
            slice_thickness: Some(1.25),
            window: Some((40.5, 400.0)),
            zoom_percent: Some(150.0),
            ..Default::default()
        };
        let german = overlay_texts(Lang::De, &facts);
        assert_eq!(german.top_right, ["31.01.2024", "Serie 3"]);
        assert_eq!(german.bottom_left, ["Bild 12/128", "Pos. -12,50 mm", "SD 1,25 mm"]);
        assert_eq!(german.bottom_right, ["B 400 Z 40,5", "Zoom 150 %"]);
        let spanish = overlay_texts(Lang::Es, &facts);
        assert_eq!(spanish.top_right, ["31 ene 2024", "Serie 3"]);
        assert_eq!(spanish.bottom_left[1], "Pos. -12,50 mm");
        let chinese = overlay_texts(Lang::Zh, &facts);
        assert_eq!(chinese.top_right, ["2024年1月31日", "序列 3"]);
        assert_eq!(chinese.bottom_left, ["图像 12/128", "位置 -12.50 mm", "层厚 1.25 mm"]);
        assert_eq!(chinese.bottom_right, ["窗宽 400 窗位 40.5", "缩放 150%"]);
    }

    #[test]
    fn dates_in_each_language() {
        assert_eq!(format_date_in(Lang::De, "20240131"), "31.01.2024");
        assert_eq!(format_date_in(Lang::En, "1999.12.31 "), "Dec 31, 1999");
        assert_eq!(format_date_in(Lang::Es, "2020-03-05"), "5 mar 2020");
        assert_eq!(format_date_in(Lang::Zh, "20241305"), "20241305");
        assert_eq!(format_date_in(Lang::De, "2024013x"), "2024013x");
        assert_eq!(format_date_in(Lang::De, "2024-01.31"), "2024-01.31");
    }

    #[test]
    fn empty_fields_are_left_out() {
        let facts = OverlayFacts {
            patient_name: Some("  ".into()),
            patient_sex: Some("F".into()),
            series_description: Some("Scout".into()),
            instance_index: Some(0),
            slice_location: Some(f64::NAN),
            rows: Some(10),
            ..Default::default()
        };
        let texts = overlay_texts(Lang::En, &facts);
        assert_eq!(texts.top_left, ["F"]);
        assert_eq!(texts.top_right, ["Scout"]);
        assert_eq!(texts.bottom_left, ["Im 1"]);
        assert!(texts.bottom_right.is_empty());
        assert_eq!(overlay_texts(Lang::De, &OverlayFacts::default()), OverlayTexts::default());
    }
}
