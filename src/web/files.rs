//! Reading dropped or chosen files and opening them as images.

use wasm_bindgen_futures::JsFuture;
use web_sys::{File, FileList};

use super::view_state::ViewState;

/// The files of a FileList, in order (copied out so the input can be cleared).
pub fn list(files: Option<FileList>) -> Vec<File> {
    let Some(files) = files else { return Vec::new() };
    (0..files.length()).filter_map(|i| files.get(i)).collect()
}

/// Reads a file and opens it: the parsed image with its first frame, or the message to show.
pub async fn open(file: &File) -> Result<ViewState, String> {
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|e| format!("the file could not be read ({})", e.as_string().unwrap_or_else(|| format!("{e:?}"))))?;
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    ViewState::open(&bytes).map_err(|e| e.to_string())
}
