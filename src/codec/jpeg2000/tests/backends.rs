//! Which decoder takes which stream, and that the choice never changes a sample: HTJ2K streams
//! made at test time by Grok's `grk_compress` from the REF images (HT code-blocks, no
//! component transform) go to openjph-core and equal REF (lossless) or come at least as close
//! to REF as openjpeg's decoding of the same stream (irreversible); colour streams with the
//! RCT/ICT, J2K (Part 1) streams and HT streams without EOC stay with openjpeg. Skipped with a
//! note when `grk_compress` is not installed.

use super::htj2k_grok::{encode, encoder_available, write_raw, TempDir};
use super::reference::{psnr, Reference, REF_IDS};
use crate::codec::jpeg2000::{decode_with_backend, header, openjpeg, samples, Backend};
use crate::codec::test_support::{first_frame, wg04};

#[test]
fn j2k_part1_streams_stay_with_openjpeg() {
    let mut tested = 0;
    for (set, id) in [("J2KR", "CT1"), ("J2KR", "US1"), ("J2KI", "MR1"), ("J2KI", "VL1")] {
        let Some(file) = wg04(set, &format!("{id}_{set}")) else { continue };
        let (_, backend) = decode_with_backend(&first_frame(&file)).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(backend, Backend::OpenJpeg, "{set} {id}");
        tested += 1;
    }
    assert!(tested >= 4, "only {tested} WG04 files found");
}

#[test]
fn ht_streams_go_to_openjph_and_keep_every_sample() {
    if !encoder_available() {
        println!("NOTE: grk_compress not installed (apt-get install grokj2k-tools); test skipped");
        return;
    }
    let dir = TempDir::new("jpeg2000-backends");
    let (mut exact, mut lossy, mut transformed) = (0, 0, 0);
    for id in REF_IDS {
        let Some(reference_file) = wg04("REF", &format!("{id}_UNC")) else { continue };
        let reference = Reference::from_file(&reference_file);
        let raw = dir.path().join(format!("{id}.rawl"));
        write_raw(&reference, &raw);
        let colour = reference.components == 3;
        let mut variants: Vec<(&str, Vec<&str>)> = vec![
            ("lossless", vec!["-Y", "0"]),
            ("RPCL", vec!["-p", "RPCL", "-Y", "0"]),
            ("irreversible", vec!["-I", "-Y", "0"]),
        ];
        if colour {
            variants.push(("RCT", vec!["-Y", "1"]));
        }
        for (label, options) in variants {
            let out = dir.path().join(format!("{id}-{label}.j2k"));
            let codestream = encode(&reference, &raw, &out, &options);
            let (image, backend) = decode_with_backend(&codestream).unwrap_or_else(|e| panic!("{id} {label}: {e}"));
            reference.assert_geometry(&image, id);
            let decoded = reference.normalise(&image);
            if label == "RCT" {
                // openjph-core 0.1 does not undo the component transform: openjpeg does.
                assert_eq!(backend, Backend::OpenJpeg, "{id} {label}");
                assert_eq!(decoded, reference.values, "{id} {label}");
                transformed += 1;
                continue;
            }
            assert_eq!(backend, Backend::OpenJph, "{id} {label}");
            if label == "irreversible" {
                // The same stream through openjpeg, as before openjph-core took HT streams.
                let main_header = header::read_main_header(&codestream).expect("main header");
                let by_openjpeg = openjpeg::decode_image(&codestream).expect("openjpeg decode");
                let by_openjpeg = samples::interleaved(&by_openjpeg, &main_header).expect("openjpeg samples");
                let openjpeg_image = crate::codec::DecodedImage { samples: by_openjpeg, ..image.clone() };
                let ours = psnr(&reference.values, &decoded, reference.bits_stored);
                let before = psnr(&reference.values, &reference.normalise(&openjpeg_image), reference.bits_stored);
                let max_error = reference.values.iter().zip(&decoded).map(|(a, b)| (a - b).abs()).max().unwrap_or(0);
                println!("{id} irreversible: PSNR {ours:.2} dB (openjpeg {before:.2} dB), max abs error {max_error}");
                assert!(
                    ours >= before - 0.01,
                    "{id}: openjph-core {ours:.2} dB is further from REF than openjpeg {before:.2} dB"
                );
                lossy += 1;
            } else {
                let mismatches = decoded.iter().zip(&reference.values).filter(|(a, b)| a != b).count();
                assert_eq!(mismatches, 0, "{id} {label}: openjph-core differs from REF");
                exact += 1;
            }
        }
    }
    println!("{exact} lossless HT streams exact, {lossy} irreversible, {transformed} with RCT left to openjpeg");
    assert!(exact >= 32 && lossy >= 16 && transformed >= 5, "too few streams: {exact} {lossy} {transformed}");
}

#[test]
fn ht_stream_without_eoc_is_reported_truncated_by_openjpeg() {
    if !encoder_available() {
        println!("NOTE: grk_compress not installed; test skipped");
        return;
    }
    let dir = TempDir::new("jpeg2000-backends-cut");
    let reference_file = wg04("REF", "CT1_UNC").expect("wg04/REF/CT1_UNC");
    let reference = Reference::from_file(&reference_file);
    let raw = dir.path().join("CT1.rawl");
    write_raw(&reference, &raw);
    let codestream = encode(&reference, &raw, &dir.path().join("CT1.j2k"), &["-Y", "0"]);
    let cut = &codestream[..codestream.len() * 2 / 3];
    let error = decode_with_backend(cut).expect_err("a stream cut at two thirds must not decode");
    assert!(matches!(error, crate::codec::CodecError::Truncated { .. }), "{error}");
}
