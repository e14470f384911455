//! The Presentation tab's body for one presentation state (GSPS): what it is (label,
//! description, creator, date), what applying it changes, whether it is for the shown image,
//! and Apply / None buttons. Applying sets the active pane's window, inversion and view from
//! the state and draws its annotations and shutter (super::super::derived::gsps); None brings
//! the image's own back. The change is announced in a polite live region.
//! Test hooks: `gsps-item` (data-applied, data-on-image, data-label), `gsps-apply`
//! (aria-pressed), `gsps-none`, `gsps-status`.

use std::rc::Rc;

use leptos::prelude::*;

use super::super::context::use_app;
use super::super::derived::gsps::{apply, on_active_image, state_of};
use super::super::derived::DerivedEntry;
use super::super::i18n::{integer, lang, tr, trf};
use crate::derived::gsps::Feature;
use crate::derived::Derived;
use crate::viewer::overlay::{format_date_in, format_person_name};

fn feature_text(feature: Feature) -> String {
    match feature {
        Feature::ModalityLut => tr("gsps.feature.modality_lut").to_string(),
        Feature::Voi => tr("gsps.feature.voi").to_string(),
        Feature::PresentationLut => tr("gsps.feature.presentation_lut").to_string(),
        Feature::Inverse => tr("gsps.feature.inverse").to_string(),
        Feature::Rotation(degrees) => trf("gsps.feature.rotation", &[("degrees", &integer(i64::from(degrees)))]),
        Feature::Flip => tr("gsps.feature.flip").to_string(),
        Feature::DisplayedArea => tr("gsps.feature.area").to_string(),
        Feature::Annotations(count) => trf("gsps.feature.annotations", &[("count", &integer(count as i64))]),
        Feature::Shutter => tr("gsps.feature.shutter").to_string(),
        Feature::Overlays(count) => trf("gsps.feature.overlays", &[("count", &integer(count as i64))]),
    }
}

/// The section of one presentation-state entry.
#[component]
pub fn GspsSection(entry: Rc<DerivedEntry>) -> impl IntoView {
    let app = use_app();
    let Some(object) = state_of(&entry) else { return ().into_any() };
    let Derived::PresentationState(state) = object.as_ref() else { return ().into_any() };
    let label = state.label.clone();
    let description = state.description.clone();
    let creator = state.creator.clone().map(|c| format_person_name(&c));
    let date = state.creation_date.clone();
    let features = state.features();
    let images = state.images.len();
    let shown = entry.shown;
    let status = RwSignal::new(String::new());
    let source = entry.source;
    let on_image = move || {
        let pane = app.panes[app.active.get()];
        pane.drawn.track();
        pane.frame.track();
        app.session.get_value().derived.entry(source).is_some_and(|entry| on_active_image(app, &entry))
    };
    let apply_this = {
        let label = label.clone();
        move |_| {
            let entry = app.session.get_value().derived.entry(source);
            apply(app, entry.as_deref());
            let name = if label.is_empty() { tr("gsps.unnamed").to_string() } else { label.clone() };
            status.set(trf("gsps.applied", &[("label", &name)]));
        }
    };
    let apply_none = move |_| {
        apply(app, None);
        status.set(tr("gsps.removed").to_string());
    };
    let fact = |key: &'static str, value: Option<String>| {
        value.filter(|v| !v.is_empty()).map(|v| {
            view! {
                <dt>{move || tr(key)}</dt>
                <dd>{v}</dd>
            }
        })
    };
    let on_image_text = {
        move || {
            if on_image() {
                tr("gsps.on_image").to_string()
            } else {
                trf("gsps.other_images", &[("count", &integer(images as i64))])
            }
        }
    };
    view! {
        <div class="gsps-item" data-testid="gsps-item" data-label=label.clone()
            data-applied=move || shown.get().to_string()
            data-on-image=move || on_image().to_string()>
            <dl class="gsps-facts">
                {fact("gsps.label", Some(label.clone()))}
                {fact("gsps.description", description)}
                {fact("gsps.creator", creator)}
                {fact("gsps.date", date.map(|d| format_date_in(lang(), &d)))}
            </dl>
            <p class="gsps-features">
                {features.into_iter().map(|f| view! { <span class="gsps-feature">{move || feature_text(f)}</span> }).collect_view()}
            </p>
            <p class="muted gsps-where">{on_image_text}</p>
            <div class="gsps-actions">
                <button type="button" data-testid="gsps-apply"
                    aria-pressed=move || shown.get().to_string()
                    on:click=apply_this>
                    {move || if shown.get() { tr("gsps.applied_button") } else { tr("gsps.apply") }}
                </button>
                <button type="button" data-testid="gsps-none"
                    disabled=move || !shown.get()
                    on:click=apply_none>
                    {move || tr("gsps.none")}
                </button>
            </div>
            <p class="sr-only" role="status" aria-live="polite" data-testid="gsps-status">{move || status.get()}</p>
        </div>
    }
    .into_any()
}
