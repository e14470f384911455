//! The SIIM hackathon personas as the real FHIR server holds them
//! (`../shared/fhir/siim-hackathon/personas-r4.json`, read at test time; `$FHIR_DATA` overrides
//! the folder): every Patient's story assembled from the resources a `patient=` search returns
//! (plus the Medications `_include=MedicationRequest:medication` adds), and checked against what
//! the data says: conditions, drugs by name, each report beside every study of its id/accession
//! (several studies per accession), modalities read from `series[]`, and a plain note wherever
//! the data lacks a pairing or contradicts itself (Joe's 1986-03-30 CT).
//!
//! Like a FHIR server, one id per resource type: where the file holds two resources with one
//! type and id (Joe's and Ravi's DiagnosticReport a819497684894126, see its provenance), the
//! later one is what the server keeps, as the FHIR stand-in serves it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use dicom_viewer::archives::fhir::{assemble_story, patient_summary, PatientStory};
use serde_json::Value;

fn personas() -> Vec<Value> {
    let dir = std::env::var("FHIR_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fhir"));
    let path = dir.join("siim-hackathon/personas-r4.json");
    let text = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let value: Value = serde_json::from_slice(&text).expect("personas-r4.json is JSON");
    let mut by_key: BTreeMap<(String, String), (usize, Value)> = BTreeMap::new();
    for (order, resource) in value["resources"].as_array().expect("resources[]").iter().enumerate() {
        let key = (
            resource["resourceType"].as_str().unwrap_or("").to_string(),
            resource["id"].as_str().unwrap_or("").to_string(),
        );
        by_key.insert(key, (order, resource.clone()));
    }
    let mut kept: Vec<(usize, Value)> = by_key.into_values().collect();
    kept.sort_by_key(|(order, _)| *order);
    kept.into_iter().map(|(_, resource)| resource).collect()
}

/// The story the page builds for `patient`: the patient's resources by `subject`, and the
/// Medications its MedicationRequests reference.
fn story(resources: &[Value], patient: &str) -> PatientStory {
    let subject = format!("Patient/{patient}");
    let own: Vec<Value> =
        resources.iter().filter(|r| r["subject"]["reference"].as_str() == Some(subject.as_str())).cloned().collect();
    let included: Vec<Value> = resources
        .iter()
        .filter(|r| r["resourceType"] == "Medication")
        .filter(|m| {
            let reference = format!("Medication/{}", m["id"].as_str().unwrap_or(""));
            own.iter().any(|r| r["medicationReference"]["reference"].as_str() == Some(reference.as_str()))
        })
        .cloned()
        .collect();
    let person = resources
        .iter()
        .find(|r| r["resourceType"] == "Patient" && r["id"].as_str() == Some(patient))
        .and_then(patient_summary)
        .unwrap_or_else(|| panic!("no Patient/{patient}"));
    assemble_story(person, &[own, included].concat())
}

/// (report id or "-", [study id: modalities], notes joined)
fn timeline(story: &PatientStory) -> Vec<(String, Vec<String>, String)> {
    story
        .entries
        .iter()
        .map(|e| {
            (
                e.report.as_ref().map_or("-".to_string(), |r| r.id.clone()),
                e.studies.iter().map(|s| format!("{}:{}", s.id, s.modalities.join("+"))).collect(),
                e.notes.join(" | "),
            )
        })
        .collect()
}

fn find<'a>(line: &'a [(String, Vec<String>, String)], report: &str) -> &'a (String, Vec<String>, String) {
    line.iter().find(|(r, _, _)| r == report).unwrap_or_else(|| panic!("no entry for report {report}: {line:#?}"))
}

fn lone_studies(line: &[(String, Vec<String>, String)]) -> Vec<String> {
    line.iter().filter(|(r, _, _)| r == "-").flat_map(|(_, s, _)| s.clone()).collect()
}

#[test]
fn every_persona_story_comes_out_right() {
    let resources = personas();
    let patients: Vec<String> = resources
        .iter()
        .filter(|r| r["resourceType"] == "Patient")
        .filter_map(|r| r["id"].as_str().map(str::to_string))
        .collect();
    assert_eq!(patients, ["siimandy", "siimjoe", "siimravi", "siimsally", "siimneela", "145"]);
    let mut told = 0;

    // Andy: lung cancer; eight reports, each beside the study of its id; modality from series.
    let andy = story(&resources, "siimandy");
    let line = timeline(&andy);
    println!("Andy: {line:#?}");
    assert_eq!(andy.patient.name, "SIIM, Andy");
    assert_eq!(andy.conditions.iter().map(|c| c.text.as_str()).collect::<Vec<_>>(), ["Lung cancer NOS"]);
    assert!(andy.medications.is_empty());
    assert_eq!(find(&line, "a508258761846499").1, ["a508258761846499:CT"]);
    assert_eq!(find(&line, "a372611551565644").1, ["a372611551565644:CT"]);
    assert_eq!(find(&line, "a411079800582267").1, ["a411079800582267:NM"]);
    assert_eq!(find(&line, "a956893214499959").1, ["a956893214499959:"], "no series, no modality in the data");
    for id in ["a5748109426316800", "a5748109426316801", "a5748109426316802", "a5748109426316804"] {
        assert_eq!(find(&line, id).1, [format!("{id}:")]);
    }
    assert!(lone_studies(&line).is_empty());
    let dates: Vec<&str> = andy.entries.iter().map(|e| e.date.as_str()).collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "oldest first: {dates:?}");
    told += 1;

    // Joe: two accessions with a full and a "Key Images" study; his 1986-03-30 CT's records
    // contradict each other (same counts, different Study Instance UIDs) and the story says so.
    let joe = story(&resources, "siimjoe");
    let line = timeline(&joe);
    println!("Joe: {line:#?}");
    assert!(joe.conditions.is_empty() && joe.medications.is_empty());
    let ct = find(&line, "a257132503242682");
    assert_eq!(ct.1, ["a257132503242682:CT", "a2571325032426823:KO"], "exact id first, then the accession");
    assert!(ct.2.contains("2 imaging studies share") && ct.2.contains("different Study Instance UIDs"), "{}", ct.2);
    let cap = find(&line, "a173095681219824");
    assert_eq!(cap.1, ["a173095681219824:", "a1730956812198241:CT"]);
    assert!(
        cap.2.contains("same Study Instance UID") && cap.2.contains("dated 1986-03-30, its study 1986-09-28"),
        "{}",
        cap.2
    );
    assert_eq!(find(&line, "a857795211017352").1, ["a857795211017352:CT"]);
    assert_eq!(find(&line, "a654061970756517").1, ["a654061970756517:CT"]);
    for alone in ["z058path", "a9488265223658752"] {
        let entry = find(&line, alone);
        assert!(entry.1.is_empty() && entry.2.contains("No ImagingStudy"), "{entry:?}");
    }
    // His PET/CT report's id is held by Ravi's report on the server: the study stands alone.
    assert_eq!(lone_studies(&line), ["a819497684894125:PT", "a9488265223658754:"]);
    assert!(line.iter().filter(|(r, _, _)| r == "-").all(|(_, _, n)| n.contains("No report")));
    told += 1;

    // Ravi: a nodule; three reports with their studies (CR, CT, CT without modality).
    let ravi = story(&resources, "siimravi");
    let line = timeline(&ravi);
    println!("Ravi: {line:#?}");
    assert_eq!(ravi.conditions.iter().map(|c| c.text.as_str()).collect::<Vec<_>>(), ["Solitary pulmonary nodule"]);
    assert_eq!(find(&line, "a819497684894127").1, ["a819497684894127:CR"]);
    assert_eq!(find(&line, "a819497684894126").1, ["a819497684894126:CT"]);
    assert_eq!(find(&line, "a819497684894128").1, ["a819497684894128:"]);
    assert!(lone_studies(&line).is_empty());
    told += 1;

    // Sally: levothyroxine through medicationReference → Medication; mammograms and an MRI.
    let sally = story(&resources, "siimsally");
    let line = timeline(&sally);
    println!("Sally: {line:#?} {:?}", sally.medications);
    assert_eq!(sally.medications.len(), 1);
    assert_eq!(sally.medications[0].text, "levothyroxine sodium 50mcg once daily (product)");
    assert_eq!(sally.medications[0].dosage, "ONE tablet taken ONCE daily");
    for id in ["a361814883895900", "a278028270041068", "a085557173658239", "a889127246021897"] {
        assert_eq!(find(&line, id).1, [format!("{id}:")]);
    }
    assert!(find(&line, "a361814883895900").2.contains("dated 2008-04-19, its study 2008-04-22"));
    assert!(find(&line, "a4729320611564430").2.contains("No ImagingStudy"));
    assert!(lone_studies(&line).is_empty());
    told += 1;

    // Neela: the data holds her Patient only (her reports and studies were not in the source).
    let neela = story(&resources, "siimneela");
    assert!(neela.conditions.is_empty() && neela.medications.is_empty() && neela.entries.is_empty());
    told += 1;

    // Bibata (Patient/145): one MR prostate report, no ImagingStudy of hers.
    let bibata = story(&resources, "145");
    let line = timeline(&bibata);
    println!("Bibata: {line:#?}");
    assert_eq!(bibata.patient.name, "Amadou, Bibata");
    assert_eq!(line.len(), 1);
    assert!(line[0].0 == "162" && line[0].1.is_empty() && line[0].2.contains("No ImagingStudy"));
    told += 1;
    assert_eq!(told, patients.len());
}
