//! The MPR state (`dicom_viewer::volume::mpr`) on the 128-slice axial MR of the corpus (rows run
//! anterior, columns to the left: not the identity orientation): the three planes show the
//! acquired voxels, the crosshair centre moves the other planes by the dragged distance, scroll
//! steps one voxel, reference lines, rotation to obliques and their orientation letters, slabs.
//! Expected values come from an independent reading of the files' Image Position/Orientation
//! and Pixel Spacing (not through `Grid`).

use std::path::PathBuf;

use dicom_viewer::study::InstanceMeta;
use dicom_viewer::viewer::orientation::edge_labels;
use dicom_viewer::viewer::transform::ViewTransform;
use dicom_viewer::volume::mpr::{MprAxis, MprState};
use dicom_viewer::volume::{reslice, Grid, Slab, SlabMode, SliceGeometry, Volume, VoxelKind};

mod common;

fn mr_dir() -> PathBuf {
    common::corpus().join("mr-series-128")
}

/// One acquired slice: its plane and stored values.
struct Slice {
    position: [f64; 3],
    row: [f64; 3],
    column: [f64; 3],
    spacing: [f64; 2],
    columns: usize,
    rows: usize,
    values: Vec<f64>,
}

impl Slice {
    /// Stored value at patient point `p` if it lies on a pixel centre of this slice (within 1e-6 mm).
    fn value_at(&self, p: [f64; 3]) -> Option<f64> {
        let d = [p[0] - self.position[0], p[1] - self.position[1], p[2] - self.position[2]];
        let dot = |a: [f64; 3], b: [f64; 3]| a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
        let normal = [
            self.row[1] * self.column[2] - self.row[2] * self.column[1],
            self.row[2] * self.column[0] - self.row[0] * self.column[2],
            self.row[0] * self.column[1] - self.row[1] * self.column[0],
        ];
        if dot(d, normal).abs() > 1e-6 {
            return None;
        }
        let c = dot(d, self.row) / self.spacing[1];
        let r = dot(d, self.column) / self.spacing[0];
        let (cr, rr) = (c.round(), r.round());
        if (c - cr).abs() > 1e-6 || (r - rr).abs() > 1e-6 || cr < 0.0 || rr < 0.0 {
            return None;
        }
        let (cr, rr) = (cr as usize, rr as usize);
        (cr < self.columns && rr < self.rows).then(|| self.values[rr * self.columns + cr])
    }
}

struct Mr {
    slices: Vec<Slice>,
    volume: Volume,
}

fn load_mr() -> Mr {
    let mut entries: Vec<(InstanceMeta, Vec<u8>)> = std::fs::read_dir(mr_dir())
        .expect("the corpus MR series")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "dcm"))
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (InstanceMeta::from_bytes(0, &bytes).unwrap(), bytes)
        })
        .collect();
    assert_eq!(entries.len(), 128);
    // Along the slice normal (the display set's order).
    entries.sort_by(|a, b| a.0.image_position.unwrap()[2].total_cmp(&b.0.image_position.unwrap()[2]));
    let geometry: Vec<SliceGeometry> = entries.iter().map(|(m, _)| SliceGeometry::of(m, 0).unwrap()).collect();
    let grid = Grid::from_slices(&geometry).unwrap();
    let (first, _) = dicom_viewer::api::decode_frame(&entries[0].1, 0).unwrap();
    let layout = first.info.layout;
    let kind = VoxelKind::for_slices(layout.bits_allocated, layout.signed, false, true);
    let mut volume = Volume::new(grid, kind, first.info.modality_lut(0), u64::MAX).unwrap();
    let mut slices = Vec::new();
    for (k, (meta, bytes)) in entries.iter().enumerate() {
        let (image, frame) = dicom_viewer::api::decode_frame(bytes, 0).unwrap();
        volume.insert_slice(k as u32, &frame, &image.info.modality_lut(0)).unwrap();
        let o = meta.image_orientation.unwrap();
        slices.push(Slice {
            position: meta.image_position.unwrap(),
            row: [o[0], o[1], o[2]],
            column: [o[3], o[4], o[5]],
            spacing: meta.pixel_spacing.unwrap(),
            columns: meta.columns as usize,
            rows: meta.rows as usize,
            values: (0..frame.pixels.len()).map(|i| frame.pixels.get_f64(i).unwrap()).collect(),
        });
    }
    assert!(volume.is_complete());
    Mr { slices, volume }
}

/// The acquired value at patient point `p` (a voxel centre), from whichever slice holds it.
fn acquired(mr: &Mr, p: [f64; 3]) -> Option<f64> {
    mr.slices.iter().find_map(|s| s.value_at(p))
}

/// Every pixel of `axis`'s plane that lies in the volume equals the acquired voxel there; returns
/// how many were compared.
fn plane_equals_acquired(mr: &Mr, state: &MprState, axis: MprAxis) -> usize {
    let plane = state.plane(axis, &mr.volume);
    let resliced = reslice(&mr.volume, &plane, None);
    let mut compared = 0;
    for y in 0..plane.rows {
        for x in 0..plane.columns {
            let p = plane.pixel_to_patient(f64::from(x), f64::from(y));
            // Round off float noise so the point lands exactly on the voxel centre.
            let p = p.map(|v| (v * 1e6).round() / 1e6);
            if let Some(expected) = acquired(mr, p) {
                let got = resliced.frame.pixels.get_f64((y * plane.columns + x) as usize).unwrap();
                assert_eq!(got, expected, "{} plane pixel ({x}, {y}) at {p:?}", axis.name());
                compared += 1;
            }
        }
    }
    compared
}

#[test]
fn the_three_planes_show_the_acquired_voxels() {
    let mr = load_mr();
    let state = MprState::new(Some("mr".into()));
    // Voxel nearest the middle: column 63, row 63, slice 63 (128 of each).
    let centre = state.centre(&mr.volume);
    let expected_centre = {
        let s = &mr.slices[63];
        [
            s.position[0] + 63.0 * s.row[0] * s.spacing[1] + 63.0 * s.column[0] * s.spacing[0],
            s.position[1] + 63.0 * s.row[1] * s.spacing[1] + 63.0 * s.column[1] * s.spacing[0],
            s.position[2] + 63.0 * s.row[2] * s.spacing[1] + 63.0 * s.column[2] * s.spacing[0],
        ]
    };
    for (a, b) in centre.iter().zip(expected_centre) {
        assert!((a - b).abs() < 1e-9, "centre {centre:?}, expected {expected_centre:?}");
    }
    // Each plane covers a whole 128 × 128 face of the volume.
    for axis in MprAxis::ALL {
        let compared = plane_equals_acquired(&mr, &state, axis);
        assert_eq!(compared, 128 * 128, "{}", axis.name());
        assert_eq!(state.index(axis, &mr.volume), 63);
    }
    // The axial plane is the acquired slice 63 (same z), shown in the standard orientation.
    let plane = state.plane(MprAxis::Axial, &mr.volume);
    assert!((plane.origin_mm[2] - mr.slices[63].position[2]).abs() < 1e-9);
}

#[test]
fn dragging_the_centre_in_the_axial_view_moves_the_other_planes_by_the_distance() {
    let mr = load_mr();
    let mut state = MprState::new(None);
    let plane = state.plane(MprAxis::Axial, &mr.volume);
    let (cx, cy) = state.centre_in(&plane, &mr.volume);
    // 10 pixels right (patient +x) and 7 down (patient +y) on the axial plane, 1 mm pixels.
    state.move_centre(MprAxis::Axial, &plane, (cx + 10.0, cy + 7.0), &mr.volume);
    // Independently: the MR's rows run along −y (column index i), its columns along +x (row
    // index j), so +10 mm in x is 10 rows further, +7 mm in y is 7 columns back.
    let s = &mr.slices[0];
    assert_eq!((s.row, s.column), ([0.0, -1.0, 0.0], [1.0, 0.0, 0.0]));
    let sagittal = state.index(MprAxis::Sagittal, &mr.volume);
    let coronal = state.index(MprAxis::Coronal, &mr.volume);
    assert_eq!((sagittal, coronal), (63 + 10, 63 - 7));
    // The axial plane stays; the moved planes still show acquired voxels.
    assert_eq!(state.index(MprAxis::Axial, &mr.volume), 63);
    assert_eq!(state.plane(MprAxis::Axial, &mr.volume).origin_mm[2], plane.origin_mm[2]);
    assert_eq!(plane_equals_acquired(&mr, &state, MprAxis::Sagittal), 128 * 128);
    assert_eq!(plane_equals_acquired(&mr, &state, MprAxis::Coronal), 128 * 128);
    // A drag off the voxel grid snaps to the nearest voxel centre in the plane.
    let plane = state.plane(MprAxis::Axial, &mr.volume);
    let (cx, cy) = state.centre_in(&plane, &mr.volume);
    state.move_centre(MprAxis::Axial, &plane, (cx + 0.4, cy - 2.6), &mr.volume);
    assert_eq!(state.index(MprAxis::Sagittal, &mr.volume), 73);
    assert_eq!(state.index(MprAxis::Coronal, &mr.volume), 56 + 3);
    assert_eq!(plane_equals_acquired(&mr, &state, MprAxis::Axial), 128 * 128);
}

#[test]
fn scrolling_moves_one_voxel_along_the_normal_and_stops_at_the_ends() {
    let mr = load_mr();
    let mut state = MprState::new(None);
    state.scroll(MprAxis::Axial, 3, &mr.volume);
    assert_eq!(state.index(MprAxis::Axial, &mr.volume), 66);
    assert_eq!(state.index(MprAxis::Sagittal, &mr.volume), 63);
    let plane = state.plane(MprAxis::Axial, &mr.volume);
    assert!((plane.origin_mm[2] - mr.slices[66].position[2]).abs() < 1e-9);
    assert_eq!(plane_equals_acquired(&mr, &state, MprAxis::Axial), 128 * 128);
    // Sagittal normal is −x: +1 step goes to the patient's right, row index j − 1.
    state.scroll(MprAxis::Sagittal, 1, &mr.volume);
    assert_eq!(state.index(MprAxis::Sagittal, &mr.volume), 62);
    state.scroll(MprAxis::Axial, 1000, &mr.volume);
    assert_eq!(state.index(MprAxis::Axial, &mr.volume), 127);
    state.scroll(MprAxis::Axial, -1000, &mr.volume);
    assert_eq!(state.index(MprAxis::Axial, &mr.volume), 0);
    assert_eq!(state.index_count(MprAxis::Axial, &mr.volume), 128);
}

#[test]
fn reference_lines_cross_at_the_centre_and_end_at_the_plane_edges() {
    let mr = load_mr();
    let mut state = MprState::new(None);
    let plane = state.plane(MprAxis::Axial, &mr.volume);
    state.move_centre(MprAxis::Axial, &plane, (80.0, 30.0), &mr.volume);
    let plane = state.plane(MprAxis::Axial, &mr.volume);
    let (cx, cy) = state.centre_in(&plane, &mr.volume);
    let (w, h) = (f64::from(plane.columns) - 0.5, f64::from(plane.rows) - 0.5);
    // Sagittal (x = const) is vertical through the centre, coronal (y = const) horizontal.
    let ((ax, ay), (bx, by)) = state.reference_line(&plane, MprAxis::Sagittal, &mr.volume).unwrap();
    assert!((ax - cx).abs() < 1e-9 && (bx - cx).abs() < 1e-9);
    assert!((ay.min(by) + 0.5).abs() < 1e-9 && (ay.max(by) - h).abs() < 1e-9);
    let ((ax, ay), (bx, by)) = state.reference_line(&plane, MprAxis::Coronal, &mr.volume).unwrap();
    assert!((ay - cy).abs() < 1e-9 && (by - cy).abs() < 1e-9);
    assert!((ax.min(bx) + 0.5).abs() < 1e-9 && (ax.max(bx) - w).abs() < 1e-9);
    // A plane is not drawn in itself.
    assert!(state.reference_line(&plane, MprAxis::Axial, &mr.volume).is_none());
    // In the sagittal view the axial line is horizontal at the centre's height.
    let sagittal = state.plane(MprAxis::Sagittal, &mr.volume);
    let (_, sy) = state.centre_in(&sagittal, &mr.volume);
    let ((_, ay), (_, by)) = state.reference_line(&sagittal, MprAxis::Axial, &mr.volume).unwrap();
    assert!((ay - sy).abs() < 1e-9 && (by - sy).abs() < 1e-9);
}

#[test]
fn rotating_in_the_axial_view_makes_oblique_planes_with_their_letters() {
    let mr = load_mr();
    let mut state = MprState::new(None);
    let letters = |state: &MprState, axis: MprAxis| {
        let e = edge_labels(state.plane(axis, &mr.volume).orientation(), &ViewTransform::default());
        [e.left, e.right, e.top, e.bottom]
    };
    assert_eq!(letters(&state, MprAxis::Axial), ["R", "L", "A", "P"]);
    assert_eq!(letters(&state, MprAxis::Sagittal), ["A", "P", "H", "F"]);
    assert_eq!(letters(&state, MprAxis::Coronal), ["R", "L", "H", "F"]);
    state.rotate(MprAxis::Axial, 30f64.to_radians());
    // The axial view keeps its image; the sagittal line in it now runs at 30° from vertical.
    assert_eq!(letters(&state, MprAxis::Axial), ["R", "L", "A", "P"]);
    let axial = state.plane(MprAxis::Axial, &mr.volume);
    let ((ax, ay), (bx, by)) = state.reference_line(&axial, MprAxis::Sagittal, &mr.volume).unwrap();
    let angle = ((bx - ax) / (by - ay)).atan().to_degrees().abs();
    assert!((angle - 30.0).abs() < 1e-6, "{angle}");
    // Rows of the sagittal plane run posterior turned 30° toward the patient's right: "PR" (cos 30 > sin 30).
    assert_eq!(letters(&state, MprAxis::Sagittal), ["AL", "PR", "H", "F"]);
    assert_eq!(letters(&state, MprAxis::Coronal), ["RA", "LP", "H", "F"]);
    // The oblique sagittal plane passes through the centre and holds the vertical (−z) line
    // through it; its normal lies in the axial plane, 30° from −x.
    let sagittal = state.plane(MprAxis::Sagittal, &mr.volume);
    let centre = state.centre(&mr.volume);
    for t in [-40.0, 0.0, 25.0] {
        let (_, _, off) = sagittal.patient_to_pixel([centre[0], centre[1], centre[2] + t]);
        assert!(off.abs() < 1e-9, "{t}: {off} mm off the plane");
    }
    let n = sagittal.normal();
    assert!((n[0] + 30f64.to_radians().cos()).abs() < 1e-12 && n[2].abs() < 1e-12, "{n:?}");
    // Where its centre column meets voxel centres, the values are the acquired ones.
    let resliced = reslice(&mr.volume, &sagittal, None);
    let (cx, _) = state.centre_in(&sagittal, &mr.volume);
    if (cx - cx.round()).abs() < 1e-9 {
        let cx = cx.round() as u32;
        for y in 0..sagittal.rows {
            let p = sagittal.pixel_to_patient(f64::from(cx), f64::from(y)).map(|v| (v * 1e6).round() / 1e6);
            if let Some(expected) = acquired(&mr, p) {
                let got = resliced.frame.pixels.get_f64((y * sagittal.columns + cx) as usize).unwrap();
                assert_eq!(got, expected, "({cx}, {y})");
            }
        }
    }
    // Perpendicular after a second rotation in another view.
    state.rotate(MprAxis::Coronal, -20f64.to_radians());
    let n: Vec<[f64; 3]> = MprAxis::ALL.iter().map(|a| state.axes_of(*a).normal()).collect();
    let dot = |a: [f64; 3], b: [f64; 3]| a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    assert!(dot(n[0], n[1]).abs() < 1e-12 && dot(n[0], n[2]).abs() < 1e-12 && dot(n[1], n[2]).abs() < 1e-12);
    assert_ne!(letters(&state, MprAxis::Axial), ["R", "L", "A", "P"]);
}

#[test]
fn a_maximum_slab_on_the_sagittal_plane_is_the_maximum_of_the_neighbouring_planes() {
    let mr = load_mr();
    let mut state = MprState::new(None);
    // The MR is a solid shape of few grey levels: toward its edge (row index 20) its outline
    // changes from one sagittal plane to the next, so the maximum differs from the thin plane.
    state.scroll(MprAxis::Sagittal, 43, &mr.volume);
    assert_eq!(state.index(MprAxis::Sagittal, &mr.volume), 20);
    state.slab = Some(Slab { mode: SlabMode::Maximum, thickness_mm: 4.0 });
    let plane = state.plane(MprAxis::Sagittal, &mr.volume);
    let slab = reslice(&mr.volume, &plane, state.slab);
    // Brute force: the maximum over the five sagittal planes 2 mm either side (1 mm voxels).
    let mut differing = 0;
    let mut above_centre = 0;
    for y in 0..plane.rows {
        for x in 0..plane.columns {
            let p = plane.pixel_to_patient(f64::from(x), f64::from(y));
            let values: Vec<f64> = (-2..=2)
                .filter_map(|d| {
                    let q = [p[0] + f64::from(d), p[1], p[2]].map(|v| (v * 1e6).round() / 1e6);
                    acquired(&mr, q)
                })
                .collect();
            let Some(max) = values.iter().copied().reduce(f64::max) else { continue };
            let got = slab.frame.pixels.get_f64((y * plane.columns + x) as usize).unwrap();
            if got != max {
                differing += 1;
            }
            if max > values[2] {
                above_centre += 1;
            }
        }
    }
    assert_eq!(differing, 0);
    assert!(above_centre > 100, "the slab must differ from the thin plane somewhere ({above_centre})");
}
