//! The volumes of the session: one per display set reformatted, built on first request from the
//! headers (grid, voxel kind) and filled as each frame of the set is decoded — frames already in
//! memory at once, later ones when they arrive (`Session::store` calls [`VolumeStore::on_frame`]).
//! Their bytes count against the memory budget: the frame cache gets what they leave.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use leptos::prelude::*;

use super::session::{FrameKey, Session};
use crate::dicom::Frame;
use crate::pipeline::ModalityLut;
use crate::volume::geometry::{GeometryReport, Refusal};
use crate::volume::{check_geometry, Grid, SliceGeometry, Volume, VoxelKind};

/// A volume and where its slices come from.
pub struct VolumeEntry {
    pub display_set: String,
    pub volume: RefCell<Volume>,
    /// (instance, frame) → slice index in the volume.
    pub slices: HashMap<FrameKey, u32>,
    /// The frames of the display set in volume order (what to load).
    pub frames: Vec<FrameKey>,
    /// What the geometry check found (irregular spacing, gaps, gantry tilt): show
    /// `report.messages(lang)` beside the planes.
    pub report: GeometryReport,
}

#[derive(Default)]
pub struct VolumeStore {
    entries: RefCell<HashMap<String, Result<Rc<VolumeEntry>, String>>>,
    /// The frames each entry (volume or refusal) was built from: when the display set has
    /// changed since (instances still arriving), the volume is built again.
    built_from: RefCell<HashMap<String, Vec<FrameKey>>>,
    /// Bumped whenever a volume gains slices or a volume is built (viewports redraw).
    revision: RwSignal<u64>,
}

impl VolumeStore {
    pub fn new() -> VolumeStore {
        VolumeStore {
            entries: RefCell::new(HashMap::new()),
            built_from: RefCell::new(HashMap::new()),
            revision: RwSignal::new(0),
        }
    }

    /// Tracks changes of any volume (call inside a reactive closure).
    pub fn track(&self) {
        self.revision.track();
    }

    /// Bytes held by all volumes.
    pub fn byte_len(&self) -> u64 {
        self.entries.borrow().values().filter_map(|e| e.as_ref().ok()).map(|e| e.volume.borrow().byte_len()).sum()
    }

    /// The volume of `display_set`, if built.
    pub fn get(&self, display_set: &str) -> Option<Result<Rc<VolumeEntry>, String>> {
        self.entries.borrow().get(display_set).cloned()
    }

    /// A decoded frame arrived: copies it into every volume it belongs to.
    pub fn on_frame(&self, key: FrameKey, frame: &Frame, modality: &ModalityLut) {
        let mut changed = false;
        for entry in self.entries.borrow().values().filter_map(|e| e.as_ref().ok()) {
            if let Some(slice) = entry.slices.get(&key) {
                let mut volume = entry.volume.borrow_mut();
                if volume.filled.get(*slice as usize).copied().unwrap_or(true) {
                    continue;
                }
                if let Err(e) = volume.insert_slice(*slice, frame, modality) {
                    web_sys::console::warn_1(&e.to_string().into());
                }
                changed = true;
            }
        }
        if changed {
            self.revision.update(|r| *r += 1);
        }
    }
}

impl Session {
    /// The volume of display set `key`, built on first use (then filled as frames arrive).
    /// Err names why the set cannot be reformatted.
    /// Built again when the display set's frames changed since (a series still arriving when
    /// the volume was first asked for: the grid covers every slice, and a refusal for "a single
    /// slice" is not kept once more have come).
    pub fn volume(&self, key: &str) -> Result<Rc<VolumeEntry>, String> {
        let frames: Vec<FrameKey> = self
            .library
            .borrow()
            .display_set(key)
            .map(|set| set.frames.iter().map(|f| (f.source, f.frame)).collect())
            .unwrap_or_default();
        if let Some(existing) = self.volumes.get(key) {
            if self.volumes.built_from.borrow().get(key) == Some(&frames) {
                return existing;
            }
            // Free the old volume before building the new one (the budget counts both).
            self.volumes.entries.borrow_mut().remove(key);
        }
        let built = self.build_volume(key);
        self.volumes.built_from.borrow_mut().insert(key.to_string(), frames);
        self.volumes.entries.borrow_mut().insert(key.to_string(), built.clone());
        self.volumes.revision.update(|r| *r += 1);
        self.fit_cache_to_volumes();
        built
    }

    fn build_volume(&self, key: &str) -> Result<Rc<VolumeEntry>, String> {
        let set = self.library.borrow().display_set(key).ok_or_else(|| "the series is no longer open".to_string())?;
        let frames: Vec<FrameKey> = set.frames.iter().map(|f| (f.source, f.frame)).collect();
        let geometry: Vec<SliceGeometry> = {
            let library = self.library.borrow();
            let planes: Vec<Option<SliceGeometry>> = frames
                .iter()
                .map(|(source, frame)| library.instance(*source).and_then(|meta| SliceGeometry::of(meta, *frame)))
                .collect();
            if let Some(missing) = planes.iter().position(Option::is_none) {
                let report = GeometryReport::refused(planes.len(), Refusal::NoPosition { slice: missing + 1 });
                return Err(report.messages(crate::web::i18n::lang()).join(" "));
            }
            planes.into_iter().flatten().collect()
        };
        // PS3.3 C.7.6.2.1.1: one orientation and size, distinct positions; irregular spacing,
        // gaps and tilt are findings the grid follows.
        let report = check_geometry(&geometry);
        if report.is_refused() {
            return Err(report.messages(crate::web::i18n::lang()).join(" "));
        }
        let grid = Grid::from_slices(&geometry).map_err(|e| e.to_string())?;
        let first = frames.first().and_then(|(source, _)| self.image(*source)).ok_or("the first slice has no image")?;
        let luts: Vec<ModalityLut> = frames
            .iter()
            .map(|(source, frame)| self.image(*source).map(|i| i.info.modality_lut(*frame)).unwrap_or_default())
            .collect();
        let one_lut = luts.windows(2).all(|pair| pair[0] == pair[1]);
        if first.info.samples_per_pixel != 1 {
            return Err("colour series are not reformatted".into());
        }
        let layout = first.info.layout;
        let float = !matches!(first.info.sample_format, crate::dicom::SampleFormat::Integer);
        let kind = VoxelKind::for_slices(layout.bits_allocated, layout.signed, float, one_lut);
        let modality =
            if kind == VoxelKind::F32 { ModalityLut::Identity } else { luts.first().cloned().unwrap_or_default() };
        let (_, budget) = self.signals.memory.get_untracked();
        // Volumes may take at most three quarters of the budget (frames still need room).
        let allowed = (budget / 4 * 3).saturating_sub(self.volumes.byte_len());
        let mut volume = Volume::new(grid, kind, modality, allowed).map_err(|e| e.to_string())?;
        for (slice, key) in frames.iter().enumerate() {
            if let Some(frame) = self.cached(*key) {
                if let Some(lut) = luts.get(slice) {
                    let _ = volume.insert_slice(slice as u32, &frame, lut);
                }
            }
        }
        let slices = frames.iter().enumerate().map(|(index, key)| (*key, index as u32)).collect();
        Ok(Rc::new(VolumeEntry { display_set: key.to_string(), volume: RefCell::new(volume), slices, frames, report }))
    }
}
