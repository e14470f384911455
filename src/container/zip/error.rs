//! Why a ZIP archive, or one entry of it, cannot be read. Each message names the entry (when
//! there is one), the cause and what the user can do.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZipError {
    /// The bytes at `offset` are neither a local file header nor the central directory.
    BadSignature { offset: u64, found: u32 },
    /// The archive ended inside a header or an entry's data.
    Truncated { entry: Option<String> },
    /// A local file header is inconsistent (e.g. a ZIP64 size marker without its extra field).
    BadHeader { entry: String, reason: String },
    /// The entry is encrypted (general purpose bit 0, or AES method 99).
    Encrypted { entry: String },
    /// The entry uses a compression method other than stored (0) or deflate (8).
    UnsupportedMethod { entry: String, method: u16 },
    /// The deflate stream is corrupt.
    Corrupt { entry: String, reason: String },
    /// The CRC-32 of the extracted bytes differs from the recorded one.
    CrcMismatch { entry: String, expected: u32, actual: u32 },
    /// A recorded size differs from the number of bytes found.
    SizeMismatch { entry: String, expected: u64, actual: u64 },
    /// The entry is larger than the per-entry limit.
    EntryTooLarge { entry: String, limit: u64 },
    /// The extracted entries together are larger than the total limit.
    TotalTooLarge { limit: u64 },
    /// The archive holds more entries than the limit.
    TooManyEntries { limit: usize },
}

impl ZipError {
    /// Whether reading may go on with the next entry after this error (the entry's compressed
    /// size is known, so its data can be stepped over).
    pub fn is_entry_only(&self) -> bool {
        matches!(self, ZipError::Encrypted { .. } | ZipError::UnsupportedMethod { .. })
    }
}

impl fmt::Display for ZipError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const AGAIN: &str = "download or create the archive again";
        match self {
            ZipError::BadSignature { offset, found } => write!(
                f,
                "not a ZIP archive, or a damaged one: unexpected signature {found:#010x} at byte {offset}; {AGAIN}"
            ),
            ZipError::Truncated { entry: Some(entry) } => {
                write!(f, "the ZIP archive ends inside \"{entry}\"; it is incomplete, {AGAIN}")
            }
            ZipError::Truncated { entry: None } => {
                write!(f, "the ZIP archive ends before its central directory; it is incomplete, {AGAIN}")
            }
            ZipError::BadHeader { entry, reason } => write!(f, "the ZIP header of \"{entry}\" is damaged ({reason})"),
            ZipError::Encrypted { entry } => write!(
                f,
                "\"{entry}\" is encrypted in the ZIP archive; extract it with its password and open the files directly"
            ),
            ZipError::UnsupportedMethod { entry, method } => write!(
                f,
                "\"{entry}\" is compressed with ZIP method {method}, which this viewer cannot read; \
                 re-create the archive with deflate or no compression"
            ),
            ZipError::Corrupt { entry, reason } => {
                write!(f, "\"{entry}\" is damaged in the ZIP archive ({reason}); {AGAIN}")
            }
            ZipError::CrcMismatch { entry, expected, actual } => write!(
                f,
                "\"{entry}\" is damaged in the ZIP archive (CRC-32 {actual:#010x}, recorded {expected:#010x}); {AGAIN}"
            ),
            ZipError::SizeMismatch { entry, expected, actual } => {
                write!(f, "\"{entry}\" is damaged in the ZIP archive ({actual} bytes, recorded {expected}); {AGAIN}")
            }
            ZipError::EntryTooLarge { entry, limit } => write!(
                f,
                "\"{entry}\" in the ZIP archive is larger than {} MiB; extract it and open the files directly",
                limit >> 20
            ),
            ZipError::TotalTooLarge { limit } => write!(
                f,
                "the ZIP archive extracts to more than {} MiB; extract it and open fewer files at a time",
                limit >> 20
            ),
            ZipError::TooManyEntries { limit } => {
                write!(f, "the ZIP archive holds more than {limit} entries; extract it and open fewer files at a time")
            }
        }
    }
}

impl std::error::Error for ZipError {}
