//! The DICOM JSON Model (PS3.18 F.2) from hand-written objects modelled on the standard's
//! examples (F.2.1.1.2) and on what archives send; expected values are read off the fixtures.

use dicom_core::value::Value as DicomValue;
use dicom_core::{PrimitiveValue, Tag, VR};
use dicom_viewer::dicom::Attributes;
use dicom_viewer::dicomweb::json::{dataset_from_json, insert_bulk_data, parse_metadata, BulkDataRef, MAX_DEPTH};
use dicom_viewer::dicomweb::ResponseError;
use serde_json::json;

fn instance() -> serde_json::Value {
    json!({
        "00080005": { "vr": "CS", "Value": ["ISO_IR 192"] },
        "00080008": { "vr": "CS", "Value": ["ORIGINAL", null, "AXIAL"] },
        "00080050": { "vr": "SH" },
        "00090010": { "vr": "LO", "Value": ["Vendor A"] },
        "00091002": { "vr": "UN", "InlineBinary": "z0x9c8v7" },
        "00100010": { "vr": "PN", "Value": [
            { "Alphabetic": "Yamada^Tarou", "Ideographic": "山田^太郎", "Phonetic": "やまだ^たろう" },
            { "Alphabetic": "Wang^XiaoDong" },
            null
        ] },
        "00101010": { "vr": "AS", "Value": ["030Y"] },
        "00081111": { "vr": "SQ", "Value": [
            { "00081150": { "vr": "UI", "Value": ["1.2.840.10008.3.1.2.3.1"] },
              "00091020": { "vr": "OB", "BulkDataURI": "https://pacs/bulk/nested" } },
            { "00081155": { "vr": "UI", "Value": ["1.2.3.4"] } }
        ] },
        "00081140": { "vr": "SQ" },
        "00200032": { "vr": "DS", "Value": [-125.5, "-130.25", 1.0e-5] },
        "00200013": { "vr": "IS", "Value": ["7"] },
        "00209165": { "vr": "AT", "Value": ["00100020", "0020000e"] },
        "00280010": { "vr": "US", "Value": [512] },
        "00280011": { "vr": "US", "Value": [512.0] },
        "00281050": { "vr": "DS", "Value": [40, null, "300"] },
        "00189219": { "vr": "SS", "Value": [-32768, 32767] },
        "00189220": { "vr": "FD", "Value": [0.1, -2.5e300] },
        "00189221": { "vr": "FL", "Value": [1.5] },
        "00189222": { "vr": "SL", "Value": [-7] },
        "00189223": { "vr": "UL", "Value": [4294967295u64] },
        "00189224": { "vr": "SV", "Value": [-9007199254740993i64] },
        "00189225": { "vr": "UV", "Value": ["18446744073709551615"] },
        "00283006": { "vr": "OW", "InlineBinary": "AQACAP//" },
        "7FE00010": { "vr": "OW", "BulkDataURI": "https://pacs/studies/1/series/2/instances/3/bulk/7FE00010" }
    })
}

fn strings(value: &DicomValue<dicom_object::InMemDicomObject>) -> Vec<String> {
    value.to_multi_str().expect("strings").iter().map(|s| s.to_string()).collect()
}

#[test]
fn every_vr_of_the_model() {
    let parsed = dataset_from_json(&instance()).expect("parses");
    let dataset = &parsed.dataset;
    let attrs = Attributes(dataset);
    let value = |group, element| dataset.get(Tag(group, element)).expect("present").value();
    assert_eq!(strings(value(0x0008, 0x0008)), ["ORIGINAL", "", "AXIAL"]);
    assert!(value(0x0008, 0x0050).primitive().is_some_and(|p| *p == PrimitiveValue::Empty), "no Value: empty");
    assert_eq!(attrs.string(Tag(0x0009, 0x0010)).as_deref(), Some("Vendor A"), "private creator kept");
    // "z0x9c8v7" = 110011 110100 110001 111101 011100 111100 101111 111011
    assert_eq!(value(0x0009, 0x1002).to_bytes().expect("bytes").as_ref(), [0xCF, 0x4C, 0x7D, 0x73, 0xCB, 0xFB]);
    assert_eq!(strings(value(0x0010, 0x0010)), ["Yamada^Tarou=山田^太郎=やまだ^たろう", "Wang^XiaoDong", ""]);
    let items = attrs.items(Tag(0x0008, 0x1111));
    assert_eq!(items.len(), 2);
    assert_eq!(Attributes(&items[1]).string(Tag(0x0008, 0x1155)).as_deref(), Some("1.2.3.4"));
    assert!(Attributes(&items[0]).bytes(Tag(0x0009, 0x1020)).is_none(), "bulk data is not inserted");
    assert!(attrs.items(Tag(0x0008, 0x1140)).is_empty() && attrs.has(Tag(0x0008, 0x1140)));
    assert_eq!(attrs.floats(Tag(0x0020, 0x0032)), [-125.5, -130.25, 1.0e-5]);
    assert_eq!(attrs.int(Tag(0x0020, 0x0013)), Some(7));
    assert_eq!(
        value(0x0020, 0x9165).primitive(),
        Some(&PrimitiveValue::Tags([Tag(0x0010, 0x0020), Tag(0x0020, 0x000E)].into_iter().collect()))
    );
    assert_eq!((attrs.int(Tag(0x0028, 0x0010)), attrs.int(Tag(0x0028, 0x0011))), (Some(512), Some(512)));
    assert_eq!(strings(value(0x0028, 0x1050)), ["40", "", "300"]);
    assert_eq!(attrs.ints(Tag(0x0018, 0x9219)), [-32768, 32767]);
    assert_eq!(attrs.floats(Tag(0x0018, 0x9220)), [0.1, -2.5e300]);
    assert_eq!(attrs.float(Tag(0x0018, 0x9221)), Some(1.5));
    assert_eq!(attrs.int(Tag(0x0018, 0x9222)), Some(-7));
    assert_eq!(attrs.int(Tag(0x0018, 0x9223)), Some(4_294_967_295));
    assert_eq!(value(0x0018, 0x9224).to_int::<i64>().ok(), Some(-9_007_199_254_740_993));
    assert_eq!(value(0x0018, 0x9225).to_int::<u64>().ok(), Some(u64::MAX));
    assert_eq!(attrs.words(Tag(0x0028, 0x3006)), Some(vec![1, 2, 0xFFFF]));
    assert_eq!(
        parsed.bulk_data,
        vec![
            BulkDataRef {
                tag: Tag(0x0009, 0x1020),
                uri: "https://pacs/bulk/nested".into(),
                vr: VR::OB,
                in_sequence: true
            },
            BulkDataRef {
                tag: Tag(0x7FE0, 0x0010),
                uri: "https://pacs/studies/1/series/2/instances/3/bulk/7FE00010".into(),
                vr: VR::OW,
                in_sequence: false
            },
        ]
    );
    assert!(!attrs.has(Tag(0x7FE0, 0x0010)));
}

#[test]
fn bulk_data_is_inserted_at_the_root_only() {
    let mut parsed = dataset_from_json(&instance()).expect("parses");
    let pixel_data = parsed.bulk_data[1].clone();
    insert_bulk_data(&mut parsed.dataset, &pixel_data, vec![1, 2, 3, 4]).expect("inserted");
    assert_eq!(Attributes(&parsed.dataset).bytes(Tag(0x7FE0, 0x0010)).as_deref(), Some(&[1u8, 2, 3, 4][..]));
    let nested = parsed.bulk_data[0].clone();
    assert!(matches!(insert_bulk_data(&mut parsed.dataset, &nested, vec![0; 2]), Err(ResponseError::Model(_))));
    let lut = BulkDataRef { tag: Tag(0x0028, 0x1201), uri: String::new(), vr: VR::US, in_sequence: false };
    insert_bulk_data(&mut parsed.dataset, &lut, vec![0x10, 0x00, 0x20]).expect_err("odd byte count for US");
    insert_bulk_data(&mut parsed.dataset, &lut, vec![0x10, 0x00, 0x20, 0x01]).expect("US words");
    assert_eq!(Attributes(&parsed.dataset).ints(Tag(0x0028, 0x1201)), [0x10, 0x120]);
}

fn error_of(object: serde_json::Value) -> String {
    match dataset_from_json(&object) {
        Ok(_) => panic!("accepted {object}"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn malformed_attributes_name_the_element() {
    let message = error_of(json!({ "00280010": { "vr": "US", "Value": ["abc"] } }));
    assert!(message.contains("element 00280010 has value \"abc\" where"), "{message}");
    let message = error_of(json!({ "00280010": { "vr": "US", "Value": [70000] } }));
    assert!(message.contains("70000"), "{message}");
    assert!(error_of(json!({ "00281050": { "vr": "DS", "Value": ["wide"] } })).contains("00281050"));
    assert!(error_of(json!({ "00200013": { "vr": "IS", "Value": [1.5] } })).contains("an integer"));
    assert!(error_of(json!({ "00100010": { "Value": ["x"] } })).contains("no \"vr\""));
    assert!(error_of(json!({ "00100010": { "vr": "QQ" } })).contains("unknown VR"));
    assert!(error_of(json!({ "0010001": { "vr": "PN" } })).contains("0010001"));
    assert!(error_of(json!({ "0010001G": { "vr": "PN" } })).contains("eight hexadecimal"));
    assert!(error_of(json!({ "00100010": "Doe^John" })).contains("not an object"));
    assert!(error_of(json!({ "00091002": { "vr": "OB", "InlineBinary": "@@@@" } })).contains("not base64"));
    assert!(error_of(json!({ "00091002": { "vr": "OB", "Value": [1, 2] } })).contains("InlineBinary"));
    assert!(error_of(json!({ "00209165": { "vr": "AT", "Value": ["(0010,0020)"] } })).contains("GGGGEEEE"));
    assert!(error_of(json!({ "00280010": { "vr": "US", "Value": [null] } })).contains("00280010"));
    assert!(error_of(json!([])).contains("an array"));
}

fn nested(levels: usize) -> serde_json::Value {
    let mut object = json!({ "00100020": { "vr": "LO", "Value": ["leaf"] } });
    for _ in 0..levels {
        object = json!({ "00081115": { "vr": "SQ", "Value": [object] } });
    }
    object
}

#[test]
fn sequence_depth_is_limited() {
    dataset_from_json(&nested(MAX_DEPTH)).expect("16 levels are accepted");
    let error = dataset_from_json(&nested(MAX_DEPTH + 1)).expect_err("17 levels are refused");
    assert!(matches!(error, ResponseError::TooLarge { limit: MAX_DEPTH, .. }), "{error}");
}

#[test]
fn metadata_bodies() {
    assert!(parse_metadata(b"").expect("empty").is_empty());
    assert!(parse_metadata(b" \r\n").expect("blank").is_empty());
    assert!(parse_metadata(b"[]").expect("no instances").is_empty());
    let body = serde_json::to_vec(&json!([instance(), { "00080018": { "vr": "UI", "Value": ["9.8.7"] } }])).unwrap();
    let instances = parse_metadata(&body).expect("two instances");
    assert_eq!(instances.len(), 2);
    assert_eq!(Attributes(&instances[1].dataset).string(Tag(0x0008, 0x0018)).as_deref(), Some("9.8.7"));
    assert!(matches!(parse_metadata(b"{\"a\":1}"), Err(ResponseError::Model(_))));
    assert!(matches!(parse_metadata(b"[{\"00100010\":"), Err(ResponseError::Json(_))));
    assert!(matches!(parse_metadata(b"[1]"), Err(ResponseError::Model(_))));
}
