//! Keyboard shortcuts for the whole page (listed in the help overlay). Keys typed into a form
//! field are left alone.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;

use super::actions;
use super::context::AppContext;
use super::pane::Tool;

/// (keys, what they do) for the help overlay.
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("↑ ↓ ← →, wheel", "previous / next slice"),
    ("Page Up / Page Down", "jump 10% of the slices"),
    ("Home / End", "first / last slice"),
    ("1 … 9", "window presets (CT: brain, lung, mediastinum, abdomen, bone; else the file's windows)"),
    ("w p z s c", "tools: window/level, pan, zoom, scroll, probe"),
    ("l a b e", "measure: length, angle, rectangle ROI, ellipse ROI"),
    ("Delete", "remove the last measurement on this slice"),
    ("i", "invert"),
    ("o", "show / hide overlay planes"),
    ("r / Shift+r", "rotate 90° clockwise / counter-clockwise"),
    ("h / v", "flip horizontally / vertically"),
    ("+ / −, Ctrl+wheel, pinch", "zoom in / out"),
    ("f", "fit and reset the view"),
    ("Space", "play / pause cine"),
    ("t", "show / hide the tag browser"),
    ("x", "export the view as PNG"),
    ("Tab", "move between viewports and controls"),
    ("?", "this help"),
    ("Esc", "close help, cancel a measurement, close the tag browser"),
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
            match event.key().as_str() {
                "Tab" => super::help::keep_focus_inside(&event),
                "Escape" | "?" => {
                    app.show_help.set(false);
                    event.prevent_default();
                }
                _ => {}
            }
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
