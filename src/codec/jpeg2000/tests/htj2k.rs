//! HTJ2K (ITU-T T.814, DICOM 1.2.840.10008.1.2.4.201) lossless frames from peer-bench's
//! `synth.mjs`, which re-encodes every REF image with Cornerstone's OpenJPH WASM encoder.
//! The directory is `$HTJ2K_SYNTH_DIR` (e.g. a copy of peer-bench's `synth/SYN-HTJ2K`), else
//! `<corpus>/../tools/peer-bench/synth/SYN-HTJ2K`; absent means skipped with a note.
//!
//! Grey streams must equal REF. The colour ones do not hold the REF image as conforming
//! decoders read it: OpenJPEG (C), Grok 10 and openjp2 all decode them identically and
//! differently from REF (rows of each component hold samples of varying components), while
//! Cornerstone's own OpenJPH decoder gives REF back, so that encoder/decoder wrapper pair is
//! self-consistent but orders multi-component lines wrongly. Colour streams are therefore
//! only required to decode; `htj2k_grok` covers colour HTJ2K exactly.

use std::path::PathBuf;

use super::reference::{Reference, REF_IDS};
use crate::codec::jpeg2000::{decode, header};
use crate::codec::test_support::{corpus_dir, first_frame, wg04};

fn synth_dir() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("HTJ2K_SYNTH_DIR").map(PathBuf::from),
        Some(corpus_dir().join("../tools/peer-bench/synth/SYN-HTJ2K")),
        Some(PathBuf::from("/work/scratch/j2k/peer-bench/synth/SYN-HTJ2K")),
    ];
    candidates.into_iter().flatten().find(|dir| dir.is_dir())
}

#[test]
fn htj2k_lossless_matches_reference_exactly() {
    let Some(dir) = synth_dir() else {
        println!("NOTE: no SYN-HTJ2K directory (run peer-bench synth.mjs); HTJ2K test skipped");
        return;
    };
    let mut tested = 0;
    for id in REF_IDS {
        let (Ok(file), Some(reference_file)) =
            (std::fs::read(dir.join(format!("{id}_HTJ2K"))), wg04("REF", &format!("{id}_UNC")))
        else {
            println!("{id}: HTJ2K or REF file absent, skipped");
            continue;
        };
        let codestream = first_frame(&file);
        let main_header = header::read_main_header(&codestream).expect("HTJ2K main header");
        assert!(main_header.high_throughput, "{id}: Rsiz does not announce HT block coding");
        let reference = Reference::from_file(&reference_file);
        let image = decode(&codestream).unwrap_or_else(|e| panic!("{id}: {e}"));
        reference.assert_geometry(&image, id);
        if image.components == 3 {
            println!("{id}: colour synthetic stream decoded (not compared, see module doc)");
            continue;
        }
        let decoded = reference.normalise(&image);
        let mismatches = decoded.iter().zip(&reference.values).filter(|(a, b)| a != b).count();
        println!(
            "{id}: {}x{}x{} precision {} colour_transformed {}: {mismatches} mismatches",
            image.width, image.height, image.components, image.precision, image.colour_transformed
        );
        assert_eq!(mismatches, 0, "{id}: HTJ2K decode differs from REF");
        tested += 1;
    }
    assert!(tested >= 11, "only {tested} grey HTJ2K files tested");
}
