//! The tag tree against `dcmdump` run at test time: every text and integer value dcmdump prints,
//! at any nesting depth, appears in the tree under the same tag; keywords and VRs agree; top-level
//! sequences have dcmdump's item counts; the file meta group is listed by `meta_tag_tree`.

use std::collections::HashSet;
use std::path::PathBuf;
use std::process::Command;

use dicom_object::{file::ReadPreamble, OpenFileOptions};
use dicom_viewer::tags::{filter, meta_tag_tree, tag_tree, TagNode};

fn corpus() -> PathBuf {
    PathBuf::from(
        std::env::var("DICOM_CORPUS").unwrap_or(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/dicom").into()),
    )
}

/// One element line of dcmdump: tag, VR, value (text between brackets, or integers as printed),
/// keyword, and whether the line is at the top level.
struct Dumped {
    tag: (u16, u16),
    vr: String,
    value: Option<String>,
    keyword: String,
    top_level: bool,
    items: Option<usize>,
}

fn dcmdump(path: &std::path::Path) -> Vec<Dumped> {
    let output = Command::new("dcmdump").args(["-Un", "+L"]).arg(path).output().expect("dcmtk's dcmdump is installed");
    assert!(output.status.success(), "dcmdump {}", path.display());
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.lines().filter_map(parse_line).collect()
}

fn parse_line(line: &str) -> Option<Dumped> {
    let top_level = line.starts_with('(');
    let line = line.trim_start();
    let tag = line.get(0..11)?;
    let group = u16::from_str_radix(tag.get(1..5)?, 16).ok()?;
    let element = u16::from_str_radix(tag.get(6..10)?, 16).ok()?;
    let vr = line.get(12..14)?.to_string();
    let rest = line.get(15..)?;
    let (body, comment) = rest.rsplit_once(" # ")?;
    let keyword = comment.rsplit(' ').next()?.to_string();
    let body = body.trim_end();
    let value = if body.starts_with('[') && body.ends_with(']') {
        Some(body[1..body.len() - 1].to_string())
    } else if matches!(vr.as_str(), "US" | "SS" | "UL" | "SL") && !body.starts_with('(') {
        Some(body.to_string())
    } else {
        None
    };
    let items = body.split_once("#=").and_then(|(_, n)| n.trim_end_matches(')').parse().ok());
    Some(Dumped { tag: (group, element), vr, value, keyword, top_level, items })
}

fn flatten(nodes: &[TagNode], into: &mut Vec<TagNode>) {
    for node in nodes {
        into.push(node.clone());
        for item in &node.items {
            flatten(item, into);
        }
    }
}

fn check_file(path: PathBuf) -> usize {
    let bytes = std::fs::read(&path).unwrap();
    let object = OpenFileOptions::new().read_preamble(ReadPreamble::Auto).from_reader(&bytes[..]).unwrap();
    let mut tree = meta_tag_tree(object.meta());
    tree.extend(tag_tree(&object));
    let mut all = Vec::new();
    flatten(&tree, &mut all);
    let values: HashSet<((u16, u16), String)> = all.iter().map(|n| (n.tag, n.value.clone())).collect();
    let mut checked = 0;
    for dumped in dcmdump(&path) {
        if dumped.tag.0 == 0xFFFE || dumped.tag.0 % 2 == 1 {
            continue;
        }
        let node = all.iter().find(|n| n.tag == dumped.tag);
        let node = node.unwrap_or_else(|| panic!("{}: {:04x?} missing", path.display(), dumped.tag));
        assert_eq!(node.vr, dumped.vr, "{}: VR of {:04x?}", path.display(), dumped.tag);
        if !dumped.keyword.starts_with("RETIRED_") && !dumped.keyword.starts_with("Unknown") {
            assert_eq!(node.keyword, dumped.keyword, "{}: keyword of {:04x?}", path.display(), dumped.tag);
        }
        if let Some(value) = dumped.value.filter(|v| v.chars().count() <= 256) {
            assert!(
                values.contains(&(dumped.tag, value.clone())),
                "{}: {:04x?} = {value:?} not in the tree",
                path.display(),
                dumped.tag
            );
            checked += 1;
        }
        if let (true, Some(items)) = (dumped.top_level, dumped.items) {
            if dumped.vr == "SQ" {
                let top = tree.iter().find(|n| n.tag == dumped.tag).unwrap();
                assert_eq!(top.items.len(), items, "{}: items of {:04x?}", path.display(), dumped.tag);
            }
        }
    }
    checked
}

#[test]
fn values_keywords_and_items_match_dcmdump() {
    let files = [
        "dcmqi/segmentations/liver.dcm",
        "dcmqi/segmentations/partial_overlaps.dcm",
        "mr-series-128/slice0.dcm",
        "wg04/REF/CT1_UNC",
    ];
    let mut total = 0;
    for file in files {
        let path = corpus().join(file);
        if !path.exists() {
            eprintln!("{} not found; set DICOM_CORPUS", path.display());
            continue;
        }
        let checked = check_file(path);
        assert!(checked > 20, "{file}: only {checked} values compared");
        total += checked;
    }
    eprintln!("{total} values compared with dcmdump");
}

#[test]
fn pixel_data_is_summarised_and_search_finds_nested_values() {
    let path = corpus().join("dcmqi/segmentations/liver.dcm");
    let Ok(bytes) = std::fs::read(&path) else { return };
    let object = OpenFileOptions::new().read_preamble(ReadPreamble::Auto).from_reader(&bytes[..]).unwrap();
    let tree = tag_tree(&object);
    let pixels = tree.iter().find(|n| n.tag == (0x7FE0, 0x0010)).unwrap();
    assert!(pixels.value.starts_with('<') && pixels.value.ends_with(" bytes>"), "{}", pixels.value);
    assert!(pixels.value.len() < 40);
    // "Liver" is a Segment Label (0062,0005) inside the Segment Sequence (0062,0002).
    let found = filter(&tree, "segmentlabel");
    let sequence = found.iter().find(|n| n.tag == (0x0062, 0x0002)).expect("the Segment Sequence is kept");
    assert!(sequence.items.iter().flatten().all(|n| n.keyword == "SegmentLabel"));
    assert!(sequence.items.iter().flatten().any(|n| n.value.to_lowercase().contains("liver")));
    let by_tag = filter(&tree, "(0062,0005)");
    assert_eq!(by_tag.len(), 1);
    assert_eq!(filter(&tree, "00620005"), by_tag);
}
