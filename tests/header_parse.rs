//! Header-only parsing (`DicomImage::parse_header`, `read_header_dataset`) against the full
//! parse, for every file of the corpus.

use std::path::{Path, PathBuf};

use dicom_core::header::Header;
use dicom_viewer::dicom::{read_header_dataset, Attributes, DicomImage};
use dicom_viewer::DecodeError;

fn corpus() -> PathBuf {
    PathBuf::from(
        std::env::var("DICOM_CORPUS")
            .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/dicom").into()),
    )
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else if !matches!(path.extension().and_then(|e| e.to_str()), Some("md" | "txt"))
            && path.file_name() != Some("LICENSE".as_ref())
        {
            out.push(path);
        }
    }
}

/// Debug text of an element without the encoded lengths of sequence items (a header-only
/// data set keeps element and sequence lengths but not item lengths, which nothing reads).
fn without_item_lengths(debug: &str) -> String {
    const ITEM_LENGTH: &str = "dict: StandardDataDictionary, len: Length(";
    let mut out = String::new();
    let mut rest = debug;
    while let Some(start) = rest.find(ITEM_LENGTH) {
        out.push_str(&rest[..start]);
        let after = &rest[start + ITEM_LENGTH.len()..];
        rest = after.find(')').map_or("", |end| &after[end + 1..]);
    }
    out.push_str(rest);
    out
}

#[test]
fn header_info_equals_full_parse_for_every_corpus_file() {
    let mut paths = Vec::new();
    files(&corpus(), &mut paths);
    paths.sort();
    assert!(paths.len() > 100, "corpus not found at {} (set DICOM_CORPUS)", corpus().display());
    let (mut compared, mut no_pixels) = (0, 0);
    for path in &paths {
        let bytes = std::fs::read(path).unwrap();
        let (dataset, uid) = read_header_dataset(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(uid.starts_with("1.2.840.10008.1.2"), "{}: transfer syntax {uid}", path.display());
        let full = DicomImage::parse(&bytes);
        let header = DicomImage::parse_header(&bytes);
        match (full, header) {
            (Ok(full), Ok(header)) => {
                assert_eq!(full.info, header.info, "{}", path.display());
                assert_eq!(full.transfer_syntax, header.transfer_syntax, "{}", path.display());
                assert!(!header.attributes().has(dicom_core::Tag(0x7FE0, 0x0010)), "{}", path.display());
                // Every root attribute before the pixel data is the same (compared through
                // Debug: dicom-core's `Length` never equals an undefined length, so nested
                // sequences of undefined length are unequal to themselves under `==`).
                for element in full.dataset.iter().filter(|e| e.tag() < dicom_core::Tag(0x7FE0, 0x0008)) {
                    let ours = header.dataset.get(element.tag()).map(|e| without_item_lengths(&format!("{e:?}")));
                    let expected = without_item_lengths(&format!("{element:?}"));
                    assert_eq!(ours, Some(expected), "{} {}", path.display(), element.tag());
                }
                let before_pixels = full.dataset.iter().filter(|e| e.tag() < dicom_core::Tag(0x7FE0, 0x0008)).count();
                assert_eq!(header.dataset.iter().count(), before_pixels, "{}", path.display());
                compared += 1;
            }
            (Err(DecodeError::NoPixelData), Err(DecodeError::NoPixelData)) => {
                assert!(Attributes(&dataset).string(dicom_core::Tag(0x0008, 0x0018)).is_some());
                no_pixels += 1;
            }
            (full, header) => panic!("{}: parse {:?} but parse_header {:?}", path.display(), full.err(), header.err()),
        }
    }
    println!("{compared} images compared, {no_pixels} objects without pixel data, of {} files", paths.len());
    assert!(no_pixels >= 1, "the SR of dcmqi/sr-example has no pixel data");
}

#[test]
fn header_parse_is_much_faster_than_full_parse_on_the_largest_file() {
    let mut paths = Vec::new();
    files(&corpus(), &mut paths);
    let largest = paths.iter().max_by_key(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)).unwrap();
    let bytes = std::fs::read(largest).unwrap();
    let start = std::time::Instant::now();
    let full = DicomImage::parse(&bytes).unwrap();
    let full_time = start.elapsed();
    let start = std::time::Instant::now();
    let header = DicomImage::parse_header(&bytes).unwrap();
    let header_time = start.elapsed();
    assert_eq!(full.info, header.info);
    println!("{} ({} bytes): parse {full_time:?}, parse_header {header_time:?}", largest.display(), bytes.len());
}

#[test]
fn truncated_headers_give_typed_errors() {
    let bytes = std::fs::read(corpus().join("mr-series-128/slice0.dcm")).unwrap();
    for cut in (0..bytes.len().min(4096)).step_by(7) {
        // Must not panic; an error or a (partial) data set are both acceptable.
        let _ = read_header_dataset(&bytes[..cut]);
        let _ = DicomImage::parse_header(&bytes[..cut]);
    }
}

/// A bare Explicit VR Little Endian data set with Float Pixel Data (7FE0,0008) or Double
/// Float Pixel Data (7FE0,0009), written by dicom-object: the header parse must name the
/// same sample format as the full parse although the pixel element is not read.
#[test]
fn float_pixel_data_sample_format_is_known_from_the_header() {
    use dicom_core::value::PrimitiveValue;
    use dicom_core::{DataElement, Tag, VR};
    use dicom_object::InMemDicomObject;
    use dicom_viewer::dicom::SampleFormat;

    let cases = [
        (Tag(0x7FE0, 0x0008), VR::OF, PrimitiveValue::F32(vec![0.5_f32; 6].into()), SampleFormat::Float32),
        (Tag(0x7FE0, 0x0009), VR::OD, PrimitiveValue::F64(vec![0.5_f64; 6].into()), SampleFormat::Float64),
    ];
    for (tag, vr, pixels, format) in cases {
        let object = InMemDicomObject::from_element_iter([
            DataElement::new(Tag(0x0008, 0x0018), VR::UI, PrimitiveValue::from("1.2.3.4")),
            DataElement::new(Tag(0x0028, 0x0002), VR::US, PrimitiveValue::from(1_u16)),
            DataElement::new(Tag(0x0028, 0x0004), VR::CS, PrimitiveValue::from("MONOCHROME2")),
            DataElement::new(Tag(0x0028, 0x0010), VR::US, PrimitiveValue::from(2_u16)),
            DataElement::new(Tag(0x0028, 0x0011), VR::US, PrimitiveValue::from(3_u16)),
            DataElement::new(tag, vr, pixels),
        ]);
        let mut bytes = Vec::new();
        let ts = dicom_transfer_syntax_registry::entries::EXPLICIT_VR_LITTLE_ENDIAN.erased();
        object.write_dataset_with_ts(&mut bytes, &ts).unwrap();
        let full = DicomImage::parse(&bytes).unwrap();
        let header = DicomImage::parse_header(&bytes).unwrap();
        assert_eq!(header.info.sample_format, format);
        assert_eq!(full.info, header.info);
        assert!(!header.attributes().has(tag));
    }
}
