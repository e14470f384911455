//! A synthetic digital mammogram for performance and correctness tests of large images: Digital
//! Mammography X-Ray Image Storage – For Presentation (PS3.4 B.5, PS3.3 A.26), MONOCHROME2,
//! 16 bits allocated, 14 stored, any size up to 65535 × 65535 (4000 × 5000 is the issue's
//! case). Made by the project's own writer at test time; never stored in the repository.
//!
//! Content: the breast as a half ellipse against the chest wall (column 0), bright towards the
//! chest wall and falling off to the skin line, with smooth "glandular" texture and
//! deterministic noise; the background outside the breast is dark (stored ≈ 200).

use dicom_dictionary_std::tags;

use super::writer::{write_part10, DataSet, FileMeta, EXPLICIT_VR_LITTLE_ENDIAN};
use super::{SampleError, StudyHeader, Vr, IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME, UID_ROOT};

/// Digital Mammography X-Ray Image Storage – For Presentation (PS3.4 B.5).
pub const MG_FOR_PRESENTATION: &str = "1.2.840.10008.5.1.4.1.1.1.2";
/// Bits Stored of the generated image (C.8.11.7: 12–16 bits for DX/MG).
pub const BITS_STORED: u16 = 14;
/// The file's Window Center / Width (C.11.2), spanning the breast's values.
pub const WINDOW: (f64, f64) = (7000.0, 10000.0);
/// Imager Pixel Spacing (mm), as detectors of 4000 × 5000 report it.
pub const IMAGER_PIXEL_SPACING_MM: f64 = 0.07;

/// xorshift32: the same noise on every machine.
fn next_noise(state: &mut u32) -> u32 {
    let mut x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    x
}

/// Stored values, row after row (`columns × rows`, each at most 2^BITS_STORED − 1).
pub fn stored_values(columns: u32, rows: u32) -> Vec<u16> {
    let max = f64::from((1u32 << BITS_STORED) - 1);
    let (width, height) = (f64::from(columns.max(1)), f64::from(rows.max(1)));
    // Semi-axes of the breast: 80 % of the width from the chest wall, 45 % of the height.
    let (semi_x, semi_y, centre_y) = (0.8 * width, 0.45 * height, 0.5 * height);
    let mut noise = 0x9E37_79B9u32;
    let mut out = Vec::with_capacity(columns as usize * rows as usize);
    for row in 0..rows {
        let y = (f64::from(row) + 0.5 - centre_y) / semi_y;
        for column in 0..columns {
            let x = (f64::from(column) + 0.5) / semi_x;
            let jitter = f64::from(next_noise(&mut noise) % 81) - 40.0;
            let radius = (x * x + y * y).sqrt();
            let value = if radius < 1.0 {
                // Thickness falls off towards the skin line; texture varies over ~100 pixels.
                let thickness = (1.0 - radius * radius).sqrt();
                let texture = (f64::from(column) / 97.0).sin() * (f64::from(row) / 131.0).cos()
                    + 0.5 * ((f64::from(column) + f64::from(row)) / 53.0).sin();
                2500.0 + 9000.0 * thickness + 900.0 * texture * thickness + jitter
            } else {
                200.0 + jitter
            };
            out.push(value.round().clamp(0.0, max) as u16);
        }
    }
    out
}

/// The mammogram as a Part 10 file in Explicit VR Little Endian.
pub fn mammogram_file(columns: u32, rows: u32) -> Result<Vec<u8>, SampleError> {
    let (Ok(rows16), Ok(columns16)) = (u16::try_from(rows), u16::try_from(columns)) else {
        return Err(SampleError::Geometry { reason: "Rows and Columns must fit 16 bits".to_string() });
    };
    if rows == 0 || columns == 0 {
        return Err(SampleError::Geometry { reason: "a mammogram needs at least one row and column".to_string() });
    }
    let uid = |suffix: &str| format!("{UID_ROOT}.14.{columns}.{rows}.{suffix}");
    let (study_uid, instance_uid) = (uid("1"), uid("3.1"));
    let header = StudyHeader {
        patient_name: "Phantom^Mammogram",
        patient_id: "PHANTOM-MG",
        study_instance_uid: &study_uid,
        study_description: "Synthetic mammogram",
    };
    let mut dataset = DataSet::new();
    header.write(&mut dataset)?;
    dataset.put_text(tags::SOP_CLASS_UID, Vr::UI, &[MG_FOR_PRESENTATION])?;
    dataset.put_text(tags::SOP_INSTANCE_UID, Vr::UI, &[&instance_uid])?;
    dataset.put_text(tags::IMAGE_TYPE, Vr::CS, &["DERIVED", "PRIMARY"])?;
    dataset.put_text(tags::PRESENTATION_INTENT_TYPE, Vr::CS, &["FOR PRESENTATION"])?;
    dataset.put_text(tags::MODALITY, Vr::CS, &["MG"])?;
    dataset.put_text(tags::SERIES_INSTANCE_UID, Vr::UI, &[&uid("2")])?;
    dataset.put_text(tags::SERIES_DESCRIPTION, Vr::LO, &["L CC synthetic"])?;
    dataset.put_text(tags::VIEW_POSITION, Vr::CS, &["CC"])?;
    dataset.put_text(tags::IMAGE_LATERALITY, Vr::CS, &["L"])?;
    dataset.put_text(tags::PATIENT_ORIENTATION, Vr::CS, &["A", "R"])?;
    dataset.put_integer(tags::INSTANCE_NUMBER, 1)?;
    dataset.put_decimals(tags::IMAGER_PIXEL_SPACING, &[IMAGER_PIXEL_SPACING_MM, IMAGER_PIXEL_SPACING_MM])?;
    dataset.put_u16(tags::SAMPLES_PER_PIXEL, 1);
    dataset.put_text(tags::PHOTOMETRIC_INTERPRETATION, Vr::CS, &["MONOCHROME2"])?;
    dataset.put_u16(tags::ROWS, rows16);
    dataset.put_u16(tags::COLUMNS, columns16);
    dataset.put_u16(tags::BITS_ALLOCATED, 16);
    dataset.put_u16(tags::BITS_STORED, BITS_STORED);
    dataset.put_u16(tags::HIGH_BIT, BITS_STORED - 1);
    dataset.put_u16(tags::PIXEL_REPRESENTATION, 0);
    dataset.put_text(tags::BURNED_IN_ANNOTATION, Vr::CS, &["NO"])?;
    dataset.put_decimals(tags::RESCALE_INTERCEPT, &[0.0])?;
    dataset.put_decimals(tags::RESCALE_SLOPE, &[1.0])?;
    dataset.put_text(tags::RESCALE_TYPE, Vr::LO, &["US"])?;
    dataset.put_decimals(tags::WINDOW_CENTER, &[WINDOW.0])?;
    dataset.put_decimals(tags::WINDOW_WIDTH, &[WINDOW.1])?;
    let bytes = stored_values(columns, rows).iter().flat_map(|v| v.to_le_bytes()).collect();
    dataset.put_binary(tags::PIXEL_DATA, Vr::OW, bytes)?;
    let meta = FileMeta {
        sop_class_uid: MG_FOR_PRESENTATION,
        sop_instance_uid: &instance_uid,
        transfer_syntax_uid: EXPLICIT_VR_LITTLE_ENDIAN,
        implementation_class_uid: IMPLEMENTATION_CLASS_UID,
        implementation_version_name: IMPLEMENTATION_VERSION_NAME,
    };
    write_part10(&meta, &dataset)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dicom::DicomImage;
    use crate::pipeline::PixelValues;

    #[test]
    fn breast_is_brighter_than_the_background_and_values_fit_bits_stored() {
        let (columns, rows) = (80, 100);
        let values = stored_values(columns, rows);
        assert_eq!(values.len(), 8000);
        assert!(values.iter().all(|v| *v < 1 << BITS_STORED));
        // Chest wall, middle row: inside the breast. Far right top corner: background.
        let at = |column: u32, row: u32| values[(row * columns + column) as usize];
        assert!(at(2, 50) > 9000, "{}", at(2, 50));
        assert!(at(79, 0) < 300, "{}", at(79, 0));
    }

    #[test]
    fn the_file_decodes_to_the_generated_values() {
        let (columns, rows) = (64, 48);
        let bytes = mammogram_file(columns, rows).expect("written");
        let image = DicomImage::parse(&bytes).expect("parsed");
        let frame = image.decode_frame(0).expect("decoded");
        assert_eq!((frame.columns, frame.rows), (columns, rows));
        match &frame.pixels {
            PixelValues::U16(decoded) => assert_eq!(decoded, &stored_values(columns, rows)),
            other => panic!("expected unsigned 16-bit values, got {other:?}"),
        }
        assert_eq!(image.info.windows(0).len(), 1);
    }

    #[test]
    fn sizes_beyond_16_bits_are_refused() {
        assert!(matches!(mammogram_file(70_000, 10), Err(SampleError::Geometry { .. })));
        assert!(matches!(mammogram_file(0, 10), Err(SampleError::Geometry { .. })));
    }
}
