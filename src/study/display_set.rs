//! Display sets: what one viewport shows of a series. Single-frame images of a series are
//! stacked when they share Rows/Columns and orientation (PS3.3 C.7.6.2) and sorted along the
//! slice normal; each multi-frame instance is its own frame stack; objects without pixel data
//! are listed with no frames; derived objects (SEG, SR, ...) are not display sets.

use std::cmp::Ordering;

use super::geometry::{position_along_normal, regular_spacing, Orientation};
use super::meta::InstanceMeta;

/// Most frames listed for one instance; larger Number of Frames values are damaged headers
/// (2^20 frames of 8-bit 64×64 would already be 4 GiB) and only the first ones are listed.
pub const MAX_FRAMES_LISTED: u32 = 1 << 20;

/// One frame of one instance (`frame` counts from 0 within the instance).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameRef {
    pub source: u32,
    pub frame: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DisplaySet {
    /// Stable as instances arrive: the SOP Instance UID of a multi-frame or non-image
    /// instance; for stacked images, series, size and orientation rounded to 0.01.
    pub key: String,
    pub series_instance_uid: String,
    pub modality: String,
    pub description: String,
    /// Short text for a thumbnail: series number, description (else modality) and, when
    /// the series has several display sets, its rank among them.
    pub label: String,
    pub rows: u32,
    pub columns: u32,
    /// Frames in display order.
    pub frames: Vec<FrameRef>,
    pub is_multi_frame: bool,
    /// Distance between consecutive frames along the normal (mm) when they are regularly spaced.
    pub slice_spacing: Option<f64>,
    pub has_pixel_data: bool,
}

/// Position and orientation of a single-frame image: the Image Plane Module, else (enhanced
/// objects with one frame) its only per-frame functional group.
fn plane(meta: &InstanceMeta) -> (Option<[f64; 3]>, Option<Orientation>) {
    let position = meta.image_position.or(meta.frame_positions.first().copied().flatten());
    let cosines = meta.image_orientation.or(meta.frame_orientations.first().copied().flatten());
    (position, cosines.and_then(Orientation::from_cosines))
}

fn is_multi_frame(meta: &InstanceMeta) -> bool {
    meta.number_of_frames > 1
}

/// Orientation rounded to 0.01 for keys (`-0.00` written as `0.00`).
fn orientation_key(orientation: Option<Orientation>) -> String {
    match orientation {
        None => "none".into(),
        Some(o) => o
            .row
            .iter()
            .chain(&o.column)
            .map(|c| format!("{:.2}", c + 0.0).replace("-0.00", "0.00"))
            .collect::<Vec<_>>()
            .join(","),
    }
}

fn by_instance_number(a: &InstanceMeta, b: &InstanceMeta) -> Ordering {
    let number = |m: &InstanceMeta| (m.instance_number.is_none(), m.instance_number);
    number(a).cmp(&number(b)).then_with(|| a.sop_instance_uid.cmp(&b.sop_instance_uid))
}

/// A display set before its label is known.
fn new_set(key: String, first: &InstanceMeta, frames: Vec<FrameRef>, slice_spacing: Option<f64>) -> DisplaySet {
    DisplaySet {
        key,
        series_instance_uid: first.series_instance_uid.clone(),
        modality: first.modality.clone(),
        description: first.series_description.clone(),
        label: String::new(),
        rows: first.rows,
        columns: first.columns,
        is_multi_frame: is_multi_frame(first),
        has_pixel_data: first.has_pixel_data,
        frames,
        slice_spacing,
    }
}

/// Sorts images along the slice normal when every one has a position (ascending: the first
/// frame has the smallest projection, as Cornerstone3D's `sortImageIdsAndGetSpacing`, which
/// OHIF uses, orders volumes; for axial images this runs inferior → superior). Otherwise, or
/// for ties, Instance Number then SOP Instance UID. Returns the positions when sorted by them.
fn sort_stack(images: &mut [&InstanceMeta], orientation: Option<Orientation>) -> Option<Vec<f64>> {
    images.sort_by(|a, b| by_instance_number(a, b));
    let normal = orientation?.normal();
    let mut keyed: Vec<(f64, &InstanceMeta)> =
        images.iter().map(|m| plane(m).0.map(|p| (position_along_normal(p, normal), *m))).collect::<Option<_>>()?;
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| by_instance_number(a.1, b.1)));
    for (slot, (_, meta)) in images.iter_mut().zip(&keyed) {
        *slot = meta;
    }
    Some(keyed.into_iter().map(|(position, _)| position).collect())
}

/// Frames of a multi-frame instance: by per-frame position along the normal when every frame
/// has one and no two coincide (a SEG repeats positions per segment: frame order is kept),
/// else by frame number.
fn multi_frame_set(meta: &InstanceMeta) -> DisplaySet {
    let count = meta.number_of_frames.min(MAX_FRAMES_LISTED);
    let mut frames: Vec<FrameRef> = (0..count).map(|frame| FrameRef { source: meta.source, frame }).collect();
    let orientation = meta
        .image_orientation
        .or(meta.frame_orientations.first().copied().flatten())
        .and_then(Orientation::from_cosines);
    let positions: Option<Vec<[f64; 3]>> =
        (meta.frame_positions.len() == frames.len()).then(|| meta.frame_positions.iter().copied().collect()).flatten();
    let mut spacing = None;
    if let (Some(orientation), Some(positions)) = (orientation, positions) {
        let normal = orientation.normal();
        let mut keyed: Vec<(f64, FrameRef)> =
            positions.iter().map(|p| position_along_normal(*p, normal)).zip(frames.iter().copied()).collect();
        keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.frame.cmp(&b.1.frame)));
        if keyed.windows(2).all(|pair| pair[1].0 - pair[0].0 > 1e-6) {
            let sorted: Vec<f64> = keyed.iter().map(|(position, _)| *position).collect();
            spacing = regular_spacing(&sorted);
            frames = keyed.into_iter().map(|(_, frame)| frame).collect();
        }
    }
    new_set(meta.sop_instance_uid.clone(), meta, frames, spacing)
}

/// The display sets of one series (instances in any order), ordered by their first Instance
/// Number, then key, and labelled.
pub fn series_display_sets(instances: &[&InstanceMeta]) -> Vec<DisplaySet> {
    let mut sets: Vec<(Option<i64>, DisplaySet)> = Vec::new();
    // Stacks of single-frame images: (rows, columns, orientation, members), formed in a
    // canonical order so the grouping does not depend on the order of arrival.
    let mut stacks: Vec<(u32, u32, Option<Orientation>, Vec<&InstanceMeta>)> = Vec::new();
    let mut canonical: Vec<&InstanceMeta> = instances.to_vec();
    canonical.sort_by(|a, b| by_instance_number(a, b));
    // Derived objects (SEG, RTSTRUCT, SR, KOS, GSPS) are offered on the series they reference
    // (`crate::derived::matching`), never as display sets of their own.
    canonical.retain(|meta| meta.derived.kind.is_none());
    for meta in canonical {
        if !meta.has_pixel_data {
            sets.push((meta.instance_number, new_set(meta.sop_instance_uid.clone(), meta, Vec::new(), None)));
        } else if is_multi_frame(meta) {
            sets.push((meta.instance_number, multi_frame_set(meta)));
        } else {
            let orientation = plane(meta).1;
            let same = |stack: &&mut (u32, u32, Option<Orientation>, Vec<&InstanceMeta>)| {
                stack.0 == meta.rows
                    && stack.1 == meta.columns
                    && match (&stack.2, &orientation) {
                        (Some(a), Some(b)) => a.approx_eq(b),
                        (None, None) => true,
                        _ => false,
                    }
            };
            match stacks.iter_mut().find(same) {
                Some(stack) => stack.3.push(meta),
                None => stacks.push((meta.rows, meta.columns, orientation, vec![meta])),
            }
        }
    }
    for (rows, columns, orientation, mut images) in stacks {
        let first_number = images.first().and_then(|m| m.instance_number);
        let positions = sort_stack(&mut images, orientation);
        let frames = images.iter().map(|m| FrameRef { source: m.source, frame: 0 }).collect();
        let spacing = positions.as_deref().and_then(regular_spacing);
        let Some(first) = images.first() else { continue };
        let key = format!("{}/{rows}x{columns}/{}", first.series_instance_uid, orientation_key(orientation));
        sets.push((first_number, new_set(key, first, frames, spacing)));
    }
    sets.sort_by(|a, b| (a.0.is_none(), a.0).cmp(&(b.0.is_none(), b.0)).then_with(|| a.1.key.cmp(&b.1.key)));
    let count = sets.len();
    sets.into_iter()
        .enumerate()
        .map(|(index, (_, mut set))| {
            set.label = label(&set, instances, index, count);
            set
        })
        .collect()
}

fn label(set: &DisplaySet, instances: &[&InstanceMeta], index: usize, count: usize) -> String {
    let number = instances.first().and_then(|m| m.series_number).map(|n| format!("{n}: ")).unwrap_or_default();
    let name = if set.description.is_empty() { &set.modality } else { &set.description };
    let rank = if count > 1 { format!(" ({} of {count})", index + 1) } else { String::new() };
    format!("{number}{name}{rank}")
}
