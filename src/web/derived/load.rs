//! Loading derived objects: local files are parsed after the images they came with are listed
//! and shown (off the page's critical path, one object per task), objects on a DICOMweb server
//! only when the user asks for one (one WADO-RS instance retrieve). Choosing one in the series
//! panel (`activate`) loads it, shows it, opens its side-panel tab and, when the active
//! viewport shows something else, the series it lies on.

use std::rc::Rc;

use leptos::prelude::*;

use super::store::LoadState;
use crate::derived::DerivedKind;
use crate::viewer::shell::SidePanelTab;
use crate::web::context::AppContext;
use crate::web::dicomweb::fetch_instance;
use crate::web::session::{Content, Session};
use crate::web::tasks::yield_to_browser;

/// The side-panel tab that lists objects of `kind`.
pub fn tab_of(kind: DerivedKind) -> SidePanelTab {
    match kind {
        DerivedKind::Segmentation | DerivedKind::RtStructureSet => SidePanelTab::Segments,
        DerivedKind::StructuredReport | DerivedKind::KeyObjectSelection => SidePanelTab::Report,
        DerivedKind::PresentationState => SidePanelTab::Presentation,
    }
}

/// The short badge naming a kind (its modality code: SEG, RT, SR, KO, PR).
pub fn kind_badge(kind: DerivedKind) -> &'static str {
    match kind {
        DerivedKind::Segmentation => crate::web::i18n::tr("derived.badge.seg"),
        DerivedKind::RtStructureSet => crate::web::i18n::tr("derived.badge.rtstruct"),
        DerivedKind::StructuredReport => crate::web::i18n::tr("derived.badge.sr"),
        DerivedKind::KeyObjectSelection => crate::web::i18n::tr("derived.badge.kos"),
        DerivedKind::PresentationState => crate::web::i18n::tr("derived.badge.gsps"),
    }
}

/// Loads derived object `source` unless it is loaded or loading (a failed one is tried again).
pub async fn load(session: &Rc<Session>, source: u32) {
    let Some(entry) = session.derived.entry(source) else { return };
    if matches!(entry.state.get_untracked(), LoadState::Loading | LoadState::Loaded) {
        return;
    }
    let content = session.instances.borrow().get(source as usize).map(|i| i.content.clone());
    match content {
        Some(Content::File(blob)) => session.derived.load_blob(&entry, &blob, session).await,
        Some(Content::Remote(remote)) => {
            entry.state.set(LoadState::Loading);
            match fetch_instance(&remote, None).await {
                Ok(blob) => session.derived.load_blob(&entry, &blob, session).await,
                Err(error) => {
                    entry.state.set(LoadState::Failed(error.message));
                    session.derived.revision.update(|r| *r += 1);
                }
            }
        }
        None => {}
    }
}

/// Parses the local derived objects not parsed yet, one per task, after the current task (the
/// images of the same load are listed and drawn first).
pub fn load_local_later(session: Rc<Session>) {
    leptos::task::spawn_local(async move {
        yield_to_browser().await;
        for entry in session.derived.entries() {
            let local = matches!(
                session.instances.borrow().get(entry.source as usize).map(|i| &i.content),
                Some(Content::File(_))
            );
            if local && entry.state.get_untracked() == LoadState::Available {
                load(&session, entry.source).await;
                yield_to_browser().await;
            }
        }
    });
}

/// The user chose derived object `source` (lying on display set `on`, with `count` frames):
/// shown, loaded if needed, its tab opened; `on` goes into the active viewport unless that
/// viewport already shows a display set of the same series.
pub fn activate(app: AppContext, source: u32, on: Option<(String, usize)>) {
    let session = app.session();
    let Some(entry) = session.derived.entry(source) else { return };
    entry.shown.set(true);
    app.open_side(tab_of(entry.kind));
    if let Some((key, count)) = on {
        let pane = app.active_pane();
        let series_of = |key: &str| session.library.borrow().display_set(key).map(|set| set.series_instance_uid);
        let current = pane.display_set.get_untracked();
        if current.as_deref().and_then(series_of) != series_of(&key) {
            pane.open(key, count);
        }
    }
    leptos::task::spawn_local(async move { load(&session, source).await });
}
