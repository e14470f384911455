//! `make-app-shell icons <dir>`: writes the app icons (PNG, drawn by `app_shell::icon`) and the
//! web app manifest into `dir` (Trunk's pre_build hook). `make-app-shell service-worker <dir>`:
//! writes `sw.js` with the precache list and version of the finished build in `dir` (Trunk's
//! post_build hook, after every other file is in place). See Trunk.toml.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use dicom_viewer::app_shell::icon::rasterize;
use dicom_viewer::app_shell::manifest::{manifest_json, MANIFEST_FILE, PNG_ICONS};
use dicom_viewer::app_shell::service_worker::{precache, service_worker, BuiltFile, SERVICE_WORKER_FILE};

const CSS: &str = include_str!("../../style/main.css");

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

fn icons(dir: &Path) -> Result<String, String> {
    for icon in &PNG_ICONS {
        let rgba = rasterize(icon.size_px, icon.shape);
        let png = dicom_viewer::png::encode_rgba(icon.size_px, icon.size_px, &rgba).map_err(|e| e.to_string())?;
        write(&dir.join(icon.path), &png)?;
    }
    let manifest = manifest_json(CSS).map_err(|e| e.to_string())?;
    write(&dir.join(MANIFEST_FILE), manifest.as_bytes())?;
    Ok(format!("{} icons and {MANIFEST_FILE} in {}", PNG_ICONS.len(), dir.display()))
}

/// Every file below `dir`, as ('/'-separated relative path, bytes).
fn files_below(dir: &Path, prefix: &str, out: &mut Vec<(String, Vec<u8>)>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
        let name = entry.file_name().into_string().map_err(|n| format!("{n:?}: file name is not UTF-8"))?;
        let path = entry.path();
        let relative = format!("{prefix}{name}");
        if path.is_dir() {
            files_below(&path, &format!("{relative}/"), out)?;
        } else {
            let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            out.push((relative, bytes));
        }
    }
    Ok(())
}

fn worker(dir: &Path) -> Result<String, String> {
    let mut found = Vec::new();
    files_below(dir, "", &mut found)?;
    let files: Vec<BuiltFile<'_>> = found.iter().map(|(path, bytes)| BuiltFile { path, bytes }).collect();
    let (list, version) = precache(&files).map_err(|e| e.to_string())?;
    let text = service_worker(&files).map_err(|e| e.to_string())?;
    write(&dir.join(SERVICE_WORKER_FILE), text.as_bytes())?;
    let bytes: usize = files.iter().filter(|f| f.path != SERVICE_WORKER_FILE).map(|f| f.bytes.len()).sum();
    Ok(format!("{SERVICE_WORKER_FILE} version {version}: {} files, {bytes} bytes precached", list.len()))
}

fn main() -> ExitCode {
    let args: Vec<_> = std::env::args_os().skip(1).collect();
    let (command, dir) = match args.as_slice() {
        [command, dir] => (command.to_string_lossy().into_owned(), PathBuf::from(dir)),
        _ => {
            eprintln!("usage: make-app-shell icons|service-worker <dir>");
            return ExitCode::from(2);
        }
    };
    let outcome = match command.as_str() {
        "icons" => icons(&dir),
        "service-worker" => worker(&dir),
        other => Err(format!("unknown command {other:?} (icons or service-worker)")),
    };
    match outcome {
        Ok(summary) => {
            eprintln!("make-app-shell: {summary}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("make-app-shell: {error}");
            ExitCode::FAILURE
        }
    }
}
