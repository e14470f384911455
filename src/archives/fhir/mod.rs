//! FHIR R4 (http://hl7.org/fhir/R4/) as the SIIM hackathon server offers it
//! (`https://hackathon.siim.org/fhir-r4/`, key in the `apikey` header): search URLs
//! (http://hl7.org/fhir/R4/search.html), Bundles with paging links
//! (http://hl7.org/fhir/R4/bundle.html, http.html#paging), the clinical resources a patient
//! story needs, and the story itself: reports paired with the imaging studies they describe.

mod bundle;
mod resources;
mod story;
mod text;

use std::fmt;

use crate::dicomweb::uri::percent_encode;

pub use bundle::{next_page_url, parse_bundle, Bundle};
pub use resources::{
    condition, endpoint, medication, medication_product, patient_summary, report, study_ref, Condition, Endpoint,
    Medication, PatientSummary, Report, StudyRef,
};
pub use story::{assemble_story, dicomweb_root_of, missing_medication_ids, PatientStory, StoryEntry};

/// The SIIM hackathon FHIR R4 server.
pub const SIIM_HACKATHON_FHIR: &str = "https://hackathon.siim.org/fhir-r4";
/// The header that carries the hackathon's API key (never a query parameter).
pub const API_KEY_HEADER: &str = "apikey";
/// Entries asked for per page of a patient's resources.
pub const RESOURCES_PAGE_SIZE: u32 = 100;

/// Why a FHIR response or address cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FhirError {
    /// The base URL is not an absolute http(s) URL.
    InvalidBase(String),
    /// The body is not JSON (serde_json's message).
    Json(String),
    /// The body is larger than [`crate::archives::MAX_BODY_BYTES`].
    TooLarge(usize),
    /// The server answered with an OperationOutcome (http://hl7.org/fhir/R4/operationoutcome.html).
    Outcome(String),
    /// JSON of another shape than a Bundle (its resourceType, or a description).
    NotBundle(String),
    /// A paging link to another origin than the server's.
    ForeignLink(String),
}

impl fmt::Display for FhirError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FhirError::InvalidBase(base) => {
                write!(f, "'{base}' is not a FHIR server address: give the root URL, e.g. {SIIM_HACKATHON_FHIR}")
            }
            FhirError::Json(reason) => {
                write!(f, "the FHIR server's response is not JSON ({reason}); check the server address")
            }
            FhirError::TooLarge(length) => {
                write!(f, "the FHIR response is {length} bytes, more than the viewer reads; ask for fewer entries")
            }
            FhirError::Outcome(diagnostics) => {
                write!(f, "the FHIR server refused the request: {diagnostics}; check the API key and the search")
            }
            FhirError::NotBundle(found) => {
                write!(f, "the FHIR server sent {found} where a search Bundle was expected; check the server address")
            }
            FhirError::ForeignLink(url) => write!(
                f,
                "the FHIR server's link to the next page ('{}') leads to another site; it is not followed so the API key stays with the server, and the list ends here",
                crate::dicomweb::uri::without_query(url)
            ),
        }
    }
}

impl std::error::Error for FhirError {}

/// A FHIR server root: an absolute http(s) URL without a trailing slash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FhirBase(String);

impl FhirBase {
    /// Checks and normalises a root URL (surrounding spaces and trailing slashes removed).
    pub fn new(url: &str) -> Result<FhirBase, FhirError> {
        let trimmed = url.trim().trim_end_matches('/');
        let lower = trimmed.to_ascii_lowercase();
        let host = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"));
        match host {
            Some(rest) if !rest.is_empty() && !rest.starts_with('/') && !trimmed.contains(['?', '#']) => {
                Ok(FhirBase(trimmed.to_string()))
            }
            _ => Err(FhirError::InvalidBase(url.to_string())),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The resource types a patient story reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResourceKind {
    Condition,
    MedicationRequest,
    MedicationStatement,
    DiagnosticReport,
    ImagingStudy,
}

impl ResourceKind {
    /// All kinds, in the order their searches are issued.
    pub const ALL: [ResourceKind; 5] = [
        ResourceKind::Condition,
        ResourceKind::MedicationRequest,
        ResourceKind::MedicationStatement,
        ResourceKind::DiagnosticReport,
        ResourceKind::ImagingStudy,
    ];

    /// The FHIR resourceType name.
    pub fn name(self) -> &'static str {
        match self {
            ResourceKind::Condition => "Condition",
            ResourceKind::MedicationRequest => "MedicationRequest",
            ResourceKind::MedicationStatement => "MedicationStatement",
            ResourceKind::DiagnosticReport => "DiagnosticReport",
            ResourceKind::ImagingStudy => "ImagingStudy",
        }
    }
}

fn root(base: &str) -> &str {
    base.trim().trim_end_matches('/')
}

/// `{base}/Patient?_count=N[&name=...]` (Patient search parameter `name`,
/// http://hl7.org/fhir/R4/patient.html#search). An empty name lists patients.
pub fn patient_search_url(base: &str, name: &str, count: u32) -> String {
    let mut url = format!("{}/Patient?_count={}", root(base), count.max(1));
    let name = name.trim();
    if !name.is_empty() {
        url.push_str("&name=");
        url.push_str(&percent_encode(name));
    }
    url
}

/// One search per [`ResourceKind`] for the patient's resources: `{base}/{Type}?patient={id}&_count=100`
/// (each of these resources has the `patient` search parameter in R4). Medication requests and
/// statements also ask for the Medication they reference (`_include=MedicationRequest:medication`,
/// http://hl7.org/fhir/R4/search.html#include), where the SIIM data names the drug.
pub fn patient_resources_urls(base: &str, patient_id: &str) -> Vec<(ResourceKind, String)> {
    let patient = percent_encode(patient_id.trim());
    ResourceKind::ALL
        .iter()
        .map(|kind| {
            let include = match kind {
                ResourceKind::MedicationRequest | ResourceKind::MedicationStatement => {
                    format!("&_include={}:medication", kind.name())
                }
                _ => String::new(),
            };
            (*kind, format!("{}/{}?patient={patient}&_count={RESOURCES_PAGE_SIZE}{include}", root(base), kind.name()))
        })
        .collect()
}

/// The URL of a relative literal reference `Type/id` (e.g. an ImagingStudy's `Endpoint/x`,
/// http://hl7.org/fhir/R4/references.html#literal); absolute references are returned as they are
/// only when they are on the server's origin. Other forms (`#contained`, `urn:`) give `None`.
pub fn reference_url(base: &str, reference: &str) -> Option<String> {
    let reference = reference.trim();
    if reference.contains("://") {
        return crate::archives::same_origin(base, reference).then(|| reference.to_string());
    }
    let (kind, id) = reference.split_once('/')?;
    let valid =
        |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
    (valid(kind) && valid(id)).then(|| format!("{}/{kind}/{id}", root(base)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_and_searches() {
        assert_eq!(FhirBase::new(" https://hackathon.siim.org/fhir-r4/ ").unwrap().as_str(), SIIM_HACKATHON_FHIR);
        assert!(FhirBase::new("ftp://x").is_err() && FhirBase::new("https://").is_err());
        assert!(FhirBase::new("https://h/fhir?apikey=1").is_err());
        assert_eq!(patient_search_url("https://h/fhir/", "", 20), "https://h/fhir/Patient?_count=20");
        assert_eq!(
            patient_search_url("https://h/fhir", "Doe Jo&n", 5),
            "https://h/fhir/Patient?_count=5&name=Doe%20Jo%26n"
        );
        let urls = patient_resources_urls("https://h/fhir/", "siimjoe");
        assert_eq!(urls.len(), 5);
        assert_eq!(urls[0], (ResourceKind::Condition, "https://h/fhir/Condition?patient=siimjoe&_count=100".into()));
        assert_eq!(urls[4].1, "https://h/fhir/ImagingStudy?patient=siimjoe&_count=100");
        assert_eq!(
            urls[1].1,
            "https://h/fhir/MedicationRequest?patient=siimjoe&_count=100&_include=MedicationRequest:medication"
        );
        assert_eq!(reference_url("https://h/fhir", "Endpoint/ep-1").as_deref(), Some("https://h/fhir/Endpoint/ep-1"));
        assert_eq!(
            reference_url("https://h/fhir", "https://h/fhir/Endpoint/2").as_deref(),
            Some("https://h/fhir/Endpoint/2")
        );
        assert_eq!(reference_url("https://h/fhir", "https://evil/Endpoint/2"), None);
        assert_eq!(reference_url("https://h/fhir", "#contained"), None);
        assert_eq!(reference_url("https://h/fhir", "Endpoint/../x"), None);
    }
}
