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

criterion_group!(benches, decode_sets);
criterion_main!(benches);
