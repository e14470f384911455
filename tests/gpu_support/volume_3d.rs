//! The 3-D view ray cast on the GPU (src/web/gpu/volume/raycast.rs) against the CPU reference
//! `render3d::render` on the CT-like volume of volume_planes: each preset from several
//! directions. The GPU computes in 32-bit floats and the reference in 64-bit, so a sample on a
//! clip boundary or an opacity crossing the early-termination threshold can differ: the stated
//! tolerance is a mean absolute difference below 0.5 grey levels per channel and at least 99 %
//! of the channels within ±2. Frame times of a rotation are printed (never asserted).

use dicom_viewer::volume::render3d::{self, Camera, Preset, RayCast, View3d, STEP_FACTOR};
use dicom_viewer::web::gpu::GpuRenderer;
use wasm_bindgen_test::*;

use super::volume_planes::{canvas, p95, volume};

const SIZE: u32 = 96;

fn view(preset: Preset, azimuth_deg: f64, elevation_deg: f64) -> View3d {
    View3d {
        display_set: None,
        camera: Camera { azimuth_deg, elevation_deg, zoom: 1.1, pan_mm: [0.0, 0.0] },
        preset,
        window: (preset == Preset::Mip).then_some((300.0, 1200.0)),
        opened: None,
    }
}

/// (mean absolute difference, share of channels within ±2, largest difference) over RGB.
fn compare(a: &[u8], b: &[u8]) -> (f64, f64, u8) {
    assert_eq!(a.len(), b.len());
    let (mut sum, mut within, mut worst, mut count) = (0u64, 0u64, 0u8, 0u64);
    for (pa, pb) in a.chunks_exact(4).zip(b.chunks_exact(4)) {
        for c in 0..3 {
            let d = pa[c].abs_diff(pb[c]);
            sum += u64::from(d);
            within += u64::from(d <= 2);
            worst = worst.max(d);
            count += 1;
        }
    }
    (sum as f64 / count as f64, within as f64 / count as f64, worst)
}

#[wasm_bindgen_test]
fn gpu_ray_casting_matches_the_cpu_reference() {
    let volume = volume(true);
    let canvas = canvas();
    canvas.set_width(SIZE);
    canvas.set_height(SIZE);
    let mut renderer = GpuRenderer::new(&canvas).unwrap_or_else(|e| panic!("{e}"));
    renderer.upload_volume("ct", &volume).unwrap_or_else(|e| panic!("{e}"));
    let range = render3d::value_range(&volume);
    let mut report = Vec::new();
    let mut failures = Vec::new();
    for preset in [Preset::CtBone, Preset::CtSoftTissue, Preset::CtLung, Preset::Mip, Preset::Ramp] {
        for (azimuth, elevation) in [(0.0, 0.0), (35.0, 20.0), (-120.0, -45.0)] {
            let view = view(preset, azimuth, elevation);
            let cast = RayCast::new(&volume, &view, SIZE, SIZE, STEP_FACTOR, range);
            renderer.draw_volume_3d(&cast).unwrap_or_else(|e| panic!("{e}"));
            let drawn = renderer.read_pixels().unwrap_or_else(|e| panic!("{e}"));
            let expected = render3d::render(&volume, &view, SIZE, SIZE);
            let lit = expected.chunks_exact(4).filter(|p| p[..3] != [0, 0, 0]).count();
            let (mean, within, worst) = compare(&drawn, &expected);
            report.push(format!(
                "{} az {azimuth} el {elevation}: mean {mean:.3}, within ±2 {:.2} %, max {worst} ({lit} lit pixels)",
                preset.name(),
                within * 100.0
            ));
            if !(mean < 0.5 && within >= 0.99) || lit == 0 {
                failures.push(format!("{} {azimuth}/{elevation}", preset.name()));
            }
        }
    }
    web_sys::console::log_1(&report.join("\n").into());
    assert!(failures.is_empty(), "GPU 3-D differs from the CPU reference: {failures:?}\n{}", report.join("\n"));
}

/// A 256² rotation (20 azimuth steps of CT bone) on this machine's WebGL2 — SwiftShader, a
/// software rasterizer, in CI — against the CPU reference for one frame.
#[wasm_bindgen_test]
fn rotation_frame_times_are_reported() {
    let performance = web_sys::window().and_then(|w| w.performance()).expect("performance");
    let volume = volume(true);
    let canvas = canvas();
    canvas.set_width(256);
    canvas.set_height(256);
    let mut renderer = GpuRenderer::new(&canvas).unwrap_or_else(|e| panic!("{e}"));
    renderer.upload_volume("ct", &volume).unwrap_or_else(|e| panic!("{e}"));
    let range = render3d::value_range(&volume);
    let mut times = Vec::new();
    for step in 0..20 {
        let view = view(Preset::CtBone, f64::from(step) * 18.0, 15.0);
        let started = performance.now();
        let cast = RayCast::new(&volume, &view, 256, 256, STEP_FACTOR, range);
        renderer.draw_volume_3d(&cast).unwrap_or_else(|e| panic!("{e}"));
        let _ = renderer.read_pixels();
        times.push(performance.now() - started);
    }
    let started = performance.now();
    let _ = render3d::render(&volume, &view(Preset::CtBone, 18.0, 15.0), 256, 256);
    let cpu_ms = performance.now() - started;
    let (p50, p95) = p95(times);
    web_sys::console::log_1(
        &format!("3-D rotation 256x256 CT bone (volume 64x56x40 i16): GPU p50 {p50:.1} ms p95 {p95:.1} ms incl. readPixels (this machine's WebGL2); CPU reference {cpu_ms:.1} ms per frame").into(),
    );
}
