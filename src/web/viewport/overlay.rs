//! Corner overlays (patient, study, series, slice n/N, location/thickness, W/L, zoom, probe) and
//! the orientation letters at the viewport's edges, from the shown instance's metadata.

use leptos::prelude::*;

use super::super::context::use_app;
use super::super::i18n::lang;
use super::super::pane::Pane;
use super::{labels, Shown};
use crate::study::FrameRef;
use crate::viewer::overlay::{overlay_texts, OverlayFacts};

#[component]
pub fn Corners(pane: Pane, shown: RwSignal<Option<Shown>>, frames: Memo<Vec<FrameRef>>) -> impl IntoView {
    let app = use_app();
    let facts = move || -> Option<OverlayFacts> {
        let current = shown.get()?;
        pane.drawn.track();
        let session = app.session.get_value();
        let library = session.library.borrow();
        let meta = library.instance(current.key.0)?;
        let text = |value: &String| Some(value.clone()).filter(|v| !v.is_empty());
        let zoom = current.geometry.scale() / current.geometry.fit_scale().max(f64::MIN_POSITIVE) * 100.0;
        Some(OverlayFacts {
            patient_name: text(&meta.patient_name),
            patient_id: text(&meta.patient_id),
            patient_birth_date: text(&meta.patient_birth_date),
            patient_sex: text(&meta.patient_sex),
            study_date: text(&meta.study_date),
            study_description: text(&meta.study_description),
            series_number: meta.series_number,
            series_description: text(&meta.series_description),
            modality: text(&meta.modality),
            instance_index: Some(pane.frame.get()),
            instance_count: Some(frames.with(Vec::len) as u32),
            slice_location: meta.slice_location,
            slice_thickness: meta.slice_thickness,
            window: current.window,
            zoom_percent: Some(zoom),
            rows: Some(current.rows),
            columns: Some(current.columns),
        })
    };
    let corner = move |slot: usize| {
        move || {
            let mut lines = facts()
                .map(|f| {
                    let texts = overlay_texts(lang(), &f);
                    match slot {
                        0 => texts.top_left,
                        1 => texts.top_right,
                        2 => texts.bottom_left,
                        _ => texts.bottom_right,
                    }
                })
                .unwrap_or_default();
            if slot == 2 {
                if let Some(text) = pane.probe.get() {
                    lines.push(text);
                }
            }
            lines.into_iter().map(|line| view! { <div>{line}</div> }).collect_view()
        }
    };
    // The letters at the middle of each edge, placed by crate::viewer::label_layout so that
    // measurement labels can keep clear of them.
    let letters = move || {
        let current = shown.get()?;
        pane.drawn.track();
        let session = app.session.get_value();
        let letters = labels::edge_letters(&session, &pane, &current);
        let rects = labels::letter_rects(&current, &letters);
        Some(
            letters
                .into_iter()
                .zip(rects)
                .zip(["left", "right", "top", "bottom"])
                .filter_map(|((letter, rect), edge)| Some((letter?, rect?, edge)))
                .map(|(letter, rect, edge)| {
                    view! {
                        <div class=format!("edge {edge}") data-testid="orientation-letter"
                            style=format!("left: {:.1}px; top: {:.1}px; width: {:.1}px; height: {:.1}px", rect.x, rect.y, rect.width, rect.height)>
                            {letter}
                        </div>
                    }
                })
                .collect_view(),
        )
    };
    view! {
        <div class="overlay" aria-hidden="true">
            <div class="corner top-left">{corner(0)}</div>
            <div class="corner top-right">{corner(1)}</div>
            <div class="corner bottom-left">{corner(2)}</div>
            <div class="corner bottom-right">{corner(3)}</div>
            {letters}
        </div>
    }
}
