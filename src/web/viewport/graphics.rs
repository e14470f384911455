//! Derived objects' vector graphics (RTSTRUCT contours, SR SCOORDs, presentation-state
//! annotations: crate::viewer::layers::Graphic) as SVG over the canvas, in CSS pixels through
//! the shown frame's geometry, so they follow zoom, pan, rotation and flips. Export (PNG)
//! redraws this SVG (src/web/export.rs). Each element carries data-derived-kind and data-item.

use leptos::prelude::*;

use super::Shown;
use crate::viewer::layers::{Graphic, Shape};

/// Points of an ellipse given by its axis end points, as a closed polyline (image pixels).
fn ellipse_points(major: [(f64, f64); 2], minor: [(f64, f64); 2]) -> Vec<(f64, f64)> {
    let centre = ((major[0].0 + major[1].0) / 2.0, (major[0].1 + major[1].1) / 2.0);
    let half_major = ((major[1].0 - major[0].0) / 2.0, (major[1].1 - major[0].1) / 2.0);
    let half_minor = ((minor[1].0 - minor[0].0) / 2.0, (minor[1].1 - minor[0].1) / 2.0);
    (0..=64)
        .map(|i| {
            let t = f64::from(i) / 64.0 * std::f64::consts::TAU;
            (
                centre.0 + half_major.0 * t.cos() + half_minor.0 * t.sin(),
                centre.1 + half_major.1 * t.cos() + half_minor.1 * t.sin(),
            )
        })
        .collect()
}

fn css(shown: &Shown, point: (f64, f64)) -> (f64, f64) {
    let (x, y) = shown.geometry.image_to_canvas(point);
    (x / shown.scale, y / shown.scale)
}

fn points_attribute(points: &[(f64, f64)]) -> String {
    points.iter().map(|(x, y)| format!("{x:.2},{y:.2}")).collect::<Vec<_>>().join(" ")
}

/// One graphic as SVG.
fn graphic_view(graphic: &Graphic, shown: &Shown) -> AnyView {
    let colour = format!("rgb({},{},{})", graphic.rgb[0], graphic.rgb[1], graphic.rgb[2]);
    let width = if graphic.highlighted { graphic.width_px * 2.0 } else { graphic.width_px };
    let fill = if graphic.fill_opacity > 0.0 { colour.clone() } else { "none".to_string() };
    let (kind, item) = (graphic.owner.0, graphic.owner.1.to_string());
    let (shape, anchor) = match &graphic.shape {
        Shape::Polyline { points, closed } => {
            let mut list: Vec<(f64, f64)> = points.iter().map(|p| css(shown, *p)).collect();
            if *closed {
                if let Some(first) = list.first().copied() {
                    list.push(first);
                }
            }
            let anchor = list.first().copied();
            (view! { <polyline points=points_attribute(&list) /> }.into_any(), anchor)
        }
        Shape::Point { at } => {
            let (x, y) = css(shown, *at);
            (view! { <ellipse class="point" cx=x cy=y rx=3.0 ry=3.0 /> }.into_any(), Some((x, y)))
        }
        Shape::Circle { center, radius } => {
            // A circle in image pixels may be an ellipse on screen (non-square pixels).
            let major = [(center.0 - radius, center.1), (center.0 + radius, center.1)];
            let minor = [(center.0, center.1 - radius), (center.0, center.1 + radius)];
            let list: Vec<(f64, f64)> = ellipse_points(major, minor).into_iter().map(|p| css(shown, p)).collect();
            let anchor = list.first().copied();
            (view! { <polyline points=points_attribute(&list) /> }.into_any(), anchor)
        }
        Shape::Ellipse { major, minor } => {
            let list: Vec<(f64, f64)> = ellipse_points(*major, *minor).into_iter().map(|p| css(shown, p)).collect();
            let anchor = list.first().copied();
            (view! { <polyline points=points_attribute(&list) /> }.into_any(), anchor)
        }
        Shape::Text { at, text } => {
            let (x, y) = css(shown, *at);
            let text = text.clone();
            (
                view! { <text class="derived-text" x=x y=y + 12.0><tspan x=x dy=0.0>{text}</tspan></text> }.into_any(),
                None,
            )
        }
    };
    let label = graphic.label.clone().zip(anchor).map(|(text, (x, y))| {
        view! { <text class="derived-label" x=x + 4.0 y=y - 4.0><tspan x=x + 4.0 dy=0.0>{text}</tspan></text> }
    });
    view! {
        <g class="derived-graphic" class:highlighted=graphic.highlighted data-derived-kind=kind data-item=item
            style=format!("stroke: {colour}; fill: {fill}; fill-opacity: {}; stroke-width: {width}px; color: {colour}",
                graphic.fill_opacity)>
            {shape}
            {label}
        </g>
    }
    .into_any()
}

#[component]
pub fn DerivedGraphics(shown: RwSignal<Option<Shown>>, graphics: RwSignal<Vec<Graphic>>) -> impl IntoView {
    let items = move || {
        let Some(current) = shown.get() else { return Vec::new() };
        graphics.with(|list| list.iter().map(|g| graphic_view(g, &current)).collect::<Vec<_>>())
    };
    view! { <svg class="derived-graphics" aria-hidden="true" data-testid="derived-graphics">{items}</svg> }
}
