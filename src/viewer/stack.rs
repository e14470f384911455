//! Moving through a stack of images or frames: clamped steps, wheel and swipe input accumulated
//! into whole steps, and keys. Forward (+) is the next image: wheel down, swipe up, ArrowDown.

/// `current + delta`, clamped to `0..count` (0 for an empty stack).
pub fn step(current: u32, delta: i64, count: u32) -> u32 {
    let last = i64::from(count.saturating_sub(1));
    let target = i64::from(current).saturating_add(delta).clamp(0, last);
    u32::try_from(target).unwrap_or(0)
}

/// WheelEvent.deltaMode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeltaMode {
    Pixel,
    Line,
    Page,
}

impl DeltaMode {
    /// From the DOM value 0, 1 or 2 (anything else is treated as pixels).
    pub fn from_dom(value: u32) -> DeltaMode {
        match value {
            1 => DeltaMode::Line,
            2 => DeltaMode::Page,
            _ => DeltaMode::Pixel,
        }
    }

    /// Delta per frame step, so that one mouse-wheel notch is one frame: a notch is 100 pixels
    /// in Chromium, 3 lines in Firefox, and one page when the system scrolls by pages.
    fn per_step(self) -> f64 {
        match self {
            DeltaMode::Pixel => 100.0,
            DeltaMode::Line => 3.0,
            DeltaMode::Page => 1.0,
        }
    }
}

/// Swipes never need less than this many pixels per step, however long the stack.
pub const MIN_SWIPE_PIXELS_PER_STEP: f64 = 8.0;

/// Turns fractional motion into whole steps, carrying the remainder (trackpads send many small
/// deltas; a reversal first uses up the remainder).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StepAccumulator {
    remainder: f64,
}

impl StepAccumulator {
    /// Adds fractional steps and returns the whole steps now due (truncated towards zero).
    pub fn add_steps(&mut self, steps: f64) -> i64 {
        let total = self.remainder + steps;
        if !total.is_finite() {
            self.remainder = 0.0;
            return 0;
        }
        let whole = total.trunc().clamp(-1e15, 1e15);
        self.remainder = total - whole;
        whole as i64
    }

    /// A wheel event's deltaY in its delta mode.
    pub fn add_wheel(&mut self, delta_y: f64, mode: DeltaMode) -> i64 {
        self.add_steps(delta_y / mode.per_step())
    }

    /// A vertical finger movement of `dy` canvas pixels (down positive): the canvas height spans
    /// the whole stack, but at least `MIN_SWIPE_PIXELS_PER_STEP` pixels make one step.
    pub fn add_swipe(&mut self, dy: f64, canvas_height: f64, count: u32) -> i64 {
        let per_step = (canvas_height / f64::from(count.max(1))).max(MIN_SWIPE_PIXELS_PER_STEP);
        self.add_steps(-dy / per_step)
    }

    pub fn reset(&mut self) {
        self.remainder = 0.0;
    }
}

/// Frames moved by PageUp/PageDown: a tenth of the stack, rounded up, at least 1.
pub fn page_size(count: u32) -> u32 {
    count.div_ceil(10).max(1)
}

/// The index a key (KeyboardEvent.key) moves to: ArrowUp/ArrowDown ±1, PageUp/PageDown
/// ±`page_size`, Home first, End last. None for other keys or an empty stack.
pub fn key_target(key: &str, current: u32, count: u32) -> Option<u32> {
    if count == 0 {
        return None;
    }
    let page = i64::from(page_size(count));
    let delta = match key {
        "ArrowUp" => -1,
        "ArrowDown" => 1,
        "PageUp" => -page,
        "PageDown" => page,
        "Home" => return Some(0),
        "End" => return Some(count - 1),
        _ => return None,
    };
    Some(step(current, delta, count))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_clamp_to_the_stack() {
        assert_eq!(step(5, 3, 10), 8);
        assert_eq!(step(5, 30, 10), 9);
        assert_eq!(step(5, -30, 10), 0);
        assert_eq!(step(0, 1, 0), 0);
        assert_eq!(step(u32::MAX, i64::MAX, u32::MAX), u32::MAX - 1);
    }

    #[test]
    fn wheel_accumulates_with_remainder() {
        let mut wheel = StepAccumulator::default();
        // Trackpad: 40 + 40 px = 0.8 step, then +40 → 1.2: one step, 0.2 left.
        assert_eq!(wheel.add_wheel(40.0, DeltaMode::Pixel), 0);
        assert_eq!(wheel.add_wheel(40.0, DeltaMode::Pixel), 0);
        assert_eq!(wheel.add_wheel(40.0, DeltaMode::Pixel), 1);
        // Back 60 px: 0.2 − 0.6 = −0.4, no step yet.
        assert_eq!(wheel.add_wheel(-60.0, DeltaMode::Pixel), 0);
        wheel.reset();
        // Firefox: 3 lines per notch; 6 lines = 2 frames; pages: one frame each.
        assert_eq!(wheel.add_wheel(6.0, DeltaMode::from_dom(1)), 2);
        assert_eq!(wheel.add_wheel(-2.0, DeltaMode::from_dom(2)), -2);
        assert_eq!(wheel.add_wheel(f64::NAN, DeltaMode::Pixel), 0);
    }

    #[test]
    fn swipes_span_the_stack_over_the_canvas_height() {
        // 800 px for 20 frames: 40 px per frame; 100 px up = 2.5 → 2 steps forward.
        let mut swipe = StepAccumulator::default();
        assert_eq!(swipe.add_swipe(-100.0, 800.0, 20), 2);
        // 20 px more: 0.5 + 0.5 = 1 step.
        assert_eq!(swipe.add_swipe(-20.0, 800.0, 20), 1);
        // 1000 frames on 800 px would be 0.8 px per frame; clamped to 8: 80 px down = −10.
        let mut swipe = StepAccumulator::default();
        assert_eq!(swipe.add_swipe(80.0, 800.0, 1000), -10);
    }

    #[test]
    fn keys_move_through_the_stack() {
        // 128 frames: page = ceil(12.8) = 13.
        assert_eq!(page_size(128), 13);
        assert_eq!(page_size(5), 1);
        assert_eq!(key_target("ArrowDown", 4, 128), Some(5));
        assert_eq!(key_target("ArrowUp", 0, 128), Some(0));
        assert_eq!(key_target("PageDown", 120, 128), Some(127));
        assert_eq!(key_target("PageUp", 20, 128), Some(7));
        assert_eq!(key_target("Home", 50, 128), Some(0));
        assert_eq!(key_target("End", 50, 128), Some(127));
        assert_eq!(key_target("x", 50, 128), None);
        assert_eq!(key_target("End", 0, 0), None);
    }
}
