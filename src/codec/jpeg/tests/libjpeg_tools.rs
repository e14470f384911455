//! Streams made by libjpeg-turbo's `cjpeg` with what dcmcjpeg cannot produce: restart
//! intervals (whole MCU rows and odd MCU counts), one scan per component, 4:1:1 and 1×2
//! sampling, tiny and odd image sizes, and progressive/arithmetic streams that must be
//! refused. `djpeg` (same library, islow IDCT) is the oracle. Skipped when the tools are absent.

use std::path::Path;

use super::support::{corpus_path, max_difference, native_samples, run, samples_u16, tool, Scratch};
use crate::codec::jpeg::decode;
use crate::codec::CodecError;

/// Writes a binary PNM (P5 grey or P6 RGB).
fn write_pnm(path: &Path, width: usize, height: usize, components: usize, samples: &[u8]) {
    let magic = if components == 1 { "P5" } else { "P6" };
    let mut bytes = format!("{magic}\n{width} {height}\n255\n").into_bytes();
    bytes.extend_from_slice(samples);
    std::fs::write(path, bytes).unwrap();
}

/// Reads the samples of a binary 8-bit PNM written by djpeg.
fn read_pnm(path: &Path) -> Vec<u16> {
    let bytes = std::fs::read(path).unwrap();
    let mut fields = 0;
    let mut index = 0;
    while fields < 4 {
        while bytes[index].is_ascii_whitespace() {
            index += 1;
        }
        while !bytes[index].is_ascii_whitespace() {
            index += 1;
        }
        fields += 1;
    }
    bytes[index + 1..].iter().map(|&b| u16::from(b)).collect()
}

/// VL1 (756×486 RGB), cropped to `width`×`height` from the top left.
fn vl1_crop(width: usize, height: usize) -> Option<Vec<u8>> {
    let file = std::fs::read(corpus_path("REF", "VL1_UNC")).ok()?;
    let samples = native_samples(&file);
    let full_width = 756;
    let mut crop = Vec::with_capacity(width * height * 3);
    for y in 0..height {
        crop.extend(samples[y * full_width * 3..(y * full_width + width) * 3].iter().map(|&s| s as u8));
    }
    Some(crop)
}

struct Case {
    label: &'static str,
    size: (usize, usize),
    grey: bool,
    cjpeg: &'static [&'static str],
    djpeg: &'static [&'static str],
    /// Scan script written to a file and passed with `-scans`.
    scans: Option<&'static str>,
}

const CASES: [Case; 11] = [
    Case {
        label: "4:2:0 restart every MCU row",
        size: (756, 486),
        grey: false,
        cjpeg: &["-sample", "2x2", "-restart", "1"],
        djpeg: &[],
        scans: None,
    },
    Case {
        label: "4:2:2 restart every 5 MCUs",
        size: (756, 486),
        grey: false,
        cjpeg: &["-sample", "2x1", "-restart", "5B"],
        djpeg: &[],
        scans: None,
    },
    Case {
        label: "4:4:4 one scan per comp",
        size: (756, 486),
        grey: false,
        cjpeg: &["-sample", "1x1"],
        djpeg: &[],
        scans: Some("0;\n1;\n2;\n"),
    },
    Case {
        label: "4:2:0 one scan per comp",
        size: (757, 485),
        grey: false,
        cjpeg: &["-sample", "2x2", "-restart", "3B"],
        djpeg: &[],
        scans: Some("0;\n1;\n2;\n"),
    },
    Case {
        label: "4:2:2 Y alone, CbCr",
        size: (300, 200),
        grey: false,
        cjpeg: &["-sample", "2x1"],
        djpeg: &[],
        scans: Some("0;\n1 2;\n"),
    },
    Case { label: "4:1:1 (4x1)", size: (756, 486), grey: false, cjpeg: &["-sample", "4x1"], djpeg: &[], scans: None },
    Case {
        label: "4:4:0 (1x2) replicated",
        size: (756, 486),
        grey: false,
        cjpeg: &["-sample", "1x2"],
        djpeg: &["-nosmooth"],
        scans: None,
    },
    Case {
        label: "4:2:0 tiny 37x23",
        size: (37, 23),
        grey: false,
        cjpeg: &["-sample", "2x2"],
        djpeg: &[],
        scans: None,
    },
    Case {
        label: "4:2:0 3x3 (no filter)",
        size: (3, 3),
        grey: false,
        cjpeg: &["-sample", "2x2"],
        djpeg: &[],
        scans: None,
    },
    Case {
        label: "grey restart 2 blocks",
        size: (101, 67),
        grey: true,
        cjpeg: &["-grayscale", "-restart", "2B"],
        djpeg: &[],
        scans: None,
    },
    Case { label: "grey 1x1 image", size: (1, 1), grey: true, cjpeg: &["-grayscale"], djpeg: &[], scans: None },
];

#[test]
fn cjpeg_streams_match_djpeg() {
    let (Some(cjpeg), Some(djpeg)) = (tool("cjpeg"), tool("djpeg")) else {
        return;
    };
    let scratch = Scratch::new("tools-");
    let mut compared = 0;
    for (index, case) in CASES.iter().enumerate() {
        let (width, height) = case.size;
        let Some(rgb) = vl1_crop(width, height) else {
            continue;
        };
        let input = scratch.path(&format!("{index}.ppm"));
        write_pnm(&input, width, height, 3, &rgb);
        let encoded = scratch.path(&format!("{index}.jpg"));
        let scans = scratch.path(&format!("{index}.scans"));
        let mut arguments: Vec<String> = case.cjpeg.iter().map(|s| s.to_string()).collect();
        if let Some(script) = case.scans {
            std::fs::write(&scans, script).unwrap();
            arguments.extend(["-scans".to_string(), scans.to_str().unwrap().to_string()]);
        }
        arguments.extend([
            "-outfile".to_string(),
            encoded.to_str().unwrap().to_string(),
            input.to_str().unwrap().to_string(),
        ]);
        run(&cjpeg, &arguments.iter().map(String::as_str).collect::<Vec<_>>());
        let oracle_path = scratch.path(&format!("{index}.pnm"));
        let mut djpeg_arguments: Vec<&str> = case.djpeg.to_vec();
        djpeg_arguments.extend(["-pnm", "-outfile", oracle_path.to_str().unwrap(), encoded.to_str().unwrap()]);
        run(&djpeg, &djpeg_arguments);

        let stream = std::fs::read(&encoded).unwrap();
        let image = decode(&stream).unwrap_or_else(|error| panic!("{}: {error}", case.label));
        assert_eq!((image.width as usize, image.height as usize), case.size, "{}", case.label);
        assert_eq!(image.components, if case.grey { 1 } else { 3 }, "{}", case.label);
        assert_eq!(image.colour_transformed, !case.grey, "{}", case.label);
        let (max, count) = max_difference(&samples_u16(&image), &read_pnm(&oracle_path));
        println!("{:<30} {width}x{height}: max difference to djpeg {max} ({count} samples)", case.label);
        assert_eq!(max, 0, "{}: differs from djpeg", case.label);
        compared += 1;
    }
    assert_eq!(compared, CASES.len(), "VL1 reference missing");
}

#[test]
fn progressive_and_arithmetic_are_refused() {
    let Some(cjpeg) = tool("cjpeg") else { return };
    let Some(rgb) = vl1_crop(64, 48) else { return };
    let scratch = Scratch::new("refused-");
    let input = scratch.path("input.ppm");
    write_pnm(&input, 64, 48, 3, &rgb);
    for (label, option) in [("progressive", "-progressive"), ("arithmetic", "-arithmetic")] {
        let encoded = scratch.path(&format!("{label}.jpg"));
        run(&cjpeg, &[option, "-outfile", encoded.to_str().unwrap(), input.to_str().unwrap()]);
        let result = decode(&std::fs::read(&encoded).unwrap());
        println!("{label}: {result:?}");
        assert!(matches!(result, Err(CodecError::Unsupported { .. })), "{label}: {result:?}");
    }
}
