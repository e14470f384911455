//! A patient's story: conditions, medications, and a timeline of reports paired with the
//! imaging studies they describe. A report names its study in `DiagnosticReport.imagingStudy`
//! (http://hl7.org/fhir/R4/diagnosticreport.html); where it does not, the SIIM hackathon
//! convention pairs them: the report id, the ImagingStudy id and the accession number are one
//! value.

use serde_json::Value;

use super::resources::{
    condition, medication, report, study_ref, Condition, Medication, PatientSummary, Report, StudyRef,
};

/// One dated event: a report with its study, a study without a report, or a report alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoryEntry {
    /// The study's start if known, else the report's date; ISO 8601 (possibly partial) or empty.
    pub date: String,
    pub report: Option<Report>,
    pub study: Option<StudyRef>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientStory {
    pub patient: PatientSummary,
    pub conditions: Vec<Condition>,
    pub medications: Vec<Medication>,
    /// Oldest first; undated entries last, in the order the resources came.
    pub entries: Vec<StoryEntry>,
}

/// Reads every resource by its resourceType (others are ignored) and builds the timeline.
pub fn assemble_story(patient: PatientSummary, resources: &[Value]) -> PatientStory {
    let conditions = resources.iter().filter_map(condition).collect();
    let medications = resources.iter().filter_map(medication).collect();
    let reports: Vec<Report> = resources.iter().filter_map(report).collect();
    let mut studies: Vec<Option<StudyRef>> = resources.iter().filter_map(study_ref).map(Some).collect();

    let mut entries = Vec::with_capacity(reports.len() + studies.len());
    let mut unpaired_reports = Vec::new();
    // Explicit references first, so that a convention match cannot take a referenced study.
    for report in reports {
        let referenced = studies
            .iter()
            .position(|study| study.as_ref().is_some_and(|study| report.imaging_study_ids.contains(&study.id)));
        match referenced.and_then(|index| studies.get_mut(index)).and_then(Option::take) {
            Some(study) => entries.push(entry(Some(report), Some(study))),
            None => unpaired_reports.push(report),
        }
    }
    for report in unpaired_reports {
        let by_convention =
            studies.iter().position(|study| study.as_ref().is_some_and(|study| same_by_convention(&report, study)));
        let study = by_convention.and_then(|index| studies.get_mut(index)).and_then(Option::take);
        entries.push(entry(Some(report), study));
    }
    entries.extend(studies.into_iter().flatten().map(|study| entry(None, Some(study))));
    // Stable: undated entries keep their order after the dated ones; ISO 8601 text sorts by time.
    entries.sort_by(|a, b| (a.date.is_empty(), &a.date).cmp(&(b.date.is_empty(), &b.date)));
    PatientStory { patient, conditions, medications, entries }
}

/// The hackathon convention: report id = study id, or report id / identifier = accession.
fn same_by_convention(report: &Report, study: &StudyRef) -> bool {
    let report_keys = || std::iter::once(&report.id).chain(&report.identifiers).filter(|key| !key.is_empty());
    (!report.id.is_empty() && report.id == study.id)
        || study.accession.as_ref().is_some_and(|accession| report_keys().any(|key| key == accession))
}

fn entry(report: Option<Report>, study: Option<StudyRef>) -> StoryEntry {
    let study_date = study.as_ref().map(|study| study.started.clone()).unwrap_or_default();
    let date =
        if study_date.is_empty() { report.as_ref().map(|r| r.date.clone()).unwrap_or_default() } else { study_date };
    StoryEntry { date, report, study }
}

/// The DICOMweb root of an Endpoint address: trailing slashes removed, and an address that
/// already names a study (`…/studies/{uid}…`) cut back to the part before `/studies`.
pub fn dicomweb_root_of(endpoint_address: &str) -> String {
    let address = endpoint_address.trim().trim_end_matches('/');
    let mut search_from = 0;
    while let Some(found) = address.get(search_from..).and_then(|rest| rest.find("/studies")) {
        let start = search_from + found;
        let after = address.get(start + "/studies".len()..).unwrap_or_default();
        if after.is_empty() || after.starts_with(['/', '?']) {
            return address[..start].to_string();
        }
        search_from = start + 1;
    }
    address.to_string()
}

#[cfg(test)]
#[path = "story_tests.rs"]
mod tests;
