//! The derived objects of a session: one entry per opened SEG, RTSTRUCT, SR, KOS or GSPS
//! instance, with its load state, the parsed object once loaded, and the user's choices (shown,
//! style). Panels read and change entries; the viewport draws the shown ones
//! (`super::frame_overlays`) and redraws when `revision` or any entry's `shown`/`style` changes.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::derived::{read_dataset, seg, Derived, DerivedKind};
use crate::dicom::DicomImage;
use crate::error::DecodeError;
use crate::viewer::layers::LayerStyle;
use crate::web::session::Session;

/// The whole file `bytes` (also in `blob`) parsed as a derived object of `kind`.
async fn parse(kind: DerivedKind, bytes: &[u8], blob: &web_sys::Blob, session: &Session) -> Result<Derived, String> {
    let dataset = read_dataset(bytes).map_err(|e| e.to_string())?;
    let frames = if kind == DerivedKind::Segmentation && seg::pixels::is_encapsulated(&dataset) {
        session.decode_all(blob).await?
    } else {
        Vec::new()
    };
    let decoded = |_: &DicomImage, frame: u32| {
        frames.get(frame as usize).cloned().ok_or(DecodeError::FrameOutOfRange { frame, frames: frames.len() as u32 })
    };
    Derived::parse_with(kind, &dataset, &decoded).map_err(|e| e.to_string())
}

/// Where an entry is in its life.
#[derive(Clone, Debug, PartialEq)]
pub enum LoadState {
    /// Known (from its header or a server's series list), not parsed yet.
    Available,
    Loading,
    Loaded,
    /// Could not be loaded or parsed: the message names the cause and the fix.
    Failed(String),
}

impl LoadState {
    /// Stable name for `data-state` test hooks.
    pub fn name(&self) -> &'static str {
        match self {
            LoadState::Available => "available",
            LoadState::Loading => "loading",
            LoadState::Loaded => "loaded",
            LoadState::Failed(_) => "failed",
        }
    }
}

/// One derived object of the session.
pub struct DerivedEntry {
    /// The instance's handle in the session (`Session::instances`).
    pub source: u32,
    pub kind: DerivedKind,
    pub state: RwSignal<LoadState>,
    /// Drawn over its source images.
    pub shown: RwSignal<bool>,
    pub style: RwSignal<LayerStyle>,
    object: RefCell<Option<Rc<Derived>>>,
}

impl DerivedEntry {
    /// The parsed object, once loaded.
    pub fn object(&self) -> Option<Rc<Derived>> {
        self.object.borrow().clone()
    }
}

/// All derived objects of a session, in the order they were opened.
pub struct DerivedStore {
    entries: RefCell<Vec<Rc<DerivedEntry>>>,
    /// Bumped when an entry is added or finishes loading.
    pub revision: RwSignal<u64>,
    /// The image display set fused over the others (super::fusion).
    pub fusion: super::fusion::FusionState,
}

impl DerivedStore {
    pub fn new() -> DerivedStore {
        DerivedStore {
            entries: RefCell::new(Vec::new()),
            revision: RwSignal::new(0),
            fusion: super::fusion::FusionState::new(),
        }
    }

    pub fn entries(&self) -> Vec<Rc<DerivedEntry>> {
        self.entries.borrow().clone()
    }

    pub fn entry(&self, source: u32) -> Option<Rc<DerivedEntry>> {
        self.entries.borrow().iter().find(|e| e.source == source).cloned()
    }

    /// Registers instance `source` as a derived object of `kind` (not loaded yet). Presentation
    /// states start hidden (the user chooses one); the others are drawn once loaded.
    pub fn register(&self, source: u32, kind: DerivedKind) -> Rc<DerivedEntry> {
        if let Some(existing) = self.entry(source) {
            return existing;
        }
        let entry = Rc::new(DerivedEntry {
            source,
            kind,
            state: RwSignal::new(LoadState::Available),
            shown: RwSignal::new(kind != DerivedKind::PresentationState),
            style: RwSignal::new(LayerStyle::default()),
            object: RefCell::new(None),
        });
        self.entries.borrow_mut().push(entry.clone());
        self.revision.update(|r| *r += 1);
        entry
    }

    /// Reads and parses a blob as the entry's object. A SEG whose frames are compressed gets
    /// them from the decode workers first (the page's UI module carries no codec).
    pub async fn load_blob(&self, entry: &DerivedEntry, blob: &web_sys::Blob, session: &Session) {
        entry.state.set(LoadState::Loading);
        let parsed = match JsFuture::from(blob.array_buffer()).await {
            Ok(buffer) => parse(entry.kind, &js_sys::Uint8Array::new(&buffer).to_vec(), blob, session).await,
            Err(e) => Err(format!("the file could not be read ({e:?}); open it again")),
        };
        match parsed {
            Ok(object) => {
                *entry.object.borrow_mut() = Some(Rc::new(object));
                entry.state.set(LoadState::Loaded);
            }
            Err(e) => entry.state.set(LoadState::Failed(e)),
        }
        self.revision.update(|r| *r += 1);
    }

    /// Tracks everything that changes what the shown objects draw (for the viewport's redraw).
    pub fn track_drawing(&self) {
        self.revision.track();
        self.fusion.track();
        for entry in self.entries.borrow().iter() {
            entry.shown.track();
            entry.style.track();
        }
    }
}

impl Default for DerivedStore {
    fn default() -> DerivedStore {
        DerivedStore::new()
    }
}
