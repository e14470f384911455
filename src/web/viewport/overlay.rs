//! Corner overlays (patient, study, series, slice n/N, location/thickness, W/L, zoom, probe) and
//! the orientation letters at the viewport's edges, from the shown instance's metadata.

use leptos::prelude::*;

use super::super::context::use_app;
use super::super::pane::Pane;
use super::Shown;
use crate::study::FrameRef;
use crate::viewer::orientation;
use crate::viewer::overlay::{corner_texts, OverlayFacts};

#[component]
pub fn Corners(pane: Pane, shown: RwSignal<Option<Shown>>, frames: Memo<Vec<FrameRef>>) -> impl IntoView {
    let app = use_app();
    let facts = move || -> Option<(OverlayFacts, Option<[f64; 6]>)> {
        let current = shown.get()?;
        pane.drawn.track();
        let session = app.session.get_value();
        let library = session.library.borrow();
        let meta = library.instance(current.key.0)?;
        let index = pane.frame.get();
        let count = frames.with(Vec::len) as u32;
        let frame_slot = current.key.1 as usize;
        let orientation = meta.frame_orientations.get(frame_slot).copied().flatten().or(meta.image_orientation);
        let zoom = current.geometry.scale() / current.geometry.fit_scale().max(f64::MIN_POSITIVE) * 100.0;
        Some((
            OverlayFacts {
                patient_name: meta.patient_name.clone(),
                patient_id: meta.patient_id.clone(),
                patient_birth_date: meta.patient_birth_date.clone(),
                patient_sex: meta.patient_sex.clone(),
                study_date: meta.study_date.clone(),
                study_description: meta.study_description.clone(),
                series_number: meta.series_number,
                series_description: meta.series_description.clone(),
                modality: meta.modality.clone(),
                instance_index: index,
                instance_count: count,
                slice_location: meta.slice_location,
                slice_thickness: meta.slice_thickness,
                window: current.window,
                zoom_percent: zoom,
                rows: current.rows,
                columns: current.columns,
            },
            orientation,
        ))
    };
    let corner = move |slot: usize| {
        move || {
            let mut lines = facts().map(|(f, _)| corner_texts(&f)).map(|c| c[slot].clone()).unwrap_or_default();
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
            let orientation = orientation?;
            let letters = orientation::edge_letters(&orientation, &pane.transform.get());
            Some(letters[slot].clone())
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
