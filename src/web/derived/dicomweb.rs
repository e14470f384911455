//! Derived objects from a DICOMweb server: the series one needs, fetched when the user asks
//! (series metadata, as any series of the study), after which the object joins them, is loaded
//! (one instance retrieve) and shown.

use std::collections::BTreeSet;

use leptos::prelude::*;

use super::load::activate;
use crate::web::context::AppContext;
use crate::web::dicomweb::{add_series, display_set_of_series};
use crate::web::session::Content;

/// The name the server's series list gave series `uid` ("CT 2: Liver CT"), if it was read.
pub fn series_name(app: AppContext, uid: &str) -> Option<String> {
    app.dicomweb.get_value().series_names.borrow().get(uid).cloned()
}

/// True when derived object `source` came from a DICOMweb server (its series can be fetched).
pub fn is_remote(app: AppContext, source: u32) -> bool {
    matches!(app.session().instances.borrow().get(source as usize).map(|i| &i.content), Some(Content::Remote(_)))
}

/// Fetches `series` (UIDs) from the server derived object `source` came from, then shows the
/// object on the first of them. `fetching` holds `source` meanwhile (the panel says so).
pub fn fetch_needed(app: AppContext, source: u32, series: Vec<String>, fetching: RwSignal<BTreeSet<u32>>) {
    let session = app.session();
    let remote = match session.instances.borrow().get(source as usize).map(|i| i.content.clone()) {
        Some(Content::Remote(remote)) => remote,
        _ => return,
    };
    fetching.update(|set| {
        set.insert(source);
    });
    leptos::task::spawn_local(async move {
        let mut shown_on = None;
        for uid in &series {
            match add_series(&session, &remote.client, &remote.study, uid, None).await {
                Ok(_) => {
                    if shown_on.is_none() {
                        shown_on = display_set_of_series(&app, uid);
                    }
                }
                Err(error) if !error.aborted() => session.report(error.message),
                Err(_) => {}
            }
        }
        fetching.update(|set| {
            set.remove(&source);
        });
        if shown_on.is_some() {
            activate(app, source, shown_on);
        }
    });
}
