//! The CT head phantom as a CT Image Storage series (PS3.3 A.3): one RLE Lossless file per
//! axial slice of `phantom::DEFAULT_GRID`.
//!
//! Stored values are unsigned 16-bit with Bits Stored 12 (PS3.3 C.8.2.1.1.4): stored =
//! HU + 1024, so Rescale Intercept −1024 and Slope 1 recover HU; the phantom spans −1000..+1060
//! HU, stored 24..2084, well inside 0..4095. Two windows (C.11.2): brain 40/80, bone 300/2000.

use dicom_dictionary_std::tags;

use super::phantom::{PhantomGrid, DEFAULT_GRID};
use super::rle_encoder::{encode_frame, RlePixels};
use super::writer::{write_part10, DataSet, FileMeta, RLE_LOSSLESS};
use super::{SampleError, SampleFile, SampleStudy, StudyHeader, Vr};
use super::{IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME, UID_ROOT};

/// CT Image Storage (PS3.4 B.5).
pub const CT_IMAGE_STORAGE: &str = "1.2.840.10008.5.1.4.1.1.2";
/// Rescale Intercept: stored 0 is −1024 HU.
pub const RESCALE_INTERCEPT: i32 = -1024;

const STUDY: &str = "2";
const TITLE: &str = "CT head phantom (Shepp–Logan, HU)";
const DESCRIPTION: &str = "3-D Shepp–Logan head phantom (Kak & Slaney) as a 64-slice axial CT series, \
256 × 256, 0.86 mm pixels, 3.4 mm slices, in Hounsfield units (air −1000, skull +1000, brain +20, \
ventricles 0, lesions +30 to +60); brain and bone windows; RLE Lossless.";

fn uid(suffix: &str) -> String {
    format!("{UID_ROOT}.{STUDY}.{suffix}")
}

/// Stored pixel values of one slice (HU + 1024, clamped to 12 bits).
pub fn stored_slice(grid: &PhantomGrid, slice: u32) -> Vec<u16> {
    grid.slice_hounsfield(slice).iter().map(|hu| (hu - RESCALE_INTERCEPT).clamp(0, 4095) as u16).collect()
}

/// The Image Plane (C.7.6.2), Image Pixel (C.7.6.3), CT Image (C.8.2.1) and VOI LUT (C.11.2)
/// attributes of one slice.
fn slice_dataset(grid: &PhantomGrid, slice: u32, header: &StudyHeader) -> Result<DataSet, SampleError> {
    let mut dataset = DataSet::new();
    header.write(&mut dataset)?;
    let number = i64::from(slice) + 1;
    let instance_uid = uid(&format!("3.{number}"));
    let position = grid.voxel_centre(0, 0, slice);
    dataset.put_text(tags::SOP_CLASS_UID, Vr::UI, &[CT_IMAGE_STORAGE])?;
    dataset.put_text(tags::SOP_INSTANCE_UID, Vr::UI, &[&instance_uid])?;
    dataset.put_text(tags::IMAGE_TYPE, Vr::CS, &["DERIVED", "SECONDARY", "AXIAL"])?;
    dataset.put_text(tags::MODALITY, Vr::CS, &["CT"])?;
    dataset.put_text(tags::SERIES_INSTANCE_UID, Vr::UI, &[&uid("2")])?;
    dataset.put_text(tags::SERIES_DESCRIPTION, Vr::LO, &["Axial 3.4 mm, synthetic phantom"])?;
    dataset.put_text(tags::FRAME_OF_REFERENCE_UID, Vr::UI, &[&uid("4")])?;
    dataset.put_text(tags::POSITION_REFERENCE_INDICATOR, Vr::LO, &[])?;
    dataset.put_text(tags::PATIENT_POSITION, Vr::CS, &["HFS"])?;
    dataset.put_text(tags::KVP, Vr::DS, &[])?;
    dataset.put_integer(tags::ACQUISITION_NUMBER, 1)?;
    dataset.put_integer(tags::INSTANCE_NUMBER, number)?;
    dataset.put_decimals(tags::SLICE_THICKNESS, &[grid.slice_spacing()])?;
    dataset.put_decimals(tags::SPACING_BETWEEN_SLICES, &[grid.slice_spacing()])?;
    dataset.put_decimals(tags::IMAGE_POSITION_PATIENT, &position)?;
    dataset.put_decimals(tags::IMAGE_ORIENTATION_PATIENT, &[1.0, 0.0, 0.0, 0.0, 1.0, 0.0])?;
    dataset.put_decimals(tags::SLICE_LOCATION, &[position[2]])?;
    dataset.put_decimals(tags::PIXEL_SPACING, &[grid.pixel_spacing(), grid.pixel_spacing()])?;
    dataset.put_u16(tags::SAMPLES_PER_PIXEL, 1);
    dataset.put_text(tags::PHOTOMETRIC_INTERPRETATION, Vr::CS, &["MONOCHROME2"])?;
    dataset.put_u16(tags::ROWS, grid.rows as u16);
    dataset.put_u16(tags::COLUMNS, grid.columns as u16);
    dataset.put_u16(tags::BITS_ALLOCATED, 16);
    dataset.put_u16(tags::BITS_STORED, 12);
    dataset.put_u16(tags::HIGH_BIT, 11);
    dataset.put_u16(tags::PIXEL_REPRESENTATION, 0);
    dataset.put_decimals(tags::RESCALE_INTERCEPT, &[f64::from(RESCALE_INTERCEPT)])?;
    dataset.put_decimals(tags::RESCALE_SLOPE, &[1.0])?;
    dataset.put_text(tags::RESCALE_TYPE, Vr::LO, &["HU"])?;
    dataset.put_decimals(tags::WINDOW_CENTER, &[40.0, 300.0])?;
    dataset.put_decimals(tags::WINDOW_WIDTH, &[80.0, 2000.0])?;
    dataset.put_text(tags::WINDOW_CENTER_WIDTH_EXPLANATION, Vr::LO, &["BRAIN", "BONE"])?;
    let frame = encode_frame(RlePixels::U16(&stored_slice(grid, slice)), grid.rows, grid.columns, 1)?;
    dataset.put_encapsulated_pixel_data(vec![frame])?;
    Ok(dataset)
}

/// The CT phantom series: files `ct-phantom/0001.dcm` … in slice order (inferior first).
pub fn ct_phantom_study() -> Result<SampleStudy, SampleError> {
    let grid = DEFAULT_GRID;
    if grid.rows > u32::from(u16::MAX) || grid.columns > u32::from(u16::MAX) {
        return Err(SampleError::Geometry { reason: "Rows and Columns must fit 16 bits".to_string() });
    }
    let study_uid = uid("1");
    let header = StudyHeader {
        patient_name: "Phantom^SheppLogan",
        patient_id: "PHANTOM-CT",
        study_instance_uid: &study_uid,
        study_description: "Shepp-Logan head phantom",
    };
    let mut files = Vec::with_capacity(grid.slices as usize);
    for slice in 0..grid.slices {
        let dataset = slice_dataset(&grid, slice, &header)?;
        let instance_uid = uid(&format!("3.{}", slice + 1));
        let meta = FileMeta {
            sop_class_uid: CT_IMAGE_STORAGE,
            sop_instance_uid: &instance_uid,
            transfer_syntax_uid: RLE_LOSSLESS,
            implementation_class_uid: IMPLEMENTATION_CLASS_UID,
            implementation_version_name: IMPLEMENTATION_VERSION_NAME,
        };
        files.push(SampleFile {
            path: format!("ct-phantom/{:04}.dcm", slice + 1),
            bytes: write_part10(&meta, &dataset)?,
        });
    }
    Ok(SampleStudy { id: "ct-phantom", title: TITLE, description: DESCRIPTION, files })
}
