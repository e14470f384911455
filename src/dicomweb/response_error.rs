//! What can be wrong with a DICOMweb response body: the DICOM JSON Model (PS3.18 Annex F.2),
//! multipart/related framing (RFC 2387, PS3.18 §8.7.3.5) or the frame to wrap in a PS3.10 file.

use std::fmt;

/// A response the viewer cannot use, with what was malformed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponseError {
    /// The body is not JSON at all (serde_json's message).
    Json(String),
    /// The JSON is well-formed but does not follow the DICOM JSON Model (PS3.18 F.2).
    Model(String),
    /// A DICOM JSON object goes beyond a limit (depth, element count).
    TooLarge { what: &'static str, limit: usize },
    /// A multipart/related body that cannot be split into parts.
    Multipart(String),
    /// A frame that cannot be wrapped into a PS3.10 file for the decoder.
    Frame(String),
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResponseError::Json(reason) => {
                write!(f, "the server's response is not valid JSON ({reason}); check the QIDO-RS/WADO-RS URL")
            }
            ResponseError::Model(reason) => write!(f, "the DICOM JSON response is malformed: {reason}"),
            ResponseError::TooLarge { what, limit } => {
                write!(f, "the DICOM JSON response has more than {limit} {what}; it is refused")
            }
            ResponseError::Multipart(reason) => write!(f, "the multipart/related response is malformed: {reason}"),
            ResponseError::Frame(reason) => write!(f, "the frame cannot be decoded: {reason}"),
        }
    }
}

impl std::error::Error for ResponseError {}
