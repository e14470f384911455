//! DICOM JSON of real objects: (1) a test-side converter writes each corpus data set as DICOM
//! JSON (F.2) and `dataset_from_json` must restore every value; (2) dcmtk's dcm2json, an
//! independent writer, gives JSON from which the image module and the study-browser metadata
//! must read exactly as from the PS3.10 file.

use dicom_core::header::{HasLength, Header};
use dicom_core::value::Value as DicomValue;
use dicom_core::{PrimitiveValue, Tag, VR};
use dicom_object::{InMemDicomObject, OpenFileOptions};
use dicom_viewer::dicom::{Attributes, DicomImage, ImageInfo};
use dicom_viewer::dicomweb::json::dataset_from_json;
use dicom_viewer::study::InstanceMeta;
use serde_json::{json, Map, Value};

use super::corpus;
use super::frame_file::frame_bytes;
use dicom_viewer::dicomweb::frame_file::frame_file_parts;

const BINARY: [VR; 7] = [VR::OB, VR::OW, VR::OF, VR::OD, VR::OL, VR::OV, VR::UN];

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            out.push(if i <= chunk.len() { ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char } else { '=' });
        }
    }
    out
}

fn trimmed(values: &[String]) -> Vec<String> {
    values.iter().map(|v| v.trim_end_matches([' ', '\0']).trim_start().to_string()).collect()
}

fn tags(value: &DicomValue<InMemDicomObject>) -> Option<Vec<Tag>> {
    match value.primitive()? {
        PrimitiveValue::Tags(tags) => Some(tags.to_vec()),
        _ => None,
    }
}

fn key(tag: Tag) -> String {
    format!("{:04X}{:04X}", tag.group(), tag.element())
}

/// The test's own DICOM JSON writer (F.2.3): pixel data becomes a BulkDataURI.
fn to_json(dataset: &InMemDicomObject) -> Value {
    let mut object = Map::new();
    for element in dataset.iter() {
        let (tag, vr) = (element.tag(), element.vr());
        let mut attribute = json!({ "vr": vr.to_string() });
        let value = element.value();
        if let DicomValue::Sequence(sequence) = value {
            attribute["Value"] = Value::Array(sequence.items().iter().map(to_json).collect());
        } else if tag.group() == 0x7FE0 || value.fragments().is_some() {
            attribute["BulkDataURI"] = json!(format!("bulk/{}", key(tag)));
        } else if BINARY.contains(&vr) {
            attribute["InlineBinary"] = json!(base64(&value.to_bytes().expect("bytes")));
        } else if !value.primitive().is_some_and(|p| p.is_empty()) {
            let texts = trimmed(&value.to_multi_str().expect("text").iter().map(|s| s.to_string()).collect::<Vec<_>>());
            let values: Vec<Value> = match vr {
                VR::PN => texts
                    .iter()
                    .map(|name| {
                        let groups: Vec<&str> = name.split('=').collect();
                        let mut object = Map::new();
                        for (group, text) in ["Alphabetic", "Ideographic", "Phonetic"].iter().zip(groups) {
                            object.insert(group.to_string(), json!(text));
                        }
                        Value::Object(object)
                    })
                    .collect(),
                VR::AT => tags(value).expect("tags").iter().map(|t| json!(key(*t))).collect(),
                VR::DS | VR::FL | VR::FD => texts
                    .iter()
                    .map(|t| {
                        t.parse::<f64>().ok().and_then(serde_json::Number::from_f64).map_or(Value::Null, Value::Number)
                    })
                    .collect(),
                VR::IS | VR::SS | VR::US | VR::SL | VR::UL | VR::SV | VR::UV => texts
                    .iter()
                    .map(|t| {
                        t.parse::<i128>()
                            .ok()
                            .map_or(Value::Null, |n| serde_json::from_str(&n.to_string()).expect("int"))
                    })
                    .collect(),
                _ => texts.into_iter().map(Value::String).collect(),
            };
            attribute["Value"] = Value::Array(values);
        }
        object.insert(key(tag), attribute);
    }
    Value::Object(object)
}

/// Every element of `original` is in `restored` with the same values (pixel data excepted).
fn assert_same(original: &InMemDicomObject, restored: &InMemDicomObject, path: &str) -> usize {
    let mut compared = 0;
    let mut bulk = 0;
    for element in original.iter() {
        let (tag, vr) = (element.tag(), element.vr());
        let here = format!("{path}/{}", key(tag));
        let value = element.value();
        if tag.group() == 0x7FE0 || value.fragments().is_some() {
            assert!(restored.get(tag).is_none(), "{here}: bulk data inserted");
            bulk += 1;
            continue;
        }
        let other = restored.get(tag).unwrap_or_else(|| panic!("{here} missing")).value();
        compared += 1;
        match value {
            DicomValue::Sequence(sequence) => {
                let items = other.items().unwrap_or_else(|| panic!("{here}: not a sequence"));
                assert_eq!(sequence.items().len(), items.len(), "{here}: item count");
                for (index, (a, b)) in sequence.items().iter().zip(items).enumerate() {
                    compared += assert_same(a, b, &format!("{here}[{index}]"));
                }
            }
            _ if BINARY.contains(&vr) => assert_eq!(value.to_bytes().ok(), other.to_bytes().ok(), "{here}"),
            _ if matches!(vr, VR::DS | VR::FL | VR::FD) => {
                assert_eq!(value.to_multi_float64().ok(), other.to_multi_float64().ok(), "{here}")
            }
            _ if vr == VR::AT => assert_eq!(tags(value), tags(other), "{here}"),
            _ => {
                let strings = |v: &DicomValue<InMemDicomObject>| {
                    trimmed(&v.to_multi_str().map(|s| s.to_vec()).unwrap_or_default())
                        .into_iter()
                        .map(|s| if vr == VR::PN { s.trim_end_matches('=').to_string() } else { s })
                        .collect::<Vec<_>>()
                };
                assert_eq!(strings(value), strings(other), "{here}");
            }
        }
    }
    assert_eq!(original.iter().count() - bulk, restored.iter().count(), "{path}: element count");
    compared
}

const FILES: [&str; 11] = [
    "wg04/REF/CT1_UNC",
    "wg04/REF/MR1_UNC",
    "wg04/REF/NM1_UNC",
    "wg04/REF/US1_UNC",
    "wg04/REF/XA1_UNC",
    "mr-series-128/slice0.dcm",
    "dcmqi/segmentations/ct-3slice/01.dcm",
    "dcmqi/segmentations/liver.dcm",
    "dcmqi/sr-example/sr.dcm",
    "dcmqi/sr-example/seg.dcm",
    "dcmqi/paramaps/pm-example-slice.dcm",
];

#[test]
fn corpus_objects_survive_a_json_round_trip() {
    for file in FILES.iter().chain(&["wg04/JPLL/MR2_JPLL", "wg04/RLE/US1_RLE"]) {
        let path = corpus::path(file);
        let Ok(object) = OpenFileOptions::new().open_file(&path) else {
            eprintln!("skipping {file}: not in the corpus");
            continue;
        };
        let dataset = object.into_inner();
        let json = to_json(&dataset);
        let restored = dataset_from_json(&json).unwrap_or_else(|e| panic!("{file}: {e}"));
        let compared = assert_same(&dataset, &restored.dataset, file);
        let pixel_refs = restored.bulk_data.iter().filter(|r| r.tag.group() == 0x7FE0).count();
        assert_eq!(pixel_refs, dataset.iter().filter(|e| e.tag().group() == 0x7FE0).count(), "{file}");
        eprintln!("{file}: {compared} elements restored");
    }
}

/// dcm2json (dcmtk) writes the JSON; the viewer's readers must agree with the PS3.10 file.
#[test]
fn dcm2json_output_reads_like_the_file() {
    if std::process::Command::new("dcm2json").arg("--version").output().is_err() {
        eprintln!("skipping: dcm2json (dcmtk) is not installed");
        return;
    }
    for file in FILES {
        let path = corpus::path(file);
        let Ok(bytes) = std::fs::read(&path) else { continue };
        let output = std::process::Command::new("dcm2json").arg(&path).output().expect("dcm2json runs");
        assert!(output.status.success(), "{file}: {}", String::from_utf8_lossy(&output.stderr));
        let json: Value = serde_json::from_slice(&output.stdout).expect("dcm2json writes JSON");
        let parsed = dataset_from_json(&json).unwrap_or_else(|e| panic!("{file}: {e}"));
        let expected = InstanceMeta::from_bytes(0, &bytes).expect("file metadata");
        assert_eq!(InstanceMeta::read(0, &parsed.dataset), expected, "{file}: study-browser metadata");
        let Ok(image) = DicomImage::parse(&bytes) else { continue };
        let info = ImageInfo::read(Attributes(&parsed.dataset)).expect("image module");
        assert_eq!(info, image.info, "{file}: image module");
        if !image.transfer_syntax.is_encapsulated() {
            let pixel = Tag(0x7FE0, 0x0010);
            assert_eq!(Attributes(&parsed.dataset).bytes(pixel), image.attributes().bytes(pixel), "{file}: pixels");
        }
        // The WADO-RS path: metadata from JSON, frame 1 alone, wrapped as a PS3.10 file.
        let frame = frame_bytes(&image, 0);
        let parts = frame_file_parts(&parsed.dataset, &image.transfer_syntax.uid, frame.len()).expect("parts");
        let wrapped = DicomImage::parse(&parts.assemble(&frame)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let decoded = wrapped.decode_frame(0).expect("wrapped frame decodes");
        assert!(decoded == image.decode_frame(0).expect("file decodes"), "{file}: frame from JSON metadata differs");
        eprintln!("{file}: dcm2json agrees ({}x{}, {:?})", info.rows, info.columns, info.photometric);
    }
}
