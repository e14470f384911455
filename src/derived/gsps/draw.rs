//! What a presentation state draws over a frame (PS3.3 C.10.5 graphic annotations on their
//! C.10.7 layers, C.11.7 overlays activated on a layer, C.7.6.11 / C.7.6.15 display shutters).

use super::view::DisplayGeometry;
use super::{applies, GraphicObject, GraphicType, PresentationState, ShutterShape, TextObject};
use crate::derived::SourceFrame;
use crate::dicom::overlay::{overlay_mask, EmbeddedOverlays};
use crate::viewer::layers::{FrameOverlays, Graphic, LayerStyle, RgbaLayer, Shape};

/// Colour of annotations on a layer that recommends none (white, as overlays are drawn).
pub const DEFAULT_RGB: [u8; 3] = [255, 255, 255];
/// The kind name graphics carry (`data-derived-kind`).
const KIND: &str = "gsps";

impl PresentationState {
    /// Adds what this state draws on `frame`: its annotations as graphics, its activated
    /// overlay planes as a pixel layer, its shutter. Nothing when it does not apply to `frame`.
    pub fn draw_on(&self, frame: &SourceFrame, style: &LayerStyle, out: &mut FrameOverlays) {
        if !self.applies_to(&frame.sop_instance_uid, frame.frame_number) {
            return;
        }
        let geometry = self.display_geometry(&frame.sop_instance_uid, frame.frame_number, frame.columns, frame.rows);
        let mut annotations: Vec<_> = self
            .annotations
            .iter()
            .filter(|a| applies(&a.images, &frame.sop_instance_uid, frame.frame_number))
            .map(|a| (self.layer(&a.layer), a))
            .collect();
        annotations.sort_by_key(|(layer, _)| layer.map_or(i64::MAX, |(_, l)| l.order));
        for (layer, annotation) in annotations {
            let item = layer.map_or(0, |(item, _)| item);
            if !style.shows(item) {
                continue;
            }
            let rgb = layer.map_or(DEFAULT_RGB, |(_, l)| l.rgb(DEFAULT_RGB));
            let graphic = |shape: Shape, fill: bool| Graphic {
                shape,
                rgb,
                width_px: 2.0,
                fill_opacity: if fill && style.fill { style.opacity } else { 0.0 },
                label: None,
                owner: (KIND, item),
                highlighted: style.selected == Some(item),
            };
            for object in &annotation.graphics {
                for shape in graphic_shapes(object, &geometry) {
                    out.graphics.push(graphic(shape, object.filled));
                }
            }
            for text in &annotation.texts {
                for shape in text_shapes(text, &geometry) {
                    out.graphics.push(graphic(shape, false));
                }
            }
        }
        if let Some(layer) = self.overlay_layer(frame, style) {
            out.layers.push(layer);
        }
        if let Some(shutter) = self.shutter_layer(frame) {
            out.shutter = Some(shutter);
        }
    }

    /// The state's overlay planes activated on a shown layer, in each layer's colour.
    fn overlay_layer(&self, frame: &SourceFrame, style: &LayerStyle) -> Option<RgbaLayer> {
        let mut out: Option<RgbaLayer> = None;
        for overlay in &self.overlays {
            let Some(name) = &overlay.layer else { continue };
            let layer = self.layer(name);
            if !style.shows(layer.map_or(0, |(item, _)| item)) {
                continue;
            }
            let rgb = layer.map_or(DEFAULT_RGB, |(_, l)| l.rgb(DEFAULT_RGB));
            let planes = std::slice::from_ref(&overlay.plane);
            let image_frame = frame.frame_number.saturating_sub(1);
            let Some(mask) = overlay_mask(planes, &EmbeddedOverlays::default(), image_frame, frame.columns, frame.rows)
            else {
                continue;
            };
            if out.is_none() {
                out = RgbaLayer::transparent(frame.columns, frame.rows);
            }
            if let Some(target) = out.as_mut() {
                paint_mask(target, &mask.covered, rgb);
            }
        }
        out
    }

    /// The display shutter of this frame: opaque shutter colour outside the visible region
    /// (inside every shape, outside the bitmap's set bits). None without a shutter.
    pub fn shutter_layer(&self, frame: &SourceFrame) -> Option<RgbaLayer> {
        if self.shutter.is_empty() {
            return None;
        }
        let mut layer = RgbaLayer::transparent(frame.columns, frame.rows)?;
        let rgb = self.shutter.rgb();
        let bitmap = self.shutter.bitmap_group.and_then(|group| {
            let plane = self.overlays.iter().find(|o| o.plane.group == group)?;
            let image_frame = frame.frame_number.saturating_sub(1);
            overlay_mask(
                std::slice::from_ref(&plane.plane),
                &EmbeddedOverlays::default(),
                image_frame,
                frame.columns,
                frame.rows,
            )
        });
        let columns = frame.columns as usize;
        for (index, pixel) in layer.rgba.chunks_exact_mut(4).enumerate() {
            // Pixel centres in 1-based (column, row) image coordinates.
            let (column, row) = ((index % columns) as f64 + 1.0, (index / columns) as f64 + 1.0);
            let outside = self.shutter.shapes.iter().any(|shape| !inside(shape, column, row))
                || bitmap.as_ref().is_some_and(|m| m.covered.get(index).is_some_and(|c| *c != 0));
            if outside {
                pixel.copy_from_slice(&[rgb[0], rgb[1], rgb[2], 255]);
            }
        }
        Some(layer)
    }
}

fn paint_mask(target: &mut RgbaLayer, covered: &[u8], rgb: [u8; 3]) {
    for (pixel, set) in target.rgba.chunks_exact_mut(4).zip(covered) {
        if *set != 0 {
            pixel.copy_from_slice(&[rgb[0], rgb[1], rgb[2], 255]);
        }
    }
}

/// Whether the pixel centred at (column, row), 1-based, is inside a shutter's opening
/// (C.7.6.11.1: edges and vertices are pixel positions; the edges are inside).
fn inside(shape: &ShutterShape, column: f64, row: f64) -> bool {
    match shape {
        ShutterShape::Rectangular { left, right, upper, lower } => {
            (*left as f64..=*right as f64).contains(&column) && (*upper as f64..=*lower as f64).contains(&row)
        }
        ShutterShape::Circular { center, radius } => {
            let (dr, dc) = (row - center.0 as f64, column - center.1 as f64);
            dr * dr + dc * dc <= (*radius as f64) * (*radius as f64)
        }
        ShutterShape::Polygonal { vertices } => {
            // Even–odd rule on (row, column) vertices.
            let mut inside = false;
            let n = vertices.len();
            for i in 0..n {
                let (ri, ci) = (vertices[i].0 as f64, vertices[i].1 as f64);
                let (rj, cj) = (vertices[(i + n - 1) % n].0 as f64, vertices[(i + n - 1) % n].1 as f64);
                if (ri > row) != (rj > row) && column < (cj - ci) * (row - ri) / (rj - ri) + ci {
                    inside = !inside;
                }
            }
            inside
        }
    }
}

/// A graphic object as shapes in image pixel coordinates.
pub fn graphic_shapes(object: &GraphicObject, geometry: &DisplayGeometry) -> Vec<Shape> {
    let points: Vec<(f64, f64)> = object.points.iter().map(|p| geometry.to_image(object.units, *p)).collect();
    match object.kind {
        GraphicType::Point => points.into_iter().map(|at| Shape::Point { at }).collect(),
        GraphicType::Polyline | GraphicType::Interpolated => {
            let closed = points.len() > 2 && points.first() == points.last();
            vec![Shape::Polyline { points, closed }]
        }
        GraphicType::Circle => match points.as_slice() {
            [center, edge, ..] => {
                vec![Shape::Circle { center: *center, radius: (edge.0 - center.0).hypot(edge.1 - center.1) }]
            }
            _ => Vec::new(),
        },
        GraphicType::Ellipse => match points.as_slice() {
            [a, b, c, d, ..] => vec![Shape::Ellipse { major: [*a, *b], minor: [*c, *d] }],
            _ => Vec::new(),
        },
    }
}

/// A text object: the text at its bounding box's top-left corner (else at its anchor), and a
/// line from a visible anchor to the nearest point of the box.
pub fn text_shapes(text: &TextObject, geometry: &DisplayGeometry) -> Vec<Shape> {
    let mut shapes = Vec::new();
    let corners = text.bounding_box.map(|(units, a, b)| (geometry.to_image(units, a), geometry.to_image(units, b)));
    let anchor = text.anchor.map(|(units, at, visible)| (geometry.to_image(units, at), visible));
    let at = match (corners, anchor) {
        (Some((a, b)), _) => (a.0.min(b.0), a.1.min(b.1)),
        (None, Some((at, _))) => at,
        (None, None) => return shapes,
    };
    if !text.text.is_empty() {
        shapes.push(Shape::Text { at, text: text.text.clone() });
    }
    if let (Some((a, b)), Some((point, true))) = (corners, anchor) {
        let nearest = (point.0.clamp(a.0.min(b.0), a.0.max(b.0)), point.1.clamp(a.1.min(b.1), a.1.max(b.1)));
        if nearest != point {
            shapes.push(Shape::Polyline { points: vec![point, nearest], closed: false });
        }
    }
    shapes
}
