//! Keyboard shortcuts for the whole page (listed in the help overlay). Keys typed into a form
//! field are left alone.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;

use super::actions;
use super::context::AppContext;
use super::pane::Tool;

/// (keys, catalog key of what they do) for the help dialog (locales/*/dialogs.txt).
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("↑ ↓ ← →, wheel", "dialogs.help.key.slices"),
    ("Page Up / Page Down", "dialogs.help.key.page"),
    ("Home / End", "dialogs.help.key.ends"),
    ("1 … 9", "dialogs.help.key.presets"),
    ("w p z s c", "dialogs.help.key.tools"),
    ("l a b e", "dialogs.help.key.measure"),
    ("Delete", "dialogs.help.key.delete"),
    ("i", "dialogs.help.key.invert"),
    ("o", "dialogs.help.key.overlays"),
    ("r / Shift+r", "dialogs.help.key.rotate"),
    ("h / v", "dialogs.help.key.flip"),
    ("+ / −, Ctrl+wheel, pinch", "dialogs.help.key.zoom"),
    ("f", "dialogs.help.key.fit"),
    ("Space", "dialogs.help.key.cine"),
    ("t", "dialogs.help.key.tags"),
    ("x", "dialogs.help.key.export"),
    ("Tab", "dialogs.help.key.tab"),
    ("?", "dialogs.help.key.help"),
    ("Esc", "dialogs.help.key.escape"),
];

fn in_form_field(event: &KeyboardEvent) -> bool {
    event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|e| matches!(e.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"))
}

pub fn install(app: AppContext) {
    let handle = window_event_listener(leptos::ev::keydown, move |event: KeyboardEvent| {
        // The help dialog is modal: Tab stays inside it, Escape (or ?) closes it, nothing else.
        if app.show_help.get_untracked() {
            // Tab is kept inside by the dialog itself (super::dialog).
            match event.key().as_str() {
                "Escape" | "?" => {
                    app.show_help.set(false);
                    event.prevent_default();
                }
                _ => {}
            }
            return;
        }
        // Another modal dialog (or sheet) is open: page shortcuts stay off under it.
        if super::dialog::is_open() {
            return;
        }
        if in_form_field(&event) || event.ctrl_key() || event.meta_key() || event.alt_key() {
            return;
        }
        let pane = app.active_pane();
        let key = event.key();
        let handled = match key.as_str() {
            "ArrowRight" => actions::key(app, "ArrowDown"),
            "ArrowLeft" => actions::key(app, "ArrowUp"),
            "ArrowDown" | "ArrowUp" | "PageDown" | "PageUp" | "Home" | "End" => actions::key(app, &key),
            "i" => {
                pane.invert.update(|v| *v = !*v);
                true
            }
            "o" => {
                pane.overlays.update(|v| *v = !*v);
                true
            }
            "r" => actions::rotate(app, true),
            "R" => actions::rotate(app, false),
            "h" => actions::flip(app, true),
            "v" => actions::flip(app, false),
            "f" => actions::reset_view(app),
            "+" | "=" => actions::zoom(app, 1.25),
            "-" | "_" => actions::zoom(app, 0.8),
            " " => {
                pane.cine.update(|v| *v = !*v);
                true
            }
            "t" => {
                if app.show_tags.get_untracked() {
                    app.close_side();
                } else {
                    app.open_side(crate::viewer::shell::SidePanelTab::Tags);
                }
                true
            }
            "x" => actions::export_png(app),
            "?" => {
                app.show_help.update(|v| *v = !*v);
                true
            }
            "Escape" => {
                // Cancels a measurement being drawn, else closes the tag browser.
                if pane.draft.get_untracked().is_some() {
                    pane.draft.set(None);
                    true
                } else if app.show_tags.get_untracked() {
                    actions::close_tags(app);
                    true
                } else {
                    false
                }
            }
            "Delete" | "Backspace" => actions::remove_last_annotation(app),
            digit if digit.len() == 1 && digit.as_bytes()[0].is_ascii_digit() && digit != "0" => {
                actions::apply_preset(app, digit)
            }
            other => match Tool::ALL.iter().find(|t| t.shortcut() == other) {
                Some(tool) => {
                    app.tool.set(*tool);
                    true
                }
                None => false,
            },
        };
        if handled {
            event.prevent_default();
        }
    });
    // The listener lives as long as the page: the handle is never removed.
    let _ = handle;
}
