//! The browser layer (wasm32 only): JavaScript bindings, decode workers, WebGL2 drawing and the
//! Leptos components of the viewer. Everything it shows comes from the pure core.

mod actions;
mod announce;
mod app;
mod archives;
pub mod bindings;
pub(crate) mod context;
mod derived;
pub(crate) mod dialog;
mod dicomweb;
mod embed;
mod export;
pub mod gpu;
mod help;
pub(crate) mod i18n;
mod icons;
mod keyboard;
pub(crate) mod link;
pub(crate) mod loader;
pub(crate) mod offline;
mod opening;
mod pane;
mod panels;
pub(crate) mod perf;
pub(crate) mod series_panel;
pub(crate) mod session;
mod start;
pub(crate) mod tag_browser;
mod tasks;
pub(crate) mod theme;
mod toolbar;
mod viewport;
mod volume;
pub mod worker;

/// Mounts the page on `<body>` (without a document, e.g. in a worker, there is nothing to mount).
pub fn start() {
    console_error_panic_hook::set_once();
    if web_sys::window().and_then(|w| w.document()).is_none() {
        return;
    }
    perf::mark_once("dv:wasm-start");
    // A deep link's first request waits for config.json: ask for it before building the page.
    dicomweb::start_config_request();
    i18n::install();
    theme::install();
    leptos::mount::mount_to_body(app::App);
    leptos::mount::mount_to_body(offline::UpdateNotice);
    worker::modules::mark("app-mounted");
    offline::install();
    // decode_frame / render_frame on window.wasmBindings: the decoder module, after the first paint.
    worker::expose_bindings_when_idle();
    perf::mark_once("dv:mounted");
}
