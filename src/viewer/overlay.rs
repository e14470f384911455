//! The four corner texts of a viewport, from plain facts about the image and view. Empty or
//! missing facts are left out rather than shown as blanks.

use super::format::format_value;

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

/// A DA value as YYYY-MM-DD; the old "YYYY.MM.DD" form too; anything else as it is.
pub fn format_date(value: &str) -> String {
    let value = value.trim();
    let bytes = value.as_bytes();
    let digits =
        |range: std::ops::Range<usize>| bytes.get(range).is_some_and(|part| part.iter().all(u8::is_ascii_digit));
    let plain = bytes.len() == 8 && digits(0..8);
    let dotted =
        bytes.len() == 10 && digits(0..4) && digits(5..7) && digits(8..10) && bytes[4] == b'.' && bytes[7] == b'.';
    match (plain, dotted) {
        (true, _) => format!("{}-{}-{}", &value[0..4], &value[4..6], &value[6..8]),
        (_, true) => value.replace('.', "-"),
        _ => value.to_string(),
    }
}

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|text| !text.is_empty())
}

/// Builds the corner texts: patient top-left, study and series top-right, position in the stack
/// and slice bottom-left, window and zoom bottom-right.
pub fn overlay_texts(facts: &OverlayFacts) -> OverlayTexts {
    let mut texts = OverlayTexts::default();
    let name = present(&facts.patient_name).map(format_person_name).filter(|name| !name.is_empty());
    texts.top_left.extend(name);
    texts.top_left.extend(present(&facts.patient_id).map(|id| format!("ID {id}")));
    let birth_and_sex: Vec<String> =
        [present(&facts.patient_birth_date).map(format_date), present(&facts.patient_sex).map(str::to_string)]
            .into_iter()
            .flatten()
            .collect();
    if !birth_and_sex.is_empty() {
        texts.top_left.push(birth_and_sex.join(" "));
    }

    texts.top_right.extend(present(&facts.study_description).map(str::to_string));
    texts.top_right.extend(present(&facts.study_date).map(format_date));
    texts.top_right.extend(present(&facts.modality).map(str::to_string));
    let series = match (facts.series_number, present(&facts.series_description)) {
        (Some(number), Some(description)) => Some(format!("Se {number}: {description}")),
        (Some(number), None) => Some(format!("Se {number}")),
        (None, description) => description.map(str::to_string),
    };
    texts.top_right.extend(series);

    let image = facts.instance_index.map(|index| u64::from(index) + 1).map(|number| match facts.instance_count {
        Some(count) if count > 0 => format!("Im {number}/{count}"),
        _ => format!("Im {number}"),
    });
    texts.bottom_left.extend(image);
    let millimetres =
        |value: Option<f64>, label: &str| value.filter(|v| v.is_finite()).map(|v| format!("{label} {v:.2} mm"));
    texts.bottom_left.extend(millimetres(facts.slice_location, "Loc"));
    texts.bottom_left.extend(millimetres(facts.slice_thickness, "Thk"));
    if let (Some(columns), Some(rows)) = (facts.columns, facts.rows) {
        texts.bottom_left.push(format!("{columns} × {rows}"));
    }

    let window = facts.window.map(|(center, width)| format!("W {} L {}", format_value(width), format_value(center)));
    texts.bottom_right.extend(window);
    texts
        .bottom_right
        .extend(facts.zoom_percent.filter(|zoom| zoom.is_finite()).map(|zoom| format!("Zoom {zoom:.0}%")));
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
    fn dates() {
        assert_eq!(format_date("20240131"), "2024-01-31");
        assert_eq!(format_date("1999.12.31 "), "1999-12-31");
        assert_eq!(format_date("2024013"), "2024013");
        assert_eq!(format_date("2024013x"), "2024013x");
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
        let texts = overlay_texts(&facts);
        assert_eq!(texts.top_left, ["Doe, John", "ID 12345", "1970-01-01 M"]);
        assert_eq!(texts.top_right, ["CT CHEST", "2024-01-31", "CT", "Se 3: AXIAL 5mm"]);
        assert_eq!(texts.bottom_left, ["Im 12/128", "Loc 12.50 mm", "Thk 5.00 mm", "512 × 512"]);
        assert_eq!(texts.bottom_right, ["W 400 L 40", "Zoom 150%"]);
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
        let texts = overlay_texts(&facts);
        assert_eq!(texts.top_left, ["F"]);
        assert_eq!(texts.top_right, ["Scout"]);
        assert_eq!(texts.bottom_left, ["Im 1"]);
        assert!(texts.bottom_right.is_empty());
        assert_eq!(overlay_texts(&OverlayFacts::default()), OverlayTexts::default());
    }
}
