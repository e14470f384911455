//! Placing a measurement's points with the pointer, independent of the browser.
//!
//! Two-point tools (length, rectangle, ellipse) are drawn by a drag: press at one end, release at
//! the other; a click without movement draws nothing. The angle (three points: first arm end,
//! vertex, second arm end) is placed by clicks, or by a drag for its first arm and a click for the
//! last point: each release away from the last placed point places a point, and a click on the
//! point just placed is ignored (a double click does not end or delete the drawing). Between
//! clicks the next point follows the pointer. Points are image pixel coordinates (`measure.rs`).

/// A release closer than this (in image pixels) to the last placed point places nothing.
pub const MIN_MOVE_IMAGE_PX: f64 = 0.5;

/// A measurement being placed: the points placed so far, then the one following the pointer.
#[derive(Clone, Debug, PartialEq)]
pub struct Placing {
    needed: usize,
    points: Vec<(f64, f64)>,
}

/// What a release did.
#[derive(Clone, Debug, PartialEq)]
pub enum Placed {
    /// More points to place.
    Drawing,
    /// Every point is placed: the finished measurement's points.
    Done(Vec<(f64, f64)>),
    /// Nothing to measure (a click without a drag with a two-point tool).
    Cancelled,
}

impl Placing {
    /// A press at `at` with a tool that needs `needed` points (at least 2).
    pub fn start(needed: usize, at: (f64, f64)) -> Placing {
        Placing { needed: needed.max(2), points: vec![at, at] }
    }

    /// The placed points and the one following the pointer (always at least two).
    pub fn points(&self) -> &[(f64, f64)] {
        &self.points
    }

    /// The pointer moved (pressed or not): the next point follows it.
    pub fn move_to(&mut self, at: (f64, f64)) {
        if let Some(last) = self.points.last_mut() {
            *last = at;
        }
    }

    /// A press while placing: the next point jumps to it.
    pub fn press(&mut self, at: (f64, f64)) {
        self.move_to(at);
    }

    /// The button was released at `at`.
    pub fn release(&mut self, at: (f64, f64)) -> Placed {
        self.move_to(at);
        let placed = self.points.len() - 1;
        let previous = self.points[placed - 1];
        let moved = (at.0 - previous.0).hypot(at.1 - previous.1) > MIN_MOVE_IMAGE_PX;
        if !moved {
            return if self.needed > 2 { Placed::Drawing } else { Placed::Cancelled };
        }
        if self.points.len() == self.needed {
            return Placed::Done(self.points.clone());
        }
        self.points.push(at);
        Placed::Drawing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn angle_by_three_clicks() {
        let (a, vertex, c) = ((10.0, 50.0), (50.0, 50.0), (50.0, 10.0));
        let mut angle = Placing::start(3, a);
        assert_eq!(angle.release(a), Placed::Drawing);
        angle.move_to((30.0, 40.0));
        assert_eq!(angle.points(), [a, (30.0, 40.0)]);
        angle.press(vertex);
        assert_eq!(angle.release(vertex), Placed::Drawing);
        angle.move_to((45.0, 20.0));
        assert_eq!(angle.points(), [a, vertex, (45.0, 20.0)]);
        angle.press(c);
        assert_eq!(angle.release(c), Placed::Done(vec![a, vertex, c]));
    }

    #[test]
    fn angle_by_a_drag_then_a_click() {
        let (a, vertex, c) = ((10.0, 50.0), (50.0, 50.0), (50.0, 10.0));
        let mut angle = Placing::start(3, a);
        angle.move_to((30.0, 50.0));
        assert_eq!(angle.release(vertex), Placed::Drawing);
        assert_eq!(angle.points(), [a, vertex, vertex]);
        angle.move_to((50.0, 30.0));
        angle.press(c);
        // The third click completes the angle (it used to start a new drawing and delete it).
        assert_eq!(angle.release(c), Placed::Done(vec![a, vertex, c]));
    }

    #[test]
    fn a_second_click_on_the_same_point_is_ignored() {
        let (a, vertex, c) = ((10.0, 50.0), (50.0, 50.0), (50.0, 10.0));
        let mut angle = Placing::start(3, a);
        assert_eq!(angle.release(a), Placed::Drawing);
        angle.press(a);
        assert_eq!(angle.release((a.0 + 0.2, a.1)), Placed::Drawing);
        angle.press(vertex);
        assert_eq!(angle.release(vertex), Placed::Drawing);
        angle.press(vertex);
        assert_eq!(angle.release(vertex), Placed::Drawing);
        assert_eq!(angle.points(), [a, vertex, vertex]);
        angle.press(c);
        assert_eq!(angle.release(c), Placed::Done(vec![a, vertex, c]));
    }

    #[test]
    fn two_point_tools_need_a_drag() {
        let mut length = Placing::start(2, (1.0, 1.0));
        length.move_to((5.0, 4.0));
        assert_eq!(length.release((5.0, 4.0)), Placed::Done(vec![(1.0, 1.0), (5.0, 4.0)]));
        let mut click = Placing::start(2, (1.0, 1.0));
        assert_eq!(click.release((1.3, 1.0)), Placed::Cancelled);
        // A tool asking for fewer than two points still draws a line.
        assert_eq!(Placing::start(0, (0.0, 0.0)).release((2.0, 0.0)), Placed::Done(vec![(0.0, 0.0), (2.0, 0.0)]));
    }
}
