//! Test-only helpers shared by the codec tests: locate the corpus and pull raw pixel bytes
//! out of WG04 files without depending on the DICOM parser (so each codec tests alone).
#![cfg(test)]

use std::path::PathBuf;

/// `../shared/dicom` beside the crate, or `$DICOM_CORPUS` when set.
pub fn corpus_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("DICOM_CORPUS") {
        return PathBuf::from(dir);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/dicom")
}

/// Bytes of `wg04/<set>/<name>`, or None when the file is absent (some WG04 members are).
pub fn wg04(set: &str, name: &str) -> Option<Vec<u8>> {
    std::fs::read(corpus_dir().join("wg04").join(set).join(name)).ok()
}

fn find_pixel_data(bytes: &[u8]) -> Option<usize> {
    // The last top-level (7FE0,0010) in explicit VR little endian: tag, then VR OB or OW.
    (0..bytes.len().saturating_sub(8))
        .rev()
        .find(|&i| bytes[i..i + 4] == [0xE0, 0x7F, 0x10, 0x00] && matches!(&bytes[i + 4..i + 6], b"OB" | b"OW"))
}

/// The first frame's compressed bytes of an encapsulated file (fragments concatenated).
pub fn first_frame(bytes: &[u8]) -> Vec<u8> {
    let start = find_pixel_data(bytes).expect("no pixel data element");
    let mut pos = start + 12; // tag(4) VR(2) reserved(2) length(4)
    let mut frame = Vec::new();
    let mut first_item = true;
    while pos + 8 <= bytes.len() {
        let tag = &bytes[pos..pos + 4];
        let len = u32::from_le_bytes(bytes[pos + 4..pos + 8].try_into().unwrap()) as usize;
        pos += 8;
        if tag == [0xFE, 0xFF, 0xDD, 0xE0] {
            break;
        }
        assert_eq!(tag, [0xFE, 0xFF, 0x00, 0xE0], "expected an item tag");
        if !first_item {
            frame.extend_from_slice(&bytes[pos..pos + len]);
        }
        first_item = false;
        pos += len;
    }
    frame
}

/// The native pixel bytes of a REF file (explicit VR little endian, defined length).
pub fn native_pixels(bytes: &[u8]) -> Vec<u8> {
    let start = find_pixel_data(bytes).expect("no pixel data element");
    let len = u32::from_le_bytes(bytes[start + 8..start + 12].try_into().unwrap()) as usize;
    bytes[start + 12..start + 12 + len].to_vec()
}

/// Little-endian u16 samples of a REF file with Bits Allocated 16.
pub fn native_u16(bytes: &[u8]) -> Vec<u16> {
    native_pixels(bytes).chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect()
}
