//! The side-panel tabs of derived objects: Segments (SEG, RTSTRUCT), Report (SR, KOS),
//! Presentation (GSPS) and Fusion. Each tab lists the session's objects of its kinds with a
//! common head (kind, name, load state, shown switch); the body of each kind is its own
//! section component, in a file of its own beside this one.

use std::collections::HashMap;
use std::rc::Rc;

use leptos::prelude::*;

use super::super::context::{use_app, AppContext};
use super::super::derived::{DerivedEntry, LoadState};
use super::super::i18n::tr;
use crate::derived::DerivedKind;
use crate::viewer::shell::{PanelContent, SidePanelTab};

/// Which tabs have something to show in the session.
pub fn panel_content(app: AppContext) -> PanelContent {
    let session = app.session.get_value();
    session.derived.revision.track();
    session.signals.library_revision.track();
    let mut content = PanelContent::default();
    for entry in session.derived.entries() {
        match entry.kind {
            DerivedKind::Segmentation | DerivedKind::RtStructureSet => content.segmentations_or_structures = true,
            DerivedKind::StructuredReport | DerivedKind::KeyObjectSelection => content.reports_or_key_images = true,
            DerivedKind::PresentationState => content.presentation_states = true,
        }
    }
    // Image series per frame of reference: two or more can be fused.
    let library = session.library.borrow();
    let mut series_by_frame: HashMap<&str, Vec<&str>> = HashMap::new();
    for meta in library.instances() {
        if meta.number_of_frames == 0 || meta.frame_of_reference_uid.is_empty() {
            continue;
        }
        if DerivedKind::classify(&meta.sop_class_uid, &meta.modality).is_some() {
            continue;
        }
        let list = series_by_frame.entry(meta.frame_of_reference_uid.as_str()).or_default();
        if !list.contains(&meta.series_instance_uid.as_str()) {
            list.push(meta.series_instance_uid.as_str());
        }
    }
    content.fusable_series = series_by_frame.values().any(|series| series.len() > 1);
    content
}

fn kinds_of(tab: SidePanelTab) -> &'static [DerivedKind] {
    match tab {
        SidePanelTab::Segments => &[DerivedKind::Segmentation, DerivedKind::RtStructureSet],
        SidePanelTab::Report => &[DerivedKind::StructuredReport, DerivedKind::KeyObjectSelection],
        SidePanelTab::Presentation => &[DerivedKind::PresentationState],
        _ => &[],
    }
}

fn kind_label(kind: DerivedKind) -> &'static str {
    match kind {
        DerivedKind::Segmentation => tr("panels.derived.kind.seg"),
        DerivedKind::RtStructureSet => tr("panels.derived.kind.rtstruct"),
        DerivedKind::StructuredReport => tr("panels.derived.kind.sr"),
        DerivedKind::KeyObjectSelection => tr("panels.derived.kind.kos"),
        DerivedKind::PresentationState => tr("panels.derived.kind.gsps"),
    }
}

/// The name of an entry: its series description, else its kind and series number.
fn entry_name(app: AppContext, entry: &DerivedEntry) -> String {
    let session = app.session.get_value();
    let library = session.library.borrow();
    let Some(meta) = library.instance(entry.source) else { return kind_label(entry.kind).to_string() };
    if !meta.series_description.is_empty() {
        return meta.series_description.clone();
    }
    match meta.series_number {
        Some(number) => format!("{} {number}", kind_label(entry.kind)),
        None => kind_label(entry.kind).to_string(),
    }
}

/// The kind-specific part of an entry (segments, ROIs, report tree, key images, presentation).
fn entry_body(entry: Rc<DerivedEntry>) -> AnyView {
    let _ = &entry;
    match entry.kind {
        // SEG: src/web/panels/seg.rs
        DerivedKind::Segmentation => view! { <super::seg::SegSection entry=entry.clone() /> }.into_any(),

        // RTSTRUCT: src/web/panels/rtstruct.rs
        DerivedKind::RtStructureSet => view! { <super::rtstruct::RtStructSection entry=entry.clone() /> }.into_any(),

        // SR: src/web/panels/sr.rs
        DerivedKind::StructuredReport => view! { <super::sr::SrSection entry=entry.clone() /> }.into_any(),

        // KOS: src/web/panels/kos.rs
        DerivedKind::KeyObjectSelection => view! { <super::kos::KosSection entry=entry.clone() /> }.into_any(),

        // GSPS: src/web/panels/gsps.rs
        DerivedKind::PresentationState => view! { <super::gsps::GspsSection entry=entry /> }.into_any(),
    }
}

/// One derived object: head (kind, name, state, shown switch) and its kind's section.
fn entry_view(app: AppContext, entry: Rc<DerivedEntry>) -> impl IntoView {
    let name = entry_name(app, &entry);
    let kind = entry.kind;
    let (state, shown) = (entry.state, entry.shown);
    let source = entry.source;
    view! {
        <section class="derived-entry" data-testid="derived-entry" data-derived-kind=kind.name()
            data-source=entry.source.to_string() data-state=move || state.with(|s| s.name())>
            <header class="derived-head">
                <span class="derived-kind">{move || kind_label(kind)}</span>
                <h3 class="derived-name">{name}</h3>
                <label class="derived-shown">
                    <input type="checkbox" data-testid="derived-shown"
                        prop:checked=move || shown.get()
                        on:change=move |ev| shown.set(event_target_checked(&ev)) />
                    <span>{move || tr("panels.derived.shown")}</span>
                </label>
            </header>
            {move || match state.get() {
                LoadState::Available => view! { <p class="muted">{tr("panels.derived.not_loaded")}</p> }.into_any(),
                LoadState::Loading => view! { <p class="muted" role="status">{tr("panels.derived.loading")}</p> }.into_any(),
                LoadState::Failed(message) => view! { <p class="pane-error" role="alert">{message}</p> }.into_any(),
                LoadState::Loaded => match app.session.get_value().derived.entry(source) {
                    Some(entry) => entry_body(entry),
                    None => ().into_any(),
                },
            }}
        </section>
    }
}

/// The body of a derived-object tab.
#[component]
pub fn DerivedTab(tab: SidePanelTab) -> impl IntoView {
    let app = use_app();
    let entries = move || {
        let session = app.session.get_value();
        session.derived.revision.track();
        session.derived.entries().into_iter().filter(|e| kinds_of(tab).contains(&e.kind)).collect::<Vec<_>>()
    };
    view! {
        <div class="derived-tab" data-testid=format!("derived-tab-{}", tab.name())>
            {move || {
                let list = entries();
                if list.is_empty() && tab != SidePanelTab::Fusion {
                    return view! { <p class="muted">{tr("panels.derived.none")}</p> }.into_any();
                }
                list.into_iter().map(|entry| entry_view(app, entry)).collect_view().into_any()
            }}
            {(tab == SidePanelTab::Fusion).then(|| view! { <super::fusion::FusionSection /> })}
        </div>
    }
}
