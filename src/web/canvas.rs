//! Puts a rendered image on a canvas, pixel for pixel, and records what it shows in data
//! attributes (read by the browser tests and by assistive scripts).

use wasm_bindgen::{Clamped, JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

use crate::api::RenderedImage;

/// What the canvas shows once drawn.
pub struct Shown {
    pub frame: u32,
    pub window: Option<(f64, f64)>,
}

/// Draws `image` at its own size (CSS scales the element) and sets data-ready, data-frame,
/// data-window-center and data-window-width in the same task, so they always match the pixels.
pub fn draw(canvas: &HtmlCanvasElement, image: &RenderedImage, shown: &Shown) -> Result<(), JsValue> {
    if canvas.width() != image.columns || canvas.height() != image.rows {
        canvas.set_width(image.columns);
        canvas.set_height(image.rows);
    }
    let context: CanvasRenderingContext2d =
        canvas.get_context("2d")?.ok_or_else(|| JsValue::from_str("no 2d canvas context"))?.dyn_into()?;
    let data = ImageData::new_with_u8_clamped_array_and_sh(Clamped(&image.rgba), image.columns, image.rows)?;
    context.put_image_data(&data, 0.0, 0.0)?;
    canvas.set_attribute("data-frame", &shown.frame.to_string())?;
    match shown.window {
        Some((center, width)) => {
            canvas.set_attribute("data-window-center", &center.to_string())?;
            canvas.set_attribute("data-window-width", &width.to_string())?;
        }
        None => {
            canvas.remove_attribute("data-window-center")?;
            canvas.remove_attribute("data-window-width")?;
        }
    }
    canvas.set_attribute("data-ready", "true")
}
