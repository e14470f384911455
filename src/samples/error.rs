//! Errors of the sample generator: a value that does not fit its DICOM encoding, or a file that
//! cannot be written. Each message names the cause and what to do about it.

use std::fmt;
use std::path::PathBuf;

use dicom_core::Tag;

#[derive(Debug)]
pub enum SampleError {
    /// A value is too long for its VR's length field or value limit (PS3.5 6.2, 7.1.2).
    ValueTooLong { tag: Tag, length: usize, limit: usize },
    /// A VR was used with a value kind it cannot hold (e.g. text in a US element).
    WrongVr { tag: Tag, vr: &'static str, expected: &'static str },
    /// An image does not have the number of samples its geometry says.
    Geometry { reason: String },
    /// Writing a file or creating a folder failed.
    Io { path: PathBuf, source: std::io::Error },
}

impl fmt::Display for SampleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SampleError::ValueTooLong { tag, length, limit } => {
                write!(f, "the value of {tag} is {length} bytes, more than its encoding allows ({limit}); shorten it")
            }
            SampleError::WrongVr { tag, vr, expected } => {
                write!(f, "{tag} was given VR {vr} where {expected} is needed; fix the sample definition")
            }
            SampleError::Geometry { reason } => write!(f, "inconsistent sample image: {reason}"),
            SampleError::Io { path, source } => {
                write!(f, "cannot write {} ({source}); check the output folder and its permissions", path.display())
            }
        }
    }
}

impl std::error::Error for SampleError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SampleError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
