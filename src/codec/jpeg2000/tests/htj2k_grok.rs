//! HTJ2K streams made at test time by Grok's `grk_compress` (Debian `grokj2k-tools`) from the
//! REF images: lossless (DICOM 1.2.840.10008.1.2.4.201, and RPCL order as .202) must decode
//! exactly; irreversible HT (.203) must stay close (PSNR). Colour images are encoded with
//! and without the RCT/ICT so both `colour_transformed` paths are checked. Skipped with a
//! note when `grk_compress` is not installed.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::reference::{psnr, Reference, REF_IDS};
use crate::codec::jpeg2000::{decode, header};
use crate::codec::test_support::wg04;

const ENCODER: &str = "grk_compress";

/// A scratch directory removed when dropped.
pub(super) struct TempDir(PathBuf);

impl TempDir {
    /// A new directory `<temp>/<prefix>-<pid>`.
    pub(super) fn new(prefix: &str) -> TempDir {
        let dir = TempDir(std::env::temp_dir().join(format!("{prefix}-{}", std::process::id())));
        std::fs::create_dir_all(&dir.0).expect("temp dir");
        dir
    }

    pub(super) fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub(super) fn encoder_available() -> bool {
    Command::new(ENCODER).arg("-h").output().is_ok()
}

/// Writes the REF values as Grok "rawl" input: planar, little endian, 1 byte per sample up
/// to 8 bits, else 2 (two's complement when signed).
pub(super) fn write_raw(reference: &Reference, path: &Path) {
    let pixels = (reference.width * reference.height) as usize;
    let components = usize::from(reference.components);
    let mut bytes = Vec::new();
    for component in 0..components {
        for pixel in 0..pixels {
            let value = reference.values[pixel * components + component];
            if reference.bits_stored <= 8 {
                bytes.push(value as u8);
            } else {
                bytes.extend_from_slice(&(value as u16).to_le_bytes());
            }
        }
    }
    std::fs::write(path, bytes).expect("write raw input");
}

/// Encodes `raw` as an HTJ2K codestream with Grok; `extra` adds options (MCT, order, 9/7).
pub(super) fn encode(reference: &Reference, raw: &Path, out: &Path, extra: &[&str]) -> Vec<u8> {
    let format = format!(
        "{},{},{},{},{}",
        reference.width,
        reference.height,
        reference.components,
        reference.bits_stored,
        if reference.signed { "s" } else { "u" }
    );
    let result = Command::new(ENCODER)
        .args(["-i", raw.to_str().unwrap(), "-F", &format, "-M", "64", "-o", out.to_str().unwrap()])
        .args(extra)
        .output()
        .expect("run grk_compress");
    assert!(result.status.success(), "grk_compress failed: {}", String::from_utf8_lossy(&result.stderr));
    std::fs::read(out).expect("read grk_compress output")
}

#[test]
fn htj2k_grok_streams_decode_exactly() {
    if !encoder_available() {
        println!("NOTE: {ENCODER} not installed (apt-get install grokj2k-tools); test skipped");
        return;
    }
    let dir = TempDir::new("jpeg2000-htj2k");
    let (mut exact, mut lossy) = (0, 0);
    for id in REF_IDS {
        let Some(reference_file) = wg04("REF", &format!("{id}_UNC")) else {
            continue;
        };
        let reference = Reference::from_file(&reference_file);
        let raw = dir.0.join(format!("{id}.rawl"));
        write_raw(&reference, &raw);
        let colour = reference.components == 3;
        let mut variants: Vec<(&str, Vec<&str>)> = vec![("lossless", vec!["-Y", "0"])];
        if colour {
            variants.push(("lossless RCT", vec!["-Y", "1"]));
        }
        variants.push(("lossless RPCL", vec!["-p", "RPCL", "-Y", if colour { "1" } else { "0" }]));
        variants.push(("irreversible", vec!["-I", "-Y", if colour { "1" } else { "0" }]));
        for (label, options) in variants {
            let out = dir.0.join(format!("{id}-{}.j2k", label.replace(' ', "_")));
            let codestream = encode(&reference, &raw, &out, &options);
            let main_header = header::read_main_header(&codestream).expect("main header");
            assert!(main_header.high_throughput, "{id} {label}: not an HTJ2K stream");
            let image = decode(&codestream).unwrap_or_else(|e| panic!("{id} {label}: {e}"));
            reference.assert_geometry(&image, id);
            let transformed = colour && options.contains(&"1");
            assert_eq!(image.colour_transformed, transformed, "{id} {label}: colour_transformed");
            let decoded = reference.normalise(&image);
            if label == "irreversible" {
                let db = psnr(&reference.values, &decoded, reference.bits_stored);
                println!("{id} {label}: PSNR {db:.2} dB");
                assert!(db >= 45.0, "{id} {label}: PSNR {db:.2} dB");
                lossy += 1;
            } else {
                let mismatches = decoded.iter().zip(&reference.values).filter(|(a, b)| a != b).count();
                println!("{id} {label}: {mismatches} mismatches");
                assert_eq!(mismatches, 0, "{id} {label}: HTJ2K decode differs from REF");
                exact += 1;
            }
        }
    }
    println!("{exact} lossless HTJ2K streams exact, {lossy} irreversible within PSNR floor");
    assert!(exact >= 16 * 2 + 5, "only {exact} lossless HTJ2K streams tested");
    assert!(lossy >= 16, "only {lossy} irreversible HTJ2K streams tested");
}
