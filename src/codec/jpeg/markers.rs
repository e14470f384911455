//! Marker-level navigation of a JPEG interchange stream (ITU-T T.81 B.1.1): finding markers,
//! skipping fill bytes, and cutting out marker segments.

use super::CODEC;
use crate::codec::CodecError;

/// Marker codes (the byte after 0xFF), ITU-T T.81 Table B.1.
pub mod code {
    /// Baseline DCT, Huffman.
    pub const SOF0: u8 = 0xC0;
    /// Extended sequential DCT, Huffman.
    pub const SOF1: u8 = 0xC1;
    /// Progressive DCT, Huffman.
    pub const SOF2: u8 = 0xC2;
    /// Lossless (sequential), Huffman.
    pub const SOF3: u8 = 0xC3;
    pub const DHT: u8 = 0xC4;
    pub const DAC: u8 = 0xCC;
    pub const RST0: u8 = 0xD0;
    pub const RST7: u8 = 0xD7;
    pub const SOI: u8 = 0xD8;
    pub const EOI: u8 = 0xD9;
    pub const SOS: u8 = 0xDA;
    pub const DQT: u8 = 0xDB;
    pub const DRI: u8 = 0xDD;
    pub const DHP: u8 = 0xDE;
    pub const EXP: u8 = 0xDF;
    pub const APP0: u8 = 0xE0;
    pub const APP14: u8 = 0xEE;
    /// Temporary private use in arithmetic coding; stands alone (no length).
    pub const TEM: u8 = 0x01;

    /// True for the start-of-frame markers SOF0..SOF15 (C0..CF without DHT, JPG and DAC).
    pub fn is_start_of_frame(marker: u8) -> bool {
        (0xC0..=0xCF).contains(&marker) && !matches!(marker, DHT | 0xC8 | DAC)
    }

    /// True for RST0..RST7.
    pub fn is_restart(marker: u8) -> bool {
        (RST0..=RST7).contains(&marker)
    }
}

/// Walks the markers of one interchange stream. Entropy-coded data is consumed elsewhere
/// (see [`super::bit_reader`]); the stream is then resumed at the position that reader reached.
pub struct MarkerStream<'a> {
    data: &'a [u8],
    position: usize,
}

impl<'a> MarkerStream<'a> {
    /// Starts after the SOI marker that must open every interchange stream (T.81 B.2.1).
    pub fn new(data: &'a [u8]) -> Result<Self, CodecError> {
        match data {
            [] | [_] => Err(CodecError::truncated(CODEC, "start of image marker")),
            [0xFF, code::SOI, ..] => Ok(MarkerStream { data, position: 2 }),
            _ => Err(CodecError::invalid(CODEC, "the stream does not start with an SOI marker")),
        }
    }

    /// Everything from the current position to the end of the stream.
    pub fn remaining(&self) -> &'a [u8] {
        self.data.get(self.position..).unwrap_or(&[])
    }

    /// Moves forward by `count` bytes (used after an entropy-coded segment was read).
    pub fn advance(&mut self, count: usize) {
        self.position = self.position.saturating_add(count).min(self.data.len());
    }

    /// The next marker code, or None at the end of the data. Fill bytes 0xFF before a marker
    /// (T.81 B.1.1.2) are skipped, and so are stray bytes that are not part of any marker
    /// (left-over entropy-coded bytes, padding some encoders add), as libjpeg does.
    pub fn next_marker(&mut self) -> Option<u8> {
        let data = self.data;
        let mut index = self.position;
        loop {
            let offset = data.get(index..)?.iter().position(|&byte| byte == 0xFF)?;
            index += offset;
            // Skip a run of fill bytes; the marker code is the first byte after it.
            while data.get(index + 1) == Some(&0xFF) {
                index += 1;
            }
            match data.get(index + 1) {
                None => {
                    self.position = data.len();
                    return None;
                }
                // 0xFF00 is a stuffed byte inside entropy-coded data, not a marker.
                Some(0x00) => index += 2,
                Some(&marker) => {
                    self.position = index + 2;
                    return Some(marker);
                }
            }
        }
    }

    /// The parameters of a marker segment whose marker was just read: the two-byte length
    /// (which counts itself, T.81 B.1.1.4) and the bytes it covers.
    pub fn read_segment(&mut self, context: &'static str) -> Result<&'a [u8], CodecError> {
        let data = self.data;
        let length = match data.get(self.position..self.position + 2) {
            Some(&[high, low]) => usize::from(u16::from_be_bytes([high, low])),
            _ => return Err(CodecError::truncated(CODEC, context)),
        };
        if length < 2 {
            return Err(CodecError::invalid(CODEC, format!("{context}: segment length {length} < 2")));
        }
        let payload =
            data.get(self.position + 2..self.position + length).ok_or(CodecError::truncated(CODEC, context))?;
        self.position += length;
        Ok(payload)
    }
}

/// Reads the big-endian fields of one marker segment's parameters.
pub struct SegmentReader<'a> {
    bytes: &'a [u8],
    position: usize,
    context: &'static str,
}

impl<'a> SegmentReader<'a> {
    pub fn new(bytes: &'a [u8], context: &'static str) -> Self {
        SegmentReader { bytes, position: 0, context }
    }

    fn too_short(&self) -> CodecError {
        CodecError::invalid(CODEC, format!("{} segment is shorter than its fields", self.context))
    }

    pub fn u8(&mut self) -> Result<u8, CodecError> {
        let byte = *self.bytes.get(self.position).ok_or_else(|| self.too_short())?;
        self.position += 1;
        Ok(byte)
    }

    pub fn u16(&mut self) -> Result<u16, CodecError> {
        let high = self.u8()?;
        let low = self.u8()?;
        Ok(u16::from_be_bytes([high, low]))
    }

    /// The next `count` bytes.
    pub fn bytes(&mut self, count: usize) -> Result<&'a [u8], CodecError> {
        let slice =
            self.bytes.get(self.position..self.position.saturating_add(count)).ok_or_else(|| self.too_short())?;
        self.position += count;
        Ok(slice)
    }

    pub fn is_empty(&self) -> bool {
        self.position >= self.bytes.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_fill_bytes_and_stuffed_zeros() {
        let data = [0xFF, 0xD8, 0x12, 0xFF, 0x00, 0x34, 0xFF, 0xFF, 0xFF, 0xD9, 0x00];
        let mut stream = MarkerStream::new(&data).unwrap();
        assert_eq!(stream.next_marker(), Some(code::EOI));
        assert_eq!(stream.remaining(), &[0x00]);
        assert_eq!(stream.next_marker(), None);
    }

    #[test]
    fn rejects_missing_soi_and_empty_input() {
        assert!(matches!(MarkerStream::new(&[]), Err(CodecError::Truncated { .. })));
        assert!(matches!(MarkerStream::new(&[0xFF]), Err(CodecError::Truncated { .. })));
        assert!(matches!(MarkerStream::new(&[0x00, 0x01]), Err(CodecError::Invalid { .. })));
    }

    #[test]
    fn truncated_segment_is_reported() {
        let data = [0xFF, 0xD8, 0xFF, 0xDB, 0x00, 0x43, 0x00];
        let mut stream = MarkerStream::new(&data).unwrap();
        assert_eq!(stream.next_marker(), Some(code::DQT));
        assert!(matches!(stream.read_segment("DQT"), Err(CodecError::Truncated { .. })));
    }
}
