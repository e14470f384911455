//! A synthetic colour test chart as a Secondary Capture image (PS3.3 A.8.1): RGB, Planar
//! Configuration 0, 8 bits, RLE Lossless. Every region is flat so RLE keeps the file small and
//! any colour error shows as a wrong patch value:
//! - top: eight 100 % colour bars (white, yellow, cyan, green, magenta, red, blue, black);
//! - middle left: a hue wheel in 24 hue sectors × 4 saturation rings (HSV, V = 1) on mid grey,
//!   with a light-skin-tone disc at its centre;
//! - middle right: 24 ColorChecker-style patches (approximate published sRGB values of the
//!   ColorChecker Classic, e.g. Wikipedia "ColorChecker"; indicative, not a calibration target);
//! - bottom: 16-step grey, red, green and blue ramps.

use dicom_dictionary_std::tags;

use super::rle_encoder::{encode_frame, RlePixels};
use super::writer::{write_part10, DataSet, FileMeta, RLE_LOSSLESS};
use super::{SampleError, SampleFile, SampleStudy, StudyHeader, Vr};
use super::{IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME, UID_ROOT};

/// Secondary Capture Image Storage (PS3.4 B.5).
pub const SECONDARY_CAPTURE_IMAGE_STORAGE: &str = "1.2.840.10008.5.1.4.1.1.7";
pub const CHART_ROWS: u32 = 480;
pub const CHART_COLUMNS: u32 = 640;

const STUDY: &str = "3";
const MID_GREY: [u8; 3] = [128, 128, 128];
const LIGHT_SKIN: [u8; 3] = [194, 150, 130];
const BARS: [[u8; 3]; 8] =
    [[255, 255, 255], [255, 255, 0], [0, 255, 255], [0, 255, 0], [255, 0, 255], [255, 0, 0], [0, 0, 255], [0, 0, 0]];
const PATCHES: [[u8; 3]; 24] = [
    [115, 82, 68],
    [194, 150, 130],
    [98, 122, 157],
    [87, 108, 67],
    [133, 128, 177],
    [103, 189, 170],
    [214, 126, 44],
    [80, 91, 166],
    [193, 90, 99],
    [94, 60, 108],
    [157, 188, 64],
    [224, 163, 46],
    [56, 61, 150],
    [70, 148, 73],
    [175, 54, 60],
    [231, 199, 31],
    [187, 86, 149],
    [8, 133, 161],
    [243, 243, 242],
    [200, 200, 200],
    [160, 160, 160],
    [122, 122, 121],
    [85, 85, 85],
    [52, 52, 52],
];

/// HSV (V = 1) to 8-bit RGB, hue in degrees, saturation 0..1.
fn hsv(hue: f64, saturation: f64) -> [u8; 3] {
    let sector = (hue / 60.0).rem_euclid(6.0);
    let fraction = sector - sector.floor();
    let (p, q, t) = (1.0 - saturation, 1.0 - saturation * fraction, 1.0 - saturation * (1.0 - fraction));
    let [r, g, b] = match sector as u32 {
        0 => [1.0, t, p],
        1 => [q, 1.0, p],
        2 => [p, 1.0, t],
        3 => [p, q, 1.0],
        4 => [t, p, 1.0],
        _ => [1.0, p, q],
    };
    [r, g, b].map(|c: f64| (c * 255.0).round() as u8)
}

/// The hue wheel (centre (152, 248), radius 140) at a pixel, or None outside it.
fn wheel(column: u32, row: u32) -> Option<[u8; 3]> {
    let (dx, dy) = (f64::from(column) + 0.5 - 152.0, f64::from(row) + 0.5 - 248.0);
    let radius = dx.hypot(dy);
    if radius >= 140.0 {
        return None;
    }
    if radius < 28.0 {
        return Some(LIGHT_SKIN);
    }
    // Hue grows counter-clockwise on screen (rows grow downwards).
    let sector = ((-dy).atan2(dx).to_degrees().rem_euclid(360.0) / 15.0).floor();
    let ring = ((radius - 28.0) / 28.0).floor() + 1.0;
    Some(hsv(sector * 15.0, ring / 4.0))
}

fn chart_pixel(column: u32, row: u32) -> [u8; 3] {
    match row {
        0..96 => BARS[(column / 80) as usize % 8],
        96..400 if column < 304 => wheel(column, row).unwrap_or(MID_GREY),
        96..400 => {
            let (x, y) = (column - 304, row - 96);
            if x % 56 < 8 || y % 76 < 8 {
                MID_GREY
            } else {
                PATCHES[((y / 76) * 6 + x / 56) as usize % 24]
            }
        }
        _ => {
            let level = (column / 40 * 17) as u8;
            match (row - 400) / 20 {
                0 => [level; 3],
                1 => [level, 0, 0],
                2 => [0, level, 0],
                _ => [0, 0, level],
            }
        }
    }
}

/// The chart's RGB samples, interleaved (R, G, B per pixel), row after row.
pub fn colour_chart() -> Vec<u8> {
    (0..CHART_ROWS).flat_map(|row| (0..CHART_COLUMNS).flat_map(move |column| chart_pixel(column, row))).collect()
}

/// The colour chart study: one Secondary Capture file, `colour/chart.dcm`.
pub fn colour_study() -> Result<SampleStudy, SampleError> {
    let study_uid = format!("{UID_ROOT}.{STUDY}.1");
    let instance_uid = format!("{UID_ROOT}.{STUDY}.3.1");
    let header = StudyHeader {
        patient_name: "Phantom^ColourChart",
        patient_id: "PHANTOM-RGB",
        study_instance_uid: &study_uid,
        study_description: "Synthetic colour test chart",
    };
    let mut dataset = DataSet::new();
    header.write(&mut dataset)?;
    dataset.put_text(tags::SOP_CLASS_UID, Vr::UI, &[SECONDARY_CAPTURE_IMAGE_STORAGE])?;
    dataset.put_text(tags::SOP_INSTANCE_UID, Vr::UI, &[&instance_uid])?;
    dataset.put_text(tags::IMAGE_TYPE, Vr::CS, &["DERIVED", "SECONDARY"])?;
    dataset.put_text(tags::MODALITY, Vr::CS, &["OT"])?;
    dataset.put_text(tags::CONVERSION_TYPE, Vr::CS, &["SYN"])?;
    dataset.put_text(tags::SERIES_INSTANCE_UID, Vr::UI, &[&format!("{UID_ROOT}.{STUDY}.2")])?;
    dataset.put_text(tags::SERIES_DESCRIPTION, Vr::LO, &["Colour bars, hue wheel, patches, ramps"])?;
    dataset.put_integer(tags::INSTANCE_NUMBER, 1)?;
    dataset.put_text(tags::PATIENT_ORIENTATION, Vr::CS, &[])?;
    dataset.put_u16(tags::SAMPLES_PER_PIXEL, 3);
    dataset.put_text(tags::PHOTOMETRIC_INTERPRETATION, Vr::CS, &["RGB"])?;
    dataset.put_u16(tags::PLANAR_CONFIGURATION, 0);
    dataset.put_u16(tags::ROWS, CHART_ROWS as u16);
    dataset.put_u16(tags::COLUMNS, CHART_COLUMNS as u16);
    dataset.put_u16(tags::BITS_ALLOCATED, 8);
    dataset.put_u16(tags::BITS_STORED, 8);
    dataset.put_u16(tags::HIGH_BIT, 7);
    dataset.put_u16(tags::PIXEL_REPRESENTATION, 0);
    let frame = encode_frame(RlePixels::U8(&colour_chart()), CHART_ROWS, CHART_COLUMNS, 3)?;
    dataset.put_encapsulated_pixel_data(vec![frame])?;
    let meta = FileMeta {
        sop_class_uid: SECONDARY_CAPTURE_IMAGE_STORAGE,
        sop_instance_uid: &instance_uid,
        transfer_syntax_uid: RLE_LOSSLESS,
        implementation_class_uid: IMPLEMENTATION_CLASS_UID,
        implementation_version_name: IMPLEMENTATION_VERSION_NAME,
    };
    Ok(SampleStudy {
        id: "colour",
        title: "Colour test chart (RGB)",
        description: "640 × 480 RGB Secondary Capture: colour bars, a 24-sector hue wheel with a skin-tone \
centre, ColorChecker-style patches and 16-step grey/red/green/blue ramps; RLE Lossless.",
        files: vec![SampleFile { path: "colour/chart.dcm".to_string(), bytes: write_part10(&meta, &dataset)? }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hsv_primaries_and_greys() {
        assert_eq!(hsv(0.0, 1.0), [255, 0, 0]);
        assert_eq!(hsv(120.0, 1.0), [0, 255, 0]);
        assert_eq!(hsv(240.0, 1.0), [0, 0, 255]);
        assert_eq!(hsv(60.0, 0.5), [255, 255, 128]);
        assert_eq!(hsv(90.0, 0.0), [255, 255, 255]);
    }

    #[test]
    fn regions_by_hand() {
        assert_eq!(chart_pixel(85, 10), [255, 255, 0]);
        assert_eq!(chart_pixel(152, 248), LIGHT_SKIN);
        // Right of the wheel centre (just above its row), outer ring: hue 0, saturation 1.
        assert_eq!(chart_pixel(152 + 130, 247), [255, 0, 0]);
        // Above the centre, just left of its column: hue 90 (a quarter turn counter-clockwise).
        assert_eq!(chart_pixel(151, 248 - 130), hsv(90.0, 1.0));
        assert_eq!(chart_pixel(304 + 20, 96 + 30), PATCHES[0]);
        assert_eq!(chart_pixel(639, 479), [0, 0, 255]);
        assert_eq!(chart_pixel(0, 410), [0, 0, 0]);
        assert_eq!(colour_chart().len(), 640 * 480 * 3);
    }
}
