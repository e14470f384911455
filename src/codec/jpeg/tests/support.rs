//! Helpers shared by the JPEG tests: corpus access, DICOM attribute peeking, PSNR, dcmtk.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::codec::test_support::{first_frame, native_pixels, wg04};
use crate::codec::{DecodedImage, Samples};

/// An explicit-VR little-endian US attribute of group 0028 (first occurrence).
pub fn us_attribute(file: &[u8], element: u16) -> Option<u16> {
    let mut pattern = vec![0x28, 0x00];
    pattern.extend_from_slice(&element.to_le_bytes());
    pattern.extend_from_slice(b"US\x02\x00");
    let at = file.windows(pattern.len()).position(|window| window == pattern.as_slice())?;
    let value = file.get(at + 8..at + 10)?;
    Some(u16::from_le_bytes([value[0], value[1]]))
}

pub fn bits_stored(file: &[u8]) -> u16 {
    us_attribute(file, 0x0101).expect("Bits Stored")
}

/// The compressed first frame of `wg04/<set>/<name>`, if that file is present.
pub fn wg04_frame(set: &str, name: &str) -> Option<Vec<u8>> {
    wg04(set, name).map(|file| first_frame(&file))
}

/// The samples of a decoded image widened to u16.
pub fn samples_u16(image: &DecodedImage) -> Vec<u16> {
    match &image.samples {
        Samples::U8(samples) => samples.iter().map(|&s| u16::from(s)).collect(),
        Samples::U16(samples) => samples.clone(),
    }
}

/// Native samples of an uncompressed DICOM file (8 or 16 bits allocated).
pub fn native_samples(file: &[u8]) -> Vec<u16> {
    let bytes = native_pixels(file);
    match us_attribute(file, 0x0100) {
        Some(8) => bytes.iter().map(|&b| u16::from(b)).collect(),
        _ => bytes.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect(),
    }
}

/// Peak signal-to-noise ratio in dB for samples of `bits` bits.
pub fn psnr(decoded: &[u16], reference: &[u16], bits: u32) -> f64 {
    assert_eq!(decoded.len(), reference.len());
    let squared: f64 = decoded.iter().zip(reference).map(|(&a, &b)| (f64::from(a) - f64::from(b)).powi(2)).sum();
    let mse = squared / decoded.len() as f64;
    let peak = f64::from((1u32 << bits) - 1);
    if mse == 0.0 {
        f64::INFINITY
    } else {
        10.0 * (peak * peak / mse).log10()
    }
}

/// Largest absolute difference and how many samples differ.
pub fn max_difference(a: &[u16], b: &[u16]) -> (u32, usize) {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).fold((0, 0), |(max, count), (&x, &y)| {
        let difference = u32::from(x.abs_diff(y));
        (max.max(difference), count + usize::from(difference != 0))
    })
}

/// A dcmtk (or other) tool on PATH, or None with a printed note so the skip is visible.
pub fn tool(name: &str) -> Option<PathBuf> {
    let paths = std::env::var_os("PATH")?;
    let found = std::env::split_paths(&paths).map(|dir| dir.join(name)).find(|path| path.is_file());
    if found.is_none() {
        println!("NOTE: {name} not installed; skipping the checks that need it");
    }
    found
}

/// Runs a tool and panics with its output when it fails.
pub fn run(program: &Path, arguments: &[&str]) {
    let output = Command::new(program).args(arguments).output().expect("run tool");
    assert!(
        output.status.success(),
        "{} {:?} failed: {}",
        program.display(),
        arguments,
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Files one test makes with the tools, named `<prefix><name>` in a directory of this test
/// process; dropping the value (also when the test fails) deletes them.
pub struct Scratch {
    prefix: &'static str,
}

impl Scratch {
    pub fn new(prefix: &'static str) -> Self {
        Scratch { prefix }
    }

    fn dir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("jpeg-codec-tests-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create scratch dir");
        dir
    }

    pub fn path(&self, name: &str) -> PathBuf {
        Self::dir().join(format!("{}{name}", self.prefix))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let dir = Self::dir();
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for entry in entries.flatten() {
                if entry.file_name().to_string_lossy().starts_with(self.prefix) {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
        // Succeeds only once the last test's files are gone.
        let _ = std::fs::remove_dir(&dir);
    }
}

pub fn corpus_path(set: &str, name: &str) -> PathBuf {
    crate::codec::test_support::corpus_dir().join("wg04").join(set).join(name)
}

/// The names present in the WG04 JPLL/JPLY sets (IDs without suffix).
pub const IDS: [&str; 11] = ["CT1", "CT2", "MG1", "MR1", "MR2", "MR3", "MR4", "NM1", "RG1", "RG2", "RG3"];
pub const MORE_IDS: [&str; 2] = ["SC1", "XA1"];

pub fn all_ids() -> impl Iterator<Item = &'static str> {
    IDS.iter().chain(MORE_IDS.iter()).copied()
}
