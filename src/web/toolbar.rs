//! The toolbar: open files/folders, layout, tools, window presets, view toggles, cine, export,
//! tag browser and help. Every control is a labelled button, select or input.

use leptos::prelude::*;

use super::actions;
use super::archives::ArchiveView;
use super::context::{use_app, Layout};
use super::opening::{FilePicker, FolderPicker};
use super::pane::Tool;
use crate::viewer::format::format_value;
use crate::viewer::presets::{preset_showing, WindowPreset};

#[component]
fn ToolButton(tool: Tool) -> impl IntoView {
    let app = use_app();
    let pressed = move || app.tool.get() == tool;
    view! {
        <button
            type="button"
            class="tool"
            class:on=pressed
            aria-pressed=move || pressed().to_string()
            title=format!("{} ({})", tool.label(), tool.shortcut())
            on:click=move |_| app.tool.set(tool)
        >
            {tool.label()}
        </button>
    }
}

#[component]
fn LayoutButton(layout: Layout, label: &'static str) -> impl IntoView {
    let app = use_app();
    let pressed = move || app.layout.get() == layout;
    view! {
        <button
            type="button"
            class:on=pressed
            aria-pressed=move || pressed().to_string()
            aria-label=format!("Layout {label}")
            on:click=move |_| {
                app.layout.set(layout);
                if app.active.get_untracked() >= layout.panes() {
                    app.active.set(0);
                }
            }
        >
            {label}
        </button>
    }
}

#[component]
fn Presets() -> impl IntoView {
    let app = use_app();
    // Filled when the user opens the list or a window is set, not on every drawn slice (the
    // "Full range" preset scans the frame's values): scrolling stays free of this work.
    let presets = RwSignal::new(Vec::<WindowPreset>::new());
    // The image the list was made for: (viewport, display set, frame).
    let made_for = StoredValue::new(None::<(usize, Option<String>, u32)>);
    let image = move || {
        let index = app.active.get_untracked().min(3);
        let pane = app.panes[index];
        (index, pane.display_set.get_untracked(), pane.frame.get_untracked())
    };
    let refresh = move || {
        presets.set(actions::presets(app));
        made_for.set_value(Some(image()));
    };
    let window = move || app.panes[app.active.get().min(3)].window.get();
    // A window chosen by a number key (or dragged) is named from the list for this image.
    Effect::new(move |_| {
        if window().is_some() && made_for.get_value() != Some(image()) {
            refresh();
        }
    });
    // The option on show: "file", a preset's label, or "custom" (a window no preset has).
    let current = Memo::new(move |_| match window() {
        None => "file".to_string(),
        Some(w) => presets
            .with(|list| preset_showing(list, w).and_then(|i| list.get(i)).map(WindowPreset::label))
            .unwrap_or_else(|| "custom".to_string()),
    });
    let custom = move || {
        let (center, width) = window().filter(|_| current.get() == "custom")?;
        Some(view! {
            <option value="custom" disabled prop:selected=true>
                {format!("Custom: W {} L {}", format_value(width), format_value(center))}
            </option>
        })
    };
    view! {
        <label class="select">
            <span>"Window"</span>
            <select
                aria-label="Window preset"
                on:focus=move |_| refresh()
                on:pointerdown=move |_| refresh()
                on:change=move |ev| {
                    let value = event_target_value(&ev);
                    if let Some(preset) = actions::presets(app).into_iter().find(|p| p.label() == value) {
                        actions::apply(app, &preset);
                    } else if value == "file" {
                        app.active_pane().window.set(None);
                    }
                }
            >
                <option value="file" prop:selected=move || current.get() == "file">"File default"</option>
                {move || presets.get().into_iter().enumerate().map(|(i, preset)| {
                    let label = preset.label();
                    let value = label.clone();
                    view! {
                        <option value=label.clone() prop:selected=move || current.get() == value>
                            {format!("{} · {label}", i + 1)}
                        </option>
                    }
                }).collect_view()}
                {custom}
            </select>
        </label>
    }
}

#[component]
fn Cine() -> impl IntoView {
    let app = use_app();
    let pane = move || app.panes[app.active.get().min(3)];
    view! {
        <button
            type="button"
            aria-pressed=move || pane().cine.get().to_string()
            title="Play / pause cine (Space)"
            on:click=move |_| pane().cine.update(|v| *v = !*v)
        >
            {move || if pane().cine.get() { "Pause" } else { "Play" }}
        </button>
        <label class="select">
            <span>"fps"</span>
            <input
                type="number"
                min="1"
                max="60"
                aria-label="Cine frames per second"
                prop:value=move || pane().fps.get().to_string()
                on:change=move |ev| {
                    if let Ok(fps) = event_target_value(&ev).parse::<f64>() {
                        pane().fps.set(fps.clamp(1.0, 60.0));
                    }
                }
            />
        </label>
    }
}

#[component]
pub fn Toolbar() -> impl IntoView {
    let app = use_app();
    let active = move || app.panes[app.active.get().min(3)];
    view! {
        <header class="toolbar" role="toolbar" aria-label="Viewer tools">
            <h1>"DICOM Viewer"</h1>
            <div class="group" role="group" aria-label="Open">
                <button type="button" data-testid="open-datasets" title="The public datasets, local files and samples"
                    on:click=move |_| {
                        app.browse.set(None);
                        let showing = app.archive.get_untracked() == Some(ArchiveView::Start);
                        app.archive.set((!showing).then_some(ArchiveView::Start));
                    }>"Datasets"</button>
                <FilePicker />
                <FolderPicker />
                <button type="button" data-testid="open-study-browser" title="Search the studies of a DICOMweb server"
                    aria-pressed=move || app.browse.get().is_some().to_string()
                    on:click=move |_| {
                        app.archive.set(None);
                        if app.browse.get_untracked().is_some() {
                            app.browse.set(None);
                        } else {
                            let first = app.dicomweb.with_value(|d| d.sources.preferred());
                            app.browse.set(Some(first.unwrap_or_default()));
                        }
                    }>"Studies"</button>
            </div>
            <div class="group" role="group" aria-label="Layout">
                <LayoutButton layout=Layout::One label="1×1" />
                <LayoutButton layout=Layout::OneByTwo label="1×2" />
                <LayoutButton layout=Layout::TwoByTwo label="2×2" />
            </div>
            <div class="group" role="group" aria-label="Tools">
                {Tool::ALL.into_iter().map(|tool| view! { <ToolButton tool=tool /> }).collect_view()}
            </div>
            <div class="group" role="group" aria-label="View">
                <Presets />
                <button type="button" title="Invert (i)"
                    aria-pressed=move || active().invert.get().to_string()
                    on:click=move |_| active().invert.update(|v| *v = !*v)>"Invert"</button>
                <button type="button" data-testid="toggle-overlays" title="Show or hide overlay planes (o)"
                    aria-pressed=move || active().overlays.get().to_string()
                    on:click=move |_| active().overlays.update(|v| *v = !*v)>"Overlays"</button>
                <button type="button" title="Rotate 90° clockwise (r)" on:click=move |_| { actions::rotate(app, true); }>"Rotate"</button>
                <button type="button" title="Flip horizontally (h)" on:click=move |_| { actions::flip(app, true); }>"Flip H"</button>
                <button type="button" title="Flip vertically (v)" on:click=move |_| { actions::flip(app, false); }>"Flip V"</button>
                <button type="button" title="Zoom in (+)" aria-label="Zoom in" on:click=move |_| { actions::zoom(app, 1.25); }>"+"</button>
                <button type="button" title="Zoom out (−)" aria-label="Zoom out" on:click=move |_| { actions::zoom(app, 0.8); }>"−"</button>
                <button type="button" title="Fit and reset (f)" on:click=move |_| { actions::reset_view(app); }>"Reset"</button>
            </div>
            <div class="group" role="group" aria-label="Cine">
                <Cine />
            </div>
            <div class="group" role="group" aria-label="More">
                <button type="button" title="Export the view as PNG (x)" on:click=move |_| { actions::export_png(app); }>"Export PNG"</button>
                <button type="button" id=actions::TAGS_TOGGLE_ID title="Tag browser (t)"
                    aria-pressed=move || app.show_tags.get().to_string()
                    on:click=move |_| app.show_tags.update(|v| *v = !*v)>"Tags"</button>
                <button type="button" title="Keyboard shortcuts (?)" on:click=move |_| app.show_help.set(true)>"Help"</button>
            </div>
        </header>
    }
}
