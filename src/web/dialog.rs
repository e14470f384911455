//! A modal dialog (or, with `sheet`, a bottom sheet for phones), WAI-ARIA "Dialog (Modal)"
//! pattern: role="dialog", aria-modal="true", named by its title (aria-labelledby); a visible
//! Close button (data-testid="dialog-close"); Escape and a click on the dimmed backdrop close it;
//! Tab and Shift+Tab stay inside; focus moves into it when it opens and returns to the element
//! that had it (its opener) when it closes. Mount it while it is open (e.g. inside `<Show>`):
//! closing = `on_close` (the owner sets its signal to false, which unmounts the dialog).

use std::sync::atomic::{AtomicU32, Ordering};

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, KeyboardEvent};

use super::i18n::tr;

const FOCUSABLE: &str = "button:not([disabled]), [href], input:not([disabled]):not([type=\"hidden\"]), \
                         select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex=\"-1\"])";

static NEXT_ID: AtomicU32 = AtomicU32::new(0);

fn document() -> Option<web_sys::Document> {
    web_sys::window().and_then(|w| w.document())
}

/// The open modal dialog on top (the last one in the document), if any.
fn top_dialog() -> Option<web_sys::Element> {
    let list = document()?.query_selector_all("[role=\"dialog\"][aria-modal=\"true\"]").ok()?;
    list.length().checked_sub(1).and_then(|last| list.item(last)).and_then(|n| n.dyn_into().ok())
}

/// True while a modal dialog is open (page shortcuts stay off under it).
pub fn is_open() -> bool {
    top_dialog().is_some()
}

/// The visible controls Tab reaches inside `dialog`, in document order.
fn focusable_in(dialog: &web_sys::Element) -> Vec<HtmlElement> {
    let Ok(list) = dialog.query_selector_all(FOCUSABLE) else { return Vec::new() };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<HtmlElement>().ok())
        .filter(|e| e.offset_width() > 0 || e.offset_height() > 0)
        .collect()
}

/// Tab / Shift+Tab while a modal dialog is open: the next (previous) control of the top dialog,
/// wrapping around, wherever focus was.
pub fn keep_focus_inside(event: &KeyboardEvent) {
    let Some(dialog) = top_dialog() else { return };
    let controls = focusable_in(&dialog);
    event.prevent_default();
    if controls.is_empty() {
        return;
    }
    let active = document().and_then(|d| d.active_element());
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

/// The modal dialog. `title` names it (shown as its heading); `sheet` makes it a bottom sheet on
/// narrow screens; `testid` goes on the dialog element; `class` is added to it.
#[component]
pub fn Dialog(
    #[prop(into)] title: Signal<String>,
    #[prop(into)] on_close: Callback<()>,
    #[prop(optional)] sheet: bool,
    #[prop(optional)] testid: Option<&'static str>,
    #[prop(optional)] class: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let title_id = format!("dialog-title-{}", NEXT_ID.fetch_add(1, Ordering::Relaxed));
    let close = NodeRef::<html::Button>::new();
    // Whatever had focus when the dialog opened gets it back when it closes.
    let opener = StoredValue::new_local(None::<HtmlElement>);
    Effect::new(move |_| {
        if let Some(button) = close.get() {
            let active = document().and_then(|d| d.active_element());
            opener.set_value(active.and_then(|a| a.dyn_into::<HtmlElement>().ok()));
            let _ = button.focus();
        }
    });
    on_cleanup(move || {
        if let Some(element) = opener.try_get_value().flatten().filter(|e| e.is_connected()) {
            let _ = element.focus();
        }
    });
    // Keys go to the page, so Tab is trapped wherever focus is (also after a click on the backdrop).
    let keys = window_event_listener(leptos::ev::keydown, move |event: KeyboardEvent| {
        if event.default_prevented() {
            return;
        }
        let mine = close.get_untracked().and_then(|b| b.closest("[role=\"dialog\"]").ok().flatten());
        let on_top = top_dialog();
        if mine.is_none()
            || mine.as_ref().map(AsRef::<wasm_bindgen::JsValue>::as_ref) != on_top.as_ref().map(AsRef::as_ref)
        {
            return;
        }
        match event.key().as_str() {
            "Tab" => keep_focus_inside(&event),
            "Escape" => {
                event.prevent_default();
                on_close.run(());
            }
            _ => {}
        }
    });
    on_cleanup(move || keys.remove());

    let backdrop_class = if sheet { "dialog-backdrop dialog-backdrop--sheet" } else { "dialog-backdrop" };
    let dialog_class = match (sheet, class) {
        (true, Some(extra)) => format!("dialog dialog--sheet {extra}"),
        (true, None) => "dialog dialog--sheet".to_string(),
        (false, Some(extra)) => format!("dialog {extra}"),
        (false, None) => "dialog".to_string(),
    };
    let labelled_by = title_id.clone();
    view! {
        <div class=backdrop_class
            on:click=move |ev| {
                // A click on the dimmed backdrop itself (not inside the dialog) closes it.
                let target = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
                let backdrop = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
                if target.is_some() && target == backdrop {
                    on_close.run(());
                }
            }>
            <div class=dialog_class role="dialog" aria-modal="true" aria-labelledby=labelled_by data-testid=testid>
                <div class="dialog-header">
                    <h2 class="dialog-title" id=title_id>{move || title.get()}</h2>
                    <button type="button" class="dialog-close" data-testid="dialog-close" node_ref=close
                        aria-label=move || tr("dialogs.close") title=move || tr("dialogs.close")
                        on:click=move |_| on_close.run(())>
                        <span aria-hidden="true">"×"</span>
                    </button>
                </div>
                // Focusable, so a keyboard alone can scroll a long body (WCAG 2.1.1).
                <div class="dialog-body" tabindex="0">{children()}</div>
            </div>
        </div>
    }
}
