//! The embed layout (`?embed=1`): the viewports filling the frame under one row of tools
//! (scroll, window/level, pan, zoom, length, reset, layout). No start page, series panel or status
//! bar: the host page decides what is opened. The viewports are the viewer's own (same test hooks:
//! data-ready, data-frame, data-first-drawn-at, data-loaded/data-total).
//! Test hooks: `embed` (the root), `embed-toolbar`, `embed-tool` (`data-tool` = the API's tool
//! name, `aria-pressed`), `embed-reset`, `embed-layout` (select), `embed-waiting`.

use leptos::prelude::*;

use super::super::actions;
use super::super::context::{use_app, Layout};
use super::super::i18n::tr;
use super::super::icons::{Icon, IconName};
use super::super::pane::Tool;
use super::super::viewport::PaneSwitch;
use super::dispatch::{layout_of, set_layout, tool_name};
use crate::embed::protocol::LayoutName;

/// The tools offered (names, shortcuts and icons are the viewer's own, `web::pane::Tool`).
const TOOLS: [Tool; 5] = [Tool::Scroll, Tool::WindowLevel, Tool::Pan, Tool::Zoom, Tool::Length];

fn layout_name(layout: Layout) -> LayoutName {
    match layout {
        Layout::One => LayoutName::OneByOne,
        Layout::OneByTwo => LayoutName::OneByTwo,
        Layout::TwoByTwo => LayoutName::TwoByTwo,
        Layout::Mpr => LayoutName::Mpr,
        Layout::Mpr3d => LayoutName::Mpr3d,
        Layout::Comparison => LayoutName::Comparison,
    }
}

#[component]
fn EmbedToolbar() -> impl IntoView {
    let app = use_app();
    view! {
        <div class="embed-toolbar" role="toolbar" data-testid="embed-toolbar"
            aria-label=move || tr("embed.toolbar")>
            {TOOLS.into_iter().map(|tool| {
                let pressed = move || app.tool.get() == tool;
                view! {
                    <button type="button" class="icon-button embed-tool" data-testid="embed-tool"
                        data-tool=tool_name(tool).as_str()
                        class:on=pressed
                        aria-pressed=move || pressed().to_string()
                        aria-label=move || tool.label()
                        aria-keyshortcuts=tool.shortcut()
                        title=move || format!("{} ({})", tool.label(), tool.shortcut())
                        on:click=move |_| app.tool.set(tool)>
                        <Icon name=tool.icon() />
                    </button>
                }
            }).collect_view()}
            <button type="button" class="icon-button" data-testid="embed-reset"
                aria-label=move || tr("embed.reset")
                title=move || tr("embed.reset.title")
                on:click=move |_| { actions::reset_view(app); }>
                <Icon name=IconName::Reset />
            </button>
            <label class="embed-layout">
                <span class="visually-hidden">{move || tr("embed.layout")}</span>
                <select data-testid="embed-layout"
                    on:change=move |ev| {
                        if let Some(name) = LayoutName::parse(&event_target_value(&ev)) {
                            set_layout(app, layout_of(name));
                        }
                    }>
                    {LayoutName::ALL.into_iter().map(|name| view! {
                        <option value=name.as_str()
                            selected=move || layout_name(app.layout.get()) == name>
                            {name.as_str().replace('x', "×")}
                        </option>
                    }).collect_view()}
                </select>
            </label>
        </div>
    }
}

/// What a host page shows in its iframe with `?embed=1`.
#[component]
pub fn EmbedLayout() -> impl IntoView {
    let app = use_app();
    let signals = app.session.with_value(|s| s.signals);
    let has_data = move || {
        signals.library_revision.track();
        !app.session.with_value(|s| s.instances.borrow().is_empty())
    };
    view! {
        <main class="embed" data-testid="embed">
            <EmbedToolbar />
            <div class="embed-errors" aria-live="assertive">
                <For
                    each=move || signals.errors.get()
                    key=|(id, _)| *id
                    children=move |(id, message)| view! {
                        <p class="error" data-testid="error" role="alert">
                            <span>{message}</span>
                            <button type="button" aria-label=move || tr("embed.dismiss")
                                on:click=move |_| signals.errors.update(|l| l.retain(|(i, _)| *i != id))>"×"</button>
                        </p>
                    }
                />
            </div>
            <Show when=has_data fallback=move || view! {
                <div class="embed-waiting" data-testid="embed-waiting">
                    <p>{move || tr("embed.waiting")}</p>
                    {move || signals.progress.get().map(|(what, done, total)| view! {
                        <p>{format!("{what}: {done}/{total}")}</p>
                    })}
                </div>
            }>
                <section class=move || format!("embed-viewports {}", app.layout.get().class())
                    aria-label=move || tr("embed.viewports")>
                    {move || (0..app.layout.get().panes()).map(|index| view! { <PaneSwitch index=index /> }).collect_view()}
                </section>
            </Show>
        </main>
    }
}
