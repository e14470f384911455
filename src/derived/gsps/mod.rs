//! Grayscale Softcopy Presentation State (PS3.3 A.33.1): which images it applies to
//! (C.11.11 Presentation State Relationship), its grey transforms (C.11.1 Modality LUT, C.11.8
//! Softcopy VOI LUT, C.11.6 Presentation LUT), spatial transformation (C.10.6), displayed area
//! (C.10.4), graphic annotations and layers (C.10.5, C.10.7), display shutters (C.7.6.11,
//! C.7.6.15 Bitmap Display Shutter) and overlay activation (C.11.7).
//!
//! `parse` reads all of it into plain values with limits; [`view`] turns the parts that change
//! how the image itself is shown into pipeline and view values the pane applies when the user
//! chooses the state; [`draw`] turns annotations, shutters and the state's overlay planes into
//! what is drawn over a frame.

mod draw;
pub mod view;

use dicom_core::Tag;
use dicom_dictionary_std::tags;
use dicom_object::InMemDicomObject;

use super::{DerivedError, References};
use crate::dicom::overlay::{overlay_groups, read_overlays, OverlayPlane};
use crate::dicom::Attributes;
use crate::pipeline::{
    LookupTable, ModalityLut, PresentationLut, PresentationShape, Rescale, Voi, VoiLutFunction, WindowLevel,
};

/// Most items read from any one sequence of a presentation state (annotations, text and
/// graphic objects, layers, VOI and displayed-area items, referenced images).
pub const MAX_ITEMS: usize = 10_000;
/// Most graphic points in the whole presentation state.
pub const MAX_POINTS: usize = 1_000_000;

/// A Referenced Image Sequence item: an image and, when listed, the frames (from 1) meant.
#[derive(Clone, Debug, PartialEq)]
pub struct ImageRef {
    pub sop_instance_uid: String,
    /// Referenced Frame Number (0008,1160); empty: every frame.
    pub frames: Vec<u32>,
}

/// Whether a list of references (empty: every image the state applies to) names this frame.
pub fn applies(references: &[ImageRef], sop_instance_uid: &str, frame_number: u32) -> bool {
    references.is_empty()
        || references.iter().any(|r| {
            r.sop_instance_uid == sop_instance_uid && (r.frames.is_empty() || r.frames.contains(&frame_number))
        })
}

/// Annotation units (C.10.5.1.1): image pixels, or fractions of the displayed area.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Units {
    /// Sub-pixel image coordinates, (0, 0) the top-left corner of the first pixel.
    Pixel,
    /// 0..1 of the displayed area as shown (after rotation and flip).
    Display,
}

impl Units {
    fn parse(value: Option<String>) -> Units {
        match value.as_deref() {
            Some("DISPLAY") => Units::Display,
            _ => Units::Pixel,
        }
    }
}

/// Graphic Type (0070,0023).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GraphicType {
    Point,
    Polyline,
    Interpolated,
    Circle,
    Ellipse,
}

/// Graphic Object Sequence item (C.10.5.1.2).
#[derive(Clone, Debug, PartialEq)]
pub struct GraphicObject {
    pub units: Units,
    pub kind: GraphicType,
    /// (column, row) pairs in `units`.
    pub points: Vec<(f64, f64)>,
    pub filled: bool,
}

/// A bounding box: its units, top-left and bottom-right corners.
pub type BoundingBox = (Units, (f64, f64), (f64, f64));

/// Text Object Sequence item (C.10.5.1.1).
#[derive(Clone, Debug, PartialEq)]
pub struct TextObject {
    pub text: String,
    /// Bounding box (top-left, bottom-right) and its units.
    pub bounding_box: Option<BoundingBox>,
    /// Anchor point, its units and whether it is drawn (joined to the box).
    pub anchor: Option<(Units, (f64, f64), bool)>,
}

/// Graphic Annotation Sequence item: objects on one layer for some images.
#[derive(Clone, Debug, PartialEq)]
pub struct Annotation {
    pub layer: String,
    pub images: Vec<ImageRef>,
    pub texts: Vec<TextObject>,
    pub graphics: Vec<GraphicObject>,
}

/// Graphic Layer Sequence item (C.10.7).
#[derive(Clone, Debug, PartialEq)]
pub struct GraphicLayer {
    pub name: String,
    pub order: i64,
    /// Recommended Display Grayscale Value, a P-value 0..65535.
    pub grey: Option<u16>,
    /// Recommended Display CIELab Value (DICOM-scaled).
    pub cielab: Option<[u16; 3]>,
    pub description: Option<String>,
}

impl GraphicLayer {
    /// The layer's colour as sRGB: CIELab first, else grey, else `fallback`.
    pub fn rgb(&self, fallback: [u8; 3]) -> [u8; 3] {
        if let Some(lab) = self.cielab {
            return super::cielab::dicom_lab_to_srgb(lab);
        }
        match self.grey {
            Some(p) => [p_value_to_byte(p); 3],
            None => fallback,
        }
    }
}

/// A 16-bit P-value as an 8-bit grey level (linear: the display function is not modelled).
pub fn p_value_to_byte(p: u16) -> u8 {
    ((f64::from(p) * 255.0 / 65535.0).round()) as u8
}

/// Presentation Size Mode (0070,0100).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SizeMode {
    ScaleToFit,
    /// Physical size on the display (needs the display's pixel pitch; shown fitted here).
    TrueSize,
    /// Presentation Pixel Magnification Ratio: display pixels per image pixel.
    Magnify(f64),
}

/// Displayed Area Selection Sequence item (C.10.4).
#[derive(Clone, Debug, PartialEq)]
pub struct DisplayedArea {
    pub images: Vec<ImageRef>,
    /// Displayed Area Top Left / Bottom Right Hand Corner, (column, row) of pixels from 1;
    /// they may lie outside the image.
    pub top_left: (i64, i64),
    pub bottom_right: (i64, i64),
    pub size_mode: SizeMode,
    /// Presentation Pixel Spacing, row then column, mm.
    pub pixel_spacing_mm: Option<[f64; 2]>,
    /// Presentation Pixel Aspect Ratio, row : column.
    pub pixel_aspect: Option<(i64, i64)>,
}

/// Softcopy VOI LUT Sequence item (C.11.8).
#[derive(Clone, Debug, PartialEq)]
pub struct SoftcopyVoi {
    pub images: Vec<ImageRef>,
    pub voi: Voi,
    pub explanation: Option<String>,
}

/// One Display Shutter shape (C.7.6.11), coordinates in image pixels from 1.
#[derive(Clone, Debug, PartialEq)]
pub enum ShutterShape {
    /// Left/right vertical edges (columns) and upper/lower horizontal edges (rows).
    Rectangular { left: i64, right: i64, upper: i64, lower: i64 },
    /// Centre (row, column) and radius in pixels.
    Circular { center: (i64, i64), radius: i64 },
    /// Vertices (row, column).
    Polygonal { vertices: Vec<(i64, i64)> },
}

/// Display Shutter and Bitmap Display Shutter of the state.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Shutter {
    /// The visible region is inside every shape.
    pub shapes: Vec<ShutterShape>,
    /// Shutter Overlay Group: a 60xx overlay of the state whose set bits are shuttered.
    pub bitmap_group: Option<u16>,
    /// Shutter Presentation Value (P-value); black when absent.
    pub presentation_value: Option<u16>,
    pub cielab: Option<[u16; 3]>,
}

impl Shutter {
    pub fn is_empty(&self) -> bool {
        self.shapes.is_empty() && self.bitmap_group.is_none()
    }

    /// The colour shuttered pixels are drawn in.
    pub fn rgb(&self) -> [u8; 3] {
        if let Some(lab) = self.cielab {
            return super::cielab::dicom_lab_to_srgb(lab);
        }
        [p_value_to_byte(self.presentation_value.unwrap_or(0)); 3]
    }
}

/// An overlay plane with its data in the state: shown on a graphic layer when activated,
/// or the bitmap of a Bitmap Display Shutter.
#[derive(Clone, Debug, PartialEq)]
pub struct StateOverlay {
    pub plane: OverlayPlane,
    /// Overlay Activation Layer (60xx,1001); None: not shown as an overlay.
    pub layer: Option<String>,
}

/// One parsed presentation state.
#[derive(Clone, Debug, PartialEq)]
pub struct PresentationState {
    pub sop_instance_uid: String,
    /// Content Label (0070,0080).
    pub label: String,
    pub description: Option<String>,
    pub creator: Option<String>,
    /// Presentation Creation Date (DA) and Time (TM) as found.
    pub creation_date: Option<String>,
    pub creation_time: Option<String>,
    /// Series Instance UIDs of the Referenced Series Sequence.
    pub series: Vec<String>,
    /// Every image the state applies to.
    pub images: Vec<ImageRef>,
    pub modality_lut: Option<ModalityLut>,
    pub vois: Vec<SoftcopyVoi>,
    pub presentation: PresentationLut,
    /// Image Rotation, degrees clockwise (0, 90, 180, 270).
    pub rotation_degrees: u16,
    /// Image Horizontal Flip, applied after the rotation.
    pub flip_horizontal: bool,
    pub displayed_areas: Vec<DisplayedArea>,
    pub layers: Vec<GraphicLayer>,
    pub annotations: Vec<Annotation>,
    pub shutter: Shutter,
    /// Overlay planes stored in the state.
    pub overlays: Vec<StateOverlay>,
    /// Image overlay groups (60xx in the image) the state activates, with their layer.
    pub activated_image_overlays: Vec<(u16, String)>,
}

fn attribute(keyword: &'static str, reason: impl Into<String>) -> DerivedError {
    DerivedError::Attribute { keyword, reason: reason.into() }
}

/// Items of a sequence, refused beyond [`MAX_ITEMS`].
fn items<'a>(attrs: Attributes<'a>, tag: Tag, keyword: &'static str) -> Result<&'a [InMemDicomObject], DerivedError> {
    let items = attrs.items(tag);
    if items.len() > MAX_ITEMS {
        return Err(DerivedError::TooLarge {
            what: format!("{keyword} ({} items)", items.len()),
            limit: MAX_ITEMS as u64,
        });
    }
    Ok(items)
}

fn image_refs(attrs: Attributes) -> Result<Vec<ImageRef>, DerivedError> {
    let mut out = Vec::new();
    for item in items(attrs, tags::REFERENCED_IMAGE_SEQUENCE, "ReferencedImageSequence")? {
        let item = Attributes(item);
        let Some(uid) = item.string(tags::REFERENCED_SOP_INSTANCE_UID) else { continue };
        let frames =
            item.ints(tags::REFERENCED_FRAME_NUMBER).into_iter().filter_map(|f| u32::try_from(f).ok()).collect();
        out.push(ImageRef { sop_instance_uid: uid, frames });
    }
    Ok(out)
}

/// (x, y) pairs of a float attribute; an odd trailing value is dropped.
fn pairs(values: &[f64]) -> Vec<(f64, f64)> {
    values.chunks_exact(2).map(|p| (p[0], p[1])).collect()
}

fn read_lut(item: Attributes, keyword: &'static str) -> Result<LookupTable, DerivedError> {
    let descriptor = item.ints(tags::LUT_DESCRIPTOR);
    let data = item.words(tags::LUT_DATA).ok_or_else(|| attribute(keyword, "has no LUT Data"))?;
    // The second descriptor value is read as unsigned here; SS descriptors in presentation
    // states name first values ≥ 0 in practice (C.11.2.1.1.1).
    LookupTable::from_descriptor(keyword, &descriptor, &data, false).map_err(|e| attribute(keyword, e.to_string()))
}

impl PresentationState {
    /// Reads a presentation state from its whole data set.
    pub fn parse(dataset: &InMemDicomObject) -> Result<PresentationState, DerivedError> {
        let attrs = Attributes(dataset);
        let sop_instance_uid =
            attrs.string(tags::SOP_INSTANCE_UID).ok_or_else(|| attribute("SOPInstanceUID", "is missing"))?;
        let mut series = Vec::new();
        let mut images = Vec::new();
        for item in items(attrs, tags::REFERENCED_SERIES_SEQUENCE, "ReferencedSeriesSequence")? {
            let item = Attributes(item);
            if let Some(uid) = item.string(tags::SERIES_INSTANCE_UID) {
                series.push(uid);
            }
            images.extend(image_refs(item)?);
            if images.len() > MAX_ITEMS {
                return Err(DerivedError::TooLarge {
                    what: "Referenced Image Sequence".into(),
                    limit: MAX_ITEMS as u64,
                });
            }
        }
        if images.is_empty() {
            return Err(attribute("ReferencedSeriesSequence", "names no image"));
        }
        let modality_lut = match attrs.item(tags::MODALITY_LUT_SEQUENCE) {
            Some(item) => Some(ModalityLut::Table(read_lut(item, "ModalityLUTSequence")?)),
            None => match (attrs.float(tags::RESCALE_SLOPE), attrs.float(tags::RESCALE_INTERCEPT)) {
                (None, None) => None,
                (slope, intercept) => Some(ModalityLut::Rescale(Rescale {
                    slope: slope.filter(|s| *s != 0.0).unwrap_or(1.0),
                    intercept: intercept.unwrap_or(0.0),
                })),
            },
        };
        let mut vois = Vec::new();
        for item in items(attrs, tags::SOFTCOPY_VOILUT_SEQUENCE, "SoftcopyVOILUTSequence")? {
            let item = Attributes(item);
            let images = image_refs(item)?;
            let function =
                item.string(tags::VOILUT_FUNCTION).and_then(|f| VoiLutFunction::parse(&f)).unwrap_or_default();
            let centers = item.floats(tags::WINDOW_CENTER);
            let widths = item.floats(tags::WINDOW_WIDTH);
            if let (Some(center), Some(width)) = (centers.first(), widths.first().filter(|w| **w > 0.0)) {
                vois.push(SoftcopyVoi {
                    images,
                    voi: Voi::Window(WindowLevel { center: *center, width: *width, function }),
                    explanation: item.strings(tags::WINDOW_CENTER_WIDTH_EXPLANATION).into_iter().next(),
                });
            } else if let Some(lut) = item.item(tags::VOILUT_SEQUENCE) {
                vois.push(SoftcopyVoi {
                    images,
                    voi: Voi::Table(read_lut(lut, "VOILUTSequence")?),
                    explanation: lut.string(tags::LUT_EXPLANATION),
                });
            }
        }
        let presentation = match attrs.item(tags::PRESENTATION_LUT_SEQUENCE) {
            Some(item) => PresentationLut::Table(read_lut(item, "PresentationLUTSequence")?),
            None => PresentationLut::Shape(PresentationShape::effective(
                false,
                attrs.string(tags::PRESENTATION_LUT_SHAPE).as_deref(),
            )),
        };
        let rotation_degrees = match attrs.int(tags::IMAGE_ROTATION).unwrap_or(0) {
            r @ (0 | 90 | 180 | 270) => r as u16,
            other => return Err(attribute("ImageRotation", format!("is {other} (expected 0, 90, 180 or 270)"))),
        };
        let flip_horizontal = attrs.string(tags::IMAGE_HORIZONTAL_FLIP).as_deref() == Some("Y");
        let mut displayed_areas = Vec::new();
        for item in items(attrs, tags::DISPLAYED_AREA_SELECTION_SEQUENCE, "DisplayedAreaSelectionSequence")? {
            let item = Attributes(item);
            let corner = |tag, keyword| match item.ints(tag).as_slice() {
                [column, row, ..] => Ok((*column, *row)),
                _ => Err(attribute(keyword, "is missing")),
            };
            let top_left = corner(tags::DISPLAYED_AREA_TOP_LEFT_HAND_CORNER, "DisplayedAreaTopLeftHandCorner")?;
            let bottom_right =
                corner(tags::DISPLAYED_AREA_BOTTOM_RIGHT_HAND_CORNER, "DisplayedAreaBottomRightHandCorner")?;
            let size_mode = match item.string(tags::PRESENTATION_SIZE_MODE).as_deref() {
                Some("TRUE SIZE") => SizeMode::TrueSize,
                Some("MAGNIFY") => SizeMode::Magnify(
                    item.float(tags::PRESENTATION_PIXEL_MAGNIFICATION_RATIO).filter(|m| *m > 0.0).unwrap_or(1.0),
                ),
                _ => SizeMode::ScaleToFit,
            };
            let spacing = item.floats(tags::PRESENTATION_PIXEL_SPACING);
            let aspect = item.ints(tags::PRESENTATION_PIXEL_ASPECT_RATIO);
            displayed_areas.push(DisplayedArea {
                images: image_refs(item)?,
                top_left,
                bottom_right,
                size_mode,
                pixel_spacing_mm: match spacing.as_slice() {
                    [row, column, ..] if *row > 0.0 && *column > 0.0 => Some([*row, *column]),
                    _ => None,
                },
                pixel_aspect: match aspect.as_slice() {
                    [row, column, ..] if *row > 0 && *column > 0 => Some((*row, *column)),
                    _ => None,
                },
            });
        }
        let mut layers = Vec::new();
        for item in items(attrs, tags::GRAPHIC_LAYER_SEQUENCE, "GraphicLayerSequence")? {
            let item = Attributes(item);
            let Some(name) = item.string(tags::GRAPHIC_LAYER) else { continue };
            let lab = item.ints(tags::GRAPHIC_LAYER_RECOMMENDED_DISPLAY_CIE_LAB_VALUE);
            layers.push(GraphicLayer {
                name,
                order: item.int(tags::GRAPHIC_LAYER_ORDER).unwrap_or(0),
                grey: item.u16(tags::GRAPHIC_LAYER_RECOMMENDED_DISPLAY_GRAYSCALE_VALUE),
                cielab: cielab(&lab),
                description: item.string(tags::GRAPHIC_LAYER_DESCRIPTION),
            });
        }
        layers.sort_by_key(|l| l.order);
        let mut points = 0usize;
        let mut annotations = Vec::new();
        for item in items(attrs, tags::GRAPHIC_ANNOTATION_SEQUENCE, "GraphicAnnotationSequence")? {
            let item = Attributes(item);
            let layer = item.string(tags::GRAPHIC_LAYER).unwrap_or_default();
            let mut texts = Vec::new();
            for text in items(item, tags::TEXT_OBJECT_SEQUENCE, "TextObjectSequence")? {
                let text = Attributes(text);
                let corners = (
                    pairs(&text.floats(tags::BOUNDING_BOX_TOP_LEFT_HAND_CORNER)).first().copied(),
                    pairs(&text.floats(tags::BOUNDING_BOX_BOTTOM_RIGHT_HAND_CORNER)).first().copied(),
                );
                let bounding_box = match corners {
                    (Some(a), Some(b)) => Some((Units::parse(text.string(tags::BOUNDING_BOX_ANNOTATION_UNITS)), a, b)),
                    _ => None,
                };
                let anchor = pairs(&text.floats(tags::ANCHOR_POINT)).first().map(|p| {
                    (
                        Units::parse(text.string(tags::ANCHOR_POINT_ANNOTATION_UNITS)),
                        *p,
                        text.string(tags::ANCHOR_POINT_VISIBILITY).as_deref() == Some("Y"),
                    )
                });
                if bounding_box.is_none() && anchor.is_none() {
                    continue;
                }
                texts.push(TextObject {
                    text: text.string(tags::UNFORMATTED_TEXT_VALUE).unwrap_or_default(),
                    bounding_box,
                    anchor,
                });
            }
            let mut graphics = Vec::new();
            for graphic in items(item, tags::GRAPHIC_OBJECT_SEQUENCE, "GraphicObjectSequence")? {
                let graphic = Attributes(graphic);
                let kind = match graphic.string(tags::GRAPHIC_TYPE).as_deref() {
                    Some("POINT") => GraphicType::Point,
                    Some("POLYLINE") => GraphicType::Polyline,
                    Some("INTERPOLATED") => GraphicType::Interpolated,
                    Some("CIRCLE") => GraphicType::Circle,
                    Some("ELLIPSE") => GraphicType::Ellipse,
                    _ => continue,
                };
                let data = pairs(&graphic.floats(tags::GRAPHIC_DATA));
                points += data.len();
                if points > MAX_POINTS {
                    return Err(DerivedError::TooLarge { what: "Graphic Data".into(), limit: MAX_POINTS as u64 });
                }
                let needed = match kind {
                    GraphicType::Point => 1,
                    GraphicType::Polyline | GraphicType::Interpolated | GraphicType::Circle => 2,
                    GraphicType::Ellipse => 4,
                };
                if data.len() < needed {
                    continue;
                }
                graphics.push(GraphicObject {
                    units: Units::parse(graphic.string(tags::GRAPHIC_ANNOTATION_UNITS)),
                    kind,
                    points: data,
                    filled: graphic.string(tags::GRAPHIC_FILLED).as_deref() == Some("Y"),
                });
            }
            annotations.push(Annotation { layer, images: image_refs(item)?, texts, graphics });
        }
        let shutter = read_shutter(attrs)?;
        let (overlays, activated_image_overlays) = read_overlay_activation(attrs);
        Ok(PresentationState {
            sop_instance_uid,
            label: attrs.string(tags::CONTENT_LABEL).unwrap_or_default(),
            description: attrs.string(tags::CONTENT_DESCRIPTION),
            creator: attrs.string(tags::CONTENT_CREATOR_NAME),
            creation_date: attrs.string(tags::PRESENTATION_CREATION_DATE),
            creation_time: attrs.string(tags::PRESENTATION_CREATION_TIME),
            series,
            images,
            modality_lut,
            vois,
            presentation,
            rotation_degrees,
            flip_horizontal,
            displayed_areas,
            layers,
            annotations,
            shutter,
            overlays,
            activated_image_overlays,
        })
    }

    pub fn references(&self) -> References {
        References {
            instances: self
                .images
                .iter()
                .flat_map(|r| {
                    let frames: Vec<Option<u32>> =
                        if r.frames.is_empty() { vec![None] } else { r.frames.iter().map(|f| Some(*f)).collect() };
                    frames.into_iter().map(move |f| (r.sop_instance_uid.clone(), f))
                })
                .collect(),
            series: self.series.clone(),
            frame_of_reference_uid: String::new(),
        }
    }

    /// Whether the state applies to this frame of this image.
    pub fn applies_to(&self, sop_instance_uid: &str, frame_number: u32) -> bool {
        !self.images.is_empty() && applies(&self.images, sop_instance_uid, frame_number)
    }

    /// Whether the image's own overlay plane `group` is shown while this state is applied
    /// (C.11.7: only the planes the state activates on a layer).
    pub fn shows_image_overlay(&self, group: u16) -> bool {
        self.activated_image_overlays.iter().any(|(g, _)| *g == group)
    }

    /// The layer named `name`, and its 1-based position in layer order (the item number the
    /// panel's hidden set uses).
    pub fn layer(&self, name: &str) -> Option<(u32, &GraphicLayer)> {
        self.layers.iter().enumerate().find(|(_, l)| l.name == name).map(|(i, l)| (i as u32 + 1, l))
    }
}

fn cielab(values: &[i64]) -> Option<[u16; 3]> {
    match values {
        [l, a, b, ..] => Some([*l, *a, *b].map(|v| v.clamp(0, 65535) as u16)),
        _ => None,
    }
}

fn read_shutter(attrs: Attributes) -> Result<Shutter, DerivedError> {
    let mut shutter = Shutter {
        presentation_value: attrs.u16(tags::SHUTTER_PRESENTATION_VALUE),
        cielab: cielab(&attrs.ints(tags::SHUTTER_PRESENTATION_COLOR_CIE_LAB_VALUE)),
        bitmap_group: attrs.u16(tags::SHUTTER_OVERLAY_GROUP).filter(|g| overlay_groups().any(|o| o == *g)),
        shapes: Vec::new(),
    };
    let shapes = attrs.strings(tags::SHUTTER_SHAPE);
    let has = |name: &str| shapes.iter().any(|s| s == name);
    if has("RECTANGULAR") {
        let edge =
            |tag, keyword| attrs.int(tag).ok_or_else(|| attribute(keyword, "is missing for a RECTANGULAR shutter"));
        shutter.shapes.push(ShutterShape::Rectangular {
            left: edge(tags::SHUTTER_LEFT_VERTICAL_EDGE, "ShutterLeftVerticalEdge")?,
            right: edge(tags::SHUTTER_RIGHT_VERTICAL_EDGE, "ShutterRightVerticalEdge")?,
            upper: edge(tags::SHUTTER_UPPER_HORIZONTAL_EDGE, "ShutterUpperHorizontalEdge")?,
            lower: edge(tags::SHUTTER_LOWER_HORIZONTAL_EDGE, "ShutterLowerHorizontalEdge")?,
        });
    }
    if has("CIRCULAR") {
        let center = attrs.ints(tags::CENTER_OF_CIRCULAR_SHUTTER);
        let radius = attrs.int(tags::RADIUS_OF_CIRCULAR_SHUTTER);
        match (center.as_slice(), radius) {
            ([row, column, ..], Some(radius)) => {
                shutter.shapes.push(ShutterShape::Circular { center: (*row, *column), radius })
            }
            _ => return Err(attribute("CenterOfCircularShutter", "or its radius is missing for a CIRCULAR shutter")),
        }
    }
    if has("POLYGONAL") {
        let values = attrs.ints(tags::VERTICES_OF_THE_POLYGONAL_SHUTTER);
        if values.len() > 2 * MAX_ITEMS {
            return Err(DerivedError::TooLarge {
                what: "Vertices of the Polygonal Shutter".into(),
                limit: MAX_ITEMS as u64,
            });
        }
        let vertices: Vec<(i64, i64)> = values.chunks_exact(2).map(|p| (p[0], p[1])).collect();
        if vertices.len() < 3 {
            return Err(attribute("VerticesOfThePolygonalShutter", "has fewer than 3 vertices"));
        }
        shutter.shapes.push(ShutterShape::Polygonal { vertices });
    }
    Ok(shutter)
}

/// Overlay Activation Layer (60xx,1001) of each group: planes with data in the state are read
/// here; the others name overlays of the image.
fn read_overlay_activation(attrs: Attributes) -> (Vec<StateOverlay>, Vec<(u16, String)>) {
    let activation = tags::OVERLAY_ACTIVATION_LAYER.inner().element();
    // The state's own planes: image size is unknown here, so embedded (retired) planes cannot
    // exist in a state; Overlay Data planes keep their declared size.
    let (planes, _) = read_overlays(attrs, 0, 0, 0);
    let mut image = Vec::new();
    for group in overlay_groups() {
        let Some(layer) = attrs.string(Tag(group, activation)) else { continue };
        if !planes.iter().any(|p| p.group == group) {
            image.push((group, layer));
        }
    }
    let own = planes
        .into_iter()
        .map(|plane| {
            let layer = attrs.string(Tag(plane.group, activation));
            StateOverlay { plane, layer }
        })
        .collect();
    (own, image)
}

/// What a state changes, for its row in the Presentation tab (one word each, translated there).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Feature {
    /// Its own Modality LUT.
    ModalityLut,
    /// A window (center, width as whole numbers) or a VOI LUT table.
    Voi,
    PresentationLut,
    Inverse,
    /// Image Rotation in degrees.
    Rotation(u16),
    Flip,
    DisplayedArea,
    /// Text and graphic objects.
    Annotations(usize),
    Shutter,
    /// Overlay planes activated (its own and the image's).
    Overlays(usize),
}

impl PresentationState {
    /// What applying the state changes, in display-chain order.
    pub fn features(&self) -> Vec<Feature> {
        let mut out = Vec::new();
        if self.modality_lut.is_some() {
            out.push(Feature::ModalityLut);
        }
        if !self.vois.is_empty() {
            out.push(Feature::Voi);
        }
        match &self.presentation {
            PresentationLut::Table(_) => out.push(Feature::PresentationLut),
            PresentationLut::Shape(PresentationShape::Inverse) => out.push(Feature::Inverse),
            PresentationLut::Shape(PresentationShape::Identity) => {}
        }
        if self.rotation_degrees != 0 {
            out.push(Feature::Rotation(self.rotation_degrees));
        }
        if self.flip_horizontal {
            out.push(Feature::Flip);
        }
        if !self.displayed_areas.is_empty() {
            out.push(Feature::DisplayedArea);
        }
        let objects: usize = self.annotations.iter().map(|a| a.texts.len() + a.graphics.len()).sum();
        if objects > 0 {
            out.push(Feature::Annotations(objects));
        }
        if !self.shutter.is_empty() {
            out.push(Feature::Shutter);
        }
        let overlays = self.overlays.iter().filter(|o| o.layer.is_some()).count() + self.activated_image_overlays.len();
        if overlays > 0 {
            out.push(Feature::Overlays(overlays));
        }
        out
    }
}
