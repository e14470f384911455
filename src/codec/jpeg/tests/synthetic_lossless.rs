//! Lossless streams from the test encoder: every precision 2–16 with every predictor and
//! several point transforms, restart intervals, interleaved subsampled components, one scan
//! per component, and the difference 32768 (category 16). All must round-trip exactly.

use super::lossless_encoder::{encode, Component, Settings};
use super::support::samples_u16;
use crate::codec::jpeg::decode;
use crate::codec::{CodecError, Samples};

/// Deterministic samples of `bits` bits: a gradient with noise, so every predictor is busy.
fn pattern(width: usize, height: usize, bits: u8, seed: u32) -> Vec<u16> {
    let mut state = seed.wrapping_mul(2654435761).wrapping_add(1);
    let max = (1u32 << bits) - 1;
    (0..width * height)
        .map(|index| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let (x, y) = ((index % width) as u32, (index / width) as u32);
            let smooth = (x * 7 + y * 3) * max / (7 * width as u32 + 3 * height as u32);
            let noise = state % (max / 8 + 2);
            ((smooth + noise) % (max + 1)) as u16
        })
        .collect()
}

fn component(horizontal: usize, vertical: usize, settings: &Settings, max: (usize, usize), seed: u32) -> Component {
    // Padded to whole interleaved MCUs so either scan layout finds its samples.
    let width = usize::from(settings.width).div_ceil(max.0) * horizontal;
    let height = usize::from(settings.height).div_ceil(max.1) * vertical;
    let bits = settings.precision - settings.point_transform;
    Component { horizontal, vertical, width, height, samples: pattern(width, height, bits, seed) }
}

/// The frame the decoder should produce: components replicated to full size, shifted by Pt.
fn expected(settings: &Settings, components: &[Component]) -> Vec<u16> {
    let max_h = components.iter().map(|c| c.horizontal).max().unwrap();
    let max_v = components.iter().map(|c| c.vertical).max().unwrap();
    let mut out = Vec::new();
    for y in 0..usize::from(settings.height) {
        for x in 0..usize::from(settings.width) {
            for c in components {
                let sample = c.samples[(y * c.vertical / max_v) * c.width + x * c.horizontal / max_h];
                out.push(sample << settings.point_transform);
            }
        }
    }
    out
}

fn round_trip(label: &str, settings: &Settings, sampling: &[(usize, usize)]) {
    let max = (sampling.iter().map(|s| s.0).max().unwrap(), sampling.iter().map(|s| s.1).max().unwrap());
    let components: Vec<Component> = sampling
        .iter()
        .enumerate()
        .map(|(index, &(h, v))| component(h, v, settings, max, index as u32 + u32::from(settings.precision)))
        .collect();
    let stream = encode(settings, &components);
    let image = decode(&stream).unwrap_or_else(|error| panic!("{label}: {error}"));
    assert_eq!(image.precision, settings.precision, "{label}");
    assert_eq!(matches!(image.samples, Samples::U8(_)), settings.precision <= 8, "{label}: sample type");
    assert_eq!(samples_u16(&image), expected(settings, &components), "{label}: samples differ");
}

#[test]
fn every_precision_predictor_and_point_transform() {
    let mut cases = 0;
    for precision in 2..=16u8 {
        for predictor in 1..=7u8 {
            let point_transform = (precision + predictor) % 3 % (precision - 1);
            let settings = Settings {
                precision,
                width: 37,
                height: 29,
                predictor,
                point_transform,
                restart_interval: if predictor % 2 == 0 { 37 * 2 } else { 0 },
                interleaved: true,
            };
            round_trip(&format!("P={precision} SV{predictor} Pt={point_transform}"), &settings, &[(1, 1)]);
            cases += 1;
        }
    }
    println!("{cases} precision/predictor/point-transform cases exact");
    assert_eq!(cases, 15 * 7);
}

#[test]
fn interleaved_with_restarts() {
    // 1×1 components: one sample of each per MCU (the line-by-line path).
    for (predictor, restart_interval) in [(3, 0), (5, 45), (7, 90)] {
        let settings = Settings {
            precision: 16,
            width: 45,
            height: 31,
            predictor,
            point_transform: 2,
            restart_interval,
            interleaved: true,
        };
        round_trip(
            &format!("4:4:4 interleaved SV{predictor} RI{restart_interval}"),
            &settings,
            &[(1, 1), (1, 1), (1, 1)],
        );
    }
    // Subsampled: Hi×Vi samples per MCU (the MCU-by-MCU path).
    for (predictor, restart_interval) in [(1, 0), (4, 23), (6, 46), (7, 23 * 5)] {
        let settings = Settings {
            precision: 12,
            width: 45,
            height: 31,
            predictor,
            point_transform: 0,
            restart_interval,
            interleaved: true,
        };
        round_trip(
            &format!("4:2:0 interleaved SV{predictor} RI{restart_interval}"),
            &settings,
            &[(2, 2), (1, 1), (1, 1)],
        );
    }
}

#[test]
fn one_scan_per_component_with_restarts() {
    for (predictor, restart_interval) in [(2, 0), (5, 0)] {
        let settings = Settings {
            precision: 8,
            width: 33,
            height: 20,
            predictor,
            point_transform: 1,
            restart_interval,
            interleaved: false,
        };
        round_trip(&format!("non-interleaved 1x2 SV{predictor}"), &settings, &[(1, 2), (1, 1), (1, 1)]);
    }
    // Restart every row of the full-size component only works when each component's row
    // length divides it; use equal sampling so all three have 33 samples per row.
    let settings = Settings {
        precision: 10,
        width: 33,
        height: 20,
        predictor: 3,
        point_transform: 0,
        restart_interval: 66,
        interleaved: false,
    };
    round_trip("non-interleaved 4:4:4 RI66", &settings, &[(1, 1), (1, 1), (1, 1)]);
}

#[test]
fn difference_32768_round_trips() {
    let settings = Settings {
        precision: 16,
        width: 8,
        height: 4,
        predictor: 1,
        point_transform: 0,
        restart_interval: 0,
        interleaved: true,
    };
    let samples = [0, 32768, 0, 65535, 32767, 65535, 0, 1].repeat(4);
    let components = [Component { horizontal: 1, vertical: 1, width: 8, height: 4, samples: samples.clone() }];
    let image = decode(&encode(&settings, &components)).unwrap();
    assert_eq!(samples_u16(&image), samples);
}

#[test]
fn restart_interval_inside_a_row_is_refused() {
    let settings = Settings {
        precision: 8,
        width: 10,
        height: 4,
        predictor: 1,
        point_transform: 0,
        restart_interval: 7,
        interleaved: true,
    };
    let components = [Component { horizontal: 1, vertical: 1, width: 10, height: 4, samples: vec![9; 40] }];
    let result = decode(&encode(&settings, &components));
    assert!(matches!(result, Err(CodecError::Unsupported { .. })), "{result:?}");
}
