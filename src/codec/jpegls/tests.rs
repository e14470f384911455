//! Tests against the WG04 corpus, dcmtk (`dcmcjpls` / `dcmdjpls`) and pure_jpegls, plus
//! restart intervals spliced from independently coded strips, and robustness checks.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::{decode, read_header, InterleaveMode};
use crate::codec::test_support::{first_frame, native_pixels, native_u16, wg04};
use crate::codec::{DecodedImage, Samples};

const LOSSLESS_IDS: [&str; 11] = ["CT1", "CT2", "MR1", "MR2", "MR3", "MR4", "NM1", "RG2", "RG3", "SC1", "XA1"];
const NEAR_IDS: [&str; 12] = ["CT1", "CT2", "MR1", "MR2", "MR3", "MR4", "NM1", "RG1", "RG2", "RG3", "SC1", "XA1"];

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn values(image: &DecodedImage) -> Vec<u32> {
    match &image.samples {
        Samples::U8(v) => v.iter().map(|&s| u32::from(s)).collect(),
        Samples::U16(v) => v.iter().map(|&s| u32::from(s)).collect(),
    }
}

/// Samples of a native DICOM file, masked to `bits`.
fn native_values(file: &[u8], bits_allocated: u32, bits: u8) -> Vec<u32> {
    let mask = (1u32 << bits) - 1;
    if bits_allocated <= 8 {
        native_pixels(file).iter().map(|&s| u32::from(s) & mask).collect()
    } else {
        native_u16(file).iter().map(|&s| u32::from(s) & mask).collect()
    }
}

/// Largest |a − b|, panicking on a length mismatch.
fn max_error(a: &[u32], b: &[u32]) -> u32 {
    assert_eq!(a.len(), b.len(), "sample counts differ");
    a.iter().zip(b).map(|(&x, &y)| x.abs_diff(y)).max().unwrap_or(0)
}

/// Deterministic xorshift generator.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// A synthetic image with smooth areas, flat blocks (run mode), edges and noise.
fn synthetic(width: usize, height: usize, components: usize, bits: u8, seed: u64) -> Vec<u16> {
    let max = (1u32 << bits) - 1;
    let mut rng = Rng(seed | 1);
    let mut out = Vec::with_capacity(width * height * components);
    for y in 0..height {
        for x in 0..width {
            for c in 0..components {
                let value = match (y / 16 + c) % 4 {
                    0 => ((x * 7 + y * 3 + c * 50) as u32 * max / (width as u32 * 10 + 1)) + rng.below(3) as u32,
                    1 => {
                        if (x / 9) % 2 == 0 {
                            max / 3
                        } else {
                            max / 3 + (c as u32)
                        }
                    }
                    2 => rng.below(u64::from(max) + 1) as u32,
                    _ => {
                        if x < width / 2 {
                            0
                        } else {
                            max
                        }
                    }
                };
                out.push(value.min(max) as u16);
            }
        }
    }
    out
}

fn dcmtk_available() -> bool {
    let ok = |tool: &str| Command::new(tool).arg("--version").output().map(|o| o.status.success()).unwrap_or(false);
    ok("dcmcjpls") && ok("dcmdjpls")
}

struct TempDir(PathBuf);
impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("jpegls-{}-{}", name, std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }
    fn path(&self, file: &str) -> PathBuf {
        self.0.join(file)
    }
}
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run(tool: &str, args: &[&str], input: &Path, output: &Path) {
    let status = Command::new(tool)
        .args(args)
        .arg(input)
        .arg(output)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {tool}: {e}"));
    assert!(status.status.success(), "{tool} {args:?} failed: {}", String::from_utf8_lossy(&status.stderr));
}

/// Writes a minimal explicit-VR-little-endian Secondary Capture file holding `pixels`.
fn write_dicom(path: &Path, width: usize, height: usize, components: usize, bits: u8, pixels: &[u16]) {
    fn element(out: &mut Vec<u8>, group: u16, elem: u16, vr: &[u8; 2], value: &[u8]) {
        out.extend_from_slice(&group.to_le_bytes());
        out.extend_from_slice(&elem.to_le_bytes());
        out.extend_from_slice(vr);
        if matches!(vr, b"OB" | b"OW") {
            out.extend_from_slice(&[0, 0]);
            out.extend_from_slice(&(value.len() as u32).to_le_bytes());
        } else {
            out.extend_from_slice(&(value.len() as u16).to_le_bytes());
        }
        out.extend_from_slice(value);
    }
    fn text(value: &str, pad: u8) -> Vec<u8> {
        let mut bytes = value.as_bytes().to_vec();
        if bytes.len() % 2 == 1 {
            bytes.push(pad);
        }
        bytes
    }
    let us = |v: u16| v.to_le_bytes().to_vec();
    let sop_class = "1.2.840.10008.5.1.4.1.1.7";
    let instance = "1.2.3.4.5.6.7.8.9";
    let mut meta = Vec::new();
    element(&mut meta, 0x0002, 0x0001, b"OB", &[0, 1]);
    element(&mut meta, 0x0002, 0x0002, b"UI", &text(sop_class, 0));
    element(&mut meta, 0x0002, 0x0003, b"UI", &text(instance, 0));
    element(&mut meta, 0x0002, 0x0010, b"UI", &text("1.2.840.10008.1.2.1", 0));
    let mut file = vec![0u8; 128];
    file.extend_from_slice(b"DICM");
    element(&mut file, 0x0002, 0x0000, b"UL", &(meta.len() as u32).to_le_bytes());
    file.extend_from_slice(&meta);
    element(&mut file, 0x0008, 0x0016, b"UI", &text(sop_class, 0));
    element(&mut file, 0x0008, 0x0018, b"UI", &text(instance, 0));
    element(&mut file, 0x0028, 0x0002, b"US", &us(components as u16));
    let photometric = if components == 3 { "RGB" } else { "MONOCHROME2" };
    element(&mut file, 0x0028, 0x0004, b"CS", &text(photometric, b' '));
    if components == 3 {
        element(&mut file, 0x0028, 0x0006, b"US", &us(0));
    }
    element(&mut file, 0x0028, 0x0010, b"US", &us(height as u16));
    element(&mut file, 0x0028, 0x0011, b"US", &us(width as u16));
    let allocated: u16 = if bits <= 8 { 8 } else { 16 };
    element(&mut file, 0x0028, 0x0100, b"US", &us(allocated));
    element(&mut file, 0x0028, 0x0101, b"US", &us(u16::from(bits)));
    element(&mut file, 0x0028, 0x0102, b"US", &us(u16::from(bits) - 1));
    element(&mut file, 0x0028, 0x0103, b"US", &us(0));
    let mut data: Vec<u8> = if allocated == 8 {
        pixels.iter().map(|&p| p as u8).collect()
    } else {
        pixels.iter().flat_map(|&p| p.to_le_bytes()).collect()
    };
    if data.len() % 2 == 1 {
        data.push(0);
    }
    element(&mut file, 0x7FE0, 0x0010, if allocated == 8 { b"OB" } else { b"OW" }, &data);
    std::fs::write(path, file).expect("write DICOM");
}

/// Encodes `input` with dcmcjpls `args`, decodes the result with ours and with dcmdjpls, and
/// checks: ours == dcmdjpls exactly, and ours within NEAR of `reference` (exact if lossless).
/// Returns (NEAR, interleave, max error).
fn check_dcmtk_case(
    dir: &TempDir,
    input: &Path,
    args: &[&str],
    reference: &[u32],
    bits_allocated: u32,
    bits: u8,
) -> (u8, InterleaveMode, u32) {
    let tag = args.join("").replace(['+', ' '], "_");
    let encoded = dir.path(&format!("enc{tag}.dcm"));
    let decoded = dir.path(&format!("dec{tag}.dcm"));
    run("dcmcjpls", args, input, &encoded);
    let stream = first_frame(&std::fs::read(&encoded).unwrap());
    let header = read_header(&stream).unwrap();
    let image = decode(&stream).unwrap_or_else(|e| panic!("{args:?}: {e}"));
    assert_eq!(image.precision, header.precision);
    let ours: Vec<u32> = values(&image).iter().map(|&v| v & ((1 << bits) - 1)).collect();
    assert_eq!(ours.len(), reference.len(), "{args:?}: sample count");
    let oracle = Command::new("dcmdjpls").arg("+px").arg(&encoded).arg(&decoded).output().unwrap();
    if oracle.status.success() {
        let mut theirs = native_values(&std::fs::read(&decoded).unwrap(), bits_allocated, bits);
        theirs.truncate(reference.len()); // an odd 8-bit pixel data value is padded
        assert!(ours == theirs, "{args:?}: differs from dcmdjpls (max error {})", max_error(&ours, &theirs));
        let oracle_error = max_error(&theirs, reference);
        if oracle_error > u32::from(header.near) {
            println!(
                "NOTE {args:?}: dcmcjpls wrote a wrong stream (dcmdjpls error {oracle_error}); ours equals dcmdjpls"
            );
            return (header.near, header.interleave, oracle_error);
        }
    } else {
        println!(
            "NOTE {args:?}: dcmdjpls cannot decode dcmcjpls's own stream ({}); compared with the source only",
            String::from_utf8_lossy(&oracle.stderr).trim()
        );
    }
    let error = max_error(&ours, reference);
    assert!(error <= u32::from(header.near), "{args:?}: error {error} > NEAR {}", header.near);
    (header.near, header.interleave, error)
}

// ---------------------------------------------------------------------------------------------
// WG04 corpus
// ---------------------------------------------------------------------------------------------

#[test]
fn wg04_lossless_matches_reference_exactly() {
    let mut tested = 0;
    for id in LOSSLESS_IDS {
        let (Some(file), Some(reference)) = (wg04("JLSL", &format!("{id}_JLSL")), wg04("REF", &format!("{id}_UNC")))
        else {
            println!("{id}: absent, skipped");
            continue;
        };
        let stream = first_frame(&file);
        let image = decode(&stream).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(image.components, 1);
        assert!(!image.colour_transformed);
        let bits = image.precision;
        let ours = values(&image);
        let expected = native_values(&reference, 16, bits);
        assert_eq!(ours.len(), expected.len(), "{id}: sample count");
        let mismatches = ours.iter().zip(&expected).filter(|(a, b)| a != b).count();
        assert_eq!(mismatches, 0, "{id}: {mismatches} samples differ");
        println!("{id}_JLSL: {}x{} P={bits} exact", image.width, image.height);
        tested += 1;
    }
    assert!(tested >= 11, "only {tested} JLSL files tested");
}

#[test]
fn wg04_near_lossless_within_near() {
    let mut tested = 0;
    for id in NEAR_IDS {
        let Some(file) = wg04("JLSN", &format!("{id}_JLSN")) else {
            println!("{id}: absent, skipped");
            continue;
        };
        let stream = first_frame(&file);
        let near = super::near(&stream).unwrap();
        let image = decode(&stream).unwrap_or_else(|e| panic!("{id}: {e}"));
        let Some(reference) = wg04("REF", &format!("{id}_UNC")) else {
            println!("{id}_JLSN: decoded {}x{} (no reference to compare)", image.width, image.height);
            continue;
        };
        let ours = values(&image);
        let expected = native_values(&reference, 16, image.precision);
        let error = max_error(&ours, &expected);
        println!("{id}_JLSN: NEAR={near} max error {error}");
        assert!(error <= u32::from(near), "{id}: error {error} exceeds NEAR {near}");
        tested += 1;
    }
    assert!(tested >= 11, "only {tested} JLSN files compared");
}

// ---------------------------------------------------------------------------------------------
// dcmtk-encoded streams
// ---------------------------------------------------------------------------------------------

#[test]
fn dcmtk_colour_every_interleave_mode() {
    if !dcmtk_available() {
        println!("SKIP dcmtk_colour_every_interleave_mode: dcmcjpls/dcmdjpls not installed");
        return;
    }
    let dir = TempDir::new("colour");
    let cases: [&[&str]; 13] = [
        &["+in"],
        &["+il"],
        &["+is"],
        &["+en", "+md", "2", "+in"],
        &["+en", "+md", "3", "+il"],
        &["+en", "+md", "5", "+is"],
        // dcmcjpls 3.6.7 crashes with a custom RESET in sample interleaving.
        &["+t1", "5", "+t2", "11", "+t3", "40", "+is"],
        &["+t1", "4", "+t2", "9", "+t3", "30", "+rs", "100", "+il"],
        &["+en", "+md", "1", "+t1", "6", "+t2", "12", "+t3", "25", "+rs", "200", "+in"],
        &["+t1", "4", "+t2", "6", "+t3", "9", "+rs", "12", "+in"],
        &["+pz", "+il"],
        &["+iv"],
        &["+en", "+md", "7", "+iv"],
    ];
    let mut tested = 0;
    let mut modes = std::collections::HashSet::new();
    for id in ["US1", "VL1"] {
        let Some(reference) = wg04("REF", &format!("{id}_UNC")) else {
            println!("{id}: absent, skipped");
            continue;
        };
        let input = corpus_file("REF", &format!("{id}_UNC"));
        let expected = native_values(&reference, 8, 8);
        for args in cases {
            let (near, mode, error) = check_dcmtk_case(&dir, &input, args, &expected, 8, 8);
            println!("{id} {args:?}: {mode:?} NEAR={near} max error {error}, equal to dcmdjpls");
            modes.insert(format!("{mode:?}"));
            tested += 1;
        }
    }
    assert!(tested >= 26, "only {tested} colour cases");
    assert_eq!(modes.len(), 3, "interleave modes covered: {modes:?}");
}

fn corpus_file(set: &str, name: &str) -> PathBuf {
    crate::codec::test_support::corpus_dir().join("wg04").join(set).join(name)
}

#[test]
fn dcmtk_grey_lossless_near_and_custom_presets() {
    if !dcmtk_available() {
        println!("SKIP dcmtk_grey_lossless_near_and_custom_presets: dcmcjpls/dcmdjpls not installed");
        return;
    }
    let dir = TempDir::new("grey");
    let cases: [&[&str]; 6] = [
        &[],
        &["+en", "+md", "1"],
        &["+en", "+md", "6"],
        &["+t1", "5", "+t2", "9", "+t3", "30", "+rs", "100"],
        &["+en", "+md", "3", "+t1", "20", "+t2", "50", "+t3", "300", "+rs", "255"],
        &["+pz"],
    ];
    let mut tested = 0;
    // dcmcjpls refuses near-lossless for signed images (CT, MR1): lossless cases only there.
    for (id, bits, signed) in [("MR1", 16u8, true), ("CT2", 16, true), ("MR4", 12, false), ("RG3", 10, false)] {
        let Some(reference) = wg04("REF", &format!("{id}_UNC")) else {
            println!("{id}: absent, skipped");
            continue;
        };
        let input = corpus_file("REF", &format!("{id}_UNC"));
        let expected = native_values(&reference, 16, bits);
        for args in cases {
            if signed && args.contains(&"+en") {
                continue;
            }
            let (near, _, error) = check_dcmtk_case(&dir, &input, args, &expected, 16, bits);
            println!("{id} {args:?}: NEAR={near} max error {error}, equal to dcmdjpls");
            tested += 1;
        }
    }
    assert!(tested >= 18, "only {tested} grey cases");
}

#[test]
fn dcmtk_synthetic_bit_depths() {
    if !dcmtk_available() {
        println!("SKIP dcmtk_synthetic_bit_depths: dcmcjpls/dcmdjpls not installed");
        return;
    }
    let dir = TempDir::new("depths");
    let mut tested = 0;
    for bits in 2u8..=16 {
        for components in [1usize, 3] {
            let (width, height) = (67, 45);
            let pixels = synthetic(width, height, components, bits, u64::from(bits) * 31 + components as u64);
            let input = dir.path(&format!("in{bits}_{components}.dcm"));
            write_dicom(&input, width, height, components, bits, &pixels);
            let expected: Vec<u32> = pixels.iter().map(|&p| u32::from(p)).collect();
            let allocated = if bits <= 8 { 8 } else { 16 };
            let modes: &[&str] = if components == 3 { &["+in", "+il", "+is"] } else { &["+in"] };
            for mode in modes {
                for near in ["0", "1", "2"] {
                    // "+pc" (cooked) codes P = Bits Stored; dcmcjpls only accepts that for 6..=16
                    // bits, so smaller depths fall back to raw mode (P = 8).
                    // dcmcjpls 3.6.7 writes empty scans for "+pc +in" with 3 components of other
                    // than 8 bits, so those use raw mode (P = 16 there, with an LSE segment
                    // before each scan, which dcmdjpls itself cannot read back).
                    let raw_only = components == 3 && *mode == "+in" && bits != 8;
                    if raw_only && near != "0" {
                        println!("bits {bits} x3 +in NEAR={near}: dcmcjpls writes empty scans, skipped");
                        continue;
                    }
                    let mut args: Vec<&str> = if raw_only { vec![mode] } else { vec!["+pc", mode] };
                    if near != "0" {
                        args.extend(["+en", "+md", near]);
                    }
                    let accepted = |args: &[&str]| {
                        let probe = dir.path("probe.dcm");
                        Command::new("dcmcjpls").args(args).arg(&input).arg(&probe).output().unwrap().status.success()
                    };
                    if !accepted(&args) {
                        if !raw_only {
                            args.remove(0);
                        }
                        if raw_only || !accepted(&args) {
                            println!("bits {bits} x{components} {args:?}: dcmcjpls refuses, skipped");
                            continue;
                        }
                    }
                    let (n, mode_seen, error) = check_dcmtk_case(&dir, &input, &args, &expected, allocated, bits);
                    let stream = first_frame(
                        &std::fs::read(dir.path(&format!("enc{}.dcm", args.join("").replace(['+', ' '], "_"))))
                            .unwrap(),
                    );
                    let precision = read_header(&stream).unwrap().precision;
                    if args[0] == "+pc" {
                        assert_eq!(precision, bits, "cooked mode wrote P={precision}");
                    }
                    println!("bits {bits} x{components} {mode_seen:?} P={precision} NEAR={n}: max error {error}");
                    tested += 1;
                }
            }
        }
    }
    assert!(tested >= 60, "only {tested} synthetic dcmtk cases");
}

// ---------------------------------------------------------------------------------------------
// pure_jpegls-encoded streams (every precision, NEAR)
// ---------------------------------------------------------------------------------------------

fn pure_encode(pixels: &[u16], width: usize, height: usize, bits: u8, near: u8) -> Vec<u8> {
    let mut options = pure_jpegls::EncodeOptions::default();
    options.near = near;
    options.precision = Some(bits);
    let mut out = Vec::new();
    pure_jpegls::encode_with_options(pixels, width as u32, height as u32, &options, &mut out)
        .expect("pure_jpegls encode");
    out
}

#[test]
fn pure_jpegls_every_precision() {
    let mut tested = 0;
    for bits in 2u8..=16 {
        for near in [0u8, 1, 3] {
            if u32::from(near) > ((1u32 << bits) - 1) / 2 {
                continue;
            }
            let (width, height) = (53, 37);
            let pixels = synthetic(width, height, 1, bits, u64::from(bits) * 7 + u64::from(near));
            let stream = pure_encode(&pixels, width, height, bits, near);
            let image = decode(&stream).unwrap_or_else(|e| panic!("P={bits} NEAR={near}: {e}"));
            assert_eq!(image.precision, bits);
            assert_eq!(matches!(image.samples, Samples::U8(_)), bits <= 8);
            let ours = values(&image);
            let (oracle, _, _) = pure_jpegls::decode(&stream, width as u32, height as u32).unwrap();
            let oracle: Vec<u32> = oracle.iter().map(|&v| u32::from(v)).collect();
            assert!(ours == oracle, "P={bits} NEAR={near}: differs from pure_jpegls");
            let source: Vec<u32> = pixels.iter().map(|&v| u32::from(v)).collect();
            let error = max_error(&ours, &source);
            assert!(error <= u32::from(near), "P={bits} NEAR={near}: error {error}");
            tested += 1;
        }
    }
    assert!(tested >= 40, "only {tested} cases");
}

// ---------------------------------------------------------------------------------------------
// Restart intervals: strips coded independently, spliced with RSTm markers
// ---------------------------------------------------------------------------------------------

/// One scan of a stream: its SOS segment and its entropy-coded data.
type ScanParts = (Vec<u8>, Vec<u8>);

/// Splits a stream into (header bytes before the first SOS, its scans).
fn split_scans(stream: &[u8]) -> (Vec<u8>, Vec<ScanParts>) {
    let mut position = 2;
    let mut header = Vec::new();
    let mut scans = Vec::new();
    while position + 4 <= stream.len() {
        assert_eq!(stream[position], 0xFF, "marker expected at {position}");
        let code = stream[position + 1];
        if code == 0xFF {
            position += 1;
            continue;
        }
        if code == 0xD9 {
            break;
        }
        let length = usize::from(u16::from_be_bytes([stream[position + 2], stream[position + 3]]));
        let segment = stream[position..position + 2 + length].to_vec();
        position += 2 + length;
        if code != 0xDA {
            assert!(scans.is_empty(), "segments between scans are not expected here");
            header.extend_from_slice(&segment);
            continue;
        }
        let start = position;
        while !(stream[position] == 0xFF && stream[position + 1] >= 0x80) {
            position += 1;
        }
        scans.push((segment, stream[start..position].to_vec()));
    }
    (header, scans)
}

/// Builds a stream of `height` lines with restart interval `interval` from strip streams.
fn splice_restarts(strips: &[Vec<u8>], height: usize, interval: usize) -> Vec<u8> {
    let split: Vec<_> = strips.iter().map(|s| split_scans(s)).collect();
    let (header, first_scans) = &split[0];
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xDD, 0x00, 0x04];
    out.extend_from_slice(&(interval as u16).to_be_bytes());
    let mut header = header.clone();
    // Patch the SOF55 height (the frame header is the first segment written by both encoders
    // or follows an APPn; find it).
    let sof = header.windows(2).position(|w| w == [0xFF, 0xF7]).expect("SOF55");
    header[sof + 5..sof + 7].copy_from_slice(&(height as u16).to_be_bytes());
    out.extend_from_slice(&header);
    for (scan_index, (sos, _)) in first_scans.iter().enumerate() {
        out.extend_from_slice(sos);
        for (strip, (_, scans)) in split.iter().enumerate() {
            if strip > 0 {
                out.extend_from_slice(&[0xFF, 0xD0 + ((strip - 1) % 8) as u8]);
            }
            out.extend_from_slice(&scans[scan_index].1);
        }
    }
    out.extend_from_slice(&[0xFF, 0xD9]);
    out
}

#[test]
fn restart_intervals_grey_spliced_from_pure_jpegls() {
    let mut tested = 0;
    for (bits, near, interval) in [(8u8, 0u8, 5usize), (12, 0, 1), (16, 2, 7), (4, 1, 3), (10, 0, 16)] {
        let (width, height) = (41, 33);
        let pixels = synthetic(width, height, 1, bits, 99 + u64::from(bits));
        let strips: Vec<Vec<u8>> = pixels
            .chunks(width * interval)
            .map(|strip| pure_encode(strip, width, strip.len() / width, bits, near))
            .collect();
        let stream = splice_restarts(&strips, height, interval);
        let header = read_header(&stream).unwrap();
        assert_eq!(header.restart_interval, interval as u32);
        let image = decode(&stream).unwrap_or_else(|e| panic!("P={bits} interval {interval}: {e}"));
        let expected: Vec<u32> = strips
            .iter()
            .zip(pixels.chunks(width * interval))
            .flat_map(|(strip, chunk)| {
                pure_jpegls::decode(strip, width as u32, (chunk.len() / width) as u32).expect("pure_jpegls decode").0
            })
            .map(u32::from)
            .collect();
        let ours = values(&image);
        assert!(ours == expected, "P={bits}: differs from the strips decoded by pure_jpegls");
        let source: Vec<u32> = pixels.iter().map(|&v| u32::from(v)).collect();
        let error = max_error(&ours, &source);
        assert!(error <= u32::from(near), "P={bits} NEAR={near} interval {interval}: error {error}");
        println!("restart interval {interval}, P={bits}, NEAR={near}: max error {error}");
        tested += 1;
    }
    assert_eq!(tested, 5);
}

#[test]
fn restart_intervals_colour_spliced_from_dcmtk() {
    if !dcmtk_available() {
        println!("SKIP restart_intervals_colour_spliced_from_dcmtk: dcmcjpls not installed");
        return;
    }
    let dir = TempDir::new("restart");
    let (width, height, interval) = (37, 29, 4);
    let pixels = synthetic(width, height, 3, 8, 1234);
    let mut tested = 0;
    for args in [&["+in"][..], &["+il"], &["+is"], &["+en", "+md", "2", "+is"], &["+en", "+md", "1", "+il"]] {
        let strips: Vec<Vec<u8>> = pixels
            .chunks(width * 3 * interval)
            .enumerate()
            .map(|(i, strip)| {
                let input = dir.path(&format!("strip{i}.dcm"));
                let output = dir.path(&format!("strip{i}.jls.dcm"));
                write_dicom(&input, width, strip.len() / (3 * width), 3, 8, strip);
                run("dcmcjpls", args, &input, &output);
                first_frame(&std::fs::read(&output).unwrap())
            })
            .collect();
        let stream = splice_restarts(&strips, height, interval);
        let image = decode(&stream).unwrap_or_else(|e| panic!("{args:?}: {e}"));
        let expected: Vec<u32> = strips.iter().flat_map(|s| values(&decode(s).unwrap())).collect();
        assert!(values(&image) == expected, "{args:?}: restart stream differs from its strips");
        let source: Vec<u32> = pixels.iter().map(|&v| u32::from(v)).collect();
        let error = max_error(&values(&image), &source);
        let near = read_header(&stream).unwrap().near;
        assert!(error <= u32::from(near));
        println!("restart colour {args:?}: NEAR={near} max error {error}");
        tested += 1;
    }
    assert_eq!(tested, 5);
}

// ---------------------------------------------------------------------------------------------
// Stream tolerance and unsupported features
// ---------------------------------------------------------------------------------------------

#[test]
fn tolerates_padding_and_missing_eoi() {
    let Some(file) = wg04("JLSL", "MR4_JLSL") else {
        println!("SKIP: MR4_JLSL absent");
        return;
    };
    let stream = first_frame(&file);
    let expected = values(&decode(&stream).unwrap());
    let eoi = stream.windows(2).rposition(|w| w == [0xFF, 0xD9]).unwrap();
    let body = &stream[..eoi];
    for (name, variant) in [
        ("zero before EOI", [body, &[0x00, 0xFF, 0xD9]].concat()),
        ("0xFF before EOI", [body, &[0xFF, 0xFF, 0xD9]].concat()),
        ("no EOI", body.to_vec()),
        ("bytes after EOI", [&stream[..], &[0x00, 0x12]].concat()),
    ] {
        let image = decode(&variant).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(values(&image) == expected, "{name}: different samples");
    }
}

#[test]
fn rejects_colour_transform_and_garbage() {
    let Some(file) = wg04("JLSL", "MR4_JLSL") else {
        println!("SKIP: MR4_JLSL absent");
        return;
    };
    let stream = first_frame(&file);
    let app8 = [0xFF, 0xE8, 0x00, 0x07, b'm', b'r', b'f', b'x', 1];
    let with_transform = [&stream[..2], &app8[..], &stream[2..]].concat();
    assert!(matches!(decode(&with_transform), Err(crate::codec::CodecError::Unsupported { .. })));
    let mut no_transform = with_transform.clone();
    no_transform[8] = 0;
    assert!(decode(&no_transform).is_ok());
    assert!(decode(&[]).is_err());
    assert!(decode(&[0xFF, 0xD8]).is_err());
    assert!(decode(&[0xFF, 0xD8, 0xFF, 0xD9]).is_err());
    assert!(decode(&[0x12, 0x34]).is_err());
}

// ---------------------------------------------------------------------------------------------
// Robustness: truncation and corruption never panic or hang
// ---------------------------------------------------------------------------------------------

/// Decodes each stream on a worker thread; fails on a panic or a decode taking over 10 s.
fn decode_all_safely(label: &str, streams: Vec<Vec<u8>>) -> (usize, usize) {
    let count = streams.len();
    let (sender, receiver) = mpsc::channel();
    let worker = std::thread::spawn(move || {
        for (i, stream) in streams.into_iter().enumerate() {
            let ok = decode(&stream).is_ok();
            if sender.send((i, ok)).is_err() {
                return;
            }
        }
    });
    let mut ok = 0;
    for _ in 0..count {
        match receiver.recv_timeout(Duration::from_secs(10)) {
            Ok((_, decoded)) => ok += usize::from(decoded),
            Err(mpsc::RecvTimeoutError::Timeout) => panic!("{label}: a decode hung"),
            Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{label}: the decoder panicked"),
        }
    }
    worker.join().expect("worker");
    (ok, count - ok)
}

fn robustness_streams() -> Vec<(String, Vec<u8>)> {
    let mut streams = Vec::new();
    for (set, name) in [("JLSL", "NM1_JLSL"), ("JLSL", "MR4_JLSL"), ("JLSN", "CT2_JLSN"), ("JLSL", "MR3_JLSL")] {
        if let Some(file) = wg04(set, name) {
            streams.push((name.to_string(), first_frame(&file)));
        }
    }
    // Colour streams in every interleave mode, made with pure synthetic data via dcmtk.
    if dcmtk_available() {
        let dir = TempDir::new("robust");
        let pixels = synthetic(64, 48, 3, 8, 5);
        let input = dir.path("in.dcm");
        write_dicom(&input, 64, 48, 3, 8, &pixels);
        for args in [&["+in"][..], &["+il"], &["+is"], &["+en", "+md", "2", "+is"]] {
            let output = dir.path("out.dcm");
            run("dcmcjpls", args, &input, &output);
            streams.push((format!("synthetic {args:?}"), first_frame(&std::fs::read(&output).unwrap())));
        }
    }
    streams
}

#[test]
fn truncated_streams_fail_cleanly() {
    let streams = robustness_streams();
    assert!(streams.len() >= 4, "too few streams for the robustness test");
    for (name, stream) in streams {
        let mut cuts: Vec<usize> = (0..40).map(|i| stream.len() * i / 40).collect();
        cuts.extend(0..64.min(stream.len()));
        cuts.extend([stream.len().saturating_sub(3), stream.len().saturating_sub(1)]);
        let variants: Vec<Vec<u8>> = cuts.iter().map(|&cut| stream[..cut].to_vec()).collect();
        let (ok, failed) = decode_all_safely(&name, variants);
        println!("{name}: truncations {ok} decoded, {failed} errors");
    }
}

#[test]
fn corrupted_streams_fail_cleanly() {
    let streams = robustness_streams();
    assert!(streams.len() >= 4, "too few streams for the robustness test");
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for (name, stream) in streams {
        let mut variants = Vec::new();
        for round in 0..120 {
            let mut corrupted = stream.clone();
            let flips = 1 + (round % 4);
            for _ in 0..flips {
                // Half the flips land in the headers, the rest anywhere.
                let limit = if round % 2 == 0 { 64.min(corrupted.len()) } else { corrupted.len() };
                let at = rng.below(limit as u64) as usize;
                corrupted[at] ^= 1 << rng.below(8);
                if round % 5 == 0 {
                    corrupted[at] = rng.next() as u8;
                }
            }
            variants.push(corrupted);
        }
        let (ok, failed) = decode_all_safely(&name, variants);
        println!("{name}: corruptions {ok} decoded, {failed} errors");
    }
}

// ---------------------------------------------------------------------------------------------
// Speed
// ---------------------------------------------------------------------------------------------

/// CPU time of this thread in nanoseconds (Linux), to time decodes on a shared machine.
fn thread_cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat").ok()?.split_whitespace().next()?.parse().ok()
}

#[test]
#[ignore = "timing; run with --release --ignored --nocapture"]
fn native_speed() {
    for (set, id) in
        [("JLSL", "CT1"), ("JLSL", "MR1"), ("JLSL", "MR2"), ("JLSL", "RG2"), ("JLSL", "SC1"), ("JLSN", "CT1")]
    {
        let Some(file) = wg04(set, &format!("{id}_{set}")) else {
            continue;
        };
        let stream = first_frame(&file);
        let image = decode(&stream).unwrap();
        let pixels = f64::from(image.width) * f64::from(image.height);
        let rounds = (60_000_000.0 / pixels).ceil().max(5.0) as usize;
        let mut best_wall = f64::MAX;
        let cpu_start = thread_cpu_ns();
        for _ in 0..rounds {
            let start = Instant::now();
            std::hint::black_box(decode(std::hint::black_box(&stream)).unwrap());
            best_wall = best_wall.min(start.elapsed().as_secs_f64());
        }
        let cpu = match (cpu_start, thread_cpu_ns()) {
            (Some(a), Some(b)) => format!("{:.1} MP/s CPU time", pixels / ((b - a) as f64 / 1e9 / rounds as f64) / 1e6),
            _ => "CPU time unavailable".to_string(),
        };
        println!(
            "{id}_{set} {}x{}: best wall {:.2} ms = {:.1} MP/s; mean {cpu}",
            image.width,
            image.height,
            best_wall * 1e3,
            pixels / best_wall / 1e6
        );
    }
}
