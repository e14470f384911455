//! Derived objects join their source (issue 12): SEG, RTSTRUCT, SR and KOS from the corpus and
//! generated at test time (highdicom in .tools/py, pydicom for edited copies) are listed on the
//! series they reference and never become image stacks; without references the Frame of
//! Reference and the slice planes decide; an object whose images are not loaded names the series
//! it needs. What each object references is checked against `dcmdump` (run here).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use dicom_viewer::derived::matching::MatchBasis;
use dicom_viewer::derived::DerivedKind;
use dicom_viewer::study::{AddOutcome, DerivedNode, InstanceMeta, PatientNode, SeriesNode, StudyLibrary};

fn corpus() -> PathBuf {
    PathBuf::from(
        std::env::var("DICOM_CORPUS")
            .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/dicom").into()),
    )
}

fn python() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.tools/py/bin/python"))
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("derived-matching-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn library_of(paths: &[PathBuf]) -> StudyLibrary {
    let mut library = StudyLibrary::new();
    for (source, path) in paths.iter().enumerate() {
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let meta =
            InstanceMeta::from_bytes(source as u32, &bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(library.add(meta), AddOutcome::Added, "{}", path.display());
    }
    library
}

/// Every value of `tag` anywhere in the file, as dcmdump prints it.
fn dcmdump_values(path: &Path, tag: &str) -> BTreeSet<String> {
    let out = Command::new("dcmdump")
        .args(["+P", tag, "-q"])
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("dcmdump (dcmtk) is needed: {e}"));
    assert!(out.status.success(), "dcmdump {}: {}", path.display(), String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| Some(line.split_once('[')?.1.split_once(']')?.0.to_string()))
        .collect()
}

fn all_series(patients: &[PatientNode]) -> Vec<&SeriesNode> {
    patients.iter().flat_map(|p| &p.studies).flat_map(|s| &s.series).collect()
}

fn series_with<'a>(patients: &'a [PatientNode], uid: &str) -> &'a SeriesNode {
    all_series(patients).into_iter().find(|s| s.series_instance_uid == uid).unwrap_or_else(|| panic!("series {uid}"))
}

fn labels(nodes: &[DerivedNode]) -> Vec<(DerivedKind, String)> {
    let mut out: Vec<_> = nodes.iter().map(|n| (n.kind, n.label.clone())).collect();
    out.sort();
    out
}

fn one_uid(path: &Path, tag: &str) -> String {
    let values = dcmdump_values(path, tag);
    assert_eq!(values.len(), 1, "{} {tag}: {values:?}", path.display());
    values.into_iter().next().unwrap()
}

#[test]
fn segmentations_are_listed_on_the_ct_they_reference_not_as_stacks() {
    let ct_dir = corpus().join("dcmqi/segmentations/ct-3slice");
    let ct: Vec<PathBuf> = ["01.dcm", "02.dcm", "03.dcm"].iter().map(|f| ct_dir.join(f)).collect();
    let segs = [
        corpus().join("dcmqi/segmentations/liver.dcm"),
        corpus().join("dcmqi/segmentations/partial_overlaps.dcm"),
        corpus().join("derived/seg/syngo-ct-3slice/syngo.seg.dcm"),
    ];
    let paths: Vec<PathBuf> = ct.iter().chain(&segs).cloned().collect();
    let library = library_of(&paths);
    // Each SEG names every CT slice (dcmdump: its Referenced SOP Instance UIDs).
    let ct_uids: BTreeSet<String> = ct.iter().map(|p| one_uid(p, "0008,0018")).collect();
    for (offset, seg) in segs.iter().enumerate() {
        let meta = library.instance((ct.len() + offset) as u32).unwrap();
        let ours: BTreeSet<String> = meta.derived.references.instances.iter().map(|(uid, _)| uid.clone()).collect();
        assert_eq!(ours, dcmdump_values(seg, "0008,1155"), "{}", seg.display());
        assert!(ct_uids.is_subset(&ours));
        assert_eq!(meta.derived.kind, Some(DerivedKind::Segmentation));
    }
    let patients = library.patients();
    let ct_series_uid = one_uid_top(&ct[0]);
    let ct_series = series_with(&patients, &ct_series_uid);
    assert_eq!(ct_series.display_sets.len(), 1);
    assert_eq!(ct_series.display_sets[0].frames.len(), 3, "the panel counts the CT's 3 images");
    assert_eq!(ct_series.derived.len(), 3, "{:?}", ct_series.derived);
    assert!(ct_series.derived.iter().all(|d| d.basis == Some(MatchBasis::ReferencedInstances)));
    // Labels: Series Description (dcmdump), else Content Label.
    for (node, seg) in ct_series.derived.iter().map(|n| (n, &paths[n.source as usize])) {
        let expected = dcmdump_values(seg, "0008,103e").into_iter().next().unwrap_or_else(|| one_uid(seg, "0070,0080"));
        assert_eq!(node.label, expected.trim(), "{}", seg.display());
    }
    // No SEG series becomes a display set (it used to open as a grey stack of masks).
    for seg in &segs {
        let series = series_with(&patients, &one_uid_top(seg));
        assert!(series.display_sets.is_empty(), "{}: {:?}", seg.display(), series.display_sets);
    }
    let sets: usize = all_series(&patients).iter().map(|s| s.display_sets.len()).sum();
    assert_eq!(sets, 1);
    assert!(patients.iter().flat_map(|p| &p.studies).all(|s| s.unresolved.is_empty()));
}

#[test]
fn a_segmentation_alone_names_the_series_it_needs() {
    let seg = corpus().join("dcmqi/segmentations/liver.dcm");
    let library = library_of(std::slice::from_ref(&seg));
    let patients = library.patients();
    let study = &patients[0].studies[0];
    assert!(study.series.iter().all(|s| s.display_sets.is_empty()));
    assert_eq!(study.unresolved.len(), 1);
    let node = &study.unresolved[0];
    let ct_series = one_uid_top(&corpus().join("dcmqi/segmentations/ct-3slice/01.dcm"));
    assert_eq!(node.needs_series, vec![ct_series]);
    assert_eq!(node.needs_instances, 3);
    assert_eq!(node.basis, None);
}

#[test]
fn structure_sets_join_their_ct_slices() {
    let dir = corpus().join("derived/rtstruct/rt-utils");
    let paths: Vec<PathBuf> = ["ct_1.dcm", "ct_2.dcm", "rt.dcm", "dummy_rt.dcm"].iter().map(|f| dir.join(f)).collect();
    let library = library_of(&paths);
    let patients = library.patients();
    let ct_series = one_uid(&paths[0], "0020,000e");
    let series = series_with(&patients, &ct_series);
    assert_eq!(series.display_sets.iter().map(|s| s.frames.len()).sum::<usize>(), 2);
    assert_eq!(series.derived.len(), 2, "{:?}", series.derived);
    assert!(series.derived.iter().all(|d| d.kind == DerivedKind::RtStructureSet));
    assert!(series.derived.iter().all(|d| d.basis == Some(MatchBasis::ReferencedInstances)));
    // Labels: Series Description, else Structure Set Label (dcmdump).
    for node in &series.derived {
        let path = &paths[node.source as usize];
        let expected =
            dcmdump_values(path, "0008,103e").into_iter().next().unwrap_or_else(|| one_uid(path, "3006,0002"));
        assert_eq!(node.label, expected.trim(), "{}", path.display());
    }
    // dummy_rt.dcm also names the z = 70 slice, which is not in the corpus: still on the CT.
    let dummy = library.instance(3).unwrap();
    let named: BTreeSet<&str> = dummy.derived.references.instances.iter().map(|(u, _)| u.as_str()).collect();
    let loaded: BTreeSet<String> = paths[..2].iter().map(|p| one_uid(p, "0008,0018")).collect();
    assert!(loaded.iter().all(|u| named.contains(u.as_str())));
    assert!(named.len() > loaded.len(), "{named:?}");
    // The RT Referenced Study Sequence names a study, not an image.
    let study = one_uid(&paths[2], "0020,000d");
    assert!(!named.contains(study.as_str()));
}

/// `dummy_rt.dcm` (contours on z = 60, 65 and 70 in the CT's Frame of Reference) rewritten by pydicom: every Contour Image Sequence and the RT Referenced Study
/// Sequence removed (no image references left) and the contours moved by `dz` mm.
fn unreferenced_structure_set(out: &Path, dz: f64) {
    let script = r#"
import sys, pydicom
ds = pydicom.dcmread(sys.argv[1])
dz = float(sys.argv[3])
for roi in ds.ROIContourSequence:
    for contour in roi.ContourSequence:
        if 'ContourImageSequence' in contour:
            del contour.ContourImageSequence
        data = [float(v) for v in contour.ContourData]
        contour.ContourData = [v + dz if i % 3 == 2 else v for i, v in enumerate(data)]
for ref in ds.ReferencedFrameOfReferenceSequence:
    if 'RTReferencedStudySequence' in ref:
        del ref.RTReferencedStudySequence
ds.save_as(sys.argv[2])
"#;
    let status = Command::new(python())
        .args(["-c", script])
        .arg(corpus().join("derived/rtstruct/rt-utils/dummy_rt.dcm"))
        .arg(out)
        .arg(dz.to_string())
        .status()
        .expect(".tools/py (scripts/setup.sh) with pydicom");
    assert!(status.success());
    assert!(dcmdump_values(out, "0008,1155").is_empty(), "no references left");
}

#[test]
fn without_references_the_frame_of_reference_and_planes_decide() {
    let dir = corpus().join("derived/rtstruct/rt-utils");
    let temp = temp_dir("planes");
    // ct_1 at z = 60, ct_2 at z = 65 (Slice Thickness from dcmdump): a shift under half a
    // thickness keeps the contours on their slices, one of 40 mm leaves every slice.
    let thickness: f64 = one_uid(&dir.join("ct_1.dcm"), "0018,0050").trim().parse().unwrap();
    let near = temp.join("near.dcm");
    let far = temp.join("far.dcm");
    unreferenced_structure_set(&near, thickness * 0.4);
    unreferenced_structure_set(&far, 40.0);
    let library = library_of(&[dir.join("ct_1.dcm"), dir.join("ct_2.dcm"), near]);
    let patients = library.patients();
    let series = series_with(&patients, &one_uid(&dir.join("ct_1.dcm"), "0020,000e"));
    assert_eq!(series.derived.len(), 1);
    assert_eq!(series.derived[0].basis, Some(MatchBasis::FrameOfReferencePlanes));
    let library = library_of(&[dir.join("ct_1.dcm"), dir.join("ct_2.dcm"), far]);
    let patients = library.patients();
    assert!(series_with(&patients, &one_uid(&dir.join("ct_1.dcm"), "0020,000e")).derived.is_empty());
    let unresolved: Vec<&DerivedNode> = patients.iter().flat_map(|p| &p.studies).flat_map(|s| &s.unresolved).collect();
    assert_eq!(unresolved.len(), 1);
    let _ = std::fs::remove_dir_all(&temp);
}

/// Writes a KOS or SR with scripts/derived-objects.py; returns its path.
fn generated(kind: &str, out: &Path, sources: &[PathBuf]) -> PathBuf {
    let status = Command::new(python())
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/derived-objects.py"))
        .arg(kind)
        .arg(out)
        .args(sources)
        .stdout(std::process::Stdio::null())
        .status()
        .expect(".tools/py with highdicom (scripts/setup.sh)");
    assert!(status.success(), "derived-objects.py {kind}");
    out.to_path_buf()
}

#[test]
fn key_objects_and_reports_join_the_images_they_name() {
    let temp = temp_dir("documents");
    let mr_dir = corpus().join("mr-series-128");
    let mut paths: Vec<PathBuf> = (0..128).map(|i| mr_dir.join(format!("slice{i}.dcm"))).collect();
    let key_images = [mr_dir.join("slice10.dcm"), mr_dir.join("slice20.dcm")];
    paths.push(generated("kos", &temp.join("kos.dcm"), &key_images));
    let ct_dir = corpus().join("dcmqi/segmentations/ct-3slice");
    let ct: Vec<PathBuf> = ["01.dcm", "02.dcm", "03.dcm"].iter().map(|f| ct_dir.join(f)).collect();
    paths.extend(ct.iter().cloned());
    paths.push(generated("sr", &temp.join("sr.dcm"), &ct));
    let library = library_of(&paths);
    let patients = library.patients();
    let mr = series_with(&patients, &one_uid(&key_images[0], "0020,000e"));
    assert_eq!(mr.display_sets[0].frames.len(), 128);
    assert_eq!(labels(&mr.derived), vec![(DerivedKind::KeyObjectSelection, "Of Interest".to_string())]);
    let kos = &mr.derived[0];
    assert_eq!(kos.basis, Some(MatchBasis::ReferencedInstances));
    let ct_series = series_with(&patients, &one_uid(&ct[0], "0020,000e"));
    // The SR's title is its root Concept Name (dcmdump prints it as the first Code Meaning of
    // the document's top level); highdicom writes TID 1500's "Imaging Measurement Report".
    assert_eq!(
        labels(&ct_series.derived),
        vec![(DerivedKind::StructuredReport, "Imaging Measurement Report".to_string())]
    );
    // Neither document is a series of its own in the panel.
    let document_series = [one_uid_top(&paths[128]), one_uid_top(paths.last().unwrap())];
    for uid in &document_series {
        assert!(series_with(&patients, uid).display_sets.is_empty());
    }
    let _ = std::fs::remove_dir_all(&temp);
}

#[test]
fn a_report_without_its_images_names_the_series_it_needs() {
    // dcmqi's sr-example: the SR, its SEG and a real-world value map, without the CT.
    let dir = corpus().join("dcmqi/sr-example");
    let paths = vec![dir.join("sr.dcm"), dir.join("seg.dcm")];
    let library = library_of(&paths);
    let patients = library.patients();
    let unresolved: Vec<&DerivedNode> = patients.iter().flat_map(|p| &p.studies).flat_map(|s| &s.unresolved).collect();
    assert_eq!(unresolved.len(), 2, "{unresolved:?}");
    let sr = unresolved.iter().find(|n| n.kind == DerivedKind::StructuredReport).unwrap();
    // Every series the SR names (dcmdump) but its own and the loaded SEG's.
    let mut named = dcmdump_values(&paths[0], "0020,000e");
    named.remove(&one_uid_top(&paths[0]));
    named.remove(&one_uid_top(&paths[1]));
    assert!(!named.is_empty());
    assert_eq!(sr.needs_series.iter().cloned().collect::<BTreeSet<_>>(), named);
}

/// The object's own Series Instance UID (top level).
fn one_uid_top(path: &Path) -> String {
    let out = Command::new("dcmdump").args(["-q", "+L"]).arg(path).output().unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find(|l| l.starts_with("(0020,000e)"))
        .and_then(|l| Some(l.split_once('[')?.1.split_once(']')?.0.to_string()))
        .unwrap()
}
