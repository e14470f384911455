//! Native transfer syntaxes: the same image written by dcmtk's `dcmconv` as Implicit VR Little
//! Endian, Explicit VR Big Endian and Deflated Explicit VR Little Endian decodes to exactly the
//! values of the Explicit VR Little Endian reference.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::process::Command;

use common::{corpus, have_dcmtk};
use dicom_viewer::dicom::DicomImage;

fn decode(bytes: &[u8]) -> (String, dicom_viewer::dicom::Frame) {
    let image = DicomImage::parse(bytes).expect("parses");
    let frame = image.decode_frame(0).expect("decodes");
    (image.transfer_syntax.uid.clone(), frame)
}

#[test]
fn dcmconv_variants_decode_identically() {
    assert!(have_dcmtk(), "dcmtk is not installed: run scripts/setup.sh");
    let dir = std::env::temp_dir().join(format!("native-syntaxes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut compared = 0;
    for id in ["CT1", "MR2", "US1", "VL1", "NM1"] {
        let reference = corpus().join(format!("wg04/REF/{id}_UNC"));
        let Ok(bytes) = std::fs::read(&reference) else { continue };
        let (_, expected) = decode(&bytes);
        for (option, uid) in
            [("+ti", "1.2.840.10008.1.2"), ("+tb", "1.2.840.10008.1.2.2"), ("+td", "1.2.840.10008.1.2.1.99")]
        {
            let out = dir.join(format!("{id}{option}.dcm"));
            let status = Command::new("dcmconv").arg(option).arg(&reference).arg(&out).status().expect("dcmconv runs");
            assert!(status.success(), "dcmconv {option} {id}");
            let (found_uid, frame) = decode(&std::fs::read(&out).expect("written"));
            assert_eq!(found_uid, uid);
            assert_eq!(frame, expected, "{id} as {uid} differs from the reference");
            compared += 1;
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(compared >= 12);
}

#[test]
fn bare_dataset_without_file_meta() {
    assert!(have_dcmtk(), "dcmtk is not installed: run scripts/setup.sh");
    let reference = corpus().join("wg04/REF/MR1_UNC");
    let out = std::env::temp_dir().join(format!("bare-{}.dcm", std::process::id()));
    // -F: write a bare data set (no preamble, no meta header) in Implicit VR Little Endian.
    let status = Command::new("dcmconv").args(["-F", "+ti"]).arg(&reference).arg(&out).status().expect("dcmconv");
    assert!(status.success());
    let (_, frame) = decode(&std::fs::read(&out).expect("written"));
    let _ = std::fs::remove_file(&out);
    let (_, expected) = decode(&std::fs::read(&reference).expect("reference"));
    assert_eq!(frame, expected);
}
