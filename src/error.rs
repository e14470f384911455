//! The one error type users see when a DICOM file cannot be shown. Each variant says what is
//! wrong and, through `Display`, what the user can do about it.

use std::fmt;

use crate::codec::CodecError;

#[derive(Debug, Clone, PartialEq)]
pub enum DecodeError {
    /// The bytes are not a DICOM Part 10 file or data set (PS3.10 §7.1).
    NotDicom { reason: String },
    /// The data set could not be parsed (truncated or corrupt element structure).
    Parse { reason: String },
    /// A required attribute of the Image Pixel Module (PS3.3 C.7.6.3) is missing or unusable.
    Attribute { keyword: &'static str, reason: String },
    /// The object has no Pixel Data (e.g. a Structured Report).
    NoPixelData,
    /// The transfer syntax is not one this viewer decodes.
    UnsupportedTransferSyntax { uid: String },
    /// A requested frame is outside the object.
    FrameOutOfRange { frame: u32, frames: u32 },
    /// The image is larger than the memory limit allows.
    TooLarge { bytes: u64, limit: u64 },
    /// The pixel data is shorter than Rows × Columns × Samples × Bits Allocated requires.
    PixelDataTooShort { expected: u64, actual: u64 },
    /// The compressed frame could not be decoded.
    Codec { transfer_syntax: String, source: CodecError },
    /// The decoded frame does not match what the header says (size, samples).
    Mismatch { reason: String },
    /// A feature of the image the pipeline does not implement.
    Unsupported { feature: String },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::NotDicom { reason } => {
                write!(f, "not a DICOM file ({reason}); choose a DICOM (.dcm) file")
            }
            DecodeError::Parse { reason } => {
                write!(f, "the DICOM file is damaged or incomplete ({reason}); download or export it again")
            }
            DecodeError::Attribute { keyword, reason } => {
                write!(f, "the image header has an unusable {keyword}: {reason}")
            }
            DecodeError::NoPixelData => {
                write!(f, "this DICOM object has no image (no Pixel Data), e.g. a report or a key-object note")
            }
            DecodeError::UnsupportedTransferSyntax { uid } => write!(
                f,
                "the image is compressed with transfer syntax {uid}, which this viewer cannot decode; \
                 convert it to an uncompressed or JPEG/JPEG-LS/JPEG 2000 syntax"
            ),
            DecodeError::FrameOutOfRange { frame, frames } => {
                write!(f, "frame {frame} does not exist: the image has {frames} frame(s), numbered from 0")
            }
            DecodeError::TooLarge { bytes, limit } => write!(
                f,
                "the image needs {} MiB, more than the {} MiB limit; it is too large to display here",
                bytes >> 20,
                limit >> 20
            ),
            DecodeError::PixelDataTooShort { expected, actual } => write!(
                f,
                "the pixel data holds {actual} bytes but the header requires {expected}; the file is truncated"
            ),
            DecodeError::Codec { transfer_syntax, source } => {
                write!(f, "cannot decode the {transfer_syntax} frame: {source}")
            }
            DecodeError::Mismatch { reason } => {
                write!(f, "the decoded frame does not match the image header: {reason}")
            }
            DecodeError::Unsupported { feature } => write!(f, "not supported: {feature}"),
        }
    }
}

impl std::error::Error for DecodeError {}

impl DecodeError {
    /// The codec module this error asks for, when the frame needs a decoder this wasm module
    /// does not carry (JPEG XL in the page's `decoder` module): the caller loads it and retries.
    pub fn module_needed(&self) -> Option<&'static str> {
        match self {
            DecodeError::Codec { source: CodecError::ModuleNeeded { codec }, .. } => Some(codec),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_missing_codec_module_asks_for_one() {
        let needed = DecodeError::Codec {
            transfer_syntax: "JPEG XL Lossless".into(),
            source: CodecError::ModuleNeeded { codec: "JPEG XL" },
        };
        assert_eq!(needed.module_needed(), Some("JPEG XL"));
        let corrupt = DecodeError::Codec {
            transfer_syntax: "JPEG XL Lossless".into(),
            source: CodecError::invalid("JPEG XL", "bad header"),
        };
        assert_eq!(corrupt.module_needed(), None);
        assert_eq!(DecodeError::NoPixelData.module_needed(), None);
    }
}
