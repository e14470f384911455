//! Pins the digests of decode and default render for a list of corpus files in
//! tests/fixtures/digests.json; tests/browser_decode.rs checks the browser gets the same.
//! `UPDATE_DIGESTS=1 cargo test --test browser_digests_native` rewrites the fixture.
#![cfg(not(target_arch = "wasm32"))]

mod browser_support;

use std::path::{Path, PathBuf};

use browser_support::{format_fixture, parse_fixture, Digests, Fnv};
use dicom_viewer::api::RenderOptions;
use dicom_viewer::dicom::DicomImage;
use dicom_viewer::pipeline::PixelValues;

/// Corpus files (relative to ../shared/dicom); "dir/*" = every file of the folder, absent
/// members skipped. A codec's files join with one line.
const FILES: &[&str] = &[
    "wg04/REF/*",
    "wg04/RLE/*",
    "wg04/JLSL/*",
    "wg04/JLSN/CT1_JLSN",
    "wg04/JLSN/MR1_JLSN",
    "wg04/JLSN/RG1_JLSN",
    "wg04/JLSN/SC1_JLSN",
    "wg04/JPLL/*",
    "wg04/JPLY/MR1_JPLY",
    "wg04/JPLY/SC1_JPLY",
    "wg04/JPLY/XA1_JPLY",
    "wg04/J2KR/*",
    "wg04/J2KI/CT1_J2KI",
    "wg04/J2KI/US1_J2KI",
    "wg04/J2KI/VL1_J2KI",
    "dcmqi/segmentations/ct-3slice/01.dcm",
    "dcmqi/segmentations/23x38x3/multiframe/mf.dcm",
    "dcmqi/segmentations/liver.dcm",
    "dcmqi/sr-example/seg.dcm",
    "dcmqi/paramaps/pm-example-slice.dcm",
    "dcmqi/paramaps/701-ADCb500/000000.dcm",
    "mr-series-128/slice0.dcm",
];

fn corpus() -> PathBuf {
    std::env::var("DICOM_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/dicom"))
}

fn fixture_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/digests.json")
}

/// The listed files that exist, as corpus-relative paths with '/'.
fn expand(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in FILES {
        if let Some(dir) = entry.strip_suffix("/*") {
            let mut names: Vec<String> = std::fs::read_dir(root.join(dir))
                .unwrap_or_else(|e| panic!("{}: {e}; is ../shared/dicom there?", root.join(dir).display()))
                .filter_map(|e| e.ok())
                .filter(|e| e.path().is_file())
                .filter_map(|e| e.file_name().to_str().map(|n| format!("{dir}/{n}")))
                .collect();
            names.sort();
            out.extend(names);
        } else if root.join(entry).is_file() {
            out.push(entry.to_string());
        }
    }
    out
}

fn pixel_bytes(pixels: &PixelValues) -> Vec<u8> {
    match pixels {
        PixelValues::U8(v) => v.clone(),
        PixelValues::U16(v) => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
        PixelValues::I16(v) => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
        PixelValues::U32(v) => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
        PixelValues::I32(v) => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
        PixelValues::F32(v) => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
        PixelValues::F64(v) => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
    }
}

fn digests(root: &Path, path: &str) -> Digests {
    let bytes = std::fs::read(root.join(path)).expect("readable corpus file");
    let image = DicomImage::parse(&bytes).unwrap_or_else(|e| panic!("{path}: {e}"));
    let frames = image.info.number_of_frames;
    let (mut decode, mut render) = (Fnv::new(), Fnv::new());
    for index in 0..frames {
        let frame = image.decode_frame(index).unwrap_or_else(|e| panic!("{path} frame {index}: {e}"));
        decode.update(&pixel_bytes(&frame.pixels));
        render.update(&image.render(index, &frame, &RenderOptions::default()).rgba);
    }
    Digests { path: path.to_string(), frames, decode: decode.hex(), render: render.hex() }
}

#[test]
fn digests_match_fixture() {
    let root = corpus();
    let files = expand(&root);
    assert!(!files.is_empty(), "no corpus files found under {}", root.display());
    let computed: Vec<Digests> = files.iter().map(|path| digests(&root, path)).collect();
    let text = format_fixture(&computed);
    assert_eq!(parse_fixture(&text), computed, "fixture format round trip");

    if std::env::var("UPDATE_DIGESTS").as_deref() == Ok("1") {
        std::fs::create_dir_all(fixture_path().parent().expect("tests/fixtures")).expect("create tests/fixtures");
        std::fs::write(fixture_path(), &text).expect("write digests.json");
        println!("wrote {} digests to {}", computed.len(), fixture_path().display());
        return;
    }
    let pinned = std::fs::read_to_string(fixture_path())
        .unwrap_or_else(|e| panic!("{}: {e}; create it with UPDATE_DIGESTS=1", fixture_path().display()));
    let pinned = parse_fixture(&pinned);
    let differing: Vec<String> = computed
        .iter()
        .filter(|c| !pinned.contains(c))
        .map(|c| format!("{} (now {} frames, decode {}, render {})", c.path, c.frames, c.decode, c.render))
        .chain(
            pinned
                .iter()
                .filter(|p| !computed.iter().any(|c| c.path == p.path))
                .map(|p| format!("{} (pinned, no longer listed or present)", p.path)),
        )
        .collect();
    assert!(
        differing.is_empty(),
        "digests differ from tests/fixtures/digests.json (rerun with UPDATE_DIGESTS=1 if intended):\n{}",
        differing.join("\n")
    );
}
