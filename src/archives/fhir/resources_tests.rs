//! Hand-written resources in the shapes of the FHIR R4 pages, with the odd cases: a `urn:oid:`
//! prefix, identifiers of other systems, missing elements, base64 report text.

use super::*;
use serde_json::json;

#[test]
fn patient_prefers_the_official_name() {
    let patient = json!({"resourceType": "Patient", "id": "siimjoe",
        "identifier": [{"system": "http://hospital.smarthealthit.org", "value": "TCGA-50-5072"}, {"system": "x"}],
        "name": [{"use": "usual", "given": ["Joe"]}, {"use": "official", "family": "SIIM", "given": ["Joe", "A"]}],
        "gender": "male", "birthDate": "1951-01-20"});
    let summary = patient_summary(&patient).unwrap();
    assert_eq!(summary.id, "siimjoe");
    assert_eq!(summary.name, "SIIM, Joe A");
    assert_eq!((summary.gender.as_str(), summary.birth_date.as_str()), ("male", "1951-01-20"));
    assert_eq!(summary.identifiers, ["TCGA-50-5072"]);
    let bare = patient_summary(&json!({"resourceType": "Patient", "id": "p", "name": [{"text": "Jane Roe"}]})).unwrap();
    assert_eq!((bare.name.as_str(), bare.gender.as_str()), ("Jane Roe", ""));
    assert!(patient_summary(&json!({"resourceType": "Condition"})).is_none());
}

#[test]
fn conditions_and_medications() {
    let asthma = condition(&json!({"resourceType": "Condition",
        "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},
        "code": {"coding": [{"system": "http://snomed.info/sct", "code": "195967001", "display": "Asthma"}]},
        "onsetPeriod": {"start": "2009-03-01"}}))
    .unwrap();
    assert_eq!(
        asthma,
        Condition { text: "Asthma".into(), onset: "2009-03-01".into(), clinical_status: "active".into() }
    );
    let request = medication(&json!({"resourceType": "MedicationRequest", "status": "active",
        "medicationCodeableConcept": {"coding": [{"display": "Albuterol 90 MCG"}]}, "authoredOn": "2012-05-01"}))
    .unwrap();
    assert_eq!(
        (request.text.as_str(), request.status.as_str(), request.authored.as_str()),
        ("Albuterol 90 MCG", "active", "2012-05-01")
    );
    let statement = medication(&json!({"resourceType": "MedicationStatement", "status": "completed",
        "medicationReference": {"reference": "Medication/m1", "display": "Tamoxifen"}, "effectivePeriod": {"start": "2014"}}))
    .unwrap();
    assert_eq!((statement.text.as_str(), statement.authored.as_str()), ("Tamoxifen", "2014"));
    assert_eq!(medication(&json!({"resourceType": "MedicationRequest"})).unwrap(), Medication::default());
}

#[test]
fn reports_decode_plain_text_or_strip_the_narrative() {
    // "Findings: normal.\n" in base64.
    let with_form = report(&json!({"resourceType": "DiagnosticReport", "id": "a100", "status": "final",
        "code": {"text": "CT CHEST"}, "effectivePeriod": {"start": "2012-06-01T10:00:00Z"}, "issued": "2012-06-02",
        "conclusion": "No change.", "identifier": [{"value": "a100"}],
        "imagingStudy": [{"reference": "ImagingStudy/s1"}, {"reference": "Patient/x"}, {"display": "no reference"}],
        "presentedForm": [{"contentType": "application/pdf", "data": "JVBERi0="},
                          {"contentType": "text/plain; charset=utf-8", "data": "RmluZGluZ3M6IG5vcm1hbC4K"}],
        "text": {"div": "<div>ignored</div>"}}))
    .unwrap();
    assert_eq!(with_form.text, "Findings: normal.");
    assert_eq!((with_form.title.as_str(), with_form.date.as_str()), ("CT CHEST", "2012-06-01T10:00:00Z"));
    assert_eq!(with_form.imaging_study_ids, ["s1"]);
    assert_eq!(with_form.identifiers, ["a100"]);
    let narrative = report(&json!({"resourceType": "DiagnosticReport", "id": "r2", "issued": "2013-01-01",
        "presentedForm": [{"contentType": "text/plain", "data": "not base64!"}],
        "text": {"status": "generated", "div": "<div><p>Mass in <b>left</b> breast.</p></div>"}}))
    .unwrap();
    assert_eq!((narrative.text.as_str(), narrative.date.as_str()), ("Mass in left breast.", "2013-01-01"));
    assert!(narrative.imaging_study_ids.is_empty() && narrative.title.is_empty());
}

#[test]
fn studies_take_the_dicom_uid_and_accession_only() {
    let study = study_ref(&json!({"resourceType": "ImagingStudy", "id": "a100", "started": "2012-06-01T09:55:00Z",
        "identifier": [
            {"system": "urn:ietf:rfc:3986", "value": "urn:oid:9.9.9"},
            {"system": "urn:dicom:uid", "value": "urn:oid:1.3.6.1.4.1.14519.5.2.1.7777.9002.1"},
            {"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "ACSN"}]}, "value": "a100"}],
        "modality": [{"system": "http://dicom.nema.org/resources/ontology/DCM", "code": "CT"}, {"coding": [{"code": "SR"}]}],
        "numberOfSeries": 2, "numberOfInstances": "130", "description": "CT CHEST W CONTRAST",
        "endpoint": [{"reference": "Endpoint/siim-dicomweb"}]}))
    .unwrap();
    assert_eq!(study.study_uid.as_deref(), Some("1.3.6.1.4.1.14519.5.2.1.7777.9002.1"));
    assert_eq!(study.accession.as_deref(), Some("a100"));
    assert_eq!(study.modalities, ["CT", "SR"]);
    // No study-level modality (the hackathon's shape): the series' modalities, once each.
    let by_series = study_ref(&json!({"resourceType": "ImagingStudy", "id": "s",
        "series": [{"uid": "1.2", "modality": {"system": "http://dicom.nema.org/resources/ontology/DCM", "code": "CT"}},
                   {"uid": "1.3", "modality": {"code": "KO"}}, {"uid": "1.4", "modality": {"code": "CT"}}, {"uid": "1.5"}]}))
    .unwrap();
    assert_eq!(by_series.modalities, ["CT", "KO"]);
    assert_eq!((study.series_count, study.instance_count), (Some(2), Some(130)));
    assert_eq!(study.endpoint_refs, ["Endpoint/siim-dicomweb"]);
    let odd = study_ref(&json!({"resourceType": "ImagingStudy", "id": "b",
        "identifier": [{"system": "urn:dicom:uid", "value": "urn:oid:not-a-uid"},
                       {"system": "http://example.org/accession-numbers", "value": "ACC-7"}]}))
    .unwrap();
    assert_eq!((odd.study_uid, odd.accession.as_deref()), (None, Some("ACC-7")));
    assert_eq!((odd.series_count, odd.started.as_str()), (None, ""));
    let plain_uid = study_ref(
        &json!({"resourceType": "ImagingStudy", "identifier": [{"system": "urn:dicom:uid", "value": "1.2.3"}]}),
    );
    assert_eq!(plain_uid.unwrap().study_uid.as_deref(), Some("1.2.3"));
}

#[test]
fn endpoints() {
    let endpoint = endpoint(&json!({"resourceType": "Endpoint", "id": "e1", "status": "active",
        "connectionType": {"system": "http://terminology.hl7.org/CodeSystem/endpoint-connection-type", "code": "dicom-wado-rs"},
        "address": "https://hackathon.siim.org/dicomweb/"}))
    .unwrap();
    assert_eq!(endpoint.address, "https://hackathon.siim.org/dicomweb/");
    assert_eq!(endpoint.connection_type, "dicom-wado-rs");
}
