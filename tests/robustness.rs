//! Bad input never panics: every corpus file truncated at 16 points, with random byte flips,
//! and with absurd sizes must give a typed `DecodeError` (or, for harmless damage, an image).
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::path::PathBuf;

use common::{corpus, files_below};
use dicom_core::{DataElement, PrimitiveValue, Tag, VR};
use dicom_object::{FileDicomObject, InMemDicomObject, OpenFileOptions};
use dicom_viewer::dicom::DicomImage;
use dicom_viewer::DecodeError;

/// Parses and decodes every frame; panics propagate (that is the failure this test looks for).
fn exercise(bytes: &[u8]) -> Result<(), DecodeError> {
    let image = DicomImage::parse(bytes)?;
    let frames = image.info.number_of_frames.min(4);
    let mut result = Ok(());
    for frame in 0..frames {
        if let Err(e) = image.decode_frame(frame) {
            // A typed error must also render as a message (no panic in Display either).
            assert!(!e.to_string().is_empty());
            result = Err(e);
        }
    }
    result
}

/// Small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn corpus_files() -> Vec<PathBuf> {
    let mut files = files_below(&corpus().join("wg04"));
    files
        .extend(files_below(&corpus().join("dcmqi")).into_iter().filter(|p| p.extension().is_some_and(|e| e != "txt")));
    files.extend(
        files_below(&corpus().join("mr-series-128"))
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "dcm"))
            .take(4),
    );
    files
}

/// Runs `check` over the files on both cores.
fn on_all_files(check: impl Fn(&PathBuf, &[u8]) + Sync) -> usize {
    let files = corpus_files();
    assert!(files.len() > 100, "corpus missing: {} files", files.len());
    let (left, right) = files.split_at(files.len() / 2);
    std::thread::scope(|scope| {
        for half in [left, right] {
            let check = &check;
            scope.spawn(move || {
                for path in half {
                    let bytes = std::fs::read(path).expect("readable");
                    check(path, &bytes);
                }
            });
        }
    });
    files.len()
}

#[test]
fn truncated_files_give_errors() {
    let count = on_all_files(|path, bytes| {
        for point in 1..=16 {
            let cut = bytes.len() * point / 17;
            let truncated = &bytes[..cut];
            // Pixel data is at the end, so any cut loses part of it: this must be an error.
            let outcome = exercise(truncated);
            assert!(outcome.is_err(), "{} cut at {cut}/{} decoded without error", path.display(), bytes.len());
        }
    });
    println!("truncated {count} files at 16 points each");
}

#[test]
fn flipped_bytes_never_panic() {
    let mut errors = std::sync::atomic::AtomicUsize::new(0);
    let count = on_all_files(|path, bytes| {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ bytes.len() as u64);
        for _ in 0..6 {
            let mut mutated = bytes.to_vec();
            for _ in 0..1 + rng.below(16) {
                let at = rng.below(mutated.len());
                mutated[at] ^= 1 << rng.below(8);
            }
            // Also hit the pixel data header region, where lengths and codec markers live.
            let tail = mutated.len().saturating_sub(mutated.len() / 8);
            let at = tail + rng.below(mutated.len() - tail);
            mutated[at] = rng.next() as u8;
            if exercise(&mutated).is_err() {
                errors.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        }
        let _ = path;
    });
    println!("flipped bytes in {count} files, {} mutants reported errors", errors.get_mut());
}

fn write(object: FileDicomObject<InMemDicomObject>) -> Vec<u8> {
    let mut out = Vec::new();
    object.write_all(&mut out).expect("serialises");
    out
}

fn reference() -> FileDicomObject<InMemDicomObject> {
    OpenFileOptions::new().open_file(corpus().join("wg04/REF/CT1_UNC")).expect("CT1 reference")
}

#[test]
fn absurd_sizes_are_refused_before_allocating() {
    let cases: [(&str, u16, u16, &str); 3] =
        [("rows×columns", 65535, 65535, "1"), ("frames", 512, 512, "2000000"), ("both", 65535, 65535, "99999")];
    for (name, rows, columns, frames) in cases {
        let mut object = reference();
        object.put(DataElement::new(Tag(0x0028, 0x0010), VR::US, PrimitiveValue::from(rows)));
        object.put(DataElement::new(Tag(0x0028, 0x0011), VR::US, PrimitiveValue::from(columns)));
        object.put(DataElement::new(Tag(0x0028, 0x0008), VR::IS, PrimitiveValue::from(frames)));
        let result = exercise(&write(object));
        assert!(
            matches!(result, Err(DecodeError::TooLarge { .. }) | Err(DecodeError::PixelDataTooShort { .. })),
            "{name}: {result:?}"
        );
        if name != "rows×columns" {
            assert!(matches!(result, Err(DecodeError::TooLarge { .. })), "{name}: {result:?}");
        }
    }
}

#[test]
fn absurd_element_length_is_an_error() {
    let bytes = std::fs::read(corpus().join("wg04/REF/MR1_UNC")).expect("MR1 reference");
    // Set the Pixel Data length to nearly 4 GiB.
    let position = bytes.windows(6).rposition(|w| w == [0xE0, 0x7F, 0x10, 0x00, b'O', b'W']).expect("pixel data");
    let mut patched = bytes.clone();
    patched[position + 8..position + 12].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
    assert!(exercise(&patched).is_err());
    // And a header element (Rows) with a huge length.
    let rows = bytes.windows(6).position(|w| w == [0x28, 0x00, 0x10, 0x00, b'U', b'S']).expect("rows");
    let mut patched = bytes;
    patched[rows + 6..rows + 8].copy_from_slice(&0xFFF0u16.to_le_bytes());
    assert!(exercise(&patched).is_err());
}

#[test]
fn not_dicom_is_named() {
    let error = DicomImage::parse(b"hello, this is a text file").err().expect("must fail");
    assert!(matches!(error, DecodeError::NotDicom { .. }), "{error:?}");
    assert!(error.to_string().contains("not a DICOM file"));
    assert!(DicomImage::parse(&[]).is_err());
}
