//! Pointer, touch and wheel input of a viewport: the selected tool on the primary button or one
//! finger, pan on the middle button, zoom on the right button; two fingers pinch (zoom), pan or
//! swipe vertically through the slices and a double tap fits the image (the rules and their
//! thresholds: crate::viewer::gesture); the wheel scrolls slices (with Ctrl: zooms at the pointer).

use std::rc::Rc;

use leptos::ev;
use leptos::prelude::*;
use web_sys::{PointerEvent, WheelEvent};

use super::super::context::AppContext;
use super::super::pane::{Annotation, Pane, Tool};
use super::annotate;
use super::Shown;
use crate::study::FrameRef;
use crate::viewer::gesture::{DoubleTap, TwoFingerStep, TwoFingers};
use crate::viewer::placing::{Placed, Placing};
use crate::viewer::stack::{DeltaMode, StepAccumulator};
use crate::viewer::transform::ViewTransform;
use crate::viewer::window_drag::WindowDrag;

#[derive(Clone, Copy)]
struct Drag {
    tool: Tool,
    pointer: i32,
    start: (f64, f64),
    transform: ViewTransform,
    window: Option<WindowDrag>,
}

pub fn wheel_event() -> ev::Custom<WheelEvent> {
    let mut wheel = ev::Custom::new("wheel");
    wheel.options_mut().set_passive(false);
    wheel
}

pub struct Handlers {
    pub down: Box<dyn FnMut(PointerEvent)>,
    pub moved: Box<dyn FnMut(PointerEvent)>,
    pub up: Box<dyn FnMut(PointerEvent)>,
    pub cancel: Box<dyn FnMut(PointerEvent)>,
    pub leave: Box<dyn FnMut(PointerEvent)>,
    pub wheel: Box<dyn FnMut(WheelEvent)>,
}

/// The event's position in canvas pixels. offsetX/offsetY are fractional in browsers (web-sys
/// types them as integers, which would lose up to a CSS pixel of measurement precision).
fn canvas_point(ev: &web_sys::MouseEvent, shown: &Shown) -> (f64, f64) {
    let fractional = |key: &str, whole: i32| {
        js_sys::Reflect::get(ev, &key.into()).ok().and_then(|v| v.as_f64()).unwrap_or(f64::from(whole))
    };
    (fractional("offsetX", ev.offset_x()) * shown.scale, fractional("offsetY", ev.offset_y()) * shown.scale)
}

fn next_id() -> u64 {
    js_sys::Date::now() as u64 ^ (js_sys::Math::random() * 1e6) as u64
}

impl Handlers {
    pub fn new(pane: Pane, shown: RwSignal<Option<Shown>>, frames: Memo<Vec<FrameRef>>, app: AppContext) -> Handlers {
        let drag = StoredValue::new(None::<Drag>);
        // The measurement being placed (its points are mirrored in `pane.draft` for drawing).
        let placing = StoredValue::new(None::<Placing>);
        let touches = StoredValue::new(Vec::<(i32, (f64, f64))>::new());
        let two_fingers = StoredValue::new(None::<TwoFingers>);
        let taps = StoredValue::new(DoubleTap::default());
        let wheel_steps = StoredValue::new(StepAccumulator::default());
        let swipe = StoredValue::new((StepAccumulator::default(), 0.0f64));
        let session = app.session;

        let frame_count = move || frames.with_untracked(Vec::len) as u32;
        let go_to = move |target: i64| {
            let count = frame_count();
            if count > 0 {
                pane.frame.set(target.clamp(0, i64::from(count) - 1) as u32);
            }
        };
        // Window drags span the frame's modality value range over the canvas. The range of the
        // last frame pressed on is kept: a pass over a 20-megapixel mammogram takes tens of ms.
        let drag_range = StoredValue::new(None::<(super::super::session::FrameKey, Option<(f64, f64)>)>);
        let window_drag = move |shown: &Shown| -> Option<WindowDrag> {
            let (center, width) = shown.window?;
            let known = drag_range.with_value(|kept| kept.filter(|(key, _)| *key == shown.key).map(|(_, range)| range));
            let range = known.unwrap_or_else(|| {
                let session = session.get_value();
                let range = session.cached(shown.key).zip(session.image(shown.key.0)).and_then(|(frame, image)| {
                    let (min, max) = frame.pixels.min_max()?;
                    let lut = image.info.modality_lut(shown.key.1);
                    let (a, b) = (lut.apply(min), lut.apply(max));
                    Some((a.min(b), a.max(b)))
                });
                if range.is_some() {
                    drag_range.set_value(Some((shown.key, range)));
                }
                range
            });
            let range = range.unwrap_or((center - width / 2.0, center + width / 2.0));
            Some(WindowDrag::start(center, width, range, shown.geometry.canvas_size()))
        };

        let down = move |ev: PointerEvent| {
            let Some(current) = shown.get_untracked() else { return };
            // A press on the image means the user works on this slice: a stack still growing
            // stops following its middle (viewer::opening_slice), so a measurement begun while
            // files arrive stays on the slice it was begun on.
            pane.chosen_frame.set(None);
            let point = canvas_point(&ev, &current);
            if ev.pointer_type() == "touch" {
                touches.update_value(|t| t.push((ev.pointer_id(), point)));
                match touches.with_value(Vec::len) {
                    1 => {
                        let css = (point.0 / current.scale, point.1 / current.scale);
                        if taps.try_update_value(|t| t.press(ev.time_stamp(), css)).unwrap_or(false) {
                            // Double tap: fit the image; a measurement the first tap began is dropped.
                            drag.set_value(None);
                            placing.set_value(None);
                            pane.draft.set(None);
                            let mut geometry = current.geometry;
                            geometry.transform = pane.transform.get_untracked();
                            geometry.fit();
                            pane.transform.set(geometry.transform);
                            ev.prevent_default();
                            return;
                        }
                    }
                    2 => {
                        drag.set_value(None);
                        placing.set_value(None);
                        pane.draft.set(None);
                        taps.update_value(DoubleTap::cancel);
                        let (a, b) = touches.with_value(|t| (t[0].1, t[1].1));
                        let mut geometry = current.geometry;
                        geometry.transform = pane.transform.get_untracked();
                        two_fingers.set_value(Some(TwoFingers::start(&geometry, a, b, current.scale)));
                        ev.prevent_default();
                        return;
                    }
                    // A third finger changes nothing.
                    _ => return,
                }
            }
            let tool = match ev.button() {
                1 => Tool::Pan,
                2 => Tool::Zoom,
                _ => app.tool.get_untracked(),
            };
            if let Some(target) = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok()) {
                let _ = target.set_pointer_capture(ev.pointer_id());
            }
            swipe.set_value((StepAccumulator::default(), point.1));
            drag.set_value(Some(Drag {
                tool,
                pointer: ev.pointer_id(),
                start: point,
                transform: pane.transform.get_untracked(),
                window: window_drag(&current),
            }));
            if tool.points() > 0 {
                let at = current.geometry.canvas_to_image(point);
                let frame = current.key;
                // Continue the drawing on screen (Escape or a pinch clears `pane.draft`), else start one.
                let on_screen =
                    pane.draft.with_untracked(|d| d.as_ref().is_some_and(|d| d.tool == tool && d.frame == frame));
                let continued = placing.get_value().filter(|_| on_screen);
                let continuing = continued.is_some();
                let mut state = continued.unwrap_or_else(|| Placing::start(tool.points(), at));
                state.press(at);
                let points = state.points().to_vec();
                placing.set_value(Some(state));
                pane.draft.update(|draft| match draft {
                    Some(a) if continuing => a.points = points,
                    _ => *draft = Some(Annotation { id: next_id(), tool, frame, points, text: Vec::new() }),
                });
            }
            ev.prevent_default();
        };

        let moved = move |ev: PointerEvent| {
            let Some(current) = shown.get_untracked() else { return };
            let point = canvas_point(&ev, &current);
            if ev.pointer_type() == "touch" {
                touches.update_value(|t| {
                    if let Some(entry) = t.iter_mut().find(|(id, _)| *id == ev.pointer_id()) {
                        entry.1 = point;
                    }
                });
                if two_fingers.with_value(Option::is_some) && touches.with_value(Vec::len) >= 2 {
                    let (a, b) = touches.with_value(|t| (t[0].1, t[1].1));
                    let step = two_fingers
                        .try_update_value(|g| g.as_mut().map(|g| g.update(&current.geometry, a, b)))
                        .flatten();
                    match step {
                        Some(TwoFingerStep::Transform(transform)) => pane.transform.set(transform),
                        Some(TwoFingerStep::Slices(slices)) => go_to(i64::from(pane.frame.get_untracked()) + slices),
                        Some(TwoFingerStep::Nothing) | None => {}
                    }
                    return;
                }
            }
            let image_point = current.geometry.canvas_to_image(point);
            pane.probe.set(annotate::probe_text(&session.get_value(), &current, image_point));
            let follow = |at: (f64, f64)| {
                if let Some(points) = placing
                    .try_update_value(|p| {
                        p.as_mut().map(|p| {
                            p.move_to(at);
                            p.points().to_vec()
                        })
                    })
                    .flatten()
                {
                    pane.draft.update(|draft| {
                        if let Some(draft) = draft.as_mut() {
                            draft.points = points;
                        }
                    });
                }
            };
            let Some(d) = drag.get_value() else {
                // Between the clicks of an angle, its next point follows the pointer.
                if pane.draft.with_untracked(Option::is_some) {
                    follow(image_point);
                }
                return;
            };
            if d.pointer != ev.pointer_id() {
                return;
            }
            let (dx, dy) = (point.0 - d.start.0, point.1 - d.start.1);
            match d.tool {
                Tool::WindowLevel => {
                    if let Some(window) = d.window {
                        pane.window.set(Some(window.window_at(dx, dy)));
                    }
                }
                Tool::Pan => {
                    let mut transform = d.transform;
                    transform.pan = (d.transform.pan.0 + dx, d.transform.pan.1 + dy);
                    pane.transform.set(transform);
                }
                Tool::Zoom => {
                    let mut geometry = current.geometry;
                    geometry.transform = d.transform;
                    geometry.zoom_at(d.start, (-dy / 200.0).exp());
                    pane.transform.set(geometry.transform);
                }
                Tool::Scroll => {
                    let (_, height) = current.geometry.canvas_size();
                    let count = frame_count();
                    let steps = swipe
                        .try_update_value(|(accumulator, last_y)| {
                            let moved = point.1 - *last_y;
                            *last_y = point.1;
                            accumulator.add_swipe(moved, height, count)
                        })
                        .unwrap_or(0);
                    if steps != 0 {
                        go_to(i64::from(pane.frame.get_untracked()) + steps);
                    }
                }
                Tool::Probe => {}
                Tool::Length | Tool::Angle | Tool::Rectangle | Tool::Ellipse => follow(image_point),
            }
        };

        let finish = move |ev: PointerEvent, keep: bool| {
            if ev.pointer_type() == "touch" {
                let tapped = touches.with_value(|t| t.len() == 1) && two_fingers.with_value(Option::is_none) && keep;
                match shown.get_untracked().filter(|_| tapped) {
                    Some(current) => {
                        let point = canvas_point(&ev, &current);
                        let css = (point.0 / current.scale, point.1 / current.scale);
                        taps.update_value(|t| t.release(ev.time_stamp(), css));
                    }
                    None => taps.update_value(DoubleTap::cancel),
                }
            }
            touches.update_value(|t| t.retain(|(id, _)| *id != ev.pointer_id()));
            if touches.with_value(Vec::len) < 2 {
                two_fingers.set_value(None);
            }
            let Some(d) = drag.get_value() else { return };
            if d.pointer != ev.pointer_id() {
                return;
            }
            drag.set_value(None);
            if d.tool.points() == 0 {
                return;
            }
            let Some(mut draft) = pane.draft.get_untracked() else {
                placing.set_value(None);
                return;
            };
            let Some(mut state) = placing.get_value().filter(|_| keep) else {
                placing.set_value(None);
                pane.draft.set(None);
                return;
            };
            let current = shown.get_untracked();
            let at = match &current {
                Some(current) => current.geometry.canvas_to_image(canvas_point(&ev, current)),
                None => state.points().last().copied().unwrap_or_default(),
            };
            match state.release(at) {
                Placed::Drawing => {
                    draft.points = state.points().to_vec();
                    placing.set_value(Some(state));
                    pane.draft.set(Some(draft));
                }
                Placed::Cancelled => {
                    placing.set_value(None);
                    pane.draft.set(None);
                }
                Placed::Done(points) => {
                    placing.set_value(None);
                    draft.points = points;
                    if let Some(current) = current {
                        draft.text = annotate::measure(&session.get_value(), &current, draft.tool, &draft.points);
                    }
                    pane.draft.set(None);
                    pane.annotations.update(|list| list.push(draft));
                }
            }
        };
        let finish = Rc::new(finish);
        let up = {
            let finish = finish.clone();
            move |ev: PointerEvent| finish(ev, true)
        };
        let cancel = {
            let finish = finish.clone();
            move |ev: PointerEvent| finish(ev, false)
        };
        let leave = move |_: PointerEvent| pane.probe.set(None);

        let wheel = move |ev: WheelEvent| {
            let Some(current) = shown.get_untracked() else { return };
            ev.prevent_default();
            if ev.ctrl_key() || ev.meta_key() {
                let point = canvas_point(&ev, &current);
                let mut geometry = current.geometry;
                let pixels = ev.delta_y() * if ev.delta_mode() == WheelEvent::DOM_DELTA_PIXEL { 1.0 } else { 40.0 };
                geometry.zoom_at(point, (-pixels / 300.0).exp());
                pane.transform.set(geometry.transform);
                return;
            }
            let mode = DeltaMode::from_dom(ev.delta_mode());
            let steps = wheel_steps.try_update_value(|a| a.add_wheel(ev.delta_y(), mode)).unwrap_or(0);
            if steps != 0 {
                go_to(i64::from(pane.frame.get_untracked()) + steps);
            }
        };

        Handlers {
            down: Box::new(down),
            moved: Box::new(moved),
            up: Box::new(up),
            cancel: Box::new(cancel),
            leave: Box::new(leave),
            wheel: Box::new(wheel),
        }
    }
}
