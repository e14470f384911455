//! The browser layer (wasm32 only): JavaScript bindings and the page.

mod app;
pub mod bindings;
mod canvas;
mod files;
mod tag_browser;
mod view_state;
mod viewport;

pub use tag_browser::TagBrowser;

/// Mounts the page on `<body>`.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
