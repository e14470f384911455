//! The DICOM JSON Model (PS3.18 Annex F.2): WADO-RS metadata and QIDO-RS results turned into
//! data sets the rest of the viewer reads like parsed files. Each attribute is an object keyed by
//! its tag ("GGGGEEEE", F.2.1.1) with a required "vr" and one of "Value", "InlineBinary" or
//! "BulkDataURI" (F.2.2); a missing value is an empty element (F.2.5).

pub(crate) mod base64;
mod items;
mod rows;
mod value;

use dicom_core::value::{DataSetSequence, Value as DicomValue};
use dicom_core::{DataElement, Length, PrimitiveValue, Tag, VR};
use dicom_object::InMemDicomObject;
use serde_json::{Map, Value};

use super::ResponseError;
pub use items::{item_at, item_ranges};
pub use rows::{parse_instance_rows, parse_series_rows, parse_study_rows, InstanceRow, SeriesRow, StudyRow};

/// Deepest sequence nesting accepted (F.2.3: SQ values are arrays of nested objects).
pub const MAX_DEPTH: usize = 16;
/// Most attributes accepted in one instance object, nested items included.
pub const MAX_ELEMENTS: usize = 1_000_000;

/// One instance object of a DICOM JSON response.
#[derive(Debug, Clone)]
pub struct JsonDataset {
    pub dataset: InMemDicomObject,
    /// Attributes given as a BulkDataURI (F.2.6), whose values are not in the data set.
    pub bulk_data: Vec<BulkDataRef>,
}

/// An attribute whose value the server serves separately (PS3.18 F.2.6, §8.7.4 bulk data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkDataRef {
    pub tag: Tag,
    pub uri: String,
    pub vr: VR,
    /// True when the attribute sits inside a sequence item (it cannot be inserted at the root).
    pub in_sequence: bool,
}

/// Reads one instance object (a JSON object keyed by tags).
pub fn dataset_from_json(object: &Value) -> Result<JsonDataset, ResponseError> {
    let mut reader = Reader { elements: 0, bulk_data: Vec::new() };
    let dataset = reader.object(object, 0)?;
    Ok(JsonDataset { dataset, bulk_data: reader.bulk_data })
}

/// Parses a WADO-RS metadata response: a JSON array of instance objects. An empty body or
/// `[]` gives no instances.
pub fn parse_metadata(body: &[u8]) -> Result<Vec<JsonDataset>, ResponseError> {
    parse_metadata_items(body)?.iter().map(dataset_from_json).collect()
}

/// The instance objects of a metadata response, still as JSON (a caller that must not block, the
/// page, locates them with [`item_ranges`] and parses them one by one with [`item_at`]).
pub fn parse_metadata_items(body: &[u8]) -> Result<Vec<Value>, ResponseError> {
    parse_array(body)
}

/// The JSON array of a QIDO-RS or WADO-RS metadata response (empty body: no results,
/// PS3.18 §8.3.4.6: a search without matches may answer 204 No Content).
pub(crate) fn parse_array(body: &[u8]) -> Result<Vec<Value>, ResponseError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Vec::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Array(items)) => Ok(items),
        Ok(other) => Err(ResponseError::Model(format!("expected a JSON array of objects, found {}", kind(&other)))),
        Err(e) => Err(ResponseError::Json(e.to_string())),
    }
}

/// Puts bulk data fetched from `reference.uri` into the root data set. Values of attributes
/// inside sequences cannot be placed by tag alone and are refused.
pub fn insert_bulk_data(
    dataset: &mut InMemDicomObject,
    reference: &BulkDataRef,
    bytes: Vec<u8>,
) -> Result<(), ResponseError> {
    if reference.in_sequence {
        return Err(ResponseError::Model(format!(
            "bulk data of element {} lies inside a sequence and cannot be inserted at the root",
            tag_key(reference.tag)
        )));
    }
    let value = value::from_binary(reference.tag, reference.vr, bytes)?;
    dataset.put(DataElement::new(reference.tag, reference.vr, value));
    Ok(())
}

/// "GGGGEEEE" as in the JSON keys.
pub(crate) fn tag_key(tag: Tag) -> String {
    format!("{:04X}{:04X}", tag.group(), tag.element())
}

/// Parses a "GGGGEEEE" key (F.2.1.1: eight hexadecimal digits).
pub(crate) fn parse_tag(key: &str) -> Option<Tag> {
    if key.len() != 8 || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let group = u16::from_str_radix(key.get(..4)?, 16).ok()?;
    let element = u16::from_str_radix(key.get(4..)?, 16).ok()?;
    Some(Tag(group, element))
}

pub(crate) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

struct Reader {
    elements: usize,
    bulk_data: Vec<BulkDataRef>,
}

impl Reader {
    fn object(&mut self, object: &Value, depth: usize) -> Result<InMemDicomObject, ResponseError> {
        let Value::Object(members) = object else {
            return Err(ResponseError::Model(format!("expected a data set object, found {}", kind(object))));
        };
        let mut elements = Vec::with_capacity(members.len());
        for (key, attribute) in members {
            self.elements += 1;
            if self.elements > MAX_ELEMENTS {
                return Err(ResponseError::TooLarge { what: "attributes in one instance", limit: MAX_ELEMENTS });
            }
            let tag = parse_tag(key).ok_or_else(|| {
                ResponseError::Model(format!("key \"{key}\" is not a tag of eight hexadecimal digits"))
            })?;
            if let Some(element) = self.element(tag, attribute, depth)? {
                elements.push(element);
            }
        }
        Ok(InMemDicomObject::from_element_iter(elements))
    }

    /// One attribute; None when its value is a BulkDataURI (recorded instead).
    fn element(
        &mut self,
        tag: Tag,
        attribute: &Value,
        depth: usize,
    ) -> Result<Option<DataElement<InMemDicomObject>>, ResponseError> {
        let key = tag_key(tag);
        let Value::Object(members) = attribute else {
            return Err(ResponseError::Model(format!("element {key} is {}, not an object", kind(attribute))));
        };
        let vr = read_vr(&key, members)?;
        if let Some(uri) = members.get("BulkDataURI") {
            let uri = uri
                .as_str()
                .ok_or_else(|| ResponseError::Model(format!("element {key} has a BulkDataURI that is not a string")))?;
            self.bulk_data.push(BulkDataRef { tag, uri: uri.to_string(), vr, in_sequence: depth > 0 });
            return Ok(None);
        }
        if let Some(inline) = members.get("InlineBinary") {
            let text = inline.as_str().ok_or_else(|| {
                ResponseError::Model(format!("element {key} has an InlineBinary that is not a string"))
            })?;
            let bytes = base64::decode(text)
                .map_err(|reason| ResponseError::Model(format!("element {key} has an InlineBinary that {reason}")))?;
            return Ok(Some(DataElement::new(tag, vr, value::from_binary(tag, vr, bytes)?)));
        }
        let values: &[Value] = match members.get("Value") {
            None | Some(Value::Null) => &[],
            Some(Value::Array(values)) => values,
            Some(other) => {
                return Err(ResponseError::Model(format!("element {key} has a Value that is {}", kind(other))))
            }
        };
        if vr == VR::SQ {
            if depth + 1 > MAX_DEPTH {
                return Err(ResponseError::TooLarge { what: "levels of nested sequences", limit: MAX_DEPTH });
            }
            let items =
                values.iter().map(|item| self.object(item, depth + 1)).collect::<Result<Vec<_>, ResponseError>>()?;
            let sequence = DataSetSequence::new(items, Length::UNDEFINED);
            return Ok(Some(DataElement::new(tag, VR::SQ, DicomValue::Sequence(sequence))));
        }
        let value = if values.is_empty() { PrimitiveValue::Empty } else { value::from_values(&key, vr, values)? };
        Ok(Some(DataElement::new(tag, vr, value)))
    }
}

fn read_vr(key: &str, members: &Map<String, Value>) -> Result<VR, ResponseError> {
    let text = match members.get("vr") {
        Some(Value::String(text)) => text,
        Some(other) => return Err(ResponseError::Model(format!("element {key} has a \"vr\" that is {}", kind(other)))),
        None => return Err(ResponseError::Model(format!("element {key} has no \"vr\""))),
    };
    let code: [u8; 2] = text
        .as_bytes()
        .try_into()
        .map_err(|_| ResponseError::Model(format!("element {key} has VR \"{text}\", not two letters")))?;
    VR::from_binary(code).ok_or_else(|| ResponseError::Model(format!("element {key} has unknown VR \"{text}\"")))
}
