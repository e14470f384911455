//! QIDO-RS results (PS3.18 §10.6.3) as list rows, from bodies shaped like Orthanc's DICOMweb
//! plugin answers (IS counts as strings) and like dcm4chee's (IS as numbers, PN groups).

use dicom_viewer::dicomweb::json::{parse_instance_rows, parse_series_rows, parse_study_rows, StudyRow};
use dicom_viewer::dicomweb::ResponseError;

const ORTHANC_STUDIES: &str = r#"[
 {"00080005":{"Value":["ISO_IR 100"],"vr":"CS"},"00080020":{"Value":["20061012"],"vr":"DA"},
  "00080030":{"Value":["090258.000000"],"vr":"TM"},"00080050":{"vr":"SH"},
  "00080061":{"Value":["CT","PT"],"vr":"CS"},"00081030":{"Value":["PET^1_PETCT_WB_01 (Adult)"],"vr":"LO"},
  "00081190":{"Value":["http://localhost:8042/dicom-web/studies/1.3.6.1.4.1.14519.5.2.1.7009.2403.3349"],"vr":"UR"},
  "00100010":{"Value":[{"Alphabetic":"Anonymized^Patient"}],"vr":"PN"},"00100020":{"Value":["P-001"],"vr":"LO"},
  "00100030":{"vr":"DA"},"0020000D":{"Value":["1.3.6.1.4.1.14519.5.2.1.7009.2403.3349"],"vr":"UI"},
  "00200010":{"Value":["1"],"vr":"SH"},"00201206":{"Value":["2"],"vr":"IS"},"00201208":{"Value":["554"],"vr":"IS"}},
 {"00100010":{"Value":[{"Alphabetic":"No^UID"}],"vr":"PN"}},
 {"0020000D":{"vr":"UI","Value":["2.25.1"]},"00100010":{"vr":"PN","Value":[{"Alphabetic":"Yamada^Tarou","Ideographic":"山田^太郎"}]},
  "00100030":{"vr":"DA","Value":["19700101"]},"00201206":{"vr":"IS","Value":[3]},"00201208":{"vr":"IS","Value":[-1]}}
]"#;

#[test]
fn study_rows() {
    let rows = parse_study_rows(ORTHANC_STUDIES.as_bytes()).expect("parses");
    assert_eq!(rows.len(), 2, "the result without a Study Instance UID is skipped");
    assert_eq!(
        rows[0],
        StudyRow {
            study_uid: "1.3.6.1.4.1.14519.5.2.1.7009.2403.3349".into(),
            patient_name: "Anonymized^Patient".into(),
            patient_id: "P-001".into(),
            patient_birth_date: String::new(),
            study_date: "20061012".into(),
            study_time: "090258.000000".into(),
            accession_number: String::new(),
            modalities: vec!["CT".into(), "PT".into()],
            description: "PET^1_PETCT_WB_01 (Adult)".into(),
            series_count: Some(2),
            instance_count: Some(554),
        }
    );
    assert_eq!(rows[1].patient_name, "Yamada^Tarou", "the Alphabetic group only");
    assert_eq!(rows[1].patient_birth_date, "19700101");
    assert_eq!((rows[1].series_count, rows[1].instance_count), (Some(3), None), "a negative count is not a count");
}

#[test]
fn series_and_instance_rows() {
    let body = br#"[
      {"0020000D":{"vr":"UI","Value":["1.2"]},"0020000E":{"vr":"UI","Value":["1.2.3"]},
       "00080060":{"vr":"CS","Value":["MR"]},"0008103E":{"vr":"LO","Value":["T2 AX"]},
       "00200011":{"vr":"IS","Value":[-4]},"00201209":{"vr":"IS","Value":["20"]},"00180015":{"vr":"CS","Value":["HEAD"]}},
      {"0020000E":{"vr":"UI","Value":["1.2.4"]},"00200011":{"vr":"IS","Value":["x"]}},
      {"0020000D":{"vr":"UI","Value":["1.2"]}}
    ]"#;
    let rows = parse_series_rows(body).expect("parses");
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (rows[0].series_uid.as_str(), rows[0].modality.as_str(), rows[0].description.as_str()),
        ("1.2.3", "MR", "T2 AX")
    );
    assert_eq!(
        (rows[0].series_number, rows[0].instance_count, rows[0].body_part.as_str()),
        (Some(-4), Some(20), "HEAD")
    );
    assert_eq!((rows[1].study_uid.as_str(), rows[1].series_number), ("", None));
    let instances = br#"[{"00080018":{"vr":"UI","Value":["1.2.3.4"]},"00200013":{"vr":"IS","Value":[12]}},{"00200013":{"vr":"IS","Value":[1]}}]"#;
    let rows = parse_instance_rows(instances).expect("parses");
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].sop_instance_uid.as_str(), rows[0].instance_number), ("1.2.3.4", Some(12)));
}

#[test]
fn empty_and_malformed_bodies() {
    assert!(parse_study_rows(b"").expect("no content").is_empty());
    assert!(parse_series_rows(b"[]").expect("no matches").is_empty());
    assert!(matches!(parse_study_rows(b"<html>error</html>"), Err(ResponseError::Json(_))));
    assert!(matches!(parse_study_rows(b"[\"1.2\"]"), Err(ResponseError::Model(_))));
}
