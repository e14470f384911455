//! Decode throughput per transfer syntax on the WG04 set (`cargo bench`): megapixels per second
//! (criterion's "Melem/s"), parse + frame decode, files read in place from ../shared/dicom.

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use dicom_viewer::dicom::DicomImage;

fn corpus() -> PathBuf {
    std::env::var("DICOM_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/dicom"))
}

fn set_files(set: &str) -> Vec<(String, Vec<u8>, u64)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(corpus().join("wg04").join(set))
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|path| {
            let bytes = std::fs::read(&path).ok()?;
            let image = DicomImage::parse(&bytes).ok()?;
            image.decode_frame(0).ok()?;
            let pixels = u64::from(image.info.rows) * u64::from(image.info.columns);
            Some((path.file_name()?.to_string_lossy().into_owned(), bytes, pixels))
        })
        .collect()
}

fn decode_sets(c: &mut Criterion) {
    for set in ["REF", "RLE", "JPLL", "JPLY", "JLSL", "JLSN", "J2KR", "J2KI"] {
        let files = set_files(set);
        if files.is_empty() {
            eprintln!("{set}: no decodable files, skipped");
            continue;
        }
        let pixels: u64 = files.iter().map(|(_, _, p)| p).sum();
        let mut group = c.benchmark_group("decode");
        group.sample_size(10);
        group.throughput(Throughput::Elements(pixels));
        group.bench_function(set, |b| {
            b.iter(|| {
                for (_, bytes, _) in &files {
                    let image = DicomImage::parse(bytes).expect("decoded once already");
                    std::hint::black_box(image.decode_frame(0).expect("decoded once already"));
                }
            })
        });
        group.finish();
    }
}

/// The REF images as HTJ2K lossless codestreams (HT code-blocks, no component transform),
/// written at bench time by Grok's `grk_compress` (planar raw input, as
/// src/codec/jpeg2000/tests/htj2k_grok.rs does); empty when Grok is not installed.
fn htj2k_streams() -> Vec<(String, Vec<u8>, u64)> {
    let dir = std::env::temp_dir().join(format!("bench-htj2k-{}", std::process::id()));
    if std::fs::create_dir_all(&dir).is_err() {
        return Vec::new();
    }
    let mut streams = Vec::new();
    for (name, bytes, pixels) in set_files("REF") {
        let Ok(image) = DicomImage::parse(&bytes) else { continue };
        let Ok(frame) = image.decode_frame(0) else { continue };
        let components = usize::from(frame.samples_per_pixel);
        let mut raw = Vec::new();
        let samples: Vec<i64> = match &frame.pixels {
            dicom_viewer::pipeline::PixelValues::U8(v) => v.iter().map(|&x| i64::from(x)).collect(),
            dicom_viewer::pipeline::PixelValues::U16(v) => v.iter().map(|&x| i64::from(x)).collect(),
            dicom_viewer::pipeline::PixelValues::I16(v) => v.iter().map(|&x| i64::from(x)).collect(),
            _ => continue,
        };
        for component in 0..components {
            for value in samples.iter().skip(component).step_by(components) {
                if frame.bits_stored <= 8 {
                    raw.push(*value as u8);
                } else {
                    raw.extend_from_slice(&(*value as u16).to_le_bytes());
                }
            }
        }
        let (input, output) = (dir.join(format!("{name}.rawl")), dir.join(format!("{name}.j2k")));
        if std::fs::write(&input, &raw).is_err() {
            continue;
        }
        let format = format!(
            "{},{},{},{},{}",
            frame.columns,
            frame.rows,
            components,
            frame.bits_stored,
            if frame.pixel_representation == 1 { "s" } else { "u" }
        );
        let encoded = std::process::Command::new("grk_compress")
            .args(["-i", &input.display().to_string(), "-F", &format, "-M", "64", "-Y", "0"])
            .args(["-o", &output.display().to_string()])
            .output()
            .is_ok_and(|result| result.status.success());
        if let (true, Ok(codestream)) = (encoded, std::fs::read(&output)) {
            streams.push((name, codestream, pixels));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    streams
}

/// HTJ2K codec alone (no DICOM parse): `cargo bench --bench decode -- HTJ2K`.
fn decode_htj2k(c: &mut Criterion) {
    let streams = htj2k_streams();
    if streams.is_empty() {
        eprintln!("HTJ2K: grk_compress not installed (grokj2k-tools), skipped");
        return;
    }
    let pixels: u64 = streams.iter().map(|(_, _, p)| p).sum();
    let mut group = c.benchmark_group("decode");
    group.sample_size(10);
    group.throughput(Throughput::Elements(pixels));
    group.bench_function("HTJ2K", |b| {
        b.iter(|| {
            for (_, codestream, _) in &streams {
                std::hint::black_box(dicom_viewer::codec::jpeg2000::decode(codestream).expect("Grok's stream decodes"));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, decode_sets, decode_htj2k);
criterion_main!(benches);
