//! The set of instances the user has loaded, built one instance at a time, and the views the
//! study browser asks for (tree, display sets, counts).

use std::collections::{BTreeSet, HashMap};

use super::display_set::{series_display_sets, DisplaySet};
use super::meta::InstanceMeta;
use super::tree::{build_tree, PatientNode};

/// What happened to an instance given to [`StudyLibrary::add`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddOutcome {
    Added,
    /// An instance with the same SOP Instance UID is already loaded (from `existing_source`);
    /// the new one was ignored.
    DuplicateInstance {
        sop_instance_uid: String,
        existing_source: u32,
    },
    /// The `source` handle is already used by another instance; the new one was ignored.
    DuplicateSource {
        source: u32,
    },
}

/// Loaded instances, unique by SOP Instance UID and by source handle.
#[derive(Debug, Clone, Default)]
pub struct StudyLibrary {
    instances: Vec<InstanceMeta>,
    by_sop_instance: HashMap<String, usize>,
    by_source: HashMap<u32, usize>,
}

impl StudyLibrary {
    pub fn new() -> StudyLibrary {
        StudyLibrary::default()
    }

    pub fn add(&mut self, meta: InstanceMeta) -> AddOutcome {
        if let Some(existing) = self.by_sop_instance.get(&meta.sop_instance_uid).and_then(|i| self.instances.get(*i)) {
            return AddOutcome::DuplicateInstance {
                sop_instance_uid: meta.sop_instance_uid,
                existing_source: existing.source,
            };
        }
        if self.by_source.contains_key(&meta.source) {
            return AddOutcome::DuplicateSource { source: meta.source };
        }
        let index = self.instances.len();
        self.by_sop_instance.insert(meta.sop_instance_uid.clone(), index);
        self.by_source.insert(meta.source, index);
        self.instances.push(meta);
        AddOutcome::Added
    }

    /// The patient → study → series → display set tree.
    pub fn patients(&self) -> Vec<PatientNode> {
        build_tree(self.instances.iter())
    }

    /// One display set by key (see [`DisplaySet::key`]).
    pub fn display_set(&self, key: &str) -> Option<DisplaySet> {
        if let Some(meta) = self.by_sop_instance.get(key).and_then(|i| self.instances.get(*i)) {
            return self.series_sets(&meta.series_instance_uid).into_iter().find(|set| set.key == key);
        }
        // Stack keys are "{series}/{rows}x{columns}/{orientation}"; the UID may hold '/'.
        let series_uid = key.rsplitn(3, '/').nth(2)?;
        self.series_sets(series_uid).into_iter().find(|set| set.key == key)
    }

    fn series_sets(&self, series_instance_uid: &str) -> Vec<DisplaySet> {
        let members: Vec<&InstanceMeta> =
            self.instances.iter().filter(|m| m.series_instance_uid == series_instance_uid).collect();
        series_display_sets(&members)
    }

    /// The display set that shows instance `source` (its stack, or the instance itself).
    pub fn display_set_of(&self, source: u32) -> Option<DisplaySet> {
        let meta = self.instance(source)?;
        self.series_sets(&meta.series_instance_uid)
            .into_iter()
            .find(|set| set.frames.iter().any(|f| f.source == source) || set.key == meta.sop_instance_uid)
    }

    /// Puts `meta` in place of the instance at its `source` (another copy of the same SOP
    /// Instance took its place); false when `source` is not loaded or the UID differs.
    pub fn replace(&mut self, meta: InstanceMeta) -> bool {
        let Some(&index) = self.by_source.get(&meta.source) else { return false };
        match self.instances.get_mut(index) {
            Some(slot) if slot.sop_instance_uid == meta.sop_instance_uid => {
                *slot = meta;
                true
            }
            _ => false,
        }
    }

    pub fn instance(&self, source: u32) -> Option<&InstanceMeta> {
        self.by_source.get(&source).and_then(|i| self.instances.get(*i))
    }

    /// Every loaded instance, in the order added.
    pub fn instances(&self) -> &[InstanceMeta] {
        &self.instances
    }

    pub fn instance_count(&self) -> usize {
        self.instances.len()
    }

    pub fn patient_count(&self) -> usize {
        self.instances.iter().map(InstanceMeta::patient_key).collect::<BTreeSet<_>>().len()
    }

    pub fn study_count(&self) -> usize {
        self.instances.iter().map(|m| (m.patient_key(), &m.study_instance_uid)).collect::<BTreeSet<_>>().len()
    }

    pub fn series_count(&self) -> usize {
        self.instances
            .iter()
            .map(|m| (m.patient_key(), &m.study_instance_uid, &m.series_instance_uid))
            .collect::<BTreeSet<_>>()
            .len()
    }
}
