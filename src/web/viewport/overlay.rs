//! Corner overlays (patient, study, series, slice n/N, location/thickness, W/L, zoom, probe) and
//! the orientation letters at the viewport's edges, from the shown instance's metadata.

use leptos::prelude::*;

use super::super::context::use_app;
use super::super::pane::Pane;
use super::Shown;
use crate::study::FrameRef;
use crate::viewer::orientation::edge_labels;
use crate::viewer::overlay::{overlay_texts, OverlayFacts};

#[component]
pub fn Corners(pane: Pane, shown: RwSignal<Option<Shown>>, frames: Memo<Vec<FrameRef>>) -> impl IntoView {
    let app = use_app();
    let facts = move || -> Option<(OverlayFacts, Option<[f64; 6]>)> {
        let current = shown.get()?;
        pane.drawn.track();
        let session = app.session.get_value();
        let library = session.library.borrow();
        let meta = library.instance(current.key.0)?;
        let text = |value: &String| Some(value.clone()).filter(|v| !v.is_empty());
        let frame_slot = current.key.1 as usize;
        let orientation = meta.frame_orientations.get(frame_slot).copied().flatten().or(meta.image_orientation);
        let zoom = current.geometry.scale() / current.geometry.fit_scale().max(f64::MIN_POSITIVE) * 100.0;
        Some((
            OverlayFacts {
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
            },
            orientation,
        ))
    };
    let corner = move |slot: usize| {
        move || {
            let mut lines = facts()
                .map(|(f, _)| {
                    let texts = overlay_texts(&f);
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
    let edge = move |slot: usize| {
        move || {
            let (_, orientation) = facts()?;
            let labels = edge_labels(orientation?, &pane.transform.get());
            Some(match slot {
                0 => labels.left,
                1 => labels.right,
                2 => labels.top,
                _ => labels.bottom,
            })
        }
    };
    view! {
        <div class="overlay" aria-hidden="true">
            <div class="corner top-left">{corner(0)}</div>
            <div class="corner top-right">{corner(1)}</div>
            <div class="corner bottom-left">{corner(2)}</div>
            <div class="corner bottom-right">{corner(3)}</div>
            <div class="edge left">{edge(0)}</div>
            <div class="edge right">{edge(1)}</div>
            <div class="edge top">{edge(2)}</div>
            <div class="edge bottom">{edge(3)}</div>
        </div>
    }
}
