//! Structured Reports (PS3.3 C.17 SR Document; C.17.3 SR Document Content: the content tree).
//!
//! Every SR Storage SOP Class (Basic Text, Enhanced, Comprehensive, Comprehensive 3D, Extensible,
//! and the template-specific ones) is read into one content tree: a flat list of
//! [`ContentItem`]s, the root first, each naming its parent and children. Value types follow
//! PS3.3 C.17.3.2 / C.18 (Content Item Macros); relationships by value and by reference
//! (Referenced Content Item Identifier, C.17.3.2.5). On top of the tree:
//! [`tid1500`] reads TID 1500 Measurement Reports into a table of measurement groups, and
//! [`draw`] maps SCOORD / SCOORD3D graphics onto the frames they lie on.
//!
//! Limits: nesting depth [`MAX_DEPTH`], [`MAX_ITEMS`] content items, [`MAX_COORDINATES`]
//! graphic coordinates in all; beyond them the document is refused with a typed error.

pub mod display;
pub mod draw;
pub mod tid1500;

use dicom_core::Tag;
use dicom_dictionary_std::tags;
use dicom_object::InMemDicomObject;

use super::{DerivedError, References, SourceFrame};
use crate::dicom::Attributes;
use crate::viewer::layers::{FrameOverlays, LayerStyle};

pub use draw::Annotation;
pub use tid1500::{GroupMeasurement, MeasurementGroup};

/// Deepest nesting of content items accepted (the root is depth 0).
pub const MAX_DEPTH: usize = 64;
/// Most content items accepted in one document.
pub const MAX_ITEMS: usize = 200_000;
/// Most graphic coordinate values (SCOORD and SCOORD3D Graphic Data) accepted in one document.
pub const MAX_COORDINATES: usize = 4_000_000;

/// A coded entry (PS3.3 8.8 Code Sequence Macro): Code Value (or Long / URN Code Value), Coding
/// Scheme Designator and Version, Code Meaning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Code {
    pub value: String,
    pub scheme: String,
    pub scheme_version: Option<String>,
    pub meaning: String,
}

impl Code {
    fn read(item: Attributes<'_>) -> Option<Code> {
        let value = item
            .string(tags::CODE_VALUE)
            .or_else(|| item.string(tags::LONG_CODE_VALUE))
            .or_else(|| item.string(tags::URN_CODE_VALUE))
            .unwrap_or_default();
        let scheme = item.string(tags::CODING_SCHEME_DESIGNATOR).unwrap_or_default();
        let meaning = item.string(tags::CODE_MEANING).unwrap_or_default();
        if value.is_empty() && scheme.is_empty() && meaning.is_empty() {
            return None;
        }
        Some(Code { value, scheme, scheme_version: item.string(tags::CODING_SCHEME_VERSION), meaning })
    }

    /// The first item of a code sequence attribute.
    fn first_of(dataset: Attributes<'_>, sequence: Tag) -> Option<Code> {
        dataset.item(sequence).and_then(Code::read)
    }

    /// Whether this code is one of `codes` ((value, scheme) pairs; SNOMED's old "SRT" and new
    /// "SCT" designators are both listed where a template accepts either).
    pub fn is_any(&self, codes: &[(&str, &str)]) -> bool {
        codes.iter().any(|(value, scheme)| self.value == *value && self.scheme == *scheme)
    }
}

/// Relationship Type (PS3.3 C.17.3.2.4) between a content item and its parent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Relationship {
    Contains,
    HasProperties,
    HasObsContext,
    HasAcqContext,
    InferredFrom,
    SelectedFrom,
    HasConceptMod,
    /// A term this viewer does not know, kept as written.
    Other(String),
}

impl Relationship {
    fn parse(term: &str) -> Relationship {
        match term {
            "CONTAINS" => Relationship::Contains,
            "HAS PROPERTIES" => Relationship::HasProperties,
            "HAS OBS CONTEXT" => Relationship::HasObsContext,
            "HAS ACQ CONTEXT" => Relationship::HasAcqContext,
            "INFERRED FROM" => Relationship::InferredFrom,
            "SELECTED FROM" => Relationship::SelectedFrom,
            "HAS CONCEPT MOD" => Relationship::HasConceptMod,
            other => Relationship::Other(other.to_string()),
        }
    }

    /// The defined term as written in Relationship Type (0040,A010).
    pub fn term(&self) -> &str {
        match self {
            Relationship::Contains => "CONTAINS",
            Relationship::HasProperties => "HAS PROPERTIES",
            Relationship::HasObsContext => "HAS OBS CONTEXT",
            Relationship::HasAcqContext => "HAS ACQ CONTEXT",
            Relationship::InferredFrom => "INFERRED FROM",
            Relationship::SelectedFrom => "SELECTED FROM",
            Relationship::HasConceptMod => "HAS CONCEPT MOD",
            Relationship::Other(term) => term,
        }
    }
}

/// A numeric measurement (PS3.3 C.18.1 Numeric Measurement Macro, Measured Value Sequence).
#[derive(Clone, Debug, PartialEq)]
pub struct Measurement {
    /// Numeric Value (DS) as written.
    pub text: String,
    /// The value: Floating Point Value (FD) when present, else the parsed Numeric Value.
    pub value: Option<f64>,
    /// Measurement Units Code Sequence (UCUM).
    pub unit: Option<Code>,
}

impl Measurement {
    /// The unit as a reader expects it: the UCUM code ("mm", "cm2") unless it is a bracketed
    /// or dimensionless annotation ("{SUVbw}g/ml", "[hnsf'U]", "1"), then its Code Meaning.
    pub fn unit_text(&self) -> String {
        let Some(unit) = &self.unit else { return String::new() };
        let code = unit.value.as_str();
        let plain = !code.is_empty() && code != "1" && !code.contains(['{', '[']);
        if unit.scheme == "UCUM" && plain {
            code.to_string()
        } else if code == "[hnsf'U]" {
            "HU".to_string()
        } else if !unit.meaning.is_empty() {
            unit.meaning.clone()
        } else {
            code.to_string()
        }
    }

    /// Value and unit for a label ("39.37 mm"), with [`decimals_for`] places.
    pub fn label(&self) -> String {
        let number = match self.value {
            Some(v) => trim_zeros(format!("{:.*}", decimals_for(v), v)),
            None => self.text.clone(),
        };
        let unit = self.unit_text();
        if unit.is_empty() {
            number
        } else {
            format!("{number} {unit}")
        }
    }
}

/// "10.00" → "10", "1.700" → "1.7".
fn trim_zeros(number: String) -> String {
    if !number.contains('.') {
        return number;
    }
    number.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Decimal places that keep four significant digits of `value` (at most 6, none for ≥ 1000).
pub fn decimals_for(value: f64) -> usize {
    let magnitude = value.abs();
    if !magnitude.is_finite() || magnitude == 0.0 || magnitude >= 1000.0 {
        return 0;
    }
    let digits_before = magnitude.log10().floor() as i32 + 1;
    (4 - digits_before).clamp(0, 6) as usize
}

/// A reference to a composite object (PS3.3 C.18.3 Composite Object Reference Macro, C.18.4
/// Image Reference Macro).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SopReference {
    pub sop_class_uid: String,
    pub sop_instance_uid: String,
    /// Referenced Frame Number (from 1); empty = every frame.
    pub frames: Vec<u32>,
    /// Referenced Segment Number (a SEG image reference).
    pub segments: Vec<u32>,
}

impl SopReference {
    fn read(item: Attributes<'_>) -> Option<SopReference> {
        let reference = item.item(tags::REFERENCED_SOP_SEQUENCE)?;
        let positive = |tag| -> Vec<u32> {
            reference.ints(tag).into_iter().filter_map(|v| u32::try_from(v).ok()).filter(|v| *v > 0).collect()
        };
        Some(SopReference {
            sop_class_uid: reference.string(tags::REFERENCED_SOP_CLASS_UID).unwrap_or_default(),
            sop_instance_uid: reference.string(tags::REFERENCED_SOP_INSTANCE_UID).unwrap_or_default(),
            frames: positive(tags::REFERENCED_FRAME_NUMBER),
            segments: positive(tags::REFERENCED_SEGMENT_NUMBER),
        })
    }

    /// Whether this reference names `frame` (the SOP instance, and the frame when frames are
    /// listed).
    pub fn names(&self, frame: &SourceFrame) -> bool {
        !self.sop_instance_uid.is_empty()
            && self.sop_instance_uid == frame.sop_instance_uid
            && (self.frames.is_empty() || self.frames.contains(&frame.frame_number))
    }
}

/// Graphic Type of SCOORD (C.18.6.1.1) and SCOORD3D (C.18.9.1.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GraphicType {
    Point,
    Multipoint,
    Polyline,
    Polygon,
    Circle,
    Ellipse,
    Ellipsoid,
}

impl GraphicType {
    fn parse(term: &str) -> Option<GraphicType> {
        Some(match term {
            "POINT" => GraphicType::Point,
            "MULTIPOINT" => GraphicType::Multipoint,
            "POLYLINE" => GraphicType::Polyline,
            "POLYGON" => GraphicType::Polygon,
            "CIRCLE" => GraphicType::Circle,
            "ELLIPSE" => GraphicType::Ellipse,
            "ELLIPSOID" => GraphicType::Ellipsoid,
            _ => return None,
        })
    }

    pub fn term(self) -> &'static str {
        match self {
            GraphicType::Point => "POINT",
            GraphicType::Multipoint => "MULTIPOINT",
            GraphicType::Polyline => "POLYLINE",
            GraphicType::Polygon => "POLYGON",
            GraphicType::Circle => "CIRCLE",
            GraphicType::Ellipse => "ELLIPSE",
            GraphicType::Ellipsoid => "ELLIPSOID",
        }
    }

    /// Whether `count` points are what this type needs (C.18.6.1.1, C.18.9.1.2).
    fn accepts(self, count: usize) -> bool {
        match self {
            GraphicType::Point => count == 1,
            GraphicType::Multipoint | GraphicType::Polyline | GraphicType::Polygon => count >= 1,
            GraphicType::Circle => count == 2,
            GraphicType::Ellipse => count == 4,
            GraphicType::Ellipsoid => count == 6,
        }
    }
}

/// The value of a content item, by Value Type (0040,A040).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// CONTAINER with its Continuity Of Content (SEPARATE or CONTINUOUS).
    Container {
        continuous: bool,
    },
    Text(String),
    /// CODE: Concept Code Sequence (None when empty).
    Code(Option<Code>),
    /// NUM: Measured Value Sequence (None when empty) and Numeric Value Qualifier.
    Num {
        measurement: Option<Measurement>,
        qualifier: Option<Code>,
    },
    Date(String),
    Time(String),
    DateTime(String),
    PersonName(String),
    UidRef(String),
    Image(SopReference),
    Composite(SopReference),
    Waveform {
        reference: SopReference,
        channels: Vec<u32>,
    },
    /// SCOORD: image coordinates (column, row), (0, 0) = top-left corner of the top-left pixel
    /// (C.18.6.1.2).
    Scoord {
        graphic_type: GraphicType,
        points: Vec<(f64, f64)>,
    },
    /// SCOORD3D: patient coordinates in mm in a Frame of Reference (C.18.9).
    Scoord3d {
        graphic_type: GraphicType,
        frame_of_reference_uid: String,
        points: Vec<[f64; 3]>,
    },
    /// TCOORD (C.18.7): Temporal Range Type and one of its three kinds of reference.
    Tcoord {
        range_type: String,
        sample_positions: Vec<u32>,
        time_offsets_s: Vec<f64>,
        date_times: Vec<String>,
    },
    /// A by-reference relationship (C.17.3.2.5): the target's position in the tree, the root
    /// being `[1]`.
    Reference(Vec<u32>),
    /// A value type this viewer does not read (e.g. TABLE), kept by name.
    Other(String),
}

impl Value {
    /// The Value Type as written ("CONTAINER", "NUM", …); "" for a by-reference item.
    pub fn value_type(&self) -> &str {
        match self {
            Value::Container { .. } => "CONTAINER",
            Value::Text(_) => "TEXT",
            Value::Code(_) => "CODE",
            Value::Num { .. } => "NUM",
            Value::Date(_) => "DATE",
            Value::Time(_) => "TIME",
            Value::DateTime(_) => "DATETIME",
            Value::PersonName(_) => "PNAME",
            Value::UidRef(_) => "UIDREF",
            Value::Image(_) => "IMAGE",
            Value::Composite(_) => "COMPOSITE",
            Value::Waveform { .. } => "WAVEFORM",
            Value::Scoord { .. } => "SCOORD",
            Value::Scoord3d { .. } => "SCOORD3D",
            Value::Tcoord { .. } => "TCOORD",
            Value::Reference(_) => "",
            Value::Other(name) => name,
        }
    }
}

/// One content item of the tree.
#[derive(Clone, Debug, PartialEq)]
pub struct ContentItem {
    /// None for the root.
    pub relationship: Option<Relationship>,
    /// Concept Name Code Sequence.
    pub concept: Option<Code>,
    pub value: Value,
    /// Observation DateTime (0040,A032), when the item carries its own.
    pub observation_date_time: Option<String>,
    pub parent: Option<usize>,
    /// Indices into [`Document::items`], in document order.
    pub children: Vec<usize>,
    /// Position from the root, the root being `[1]` (what dsrdump prints as "1.2.3").
    pub position: Vec<u32>,
}

impl ContentItem {
    /// The concept's meaning, or "" when the item has no concept name.
    pub fn concept_meaning(&self) -> &str {
        self.concept.as_ref().map(|c| c.meaning.as_str()).unwrap_or("")
    }

    /// Whether the concept name is one of `codes`.
    pub fn concept_is(&self, codes: &[(&str, &str)]) -> bool {
        self.concept.as_ref().is_some_and(|c| c.is_any(codes))
    }

    /// The dotted position, "1.8.1.4".
    pub fn position_text(&self) -> String {
        let parts: Vec<String> = self.position.iter().map(u32::to_string).collect();
        parts.join(".")
    }
}

/// The document header (PS3.3 C.17.2 SR Document General Module) as a reader needs it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Header {
    pub sop_class_uid: String,
    pub sop_instance_uid: String,
    pub series_instance_uid: String,
    /// The root's Concept Name (the document title).
    pub title: Option<Code>,
    /// Completion Flag: PARTIAL or COMPLETE.
    pub completion_flag: Option<String>,
    /// Verification Flag: UNVERIFIED or VERIFIED.
    pub verification_flag: Option<String>,
    /// Preliminary Flag: PRELIMINARY or FINAL.
    pub preliminary_flag: Option<String>,
    pub content_date: Option<String>,
    pub content_time: Option<String>,
    pub series_description: Option<String>,
    /// Verifying Observer Name of each Verifying Observer Sequence item.
    pub verifying_observers: Vec<String>,
    /// Observers named in the content: Person Observer Name (121008) or Device Observer Name
    /// (121013) items under the root, then Author Observer Sequence names.
    pub observers: Vec<String>,
    /// Template Identifier of the root's Content Template Sequence ("1500").
    pub template: Option<String>,
}

/// Evidence named in the header (Current Requested Procedure Evidence and Pertinent Other
/// Evidence sequences, PS3.3 C.17.2.3): series and their instances.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Evidence {
    pub series_instance_uid: String,
    pub sop_instance_uids: Vec<String>,
}

/// A parsed SR document.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    pub header: Header,
    /// The content tree, the root first, children after their parent in document order.
    pub items: Vec<ContentItem>,
    pub evidence: Vec<Evidence>,
    /// TID 1500 measurement groups (also TID 1410/1411/1501 groups in other reports), numbered
    /// from 1 in document order.
    pub groups: Vec<MeasurementGroup>,
    /// Every SCOORD / SCOORD3D ready to draw.
    pub annotations: Vec<Annotation>,
}

impl Document {
    pub fn parse(dataset: &InMemDicomObject) -> Result<Document, DerivedError> {
        let root = Attributes(dataset);
        let value_type = root.string(tags::VALUE_TYPE);
        if value_type.as_deref() != Some("CONTAINER") {
            return Err(DerivedError::Attribute {
                keyword: "ValueType",
                reason: format!(
                    "of the document root is {} instead of CONTAINER (PS3.3 C.17.3)",
                    value_type.as_deref().unwrap_or("missing")
                ),
            });
        }
        let mut reader = TreeReader { items: Vec::new(), coordinates: 0 };
        reader.read(root, None, None, vec![1], 0)?;
        let items = reader.items;
        let header = read_header(root, &items);
        let evidence = read_evidence(root);
        let groups = tid1500::measurement_groups(&items);
        let annotations = draw::annotations(&items, &groups);
        Ok(Document { header, items, evidence, groups, annotations })
    }

    pub fn root(&self) -> Option<&ContentItem> {
        self.items.first()
    }

    /// The item at a by-reference position (`[1, 2, 3]` = "1.2.3").
    pub fn resolve(&self, position: &[u32]) -> Option<usize> {
        let (first, rest) = position.split_first()?;
        if *first != 1 || self.items.is_empty() {
            return None;
        }
        let mut index = 0usize;
        for step in rest {
            let child = (*step as usize).checked_sub(1)?;
            index = *self.items.get(index)?.children.get(child)?;
        }
        Some(index)
    }

    /// Every IMAGE item's reference (the images the report is about), in document order.
    pub fn image_references(&self) -> impl Iterator<Item = &SopReference> {
        self.items.iter().filter_map(|item| match &item.value {
            Value::Image(reference) => Some(reference),
            _ => None,
        })
    }

    /// IMAGE items and evidence: the instances (with frames) and series this report names;
    /// the Frame of Reference of its first SCOORD3D.
    pub fn references(&self) -> References {
        let mut out = References::default();
        let mut add = |uid: &str, frame: Option<u32>| {
            if !uid.is_empty() && !out.instances.iter().any(|(u, f)| u == uid && *f == frame) {
                out.instances.push((uid.to_string(), frame));
            }
        };
        for reference in self.image_references() {
            if reference.frames.is_empty() {
                add(&reference.sop_instance_uid, None);
            }
            for frame in &reference.frames {
                add(&reference.sop_instance_uid, Some(*frame));
            }
        }
        for evidence in &self.evidence {
            for uid in &evidence.sop_instance_uids {
                add(uid, None);
            }
        }
        for evidence in &self.evidence {
            if !evidence.series_instance_uid.is_empty() && !out.series.contains(&evidence.series_instance_uid) {
                out.series.push(evidence.series_instance_uid.clone());
            }
        }
        out.frame_of_reference_uid = self
            .items
            .iter()
            .find_map(|item| match &item.value {
                Value::Scoord3d { frame_of_reference_uid, .. } => Some(frame_of_reference_uid.clone()),
                _ => None,
            })
            .unwrap_or_default();
        out
    }

    /// Adds the report's graphics that lie on `frame` to `out` (see [`draw`]).
    pub fn draw_on(&self, frame: &SourceFrame, style: &LayerStyle, out: &mut FrameOverlays) {
        draw::draw_on(&self.annotations, frame, style, out);
    }
}

struct TreeReader {
    items: Vec<ContentItem>,
    coordinates: usize,
}

impl TreeReader {
    /// Reads the content item `item` (the root is the data set itself) and its Content
    /// Sequence, depth first, returning its index.
    fn read(
        &mut self,
        item: Attributes<'_>,
        parent: Option<usize>,
        relationship: Option<Relationship>,
        position: Vec<u32>,
        depth: usize,
    ) -> Result<usize, DerivedError> {
        if depth > MAX_DEPTH {
            return Err(DerivedError::TooLarge {
                what: "The report's content tree nesting".into(),
                limit: MAX_DEPTH as u64,
            });
        }
        if self.items.len() >= MAX_ITEMS {
            return Err(DerivedError::TooLarge {
                what: "The report's number of content items".into(),
                limit: MAX_ITEMS as u64,
            });
        }
        let value = self.value(item, &position)?;
        let index = self.items.len();
        self.items.push(ContentItem {
            relationship,
            concept: Code::first_of(item, tags::CONCEPT_NAME_CODE_SEQUENCE),
            value,
            observation_date_time: item.string(tags::OBSERVATION_DATE_TIME),
            parent,
            children: Vec::new(),
            position: position.clone(),
        });
        for (number, child) in item.items(tags::CONTENT_SEQUENCE).iter().enumerate() {
            let child = Attributes(child);
            let relationship = Relationship::parse(child.string(tags::RELATIONSHIP_TYPE).as_deref().unwrap_or(""));
            let mut child_position = position.clone();
            child_position.push(u32::try_from(number + 1).unwrap_or(u32::MAX));
            let child_index = self.read(child, Some(index), Some(relationship), child_position, depth + 1)?;
            if let Some(parent_item) = self.items.get_mut(index) {
                parent_item.children.push(child_index);
            }
        }
        Ok(index)
    }

    fn value(&mut self, item: Attributes<'_>, position: &[u32]) -> Result<Value, DerivedError> {
        let text = |tag| item.string(tag).unwrap_or_default();
        let Some(value_type) = item.string(tags::VALUE_TYPE) else {
            let target: Vec<u32> = item
                .ints(tags::REFERENCED_CONTENT_ITEM_IDENTIFIER)
                .into_iter()
                .filter_map(|v| u32::try_from(v).ok())
                .collect();
            return Ok(if target.is_empty() { Value::Other(String::new()) } else { Value::Reference(target) });
        };
        Ok(match value_type.as_str() {
            "CONTAINER" => Value::Container {
                continuous: item.string(tags::CONTINUITY_OF_CONTENT).as_deref() == Some("CONTINUOUS"),
            },
            "TEXT" => Value::Text(raw_text(item, tags::TEXT_VALUE)),
            "CODE" => Value::Code(Code::first_of(item, tags::CONCEPT_CODE_SEQUENCE)),
            "NUM" => {
                let measurement = item.item(tags::MEASURED_VALUE_SEQUENCE).map(|m| {
                    let text = m.string(tags::NUMERIC_VALUE).unwrap_or_default();
                    let value = m
                        .float(tags::FLOATING_POINT_VALUE)
                        .or_else(|| text.trim().parse::<f64>().ok().filter(|v| v.is_finite()));
                    Measurement { text, value, unit: Code::first_of(m, tags::MEASUREMENT_UNITS_CODE_SEQUENCE) }
                });
                Value::Num { measurement, qualifier: Code::first_of(item, tags::NUMERIC_VALUE_QUALIFIER_CODE_SEQUENCE) }
            }
            "DATE" => Value::Date(text(tags::DATE)),
            "TIME" => Value::Time(text(tags::TIME)),
            "DATETIME" => Value::DateTime(text(tags::DATE_TIME)),
            "PNAME" => Value::PersonName(text(tags::PERSON_NAME)),
            "UIDREF" => Value::UidRef(text(tags::UID)),
            "IMAGE" => Value::Image(SopReference::read(item).unwrap_or_default()),
            "COMPOSITE" => Value::Composite(SopReference::read(item).unwrap_or_default()),
            "WAVEFORM" => {
                let reference = SopReference::read(item).unwrap_or_default();
                let channels = item
                    .item(tags::REFERENCED_SOP_SEQUENCE)
                    .map(|r| {
                        r.ints(tags::REFERENCED_WAVEFORM_CHANNELS)
                            .into_iter()
                            .filter_map(|v| u32::try_from(v).ok())
                            .collect()
                    })
                    .unwrap_or_default();
                Value::Waveform { reference, channels }
            }
            "SCOORD" => {
                let (graphic_type, data) = self.graphic(item, position)?;
                let points = data.chunks_exact(2).map(|p| (p[0], p[1])).collect::<Vec<_>>();
                check_count(graphic_type, data.len(), 2, position)?;
                Value::Scoord { graphic_type, points }
            }
            "SCOORD3D" => {
                let (graphic_type, data) = self.graphic(item, position)?;
                check_count(graphic_type, data.len(), 3, position)?;
                let points = data.chunks_exact(3).map(|p| [p[0], p[1], p[2]]).collect();
                Value::Scoord3d {
                    graphic_type,
                    frame_of_reference_uid: text(tags::REFERENCED_FRAME_OF_REFERENCE_UID),
                    points,
                }
            }
            "TCOORD" => Value::Tcoord {
                range_type: text(tags::TEMPORAL_RANGE_TYPE),
                sample_positions: item
                    .ints(tags::REFERENCED_SAMPLE_POSITIONS)
                    .into_iter()
                    .filter_map(|v| u32::try_from(v).ok())
                    .collect(),
                time_offsets_s: item.floats(tags::REFERENCED_TIME_OFFSETS),
                date_times: item.strings(tags::REFERENCED_DATE_TIME),
            },
            other => Value::Other(other.to_string()),
        })
    }

    /// Graphic Type and Graphic Data of an SCOORD / SCOORD3D item, counted against the limit.
    fn graphic(&mut self, item: Attributes<'_>, position: &[u32]) -> Result<(GraphicType, Vec<f64>), DerivedError> {
        let term = item.string(tags::GRAPHIC_TYPE).unwrap_or_default();
        let graphic_type = GraphicType::parse(&term).ok_or_else(|| DerivedError::Attribute {
            keyword: "GraphicType",
            reason: format!("\"{term}\" of content item {} is not a known graphic type", dotted(position)),
        })?;
        let data = item.floats(tags::GRAPHIC_DATA);
        self.coordinates = self.coordinates.saturating_add(data.len());
        if self.coordinates > MAX_COORDINATES {
            return Err(DerivedError::TooLarge {
                what: "The report's graphic data".into(),
                limit: MAX_COORDINATES as u64,
            });
        }
        Ok((graphic_type, data))
    }
}

fn check_count(
    graphic_type: GraphicType,
    values: usize,
    dimensions: usize,
    position: &[u32],
) -> Result<(), DerivedError> {
    if values.is_multiple_of(dimensions) && graphic_type.accepts(values / dimensions) {
        return Ok(());
    }
    Err(DerivedError::Attribute {
        keyword: "GraphicData",
        reason: format!(
            "of content item {} holds {values} values, not what a {} of {dimensions}-D points needs",
            dotted(position),
            graphic_type.term()
        ),
    })
}

fn dotted(position: &[u32]) -> String {
    position.iter().map(u32::to_string).collect::<Vec<_>>().join(".")
}

/// A UT/ST/LT value with only trailing padding removed (leading spaces are text).
fn raw_text(item: Attributes<'_>, tag: Tag) -> String {
    item.0
        .get(tag)
        .and_then(|e| e.value().to_str().ok())
        .map(|s| s.trim_end_matches([' ', '\0']).to_string())
        .unwrap_or_default()
}

const PERSON_OBSERVER_NAME: (&str, &str) = ("121008", "DCM");
const DEVICE_OBSERVER_NAME: (&str, &str) = ("121013", "DCM");

fn read_header(root: Attributes<'_>, items: &[ContentItem]) -> Header {
    let mut observers: Vec<String> = Vec::new();
    if let Some(first) = items.first() {
        for child in first.children.iter().filter_map(|i| items.get(*i)) {
            if child.relationship != Some(Relationship::HasObsContext) {
                continue;
            }
            if !child.concept_is(&[PERSON_OBSERVER_NAME, DEVICE_OBSERVER_NAME]) {
                continue;
            }
            if let Value::PersonName(name) | Value::Text(name) = &child.value {
                if !name.is_empty() {
                    observers.push(name.clone());
                }
            }
        }
    }
    for author in root.items(tags::AUTHOR_OBSERVER_SEQUENCE) {
        let author = Attributes(author);
        if let Some(name) = author.string(tags::PERSON_NAME) {
            if !observers.contains(&name) {
                observers.push(name);
            }
        }
    }
    Header {
        sop_class_uid: root.string(tags::SOP_CLASS_UID).unwrap_or_default(),
        sop_instance_uid: root.string(tags::SOP_INSTANCE_UID).unwrap_or_default(),
        series_instance_uid: root.string(tags::SERIES_INSTANCE_UID).unwrap_or_default(),
        title: items.first().and_then(|r| r.concept.clone()),
        completion_flag: root.string(tags::COMPLETION_FLAG),
        verification_flag: root.string(tags::VERIFICATION_FLAG),
        preliminary_flag: root.string(tags::PRELIMINARY_FLAG),
        content_date: root.string(tags::CONTENT_DATE),
        content_time: root.string(tags::CONTENT_TIME),
        series_description: root.string(tags::SERIES_DESCRIPTION),
        verifying_observers: root
            .items(tags::VERIFYING_OBSERVER_SEQUENCE)
            .iter()
            .filter_map(|o| Attributes(o).string(tags::VERIFYING_OBSERVER_NAME))
            .collect(),
        observers,
        template: root.item(tags::CONTENT_TEMPLATE_SEQUENCE).and_then(|t| t.string(tags::TEMPLATE_IDENTIFIER)),
    }
}

fn read_evidence(root: Attributes<'_>) -> Vec<Evidence> {
    let mut out = Vec::new();
    for sequence in [tags::CURRENT_REQUESTED_PROCEDURE_EVIDENCE_SEQUENCE, tags::PERTINENT_OTHER_EVIDENCE_SEQUENCE] {
        for study in root.items(sequence) {
            for series in Attributes(study).items(tags::REFERENCED_SERIES_SEQUENCE) {
                let series = Attributes(series);
                out.push(Evidence {
                    series_instance_uid: series.string(tags::SERIES_INSTANCE_UID).unwrap_or_default(),
                    sop_instance_uids: series
                        .items(tags::REFERENCED_SOP_SEQUENCE)
                        .iter()
                        .filter_map(|sop| Attributes(sop).string(tags::REFERENCED_SOP_INSTANCE_UID))
                        .collect(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
