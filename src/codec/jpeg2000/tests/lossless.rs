//! WG04 J2KR (1.2.840.10008.1.2.4.90) frames must equal their REF images exactly.

use super::reference::{cs_element, Reference, REF_IDS};
use crate::codec::jpeg2000::decode;
use crate::codec::test_support::{first_frame, wg04};

#[test]
fn j2kr_matches_reference_exactly() {
    let mut tested = 0;
    for id in REF_IDS {
        let (Some(file), Some(reference_file)) =
            (wg04("J2KR", &format!("{id}_J2KR")), wg04("REF", &format!("{id}_UNC")))
        else {
            println!("{id}: J2KR or REF file absent, skipped");
            continue;
        };
        let reference = Reference::from_file(&reference_file);
        let image = decode(&first_frame(&file)).unwrap_or_else(|e| panic!("{id}: {e}"));
        reference.assert_geometry(&image, id);
        let photometric = cs_element(&file, 0x0028, 0x0004).unwrap_or_default();
        // YBR_RCT frames carry the RCT in the codestream: openjpeg undoes it, giving RGB.
        assert_eq!(image.colour_transformed, photometric == "YBR_RCT", "{id}: colour_transformed");
        let decoded = reference.normalise(&image);
        let mismatches = decoded.iter().zip(&reference.values).filter(|(a, b)| a != b).count();
        println!(
            "{id}: {}x{}x{} precision {} {photometric}: {mismatches} mismatches",
            image.width, image.height, image.components, image.precision
        );
        assert_eq!(mismatches, 0, "{id}: decoded samples differ from REF");
        tested += 1;
    }
    assert!(tested >= 16, "only {tested} J2KR files tested");
}
