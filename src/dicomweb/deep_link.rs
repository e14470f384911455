//! OHIF-compatible deep links: `?datasource=…&StudyInstanceUIDs=…&SeriesInstanceUIDs=…`
//! (https://docs.ohif.org/configuration/url). As in OHIF's `getSplitParam` (@ohif/core utils),
//! parameter names match case-insensitively and values may be repeated and/or comma-separated;
//! OHIF's own documentation also uses the singular `SeriesInstanceUID`, so singular names are
//! accepted too. Parameters this viewer does not own are kept in order.
//!
//! Secrets never live in URLs: parameters named like credentials (apikey, token, access_token, …)
//! are dropped on parse, so they are never stored, shown or written back.

use super::uri::{is_secret_param_name, is_valid_uid, percent_decode, percent_encode};

/// The parameters of a viewer URL.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeepLink {
    /// Name of the data source (`datasource`, or OHIF's worklist `dataSources`).
    pub datasource: Option<String>,
    /// Studies to open, in order, without duplicates.
    pub study_uids: Vec<String>,
    /// Series to show first, in order, without duplicates.
    pub series_uids: Vec<String>,
    /// Parameters we do not own, decoded, in their original order.
    pub other: Vec<(String, String)>,
}

enum Owned {
    Datasource,
    Studies,
    Series,
}

fn owned(name: &str) -> Option<Owned> {
    match name.to_ascii_lowercase().as_str() {
        "datasource" | "datasources" => Some(Owned::Datasource),
        "studyinstanceuids" | "studyinstanceuid" => Some(Owned::Studies),
        "seriesinstanceuids" | "seriesinstanceuid" => Some(Owned::Series),
        _ => None,
    }
}

/// Parses `location.search` (`?a=b&…` or `a=b&…`). Invalid UIDs and secret-carrying parameters
/// are dropped; an empty `datasource` counts as absent.
pub fn parse_query(search: &str) -> DeepLink {
    let search = search.strip_prefix('?').unwrap_or(search);
    let search = search.split('#').next().unwrap_or_default();
    let mut link = DeepLink::default();
    for pair in search.split('&').filter(|pair| !pair.is_empty()) {
        let (raw_name, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
        let (name, value) = (percent_decode(raw_name), percent_decode(raw_value));
        if name.is_empty() || is_secret_param_name(&name) {
            continue;
        }
        match owned(&name) {
            Some(Owned::Datasource) => {
                let value = value.trim();
                if !value.is_empty() {
                    link.datasource = Some(value.to_string());
                }
            }
            Some(Owned::Studies) => push_uids(&mut link.study_uids, &value),
            Some(Owned::Series) => push_uids(&mut link.series_uids, &value),
            None => link.other.push((name, value)),
        }
    }
    link
}

fn push_uids(uids: &mut Vec<String>, value: &str) {
    for uid in value.split(',').map(str::trim) {
        if is_valid_uid(uid) && !uids.iter().any(|known| known == uid) {
            uids.push(uid.to_string());
        }
    }
}

/// `?…` with the other parameters first, then `datasource`, `StudyInstanceUIDs` and
/// `SeriesInstanceUIDs` (comma-joined); `""` when there is nothing to say.
pub fn to_query(link: &DeepLink) -> String {
    let mut parts: Vec<String> = link
        .other
        .iter()
        .filter(|(name, _)| !name.is_empty() && !is_secret_param_name(name) && owned(name).is_none())
        .map(|(name, value)| format!("{}={}", percent_encode(name), percent_encode(value)))
        .collect();
    if let Some(datasource) = link.datasource.as_deref().filter(|name| !name.is_empty()) {
        parts.push(format!("datasource={}", percent_encode(datasource)));
    }
    for (name, uids) in [("StudyInstanceUIDs", &link.study_uids), ("SeriesInstanceUIDs", &link.series_uids)] {
        let valid: Vec<&str> = uids.iter().map(String::as_str).filter(|uid| is_valid_uid(uid)).collect();
        if !valid.is_empty() {
            parts.push(format!("{name}={}", valid.join(",")));
        }
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}
