//! RT Structure Sets and Key Object Selection documents (issue 12 §RTSTRUCT, §KOS), natively.
//!
//! RTSTRUCT: the rt-utils and pymedphys files of `../shared/dicom/derived/rtstruct/`. The
//! expected contour pixels are computed here by hand from the values `dcmdump` (the oracle,
//! run at test time) prints for Contour Data, Image Position, Pixel Spacing and Image
//! Orientation: for axial images (orientation 1\0\0\0\1\0, checked) column = (x − x₀) / Δcol
//! and row = (y − y₀) / Δrow, plus 0.5 because a graphic's (0, 0) is the first pixel's corner
//! and Image Position is its centre. The parser under test never supplies these numbers.
//!
//! KOS: there is no real KOS in the corpus, so highdicom (`.tools/py`) writes one at test time
//! over slices of `mr-series-128`; the list must name exactly the slices it was given, with the
//! series from the evidence.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use dicom_viewer::derived::kos::KeyObjects;
use dicom_viewer::derived::rtstruct::{ContourGeometry, StructureSet};
use dicom_viewer::derived::{read_dataset, Derived, DerivedKind, SourceFrame};
use dicom_viewer::study::{InstanceMeta, StudyLibrary};
use dicom_viewer::viewer::layers::{FrameOverlays, LayerStyle, Shape};

fn rt_utils() -> PathBuf {
    common::corpus().join("derived/rtstruct/rt-utils")
}

fn tinyvmat() -> PathBuf {
    common::corpus().join("derived/rtstruct/pymedphys-tinyvmat")
}

/// dcmdump's lines for one tag (all occurrences, nested ones included), values in full.
fn dcmdump_lines(path: &Path, tag: &str, headerless: bool) -> Vec<String> {
    let mut command = Command::new("dcmdump");
    command.arg("-q").arg("+L");
    if headerless {
        command.args(["-f", "-ti"]);
    }
    let output = command.arg("+P").arg(tag).arg(path).output().expect("dcmdump (dcmtk) is installed by setup.sh");
    String::from_utf8_lossy(&output.stdout).lines().map(str::to_string).collect()
}

/// The bracketed value of a dcmdump line.
fn bracketed(line: &str) -> String {
    let start = line.find('[').map(|i| i + 1).unwrap_or(0);
    let end = line.rfind(']').unwrap_or(line.len());
    line[start..end].to_string()
}

fn dcmdump_value(path: &Path, tag: &str, headerless: bool) -> String {
    let lines = dcmdump_lines(path, tag, headerless);
    bracketed(lines.first().unwrap_or_else(|| panic!("{} has no {tag}", path.display())))
}

fn numbers(text: &str) -> Vec<f64> {
    text.split('\\').map(|v| v.trim().parse::<f64>().expect("a decimal")).collect()
}

/// A source frame described from dcmdump's reading of an image file.
fn frame_from_dcmdump(path: &Path, headerless: bool) -> SourceFrame {
    let position = numbers(&dcmdump_value(path, "0020,0032", headerless));
    let orientation = numbers(&dcmdump_value(path, "0020,0037", headerless));
    let spacing = numbers(&dcmdump_value(path, "0028,0030", headerless));
    let int = |tag: &str| {
        let line = dcmdump_lines(path, tag, headerless).into_iter().next().expect("rows/columns");
        line.split_whitespace().nth(2).and_then(|v| v.parse::<u32>().ok()).expect("US value")
    };
    SourceFrame {
        sop_instance_uid: dcmdump_value(path, "0008,0018", headerless),
        frame_number: 1,
        frame_of_reference_uid: dcmdump_value(path, "0020,0052", headerless),
        rows: int("0028,0010"),
        columns: int("0028,0011"),
        position_mm: Some([position[0], position[1], position[2]]),
        orientation: Some([
            orientation[0],
            orientation[1],
            orientation[2],
            orientation[3],
            orientation[4],
            orientation[5],
        ]),
        pixel_spacing_mm: Some([spacing[0], spacing[1]]),
        slice_thickness_mm: Some(numbers(&dcmdump_value(path, "0018,0050", headerless))[0]),
    }
}

/// Contours as dcmdump lists them: (ROI index in ROI Contour Sequence, referenced image UID of
/// the contour, points x\y\z). dcmdump prints, per contour item, its Contour Image Sequence
/// (0008,1155) before Contour Data (3006,0050); the ROI Contour items are told apart by their
/// ROI Display Color (3006,002a), printed first in each.
fn contours_from_dcmdump(path: &Path, headerless: bool) -> Vec<(usize, String, Vec<[f64; 3]>)> {
    let mut command = Command::new("dcmdump");
    command.arg("-q").arg("+L");
    if headerless {
        command.args(["-f", "-ti"]);
    }
    let output = command.arg(path).output().expect("dcmdump");
    let text = String::from_utf8_lossy(&output.stdout).to_string();
    let mut in_roi_contours = false;
    let mut roi: Option<usize> = None;
    let mut image = String::new();
    let mut out = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("(3006,0039)") {
            in_roi_contours = true;
        } else if !line.starts_with(' ') && !trimmed.starts_with("(fffe") && !trimmed.starts_with("(3006,0039)") {
            in_roi_contours = false;
        }
        if !in_roi_contours {
            continue;
        }
        if trimmed.starts_with("(3006,002a)") {
            roi = Some(roi.map_or(0, |r| r + 1));
        } else if trimmed.starts_with("(0008,1155)") {
            image = bracketed(trimmed);
        } else if trimmed.starts_with("(3006,0050)") {
            let values = numbers(&bracketed(trimmed));
            let points = values.chunks_exact(3).map(|c| [c[0], c[1], c[2]]).collect();
            out.push((roi.expect("a ROI Display Color before the contours"), std::mem::take(&mut image), points));
        }
    }
    out
}

/// The hand computation for an axial image (see the module comment).
fn hand_pixel(frame: &SourceFrame, point: [f64; 3]) -> (f64, f64) {
    assert_eq!(frame.orientation, Some([1.0, 0.0, 0.0, 0.0, 1.0, 0.0]), "the hand computation is for axial images");
    let [x0, y0, _] = frame.position_mm.unwrap();
    let [row_spacing, column_spacing] = frame.pixel_spacing_mm.unwrap();
    ((point[0] - x0) / column_spacing + 0.5, (point[1] - y0) / row_spacing + 0.5)
}

fn load(path: &Path) -> Derived {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let dataset = read_dataset(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Derived::parse(DerivedKind::RtStructureSet, &dataset).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn structure_set(derived: &Derived) -> &StructureSet {
    match derived {
        Derived::RtStructureSet(set) => set,
        other => panic!("not a structure set: {:?}", other.kind()),
    }
}

fn draw(derived: &Derived, frame: &SourceFrame, style: &LayerStyle) -> FrameOverlays {
    let mut out = FrameOverlays::default();
    derived.draw_on(frame, style, &mut out);
    out
}

fn polyline(shape: &Shape) -> (&[(f64, f64)], bool) {
    match shape {
        Shape::Polyline { points, closed } => (points, *closed),
        other => panic!("expected a polyline, got {other:?}"),
    }
}

/// Every contour dcmdump lists for `frame`'s image is drawn, in order, each point within 0.5 px
/// of the hand computation; returns how many were drawn.
fn check_contours_on(path: &Path, derived: &Derived, frame: &SourceFrame, headerless: bool) -> usize {
    let expected: Vec<_> = contours_from_dcmdump(path, headerless)
        .into_iter()
        .filter(|(_, image, _)| *image == frame.sop_instance_uid)
        .collect();
    let drawn = draw(derived, frame, &LayerStyle::default());
    assert_eq!(drawn.graphics.len(), expected.len(), "{}: contours on {}", path.display(), frame.sop_instance_uid);
    let set = structure_set(derived);
    for (graphic, (roi_index, _, points)) in drawn.graphics.iter().zip(&expected) {
        let roi = &set.rois[*roi_index];
        assert_eq!(graphic.owner, ("rtstruct", roi.number));
        assert_eq!(graphic.rgb, roi.rgb);
        let (drawn_points, closed) = polyline(&graphic.shape);
        assert!(closed, "CLOSED_PLANAR contours are closed polylines");
        assert_eq!(drawn_points.len(), points.len());
        for (&(x, y), &point) in drawn_points.iter().zip(points) {
            let (hx, hy) = hand_pixel(frame, point);
            assert!((x - hx).abs() <= 0.5 && (y - hy).abs() <= 0.5, "({x}, {y}) vs hand ({hx}, {hy}) for {point:?}");
            // The mapping itself is exact arithmetic; 0.5 px is the issue's bound.
            assert!((x - hx).abs() < 1e-3 && (y - hy).abs() < 1e-3, "({x}, {y}) vs hand ({hx}, {hy})");
        }
    }
    expected.len()
}

#[test]
fn rt_utils_rt_dcm_contours_land_on_the_hand_computed_pixels() {
    let path = rt_utils().join("rt.dcm");
    let derived = load(&path);
    let ct_1 = frame_from_dcmdump(&rt_utils().join("ct_1.dcm"), false);
    let ct_2 = frame_from_dcmdump(&rt_utils().join("ct_2.dcm"), false);
    let on_1 = check_contours_on(&path, &derived, &ct_1, false);
    let on_2 = check_contours_on(&path, &derived, &ct_2, false);
    assert_eq!(on_1 + on_2, contours_from_dcmdump(&path, false).len(), "every contour lies on one of the two CTs");
    assert!(on_1 > 0);

    let set = structure_set(&derived);
    assert_eq!(set.rois.len(), 1);
    let roi = &set.rois[0];
    assert_eq!((roi.number, roi.name.as_str()), (1, "ROI-1"));
    assert_eq!(roi.rgb, [162, 136, 95], "ROI Display Color");
    assert_eq!(roi.generation_algorithm, "MANUAL");
    assert_eq!(roi.contours.iter().filter(|c| c.geometry == ContourGeometry::ClosedPlanar).count(), 2);
    assert_eq!(roi.slice_count(), 1, "both contours lie on ct_1 (z = 60)");

    // references(): the images and series of the Referenced Frame of Reference Sequence.
    let references = derived.references();
    for frame in [&ct_1, &ct_2] {
        assert!(
            references.instances.iter().any(|(uid, _)| *uid == frame.sop_instance_uid),
            "{}",
            frame.sop_instance_uid
        );
    }
    assert_eq!(references.series, vec![dcmdump_value(&rt_utils().join("ct_1.dcm"), "0020,000e", false)]);
    assert_eq!(references.frame_of_reference_uid, dcmdump_value(&path, "0020,0052", false));
}

#[test]
fn rt_utils_dummy_rt_four_rois_and_the_missing_z70_image_is_reported() {
    let path = rt_utils().join("dummy_rt.dcm");
    let derived = load(&path);
    let ct_1 = frame_from_dcmdump(&rt_utils().join("ct_1.dcm"), false);
    let ct_2 = frame_from_dcmdump(&rt_utils().join("ct_2.dcm"), false);
    let on_1 = check_contours_on(&path, &derived, &ct_1, false);
    let on_2 = check_contours_on(&path, &derived, &ct_2, false);
    let all = contours_from_dcmdump(&path, false);
    assert!(on_1 > 0 && on_2 > 0);
    assert!(all.len() > on_1 + on_2, "some contours lie on the absent z = 70 image");

    let set = structure_set(&derived);
    let names: Vec<&str> = set.rois.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["ROI-1", "ROI-2", "ROI-3", "ROI-4"]);
    assert_eq!(set.rois[0].rgb, [255, 0, 255]);
    assert_eq!(set.rois[1].rgb, [0, 235, 235]);

    // Contours whose image is not loaded: named per image, counted, not a panic.
    let loaded = [ct_1.sop_instance_uid.clone(), ct_2.sop_instance_uid.clone()];
    let missing = set.contours_on_missing_images(|uid| loaded.iter().any(|l| l == uid));
    let expected_missing = all.iter().filter(|(_, image, _)| !loaded.contains(image)).count();
    assert_eq!(missing.iter().map(|m| m.contours).sum::<usize>(), expected_missing);
    let z70: Vec<&str> = missing.iter().map(|m| m.sop_instance_uid.as_str()).collect();
    assert_eq!(z70, ["2.16.840.1.114362.1.11940992.23790159890.563423471.995.90"]);

    // Style: a hidden ROI draws nothing, fill uses the opacity, the selected ROI is emphasised.
    let mut style = LayerStyle { selected: Some(2), opacity: 0.3, ..LayerStyle::default() };
    style.hidden.insert(1);
    let drawn = draw(&derived, &ct_1, &style);
    assert!(drawn.graphics.iter().all(|g| g.owner.1 != 1), "ROI 1 hidden");
    assert_eq!(
        drawn.graphics.len(),
        on_1 - all.iter().filter(|(r, i, _)| *r == 0 && *i == ct_1.sop_instance_uid).count()
    );
    assert!(drawn.graphics.iter().all(|g| (g.fill_opacity - 0.3).abs() < 1e-6));
    assert!(drawn.graphics.iter().all(|g| g.highlighted == (g.owner.1 == 2)));
    // One label per ROI and frame: the ROI name.
    let labels: Vec<&str> = drawn.graphics.iter().filter_map(|g| g.label.as_deref()).collect();
    assert_eq!(labels, ["ROI-2", "ROI-3", "ROI-4"]);

    let outline_only = draw(&derived, &ct_1, &LayerStyle { fill: false, ..LayerStyle::default() });
    assert!(outline_only.graphics.iter().all(|g| g.fill_opacity == 0.0 && g.width_px > 0.0));

    // Jump to a slice with the ROI: the frames of the stack it lies on.
    let stack = [ct_1.clone(), ct_2.clone()];
    assert_eq!(set.frames_with_roi(1, &stack), vec![0, 1]);
}

/// Without Contour Image Sequences, contours are placed by plane distance (≤ half the slice
/// thickness) in the same Frame of Reference. The variant is written at test time by pydicom.
#[test]
fn contours_without_image_references_are_placed_by_plane_distance() {
    let dir = tempdir("rtkos-noref");
    let out = dir.join("noref.dcm");
    let script = "import sys, pydicom\n\
        ds = pydicom.dcmread(sys.argv[1])\n\
        for roi in ds.ROIContourSequence:\n\
        \x20   for c in roi.ContourSequence:\n\
        \x20       if 'ContourImageSequence' in c: del c.ContourImageSequence\n\
        ds.save_as(sys.argv[2])\n";
    let status = Command::new(python())
        .arg("-c")
        .arg(script)
        .arg(rt_utils().join("dummy_rt.dcm"))
        .arg(&out)
        .status()
        .expect("the highdicom venv (.tools/py, scripts/setup.sh)");
    assert!(status.success());
    let derived = load(&out);
    let ct_1 = frame_from_dcmdump(&rt_utils().join("ct_1.dcm"), false);
    let contours = contours_from_dcmdump(&rt_utils().join("dummy_rt.dcm"), false);
    let at_60: Vec<_> = contours.iter().filter(|(_, _, p)| p.iter().all(|p| (p[2] - 60.0).abs() < 1e-6)).collect();
    let drawn = draw(&derived, &ct_1, &LayerStyle::default());
    assert_eq!(drawn.graphics.len(), at_60.len(), "the z = 60 contours, not those at 65 (> 2.5 mm away)");
    for (graphic, (_, _, points)) in drawn.graphics.iter().zip(&at_60) {
        let (drawn_points, _) = polyline(&graphic.shape);
        let (hx, hy) = hand_pixel(&ct_1, points[0]);
        assert!((drawn_points[0].0 - hx).abs() < 1e-3 && (drawn_points[0].1 - hy).abs() < 1e-3);
    }
    // Another Frame of Reference: nothing.
    let other = SourceFrame { frame_of_reference_uid: "1.2.3.4".into(), ..ct_1.clone() };
    assert!(draw(&derived, &other, &LayerStyle::default()).graphics.is_empty());
}

/// pymedphys' TinyVMAT set: data sets without a Part 10 header, 5×5 CTs with 100 mm pixels.
#[test]
fn pymedphys_headerless_structure_set_over_its_tiny_ct() {
    let path = tinyvmat().join("TinyFS_StrctrSets.dcm");
    let derived = load(&path);
    let set = structure_set(&derived);
    let rois: Vec<(u32, &str, &str)> =
        set.rois.iter().map(|r| (r.number, r.name.as_str(), r.interpreted_type.as_str())).collect();
    assert_eq!(rois, [(1, "patient", "EXTERNAL"), (2, "tumor", "ORGAN")]);
    assert_eq!(set.rois[0].rgb, [220, 160, 120]);
    assert_eq!(set.rois[0].slice_count(), 3);
    assert_eq!(set.rois[1].slice_count(), 1);
    let mut drawn_total = 0;
    for index in 0..5 {
        let frame = frame_from_dcmdump(&tinyvmat().join(format!("TinyFS_CT1_image0000{index}.DCM")), true);
        drawn_total += check_contours_on(&path, &derived, &frame, true);
    }
    assert_eq!(drawn_total, 4);
    assert_eq!(derived.references().instances.len(), 5);
}

#[test]
fn damaged_structure_sets_give_typed_errors_never_a_panic() {
    for name in ["rt.dcm", "dummy_rt.dcm"] {
        let bytes = std::fs::read(rt_utils().join(name)).unwrap();
        let frame = frame_from_dcmdump(&rt_utils().join("ct_1.dcm"), false);
        for cut in (0..16).map(|i| bytes.len() * i / 16) {
            if let Ok(dataset) = read_dataset(&bytes[..cut]) {
                if let Ok(derived) = Derived::parse(DerivedKind::RtStructureSet, &dataset) {
                    draw(&derived, &frame, &LayerStyle::default());
                }
            }
        }
        let mut seed = 0x2545_f491_u32;
        for _ in 0..64 {
            let mut damaged = bytes.clone();
            for _ in 0..8 {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                let at = seed as usize % damaged.len();
                damaged[at] ^= (seed >> 24) as u8 | 1;
            }
            if let Ok(dataset) = read_dataset(&damaged) {
                if let Ok(derived) = Derived::parse(DerivedKind::RtStructureSet, &dataset) {
                    draw(&derived, &frame, &LayerStyle::default());
                }
            }
        }
    }
    // A CT is not a structure set: a typed error naming the missing attribute.
    let ct = read_dataset(&std::fs::read(rt_utils().join("ct_1.dcm")).unwrap()).unwrap();
    let error = Derived::parse(DerivedKind::RtStructureSet, &ct).unwrap_err().to_string();
    assert!(error.contains("StructureSetROISequence"), "{error}");
}

fn python() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".tools/py/bin/python")
}

fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes a KOS over `slices` of mr-series-128 with highdicom; returns its path.
fn highdicom_kos(slices: &[u32], description: &str, out: &Path) {
    let script = r#"
import sys, pydicom
from highdicom.ko import KeyObjectSelection, KeyObjectSelectionDocument
from pydicom.sr.codedict import codes
from pydicom.uid import generate_uid
out, description, files = sys.argv[1], sys.argv[2], sys.argv[3:]
images = [pydicom.dcmread(f) for f in files]
for image in images:  # Type 2 patient/study attributes highdicom copies; the corpus leaves some out
    for keyword in ('PatientName', 'PatientID', 'PatientSex', 'PatientBirthDate', 'StudyID',
                    'StudyDate', 'StudyTime', 'ReferringPhysicianName', 'AccessionNumber'):
        if keyword not in image:
            setattr(image, keyword, '')
content = KeyObjectSelection(document_title=codes.DCM.OfInterest, referenced_objects=images,
                             description=description)
document = KeyObjectSelectionDocument(evidence=images, content=content,
    series_instance_uid=generate_uid(), series_number=99, sop_instance_uid=generate_uid(),
    instance_number=1, manufacturer='rtkos test')
document.save_as(out)
"#;
    let mr = common::corpus().join("mr-series-128");
    let status = Command::new(python())
        .arg("-W")
        .arg("ignore")
        .arg("-c")
        .arg(script)
        .arg(out)
        .arg(description)
        .args(slices.iter().map(|i| mr.join(format!("slice{i}.dcm"))))
        .status()
        .expect("the highdicom venv (.tools/py, scripts/setup.sh)");
    assert!(status.success(), "highdicom wrote the KOS");
}

#[test]
fn highdicom_key_object_selection_lists_its_key_images() {
    let dir = tempdir("rtkos-kos");
    let out = dir.join("kos.dcm");
    let slices = [10, 64, 100];
    highdicom_kos(&slices, "Three key slices", &out);
    let dataset = read_dataset(&std::fs::read(&out).unwrap()).unwrap();
    let derived = Derived::parse(DerivedKind::KeyObjectSelection, &dataset).expect("a KOS");
    let mr = common::corpus().join("mr-series-128");
    let expected: Vec<String> =
        slices.iter().map(|i| dcmdump_value(&mr.join(format!("slice{i}.dcm")), "0008,0018", false)).collect();
    let series = dcmdump_value(&mr.join("slice10.dcm"), "0020,000e", false);

    let references = derived.references();
    let uids: Vec<&str> = references.instances.iter().map(|(uid, _)| uid.as_str()).collect();
    assert_eq!(uids, expected.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(references.series, vec![series.clone()]);

    let Derived::KeyObjectSelection(kos) = &derived else { panic!("not a KOS") };
    let kos: &KeyObjects = kos;
    let title = kos.title.as_ref().expect("document title");
    assert_eq!((title.value.as_str(), title.scheme.as_str(), title.meaning.as_str()), ("113000", "DCM", "Of Interest"));
    assert_eq!(kos.description.as_deref(), Some("Three key slices"));
    assert_eq!(kos.images.len(), 3);
    for (image, uid) in kos.images.iter().zip(&expected) {
        assert_eq!(&image.sop_instance_uid, uid);
        assert_eq!(image.sop_class_uid, "1.2.840.10008.5.1.4.1.1.4", "MR Image Storage");
        assert_eq!(image.series_instance_uid.as_deref(), Some(series.as_str()), "series from the evidence");
        assert!(image.frames.is_empty());
    }
    // The KOS is not drawn on images.
    let frame = SourceFrame {
        sop_instance_uid: expected[0].clone(),
        frame_number: 1,
        frame_of_reference_uid: String::new(),
        rows: 1,
        columns: 1,
        position_mm: None,
        orientation: None,
        pixel_spacing_mm: None,
        slice_thickness_mm: None,
    };
    assert!(draw(&derived, &frame, &LayerStyle::default()).is_empty());
}

#[test]
fn damaged_key_object_selections_never_panic() {
    let dir = tempdir("rtkos-kos-damaged");
    let out = dir.join("kos.dcm");
    highdicom_kos(&[1, 2], "x", &out);
    let bytes = std::fs::read(&out).unwrap();
    for cut in (0..32).map(|i| bytes.len() * i / 32) {
        if let Ok(dataset) = read_dataset(&bytes[..cut]) {
            let _ = Derived::parse(DerivedKind::KeyObjectSelection, &dataset).map(|d| d.references());
        }
    }
    // An image is not a KOS.
    let image = read_dataset(&std::fs::read(common::corpus().join("mr-series-128/slice1.dcm")).unwrap()).unwrap();
    let error = Derived::parse(DerivedKind::KeyObjectSelection, &image).unwrap_err().to_string();
    assert!(error.contains("ContentSequence"), "{error}");
}

fn library_of(files: &[PathBuf]) -> StudyLibrary {
    let mut library = StudyLibrary::new();
    for (source, path) in files.iter().enumerate() {
        let meta = InstanceMeta::from_bytes(source as u32, &std::fs::read(path).unwrap()).unwrap();
        library.add(meta);
    }
    library
}

/// The panels' jumps: a ROI's slice and a key image, found in the loaded studies.
#[test]
fn rois_and_key_images_are_found_among_the_loaded_images() {
    let derived = load(&rt_utils().join("dummy_rt.dcm"));
    let set = structure_set(&derived);
    assert!(!set.has_source_in(&StudyLibrary::new()), "no images: the panel asks for the series");
    assert_eq!(set.locate_roi(1, &StudyLibrary::new(), None), None);

    let ct = [rt_utils().join("ct_2.dcm"), rt_utils().join("ct_1.dcm")];
    let library = library_of(&ct);
    assert!(set.has_source_in(&library));
    for roi in &set.rois {
        let location = set.locate_roi(roi.number, &library, None).expect("every ROI has contours on a loaded CT");
        let display = library.display_set(&location.display_set).unwrap();
        let source = display.frames[location.index as usize].source;
        let uid = &library.instance(source).unwrap().sop_instance_uid;
        // The frame shown carries a contour of the ROI.
        let frame = SourceFrame::of(library.instance(source).unwrap(), 0);
        let drawn = draw(&derived, &frame, &LayerStyle::default());
        assert!(drawn.graphics.iter().any(|g| g.owner.1 == roi.number), "ROI {} on {uid}", roi.number);
    }
    // ROI 1 lies on both CTs (sorted z = 60, 65): the middle of two is the second.
    let location = set.locate_roi(1, &library, None).unwrap();
    assert_eq!(location.index, 1);

    // KOS: the loaded MR series; a key image not loaded is None.
    let mr = common::corpus().join("mr-series-128");
    let files: Vec<PathBuf> = (0..128).filter(|i| *i != 100).map(|i| mr.join(format!("slice{i}.dcm"))).collect();
    let library = library_of(&files);
    for slice in [10, 64] {
        let uid = dcmdump_value(&mr.join(format!("slice{slice}.dcm")), "0008,0018", false);
        let location = dicom_viewer::derived::kos::locate_image(&library, &uid, None).expect("loaded");
        let display = library.display_set(&location.display_set).unwrap();
        let source = display.frames[location.index as usize].source;
        assert_eq!(library.instance(source).unwrap().sop_instance_uid, uid);
        assert_eq!(dicom_viewer::derived::kos::locate_image(&library, &uid, Some(2)), None, "single-frame image");
    }
    let absent = dcmdump_value(&mr.join("slice100.dcm"), "0008,0018", false);
    assert_eq!(dicom_viewer::derived::kos::locate_image(&library, &absent, None), None);
}
