//! A JPEG photo (an ISIC dermoscopy image) wrapped, without recompression, as a DICOM Part 10
//! VL Photographic Image (PS3.3 A.33.4, SOP Class 1.2.840.10008.5.1.4.1.1.77.1.4) so the viewer
//! shows it with all its tools. The JPEG stream becomes the single fragment of encapsulated
//! Pixel Data (PS3.5 A.4) in JPEG Baseline (1.2.840.10008.1.2.4.50) or, for an SOF1 stream,
//! JPEG Extended (….4.51). Image Pixel values follow PS3.5 8.2.1: YBR_FULL_422 for YCbCr with
//! subsampled chroma, YBR_FULL without, RGB when the stream is not colour-transformed (Adobe
//! APP14 transform 0), MONOCHROME2 for one component. Progressive streams are refused: the
//! viewer's decoder (codec::jpeg) reads sequential DCT only.

use dicom_dictionary_std::tags;

use super::isic::IsicImage;
pub use super::jpeg_dicom_error::JpegDicomError;
use super::jpeg_markers::{read_header, HeaderError, JpegHeader};
use crate::dicomweb::uri::is_valid_uid;
use crate::samples::writer::{write_part10, DataSet, FileMeta};
use crate::samples::{Vr, IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME};

/// VL Photographic Image Storage (PS3.4 B.5).
pub const VL_PHOTOGRAPHIC_IMAGE_STORAGE: &str = "1.2.840.10008.5.1.4.1.1.77.1.4";
const JPEG_BASELINE: &str = "1.2.840.10008.1.2.4.50";
const JPEG_EXTENDED: &str = "1.2.840.10008.1.2.4.51";

/// What the file says about the photo. UIDs left `None` are derived from `uid_seed`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PhotoInfo {
    /// A stable name of the photo (e.g. its ISIC id): the same seed gives the same UIDs.
    pub uid_seed: String,
    pub patient_id: String,
    pub patient_name: String,
    /// "male"/"female" or "M"/"F"/"O"; anything else is left empty.
    pub patient_sex: String,
    pub study_uid: Option<String>,
    pub series_uid: Option<String>,
    pub instance_uid: Option<String>,
    pub study_description: String,
    pub series_description: String,
    /// Free text (e.g. "posterior torso"); written as a Code String (upper case, ≤ 16).
    pub body_part: String,
    /// YYYYMMDD, or empty.
    pub content_date: String,
}

impl PhotoInfo {
    /// What the viewer knows of an ISIC image: its id names the patient and seeds the UIDs, the
    /// diagnosis describes the study, licence and attribution describe the series.
    pub fn from_isic(image: &IsicImage) -> PhotoInfo {
        let diagnosis = image.diagnosis_text();
        PhotoInfo {
            uid_seed: image.isic_id.clone(),
            patient_id: image.isic_id.clone(),
            patient_name: image.isic_id.clone(),
            patient_sex: image.sex.clone(),
            study_description: if diagnosis.is_empty() {
                "ISIC Archive".into()
            } else {
                format!("ISIC Archive: {diagnosis}")
            },
            series_description: [image.copyright_license.as_str(), image.attribution.as_str()]
                .iter()
                .filter(|part| !part.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" "),
            body_part: image.anatomic_site.clone(),
            ..PhotoInfo::default()
        }
    }
}

/// A deterministic UID under the UUID-derived root 2.25 (PS3.5 B.2): the decimal of a 128-bit
/// hash (two FNV-1a 64-bit hashes) of the seed and the level ("study", "series", "instance").
pub fn derived_uid(seed: &str, level: &str) -> String {
    let fnv = |offset: u64| {
        let bytes = seed.bytes().chain([0]).chain(level.bytes());
        bytes.fold(offset, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01B3))
    };
    let value = (u128::from(fnv(0xCBF2_9CE4_8422_2325)) << 64) | u128::from(fnv(0x6C62_272E_07BB_0142));
    format!("2.25.{}", value.max(1))
}

/// The Photometric Interpretation of the decoded-as-stored stream (PS3.5 8.2.1).
fn photometric(header: &JpegHeader) -> Result<&'static str, JpegDicomError> {
    match header.components.as_slice() {
        [_] => Ok("MONOCHROME2"),
        [luma, chroma @ ..] if chroma.len() == 2 => {
            // As libjpeg decides: JFIF means YCbCr, else Adobe's transform flag, else ids 'R','G','B'.
            let rgb_ids = header.components.iter().map(|component| component.0).eq([b'R', b'G', b'B']);
            let transformed = header.jfif || header.adobe_transform.map_or(!rgb_ids, |transform| transform != 0);
            let subsampled = chroma.iter().any(|component| (component.1, component.2) != (luma.1, luma.2));
            Ok(match (transformed, subsampled) {
                (false, _) => "RGB",
                (true, true) => "YBR_FULL_422",
                (true, false) => "YBR_FULL",
            })
        }
        other => Err(JpegDicomError::Components(other.len())),
    }
}

fn uid_or_derived(given: &Option<String>, seed: &str, level: &str) -> Result<String, JpegDicomError> {
    match given {
        Some(uid) if is_valid_uid(uid.trim()) => Ok(uid.trim().to_string()),
        Some(uid) => Err(JpegDicomError::InvalidUid(uid.clone())),
        None => Ok(derived_uid(seed, level)),
    }
}

/// At most `limit` bytes of `text`, cut at a character boundary.
fn clipped(text: &str, limit: usize) -> &str {
    let mut end = text.len().min(limit);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// A Code String (PS3.5 6.2: upper case, digits, space, underscore; ≤ 16).
fn code_string(text: &str) -> String {
    let upper: String = text
        .trim()
        .chars()
        .map(|c| c.to_ascii_uppercase())
        .map(|c| if c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_' { c } else { ' ' })
        .collect();
    clipped(upper.split_whitespace().collect::<Vec<_>>().join(" ").as_str(), 16).trim().to_string()
}

/// Wraps `jpeg` as a VL Photographic Image Part 10 file.
pub fn jpeg_as_dicom(jpeg: &[u8], info: &PhotoInfo) -> Result<Vec<u8>, JpegDicomError> {
    let header = read_header(jpeg).map_err(|error| match error {
        HeaderError::NotJpeg => JpegDicomError::NotJpeg,
        HeaderError::Truncated { offset } | HeaderError::BadSegment { offset, .. } => {
            JpegDicomError::Malformed { offset }
        }
    })?;
    let transfer_syntax = match header.frame_marker {
        0xC0 => JPEG_BASELINE,
        0xC1 => JPEG_EXTENDED,
        0xC2 => return Err(JpegDicomError::Progressive),
        other => return Err(JpegDicomError::UnsupportedProcess(other)),
    };
    if header.precision != 8 {
        return Err(JpegDicomError::Precision(header.precision));
    }
    if header.rows == 0 || header.columns == 0 {
        return Err(JpegDicomError::Empty);
    }
    let photometric = photometric(&header)?;
    let samples =
        u16::try_from(header.components.len()).map_err(|_| JpegDicomError::Components(header.components.len()))?;
    let study_uid = uid_or_derived(&info.study_uid, &info.uid_seed, "study")?;
    let series_uid = uid_or_derived(&info.series_uid, &info.uid_seed, "series")?;
    let instance_uid = uid_or_derived(&info.instance_uid, &info.uid_seed, "instance")?;
    let sex = match info.patient_sex.trim().to_ascii_lowercase().as_str() {
        "m" | "male" => "M",
        "f" | "female" => "F",
        "o" | "other" => "O",
        _ => "",
    };
    let date = if info.content_date.len() == 8 && info.content_date.bytes().all(|b| b.is_ascii_digit()) {
        info.content_date.as_str()
    } else {
        ""
    };

    let mut data = DataSet::new();
    data.put_text(tags::SPECIFIC_CHARACTER_SET, Vr::CS, &["ISO_IR 192"])?;
    data.put_text(tags::IMAGE_TYPE, Vr::CS, &["ORIGINAL", "PRIMARY"])?;
    data.put_text(tags::SOP_CLASS_UID, Vr::UI, &[VL_PHOTOGRAPHIC_IMAGE_STORAGE])?;
    data.put_text(tags::SOP_INSTANCE_UID, Vr::UI, &[&instance_uid])?;
    data.put_text(tags::STUDY_DATE, Vr::DA, &[date])?;
    data.put_text(tags::CONTENT_DATE, Vr::DA, &[date])?;
    data.put_text(tags::STUDY_TIME, Vr::TM, &[""])?;
    data.put_text(tags::CONTENT_TIME, Vr::TM, &[""])?;
    data.put_text(tags::ACCESSION_NUMBER, Vr::SH, &[""])?;
    data.put_text(tags::MODALITY, Vr::CS, &["XC"])?;
    data.put_text(tags::MANUFACTURER, Vr::LO, &[""])?;
    data.put_text(tags::REFERRING_PHYSICIAN_NAME, Vr::PN, &[""])?;
    data.put_text(tags::STUDY_DESCRIPTION, Vr::LO, &[clipped(&info.study_description, 64)])?;
    data.put_text(tags::SERIES_DESCRIPTION, Vr::LO, &[clipped(&info.series_description, 64)])?;
    data.put_text(tags::PATIENT_NAME, Vr::PN, &[clipped(&info.patient_name.replace('\\', " "), 64)])?;
    data.put_text(tags::PATIENT_ID, Vr::LO, &[clipped(&info.patient_id.replace('\\', " "), 64)])?;
    data.put_text(tags::PATIENT_BIRTH_DATE, Vr::DA, &[""])?;
    data.put_text(tags::PATIENT_SEX, Vr::CS, &[sex])?;
    data.put_text(tags::BODY_PART_EXAMINED, Vr::CS, &[&code_string(&info.body_part)])?;
    data.put_text(tags::STUDY_INSTANCE_UID, Vr::UI, &[&study_uid])?;
    data.put_text(tags::SERIES_INSTANCE_UID, Vr::UI, &[&series_uid])?;
    data.put_text(tags::STUDY_ID, Vr::SH, &[""])?;
    data.put_integer(tags::SERIES_NUMBER, 1)?;
    data.put_integer(tags::INSTANCE_NUMBER, 1)?;
    data.put_text(tags::PATIENT_ORIENTATION, Vr::CS, &[""])?;
    data.put_u16(tags::SAMPLES_PER_PIXEL, samples);
    data.put_text(tags::PHOTOMETRIC_INTERPRETATION, Vr::CS, &[photometric])?;
    if samples > 1 {
        data.put_u16(tags::PLANAR_CONFIGURATION, 0);
    }
    data.put_u16(tags::ROWS, header.rows);
    data.put_u16(tags::COLUMNS, header.columns);
    data.put_u16(tags::BITS_ALLOCATED, 8);
    data.put_u16(tags::BITS_STORED, 8);
    data.put_u16(tags::HIGH_BIT, 7);
    data.put_u16(tags::PIXEL_REPRESENTATION, 0);
    data.put_text(tags::LOSSY_IMAGE_COMPRESSION, Vr::CS, &["01"])?;
    data.put_text(tags::LOSSY_IMAGE_COMPRESSION_METHOD, Vr::CS, &["ISO_10918_1"])?;
    // PS3.5 A.4: a fragment of odd length is padded with one trailing zero byte.
    let mut fragment = jpeg.to_vec();
    if fragment.len() % 2 == 1 {
        fragment.push(0);
    }
    let mut pixels = DataSet::new();
    pixels.put_encapsulated_pixel_data(vec![fragment])?;
    let meta = FileMeta {
        sop_class_uid: VL_PHOTOGRAPHIC_IMAGE_STORAGE,
        sop_instance_uid: &instance_uid,
        transfer_syntax_uid: transfer_syntax,
        implementation_class_uid: IMPLEMENTATION_CLASS_UID,
        implementation_version_name: IMPLEMENTATION_VERSION_NAME,
    };
    // Elements stay in tag order: the data set, the (type 2, empty) Acquisition Context
    // Sequence (0040,0555) of the Acquisition Context Module (PS3.3 C.7.6.14), Pixel Data.
    let mut file = write_part10(&meta, &data)?;
    file.extend_from_slice(&[0x40, 0x00, 0x55, 0x05, b'S', b'Q', 0, 0, 0, 0, 0, 0]);
    file.extend(pixels.encode()?);
    Ok(file)
}

#[cfg(test)]
#[path = "jpeg_dicom_tests.rs"]
mod tests;
