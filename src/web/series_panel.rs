//! The series panel (data-testid="series-list"): patients → studies → display sets, each with
//! a thumbnail (its middle slice), modality, description and image count. Clicking one loads it
//! into the active viewport. Derived objects (SEG, RTSTRUCT, SR, KOS, GSPS) are rows under the
//! series they lie on (`derived-item`, crate::derived::matching); clicking one loads and shows
//! it. Those whose images are not loaded say which series they need, with Fetch for objects
//! from a DICOMweb server.

use std::collections::{BTreeSet, HashMap};

use leptos::prelude::*;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{HtmlCanvasElement, ImageData};

use super::context::{use_app, AppContext};
use super::derived::load::{activate, kind_badge};
use super::derived::{fetch_needed, is_remote, series_name, LoadState};
use crate::api::{RenderOptions, RenderedImage};
use crate::derived::DerivedKind;
use crate::dicom::{DicomImage, Frame};
use crate::study::{DerivedNode, DisplaySet, FrameRef, SeriesNode};
use crate::viewer::opening_slice::opening_frame;
use crate::viewer::overlay::{format_date_in, format_person_name};
use crate::viewer::screen_sampling::ScreenSampling;
use crate::viewer::viewport::Viewport;
use crate::web::i18n::{integer, lang, tr, trf};

/// Thumbnail edge in pixels.
const THUMBNAIL: u32 = 64;

/// Renders the middle slice of a display set (the one it opens on) into a small PNG data URL.
async fn thumbnail(app: AppContext, set: DisplaySet) -> Option<String> {
    let middle = *set.frames.get(opening_frame(set.frames.len()) as usize)?;
    let session = app.session();
    let key = (middle.source, middle.frame);
    let frame = session.frame(key).await.ok()?;
    let image = session.image(middle.source)?;
    thumbnail_of(&image, middle.frame, &frame)
}

/// Images with more pixels than THUMBNAIL_SOURCE² are first rendered at that size (the image
/// pixels under each of its pixels, `viewer::screen_sampling`), then shrunk by the browser: a
/// 4000 × 5000 mammogram costs 256² rendered pixels, not 20 million (no long task).
const THUMBNAIL_SOURCE: u32 = 256;

/// One frame rendered with its default window, scaled into a THUMBNAIL² PNG data URL.
pub fn thumbnail_of(image: &DicomImage, frame_index: u32, frame: &Frame) -> Option<String> {
    let options = RenderOptions::default();
    let rendered = if ScreenSampling::pays(frame.columns, frame.rows, THUMBNAIL_SOURCE, THUMBNAIL_SOURCE) {
        let size = f64::from(THUMBNAIL_SOURCE);
        let fitted = Viewport::new(frame.columns, frame.rows, 1.0, size, size);
        let sampling = ScreenSampling::of(&fitted, frame.columns, frame.rows, THUMBNAIL_SOURCE, THUMBNAIL_SOURCE)?;
        RenderedImage {
            columns: THUMBNAIL_SOURCE,
            rows: THUMBNAIL_SOURCE,
            rgba: image.render_at(frame_index, frame, &options, &sampling.indices),
        }
    } else {
        image.render(frame_index, frame, &options)
    };
    let document = web_sys::window()?.document()?;
    let full: HtmlCanvasElement = document.create_element("canvas").ok()?.unchecked_into();
    full.set_width(rendered.columns);
    full.set_height(rendered.rows);
    let data =
        ImageData::new_with_u8_clamped_array_and_sh(Clamped(&rendered.rgba), rendered.columns, rendered.rows).ok()?;
    let context: web_sys::CanvasRenderingContext2d = full.get_context("2d").ok()??.dyn_into().ok()?;
    context.put_image_data(&data, 0.0, 0.0).ok()?;
    let small: HtmlCanvasElement = document.create_element("canvas").ok()?.unchecked_into();
    small.set_width(THUMBNAIL);
    small.set_height(THUMBNAIL);
    let small_context: web_sys::CanvasRenderingContext2d = small.get_context("2d").ok()??.dyn_into().ok()?;
    let scale = f64::from(THUMBNAIL) / f64::from(rendered.columns.max(rendered.rows).max(1));
    let (width, height) = (f64::from(rendered.columns) * scale, f64::from(rendered.rows) * scale);
    small_context.set_fill_style_str("#000");
    small_context.fill_rect(0.0, 0.0, f64::from(THUMBNAIL), f64::from(THUMBNAIL));
    small_context
        .draw_image_with_html_canvas_element_and_dw_and_dh(
            &full,
            (f64::from(THUMBNAIL) - width) / 2.0,
            (f64::from(THUMBNAIL) - height) / 2.0,
            width,
            height,
        )
        .ok()?;
    small.to_data_url().ok()
}

/// "Doe, John (12345)".
fn patient_label(name: &str, id: &str) -> String {
    let readable = Some(format_person_name(name))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| tr("common.series.unnamed_patient").into());
    if id.is_empty() {
        readable
    } else {
        format!("{readable} ({id})")
    }
}

/// "2024-03-01 · CT HEAD".
fn study_label(date: &str, description: &str) -> String {
    let date = format_date_in(lang(), date);
    match (date.is_empty(), description.is_empty()) {
        (false, false) => format!("{date} · {description}"),
        (false, true) => date,
        (true, false) => description.to_string(),
        (true, true) => tr("common.series.study").to_string(),
    }
}

fn kind_name(kind: DerivedKind) -> &'static str {
    match kind {
        DerivedKind::Segmentation => tr("panels.derived.kind.seg"),
        DerivedKind::RtStructureSet => tr("panels.derived.kind.rtstruct"),
        DerivedKind::StructuredReport => tr("panels.derived.kind.sr"),
        DerivedKind::KeyObjectSelection => tr("panels.derived.kind.kos"),
        DerivedKind::PresentationState => tr("panels.derived.kind.gsps"),
    }
}

/// The object's label, else its kind.
fn derived_label(node: &DerivedNode) -> String {
    if node.label.is_empty() {
        kind_name(node.kind).to_string()
    } else {
        node.label.clone()
    }
}

/// `data-state` of a matched object: loading, failed, shown (loaded and drawn) or available.
fn matched_state(app: AppContext, source: u32) -> &'static str {
    let Some(entry) = app.session().derived.entry(source) else { return "available" };
    match entry.state.get() {
        LoadState::Loading => "loading",
        LoadState::Failed(_) => "failed",
        LoadState::Loaded if entry.shown.get() => "shown",
        _ => "available",
    }
}

fn state_text(state: &str) -> &'static str {
    match state {
        "loading" => tr("derived.state.loading"),
        "failed" => tr("derived.state.failed"),
        "shown" => tr("derived.state.shown"),
        _ => tr("derived.state.available"),
    }
}

/// One derived object on the series it lies on; `on` = (display set key, frames) it is shown on.
fn derived_row(app: AppContext, node: DerivedNode, on: Option<(String, usize)>) -> impl IntoView {
    let source = node.source;
    let label = derived_label(&node);
    let kind = node.kind;
    let state = move || {
        app.session().derived.revision.track();
        matched_state(app, source)
    };
    let failure = move || match app.session().derived.entry(source).map(|e| e.state.get()) {
        Some(LoadState::Failed(message)) => message,
        _ => String::new(),
    };
    let aria = trf("derived.show", &[("label", &label), ("kind", kind_name(kind))]);
    view! {
        <li class="derived-row">
            <button type="button" class="derived-item" data-testid="derived-item" data-derived-kind=kind.name()
                data-source=source.to_string() data-state=state aria-label=aria title=failure
                on:click=move |_| activate(app, source, on.clone())>
                <span class="derived-badge" aria-hidden="true">{kind_badge(kind)}</span>
                <span class="derived-text">
                    <span class="derived-label">{label}</span>
                    <span class="derived-state">{move || state_text(state())}</span>
                </span>
            </button>
        </li>
    }
}

/// A derived object none of whose images is loaded: which series it needs, and Fetch for
/// objects from a DICOMweb server.
fn unresolved_row(app: AppContext, node: DerivedNode, fetching: RwSignal<BTreeSet<u32>>) -> impl IntoView {
    let source = node.source;
    let label = derived_label(&node);
    let kind = node.kind;
    let series_text = node
        .needs_series
        .iter()
        .map(|uid| series_name(app, uid).unwrap_or_else(|| uid.clone()))
        .collect::<Vec<_>>()
        .join(", ");
    let need = if node.needs_series.is_empty() {
        trf("derived.needs_images", &[("count", &integer(node.needs_instances as i64))])
    } else {
        trf("derived.needs_series", &[("series", &series_text)])
    };
    let remote = is_remote(app, source) && !node.needs_series.is_empty();
    let state = move || if fetching.with(|f| f.contains(&source)) { "loading" } else { "needs-source" };
    let fetch_label = trf("derived.fetch_label", &[("series", &series_text), ("label", &label)]);
    let needs = node.needs_series.clone();
    view! {
        <li class="derived-row">
            <div class="derived-item unresolved" data-testid="derived-item" data-derived-kind=kind.name()
                data-source=source.to_string() data-state=state title=tr("derived.unresolved")>
                <span class="derived-badge" aria-hidden="true">{kind_badge(kind)}</span>
                <span class="derived-text">
                    <span class="derived-label">{label}</span>
                    <span class="derived-state" data-testid="derived-needs">{need}</span>
                    {(!remote).then(|| view! { <span class="derived-hint">{tr("derived.needs_open")}</span> })}
                </span>
                {remote.then(|| view! {
                    <button type="button" class="derived-fetch" data-testid="derived-fetch" aria-label=fetch_label
                        disabled=move || fetching.with(|f| f.contains(&source))
                        on:click=move |_| fetch_needed(app, source, needs.clone(), fetching)>
                        {tr("derived.fetch")}
                    </button>
                })}
            </div>
        </li>
    }
}

#[component]
pub fn SeriesPanel() -> impl IntoView {
    let app = use_app();
    let thumbnails = RwSignal::new(HashMap::<String, String>::new());
    // The middle frame each thumbnail was made from: made again when a growing set's middle
    // changes (instances still arriving), so it shows the slice the set opens on.
    let requested = StoredValue::new(HashMap::<String, FrameRef>::new());
    let tree = move || {
        app.session.with_value(|s| s.signals.library_revision).track();
        app.session.with_value(|s| s.library.borrow().patients())
    };
    // Thumbnails are made one at a time, after the viewports' own frames.
    Effect::new(move |_| {
        let sets: Vec<(DisplaySet, FrameRef)> = tree()
            .into_iter()
            .flat_map(|p| p.studies)
            .flat_map(|s| s.series)
            .flat_map(|s| s.display_sets)
            .filter(|set| set.has_pixel_data)
            .filter_map(|set| {
                let middle = *set.frames.get(opening_frame(set.frames.len()) as usize)?;
                (requested.with_value(|r| r.get(&set.key) != Some(&middle))).then_some((set, middle))
            })
            .collect();
        if sets.is_empty() {
            return;
        }
        requested.update_value(|r| r.extend(sets.iter().map(|(set, middle)| (set.key.clone(), *middle))));
        leptos::task::spawn_local(async move {
            for (set, middle) in sets {
                let key = set.key.clone();
                // Skip a set whose middle moved on meanwhile (a newer request makes it).
                if requested.with_value(|r| r.get(&key) != Some(&middle)) {
                    continue;
                }
                if let Some(url) = thumbnail(app, set).await {
                    if requested.with_value(|r| r.get(&key) == Some(&middle)) {
                        thumbnails.update(|map| {
                            map.insert(key, url);
                        });
                    }
                }
            }
        });
    });

    let item = move |set: DisplaySet| {
        let key = set.key.clone();
        let key_for_click = key.clone();
        let key_for_current = key.clone();
        let current = move || {
            let pane = app.panes[app.active.get().min(3)];
            pane.display_set.get().as_deref() == Some(key_for_current.as_str())
        };
        let count = set.frames.len();
        let images = integer(count as i64);
        let label = trf(
            if count == 1 { "common.series.label_one" } else { "common.series.label_many" },
            &[("modality", &set.modality), ("label", &set.label), ("count", &images)],
        );
        let thumb_key = key.clone();
        view! {
            <li>
                <button
                    type="button"
                    class="series-item"
                    class:current=current
                    data-display-set=key
                    disabled=!set.has_pixel_data
                    aria-label=trf("common.series.show", &[("label", &label)])
                    on:click=move |_| app.active_pane().open(key_for_click.clone(), count)
                >
                    {move || match thumbnails.with(|m| m.get(&thumb_key).cloned()) {
                        Some(url) => view! { <img class="thumb" src=url alt="" /> }.into_any(),
                        None => view! { <span class="thumb placeholder" aria-hidden="true"></span> }.into_any(),
                    }}
                    <span class="series-text">
                        <span class="series-label">{set.label.clone()}</span>
                        <span class="series-meta">{trf("common.series.meta", &[("modality", &set.modality), ("count", &images)])}</span>
                    </span>
                </button>
            </li>
        }
    };

    let fetching = RwSignal::new(BTreeSet::<u32>::new());
    // A series: its image display sets, then the derived objects lying on it.
    let series_view = move |series: SeriesNode| {
        let on = series.display_sets.first().map(|set| (set.key.clone(), set.frames.len()));
        let derived = series.derived;
        view! {
            {series.display_sets.into_iter().map(item).collect_view()}
            {derived.into_iter().map(|node| derived_row(app, node, on.clone())).collect_view()}
        }
    };

    view! {
        <nav class="series-panel" data-testid="series-list" aria-label=move || tr("common.series.label")>
            {move || tree().into_iter().map(|patient| view! {
                <section class="patient">
                    <h2>{patient_label(&patient.name, &patient.id)}</h2>
                    {patient.studies.into_iter().map(|study| view! {
                        <section class="study">
                            <h3>{study_label(&study.date, &study.description)}</h3>
                            <ul>
                                {study.series.into_iter().map(series_view).collect_view()}
                                {study.unresolved.into_iter().map(|node| unresolved_row(app, node, fetching)).collect_view()}
                            </ul>
                        </section>
                    }).collect_view()}
                </section>
            }).collect_view()}
        </nav>
    }
}
