//! What each command does, through the viewer's own actions: the toolbar's (`web::actions`),
//! the file opening (`web::opening`, `web::loader`) and the DICOMweb study opening
//! (`web::dicomweb`). Returns the response's result: Ok, or the reason in words.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::super::actions;
use super::super::context::{AppContext, Layout};
use super::super::dicomweb::{open_study_with, DicomWebClient};
use super::super::i18n::{tr, trf};
use super::super::loader::Source;
use super::super::opening;
use super::super::pane::{Pane, Tool};
use crate::embed::protocol::{Command, LayoutName, StudySource, ToolName, WindowRequest};

pub fn tool_of(name: ToolName) -> Tool {
    match name {
        ToolName::WindowLevel => Tool::WindowLevel,
        ToolName::Pan => Tool::Pan,
        ToolName::Zoom => Tool::Zoom,
        ToolName::Scroll => Tool::Scroll,
        ToolName::Probe => Tool::Probe,
        ToolName::Length => Tool::Length,
        ToolName::Angle => Tool::Angle,
        ToolName::Rectangle => Tool::Rectangle,
        ToolName::Ellipse => Tool::Ellipse,
    }
}

pub fn tool_name(tool: Tool) -> ToolName {
    match tool {
        Tool::WindowLevel => ToolName::WindowLevel,
        Tool::Pan => ToolName::Pan,
        Tool::Zoom => ToolName::Zoom,
        Tool::Scroll => ToolName::Scroll,
        Tool::Probe => ToolName::Probe,
        Tool::Length => ToolName::Length,
        Tool::Angle => ToolName::Angle,
        Tool::Rectangle => ToolName::Rectangle,
        Tool::Ellipse => ToolName::Ellipse,
    }
}

pub fn layout_of(name: LayoutName) -> Layout {
    match name {
        LayoutName::OneByOne => Layout::One,
        LayoutName::OneByTwo => Layout::OneByTwo,
        LayoutName::TwoByTwo => Layout::TwoByTwo,
        LayoutName::Mpr => Layout::Mpr,
        LayoutName::Mpr3d => Layout::Mpr3d,
        LayoutName::Comparison => Layout::Comparison,
    }
}

/// Sets the layout, keeping the active viewport inside it.
pub fn set_layout(app: AppContext, layout: Layout) {
    super::super::toolbar::set_layout(app, layout);
}

/// The viewport a command names (made active, as a click would), or the active one; it must be
/// in the layout and show an image.
fn pane_with_image(app: AppContext, viewport: Option<usize>) -> Result<(Pane, usize), String> {
    let panes = app.layout.get_untracked().panes();
    let index = viewport.unwrap_or_else(|| app.active.get_untracked());
    if index >= panes {
        return Err(format!("viewport {index} is not in the layout: it has viewports 0 to {}", panes - 1));
    }
    let pane = app.panes.get(index).copied().ok_or_else(|| format!("there is no viewport {index}"))?;
    let Some(key) = pane.display_set.get_untracked() else {
        return Err(format!("viewport {index} shows no image yet: open one first"));
    };
    let count = app.session.with_value(|s| s.library.borrow().display_set(&key).map_or(0, |set| set.frames.len()));
    if app.active.get_untracked() != index {
        app.active.set(index);
    }
    Ok((pane, count))
}

/// Why a URL gave no file.
enum FetchError {
    /// No answer the page may read: the server is unreachable, or sent no CORS header for it.
    Unreachable,
    Status(u16),
    Unreadable,
}

impl FetchError {
    /// For the response to the host (the API speaks English).
    fn api_text(&self, url: &str) -> String {
        match self {
            FetchError::Unreachable => format!(
                "{url} could not be fetched: the server did not answer, or it does not allow the viewer to read it \
                 (it must send Access-Control-Allow-Origin)"
            ),
            FetchError::Status(code) => format!("{url} could not be fetched: the server answered HTTP {code}"),
            FetchError::Unreadable => format!("{url} could not be read: the answer broke off"),
        }
    }

    /// For the person looking at the viewer.
    fn user_text(&self, url: &str) -> String {
        match self {
            FetchError::Unreachable => trf("embed.fetch_unreachable", &[("url", url)]),
            FetchError::Status(code) => trf("embed.fetch_status", &[("url", url), ("status", &code.to_string())]),
            FetchError::Unreadable => trf("embed.fetch_unreadable", &[("url", url)]),
        }
    }
}

/// Fetches each URL (CORS), then opens what arrived as dropped files would be (DICOM, ZIP,
/// DICOMDIR). All requests start together; the browser limits how many run at once.
async fn open_urls(app: AppContext, urls: Vec<String>) -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let session = app.session();
    opening::show_viewer(app);
    let total = urls.len() as u32;
    let pending: Vec<(String, js_sys::Promise)> =
        urls.into_iter().map(|url| (url.clone(), window.fetch_with_str(&url))).collect();
    let mut sources = Vec::with_capacity(pending.len());
    let mut failures = Vec::new();
    for (done, (url, promise)) in pending.into_iter().enumerate() {
        session.signals.progress.set(Some((tr("embed.loading").to_string(), done as u32, total)));
        match fetch_blob(promise).await {
            Ok(blob) => sources.push(Source { path: file_name(&url), blob }),
            Err(reason) => failures.push((url, reason)),
        }
    }
    session.signals.progress.set(None);
    if let Some((url, reason)) = failures.first() {
        session.report(reason.user_text(url));
    }
    opening::open(app, sources);
    match failures.as_slice() {
        [] => Ok(()),
        [(url, reason)] => Err(reason.api_text(url)),
        [(url, reason), rest @ ..] => {
            Err(format!("{} URLs could not be fetched; the first: {}", rest.len() + 1, reason.api_text(url)))
        }
    }
}

/// The last path segment, which names the file in messages (and marks `.zip`).
fn file_name(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    path.rsplit('/').find(|s| !s.is_empty()).unwrap_or(path).to_string()
}

async fn fetch_blob(promise: js_sys::Promise) -> Result<web_sys::Blob, FetchError> {
    let response: web_sys::Response =
        JsFuture::from(promise).await.map_err(|_| FetchError::Unreachable)?.unchecked_into();
    if !response.ok() {
        return Err(FetchError::Status(response.status()));
    }
    let promise = response.blob().map_err(|_| FetchError::Unreadable)?;
    JsFuture::from(promise).await.ok().and_then(|b| b.dyn_into::<web_sys::Blob>().ok()).ok_or(FetchError::Unreadable)
}

fn client_for(app: AppContext, source: StudySource) -> Result<Rc<DicomWebClient>, String> {
    let sources = app.dicomweb.get_value().sources.clone();
    match source {
        StudySource::Configured(name) => {
            let name = name.or_else(|| sources.preferred()).ok_or_else(|| {
                "no dataSource given and config.json has no data source: name one, or give wadoRoot".to_string()
            })?;
            sources.client(&name).ok_or_else(|| {
                let known: Vec<String> = sources.list.with_untracked(|l| l.iter().map(|s| s.name.clone()).collect());
                format!("no data source is named \"{name}\"; this viewer has: {}", known.join(", "))
            })
        }
        StudySource::Roots(source) => Ok(DicomWebClient::new(*source, Rc::new(RefCell::new(String::new())))),
    }
}

pub async fn run(app: AppContext, command: Command) -> Result<(), String> {
    match command {
        Command::OpenUrls { urls } => open_urls(app, urls).await,
        Command::OpenStudy { source, study, series } => {
            let client = client_for(app, source)?;
            opening::show_viewer(app);
            open_study_with(app, client, study, series);
            Ok(())
        }
        Command::SetTool { tool } => {
            app.tool.set(tool_of(tool));
            Ok(())
        }
        Command::SetWindow { viewport, window } => {
            let (pane, _) = pane_with_image(app, viewport)?;
            match window {
                WindowRequest::Explicit { center, width } => pane.window.set(Some((center, width))),
                WindowRequest::FileDefault => {
                    pane.window.set(None);
                    pane.voi_index.set(0);
                }
                WindowRequest::Preset(name) => {
                    let presets = actions::presets(app);
                    let preset = presets.iter().find(|p| p.name.eq_ignore_ascii_case(&name)).ok_or_else(|| {
                        let names: Vec<&str> = presets.iter().map(|p| p.name.as_str()).collect();
                        if names.is_empty() {
                            format!("no preset \"{name}\": this image has no window presets (it is not greyscale, or not yet loaded)")
                        } else {
                            format!("no preset \"{name}\" for this image; it has: {}", names.join(", "))
                        }
                    })?;
                    actions::apply(app, preset);
                }
            }
            Ok(())
        }
        Command::SetLayout { layout } => {
            set_layout(app, layout_of(layout));
            Ok(())
        }
        Command::SetSlice { viewport, index } => {
            let (pane, count) = pane_with_image(app, viewport)?;
            if index as usize >= count {
                return Err(format!(
                    "slice {index} is out of range: this viewport has {count} slices (0 to {})",
                    count.saturating_sub(1)
                ));
            }
            pane.frame.set(index);
            Ok(())
        }
        Command::Reset { viewport } => {
            pane_with_image(app, viewport)?;
            actions::reset_view(app);
            Ok(())
        }
    }
}
