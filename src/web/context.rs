//! The page-wide state every component reaches through Leptos context.

use std::rc::Rc;

use leptos::prelude::*;

use super::archives::ArchiveView;
use super::dicomweb::DicomWeb;
use super::pane::{Pane, Tool};
use super::session::Session;
use crate::viewer::shell::SidePanelTab;

/// Viewport layouts a user can pick (`menu-layout`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    One,
    OneByTwo,
    TwoByTwo,
    /// Axial, sagittal and coronal planes of one volume side by side, linked by crosshairs.
    Mpr,
    /// The three MPR planes and a 3-D rendering.
    Mpr3d,
    /// The current series beside a prior study of the same patient.
    Comparison,
}

impl Layout {
    pub const ALL: [Layout; 6] =
        [Layout::One, Layout::OneByTwo, Layout::TwoByTwo, Layout::Mpr, Layout::Mpr3d, Layout::Comparison];

    pub fn panes(self) -> usize {
        match self {
            Layout::One => 1,
            Layout::OneByTwo | Layout::Comparison => 2,
            Layout::Mpr => 3,
            Layout::TwoByTwo | Layout::Mpr3d => 4,
        }
    }

    pub fn class(self) -> &'static str {
        match self {
            Layout::One => "grid grid-1x1",
            Layout::OneByTwo | Layout::Comparison => "grid grid-1x2",
            Layout::Mpr => "grid grid-1x3",
            Layout::TwoByTwo | Layout::Mpr3d => "grid grid-2x2",
        }
    }

    /// `data-testid` of its menu item.
    pub fn testid(self) -> &'static str {
        match self {
            Layout::One => "layout-1x1",
            Layout::OneByTwo => "layout-1x2",
            Layout::TwoByTwo => "layout-2x2",
            Layout::Mpr => "layout-mpr",
            Layout::Mpr3d => "layout-mpr-3d",
            Layout::Comparison => "layout-comparison",
        }
    }

    /// What viewport `index` shows in this layout.
    pub fn view(self, index: usize) -> PaneView {
        use crate::volume::mpr::MprAxis;
        match (self, index) {
            (Layout::Mpr | Layout::Mpr3d, 0) => PaneView::Plane(MprAxis::Axial),
            (Layout::Mpr | Layout::Mpr3d, 1) => PaneView::Plane(MprAxis::Sagittal),
            (Layout::Mpr | Layout::Mpr3d, 2) => PaneView::Plane(MprAxis::Coronal),
            (Layout::Mpr3d, _) => PaneView::Volume3d,
            _ => PaneView::Stack,
        }
    }
}

/// What a viewport shows of its display set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaneView {
    /// The frames as acquired, one at a time.
    Stack,
    /// A reformatted plane of the volume (`app.mpr` holds the crosshair and slab).
    Plane(crate::volume::mpr::MprAxis),
    /// A 3-D rendering of the volume (`app.view3d`).
    Volume3d,
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
    /// The MPR viewports' shared crosshair and slab (`crate::volume::mpr`).
    pub mpr: RwSignal<crate::volume::mpr::MprState>,
    /// The 3-D viewport's camera and preset (`crate::volume::render3d`).
    pub view3d: RwSignal<crate::volume::render3d::View3d>,
    /// Linked scrolling and comparison (`crate::volume::linking`).
    pub link: RwSignal<crate::volume::linking::LinkState>,
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
