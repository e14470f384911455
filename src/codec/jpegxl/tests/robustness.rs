//! Truncated and corrupted JPEG XL streams must give an error or an image, never a panic.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::process::Command;

use crate::codec::jpeg2000::tests::reference::Reference;
use crate::codec::jpegxl::decode;
use crate::codec::test_support::wg04;

#[test]
fn truncated_and_flipped_streams_never_panic() {
    if Command::new("cjxl").arg("--version").output().is_err() {
        println!("NOTE: cjxl not installed; JPEG XL robustness test skipped");
        return;
    }
    let dir = std::env::temp_dir().join(format!("jpegxl-robust-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut streams = Vec::new();
    for (id, options) in [("MR4", ["-d", "0"]), ("US1", ["-d", "0"]), ("VL1", ["-d", "1"])] {
        let Some(file) = wg04("REF", &format!("{id}_UNC")) else {
            continue;
        };
        let reference = Reference::from_file(&file);
        let magic = if reference.components == 3 { "P6" } else { "P5" };
        let maximum = (1u32 << reference.bits_stored) - 1;
        let mut pnm = format!("{magic}\n{} {}\n{maximum}\n", reference.width, reference.height).into_bytes();
        for &v in &reference.values {
            let v = v as u32 & maximum;
            if maximum > 255 {
                pnm.extend_from_slice(&(v as u16).to_be_bytes())
            } else {
                pnm.push(v as u8)
            }
        }
        let (input, output) = (dir.join(format!("{id}.pnm")), dir.join(format!("{id}.jxl")));
        std::fs::write(&input, pnm).expect("write");
        let ok = Command::new("cjxl").arg(&input).arg(&output).args(options).output().expect("cjxl");
        assert!(ok.status.success());
        streams.push((id, std::fs::read(&output).expect("read")));
    }
    let _ = std::fs::remove_dir_all(&dir);

    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut random = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut failures = Vec::new();
    let mut cases = 0;
    for (id, stream) in &streams {
        let cuts = (0..stream.len().min(200)).chain((0..40).map(|i| stream.len() * i / 40));
        for cut in cuts {
            cases += 1;
            if catch_unwind(AssertUnwindSafe(|| {
                let _ = decode(&stream[..cut]);
            }))
            .is_err()
            {
                failures.push(format!("{id} truncated to {cut}"));
            }
        }
        for round in 0..150 {
            let mut mutated = stream.clone();
            let span = if round % 2 == 0 { mutated.len().min(100) } else { mutated.len() };
            for _ in 0..1 + random() % 3 {
                let at = (random() % span as u64) as usize;
                mutated[at] ^= 1 << (random() % 8);
            }
            cases += 1;
            if catch_unwind(AssertUnwindSafe(|| {
                let _ = decode(&mutated);
            }))
            .is_err()
            {
                failures.push(format!("{id} mutation round {round}"));
            }
        }
    }
    std::panic::set_hook(previous_hook);
    println!("{cases} corrupted JPEG XL streams from {} files, {} panics", streams.len(), failures.len());
    assert!(streams.len() >= 3);
    assert!(failures.is_empty(), "decode panicked on: {failures:#?}");
}
