//! The public datasets of the start page and the archive endpoints behind them, from the
//! `datasets` and `archives` keys of `public/config.json` (beside OHIF's `dataSources`, which
//! hold the DICOMweb servers). Each dataset names what it holds, what it needs, and which
//! source a "Browse" button opens:
//!
//! ```json
//! "archives": {
//!   "fhir": [{ "name": "siim-fhir", "friendlyName": "…", "fhirRoot": "https://…/fhir-r4", "dicomwebSource": "siim-hackathon", "pageSize": 20 }],
//!   "nbia": [{ "name": "tcia", "friendlyName": "…", "nbiaRoot": "https://…/nbia-api/services/v4" }],
//!   "isic": [{ "name": "isic", "friendlyName": "…", "apiRoot": "https://api.isic-archive.com/api/v2" }]
//! },
//! "datasets": [{ "title": "…", "holds": "…", "needs": "…", "kind": "fhir", "source": "siim-fhir" }]
//! ```
//! A FHIR source shares the key of its DICOMweb source (the SIIM gateway takes one `apikey`).

use serde_json::Value;

use crate::dicomweb::uri::is_secret_param_name;

/// What a dataset's Browse button opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DatasetKind {
    /// FHIR patients and their stories (with a DICOMweb source for the images).
    Fhir,
    /// A DICOMweb study browser.
    DicomWeb,
    /// TCIA's NBIA REST API: collections → patients → studies → series (ZIP).
    Nbia,
    /// The ISIC Archive's image search.
    Isic,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    pub title: String,
    pub holds: String,
    pub needs: String,
    pub kind: DatasetKind,
    /// The source the dataset opens (a `dataSources` name or an `archives` name).
    pub source: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FhirSource {
    pub name: String,
    pub friendly_name: String,
    pub fhir_root: String,
    /// The DICOMweb source holding the studies, whose key FHIR requests send too.
    pub dicomweb_source: String,
    /// Patients per page of the patient list (`pageSize`, default 20).
    pub page_size: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ArchiveSource {
    pub name: String,
    pub friendly_name: String,
    pub root: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Archives {
    pub fhir: Vec<FhirSource>,
    pub nbia: Vec<ArchiveSource>,
    pub isic: Vec<ArchiveSource>,
    pub datasets: Vec<Dataset>,
}

/// A problem in the `archives` or `datasets` keys, naming the entry and the key.
#[derive(Debug, Clone, PartialEq)]
pub struct ArchivesError(pub String);

impl std::fmt::Display for ArchivesError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "config.json: {}", self.0)
    }
}

impl std::error::Error for ArchivesError {}

fn text(entry: &Value, key: &str, what: &str, required: bool) -> Result<String, ArchivesError> {
    match entry.get(key) {
        Some(Value::String(s)) => Ok(s.trim().to_string()),
        None | Some(Value::Null) if !required => Ok(String::new()),
        None | Some(Value::Null) => Err(ArchivesError(format!("{what} needs \"{key}\""))),
        Some(_) => Err(ArchivesError(format!("\"{key}\" of {what} must be a string"))),
    }
}

/// An absolute http(s) root without a trailing slash, carrying no credentials.
fn root(entry: &Value, key: &str, what: &str) -> Result<String, ArchivesError> {
    let value = text(entry, key, what, true)?;
    let lower = value.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return Err(ArchivesError(format!("\"{key}\" of {what} must start with http:// or https://")));
    }
    let authority = value.split("://").nth(1).unwrap_or("").split('/').next().unwrap_or("");
    let query_secret = value
        .split_once('?')
        .is_some_and(|(_, q)| q.split('&').any(|p| is_secret_param_name(p.split('=').next().unwrap_or(""))));
    if authority.contains('@') || query_secret {
        return Err(ArchivesError(format!(
            "\"{key}\" of {what} carries credentials; keys are typed in the viewer, never stored in config.json"
        )));
    }
    Ok(value.trim_end_matches('/').to_string())
}

fn entries<'a>(object: Option<&'a Value>, key: &str) -> Result<&'a [Value], ArchivesError> {
    match object.and_then(|o| o.get(key)) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(list)) => Ok(list),
        Some(_) => Err(ArchivesError(format!("\"{key}\" must be a list"))),
    }
}

fn named(entry: &Value, kind: &str, index: usize) -> Result<(String, String), ArchivesError> {
    let name = text(entry, "name", &format!("{kind} entry {}", index + 1), true)?;
    if name.is_empty() {
        return Err(ArchivesError(format!("{kind} entry {} has an empty name", index + 1)));
    }
    let friendly = Some(text(entry, "friendlyName", &name, false)?).filter(|f| !f.is_empty()).unwrap_or(name.clone());
    Ok((name, friendly))
}

/// Reads the `archives` and `datasets` keys of config.json (both optional).
pub fn parse_archives(config: &str) -> Result<Archives, ArchivesError> {
    let json: Value = serde_json::from_str(config).map_err(|e| ArchivesError(format!("not valid JSON ({e})")))?;
    let archives = json.get("archives");
    let mut out = Archives::default();
    for (index, entry) in entries(archives, "fhir")?.iter().enumerate() {
        let (name, friendly_name) = named(entry, "archives.fhir", index)?;
        out.fhir.push(FhirSource {
            fhir_root: root(entry, "fhirRoot", &name)?,
            dicomweb_source: text(entry, "dicomwebSource", &name, false)?,
            page_size: match entry.get("pageSize") {
                None | Some(Value::Null) => 20,
                Some(value) => {
                    value.as_u64().filter(|n| (1..=1000).contains(n)).and_then(|n| u32::try_from(n).ok()).ok_or_else(
                        || ArchivesError(format!("\"pageSize\" of {name} must be a number from 1 to 1000")),
                    )?
                }
            },
            name,
            friendly_name,
        });
    }
    for (kind, key, list) in [("archives.nbia", "nbiaRoot", &mut out.nbia), ("archives.isic", "apiRoot", &mut out.isic)]
    {
        for (index, entry) in entries(archives, kind.trim_start_matches("archives."))?.iter().enumerate() {
            let (name, friendly_name) = named(entry, kind, index)?;
            list.push(ArchiveSource { root: root(entry, key, &name)?, name, friendly_name });
        }
    }
    for (index, entry) in entries(Some(&json), "datasets")?.iter().enumerate() {
        let what = format!("dataset {}", index + 1);
        let kind = match text(entry, "kind", &what, true)?.as_str() {
            "fhir" => DatasetKind::Fhir,
            "dicomweb" => DatasetKind::DicomWeb,
            "nbia" => DatasetKind::Nbia,
            "isic" => DatasetKind::Isic,
            other => {
                return Err(ArchivesError(format!("{what} has kind \"{other}\"; use fhir, dicomweb, nbia or isic")))
            }
        };
        out.datasets.push(Dataset {
            title: text(entry, "title", &what, true)?,
            holds: text(entry, "holds", &what, false)?,
            needs: text(entry, "needs", &what, false)?,
            kind,
            source: text(entry, "source", &what, true)?,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_archives_and_datasets() {
        let config = r#"{ "dataSources": [],
          "archives": {
            "fhir": [{ "name": "siim-fhir", "friendlyName": "SIIM patients", "fhirRoot": "https://h.example/fhir-r4/", "dicomwebSource": "siim" }],
            "nbia": [{ "name": "tcia", "nbiaRoot": "https://n.example/nbia-api/services/v4" }],
            "isic": [{ "name": "isic", "friendlyName": "ISIC", "apiRoot": "https://api.example/api/v2/" }] },
          "datasets": [{ "title": "TCIA", "holds": "cancer imaging", "needs": "nothing", "kind": "nbia", "source": "tcia" }] }"#;
        let archives = parse_archives(config).expect("valid");
        assert_eq!(archives.fhir[0].fhir_root, "https://h.example/fhir-r4");
        assert_eq!(archives.fhir[0].dicomweb_source, "siim");
        assert_eq!(archives.fhir[0].page_size, 20);
        assert_eq!(archives.nbia[0].friendly_name, "tcia");
        assert_eq!(archives.isic[0].root, "https://api.example/api/v2");
        assert_eq!(archives.datasets[0].kind, DatasetKind::Nbia);
        assert_eq!(parse_archives(r#"{"dataSources": []}"#), Ok(Archives::default()));
    }

    #[test]
    fn refuses_credentials_and_bad_kinds() {
        let secret = r#"{"archives": {"isic": [{"name": "i", "apiRoot": "https://x.example/api?apikey=abc"}]}}"#;
        let message = parse_archives(secret).expect_err("refused").to_string();
        assert!(message.contains("credentials") && !message.contains("abc"), "{message}");
        let kind = r#"{"datasets": [{"title": "t", "kind": "ftp", "source": "s"}]}"#;
        assert!(parse_archives(kind).expect_err("refused").to_string().contains("\"ftp\""));
        let page = r#"{"archives": {"fhir": [{"name": "f", "fhirRoot": "https://f.example", "pageSize": 0}]}}"#;
        assert!(parse_archives(page).expect_err("refused").to_string().contains("pageSize"));
        let relative = r#"{"archives": {"nbia": [{"name": "n", "nbiaRoot": "/nbia"}]}}"#;
        assert!(parse_archives(relative).is_err());
    }
}
