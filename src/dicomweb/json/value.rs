//! Values of one DICOM JSON attribute by VR (PS3.18 F.2.3 and its Table F.2.3-1): text VRs
//! as JSON strings, PN as objects of component groups (F.2.2), AT as "GGGGEEEE" strings,
//! binary numbers as JSON numbers, DS and IS as numbers (or, tolerated, strings), and the
//! bytes of InlineBinary or bulk data in Little Endian (F.2.7).

use dicom_core::value::C;
use dicom_core::{PrimitiveValue, Tag, VR};
use serde_json::Value;

use super::{kind, parse_tag, tag_key, ResponseError};

/// The values of a "Value" array (non-empty, not SQ).
pub(super) fn from_values(key: &str, vr: VR, values: &[Value]) -> Result<PrimitiveValue, ResponseError> {
    let value = match vr {
        VR::PN => PrimitiveValue::Strs(values.iter().map(|v| person_name(key, v)).collect::<Result<_, _>>()?),
        VR::AT => PrimitiveValue::Tags(values.iter().map(|v| attribute_tag(key, v)).collect::<Result<_, _>>()?),
        VR::DS => PrimitiveValue::Strs(values.iter().map(|v| decimal_text(key, v, false)).collect::<Result<_, _>>()?),
        VR::IS => PrimitiveValue::Strs(values.iter().map(|v| decimal_text(key, v, true)).collect::<Result<_, _>>()?),
        VR::US => PrimitiveValue::U16(integers(key, values)?),
        VR::SS => PrimitiveValue::I16(integers(key, values)?),
        VR::UL => PrimitiveValue::U32(integers(key, values)?),
        VR::SL => PrimitiveValue::I32(integers(key, values)?),
        VR::UV => PrimitiveValue::U64(integers(key, values)?),
        VR::SV => PrimitiveValue::I64(integers(key, values)?),
        VR::FD => PrimitiveValue::F64(values.iter().map(|v| float(key, v)).collect::<Result<_, _>>()?),
        VR::FL => {
            PrimitiveValue::F32(values.iter().map(|v| float(key, v).map(|f| f as f32)).collect::<Result<_, _>>()?)
        }
        VR::OB | VR::OW | VR::OF | VR::OD | VR::OL | VR::OV | VR::UN => {
            return Err(ResponseError::Model(format!(
                "element {key} has VR {} with a \"Value\"; binary values come as InlineBinary or BulkDataURI",
                vr.to_string()
            )))
        }
        VR::SQ => return Err(ResponseError::Model(format!("element {key}: a sequence read as a primitive value"))),
        _ => PrimitiveValue::Strs(values.iter().map(|v| text(key, v)).collect::<Result<_, _>>()?),
    };
    Ok(value)
}

fn text(key: &str, value: &Value) -> Result<String, ResponseError> {
    match value {
        Value::String(text) => Ok(text.clone()),
        Value::Null => Ok(String::new()),
        other => Err(ResponseError::Model(format!("element {key} has {} where a string is required", kind(other)))),
    }
}

/// PN: {"Alphabetic", "Ideographic", "Phonetic"} joined with '=' (PS3.5 6.2.1), trailing
/// empty groups dropped. A plain string is tolerated (some servers send one).
fn person_name(key: &str, value: &Value) -> Result<String, ResponseError> {
    let Value::Object(groups) = value else {
        return text(key, value);
    };
    let mut parts = Vec::with_capacity(3);
    for group in ["Alphabetic", "Ideographic", "Phonetic"] {
        parts.push(match groups.get(group) {
            None | Some(Value::Null) => "",
            Some(Value::String(name)) => name.as_str(),
            Some(other) => {
                return Err(ResponseError::Model(format!("element {key} has a {group} name that is {}", kind(other))))
            }
        });
    }
    while parts.last() == Some(&"") {
        parts.pop();
    }
    Ok(parts.join("="))
}

fn attribute_tag(key: &str, value: &Value) -> Result<Tag, ResponseError> {
    value.as_str().and_then(parse_tag).ok_or_else(|| {
        ResponseError::Model(format!("element {key} has value {value} where a tag \"GGGGEEEE\" is required"))
    })
}

fn number_required(key: &str, value: &Value, what: &str) -> ResponseError {
    ResponseError::Model(format!("element {key} has value {value} where {what} is required"))
}

/// DS and IS are kept as text, the form PS3.5 gives them; the number is checked.
fn decimal_text(key: &str, value: &Value, integer: bool) -> Result<String, ResponseError> {
    let what = if integer { "an integer" } else { "a number" };
    let text = match value {
        Value::Null => return Ok(String::new()),
        Value::Number(number) => number.to_string(),
        Value::String(text) => text.trim().to_string(),
        other => return Err(number_required(key, other, what)),
    };
    let valid = if integer {
        text.parse::<i64>().is_ok() || text.parse::<f64>().is_ok_and(|f| f.fract() == 0.0 && f.abs() < 1e15)
    } else {
        text.parse::<f64>().is_ok_and(f64::is_finite)
    };
    if text.is_empty() || valid {
        Ok(text)
    } else {
        Err(number_required(key, value, what))
    }
}

fn float(key: &str, value: &Value) -> Result<f64, ResponseError> {
    let parsed = match value {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.trim().parse::<f64>().ok(),
        _ => None,
    };
    parsed.ok_or_else(|| number_required(key, value, "a number"))
}

/// Binary integers, range-checked for the VR. Integral floats (e.g. `512.0`) are accepted.
fn integers<T: TryFrom<i128>>(key: &str, values: &[Value]) -> Result<C<T>, ResponseError> {
    values
        .iter()
        .map(|value| {
            let wide = match value {
                Value::Number(number) => number
                    .as_i64()
                    .map(i128::from)
                    .or_else(|| number.as_u64().map(i128::from))
                    .or_else(|| number.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 1e18).map(|f| f as i128)),
                Value::String(text) => text.trim().parse::<i128>().ok(),
                _ => None,
            };
            wide.and_then(|wide| T::try_from(wide).ok())
                .ok_or_else(|| number_required(key, value, "an integer in the VR's range"))
        })
        .collect()
}

/// Bytes of InlineBinary or bulk data (Little Endian, F.2.7) as a value of `vr`.
pub(super) fn from_binary(tag: Tag, vr: VR, bytes: Vec<u8>) -> Result<PrimitiveValue, ResponseError> {
    fn words<const N: usize, T>(tag: Tag, vr: VR, bytes: &[u8], read: fn([u8; N]) -> T) -> Result<C<T>, ResponseError> {
        if !bytes.len().is_multiple_of(N) {
            return Err(ResponseError::Model(format!(
                "element {} ({}) has {} bytes, not a multiple of {N}",
                tag_key(tag),
                vr.to_string(),
                bytes.len()
            )));
        }
        Ok(bytes.chunks_exact(N).filter_map(|chunk| chunk.try_into().ok()).map(read).collect())
    }
    let value = match vr {
        VR::US => PrimitiveValue::U16(words(tag, vr, &bytes, u16::from_le_bytes)?),
        VR::SS => PrimitiveValue::I16(words(tag, vr, &bytes, i16::from_le_bytes)?),
        VR::UL => PrimitiveValue::U32(words(tag, vr, &bytes, u32::from_le_bytes)?),
        VR::SL => PrimitiveValue::I32(words(tag, vr, &bytes, i32::from_le_bytes)?),
        VR::UV => PrimitiveValue::U64(words(tag, vr, &bytes, u64::from_le_bytes)?),
        VR::SV => PrimitiveValue::I64(words(tag, vr, &bytes, i64::from_le_bytes)?),
        VR::FL => PrimitiveValue::F32(words(tag, vr, &bytes, f32::from_le_bytes)?),
        VR::FD => PrimitiveValue::F64(words(tag, vr, &bytes, f64::from_le_bytes)?),
        VR::OB | VR::OW | VR::OF | VR::OD | VR::OL | VR::OV | VR::UN => PrimitiveValue::U8(bytes.into()),
        VR::SQ | VR::AT => {
            return Err(ResponseError::Model(format!(
                "element {} has VR {} given as binary data",
                tag_key(tag),
                vr.to_string()
            )))
        }
        _ => {
            let text = String::from_utf8_lossy(&bytes);
            let text = text.trim_end_matches(['\0', ' ']);
            if matches!(vr, VR::LT | VR::ST | VR::UT | VR::UR) {
                PrimitiveValue::Strs([text.to_string()].into_iter().collect())
            } else {
                PrimitiveValue::Strs(text.split('\\').map(str::to_string).collect())
            }
        }
    };
    Ok(value)
}
