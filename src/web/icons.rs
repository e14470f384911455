//! The interface's icons: inline SVG drawn for this project (24×24 view box, 2px strokes in
//! `currentColor`, so they follow the theme and a button's state). Always `aria-hidden`: the
//! button carrying one names itself (aria-label / title). No icon font, no external set.

use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IconName {
    Logo,
    Scroll,
    Pan,
    Zoom,
    WindowLevel,
    Presets,
    Invert,
    Length,
    Angle,
    Rectangle,
    Ellipse,
    Probe,
    Rotate,
    FlipH,
    FlipV,
    Reset,
    Play,
    Pause,
    Layout1x1,
    Layout1x2,
    Layout2x2,
    Layout1x3,
    Volume3d,
    Tags,
    Export,
    Help,
    More,
    SeriesPanel,
    SidePanel,
    Close,
    ChevronDown,
    Overlays,
    Studies,
    Datasets,
    Trash,
    Measurements,
    Segments,
    Report,
    Presentation,
    Fusion,
}

impl IconName {
    /// SVG elements inside `<svg viewBox="0 0 24 24">`: (element, attributes) pairs kept as
    /// markup text, drawn here by hand.
    fn markup(self) -> &'static str {
        match self {
            IconName::Logo => {
                r#"<rect x="3" y="3" width="18" height="18" rx="4"/><circle cx="12" cy="12" r="5"/><path d="M12 7v10M7 12h10" stroke-width="1.5"/>"#
            }
            IconName::Scroll => r#"<rect x="7" y="9" width="10" height="10" rx="1"/><path d="M9 6h6M11 3h2"/>"#,
            IconName::Pan => {
                r#"<path d="M12 3v18M3 12h18"/><path d="M9 6l3-3 3 3M9 18l3 3 3-3M6 9l-3 3 3 3M18 9l3 3-3 3"/>"#
            }
            IconName::Zoom => r#"<circle cx="10.5" cy="10.5" r="6.5"/><path d="M15.5 15.5L21 21M8 10.5h5M10.5 8v5"/>"#,
            IconName::WindowLevel => {
                r#"<circle cx="12" cy="12" r="8.5"/><path d="M12 3.5v17" /><path d="M12 3.5a8.5 8.5 0 0 1 0 17z" fill="currentColor"/>"#
            }
            IconName::Presets => {
                r#"<path d="M4 6h10M18 6h2M4 12h4M12 12h8M4 18h12M20 18h0"/><circle cx="16" cy="6" r="2"/><circle cx="10" cy="12" r="2"/><circle cx="18" cy="18" r="2"/>"#
            }
            IconName::Invert => {
                r#"<rect x="4" y="4" width="16" height="16" rx="2"/><path d="M4 20L20 4v16z" fill="currentColor"/>"#
            }
            IconName::Length => r#"<path d="M4 20L20 4"/><path d="M4 15v5h5M20 9V4h-5"/>"#,
            IconName::Angle => r#"<path d="M20 19H4L15 5"/><path d="M9 19a5 5 0 0 0-1.6-3.8"/>"#,
            IconName::Rectangle => r#"<rect x="4" y="6" width="16" height="12" rx="1"/>"#,
            IconName::Ellipse => r#"<ellipse cx="12" cy="12" rx="9" ry="6.5"/>"#,
            IconName::Probe => r#"<circle cx="12" cy="12" r="3"/><path d="M12 2v5M12 17v5M2 12h5M17 12h5"/>"#,
            IconName::Rotate => r#"<path d="M20 12a8 8 0 1 1-2.3-5.7"/><path d="M20 4v5h-5"/>"#,
            IconName::FlipH => r#"<path d="M12 3v18" stroke-dasharray="2 2"/><path d="M9 6L3 18h6zM15 6l6 12h-6z"/>"#,
            IconName::FlipV => r#"<path d="M3 12h18" stroke-dasharray="2 2"/><path d="M6 9L18 3v6zM6 15l12 6v-6z"/>"#,
            IconName::Reset => {
                r#"<path d="M4 9V4h5M20 15v5h-5M4 15v5h5M20 9V4h-5"/><rect x="8" y="8" width="8" height="8" rx="1"/>"#
            }
            IconName::Play => r#"<path d="M7 4.5v15l12-7.5z" fill="currentColor"/>"#,
            IconName::Pause => r#"<path d="M8 5v14M16 5v14" stroke-width="3"/>"#,
            IconName::Layout1x1 => r#"<rect x="3" y="4" width="18" height="16" rx="2"/>"#,
            IconName::Layout1x2 => r#"<rect x="3" y="4" width="18" height="16" rx="2"/><path d="M12 4v16"/>"#,
            IconName::Layout2x2 => r#"<rect x="3" y="4" width="18" height="16" rx="2"/><path d="M12 4v16M3 12h18"/>"#,
            IconName::Layout1x3 => r#"<rect x="3" y="4" width="18" height="16" rx="2"/><path d="M9 4v16M15 4v16"/>"#,
            IconName::Volume3d => {
                r#"<path d="M12 3l8 4.5v9L12 21l-8-4.5v-9z"/><path d="M12 12l8-4.5M12 12v9M12 12L4 7.5"/>"#
            }
            IconName::Tags => r#"<path d="M3 12V4h8l10 10-7 7z"/><circle cx="7.5" cy="8.5" r="1.5"/>"#,
            IconName::Export => r#"<path d="M12 3v12M7 10l5 5 5-5"/><path d="M4 17v3h16v-3"/>"#,
            IconName::Help => {
                r#"<circle cx="12" cy="12" r="9"/><path d="M9.5 9.5a2.5 2.5 0 1 1 3.5 2.3c-.7.3-1 1-1 1.7v.5M12 17.5v.5"/>"#
            }
            IconName::More => {
                r#"<circle cx="5" cy="12" r="1.5" fill="currentColor"/><circle cx="12" cy="12" r="1.5" fill="currentColor"/><circle cx="19" cy="12" r="1.5" fill="currentColor"/>"#
            }
            IconName::SeriesPanel => {
                r#"<rect x="3" y="4" width="18" height="16" rx="2"/><path d="M9 4v16M5 8h2M5 12h2M5 16h2"/>"#
            }
            IconName::SidePanel => {
                r#"<rect x="3" y="4" width="18" height="16" rx="2"/><path d="M15 4v16M17 8h2M17 12h2M17 16h2"/>"#
            }
            IconName::Close => r#"<path d="M6 6l12 12M18 6L6 18"/>"#,
            IconName::ChevronDown => r#"<path d="M6 9l6 6 6-6"/>"#,
            IconName::Overlays => r#"<path d="M12 4l9 5-9 5-9-5z"/><path d="M3 14l9 5 9-5"/>"#,
            IconName::Studies => {
                r#"<ellipse cx="12" cy="6" rx="8" ry="3"/><path d="M4 6v12c0 1.7 3.6 3 8 3s8-1.3 8-3V6M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3"/>"#
            }
            IconName::Datasets => {
                r#"<rect x="3" y="3" width="7" height="7" rx="1"/><rect x="14" y="3" width="7" height="7" rx="1"/><rect x="3" y="14" width="7" height="7" rx="1"/><rect x="14" y="14" width="7" height="7" rx="1"/>"#
            }
            IconName::Trash => r#"<path d="M4 7h16M10 4h4M6 7l1 13h10l1-13M10 11v6M14 11v6"/>"#,
            IconName::Measurements => r#"<path d="M3 17L17 3l4 4L7 21z"/><path d="M7 13l2 2M10 10l2 2M13 7l2 2"/>"#,
            IconName::Segments => {
                r#"<path d="M12 3c5 0 9 3.5 9 8s-4 9-9 9-9-4-9-8.5S7 3 12 3z"/><path d="M8 10c2-2 6-2 8 1-1 3-5 4-8 2z"/>"#
            }
            IconName::Report => r#"<rect x="5" y="3" width="14" height="18" rx="1"/><path d="M8 8h8M8 12h8M8 16h5"/>"#,
            IconName::Presentation => {
                r#"<rect x="3" y="4" width="18" height="13" rx="1"/><path d="M7 13l3-4 3 3 2-2 3 3M12 17v4M8 21h8"/>"#
            }
            IconName::Fusion => r#"<circle cx="9" cy="12" r="6"/><circle cx="15" cy="12" r="6"/>"#,
        }
    }
}

/// An icon of `--icon-size`, hidden from assistive technology.
#[component]
pub fn Icon(name: IconName) -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false"
            fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"
            inner_html=name.markup()>
        </svg>
    }
}
