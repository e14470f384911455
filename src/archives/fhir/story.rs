//! A patient's story: conditions, medications, and a timeline of reports paired with the
//! imaging studies they describe. A report names its study in `DiagnosticReport.imagingStudy`
//! (http://hl7.org/fhir/R4/diagnosticreport.html); the SIIM hackathon's reports never do, and
//! pair by its convention instead: report id, ImagingStudy id and accession number are one value,
//! and one accession may have several studies (a full study and a "Key Images" study). An exact
//! id match comes first, then every other study of the accession. What the data lacks (a report
//! without a study, a drug named only by a missing Medication) is said in notes, never guessed.

use serde_json::Value;

use super::resources::{
    condition, medication, medication_product, report, study_ref, Condition, Medication, PatientSummary, Report,
    StudyRef,
};

/// One dated event: a report with its studies, studies without a report, or a report alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoryEntry {
    /// The first study's start if known, else the report's date; ISO 8601 (possibly partial) or empty.
    pub date: String,
    pub report: Option<Report>,
    /// The report's studies: referenced ones, else the exact id match first, then the other
    /// studies of the same accession. Without a report: one study.
    pub studies: Vec<StudyRef>,
    /// What the data lacks or contradicts for this entry, in plain words.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientStory {
    pub patient: PatientSummary,
    pub conditions: Vec<Condition>,
    pub medications: Vec<Medication>,
    /// Oldest first; undated entries last, in the order the resources came.
    pub entries: Vec<StoryEntry>,
}

/// How a report claims a study, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Claim {
    Referenced,
    SameId,
    SameAccession,
}

/// Reads every resource by its resourceType (others are ignored) and builds the timeline.
pub fn assemble_story(patient: PatientSummary, resources: &[Value]) -> PatientStory {
    let conditions = resources.iter().filter_map(condition).collect();
    let products: Vec<(String, String)> = resources.iter().filter_map(medication_product).collect();
    let medications = resources.iter().filter_map(medication).map(|m| resolve_medication(m, &products)).collect();
    let reports: Vec<Report> = resources.iter().filter_map(report).collect();
    let studies: Vec<StudyRef> = resources.iter().filter_map(study_ref).collect();

    // For each study, the strongest claim of any report (ties: the first report).
    let mut owner: Vec<Option<(Claim, usize)>> = vec![None; studies.len()];
    for claim in [Claim::Referenced, Claim::SameId, Claim::SameAccession] {
        for (r, report) in reports.iter().enumerate() {
            for (s, study) in studies.iter().enumerate() {
                if owner[s].is_none() && claims(report, study, claim, &studies, &owner, r) {
                    owner[s] = Some((claim, r));
                }
            }
        }
    }
    let mut entries: Vec<StoryEntry> = reports
        .iter()
        .enumerate()
        .map(|(r, report)| {
            let mut mine: Vec<(Claim, usize)> = owner
                .iter()
                .enumerate()
                .filter_map(|(s, o)| o.filter(|(_, by)| *by == r).map(|(c, _)| (c, s)))
                .collect();
            mine.sort();
            let studies: Vec<StudyRef> = mine.iter().filter_map(|(_, s)| studies.get(*s).cloned()).collect();
            let notes = report_notes(report, &studies);
            entry(Some(report.clone()), studies, notes)
        })
        .collect();
    entries.extend(studies.iter().zip(&owner).filter(|(_, o)| o.is_none()).map(|(study, _)| {
        let note = "No report in this record shares this study's id or accession number.".to_string();
        entry(None, vec![study.clone()], vec![note])
    }));
    // Stable: undated entries keep their order after the dated ones; ISO 8601 text sorts by time.
    entries.sort_by(|a, b| (a.date.is_empty(), &a.date).cmp(&(b.date.is_empty(), &b.date)));
    PatientStory { patient, conditions, medications, entries }
}

/// Whether report `r` claims `study` by `claim`. An accession claim also counts the accession of
/// the study the report matched by id (the "Key Images" study shares it).
fn claims(
    report: &Report,
    study: &StudyRef,
    claim: Claim,
    all: &[StudyRef],
    owner: &[Option<(Claim, usize)>],
    r: usize,
) -> bool {
    match claim {
        Claim::Referenced => report.imaging_study_ids.contains(&study.id),
        Claim::SameId => !report.id.is_empty() && report.id == study.id,
        Claim::SameAccession => {
            let Some(accession) = study.accession.as_ref().filter(|a| !a.is_empty()) else { return false };
            let own_keys = std::iter::once(&report.id).chain(&report.identifiers).any(|key| key == accession);
            let via_matched = all.iter().zip(owner).any(|(other, o)| {
                matches!(o, Some((Claim::Referenced | Claim::SameId, by)) if *by == r)
                    && other.accession.as_ref() == Some(accession)
            });
            own_keys || via_matched
        }
    }
}

/// Notes on a report's pairing: none found, several studies, and records that contradict each
/// other (the same counts under different Study Instance UIDs, or one UID twice).
fn report_notes(report: &Report, studies: &[StudyRef]) -> Vec<String> {
    let mut notes = Vec::new();
    if studies.is_empty() {
        notes.push(if report.imaging_study_ids.is_empty() {
            "No ImagingStudy in this record shares this report's id or accession number, and the report names none."
                .to_string()
        } else {
            format!(
                "The ImagingStudy this report names ({}) is not in this record.",
                report.imaging_study_ids.join(", ")
            )
        });
    }
    if studies.len() > 1 {
        notes.push(format!("{} imaging studies share this report's accession number.", studies.len()));
    }
    let day = |date: &str| date.get(..10).unwrap_or(date).to_string();
    if let Some(study) = studies.iter().find(|study| !study.started.is_empty()) {
        if !report.date.is_empty() && day(&report.date) != day(&study.started) {
            notes.push(format!("The report is dated {}, its study {}.", day(&report.date), day(&study.started)));
        }
    }
    for (i, a) in studies.iter().enumerate() {
        for b in studies.iter().skip(i + 1) {
            match (&a.study_uid, &b.study_uid) {
                (Some(x), Some(y)) if x == y => notes.push(format!(
                    "The ImagingStudy records \"{}\" and \"{}\" name the same Study Instance UID; they open the same images.",
                    label(a),
                    label(b)
                )),
                (Some(_), Some(_))
                    if a.series_count.is_some()
                        && a.series_count == b.series_count
                        && a.instance_count.is_some()
                        && a.instance_count == b.instance_count =>
                {
                    notes.push(format!(
                        "The ImagingStudy records \"{}\" and \"{}\" give the same series and image counts under \
                         different Study Instance UIDs: the data is inconsistent, one of the UIDs may name another study.",
                        label(a),
                        label(b)
                    ))
                }
                _ => {}
            }
        }
    }
    notes
}

fn label(study: &StudyRef) -> &str {
    if study.description.is_empty() {
        &study.id
    } else {
        &study.description
    }
}

/// A request whose drug is a reference gets the referenced Medication's name; a reference that
/// is not in the record keeps its display text with a note.
fn resolve_medication(mut medication: Medication, products: &[(String, String)]) -> Medication {
    let Some(id) = medication.medication_id.clone() else { return medication };
    match products.iter().find(|(product, name)| *product == id && !name.is_empty()) {
        Some((_, name)) => medication.text = name.clone(),
        None if medication.text.is_empty() => medication.text = format!("Medication/{id} (not in the record)"),
        None => medication.text = format!("{} (Medication/{id} is not in the record)", medication.text),
    }
    medication
}

/// Ids of the Medications that requests/statements reference but the resources do not hold
/// (a server that ignored `_include`): each to be read with `Medication/{id}`. Sorted, once each.
pub fn missing_medication_ids(resources: &[Value]) -> Vec<String> {
    let held: Vec<String> = resources.iter().filter_map(medication_product).map(|(id, _)| id).collect();
    let mut missing: Vec<String> = resources
        .iter()
        .filter_map(medication)
        .filter_map(|m| m.medication_id)
        .filter(|id| !held.contains(id))
        .collect();
    missing.sort();
    missing.dedup();
    missing
}

fn entry(report: Option<Report>, studies: Vec<StudyRef>, notes: Vec<String>) -> StoryEntry {
    let study_date = studies.iter().map(|study| study.started.clone()).find(|d| !d.is_empty()).unwrap_or_default();
    let date =
        if study_date.is_empty() { report.as_ref().map(|r| r.date.clone()).unwrap_or_default() } else { study_date };
    StoryEntry { date, report, studies, notes }
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
