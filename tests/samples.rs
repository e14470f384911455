//! The generated sample studies (`make-samples`): every file decodes; the CT phantom's values
//! equal the analytic ellipsoid sum computed here from the published table; dcmtk (run now)
//! reads every file without complaint, decodes our RLE to the same values and renders the same
//! images as `api::render_frame`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{dcm2pnm, have_dcmtk};
use dicom_dictionary_std::tags;
use dicom_viewer::api::{decode_frame, render_frame, RenderOptions};
use dicom_viewer::dicom::Attributes;
use dicom_viewer::pipeline::PixelValues;
use dicom_viewer::samples::{colour_chart, write_samples, SampleStudy, THUMBNAIL_MAX_PX};

/// Kak & Slaney (1988) p. 102, 3-D head phantom: a, b, c, x0, y0, z0, φ (degrees), A.
const TABLE: [[f64; 8]; 10] = [
    [0.69, 0.92, 0.9, 0.0, 0.0, 0.0, 0.0, 2.0],
    [0.6624, 0.874, 0.88, 0.0, 0.0, 0.0, 0.0, -0.98],
    [0.41, 0.16, 0.21, -0.22, 0.0, -0.25, 108.0, -0.02],
    [0.31, 0.11, 0.22, 0.22, 0.0, -0.25, 72.0, -0.02],
    [0.21, 0.25, 0.5, 0.0, 0.35, -0.25, 0.0, 0.02],
    [0.046, 0.046, 0.046, 0.0, 0.1, -0.25, 0.0, 0.02],
    [0.046, 0.023, 0.02, -0.08, -0.65, -0.25, 0.0, 0.01],
    [0.046, 0.023, 0.02, 0.06, -0.65, -0.25, 90.0, 0.01],
    [0.056, 0.04, 0.1, 0.06, -0.105, 0.625, 90.0, 0.02],
    [0.056, 0.056, 0.1, 0.0, 0.1, 0.625, 0.0, -0.02],
];

/// Analytic CT number at a patient position (mm, LPS): phantom unit = 110 mm, phantom y points
/// anterior. None when the point is within rounding of an ellipsoid surface.
fn analytic_hu(patient: [f64; 3]) -> Option<i64> {
    let p = [patient[0] / 110.0, -patient[1] / 110.0, patient[2] / 110.0];
    let mut density = 0.0;
    for [a, b, c, x0, y0, z0, phi, amplitude] in TABLE {
        // Rotate the offset by −φ into the ellipsoid's own axes.
        let (s, co) = phi.to_radians().sin_cos();
        let offset = [p[0] - x0, p[1] - y0, p[2] - z0];
        let local = [co * offset[0] + s * offset[1], co * offset[1] - s * offset[0], offset[2]];
        let form = (local[0] / a).powi(2) + (local[1] / b).powi(2) + (local[2] / c).powi(2);
        if (form - 1.0).abs() < 1e-9 {
            return None;
        }
        if form < 1.0 {
            density += amplitude;
        }
    }
    Some((1000.0 * (density - 1.0)).round() as i64)
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("samples-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn generate(name: &str) -> (PathBuf, Vec<SampleStudy>) {
    let dir = temp_dir(name);
    let studies = write_samples(&dir).expect("samples are written");
    (dir, studies)
}

fn study<'a>(studies: &'a [SampleStudy], id: &str) -> &'a SampleStudy {
    studies.iter().find(|s| s.id == id).expect("study present")
}

#[test]
fn index_lists_every_file_and_generation_is_idempotent() {
    let (dir, studies) = generate("index");
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("index.json")).expect("index.json")).expect("valid JSON");
    let entries = index.as_array().expect("an array");
    assert_eq!(entries.len(), studies.len());
    for (entry, study) in entries.iter().zip(&studies) {
        assert_eq!(entry["id"], study.id);
        assert_eq!(entry["title"], study.title);
        assert_eq!(entry["description"], study.description);
        let files: Vec<&str> = entry["files"].as_array().expect("files").iter().filter_map(|f| f.as_str()).collect();
        assert_eq!(files, study.files.iter().map(|f| f.path.as_str()).collect::<Vec<_>>());
        for file in &study.files {
            assert_eq!(std::fs::read(dir.join(&file.path)).expect("file written"), file.bytes);
        }
    }
    assert_eq!(study(&studies, "ct-phantom").files.len(), 64);
    let again = write_samples(&dir).expect("second run");
    for (first, second) in studies.iter().flat_map(|s| &s.files).zip(again.iter().flat_map(|s| &s.files)) {
        assert_eq!((first.path.as_str(), &first.bytes), (second.path.as_str(), &second.bytes));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn phantom_values_equal_the_analytic_ellipsoid_sum() {
    let (dir, studies) = generate("analytic");
    let (mut compared, mut on_surface) = (0usize, 0usize);
    let mut seen = std::collections::BTreeSet::new();
    for file in &study(&studies, "ct-phantom").files {
        let (image, frame) = decode_frame(&file.bytes, 0).expect("decodes");
        let attributes = Attributes(&image.dataset);
        let position = attributes.floats(tags::IMAGE_POSITION_PATIENT);
        let spacing = attributes.floats(tags::PIXEL_SPACING);
        assert_eq!(attributes.floats(tags::IMAGE_ORIENTATION_PATIENT), vec![1.0, 0.0, 0.0, 0.0, 1.0, 0.0]);
        let (slope, intercept) = (
            attributes.float(tags::RESCALE_SLOPE).expect("slope"),
            attributes.float(tags::RESCALE_INTERCEPT).expect("intercept"),
        );
        let PixelValues::U16(stored) = &frame.pixels else { panic!("unsigned 16-bit expected") };
        let columns = frame.columns as usize;
        for (index, value) in stored.iter().enumerate() {
            let (row, column) = (index / columns, index % columns);
            // PS3.3 C.7.6.2.1.1: position + column × column spacing along x, row × row spacing along y.
            let patient =
                [position[0] + column as f64 * spacing[1], position[1] + row as f64 * spacing[0], position[2]];
            let Some(expected) = analytic_hu(patient) else {
                on_surface += 1;
                continue;
            };
            let hu = f64::from(*value) * slope + intercept;
            assert_eq!(hu, expected as f64, "{} row {row} column {column}", file.path);
            seen.insert(expected);
            compared += 1;
        }
    }
    assert!(on_surface * 1000 < compared, "{on_surface} voxels on a surface");
    // Every tissue class appears: air, CSF, brain, lesions, bone.
    for hu in [-1000, 0, 20, 30, 40, 60, 1000] {
        assert!(seen.contains(&hu), "no voxel at {hu} HU");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs a dcmtk tool and returns (success, stdout, stderr).
fn run(tool: &str, args: &[&Path]) -> (bool, String, String) {
    let output = Command::new(tool).args(args).output().unwrap_or_else(|e| panic!("{tool}: {e}"));
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into(),
        String::from_utf8_lossy(&output.stderr).into(),
    )
}

#[test]
fn dcmtk_reads_every_file_without_warnings() {
    assert!(have_dcmtk(), "dcmtk is not installed: run scripts/setup.sh");
    let (dir, studies) = generate("dcmdump");
    for file in studies.iter().flat_map(|s| &s.files) {
        let path = dir.join(&file.path);
        let (ok, out, err) = run("dcmdump", &[&path]);
        assert!(ok && err.is_empty(), "{}: dcmdump failed: {err}", file.path);
        assert!(!out.lines().any(|l| l.starts_with("W:") || l.starts_with("E:")), "{}: {out}", file.path);
        assert!(out.contains("(fffe,e0dd)"), "{}: no sequence delimiter", file.path);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn dcmdrle_decodes_our_rle_to_the_same_values() {
    assert!(have_dcmtk(), "dcmtk is not installed: run scripts/setup.sh");
    let (dir, studies) = generate("dcmdrle");
    for file in studies.iter().flat_map(|s| &s.files) {
        let path = dir.join(&file.path);
        let native = path.with_extension("native.dcm");
        let (ok, _, err) = run("dcmdrle", &[&path, &native]);
        assert!(ok && err.is_empty(), "{}: dcmdrle: {err}", file.path);
        let theirs = decode_frame(&std::fs::read(&native).expect("dcmdrle output"), 0).expect("native decodes").1;
        let ours = decode_frame(&file.bytes, 0).expect("RLE decodes").1;
        assert_eq!(ours.pixels, theirs.pixels, "{}", file.path);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn brain_and_bone_windows_match_dcm2pnm() {
    assert!(have_dcmtk(), "dcmtk is not installed: run scripts/setup.sh");
    let (dir, studies) = generate("windows");
    let cases: [(&[&str], RenderOptions); 3] = [
        (&["+Ww", "40", "80"], RenderOptions { window: Some((40.0, 80.0)), ..Default::default() }),
        (&["+Wi", "1"], RenderOptions::default()),
        (&["+Wi", "2"], RenderOptions { voi_index: Some(1), ..Default::default() }),
    ];
    for name in ["ct-phantom/0020.dcm", "ct-phantom/0030.dcm", "ct-phantom/0051.dcm"] {
        let file = study(&studies, "ct-phantom").files.iter().find(|f| f.path == name).expect("slice");
        for (args, options) in &cases {
            let theirs = dcm2pnm(&dir.join(name), args).unwrap_or_else(|e| panic!("{name} {args:?}: {e}"));
            let ours = render_frame(&file.bytes, 0, options).expect("renders");
            assert_eq!((theirs.width, theirs.height, theirs.channels), (256, 256, 1));
            let grey: Vec<u8> = ours.rgba.chunks(4).map(|p| p[0]).collect();
            let worst = grey.iter().zip(&theirs.samples).map(|(a, b)| a.abs_diff(*b)).max().unwrap_or(0);
            assert!(worst <= 1, "{name} {args:?}: differs from dcm2pnm by {worst}");
            // Not a blank image: the window shows several grey levels.
            let levels: std::collections::BTreeSet<u8> = grey.iter().copied().collect();
            assert!(levels.len() >= 3, "{name} {args:?}: only {levels:?}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn colour_chart_decodes_exactly_in_ours_and_dcm2pnm() {
    assert!(have_dcmtk(), "dcmtk is not installed: run scripts/setup.sh");
    let (dir, studies) = generate("colour");
    let file = &study(&studies, "colour").files[0];
    let expected = colour_chart();
    let (_, frame) = decode_frame(&file.bytes, 0).expect("decodes");
    assert_eq!((frame.rows, frame.columns, frame.samples_per_pixel), (480, 640, 3));
    assert_eq!(frame.pixels, PixelValues::U8(expected.clone()));
    let rendered = render_frame(&file.bytes, 0, &RenderOptions::default()).expect("renders");
    let rgb: Vec<u8> = rendered.rgba.chunks(4).flat_map(|p| [p[0], p[1], p[2]]).collect();
    assert_eq!(rgb, expected);
    let theirs = dcm2pnm(&dir.join(&file.path), &[]).expect("dcm2pnm renders the chart");
    assert_eq!((theirs.width, theirs.height, theirs.channels), (640, 480, 3));
    assert!(theirs.samples == expected, "dcm2pnm's PPM differs from the generated chart");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A literal-heavy image (noise, odd width) through our encoder and writer, then dcmdrle.
#[test]
fn dcmdrle_decodes_our_rle_of_noise() {
    use dicom_viewer::samples::rle_encoder::{encode_frame, RlePixels};
    use dicom_viewer::samples::writer::{write_part10, FileMeta, RLE_LOSSLESS};
    use dicom_viewer::samples::{DataSet, Vr};
    assert!(have_dcmtk(), "dcmtk is not installed: run scripts/setup.sh");
    let (rows, columns) = (67u16, 131u16);
    let mut state = 0x2545_F491u32;
    let values: Vec<u16> = (0..usize::from(rows) * usize::from(columns))
        .map(|i| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            if (i / 40) % 2 == 0 {
                state as u16
            } else {
                0x1234
            }
        })
        .collect();
    let uid = "2.25.18892702983921101704940207730488134230.9.1";
    let mut dataset = DataSet::new();
    dataset.put_text(tags::SOP_CLASS_UID, Vr::UI, &["1.2.840.10008.5.1.4.1.1.7"]).expect("uid");
    dataset.put_text(tags::SOP_INSTANCE_UID, Vr::UI, &[uid]).expect("uid");
    dataset.put_u16(tags::SAMPLES_PER_PIXEL, 1);
    dataset.put_text(tags::PHOTOMETRIC_INTERPRETATION, Vr::CS, &["MONOCHROME2"]).expect("cs");
    dataset.put_u16(tags::ROWS, rows);
    dataset.put_u16(tags::COLUMNS, columns);
    dataset.put_u16(tags::BITS_ALLOCATED, 16);
    dataset.put_u16(tags::BITS_STORED, 16);
    dataset.put_u16(tags::HIGH_BIT, 15);
    dataset.put_u16(tags::PIXEL_REPRESENTATION, 0);
    let frame = encode_frame(RlePixels::U16(&values), u32::from(rows), u32::from(columns), 1).expect("encodes");
    dataset.put_encapsulated_pixel_data(vec![frame]).expect("even fragment");
    let meta = FileMeta {
        sop_class_uid: "1.2.840.10008.5.1.4.1.1.7",
        sop_instance_uid: uid,
        transfer_syntax_uid: RLE_LOSSLESS,
        implementation_class_uid: dicom_viewer::samples::IMPLEMENTATION_CLASS_UID,
        implementation_version_name: dicom_viewer::samples::IMPLEMENTATION_VERSION_NAME,
    };
    let dir = temp_dir("noise");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let (path, native) = (dir.join("noise.dcm"), dir.join("noise-native.dcm"));
    std::fs::write(&path, write_part10(&meta, &dataset).expect("writes")).expect("file");
    let (ok, _, err) = run("dcmdrle", &[&path, &native]);
    assert!(ok && err.is_empty(), "dcmdrle: {err}");
    let theirs = decode_frame(&std::fs::read(&native).expect("dcmdrle output"), 0).expect("native decodes").1;
    assert_eq!(theirs.pixels, PixelValues::U16(values));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A PNG as our writer makes it (8-bit RGBA, filter type 0 on every row): width, height, pixels.
fn read_png(png: &[u8]) -> (u32, u32, Vec<u8>) {
    assert_eq!(png.get(..8), Some(&b"\x89PNG\r\n\x1a\n"[..]), "PNG signature");
    let (mut at, mut size, mut zlib) = (8usize, (0u32, 0u32), Vec::new());
    while at + 8 <= png.len() {
        let length = u32::from_be_bytes(png[at..at + 4].try_into().expect("4 bytes")) as usize;
        let kind = &png[at + 4..at + 8];
        let data = &png[at + 8..at + 8 + length];
        match kind {
            b"IHDR" => {
                size = (
                    u32::from_be_bytes(data[0..4].try_into().expect("w")),
                    u32::from_be_bytes(data[4..8].try_into().expect("h")),
                );
                assert_eq!(&data[8..10], &[8, 6], "8-bit RGBA");
            }
            b"IDAT" => zlib.extend_from_slice(data),
            _ => {}
        }
        at += 12 + length;
    }
    let raw = miniz_oxide::inflate::decompress_to_vec_zlib(&zlib).expect("zlib stream");
    let row = size.0 as usize * 4;
    assert_eq!(raw.len(), (row + 1) * size.1 as usize);
    let pixels = raw
        .chunks_exact(row + 1)
        .flat_map(|line| {
            assert_eq!(line[0], 0, "filter type None");
            line[1..].to_vec()
        })
        .collect();
    (size.0, size.1, pixels)
}

/// Every sample lists a thumbnail and its facts in index.json; the PNG beside the files fits
/// THUMBNAIL_MAX_PX with the image's aspect ratio and shows the middle image (the slice the
/// stack opens on) as `render_frame` draws it, each thumbnail pixel the mean of its box (±1).
#[test]
fn every_sample_has_a_thumbnail_of_its_middle_image() {
    let (dir, studies) = generate("thumbnails");
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("index.json")).expect("index.json")).expect("valid JSON");
    let entries = index.as_array().expect("an array");
    assert_eq!(entries.len(), studies.len());
    for (entry, study) in entries.iter().zip(&studies) {
        let middle = &study.files[study.files.len() / 2];
        let rendered = render_frame(&middle.bytes, 0, &RenderOptions::default()).expect("middle image renders");
        let (rows, columns) = (rendered.rows as usize, rendered.columns as usize);
        assert_eq!(entry["rows"], rows, "{}", study.id);
        assert_eq!(entry["columns"], columns, "{}", study.id);
        assert_eq!(entry["images"], study.files.len(), "{}", study.id);
        let modality = decode_frame(&middle.bytes, 0).expect("decodes").0;
        let modality = Attributes(&modality.dataset).string(tags::MODALITY).unwrap_or_default();
        assert_eq!(entry["modality"].as_str(), Some(modality.as_str()), "{}", study.id);

        let name = entry["thumbnail"].as_str().unwrap_or_else(|| panic!("{}: no thumbnail listed", study.id));
        let (width, height, pixels) = read_png(&std::fs::read(dir.join(name)).expect("thumbnail written"));
        let longest = rows.max(columns) as f64;
        let expected = |side: usize| ((side as f64 * f64::from(THUMBNAIL_MAX_PX) / longest).round() as u32).max(1);
        assert_eq!((width, height), (expected(columns), expected(rows)), "{}: thumbnail size", study.id);
        assert_eq!(
            (entry["thumbnailWidth"].as_u64(), entry["thumbnailHeight"].as_u64()),
            (Some(u64::from(width)), Some(u64::from(height)))
        );
        let (w, h) = (width as usize, height as usize);
        let mut worst = 0i32;
        for y in 0..h {
            for x in 0..w {
                let (y0, y1) = (y * rows / h, ((y + 1) * rows / h).max(y * rows / h + 1));
                let (x0, x1) = (x * columns / w, ((x + 1) * columns / w).max(x * columns / w + 1));
                for channel in 0..4 {
                    let mut sum = 0u64;
                    for sy in y0..y1 {
                        for sx in x0..x1 {
                            sum += u64::from(rendered.rgba[(sy * columns + sx) * 4 + channel]);
                        }
                    }
                    let mean = sum as f64 / ((y1 - y0) * (x1 - x0)) as f64;
                    let got = pixels[(y * w + x) * 4 + channel];
                    worst = worst.max((f64::from(got) - mean).abs().ceil() as i32);
                }
            }
        }
        assert!(worst <= 1, "{}: thumbnail differs from the box mean of render_frame by {worst}", study.id);
        // Not a blank picture: the phantom and the chart have both dark and bright parts.
        let luma: Vec<u8> = pixels.chunks_exact(4).map(|p| p[1]).collect();
        assert!(
            luma.iter().any(|v| *v < 40) && luma.iter().any(|v| *v > 200),
            "{}: thumbnail has no contrast",
            study.id
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
