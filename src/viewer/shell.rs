//! The viewer screen's own logic as plain values: the side panel's tabs, the measurement list of
//! the active series (collected, sorted and formatted), the study context in the top bar, menu
//! keyboard navigation (WAI-ARIA APG "Menu Button" pattern) and the phone breakpoint. The page
//! (src/web/toolbar.rs, src/web/panels/) only renders these.

use crate::i18n::Lang;
use crate::viewer::overlay::format_person_name;

/// Widths at or below this many CSS pixels get the phone layout (bottom bar, sheets). The same
/// number is in style/viewer.css (`@media (max-width: 700px)`).
pub const PHONE_MAX_WIDTH_PX: f64 = 700.0;

/// True when a window `width_px` wide gets the phone layout.
pub fn is_phone(width_px: f64) -> bool {
    width_px <= PHONE_MAX_WIDTH_PX
}

/// Whether (series panel, side panel) start open in a window `width_px` wide when the user has
/// not chosen: each only where the viewport keeps at least 640 CSS px beside it (series panel
/// 216 px, side panel 352 px); never on a phone.
pub fn default_panels(width_px: f64) -> (bool, bool) {
    const SERIES_PX: f64 = 216.0;
    const SIDE_PX: f64 = 352.0;
    const VIEWPORT_MIN_PX: f64 = 640.0;
    if is_phone(width_px) {
        return (false, false);
    }
    let series = width_px - SERIES_PX >= VIEWPORT_MIN_PX;
    let side = series && width_px - SERIES_PX - SIDE_PX >= VIEWPORT_MIN_PX;
    (series, side)
}

/// The tabs of the right-hand panel, in the order shown. Data-driven: a new tab (Segments, SR)
/// is one more variant here plus its view in src/web/panels/.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SidePanelTab {
    Measurements,
    /// Segmentations (SEG) and RT structure sets of the shown study.
    Segments,
    /// Structured reports and key object selections.
    Report,
    /// Grayscale softcopy presentation states.
    Presentation,
    /// An image series drawn over another (parametric map over its source, PET over CT).
    Fusion,
    Tags,
}

impl SidePanelTab {
    pub const ALL: [SidePanelTab; 6] = [
        SidePanelTab::Measurements,
        SidePanelTab::Segments,
        SidePanelTab::Report,
        SidePanelTab::Presentation,
        SidePanelTab::Fusion,
        SidePanelTab::Tags,
    ];

    /// Stable name: `data-testid="tab-<name>"`, element ids and the stored choice.
    pub fn name(self) -> &'static str {
        match self {
            SidePanelTab::Measurements => "measurements",
            SidePanelTab::Segments => "segments",
            SidePanelTab::Report => "report",
            SidePanelTab::Presentation => "presentation",
            SidePanelTab::Fusion => "fusion",
            SidePanelTab::Tags => "tags",
        }
    }

    pub fn from_name(name: &str) -> Option<SidePanelTab> {
        SidePanelTab::ALL.into_iter().find(|tab| tab.name() == name)
    }
}

/// What the open studies hold, for which side-panel tabs to offer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PanelContent {
    pub segmentations_or_structures: bool,
    pub reports_or_key_images: bool,
    pub presentation_states: bool,
    /// Two image series share a frame of reference (one can be fused over the other).
    pub fusable_series: bool,
}

/// The tabs offered, in order: Measurements and Tags always, the others when there is something
/// for them (a tab with nothing to show would be a dead end).
pub fn visible_tabs(content: PanelContent) -> Vec<SidePanelTab> {
    SidePanelTab::ALL
        .into_iter()
        .filter(|tab| match tab {
            SidePanelTab::Measurements | SidePanelTab::Tags => true,
            SidePanelTab::Segments => content.segmentations_or_structures,
            SidePanelTab::Report => content.reports_or_key_images,
            SidePanelTab::Presentation => content.presentation_states,
            SidePanelTab::Fusion => content.fusable_series,
        })
        .collect()
}

/// One drawn measurement as the list needs it: its id, the tool's stable name, the image it was
/// drawn on ((instance source, frame) — the same key the viewport uses) and its result lines.
#[derive(Clone, Debug, PartialEq)]
pub struct MeasurementInput<'a> {
    pub id: u64,
    pub tool: &'static str,
    pub frame: (u32, u32),
    pub lines: &'a [String],
}

/// One row of the measurement list.
#[derive(Clone, Debug, PartialEq)]
pub struct MeasurementRow {
    pub id: u64,
    /// The tool's stable name ("length", "angle", "rectangle", "ellipse").
    pub tool: &'static str,
    /// The main result with its unit ("12.34 mm", "90.0°", the ROI's statistics line).
    pub value: String,
    /// Further lines (e.g. "spacing from Imager Pixel Spacing"), joined with "; ".
    pub note: String,
    /// Index of the slice in the display set (0-based), None when the image is no longer in it.
    pub slice_index: Option<u32>,
}

impl MeasurementRow {
    /// The slice number people read (1-based), if the image is still in the display set.
    pub fn slice_number(&self) -> Option<u32> {
        self.slice_index.map(|i| i + 1)
    }
}

/// The rows of the measurement list of one display set whose slices are `slices` (in display
/// order): sorted by slice, then by drawing order (id); measurements on images outside the set
/// come last.
pub fn measurement_rows(inputs: &[MeasurementInput<'_>], slices: &[(u32, u32)]) -> Vec<MeasurementRow> {
    let mut rows: Vec<MeasurementRow> = inputs
        .iter()
        .map(|input| {
            let slice_index = slices.iter().position(|s| *s == input.frame).and_then(|i| u32::try_from(i).ok());
            let mut lines = input.lines.iter().map(|l| l.trim()).filter(|l| !l.is_empty());
            let value = lines.next().unwrap_or("").to_string();
            let note = lines.collect::<Vec<_>>().join("; ");
            MeasurementRow { id: input.id, tool: input.tool, value, note, slice_index }
        })
        .collect();
    rows.sort_by_key(|row| (row.slice_index.is_none(), row.slice_index, row.id));
    rows
}

/// The study the active viewport shows, as the top bar names it.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct StudyContext {
    pub patient: String,
    pub date: String,
    pub description: String,
}

/// The top bar's study context from DICOM values: Patient's Name (PN, PS3.5 6.2: "Family^Given")
/// readable, Study Date (DA, YYYYMMDD; the retired "YYYY.MM.DD" too) in the language's style,
/// and the Study Description. A date that does not parse is shown as stored.
pub fn study_context(lang: Lang, patient_name: &str, study_date: &str, description: &str) -> StudyContext {
    StudyContext {
        patient: format_person_name(patient_name),
        date: localized_da(lang, study_date),
        description: description.trim().to_string(),
    }
}

/// A DA value (PS3.5 6.2) written in `lang`'s date style.
pub fn localized_da(lang: Lang, value: &str) -> String {
    super::overlay::format_date_in(lang, value)
}

/// Where focus goes in an open menu of `count` items on `key` (WAI-ARIA APG menu: arrows wrap,
/// Home/End go to the ends). None: the key is not a menu navigation key.
pub fn menu_focus_target(key: &str, current: Option<usize>, count: usize) -> Option<usize> {
    if count == 0 {
        return None;
    }
    let last = count - 1;
    match key {
        "ArrowDown" | "ArrowRight" => Some(current.map_or(0, |i| if i >= last { 0 } else { i + 1 })),
        "ArrowUp" | "ArrowLeft" => Some(current.map_or(last, |i| if i == 0 || i > last { last } else { i - 1 })),
        "Home" | "PageUp" => Some(0),
        "End" | "PageDown" => Some(last),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn rows_sort_by_slice_then_drawing_order_and_take_the_first_line_as_value() {
        let a = lines(&["12.35 mm"]);
        let b = lines(&["90.0°"]);
        let c = lines(&["Area 10 mm² Mean 5 HU", "spacing from Imager Pixel Spacing"]);
        let d = lines(&["3.00 mm"]);
        let slices = [(7, 0), (8, 0), (9, 0)];
        let inputs = [
            MeasurementInput { id: 4, tool: "length", frame: (9, 0), lines: &a },
            MeasurementInput { id: 2, tool: "angle", frame: (7, 0), lines: &b },
            MeasurementInput { id: 3, tool: "rectangle", frame: (1, 0), lines: &c },
            MeasurementInput { id: 1, tool: "length", frame: (9, 0), lines: &d },
        ];
        let rows = measurement_rows(&inputs, &slices);
        let order: Vec<u64> = rows.iter().map(|r| r.id).collect();
        assert_eq!(order, [2, 1, 4, 3]);
        assert_eq!(rows[0].slice_number(), Some(1));
        assert_eq!(rows[1].slice_number(), Some(3));
        assert_eq!(rows[1].value, "3.00 mm");
        assert_eq!(rows[3].slice_number(), None);
        assert_eq!(rows[3].value, "Area 10 mm² Mean 5 HU");
        assert_eq!(rows[3].note, "spacing from Imager Pixel Spacing");
    }

    #[test]
    fn a_measurement_without_result_lines_has_an_empty_value() {
        let none: Vec<String> = Vec::new();
        let rows =
            measurement_rows(&[MeasurementInput { id: 1, tool: "angle", frame: (0, 0), lines: &none }], &[(0, 0)]);
        assert_eq!((rows[0].value.as_str(), rows[0].note.as_str()), ("", ""));
        assert!(measurement_rows(&[], &[]).is_empty());
    }

    #[test]
    fn study_context_reads_names_and_dates_per_language() {
        let context = study_context(Lang::En, "Doe^Jane", "20240305", " CT HEAD ");
        assert_eq!(context.patient, "Doe, Jane");
        assert_eq!(context.date, "Mar 5, 2024");
        assert_eq!(context.description, "CT HEAD");
        assert_eq!(localized_da(Lang::De, "20240305"), "05.03.2024");
        assert_eq!(localized_da(Lang::Zh, "2024.03.05"), "2024年3月5日");
        // Not a date: shown as stored; an impossible month too.
        assert_eq!(localized_da(Lang::En, "2024"), "2024");
        assert_eq!(localized_da(Lang::En, "20241305"), "20241305");
        assert_eq!(localized_da(Lang::En, ""), "");
    }

    #[test]
    fn menu_keys_wrap_and_jump_to_the_ends() {
        assert_eq!(menu_focus_target("ArrowDown", None, 3), Some(0));
        assert_eq!(menu_focus_target("ArrowDown", Some(2), 3), Some(0));
        assert_eq!(menu_focus_target("ArrowUp", Some(0), 3), Some(2));
        assert_eq!(menu_focus_target("ArrowUp", None, 3), Some(2));
        assert_eq!(menu_focus_target("ArrowUp", Some(9), 3), Some(2));
        assert_eq!(menu_focus_target("Home", Some(2), 3), Some(0));
        assert_eq!(menu_focus_target("End", Some(0), 3), Some(2));
        assert_eq!(menu_focus_target("a", Some(0), 3), None);
        assert_eq!(menu_focus_target("ArrowDown", None, 0), None);
    }

    #[test]
    fn panels_start_open_only_where_the_image_keeps_640_px() {
        assert_eq!(default_panels(1400.0), (true, true));
        assert_eq!(default_panels(1024.0), (true, false));
        assert_eq!(default_panels(768.0), (false, false));
        assert_eq!(default_panels(390.0), (false, false));
    }

    #[test]
    fn tabs_have_stable_names_and_phones_end_at_700_px() {
        for tab in SidePanelTab::ALL {
            assert_eq!(SidePanelTab::from_name(tab.name()), Some(tab));
        }
        assert_eq!(SidePanelTab::from_name("segmentation"), None);
        assert_eq!(visible_tabs(PanelContent::default()), vec![SidePanelTab::Measurements, SidePanelTab::Tags]);
        let all = PanelContent {
            segmentations_or_structures: true,
            reports_or_key_images: true,
            presentation_states: true,
            fusable_series: true,
        };
        assert_eq!(visible_tabs(all), SidePanelTab::ALL.to_vec());
        let reports = PanelContent { reports_or_key_images: true, ..PanelContent::default() };
        assert_eq!(visible_tabs(reports), vec![SidePanelTab::Measurements, SidePanelTab::Report, SidePanelTab::Tags]);
        assert!(is_phone(390.0) && is_phone(700.0) && !is_phone(768.0));
    }
}
