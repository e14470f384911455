//! A large segmentation (`cargo bench --bench seg`): a BINARY SEG of 500 frames of 512×512
//! (5 segments × 100 slices, a disc per frame whose radius varies along the stack), made here at
//! bench time over the geometry of a 500-slice 512×512 CT (1 mm slices, 0.7 mm pixels; the CT's
//! pixels are not needed to place or draw the SEG, so only its frames' geometry is built).
//! Measured: parse time (bytes → `Segmentation`), the bytes the parsed object holds for its
//! voxels against the raw size of the CT (512×512×500×2 bytes), and `draw_on` per shown frame.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use dicom_core::{DataElement, PrimitiveValue, Tag, VR};
use dicom_dictionary_std::tags;
use dicom_object::meta::FileMetaTableBuilder;
use dicom_object::InMemDicomObject;
use dicom_viewer::derived::seg::Segmentation;
use dicom_viewer::derived::{read_dataset, Derived, SourceFrame};
use dicom_viewer::viewer::layers::{FrameOverlays, LayerStyle};

const SIZE: u32 = 512;
const SLICES: u32 = 500;
const SEGMENTS: u32 = 5;
const FOR_UID: &str = "2.25.424242";

fn ct_uid(slice: u32) -> String {
    format!("2.25.4242{slice:04}")
}

fn item(elements: Vec<DataElement<InMemDicomObject>>) -> InMemDicomObject {
    InMemDicomObject::from_element_iter(elements)
}

fn sequence(tag: Tag, items: Vec<InMemDicomObject>) -> DataElement<InMemDicomObject> {
    DataElement::new(tag, VR::SQ, dicom_core::value::DataSetSequence::from(items))
}

fn text(tag: Tag, vr: VR, value: &str) -> DataElement<InMemDicomObject> {
    DataElement::new(tag, vr, PrimitiveValue::from(value))
}

/// The SEG file's bytes.
fn make_seg() -> Vec<u8> {
    let per_frame = (SIZE * SIZE) as usize;
    let mut bits = vec![0u8; (per_frame * SLICES as usize).div_ceil(8)];
    let mut frames = Vec::new();
    for slice in 0..SLICES {
        let segment = slice / (SLICES / SEGMENTS) + 1;
        let t = f64::from(slice % (SLICES / SEGMENTS)) / f64::from(SLICES / SEGMENTS);
        let radius = 40.0 + 160.0 * (std::f64::consts::PI * t).sin();
        let centre = 256.0 + 20.0 * f64::from(segment);
        for r in 0..SIZE {
            for c in 0..SIZE {
                let (dx, dy) = (f64::from(c) - centre, f64::from(r) - 256.0);
                if dx * dx + dy * dy <= radius * radius {
                    let at = slice as usize * per_frame + (r * SIZE + c) as usize;
                    bits[at / 8] |= 1 << (at % 8);
                }
            }
        }
        frames.push(item(vec![
            sequence(
                tags::DERIVATION_IMAGE_SEQUENCE,
                vec![item(vec![sequence(
                    tags::SOURCE_IMAGE_SEQUENCE,
                    vec![item(vec![
                        text(tags::REFERENCED_SOP_CLASS_UID, VR::UI, "1.2.840.10008.5.1.4.1.1.2"),
                        text(tags::REFERENCED_SOP_INSTANCE_UID, VR::UI, &ct_uid(slice)),
                    ])],
                )])],
            ),
            sequence(
                tags::PLANE_POSITION_SEQUENCE,
                vec![item(vec![text(tags::IMAGE_POSITION_PATIENT, VR::DS, &format!("-179.2\\-179.2\\{slice}"))])],
            ),
            sequence(
                tags::SEGMENT_IDENTIFICATION_SEQUENCE,
                vec![item(vec![DataElement::new(
                    tags::REFERENCED_SEGMENT_NUMBER,
                    VR::US,
                    PrimitiveValue::from(segment as u16),
                )])],
            ),
        ]));
    }
    let segments = (1..=SEGMENTS)
        .map(|n| {
            item(vec![
                DataElement::new(tags::SEGMENT_NUMBER, VR::US, PrimitiveValue::from(n as u16)),
                text(tags::SEGMENT_LABEL, VR::LO, &format!("Segment {n}")),
                text(tags::SEGMENT_ALGORITHM_TYPE, VR::CS, "MANUAL"),
            ])
        })
        .collect();
    let shared = item(vec![
        sequence(
            tags::PLANE_ORIENTATION_SEQUENCE,
            vec![item(vec![text(tags::IMAGE_ORIENTATION_PATIENT, VR::DS, "1\\0\\0\\0\\1\\0")])],
        ),
        sequence(
            tags::PIXEL_MEASURES_SEQUENCE,
            vec![item(vec![
                text(tags::PIXEL_SPACING, VR::DS, "0.7\\0.7"),
                text(tags::SLICE_THICKNESS, VR::DS, "1"),
                text(tags::SPACING_BETWEEN_SLICES, VR::DS, "1"),
            ])],
        ),
    ]);
    let object = InMemDicomObject::from_element_iter(vec![
        text(tags::SOP_CLASS_UID, VR::UI, "1.2.840.10008.5.1.4.1.1.66.4"),
        text(tags::SOP_INSTANCE_UID, VR::UI, "2.25.4243"),
        text(tags::MODALITY, VR::CS, "SEG"),
        text(tags::SERIES_INSTANCE_UID, VR::UI, "2.25.4244"),
        text(tags::FRAME_OF_REFERENCE_UID, VR::UI, FOR_UID),
        DataElement::new(tags::SAMPLES_PER_PIXEL, VR::US, PrimitiveValue::from(1u16)),
        text(tags::PHOTOMETRIC_INTERPRETATION, VR::CS, "MONOCHROME2"),
        text(tags::NUMBER_OF_FRAMES, VR::IS, &SLICES.to_string()),
        DataElement::new(tags::ROWS, VR::US, PrimitiveValue::from(SIZE as u16)),
        DataElement::new(tags::COLUMNS, VR::US, PrimitiveValue::from(SIZE as u16)),
        DataElement::new(tags::BITS_ALLOCATED, VR::US, PrimitiveValue::from(1u16)),
        DataElement::new(tags::BITS_STORED, VR::US, PrimitiveValue::from(1u16)),
        DataElement::new(tags::HIGH_BIT, VR::US, PrimitiveValue::from(0u16)),
        DataElement::new(tags::PIXEL_REPRESENTATION, VR::US, PrimitiveValue::from(0u16)),
        text(tags::SEGMENTATION_TYPE, VR::CS, "BINARY"),
        sequence(tags::SEGMENT_SEQUENCE, segments),
        sequence(tags::SHARED_FUNCTIONAL_GROUPS_SEQUENCE, vec![shared]),
        sequence(tags::PER_FRAME_FUNCTIONAL_GROUPS_SEQUENCE, frames),
        DataElement::new(tags::PIXEL_DATA, VR::OB, PrimitiveValue::from(bits)),
    ]);
    let meta = FileMetaTableBuilder::new()
        .media_storage_sop_class_uid("1.2.840.10008.5.1.4.1.1.66.4")
        .media_storage_sop_instance_uid("2.25.4243")
        .transfer_syntax("1.2.840.10008.1.2.1")
        .build()
        .expect("file meta");
    let mut bytes = Vec::new();
    object.with_exact_meta(meta).write_all(&mut bytes).expect("write the SEG");
    bytes
}

fn ct_frame(slice: u32) -> SourceFrame {
    SourceFrame {
        sop_instance_uid: ct_uid(slice),
        frame_number: 1,
        frame_of_reference_uid: FOR_UID.into(),
        rows: SIZE,
        columns: SIZE,
        position_mm: Some([-179.2, -179.2, f64::from(slice)]),
        orientation: Some([1.0, 0.0, 0.0, 0.0, 1.0, 0.0]),
        pixel_spacing_mm: Some([0.7, 0.7]),
        slice_thickness_mm: Some(1.0),
    }
}

fn seg_bench(c: &mut Criterion) {
    let bytes = make_seg();
    let seg = Segmentation::parse(&read_dataset(&bytes).expect("read")).expect("parse");
    let raw_ct = u64::from(SIZE) * u64::from(SIZE) * u64::from(SLICES) * 2;
    let layer_bytes = u64::from(SIZE) * u64::from(SIZE) * 4;
    println!(
        "SEG file {} bytes; voxels held {} bytes ({:.2} % of the CT's raw {} bytes); one drawn layer {} bytes; {} segments, volumes {:?} mL",
        bytes.len(),
        seg.stored_bytes(),
        seg.stored_bytes() as f64 * 100.0 / raw_ct as f64,
        raw_ct,
        layer_bytes,
        seg.segments.len(),
        seg.segments.iter().map(|s| s.volume_ml.map(|v| (v * 10.0).round() / 10.0)).collect::<Vec<_>>()
    );
    let mut group = c.benchmark_group("seg");
    group.sample_size(10);
    group.bench_function("parse 500×512² BINARY SEG", |b| {
        b.iter(|| Segmentation::parse(&read_dataset(black_box(&bytes)).expect("read")).expect("parse"))
    });
    let derived = Derived::Segmentation(seg);
    let style = LayerStyle::default();
    let middle = ct_frame(SLICES / 2 + 10);
    group.bench_function("draw_on one 512² frame (fill + outline)", |b| {
        b.iter(|| {
            let mut out = FrameOverlays::default();
            derived.draw_on(black_box(&middle), &style, &mut out);
            out
        })
    });
    let empty = ct_frame(SLICES + 5);
    group.bench_function("draw_on a frame without segments", |b| {
        b.iter(|| {
            let mut out = FrameOverlays::default();
            derived.draw_on(black_box(&empty), &style, &mut out);
            out
        })
    });
    group.finish();
}

criterion_group!(benches, seg_bench);
criterion_main!(benches);
