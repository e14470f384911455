//! The decoder modules (README "Modules and sizes"): the page's UI module carries no codec. The
//! `decoder` module (Trunk worker link, fixed name beside the page) is fetched and compiled once
//! after the first paint and posted compiled to every decode worker; the page instantiates it
//! when idle for `window.wasmBindings` (and decodes with it itself only when workers cannot
//! start). `decoder-jxl` is fetched by whoever meets the first JPEG XL frame. The loading itself
//! is `modules.js`; this file is its Rust face.

use js_sys::{Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(module = "/src/web/worker/modules.js")]
extern "C" {
    fn worker_urls(base: &str) -> JsValue;
    #[wasm_bindgen(js_name = decoder_module)]
    fn compiled_decoder(base: &str) -> Promise;
    fn page_decoder_when_idle(base: &str);
    fn decode_on_page(base: &str, bytes: &Uint8Array, first: u32, count: u32) -> Promise;
}

#[wasm_bindgen]
extern "C" {
    /// The URL of the UI module's JS glue (wasm-bindgen emits `import.meta.url` there); the
    /// decoder modules sit beside it.
    #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
    static GLUE_URL: String;
}

fn base() -> String {
    GLUE_URL.with(String::clone)
}

fn js_text(value: &JsValue) -> String {
    match value.dyn_ref::<js_sys::Error>() {
        Some(error) => String::from(error.message()),
        None => value.as_string().unwrap_or_else(|| format!("{value:?}")),
    }
}

/// A performance mark (README "Modules and sizes": decoder-fetch-start, decoder-compiled,
/// decode-workers-started, decode-workers-ready, page-decoder-ready).
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}

/// The compiled `decoder` module: one fetch and one compile per page, after the first paint.
pub(crate) async fn decoder_module() -> Result<JsValue, String> {
    JsFuture::from(compiled_decoder(&base())).await.map_err(|e| js_text(&e))
}

/// The `init` message of a decode worker: the decoder's glue URL and compiled module, and the
/// JPEG XL module's URLs.
pub(crate) fn worker_init(module: &JsValue) -> Object {
    let init: Object = worker_urls(&base()).unchecked_into();
    if let Ok(decoder) = Reflect::get(&init, &"decoder".into()) {
        let _ = Reflect::set(&decoder, &"module".into(), module);
    }
    init
}

/// Defines the decoder's functions on `window.wasmBindings` once the page is idle after its
/// first paint (never before: the first image does not wait for it).
pub fn expose_bindings_when_idle() {
    page_decoder_when_idle(&base());
}

/// Decodes frames `first .. first + count` of the DICOM file in `bytes` on the page (the
/// fallback when decode workers cannot start): `decode_frames` objects (see pool::frame_from_js).
pub(crate) async fn decode_here(bytes: &Uint8Array, first: u32, count: u32) -> Result<js_sys::Array, String> {
    let frames = JsFuture::from(decode_on_page(&base(), bytes, first, count)).await.map_err(|e| js_text(&e))?;
    frames.dyn_into().map_err(|_| "the page's decoder answered without frames".to_string())
}
