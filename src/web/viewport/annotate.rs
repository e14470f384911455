//! Measurements on a viewport: computing their results (length, angle, ROI statistics in
//! modality units, via `crate::viewer`), the probe text, and drawing them as SVG over the canvas.

use leptos::prelude::*;

use super::super::context::use_app;
use super::super::derived::fusion::suv_of;
use super::super::i18n::{lang, tr};
use super::super::pane::{Annotation, Pane, Tool};
use super::super::session::{FrameKey, Session};
use super::{labels, Shown};
use crate::pipeline::Photometric;
use crate::viewer::label_layout::{
    label_size, place_labels, LabelRequest, Rect, LABEL_LINE_PX, LABEL_PADDING_PX, SLIDER_RESERVE_PX,
};
use crate::viewer::measure::{self, format_angle, format_length};
use crate::viewer::probe::{self, ProbeSample};
use crate::viewer::roi::{format_roi, Roi, RoiShape};
use crate::viewer::spacing::Spacing;
use crate::viewer::suv::format_roi_suv;

fn pair(values: Option<[f64; 2]>) -> Option<(f64, f64)> {
    values.map(|[a, b]| (a, b))
}

/// The spacing measurements use, and the unit of modality values, for an instance.
fn spacing_and_unit(session: &Session, source: u32) -> (Spacing, Option<String>) {
    let library = session.library.borrow();
    match library.instance(source) {
        Some(meta) => (
            Spacing::choose(pair(meta.pixel_spacing), pair(meta.imager_pixel_spacing)),
            probe::instance_unit(
                &meta.modality,
                Some(meta.rescale_type.as_str()).filter(|t| !t.is_empty()),
                Some(meta.dose_units.as_str()).filter(|t| !t.is_empty()),
            )
            .or_else(|| probe::pet_unit(&meta.units)),
        ),
        None => (Spacing::choose(None, None), None),
    }
}

/// Result lines of a measurement on the shown frame.
pub fn measure(session: &Session, shown: &Shown, tool: Tool, points: &[(f64, f64)]) -> Vec<String> {
    measure_on(session, shown.key, tool, points)
}

/// Result lines of a measurement on frame `key`, in the current language.
fn measure_on(session: &Session, key: FrameKey, tool: Tool, points: &[(f64, f64)]) -> Vec<String> {
    let (spacing, unit) = spacing_and_unit(session, key.0);
    let lang = lang();
    let mut lines = match (tool, points) {
        (Tool::Length, [a, b]) => vec![format_length(lang, &measure::length(&spacing, *a, *b))],
        (Tool::Angle, [a, vertex, c]) => {
            measure::angle(&spacing, *a, *vertex, *c).map(|d| format_angle(lang, d)).into_iter().collect()
        }
        (Tool::Rectangle | Tool::Ellipse, [a, b]) => {
            let shape = if tool == Tool::Rectangle { RoiShape::Rectangle } else { RoiShape::Ellipse };
            let roi = Roi { shape, corner: *a, opposite_corner: *b };
            let area = roi.area(&spacing);
            let statistics = session.cached(key).zip(session.image(key.0)).and_then(|(frame, image)| {
                if !frame.photometric.is_monochrome() {
                    return None;
                }
                let lut = image.info.modality_lut(key.1);
                let columns = frame.columns;
                roi.statistics(frame.columns, frame.rows, |column, row| {
                    let index = row as usize * columns as usize + column as usize;
                    frame.pixels.get_f64(index).map(|stored| lut.apply(stored))
                })
            });
            let mut lines = vec![format_roi(lang, statistics.as_ref(), unit.as_deref(), &area)];
            // PET in BQML: the statistics as SUVbw too (PS3.3 C.8.9.1).
            if let (Some(statistics), Some(Ok(suv))) = (statistics.as_ref(), suv_of(session, key.0)) {
                lines.push(format_roi_suv(lang, statistics, &suv));
            }
            lines
        }
        _ => Vec::new(),
    };
    if let Some(caveat) = spacing.caveat(lang) {
        lines.push(caveat.to_string());
    }
    lines
}

/// "(x, y) value" for the pixel under an image point, None outside the image.
pub fn probe_text(session: &Session, shown: &Shown, point: (f64, f64)) -> Option<String> {
    let frame = session.cached(shown.key)?;
    let image = session.image(shown.key.0)?;
    let (column, row) = probe::pixel_under(point, frame.columns, frame.rows)?;
    let index = row as usize * frame.columns as usize + column as usize;
    let sample = if frame.photometric == Photometric::Rgb || frame.samples_per_pixel == 3 {
        ProbeSample::Colour {
            red: frame.pixels.get_f64(index * 3)?,
            green: frame.pixels.get_f64(index * 3 + 1)?,
            blue: frame.pixels.get_f64(index * 3 + 2)?,
        }
    } else {
        let stored = frame.pixels.get_f64(index)?;
        ProbeSample::Grey { stored, modality: image.info.modality_lut(shown.key.1).apply(stored) }
    };
    let (_, unit) = spacing_and_unit(session, shown.key.0);
    // Real-world values (parametric maps) and SUVbw (PET), or why SUV is missing.
    let suv = suv_of(session, shown.key.0);
    let extras = probe::quantities(&image.info.real_world, shown.key.1, &sample, suv.as_ref());
    Some(probe::probe_text_with(lang(), column, row, &sample, unit.as_deref(), &extras))
}

/// An annotation's points in CSS pixels.
fn css_points(annotation: &Annotation, shown: &Shown) -> Vec<(f64, f64)> {
    annotation
        .points
        .iter()
        .map(|p| {
            let (x, y) = shown.geometry.image_to_canvas(*p);
            (x / shown.scale, y / shown.scale)
        })
        .collect()
}

/// SVG of one annotation in CSS pixels, its label on a plate at `label` (placed by
/// crate::viewer::label_layout).
fn shape_view(annotation: &Annotation, shown: &Shown, label: Option<Rect>) -> impl IntoView {
    let points = css_points(annotation, shown);
    let shape = match (annotation.tool, points.as_slice()) {
        (Tool::Length, [a, b]) => view! { <line x1=a.0 y1=a.1 x2=b.0 y2=b.1 /> }.into_any(),
        (Tool::Angle, pts) => {
            let list = pts.iter().map(|(x, y)| format!("{x},{y}")).collect::<Vec<_>>().join(" ");
            view! { <polyline points=list /> }.into_any()
        }
        (Tool::Rectangle, [a, b]) => view! {
            <rect x=a.0.min(b.0) y=a.1.min(b.1) width=(a.0 - b.0).abs() height=(a.1 - b.1).abs() />
        }
        .into_any(),
        (Tool::Ellipse, [a, b]) => view! {
            <ellipse cx=(a.0 + b.0) / 2.0 cy=(a.1 + b.1) / 2.0 rx=(a.0 - b.0).abs() / 2.0 ry=(a.1 - b.1).abs() / 2.0 />
        }
        .into_any(),
        _ => ().into_any(),
    };
    let lines = annotation.text.clone();
    let label = label.filter(|_| !lines.is_empty()).map(|rect| {
        let x = rect.x + LABEL_PADDING_PX;
        // Baseline of the first line: padding plus the ascent of 12px text.
        let y = rect.y + LABEL_PADDING_PX + 11.0;
        view! {
            <rect class="label-plate" data-testid="measurement-label" x=rect.x y=rect.y width=rect.width height=rect.height />
            <text x=x y=y>
                {lines.into_iter().enumerate().map(|(i, line)| view! {
                    <tspan x=x dy=if i == 0 { 0.0 } else { LABEL_LINE_PX }>{line}</tspan>
                }).collect_view()}
            </text>
        }
    });
    view! {
        <g class="annotation">
            {shape}
            {label}
        </g>
    }
}

/// Label rectangles for `list` on the shown frame, clear of each other and of the orientation
/// letters, inside the pane.
fn label_rects(session: &Session, pane: &Pane, shown: &Shown, list: &[Annotation]) -> Vec<Rect> {
    let (width, height) = labels::pane_size(shown);
    let letters = labels::edge_letters(session, pane, shown);
    let obstacles: Vec<Rect> = labels::letter_rects(shown, &letters).into_iter().flatten().collect();
    let requests: Vec<LabelRequest> = list
        .iter()
        .map(|annotation| {
            let widest =
                annotation.text.iter().map(|line| labels::text_width(line, labels::LABEL_FONT)).fold(0.0, f64::max);
            let (w, h) = label_size(widest.ceil(), annotation.text.len());
            let anchor = css_points(annotation, shown).last().copied().unwrap_or((0.0, 0.0));
            LabelRequest { anchor, width: w, height: h }
        })
        .collect();
    // The drawn lines (lengths, angle arms, rectangle and ellipse outlines as their boxes).
    let mut lines = Vec::new();
    for annotation in list {
        let points = css_points(annotation, shown);
        match (annotation.tool, points.as_slice()) {
            (Tool::Rectangle | Tool::Ellipse, [a, b]) => {
                let (c, d) = ((a.0, b.1), (b.0, a.1));
                lines.extend([(*a, c), (c, *b), (*b, d), (d, *a)]);
            }
            (_, points) => lines.extend(points.windows(2).map(|pair| (pair[0], pair[1]))),
        }
    }
    let bounds = Rect::new(2.0, 2.0, (width - 4.0).max(0.0), (height - SLIDER_RESERVE_PX).max(0.0));
    place_labels(bounds, &obstacles, &lines, &requests)
}

#[component]
pub fn Annotations(pane: Pane, shown: RwSignal<Option<Shown>>) -> impl IntoView {
    let app = use_app();
    // A language switch re-words the measurements (numbers and words); an ROI whose frame is no
    // longer decoded keeps its text rather than losing its statistics.
    Effect::new(move |before: Option<crate::i18n::Lang>| {
        let now = lang();
        if before.is_some_and(|before| before != now) {
            let session = app.session.get_value();
            // The probe's text was worded for the old language: the next pointer move words it anew.
            pane.probe.set(None);
            pane.annotations.update(|list| {
                for annotation in list.iter_mut() {
                    let roi = matches!(annotation.tool, Tool::Rectangle | Tool::Ellipse);
                    if !roi || session.cached(annotation.frame).is_some() {
                        annotation.text = measure_on(&session, annotation.frame, annotation.tool, &annotation.points);
                    }
                }
            });
        }
        now
    });
    let items = move || {
        let Some(current) = shown.get() else { return Vec::new() };
        let frame = current.key;
        let mut list: Vec<Annotation> = pane.annotations.get().into_iter().filter(|a| a.frame == frame).collect();
        if let Some(draft) = pane.draft.get().filter(|a| a.frame == frame) {
            list.push(draft);
        }
        let session = app.session.get_value();
        let rects = label_rects(&session, &pane, &current, &list);
        list.iter().zip(rects).map(|(a, rect)| shape_view(a, &current, Some(rect)).into_any()).collect::<Vec<_>>()
    };
    let results = move || {
        let Some(frame) = shown.get().map(|s| s.key) else { return Vec::new() };
        pane.annotations
            .get()
            .into_iter()
            .filter(|a| a.frame == frame)
            .map(|a| format!("{}: {}", a.tool.label(), a.text.join("; ")))
            .collect::<Vec<_>>()
    };
    view! {
        <svg class="annotations" aria-hidden="true">{items}</svg>
        <ul class="sr-only" aria-live="polite" aria-label=move || tr("common.measurements") data-testid="measurements">
            {move || results().into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
        </ul>
    }
}
