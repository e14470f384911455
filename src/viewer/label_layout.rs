//! Where text goes on a viewport pane, in CSS pixels from the pane's top-left corner: the
//! orientation letters at the middle of each edge, and measurement labels placed near their
//! measurement so that they overlap neither each other nor the letters and stay inside the pane.

/// An axis-aligned rectangle (CSS pixels).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

impl Rect {
    pub fn new(x: f64, y: f64, width: f64, height: f64) -> Rect {
        Rect { x, y, width, height }
    }

    pub fn right(&self) -> f64 {
        self.x + self.width
    }

    pub fn bottom(&self) -> f64 {
        self.y + self.height
    }

    /// Area shared with `other` (0 when they only touch).
    pub fn overlap(&self, other: &Rect) -> f64 {
        let width = self.right().min(other.right()) - self.x.max(other.x);
        let height = self.bottom().min(other.bottom()) - self.y.max(other.y);
        if width > 0.0 && height > 0.0 {
            width * height
        } else {
            0.0
        }
    }

    pub fn intersects(&self, other: &Rect) -> bool {
        self.overlap(other) > 0.0
    }

    /// Whether `inner` lies within this rectangle (edges included).
    pub fn contains(&self, inner: &Rect) -> bool {
        inner.x >= self.x && inner.y >= self.y && inner.right() <= self.right() && inner.bottom() <= self.bottom()
    }

    /// Length of the part of segment `a`–`b` inside this rectangle (Liang–Barsky clipping).
    pub fn crossing(&self, a: (f64, f64), b: (f64, f64)) -> f64 {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let (mut t0, mut t1) = (0.0f64, 1.0f64);
        for (p, q) in [(-dx, a.0 - self.x), (dx, self.right() - a.0), (-dy, a.1 - self.y), (dy, self.bottom() - a.1)] {
            if p == 0.0 {
                if q < 0.0 {
                    return 0.0;
                }
            } else {
                let t = q / p;
                if p < 0.0 {
                    t0 = t0.max(t);
                } else {
                    t1 = t1.min(t);
                }
            }
        }
        if t1 > t0 {
            (t1 - t0) * dx.hypot(dy)
        } else {
            0.0
        }
    }

    /// Moved the least to lie inside `bounds` (to its top-left when it is larger).
    fn clamped_into(&self, bounds: &Rect) -> Rect {
        let x = self.x.min(bounds.right() - self.width).max(bounds.x);
        let y = self.y.min(bounds.bottom() - self.height).max(bounds.y);
        Rect { x, y, ..*self }
    }
}

/// Space kept between text and the pane's edges.
pub const EDGE_MARGIN_PX: f64 = 5.0;
/// Space at the bottom of the pane kept for the slice slider.
pub const SLIDER_RESERVE_PX: f64 = 26.0;
/// Gap between a measurement's last point and its label.
pub const LABEL_GAP_PX: f64 = 8.0;
/// Height of one label line (the SVG tspans step by this) and the label plate's padding.
pub const LABEL_LINE_PX: f64 = 14.0;
pub const LABEL_PADDING_PX: f64 = 3.0;

/// Rectangles of the orientation letters (left, right, top, bottom edge) of a pane
/// `width` × `height` whose letters measure `sizes` (width, height); None where there is no
/// letter.
pub fn edge_letter_rects(width: f64, height: f64, sizes: [Option<(f64, f64)>; 4]) -> [Option<Rect>; 4] {
    let [left, right, top, bottom] = sizes;
    let usable_bottom = height - SLIDER_RESERVE_PX;
    [
        left.map(|(w, h)| Rect::new(EDGE_MARGIN_PX, usable_bottom / 2.0 - h / 2.0, w, h)),
        right.map(|(w, h)| Rect::new(width - EDGE_MARGIN_PX - w, usable_bottom / 2.0 - h / 2.0, w, h)),
        top.map(|(w, h)| Rect::new(width / 2.0 - w / 2.0, EDGE_MARGIN_PX, w, h)),
        bottom.map(|(w, h)| Rect::new(width / 2.0 - w / 2.0, usable_bottom - EDGE_MARGIN_PX - h, w, h)),
    ]
}

/// The size of a label plate for text lines whose widest line is `text_width` pixels.
pub fn label_size(text_width: f64, lines: usize) -> (f64, f64) {
    (text_width + 2.0 * LABEL_PADDING_PX, lines.max(1) as f64 * LABEL_LINE_PX + 2.0 * LABEL_PADDING_PX)
}

/// A drawn line from one point to another (CSS pixels).
pub type Segment = ((f64, f64), (f64, f64));

/// One label to place: the point it belongs to and its size.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LabelRequest {
    pub anchor: (f64, f64),
    pub width: f64,
    pub height: f64,
}

/// Candidate top-left corners around `anchor`, nearest first: beside the point on the right
/// (above, below), on the left, then columns and rows further out.
fn candidates(request: &LabelRequest) -> Vec<(f64, f64)> {
    let (x, y) = request.anchor;
    let (w, h) = (request.width, request.height);
    let right = x + LABEL_GAP_PX;
    let left = x - LABEL_GAP_PX - w;
    let above = y - LABEL_GAP_PX - h;
    let below = y + LABEL_GAP_PX;
    let mut list = vec![(right, above), (right, below), (left, above), (left, below)];
    let (column_step, row_step) = (w + 2.0, h + 2.0);
    let mut further = Vec::new();
    for columns_out in 0..=4 {
        for rows_out in 0..=24 {
            if columns_out == 0 && rows_out == 0 {
                continue;
            }
            let dx = f64::from(columns_out) * column_step;
            let dy = f64::from(rows_out) * row_step;
            for (cx, cy) in
                [(right + dx, above - dy), (right + dx, below + dy), (left - dx, above - dy), (left - dx, below + dy)]
            {
                let distance = (cx + w / 2.0 - x).hypot(cy + h / 2.0 - y);
                further.push((distance, (cx, cy)));
            }
        }
    }
    further.sort_by(|a, b| a.0.total_cmp(&b.0));
    list.extend(further.into_iter().map(|(_, corner)| corner));
    list
}

/// Places labels in order. Each goes to the first candidate position (clamped into `bounds`)
/// that overlaps no obstacle and no label placed before it and covers none of the measurement
/// `lines`; when none is free, to the one with the least overlap (covering a line counts less
/// than covering text).
pub fn place_labels(bounds: Rect, obstacles: &[Rect], lines: &[Segment], requests: &[LabelRequest]) -> Vec<Rect> {
    let mut placed: Vec<Rect> = Vec::with_capacity(requests.len());
    for request in requests {
        let mut best: Option<(f64, Rect)> = None;
        for (x, y) in candidates(request) {
            let rect = Rect::new(x, y, request.width, request.height).clamped_into(&bounds);
            let covered: f64 = obstacles.iter().chain(placed.iter()).map(|other| rect.overlap(other)).sum();
            let crossed: f64 = lines.iter().map(|(a, b)| rect.crossing(*a, *b)).sum();
            let overlap = covered + crossed;
            if best.as_ref().is_none_or(|(least, _)| overlap < *least) {
                best = Some((overlap, rect));
            }
            if overlap == 0.0 {
                break;
            }
        }
        if let Some((_, rect)) = best {
            placed.push(rect);
        }
    }
    placed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(x: f64, y: f64) -> LabelRequest {
        LabelRequest { anchor: (x, y), width: 90.0, height: 34.0 }
    }

    #[test]
    fn a_free_label_sits_right_above_its_point() {
        let bounds = Rect::new(0.0, 0.0, 400.0, 300.0);
        let placed = place_labels(bounds, &[], &[], &[request(100.0, 100.0)]);
        assert_eq!(placed, [Rect::new(108.0, 58.0, 90.0, 34.0)]);
    }

    #[test]
    fn crowded_labels_near_an_edge_neither_overlap_nor_leave_the_pane() {
        let (width, height) = (390.0, 300.0);
        let bounds = Rect::new(0.0, 0.0, width, height);
        let letters = edge_letter_rects(width, height, [Some((10.0, 15.0)); 4]);
        let obstacles: Vec<Rect> = letters.iter().flatten().copied().collect();
        // Six measurements ending within a few pixels of each other at the right edge, beside
        // the right-hand letter.
        let requests: Vec<LabelRequest> = (0..6).map(|i| request(width - 4.0, 130.0 + f64::from(i) * 4.0)).collect();
        let placed = place_labels(bounds, &obstacles, &[], &requests);
        assert_eq!(placed.len(), 6);
        for (i, a) in placed.iter().enumerate() {
            assert!(bounds.contains(a), "{a:?} leaves the pane");
            for b in &obstacles {
                assert!(!a.intersects(b), "{a:?} covers letter {b:?}");
            }
            for b in &placed[i + 1..] {
                assert!(!a.intersects(b), "{a:?} and {b:?} overlap");
            }
        }
    }

    #[test]
    fn labels_at_the_top_left_corner_are_pushed_inside() {
        let bounds = Rect::new(0.0, 0.0, 200.0, 200.0);
        let placed = place_labels(bounds, &[], &[], &[request(2.0, 2.0), request(3.0, 3.0)]);
        assert!(placed.iter().all(|r| bounds.contains(r)));
        assert!(!placed[0].intersects(&placed[1]));
    }

    #[test]
    fn labels_keep_off_the_lines() {
        // A line rising to the right through where the first candidate (right, above) would go.
        let bounds = Rect::new(0.0, 0.0, 400.0, 300.0);
        let line = ((100.0, 100.0), (250.0, 40.0));
        let placed = place_labels(bounds, &[], &[line], &[request(100.0, 100.0)]);
        assert_eq!(placed[0].crossing(line.0, line.1), 0.0, "{placed:?}");
        assert_eq!(placed[0], Rect::new(108.0, 108.0, 90.0, 34.0));
    }

    #[test]
    fn crossing_lengths() {
        let a = Rect::new(0.0, 0.0, 10.0, 10.0);
        assert_eq!(a.crossing((-5.0, 5.0), (15.0, 5.0)), 10.0);
        assert_eq!(a.crossing((5.0, -5.0), (5.0, 5.0)), 5.0);
        assert_eq!(a.crossing((20.0, 0.0), (30.0, 10.0)), 0.0);
        assert!((a.crossing((-1.0, 11.0), (11.0, -1.0)) - 10.0 * 2f64.sqrt()).abs() < 1e-9);
    }

    #[test]
    fn letters_sit_at_the_middle_of_each_edge() {
        let [left, right, top, bottom] = edge_letter_rects(400.0, 326.0, [Some((10.0, 14.0)); 4]);
        assert_eq!(left, Some(Rect::new(5.0, 143.0, 10.0, 14.0)));
        assert_eq!(right, Some(Rect::new(385.0, 143.0, 10.0, 14.0)));
        assert_eq!(top, Some(Rect::new(195.0, 5.0, 10.0, 14.0)));
        assert_eq!(bottom, Some(Rect::new(195.0, 281.0, 10.0, 14.0)));
        assert_eq!(edge_letter_rects(10.0, 10.0, [None; 4]), [None; 4]);
    }

    #[test]
    fn rectangles() {
        let a = Rect::new(0.0, 0.0, 10.0, 10.0);
        assert!(a.intersects(&Rect::new(9.0, 9.0, 5.0, 5.0)));
        assert!(!a.intersects(&Rect::new(10.0, 0.0, 5.0, 5.0)));
        assert!(a.contains(&Rect::new(0.0, 0.0, 10.0, 10.0)));
        assert!(!a.contains(&Rect::new(1.0, 1.0, 10.0, 1.0)));
        assert_eq!(Rect::new(-5.0, 8.0, 4.0, 4.0).clamped_into(&a), Rect::new(0.0, 6.0, 4.0, 4.0));
    }
}
