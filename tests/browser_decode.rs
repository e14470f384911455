//! The decoder in headless Chromium gives the digests pinned natively (tests/fixtures/digests.json,
//! written by tests/browser_digests_native.rs), through the JavaScript bindings the page exports.
//! Corpus files come over HTTP from `CORPUS_URL` (compile time; scripts/browser-tests.sh serves
//! ../shared/dicom there with CORS).
#![cfg(target_arch = "wasm32")]

mod browser_support;
mod corpus_fetch;

use browser_support::{parse_fixture, Fnv};
use dicom_viewer::web::bindings;
use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

use corpus_fetch::fetch;

wasm_bindgen_test_configure!(run_in_browser);

const FIXTURE: &str = include_str!("fixtures/digests.json");

fn get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// The bytes under any typed array (little endian on every wasm host).
fn typed_array_bytes(array: &JsValue) -> Vec<u8> {
    let buffer = get(array, "buffer");
    let offset = get(array, "byteOffset").as_f64().expect("byteOffset") as u32;
    let length = get(array, "byteLength").as_f64().expect("byteLength") as u32;
    Uint8Array::new_with_byte_offset_and_length(&buffer, offset, length).to_vec()
}

fn error_message(error: impl Into<JsValue>) -> String {
    let value: JsValue = error.into();
    let error: js_sys::Error = value.dyn_into().expect("a JS Error");
    error.message().into()
}

#[wasm_bindgen_test]
async fn digests_match_native() {
    let pinned = parse_fixture(FIXTURE);
    assert!(!pinned.is_empty(), "tests/fixtures/digests.json is empty");
    let mut differing = Vec::new();
    for entry in &pinned {
        let bytes = fetch(&entry.path).await;
        let (mut decode, mut render) = (Fnv::new(), Fnv::new());
        for frame in 0..entry.frames {
            let decoded = bindings::decode_frame(&bytes, frame)
                .unwrap_or_else(|e| panic!("{} frame {frame}: {}", entry.path, error_message(e)));
            assert_eq!(get(&decoded, "number_of_frames").as_f64(), Some(f64::from(entry.frames)), "{}", entry.path);
            decode.update(&typed_array_bytes(&get(&decoded, "pixels")));
            let rendered = bindings::render_frame(&bytes, frame, None, None)
                .unwrap_or_else(|e| panic!("{} frame {frame}: {}", entry.path, error_message(e)));
            render.update(&typed_array_bytes(&get(&rendered, "rgba")));
        }
        if (decode.hex(), render.hex()) != (entry.decode.clone(), entry.render.clone()) {
            differing.push(format!(
                "{}: browser decode {} render {}, native decode {} render {}",
                entry.path,
                decode.hex(),
                render.hex(),
                entry.decode,
                entry.render
            ));
        }
    }
    assert!(differing.is_empty(), "browser differs from native:\n{}", differing.join("\n"));
}

#[wasm_bindgen_test]
async fn decode_frame_describes_the_frame() {
    let bytes = fetch("wg04/REF/US1_UNC").await;
    let f = bindings::decode_frame(&bytes, 0).map_err(error_message).expect("decodes");
    let number = |key: &str| get(&f, key).as_f64();
    assert_eq!((number("rows"), number("columns")), (Some(480.0), Some(640.0)));
    assert_eq!(number("samples_per_pixel"), Some(3.0));
    assert_eq!(number("bits_allocated"), Some(8.0));
    assert_eq!(get(&f, "photometric_interpretation").as_string().as_deref(), Some("RGB"));
    assert_eq!(get(&f, "transfer_syntax").as_string().as_deref(), Some("1.2.840.10008.1.2.1"));
    assert_eq!(number("number_of_frames"), Some(1.0));
    let pixels: Uint8Array = get(&f, "pixels").dyn_into().expect("Uint8Array for 8-bit data");
    assert_eq!(pixels.length(), 480 * 640 * 3);

    let bytes = fetch("wg04/REF/CT1_UNC").await;
    let f = bindings::decode_frame(&bytes, 0).map_err(error_message).expect("decodes");
    let (image, frame) = dicom_viewer::api::decode_frame(&bytes, 0).expect("decodes natively");
    let expected_type = match frame.pixels {
        dicom_viewer::pipeline::PixelValues::I16(_) => "Int16Array",
        dicom_viewer::pipeline::PixelValues::U16(_) => "Uint16Array",
        _ => "other",
    };
    let constructor = get(&get(&get(&f, "pixels"), "constructor"), "name").as_string();
    assert_eq!(constructor.as_deref(), Some(expected_type));
    assert_eq!(get(&f, "photometric_interpretation").as_string().as_deref(), Some(frame.photometric.as_str()));
    assert_eq!(image.info.rows, 512);
}

#[wasm_bindgen_test]
async fn render_frame_with_a_window_is_the_core_render() {
    let bytes = fetch("wg04/REF/CT1_UNC").await;
    let options = dicom_viewer::api::RenderOptions { window: Some((40.0, 400.0)), ..Default::default() };
    let expected = dicom_viewer::api::render_frame(&bytes, 0, &options).expect("renders natively");
    let r = bindings::render_frame(&bytes, 0, Some(40.0), Some(400.0)).map_err(error_message).expect("renders");
    let rgba: js_sys::Uint8ClampedArray = get(&r, "rgba").dyn_into().expect("Uint8ClampedArray");
    assert_eq!(rgba.to_vec(), expected.rgba);
    let default = bindings::render_frame(&bytes, 0, None, None).map_err(error_message).expect("renders");
    assert_ne!(typed_array_bytes(&get(&default, "rgba")), expected.rgba, "the explicit window must matter");
}

#[wasm_bindgen_test]
fn errors_carry_the_decode_error_text() {
    let bytes = b"this is a text file, not DICOM";
    let expected = dicom_viewer::api::decode_frame(bytes, 0).err().expect("not DICOM").to_string();
    assert_eq!(bindings::decode_frame(bytes, 0).map(|_| ()).map_err(error_message), Err(expected.clone()));
    assert_eq!(bindings::render_frame(bytes, 0, None, None).map(|_| ()).map_err(error_message), Err(expected));
}
