//! RT Structure Set (PS3.3 C.8.8.5 Structure Set, C.8.8.6 ROI Contour, C.8.8.8 RT ROI
//! Observations): regions of interest as planar contours in patient coordinates (mm), drawn on
//! the source images they lie on.
//!
//! A contour is on a source frame when its Contour Image Sequence names that image (and frame);
//! a contour without image references is on every frame of the same Frame of Reference whose
//! plane lies within half a slice thickness of all its points. Points go from patient mm to
//! image pixels through the inverse of the PS3.3 C.7.6.2.1.1 equation ([`ImagePlane`]).
//!
//! Memory: points are kept as `f32` triples (12 bytes a point, about half the Contour Data
//! text they come from); nothing is rasterised here — the viewport draws the polylines.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use dicom_core::Tag;
use dicom_dictionary_std::tags;
use dicom_object::InMemDicomObject;

use super::kos::ImageLocation;
use super::{DerivedError, References, SourceFrame};
use crate::dicom::Attributes;
use crate::study::StudyLibrary;
use crate::viewer::layers::{FrameOverlays, Graphic, LayerStyle, Shape};

/// Most ROIs accepted in one structure set.
pub const MAX_ROIS: usize = 10_000;
/// Most contours accepted in one structure set (all ROIs).
pub const MAX_CONTOURS: usize = 2_000_000;
/// Most contour points accepted in one structure set (all contours): 192 MB of points.
pub const MAX_POINTS: usize = 16_000_000;

/// Stroke width of a contour in CSS pixels (the viewport doubles it for the ROI selected in
/// the panel, `Graphic::highlighted`).
pub const STROKE_WIDTH_PX: f64 = 1.5;

/// Plane tolerance when the source frame has no Slice Thickness (mm).
pub const DEFAULT_HALF_THICKNESS_MM: f64 = 0.5;

/// Contour Geometric Type (3006,0042), PS3.3 C.8.8.6.1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContourGeometry {
    /// CLOSED_PLANAR (and CLOSEDPLANAR_XOR, drawn the same way): a polygon, last point joined
    /// to the first.
    ClosedPlanar,
    /// OPEN_PLANAR and OPEN_NONPLANAR: a polyline.
    OpenPlanar,
    /// POINT: a single point.
    Point,
}

impl ContourGeometry {
    fn from_code(code: &str) -> Option<ContourGeometry> {
        match code {
            "CLOSED_PLANAR" | "CLOSEDPLANAR_XOR" => Some(ContourGeometry::ClosedPlanar),
            "OPEN_PLANAR" | "OPEN_NONPLANAR" => Some(ContourGeometry::OpenPlanar),
            "POINT" => Some(ContourGeometry::Point),
            _ => None,
        }
    }
}

/// One contour of a ROI.
#[derive(Clone, Debug, PartialEq)]
pub struct Contour {
    pub geometry: ContourGeometry,
    /// Contour Data (3006,0050): x, y, z in the patient coordinate system, mm.
    pub points_mm: Vec<[f32; 3]>,
    /// Contour Image Sequence (3006,0016): (Referenced SOP Instance UID, Referenced Frame
    /// Number). Empty: placed by plane distance.
    pub images: Vec<(String, Option<u32>)>,
}

/// One region of interest: Structure Set ROI Sequence item joined with its ROI Contour and RT
/// ROI Observations items by ROI Number.
#[derive(Clone, Debug, PartialEq)]
pub struct Roi {
    /// ROI Number (3006,0022), the item number of [`LayerStyle`].
    pub number: u32,
    pub name: String,
    /// Referenced Frame of Reference UID (3006,0024).
    pub frame_of_reference_uid: String,
    /// ROI Generation Algorithm (3006,0036): AUTOMATIC, SEMIAUTOMATIC, MANUAL.
    pub generation_algorithm: String,
    /// RT ROI Interpreted Type (3006,00A4): ORGAN, PTV, EXTERNAL… (empty when not given).
    pub interpreted_type: String,
    /// ROI Display Color (3006,002A), else a colour of [`FALLBACK_COLOURS`].
    pub rgb: [u8; 3],
    pub contours: Vec<Contour>,
}

/// Colours for ROIs without ROI Display Color, by position in the set.
pub const FALLBACK_COLOURS: [[u8; 3]; 8] = [
    [255, 64, 64],
    [64, 200, 64],
    [64, 128, 255],
    [255, 200, 0],
    [200, 64, 255],
    [0, 220, 220],
    [255, 128, 0],
    [255, 105, 180],
];

impl Roi {
    /// Number of distinct slices the ROI has contours on: distinct referenced images when
    /// every contour names one, else distinct planes (the first point's coordinate along the
    /// axis the contour's plane is most nearly perpendicular to, to 0.01 mm).
    pub fn slice_count(&self) -> usize {
        if self.contours.iter().all(|c| !c.images.is_empty()) {
            let images: BTreeSet<(&str, Option<u32>)> =
                self.contours.iter().flat_map(|c| c.images.iter().map(|(uid, frame)| (uid.as_str(), *frame))).collect();
            return images.len();
        }
        let planes: BTreeSet<(usize, i64)> = self
            .contours
            .iter()
            .filter_map(|c| {
                let first = c.points_mm.first()?;
                let axis = dominant_axis(&c.points_mm);
                Some((axis, (f64::from(first[axis]) * 100.0).round() as i64))
            })
            .collect();
        planes.len()
    }
}

/// The axis (0 = x, 1 = y, 2 = z) along which a contour's points vary least: its plane's
/// normal for axial (z), coronal (y) and sagittal (x) contours.
fn dominant_axis(points: &[[f32; 3]]) -> usize {
    let mut low = [f32::INFINITY; 3];
    let mut high = [f32::NEG_INFINITY; 3];
    for point in points {
        for axis in 0..3 {
            low[axis] = low[axis].min(point[axis]);
            high[axis] = high[axis].max(point[axis]);
        }
    }
    let extent = [high[0] - low[0], high[1] - low[1], high[2] - low[2]];
    let mut axis = 2;
    for candidate in [1, 0] {
        if extent[candidate] < extent[axis] {
            axis = candidate;
        }
    }
    axis
}

/// Why a contour was left out while parsing (the rest of the set is shown).
#[derive(Clone, Debug, PartialEq)]
pub enum SkipReason {
    /// Contour Geometric Type missing or not one of PS3.3 C.8.8.6.1 (the value, if any).
    GeometricType(String),
    /// Contour Data missing, empty, not a multiple of 3 values, or with non-numbers.
    ContourData,
    /// Number of Contour Points disagrees with Contour Data (declared, found).
    PointCount { declared: u64, found: usize },
    /// A ROI Contour item names a ROI Number absent from the Structure Set ROI Sequence.
    UnknownRoi,
}

/// A contour left out while parsing.
#[derive(Clone, Debug, PartialEq)]
pub struct SkippedContour {
    /// Referenced ROI Number (0 when absent).
    pub roi_number: u32,
    pub reason: SkipReason,
}

/// Contours lying on an image that is not loaded.
#[derive(Clone, Debug, PartialEq)]
pub struct MissingImage {
    pub sop_instance_uid: String,
    /// How many contours lie on it.
    pub contours: usize,
    /// ROI numbers of those contours.
    pub rois: Vec<u32>,
}

/// A parsed RT Structure Set.
#[derive(Debug)]
pub struct StructureSet {
    /// Structure Set Label (3006,0002).
    pub label: String,
    /// Structure Set Name (3006,0004).
    pub name: String,
    pub rois: Vec<Roi>,
    /// Contours left out, with why.
    pub skipped: Vec<SkippedContour>,
    references: References,
    /// (ROI index, contour index) by referenced SOP Instance UID.
    by_image: HashMap<String, Vec<(usize, usize)>>,
}

impl StructureSet {
    /// Parses the Structure Set, ROI Contour and RT ROI Observations modules. Fails only when
    /// the Structure Set ROI Sequence is missing or the set exceeds the limits; single
    /// unusable contours are skipped and listed in [`StructureSet::skipped`].
    pub fn parse(dataset: &InMemDicomObject) -> Result<StructureSet, DerivedError> {
        let root = Attributes(dataset);
        if !root.has(tags::STRUCTURE_SET_ROI_SEQUENCE) {
            return Err(DerivedError::Attribute {
                keyword: "StructureSetROISequence",
                reason: "is missing (not an RT Structure Set)".into(),
            });
        }
        let roi_items = root.items(tags::STRUCTURE_SET_ROI_SEQUENCE);
        if roi_items.len() > MAX_ROIS {
            return Err(DerivedError::TooLarge { what: format!("{} ROIs", roi_items.len()), limit: MAX_ROIS as u64 });
        }
        let references = read_references(root);
        let mut rois: Vec<Roi> = Vec::with_capacity(roi_items.len());
        let mut index_of: HashMap<u32, usize> = HashMap::new();
        for item in roi_items.iter().map(Attributes) {
            let Some(number) = item.int(tags::ROI_NUMBER).and_then(|n| u32::try_from(n).ok()) else {
                continue;
            };
            if index_of.contains_key(&number) {
                continue;
            }
            index_of.insert(number, rois.len());
            rois.push(Roi {
                number,
                name: item.string(tags::ROI_NAME).unwrap_or_default(),
                frame_of_reference_uid: item.string(tags::REFERENCED_FRAME_OF_REFERENCE_UID).unwrap_or_default(),
                generation_algorithm: item.string(tags::ROI_GENERATION_ALGORITHM).unwrap_or_default(),
                interpreted_type: String::new(),
                rgb: FALLBACK_COLOURS[rois.len() % FALLBACK_COLOURS.len()],
                contours: Vec::new(),
            });
        }
        for item in root.items(tags::RTROI_OBSERVATIONS_SEQUENCE).iter().map(Attributes) {
            let index = referenced_roi(item).and_then(|n| index_of.get(&n));
            if let (Some(&index), Some(kind)) = (index, item.string(tags::RTROI_INTERPRETED_TYPE)) {
                rois[index].interpreted_type = kind;
            }
        }
        let mut skipped = Vec::new();
        let (mut contour_total, mut point_total) = (0usize, 0usize);
        for item in root.items(tags::ROI_CONTOUR_SEQUENCE).iter().map(Attributes) {
            let number = referenced_roi(item);
            let Some(&index) = number.and_then(|n| index_of.get(&n)) else {
                skipped.push(SkippedContour { roi_number: number.unwrap_or(0), reason: SkipReason::UnknownRoi });
                continue;
            };
            if let Some(rgb) = display_colour(item) {
                rois[index].rgb = rgb;
            }
            let roi_number = rois[index].number;
            for contour_item in item.items(tags::CONTOUR_SEQUENCE).iter().map(Attributes) {
                contour_total += 1;
                if contour_total > MAX_CONTOURS {
                    return Err(DerivedError::TooLarge {
                        what: "the structure set's contours".into(),
                        limit: MAX_CONTOURS as u64,
                    });
                }
                match read_contour(contour_item) {
                    Ok(contour) => {
                        point_total += contour.points_mm.len();
                        if point_total > MAX_POINTS {
                            return Err(DerivedError::TooLarge {
                                what: "the structure set's contour points".into(),
                                limit: MAX_POINTS as u64,
                            });
                        }
                        rois[index].contours.push(contour);
                    }
                    Err(reason) => skipped.push(SkippedContour { roi_number, reason }),
                }
            }
        }
        let mut by_image: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        for (roi_index, roi) in rois.iter().enumerate() {
            for (contour_index, contour) in roi.contours.iter().enumerate() {
                let uids: BTreeSet<&str> = contour.images.iter().map(|(uid, _)| uid.as_str()).collect();
                for uid in uids {
                    by_image.entry(uid.to_string()).or_default().push((roi_index, contour_index));
                }
            }
        }
        let mut references = references;
        let mut known: BTreeSet<(String, Option<u32>)> = references.instances.iter().cloned().collect();
        for contour in rois.iter().flat_map(|r| &r.contours) {
            for image in &contour.images {
                if known.insert(image.clone()) {
                    references.instances.push(image.clone());
                }
            }
        }
        if references.frame_of_reference_uid.is_empty() {
            if let Some(uid) = rois.iter().map(|r| &r.frame_of_reference_uid).find(|u| !u.is_empty()) {
                references.frame_of_reference_uid = uid.clone();
            }
        }
        Ok(StructureSet {
            label: root.string(tags::STRUCTURE_SET_LABEL).unwrap_or_default(),
            name: root.string(tags::STRUCTURE_SET_NAME).unwrap_or_default(),
            rois,
            skipped,
            references,
            by_image,
        })
    }

    /// Referenced Frame of Reference Sequence → RT Referenced Study → RT Referenced Series →
    /// Contour Image Sequence (C.8.8.5), plus every contour's own image references.
    pub fn references(&self) -> References {
        self.references.clone()
    }

    pub fn roi(&self, number: u32) -> Option<&Roi> {
        self.rois.iter().find(|r| r.number == number)
    }

    /// Adds the contours lying on `frame` of every ROI the style shows: closed contours as
    /// closed polylines (filled at `style.opacity` when `style.fill`), open ones as polylines,
    /// POINT contours as points; in the ROI colour, labelled with the ROI name once per ROI
    /// and frame; the selected ROI emphasised.
    pub fn draw_on(&self, frame: &SourceFrame, style: &LayerStyle, out: &mut FrameOverlays) {
        let Some(plane) = ImagePlane::of(frame) else {
            return;
        };
        let mut labelled: BTreeSet<u32> = BTreeSet::new();
        for (roi, contour) in self.contours_on(frame, &plane) {
            if !style.shows(roi.number) || !(style.fill || style.outline) {
                continue;
            }
            let selected = style.selected == Some(roi.number);
            let shape = match contour.geometry {
                ContourGeometry::Point => {
                    let Some(&point) = contour.points_mm.first() else { continue };
                    Shape::Point { at: plane.to_image(widen(point)) }
                }
                geometry => Shape::Polyline {
                    points: contour.points_mm.iter().map(|&p| plane.to_image(widen(p))).collect(),
                    closed: geometry == ContourGeometry::ClosedPlanar,
                },
            };
            let closed = contour.geometry == ContourGeometry::ClosedPlanar;
            let stroked = style.outline || !closed;
            out.graphics.push(Graphic {
                shape,
                rgb: roi.rgb,
                width_px: if stroked { STROKE_WIDTH_PX } else { 0.0 },
                fill_opacity: if closed && style.fill { style.opacity.clamp(0.0, 1.0) } else { 0.0 },
                label: labelled.insert(roi.number).then(|| roi.name.clone()),
                owner: ("rtstruct", roi.number),
                highlighted: selected,
            });
        }
    }

    /// The contours lying on `frame`, ROI by ROI in file order.
    fn contours_on(&self, frame: &SourceFrame, plane: &ImagePlane) -> Vec<(&Roi, &Contour)> {
        let referenced: BTreeSet<(usize, usize)> =
            self.by_image.get(&frame.sop_instance_uid).map(|v| v.iter().copied().collect()).unwrap_or_default();
        let half_thickness = frame
            .slice_thickness_mm
            .filter(|t| t.is_finite() && *t > 0.0)
            .map_or(DEFAULT_HALF_THICKNESS_MM, |t| t / 2.0);
        let mut out = Vec::new();
        for (roi_index, roi) in self.rois.iter().enumerate() {
            let uid = if roi.frame_of_reference_uid.is_empty() {
                &self.references.frame_of_reference_uid
            } else {
                &roi.frame_of_reference_uid
            };
            let same_frame_of_reference =
                uid.is_empty() || frame.frame_of_reference_uid.is_empty() || *uid == frame.frame_of_reference_uid;
            for (contour_index, contour) in roi.contours.iter().enumerate() {
                let on = if contour.images.is_empty() {
                    same_frame_of_reference && plane.holds(&contour.points_mm, half_thickness)
                } else {
                    referenced.contains(&(roi_index, contour_index))
                        && contour.images.iter().any(|(uid, number)| {
                            *uid == frame.sop_instance_uid && number.is_none_or(|n| n == frame.frame_number)
                        })
                };
                if on {
                    out.push((roi, contour));
                }
            }
        }
        out
    }

    /// Indexes into `frames` (a display set's frames, in order) that ROI `number` has a
    /// contour on; the panel jumps to the middle one.
    pub fn frames_with_roi(&self, number: u32, frames: &[SourceFrame]) -> Vec<usize> {
        frames
            .iter()
            .enumerate()
            .filter(|(_, frame)| {
                ImagePlane::of(frame)
                    .is_some_and(|plane| self.contours_on(frame, &plane).iter().any(|(roi, _)| roi.number == number))
            })
            .map(|(index, _)| index)
            .collect()
    }

    /// Where to show ROI `number`: the middle of the frames it has contours on, in the display
    /// set `preferred` (the one shown now) when the ROI lies on it, else the first image display
    /// set of the library that it lies on. None when no loaded image carries it.
    pub fn locate_roi(&self, number: u32, library: &StudyLibrary, preferred: Option<&str>) -> Option<ImageLocation> {
        let mut stacks = image_stacks(library);
        if let Some(position) = preferred.and_then(|key| stacks.iter().position(|(k, _)| k == key)) {
            let stack = stacks.remove(position);
            stacks.insert(0, stack);
        }
        stacks.into_iter().find_map(|(key, frames)| {
            let on = self.frames_with_roi(number, &frames);
            let middle = *on.get(on.len() / 2)?;
            Some(ImageLocation { display_set: key, index: u32::try_from(middle).ok()? })
        })
    }

    /// True when some contour of the set lies on an image of `library` (by reference, else by
    /// plane): false means the source series is not open.
    pub fn has_source_in(&self, library: &StudyLibrary) -> bool {
        image_stacks(library).iter().any(|(_, frames)| {
            frames
                .iter()
                .any(|frame| ImagePlane::of(frame).is_some_and(|plane| !self.contours_on(frame, &plane).is_empty()))
        })
    }

    /// Images named by contours that `is_loaded` says are absent, with how many contours lie
    /// on each, in file order of first mention.
    pub fn contours_on_missing_images(&self, is_loaded: impl Fn(&str) -> bool) -> Vec<MissingImage> {
        let mut order: Vec<String> = Vec::new();
        let mut found: BTreeMap<String, MissingImage> = BTreeMap::new();
        for roi in &self.rois {
            for contour in &roi.contours {
                let Some((uid, _)) = contour.images.iter().find(|(uid, _)| !is_loaded(uid)) else { continue };
                if contour.images.iter().any(|(uid, _)| is_loaded(uid)) {
                    continue;
                }
                let entry = found.entry(uid.clone()).or_insert_with(|| {
                    order.push(uid.clone());
                    MissingImage { sop_instance_uid: uid.clone(), contours: 0, rois: Vec::new() }
                });
                entry.contours += 1;
                if !entry.rois.contains(&roi.number) {
                    entry.rois.push(roi.number);
                }
            }
        }
        order.iter().filter_map(|uid| found.remove(uid)).collect()
    }
}

/// Every image display set of the library with its frames described as [`SourceFrame`]s.
fn image_stacks(library: &StudyLibrary) -> Vec<(String, Vec<SourceFrame>)> {
    library
        .patients()
        .into_iter()
        .flat_map(|p| p.studies)
        .flat_map(|s| s.series)
        .flat_map(|s| s.display_sets)
        .filter(|set| set.has_pixel_data)
        .map(|set| {
            let frames = set
                .frames
                .iter()
                .filter_map(|f| library.instance(f.source).map(|meta| SourceFrame::of(meta, f.frame)))
                .collect();
            (set.key, frames)
        })
        .collect()
}

fn widen(point: [f32; 3]) -> [f64; 3] {
    point.map(f64::from)
}

fn referenced_roi(item: Attributes) -> Option<u32> {
    item.int(tags::REFERENCED_ROI_NUMBER).and_then(|n| u32::try_from(n).ok())
}

/// ROI Display Color (3006,002A): three integers 0–255.
fn display_colour(item: Attributes) -> Option<[u8; 3]> {
    let values = item.ints(tags::ROI_DISPLAY_COLOR);
    let [r, g, b] = values.as_slice() else { return None };
    let channel = |v: i64| u8::try_from(v).ok();
    Some([channel(*r)?, channel(*g)?, channel(*b)?])
}

/// Every value of a decimal attribute, None when any is not a finite number (keeps triples
/// aligned, unlike dropping the bad values).
fn all_floats(item: Attributes, tag: Tag) -> Option<Vec<f64>> {
    let values = item.0.get(tag)?.value().to_multi_float64().ok()?;
    values.iter().all(|v| v.is_finite()).then_some(values)
}

fn read_contour(item: Attributes) -> Result<Contour, SkipReason> {
    let code = item.string(tags::CONTOUR_GEOMETRIC_TYPE).unwrap_or_default();
    let geometry = ContourGeometry::from_code(&code).ok_or(SkipReason::GeometricType(code))?;
    let values = all_floats(item, tags::CONTOUR_DATA).ok_or(SkipReason::ContourData)?;
    if values.is_empty() || values.len() % 3 != 0 {
        return Err(SkipReason::ContourData);
    }
    let points_mm: Vec<[f32; 3]> = values.chunks_exact(3).map(|c| [c[0] as f32, c[1] as f32, c[2] as f32]).collect();
    if let Some(declared) = item.int(tags::NUMBER_OF_CONTOUR_POINTS) {
        if u64::try_from(declared).ok() != Some(points_mm.len() as u64) {
            return Err(SkipReason::PointCount { declared: declared.max(0) as u64, found: points_mm.len() });
        }
    }
    let images = item.items(tags::CONTOUR_IMAGE_SEQUENCE).iter().map(Attributes).filter_map(image_reference).collect();
    Ok(Contour { geometry, points_mm, images })
}

/// (Referenced SOP Instance UID, Referenced Frame Number) of an image reference item; the
/// frame is None when absent or when several are listed (then every frame is meant for a
/// contour image, PS3.3 C.8.8.5.3 refers to single frames).
fn image_reference(item: Attributes) -> Option<(String, Option<u32>)> {
    let uid = item.string(tags::REFERENCED_SOP_INSTANCE_UID)?;
    let frames = item.ints(tags::REFERENCED_FRAME_NUMBER);
    let frame = match frames.as_slice() {
        [one] => u32::try_from(*one).ok().filter(|n| *n > 0),
        _ => None,
    };
    Some((uid, frame))
}

fn read_references(root: Attributes) -> References {
    let mut references = References::default();
    let mut seen: BTreeSet<(String, Option<u32>)> = BTreeSet::new();
    for frame_of_reference in root.items(tags::REFERENCED_FRAME_OF_REFERENCE_SEQUENCE).iter().map(Attributes) {
        if references.frame_of_reference_uid.is_empty() {
            references.frame_of_reference_uid =
                frame_of_reference.string(tags::FRAME_OF_REFERENCE_UID).unwrap_or_default();
        }
        for study in frame_of_reference.items(tags::RT_REFERENCED_STUDY_SEQUENCE).iter().map(Attributes) {
            for series in study.items(tags::RT_REFERENCED_SERIES_SEQUENCE).iter().map(Attributes) {
                if let Some(uid) = series.string(tags::SERIES_INSTANCE_UID) {
                    if !references.series.contains(&uid) {
                        references.series.push(uid);
                    }
                }
                for image in
                    series.items(tags::CONTOUR_IMAGE_SEQUENCE).iter().map(Attributes).filter_map(image_reference)
                {
                    if seen.insert(image.clone()) {
                        references.instances.push(image);
                    }
                }
            }
        }
    }
    references
}

fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

fn cross(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
}

/// The plane of a source frame and the inverse of PS3.3 C.7.6.2.1.1:
/// P = S + X·Δc·i + Y·Δr·j, where S is Image Position (the centre of the first pixel), X the
/// direction cosines of a row (Image Orientation values 1–3), Y of a column (values 4–6), Δc the
/// column spacing (Pixel Spacing value 2), Δr the row spacing (value 1), i the column index and
/// j the row index. Given P, (i, j) is the least-squares solution of that 2×2 system, exact
/// when P lies in the plane; graphics put (0, 0) at the first pixel's corner, so +0.5.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ImagePlane {
    origin_mm: [f64; 3],
    row_direction: [f64; 3],
    column_direction: [f64; 3],
    /// Unit normal X × Y.
    normal: [f64; 3],
    row_spacing_mm: f64,
    column_spacing_mm: f64,
    /// Inverse of the Gram matrix [[X·X, X·Y], [X·Y, Y·Y]].
    inverse_gram: [[f64; 2]; 2],
}

impl ImagePlane {
    /// None when the frame lacks position, orientation or spacing, or they are degenerate.
    pub fn of(frame: &SourceFrame) -> Option<ImagePlane> {
        let origin_mm = frame.position_mm?;
        let o = frame.orientation?;
        let [row_spacing_mm, column_spacing_mm] = frame.pixel_spacing_mm?;
        let row_direction = [o[0], o[1], o[2]];
        let column_direction = [o[3], o[4], o[5]];
        let finite = origin_mm.iter().chain(&o).chain(&[row_spacing_mm, column_spacing_mm]).all(|v| v.is_finite());
        if !finite || row_spacing_mm <= 0.0 || column_spacing_mm <= 0.0 {
            return None;
        }
        let (xx, xy, yy) = (
            dot(row_direction, row_direction),
            dot(row_direction, column_direction),
            dot(column_direction, column_direction),
        );
        let determinant = xx * yy - xy * xy;
        if determinant.abs() < 1e-9 {
            return None;
        }
        let normal = cross(row_direction, column_direction);
        let length = dot(normal, normal).sqrt();
        Some(ImagePlane {
            origin_mm,
            row_direction,
            column_direction,
            normal: normal.map(|c| c / length),
            row_spacing_mm,
            column_spacing_mm,
            inverse_gram: [[yy / determinant, -xy / determinant], [-xy / determinant, xx / determinant]],
        })
    }

    /// Image coordinates (x = column, y = row; (0, 0) = the first pixel's top-left corner) of a
    /// patient point, projected onto the plane.
    pub fn to_image(&self, point_mm: [f64; 3]) -> (f64, f64) {
        let d = [point_mm[0] - self.origin_mm[0], point_mm[1] - self.origin_mm[1], point_mm[2] - self.origin_mm[2]];
        let (along_row, along_column) = (dot(d, self.row_direction), dot(d, self.column_direction));
        let g = self.inverse_gram;
        let row_mm = g[0][0] * along_row + g[0][1] * along_column;
        let column_mm = g[1][0] * along_row + g[1][1] * along_column;
        (row_mm / self.column_spacing_mm + 0.5, column_mm / self.row_spacing_mm + 0.5)
    }

    /// Signed distance of a patient point from the plane along its normal, mm.
    pub fn distance_mm(&self, point_mm: [f64; 3]) -> f64 {
        let d = [point_mm[0] - self.origin_mm[0], point_mm[1] - self.origin_mm[1], point_mm[2] - self.origin_mm[2]];
        dot(d, self.normal)
    }

    /// True when every point lies within `tolerance_mm` of the plane (the first point is
    /// checked first, so contours on other planes cost one point).
    fn holds(&self, points: &[[f32; 3]], tolerance_mm: f64) -> bool {
        !points.is_empty() && points.iter().all(|&p| self.distance_mm(widen(p)).abs() <= tolerance_mm)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dicom_core::{DataElement, PrimitiveValue, VR};
    use dicom_object::InMemDicomObject;

    fn frame(position: [f64; 3], orientation: [f64; 6], spacing: [f64; 2]) -> SourceFrame {
        SourceFrame {
            sop_instance_uid: "1.2.3".into(),
            frame_number: 1,
            frame_of_reference_uid: "9.9".into(),
            rows: 100,
            columns: 100,
            position_mm: Some(position),
            orientation: Some(orientation),
            pixel_spacing_mm: Some(spacing),
            slice_thickness_mm: Some(2.0),
        }
    }

    #[test]
    fn sagittal_plane_maps_by_hand() {
        // Sagittal: rows run along +y (anterior→posterior), columns along −z (head→feet).
        // Origin (10, −50, 80); row spacing 2 mm, column spacing 0.5 mm.
        let plane = ImagePlane::of(&frame([10.0, -50.0, 80.0], [0.0, 1.0, 0.0, 0.0, 0.0, -1.0], [2.0, 0.5])).unwrap();
        // Point (10, −40, 60): 10 mm along the row = 20 columns; 20 mm down = 10 rows.
        let (x, y) = plane.to_image([10.0, -40.0, 60.0]);
        assert!((x - 20.5).abs() < 1e-9 && (y - 10.5).abs() < 1e-9, "({x}, {y})");
        // Normal y × (−z) = −x: a point at x = 13 is 3 mm behind the plane.
        assert!((plane.distance_mm([13.0, 0.0, 0.0]) + 3.0).abs() < 1e-9);
    }

    #[test]
    fn oblique_plane_round_trips_the_forward_equation() {
        let (c, s) = (30f64.to_radians().cos(), 30f64.to_radians().sin());
        let orientation = [c, s, 0.0, 0.0, 0.0, -1.0];
        let f = frame([-20.0, 5.0, 40.0], orientation, [0.7, 0.9]);
        let plane = ImagePlane::of(&f).unwrap();
        // Forward C.7.6.2.1.1 for column i = 37, row j = 12.
        let (i, j) = (37.0, 12.0);
        let p = [-20.0 + c * 0.9 * i, 5.0 + s * 0.9 * i, 40.0 - 0.7 * j];
        let (x, y) = plane.to_image(p);
        assert!((x - (i + 0.5)).abs() < 1e-9 && (y - (j + 0.5)).abs() < 1e-9, "({x}, {y})");
        assert!(ImagePlane::of(&SourceFrame { pixel_spacing_mm: Some([0.0, 1.0]), ..f.clone() }).is_none());
        assert!(ImagePlane::of(&SourceFrame { orientation: Some([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]), ..f }).is_none());
    }

    fn sequence(tag: Tag, items: Vec<InMemDicomObject>) -> DataElement<InMemDicomObject> {
        DataElement::new(tag, VR::SQ, dicom_core::value::DataSetSequence::from(items))
    }

    fn text(tag: Tag, vr: VR, value: &str) -> DataElement<InMemDicomObject> {
        // Multi-valued strings as a parser leaves them: one string per value.
        DataElement::new(tag, vr, PrimitiveValue::Strs(value.split('\\').map(String::from).collect()))
    }

    fn contour(geometry: &str, data: &str, count: Option<&str>) -> InMemDicomObject {
        let mut item = InMemDicomObject::new_empty();
        item.put(text(tags::CONTOUR_GEOMETRIC_TYPE, VR::CS, geometry));
        item.put(text(tags::CONTOUR_DATA, VR::DS, data));
        if let Some(count) = count {
            item.put(text(tags::NUMBER_OF_CONTOUR_POINTS, VR::IS, count));
        }
        item
    }

    fn structure_set(contours: Vec<InMemDicomObject>) -> InMemDicomObject {
        let mut roi = InMemDicomObject::new_empty();
        roi.put(text(tags::ROI_NUMBER, VR::IS, "7"));
        roi.put(text(tags::ROI_NAME, VR::LO, "lesion"));
        roi.put(text(tags::REFERENCED_FRAME_OF_REFERENCE_UID, VR::UI, "9.9"));
        let mut roi_contour = InMemDicomObject::new_empty();
        roi_contour.put(text(tags::REFERENCED_ROI_NUMBER, VR::IS, "7"));
        roi_contour.put(sequence(tags::CONTOUR_SEQUENCE, contours));
        let mut orphan = InMemDicomObject::new_empty();
        orphan.put(text(tags::REFERENCED_ROI_NUMBER, VR::IS, "8"));
        let mut root = InMemDicomObject::new_empty();
        root.put(sequence(tags::STRUCTURE_SET_ROI_SEQUENCE, vec![roi]));
        root.put(sequence(tags::ROI_CONTOUR_SEQUENCE, vec![roi_contour, orphan]));
        root
    }

    #[test]
    fn point_and_open_contours_and_bad_contours_skipped() {
        let set = StructureSet::parse(&structure_set(vec![
            contour("POINT", "10\\20\\0", Some("1")),
            contour("OPEN_PLANAR", "0\\0\\0\\10\\0\\0\\10\\10\\0", Some("3")),
            contour("CLOSED_PLANAR", "0\\0\\0\\10\\0", None),
            contour("CLOSED_PLANAR", "0\\0\\0\\10\\0\\0", Some("5")),
            contour("SPLINE", "0\\0\\0", None),
        ]))
        .unwrap();
        let roi = set.roi(7).unwrap();
        assert_eq!(roi.contours.len(), 2);
        assert_eq!(roi.rgb, FALLBACK_COLOURS[0], "no ROI Display Color");
        let reasons: Vec<SkipReason> = set.skipped.iter().map(|s| s.reason.clone()).collect();
        assert_eq!(
            reasons,
            vec![
                SkipReason::ContourData,
                SkipReason::PointCount { declared: 5, found: 2 },
                SkipReason::GeometricType("SPLINE".into()),
                SkipReason::UnknownRoi,
            ]
        );
        // Axial frame at z = 0, 1 mm pixels, origin (0, 0, 0).
        let f = frame([0.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0, 1.0, 0.0], [1.0, 1.0]);
        let mut out = FrameOverlays::default();
        set.draw_on(&f, &LayerStyle::default(), &mut out);
        assert_eq!(out.graphics.len(), 2);
        assert_eq!(out.graphics[0].shape, Shape::Point { at: (10.5, 20.5) });
        assert_eq!(
            out.graphics[1].shape,
            Shape::Polyline { points: vec![(0.5, 0.5), (10.5, 0.5), (10.5, 10.5)], closed: false }
        );
        assert_eq!(out.graphics[1].fill_opacity, 0.0, "open contours are never filled");
        assert_eq!(out.graphics[0].label.as_deref(), Some("lesion"));
        assert_eq!(out.graphics[1].label, None, "one label per ROI and frame");
        // 0.9 mm from the plane with 2 mm thickness (half: 1 mm): on; 1.01 mm: off.
        let near = frame([0.0, 0.0, 0.9], [1.0, 0.0, 0.0, 0.0, 1.0, 0.0], [1.0, 1.0]);
        let mut out = FrameOverlays::default();
        set.draw_on(&near, &LayerStyle::default(), &mut out);
        assert_eq!(out.graphics.len(), 2);
        let far = frame([0.0, 0.0, 1.01], [1.0, 0.0, 0.0, 0.0, 1.0, 0.0], [1.0, 1.0]);
        let mut out = FrameOverlays::default();
        set.draw_on(&far, &LayerStyle::default(), &mut out);
        assert!(out.graphics.is_empty());
    }

    #[test]
    fn not_a_structure_set() {
        let error = StructureSet::parse(&InMemDicomObject::new_empty()).unwrap_err();
        assert!(error.to_string().contains("StructureSetROISequence"));
    }
}
