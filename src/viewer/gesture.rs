//! Zoom and pan gestures on a `Viewport`: zoom about the cursor (wheel with a modifier, or
//! buttons) and two-finger pinch.

use super::transform::ViewTransform;
use super::viewport::Viewport;

/// The pinch gesture's starting state, captured when the second finger lands.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PinchStart {
    pub transform: ViewTransform,
    pub first: (f64, f64),
    pub second: (f64, f64),
}

/// Below this many canvas pixels between the fingers, a pinch does not change the zoom.
const MIN_PINCH_DISTANCE: f64 = 1.0;

impl Viewport {
    /// Multiplies the zoom by `factor` (ignored unless positive and finite), keeping the image
    /// point under `canvas_point` where it is.
    pub fn zoom_at(&mut self, canvas_point: (f64, f64), factor: f64) {
        if !(factor.is_finite() && factor > 0.0) {
            return;
        }
        let anchor = self.canvas_to_image(canvas_point);
        self.transform.zoom =
            (self.transform.effective_zoom() * factor).clamp(ViewTransform::MIN_ZOOM, ViewTransform::MAX_ZOOM);
        let moved = self.image_to_canvas(anchor);
        self.transform.pan.0 += canvas_point.0 - moved.0;
        self.transform.pan.1 += canvas_point.1 - moved.1;
    }

    pub fn pinch_start(&self, first: (f64, f64), second: (f64, f64)) -> PinchStart {
        PinchStart { transform: self.transform, first, second }
    }

    /// Two-finger zoom and pan: the zoom scales by the change in finger distance, and the image
    /// point that was under the fingers' starting midpoint follows their current midpoint.
    pub fn pinch(&mut self, start: &PinchStart, first: (f64, f64), second: (f64, f64)) {
        let distance = |p: (f64, f64), q: (f64, f64)| (p.0 - q.0).hypot(p.1 - q.1);
        let midpoint = |p: (f64, f64), q: (f64, f64)| ((p.0 + q.0) / 2.0, (p.1 + q.1) / 2.0);
        self.transform = start.transform;
        let (before, now) = (distance(start.first, start.second), distance(first, second));
        let factor = if before >= MIN_PINCH_DISTANCE && now >= MIN_PINCH_DISTANCE { now / before } else { 1.0 };
        let (from, to) = (midpoint(start.first, start.second), midpoint(first, second));
        self.zoom_at(from, factor);
        self.transform.pan.0 += to.0 - from.0;
        self.transform.pan.1 += to.1 - from.1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: (f64, f64), expected: (f64, f64)) -> bool {
        (actual.0 - expected.0).abs() < 1e-9 && (actual.1 - expected.1).abs() < 1e-9
    }

    #[test]
    fn zoom_at_keeps_the_point_under_the_cursor() {
        // Canvas (100, 300) shows image ((100 − 512)/2 + 256, (300 − 512)/2 + 128) = (50, 22).
        // After ×2 the scale is 4; keeping (50, 22) at (100, 300) needs
        // pan = (100 − 512 − 4·(50 − 256), 300 − 512 − 4·(22 − 128)) = (412, 212).
        let mut viewport = Viewport::new(512, 256, 1.0, 1024.0, 1024.0);
        viewport.zoom_at((100.0, 300.0), 2.0);
        assert_eq!(viewport.scale(), 4.0);
        assert!(close(viewport.transform.pan, (412.0, 212.0)));
        assert!(close(viewport.image_to_canvas((50.0, 22.0)), (100.0, 300.0)));
        viewport.reset();
        assert_eq!(viewport.transform, ViewTransform::default());
    }

    #[test]
    fn pinch_zooms_by_finger_distance_and_follows_the_midpoint() {
        // Fingers 200 apart around (500, 500) spread to 400 apart around (500, 600): zoom ×2, and
        // image ((500 − 512)/2 + 256, (500 − 512)/2 + 128) = (250, 122) ends under (500, 600).
        let mut viewport = Viewport::new(512, 256, 1.0, 1024.0, 1024.0);
        let start = viewport.pinch_start((400.0, 500.0), (600.0, 500.0));
        viewport.pinch(&start, (300.0, 600.0), (700.0, 600.0));
        assert_eq!(viewport.transform.zoom, 2.0);
        assert!(close(viewport.image_to_canvas((250.0, 122.0)), (500.0, 600.0)));
    }
}
