//! What the study browser needs to know about one DICOM instance (Patient C.7.1.1, General
//! Study C.7.2.1, General Series C.7.3.1, SOP Common C.12.1, Image Plane C.7.6.2, Image Pixel
//! C.7.6.3 and, for enhanced objects, the functional groups C.7.6.16), read from its header.

use dicom_core::Tag;
use dicom_object::InMemDicomObject;

use super::functional_groups::{
    fixed, FunctionalGeometry, IMAGE_ORIENTATION, IMAGE_POSITION, PIXEL_SPACING, SLICE_THICKNESS,
};
use crate::derived::matching::DerivedInfo;
use crate::dicom::{header, Attributes};
use crate::error::DecodeError;

mod tag {
    use dicom_core::Tag;
    pub const SOP_CLASS_UID: Tag = Tag(0x0008, 0x0016);
    pub const SOP_INSTANCE_UID: Tag = Tag(0x0008, 0x0018);
    pub const STUDY_DATE: Tag = Tag(0x0008, 0x0020);
    pub const STUDY_TIME: Tag = Tag(0x0008, 0x0030);
    pub const ACCESSION_NUMBER: Tag = Tag(0x0008, 0x0050);
    pub const MODALITY: Tag = Tag(0x0008, 0x0060);
    pub const STUDY_DESCRIPTION: Tag = Tag(0x0008, 0x1030);
    pub const SERIES_DESCRIPTION: Tag = Tag(0x0008, 0x103E);
    pub const PATIENT_NAME: Tag = Tag(0x0010, 0x0010);
    pub const PATIENT_ID: Tag = Tag(0x0010, 0x0020);
    pub const PATIENT_BIRTH_DATE: Tag = Tag(0x0010, 0x0030);
    pub const PATIENT_SEX: Tag = Tag(0x0010, 0x0040);
    pub const BODY_PART_EXAMINED: Tag = Tag(0x0018, 0x0015);
    pub const SPACING_BETWEEN_SLICES: Tag = Tag(0x0018, 0x0088);
    pub const IMAGER_PIXEL_SPACING: Tag = Tag(0x0018, 0x1164);
    pub const STUDY_INSTANCE_UID: Tag = Tag(0x0020, 0x000D);
    pub const SERIES_INSTANCE_UID: Tag = Tag(0x0020, 0x000E);
    pub const SERIES_NUMBER: Tag = Tag(0x0020, 0x0011);
    pub const INSTANCE_NUMBER: Tag = Tag(0x0020, 0x0013);
    pub const FRAME_OF_REFERENCE_UID: Tag = Tag(0x0020, 0x0052);
    pub const SLICE_LOCATION: Tag = Tag(0x0020, 0x1041);
    pub const SAMPLES_PER_PIXEL: Tag = Tag(0x0028, 0x0002);
    pub const PHOTOMETRIC: Tag = Tag(0x0028, 0x0004);
    pub const NUMBER_OF_FRAMES: Tag = Tag(0x0028, 0x0008);
    pub const ROWS: Tag = Tag(0x0028, 0x0010);
    pub const COLUMNS: Tag = Tag(0x0028, 0x0011);
    pub const RESCALE_TYPE: Tag = Tag(0x0028, 0x1054);
    pub const UNITS: Tag = Tag(0x0054, 0x1001);
    pub const DOSE_UNITS: Tag = dicom_dictionary_std::tags::DOSE_UNITS;
    pub const PIXEL_DATA_TAGS: [Tag; 3] = [Tag(0x7FE0, 0x0008), Tag(0x7FE0, 0x0009), Tag(0x7FE0, 0x0010)];
}

/// Header attributes of one instance. Text values are trimmed of padding and empty when
/// absent. Missing UIDs are replaced by stable generated keys starting with `"x-"`.
#[derive(Debug, Clone, PartialEq)]
pub struct InstanceMeta {
    /// The caller's handle on the file (index into its own file list).
    pub source: u32,
    pub patient_name: String,
    pub patient_id: String,
    pub patient_birth_date: String,
    pub patient_sex: String,
    pub study_instance_uid: String,
    pub study_date: String,
    pub study_time: String,
    pub study_description: String,
    pub accession_number: String,
    pub series_instance_uid: String,
    pub series_number: Option<i64>,
    pub series_description: String,
    pub modality: String,
    pub sop_instance_uid: String,
    pub sop_class_uid: String,
    pub instance_number: Option<i64>,
    /// Number of Frames (0028,0008); 1 for single-frame images, 0 without pixel data.
    pub number_of_frames: u32,
    pub rows: u32,
    pub columns: u32,
    pub samples_per_pixel: u16,
    pub photometric: String,
    /// Image Position (Patient) (0020,0032), mm.
    pub image_position: Option<[f64; 3]>,
    /// Image Orientation (Patient) (0020,0037); for enhanced objects, the shared group's.
    pub image_orientation: Option<[f64; 6]>,
    /// Pixel Spacing (0028,0030) row, column spacing in mm; for enhanced objects, the shared group's.
    pub pixel_spacing: Option<[f64; 2]>,
    pub imager_pixel_spacing: Option<[f64; 2]>,
    pub slice_thickness: Option<f64>,
    pub slice_location: Option<f64>,
    pub spacing_between_slices: Option<f64>,
    pub frame_of_reference_uid: String,
    /// Rescale Type (0028,1054), e.g. "HU".
    pub rescale_type: String,
    /// Units (0054,1001) of PET images, e.g. "BQML".
    pub units: String,
    /// Dose Units (3004,0002) of RT Dose grids: "GY" or "RELATIVE".
    pub dose_units: String,
    pub body_part_examined: String,
    pub has_pixel_data: bool,
    /// Per-frame Plane Position (Patient), one per Per-frame Functional Groups item (empty for
    /// classic objects); per-frame value, else the shared one.
    pub frame_positions: Vec<Option<[f64; 3]>>,
    pub frame_orientations: Vec<Option<[f64; 6]>>,
    pub frame_pixel_spacings: Vec<Option<[f64; 2]>>,
    /// For derived objects (SEG, RTSTRUCT, SR, KOS, GSPS): kind, label and what they reference
    /// (`crate::derived::matching`); `kind` None for everything else.
    pub derived: DerivedInfo,
}

impl InstanceMeta {
    /// Reads the header of a DICOM file (any object) without copying its pixel data.
    pub fn from_bytes(source: u32, bytes: &[u8]) -> Result<InstanceMeta, DecodeError> {
        let header = header::read_header(bytes)?;
        let mut meta = InstanceMeta::read(source, &header.dataset);
        meta.has_pixel_data = header.pixel_tag.is_some();
        if !meta.has_pixel_data {
            meta.number_of_frames = 0;
        }
        Ok(meta)
    }

    /// Reads a parsed data set. Pixel data counts as present when a pixel data element is in
    /// the data set or, for a header-only data set, when Rows and Columns are non-zero.
    pub fn read(source: u32, dataset: &InMemDicomObject) -> InstanceMeta {
        let attrs = Attributes(dataset);
        let text = |tag: Tag| attrs.string(tag).unwrap_or_default();
        let dimension = |tag: Tag| attrs.int(tag).and_then(|v| u32::try_from(v).ok()).unwrap_or(0);
        let (rows, columns) = (dimension(tag::ROWS), dimension(tag::COLUMNS));
        let has_pixel_data = tag::PIXEL_DATA_TAGS.iter().any(|t| attrs.has(*t)) || (rows > 0 && columns > 0);
        let number_of_frames = match attrs.int(tag::NUMBER_OF_FRAMES).and_then(|n| u32::try_from(n).ok()) {
            _ if !has_pixel_data => 0,
            Some(n) if n > 0 => n,
            _ => 1,
        };
        let geometry = FunctionalGeometry::read(attrs);
        let patient_id = text(tag::PATIENT_ID);
        let study_date = text(tag::STUDY_DATE);
        let modality = text(tag::MODALITY);
        let series_number = attrs.int(tag::SERIES_NUMBER);
        let study_instance_uid =
            attrs.string(tag::STUDY_INSTANCE_UID).unwrap_or_else(|| format!("x-study:{patient_id}:{study_date}"));
        let series_instance_uid = attrs.string(tag::SERIES_INSTANCE_UID).unwrap_or_else(|| {
            let number = series_number.map(|n| n.to_string()).unwrap_or_default();
            format!("x-series:{study_instance_uid}:{modality}:{number}")
        });
        let mut meta = InstanceMeta {
            source,
            patient_name: text(tag::PATIENT_NAME),
            patient_birth_date: text(tag::PATIENT_BIRTH_DATE),
            patient_sex: text(tag::PATIENT_SEX),
            study_time: text(tag::STUDY_TIME),
            study_description: text(tag::STUDY_DESCRIPTION),
            accession_number: text(tag::ACCESSION_NUMBER),
            series_description: text(tag::SERIES_DESCRIPTION),
            sop_instance_uid: attrs.string(tag::SOP_INSTANCE_UID).unwrap_or_else(|| format!("x-instance:{source}")),
            sop_class_uid: text(tag::SOP_CLASS_UID),
            instance_number: attrs.int(tag::INSTANCE_NUMBER),
            number_of_frames,
            rows,
            columns,
            samples_per_pixel: attrs.u16(tag::SAMPLES_PER_PIXEL).unwrap_or(1),
            photometric: text(tag::PHOTOMETRIC),
            image_position: fixed(attrs, IMAGE_POSITION),
            image_orientation: fixed(attrs, IMAGE_ORIENTATION).or(geometry.shared.orientation),
            pixel_spacing: fixed(attrs, PIXEL_SPACING).or(geometry.shared.pixel_spacing),
            imager_pixel_spacing: fixed(attrs, tag::IMAGER_PIXEL_SPACING),
            slice_thickness: attrs.float(SLICE_THICKNESS).or(geometry.shared.slice_thickness),
            slice_location: attrs.float(tag::SLICE_LOCATION),
            spacing_between_slices: attrs.float(tag::SPACING_BETWEEN_SLICES),
            frame_of_reference_uid: text(tag::FRAME_OF_REFERENCE_UID),
            rescale_type: text(tag::RESCALE_TYPE),
            units: text(tag::UNITS),
            dose_units: text(tag::DOSE_UNITS),
            body_part_examined: text(tag::BODY_PART_EXAMINED),
            has_pixel_data,
            frame_positions: geometry.per_frame.iter().map(|frame| frame.position).collect(),
            frame_orientations: geometry.per_frame.iter().map(|frame| frame.orientation).collect(),
            frame_pixel_spacings: geometry.per_frame.iter().map(|frame| frame.pixel_spacing).collect(),
            patient_id,
            study_instance_uid,
            series_instance_uid,
            series_number,
            study_date,
            modality,
            derived: DerivedInfo::default(),
        };
        meta.derived = DerivedInfo::read(dataset, &meta);
        meta
    }

    /// The key grouping instances into patients: Patient ID, else Patient's Name.
    pub fn patient_key(&self) -> String {
        if self.patient_id.is_empty() {
            format!("x-patient-name:{}", self.patient_name)
        } else {
            self.patient_id.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use dicom_core::value::{DataSetSequence, PrimitiveValue, Value};
    use dicom_core::{DataElement, Length, Tag, VR};
    use dicom_object::InMemDicomObject;

    use super::InstanceMeta;

    const AXIAL: [f64; 6] = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0];

    fn element(tag: Tag, vr: VR, text: &str) -> DataElement<InMemDicomObject> {
        // Multi-valued strings as a parser delivers them: one string per backslash-separated value.
        DataElement::new(tag, vr, PrimitiveValue::Strs(text.split('\\').map(String::from).collect()))
    }

    fn sequence(tag: Tag, items: Vec<InMemDicomObject>) -> DataElement<InMemDicomObject> {
        DataElement::new(tag, VR::SQ, Value::Sequence(DataSetSequence::new(items, Length::UNDEFINED)))
    }

    fn item(elements: Vec<DataElement<InMemDicomObject>>) -> InMemDicomObject {
        InMemDicomObject::from_element_iter(elements)
    }

    #[test]
    fn meta_reads_functional_groups_and_generates_missing_uids() {
        let position = |z: &str| {
            item(vec![sequence(Tag(0x0020, 0x9113), vec![item(vec![element(Tag(0x0020, 0x0032), VR::DS, z)])])])
        };
        let shared = item(vec![
            sequence(Tag(0x0020, 0x9116), vec![item(vec![element(Tag(0x0020, 0x0037), VR::DS, "1\\0\\0\\0\\1\\0")])]),
            sequence(
                Tag(0x0028, 0x9110),
                vec![item(vec![
                    element(Tag(0x0028, 0x0030), VR::DS, "0.5\\0.75"),
                    element(Tag(0x0018, 0x0050), VR::DS, "2"),
                ])],
            ),
        ]);
        let dataset = item(vec![
            element(Tag(0x0010, 0x0010), VR::PN, "Doe^John "),
            element(Tag(0x0010, 0x0020), VR::LO, " ID7"),
            element(Tag(0x0028, 0x0008), VR::IS, "2 "),
            DataElement::new(Tag(0x0028, 0x0010), VR::US, PrimitiveValue::from(64_u16)),
            DataElement::new(Tag(0x0028, 0x0011), VR::US, PrimitiveValue::from(32_u16)),
            sequence(Tag(0x5200, 0x9229), vec![shared]),
            sequence(Tag(0x5200, 0x9230), vec![position("1\\2\\3"), position("1\\2\\5.5")]),
        ]);
        let meta = InstanceMeta::read(9, &dataset);
        assert_eq!((meta.patient_name.as_str(), meta.patient_id.as_str()), ("Doe^John", "ID7"));
        assert_eq!((meta.rows, meta.columns, meta.number_of_frames, meta.has_pixel_data), (64, 32, 2, true));
        assert_eq!(meta.frame_positions, vec![Some([1.0, 2.0, 3.0]), Some([1.0, 2.0, 5.5])]);
        assert_eq!(meta.frame_orientations, vec![Some(AXIAL); 2]);
        assert_eq!(meta.frame_pixel_spacings, vec![Some([0.5, 0.75]); 2]);
        assert_eq!(
            (meta.image_orientation, meta.pixel_spacing, meta.slice_thickness),
            (Some(AXIAL), Some([0.5, 0.75]), Some(2.0))
        );
        assert_eq!(meta.image_position, None);
        assert_eq!(meta.sop_instance_uid, "x-instance:9");
        assert_eq!(meta.study_instance_uid, "x-study:ID7:");
        assert_eq!(meta.series_instance_uid, "x-series:x-study:ID7:::");
        let empty = InstanceMeta::read(1, &item(vec![element(Tag(0x0008, 0x0060), VR::CS, "SR")]));
        assert_eq!((empty.has_pixel_data, empty.number_of_frames, empty.modality.as_str()), (false, 0, "SR"));
    }
}
