//! The phone layout's bottom bar (`data-testid="bottom-bar"`: scroll, window/level, pan, length
//! and "more") and the "more" sheet (`data-testid="more-sheet"`) with every other tool and action.
//! Shown only at phone widths (crate::viewer::shell::is_phone) while images are on show.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::viewer::shell::SidePanelTab;
use crate::web::actions;
use crate::web::context::{use_app, Layout};
use crate::web::i18n::{tr, LanguageSelect};
use crate::web::icons::{Icon, IconName};
use crate::web::opening::{FilePicker, FolderPicker};
use crate::web::pane::Tool;
use crate::web::theme::ThemeSelect;
use crate::web::toolbar::{
    focus_by_testid, focus_selector, layout_icon, layout_name, set_layout, toggle_datasets, toggle_studies, CineButton,
    CineRate, IconButton, Presets, ToolButton,
};

fn label(key: &'static str) -> Signal<String> {
    Signal::derive(move || tr(key).to_string())
}

/// A labelled button of the sheet (icon and text).
#[component]
fn SheetButton(
    icon: IconName,
    label: Signal<String>,
    #[prop(optional)] testid: Option<&'static str>,
    #[prop(optional, into)] aria_label: Option<Signal<String>>,
    #[prop(optional)] pressed: Option<Signal<bool>>,
    on_click: impl Fn() + 'static,
) -> impl IntoView {
    view! {
        <button type="button" class="sheet-button" data-testid=testid
            aria-label=move || aria_label.map(|l| l.get())
            class:on=move || pressed.is_some_and(|p| p.get())
            aria-pressed=move || pressed.map(|p| p.get().to_string())
            on:click=move |_| on_click()>
            <Icon name=icon />
            <span>{move || label.get()}</span>
        </button>
    }
}

#[component]
pub fn BottomBar() -> impl IntoView {
    let app = use_app();
    let open = RwSignal::new(false);
    let active = move || app.panes[app.active.get().min(3)];
    let close = move || {
        open.set(false);
        focus_by_testid("more-button");
    };
    // Pressing a button in the sheet (not a form control) closes it.
    let on_sheet_click = move |ev: web_sys::MouseEvent| {
        let button = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("button").ok().flatten());
        if button.is_some() {
            open.set(false);
        }
    };
    view! {
        <nav class="bottom-bar" data-testid="bottom-bar" aria-label=move || tr("viewer.bottom.label")>
            <ToolButton tool=Tool::Scroll />
            <ToolButton tool=Tool::WindowLevel />
            <ToolButton tool=Tool::Pan />
            <ToolButton tool=Tool::Length />
            <IconButton icon=IconName::More label=label("viewer.menu.more") testid="more-button"
                expanded=Signal::derive(move || open.get()) on_click=move || {
                    let opening = !open.get_untracked();
                    open.set(opening);
                    // Focus moves into the sheet, so Escape and Tab work there.
                    if opening {
                        focus_selector(".more-sheet [data-testid=\"sheet-close\"]".to_string());
                    }
                } />
        </nav>
        <Show when=move || open.get()>
            <div class="sheet-backdrop" on:click=move |_| open.set(false)></div>
            <section class="sheet more-sheet" data-testid="more-sheet" role="dialog"
                aria-labelledby="more-sheet-title"
                on:keydown=move |ev: web_sys::KeyboardEvent| {
                    if ev.key() == "Escape" {
                        ev.prevent_default();
                        ev.stop_propagation();
                        close();
                    }
                }>
                <div class="panel-head">
                    <h2 id="more-sheet-title">{move || tr("viewer.sheet.title")}</h2>
                    <button type="button" class="icon-button" data-testid="sheet-close"
                        aria-label=move || tr("panels.close") title=move || tr("panels.close")
                        on:click=move |_| close()>
                        <Icon name=IconName::Close />
                    </button>
                </div>
                <div class="sheet-body" on:click=on_sheet_click>
                    <h3>{move || tr("viewer.group.tools")}</h3>
                    <div class="sheet-grid">
                        {[Tool::Zoom, Tool::Angle, Tool::Rectangle, Tool::Ellipse, Tool::Probe].into_iter().map(|tool| view! {
                            <SheetButton icon=tool.icon() label=Signal::derive(move || tool.label().to_string())
                                testid=crate::web::toolbar::tool_testid(tool)
                                pressed=Signal::derive(move || app.tool.get() == tool)
                                on_click=move || app.tool.set(tool) />
                        }).collect_view()}
                    </div>
                    <h3>{move || tr("viewer.group.window")}</h3>
                    <div class="sheet-grid">
                        <div class="sheet-wide"><Presets /></div>
                        <SheetButton icon=IconName::Invert label=label("viewer.action.invert") testid="toggle-invert"
                            pressed=Signal::derive(move || active().invert.get())
                            on_click=move || active().invert.update(|v| *v = !*v) />
                        <SheetButton icon=IconName::Overlays label=label("viewer.action.overlays") testid="toggle-overlays"
                            pressed=Signal::derive(move || active().overlays.get())
                            on_click=move || active().overlays.update(|v| *v = !*v) />
                    </div>
                    <h3>{move || tr("viewer.group.view")}</h3>
                    <div class="sheet-grid">
                        <SheetButton icon=IconName::Rotate label=label("viewer.view.rotate_cw") on_click=move || { actions::rotate(app, true); } />
                        <SheetButton icon=IconName::FlipH label=label("viewer.view.flip_h") on_click=move || { actions::flip(app, true); } />
                        <SheetButton icon=IconName::FlipV label=label("viewer.view.flip_v") on_click=move || { actions::flip(app, false); } />
                        <SheetButton icon=IconName::Reset label=label("viewer.action.reset") testid="reset-view" on_click=move || { actions::reset_view(app); } />
                        {[Layout::One, Layout::OneByTwo, Layout::TwoByTwo, Layout::Mpr].into_iter().map(|layout| {
                            let name = layout_name(layout);
                            view! {
                                <SheetButton icon=layout_icon(layout) label=Signal::derive(move || name.to_string()) testid=layout.testid()
                                    aria_label=Signal::derive(move || crate::web::i18n::trf("viewer.layout.item", &[("layout", name)]))
                                    pressed=Signal::derive(move || app.layout.get() == layout)
                                    on_click=move || set_layout(app, layout) />
                            }
                        }).collect_view()}
                        <div class="sheet-wide sheet-cine"><CineButton /><CineRate /></div>
                    </div>
                    <h3>{move || tr("viewer.group.panels")}</h3>
                    <div class="sheet-grid">
                        <SheetButton icon=IconName::SeriesPanel label=label("panels.series.title")
                            on_click=move || app.series_open.set(true) />
                        <SheetButton icon=IconName::Measurements label=label("panels.tab.measurements")
                            on_click=move || app.open_side(SidePanelTab::Measurements) />
                        <SheetButton icon=IconName::Export label=label("viewer.action.export") testid="export-png"
                            on_click=move || { actions::export_png(app); } />
                        <SheetButton icon=IconName::Help label=label("viewer.action.help") testid="open-help"
                            on_click=move || app.show_help.set(true) />
                    </div>
                    <h3>{move || tr("viewer.group.open")}</h3>
                    <div class="sheet-grid">
                        <div class="sheet-wide sheet-open">
                            <FilePicker id="sheet-open-files" />
                            <FolderPicker id="sheet-open-folder" />
                        </div>
                        <SheetButton icon=IconName::Datasets label=label("viewer.action.datasets") testid="open-datasets"
                            on_click=move || toggle_datasets(app) />
                        <SheetButton icon=IconName::Studies label=label("viewer.action.studies") testid="open-study-browser"
                            on_click=move || toggle_studies(app) />
                    </div>
                    <h3>{move || tr("viewer.menu.settings")}</h3>
                    <div class="sheet-wide sheet-settings"><LanguageSelect /><ThemeSelect /></div>
                </div>
            </section>
        </Show>
    }
}
