//! Zoom and pan gestures on a `Viewport`: zoom about the cursor (wheel with a modifier, or
//! buttons), and the touch gestures of a phone or tablet.
//!
//! Touch rules (one gesture = from the second finger landing until a finger lifts):
//! - one finger uses the selected tool (handled by the caller);
//! - two fingers: nothing happens until one finger has moved `DECIDE_AFTER_CSS_PX` (10 CSS px)
//!   from where it landed; then the gesture is classified ONCE and keeps that meaning until a
//!   finger lifts, so the three never fight:
//!   - the finger distance changed at least as much as the midpoint moved → **pinch**: zoom about
//!     the midpoint (the image point under the fingers' starting midpoint follows the midpoint);
//!   - else the fingers moved together; mostly vertically (|dy| ≥ 2·|dx|, i.e. within ~27° of
//!     vertical) with both fingers going the same vertical way → **slice scroll**: one slice per
//!     `SCROLL_CSS_PX_PER_SLICE` of midpoint travel, up = next slice, down = previous (as the
//!     one-finger Scroll tool and crate::viewer::stack);
//!   - else → **pan**: the image follows the midpoint;
//! - double tap (a tap: down and up within `TAP_MAX_MS`, moved less than `TAP_MAX_MOVE_CSS_PX`;
//!   the second press within `DOUBLE_TAP_MS` of the first tap's release and `DOUBLE_TAP_CSS_PX`
//!   of it) fits the image to the viewport (zoom 1, no pan; rotation and flips stay).

use super::stack::StepAccumulator;
use super::transform::ViewTransform;
use super::viewport::Viewport;

/// A two-finger gesture is classified once a finger has moved this far (CSS pixels).
pub const DECIDE_AFTER_CSS_PX: f64 = 10.0;
/// Midpoint travel of a two-finger vertical swipe per slice (CSS pixels).
pub const SCROLL_CSS_PX_PER_SLICE: f64 = 16.0;
/// A tap lasts at most this long (milliseconds) ...
pub const TAP_MAX_MS: f64 = 300.0;
/// ... and moves less than this (CSS pixels).
pub const TAP_MAX_MOVE_CSS_PX: f64 = 10.0;
/// The second tap of a double tap starts within this time of the first tap's end (milliseconds) ...
pub const DOUBLE_TAP_MS: f64 = 300.0;
/// ... and less than this far from it (CSS pixels).
pub const DOUBLE_TAP_CSS_PX: f64 = 20.0;

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

/// What a two-finger gesture means, decided once per gesture (see the module's rules).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TwoFingerKind {
    /// Not yet: no finger has moved `DECIDE_AFTER_CSS_PX`.
    Undecided,
    Pinch,
    Pan,
    Scroll,
}

type Point = (f64, f64);

fn distance(p: Point, q: Point) -> f64 {
    (p.0 - q.0).hypot(p.1 - q.1)
}

fn midpoint(p: Point, q: Point) -> Point {
    ((p.0 + q.0) / 2.0, (p.1 + q.1) / 2.0)
}

/// Classifies two fingers that started at `start` and are now at `now` (any pixel unit;
/// `decide_after` in the same unit). `Undecided` until a finger has moved `decide_after`.
pub fn classify(start: [Point; 2], now: [Point; 2], decide_after: f64) -> TwoFingerKind {
    let moved = distance(start[0], now[0]).max(distance(start[1], now[1]));
    if !moved.is_finite() || moved < decide_after {
        return TwoFingerKind::Undecided;
    }
    let spread = (distance(now[0], now[1]) - distance(start[0], start[1])).abs();
    let (from, to) = (midpoint(start[0], start[1]), midpoint(now[0], now[1]));
    let (dx, dy) = (to.0 - from.0, to.1 - from.1);
    if spread >= dx.hypot(dy) {
        return TwoFingerKind::Pinch;
    }
    let (dy_first, dy_second) = (now[0].1 - start[0].1, now[1].1 - start[1].1);
    let same_way = dy_first * dy_second > 0.0;
    if dy.abs() >= 2.0 * dx.abs() && same_way {
        TwoFingerKind::Scroll
    } else {
        TwoFingerKind::Pan
    }
}

/// What one movement of a two-finger gesture asks for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TwoFingerStep {
    /// Nothing yet (undecided, or a scroll that has not reached the next slice).
    Nothing,
    /// Show the image with this transform (pinch or pan).
    Transform(ViewTransform),
    /// Move this many slices (+ = next).
    Slices(i64),
}

/// One two-finger gesture, from the second finger landing until a finger lifts. Points are in
/// canvas pixels; `canvas_px_per_css_px` converts the CSS-pixel thresholds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TwoFingers {
    start: PinchStart,
    canvas_px_per_css_px: f64,
    kind: TwoFingerKind,
    /// Midpoint height (canvas pixels) already turned into slices, and the fraction carried.
    scrolled_to: f64,
    steps: StepAccumulator,
}

impl TwoFingers {
    pub fn start(viewport: &Viewport, first: Point, second: Point, canvas_px_per_css_px: f64) -> TwoFingers {
        let ratio =
            if canvas_px_per_css_px.is_finite() && canvas_px_per_css_px > 0.0 { canvas_px_per_css_px } else { 1.0 };
        TwoFingers {
            start: viewport.pinch_start(first, second),
            canvas_px_per_css_px: ratio,
            kind: TwoFingerKind::Undecided,
            scrolled_to: midpoint(first, second).1,
            steps: StepAccumulator::default(),
        }
    }

    pub fn kind(&self) -> TwoFingerKind {
        self.kind
    }

    /// The fingers moved to `first` and `second`; `viewport` is the one being shown (its
    /// transform is ignored: pinch and pan start from the transform at the gesture's start).
    pub fn update(&mut self, viewport: &Viewport, first: Point, second: Point) -> TwoFingerStep {
        if self.kind == TwoFingerKind::Undecided {
            self.kind = classify(
                [self.start.first, self.start.second],
                [first, second],
                DECIDE_AFTER_CSS_PX * self.canvas_px_per_css_px,
            );
        }
        match self.kind {
            TwoFingerKind::Undecided => TwoFingerStep::Nothing,
            TwoFingerKind::Pinch => {
                let mut shown = *viewport;
                shown.pinch(&self.start, first, second);
                TwoFingerStep::Transform(shown.transform)
            }
            TwoFingerKind::Pan => {
                let (from, to) = (midpoint(self.start.first, self.start.second), midpoint(first, second));
                let mut transform = self.start.transform;
                transform.pan = (transform.pan.0 + to.0 - from.0, transform.pan.1 + to.1 - from.1);
                TwoFingerStep::Transform(transform)
            }
            TwoFingerKind::Scroll => {
                let y = midpoint(first, second).1;
                let moved = y - self.scrolled_to;
                self.scrolled_to = y;
                // Up (negative y) is the next slice.
                let slices = self.steps.add_steps(-moved / (SCROLL_CSS_PX_PER_SLICE * self.canvas_px_per_css_px));
                if slices == 0 {
                    TwoFingerStep::Nothing
                } else {
                    TwoFingerStep::Slices(slices)
                }
            }
        }
    }
}

/// Recognises a double tap from one finger's presses and releases (times in milliseconds,
/// points in CSS pixels).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct DoubleTap {
    pressed: Option<(f64, Point)>,
    last_tap: Option<(f64, Point)>,
}

impl DoubleTap {
    /// A finger went down; true when this press is the second tap of a double tap.
    pub fn press(&mut self, time_ms: f64, at: Point) -> bool {
        let second = self
            .last_tap
            .is_some_and(|(when, where_)| time_ms - when <= DOUBLE_TAP_MS && distance(at, where_) < DOUBLE_TAP_CSS_PX);
        if second {
            *self = DoubleTap::default();
            return true;
        }
        self.pressed = Some((time_ms, at));
        false
    }

    /// The finger lifted: a tap when it was short and did not move.
    pub fn release(&mut self, time_ms: f64, at: Point) {
        self.last_tap = self
            .pressed
            .take()
            .filter(|(when, where_)| time_ms - when <= TAP_MAX_MS && distance(at, *where_) < TAP_MAX_MOVE_CSS_PX)
            .map(|_| (time_ms, at));
    }

    /// Not a tap (a second finger landed, or the gesture was cancelled).
    pub fn cancel(&mut self) {
        *self = DoubleTap::default();
    }
}

impl Viewport {
    /// Fit to the viewport: zoom 1 and no pan; rotation and flips stay.
    pub fn fit(&mut self) {
        self.transform.zoom = 1.0;
        self.transform.pan = (0.0, 0.0);
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

    fn viewport() -> Viewport {
        Viewport::new(512, 256, 1.0, 1024.0, 1024.0)
    }

    #[test]
    fn two_fingers_wait_for_ten_css_pixels_then_keep_their_meaning() {
        // At 2 canvas pixels per CSS pixel, 10 CSS px = 20 canvas px.
        let v = viewport();
        let mut gesture = TwoFingers::start(&v, (400.0, 500.0), (600.0, 500.0), 2.0);
        // Each finger 8 canvas px outwards: not yet.
        assert_eq!(gesture.update(&v, (392.0, 500.0), (608.0, 500.0)), TwoFingerStep::Nothing);
        assert_eq!(gesture.kind(), TwoFingerKind::Undecided);
        // 24 canvas px outwards each: a pinch.
        assert!(matches!(gesture.update(&v, (376.0, 500.0), (624.0, 500.0)), TwoFingerStep::Transform(_)));
        assert_eq!(gesture.kind(), TwoFingerKind::Pinch);
        // Later the fingers move together vertically: still a pinch (zoom and follow), no slices.
        let step = gesture.update(&v, (376.0, 300.0), (624.0, 300.0));
        assert_eq!(gesture.kind(), TwoFingerKind::Pinch);
        let TwoFingerStep::Transform(t) = step else { panic!("a pinch gives a transform: {step:?}") };
        assert!((t.zoom - 248.0 / 200.0).abs() < 1e-9, "zoom {}", t.zoom);
    }

    #[test]
    fn classify_tells_pinch_pan_and_vertical_swipe_apart() {
        let start = [(100.0, 100.0), (200.0, 100.0)];
        // One finger still, the other 12 px outwards: pinch.
        assert_eq!(classify(start, [(100.0, 100.0), (212.0, 100.0)], 10.0), TwoFingerKind::Pinch);
        // Both 12 px inwards: pinch.
        assert_eq!(classify(start, [(112.0, 100.0), (188.0, 100.0)], 10.0), TwoFingerKind::Pinch);
        // Both 12 px up: slice scroll; both 12 px down: slice scroll too.
        assert_eq!(classify(start, [(100.0, 88.0), (200.0, 88.0)], 10.0), TwoFingerKind::Scroll);
        assert_eq!(classify(start, [(101.0, 112.0), (199.0, 112.0)], 10.0), TwoFingerKind::Scroll);
        // Both sideways, or diagonally: pan.
        assert_eq!(classify(start, [(112.0, 100.0), (212.0, 100.0)], 10.0), TwoFingerKind::Pan);
        assert_eq!(classify(start, [(110.0, 90.0), (210.0, 90.0)], 10.0), TwoFingerKind::Pan);
        // Below the threshold: undecided.
        assert_eq!(classify(start, [(100.0, 91.0), (200.0, 91.0)], 10.0), TwoFingerKind::Undecided);
        assert_eq!(classify(start, [(f64::NAN, 0.0), (200.0, 100.0)], 10.0), TwoFingerKind::Undecided);
    }

    #[test]
    fn two_finger_pan_moves_the_image_with_the_midpoint() {
        let v = viewport();
        let mut gesture = TwoFingers::start(&v, (100.0, 100.0), (200.0, 100.0), 1.0);
        assert_eq!(
            gesture.update(&v, (130.0, 110.0), (230.0, 110.0)),
            TwoFingerStep::Transform(ViewTransform { pan: (30.0, 10.0), ..ViewTransform::default() })
        );
        assert_eq!(gesture.kind(), TwoFingerKind::Pan);
    }

    #[test]
    fn two_finger_vertical_swipe_steps_one_slice_per_sixteen_css_pixels_both_ways() {
        // 1.5 canvas px per CSS px: a slice per 24 canvas px of midpoint travel.
        let v = viewport();
        let mut gesture = TwoFingers::start(&v, (100.0, 500.0), (200.0, 500.0), 1.5);
        // 15 canvas px up decides "scroll" but is not a slice yet.
        assert_eq!(gesture.update(&v, (100.0, 485.0), (200.0, 485.0)), TwoFingerStep::Nothing);
        assert_eq!(gesture.kind(), TwoFingerKind::Scroll);
        // 48 canvas px up in all: two slices forward.
        assert_eq!(gesture.update(&v, (100.0, 452.0), (200.0, 452.0)), TwoFingerStep::Slices(2));
        // 120 px down from there: back five.
        assert_eq!(gesture.update(&v, (100.0, 572.0), (200.0, 572.0)), TwoFingerStep::Slices(-5));
        // Sideways drift during a scroll changes nothing (the decision holds).
        assert_eq!(gesture.update(&v, (160.0, 572.0), (260.0, 572.0)), TwoFingerStep::Nothing);
        assert_eq!(gesture.kind(), TwoFingerKind::Scroll);
    }

    #[test]
    fn double_tap_needs_two_short_close_taps() {
        let mut taps = DoubleTap::default();
        assert!(!taps.press(0.0, (50.0, 50.0)));
        taps.release(80.0, (52.0, 50.0));
        assert!(taps.press(300.0, (60.0, 58.0)), "second tap 220 ms later, 13 px away");
        // After a double tap the next tap starts afresh.
        taps.release(350.0, (60.0, 58.0));
        assert!(!taps.press(400.0, (60.0, 58.0)));

        // Too slow between the taps.
        let mut slow = DoubleTap::default();
        slow.press(0.0, (50.0, 50.0));
        slow.release(80.0, (50.0, 50.0));
        assert!(!slow.press(400.0, (50.0, 50.0)));
        // Too far apart.
        let mut far = DoubleTap::default();
        far.press(0.0, (50.0, 50.0));
        far.release(80.0, (50.0, 50.0));
        assert!(!far.press(200.0, (75.0, 50.0)));
        // The first touch was a drag, not a tap; or held too long; or a second finger came.
        let mut drag = DoubleTap::default();
        drag.press(0.0, (50.0, 50.0));
        drag.release(80.0, (70.0, 50.0));
        assert!(!drag.press(150.0, (70.0, 50.0)));
        let mut long = DoubleTap::default();
        long.press(0.0, (50.0, 50.0));
        long.release(500.0, (50.0, 50.0));
        assert!(!long.press(600.0, (50.0, 50.0)));
        let mut two = DoubleTap::default();
        two.press(0.0, (50.0, 50.0));
        two.release(80.0, (50.0, 50.0));
        two.cancel();
        assert!(!two.press(150.0, (50.0, 50.0)));
    }

    #[test]
    fn fit_resets_zoom_and_pan_but_keeps_rotation() {
        let mut v = viewport();
        v.transform =
            ViewTransform { zoom: 3.0, pan: (40.0, -8.0), rotation: 1, flip_horizontal: true, flip_vertical: false };
        v.fit();
        assert_eq!(v.transform, ViewTransform { rotation: 1, flip_horizontal: true, ..ViewTransform::default() });
    }
}
