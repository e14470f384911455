//! Native decode speed of cjxl-made streams
//! (`cargo test --release -- --ignored --nocapture jpegxl::tests::timing`).

use std::process::Command;
use std::time::Instant;

use crate::codec::jpeg2000::tests::reference::Reference;
use crate::codec::jpegxl::decode;
use crate::codec::test_support::wg04;

#[test]
#[ignore]
fn timing_megapixels_per_second() {
    if Command::new("cjxl").arg("--version").output().is_err() {
        println!("NOTE: cjxl not installed; timing skipped");
        return;
    }
    let dir = std::env::temp_dir().join(format!("jpegxl-timing-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    for (id, label, options) in [
        ("CT1", "lossless", ["-d", "0", "-e", "3"]),
        ("MR1", "lossless", ["-d", "0", "-e", "3"]),
        ("RG2", "lossless", ["-d", "0", "-e", "3"]),
        ("VL1", "lossless", ["-d", "0", "-e", "3"]),
        ("CT1", "lossy d1", ["-d", "1", "-e", "3"]),
        ("VL1", "lossy d1", ["-d", "1", "-e", "3"]),
    ] {
        let Some(file) = wg04("REF", &format!("{id}_UNC")) else {
            continue;
        };
        let reference = Reference::from_file(&file);
        let magic = if reference.components == 3 { "P6" } else { "P5" };
        let maximum: u32 = if reference.bits_stored <= 8 { 255 } else { 65535 };
        let mut pnm = format!("{magic}\n{} {}\n{maximum}\n", reference.width, reference.height).into_bytes();
        let mask = (1u32 << reference.bits_stored) - 1;
        for &v in &reference.values {
            let v = v as u32 & mask;
            if maximum > 255 {
                pnm.extend_from_slice(&(v as u16).to_be_bytes())
            } else {
                pnm.push(v as u8)
            }
        }
        let (input, output) = (dir.join(format!("{id}.pnm")), dir.join(format!("{id}.jxl")));
        std::fs::write(&input, pnm).expect("write");
        let status = Command::new("cjxl").arg(&input).arg(&output).args(options).output().expect("cjxl");
        assert!(status.status.success());
        let stream = std::fs::read(&output).expect("read");
        let image = decode(&stream).expect("decode");
        let runs = 3;
        let start = Instant::now();
        for _ in 0..runs {
            std::hint::black_box(decode(&stream).expect("decode"));
        }
        let seconds = start.elapsed().as_secs_f64() / f64::from(runs);
        let megapixels = f64::from(image.width) * f64::from(image.height) / 1e6;
        println!("JXL {label} {id}: {:.1} ms, {:.1} MP/s", seconds * 1e3, megapixels / seconds);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
