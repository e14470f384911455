//! Reformatted planes on the GPU (src/web/gpu/volume.rs) equal the CPU planes
//! (`reslice` → `plane_image` → `DicomImage::render`) within ±1 per channel: axial, sagittal,
//! oblique and slab (MIP/MinIP/mean) planes through an i16 CT-like volume with a rescale and a
//! 12-bit u16 volume, both with the MR corpus's non-identity orientation; a volume downsampled
//! to a small texture limit equals the CPU evaluation of the downsampled copy; and the frame
//! times of planes drawn while the centre moves are printed (never asserted).

use dicom_core::{DataElement, PrimitiveValue, Tag, VR};
use dicom_object::meta::FileMetaTableBuilder;
use dicom_object::InMemDicomObject;
use dicom_viewer::api::RenderOptions;
use dicom_viewer::dicom::overlay::EmbeddedOverlays;
use dicom_viewer::dicom::{DicomImage, Frame};
use dicom_viewer::pipeline::gpu_plan::plan;
use dicom_viewer::pipeline::{ModalityLut, Photometric, PixelValues, Rescale};
use dicom_viewer::volume::reslice::{plane_image, reslice, Resliced};
use dicom_viewer::volume::texture::{downsample, plane_frame_header, reference_plane, PlaneSampling, TextureFit};
use dicom_viewer::volume::vec3;
use dicom_viewer::volume::{Grid, Plane, Slab, SlabMode, SliceGeometry, Volume, VoxelKind};
use dicom_viewer::web::gpu::{GpuRenderer, FILL_VIEW};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlCanvasElement;

const COLUMNS: u32 = 64;
const ROWS: u32 = 56;
const SLICES: u32 = 40;

fn put(object: &mut InMemDicomObject, group: u16, number: u16, vr: VR, value: PrimitiveValue) {
    object.put(DataElement::new(Tag(group, number), vr, value));
}

/// A single-slice header for the volume's slices: CT-like signed with rescale −1024, or
/// 12-bit unsigned MR-like, each with a window.
pub fn template(signed: bool) -> DicomImage {
    let mut object = InMemDicomObject::new_empty();
    put(&mut object, 0x0008, 0x0016, VR::UI, "1.2.840.10008.5.1.4.1.1.2".into());
    put(&mut object, 0x0008, 0x0018, VR::UI, "1.2.826.0.1.3680043.2.1125.1.97".into());
    put(&mut object, 0x0028, 0x0002, VR::US, 1u16.into());
    put(&mut object, 0x0028, 0x0004, VR::CS, "MONOCHROME2".into());
    put(&mut object, 0x0028, 0x0010, VR::US, (ROWS as u16).into());
    put(&mut object, 0x0028, 0x0011, VR::US, (COLUMNS as u16).into());
    put(&mut object, 0x0028, 0x0100, VR::US, 16u16.into());
    put(&mut object, 0x0028, 0x0101, VR::US, if signed { 16u16 } else { 12u16 }.into());
    put(&mut object, 0x0028, 0x0102, VR::US, if signed { 15u16 } else { 11u16 }.into());
    put(&mut object, 0x0028, 0x0103, VR::US, u16::from(signed).into());
    if signed {
        put(&mut object, 0x0028, 0x1050, VR::DS, "40".into());
        put(&mut object, 0x0028, 0x1051, VR::DS, "400".into());
        put(&mut object, 0x0028, 0x1052, VR::DS, "-1024".into());
        put(&mut object, 0x0028, 0x1053, VR::DS, "1".into());
        let values = vec![0i16; (COLUMNS * ROWS) as usize];
        put(&mut object, 0x7FE0, 0x0010, VR::OW, PrimitiveValue::I16(values.into()));
    } else {
        put(&mut object, 0x0028, 0x1050, VR::DS, "1800".into());
        put(&mut object, 0x0028, 0x1051, VR::DS, "3000".into());
        let values = vec![0u16; (COLUMNS * ROWS) as usize];
        put(&mut object, 0x7FE0, 0x0010, VR::OW, PrimitiveValue::U16(values.into()));
    }
    let meta = FileMetaTableBuilder::new()
        .media_storage_sop_class_uid("1.2.840.10008.5.1.4.1.1.2")
        .media_storage_sop_instance_uid("1.2.826.0.1.3680043.2.1125.1.97")
        .transfer_syntax("1.2.840.10008.1.2.1")
        .build()
        .expect("meta");
    let mut out = Vec::new();
    object.with_exact_meta(meta).write_all(&mut out).expect("written");
    DicomImage::parse(&out).expect("parses")
}

/// Rows run anterior, columns run left (the MR corpus's IOP 0\-1\0\1\0\0), 2.5 mm slices.
fn grid() -> Grid {
    let geometry: Vec<SliceGeometry> = (0..SLICES)
        .map(|k| SliceGeometry {
            position_mm: [-30.0, 40.0, -50.0 + 2.5 * f64::from(k)],
            row_direction: [0.0, -1.0, 0.0],
            column_direction: [1.0, 0.0, 0.0],
            pixel_spacing_mm: [1.25, 1.5],
            rows: ROWS,
            columns: COLUMNS,
        })
        .collect();
    Grid::from_slices(&geometry).expect("a grid")
}

/// A phantom: a bright sphere, a dark cylinder and a ramp, so planes have edges and gradients.
fn phantom(i: u32, j: u32, k: u32) -> f64 {
    let (x, y, z) = (f64::from(i) - 30.0, f64::from(j) - 26.0, (f64::from(k) - 20.0) * 2.0);
    let mut hu = -700.0 + 9.0 * f64::from(i) + 5.0 * f64::from(j) - 3.0 * f64::from(k);
    if x * x + y * y + z * z < 400.0 {
        hu = 900.0 + 4.0 * z;
    }
    if (x + 12.0).powi(2) + (y - 10.0).powi(2) < 36.0 {
        hu = -950.0;
    }
    hu
}

pub fn volume(signed: bool) -> Volume {
    let (kind, modality) = if signed {
        (VoxelKind::I16, ModalityLut::Rescale(Rescale { slope: 1.0, intercept: -1024.0 }))
    } else {
        (VoxelKind::U16, ModalityLut::Identity)
    };
    let mut volume = Volume::new(grid(), kind, modality.clone(), u64::MAX).expect("a volume");
    for k in 0..SLICES {
        let values = (0..ROWS).flat_map(|j| (0..COLUMNS).map(move |i| phantom(i, j, k)));
        let pixels = if signed {
            PixelValues::I16(values.map(|hu| (hu + 1024.0) as i16).collect())
        } else {
            PixelValues::U16(values.map(|hu| ((hu + 1000.0) * 1.9).clamp(0.0, 4095.0) as u16).collect())
        };
        let frame = Frame {
            rows: ROWS,
            columns: COLUMNS,
            samples_per_pixel: 1,
            bits_allocated: 16,
            bits_stored: if signed { 16 } else { 12 },
            pixel_representation: u16::from(signed),
            photometric: Photometric::Monochrome2,
            pixels,
            embedded_overlays: EmbeddedOverlays::default(),
        };
        volume.insert_slice(k, &frame, &modality).expect("a slice");
    }
    volume
}

fn planes(volume: &Volume) -> Vec<(&'static str, Plane, Option<Slab>)> {
    let centre = vec3::add(volume.grid.centre_mm(), [1.3, -0.7, 2.1]);
    let s = 1.0;
    let oblique_row = vec3::normalize([1.0, 0.35, 0.4]);
    vec![
        ("axial", Plane::covering(volume, centre, [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], s), None),
        ("sagittal", Plane::covering(volume, centre, [0.0, 1.0, 0.0], [0.0, 0.0, -1.0], s), None),
        ("coronal", Plane::covering(volume, centre, [1.0, 0.0, 0.0], [0.0, 0.0, -1.0], s), None),
        ("oblique", Plane::covering(volume, centre, oblique_row, [0.1, 0.25, -1.0], 0.8), None),
        (
            "coronal MIP 12 mm",
            Plane::covering(volume, centre, [1.0, 0.0, 0.0], [0.0, 0.0, -1.0], s),
            Some(Slab { mode: SlabMode::Maximum, thickness_mm: 12.0 }),
        ),
        (
            "oblique MinIP 6 mm",
            Plane::covering(volume, centre, oblique_row, [0.0, 0.0, -1.0], s),
            Some(Slab { mode: SlabMode::Minimum, thickness_mm: 6.0 }),
        ),
        (
            "axial mean 8 mm",
            Plane::covering(volume, centre, [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], s),
            Some(Slab { mode: SlabMode::Mean, thickness_mm: 8.0 }),
        ),
    ]
}

pub fn canvas() -> HtmlCanvasElement {
    let document = web_sys::window().and_then(|w| w.document()).expect("a document");
    document.create_element("canvas").expect("canvas").dyn_into().expect("an HtmlCanvasElement")
}

fn max_difference(a: &[u8], b: &[u8]) -> (u8, usize) {
    assert_eq!(a.len(), b.len(), "pixel buffers differ in size");
    let worst = a.iter().zip(b).map(|(x, y)| x.abs_diff(*y)).max().unwrap_or(0);
    (worst, a.iter().zip(b).filter(|(x, y)| x != y).count())
}

/// Draws `plane` on the GPU (the volume already uploaded) as `Renderer::draw_plane` does and
/// reads the canvas back.
fn gpu_plane(
    renderer: &mut GpuRenderer,
    canvas: &HtmlCanvasElement,
    volume: &Volume,
    image: &DicomImage,
    plane: &Plane,
    slab: Option<Slab>,
    options: &RenderOptions,
) -> Vec<u8> {
    canvas.set_width(plane.columns);
    canvas.set_height(plane.rows);
    let grid = renderer.volume_grid().cloned().expect("a volume on the GPU");
    let sampling = PlaneSampling::of(volume, &grid, plane, slab);
    let header_frame = plane_frame_header(volume, plane.columns, plane.rows);
    let header = plane_image(
        image,
        &Resliced { frame: header_frame.clone(), modality: volume.modality.clone(), covered_pixels: 0 },
    );
    let gpu_plan = plan(&header, 0, &header_frame, options);
    renderer.draw_volume_plane(FILL_VIEW, &sampling, &gpu_plan).unwrap_or_else(|e| panic!("{e}"));
    renderer.read_pixels().unwrap_or_else(|e| panic!("{e}"))
}

fn cpu_plane(
    volume: &Volume,
    image: &DicomImage,
    plane: &Plane,
    slab: Option<Slab>,
    options: &RenderOptions,
) -> Vec<u8> {
    let resliced = reslice(volume, plane, slab);
    plane_image(image, &resliced).render(0, &resliced.frame, options).rgba
}

#[wasm_bindgen_test]
fn gpu_planes_match_cpu_planes() {
    let mut report = Vec::new();
    let mut failures = Vec::new();
    for signed in [true, false] {
        let volume = volume(signed);
        let image = template(signed);
        let canvas = canvas();
        let mut renderer = GpuRenderer::new(&canvas).unwrap_or_else(|e| panic!("{e}"));
        let note = renderer.upload_volume("v", &volume).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(note, None, "a {COLUMNS}×{ROWS}×{SLICES} volume fits any WebGL2 3-D texture");
        let explicit = RenderOptions {
            window: Some(if signed { (300.0, 1500.0) } else { (1500.0, 2500.0) }),
            ..Default::default()
        };
        let inverted = RenderOptions { invert: true, ..Default::default() };
        for (name, plane, slab) in planes(&volume) {
            for (label, options) in [
                ("file window", RenderOptions::default()),
                ("explicit", explicit.clone()),
                ("inverted", inverted.clone()),
            ] {
                let drawn = gpu_plane(&mut renderer, &canvas, &volume, &image, &plane, slab, &options);
                let expected = cpu_plane(&volume, &image, &plane, slab, &options);
                let (worst, differing) = max_difference(&drawn, &expected);
                let kind = if signed { "i16 CT" } else { "u16 MR" };
                report.push(format!(
                    "{kind} {name} {}x{} {label}: max {worst}, {differing} channels differ",
                    plane.columns, plane.rows
                ));
                if worst > 1 {
                    failures.push(format!("{kind} {name} {label}"));
                }
            }
        }
    }
    web_sys::console::log_1(&report.join("\n").into());
    assert!(
        failures.is_empty(),
        "GPU planes differ from CPU planes by more than 1: {failures:?}\n{}",
        report.join("\n")
    );
}

#[wasm_bindgen_test]
fn a_volume_over_the_texture_limit_is_downsampled_on_the_gpu() {
    let volume = volume(true);
    let image = template(true);
    let canvas = canvas();
    let mut renderer = GpuRenderer::new(&canvas).unwrap_or_else(|e| panic!("{e}"));
    let note = renderer.upload_volume_within("v", &volume, 32).unwrap_or_else(|e| panic!("{e}"));
    let note = note.expect("a downsampled volume says so");
    assert!(note.contains("64 × 56 × 40") && note.contains("32 × 28 × 20"), "{note}");
    let fit = TextureFit::of(&volume.grid, 32).expect("fits");
    let small = downsample(&volume, &fit);
    assert_eq!(renderer.volume_grid(), Some(&small.grid));
    let options = RenderOptions::default();
    for (name, plane, slab) in planes(&volume) {
        let drawn = gpu_plane(&mut renderer, &canvas, &volume, &image, &plane, slab, &options);
        let sampling = PlaneSampling::of(&volume, &small.grid, &plane, slab);
        let values: Vec<i16> = reference_plane(&small, &sampling).iter().map(|v| *v as i16).collect();
        let mut frame = reslice(&volume, &plane, slab).frame;
        frame.pixels = PixelValues::I16(values);
        let resliced = Resliced { frame, modality: volume.modality.clone(), covered_pixels: 0 };
        let expected = plane_image(&image, &resliced).render(0, &resliced.frame, &options).rgba;
        let (worst, _) = max_difference(&drawn, &expected);
        assert!(worst <= 1, "{name}: the downsampled GPU plane differs by {worst}");
    }
    // Beyond four voxels per texel the GPU refuses, naming the cause (planes go to the CPU).
    let refused = renderer.upload_volume_within("v", &volume, 8).expect_err("64 columns in 8 texels");
    let message = refused.to_string();
    assert!(message.contains("64 × 56 × 40") && message.contains("CPU"), "{message}");
}

pub fn p95(mut times: Vec<f64>) -> (f64, f64) {
    times.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    (at(0.5), at(0.95))
}

/// Frame times (draw + a 1-pixel read that waits for the GPU) of a 256² view of an axial plane
/// whose centre moves, GPU vs the CPU path (reslice + render); printed, never asserted.
#[wasm_bindgen_test]
fn plane_frame_times_are_reported() {
    let performance = web_sys::window().and_then(|w| w.performance()).expect("performance");
    let volume = volume(true);
    let image = template(true);
    let canvas = canvas();
    let mut renderer = GpuRenderer::new(&canvas).unwrap_or_else(|e| panic!("{e}"));
    let started = performance.now();
    renderer.upload_volume("v", &volume).unwrap_or_else(|e| panic!("{e}"));
    let upload_ms = performance.now() - started;
    let options = RenderOptions::default();
    let (mut gpu, mut cpu) = (Vec::new(), Vec::new());
    for step in 0..40 {
        let centre = vec3::add(volume.grid.centre_mm(), [0.0, 0.0, f64::from(step) * 0.9 - 18.0]);
        let plane = Plane::covering(&volume, centre, [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], 0.35);
        let started = performance.now();
        let _ = gpu_plane(&mut renderer, &canvas, &volume, &image, &plane, None, &options);
        gpu.push(performance.now() - started);
        let started = performance.now();
        let _ = cpu_plane(&volume, &image, &plane, None, &options);
        cpu.push(performance.now() - started);
    }
    let plane = Plane::covering(&volume, volume.grid.centre_mm(), [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], 0.35);
    let (g50, g95) = p95(gpu);
    let (c50, c95) = p95(cpu);
    web_sys::console::log_1(
        &format!(
            "MPR plane {}x{} (volume {COLUMNS}x{ROWS}x{SLICES} i16): upload {upload_ms:.1} ms; GPU (this machine's WebGL2, software if SwiftShader) p50 {g50:.1} ms p95 {g95:.1} ms incl. readPixels; CPU reslice+render p50 {c50:.1} ms p95 {c95:.1} ms",
            plane.columns, plane.rows
        )
        .into(),
    );
}
