//! One opened image: a canvas with its caption. Drag = window/level (horizontal width,
//! vertical center); wheel and arrow keys = frames.

use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use web_sys::{KeyboardEvent, PointerEvent, WheelEvent};

use super::canvas::{draw, Shown};
use super::view_state::ViewState;

/// Wheel travel (CSS pixels) that moves one frame.
const WHEEL_NOTCH: f64 = 50.0;

/// Where a window/level drag started.
#[derive(Clone, Copy)]
struct Drag {
    x: i32,
    y: i32,
    center: f64,
    width: f64,
    per_pixel: f64,
}

fn caption(name: &str, state: &ViewState) -> String {
    let (uid, syntax) = state.transfer_syntax();
    let window = match state.shown_window() {
        Some((center, width)) => format!("window C {center} / W {width}"),
        None if state.has_window() => "VOI LUT".to_string(),
        None => "colour".to_string(),
    };
    format!(
        "{name} · {}×{} · {syntax} ({uid}) · frame {}/{} · {window}",
        state.rows(),
        state.columns(),
        state.frame_index() + 1,
        state.frame_count()
    )
}

/// A wheel listener that may cancel scrolling the page (wheel listeners are passive otherwise).
fn wheel() -> ev::Custom<WheelEvent> {
    let mut wheel = ev::Custom::new("wheel");
    wheel.options_mut().set_passive(false);
    wheel
}

fn key_target(key: &str, state: &ViewState) -> Option<i64> {
    if state.frame_count() < 2 {
        return None;
    }
    let current = i64::from(state.frame_index());
    Some(match key {
        "ArrowDown" | "ArrowRight" => current + 1,
        "ArrowUp" | "ArrowLeft" => current - 1,
        "PageDown" => current + 10,
        "PageUp" => current - 10,
        "Home" => 0,
        "End" => i64::from(state.frame_count()) - 1,
        _ => return None,
    })
}

#[component]
pub fn Viewport(name: String, state: StoredValue<ViewState, LocalStorage>) -> impl IntoView {
    let canvas = NodeRef::<html::Canvas>::new();
    let caption_text = RwSignal::new(String::new());
    let frame_error = RwSignal::new(None::<String>);
    let drag = StoredValue::new(None::<Drag>);
    let label = StoredValue::new(name.clone());

    let redraw = move || {
        let Some(element) = canvas.get_untracked() else { return };
        state.with_value(|s| {
            let shown = Shown { frame: s.frame_index(), window: s.shown_window() };
            if let Err(e) = draw(&element, &s.render(), &shown) {
                frame_error.set(Some(format!("{}: cannot draw: {e:?}", label.get_value())));
            }
            caption_text.set(caption(&label.get_value(), s));
        });
    };
    Effect::new(move |_| {
        if canvas.get().is_some() {
            redraw();
        }
    });

    let go_to = move |target: i64| match state.try_update_value(|s| s.go_to_frame(target)) {
        Some(Ok(true)) => {
            frame_error.set(None);
            redraw();
        }
        Some(Err(e)) => frame_error.set(Some(format!("{}, frame {}: {e}", label.get_value(), target + 1))),
        _ => {}
    };

    let on_pointer_down = move |ev: PointerEvent| {
        let origin = state.with_value(|s| s.has_window().then(|| (s.drag_origin(), s.drag_sensitivity())));
        let (Some(((center, width), per_pixel)), 0) = (origin, ev.button()) else { return };
        if let Some(element) = canvas.get_untracked() {
            let _ = element.set_pointer_capture(ev.pointer_id());
        }
        drag.set_value(Some(Drag { x: ev.client_x(), y: ev.client_y(), center, width, per_pixel }));
        ev.prevent_default();
    };
    let on_pointer_move = move |ev: PointerEvent| {
        let Some(d) = drag.get_value() else { return };
        let (dx, dy) = (f64::from(ev.client_x() - d.x), f64::from(ev.client_y() - d.y));
        state.update_value(|s| s.set_window(d.center + dy * d.per_pixel, d.width + dx * d.per_pixel));
        redraw();
    };
    let end_drag = move |_: PointerEvent| drag.set_value(None);
    let on_key = move |ev: KeyboardEvent| {
        if let Some(target) = state.with_value(|s| key_target(&ev.key(), s)) {
            ev.prevent_default();
            go_to(target);
        }
    };
    // One frame per mouse-wheel notch; trackpads' small deltas add up to a notch first.
    let wheel_sum = StoredValue::new(0.0f64);
    let on_wheel = move |ev: WheelEvent| {
        if state.with_value(|s| s.frame_count()) < 2 {
            return;
        }
        ev.prevent_default();
        let pixels = match ev.delta_mode() {
            WheelEvent::DOM_DELTA_LINE => 40.0,
            WheelEvent::DOM_DELTA_PAGE => 800.0,
            _ => 1.0,
        } * ev.delta_y();
        let sum = wheel_sum.get_value() + pixels;
        if sum.abs() < WHEEL_NOTCH {
            wheel_sum.set_value(sum);
            return;
        }
        wheel_sum.set_value(0.0);
        let current = i64::from(state.with_value(|s| s.frame_index()));
        go_to(current + if sum > 0.0 { 1 } else { -1 });
    };

    let help = "Drag to change the window (left-right: width, up-down: center); \
                mouse wheel or arrow keys: previous or next frame";
    let aria_label = format!("DICOM image {name}. {help}");
    let image = view! {
        <canvas
            node_ref=canvas
            data-testid="viewport"
            data-file-name=name
            tabindex="0"
            role="img"
            aria-label=aria_label
            title=help
            on:pointerdown=on_pointer_down
            on:pointermove=on_pointer_move
            on:pointerup=end_drag
            on:pointercancel=end_drag
            on:keydown=on_key
        ></canvas>
    }
    .into_inner()
    .on(wheel(), on_wheel);

    view! {
        <figure class="viewport">
            {image}
            <figcaption aria-live="polite">{move || caption_text.get()}</figcaption>
            {move || frame_error.get().map(|message| view! {
                <p class="error" data-testid="error" role="alert">{message}</p>
            })}
        </figure>
    }
}
