//! Presentation states in the page: which one is applied (the shown GSPS entry: at most one),
//! its grey transforms for a frame the viewport draws, and applying it to the active pane
//! (window, invert and view from the state; `None` restores the image's own). The pure logic
//! is crate::derived::gsps.

use std::rc::Rc;
use std::sync::Arc;

use leptos::prelude::*;

use super::super::context::AppContext;
use super::super::session::{FrameKey, Session};
use super::DerivedEntry;
use crate::derived::gsps::PresentationState;
use crate::derived::{Derived, DerivedKind};
use crate::pipeline::SoftcopyTransforms;
use crate::viewer::transform::ViewTransform;

/// The presentation state of an entry, when it is one and is loaded.
pub fn state_of(entry: &DerivedEntry) -> Option<Rc<Derived>> {
    let object = entry.object()?;
    matches!(object.as_ref(), Derived::PresentationState(_)).then_some(object)
}

fn as_state(object: &Derived) -> Option<&PresentationState> {
    match object {
        Derived::PresentationState(state) => Some(state),
        _ => None,
    }
}

/// The applied presentation state (the shown GSPS entry), if any.
pub fn applied(session: &Session) -> Option<Rc<DerivedEntry>> {
    session
        .derived
        .entries()
        .into_iter()
        .find(|e| e.kind == DerivedKind::PresentationState && e.shown.get_untracked() && e.object().is_some())
}

/// The applied state's grey transforms for frame `key` when the state names that frame.
pub fn softcopy_for(session: &Session, key: FrameKey) -> Option<Arc<SoftcopyTransforms>> {
    let entry = applied(session)?;
    let object = entry.object()?;
    let state = as_state(&object)?;
    let uid = session.library.borrow().instance(key.0)?.sop_instance_uid.clone();
    let frame_number = key.1 + 1;
    state.applies_to(&uid, frame_number).then(|| Arc::new(state.softcopy_for(&uid, frame_number)))
}

/// With a state applied to frame `key`: which of the image's overlay groups it activates (the
/// others are hidden while it is applied); None without one.
pub fn activated_image_overlays(session: &Session, key: FrameKey) -> Option<Vec<u16>> {
    let entry = applied(session)?;
    let object = entry.object()?;
    let state = as_state(&object)?;
    let uid = session.library.borrow().instance(key.0)?.sop_instance_uid.clone();
    state.applies_to(&uid, key.1 + 1).then(|| state.activated_image_overlays.iter().map(|(g, _)| *g).collect())
}

/// The SOP Instance UID, frame number (from 1), size and pixel aspect of the active pane's image.
fn active_image(app: AppContext) -> Option<(String, u32, (u32, u32), f64)> {
    let pane = app.active_pane();
    let key = pane.display_set.get_untracked()?;
    let session = app.session.get_value();
    let library = session.library.borrow();
    let frame = library.display_set(&key)?.frames.get(pane.frame.get_untracked() as usize).cloned()?;
    let meta = library.instance(frame.source)?;
    let aspect = meta
        .pixel_spacing
        .or(meta.imager_pixel_spacing)
        .map(|[row, column]| if row > 0.0 && column > 0.0 { row / column } else { 1.0 })
        .unwrap_or(1.0);
    Some((meta.sop_instance_uid.clone(), frame.frame + 1, (meta.columns, meta.rows), aspect))
}

/// Whether `entry`'s state names the active pane's image.
pub fn on_active_image(app: AppContext, entry: &DerivedEntry) -> bool {
    let Some(object) = entry.object() else { return false };
    let Some(state) = as_state(&object) else { return false };
    active_image(app).is_some_and(|(uid, frame, _, _)| state.applies_to(&uid, frame))
}

/// The active pane's canvas size in backing pixels.
fn active_canvas_size(app: AppContext) -> Option<(f64, f64)> {
    use wasm_bindgen::JsCast;
    let document = web_sys::window()?.document()?;
    let selector = format!("[data-testid=\"viewport\"][data-pane=\"{}\"]", app.active.get_untracked());
    let canvas: web_sys::HtmlCanvasElement = document.query_selector(&selector).ok()??.dyn_into().ok()?;
    Some((f64::from(canvas.width()), f64::from(canvas.height())))
}

/// Applies `entry`'s state to the active pane (None: no state). The window, VOI choice and
/// invert go back to the state's (or the image's own); the view takes the state's rotation,
/// flip and displayed area when the state names the shown image, else fit.
pub fn apply(app: AppContext, entry: Option<&DerivedEntry>) {
    let session = app.session.get_value();
    for other in session.derived.entries() {
        if other.kind == DerivedKind::PresentationState {
            let on = entry.is_some_and(|e| e.source == other.source);
            if other.shown.get_untracked() != on {
                other.shown.set(on);
            }
        }
    }
    let pane = app.active_pane();
    pane.window.set(None);
    pane.voi_index.set(0);
    pane.invert.set(false);
    let object = entry.and_then(|e| e.object());
    let transform = match (object.as_deref().and_then(as_state), active_image(app), active_canvas_size(app)) {
        (Some(state), Some((uid, frame, size, aspect)), Some(canvas)) if state.applies_to(&uid, frame) => {
            state.view_transform(&uid, frame, size, aspect, canvas)
        }
        _ => ViewTransform::default(),
    };
    pane.transform.set(transform);
}
