//! Every WG04 file decodes; lossless sets equal their uncompressed reference exactly,
//! near-lossless JPEG-LS stays within NEAR, lossy sets meet a PSNR floor (reported per file).
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::path::Path;

use common::{corpus, files_in, psnr, reference_for};
use dicom_viewer::dicom::{DicomImage, Frame};

fn decode_all_frames(path: &Path) -> (DicomImage, Vec<Frame>) {
    let bytes = std::fs::read(path).expect("readable corpus file");
    let image = DicomImage::parse(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let frames = (0..image.info.number_of_frames)
        .map(|f| image.decode_frame(f).unwrap_or_else(|e| panic!("{} frame {f}: {e}", path.display())))
        .collect();
    (image, frames)
}

fn values(frame: &Frame) -> Vec<f64> {
    (0..frame.pixels.len()).map(|i| frame.pixels.get_f64(i).unwrap_or(f64::NAN)).collect()
}

/// Decodes every file of a set against its reference; returns how many were compared.
fn check_set(set: &str, compare: impl Fn(&Path, &Frame, &Frame, &DicomImage)) -> usize {
    let files = files_in(&corpus().join("wg04").join(set));
    assert!(!files.is_empty(), "no files in wg04/{set}: is ../shared/dicom there?");
    let mut compared = 0;
    for path in &files {
        let (image, frames) = decode_all_frames(path);
        let Some(reference_path) = reference_for(path) else {
            println!("{set} {}: decoded, no reference to compare", path.display());
            continue;
        };
        let (_, reference) = decode_all_frames(&reference_path);
        assert_eq!(frames.len(), reference.len(), "{}: frame count", path.display());
        for (frame, reference) in frames.iter().zip(&reference) {
            assert_eq!((frame.rows, frame.columns), (reference.rows, reference.columns));
            assert_eq!(frame.samples_per_pixel, reference.samples_per_pixel);
            compare(path, frame, reference, &image);
        }
        compared += 1;
    }
    compared
}

fn assert_exact(path: &Path, frame: &Frame, reference: &Frame, _: &DicomImage) {
    let (a, b) = (values(frame), values(reference));
    let differing = a.iter().zip(&b).filter(|(x, y)| x != y).count();
    assert_eq!(differing, 0, "{}: {differing} samples differ from REF", path.display());
    assert_eq!(frame.photometric, reference.photometric, "{}", path.display());
}

#[test]
fn reference_files_decode() {
    let files = files_in(&corpus().join("wg04/REF"));
    assert!(files.len() >= 10, "expected the WG04 references");
    for path in files {
        decode_all_frames(&path);
    }
}

/// The page's UI module reads uncompressed frames without the decoder module
/// (`decode_uncompressed_frame`, README "Modules and sizes"): the same values as `decode_frame`;
/// compressed frames are refused (the decode workers read those), never decoded there.
#[test]
fn uncompressed_frames_read_without_codecs() {
    let references = files_in(&corpus().join("wg04/REF"));
    assert!(references.len() >= 10, "expected the WG04 references");
    for path in &references {
        let bytes = std::fs::read(path).expect("readable corpus file");
        let image = DicomImage::parse(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for f in 0..image.info.number_of_frames {
            let read =
                image.decode_uncompressed_frame(f).unwrap_or_else(|e| panic!("{} frame {f}: {e}", path.display()));
            let decoded = image.decode_frame(f).unwrap_or_else(|e| panic!("{} frame {f}: {e}", path.display()));
            assert_eq!(read, decoded, "{} frame {f}", path.display());
        }
    }
    for set in ["RLE", "JPLL", "JLSL", "J2KR"] {
        let files = files_in(&corpus().join("wg04").join(set));
        let path = files.first().unwrap_or_else(|| panic!("no files in wg04/{set}"));
        let bytes = std::fs::read(path).expect("readable corpus file");
        let image = DicomImage::parse(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let refused = image.decode_uncompressed_frame(0).expect_err("a compressed frame needs the decoder module");
        assert!(refused.to_string().contains("decoder module"), "{}: {refused}", path.display());
    }
}

#[test]
fn rle_equals_reference() {
    assert!(check_set("RLE", assert_exact) >= 10);
}

#[test]
fn jpeg_lossless_equals_reference() {
    assert!(check_set("JPLL", assert_exact) >= 5);
}

#[test]
fn jpeg_ls_lossless_equals_reference() {
    assert!(check_set("JLSL", assert_exact) >= 5);
}

#[test]
fn jpeg2000_lossless_equals_reference() {
    assert!(check_set("J2KR", assert_exact) >= 10);
}

/// NEAR of the first scan (ITU-T T.87 C.2.3: SOS carries NEAR after the component list).
fn jpeg_ls_near(image: &DicomImage) -> u16 {
    let stream = image.encapsulated_frame(0).expect("codestream");
    let mut pos = 2;
    while pos + 4 <= stream.len() {
        if stream[pos] != 0xFF {
            pos += 1;
            continue;
        }
        let marker = stream[pos + 1];
        let length = usize::from(u16::from_be_bytes([stream[pos + 2], stream[pos + 3]]));
        if marker == 0xDA {
            let components = usize::from(stream[pos + 4]);
            return u16::from(stream[pos + 5 + components * 2]);
        }
        pos += 2 + length;
    }
    panic!("no SOS in the JPEG-LS stream");
}

#[test]
fn jpeg_ls_near_lossless_within_near() {
    let compared = check_set("JLSN", |path, frame, reference, image| {
        let near = f64::from(jpeg_ls_near(image));
        let max_error = values(frame).iter().zip(values(reference)).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        println!("JLSN {}: NEAR {near}, max error {max_error}", path.display());
        assert!(near > 0.0, "{}: a near-lossless stream should have NEAR > 0", path.display());
        assert!(max_error <= near, "{}: error {max_error} > NEAR {near}", path.display());
    });
    assert!(compared >= 5);
}

fn psnr_floor(set: &str, floor: f64) {
    let compared = check_set(set, |path, frame, reference, _| {
        let peak = f64::from((1u32 << reference.bits_stored.min(16)) - 1);
        let value = psnr(&values(reference), &values(frame), peak);
        println!("{set} {}: PSNR {value:.2} dB", path.display());
        assert!(value >= floor, "{}: PSNR {value:.2} dB below {floor}", path.display());
    });
    assert!(compared >= 5);
}

#[test]
fn jpeg_lossy_psnr() {
    psnr_floor("JPLY", 44.0);
}

#[test]
fn jpeg2000_lossy_psnr() {
    psnr_floor("J2KI", 32.0);
}
