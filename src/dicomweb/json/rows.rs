//! QIDO-RS results (PS3.18 §10.6.3, returned attributes of Tables 10.6.3-3/-4/-5) as the rows
//! a study list shows. Each result is a DICOM JSON object (Annex F.2); only the listed
//! attributes are read, each leniently (a malformed value reads as empty), so that one odd
//! attribute does not hide a study. Results without their Study/Series/SOP Instance UID are
//! skipped: they cannot be opened.

use serde_json::{Map, Value};

use super::{kind, parse_array, ResponseError};

/// One study-level result.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StudyRow {
    pub study_uid: String,
    /// Patient's Name (0010,0010), the Alphabetic component group as sent (PS3.5 6.2.1).
    pub patient_name: String,
    pub patient_id: String,
    pub patient_birth_date: String,
    pub study_date: String,
    pub study_time: String,
    pub accession_number: String,
    /// Modalities in Study (0008,0061).
    pub modalities: Vec<String>,
    pub description: String,
    /// Number of Study Related Series (0020,1206).
    pub series_count: Option<u32>,
    /// Number of Study Related Instances (0020,1208).
    pub instance_count: Option<u32>,
}

/// One series-level result.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SeriesRow {
    pub study_uid: String,
    pub series_uid: String,
    pub modality: String,
    pub description: String,
    pub series_number: Option<i32>,
    /// Number of Series Related Instances (0020,1209).
    pub instance_count: Option<u32>,
    pub body_part: String,
}

/// One instance-level result.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InstanceRow {
    pub sop_instance_uid: String,
    pub instance_number: Option<i32>,
}

/// Study rows of a QIDO-RS /studies response.
pub fn parse_study_rows(body: &[u8]) -> Result<Vec<StudyRow>, ResponseError> {
    rows(body, |result| {
        Some(StudyRow {
            study_uid: first(result, "0020000D").filter(|uid| !uid.is_empty())?,
            patient_name: first(result, "00100010").unwrap_or_default(),
            patient_id: first(result, "00100020").unwrap_or_default(),
            patient_birth_date: first(result, "00100030").unwrap_or_default(),
            study_date: first(result, "00080020").unwrap_or_default(),
            study_time: first(result, "00080030").unwrap_or_default(),
            accession_number: first(result, "00080050").unwrap_or_default(),
            modalities: all(result, "00080061"),
            description: first(result, "00081030").unwrap_or_default(),
            series_count: number(result, "00201206"),
            instance_count: number(result, "00201208"),
        })
    })
}

/// Series rows of a QIDO-RS /studies/{uid}/series (or /series) response.
pub fn parse_series_rows(body: &[u8]) -> Result<Vec<SeriesRow>, ResponseError> {
    rows(body, |result| {
        Some(SeriesRow {
            study_uid: first(result, "0020000D").unwrap_or_default(),
            series_uid: first(result, "0020000E").filter(|uid| !uid.is_empty())?,
            modality: first(result, "00080060").unwrap_or_default(),
            description: first(result, "0008103E").unwrap_or_default(),
            series_number: number(result, "00200011"),
            instance_count: number(result, "00201209"),
            body_part: first(result, "00180015").unwrap_or_default(),
        })
    })
}

/// Instance rows of a QIDO-RS .../instances response.
pub fn parse_instance_rows(body: &[u8]) -> Result<Vec<InstanceRow>, ResponseError> {
    rows(body, |result| {
        Some(InstanceRow {
            sop_instance_uid: first(result, "00080018").filter(|uid| !uid.is_empty())?,
            instance_number: number(result, "00200013"),
        })
    })
}

fn rows<T>(body: &[u8], row: impl Fn(&Map<String, Value>) -> Option<T>) -> Result<Vec<T>, ResponseError> {
    let mut out = Vec::new();
    for (index, result) in parse_array(body)?.iter().enumerate() {
        let Value::Object(result) = result else {
            return Err(ResponseError::Model(format!("result {index} is {}, not an object", kind(result))));
        };
        out.extend(row(result));
    }
    Ok(out)
}

/// The "Value" array of an attribute, if any.
fn values<'a>(result: &'a Map<String, Value>, key: &str) -> &'a [Value] {
    match result.get(key).or_else(|| result.get(&key.to_ascii_lowercase())).and_then(|a| a.get("Value")) {
        Some(Value::Array(values)) => values,
        _ => &[],
    }
}

/// One value as text: strings trimmed, numbers printed, PN objects' Alphabetic group.
fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.trim().to_string()),
        Value::Number(number) => Some(number.to_string()),
        Value::Object(name) => Some(name.get("Alphabetic")?.as_str()?.trim().to_string()),
        _ => None,
    }
}

fn first(result: &Map<String, Value>, key: &str) -> Option<String> {
    values(result, key).first().and_then(as_text)
}

fn all(result: &Map<String, Value>, key: &str) -> Vec<String> {
    values(result, key).iter().filter_map(as_text).filter(|text| !text.is_empty()).collect()
}

/// An integer value given as a JSON number or, as IS sometimes arrives, a string.
fn number<T: TryFrom<i64>>(result: &Map<String, Value>, key: &str) -> Option<T> {
    let value = values(result, key).first()?;
    let wide = match value {
        Value::Number(number) => number.as_i64(),
        Value::String(text) => text.trim().parse::<i64>().ok(),
        _ => None,
    }?;
    T::try_from(wide).ok()
}
