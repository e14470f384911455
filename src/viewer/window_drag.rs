//! Window/level by dragging: horizontal motion changes the width, vertical the center (drag
//! right = wider, down = higher center, as in Cornerstone/OHIF).
//!
//! Sensitivity follows the image's value range, so dragging across the whole canvas changes the
//! width (or center) by about max − min whatever the modality or bit depth. The width never goes
//! below 1 (PS3.3 C.11.2.1.2: Window Width ≥ 1 for the LINEAR function).

/// The smallest width a drag produces.
pub const MIN_WIDTH: f64 = 1.0;

/// A drag in progress: the window it started from and value units per canvas pixel.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WindowDrag {
    pub start_center: f64,
    pub start_width: f64,
    pub width_per_pixel: f64,
    pub center_per_pixel: f64,
}

impl WindowDrag {
    /// `value_range` is the image's (min, max) modality value; a range narrower than 1 (or not
    /// finite) counts as 1, and canvas sizes below 1 pixel as 1.
    pub fn start(center: f64, width: f64, value_range: (f64, f64), canvas_size: (f64, f64)) -> WindowDrag {
        let span = value_range.1 - value_range.0;
        let span = if span.is_finite() { span.max(1.0) } else { 1.0 };
        let pixels = |size: f64| if size.is_finite() { size.max(1.0) } else { 1.0 };
        WindowDrag {
            start_center: center,
            start_width: width,
            width_per_pixel: span / pixels(canvas_size.0),
            center_per_pixel: span / pixels(canvas_size.1),
        }
    }

    /// (center, width) after dragging by (dx, dy) canvas pixels from the start.
    pub fn window_at(&self, dx: f64, dy: f64) -> (f64, f64) {
        let center = self.start_center + dy * self.center_per_pixel;
        let width = (self.start_width + dx * self.width_per_pixel).max(MIN_WIDTH);
        (center, width)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: (f64, f64), expected: (f64, f64)) -> bool {
        (actual.0 - expected.0).abs() < 1e-9 && (actual.1 - expected.1).abs() < 1e-9
    }

    #[test]
    fn drag_scales_with_the_value_range() {
        // CT −1024…3071: span 4095; canvas 800×600 → 4095/800 = 5.11875 per pixel across and
        // 4095/600 = 6.825 per pixel down. Drag (100, −50): width 400 + 511.875 = 911.875,
        // center 40 − 341.25 = −301.25.
        let drag = WindowDrag::start(40.0, 400.0, (-1024.0, 3071.0), (800.0, 600.0));
        assert!(close(drag.window_at(100.0, -50.0), (-301.25, 911.875)));
        // Across the whole canvas: the width grows by the full range.
        assert!(close(drag.window_at(800.0, 0.0), (40.0, 4495.0)));
    }

    #[test]
    fn width_stays_at_least_one() {
        let drag = WindowDrag::start(128.0, 256.0, (0.0, 255.0), (255.0, 255.0));
        // One value per pixel: dragging 300 pixels left would give −44.
        assert_eq!(drag.window_at(-300.0, 0.0), (128.0, 1.0));
    }

    #[test]
    fn degenerate_inputs_stay_finite() {
        // Constant image and zero-size canvas: one value per pixel.
        let drag = WindowDrag::start(5.0, 1.0, (5.0, 5.0), (0.0, f64::NAN));
        assert_eq!(drag.window_at(10.0, 2.0), (7.0, 11.0));
    }
}
