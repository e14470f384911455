//! The top bar (`data-testid="topbar"`): logo and name, the active viewport's study, and the
//! tool bar of icon buttons in groups (navigate, window, measure, view, layout, more). Menus follow
//! the WAI-ARIA "menu button" pattern (crate::viewer::shell::menu_focus_target): the button has
//! aria-haspopup/aria-expanded, arrows move between items, Escape closes and returns focus. The
//! menus stay in the document while closed (`hidden`), so their items keep their test ids.
//! On a phone the tools move to the bottom bar and its "more" sheet (src/web/panels/sheets.rs).

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::actions;
use super::archives::ArchiveView;
use super::context::{use_app, AppContext, Layout};
use super::i18n::{lang, tr, trf, LanguageSelect};
use super::icons::{Icon, IconName};
use super::opening::{FilePicker, FolderPicker};
use super::pane::Tool;
use super::theme::ThemeSelect;
use crate::viewer::format::format_value;
use crate::viewer::presets::{preset_showing, WindowPreset};
use crate::viewer::shell::{menu_focus_target, study_context, SidePanelTab, StudyContext};

/// Which menu is open (its name), page-wide: one at a time.
#[derive(Clone, Copy)]
pub struct OpenMenu(pub RwSignal<Option<&'static str>>);

pub fn use_open_menu() -> RwSignal<Option<&'static str>> {
    use_context::<OpenMenu>().map(|m| m.0).unwrap_or_else(|| RwSignal::new(None))
}

fn document() -> Option<web_sys::Document> {
    web_sys::window().and_then(|w| w.document())
}

fn html_element(id: &str) -> Option<web_sys::HtmlElement> {
    document()?.get_element_by_id(id)?.dyn_into::<web_sys::HtmlElement>().ok()
}

/// Moves focus to the element with `data-testid=testid` (after the next frame is drawn, so an
/// element that is just appearing can take it).
pub fn focus_by_testid(testid: &'static str) {
    focus_selector(format!("[data-testid=\"{testid}\"]"));
}

/// Moves focus to the first element matching `selector`, after the next frame is drawn.
pub fn focus_selector(selector: String) {
    request_animation_frame(move || {
        let element = document()
            .and_then(|d| d.query_selector(&selector).ok().flatten())
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(element) = element {
            let _ = element.focus();
        }
    });
}

/// The enabled items of the menu `name`, in order.
fn menu_items(name: &str) -> Vec<web_sys::HtmlElement> {
    let Some(list) = document().and_then(|d| d.get_element_by_id(&format!("menu-{name}-list"))) else {
        return Vec::new();
    };
    let Ok(nodes) = list.query_selector_all("[role^=\"menuitem\"]:not([disabled])") else { return Vec::new() };
    (0..nodes.length()).filter_map(|i| nodes.item(i)?.dyn_into::<web_sys::HtmlElement>().ok()).collect()
}

fn focus_item(name: &'static str, index: Option<usize>) {
    let items = menu_items(name);
    let target = index.map_or(0, |i| i.min(items.len().saturating_sub(1)));
    if let Some(item) = items.get(target) {
        let _ = item.focus();
    }
}

/// Opens the menu `name` and, after it is drawn, focuses its first (or last) item.
fn open_menu(open: RwSignal<Option<&'static str>>, name: &'static str, last: bool) {
    open.set(Some(name));
    let focus = move || {
        let count = menu_items(name).len();
        focus_item(name, Some(if last { count.saturating_sub(1) } else { 0 }));
    };
    request_animation_frame(focus);
}

/// Closes the open menu; with `refocus`, focus goes back to its button.
fn close_menu(open: RwSignal<Option<&'static str>>, refocus: bool) {
    if let Some(name) = open.get_untracked() {
        open.set(None);
        if refocus {
            if let Some(button) = html_element(&format!("menu-{name}")) {
                let _ = button.focus();
            }
        }
    }
}

/// Closes the open menu when the pointer goes down outside it (call once).
pub fn install_menu_closing(open: RwSignal<Option<&'static str>>) {
    let handle = window_event_listener(leptos::ev::pointerdown, move |ev: web_sys::PointerEvent| {
        let Some(name) = open.get_untracked() else { return };
        let inside = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest(&format!("[data-menu=\"{name}\"]")).ok().flatten())
            .is_some();
        if !inside {
            open.set(None);
        }
    });
    let _ = handle;
}

/// "Name (key)": a control's tooltip.
pub fn with_shortcut(name: &str, shortcut: &str) -> String {
    trf("viewer.tooltip", &[("name", name), ("key", shortcut)])
}

/// A menu button (`data-testid="menu-<name>"`) and its menu (`role="menu"`, hidden while
/// closed). `extra` is shown under the menu items (form controls that are not menu items).
#[component]
pub fn MenuButton(
    name: &'static str,
    icon: IconName,
    /// The button's accessible name (also its tooltip, with `shortcut`).
    label: Signal<String>,
    #[prop(optional)] shortcut: Option<&'static str>,
    #[prop(optional)] chevron: bool,
    #[prop(optional)] align_end: bool,
    #[prop(optional, into)] extra: ViewFn,
    children: Children,
) -> impl IntoView {
    let open = use_open_menu();
    let expanded = move || open.get() == Some(name);
    let title = move || match shortcut {
        Some(key) => with_shortcut(&label.get(), key),
        None => label.get(),
    };
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let key = ev.key();
        if key == "Escape" || key == "Tab" {
            if key == "Escape" {
                ev.prevent_default();
                ev.stop_propagation();
            }
            close_menu(open, key == "Escape");
            return;
        }
        let items = menu_items(name);
        let active = document().and_then(|d| d.active_element());
        let current = active.and_then(|a| {
            let a: &wasm_bindgen::JsValue = a.as_ref();
            items.iter().position(|i| AsRef::<wasm_bindgen::JsValue>::as_ref(i) == a)
        });
        if current.is_none() {
            // In a form control under the menu: its own keys.
            return;
        }
        if let Some(next) = menu_focus_target(&key, current, items.len()) {
            ev.prevent_default();
            ev.stop_propagation();
            if let Some(item) = items.get(next) {
                let _ = item.focus();
            }
        }
    };
    // Choosing an item closes the menu, focus back on the button.
    let on_click = move |ev: web_sys::MouseEvent| {
        let item = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("[role^=\"menuitem\"]").ok().flatten());
        if item.is_some() {
            close_menu(open, true);
        }
    };
    view! {
        <div class="menu-wrap" data-menu=name on:keydown=on_key>
            <button type="button" class="icon-button" class:has-chevron=chevron
                id=format!("menu-{name}") data-testid=format!("menu-{name}")
                aria-haspopup="menu" aria-controls=format!("menu-{name}-list")
                aria-expanded=move || expanded().to_string()
                aria-label=move || label.get() title=title
                on:click=move |_| if expanded() { close_menu(open, false) } else { open_menu(open, name, false) }
                on:keydown=move |ev: web_sys::KeyboardEvent| match ev.key().as_str() {
                    "ArrowDown" | "Enter" | " " if !expanded() => { ev.prevent_default(); open_menu(open, name, false); }
                    "ArrowUp" if !expanded() => { ev.prevent_default(); open_menu(open, name, true); }
                    _ => {}
                }>
                <Icon name=icon />
                {chevron.then(|| view! { <span class="chevron"><Icon name=IconName::ChevronDown /></span> })}
            </button>
            <div class="menu-popup" class:end=align_end hidden=move || !expanded()>
                <div class="menu" role="menu" id=format!("menu-{name}-list") aria-label=move || label.get()
                    on:click=on_click>
                    {children()}
                </div>
                {extra.run()}
            </div>
        </div>
    }
}

/// A plain icon button: `aria-label` names it, the tooltip adds its shortcut.
#[component]
pub fn IconButton(
    icon: IconName,
    label: Signal<String>,
    #[prop(optional)] shortcut: Option<&'static str>,
    #[prop(optional)] testid: Option<&'static str>,
    #[prop(optional)] id: Option<&'static str>,
    #[prop(optional)] pressed: Option<Signal<bool>>,
    #[prop(optional)] expanded: Option<Signal<bool>>,
    on_click: impl Fn() + 'static,
) -> impl IntoView {
    let title = move || match shortcut {
        Some(key) => with_shortcut(&label.get(), key),
        None => label.get(),
    };
    view! {
        <button type="button" class="icon-button" data-testid=testid id=id
            aria-label=move || label.get() title=title aria-keyshortcuts=shortcut
            class:on=move || pressed.is_some_and(|p| p.get())
            aria-pressed=move || pressed.map(|p| p.get().to_string())
            aria-expanded=move || expanded.map(|e| e.get().to_string())
            on:click=move |_| on_click()>
            <Icon name=icon />
        </button>
    }
}

/// A menu item with an icon and, at the end, its shortcut.
#[component]
pub fn MenuItem(
    icon: IconName,
    label: Signal<String>,
    #[prop(optional)] shortcut: Option<&'static str>,
    #[prop(optional)] testid: Option<&'static str>,
    /// Some: a radio item, checked when true.
    #[prop(optional)]
    checked: Option<Signal<bool>>,
    #[prop(optional, into)] aria_label: Option<Signal<String>>,
    on_click: impl Fn() + 'static,
) -> impl IntoView {
    let role = if checked.is_some() { "menuitemradio" } else { "menuitem" };
    view! {
        <button type="button" role=role tabindex="-1" class="menu-item" data-testid=testid
            aria-checked=move || checked.map(|c| c.get().to_string())
            aria-label=move || aria_label.map(|l| l.get())
            aria-keyshortcuts=shortcut
            title=move || shortcut.map(|key| with_shortcut(&label.get(), key))
            on:click=move |_| on_click()>
            <Icon name=icon />
            <span class="menu-label">{move || label.get()}</span>
            {shortcut.map(|key| view! { <kbd class="menu-key">{key}</kbd> })}
        </button>
    }
}

fn label(key: &'static str) -> Signal<String> {
    Signal::derive(move || tr(key).to_string())
}

fn tool_label(tool: Tool) -> Signal<String> {
    Signal::derive(move || tool.label().to_string())
}

#[component]
pub fn ToolButton(tool: Tool) -> impl IntoView {
    let app = use_app();
    view! {
        <IconButton icon=tool.icon() label=tool_label(tool) shortcut=tool.shortcut()
            testid=tool_testid(tool) pressed=Signal::derive(move || app.tool.get() == tool)
            on_click=move || app.tool.set(tool) />
    }
}

/// `tool-<name>` as a static string (test ids are attributes of static text).
pub fn tool_testid(tool: Tool) -> &'static str {
    match tool {
        Tool::WindowLevel => "tool-window-level",
        Tool::Pan => "tool-pan",
        Tool::Zoom => "tool-zoom",
        Tool::Scroll => "tool-scroll",
        Tool::Probe => "tool-probe",
        Tool::Length => "tool-length",
        Tool::Angle => "tool-angle",
        Tool::Rectangle => "tool-rectangle",
        Tool::Ellipse => "tool-ellipse",
    }
}

/// The measuring tools: one button with the current one (`tool-measure`, `data-tool`) and a
/// menu (`menu-measure`) with all of them.
#[component]
fn MeasureSplit() -> impl IntoView {
    let app = use_app();
    let last = RwSignal::new(Tool::Length);
    Effect::new(move |_| {
        let tool = app.tool.get();
        if tool.is_measure() {
            last.set(tool);
        }
    });
    let current = move || last.get();
    let main_label = Signal::derive(move || current().label().to_string());
    let title = move || with_shortcut(current().label(), current().shortcut());
    view! {
        <div class="split">
            <button type="button" class="icon-button split-main" data-testid="tool-measure"
                data-tool=move || current().name()
                aria-label=move || main_label.get() title=title
                class:on=move || app.tool.get().is_measure()
                aria-pressed=move || app.tool.get().is_measure().to_string()
                on:click=move |_| app.tool.set(current())>
                {move || view! { <Icon name=current().icon() /> }}
            </button>
            <MenuButton name="measure" icon=IconName::ChevronDown label=label("viewer.menu.measure")>
                {Tool::MEASURE.into_iter().map(|tool| view! {
                    <MenuItem icon=tool.icon() label=tool_label(tool) shortcut=tool.shortcut()
                        testid=tool_testid(tool) checked=Signal::derive(move || app.tool.get() == tool)
                        on_click=move || app.tool.set(tool) />
                }).collect_view()}
            </MenuButton>
        </div>
    }
}

#[component]
pub fn Presets() -> impl IntoView {
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
                {trf("viewer.preset.custom", &[("width", &format_value(width)), ("center", &format_value(center))])}
            </option>
        })
    };
    view! {
        <label class="select preset-select" title=move || tr("viewer.preset.label")>
            <Icon name=IconName::Presets />
            <select
                aria-label=move || tr("viewer.preset.label")
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
                <option value="file" prop:selected=move || current.get() == "file">{move || tr("viewer.preset.file")}</option>
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

/// The frame rate of cine for the active viewport.
#[component]
pub fn CineRate() -> impl IntoView {
    let app = use_app();
    let pane = move || app.panes[app.active.get().min(3)];
    view! {
        <label class="select">
            <span>{move || tr("viewer.cine.fps")}</span>
            <input type="number" min="1" max="60"
                aria-label=move || tr("viewer.cine.fps_label")
                prop:value=move || pane().fps.get().to_string()
                on:change=move |ev| {
                    if let Ok(fps) = event_target_value(&ev).parse::<f64>() {
                        pane().fps.set(fps.clamp(1.0, 60.0));
                    }
                } />
        </label>
    }
}

pub fn layout_icon(layout: Layout) -> IconName {
    match layout {
        Layout::One => IconName::Layout1x1,
        Layout::OneByTwo | Layout::Comparison => IconName::Layout1x2,
        Layout::TwoByTwo => IconName::Layout2x2,
        Layout::Mpr => IconName::Layout1x3,
        Layout::Mpr3d => IconName::Volume3d,
    }
}

/// The layout's name in the menu (tracked: call inside a reactive closure).
pub fn layout_name(layout: Layout) -> &'static str {
    match layout {
        Layout::One => "1×1",
        Layout::OneByTwo => "1×2",
        Layout::TwoByTwo => "2×2",
        Layout::Mpr => tr("viewer.layout.mpr"),
        Layout::Mpr3d => tr("viewer.layout.mpr_3d"),
        Layout::Comparison => tr("viewer.layout.comparison"),
    }
}

/// Switches to `layout`. The volume layouts show the active viewport's series in every
/// viewport (planes, 3-D); leaving them returns each viewport to its acquired frames.
pub fn set_layout(app: AppContext, layout: Layout) {
    let active = app.active_pane();
    let shown = active.display_set.get_untracked();
    for (index, pane) in app.panes.iter().enumerate() {
        let view = layout.view(index);
        let volume_view = view != super::context::PaneView::Stack;
        if volume_view && index < layout.panes() {
            if let Some(key) = &shown {
                if pane.display_set.get_untracked().as_ref() != Some(key) {
                    pane.display_set.set(Some(key.clone()));
                }
            }
        }
        if pane.view.get_untracked() != view {
            pane.view.set(view);
        }
    }
    if matches!(layout, Layout::Mpr | Layout::Mpr3d) {
        app.mpr.update(|m| {
            if m.display_set != shown {
                *m = crate::volume::mpr::MprState { display_set: shown.clone(), ..Default::default() };
            }
        });
        app.view3d.update(|v| v.display_set = shown.clone());
    }
    app.layout.set(layout);
    if app.active.get_untracked() >= layout.panes() {
        app.active.set(0);
    }
}

/// The layout menu (`menu-layout`): its items keep the old buttons' names ("Layout 2×2").
#[component]
pub fn LayoutMenu() -> impl IntoView {
    let app = use_app();
    view! {
        <MenuButton name="layout" icon=IconName::Layout2x2 label=label("viewer.menu.layout") chevron=true>
            {Layout::ALL.into_iter().map(|layout| {
                view! {
                    <MenuItem icon=layout_icon(layout) label=Signal::derive(move || layout_name(layout).to_string()) testid=layout.testid()
                        aria_label=Signal::derive(move || trf("viewer.layout.item", &[("layout", layout_name(layout))]))
                        checked=Signal::derive(move || app.layout.get() == layout)
                        on_click=move || set_layout(app, layout) />
                }
            }).collect_view()}
        </MenuButton>
    }
}

/// Rotate, flip and zoom steps (`menu-view`).
#[component]
pub fn ViewMenu() -> impl IntoView {
    let app = use_app();
    view! {
        <MenuButton name="view" icon=IconName::Rotate label=label("viewer.menu.view") chevron=true>
            <MenuItem icon=IconName::Rotate label=label("viewer.view.rotate_cw") shortcut="r"
                on_click=move || { actions::rotate(app, true); } />
            <MenuItem icon=IconName::Rotate label=label("viewer.view.rotate_ccw") shortcut="Shift+r"
                on_click=move || { actions::rotate(app, false); } />
            <MenuItem icon=IconName::FlipH label=label("viewer.view.flip_h") shortcut="h"
                on_click=move || { actions::flip(app, true); } />
            <MenuItem icon=IconName::FlipV label=label("viewer.view.flip_v") shortcut="v"
                on_click=move || { actions::flip(app, false); } />
            <MenuItem icon=IconName::Zoom label=label("viewer.view.zoom_in") shortcut="+"
                on_click=move || { actions::zoom(app, 1.25); } />
            <MenuItem icon=IconName::Zoom label=label("viewer.view.zoom_out") shortcut="−"
                on_click=move || { actions::zoom(app, 0.8); } />
        </MenuButton>
    }
}

pub fn toggle_datasets(app: AppContext) {
    app.browse.set(None);
    let showing = app.archive.get_untracked() == Some(ArchiveView::Start);
    app.archive.set((!showing).then_some(ArchiveView::Start));
}

pub fn toggle_studies(app: AppContext) {
    app.archive.set(None);
    if app.browse.get_untracked().is_some() {
        app.browse.set(None);
    } else {
        let first = app.dicomweb.with_value(|d| d.sources.preferred());
        app.browse.set(Some(first.unwrap_or_default()));
    }
}

/// The "more" menu (`menu-more`): export, data sources and settings.
#[component]
fn MoreMenu() -> impl IntoView {
    let app = use_app();
    let viewer = app.viewer_shown;
    view! {
        <MenuButton name="more" icon=IconName::More label=label("viewer.menu.more") align_end=true
            extra=move || view! {
                <div class="menu-settings" role="group" aria-label=move || tr("viewer.menu.settings")>
                    <div class="menu-row"><FolderPicker /></div>
                    <Show when=move || viewer.get()>
                        <div class="menu-row"><CineRate /></div>
                    </Show>
                    // Beside the logo on a wide start page; here otherwise.
                    <Show when=move || viewer.get() || app.phone.get()>
                        <div class="menu-row"><LanguageSelect /><ThemeSelect /></div>
                    </Show>
                </div>
            }>
            <Show when=move || viewer.get()>
                <MenuItem icon=IconName::Export label=label("viewer.action.export") shortcut="x" testid="export-png"
                    on_click=move || { actions::export_png(app); } />
            </Show>
            <MenuItem icon=IconName::Help label=label("viewer.action.help") shortcut="?"
                on_click=move || app.show_help.set(true) />
            <MenuItem icon=IconName::Datasets label=label("viewer.action.datasets") testid="open-datasets"
                on_click=move || toggle_datasets(app) />
            <MenuItem icon=IconName::Studies label=label("viewer.action.studies") testid="open-study-browser"
                on_click=move || toggle_studies(app) />
        </MenuButton>
    }
}

/// The active viewport's study: patient, date (in the interface language), description.
fn active_study(app: AppContext) -> Option<StudyContext> {
    let pane = app.panes[app.active.get().min(3)];
    let key = pane.display_set.get()?;
    app.session.with_value(|s| s.signals.library_revision).track();
    let session = app.session();
    let library = session.library.borrow();
    let source = library.display_set(&key).and_then(|set| set.frames.first().map(|f| f.source))?;
    let meta = library.instance(source)?;
    Some(study_context(lang(), &meta.patient_name, &meta.study_date, &meta.study_description))
}

#[component]
fn StudyContextView() -> impl IntoView {
    let app = use_app();
    let context = Memo::new(move |_| active_study(app));
    view! {
        {move || context.get().map(|c| {
            let full = [c.patient.as_str(), c.date.as_str(), c.description.as_str()]
                .into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" · ");
            view! {
                <div class="study-context" data-testid="study-context" title=full>
                    <span class="patient">{c.patient.clone()}</span>
                    <span class="date">{c.date.clone()}</span>
                    <span class="description">{c.description.clone()}</span>
                </div>
            }
        })}
    }
}

#[component]
pub fn Toolbar() -> impl IntoView {
    let app = use_app();
    let active = move || app.panes[app.active.get().min(3)];
    let viewer = app.viewer_shown;
    let desktop_tools = move || viewer.get() && !app.phone.get();
    let series_open = Signal::derive(move || app.series_open.get());
    let side_open = Signal::derive(move || app.side_view().is_some());
    view! {
        <header class="topbar toolbar" data-testid="topbar">
            <Show when=move || viewer.get()>
                <IconButton icon=IconName::SeriesPanel label=label("viewer.panel.series_toggle")
                    testid="toggle-series-panel" expanded=series_open
                    on_click=move || app.series_open.update(|v| *v = !*v) />
            </Show>
            <div class="brand">
                <Icon name=IconName::Logo />
                <h1>{move || tr("app.name")}</h1>
            </div>
            <Show when=move || viewer.get()>
                <StudyContextView />
            </Show>
            <Show when=desktop_tools>
                <div class="tools" role="toolbar" aria-label=move || tr("viewer.toolbar")>
                    <div class="group" role="group" aria-label=move || tr("viewer.group.navigate")>
                        <ToolButton tool=Tool::Scroll />
                        <ToolButton tool=Tool::Pan />
                        <ToolButton tool=Tool::Zoom />
                    </div>
                    <div class="group" role="group" aria-label=move || tr("viewer.group.window")>
                        <ToolButton tool=Tool::WindowLevel />
                        <Presets />
                        <IconButton icon=IconName::Invert label=label("viewer.action.invert") shortcut="i"
                            testid="toggle-invert" pressed=Signal::derive(move || active().invert.get())
                            on_click=move || active().invert.update(|v| *v = !*v) />
                        <IconButton icon=IconName::Overlays label=label("viewer.action.overlays") shortcut="o"
                            testid="toggle-overlays" pressed=Signal::derive(move || active().overlays.get())
                            on_click=move || active().overlays.update(|v| *v = !*v) />
                    </div>
                    <div class="group" role="group" aria-label=move || tr("viewer.group.measure")>
                        <MeasureSplit />
                    </div>
                    <div class="group" role="group" aria-label=move || tr("viewer.group.view")>
                        <ViewMenu />
                        <IconButton icon=IconName::Reset label=label("viewer.action.reset") shortcut="f"
                            testid="reset-view" on_click=move || { actions::reset_view(app); } />
                        <CineButton />
                        <super::link::LinkButton />
                        <LayoutMenu />
                    </div>
                </div>
            </Show>
            <div class="topbar-end">
                <div class="open-files"><FilePicker /></div>
                <Show when=move || !viewer.get() && !app.phone.get()>
                    <LanguageSelect />
                    <ThemeSelect />
                </Show>
                <Show when=move || viewer.get()>
                    <IconButton icon=IconName::Tags label=label("viewer.action.tags") shortcut="t"
                        id=actions::TAGS_TOGGLE_ID pressed=Signal::derive(move || app.show_tags.get())
                        on_click=move || {
                            if app.show_tags.get_untracked() { app.close_side() } else { app.open_side(SidePanelTab::Tags) }
                        } />
                    <IconButton icon=IconName::SidePanel label=label("viewer.panel.side_toggle")
                        testid="toggle-side-panel" expanded=side_open
                        on_click=move || {
                            if app.side_view().is_some() { app.close_side() } else { app.open_side(app.side_tab.get_untracked()) }
                        } />
                </Show>
                <span class="help-button">
                    <IconButton icon=IconName::Help label=label("viewer.action.help") shortcut="?"
                        on_click=move || app.show_help.set(true) />
                </span>
                <Show when=move || !app.phone.get() || !viewer.get()>
                    <MoreMenu />
                </Show>
            </div>
        </header>
    }
}

/// Play / pause cine of the active viewport.
#[component]
pub fn CineButton() -> impl IntoView {
    let app = use_app();
    let pane = move || app.panes[app.active.get().min(3)];
    let playing = Signal::derive(move || pane().cine.get());
    view! {
        <button type="button" class="icon-button" data-testid="toggle-cine"
            aria-pressed=move || playing.get().to_string() class:on=move || playing.get()
            aria-label=move || tr(if playing.get() { "viewer.cine.pause" } else { "viewer.cine.play" })
            title=move || with_shortcut(tr(if playing.get() { "viewer.cine.pause" } else { "viewer.cine.play" }), "Space")
            aria-keyshortcuts="Space"
            on:click=move |_| pane().cine.update(|v| *v = !*v)>
            {move || view! { <Icon name=if playing.get() { IconName::Pause } else { IconName::Play } /> }}
        </button>
    }
}
