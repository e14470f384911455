//! Start-up milestones as User Timing marks (`performance.mark`, names `dv:*`, listed in the
//! README under "Performance marks"): each is marked once per page, the first time it happens,
//! so a benchmark or DevTools' Performance panel shows where the time to the first image goes.

use std::cell::RefCell;

thread_local! {
    static MARKED: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
}

/// Marks `name` every time it is called (a milestone that can come again: a display set that
/// grew, e.g. from its opening slice to the whole series, and was loaded again).
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}

/// Marks `name` (a `dv:` name) the first time it is called on this page; later calls do nothing.
pub fn mark_once(name: &'static str) {
    let first = MARKED.with(|marked| {
        let mut marked = marked.borrow_mut();
        if marked.contains(&name) {
            false
        } else {
            marked.push(name);
            true
        }
    });
    if first {
        if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
            let _ = performance.mark(name);
        }
    }
}
