//! The 8-bit display output equals dcmtk's `dcm2pnm` (run now, as an independent oracle)
//! within ±1 per sample: every WG04 reference and every dcmqi file dcmtk can render, with each
//! window the file offers (`+Wi n`), an explicit window (`+Ww c w`) and the default.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::path::Path;

use common::{corpus, dcm2pnm, files_below, files_in, have_dcmtk, Pnm};
use dicom_viewer::api::RenderOptions;
use dicom_viewer::dicom::DicomImage;
use dicom_viewer::DecodeError;

/// Largest per-sample difference between our RGBA and dcmtk's PGM/PPM.
fn max_difference(ours: &[u8], theirs: &Pnm) -> u8 {
    let mut max = 0u8;
    for (pixel, index) in ours.chunks_exact(4).zip(0..) {
        for channel in 0..theirs.channels {
            let expected = theirs.samples[index * theirs.channels + channel];
            max = max.max(pixel[channel].abs_diff(expected));
        }
    }
    max
}

struct Tally {
    files: usize,
    comparisons: usize,
    skipped: Vec<String>,
}

fn compare_file(path: &Path, tally: &mut Tally) {
    let bytes = std::fs::read(path).expect("readable");
    let image = match DicomImage::parse(&bytes) {
        Ok(image) => image,
        Err(DecodeError::NoPixelData) => {
            tally.skipped.push(format!("{}: no pixel data", path.display()));
            return;
        }
        Err(e) => panic!("{}: {e}", path.display()),
    };
    let frames = image.info.number_of_frames;
    let mut compared_any = false;
    for frame_index in [0, frames - 1].into_iter().collect::<std::collections::BTreeSet<_>>() {
        let frame = image.decode_frame(frame_index).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let frame_arg = (frame_index + 1).to_string();
        let mut cases: Vec<(Vec<String>, RenderOptions)> = Vec::new();
        if frame.photometric.is_monochrome() {
            for index in 0..image.info.windows(frame_index).len() {
                cases.push((
                    vec!["+Wi".into(), (index + 1).to_string()],
                    RenderOptions { voi_index: Some(index), ..Default::default() },
                ));
            }
            if image.info.windows(frame_index).is_empty() {
                // The default without a window in the file: min/max of the modality values.
                cases.push((vec!["+Wm".into()], RenderOptions::default()));
            }
            // An explicit window over the middle half of the modality range.
            let modality = image.info.modality_lut(frame_index);
            if let Some((lo, hi)) = frame.pixels.min_max() {
                let (a, b) = (modality.apply(lo), modality.apply(hi));
                let (lo, hi) = (a.min(b), a.max(b));
                let center = ((lo + hi) / 2.0).round();
                let width = ((hi - lo) / 2.0).round().max(2.0);
                cases.push((
                    vec!["+Ww".into(), center.to_string(), width.to_string()],
                    RenderOptions { window: Some((center, width)), ..Default::default() },
                ));
            }
        } else {
            cases.push((Vec::new(), RenderOptions::default()));
        }
        for (args, options) in cases {
            let mut all_args: Vec<&str> = vec!["+F", &frame_arg];
            all_args.extend(args.iter().map(String::as_str));
            let theirs = match dcm2pnm(path, &all_args) {
                Ok(pnm) => pnm,
                Err(reason) => {
                    tally.skipped.push(format!("{} {args:?}: dcmtk cannot render it ({reason})", path.display()));
                    continue;
                }
            };
            let ours = image.render(frame_index, &frame, &options);
            assert_eq!((theirs.width, theirs.height), (ours.columns as usize, ours.rows as usize));
            let difference = max_difference(&ours.rgba, &theirs);
            println!("{} frame {frame_index} {args:?}: max difference {difference}", path.display());
            assert!(
                difference <= 1,
                "{} frame {frame_index} {args:?}: differs from dcm2pnm by {difference}",
                path.display()
            );
            tally.comparisons += 1;
            compared_any = true;
        }
    }
    if compared_any {
        tally.files += 1;
    }
}

#[test]
fn display_matches_dcm2pnm() {
    assert!(have_dcmtk(), "dcmtk (dcm2pnm) is not installed: run scripts/setup.sh");
    let mut tally = Tally { files: 0, comparisons: 0, skipped: Vec::new() };
    let references = files_in(&corpus().join("wg04/REF"));
    for path in &references {
        compare_file(path, &mut tally);
    }
    assert_eq!(tally.files, references.len(), "every WG04 reference must be compared");
    for path in files_below(&corpus().join("dcmqi")) {
        if path.extension().is_some_and(|e| e == "txt") {
            continue;
        }
        compare_file(&path, &mut tally);
    }
    for line in &tally.skipped {
        println!("skipped: {line}");
    }
    println!("compared {} files, {} renderings", tally.files, tally.comparisons);
    assert!(tally.files >= references.len() + 10, "too few dcmqi files compared: {}", tally.files);
}
