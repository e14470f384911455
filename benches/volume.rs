//! Volumes (`cargo bench --bench volume`): a 512×512×300 signed 16-bit CT (0.7 mm pixels,
//! 1 mm slices, the MR-like orientation rows-anterior so no axis is the identity) built in
//! memory. Its values are a cheap deterministic pattern (-1000..+1000 HU): the timings do not
//! depend on them, and the analytic phantom over 78 M voxels would take longer to make than to
//! measure. Measured:
//! - inserting one decoded slice;
//! - the last slice arriving → the three MPR planes ready (insert + axial, sagittal and coronal
//!   planes covering the volume at its finest spacing, as the MPR layout draws them);
//! - one 512² thin plane, axial / sagittal / coronal / oblique (30°);
//! - a 10 mm MIP slab, 512², coronal;
//! - the volume's bytes against the raw size 512·512·300·2 (printed).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use dicom_viewer::dicom::Frame;
use dicom_viewer::pipeline::{ModalityLut, Photometric, PixelValues};
use dicom_viewer::volume::{reslice, Grid, Plane, Slab, SlabMode, SliceGeometry, Volume, VoxelKind};

const SIZE: u32 = 512;
const SLICES: u32 = 300;
const PIXEL_MM: f64 = 0.7;
const SLICE_MM: f64 = 1.0;
const ROW: [f64; 3] = [0.0, -1.0, 0.0];
const COLUMN: [f64; 3] = [1.0, 0.0, 0.0];

fn slice_frame(k: u32) -> Frame {
    let values: Vec<i16> = (0..SIZE * SIZE)
        .map(|n| {
            let (i, j) = (n % SIZE, n / SIZE);
            (((i * 7 + j * 13 + k * 31) % 2001) as i32 - 1000) as i16
        })
        .collect();
    Frame {
        rows: SIZE,
        columns: SIZE,
        samples_per_pixel: 1,
        bits_allocated: 16,
        bits_stored: 16,
        pixel_representation: 1,
        photometric: Photometric::Monochrome2,
        pixels: PixelValues::I16(values),
        embedded_overlays: Default::default(),
    }
}

fn grid() -> Grid {
    let half = PIXEL_MM * f64::from(SIZE - 1) / 2.0;
    let planes: Vec<SliceGeometry> = (0..SLICES)
        .map(|k| SliceGeometry {
            position_mm: [-half, half, f64::from(k) * SLICE_MM - 150.0],
            row_direction: ROW,
            column_direction: COLUMN,
            pixel_spacing_mm: [PIXEL_MM, PIXEL_MM],
            rows: SIZE,
            columns: SIZE,
        })
        .collect();
    Grid::from_slices(&planes).expect("grid")
}

fn full_volume(frames: &[Frame]) -> Volume {
    let mut volume = Volume::new(grid(), VoxelKind::I16, ModalityLut::Identity, 1 << 31).expect("volume");
    for (k, frame) in frames.iter().enumerate() {
        volume.insert_slice(k as u32, frame, &ModalityLut::Identity).expect("slice fits");
    }
    volume
}

/// A 512² plane through the volume centre with the volume's pixel size.
fn plane(volume: &Volume, row: [f64; 3], column: [f64; 3]) -> Plane {
    let centre = volume.grid.centre_mm();
    let half = PIXEL_MM * f64::from(SIZE - 1) / 2.0;
    let origin = [0, 1, 2].map(|a| centre[a] - half * row[a] - half * column[a]);
    Plane {
        origin_mm: origin,
        row_direction: row,
        column_direction: column,
        pixel_spacing_mm: PIXEL_MM,
        columns: SIZE,
        rows: SIZE,
    }
}

/// On-CPU time of this thread (Linux `/proc/thread-self/schedstat`, ns): on a shared machine the
/// wall time criterion reports includes waiting for a core; this does not.
fn thread_cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat").ok()?.split_whitespace().next()?.parse().ok()
}

/// Prints the mean on-CPU time of `f` over `runs` runs beside the wall time.
fn cpu_time(name: &str, runs: u32, mut f: impl FnMut()) {
    let (start, wall) = (thread_cpu_ns(), std::time::Instant::now());
    for _ in 0..runs {
        f();
    }
    let wall_ms = wall.elapsed().as_secs_f64() * 1e3 / f64::from(runs);
    match (start, thread_cpu_ns()) {
        (Some(a), Some(b)) => {
            println!("{name}: {:.2} ms on CPU, {wall_ms:.2} ms wall", (b - a) as f64 / 1e6 / f64::from(runs))
        }
        _ => println!("{name}: {wall_ms:.2} ms wall"),
    }
}

fn bench_volume(c: &mut Criterion) {
    let frames: Vec<Frame> = (0..SLICES).map(slice_frame).collect();
    let mut volume = full_volume(&frames);
    let raw = u64::from(SIZE) * u64::from(SIZE) * u64::from(SLICES) * 2;
    println!(
        "volume memory: {} bytes for raw {} bytes ({:.3}×)",
        volume.byte_len(),
        raw,
        volume.byte_len() as f64 / raw as f64
    );
    let (s, co) = 30f64.to_radians().sin_cos();
    let axial = plane(&volume, [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]);
    let sagittal = plane(&volume, [0.0, 1.0, 0.0], [0.0, 0.0, -1.0]);
    let coronal = plane(&volume, [1.0, 0.0, 0.0], [0.0, 0.0, -1.0]);
    let oblique = plane(&volume, [1.0, 0.0, 0.0], [0.0, co, s]);

    let slab = Slab { mode: SlabMode::Maximum, thickness_mm: 10.0 };
    cpu_time("insert one slice", 50, || volume.insert_slice(150, &frames[150], &ModalityLut::Identity).expect("fits"));
    for (name, p) in [("axial", &axial), ("sagittal", &sagittal), ("coronal", &coronal), ("oblique 30deg", &oblique)] {
        cpu_time(&format!("reslice 512² {name}"), 10, || {
            black_box(reslice(&volume, p, None));
        });
    }
    cpu_time("slab MIP 10 mm 512² coronal", 3, || {
        black_box(reslice(&volume, &coronal, Some(slab)));
    });
    cpu_time("slab MIP 10 mm 512² axial", 3, || {
        black_box(reslice(&volume, &axial, Some(slab)));
    });

    // The MPR layout's three planes covering the volume at the finest spacing.
    let centre = volume.grid.centre_mm();
    let spacing = volume.grid.finest_spacing_mm();
    let mpr = [
        Plane::covering(&volume, centre, [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], spacing),
        Plane::covering(&volume, centre, [0.0, 1.0, 0.0], [0.0, 0.0, -1.0], spacing),
        Plane::covering(&volume, centre, [1.0, 0.0, 0.0], [0.0, 0.0, -1.0], spacing),
    ];
    println!("MPR planes: {}", mpr.iter().map(|p| format!("{}×{}", p.columns, p.rows)).collect::<Vec<_>>().join(", "));
    cpu_time("last slice arrives -> 3 MPR planes ready", 5, || {
        volume.insert_slice(SLICES - 1, &frames[SLICES as usize - 1], &ModalityLut::Identity).expect("fits");
        black_box(mpr.iter().map(|p| reslice(&volume, p, None).covered_pixels).sum::<u64>());
    });
    if std::env::var_os("VOLUME_BENCH_CPU_ONLY").is_some() {
        return;
    }

    let mut group = c.benchmark_group("volume 512x512x300 i16");
    group.sample_size(20);
    group.bench_function("insert one slice", |b| {
        b.iter(|| volume.insert_slice(black_box(150), &frames[150], &ModalityLut::Identity).expect("fits"))
    });
    for (name, p) in [("axial", &axial), ("sagittal", &sagittal), ("coronal", &coronal), ("oblique 30deg", &oblique)] {
        group.bench_function(format!("reslice 512² {name}"), |b| b.iter(|| reslice(&volume, black_box(p), None)));
    }
    group.bench_function("slab MIP 10 mm 512² coronal", |b| {
        b.iter(|| reslice(&volume, black_box(&coronal), Some(slab)))
    });
    group.bench_function("last slice arrives -> 3 MPR planes ready", |b| {
        b.iter(|| {
            volume.insert_slice(SLICES - 1, &frames[SLICES as usize - 1], &ModalityLut::Identity).expect("fits");
            mpr.iter().map(|p| reslice(&volume, p, None).covered_pixels).sum::<u64>()
        })
    });
    group.finish();
}

criterion_group!(benches, bench_volume);
criterion_main!(benches);
