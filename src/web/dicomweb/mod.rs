//! DICOMweb in the page: fetching (with limits, retries and cancellation), the data-source
//! registry, opening studies into the session, the study browser and its source editor, and
//! the shareable URL. Requests are built and answers parsed by the pure core (`crate::dicomweb`).

mod browser;
mod client;
mod editor;
mod frames;
mod http;
mod limiter;
pub mod link;
mod open;
mod sources;
mod thumbnail;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use leptos::prelude::*;
use web_sys::AbortController;

pub use browser::{KeyField, StudyBrowser};
pub use client::{DicomWebClient, RequestError, PARALLEL_REQUESTS};
pub use frames::{fetch_frame, fetch_instance, Fetched, RemoteInstance};
pub use open::{add_series, display_set_of_series};
pub use sources::{start_config_request, SourceRegistry};

use super::context::AppContext;
use super::i18n::{tr, trf};
use crate::dicomweb::failure::FetchFailure;

/// DICOMweb state shared by the page.
pub struct DicomWeb {
    pub sources: Rc<SourceRegistry>,
    /// The study being opened; a new one cancels the previous one's requests.
    opening: RefCell<Option<AbortController>>,
    /// Names of the series of opened studies from their series lists (Series Instance UID →
    /// "CT 2: Liver CT"), for derived objects that name a series not loaded.
    pub series_names: RefCell<std::collections::HashMap<String, String>>,
}

impl DicomWeb {
    pub fn new() -> Rc<DicomWeb> {
        Rc::new(DicomWeb {
            sources: SourceRegistry::new(),
            opening: RefCell::new(None),
            series_names: RefCell::default(),
        })
    }

    fn begin_opening(&self) -> Option<web_sys::AbortSignal> {
        if let Some(previous) = self.opening.borrow_mut().take() {
            previous.abort();
        }
        let controller = AbortController::new().ok()?;
        let signal = controller.signal();
        self.opening.replace(Some(controller));
        Some(signal)
    }
}

/// Opens `study` from data source `source_name` into the viewer: the series in `series_first`
/// first (shown in the active viewport as soon as its metadata is in), then the study's other
/// series. Failures are reported once; what loaded stays.
pub fn open_study(app: AppContext, source_name: String, study: String, series_first: Vec<String>) {
    let dicomweb = app.dicomweb.get_value();
    let Some(client) = dicomweb.sources.client(&source_name) else {
        app.session().report(trf("dicomweb.source.unknown", &[("name", &source_name)]));
        return;
    };
    open_study_with(app, client, study, series_first);
}

/// [`open_study`] with a client at hand (e.g. for a server an embedding page names by its roots).
pub fn open_study_with(app: AppContext, client: Rc<DicomWebClient>, study: String, series_first: Vec<String>) {
    let dicomweb = app.dicomweb.get_value();
    let session = app.session();
    let signal = dicomweb.begin_opening();
    // Slices that failed before get another chance.
    session.clear_failures();
    app.browse.set(None);
    leptos::task::spawn_local(async move {
        let signal = signal.as_ref();
        let report = |e: client::RequestError| {
            if !e.aborted() {
                session.report(e.message);
            }
        };
        let shown = Rc::new(Cell::new(false));
        let show = {
            let shown = shown.clone();
            move |series: &str| {
                if shown.get() {
                    return;
                }
                if let Some((key, count)) = open::display_set_of_series(&app, series) {
                    app.active_pane().open(key, count);
                    shown.set(true);
                }
            }
        };
        session.signals.progress.set(Some((tr("dicomweb.reading_study").to_string(), 0, 1)));
        for series in &series_first {
            match open::add_series(&session, &client, &study, series, signal).await {
                Ok(_) => show(series),
                Err(e) => report(e),
            }
        }
        let absent = || trf("dicomweb.study.absent", &[("server", &client.source.friendly_name), ("study", &study)]);
        let all = match open::study_series(&client, &study, signal).await {
            Ok(rows) => rows,
            // A server may answer an unknown study's series list with 404 rather than [].
            Err(e) if matches!(e.failure, FetchFailure::Status { code: 404, .. }) && series_first.is_empty() => {
                session.signals.progress.set(None);
                return session.report(absent());
            }
            Err(e) => {
                session.signals.progress.set(None);
                return report(e);
            }
        };
        if all.is_empty() && series_first.is_empty() {
            session.report(absent());
        }
        dicomweb.series_names.borrow_mut().extend(
            all.iter().filter_map(|row| Some((row.series_uid.clone(), crate::dicomweb::derived::series_name(row)?))),
        );
        // A link to derived series only (a SEG, an SR) reads just those: each says which series
        // it needs and offers to fetch them (crate::dicomweb::derived::series_to_open).
        let rest: Vec<String> = crate::dicomweb::derived::series_to_open(&all, &series_first)
            .into_iter()
            .filter(|uid| !series_first.contains(uid))
            .collect();
        session.signals.library_revision.update(|r| *r += 1);
        let total = rest.len() as u32;
        for (done, uid) in rest.into_iter().enumerate() {
            session.signals.progress.set(Some((tr("dicomweb.reading_study").to_string(), done as u32, total)));
            match open::add_series(&session, &client, &study, &uid, signal).await {
                Ok(_) => show(&uid),
                Err(e) if e.aborted() => break,
                Err(e) => report(e),
            }
        }
        session.signals.progress.set(None);
    });
}
