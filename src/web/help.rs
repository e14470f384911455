//! The help overlay: keyboard shortcuts and mouse/touch gestures. A modal dialog: focus moves
//! into it when it opens, Tab and Shift+Tab stay inside it (`keep_focus_inside`, called by the
//! page's key handler), Escape or Close shuts it and focus returns to whatever opened it.

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, KeyboardEvent};

use super::context::use_app;
use super::keyboard::SHORTCUTS;

const FOCUSABLE: &str = "button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), \
                         textarea:not([disabled]), [tabindex]:not([tabindex=\"-1\"])";

/// The elements Tab reaches inside the open help dialog, in document order.
fn focusable_in_dialog() -> Vec<HtmlElement> {
    let Some(dialog) =
        web_sys::window().and_then(|w| w.document()).and_then(|d| d.query_selector(".help-box").ok().flatten())
    else {
        return Vec::new();
    };
    // querySelectorAll through JS (web-sys' NodeList is not among the enabled features).
    let found = js_sys::Reflect::get(&dialog, &"querySelectorAll".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .and_then(|f| f.call1(&dialog, &FOCUSABLE.into()).ok());
    found
        .map(|list| js_sys::Array::from(&list).iter().filter_map(|e| e.dyn_into::<HtmlElement>().ok()).collect())
        .unwrap_or_default()
}

/// Tab / Shift+Tab while the dialog is open: the next (previous) control of the dialog, wrapping
/// around, wherever focus was.
pub fn keep_focus_inside(event: &KeyboardEvent) {
    let controls = focusable_in_dialog();
    if controls.is_empty() {
        return;
    }
    event.prevent_default();
    let active = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
    let current = active.and_then(|a| {
        let active: &wasm_bindgen::JsValue = a.as_ref();
        controls.iter().position(|c| AsRef::<wasm_bindgen::JsValue>::as_ref(c) == active)
    });
    let count = controls.len();
    let next = match (current, event.shift_key()) {
        (Some(i), false) => (i + 1) % count,
        (Some(i), true) => (i + count - 1) % count,
        (None, false) => 0,
        (None, true) => count - 1,
    };
    if let Some(control) = controls.get(next) {
        let _ = control.focus();
    }
}

#[component]
fn HelpDialog() -> impl IntoView {
    let app = use_app();
    let close = NodeRef::<html::Button>::new();
    // Whatever had focus when the dialog opened gets it back when it closes.
    let opener = StoredValue::new_local(None::<HtmlElement>);
    Effect::new(move |_| {
        if let Some(button) = close.get() {
            let active = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
            opener.set_value(active.and_then(|a| a.dyn_into::<HtmlElement>().ok()));
            let _ = button.focus();
        }
    });
    on_cleanup(move || {
        if let Some(element) = opener.try_get_value().flatten().filter(|e| e.is_connected()) {
            let _ = element.focus();
        }
    });
    view! {
        <div class="help" role="dialog" aria-modal="true" aria-labelledby="help-title"
            on:click=move |ev| {
                // A click on the dimmed backdrop (not the box) closes the dialog.
                if ev.target().and_then(|t| t.dyn_into::<HtmlElement>().ok()).is_some_and(|t| t.class_name() == "help") {
                    app.show_help.set(false);
                }
            }>
            <div class="help-box">
                <h2 id="help-title">"Keyboard and mouse"</h2>
                <table>
                    <tbody>
                        {SHORTCUTS.iter().map(|(keys, what)| view! {
                            <tr><th scope="row"><kbd>{*keys}</kbd></th><td>{*what}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <p>"Mouse: left button uses the selected tool, middle button pans, right button zooms. \
                    Touch: one finger uses the selected tool (Scroll swipes through slices), two fingers pinch to zoom and pan."</p>
                <button type="button" node_ref=close on:click=move |_| app.show_help.set(false)>"Close"</button>
            </div>
        </div>
    }
}

#[component]
pub fn Help() -> impl IntoView {
    let app = use_app();
    view! {
        <Show when=move || app.show_help.get()>
            <HelpDialog />
        </Show>
    }
}
