//! The page-wide state every component reaches through Leptos context.

use std::rc::Rc;

use leptos::prelude::*;

use super::archives::ArchiveView;
use super::dicomweb::DicomWeb;
use super::pane::{Pane, Tool};
use super::session::Session;

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
}

impl AppContext {
    pub fn session(&self) -> Rc<Session> {
        self.session.get_value()
    }

    pub fn active_pane(&self) -> Pane {
        self.panes[self.active.get_untracked().min(3)]
    }
}

pub fn use_app() -> AppContext {
    expect_context::<AppContext>()
}
