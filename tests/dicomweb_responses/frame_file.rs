//! One frame wrapped as a PS3.10 file (head ++ frame ++ tail) must decode exactly as the same
//! frame of the original file: native and encapsulated corpus files (the frame bytes taken
//! with the crate's own parsing) and generated multi-frame files (frame 3 of 4).

use dicom_core::Tag;
use dicom_viewer::dicom::DicomImage;
use dicom_viewer::dicomweb::frame_file::frame_file_parts;
use dicom_viewer::dicomweb::ResponseError;
use dicom_viewer::samples::rle_encoder::{encode_frame, RlePixels};
use dicom_viewer::samples::writer::{write_part10, FileMeta};
use dicom_viewer::samples::{DataSet, Vr};

use super::corpus;

const PIXEL_DATA: Tag = Tag(0x7FE0, 0x0010);
const FLOAT_PIXEL_DATA: Tag = Tag(0x7FE0, 0x0008);

/// The stored bytes of frame `frame` as a WADO-RS frame resource would send them.
pub fn frame_bytes(image: &DicomImage, frame: u32) -> Vec<u8> {
    if image.transfer_syntax.is_encapsulated() {
        return image.encapsulated_frame(frame).expect("fragment").into_owned();
    }
    let info = &image.info;
    let size = (info.samples_per_frame() * u64::from(info.layout.bits_allocated) / 8) as usize;
    let tag = [PIXEL_DATA, FLOAT_PIXEL_DATA].into_iter().find(|t| image.attributes().has(*t)).expect("pixel data");
    let all = image.attributes().bytes(tag).expect("pixel data");
    all[size * frame as usize..size * (frame as usize + 1)].to_vec()
}

/// Wraps frame `frame` of `bytes` and checks it decodes like the original.
fn check(name: &str, bytes: &[u8], frame: u32) {
    let original = DicomImage::parse(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
    let frame_data = frame_bytes(&original, frame);
    let parts = frame_file_parts(&original.dataset, &original.transfer_syntax.uid, frame_data.len()).expect("parts");
    assert_eq!(parts.pad, frame_data.len() % 2 == 1);
    let file = parts.assemble(&frame_data);
    assert_eq!(file.len(), parts.head.len() + frame_data.len() + usize::from(parts.pad) + parts.tail.len());
    let wrapped = DicomImage::parse(&file).unwrap_or_else(|e| panic!("{name}: wrapped file: {e}"));
    assert_eq!(wrapped.info.number_of_frames, 1);
    assert_eq!((wrapped.info.rows, wrapped.info.columns), (original.info.rows, original.info.columns));
    let expected = original.decode_frame(frame).expect("original decodes");
    assert!(wrapped.decode_frame(0).expect("wrapped decodes") == expected, "{name}: frame {frame} differs");
    eprintln!(
        "{name}: frame {frame} ({} bytes, head {} bytes) decodes identically",
        frame_data.len(),
        parts.head.len()
    );
}

#[test]
fn corpus_frames_decode_like_their_files() {
    for file in [
        "wg04/REF/CT1_UNC",
        "wg04/RLE/CT1_RLE",
        "wg04/JPLL/CT1_JPLL",
        "wg04/J2KR/CT1_J2KR",
        "wg04/JLSL/CT1_JLSL",
        "wg04/REF/US1_UNC",
        "wg04/RLE/US1_RLE",
        "wg04/JPLY/MR1_JPLY",
    ] {
        if let Some(bytes) = corpus::read(file) {
            check(file, &bytes, 0);
        }
    }
}

/// A 4-frame, 5×3, 16-bit signed image with a rescale, native or RLE-encoded; or, with
/// `float`, 32-bit Float Pixel Data (PS3.3 C.7.6.24).
fn multi_frame(rle: bool) -> Vec<u8> {
    multi_frame_of(rle, false)
}

fn multi_frame_of(rle: bool, float: bool) -> Vec<u8> {
    let (rows, columns) = (5u32, 3u32);
    let frames: Vec<Vec<u16>> =
        (0..4u16).map(|f| (0..15u16).map(|i| (i * 977 + f * 4099) ^ 0x8000).collect()).collect();
    let mut dataset = DataSet::new();
    dataset.put_text(Tag(0x0008, 0x0016), Vr::UI, &["1.2.840.10008.5.1.4.1.1.7.3"]).unwrap();
    dataset.put_text(Tag(0x0008, 0x0018), Vr::UI, &["2.25.42"]).unwrap();
    dataset.put_text(Tag(0x0008, 0x0060), Vr::CS, &["OT"]).unwrap();
    dataset.put_u16(Tag(0x0028, 0x0002), 1);
    dataset.put_text(Tag(0x0028, 0x0004), Vr::CS, &["MONOCHROME2"]).unwrap();
    dataset.put_integer(Tag(0x0028, 0x0008), 4).unwrap();
    dataset.put_u16(Tag(0x0028, 0x0010), rows as u16);
    dataset.put_u16(Tag(0x0028, 0x0011), columns as u16);
    if float {
        dataset.put_u16(Tag(0x0028, 0x0100), 32);
    } else {
        for (element, value) in [(0x0100, 16), (0x0101, 16), (0x0102, 15), (0x0103, 1)] {
            dataset.put_u16(Tag(0x0028, element), value);
        }
    }
    dataset.put_decimals(Tag(0x0028, 0x1052), &[-1024.0]).unwrap();
    dataset.put_decimals(Tag(0x0028, 0x1053), &[2.5]).unwrap();
    let transfer_syntax_uid = if float {
        let values = frames.iter().flatten().flat_map(|v| (f32::from(*v) * -0.25).to_le_bytes()).collect();
        dataset.put_binary(FLOAT_PIXEL_DATA, Vr::OW, values).unwrap();
        "1.2.840.10008.1.2.1"
    } else if rle {
        let encoded = frames.iter().map(|f| encode_frame(RlePixels::U16(f), rows, columns, 1).unwrap()).collect();
        dataset.put_encapsulated_pixel_data(encoded).unwrap();
        "1.2.840.10008.1.2.5"
    } else {
        let bytes = frames.iter().flatten().flat_map(|v| v.to_le_bytes()).collect();
        dataset.put_binary(PIXEL_DATA, Vr::OW, bytes).unwrap();
        "1.2.840.10008.1.2.1"
    };
    let meta = FileMeta {
        sop_class_uid: "1.2.840.10008.5.1.4.1.1.7.3",
        sop_instance_uid: "2.25.42",
        transfer_syntax_uid,
        implementation_class_uid: "2.25.1",
        implementation_version_name: "TEST",
    };
    write_part10(&meta, &dataset).unwrap()
}

#[test]
fn third_frame_of_a_multi_frame_image() {
    check("native 4-frame", &multi_frame(false), 2);
    check("RLE 4-frame", &multi_frame(true), 2);
    check("float 4-frame", &multi_frame_of(false, true), 2);
    let original = DicomImage::parse(&multi_frame(false)).unwrap();
    let frame = frame_bytes(&original, 2);
    assert_eq!(frame.len(), 30);
    let parts = frame_file_parts(&original.dataset, "1.2.840.10008.1.2.1", frame.len()).unwrap();
    // Native: the head ends with Pixel Data, OW, the frame's length; nothing follows the frame.
    assert_eq!(parts.head[parts.head.len() - 12..], [0xE0, 0x7F, 0x10, 0x00, b'O', b'W', 0, 0, 30, 0, 0, 0]);
    assert!(parts.tail.is_empty() && !parts.pad);
}

#[test]
fn odd_fragments_are_padded_and_unsupported_frames_refused() {
    let original = DicomImage::parse(&multi_frame(true)).unwrap();
    let parts = frame_file_parts(&original.dataset, "1.2.840.10008.1.2.4.70", 1001).unwrap();
    assert!(parts.pad);
    // Encapsulated: empty Basic Offset Table item, then one item of 1002 bytes.
    assert_eq!(
        parts.head[parts.head.len() - 16..],
        [0xFE, 0xFF, 0x00, 0xE0, 0, 0, 0, 0, 0xFE, 0xFF, 0x00, 0xE0, 0xEA, 0x03, 0, 0]
    );
    assert_eq!(parts.tail, [0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0]);
    let big_endian = frame_file_parts(&original.dataset, "1.2.840.10008.1.2.2", 30).unwrap_err();
    assert!(matches!(big_endian, ResponseError::Frame(ref m) if m.contains("Big Endian")), "{big_endian}");
    assert!(frame_file_parts(&original.dataset, "1.2.3.4", 30).is_err());
    let mut without_rows = original.dataset.clone();
    without_rows.remove_element(Tag(0x0028, 0x0010));
    let missing = frame_file_parts(&without_rows, "1.2.840.10008.1.2.1", 30).unwrap_err();
    assert!(matches!(missing, ResponseError::Frame(ref m) if m.contains("Rows")), "{missing}");
    // Implicit VR Little Endian frames are native little-endian samples: the file says Explicit.
    let implicit = frame_file_parts(&original.dataset, "1.2.840.10008.1.2", 30).unwrap();
    let text = String::from_utf8_lossy(&implicit.head);
    assert!(text.contains("1.2.840.10008.1.2.1"), "Explicit VR Little Endian in the file meta");
}
