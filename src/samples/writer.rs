//! A minimal DICOM Part 10 writer (PS3.10 7.1): 128-byte preamble, "DICM", the File Meta
//! Information (group 0002, Explicit VR Little Endian) and a data set in Explicit VR Little
//! Endian (PS3.5 7.1.2), with native or encapsulated (PS3.5 A.4) Pixel Data.

use std::collections::BTreeMap;

use dicom_core::Tag;

use super::error::SampleError;
use super::vr::Vr;

/// Explicit VR Little Endian (PS3.5 A.2).
pub const EXPLICIT_VR_LITTLE_ENDIAN: &str = "1.2.840.10008.1.2.1";
/// RLE Lossless (PS3.5 A.4.2).
pub const RLE_LOSSLESS: &str = "1.2.840.10008.1.2.5";

const ITEM: Tag = Tag(0xFFFE, 0xE000);
const SEQUENCE_DELIMITATION: Tag = Tag(0xFFFE, 0xE0DD);
const PIXEL_DATA: Tag = Tag(0x7FE0, 0x0010);

/// One element's value, already in its little-endian byte form.
#[derive(Debug, Clone)]
enum Value {
    /// A defined-length value (padded to even length when written).
    Bytes(Vr, Vec<u8>),
    /// Encapsulated Pixel Data (PS3.5 A.4): one fragment per frame.
    Encapsulated(Vec<Vec<u8>>),
}

/// A data set: elements kept sorted by tag, as PS3.5 7.1 requires.
#[derive(Debug, Clone, Default)]
pub struct DataSet {
    elements: BTreeMap<Tag, Value>,
}

impl DataSet {
    pub fn new() -> DataSet {
        DataSet::default()
    }

    /// A text element with one or more values (joined with '\', PS3.5 6.4).
    pub fn put_text(&mut self, tag: Tag, vr: Vr, values: &[&str]) -> Result<(), SampleError> {
        if !vr.is_text() {
            return Err(SampleError::WrongVr { tag, vr: vr.name(), expected: "a text VR" });
        }
        for value in values {
            let limit = vr.max_value_length().unwrap_or(usize::MAX);
            if value.len() > limit {
                return Err(SampleError::ValueTooLong { tag, length: value.len(), limit });
            }
        }
        self.elements.insert(tag, Value::Bytes(vr, values.join("\\").into_bytes()));
        Ok(())
    }

    /// A Decimal String element; each value is written in Rust's shortest exact form.
    pub fn put_decimals(&mut self, tag: Tag, values: &[f64]) -> Result<(), SampleError> {
        if let Some(bad) = values.iter().find(|v| !v.is_finite()) {
            return Err(SampleError::Geometry { reason: format!("{tag} cannot hold {bad} as a Decimal String") });
        }
        let texts: Vec<String> = values.iter().map(|v| format!("{v}")).collect();
        self.put_text(tag, Vr::DS, &texts.iter().map(String::as_str).collect::<Vec<_>>())
    }

    /// An Integer String element.
    pub fn put_integer(&mut self, tag: Tag, value: i64) -> Result<(), SampleError> {
        self.put_text(tag, Vr::IS, &[&value.to_string()])
    }

    /// An Unsigned Short element (single value).
    pub fn put_u16(&mut self, tag: Tag, value: u16) {
        self.elements.insert(tag, Value::Bytes(Vr::US, value.to_le_bytes().to_vec()));
    }

    /// A binary element (OB or OW) holding `bytes` as they are.
    pub fn put_binary(&mut self, tag: Tag, vr: Vr, bytes: Vec<u8>) -> Result<(), SampleError> {
        if !matches!(vr, Vr::OB | Vr::OW) {
            return Err(SampleError::WrongVr { tag, vr: vr.name(), expected: "OB or OW" });
        }
        self.elements.insert(tag, Value::Bytes(vr, bytes));
        Ok(())
    }

    /// Encapsulated Pixel Data: one fragment per frame, each of even length.
    pub fn put_encapsulated_pixel_data(&mut self, frames: Vec<Vec<u8>>) -> Result<(), SampleError> {
        if let Some(odd) = frames.iter().find(|f| f.len() % 2 == 1) {
            return Err(SampleError::Geometry { reason: format!("a {}-byte fragment is odd-length", odd.len()) });
        }
        self.elements.insert(PIXEL_DATA, Value::Encapsulated(frames));
        Ok(())
    }

    /// Explicit VR Little Endian encoding of every element, in tag order.
    pub fn encode(&self) -> Result<Vec<u8>, SampleError> {
        let mut out = Vec::new();
        for (tag, value) in &self.elements {
            match value {
                Value::Bytes(vr, bytes) => write_element(&mut out, *tag, *vr, bytes)?,
                Value::Encapsulated(frames) => write_encapsulated(&mut out, *tag, frames)?,
            }
        }
        Ok(out)
    }
}

fn length_u32(tag: Tag, length: usize) -> Result<u32, SampleError> {
    u32::try_from(length).ok().filter(|&l| l != u32::MAX).ok_or(SampleError::ValueTooLong {
        tag,
        length,
        limit: u32::MAX as usize - 1,
    })
}

fn write_tag(out: &mut Vec<u8>, tag: Tag) {
    out.extend_from_slice(&tag.group().to_le_bytes());
    out.extend_from_slice(&tag.element().to_le_bytes());
}

/// One defined-length element (PS3.5 7.1.2), padded to even length (PS3.5 6.2).
fn write_element(out: &mut Vec<u8>, tag: Tag, vr: Vr, bytes: &[u8]) -> Result<(), SampleError> {
    let padded = bytes.len() + bytes.len() % 2;
    write_tag(out, tag);
    out.extend_from_slice(&vr.code());
    if vr.has_long_length() {
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(&length_u32(tag, padded)?.to_le_bytes());
    } else {
        let short = u16::try_from(padded).map_err(|_| SampleError::ValueTooLong {
            tag,
            length: padded,
            limit: usize::from(u16::MAX - 1),
        })?;
        out.extend_from_slice(&short.to_le_bytes());
    }
    out.extend_from_slice(bytes);
    if bytes.len() % 2 == 1 {
        out.push(vr.padding());
    }
    Ok(())
}

fn write_item(out: &mut Vec<u8>, bytes: &[u8]) -> Result<(), SampleError> {
    write_tag(out, ITEM);
    out.extend_from_slice(&length_u32(ITEM, bytes.len())?.to_le_bytes());
    out.extend_from_slice(bytes);
    Ok(())
}

/// PS3.5 A.4: OB with undefined length, a Basic Offset Table item holding the offset of each
/// frame's item from the first byte after the table, one fragment per frame, and a Sequence
/// Delimitation Item.
fn write_encapsulated(out: &mut Vec<u8>, tag: Tag, frames: &[Vec<u8>]) -> Result<(), SampleError> {
    write_tag(out, tag);
    out.extend_from_slice(&Vr::OB.code());
    out.extend_from_slice(&[0, 0]);
    out.extend_from_slice(&u32::MAX.to_le_bytes());
    let mut offsets = Vec::with_capacity(frames.len() * 4);
    let mut offset = 0usize;
    for frame in frames {
        offsets.extend_from_slice(&length_u32(tag, offset)?.to_le_bytes());
        offset += 8 + frame.len();
    }
    write_item(out, &offsets)?;
    for frame in frames {
        write_item(out, frame)?;
    }
    write_tag(out, SEQUENCE_DELIMITATION);
    out.extend_from_slice(&0u32.to_le_bytes());
    Ok(())
}

/// What the File Meta Information (PS3.10 7.1) says about the object.
#[derive(Debug, Clone)]
pub struct FileMeta<'a> {
    pub sop_class_uid: &'a str,
    pub sop_instance_uid: &'a str,
    pub transfer_syntax_uid: &'a str,
    pub implementation_class_uid: &'a str,
    pub implementation_version_name: &'a str,
}

/// A complete Part 10 file: preamble, "DICM", group 0002 with its group length, data set.
pub fn write_part10(meta: &FileMeta, dataset: &DataSet) -> Result<Vec<u8>, SampleError> {
    let mut group = DataSet::new();
    group.put_binary(Tag(0x0002, 0x0001), Vr::OB, vec![0x00, 0x01])?;
    group.put_text(Tag(0x0002, 0x0002), Vr::UI, &[meta.sop_class_uid])?;
    group.put_text(Tag(0x0002, 0x0003), Vr::UI, &[meta.sop_instance_uid])?;
    group.put_text(Tag(0x0002, 0x0010), Vr::UI, &[meta.transfer_syntax_uid])?;
    group.put_text(Tag(0x0002, 0x0012), Vr::UI, &[meta.implementation_class_uid])?;
    group.put_text(Tag(0x0002, 0x0013), Vr::SH, &[meta.implementation_version_name])?;
    let body = group.encode()?;
    let mut out = vec![0u8; 128];
    out.extend_from_slice(b"DICM");
    write_element(&mut out, Tag(0x0002, 0x0000), Vr::UL, &length_u32(Tag(0x0002, 0x0000), body.len())?.to_le_bytes())?;
    out.extend_from_slice(&body);
    out.extend_from_slice(&dataset.encode()?);
    Ok(out)
}
