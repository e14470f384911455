//! Everything the page has opened: the instances (a Blob each, with the parsed header), the
//! study library grouping them, the decoded-frame cache under a memory budget, and the decode
//! workers. Shared by all components through an `Rc`; reactive state lives in `SessionSignals`.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use dicom_object::InMemDicomObject;
use js_sys::{Function, Promise};
use leptos::prelude::*;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Blob};

use super::dicomweb::{fetch_frame, Fetched, RemoteInstance};
use super::i18n::{lang, tr};
use super::worker::DecodePool;
use crate::derived::DerivedKind;
use crate::dicom::{DicomImage, Frame};
use crate::dicomweb::failure::is_retryable;
use crate::study::{AddOutcome, InstanceMeta, StudyLibrary};
use crate::viewer::frame_cache::FrameCache;
use crate::viewer::load_report::damaged_copy_message;

/// Frames of a multi-frame file decoded per worker job (the file is parsed once per job).
const FRAMES_PER_JOB: u32 = 8;
/// Default memory budget for decoded frames.
pub const DEFAULT_BUDGET_BYTES: u64 = 1 << 30;

pub type FrameKey = (u32, u32);

enum LoadError {
    Aborted,
    /// Will fail again: remembered, and told whenever the frame is asked for.
    Failed(String),
    /// The server failed transiently (5xx, timeout) through all the client's retries: told
    /// now, not remembered, so showing the slice again asks the server again.
    Transient(String),
}

/// Where an instance's bytes are.
#[derive(Clone)]
pub enum Content {
    /// A whole Part-10 file (opened locally, or fetched whole from a server).
    File(Blob),
    /// Frames to fetch one by one from a DICOMweb server.
    Remote(RemoteInstance),
}

/// One opened DICOM object.
pub struct Instance {
    pub name: String,
    pub content: Content,
    pub dataset: Rc<InMemDicomObject>,
    /// The image header (None for objects without pixel data, or when it cannot be shown).
    pub image: Option<Rc<DicomImage>>,
    pub image_error: Option<String>,
}

impl Instance {
    fn new(name: String, content: Content, dataset: InMemDicomObject, image: Result<DicomImage, String>) -> Instance {
        let (image, image_error) = match image {
            Ok(image) => (Some(Rc::new(image)), None),
            Err(e) => (None, Some(e)),
        };
        Instance { name, content, dataset: Rc::new(dataset), image, image_error }
    }

    /// Bytes of a local file (None for remote instances).
    fn size(&self) -> Option<f64> {
        match &self.content {
            Content::File(blob) => Some(blob.size()),
            Content::Remote(_) => None,
        }
    }
}

/// What the UI re-renders on.
#[derive(Clone, Copy)]
pub struct SessionSignals {
    /// Bumped whenever instances are added (series panel, display sets).
    pub library_revision: RwSignal<u64>,
    /// (bytes used, budget) of the frame cache.
    pub memory: RwSignal<(u64, u64)>,
    /// Messages to show, each once.
    pub errors: RwSignal<Vec<(u64, String)>>,
    /// A load in progress: (what, done, total).
    pub progress: RwSignal<Option<(String, u32, u32)>>,
    /// Names of the files skipped because they are not DICOM.
    pub skipped: RwSignal<Vec<String>>,
}

impl SessionSignals {
    fn new(budget: u64) -> SessionSignals {
        SessionSignals {
            library_revision: RwSignal::new(0),
            memory: RwSignal::new((0, budget)),
            errors: RwSignal::new(Vec::new()),
            progress: RwSignal::new(None),
            skipped: RwSignal::new(Vec::new()),
        }
    }
}

pub struct Session {
    pub instances: RefCell<Vec<Instance>>,
    pub library: RefCell<StudyLibrary>,
    cache: RefCell<FrameCache<FrameKey, Rc<Frame>>>,
    /// Frames being decoded: one promise per key, settled when the frame is in the cache.
    in_flight: RefCell<HashMap<FrameKey, (Promise, Function)>>,
    pool: Option<DecodePool>,
    next_error: Cell<u64>,
    pinned: RefCell<[Option<FrameKey>; 4]>,
    /// Frames that could not be loaded or decoded, with the reason (not retried on every draw).
    failed: RefCell<HashMap<FrameKey, String>>,
    /// Other copies of loaded instances (same SOP Instance UID), by source, used when the
    /// loaded one cannot be decoded.
    spares: RefCell<HashMap<u32, Vec<Instance>>>,
    pub signals: SessionSignals,
    /// The derived objects (SEG, RTSTRUCT, SR, KOS, GSPS) among the instances.
    pub derived: super::derived::DerivedStore,
    /// Volumes of reformatted display sets (src/web/volume.rs).
    pub volumes: super::volume::VolumeStore,
}

/// Byte counts beyond the address space saturate (the cache then never evicts for size).
fn to_usize(bytes: u64) -> usize {
    usize::try_from(bytes).unwrap_or(usize::MAX)
}

impl Session {
    pub fn new(budget: u64) -> Rc<Session> {
        let signals = SessionSignals::new(budget);
        let pool = match DecodePool::for_this_machine() {
            Ok(pool) => Some(pool),
            Err(e) => {
                web_sys::console::warn_1(&format!("decode workers unavailable, decoding on the page: {e}").into());
                None
            }
        };
        Rc::new(Session {
            instances: RefCell::new(Vec::new()),
            library: RefCell::new(StudyLibrary::default()),
            cache: RefCell::new(FrameCache::new(to_usize(budget))),
            in_flight: RefCell::new(HashMap::new()),
            pool,
            next_error: Cell::new(0),
            pinned: RefCell::new([None; 4]),
            failed: RefCell::new(HashMap::new()),
            spares: RefCell::new(HashMap::new()),
            signals,
            derived: super::derived::DerivedStore::new(),
            volumes: super::volume::VolumeStore::new(),
        })
    }

    /// Shows `message` to the user (once).
    pub fn report(&self, message: impl Into<String>) {
        let id = self.next_error.get();
        self.next_error.set(id + 1);
        let message = message.into();
        self.signals.errors.update(|list| {
            if !list.iter().any(|(_, m)| *m == message) {
                list.push((id, message));
            }
        });
    }

    pub fn workers(&self) -> usize {
        self.pool.as_ref().map_or(0, DecodePool::size)
    }

    /// Adds a parsed object; returns its source handle, or None for another copy of an instance
    /// already loaded (same SOP Instance UID). Of two copies the one that can be shown is kept,
    /// and the user is told which was damaged; an intact copy waits as a spare in case the
    /// shown one fails to decode.
    pub fn add(
        &self,
        name: String,
        content: Content,
        dataset: InMemDicomObject,
        image: Result<DicomImage, String>,
    ) -> Option<u32> {
        let source = self.instances.borrow().len() as u32;
        let meta = InstanceMeta::read(source, &dataset);
        let derived = DerivedKind::classify(&meta.sop_class_uid, &meta.modality);
        let outcome = self.library.borrow_mut().add(meta);
        let instance = Instance::new(name, content, dataset, image);
        match outcome {
            AddOutcome::Added => {
                self.instances.borrow_mut().push(instance);
                if let Some(kind) = derived {
                    self.derived.register(source, kind);
                }
                Some(source)
            }
            AddOutcome::DuplicateInstance { sop_instance_uid, existing_source } => {
                self.add_copy(existing_source, &sop_instance_uid, instance);
                None
            }
            AddOutcome::DuplicateSource { .. } => None,
        }
    }

    /// Another copy of instance `existing`: replaces it when it is damaged (unreadable header, or
    /// a frame that failed to decode) and this one is not,
    /// is reported when it is the damaged one, and is kept as a spare when both look intact but
    /// differ in size (one may fail only when its pixels are decoded).
    fn add_copy(&self, existing: u32, sop_instance_uid: &str, copy: Instance) {
        let (existing_name, existing_error, existing_size) = {
            let instances = self.instances.borrow();
            let Some(current) = instances.get(existing as usize) else { return };
            (current.name.clone(), current.image_error.clone(), current.size())
        };
        // The loaded copy may already have failed to decode (it was shown before this one came).
        let decode_error =
            || self.failed.borrow().iter().find(|((source, _), _)| *source == existing).map(|(_, e)| e.clone());
        match (existing_error.or_else(decode_error), copy.image_error.clone()) {
            (Some(cause), None) => {
                self.report(damaged_copy_message(lang(), &existing_name, &cause, &copy.name, sop_instance_uid));
                self.put_in_place(existing, copy);
            }
            (None, Some(cause)) => {
                self.report(damaged_copy_message(lang(), &copy.name, &cause, &existing_name, sop_instance_uid))
            }
            (None, None) if copy.size().is_some() && copy.size() != existing_size => {
                self.spares.borrow_mut().entry(existing).or_default().push(copy);
            }
            _ => {}
        }
    }

    /// Puts `copy` in place of instance `source` (same SOP Instance), forgetting old failures.
    fn put_in_place(&self, source: u32, copy: Instance) {
        let meta = InstanceMeta::read(source, &copy.dataset);
        self.library.borrow_mut().replace(meta);
        if let Some(slot) = self.instances.borrow_mut().get_mut(source as usize) {
            *slot = copy;
        }
        self.failed.borrow_mut().retain(|(s, _), _| *s != source);
        self.signals.library_revision.update(|r| *r += 1);
    }

    /// After instance `source` failed to decode with `cause`: shows its spare copy instead, if
    /// there is one, and says so. True when a spare took its place.
    fn use_spare(&self, source: u32, cause: &str) -> bool {
        let spare = self.spares.borrow_mut().get_mut(&source).and_then(Vec::pop);
        let Some(spare) = spare else { return false };
        let (damaged, uid) = {
            let instances = self.instances.borrow();
            let name = instances.get(source as usize).map(|i| i.name.clone()).unwrap_or_default();
            let uid = self.library.borrow().instance(source).map(|m| m.sop_instance_uid.clone()).unwrap_or_default();
            (name, uid)
        };
        self.report(damaged_copy_message(lang(), &damaged, cause, &spare.name, &uid));
        self.put_in_place(source, spare);
        true
    }

    pub fn image(&self, source: u32) -> Option<Rc<DicomImage>> {
        self.instances.borrow().get(source as usize).and_then(|i| i.image.clone())
    }

    pub fn dataset(&self, source: u32) -> Option<Rc<InMemDicomObject>> {
        self.instances.borrow().get(source as usize).map(|i| i.dataset.clone())
    }

    /// A decoded frame if it is in memory (marks it recently used).
    pub fn cached(&self, key: FrameKey) -> Option<Rc<Frame>> {
        self.cache.borrow_mut().get(&key).cloned()
    }

    /// Sets the memory budget of decoded frames and volumes together.
    pub fn set_budget(&self, bytes: u64) {
        self.signals.memory.set((self.signals.memory.get_untracked().0, bytes));
        self.fit_cache_to_volumes();
    }

    /// The frame cache gets the budget the volumes leave.
    pub(super) fn fit_cache_to_volumes(&self) {
        let (_, budget) = self.signals.memory.get_untracked();
        let volumes = self.volumes.byte_len();
        let mut cache = self.cache.borrow_mut();
        cache.set_budget(to_usize(budget.saturating_sub(volumes)));
        self.signals.memory.set((cache.used_bytes() as u64 + volumes, budget));
    }

    /// Keeps the frame viewport `pane` shows from eviction (one pinned frame per viewport).
    pub fn pin(&self, pane: usize, key: FrameKey) {
        let mut pinned = self.pinned.borrow_mut();
        if let Some(slot) = pinned.get_mut(pane) {
            *slot = Some(key);
        }
        let keys: Vec<FrameKey> = pinned.iter().flatten().copied().collect();
        self.cache.borrow_mut().pin(&keys);
    }

    fn store(&self, key: FrameKey, frame: Frame) {
        let bytes = frame.pixels.byte_len();
        if let Some(image) = self.image(key.0) {
            self.volumes.on_frame(key, &frame, &image.info.modality_lut(key.1));
        }
        let volumes = self.volumes.byte_len();
        let mut cache = self.cache.borrow_mut();
        cache.insert(key, Rc::new(frame), to_usize(bytes));
        let budget = self.signals.memory.get_untracked().1;
        self.signals.memory.set((cache.used_bytes() as u64 + volumes, budget));
    }

    /// The decoded frame, from memory or decoded by a worker (frames of multi-frame files are
    /// decoded in small batches, so scrolling a cine loop does not re-parse per frame).
    pub async fn frame(self: &Rc<Self>, key: FrameKey) -> Result<Rc<Frame>, String> {
        self.frame_with(key, None).await
    }

    /// Why a frame could not be shown, if it failed before.
    pub fn failure(&self, key: FrameKey) -> Option<String> {
        self.failed.borrow().get(&key).cloned()
    }

    /// Forgets failures (the user asked to try again).
    pub fn clear_failures(&self) {
        self.failed.borrow_mut().clear();
    }

    /// [`Session::frame`]; `signal` cancels the network part (a background load the user left).
    pub async fn frame_with(self: &Rc<Self>, key: FrameKey, signal: Option<&AbortSignal>) -> Result<Rc<Frame>, String> {
        if let Some(frame) = self.cached(key) {
            return Ok(frame);
        }
        if let Some(reason) = self.failure(key) {
            return Err(reason);
        }
        let existing = self.in_flight.borrow().get(&key).map(|(p, _)| p.clone());
        if let Some(promise) = existing {
            let _ = JsFuture::from(promise).await;
            if let Some(frame) = self.cached(key) {
                return Ok(frame);
            }
        }
        self.decode_batch(key, signal).await?;
        self.cached(key).ok_or_else(|| tr("common.load.evicted").into())
    }

    async fn decode_batch(
        self: &Rc<Self>,
        (source, first): FrameKey,
        signal: Option<&AbortSignal>,
    ) -> Result<(), String> {
        let (content, dataset, frames) = {
            let instances = self.instances.borrow();
            let instance = instances.get(source as usize).ok_or("no such file")?;
            let image = instance.image.as_ref().ok_or_else(|| {
                instance.image_error.clone().unwrap_or_else(|| tr("common.load.no_image").to_string())
            })?;
            (instance.content.clone(), instance.dataset.clone(), image.info.number_of_frames.max(1))
        };
        // Remote frames come one per request; a file's frames in small batches.
        let count = match content {
            Content::File(_) => FRAMES_PER_JOB.min(frames.saturating_sub(first)).max(1),
            Content::Remote(_) => 1,
        };
        let keys: Vec<FrameKey> = (first..first + count)
            .map(|f| (source, f))
            .filter(|k| !self.in_flight.borrow().contains_key(k) && !self.cache.borrow().contains(k))
            .collect();
        for key in &keys {
            let mut settle = None;
            let promise = Promise::new(&mut |resolve, _| settle = Some(resolve));
            if let Some(resolve) = settle {
                self.in_flight.borrow_mut().insert(*key, (promise, resolve));
            }
        }
        let mut result = self.load(source, content, &dataset, first, count, signal).await;
        // A damaged file with an intact copy loaded too: show the copy (and say so).
        while let Err(LoadError::Failed(cause)) = &result {
            if !self.use_spare(source, cause) {
                break;
            }
            let spare = self.instances.borrow().get(source as usize).map(|i| (i.content.clone(), i.dataset.clone()));
            let Some((content, dataset)) = spare else { break };
            result = self.load(source, content, &dataset, first, count, signal).await;
        }
        let outcome = match result {
            Ok(decoded) => {
                super::perf::mark_once("dv:first-decode");
                for (index, frame) in decoded {
                    self.store((source, index), frame);
                }
                Ok(())
            }
            Err(LoadError::Aborted) => Err(tr("common.load.cancelled").to_string()),
            Err(LoadError::Transient(e)) => Err(e),
            Err(LoadError::Failed(e)) => {
                for key in &keys {
                    self.failed.borrow_mut().insert(*key, e.clone());
                }
                Err(e)
            }
        };
        for key in keys {
            if let Some((_, resolve)) = self.in_flight.borrow_mut().remove(&key) {
                let _ = resolve.call0(&JsValue::NULL);
            }
        }
        outcome
    }

    /// Fetches (for remote instances) and decodes `count` frames from `first`.
    async fn load(
        &self,
        source: u32,
        content: Content,
        dataset: &InMemDicomObject,
        first: u32,
        count: u32,
        signal: Option<&AbortSignal>,
    ) -> Result<Vec<(u32, Frame)>, LoadError> {
        let (blob, first_in_blob, index_offset) = match content {
            Content::File(blob) => (blob, first, 0),
            Content::Remote(remote) => match fetch_frame(&remote, dataset, first, signal).await {
                Ok(Fetched::Native(file)) => {
                    // Uncompressed: read on the page without the decoder module (no codec here).
                    let frame = DicomImage::parse(&file).and_then(|image| image.decode_uncompressed_frame(0));
                    return frame.map(|frame| vec![(first, frame)]).map_err(|e| LoadError::Failed(e.to_string()));
                }
                Ok(Fetched::Frame(blob)) => (blob, 0, first),
                Ok(Fetched::WholeInstance(blob)) => {
                    // From now on this instance is a local file.
                    if let Some(instance) = self.instances.borrow_mut().get_mut(source as usize) {
                        instance.content = Content::File(blob.clone());
                    }
                    (blob, first, 0)
                }
                Err(e) if e.aborted() => return Err(LoadError::Aborted),
                Err(e) if is_retryable(&e.failure) => return Err(LoadError::Transient(e.message)),
                Err(e) => return Err(LoadError::Failed(e.message)),
            },
        };
        let decoded = match &self.pool {
            Some(pool) => pool
                .decode(&blob, first_in_blob, count)
                .await
                .map(|decoded| decoded.into_iter().map(|d| (d.index, d.frame)).collect::<Vec<_>>()),
            None => self.decode_here(&blob, first_in_blob, count).await,
        };
        decoded
            .map(|frames| frames.into_iter().map(|(index, frame)| (index + index_offset, frame)).collect())
            .map_err(LoadError::Failed)
    }

    /// Decodes frame `index` of a Part-10 file that is not (yet) in the session, on a worker.
    pub async fn decode_file(&self, blob: &Blob, index: u32) -> Result<Frame, String> {
        let decoded = match &self.pool {
            Some(pool) => {
                pool.decode(blob, index, 1).await.map(|d| d.into_iter().map(|d| (d.index, d.frame)).collect())
            }
            None => self.decode_here(blob, index, 1).await,
        }?;
        decoded.into_iter().next().map(|(_, frame)| frame).ok_or_else(|| tr("common.load.no_frame").to_string())
    }

    /// Every frame of the Part-10 file in `blob` (a compressed SEG: src/web/derived/store.rs).
    pub async fn decode_all(&self, blob: &Blob) -> Result<Vec<Frame>, String> {
        let decoded = match &self.pool {
            Some(pool) => pool.decode(blob, 0, u32::MAX).await.map(|d| d.into_iter().map(|d| d.frame).collect()),
            None => self.decode_here(blob, 0, u32::MAX).await.map(|d| d.into_iter().map(|(_, frame)| frame).collect()),
        }?;
        Ok(decoded)
    }

    /// Fallback when workers cannot start (e.g. a browser without module workers): the
    /// `decoder` module instantiated on the page (src/web/worker/modules.rs).
    async fn decode_here(&self, blob: &Blob, first: u32, count: u32) -> Result<Vec<(u32, Frame)>, String> {
        let buffer = JsFuture::from(blob.array_buffer()).await.map_err(|e| format!("{e:?}"))?;
        let frames = super::worker::modules::decode_here(&js_sys::Uint8Array::new(&buffer), first, count).await?;
        frames
            .iter()
            .enumerate()
            .map(|(offset, value)| Ok((first + offset as u32, super::worker::frame_from_js(&value)?)))
            .collect()
    }
}
