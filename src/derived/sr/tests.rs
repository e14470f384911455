//! Hand-made content trees: by-reference relationships, SCOORD on the frame it is selected
//! from, SCOORD3D on the planes it lies on, group toggles and highlight, limits.

use dicom_core::value::{DataSetSequence, PrimitiveValue, Value as DicomValue};
use dicom_core::{DataElement, Length, Tag, VR};
use dicom_dictionary_std::tags;
use dicom_object::InMemDicomObject;

use super::*;
use crate::viewer::layers::Shape;

fn text(object: &mut InMemDicomObject, tag: Tag, vr: VR, value: &str) {
    object.put(DataElement::new(tag, vr, PrimitiveValue::from(value)));
}

fn sequence(object: &mut InMemDicomObject, tag: Tag, items: Vec<InMemDicomObject>) {
    object.put(DataElement::new(tag, VR::SQ, DicomValue::Sequence(DataSetSequence::new(items, Length::UNDEFINED))));
}

fn code(value: &str, scheme: &str, meaning: &str) -> InMemDicomObject {
    let mut item = InMemDicomObject::new_empty();
    text(&mut item, tags::CODE_VALUE, VR::SH, value);
    text(&mut item, tags::CODING_SCHEME_DESIGNATOR, VR::SH, scheme);
    text(&mut item, tags::CODE_MEANING, VR::LO, meaning);
    item
}

fn item(relationship: &str, value_type: &str, concept: Option<(&str, &str, &str)>) -> InMemDicomObject {
    let mut object = InMemDicomObject::new_empty();
    if !relationship.is_empty() {
        text(&mut object, tags::RELATIONSHIP_TYPE, VR::CS, relationship);
    }
    text(&mut object, tags::VALUE_TYPE, VR::CS, value_type);
    if let Some((v, s, m)) = concept {
        sequence(&mut object, tags::CONCEPT_NAME_CODE_SEQUENCE, vec![code(v, s, m)]);
    }
    object
}

fn image(relationship: &str, uid: &str, frames: &[i32]) -> InMemDicomObject {
    let mut object = item(relationship, "IMAGE", None);
    let mut reference = InMemDicomObject::new_empty();
    text(&mut reference, tags::REFERENCED_SOP_CLASS_UID, VR::UI, "1.2.840.10008.5.1.4.1.1.4");
    text(&mut reference, tags::REFERENCED_SOP_INSTANCE_UID, VR::UI, uid);
    if !frames.is_empty() {
        let list: Vec<String> = frames.iter().map(i32::to_string).collect();
        text(&mut reference, tags::REFERENCED_FRAME_NUMBER, VR::IS, &list.join("\\"));
    }
    sequence(&mut object, tags::REFERENCED_SOP_SEQUENCE, vec![reference]);
    object
}

fn scoord(relationship: &str, graphic_type: &str, data: &[f32], children: Vec<InMemDicomObject>) -> InMemDicomObject {
    let mut object = item(relationship, "SCOORD", Some(("111030", "DCM", "Image Region")));
    text(&mut object, tags::GRAPHIC_TYPE, VR::CS, graphic_type);
    object.put(DataElement::new(tags::GRAPHIC_DATA, VR::FL, PrimitiveValue::F32(data.iter().copied().collect())));
    sequence(&mut object, tags::CONTENT_SEQUENCE, children);
    object
}

fn num(value: &str, unit: &str, children: Vec<InMemDicomObject>) -> InMemDicomObject {
    let mut object = item("CONTAINS", "NUM", Some(("410668003", "SCT", "Length")));
    let mut measured = InMemDicomObject::new_empty();
    text(&mut measured, tags::NUMERIC_VALUE, VR::DS, value);
    sequence(&mut measured, tags::MEASUREMENT_UNITS_CODE_SEQUENCE, vec![code(unit, "UCUM", unit)]);
    sequence(&mut object, tags::MEASURED_VALUE_SEQUENCE, vec![measured]);
    sequence(&mut object, tags::CONTENT_SEQUENCE, children);
    object
}

fn group(tracking: &str, children: Vec<InMemDicomObject>) -> InMemDicomObject {
    let mut object = item("CONTAINS", "CONTAINER", Some(("125007", "DCM", "Measurement Group")));
    text(&mut object, tags::CONTINUITY_OF_CONTENT, VR::CS, "SEPARATE");
    let mut id = item("HAS OBS CONTEXT", "TEXT", Some(("112039", "DCM", "Tracking Identifier")));
    text(&mut id, tags::TEXT_VALUE, VR::UT, tracking);
    let mut all = vec![id];
    all.extend(children);
    sequence(&mut object, tags::CONTENT_SEQUENCE, all);
    object
}

fn report(children: Vec<InMemDicomObject>) -> InMemDicomObject {
    let mut root = item("", "CONTAINER", Some(("126000", "DCM", "Imaging Measurement Report")));
    text(&mut root, tags::CONTINUITY_OF_CONTENT, VR::CS, "SEPARATE");
    text(&mut root, tags::COMPLETION_FLAG, VR::CS, "COMPLETE");
    sequence(&mut root, tags::CONTENT_SEQUENCE, children);
    root
}

fn by_reference(relationship: &str, position: &[u32]) -> InMemDicomObject {
    let mut object = InMemDicomObject::new_empty();
    text(&mut object, tags::RELATIONSHIP_TYPE, VR::CS, relationship);
    object.put(DataElement::new(
        tags::REFERENCED_CONTENT_ITEM_IDENTIFIER,
        VR::UL,
        PrimitiveValue::U32(position.iter().copied().collect()),
    ));
    object
}

fn frame(uid: &str, number: u32) -> SourceFrame {
    SourceFrame {
        sop_instance_uid: uid.into(),
        frame_number: number,
        frame_of_reference_uid: "1.2.3.4".into(),
        rows: 64,
        columns: 64,
        position_mm: Some([-10.0, -20.0, 5.0]),
        orientation: Some([1.0, 0.0, 0.0, 0.0, 1.0, 0.0]),
        pixel_spacing_mm: Some([0.5, 0.25]),
        slice_thickness_mm: Some(2.0),
    }
}

#[test]
fn by_reference_selected_from_draws_on_the_referenced_frame_only() {
    // 1.1 IMAGE (frame 2 of "9.9"); 1.2 group { 1.2.2 NUM { 1.2.2.1 SCOORD { SELECTED FROM 1.1 } } }
    let line =
        scoord("INFERRED FROM", "POLYLINE", &[10.0, 12.0, 30.0, 12.0], vec![by_reference("SELECTED FROM", &[1, 1])]);
    let doc = Document::parse(&report(vec![
        image("CONTAINS", "9.9", &[2]),
        group("lesion", vec![num("5.25", "mm", vec![line])]),
    ]))
    .expect("parses");
    let scoord_index = doc.items.iter().position(|i| matches!(i.value, Value::Scoord { .. })).unwrap();
    let reference = doc.items[scoord_index].children[0];
    assert_eq!(doc.items[reference].value, Value::Reference(vec![1, 1]));
    assert_eq!(doc.resolve(&[1, 1]), Some(1));
    assert_eq!(doc.resolve(&[1, 9]), None);
    assert_eq!(doc.resolve(&[2]), None);

    let style = LayerStyle::default();
    let mut on_frame_2 = FrameOverlays::default();
    doc.draw_on(&frame("9.9", 2), &style, &mut on_frame_2);
    assert_eq!(on_frame_2.graphics.len(), 1);
    let graphic = &on_frame_2.graphics[0];
    assert_eq!(graphic.shape, Shape::Polyline { points: vec![(10.0, 12.0), (30.0, 12.0)], closed: false });
    assert_eq!(graphic.label.as_deref(), Some("5.25 mm"));
    assert_eq!(graphic.owner, ("sr", 1));
    assert!(!graphic.highlighted);

    for other in [frame("9.9", 1), frame("9.8", 2)] {
        let mut out = FrameOverlays::default();
        doc.draw_on(&other, &style, &mut out);
        assert!(out.graphics.is_empty(), "not on {other:?}");
    }
    let mut hidden = style.clone();
    hidden.hidden.insert(1);
    let mut out = FrameOverlays::default();
    doc.draw_on(&frame("9.9", 2), &hidden, &mut out);
    assert!(out.graphics.is_empty(), "hidden group skipped");
    let selected = LayerStyle { selected: Some(1), ..LayerStyle::default() };
    let mut out = FrameOverlays::default();
    doc.draw_on(&frame("9.9", 2), &selected, &mut out);
    assert!(out.graphics[0].highlighted);

    assert_eq!(doc.groups.len(), 1);
    assert_eq!(doc.groups[0].tracking_identifier.as_deref(), Some("lesion"));
    assert_eq!(doc.groups[0].target(&doc.items).map(|r| (r.sop_instance_uid, r.frames)), Some(("9.9".into(), vec![2])));
    assert_eq!(doc.references().instances, vec![("9.9".to_string(), Some(2))]);
}

#[test]
fn scoord_shapes_follow_graphic_type() {
    let children = vec![
        scoord("CONTAINS", "CIRCLE", &[20.0, 20.0, 23.0, 24.0], vec![image("SELECTED FROM", "7", &[])]),
        scoord(
            "CONTAINS",
            "ELLIPSE",
            &[0.0, 5.0, 10.0, 5.0, 5.0, 3.0, 5.0, 7.0],
            vec![image("SELECTED FROM", "7", &[])],
        ),
        scoord(
            "CONTAINS",
            "POLYLINE",
            &[1.0, 1.0, 5.0, 1.0, 5.0, 5.0, 1.0, 1.0],
            vec![image("SELECTED FROM", "7", &[])],
        ),
        scoord("CONTAINS", "MULTIPOINT", &[1.0, 2.0, 3.0, 4.0], vec![image("SELECTED FROM", "7", &[])]),
    ];
    let doc = Document::parse(&report(children)).unwrap();
    let mut out = FrameOverlays::default();
    doc.draw_on(&frame("7", 1), &LayerStyle::default(), &mut out);
    let shapes: Vec<Shape> = out.graphics.into_iter().map(|g| g.shape).collect();
    assert_eq!(
        shapes,
        vec![
            Shape::Circle { center: (20.0, 20.0), radius: 5.0 },
            Shape::Ellipse { major: [(0.0, 5.0), (10.0, 5.0)], minor: [(5.0, 3.0), (5.0, 7.0)] },
            Shape::Polyline { points: vec![(1.0, 1.0), (5.0, 1.0), (5.0, 5.0)], closed: true },
            Shape::Point { at: (1.0, 2.0) },
            Shape::Point { at: (3.0, 4.0) },
        ]
    );
}

#[test]
fn scoord3d_lands_on_planes_within_half_a_slice() {
    let scoord3d = |z: f32| {
        let mut object = item("CONTAINS", "SCOORD3D", Some(("111030", "DCM", "Image Region")));
        text(&mut object, tags::GRAPHIC_TYPE, VR::CS, "POLYLINE");
        text(&mut object, tags::REFERENCED_FRAME_OF_REFERENCE_UID, VR::UI, "1.2.3.4");
        object.put(DataElement::new(
            tags::GRAPHIC_DATA,
            VR::FL,
            PrimitiveValue::F32([0.0, 0.0, z, 2.5, -15.0, z].into_iter().collect()),
        ));
        object
    };
    let doc =
        Document::parse(&report(vec![group("near", vec![scoord3d(5.9)]), group("far", vec![scoord3d(6.1)])])).unwrap();
    let mut out = FrameOverlays::default();
    doc.draw_on(&frame("any", 1), &LayerStyle::default(), &mut out);
    assert_eq!(out.graphics.len(), 1, "only the graphic within 1 mm (half of 2 mm) of z = 5");
    // (0,0) - (-10,-20) = (10, 20) mm → column 10/0.25 + 0.5 = 40.5, row 20/0.5 + 0.5 = 40.5
    let Shape::Polyline { points, .. } = &out.graphics[0].shape else { panic!("polyline") };
    let expected = [(40.5, 40.5), (50.5, 10.5)];
    for (p, e) in points.iter().zip(expected) {
        assert!((p.0 - e.0).abs() < 1e-4 && (p.1 - e.1).abs() < 1e-4, "{points:?}");
    }
    assert_eq!(out.graphics[0].owner, ("sr", 1));
    let mut other_for = frame("any", 1);
    other_for.frame_of_reference_uid = "5.6".into();
    let mut out = FrameOverlays::default();
    doc.draw_on(&other_for, &LayerStyle::default(), &mut out);
    assert!(out.graphics.is_empty(), "another frame of reference");
    assert_eq!(doc.references().frame_of_reference_uid, "1.2.3.4");
}

#[test]
fn limits_and_malformed_items_are_typed_errors() {
    let mut nested = item("CONTAINS", "CONTAINER", None);
    for _ in 0..MAX_DEPTH + 2 {
        let mut parent = item("CONTAINS", "CONTAINER", None);
        sequence(&mut parent, tags::CONTENT_SEQUENCE, vec![nested]);
        nested = parent;
    }
    assert!(matches!(Document::parse(&report(vec![nested])), Err(DerivedError::TooLarge { .. })));

    let bad = scoord("CONTAINS", "CIRCLE", &[1.0, 2.0, 3.0], vec![]);
    let error = Document::parse(&report(vec![bad])).unwrap_err();
    assert!(error.to_string().contains("GraphicData"), "{error}");

    let not_a_container = item("", "TEXT", None);
    let error = Document::parse(&not_a_container).unwrap_err();
    assert!(error.to_string().contains("ValueType"), "{error}");
}

#[test]
fn labels_keep_four_significant_digits() {
    let m = |v: f64, unit: &str| Measurement {
        text: v.to_string(),
        value: Some(v),
        unit: Some(Code {
            value: unit.into(),
            scheme: "UCUM".into(),
            scheme_version: None,
            meaning: "Hounsfield Unit".into(),
        }),
    };
    assert_eq!(m(39.366492, "mm").label(), "39.37 mm");
    assert_eq!(m(10.0, "mm").label(), "10 mm");
    assert_eq!(m(1.7, "cm2").label(), "1.7 cm2");
    assert_eq!(m(4806.42, "mm2").label(), "4806 mm2");
    assert_eq!(m(-119.07, "[hnsf'U]").label(), "-119.1 HU");
    assert_eq!(m(0.001234, "1").label(), "0.001234 Hounsfield Unit");
}
