//! The GPU plan (src/pipeline/gpu_plan.rs) evaluated with `reference_pixel` — the fragment
//! shader's f32 arithmetic on the CPU — equals `DicomImage::render` within ±1 per channel, for
//! every WG04 reference file (default and an explicit window) and synthetic images covering
//! LUT sequences, VOI functions, palettes, MONOCHROME1/INVERSE, invert, float and 32-bit data.
#![cfg(not(target_arch = "wasm32"))]

mod common;
mod gpu_support;

use dicom_viewer::api::{self, RenderOptions};
use dicom_viewer::dicom::{DicomImage, Frame};
use dicom_viewer::pipeline::gpu_plan::{plan, reference_pixel, stored_texel};

/// Largest per-channel difference between the plan's reference pixels and the CPU render.
fn max_difference(image: &DicomImage, frame_index: u32, frame: &Frame, options: &RenderOptions) -> u8 {
    let gpu_plan = plan(image, frame_index, frame, options);
    let expected = image.render(frame_index, frame, options);
    assert_eq!((gpu_plan.rows, gpu_plan.columns), (expected.rows, expected.columns));
    let mut max = 0;
    for (pixel, want) in expected.rgba.chunks_exact(4).enumerate() {
        let got = reference_pixel(&gpu_plan, stored_texel(&gpu_plan, &frame.pixels, pixel));
        for channel in 0..4 {
            max = max.max(got[channel].abs_diff(want[channel]));
        }
    }
    max
}

#[test]
fn wg04_references_match_the_cpu_render() {
    let files = common::files_in(&common::corpus().join("wg04/REF"));
    assert!(!files.is_empty(), "no WG04 REF files: set DICOM_CORPUS");
    let mut failures = Vec::new();
    for path in &files {
        let bytes = std::fs::read(path).expect("readable");
        let (image, frame) = api::decode_frame(&bytes, 0).expect("decodes");
        let explicit = gpu_support::explicit_window(&image, 0, &frame);
        let default = max_difference(&image, 0, &frame, &RenderOptions::default());
        let windowed = max_difference(&image, 0, &frame, &explicit);
        let name = common::wg04_id(path);
        println!("{name}: max difference {default} (default window), {windowed} (window {:?})", explicit.window);
        if default.max(windowed) > 1 {
            failures.push(format!("{name}: {default} / {windowed}"));
        }
    }
    assert!(failures.is_empty(), "differ by more than 1: {failures:?}");
}

#[test]
fn synthetic_images_match_the_cpu_render() {
    let mut failures = Vec::new();
    for case in gpu_support::cases() {
        let image = DicomImage::parse(&case.bytes).unwrap_or_else(|e| panic!("{}: {e}", case.name));
        for (frame_index, options) in &case.renders {
            let frame = image.decode_frame(*frame_index).unwrap_or_else(|e| panic!("{}: {e}", case.name));
            let max = max_difference(&image, *frame_index, &frame, options);
            println!("{} frame {frame_index} {options:?}: max difference {max}", case.name);
            if max > 1 {
                failures.push(format!("{} {options:?}: {max}", case.name));
            }
        }
    }
    assert!(failures.is_empty(), "differ by more than 1: {failures:?}");
}

#[test]
fn the_plan_describes_what_the_shader_needs() {
    use dicom_viewer::pipeline::gpu_plan::{GpuDisplay, GpuModality, GpuVoi, SampleType};
    use dicom_viewer::pipeline::VoiLutFunction;
    let cases = gpu_support::cases();
    let find = |name: &str| {
        let case = cases.iter().find(|c| c.name == name).expect("case exists");
        let image = DicomImage::parse(&case.bytes).expect("parses");
        let frame = image.decode_frame(0).expect("decodes");
        (image, frame)
    };
    let (image, frame) = find("modality-lut-sequence");
    let p = plan(&image, 0, &frame, &RenderOptions::default());
    assert_eq!((p.texture.sample, p.texture.channels), (SampleType::U16, 1));
    let GpuDisplay::Grey { modality: GpuModality::Table(slot), voi, invert: false } = p.display else {
        panic!("{:?}", p.display)
    };
    assert_eq!((slot.offset, slot.length, slot.first_mapped, slot.max_output), (0, 4096, 0, 65535.0));
    assert_eq!(voi, GpuVoi::Window { center: 30000.0, width: 40000.0, function: VoiLutFunction::Linear });
    // 4096 entries → 16 rows of 256; entry 64 = 64² / 4096 × 16 = 16.
    assert_eq!((p.luts.rows(), p.luts.texels[64]), (16, 16));

    let (image, frame) = find("monochrome1");
    let inverted = |invert| {
        let p = plan(&image, 0, &frame, &RenderOptions { invert, ..Default::default() });
        matches!(p.display, GpuDisplay::Grey { invert: true, .. })
    };
    assert_eq!((inverted(false), inverted(true)), (true, false));

    let (image, frame) = find("float64");
    assert_eq!(plan(&image, 0, &frame, &RenderOptions::default()).texture.sample, SampleType::F32);
    let (image, frame) = find("rgb12");
    let p = plan(&image, 0, &frame, &RenderOptions::default());
    assert_eq!((p.texture.channels, p.display), (3, GpuDisplay::Rgb { max_value: 4095.0 }));
}
