//! Linked series (src/volume/linking.rs): frame positions along the normal, the nearest frame
//! by position, frames of reference and manual offsets, reference lines, the series chosen for
//! a comparison. Expected values are worked out here from the planes (by hand or brute force),
//! not taken from the code under test.

use std::path::{Path, PathBuf};

use dicom_viewer::study::{InstanceMeta, StudyLibrary};
use dicom_viewer::volume::linking::{
    best_match, linked_frame, reference_line, LinkState, SeriesTraits, StackPositions,
};
use dicom_viewer::volume::SliceGeometry;

fn corpus() -> PathBuf {
    PathBuf::from(
        std::env::var("DICOM_CORPUS")
            .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/dicom").into()),
    )
}

fn dicom_files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e} (set DICOM_CORPUS)", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().and_then(|e| e.to_str()) == Some("dcm"))
        .collect();
    out.sort();
    out
}

/// A plane of `rows`×`columns` pixels of `spacing` mm with first-pixel centre `position`.
fn plane(position: [f64; 3], row: [f64; 3], column: [f64; 3], spacing: f64, rows: u32, columns: u32) -> SliceGeometry {
    SliceGeometry {
        position_mm: position,
        row_direction: row,
        column_direction: column,
        pixel_spacing_mm: [spacing, spacing],
        rows,
        columns,
    }
}

fn axial(z: f64) -> SliceGeometry {
    plane([-50.0, -50.0, z], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], 1.0, 100, 100)
}

/// `count` axial slices from `z0` every `step` mm.
fn axial_stack(z0: f64, step: f64, count: usize) -> Vec<Option<SliceGeometry>> {
    (0..count).map(|k| Some(axial(z0 + step * k as f64))).collect()
}

fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance
}

fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

#[test]
fn positions_of_the_mr_series_follow_its_normal() {
    // mr-series-128: IOP 0\-1\0\1\0\0 (rows run anterior); normal = row × column worked out
    // here by hand: (0,-1,0) × (1,0,0) = (-1·0 − 0·0, 0·1 − 0·0, 0·0 − (−1)·1) = (0, 0, 1).
    let mut library = StudyLibrary::new();
    for (source, path) in dicom_files(&corpus().join("mr-series-128")).iter().enumerate() {
        library.add(InstanceMeta::from_bytes(source as u32, &std::fs::read(path).unwrap()).unwrap());
    }
    let set = &library.patients()[0].studies[0].series[0].display_sets[0];
    assert_eq!(set.frames.len(), 128);
    let planes: Vec<Option<SliceGeometry>> =
        set.frames.iter().map(|f| SliceGeometry::of(library.instance(f.source).unwrap(), f.frame)).collect();
    let stack = StackPositions::new(&planes, None).expect("a stack");
    assert!(close(stack.normal[2].abs(), 1.0, 1e-9), "normal {:?}", stack.normal);
    let expected: Vec<f64> = set
        .frames
        .iter()
        .map(|f| dot(library.instance(f.source).unwrap().image_position.unwrap(), stack.normal))
        .collect();
    for (k, (got, want)) in stack.positions_mm.iter().zip(&expected).enumerate() {
        assert!(close(got.unwrap(), *want, 1e-9), "frame {k}: {got:?} vs {want}");
    }
    let step = (expected[127] - expected[0]) / 127.0;
    assert!(close(stack.spacing_mm, step.abs(), 1e-3), "spacing {} vs {step}", stack.spacing_mm);
    // Every slice's own centre finds that slice.
    for (k, p) in planes.iter().enumerate() {
        let centre = dicom_viewer::volume::linking::slice_centre_mm(p.as_ref().unwrap());
        assert_eq!(stack.nearest_frame(centre), Some(k as u32));
    }
}

#[test]
fn the_nearest_frame_is_found_by_position_not_index() {
    // Series A: 5 mm from z = 0 (21 slices); B: 2.5 mm from z = 12.5 (40 slices), descending
    // display order to make index and position disagree even more.
    let a = axial_stack(0.0, 5.0, 21);
    let mut b = axial_stack(12.5, 2.5, 40);
    b.reverse();
    let stack_b = StackPositions::new(&b, None).unwrap();
    let link = LinkState { enabled: true, ..LinkState::default() };
    let mut differs = 0;
    for (k, slice) in a.iter().enumerate() {
        let slice = slice.as_ref().unwrap();
        let z = slice.position_mm[2];
        // Brute force: the B slice with the smallest |Δz|, none beyond half a step outside.
        let zs: Vec<f64> = b.iter().map(|p| p.as_ref().unwrap().position_mm[2]).collect();
        let (lo, hi) = (12.5 - 1.25, 12.5 + 2.5 * 39.0 + 1.25);
        let expected = (z >= lo && z <= hi)
            .then(|| (0..zs.len()).min_by(|&i, &j| (zs[i] - z).abs().total_cmp(&(zs[j] - z).abs())).unwrap() as u32);
        let got = linked_frame(&link, "1.2.3", slice, "1.2.3", &stack_b);
        assert_eq!(got, expected, "slice {k} at z = {z}");
        if got.is_some_and(|g| g as usize != k) {
            differs += 1;
        }
    }
    assert!(differs > 10, "index and position should disagree");
}

#[test]
fn beyond_half_a_spacing_outside_the_stack_is_no_frame() {
    let stack = StackPositions::new(&axial_stack(0.0, 4.0, 10), None).unwrap();
    assert_eq!(stack.spacing_mm, 4.0);
    assert_eq!(stack.nearest_frame([0.0, 0.0, 36.0 + 1.9]), Some(9));
    assert_eq!(stack.nearest_frame([0.0, 0.0, 36.0 + 2.1]), None);
    assert_eq!(stack.nearest_frame([0.0, 0.0, -1.9]), Some(0));
    assert_eq!(stack.nearest_frame([0.0, 0.0, -2.1]), None);
    // In-plane position does not matter, only the distance along the normal.
    assert_eq!(stack.nearest_frame([500.0, -300.0, 13.0]), Some(3));
    // A single slice uses its thickness.
    let single = StackPositions::new(&axial_stack(10.0, 1.0, 1), Some(3.0)).unwrap();
    assert_eq!(single.nearest_frame([0.0, 0.0, 11.4]), Some(0));
    assert_eq!(single.nearest_frame([0.0, 0.0, 11.6]), None);
    // Frames without a plane are never chosen and do not shift the others' indexes.
    let mut holes = axial_stack(0.0, 4.0, 5);
    holes[2] = None;
    let stack = StackPositions::new(&holes, None).unwrap();
    assert_eq!(stack.positions_mm[2], None);
    assert_eq!(stack.nearest_frame([0.0, 0.0, 12.0]), Some(3));
    assert!(StackPositions::new(&[None, None], None).is_none());
}

#[test]
fn series_link_by_frame_of_reference_or_a_manual_offset() {
    let mut link = LinkState { enabled: true, ..LinkState::default() };
    assert_eq!(link.offset_mm("1.2.3", "1.2.3"), Some([0.0; 3]));
    assert_eq!(link.offset_mm("1.2.3", "9.8.7"), None);
    assert_eq!(link.offset_mm("", ""), None, "an unknown frame of reference links nothing");

    // Prior: same anatomy 30 mm higher in its own frame of reference, 3 mm slices.
    let current = axial_stack(0.0, 5.0, 20);
    let prior = axial_stack(30.0, 3.0, 40);
    let prior_stack = StackPositions::new(&prior, None).unwrap();
    assert_eq!(linked_frame(&link, "1.2.3", current[4].as_ref().unwrap(), "9.8.7", &prior_stack), None);

    // "Link here": current slice 4 (z = 20) ↔ prior slice 7 (z = 51): offset (0, 0, 31).
    assert!(link.link_here("1.2.3", current[4].as_ref().unwrap(), "9.8.7", prior[7].as_ref().unwrap()));
    assert_eq!(link.offset_mm("1.2.3", "9.8.7"), Some([0.0, 0.0, 31.0]));
    assert_eq!(link.offset_mm("9.8.7", "1.2.3"), Some([0.0, 0.0, -31.0]));
    assert_eq!(linked_frame(&link, "1.2.3", current[4].as_ref().unwrap(), "9.8.7", &prior_stack), Some(7));
    // Slice 10 (z = 50) → prior z = 81 → index (81 − 30) / 3 = 17.
    assert_eq!(linked_frame(&link, "1.2.3", current[10].as_ref().unwrap(), "9.8.7", &prior_stack), Some(17));
    // And back: prior slice 17 (z = 81) → z = 50 → current slice 10.
    let current_stack = StackPositions::new(&current, None).unwrap();
    assert_eq!(linked_frame(&link, "9.8.7", prior[17].as_ref().unwrap(), "1.2.3", &current_stack), Some(10));

    // Linking again replaces the pair's offset (either direction): prior slice 0 ↔ current 0.
    assert!(link.link_here("9.8.7", prior[0].as_ref().unwrap(), "1.2.3", current[0].as_ref().unwrap()));
    assert_eq!(link.manual.len(), 1);
    assert_eq!(link.offset_mm("1.2.3", "9.8.7"), Some([0.0, 0.0, 30.0]));
    // One frame of reference needs no manual link.
    assert!(!link.link_here("1.2.3", current[0].as_ref().unwrap(), "1.2.3", current[1].as_ref().unwrap()));
    assert_eq!(link.offset_mm("1.2.3", "1.2.3"), Some([0.0; 3]));
}

#[test]
fn only_near_parallel_stacks_follow() {
    let link = LinkState { enabled: true, ..LinkState::default() };
    let sagittal: Vec<Option<SliceGeometry>> = (0..50)
        .map(|k| Some(plane([k as f64 - 25.0, -50.0, 50.0], [0.0, 1.0, 0.0], [0.0, 0.0, -1.0], 1.0, 100, 100)))
        .collect();
    let sagittal_stack = StackPositions::new(&sagittal, None).unwrap();
    assert_eq!(linked_frame(&link, "1", &axial(10.0), "1", &sagittal_stack), None);
    // A 20° oblique axial stack still follows.
    let (s, c) = 20f64.to_radians().sin_cos();
    let oblique: Vec<Option<SliceGeometry>> = (0..30)
        .map(|k| {
            let z = 2.0 * k as f64;
            Some(plane([-50.0, -50.0 * c, z - 50.0 * s], [1.0, 0.0, 0.0], [0.0, c, s], 1.0, 100, 100))
        })
        .collect();
    let oblique_stack = StackPositions::new(&oblique, None).unwrap();
    assert!(linked_frame(&link, "1", &axial(20.0), "1", &oblique_stack).is_some());
}

#[test]
fn reference_line_of_an_axial_slice_on_a_sagittal_localizer() {
    // Localizer: rows along +y (posterior), columns along −z (feet); first pixel centre at
    // (0, −100, 100); 200×200 pixels of 1 mm. Pixel centre (c + 0.5, r + 0.5) lies at
    // y = −100 + c, z = 100 − r.
    let localizer = plane([0.0, -100.0, 100.0], [0.0, 1.0, 0.0], [0.0, 0.0, -1.0], 1.0, 200, 200);
    // Axial slice at z = 20: rows r with z = 100 − (y_img − 0.5) = 20 → y_img = 80.5. Its field
    // of view in y runs from −50.5 to 49.5 (pixel edges) → x_img = y + 100.5 from 50 to 150.
    let line = reference_line(&axial(20.0), [0.0; 3], &localizer).expect("a line");
    let (mut a, mut b) = (line.from, line.to);
    if a.0 > b.0 {
        std::mem::swap(&mut a, &mut b);
    }
    for (got, want) in [(a, (50.0, 80.5)), (b, (150.0, 80.5))] {
        assert!(close(got.0, want.0, 1e-9) && close(got.1, want.1, 1e-9), "{line:?}");
    }
    // With a 15 mm offset into the localizer's frame of reference the line moves 15 mm up
    // (z = 35 → y_img = 65.5).
    let moved = reference_line(&axial(20.0), [0.0, 0.0, 15.0], &localizer).unwrap();
    assert!(close(moved.from.1, 65.5, 1e-9) && close(moved.to.1, 65.5, 1e-9), "{moved:?}");
}

#[test]
fn reference_lines_are_clipped_and_absent_for_parallel_or_missing_planes() {
    let localizer = plane([0.0, -100.0, 100.0], [0.0, 1.0, 0.0], [0.0, 0.0, -1.0], 1.0, 200, 200);
    // An axial slice wider than the localizer is clipped to the localizer's columns [0, 200].
    let wide = plane([-300.0, -300.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], 1.0, 600, 600);
    let line = reference_line(&wide, [0.0; 3], &localizer).unwrap();
    let mut xs = [line.from.0, line.to.0];
    xs.sort_by(f64::total_cmp);
    assert!(close(xs[0], 0.0, 1e-9) && close(xs[1], 200.0, 1e-9), "{line:?}");
    assert!(close(line.from.1, 100.5, 1e-9));
    // Parallel planes: none, whatever the distance.
    assert_eq!(reference_line(&axial(0.0), [0.0; 3], &axial(0.0)), None);
    assert_eq!(reference_line(&axial(0.0), [0.0; 3], &axial(7.0)), None);
    // An axial slice above the localizer (z = 150 > 100.5): none.
    assert_eq!(reference_line(&axial(150.0), [0.0; 3], &localizer), None);
    // An axial slice beside the localizer (its x range misses x = 0): none.
    let beside = plane([10.0, -50.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], 1.0, 100, 100);
    assert_eq!(reference_line(&beside, [0.0; 3], &localizer), None);
}

#[test]
fn an_oblique_reference_line_lies_on_both_planes_inside_both_images() {
    // Coronal target (rows +x, columns −z), 0.8 mm pixels; source axial tilted 30° about x.
    let target = plane([-100.0, 5.0, 80.0], [1.0, 0.0, 0.0], [0.0, 0.0, -1.0], 0.8, 220, 250);
    let (s, c) = 30f64.to_radians().sin_cos();
    let source = plane([-60.0, -60.0 * c, 10.0 - 60.0 * s], [1.0, 0.0, 0.0], [0.0, c, s], 0.5, 240, 200);
    let line = reference_line(&source, [0.0; 3], &target).expect("a line");
    let normal_s = [0.0, -s, c]; // row × column = (1,0,0) × (0,c,s) = (0, −s, c)
    for (x, y) in [line.from, line.to] {
        // Back to patient space through the target plane (pixel centre at +0.5).
        let p = [-100.0 + (x - 0.5) * 0.8, 5.0, 80.0 - (y - 0.5) * 0.8];
        let d =
            dot([p[0] - source.position_mm[0], p[1] - source.position_mm[1], p[2] - source.position_mm[2]], normal_s);
        assert!(d.abs() < 1e-9, "endpoint {x},{y} is {d} mm off the source plane");
        assert!((-1e-9..=250.0 + 1e-9).contains(&x) && (-1e-9..=220.0 + 1e-9).contains(&y));
        // Inside the source image too.
        let q = [p[0] - source.position_mm[0], p[1] - source.position_mm[1], p[2] - source.position_mm[2]];
        let u = dot(q, [1.0, 0.0, 0.0]) / 0.5 + 0.5;
        let v = dot(q, [0.0, c, s]) / 0.5 + 0.5;
        assert!((-1e-9..=200.0 + 1e-9).contains(&u) && (-1e-9..=240.0 + 1e-9).contains(&v), "u {u} v {v}");
    }
    let length = ((line.to.0 - line.from.0).powi(2) + (line.to.1 - line.from.1).powi(2)).sqrt();
    // The source spans x from −60.25 to 39.75 (100 mm) inside the target's x range: 125 px.
    assert!(close(length, 100.0 / 0.8, 1e-6), "length {length}");
}

#[test]
fn the_comparison_shows_the_series_most_like_the_current_one() {
    let traits = |modality: &str, body: &str, normal: Option<[f64; 3]>, frames| SeriesTraits {
        modality: modality.into(),
        body_part: body.into(),
        normal,
        frames,
    };
    let current = traits("CT", "CHEST", Some([0.0, 0.0, 1.0]), 100);
    let candidates = vec![
        traits("MR", "CHEST", Some([0.0, 0.0, 1.0]), 200),
        traits("CT", "HEAD", Some([0.0, 0.0, 1.0]), 150),
        traits("CT", "CHEST", Some([1.0, 0.0, 0.0]), 90),
        traits("CT", "CHEST", Some([0.0, 0.0, -1.0]), 60),
        traits("CT", "CHEST", Some([0.0, 0.0, 1.0]), 0),
    ];
    // Same modality, body part and (anti-parallel counts) orientation: index 3.
    assert_eq!(best_match(&current, &candidates), Some(3));
    assert_eq!(best_match(&current, &candidates[..3]), Some(2));
    assert_eq!(best_match(&current, &candidates[..2]), Some(1));
    assert_eq!(best_match(&current, &candidates[..1]), Some(0));
    assert_eq!(best_match(&current, &candidates[4..]), None);
    assert_eq!(best_match(&current, &[]), None);
}
