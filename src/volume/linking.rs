//! Linked series: viewports showing series of one Frame of Reference scroll together by
//! position (not by index); a manual offset links series whose frames of reference differ
//! (a prior study); the reference line of one slice on another plane.
//!
//! Geometry follows PS3.3 C.7.6.2.1.1: Image Position (Patient) is the centre of the first
//! transmitted pixel, Image Orientation (Patient) gives the row and column directions, their
//! cross product the slice normal. Series share patient coordinates only within one Frame of
//! Reference (C.7.4.1.1.1); across frames of reference the user supplies the translation.
//!
//! Image pixel coordinates here are the viewport's (`viewer::viewport`): (0, 0) is the top-left
//! corner of the first pixel, pixel (column c, row r) covers [c, c + 1) × [r, r + 1), so its
//! centre is (c + 0.5, r + 0.5).

use super::grid::SliceGeometry;
use super::vec3::{self, Vec3};

/// Stacks follow a linked viewport only when their slice normals are within this angle of the
/// source slice's normal (cosine of 30°): an axial series follows an axial or slightly oblique
/// one, never a sagittal one (whose position along its own normal the axial slice does not set).
pub const LINK_MAX_ANGLE_COS: f64 = 0.866;

/// Planes whose normals differ by less than this (sine of the angle, ≈ 0.06°) are parallel: no
/// reference line.
pub const PARALLEL_SINE: f64 = 1e-3;

/// A manual link between two frames of reference: a point `p` of `from` lies at
/// `p + offset_mm` in `to`.
#[derive(Debug, Clone, PartialEq)]
pub struct ManualLink {
    pub from: String,
    pub to: String,
    pub offset_mm: Vec3,
}

/// Which viewports scroll together.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LinkState {
    /// Linked scrolling is on.
    pub enabled: bool,
    /// Translations between frames of reference set with "link here" (at most one per pair).
    pub manual: Vec<ManualLink>,
}

impl LinkState {
    /// The translation (mm) taking a point of frame of reference `from` into `to`: zero within
    /// one Frame of Reference, the manual offset between two that differ, None when they are
    /// not linked. Keys are Frame of Reference UIDs (an empty key is never linked by itself).
    pub fn offset_mm(&self, from: &str, to: &str) -> Option<Vec3> {
        if from.is_empty() || to.is_empty() {
            return None;
        }
        if from == to {
            return Some([0.0; 3]);
        }
        self.manual.iter().find_map(|link| {
            if link.from == from && link.to == to {
                Some(link.offset_mm)
            } else if link.from == to && link.to == from {
                Some(vec3::scale(link.offset_mm, -1.0))
            } else {
                None
            }
        })
    }

    /// "Link here": from now on the slice `from_slice` of frame of reference `from` and the
    /// slice `to_slice` of `to` show the same place (offset = difference of their centres).
    /// Replaces an earlier link of the pair. False (nothing set) for one frame of reference.
    pub fn link_here(&mut self, from: &str, from_slice: &SliceGeometry, to: &str, to_slice: &SliceGeometry) -> bool {
        if from == to || from.is_empty() || to.is_empty() {
            return false;
        }
        let offset_mm = vec3::sub(slice_centre_mm(to_slice), slice_centre_mm(from_slice));
        if !offset_mm.iter().all(|c| c.is_finite()) {
            return false;
        }
        self.manual.retain(|link| !((link.from == from && link.to == to) || (link.from == to && link.to == from)));
        self.manual.push(ManualLink { from: from.to_string(), to: to.to_string(), offset_mm });
        true
    }
}

/// Centre of a slice's pixel area, mm.
pub fn slice_centre_mm(slice: &SliceGeometry) -> Vec3 {
    let [row_spacing, column_spacing] = slice.pixel_spacing_mm;
    let along_row = (f64::from(slice.columns) - 1.0).max(0.0) / 2.0 * column_spacing;
    let down_column = (f64::from(slice.rows) - 1.0).max(0.0) / 2.0 * row_spacing;
    let p = vec3::add(slice.position_mm, vec3::scale(vec3::normalize(slice.row_direction), along_row));
    vec3::add(p, vec3::scale(vec3::normalize(slice.column_direction), down_column))
}

/// Unit normal (row × column) of a slice; None when the directions are degenerate.
fn unit_normal(slice: &SliceGeometry) -> Option<Vec3> {
    let n = vec3::cross(vec3::normalize(slice.row_direction), vec3::normalize(slice.column_direction));
    let length = vec3::length(n);
    (length > 1e-6 && length.is_finite()).then(|| vec3::scale(n, 1.0 / length))
}

/// The positions of the frames of a display set along its slice normal (the first placed
/// frame's row × column), for scrolling by position.
#[derive(Debug, Clone, PartialEq)]
pub struct StackPositions {
    /// Unit slice normal.
    pub normal: Vec3,
    /// Position of each frame (display order) along `normal`, mm; None for a frame without
    /// a plane.
    pub positions_mm: Vec<Option<f64>>,
    /// Typical distance between neighbouring slices (median step), mm; for a single slice its
    /// thickness (or 1 mm without one).
    pub spacing_mm: f64,
}

impl StackPositions {
    /// From the planes of the frames in display order. `thickness_mm` (Slice Thickness) is
    /// the spacing of a single-slice stack. None when no frame has a plane.
    pub fn new(planes: &[Option<SliceGeometry>], thickness_mm: Option<f64>) -> Option<StackPositions> {
        let normal = planes.iter().flatten().find_map(unit_normal)?;
        let positions_mm: Vec<Option<f64>> =
            planes.iter().map(|p| p.map(|p| vec3::dot(p.position_mm, normal)).filter(|d| d.is_finite())).collect();
        let mut sorted: Vec<f64> = positions_mm.iter().flatten().copied().collect();
        sorted.sort_by(f64::total_cmp);
        let mut steps: Vec<f64> = sorted.windows(2).map(|w| w[1] - w[0]).filter(|s| *s > 1e-6).collect();
        steps.sort_by(f64::total_cmp);
        let spacing_mm = match steps.get(steps.len() / 2) {
            Some(median) => *median,
            None => thickness_mm.filter(|t| t.is_finite() && *t > 0.0).unwrap_or(1.0),
        };
        Some(StackPositions { normal, positions_mm, spacing_mm })
    }

    /// The frame whose plane lies nearest to `point_mm` along the normal, None when the point
    /// is more than half a spacing beyond the first or last slice.
    pub fn nearest_frame(&self, point_mm: Vec3) -> Option<u32> {
        let d = vec3::dot(point_mm, self.normal);
        if !d.is_finite() {
            return None;
        }
        let known = || self.positions_mm.iter().flatten().copied();
        let low = known().fold(f64::INFINITY, f64::min);
        let high = known().fold(f64::NEG_INFINITY, f64::max);
        let half = self.spacing_mm / 2.0 + 1e-6;
        if d < low - half || d > high + half {
            return None;
        }
        let mut best: Option<(u32, f64)> = None;
        for (index, position) in self.positions_mm.iter().enumerate() {
            let Some(position) = position else { continue };
            let distance = (position - d).abs();
            if best.is_none_or(|(_, b)| distance < b) {
                best = Some((u32::try_from(index).ok()?, distance));
            }
        }
        best.map(|(index, _)| index)
    }
}

/// The frame of `target` showing the place of `source_slice` (of frame of reference
/// `source_for`) under `link`: None when the frames of reference are not linked, the stacks are
/// not near-parallel or the place lies outside the target stack.
pub fn linked_frame(
    link: &LinkState,
    source_for: &str,
    source_slice: &SliceGeometry,
    target_for: &str,
    target: &StackPositions,
) -> Option<u32> {
    let offset = link.offset_mm(source_for, target_for)?;
    let normal = unit_normal(source_slice)?;
    if vec3::dot(normal, target.normal).abs() < LINK_MAX_ANGLE_COS {
        return None;
    }
    target.nearest_frame(vec3::add(slice_centre_mm(source_slice), offset))
}

/// A reference line: where the plane of one slice cuts another image, in that image's pixel
/// coordinates (see the module notes).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReferenceLine {
    pub from: (f64, f64),
    pub to: (f64, f64),
}

/// The reference line of `source` (moved by `offset_mm` into the target's frame of reference)
/// on the image `target`: the intersection of the two planes, clipped to both images' extents
/// (so its length shows the source's field of view). None for parallel planes or when the
/// planes do not meet within both images.
pub fn reference_line(source: &SliceGeometry, offset_mm: Vec3, target: &SliceGeometry) -> Option<ReferenceLine> {
    let source_normal = unit_normal(source)?;
    let target_normal = unit_normal(target)?;
    if vec3::length(vec3::cross(source_normal, target_normal)) < PARALLEL_SINE {
        return None;
    }
    let source_origin = vec3::add(source.position_mm, offset_mm);
    let (t_row, t_column) = (vec3::normalize(target.row_direction), vec3::normalize(target.column_direction));
    let [t_row_spacing, t_column_spacing] = target.pixel_spacing_mm;
    // Target image point (x, y) → patient: origin + (x − ½)·Δc·row + (y − ½)·Δr·column.
    let to_patient = |(x, y): (f64, f64)| {
        let p = vec3::add(target.position_mm, vec3::scale(t_row, (x - 0.5) * t_column_spacing));
        vec3::add(p, vec3::scale(t_column, (y - 0.5) * t_row_spacing))
    };
    // The source plane in target pixels: a·x + b·y + k = 0.
    let a = vec3::dot(source_normal, t_row) * t_column_spacing;
    let b = vec3::dot(source_normal, t_column) * t_row_spacing;
    let k = vec3::dot(source_normal, vec3::sub(to_patient((0.0, 0.0)), source_origin));
    let norm2 = a * a + b * b;
    if !(norm2 > 1e-18 && norm2.is_finite() && k.is_finite()) {
        return None;
    }
    // Points q(t) = p0 + t·d on that line.
    let p0 = (-k * a / norm2, -k * b / norm2);
    let d = (-b / norm2.sqrt(), a / norm2.sqrt());
    let at = |t: f64| (p0.0 + t * d.0, p0.1 + t * d.1);
    // Constraints lo ≤ α + β·t ≤ hi: inside the target image, and inside the source image
    // (source pixel coordinates of q(t) are linear in t as well).
    let mut constraints: Vec<(f64, f64, f64, f64)> =
        vec![(p0.0, d.0, 0.0, f64::from(target.columns)), (p0.1, d.1, 0.0, f64::from(target.rows))];
    let (s_row, s_column) = (vec3::normalize(source.row_direction), vec3::normalize(source.column_direction));
    let [s_row_spacing, s_column_spacing] = source.pixel_spacing_mm;
    if !(s_row_spacing > 0.0 && s_column_spacing > 0.0) {
        return None;
    }
    let (q0, q1) = (vec3::sub(to_patient(at(0.0)), source_origin), vec3::sub(to_patient(at(1.0)), source_origin));
    for (direction, spacing, extent) in
        [(s_row, s_column_spacing, source.columns), (s_column, s_row_spacing, source.rows)]
    {
        let u0 = vec3::dot(q0, direction) / spacing + 0.5;
        let u1 = vec3::dot(q1, direction) / spacing + 0.5;
        constraints.push((u0, u1 - u0, 0.0, f64::from(extent)));
    }
    let (mut t_min, mut t_max) = (f64::NEG_INFINITY, f64::INFINITY);
    for (alpha, beta, lo, hi) in constraints {
        if beta.abs() < 1e-12 {
            if alpha < lo - 1e-9 || alpha > hi + 1e-9 {
                return None;
            }
            continue;
        }
        let (t0, t1) = ((lo - alpha) / beta, (hi - alpha) / beta);
        t_min = t_min.max(t0.min(t1));
        t_max = t_max.min(t0.max(t1));
    }
    if !(t_min.is_finite() && t_max.is_finite()) || t_max - t_min < 1e-9 {
        return None;
    }
    Some(ReferenceLine { from: at(t_min), to: at(t_max) })
}

/// What the comparison layout knows of a series when choosing the one to show beside the
/// current one.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SeriesTraits {
    pub modality: String,
    pub body_part: String,
    /// Slice normal, when the series has one orientation.
    pub normal: Option<Vec3>,
    pub frames: usize,
}

/// The candidate best matching `current`: same modality first, then same body part, then same
/// orientation (normals within 30°), then the most frames; series without frames never.
pub fn best_match(current: &SeriesTraits, candidates: &[SeriesTraits]) -> Option<usize> {
    let score = |candidate: &SeriesTraits| {
        let same_orientation = match (current.normal, candidate.normal) {
            (Some(a), Some(b)) => vec3::dot(vec3::normalize(a), vec3::normalize(b)).abs() >= LINK_MAX_ANGLE_COS,
            _ => false,
        };
        let same_body_part = !current.body_part.trim().is_empty()
            && current.body_part.trim().eq_ignore_ascii_case(candidate.body_part.trim());
        let same_modality = current.modality.trim().eq_ignore_ascii_case(candidate.modality.trim());
        (same_modality, same_body_part, same_orientation, candidate.frames)
    };
    candidates
        .iter()
        .enumerate()
        .filter(|(_, c)| c.frames > 0)
        .max_by(|(i, a), (j, b)| score(a).cmp(&score(b)).then_with(|| j.cmp(i)))
        .map(|(index, _)| index)
}
