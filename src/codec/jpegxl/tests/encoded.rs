//! JPEG XL streams made by `cjxl` from the REF images: lossless (DICOM .110) must equal REF,
//! lossy (.112) and JPEG recompression (.111, from a JPEG made by dcmtk's `dcmcjpeg`) must
//! stay close (PSNR). Skipped with a note when `cjxl` (or `dcmcjpeg`) is missing.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::codec::jpeg2000::tests::reference::{psnr, Reference, REF_IDS};
use crate::codec::jpegxl::decode;
use crate::codec::test_support::{corpus_dir, first_frame, wg04};
use crate::codec::Samples;

/// A scratch directory removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(label: &str) -> TempDir {
        let path = std::env::temp_dir().join(format!("jpegxl-{label}-{}", std::process::id()));
        std::fs::create_dir_all(&path).expect("temp dir");
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tool_available(name: &str) -> bool {
    Command::new(name).arg("--version").output().is_ok()
}

/// REF values as unsigned `bits_stored`-bit patterns (how a signed image is stored).
fn patterns(reference: &Reference) -> Vec<u32> {
    let mask = (1u32 << reference.bits_stored) - 1;
    reference.values.iter().map(|&v| v as u32 & mask).collect()
}

/// Writes the REF image as binary PGM (grey) or PPM (RGB): maxval 255 up to 8 bits stored,
/// else 65535 (big endian) with the values shifted left by `shift`. (Debian's cjxl 0.7 does
/// not code other maxvals such as 4095 losslessly: its own djxl does not return the input.)
fn write_pnm(reference: &Reference, path: &Path, shift: u8) {
    let magic = if reference.components == 3 { "P6" } else { "P5" };
    let maximum = if reference.bits_stored <= 8 { 255 } else { 65535 };
    let mut bytes = format!("{magic}\n{} {}\n{maximum}\n", reference.width, reference.height).into_bytes();
    for value in patterns(reference) {
        let value = value << shift;
        if maximum > 255 {
            bytes.extend_from_slice(&(value as u16).to_be_bytes());
        } else {
            bytes.push(value as u8);
        }
    }
    std::fs::write(path, bytes).expect("write PNM");
}

fn cjxl(input: &Path, output: &Path, options: &[&str]) -> Vec<u8> {
    let result = Command::new("cjxl").arg(input).arg(output).args(options).output().expect("run cjxl");
    assert!(result.status.success(), "cjxl failed: {}", String::from_utf8_lossy(&result.stderr));
    std::fs::read(output).expect("read cjxl output")
}

fn decoded_values(samples: &Samples) -> Vec<u32> {
    match samples {
        Samples::U8(v) => v.iter().map(|&s| u32::from(s)).collect(),
        Samples::U16(v) => v.iter().map(|&s| u32::from(s)).collect(),
    }
}

/// Whether the PNM the stream was made from (same stem, `.pnm`) is a PPM.
fn is_colour(stream: &Path) -> bool {
    std::fs::read(stream.with_extension("pnm")).map(|b| b.starts_with(b"P6")).unwrap_or(false)
}

/// Largest difference and count of differing samples between `samples` and libjxl's `djxl`
/// decode of the same stream (an independent decoder); None when djxl is missing.
fn djxl_difference(stream: &Path, samples: &Samples) -> Option<(u32, usize)> {
    let extension = if is_colour(stream) { "ppm" } else { "pgm" };
    let output = stream.with_extension(extension);
    let status = Command::new("djxl").arg(stream).arg(&output).output().ok()?;
    assert!(status.status.success(), "djxl failed: {}", String::from_utf8_lossy(&status.stderr));
    let bytes = std::fs::read(&output).expect("read djxl output");
    // Binary PNM: magic, width, height, maxval separated by whitespace, then one whitespace.
    let mut fields = 0;
    let mut start = 0;
    let mut in_field = false;
    for (index, &byte) in bytes.iter().enumerate() {
        if byte.is_ascii_whitespace() {
            if in_field {
                fields += 1;
                in_field = false;
                if fields == 4 {
                    start = index + 1;
                    break;
                }
            }
        } else {
            in_field = true;
        }
    }
    let pixels = &bytes[start..];
    let theirs: Vec<u32> = if pixels.len() >= samples.len() * 2 {
        pixels.chunks_exact(2).map(|c| u32::from(u16::from_be_bytes([c[0], c[1]]))).collect()
    } else {
        pixels.iter().map(|&b| u32::from(b)).collect()
    };
    let ours = decoded_values(samples);
    assert_eq!(theirs.len(), ours.len(), "djxl sample count");
    let differences = ours.iter().zip(&theirs).map(|(&a, &b)| a.abs_diff(b));
    Some(differences.fold((0, 0), |(max, count), d| (max.max(d), count + usize::from(d != 0))))
}

#[test]
fn cjxl_lossless_matches_reference_exactly() {
    if !tool_available("cjxl") {
        println!("NOTE: cjxl not installed (apt-get install libjxl-tools); test skipped");
        return;
    }
    let dir = TempDir::new("lossless");
    let mut tested = 0;
    for id in REF_IDS {
        let Some(reference_file) = wg04("REF", &format!("{id}_UNC")) else {
            continue;
        };
        let reference = Reference::from_file(&reference_file);
        let pnm = dir.0.join(format!("{id}.pnm"));
        write_pnm(&reference, &pnm, 0);
        let stream = cjxl(&pnm, &dir.0.join(format!("{id}.jxl")), &["-d", "0", "-e", "2"]);
        let image = decode(&stream).unwrap_or_else(|e| panic!("{id}: {e}"));
        let container_bits = if reference.bits_stored <= 8 { 8 } else { 16 };
        assert_eq!(
            (image.width, image.height, image.components, image.precision),
            (reference.width, reference.height, reference.components, container_bits),
            "{id}: geometry / precision"
        );
        let expected = patterns(&reference);
        let decoded = decoded_values(&image.samples);
        let mismatches = decoded.iter().zip(&expected).filter(|(a, b)| a != b).count();
        println!("{id}: {} bytes, {mismatches} mismatches", stream.len());
        assert_eq!(decoded.len(), expected.len(), "{id}: sample count");
        assert_eq!(mismatches, 0, "{id}: lossless JPEG XL differs from REF");
        tested += 1;
    }
    assert!(tested >= 16, "only {tested} JPEG XL lossless streams tested");
}

#[test]
fn cjxl_lossy_close_to_reference() {
    if !tool_available("cjxl") {
        println!("NOTE: cjxl not installed (apt-get install libjxl-tools); test skipped");
        return;
    }
    let dir = TempDir::new("lossy");
    let mut tested = 0;
    for id in ["CT1", "MR2", "RG2", "US1", "VL1"] {
        let Some(reference_file) = wg04("REF", &format!("{id}_UNC")) else {
            continue;
        };
        let reference = Reference::from_file(&reference_file);
        // Lossy coding works on the nominal range: fill 16 bits so the image spans it.
        let shift = if reference.bits_stored <= 8 { 0 } else { 16 - reference.bits_stored };
        let pnm = dir.0.join(format!("{id}.pnm"));
        write_pnm(&reference, &pnm, shift);
        let stream = cjxl(&pnm, &dir.0.join(format!("{id}.jxl")), &["-d", "1", "-e", "3"]);
        let image = decode(&stream).unwrap_or_else(|e| panic!("{id}: {e}"));
        let expected: Vec<i32> = patterns(&reference).iter().map(|&v| v as i32).collect();
        let half = (1u32 << shift) >> 1;
        let decoded: Vec<i32> = decoded_values(&image.samples).iter().map(|&v| ((v + half) >> shift) as i32).collect();
        let db = psnr(&expected, &decoded, reference.bits_stored);
        let floor = if reference.components == 3 { 32.0 } else { 40.0 };
        let oracle = djxl_difference(&dir.0.join(format!("{id}.jxl")), &image.samples);
        println!("{id}: {} bytes, PSNR {db:.2} dB, vs djxl {oracle:?}", stream.len());
        assert!(db >= floor, "{id}: PSNR {db:.2} dB");
        if let Some((max_difference, _)) = oracle {
            // Both decoders render in floating point; allow 1/4096 of the range (1 at 8 bits).
            let tolerance = ((1u32 << image.precision) >> 12).max(1);
            assert!(max_difference <= tolerance, "{id}: differs from djxl by up to {max_difference}");
        }
        tested += 1;
    }
    assert!(tested >= 5, "only {tested} lossy JPEG XL streams tested");
}

#[test]
fn cjxl_jpeg_recompression_close_to_reference() {
    if !tool_available("cjxl") || !tool_available("dcmcjpeg") {
        println!("NOTE: cjxl or dcmcjpeg not installed; test skipped");
        return;
    }
    let dir = TempDir::new("jpeg");
    let mut tested = 0;
    for id in ["US1", "VL1", "VL6"] {
        let reference_path = corpus_dir().join("wg04/REF").join(format!("{id}_UNC"));
        let Some(reference_file) = wg04("REF", &format!("{id}_UNC")) else {
            continue;
        };
        let reference = Reference::from_file(&reference_file);
        let dicom_jpeg = dir.0.join(format!("{id}.dcm"));
        let status = Command::new("dcmcjpeg")
            .args(["+eb", "+un", "+q", "95"])
            .arg(&reference_path)
            .arg(&dicom_jpeg)
            .status()
            .expect("run dcmcjpeg");
        assert!(status.success(), "dcmcjpeg failed for {id}");
        let jpeg = dir.0.join(format!("{id}.jpg"));
        std::fs::write(&jpeg, first_frame(&std::fs::read(&dicom_jpeg).expect("read"))).expect("write");
        let stream = cjxl(&jpeg, &dir.0.join(format!("{id}.jxl")), &["--lossless_jpeg=1"]);
        let image = decode(&stream).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert!(image.colour_transformed, "{id}: JPEG XL renders RGB");
        let expected: Vec<i32> = patterns(&reference).iter().map(|&v| v as i32).collect();
        let decoded: Vec<i32> = decoded_values(&image.samples).iter().map(|&v| v as i32).collect();
        let db = psnr(&expected, &decoded, reference.bits_stored);
        println!(
            "{id}: JPEG {} bytes -> JPEG XL {} bytes, PSNR {db:.2} dB",
            std::fs::metadata(&jpeg).map(|m| m.len()).unwrap_or(0),
            stream.len()
        );
        assert!(db >= 30.0, "{id}: PSNR {db:.2} dB");
        tested += 1;
    }
    assert!(tested >= 3, "only {tested} recompressed JPEGs tested");
}
