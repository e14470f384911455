//! Ways in: the file picker (data-testid="open-files"), the folder picker, drag and drop of files
//! and folders anywhere on the page, and the built-in sample studies.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DragEvent, Event, HtmlInputElement};

use super::context::{use_app, AppContext};
use super::i18n::{tr, trf};
use super::loader::{self, Source};
use super::tasks::yield_to_browser;
use crate::viewer::load_order::outward;
use crate::viewer::opening_slice::opening_frame;

/// Opens sources in the background.
pub fn open(app: AppContext, sources: Vec<Source>) {
    if sources.is_empty() {
        return;
    }
    show_viewer(app);
    let session = app.session();
    let pane = app.active_pane();
    leptos::task::spawn_local(async move {
        loader::open_into(session, sources, Some(pane)).await;
    });
}

/// Leaves the start page or a browser for the viewports (something is being opened).
pub fn show_viewer(app: AppContext) {
    app.browse.set(None);
    app.archive.set(None);
}

fn on_input(app: AppContext) -> impl Fn(Event) {
    move |ev: Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else { return };
        let sources = loader::from_file_list(input.files());
        // Clear the choice so choosing the same files again opens them again.
        input.set_value("");
        open(app, sources);
    }
}

/// The label's classes: a plain button, or a `.btn` variant of style/main.css ("btn btn-primary").
fn picker_class(variant: &'static str) -> String {
    if variant.is_empty() {
        "button".to_string()
    } else {
        format!("button {variant}")
    }
}

/// `id`: unique per page (the toolbar's picker and the start page's are both on screen).
#[component]
pub fn FilePicker(
    #[prop(default = "open-files")] id: &'static str,
    #[prop(default = "")] variant: &'static str,
) -> impl IntoView {
    let app = use_app();
    view! {
        // The input comes first: the label after it shows its focus ring (style/main.css).
        <input
            id=id
            class="visually-hidden-input"
            data-testid="open-files"
            type="file"
            multiple
            on:change=on_input(app)
        />
        <label class=picker_class(variant) for=id>{move || tr("start.open_files")}</label>
    }
}

#[component]
pub fn FolderPicker(
    #[prop(default = "open-folder")] id: &'static str,
    #[prop(default = "")] variant: &'static str,
) -> impl IntoView {
    let app = use_app();
    let input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(element) = input.get() {
            // Not in web-sys' typed API: set the attribute the directory picker needs.
            let _ = element.set_attribute("webkitdirectory", "");
        }
    });
    view! {
        <input
            id=id
            node_ref=input
            class="visually-hidden-input"
            data-testid="open-folder"
            type="file"
            multiple
            on:change=on_input(app)
        />
        <label class=picker_class(variant) for=id>{move || tr("start.open_folder")}</label>
    }
}

/// Drop handler for the whole page: files, folders (walked recursively) and ZIPs.
pub fn on_drop(app: AppContext) -> impl Fn(DragEvent) {
    move |ev: DragEvent| {
        ev.prevent_default();
        let Some(transfer) = ev.data_transfer() else { return };
        let (entries, files) = loader::drop_entries(&transfer);
        show_viewer(app);
        let session = app.session();
        leptos::task::spawn_local(async move {
            let mut sources = loader::walk(entries, &session).await;
            sources.extend(files.into_iter().map(|file| Source { path: file.name(), blob: file.into() }));
            loader::open_into(session, sources, Some(app.active_pane())).await;
        });
    }
}

/// One sample study listed in samples/index.json (written at build time by make-samples).
pub type Sample = crate::samples::SampleEntry;

async fn fetch(url: &str) -> Result<web_sys::Response, String> {
    let window = web_sys::window().ok_or("no window")?;
    response_of(url, window.fetch_with_str(url)).await
}

/// The sample list; an empty list when the page was built without samples.
pub async fn list_samples() -> Result<Vec<Sample>, String> {
    let response = fetch("samples/index.json").await?;
    let unreadable = || trf("start.samples.unreadable", &[("file", "samples/index.json")]);
    let text = JsFuture::from(response.text().map_err(|_| unreadable())?)
        .await
        .map_err(|_| unreadable())?
        .as_string()
        .unwrap_or_default();
    crate::samples::parse_manifest(&text).map_err(|e| e.to_string())
}

async fn blob_of(response: Result<web_sys::Response, String>) -> Result<web_sys::Blob, String> {
    let response = response?;
    let promise = response.blob().map_err(|_| tr("start.fetch.no_body").to_string())?;
    JsFuture::from(promise)
        .await
        .ok()
        .and_then(|b| b.dyn_into::<web_sys::Blob>().ok())
        .ok_or_else(|| tr("start.fetch.unreadable").to_string())
}

async fn response_of(url: &str, promise: js_sys::Promise) -> Result<web_sys::Response, String> {
    let response: web_sys::Response =
        JsFuture::from(promise).await.map_err(|_| trf("start.fetch.offline", &[("url", url)]))?.unchecked_into();
    if !response.ok() {
        return Err(trf("start.fetch.http", &[("url", url), ("status", &response.status().to_string())]));
    }
    Ok(response)
}

/// Downloads a sample's files (from this site, so it works offline once cached) and opens them
/// in the active viewport: the middle file first (the slice the stack opens on), drawn as soon
/// as it is decoded, then the others, requested together, nearest the middle first.
pub fn open_sample(app: AppContext, sample: Sample) {
    show_viewer(app);
    let session = app.session();
    let pane = app.active_pane();
    leptos::task::spawn_local(async move {
        let total = sample.files.len();
        let order = outward(opening_frame(total) as usize, total);
        let failed = |e: String| {
            session.report(trf("start.sample.failed", &[("title", &sample.title), ("error", &e)]));
            session.signals.progress.set(None);
        };
        let Some(middle) = order.first().and_then(|i| sample.files.get(*i)) else { return };
        let progress = |done: usize| {
            session.signals.progress.set(Some((
                trf("start.sample.loading", &[("title", &sample.title)]),
                done as u32,
                total as u32,
            )))
        };
        progress(0);
        let url = format!("samples/{middle}");
        let blob = match blob_of(fetch(&url).await).await {
            Ok(blob) => blob,
            Err(e) => return failed(e),
        };
        let shown = loader::open_into(session.clone(), vec![Source { path: middle.clone(), blob }], Some(pane)).await;
        // Draw the middle slice before asking for the rest.
        if let Some(source) = shown {
            let _ = session.frame((source, 0)).await;
            yield_to_browser().await;
        }
        let Some(window) = web_sys::window() else { return };
        let pending: Vec<(String, String, js_sys::Promise)> = order
            .iter()
            .skip(1)
            .filter_map(|i| sample.files.get(*i))
            .map(|path| {
                let url = format!("samples/{path}");
                let promise = window.fetch_with_str(&url);
                (path.clone(), url, promise)
            })
            .collect();
        let mut sources = Vec::with_capacity(pending.len());
        for (index, (path, url, promise)) in pending.into_iter().enumerate() {
            progress(index + 1);
            match blob_of(response_of(&url, promise).await).await {
                Ok(blob) => sources.push(Source { path, blob }),
                Err(e) => return failed(e),
            }
        }
        loader::open_all(session, sources).await;
    });
}
