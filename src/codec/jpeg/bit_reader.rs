//! Bit reader over an entropy-coded segment (ITU-T T.81 F.2.2.4/F.2.2.5): removes stuffed
//! zero bytes after 0xFF, stops at markers, and supplies zero bits past the end of the data
//! while remembering that it did, so a short segment is reported as truncated.

use super::markers::code;
use super::CODEC;
use crate::codec::CodecError;

/// Bits are kept left-aligned in a 64-bit buffer: the next bit to read is the most significant.
pub struct BitReader<'a> {
    data: &'a [u8],
    /// Next byte of `data` to load.
    position: usize,
    buffer: u64,
    /// Valid bits in `buffer`, counted from the top.
    count: u32,
    /// A marker (or the end of the data) was reached: no more bytes load until a restart.
    marker_reached: bool,
    /// How many of the `count` bits are zeros made up after `marker_reached` (they sit at
    /// the bottom of the valid bits).
    padding: u32,
    /// Some made-up bits were consumed: the segment was shorter than its MCUs need.
    overran: bool,
}

/// Word with each byte's top bit set, and with each byte 1, for the "has a 0xFF byte" test.
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
const LOW_BITS: u64 = 0x0101_0101_0101_0101;

impl<'a> BitReader<'a> {
    /// Starts reading at the first byte of an entropy-coded segment.
    pub fn new(data: &'a [u8]) -> Self {
        BitReader { data, position: 0, buffer: 0, count: 0, marker_reached: false, padding: 0, overran: false }
    }

    /// Loads bytes until at least 56 bits are buffered (or zero padding is supplied).
    /// Fast path: the next eight bytes hold no 0xFF, so they are plain data; they are OR-ed in
    /// below the buffered bits and only whole bytes are counted. The bits of a partly taken
    /// byte land where the next load puts the same bits again, so they do no harm.
    #[inline(always)]
    fn refill(&mut self) {
        if !self.marker_reached && self.count <= 56 {
            if let Some(bytes) = self.data.get(self.position..self.position + 8) {
                let mut word_bytes = [0u8; 8];
                word_bytes.copy_from_slice(bytes);
                let word = u64::from_be_bytes(word_bytes);
                let has_ff = (!word).wrapping_sub(LOW_BITS) & word & HIGH_BITS;
                if has_ff == 0 {
                    self.buffer |= word >> self.count;
                    self.position += ((63 - self.count) >> 3) as usize;
                    self.count |= 56;
                    return;
                }
            }
        }
        self.refill_bytewise();
    }

    /// Byte by byte, handling stuffed bytes, markers and the end of the data.
    #[inline(never)]
    fn refill_bytewise(&mut self) {
        while self.count <= 56 {
            if self.marker_reached {
                self.pad();
                return;
            }
            match self.data.get(self.position) {
                None => self.marker_reached = true,
                Some(&0xFF) => match self.data.get(self.position + 1) {
                    // F.1.2.3: a 0x00 after 0xFF is a stuffed byte; the 0xFF is data.
                    Some(0x00) => {
                        self.push_byte(0xFF);
                        self.position += 2;
                    }
                    // A marker, fill bytes before one, or the last byte of the data.
                    _ => self.marker_reached = true,
                },
                Some(&byte) => {
                    self.push_byte(byte);
                    self.position += 1;
                }
            }
        }
    }

    #[inline]
    fn push_byte(&mut self, byte: u8) {
        // OR-ing is safe even over leftover bits of a fast load: they are this same byte.
        self.buffer |= u64::from(byte) << (56 - self.count);
        self.count += 8;
    }

    /// Tops the buffer up with zero bits (T.81 leaves them undefined; libjpeg also uses zeros).
    fn pad(&mut self) {
        let real_bits = if self.count >= self.padding {
            self.count - self.padding
        } else {
            self.overran = true;
            0
        };
        self.padding = 64 - real_bits;
        self.count = 64;
    }

    /// Makes sure at least `bits` (at most 56) bits are buffered.
    #[inline(always)]
    pub fn ensure(&mut self, bits: u32) {
        if self.count < bits {
            self.refill();
        }
    }

    /// The next `bits` (1..=32) bits without consuming them; call [`Self::ensure`] first.
    #[inline(always)]
    pub fn peek(&self, bits: u32) -> u32 {
        (self.buffer >> (64 - bits)) as u32
    }

    /// Drops `bits` (at most the buffered count, at most 32) bits.
    #[inline(always)]
    pub fn consume(&mut self, bits: u32) {
        debug_assert!(bits <= self.count && bits <= 32);
        self.buffer <<= bits;
        self.count = self.count.saturating_sub(bits);
    }

    /// Reads `bits` (0..=16) bits as an unsigned number (F.2.2.4 RECEIVE).
    #[inline(always)]
    pub fn receive(&mut self, bits: u32) -> u32 {
        if bits == 0 {
            return 0;
        }
        self.ensure(bits);
        let value = self.peek(bits);
        self.consume(bits);
        value
    }

    /// Reads a `size`-bit (0..=16) magnitude and sign-extends it (F.2.2.1 EXTEND).
    #[inline(always)]
    pub fn receive_extend(&mut self, size: u32) -> i32 {
        let value = self.receive(size) as i32;
        extend(value, size)
    }

    /// Handles the RSTn marker expected after a restart interval (T.81 F.2.1.3, E.2.4):
    /// drops the padding bits of the interval, checks that the interval did not run short,
    /// and skips to just past the next marker if it is a restart marker. Otherwise (a missing
    /// restart marker followed by another marker) the reader stays at that marker and supplies
    /// zeros, which makes the scan end as truncated.
    pub fn restart(&mut self) -> Result<(), CodecError> {
        if self.overran || self.count < self.padding {
            return Err(CodecError::truncated(CODEC, "restart interval shorter than its MCUs"));
        }
        self.buffer = 0;
        self.count = 0;
        self.padding = 0;
        // Find the next marker: 0xFF followed by neither 0x00 (stuffing) nor 0xFF (fill).
        let mut index = self.position;
        loop {
            let Some(offset) = self.data.get(index..).and_then(|rest| rest.iter().position(|&b| b == 0xFF)) else {
                self.position = self.data.len();
                self.marker_reached = true;
                return Ok(());
            };
            index += offset;
            while self.data.get(index + 1) == Some(&0xFF) {
                index += 1;
            }
            match self.data.get(index + 1) {
                Some(0x00) => index += 2,
                Some(&marker) if code::is_restart(marker) => {
                    self.position = index + 2;
                    self.marker_reached = false;
                    return Ok(());
                }
                _ => {
                    self.position = index;
                    self.marker_reached = true;
                    return Ok(());
                }
            }
        }
    }

    /// An error once the decoder has consumed made-up bits: decoders check this once per MCU
    /// row so that truncated or corrupt data stops early instead of decoding zeros.
    pub fn check_overrun(&self) -> Result<(), CodecError> {
        if self.overran || self.count < self.padding {
            return Err(CodecError::truncated(CODEC, "entropy-coded data ended before the last MCU"));
        }
        Ok(())
    }

    /// Ends the scan: an error if the decoder consumed bits the segment does not have,
    /// otherwise the number of bytes read (the caller resumes marker parsing from there).
    pub fn finish(&self) -> Result<usize, CodecError> {
        self.check_overrun()?;
        Ok(self.position)
    }
}

/// F.2.2.1 EXTEND: a `size`-bit value whose top bit is 0 stands for a negative number.
#[inline(always)]
pub fn extend(value: i32, size: u32) -> i32 {
    if size == 0 {
        return 0;
    }
    if value < (1 << (size - 1)) {
        value - (1 << size) + 1
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_stuffing_and_stops_at_marker() {
        let data = [0xAB, 0xFF, 0x00, 0x12, 0xFF, 0xD9];
        let mut reader = BitReader::new(&data);
        assert_eq!(reader.receive(8), 0xAB);
        assert_eq!(reader.receive(8), 0xFF);
        assert_eq!(reader.receive(4), 0x1);
        assert_eq!(reader.receive(4), 0x2);
        assert_eq!(reader.finish(), Ok(4));
        // Reading past the marker supplies zeros and reports truncation.
        assert_eq!(reader.receive(8), 0);
        assert!(reader.finish().is_err());
    }

    #[test]
    fn fast_path_matches_byte_path() {
        let data: Vec<u8> = (0..40u8).map(|i| i.wrapping_mul(37)).filter(|&b| b != 0xFF).collect();
        let mut reader = BitReader::new(&data);
        for &byte in &data {
            assert_eq!(reader.receive(8), u32::from(byte));
        }
        assert!(reader.finish().is_ok());
    }

    #[test]
    fn restart_skips_marker() {
        let data = [0b1010_0000, 0xFF, 0xD0, 0x5A, 0xFF, 0xD9];
        let mut reader = BitReader::new(&data);
        assert_eq!(reader.receive(3), 0b101);
        reader.restart().unwrap();
        assert_eq!(reader.receive(8), 0x5A);
        assert_eq!(reader.finish(), Ok(4));
    }

    #[test]
    fn extend_matches_table_f1() {
        assert_eq!(extend(0, 1), -1);
        assert_eq!(extend(1, 1), 1);
        assert_eq!(extend(0b00, 2), -3);
        assert_eq!(extend(0b01, 2), -2);
        assert_eq!(extend(0b10, 2), 2);
        assert_eq!(extend(0, 15), -32767);
    }
}
