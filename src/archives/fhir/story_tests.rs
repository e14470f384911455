//! Story assembly over hand-written resources following the SIIM hackathon's conventions.

use super::*;
use serde_json::json;

fn study(id: &str, started: &str, accession: &str) -> Value {
    json!({"resourceType": "ImagingStudy", "id": id, "started": started,
           "identifier": [{"type": {"coding": [{"code": "ACSN"}]}, "value": accession}]})
}

fn report(id: &str, date: &str, studies: &[&str], identifiers: &[&str]) -> Value {
    json!({"resourceType": "DiagnosticReport", "id": id, "effectiveDateTime": date,
           "imagingStudy": studies.iter().map(|s| json!({"reference": format!("ImagingStudy/{s}")})).collect::<Vec<_>>(),
           "identifier": identifiers.iter().map(|v| json!({"value": v})).collect::<Vec<_>>()})
}

fn shape(story: &PatientStory) -> Vec<(String, Option<String>, Option<String>)> {
    story
        .entries
        .iter()
        .map(|e| (e.date.clone(), e.report.as_ref().map(|r| r.id.clone()), e.studies.first().map(|s| s.id.clone())))
        .collect()
}

fn entry(date: &str, report: Option<&str>, study: Option<&str>) -> (String, Option<String>, Option<String>) {
    (date.to_string(), report.map(str::to_string), study.map(str::to_string))
}

#[test]
fn reports_pair_by_reference_then_by_the_id_convention() {
    let resources = [
        study("s-ref", "2014-02-01", "acc-1"),
        study("a200", "2011-05-05T10:00:00Z", "a200"),
        study("s-acc", "2016-09-09", "a300"),
        study("s-alone", "2010-01-01", "none"),
        report("r-ref", "2014-02-02", &["s-ref"], &[]),
        report("a200", "2011-05-06", &[], &[]),
        report("r-3", "2016-09-10", &[], &["a300"]),
        report("r-alone", "2018-03-03", &["missing"], &[]),
        json!({"resourceType": "Condition", "code": {"text": "Breast cancer"}}),
        json!({"resourceType": "MedicationStatement", "medicationReference": {"display": "Tamoxifen"}}),
        json!({"resourceType": "Observation", "id": "ignored"}),
    ];
    let patient = PatientSummary { id: "siimjoe".into(), ..PatientSummary::default() };
    let story = assemble_story(patient, &resources);
    assert_eq!(story.patient.id, "siimjoe");
    assert_eq!(story.conditions.len(), 1);
    assert_eq!(story.medications[0].text, "Tamoxifen");
    assert_eq!(
        shape(&story),
        [
            entry("2010-01-01", None, Some("s-alone")),
            entry("2011-05-05T10:00:00Z", Some("a200"), Some("a200")),
            entry("2014-02-01", Some("r-ref"), Some("s-ref")),
            entry("2016-09-09", Some("r-3"), Some("s-acc")),
            entry("2018-03-03", Some("r-alone"), None),
        ]
    );
}

#[test]
fn a_referenced_study_is_not_taken_by_the_convention() {
    // Report "x" would match study "x" by id, but report "r" references it explicitly.
    let resources =
        [study("x", "2012-01-01", "x"), report("x", "2012-01-02", &[], &[]), report("r", "2012-01-03", &["x"], &[])];
    let story = assemble_story(PatientSummary::default(), &resources);
    assert_eq!(shape(&story), [entry("2012-01-01", Some("r"), Some("x")), entry("2012-01-02", Some("x"), None)]);
}

#[test]
fn undated_entries_come_last_in_their_order_and_partial_dates_sort() {
    let resources = [
        study("u1", "", "u1"),
        report("late", "2020", &[], &[]),
        study("u2", "", "u2"),
        report("early", "2019-12-31T23:00:00Z", &[], &[]),
        report("mid", "2020-01", &[], &[]),
    ];
    let story = assemble_story(PatientSummary::default(), &resources);
    assert_eq!(
        shape(&story),
        [
            entry("2019-12-31T23:00:00Z", Some("early"), None),
            entry("2020", Some("late"), None),
            entry("2020-01", Some("mid"), None),
            entry("", None, Some("u1")),
            entry("", None, Some("u2")),
        ]
    );
    assert!(assemble_story(PatientSummary::default(), &[]).entries.is_empty());
}

#[test]
fn dicomweb_roots() {
    assert_eq!(dicomweb_root_of("https://hackathon.siim.org/dicomweb/"), "https://hackathon.siim.org/dicomweb");
    assert_eq!(dicomweb_root_of("https://h/dicom-web/studies/1.2.3/series/4"), "https://h/dicom-web");
    assert_eq!(dicomweb_root_of("https://h/dicom-web/studies"), "https://h/dicom-web");
    assert_eq!(dicomweb_root_of("https://h/dicom-web/studies?PatientID=x"), "https://h/dicom-web");
    assert_eq!(dicomweb_root_of("https://h/studiesarchive/wado"), "https://h/studiesarchive/wado");
    assert_eq!(dicomweb_root_of("https://h/studiesarchive/studies/1"), "https://h/studiesarchive");
    assert_eq!(dicomweb_root_of(""), "");
}

#[test]
fn an_exact_id_match_comes_first_then_every_study_of_the_accession() {
    // The hackathon's shape: no imagingStudy reference; the full study has the report's id, the
    // "Key Images" study another id but the same accession; listed key images first.
    let resources = [
        study("a2571325032426823", "1986-03-30", "a257132503242682"),
        study("a257132503242682", "1986-03-30", "a257132503242682"),
        study("other", "1986-05-05", "a857795211017352"),
        report("a257132503242682", "1986-03-30", &[], &["a257132503242682"]),
    ];
    let story = assemble_story(PatientSummary::default(), &resources);
    let paired = story.entries.iter().find(|e| e.report.is_some()).unwrap();
    let ids: Vec<&str> = paired.studies.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["a257132503242682", "a2571325032426823"]);
    assert!(paired.notes.iter().any(|n| n.contains("2 imaging studies share")), "{:?}", paired.notes);
    let alone = story.entries.iter().find(|e| e.report.is_none()).unwrap();
    assert_eq!(alone.studies[0].id, "other");
    assert!(alone.notes[0].contains("No report"));
}

#[test]
fn a_key_images_study_pairs_through_the_accession_of_the_id_match() {
    // The report's own keys do not name the accession; its id-matched study does.
    let resources = [
        study("r1", "2001-01-01", "acc-9"),
        study("r1-key", "2001-01-01", "acc-9"),
        report("r1", "2001-01-01", &[], &[]),
    ];
    let story = assemble_story(PatientSummary::default(), &resources);
    assert_eq!(story.entries.len(), 1);
    let ids: Vec<&str> = story.entries[0].studies.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["r1", "r1-key"]);
}

#[test]
fn a_referenced_medication_is_named_by_its_code() {
    let resources = [
        json!({"resourceType": "MedicationRequest", "status": "active",
               "medicationReference": {"reference": "Medication/m1", "display": "prescribed medication"},
               "dosageInstruction": [{"text": "ONE tablet daily"}]}),
        json!({"resourceType": "MedicationRequest", "status": "active",
               "medicationReference": {"reference": "Medication/gone", "display": "prescribed medication"}}),
        json!({"resourceType": "Medication", "id": "m1",
               "code": {"coding": [{"system": "http://snomed.info/sct", "code": "x", "display": "levothyroxine 50mcg"}]}}),
    ];
    assert_eq!(missing_medication_ids(&resources), ["gone"]);
    let story = assemble_story(PatientSummary::default(), &resources);
    assert_eq!(story.medications[0].text, "levothyroxine 50mcg");
    assert_eq!(story.medications[0].dosage, "ONE tablet daily");
    assert_eq!(story.medications[1].text, "prescribed medication (Medication/gone is not in the record)");
}
