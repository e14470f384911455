//! HTJ2K (ITU-T T.814, DICOM 1.2.840.10008.1.2.4.201) lossless frames from peer-bench's
//! `synth.mjs`, which re-encodes every REF image with Cornerstone's OpenJPH WASM encoder
//! (`@cornerstonejs/codec-openjph`, `isUsingColorTransform: false`).
//! The directory is `$HTJ2K_SYNTH_DIR` (e.g. a copy of peer-bench's `synth/SYN-HTJ2K`), else
//! `<corpus>/../tools/peer-bench/synth/SYN-HTJ2K`; when neither exists and `$PEER_BENCH_DIR`
//! (or `<corpus>/../tools/peer-bench`) has its `node_modules`, the files are generated at test
//! time with peer-bench's own `generate()`; otherwise the test is skipped with a note.
//!
//! Grey streams must equal REF. The five colour streams (US1, VL1, VL2, VL3, VL6) do not hold
//! the REF image in the component order T.800 defines: that encoder wrapper calls
//! `codestream.set_planar(true)` (component after component) but then pushes lines row by
//! row, R, G, B, so line k = 3·y + c of the image (row y, sample c) becomes line k mod H of
//! component k div H. Cornerstone's decoder wrapper pulls lines the same wrong way round, so
//! that pair round-trips while conforming decoders (Grok, OpenJPEG, openjp2) see scrambled
//! components. Checked here: our decoding equals Grok's `grk_decompress` (run at test time)
//! sample for sample, and undoing the wrapper's line order gives REF exactly, so every coded
//! sample is decoded losslessly. A colour HTJ2K stream written in the standard order (Grok,
//! `htj2k_grok`) decodes exactly to REF; Cornerstone's decoder garbles such a stream, which is
//! why this decoder does not imitate it.

use std::path::PathBuf;

use std::process::Command;
use std::sync::OnceLock;

use super::reference::{Reference, REF_IDS};
use crate::codec::jpeg2000::{decode, header};
use crate::codec::test_support::{corpus_dir, first_frame, wg04};
use crate::codec::{DecodedImage, Samples};

fn synth_dir() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("HTJ2K_SYNTH_DIR").map(PathBuf::from),
        Some(corpus_dir().join("../tools/peer-bench/synth/SYN-HTJ2K")),
    ];
    candidates.into_iter().flatten().find(|dir| dir.is_dir()).or_else(generated_synth_dir)
}

/// Runs peer-bench's `generate(corpus, outDir)` into a scratch directory (once per process)
/// when node and peer-bench's `node_modules` are present.
fn generated_synth_dir() -> Option<PathBuf> {
    static GENERATED: OnceLock<Option<PathBuf>> = OnceLock::new();
    GENERATED
        .get_or_init(|| {
            let peer_bench = std::env::var_os("PEER_BENCH_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| corpus_dir().join("../tools/peer-bench"));
            let script = peer_bench.join("synth.mjs");
            if !script.is_file() || !peer_bench.join("node_modules").is_dir() {
                return None;
            }
            let out = std::env::temp_dir().join(format!("htj2k-synth-{}", std::process::id()));
            let program = format!(
                "const {{ generate }} = await import({:?}); await generate({:?}, {:?});",
                format!("file://{}", script.display()),
                corpus_dir().join("wg04").display().to_string(),
                out.display().to_string()
            );
            let status = Command::new("node").args(["--input-type=module", "-e", &program]).status().ok()?;
            let dir = out.join("SYN-HTJ2K");
            (status.success() && dir.is_dir()).then_some(dir)
        })
        .clone()
}

/// `grk_decompress`'s decoding of a codestream, interleaved like ours (8-bit samples only).
fn grok_decoding(codestream: &[u8], components: usize, name: &str) -> Option<Vec<u8>> {
    Command::new("grk_decompress").arg("-h").output().ok()?;
    let dir = std::env::temp_dir().join(format!("htj2k-grok-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let (input, output) = (dir.join("in.j2k"), dir.join("out.raw"));
    std::fs::write(&input, codestream).ok()?;
    let status = Command::new("grk_decompress")
        .args(["-i", input.to_str()?, "-o", output.to_str()?])
        .output()
        .map(|o| o.status.success());
    let planar = std::fs::read(&output);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(matches!(status, Ok(true)), "{name}: grk_decompress failed");
    // Grok's raw output is planar: component after component.
    let planar = planar.ok()?;
    let pixels = planar.len() / components;
    Some((0..planar.len()).map(|i| planar[(i % components) * pixels + i / components]).collect())
}

/// Undoes the line order of Cornerstone's HTJ2K encoder wrapper (module doc): image row y,
/// sample c is line k mod H of decoded component k div H, with k = 3·y + c.
fn undo_cornerstone_line_order(decoded: &[u8], width: usize, height: usize) -> Vec<u8> {
    let mut out = vec![0u8; decoded.len()];
    for y in 0..height {
        for c in 0..3 {
            let k = 3 * y + c;
            let (component, row) = (k / height, k % height);
            for x in 0..width {
                out[(y * width + x) * 3 + c] = decoded[(row * width + x) * 3 + component];
            }
        }
    }
    out
}

#[test]
fn htj2k_lossless_matches_reference_exactly() {
    let Some(dir) = synth_dir() else {
        // scripts/test.sh (and so CI) installs peer-bench's packages and sets PEER_BENCH_DIR:
        // there, a missing set is a failure, not a skip.
        assert!(
            std::env::var_os("PEER_BENCH_DIR").is_none(),
            "PEER_BENCH_DIR is set but peer-bench's synthetic HTJ2K set could not be generated"
        );
        println!("NOTE: no SYN-HTJ2K directory (run peer-bench synth.mjs); HTJ2K test skipped");
        return;
    };
    let (mut tested, mut colour) = (0, 0);
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
            check_colour_stream(id, &codestream, &image, &reference);
            colour += 1;
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
    assert_eq!(colour, 5, "the five colour files (US1, VL1, VL2, VL3, VL6) must all be checked");
    let scratch_prefix = std::env::temp_dir().join("htj2k-synth-").display().to_string();
    if let Some(generated) = dir.parent().filter(|p| p.display().to_string().starts_with(&scratch_prefix)) {
        let _ = std::fs::remove_dir_all(generated);
    }
}

/// The colour checks of the module doc for one stream.
fn check_colour_stream(id: &str, codestream: &[u8], image: &DecodedImage, reference: &Reference) {
    let Samples::U8(ours) = &image.samples else { panic!("{id}: 8-bit colour expected") };
    assert!(!image.colour_transformed, "{id}: the stream has no colour transform");
    match grok_decoding(codestream, 3, id) {
        Some(grok) => {
            let differ = ours.iter().zip(&grok).filter(|(a, b)| a != b).count();
            println!("{id}: {differ} samples differ from grk_decompress");
            assert_eq!(differ, 0, "{id}: differs from Grok's decoding of the same codestream");
        }
        None => println!("NOTE: grk_decompress not installed (grokj2k-tools); {id} not compared with Grok"),
    }
    let (width, height) = (image.width as usize, image.height as usize);
    let reordered = undo_cornerstone_line_order(ours, width, height);
    let expected: Vec<u8> = reference.values.iter().map(|&v| v as u8).collect();
    let differ = reordered.iter().zip(&expected).filter(|(a, b)| a != b).count();
    let as_coded = ours.iter().zip(&expected).filter(|(a, b)| a != b).count();
    println!("{id}: as coded {as_coded} samples differ from REF; in the encoder's line order {differ}");
    assert_eq!(differ, 0, "{id}: the coded samples are not REF's in the encoder wrapper's line order");
}
