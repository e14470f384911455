//! Derived objects on reformatted planes: the shown SEG, RTSTRUCT and SR objects of a volume's
//! display set, voxelised once per change of the objects or their style into a
//! `crate::volume::derived_labels::ColourVolume` (one byte per voxel), and their non-area
//! graphics kept per slice for projection. A plane then costs one lookup per pixel.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;

use crate::derived::{DerivedKind, SourceFrame};
use crate::viewer::layers::{FrameOverlays, Graphic, RgbaLayer};
use crate::volume::derived_labels::{opaque_fill, project_graphics, ColourVolume, SlicePlane};
use crate::volume::Plane;

use super::super::session::Session;
use super::super::volume::VolumeEntry;

/// The voxelised objects of one volume, for one drawing revision.
struct Voxelised {
    display_set: String,
    revision: u64,
    colours: Option<ColourVolume>,
    /// Non-area graphics per slice, with the slice's plane.
    graphics: Vec<(SlicePlane, Vec<Graphic>)>,
}

thread_local! {
    static CACHE: RefCell<Option<Rc<Voxelised>>> = const { RefCell::new(None) };
}

/// Kinds drawn on reformatted planes (presentation states and key-object selections belong to
/// the acquired images).
fn on_planes(kind: DerivedKind) -> bool {
    matches!(kind, DerivedKind::Segmentation | DerivedKind::RtStructureSet | DerivedKind::StructuredReport)
}

fn voxelise(session: &Session, entry: &VolumeEntry, revision: u64) -> Voxelised {
    let objects: Vec<_> = session
        .derived
        .entries()
        .into_iter()
        .filter(|e| on_planes(e.kind) && e.shown.get_untracked())
        .filter_map(|e| e.object().map(|object| (object, e.style.get_untracked())))
        .collect();
    let mut out = Voxelised { display_set: entry.display_set.clone(), revision, colours: None, graphics: Vec::new() };
    if objects.is_empty() {
        return out;
    }
    let grid = entry.volume.borrow().grid.clone();
    // As much memory as the volume's voxels at most (one byte per voxel against two).
    let budget = entry.volume.borrow().byte_len().max(1 << 20);
    let Ok(mut colours) = ColourVolume::new(&grid, budget) else { return out };
    let library = session.library.borrow();
    for (k, (source, frame)) in entry.frames.iter().enumerate() {
        let Some(meta) = library.instance(*source) else { continue };
        let source_frame = SourceFrame::of(meta, *frame);
        let mut loose = Vec::new();
        for (object, style) in &objects {
            let mut drawn = FrameOverlays::default();
            object.draw_on(&source_frame, &opaque_fill(style), &mut drawn);
            if drawn.is_empty() {
                continue;
            }
            colours.paint_slice(k as u32, &drawn, style);
            // Lines and points drawn with the real style (fills are in the colour volume).
            let mut styled = FrameOverlays::default();
            object.draw_on(&source_frame, style, &mut styled);
            loose.extend(styled.graphics.into_iter().filter(|g| g.fill_opacity <= 0.0 && !is_area_outline(g)));
        }
        if !loose.is_empty() {
            if let (Some(position), Some(o), Some([row_spacing, column_spacing])) =
                (source_frame.position_mm, source_frame.orientation, source_frame.pixel_spacing_mm)
            {
                let plane = SlicePlane {
                    origin_mm: position,
                    row_direction: [o[0], o[1], o[2]],
                    column_direction: [o[3], o[4], o[5]],
                    column_spacing_mm: column_spacing,
                    row_spacing_mm: row_spacing,
                };
                out.graphics.push((plane, loose));
            }
        }
    }
    out.colours = (colours.covered_voxels() > 0).then_some(colours);
    out
}

/// Closed polygons of structure sets are areas even when only outlined: the colour volume
/// draws their outline in the plane.
fn is_area_outline(graphic: &Graphic) -> bool {
    graphic.owner.0 == "rtstruct"
        && matches!(graphic.shape, crate::viewer::layers::Shape::Polyline { closed: true, .. })
}

/// What the shown derived objects draw on `plane` of `entry`'s volume: a layer on the plane's
/// pixel grid and graphics in its coordinates. `revision` changes whenever the objects or their
/// styles do (the caller tracks `session.derived.track_drawing()`).
pub fn plane_overlays(
    session: &Rc<Session>,
    entry: &VolumeEntry,
    plane: &Plane,
    revision: u64,
) -> (Option<RgbaLayer>, Vec<Graphic>) {
    let cached =
        CACHE.with(|c| c.borrow().clone()).filter(|v| v.display_set == entry.display_set && v.revision == revision);
    let voxelised = cached.unwrap_or_else(|| {
        let built = Rc::new(voxelise(session, entry, revision));
        CACHE.with(|c| *c.borrow_mut() = Some(built.clone()));
        built
    });
    let grid = entry.volume.borrow().grid.clone();
    let layer = voxelised.colours.as_ref().and_then(|c| c.plane_layer(&grid, plane));
    // Graphics within half a voxel step of the plane.
    let tolerance_mm = grid.slice_spacing_mm().max(grid.column_spacing_mm).max(grid.row_spacing_mm) / 2.0;
    let graphics = voxelised
        .graphics
        .iter()
        .flat_map(|(from, graphics)| project_graphics(graphics, from, plane, tolerance_mm))
        .collect();
    (layer, graphics)
}
