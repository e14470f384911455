//! PNG export of a viewport as it is shown: the canvas (image and overlay planes), then the
//! measurements (SVG shapes, label plates and text) and the corner text and orientation letters
//! (HTML), redrawn from the elements on the page with their computed colours and positions.

use crate::web::i18n::tr;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, Element, HtmlCanvasElement};

fn js_text(value: &JsValue) -> String {
    value.as_string().unwrap_or_else(|| format!("{value:?}"))
}

fn number(element: &Element, name: &str) -> f64 {
    element.get_attribute(name).and_then(|v| v.trim().parse().ok()).unwrap_or(0.0)
}

fn style(element: &Element, property: &str) -> String {
    web_sys::window()
        .and_then(|w| w.get_computed_style(element).ok().flatten())
        .and_then(|s| s.get_property_value(property).ok())
        .unwrap_or_default()
}

/// Pixels of a CSS length such as "1.5px" (0 when unreadable).
fn pixels(value: &str) -> f64 {
    value.trim().trim_end_matches("px").parse().unwrap_or(0.0)
}

/// Text with a dark outline, as the page shows it (paint-order stroke / text-shadow).
fn outlined_text(context: &CanvasRenderingContext2d, text: &str, x: f64, y: f64, colour: &str) {
    context.set_line_width(3.0);
    context.set_line_join("round");
    context.set_stroke_style_str("#000");
    let _ = context.stroke_text(text, x, y);
    context.set_fill_style_str(colour);
    let _ = context.fill_text(text, x, y);
}

/// Fills the current path when the element is filled (a derived object's closed contour).
fn fill_if_filled(context: &CanvasRenderingContext2d, element: &Element, fill: &str) {
    if fill.is_empty() || fill == "none" {
        return;
    }
    let opacity = style(element, "fill-opacity").trim().parse::<f64>().unwrap_or(1.0);
    if opacity <= 0.0 {
        return;
    }
    context.set_global_alpha(opacity);
    context.set_fill_style_str(fill);
    context.fill();
    context.set_global_alpha(1.0);
}

/// The SVG graphics of a pane (derived objects' graphics, then measurements), in CSS pixels.
fn draw_measurements(context: &CanvasRenderingContext2d, pane: &Element) -> Result<(), String> {
    // Derived objects' graphics first (they lie under the measurements on the page too).
    let shapes = pane
        .query_selector_all(
            "svg.derived-graphics polyline, svg.derived-graphics ellipse, svg.derived-graphics text, \
             svg.annotations line, svg.annotations polyline, svg.annotations rect, svg.annotations ellipse, \
             svg.annotations text",
        )
        .map_err(|e| js_text(&e))?;
    for index in 0..shapes.length() {
        let Some(element) = shapes.item(index).and_then(|n| n.dyn_into::<Element>().ok()) else { continue };
        let tag = element.tag_name().to_ascii_lowercase();
        let stroke = style(&element, "stroke");
        let fill = style(&element, "fill");
        context.set_stroke_style_str(&stroke);
        context.set_line_width(pixels(&style(&element, "stroke-width")).max(1.0));
        context.begin_path();
        match tag.as_str() {
            "line" => {
                context.move_to(number(&element, "x1"), number(&element, "y1"));
                context.line_to(number(&element, "x2"), number(&element, "y2"));
                context.stroke();
            }
            "polyline" => {
                let points = element.get_attribute("points").unwrap_or_default();
                for (i, pair) in points.split_whitespace().enumerate() {
                    let mut parts = pair.split(',').map(|v| v.parse::<f64>().unwrap_or(0.0));
                    let (x, y) = (parts.next().unwrap_or(0.0), parts.next().unwrap_or(0.0));
                    if i == 0 {
                        context.move_to(x, y);
                    } else {
                        context.line_to(x, y);
                    }
                }
                fill_if_filled(context, &element, &fill);
                context.stroke();
            }
            "rect" => {
                let (x, y, w, h) = (
                    number(&element, "x"),
                    number(&element, "y"),
                    number(&element, "width"),
                    number(&element, "height"),
                );
                if element.class_list().contains("label-plate") {
                    context.set_fill_style_str(&fill);
                    context.fill_rect(x, y, w, h);
                } else {
                    context.stroke_rect(x, y, w, h);
                }
            }
            "ellipse" => {
                let (cx, cy) = (number(&element, "cx"), number(&element, "cy"));
                let (rx, ry) = (number(&element, "rx"), number(&element, "ry"));
                context.ellipse(cx, cy, rx, ry, 0.0, 0.0, std::f64::consts::TAU).map_err(|e| js_text(&e))?;
                fill_if_filled(context, &element, &fill);
                context.stroke();
            }
            _ => {
                // <text> with <tspan x dy> lines.
                context.set_font(&css_font(&element));
                context.set_text_align("left");
                context.set_text_baseline("alphabetic");
                let mut y = number(&element, "y");
                let spans = element.query_selector_all("tspan").map_err(|e| js_text(&e))?;
                for i in 0..spans.length() {
                    let Some(span) = spans.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else { continue };
                    y += number(&span, "dy");
                    let text = span.text_content().unwrap_or_default();
                    outlined_text(context, &text, number(&span, "x"), y, &fill);
                }
            }
        }
    }
    Ok(())
}

/// The element's computed font as a Canvas2D font string (weight, size, family).
fn css_font(element: &Element) -> String {
    format!("{} {} {}", style(element, "font-weight"), style(element, "font-size"), style(element, "font-family"))
}

/// Corner lines and orientation letters at their places on the page.
fn draw_overlay_text(context: &CanvasRenderingContext2d, pane: &Element, origin: (f64, f64)) -> Result<(), String> {
    let texts = pane.query_selector_all(".overlay .corner > div, .overlay .edge").map_err(|e| js_text(&e))?;
    for index in 0..texts.length() {
        let Some(element) = texts.item(index).and_then(|n| n.dyn_into::<Element>().ok()) else { continue };
        let text = element.text_content().unwrap_or_default();
        if text.trim().is_empty() {
            continue;
        }
        let rect = element.get_bounding_client_rect();
        let (left, top) = (rect.left() - origin.0, rect.top() - origin.1);
        context.set_font(&css_font(&element));
        context.set_text_baseline("middle");
        let align = style(&element, "text-align");
        let x = match align.as_str() {
            "right" | "end" => left + rect.width(),
            "center" => left + rect.width() / 2.0,
            _ => left,
        };
        context.set_text_align(match align.as_str() {
            "right" | "end" => "right",
            "center" => "center",
            _ => "left",
        });
        outlined_text(context, text.trim(), x, top + rect.height() / 2.0, &style(&element, "color"));
    }
    Ok(())
}

/// The viewport `canvas` with everything drawn over it in its pane, as a PNG data URL at the
/// canvas's own resolution.
pub fn viewport_png(canvas: &HtmlCanvasElement) -> Result<String, String> {
    let document = web_sys::window().and_then(|w| w.document()).ok_or(tr("common.export.no_page"))?;
    let pane = canvas.parent_element().ok_or(tr("common.export.no_page"))?;
    let out: HtmlCanvasElement = document.create_element("canvas").map_err(|e| js_text(&e))?.unchecked_into();
    out.set_width(canvas.width());
    out.set_height(canvas.height());
    let context: CanvasRenderingContext2d = out
        .get_context("2d")
        .map_err(|e| js_text(&e))?
        .ok_or(tr("common.export.no_context"))?
        .dyn_into()
        .map_err(|_| tr("common.export.no_context").to_string())?;
    context.draw_image_with_html_canvas_element(canvas, 0.0, 0.0).map_err(|e| js_text(&e))?;
    let ratio = f64::from(canvas.width()) / f64::from(canvas.client_width().max(1));
    context.set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0).map_err(|e| js_text(&e))?;
    draw_measurements(&context, &pane)?;
    let frame = canvas.get_bounding_client_rect();
    draw_overlay_text(&context, &pane, (frame.left(), frame.top()))?;
    out.to_data_url_with_type("image/png").map_err(|e| js_text(&e))
}
