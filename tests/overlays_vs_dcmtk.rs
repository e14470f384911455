//! Overlay planes (PS3.3 C.9.2, C.9.3) drawn over the display output against dcmtk's `dcm2pnm`,
//! which draws graphics overlays by default: the fo-dicom overlay files (one empty plane; two
//! planes clipped at the edges), a WG04 image given an
//! overlay group here, a retired overlay embedded in unused high bits of 16-bit Pixel Data (whose
//! bits must also stay out of the grey levels), and a multi-frame overlay over a 3-frame image.
//! Each output must equal `dcm2pnm` within ±1 per sample, and the overlay must change it.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::path::{Path, PathBuf};

use common::{corpus, dcm2pnm, have_dcmtk};
use dicom_core::{DataElement, PrimitiveValue, Tag, VR};
use dicom_object::meta::FileMetaTableBuilder;
use dicom_object::InMemDicomObject;
use dicom_viewer::api::RenderOptions;
use dicom_viewer::dicom::overlay::{composite_overlay, overlay_mask, OVERLAY_RGBA};
use dicom_viewer::dicom::DicomImage;

fn element(group: u16, number: u16, vr: VR, value: PrimitiveValue) -> DataElement<InMemDicomObject> {
    DataElement::new(Tag(group, number), vr, value)
}

/// Our display of frame `frame` (from 0) with the overlays on it, as grey samples, plus how many
/// pixels the overlays cover.
fn ours(path: &Path, frame: u32, options: &RenderOptions) -> (Vec<u8>, usize) {
    let bytes = std::fs::read(path).expect("read");
    let image = DicomImage::parse(&bytes).expect("parse");
    let decoded = image.decode_frame(frame).expect("decode");
    let mut rendered = image.render(frame, &decoded, options);
    let (planes, problems) = image.overlays();
    assert!(problems.is_empty(), "{}: {problems:?}", path.display());
    let mask = overlay_mask(&planes, &decoded.embedded_overlays, frame, decoded.columns, decoded.rows);
    let covered = mask.as_ref().map_or(0, |m| m.count());
    if let Some(mask) = mask {
        composite_overlay(&mut rendered.rgba, &mask, OVERLAY_RGBA);
    }
    (rendered.rgba.chunks_exact(4).map(|p| p[0]).collect(), covered)
}

/// Compares with `dcm2pnm <args>`; returns the number of pixels where the overlay made dcmtk's
/// output differ from its output with `-O` (no overlays), to show the overlay is really drawn.
fn check(name: &str, path: &Path, frame: u32, options: &RenderOptions, args: &[&str]) -> usize {
    check_with_oracle_file(name, path, path, frame, options, args)
}

/// [`check`] with dcmtk reading `oracle` (the same image, decompressed for it).
fn check_with_oracle_file(
    name: &str,
    path: &Path,
    oracle: &Path,
    frame: u32,
    options: &RenderOptions,
    args: &[&str],
) -> usize {
    let (mine, covered) = ours(path, frame, options);
    let frame_arg = (frame + 1).to_string();
    let mut all: Vec<&str> = vec!["+F", &frame_arg];
    all.extend_from_slice(args);
    let theirs = dcm2pnm(oracle, &all).unwrap_or_else(|e| panic!("{name}: dcm2pnm: {e}"));
    assert_eq!(theirs.channels, 1, "{name}");
    assert_eq!(theirs.samples.len(), mine.len(), "{name}: size");
    let differing: Vec<usize> =
        (0..mine.len()).filter(|i| (i32::from(mine[*i]) - i32::from(theirs.samples[*i])).abs() > 1).collect();
    if let Some(first) = differing.first() {
        panic!(
            "{name}: {} pixels differ by more than 1 from dcm2pnm, first at ({}, {}): ours {} theirs {} (overlay covers {covered})",
            differing.len(),
            first % theirs.width,
            first / theirs.width,
            mine[*first],
            theirs.samples[*first]
        );
    }
    all.push("-O");
    let plain = dcm2pnm(oracle, &all).unwrap_or_else(|e| panic!("{name}: dcm2pnm -O: {e}"));
    let changed = plain.samples.iter().zip(&theirs.samples).filter(|(a, b)| a != b).count();
    println!("{name} frame {}: overlay covers {covered} pixels, changes {changed} in dcm2pnm", frame + 1);
    changed
}

fn write(object: InMemDicomObject, name: &str) -> PathBuf {
    let meta = FileMetaTableBuilder::new()
        .media_storage_sop_class_uid("1.2.840.10008.5.1.4.1.1.7")
        .media_storage_sop_instance_uid("1.2.826.0.1.3680043.2.1125.1.77")
        .transfer_syntax("1.2.840.10008.1.2.1")
        .build()
        .expect("meta");
    let path = std::env::temp_dir().join(format!("overlay-{}-{name}.dcm", std::process::id()));
    object.with_exact_meta(meta).write_to_file(&path).expect("written");
    path
}

/// A grey image: Secondary Capture, `frames` frames.
fn grey(rows: u16, columns: u16, bits_stored: u16, frames: u32, pixels: PrimitiveValue) -> InMemDicomObject {
    let mut object = InMemDicomObject::new_empty();
    object.put(element(0x0008, 0x0016, VR::UI, "1.2.840.10008.5.1.4.1.1.7".into()));
    object.put(element(0x0008, 0x0018, VR::UI, "1.2.826.0.1.3680043.2.1125.1.77".into()));
    object.put(element(0x0008, 0x0060, VR::CS, "OT".into()));
    object.put(element(0x0028, 0x0002, VR::US, 1u16.into()));
    object.put(element(0x0028, 0x0004, VR::CS, "MONOCHROME2".into()));
    if frames > 1 {
        object.put(element(0x0028, 0x0008, VR::IS, frames.to_string().into()));
    }
    object.put(element(0x0028, 0x0010, VR::US, rows.into()));
    object.put(element(0x0028, 0x0011, VR::US, columns.into()));
    let allocated: u16 = if matches!(pixels, PrimitiveValue::U8(_)) { 8 } else { 16 };
    object.put(element(0x0028, 0x0100, VR::US, allocated.into()));
    object.put(element(0x0028, 0x0101, VR::US, bits_stored.into()));
    object.put(element(0x0028, 0x0102, VR::US, (bits_stored - 1).into()));
    object.put(element(0x0028, 0x0103, VR::US, 0u16.into()));
    let vr = if allocated == 8 { VR::OB } else { VR::OW };
    object.put(element(0x7FE0, 0x0010, vr, pixels));
    object
}

/// Packs a predicate over (row, column) of a rows × columns plane, `frames` frames, 1 bit per
/// pixel, least significant bit first.
fn packed(rows: usize, columns: usize, frames: usize, set: impl Fn(usize, usize, usize) -> bool) -> Vec<u8> {
    let bits = rows * columns * frames;
    let mut out = vec![0u8; bits.div_ceil(8).next_multiple_of(2)];
    for index in 0..bits {
        let (frame, rest) = (index / (rows * columns), index % (rows * columns));
        if set(frame, rest / columns, rest % columns) {
            out[index / 8] |= 1 << (index % 8);
        }
    }
    out
}

/// Overlay group attributes with separate Overlay Data.
fn add_plane(object: &mut InMemDicomObject, group: u16, rows: u16, columns: u16, origin: [i16; 2], data: Vec<u8>) {
    object.put(element(group, 0x0010, VR::US, rows.into()));
    object.put(element(group, 0x0011, VR::US, columns.into()));
    object.put(element(group, 0x0040, VR::CS, "G".into()));
    object.put(element(group, 0x0050, VR::SS, PrimitiveValue::I16(origin.to_vec().into())));
    object.put(element(group, 0x0100, VR::US, 1u16.into()));
    object.put(element(group, 0x0102, VR::US, 0u16.into()));
    object.put(element(group, 0x3000, VR::OW, PrimitiveValue::U8(data.into())));
}

#[test]
fn fo_dicom_overlay_files_match_dcm2pnm() {
    if !have_dcmtk() {
        panic!("dcmtk (dcm2pnm) is required: run scripts/setup.sh");
    }
    let folder = corpus().join("derived/overlay/fo-dicom");
    // GH1728's full-size plane has no bit set (its Overlay Data is all zeros, and one byte
    // short): nothing may be drawn. OutOfBoundsOverlay's two planes run past the edges.
    for (name, expect_overlay) in [("GH1728.dcm", false), ("OutOfBoundsOverlay.dcm", true)] {
        let path = folder.join(name);
        // dcm2pnm reads only uncompressed data: dcmdjpeg decompresses the JPEG lossless file.
        let oracle = std::env::temp_dir().join(format!("overlay-{}-{name}", std::process::id()));
        let status = std::process::Command::new("dcmdjpeg").arg(&path).arg(&oracle).status().expect("dcmdjpeg runs");
        assert!(status.success(), "dcmdjpeg {name}");
        let changed = check_with_oracle_file(name, &path, &oracle, 0, &RenderOptions::default(), &["+Wi", "1"]);
        let _ = std::fs::remove_file(&oracle);
        assert_eq!(changed > 100, expect_overlay, "{name}: {changed} pixels changed by the overlay");
    }
}

#[test]
fn separate_overlay_on_wg04_matches_dcm2pnm() {
    let source = corpus().join("wg04/REF/MR1_UNC");
    let file = dicom_object::OpenFileOptions::new().open_file(&source).expect("open MR1_UNC");
    let mut object = file.into_inner();
    // A frame and a diagonal, 200 × 300, from row 40 / column -20: clipped on the left.
    let (rows, columns) = (200usize, 300usize);
    let data = packed(rows, columns, 1, |_, r, c| r < 3 || c < 3 || r + 3 >= rows || c + 3 >= columns || r == c);
    add_plane(&mut object, 0x6000, rows as u16, columns as u16, [40, -20], data);
    // A second plane in group 6002: a filled 10 × 10 square at the bottom right.
    add_plane(&mut object, 0x6002, 10, 10, [500, 500], packed(10, 10, 1, |_, _, _| true));
    let path = write(object, "mr1");
    let changed = check("MR1_UNC + 6000/6002", &path, 0, &RenderOptions::default(), &["+Wi", "1"]);
    let _ = std::fs::remove_file(&path);
    assert!(changed > 1000);
}

#[test]
fn embedded_overlay_in_high_bits_matches_dcm2pnm() {
    // 12 bits stored in 16; bit 14 carries the overlay (a cross), bit 13 is junk that must be
    // masked out of the values as well.
    let (rows, columns) = (64u16, 80u16);
    let values: Vec<u16> = (0..usize::from(rows) * usize::from(columns))
        .map(|i| {
            let (r, c) = (i / usize::from(columns), i % usize::from(columns));
            let grey = ((r * 37 + c * 23) % 4096) as u16;
            let overlay = if r == 32 || c == 40 { 1 << 14 } else { 0 };
            let junk = if (r + c) % 3 == 0 { 1 << 13 } else { 0 };
            grey | overlay | junk
        })
        .collect();
    let mut object = grey(rows, columns, 12, 1, PrimitiveValue::U16(values.into()));
    object.put(element(0x6000, 0x0010, VR::US, rows.into()));
    object.put(element(0x6000, 0x0011, VR::US, columns.into()));
    object.put(element(0x6000, 0x0040, VR::CS, "G".into()));
    object.put(element(0x6000, 0x0050, VR::SS, PrimitiveValue::I16(vec![1, 1].into())));
    object.put(element(0x6000, 0x0100, VR::US, 16u16.into()));
    object.put(element(0x6000, 0x0102, VR::US, 14u16.into()));
    let path = write(object, "embedded");
    let changed = check("embedded bit 14", &path, 0, &RenderOptions::default(), &["+Wm"]);
    let _ = std::fs::remove_file(&path);
    assert!(changed > 100);
}

#[test]
fn multi_frame_overlay_matches_dcm2pnm_per_frame() {
    // 3 frames of 40 × 50; a 2-frame overlay starting on image frame 2: a bar whose row moves.
    let (rows, columns, frames) = (40u16, 50u16, 3u32);
    let area = usize::from(rows) * usize::from(columns);
    let values: Vec<u8> = (0..area * frames as usize).map(|i| ((i % area) * 3 % 200) as u8).collect();
    let mut object = grey(rows, columns, 8, frames, PrimitiveValue::U8(values.into()));
    let data = packed(usize::from(rows), usize::from(columns), 2, |frame, r, _| r / 4 == 2 + frame * 4);
    add_plane(&mut object, 0x6000, rows, columns, [1, 1], data);
    object.put(element(0x6000, 0x0015, VR::IS, "2".into()));
    object.put(element(0x6000, 0x0051, VR::US, 2u16.into()));
    let path = write(object, "multiframe");
    let changes: Vec<usize> =
        (0..frames).map(|f| check("multi-frame", &path, f, &RenderOptions::default(), &["+Wm"])).collect();
    let _ = std::fs::remove_file(&path);
    assert_eq!(changes[0], 0, "no overlay frame lies on image frame 1");
    assert!(changes[1] > 0 && changes[2] > 0, "{changes:?}");
}
