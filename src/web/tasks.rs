//! Long work on the page's thread cut into short tasks: yield to the browser (a zero-delay
//! timeout ends the task; a resolved promise would not) whenever a task has run for
//! TASK_BUDGET_MS, so no task comes near the 50 ms of a "long task".

use js_sys::Promise;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

/// Work per task before yielding to the browser (ms): well under the 50 ms of a long task.
pub const TASK_BUDGET_MS: f64 = 12.0;

pub fn now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// Yields when the current task has run longer than TASK_BUDGET_MS since `started`; returns
/// the start of the (possibly new) task.
pub async fn yield_if_due(started: f64) -> f64 {
    if now() - started < TASK_BUDGET_MS {
        return started;
    }
    yield_to_browser().await;
    now()
}

/// Ends the current task (a zero-delay timeout), so long work does not block the page.
pub async fn yield_to_browser() {
    let promise = Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
        } else {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    let _ = JsFuture::from(promise).await;
}
