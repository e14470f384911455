//! The panels beside the viewports: the series panel on the left (src/web/series_panel.rs,
//! wrapped here so it collapses and, on a phone, opens as a sheet), and on the right the side
//! panel whose tabs come from crate::viewer::shell::SidePanelTab (Measurements, Tags). On a
//! phone both are sheets with a visible close button; the bottom bar and its "more" sheet are in
//! sheets.rs.

mod derived;
mod fusion;
mod gsps;
mod kos;
mod measurements;
mod rtstruct;
mod seg;
pub mod sheets;
mod sr;
mod tags;

use leptos::prelude::*;

use super::actions;
use super::context::{use_app, AppContext};
use super::i18n::tr;
use super::icons::{Icon, IconName};
use super::series_panel::SeriesPanel;
use crate::viewer::shell::{default_panels, is_phone, visible_tabs, SidePanelTab};

const SERIES_KEY: &str = "dicomViewer.seriesPanel";
const SIDE_KEY: &str = "dicomViewer.sidePanel";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// The stored "open"/"closed" of a panel; `default` when nothing is stored.
pub fn stored_open(key: &str, default: bool) -> bool {
    match storage().and_then(|s| s.get_item(key).ok().flatten()).as_deref() {
        Some("open") => true,
        Some("closed") => false,
        _ => default,
    }
}

/// Remembers the panels' state on desktop (a phone starts with both closed, full-screen image).
pub fn remember_panels(app: AppContext) {
    Effect::new(move |_| {
        let (series, side, phone) =
            (app.series_open.get(), app.side_open.get() || app.show_tags.get(), app.phone.get());
        if phone {
            return;
        }
        if let Some(s) = storage() {
            let _ = s.set_item(SERIES_KEY, if series { "open" } else { "closed" });
            let _ = s.set_item(SIDE_KEY, if side { "open" } else { "closed" });
        }
    });
}

/// (series panel open, side panel open) at start for a window `width_px` wide: closed on a
/// phone; else as stored, and when nothing is stored open where the image keeps most of the
/// width (crate::viewer::shell::default_panels).
pub fn initial_panels(width_px: f64) -> (bool, bool) {
    let (series, side) = default_panels(width_px);
    if is_phone(width_px) {
        (false, false)
    } else {
        (stored_open(SERIES_KEY, series), stored_open(SIDE_KEY, side))
    }
}

fn tab_label(tab: SidePanelTab) -> &'static str {
    match tab {
        SidePanelTab::Measurements => tr("panels.tab.measurements"),
        SidePanelTab::Segments => tr("panels.tab.segments"),
        SidePanelTab::Report => tr("panels.tab.report"),
        SidePanelTab::Presentation => tr("panels.tab.presentation"),
        SidePanelTab::Fusion => tr("panels.tab.fusion"),
        SidePanelTab::Tags => tr("panels.tab.tags"),
    }
}

fn tab_testid(tab: SidePanelTab) -> &'static str {
    match tab {
        SidePanelTab::Measurements => "tab-measurements",
        SidePanelTab::Segments => "tab-segments",
        SidePanelTab::Report => "tab-report",
        SidePanelTab::Presentation => "tab-presentation",
        SidePanelTab::Fusion => "tab-fusion",
        SidePanelTab::Tags => "tab-tags",
    }
}

fn tab_icon(tab: SidePanelTab) -> IconName {
    match tab {
        SidePanelTab::Measurements => IconName::Measurements,
        SidePanelTab::Segments => IconName::Segments,
        SidePanelTab::Report => IconName::Report,
        SidePanelTab::Presentation => IconName::Presentation,
        SidePanelTab::Fusion => IconName::Fusion,
        SidePanelTab::Tags => IconName::Tags,
    }
}

/// Closes the side panel; from the Tags tab focus returns to the Tags button, as before.
fn close(app: AppContext) {
    if app.show_tags.get_untracked() {
        actions::close_tags(app);
    } else {
        app.close_side();
        super::toolbar::focus_by_testid("toggle-side-panel");
    }
}

/// The series panel, collapsible; a sheet on a phone.
#[component]
pub fn SeriesDock() -> impl IntoView {
    let app = use_app();
    view! {
        <aside class="series-dock" class:collapsed=move || !app.series_open.get()
            aria-labelledby="series-dock-title"
            on:keydown=move |ev: web_sys::KeyboardEvent| {
                if ev.key() == "Escape" && app.phone.get_untracked() {
                    ev.prevent_default();
                    ev.stop_propagation();
                    app.series_open.set(false);
                    super::toolbar::focus_by_testid("toggle-series-panel");
                }
            }>
            <div class="panel-head">
                <h2 id="series-dock-title">{move || tr("panels.series.title")}</h2>
                <button type="button" class="icon-button" data-testid="sheet-close"
                    aria-label=move || tr("panels.close") title=move || tr("panels.close")
                    on:click=move |_| {
                        app.series_open.set(false);
                        super::toolbar::focus_by_testid("toggle-series-panel");
                    }>
                    <Icon name=IconName::Close />
                </button>
            </div>
            // On a phone, choosing a series closes the sheet so the image shows.
            <div class="series-dock-body" on:click=move |ev: web_sys::MouseEvent| {
                let chose = ev.target()
                    .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
                    .and_then(|e| e.closest("[data-display-set]").ok().flatten())
                    .is_some();
                if chose && app.phone.get_untracked() {
                    app.series_open.set(false);
                }
            }>
                <SeriesPanel />
            </div>
        </aside>
    }
}

/// The right-hand panel (`data-testid="side-panel"`): a tab list and the chosen tab's content.
#[component]
pub fn SidePanel() -> impl IntoView {
    let app = use_app();
    let view_of = Memo::new(move |_| app.side_view());
    let tabs = Memo::new(move |_| visible_tabs(derived::panel_content(app)));
    view! {
        <Show when=move || view_of.get().is_some()>
            <aside class="side-panel" data-testid="side-panel" aria-label=move || tr("panels.side.label")
                on:keydown=move |ev: web_sys::KeyboardEvent| {
                    if ev.key() == "Escape" {
                        ev.prevent_default();
                        ev.stop_propagation();
                        close(app);
                    }
                }>
                <div class="panel-head">
                    // With more than two tabs only the chosen one shows its name (the others keep
                    // it as their accessible name and tooltip), so the row fits the panel.
                    <div class="tabs" role="tablist" aria-label=move || tr("panels.side.label")
                        class:compact=move || tabs.with(|t| t.len() > 2)>
                        {move || tabs.get().into_iter().map(|tab| {
                            let selected = move || view_of.get() == Some(tab);
                            view! {
                                <button type="button" role="tab" class="tab" data-testid=tab_testid(tab)
                                    title=move || tab_label(tab)
                                    id=format!("tab-{}", tab.name()) aria-controls=format!("tabpanel-{}", tab.name())
                                    aria-selected=move || selected().to_string() class:on=selected
                                    tabindex=move || if selected() { "0" } else { "-1" }
                                    on:click=move |_| app.open_side(tab)
                                    on:keydown=move |ev: web_sys::KeyboardEvent| {
                                        let all = tabs.get_untracked();
                                        let at = all.iter().position(|t| *t == tab).unwrap_or(0);
                                        let next = match ev.key().as_str() {
                                            "ArrowRight" => all.get((at + 1) % all.len().max(1)).copied(),
                                            "ArrowLeft" => all.get((at + all.len().saturating_sub(1)) % all.len().max(1)).copied(),
                                            _ => None,
                                        };
                                        if let Some(next) = next {
                                            ev.prevent_default();
                                            app.open_side(next);
                                            super::toolbar::focus_by_testid(tab_testid(next));
                                        }
                                    }>
                                    <Icon name=tab_icon(tab) />
                                    <span class="tab-label">{move || tab_label(tab)}</span>
                                </button>
                            }
                        }).collect_view()}
                    </div>
                    <button type="button" class="icon-button"
                        data-testid=move || if view_of.get() == Some(SidePanelTab::Tags) { "close-tags" } else { "sheet-close" }
                        aria-label=move || tr("panels.close")
                        title=move || format!("{} (Esc)", tr("panels.close"))
                        on:click=move |_| close(app)>
                        <Icon name=IconName::Close />
                    </button>
                </div>
                <div class="tab-body" role="tabpanel"
                    id=move || format!("tabpanel-{}", view_of.get().map_or("", |t| t.name()))
                    aria-labelledby=move || format!("tab-{}", view_of.get().map_or("", |t| t.name()))>
                    {move || match view_of.get() {
                        Some(SidePanelTab::Measurements) => view! { <measurements::MeasurementList /> }.into_any(),
                        Some(SidePanelTab::Tags) => view! { <tags::TagPanel /> }.into_any(),
                        Some(tab @ (SidePanelTab::Segments | SidePanelTab::Report | SidePanelTab::Presentation
                            | SidePanelTab::Fusion)) => view! { <derived::DerivedTab tab=tab /> }.into_any(),
                        None => ().into_any(),
                    }}
                </div>
            </aside>
        </Show>
    }
}
