//! 8-bit baseline (and 12-bit extended) streams made by dcmcjpeg from WG04 references:
//! grey, RGB, YCbCr 4:4:4 / 4:2:2 / 4:2:0, several qualities, 12-bit grey and colour. Each is
//! decoded by this decoder and by dcmdjpeg (IJG), which must agree to the sample; the
//! `jpeg-decoder` crate and the reference give further, looser comparisons (printed).

use super::support::{
    corpus_path, max_difference, native_samples, psnr, run, samples_u16, tool, us_attribute, Scratch,
};
use crate::codec::jpeg::decode;
use crate::codec::test_support::first_frame;

/// One dcmcjpeg encoding of a WG04 reference.
struct Variant {
    label: &'static str,
    reference: &'static str,
    options: &'static [&'static str],
    /// dcmdjpeg options (`+cn` keeps YCbCr, as this decoder does for 12-bit colour).
    decode_options: &'static [&'static str],
    /// Expected (precision, components, colour_transformed).
    expected: (u8, u16, bool),
}

const VARIANTS: [Variant; 12] = [
    Variant {
        label: "US1 YBR 4:2:2",
        reference: "US1",
        options: &["+eb"],
        decode_options: &[],
        expected: (8, 3, true),
    },
    Variant {
        label: "VL1 YBR 4:2:2",
        reference: "VL1",
        options: &["+eb", "+q", "75"],
        decode_options: &[],
        expected: (8, 3, true),
    },
    Variant {
        label: "VL1 YBR 4:4:4",
        reference: "VL1",
        options: &["+eb", "+s4"],
        decode_options: &[],
        expected: (8, 3, true),
    },
    Variant {
        label: "VL1 YBR 4:2:2 full",
        reference: "VL1",
        options: &["+eb", "+n2"],
        decode_options: &[],
        expected: (8, 3, true),
    },
    Variant {
        label: "VL1 YBR 4:2:0 (+n1)",
        reference: "VL1",
        options: &["+eb", "+n1"],
        decode_options: &[],
        expected: (8, 3, true),
    },
    Variant {
        label: "VL1 RGB (Adobe)",
        reference: "VL1",
        options: &["+eb", "+cr"],
        decode_options: &[],
        // Not converted, but flagged: the Adobe marker declares the samples RGB.
        expected: (8, 3, true),
    },
    Variant {
        label: "VL1 grey",
        reference: "VL1",
        options: &["+eb", "+cm"],
        decode_options: &[],
        expected: (8, 1, false),
    },
    Variant {
        label: "CT1 grey 8-bit",
        reference: "CT1",
        options: &["+eb"],
        decode_options: &[],
        expected: (8, 1, false),
    },
    Variant {
        label: "CT1 grey 12-bit",
        reference: "CT1",
        options: &["+ee"],
        decode_options: &[],
        expected: (12, 1, false),
    },
    Variant {
        label: "VL1 YBR 4:2:2 q30",
        reference: "VL1",
        options: &["+eb", "+q", "30"],
        decode_options: &[],
        expected: (8, 3, true),
    },
    Variant {
        label: "CT1 grey 8-bit +sr",
        reference: "CT1",
        options: &["+eb", "+sr"],
        decode_options: &[],
        expected: (8, 1, false),
    },
    Variant {
        label: "US1 12-bit YBR 4:2:2",
        reference: "US1",
        options: &["+ee", "+bt"],
        decode_options: &["+cn"],
        expected: (12, 3, false),
    },
];

/// Interleaves colour-by-plane samples (Planar Configuration 1).
fn interleave_planes(samples: &[u16], components: usize) -> Vec<u16> {
    let plane = samples.len() / components;
    (0..samples.len()).map(|i| samples[(i % components) * plane + i / components]).collect()
}

/// What the jpeg-decoder crate makes of an 8-bit stream (widened to u16).
fn jpeg_decoder_crate(stream: &[u8]) -> Option<Vec<u16>> {
    let mut decoder = jpeg_decoder::Decoder::new(stream);
    let pixels = decoder.decode().ok()?;
    Some(pixels.into_iter().map(u16::from).collect())
}

#[test]
fn dcmcjpeg_baseline_streams_match_dcmdjpeg() {
    let (Some(dcmcjpeg), Some(dcmdjpeg)) = (tool("dcmcjpeg"), tool("dcmdjpeg")) else {
        return;
    };
    let scratch = Scratch::new("baseline-");
    let mut compared = 0;
    println!("{:<22} {:>9} {:>12} {:>14} {:>10}", "variant", "vs REF dB", "vs dcmdjpeg", "vs jpeg-decoder", "jd PSNR");
    for (index, variant) in VARIANTS.iter().enumerate() {
        let reference_path = corpus_path("REF", &format!("{}_UNC", variant.reference));
        let Ok(reference_file) = std::fs::read(&reference_path) else {
            continue;
        };
        let encoded = scratch.path(&format!("{index}.dcm"));
        let decoded_by_dcmtk = scratch.path(&format!("{index}-dcmdjpeg.dcm"));
        let mut arguments: Vec<&str> = variant.options.to_vec();
        arguments.push(reference_path.to_str().unwrap());
        arguments.push(encoded.to_str().unwrap());
        run(&dcmcjpeg, &arguments);
        let mut decode_arguments = variant.decode_options.to_vec();
        decode_arguments.extend([encoded.to_str().unwrap(), decoded_by_dcmtk.to_str().unwrap()]);
        run(&dcmdjpeg, &decode_arguments);

        let stream = first_frame(&std::fs::read(&encoded).unwrap());
        let image = decode(&stream).unwrap_or_else(|error| panic!("{}: {error}", variant.label));
        assert_eq!(
            (image.precision, image.components, image.colour_transformed),
            variant.expected,
            "{}: precision, components, colour_transformed",
            variant.label
        );
        let ours = samples_u16(&image);

        let oracle_file = std::fs::read(&decoded_by_dcmtk).unwrap();
        let mut oracle = native_samples(&oracle_file);
        if us_attribute(&oracle_file, 0x0006) == Some(1) {
            oracle = interleave_planes(&oracle, usize::from(image.components));
        }
        let (oracle_max, oracle_count) = max_difference(&ours, &oracle);

        // Against the reference: only meaningful where the encoder kept the colour model.
        let reference_psnr = if image.components == 3 && image.precision == 8 {
            format!("{:.2}", psnr(&ours, &native_samples(&reference_file), 8))
        } else {
            "-".to_string()
        };
        let (crate_max, crate_psnr) = match (image.precision, jpeg_decoder_crate(&stream)) {
            (8, Some(theirs)) if theirs.len() == ours.len() => {
                (max_difference(&ours, &theirs).0.to_string(), format!("{:.2}", psnr(&ours, &theirs, 8)))
            }
            _ => ("-".to_string(), "-".to_string()),
        };
        println!(
            "{:<22} {:>9} {:>5} ({:>5}) {:>14} {:>10}",
            variant.label, reference_psnr, oracle_max, oracle_count, crate_max, crate_psnr
        );
        assert!(oracle_max <= 1, "{}: differs from dcmdjpeg by up to {oracle_max}", variant.label);
        compared += 1;
    }
    assert_eq!(compared, VARIANTS.len(), "some references were missing");
}
