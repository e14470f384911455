//! Grouping real series into patients, studies, series and display sets, with slice order
//! checked against positions computed here from Image Position/Orientation (Patient).

use std::path::{Path, PathBuf};
use std::time::Instant;

use dicom_viewer::dicom::DicomImage;
use dicom_viewer::study::{AddOutcome, InstanceMeta, PatientNode, StudyLibrary};

fn corpus() -> PathBuf {
    PathBuf::from(
        std::env::var("DICOM_CORPUS")
            .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/dicom").into()),
    )
}

fn dicom_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e} (set DICOM_CORPUS)", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if matches!(path.extension().and_then(|e| e.to_str()), Some("dcm" | "seg")) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Deterministic Fisher–Yates shuffle (64-bit LCG, Knuth's MMIX constants).
fn shuffle<T>(items: &mut [T], seed: u64) {
    let mut state = seed;
    for i in (1..items.len()).rev() {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        items.swap(i, ((state >> 33) % (i as u64 + 1)) as usize);
    }
}

/// Slice normal and projection written out here, independently of the library's geometry.
fn position_along_normal(meta: &InstanceMeta) -> f64 {
    let o = meta.image_orientation.expect("orientation");
    let p = meta.image_position.expect("position");
    let normal = [o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5], o[0] * o[4] - o[1] * o[3]];
    p[0] * normal[0] + p[1] * normal[1] + p[2] * normal[2]
}

fn library_of(metas: &[InstanceMeta]) -> (StudyLibrary, usize) {
    let mut library = StudyLibrary::new();
    let duplicates = metas.iter().filter(|meta| library.add((*meta).clone()) != AddOutcome::Added).count();
    (library, duplicates)
}

fn load(paths: &[PathBuf]) -> Vec<InstanceMeta> {
    paths
        .iter()
        .enumerate()
        .map(|(source, path)| InstanceMeta::from_bytes(source as u32, &std::fs::read(path).unwrap()).unwrap())
        .collect()
}

#[test]
fn mr_series_128_is_one_stack_sorted_along_the_normal_in_any_order() {
    let paths = dicom_files(&corpus().join("mr-series-128"));
    assert_eq!(paths.len(), 128);
    let files: Vec<Vec<u8>> = paths.iter().map(|p| std::fs::read(p).unwrap()).collect();

    let start = Instant::now();
    let mut library = StudyLibrary::new();
    for (source, bytes) in files.iter().enumerate() {
        let image = DicomImage::parse_header(bytes).unwrap();
        assert_eq!(library.add(InstanceMeta::read(source as u32, &image.dataset)), AddOutcome::Added);
    }
    let added = start.elapsed();
    let patients = library.patients();
    println!(
        "mr-series-128: parse_header + InstanceMeta::read + add of 128 files {added:?}, tree {:?}",
        start.elapsed() - added
    );

    let mut reference: Option<Vec<PatientNode>> = None;
    for seed in [1, 2, 3, 0xDEAD_BEEF] {
        let mut metas: Vec<InstanceMeta> = library.instances().to_vec();
        shuffle(&mut metas, seed);
        let (shuffled, duplicates) = library_of(&metas);
        assert_eq!(duplicates, 0);
        let tree = shuffled.patients();
        assert_eq!(tree, patients, "tree differs for shuffle seed {seed}");
        reference.get_or_insert(tree);
    }

    assert_eq!((library.patient_count(), library.study_count(), library.series_count()), (1, 1, 1));
    let series = &patients[0].studies[0].series[0];
    assert_eq!(series.display_sets.len(), 1);
    let set = &series.display_sets[0];
    assert_eq!(set.frames.len(), 128);
    assert!(set.frames.iter().all(|f| f.frame == 0) && !set.is_multi_frame && set.has_pixel_data);
    assert_eq!(library.display_set(&set.key).as_ref(), Some(set));
    let positions: Vec<f64> =
        set.frames.iter().map(|f| position_along_normal(library.instance(f.source).unwrap())).collect();
    assert!(positions.windows(2).all(|pair| pair[1] > pair[0]), "not ascending along the normal: {positions:?}");
    let step = (positions[127] - positions[0]) / 127.0;
    let spacing = set.slice_spacing.expect("regular stack");
    assert!((spacing - step).abs() < 1e-9, "spacing {spacing} vs {step}");
    println!("mr-series-128: slice spacing {spacing} mm, first {} last {}", positions[0], positions[127]);
}

#[test]
fn paramaps_adc_series_is_20_slices_and_the_copy_is_a_duplicate() {
    // paramaps/pm-example-slice.dcm is a byte copy of 701-ADCb500/000000.dcm (same SOP Instance UID).
    let metas = load(&dicom_files(&corpus().join("dcmqi/paramaps")));
    assert_eq!(metas.len(), 21);
    let (library, duplicates) = library_of(&metas);
    assert_eq!(duplicates, 1);
    assert_eq!(
        (library.patient_count(), library.study_count(), library.series_count(), library.instance_count()),
        (1, 1, 1, 20)
    );
    let patients = library.patients();
    assert_eq!(patients[0].id, "QIN-PROSTATE-01-0001");
    assert_eq!(patients[0].studies[0].date, "19710714");
    let series = &patients[0].studies[0].series[0];
    assert_eq!((series.series_number, series.modality.as_str()), (Some(701), "MR"));
    assert_eq!(series.display_sets.len(), 1);
    let set = &series.display_sets[0];
    // Instance Numbers 1..20 climb along the normal (dcmdump: z from −43.97 to 12.16 mm while
    // the normal is ≈ (−0.003, −0.174, 0.985)), so the order is instance 1 → 20.
    let numbers: Vec<i64> =
        set.frames.iter().map(|f| library.instance(f.source).unwrap().instance_number.unwrap()).collect();
    assert_eq!(numbers, (1..=20).collect::<Vec<_>>());
    // Consecutive positions differ by (−0.0089, −0.5215, 2.9543) mm: 3.000 mm apart.
    let spacing = set.slice_spacing.expect("regular");
    assert!((spacing - 3.0).abs() < 0.001, "{spacing}");
}

#[test]
fn segmentations_group_by_patient_study_and_series() {
    let paths = dicom_files(&corpus().join("dcmqi/segmentations"));
    let metas = load(&paths);
    assert_eq!(metas.len(), 15);
    let (library, duplicates) = library_of(&metas);
    assert_eq!(duplicates, 0);
    // dcmdump: patient 99000 (ct-3slice CT, liver SEG, partial_overlaps SEG: one study) and
    // patient 123456 (23x38x3 and 24x38x3: one study each with image, multiframe and SEG series).
    assert_eq!((library.patient_count(), library.study_count(), library.series_count()), (2, 3, 9));
    let patients = library.patients();
    let jan = patients.iter().find(|p| p.id == "99000").unwrap();
    assert_eq!(jan.name, "JANCT000");
    let study = &jan.studies[0];
    assert_eq!(study.modalities, vec!["CT", "SEG"]);
    let numbers: Vec<Option<i64>> = study.series.iter().map(|s| s.series_number).collect();
    assert_eq!(numbers, vec![Some(1), Some(2), Some(100)]);
    let name_of = |source: u32| paths[source as usize].file_name().unwrap().to_string_lossy().into_owned();
    // CT: z = −126.69 (01), −127.69 (02), −128.69 (03); axial normal +z: ascending is 03, 02, 01.
    let ct = &study.series[1].display_sets[0];
    assert_eq!(ct.frames.iter().map(|f| name_of(f.source)).collect::<Vec<_>>(), vec!["03.dcm", "02.dcm", "01.dcm"]);
    assert!(ct.slice_spacing.is_some_and(|s| (s - 1.0).abs() < 1e-9), "{:?}", ct.slice_spacing);
    // liver.dcm and partial_overlaps.dcm are SEGs: no display sets of their own, both listed
    // on the CT they reference (tests/derived_matching.rs checks the matching itself).
    assert!(study.series[0].display_sets.is_empty() && study.series[2].display_sets.is_empty());
    let on_ct: Vec<String> = study.series[1].derived.iter().map(|d| name_of(d.source)).collect();
    assert_eq!(on_ct, vec!["liver.dcm", "partial_overlaps.dcm"]);
    // 23x38x3/multiframe/mf.dcm: enhanced CT, per-frame z = −177.75, −175.25, −172.75.
    let other = patients.iter().find(|p| p.id == "123456").unwrap();
    let enhanced = other
        .studies
        .iter()
        .flat_map(|s| &s.series)
        .flat_map(|s| &s.display_sets)
        .find(|set| set.is_multi_frame && set.modality == "CT" && set.columns == 23)
        .unwrap();
    assert!(enhanced.frames.iter().map(|f| f.frame).eq(0..3));
    assert!(enhanced.slice_spacing.is_some_and(|s| (s - 2.5).abs() < 1e-9), "{:?}", enhanced.slice_spacing);
    let meta = library.instance(enhanced.frames[0].source).unwrap();
    assert_eq!(meta.frame_positions[1], Some([46.4649, 5.01881, -175.25]));
    assert_eq!(meta.frame_orientations[0], Some([1.0, 0.0, 0.0, 0.0, 1.0, 0.0]));
}

#[test]
fn structured_report_is_not_a_display_set() {
    let paths = dicom_files(&corpus().join("dcmqi/sr-example"));
    let metas = load(&paths);
    let (library, _) = library_of(&metas);
    let report = library.instances().iter().find(|m| m.modality == "SR").unwrap();
    assert!(!report.has_pixel_data);
    assert_eq!(report.number_of_frames, 0);
    let set = library
        .patients()
        .into_iter()
        .flat_map(|p| p.studies)
        .flat_map(|s| s.series)
        .find(|s| s.modality == "SR")
        .unwrap()
        .display_sets;
    assert!(set.is_empty(), "an SR is offered on the series it describes, not as a \"0 img\" entry");
}
