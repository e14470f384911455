//! Native decode speed (run with `cargo test --release -- --ignored --nocapture timing`).

use std::time::Instant;

use crate::codec::jpeg2000::decode;
use crate::codec::test_support::{first_frame, wg04};

#[test]
#[ignore]
fn timing_megapixels_per_second() {
    for set in ["J2KR", "J2KI"] {
        for id in ["CT1", "MR1", "RG2"] {
            let Some(file) = wg04(set, &format!("{id}_{set}")) else {
                continue;
            };
            let stream = first_frame(&file);
            let image = decode(&stream).expect("decode");
            let runs = 5;
            let start = Instant::now();
            for _ in 0..runs {
                std::hint::black_box(decode(&stream).expect("decode"));
            }
            let seconds = start.elapsed().as_secs_f64() / f64::from(runs);
            let megapixels = f64::from(image.width) * f64::from(image.height) / 1e6;
            println!("{set} {id}: {:.1} ms, {:.1} MP/s", seconds * 1e3, megapixels / seconds);
        }
    }
}
