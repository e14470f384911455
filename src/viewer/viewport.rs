//! Where an image sits on a canvas: the fit scale, image ↔ canvas mapping, and the matrices a
//! 2-D canvas or a WebGL shader needs (zoom about a point and pinch are in `gesture.rs`).
//!
//! Image coordinates are continuous image pixels: (0, 0) is the top-left corner of the first
//! stored pixel, pixel (i, j) covers [i, i+1) × [j, j+1) and its centre is (i + 0.5, j + 0.5).
//! Canvas coordinates are backing-store pixels of the canvas, (0, 0) top-left, y down.
//!
//! Non-square pixels (PS3.3 C.7.6.3.1.7 Pixel Aspect Ratio, C.8 Pixel Spacing row\column) are
//! shown with their true shape: one image row is `pixel_aspect` = row spacing / column spacing
//! times as tall on screen as one column is wide.

use super::transform::{Affine, ViewTransform};

/// One image on one canvas, with the user's transform.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Viewport {
    columns: f64,
    rows: f64,
    pixel_aspect: f64,
    canvas_width: f64,
    canvas_height: f64,
    pub transform: ViewTransform,
}

impl Viewport {
    /// Sizes below 1 are taken as 1, and an aspect that is not a positive finite number as 1
    /// (the aspect is clamped to 1/1000..=1000), so the mapping is always invertible.
    pub fn new(columns: u32, rows: u32, pixel_aspect: f64, canvas_width: f64, canvas_height: f64) -> Viewport {
        let pixel_aspect =
            if pixel_aspect.is_finite() && pixel_aspect > 0.0 { pixel_aspect.clamp(1e-3, 1e3) } else { 1.0 };
        let mut viewport = Viewport {
            columns: f64::from(columns.max(1)),
            rows: f64::from(rows.max(1)),
            pixel_aspect,
            canvas_width: 1.0,
            canvas_height: 1.0,
            transform: ViewTransform::default(),
        };
        viewport.set_canvas_size(canvas_width, canvas_height);
        viewport
    }

    pub fn set_canvas_size(&mut self, width: f64, height: f64) {
        self.canvas_width = if width.is_finite() { width.max(1.0) } else { 1.0 };
        self.canvas_height = if height.is_finite() { height.max(1.0) } else { 1.0 };
    }

    pub fn canvas_size(&self) -> (f64, f64) {
        (self.canvas_width, self.canvas_height)
    }

    /// Canvas pixels per image column at zoom 1: the largest scale at which the (rotated,
    /// aspect-corrected) image fits inside the canvas.
    pub fn fit_scale(&self) -> f64 {
        let (width, height) = (self.columns, self.rows * self.pixel_aspect);
        let (width, height) = if self.transform.rotation % 2 == 1 { (height, width) } else { (width, height) };
        (self.canvas_width / width).min(self.canvas_height / height)
    }

    /// Canvas pixels per image column at the current zoom.
    pub fn scale(&self) -> f64 {
        self.fit_scale() * self.transform.effective_zoom()
    }

    fn canvas_centre(&self) -> (f64, f64) {
        (self.canvas_width / 2.0 + self.transform.pan.0, self.canvas_height / 2.0 + self.transform.pan.1)
    }

    /// canvas = centre + pan + scale · (flip · rotation) · (x − columns/2, (y − rows/2) · aspect).
    pub fn image_to_canvas_affine(&self) -> Affine {
        let m = self.transform.orientation_matrix();
        let scale = self.scale();
        let (a, b) = (scale * m[0][0], scale * m[1][0]);
        let (c, d) = (scale * m[0][1] * self.pixel_aspect, scale * m[1][1] * self.pixel_aspect);
        let (centre_x, centre_y) = self.canvas_centre();
        let (half_columns, half_rows) = (self.columns / 2.0, self.rows / 2.0);
        Affine {
            a,
            b,
            c,
            d,
            e: centre_x - (a * half_columns + c * half_rows),
            f: centre_y - (b * half_columns + d * half_rows),
        }
    }

    /// The exact inverse, built the same way backwards (the orientation matrix's inverse is its
    /// transpose): image = (columns/2, rows/2) + diag(1, 1/aspect) · mᵀ · (p − centre − pan) / scale.
    pub fn canvas_to_image_affine(&self) -> Affine {
        let m = self.transform.orientation_matrix();
        let scale = self.scale();
        let (a, c) = (m[0][0] / scale, m[1][0] / scale);
        let (b, d) = (m[0][1] / (scale * self.pixel_aspect), m[1][1] / (scale * self.pixel_aspect));
        let (centre_x, centre_y) = self.canvas_centre();
        Affine {
            a,
            b,
            c,
            d,
            e: self.columns / 2.0 - (a * centre_x + c * centre_y),
            f: self.rows / 2.0 - (b * centre_x + d * centre_y),
        }
    }

    pub fn image_to_canvas(&self, point: (f64, f64)) -> (f64, f64) {
        self.image_to_canvas_affine().apply(point)
    }

    pub fn canvas_to_image(&self, point: (f64, f64)) -> (f64, f64) {
        self.canvas_to_image_affine().apply(point)
    }

    pub fn reset(&mut self) {
        self.transform = ViewTransform::default();
    }

    /// Column-major 3×3 for a WebGL fragment shader: `(u_matrix * vec3(clip, 1.0)).xy` is the
    /// texture coordinate (s, t) of the image point shown at `clip`. Clip space is the canvas as
    /// WebGL sees it: x −1 (left edge) … 1 (right edge), y −1 (bottom) … 1 (top). Texture space
    /// has (0, 0) at the top-left corner of the first stored pixel and (1, 1) at the bottom-right
    /// corner of the last, i.e. the image uploaded row by row with UNPACK_FLIP_Y_WEBGL off; s or
    /// t outside 0..1 is outside the image (draw the background there).
    pub fn matrix_for_gl(&self) -> [f32; 9] {
        let (width, height) = (self.canvas_width, self.canvas_height);
        let clip_to_canvas =
            Affine { a: width / 2.0, b: 0.0, c: 0.0, d: -height / 2.0, e: width / 2.0, f: height / 2.0 };
        let image_to_texture = Affine { a: 1.0 / self.columns, b: 0.0, c: 0.0, d: 1.0 / self.rows, e: 0.0, f: 0.0 };
        clip_to_canvas.then(&self.canvas_to_image_affine()).then(&image_to_texture).to_column_major()
    }

    /// The canvas pixels the image covers: (x, y, width, height) of the smallest whole-pixel box
    /// holding its four corners, clipped to the canvas (y down from the top); None when the image
    /// lies wholly outside. A renderer shades only these pixels and clears the rest to black.
    pub fn image_box_on_canvas(&self) -> Option<(u32, u32, u32, u32)> {
        let corners = [(0.0, 0.0), (self.columns, 0.0), (0.0, self.rows), (self.columns, self.rows)]
            .map(|p| self.image_to_canvas(p));
        let (mut left, mut top, mut right, mut bottom) =
            (f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY);
        for (x, y) in corners {
            left = left.min(x);
            right = right.max(x);
            top = top.min(y);
            bottom = bottom.max(y);
        }
        let left = left.floor().max(0.0);
        let top = top.floor().max(0.0);
        let right = right.ceil().min(self.canvas_width.floor());
        let bottom = bottom.ceil().min(self.canvas_height.floor());
        if !(right > left && bottom > top) {
            return None;
        }
        Some((left as u32, top as u32, (right - left) as u32, (bottom - top) as u32))
    }

    /// [a, b, c, d, e, f] for CanvasRenderingContext2D.setTransform, after which drawing the
    /// image (one unit per image pixel) at (0, 0) puts it where `image_to_canvas` says.
    pub fn canvas_2d_transform(&self) -> [f64; 6] {
        self.image_to_canvas_affine().to_array()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: (f64, f64), expected: (f64, f64)) -> bool {
        (actual.0 - expected.0).abs() < 1e-9 && (actual.1 - expected.1).abs() < 1e-9
    }

    #[test]
    fn the_image_box_covers_the_image_and_is_clipped_to_the_canvas() {
        // 4000 × 5000 on 1024 × 1250: fit 0.25, the image 1000 wide centred: x 12..1012, y 0..1250.
        let mut viewport = Viewport::new(4000, 5000, 1.0, 1024.0, 1250.0);
        assert_eq!(viewport.image_box_on_canvas(), Some((12, 0, 1000, 1250)));
        // Panned mostly out to the left: x from 0 (clipped) to 1012 − 800 = 212.
        viewport.transform.pan = (-800.0, 0.0);
        assert_eq!(viewport.image_box_on_canvas(), Some((0, 0, 212, 1250)));
        // Fractional edges widen the box to whole pixels: 3 × 3 at scale 100/3 on 100 × 100 is
        // exactly the canvas; panned by 0.5 it covers 0.5..100.5 → 0..100 (clipped).
        let mut small = Viewport::new(3, 3, 1.0, 100.0, 100.0);
        small.transform.pan = (0.5, 0.5);
        assert_eq!(small.image_box_on_canvas(), Some((0, 0, 100, 100)));
        // Wholly outside.
        viewport.transform.pan = (-5000.0, 0.0);
        assert_eq!(viewport.image_box_on_canvas(), None);
    }

    #[test]
    fn fit_centres_a_wide_image() {
        // 512×256 on 1024×1024: fit = min(1024/512, 1024/256) = 2; image centre (256, 128) →
        // canvas centre (512, 512); corner (0, 0) → (512 − 2·256, 512 − 2·128) = (0, 256).
        let viewport = Viewport::new(512, 256, 1.0, 1024.0, 1024.0);
        assert_eq!(viewport.fit_scale(), 2.0);
        assert!(close(viewport.image_to_canvas((0.0, 0.0)), (0.0, 256.0)));
        assert!(close(viewport.image_to_canvas((512.0, 256.0)), (1024.0, 768.0)));
    }

    #[test]
    fn non_square_pixels_keep_their_shape() {
        // 100×100 pixels, row spacing 2 mm, column spacing 1 mm: shown 100 wide, 200 tall.
        // Canvas 400×400: fit = min(400/100, 400/200) = 2. Pixel (10, 10)'s centre (10.5, 10.5) →
        // (200 + 2·(10.5 − 50), 200 + 2·2·(10.5 − 50)) = (121, 42).
        let viewport = Viewport::new(100, 100, 2.0, 400.0, 400.0);
        assert!(close(viewport.image_to_canvas((0.0, 0.0)), (100.0, 0.0)));
        assert!(close(viewport.image_to_canvas((10.5, 10.5)), (121.0, 42.0)));
        // setTransform: x scale 2, y scale 2·2 = 4, e = 200 − 2·50 = 100, f = 200 − 4·50 = 0.
        assert_eq!(viewport.canvas_2d_transform(), [2.0, 0.0, 0.0, 4.0, 100.0, 0.0]);
    }

    #[test]
    fn rotation_and_flip_move_the_first_pixel() {
        // Rotated 90° clockwise the 512×256 image is 256 wide and 512 tall: fit 2 again. Corner
        // (0, 0) centred is (−256, −128); clockwise (u, v) → (−v, u) = (128, −256); ×2 + 512 →
        // (768, 0): the top-left corner moves to the top-right, as a clockwise turn should.
        let mut viewport = Viewport::new(512, 256, 1.0, 1024.0, 1024.0);
        viewport.transform.rotation = 1;
        assert!(close(viewport.image_to_canvas((0.0, 0.0)), (768.0, 0.0)));
        // Unrotated but flipped horizontally: (0, 0) → (1024, 256).
        viewport.transform.rotation = 0;
        viewport.transform.flip_horizontal = true;
        assert!(close(viewport.image_to_canvas((0.0, 0.0)), (1024.0, 256.0)));
    }

    #[test]
    fn canvas_to_image_inverts_every_orientation() {
        for rotation in 0..4 {
            for flips in 0..4 {
                let mut viewport = Viewport::new(300, 200, 0.75, 640.0, 480.0);
                viewport.transform = ViewTransform {
                    zoom: 1.7,
                    pan: (-33.0, 12.5),
                    rotation,
                    flip_horizontal: flips & 1 == 1,
                    flip_vertical: flips & 2 == 2,
                };
                for point in [(0.0, 0.0), (299.5, 0.5), (12.25, 187.0), (300.0, 200.0)] {
                    assert!(close(viewport.canvas_to_image(viewport.image_to_canvas(point)), point));
                    assert!(close(viewport.image_to_canvas(viewport.canvas_to_image(point)), point));
                }
            }
        }
    }

    #[test]
    fn gl_matrix_maps_clip_corners_like_canvas_to_image() {
        let apply = |m: &[f32; 9], x: f64, y: f64| {
            let m = m.map(f64::from);
            (m[0] * x + m[3] * y + m[6], m[1] * x + m[4] * y + m[7])
        };
        // Unrotated 512×256 on 1024×1024: clip (−1, 1) is canvas (0, 0) = image (0, −128) =
        // texture (0, −0.5); clip (1, −1) is canvas (1024, 1024) = image (512, 384) = (1, 1.5).
        let viewport = Viewport::new(512, 256, 1.0, 1024.0, 1024.0);
        let m = viewport.matrix_for_gl();
        assert!(close(apply(&m, -1.0, 1.0), (0.0, -0.5)));
        assert!(close(apply(&m, 1.0, -1.0), (1.0, 1.5)));

        let mut viewport = Viewport::new(300, 200, 0.75, 640.0, 480.0);
        viewport.transform =
            ViewTransform { zoom: 2.5, pan: (40.0, -25.0), rotation: 3, flip_horizontal: true, flip_vertical: false };
        let m = viewport.matrix_for_gl();
        for (clip, canvas) in [
            ((-1.0, 1.0), (0.0, 0.0)),
            ((1.0, 1.0), (640.0, 0.0)),
            ((-1.0, -1.0), (0.0, 480.0)),
            ((1.0, -1.0), (640.0, 480.0)),
        ] {
            let (s, t) = apply(&m, clip.0, clip.1);
            let (x, y) = viewport.canvas_to_image(canvas);
            assert!((s - x / 300.0).abs() < 1e-5 && (t - y / 200.0).abs() < 1e-5, "{clip:?}");
        }
    }
}
