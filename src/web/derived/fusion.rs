//! Fusion in the page: the session's choice of an image display set drawn in colour over the
//! images that share its Frame of Reference (a parametric map over its source, PET over CT),
//! with its colour map, opacity and value range, and the layer it draws over a shown frame. The
//! work is done by crate::viewer::fusion; here the decoded frames are fetched (and the viewport
//! redrawn when one it needed arrives).

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

use leptos::prelude::*;

use super::super::session::{FrameKey, Session};
use crate::study::DisplaySet;
use crate::viewer::fusion::{
    default_range, fuse, nearest_plane, slice_spacing_mm, ColourMap, FusionStyle, Interpolation, LayerValues, Plane,
};
use crate::viewer::layers::RgbaLayer;
use crate::viewer::probe;
use crate::viewer::suv::{suv_bw, SuvBw, SuvError};

/// The fusion choice of a session.
pub struct FusionState {
    /// Key of the display set drawn over the others (None: no fusion).
    pub layer: RwSignal<Option<String>>,
    pub colour_map: RwSignal<ColourMap>,
    /// 0..=1.
    pub opacity: RwSignal<f32>,
    /// Value range in the layer's unit (None until set by the user or from the layer's data).
    pub range: RwSignal<Option<(f64, f64)>>,
    /// Bumped when a layer frame the viewport waited for has been decoded.
    pub arrived: RwSignal<u64>,
    requested: RefCell<HashSet<FrameKey>>,
}

impl FusionState {
    pub fn new() -> FusionState {
        FusionState {
            layer: RwSignal::new(None),
            colour_map: RwSignal::new(ColourMap::Hot),
            opacity: RwSignal::new(0.5),
            range: RwSignal::new(None),
            arrived: RwSignal::new(0),
            requested: RefCell::new(HashSet::new()),
        }
    }

    /// Tracks everything that changes the fused layer (for the viewport's redraw).
    pub fn track(&self) {
        self.layer.track();
        self.colour_map.track();
        self.opacity.track();
        self.range.track();
        self.arrived.track();
    }

    /// Chooses the layer display set (None: no fusion); the range is taken afresh from its data.
    pub fn choose(&self, session: &Rc<Session>, layer: Option<String>) {
        self.range.set(None);
        self.requested.borrow_mut().clear();
        self.layer.set(layer.clone());
        if let Some(key) = layer {
            prefetch(session.clone(), key);
        }
    }
}

impl Default for FusionState {
    fn default() -> FusionState {
        FusionState::new()
    }
}

/// SUVbw of a PET instance in BQML (None for other images), or why it cannot be computed.
pub fn suv_of(session: &Session, source: u32) -> Option<Result<SuvBw, SuvError>> {
    let modality = session.library.borrow().instance(source).map(|m| m.modality.clone())?;
    if modality.trim() != "PT" {
        return None;
    }
    let dataset = session.dataset(source)?;
    Some(suv_bw(&dataset))
}

/// The planes of a display set's frames (None when one lacks geometry).
fn planes_of(session: &Session, set: &DisplaySet) -> Option<Vec<Plane>> {
    let library = session.library.borrow();
    set.frames.iter().map(|f| library.instance(f.source).and_then(|meta| Plane::of_instance(meta, f.frame))).collect()
}

/// The display sets that can be fused over frame `source`'s display set: image sets of the
/// same Frame of Reference, other than its own.
pub fn candidates(session: &Session, source: u32) -> Vec<DisplaySet> {
    let library = session.library.borrow();
    let Some(base) = library.instance(source) else { return Vec::new() };
    let own = library.display_set_of(source).map(|set| set.key);
    let frame_of_reference = base.frame_of_reference_uid.clone();
    if frame_of_reference.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for patient in library.patients() {
        for study in patient.studies {
            for series in study.series {
                for set in series.display_sets {
                    let shares = set.frames.first().and_then(|f| library.instance(f.source)).is_some_and(|meta| {
                        meta.frame_of_reference_uid == frame_of_reference
                            && crate::derived::DerivedKind::classify(&meta.sop_class_uid, &meta.modality).is_none()
                    });
                    if shares && set.has_pixel_data && Some(&set.key) != own.as_ref() {
                        out.push(set);
                    }
                }
            }
        }
    }
    out
}

/// Decodes every frame of the layer set in the background (the memory budget's cache keeps
/// what fits), middle first; sets the default range from the middle frame.
fn prefetch(session: Rc<Session>, key: String) {
    let Some(set) = session.library.borrow().display_set(&key) else { return };
    let middle = set.frames.len() / 2;
    let mut order: Vec<usize> = (0..set.frames.len()).collect();
    order.sort_by_key(|i| i.abs_diff(middle));
    leptos::task::spawn_local(async move {
        for (n, index) in order.into_iter().enumerate() {
            let fusion = &session.derived.fusion;
            if fusion.layer.get_untracked().as_deref() != Some(key.as_str()) {
                return;
            }
            let Some(frame_ref) = set.frames.get(index) else { continue };
            let frame_key = (frame_ref.source, frame_ref.frame);
            let Ok(frame) = session.frame(frame_key).await else { continue };
            if n == 0 && fusion.range.get_untracked().is_none() {
                if let Some(image) = session.image(frame_ref.source) {
                    let suv = suv_of(&session, frame_ref.source).and_then(Result::ok);
                    let values = LayerValues::new(&image.info, frame_ref.frame, suv);
                    if let Some((low, high)) = values.extent(&frame.pixels) {
                        fusion.range.set(Some(default_range(low, high)));
                    }
                }
            }
            if fusion.requested.borrow_mut().remove(&frame_key) {
                fusion.arrived.update(|n| *n += 1);
            }
        }
    });
}

/// The colour layer of the session's fused display set over frame `key`, None when there is no
/// fusion, the frame is not in the layer's Frame of Reference, no layer plane lies on it, or
/// the layer frame is still being decoded (the viewport is redrawn when it arrives).
pub fn layer_for(session: &Rc<Session>, key: FrameKey) -> Option<RgbaLayer> {
    let fusion = &session.derived.fusion;
    let layer_key = fusion.layer.get_untracked()?;
    let set = session.library.borrow().display_set(&layer_key)?;
    if set.frames.iter().any(|f| f.source == key.0) {
        return None;
    }
    let (base, same_frame_of_reference) = {
        let library = session.library.borrow();
        let meta = library.instance(key.0)?;
        let layer_meta = set.frames.first().and_then(|f| library.instance(f.source))?;
        (Plane::of_instance(meta, key.1)?, meta.frame_of_reference_uid == layer_meta.frame_of_reference_uid)
    };
    if !same_frame_of_reference {
        return None;
    }
    let planes = planes_of(session, &set)?;
    let spacing = set
        .slice_spacing
        .or_else(|| slice_spacing_mm(&planes))
        .or_else(|| set.frames.first().and_then(|f| session.library.borrow().instance(f.source)?.slice_thickness))
        .unwrap_or(1.0);
    let half = spacing / 2.0;
    let index = nearest_plane(&base, &planes, half)?;
    let frame_ref = *set.frames.get(index)?;
    let layer_key = (frame_ref.source, frame_ref.frame);
    let Some(frame) = session.cached(layer_key) else {
        if fusion.requested.borrow_mut().insert(layer_key) {
            let session = session.clone();
            leptos::task::spawn_local(async move {
                if session.frame(layer_key).await.is_ok() {
                    session.derived.fusion.requested.borrow_mut().remove(&layer_key);
                    session.derived.fusion.arrived.update(|n| *n += 1);
                }
            });
        }
        return None;
    };
    let image = session.image(frame_ref.source)?;
    let suv = suv_of(session, frame_ref.source).and_then(Result::ok);
    let values = LayerValues::new(&image.info, frame_ref.frame, suv);
    let (low, high) =
        fusion.range.get_untracked().or_else(|| values.extent(&frame.pixels).map(|(l, h)| default_range(l, h)))?;
    let style = FusionStyle {
        colour_map: fusion.colour_map.get_untracked(),
        low,
        high,
        opacity: fusion.opacity.get_untracked(),
        interpolation: Interpolation::Bilinear,
    };
    let columns = frame.columns;
    let layer_plane = *planes.get(index)?;
    fuse(&base, &layer_plane, half, &style, |c, r| {
        let stored = frame.pixels.get_f64(r as usize * columns as usize + c as usize)?;
        values.value(stored)
    })
}

/// The name and unit of the fused values ("SUVbw", "g/ml"), for the colour bar.
pub fn layer_name_and_unit(session: &Session, layer_key: &str) -> (Option<String>, Option<String>) {
    let Some(set) = session.library.borrow().display_set(layer_key) else { return (None, None) };
    let Some(first) = set.frames.first() else { return (None, None) };
    let Some(image) = session.image(first.source) else { return (None, None) };
    let modality_unit = {
        let library = session.library.borrow();
        library.instance(first.source).and_then(|meta| {
            probe::instance_unit(
                &meta.modality,
                Some(meta.rescale_type.as_str()).filter(|t| !t.is_empty()),
                Some(meta.dose_units.as_str()).filter(|t| !t.is_empty()),
            )
            .or_else(|| probe::pet_unit(&meta.units))
        })
    };
    let suv = suv_of(session, first.source).and_then(Result::ok);
    LayerValues::new(&image.info, first.frame, suv).name_and_unit(modality_unit)
}
