//! Which image pixel each canvas pixel shows, for drawing a large image at screen resolution on
//! the CPU (Canvas2D path): rendering only those pixels costs the canvas's size, not the
//! image's (a 4000 × 5000 mammogram on a 1400 × 900 canvas is 16× fewer pixels), and a window
//! drag re-renders only them.
//!
//! The rule is nearest-neighbour sampling as an unsmoothed `drawImage` does it: canvas pixel
//! (x, y) shows the image pixel containing `canvas_to_image(x + 0.5, y + 0.5)` (its centre),
//! nothing (black) when that point lies outside the image. Coordinates as in `viewport.rs`.

use super::viewport::Viewport;

/// The index of a canvas pixel that shows no image pixel.
pub const OUTSIDE: u32 = u32::MAX;

/// Canvas pixels beyond which no sampling is made (a 16k × 16k canvas; browsers cap lower).
const MAX_CANVAS_PIXELS: u64 = 1 << 28;

/// For each canvas pixel, row after row, the index (row · columns + column) of the image pixel it
/// shows, or `OUTSIDE`.
#[derive(Debug, Clone, PartialEq)]
pub struct ScreenSampling {
    pub width: u32,
    pub height: u32,
    pub indices: Vec<u32>,
}

impl ScreenSampling {
    /// Whether drawing at screen resolution costs less than rendering the whole image: the image
    /// has more pixels than the canvas.
    pub fn pays(columns: u32, rows: u32, width: u32, height: u32) -> bool {
        u64::from(columns) * u64::from(rows) > u64::from(width) * u64::from(height)
    }

    /// The sampling of a `columns × rows` image placed by `viewport` on a `width × height`
    /// canvas. None when the canvas is empty or absurdly large, or the image has more pixels
    /// than a u32 index can name.
    pub fn of(viewport: &Viewport, columns: u32, rows: u32, width: u32, height: u32) -> Option<ScreenSampling> {
        let canvas_pixels = u64::from(width) * u64::from(height);
        if canvas_pixels == 0 || canvas_pixels > MAX_CANVAS_PIXELS {
            return None;
        }
        if u64::from(columns) * u64::from(rows) >= u64::from(OUTSIDE) {
            return None;
        }
        let map = viewport.canvas_to_image_affine();
        let (columns_f, rows_f) = (f64::from(columns), f64::from(rows));
        let mut indices = Vec::with_capacity(canvas_pixels as usize);
        for y in 0..height {
            let cy = f64::from(y) + 0.5;
            let (row_u, row_v) = (map.c * cy + map.e, map.d * cy + map.f);
            for x in 0..width {
                let cx = f64::from(x) + 0.5;
                let (u, v) = (map.a * cx + row_u, map.b * cx + row_v);
                let inside = u >= 0.0 && v >= 0.0 && u < columns_f && v < rows_f;
                indices.push(if inside { v as u32 * columns + u as u32 } else { OUTSIDE });
            }
        }
        Some(ScreenSampling { width, height, indices })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::viewer::transform::ViewTransform;

    /// The pixel a canvas pixel shows, worked out directly from the viewport's point mapping.
    fn expected(viewport: &Viewport, columns: u32, rows: u32, x: u32, y: u32) -> u32 {
        let (u, v) = viewport.canvas_to_image((f64::from(x) + 0.5, f64::from(y) + 0.5));
        if u < 0.0 || v < 0.0 || u >= f64::from(columns) || v >= f64::from(rows) {
            OUTSIDE
        } else {
            v.floor() as u32 * columns + u.floor() as u32
        }
    }

    fn check(viewport: &Viewport, columns: u32, rows: u32, width: u32, height: u32) {
        let sampling = ScreenSampling::of(viewport, columns, rows, width, height).expect("a sampling");
        assert_eq!(sampling.indices.len(), (width * height) as usize);
        for y in 0..height {
            for x in 0..width {
                assert_eq!(
                    sampling.indices[(y * width + x) as usize],
                    expected(viewport, columns, rows, x, y),
                    "canvas pixel ({x}, {y})"
                );
            }
        }
    }

    #[test]
    fn a_fitted_image_scaled_down_samples_pixel_centres() {
        // 400 × 500 on 100 × 100: fit scale 0.2, the image 80 wide, centred (10 px bars left and
        // right). Canvas pixel (10, 0) centre (10.5, 0.5) → image ((10.5 − 10) / 0.2, 0.5 / 0.2)
        // = (2.5, 2.5): pixel (2, 2), index 2·400 + 2.
        let viewport = Viewport::new(400, 500, 1.0, 100.0, 100.0);
        let sampling = ScreenSampling::of(&viewport, 400, 500, 100, 100).expect("a sampling");
        assert_eq!(sampling.indices[10], 2 * 400 + 2);
        assert_eq!(sampling.indices[9], OUTSIDE);
        assert_eq!(sampling.indices[90], OUTSIDE);
        check(&viewport, 400, 500, 100, 100);
    }

    #[test]
    fn zoomed_panned_rotated_and_flipped_views_match_the_point_mapping() {
        for rotation in 0..4 {
            for flip in [false, true] {
                let mut viewport = Viewport::new(300, 200, 1.25, 64.0, 48.0);
                viewport.transform = ViewTransform {
                    zoom: 3.0,
                    pan: (7.0, -5.0),
                    rotation,
                    flip_horizontal: flip,
                    ..ViewTransform::default()
                };
                check(&viewport, 300, 200, 64, 48);
            }
        }
    }

    /// Rendering at the sampled pixels (with a layer and an overlay composited there) equals
    /// rendering the whole image, compositing, and picking those pixels.
    #[test]
    fn rendering_at_the_samples_equals_picking_from_the_whole_render() {
        use crate::api::RenderOptions;
        use crate::dicom::overlay::{composite_overlay, composite_overlay_at, OverlayMask, OVERLAY_RGBA};
        use crate::dicom::DicomImage;
        use crate::viewer::layers::{composite_layer, composite_layer_at, RgbaLayer};
        let (columns, rows) = (120u32, 90u32);
        let bytes = crate::samples::mammogram::mammogram_file(columns, rows).expect("written");
        let image = DicomImage::parse(&bytes).expect("parsed");
        let frame = image.decode_frame(0).expect("decoded");
        let pixels = (columns * rows) as usize;
        let layer = RgbaLayer {
            columns,
            rows,
            rgba: (0..pixels).flat_map(|i| [200, 30, 10, if i % 7 == 0 { 128 } else { 0 }]).collect(),
        };
        let mask = OverlayMask { columns, rows, covered: (0..pixels).map(|i| u8::from(i % 11 == 0)).collect() };
        let mut viewport = Viewport::new(columns, rows, 1.0, 50.0, 40.0);
        viewport.transform = ViewTransform { zoom: 1.2, pan: (3.0, 2.0), rotation: 1, ..ViewTransform::default() };
        for window in [None, Some((6000.0, 3000.0))] {
            let options = RenderOptions { window, ..RenderOptions::default() };
            let sampling = ScreenSampling::of(&viewport, columns, rows, 50, 40).expect("a sampling");
            let mut whole = image.render(0, &frame, &options).rgba;
            composite_layer(&mut whole, &layer);
            composite_overlay(&mut whole, &mask, OVERLAY_RGBA);
            let mut sampled = image.render_at(0, &frame, &options, &sampling.indices);
            composite_layer_at(&mut sampled, &layer, &sampling.indices);
            composite_overlay_at(&mut sampled, &mask, OVERLAY_RGBA, &sampling.indices);
            let mut inside = 0;
            for (k, index) in sampling.indices.iter().enumerate() {
                let shown = &sampled[k * 4..k * 4 + 4];
                if *index == OUTSIDE {
                    assert_eq!(shown, [0, 0, 0, 255], "canvas pixel {k} lies outside the image");
                } else {
                    inside += 1;
                    let i = *index as usize * 4;
                    assert_eq!(shown, &whole[i..i + 4], "canvas pixel {k} shows image pixel {index}");
                }
            }
            assert!(inside > 500 && inside < 2000, "{inside} canvas pixels inside");
        }
    }

    #[test]
    fn pays_only_for_images_larger_than_the_canvas() {
        assert!(ScreenSampling::pays(4000, 5000, 1400, 900));
        assert!(!ScreenSampling::pays(512, 512, 1400, 900));
    }

    #[test]
    fn empty_or_absurd_canvases_give_none() {
        let viewport = Viewport::new(10, 10, 1.0, 10.0, 10.0);
        assert!(ScreenSampling::of(&viewport, 10, 10, 0, 10).is_none());
        assert!(ScreenSampling::of(&viewport, 10, 10, 100_000, 100_000).is_none());
        assert!(ScreenSampling::of(&viewport, 70_000, 70_000, 10, 10).is_none());
    }
}
