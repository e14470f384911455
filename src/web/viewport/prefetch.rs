//! Fills a display set in the background once it is shown: the slice on screen first, then its
//! neighbours outwards, with a bounded number of decodes in flight (two per worker), stopping
//! when the user shows something else and when the memory budget would be exceeded.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use leptos::prelude::*;
use web_sys::AbortController;

use super::super::context::AppContext;
use super::super::dicomweb::PARALLEL_REQUESTS;
use super::super::pane::Pane;
use super::super::session::{Content, FrameKey, Session};
use crate::study::FrameRef;
use crate::viewer::load_order::outward;

/// Share of the memory budget one display set may fill ahead of the user.
const BUDGET_SHARE: f64 = 0.8;

/// `progress` drives the bar (None when idle); `loaded` keeps the last (done, total) for tests.
pub fn run(
    pane: Pane,
    frames: Memo<Vec<FrameRef>>,
    progress: RwSignal<Option<(u32, u32)>>,
    loaded: RwSignal<(u32, u32)>,
    app: AppContext,
) {
    let generation = StoredValue::new(0u64);
    // Cancels the network requests of a run the user left (another display set, or this view
    // closed). A display set that only grew (more instances arrived) keeps its requests.
    let controller = StoredValue::new_local(None::<(Option<String>, AbortController)>);
    let abort_previous = move || {
        if let Some((_, previous)) = controller.try_update_value(Option::take).flatten() {
            previous.abort();
        }
    };
    on_cleanup(abort_previous);
    Effect::new(move |_| {
        let list = frames.get();
        let run_id = generation.get_value() + 1;
        generation.set_value(run_id);
        let shown = pane.display_set.get_untracked();
        let same_set = controller.with_value(|c| c.as_ref().is_some_and(|(key, _)| *key == shown));
        if !same_set {
            abort_previous();
            if let Ok(abort) = AbortController::new() {
                controller.set_value(Some((shown, abort)));
            }
        }
        let signal = controller.with_value(|c| c.as_ref().map(|(_, abort)| abort.signal()));
        if list.is_empty() {
            progress.set(None);
            loaded.set((0, 0));
            return;
        }
        let session = app.session.get_value();
        let start = pane.frame.get_untracked() as usize;
        leptos::task::spawn_local(async move {
            let order = outward(start, list.len());
            let Some(first) = order.first().and_then(|i| list.get(*i)) else { return };
            let first_key: FrameKey = (first.source, first.frame);
            // The first frame tells the size of the others (same rows/columns in a display set).
            let limit = match session.frame_with(first_key, signal.as_ref()).await {
                Ok(frame) => {
                    let bytes = (frame.pixels.byte_len() as f64).max(1.0);
                    let budget = session.signals.memory.get_untracked().1 as f64;
                    ((budget * BUDGET_SHARE / bytes).floor() as usize).max(1)
                }
                Err(_) => list.len(),
            };
            let wanted: Vec<FrameKey> =
                order.iter().take(limit).filter_map(|i| list.get(*i)).map(|f| (f.source, f.frame)).collect();
            let total = wanted.len() as u32;
            let done = Rc::new(Cell::new(0u32));
            let queue = Rc::new(RefCell::new(wanted.into_iter().collect::<VecDeque<_>>()));
            let current = move || generation.try_get_value() == Some(run_id);
            progress.set(Some((0, total)));
            loaded.set((0, total));
            // Remote frames: twice as many lanes as requests the client lets through at once, so
            // a lane waiting to retry (backoff) or decoding does not leave a connection idle;
            // local files: two decodes per worker.
            let remote = wanted_remote(&session, first.source);
            let per_machine = session.workers().max(1) * 2;
            let lanes = if remote { (2 * PARALLEL_REQUESTS).max(per_machine) } else { per_machine };
            let lanes = lanes.min(total as usize).max(1);
            let finished_lanes = Rc::new(Cell::new(0usize));
            for _ in 0..lanes {
                let (session, queue, done, finished_lanes, signal) =
                    (session.clone(), queue.clone(), done.clone(), finished_lanes.clone(), signal.clone());
                leptos::task::spawn_local(async move {
                    loop {
                        if !current() {
                            return;
                        }
                        let Some(key) = queue.borrow_mut().pop_front() else { break };
                        // A frame that fails is reported by the viewport when shown.
                        let _ = session.frame_with(key, signal.as_ref()).await;
                        done.set(done.get() + 1);
                        if current() {
                            progress.set(Some((done.get(), total)));
                            loaded.set((done.get(), total));
                        }
                    }
                    finished_lanes.set(finished_lanes.get() + 1);
                    if finished_lanes.get() == lanes && current() {
                        if done.get() == total {
                            super::super::perf::mark("dv:all-frames");
                        }
                        progress.set(None);
                    }
                });
            }
        });
    });
}

/// Whether a display set's frames come from a DICOMweb server.
fn wanted_remote(session: &Session, source: u32) -> bool {
    session.instances.borrow().get(source as usize).is_some_and(|i| matches!(i.content, Content::Remote(_)))
}
