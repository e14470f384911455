//! Real World Value Mapping (PS3.3 C.7.6.16.2.11): stored pixel values → values of a physical
//! quantity with a unit (ADC in µm²/s, T1 in ms, SUV in g/ml), beside and independent of the
//! Modality LUT. Found at the top level of a data set (Real World Value Mapping SOP Class and
//! many images), in the Shared Functional Groups Sequence or per frame (enhanced objects and
//! Parametric Maps, C.8.32).
//!
//! Each item maps the stored values from First Value Mapped to Last Value Mapped (inclusive)
//! either linearly (Real World Value Intercept + Slope × stored, C.7.6.16.2.11.1.2) or through
//! a table (Real World Value LUT Data, index = stored − first). The unit is the Measurement
//! Units Code Sequence, UCUM coded (C.7.6.16.2.11.1.3).

use std::fmt;

use dicom_dictionary_std::tags;
use dicom_object::InMemDicomObject;

use crate::dicom::Attributes;

/// Longest Real World Value LUT accepted (entries): every 16-bit stored value.
pub const MAX_LUT_ENTRIES: usize = 1 << 16;

/// How one item maps stored values to real-world values.
#[derive(Clone, Debug, PartialEq)]
pub enum RealWorldTransform {
    /// intercept + slope × stored.
    Linear { slope: f64, intercept: f64 },
    /// Real World Value LUT Data (0040,9212): entry (stored − First Value Mapped).
    Table(Vec<f64>),
}

/// A coded unit (Measurement Units Code Sequence item).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodedUnit {
    pub code_value: String,
    pub scheme: String,
    pub meaning: String,
}

/// One Real World Value Mapping Sequence item.
#[derive(Clone, Debug, PartialEq)]
pub struct RealWorldValueMapping {
    /// First and last stored value mapped, inclusive.
    pub first_stored: f64,
    pub last_stored: f64,
    pub transform: RealWorldTransform,
    pub unit: Option<CodedUnit>,
    /// LUT Label (0040,9210), e.g. "ADC".
    pub label: Option<String>,
    /// LUT Explanation (0028,3003).
    pub explanation: Option<String>,
}

/// Why an item cannot be used.
#[derive(Clone, Debug, PartialEq)]
pub enum RealWorldError {
    /// A required attribute (PS3.6 keyword) is missing or out of range.
    Attribute { keyword: &'static str, reason: &'static str },
}

impl fmt::Display for RealWorldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RealWorldError::Attribute { keyword, reason } => {
                write!(f, "Real World Value Mapping: {keyword} {reason}; values are shown without a unit")
            }
        }
    }
}

impl RealWorldValueMapping {
    /// Reads one item of the Real World Value Mapping Sequence.
    pub fn read(item: Attributes) -> Result<RealWorldValueMapping, RealWorldError> {
        let first = item
            .float(tags::DOUBLE_FLOAT_REAL_WORLD_VALUE_FIRST_VALUE_MAPPED)
            .or_else(|| item.int(tags::REAL_WORLD_VALUE_FIRST_VALUE_MAPPED).map(|v| v as f64));
        let last = item
            .float(tags::DOUBLE_FLOAT_REAL_WORLD_VALUE_LAST_VALUE_MAPPED)
            .or_else(|| item.int(tags::REAL_WORLD_VALUE_LAST_VALUE_MAPPED).map(|v| v as f64));
        let first_stored = first
            .ok_or(RealWorldError::Attribute { keyword: "RealWorldValueFirstValueMapped", reason: "is missing" })?;
        let last_stored =
            last.ok_or(RealWorldError::Attribute { keyword: "RealWorldValueLastValueMapped", reason: "is missing" })?;
        if last_stored < first_stored {
            return Err(RealWorldError::Attribute {
                keyword: "RealWorldValueLastValueMapped",
                reason: "is below the first value mapped",
            });
        }
        let transform = match (item.float(tags::REAL_WORLD_VALUE_SLOPE), item.float(tags::REAL_WORLD_VALUE_INTERCEPT)) {
            (Some(slope), intercept) => RealWorldTransform::Linear { slope, intercept: intercept.unwrap_or(0.0) },
            (None, _) => {
                let table = item.floats(tags::REAL_WORLD_VALUE_LUT_DATA);
                if table.is_empty() {
                    return Err(RealWorldError::Attribute {
                        keyword: "RealWorldValueSlope",
                        reason: "and RealWorldValueLUTData are both missing",
                    });
                }
                if table.len() > MAX_LUT_ENTRIES {
                    return Err(RealWorldError::Attribute {
                        keyword: "RealWorldValueLUTData",
                        reason: "has more than 65536 entries",
                    });
                }
                RealWorldTransform::Table(table)
            }
        };
        let unit = item.item(tags::MEASUREMENT_UNITS_CODE_SEQUENCE).and_then(|code| {
            Some(CodedUnit {
                code_value: code.string(tags::CODE_VALUE)?,
                scheme: code.string(tags::CODING_SCHEME_DESIGNATOR).unwrap_or_default(),
                meaning: code.string(tags::CODE_MEANING).unwrap_or_default(),
            })
        });
        Ok(RealWorldValueMapping {
            first_stored,
            last_stored,
            transform,
            unit,
            label: item.string(tags::LUT_LABEL),
            explanation: item.string(tags::LUT_EXPLANATION),
        })
    }

    /// Whether `stored` lies in the mapped range.
    pub fn maps(&self, stored: f64) -> bool {
        stored >= self.first_stored && stored <= self.last_stored
    }

    /// The real-world value of a stored value, None outside the mapped range.
    pub fn apply(&self, stored: f64) -> Option<f64> {
        if !self.maps(stored) {
            return None;
        }
        match &self.transform {
            RealWorldTransform::Linear { slope, intercept } => Some(intercept + slope * stored),
            RealWorldTransform::Table(table) => table.get((stored - self.first_stored).round() as usize).copied(),
        }
    }

    /// The unit as people write it ("µm²/s", "ms", "g/ml"), None for unitless values ("1") or
    /// when no unit is coded.
    pub fn unit_text(&self) -> Option<String> {
        let unit = self.unit.as_ref()?;
        if unit.scheme.eq_ignore_ascii_case("UCUM") {
            ucum_display(&unit.code_value)
        } else {
            Some(unit.meaning.clone()).filter(|m| !m.is_empty())
        }
    }

    /// The quantity's short name: LUT Label unless it merely repeats the unit code, else the
    /// UCUM annotation of the unit ("SUVbw" of "{SUVbw}g/ml").
    pub fn name(&self) -> Option<String> {
        let annotation = self.unit.as_ref().and_then(|u| ucum_annotation(&u.code_value));
        match &self.label {
            Some(label) if !label.contains('{') && Some(label) != self.unit.as_ref().map(|u| &u.code_value) => {
                Some(label.clone())
            }
            _ => annotation,
        }
    }
}

/// The annotation of a UCUM code ("SUVbw" of "{SUVbw}g/ml"), None without one.
pub fn ucum_annotation(code: &str) -> Option<String> {
    let start = code.find('{')?;
    let end = start + code.get(start..)?.find('}')?;
    Some(code.get(start + 1..end)?.to_string()).filter(|a| !a.is_empty())
}

/// A UCUM unit code as people write it: annotations dropped, the micro prefix "u" as "µ",
/// exponents as superscripts, "." (multiplication) as "·": "um2/s" → "µm²/s", "mm2/s" →
/// "mm²/s", "10-6.mm2/s" → "10⁻⁶·mm²/s", "{SUVbw}g/ml" → "g/ml", "/s" → "1/s". None for "1"
/// (dimensionless) or an empty code.
pub fn ucum_display(code: &str) -> Option<String> {
    let mut plain = String::new();
    let mut in_annotation = false;
    for c in code.trim().chars() {
        match c {
            '{' => in_annotation = true,
            '}' => in_annotation = false,
            _ if !in_annotation => plain.push(c),
            _ => {}
        }
    }
    if plain.is_empty() || plain == "1" {
        return None;
    }
    if plain.starts_with('/') {
        plain.insert(0, '1');
    }
    let mut out = String::new();
    let mut previous: Option<char> = None;
    let chars: Vec<char> = plain.chars().collect();
    for (index, &c) in chars.iter().enumerate() {
        let next = chars.get(index + 1).copied();
        let after_letter = previous.is_some_and(|p| p.is_ascii_alphabetic() || p == '⁻' || is_superscript(p));
        let starts_atom = previous.is_none_or(|p| matches!(p, '/' | '.'));
        let mapped = match c {
            // The micro prefix before a unit letter (um, us, umol), not "u" inside a word.
            'u' if starts_atom && next.is_some_and(|n| n.is_ascii_alphabetic()) => 'µ',
            '-' if previous.is_some_and(|p| p.is_ascii_digit() || p.is_ascii_alphabetic()) => '⁻',
            d if d.is_ascii_digit() && after_letter => superscript(d),
            '.' => '·',
            other => other,
        };
        out.push(mapped);
        previous = Some(mapped);
    }
    Some(out)
}

fn superscript(digit: char) -> char {
    match digit {
        '0' => '⁰',
        '1' => '¹',
        '2' => '²',
        '3' => '³',
        '4' => '⁴',
        '5' => '⁵',
        '6' => '⁶',
        '7' => '⁷',
        '8' => '⁸',
        '9' => '⁹',
        other => other,
    }
}

fn is_superscript(c: char) -> bool {
    matches!(c, '⁰' | '¹' | '²' | '³' | '⁴' | '⁵' | '⁶' | '⁷' | '⁸' | '⁹')
}

/// Items of a Real World Value Mapping Sequence that can be used (unusable ones skipped).
fn read_sequence(attrs: Attributes) -> Vec<RealWorldValueMapping> {
    attrs
        .items(tags::REAL_WORLD_VALUE_MAPPING_SEQUENCE)
        .iter()
        .filter_map(|item| RealWorldValueMapping::read(Attributes(item)).ok())
        .collect()
}

/// Every mapping of an image: top level or shared functional group (for all frames) and per
/// frame (Per-frame Functional Groups Sequence item of that frame).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RealWorldMappings {
    pub shared: Vec<RealWorldValueMapping>,
    /// One entry per Per-frame Functional Groups item (empty for classic images).
    pub per_frame: Vec<Vec<RealWorldValueMapping>>,
}

impl RealWorldMappings {
    pub fn read(dataset: &InMemDicomObject) -> RealWorldMappings {
        let attrs = Attributes(dataset);
        let mut shared = read_sequence(attrs);
        if let Some(group) = attrs.item(tags::SHARED_FUNCTIONAL_GROUPS_SEQUENCE) {
            shared.extend(read_sequence(group));
        }
        let per_frame: Vec<Vec<RealWorldValueMapping>> = attrs
            .items(tags::PER_FRAME_FUNCTIONAL_GROUPS_SEQUENCE)
            .iter()
            .map(|item| read_sequence(Attributes(item)))
            .collect();
        let per_frame = if per_frame.iter().all(Vec::is_empty) { Vec::new() } else { per_frame };
        RealWorldMappings { shared, per_frame }
    }

    pub fn is_empty(&self) -> bool {
        self.shared.is_empty() && self.per_frame.is_empty()
    }

    /// The mapping for a stored value of frame `frame` (from 0): the frame's own items first,
    /// then the shared ones; the first whose range holds the value.
    pub fn for_value(&self, frame: u32, stored: f64) -> Option<&RealWorldValueMapping> {
        let own = self.per_frame.get(frame as usize).map(Vec::as_slice).unwrap_or(&[]);
        own.iter().chain(self.shared.iter()).find(|m| m.maps(stored))
    }

    /// The first mapping of a frame (for its unit and name, e.g. on the colour bar).
    pub fn first(&self, frame: u32) -> Option<&RealWorldValueMapping> {
        let own = self.per_frame.get(frame as usize).map(Vec::as_slice).unwrap_or(&[]);
        own.iter().chain(self.shared.iter()).next()
    }
}

/// The mappings of a Real World Value Mapping object (PS3.3 A.46, C.7.6.16.2.11 in the
/// Referenced Image Real World Value Mapping Sequence (0040,9094)): each item names the images
/// it applies to (Referenced Image Sequence, SOP Instance UIDs) and their mappings.
pub fn referenced_image_mappings(dataset: &InMemDicomObject) -> Vec<(Vec<String>, Vec<RealWorldValueMapping>)> {
    Attributes(dataset)
        .items(tags::REFERENCED_IMAGE_REAL_WORLD_VALUE_MAPPING_SEQUENCE)
        .iter()
        .map(|item| {
            let item = Attributes(item);
            let images = item
                .items(tags::REFERENCED_IMAGE_SEQUENCE)
                .iter()
                .filter_map(|reference| Attributes(reference).string(tags::REFERENCED_SOP_INSTANCE_UID))
                .collect();
            (images, read_sequence(item))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use dicom_core::value::{DataSetSequence, PrimitiveValue, Value};
    use dicom_core::{DataElement, Length, Tag, VR};

    fn seq(tag: Tag, items: Vec<InMemDicomObject>) -> DataElement<InMemDicomObject> {
        DataElement::new(tag, VR::SQ, Value::Sequence(DataSetSequence::new(items, Length::UNDEFINED)))
    }

    fn mapping(first: i64, last: i64, body: Vec<DataElement<InMemDicomObject>>) -> InMemDicomObject {
        let mut elements = vec![
            DataElement::new(tags::REAL_WORLD_VALUE_FIRST_VALUE_MAPPED, VR::SS, PrimitiveValue::from(first as i16)),
            DataElement::new(tags::REAL_WORLD_VALUE_LAST_VALUE_MAPPED, VR::SS, PrimitiveValue::from(last as i16)),
        ];
        elements.extend(body);
        InMemDicomObject::from_element_iter(elements)
    }

    fn unit(code: &str) -> DataElement<InMemDicomObject> {
        seq(
            tags::MEASUREMENT_UNITS_CODE_SEQUENCE,
            vec![InMemDicomObject::from_element_iter([
                DataElement::new(tags::CODE_VALUE, VR::SH, PrimitiveValue::from(code)),
                DataElement::new(tags::CODING_SCHEME_DESIGNATOR, VR::SH, PrimitiveValue::from("UCUM")),
                DataElement::new(tags::CODE_MEANING, VR::LO, PrimitiveValue::from("meaning")),
            ])],
        )
    }

    #[test]
    fn ucum_codes_as_people_write_them() {
        assert_eq!(ucum_display("um2/s").as_deref(), Some("µm²/s"));
        assert_eq!(ucum_display("mm2/s").as_deref(), Some("mm²/s"));
        assert_eq!(ucum_display("10-6.mm2/s").as_deref(), Some("10⁻⁶·mm²/s"));
        assert_eq!(ucum_display("{SUVbw}g/ml").as_deref(), Some("g/ml"));
        assert_eq!(ucum_display("/s").as_deref(), Some("1/s"));
        assert_eq!(ucum_display("ms").as_deref(), Some("ms"));
        assert_eq!(ucum_display("Bq/ml").as_deref(), Some("Bq/ml"));
        assert_eq!(ucum_display("1"), None);
        assert_eq!(ucum_display("{ratio}"), None);
        assert_eq!(ucum_annotation("{SUVbw}g/ml").as_deref(), Some("SUVbw"));
    }

    #[test]
    fn linear_and_table_mappings_in_their_ranges() {
        let linear = mapping(
            0,
            1000,
            vec![
                DataElement::new(tags::REAL_WORLD_VALUE_SLOPE, VR::FD, PrimitiveValue::from(2.5_f64)),
                DataElement::new(tags::REAL_WORLD_VALUE_INTERCEPT, VR::FD, PrimitiveValue::from(-10.0_f64)),
                DataElement::new(tags::LUT_LABEL, VR::SH, PrimitiveValue::from("ADC")),
                unit("um2/s"),
            ],
        );
        let table = mapping(
            -2,
            0,
            vec![DataElement::new(
                tags::REAL_WORLD_VALUE_LUT_DATA,
                VR::FD,
                PrimitiveValue::F64([7.0, 8.0, 9.5].as_slice().into()),
            )],
        );
        let dataset =
            InMemDicomObject::from_element_iter([seq(tags::REAL_WORLD_VALUE_MAPPING_SEQUENCE, vec![linear, table])]);
        let mappings = RealWorldMappings::read(&dataset);
        assert_eq!(mappings.shared.len(), 2);
        let m = mappings.for_value(0, 100.0).unwrap();
        assert_eq!(m.apply(100.0), Some(240.0));
        assert_eq!((m.name().as_deref(), m.unit_text().as_deref()), (Some("ADC"), Some("µm²/s")));
        assert_eq!(m.apply(1001.0), None, "outside the mapped range");
        let t = mappings.for_value(0, -1.0).unwrap();
        assert_eq!(t.apply(-1.0), Some(8.0));
        assert_eq!(t.apply(0.0), Some(9.5));
        assert!(mappings.for_value(0, 5000.0).is_none());
    }

    #[test]
    fn per_frame_items_before_shared_ones() {
        let frame = |slope: f64| {
            InMemDicomObject::from_element_iter([seq(
                tags::REAL_WORLD_VALUE_MAPPING_SEQUENCE,
                vec![mapping(
                    0,
                    10,
                    vec![DataElement::new(tags::REAL_WORLD_VALUE_SLOPE, VR::FD, PrimitiveValue::from(slope))],
                )],
            )])
        };
        let dataset = InMemDicomObject::from_element_iter([seq(
            tags::PER_FRAME_FUNCTIONAL_GROUPS_SEQUENCE,
            vec![frame(1.0), frame(3.0)],
        )]);
        let mappings = RealWorldMappings::read(&dataset);
        assert_eq!(mappings.for_value(1, 2.0).and_then(|m| m.apply(2.0)), Some(6.0));
        assert_eq!(mappings.for_value(0, 2.0).and_then(|m| m.apply(2.0)), Some(2.0));
        assert!(mappings.for_value(2, 2.0).is_none());
    }

    #[test]
    fn missing_transform_is_named() {
        let bad = mapping(0, 1, vec![]);
        let error = RealWorldValueMapping::read(Attributes(&bad)).unwrap_err();
        assert!(error.to_string().contains("RealWorldValueSlope"), "{error}");
        let reversed =
            mapping(5, 1, vec![DataElement::new(tags::REAL_WORLD_VALUE_SLOPE, VR::FD, PrimitiveValue::from(1.0_f64))]);
        assert!(RealWorldValueMapping::read(Attributes(&reversed)).is_err());
    }
}
