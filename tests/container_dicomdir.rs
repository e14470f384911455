//! DICOMDIR reading against dcmtk: `dcmmkdir` builds a DICOMDIR at test time over copies of
//! corpus files, `dcmdump` lists its records independently; references resolve to the files
//! whose SOP Instance UID they name. Also the DICOM sniffing rule on corpus and other bytes.

use std::path::{Path, PathBuf};
use std::process::Command;

use dicom_viewer::container::dicomdir::{read_dicomdir, referenced_files, resolve, DicomdirError};
use dicom_viewer::container::sniff::{is_dicomdir_name, looks_like_dicom};

fn corpus() -> PathBuf {
    PathBuf::from(
        std::env::var("DICOM_CORPUS").unwrap_or(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/dicom").into()),
    )
}

/// Values of `tag` ("(gggg,eeee)") printed by dcmdump, in order.
fn dcmdump_values(path: &Path, tag: &str) -> Vec<String> {
    let output = Command::new("dcmdump").args(["-Un", "+L"]).arg(path).output().expect("dcmtk's dcmdump is installed");
    assert!(output.status.success());
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::trim_start)
        .filter(|line| line.starts_with(tag))
        .map(|line| {
            let value = line.get(15..).unwrap_or_default();
            value.split_once('[').and_then(|(_, v)| v.split_once(']')).map_or(String::new(), |(v, _)| v.to_string())
        })
        .collect()
}

#[test]
fn dicomdir_made_by_dcmmkdir() {
    let sources = [
        ("IMG00001", "mr-series-128/slice0.dcm"),
        ("IMG00002", "mr-series-128/slice1.dcm"),
        ("IMG00003", "mr-series-128/slice2.dcm"),
        ("CT00001", "dcmqi/segmentations/ct-3slice/01.dcm"),
    ];
    let dir = std::env::temp_dir().join(format!("container-dicomdir-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("SUB")).unwrap();
    for (name, source) in sources {
        std::fs::copy(corpus().join(source), dir.join("SUB").join(name))
            .unwrap_or_else(|e| panic!("{source}: {e} (set DICOM_CORPUS to the test corpus)"));
    }
    // +I invents missing type 1 keys; -Nxc accepts the implicit VR CT.
    let mut command = Command::new("dcmmkdir");
    command.current_dir(&dir).args(["-q", "+I", "-Nxc"]).args(sources.map(|(name, _)| format!("SUB/{name}")));
    assert!(command.status().expect("dcmtk's dcmmkdir is installed").success());
    let dicomdir = dir.join("DICOMDIR");
    let bytes = std::fs::read(&dicomdir).unwrap();
    assert!(looks_like_dicom(&bytes));

    let records = read_dicomdir(&bytes).unwrap();
    let types: Vec<String> = records.iter().map(|r| r.record_type.clone()).collect();
    assert_eq!(types, dcmdump_values(&dicomdir, "(0004,1430)"));
    assert_eq!(types.iter().filter(|t| *t == "IMAGE").count(), 4);
    let paths: Vec<String> = dcmdump_values(&dicomdir, "(0004,1500)").iter().map(|p| p.replace('\\', "/")).collect();
    assert_eq!(referenced_files(&records), paths);
    assert_eq!(paths, sources.map(|(name, _)| format!("SUB/{name}")));
    let uids: Vec<String> = records.iter().filter_map(|r| r.referenced_sop_instance_uid.clone()).collect();
    assert_eq!(uids, dcmdump_values(&dicomdir, "(0004,1511)"));

    // A dropped folder: other names around, lower case, a parent folder.
    let available: Vec<String> = ["media/readme.txt", "media/DICOMDIR", "media/sub/ct00001", "media/sub/img00003"]
        .into_iter()
        .chain(["media/sub/img00002", "media/sub/img00001"])
        .map(String::from)
        .collect();
    for record in records.iter().filter(|r| r.path.is_some()) {
        let index = resolve(record.path.as_deref().unwrap(), &available).expect("every reference resolves");
        let name = available[index].rsplit('/').next().unwrap().to_uppercase();
        let file = dir.join("SUB").join(name);
        let sop_instance_uid = dcmdump_values(&file, "(0008,0018)");
        assert_eq!(record.referenced_sop_instance_uid.as_ref(), sop_instance_uid.first());
    }
    assert_eq!(resolve("SUB/IMG00009", &available), None);

    for end in (0..bytes.len()).step_by(97) {
        let _ = read_dicomdir(&bytes[..end]);
    }
    let image = std::fs::read(dir.join("SUB/IMG00001")).unwrap();
    assert_eq!(read_dicomdir(&image), Err(DicomdirError::NotADirectory));
    assert!(read_dicomdir(b"not dicom").is_err());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn sniffing_corpus_files_and_others() {
    let files = ["mr-series-128/slice0.dcm", "dcmqi/segmentations/liver.dcm", "wg04/REF/CT1_UNC", "wg04/RLE/MR1_RLE"];
    for file in files {
        let Ok(bytes) = std::fs::read(corpus().join(file)) else { continue };
        assert!(looks_like_dicom(&bytes), "{file}");
        // Without the preamble ("DICM" at 0) and as a bare data set after the meta group.
        assert!(looks_like_dicom(&bytes[128..]), "{file} without preamble");
        let meta_length = u32::from_le_bytes([bytes[140], bytes[141], bytes[142], bytes[143]]) as usize;
        let data_set = &bytes[144 + meta_length..];
        assert_eq!(data_set[..2], [0x08, 0x00], "{file}: the data set starts with group 0008");
        assert!(looks_like_dicom(data_set), "{file} bare");
    }
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x02\0\0\0";
    for other in [&png[..], b"# notes\nnothing to see\n", b"", b"PK\x03\x04\x14\0\0\0\x08\0"] {
        assert!(!looks_like_dicom(other), "{other:?}");
    }
    assert!(is_dicomdir_name("media/DICOMDIR") && !is_dicomdir_name("media/DICOMDIR.txt"));
}
