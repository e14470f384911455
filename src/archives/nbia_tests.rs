//! NBIA v4 URLs and bodies in the shapes the server's v4 resources produce (column lists in
//! V4_getPatient / V4_getPatientStudy / V4_getSeries), with empty bodies and numeric values.

use super::*;

#[test]
fn urls_use_each_endpoints_own_parameter_names() {
    assert_eq!(collections_url("https://n/v4/"), "https://n/v4/getCollectionValues");
    assert_eq!(patients_url(NBIA_BASE, "TCGA-BRCA"), format!("{NBIA_BASE}/getPatient?Collection=TCGA-BRCA"));
    assert_eq!(patients_url("https://n/v4", "RIDER Lung CT"), "https://n/v4/getPatient?Collection=RIDER%20Lung%20CT");
    assert_eq!(
        studies_url("https://n/v4", "LIDC-IDRI", "LIDC-IDRI-0001"),
        "https://n/v4/getPatientStudy?Collection=LIDC-IDRI&PatientID=LIDC-IDRI-0001"
    );
    assert_eq!(
        series_url("https://n/v4", " 1.3.6.1.4.1.9328.50.1.2 ").unwrap(),
        "https://n/v4/getSeries?StudyInstanceUID=1.3.6.1.4.1.9328.50.1.2"
    );
    assert_eq!(image_zip_url("https://n/v4", "1.2.3").unwrap(), "https://n/v4/getImage?SeriesInstanceUID=1.2.3");
    assert!(matches!(image_zip_url("https://n/v4", "1.2.3&x=1"), Err(QueryError::InvalidUid { .. })));
}

#[test]
fn empty_bodies_are_empty_results() {
    assert_eq!(parse_collections(b""), Ok(vec![]));
    assert_eq!(parse_patients(b" \r\n"), Ok(vec![]));
    assert_eq!(parse_series(b"[]"), Ok(vec![]));
}

#[test]
fn collections_patients_studies_and_series() {
    let collections = br#"[{"Collection":"4D-Lung"},{"Collection":"ACRIN-FLT-Breast"},{"Collection":""}]"#;
    assert_eq!(parse_collections(collections).unwrap(), ["4D-Lung", "ACRIN-FLT-Breast"]);
    let patients = br#"[{"PatientId":"100_HM10395","PatientName":"100_HM10395","PatientSex":"M","Collection":"4D-Lung","Phantom":"NO"},
                        {"PatientID":"101","Collection":"4D-Lung"}]"#;
    let patients = parse_patients(patients).unwrap();
    assert_eq!(
        patients[0],
        NbiaPatient {
            id: "100_HM10395".into(),
            name: "100_HM10395".into(),
            collection: "4D-Lung".into(),
            sex: "M".into()
        }
    );
    assert_eq!(patients[1].id, "101");
    let studies = br#"[{"StudyInstanceUID":"1.3.6.1.4.1.14519.5.2.1.6834.5010.1","StudyDate":"1997-11-12","StudyDescription":"P4^P104","PatientID":"100_HM10395","SeriesCount":10},
                       {"StudyInstanceUID":"1.2.3","SeriesCount":"3"}]"#;
    let studies = parse_studies(studies).unwrap();
    assert_eq!(studies[0].series_count, Some(10));
    assert_eq!((studies[0].date.as_str(), studies[0].patient_id.as_str()), ("1997-11-12", "100_HM10395"));
    assert_eq!(studies[1].series_count, Some(3));
    let series = br#"[{"SeriesInstanceUID":"1.2.3.4","StudyInstanceUID":"1.2.3","Modality":"CT","BodyPartExamined":"CHEST",
        "SeriesDescription":"P4^P104^S303^I10, Gated, 0.0%","SeriesNumber":303,"ImageCount":109,"FileSize":57427312,
        "Manufacturer":"Philips","TimeStamp":"2016-04-11"},{"SeriesInstanceUID":"5.6","ImageCount":"x","FileSize":1.5}]"#;
    let series = parse_series(series).unwrap();
    assert_eq!(
        series[0],
        NbiaSeries {
            series_uid: "1.2.3.4".into(),
            study_uid: "1.2.3".into(),
            modality: "CT".into(),
            body_part: "CHEST".into(),
            description: "P4^P104^S303^I10, Gated, 0.0%".into(),
            image_count: Some(109),
            size_bytes: Some(57_427_312),
            manufacturer: "Philips".into(),
        }
    );
    assert_eq!((series[1].image_count, series[1].size_bytes), (None, None));
}

#[test]
fn malformed_bodies_and_statuses() {
    assert!(matches!(parse_series(b"<html>Service Unavailable</html>"), Err(NbiaError::Json(_))));
    assert!(matches!(parse_series(br#"{"error":"x"}"#), Err(NbiaError::Shape(_))));
    assert!(matches!(parse_collections(b"[1,2]"), Err(NbiaError::Shape(_))));
    assert!(describe_status(Lang::En, 400, "the patient list").contains("parameter"));
    assert!(describe_status(Lang::En, 503, "the series list").contains("try again"));
    assert!(describe_status(Lang::En, 0, "the ZIP").contains("connection"));
}

#[test]
fn a_series_download_asks_for_what_the_server_produces_and_words_its_refusal() {
    // JAX-RS @Produces(application/octet-stream): the Accept must admit it.
    let accepted: Vec<&str> =
        IMAGE_ZIP_ACCEPT.split(',').map(|range| range.split(';').next().unwrap_or("").trim()).collect();
    assert!(accepted.contains(&"application/octet-stream") && !accepted.contains(&"application/zip"), "{accepted:?}");
    let status = |code| FetchFailure::Status { code, retry_after_seconds: None };
    let denied = describe_failure(Lang::En, &status(400), "the series archive", true).unwrap();
    assert!(denied.contains("TCIA") && denied.contains("access") && denied.contains("public collection"), "{denied}");
    assert!(!denied.contains("bug"), "{denied}");
    let listing = describe_failure(Lang::En, &status(400), "the series list", false).unwrap();
    assert!(listing.contains("parameter"), "{listing}");
    assert!(describe_failure(Lang::En, &status(503), "the series archive", true).unwrap().contains("try again"));
    assert_eq!(describe_failure(Lang::En, &FetchFailure::Network, "the series archive", true), None);
    let german = describe_failure(Lang::De, &status(400), "das Serienarchiv", true).unwrap_or_default();
    assert!(
        german.contains("TCIA") && german.contains("das Serienarchiv") && german.contains("öffentliche"),
        "{german}"
    );
}
