//! Volumes end to end in plain Rust: series written as DICOM files, read through the header
//! parser, checked (`volume::geometry`), placed on a grid and filled with decoded frames; then
//! every reformatted plane and slab compared with a reference written here from the
//! definitions — the analytic 3-D Shepp–Logan phantom and a trilinear resampler that never
//! calls `dicom_viewer::volume`'s sampling.
//!
//! Tolerance: the viewer returns planes at the stored width (signed 16-bit), rounding its
//! interpolated value, so each pixel must equal the reference's trilinear interpolation of the
//! analytic voxel values within 0.5 (+1e-6 for floating-point order); where all eight voxels
//! around a pixel hold the analytic value of the pixel itself (away from ellipsoid edges) the
//! pixel must equal that value exactly. The counts of both kinds are printed.

mod volume_support;

use std::path::PathBuf;

use dicom_dictionary_std::tags;
use dicom_viewer::dicom::Frame;
use dicom_viewer::i18n::Lang;
use dicom_viewer::pipeline::{ModalityLut, PixelValues};
use dicom_viewer::samples::phantom::{value_at, PhantomSeries};
use dicom_viewer::volume::geometry::{check, Refusal};
use dicom_viewer::volume::{reslice, Grid, Plane, Slab, SlabMode, SliceGeometry, Volume, VolumeError, VoxelKind};
use volume_support::{add_scaled, build, cross, geometry_of, Stack};

/// The MR-like orientation of ../shared/dicom/mr-series-128 (rows run anterior): not the
/// identity, so axis mix-ups show.
const ROW: [f64; 3] = [0.0, -1.0, 0.0];
const COLUMN: [f64; 3] = [1.0, 0.0, 0.0];

fn phantom_series() -> PhantomSeries {
    // 96² pixels of 2.4 mm (230 mm), 64 slices 3.5 mm apart (220 mm) around the phantom.
    PhantomSeries::centred(96, 2.4, 64, 3.5, ROW, COLUMN)
}

fn bytes_of(series: &PhantomSeries, number: u32) -> Vec<Vec<u8>> {
    series.files(number).expect("series written").into_iter().map(|f| f.bytes).collect()
}

fn stack_of(series: &PhantomSeries) -> Stack {
    Stack {
        rows: series.rows as usize,
        columns: series.columns as usize,
        pixel_spacing_mm: series.pixel_spacing_mm,
        row_direction: series.row_direction,
        column_direction: series.column_direction,
        positions_mm: series.positions_mm.clone(),
    }
}

fn i16_values(frame: &Frame) -> &[i16] {
    match &frame.pixels {
        PixelValues::I16(v) => v,
        other => panic!("expected signed 16-bit values, got {}", other.len()),
    }
}

fn pixel_centre(plane: &Plane, x: u32, y: u32) -> [f64; 3] {
    let p = add_scaled(plane.origin_mm, plane.row_direction, f64::from(x) * plane.pixel_spacing_mm);
    add_scaled(p, plane.column_direction, f64::from(y) * plane.pixel_spacing_mm)
}

fn analytic(p: [f64; 3]) -> f64 {
    f64::from(value_at(p[0], p[1], p[2]))
}

/// Counts from comparing one plane with the analytic phantom.
#[derive(Debug, Default)]
struct Agreement {
    inside: usize,
    away_from_edges: usize,
    outside: usize,
}

/// Every pixel of `values` (a plane of the phantom volume) against the reference: padding
/// outside, the trilinear interpolation of the analytic voxel values inside (±0.5), the
/// analytic value itself away from edges.
fn compare_with_phantom(stack: &Stack, plane: &Plane, values: &[i16], padding: i16, what: &str) -> Agreement {
    let mut agreement = Agreement::default();
    for y in 0..plane.rows {
        for x in 0..plane.columns {
            let got = f64::from(values[(y * plane.columns + x) as usize]);
            let p = pixel_centre(plane, x, y);
            let Some(cell) = stack.locate(p) else {
                assert_eq!(got, f64::from(padding), "{what}: pixel ({x}, {y}) outside the volume is padding");
                agreement.outside += 1;
                continue;
            };
            agreement.inside += 1;
            let corners = stack.corners(&cell);
            let reference: f64 =
                corners.iter().map(|((c, r, k), w)| w * analytic(stack.voxel_centre(*c, *r, *k))).sum();
            assert!(
                (got - reference).abs() <= 0.5 + 1e-6,
                "{what}: pixel ({x}, {y}) at {p:?} is {got}, trilinear of the analytic voxels {reference}"
            );
            let here = analytic(p);
            if corners.iter().all(|((c, r, k), _)| analytic(stack.voxel_centre(*c, *r, *k)) == here) {
                agreement.away_from_edges += 1;
                assert_eq!(got, here, "{what}: pixel ({x}, {y}) away from edges equals the phantom");
            }
        }
    }
    println!("{what}: {agreement:?}");
    agreement
}

/// The four planes through `centre`: axial, sagittal, coronal and an axial turned 30° about
/// the patient's left–right axis.
fn planes(volume: &Volume, centre: [f64; 3], spacing: f64) -> Vec<(&'static str, Plane)> {
    let (s, c) = 30f64.to_radians().sin_cos();
    vec![
        ("axial", Plane::covering(volume, centre, [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], spacing)),
        ("sagittal", Plane::covering(volume, centre, [0.0, 1.0, 0.0], [0.0, 0.0, -1.0], spacing)),
        ("coronal", Plane::covering(volume, centre, [1.0, 0.0, 0.0], [0.0, 0.0, -1.0], spacing)),
        ("oblique 30°", Plane::covering(volume, centre, [1.0, 0.0, 0.0], [0.0, c, s], spacing)),
    ]
}

#[test]
fn the_phantom_series_holds_the_analytic_values_through_the_header_path() {
    let series = phantom_series();
    let files = bytes_of(&series, 1);
    let built = build(&files, None).expect("volume");
    assert_eq!(built.volume.voxels.kind(), VoxelKind::I16);
    assert!(built.report.messages(Lang::En).is_empty(), "{:?}", built.report);
    let stack = stack_of(&series);
    let grid = &built.volume.grid;
    for k in [0usize, 17, 63] {
        for (c, r) in [(0usize, 0usize), (40, 70), (95, 95)] {
            let centre = stack.voxel_centre(c, r, k);
            let got = built.volume.value(c as u32, r as u32, k as u32).expect("filled");
            assert_eq!(got, analytic(centre), "voxel ({c}, {r}, {k})");
            let placed = grid.voxel_to_patient([c as f64, r as f64, k as f64]);
            assert!((0..3).all(|a| (placed[a] - centre[a]).abs() < 1e-6), "{placed:?} vs {centre:?}");
        }
    }
}

#[test]
fn reformatted_planes_equal_the_analytic_phantom() {
    let series = phantom_series();
    let built = build(&bytes_of(&series, 2), None).expect("volume");
    let stack = stack_of(&series);
    // Off the voxel centres (1.37 mm, 0.77 mm, 1.13 mm; not multiples of the pixel sizes, so no
    // pixel lands exactly on the volume's faces) and with pixels finer than the voxels, so every
    // plane interpolates in all three directions.
    let centre = add_scaled(built.volume.grid.centre_mm(), [1.37, 0.77, 1.13], 1.0);
    for (name, plane) in planes(&built.volume, centre, 1.7) {
        let resliced = reslice(&built.volume, &plane, None);
        let agreement = compare_with_phantom(&stack, &plane, i16_values(&resliced.frame), -1000, name);
        assert_eq!(resliced.covered_pixels as usize, agreement.inside, "{name}: covered pixels");
        assert!(agreement.inside > 5000, "{name}: the plane crosses the volume");
        assert!(
            agreement.away_from_edges * 2 > agreement.inside,
            "{name}: most pixels lie away from edges ({agreement:?})"
        );
    }
}

#[test]
fn planes_through_voxel_centres_are_exact() {
    // The axial plane through slice 20 with the volume's own pixels: every pixel a voxel.
    let series = phantom_series();
    let built = build(&bytes_of(&series, 3), None).expect("volume");
    let stack = stack_of(&series);
    let plane = Plane {
        origin_mm: stack.voxel_centre(0, 0, 20),
        row_direction: ROW,
        column_direction: COLUMN,
        pixel_spacing_mm: 2.4,
        columns: 96,
        rows: 96,
    };
    let resliced = reslice(&built.volume, &plane, None);
    let expected: Vec<i16> = series.slice_hounsfield(20);
    assert_eq!(i16_values(&resliced.frame), expected.as_slice());
}

/// The reference slab: samples every `step` (at most the finest voxel step) across
/// `thickness_mm`, reduced by `mode` over the samples inside the volume.
fn brute_force_slab(
    stack: &Stack,
    p: [f64; 3],
    normal: [f64; 3],
    mode: SlabMode,
    thickness_mm: f64,
    step_mm: f64,
) -> Option<f64> {
    let intervals = (thickness_mm / step_mm).ceil() as usize;
    let values: Vec<f64> = (0..=intervals)
        .map(|n| -thickness_mm / 2.0 + thickness_mm / intervals as f64 * n as f64)
        .filter_map(|offset| {
            stack.trilinear(add_scaled(p, normal, offset), |c, r, k| analytic(stack.voxel_centre(c, r, k)))
        })
        .collect();
    if values.is_empty() {
        return None;
    }
    Some(match mode {
        SlabMode::Maximum => values.iter().cloned().fold(f64::MIN, f64::max),
        SlabMode::Minimum => values.iter().cloned().fold(f64::MAX, f64::min),
        SlabMode::Mean => values.iter().sum::<f64>() / values.len() as f64,
    })
}

#[test]
fn slabs_equal_a_brute_force_projection() {
    let series = phantom_series();
    let built = build(&bytes_of(&series, 4), None).expect("volume");
    let stack = stack_of(&series);
    let centre = add_scaled(built.volume.grid.centre_mm(), [0.9, -1.4, 2.2], 1.0);
    // The finest voxel step of this volume is the 2.4 mm pixel (slices are 3.5 mm apart).
    let step_mm = 2.4;
    for (name, plane) in planes(&built.volume, centre, 2.9) {
        let normal = cross(plane.row_direction, plane.column_direction);
        for mode in [SlabMode::Maximum, SlabMode::Minimum, SlabMode::Mean] {
            let slab = Slab { mode, thickness_mm: 10.0 };
            let resliced = reslice(&built.volume, &plane, Some(slab));
            let values = i16_values(&resliced.frame);
            let mut inside = 0;
            for y in 0..plane.rows {
                for x in 0..plane.columns {
                    let got = f64::from(values[(y * plane.columns + x) as usize]);
                    let p = pixel_centre(&plane, x, y);
                    match brute_force_slab(&stack, p, normal, mode, 10.0, step_mm) {
                        Some(reference) => {
                            inside += 1;
                            assert!(
                                (got - reference).abs() <= 0.5 + 1e-6,
                                "{name} {mode:?}: pixel ({x}, {y}) is {got}, brute force {reference}"
                            );
                        }
                        None => assert_eq!(got, -1000.0, "{name} {mode:?}: ({x}, {y}) outside is padding"),
                    }
                }
            }
            assert_eq!(resliced.covered_pixels, inside, "{name} {mode:?}");
        }
    }
}

// --- The 128-slice MR series against a resampler written here ------------------------------

fn mr_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/dicom/mr-series-128")
}

/// The MR series as the reference sees it: its stack, each slice's values, each file's bytes
/// (all in volume order).
struct MrSeries {
    stack: Stack,
    values: Vec<Vec<i16>>,
    files: Vec<Vec<u8>>,
}

/// The MR slices read with dicom-object (not our parser): positions, orientation, spacing and
/// signed 16-bit values, sorted along the normal.
fn mr_reference() -> Option<MrSeries> {
    let dir = mr_dir();
    if !dir.is_dir() {
        eprintln!("skipped: {} not present", dir.display());
        return None;
    }
    let mut slices = Vec::new();
    for n in 0..128 {
        let path = dir.join(format!("slice{n}.dcm"));
        let object = dicom_object::open_file(&path).expect("dicom-object reads the slice");
        let floats = |tag| object.element(tag).expect("element").to_multi_float64().expect("numbers");
        let position = floats(tags::IMAGE_POSITION_PATIENT);
        let orientation = floats(tags::IMAGE_ORIENTATION_PATIENT);
        let spacing = floats(tags::PIXEL_SPACING);
        let rows = object.element(tags::ROWS).expect("rows").to_int::<u32>().expect("rows") as usize;
        let columns = object.element(tags::COLUMNS).expect("columns").to_int::<u32>().expect("columns") as usize;
        let bytes = object.element(tags::PIXEL_DATA).expect("pixel data").to_bytes().expect("bytes").to_vec();
        let values: Vec<i16> = bytes.chunks_exact(2).map(|b| i16::from_le_bytes([b[0], b[1]])).collect();
        assert_eq!(values.len(), rows * columns);
        slices.push((
            [position[0], position[1], position[2]],
            orientation,
            spacing,
            rows,
            columns,
            values,
            std::fs::read(&path).expect("file"),
        ));
    }
    let (_, orientation, spacing, rows, columns, _, _) = slices[0].clone();
    let row_direction = [orientation[0], orientation[1], orientation[2]];
    let column_direction = [orientation[3], orientation[4], orientation[5]];
    let normal = cross(row_direction, column_direction);
    slices.sort_by(|a, b| volume_support::dot(a.0, normal).total_cmp(&volume_support::dot(b.0, normal)));
    let stack = Stack {
        rows,
        columns,
        pixel_spacing_mm: [spacing[0], spacing[1]],
        row_direction,
        column_direction,
        positions_mm: slices.iter().map(|s| s.0).collect(),
    };
    let values = slices.iter().map(|s| s.5.clone()).collect();
    let files = slices.into_iter().map(|s| s.6).collect();
    Some(MrSeries { stack, values, files })
}

#[test]
fn the_mr_series_resliced_equals_an_independent_resampler() {
    let Some(MrSeries { stack, values, files }) = mr_reference() else { return };
    // The viewer's order: the display set the grouping makes of the files in any order.
    let metas: Vec<_> = files
        .iter()
        .rev()
        .enumerate()
        .map(|(n, bytes)| dicom_viewer::study::InstanceMeta::from_bytes(n as u32, bytes).expect("header"))
        .collect();
    let sets = dicom_viewer::study::display_set::series_display_sets(&metas.iter().collect::<Vec<_>>());
    assert_eq!(sets.len(), 1);
    let ordered: Vec<Vec<u8>> =
        sets[0].frames.iter().map(|f| files[files.len() - 1 - f.source as usize].clone()).collect();
    let built = build(&ordered, None).expect("MR volume");
    assert!(built.report.messages(Lang::En).is_empty());
    let padding = built.volume.padding;
    let reference_value = |c: usize, r: usize, k: usize| f64::from(values[k][r * stack.columns + c]);
    let centre = built.volume.grid.centre_mm();
    let mut checked = 0;
    // Sagittal and coronal through voxel centres (1 mm pixels on the voxels: the grid centre is
    // between voxels, half a voxel along each axis from voxel (64, 64, 64)) and between them
    // (0.7 mm, shifted), plus a 30° oblique.
    let (s, c) = 30f64.to_radians().sin_cos();
    for (name, row, column, spacing, shift) in [
        ("sagittal", [0.0, 1.0, 0.0], [0.0, 0.0, -1.0], 1.0, [0.5, -0.5, 0.5]),
        ("coronal", [1.0, 0.0, 0.0], [0.0, 0.0, -1.0], 1.0, [0.5, -0.5, 0.5]),
        ("sagittal 0.7 mm", [0.0, 1.0, 0.0], [0.0, 0.0, -1.0], 0.7, [0.35, 0.2, 0.45]),
        ("coronal 0.7 mm", [1.0, 0.0, 0.0], [0.0, 0.0, -1.0], 0.7, [0.25, 0.3, 0.15]),
        ("oblique 30°", [1.0, 0.0, 0.0], [0.0, c, s], 0.8, [0.1, 0.2, 0.3]),
    ] {
        let plane = Plane::covering(&built.volume, add_scaled(centre, shift, 1.0), row, column, spacing);
        let resliced = reslice(&built.volume, &plane, None);
        let got = i16_values(&resliced.frame);
        let mut exact = 0;
        let mut inside = 0;
        for y in 0..plane.rows {
            for x in 0..plane.columns {
                let value = f64::from(got[(y * plane.columns + x) as usize]);
                match stack.trilinear(pixel_centre(&plane, x, y), reference_value) {
                    Some(reference) => {
                        inside += 1;
                        assert!((value - reference).abs() <= 0.5 + 1e-6, "{name} ({x}, {y}): {value} vs {reference}");
                        if (value - reference).abs() < 1e-6 {
                            exact += 1;
                        }
                    }
                    None => assert_eq!(value, padding, "{name} ({x}, {y}) outside"),
                }
            }
        }
        println!("{name}: {inside} pixels inside, {exact} exactly equal");
        assert!(inside > 10_000, "{name}");
        if spacing == 1.0 {
            assert_eq!(exact, inside, "{name}: on voxel centres every pixel is a voxel");
        }
        checked += inside;
    }
    assert!(checked > 0);
}

// --- Geometry of crafted series ----------------------------------------------------------

fn small_series() -> PhantomSeries {
    PhantomSeries::centred(48, 4.8, 24, 4.0, ROW, COLUMN)
}

#[test]
fn a_missing_slice_is_reported_and_left_empty() {
    let mut series = small_series();
    // Slices 11 and 12 (from 1) lost: a 12 mm step after slice 10.
    series.positions_mm.drain(10..12);
    let files = bytes_of(&series, 5);
    let built = build(&files, None).expect("a series with a gap is reformatted");
    let spacing = built.report.spacing.as_ref().expect("spacing");
    assert_eq!(spacing.gaps.len(), 1);
    assert_eq!(spacing.largest.after, 10);
    assert!((spacing.largest.step_mm - 12.0).abs() < 1e-6);
    assert_eq!(
        built.report.messages(Lang::En),
        vec!["Irregular slice spacing 4.0–12.0 mm: 1 gap(s) of missing slices stay empty in reformatted planes (largest 12.0 mm, after slice 10)."]
    );
    for lang in Lang::ALL {
        assert_eq!(built.report.messages(lang).len(), 1, "{lang:?}");
    }
    // A coronal plane: rows within the gap are padding, the rest follows the true positions.
    let stack = stack_of(&series);
    let grid = &built.volume.grid;
    assert!(grid.is_gap_after(9) && !grid.is_gap_after(8) && !grid.is_gap_after(10));
    // Rows 0.3 mm off the slices, so none lies exactly on a slice bounding the gap.
    let centre = add_scaled(grid.centre_mm(), [0.0, 0.0, 0.3], 1.0);
    let plane = Plane::covering(&built.volume, centre, [1.0, 0.0, 0.0], [0.0, 0.0, -1.0], 1.0);
    let resliced = reslice(&built.volume, &plane, None);
    let values = i16_values(&resliced.frame);
    let normal = stack.normal();
    let (below, above) =
        (volume_support::dot(stack.positions_mm[9], normal), volume_support::dot(stack.positions_mm[10], normal));
    let mut in_gap = 0;
    let mut checked = 0;
    for y in 0..plane.rows {
        for x in 0..plane.columns {
            let p = pixel_centre(&plane, x, y);
            let h = volume_support::dot(p, normal);
            let got = f64::from(values[(y * plane.columns + x) as usize]);
            if h > below + 1e-6 && h < above - 1e-6 {
                if stack.locate(p).is_some() {
                    assert_eq!(got, -1000.0, "({x}, {y}) inside the gap is padding");
                    in_gap += 1;
                }
            } else if let Some(reference) = stack.trilinear(p, |c, r, k| analytic(stack.voxel_centre(c, r, k))) {
                assert!((got - reference).abs() <= 0.5 + 1e-6, "({x}, {y}) {got} vs {reference}");
                checked += 1;
            }
        }
    }
    assert!(in_gap > 500 && checked > 5000, "{in_gap} {checked}");
}

#[test]
fn irregular_spacing_places_slices_at_their_true_positions() {
    let mut series = small_series();
    // Steps alternating 3 and 4 mm (median 3 mm): irregular, but no step reaches 1.5 × 3 mm.
    let first = series.positions_mm[0];
    let normal = cross(series.row_direction, series.column_direction);
    let mut along = 0.0;
    for (k, position) in series.positions_mm.iter_mut().enumerate() {
        *position = add_scaled(first, normal, along);
        along += if k % 2 == 0 { 3.0 } else { 4.0 };
    }
    let built = build(&bytes_of(&series, 6), None).expect("volume");
    assert_eq!(
        built.report.messages(Lang::En),
        vec!["Irregular slice spacing 3.0–4.0 mm: slices are placed at their true positions."]
    );
    let stack = stack_of(&series);
    let grid = &built.volume.grid;
    assert!(grid.slice_offsets.is_some());
    for k in 0..series.positions_mm.len() {
        let placed = grid.voxel_to_patient([0.0, 0.0, k as f64]);
        assert!((0..3).all(|a| (placed[a] - series.positions_mm[k][a]).abs() < 1e-6), "slice {k}");
    }
    for (name, plane) in planes(&built.volume, add_scaled(grid.centre_mm(), [0.6, 0.4, 1.3], 1.0), 1.3) {
        let resliced = reslice(&built.volume, &plane, None);
        compare_with_phantom(&stack, &plane, i16_values(&resliced.frame), -1000, name);
    }
}

#[test]
fn a_tilted_gantry_is_corrected_for_the_shear() {
    let series = small_series().tilted(12.0);
    let built = build(&bytes_of(&series, 7), None).expect("volume");
    assert!((built.report.tilt_degrees - 12.0).abs() < 1e-3, "{}", built.report.tilt_degrees);
    assert_eq!(built.report.messages(Lang::En), vec!["Gantry tilt 12.0°: planes are corrected for the shear."]);
    assert!(built.report.messages(Lang::De)[0].contains("12,0°"));
    let stack = stack_of(&series);
    for (name, plane) in planes(&built.volume, add_scaled(built.volume.grid.centre_mm(), [0.5, 1.5, 0.5], 1.0), 1.9) {
        let resliced = reslice(&built.volume, &plane, None);
        let agreement = compare_with_phantom(&stack, &plane, i16_values(&resliced.frame), -1000, name);
        assert!(agreement.away_from_edges > 1000, "{name}");
    }
}

#[test]
fn mixed_orientation_is_refused_naming_the_slice() {
    let series = small_series();
    let mut files = bytes_of(&series, 8);
    let turned = PhantomSeries::centred(48, 4.8, 24, 4.0, [1.0, 0.0, 0.0], [0.0, 0.0, -1.0]);
    files[6] = bytes_of(&turned, 9).swap_remove(6);
    let report = check(&geometry_of(&files));
    match &report.refusal {
        Some(Refusal::MixedOrientation { slice: 7, degrees }) => assert!((degrees - 90.0).abs() < 1e-6),
        other => panic!("{other:?}"),
    }
    let err = build(&files, None).err().expect("refused");
    assert_eq!(err, "Cannot reformat: slice 7 is turned 90.0° from slice 1 (the series mixes orientations). Choose a series with one orientation.");
    for lang in Lang::ALL {
        let message = &report.messages(lang)[0];
        assert!(message.contains('7') && message.contains("90"), "{lang:?}: {message}");
    }
}

#[test]
fn mixed_size_and_spacing_are_refused() {
    let series = small_series();
    let mut files = bytes_of(&series, 10);
    let mut larger = PhantomSeries::centred(64, 4.8, 24, 4.0, ROW, COLUMN);
    larger.positions_mm = series.positions_mm.clone();
    files[3] = bytes_of(&larger, 11).swap_remove(3);
    let report = check(&geometry_of(&files));
    assert_eq!(report.refusal, Some(Refusal::MixedSize { slice: 4, size: (64, 64), first: (48, 48) }));
    assert_eq!(
        report.messages(Lang::En),
        vec!["Cannot reformat: slice 4 has 64×64 pixels, slice 1 48×48 (the series mixes image sizes). Choose a series whose slices share one size."]
    );
    let mut files = bytes_of(&series, 12);
    let mut finer = PhantomSeries::centred(48, 4.0, 24, 4.0, ROW, COLUMN);
    finer.positions_mm = series.positions_mm.clone();
    files[5] = bytes_of(&finer, 13).swap_remove(5);
    let report = check(&geometry_of(&files));
    assert!(matches!(report.refusal, Some(Refusal::MixedPixelSpacing { slice: 6, .. })), "{report:?}");
    assert!(
        report.messages(Lang::En)[0].contains("slice 6 has 4.000×4.000 mm pixels, slice 1 4.800×4.800 mm"),
        "{:?}",
        report.messages(Lang::En)
    );
}

#[test]
fn repeated_positions_are_refused() {
    let mut series = small_series();
    series.positions_mm[8] = series.positions_mm[7];
    let report = check(&geometry_of(&bytes_of(&series, 14)));
    assert!(matches!(report.refusal, Some(Refusal::SamePosition { slice: 8, .. })), "{report:?}");
    assert!(report.messages(Lang::En)[0].starts_with("Cannot reformat: slices 8 and 9 lie at the same position"));
}

#[test]
fn the_geometry_steps_are_reported() {
    let series = small_series();
    let report = check(&geometry_of(&bytes_of(&series, 15)));
    let spacing = report.spacing.expect("spacing");
    assert!((spacing.min_step_mm - 4.0).abs() < 1e-6 && (spacing.max_step_mm - 4.0).abs() < 1e-6);
    assert!(spacing.gaps.is_empty() && spacing.is_regular());
    assert_eq!(spacing.largest.after, 1);
    assert!(report.tilt_degrees < 1e-6);
}

// --- Filling, mismatches, budget ---------------------------------------------------------

fn frame_i16(columns: u32, rows: u32, values: Vec<i16>) -> Frame {
    Frame {
        rows,
        columns,
        samples_per_pixel: 1,
        bits_allocated: 16,
        bits_stored: 16,
        pixel_representation: 1,
        photometric: dicom_viewer::pipeline::Photometric::Monochrome2,
        pixels: PixelValues::I16(values),
        embedded_overlays: Default::default(),
    }
}

fn tiny_grid(slices: u32) -> Grid {
    let planes: Vec<SliceGeometry> = (0..slices)
        .map(|k| SliceGeometry {
            position_mm: [0.0, 0.0, f64::from(k) * 2.0],
            row_direction: [1.0, 0.0, 0.0],
            column_direction: [0.0, 1.0, 0.0],
            pixel_spacing_mm: [1.0, 1.0],
            rows: 3,
            columns: 4,
        })
        .collect();
    Grid::from_slices(&planes).expect("grid")
}

#[test]
fn slices_that_do_not_fit_are_refused_with_the_reason() {
    let lut = ModalityLut::Identity;
    let mut volume = Volume::new(tiny_grid(3), VoxelKind::I16, lut.clone(), BUDGET_TINY).expect("volume");
    let fits = frame_i16(4, 3, vec![7; 12]);
    let error = |e: VolumeError| e.to_string();
    assert_eq!(
        error(volume.insert_slice(3, &fits, &lut).unwrap_err()),
        "slice 4 does not fit the volume: the volume has 3 slices"
    );
    assert_eq!(
        error(volume.insert_slice(0, &frame_i16(3, 4, vec![7; 12]), &lut).unwrap_err()),
        "slice 1 does not fit the volume: 3×4 pixels, the volume 4×3"
    );
    assert_eq!(
        error(volume.insert_slice(1, &frame_i16(4, 3, vec![7; 11]), &lut).unwrap_err()),
        "slice 2 does not fit the volume: 11 values for 12 pixels"
    );
    let mut colour = fits.clone();
    colour.samples_per_pixel = 3;
    assert_eq!(
        error(volume.insert_slice(1, &colour, &lut).unwrap_err()),
        "slice 2 does not fit the volume: colour images are not reformatted"
    );
    let rescaled = ModalityLut::Rescale(dicom_viewer::pipeline::Rescale { slope: 2.0, intercept: 0.0 });
    let message = error(volume.insert_slice(2, &fits, &rescaled).unwrap_err());
    assert!(message.starts_with("slice 3 does not fit the volume: \"16-bit signed\" values with"), "{message}");
    // Nothing refused was written.
    assert_eq!(volume.filled_count(), 0);
    assert_eq!(volume.revision, 0);
    volume.insert_slice(1, &fits, &lut).expect("fits");
    assert_eq!((volume.filled_count(), volume.revision, volume.value(2, 1, 1)), (1, 1, Some(7.0)));
}

const BUDGET_TINY: u64 = 1 << 20;

#[test]
fn a_volume_over_the_budget_is_refused() {
    let grid = tiny_grid(3);
    // 4 × 3 × 3 voxels × 2 bytes = 72 bytes.
    let error = Volume::new(grid.clone(), VoxelKind::I16, ModalityLut::Identity, 71).unwrap_err();
    assert_eq!(error, VolumeError::TooLarge { needed_bytes: 72, budget_bytes: 71 });
    assert!(error.to_string().contains("raise the budget in Settings"));
    let volume = Volume::new(grid, VoxelKind::I16, ModalityLut::Identity, 72).expect("fits exactly");
    assert_eq!(volume.byte_len(), 72);
    // The phantom series of these tests as F32 would need twice its I16 bytes.
    let big = tiny_grid(2);
    let f32_error = Volume::new(big, VoxelKind::F32, ModalityLut::Identity, 95).unwrap_err();
    assert_eq!(f32_error, VolumeError::TooLarge { needed_bytes: 96, budget_bytes: 95 });
}

#[test]
fn planes_of_a_volume_still_filling_pad_the_missing_slices() {
    let series = small_series();
    let files = bytes_of(&series, 16);
    let filled: Vec<usize> = (0..24).filter(|k| k % 3 != 1).collect();
    let built = build(&files, Some(&filled)).expect("volume");
    let volume = &built.volume;
    assert_eq!(volume.filled_count(), filled.len());
    let stack = stack_of(&series);
    // Coronal plane, rows 1 mm apart and never exactly on a slice (0.3 mm off): a row between
    // two slices has values when both are filled, padding otherwise.
    let centre = add_scaled(volume.grid.centre_mm(), [0.0, 0.0, 0.3], 1.0);
    let plane = Plane::covering(volume, centre, [1.0, 0.0, 0.0], [0.0, 0.0, -1.0], 1.0);
    let resliced = reslice(volume, &plane, None);
    let values = i16_values(&resliced.frame);
    let (mut padded, mut present) = (0u64, 0u64);
    for y in 0..plane.rows {
        for x in 0..plane.columns {
            let p = pixel_centre(&plane, x, y);
            let got = f64::from(values[(y * plane.columns + x) as usize]);
            let Some(cell) = stack.locate(p) else {
                assert_eq!(got, -1000.0);
                continue;
            };
            let needed: Vec<usize> = stack
                .corners(&cell)
                .iter()
                .filter(|(_, w)| *w > 0.0)
                .map(|((_, _, k), _)| *k)
                .chain(std::iter::once(cell.k0))
                .collect();
            if needed.iter().all(|k| filled.contains(k)) {
                let reference = stack.trilinear(p, |c, r, k| analytic(stack.voxel_centre(c, r, k))).expect("inside");
                assert!((got - reference).abs() <= 0.5 + 1e-6, "({x}, {y}) {got} vs {reference}");
                present += 1;
            } else {
                assert_eq!(got, -1000.0, "({x}, {y}) needs an unfilled slice: padding");
                padded += 1;
            }
        }
    }
    assert_eq!(resliced.covered_pixels, present);
    assert!(padded > 1000 && present > 1000, "{padded} {present}");
    // Filling the rest completes the plane.
    let complete = build(&files, None).expect("volume");
    let after = reslice(&complete.volume, &plane, None);
    assert!(after.covered_pixels > present);
}
