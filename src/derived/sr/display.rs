//! Content item values as a reader sees them in the interface's language (numbers and dates
//! by CLDR rules, `crate::i18n`), and where a referenced image is among the open instances.

use super::{Measurement, SopReference, Value};
use crate::i18n::{decimal_separator, format_date, format_decimal, Lang};
use crate::study::StudyLibrary;

/// Most points listed in a coordinate value before "…".
const POINTS_LISTED: usize = 4;

/// A number with four significant digits, trailing zeros dropped: "39.37", "39,37", "10".
pub fn number_text(lang: Lang, value: f64) -> String {
    let text = format_decimal(lang, value, super::decimals_for(value));
    let separator = decimal_separator(lang);
    if text.contains(separator) {
        text.trim_end_matches('0').trim_end_matches(separator).to_string()
    } else {
        text
    }
}

/// "39.37 mm" (en) · "39,37 mm" (de); the value as written when it is not a number.
pub fn measurement_text(lang: Lang, measurement: &Measurement) -> String {
    let number = measurement.value.map(|v| number_text(lang, v)).unwrap_or_else(|| measurement.text.clone());
    let unit = measurement.unit_text();
    if unit.is_empty() {
        number
    } else {
        format!("{number} {unit}")
    }
}

/// DICOM DA "YYYYMMDD" in the language's medium date style; as written when malformed.
pub fn date_text(lang: Lang, da: &str) -> String {
    let parts = (da.get(0..4), da.get(4..6), da.get(6..8));
    if let (Some(y), Some(m), Some(d)) = parts {
        if let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i32>(), m.parse::<u32>(), d.parse::<u32>()) {
            if let Some(text) = format_date(lang, y, m, d) {
                return text;
            }
        }
    }
    da.to_string()
}

/// DICOM TM "HHMMSS.FFFFFF" as "HH:MM:SS" (or "HH:MM"); as written when malformed.
pub fn time_text(tm: &str) -> String {
    let digits: String = tm.chars().take_while(|c| c.is_ascii_digit()).collect();
    match digits.len() {
        2 => format!("{digits}:00"),
        4 => format!("{}:{}", &digits[0..2], &digits[2..4]),
        n if n >= 6 => format!("{}:{}:{}", &digits[0..2], &digits[2..4], &digits[4..6]),
        _ => tm.to_string(),
    }
}

/// A person name (PN "Family^Given^Middle^Prefix^Suffix") in reading order: "John Doe".
pub fn person_name_text(pn: &str) -> String {
    let alphabetic = pn.split('=').next().unwrap_or(pn);
    let parts: Vec<&str> = alphabetic.split('^').map(str::trim).collect();
    let get = |i: usize| parts.get(i).copied().unwrap_or("");
    [get(3), get(1), get(2), get(0), get(4)].into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" ")
}

fn point_list(lang: Lang, points: impl Iterator<Item = Vec<f64>>, count: usize) -> String {
    let mut listed: Vec<String> = points
        .take(POINTS_LISTED)
        .map(|p| {
            let coordinates: Vec<String> = p.iter().map(|v| format_decimal(lang, *v, 1)).collect();
            format!("({})", coordinates.join("; "))
        })
        .collect();
    if count > POINTS_LISTED {
        listed.push("…".to_string());
    }
    listed.join(" ")
}

/// The value of a content item as one line of text ("" for a container or an empty value).
pub fn value_text(lang: Lang, value: &Value) -> String {
    match value {
        Value::Container { .. } => String::new(),
        Value::Text(text) | Value::UidRef(text) => text.clone(),
        Value::Code(code) => code
            .as_ref()
            .map(|c| if c.meaning.is_empty() { c.value.clone() } else { c.meaning.clone() })
            .unwrap_or_default(),
        Value::Num { measurement, .. } => measurement.as_ref().map(|m| measurement_text(lang, m)).unwrap_or_default(),
        Value::Date(da) => date_text(lang, da),
        Value::Time(tm) => time_text(tm),
        Value::DateTime(dt) => {
            let time = dt.get(8..).map(time_text).unwrap_or_default();
            format!("{} {time}", date_text(lang, dt.get(0..8).unwrap_or(dt))).trim().to_string()
        }
        Value::PersonName(pn) => person_name_text(pn),
        Value::Image(reference) | Value::Composite(reference) | Value::Waveform { reference, .. } => {
            reference.sop_instance_uid.clone()
        }
        Value::Scoord { graphic_type, points } => {
            format!(
                "{} {}",
                graphic_type.term(),
                point_list(lang, points.iter().map(|(x, y)| vec![*x, *y]), points.len())
            )
        }
        Value::Scoord3d { graphic_type, points, .. } => {
            format!("{} {}", graphic_type.term(), point_list(lang, points.iter().map(|p| p.to_vec()), points.len()))
        }
        Value::Tcoord { range_type, sample_positions, time_offsets_s, date_times } => {
            let mut values: Vec<String> = sample_positions.iter().map(u32::to_string).collect();
            values.extend(time_offsets_s.iter().map(|s| format!("{} s", number_text(lang, *s))));
            values.extend(date_times.iter().cloned());
            format!("{range_type} {}", values.join(", ")).trim().to_string()
        }
        Value::Reference(position) => {
            format!("→ {}", position.iter().map(u32::to_string).collect::<Vec<_>>().join("."))
        }
        Value::Other(name) => name.clone(),
    }
}

/// Where a referenced image is on show: the display set's key and the index of its frame
/// (Referenced Frame Number counts from 1; none listed = the first frame). None when the
/// instance is not open.
pub fn locate(library: &StudyLibrary, reference: &SopReference) -> Option<(String, u32)> {
    let meta = library.instances().iter().find(|m| m.sop_instance_uid == reference.sop_instance_uid)?;
    let set = library.display_set_of(meta.source)?;
    let frame = reference.frames.first().map_or(0, |n| n.saturating_sub(1));
    let index = set.frames.iter().position(|f| f.source == meta.source && f.frame == frame)?;
    Some((set.key, u32::try_from(index).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derived::sr::Code;

    #[test]
    fn values_follow_the_language() {
        let m = Measurement {
            text: "39.3664929116140".into(),
            value: Some(39.366_492_911_614),
            unit: Some(Code {
                value: "mm".into(),
                scheme: "UCUM".into(),
                scheme_version: None,
                meaning: "millimeter".into(),
            }),
        };
        assert_eq!(measurement_text(Lang::En, &m), "39.37 mm");
        assert_eq!(measurement_text(Lang::De, &m), "39,37 mm");
        assert_eq!(number_text(Lang::De, 10.0), "10");
        assert_eq!(number_text(Lang::En, 4806.4232), "4,806");
        assert_eq!(date_text(Lang::De, "19860311"), "11.03.1986");
        assert_eq!(date_text(Lang::En, "1986"), "1986");
        assert_eq!(time_text("114243.273000"), "11:42:43");
        assert_eq!(time_text("1142"), "11:42");
        assert_eq!(person_name_text("Doe^John"), "John Doe");
        assert_eq!(person_name_text("unknown^unknown"), "unknown unknown");
        let line = Value::Scoord {
            graphic_type: crate::derived::sr::GraphicType::Polyline,
            points: vec![(1.0, 2.0), (3.5, 4.0), (5.0, 6.0), (7.0, 8.0), (9.0, 10.0)],
        };
        assert_eq!(value_text(Lang::De, &line), "POLYLINE (1,0; 2,0) (3,5; 4,0) (5,0; 6,0) (7,0; 8,0) …");
        assert_eq!(value_text(Lang::En, &Value::Reference(vec![1, 2, 3])), "→ 1.2.3");
    }
}
