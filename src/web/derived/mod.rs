//! Derived objects in the page (SEG, RTSTRUCT, SR, KOS, GSPS; the pure logic is in
//! crate::derived): the session's store of them (`store`), and what the viewport draws over a
//! frame from the shown ones (`frame_overlays`).

mod dicomweb;
pub mod fusion;
pub mod gsps;
pub mod load;
pub mod navigate;
pub mod planes;
pub mod store;

pub use dicomweb::{fetch_needed, is_remote, series_name};

#[allow(unused_imports)] // used by the panels of each kind
pub use store::{DerivedEntry, DerivedStore, LoadState};

use std::rc::Rc;

use leptos::prelude::*;

use crate::derived::SourceFrame;
use crate::viewer::layers::FrameOverlays;

use super::session::{FrameKey, Session};

/// Everything the shown derived objects draw on frame `key` (instance source, frame index).
pub fn frame_overlays(session: &Rc<Session>, key: FrameKey) -> FrameOverlays {
    let mut out = FrameOverlays::default();
    // The fused image display set first, under segmentations and the rest.
    out.layers.extend(fusion::layer_for(session, key));
    let frame = {
        let library = session.library.borrow();
        match library.instance(key.0) {
            Some(meta) => SourceFrame::of(meta, key.1),
            None => return out,
        }
    };
    for entry in session.derived.entries() {
        if !entry.shown.get_untracked() {
            continue;
        }
        if let Some(object) = entry.object() {
            entry.style.with_untracked(|style| object.draw_on(&frame, style, &mut out));
        }
    }
    out
}
