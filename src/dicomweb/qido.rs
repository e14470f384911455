//! QIDO-RS search URLs (PS3.18 10.6): the study list, the series of one study, and the lookup of
//! one study by UID for deep links. Matching follows PS3.18 8.3.4: attribute keywords as query
//! keys, wildcard matching (PS3.4 C.2.2.2.4) only where the server supports it, range matching
//! for StudyDate, `fuzzymatching`, `includefield`, `limit` and `offset`.

use std::cmp::Ordering;

use super::source::DataSource;
use super::uri::{checked_uid, query_value_encode, QueryError};

/// Study attributes asked for beyond the PS3.18 Table 10.6.3-3 defaults: StudyDescription,
/// Modality, ModalitiesInStudy, NumberOfStudyRelatedSeries, NumberOfStudyRelatedInstances,
/// AccessionNumber, PatientID.
pub const STUDY_INCLUDE_FIELDS: &str = "00081030,00080060,00080061,00201206,00201208,00080050,00100020";

/// Series attributes asked for: SeriesDescription, SeriesNumber, NumberOfSeriesRelatedInstances,
/// Modality.
pub const SERIES_INCLUDE_FIELDS: &str = "0008103E,00200011,00201209,00080060";

/// The study-list filters as typed by the user; empty strings mean "no filter".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StudyQuery {
    pub patient_name: String,
    pub patient_id: String,
    pub accession_number: String,
    /// YYYYMMDD or empty (open start).
    pub study_date_from: String,
    /// YYYYMMDD or empty (open end).
    pub study_date_to: String,
    pub modality: String,
    pub description: String,
    pub limit: u32,
    pub offset: u32,
}

/// `{qidoRoot}/studies?...` for the study list.
pub fn study_search_url(source: &DataSource, query: &StudyQuery) -> Result<String, QueryError> {
    let flags = &source.flags;
    let mut parameters: Vec<(&str, String)> = Vec::new();
    let name = wildcard_text(&query.patient_name, flags.supports_wildcard);
    if !name.is_empty() {
        parameters.push(("PatientName", query_value_encode(&name)));
    }
    push_exact(&mut parameters, "PatientID", &query.patient_id);
    push_exact(&mut parameters, "AccessionNumber", &query.accession_number);
    if let Some(range) = date_range(&query.study_date_from, &query.study_date_to)? {
        parameters.push(("StudyDate", range));
    }
    push_exact(&mut parameters, "ModalitiesInStudy", &query.modality.trim().to_ascii_uppercase());
    let description = wildcard_text(&query.description, flags.supports_wildcard);
    if !description.is_empty() {
        parameters.push(("StudyDescription", query_value_encode(&description)));
    }
    if flags.supports_fuzzy_matching && !name.is_empty() {
        parameters.push(("fuzzymatching", "true".to_string()));
    }
    if flags.qido_supports_include_field {
        parameters.push(("includefield", STUDY_INCLUDE_FIELDS.to_string()));
    }
    parameters.push(("limit", query.limit.to_string()));
    parameters.push(("offset", query.offset.to_string()));
    Ok(with_parameters(format!("{}/studies", source.qido_root), &parameters))
}

/// `{qidoRoot}/studies/{uid}/series` (with `includefield` when supported).
pub fn series_search_url(source: &DataSource, study_uid: &str) -> Result<String, QueryError> {
    let base = format!("{}/studies/{}/series", source.qido_root, checked_uid(study_uid)?);
    let mut parameters = Vec::new();
    if source.flags.qido_supports_include_field {
        parameters.push(("includefield", SERIES_INCLUDE_FIELDS.to_string()));
    }
    Ok(with_parameters(base, &parameters))
}

/// `{qidoRoot}/studies/{study}/series/{series}/instances` (PS3.18 10.6.1.2): the instances
/// of a series with their Instance Numbers (00200013 is in the default return keys).
pub fn instances_search_url(source: &DataSource, study_uid: &str, series_uid: &str) -> Result<String, QueryError> {
    Ok(format!(
        "{}/studies/{}/series/{}/instances",
        source.qido_root,
        checked_uid(study_uid)?,
        checked_uid(series_uid)?
    ))
}

/// `{qidoRoot}/studies?StudyInstanceUID={uid}`: one study's list row, for deep links.
pub fn study_lookup_url(source: &DataSource, study_uid: &str) -> Result<String, QueryError> {
    let mut parameters = vec![("StudyInstanceUID", checked_uid(study_uid)?.to_string())];
    if source.flags.qido_supports_include_field {
        parameters.push(("includefield", STUDY_INCLUDE_FIELDS.to_string()));
    }
    Ok(with_parameters(format!("{}/studies", source.qido_root), &parameters))
}

/// Orders study-list cell texts: empty cells last, then case-insensitively, with runs of digits
/// compared by value (so "9" < "10" for counts) and DICOM PN `^` read as a space.
pub fn compare_text_for_sort(left: &str, right: &str) -> Ordering {
    match (left.trim().is_empty(), right.trim().is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        (false, false) => {}
    }
    let normalise = |text: &str| text.trim().replace('^', " ").to_lowercase();
    let (left, right) = (normalise(left), normalise(right));
    let (mut left_chars, mut right_chars) = (left.chars().peekable(), right.chars().peekable());
    loop {
        match (left_chars.peek().copied(), right_chars.peek().copied()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(a), Some(b)) if a.is_ascii_digit() && b.is_ascii_digit() => {
                let take_digits = |chars: &mut std::iter::Peekable<std::str::Chars>| {
                    let mut digits = String::new();
                    while let Some(digit) = chars.next_if(char::is_ascii_digit) {
                        digits.push(digit);
                    }
                    digits.trim_start_matches('0').to_string()
                };
                let (a_digits, b_digits) = (take_digits(&mut left_chars), take_digits(&mut right_chars));
                let order = a_digits.len().cmp(&b_digits.len()).then_with(|| a_digits.cmp(&b_digits));
                if order != Ordering::Equal {
                    return order;
                }
            }
            (Some(a), Some(b)) => {
                if a != b {
                    return a.cmp(&b);
                }
                left_chars.next();
                right_chars.next();
            }
        }
    }
}

/// With wildcard support, a value without `*`/`?` becomes a prefix match (`value*`), as OHIF's
/// worklist does; without it, `*` and `?` are removed so the server sees a plain value.
fn wildcard_text(value: &str, supports_wildcard: bool) -> String {
    let value = value.trim();
    if value.is_empty() {
        String::new()
    } else if !supports_wildcard {
        value.chars().filter(|character| !matches!(character, '*' | '?')).collect::<String>().trim().to_string()
    } else if value.contains(['*', '?']) {
        value.to_string()
    } else {
        format!("{value}*")
    }
}

fn push_exact(parameters: &mut Vec<(&str, String)>, key: &'static str, value: &str) {
    let value = value.trim();
    if !value.is_empty() {
        parameters.push((key, query_value_encode(value)));
    }
}

/// PS3.4 C.2.2.2.5 range matching: `from-to`, `from-` or `-to`.
fn date_range(from: &str, to: &str) -> Result<Option<String>, QueryError> {
    let (from, to) = (from.trim(), to.trim());
    for (which, value) in [("start", from), ("end", to)] {
        let is_date = value.len() == 8 && value.bytes().all(|byte| byte.is_ascii_digit());
        if !value.is_empty() && !is_date {
            return Err(QueryError::InvalidDate { which, value: value.to_string() });
        }
    }
    if !from.is_empty() && !to.is_empty() && from > to {
        return Err(QueryError::DateRangeReversed { from: from.to_string(), to: to.to_string() });
    }
    Ok(if from.is_empty() && to.is_empty() { None } else { Some(format!("{from}-{to}")) })
}

fn with_parameters(base: String, parameters: &[(&str, String)]) -> String {
    let query: Vec<String> = parameters.iter().map(|(key, value)| format!("{key}={value}")).collect();
    if query.is_empty() {
        base
    } else {
        format!("{base}?{}", query.join("&"))
    }
}
