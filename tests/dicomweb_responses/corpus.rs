//! Where the shared test corpus is, and reading its files (None when absent).

use std::path::PathBuf;

pub fn path(relative: &str) -> PathBuf {
    let root = std::env::var("DICOM_CORPUS")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/dicom").to_string());
    PathBuf::from(root).join(relative)
}

pub fn read(relative: &str) -> Option<Vec<u8>> {
    match std::fs::read(path(relative)) {
        Ok(bytes) => Some(bytes),
        Err(_) => {
            eprintln!("skipping {relative}: not in the corpus");
            None
        }
    }
}
