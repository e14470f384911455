//! Which images a derived object belongs to (issue 12, "derived objects join their source").
//!
//! A derived object (SEG, RTSTRUCT, SR, KOS, GSPS) is offered on the series it describes, never
//! as an image stack of its own. What it describes is read from its header alone, so the
//! object can be matched before it is loaded (a SEG's pixel data is not needed):
//! - Referenced SOP Instance UIDs first: SEG Derivation Image / Source Image Sequences in the
//!   per-frame functional groups (PS3.3 C.8.20.3, C.7.6.16.2.6) and Referenced Series Sequence
//!   (C.8.20.2); RTSTRUCT Contour Image Sequence (C.8.8.5, C.8.8.6); SR and KOS Current Requested
//!   Procedure Evidence and IMAGE content items (C.17.2, C.17.3); GSPS Referenced Series
//!   Sequence (C.11.11).
//! - Else the same Frame of Reference and a plane within half a slice thickness: SEG frame
//!   positions (Plane Position (Patient), C.7.6.16.2.3) and RTSTRUCT contour points (Contour
//!   Data, C.8.8.6) against the images' Image Position/Orientation (C.7.6.2).
//!
//! When neither finds a loaded image, the object names the series it needs: the Series Instance
//! UIDs it references that are not loaded.

use std::collections::{BTreeSet, HashMap};

use dicom_core::header::Header as _;
use dicom_core::Tag;
use dicom_dictionary_std::tags;
use dicom_object::InMemDicomObject;

use super::{DerivedKind, References};
use crate::dicom::Attributes;
use crate::study::geometry::Orientation;
use crate::study::InstanceMeta;

/// Deepest sequence nesting followed (SR content trees nest; damaged files may nest forever).
const MAX_DEPTH: usize = 64;
/// Most referenced instances and anchor points kept per object (a 500-frame SEG names 500).
const MAX_REFERENCES: usize = 1 << 20;
/// Plane tolerance when neither the image nor the object gives a slice thickness (mm).
const DEFAULT_HALF_THICKNESS_MM: f64 = 0.5;

/// Sequences whose references are not the images an object describes: earlier versions of a
/// document, procedure steps, the equipment's own records.
const NOT_SOURCES: [Tag; 4] = [
    tags::PREDECESSOR_DOCUMENTS_SEQUENCE,
    tags::REFERENCED_PERFORMED_PROCEDURE_STEP_SEQUENCE,
    tags::REFERENCED_STUDY_SEQUENCE,
    tags::REFERENCED_PATIENT_SEQUENCE,
];

/// What the study browser knows about a derived object from its header.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DerivedInfo {
    pub kind: Option<DerivedKind>,
    /// What the user reads: an SR or KOS document title (Concept Name of the root container),
    /// else Series Description, else Content Label (SEG, GSPS) or Structure Set Label.
    pub label: String,
    pub references: References,
    /// Points in patient space that lie on the planes the object draws on (mm): SEG frame
    /// positions, the first point of each RTSTRUCT contour.
    pub anchors_mm: Vec<[f64; 3]>,
    /// The object's own plane orientation when it has one (SEG shared/per-frame orientation).
    pub orientation: Option<[f64; 6]>,
}

impl DerivedInfo {
    /// Reads what matching needs from a header (pixel data not needed). `kind` None for
    /// objects that are not derived objects; then nothing else is read.
    pub fn read(dataset: &InMemDicomObject, meta: &InstanceMeta) -> DerivedInfo {
        let Some(kind) = DerivedKind::classify(&meta.sop_class_uid, &meta.modality) else {
            return DerivedInfo::default();
        };
        let attrs = Attributes(dataset);
        let mut walk = Walk::default();
        walk.items(dataset, 0, false);
        let mut frame_of_reference_uid = meta.frame_of_reference_uid.clone();
        if frame_of_reference_uid.is_empty() {
            // RTSTRUCT: Referenced Frame of Reference Sequence (C.8.8.5).
            frame_of_reference_uid = attrs
                .items(tags::REFERENCED_FRAME_OF_REFERENCE_SEQUENCE)
                .iter()
                .find_map(|item| Attributes(item).string(tags::FRAME_OF_REFERENCE_UID))
                .unwrap_or_default();
        }
        let mut anchors_mm: Vec<[f64; 3]> = meta.frame_positions.iter().flatten().copied().collect();
        anchors_mm.extend(walk.contour_points);
        let title = attrs.item(tags::CONCEPT_NAME_CODE_SEQUENCE).and_then(|code| code.string(tags::CODE_MEANING));
        let document = matches!(kind, DerivedKind::StructuredReport | DerivedKind::KeyObjectSelection);
        let label = [
            title.filter(|_| document),
            attrs.string(tags::SERIES_DESCRIPTION),
            attrs.string(tags::CONTENT_LABEL),
            attrs.string(tags::STRUCTURE_SET_LABEL),
        ]
        .into_iter()
        .flatten()
        .next()
        .unwrap_or_default();
        DerivedInfo {
            kind: Some(kind),
            label,
            references: References {
                instances: walk.instances,
                series: walk.series.into_iter().filter(|s| *s != meta.series_instance_uid).collect(),
                frame_of_reference_uid,
            },
            anchors_mm,
            orientation: meta.image_orientation.or(meta.frame_orientations.iter().flatten().next().copied()),
        }
    }

    /// Referenced series that are not in `loaded` (Series Instance UIDs), in the object's order.
    pub fn needed_series<'a>(&'a self, loaded: &dyn Fn(&str) -> bool) -> Vec<&'a str> {
        self.references.series.iter().map(String::as_str).filter(|s| !loaded(s)).collect()
    }
}

/// Collects references from every nested sequence of a data set.
#[derive(Default)]
struct Walk {
    instances: Vec<(String, Option<u32>)>,
    seen: BTreeSet<(String, Option<u32>)>,
    /// Series Instance UIDs met inside sequence items, in order, without repeats.
    series: Vec<String>,
    contour_points: Vec<[f64; 3]>,
}

impl Walk {
    /// `item` at nesting `depth`; `study_item` for RT Referenced Study Sequence items, whose
    /// Referenced SOP Instance UID names a study, not an image (C.8.8.5).
    fn items(&mut self, item: &InMemDicomObject, depth: usize, study_item: bool) {
        if depth > 0 {
            self.references_in(item, study_item);
        }
        if depth >= MAX_DEPTH {
            return;
        }
        for element in item {
            if NOT_SOURCES.contains(&element.tag()) {
                continue;
            }
            let study = element.tag() == tags::RT_REFERENCED_STUDY_SEQUENCE;
            if let Some(children) = element.value().items() {
                for child in children {
                    self.items(child, depth + 1, study);
                }
            }
        }
    }

    fn references_in(&mut self, item: &InMemDicomObject, study_item: bool) {
        let attrs = Attributes(item);
        if let Some(uid) = attrs.string(tags::REFERENCED_SOP_INSTANCE_UID).filter(|_| !study_item) {
            let frames: Vec<Option<u32>> = attrs
                .ints(tags::REFERENCED_FRAME_NUMBER)
                .into_iter()
                .filter_map(|n| u32::try_from(n).ok().filter(|n| *n > 0).map(Some))
                .collect();
            let frames = if frames.is_empty() { vec![None] } else { frames };
            for frame in frames {
                if self.instances.len() < MAX_REFERENCES && self.seen.insert((uid.clone(), frame)) {
                    self.instances.push((uid.clone(), frame));
                }
            }
        }
        if let Some(series) = attrs.string(tags::SERIES_INSTANCE_UID) {
            if !self.series.contains(&series) {
                self.series.push(series);
            }
        }
        // One point per contour is enough to name its plane (C.8.8.6.1: planar contours).
        let contour = attrs.floats(tags::CONTOUR_DATA);
        if let [x, y, z, ..] = contour[..] {
            if self.contour_points.len() < MAX_REFERENCES {
                self.contour_points.push([x, y, z]);
            }
        }
    }
}

/// How a derived object was joined to a series.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchBasis {
    /// It names instances of the series (Referenced SOP Instance UID).
    ReferencedInstances,
    /// Same Frame of Reference and its planes lie within half a slice thickness of the images.
    FrameOfReferencePlanes,
}

/// One series a derived object belongs to.
#[derive(Clone, Debug, PartialEq)]
pub struct SeriesMatch {
    pub series_instance_uid: String,
    pub basis: MatchBasis,
    /// Loaded instances of the series the object lies on.
    pub instances: usize,
}

/// Where a derived object goes.
#[derive(Clone, Debug, PartialEq)]
pub enum Attachment {
    /// On these series (most instances first).
    Series(Vec<SeriesMatch>),
    /// None of its images is loaded: it needs these series (UIDs; empty when it names only
    /// instances) and this many referenced instances.
    NeedsSource { series: Vec<String>, instances: usize },
}

/// The images a derived object can join: loaded instances with pixel data that are not
/// derived objects themselves.
pub fn is_image(meta: &InstanceMeta) -> bool {
    meta.has_pixel_data && meta.derived.kind.is_none()
}

/// Index of the loaded images of one study (or the whole library) for matching.
pub struct ImageIndex<'a> {
    /// Every loaded series, images or not (a needed series is one that is not loaded).
    loaded_series: BTreeSet<&'a str>,
    by_sop_instance: HashMap<&'a str, &'a InstanceMeta>,
    by_frame_of_reference: HashMap<&'a str, Vec<&'a InstanceMeta>>,
}

impl<'a> ImageIndex<'a> {
    pub fn new(instances: impl IntoIterator<Item = &'a InstanceMeta>) -> ImageIndex<'a> {
        let mut by_sop_instance = HashMap::new();
        let mut by_frame_of_reference: HashMap<&str, Vec<&InstanceMeta>> = HashMap::new();
        let mut loaded_series = BTreeSet::new();
        for meta in instances {
            loaded_series.insert(meta.series_instance_uid.as_str());
            if !is_image(meta) {
                continue;
            }
            by_sop_instance.insert(meta.sop_instance_uid.as_str(), meta);
            if !meta.frame_of_reference_uid.is_empty() {
                by_frame_of_reference.entry(meta.frame_of_reference_uid.as_str()).or_default().push(meta);
            }
        }
        ImageIndex { loaded_series, by_sop_instance, by_frame_of_reference }
    }

    /// Where `derived` goes among the indexed images.
    pub fn attach(&self, derived: &DerivedInfo) -> Attachment {
        let mut counts: HashMap<&str, BTreeSet<&str>> = HashMap::new();
        for (uid, _) in &derived.references.instances {
            if let Some(meta) = self.by_sop_instance.get(uid.as_str()) {
                counts.entry(meta.series_instance_uid.as_str()).or_default().insert(meta.sop_instance_uid.as_str());
            }
        }
        let mut basis = MatchBasis::ReferencedInstances;
        if counts.is_empty() {
            basis = MatchBasis::FrameOfReferencePlanes;
            let candidates = self
                .by_frame_of_reference
                .get(derived.references.frame_of_reference_uid.as_str())
                .map(Vec::as_slice)
                .unwrap_or_default();
            for image in candidates {
                if on_planes(image, derived) {
                    counts
                        .entry(image.series_instance_uid.as_str())
                        .or_default()
                        .insert(image.sop_instance_uid.as_str());
                }
            }
        }
        if counts.is_empty() {
            return Attachment::NeedsSource {
                series: derived
                    .needed_series(&|s| self.loaded_series.contains(s))
                    .into_iter()
                    .map(String::from)
                    .collect(),
                instances: derived.references.instances.iter().map(|(uid, _)| uid).collect::<BTreeSet<_>>().len(),
            };
        }
        let mut series: Vec<SeriesMatch> = counts
            .into_iter()
            .map(|(uid, instances)| SeriesMatch {
                series_instance_uid: uid.to_string(),
                basis,
                instances: instances.len(),
            })
            .collect();
        series.sort_by(|a, b| {
            b.instances.cmp(&a.instances).then_with(|| a.series_instance_uid.cmp(&b.series_instance_uid))
        });
        Attachment::Series(series)
    }
}

/// True when one of the object's anchor points lies within half a slice thickness of one of
/// the image's planes (frames of a multi-frame image included), with the object's orientation,
/// when it has one, parallel to the image's.
fn on_planes(image: &InstanceMeta, derived: &DerivedInfo) -> bool {
    let planes: Vec<([f64; 3], [f64; 6])> = if image.frame_positions.is_empty() {
        image.image_position.zip(image.image_orientation).into_iter().collect()
    } else {
        image
            .frame_positions
            .iter()
            .zip(image.frame_orientations.iter().chain(std::iter::repeat(&image.image_orientation)))
            .filter_map(|(p, o)| p.zip(o.or(image.image_orientation)))
            .collect()
    };
    let half = image
        .slice_thickness
        .or(image.spacing_between_slices)
        .filter(|t| *t > 0.0)
        .map_or(DEFAULT_HALF_THICKNESS_MM, |t| t / 2.0);
    let own = derived.orientation.and_then(Orientation::from_cosines);
    planes.iter().any(|(position, cosines)| {
        let Some(orientation) = Orientation::from_cosines(*cosines) else { return false };
        if own.is_some_and(|own| !parallel(&own, &orientation)) {
            return false;
        }
        let normal = orientation.normal();
        derived.anchors_mm.iter().any(|point| {
            let offset = [point[0] - position[0], point[1] - position[1], point[2] - position[2]];
            (offset[0] * normal[0] + offset[1] * normal[1] + offset[2] * normal[2]).abs() <= half
        })
    })
}

/// Planes are parallel when their normals agree within the grouping tolerance (either sign).
fn parallel(a: &Orientation, b: &Orientation) -> bool {
    let (na, nb) = (a.normal(), b.normal());
    let d = na[0] * nb[0] + na[1] * nb[1] + na[2] * nb[2];
    d.abs() >= 1.0 - crate::study::geometry::ORIENTATION_TOLERANCE
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::study::InstanceMeta;
    use dicom_core::value::{DataSetSequence, PrimitiveValue, Value};
    use dicom_core::{DataElement, Length, VR};

    fn text(tag: Tag, vr: VR, value: &str) -> DataElement<InMemDicomObject> {
        DataElement::new(tag, vr, PrimitiveValue::Strs(value.split('\\').map(String::from).collect()))
    }

    fn sequence(tag: Tag, items: Vec<InMemDicomObject>) -> DataElement<InMemDicomObject> {
        DataElement::new(tag, VR::SQ, Value::Sequence(DataSetSequence::new(items, Length::UNDEFINED)))
    }

    fn image(uid: &str, series: &str, z: f64) -> InstanceMeta {
        let dataset = InMemDicomObject::from_element_iter([
            text(tags::SOP_CLASS_UID, VR::UI, "1.2.840.10008.5.1.4.1.1.2"),
            text(tags::SOP_INSTANCE_UID, VR::UI, uid),
            text(tags::SERIES_INSTANCE_UID, VR::UI, series),
            text(tags::FRAME_OF_REFERENCE_UID, VR::UI, "9.9"),
            text(tags::IMAGE_POSITION_PATIENT, VR::DS, &format!("0\\0\\{z}")),
            text(tags::IMAGE_ORIENTATION_PATIENT, VR::DS, "1\\0\\0\\0\\1\\0"),
            text(tags::SLICE_THICKNESS, VR::DS, "2"),
            DataElement::new(tags::ROWS, VR::US, PrimitiveValue::from(4_u16)),
            DataElement::new(tags::COLUMNS, VR::US, PrimitiveValue::from(4_u16)),
        ]);
        InstanceMeta::read(0, &dataset)
    }

    fn structure_set(z: f64, referenced: Option<&str>) -> InstanceMeta {
        let mut contour = vec![text(tags::CONTOUR_DATA, VR::DS, &format!("1\\2\\{z}\\3\\4\\{z}"))];
        if let Some(uid) = referenced {
            contour.push(sequence(
                tags::CONTOUR_IMAGE_SEQUENCE,
                vec![InMemDicomObject::from_element_iter([text(tags::REFERENCED_SOP_INSTANCE_UID, VR::UI, uid)])],
            ));
        }
        let roi = InMemDicomObject::from_element_iter([sequence(
            tags::CONTOUR_SEQUENCE,
            vec![InMemDicomObject::from_element_iter(contour)],
        )]);
        let frame_of_reference =
            InMemDicomObject::from_element_iter([text(tags::FRAME_OF_REFERENCE_UID, VR::UI, "9.9")]);
        let dataset = InMemDicomObject::from_element_iter([
            text(tags::SOP_CLASS_UID, VR::UI, "1.2.840.10008.5.1.4.1.1.481.3"),
            text(tags::SOP_INSTANCE_UID, VR::UI, "5.5"),
            text(tags::SERIES_INSTANCE_UID, VR::UI, "5"),
            text(tags::MODALITY, VR::CS, "RTSTRUCT"),
            text(tags::STRUCTURE_SET_LABEL, VR::SH, "Organs"),
            sequence(tags::REFERENCED_FRAME_OF_REFERENCE_SEQUENCE, vec![frame_of_reference]),
            sequence(tags::ROI_CONTOUR_SEQUENCE, vec![roi]),
        ]);
        InstanceMeta::read(1, &dataset)
    }

    #[test]
    fn references_come_first_then_planes_in_the_frame_of_reference() {
        let images = [image("1.1", "1", 0.0), image("1.2", "1", 2.0), image("2.1", "2", 7.0)];
        let index = ImageIndex::new(&images);
        // Referenced instance 2.1 wins although the contour lies on series 1's plane z = 2.
        let by_reference = structure_set(2.2, Some("2.1"));
        assert_eq!(by_reference.derived.label, "Organs");
        assert_eq!(
            index.attach(&by_reference.derived),
            Attachment::Series(vec![SeriesMatch {
                series_instance_uid: "2".into(),
                basis: MatchBasis::ReferencedInstances,
                instances: 1
            }])
        );
        // Without references: z = 2.9 is within 1 mm (half of 2 mm) of z = 2; z = 3.1 is not.
        let near = structure_set(2.9, None);
        assert_eq!(
            index.attach(&near.derived),
            Attachment::Series(vec![SeriesMatch {
                series_instance_uid: "1".into(),
                basis: MatchBasis::FrameOfReferencePlanes,
                instances: 1
            }])
        );
        let far = structure_set(3.1, None);
        assert_eq!(index.attach(&far.derived), Attachment::NeedsSource { series: vec![], instances: 0 });
    }
}
