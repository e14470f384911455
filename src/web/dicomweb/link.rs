//! The page's address as a shareable link, with OHIF's parameter names: on start a link
//! `?datasource=NAME&StudyInstanceUIDs=…&SeriesInstanceUIDs=…` opens that study (a data source
//! alone opens its study browser); while the user
//! works the address follows the series in the active viewport (replaceState, so Back still
//! leaves the viewer). Parsing and formatting are the core's (`dicomweb::deep_link`).

use leptos::prelude::*;

use super::open_study;
use crate::dicomweb::deep_link::{parse_query, to_query, DeepLink};
use crate::web::context::AppContext;
use crate::web::session::Content;

fn current_query() -> String {
    web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default()
}

fn replace_query(query: &str) {
    let Some(window) = web_sys::window() else { return };
    let path = window.location().pathname().unwrap_or_default();
    let hash = window.location().hash().unwrap_or_default();
    let url = format!("{path}{query}{hash}");
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// The link the page was opened with.
pub fn initial() -> DeepLink {
    parse_query(&current_query())
}

/// Opens the study a link names once the data sources are known.
pub fn open_initial(app: AppContext) {
    let link = initial();
    let (Some(source), Some(study)) = (link.datasource.clone(), link.study_uids.first().cloned()) else {
        match link.datasource {
            // A data source alone: its study browser.
            Some(source) => app.browse.set(Some(source)),
            None if !link.study_uids.is_empty() => {
                app.session().report(crate::web::i18n::tr("dicomweb.link.no_source"))
            }
            None => {}
        }
        return;
    };
    let sources = app.dicomweb.get_value().sources.clone();
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) || !sources.config.get().loaded {
            return done.unwrap_or(false);
        }
        open_study(app, source.clone(), study.clone(), link.series_uids.clone());
        true
    });
}

/// Keeps the address naming the remote series in the active viewport.
pub fn follow_active_series(app: AppContext) {
    Effect::new(move |_| {
        let pane = app.panes[app.active.get().min(3)];
        let Some(key) = pane.display_set.get() else { return };
        let session = app.session();
        let located = {
            let library = session.library.borrow();
            let source = library.display_set(&key).and_then(|set| set.frames.first().map(|f| f.source));
            source.and_then(|s| {
                library.instance(s).map(|m| (s, m.study_instance_uid.clone(), m.series_instance_uid.clone()))
            })
        };
        let Some((source, study, series)) = located else { return };
        let remote = session.instances.borrow().get(source as usize).and_then(|i| match &i.content {
            Content::Remote(remote) => Some(remote.client.source.name.clone()),
            Content::File(_) => None,
        });
        let mut link = initial();
        match remote {
            Some(name) => {
                link.datasource = Some(name);
                link.study_uids = vec![study];
                link.series_uids = vec![series];
            }
            None => {
                link.datasource = None;
                link.study_uids.clear();
                link.series_uids.clear();
            }
        }
        replace_query(&to_query(&link));
    });
}
