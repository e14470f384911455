//! Shared by tests/gpu_plan.rs (native) and tests/browser_gpu.rs (headless Chromium): synthetic
//! DICOM files for the display paths WG04 lacks (LUT sequences, SIGMOID, LINEAR_EXACT, palettes,
//! MONOCHROME1, INVERSE, float and 32-bit data, deep RGB), each with the render options to try,
//! and the explicit window used for corpus files.
#![allow(dead_code)]

use dicom_core::value::DataSetSequence;
use dicom_core::{DataElement, PrimitiveValue, Tag, VR};
use dicom_object::meta::FileMetaTableBuilder;
use dicom_object::InMemDicomObject;
use dicom_viewer::api::RenderOptions;
use dicom_viewer::dicom::{DicomImage, Frame};
use dicom_viewer::pipeline::{
    LookupTable, ModalityLut, PresentationLut, SoftcopyTransforms, Voi, VoiLutFunction, WindowLevel,
};

const ROWS: u16 = 24;
const COLUMNS: u16 = 37;

/// A synthetic file and the (frame, options) pairs to compare.
pub struct Case {
    pub name: &'static str,
    pub bytes: Vec<u8>,
    pub renders: Vec<(u32, RenderOptions)>,
}

fn put(object: &mut InMemDicomObject, group: u16, number: u16, vr: VR, value: PrimitiveValue) {
    object.put(DataElement::new(Tag(group, number), vr, value));
}

fn base(photometric: &str, samples: u16, bits_allocated: u16, bits_stored: u16, signed: bool) -> InMemDicomObject {
    let mut object = InMemDicomObject::new_empty();
    put(&mut object, 0x0008, 0x0016, VR::UI, "1.2.840.10008.5.1.4.1.1.7".into());
    put(&mut object, 0x0008, 0x0018, VR::UI, "1.2.826.0.1.3680043.2.1125.1.98".into());
    put(&mut object, 0x0028, 0x0002, VR::US, samples.into());
    put(&mut object, 0x0028, 0x0004, VR::CS, photometric.into());
    put(&mut object, 0x0028, 0x0010, VR::US, ROWS.into());
    put(&mut object, 0x0028, 0x0011, VR::US, COLUMNS.into());
    put(&mut object, 0x0028, 0x0100, VR::US, bits_allocated.into());
    put(&mut object, 0x0028, 0x0101, VR::US, bits_stored.into());
    put(&mut object, 0x0028, 0x0102, VR::US, (bits_stored - 1).into());
    put(&mut object, 0x0028, 0x0103, VR::US, u16::from(signed).into());
    if samples == 3 {
        put(&mut object, 0x0028, 0x0006, VR::US, 0u16.into());
    }
    object
}

fn window(object: &mut InMemDicomObject, center: &str, width: &str, function: Option<&str>) {
    put(object, 0x0028, 0x1050, VR::DS, center.into());
    put(object, 0x0028, 0x1051, VR::DS, width.into());
    if let Some(function) = function {
        put(object, 0x0028, 0x1056, VR::CS, function.into());
    }
}

fn sequence(object: &mut InMemDicomObject, number: u16, item: InMemDicomObject) {
    object.put(DataElement::new(Tag(0x0028, number), VR::SQ, DataSetSequence::from(vec![item])));
}

fn lut_item(first: u16, bits: u16, entries: Vec<u16>) -> InMemDicomObject {
    let mut item = InMemDicomObject::new_empty();
    put(&mut item, 0x0028, 0x3002, VR::US, PrimitiveValue::U16(vec![entries.len() as u16, first, bits].into()));
    put(&mut item, 0x0028, 0x3006, VR::OW, PrimitiveValue::U16(entries.into()));
    item
}

/// Red rises, green falls, blue is scrambled; 8-bit entries are packed two per word.
fn palette(object: &mut InMemDicomObject, count: u16, first: u16, bits: u16) {
    let max = if bits == 8 { 255u32 } else { 65535 };
    let last = u32::from(count) - 1;
    for channel in 0..3u16 {
        let entries: Vec<u32> = (0..=last)
            .map(|i| match channel {
                0 => i * max / last,
                1 => (last - i) * max / last,
                _ => ((i * 37) % (last + 1)) * max / last,
            })
            .collect();
        let words: Vec<u16> = if bits == 8 {
            entries.chunks(2).map(|c| c[0] as u16 | (c.get(1).copied().unwrap_or(0) as u16) << 8).collect()
        } else {
            entries.iter().map(|e| *e as u16).collect()
        };
        put(object, 0x0028, 0x1101 + channel, VR::US, PrimitiveValue::U16(vec![count, first, bits].into()));
        put(object, 0x0028, 0x1201 + channel, VR::OW, PrimitiveValue::U16(words.into()));
    }
}

/// A varied value for pixel `index` (rows, columns and a non-linear term).
fn pattern(index: usize) -> i64 {
    let (row, column) = (index / usize::from(COLUMNS), index % usize::from(COLUMNS));
    (row * 7 + column * 5 + (row * column) % 13) as i64
}

fn area() -> usize {
    usize::from(ROWS) * usize::from(COLUMNS)
}

fn to_bytes(object: InMemDicomObject) -> Vec<u8> {
    let meta = FileMetaTableBuilder::new()
        .media_storage_sop_class_uid("1.2.840.10008.5.1.4.1.1.7")
        .media_storage_sop_instance_uid("1.2.826.0.1.3680043.2.1125.1.98")
        .transfer_syntax("1.2.840.10008.1.2.1")
        .build()
        .expect("meta");
    let mut out = Vec::new();
    object.with_exact_meta(meta).write_all(&mut out).expect("written");
    out
}

fn explicit(center: f64, width: f64) -> RenderOptions {
    RenderOptions { window: Some((center, width)), ..Default::default() }
}

fn u16_pixels(object: &mut InMemDicomObject, f: impl Fn(i64) -> i64) {
    let values: Vec<u16> = (0..area()).map(|i| f(pattern(i)) as u16).collect();
    put(object, 0x7FE0, 0x0010, VR::OW, PrimitiveValue::U16(values.into()));
}

fn u8_pixels(object: &mut InMemDicomObject, frames: usize) {
    let values: Vec<u8> =
        (0..area() * frames).map(|i| ((pattern(i % area()) + (i / area()) as i64 * 60) % 256) as u8).collect();
    put(object, 0x7FE0, 0x0010, VR::OB, PrimitiveValue::U8(values.into()));
}

pub fn cases() -> Vec<Case> {
    let default = RenderOptions::default();
    let inverted = RenderOptions { invert: true, ..Default::default() };
    let mut cases = Vec::new();
    let mut case = |name, object, renders| cases.push(Case { name, bytes: to_bytes(object), renders });

    let mut object = base("MONOCHROME2", 1, 16, 12, false);
    let lut: Vec<u16> = (0..4096u32).map(|i| ((i * i) / 4096 * 16) as u16).collect();
    sequence(&mut object, 0x3000, lut_item(0, 16, lut));
    window(&mut object, "30000", "40000", None);
    u16_pixels(&mut object, |p| (p * 17) % 4096);
    case("modality-lut-sequence", object, vec![(0, default.clone()), (0, explicit(8000.0, 9000.0))]);

    let mut object = base("MONOCHROME2", 1, 16, 12, false);
    let voi: Vec<u16> = (0..2048u32).map(|i| (255 - (i * 255 / 2047)) as u16).collect();
    sequence(&mut object, 0x3010, lut_item(1000, 8, voi));
    u16_pixels(&mut object, |p| (p * 17) % 4096);
    case("voi-lut-sequence", object, vec![(0, default.clone()), (0, inverted.clone()), (0, explicit(2000.0, 1000.0))]);

    // A presentation state's chain (PS3.4 N.2): its Modality LUT, its window, a Presentation LUT
    // table (compiled into the VOI for the shader), also inverted on top.
    let mut object = base("MONOCHROME2", 1, 16, 12, false);
    u16_pixels(&mut object, |p| (p * 17) % 4096);
    let softcopy = SoftcopyTransforms {
        modality: Some(ModalityLut::Table(LookupTable {
            first_mapped: 0,
            bits_per_entry: 12,
            entries: (0..4096u32).map(|i| ((i * 7) % 4096) as u16).collect(),
        })),
        voi: Some(Voi::Window(WindowLevel { center: 2000.0, width: 3000.0, function: VoiLutFunction::Linear })),
        presentation: PresentationLut::Table(LookupTable {
            first_mapped: 0,
            bits_per_entry: 8,
            entries: (0..256u32).map(|i| (i * i / 255) as u16).collect(),
        }),
    };
    let state = RenderOptions { softcopy: Some(std::sync::Arc::new(softcopy)), ..Default::default() };
    case("presentation-state-luts", object, vec![(0, state.clone()), (0, RenderOptions { invert: true, ..state })]);

    let mut object = base("MONOCHROME2", 1, 16, 12, true);
    put(&mut object, 0x0028, 0x1052, VR::DS, "-100".into());
    put(&mut object, 0x0028, 0x1053, VR::DS, "2.5".into());
    window(&mut object, "0", "6000", Some("SIGMOID"));
    u16_pixels(&mut object, |p| ((p * 23) % 4096) | 0xA000);
    case("sigmoid-signed12-rescale", object, vec![(0, default.clone()), (0, explicit(-2000.0, 700.0))]);

    let mut object = base("MONOCHROME2", 1, 16, 16, false);
    window(&mut object, "2000", "3000", Some("LINEAR_EXACT"));
    u16_pixels(&mut object, |p| p * 53);
    case("linear-exact", object, vec![(0, default.clone()), (0, explicit(2500.5, 1.0))]);

    for (name, count, first, bits, index_bits) in
        [("palette16", 256, 0, 16, 8), ("palette8", 256, 0, 8, 8), ("palette16-first-100", 4096, 100, 16, 16)]
    {
        let mut object = base("PALETTE COLOR", 1, index_bits, index_bits, false);
        palette(&mut object, count, first, bits);
        if index_bits == 8 {
            u8_pixels(&mut object, 1);
        } else {
            u16_pixels(&mut object, |p| p * 17);
        }
        case(name, object, vec![(0, default.clone())]);
    }

    for (name, photometric, shape) in
        [("monochrome1", "MONOCHROME1", None), ("inverse-shape", "MONOCHROME2", Some("INVERSE"))]
    {
        let mut object = base(photometric, 1, 16, 12, false);
        window(&mut object, "2000", "3000", None);
        if let Some(shape) = shape {
            put(&mut object, 0x2050, 0x0020, VR::CS, shape.into());
        }
        u16_pixels(&mut object, |p| (p * 17) % 4096);
        case(name, object, vec![(0, default.clone()), (0, inverted.clone()), (0, explicit(1000.0, 500.0))]);
    }

    for (name, double) in [("float32", false), ("float64", true)] {
        let mut object = base("MONOCHROME2", 1, 32, 32, false);
        let value = |i: usize| (pattern(i) as f64 - 150.0) * 0.37;
        if double {
            let values: Vec<f64> = (0..area()).map(value).collect();
            put(&mut object, 0x7FE0, 0x0009, VR::OD, PrimitiveValue::F64(values.into()));
        } else {
            let values: Vec<f32> = (0..area()).map(|i| value(i) as f32).collect();
            put(&mut object, 0x7FE0, 0x0008, VR::OF, PrimitiveValue::F32(values.into()));
        }
        case(name, object, vec![(0, default.clone()), (0, explicit(-10.0, 40.0))]);
    }

    let mut object = base("MONOCHROME2", 1, 32, 32, true);
    put(&mut object, 0x0028, 0x1053, VR::DS, "0.001".into());
    let wide: Vec<i32> = (0..area()).map(|i| (pattern(i) as i32 - 150) * 100_000).collect();
    put(&mut object, 0x7FE0, 0x0010, VR::OL, PrimitiveValue::I32(wide.into()));
    case("signed32-rescale", object, vec![(0, default.clone()), (0, explicit(0.0, 10000.0))]);

    let mut object = base("RGB", 3, 16, 12, false);
    let colour: Vec<u16> =
        (0..area() * 3).map(|i| ((pattern(i / 3) * (i % 3 + 1) as i64 * 13) % 4096) as u16).collect();
    put(&mut object, 0x7FE0, 0x0010, VR::OW, PrimitiveValue::U16(colour.into()));
    case("rgb12", object, vec![(0, default.clone())]);

    let mut object = base("MONOCHROME2", 1, 8, 8, false);
    put(&mut object, 0x0028, 0x0008, VR::IS, "2".into());
    put(&mut object, 0x0028, 0x1050, VR::DS, PrimitiveValue::Strs(["128".to_string(), "60".to_string()].into()));
    put(&mut object, 0x0028, 0x1051, VR::DS, PrimitiveValue::Strs(["256".to_string(), "80".to_string()].into()));
    u8_pixels(&mut object, 2);
    let second = RenderOptions { voi_index: Some(1), ..Default::default() };
    case("multiframe-second-window", object, vec![(1, second), (0, default.clone())]);
    cases
}

/// An explicit window for a corpus frame: centred a third of the way up the modality range of
/// the stored values, half as wide, so it differs from the default.
pub fn explicit_window(image: &DicomImage, frame_index: u32, frame: &Frame) -> RenderOptions {
    let (min, max) = frame.pixels.min_max().unwrap_or((0.0, 0.0));
    let modality = image.info.modality_lut(frame_index);
    let (a, b) = (modality.apply(min), modality.apply(max));
    let (low, high) = (a.min(b), a.max(b));
    explicit(low + (high - low) / 3.0, ((high - low) / 2.0).max(2.0))
}
