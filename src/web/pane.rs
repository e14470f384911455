//! The reactive state of one viewport ("pane"): what it shows and how. Plain signals, so the
//! toolbar, keyboard shortcuts and the viewport itself all change the same values.

use leptos::prelude::*;

use super::i18n::tr;
use super::icons::IconName;
use crate::viewer::opening_slice::opening_frame;
use crate::viewer::transform::ViewTransform;

/// The pointer tool for the primary button / one finger.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    WindowLevel,
    Pan,
    Zoom,
    Scroll,
    Probe,
    Length,
    Angle,
    Rectangle,
    Ellipse,
}

impl Tool {
    pub const ALL: [Tool; 9] = [
        Tool::WindowLevel,
        Tool::Pan,
        Tool::Zoom,
        Tool::Scroll,
        Tool::Probe,
        Tool::Length,
        Tool::Angle,
        Tool::Rectangle,
        Tool::Ellipse,
    ];

    /// The tool's name in the interface language (tracked: call inside a reactive closure).
    pub fn label(self) -> &'static str {
        match self {
            Tool::WindowLevel => tr("viewer.tool.window_level"),
            Tool::Pan => tr("viewer.tool.pan"),
            Tool::Zoom => tr("viewer.tool.zoom"),
            Tool::Scroll => tr("viewer.tool.scroll"),
            Tool::Probe => tr("viewer.tool.probe"),
            Tool::Length => tr("viewer.tool.length"),
            Tool::Angle => tr("viewer.tool.angle"),
            Tool::Rectangle => tr("viewer.tool.rectangle"),
            Tool::Ellipse => tr("viewer.tool.ellipse"),
        }
    }

    /// Stable name: `data-testid="tool-<name>"` (README, test hooks).
    pub fn name(self) -> &'static str {
        match self {
            Tool::WindowLevel => "window-level",
            Tool::Pan => "pan",
            Tool::Zoom => "zoom",
            Tool::Scroll => "scroll",
            Tool::Probe => "probe",
            Tool::Length => "length",
            Tool::Angle => "angle",
            Tool::Rectangle => "rectangle",
            Tool::Ellipse => "ellipse",
        }
    }

    pub fn icon(self) -> IconName {
        match self {
            Tool::WindowLevel => IconName::WindowLevel,
            Tool::Pan => IconName::Pan,
            Tool::Zoom => IconName::Zoom,
            Tool::Scroll => IconName::Scroll,
            Tool::Probe => IconName::Probe,
            Tool::Length => IconName::Length,
            Tool::Angle => IconName::Angle,
            Tool::Rectangle => IconName::Rectangle,
            Tool::Ellipse => IconName::Ellipse,
        }
    }

    /// The measuring tools, grouped behind one split button in the tool bar.
    pub const MEASURE: [Tool; 5] = [Tool::Length, Tool::Angle, Tool::Rectangle, Tool::Ellipse, Tool::Probe];

    pub fn is_measure(self) -> bool {
        Tool::MEASURE.contains(&self)
    }

    pub fn shortcut(self) -> &'static str {
        match self {
            Tool::WindowLevel => "w",
            Tool::Pan => "p",
            Tool::Zoom => "z",
            Tool::Scroll => "s",
            Tool::Probe => "c",
            Tool::Length => "l",
            Tool::Angle => "a",
            Tool::Rectangle => "b",
            Tool::Ellipse => "e",
        }
    }

    pub fn points(self) -> usize {
        match self {
            Tool::Angle => 3,
            Tool::Length | Tool::Rectangle | Tool::Ellipse => 2,
            _ => 0,
        }
    }
}

/// A finished measurement, in image pixel coordinates, on one frame of the display set.
#[derive(Clone, Debug, PartialEq)]
pub struct Annotation {
    pub id: u64,
    pub tool: Tool,
    /// The image it was drawn on (instance, frame): a display-set index would point at another
    /// slice once more instances of a still-growing stack sort in before it.
    pub frame: super::session::FrameKey,
    pub points: Vec<(f64, f64)>,
    /// Result lines shown beside it (computed when drawn).
    pub text: Vec<String>,
}

#[derive(Clone, Copy)]
pub struct Pane {
    pub display_set: RwSignal<Option<String>>,
    /// Index into the display set's frames.
    pub frame: RwSignal<u32>,
    pub transform: RwSignal<ViewTransform>,
    /// Explicit window (center, width); None = the file's default VOI for each frame.
    pub window: RwSignal<Option<(f64, f64)>>,
    /// Which of the file's windows (when no explicit one).
    pub voi_index: RwSignal<usize>,
    pub invert: RwSignal<bool>,
    /// Overlay planes (60xx) drawn over the image.
    pub overlays: RwSignal<bool>,
    pub annotations: RwSignal<Vec<Annotation>>,
    /// The measurement being drawn.
    pub draft: RwSignal<Option<Annotation>>,
    pub cine: RwSignal<bool>,
    pub fps: RwSignal<f64>,
    /// Text of the value under the pointer.
    pub probe: RwSignal<Option<String>>,
    /// Bumped after every draw (overlays recompute zoom etc.).
    pub drawn: RwSignal<u64>,
    /// The slice index the viewer chose (opening on the middle, following it while the set
    /// grows); once `frame` differs, the user has moved (`viewer::opening_slice`).
    pub chosen_frame: RwSignal<Option<u32>>,
    /// The display set's default window range when its images store none, fixed at its first
    /// draw (`viewer::set_window`).
    pub set_range: RwSignal<Option<(f64, f64)>>,
    /// The acquired frames, a reformatted plane or a 3-D rendering (set by the layout).
    pub view: RwSignal<super::context::PaneView>,
}

impl Pane {
    pub fn new() -> Pane {
        Pane {
            display_set: RwSignal::new(None),
            frame: RwSignal::new(0),
            transform: RwSignal::new(ViewTransform::default()),
            window: RwSignal::new(None),
            voi_index: RwSignal::new(0),
            invert: RwSignal::new(false),
            overlays: RwSignal::new(true),
            annotations: RwSignal::new(Vec::new()),
            draft: RwSignal::new(None),
            cine: RwSignal::new(false),
            fps: RwSignal::new(15.0),
            probe: RwSignal::new(None),
            drawn: RwSignal::new(0),
            chosen_frame: RwSignal::new(None),
            set_range: RwSignal::new(None),
            view: RwSignal::new(super::context::PaneView::Stack),
        }
    }

    /// Shows another display set of `count` frames on its middle slice, with the view reset.
    pub fn open(&self, key: String, count: usize) {
        self.show(key, opening_frame(count));
    }

    /// Shows another display set from `first_frame`, with the view reset.
    pub fn show(&self, key: String, first_frame: u32) {
        self.chosen_frame.set(Some(first_frame));
        self.set_range.set(None);
        self.display_set.set(Some(key));
        self.frame.set(first_frame);
        self.transform.set(ViewTransform::default());
        self.window.set(None);
        self.voi_index.set(0);
        self.invert.set(false);
        self.annotations.set(Vec::new());
        self.draft.set(None);
        self.cine.set(false);
    }
}

impl Default for Pane {
    fn default() -> Self {
        Pane::new()
    }
}
