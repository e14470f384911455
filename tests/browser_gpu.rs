//! The WebGL2 renderer (src/web/gpu) in headless Chromium draws what `api::render_frame` renders,
//! within ±1 per channel: every WG04 reference file and the synthetic images of
//! tests/gpu_support, drawn 1:1 into a canvas of the image's size; then, with the same texture,
//! only the window changed (uniforms) and compared again. Corpus files come over HTTP from
//! `CORPUS_URL` (compile time; scripts/browser-tests.sh serves ../shared/dicom there).
#![cfg(target_arch = "wasm32")]

mod corpus_fetch;
mod gpu_support;
#[path = "gpu_support/volume_3d.rs"]
mod volume_3d;
#[path = "gpu_support/volume_planes.rs"]
mod volume_planes;

use dicom_viewer::api::{self, RenderOptions};
use dicom_viewer::dicom::{DicomImage, Frame};
use dicom_viewer::pipeline::gpu_plan::plan;
use dicom_viewer::web::gpu::{GpuRenderer, FILL_VIEW};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlCanvasElement;

use corpus_fetch::fetch;

wasm_bindgen_test_configure!(run_in_browser);

const REFERENCES: [&str; 16] =
    ["CT1", "CT2", "MR1", "MR2", "MR3", "MR4", "NM1", "RG2", "RG3", "SC1", "US1", "VL1", "VL2", "VL3", "VL6", "XA1"];

fn canvas(columns: u32, rows: u32) -> HtmlCanvasElement {
    let document = web_sys::window().and_then(|w| w.document()).expect("a document");
    let canvas: HtmlCanvasElement =
        document.create_element("canvas").expect("canvas").dyn_into().expect("an HtmlCanvasElement");
    canvas.set_width(columns);
    canvas.set_height(rows);
    canvas
}

fn max_difference(a: &[u8], b: &[u8]) -> u8 {
    assert_eq!(a.len(), b.len(), "pixel buffers differ in size");
    a.iter().zip(b).map(|(x, y)| x.abs_diff(*y)).max().unwrap_or(0)
}

/// Uploads once, draws with each options in turn (uniforms only after the first) and returns
/// the largest difference from the CPU render for each.
fn compare(image: &DicomImage, frame_index: u32, frame: &Frame, renders: &[RenderOptions]) -> Vec<u8> {
    let canvas = canvas(frame.columns, frame.rows);
    let mut renderer = GpuRenderer::new(&canvas).unwrap_or_else(|e| panic!("{e}"));
    let mut differences = Vec::new();
    for (index, options) in renders.iter().enumerate() {
        let gpu_plan = plan(image, frame_index, frame, options);
        let result = if index == 0 { renderer.upload(frame, &gpu_plan) } else { renderer.set_plan_uniforms(&gpu_plan) };
        result.unwrap_or_else(|e| panic!("{e}"));
        renderer.draw(FILL_VIEW).unwrap_or_else(|e| panic!("{e}"));
        let drawn = renderer.read_pixels().unwrap_or_else(|e| panic!("{e}"));
        let expected = image.render(frame_index, frame, options);
        differences.push(max_difference(&drawn, &expected.rgba));
    }
    differences
}

#[wasm_bindgen_test]
async fn wg04_references_on_the_gpu_match_the_cpu_render() {
    let mut report = Vec::new();
    let mut failures = Vec::new();
    for id in REFERENCES {
        let bytes = fetch(&format!("wg04/REF/{id}_UNC")).await;
        let (image, frame) = api::decode_frame(&bytes, 0).unwrap_or_else(|e| panic!("{id}: {e}"));
        let explicit = gpu_support::explicit_window(&image, 0, &frame);
        let differences = compare(&image, 0, &frame, &[RenderOptions::default(), explicit.clone()]);
        // The CPU render the GPU is held to is the public one.
        assert_eq!(api::render_frame(&bytes, 0, &explicit).expect("renders"), image.render(0, &frame, &explicit));
        report.push(format!(
            "{id} {}x{}: {differences:?} (default, window {:?})",
            frame.columns, frame.rows, explicit.window
        ));
        if differences.iter().any(|d| *d > 1) {
            failures.push(id);
        }
    }
    web_sys::console::log_1(&report.join("\n").into());
    assert!(failures.is_empty(), "GPU differs from the CPU render by more than 1: {failures:?}\n{}", report.join("\n"));
}

#[wasm_bindgen_test]
fn synthetic_images_on_the_gpu_match_the_cpu_render() {
    let mut report = Vec::new();
    let mut failures = Vec::new();
    for case in gpu_support::cases() {
        let image = DicomImage::parse(&case.bytes).unwrap_or_else(|e| panic!("{}: {e}", case.name));
        for frame_index in [0, 1] {
            let renders: Vec<RenderOptions> =
                case.renders.iter().filter(|(f, _)| *f == frame_index).map(|(_, options)| options.clone()).collect();
            if renders.is_empty() {
                continue;
            }
            let frame = image.decode_frame(frame_index).unwrap_or_else(|e| panic!("{}: {e}", case.name));
            let differences = compare(&image, frame_index, &frame, &renders);
            report.push(format!("{} frame {frame_index}: {differences:?}", case.name));
            if differences.iter().any(|d| *d > 1) {
                failures.push(case.name);
            }
        }
    }
    web_sys::console::log_1(&report.join("\n").into());
    assert!(failures.is_empty(), "GPU differs from the CPU render by more than 1: {failures:?}\n{}", report.join("\n"));
}

#[wasm_bindgen_test]
fn a_plan_for_another_frame_layout_is_refused() {
    let case = gpu_support::cases().into_iter().find(|c| c.name == "rgb12").expect("case");
    let image = DicomImage::parse(&case.bytes).expect("parses");
    let frame = image.decode_frame(0).expect("decodes");
    let canvas = canvas(frame.columns, frame.rows);
    let mut renderer = GpuRenderer::new(&canvas).expect("WebGL2");
    let rgb_plan = plan(&image, 0, &frame, &RenderOptions::default());
    assert!(renderer.set_plan_uniforms(&rgb_plan).is_err(), "nothing uploaded yet");
    assert!(renderer.draw(FILL_VIEW).is_err(), "nothing uploaded yet");
    renderer.upload(&frame, &rgb_plan).expect("uploads");
    let mut other = rgb_plan.clone();
    other.columns += 1;
    assert!(renderer.set_plan_uniforms(&other).is_err());
}

/// A derived-object layer (src/viewer/layers.rs) blended by the shader equals the CPU
/// renderer's `composite_layer` within ±1: opaque, half and faint alpha in several colours over
/// a real CT, and removing the layer gives the bare image back.
#[wasm_bindgen_test]
async fn a_derived_layer_on_the_gpu_matches_the_cpu_composite() {
    use dicom_viewer::viewer::layers::{composite_layer, RgbaLayer};
    let bytes = fetch("wg04/REF/CT1_UNC").await;
    let (image, frame) = api::decode_frame(&bytes, 0).unwrap_or_else(|e| panic!("CT1: {e}"));
    let options = RenderOptions::default();
    let mut layer = RgbaLayer::transparent(frame.columns, frame.rows).expect("a layer");
    let colours = [([255, 0, 0], 1.0), ([0, 200, 80], 0.5), ([30, 60, 255], 0.2), ([255, 255, 0], 0.75)];
    for row in 0..frame.rows {
        for column in 0..frame.columns {
            // Bands of each colour and opacity, with transparent gaps between them.
            let band = (column / 32) as usize;
            if band % 2 == 0 {
                let (rgb, opacity) = colours[(band / 2 + row as usize / 64) % colours.len()];
                layer.blend(column, row, rgb, opacity);
            }
        }
    }
    let canvas = canvas(frame.columns, frame.rows);
    let mut renderer = GpuRenderer::new(&canvas).unwrap_or_else(|e| panic!("{e}"));
    renderer.upload(&frame, &plan(&image, 0, &frame, &options)).unwrap_or_else(|e| panic!("{e}"));
    renderer.set_layer(Some(&layer)).unwrap_or_else(|e| panic!("{e}"));
    renderer.draw(FILL_VIEW).unwrap_or_else(|e| panic!("{e}"));
    let drawn = renderer.read_pixels().unwrap_or_else(|e| panic!("{e}"));
    let bare = image.render(0, &frame, &options).rgba;
    let mut expected = bare.clone();
    composite_layer(&mut expected, &layer);
    assert_ne!(expected, bare, "the layer changes the image");
    assert!(max_difference(&drawn, &expected) <= 1, "GPU layer blend differs from composite_layer by > 1");
    renderer.set_layer(None).unwrap_or_else(|e| panic!("{e}"));
    renderer.draw(FILL_VIEW).unwrap_or_else(|e| panic!("{e}"));
    let drawn = renderer.read_pixels().unwrap_or_else(|e| panic!("{e}"));
    assert!(max_difference(&drawn, &bare) <= 1, "without the layer the bare image is drawn");
    let wrong = RgbaLayer::transparent(frame.columns + 1, frame.rows).expect("a layer");
    assert!(renderer.set_layer(Some(&wrong)).is_err(), "a layer of another size is refused");
}
