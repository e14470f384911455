//! DICOM parsing (PS3.10 files, PS3.5 encodings) with dicom-rs, and access to the frames of
//! an image object.

mod attributes;
mod decode;
mod frame;
mod frames;
pub(crate) mod header;
mod image_info;
pub mod overlay;
mod transfer_syntax;

use std::borrow::Cow;

use dicom_core::Tag;
use dicom_object::{file::ReadPreamble, InMemDicomObject, OpenFileOptions};

pub use attributes::Attributes;
pub use frame::Frame;
pub use image_info::{FrameTransforms, ImageInfo, NamedVoi, SampleFormat};
pub use transfer_syntax::{Encoding, TransferSyntax};

use crate::error::DecodeError;
use frames::Encapsulated;

/// Largest decoded frame (bytes) the viewer accepts.
pub const MAX_FRAME_BYTES: u64 = 512 << 20;
/// Largest declared image (all frames, bytes) the viewer accepts.
pub const MAX_IMAGE_BYTES: u64 = 4 << 30;

const PIXEL_DATA: Tag = Tag(0x7FE0, 0x0010);
const FLOAT_PIXEL_DATA: Tag = Tag(0x7FE0, 0x0008);
const DOUBLE_FLOAT_PIXEL_DATA: Tag = Tag(0x7FE0, 0x0009);
const EXTENDED_OFFSET_TABLE: Tag = Tag(0x7FE0, 0x0001);

/// A parsed DICOM image object.
pub struct DicomImage {
    pub dataset: InMemDicomObject,
    pub info: ImageInfo,
    pub transfer_syntax: TransferSyntax,
}

/// Where the data set starts and how it is encoded, from the first bytes.
pub(crate) enum DataLayout {
    /// A PS3.10 file; the File Meta Information ("DICM" prefix) starts at `meta_start`.
    File { meta_start: usize },
    /// A bare data set in Implicit or Explicit VR Little Endian.
    Bare { transfer_syntax_uid: &'static str },
}

impl DataLayout {
    /// A PS3.10 file (with or without the 128-byte preamble) or, failing the "DICM" prefix, a
    /// bare data set starting with a group 0002..0028 element; explicit VR has two upper-case
    /// letters after the tag.
    pub(crate) fn detect(bytes: &[u8]) -> Result<DataLayout, DecodeError> {
        if bytes.get(128..132) == Some(b"DICM") {
            return Ok(DataLayout::File { meta_start: 128 });
        }
        if bytes.get(..4) == Some(b"DICM") {
            return Ok(DataLayout::File { meta_start: 0 });
        }
        let group = bytes.get(..2).map(|g| u16::from_le_bytes([g[0], g[1]]));
        if !matches!(group, Some(0x0002..=0x0028)) {
            return Err(DecodeError::NotDicom { reason: "no \"DICM\" prefix and no data set at the start".into() });
        }
        let explicit = bytes.get(4..6).is_some_and(|vr| vr.iter().all(u8::is_ascii_uppercase));
        let transfer_syntax_uid = if explicit { "1.2.840.10008.1.2.1" } else { "1.2.840.10008.1.2" };
        Ok(DataLayout::Bare { transfer_syntax_uid })
    }
}

/// Parses the whole data set (see [`DataLayout::detect`]).
fn parse_dataset(bytes: &[u8]) -> Result<(InMemDicomObject, String), DecodeError> {
    let parse_error = |e: &dyn std::fmt::Display| DecodeError::Parse { reason: e.to_string() };
    let uid = match DataLayout::detect(bytes)? {
        DataLayout::File { meta_start } => {
            let preamble = if meta_start == 0 { ReadPreamble::Never } else { ReadPreamble::Always };
            let object =
                OpenFileOptions::new().read_preamble(preamble).from_reader(bytes).map_err(|e| parse_error(&e))?;
            let uid = object.meta().transfer_syntax().trim_end_matches(['\0', ' ']).to_string();
            return Ok((object.into_inner(), uid));
        }
        DataLayout::Bare { transfer_syntax_uid } => transfer_syntax_uid,
    };
    let ts = dicom_transfer_syntax_registry::get_registry_ts(uid)
        .ok_or_else(|| DecodeError::UnsupportedTransferSyntax { uid: uid.to_string() })?;
    let object = InMemDicomObject::read_dataset_with_ts(bytes, ts).map_err(|e| parse_error(&e))?;
    Ok((object, uid.to_string()))
}

/// Parses the whole data set of any DICOM object, pixel data included (a PS3.10 file or a bare
/// data set, see [`DataLayout::detect`]), with its transfer syntax UID.
pub fn read_dataset(bytes: &[u8]) -> Result<(InMemDicomObject, String), DecodeError> {
    parse_dataset(bytes)
}

/// Reads the attributes of any DICOM object (image, report, segmentation...) up to, not
/// including, its pixel data, with the transfer syntax UID; pixels are never copied.
pub fn read_header_dataset(bytes: &[u8]) -> Result<(InMemDicomObject, String), DecodeError> {
    let header = header::read_header(bytes)?;
    Ok((header.dataset, header.transfer_syntax_uid))
}

mod dicom_transfer_syntax_registry {
    pub use ::dicom_transfer_syntax_registry::TransferSyntaxRegistry;
    use dicom_encoding::transfer_syntax::{TransferSyntax, TransferSyntaxIndex};

    pub fn get_registry_ts(uid: &str) -> Option<&'static TransferSyntax> {
        TransferSyntaxRegistry.get(uid)
    }
}

impl DicomImage {
    /// Parses a DICOM file and reads its Image Pixel Module.
    pub fn parse(bytes: &[u8]) -> Result<DicomImage, DecodeError> {
        let (dataset, uid) = parse_dataset(bytes)?;
        let transfer_syntax =
            TransferSyntax::from_uid(&uid).ok_or(DecodeError::UnsupportedTransferSyntax { uid: uid.clone() })?;
        let attrs = Attributes(&dataset);
        if !(attrs.has(PIXEL_DATA) || attrs.has(FLOAT_PIXEL_DATA) || attrs.has(DOUBLE_FLOAT_PIXEL_DATA)) {
            return Err(DecodeError::NoPixelData);
        }
        let info = ImageInfo::read(attrs)?;
        check_limits(&info)?;
        Ok(DicomImage { dataset, info, transfer_syntax })
    }

    /// Like [`DicomImage::parse`] but stops before the pixel data: `info` and the attributes
    /// are complete, the frames are not available (`dataset` holds no pixel data element).
    /// Objects without pixel data give [`DecodeError::NoPixelData`]; use
    /// [`read_header_dataset`] for their attributes.
    pub fn parse_header(bytes: &[u8]) -> Result<DicomImage, DecodeError> {
        let header = header::read_header(bytes)?;
        let transfer_syntax = TransferSyntax::from_uid(&header.transfer_syntax_uid)
            .ok_or(DecodeError::UnsupportedTransferSyntax { uid: header.transfer_syntax_uid.clone() })?;
        let sample_format = match header.pixel_tag {
            Some(FLOAT_PIXEL_DATA) => SampleFormat::Float32,
            Some(DOUBLE_FLOAT_PIXEL_DATA) => SampleFormat::Float64,
            Some(_) => SampleFormat::Integer,
            None => return Err(DecodeError::NoPixelData),
        };
        let info = ImageInfo::read_with_sample_format(Attributes(&header.dataset), sample_format)?;
        check_limits(&info)?;
        Ok(DicomImage { dataset: header.dataset, info, transfer_syntax })
    }

    /// An image header from attributes that did not come from a file, such as a DICOMweb
    /// metadata response (PS3.18 F.2): `sample_format` says which pixel data element the object
    /// has, `transfer_syntax_uid` how its frames are encoded. Like [`DicomImage::parse_header`],
    /// the frames are not available here.
    pub fn from_header(
        dataset: InMemDicomObject,
        transfer_syntax_uid: &str,
        sample_format: SampleFormat,
    ) -> Result<DicomImage, DecodeError> {
        let uid = transfer_syntax_uid.trim_end_matches(['\0', ' ']);
        let transfer_syntax =
            TransferSyntax::from_uid(uid).ok_or(DecodeError::UnsupportedTransferSyntax { uid: uid.to_string() })?;
        let info = ImageInfo::read_with_sample_format(Attributes(&dataset), sample_format)?;
        check_limits(&info)?;
        Ok(DicomImage { dataset, info, transfer_syntax })
    }

    pub fn attributes(&self) -> Attributes<'_> {
        Attributes(&self.dataset)
    }

    fn pixel_element(&self) -> Result<&dicom_core::value::Value<InMemDicomObject>, DecodeError> {
        [PIXEL_DATA, FLOAT_PIXEL_DATA, DOUBLE_FLOAT_PIXEL_DATA]
            .iter()
            .find_map(|tag| self.dataset.get(*tag))
            .map(|element| element.value())
            .ok_or(DecodeError::NoPixelData)
    }

    /// Native pixel data bytes (little endian).
    fn pixel_bytes(&self) -> Result<Cow<'_, [u8]>, DecodeError> {
        let value = self.pixel_element()?;
        if value.fragments().is_some() {
            return Err(DecodeError::Parse {
                reason: format!("encapsulated Pixel Data in a native transfer syntax ({})", self.transfer_syntax.name),
            });
        }
        value.to_bytes().map_err(|e| DecodeError::Parse { reason: format!("Pixel Data: {e}") })
    }

    /// The compressed codestream of one frame.
    pub fn encapsulated_frame(&self, frame: u32) -> Result<Cow<'_, [u8]>, DecodeError> {
        let value = self.pixel_element()?;
        let fragments = value.fragments().ok_or(DecodeError::Parse {
            reason: format!("native Pixel Data in an encapsulated transfer syntax ({})", self.transfer_syntax.name),
        })?;
        let extended_offsets = self.attributes().bytes(EXTENDED_OFFSET_TABLE).map(|bytes| {
            bytes
                .chunks_exact(8)
                .map(|c| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
                .collect()
        });
        let encapsulated =
            Encapsulated { basic_offsets: value.offset_table().unwrap_or(&[]), extended_offsets, fragments };
        encapsulated.frame(frame, self.info.number_of_frames, self.transfer_syntax.encoding)
    }
}

/// Refuses images whose declared size is beyond what the viewer may allocate.
fn check_limits(info: &ImageInfo) -> Result<(), DecodeError> {
    let bits = u64::from(info.layout.bits_allocated.max(8));
    let frame_bytes = info.samples_per_frame() * bits / 8;
    if frame_bytes > MAX_FRAME_BYTES {
        return Err(DecodeError::TooLarge { bytes: frame_bytes, limit: MAX_FRAME_BYTES });
    }
    let image_bytes = frame_bytes.saturating_mul(u64::from(info.number_of_frames));
    if image_bytes > MAX_IMAGE_BYTES {
        return Err(DecodeError::TooLarge { bytes: image_bytes, limit: MAX_IMAGE_BYTES });
    }
    Ok(())
}
