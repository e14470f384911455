//! A streaming ZIP reader (PKWARE APPNOTE.TXT 6.3) for archives dropped on the page or
//! downloaded in pieces: local file headers are read one after the other (APPNOTE 4.3.7) as
//! bytes arrive, each entry is handed over once its CRC-32 is verified, and reading stops at
//! the central directory. Stored and deflate entries, data descriptors (bit 3), ZIP64 sizes;
//! limits on entry size, total size and entry count are checked before bytes are kept.

mod body;
mod error;
mod header;
mod scan;

use body::{Budget, EntryReader};
pub use error::ZipError;
use header::{read_u32, LocalHeader};

/// One extracted file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZipEntry {
    /// The path inside the archive, '/'-separated as stored.
    pub path: String,
    pub data: Vec<u8>,
}

/// What an archive may expand to before reading stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZipLimits {
    pub max_entry_bytes: u64,
    pub max_total_bytes: u64,
    pub max_entries: usize,
}

impl Default for ZipLimits {
    /// 1 GiB per entry, 2 GiB in all, 100 000 entries: within a browser tab's memory.
    fn default() -> ZipLimits {
        ZipLimits { max_entry_bytes: 1 << 30, max_total_bytes: 2 << 30, max_entries: 100_000 }
    }
}

/// Everything read from a complete archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZipContents {
    pub entries: Vec<ZipEntry>,
    /// Entries stepped over (encrypted, unknown compression method).
    pub skipped: Vec<ZipError>,
}

enum State {
    Header,
    Entry(Box<EntryReader>),
    Descriptor(Box<EntryReader>),
    Done,
}

/// Inflate output block.
const SCRATCH_LEN: usize = 32 << 10;

/// Reads an archive from consecutive chunks of its bytes.
pub struct ZipStream {
    limits: ZipLimits,
    pending: Vec<u8>,
    /// Bytes of `pending` already used.
    start: usize,
    /// Archive offset of `pending[start]`.
    offset: u64,
    state: State,
    entries_seen: usize,
    total_bytes: u64,
    skipped: Vec<ZipError>,
    failed: Option<ZipError>,
    scratch: Vec<u8>,
}

impl ZipStream {
    pub fn new(limits: ZipLimits) -> ZipStream {
        ZipStream {
            limits,
            pending: Vec::new(),
            start: 0,
            offset: 0,
            state: State::Header,
            entries_seen: 0,
            total_bytes: 0,
            skipped: Vec::new(),
            failed: None,
            scratch: vec![0; SCRATCH_LEN],
        }
    }

    /// Adds the next bytes of the archive; returns the entries completed by them. After an
    /// error the stream stays failed and returns that error again.
    pub fn push(&mut self, chunk: &[u8]) -> Result<Vec<ZipEntry>, ZipError> {
        if let Some(error) = &self.failed {
            return Err(error.clone());
        }
        if matches!(self.state, State::Done) {
            return Ok(Vec::new());
        }
        self.pending.extend_from_slice(chunk);
        let result = self.advance();
        self.pending.drain(..self.start.min(self.pending.len()));
        self.start = 0;
        if let Err(error) = &result {
            self.failed = Some(error.clone());
            self.pending = Vec::new();
        }
        result
    }

    /// Ends the input: fails unless the central directory was reached.
    pub fn finish(self) -> Result<Vec<ZipEntry>, ZipError> {
        if let Some(error) = self.failed {
            return Err(error);
        }
        match self.state {
            State::Done => Ok(Vec::new()),
            State::Header => Err(ZipError::Truncated { entry: None }),
            State::Entry(reader) | State::Descriptor(reader) => {
                Err(ZipError::Truncated { entry: Some(reader.header.path) })
            }
        }
    }

    /// Entries stepped over so far (encrypted, unknown compression method), in archive order.
    pub fn skipped(&self) -> &[ZipError] {
        &self.skipped
    }

    fn consume(&mut self, count: usize) {
        self.start += count;
        self.offset += count as u64;
    }

    fn budget(&self) -> Budget {
        Budget {
            entry: self.limits.max_entry_bytes,
            total_remaining: self.limits.max_total_bytes.saturating_sub(self.total_bytes),
            total_limit: self.limits.max_total_bytes,
        }
    }

    fn advance(&mut self) -> Result<Vec<ZipEntry>, ZipError> {
        let mut entries = Vec::new();
        loop {
            let budget = self.budget();
            let available = self.pending.get(self.start..).unwrap_or_default();
            match &mut self.state {
                State::Done => break,
                State::Header => {
                    let Some(signature) = read_u32(available, 0) else { break };
                    match signature {
                        header::LOCAL_HEADER => {
                            let Some(len) = header::header_len(available) else { break };
                            let Some(bytes) = available.get(..len) else { break };
                            let local = header::parse(bytes)?;
                            self.consume(len);
                            self.begin_entry(local, budget)?;
                        }
                        header::CENTRAL_HEADER
                        | header::END_OF_CENTRAL_DIRECTORY
                        | header::ZIP64_END_OF_CENTRAL_DIRECTORY => {
                            self.state = State::Done;
                            break;
                        }
                        header::DATA_DESCRIPTOR | header::SPLIT_MARKER_SINGLE if self.offset == 0 => self.consume(4),
                        found => return Err(ZipError::BadSignature { offset: self.offset, found }),
                    }
                }
                State::Entry(reader) => {
                    let step = reader.feed(available, budget, &mut self.scratch)?;
                    let expects_descriptor = reader.expects_descriptor();
                    self.consume(step.consumed);
                    if !step.finished {
                        break;
                    }
                    let State::Entry(reader) = std::mem::replace(&mut self.state, State::Header) else { break };
                    if expects_descriptor {
                        self.state = State::Descriptor(reader);
                    } else {
                        self.end_entry(*reader, &mut entries)?;
                    }
                }
                State::Descriptor(reader) => {
                    let Some(len) = reader.read_descriptor(available)? else { break };
                    self.consume(len);
                    let State::Descriptor(reader) = std::mem::replace(&mut self.state, State::Header) else { break };
                    self.end_entry(*reader, &mut entries)?;
                }
            }
        }
        Ok(entries)
    }

    fn begin_entry(&mut self, local: LocalHeader, budget: Budget) -> Result<(), ZipError> {
        if self.entries_seen >= self.limits.max_entries {
            return Err(ZipError::TooManyEntries { limit: self.limits.max_entries });
        }
        self.entries_seen += 1;
        self.state = State::Entry(Box::new(EntryReader::new(local, budget)?));
        Ok(())
    }

    fn end_entry(&mut self, reader: EntryReader, entries: &mut Vec<ZipEntry>) -> Result<(), ZipError> {
        let directory = reader.header.is_directory();
        match reader.finish() {
            Ok((path, data)) => {
                self.total_bytes += data.len() as u64;
                if !directory {
                    entries.push(ZipEntry { path, data });
                }
                Ok(())
            }
            Err(error) if error.is_entry_only() => {
                self.skipped.push(error);
                Ok(())
            }
            Err(error) => Err(error),
        }
    }
}

/// Reads a whole archive held in memory with the default limits.
pub fn read_zip(bytes: &[u8]) -> Result<ZipContents, ZipError> {
    read_zip_with(bytes, ZipLimits::default())
}

/// Reads a whole archive held in memory.
pub fn read_zip_with(bytes: &[u8], limits: ZipLimits) -> Result<ZipContents, ZipError> {
    let mut stream = ZipStream::new(limits);
    let mut entries = stream.push(bytes)?;
    let skipped = stream.skipped().to_vec();
    entries.extend(stream.finish()?);
    Ok(ZipContents { entries, skipped })
}
