//! The TCIA NBIA Search REST API v4 (`https://nbia.cancerimagingarchive.net/nbia-api/services/v4/`,
//! public collections need no login). TCIA wiki "TCIA Programmatic Interface REST API Guides" /
//! "NBIA Search REST API Guide": getCollectionValues → getPatient → getPatientStudy → getSeries →
//! getImage (a ZIP of the series' DICOM files plus a LICENSE entry). JSON is the default format.
//!
//! Parameter names are exact and differ between endpoints. The server's v4 resources
//! (CBIIT/NBIA-TCIA, software/nbia-api/src/gov/nih/nci/nbia/restAPI/v4/) declare:
//! `getPatient`: Collection, **PatientId**, format (unknown names → HTTP 400);
//! `getPatientStudy`: Collection, **PatientID**, StudyInstanceUID, format (unknown → 400);
//! `getSeries`: Collection, PatientID, StudyInstanceUID, Modality, BodyPartExamined,
//! ManufacturerModelName, Manufacturer, SeriesInstanceUID, format;
//! `getImage`: SeriesInstanceUID (required), NewFileNames.
//! getPatient also *returns* `PatientId`, where getPatientStudy and getSeries return `PatientID`.
//! An empty result is HTTP 200 with an empty body (not `[]`); values may be strings or numbers.

use std::fmt;

use serde_json::Value;

use super::json::{count, text};
use super::MAX_BODY_BYTES;
use crate::dicomweb::failure::FetchFailure;
use crate::dicomweb::uri::{checked_uid, percent_encode, QueryError};
use crate::i18n::{textf, Lang};

/// The public NBIA v4 services root.
pub const NBIA_BASE: &str = "https://nbia.cancerimagingarchive.net/nbia-api/services/v4";

/// Why an NBIA response cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NbiaError {
    /// The body is not JSON (serde_json's message), e.g. an HTML error page.
    Json(String),
    /// JSON, but not an array of objects.
    Shape(String),
    /// The body is larger than [`MAX_BODY_BYTES`].
    TooLarge(usize),
}

impl fmt::Display for NbiaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NbiaError::Json(reason) => {
                write!(f, "the TCIA (NBIA) response is not JSON ({reason}); the service may be down, try again later")
            }
            NbiaError::Shape(found) => write!(f, "the TCIA (NBIA) response is {found}, not a list of results"),
            NbiaError::TooLarge(length) => {
                write!(f, "the TCIA (NBIA) response is {length} bytes, more than the viewer reads; narrow the query")
            }
        }
    }
}

impl std::error::Error for NbiaError {}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NbiaPatient {
    pub id: String,
    pub name: String,
    pub collection: String,
    pub sex: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NbiaStudy {
    pub study_uid: String,
    pub date: String,
    pub description: String,
    pub patient_id: String,
    pub series_count: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NbiaSeries {
    pub series_uid: String,
    pub study_uid: String,
    pub modality: String,
    pub body_part: String,
    pub description: String,
    pub image_count: Option<u32>,
    /// `FileSize`: bytes of the series' files.
    pub size_bytes: Option<u64>,
    pub manufacturer: String,
}

fn root(base: &str) -> &str {
    base.trim().trim_end_matches('/')
}

/// `{base}/getCollectionValues` (no parameters).
pub fn collections_url(base: &str) -> String {
    format!("{}/getCollectionValues", root(base))
}

/// `{base}/getPatient?Collection=…`.
pub fn patients_url(base: &str, collection: &str) -> String {
    format!("{}/getPatient?Collection={}", root(base), percent_encode(collection))
}

/// `{base}/getPatientStudy?Collection=…&PatientID=…` (PatientID with a capital D here).
pub fn studies_url(base: &str, collection: &str, patient_id: &str) -> String {
    format!(
        "{}/getPatientStudy?Collection={}&PatientID={}",
        root(base),
        percent_encode(collection),
        percent_encode(patient_id)
    )
}

/// `{base}/getSeries?StudyInstanceUID=…`.
pub fn series_url(base: &str, study_uid: &str) -> Result<String, QueryError> {
    Ok(format!("{}/getSeries?StudyInstanceUID={}", root(base), checked_uid(study_uid.trim())?))
}

/// The Accept header of a getImage request. The server's resource (CBIIT/NBIA-TCIA,
/// software/nbia-api/src/gov/nih/nci/nbia/restAPI/v4/V4_getImage.java) is a JAX-RS method
/// declared `@Produces(MediaType.APPLICATION_OCTET_STREAM)`: an Accept it cannot satisfy, such
/// as `application/zip`, matches no method and JAX-RS answers 406 Not Acceptable. The ZIP comes
/// back as `Content-Type: application/octet-stream`, its entries `LICENSE`, `00000001.dcm`, …
pub const IMAGE_ZIP_ACCEPT: &str = "application/octet-stream, */*";

/// `{base}/getImage?SeriesInstanceUID=…`: a ZIP of the series (see `container` for reading it).
pub fn image_zip_url(base: &str, series_uid: &str) -> Result<String, QueryError> {
    Ok(format!("{}/getImage?SeriesInstanceUID={}", root(base), checked_uid(series_uid.trim())?))
}

/// The rows of a JSON array body; an empty (or all-whitespace) body is no rows.
fn rows(body: &[u8]) -> Result<Vec<Value>, NbiaError> {
    if body.len() > MAX_BODY_BYTES {
        return Err(NbiaError::TooLarge(body.len()));
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Vec::new());
    }
    match serde_json::from_slice(body).map_err(|error| NbiaError::Json(error.to_string()))? {
        Value::Array(rows) if rows.iter().all(Value::is_object) => Ok(rows),
        Value::Array(_) => Err(NbiaError::Shape("a list with non-object items".into())),
        Value::Object(_) => Err(NbiaError::Shape("a single object".into())),
        _ => Err(NbiaError::Shape("a bare value".into())),
    }
}

/// The first non-empty of several column names.
fn column(row: &Value, names: &[&str]) -> String {
    names.iter().map(|name| text(row, &[name])).find(|value| !value.is_empty()).unwrap_or_default()
}

/// getCollectionValues: `[{"Collection": "…"}]`.
pub fn parse_collections(body: &[u8]) -> Result<Vec<String>, NbiaError> {
    Ok(rows(body)?.iter().map(|row| column(row, &["Collection"])).filter(|name| !name.is_empty()).collect())
}

/// getPatient: `PatientId` (also `PatientID`), `PatientName`, `PatientSex`, `Collection`.
pub fn parse_patients(body: &[u8]) -> Result<Vec<NbiaPatient>, NbiaError> {
    Ok(rows(body)?
        .iter()
        .map(|row| NbiaPatient {
            id: column(row, &["PatientId", "PatientID"]),
            name: column(row, &["PatientName"]),
            collection: column(row, &["Collection"]),
            sex: column(row, &["PatientSex"]),
        })
        .filter(|patient| !patient.id.is_empty())
        .collect())
}

/// getPatientStudy: `StudyInstanceUID`, `StudyDate`, `StudyDescription`, `PatientID`, `SeriesCount`.
pub fn parse_studies(body: &[u8]) -> Result<Vec<NbiaStudy>, NbiaError> {
    Ok(rows(body)?
        .iter()
        .map(|row| NbiaStudy {
            study_uid: column(row, &["StudyInstanceUID"]),
            date: column(row, &["StudyDate"]),
            description: column(row, &["StudyDescription"]),
            patient_id: column(row, &["PatientID", "PatientId"]),
            series_count: count(row, &["SeriesCount"]),
        })
        .filter(|study| !study.study_uid.is_empty())
        .collect())
}

/// getSeries: `SeriesInstanceUID`, `StudyInstanceUID`, `Modality`, `BodyPartExamined`,
/// `SeriesDescription`, `ImageCount`, `FileSize`, `Manufacturer`.
pub fn parse_series(body: &[u8]) -> Result<Vec<NbiaSeries>, NbiaError> {
    Ok(rows(body)?
        .iter()
        .map(|row| NbiaSeries {
            series_uid: column(row, &["SeriesInstanceUID"]),
            study_uid: column(row, &["StudyInstanceUID"]),
            modality: column(row, &["Modality"]),
            body_part: column(row, &["BodyPartExamined"]),
            description: column(row, &["SeriesDescription"]),
            image_count: count(row, &["ImageCount"]),
            size_bytes: count(row, &["FileSize"]),
            manufacturer: column(row, &["Manufacturer"]),
        })
        .filter(|series| !series.series_uid.is_empty())
        .collect())
}

/// What an HTTP status from NBIA means for `what` (e.g. "the series list"), cause and fix, in
/// `lang` (texts `archives.tcia.status.*`).
pub fn describe_status(lang: Lang, code: u16, what: &str) -> String {
    let key = match code {
        200..=299 => "archives.tcia.status.received",
        400 => "archives.tcia.status.bad_request",
        401 | 403 => "archives.tcia.status.restricted",
        404 => "archives.tcia.status.not_found",
        429 => "archives.tcia.status.rate_limited",
        500..=599 => "archives.tcia.status.server_error",
        0 => "archives.tcia.status.no_answer",
        _ => "archives.tcia.status.other",
    };
    textf(lang, key, &[("what", what), ("code", &code.to_string()), ("base", NBIA_BASE)])
}

/// What an HTTP status from getImage means. The server answers a series the user may not access
/// with 400 ("The user has not been granted the access to image with given SeriesInstanceUID",
/// V4_getImage.java), not 401/403.
pub fn describe_image_status(lang: Lang, code: u16, what: &str) -> String {
    match code {
        400 => textf(lang, "archives.tcia.status.image_refused", &[("what", what)]),
        406 => textf(lang, "archives.tcia.status.not_acceptable", &[("what", what)]),
        _ => describe_status(lang, code, what),
    }
}

/// TCIA's words for a failed NBIA request, where they say more than the general ones: an HTTP
/// status (getImage's 400 is access, elsewhere a wrong parameter). Other failures (network,
/// timeouts, malformed answers) keep the general wording: `None`.
pub fn describe_failure(lang: Lang, failure: &FetchFailure, what: &str, image_download: bool) -> Option<String> {
    match failure {
        FetchFailure::Status { code, .. } if image_download => Some(describe_image_status(lang, *code, what)),
        FetchFailure::Status { code, .. } => Some(describe_status(lang, *code, what)),
        _ => None,
    }
}

#[cfg(test)]
#[path = "nbia_tests.rs"]
mod tests;
