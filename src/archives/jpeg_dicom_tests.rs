//! JPEG streams made at test time by libjpeg-turbo's `cjpeg` from a generated picture, wrapped,
//! then decoded by the viewer and compared with `djpeg` (the same library's decoder) and with
//! dcmtk's `dcmj2pnm` reading the DICOM file; `dcmdump` must parse the file. The tools are
//! required: a missing tool fails the test.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::*;
use crate::pipeline::PixelValues;

struct Scratch(PathBuf);

impl Scratch {
    fn new(label: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("archives-jpeg-{label}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run(program: &str, arguments: &[&str]) -> std::process::Output {
    let output = Command::new(program)
        .args(arguments)
        .output()
        .unwrap_or_else(|error| panic!("{program} is needed for this test (libjpeg-turbo-progs / dcmtk): {error}"));
    assert!(output.status.success(), "{program} {arguments:?}: {}", String::from_utf8_lossy(&output.stderr));
    output
}

/// A picture with gradients, edges and saturated colours, odd-sized so MCUs are partial.
fn picture(width: usize, height: usize) -> Vec<u8> {
    let mut rgb = Vec::with_capacity(width * height * 3);
    for y in 0..height {
        for x in 0..width {
            let edge = if (x / 9 + y / 7) % 2 == 0 { 40 } else { 0 };
            rgb.extend([(x * 255 / width) as u8, (y * 255 / height) as u8, (((x + y) * 3) % 216) as u8 + edge]);
        }
    }
    rgb
}

/// The samples of a binary PNM (P5/P6, maxval 255, `#` comments allowed) and its size.
fn read_pnm(path: &Path) -> (usize, usize, Vec<u8>) {
    let bytes = std::fs::read(path).unwrap();
    let mut fields = Vec::new();
    let mut index = 0;
    while fields.len() < 4 {
        match bytes[index] {
            b'#' => index += bytes[index..].iter().position(|&b| b == b'\n').unwrap(),
            byte if byte.is_ascii_whitespace() => index += 1,
            _ => {
                let length = bytes[index..].iter().position(u8::is_ascii_whitespace).unwrap();
                fields.push(String::from_utf8_lossy(&bytes[index..index + length]).into_owned());
                index += length;
            }
        }
    }
    (fields[1].parse().unwrap(), fields[2].parse().unwrap(), bytes[index + 1..].to_vec())
}

fn max_difference(a: &[u8], b: &[u8]) -> u8 {
    assert_eq!(a.len(), b.len(), "sample counts differ");
    a.iter().zip(b).map(|(x, y)| x.abs_diff(*y)).max().unwrap_or(0)
}

fn info() -> PhotoInfo {
    PhotoInfo {
        uid_seed: "ISIC_0000001".into(),
        patient_id: "ISIC_0000001".into(),
        patient_name: "ISIC^0000001".into(),
        patient_sex: "female".into(),
        study_description: "ISIC Archive: Melanoma Invasive".into(),
        series_description: "dermoscopic".into(),
        body_part: "head/neck".into(),
        content_date: "20240131".into(),
        ..PhotoInfo::default()
    }
}

/// Encodes with `cjpeg options`, wraps, and checks the viewer's and dcmtk's decodings against djpeg.
fn wrap_and_compare(label: &str, options: &[&str], expected_photometric: &str) {
    let scratch = Scratch::new(label);
    let (width, height) = (67, 45);
    let mut ppm = format!("P6\n{width} {height}\n255\n").into_bytes();
    ppm.extend(picture(width, height));
    let ppm_path = scratch.path("in.ppm");
    std::fs::write(&ppm_path, ppm).unwrap();
    let jpeg_path = scratch.path("photo.jpg");
    let mut arguments = options.to_vec();
    arguments.extend(["-outfile", jpeg_path.to_str().unwrap(), ppm_path.to_str().unwrap()]);
    run("cjpeg", &arguments);
    let jpeg = std::fs::read(&jpeg_path).unwrap();
    let djpeg = run("djpeg", &["-pnm", jpeg_path.to_str().unwrap()]).stdout;
    std::fs::write(scratch.path("djpeg.pnm"), djpeg).unwrap();
    let (expected_width, expected_height, expected) = read_pnm(&scratch.path("djpeg.pnm"));

    let file = jpeg_as_dicom(&jpeg, &info()).unwrap();
    assert_eq!(file.len() % 2, 0, "{label}: Part 10 files have even length");
    assert!(file.windows(jpeg.len()).any(|window| window == jpeg), "{label}: the stream is stored unchanged");
    let (_, frame) = crate::api::decode_frame(&file, 0).unwrap();
    assert_eq!((frame.columns as usize, frame.rows as usize), (expected_width, expected_height), "{label}");
    let PixelValues::U8(samples) = &frame.pixels else { panic!("{label}: 8-bit samples expected") };
    let difference = max_difference(samples, &expected);
    assert!(difference <= 1, "{label}: the viewer differs from djpeg by {difference}");

    let dicom_path = scratch.path("photo.dcm");
    std::fs::write(&dicom_path, &file).unwrap();
    let dumped = run("dcmdump", &["+L", dicom_path.to_str().unwrap()]);
    assert!(dumped.stderr.is_empty(), "{label}: dcmdump complains: {}", String::from_utf8_lossy(&dumped.stderr));
    let dump = String::from_utf8_lossy(&dumped.stdout).into_owned();
    for expected_line in [
        "(0002,0002) UI =VLPhotographicImageStorage",
        "(0002,0010) UI =JPEGBaseline",
        &format!("(0028,0004) CS [{expected_photometric}]"),
        "(0028,2110) CS [01]",
        "(0018,0015) CS [HEAD NECK]",
        "(0010,0040) CS [F]",
        "(0040,0555) SQ (Sequence with explicit length #=0)",
    ] {
        assert!(dump.contains(expected_line), "{label}: dcmdump lacks {expected_line}:\n{dump}");
    }
    let dcmtk_pnm = scratch.path("dcmtk.pnm");
    run("dcmj2pnm", &["+op", dicom_path.to_str().unwrap(), dcmtk_pnm.to_str().unwrap()]);
    let (_, _, dcmtk) = read_pnm(&dcmtk_pnm);
    let difference = max_difference(&dcmtk, &expected);
    assert!(difference <= 1, "{label}: dcmtk's decoding of the wrapped file differs from djpeg by {difference}");
}

#[test]
fn subsampled_ycbcr_photo() {
    wrap_and_compare("420", &["-quality", "90"], "YBR_FULL_422");
}

#[test]
fn full_resolution_ycbcr_photo() {
    wrap_and_compare("444", &["-quality", "90", "-sample", "1x1"], "YBR_FULL");
}

#[test]
fn rgb_photo_with_adobe_marker() {
    wrap_and_compare("rgb", &["-quality", "90", "-rgb"], "RGB");
}

#[test]
fn greyscale_photo() {
    wrap_and_compare("grey", &["-quality", "90", "-grayscale"], "MONOCHROME2");
}

#[test]
fn progressive_and_damaged_photos_are_refused() {
    let scratch = Scratch::new("refused");
    let mut ppm = b"P6\n16 16\n255\n".to_vec();
    ppm.extend(picture(16, 16));
    std::fs::write(scratch.path("in.ppm"), ppm).unwrap();
    let progressive = run("cjpeg", &["-progressive", scratch.path("in.ppm").to_str().unwrap()]).stdout;
    assert_eq!(jpeg_as_dicom(&progressive, &info()), Err(JpegDicomError::Progressive));
    let arithmetic = run("cjpeg", &["-arithmetic", scratch.path("in.ppm").to_str().unwrap()]).stdout;
    assert_eq!(jpeg_as_dicom(&arithmetic, &info()), Err(JpegDicomError::UnsupportedProcess(0xC9)));
    let baseline = run("cjpeg", &[scratch.path("in.ppm").to_str().unwrap()]).stdout;
    assert!(matches!(
        jpeg_as_dicom(&baseline[..baseline.len().min(30)], &info()),
        Err(JpegDicomError::Malformed { .. })
    ));
    assert_eq!(jpeg_as_dicom(b"GIF89a", &info()), Err(JpegDicomError::NotJpeg));
    let given = PhotoInfo { study_uid: Some("1.2.3".into()), series_uid: Some("bad uid".into()), ..info() };
    assert_eq!(jpeg_as_dicom(&baseline, &given), Err(JpegDicomError::InvalidUid("bad uid".into())));
}

#[test]
fn uids_are_deterministic_distinct_and_valid() {
    let study = derived_uid("ISIC_0000001", "study");
    assert_eq!(study, derived_uid("ISIC_0000001", "study"));
    assert_ne!(study, derived_uid("ISIC_0000001", "series"));
    assert_ne!(study, derived_uid("ISIC_0000002", "study"));
    for uid in [study, derived_uid("", ""), derived_uid("ISIC_9999999", "instance")] {
        assert!(uid.starts_with("2.25.") && is_valid_uid(&uid), "{uid}");
        assert!(!uid["2.25.".len()..].starts_with('0'), "{uid}: no leading zero (PS3.5 9.1)");
    }
    assert_eq!(code_string(" posterior torso "), "POSTERIOR TORSO");
    assert_eq!(code_string("lower extremity/left"), "LOWER EXTREMITY");
    assert_eq!(clipped("é", 1), "");
}

#[test]
fn isic_images_describe_their_photo() {
    let image = crate::archives::isic::IsicImage {
        isic_id: "ISIC_0024306".into(),
        copyright_license: "CC-BY-NC".into(),
        attribution: "ViDIR Group".into(),
        diagnosis: vec!["Benign".into(), "Benign melanocytic proliferations".into(), "Nevus".into()],
        anatomic_site: "lower extremity".into(),
        sex: "male".into(),
        ..Default::default()
    };
    let info = PhotoInfo::from_isic(&image);
    assert_eq!((info.uid_seed.as_str(), info.patient_id.as_str()), ("ISIC_0024306", "ISIC_0024306"));
    assert_eq!(info.study_description, "ISIC Archive: Nevus");
    assert_eq!(info.series_description, "CC-BY-NC ViDIR Group");
    assert_eq!((info.body_part.as_str(), info.patient_sex.as_str(), info.study_uid), ("lower extremity", "male", None));
    let bare = PhotoInfo::from_isic(&crate::archives::isic::IsicImage {
        isic_id: "ISIC_0000000".into(),
        ..Default::default()
    });
    assert_eq!((bare.study_description.as_str(), bare.series_description.as_str()), ("ISIC Archive", ""));
}
