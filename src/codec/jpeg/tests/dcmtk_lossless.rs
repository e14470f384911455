//! Lossless streams made by dcmcjpeg with every predictor (selection values 1–7) and with a
//! point transform, from grey references of 16, 12 and 10 bits and the 8-bit RGB ultrasound
//! (three interleaved components). All must decode exactly (to the reference, and to dcmdjpeg).

use super::support::{bits_stored, corpus_path, native_samples, run, samples_u16, tool, Scratch};
use crate::codec::jpeg::decode;
use crate::codec::test_support::first_frame;

const REFERENCES: [&str; 4] = ["CT1", "MR2", "XA1", "US1"];

fn encode(
    scratch: &Scratch,
    dcmcjpeg: &std::path::Path,
    reference: &str,
    options: &[&str],
    name: &str,
) -> Option<Vec<u8>> {
    let reference_path = corpus_path("REF", &format!("{reference}_UNC"));
    if !reference_path.is_file() {
        return None;
    }
    let encoded = scratch.path(name);
    let mut arguments = options.to_vec();
    arguments.push(reference_path.to_str().unwrap());
    arguments.push(encoded.to_str().unwrap());
    run(dcmcjpeg, &arguments);
    Some(std::fs::read(&encoded).unwrap())
}

#[test]
fn every_predictor_is_exact() {
    let Some(dcmcjpeg) = tool("dcmcjpeg") else {
        return;
    };
    let scratch = Scratch::new("lossless-sv-");
    let mut exact = 0;
    for reference in REFERENCES {
        let Ok(reference_file) = std::fs::read(corpus_path("REF", &format!("{reference}_UNC"))) else {
            continue;
        };
        let bits = bits_stored(&reference_file);
        let mask = if bits >= 16 { u16::MAX } else { (1u16 << bits) - 1 };
        let expected: Vec<u16> = native_samples(&reference_file).iter().map(|&s| s & mask).collect();
        for selection in 1..=7 {
            let selection_text = selection.to_string();
            let name = format!("lossless-{reference}-sv{selection}.dcm");
            let Some(file) = encode(&scratch, &dcmcjpeg, reference, &["+el", "+sv", &selection_text], &name) else {
                continue;
            };
            let stream = first_frame(&file);
            let image = decode(&stream).unwrap_or_else(|error| panic!("{reference} SV{selection}: {error}"));
            let decoded: Vec<u16> = samples_u16(&image).iter().map(|&s| s & mask).collect();
            let mismatches = decoded.iter().zip(&expected).filter(|(a, b)| a != b).count();
            assert_eq!(decoded.len(), expected.len(), "{reference} SV{selection}: sample count");
            assert_eq!(mismatches, 0, "{reference} SV{selection}: {mismatches} samples differ");
            // The jpeg-decoder crate as a second opinion (it handles 8- and 16-bit lossless).
            let crate_note = match jpeg_decoder::Decoder::new(stream.as_slice()).decode() {
                Ok(pixels) => {
                    let theirs: Vec<u16> = if image.precision <= 8 {
                        pixels.into_iter().map(u16::from).collect()
                    } else {
                        pixels.chunks_exact(2).map(|c| u16::from_ne_bytes([c[0], c[1]])).collect()
                    };
                    let differ = theirs.iter().zip(samples_u16(&image)).filter(|(a, b)| **a != *b).count();
                    format!("jpeg-decoder differs in {differ} samples")
                }
                Err(error) => format!("jpeg-decoder failed: {error}"),
            };
            println!(
                "{reference} SV{selection}: {}x{}x{} P={} exact ({crate_note})",
                image.width, image.height, image.components, image.precision
            );
            exact += 1;
        }
    }
    assert_eq!(exact, REFERENCES.len() * 7, "not every reference/predictor pair was tested");
}

#[test]
fn point_transform_matches_dcmdjpeg_and_reference() {
    let (Some(dcmcjpeg), Some(dcmdjpeg)) = (tool("dcmcjpeg"), tool("dcmdjpeg")) else {
        return;
    };
    let scratch = Scratch::new("lossless-pt-");
    let mut tested = 0;
    for (reference, selection, point_transform) in [("MR2", "4", "2"), ("XA1", "6", "3"), ("US1", "7", "1")] {
        let name = format!("lossless-{reference}-sv{selection}-pt{point_transform}.dcm");
        let Some(file) =
            encode(&scratch, &dcmcjpeg, reference, &["+el", "+sv", selection, "+pt", point_transform], &name)
        else {
            continue;
        };
        let stream = first_frame(&file);
        let image = decode(&stream).unwrap_or_else(|error| panic!("{name}: {error}"));
        let ours = samples_u16(&image);

        let oracle_path = scratch.path(&format!("{name}.dcmdjpeg"));
        let encoded_path = scratch.path(&name);
        run(&dcmdjpeg, &[encoded_path.to_str().unwrap(), oracle_path.to_str().unwrap()]);
        let oracle = native_samples(&std::fs::read(&oracle_path).unwrap());
        assert_eq!(ours, oracle[..ours.len()], "{name}: differs from dcmdjpeg");

        let reference_file = std::fs::read(corpus_path("REF", &format!("{reference}_UNC"))).unwrap();
        let shift: u32 = point_transform.parse().unwrap();
        let expected: Vec<u16> = native_samples(&reference_file).iter().map(|&s| (s >> shift) << shift).collect();
        assert_eq!(ours, expected[..ours.len()], "{name}: not the reference with its low bits cleared");
        println!("{name}: P={} Pt={point_transform} exact (dcmdjpeg and reference)", image.precision);
        tested += 1;
    }
    assert_eq!(tested, 3);
}
