//! A frame fetched alone from WADO-RS (PS3.18 §10.4.1.1.5 frame resources) made decodable by
//! the same path as a dropped file: the frame's bytes are framed, not copied, by a PS3.10
//! file head (preamble, "DICM", File Meta Information, PS3.10 §7.1) and tail. The head holds
//! the Image Pixel module (PS3.3 C.7.6.3) and the other attributes `ImageInfo::read` uses,
//! in Explicit VR Little Endian (PS3.5 A.2), then the Pixel Data element header: native with
//! its defined length (PS3.5 §8.1.1) or encapsulated (PS3.5 A.4: undefined length, an empty
//! Basic Offset Table item, one fragment, then the Sequence Delimitation Item as the tail).

use dicom_core::header::Header;
use dicom_core::{DataElement, PrimitiveValue, Tag, VR};
use dicom_encoding::transfer_syntax::TransferSyntaxIndex;
use dicom_object::meta::FileMetaTableBuilder;
use dicom_object::InMemDicomObject;
use dicom_transfer_syntax_registry::TransferSyntaxRegistry;

use super::ResponseError;
use crate::dicom::{Attributes, ImageInfo, SampleFormat, TransferSyntax};

const EXPLICIT_VR_LITTLE_ENDIAN: &str = "1.2.840.10008.1.2.1";
const NUMBER_OF_FRAMES: Tag = Tag(0x0028, 0x0008);
const FRAME_INCREMENT_POINTER: Tag = Tag(0x0028, 0x0009);
const BITS_ALLOCATED: Tag = Tag(0x0028, 0x0100);
const PIXEL_DATA: Tag = Tag(0x7FE0, 0x0010);
const FLOAT_PIXEL_DATA: Tag = Tag(0x7FE0, 0x0008);
const DOUBLE_FLOAT_PIXEL_DATA: Tag = Tag(0x7FE0, 0x0009);
const ITEM: [u8; 4] = [0xFE, 0xFF, 0x00, 0xE0];
const SEQUENCE_DELIMITATION: [u8; 4] = [0xFE, 0xFF, 0xDD, 0xE0];

/// Outside group 0028: attributes the decoder reads (SOP Common C.12.1 for the file meta,
/// Modality for the default presentation, Presentation LUT Shape C.11.6, and the shared
/// functional groups' Pixel Value Transformation and Frame VOI LUT, C.7.6.16.2).
const COPIED: [Tag; 5] =
    [Tag(0x0008, 0x0016), Tag(0x0008, 0x0018), Tag(0x0008, 0x0060), Tag(0x2050, 0x0020), Tag(0x5200, 0x9229)];

/// The file is `head`, the frame's bytes, one zero byte when `pad` (even length, PS3.5 §7.1.1),
/// then `tail`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameFileParts {
    pub head: Vec<u8>,
    pub tail: Vec<u8>,
    pub pad: bool,
}

fn frame_error(reason: impl Into<String>) -> ResponseError {
    ResponseError::Frame(reason.into())
}

/// The head and tail of a single-frame PS3.10 file around `frame_len` bytes encoded in
/// `transfer_syntax_uid`; `dataset` is the instance's metadata (e.g. from WADO-RS /metadata).
/// Float (7FE0,0008) or Double Float Pixel Data (7FE0,0009, PS3.3 C.7.6.24) is written when
/// `dataset` holds that element (put an empty one for a BulkDataRef of that tag); otherwise
/// Pixel Data (7FE0,0010).
pub fn frame_file_parts(
    dataset: &InMemDicomObject,
    transfer_syntax_uid: &str,
    frame_len: usize,
) -> Result<FrameFileParts, ResponseError> {
    let syntax = TransferSyntax::from_uid(transfer_syntax_uid)
        .ok_or_else(|| frame_error(format!("transfer syntax {transfer_syntax_uid} is not one this viewer decodes")))?;
    let bits_allocated = Attributes(dataset).u16(BITS_ALLOCATED).unwrap_or(0);
    if syntax.big_endian && bits_allocated != 8 {
        return Err(frame_error(format!(
            "a frame in Explicit VR Big Endian with {bits_allocated} bits allocated has byte-swapped samples; \
             ask the server for Explicit VR Little Endian (transfer-syntax=1.2.840.10008.1.2.1)"
        )));
    }
    let encapsulated = syntax.is_encapsulated();
    // Native frames (Implicit LE, Big Endian with 8-bit samples, Deflated: frames are sent
    // inflated) are plain little-endian samples, described as Explicit VR Little Endian.
    let file_syntax = if encapsulated { syntax.uid.as_str() } else { EXPLICIT_VR_LITTLE_ENDIAN };
    let pad = frame_len % 2 == 1;
    let padded_len = frame_len
        .checked_add(usize::from(pad))
        .and_then(|len| u32::try_from(len).ok())
        .filter(|len| *len < u32::MAX)
        .ok_or_else(|| frame_error(format!("a {frame_len}-byte frame does not fit a PS3.10 element")))?;

    let attributes = Attributes(dataset);
    let meta = FileMetaTableBuilder::new()
        .media_storage_sop_class_uid(attributes.string(Tag(0x0008, 0x0016)).unwrap_or_default())
        .media_storage_sop_instance_uid(attributes.string(Tag(0x0008, 0x0018)).unwrap_or_default())
        .transfer_syntax(file_syntax)
        .implementation_class_uid("1.2.826.0.1.3680043.10.1455.1")
        .build()
        .map_err(|e| frame_error(format!("file meta information: {e}")))?;
    let mut head = vec![0u8; 128];
    head.extend_from_slice(b"DICM");
    meta.write(&mut head).map_err(|e| frame_error(format!("file meta information: {e}")))?;

    let mut header = InMemDicomObject::from_element_iter(
        dataset
            .iter()
            .filter(|element| {
                let tag = element.tag();
                (tag.group() == 0x0028 && ![Tag(0x0028, 0), NUMBER_OF_FRAMES, FRAME_INCREMENT_POINTER].contains(&tag))
                    || COPIED.contains(&tag)
            })
            .cloned(),
    );
    header.put(DataElement::new(NUMBER_OF_FRAMES, VR::IS, PrimitiveValue::from("1")));
    let float_tag = [FLOAT_PIXEL_DATA, DOUBLE_FLOAT_PIXEL_DATA].into_iter().find(|tag| dataset.get(*tag).is_some());
    let pixel_tag = float_tag.unwrap_or(PIXEL_DATA);
    if float_tag.is_some() && encapsulated {
        return Err(frame_error(format!("float pixel data cannot be in {} (PS3.5 A.4)", syntax.name)));
    }
    let sample_format = match float_tag {
        Some(FLOAT_PIXEL_DATA) => SampleFormat::Float32,
        Some(_) => SampleFormat::Float64,
        None => SampleFormat::Integer,
    };
    // Refuse here, with the reason, metadata the decoder would refuse later.
    ImageInfo::read_with_sample_format(Attributes(&header), sample_format)
        .map_err(|e| frame_error(format!("the instance's metadata does not describe its pixels: {e}")))?;
    let explicit = TransferSyntaxRegistry
        .get(EXPLICIT_VR_LITTLE_ENDIAN)
        .ok_or_else(|| frame_error("Explicit VR Little Endian is not registered"))?;
    header.write_dataset_with_ts(&mut head, explicit).map_err(|e| frame_error(format!("image attributes: {e}")))?;

    head.extend_from_slice(&pixel_tag.group().to_le_bytes());
    head.extend_from_slice(&pixel_tag.element().to_le_bytes());
    let mut tail = Vec::new();
    if encapsulated {
        head.extend_from_slice(b"OB\0\0");
        head.extend_from_slice(&u32::MAX.to_le_bytes());
        head.extend_from_slice(&ITEM);
        head.extend_from_slice(&0u32.to_le_bytes());
        head.extend_from_slice(&ITEM);
        head.extend_from_slice(&padded_len.to_le_bytes());
        tail.extend_from_slice(&SEQUENCE_DELIMITATION);
        tail.extend_from_slice(&0u32.to_le_bytes());
    } else {
        let vr = match float_tag {
            Some(FLOAT_PIXEL_DATA) => b"OF\0\0",
            Some(_) => b"OD\0\0",
            None if bits_allocated > 8 => b"OW\0\0",
            None => b"OB\0\0",
        };
        head.extend_from_slice(vr);
        head.extend_from_slice(&padded_len.to_le_bytes());
    }
    Ok(FrameFileParts { head, tail, pad })
}

impl FrameFileParts {
    /// The whole file in one buffer (native callers and tests; the browser joins a Blob).
    pub fn assemble(&self, frame: &[u8]) -> Vec<u8> {
        let mut file = Vec::with_capacity(self.head.len() + frame.len() + 1 + self.tail.len());
        file.extend_from_slice(&self.head);
        file.extend_from_slice(frame);
        if self.pad {
            file.push(0);
        }
        file.extend_from_slice(&self.tail);
        file
    }
}
