//! WG04 JPEG Lossless (process 14, SV1) files must decode to their uncompressed references
//! exactly (bit patterns masked to Bits Stored; some references are signed).

use super::support::{all_ids, bits_stored, native_samples, samples_u16, wg04_frame};
use crate::codec::jpeg::decode;
use crate::codec::test_support::wg04;

#[test]
fn wg04_lossless_matches_reference_exactly() {
    let mut tested = Vec::new();
    for id in all_ids() {
        let Some(frame) = wg04_frame("JPLL", &format!("{id}_JPLL")) else {
            continue;
        };
        let Some(reference_file) = wg04("REF", &format!("{id}_UNC")) else {
            continue;
        };
        let image = decode(&frame).unwrap_or_else(|error| panic!("{id}: {error}"));
        let bits = bits_stored(&reference_file);
        let mask = if bits >= 16 { u16::MAX } else { (1u16 << bits) - 1 };
        let reference = native_samples(&reference_file);
        let decoded = samples_u16(&image);
        let frame_samples = image.width as usize * image.height as usize * usize::from(image.components);
        assert_eq!(decoded.len(), frame_samples, "{id}: sample count");
        assert!(reference.len() >= frame_samples, "{id}: reference shorter than one frame");
        let mismatches = decoded.iter().zip(&reference).filter(|(&a, &b)| a & mask != b & mask).count();
        println!(
            "{id}: {}x{}x{} P={} bits stored {bits}: {mismatches} mismatches",
            image.width, image.height, image.components, image.precision
        );
        assert_eq!(mismatches, 0, "{id}: decoded samples differ from the reference");
        tested.push(id);
    }
    println!("exact: {tested:?}");
    assert!(tested.len() >= 11, "only {} JPLL files tested", tested.len());
}
