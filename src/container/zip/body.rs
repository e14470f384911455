//! One entry's data as it streams in: stored bytes, a raw deflate stream (inflated
//! incrementally, so its end is found without knowing its size), or bytes stepped over; then
//! the data descriptor (APPNOTE 4.3.9) when general purpose bit 3 is set, and the CRC-32 and
//! size checks.

use miniz_oxide::inflate::stream::{inflate, InflateState};
use miniz_oxide::{DataFormat, MZError, MZFlush, MZStatus};

use super::error::ZipError;
use super::header::{read_u32, read_u64, LocalHeader, DATA_DESCRIPTOR};
use super::scan::Scan;

const METHOD_STORED: u16 = 0;
const METHOD_DEFLATE: u16 = 8;
/// Initial allocation cap: a header may claim any size, so larger entries grow as bytes arrive.
const MAX_RESERVE: u64 = 16 << 20;

/// How many more bytes this entry may produce (the smaller of the entry and total limits).
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    pub entry: u64,
    /// What the total limit leaves for this entry.
    pub total_remaining: u64,
    pub total_limit: u64,
}

impl Budget {
    fn check(&self, path: &str, size: u64) -> Result<(), ZipError> {
        if size > self.entry {
            return Err(ZipError::EntryTooLarge { entry: path.to_string(), limit: self.entry });
        }
        if size > self.total_remaining {
            return Err(ZipError::TotalTooLarge { limit: self.total_limit });
        }
        Ok(())
    }
}

enum Mode {
    /// Stored data of known length.
    Stored { remaining: u64 },
    /// Stored data of unknown length: ends where a data descriptor matching the bytes so far
    /// begins (`scan.checked` = positions already ruled out).
    StoredScan { scan: Scan },
    /// Deflate data, ending with its final block; `remaining` input when the size is known.
    Deflate { state: Box<InflateState>, remaining: Option<u64> },
    /// Data of an entry that cannot be read, stepped over.
    Skip { remaining: u64, reason: ZipError },
}

/// The outcome of feeding bytes to an entry.
pub struct Step {
    pub consumed: usize,
    pub finished: bool,
}

pub struct EntryReader {
    pub header: LocalHeader,
    mode: Mode,
    data: Vec<u8>,
    compressed_read: u64,
}

/// A finished entry: its bytes, or why it was stepped over.
pub type Finished = Result<(String, Vec<u8>), ZipError>;

impl EntryReader {
    /// Chooses how to read the entry's data; fails when its end cannot be found.
    pub fn new(header: LocalHeader, budget: Budget) -> Result<EntryReader, ZipError> {
        let sized = !header.has_data_descriptor() || header.compressed_size != 0;
        let unreadable = if header.is_encrypted() {
            Some(ZipError::Encrypted { entry: header.path.clone() })
        } else if !matches!(header.method, METHOD_STORED | METHOD_DEFLATE) {
            Some(ZipError::UnsupportedMethod { entry: header.path.clone(), method: header.method })
        } else {
            None
        };
        let mode = match (unreadable, header.method) {
            (Some(reason), _) if sized => Mode::Skip { remaining: header.compressed_size, reason },
            (Some(reason), _) => return Err(reason),
            (None, METHOD_STORED) if sized => Mode::Stored { remaining: header.compressed_size },
            (None, METHOD_STORED) => Mode::StoredScan { scan: Scan::default() },
            (None, _) => Mode::Deflate {
                state: InflateState::new_boxed(DataFormat::Raw),
                remaining: (!header.has_data_descriptor()).then_some(header.compressed_size),
            },
        };
        let mut data = Vec::new();
        if sized && !matches!(mode, Mode::Skip { .. }) {
            budget.check(&header.path, header.uncompressed_size)?;
            data.reserve(usize::try_from(header.uncompressed_size.min(MAX_RESERVE)).unwrap_or(0));
        }
        Ok(EntryReader { header, mode, data, compressed_read: 0 })
    }

    /// Takes what it can of `input`; `finished` once the entry's data (and, for stored data of
    /// unknown length, its data descriptor) has been read.
    pub fn feed(&mut self, input: &[u8], budget: Budget, scratch: &mut [u8]) -> Result<Step, ZipError> {
        let path = &self.header.path;
        let store = matches!(self.mode, Mode::Stored { .. });
        match &mut self.mode {
            Mode::Stored { remaining } | Mode::Skip { remaining, .. } => {
                let take = usize::try_from(*remaining).map_or(input.len(), |r| r.min(input.len()));
                if store {
                    self.data.extend_from_slice(&input[..take]);
                }
                *remaining -= take as u64;
                self.compressed_read += take as u64;
                Ok(Step { consumed: take, finished: *remaining == 0 })
            }
            Mode::StoredScan { scan } => {
                let descriptor = descriptor_len(&self.header);
                budget.check(path, (self.data.len() + input.len()).saturating_sub(descriptor) as u64)?;
                self.data.extend_from_slice(input);
                let Some((at, len)) = scan.find_descriptor(&self.data, self.header.zip64) else {
                    return Ok(Step { consumed: input.len(), finished: false });
                };
                // Positions whose descriptor would have ended before this input were ruled
                // out earlier, so the bytes after the descriptor all come from `input`.
                let excess = self.data.len().saturating_sub(at + len);
                self.data.truncate(at);
                self.compressed_read = at as u64;
                Ok(Step { consumed: input.len().saturating_sub(excess), finished: true })
            }
            Mode::Deflate { state, remaining } => {
                let limit =
                    remaining.map_or(input.len(), |r| usize::try_from(r).map_or(input.len(), |r| r.min(input.len())));
                let mut consumed = 0;
                let mut ended = false;
                while !ended {
                    let result = inflate(state, &input[consumed..limit], scratch, MZFlush::None);
                    consumed += result.bytes_consumed;
                    budget.check(path, (self.data.len() + result.bytes_written) as u64)?;
                    self.data.extend_from_slice(&scratch[..result.bytes_written]);
                    match result.status {
                        Ok(MZStatus::StreamEnd) => ended = true,
                        Ok(_) if result.bytes_consumed > 0 || result.bytes_written > 0 => {}
                        Ok(_) | Err(MZError::Buf) => break,
                        Err(e) => {
                            return Err(ZipError::Corrupt { entry: path.clone(), reason: format!("deflate {e:?}") })
                        }
                    }
                }
                self.compressed_read += consumed as u64;
                if let Some(remaining) = remaining {
                    *remaining -= consumed as u64;
                    if *remaining == 0 && !ended {
                        let reason = "the deflate stream is cut short".to_string();
                        return Err(ZipError::Corrupt { entry: path.clone(), reason });
                    }
                    if ended && *remaining != 0 {
                        let (expected, actual) = (self.header.compressed_size, self.compressed_read);
                        return Err(ZipError::SizeMismatch { entry: path.clone(), expected, actual });
                    }
                }
                Ok(Step { consumed, finished: ended })
            }
        }
    }

    /// Whether a data descriptor still follows the data.
    pub fn expects_descriptor(&self) -> bool {
        self.header.has_data_descriptor() && !matches!(self.mode, Mode::StoredScan { .. })
    }

    /// Reads the data descriptor at the start of `bytes`: its length once enough bytes are there.
    pub fn read_descriptor(&mut self, bytes: &[u8]) -> Result<Option<usize>, ZipError> {
        let crc = crc32fast::hash(&self.data);
        let signed =
            read_u32(bytes, 0) == Some(DATA_DESCRIPTOR) && (crc != DATA_DESCRIPTOR || read_u32(bytes, 4) == Some(crc));
        let prefix = if signed { 4 } else { 0 };
        if bytes.len() < prefix + 20 {
            return Ok(None);
        }
        let actual = (Some(self.compressed_read), Some(self.data.len() as u64));
        let narrow = (read_u32(bytes, prefix + 4).map(u64::from), read_u32(bytes, prefix + 8).map(u64::from));
        let wide = (read_u64(bytes, prefix + 4), read_u64(bytes, prefix + 12));
        // 8-byte sizes follow a ZIP64 header, but some writers differ: take the layout that
        // matches the data, else the one the header announces (the check then reports it).
        let use_wide = if wide == actual || narrow == actual {
            wide == actual && (self.header.zip64 || narrow != actual)
        } else {
            self.header.zip64
        };
        let (sizes, len) = if use_wide { (wide, prefix + 20) } else { (narrow, prefix + 12) };
        self.header.crc32 = read_u32(bytes, prefix).unwrap_or_default();
        self.header.compressed_size = sizes.0.unwrap_or_default();
        self.header.uncompressed_size = sizes.1.unwrap_or_default();
        Ok(Some(len))
    }

    /// Checks the CRC-32 and sizes (from the header or the data descriptor) and hands the entry
    /// over, or the reason it was stepped over.
    pub fn finish(self) -> Finished {
        let header = self.header;
        if let Mode::Skip { reason, .. } = self.mode {
            return Err(reason);
        }
        if !matches!(self.mode, Mode::StoredScan { .. }) {
            let actual = crc32fast::hash(&self.data);
            if actual != header.crc32 {
                return Err(ZipError::CrcMismatch { entry: header.path, expected: header.crc32, actual });
            }
            for (expected, actual) in
                [(header.uncompressed_size, self.data.len() as u64), (header.compressed_size, self.compressed_read)]
            {
                if expected != actual {
                    return Err(ZipError::SizeMismatch { entry: header.path, expected, actual });
                }
            }
        }
        Ok((header.path, self.data))
    }
}

fn descriptor_len(header: &LocalHeader) -> usize {
    if header.zip64 {
        24
    } else {
        16
    }
}
