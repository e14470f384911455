//! WG04 JPEG lossy files (extended process 2/4, 12-bit): PSNR against the uncompressed
//! reference, and sample-by-sample agreement with dcmtk's own decoder (IJG islow IDCT).

use super::support::{
    all_ids, bits_stored, corpus_path, max_difference, native_samples, psnr, run, samples_u16, tool, wg04_frame,
    Scratch,
};
use crate::codec::jpeg::decode;
use crate::codec::test_support::wg04;

/// Every reference-bearing JPLY file reaches at least this PSNR (lowest seen: RG2, 45.05 dB
/// with a 10-bit peak; dcmdjpeg decodes these files to the same samples).
const PSNR_FLOOR_DB: f64 = 40.0;

#[test]
fn wg04_lossy_psnr_against_reference() {
    let mut tested = 0;
    println!("{:<4} {:>11} {:>3} {:>5} {:>9}", "id", "size", "P", "peak bits", "PSNR dB");
    for id in all_ids() {
        let Some(frame) = wg04_frame("JPLY", &format!("{id}_JPLY")) else {
            continue;
        };
        let image = decode(&frame).unwrap_or_else(|error| panic!("{id}: {error}"));
        assert_eq!(image.precision, 12, "{id}: WG04 lossy files are 12-bit");
        let Some(reference_file) = wg04("REF", &format!("{id}_UNC")) else {
            println!("{id:<4} {:>5}x{:<5} {:>3}  (no reference)", image.width, image.height, image.precision);
            continue;
        };
        // The peak is that of the coded samples: Bits Stored, at most the JPEG precision
        // (MR1, MR3 and NM1 declare 16 bits stored but hold 12-bit values).
        let bits = u32::from(bits_stored(&reference_file)).min(u32::from(image.precision));
        let decoded = samples_u16(&image);
        let reference = native_samples(&reference_file);
        let value = psnr(&decoded, &reference[..decoded.len()], bits);
        println!("{id:<4} {:>5}x{:<5} {:>3} {bits:>5} {value:>9.2}", image.width, image.height, image.precision);
        assert!(value >= PSNR_FLOOR_DB, "{id}: PSNR {value:.2} dB below {PSNR_FLOOR_DB}");
        tested += 1;
    }
    assert!(tested >= 9, "only {tested} JPLY files with references tested");
}

#[test]
fn wg04_lossy_matches_dcmdjpeg() {
    let Some(dcmdjpeg) = tool("dcmdjpeg") else {
        return;
    };
    let scratch = Scratch::new("lossy-");
    let mut tested = 0;
    for id in all_ids() {
        let name = format!("{id}_JPLY");
        let Some(frame) = wg04_frame("JPLY", &name) else {
            continue;
        };
        let output = scratch.path(&format!("{name}.dcmdjpeg"));
        let input = corpus_path("JPLY", &name);
        run(&dcmdjpeg, &[input.to_str().unwrap(), output.to_str().unwrap()]);
        let oracle = native_samples(&std::fs::read(&output).unwrap());
        let decoded = samples_u16(&decode(&frame).unwrap());
        let (max, count) = max_difference(&decoded, &oracle[..decoded.len()]);
        println!("{id}: max difference to dcmdjpeg {max} ({count} samples differ of {})", decoded.len());
        assert!(max <= 1, "{id}: differs from dcmdjpeg by {max}");
        tested += 1;
    }
    assert!(tested >= 10, "only {tested} JPLY files compared");
}
