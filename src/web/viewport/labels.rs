//! Text sizes measured with the page's font, for the label layout of `crate::viewer::label_layout`
//! (the orientation letters and measurement labels), and the letters of the shown frame.

use std::cell::RefCell;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::CanvasRenderingContext2d;

use super::super::pane::Pane;
use super::super::session::Session;
use super::Shown;
use crate::viewer::label_layout::{edge_letter_rects, Rect};
use crate::viewer::orientation::edge_labels;

/// Fonts of the SVG measurement labels and the orientation letters (style/main.css).
pub const LABEL_FONT: &str = "12px system-ui, sans-serif";
pub const LETTER_FONT: &str = "600 12px system-ui, sans-serif";
/// Height of a letter box (12px text, normal line height).
const LETTER_HEIGHT_PX: f64 = 15.0;

thread_local! {
    static MEASURE: RefCell<Option<CanvasRenderingContext2d>> = const { RefCell::new(None) };
}

/// Width of `text` in CSS pixels in `font` (an estimate of 0.6 em per character when no
/// canvas is available).
pub fn text_width(text: &str, font: &str) -> f64 {
    MEASURE.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            *slot = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.create_element("canvas").ok())
                .and_then(|e| e.dyn_into::<web_sys::HtmlCanvasElement>().ok())
                .and_then(|c| c.get_context("2d").ok().flatten())
                .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok());
        }
        match slot.as_ref() {
            Some(context) => {
                context.set_font(font);
                context.measure_text(text).map(|m| m.width()).unwrap_or(0.0)
            }
            None => text.chars().count() as f64 * 7.2,
        }
    })
}

/// The pane's size in CSS pixels.
pub fn pane_size(shown: &Shown) -> (f64, f64) {
    let (width, height) = shown.geometry.canvas_size();
    (width / shown.scale.max(f64::MIN_POSITIVE), height / shown.scale.max(f64::MIN_POSITIVE))
}

/// The orientation letters (left, right, top, bottom edge) of the shown frame, if its
/// orientation is known.
pub fn edge_letters(session: &Session, pane: &Pane, shown: &Shown) -> [Option<String>; 4] {
    let library = session.library.borrow();
    let Some(meta) = library.instance(shown.key.0) else { return [None, None, None, None] };
    let orientation = meta.frame_orientations.get(shown.key.1 as usize).copied().flatten().or(meta.image_orientation);
    match orientation {
        Some(orientation) => {
            let labels = edge_labels(orientation, &pane.transform.get());
            [Some(labels.left), Some(labels.right), Some(labels.top), Some(labels.bottom)]
        }
        None => [None, None, None, None],
    }
}

/// Where the letters go (see `edge_letter_rects`).
pub fn letter_rects(shown: &Shown, letters: &[Option<String>; 4]) -> [Option<Rect>; 4] {
    let (width, height) = pane_size(shown);
    let sizes = letters
        .clone()
        .map(|letter| letter.filter(|l| !l.is_empty()).map(|l| (text_width(&l, LETTER_FONT).ceil(), LETTER_HEIGHT_PX)));
    edge_letter_rects(width, height, sizes)
}
