//! The worker pool: jobs go to the least busy worker; each job is a promise settled by the
//! worker's reply, so callers simply `.await` a decode. The workers start with the page (when
//! the app mounts) and wait for the `decoder` module, which the page fetches and compiles once
//! after its first paint and posts to each of them (super::modules).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, MessageEvent, Url, Worker, WorkerOptions, WorkerType};

use crate::dicom::overlay::EmbeddedOverlays;
use crate::dicom::Frame;
use crate::pipeline::{Photometric, PixelValues};

use super::modules;

const SCRIPT: &str = include_str!("decode-worker.js");

/// One frame back from a worker: its index in the file and its stored values.
pub struct DecodedFrame {
    pub index: u32,
    pub frame: Frame,
}

struct Pending {
    worker: usize,
    resolve: Function,
    reject: Function,
}

#[derive(Default)]
struct Shared {
    pending: RefCell<HashMap<u32, Pending>>,
    busy: RefCell<Vec<u32>>,
    /// Workers that answered the `init` message (started or failed).
    started: Cell<usize>,
}

impl Shared {
    fn settle(&self, id: u32, outcome: Result<JsValue, JsValue>) {
        let Some(job) = self.pending.borrow_mut().remove(&id) else { return };
        if let Some(count) = self.busy.borrow_mut().get_mut(job.worker) {
            *count = count.saturating_sub(1);
        }
        let _ = match outcome {
            Ok(value) => job.resolve.call1(&JsValue::NULL, &value),
            Err(error) => job.reject.call1(&JsValue::NULL, &error),
        };
    }

    /// A worker died (script failed to load): fail its jobs so nobody waits forever.
    fn fail_worker(&self, worker: usize, message: &str) {
        let ids: Vec<u32> =
            self.pending.borrow().iter().filter(|(_, job)| job.worker == worker).map(|(id, _)| *id).collect();
        for id in ids {
            self.settle(id, Err(js_sys::Error::new(message).into()));
        }
    }
}

pub struct DecodePool {
    workers: Vec<Worker>,
    shared: Rc<Shared>,
    next_id: Cell<u32>,
    _handlers: Vec<Closure<dyn FnMut(MessageEvent)>>,
    _error_handlers: Vec<Closure<dyn FnMut(web_sys::Event)>>,
    script_url: String,
}

impl Drop for DecodePool {
    fn drop(&mut self) {
        for worker in &self.workers {
            worker.terminate();
        }
        let _ = Url::revoke_object_url(&self.script_url);
    }
}

fn js_text(value: &JsValue) -> String {
    value.as_string().unwrap_or_else(|| format!("{value:?}"))
}

impl DecodePool {
    /// Starts `size` workers (at least one).
    pub fn new(size: usize) -> Result<DecodePool, String> {
        let parts = Array::of1(&JsValue::from_str(SCRIPT));
        let options = BlobPropertyBag::new();
        options.set_type("text/javascript");
        let blob = Blob::new_with_str_sequence_and_options(&parts, &options).map_err(|e| js_text(&e))?;
        let script_url = Url::create_object_url_with_blob(&blob).map_err(|e| js_text(&e))?;

        let shared = Rc::new(Shared::default());
        let mut pool = DecodePool {
            workers: Vec::new(),
            shared: shared.clone(),
            next_id: Cell::new(0),
            _handlers: Vec::new(),
            _error_handlers: Vec::new(),
            script_url,
        };
        for index in 0..size.max(1) {
            let options = WorkerOptions::new();
            options.set_type(WorkerType::Module);
            options.set_name(&format!("decoder-{index}"));
            let worker = Worker::new_with_options(&pool.script_url, &options).map_err(|e| js_text(&e))?;
            let on_message = {
                let shared = shared.clone();
                let workers = size.max(1);
                Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                    let data = event.data();
                    if Reflect::has(&data, &"loaded".into()).unwrap_or(false) {
                        modules::mark("decoder-jxl-loaded");
                        return;
                    }
                    if Reflect::has(&data, &"ready".into()).unwrap_or(false) {
                        shared.started.set(shared.started.get() + 1);
                        if shared.started.get() == workers {
                            modules::mark("decode-workers-ready");
                        }
                        return;
                    }
                    let Some(id) = Reflect::get(&data, &"id".into()).ok().and_then(|v| v.as_f64()) else { return };
                    let error = Reflect::get(&data, &"error".into()).unwrap_or(JsValue::UNDEFINED);
                    let outcome = if error.is_undefined() {
                        Ok(Reflect::get(&data, &"frames".into()).unwrap_or(JsValue::UNDEFINED))
                    } else {
                        Err(js_sys::Error::new(&js_text(&error)).into())
                    };
                    shared.settle(id as u32, outcome);
                })
            };
            let on_error = {
                let shared = shared.clone();
                Closure::<dyn FnMut(web_sys::Event)>::new(move |_event: web_sys::Event| {
                    shared.fail_worker(index, "a decoding worker stopped; reload the page");
                })
            };
            worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
            pool.workers.push(worker);
            pool._handlers.push(on_message);
            pool._error_handlers.push(on_error);
            shared.busy.borrow_mut().push(0);
        }
        modules::mark("decode-workers-started");
        let workers = pool.workers.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let init = match modules::decoder_module().await {
                Ok(module) => modules::worker_init(&module),
                Err(error) => {
                    let init = Object::new();
                    let message = format!("the decoder module could not be loaded ({error}); reload the page");
                    let _ = Reflect::set(&init, &"error".into(), &message.into());
                    init
                }
            };
            let message = Object::new();
            let _ = Reflect::set(&message, &"init".into(), &init);
            for worker in &workers {
                let _ = worker.post_message(&message);
            }
        });
        Ok(pool)
    }

    /// A pool sized for this machine: one worker per core but one, between 2 and 6.
    pub fn for_this_machine() -> Result<DecodePool, String> {
        let cores = web_sys::window().map(|w| w.navigator().hardware_concurrency()).unwrap_or(4.0);
        DecodePool::new(((cores as usize).saturating_sub(1)).clamp(2, 6))
    }

    pub fn size(&self) -> usize {
        self.workers.len()
    }

    /// Jobs sent and not yet answered.
    pub fn in_flight(&self) -> u32 {
        self.shared.busy.borrow().iter().sum()
    }

    /// Decodes frames `first .. first + count` of the DICOM file in `blob`.
    pub async fn decode(&self, blob: &Blob, first: u32, count: u32) -> Result<Vec<DecodedFrame>, String> {
        let id = self.next_id.get();
        self.next_id.set(id.wrapping_add(1));
        let worker = {
            let busy = self.shared.busy.borrow();
            busy.iter().enumerate().min_by_key(|(_, n)| **n).map(|(i, _)| i).unwrap_or(0)
        };
        let Some(target) = self.workers.get(worker) else { return Err("no decoding worker".into()) };
        let shared = self.shared.clone();
        let promise = Promise::new(&mut |resolve, reject| {
            shared.pending.borrow_mut().insert(id, Pending { worker, resolve, reject });
        });
        if let Some(count) = self.shared.busy.borrow_mut().get_mut(worker) {
            *count += 1;
        }
        let job = Object::new();
        let _ = Reflect::set(&job, &"id".into(), &id.into());
        let _ = Reflect::set(&job, &"blob".into(), blob);
        let _ = Reflect::set(&job, &"first".into(), &first.into());
        let _ = Reflect::set(&job, &"count".into(), &count.into());
        if let Err(e) = target.post_message(&job) {
            self.shared.settle(id, Err(e));
        }
        let frames = JsFuture::from(promise).await.map_err(|e| {
            e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).unwrap_or_else(|| js_text(&e))
        })?;
        let frames: Array = frames.dyn_into().map_err(|_| "a worker answered without frames".to_string())?;
        frames
            .iter()
            .enumerate()
            .map(|(offset, value)| Ok(DecodedFrame { index: first + offset as u32, frame: frame_from_js(&value)? }))
            .collect()
    }
}

fn number(object: &JsValue, key: &str) -> Result<f64, String> {
    Reflect::get(object, &key.into())
        .ok()
        .and_then(|v| v.as_f64())
        .ok_or_else(|| format!("a worker's frame has no {key}"))
}

/// The frame object of `wasmBindings.decode_frame` back into a Frame.
pub fn frame_from_js(object: &JsValue) -> Result<Frame, String> {
    let photometric_text =
        Reflect::get(object, &"photometric_interpretation".into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
    let photometric = Photometric::parse(&photometric_text)
        .ok_or_else(|| format!("a worker's frame has photometric interpretation {photometric_text:?}"))?;
    let pixels = Reflect::get(object, &"pixels".into()).map_err(|_| "a worker's frame has no pixels".to_string())?;
    let pixels = if let Some(a) = pixels.dyn_ref::<js_sys::Uint8Array>() {
        PixelValues::U8(a.to_vec())
    } else if let Some(a) = pixels.dyn_ref::<js_sys::Uint16Array>() {
        PixelValues::U16(a.to_vec())
    } else if let Some(a) = pixels.dyn_ref::<js_sys::Int16Array>() {
        PixelValues::I16(a.to_vec())
    } else if let Some(a) = pixels.dyn_ref::<js_sys::Uint32Array>() {
        PixelValues::U32(a.to_vec())
    } else if let Some(a) = pixels.dyn_ref::<js_sys::Int32Array>() {
        PixelValues::I32(a.to_vec())
    } else if let Some(a) = pixels.dyn_ref::<js_sys::Float32Array>() {
        PixelValues::F32(a.to_vec())
    } else if let Some(a) = pixels.dyn_ref::<js_sys::Float64Array>() {
        PixelValues::F64(a.to_vec())
    } else {
        return Err("a worker's frame has pixels of an unknown type".into());
    };
    Ok(Frame {
        rows: number(object, "rows")? as u32,
        columns: number(object, "columns")? as u32,
        samples_per_pixel: number(object, "samples_per_pixel")? as u16,
        bits_allocated: number(object, "bits_allocated")? as u16,
        bits_stored: number(object, "bits_stored")? as u16,
        pixel_representation: number(object, "pixel_representation")? as u16,
        photometric,
        pixels,
        embedded_overlays: embedded_from_js(object),
    })
}

/// The `embedded_overlays` list of a worker's frame (absent for almost every file).
fn embedded_from_js(object: &JsValue) -> EmbeddedOverlays {
    let Ok(list) = Reflect::get(object, &"embedded_overlays".into()).and_then(|v| v.dyn_into::<Array>()) else {
        return EmbeddedOverlays::default();
    };
    EmbeddedOverlays(
        list.iter()
            .filter_map(|entry| {
                let group = Reflect::get(&entry, &"group".into()).ok()?.as_f64()? as u16;
                let bits = Reflect::get(&entry, &"bits".into()).ok()?.dyn_into::<js_sys::Uint8Array>().ok()?;
                Some((group, bits.to_vec()))
            })
            .collect(),
    )
}
