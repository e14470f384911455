//! The 3-D ray caster (src/volume/render3d): camera math, transfer functions, compositing and
//! maximum intensity projection against brute-force and analytic answers.

use dicom_viewer::dicom::overlay::EmbeddedOverlays;
use dicom_viewer::dicom::Frame;
use dicom_viewer::pipeline::{ModalityLut, Photometric, PixelValues, Rescale};
use dicom_viewer::volume::render3d::{
    self, camera, corrected_opacity, Camera, Compositing, Preset, Projection, RayCast, TransferFunction, TransferPoint,
    View3d, LUT_SIZE, OPAQUE,
};
use dicom_viewer::volume::vec3;
use dicom_viewer::volume::{Grid, SliceGeometry, Volume, VoxelKind};

/// Slices of `columns`×`rows` pixels, 1 mm apart, with the given in-plane directions; the
/// slice step is along row × column.
fn grid(columns: u32, rows: u32, slices: u32, row_dir: [f64; 3], col_dir: [f64; 3], spacing: f64) -> Grid {
    let normal = vec3::cross(row_dir, col_dir);
    let geometry: Vec<SliceGeometry> = (0..slices)
        .map(|k| SliceGeometry {
            position_mm: vec3::add([-20.0, 10.0, 5.0], vec3::scale(normal, f64::from(k) * spacing)),
            row_direction: row_dir,
            column_direction: col_dir,
            pixel_spacing_mm: [spacing, spacing],
            rows,
            columns,
        })
        .collect();
    Grid::from_slices(&geometry).unwrap()
}

fn axial_grid(columns: u32, rows: u32, slices: u32) -> Grid {
    grid(columns, rows, slices, [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], 1.0)
}

fn frame_u8(columns: u32, rows: u32, values: Vec<u8>) -> Frame {
    Frame {
        rows,
        columns,
        samples_per_pixel: 1,
        bits_allocated: 8,
        bits_stored: 8,
        pixel_representation: 0,
        photometric: Photometric::Monochrome2,
        pixels: PixelValues::U8(values),
        embedded_overlays: EmbeddedOverlays::default(),
    }
}

fn frame_i16(columns: u32, rows: u32, values: Vec<i16>) -> Frame {
    Frame {
        rows,
        columns,
        samples_per_pixel: 1,
        bits_allocated: 16,
        bits_stored: 16,
        pixel_representation: 1,
        photometric: Photometric::Monochrome2,
        pixels: PixelValues::I16(values),
        embedded_overlays: EmbeddedOverlays::default(),
    }
}

/// A u8 volume whose voxel (i, j, k) is `f(i, j, k)`, slices `fill` filled.
fn u8_volume(grid: Grid, fill: impl Fn(u32) -> bool, f: impl Fn(u32, u32, u32) -> u8) -> Volume {
    let (nx, ny, nz) = (grid.columns, grid.rows, grid.slices);
    let mut volume = Volume::new(grid, VoxelKind::U8, ModalityLut::Identity, u64::MAX).unwrap();
    for k in 0..nz {
        if !fill(k) {
            continue;
        }
        let values = (0..ny).flat_map(|j| (0..nx).map(move |i| (i, j))).map(|(i, j)| f(i, j, k)).collect();
        volume.insert_slice(k, &frame_u8(nx, ny, values), &ModalityLut::Identity).unwrap();
    }
    volume
}

/// Pseudo-random bytes (xorshift), reproducible.
fn noise(i: u32, j: u32, k: u32) -> u8 {
    let mut x = (i * 73_856_093) ^ (j * 19_349_663) ^ (k * 83_492_791) ^ 0x9e37_79b9;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    (x % 256) as u8
}

/// Zoom at which one canvas pixel is `mm` mm.
fn zoom_for(volume: &Volume, width: u32, height: u32, mm: f64) -> f64 {
    let probe = Projection::new(&volume.grid, &Camera::default(), width, height);
    probe.mm_per_pixel / mm
}

/// A MIP view whose window maps value v to grey v exactly: (v − 127.5)/255 + 0.5 = v/255.
fn identity_mip(camera: Camera) -> View3d {
    View3d { camera, preset: Preset::Mip, window: Some((128.0, 256.0)), ..View3d::default() }
}

fn grey(image: &[u8], width: u32, x: u32, y: u32) -> u8 {
    image[((y * width + x) * 4) as usize]
}

#[test]
fn camera_axes_at_the_cardinal_views() {
    let close = |a: [f64; 3], b: [f64; 3]| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-12);
    // Anterior view: looking toward the back, patient's left on the right, head up.
    let front = Camera::default().axes();
    assert!(close(front.forward, [0.0, 1.0, 0.0]) && close(front.right, [1.0, 0.0, 0.0]));
    assert!(close(front.up, [0.0, 0.0, 1.0]));
    // 90° azimuth: from the patient's left, looking right (−x); the back is on screen right.
    let left = Camera { azimuth_deg: 90.0, ..Camera::default() }.axes();
    assert!(close(left.eye, [1.0, 0.0, 0.0]) && close(left.right, [0.0, 1.0, 0.0]) && close(left.up, [0.0, 0.0, 1.0]));
    // 180°: posterior view, patient's left on the left.
    let back = Camera { azimuth_deg: 180.0, ..Camera::default() }.axes();
    assert!(close(back.forward, [0.0, -1.0, 0.0]) && close(back.right, [-1.0, 0.0, 0.0]));
    // 90° elevation: from above, looking toward the feet, posterior up on screen.
    let above = Camera { elevation_deg: 90.0, ..Camera::default() }.axes();
    assert!(close(above.forward, [0.0, 0.0, -1.0]) && close(above.right, [1.0, 0.0, 0.0]));
    assert!(close(above.up, [0.0, 1.0, 0.0]));
    // Every orientation is right-handed and orthonormal.
    for (az, el) in [(17.0, 33.0), (-120.0, -80.0), (270.0, 5.0)] {
        let a = Camera { azimuth_deg: az, elevation_deg: el, ..Camera::default() }.axes();
        assert!(close(vec3::cross(a.right, a.up), a.eye), "{az} {el}");
        assert!((vec3::length(a.up) - 1.0).abs() < 1e-12 && vec3::dot(a.up, a.right).abs() < 1e-12);
    }
}

#[test]
fn a_drag_rotates_zooms_and_pans_within_limits() {
    let mut c = Camera::default();
    c.rotate_by_drag(180.0, 0.0);
    assert_eq!(c.azimuth_deg, -90.0, "drag right: the camera goes to the patient's right");
    c.rotate_by_drag(-540.0, 0.0);
    assert_eq!(c.azimuth_deg, 180.0);
    c.rotate_by_drag(-2.0, 0.0);
    assert_eq!(c.azimuth_deg, -179.0, "wrapped into (-180, 180]");
    c.rotate_by_drag(0.0, 1000.0);
    assert_eq!(c.elevation_deg, 90.0, "elevation clamped");
    c.rotate_by_drag(f64::NAN, 3.0);
    assert_eq!(c.elevation_deg, 90.0);
    c.zoom_by(100.0);
    assert_eq!(c.zoom, camera::MAX_ZOOM);
    c.zoom_by(0.0);
    assert_eq!(c.zoom, camera::MAX_ZOOM, "a zero factor is ignored");
    assert!(Camera::wheel_factor(-100.0) > 1.0 && Camera::wheel_factor(100.0) < 1.0);
    // Pan: the picture follows the pointer.
    let volume = u8_volume(axial_grid(8, 8, 8), |_| true, |_, _, _| 0);
    let mut panned = Camera::default();
    let before = Projection::new(&volume.grid, &panned, 100, 100);
    let centre = volume.grid.centre_mm();
    let (x0, y0) = before.patient_to_pixel(centre);
    panned.pan_by_drag(10.0, -4.0, before.mm_per_pixel);
    let (x1, y1) = Projection::new(&volume.grid, &panned, 100, 100).patient_to_pixel(centre);
    assert!((x1 - x0 - 10.0).abs() < 1e-9 && (y1 - y0 + 4.0).abs() < 1e-9, "{x0},{y0} → {x1},{y1}");
}

#[test]
fn rotating_by_90_degrees_moves_the_patients_left_across_the_screen() {
    let volume = u8_volume(axial_grid(9, 9, 9), |_| true, |_, _, _| 0);
    let centre = volume.grid.centre_mm();
    let left_of_centre = vec3::add(centre, [3.0, 0.0, 0.0]);
    let head = vec3::add(centre, [0.0, 0.0, 3.0]);
    let pixel = |azimuth: f64, elevation: f64, p: [f64; 3]| {
        let camera = Camera { azimuth_deg: azimuth, elevation_deg: elevation, ..Camera::default() };
        let projection = Projection::new(&volume.grid, &camera, 64, 64);
        let (cx, cy) = projection.patient_to_pixel(centre);
        let (x, y) = projection.patient_to_pixel(p);
        ((x - cx) * projection.mm_per_pixel, (y - cy) * projection.mm_per_pixel)
    };
    let near = |(a, b): (f64, f64), (c, d): (f64, f64)| (a - c).abs() < 1e-9 && (b - d).abs() < 1e-9;
    assert!(near(pixel(0.0, 0.0, left_of_centre), (3.0, 0.0)), "front: patient's left on screen right");
    assert!(near(pixel(90.0, 0.0, left_of_centre), (0.0, 0.0)), "left lateral: toward the camera");
    assert!(near(pixel(180.0, 0.0, left_of_centre), (-3.0, 0.0)), "back: on screen left");
    assert!(near(pixel(-90.0, 0.0, left_of_centre), (0.0, 0.0)));
    assert!(near(pixel(0.0, 0.0, head), (0.0, -3.0)), "head up (y down on screen)");
    assert!(near(pixel(0.0, 90.0, head), (0.0, 0.0)), "from above the head is toward the camera");
    assert!(near(pixel(0.0, 90.0, left_of_centre), (3.0, 0.0)));
}

#[test]
fn mip_along_an_axis_equals_a_brute_force_maximum() {
    // Odd row count: samples at t = k·1 mm from the centre land on voxel centres.
    let (nx, ny, nz) = (16, 11, 10);
    let volume = u8_volume(axial_grid(nx, ny, nz), |_| true, noise);
    let (width, height) = (nx, nz);
    let camera = Camera { zoom: zoom_for(&volume, width, height, 1.0), ..Camera::default() };
    let image = render3d::render(&volume, &identity_mip(camera), width, height);
    assert_eq!(image.len(), (width * height * 4) as usize);
    for y in 0..height {
        for x in 0..width {
            // Anterior view: screen x = column i, screen y = the slice from the top (head).
            let (i, k) = (x, nz - 1 - y);
            let expected = (0..ny).map(|j| noise(i, j, k)).max().unwrap();
            assert_eq!(grey(&image, width, x, y), expected, "pixel {x},{y}");
            assert_eq!(image[((y * width + x) * 4 + 3) as usize], 255);
        }
    }
}

#[test]
fn mip_of_an_oblique_grid_from_the_side_equals_a_brute_force_maximum() {
    // The MR series' orientation: rows run anterior (−y), columns toward the left (+x); the
    // normal (and the slices) toward the head. From the patient's left (azimuth 90°) the rays
    // run along −x, i.e. against the column direction (index j).
    let (nx, ny, nz) = (12, 9, 8);
    let grid = grid(nx, ny, nz, [0.0, -1.0, 0.0], [1.0, 0.0, 0.0], 1.0);
    assert!((grid.normal()[2] - 1.0).abs() < 1e-12);
    let volume = u8_volume(grid, |_| true, noise);
    let (width, height) = (nx, nz);
    let camera = Camera { azimuth_deg: 90.0, zoom: zoom_for(&volume, width, height, 1.0), ..Camera::default() };
    let image = render3d::render(&volume, &identity_mip(camera), width, height);
    for y in 0..height {
        for x in 0..width {
            // Screen right = posterior = −row direction → column index i decreasing;
            // screen down = feet = decreasing slice k.
            let (i, k) = (nx - 1 - x, nz - 1 - y);
            let expected = (0..ny).map(|j| noise(i, j, k)).max().unwrap();
            assert_eq!(grey(&image, width, x, y), expected, "pixel {x},{y}");
        }
    }
}

/// A transfer function of one colour at constant opacity `alpha8`/255 over every value.
fn constant_lut(rgb: [u8; 3], alpha8: u8) -> Compositing {
    let colour = [f64::from(rgb[0]) / 255.0, f64::from(rgb[1]) / 255.0, f64::from(rgb[2]) / 255.0];
    let opacity = f64::from(alpha8) / 255.0;
    let function = TransferFunction {
        points: vec![
            TransferPoint { value: -10.0, rgb: colour, opacity },
            TransferPoint { value: 300.0, rgb: colour, opacity },
        ],
    };
    Compositing::Composite { lut: function.compile(), shade: false }
}

#[test]
fn a_homogeneous_cube_composites_to_the_analytic_opacity() {
    let n = 9u32;
    let volume = u8_volume(axial_grid(n, n, n), |_| true, |_, _, _| 100);
    let (rgb, alpha8) = ([200u8, 100, 50], 13u8);
    let a = f64::from(alpha8) / 255.0;
    let view = View3d { preset: Preset::Ramp, ..View3d::default() };
    let mut opacities = Vec::new();
    for step_factor in [1.0, 1.0 / 3.0, 3.0, 0.4] {
        let mut cast = RayCast::new(&volume, &view, 21, 21, step_factor, None);
        cast.compositing = constant_lut(rgb, alpha8);
        let mut out = vec![0u8; 21 * 21 * 4];
        cast.render_rows(&volume, 0..21, &mut out);
        // The centre ray crosses the box from t = −4.5 to 4.5 mm: samples at every multiple
        // of the step in between.
        let step = cast.step_mm;
        assert!((cast.reference_mm - 1.0).abs() < 1e-12);
        let samples = 2.0 * (4.5 / step + 1e-9).floor() + 1.0;
        let alpha = 1.0 - (1.0 - a).powf(step);
        let expected_opacity = 1.0 - (1.0 - alpha).powf(samples);
        let centre = ((10 * 21 + 10) * 4) as usize;
        for (c, channel) in rgb.iter().enumerate() {
            let expected = (f64::from(*channel) / 255.0 * expected_opacity * 255.0).round() as u8;
            assert_eq!(out[centre + c], expected, "step factor {step_factor}, channel {c}");
        }
        opacities.push(f64::from(out[centre]) / 200.0);
        // Outside the cube's shadow: black.
        assert_eq!(&out[0..4], &[0, 0, 0, 255]);
    }
    // The step correction keeps the material's look: where the samples span the same 9 mm
    // (steps 1, 1/3 and 3 mm: 9, 27 and 3 samples) the opacity is the same, 1 − (1 − a)^9.
    let reference = 1.0 - (1.0 - a).powf(9.0);
    for o in &opacities[..3] {
        assert!((o - reference).abs() < 0.006, "{opacities:?} vs {reference}");
    }
}

#[test]
fn compositing_stops_once_opaque() {
    // Front half (toward the camera, small j) value 10, back half 200: red nearly opaque in
    // front, green behind. Two red steps reach A ≥ 0.99; the green never shows.
    let n = 9u32;
    let volume = u8_volume(axial_grid(n, n, n), |_| true, |_, j, _| if j < 5 { 10 } else { 200 });
    let red = TransferPoint { value: 10.0, rgb: [1.0, 0.0, 0.0], opacity: 230.0 / 255.0 };
    let green = TransferPoint { value: 200.0, rgb: [0.0, 1.0, 0.0], opacity: 1.0 };
    let function = TransferFunction { points: vec![red, TransferPoint { value: 11.0, ..red }, green] };
    let view = View3d { preset: Preset::Ramp, ..View3d::default() };
    let mut cast = RayCast::new(&volume, &view, 9, 9, 1.0, None);
    cast.compositing = Compositing::Composite { lut: function.compile(), shade: false };
    let mut out = vec![0u8; 9 * 9 * 4];
    cast.render_rows(&volume, 0..9, &mut out);
    let centre = ((4 * 9 + 4) * 4) as usize;
    let a = 230.0 / 255.0;
    let after_two = a + (1.0 - a) * a;
    assert!(after_two >= OPAQUE && a < OPAQUE);
    assert_eq!(out[centre], (after_two * 255.0).round() as u8);
    assert_eq!(out[centre + 1], 0, "nothing behind an opaque surface");
    // From behind (azimuth 180°) the green is seen first and is fully opaque.
    let back = View3d { camera: Camera { azimuth_deg: 180.0, ..Camera::default() }, ..view };
    let mut cast = RayCast::new(&volume, &back, 9, 9, 1.0, None);
    cast.compositing = Compositing::Composite { lut: function.compile(), shade: false };
    cast.render_rows(&volume, 0..9, &mut out);
    assert_eq!(&out[centre..centre + 4], &[0, 255, 0, 255]);
}

#[test]
fn transfer_functions_compile_to_the_documented_table() {
    let function = TransferFunction {
        points: vec![
            TransferPoint { value: -100.0, rgb: [0.0, 0.0, 0.0], opacity: 0.0 },
            TransferPoint { value: 100.0, rgb: [1.0, 0.5, 0.0], opacity: 0.5 },
            TransferPoint { value: 923.0, rgb: [1.0, 1.0, 1.0], opacity: 1.0 },
        ],
    };
    let lut = function.compile();
    assert_eq!((lut.low, lut.high, lut.entries.len()), (-100.0, 923.0, LUT_SIZE));
    // LUT_SIZE − 1 = 1023 steps of exactly 1 over [−100, 923].
    assert_eq!(lut.index(-100.0), 0);
    assert_eq!(lut.index(100.0), 200);
    assert_eq!(lut.index(100.4), 200);
    assert_eq!(lut.index(100.6), 201);
    assert_eq!(lut.index(-5000.0), 0);
    assert_eq!(lut.index(1e9), LUT_SIZE - 1);
    assert_eq!(lut.index(f64::NAN), 0);
    assert_eq!(lut.lookup(100.0), [255, 128, 0, 128]);
    assert_eq!(lut.lookup(0.0), [128, 64, 0, 64], "half way between the first two points");
    assert_eq!(lut.lookup(923.0), [255, 255, 255, 255]);
    assert_eq!(lut.rgba_bytes().len(), LUT_SIZE * 4);
    // Below the first / above the last point: their colours hold.
    assert_eq!(function.at(-1e6), ([0.0; 3], 0.0));
    assert_eq!(function.at(1e6), ([1.0; 3], 1.0));
}

#[test]
fn step_corrected_opacity_is_independent_of_the_step() {
    for a in [0.01, 0.2, 0.7, 0.99] {
        let one = corrected_opacity(a, 1.0, 1.0);
        assert!((one - a).abs() < 1e-12);
        // Four quarter steps = one whole step.
        let quarter = corrected_opacity(a, 0.25, 1.0);
        let four = 1.0 - (1.0 - quarter).powi(4);
        assert!((four - a).abs() < 1e-12, "{a}");
    }
    assert_eq!(corrected_opacity(0.0, 3.0, 1.0), 0.0);
    assert_eq!(corrected_opacity(1.0, 0.1, 1.0), 1.0);
}

#[test]
fn presets_have_names_and_ct_bone_shows_bone_not_air() {
    for preset in Preset::ALL {
        assert_eq!(Preset::from_name(preset.name()), Some(preset));
    }
    assert_eq!(Preset::default_for("CT"), Preset::CtBone);
    assert_eq!(Preset::default_for("PT"), Preset::Mip);
    assert_eq!(Preset::default_for("MR"), Preset::Ramp);
    // CT: air (−1000 HU) everywhere, a bone block (+1000 HU) in the left half (i ≥ 8).
    let (nx, ny, nz) = (16u32, 15u32, 12u32);
    let mut volume = Volume::new(
        axial_grid(nx, ny, nz),
        VoxelKind::I16,
        ModalityLut::Rescale(Rescale { slope: 1.0, intercept: -1024.0 }),
        u64::MAX,
    )
    .unwrap();
    let lut = volume.modality.clone();
    for k in 0..nz {
        let values = (0..ny)
            .flat_map(|j| (0..nx).map(move |i| (i, j)))
            .map(|(i, j)| if i >= 8 && (3..12).contains(&j) && (2..10).contains(&k) { 2024 } else { 24 })
            .collect();
        volume.insert_slice(k, &frame_i16(nx, ny, values), &lut).unwrap();
    }
    let (width, height) = (32, 24);
    let mut images = Vec::new();
    for preset in Preset::ALL {
        let view = View3d { preset, ..View3d::opening(None, "CT") };
        let image = render3d::render(&volume, &view, width, height);
        let brightness = |x0: u32, x1: u32| -> u64 {
            (height / 3..2 * height / 3)
                .flat_map(|y| (x0..x1).map(move |x| (x, y)))
                .map(|(x, y)| u64::from(grey(&image, width, x, y)))
                .sum()
        };
        // The bone is on the patient's left = screen right in the anterior view.
        let (left, right) = (brightness(0, width / 2 - 4), brightness(width / 2 + 4, width));
        if preset != Preset::CtLung {
            assert!(right > 0 && right > 4 * left.max(1), "{}: {left} vs {right}", preset.name());
        }
        assert_eq!(left, 0, "{}: air is transparent", preset.name());
        images.push(image);
    }
    // Every preset draws differently (the lung preset leaves bone and air out: black).
    for a in 0..images.len() {
        for b in a + 1..images.len() {
            assert_ne!(images[a], images[b], "{} vs {}", Preset::ALL[a].name(), Preset::ALL[b].name());
        }
    }
}

#[test]
fn an_empty_volume_is_black_and_a_filling_one_shows_only_its_filled_slices() {
    let (nx, ny, nz) = (10u32, 9u32, 8u32);
    let empty = u8_volume(axial_grid(nx, ny, nz), |_| false, noise);
    for preset in Preset::ALL {
        let view = View3d { preset, ..View3d::default() };
        let image = render3d::render(&empty, &view, 20, 10);
        assert!(image.chunks(4).all(|p| p == [0, 0, 0, 255]), "{}", preset.name());
    }
    assert!(render3d::value_range(&empty).is_none());
    // A zero-sized view renders one pixel rather than failing.
    assert_eq!(render3d::render(&empty, &View3d::default(), 0, 0).len(), 4);
    // Slices 0..4 filled (the lower half, feet side): the MIP shows those rows only.
    let half = u8_volume(axial_grid(nx, ny, nz), |k| k < 4, |i, j, k| noise(i, j, k).max(1));
    assert_eq!(render3d::value_range(&half).map(|(lo, _)| lo >= 1.0), Some(true));
    let (width, height) = (nx, nz);
    let camera = Camera { zoom: zoom_for(&half, width, height, 1.0), ..Camera::default() };
    let image = render3d::render(&half, &identity_mip(camera), width, height);
    for y in 0..height {
        for x in 0..width {
            let k = nz - 1 - y;
            let expected = if k < 4 { (0..ny).map(|j| noise(x, j, k).max(1)).max().unwrap() } else { 0 };
            assert_eq!(grey(&image, width, x, y), expected, "pixel {x},{y}");
        }
    }
}

#[test]
fn shading_darkens_surfaces_seen_at_a_grazing_angle() {
    // A ball of value 200 in a volume of 0: opaque surface. Shaded, its rim (normal across the
    // view) is darker than its centre (normal toward the viewer).
    let n = 31u32;
    let c = 15.0;
    let volume = u8_volume(
        axial_grid(n, n, n),
        |_| true,
        |i, j, k| {
            let d = ((f64::from(i) - c).powi(2) + (f64::from(j) - c).powi(2) + (f64::from(k) - c).powi(2)).sqrt();
            if d < 12.0 {
                200
            } else {
                0
            }
        },
    );
    let point = TransferPoint { value: 0.0, rgb: [0.0; 3], opacity: 0.0 };
    let function = TransferFunction {
        points: vec![
            point,
            TransferPoint { value: 100.0, ..point },
            TransferPoint { value: 101.0, rgb: [1.0; 3], opacity: 1.0 },
            TransferPoint { value: 255.0, rgb: [1.0; 3], opacity: 1.0 },
        ],
    };
    let view = View3d::default();
    let (width, height) = (n, n);
    let zoom = zoom_for(&volume, width, height, 1.0);
    let view = View3d { camera: Camera { zoom, ..view.camera }, ..view };
    let mut cast = RayCast::new(&volume, &view, width, height, 0.5, None);
    cast.compositing = Compositing::Composite { lut: function.compile(), shade: true };
    let mut out = vec![0u8; (width * height * 4) as usize];
    cast.render_rows(&volume, 0..height, &mut out);
    let centre = grey(&out, width, 15, 15);
    let rim = grey(&out, width, 15 + 10, 15);
    assert!(centre >= 240, "facing the viewer: {centre}");
    assert!(rim < centre - 40, "grazing: {rim} vs {centre}");
}

#[test]
fn render_sizes_keep_the_aspect_within_the_budget() {
    assert_eq!(render3d::render_size(200, 100, 40_000), (200, 100));
    assert_eq!(render3d::render_size(400, 200, 20_000), (200, 100));
    let (w, h) = render3d::render_size(1387, 911, render3d::INTERACTIVE_PIXELS);
    assert!(w * h <= render3d::INTERACTIVE_PIXELS && (f64::from(w) / f64::from(h) - 1387.0 / 911.0).abs() < 0.02);
    assert_eq!(render3d::render_size(0, 0, 0), (1, 1));
    assert_eq!(render3d::render_size(100_000, 1, 10), (10, 1));
}
