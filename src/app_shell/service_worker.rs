//! The service worker's precache list and version, made from the files of one build (Trunk's
//! staging folder) and written into the template `sw.js`. A file added, removed or changed in
//! the build changes the list or the version, hence the worker's bytes, so browsers install the
//! new worker (Service Workers §Update) and its `activate` deletes the old cache.

use super::AppShellError;

/// File name of the worker beside index.html; its scope is that folder.
pub const SERVICE_WORKER_FILE: &str = "sw.js";

const TEMPLATE: &str = include_str!("sw.js");
const VERSION_PLACEHOLDER: &str = "\"__VERSION__\"";
const PRECACHE_PLACEHOLDER: &str = "[\"__PRECACHE__\"]";

/// One file of the build: its path below the build folder ('/'-separated) and its bytes.
pub struct BuiltFile<'a> {
    pub path: &'a str,
    pub bytes: &'a [u8],
}

fn url_safe(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.split('/').any(|part| part.is_empty() || part == "." || part == "..")
        && path.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-/".contains(&b))
}

/// 64-bit FNV-1a: enough to tell two builds apart (not a security hash).
fn fnv1a(state: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(state, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}

/// The precache list (sorted paths, the worker itself left out) and the version: a hash of
/// every path and its bytes, in hexadecimal.
pub fn precache(files: &[BuiltFile<'_>]) -> Result<(Vec<String>, String), AppShellError> {
    let mut listed: Vec<&BuiltFile<'_>> = files.iter().filter(|f| f.path != SERVICE_WORKER_FILE).collect();
    listed.sort_by(|a, b| a.path.cmp(b.path));
    if let Some(bad) = listed.iter().find(|f| !url_safe(f.path)) {
        return Err(AppShellError::UnsafePath(bad.path.to_string()));
    }
    if !listed.iter().any(|f| f.path == "index.html") {
        return Err(AppShellError::NoIndex);
    }
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for file in &listed {
        // Lengths first, so moving bytes between names or files changes the hash.
        hash = fnv1a(hash, &(file.path.len() as u64).to_le_bytes());
        hash = fnv1a(hash, file.path.as_bytes());
        hash = fnv1a(hash, &(file.bytes.len() as u64).to_le_bytes());
        hash = fnv1a(hash, file.bytes);
    }
    Ok((listed.iter().map(|f| f.path.to_string()).collect(), format!("{hash:016x}")))
}

fn replace_once(text: &str, placeholder: &'static str, value: &str) -> Result<String, AppShellError> {
    let found = text.matches(placeholder).count();
    if found != 1 {
        return Err(AppShellError::Template { placeholder, found });
    }
    Ok(text.replacen(placeholder, value, 1))
}

/// The service worker for `files`, from `template` (see [`service_worker`]).
pub fn render(template: &str, files: &[BuiltFile<'_>]) -> Result<String, AppShellError> {
    let (list, version) = precache(files)?;
    // JSON strings are JavaScript string literals; the paths need no escaping (url_safe).
    let list_js = serde_json::to_string(&list).map_err(|_| AppShellError::UnsafePath(String::new()))?;
    let text = replace_once(template, VERSION_PLACEHOLDER, &format!("\"{version}\""))?;
    replace_once(&text, PRECACHE_PLACEHOLDER, &list_js)
}

/// The service worker for the build whose files are `files` (src/app_shell/sw.js filled in).
pub fn service_worker(files: &[BuiltFile<'_>]) -> Result<String, AppShellError> {
    render(TEMPLATE, files)
}

/// The precache list written in a generated worker (the `const PRECACHE = [...]` line), for
/// tests that compare it with the files served.
pub fn precache_list_in(worker: &str) -> Option<Vec<String>> {
    let start = worker.find("const PRECACHE = ")? + "const PRECACHE = ".len();
    let end = start + worker[start..].find(";\n")?;
    serde_json::from_str(worker.get(start..end)?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build<'a>(files: &[(&'a str, &'a [u8])]) -> Vec<BuiltFile<'a>> {
        files.iter().map(|&(path, bytes)| BuiltFile { path, bytes }).collect()
    }

    const FILES: [(&str, &[u8]); 5] = [
        ("samples/ct/001.dcm", b"DICM"),
        ("index.html", b"<html>"),
        ("dicom-viewer-abc_bg.wasm", b"\0asm"),
        ("sw.js", b"old worker"),
        ("config.json", b"{}"),
    ];

    #[test]
    fn the_list_is_every_file_but_the_worker_in_order() {
        let worker = service_worker(&build(&FILES)).expect("worker");
        assert_eq!(
            precache_list_in(&worker).expect("list"),
            ["config.json", "dicom-viewer-abc_bg.wasm", "index.html", "samples/ct/001.dcm"]
        );
        assert!(!worker.contains("__PRECACHE__") && !worker.contains("__VERSION__"));
    }

    #[test]
    fn any_change_of_a_file_changes_the_version() {
        let version = |files: &[(&str, &[u8])]| precache(&build(files)).expect("list").1;
        let base = version(&FILES);
        let mut changed = FILES;
        changed[2].1 = b"\0asn";
        assert_ne!(version(&changed), base, "bytes");
        changed = FILES;
        changed[0].0 = "samples/ct/002.dcm";
        assert_ne!(version(&changed), base, "name");
        assert_ne!(version(&FILES[1..]), base, "a file removed");
        // The worker's own bytes do not count (it is written after the hash).
        changed = FILES;
        changed[3].1 = b"new worker";
        assert_eq!(version(&changed), base);
        assert_eq!(version(&FILES), base, "deterministic");
    }

    #[test]
    fn unsafe_paths_and_missing_index_are_refused() {
        for bad in ["a b.js", "../x.js", "/abs.js", "ü.js", "a//b.js", "q?.js"] {
            let files = build(&[("index.html", b""), (bad, b"")]);
            assert_eq!(precache(&files), Err(AppShellError::UnsafePath(bad.to_string())), "{bad}");
        }
        assert_eq!(precache(&build(&[("main.js", b"")])), Err(AppShellError::NoIndex));
    }

    #[test]
    fn a_template_without_its_placeholders_is_refused() {
        let files = build(&FILES);
        let missing = render("const VERSION = \"__VERSION__\";\n", &files);
        assert_eq!(missing, Err(AppShellError::Template { placeholder: PRECACHE_PLACEHOLDER, found: 0 }));
        let twice = render("\"__VERSION__\" \"__VERSION__\" [\"__PRECACHE__\"]", &files);
        assert_eq!(twice, Err(AppShellError::Template { placeholder: VERSION_PLACEHOLDER, found: 2 }));
    }
}
