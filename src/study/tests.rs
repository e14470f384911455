//! Grouping and sorting rules on synthetic instances, with hand-derived expectations.

use super::*;

const AXIAL: [f64; 6] = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0];
const CORONAL: [f64; 6] = [1.0, 0.0, 0.0, 0.0, 0.0, -1.0];

fn image(source: u32, z: Option<f64>, instance_number: Option<i64>) -> InstanceMeta {
    InstanceMeta {
        source,
        patient_name: "Doe^Jane".into(),
        patient_id: "P1".into(),
        patient_birth_date: String::new(),
        patient_sex: "F".into(),
        study_instance_uid: "1.2.3".into(),
        study_date: "20240101".into(),
        study_time: String::new(),
        study_description: String::new(),
        accession_number: String::new(),
        series_instance_uid: "1.2.3.4".into(),
        series_number: Some(4),
        series_description: "T1".into(),
        modality: "MR".into(),
        sop_instance_uid: format!("1.2.3.4.{source}"),
        sop_class_uid: "1.2.840.10008.5.1.4.1.1.4".into(),
        instance_number,
        number_of_frames: 1,
        rows: 256,
        columns: 256,
        samples_per_pixel: 1,
        photometric: "MONOCHROME2".into(),
        image_position: z.map(|z| [-100.0, -100.0, z]),
        image_orientation: Some(AXIAL),
        pixel_spacing: Some([1.0, 1.0]),
        imager_pixel_spacing: None,
        slice_thickness: None,
        slice_location: None,
        spacing_between_slices: None,
        frame_of_reference_uid: String::new(),
        rescale_type: String::new(),
        units: String::new(),
        dose_units: String::new(),
        body_part_examined: String::new(),
        has_pixel_data: true,
        frame_positions: Vec::new(),
        frame_orientations: Vec::new(),
        frame_pixel_spacings: Vec::new(),
        derived: Default::default(),
    }
}

fn library(metas: Vec<InstanceMeta>) -> StudyLibrary {
    let mut library = StudyLibrary::new();
    for meta in metas {
        assert_eq!(library.add(meta), AddOutcome::Added);
    }
    library
}

fn only_series(library: &StudyLibrary) -> SeriesNode {
    let patients = library.patients();
    assert_eq!(patients.len(), 1);
    assert_eq!(patients[0].studies.len(), 1);
    assert_eq!(patients[0].studies[0].series.len(), 1);
    patients[0].studies[0].series[0].clone()
}

fn sources(set: &DisplaySet) -> Vec<u32> {
    set.frames.iter().map(|f| f.source).collect()
}

#[test]
fn axial_slices_sort_inferior_to_superior_whatever_the_order_of_arrival() {
    // z = 10, −5, 2.5, 0 arrive with instance numbers that disagree with position.
    let metas = || {
        vec![
            image(0, Some(10.0), Some(1)),
            image(1, Some(-5.0), Some(2)),
            image(2, Some(2.5), Some(3)),
            image(3, Some(0.0), Some(4)),
        ]
    };
    let forward = only_series(&library(metas()));
    let backward = only_series(&library(metas().into_iter().rev().collect()));
    assert_eq!(forward, backward);
    let set = &forward.display_sets[0];
    assert_eq!(sources(set), vec![1, 3, 2, 0]);
    assert_eq!(set.frames.iter().map(|f| f.frame).collect::<Vec<_>>(), vec![0; 4]);
    assert_eq!(set.slice_spacing, None, "steps 5, 2.5, 7.5 are irregular");
    assert_eq!(set.label, "4: T1");
    assert!(!set.is_multi_frame);
}

#[test]
fn regular_stack_has_spacing() {
    let set =
        &only_series(&library((0..5).map(|i| image(i, Some(f64::from(i) * -2.5), None)).collect())).display_sets[0];
    assert_eq!(sources(set), vec![4, 3, 2, 1, 0]);
    assert_eq!(set.slice_spacing, Some(2.5));
}

#[test]
fn different_sizes_split() {
    let mut small = image(2, Some(0.0), Some(3));
    small.rows = 128;
    let series = only_series(&library(vec![image(0, Some(0.0), Some(1)), image(1, Some(1.0), Some(2)), small]));
    assert_eq!(series.display_sets.len(), 2);
    assert_eq!(sources(&series.display_sets[0]), vec![0, 1]);
    assert_eq!(sources(&series.display_sets[1]), vec![2]);
    assert_eq!((series.display_sets[1].rows, series.display_sets[1].columns), (128, 256));
    assert_eq!(series.display_sets[0].label, "4: T1 (1 of 2)");
}

#[test]
fn different_orientations_split_and_tolerance_joins() {
    let mut coronal = image(2, Some(0.0), Some(3));
    coronal.image_orientation = Some(CORONAL);
    let mut nearly_axial = image(3, Some(2.0), Some(4));
    nearly_axial.image_orientation = Some([0.9999995, 0.0001, 0.0, 0.0, 1.0, 0.0001]);
    let series =
        only_series(&library(vec![image(0, Some(0.0), Some(1)), image(1, Some(1.0), Some(2)), coronal, nearly_axial]));
    assert_eq!(series.display_sets.len(), 2);
    assert_eq!(sources(&series.display_sets[0]), vec![0, 1, 3]);
    assert_eq!(sources(&series.display_sets[1]), vec![2]);
}

#[test]
fn missing_positions_fall_back_to_instance_number_then_uid() {
    let metas =
        vec![image(0, None, Some(3)), image(1, Some(5.0), Some(1)), image(2, None, None), image(3, None, Some(2))];
    let set = &only_series(&library(metas)).display_sets[0];
    assert_eq!(sources(set), vec![1, 3, 0, 2]);
    assert_eq!(set.slice_spacing, None);
}

#[test]
fn duplicates_are_ignored_and_reported() {
    let mut library = library(vec![image(0, Some(0.0), Some(1))]);
    let mut copy = image(7, Some(0.0), Some(1));
    copy.sop_instance_uid = "1.2.3.4.0".into();
    assert_eq!(
        library.add(copy),
        AddOutcome::DuplicateInstance { sop_instance_uid: "1.2.3.4.0".into(), existing_source: 0 }
    );
    let mut same_source = image(0, Some(1.0), Some(2));
    same_source.sop_instance_uid = "9.9".into();
    assert_eq!(library.add(same_source), AddOutcome::DuplicateSource { source: 0 });
    assert_eq!(library.instance_count(), 1);
    assert!(library.instance(7).is_none());
    assert_eq!(library.instance(0).map(|m| m.image_position), Some(Some([-100.0, -100.0, 0.0])));
}

#[test]
fn multi_frame_instance_is_its_own_stack_in_frame_order() {
    let mut cine = image(5, Some(0.0), Some(9));
    cine.number_of_frames = 4;
    let library = library(vec![image(0, Some(0.0), Some(1)), cine]);
    let series = only_series(&library);
    assert_eq!(series.display_sets.len(), 2);
    let set = &series.display_sets[1];
    assert_eq!(set.key, "1.2.3.4.5");
    assert!(set.is_multi_frame);
    assert_eq!(set.frames, (0..4).map(|frame| FrameRef { source: 5, frame }).collect::<Vec<_>>());
    assert_eq!(library.display_set("1.2.3.4.5").as_ref(), Some(set));
    assert_eq!(library.display_set(&series.display_sets[0].key).as_ref(), Some(&series.display_sets[0]));
}

#[test]
fn enhanced_frames_sort_by_plane_position() {
    let mut enhanced = image(1, None, Some(1));
    enhanced.number_of_frames = 3;
    enhanced.frame_positions = vec![Some([0.0, 0.0, 4.0]), Some([0.0, 0.0, -2.0]), Some([0.0, 0.0, 1.0])];
    let set = &only_series(&library(vec![enhanced.clone()])).display_sets[0];
    assert_eq!(set.frames.iter().map(|f| f.frame).collect::<Vec<_>>(), vec![1, 2, 0]);
    assert_eq!(set.slice_spacing, Some(3.0));
    // A SEG repeats each position per segment: frame order is kept.
    enhanced.number_of_frames = 4;
    enhanced.frame_positions =
        vec![Some([0.0, 0.0, 1.0]), Some([0.0, 0.0, 0.0]), Some([0.0, 0.0, 1.0]), Some([0.0, 0.0, 0.0])];
    let set = &only_series(&library(vec![enhanced.clone()])).display_sets[0];
    assert_eq!(set.frames.iter().map(|f| f.frame).collect::<Vec<_>>(), vec![0, 1, 2, 3]);
    // One frame without a position: frame order.
    enhanced.number_of_frames = 3;
    enhanced.frame_positions = vec![Some([0.0, 0.0, 4.0]), None, Some([0.0, 0.0, 1.0])];
    let set = &only_series(&library(vec![enhanced])).display_sets[0];
    assert_eq!(set.frames.iter().map(|f| f.frame).collect::<Vec<_>>(), vec![0, 1, 2]);
}

#[test]
fn objects_without_pixel_data_are_listed_without_frames() {
    let mut report = image(3, None, Some(1));
    report.has_pixel_data = false;
    report.number_of_frames = 0;
    report.modality = "SR".into();
    report.series_description = String::new();
    let series = only_series(&library(vec![report]));
    assert_eq!(series.sources, vec![3]);
    assert_eq!(series.display_sets.len(), 1);
    assert!(series.display_sets[0].frames.is_empty());
    assert!(!series.display_sets[0].has_pixel_data);
    assert_eq!(series.display_sets[0].label, "4: SR");
}

#[test]
fn tree_orders_studies_newest_first_and_series_by_number() {
    let mut old = image(1, Some(0.0), None);
    (old.study_instance_uid, old.study_date, old.series_instance_uid) =
        ("1.2.1".into(), "20200101".into(), "1.2.1.1".into());
    let mut undated = image(2, Some(0.0), None);
    (undated.study_instance_uid, undated.study_date, undated.series_instance_uid) =
        ("1.2.0".into(), String::new(), "1.2.0.1".into());
    let mut second_series = image(3, Some(0.0), None);
    (second_series.series_instance_uid, second_series.series_number) = ("1.2.3.9".into(), Some(2));
    let mut other_patient = image(4, Some(0.0), None);
    (other_patient.patient_id, other_patient.patient_name) = ("P0".into(), "Adams^Ann".into());
    (other_patient.study_instance_uid, other_patient.series_instance_uid) = ("5.5".into(), "5.5.1".into());
    let library = library(vec![old, image(0, Some(0.0), None), undated, second_series, other_patient]);
    let patients = library.patients();
    assert_eq!(patients.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), vec!["P0", "P1"]);
    let studies: Vec<&str> = patients[1].studies.iter().map(|s| s.study_instance_uid.as_str()).collect();
    assert_eq!(studies, vec!["1.2.3", "1.2.1", "1.2.0"]);
    let numbers: Vec<Option<i64>> = patients[1].studies[0].series.iter().map(|s| s.series_number).collect();
    assert_eq!(numbers, vec![Some(2), Some(4)]);
    assert_eq!(
        (library.patient_count(), library.study_count(), library.series_count(), library.instance_count()),
        (2, 4, 5, 5)
    );
}

#[test]
fn display_set_of_a_source_and_replacing_a_copy() {
    let mut library = library(vec![image(0, Some(0.0), Some(1)), image(1, Some(1.0), Some(2))]);
    let set = library.display_set_of(1).expect("a display set");
    assert_eq!(sources(&set), vec![0, 1]);
    assert!(library.display_set_of(5).is_none());
    // Another copy of instance 1 (same UID, e.g. read again intact) replaces its metadata.
    let mut copy = image(1, Some(1.0), Some(2));
    copy.rows = 512;
    assert!(library.replace(copy));
    assert_eq!(library.instance(1).map(|m| m.rows), Some(512));
    let mut other = image(1, Some(1.0), Some(2));
    other.sop_instance_uid = "9.9".into();
    assert!(!library.replace(other));
}
