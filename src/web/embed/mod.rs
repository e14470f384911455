//! The viewer inside another site's iframe: `?embed=1` shows only the viewports and a small tool
//! bar ([`layout::EmbedLayout`]), and a host page drives it with `window.postMessage`
//! (`crate::embed`: commands, origins and events are parsed and decided there). This module is
//! the browser side: the `message` listener, the dispatch of commands to the viewer's existing
//! actions, and posting events to `window.parent`.
//!
//! Messages are obeyed only from origins in config.json's `embed.allowedOrigins` (and the
//! viewer's own); others are ignored with a `console.warn` naming the origin. Commands that arrive
//! before the configuration is read wait (at most [`MAX_WAITING`]); the `ready` event says the
//! viewer listens.

mod dispatch;
mod events;
pub mod layout;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use leptos::prelude::*;
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::context::AppContext;
use super::i18n::trf;
use crate::embed::events::Event;
use crate::embed::origins::{origin_of_url, parse_allowed_origins, OriginPolicy};
use crate::embed::protocol::{parse_message, response, too_large, Incoming, MAX_MESSAGE_BYTES};

pub use layout::EmbedLayout;

/// Commands kept while the configuration is read.
const MAX_WAITING: usize = 64;
/// Events kept until `ready` (e.g. an image shown from a deep link before config.json is read).
const MAX_PENDING_EVENTS: usize = 256;

/// The API's state for the page's lifetime.
pub struct EmbedState {
    app: AppContext,
    policy: RefCell<Option<OriginPolicy>>,
    /// The parent page's origin when the browser tells it (ancestorOrigins, else the referrer).
    parent_origin: Option<String>,
    /// The origin of the last command obeyed: events go there.
    last_sender: RefCell<Option<String>>,
    waiting: RefCell<Vec<(String, Value, Option<web_sys::Window>)>>,
    pending_events: RefCell<Vec<Event>>,
    ready: Cell<bool>,
}

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// The parent window, when this page is in a frame.
fn parent_window() -> Option<web_sys::Window> {
    let window = window()?;
    let parent = window.parent().ok().flatten()?;
    (JsValue::from(&parent) != JsValue::from(&window)).then_some(parent)
}

fn own_origin() -> String {
    window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

/// `location.ancestorOrigins[0]` (Chromium, Safari), else the origin of `document.referrer`.
fn parent_origin_hint() -> Option<String> {
    let window = window()?;
    let ancestors = js_sys::Reflect::get(&window.location(), &"ancestorOrigins".into()).ok();
    let first = ancestors
        .filter(|a| !a.is_undefined() && !a.is_null())
        .and_then(|a| js_sys::Reflect::get(&a, &JsValue::from(0)).ok())
        .and_then(|v| v.as_string());
    first.and_then(|o| crate::embed::origins::normalize_origin(&o).ok()).or_else(|| {
        let referrer = window.document()?.referrer();
        origin_of_url(&referrer)
    })
}

fn to_js(message: &Value) -> JsValue {
    js_sys::JSON::parse(&message.to_string()).unwrap_or(JsValue::NULL)
}

/// True when the address asks for the embed layout (`?embed=1`).
pub fn requested() -> bool {
    let search = window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    crate::embed::embed_requested(&search)
}

impl EmbedState {
    /// Posts an event to the parent (or keeps it until `ready`).
    pub fn emit(&self, event: Event) {
        if !self.ready.get() {
            let mut pending = self.pending_events.borrow_mut();
            if pending.len() < MAX_PENDING_EVENTS {
                pending.push(event);
            }
            return;
        }
        self.post(&event.to_json());
    }

    fn post(&self, message: &Value) {
        let Some(parent) = parent_window() else { return };
        let targets = match self.policy.borrow().as_ref() {
            Some(policy) => policy.event_targets(self.parent_origin.as_deref(), self.last_sender.borrow().as_deref()),
            None => return,
        };
        let data = to_js(message);
        for target in targets {
            let _ = parent.post_message(&data, &target);
        }
    }

    fn on_message(self: &Rc<Self>, event: web_sys::MessageEvent) {
        let origin = event.origin();
        // A cross-origin window fails `instanceof Window` in this realm: no checked cast.
        let source = event.source().filter(|s| !s.is_null()).map(|s| s.unchecked_into::<web_sys::Window>());
        let text = js_sys::JSON::stringify(&event.data()).ok().and_then(|t| t.as_string()).unwrap_or_default();
        if text.len() > MAX_MESSAGE_BYTES {
            if self.accepts(&origin) {
                reply(source.as_ref(), &origin, &too_large(text.len()));
            } else {
                warn_ignored(&origin);
            }
            return;
        }
        let Ok(data) = serde_json::from_str::<Value>(&text) else { return };
        if !self.ready.get() {
            let mut waiting = self.waiting.borrow_mut();
            if waiting.len() < MAX_WAITING {
                waiting.push((origin, data, source));
            } else {
                web_sys::console::warn_1(
                    &format!("DICOM viewer: a message from {origin} arrived before the viewer was ready and too many were waiting; it was dropped").into(),
                );
            }
            return;
        }
        self.handle(origin, data, source);
    }

    fn accepts(&self, origin: &str) -> bool {
        self.policy.borrow().as_ref().is_some_and(|p| p.accepts(origin))
    }

    fn handle(self: &Rc<Self>, origin: String, data: Value, source: Option<web_sys::Window>) {
        let Incoming::Command { id, name, command } = parse_message(&data) else { return };
        if !self.accepts(&origin) {
            warn_ignored(&origin);
            return;
        }
        self.last_sender.replace(Some(origin.clone()));
        match command {
            Err(e) => reply(source.as_ref(), &origin, &response(&id, &name, &Err(e.to_string()))),
            Ok(command) => {
                let app = self.app;
                leptos::task::spawn_local(async move {
                    let result = dispatch::run(app, command).await;
                    reply(source.as_ref(), &origin, &response(&id, &name, &result));
                });
            }
        }
    }

    /// The configuration is read: obey what waited, send `ready`, then the events kept so far.
    fn become_ready(self: &Rc<Self>, policy: OriginPolicy) {
        self.policy.replace(Some(policy));
        self.ready.set(true);
        self.post(&Event::Ready.to_json());
        let events: Vec<Event> = self.pending_events.borrow_mut().drain(..).collect();
        for event in events {
            self.emit(event);
        }
        let waiting: Vec<_> = self.waiting.borrow_mut().drain(..).collect();
        for (origin, data, source) in waiting {
            self.handle(origin, data, source);
        }
    }
}

fn warn_ignored(origin: &str) {
    web_sys::console::warn_1(
        &format!(
            "DICOM viewer: ignored a message from {origin}: that origin is not in config.json's embed.allowedOrigins"
        )
        .into(),
    );
}

fn reply(target: Option<&web_sys::Window>, origin: &str, message: &Value) {
    if let Some(target) = target {
        let _ = target.post_message(&to_js(message), origin);
    }
}

async fn config_text() -> Result<String, String> {
    let window = window().ok_or("no window")?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str("config.json"))
        .await
        .map_err(|_| "config.json could not be fetched".to_string())?
        .unchecked_into();
    if !response.ok() {
        return Err(format!("config.json answered HTTP {}", response.status()));
    }
    let promise = response.text().map_err(|_| "config.json has no body".to_string())?;
    JsFuture::from(promise).await.ok().and_then(|t| t.as_string()).ok_or_else(|| "config.json is not text".to_string())
}

/// Installs the API when the page is framed or asked for the embed layout. Returns whether the
/// embed layout is wanted (`?embed=1`).
pub fn install(app: AppContext) -> bool {
    let layout = requested();
    if !layout && parent_window().is_none() {
        return false;
    }
    let state = Rc::new(EmbedState {
        app,
        policy: RefCell::new(None),
        parent_origin: parent_origin_hint(),
        last_sender: RefCell::new(None),
        waiting: RefCell::new(Vec::new()),
        pending_events: RefCell::new(Vec::new()),
        ready: Cell::new(false),
    });
    let listening = state.clone();
    // The listener stays for the page's lifetime (dropping the handle does not remove it).
    let _ = window_event_listener(leptos::ev::message, move |event| listening.on_message(event));
    events::watch(app, state.clone());
    let policy = RwSignal::new(None::<OriginPolicy>);
    leptos::task::spawn_local(async move {
        let allowed = match config_text().await.and_then(|t| parse_allowed_origins(&t).map_err(|e| e.to_string())) {
            Ok(list) => list,
            Err(e) => {
                web_sys::console::error_1(&format!("DICOM viewer: {e}").into());
                app.session().report(trf("embed.config_error", &[("error", &e)]));
                Vec::new()
            }
        };
        policy.set(Some(OriginPolicy::new(allowed, &own_origin())));
    });
    // Ready once the allowed origins and the data sources (named by openStudy) are known.
    let sources = app.dicomweb.get_value().sources.clone();
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true;
        }
        let loaded = sources.config.get().loaded;
        match policy.get() {
            Some(policy) if loaded => {
                state.become_ready(policy);
                true
            }
            _ => false,
        }
    });
    layout
}
