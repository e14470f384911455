//! Files written by other toolkits (issue 10, section 2). Each class is made at test time: this
//! test writes a native image with dicom-rs, then converts it with dcmtk (`dcmcrle`,
//! `dcmcjpeg`, `dcmconv`), GDCM (`gdcmconv`) or Grok (`grk_compress`). Our decoding must equal
//! the values written (and dcmtk's own decompression with `dcmdrle`/`dcmdjpeg` where dcmtk
//! reads the class), and our display must equal `dcm2pnm` within ±1.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{dcm2pnm, have_dcmtk};
use dicom_core::value::{PixelFragmentSequence, Value};
use dicom_core::{DataElement, PrimitiveValue, Tag, VR};
use dicom_object::meta::FileMetaTableBuilder;
use dicom_object::InMemDicomObject;
use dicom_viewer::api::RenderOptions;
use dicom_viewer::dicom::DicomImage;

const EXPLICIT_LE: &str = "1.2.840.10008.1.2.1";
const JPEG_2000_LOSSLESS: &str = "1.2.840.10008.1.2.4.90";
const SOP_CLASS: &str = "1.2.840.10008.5.1.4.1.1.7";
const RT_DOSE_CLASS: &str = "1.2.840.10008.5.1.4.1.1.481.2";

/// A scratch directory removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("toolkit-files-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch directory");
        Scratch(dir)
    }
    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if std::env::var_os("KEEP_SCRATCH").is_some() {
            println!("kept {}", self.0.display());
            return;
        }
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn have(tool: &str) -> bool {
    Command::new(tool).arg("--version").output().is_ok()
}

/// Runs a converter; its complaint on failure.
fn run(tool: &str, args: &[&str]) -> Result<(), String> {
    let output = Command::new(tool).args(args).output().map_err(|e| format!("{tool}: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{tool} {args:?} failed: {}{}",
            String::from_utf8_lossy(&output.stderr),
            String::from_utf8_lossy(&output.stdout)
        ))
    }
}

fn text(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

/// The Image Pixel Module of a test image.
#[derive(Clone, Copy)]
struct Spec {
    photometric: &'static str,
    samples: u16,
    bits_allocated: u16,
    bits_stored: u16,
    signed: bool,
    frames: u32,
    rows: u16,
    columns: u16,
}

impl Spec {
    fn grey(bits_allocated: u16, bits_stored: u16, signed: bool, frames: u32) -> Spec {
        Spec {
            photometric: "MONOCHROME2",
            samples: 1,
            bits_allocated,
            bits_stored,
            signed,
            frames,
            rows: 24,
            columns: 36,
        }
    }
    fn rgb(bits_allocated: u16, frames: u32) -> Spec {
        Spec { photometric: "RGB", samples: 3, ..Spec::grey(bits_allocated, bits_allocated, false, frames) }
    }
    fn samples_per_frame(&self) -> usize {
        usize::from(self.rows) * usize::from(self.columns) * usize::from(self.samples)
    }
}

fn element(group: u16, number: u16, vr: VR, value: PrimitiveValue) -> DataElement<InMemDicomObject> {
    DataElement::new(Tag(group, number), vr, value)
}

fn base(spec: &Spec, sop_class: &str, modality: &str) -> InMemDicomObject {
    let mut object = InMemDicomObject::new_empty();
    object.put(element(0x0008, 0x0016, VR::UI, sop_class.into()));
    object.put(element(0x0008, 0x0018, VR::UI, "1.2.826.0.1.3680043.2.1125.1.77".into()));
    object.put(element(0x0008, 0x0060, VR::CS, modality.into()));
    object.put(element(0x0028, 0x0002, VR::US, spec.samples.into()));
    object.put(element(0x0028, 0x0004, VR::CS, spec.photometric.into()));
    if spec.frames > 1 {
        object.put(element(0x0028, 0x0008, VR::IS, spec.frames.to_string().into()));
    }
    object.put(element(0x0028, 0x0010, VR::US, spec.rows.into()));
    object.put(element(0x0028, 0x0011, VR::US, spec.columns.into()));
    object.put(element(0x0028, 0x0100, VR::US, spec.bits_allocated.into()));
    object.put(element(0x0028, 0x0101, VR::US, spec.bits_stored.into()));
    object.put(element(0x0028, 0x0102, VR::US, (spec.bits_stored - 1).into()));
    object.put(element(0x0028, 0x0103, VR::US, u16::from(spec.signed).into()));
    if spec.samples == 3 {
        object.put(element(0x0028, 0x0006, VR::US, 0u16.into()));
    }
    object
}

/// Stored bit patterns (low `bits_stored` bits) of every sample of every frame, interleaved:
/// smooth ramps in each byte plane so RLE runs and literals both occur, frames differ.
fn patterns(spec: &Spec) -> Vec<u32> {
    let per_frame = spec.samples_per_frame();
    let mask = if spec.bits_stored >= 32 { u32::MAX } else { (1u32 << spec.bits_stored) - 1 };
    (0..per_frame * spec.frames as usize)
        .map(|index| {
            let frame = (index / per_frame) as u32;
            let sample = (index % usize::from(spec.samples)) as u32;
            let pixel = (index % per_frame) / usize::from(spec.samples);
            let (row, column) =
                ((pixel / usize::from(spec.columns)) as u32, (pixel % usize::from(spec.columns)) as u32);
            let ramp = row * 7 + column * 5 + (row * column) % 13 + sample * 40 + frame * 23;
            // An odd multiplier spreads the ramp over every byte of the container.
            (ramp.wrapping_mul(0x0080_4021) ^ (frame * 0x0301)) & mask
        })
        .collect()
}

fn put_pixels(object: &mut InMemDicomObject, spec: &Spec, values: &[u32]) {
    let value = match spec.bits_allocated {
        8 => PrimitiveValue::U8(values.iter().map(|v| *v as u8).collect()),
        16 => PrimitiveValue::U16(values.iter().map(|v| *v as u16).collect()),
        _ => PrimitiveValue::U32(values.iter().copied().collect()),
    };
    let vr = if spec.bits_allocated == 8 { VR::OB } else { VR::OW };
    object.put(element(0x7FE0, 0x0010, vr, value));
}

fn write(object: InMemDicomObject, sop_class: &str, transfer_syntax: &str, path: &Path) {
    let meta = FileMetaTableBuilder::new()
        .media_storage_sop_class_uid(sop_class)
        .media_storage_sop_instance_uid("1.2.826.0.1.3680043.2.1125.1.77")
        .transfer_syntax(transfer_syntax)
        .build()
        .expect("meta");
    object.with_exact_meta(meta).write_to_file(path).expect("written");
}

/// Secondary Capture, or its multi-frame True Color / Grayscale Word classes for several frames
/// (GDCM refuses to write a multi-frame image of a single-frame class).
fn sop_class(spec: &Spec) -> &'static str {
    match (spec.frames > 1, spec.samples) {
        (false, _) => SOP_CLASS,
        (true, 3) => "1.2.840.10008.5.1.4.1.1.7.4",
        (true, _) => "1.2.840.10008.5.1.4.1.1.7.3",
    }
}

/// Writes a native Explicit VR Little Endian file of `spec` holding `values`.
fn write_native(spec: &Spec, values: &[u32], path: &Path) {
    let mut object = base(spec, sop_class(spec), "OT");
    put_pixels(&mut object, spec, values);
    write(object, sop_class(spec), EXPLICIT_LE, path);
}

fn image(path: &Path) -> DicomImage {
    let bytes = std::fs::read(path).expect("file");
    DicomImage::parse(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Our decoded samples of one frame, as f64 (stored values, sign-extended).
fn decoded(image: &DicomImage, frame: u32) -> Vec<f64> {
    let frame = image.decode_frame(frame).unwrap_or_else(|e| panic!("frame {frame}: {e}"));
    (0..frame.pixels.len()).filter_map(|i| frame.pixels.get_f64(i)).collect()
}

/// The stored values the written patterns mean under `spec` (sign-extended when signed).
fn expected(spec: &Spec, values: &[u32], frame: u32) -> Vec<f64> {
    let per_frame = spec.samples_per_frame();
    let bits = u32::from(spec.bits_stored);
    values[frame as usize * per_frame..(frame as usize + 1) * per_frame]
        .iter()
        .map(|&v| {
            if spec.signed && bits < 64 && (u64::from(v) >> (bits - 1)) & 1 == 1 {
                f64::from(v) - 2f64.powi(bits as i32)
            } else {
                f64::from(v)
            }
        })
        .collect()
}

fn mismatches(ours: &[f64], theirs: &[f64]) -> usize {
    assert_eq!(ours.len(), theirs.len(), "sample counts differ");
    ours.iter().zip(theirs).filter(|(a, b)| a != b).count()
}

/// Largest difference between our 8-bit display of `frame` and `dcm2pnm`'s with `args`.
fn display_difference(path: &Path, frame: u32, args: &[&str]) -> u8 {
    display_difference_from(path, path, frame, args)
}

/// As [`display_difference`], with `dcm2pnm` reading `oracle` (for classes it cannot
/// decompress itself, the same image decompressed by another dcmtk tool).
fn display_difference_from(path: &Path, oracle: &Path, frame: u32, args: &[&str]) -> u8 {
    let image = image(path);
    let decoded = image.decode_frame(frame).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let ours = image.render(frame, &decoded, &RenderOptions::default());
    let frame_arg = (frame + 1).to_string();
    let mut all_args = vec!["+F", frame_arg.as_str()];
    all_args.extend_from_slice(args);
    let theirs = dcm2pnm(oracle, &all_args).unwrap_or_else(|e| panic!("{}: dcm2pnm: {e}", oracle.display()));
    assert_eq!(ours.rgba.len() / 4, theirs.samples.len() / theirs.channels, "dcm2pnm image size differs");
    let mut max = 0u8;
    for (pixel, their_pixel) in ours.rgba.chunks_exact(4).zip(theirs.samples.chunks_exact(theirs.channels)) {
        for (our, their) in pixel.iter().zip(their_pixel) {
            max = max.max(our.abs_diff(*their));
        }
    }
    max
}

/// RLE Lossless files (PS3.5 Annex G) made by dcmtk's `dcmcrle` and GDCM's `gdcmconv --rle`:
/// 32-bit grey and RGB (4 and 12 segments), multi-frame, and 16-bit RGB (6 segments).
#[test]
fn rle_32_bit_and_16_bit_rgb_equal_the_written_values_and_dcmdrle() {
    assert!(have_dcmtk(), "dcmtk is not installed: run scripts/setup.sh");
    let scratch = Scratch::new("rle");
    let gdcm = have("gdcmconv");
    if !gdcm {
        println!("NOTE: gdcmconv not installed (libgdcm-tools): only dcmcrle files tested");
    }
    let cases = [
        ("grey32", Spec::grey(32, 32, false, 3)),
        ("grey32-signed", Spec::grey(32, 32, true, 2)),
        ("rgb32", Spec::rgb(32, 3)),
        ("rgb16", Spec::rgb(16, 2)),
        ("rgb8", Spec::rgb(8, 2)),
    ];
    for (name, spec) in cases {
        let values = patterns(&spec);
        let native = scratch.path(&format!("{name}.dcm"));
        write_native(&spec, &values, &native);
        let mut encoded = Vec::new();
        let dcmtk = scratch.path(&format!("{name}-dcmcrle.dcm"));
        run("dcmcrle", &[text(&native), text(&dcmtk)]).unwrap_or_else(|e| panic!("{name}: {e}"));
        encoded.push(("dcmcrle", dcmtk));
        if gdcm {
            let out = scratch.path(&format!("{name}-gdcm.dcm"));
            run("gdcmconv", &["--rle", text(&native), text(&out)]).unwrap_or_else(|e| panic!("{name}: {e}"));
            encoded.push(("gdcmconv", out));
        }
        for (encoder, path) in encoded {
            let rle = image(&path);
            assert_eq!(rle.transfer_syntax.uid, "1.2.840.10008.1.2.5", "{name}/{encoder}: not RLE");
            let back = scratch.path(&format!("{name}-{encoder}-dcmdrle.dcm"));
            run("dcmdrle", &[text(&path), text(&back)]).unwrap_or_else(|e| panic!("{name}/{encoder}: {e}"));
            let dcmdrle = image(&back);
            for frame in 0..spec.frames {
                let ours = decoded(&rle, frame);
                let written = mismatches(&ours, &expected(&spec, &values, frame));
                let oracle = mismatches(&ours, &decoded(&dcmdrle, frame));
                println!("{name}/{encoder} frame {frame}: {written} differ from written, {oracle} from dcmdrle");
                assert_eq!(written, 0, "{name}/{encoder} frame {frame} differs from the written values");
                assert_eq!(oracle, 0, "{name}/{encoder} frame {frame} differs from dcmdrle");
            }
            if spec.samples == 3 {
                let last = spec.frames - 1;
                let max = display_difference(&path, last, &[]);
                println!("{name}/{encoder}: display differs from dcm2pnm by {max}");
                assert!(max <= 1, "{name}/{encoder}: display differs from dcm2pnm by {max}");
            }
        }
    }
}

/// RGB with 32 bits per sample, uncompressed, little and big endian (`dcmconv +tb`): display
/// within ±1 of `dcm2pnm`.
#[test]
fn rgb_32_bit_native_display_matches_dcm2pnm() {
    assert!(have_dcmtk(), "dcmtk is not installed: run scripts/setup.sh");
    let scratch = Scratch::new("rgb32");
    let spec = Spec::rgb(32, 1);
    let values = patterns(&spec);
    let little = scratch.path("rgb32-le.dcm");
    write_native(&spec, &values, &little);
    let big = scratch.path("rgb32-be.dcm");
    run("dcmconv", &["+tb", text(&little), text(&big)]).expect("dcmconv +tb");
    for (name, path) in [("little endian", &little), ("big endian", &big)] {
        let ours = decoded(&image(path), 0);
        assert_eq!(mismatches(&ours, &expected(&spec, &values, 0)), 0, "{name}: values differ from the written ones");
        let max = display_difference(path, 0, &[]);
        println!("RGB 32-bit {name}: display differs from dcm2pnm by {max}");
        assert!(max <= 1, "RGB 32-bit {name}: display differs from dcm2pnm by {max}");
    }
}

/// RT Dose (PS3.3 C.8.8.3): 32-bit unsigned, Explicit VR Big Endian, Dose Grid Scaling.
/// Values, modality values in Gy and display (min/max window, as dcm2pnm +Wm) are checked.
#[test]
fn rt_dose_32_bit_big_endian_in_gy() {
    assert!(have_dcmtk(), "dcmtk is not installed: run scripts/setup.sh");
    let scratch = Scratch::new("rtdose");
    let spec = Spec::grey(32, 32, false, 3);
    let values: Vec<u32> = patterns(&spec).iter().map(|v| v >> 6).collect();
    let mut object = base(&spec, RT_DOSE_CLASS, "RTDOSE");
    object.put(element(0x3004, 0x0002, VR::CS, "GY".into()));
    object.put(element(0x3004, 0x0004, VR::CS, "PHYSICAL".into()));
    object.put(element(0x3004, 0x000A, VR::CS, "PLAN".into()));
    object.put(element(0x3004, 0x000E, VR::DS, "2.5e-5".into()));
    put_pixels(&mut object, &spec, &values);
    let little = scratch.path("rtdose-le.dcm");
    write(object, RT_DOSE_CLASS, EXPLICIT_LE, &little);
    let big = scratch.path("rtdose-be.dcm");
    run("dcmconv", &["+tb", text(&little), text(&big)]).expect("dcmconv +tb");
    let dose = image(&big);
    assert_eq!(dose.transfer_syntax.uid, "1.2.840.10008.1.2.2", "not big endian");
    for frame in 0..spec.frames {
        let ours = decoded(&dose, frame);
        assert_eq!(mismatches(&ours, &expected(&spec, &values, frame)), 0, "frame {frame}: values differ");
        let lut = dose.info.modality_lut(frame);
        let stored = ours[5];
        let gray = lut.apply(stored);
        assert!((gray - stored * 2.5e-5).abs() < 1e-9, "Dose Grid Scaling not applied: {stored} → {gray}");
        let max = display_difference(&big, frame, &["+Wm"]);
        println!("RT Dose frame {frame}: display differs from dcm2pnm +Wm by {max}");
        assert!(max <= 1, "RT Dose frame {frame}: display differs from dcm2pnm by {max}");
    }
}

/// Replaces the single fragment of an encapsulated file with `codestream`.
fn rewrite_fragment(path: &Path, out: &Path, edit: impl Fn(&[u8]) -> Vec<u8>) {
    let object = dicom_object::open_file(path).expect("open");
    let transfer_syntax = object.meta().transfer_syntax().trim_end_matches('\0').to_string();
    let sop_class = object.meta().media_storage_sop_class_uid().trim_end_matches('\0').to_string();
    let pixel = object.element(Tag(0x7FE0, 0x0010)).expect("pixel data");
    let Value::PixelSequence(sequence) = pixel.value() else { panic!("not encapsulated") };
    let fragments: Vec<Vec<u8>> = sequence.fragments().iter().map(|f| edit(f)).collect();
    let mut dataset: InMemDicomObject = (*object).clone();
    dataset.put(DataElement::new(
        Tag(0x7FE0, 0x0010),
        VR::OB,
        Value::PixelSequence(PixelFragmentSequence::new(Vec::<u32>::new(), fragments)),
    ));
    write(dataset, &sop_class, &transfer_syntax, out);
}

/// Removes the Adobe APP14 segment of a JPEG stream (keeps ids 'R','G','B', no JFIF).
fn without_app14(jpeg: &[u8]) -> Vec<u8> {
    let mut out = jpeg[..2].to_vec();
    let mut position = 2;
    while position + 4 <= jpeg.len() && jpeg[position] == 0xFF && jpeg[position + 1] != 0xDA {
        let length = usize::from(u16::from_be_bytes([jpeg[position + 2], jpeg[position + 3]]));
        if jpeg[position + 1] != 0xEE {
            out.extend_from_slice(&jpeg[position..position + 2 + length]);
        }
        position += 2 + length;
    }
    out.extend_from_slice(&jpeg[position..]);
    out
}

/// JPEG baseline RGB stored without colour transform, as `dcmcjpeg +cr` writes it (Adobe
/// APP14 transform 0, ids 'R','G','B'), the same stream without APP14 (ids only), and both
/// labelled YBR_FULL_422 as some writers do: the stream's own colour space decides (as
/// libjpeg, GDCM and Pillow read it), so our samples equal `dcmdjpeg`'s of the RGB-labelled
/// file and the display equals `dcm2pnm` of it. (dcmtk itself follows the label and shows the
/// YBR-labelled files in false colours.)
#[test]
fn jpeg_baseline_rgb_without_colour_transform() {
    assert!(have_dcmtk(), "dcmtk is not installed: run scripts/setup.sh");
    let scratch = Scratch::new("jpeg-rgb");
    let spec = Spec::rgb(8, 1);
    let values = patterns(&spec);
    let native = scratch.path("rgb8.dcm");
    write_native(&spec, &values, &native);
    let adobe = scratch.path("rgb-adobe.dcm");
    run("dcmcjpeg", &["+eb", "+cr", "+un", text(&native), text(&adobe)]).expect("dcmcjpeg +cr");
    assert_eq!(image(&adobe).info.photometric.as_str(), "RGB", "dcmcjpeg +cr should write RGB");
    let ids_only = scratch.path("rgb-ids.dcm");
    rewrite_fragment(&adobe, &ids_only, without_app14);
    let mut variants = Vec::new();
    for (name, path) in [("Adobe transform 0", adobe), ("ids R,G,B", ids_only)] {
        let oracle = scratch.path(&format!("{}-dcmdjpeg.dcm", variants.len()));
        run("dcmdjpeg", &[text(&path), text(&oracle)]).expect("dcmdjpeg");
        let labelled = scratch.path(&format!("{}-ybr.dcm", variants.len()));
        std::fs::copy(&path, &labelled).expect("copy");
        run("dcmodify", &["-nb", "-m", "(0028,0004)=YBR_FULL_422", text(&labelled)]).expect("dcmodify");
        variants.push((name.to_string(), path, oracle.clone()));
        variants.push((format!("{name}, labelled YBR_FULL_422"), labelled, oracle));
    }
    for (name, path, oracle) in variants {
        let ours = decoded(&image(&path), 0);
        let differ = mismatches(&ours, &decoded(&image(&oracle), 0));
        let written = expected(&spec, &values, 0);
        let worst = ours.iter().zip(&written).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        println!("JPEG RGB {name}: {differ} samples differ from dcmdjpeg; max error vs written {worst}");
        assert_eq!(differ, 0, "{name}: differs from dcmdjpeg");
        assert!(worst <= 16.0, "{name}: decoded as the wrong colour space (error {worst})");
        // dcm2pnm does not decompress JPEG: it renders dcmdjpeg's output.
        let max = display_difference_from(&path, &oracle, 0, &[]);
        println!("JPEG RGB {name}: display differs from dcm2pnm by {max}");
        assert!(max <= 1, "{name}: display differs from dcm2pnm by {max}");
    }
}

/// Encodes one frame of stored values as a JPEG 2000 lossless codestream with Grok, declaring
/// `precision` bits and `signed` in SIZ, whatever the DICOM attributes say.
fn grok_codestream(scratch: &Scratch, spec: &Spec, values: &[i64], precision: u16, signed: bool) -> Vec<u8> {
    // `.rawl`: little-endian raw input (`.raw` would be read as big endian).
    let raw = scratch.path("input.rawl");
    let bytes: Vec<u8> = values
        .iter()
        .flat_map(|v| if precision <= 8 { vec![*v as u8] } else { (*v as u16).to_le_bytes().to_vec() })
        .collect();
    std::fs::write(&raw, bytes).expect("raw");
    let out = scratch.path("out.j2k");
    let format = format!("{},{},1,{precision},{}", spec.columns, spec.rows, if signed { "s" } else { "u" });
    run("grk_compress", &["-i", text(&raw), "-F", &format, "-o", text(&out)]).expect("grk_compress");
    std::fs::read(&out).expect("codestream")
}

/// JPEG 2000 whose SIZ signedness or precision disagrees with Pixel Representation / Bits
/// Stored: the DICOM attributes decide how samples are read.
#[test]
fn jpeg2000_codestream_disagreeing_with_pixel_representation() {
    if !have("grk_compress") {
        panic!("grk_compress is not installed (grokj2k-tools): run scripts/setup.sh");
    }
    let scratch = Scratch::new("j2k-mismatch");
    // (DICOM layout, codestream precision, codestream signed, values coded in the stream)
    let cases: [(&str, Spec, u16, bool); 5] = [
        ("PR 1, BS 16; SIZ unsigned 16", Spec::grey(16, 16, true, 1), 16, false),
        ("PR 1, BS 16; SIZ signed 12", Spec::grey(16, 16, true, 1), 12, true),
        ("PR 1, BS 12; SIZ unsigned 16", Spec::grey(16, 12, true, 1), 16, false),
        ("PR 0, BS 16; SIZ signed 16", Spec::grey(16, 16, false, 1), 16, true),
        ("PR 1, BS 12; SIZ signed 16", Spec::grey(16, 12, true, 1), 16, true),
    ];
    for (name, spec, precision, signed) in cases {
        // Values the file means: signed 12-bit range for signed DICOM data, else unsigned.
        let truth: Vec<i64> = (0..spec.samples_per_frame())
            .map(|i| {
                let ramp = ((i * 37) % 4000) as i64;
                if spec.signed {
                    ramp - 2000
                } else {
                    ramp * 16
                }
            })
            .collect();
        // What the codestream holds: the same bit patterns, read with its own SIZ.
        let coded: Vec<i64> = truth
            .iter()
            .map(|&v| {
                let pattern = (v as u64) & ((1u64 << precision) - 1);
                if signed && (pattern >> (precision - 1)) & 1 == 1 {
                    pattern as i64 - (1i64 << precision)
                } else {
                    pattern as i64
                }
            })
            .collect();
        let codestream = grok_codestream(&scratch, &spec, &coded, precision, signed);
        let mut object = base(&spec, SOP_CLASS, "CT");
        object.put(DataElement::new(
            Tag(0x7FE0, 0x0010),
            VR::OB,
            Value::PixelSequence(PixelFragmentSequence::new(Vec::<u32>::new(), vec![codestream])),
        ));
        let path = scratch.path("mismatch.dcm");
        write(object, SOP_CLASS, JPEG_2000_LOSSLESS, &path);
        let ours = decoded(&image(&path), 0);
        let truth: Vec<f64> = truth.iter().map(|v| *v as f64).collect();
        let differ = mismatches(&ours, &truth);
        println!("{name}: {differ} samples differ");
        assert_eq!(differ, 0, "{name}: samples not read as the DICOM attributes say");
    }
}

/// The corpus' RT Dose grid (Pinnacle export, 16-bit, Dose Grid Scaling 0.00304397, GY): the
/// modality values are doses in Gy and the probe's unit says so; display equals dcm2pnm +Wm.
#[test]
fn corpus_rt_dose_values_in_gy() {
    let dir = common::corpus().join("derived/rtdose/pymedphys-pinnacle");
    let path = dir.join("1.3.46.670589.13.997910418.20181018190715.183309.dcm");
    let Ok(bytes) = std::fs::read(&path) else {
        println!("NOTE: {} absent; test skipped", path.display());
        return;
    };
    let dose = DicomImage::parse(&bytes).expect("RT Dose parses");
    let meta = dicom_viewer::study::InstanceMeta::from_bytes(0, &bytes).expect("header");
    let unit = dicom_viewer::viewer::probe::instance_unit(
        &meta.modality,
        Some(meta.rescale_type.as_str()).filter(|t| !t.is_empty()),
        Some(meta.dose_units.as_str()).filter(|t| !t.is_empty()),
    );
    assert_eq!(unit.as_deref(), Some("Gy"));
    let frame = 25;
    let values = decoded(&dose, frame);
    let stored = values.iter().copied().fold(0.0, f64::max);
    let gray = dose.info.modality_lut(frame).apply(stored);
    println!("RT Dose frame {frame}: largest stored value {stored} = {gray:.4} Gy");
    assert!((gray - stored * 0.00304397).abs() < 1e-9, "Dose Grid Scaling not applied");
    let max = display_difference(&path, frame, &["+Wm"]);
    assert!(max <= 1, "RT Dose display differs from dcm2pnm by {max}");
}
