//! WG04 J2KI (1.2.840.10008.1.2.4.91) frames: PSNR against the REF image where one exists.

use super::reference::{psnr, us_element, Reference};
use crate::codec::jpeg2000::decode;
use crate::codec::test_support::{first_frame, wg04};

/// All J2KI files of WG04; only some have a REF.
const J2KI_IDS: [&str; 20] = [
    "CT1", "CT2", "MG1", "MR1", "MR2", "MR3", "MR4", "NM1", "RG1", "RG2", "RG3", "SC1", "US1", "VL1", "VL2", "VL3",
    "VL4", "VL5", "VL6", "XA1",
];
/// Lowest PSNR accepted (dB) for grey images; measured 54.8 (RG2) to 79.3 (NM1).
const GREY_PSNR_FLOOR: f64 = 54.0;
/// Lowest PSNR accepted (dB) for colour images, which WG04 compressed harder: measured
/// 32.9 (VL6) to 41.0 (VL1). The C OpenJPEG build of Cornerstone decodes all 20 J2KI
/// files to the same bytes as this decoder (checked once by hand), so these are the files'.
const COLOUR_PSNR_FLOOR: f64 = 32.5;

#[test]
fn j2ki_psnr_against_reference() {
    let mut decoded_count = 0;
    let mut compared = 0;
    println!("| file | size | precision | PSNR dB | max abs error |");
    println!("|---|---|---|---|---|");
    for id in J2KI_IDS {
        let Some(file) = wg04("J2KI", &format!("{id}_J2KI")) else {
            println!("| {id} | absent | | | |");
            continue;
        };
        let image = decode(&first_frame(&file)).unwrap_or_else(|e| panic!("{id}: {e}"));
        let rows = us_element(&file, 0x0028, 0x0010).expect("Rows");
        let columns = us_element(&file, 0x0028, 0x0011).expect("Columns");
        assert_eq!((image.width, image.height), (u32::from(columns), u32::from(rows)), "{id}");
        decoded_count += 1;
        let size = format!("{}x{}x{}", image.width, image.height, image.components);
        let Some(reference_file) = wg04("REF", &format!("{id}_UNC")) else {
            println!("| {id} | {size} | {} | no REF | |", image.precision);
            continue;
        };
        let reference = Reference::from_file(&reference_file);
        reference.assert_geometry(&image, id);
        assert!(image.colour_transformed == (image.components == 3), "{id}: ICT flag");
        let decoded = reference.normalise(&image);
        let db = psnr(&reference.values, &decoded, reference.bits_stored);
        let max_error = reference.values.iter().zip(&decoded).map(|(a, b)| (a - b).abs()).max().unwrap_or(0);
        println!("| {id} | {size} | {} | {db:.2} | {max_error} |", image.precision);
        let floor = if image.components == 3 { COLOUR_PSNR_FLOOR } else { GREY_PSNR_FLOOR };
        assert!(db >= floor, "{id}: PSNR {db:.2} dB below {floor}");
        compared += 1;
    }
    assert!(decoded_count >= 20, "only {decoded_count} J2KI files decoded");
    assert!(compared >= 16, "only {compared} J2KI files compared with REF");
}
