//! Corrupted input must give an error or a garbage image, never a panic or a hang: WG04
//! streams (lossless and 12-bit lossy) and synthetic ones with restart markers are truncated
//! at many points and have random bytes changed, each decode watched by a time limit.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::lossless_encoder::{encode, Component, Settings};
use super::support::{corpus_path, native_samples, run, tool, wg04_frame, Scratch};
use crate::codec::jpeg::decode;
use crate::codec::CodecError;

/// Small xorshift generator so failures are reproducible from the printed seed.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, limit: usize) -> usize {
        (self.next() % limit.max(1) as u64) as usize
    }
}

/// Decodes `data` on a thread of its own; panics (failing the test) if the decoder panics
/// or takes longer than `limit`.
fn decode_watched(label: &str, data: Vec<u8>, limit: Duration) -> Result<(), CodecError> {
    let (sender, receiver) = mpsc::channel();
    let worker = std::thread::spawn(move || {
        let outcome = catch_unwind(AssertUnwindSafe(|| decode(&data).map(|_| ())));
        let _ = sender.send(outcome);
    });
    match receiver.recv_timeout(limit) {
        Ok(Ok(result)) => {
            let _ = worker.join();
            result
        }
        Ok(Err(_)) => panic!("{label}: the decoder panicked"),
        Err(_) => panic!("{label}: the decoder did not finish within {limit:?}"),
    }
}

/// The streams mutated: small WG04 members (both processes) and synthetic restart streams.
fn streams() -> Vec<(String, Vec<u8>)> {
    let mut streams = Vec::new();
    for (set, names) in [("JPLL", ["CT1_JPLL", "MR4_JPLL", "NM1_JPLL"]), ("JPLY", ["MR1_JPLY", "MR4_JPLY", "NM1_JPLY"])]
    {
        for name in names {
            if let Some(frame) = wg04_frame(set, name) {
                streams.push((name.to_string(), frame));
            }
        }
    }
    for (label, sampling) in [
        ("synthetic lossless 4:2:0 RST", [(2, 2), (1, 1), (1, 1)]),
        ("synthetic lossless 4:4:4 RST", [(1, 1), (1, 1), (1, 1)]),
    ] {
        let settings = Settings {
            precision: 12,
            width: 45,
            height: 31,
            predictor: 6,
            point_transform: 0,
            restart_interval: if sampling[0].0 == 2 { 23 } else { 45 },
            interleaved: true,
        };
        let components: Vec<Component> = sampling
            .iter()
            .map(|&(h, v)| {
                let (width, height) = (45usize.div_ceil(sampling[0].0) * h, 31usize.div_ceil(sampling[0].1) * v);
                Component {
                    horizontal: h,
                    vertical: v,
                    width,
                    height,
                    samples: (0..width * height).map(|i| (i * 37 % 4096) as u16).collect(),
                }
            })
            .collect();
        streams.push((label.to_string(), encode(&settings, &components)));
    }
    // 8-bit colour paths (upsampling, colour conversion, restarts, one scan per component).
    for (label, options) in [
        ("cjpeg 4:2:0 RST", &["-sample", "2x2", "-restart", "2B"][..]),
        ("cjpeg 4:2:2 per-component scans", &["-sample", "2x1", "-scans"][..]),
    ] {
        if let Some(stream) = cjpeg_stream(label, options) {
            streams.push((label.to_string(), stream));
        }
    }
    streams
}

/// A 96×64 crop of VL1 compressed by cjpeg (None when cjpeg or VL1 is missing).
fn cjpeg_stream(label: &str, options: &[&str]) -> Option<Vec<u8>> {
    let cjpeg = tool("cjpeg")?;
    let file = std::fs::read(corpus_path("REF", "VL1_UNC")).ok()?;
    let samples = native_samples(&file);
    let mut pnm = b"P6\n96 64\n255\n".to_vec();
    for y in 0..64 {
        pnm.extend(samples[y * 756 * 3..(y * 756 + 96) * 3].iter().map(|&s| s as u8));
    }
    let scratch = Scratch::new("fuzz-");
    let stem = label.replace([' ', ':'], "-");
    let (input, output, scans) = (
        scratch.path(&format!("{stem}.ppm")),
        scratch.path(&format!("{stem}.jpg")),
        scratch.path(&format!("{stem}.scans")),
    );
    std::fs::write(&input, pnm).ok()?;
    std::fs::write(&scans, "0;\n1;\n2;\n").ok()?;
    let mut arguments: Vec<&str> = options.to_vec();
    if arguments.last() == Some(&"-scans") {
        arguments.push(scans.to_str()?);
    }
    arguments.extend(["-outfile", output.to_str()?, input.to_str()?]);
    run(&cjpeg, &arguments);
    std::fs::read(&output).ok()
}

#[test]
fn truncations_and_byte_changes_never_panic() {
    // JPEG_FUZZ_FLIPS raises the count for a longer run.
    let default_flips = if cfg!(debug_assertions) { 80 } else { 400 };
    let flips_per_stream = std::env::var("JPEG_FUZZ_FLIPS").ok().and_then(|v| v.parse().ok()).unwrap_or(default_flips);
    let truncations_per_stream = 60;
    let limit = Duration::from_secs(if cfg!(debug_assertions) { 60 } else { 10 });
    let streams = streams();
    assert!(streams.len() >= 7, "only {} streams to mutate", streams.len());
    println!("mutating {} streams", streams.len());
    let started = Instant::now();
    let (mut decodes, mut errors) = (0, 0);
    for (stream_index, (name, stream)) in streams.iter().enumerate() {
        // Truncations: every length up to 700 bytes in steps (headers), then spread points.
        let mut lengths: Vec<usize> = (0..stream.len().min(700)).step_by(7).collect();
        lengths.extend((1..=truncations_per_stream).map(|i| stream.len() * i / (truncations_per_stream + 1)));
        lengths.push(stream.len() - 1);
        for length in lengths {
            let result = decode_watched(&format!("{name} cut to {length}"), stream[..length].to_vec(), limit);
            assert!(result.is_err() || length + 2 >= stream.len(), "{name} cut to {length} decoded without error");
            decodes += 1;
            errors += usize::from(result.is_err());
        }
        // Random changes of 1–4 bytes, half of them in the first 1000 bytes (the headers).
        for flip in 0..flips_per_stream {
            let seed = (stream_index as u64 + 1) * 1_000_003 + flip as u64;
            let mut random = Random(seed | 1);
            let mut mutated = stream.clone();
            for _ in 0..1 + random.below(4) {
                let span = if flip % 2 == 0 { mutated.len().min(1000) } else { mutated.len() };
                let position = random.below(span);
                mutated[position] = random.next() as u8;
            }
            let result = decode_watched(&format!("{name} seed {seed}"), mutated, limit);
            decodes += 1;
            errors += usize::from(result.is_err());
        }
    }
    println!("{decodes} corrupted decodes ({errors} errors, the rest garbage images) in {:?}", started.elapsed());
}

#[test]
fn empty_and_tiny_inputs_are_truncated() {
    for input in [&[][..], &[0xFF], &[0xFF, 0xD8], &[0xFF, 0xD8, 0xFF], &[0xFF, 0xD8, 0xFF, 0xC0, 0x00]] {
        let result = decode(input);
        assert!(matches!(result, Err(CodecError::Truncated { .. })), "{input:?}: {result:?}");
    }
}

#[test]
fn missing_eoi_fill_bytes_and_trailing_garbage_are_accepted() {
    let Some(stream) = wg04_frame("JPLY", "MR4_JPLY") else {
        return;
    };
    let expected = decode(&stream).unwrap();
    let end = stream.len() - stream.iter().rev().position(|&b| b == 0xD9).unwrap() - 2;
    assert_eq!(&stream[end..end + 2], &[0xFF, 0xD9]);

    let without_eoi = &stream[..end];
    assert_eq!(decode(without_eoi).unwrap(), expected, "missing EOI");

    let mut fill = stream[..end].to_vec();
    fill.extend_from_slice(&[0xFF, 0xFF, 0xFF, 0xD9, 0x00, 0x12, 0xFF]);
    assert_eq!(decode(&fill).unwrap(), expected, "fill bytes before EOI and bytes after it");

    // Fill bytes before the first table marker too (T.81 B.1.1.2).
    let mut early_fill = vec![0xFF, 0xD8, 0xFF, 0xFF];
    early_fill.extend_from_slice(&stream[2..]);
    assert_eq!(decode(&early_fill).unwrap(), expected, "fill bytes after SOI");
}

#[test]
fn truncated_entropy_data_is_reported() {
    let Some(stream) = wg04_frame("JPLL", "CT1_JPLL") else {
        return;
    };
    let cut = &stream[..stream.len() / 2];
    assert!(matches!(decode(cut), Err(CodecError::Truncated { .. })), "half a lossless stream");
    let Some(stream) = wg04_frame("JPLY", "MR1_JPLY") else {
        return;
    };
    let mut cut = stream[..stream.len() * 3 / 4].to_vec();
    cut.extend_from_slice(&[0xFF, 0xD9]);
    assert!(matches!(decode(&cut), Err(CodecError::Truncated { .. })), "3/4 of a DCT stream with EOI");
}
