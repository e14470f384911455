//! SR documents (PS3.3 C.17) against dcmtk's `dsrdump`, run at test time: every content item's
//! position, relationship, value type, concept name and value; the header flags; a
//! `dsr2xml`/`xml2dsr` round trip; the TID 1500 table of a multi-group report against the
//! groups and numbers dsrdump prints.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use dicom_viewer::derived::sr::{Code, ContentItem, Document, Value};
use dicom_viewer::derived::{read_dataset, Derived, DerivedKind};

fn sr_files() -> Vec<PathBuf> {
    let corpus = common::corpus();
    let mut files = vec![corpus.join("dcmqi/sr-example/sr.dcm")];
    files.extend(
        common::files_in(&corpus.join("derived/sr/highdicom"))
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "dcm")),
    );
    files.extend(
        common::files_in(&corpus.join("derived/sr/dcmjs"))
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "dcm")),
    );
    files
}

fn parse(path: &Path) -> Document {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let dataset = read_dataset(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    match Derived::parse(DerivedKind::StructuredReport, &dataset) {
        Ok(Derived::StructuredReport(document)) => document,
        Ok(other) => panic!("{}: parsed as {:?}", path.display(), other.kind()),
        Err(e) => panic!("{}: {e}", path.display()),
    }
}

/// One line of `dsrdump +Pn +Pl +Pu +Pc`: "1.2.3  <has obs context CODE:(v,s,"m")=value>".
#[derive(Debug)]
struct DumpLine {
    position: String,
    relationship: String,
    by_reference: bool,
    value_type: String,
    concept: Option<(String, String, String)>,
    value: String,
}

const RELATIONSHIPS: [&str; 7] = [
    "contains",
    "has properties",
    "has obs context",
    "has acq context",
    "inferred from",
    "selected from",
    "has concept mod",
];

fn dsrdump(path: &Path) -> (Vec<DumpLine>, Vec<(String, String)>) {
    let output = Command::new("dsrdump")
        .args(["-Ee", "-Ec", "+Pn", "+Pl", "+Pu", "+Pc", "+U8"])
        .arg(path)
        .output()
        .expect("dsrdump (dcmtk) runs");
    assert!(output.status.success(), "dsrdump {}: {}", path.display(), String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8_lossy(&output.stdout).to_string();
    let mut lines = Vec::new();
    let mut header = Vec::new();
    for line in text.lines() {
        if let Some((key, value)) = line.split_once(" : ") {
            if !line.starts_with(|c: char| c.is_ascii_digit()) {
                header.push((key.trim().to_string(), value.trim().to_string()));
                continue;
            }
        }
        let Some((position, rest)) = line.split_once("  <") else { continue };
        if !position.chars().all(|c| c.is_ascii_digit() || c == '.') {
            continue;
        }
        let rest = rest.strip_suffix('>').unwrap_or(rest);
        let (relationship, rest) = RELATIONSHIPS
            .iter()
            .find_map(|r| rest.strip_prefix(&format!("{r} ")).map(|tail| (r.to_string(), tail)))
            .unwrap_or((String::new(), rest));
        let (by_reference, rest) = match rest.strip_prefix("R-") {
            Some(tail) => (true, tail),
            None => (false, rest),
        };
        let (value_type, rest) = rest.split_once(':').expect("value type");
        let (concept, value) = if let Some(code) = rest.strip_prefix('(') {
            let end = code.find("\")").expect("concept code ends with \")");
            let inside = &code[..end];
            let mut parts = inside.splitn(3, ',');
            let value = parts.next().unwrap_or("").to_string();
            let scheme = parts.next().unwrap_or("").to_string();
            let meaning = parts.next().unwrap_or("").trim_start_matches('"').to_string();
            (Some((value, scheme, meaning)), code[end + 2..].strip_prefix('=').unwrap_or(&code[end + 2..]).to_string())
        } else {
            (None, rest.strip_prefix('=').unwrap_or(rest).to_string())
        };
        lines.push(DumpLine {
            position: position.to_string(),
            relationship,
            by_reference,
            value_type: value_type.to_string(),
            concept,
            value,
        });
    }
    (lines, header)
}

/// How dsrdump writes a code: value, scheme (with "[version]"), meaning.
fn dump_code(code: &Code) -> (String, String, String) {
    let scheme = match &code.scheme_version {
        Some(version) => format!("{}[{version}]", code.scheme),
        None => code.scheme.clone(),
    };
    (code.value.clone(), scheme, code.meaning.clone())
}

fn numbers(text: &str) -> Vec<f64> {
    text.split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == 'e' || c == '+'))
        .filter(|s| !s.is_empty() && s.chars().any(|c| c.is_ascii_digit()))
        .filter_map(|s| s.parse::<f64>().ok())
        .collect()
}

fn assert_close(ours: &[f64], theirs: &[f64], context: &str) {
    assert_eq!(ours.len(), theirs.len(), "{context}: {ours:?} vs {theirs:?}");
    for (a, b) in ours.iter().zip(theirs) {
        assert!((a - b).abs() <= 1e-6 * b.abs().max(1.0), "{context}: {ours:?} vs {theirs:?}");
    }
}

/// The quoted UID and the numbers after it in an IMAGE / COMPOSITE / WAVEFORM value
/// `(CT image,"1.2.3",1,2)`.
fn reference_parts(value: &str) -> (String, Vec<f64>) {
    let mut parts = value.splitn(3, '"');
    let _class = parts.next();
    let uid = parts.next().unwrap_or("").to_string();
    let tail = parts.next().unwrap_or("");
    (uid, numbers(tail))
}

fn compare_item(path: &Path, ours: &ContentItem, theirs: &DumpLine) {
    let context = format!("{} item {}", path.display(), theirs.position);
    assert_eq!(ours.position_text(), theirs.position, "{context}: position");
    let relationship = ours.relationship.as_ref().map(|r| r.term().to_lowercase()).unwrap_or_default();
    assert_eq!(relationship, theirs.relationship, "{context}: relationship");
    assert_eq!(matches!(ours.value, Value::Reference(_)), theirs.by_reference, "{context}: by reference");
    assert_eq!(ours.value.value_type(), theirs.value_type, "{context}: value type");
    assert_eq!(ours.concept.as_ref().map(dump_code), theirs.concept, "{context}: concept name");
    let value = theirs.value.as_str();
    match &ours.value {
        Value::Container { continuous } => {
            assert_eq!(value, if *continuous { "CONTINUOUS" } else { "SEPARATE" }, "{context}")
        }
        Value::Text(s)
        | Value::Date(s)
        | Value::Time(s)
        | Value::DateTime(s)
        | Value::PersonName(s)
        | Value::UidRef(s) => {
            assert_eq!(value, format!("\"{s}\""), "{context}")
        }
        Value::Code(code) => {
            let expected = code.as_ref().map(|c| {
                let (v, s, m) = dump_code(c);
                format!("({v},{s},\"{m}\")")
            });
            assert_eq!(Some(value.to_string()), expected, "{context}")
        }
        Value::Num { measurement, .. } => match measurement {
            None => assert_eq!(value, "empty", "{context}"),
            Some(m) => {
                let unit = m.unit.as_ref().map(|u| {
                    let (v, s, mn) = dump_code(u);
                    format!("({v},{s},\"{mn}\")")
                });
                assert_eq!(value, format!("\"{}\" {}", m.text, unit.unwrap_or_default()), "{context}");
                let parsed: f64 = m.text.trim().parse().expect("numeric value");
                // Floating Point Value (FD) when present agrees with Numeric Value (DS) to its digits
                assert!((m.value.expect("value") - parsed).abs() <= 1e-6 * parsed.abs().max(1.0), "{context}");
            }
        },
        Value::Image(r) | Value::Composite(r) | Value::Waveform { reference: r, .. } => {
            let (uid, trailing) = reference_parts(value);
            assert_eq!(uid, r.sop_instance_uid, "{context}");
            let ours: Vec<f64> = r.frames.iter().chain(&r.segments).map(|v| f64::from(*v)).collect();
            assert_eq!(ours, trailing, "{context}: frame / segment numbers");
        }
        Value::Scoord { graphic_type, points } => {
            assert!(value.starts_with(&format!("({},", graphic_type.term())), "{context}: {value}");
            let flat: Vec<f64> = points.iter().flat_map(|(x, y)| [*x, *y]).collect();
            assert_close(&flat, &numbers(value.split_once(',').map(|s| s.1).unwrap_or("")), &context);
        }
        Value::Scoord3d { graphic_type, frame_of_reference_uid, points } => {
            assert!(
                value.starts_with(&format!("({},\"{frame_of_reference_uid}\",", graphic_type.term())),
                "{context}: {value}"
            );
            let flat: Vec<f64> = points.iter().flatten().copied().collect();
            let coordinates = value.rsplit_once('"').map(|s| s.1).unwrap_or("");
            assert_close(&flat, &numbers(coordinates), &context);
        }
        Value::Tcoord { range_type, .. } => assert!(value.starts_with(&format!("({range_type}")), "{context}"),
        Value::Reference(_) | Value::Other(_) => {}
    }
}

#[test]
fn content_trees_equal_dsrdump() {
    if !common::have_dcmtk() {
        panic!("dcmtk (dsrdump) is required: bash scripts/setup.sh installs it");
    }
    let files = sr_files();
    assert!(files.len() >= 5, "the SR corpus files are present: {files:?}");
    for path in &files {
        let document = parse(path);
        let (lines, header) = dsrdump(path);
        assert_eq!(document.items.len(), lines.len(), "{}: number of content items", path.display());
        for (ours, theirs) in document.items.iter().zip(&lines) {
            compare_item(path, ours, theirs);
        }
        let field = |name: &str| header.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        assert_eq!(document.header.completion_flag, field("Completion Flag"), "{}", path.display());
        assert_eq!(document.header.verification_flag, field("Verification Flag"), "{}", path.display());
        assert_eq!(document.header.preliminary_flag, field("Preliminary Flag"), "{}", path.display());
        let date_time = field("Content Date/Time").expect("dsrdump prints the content date/time");
        let date = document.header.content_date.clone().unwrap_or_default();
        assert!(
            date_time.starts_with(&format!("{}-{}-{}", &date[..4], &date[4..6], &date[6..8])),
            "{}",
            path.display()
        );
        assert_eq!(
            document.header.title.as_ref().map(|t| t.meaning.clone()),
            lines[0].concept.as_ref().map(|c| c.2.clone())
        );
        println!("{}: {} content items equal dsrdump's", path.display(), lines.len());
    }
}

/// The item with its NUM value's number taken out (returned beside it).
fn without_float(item: &ContentItem) -> (ContentItem, Option<f64>) {
    let mut item = item.clone();
    let mut number = None;
    if let Value::Num { measurement: Some(m), .. } = &mut item.value {
        number = m.value.take();
    }
    (item, number)
}

#[test]
fn round_trip_through_dsr2xml_and_xml2dsr_keeps_the_tree() {
    let source = common::corpus().join("derived/sr/highdicom/sr_document_with_multiple_groups.dcm");
    let dir = std::env::temp_dir().join(format!("sr-roundtrip-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let xml = dir.join("report.xml");
    let back = dir.join("report.dcm");
    let run = |program: &str, args: &[&Path]| {
        let status = Command::new(program).args(args).status().unwrap_or_else(|e| panic!("{program}: {e}"));
        assert!(status.success(), "{program} failed");
    };
    run("dsr2xml", &[&source, &xml]);
    run("xml2dsr", &[&xml, &back]);
    let original = parse(&source);
    let written = parse(&back);
    assert_eq!(original.items.len(), written.items.len(), "the content tree survives XML and back");
    for (a, b) in original.items.iter().zip(&written.items) {
        // dsr2xml writes Floating Point Value (FD) with fewer digits: equal within 1e-6
        let (a, b) = (without_float(a), without_float(b));
        assert_eq!(a.0, b.0, "item {} survives XML and back", a.0.position_text());
        if let (Some(x), Some(y)) = (a.1, b.1) {
            assert!((x - y).abs() <= 1e-6 * x.abs().max(1.0), "item {}: {x} vs {y}", a.0.position_text());
        }
    }
    assert_eq!(original.groups.len(), written.groups.len());
    // and the rewritten file still equals dsrdump's reading of it
    let (lines, _) = dsrdump(&back);
    assert_eq!(written.items.len(), lines.len());
    for (ours, theirs) in written.items.iter().zip(&lines) {
        compare_item(&back, ours, theirs);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The TID 1500 table of the highdicom multi-group report: one row per Measurement Group line
/// of dsrdump, with its tracking identifier, finding, finding site and NUM values.
#[test]
fn tid1500_table_equals_dsrdump_groups() {
    for name in [
        "derived/sr/highdicom/sr_document_with_multiple_groups.dcm",
        "derived/sr/dcmjs/structured_report.dcm",
        "dcmqi/sr-example/sr.dcm",
    ] {
        let path = common::corpus().join(name);
        let document = parse(&path);
        let (lines, _) = dsrdump(&path);
        let group_lines: Vec<&DumpLine> = lines
            .iter()
            .filter(|l| {
                l.value_type == "CONTAINER" && l.concept.as_ref().is_some_and(|c| c.0 == "125007" && c.1 == "DCM")
            })
            .collect();
        assert!(!group_lines.is_empty(), "{name}: dsrdump lists measurement groups");
        assert_eq!(document.groups.len(), group_lines.len(), "{name}: one row per measurement group");
        for (group, line) in document.groups.iter().zip(group_lines) {
            let children: Vec<&DumpLine> = lines
                .iter()
                .filter(|l| {
                    l.position.strip_prefix(&format!("{}.", line.position)).is_some_and(|tail| !tail.contains('.'))
                })
                .collect();
            let child_value = |meaning: &str| {
                children.iter().find(|l| l.concept.as_ref().is_some_and(|c| c.2 == meaning)).map(|l| l.value.clone())
            };
            assert_eq!(
                group.tracking_identifier.as_ref().map(|t| format!("\"{t}\"")),
                child_value("Tracking Identifier"),
                "{name} group {}",
                line.position
            );
            let finding = child_value("Finding")
                .map(|v| v.rsplit_once(",\"").map(|s| s.1.trim_end_matches("\")").to_string()).unwrap_or(v));
            assert_eq!(group.finding.as_ref().map(|c| c.meaning.clone()), finding, "{name} group {}", line.position);
            let site = child_value("Finding Site")
                .map(|v| v.rsplit_once(",\"").map(|s| s.1.trim_end_matches("\")").to_string()).unwrap_or(v));
            assert_eq!(group.finding_site.as_ref().map(|c| c.meaning.clone()), site, "{name} group {}", line.position);
            let theirs: Vec<(String, Option<f64>)> = children
                .iter()
                .filter(|l| l.value_type == "NUM" && l.relationship == "contains")
                .map(|l| {
                    let value = l
                        .value
                        .strip_prefix('"')
                        .and_then(|v| v.split_once('"'))
                        .and_then(|(n, _)| n.trim().parse().ok());
                    (l.concept.as_ref().map(|c| c.2.clone()).unwrap_or_default(), value)
                })
                .collect();
            let ours: Vec<(String, Option<f64>)> = group
                .measurements
                .iter()
                .map(|m| {
                    (
                        m.concept.as_ref().map(|c| c.meaning.clone()).unwrap_or_default(),
                        m.value.as_ref().and_then(|v| v.value),
                    )
                })
                .collect();
            assert_eq!(ours.len(), theirs.len(), "{name} group {}: measurements {ours:?} vs {theirs:?}", line.position);
            for ((our_name, our_value), (their_name, their_value)) in ours.iter().zip(&theirs) {
                assert_eq!(our_name, their_name, "{name} group {}", line.position);
                match (our_value, their_value) {
                    // dsrdump prints Numeric Value (DS); ours is Floating Point Value when present
                    (Some(a), Some(b)) => {
                        assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0), "{name} {our_name}: {a} vs {b}")
                    }
                    (a, b) => assert_eq!(a, b, "{name} {our_name}"),
                }
            }
        }
        println!("{name}: {} measurement groups equal dsrdump's", document.groups.len());
    }
}

/// Each report drawn on every image it references: one graphic per SCOORD line of dsrdump
/// whose SELECTED FROM child names that image (and its frame), owned by its group.
#[test]
fn scoord_graphics_land_on_the_images_dsrdump_names() {
    use dicom_viewer::derived::SourceFrame;
    use dicom_viewer::viewer::layers::{FrameOverlays, LayerStyle};
    for path in sr_files() {
        let document = parse(&path);
        let (lines, _) = dsrdump(&path);
        // per image: SCOORDs selected from it, and those of them inferred by a NUM with a value
        let mut expected: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
        for line in lines.iter().filter(|l| l.value_type == "SCOORD") {
            let child = lines
                .iter()
                .find(|c| c.position == format!("{}.1", line.position) && c.relationship == "selected from");
            let parent_position = line.position.rsplit_once('.').map(|p| p.0).unwrap_or("");
            let valued_num =
                lines.iter().any(|p| p.position == parent_position && p.value_type == "NUM" && p.value != "empty");
            if let Some(child) = child {
                let entry = expected.entry(reference_parts(&child.value).0).or_default();
                entry.0 += 1;
                entry.1 += usize::from(valued_num);
            }
        }
        for (uid, (count, valued)) in &expected {
            let frame = SourceFrame {
                sop_instance_uid: uid.clone(),
                frame_number: 1,
                frame_of_reference_uid: String::new(),
                rows: 512,
                columns: 512,
                position_mm: None,
                orientation: None,
                pixel_spacing_mm: None,
                slice_thickness_mm: None,
            };
            let mut out = FrameOverlays::default();
            document.draw_on(&frame, &LayerStyle::default(), &mut out);
            assert_eq!(out.graphics.len(), *count, "{}: {uid}: one shape per SCOORD dsrdump names", path.display());
            let labelled = out.graphics.iter().filter(|g| g.label.is_some()).count();
            assert!(
                labelled >= *valued,
                "{}: {uid}: a graphic inferred by a NUM is labelled with its value",
                path.display()
            );
            assert!(out.graphics.iter().all(|g| g.owner.0 == "sr"));
            println!("{}: {count} SCOORD on {uid}: {} shapes drawn", path.display(), out.graphics.len());
        }
    }
}

/// Few: a flipped element length can make `read_dataset` allocate for a second or more
/// (measured 0.3–7.6 s per copy in a debug build), which is the reader's matter, not the SR parser's.
const FLIPPED_COPIES: usize = 4;

/// Damaged copies of every report: typed errors or a document, never a panic.
#[test]
fn damaged_reports_never_panic() {
    for path in sr_files() {
        let bytes = std::fs::read(&path).unwrap();
        let mut seed = 0x2545_f491_u32;
        for cut in 1..=16 {
            let end = bytes.len() * cut / 17;
            if let Ok(dataset) = read_dataset(&bytes[..end]) {
                let _ = Derived::parse(DerivedKind::StructuredReport, &dataset);
            }
        }
        for _ in 0..FLIPPED_COPIES {
            let mut copy = bytes.clone();
            for _ in 0..8 {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                let at = seed as usize % copy.len();
                copy[at] ^= (seed >> 24) as u8 | 1;
            }
            if let Ok(dataset) = read_dataset(&copy) {
                if let Ok(Derived::StructuredReport(doc)) = Derived::parse(DerivedKind::StructuredReport, &dataset) {
                    let _ = doc.references();
                }
            }
        }
    }
}

/// A referenced image found among open instances: its display set and the index of its slice.
#[test]
fn referenced_images_are_located_in_their_display_set() {
    use dicom_viewer::derived::sr::display::locate;
    use dicom_viewer::derived::sr::SopReference;
    use dicom_viewer::dicom::DicomImage;
    use dicom_viewer::study::{InstanceMeta, StudyLibrary};
    let dir = common::corpus().join("mr-series-128");
    let mut library = StudyLibrary::new();
    let mut uids = Vec::new();
    // every 8th slice, in reverse order of their names: the set sorts them along the normal
    for (source, n) in (0..128).step_by(8).rev().enumerate() {
        let bytes = std::fs::read(dir.join(format!("slice{n}.dcm"))).unwrap();
        let image = DicomImage::parse_header(&bytes).unwrap();
        let meta = InstanceMeta::read(source as u32, &image.dataset);
        uids.push((source as u32, meta.sop_instance_uid.clone()));
        library.add(meta);
    }
    for (source, uid) in &uids {
        let reference = SopReference { sop_instance_uid: uid.clone(), frames: vec![1], ..SopReference::default() };
        let (key, index) = locate(&library, &reference).expect("open instance located");
        let set = library.display_set(&key).expect("its display set");
        assert_eq!(set.frames[index as usize].source, *source, "{uid}");
    }
    let absent = SopReference { sop_instance_uid: "1.2.3.999".into(), ..SopReference::default() };
    assert_eq!(locate(&library, &absent), None);
}
