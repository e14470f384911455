//! Which stored frames lie on a source frame, and the RGBA layer they make there.
//!
//! Matching (PS3.3 C.8.20): a frame naming its source (Derivation Image → Source Image
//! Sequence) lies on exactly that instance (and frame, when Referenced Frame Number is given);
//! a frame of a TILED_FULL object lies on the source tile with the same index; any other frame
//! lies on every source frame of the same Frame of Reference whose plane is parallel and within
//! half a slice thickness along the normal. Voxels are placed on the source grid directly when
//! the grids coincide, else by nearest neighbour through patient coordinates.

use super::{SegFrame, Segmentation, SegmentationType};
use crate::derived::SourceFrame;
use crate::viewer::layers::{LayerStyle, RgbaLayer};

/// Slice normal (row direction × column direction) of an Image Orientation (Patient).
pub(super) fn normal(o: [f64; 6]) -> [f64; 3] {
    [o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5], o[0] * o[4] - o[1] * o[3]]
}

fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

fn sub(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

/// Stored pixel (column, row) = origin + source column × per_column + source row × per_row.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Mapping {
    origin: [f64; 2],
    per_column: [f64; 2],
    per_row: [f64; 2],
}

impl Mapping {
    fn is_identity(&self) -> bool {
        let near = |a: f64, b: f64| (a - b).abs() < 1e-3;
        near(self.origin[0], 0.0)
            && near(self.origin[1], 0.0)
            && near(self.per_column[0], 1.0)
            && near(self.per_column[1], 0.0)
            && near(self.per_row[0], 0.0)
            && near(self.per_row[1], 1.0)
    }
}

/// How the voxels of one stored frame reach the source grid.
enum Placement {
    Same,
    Resample(Mapping),
}

impl Segmentation {
    /// Indices of the stored frames that lie on `frame`, in painting order (Segment Sequence
    /// order, so later segments are drawn over earlier ones).
    pub fn frames_on(&self, frame: &SourceFrame) -> Vec<usize> {
        let mut found: Vec<usize> = Vec::new();
        // Frames placed by geometry: per segment only the nearest (a thick source slice may
        // span several thin segmentation frames).
        let mut nearest: Vec<(Option<u32>, usize, f64)> = Vec::new();
        for (index, stored) in self.frames.iter().enumerate() {
            match self.lies_on(stored, frame) {
                Some(None) => found.push(index),
                Some(Some(distance)) => match nearest.iter_mut().find(|(s, _, _)| *s == stored.segment_number) {
                    Some(best) if distance < best.2 => *best = (stored.segment_number, index, distance),
                    Some(_) => {}
                    None => nearest.push((stored.segment_number, index, distance)),
                },
                None => {}
            }
        }
        found.extend(nearest.iter().map(|(_, index, _)| *index));
        let order = |index: usize| {
            self.frames[index]
                .segment_number
                .and_then(|n| self.segments.iter().position(|s| s.number == n))
                .unwrap_or(0)
        };
        found.sort_by_key(|&i| (order(i), i));
        found
    }

    /// The index in `frames` (a display set's frames, in order) to show for "jump to segment"
    /// `number`: the frame its centroid frame lies on, else the first it lies on at all.
    pub fn slice_for_segment(&self, number: u32, frames: &[SourceFrame]) -> Option<usize> {
        let segment = self.segment(number)?;
        let centroid = segment.centroid_frame?;
        let mine = |index: &usize| match self.segmentation_type {
            SegmentationType::LabelMap => self.frame_voxels(*index, number) > 0,
            _ => self.frames[*index].segment_number == Some(number) && self.frame_voxels(*index, number) > 0,
        };
        let mut first = None;
        for (position, frame) in frames.iter().enumerate() {
            let on = self.frames_on(frame);
            if on.contains(&centroid) {
                return Some(position);
            }
            if first.is_none() && on.iter().any(mine) {
                first = Some(position);
            }
        }
        first
    }

    /// Some(None): the frame names this source frame; Some(Some(mm)): it lies on its plane at
    /// that distance along the normal; None: not on it.
    fn lies_on(&self, stored: &SegFrame, frame: &SourceFrame) -> Option<Option<f64>> {
        if let (Some((column, row)), Some(across)) = (stored.tile_position, self.tiles_across) {
            // Slide tiles: the source (a TILED_FULL image of the same tile size) has its tile
            // k at column (k mod across) × columns + 1, row (k div across) × rows + 1. The
            // position decides, not the Referenced Frame Number (highdicom's sparse test SEG
            // names frames that disagree with its own positions).
            let instance_named = self.referenced_instances.is_empty()
                || self.referenced_instances.iter().any(|(uid, _)| *uid == frame.sop_instance_uid);
            let tile = frame.frame_number.checked_sub(1)?;
            let at = ((tile % across) * self.columns + 1, (tile / across) * self.rows + 1);
            return (instance_named && at == (column, row)).then_some(None);
        }
        if !stored.sources.is_empty() {
            let named = stored
                .sources
                .iter()
                .any(|(uid, number)| *uid == frame.sop_instance_uid && number.is_none_or(|n| n == frame.frame_number));
            return named.then_some(None);
        }
        if self.frame_of_reference_uid.is_empty() || self.frame_of_reference_uid != frame.frame_of_reference_uid {
            return None;
        }
        let (p, o, q, source_o) = (stored.position_mm?, stored.orientation?, frame.position_mm?, frame.orientation?);
        let (n, m) = (normal(o), normal(source_o));
        if dot(n, m).abs() < 0.999 {
            return None;
        }
        let thickness = frame.slice_thickness_mm.filter(|t| *t > 0.0).or(self.voxel_depth_mm()).unwrap_or(1.0);
        let distance = dot(sub(p, q), m).abs();
        (distance <= thickness / 2.0 + 1e-6).then_some(Some(distance))
    }

    fn placement(&self, stored: &SegFrame, frame: &SourceFrame) -> Option<Placement> {
        let same_size = (frame.columns, frame.rows) == (self.columns, self.rows);
        let geometry = (
            stored.position_mm,
            stored.orientation,
            self.pixel_spacing_mm,
            frame.position_mm,
            frame.orientation,
            frame.pixel_spacing_mm,
        );
        let (Some(p), Some(o), Some(spacing), Some(q), Some(source_o), Some(source_spacing)) = geometry else {
            return same_size.then_some(Placement::Same);
        };
        if stored.tile_position.is_some() {
            return same_size.then_some(Placement::Same);
        }
        let (row_dir, column_dir) = ([o[0], o[1], o[2]], [o[3], o[4], o[5]]);
        let (source_row, source_column) =
            ([source_o[0], source_o[1], source_o[2]], [source_o[3], source_o[4], source_o[5]]);
        if spacing[0] <= 0.0 || spacing[1] <= 0.0 {
            return same_size.then_some(Placement::Same);
        }
        // A source pixel's centre in patient space, then in stored pixel units.
        let to_stored = |v: [f64; 3]| [dot(v, row_dir) / spacing[1], dot(v, column_dir) / spacing[0]];
        let origin = to_stored(sub(q, p));
        let per_column = to_stored(source_row.map(|c| c * source_spacing[1]));
        let per_row = to_stored(source_column.map(|c| c * source_spacing[0]));
        let mapping = Mapping { origin, per_column, per_row };
        if same_size && mapping.is_identity() {
            Some(Placement::Same)
        } else {
            Some(Placement::Resample(mapping))
        }
    }

    /// Writes stored frame `index`'s values onto `grid` (the source frame's pixels); zero
    /// voxels leave the grid as it is.
    fn place(&self, index: usize, placement: &Placement, frame: &SourceFrame, grid: &mut [u16]) {
        let per_frame = self.rows as usize * self.columns as usize;
        match placement {
            Placement::Same => self.pixels.for_each_nonzero(index, per_frame, |at, value| {
                if let Some(cell) = grid.get_mut(at) {
                    *cell = value;
                }
            }),
            Placement::Resample(m) => {
                for row in 0..frame.rows {
                    for column in 0..frame.columns {
                        let (c, r) = (f64::from(column), f64::from(row));
                        let u = (m.origin[0] + c * m.per_column[0] + r * m.per_row[0]).round();
                        let v = (m.origin[1] + c * m.per_column[1] + r * m.per_row[1]).round();
                        if u < 0.0 || v < 0.0 || u >= f64::from(self.columns) || v >= f64::from(self.rows) {
                            continue;
                        }
                        let at = v as usize * self.columns as usize + u as usize;
                        let value = self.pixels.value(index, per_frame, at);
                        if value != 0 {
                            if let Some(cell) = grid.get_mut(row as usize * frame.columns as usize + column as usize) {
                                *cell = value;
                            }
                        }
                    }
                }
            }
        }
    }

    /// The layer this segmentation makes on `frame`: fill at `style.opacity` (fractional:
    /// × value / maximum), boundary pixels at full opacity when `style.outline`, hidden
    /// segments left out, the selected segment outlined and filled more strongly.
    pub fn layer_on(&self, frame: &SourceFrame, style: &LayerStyle) -> Option<RgbaLayer> {
        let on = self.frames_on(frame);
        if on.is_empty() || !(style.fill || style.outline || style.selected.is_some()) {
            return None;
        }
        let mut layer = RgbaLayer::transparent(frame.columns, frame.rows)?;
        let mut grid = vec![0u16; frame.columns as usize * frame.rows as usize];
        let mut painted = false;
        match self.segmentation_type {
            SegmentationType::LabelMap => {
                for &index in &on {
                    if let Some(placement) = self.placement(&self.frames[index], frame) {
                        self.place(index, &placement, frame, &mut grid);
                    }
                }
                for segment in &self.segments {
                    if !style.shows(segment.number) {
                        continue;
                    }
                    let Ok(label) = u16::try_from(segment.number) else { continue };
                    painted |=
                        paint(&mut layer, &grid, |v| u16::from(v == label), 1, segment.rgb, style, segment.number);
                }
            }
            SegmentationType::Binary | SegmentationType::Fractional { .. } => {
                let max = match self.segmentation_type {
                    SegmentationType::Fractional { max_value, .. } => max_value,
                    _ => 1,
                };
                for &index in &on {
                    let stored = &self.frames[index];
                    let Some(segment) = stored.segment_number.and_then(|n| self.segment(n)) else { continue };
                    if !style.shows(segment.number) {
                        continue;
                    }
                    let Some(placement) = self.placement(stored, frame) else { continue };
                    grid.fill(0);
                    self.place(index, &placement, frame, &mut grid);
                    painted |= paint(&mut layer, &grid, |v| v.min(max), max, segment.rgb, style, segment.number);
                }
            }
        }
        painted.then_some(layer)
    }
}

/// Paints one segment: `weight(grid value)` is its membership (0 = outside, `max` = full).
fn paint(
    layer: &mut RgbaLayer,
    grid: &[u16],
    weight: impl Fn(u16) -> u16,
    max: u16,
    rgb: [u8; 3],
    style: &LayerStyle,
    number: u32,
) -> bool {
    let (columns, rows) = (layer.columns as usize, layer.rows as usize);
    let selected = style.selected == Some(number);
    let outline = style.outline || selected;
    let opacity = if selected { (style.opacity + 0.2).min(1.0) } else { style.opacity };
    let inside = |i: usize| grid.get(i).is_some_and(|v| weight(*v) != 0);
    let mut painted = false;
    for row in 0..rows {
        for column in 0..columns {
            let i = row * columns + column;
            let w = grid.get(i).map_or(0, |v| weight(*v));
            if w == 0 {
                continue;
            }
            let edge = column == 0
                || row == 0
                || column + 1 == columns
                || row + 1 == rows
                || !inside(i - 1)
                || !inside(i + 1)
                || !inside(i - columns)
                || !inside(i + columns);
            if outline && edge {
                layer.blend(column as u32, row as u32, rgb, 1.0);
                painted = true;
            } else if style.fill {
                layer.blend(column as u32, row as u32, rgb, opacity * f32::from(w) / f32::from(max.max(1)));
                painted = true;
            }
        }
    }
    painted
}
