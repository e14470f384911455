//! Linked series in the page (the geometry is `crate::volume::linking`'s): the link toggle
//! (`data-testid="link-series"`), moving the linked viewports when the active one scrolls, the
//! planes the reference lines are drawn from, and the comparison layout's priors list
//! (`compare.rs`).

mod compare;

use std::rc::Rc;

use leptos::prelude::*;

use super::context::{use_app, AppContext, PaneView};
use super::i18n::tr;
use super::session::Session;
use crate::volume::linking::{linked_frame, StackPositions};
use crate::volume::SliceGeometry;

pub use compare::Priors;

/// Frame of Reference UID and plane of frame `index` of display set `key`.
pub fn slice_of(session: &Session, key: &str, index: u32) -> Option<(String, SliceGeometry)> {
    let library = session.library.borrow();
    let set = library.display_set(key)?;
    let frame = set.frames.get(index as usize)?;
    let meta = library.instance(frame.source)?;
    Some((meta.frame_of_reference_uid.clone(), SliceGeometry::of(meta, frame.frame)?))
}

/// Frame of Reference UID and frame positions of display set `key`.
pub fn stack_of(session: &Session, key: &str) -> Option<(String, StackPositions)> {
    let library = session.library.borrow();
    let set = library.display_set(key)?;
    let first = library.instance(set.frames.first()?.source)?;
    let planes: Vec<Option<SliceGeometry>> = set
        .frames
        .iter()
        .map(|f| library.instance(f.source).and_then(|meta| SliceGeometry::of(meta, f.frame)))
        .collect();
    Some((first.frame_of_reference_uid.clone(), StackPositions::new(&planes, first.slice_thickness)?))
}

/// Moves every other stack viewport showing a linked series to the slice nearest by position.
pub fn move_linked(app: AppContext, index: usize) {
    let link = app.link.get_untracked();
    if !link.enabled {
        return;
    }
    let pane = app.panes[index];
    let Some(key) = pane.display_set.get_untracked() else { return };
    let session: Rc<Session> = app.session();
    let Some((source_for, slice)) = slice_of(&session, &key, pane.frame.get_untracked()) else { return };
    let count = app.layout.get_untracked().panes();
    for (other_index, other) in app.panes.iter().enumerate().take(count) {
        if other_index == index || other.view.get_untracked() != PaneView::Stack {
            continue;
        }
        let Some(other_key) = other.display_set.get_untracked() else { continue };
        let Some((target_for, stack)) = stack_of(&session, &other_key) else { continue };
        if let Some(target) = linked_frame(&link, &source_for, &slice, &target_for, &stack) {
            if other.frame.get_untracked() != target {
                other.frame.set(target);
            }
        }
    }
}

/// Linked scrolling for viewport `index` (called once by the viewport): while it is the active
/// one and the link is on, each change of its slice moves the linked viewports.
pub fn follow(app: AppContext, index: usize) {
    let pane = app.panes[index];
    Effect::new(move |_| {
        pane.frame.track();
        pane.display_set.track();
        let enabled = app.link.with(|l| l.enabled);
        if enabled && app.active.get_untracked() == index {
            move_linked(app, index);
        }
    });
}

/// "Link here" for viewports `from` and `to`: their current slices show the same place from now
/// on (a manual offset when their frames of reference differ). False when either has no plane.
pub fn link_here(app: AppContext, from: usize, to: usize) -> bool {
    let session = app.session();
    let plane = |index: usize| {
        let pane = app.panes[index];
        slice_of(&session, &pane.display_set.get_untracked()?, pane.frame.get_untracked())
    };
    let (Some((from_for, from_slice)), Some((to_for, to_slice))) = (plane(from), plane(to)) else { return false };
    app.link.update(|link| {
        link.link_here(&from_for, &from_slice, &to_for, &to_slice);
        link.enabled = true;
    });
    true
}

/// Two overlapping rings: the link icon (stroked like the other toolbar icons).
fn link_icon() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false"
            fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">
            <path d="M10 14a4.5 4.5 0 0 0 6.4 0l3-3a4.5 4.5 0 0 0-6.4-6.4l-1.2 1.2" />
            <path d="M14 10a4.5 4.5 0 0 0-6.4 0l-3 3a4.5 4.5 0 0 0 6.4 6.4l1.2-1.2" />
        </svg>
    }
}

/// The link toggle (`data-testid="link-series"`, `aria-pressed`): viewports showing series of
/// one Frame of Reference (or linked by "link here") scroll together.
#[component]
pub fn LinkButton() -> impl IntoView {
    let app = use_app();
    let on = move || app.link.with(|l| l.enabled);
    // Turning it on moves the others at once (`follow` of the active viewport re-runs).
    let toggle = move |_| app.link.update(|l| l.enabled = !l.enabled);
    view! {
        <button type="button" class="icon-button" data-testid="link-series"
            aria-label=move || tr("link.toggle") title=move || tr("link.toggle")
            aria-pressed=move || on().to_string() class:on=on on:click=toggle>
            {link_icon()}
        </button>
    }
}
