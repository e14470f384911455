//! Getting DICOM objects into the session: files from the picker, whole folders (directory
//! picker, dropped directories walked recursively), ZIP archives unzipped here while they are
//! read, DICOMDIR (its referenced files are opened first; files it does not list are still
//! opened when they are DICOM). Anything that is not DICOM is skipped and named; empty and
//! unreadable files get one message each.

use std::rc::Rc;

use js_sys::{Array, Promise, Reflect, Uint8Array};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, DataTransfer, File, FileList, FileSystemDirectoryEntry, FileSystemEntry, FileSystemFileEntry,
    ReadableStreamDefaultReader,
};

use super::i18n::{integer, lang, tr, trf};
use super::pane::Pane;
use super::session::{Content, Session};
use super::tasks::{now, yield_if_due};
use crate::container::{dicomdir, sniff, ZipEntry, ZipLimits, ZipStream};
use crate::dicom::{read_header_dataset, DicomImage};
use crate::viewer::load_report::{empty_file_message, nothing_opened_message, unreadable_file_message};

/// Header bytes read first; files whose header is longer are read whole.
const HEADER_SLICE: f64 = 4.0 * 1024.0 * 1024.0;
/// Compressed bytes inflated between checks of the task's time while unzipping: DICOM deflates
/// 5–20×, so 16 KiB is at most a few hundred KiB of output.
const UNZIP_SLICE: usize = 16 * 1024;
/// How often (files) the series panel is refreshed while a load runs.
const REFRESH_EVERY: u32 = 16;

/// A file to open, with its path inside the dropped folder or archive.
pub struct Source {
    pub path: String,
    pub blob: Blob,
}

fn js_text(value: &JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| format!("{value:?}"))
}

/// The files of a FileList, with their folder path when chosen with the directory picker.
pub fn from_file_list(files: Option<FileList>) -> Vec<Source> {
    let Some(files) = files else { return Vec::new() };
    (0..files.length())
        .filter_map(|i| files.get(i))
        .map(|file| {
            let relative = Reflect::get(&file, &"webkitRelativePath".into()).ok().and_then(|v| v.as_string());
            let path = relative.filter(|p| !p.is_empty()).unwrap_or_else(|| file.name());
            Source { path, blob: file.into() }
        })
        .collect()
}

/// The entries of a drop, taken synchronously (the DataTransfer is emptied after the event).
pub fn drop_entries(transfer: &DataTransfer) -> (Vec<FileSystemEntry>, Vec<File>) {
    let items = transfer.items();
    let mut entries = Vec::new();
    let mut files = Vec::new();
    for index in 0..items.length() {
        let Some(item) = items.get(index) else { continue };
        if item.kind() != "file" {
            continue;
        }
        match item.webkit_get_as_entry() {
            Ok(Some(entry)) => entries.push(entry),
            _ => {
                if let Ok(Some(file)) = item.get_as_file() {
                    files.push(file);
                }
            }
        }
    }
    (entries, files)
}

async fn entry_file(entry: &FileSystemFileEntry) -> Result<File, String> {
    let promise = Promise::new(&mut |resolve, reject| entry.file_with_callback_and_callback(&resolve, &reject));
    JsFuture::from(promise).await.map_err(|e| js_text(&e))?.dyn_into::<File>().map_err(|_| "not a file".into())
}

async fn directory_entries(directory: &FileSystemDirectoryEntry) -> Result<Vec<FileSystemEntry>, String> {
    let reader = directory.create_reader();
    let mut all = Vec::new();
    // readEntries returns at most ~100 entries per call: call until it returns none.
    loop {
        let promise = Promise::new(&mut |resolve, reject| {
            if let Err(e) = reader.read_entries_with_callback_and_callback(&resolve, &reject) {
                let _ = reject.call1(&JsValue::NULL, &e);
            }
        });
        let batch: Array = JsFuture::from(promise).await.map_err(|e| js_text(&e))?.dyn_into().unwrap_or_default();
        if batch.length() == 0 {
            return Ok(all);
        }
        all.extend(batch.iter().filter_map(|e| e.dyn_into::<FileSystemEntry>().ok()));
    }
}

/// Walks dropped entries (directories recursively) into sources.
pub async fn walk(entries: Vec<FileSystemEntry>, session: &Session) -> Vec<Source> {
    let mut sources = Vec::new();
    let mut stack: Vec<FileSystemEntry> = entries;
    while let Some(entry) = stack.pop() {
        let path = entry.full_path().trim_start_matches('/').to_string();
        if entry.is_directory() {
            match directory_entries(entry.unchecked_ref::<FileSystemDirectoryEntry>()).await {
                Ok(children) => stack.extend(children),
                Err(e) => session.report(trf("common.load.folder_unreadable", &[("path", &path), ("reason", &e)])),
            }
        } else if entry.is_file() {
            match entry_file(entry.unchecked_ref::<FileSystemFileEntry>()).await {
                Ok(file) => sources.push(Source { path, blob: file.into() }),
                Err(e) => session.report(trf("common.load.file_unreadable", &[("path", &path), ("reason", &e)])),
            }
        }
    }
    sources.sort_by(|a, b| a.path.cmp(&b.path));
    sources
}

async fn read_bytes(blob: &Blob) -> Result<Vec<u8>, String> {
    let buffer = JsFuture::from(blob.array_buffer()).await.map_err(|e| js_text(&e))?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

fn is_zip(path: &str, head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04") || (head.is_empty() && path.to_ascii_lowercase().ends_with(".zip"))
}

/// Unzips while reading the archive as a stream; entries become Blobs.
async fn unzip(source: &Source, session: &Session) -> Result<Vec<Source>, String> {
    let total = source.blob.size();
    let reader: ReadableStreamDefaultReader = source.blob.stream().get_reader().unchecked_into();
    let mut stream = ZipStream::new(ZipLimits::default());
    let mut out = Vec::new();
    let mut read = 0.0;
    let push = |entries: Vec<ZipEntry>, out: &mut Vec<Source>| {
        for entry in entries {
            let bytes = Uint8Array::from(entry.data.as_slice());
            if let Ok(blob) = Blob::new_with_u8_array_sequence(&Array::of1(&bytes)) {
                out.push(Source { path: format!("{}/{}", source.path, entry.path), blob });
            }
        }
    };
    // When the task began: reads of a stream whose bytes are already buffered resolve without
    // ending the task, so the budget runs across chunks (started anew per chunk, 300 buffered
    // chunks inflated in one 0.9 s task).
    let mut started = now();
    loop {
        let chunk = JsFuture::from(reader.read()).await.map_err(|e| js_text(&e))?;
        if Reflect::get(&chunk, &"done".into()).ok().and_then(|v| v.as_bool()).unwrap_or(true) {
            break;
        }
        let value: Uint8Array = Reflect::get(&chunk, &"value".into()).map_err(|e| js_text(&e))?.unchecked_into();
        read += f64::from(value.length());
        // Browsers hand out chunks of up to several megabytes: inflate them in slices, letting
        // the page paint and handle input in between.
        let bytes = value.to_vec();
        for slice in bytes.chunks(UNZIP_SLICE) {
            let entries = stream.push(slice).map_err(|e| e.to_string())?;
            push(entries, &mut out);
            started = yield_if_due(started).await;
        }
        let percent = if total > 0.0 { (read / total * 100.0) as u32 } else { 0 };
        session.signals.progress.set(Some((trf("common.load.unzipping", &[("path", &source.path)]), percent, 100)));
    }
    for skipped in stream.skipped() {
        session.report(format!("{}: {skipped}", source.path));
    }
    push(stream.finish().map_err(|e| e.to_string())?, &mut out);
    Ok(out)
}

/// Expands archives and orders by DICOMDIR, then opens every source.
pub async fn open_all(session: Rc<Session>, sources: Vec<Source>) {
    open_into(session, sources, None).await;
}

/// What happened to one file.
enum Opened {
    /// Added to the session as instance `source`.
    Added(u32),
    /// Not DICOM (skipped and named in the status bar).
    NotDicom,
    /// Another copy of an instance already loaded.
    Copy,
}

/// [`open_all`]; with `pane`, the display set of the first image this load adds is shown there
/// (on its middle slice), also when the pane already shows something else. Returns the source
/// handle of that first image.
pub async fn open_into(session: Rc<Session>, sources: Vec<Source>, pane: Option<Pane>) -> Option<u32> {
    let mut files = Vec::new();
    for source in sources {
        let head = match source.blob.slice_with_f64_and_f64(0.0, 4.0) {
            Ok(slice) => read_bytes(&slice).await.unwrap_or_default(),
            Err(_) => Vec::new(),
        };
        if is_zip(&source.path, &head) {
            match unzip(&source, &session).await {
                Ok(entries) => files.extend(entries),
                Err(e) => session.report(trf("common.load.unzip_failed", &[("path", &source.path), ("reason", &e)])),
            }
        } else {
            files.push(source);
        }
    }
    let files = follow_dicomdirs(files, &session).await;
    let total = files.len() as u32;
    let (mut opened, mut skipped, mut failed) = (0usize, 0usize, 0usize);
    let mut pane = pane;
    let mut first_image = None;
    // Blobs made in memory (ZIP entries) resolve their reads without ending the task.
    let mut started = now();
    for (index, source) in files.into_iter().enumerate() {
        started = yield_if_due(started).await;
        session.signals.progress.set(Some((tr("common.load.reading_files").into(), index as u32, total)));
        match open_one(&session, &source).await {
            Ok(Opened::Added(added)) => {
                opened += 1;
                if first_image.is_none() && session.image(added).is_some() && session.derived.entry(added).is_none() {
                    first_image = Some(added);
                }
                if let Some(target) = pane {
                    if show_instance(&session, target, added) {
                        pane = None;
                    }
                }
            }
            Ok(Opened::NotDicom) => skipped += 1,
            Ok(Opened::Copy) => {}
            Err(message) => {
                failed += 1;
                session.report(message);
            }
        }
        if (index as u32 + 1).is_multiple_of(REFRESH_EVERY) {
            session.signals.library_revision.update(|r| *r += 1);
        }
    }
    session.signals.progress.set(None);
    session.signals.library_revision.update(|r| *r += 1);
    super::derived::load::load_local_later(session.clone());
    if let Some(message) = nothing_opened_message(lang(), skipped, failed, opened) {
        if session.instances.borrow().is_empty() {
            session.report(message);
        }
    }
    first_image
}

/// Shows the display set of instance `source` in `pane` when it is an image; true if shown.
fn show_instance(session: &Session, pane: Pane, source: u32) -> bool {
    if session.image(source).is_none() {
        return false;
    }
    let set = session.library.borrow().display_set_of(source).filter(|set| set.has_pixel_data);
    let Some(set) = set else { return false };
    session.signals.library_revision.update(|r| *r += 1);
    pane.open(set.key, set.frames.len());
    true
}

/// Puts the files a DICOMDIR references first (in its order) and drops the DICOMDIR itself.
async fn follow_dicomdirs(files: Vec<Source>, session: &Session) -> Vec<Source> {
    let mut referenced: Vec<String> = Vec::new();
    let mut rest = Vec::new();
    for source in files {
        if sniff::is_dicomdir_name(&source.path) {
            let base = source.path.rsplit_once('/').map(|(dir, _)| format!("{dir}/")).unwrap_or_default();
            match read_bytes(&source.blob).await.and_then(|b| dicomdir::read_dicomdir(&b).map_err(|e| e.to_string())) {
                Ok(records) => {
                    referenced.extend(dicomdir::referenced_files(&records).into_iter().map(|p| format!("{base}{p}")))
                }
                Err(e) => {
                    session.report(trf("common.load.dicomdir_unreadable", &[("path", &source.path), ("reason", &e)]))
                }
            }
        } else {
            rest.push(source);
        }
    }
    if referenced.is_empty() {
        return rest;
    }
    let paths: Vec<String> = rest.iter().map(|s| s.path.clone()).collect();
    let resolver = dicomdir::PathResolver::new(&paths);
    let mut order: Vec<usize> = Vec::new();
    let mut placed = vec![false; paths.len()];
    let mut missing = 0;
    for path in &referenced {
        match resolver.resolve(path) {
            Some(index) if !placed.get(index).copied().unwrap_or(true) => {
                if let Some(slot) = placed.get_mut(index) {
                    *slot = true;
                }
                order.push(index);
            }
            Some(_) => {}
            None => missing += 1,
        }
    }
    if missing > 0 {
        session.report(trf("common.load.dicomdir_missing", &[("count", &integer(missing))]));
    }
    let mut slots: Vec<Option<Source>> = rest.into_iter().map(Some).collect();
    let mut ordered: Vec<Source> = order.iter().filter_map(|i| slots.get_mut(*i).and_then(Option::take)).collect();
    ordered.extend(slots.into_iter().flatten());
    ordered
}

/// Reads one file's header and adds it. Err: the message for the user (empty, unreadable).
async fn open_one(session: &Session, source: &Source) -> Result<Opened, String> {
    let size = source.blob.size();
    if size == 0.0 {
        return Err(empty_file_message(lang(), &source.path));
    }
    let head = if size > HEADER_SLICE {
        read_bytes(&source.blob.slice_with_f64_and_f64(0.0, HEADER_SLICE).map_err(|e| js_text(&e))?).await
    } else {
        read_bytes(&source.blob).await
    }
    .map_err(|e| trf("common.load.choose_again", &[("path", &source.path), ("reason", &e)]))?;
    if !sniff::looks_like_dicom(&head) {
        let name = source.path.clone();
        session.signals.skipped.update(|names| names.push(name));
        return Ok(Opened::NotDicom);
    }
    let parsed = match read_header_dataset(&head) {
        Ok(parsed) => Ok((parsed, head)),
        Err(_) if size > HEADER_SLICE => {
            let whole = read_bytes(&source.blob).await?;
            read_header_dataset(&whole).map(|parsed| (parsed, whole))
        }
        Err(e) => Err(e),
    };
    let ((dataset, _transfer_syntax), bytes) =
        parsed.map_err(|e| unreadable_file_message(lang(), &source.path, &e.to_string()))?;
    let image = DicomImage::parse_header(&bytes).map_err(|e| e.to_string());
    let name = source.path.rsplit('/').next().unwrap_or(&source.path).to_string();
    Ok(match session.add(name, Content::File(source.blob.clone()), dataset, image) {
        // A local derived object (SEG, RTSTRUCT, SR, KOS, GSPS) is parsed after this load's
        // images are listed and shown (`open_into` ends with derived::load::load_local_later).
        Some(added) => Opened::Added(added),
        None => Opened::Copy,
    })
}
