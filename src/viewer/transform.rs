//! How the user has moved the image: zoom, pan, quarter-turn rotation and flips, plus the 2-D
//! affine map type the viewport builds from them (see `viewport.rs`).
//!
//! Order of operations, from image to screen: centre the image, apply the pixel aspect, rotate
//! clockwise by `rotation` quarter turns, then flip on screen (a horizontal flip always mirrors
//! what the user sees left–right, whatever the rotation), scale, and pan.

/// The user's view of one image. `Default` is the reset state: fit, centred, upright, unflipped.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ViewTransform {
    /// Magnification relative to "fit" (1.0 shows the whole image as large as the canvas allows);
    /// used clamped to `MIN_ZOOM..=MAX_ZOOM`.
    pub zoom: f64,
    /// Shift of the image centre from the canvas centre, in canvas pixels (x right, y down).
    pub pan: (f64, f64),
    /// Quarter turns clockwise as seen on screen (only the value modulo 4 matters).
    pub rotation: u8,
    /// Mirror left–right on screen, applied after the rotation.
    pub flip_horizontal: bool,
    /// Mirror top–bottom on screen, applied after the rotation.
    pub flip_vertical: bool,
}

impl Default for ViewTransform {
    fn default() -> Self {
        ViewTransform { zoom: 1.0, pan: (0.0, 0.0), rotation: 0, flip_horizontal: false, flip_vertical: false }
    }
}

impl ViewTransform {
    pub const MIN_ZOOM: f64 = 0.01;
    pub const MAX_ZOOM: f64 = 100.0;

    /// The zoom actually used: clamped, and 1.0 if not a finite number.
    pub fn effective_zoom(&self) -> f64 {
        if self.zoom.is_finite() {
            self.zoom.clamp(Self::MIN_ZOOM, Self::MAX_ZOOM)
        } else {
            1.0
        }
    }

    pub fn rotate_clockwise(&mut self) {
        self.rotation = (self.rotation % 4 + 1) % 4;
    }

    pub fn rotate_counter_clockwise(&mut self) {
        self.rotation = (self.rotation % 4 + 3) % 4;
    }

    /// The signed permutation matrix `[[m00, m01], [m10, m11]]` taking a direction in (centred,
    /// aspect-corrected) image space, x right and y down, to the screen: flip · rotation.
    /// A clockwise quarter turn with y down maps (u, v) to (−v, u).
    pub fn orientation_matrix(&self) -> [[f64; 2]; 2] {
        let rotation = match self.rotation % 4 {
            0 => [[1.0, 0.0], [0.0, 1.0]],
            1 => [[0.0, -1.0], [1.0, 0.0]],
            2 => [[-1.0, 0.0], [0.0, -1.0]],
            _ => [[0.0, 1.0], [-1.0, 0.0]],
        };
        let sign_x = if self.flip_horizontal { -1.0 } else { 1.0 };
        let sign_y = if self.flip_vertical { -1.0 } else { 1.0 };
        [[sign_x * rotation[0][0], sign_x * rotation[0][1]], [sign_y * rotation[1][0], sign_y * rotation[1][1]]]
    }

    /// Which image direction (columns, rows; each −1, 0 or 1) appears along a screen direction.
    /// The orientation matrix is orthogonal, so its inverse is its transpose.
    pub fn image_direction_of_screen(&self, screen: (f64, f64)) -> (f64, f64) {
        let m = self.orientation_matrix();
        (m[0][0] * screen.0 + m[1][0] * screen.1, m[0][1] * screen.0 + m[1][1] * screen.1)
    }
}

/// A 2-D affine map in CanvasRenderingContext2D.setTransform order:
/// x' = a·x + c·y + e, y' = b·x + d·y + f.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Affine {
    pub a: f64,
    pub b: f64,
    pub c: f64,
    pub d: f64,
    pub e: f64,
    pub f: f64,
}

impl Affine {
    pub fn apply(&self, point: (f64, f64)) -> (f64, f64) {
        (self.a * point.0 + self.c * point.1 + self.e, self.b * point.0 + self.d * point.1 + self.f)
    }

    /// `after ∘ self`: first this map, then `after`.
    pub fn then(&self, after: &Affine) -> Affine {
        Affine {
            a: after.a * self.a + after.c * self.b,
            b: after.b * self.a + after.d * self.b,
            c: after.a * self.c + after.c * self.d,
            d: after.b * self.c + after.d * self.d,
            e: after.a * self.e + after.c * self.f + after.e,
            f: after.b * self.e + after.d * self.f + after.f,
        }
    }

    pub fn to_array(&self) -> [f64; 6] {
        [self.a, self.b, self.c, self.d, self.e, self.f]
    }

    /// Column-major 3×3 (as WebGL's `uniformMatrix3fv` expects): columns (a, b, 0), (c, d, 0),
    /// (e, f, 1).
    pub fn to_column_major(&self) -> [f32; 9] {
        [self.a, self.b, 0.0, self.c, self.d, 0.0, self.e, self.f, 1.0].map(|value| value as f32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarter_turn_clockwise_sends_right_to_down_and_up_to_right() {
        let view = ViewTransform { rotation: 1, ..Default::default() };
        let m = view.orientation_matrix();
        // Right (1, 0) → down (0, 1); up (0, −1) → right (1, 0): clockwise with y down.
        assert_eq!((m[0][0], m[1][0]), (0.0, 1.0));
        assert_eq!((-m[0][1], -m[1][1]), (1.0, 0.0));
    }

    #[test]
    fn flip_applies_on_screen_after_rotation() {
        // Rotated 90° and flipped horizontally: image right → screen down (rotation), flip leaves
        // the vertical alone → still down; image up → right → mirrored to left.
        let view = ViewTransform { rotation: 1, flip_horizontal: true, ..Default::default() };
        assert_eq!(view.image_direction_of_screen((0.0, 1.0)), (1.0, 0.0));
        assert_eq!(view.image_direction_of_screen((-1.0, 0.0)), (0.0, -1.0));
    }

    #[test]
    fn rotation_wraps_both_ways() {
        let mut view = ViewTransform::default();
        view.rotate_counter_clockwise();
        assert_eq!(view.rotation, 3);
        view.rotate_clockwise();
        view.rotate_clockwise();
        assert_eq!(view.rotation, 1);
    }

    #[test]
    fn zoom_is_clamped_and_sanitised() {
        assert_eq!(ViewTransform { zoom: 1e9, ..Default::default() }.effective_zoom(), 100.0);
        assert_eq!(ViewTransform { zoom: 0.0, ..Default::default() }.effective_zoom(), 0.01);
        assert_eq!(ViewTransform { zoom: f64::NAN, ..Default::default() }.effective_zoom(), 1.0);
    }

    #[test]
    fn affine_composition_order() {
        // Scale by 2 then shift by (10, 0): (3, 4) → (6, 8) → (16, 8).
        let scale = Affine { a: 2.0, b: 0.0, c: 0.0, d: 2.0, e: 0.0, f: 0.0 };
        let shift = Affine { a: 1.0, b: 0.0, c: 0.0, d: 1.0, e: 10.0, f: 0.0 };
        assert_eq!(scale.then(&shift).apply((3.0, 4.0)), (16.0, 8.0));
        assert_eq!(shift.then(&scale).apply((3.0, 4.0)), (26.0, 8.0));
    }
}
