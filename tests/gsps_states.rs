//! Grayscale Softcopy Presentation States (PS3.3 A.33.1) on real files: the weasis / OFFIS
//! states rendered through our pipeline against dcmtk's `dcmp2pgm` (run at test time), the
//! dcm4che state's annotation geometry against `dcmdump`'s values, and generated states for
//! what the corpus lacks (shutters, displayed area, DISPLAY units, rotation). Robustness: cut
//! and damaged states give errors, never panics.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use common::{corpus, have_dcmtk, parse_pnm, Pnm};
use dicom_core::{DataElement, PrimitiveValue, Tag, VR};
use dicom_dictionary_std::tags;
use dicom_object::InMemDicomObject;
use dicom_viewer::api::RenderOptions;
use dicom_viewer::derived::gsps::{PresentationState, ShutterShape, SizeMode, Units};
use dicom_viewer::derived::{read_dataset, Derived, DerivedKind, SourceFrame};
use dicom_viewer::dicom::overlay::{composite_overlay, OVERLAY_RGBA};
use dicom_viewer::dicom::DicomImage;
use dicom_viewer::pipeline::{PresentationLut, PresentationShape, Voi};
use dicom_viewer::viewer::layers::{composite_layer, FrameOverlays, LayerStyle, Shape};
use dicom_viewer::viewer::viewport::Viewport;

fn gsps_dir() -> PathBuf {
    corpus().join("derived/gsps")
}

fn state(path: &Path) -> PresentationState {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let dataset = read_dataset(&bytes).expect("a data set");
    PresentationState::parse(&dataset).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn frame_of(image: &DicomImage, sop: &str) -> SourceFrame {
    SourceFrame {
        sop_instance_uid: sop.to_string(),
        frame_number: 1,
        frame_of_reference_uid: String::new(),
        rows: image.info.rows,
        columns: image.info.columns,
        position_mm: None,
        orientation: None,
        pixel_spacing_mm: None,
        slice_thickness_mm: None,
    }
}

/// `dcmp2pgm -p state image out.pgm`: dcmtk's rendering of an image through a state.
fn dcmp2pgm(state: &Path, image: &Path) -> Result<Pnm, String> {
    let out =
        std::env::temp_dir().join(format!("dcmp2pgm-{}-{:?}.pgm", std::process::id(), std::thread::current().id()));
    let result =
        Command::new("dcmp2pgm").arg("-p").arg(state).arg(image).arg(&out).output().map_err(|e| e.to_string())?;
    let bytes = std::fs::read(&out);
    let _ = std::fs::remove_file(&out);
    if !result.status.success() {
        return Err(String::from_utf8_lossy(&result.stderr).to_string());
    }
    parse_pnm(&bytes.map_err(|e| e.to_string())?).ok_or_else(|| "unreadable PGM".into())
}

/// Our grey display of `image` through `ps`, no overlays.
fn ours_grey(image_path: &Path, ps: &PresentationState) -> Vec<u8> {
    let bytes = std::fs::read(image_path).expect("image");
    let image = DicomImage::parse(&bytes).expect("parse image");
    let frame = image.decode_frame(0).expect("decode");
    let uid = &ps.images[0].sop_instance_uid;
    let options = RenderOptions { softcopy: Some(Arc::new(ps.softcopy_for(uid, 1))), ..RenderOptions::default() };
    image.render(0, &frame, &options).rgba.chunks_exact(4).map(|p| p[0]).collect()
}

/// Our display of `image` through `ps` (grey chain, image overlays the state activates, the
/// state's overlay layers and shutter), as grey samples.
fn ours_through(image_path: &Path, ps: &PresentationState) -> Vec<u8> {
    let bytes = std::fs::read(image_path).expect("image");
    let image = DicomImage::parse(&bytes).expect("parse image");
    let frame = image.decode_frame(0).expect("decode");
    let uid = ps.images[0].sop_instance_uid.clone();
    let options = RenderOptions { softcopy: Some(Arc::new(ps.softcopy_for(&uid, 1))), ..RenderOptions::default() };
    let mut rendered = image.render(0, &frame, &options);
    let (planes, _) = image.overlays();
    let activated: Vec<_> = planes.into_iter().filter(|p| ps.shows_image_overlay(p.group)).collect();
    if let Some(mask) =
        dicom_viewer::dicom::overlay::overlay_mask(&activated, &frame.embedded_overlays, 0, frame.columns, frame.rows)
    {
        composite_overlay(&mut rendered.rgba, &mask, OVERLAY_RGBA);
    }
    let mut overlays = FrameOverlays::default();
    ps.draw_on(&frame_of(&image, &uid), &LayerStyle::default(), &mut overlays);
    if let Some(layer) = overlays.flattened() {
        composite_layer(&mut rendered.rgba, &layer);
    }
    rendered.rgba.chunks_exact(4).map(|p| p[0]).collect()
}

fn max_difference(a: &[u8], b: &[u8]) -> (u8, usize) {
    let mut worst = (0u8, 0usize);
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        let d = x.abs_diff(*y);
        if d > worst.0 {
            worst = (d, i);
        }
    }
    worst
}

#[test]
fn combined_luts_render_as_dcmp2pgm_does() {
    let dir = gsps_dir().join("weasis");
    let ps = state(&dir.join("prLUTs.dcm"));
    assert_eq!(ps.label, "XLUT_P03");
    assert!(matches!(ps.modality_lut, Some(dicom_viewer::pipeline::ModalityLut::Table(_))));
    assert!(matches!(ps.vois.first().map(|v| &v.voi), Some(Voi::Table(_))));
    assert!(matches!(ps.presentation, PresentationLut::Table(_)));
    assert_eq!(ps.images[0].sop_instance_uid, "1.2.276.0.7230010.3.200.6.3.1");
    let ours = ours_through(&dir.join("imageForPrLUTs.dcm"), &ps);
    // Without the state the image looks different (the LUTs are scrambled).
    let plain = dicom_viewer::api::render_frame(
        &std::fs::read(dir.join("imageForPrLUTs.dcm")).expect("image"),
        0,
        &RenderOptions::default(),
    )
    .expect("render");
    let plain: Vec<u8> = plain.rgba.chunks_exact(4).map(|p| p[0]).collect();
    let changed = plain.iter().zip(&ours).filter(|(a, b)| a != b).count();
    assert!(changed > ours.len() / 2, "the state changes most pixels ({changed})");
    if !have_dcmtk() {
        eprintln!("dcmtk missing: skipping the dcmp2pgm comparison");
        return;
    }
    let reference = dcmp2pgm(&dir.join("prLUTs.dcm"), &dir.join("imageForPrLUTs.dcm")).expect("dcmp2pgm");
    assert_eq!((reference.width, reference.height), (512, 512));
    let (worst, at) = max_difference(&reference.samples, &ours);
    assert!(worst <= 1, "differs from dcmp2pgm by {worst} at pixel {at}");
}

#[test]
fn overlay_state_draws_its_layers_as_dcmp2pgm_does() {
    let dir = gsps_dir().join("weasis");
    let ps = state(&dir.join("prOverlay.dcm"));
    assert_eq!(ps.layers.len(), 6);
    assert_eq!(
        ps.activated_image_overlays.iter().map(|(g, _)| *g).collect::<Vec<_>>(),
        [0x6000, 0x6002, 0x6004, 0x6006]
    );
    let own: Vec<_> = ps.overlays.iter().map(|o| (o.plane.group, o.layer.clone())).collect();
    assert_eq!(own, [(0x6008, Some("LAYER5".to_string())), (0x600A, Some("LAYER6".to_string()))]);
    assert_eq!(ps.presentation, PresentationLut::Shape(PresentationShape::Identity));
    assert!(ps.shows_image_overlay(0x6006) && !ps.shows_image_overlay(0x6008), "6008 is the state's own");
    let ours = ours_through(&dir.join("overlay.dcm"), &ps);
    // The state's own planes are drawn: hiding their layers changes the output.
    let image = DicomImage::parse(&std::fs::read(dir.join("overlay.dcm")).expect("image")).expect("parse");
    let frame = frame_of(&image, "1.2.276.0.7230010.3.200.12.1.1");
    let mut shown = FrameOverlays::default();
    ps.draw_on(&frame, &LayerStyle::default(), &mut shown);
    let covered = shown.flattened().map_or(0, |l| l.covered());
    assert!(covered > 100, "the state's overlays cover {covered} pixels");
    let mut hidden = FrameOverlays::default();
    let style = LayerStyle { hidden: [5, 6].into_iter().collect(), ..LayerStyle::default() };
    ps.draw_on(&frame, &style, &mut hidden);
    assert!(hidden.flattened().is_none(), "layers 5 and 6 hidden: nothing drawn");
    if !have_dcmtk() {
        return;
    }
    // dcmp2pgm renders the grey chain only (dcmtk hands overlays to the application apart):
    // without any overlay our output equals it.
    let reference = dcmp2pgm(&dir.join("prOverlay.dcm"), &dir.join("overlay.dcm")).expect("dcmp2pgm");
    let grey_only = ours_grey(&dir.join("overlay.dcm"), &ps);
    let (worst, at) = max_difference(&reference.samples, &grey_only);
    assert!(worst <= 1, "grey differs from dcmp2pgm by {worst} at pixel {at}");
    // The overlays: the image with the state's two planes copied in, drawn by dcm2pnm with the
    // state's VOI (none: the 12-bit range, i.e. window 2048/4096) shows all six planes in white.
    let mut object =
        dicom_object::OpenFileOptions::new().open_file(dir.join("overlay.dcm")).expect("open").into_inner();
    let state_object = read_dataset(&std::fs::read(dir.join("prOverlay.dcm")).expect("state")).expect("data set");
    for element in state_object.iter().filter(|e| matches!(e.header().tag.group(), 0x6008 | 0x600A)) {
        if element.header().tag.element() != 0x1001 {
            object.put(element.clone());
        }
    }
    let meta = dicom_object::meta::FileMetaTableBuilder::new()
        .media_storage_sop_class_uid("1.2.840.10008.5.1.4.1.1.7")
        .media_storage_sop_instance_uid("1.2.276.0.7230010.3.200.12.1.1")
        .transfer_syntax("1.2.840.10008.1.2.1")
        .build()
        .expect("meta");
    let combined = std::env::temp_dir().join(format!("gsps-overlays-{}.dcm", std::process::id()));
    object.with_exact_meta(meta).write_to_file(&combined).expect("written");
    let drawn = common::dcm2pnm(&combined, &["+Ww", "2048", "4096"]);
    let _ = std::fs::remove_file(&combined);
    let drawn = drawn.expect("dcm2pnm");
    let (worst, at) = max_difference(&drawn.samples, &ours);
    assert!(worst <= 1, "differs from dcm2pnm by {worst} at pixel {at} (row {}, column {})", at / 512, at % 512);
    let white = |v: &[u8]| v.iter().filter(|x| **x == 255).count();
    assert!(white(&ours) > white(&grey_only) + covered / 2, "the overlays are drawn");
}

/// Values of one attribute as dcmdump prints them (every occurrence, nested included).
fn dcmdump_values(file: &Path, tag: &str) -> Vec<Vec<f64>> {
    let output = Command::new("dcmdump").args(["+P", tag, "+L"]).arg(file).output().expect("dcmdump");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| {
            let value = line.split_once(' ')?.1.trim_start();
            let value = value.split_once(' ')?.1.trim_start();
            let value = value.split('#').next()?.trim();
            Some(value.split('\\').filter_map(|v| v.trim().parse::<f64>().ok()).collect::<Vec<f64>>())
        })
        .filter(|v| !v.is_empty())
        .collect()
}

fn close(a: (f64, f64), b: (f64, f64)) -> bool {
    (a.0 - b.0).abs() < 1e-3 && (a.1 - b.1).abs() < 1e-3
}

#[test]
fn dcm4che_annotation_geometry_matches_dcmdump() {
    let path = gsps_dir().join("dcm4che-typeddicom/GSPS_PS.dcm");
    let ps = state(&path);
    let sop = "1.2.40.0.13.1.188812342173958994015240267909703912045";
    assert_eq!(ps.presentation, PresentationLut::Shape(PresentationShape::Inverse));
    assert_eq!(ps.creator.as_deref(), Some("Peter^Lambert"));
    let Some(Voi::Table(voi)) = ps.softcopy_for(sop, 1).voi else { panic!("a VOI LUT for the image") };
    assert_eq!(voi.entries.len(), 4096);
    let area = ps.displayed_area(sop, 1).expect("displayed area");
    assert_eq!((area.top_left, area.bottom_right, area.size_mode), ((1, 1), (2494, 2048), SizeMode::ScaleToFit));
    assert_eq!(area.pixel_spacing_mm, Some([0.17, 0.17]));
    let annotation = &ps.annotations[0];
    assert_eq!(annotation.layer, "CUSTOM");
    let layer = ps.layer("CUSTOM").expect("layer").1;
    assert_eq!(layer.grey, Some(50346));
    // Draw on a 2048-row × 2494-column frame of the referenced image.
    let frame = SourceFrame {
        sop_instance_uid: sop.into(),
        frame_number: 1,
        frame_of_reference_uid: String::new(),
        rows: 2048,
        columns: 2494,
        position_mm: None,
        orientation: None,
        pixel_spacing_mm: None,
        slice_thickness_mm: None,
    };
    let mut out = FrameOverlays::default();
    ps.draw_on(&frame, &LayerStyle::default(), &mut out);
    let grey = (50346.0f64 * 255.0 / 65535.0).round() as u8;
    assert!(out.graphics.iter().all(|g| g.rgb == [grey; 3] && g.owner == ("gsps", 1)));
    let lines: Vec<&Vec<(f64, f64)>> = out
        .graphics
        .iter()
        .filter_map(|g| match &g.shape {
            Shape::Polyline { points, .. } => Some(points),
            _ => None,
        })
        .collect();
    let texts: Vec<((f64, f64), &str)> = out
        .graphics
        .iter()
        .filter_map(|g| match &g.shape {
            Shape::Text { at, text } => Some((*at, text.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(texts.len(), 1);
    assert!(texts[0].1.starts_with("Distance measurement 1"), "{:?}", texts[0].1);
    assert_eq!(lines.len(), 2, "the distance line and the anchor's leader line");
    // Another image gets nothing.
    let mut other = FrameOverlays::default();
    ps.draw_on(&SourceFrame { sop_instance_uid: "1.2.3".into(), ..frame.clone() }, &LayerStyle::default(), &mut other);
    assert!(other.is_empty());
    if !have_dcmtk() {
        return;
    }
    let data = dcmdump_values(&path, "0070,0022");
    let polyline = data.iter().find(|v| v.len() == 4).expect("dcmdump's Graphic Data");
    assert!(
        close(lines[0][0], (polyline[0], polyline[1])) && close(lines[0][1], (polyline[2], polyline[3])),
        "{lines:?} vs {polyline:?}"
    );
    let tlhc = &dcmdump_values(&path, "0070,0010")[0];
    assert!(close(texts[0].0, (tlhc[0], tlhc[1])), "{:?} vs {tlhc:?}", texts[0].0);
    let anchor = &dcmdump_values(&path, "0070,0014")[0];
    assert!(close(lines[1][0], (anchor[0], anchor[1])), "leader from the anchor {anchor:?}: {:?}", lines[1]);
}

// ---- generated states -------------------------------------------------------------------

fn put(object: &mut InMemDicomObject, tag: Tag, vr: VR, value: PrimitiveValue) {
    object.put(DataElement::new(tag, vr, value));
}

fn strs(values: &[&str]) -> PrimitiveValue {
    PrimitiveValue::Strs(values.iter().map(|v| v.to_string()).collect())
}

fn sequence(object: &mut InMemDicomObject, tag: Tag, items: Vec<InMemDicomObject>) {
    object.put(DataElement::new(tag, VR::SQ, dicom_core::value::DataSetSequence::from(items)));
}

fn image_ref(sop: &str) -> InMemDicomObject {
    let mut item = InMemDicomObject::new_empty();
    put(&mut item, tags::REFERENCED_SOP_CLASS_UID, VR::UI, "1.2.840.10008.5.1.4.1.1.7".into());
    put(&mut item, tags::REFERENCED_SOP_INSTANCE_UID, VR::UI, sop.into());
    item
}

/// A minimal state on image "1.2.3.4" with whatever `extra` adds.
fn generated(extra: impl FnOnce(&mut InMemDicomObject)) -> PresentationState {
    let mut ps = InMemDicomObject::new_empty();
    put(&mut ps, tags::SOP_INSTANCE_UID, VR::UI, "9.9.9".into());
    put(&mut ps, tags::CONTENT_LABEL, VR::CS, "TEST".into());
    let mut series = InMemDicomObject::new_empty();
    put(&mut series, tags::SERIES_INSTANCE_UID, VR::UI, "1.2.3".into());
    sequence(&mut series, tags::REFERENCED_IMAGE_SEQUENCE, vec![image_ref("1.2.3.4")]);
    sequence(&mut ps, tags::REFERENCED_SERIES_SEQUENCE, vec![series]);
    extra(&mut ps);
    PresentationState::parse(&ps).expect("parse")
}

fn small_frame(columns: u32, rows: u32) -> SourceFrame {
    SourceFrame {
        sop_instance_uid: "1.2.3.4".into(),
        frame_number: 1,
        frame_of_reference_uid: String::new(),
        rows,
        columns,
        position_mm: None,
        orientation: None,
        pixel_spacing_mm: None,
        slice_thickness_mm: None,
    }
}

#[test]
fn shutters_cover_outside_the_opening_in_the_shutter_value() {
    let ps = generated(|ps| {
        put(ps, tags::SHUTTER_SHAPE, VR::CS, strs(&["RECTANGULAR", "CIRCULAR"]));
        put(ps, tags::SHUTTER_LEFT_VERTICAL_EDGE, VR::IS, "2".into());
        put(ps, tags::SHUTTER_RIGHT_VERTICAL_EDGE, VR::IS, "9".into());
        put(ps, tags::SHUTTER_UPPER_HORIZONTAL_EDGE, VR::IS, "3".into());
        put(ps, tags::SHUTTER_LOWER_HORIZONTAL_EDGE, VR::IS, "8".into());
        put(ps, tags::CENTER_OF_CIRCULAR_SHUTTER, VR::IS, strs(&["5", "5"]));
        put(ps, tags::RADIUS_OF_CIRCULAR_SHUTTER, VR::IS, "3".into());
        put(ps, tags::SHUTTER_PRESENTATION_VALUE, VR::US, PrimitiveValue::from(32768u16));
    });
    assert_eq!(ps.shutter.shapes.len(), 2);
    assert!(matches!(ps.shutter.shapes[1], ShutterShape::Circular { center: (5, 5), radius: 3 }));
    let mut out = FrameOverlays::default();
    ps.draw_on(&small_frame(10, 10), &LayerStyle::default(), &mut out);
    let shutter = out.shutter.expect("a shutter layer");
    let at = |column: usize, row: usize| &shutter.rgba[(row * 10 + column) * 4..(row * 10 + column) * 4 + 4];
    // Pixel (column 5, row 5) from 1 = index (4, 4): the centre, open.
    assert_eq!(at(4, 4)[3], 0);
    // Column 1 is left of the rectangle; row 10 below it: shuttered in P-value 32768 → 128.
    assert_eq!(at(0, 4), [128, 128, 128, 255]);
    assert_eq!(at(4, 9), [128, 128, 128, 255]);
    // Inside the rectangle but outside the circle (column 9, row 8 from 1).
    assert_eq!(at(8, 7)[3], 255);
    // Open pixels: inside both, i.e. within 3 pixels of (5, 5) and inside columns 2–9, rows 3–8.
    let open = shutter.rgba.chunks_exact(4).filter(|p| p[3] == 0).count();
    let expected = (1..=10)
        .flat_map(|r| (1..=10).map(move |c| (c, r)))
        .filter(|(c, r)| (2..=9).contains(c) && (3..=8).contains(r) && (c - 5) * (c - 5) + (r - 5) * (r - 5) <= 9)
        .count();
    assert_eq!(open, expected);
}

#[test]
fn a_polygonal_shutter_and_a_bad_rotation() {
    let ps = generated(|ps| {
        put(ps, tags::SHUTTER_SHAPE, VR::CS, "POLYGONAL".into());
        // Triangle (row, column): (1,1), (1,8), (8,1).
        put(ps, tags::VERTICES_OF_THE_POLYGONAL_SHUTTER, VR::IS, strs(&["1", "1", "1", "8", "8", "1"]));
    });
    let mut out = FrameOverlays::default();
    ps.draw_on(&small_frame(8, 8), &LayerStyle::default(), &mut out);
    let shutter = out.shutter.expect("shutter");
    assert_eq!(shutter.rgba[(7 * 8 + 7) * 4 + 3], 255, "bottom-right corner is shuttered");
    assert_eq!(shutter.rgba[(2 * 8 + 2) * 4 + 3], 0, "(3, 3) is inside the triangle");
    assert_eq!(&shutter.rgba[(7 * 8 + 7) * 4..(7 * 8 + 7) * 4 + 3], &[0, 0, 0], "black without a value");
    let mut ps = InMemDicomObject::new_empty();
    put(&mut ps, tags::SOP_INSTANCE_UID, VR::UI, "9".into());
    let mut series = InMemDicomObject::new_empty();
    sequence(&mut series, tags::REFERENCED_IMAGE_SEQUENCE, vec![image_ref("1.2.3.4")]);
    sequence(&mut ps, tags::REFERENCED_SERIES_SEQUENCE, vec![series]);
    put(&mut ps, tags::IMAGE_ROTATION, VR::US, PrimitiveValue::from(45u16));
    let error = PresentationState::parse(&ps).expect_err("45° is not allowed").to_string();
    assert!(error.contains("ImageRotation") && error.contains("45"), "{error}");
}

#[test]
fn displayed_area_and_rotation_become_the_view() {
    let ps = generated(|ps| {
        put(ps, tags::IMAGE_ROTATION, VR::US, PrimitiveValue::from(90u16));
        put(ps, tags::IMAGE_HORIZONTAL_FLIP, VR::CS, "Y".into());
        let mut area = InMemDicomObject::new_empty();
        put(&mut area, tags::DISPLAYED_AREA_TOP_LEFT_HAND_CORNER, VR::SL, PrimitiveValue::I32(vec![101, 51].into()));
        put(
            &mut area,
            tags::DISPLAYED_AREA_BOTTOM_RIGHT_HAND_CORNER,
            VR::SL,
            PrimitiveValue::I32(vec![300, 150].into()),
        );
        put(&mut area, tags::PRESENTATION_SIZE_MODE, VR::CS, "SCALE TO FIT".into());
        sequence(ps, tags::DISPLAYED_AREA_SELECTION_SEQUENCE, vec![area]);
    });
    // A 400 × 200 image on an 800 × 600 canvas. The area is columns 101–300, rows 51–150
    // (200 wide, 100 tall); turned a quarter it is 100 wide and 200 tall on screen: scale 3.
    let transform = ps.view_transform("1.2.3.4", 1, (400, 200), 1.0, (800.0, 600.0));
    assert_eq!((transform.rotation, transform.flip_horizontal), (1, true));
    let mut viewport = Viewport::new(400, 200, 1.0, 800.0, 600.0);
    viewport.transform = transform;
    assert!((viewport.scale() - 3.0).abs() < 1e-9, "scale {}", viewport.scale());
    let centre = viewport.image_to_canvas((200.0, 100.0));
    assert!(close(centre, (400.0, 300.0)), "area centre at the canvas centre: {centre:?}");
    for corner in [(100.0, 50.0), (300.0, 150.0)] {
        let (x, y) = viewport.image_to_canvas(corner);
        assert!((-1e-6..=800.0 + 1e-6).contains(&x) && (-1e-6..=600.0 + 1e-6).contains(&y), "{corner:?} → {x}, {y}");
    }
    // DISPLAY units: (0, 0) is the top-left of the area as shown. Rotated a quarter clockwise
    // then flipped, the shown top-left is the image's top-left corner of the area.
    let geometry = ps.display_geometry("1.2.3.4", 1, 400, 200);
    let shown_top_left = geometry.to_image(Units::Display, (0.0, 0.0));
    let on_canvas = viewport.image_to_canvas(shown_top_left);
    let corners = [(100.0, 50.0), (300.0, 50.0), (100.0, 150.0), (300.0, 150.0)].map(|c| viewport.image_to_canvas(c));
    let min_x = corners.iter().map(|c| c.0).fold(f64::MAX, f64::min);
    let min_y = corners.iter().map(|c| c.1).fold(f64::MAX, f64::min);
    assert!(close(on_canvas, (min_x, min_y)), "DISPLAY (0,0) shown at the area's top-left: {on_canvas:?}");
    assert!(close(geometry.to_image(Units::Display, (0.5, 0.5)), (200.0, 100.0)));
    assert!(close(geometry.to_image(Units::Pixel, (7.0, 8.0)), (7.0, 8.0)));
}

#[test]
fn graphic_types_and_display_units_in_annotations() {
    let ps = generated(|ps| {
        let mut layer = InMemDicomObject::new_empty();
        put(&mut layer, tags::GRAPHIC_LAYER, VR::CS, "L".into());
        put(&mut layer, tags::GRAPHIC_LAYER_ORDER, VR::IS, "1".into());
        // CIELab of pure red (L 53.24, a 80.09, b 67.20), DICOM-scaled.
        let scaled: [f64; 3] =
            [53.2408 * 65535.0 / 100.0, (80.0925 + 128.0) * 65535.0 / 255.0, (67.2032 + 128.0) * 65535.0 / 255.0];
        put(
            &mut layer,
            tags::GRAPHIC_LAYER_RECOMMENDED_DISPLAY_CIE_LAB_VALUE,
            VR::US,
            PrimitiveValue::U16(scaled.iter().map(|v| v.round() as u16).collect()),
        );
        sequence(ps, tags::GRAPHIC_LAYER_SEQUENCE, vec![layer]);
        let object = |kind: &str, units: &str, data: Vec<f32>, filled: bool| {
            let mut item = InMemDicomObject::new_empty();
            put(&mut item, tags::GRAPHIC_ANNOTATION_UNITS, VR::CS, units.into());
            put(&mut item, tags::GRAPHIC_DIMENSIONS, VR::US, PrimitiveValue::from(2u16));
            put(&mut item, tags::NUMBER_OF_GRAPHIC_POINTS, VR::US, PrimitiveValue::from((data.len() / 2) as u16));
            put(&mut item, tags::GRAPHIC_DATA, VR::FL, PrimitiveValue::F32(data.into()));
            put(&mut item, tags::GRAPHIC_TYPE, VR::CS, kind.into());
            put(&mut item, tags::GRAPHIC_FILLED, VR::CS, if filled { "Y" } else { "N" }.into());
            item
        };
        let mut annotation = InMemDicomObject::new_empty();
        put(&mut annotation, tags::GRAPHIC_LAYER, VR::CS, "L".into());
        sequence(
            &mut annotation,
            tags::GRAPHIC_OBJECT_SEQUENCE,
            vec![
                object("CIRCLE", "PIXEL", vec![10.0, 10.0, 13.0, 14.0], true),
                object("ELLIPSE", "PIXEL", vec![0.0, 5.0, 10.0, 5.0, 5.0, 3.0, 5.0, 7.0], false),
                object("POINT", "DISPLAY", vec![0.5, 0.5], false),
                object("POLYLINE", "PIXEL", vec![1.0, 1.0, 5.0, 1.0, 5.0, 5.0, 1.0, 1.0], false),
                object("POLYLINE", "PIXEL", vec![1.0], false),
            ],
        );
        let mut text = InMemDicomObject::new_empty();
        put(&mut text, tags::UNFORMATTED_TEXT_VALUE, VR::ST, "hello".into());
        put(&mut text, tags::ANCHOR_POINT_ANNOTATION_UNITS, VR::CS, "DISPLAY".into());
        put(&mut text, tags::ANCHOR_POINT, VR::FL, PrimitiveValue::F32(vec![0.25, 0.75].into()));
        put(&mut text, tags::ANCHOR_POINT_VISIBILITY, VR::CS, "N".into());
        sequence(&mut annotation, tags::TEXT_OBJECT_SEQUENCE, vec![text]);
        sequence(ps, tags::GRAPHIC_ANNOTATION_SEQUENCE, vec![annotation]);
    });
    let mut out = FrameOverlays::default();
    ps.draw_on(&small_frame(40, 20), &LayerStyle::default(), &mut out);
    let shapes: Vec<&Shape> = out.graphics.iter().map(|g| &g.shape).collect();
    assert_eq!(shapes.len(), 5, "{shapes:?}");
    assert_eq!(shapes[0], &Shape::Circle { center: (10.0, 10.0), radius: 5.0 });
    assert!(out.graphics[0].fill_opacity > 0.0 && out.graphics[1].fill_opacity == 0.0);
    assert_eq!(shapes[1], &Shape::Ellipse { major: [(0.0, 5.0), (10.0, 5.0)], minor: [(5.0, 3.0), (5.0, 7.0)] });
    assert_eq!(shapes[2], &Shape::Point { at: (20.0, 10.0) }, "DISPLAY (0.5, 0.5) is the image centre");
    assert!(matches!(shapes[3], Shape::Polyline { closed: true, points } if points.len() == 4));
    assert_eq!(shapes[4], &Shape::Text { at: (10.0, 15.0), text: "hello".into() });
    assert!(out.graphics.iter().all(|g| g.rgb == [255, 0, 0]), "the layer's CIELab red");
    let hidden = LayerStyle { hidden: [1].into_iter().collect(), ..LayerStyle::default() };
    let mut none = FrameOverlays::default();
    ps.draw_on(&small_frame(40, 20), &hidden, &mut none);
    assert!(none.graphics.is_empty());
}

#[test]
fn derived_dispatch_and_damaged_states_never_panic() {
    let path = gsps_dir().join("weasis/prOverlay.dcm");
    let bytes = std::fs::read(&path).expect("state");
    let dataset = read_dataset(&bytes).expect("data set");
    let kind = DerivedKind::classify("1.2.840.10008.5.1.4.1.1.11.1", "PR").expect("a kind");
    let derived = Derived::parse(kind, &dataset).expect("parse");
    assert_eq!(derived.references().instances, vec![("1.2.276.0.7230010.3.200.12.1.1".to_string(), None)]);
    assert_eq!(derived.references().series, vec!["1.2.276.0.7230010.3.200.12.1".to_string()]);
    let mut checked = 0;
    for file in ["weasis/prLUTs.dcm", "weasis/prOverlay.dcm", "dcm4che-typeddicom/GSPS_PS.dcm"] {
        let bytes = std::fs::read(gsps_dir().join(file)).expect("state");
        for cut in (0..bytes.len()).step_by((bytes.len() / 64).max(1)) {
            if let Ok(dataset) = read_dataset(&bytes[..cut]) {
                let _ = PresentationState::parse(&dataset).map(|ps| {
                    let mut out = FrameOverlays::default();
                    ps.draw_on(&small_frame(64, 64), &LayerStyle::default(), &mut out);
                });
            }
            checked += 1;
        }
        let mut flipped = bytes.clone();
        for i in (200..flipped.len()).step_by(97) {
            flipped[i] ^= 0x5A;
        }
        if let Ok(dataset) = read_dataset(&flipped) {
            let _ = PresentationState::parse(&dataset);
        }
    }
    assert!(checked > 150);
}

#[test]
fn features_name_what_applying_changes() {
    use dicom_viewer::derived::gsps::Feature;
    let luts = state(&gsps_dir().join("weasis/prLUTs.dcm"));
    assert_eq!(luts.features(), [Feature::ModalityLut, Feature::Voi, Feature::PresentationLut, Feature::DisplayedArea]);
    let overlay = state(&gsps_dir().join("weasis/prOverlay.dcm"));
    assert_eq!(overlay.features(), [Feature::DisplayedArea, Feature::Overlays(6)]);
    let dcm4che = state(&gsps_dir().join("dcm4che-typeddicom/GSPS_PS.dcm"));
    assert_eq!(dcm4che.features(), [Feature::Voi, Feature::Inverse, Feature::DisplayedArea, Feature::Annotations(2)]);
}
