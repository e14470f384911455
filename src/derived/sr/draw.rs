//! SR graphics over source frames. SCOORD (PS3.3 C.18.6) is drawn on the image it is SELECTED
//! FROM (SOP Instance UID, and the frame when Referenced Frame Number lists frames); its Graphic
//! Data are already image coordinates with (0, 0) at the top-left corner of the first pixel
//! (C.18.6.1.2), the convention of [`Shape`]. SCOORD3D (C.18.9) is drawn on every frame of the
//! same Frame of Reference whose plane holds all its points within half a slice thickness
//! (C.7.6.2.1.1 plane geometry), mapped to pixels. Labels are the measurement value with its
//! unit; the owner item is the measurement group's number (0 outside any group).

use super::tid1500::MeasurementGroup;
use super::{ContentItem, GraphicType, Relationship, SopReference, Value};
use crate::derived::SourceFrame;
use crate::viewer::layers::{FrameOverlays, Graphic, LayerStyle, Shape};

/// Colour of report graphics (a warm yellow that reads on grey images).
pub const SR_RGB: [u8; 3] = [255, 200, 40];
/// Stroke width, CSS pixels.
pub const SR_STROKE_PX: f64 = 1.5;
/// Half thickness used when a frame has no Slice Thickness, mm.
pub const DEFAULT_HALF_THICKNESS_MM: f64 = 0.5;

/// One SCOORD / SCOORD3D item ready to draw.
#[derive(Clone, Debug, PartialEq)]
pub struct Annotation {
    /// Index of the SCOORD / SCOORD3D item in [`super::Document::items`].
    pub item: usize,
    /// Number of the measurement group it belongs to, 0 when none.
    pub group: u32,
    /// The image an SCOORD is selected from (None for SCOORD3D).
    pub image: Option<SopReference>,
    /// The graphic itself, in image or patient coordinates.
    pub geometry: Geometry,
    /// "39.37 mm": the NUM it is inferred from, else its group's first measurement.
    pub label: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Geometry {
    Image { graphic_type: GraphicType, points: Vec<(f64, f64)> },
    Patient { graphic_type: GraphicType, frame_of_reference_uid: String, points: Vec<[f64; 3]> },
}

/// The IMAGE an SCOORD item is selected from (a SELECTED FROM child, by value or by reference).
pub fn selected_from(items: &[ContentItem], scoord: usize) -> Option<SopReference> {
    let item = items.get(scoord)?;
    item.children.iter().filter_map(|i| items.get(*i)).find_map(|child| {
        if child.relationship != Some(Relationship::SelectedFrom) {
            return None;
        }
        match &child.value {
            Value::Image(reference) => Some(reference.clone()),
            Value::Reference(position) => match items.get(resolve(items, position)?).map(|t| &t.value) {
                Some(Value::Image(reference)) => Some(reference.clone()),
                _ => None,
            },
            _ => None,
        }
    })
}

fn resolve(items: &[ContentItem], position: &[u32]) -> Option<usize> {
    let (first, rest) = position.split_first()?;
    if *first != 1 || items.is_empty() {
        return None;
    }
    let mut index = 0usize;
    for step in rest {
        index = *items.get(index)?.children.get((*step as usize).checked_sub(1)?)?;
    }
    Some(index)
}

/// Every drawable graphic of the tree with its group and label.
pub fn annotations(items: &[ContentItem], groups: &[MeasurementGroup]) -> Vec<Annotation> {
    let mut out = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let geometry = match &item.value {
            Value::Scoord { graphic_type, points } => {
                Geometry::Image { graphic_type: *graphic_type, points: points.clone() }
            }
            Value::Scoord3d { graphic_type, frame_of_reference_uid, points } => Geometry::Patient {
                graphic_type: *graphic_type,
                frame_of_reference_uid: frame_of_reference_uid.clone(),
                points: points.clone(),
            },
            _ => continue,
        };
        let group = groups.iter().filter(|g| g.graphics.contains(&index)).max_by_key(|g| g.item);
        let parent_num = item.parent.and_then(|p| items.get(p)).and_then(|p| match &p.value {
            Value::Num { measurement: Some(m), .. } => Some(m.label()),
            _ => None,
        });
        let group_num = || group.and_then(|g| g.measurements.iter().find_map(|m| m.value.as_ref().map(|v| v.label())));
        let image = matches!(geometry, Geometry::Image { .. }).then(|| selected_from(items, index)).flatten();
        out.push(Annotation {
            item: index,
            group: group.map(|g| g.number).unwrap_or(0),
            image,
            geometry,
            label: parent_num.or_else(group_num),
        });
    }
    out
}

/// Adds the annotations lying on `frame` (and not hidden by `style`) to `out`.
pub fn draw_on(annotations: &[Annotation], frame: &SourceFrame, style: &LayerStyle, out: &mut FrameOverlays) {
    for annotation in annotations {
        if !style.shows(annotation.group) {
            continue;
        }
        let shapes = match &annotation.geometry {
            Geometry::Image { graphic_type, points } => {
                if !annotation.image.as_ref().is_some_and(|r| r.names(frame)) {
                    continue;
                }
                image_shapes(*graphic_type, points)
            }
            Geometry::Patient { graphic_type, frame_of_reference_uid, points } => {
                if frame_of_reference_uid.is_empty() || *frame_of_reference_uid != frame.frame_of_reference_uid {
                    continue;
                }
                let Some(plane) = Plane::of(frame) else { continue };
                let mut mapped = Vec::with_capacity(points.len());
                for point in points {
                    match plane.pixel(*point) {
                        Some(pixel) => mapped.push(pixel),
                        None => break,
                    }
                }
                if mapped.len() != points.len() {
                    continue;
                }
                let graphic_type = match graphic_type {
                    GraphicType::Polygon => GraphicType::Polygon,
                    other => *other,
                };
                image_shapes(graphic_type, &mapped)
            }
        };
        let highlighted = style.selected == Some(annotation.group) && annotation.group != 0;
        for (n, shape) in shapes.into_iter().enumerate() {
            out.graphics.push(Graphic {
                shape,
                rgb: SR_RGB,
                width_px: if highlighted { SR_STROKE_PX * 2.0 } else { SR_STROKE_PX },
                fill_opacity: 0.0,
                label: if n == 0 { annotation.label.clone() } else { None },
                owner: ("sr", annotation.group),
                highlighted,
            });
        }
    }
}

/// The shapes of a graphic given in image coordinates.
fn image_shapes(graphic_type: GraphicType, points: &[(f64, f64)]) -> Vec<Shape> {
    match (graphic_type, points) {
        (GraphicType::Point, [at]) => vec![Shape::Point { at: *at }],
        (GraphicType::Multipoint, points) => points.iter().map(|at| Shape::Point { at: *at }).collect(),
        (GraphicType::Polyline, [only]) => vec![Shape::Point { at: *only }],
        (GraphicType::Polyline, points) if !points.is_empty() => {
            let closed = points.len() > 2 && points.first() == points.last();
            let mut points = points.to_vec();
            if closed {
                points.pop();
            }
            vec![Shape::Polyline { points, closed }]
        }
        (GraphicType::Polygon, points) if !points.is_empty() => {
            let mut points = points.to_vec();
            if points.len() > 1 && points.first() == points.last() {
                points.pop();
            }
            vec![Shape::Polyline { points, closed: true }]
        }
        (GraphicType::Circle, [center, edge]) => {
            let radius = ((edge.0 - center.0).powi(2) + (edge.1 - center.1).powi(2)).sqrt();
            vec![Shape::Circle { center: *center, radius }]
        }
        (GraphicType::Ellipse, [a, b, c, d]) => vec![Shape::Ellipse { major: [*a, *b], minor: [*c, *d] }],
        _ => Vec::new(),
    }
}

/// A frame's plane in patient space (PS3.3 C.7.6.2.1.1).
struct Plane {
    origin: [f64; 3],
    row_direction: [f64; 3],
    column_direction: [f64; 3],
    normal: [f64; 3],
    /// Spacing between columns (along a row), then between rows, mm.
    column_spacing_mm: f64,
    row_spacing_mm: f64,
    half_thickness_mm: f64,
}

impl Plane {
    fn of(frame: &SourceFrame) -> Option<Plane> {
        let origin = frame.position_mm?;
        let o = frame.orientation?;
        let spacing = frame.pixel_spacing_mm?;
        let row_direction = [o[0], o[1], o[2]];
        let column_direction = [o[3], o[4], o[5]];
        let normal = cross(row_direction, column_direction);
        let length = dot(normal, normal).sqrt();
        let valid = |v: f64| v.is_finite() && v > 0.0;
        if !valid(length) || !valid(spacing[0]) || !valid(spacing[1]) {
            return None;
        }
        let half_thickness_mm =
            frame.slice_thickness_mm.filter(|t| valid(*t)).map(|t| t / 2.0).unwrap_or(DEFAULT_HALF_THICKNESS_MM);
        Some(Plane {
            origin,
            row_direction,
            column_direction,
            normal: [normal[0] / length, normal[1] / length, normal[2] / length],
            column_spacing_mm: spacing[1],
            row_spacing_mm: spacing[0],
            half_thickness_mm,
        })
    }

    /// Image coordinates of a patient point (pixel corners at integers, so the first pixel's
    /// centre, which Image Position names, is (0.5, 0.5)); None when the point is farther from
    /// the plane than half the slice thickness.
    fn pixel(&self, point: [f64; 3]) -> Option<(f64, f64)> {
        let d = [point[0] - self.origin[0], point[1] - self.origin[1], point[2] - self.origin[2]];
        if !d.iter().all(|v| v.is_finite()) || dot(d, self.normal).abs() > self.half_thickness_mm + 1e-6 {
            return None;
        }
        let column = dot(d, self.row_direction) / self.column_spacing_mm + 0.5;
        let row = dot(d, self.column_direction) / self.row_spacing_mm + 0.5;
        Some((column, row))
    }
}

fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

fn cross(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
}
