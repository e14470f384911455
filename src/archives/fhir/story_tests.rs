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
        .map(|e| (e.date.clone(), e.report.as_ref().map(|r| r.id.clone()), e.study.as_ref().map(|s| s.id.clone())))
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
