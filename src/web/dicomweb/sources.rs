//! The data sources the page knows: those of `config.json` (served beside the page), plus the
//! ones the user added, minus the ones the user removed (both remembered in localStorage, which
//! never holds a key or token). Keys live in memory and in sessionStorage (this tab only).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::client::DicomWebClient;
use crate::archives::datasets::{parse_archives, Archives};
use crate::dicomweb::source::{
    parse_config, sources_from_json, sources_to_json, AuthKind, DataSource, SourceFlags, ThumbnailKind,
};
use crate::web::i18n::{tr, trf};

const ADDED_KEY: &str = "dicomViewer.sources.added";
const REMOVED_KEY: &str = "dicomViewer.sources.removed";
const SECRET_PREFIX: &str = "dicomViewer.secret.";

fn local() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.session_storage().ok().flatten())
}

/// What `config.json` said (or why it could not be read).
#[derive(Clone, Default)]
pub struct ConfigState {
    pub loaded: bool,
    pub error: Option<String>,
    pub default_source: Option<String>,
}

pub struct SourceRegistry {
    configured: RefCell<Vec<DataSource>>,
    /// The public archives and the start page's datasets (config.json's own keys).
    pub archives: RwSignal<Archives>,
    /// Every source to offer, in order: configured (not removed), then added by the user.
    pub list: RwSignal<Vec<DataSource>>,
    pub config: RwSignal<ConfigState>,
    secrets: RefCell<HashMap<String, Rc<RefCell<String>>>>,
    clients: RefCell<HashMap<String, Rc<DicomWebClient>>>,
    /// Bumped when a key changes (views waiting for a key re-run).
    pub secret_revision: RwSignal<u64>,
}

fn added() -> Vec<DataSource> {
    local()
        .and_then(|s| s.get_item(ADDED_KEY).ok().flatten())
        .and_then(|json| sources_from_json(&json).ok())
        .unwrap_or_default()
}

fn removed() -> Vec<String> {
    local()
        .and_then(|s| s.get_item(REMOVED_KEY).ok().flatten())
        .and_then(|json| serde_json::from_str::<Vec<String>>(&json).ok())
        .unwrap_or_default()
}

impl SourceRegistry {
    pub fn new() -> Rc<SourceRegistry> {
        Rc::new(SourceRegistry {
            configured: RefCell::new(Vec::new()),
            archives: RwSignal::new(Archives::default()),
            list: RwSignal::new(added()),
            config: RwSignal::new(ConfigState::default()),
            secrets: RefCell::new(HashMap::new()),
            clients: RefCell::new(HashMap::new()),
            secret_revision: RwSignal::new(0),
        })
    }

    /// Reads `config.json` next to the page.
    pub async fn load_config(self: &Rc<Self>) {
        let early = EARLY_CONFIG.with(|early| early.borrow_mut().take());
        let state = match fetch_text(CONFIG_URL, early).await {
            Ok(text) => match parse_config(&text)
                .map_err(|e| e.to_string())
                .and_then(|config| parse_archives(&text).map(|archives| (config, archives)).map_err(|e| e.to_string()))
            {
                Ok((config, archives)) => {
                    self.configured.replace(config.sources);
                    self.archives.set(archives);
                    ConfigState { loaded: true, error: None, default_source: config.default_source }
                }
                Err(e) => ConfigState {
                    loaded: true,
                    error: Some(trf("dicomweb.config.invalid", &[("reason", &e)])),
                    default_source: None,
                },
            },
            Err(e) => ConfigState {
                loaded: true,
                error: Some(trf("dicomweb.config.unreadable", &[("reason", &e)])),
                default_source: None,
            },
        };
        crate::web::perf::mark_once("dv:config");
        self.config.set(state);
        self.refresh();
    }

    fn refresh(&self) {
        let removed = removed();
        let mut list: Vec<DataSource> =
            self.configured.borrow().iter().filter(|s| !removed.contains(&s.name)).cloned().collect();
        for source in added() {
            if !list.iter().any(|s| s.name == source.name) {
                list.push(source);
            }
        }
        self.clients.borrow_mut().retain(|name, client| {
            name.starts_with("archive:") || list.iter().any(|s| &s.name == name && *s == client.source)
        });
        self.list.set(list);
    }

    /// The source to browse first: config.json's default when offered, else the first one.
    pub fn preferred(&self) -> Option<String> {
        let default = self.config.with_untracked(|c| c.default_source.clone());
        self.list.with_untracked(|list| {
            default.filter(|name| list.iter().any(|s| &s.name == name)).or_else(|| list.first().map(|s| s.name.clone()))
        })
    }

    pub fn find(&self, name: &str) -> Option<DataSource> {
        self.list.with_untracked(|list| list.iter().find(|s| s.name == name).cloned())
    }

    pub fn is_configured(&self, name: &str) -> bool {
        self.configured.borrow().iter().any(|s| s.name == name)
    }

    /// Adds (or replaces) a user source; remembered without secrets.
    pub fn add(&self, source: DataSource) -> Result<(), String> {
        source.validate().map_err(|e| e.to_string())?;
        let mut list = added();
        list.retain(|s| s.name != source.name);
        list.push(source.clone());
        let storage = local().ok_or(tr("dicomweb.editor.no_storage"))?;
        let _ = storage.set_item(ADDED_KEY, &sources_to_json(&list));
        let mut gone = removed();
        gone.retain(|n| *n != source.name);
        let _ = storage.set_item(REMOVED_KEY, &serde_json::Value::from(gone).to_string());
        self.refresh();
        Ok(())
    }

    pub fn remove(&self, name: &str) {
        if let Some(storage) = local() {
            let mut list = added();
            list.retain(|s| s.name != name);
            let _ = storage.set_item(ADDED_KEY, &sources_to_json(&list));
            if self.is_configured(name) {
                let mut gone = removed();
                if !gone.iter().any(|n| n == name) {
                    gone.push(name.to_string());
                }
                let _ = storage.set_item(REMOVED_KEY, &serde_json::Value::from(gone).to_string());
            }
        }
        self.refresh();
    }

    fn secret_cell(&self, name: &str) -> Rc<RefCell<String>> {
        self.secrets
            .borrow_mut()
            .entry(name.to_string())
            .or_insert_with(|| {
                let stored = session_storage()
                    .and_then(|s| s.get_item(&format!("{SECRET_PREFIX}{name}")).ok().flatten())
                    .unwrap_or_default();
                Rc::new(RefCell::new(stored))
            })
            .clone()
    }

    pub fn secret(&self, name: &str) -> String {
        self.secret_cell(name).borrow().clone()
    }

    /// Sets the key or token for `name`: in memory and in this tab's sessionStorage.
    pub fn set_secret(&self, name: &str, secret: &str) {
        self.secret_cell(name).replace(secret.trim().to_string());
        if let Some(storage) = session_storage() {
            let key = format!("{SECRET_PREFIX}{name}");
            let _ = if secret.trim().is_empty() {
                storage.remove_item(&key)
            } else {
                storage.set_item(&key, secret.trim())
            };
        }
        if let Some(client) = self.clients.borrow().get(name) {
            client.resume();
        }
        self.secret_revision.update(|n| *n += 1);
    }

    /// A client for an archive's REST API (no key; its own request limit and retry policy).
    pub fn archive_client(&self, name: &str, friendly_name: &str, root: &str) -> Rc<DicomWebClient> {
        let key = format!("archive:{name}");
        if let Some(client) = self.clients.borrow().get(&key) {
            return client.clone();
        }
        let source = DataSource {
            name: name.to_string(),
            friendly_name: friendly_name.to_string(),
            qido_root: root.to_string(),
            wado_root: root.to_string(),
            auth: AuthKind::None,
            flags: SourceFlags::OHIF_DEFAULTS,
            thumbnails: ThumbnailKind::DecodeFrame,
            description: String::new(),
        };
        let client = DicomWebClient::new(source, Rc::new(RefCell::new(String::new())));
        self.clients.borrow_mut().insert(key, client.clone());
        client
    }

    /// The client for a source (one per source, shared so its request limit is global).
    pub fn client(&self, name: &str) -> Option<Rc<DicomWebClient>> {
        if let Some(client) = self.clients.borrow().get(name) {
            return Some(client.clone());
        }
        let source = self.find(name)?;
        let client = DicomWebClient::new(source, self.secret_cell(name));
        self.clients.borrow_mut().insert(name.to_string(), client.clone());
        Some(client)
    }
}

const CONFIG_URL: &str = "config.json";

thread_local! {
    /// config.json's request, sent before the page is mounted ([`start_config_request`]).
    static EARLY_CONFIG: RefCell<Option<js_sys::Promise>> = const { RefCell::new(None) };
}

/// Sends the request for config.json at once, before the page is built: a deep link waits for
/// it (the data source's address) before its first DICOMweb request, and building the page
/// takes longer than the answer. [`SourceRegistry::load_config`] takes its answer.
pub fn start_config_request() {
    if let Some(window) = web_sys::window() {
        let request = window.fetch_with_str(CONFIG_URL);
        EARLY_CONFIG.with(|early| *early.borrow_mut() = Some(request));
    }
}

/// GETs `url` as text (`request`: that request already sent).
async fn fetch_text(url: &str, request: Option<js_sys::Promise>) -> Result<String, String> {
    let window = web_sys::window().ok_or("no window")?;
    let request = request.unwrap_or_else(|| window.fetch_with_str(url));
    let response: web_sys::Response = JsFuture::from(request)
        .await
        .map_err(|_| "network error".to_string())?
        .dyn_into()
        .map_err(|_| "not a response".to_string())?;
    if !response.ok() {
        return Err(format!("HTTP {}", response.status()));
    }
    let text = JsFuture::from(response.text().map_err(|_| "unreadable body")?).await.map_err(|_| "unreadable body")?;
    text.as_string().ok_or_else(|| "not text".to_string())
}
