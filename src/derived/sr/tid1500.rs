//! TID 1500 Measurement Report (PS3.16): the Imaging Measurements container's measurement
//! groups (TID 1501 Measurement and Qualitative Evaluation Group, TID 1410 Planar ROI, TID 1411
//! Volumetric ROI Measurements) read as table rows: tracking identifier and UID, finding,
//! finding site, each measurement with its unit, and the images and graphics it rests on.
//! Groups are found by their concept (125007, DCM, "Measurement Group") anywhere in the tree, so
//! reports that nest them under other templates are read too.

use super::{Code, ContentItem, Measurement, Relationship, SopReference, Value};

pub const MEASUREMENT_GROUP: (&str, &str) = ("125007", "DCM");
pub const TRACKING_IDENTIFIER: (&str, &str) = ("112039", "DCM");
pub const TRACKING_UID: (&str, &str) = ("112040", "DCM");
pub const FINDING: (&str, &str) = ("121071", "DCM");
pub const FINDING_SITE: [(&str, &str); 2] = [("363698007", "SCT"), ("G-C0E3", "SRT")];
pub const FINDING_CATEGORY: [(&str, &str); 1] = [("276214006", "SCT")];

/// One measurement of a group: a NUM item directly in the group.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupMeasurement {
    /// Index of the NUM item in [`super::Document::items`].
    pub item: usize,
    pub concept: Option<Code>,
    /// None when the Measured Value Sequence is empty.
    pub value: Option<Measurement>,
    /// Concept modifiers and properties of the measurement ("Derivation" = "Mean", …):
    /// (concept meaning, value meaning).
    pub modifiers: Vec<(String, String)>,
}

/// One measurement group (a table row).
#[derive(Clone, Debug, PartialEq)]
pub struct MeasurementGroup {
    /// From 1 in document order: the item number panels and graphics use (`LayerStyle`).
    pub number: u32,
    /// Index of the group's CONTAINER in [`super::Document::items`].
    pub item: usize,
    pub tracking_identifier: Option<String>,
    pub tracking_uid: Option<String>,
    pub finding: Option<Code>,
    pub finding_site: Option<Code>,
    pub finding_category: Option<Code>,
    pub measurements: Vec<GroupMeasurement>,
    /// Every IMAGE item in the group's subtree (the source images and those graphics are
    /// selected from), first occurrence of each reference.
    pub images: Vec<SopReference>,
    /// Indices of the SCOORD / SCOORD3D items in the group's subtree.
    pub graphics: Vec<usize>,
}

impl MeasurementGroup {
    /// The image to show for this row: the image its first graphic is selected from, else its
    /// first image.
    pub fn target(&self, items: &[ContentItem]) -> Option<SopReference> {
        self.graphics
            .iter()
            .find_map(|graphic| super::draw::selected_from(items, *graphic))
            .or_else(|| self.images.first().cloned())
            .filter(|reference| !reference.sop_instance_uid.is_empty())
    }
}

/// The measurement groups of a content tree, numbered from 1.
pub fn measurement_groups(items: &[ContentItem]) -> Vec<MeasurementGroup> {
    let mut groups = Vec::new();
    for (index, item) in items.iter().enumerate() {
        if !matches!(item.value, Value::Container { .. }) || !item.concept_is(&[MEASUREMENT_GROUP]) {
            continue;
        }
        let number = u32::try_from(groups.len() + 1).unwrap_or(u32::MAX);
        groups.push(read_group(items, index, number));
    }
    groups
}

fn read_group(items: &[ContentItem], index: usize, number: u32) -> MeasurementGroup {
    let mut group = MeasurementGroup {
        number,
        item: index,
        tracking_identifier: None,
        tracking_uid: None,
        finding: None,
        finding_site: None,
        finding_category: None,
        measurements: Vec::new(),
        images: Vec::new(),
        graphics: Vec::new(),
    };
    let children = items.get(index).map(|i| i.children.as_slice()).unwrap_or(&[]);
    for &child_index in children {
        let Some(child) = items.get(child_index) else { continue };
        match &child.value {
            Value::Text(text) if child.concept_is(&[TRACKING_IDENTIFIER]) => {
                group.tracking_identifier.get_or_insert_with(|| text.clone());
            }
            Value::UidRef(uid) if child.concept_is(&[TRACKING_UID]) => {
                group.tracking_uid.get_or_insert_with(|| uid.clone());
            }
            Value::Code(Some(code)) if child.concept_is(&[FINDING]) => {
                group.finding.get_or_insert_with(|| code.clone());
            }
            Value::Code(Some(code)) if child.concept_is(&FINDING_SITE) => {
                group.finding_site.get_or_insert_with(|| code.clone());
            }
            Value::Code(Some(code)) if child.concept_is(&FINDING_CATEGORY) => {
                group.finding_category.get_or_insert_with(|| code.clone());
            }
            Value::Num { measurement, .. } if child.relationship == Some(Relationship::Contains) => {
                group.measurements.push(GroupMeasurement {
                    item: child_index,
                    concept: child.concept.clone(),
                    value: measurement.clone(),
                    modifiers: modifiers(items, child),
                });
            }
            _ => {}
        }
    }
    for descendant in subtree(items, index) {
        match items.get(descendant).map(|i| &i.value) {
            Some(Value::Image(reference)) if !group.images.contains(reference) => group.images.push(reference.clone()),
            Some(Value::Scoord { .. } | Value::Scoord3d { .. }) => group.graphics.push(descendant),
            _ => {}
        }
    }
    group
}

/// The coded and text modifiers / properties directly under a NUM item.
fn modifiers(items: &[ContentItem], num: &ContentItem) -> Vec<(String, String)> {
    num.children
        .iter()
        .filter_map(|i| items.get(*i))
        .filter(|c| matches!(c.relationship, Some(Relationship::HasConceptMod | Relationship::HasProperties)))
        .filter_map(|c| {
            let value = match &c.value {
                Value::Code(Some(code)) => code.meaning.clone(),
                Value::Text(text) => text.clone(),
                _ => return None,
            };
            Some((c.concept_meaning().to_string(), value))
        })
        .collect()
}

/// Indices of every item below `index` (not `index` itself), depth first.
pub fn subtree(items: &[ContentItem], index: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut stack: Vec<usize> =
        items.get(index).map(|i| i.children.iter().rev().copied().collect()).unwrap_or_default();
    while let Some(next) = stack.pop() {
        out.push(next);
        if let Some(item) = items.get(next) {
            stack.extend(item.children.iter().rev().copied());
        }
    }
    out
}
