//! One viewport: a canvas showing the current frame of a display set, with pointer, wheel and
//! touch interaction, corner overlays, measurements and a load progress bar.
//! Test hooks: the canvas has data-testid="viewport", data-ready="true" once the current image is
//! fully drawn, data-frame (index in the display set), data-window-center/-width, data-renderer,
//! data-image-to-canvas (a,b,c,d,e,f: image pixel → canvas pixel), data-sop-instance-uid, and
//! data-first-drawn-at (performance.now() when the display set was first drawn),
//! data-layer-pixels (pixels covered by derived objects' layers: SEG fills, fusion, shutters)
//! and data-graphics (derived objects' vector graphics drawn, in svg[data-testid=derived-graphics]
//! with data-derived-kind/data-item per graphic); its parent has
//! data-loaded/data-total of the background load.

mod annotate;
mod draw;
mod graphics;
mod input;
mod labels;
mod mpr;
mod overlay;
mod prefetch;
mod reference;
mod volume3d;

use std::rc::Rc;

use leptos::html;
use leptos::prelude::*;

use super::context::use_app;
use super::i18n::{integer, tr, trf};
use super::session::FrameKey;
use crate::api::RenderOptions;
use crate::dicom::overlay::OverlayMask;
use crate::study::FrameRef;
use crate::viewer::layers::{Graphic, RgbaLayer};
use crate::viewer::opening_slice::after_growth;
use crate::viewer::set_window::set_default_range;
use crate::viewer::viewport::Viewport as Geometry;

pub use draw::Renderer;

/// Everything about the frame on screen that overlays and tools need.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Shown {
    pub key: FrameKey,
    pub geometry: Geometry,
    pub window: Option<(f64, f64)>,
    /// Canvas backing pixels per CSS pixel.
    pub scale: f64,
    pub rows: u32,
    pub columns: u32,
}

/// Pixel aspect (row spacing / column spacing) of an instance.
fn pixel_aspect(session: &super::session::Session, source: u32) -> f64 {
    let library = session.library.borrow();
    library
        .instance(source)
        .and_then(|meta| meta.pixel_spacing.or(meta.imager_pixel_spacing))
        .map(|[row, column]| if row > 0.0 && column > 0.0 { row / column } else { 1.0 })
        .unwrap_or(1.0)
}

/// Sizes a canvas's backing store to its element's size in device pixels; returns (device
/// pixels per CSS pixel, width, height). Every viewport kind (stack, plane, 3-D) draws at this size.
pub(super) fn fit_backing_store(element: &web_sys::HtmlCanvasElement) -> (f64, u32, u32) {
    let ratio = web_sys::window().map(|w| w.device_pixel_ratio()).unwrap_or(1.0).max(1.0);
    let (width, height) = (
        (f64::from(element.client_width()) * ratio).round().max(1.0) as u32,
        (f64::from(element.client_height()) * ratio).round().max(1.0) as u32,
    );
    if element.width() != width || element.height() != height {
        element.set_width(width);
        element.set_height(height);
    }
    (ratio, width, height)
}

/// Viewport `index` as its layout wants it: acquired frames, a reformatted plane or 3-D.
#[component]
pub fn PaneSwitch(index: usize) -> impl IntoView {
    let app = use_app();
    let pane = app.panes[index];
    move || match pane.view.get() {
        super::context::PaneView::Stack => view! { <ViewportPane index=index /> }.into_any(),
        super::context::PaneView::Plane(axis) => view! { <mpr::MprPane index=index axis=axis /> }.into_any(),
        super::context::PaneView::Volume3d => view! { <volume3d::Volume3dPane index=index /> }.into_any(),
    }
}

#[component]
pub fn ViewportPane(index: usize) -> impl IntoView {
    let app = use_app();
    let pane = app.panes[index];
    let canvas = NodeRef::<html::Canvas>::new();
    let renderer = StoredValue::new_local(Renderer::new());
    let overlay_cache = StoredValue::new_local(None::<(FrameKey, Option<Rc<OverlayMask>>)>);
    // What the shown derived objects draw on the frame: (frame, drawing revision) → stacked
    // layer and graphics, worked out once per frame and change of the objects or their style.
    let derived_cache = StoredValue::new_local(None::<(FrameKey, u64, Option<Rc<RgbaLayer>>)>);
    let derived_graphics = RwSignal::new(Vec::<Graphic>::new());
    // Counts changes of the derived objects or their style (each change redraws).
    let derived_revision = Memo::new(move |before: Option<&u64>| {
        app.session.get_value().derived.track_drawing();
        before.map_or(0, |b| b + 1)
    });
    let shown = RwSignal::new(None::<Shown>);
    let loaded = RwSignal::new(0u64);
    let frame_error = RwSignal::new(None::<String>);
    // Why the GPU shows the frame with less detail (larger than its texture limit).
    let texture_note = RwSignal::new(None::<String>);
    let progress = RwSignal::new(None::<(u32, u32)>);
    // (frames in memory, frames wanted) of the last background load; kept after it ends.
    let loaded_count = RwSignal::new((0u32, 0u32));

    let frames = Memo::new(move |_| {
        app.session.get_value().signals.library_revision.track();
        pane.display_set
            .get()
            .and_then(|key| app.session.with_value(|s| s.library.borrow().display_set(&key)))
            .map(|set| set.frames)
            .unwrap_or_default()
    });

    // As the display set grows (instances still arriving), stay on the middle until the user
    // moves, then on the user's slice (`viewer::opening_slice`). Runs before the draw effect.
    Effect::new(move |previous: Option<(Option<String>, Vec<FrameRef>)>| {
        let list = frames.get();
        let key = pane.display_set.get_untracked();
        if let Some((previous_key, before)) = previous {
            if previous_key == key && before != list {
                let shown = pane.frame.get_untracked();
                let followed = pane.chosen_frame.get_untracked() == Some(shown);
                let (next, still_followed) = after_growth(&before, shown, followed, &list);
                pane.chosen_frame.set(still_followed.then_some(next));
                // Following the middle onto another slice: its range becomes the set's default.
                if still_followed && before.get(shown as usize) != list.get(next as usize) {
                    pane.set_range.set(None);
                }
                if next != shown {
                    pane.frame.set(next);
                }
            }
        }
        (key, list)
    });

    let index_of_pane = index;
    let draw_now = move || {
        let Some(element) = canvas.get_untracked() else { return };
        let session = app.session.get_value();
        let index = pane.frame.get_untracked();
        let list = frames.get_untracked();
        let Some(FrameRef { source, frame: file_frame, .. }) = list.get(index as usize).cloned() else {
            let _ = element.set_attribute("data-ready", "false");
            shown.set(None);
            return;
        };
        let key = (source, file_frame);
        let (ratio, width, height) = fit_backing_store(&element);
        let (Some(image), Some(frame)) = (session.image(source), session.cached(key)) else {
            let _ = element.set_attribute("data-ready", "false");
            let _ = element.set_attribute("data-frame", &index.to_string());
            let image_error = session
                .instances
                .borrow()
                .get(source as usize)
                .and_then(|i| i.image_error.as_ref().map(|e| format!("{}: {e}", i.name)));
            if let Some(message) = image_error {
                frame_error.set(Some(message));
                return;
            }
            frame_error.set(None);
            let session = session.clone();
            leptos::task::spawn_local(async move {
                match session.frame(key).await {
                    Ok(_) => loaded.update(|n| *n += 1),
                    Err(e) => {
                        let name = session.instances.borrow().get(source as usize).map(|i| i.name.clone());
                        frame_error.set(Some(trf(
                            "common.viewport.slice_failed",
                            &[
                                ("file", &name.unwrap_or_default()),
                                ("slice", &integer(i64::from(index) + 1)),
                                ("reason", &e.to_string()),
                            ],
                        )))
                    }
                }
            });
            return;
        };
        session.pin(index_of_pane, key);
        let mut geometry = Geometry::new(
            frame.columns,
            frame.rows,
            pixel_aspect(&session, source),
            f64::from(width),
            f64::from(height),
        );
        geometry.transform = pane.transform.get_untracked();
        // Images without a stored window share one range per display set, fixed at its first
        // draw (`viewer::set_window`).
        let default_range = pane.set_range.get_untracked().or_else(|| {
            let range = set_default_range(&image, file_frame, &frame);
            if range.is_some() {
                pane.set_range.set(range);
            }
            range
        });
        let options = RenderOptions {
            window: pane.window.get_untracked(),
            voi_index: Some(pane.voi_index.get_untracked()),
            invert: pane.invert.get_untracked(),
            default_range,
            softcopy: super::derived::gsps::softcopy_for(&session, key),
        };
        // The overlay planes of this frame, worked out once per frame (window drags redraw often).
        let mask = overlay_cache.with_value(|cached| match cached {
            Some((k, mask)) if *k == key => Some(mask.clone()),
            _ => None,
        });
        let mask = mask.unwrap_or_else(|| {
            let mask = image.overlay_mask(file_frame, &frame).map(Rc::new);
            overlay_cache.set_value(Some((key, mask.clone())));
            mask
        });
        // An applied presentation state shows only the image overlays it activates (PS3.3 C.11.7).
        let mask = match super::derived::gsps::activated_image_overlays(&session, key) {
            Some(groups) => {
                let planes: Vec<_> = image.overlays().0.into_iter().filter(|p| groups.contains(&p.group)).collect();
                let embedded = &frame.embedded_overlays;
                crate::dicom::overlay::overlay_mask(&planes, embedded, file_frame, frame.columns, frame.rows)
                    .map(Rc::new)
            }
            None => mask,
        };
        let shown_mask = mask.as_deref().filter(|_| pane.overlays.get_untracked());
        let revision = derived_revision.get_untracked();
        let cached_layer = derived_cache.with_value(|cached| match cached {
            Some((k, r, layer)) if *k == key && *r == revision => Some(layer.clone()),
            _ => None,
        });
        let layer = cached_layer.unwrap_or_else(|| {
            let overlays = super::derived::frame_overlays(&session, key);
            let layer = overlays.flattened().map(Rc::new);
            derived_cache.set_value(Some((key, revision, layer.clone())));
            if derived_graphics.with_untracked(|g| *g != overlays.graphics) {
                derived_graphics.set(overlays.graphics);
            }
            layer
        });
        let shown_layer = layer.as_deref().map(|l| (l, revision));
        let result = renderer
            .try_update_value(|r| r.draw(&element, key, &image, &frame, &options, &geometry, shown_mask, shown_layer));
        match result {
            Some(Ok(drawn)) => {
                frame_error.set(None);
                let note = renderer.with_value(Renderer::texture_note);
                if texture_note.with_untracked(|n| *n != note) {
                    texture_note.set(note);
                }
                let [a, b, c, d, e, f] = geometry.canvas_2d_transform();
                let _ = element.set_attribute("data-image-to-canvas", &format!("{a},{b},{c},{d},{e},{f}"));
                let _ = element.set_attribute("data-renderer", drawn.renderer);
                let _ = element.set_attribute("data-frame", &index.to_string());
                if let Some(name) = session.instances.borrow().get(source as usize).map(|i| i.name.clone()) {
                    let _ = element.set_attribute("data-file-name", &name);
                }
                let _ = element.set_attribute("data-file-frame", &file_frame.to_string());
                // Overlay pixels in the image (data-overlay-pixels) and how many are drawn now.
                let total = mask.as_ref().map_or(0, |m| m.count());
                let _ = element.set_attribute("data-overlay-pixels", &total.to_string());
                let _ = element.set_attribute("data-overlays-shown", &shown_mask.map_or(0, |m| m.count()).to_string());
                // Derived objects on this frame: pixels covered by their layers, graphics drawn.
                let _ =
                    element.set_attribute("data-layer-pixels", &layer.as_ref().map_or(0, |l| l.covered()).to_string());
                let _ = element.set_attribute("data-graphics", &derived_graphics.with_untracked(Vec::len).to_string());
                if let Some(uid) = session.library.borrow().instance(source).map(|m| m.sop_instance_uid.clone()) {
                    let _ = element.set_attribute("data-sop-instance-uid", &uid);
                }
                match drawn.window {
                    Some((center, width)) => {
                        let _ = element.set_attribute("data-window-center", &center.to_string());
                        let _ = element.set_attribute("data-window-width", &width.to_string());
                    }
                    None => {
                        let _ = element.remove_attribute("data-window-center");
                        let _ = element.remove_attribute("data-window-width");
                    }
                }
                // When this display set was first drawn (performance.now(), for timing tests).
                let set = pane.display_set.get_untracked().unwrap_or_default();
                if element.get_attribute("data-first-drawn-set").as_deref() != Some(set.as_str()) {
                    let now = web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now());
                    let _ = element.set_attribute("data-first-drawn-set", &set);
                    let _ = element.set_attribute("data-first-drawn-at", &format!("{now:.1}"));
                    super::perf::mark_once("dv:first-draw");
                }
                let _ = element.set_attribute("data-ready", "true");
                shown.set(Some(Shown {
                    key,
                    geometry,
                    window: drawn.window,
                    scale: ratio,
                    rows: frame.rows,
                    columns: frame.columns,
                }));
                pane.drawn.update(|n| *n += 1);
            }
            Some(Err(e)) => frame_error.set(Some(e)),
            None => {}
        }
    };

    Effect::new(move |_| {
        // Also on every library change: an instance may have been replaced by an intact copy.
        app.session.get_value().signals.library_revision.track();
        pane.frame.track();
        pane.transform.track();
        pane.window.track();
        pane.voi_index.track();
        pane.invert.track();
        pane.overlays.track();
        derived_revision.track();
        frames.track();
        loaded.track();
        app.resized.track();
        app.layout.track();
        if canvas.get().is_some() {
            draw_now();
        }
    });

    prefetch::run(pane, frames, progress, loaded_count, app);
    super::link::follow(app, index);

    let events = input::Handlers::new(pane, shown, frames, app);
    let is_active = move || app.active.get() == index;
    let label = move || {
        let count = frames.with(Vec::len);
        if count == 0 {
            trf("common.viewport.empty", &[("viewport", &(index + 1).to_string())])
        } else {
            trf(
                "common.viewport.image",
                &[
                    ("viewport", &(index + 1).to_string()),
                    ("number", &integer(i64::from(pane.frame.get()) + 1)),
                    ("count", &integer(count as i64)),
                ],
            )
        }
    };
    let slider_max = move || frames.with(Vec::len).saturating_sub(1);
    let image = view! {
        <canvas
            node_ref=canvas
            data-testid="viewport"
            data-ready="false"
            data-frame="0"
            data-pane=index.to_string()
            tabindex="0"
            role="img"
            aria-label=label
            on:pointerdown=events.down
            on:pointermove=events.moved
            on:pointerup=events.up
            on:pointercancel=events.cancel
            on:pointerleave=events.leave
            on:focus=move |_| app.active.set(index)
            on:contextmenu=|ev: web_sys::MouseEvent| ev.prevent_default()
        ></canvas>
    }
    .into_inner()
    .on(input::wheel_event(), events.wheel);

    view! {
        <div
            class="pane"
            data-loaded=move || loaded_count.get().0.to_string()
            data-total=move || loaded_count.get().1.to_string()
            data-loaded-at=move || {
                let (done, total) = loaded_count.get();
                (total > 0 && done == total)
                    .then(|| web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now()))
                    .map(|now| format!("{now:.1}"))
            }
            class:active=is_active
            on:pointerdown=move |_| app.active.set(index)
        >
            {image}
            <graphics::DerivedGraphics shown=shown graphics=derived_graphics />
            <reference::ReferenceLines index=index shown=shown />
            <annotate::Annotations pane=pane shown=shown />
            <overlay::Corners pane=pane shown=shown frames=frames />
            {move || progress.get().map(|(done, total)| view! {
                <div class="pane-progress" role="progressbar" aria-label=move || tr("common.viewport.slices_loaded")
                    aria-valuemin="0" aria-valuemax=total aria-valuenow=done>
                    <div class="bar" style=format!("width: {}%", done * 100 / total.max(1)) />
                </div>
            })}
            {(index == 1).then(|| view! { <super::link::Priors index=index /> })}
            {move || texture_note.get().map(|note| view! {
                <p class="pane-note" data-testid="texture-note" role="status">{note}</p>
            })}
            {move || frame_error.get().map(|message| view! {
                <p class="pane-error" data-testid="error" role="alert">{message}</p>
            })}
            <Show when=move || { frames.with(Vec::len) > 1 }>
                <input
                    class="slice-slider"
                    type="range"
                    min="0"
                    max=slider_max
                    prop:value=move || pane.frame.get().to_string()
                    aria-label=move || trf("common.viewport.slider", &[("viewport", &(index + 1).to_string())])
                    on:input=move |ev| {
                        if let Ok(value) = event_target_value(&ev).parse::<u32>() {
                            pane.frame.set(value);
                        }
                    }
                />
            </Show>
        </div>
    }
}
