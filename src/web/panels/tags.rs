//! The Tags tab: the tag browser of the active viewport's current image.

use leptos::prelude::*;

use crate::tags::tag_tree;
use crate::web::context::use_app;
use crate::web::i18n::tr;
use crate::web::tag_browser::TagBrowser;

#[component]
pub fn TagPanel() -> impl IntoView {
    let app = use_app();
    let nodes = Signal::derive(move || {
        let pane = app.panes[app.active.get().min(3)];
        pane.drawn.track();
        let Some(key) = pane.display_set.get() else { return Vec::new() };
        let session = app.session();
        let library = session.library.borrow();
        // Objects without frames (reports) are display sets keyed by their SOP Instance UID.
        let source = library
            .display_set(&key)
            .and_then(|set| set.frames.get(pane.frame.get() as usize).map(|f| f.source))
            .or_else(|| library.instances().iter().find(|m| m.sop_instance_uid == key).map(|m| m.source));
        drop(library);
        source.and_then(|s| session.dataset(s)).map(|dataset| tag_tree(&dataset)).unwrap_or_default()
    });
    view! {
        <div class="tag-panel">
            <h2 class="visually-hidden">{move || tr("panels.tags.title")}</h2>
            <TagBrowser nodes=nodes />
        </div>
    }
}
