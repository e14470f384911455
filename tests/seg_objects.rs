//! Segmentations (src/derived/seg) against an independent reading at test time: pydicom +
//! numpy unpack every frame (tests/seg_support/oracle.py, run with .tools/py), highdicom gives
//! TILED_FULL tile positions, CIELab colours come from a separately written formula. Nothing
//! here is a stored number: counts, sources, colours and volumes are computed from the files.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use dicom_dictionary_std::tags;
use dicom_viewer::derived::seg::{Segmentation, SegmentationType};
use dicom_viewer::derived::{read_dataset, Derived, DerivedKind, SourceFrame};
use dicom_viewer::dicom::{Attributes, DicomImage};
use dicom_viewer::viewer::layers::{FrameOverlays, LayerStyle, RgbaLayer};

fn python() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".tools/py/bin/python")
}

fn seg_dir() -> PathBuf {
    common::corpus().join("dcmqi/segmentations")
}

fn derived_seg() -> PathBuf {
    common::corpus().join("derived/seg")
}

/// One `frame` line: (frame, segment, voxels, value sum, source uid, source frame, z).
type FrameFact = (usize, u32, u32, u64, Option<String>, Option<u32>, Option<f64>);

/// The facts the oracle prints for one file.
#[derive(Default, Debug)]
struct Oracle {
    frames: Vec<FrameFact>,
    labels: Vec<(usize, u32, u32)>,
    colours: BTreeMap<u32, [u8; 3]>,
    tiles: Vec<(usize, u32, u32)>,
    volumes: BTreeMap<u32, f64>,
}

fn oracle(path: &Path) -> Oracle {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/seg_support/oracle.py");
    let output =
        Command::new(python()).arg(&script).arg(path).output().expect("run .tools/py/bin/python (scripts/setup.sh)");
    assert!(
        output.status.success(),
        "oracle failed on {}: {}",
        path.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let mut facts = Oracle::default();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        let opt = |s: &str| (s != "-").then(|| s.to_string());
        match f[0] {
            "frame" => facts.frames.push((
                f[1].parse().unwrap(),
                f[2].parse().unwrap(),
                f[3].parse().unwrap(),
                f[4].parse().unwrap(),
                opt(f[5]),
                opt(f[6]).map(|v| v.parse().unwrap()),
                opt(f[7]).map(|v| v.parse().unwrap()),
            )),
            "label" => facts.labels.push((f[1].parse().unwrap(), f[2].parse().unwrap(), f[3].parse().unwrap())),
            "colour" => {
                facts.colours.insert(
                    f[1].parse().unwrap(),
                    [f[2].parse().unwrap(), f[3].parse().unwrap(), f[4].parse().unwrap()],
                );
            }
            "tile" => facts.tiles.push((f[1].parse().unwrap(), f[2].parse().unwrap(), f[3].parse().unwrap())),
            "volume" => {
                facts.volumes.insert(f[1].parse().unwrap(), f[2].parse().unwrap());
            }
            other => panic!("unexpected oracle line {other}"),
        }
    }
    facts
}

fn parse(path: &Path) -> Segmentation {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let dataset = read_dataset(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Segmentation::parse(&dataset).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A source frame as the viewer describes it, from an image file's header.
fn source_frame(path: &Path) -> SourceFrame {
    let bytes = std::fs::read(path).expect("source file");
    let image = DicomImage::parse_header(&bytes).expect("source header");
    let a = Attributes(&image.dataset);
    let three = |v: Vec<f64>| (v.len() == 3).then(|| [v[0], v[1], v[2]]);
    let six = |v: Vec<f64>| (v.len() == 6).then(|| [v[0], v[1], v[2], v[3], v[4], v[5]]);
    let spacing = a.floats(tags::PIXEL_SPACING);
    SourceFrame {
        sop_instance_uid: a.string(tags::SOP_INSTANCE_UID).unwrap_or_default(),
        frame_number: 1,
        frame_of_reference_uid: a.string(tags::FRAME_OF_REFERENCE_UID).unwrap_or_default(),
        rows: image.info.rows,
        columns: image.info.columns,
        position_mm: three(a.floats(tags::IMAGE_POSITION_PATIENT)),
        orientation: six(a.floats(tags::IMAGE_ORIENTATION_PATIENT)),
        pixel_spacing_mm: (spacing.len() == 2).then(|| [spacing[0], spacing[1]]),
        slice_thickness_mm: a.float(tags::SLICE_THICKNESS),
    }
}

fn fill_only(opacity: f32) -> LayerStyle {
    LayerStyle { opacity, fill: true, outline: false, ..LayerStyle::default() }
}

fn all_seg_files() -> Vec<PathBuf> {
    let mut files = vec![
        seg_dir().join("liver.dcm"),
        seg_dir().join("partial_overlaps.dcm"),
        seg_dir().join("23x38x3/seg/label.seg"),
        seg_dir().join("24x38x3/seg/label.seg"),
        common::corpus().join("dcmqi/sr-example/seg.dcm"),
        derived_seg().join("syngo-ct-3slice/syngo.seg.dcm"),
        derived_seg().join("dcmjs-mg/seg-test-SEG.dcm"),
    ];
    files.extend(
        common::files_in(&derived_seg().join("highdicom"))
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "dcm")),
    );
    files
}

/// Per frame: segment number, source SOP Instance UID (+ frame), non-zero voxels (and for
/// fractional frames the sum of values), per label-map label, TILED_FULL tile positions, colours
/// and volumes all equal the independent reading.
#[test]
fn every_corpus_seg_equals_pydicom() {
    for path in all_seg_files() {
        let seg = parse(&path);
        let facts = oracle(&path);
        let name = path.display();
        assert_eq!(seg.frames.len(), facts.frames.len(), "{name}: frames");
        for (index, segment, voxels, sum, uid, source_frame, _) in &facts.frames {
            let frame = &seg.frames[*index];
            if seg.segmentation_type == SegmentationType::LabelMap {
                assert_eq!(frame.segment_number, None, "{name} frame {index}");
            } else {
                assert_eq!(frame.segment_number, Some(*segment), "{name} frame {index}: segment");
                assert_eq!(seg.frame_voxels(*index, *segment), *voxels, "{name} frame {index}: voxels");
                if (seg.rows * seg.columns) <= 65536 {
                    let mut ours = 0u64;
                    for row in 0..seg.rows {
                        for column in 0..seg.columns {
                            ours += u64::from(seg.value_at(*index, *segment, column, row));
                        }
                    }
                    assert_eq!(ours, *sum, "{name} frame {index}: sum of values");
                }
            }
            if let Some(uid) = uid {
                assert_eq!(frame.sources.first().map(|s| &s.0), Some(uid), "{name} frame {index}: source");
                assert_eq!(
                    frame.sources.first().and_then(|s| s.1),
                    *source_frame,
                    "{name} frame {index}: source frame"
                );
            }
        }
        for (index, label, voxels) in &facts.labels {
            assert_eq!(seg.frame_voxels(*index, *label), *voxels, "{name} frame {index} label {label}");
        }
        for (index, column, row) in &facts.tiles {
            assert_eq!(seg.frames[*index].tile_position, Some((*column, *row)), "{name} frame {index}: tile");
        }
        if seg.segmentation_type == SegmentationType::LabelMap {
            assert!(seg.segment(0).is_none(), "{name}: label 0 is the background, not listed");
        }
        for (number, rgb) in &facts.colours {
            let ours = seg.segment(*number).expect("segment").rgb;
            for c in 0..3 {
                assert!(ours[c].abs_diff(rgb[c]) <= 1, "{name} segment {number}: {ours:?} vs {rgb:?}");
            }
        }
        for (number, ml) in &facts.volumes {
            let ours = seg.segment(*number).and_then(|s| s.volume_ml).expect("volume");
            assert!((ours - ml).abs() <= 1e-9 * ml.max(1.0), "{name} segment {number}: {ours} mL vs {ml} mL");
        }
        // Memory: never more than the stored bits or bytes.
        let bits = match seg.segmentation_type {
            SegmentationType::Binary => 1,
            _ => 8,
        };
        let voxels = seg.frames.len() * (seg.rows * seg.columns) as usize;
        assert!(seg.stored_bytes() <= (voxels * bits).div_ceil(8) * 2, "{name}: {} bytes held", seg.stored_bytes());
        println!(
            "{name}: {} frames, {} segments, {} bytes held",
            seg.frames.len(),
            seg.segments.len(),
            seg.stored_bytes()
        );
    }
}

/// The dcmqi and the Siemens SEG over the 3-slice CT: each CT slice gets exactly the pixels of
/// the SEG frame that names it, in the segment's colour; the liver's volume by hand.
#[test]
fn liver_and_syngo_segs_lie_on_their_ct_slices() {
    let ct: Vec<PathBuf> = common::files_in(&seg_dir().join("ct-3slice"));
    assert_eq!(ct.len(), 3);
    for path in [seg_dir().join("liver.dcm"), derived_seg().join("syngo-ct-3slice/syngo.seg.dcm")] {
        let seg = parse(&path);
        let facts = oracle(&path);
        for slice in &ct {
            let frame = source_frame(slice);
            // dcmqi names the source slice; the Siemens SEG only gives plane positions (same z).
            let z = frame.position_mm.unwrap()[2];
            let on_slice: Vec<_> = facts
                .frames
                .iter()
                .filter(|f| match &f.4 {
                    Some(uid) => *uid == frame.sop_instance_uid,
                    None => f.6.is_some_and(|fz| (fz - z).abs() < 0.01),
                })
                .collect();
            assert_eq!(on_slice.len(), 1, "{}: one frame on {}", path.display(), slice.display());
            let expected: u32 = on_slice.iter().map(|f| f.2).sum();
            let covered = seg.layer_on(&frame, &fill_only(1.0)).map_or(0, |l| l.covered());
            assert_eq!(covered as u32, expected, "{} on {}", path.display(), slice.display());
            if expected == 0 {
                continue;
            }
            // Every covered pixel is the segment's colour at the chosen opacity.
            let rgb = seg.segments[0].rgb;
            let half = seg.layer_on(&frame, &fill_only(0.5)).expect("layer");
            for pixel in half.rgba.chunks_exact(4).filter(|p| p[3] != 0) {
                assert_eq!(pixel, &[rgb[0], rgb[1], rgb[2], 128]);
            }
            // Through the Derived dispatch, as the viewport asks.
            let dataset = read_dataset(&std::fs::read(&path).unwrap()).unwrap();
            let derived = Derived::parse(DerivedKind::Segmentation, &dataset).expect("parse");
            let mut out = FrameOverlays::default();
            derived.draw_on(&frame, &fill_only(1.0), &mut out);
            assert_eq!(out.layers.len(), 1);
            assert_eq!(out.flattened().map(|l| l.covered() as u32), Some(expected));
        }
        // Another CT slice's UID: nothing.
        let mut elsewhere = source_frame(&ct[0]);
        elsewhere.sop_instance_uid = "1.2.3.4".into();
        assert!(seg.layer_on(&elsewhere, &fill_only(1.0)).is_none());
    }
    // Volume by hand: voxels × 0.810547² mm² × 1 mm (dcmqi writes Pixel Spacing 8.105470e-01
    // and Spacing Between Slices 1) / 1000.
    let liver = parse(&seg_dir().join("liver.dcm"));
    let facts = oracle(&seg_dir().join("liver.dcm"));
    let voxels: u64 = facts.frames.iter().map(|f| u64::from(f.2)).sum();
    assert_eq!(liver.segments[0].voxel_count, voxels);
    let by_hand = voxels as f64 * 0.810547 * 0.810547 * 1.0 / 1000.0;
    assert!(
        (liver.segments[0].volume_ml.unwrap() - by_hand).abs() < 1e-9 * by_hand,
        "{:?} vs {by_hand}",
        liver.segments[0].volume_ml
    );
    // Centroid: the frame nearest the count-weighted mean z.
    let z: Vec<f64> = liver.frames.iter().map(|f| f.position_mm.unwrap()[2]).collect();
    let mean = facts.frames.iter().map(|f| z[f.0] * f64::from(f.2)).sum::<f64>() / voxels as f64;
    let nearest = (0..z.len()).min_by(|a, b| (z[*a] - mean).abs().total_cmp(&(z[*b] - mean).abs())).unwrap();
    assert_eq!(liver.segments[0].centroid_frame, Some(nearest));
}

/// Outline: boundary pixels at full opacity, interior at the fill opacity, hidden → nothing.
#[test]
fn outline_fill_and_hidden_segments() {
    let seg = parse(&seg_dir().join("liver.dcm"));
    let frame = source_frame(&common::files_in(&seg_dir().join("ct-3slice"))[1]);
    let index = seg.frames_on(&frame)[0];
    let number = seg.frames[index].segment_number.unwrap();
    let inside =
        |c: i64, r: i64| c >= 0 && r >= 0 && c < 512 && r < 512 && seg.value_at(index, number, c as u32, r as u32) != 0;
    let style = LayerStyle::default();
    let layer = seg.layer_on(&frame, &style).expect("layer");
    let (mut edges, mut interior) = (0, 0);
    for r in 0..512i64 {
        for c in 0..512i64 {
            let alpha = layer.rgba[((r * 512 + c) * 4 + 3) as usize];
            if !inside(c, r) {
                assert_eq!(alpha, 0);
                continue;
            }
            let edge = [(c - 1, r), (c + 1, r), (c, r - 1), (c, r + 1)].iter().any(|(x, y)| !inside(*x, *y));
            if edge {
                edges += 1;
                assert_eq!(alpha, 255, "boundary ({c}, {r})");
            } else {
                interior += 1;
                assert_eq!(alpha, 128, "interior ({c}, {r})");
            }
        }
    }
    assert!(edges > 100 && interior > 1000, "{edges} boundary, {interior} interior pixels");
    let outline_only = LayerStyle { fill: false, ..LayerStyle::default() };
    assert_eq!(seg.layer_on(&frame, &outline_only).unwrap().covered(), edges);
    let hidden = LayerStyle { hidden: [number].into(), ..LayerStyle::default() };
    assert!(seg.layer_on(&frame, &hidden).is_none());
    // Selected: outlined even with outlines off, and filled more strongly.
    let selected = LayerStyle { outline: false, selected: Some(number), ..LayerStyle::default() };
    let layer = seg.layer_on(&frame, &selected).unwrap();
    assert_eq!(layer.covered(), edges + interior);
    assert!(layer.rgba.chunks_exact(4).any(|p| p[3] == 179), "0.7 × 255 inside");
}

/// Without Source Image references a frame lies on the CT slice within half a slice thickness
/// in the same Frame of Reference (the copy without references is written by pydicom here).
#[test]
fn frames_without_references_match_by_plane_position() {
    let source = seg_dir().join("liver.dcm");
    let dir = std::env::temp_dir().join(format!("seg-objects-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let stripped = dir.join("liver-no-refs.dcm");
    let script = "import sys, pydicom\nds = pydicom.dcmread(sys.argv[1])\nfor item in ds.PerFrameFunctionalGroupsSequence:\n    del item.DerivationImageSequence\nds.save_as(sys.argv[2])\n";
    let status = Command::new(python()).args(["-c", script]).arg(&source).arg(&stripped).status().expect("python");
    assert!(status.success());
    let with_refs = parse(&source);
    let seg = parse(&stripped);
    assert!(seg.frames.iter().all(|f| f.sources.is_empty()));
    for slice in common::files_in(&seg_dir().join("ct-3slice")) {
        let frame = source_frame(&slice);
        let expected = with_refs.layer_on(&frame, &fill_only(1.0)).unwrap().covered();
        let mut renamed = frame.clone();
        renamed.sop_instance_uid = "2.25.1".into();
        assert_eq!(seg.layer_on(&renamed, &fill_only(1.0)).map(|l| l.covered()), Some(expected), "{}", slice.display());
        let thickness = frame.slice_thickness_mm.unwrap();
        let shifted = |by: f64| {
            let mut f = renamed.clone();
            f.position_mm = f.position_mm.map(|p| [p[0], p[1], p[2] + by]);
            f
        };
        // The CT slices are 1.25 mm thick, 1 mm apart: the nearest frame wins.
        let here = seg.frames_on(&renamed);
        assert_eq!(here.len(), 1);
        assert_eq!(seg.frames_on(&shifted(0.3)), here, "nearest frame");
        assert!(seg.frames_on(&shifted(10.0 * thickness)).is_empty(), "far away");
        // Beyond the last frame: within half a thickness of it, then not.
        let last = (0..3)
            .max_by(|a, b| seg.frames[*a].position_mm.unwrap()[2].total_cmp(&seg.frames[*b].position_mm.unwrap()[2]))
            .unwrap();
        let to_last = seg.frames[last].position_mm.unwrap()[2] - frame.position_mm.unwrap()[2];
        assert_eq!(seg.frames_on(&shifted(to_last + 0.45 * thickness)), vec![last]);
        assert!(seg.frames_on(&shifted(to_last + 0.55 * thickness)).is_empty(), "beyond half a thickness");
        let mut other_for = renamed.clone();
        other_for.frame_of_reference_uid = "2.25.2".into();
        assert!(seg.layer_on(&other_for, &fill_only(1.0)).is_none(), "another frame of reference");
        // A source twice as coarse (256², 2× spacing) gets the voxels by nearest neighbour.
        let mut coarse = renamed.clone();
        coarse.rows = 256;
        coarse.columns = 256;
        coarse.pixel_spacing_mm = coarse.pixel_spacing_mm.map(|s| [s[0] * 2.0, s[1] * 2.0]);
        let layer = seg.layer_on(&coarse, &fill_only(1.0)).expect("resampled");
        let ratio = layer.covered() as f64 * 4.0 / expected as f64;
        assert!((ratio - 1.0).abs() < 0.05, "coarse grid covers {ratio} of the area");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// Overlapping segments: both visible, the later segment over the earlier one; hiding the later
/// leaves the earlier's colour.
#[test]
fn overlapping_segments_stack_in_segment_order() {
    for path in
        [seg_dir().join("partial_overlaps.dcm"), derived_seg().join("highdicom/seg_image_ct_binary_overlap.dcm")]
    {
        let seg = parse(&path);
        let mut checked = 0;
        for (index, frame) in seg.frames.iter().enumerate() {
            let Some((uid, number)) = frame.sources.first().cloned() else { continue };
            let source = SourceFrame {
                sop_instance_uid: uid,
                frame_number: number.unwrap_or(1),
                frame_of_reference_uid: seg.frame_of_reference_uid.clone(),
                rows: seg.rows,
                columns: seg.columns,
                position_mm: None,
                orientation: None,
                pixel_spacing_mm: None,
                slice_thickness_mm: None,
            };
            let on = seg.frames_on(&source);
            if on.len() < 2 || on[0] != index {
                continue;
            }
            let numbers: Vec<u32> = on.iter().map(|&i| seg.frames[i].segment_number.unwrap()).collect();
            let (a, b) = (numbers[0], numbers[1]);
            let layer = seg.layer_on(&source, &fill_only(0.5)).unwrap();
            let only_a = seg
                .layer_on(&source, &LayerStyle { hidden: numbers[1..].iter().copied().collect(), ..fill_only(0.5) })
                .unwrap();
            for row in 0..seg.rows {
                for column in 0..seg.columns {
                    let (in_a, in_b) =
                        (seg.value_at(on[0], a, column, row) != 0, seg.value_at(on[1], b, column, row) != 0);
                    if !(in_a && in_b) {
                        continue;
                    }
                    // Every segment covering the pixel, earlier first, each at 0.5 source-over.
                    let mut expected = RgbaLayer::transparent(1, 1).unwrap();
                    for (&i, &n) in on.iter().zip(&numbers) {
                        if seg.value_at(i, n, column, row) != 0 {
                            expected.blend(0, 0, seg.segment(n).unwrap().rgb, 0.5);
                        }
                    }
                    let at = ((row * seg.columns + column) * 4) as usize;
                    assert_eq!(&layer.rgba[at..at + 4], &expected.rgba[..], "{} ({column}, {row})", path.display());
                    let rgb = seg.segment(a).unwrap().rgb;
                    assert_eq!(&only_a.rgba[at..at + 4], &[rgb[0], rgb[1], rgb[2], 128]);
                    checked += 1;
                }
            }
        }
        assert!(checked > 0, "{}: no overlapping pixel found", path.display());
    }
}

/// FRACTIONAL: fill alpha = opacity × value / Maximum Fractional Value.
#[test]
fn fractional_opacity_follows_the_value() {
    let seg = parse(&derived_seg().join("highdicom/seg_image_ct_true_fractional.dcm"));
    let SegmentationType::Fractional { max_value, .. } = seg.segmentation_type else { panic!("fractional") };
    let (uid, _) = seg.frames[0].sources[0].clone();
    let frame = SourceFrame {
        sop_instance_uid: uid,
        frame_number: 1,
        frame_of_reference_uid: seg.frame_of_reference_uid.clone(),
        rows: seg.rows,
        columns: seg.columns,
        position_mm: None,
        orientation: None,
        pixel_spacing_mm: None,
        slice_thickness_mm: None,
    };
    let mut distinct = std::collections::BTreeSet::new();
    for (index, stored) in seg.frames.iter().enumerate() {
        let mut frame = frame.clone();
        frame.sop_instance_uid = stored.sources[0].0.clone();
        let layer = seg.layer_on(&frame, &fill_only(0.8)).unwrap();
        for row in 0..seg.rows {
            for column in 0..seg.columns {
                let value = seg.value_at(index, 1, column, row);
                let alpha = layer.rgba[((row * seg.columns + column) * 4 + 3) as usize];
                let expected = (0.8 * f32::from(value) / f32::from(max_value) * 255.0).round() as u8;
                assert!(alpha.abs_diff(expected) <= 1, "({column}, {row}) value {value}: {alpha} vs {expected}");
                distinct.insert(alpha);
            }
        }
    }
    assert!(distinct.len() >= 3, "fractions between 0 and 1: {distinct:?}");
}

/// Label maps: every label painted in its colour (MONOCHROME2: CIELab/defaults; PALETTE COLOR:
/// the palette, checked against pydicom's apply_color_lut in the oracle test), labels hidden
/// one by one.
#[test]
fn label_maps_paint_each_label() {
    for name in ["seg_image_sm_control_labelmap.dcm", "seg_image_sm_control_labelmap_palette_color.dcm"] {
        let path = derived_seg().join("highdicom").join(name);
        let seg = parse(&path);
        let facts = oracle(&path);
        let (index, label, voxels) = facts.labels[0];
        let (uid, number) = seg.frames[index].sources[0].clone();
        let frame = SourceFrame {
            sop_instance_uid: uid,
            frame_number: number.unwrap_or(1),
            frame_of_reference_uid: String::new(),
            rows: seg.rows,
            columns: seg.columns,
            position_mm: None,
            orientation: None,
            pixel_spacing_mm: None,
            slice_thickness_mm: None,
        };
        let all: u32 = facts.labels.iter().filter(|l| l.0 == index).map(|l| l.2).sum();
        let layer = seg.layer_on(&frame, &fill_only(1.0)).unwrap();
        assert_eq!(layer.covered() as u32, all, "{name}");
        let rgb = seg.segment(label).unwrap().rgb;
        let painted = layer.rgba.chunks_exact(4).filter(|p| p[..3] == rgb[..] && p[3] == 255).count() as u32;
        assert!(painted >= voxels, "{name}: label {label} in {rgb:?}");
        let hidden = LayerStyle { hidden: [label].into(), ..fill_only(1.0) };
        let without = seg.layer_on(&frame, &hidden).map_or(0, |l| l.covered() as u32);
        assert_eq!(without, all - voxels, "{name}: label {label} hidden");
    }
}

/// TILED_FULL: frame k of segment s lies on source tile k (frame number k + 1).
#[test]
fn tiled_full_frames_lie_on_their_tiles() {
    let seg = parse(&derived_seg().join("highdicom/seg_image_sm_dots_tiled_full.dcm"));
    let sparse = parse(&derived_seg().join("highdicom/seg_image_sm_dots.dcm"));
    let source = derived_seg().parent().unwrap().join("sm/highdicom/sm_image_control.dcm");
    let uid =
        Attributes(&read_dataset(&std::fs::read(&source).unwrap()).unwrap()).string(tags::SOP_INSTANCE_UID).unwrap();
    let mut total = 0;
    for tile in 1..=25u32 {
        let frame = SourceFrame {
            sop_instance_uid: uid.clone(),
            frame_number: tile,
            frame_of_reference_uid: seg.frame_of_reference_uid.clone(),
            rows: 10,
            columns: 10,
            position_mm: None,
            orientation: None,
            pixel_spacing_mm: None,
            slice_thickness_mm: None,
        };
        let on = seg.frames_on(&frame);
        assert_eq!(on.len(), seg.segments.len(), "one frame per segment on tile {tile}");
        // The sparse object (same dots) stores only non-empty tiles, with explicit positions.
        let full = seg.layer_on(&frame, &fill_only(1.0)).map_or(0, |l| l.covered());
        let tiled = sparse.layer_on(&frame, &fill_only(1.0)).map_or(0, |l| l.covered());
        assert_eq!(full, tiled, "tile {tile}");
        total += full;
    }
    assert!(total > 0);
}

/// Compressed SEGs (gdcmconv at test time: RLE, JPEG-LS, JPEG 2000 of the fractional SEG)
/// hold exactly the values of the uncompressed original, with and without (0002,0010).
#[test]
fn encapsulated_segs_decode_like_the_original() {
    let original_path = derived_seg().join("highdicom/seg_image_ct_true_fractional.dcm");
    let original = parse(&original_path);
    let dir = std::env::temp_dir().join(format!("seg-encapsulated-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for option in ["--rle", "--jpegls", "--j2k"] {
        // gdcmconv writes attributes of an implicit VR input as UN: make it explicit first.
        let explicit = dir.join("explicit.dcm");
        let status = Command::new("dcmconv").arg("+te").arg(&original_path).arg(&explicit).status().expect("dcmconv");
        assert!(status.success(), "dcmconv +te");
        let out = dir.join(format!("frac{option}.dcm"));
        let status = Command::new("gdcmconv").arg(option).arg(&explicit).arg(&out).status().expect("gdcmconv");
        assert!(status.success(), "gdcmconv {option}");
        let bytes = std::fs::read(&out).unwrap();
        let mut dataset = read_dataset(&bytes).unwrap();
        let converted = Segmentation::parse(&dataset).unwrap_or_else(|e| panic!("{option}: {e}"));
        dataset.remove_element(tags::TRANSFER_SYNTAX_UID);
        let sniffed = Segmentation::parse(&dataset).unwrap_or_else(|e| panic!("{option} without (0002,0010): {e}"));
        for seg in [&converted, &sniffed] {
            for frame in 0..original.frames.len() {
                for row in 0..original.rows {
                    for column in 0..original.columns {
                        assert_eq!(
                            seg.value_at(frame, 1, column, row),
                            original.value_at(frame, 1, column, row),
                            "{option}"
                        );
                    }
                }
            }
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// Damaged SEGs: typed errors naming the attribute, never a panic (truncations, flips, absurd
/// sizes, unknown segment numbers).
#[test]
fn damaged_segs_give_typed_errors() {
    let path = seg_dir().join("liver.dcm");
    let bytes = std::fs::read(&path).unwrap();
    let good = read_dataset(&bytes).unwrap();
    // Absurd sizes before allocating.
    let mut huge = good.clone();
    huge.put(dicom_core::DataElement::new(
        tags::NUMBER_OF_FRAMES,
        dicom_core::VR::IS,
        dicom_core::PrimitiveValue::from("4000000"),
    ));
    let error = Segmentation::parse(&huge).unwrap_err().to_string();
    assert!(error.contains("larger than this viewer accepts"), "{error}");
    let mut short = good.clone();
    short.put(dicom_core::DataElement::new(
        tags::NUMBER_OF_FRAMES,
        dicom_core::VR::IS,
        dicom_core::PrimitiveValue::from("30"),
    ));
    let error = Segmentation::parse(&short).unwrap_err().to_string();
    assert!(error.contains("PixelData"), "{error}");
    let mut no_segments = good.clone();
    no_segments.remove_element(tags::SEGMENT_SEQUENCE);
    assert!(Segmentation::parse(&no_segments).unwrap_err().to_string().contains("SegmentSequence"));
    let mut bad_type = good.clone();
    bad_type.put(dicom_core::DataElement::new(
        tags::SEGMENTATION_TYPE,
        dicom_core::VR::CS,
        dicom_core::PrimitiveValue::from("FUZZY"),
    ));
    assert!(Segmentation::parse(&bad_type).unwrap_err().to_string().contains("not supported"));
    let mut bits = good.clone();
    bits.put(dicom_core::DataElement::new(
        tags::BITS_ALLOCATED,
        dicom_core::VR::US,
        dicom_core::PrimitiveValue::from(16u16),
    ));
    assert!(Segmentation::parse(&bits).unwrap_err().to_string().contains("BitsAllocated"));
    // Truncated and flipped bytes: whatever parses must not panic when drawn.
    let frame = source_frame(&common::files_in(&seg_dir().join("ct-3slice"))[0]);
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    for cut in (0..16).map(|i| bytes.len() * i / 16) {
        if let Ok(dataset) = read_dataset(&bytes[..cut]) {
            if let Ok(seg) = Segmentation::parse(&dataset) {
                let _ = seg.layer_on(&frame, &LayerStyle::default());
            }
        }
    }
    for _ in 0..40 {
        let mut damaged = bytes.clone();
        for _ in 0..8 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let at = (state % damaged.len() as u64) as usize;
            damaged[at] ^= (state >> 32) as u8 | 1;
        }
        if let Ok(dataset) = read_dataset(&damaged) {
            if let Ok(seg) = Segmentation::parse(&dataset) {
                let _ = seg.layer_on(&frame, &LayerStyle::default());
                let _ = seg.references();
            }
        }
    }
}

/// references(): the CT instances, their series and the frame of reference.
#[test]
fn references_name_the_source_series() {
    let seg = parse(&seg_dir().join("liver.dcm"));
    let refs = seg.references();
    let ct: Vec<String> =
        common::files_in(&seg_dir().join("ct-3slice")).iter().map(|p| source_frame(p).sop_instance_uid).collect();
    for uid in &ct {
        assert!(refs.instances.iter().any(|(u, _)| u == uid), "{uid}");
    }
    let series =
        Attributes(&read_dataset(&std::fs::read(&common::files_in(&seg_dir().join("ct-3slice"))[0]).unwrap()).unwrap())
            .string(tags::SERIES_INSTANCE_UID)
            .unwrap();
    assert_eq!(refs.series, vec![series]);
    assert_eq!(
        refs.frame_of_reference_uid,
        source_frame(&common::files_in(&seg_dir().join("ct-3slice"))[0]).frame_of_reference_uid
    );
}

/// "Jump to segment": the display-set index whose slice holds the segment's centroid frame,
/// whatever order the slices come in; None for a segment on none of them.
#[test]
fn jump_to_segment_finds_the_centroid_slice() {
    let seg = parse(&seg_dir().join("liver.dcm"));
    let mut frames: Vec<SourceFrame> =
        common::files_in(&seg_dir().join("ct-3slice")).iter().map(|p| source_frame(p)).collect();
    frames.reverse();
    let centroid = seg.segments[0].centroid_frame.unwrap();
    let index = seg.slice_for_segment(1, &frames).expect("a slice");
    assert!(seg.frames_on(&frames[index]).contains(&centroid));
    assert_eq!(seg.slice_for_segment(1, &frames[..0]), None);
    assert_eq!(seg.slice_for_segment(99, &frames), None);
    // Only slices without the centroid: the first one holding the segment.
    let others: Vec<SourceFrame> = frames.iter().filter(|f| !seg.frames_on(f).contains(&centroid)).cloned().collect();
    assert_eq!(seg.slice_for_segment(1, &others), Some(0));
}
