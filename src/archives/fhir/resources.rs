//! The resources of a patient story, read into display values: Patient
//! (http://hl7.org/fhir/R4/patient.html), Condition (condition.html), MedicationRequest and
//! MedicationStatement (medicationrequest.html, medicationstatement.html), DiagnosticReport
//! (diagnosticreport.html), ImagingStudy (imagingstudy.html) and Endpoint (endpoint.html).
//! Missing elements read as empty; nothing here fails.

use serde_json::Value;

use super::text::{codeable, first_text, human_name, identifier_values, reference_id, strip_tags};
use crate::archives::json::{count, items, text};
use crate::dicomweb::json::base64;
use crate::dicomweb::uri::is_valid_uid;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PatientSummary {
    pub id: String,
    /// "Family, Given" from the `official` name if there is one, else the first name.
    pub name: String,
    pub gender: String,
    pub birth_date: String,
    pub identifiers: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Condition {
    /// `code.text`, else the first coding's display.
    pub text: String,
    /// `onsetDateTime`, `onsetPeriod.start`, `onsetString` or `recordedDate`.
    pub onset: String,
    /// `clinicalStatus` (active, resolved, …).
    pub clinical_status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Medication {
    /// `medicationCodeableConcept` text/display, else `medicationReference.display` (the story
    /// replaces it with the referenced Medication's code, see `story::assemble_story`).
    pub text: String,
    /// The id in `medicationReference.reference` (`Medication/{id}`), if the drug is named there.
    pub medication_id: Option<String>,
    /// `dosageInstruction[0].text` (requests) or `dosage[0].text` (statements).
    pub dosage: String,
    pub status: String,
    /// `authoredOn` (request) or `effective[x]`/`dateAsserted` (statement).
    pub authored: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    pub id: String,
    pub status: String,
    /// `code.text` (or its first coding's display).
    pub title: String,
    /// `effectiveDateTime`, `effectivePeriod.start` or `issued`.
    pub date: String,
    pub conclusion: String,
    /// The text/plain `presentedForm` decoded, else the narrative without its tags.
    pub text: String,
    /// Ids of the ImagingStudy resources in `imagingStudy[]`.
    pub imaging_study_ids: Vec<String>,
    pub identifiers: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StudyRef {
    pub id: String,
    /// The identifier of system `urn:dicom:uid` without its `urn:oid:` prefix, if a valid UID
    /// (imagingstudy.html#notes: "urn:dicom:uid" / "urn:oid:1.2.3…").
    pub study_uid: Option<String>,
    /// The identifier of type ACSN (v2-0203), or whose system names an accession number.
    pub accession: Option<String>,
    pub started: String,
    pub description: String,
    /// `modality[].code` (R4 Coding; an R5-style CodeableConcept is read too); where the
    /// study level has none (common in the hackathon data), the distinct `series[].modality`.
    pub modalities: Vec<String>,
    pub series_count: Option<u32>,
    pub instance_count: Option<u32>,
    /// `endpoint[].reference`, e.g. "Endpoint/x".
    pub endpoint_refs: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Endpoint {
    pub id: String,
    pub address: String,
    /// `connectionType.code`, e.g. "dicom-wado-rs".
    pub connection_type: String,
}

fn is_type(resource: &Value, kind: &str) -> bool {
    resource.get("resourceType").and_then(Value::as_str) == Some(kind)
}

pub fn patient_summary(resource: &Value) -> Option<PatientSummary> {
    if !is_type(resource, "Patient") {
        return None;
    }
    let names = items(resource, &["name"]);
    let chosen = names.iter().find(|name| text(name, &["use"]) == "official").or_else(|| names.first());
    Some(PatientSummary {
        id: text(resource, &["id"]),
        name: chosen.map(human_name).unwrap_or_default(),
        gender: text(resource, &["gender"]),
        birth_date: text(resource, &["birthDate"]),
        identifiers: identifier_values(resource),
    })
}

pub fn condition(resource: &Value) -> Option<Condition> {
    is_type(resource, "Condition").then(|| Condition {
        text: codeable(resource.get("code")),
        onset: first_text(
            resource,
            &[&["onsetDateTime"], &["onsetPeriod", "start"], &["onsetString"], &["recordedDate"]],
        ),
        clinical_status: codeable(resource.get("clinicalStatus")),
    })
}

pub fn medication(resource: &Value) -> Option<Medication> {
    if !is_type(resource, "MedicationRequest") && !is_type(resource, "MedicationStatement") {
        return None;
    }
    let mut name = codeable(resource.get("medicationCodeableConcept"));
    if name.is_empty() {
        name = text(resource, &["medicationReference", "display"]);
    }
    Some(Medication {
        text: name,
        medication_id: reference_id(&text(resource, &["medicationReference", "reference"]), "Medication"),
        dosage: first_text(resource, &[&["dosageInstruction", "0", "text"], &["dosage", "0", "text"]]),
        status: text(resource, &["status"]),
        authored: first_text(
            resource,
            &[&["authoredOn"], &["effectiveDateTime"], &["effectivePeriod", "start"], &["dateAsserted"]],
        ),
    })
}

/// The drug a Medication resource names (http://hl7.org/fhir/R4/medication.html): its `code`
/// (text, else the first coding's display, else its code), with the resource's id.
pub fn medication_product(resource: &Value) -> Option<(String, String)> {
    is_type(resource, "Medication").then(|| (text(resource, &["id"]), codeable(resource.get("code"))))
}

pub fn report(resource: &Value) -> Option<Report> {
    if !is_type(resource, "DiagnosticReport") {
        return None;
    }
    let plain = items(resource, &["presentedForm"])
        .iter()
        .filter(|form| text(form, &["contentType"]).to_ascii_lowercase().starts_with("text/plain"))
        .find_map(|form| base64::decode(&text(form, &["data"])).ok())
        .map(|bytes| String::from_utf8_lossy(&bytes).trim().to_string())
        .filter(|plain| !plain.is_empty());
    Some(Report {
        id: text(resource, &["id"]),
        status: text(resource, &["status"]),
        title: codeable(resource.get("code")),
        date: first_text(resource, &[&["effectiveDateTime"], &["effectivePeriod", "start"], &["issued"]]),
        conclusion: text(resource, &["conclusion"]),
        text: plain.unwrap_or_else(|| strip_tags(&text(resource, &["text", "div"]))),
        imaging_study_ids: items(resource, &["imagingStudy"])
            .iter()
            .filter_map(|reference| reference_id(&text(reference, &["reference"]), "ImagingStudy"))
            .collect(),
        identifiers: identifier_values(resource),
    })
}

pub fn study_ref(resource: &Value) -> Option<StudyRef> {
    if !is_type(resource, "ImagingStudy") {
        return None;
    }
    let identifiers = items(resource, &["identifier"]);
    let study_uid = identifiers
        .iter()
        .filter(|identifier| text(identifier, &["system"]) == "urn:dicom:uid")
        .map(|identifier| text(identifier, &["value"]))
        .map(|value| value.strip_prefix("urn:oid:").map(str::to_string).unwrap_or(value))
        .find(|uid| is_valid_uid(uid));
    let is_accession = |identifier: &&Value| {
        items(identifier, &["type", "coding"]).iter().any(|coding| text(coding, &["code"]) == "ACSN")
            || text(identifier, &["system"]).to_ascii_lowercase().contains("accession")
    };
    let accession =
        identifiers.iter().filter(is_accession).map(|identifier| text(identifier, &["value"])).find(|v| !v.is_empty());
    let code_of = |modality: &Value| {
        let code = text(modality, &["code"]);
        if code.is_empty() {
            text(modality, &["coding", "0", "code"])
        } else {
            code
        }
    };
    let mut modalities: Vec<String> =
        items(resource, &["modality"]).iter().map(code_of).filter(|code| !code.is_empty()).collect();
    if modalities.is_empty() {
        for series in items(resource, &["series"]) {
            let Some(modality) = series.get("modality") else { continue };
            let code = code_of(modality);
            if !code.is_empty() && !modalities.contains(&code) {
                modalities.push(code);
            }
        }
    }
    Some(StudyRef {
        id: text(resource, &["id"]),
        study_uid,
        accession,
        started: text(resource, &["started"]),
        description: text(resource, &["description"]),
        modalities,
        series_count: count(resource, &["numberOfSeries"]),
        instance_count: count(resource, &["numberOfInstances"]),
        endpoint_refs: items(resource, &["endpoint"])
            .iter()
            .map(|reference| text(reference, &["reference"]))
            .filter(|reference| !reference.is_empty())
            .collect(),
    })
}

pub fn endpoint(resource: &Value) -> Option<Endpoint> {
    is_type(resource, "Endpoint").then(|| Endpoint {
        id: text(resource, &["id"]),
        address: text(resource, &["address"]),
        connection_type: text(resource, &["connectionType", "code"]),
    })
}

#[cfg(test)]
#[path = "resources_tests.rs"]
mod tests;
