//! A viewport showing one reformatted plane of the MPR layout: the plane through the shared
//! crosshair centre (`app.mpr`, `crate::volume::mpr::MprState`) resliced from the display set's
//! volume (`session.volume`) and drawn through the same renderer and display chain as acquired
//! slices; the crosshair and the other planes' reference lines as SVG over it; orientation
//! letters for any (oblique) plane; corner text; a Length measurement in mm; the slab control.
//! The volume fills as the background load decodes slices; redraws are throttled to one per
//! animation frame.
//!
//! Test hooks (README "MPR"): the canvas keeps the stack viewport's hooks (data-testid=
//! "viewport", data-pane, data-ready, data-window-center/-width, data-renderer,
//! data-image-to-canvas, data-first-drawn-at; parent data-loaded/data-total) and adds
//! data-plane, data-plane-index, data-plane-count, data-plane-centre-mm, data-plane-normal,
//! data-plane-origin-mm, data-plane-row, data-plane-column, data-plane-spacing-mm,
//! data-filled-slices, data-total-slices and data-slab.

use std::rc::Rc;

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{PointerEvent, WheelEvent};

use super::super::context::{use_app, AppContext, PaneView};
use super::super::i18n::{decimal, integer, lang, tr, trf};
use super::super::pane::Tool;
use super::{labels, Renderer, Shown};
use crate::api::RenderOptions;
use crate::viewer::layers::{Graphic, RgbaLayer};
use crate::viewer::measure::{self, format_length};
use crate::viewer::orientation::edge_labels;
use crate::viewer::set_window::set_default_range;
use crate::viewer::spacing::{Spacing, SpacingSource};
use crate::viewer::stack::{DeltaMode, StepAccumulator};
use crate::viewer::transform::ViewTransform;
use crate::viewer::viewport::Viewport as Geometry;
use crate::viewer::window_drag::WindowDrag;
use crate::volume::mpr::{distance_to_segment, drag_angle, MprAxis, MprState, Segment};
use crate::volume::texture::modality_range;
use crate::volume::{Plane, Slab, SlabMode};

/// Within this distance (CSS px) of the crosshair centre a drag moves the centre.
const CENTRE_GRAB_PX: f64 = 12.0;
/// Within this distance (CSS px) of a reference line (and farther than the centre) a drag
/// rotates the other planes.
const LINE_GRAB_PX: f64 = 7.0;
/// The reference lines leave this gap (CSS px) around the centre so the image there stays visible.
const CENTRE_GAP_PX: f64 = 10.0;

/// What the pane shows now, for overlays and input.
#[derive(Clone, Copy, Debug, PartialEq)]
struct PlaneShown {
    shown: Shown,
    plane: Plane,
    /// Crosshair centre in plane pixel coordinates (pixel centres at integers).
    centre: (f64, f64),
    /// Modality value range of the plane (window drags span it).
    range: (f64, f64),
}

/// The reference lines of the other planes, in plane pixel coordinates.
fn reference_lines(
    state: &MprState,
    axis: MprAxis,
    plane: &Plane,
    volume: &crate::volume::Volume,
) -> Vec<(MprAxis, Segment)> {
    axis.others()
        .into_iter()
        .filter_map(|other| state.reference_line(plane, other, volume).map(|segment| (other, segment)))
        .collect()
}

/// Plane pixel coordinates (pixel centres at integers) → image coordinates of the viewport
/// geometry (pixel (i, j) covers [i, i+1) × [j, j+1)), and back.
fn to_image(p: (f64, f64)) -> (f64, f64) {
    (p.0 + 0.5, p.1 + 0.5)
}
fn to_plane(p: (f64, f64)) -> (f64, f64) {
    (p.0 - 0.5, p.1 - 0.5)
}

/// A plane pixel point in CSS pixels of the pane.
fn css_of(shown: &Shown, p: (f64, f64)) -> (f64, f64) {
    let (x, y) = shown.geometry.image_to_canvas(to_image(p));
    (x / shown.scale, y / shown.scale)
}

/// A Length drawn on a plane: shown while the plane is the one it was drawn on.
#[derive(Clone, Debug, PartialEq)]
struct PlaneLength {
    plane: Plane,
    /// Plane pixel coordinates.
    from: (f64, f64),
    to: (f64, f64),
}

impl PlaneLength {
    fn on(&self, plane: &Plane) -> bool {
        let same_normal = crate::volume::vec3::dot(self.plane.normal(), plane.normal()) > 1.0 - 1e-9;
        let (_, _, offset) = plane.patient_to_pixel(self.plane.origin_mm);
        same_normal && offset.abs() < 1e-6 && self.plane.row_direction == plane.row_direction
    }

    /// The length on `plane` (same orientation, maybe another pixel origin) in its pixels.
    fn points_on(&self, plane: &Plane) -> ((f64, f64), (f64, f64)) {
        let map = |p: (f64, f64)| {
            let (x, y, _) = plane.patient_to_pixel(self.plane.pixel_to_patient(p.0, p.1));
            (x, y)
        };
        (map(self.from), map(self.to))
    }

    fn text(&self) -> String {
        let spacing = Spacing {
            row_mm: self.plane.pixel_spacing_mm,
            column_mm: self.plane.pixel_spacing_mm,
            source: SpacingSource::PixelSpacing,
        };
        format_length(lang(), &measure::length(&spacing, self.from, self.to))
    }
}

#[derive(Clone, Copy)]
enum DragKind {
    Centre,
    Rotate { last: (f64, f64) },
    Window(Option<WindowDrag>),
    Pan(ViewTransform),
    Zoom(ViewTransform),
    Scroll { last_y: f64 },
    Length { from: (f64, f64) },
    Nothing,
}

#[derive(Clone, Copy)]
struct Drag {
    pointer: i32,
    start: (f64, f64),
    kind: DragKind,
}

fn canvas_point(ev: &web_sys::MouseEvent, scale: f64) -> (f64, f64) {
    let fractional = |key: &str, whole: i32| {
        js_sys::Reflect::get(ev, &key.into()).ok().and_then(|v| v.as_f64()).unwrap_or(f64::from(whole))
    };
    (fractional("offsetX", ev.offset_x()) * scale, fractional("offsetY", ev.offset_y()) * scale)
}

/// Name of a plane in the interface language (oblique when rotated).
fn plane_name(axis: MprAxis, oblique: bool) -> String {
    let name = match axis {
        MprAxis::Axial => tr("mpr.plane.axial"),
        MprAxis::Sagittal => tr("mpr.plane.sagittal"),
        MprAxis::Coronal => tr("mpr.plane.coronal"),
    };
    if oblique {
        trf("mpr.plane.oblique", &[("plane", name)])
    } else {
        name.to_string()
    }
}

fn slab_mode_name(mode: SlabMode) -> &'static str {
    match mode {
        SlabMode::Maximum => "mip",
        SlabMode::Minimum => "minip",
        SlabMode::Mean => "mean",
    }
}

fn slab_text(slab: Option<Slab>) -> Option<String> {
    let slab = slab?;
    let mode = match slab.mode {
        SlabMode::Maximum => tr("mpr.slab.maximum"),
        SlabMode::Minimum => tr("mpr.slab.minimum"),
        SlabMode::Mean => tr("mpr.slab.mean"),
    };
    Some(trf("mpr.slab.text", &[("mode", mode), ("thickness", &decimal(slab.thickness_mm, 1))]))
}

/// Runs `f` at the next animation frame unless one is already pending; not at all once the
/// pane is gone (`pending` disposed with it).
fn schedule(pending: StoredValue<bool>, f: impl FnOnce() + 'static) {
    if pending.try_get_value() != Some(false) {
        return;
    }
    pending.set_value(true);
    let callback = wasm_bindgen::closure::Closure::once_into_js(move || {
        if pending.try_set_value(false).is_none() {
            f();
        }
    });
    if let Some(window) = web_sys::window() {
        let _ = window.request_animation_frame(callback.unchecked_ref());
    }
}

/// Copies a window (or its reset) to the other MPR panes of the layout: the planes share it.
fn share_window(app: AppContext, from: usize, window: Option<(f64, f64)>, invert: bool) {
    let count = app.layout.get_untracked().panes();
    for (index, pane) in app.panes.iter().enumerate().take(count) {
        if index == from || !matches!(pane.view.get_untracked(), PaneView::Plane(_)) {
            continue;
        }
        if pane.window.get_untracked() != window {
            pane.window.set(window);
        }
        if pane.invert.get_untracked() != invert {
            pane.invert.set(invert);
        }
    }
}

#[component]
pub fn MprPane(index: usize, axis: MprAxis) -> impl IntoView {
    let app = use_app();
    let pane = app.panes[index];
    let canvas = NodeRef::<html::Canvas>::new();
    let renderer = StoredValue::new_local(Renderer::new());
    // The plane (and slab) drawn last and its serial number (part of its renderer key).
    let plane_key = StoredValue::new(None::<(Plane, Option<Slab>, u32)>);
    let current = RwSignal::new(None::<PlaneShown>);
    let lines = RwSignal::new(Vec::<(MprAxis, Segment)>::new());
    let error = RwSignal::new(None::<String>);
    let geometry_notes = RwSignal::new(Vec::<String>::new());
    let volume_note = RwSignal::new(None::<String>);
    // Derived objects (SEG, RTSTRUCT, SR) on the plane: graphics drawn as SVG, the layer cached
    // per plane and drawing revision.
    let shown_plain = RwSignal::new(None::<Shown>);
    let derived_graphics = RwSignal::new(Vec::<Graphic>::new());
    let derived_cache = StoredValue::new_local(None::<(Plane, u64, Option<Rc<RgbaLayer>>)>);
    let derived_revision = Memo::new(move |before: Option<&u64>| {
        app.session.get_value().derived.track_drawing();
        before.map_or(0, |b| b + 1)
    });
    let progress = RwSignal::new(None::<(u32, u32)>);
    let loaded_count = RwSignal::new((0u32, 0u32));
    let lengths = RwSignal::new(Vec::<PlaneLength>::new());
    let draft = RwSignal::new(None::<PlaneLength>);
    let pending = StoredValue::new(false);

    let frames = Memo::new(move |_| {
        app.session.get_value().signals.library_revision.track();
        pane.display_set
            .get()
            .and_then(|key| app.session.with_value(|s| s.library.borrow().display_set(&key)))
            .map(|set| set.frames)
            .unwrap_or_default()
    });

    let draw_now = move || {
        let Some(element) = canvas.get_untracked() else { return };
        let Some(key) = pane.display_set.get_untracked() else {
            let _ = element.set_attribute("data-ready", "false");
            current.set(None);
            return;
        };
        let session = app.session.get_value();
        let entry = match session.volume(&key) {
            Ok(entry) => entry,
            Err(message) => {
                let _ = element.set_attribute("data-ready", "false");
                error.set(Some(trf("mpr.cannot", &[("reason", &message)])));
                return;
            }
        };
        // What the geometry check found (gaps, irregular spacing, tilt), said beside the plane.
        let findings = entry.report.messages(lang());
        if geometry_notes.with_untracked(|n| *n != findings) {
            geometry_notes.set(findings);
        }
        let volume = entry.volume.borrow();
        let (filled, total) = (volume.filled_count(), volume.grid.slices);
        let _ = element.set_attribute("data-filled-slices", &filled.to_string());
        let _ = element.set_attribute("data-total-slices", &total.to_string());
        let Some(template) = entry.frames.iter().find_map(|(source, _)| session.image(*source)) else { return };
        if filled == 0 {
            let _ = element.set_attribute("data-ready", "false");
            return;
        }
        let (ratio, width, height) = super::fit_backing_store(&element);
        let state = app.mpr.get_untracked();
        let plane = state.plane(axis, &volume);
        let slab = state.slab;
        // A new key per new plane (or slab): the renderers re-upload / re-render it.
        let plane_serial = match plane_key.get_value() {
            Some((p, s, serial)) if p == plane && s == slab => serial,
            previous => {
                let next = previous.map_or(1, |(_, _, serial)| serial.wrapping_add(1));
                plane_key.set_value(Some((plane, slab, next)));
                next
            }
        };
        let mut geometry = Geometry::new(plane.columns, plane.rows, 1.0, f64::from(width), f64::from(height));
        geometry.transform = pane.transform.get_untracked();
        // Images without a stored window: the display set's one range, from its middle slice
        // (the same range the stack viewport uses), shared by the planes.
        let default_range = pane.set_range.get_untracked().or_else(|| {
            let middle = entry.frames.get(entry.frames.len() / 2).copied();
            let range = middle.and_then(|key| {
                let (image, frame) = (session.image(key.0)?, session.cached(key)?);
                set_default_range(&image, key.1, &frame)
            });
            match range {
                Some(range) => {
                    pane.set_range.set(Some(range));
                    Some(range)
                }
                // Not decoded yet: the renderer spans the volume's values meanwhile.
                None => None,
            }
        });
        let options = RenderOptions {
            window: pane.window.get_untracked(),
            voi_index: Some(pane.voi_index.get_untracked()),
            invert: pane.invert.get_untracked(),
            default_range,
            softcopy: None,
        };
        let draw_key = (u32::MAX - index as u32, plane_serial);
        let revision = derived_revision.get_untracked();
        let cached = derived_cache.with_value(|c| match c {
            Some((p, r, layer)) if *p == plane && *r == revision => Some(layer.clone()),
            _ => None,
        });
        let layer = cached.unwrap_or_else(|| {
            let (layer, graphics) = super::super::derived::planes::plane_overlays(&session, &entry, &plane, revision);
            let layer = layer.map(Rc::new);
            derived_cache.set_value(Some((plane, revision, layer.clone())));
            if derived_graphics.with_untracked(|g| *g != graphics) {
                derived_graphics.set(graphics);
            }
            layer
        });
        // The layer's revision names its content: the drawing revision and the plane.
        let layer_revision = (revision << 32) | u64::from(plane_serial);
        let shown_layer = layer.as_deref().map(|l| (l, layer_revision));
        let result = renderer.try_update_value(|r| {
            r.draw_plane(&element, draw_key, &entry, &plane, slab, &template, &options, &geometry, shown_layer)
        });
        let texture_note = renderer.with_value(|r| r.volume_note().map(str::to_string));
        if volume_note.with_untracked(|n| *n != texture_note) {
            volume_note.set(texture_note);
        }
        match result {
            Some(Ok(drawn)) => {
                error.set(None);
                let [a, b, c, d, e, f] = geometry.canvas_2d_transform();
                let set = |name: &str, value: &str| {
                    let _ = element.set_attribute(name, value);
                };
                set("data-image-to-canvas", &format!("{a},{b},{c},{d},{e},{f}"));
                set("data-renderer", drawn.renderer);
                let v3 = |v: [f64; 3]| format!("{},{},{}", v[0], v[1], v[2]);
                set("data-plane-index", &state.index(axis, &volume).to_string());
                set("data-plane-count", &state.index_count(axis, &volume).to_string());
                set("data-plane-centre-mm", &v3(state.centre(&volume)));
                set("data-plane-normal", &v3(plane.normal()));
                set("data-plane-origin-mm", &v3(plane.origin_mm));
                set("data-plane-row", &v3(plane.row_direction));
                set("data-plane-column", &v3(plane.column_direction));
                set("data-plane-spacing-mm", &plane.pixel_spacing_mm.to_string());
                set(
                    "data-slab",
                    &state
                        .slab
                        .map_or("none".to_string(), |s| format!("{} {}", slab_mode_name(s.mode), s.thickness_mm)),
                );
                match drawn.window {
                    Some((center, width)) => {
                        set("data-window-center", &center.to_string());
                        set("data-window-width", &width.to_string());
                    }
                    None => {
                        let _ = element.remove_attribute("data-window-center");
                        let _ = element.remove_attribute("data-window-width");
                    }
                }
                if element.get_attribute("data-first-drawn-set").as_deref() != Some(key.as_str()) {
                    let now = web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now());
                    set("data-first-drawn-set", &key);
                    set("data-first-drawn-at", &format!("{now:.1}"));
                }
                if filled as u32 == total && element.get_attribute("data-complete-at").is_none() {
                    let now = web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now());
                    set("data-complete-at", &format!("{now:.1}"));
                }
                set("data-ready", "true");
                let range = modality_range(&volume).unwrap_or((0.0, 1.0));
                let shown = Shown {
                    key: draw_key,
                    geometry,
                    window: drawn.window,
                    scale: ratio,
                    rows: plane.rows,
                    columns: plane.columns,
                };
                let new_lines = reference_lines(&state, axis, &plane, &volume);
                if lines.with_untracked(|l| *l != new_lines) {
                    lines.set(new_lines);
                }
                current.set(Some(PlaneShown { shown, plane, centre: state.centre_in(&plane, &volume), range }));
                shown_plain.set(Some(shown));
                set("data-layer-pixels", &layer.as_ref().map_or(0, |l| l.covered()).to_string());
                set("data-graphics", &derived_graphics.with_untracked(Vec::len).to_string());
                pane.drawn.update(|n| *n += 1);
            }
            Some(Err(e)) => error.set(Some(e)),
            None => {}
        }
    };

    Effect::new(move |_| {
        let session = app.session.get_value();
        derived_revision.track();
        session.signals.library_revision.track();
        session.volumes.track();
        app.mpr.track();
        pane.display_set.track();
        pane.transform.track();
        pane.window.track();
        pane.voi_index.track();
        pane.invert.track();
        app.resized.track();
        app.layout.track();
        schedule(pending, draw_now);
    });

    // The planes share one window and inversion.
    Effect::new(move |_| {
        let (window, invert) = (pane.window.get(), pane.invert.get());
        if app.active.get_untracked() == index {
            share_window(app, index, window, invert);
        }
    });

    super::prefetch::run(pane, frames, progress, loaded_count, app);

    // ---- input ----
    let drag = StoredValue::new(None::<Drag>);
    let wheel_steps = StoredValue::new(StepAccumulator::default());
    let swipe = StoredValue::new(StepAccumulator::default());
    let with_volume = move |f: &mut dyn FnMut(&mut MprState, &crate::volume::Volume)| {
        let Some(key) = pane.display_set.get_untracked() else { return };
        let session = app.session.get_value();
        let Ok(entry) = session.volume(&key) else { return };
        let volume = entry.volume.borrow();
        app.mpr.update(|state| f(state, &volume));
    };

    let down = move |ev: PointerEvent| {
        let Some(now) = current.get_untracked() else { return };
        app.active.set(index);
        let point = canvas_point(&ev, now.shown.scale);
        let css = (point.0 / now.shown.scale, point.1 / now.shown.scale);
        let at = to_plane(now.shown.geometry.canvas_to_image(point));
        let centre_css = css_of(&now.shown, now.centre);
        let near_centre = (css.0 - centre_css.0).hypot(css.1 - centre_css.1) <= CENTRE_GRAB_PX;
        let near_line = lines.with_untracked(|list| {
            list.iter().any(|(_, (a, b))| {
                distance_to_segment(css, (css_of(&now.shown, *a), css_of(&now.shown, *b))) <= LINE_GRAB_PX
            })
        });
        let tool = app.tool.get_untracked();
        let kind = match ev.button() {
            1 => DragKind::Pan(pane.transform.get_untracked()),
            2 => DragKind::Zoom(pane.transform.get_untracked()),
            _ if near_centre => DragKind::Centre,
            _ if near_line => DragKind::Rotate { last: at },
            _ => match tool {
                Tool::WindowLevel => DragKind::Window(now.shown.window.map(|(center, width)| {
                    WindowDrag::start(center, width, now.range, now.shown.geometry.canvas_size())
                })),
                Tool::Pan => DragKind::Pan(pane.transform.get_untracked()),
                Tool::Zoom => DragKind::Zoom(pane.transform.get_untracked()),
                Tool::Scroll => DragKind::Scroll { last_y: point.1 },
                Tool::Length | Tool::Angle | Tool::Rectangle | Tool::Ellipse => {
                    draft.set(Some(PlaneLength { plane: now.plane, from: at, to: at }));
                    DragKind::Length { from: at }
                }
                Tool::Probe => DragKind::Nothing,
            },
        };
        if let Some(target) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
            let _ = target.set_pointer_capture(ev.pointer_id());
        }
        swipe.set_value(StepAccumulator::default());
        drag.set_value(Some(Drag { pointer: ev.pointer_id(), start: point, kind }));
        ev.prevent_default();
    };

    let moved = move |ev: PointerEvent| {
        let Some(d) = drag.get_value() else { return };
        if d.pointer != ev.pointer_id() {
            return;
        }
        let Some(now) = current.get_untracked() else { return };
        let point = canvas_point(&ev, now.shown.scale);
        let at = to_plane(now.shown.geometry.canvas_to_image(point));
        let (dx, dy) = (point.0 - d.start.0, point.1 - d.start.1);
        match d.kind {
            DragKind::Centre => {
                let plane = now.plane;
                with_volume(&mut |state, volume| state.move_centre(axis, &plane, at, volume));
            }
            DragKind::Rotate { last } => {
                let angle = drag_angle(now.centre, last, at);
                if angle.abs() > 1e-6 {
                    app.mpr.update(|state| state.rotate(axis, angle));
                    drag.set_value(Some(Drag { kind: DragKind::Rotate { last: at }, ..d }));
                }
            }
            DragKind::Window(Some(window)) => pane.window.set(Some(window.window_at(dx, dy))),
            DragKind::Window(None) | DragKind::Nothing => {}
            DragKind::Pan(start) => {
                let mut transform = start;
                transform.pan = (start.pan.0 + dx, start.pan.1 + dy);
                pane.transform.set(transform);
            }
            DragKind::Zoom(start) => {
                let mut geometry = now.shown.geometry;
                geometry.transform = start;
                geometry.zoom_at(d.start, (-dy / 200.0).exp());
                pane.transform.set(geometry.transform);
            }
            DragKind::Scroll { last_y } => {
                let (_, height) = now.shown.geometry.canvas_size();
                let count = now.shown.rows.max(2);
                let steps = swipe.try_update_value(|a| a.add_swipe(point.1 - last_y, height, count)).unwrap_or(0);
                drag.set_value(Some(Drag { kind: DragKind::Scroll { last_y: point.1 }, ..d }));
                if steps != 0 {
                    with_volume(&mut |state, volume| state.scroll(axis, steps, volume));
                }
            }
            DragKind::Length { from } => draft.set(Some(PlaneLength { plane: now.plane, from, to: at })),
        }
    };

    let finish = move |ev: PointerEvent, keep: bool| {
        let Some(d) = drag.get_value() else { return };
        if d.pointer != ev.pointer_id() {
            return;
        }
        drag.set_value(None);
        if let DragKind::Length { .. } = d.kind {
            if let Some(length) = draft.get_untracked().filter(|_| keep) {
                let css = current.get_untracked().map(|now| {
                    let (a, b) = (css_of(&now.shown, length.from), css_of(&now.shown, length.to));
                    (a.0 - b.0).hypot(a.1 - b.1)
                });
                if css.is_some_and(|px| px >= 3.0) {
                    lengths.update(|list| list.push(length));
                }
            }
            draft.set(None);
        }
    };
    let up = move |ev: PointerEvent| finish(ev, true);
    let cancel = move |ev: PointerEvent| finish(ev, false);

    let wheel = move |ev: WheelEvent| {
        let Some(now) = current.get_untracked() else { return };
        ev.prevent_default();
        if ev.ctrl_key() || ev.meta_key() {
            let point = canvas_point(&ev, now.shown.scale);
            let mut geometry = now.shown.geometry;
            let pixels = ev.delta_y() * if ev.delta_mode() == WheelEvent::DOM_DELTA_PIXEL { 1.0 } else { 40.0 };
            geometry.zoom_at(point, (-pixels / 300.0).exp());
            pane.transform.set(geometry.transform);
            return;
        }
        let mode = DeltaMode::from_dom(ev.delta_mode());
        let steps = wheel_steps.try_update_value(|a| a.add_wheel(ev.delta_y(), mode)).unwrap_or(0);
        if steps != 0 {
            with_volume(&mut |state, volume| state.scroll(axis, steps, volume));
        }
    };

    // ---- overlays ----
    let oblique = Memo::new(move |_| app.mpr.with(MprState::is_oblique));
    let crosshair = move || {
        let now = current.get()?;
        let centre = css_of(&now.shown, now.centre);
        let segments = lines
            .get()
            .into_iter()
            .flat_map(|(other, (a, b))| {
                let (a, b) = (css_of(&now.shown, a), css_of(&now.shown, b));
                // Two pieces, leaving a gap around the centre.
                let piece = |end: (f64, f64)| {
                    let (dx, dy) = (end.0 - centre.0, end.1 - centre.1);
                    let length = dx.hypot(dy);
                    (length > CENTRE_GAP_PX).then(|| {
                        let t = CENTRE_GAP_PX / length;
                        ((centre.0 + dx * t, centre.1 + dy * t), end)
                    })
                };
                [piece(a), piece(b)]
                    .into_iter()
                    .flatten()
                    .map(move |(from, to)| {
                        // A rotation handle two thirds of the way out.
                        let handle = (from.0 + (to.0 - from.0) * 0.66, from.1 + (to.1 - from.1) * 0.66);
                        view! {
                            <line x1=from.0 y1=from.1 x2=to.0 y2=to.1 stroke=other.colour()
                                data-testid="mpr-reference-line" data-plane=other.name() />
                            <circle cx=handle.0 cy=handle.1 r="3.5" fill=other.colour() class="mpr-handle" />
                        }
                    })
                    .collect::<Vec<_>>()
            })
            .collect::<Vec<_>>();
        Some(view! {
            <g>
                {segments}
                <circle cx=centre.0 cy=centre.1 r="4" class="mpr-centre" data-testid="mpr-centre" />
            </g>
        })
    };
    let measurements = move || {
        let now = current.get()?;
        let mut list: Vec<PlaneLength> = lengths.get().into_iter().filter(|l| l.on(&now.plane)).collect();
        if let Some(d) = draft.get() {
            list.push(d);
        }
        Some(
            list.into_iter()
                .map(|length| {
                    let (a, b) = length.points_on(&now.plane);
                    let (a, b) = (css_of(&now.shown, a), css_of(&now.shown, b));
                    let text = length.text();
                    let (w, h) = labels::pane_size(&now.shown);
                    let label_x = (b.0 + 8.0).clamp(2.0, (w - 70.0).max(2.0));
                    let label_y = (b.1 + 4.0).clamp(14.0, (h - 24.0).max(14.0));
                    view! {
                        <g class="annotation">
                            <line x1=a.0 y1=a.1 x2=b.0 y2=b.1 />
                            <text x=label_x y=label_y data-testid="mpr-length">{text}</text>
                        </g>
                    }
                })
                .collect::<Vec<_>>(),
        )
    };
    let letters = move || {
        let now = current.get()?;
        let edges = edge_labels(now.plane.orientation(), &pane.transform.get());
        let letters = [Some(edges.left), Some(edges.right), Some(edges.top), Some(edges.bottom)];
        let rects = labels::letter_rects(&now.shown, &letters);
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
    let top_left = move || {
        let mut lines = vec![plane_name(axis, oblique.get())];
        if let Some(text) = slab_text(app.mpr.with(|m| m.slab)) {
            lines.push(text);
        }
        lines.into_iter().map(|line| view! { <div>{line}</div> }).collect_view()
    };
    let top_right = move || {
        let now = current.get()?;
        pane.drawn.track();
        let element = canvas.get_untracked()?;
        let index = element.get_attribute("data-plane-index")?.parse::<i64>().ok()?;
        let count = element.get_attribute("data-plane-count")?.parse::<i64>().ok()?;
        let _ = now;
        Some(view! {
            <div>{trf("mpr.position", &[("number", &integer(index + 1)), ("count", &integer(count))])}</div>
        })
    };
    let bottom_left = move || {
        let now = current.get()?;
        let (center, width) = now.shown.window?;
        Some(view! { <div>{{
            // Small value ranges (masks, parametric maps) need a decimal to tell windows apart.
            let places = if width < 20.0 { 1 } else { 0 };
            trf("mpr.window", &[("width", &decimal(width, places)), ("center", &decimal(center, places))])
        }}</div> })
    };
    let bottom_right = move || {
        let now = current.get()?;
        let zoom = now.shown.geometry.scale() / now.shown.geometry.fit_scale().max(f64::MIN_POSITIVE) * 100.0;
        Some(view! { <div>{trf("mpr.zoom", &[("percent", &decimal(zoom, 0))])}</div> })
    };
    let filling = move || {
        let (done, total) = progress.get()?;
        Some(view! {
            <div class="pane-progress" role="progressbar" aria-label=move || tr("common.viewport.slices_loaded")
                aria-valuemin="0" aria-valuemax=total aria-valuenow=done>
                <div class="bar" style=format!("width: {}%", done * 100 / total.max(1)) />
            </div>
        })
    };
    let label = move || {
        let now = current.get();
        trf(
            "mpr.viewport",
            &[
                ("viewport", &(index + 1).to_string()),
                ("plane", &plane_name(axis, oblique.get())),
                ("ready", if now.is_some() { "" } else { "…" }),
            ],
        )
    };
    let is_active = move || app.active.get() == index;

    let image = view! {
        <canvas
            node_ref=canvas
            data-testid="viewport"
            data-ready="false"
            data-pane=index.to_string()
            data-plane=axis.name()
            tabindex="0"
            role="img"
            aria-label=label
            on:pointerdown=down
            on:pointermove=moved
            on:pointerup=up
            on:pointercancel=cancel
            on:focus=move |_| app.active.set(index)
            on:contextmenu=|ev: web_sys::MouseEvent| ev.prevent_default()
        ></canvas>
    }
    .into_inner()
    .on(super::input::wheel_event(), wheel);

    view! {
        <div
            class="pane mpr-pane"
            data-pane=index.to_string()
            data-plane=axis.name()
            data-loaded=move || loaded_count.get().0.to_string()
            data-total=move || loaded_count.get().1.to_string()
            class:active=is_active
            on:pointerdown=move |_| app.active.set(index)
        >
            {image}
            <super::graphics::DerivedGraphics shown=shown_plain graphics=derived_graphics />
            <svg class="mpr-crosshair" aria-hidden="true">{crosshair}</svg>
            <svg class="annotations" aria-hidden="true">{measurements}</svg>
            <div class="overlay" aria-hidden="true">
                <div class="corner top-left">
                    <span class="mpr-swatch" style=format!("background: {}", axis.colour())></span>
                    {top_left}
                </div>
                <div class="corner top-right">{top_right}</div>
                <div class="corner bottom-left">{bottom_left}</div>
                <div class="corner bottom-right">{bottom_right}</div>
                {letters}
            </div>
            <Show when=is_active>
                <SlabControl />
            </Show>
            {filling}
            {move || {
                let mut notes = geometry_notes.get();
                notes.extend(volume_note.get());
                (!notes.is_empty()).then(|| view! {
                    <p class="mpr-geometry" data-testid="mpr-geometry" role="status">
                        {notes.into_iter().map(|line| view! { <span>{line}</span> }).collect_view()}
                    </p>
                })
            }}
            {move || error.get().map(|message| view! {
                <p class="pane-error" data-testid="error" role="alert">{message}</p>
            })}
        </div>
    }
}

/// The thick-slab setting the three planes share: none, maximum, minimum or mean intensity
/// projection, and the thickness in mm.
#[component]
fn SlabControl() -> impl IntoView {
    let app = use_app();
    let thickness = RwSignal::new(app.mpr.with_untracked(|m| m.slab.map_or(10.0, |s| s.thickness_mm)));
    let mode_value = move || app.mpr.with(|m| m.slab.map_or("none", |s| slab_mode_name(s.mode)));
    let on_mode = move |ev: leptos::ev::Event| {
        let mode = match event_target_value(&ev).as_str() {
            "mip" => Some(SlabMode::Maximum),
            "minip" => Some(SlabMode::Minimum),
            "mean" => Some(SlabMode::Mean),
            _ => None,
        };
        let thickness_mm = thickness.get_untracked();
        app.mpr.update(|m| m.slab = mode.map(|mode| Slab { mode, thickness_mm }));
    };
    let on_thickness = move |ev: leptos::ev::Event| {
        let Ok(value) = event_target_value(&ev).trim().replace(',', ".").parse::<f64>() else { return };
        if !(value.is_finite() && value > 0.0) {
            return;
        }
        let value = value.clamp(0.5, 500.0);
        thickness.set(value);
        app.mpr.update(|m| {
            if let Some(slab) = m.slab.as_mut() {
                slab.thickness_mm = value;
            }
        });
    };
    view! {
        <div class="mpr-slab" on:pointerdown=|ev: PointerEvent| ev.stop_propagation()>
            <label>
                <span class="sr-only">{move || tr("mpr.slab.label")}</span>
                <select data-testid="mpr-slab-mode" aria-label=move || tr("mpr.slab.label") prop:value=mode_value on:change=on_mode>
                    <option value="none" selected=move || mode_value() == "none">{move || tr("mpr.slab.none")}</option>
                    <option value="mip" selected=move || mode_value() == "mip">{move || tr("mpr.slab.maximum")}</option>
                    <option value="minip" selected=move || mode_value() == "minip">{move || tr("mpr.slab.minimum")}</option>
                    <option value="mean" selected=move || mode_value() == "mean">{move || tr("mpr.slab.mean")}</option>
                </select>
            </label>
            <label class="mpr-thickness">
                <input type="number" min="0.5" max="500" step="0.5" inputmode="decimal" data-testid="mpr-slab-thickness"
                    aria-label=move || tr("mpr.slab.thickness")
                    prop:value=move || thickness.get().to_string()
                    on:change=on_thickness />
                <span aria-hidden="true">"mm"</span>
            </label>
            <Show when=move || oblique_now(app)>
                <button type="button" class="btn-ghost" data-testid="mpr-reset-rotation"
                    on:click=move |_| app.mpr.update(MprState::reset_rotation)>
                    {move || tr("mpr.reset_rotation")}
                </button>
            </Show>
        </div>
    }
}

fn oblique_now(app: AppContext) -> bool {
    app.mpr.with(MprState::is_oblique)
}
