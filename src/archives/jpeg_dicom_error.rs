//! Why a JPEG photo cannot be wrapped as DICOM (`jpeg_dicom`): each message names the cause
//! and what to do about it.

use std::fmt;

use crate::samples::SampleError;

/// Why a JPEG photo cannot be wrapped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JpegDicomError {
    /// No SOI marker: the bytes are not a JPEG file.
    NotJpeg,
    /// The header is cut short or malformed at `offset`.
    Malformed { offset: usize },
    /// A progressive (SOF2) stream.
    Progressive,
    /// Another JPEG process (lossless, hierarchical, arithmetic coding): its SOF marker.
    UnsupportedProcess(u8),
    /// Neither 1 nor 3 components (e.g. CMYK).
    Components(usize),
    /// Not 8-bit samples.
    Precision(u8),
    /// Zero rows or columns (a DNL-defined height is not supported).
    Empty,
    /// A given UID is not a valid UID.
    InvalidUid(String),
    /// A value that does not fit its DICOM encoding.
    Write(String),
}

impl fmt::Display for JpegDicomError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JpegDicomError::NotJpeg => write!(f, "the photo is not a JPEG file; only JPEG photos can be shown"),
            JpegDicomError::Malformed { offset } => {
                write!(f, "the JPEG photo is damaged or cut short (header at byte {offset}); download it again")
            }
            JpegDicomError::Progressive => {
                write!(f, "the photo is a progressive JPEG, which the viewer cannot decode; use a baseline JPEG")
            }
            JpegDicomError::UnsupportedProcess(marker) => {
                write!(
                    f,
                    "the photo uses a JPEG process (SOF {marker:#04X}) the viewer does not decode; use a baseline JPEG"
                )
            }
            JpegDicomError::Components(count) => {
                write!(f, "the JPEG photo has {count} colour components; only greyscale (1) and colour (3) are shown")
            }
            JpegDicomError::Precision(bits) => {
                write!(f, "the JPEG photo has {bits}-bit samples; only 8-bit photos are shown")
            }
            JpegDicomError::Empty => write!(f, "the JPEG photo declares no rows or columns"),
            JpegDicomError::InvalidUid(uid) => write!(f, "'{uid}' is not a DICOM UID (digits and dots, at most 64)"),
            JpegDicomError::Write(reason) => write!(f, "the photo cannot be written as DICOM: {reason}"),
        }
    }
}

impl std::error::Error for JpegDicomError {}

impl From<SampleError> for JpegDicomError {
    fn from(error: SampleError) -> Self {
        JpegDicomError::Write(error.to_string())
    }
}
