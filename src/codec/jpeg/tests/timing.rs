//! Native decode speed (run with `cargo test --release -- --ignored --nocapture timing`):
//! megapixels per second for the WG04 lossless and 12-bit lossy streams and for 8-bit colour
//! baseline streams made with dcmcjpeg, next to the `jpeg-decoder` crate where it can decode.

use std::time::{Duration, Instant};

use super::support::{corpus_path, run, tool, wg04_frame, Scratch};
use crate::codec::jpeg::decode;
use crate::codec::test_support::first_frame;

/// Best time of repeated runs (at least 3, about half a second in all).
fn best_time(mut work: impl FnMut()) -> Duration {
    let started = Instant::now();
    let mut best = Duration::MAX;
    let mut runs = 0;
    while runs < 3 || started.elapsed() < Duration::from_millis(500) {
        let run_start = Instant::now();
        work();
        best = best.min(run_start.elapsed());
        runs += 1;
    }
    best
}

fn report(label: &str, stream: &[u8]) {
    let image = decode(stream).unwrap_or_else(|error| panic!("{label}: {error}"));
    let megapixels = f64::from(image.width) * f64::from(image.height) / 1e6;
    let ours = best_time(|| {
        decode(stream).unwrap();
    });
    let theirs = jpeg_decoder::Decoder::new(stream).decode().ok().map(|_| {
        best_time(|| {
            let _ = jpeg_decoder::Decoder::new(stream).decode();
        })
    });
    let theirs_text = theirs.map_or("-".to_string(), |time| format!("{:.1}", megapixels / time.as_secs_f64()));
    println!(
        "{label:<18} {:>5}x{:<5} P={:<2} {:>8.2} ms {:>7.1} MP/s   jpeg-decoder {theirs_text:>6} MP/s",
        image.width,
        image.height,
        image.precision,
        ours.as_secs_f64() * 1e3,
        megapixels / ours.as_secs_f64()
    );
}

#[test]
#[ignore = "timing; run in release with --ignored --nocapture"]
fn timing() {
    for name in ["CT1_JPLL", "CT2_JPLL", "MR1_JPLL", "MR2_JPLL", "MR3_JPLL", "MR4_JPLL", "RG2_JPLL", "SC1_JPLL"] {
        if let Some(stream) = wg04_frame("JPLL", name) {
            report(name, &stream);
        }
    }
    for name in ["MR1_JPLY", "MR2_JPLY", "MR3_JPLY", "MR4_JPLY", "RG2_JPLY", "SC1_JPLY", "MG1_JPLY"] {
        if let Some(stream) = wg04_frame("JPLY", name) {
            report(name, &stream);
        }
    }
    let Some(dcmcjpeg) = tool("dcmcjpeg") else {
        return;
    };
    let scratch = Scratch::new("timing-");
    for (label, reference, options) in [
        ("US1 baseline 422", "US1", &["+eb"][..]),
        ("VL1 baseline 420", "VL1", &["+eb", "+n1"][..]),
        ("CT1 baseline grey", "CT1", &["+eb"][..]),
        ("US1 lossless SV1", "US1", &["+el", "+sv", "1"][..]),
    ] {
        let output = scratch.path(&format!("{reference}.dcm"));
        let input = corpus_path("REF", &format!("{reference}_UNC"));
        if !input.is_file() {
            continue;
        }
        let mut arguments = options.to_vec();
        arguments.extend([input.to_str().unwrap(), output.to_str().unwrap()]);
        run(&dcmcjpeg, &arguments);
        report(label, &first_frame(&std::fs::read(&output).unwrap()));
    }
}
