//! The exports of a decoder module (`decoder`, `decoder-jxl`): `decode_frame`, `decode_frames`
//! and `render_frame` of `dicom_viewer::web::bindings` (README "JavaScript API"). They live in
//! the decoder entry points, not in the library, because every `#[wasm_bindgen]` export of the
//! library is kept by every module linking it: the page's UI module would carry the codecs.

use dicom_viewer::web::bindings;
use wasm_bindgen::prelude::*;

/// Decodes frame `frame` (0-based) of a DICOM file (README "JavaScript API").
#[wasm_bindgen]
pub fn decode_frame(bytes: &[u8], frame: u32) -> Result<JsValue, JsValue> {
    bindings::decode_frame(bytes, frame)
}

/// Decodes frames `first .. first + count` after parsing the file once (the decode workers).
#[wasm_bindgen]
pub fn decode_frames(bytes: &[u8], first: u32, count: u32) -> Result<js_sys::Array, JsValue> {
    bindings::decode_frames(bytes, first, count)
}

/// Renders frame `frame` exactly as the viewer shows it (README "JavaScript API").
#[wasm_bindgen]
pub fn render_frame(
    bytes: &[u8],
    frame: u32,
    window_center: Option<f64>,
    window_width: Option<f64>,
) -> Result<JsValue, JsValue> {
    bindings::render_frame(bytes, frame, window_center, window_width)
}
