//! The page: toolbar, series panel, viewport grid, tag browser, status bar and help; with no data
//! yet, a start screen offering files, folders and the built-in sample studies.

use leptos::prelude::*;

use super::announce::Announcer;
use super::archives::{ArchiveBrowser, ArchiveView};
use super::context::{use_app, AppContext, Layout};
use super::dicomweb::{link, DicomWeb, StudyBrowser};
use super::help::Help;
use super::i18n::{tr, trf};
use super::keyboard;
use super::opening;
use super::pane::{Pane, Tool};
use super::panels::sheets::BottomBar;
use super::panels::{initial_panels, remember_panels, SeriesDock, SidePanel};
use super::session::{Session, DEFAULT_BUDGET_BYTES};
use super::start::StartScreen;
use super::toolbar::{install_menu_closing, OpenMenu, Toolbar};
use crate::viewer::load_report::skipped_summary;
use crate::viewer::shell::{is_phone, SidePanelTab};

const BUDGET_KEY: &str = "dicomViewer.memoryBudget";
const BUDGETS_MB: [u64; 5] = [256, 512, 1024, 2048, 3072];

fn stored_budget() -> u64 {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(BUDGET_KEY).ok().flatten())
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|mb| BUDGETS_MB.contains(mb))
        .map(|mb| mb << 20)
        .unwrap_or(DEFAULT_BUDGET_BYTES)
}

/// "512 MB", "1.0 GB" ("1,0 GB" in German), as the current language writes numbers (tracked).
fn megabytes(bytes: u64) -> String {
    if bytes >= 1 << 30 {
        format!("{} GB", super::i18n::decimal(bytes as f64 / f64::from(1u32 << 30), 1))
    } else {
        format!("{} MB", super::i18n::integer((bytes >> 20) as i64))
    }
}

#[component]
fn StatusBar() -> impl IntoView {
    let app = use_app();
    let signals = app.session.with_value(|s| s.signals);
    let set_budget = move |ev| {
        if let Ok(mb) = event_target_value(&ev).parse::<u64>() {
            app.session.with_value(|s| s.set_budget(mb << 20));
            if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
                let _ = storage.set_item(BUDGET_KEY, &mb.to_string());
            }
        }
    };
    view! {
        <footer class="status">
            {move || signals.progress.get().map(|(what, done, total)| view! {
                <div class="progress" role="progressbar" aria-label=what.clone()
                    aria-valuemin="0" aria-valuemax=total aria-valuenow=done data-testid="progress">
                    <span>{format!("{what}: {done}/{total}")}</span>
                    <div class="bar" style=format!("width: {}%", u64::from(done) * 100 / u64::from(total.max(1)))></div>
                </div>
            })}
            {move || signals.skipped.with(|names| (!names.is_empty()).then(|| {
                let summary = skipped_summary(crate::web::i18n::lang(), names);
                let all = names.join("\n");
                view! { <span data-testid="skipped" title=all>{summary}</span> }
            }))}
            <label class="memory">
                <span data-testid="memory">{move || {
                    let (used, budget) = signals.memory.get();
                    trf("viewer.status.memory", &[("used", &megabytes(used)), ("budget", &megabytes(budget))])
                }}</span>
                <select aria-label=move || tr("viewer.status.budget") on:change=set_budget>
                    {BUDGETS_MB.into_iter().map(|mb| view! {
                        <option value=mb.to_string() selected=move || signals.memory.get().1 == mb << 20>{move || megabytes(mb << 20)}</option>
                    }).collect_view()}
                </select>
            </label>
        </footer>
    }
}

#[component]
fn Errors() -> impl IntoView {
    let app = use_app();
    let errors = app.session.with_value(|s| s.signals.errors);
    view! {
        <div class="errors" aria-live="assertive">
            <For
                each=move || errors.get()
                key=|(id, _)| *id
                children=move |(id, message)| view! {
                    <p class="error" data-testid="error" role="alert">
                        {message}
                        <button type="button" aria-label=move || tr("viewer.error.dismiss") on:click=move |_| errors.update(|l| l.retain(|(i, _)| *i != id))>"×"</button>
                    </p>
                }
            />
        </div>
    }
}

/// Where the skip links lead: the workspace, and the start page's sample studies.
const MAIN_ID: &str = "main-content";
pub(super) const SAMPLES_ID: &str = "samples";

/// A link, visible only while it has focus, that moves focus to the element `target` (which has
/// tabindex="-1") without changing the address (the address carries the study links).
#[component]
fn SkipLink(target: &'static str, text: &'static str) -> impl IntoView {
    // `text` is a catalog key (locales/*/viewer.txt).
    let jump = move |ev: web_sys::MouseEvent| {
        ev.prevent_default();
        let element = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(target))
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok());
        if let Some(element) = element {
            element.scroll_into_view();
            let _ = element.focus();
        }
    };
    view! { <a class="skip-link" href=format!("#{target}") on:click=jump>{move || tr(text)}</a> }
}

/// Shows the first display sets in empty viewports as they appear.
fn fill_empty_viewports(app: AppContext) {
    Effect::new(move |_| {
        app.session.with_value(|s| s.signals.library_revision).track();
        let layout = app.layout.get_untracked();
        let keys: Vec<(String, usize)> = app.session.with_value(|s| {
            s.library
                .borrow()
                .patients()
                .into_iter()
                .flat_map(|p| p.studies)
                .flat_map(|s| s.series)
                .flat_map(|s| s.display_sets)
                .filter(|set| set.has_pixel_data)
                .map(|set| (set.key, set.frames.len()))
                .collect()
        });
        for (index, pane) in app.panes.iter().enumerate().take(layout.panes()) {
            if pane.display_set.get_untracked().is_none() {
                let shown: Vec<String> = app.panes.iter().filter_map(|p| p.display_set.get_untracked()).collect();
                if let Some((key, count)) =
                    keys.iter().find(|(k, _)| !shown.contains(k)).or(if index == 0 { keys.first() } else { None })
                {
                    pane.open(key.clone(), *count);
                }
            }
        }
    });
}

/// Cine: advances each playing viewport at its frame rate.
fn run_cine(pane: Pane, app: AppContext) {
    let handle = StoredValue::new(None::<leptos::prelude::IntervalHandle>);
    Effect::new(move |_| {
        let playing = pane.cine.get();
        let fps = pane.fps.get().clamp(1.0, 60.0);
        if let Some(h) = handle.get_value() {
            h.clear();
            handle.set_value(None);
        }
        if !playing {
            return;
        }
        let interval = std::time::Duration::from_secs_f64(1.0 / fps);
        let next = set_interval_with_handle(
            move || {
                let count = pane
                    .display_set
                    .get_untracked()
                    .and_then(|k| app.session.with_value(|s| s.library.borrow().display_set(&k)))
                    .map_or(0, |set| set.frames.len() as u32);
                if count > 1 {
                    pane.frame.update(|f| *f = (*f + 1) % count);
                }
            },
            interval,
        );
        if let Ok(h) = next {
            handle.set_value(Some(h));
        }
    });
}

fn inner_width() -> f64 {
    web_sys::window().and_then(|w| w.inner_width().ok()).and_then(|v| v.as_f64()).unwrap_or(1400.0)
}

#[component]
pub fn App() -> impl IntoView {
    let session = Session::new(stored_budget());
    let resized = RwSignal::new(0);
    let phone = Memo::new(move |_| {
        resized.track();
        is_phone(inner_width())
    });
    let (series_open, side_open) = initial_panels(inner_width());
    let has_data = RwSignal::new(false);
    let browse = RwSignal::new(None);
    let archive = RwSignal::new(None);
    let viewer_shown = Memo::new(move |_| has_data.get() && browse.get().is_none() && archive.get().is_none());
    let app = AppContext {
        session: StoredValue::new_local(session),
        panes: [Pane::new(), Pane::new(), Pane::new(), Pane::new()],
        active: RwSignal::new(0),
        layout: RwSignal::new(Layout::One),
        tool: RwSignal::new(Tool::WindowLevel),
        show_tags: RwSignal::new(false),
        show_help: RwSignal::new(false),
        resized,
        dicomweb: StoredValue::new_local(DicomWeb::new()),
        browse,
        archive,
        series_open: RwSignal::new(series_open),
        side_open: RwSignal::new(side_open),
        side_tab: RwSignal::new(SidePanelTab::Measurements),
        phone: phone.into(),
        viewer_shown: viewer_shown.into(),
        mpr: RwSignal::new(Default::default()),
        view3d: RwSignal::new(Default::default()),
        link: RwSignal::new(Default::default()),
    };
    provide_context(app);
    let open_menu = RwSignal::new(None);
    provide_context(OpenMenu(open_menu));
    install_menu_closing(open_menu);
    let sources = app.dicomweb.get_value().sources.clone();
    leptos::task::spawn_local(async move { sources.load_config().await });
    // Inside another site's iframe: the postMessage API; `?embed=1`: the embed layout.
    let embedded = super::embed::install(app);
    link::open_initial(app);
    link::follow_active_series(app);
    keyboard::install(app);
    fill_empty_viewports(app);
    remember_panels(app);
    for pane in app.panes {
        run_cine(pane, app);
    }
    let resize = window_event_listener(leptos::ev::resize, move |_| app.resized.update(|n| *n += 1));
    let _ = resize;
    // Relayout changes the viewports' sizes.
    Effect::new(move |_| {
        app.layout.track();
        app.show_tags.track();
        app.side_open.track();
        app.series_open.track();
        app.viewer_shown.track();
        app.resized.update(|n| *n += 1);
    });
    // Going from desktop to phone width closes the panels (they would cover the image).
    Effect::new(move |was_phone: Option<bool>| {
        let now = phone.get();
        if now && was_phone == Some(false) {
            app.series_open.set(false);
            app.close_side();
        }
        now
    });
    Effect::new(move |_| {
        app.session.with_value(|s| s.signals.library_revision).track();
        has_data.set(!app.session.with_value(|s| s.instances.borrow().is_empty()));
    });
    let has_data = move || has_data.get();
    let start_page = move || {
        app.browse.get().is_none()
            && match app.archive.get() {
                Some(view) => view == ArchiveView::Start,
                None => !has_data(),
            }
    };
    view! {
        <Show when=move || !embedded fallback=|| view! { <super::embed::EmbedLayout /> }>
        <main class="app" class:phone=move || phone.get() class:viewing=move || viewer_shown.get()
            on:dragover=|ev: web_sys::DragEvent| ev.prevent_default() on:drop=opening::on_drop(app)>
            <nav class="skip-links" aria-label=move || tr("viewer.skip.label")>
                <SkipLink target=MAIN_ID text="viewer.skip.main" />
                <Show when=start_page>
                    <SkipLink target=SAMPLES_ID text="viewer.skip.samples" />
                </Show>
            </nav>
            <Toolbar />
            <Errors />
            <div class="workspace" id=MAIN_ID tabindex="-1">
                <Show when=move || viewer_shown.get()>
                    <SeriesDock />
                </Show>
                <Show when=move || app.browse.get().is_some()>
                    <StudyBrowser />
                </Show>
                <Show when=move || app.browse.get().is_none() && app.archive.get().is_some_and(|a| a != ArchiveView::Start)>
                    <ArchiveBrowser />
                </Show>
                <Show when=move || app.browse.get().is_none() && app.archive.get() == Some(ArchiveView::Start)>
                    <StartScreen />
                </Show>
                <Show when=move || app.browse.get().is_none() && app.archive.get().is_none()>
                    <Show when=has_data fallback=|| view! { <StartScreen /> }>
                        <section class=move || app.layout.get().class() aria-label=move || tr("viewer.viewports")>
                            {move || (0..app.layout.get().panes()).map(|index| view! { <super::viewport::PaneSwitch index=index /> }).collect_view()}
                        </section>
                    </Show>
                </Show>
                <Show when=move || viewer_shown.get()>
                    <SidePanel />
                </Show>
            </div>
            <StatusBar />
            <Show when=move || viewer_shown.get() && phone.get()>
                <BottomBar />
            </Show>
            <Help />
            <Announcer />
        </main>
        </Show>
    }
}
