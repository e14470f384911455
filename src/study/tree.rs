//! The patient → study → series → display set tree shown by the study browser (the DICOM
//! information model, PS3.3 A.1.2: Patient, Study, Series, Instance).

use std::collections::{BTreeMap, HashMap};

use super::display_set::{series_display_sets, DisplaySet};
use super::meta::InstanceMeta;
use crate::derived::matching::{Attachment, ImageIndex, MatchBasis};
use crate::derived::DerivedKind;

#[derive(Debug, Clone, PartialEq)]
pub struct PatientNode {
    /// Patient ID, else a key made from Patient's Name.
    pub key: String,
    pub name: String,
    pub id: String,
    pub birth_date: String,
    pub sex: String,
    /// Newest first (Study Date, then Study Time; undated studies last), as OHIF lists them.
    pub studies: Vec<StudyNode>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StudyNode {
    pub study_instance_uid: String,
    pub date: String,
    pub time: String,
    pub description: String,
    pub accession_number: String,
    /// Modalities of the study's series, sorted, without repeats.
    pub modalities: Vec<String>,
    pub instance_count: usize,
    /// By Series Number (unnumbered last), then description, then UID.
    pub series: Vec<SeriesNode>,
    /// Derived objects of this study whose source images are not loaded.
    pub unresolved: Vec<DerivedNode>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SeriesNode {
    pub series_instance_uid: String,
    pub series_number: Option<i64>,
    pub modality: String,
    pub description: String,
    /// Every instance of the series (images and objects without pixel data), by Instance
    /// Number then SOP Instance UID.
    pub sources: Vec<u32>,
    /// Image display sets only: derived objects are listed in `derived` of the series they
    /// reference.
    pub display_sets: Vec<DisplaySet>,
    /// Derived objects (of any series) that lie on this series' images.
    pub derived: Vec<DerivedNode>,
}

/// A derived object as the series panel lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct DerivedNode {
    pub source: u32,
    pub sop_instance_uid: String,
    /// Its own series.
    pub series_instance_uid: String,
    pub kind: DerivedKind,
    /// Document title, Series Description, Content Label or Structure Set Label.
    pub label: String,
    /// How it joined the series it is listed on (None when unresolved).
    pub basis: Option<MatchBasis>,
    /// When unresolved: the series it references (UIDs, none loaded) and how many instances.
    pub needs_series: Vec<String>,
    pub needs_instances: usize,
}

impl DerivedNode {
    fn new(meta: &InstanceMeta, kind: DerivedKind) -> DerivedNode {
        DerivedNode {
            source: meta.source,
            sop_instance_uid: meta.sop_instance_uid.clone(),
            series_instance_uid: meta.series_instance_uid.clone(),
            kind,
            label: meta.derived.label.clone(),
            basis: None,
            needs_series: Vec::new(),
            needs_instances: 0,
        }
    }
}

/// Derived objects placed: on series (by Series Instance UID), or unresolved (by study).
#[derive(Default)]
struct Placement {
    on_series: HashMap<String, Vec<DerivedNode>>,
    unresolved: HashMap<String, Vec<DerivedNode>>,
}

fn place_derived<'a>(instances: &[&'a InstanceMeta]) -> Placement {
    let index = ImageIndex::new(instances.iter().copied());
    let mut placement = Placement::default();
    let mut derived: Vec<&InstanceMeta> = instances.iter().copied().filter(|m| m.derived.kind.is_some()).collect();
    derived.sort_by(|a, b| {
        (a.series_number, a.instance_number, &a.sop_instance_uid).cmp(&(
            b.series_number,
            b.instance_number,
            &b.sop_instance_uid,
        ))
    });
    for meta in derived {
        let Some(kind) = meta.derived.kind else { continue };
        match index.attach(&meta.derived) {
            Attachment::Series(matches) => {
                for found in matches {
                    let mut node = DerivedNode::new(meta, kind);
                    node.basis = Some(found.basis);
                    placement.on_series.entry(found.series_instance_uid).or_default().push(node);
                }
            }
            Attachment::NeedsSource { series, instances } => {
                let mut node = DerivedNode::new(meta, kind);
                node.needs_series = series;
                node.needs_instances = instances;
                placement.unresolved.entry(meta.study_instance_uid.clone()).or_default().push(node);
            }
        }
    }
    placement
}

fn series_node(instances: &[&InstanceMeta], placement: &Placement) -> Option<SeriesNode> {
    let mut ordered = instances.to_vec();
    ordered.sort_by(|a, b| {
        (a.instance_number.is_none(), a.instance_number, &a.sop_instance_uid).cmp(&(
            b.instance_number.is_none(),
            b.instance_number,
            &b.sop_instance_uid,
        ))
    });
    let first = ordered.first()?;
    Some(SeriesNode {
        series_instance_uid: first.series_instance_uid.clone(),
        series_number: first.series_number,
        modality: first.modality.clone(),
        description: first.series_description.clone(),
        sources: ordered.iter().map(|m| m.source).collect(),
        display_sets: series_display_sets(&ordered),
        derived: placement.on_series.get(&first.series_instance_uid).cloned().unwrap_or_default(),
    })
}

fn study_node(instances: &[&InstanceMeta], placement: &Placement) -> Option<StudyNode> {
    let first = instances.first()?;
    let mut by_series: BTreeMap<&str, Vec<&InstanceMeta>> = BTreeMap::new();
    for meta in instances {
        by_series.entry(meta.series_instance_uid.as_str()).or_default().push(meta);
    }
    let mut series: Vec<SeriesNode> =
        by_series.values().filter_map(|members| series_node(members, placement)).collect();
    series.sort_by(|a, b| {
        (a.series_number.is_none(), a.series_number, &a.description, &a.series_instance_uid).cmp(&(
            b.series_number.is_none(),
            b.series_number,
            &b.description,
            &b.series_instance_uid,
        ))
    });
    let mut modalities: Vec<String> =
        series.iter().map(|s| s.modality.clone()).filter(|modality| !modality.is_empty()).collect();
    modalities.sort();
    modalities.dedup();
    Some(StudyNode {
        study_instance_uid: first.study_instance_uid.clone(),
        date: first.study_date.clone(),
        time: first.study_time.clone(),
        description: first.study_description.clone(),
        accession_number: first.accession_number.clone(),
        modalities,
        instance_count: instances.len(),
        unresolved: placement.unresolved.get(&first.study_instance_uid).cloned().unwrap_or_default(),
        series,
    })
}

fn patient_node(key: &str, instances: &[&InstanceMeta], placement: &Placement) -> Option<PatientNode> {
    let first = instances.first()?;
    let mut by_study: BTreeMap<&str, Vec<&InstanceMeta>> = BTreeMap::new();
    for meta in instances {
        by_study.entry(meta.study_instance_uid.as_str()).or_default().push(meta);
    }
    let mut studies: Vec<StudyNode> = by_study.values().filter_map(|members| study_node(members, placement)).collect();
    // Newest first: DA/TM values (YYYYMMDD, HHMMSS) order as text; undated studies last.
    studies.sort_by(|a, b| {
        (a.date.is_empty(), &b.date, &b.time, &a.study_instance_uid).cmp(&(
            b.date.is_empty(),
            &a.date,
            &a.time,
            &b.study_instance_uid,
        ))
    });
    Some(PatientNode {
        key: key.to_string(),
        name: first.patient_name.clone(),
        id: first.patient_id.clone(),
        birth_date: first.patient_birth_date.clone(),
        sex: first.patient_sex.clone(),
        studies,
    })
}

/// The whole tree, patients by name then key. Derived objects are matched to images of any
/// loaded study (`crate::derived::matching`).
pub fn build_tree<'a>(instances: impl Iterator<Item = &'a InstanceMeta>) -> Vec<PatientNode> {
    let all: Vec<&InstanceMeta> = instances.collect();
    let placement = place_derived(&all);
    let mut by_patient: BTreeMap<String, Vec<&InstanceMeta>> = BTreeMap::new();
    for meta in all {
        by_patient.entry(meta.patient_key()).or_default().push(meta);
    }
    let mut patients: Vec<PatientNode> =
        by_patient.iter().filter_map(|(key, members)| patient_node(key, members, &placement)).collect();
    patients.sort_by(|a, b| (&a.name, &a.key).cmp(&(&b.name, &b.key)));
    patients
}
