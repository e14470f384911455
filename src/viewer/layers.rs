//! What is drawn over a source frame besides its own overlay planes: pixel layers at the
//! frame's own resolution (segmentation fills, fused colour maps, shutters) and vector graphics
//! in image pixel coordinates (contours, report graphics, presentation-state annotations).
//! Both renderers draw the same thing: the CPU path composites [`RgbaLayer`] with
//! [`composite_layer`], the GPU path uploads it as a texture and blends it with the same
//! arithmetic; graphics are drawn as SVG over the canvas and into exported PNGs.

use std::collections::BTreeSet;

/// Largest layer accepted (pixels), the same bound as a decoded frame of 512 MB RGBA.
pub const MAX_LAYER_PIXELS: u64 = 1 << 27;

/// RGBA pixels (straight, not premultiplied, alpha) on the source frame's pixel grid.
#[derive(Clone, Debug, PartialEq)]
pub struct RgbaLayer {
    pub columns: u32,
    pub rows: u32,
    /// columns × rows × 4 bytes, rows top first.
    pub rgba: Vec<u8>,
}

impl RgbaLayer {
    /// A fully transparent layer, None when the size is zero or beyond [`MAX_LAYER_PIXELS`].
    pub fn transparent(columns: u32, rows: u32) -> Option<RgbaLayer> {
        let pixels = u64::from(columns) * u64::from(rows);
        if pixels == 0 || pixels > MAX_LAYER_PIXELS {
            return None;
        }
        Some(RgbaLayer { columns, rows, rgba: vec![0; pixels as usize * 4] })
    }

    /// Paints `rgb` at `opacity` (0..=1) over pixel (column, row), source-over.
    pub fn blend(&mut self, column: u32, row: u32, rgb: [u8; 3], opacity: f32) {
        if column >= self.columns || row >= self.rows {
            return;
        }
        let index = (row as usize * self.columns as usize + column as usize) * 4;
        if let Some(pixel) = self.rgba.get_mut(index..index + 4) {
            let source = [rgb[0], rgb[1], rgb[2], (opacity.clamp(0.0, 1.0) * 255.0).round() as u8];
            let out = over(source, [pixel[0], pixel[1], pixel[2], pixel[3]]);
            pixel.copy_from_slice(&out);
        }
    }

    /// Paints `other` (same size) over this layer; layers of another size are ignored.
    pub fn stack(&mut self, other: &RgbaLayer) {
        if (other.columns, other.rows) != (self.columns, self.rows) {
            return;
        }
        for (under, top) in self.rgba.chunks_exact_mut(4).zip(other.rgba.chunks_exact(4)) {
            if top[3] == 0 {
                continue;
            }
            let out = over([top[0], top[1], top[2], top[3]], [under[0], under[1], under[2], under[3]]);
            under.copy_from_slice(&out);
        }
    }

    /// Pixels with any opacity (a test hook: `data-layer-pixels`).
    pub fn covered(&self) -> usize {
        self.rgba.chunks_exact(4).filter(|p| p[3] != 0).count()
    }
}

/// Porter–Duff source-over of straight-alpha colours, rounded to bytes.
fn over(top: [u8; 4], under: [u8; 4]) -> [u8; 4] {
    let (ta, ua) = (f32::from(top[3]) / 255.0, f32::from(under[3]) / 255.0);
    let alpha = ta + ua * (1.0 - ta);
    if alpha <= 0.0 {
        return [0, 0, 0, 0];
    }
    let channel = |t: u8, u: u8| {
        let value = (f32::from(t) * ta + f32::from(u) * ua * (1.0 - ta)) / alpha;
        value.round().clamp(0.0, 255.0) as u8
    };
    [channel(top[0], under[0]), channel(top[1], under[1]), channel(top[2], under[2]), (alpha * 255.0).round() as u8]
}

/// Blends `layer` over an opaque rendered frame (`image`: RGBA, same size): for each pixel
/// out = round(image × (1 − a) + layer × a) with a = layer alpha / 255, the arithmetic the
/// GPU shader does. Layers of another size are ignored.
pub fn composite_layer(image: &mut [u8], layer: &RgbaLayer) {
    if image.len() != layer.rgba.len() {
        return;
    }
    for (pixel, top) in image.chunks_exact_mut(4).zip(layer.rgba.chunks_exact(4)) {
        blend_over(pixel, top);
    }
}

/// `composite_layer` onto an image sampled at `indices` (`viewer::screen_sampling`): pixel k of
/// `image` shows layer pixel `indices[k]` (none when that index is past the layer).
pub fn composite_layer_at(image: &mut [u8], layer: &RgbaLayer, indices: &[u32]) {
    for (pixel, index) in image.chunks_exact_mut(4).zip(indices) {
        let start = (*index as usize).checked_mul(4).unwrap_or(usize::MAX - 4);
        if let Some(top) = layer.rgba.get(start..start + 4) {
            blend_over(pixel, top);
        }
    }
}

/// One straight-alpha RGBA pixel over an opaque one.
fn blend_over(pixel: &mut [u8], top: &[u8]) {
    if top[3] == 0 {
        return;
    }
    let a = f32::from(top[3]) / 255.0;
    for channel in 0..3 {
        let value = f32::from(pixel[channel]) * (1.0 - a) + f32::from(top[channel]) * a;
        pixel[channel] = value.round().clamp(0.0, 255.0) as u8;
    }
}

/// A vector shape in image pixel coordinates (x = column, y = row; (0, 0) is the top-left
/// corner of the first pixel, so a pixel's centre is at +0.5).
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    /// Open or closed polyline / polygon.
    Polyline {
        points: Vec<(f64, f64)>,
        closed: bool,
    },
    /// A marker at one point.
    Point {
        at: (f64, f64),
    },
    Circle {
        center: (f64, f64),
        radius: f64,
    },
    /// An ellipse given by its major axis end points and minor axis end points (SR ELLIPSE,
    /// GSPS ELLIPSE).
    Ellipse {
        major: [(f64, f64); 2],
        minor: [(f64, f64); 2],
    },
    /// Text anchored at a point (its top-left corner in image pixels).
    Text {
        at: (f64, f64),
        text: String,
    },
}

/// One graphic to draw over a frame.
#[derive(Clone, Debug, PartialEq)]
pub struct Graphic {
    pub shape: Shape,
    pub rgb: [u8; 3],
    /// Stroke width in screen (CSS) pixels.
    pub width_px: f64,
    /// Fill closed shapes at this opacity (0 = outline only).
    pub fill_opacity: f32,
    /// A short label drawn beside the shape (ROI name, measurement).
    pub label: Option<String>,
    /// Which derived object drew it: its `data-derived-kind` and item number, for test hooks
    /// and for highlighting the row clicked in a panel.
    pub owner: (&'static str, u32),
    /// Drawn emphasised (the row selected in a panel).
    pub highlighted: bool,
}

/// Everything drawn over one frame.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FrameOverlays {
    /// Pixel layers, bottom first; the viewport stacks them into one.
    pub layers: Vec<RgbaLayer>,
    pub graphics: Vec<Graphic>,
    /// Display shutter (PS3.3 C.7.6.11): opaque where the image must not be seen.
    pub shutter: Option<RgbaLayer>,
}

impl FrameOverlays {
    pub fn is_empty(&self) -> bool {
        self.layers.is_empty() && self.graphics.is_empty() && self.shutter.is_none()
    }

    /// All pixel layers (shutter last) stacked into one, None when there are none.
    pub fn flattened(&self) -> Option<RgbaLayer> {
        let mut all = self.layers.iter().chain(self.shutter.as_ref());
        let mut out = all.next()?.clone();
        for layer in all {
            out.stack(layer);
        }
        Some(out)
    }
}

/// The user's choices for one derived object, set in its panel.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerStyle {
    /// Item numbers (segment number, ROI number, measurement group…) the user hid.
    pub hidden: BTreeSet<u32>,
    /// Fill opacity 0..=1.
    pub opacity: f32,
    pub fill: bool,
    pub outline: bool,
    /// The item selected in the panel, drawn emphasised.
    pub selected: Option<u32>,
}

impl Default for LayerStyle {
    fn default() -> LayerStyle {
        LayerStyle { hidden: BTreeSet::new(), opacity: 0.5, fill: true, outline: true, selected: None }
    }
}

impl LayerStyle {
    pub fn shows(&self, item: u32) -> bool {
        !self.hidden.contains(&item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compositing_matches_the_shader_formula() {
        let mut layer = RgbaLayer::transparent(2, 1).unwrap();
        layer.blend(0, 0, [255, 0, 0], 0.5);
        layer.blend(5, 5, [255, 0, 0], 1.0); // outside: ignored
        let mut image = vec![100, 100, 100, 255, 100, 100, 100, 255];
        composite_layer(&mut image, &layer);
        // a = 128/255: 100 × (1 − a) + 255 × a = 177.8 → 178; 100 × (1 − a) = 49.8 → 50.
        assert_eq!(&image[..4], &[178, 50, 50, 255]);
        assert_eq!(&image[4..], &[100, 100, 100, 255], "transparent pixels leave the image alone");
        assert_eq!(layer.covered(), 1);
    }

    #[test]
    fn stacking_is_source_over() {
        let mut bottom = RgbaLayer::transparent(1, 1).unwrap();
        bottom.blend(0, 0, [0, 0, 255], 1.0);
        let mut top = RgbaLayer::transparent(1, 1).unwrap();
        top.blend(0, 0, [255, 0, 0], 0.5);
        bottom.stack(&top);
        assert_eq!(bottom.rgba, vec![128, 0, 127, 255]);
        assert!(RgbaLayer::transparent(0, 5).is_none());
    }
}
