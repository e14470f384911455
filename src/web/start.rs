//! The start page, top to bottom: a drop zone with Open files / Open folder (the whole page
//! accepts drops too), the sample studies as cards with their thumbnails, the public datasets,
//! then the DICOMweb servers. Words: locales/*/start.txt.

use leptos::prelude::*;

use super::app::SAMPLES_ID;
use super::archives::Datasets;
use super::context::use_app;
use super::i18n::{lang, tr, trf};
use super::opening::{list_samples, open_sample, FilePicker, FolderPicker, Sample};
use crate::i18n::format_integer;

/// The card's title and description in the current language for the samples this build makes
/// (src/samples), else the manifest's own words.
fn sample_words(sample: &Sample) -> (String, String) {
    let keys = match sample.id.as_str() {
        "ct-phantom" => Some(("start.sample.ct.title", "start.sample.ct.description")),
        "colour" => Some(("start.sample.colour.title", "start.sample.colour.description")),
        _ => None,
    };
    match keys {
        Some((title, description)) => (tr(title).to_string(), tr(description).to_string()),
        None => (sample.title.clone(), sample.description.clone()),
    }
}

/// "CT · 64 images · 256 × 256" in the current language (parts the manifest lacks left out).
fn sample_facts(sample: &Sample) -> String {
    let language = lang();
    let mut parts = Vec::with_capacity(3);
    if !sample.modality.is_empty() {
        parts.push(sample.modality.clone());
    }
    match sample.images {
        0 => {}
        1 => parts.push(tr("start.sample.image_one").to_string()),
        n => parts.push(trf("start.sample.images", &[("count", &format_integer(language, i64::from(n)))])),
    }
    if sample.rows > 0 && sample.columns > 0 {
        parts.push(trf(
            "start.sample.size",
            &[
                ("columns", &format_integer(language, i64::from(sample.columns))),
                ("rows", &format_integer(language, i64::from(sample.rows))),
            ],
        ));
    }
    parts.join(" · ")
}

#[component]
fn SampleCard(sample: Sample) -> impl IntoView {
    let app = use_app();
    let words = {
        let sample = sample.clone();
        move || sample_words(&sample)
    };
    let (title, description) = (words.clone(), words);
    let facts = {
        let sample = sample.clone();
        move || sample_facts(&sample)
    };
    let thumb = match sample.thumbnail.clone() {
        Some(path) => view! {
            <img class="sample-thumb" data-testid="sample-thumb" src=format!("samples/{path}") alt=""
                width=sample.thumbnail_width_px.max(1) height=sample.thumbnail_height_px.max(1)
                decoding="async" />
        }
        .into_any(),
        None => view! { <span class="sample-thumb placeholder" aria-hidden="true">{sample.modality.clone()}</span> }
            .into_any(),
    };
    let chosen = sample.clone();
    view! {
        <li class="sample-card" data-testid="sample-card" data-sample-id=sample.id.clone()>
            <div class="sample-thumb-frame">{thumb}</div>
            <div class="sample-text">
                // The button's ::after covers the card, so a click anywhere on it opens the sample.
                <button type="button" class="sample-open" data-testid="sample"
                    on:click=move |_| open_sample(app, chosen.clone())>
                    {move || title().0}
                </button>
                <p class="sample-description">{move || description().1}</p>
                <p class="sample-facts">{facts}</p>
            </div>
        </li>
    }
}

#[component]
fn Samples() -> impl IntoView {
    let samples = LocalResource::new(list_samples);
    view! {
        <section class="start-section start-samples" aria-labelledby=SAMPLES_ID>
            <h2 id=SAMPLES_ID tabindex="-1">{move || tr("start.samples.title")}</h2>
            <Suspense fallback=|| view! { <p class="muted">{move || tr("start.samples.loading")}</p> }>
                {move || samples.get().map(|result| match result {
                    Ok(list) if !list.is_empty() => view! {
                        <ul class="sample-cards">
                            {list.into_iter().map(|sample| view! { <SampleCard sample=sample /> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Ok(_) => view! { <p class="muted">{move || tr("start.samples.none")}</p> }.into_any(),
                    Err(e) => view! {
                        <p class="error" role="alert">{move || trf("start.samples.unavailable", &[("error", &e)])}</p>
                    }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

/// The drop zone: highlighted while files are dragged over the page; the drop itself is handled
/// by the page (`opening::on_drop` on `<main>`), so a drop anywhere works the same.
#[component]
fn DropZone() -> impl IntoView {
    let over = RwSignal::new(false);
    let enter = window_event_listener(leptos::ev::dragover, move |_| {
        if !over.get_untracked() {
            over.set(true)
        }
    });
    // relatedTarget is null when the pointer leaves the window (or the drag is cancelled).
    let leave = window_event_listener(leptos::ev::dragleave, move |ev| {
        if ev.related_target().is_none() {
            over.set(false)
        }
    });
    let dropped = window_event_listener(leptos::ev::drop, move |_| over.set(false));
    on_cleanup(move || {
        enter.remove();
        leave.remove();
        dropped.remove();
    });
    view! {
        <section class="drop-zone" data-testid="drop-zone" class:dragover=move || over.get()
            aria-labelledby="start-title">
            <svg class="drop-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                <path d="M12 15V4m0 0-4 4m4-4 4 4" />
                <path d="M4 14v4a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-4" />
            </svg>
            <h1 id="start-title">{move || tr("start.drop.title")}</h1>
            <p class="drop-or">{move || tr("start.drop.or")}</p>
            <div class="start-actions">
                <FilePicker id="start-open-files" variant="btn btn-primary" />
                <FolderPicker id="start-open-folder" variant="btn btn-secondary" />
            </div>
            <p class="privacy">
                <svg class="privacy-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                    <rect x="5" y="11" width="14" height="9" rx="2" />
                    <path d="M8 11V8a4 4 0 0 1 8 0v3" />
                </svg>
                {move || tr("start.privacy")}
            </p>
        </section>
    }
}

#[component]
pub fn StartScreen() -> impl IntoView {
    view! {
        <section class="start" aria-label=move || tr("start.label")>
            <div class="start-inner">
                <DropZone />
                <Samples />
                <Datasets />
                <ServerList />
            </div>
        </section>
    }
}

/// The DICOMweb servers of config.json and the user's, each with a button to browse it.
#[component]
pub fn ServerList() -> impl IntoView {
    let app = use_app();
    let registry = app.dicomweb.get_value().sources.clone();
    let (list, config) = (registry.list, registry.config);
    view! {
        <section class="start-section start-servers" aria-labelledby="servers-title">
            <h2 id="servers-title">{move || tr("start.servers.title")}</h2>
            {move || config.get().error.map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <ul class="servers" data-testid="server-list">
                {move || list.get().into_iter().map(|source| {
                    let name = source.name.clone();
                    let friendly = source.friendly_name.clone();
                    let description = source.description.clone();
                    view! {
                        <li class="server card">
                            <div class="server-text">
                                <span class="server-name">{source.friendly_name.clone()}</span>
                                {(!description.is_empty()).then(|| view! { <span class="server-description">{description}</span> })}
                            </div>
                            <button type="button" class="btn btn-secondary btn-sm" data-testid="browse-source" data-source=source.name.clone()
                                on:click=move |_| app.browse.set(Some(name.clone()))>
                                {move || trf("start.servers.browse", &[("name", &friendly)])}
                            </button>
                        </li>
                    }
                }).collect_view()}
                <li class="server server-add">
                    <button type="button" class="btn btn-ghost btn-sm" data-testid="add-server"
                        on:click=move |_| app.browse.set(Some(String::new()))>
                        {move || tr("start.servers.add")}
                    </button>
                </li>
            </ul>
        </section>
    }
}
