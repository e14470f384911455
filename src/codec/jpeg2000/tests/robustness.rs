//! Truncated and corrupted codestreams (J2K from WG04, HTJ2K made by Grok) must give an
//! error or an image, never a panic, from `decode` and from each decoder behind it.
//! (In WASM a panic aborts the app; here `catch_unwind` only serves to name the input.)

use std::panic::{catch_unwind, AssertUnwindSafe};

use super::htj2k_grok::{encode, encoder_available, write_raw, TempDir};
use super::reference::Reference;
use crate::codec::jpeg2000::{decode, header, openjph};
use crate::codec::test_support::{first_frame, wg04};

/// Small deterministic generator (xorshift64*), so failures reproduce.
struct Xorshift(u64);

impl Xorshift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }
}

/// Files mutated: small ones, lossless and lossy, grey and colour.
const STREAMS: [(&str, &str); 6] = [
    ("J2KR", "CT1_J2KR"),
    ("J2KR", "MR2_J2KR"),
    ("J2KR", "US1_J2KR"),
    ("J2KR", "NM1_J2KR"),
    ("J2KI", "CT1_J2KI"),
    ("J2KI", "VL1_J2KI"),
];
const FLIPS_PER_FILE: usize = 100;

/// Runs `decode` on `bytes`; true if it panicked.
fn panics(bytes: &[u8]) -> bool {
    catch_unwind(AssertUnwindSafe(|| {
        let _ = decode(bytes);
    }))
    .is_err()
}

#[test]
fn truncated_and_flipped_streams_never_panic() {
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut random = Xorshift(0x9E37_79B9_7F4A_7C15);
    let mut failures = Vec::new();
    let mut cases = 0;
    let mut files = 0;
    for (set, name) in STREAMS {
        let Some(file) = wg04(set, name) else {
            continue;
        };
        files += 1;
        let stream = first_frame(&file);
        // Every cut inside the main header, then cuts spread over the body.
        let header_cuts = 0..stream.len().min(256);
        let body_cuts = (0..64).map(|i| stream.len() * i / 64);
        for cut in header_cuts.chain(body_cuts) {
            cases += 1;
            if panics(&stream[..cut]) {
                failures.push(format!("{name} truncated to {cut}"));
            }
        }
        for round in 0..FLIPS_PER_FILE {
            let mut mutated = stream.clone();
            // Half the rounds hit the headers (first 300 bytes), half anywhere.
            let span = if round % 2 == 0 { mutated.len().min(300) } else { mutated.len() };
            for _ in 0..1 + random.below(4) {
                let at = random.below(span);
                mutated[at] ^= 1 << random.below(8);
                if random.below(4) == 0 {
                    mutated[at] = random.next() as u8;
                }
            }
            cases += 1;
            if panics(&mutated) {
                failures.push(format!("{name} mutation round {round}"));
            }
        }
    }
    std::panic::set_hook(previous_hook);
    println!("{cases} corrupted streams from {files} files, {} panics", failures.len());
    assert!(files >= 6, "only {files} files mutated");
    assert!(failures.is_empty(), "decode panicked on: {failures:#?}");
}

#[test]
fn garbage_and_empty_inputs_are_errors() {
    assert!(decode(&[]).is_err());
    assert!(decode(&[0xFF, 0x4F]).is_err());
    assert!(decode(&[0xFF, 0x4F, 0xFF, 0x51, 0, 2]).is_err());
    assert!(decode(&[0u8; 64]).is_err());
    // A JP2 signature box with nothing after it.
    assert!(decode(&[0, 0, 0, 12, b'j', b'P', b' ', b' ', 0x0D, 0x0A, 0x87, 0x0A]).is_err());
}

/// HTJ2K streams made at test time by `grk_compress` (lossless and irreversible, grey and
/// colour), truncated and flipped: openjph-core itself — called directly, since `decode`
/// hands streams without EOC and its failures to openjpeg — and `decode` must return an
/// error or samples, never panic.
#[test]
fn ht_streams_truncated_and_flipped_never_panic() {
    if !encoder_available() {
        println!("NOTE: grk_compress not installed (apt-get install grokj2k-tools); test skipped");
        return;
    }
    let previous_hook = std::panic::take_hook();
    // Keep where each panic happened, to name it in the failure.
    static LAST_PANIC: std::sync::Mutex<String> = std::sync::Mutex::new(String::new());
    std::panic::set_hook(Box::new(|info| {
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = info.to_string();
        }
    }));
    let dir = TempDir::new("jpeg2000-ht-robustness");
    let mut random = Xorshift(0x2545_F491_4F6C_DD1D);
    let (mut failures, mut cases, mut streams) = (Vec::new(), 0, 0);
    for id in ["CT1", "MR2", "NM1", "US1"] {
        let Some(reference_file) = wg04("REF", &format!("{id}_UNC")) else { continue };
        let reference = Reference::from_file(&reference_file);
        let raw = dir.path().join(format!("{id}.rawl"));
        write_raw(&reference, &raw);
        for (label, options) in [("lossless", vec!["-Y", "0"]), ("irreversible", vec!["-I", "-Y", "0"])] {
            let stream = encode(&reference, &raw, &dir.path().join(format!("{id}-{label}.j2k")), &options);
            streams += 1;
            let openjph_panics = |bytes: &[u8]| {
                catch_unwind(AssertUnwindSafe(|| {
                    if let Ok(main_header) = header::read_main_header(bytes) {
                        if openjph::applies_to(&main_header) {
                            let _ = openjph::decode_samples(bytes, &main_header);
                        }
                    }
                }))
                .is_err()
                    || panics(bytes)
            };
            let body_cuts = (0..64).map(|i| stream.len() * i / 64);
            for cut in (0..stream.len().min(200)).chain(body_cuts) {
                cases += 1;
                if openjph_panics(&stream[..cut]) {
                    let at = LAST_PANIC.lock().map(|l| l.clone()).unwrap_or_default();
                    failures.push(format!("{id} {label} truncated to {cut}: {at}"));
                }
            }
            for round in 0..FLIPS_PER_FILE {
                let mut mutated = stream.clone();
                let span = if round % 2 == 0 { mutated.len().min(300) } else { mutated.len() };
                for _ in 0..1 + random.below(4) {
                    let at = random.below(span);
                    mutated[at] ^= 1 << random.below(8);
                    if random.below(4) == 0 {
                        mutated[at] = random.next() as u8;
                    }
                }
                cases += 1;
                if openjph_panics(&mutated) {
                    let at = LAST_PANIC.lock().map(|l| l.clone()).unwrap_or_default();
                    failures.push(format!("{id} {label} mutation round {round}: {at}"));
                }
            }
        }
    }
    std::panic::set_hook(previous_hook);
    println!("{cases} corrupted HT streams from {streams} streams, {} panics", failures.len());
    assert!(streams >= 8, "only {streams} HT streams made");
    assert!(failures.is_empty(), "openjph-core or decode panicked on: {failures:#?}");
}
