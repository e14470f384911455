//! Parametric maps, PET SUV and fusion, natively:
//! - SUVbw equals a hand computation from the header values dcmdump reads at test time
//!   (fo-dicom's GH184 and the two ACRIN-FLT-Breast slices, and a synthetic PET series);
//! - the Real World Value Mapping of a parametric map written by highdicom at test time (and of
//!   dcmqi's Real World Value Mapping object) equals what dcmdump reads, applied to the decoded
//!   float pixel data;
//! - the parametric map fused over its ADC source, and a PET series fused over a CT of the same
//!   Frame of Reference, give the colours computed here by hand at known pixels.

use std::path::{Path, PathBuf};
use std::process::Command;

use dicom_viewer::api::decode_frame;
use dicom_viewer::pipeline::real_world::{referenced_image_mappings, RealWorldMappings};
use dicom_viewer::study::InstanceMeta;
use dicom_viewer::viewer::fusion::{
    fuse, nearest_plane, slice_spacing_mm, ColourMap, FusionStyle, Interpolation, Plane,
};
use dicom_viewer::viewer::suv::{suv_bw, DecayCorrection};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/dicom")
}

/// The first value of an attribute as dcmdump prints it (searching nested items too), e.g.
/// `dcmdump_value(path, "RadionuclideTotalDose")`.
fn dcmdump_value(path: &Path, keyword: &str) -> Option<String> {
    let output = Command::new("dcmdump").args(["+P", keyword, "-s"]).arg(path).output().expect("dcmtk's dcmdump");
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text.lines().next()?;
    if let (Some(start), Some(end)) = (line.find('['), line.find(']')) {
        return Some(line[start + 1..end].trim().to_string());
    }
    // Binary VRs (US, FD): "(0040,9225) FD 0.000375…  #  8, 1 RealWorldValueSlope".
    line.split_whitespace().nth(2).map(str::to_string)
}

fn number(path: &Path, keyword: &str) -> f64 {
    let text = dcmdump_value(path, keyword).unwrap_or_else(|| panic!("{keyword} in {}", path.display()));
    text.split('\\').next().unwrap().trim().parse().unwrap_or_else(|_| panic!("{keyword} = {text:?}"))
}

/// Seconds since midnight of "HHMMSS.frac".
fn clock(text: &str) -> f64 {
    let hours: f64 = text[0..2].parse().unwrap();
    let minutes: f64 = text[2..4].parse().unwrap();
    let seconds: f64 = text[4..].parse().unwrap();
    hours * 3600.0 + minutes * 60.0 + seconds
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn dataset(path: &Path) -> dicom_object::InMemDicomObject {
    dicom_viewer::derived::read_dataset(&read(path)).expect("readable")
}

/// SUVbw factor by hand: the dose decays from the injection to the series time (all on the
/// same day in these files) by 2^(−Δt / half-life); factor = weight (g) / decayed dose.
fn hand_suv_factor(path: &Path) -> (f64, f64) {
    assert_eq!(dcmdump_value(path, "Units").as_deref(), Some("BQML"));
    assert_eq!(dcmdump_value(path, "DecayCorrection").as_deref(), Some("START"));
    let series = clock(&dcmdump_value(path, "SeriesTime").unwrap());
    let acquisition = clock(&dcmdump_value(path, "AcquisitionTime").unwrap());
    let start = clock(&dcmdump_value(path, "RadiopharmaceuticalStartTime").unwrap());
    // QIBA: the scan start is the series time unless an acquisition is earlier.
    let elapsed = series.min(acquisition) - start;
    let decayed = number(path, "RadionuclideTotalDose") * 0.5_f64.powf(elapsed / number(path, "RadionuclideHalfLife"));
    (number(path, "PatientWeight") * 1000.0 / decayed, elapsed)
}

#[test]
fn suv_bw_equals_the_hand_computation_from_the_header() {
    let pet = corpus().join("derived/pet");
    // GH184: injected 09:32:00, series 11:00:36 → Δt = 5316 s; 474.59 MBq × 2^(−5316/6588)
    // = 270.9 MBq; 90 kg → 90 000 g / 270.9 MBq = 3.322e-4 g/Bq.
    for file in ["fo-dicom/GH184.dcm", "acrin-flt-breast/1.dcm", "acrin-flt-breast/2.dcm"] {
        let path = pet.join(file);
        let (factor, elapsed) = hand_suv_factor(&path);
        let suv = suv_bw(&dataset(&path)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(suv.decay_correction, DecayCorrection::Start);
        assert!((suv.elapsed_s - elapsed).abs() < 1e-6, "{file}: Δt {} vs {elapsed}", suv.elapsed_s);
        // Relative 1e-9: our times are seconds since 1970 (f64), the hand's since midnight.
        assert!((suv.factor_g_per_bq / factor - 1.0).abs() < 1e-9, "{file}: {} vs {factor}", suv.factor_g_per_bq);
        // And one pixel: the centre's stored value × Rescale Slope + Intercept, times the factor.
        let bytes = read(&path);
        let (image, frame) = decode_frame(&bytes, 0).expect("decodes");
        let centre = (frame.rows / 2 * frame.columns + frame.columns / 2) as usize;
        let stored = frame.pixels.get_f64(centre).unwrap();
        let by_hand = (stored * number(&path, "RescaleSlope") + number(&path, "RescaleIntercept")) * factor;
        let ours = suv.apply(image.info.modality_lut(0).apply(stored));
        assert!((ours - by_hand).abs() <= 1e-8 * by_hand.abs().max(1.0), "{file}: {ours} vs {by_hand}");
        println!("{file}: Δt {elapsed} s, factor {factor:.6e} g/Bq, centre SUVbw {ours:.4}");
    }
    let gh184 = suv_bw(&dataset(&pet.join("fo-dicom/GH184.dcm"))).unwrap();
    assert!((gh184.elapsed_s - 5316.0).abs() < 1e-9);
}

#[test]
fn rwvm_object_mappings_equal_dcmdump() {
    let path = corpus().join("dcmqi/sr-example/rwvm.dcm");
    let mappings = referenced_image_mappings(&dataset(&path));
    assert_eq!(mappings.len(), 1);
    let (images, items) = &mappings[0];
    assert_eq!(images.len(), 191);
    let mapping = &items[0];
    let slope = number(&path, "RealWorldValueSlope");
    let last = number(&path, "RealWorldValueLastValueMapped");
    let expected = 1000.0 * slope + number(&path, "RealWorldValueIntercept");
    let value = mapping.apply(1000.0).unwrap();
    assert!((value / expected - 1.0).abs() < 1e-12, "{value} vs {expected} (dcmdump prints 17 digits)");
    assert_eq!(mapping.last_stored, last);
    assert_eq!(mapping.apply(last + 1.0), None);
    assert_eq!(mapping.name().as_deref(), Some("SUVbw"), "the UCUM annotation of {{SUVbw}}g/ml");
    assert_eq!(mapping.unit_text().as_deref(), Some("g/ml"));
}

/// Objects written by tests/fusion_support/make_fusion_data.py into a fresh directory.
fn generated() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fusion-suv-{}", std::process::id()));
    if !dir.join("petct/pt_05.dcm").exists() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let python = root.join(".tools/py/bin/python");
        let status = Command::new(&python)
            .arg(root.join("tests/fusion_support/make_fusion_data.py"))
            .arg(&dir)
            .arg(corpus().join("dcmqi/paramaps/701-ADCb500"))
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap_or_else(|e| panic!("{} (scripts/setup.sh installs highdicom): {e}", python.display()));
        assert!(status.success(), "make_fusion_data.py failed");
    }
    dir
}

fn meta(path: &Path) -> InstanceMeta {
    InstanceMeta::from_bytes(0, &read(path)).expect("header")
}

#[test]
fn parametric_map_real_world_values_and_fusion_over_its_source() {
    let dir = generated();
    let pmap_path = dir.join("pmap/pmap.dcm");
    let bytes = read(&pmap_path);
    let slope = number(&pmap_path, "RealWorldValueSlope");
    let intercept = number(&pmap_path, "RealWorldValueIntercept");
    assert_eq!((slope, intercept), (4.0, 0.5), "as make_fusion_data.py wrote them");
    let mappings = RealWorldMappings::read(&dataset(&pmap_path));
    let pmap_meta = meta(&pmap_path);
    assert_eq!(pmap_meta.number_of_frames, 20);
    let layer_planes: Vec<Plane> =
        (0..20).map(|f| Plane::of_instance(&pmap_meta, f).expect("frame geometry")).collect();
    let spacing = slice_spacing_mm(&layer_planes).expect("20 planes");
    // The ADC source slices, by file; each lies on one pmap frame.
    let source_dir = corpus().join("dcmqi/paramaps/701-ADCb500");
    let mut checked = 0;
    for name in ["000003.dcm", "000011.dcm"] {
        let source_path = source_dir.join(name);
        let source_bytes = read(&source_path);
        let (_, source_frame) = decode_frame(&source_bytes, 0).unwrap();
        let base = Plane::of_instance(&meta(&source_path), 0).unwrap();
        let index = nearest_plane(&base, &layer_planes, spacing / 2.0).expect("a pmap frame on this slice");
        let (pmap_image, pmap_frame) = decode_frame(&bytes, index as u32).expect("float pixel data decodes");
        let columns = pmap_frame.columns;
        let real_world = |c: u32, r: u32| {
            let stored = pmap_frame.pixels.get_f64((r * columns + c) as usize)?;
            mappings.for_value(index as u32, stored)?.apply(stored)
        };
        // The map holds source / 4, so its real-world value is source + 0.5.
        for (c, r) in [(128, 128), (100, 140), (60, 90)] {
            let source = source_frame.pixels.get_f64((r * source_frame.columns + c) as usize).unwrap();
            let value = real_world(c, r).unwrap();
            assert!((value - (source + 0.5)).abs() < 1e-3, "{name} ({c},{r}): {value} vs {source} + 0.5");
            let mapping = mappings.for_value(index as u32, source / 4.0).unwrap();
            assert_eq!((mapping.name().as_deref(), mapping.unit_text().as_deref()), (Some("ADC"), Some("µm²/s")));
        }
        assert_eq!(pmap_image.info.real_world, mappings, "the decoder's image info carries the same mapping");
        let style = FusionStyle {
            colour_map: ColourMap::Jet,
            low: 100.0,
            high: 2500.0,
            opacity: 0.6,
            interpolation: Interpolation::Nearest,
        };
        let layer = fuse(&base, &layer_planes[index], spacing / 2.0, &style, real_world).expect("a layer");
        for (c, r) in [(128u32, 128u32), (100, 140)] {
            let source = source_frame.pixels.get_f64((r * source_frame.columns + c) as usize).unwrap();
            let pixel = &layer.rgba[((r * base.columns + c) * 4) as usize..][..4];
            match style.colour(source + 0.5) {
                Some(rgb) => assert_eq!(pixel, &[rgb[0], rgb[1], rgb[2], 153][..], "{name} ({c},{r})"),
                None => assert_eq!(pixel[3], 0, "{name} ({c},{r}) below the range"),
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 4);
}

#[test]
fn pet_fused_over_ct_of_the_same_frame_of_reference() {
    let dir = generated().join("petct");
    let ct_path = dir.join("ct_03.dcm"); // z = 7.5 mm
    let base_meta = meta(&ct_path);
    let base = Plane::of_instance(&base_meta, 0).unwrap();
    let pets: Vec<PathBuf> = (0..6).map(|i| dir.join(format!("pt_{i:02}.dcm"))).collect();
    let pet_metas: Vec<InstanceMeta> = pets.iter().map(|p| meta(p)).collect();
    assert!(pet_metas.iter().all(|m| m.frame_of_reference_uid == base_meta.frame_of_reference_uid));
    let planes: Vec<Plane> = pet_metas.iter().map(|m| Plane::of_instance(m, 0).unwrap()).collect();
    let spacing = slice_spacing_mm(&planes).unwrap();
    assert_eq!(spacing, 4.0);
    // PET planes at z = −1, 3, 7, 11…: 7 is 0.5 mm from 7.5.
    let index = nearest_plane(&base, &planes, spacing / 2.0).unwrap();
    assert_eq!(index, 2);
    let pet_path = &pets[index];
    let suv = suv_bw(&dataset(pet_path)).unwrap();
    // By hand: injected 09:30, series 11:00 → 5400 s; 350 MBq × 2^(−5400/6586.2); 80 kg.
    let decayed = 350e6 * 0.5_f64.powf(5400.0 / 6586.2);
    assert!((suv.factor_g_per_bq - 80_000.0 / decayed).abs() < 1e-15);
    let pet_bytes = read(pet_path);
    let (pet_image, pet_frame) = decode_frame(&pet_bytes, 0).unwrap();
    let lut = pet_image.info.modality_lut(0);
    let value = |c: u32, r: u32| {
        let stored = pet_frame.pixels.get_f64((r * pet_frame.columns + c) as usize)?;
        Some(suv.apply(lut.apply(stored)))
    };
    let hot_suv = 4000.0 * 2.5 * 80_000.0 / decayed;
    let background_suv = 400.0 * 2.5 * 80_000.0 / decayed;
    let style = FusionStyle {
        colour_map: ColourMap::Hot,
        low: background_suv * 1.5,
        high: hot_suv * 2.0,
        opacity: 0.5,
        interpolation: Interpolation::Bilinear,
    };
    let layer = fuse(&base, &planes[index], spacing / 2.0, &style, value).unwrap();
    let at = |c: u32, r: u32| layer.rgba[((r * 64 + c) * 4) as usize..][..4].to_vec();
    // CT pixel (30, 30): x = y = −48 + 1.5 × 30 = −3 mm → PET column/row (−3 + 46) / 4 = 10.75,
    // inside the hot square (columns 10–15, rows 8–13): SUV hot_suv.
    let rgb = ColourMap::Hot.rgb((hot_suv - style.low) / (style.high - style.low));
    assert_eq!(at(30, 30), vec![rgb[0], rgb[1], rgb[2], 128]);
    // CT pixel (5, 5): x = −40.5 → PET column 1.4: background, below the range: transparent.
    assert_eq!(at(5, 5)[3], 0);
    println!("PET hot square SUVbw {hot_suv:.3}, background {background_suv:.3}; fused pixels {}", layer.covered());
    // The hot square covers PET columns 10–15 (x −6…18 mm with its half pixels): CT columns whose
    // centre maps within (9.5, 15.5) with both bilinear neighbours hot are coloured.
    assert!(layer.covered() > 0 && layer.covered() < 64 * 64 / 4);
}
