//! Helpers shared by the native corpus tests: where the corpus is, dcmtk as an oracle, PNM.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// `../shared/dicom` beside the crate (or `$DICOM_CORPUS`).
pub fn corpus() -> PathBuf {
    std::env::var("DICOM_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/dicom"))
}

/// Files of a corpus folder, sorted (absent folder: empty).
pub fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_file()).collect())
        .unwrap_or_default();
    files.sort();
    files
}

/// All files below `dir`, recursively, sorted.
pub fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The WG04 image id of a file name: "CT1_JPLL" → "CT1".
pub fn wg04_id(path: &Path) -> String {
    path.file_name().and_then(|n| n.to_str()).and_then(|n| n.split('_').next()).unwrap_or("").to_string()
}

pub fn reference_for(path: &Path) -> Option<PathBuf> {
    let reference = corpus().join("wg04/REF").join(format!("{}_UNC", wg04_id(path)));
    reference.exists().then_some(reference)
}

/// True when the dcmtk tools are installed (the setup script installs them).
pub fn have_dcmtk() -> bool {
    Command::new("dcm2pnm").arg("--version").output().is_ok()
}

/// A decoded PGM/PPM (binary, 8-bit): width, height, channels, samples.
pub struct Pnm {
    pub width: usize,
    pub height: usize,
    pub channels: usize,
    pub samples: Vec<u8>,
}

pub fn parse_pnm(bytes: &[u8]) -> Option<Pnm> {
    let mut fields = Vec::new();
    let mut pos = 0;
    while fields.len() < 4 {
        while bytes.get(pos)?.is_ascii_whitespace() {
            pos += 1;
        }
        if *bytes.get(pos)? == b'#' {
            while *bytes.get(pos)? != b'\n' {
                pos += 1;
            }
            continue;
        }
        let start = pos;
        while !bytes.get(pos)?.is_ascii_whitespace() {
            pos += 1;
        }
        fields.push(std::str::from_utf8(&bytes[start..pos]).ok()?.to_string());
    }
    pos += 1;
    let channels = match fields[0].as_str() {
        "P5" => 1,
        "P6" => 3,
        _ => return None,
    };
    let (width, height): (usize, usize) = (fields[1].parse().ok()?, fields[2].parse().ok()?);
    let samples = bytes.get(pos..pos + width * height * channels)?.to_vec();
    Some(Pnm { width, height, channels, samples })
}

/// Runs `dcm2pnm <args> file out` and returns the rendered image, or dcmtk's complaint.
pub fn dcm2pnm(file: &Path, args: &[&str]) -> Result<Pnm, String> {
    let out = std::env::temp_dir().join(format!(
        "dcm2pnm-{}-{}.pnm",
        std::process::id(),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0)
    ));
    let result = Command::new("dcm2pnm").args(args).arg(file).arg(&out).output().map_err(|e| e.to_string())?;
    let bytes = std::fs::read(&out);
    let _ = std::fs::remove_file(&out);
    if !result.status.success() {
        return Err(String::from_utf8_lossy(&result.stderr).lines().next().unwrap_or("failed").to_string());
    }
    parse_pnm(&bytes.map_err(|e| e.to_string())?).ok_or_else(|| "unreadable PNM".to_string())
}

/// Peak signal-to-noise ratio of `test` against `reference` with the given peak value.
pub fn psnr(reference: &[f64], test: &[f64], peak: f64) -> f64 {
    let mse = reference.iter().zip(test).map(|(a, b)| (a - b) * (a - b)).sum::<f64>() / reference.len().max(1) as f64;
    if mse == 0.0 {
        f64::INFINITY
    } else {
        10.0 * (peak * peak / mse).log10()
    }
}
