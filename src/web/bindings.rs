//! The JavaScript entry points (`window.wasmBindings` on the Trunk-built page): the same
//! decode and render paths the viewer uses, for scripts and the browser tests. They are plain
//! functions here: the `decoder` and `decoder-jxl` modules (src/bin/decoder*) export them with
//! `#[wasm_bindgen]`, so the page's UI module, which links this library too, carries no codec
//! (README "Modules and sizes").

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;

use crate::api::{self, RenderOptions};
use crate::dicom::DicomImage;
use crate::pipeline::{PixelValues, Voi};

fn set(object: &Object, key: &str, value: impl Into<JsValue>) {
    // Reflect::set on a fresh plain object cannot fail.
    let _ = Reflect::set(object, &JsValue::from_str(key), &value.into());
}

/// Stored values as the typed array of their own width.
pub fn pixels_to_js(pixels: &PixelValues) -> JsValue {
    match pixels {
        PixelValues::U8(v) => js_sys::Uint8Array::from(v.as_slice()).into(),
        PixelValues::U16(v) => js_sys::Uint16Array::from(v.as_slice()).into(),
        PixelValues::I16(v) => js_sys::Int16Array::from(v.as_slice()).into(),
        PixelValues::U32(v) => js_sys::Uint32Array::from(v.as_slice()).into(),
        PixelValues::I32(v) => js_sys::Int32Array::from(v.as_slice()).into(),
        PixelValues::F32(v) => js_sys::Float32Array::from(v.as_slice()).into(),
        PixelValues::F64(v) => js_sys::Float64Array::from(v.as_slice()).into(),
    }
}

/// The object `decode_frame` returns for one decoded frame.
fn frame_object(image: &DicomImage, decoded: &crate::dicom::Frame) -> Object {
    let out = Object::new();
    set(&out, "rows", decoded.rows);
    set(&out, "columns", decoded.columns);
    set(&out, "samples_per_pixel", decoded.samples_per_pixel);
    set(&out, "bits_allocated", decoded.bits_allocated);
    set(&out, "bits_stored", decoded.bits_stored);
    set(&out, "pixel_representation", decoded.pixel_representation);
    set(&out, "photometric_interpretation", decoded.photometric.as_str());
    set(&out, "transfer_syntax", image.transfer_syntax.uid.as_str());
    set(&out, "number_of_frames", image.info.number_of_frames);
    set(&out, "pixels", pixels_to_js(&decoded.pixels));
    if !decoded.embedded_overlays.is_empty() {
        // [{group, bits}]: overlay bits found in unused high bits of the samples (packed).
        let list = js_sys::Array::new();
        for (group, bits) in &decoded.embedded_overlays.0 {
            let entry = Object::new();
            set(&entry, "group", *group);
            set(&entry, "bits", js_sys::Uint8Array::from(bits.as_slice()));
            list.push(&entry);
        }
        set(&out, "embedded_overlays", list);
    }
    out
}

/// The `name` of the Error thrown for a JPEG XL frame by a module without the JPEG XL decoder:
/// the caller loads the `decoder-jxl` module and asks it instead.
pub const JPEG_XL_MODULE_NEEDED: &str = "JpegXlModuleNeeded";

/// A decode error as a JavaScript Error whose message says what is wrong with the file (and
/// whose name is [`JPEG_XL_MODULE_NEEDED`] when the frame needs the JPEG XL module).
fn js_error(error: &crate::DecodeError, context: Option<u32>) -> JsValue {
    let message = match context {
        Some(frame) => format!("frame {}: {error}", frame + 1),
        None => error.to_string(),
    };
    let out = js_sys::Error::new(&message);
    if error.module_needed() == Some("JPEG XL") {
        out.set_name(JPEG_XL_MODULE_NEEDED);
    }
    out.into()
}

/// Decodes frame `frame` (0-based) of a DICOM file. Returns `{rows, columns, samples_per_pixel,
/// bits_allocated, bits_stored, pixel_representation, photometric_interpretation (after
/// decoding: "RGB" for colour), transfer_syntax (UID), number_of_frames, pixels}` where
/// `pixels` holds the stored values, samples interleaved, in a typed array of their width.
/// Throws an Error whose message says what is wrong with the file.
pub fn decode_frame(bytes: &[u8], frame: u32) -> Result<JsValue, JsValue> {
    let (image, decoded) = api::decode_frame(bytes, frame).map_err(|e| js_error(&e, None))?;
    Ok(frame_object(&image, &decoded).into())
}

/// Decodes frames `first .. first + count` (clipped to the file's frames) after parsing the
/// file once: an array of `decode_frame` objects. The decode workers call this.
pub fn decode_frames(bytes: &[u8], first: u32, count: u32) -> Result<js_sys::Array, JsValue> {
    let image = DicomImage::parse(bytes).map_err(|e| js_error(&e, None))?;
    let frames = image.info.number_of_frames.max(1);
    if first >= frames {
        return Err(js_error(&crate::DecodeError::FrameOutOfRange { frame: first, frames }, None));
    }
    let out = js_sys::Array::new();
    for index in first..first.saturating_add(count.max(1)).min(frames) {
        let decoded = image.decode_frame(index).map_err(|e| js_error(&e, Some(index)))?;
        out.push(&frame_object(&image, &decoded));
    }
    Ok(out)
}

/// The explicit window for a center and/or width; a missing half comes from the default window.
fn explicit_window(
    image: &DicomImage,
    frame: u32,
    decoded: &crate::dicom::Frame,
    center: Option<f64>,
    width: Option<f64>,
) -> Result<Option<(f64, f64)>, JsValue> {
    match (center, width) {
        (None, None) => Ok(None),
        (Some(c), Some(w)) => Ok(Some((c, w))),
        (c, w) => match image.voi(frame, decoded, &RenderOptions::default()) {
            Voi::Window(d) => Ok(Some((c.unwrap_or(d.center), w.unwrap_or(d.width)))),
            Voi::Table(_) => {
                Err(js_sys::Error::new("give both window_center and window_width: the default VOI is a table").into())
            }
        },
    }
}

/// Renders frame `frame` exactly as the viewer shows it: `{rows, columns, rgba}` with `rgba` a
/// Uint8ClampedArray ready for `new ImageData(rgba, columns, rows)`. Without a window the file's
/// default VOI is used.
pub fn render_frame(
    bytes: &[u8],
    frame: u32,
    window_center: Option<f64>,
    window_width: Option<f64>,
) -> Result<JsValue, JsValue> {
    let (image, decoded) = api::decode_frame(bytes, frame).map_err(|e| js_error(&e, None))?;
    let window = explicit_window(&image, frame, &decoded, window_center, window_width)?;
    let rendered = image.render(frame, &decoded, &RenderOptions { window, ..RenderOptions::default() });
    let out = Object::new();
    set(&out, "rows", rendered.rows);
    set(&out, "columns", rendered.columns);
    set(&out, "rgba", js_sys::Uint8ClampedArray::from(rendered.rgba.as_slice()));
    Ok(out.into())
}
