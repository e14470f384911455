//! The page-wide state every component reaches through Leptos context.

use std::rc::Rc;

use leptos::prelude::*;

use super::archives::ArchiveView;
use super::dicomweb::DicomWeb;
use super::pane::{Pane, Tool};
use super::session::Session;
use crate::viewer::shell::SidePanelTab;

/// Viewport layouts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    One,
    OneByTwo,
    TwoByTwo,
}

impl Layout {
    pub fn panes(self) -> usize {
        match self {
            Layout::One => 1,
            Layout::OneByTwo => 2,
            Layout::TwoByTwo => 4,
        }
    }

    pub fn class(self) -> &'static str {
        match self {
            Layout::One => "grid grid-1x1",
            Layout::OneByTwo => "grid grid-1x2",
            Layout::TwoByTwo => "grid grid-2x2",
        }
    }
}

#[derive(Clone, Copy)]
pub struct AppContext {
    pub session: StoredValue<Rc<Session>, LocalStorage>,
    pub panes: [Pane; 4],
    pub active: RwSignal<usize>,
    pub layout: RwSignal<Layout>,
    pub tool: RwSignal<Tool>,
    pub show_tags: RwSignal<bool>,
    pub show_help: RwSignal<bool>,
    /// Bumped on window resize: viewports re-measure their canvases.
    pub resized: RwSignal<u64>,
    pub dicomweb: StoredValue<Rc<DicomWeb>, LocalStorage>,
    /// The study browser, open on the named data source (None: the viewports are shown).
    pub browse: RwSignal<Option<String>>,
    /// An archive browser (FHIR patients, TCIA, ISIC) filling the workspace.
    pub archive: RwSignal<Option<ArchiveView>>,
    /// The series panel (left) is shown; remembered on desktop (src/web/panels/).
    pub series_open: RwSignal<bool>,
    /// The side panel (right) is shown on `side_tab` (unless `show_tags` shows the Tags tab).
    pub side_open: RwSignal<bool>,
    pub side_tab: RwSignal<SidePanelTab>,
    /// The window is phone-sized (crate::viewer::shell::is_phone): bottom bar and sheets.
    pub phone: Signal<bool>,
    /// Images are on show (not the start page or a browser): the tools appear.
    pub viewer_shown: Signal<bool>,
}

impl AppContext {
    pub fn session(&self) -> Rc<Session> {
        self.session.get_value()
    }

    pub fn active_pane(&self) -> Pane {
        self.panes[self.active.get_untracked().min(3)]
    }

    /// The side panel's tab on show, None when the panel is collapsed (tracked).
    pub fn side_view(&self) -> Option<SidePanelTab> {
        if self.show_tags.get() {
            Some(SidePanelTab::Tags)
        } else if self.side_open.get() {
            Some(self.side_tab.get())
        } else {
            None
        }
    }

    /// Opens the side panel on `tab`.
    pub fn open_side(&self, tab: SidePanelTab) {
        self.side_tab.set(tab);
        self.show_tags.set(tab == SidePanelTab::Tags);
        self.side_open.set(true);
    }

    /// Collapses the side panel.
    pub fn close_side(&self) {
        self.show_tags.set(false);
        self.side_open.set(false);
    }
}

pub fn use_app() -> AppContext {
    expect_context::<AppContext>()
}
