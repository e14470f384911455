//! The screen-reader announcer: one visually hidden aria-live="polite" region
//! (data-testid="announcer") that says the active viewport's slice and window
//! (crate::viewer::announce) `DEBOUNCE_MS` after the last change, so scrolling through a stack is
//! one announcement, not one per slice.

use std::time::Duration;

use leptos::prelude::*;

use super::context::use_app;
use super::i18n::lang;
use crate::viewer::announce::{ViewState, DEBOUNCE_MS};

/// The drawn state of the active viewport, read from its canvas's hooks (data-frame,
/// data-window-center/-width) and its display set's length.
fn active_state(pane_index: usize, frame_count: u32) -> Option<ViewState> {
    let document = web_sys::window()?.document()?;
    let canvas = document
        .query_selector(&format!("[data-testid=\"viewport\"][data-pane=\"{pane_index}\"][data-ready=\"true\"]"))
        .ok()??;
    let number = |name: &str| canvas.get_attribute(name).and_then(|v| v.parse::<f64>().ok());
    let frame = canvas.get_attribute("data-frame")?.parse::<u32>().ok()?;
    let window = number("data-window-center").zip(number("data-window-width"));
    Some(ViewState { frame, frame_count, window })
}

#[component]
pub fn Announcer() -> impl IntoView {
    let app = use_app();
    let said = RwSignal::new(String::new());
    let timer = StoredValue::new_local(None::<TimeoutHandle>);
    Effect::new(move |_| {
        let index = app.active.get();
        let pane = app.panes[index];
        // Every draw (a new slice, a window change, the first image) restarts the wait.
        pane.drawn.track();
        pane.frame.track();
        pane.window.track();
        let language = lang();
        if let Some(Some(handle)) = timer.try_get_value() {
            handle.clear();
        }
        let next = set_timeout_with_handle(
            move || {
                let count = pane
                    .display_set
                    .get_untracked()
                    .and_then(|k| app.session.with_value(|s| s.library.borrow().display_set(&k)))
                    .map_or(0, |set| set.frames.len() as u32);
                if let Some(state) = active_state(index, count).filter(|_| count > 0) {
                    let text = state.text(language);
                    if said.get_untracked() != text {
                        said.set(text);
                    }
                }
            },
            Duration::from_millis(DEBOUNCE_MS as u64),
        );
        timer.set_value(next.ok());
    });
    on_cleanup(move || {
        if let Some(Some(handle)) = timer.try_get_value() {
            handle.clear();
        }
    });
    view! {
        <div class="visually-hidden" data-testid="announcer" aria-live="polite" aria-atomic="true">
            {move || said.get()}
        </div>
    }
}
