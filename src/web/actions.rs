//! What toolbar buttons and keyboard shortcuts do to the active viewport.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::context::AppContext;
use crate::pipeline::{PixelValues, Voi};
use crate::viewer::presets::{preset_for_key, presets_for, WindowPreset};
use crate::viewer::viewport::Viewport as Geometry;

fn frame_count(app: AppContext) -> usize {
    let pane = app.active_pane();
    let Some(key) = pane.display_set.get_untracked() else { return 0 };
    app.session.with_value(|s| s.library.borrow().display_set(&key).map_or(0, |set| set.frames.len()))
}

/// Arrow, Page and Home/End keys (crate::viewer::stack::key_target).
pub fn key(app: AppContext, key: &str) -> bool {
    let count = frame_count(app) as u32;
    let pane = app.active_pane();
    match crate::viewer::stack::key_target(key, pane.frame.get_untracked(), count) {
        Some(target) if count > 1 => {
            pane.frame.set(target);
            true
        }
        _ => false,
    }
}

pub fn rotate(app: AppContext, clockwise: bool) -> bool {
    app.active_pane().transform.update(|t| if clockwise { t.rotate_clockwise() } else { t.rotate_counter_clockwise() });
    true
}

pub fn flip(app: AppContext, horizontal: bool) -> bool {
    app.active_pane().transform.update(|t| {
        if horizontal {
            t.flip_horizontal = !t.flip_horizontal;
        } else {
            t.flip_vertical = !t.flip_vertical;
        }
    });
    true
}

/// Fit to the viewport, centred, upright; the file's window.
pub fn reset_view(app: AppContext) -> bool {
    let pane = app.active_pane();
    pane.transform.set(Default::default());
    pane.window.set(None);
    pane.voi_index.set(0);
    pane.invert.set(false);
    true
}

/// Zooms about the viewport's centre.
pub fn zoom(app: AppContext, factor: f64) -> bool {
    let pane = app.active_pane();
    let mut geometry = Geometry::new(1, 1, 1.0, 2.0, 2.0);
    geometry.transform = pane.transform.get_untracked();
    geometry.zoom_at((1.0, 1.0), factor);
    pane.transform.set(geometry.transform);
    true
}

/// The image (instance, frame) on the active viewport's current slice.
fn active_frame_key(app: AppContext) -> Option<super::session::FrameKey> {
    let pane = app.active_pane();
    let key = pane.display_set.get_untracked()?;
    let session = app.session.get_value();
    let library = session.library.borrow();
    let frame_ref = library.display_set(&key)?.frames.get(pane.frame.get_untracked() as usize).cloned()?;
    Some((frame_ref.source, frame_ref.frame))
}

pub fn remove_last_annotation(app: AppContext) -> bool {
    let pane = app.active_pane();
    let Some(frame) = active_frame_key(app) else { return false };
    let mut removed = false;
    pane.annotations.update(|list| {
        if let Some(position) = list.iter().rposition(|a| a.frame == frame) {
            list.remove(position);
            removed = true;
        }
    });
    removed
}

/// The window presets for the active viewport's current image.
pub fn presets(app: AppContext) -> Vec<WindowPreset> {
    let pane = app.active_pane();
    let Some(key) = pane.display_set.get_untracked() else { return Vec::new() };
    let session = app.session.get_value();
    let Some(frame_ref) = session
        .library
        .borrow()
        .display_set(&key)
        .and_then(|set| set.frames.get(pane.frame.get_untracked() as usize).cloned())
    else {
        return Vec::new();
    };
    let Some(image) = session.image(frame_ref.source) else { return Vec::new() };
    if !image.info.photometric.is_monochrome() {
        return Vec::new();
    }
    let windows: Vec<(f64, f64, Option<String>)> = image
        .info
        .windows(frame_ref.frame)
        .iter()
        .filter_map(|named| match &named.voi {
            Voi::Window(w) => Some((w.center, w.width, named.explanation.clone())),
            Voi::Table(_) => None,
        })
        .collect();
    let borrowed: Vec<(f64, f64, Option<&str>)> = windows.iter().map(|(c, w, e)| (*c, *w, e.as_deref())).collect();
    let frame = session.cached((frame_ref.source, frame_ref.frame));
    let range = frame.as_ref().and_then(|f| f.pixels.min_max()).map(|(min, max)| {
        let lut = image.info.modality_lut(frame_ref.frame);
        let (a, b) = (lut.apply(min), lut.apply(max));
        (a.min(b), a.max(b))
    });
    let integer = !matches!(frame.as_ref().map(|f| &f.pixels), Some(PixelValues::F32(_) | PixelValues::F64(_)));
    presets_for(image.info.modality.as_deref().unwrap_or(""), &borrowed, range, integer)
}

pub fn apply(app: AppContext, preset: &WindowPreset) {
    app.active_pane().window.set(Some((preset.center, preset.width)));
}

pub fn apply_preset(app: AppContext, key: &str) -> bool {
    let list = presets(app);
    match preset_for_key(&list, key) {
        Some(preset) => {
            apply(app, preset);
            true
        }
        None => false,
    }
}

/// Closes the tag browser and gives focus back to the toolbar's Tags button (its opener).
pub fn close_tags(app: AppContext) {
    app.close_side();
    let toggle = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(TAGS_TOGGLE_ID))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(toggle) = toggle {
        let _ = toggle.focus();
    }
}

/// The id of the toolbar's Tags button.
pub const TAGS_TOGGLE_ID: &str = "tags-toggle";

/// Downloads the active viewport as a PNG: the image, overlay planes, measurements and corner
/// text, as shown (src/web/export.rs).
pub fn export_png(app: AppContext) -> bool {
    let index = app.active.get_untracked();
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return false };
    let selector = format!("canvas[data-testid=viewport][data-pane=\"{index}\"]");
    let Some(canvas) =
        document.query_selector(&selector).ok().flatten().and_then(|e| e.dyn_into::<web_sys::HtmlCanvasElement>().ok())
    else {
        return false;
    };
    let url = match super::export::viewport_png(&canvas) {
        Ok(url) => url,
        Err(e) => {
            app.session().report(super::i18n::trf("common.export.failed", &[("reason", &e)]));
            return false;
        }
    };
    let Ok(link) = document.create_element("a") else { return false };
    let _ = link.set_attribute("href", &url);
    let _ = link.set_attribute("download", &format!("viewport-{}.png", index + 1));
    if let Ok(link) = link.dyn_into::<web_sys::HtmlElement>() {
        link.click();
    }
    true
}
