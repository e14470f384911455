//! The events the viewer posts to its host page: `{ "type": "dicom-viewer:event", "event":
//! NAME, … }`, and the bookkeeping that decides when one is due (a new display set drawn, another
//! slice drawn, a measurement finished, an error reported), kept here so it is tested natively.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use super::protocol::{ToolName, COMMANDS, EVENT_TYPE, PROTOCOL_VERSION};
use crate::viewer::measure;
use crate::viewer::roi::{Roi, RoiShape};
use crate::viewer::spacing::Spacing;

/// The image a viewport shows.
#[derive(Clone, Debug, PartialEq)]
pub struct ImageInfo {
    pub viewport: usize,
    pub study_instance_uid: String,
    pub series_instance_uid: String,
    pub sop_instance_uid: String,
    /// 0-based slice in the display set (as `setSlice` takes it).
    pub frame: u32,
    /// Slices in the display set now (it may still grow while a study arrives).
    pub total: u32,
}

/// A finished measurement.
#[derive(Clone, Debug, PartialEq)]
pub struct MeasurementInfo {
    pub viewport: usize,
    pub tool: ToolName,
    /// The number (None when it has none, e.g. an angle with a zero-length arm).
    pub value: Option<f64>,
    /// "mm", "px", "mm²", "px²" or "deg".
    pub unit: Option<&'static str>,
    /// The lines shown beside it (ROI statistics, spacing caveats).
    pub text: Vec<String>,
    pub sop_instance_uid: String,
    pub frame: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    Ready,
    ImageShown(ImageInfo),
    SliceChanged(ImageInfo),
    MeasurementAdded(MeasurementInfo),
    Error { message: String },
}

fn image_fields(info: &ImageInfo) -> Map<String, Value> {
    let value = json!({
        "viewport": info.viewport,
        "studyInstanceUID": info.study_instance_uid,
        "seriesInstanceUID": info.series_instance_uid,
        "sopInstanceUID": info.sop_instance_uid,
        "frame": info.frame,
        "total": info.total,
    });
    value.as_object().cloned().unwrap_or_default()
}

impl Event {
    pub fn name(&self) -> &'static str {
        match self {
            Event::Ready => "ready",
            Event::ImageShown(_) => "imageShown",
            Event::SliceChanged(_) => "sliceChanged",
            Event::MeasurementAdded(_) => "measurementAdded",
            Event::Error { .. } => "error",
        }
    }

    /// The message posted to the host.
    pub fn to_json(&self) -> Value {
        let mut fields = match self {
            Event::Ready => {
                json!({ "protocol": PROTOCOL_VERSION, "commands": COMMANDS }).as_object().cloned().unwrap_or_default()
            }
            Event::ImageShown(info) | Event::SliceChanged(info) => image_fields(info),
            Event::MeasurementAdded(m) => json!({
                "viewport": m.viewport,
                "tool": m.tool.as_str(),
                "value": m.value,
                "unit": m.unit,
                "text": m.text,
                "sopInstanceUID": m.sop_instance_uid,
                "frame": m.frame,
            })
            .as_object()
            .cloned()
            .unwrap_or_default(),
            Event::Error { message } => {
                let mut map = Map::new();
                map.insert("message".into(), Value::String(message.clone()));
                map
            }
        };
        fields.insert("type".into(), Value::String(EVENT_TYPE.into()));
        fields.insert("event".into(), Value::String(self.name().into()));
        Value::Object(fields)
    }
}

/// The value and unit of a measurement from its points (image pixel coordinates) and the
/// instance's Pixel Spacing / Imager Pixel Spacing (row, column mm), as the viewport computes
/// it (`viewer::measure`, `viewer::roi`): length in mm (px without spacing), angle in degrees,
/// ROI area in mm² (px²).
pub fn measurement_value(
    tool: ToolName,
    points: &[(f64, f64)],
    pixel_spacing: Option<(f64, f64)>,
    imager_pixel_spacing: Option<(f64, f64)>,
) -> Option<(f64, &'static str)> {
    let spacing = Spacing::choose(pixel_spacing, imager_pixel_spacing);
    match (tool, points) {
        (ToolName::Length, [a, b]) => {
            let length = measure::length(&spacing, *a, *b);
            Some((length.value, length.unit))
        }
        (ToolName::Angle, [a, vertex, c]) => measure::angle(&spacing, *a, *vertex, *c).map(|d| (d, "deg")),
        (ToolName::Rectangle | ToolName::Ellipse, [a, b]) => {
            let shape = if tool == ToolName::Rectangle { RoiShape::Rectangle } else { RoiShape::Ellipse };
            let area = Roi { shape, corner: *a, opposite_corner: *b }.area(&spacing);
            Some((area.value, area.unit))
        }
        _ => None,
    }
}

/// What a viewport drew, compared with what it drew before.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// Another display set (or the first).
    ImageShown,
    /// The same display set, another slice.
    SliceChanged,
}

/// Remembers a viewport's last drawn (display set, slice).
#[derive(Clone, Debug, Default)]
pub struct ShownTracker {
    last: Option<(String, u32)>,
}

impl ShownTracker {
    /// Called after every draw (window changes redraw too: those are no change).
    pub fn observe(&mut self, display_set: &str, frame: u32) -> Option<Change> {
        let change = match &self.last {
            Some((set, _)) if set != display_set => Some(Change::ImageShown),
            Some((_, previous)) if *previous != frame => Some(Change::SliceChanged),
            Some(_) => None,
            None => Some(Change::ImageShown),
        };
        self.last = Some((display_set.to_string(), frame));
        change
    }

    /// The viewport was emptied: the next image drawn is shown anew.
    pub fn clear(&mut self) {
        self.last = None;
    }
}

/// Remembers which ids (measurements, error messages) were already announced.
#[derive(Clone, Debug, Default)]
pub struct SeenIds {
    seen: BTreeSet<u64>,
}

impl SeenIds {
    /// The ids of `current` not announced before, in their order; they count as announced now.
    /// Ids no longer present are forgotten (lists are cleared when a series changes).
    pub fn fresh(&mut self, current: &[u64]) -> Vec<u64> {
        let fresh: Vec<u64> = current.iter().copied().filter(|id| !self.seen.contains(id)).collect();
        self.seen = current.iter().copied().collect();
        fresh
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_messages() {
        let info = ImageInfo {
            viewport: 0,
            study_instance_uid: "1.2".into(),
            series_instance_uid: "1.2.3".into(),
            sop_instance_uid: "1.2.3.4".into(),
            frame: 64,
            total: 128,
        };
        assert_eq!(
            Event::SliceChanged(info.clone()).to_json(),
            json!({"type": EVENT_TYPE, "event": "sliceChanged", "viewport": 0, "studyInstanceUID": "1.2",
                   "seriesInstanceUID": "1.2.3", "sopInstanceUID": "1.2.3.4", "frame": 64, "total": 128})
        );
        assert_eq!(Event::ImageShown(info).to_json()["event"], json!("imageShown"));
        let ready = Event::Ready.to_json();
        assert_eq!(ready["event"], json!("ready"));
        assert_eq!(ready["protocol"], json!(PROTOCOL_VERSION));
        assert_eq!(ready["commands"].as_array().map(Vec::len), Some(COMMANDS.len()));
        assert_eq!(
            Event::Error { message: "x".into() }.to_json(),
            json!({"type": EVENT_TYPE, "event": "error", "message": "x"})
        );
        let m = MeasurementInfo {
            viewport: 1,
            tool: ToolName::Length,
            value: Some(12.5),
            unit: Some("mm"),
            text: vec!["12.5 mm".into()],
            sop_instance_uid: "1.2".into(),
            frame: 3,
        };
        let message = Event::MeasurementAdded(m).to_json();
        assert_eq!(message["tool"], json!("length"));
        assert_eq!(message["value"], json!(12.5));
        assert_eq!(message["unit"], json!("mm"));
    }

    #[test]
    fn measurement_values_use_the_spacing() {
        // 30 columns × 0.5 mm and 40 rows × 0.75 mm: 15 mm by 30 mm.
        let (value, unit) =
            measurement_value(ToolName::Length, &[(0.0, 0.0), (30.0, 40.0)], Some((0.75, 0.5)), None).expect("length");
        assert!((value - 15f64.hypot(30.0)).abs() < 1e-9);
        assert_eq!(unit, "mm");
        assert_eq!(measurement_value(ToolName::Length, &[(0.0, 0.0), (3.0, 4.0)], None, None), Some((5.0, "px")));
        let (degrees, unit) =
            measurement_value(ToolName::Angle, &[(10.0, 0.0), (0.0, 0.0), (0.0, 10.0)], None, None).expect("angle");
        assert!((degrees - 90.0).abs() < 1e-9);
        assert_eq!(unit, "deg");
        assert_eq!(measurement_value(ToolName::Angle, &[(0.0, 0.0), (0.0, 0.0), (0.0, 10.0)], None, None), None);
        assert_eq!(
            measurement_value(ToolName::Rectangle, &[(0.0, 0.0), (2.0, 3.0)], Some((1.0, 2.0)), None),
            Some((12.0, "mm²"))
        );
        assert_eq!(measurement_value(ToolName::Length, &[(0.0, 0.0)], None, None), None);
        assert_eq!(measurement_value(ToolName::Pan, &[(0.0, 0.0), (1.0, 1.0)], None, None), None);
    }

    #[test]
    fn shown_tracker() {
        let mut tracker = ShownTracker::default();
        assert_eq!(tracker.observe("a", 64), Some(Change::ImageShown));
        assert_eq!(tracker.observe("a", 64), None, "a window change redraws the same slice");
        assert_eq!(tracker.observe("a", 10), Some(Change::SliceChanged));
        assert_eq!(tracker.observe("b", 10), Some(Change::ImageShown));
        tracker.clear();
        assert_eq!(tracker.observe("b", 10), Some(Change::ImageShown));
    }

    #[test]
    fn seen_ids() {
        let mut seen = SeenIds::default();
        assert_eq!(seen.fresh(&[1, 2]), vec![1, 2]);
        assert_eq!(seen.fresh(&[1, 2, 5]), vec![5]);
        assert_eq!(seen.fresh(&[]), Vec::<u64>::new());
        assert_eq!(seen.fresh(&[7]), vec![7]);
    }
}
