//! Derived objects: DICOM objects that say something about other images rather than being
//! images to scroll through themselves. Segmentations (PS3.3 C.8.20, `seg`), RT Structure Sets
//! (C.8.8.5–C.8.8.6, `rtstruct`), Structured Reports (C.17, `sr`), Key Object Selection
//! documents (C.17.6, `kos`) and Grayscale Softcopy Presentation States (C.11.10 … C.11.12,
//! `gsps`) are parsed here into plain values, matched to the source images they reference, and
//! turned into what the viewport draws over a source frame (`crate::viewer::layers`).
//!
//! Parametric maps (C.8.32) and PET are images with pixel data: they stay image display sets and
//! are drawn over other images by `crate::viewer::fusion` (resampling in patient space).
//!
//! Everything here is pure Rust tested natively; the browser layer (src/web/derived) only loads
//! bytes, keeps the user's choices (which object, which segment, opacity) and draws.

pub mod cielab;
pub mod gsps;
pub mod kos;
pub mod matching;
pub mod rtstruct;
pub mod seg;
pub mod sr;

use std::fmt;

use dicom_dictionary_std::uids;
use dicom_object::InMemDicomObject;

use crate::error::DecodeError;
use crate::viewer::layers::{FrameOverlays, LayerStyle};

/// The kinds of derived object the viewer offers on their source images.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DerivedKind {
    /// Segmentation Storage (binary or fractional) and Label Map Segmentation Storage.
    Segmentation,
    RtStructureSet,
    StructuredReport,
    KeyObjectSelection,
    PresentationState,
}

impl DerivedKind {
    /// Stable name for test hooks (`data-derived-kind`) and messages.
    pub fn name(self) -> &'static str {
        match self {
            DerivedKind::Segmentation => "seg",
            DerivedKind::RtStructureSet => "rtstruct",
            DerivedKind::StructuredReport => "sr",
            DerivedKind::KeyObjectSelection => "kos",
            DerivedKind::PresentationState => "gsps",
        }
    }

    /// The kind of an object from its SOP Class UID, else (for servers whose QIDO series list
    /// carries only the Modality) from its Modality: SEG, RTSTRUCT, SR, KO, PR.
    pub fn classify(sop_class_uid: &str, modality: &str) -> Option<DerivedKind> {
        let class = sop_class_uid.trim_end_matches(['\0', ' ']);
        match class {
            uids::SEGMENTATION_STORAGE | uids::LABEL_MAP_SEGMENTATION_STORAGE => {
                return Some(DerivedKind::Segmentation)
            }
            uids::RT_STRUCTURE_SET_STORAGE => return Some(DerivedKind::RtStructureSet),
            uids::KEY_OBJECT_SELECTION_DOCUMENT_STORAGE => return Some(DerivedKind::KeyObjectSelection),
            uids::GRAYSCALE_SOFTCOPY_PRESENTATION_STATE_STORAGE => return Some(DerivedKind::PresentationState),
            _ => {}
        }
        // Every SR Storage SOP Class is 1.2.840.10008.5.1.4.1.1.88.x (PS3.4 B.5), KOS excepted.
        if class.starts_with("1.2.840.10008.5.1.4.1.1.88.") {
            return Some(DerivedKind::StructuredReport);
        }
        if !class.is_empty() {
            return None;
        }
        match modality.trim() {
            "SEG" => Some(DerivedKind::Segmentation),
            "RTSTRUCT" => Some(DerivedKind::RtStructureSet),
            "SR" => Some(DerivedKind::StructuredReport),
            "KO" => Some(DerivedKind::KeyObjectSelection),
            "PR" => Some(DerivedKind::PresentationState),
            _ => None,
        }
    }
}

/// Why a derived object cannot be used. `Display` names the cause and what the user can do.
#[derive(Debug, Clone, PartialEq)]
pub enum DerivedError {
    /// The bytes could not be parsed as DICOM at all.
    Decode(DecodeError),
    /// A required attribute is missing or unusable (`keyword` as in PS3.6).
    Attribute { keyword: &'static str, reason: String },
    /// Larger than the viewer accepts (bytes or elements).
    TooLarge { what: String, limit: u64 },
    /// A feature the viewer does not implement (named).
    Unsupported { feature: String },
}

impl fmt::Display for DerivedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DerivedError::Decode(e) => write!(f, "{e}"),
            DerivedError::Attribute { keyword, reason } => {
                write!(f, "{keyword} {reason}; the object cannot be shown (ask its sender for a valid copy)")
            }
            DerivedError::TooLarge { what, limit } => {
                write!(f, "{what} is larger than this viewer accepts ({limit}); open it in a desktop viewer")
            }
            DerivedError::Unsupported { feature } => write!(f, "{feature} is not supported by this viewer"),
        }
    }
}

impl From<DecodeError> for DerivedError {
    fn from(e: DecodeError) -> DerivedError {
        DerivedError::Decode(e)
    }
}

/// The whole data set of a derived object's file, pixel data included (a PS3.10 file or a bare
/// data set, as `crate::dicom` reads them). The file's Transfer Syntax UID is kept in the data
/// set as (0002,0010), so encapsulated pixel data (a compressed SEG) can be decoded later.
pub fn read_dataset(bytes: &[u8]) -> Result<InMemDicomObject, DerivedError> {
    let (mut dataset, transfer_syntax_uid) = crate::dicom::read_dataset(bytes)?;
    dataset.put(dicom_core::DataElement::new(
        dicom_dictionary_std::tags::TRANSFER_SYNTAX_UID,
        dicom_core::VR::UI,
        dicom_core::PrimitiveValue::from(transfer_syntax_uid),
    ));
    Ok(dataset)
}

/// One frame of a source image, as derived objects need to find what lies on it: identity
/// (SOP Instance UID and frame number) for objects that reference images, plane geometry for
/// those that place things in patient space (RTSTRUCT contours, SEG frames without references,
/// SCOORD3D).
#[derive(Clone, Debug, PartialEq)]
pub struct SourceFrame {
    pub sop_instance_uid: String,
    /// Frame number from 1 (PS3.3 C.7.6.1.1.1 Referenced Frame Number counts from 1).
    pub frame_number: u32,
    pub frame_of_reference_uid: String,
    pub rows: u32,
    pub columns: u32,
    /// Image Position (Patient) of the first transmitted pixel's centre, mm.
    pub position_mm: Option<[f64; 3]>,
    /// Image Orientation (Patient): row direction cosines then column direction cosines.
    pub orientation: Option<[f64; 6]>,
    /// Pixel Spacing: distance between rows, then between columns, mm.
    pub pixel_spacing_mm: Option<[f64; 2]>,
    pub slice_thickness_mm: Option<f64>,
}

impl SourceFrame {
    /// Frame `frame_index` (from 0) of an instance, with its per-frame geometry for enhanced
    /// (multi-frame) objects and the instance's geometry otherwise.
    pub fn of(meta: &crate::study::InstanceMeta, frame_index: u32) -> SourceFrame {
        let per_frame = |list: &[Option<[f64; 3]>]| list.get(frame_index as usize).copied().flatten();
        let position_mm = per_frame(&meta.frame_positions).or(meta.image_position);
        let orientation =
            meta.frame_orientations.get(frame_index as usize).copied().flatten().or(meta.image_orientation);
        let pixel_spacing_mm =
            meta.frame_pixel_spacings.get(frame_index as usize).copied().flatten().or(meta.pixel_spacing);
        SourceFrame {
            sop_instance_uid: meta.sop_instance_uid.clone(),
            frame_number: frame_index + 1,
            frame_of_reference_uid: meta.frame_of_reference_uid.clone(),
            rows: meta.rows,
            columns: meta.columns,
            position_mm,
            orientation,
            pixel_spacing_mm,
            slice_thickness_mm: meta.slice_thickness.or(meta.spacing_between_slices),
        }
    }
}

/// What a derived object references: the images it lies on and its frame of reference. Used to
/// offer it on the right series and to say which series is missing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct References {
    /// (Referenced SOP Instance UID, Referenced Frame Number if one is named).
    pub instances: Vec<(String, Option<u32>)>,
    /// Series Instance UIDs named by the object (Referenced Series Sequence, evidence).
    pub series: Vec<String>,
    pub frame_of_reference_uid: String,
}

/// One parsed derived object.
#[derive(Debug)]
pub enum Derived {
    Segmentation(seg::Segmentation),
    RtStructureSet(rtstruct::StructureSet),
    StructuredReport(sr::Document),
    KeyObjectSelection(kos::KeyObjects),
    PresentationState(Box<gsps::PresentationState>),
}

impl Derived {
    /// Parses a derived object of `kind` from its whole data set.
    pub fn parse(kind: DerivedKind, dataset: &InMemDicomObject) -> Result<Derived, DerivedError> {
        Derived::parse_with(kind, dataset, &|image, frame| image.decode_frame(frame))
    }

    /// [`Derived::parse`] with a SEG's encapsulated frames decoded by `decode` (the page passes
    /// frames from its decode workers: its UI module carries no codec).
    pub fn parse_with(
        kind: DerivedKind,
        dataset: &InMemDicomObject,
        decode: seg::pixels::FrameDecoder<'_>,
    ) -> Result<Derived, DerivedError> {
        Ok(match kind {
            DerivedKind::Segmentation => Derived::Segmentation(seg::Segmentation::parse_with(dataset, decode)?),
            DerivedKind::RtStructureSet => Derived::RtStructureSet(rtstruct::StructureSet::parse(dataset)?),
            DerivedKind::StructuredReport => Derived::StructuredReport(sr::Document::parse(dataset)?),
            DerivedKind::KeyObjectSelection => Derived::KeyObjectSelection(kos::KeyObjects::parse(dataset)?),
            DerivedKind::PresentationState => {
                Derived::PresentationState(Box::new(gsps::PresentationState::parse(dataset)?))
            }
        })
    }

    pub fn kind(&self) -> DerivedKind {
        match self {
            Derived::Segmentation(_) => DerivedKind::Segmentation,
            Derived::RtStructureSet(_) => DerivedKind::RtStructureSet,
            Derived::StructuredReport(_) => DerivedKind::StructuredReport,
            Derived::KeyObjectSelection(_) => DerivedKind::KeyObjectSelection,
            Derived::PresentationState(_) => DerivedKind::PresentationState,
        }
    }

    pub fn references(&self) -> References {
        match self {
            Derived::Segmentation(o) => o.references(),
            Derived::RtStructureSet(o) => o.references(),
            Derived::StructuredReport(o) => o.references(),
            Derived::KeyObjectSelection(o) => o.references(),
            Derived::PresentationState(o) => o.references(),
        }
    }

    /// Adds what this object draws on `frame` (with the user's `style`) to `out`.
    pub fn draw_on(&self, frame: &SourceFrame, style: &LayerStyle, out: &mut FrameOverlays) {
        match self {
            Derived::Segmentation(o) => o.draw_on(frame, style, out),
            Derived::RtStructureSet(o) => o.draw_on(frame, style, out),
            Derived::StructuredReport(o) => o.draw_on(frame, style, out),
            Derived::KeyObjectSelection(_) => {}
            Derived::PresentationState(o) => o.draw_on(frame, style, out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_from_sop_class_then_modality() {
        assert_eq!(DerivedKind::classify(uids::SEGMENTATION_STORAGE, ""), Some(DerivedKind::Segmentation));
        assert_eq!(DerivedKind::classify("1.2.840.10008.5.1.4.1.1.66.7", "SEG"), Some(DerivedKind::Segmentation));
        assert_eq!(DerivedKind::classify("1.2.840.10008.5.1.4.1.1.88.34", ""), Some(DerivedKind::StructuredReport));
        assert_eq!(DerivedKind::classify("1.2.840.10008.5.1.4.1.1.88.59", "SR"), Some(DerivedKind::KeyObjectSelection));
        assert_eq!(DerivedKind::classify("1.2.840.10008.5.1.4.1.1.2", "SEG"), None, "a CT image is not derived");
        assert_eq!(DerivedKind::classify("", "RTSTRUCT"), Some(DerivedKind::RtStructureSet));
        assert_eq!(DerivedKind::classify("", "PR"), Some(DerivedKind::PresentationState));
        assert_eq!(DerivedKind::classify("", "CT"), None);
    }
}
