//! Shared by the wasm-bindgen browser tests: fetching corpus files from the server that
//! scripts/browser-tests.sh starts (its URL is baked in at compile time from CORPUS_URL).

use js_sys::Uint8Array;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

pub const CORPUS_URL: &str = match option_env!("CORPUS_URL") {
    Some(url) => url,
    None => "http://127.0.0.1:8765/",
};

/// The bytes of `path` below the corpus root; panics (failing the test) when unreachable.
pub async fn fetch(path: &str) -> Vec<u8> {
    let url = format!("{}/{path}", CORPUS_URL.trim_end_matches('/'));
    let window = web_sys::window().expect("a window");
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(&url))
        .await
        .unwrap_or_else(|e| panic!("fetch {url}: {e:?} (is the corpus server running?)"))
        .dyn_into()
        .expect("a Response");
    assert!(response.ok(), "fetch {url}: HTTP {}", response.status());
    let buffer = JsFuture::from(response.array_buffer().expect("arrayBuffer")).await.expect("body");
    Uint8Array::new(&buffer).to_vec()
}
