//! Key Object Selection documents (PS3.3 C.17.6 Key Object Document, C.17.3 SR Document
//! Content; PS3.16 TID 2010 Key Object Selection): a document title (e.g. (113000, DCM,
//! "Of Interest")), an optional Key Object Description (113012, DCM) TEXT, and IMAGE content
//! items naming the key images; the Current Requested Procedure Evidence Sequence (C.17.2.2)
//! says which study and series each image belongs to.

use std::collections::HashMap;

use dicom_dictionary_std::tags;
use dicom_object::InMemDicomObject;

use super::{DerivedError, References};
use crate::dicom::Attributes;
use crate::study::StudyLibrary;

/// Most content items read (all levels) and deepest nesting followed.
pub const MAX_CONTENT_ITEMS: usize = 100_000;
pub const MAX_DEPTH: usize = 16;

/// Concept name of the Key Object Description TEXT item (TID 2010, row 4).
pub const KEY_OBJECT_DESCRIPTION: (&str, &str) = ("113012", "DCM");

/// A code (PS3.3 Table 8.8-1): Code Value, Coding Scheme Designator, Code Meaning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Code {
    pub value: String,
    pub scheme: String,
    pub meaning: String,
}

impl Code {
    fn read(item: Attributes) -> Option<Code> {
        let value = item
            .string(tags::CODE_VALUE)
            .or_else(|| item.string(tags::LONG_CODE_VALUE))
            .or_else(|| item.string(tags::URN_CODE_VALUE))?;
        Some(Code {
            value,
            scheme: item.string(tags::CODING_SCHEME_DESIGNATOR).unwrap_or_default(),
            meaning: item.string(tags::CODE_MEANING).unwrap_or_default(),
        })
    }
}

/// One key image.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyImage {
    pub sop_class_uid: String,
    pub sop_instance_uid: String,
    /// Referenced Frame Number values (from 1); empty = the whole image (every frame).
    pub frames: Vec<u32>,
    /// From the evidence sequence, when it lists the image.
    pub series_instance_uid: Option<String>,
    pub study_instance_uid: Option<String>,
}

/// A parsed Key Object Selection document.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyObjects {
    /// Concept Name Code Sequence of the root container (CID 7010), None when absent.
    pub title: Option<Code>,
    /// Key Object Description text.
    pub description: Option<String>,
    /// The IMAGE items in document order (an image listed twice is kept once).
    pub images: Vec<KeyImage>,
    /// COMPOSITE and WAVEFORM items (non-image key objects), counted but not listed.
    pub other_objects: usize,
}

impl KeyObjects {
    pub fn parse(dataset: &InMemDicomObject) -> Result<KeyObjects, DerivedError> {
        let root = Attributes(dataset);
        if !root.has(tags::CONTENT_SEQUENCE) {
            return Err(DerivedError::Attribute {
                keyword: "ContentSequence",
                reason: "is missing (not a Key Object Selection document)".into(),
            });
        }
        let evidence = read_evidence(root);
        let title = root.item(tags::CONCEPT_NAME_CODE_SEQUENCE).and_then(Code::read);
        let mut document = KeyObjects { title, description: None, images: Vec::new(), other_objects: 0 };
        let mut visited = 0usize;
        walk(root, 0, &mut visited, &evidence, &mut document)?;
        Ok(document)
    }

    /// The key images (one entry per named frame) and their series.
    pub fn references(&self) -> References {
        let mut references = References::default();
        for image in &self.images {
            if image.frames.is_empty() {
                references.instances.push((image.sop_instance_uid.clone(), None));
            }
            for &frame in &image.frames {
                references.instances.push((image.sop_instance_uid.clone(), Some(frame)));
            }
            if let Some(series) = &image.series_instance_uid {
                if !references.series.contains(series) {
                    references.series.push(series.clone());
                }
            }
        }
        references
    }
}

/// Where an image is shown in the library: a display set and the index of the frame in it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ImageLocation {
    /// [`crate::study::DisplaySet::key`].
    pub display_set: String,
    /// Index into the display set's frames (from 0).
    pub index: u32,
}

/// The display set and frame index showing `sop_instance_uid` (frame `frame_number`, from 1;
/// None = its first frame), None when that image is not loaded.
pub fn locate_image(
    library: &StudyLibrary,
    sop_instance_uid: &str,
    frame_number: Option<u32>,
) -> Option<ImageLocation> {
    let meta = library.instances().iter().find(|m| m.sop_instance_uid == sop_instance_uid)?;
    let set = library.display_set_of(meta.source)?;
    let frame = frame_number.unwrap_or(1).checked_sub(1)?;
    let index = set.frames.iter().position(|f| f.source == meta.source && f.frame == frame)?;
    Some(ImageLocation { display_set: set.key, index: u32::try_from(index).ok()? })
}

/// (study, series) by SOP Instance UID, from the Current Requested Procedure Evidence Sequence
/// (and the Pertinent Other Evidence Sequence).
fn read_evidence(root: Attributes) -> HashMap<String, (Option<String>, Option<String>)> {
    let mut out = HashMap::new();
    for sequence in [tags::CURRENT_REQUESTED_PROCEDURE_EVIDENCE_SEQUENCE, tags::PERTINENT_OTHER_EVIDENCE_SEQUENCE] {
        for study in root.items(sequence).iter().map(Attributes) {
            let study_uid = study.string(tags::STUDY_INSTANCE_UID);
            for series in study.items(tags::REFERENCED_SERIES_SEQUENCE).iter().map(Attributes) {
                let series_uid = series.string(tags::SERIES_INSTANCE_UID);
                for instance in series.items(tags::REFERENCED_SOP_SEQUENCE).iter().map(Attributes) {
                    if let Some(uid) = instance.string(tags::REFERENCED_SOP_INSTANCE_UID) {
                        out.entry(uid).or_insert_with(|| (study_uid.clone(), series_uid.clone()));
                    }
                }
            }
        }
    }
    out
}

fn walk(
    node: Attributes,
    depth: usize,
    visited: &mut usize,
    evidence: &HashMap<String, (Option<String>, Option<String>)>,
    document: &mut KeyObjects,
) -> Result<(), DerivedError> {
    if depth > MAX_DEPTH {
        return Err(DerivedError::TooLarge { what: "the document's nesting".into(), limit: MAX_DEPTH as u64 });
    }
    for item in node.items(tags::CONTENT_SEQUENCE).iter().map(Attributes) {
        *visited += 1;
        if *visited > MAX_CONTENT_ITEMS {
            return Err(DerivedError::TooLarge {
                what: "the document's content items".into(),
                limit: MAX_CONTENT_ITEMS as u64,
            });
        }
        match item.string(tags::VALUE_TYPE).as_deref() {
            Some("TEXT") => {
                let concept = item.item(tags::CONCEPT_NAME_CODE_SEQUENCE).and_then(Code::read);
                let is_description =
                    concept.is_some_and(|c| (c.value.as_str(), c.scheme.as_str()) == KEY_OBJECT_DESCRIPTION);
                if is_description && document.description.is_none() {
                    document.description = item.string(tags::TEXT_VALUE);
                }
            }
            Some("IMAGE") => {
                if let Some(image) = read_image(item, evidence) {
                    if !document
                        .images
                        .iter()
                        .any(|i| i.sop_instance_uid == image.sop_instance_uid && i.frames == image.frames)
                    {
                        document.images.push(image);
                    }
                }
            }
            Some("COMPOSITE") | Some("WAVEFORM") => document.other_objects += 1,
            _ => {}
        }
        walk(item, depth + 1, visited, evidence, document)?;
    }
    Ok(())
}

fn read_image(item: Attributes, evidence: &HashMap<String, (Option<String>, Option<String>)>) -> Option<KeyImage> {
    let reference = item.item(tags::REFERENCED_SOP_SEQUENCE)?;
    let sop_instance_uid = reference.string(tags::REFERENCED_SOP_INSTANCE_UID)?;
    let frames = reference
        .ints(tags::REFERENCED_FRAME_NUMBER)
        .into_iter()
        .filter_map(|n| u32::try_from(n).ok())
        .filter(|n| *n > 0)
        .collect();
    let (study_instance_uid, series_instance_uid) = evidence.get(&sop_instance_uid).cloned().unwrap_or_default();
    Some(KeyImage {
        sop_class_uid: reference.string(tags::REFERENCED_SOP_CLASS_UID).unwrap_or_default(),
        sop_instance_uid,
        frames,
        series_instance_uid,
        study_instance_uid,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use dicom_core::{DataElement, PrimitiveValue, Tag, VR};

    fn text(tag: Tag, vr: VR, value: &str) -> DataElement<InMemDicomObject> {
        // Multi-valued strings as a parser leaves them: one string per value.
        DataElement::new(tag, vr, PrimitiveValue::Strs(value.split('\\').map(String::from).collect()))
    }

    fn sequence(tag: Tag, items: Vec<InMemDicomObject>) -> DataElement<InMemDicomObject> {
        DataElement::new(tag, VR::SQ, dicom_core::value::DataSetSequence::from(items))
    }

    fn image_item(uid: &str, frames: Option<&str>) -> InMemDicomObject {
        let mut reference = InMemDicomObject::new_empty();
        reference.put(text(tags::REFERENCED_SOP_CLASS_UID, VR::UI, "1.2.840.10008.5.1.4.1.1.2.1"));
        reference.put(text(tags::REFERENCED_SOP_INSTANCE_UID, VR::UI, uid));
        if let Some(frames) = frames {
            reference.put(text(tags::REFERENCED_FRAME_NUMBER, VR::IS, frames));
        }
        let mut item = InMemDicomObject::new_empty();
        item.put(text(tags::VALUE_TYPE, VR::CS, "IMAGE"));
        item.put(sequence(tags::REFERENCED_SOP_SEQUENCE, vec![reference]));
        item
    }

    #[test]
    fn frames_nested_items_and_no_evidence() {
        let mut container = InMemDicomObject::new_empty();
        container.put(text(tags::VALUE_TYPE, VR::CS, "CONTAINER"));
        container.put(sequence(tags::CONTENT_SEQUENCE, vec![image_item("1.9", Some("3\\7"))]));
        let mut root = InMemDicomObject::new_empty();
        root.put(sequence(tags::CONTENT_SEQUENCE, vec![image_item("1.8", None), container, image_item("1.8", None)]));
        let document = KeyObjects::parse(&root).unwrap();
        assert_eq!(document.title, None);
        assert_eq!(document.images.len(), 2, "the repeated image is listed once");
        assert_eq!(document.images[1].frames, vec![3, 7]);
        assert_eq!(document.images[1].series_instance_uid, None);
        let references = document.references();
        assert_eq!(
            references.instances,
            vec![("1.8".to_string(), None), ("1.9".to_string(), Some(3)), ("1.9".to_string(), Some(7))]
        );
        assert!(references.series.is_empty());
    }

    #[test]
    fn runaway_nesting_is_refused() {
        let mut node = image_item("1.1", None);
        for _ in 0..(MAX_DEPTH + 2) {
            let mut parent = InMemDicomObject::new_empty();
            parent.put(text(tags::VALUE_TYPE, VR::CS, "CONTAINER"));
            parent.put(sequence(tags::CONTENT_SEQUENCE, vec![node]));
            node = parent;
        }
        assert!(matches!(KeyObjects::parse(&node), Err(DerivedError::TooLarge { .. })));
    }
}
