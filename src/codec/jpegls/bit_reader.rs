//! Bit input of one entropy-coded segment (ITU-T T.87 A.1 and 9.1): bits are read most
//! significant first, and after every 0xFF byte the encoder inserted a 0 bit (bit stuffing), so
//! the byte that follows 0xFF carries only 7 bits of data.
//!
//! The segment handed to the reader ends at the next marker, so it never contains a marker.
//! Reading past its end yields zero bits; [`BitReader::overran`] tells whether any of those
//! were actually consumed, which the scan decoder reports as a truncated stream. Invalid code
//! words do not stop the hot loop either: they are recorded ([`BitReader::corruption`]) and
//! checked once per line.
//!
//! The decoders read through a [`Cursor`], which keeps the bit cache in a local value (so it
//! lives in registers) and hands it to the byte side by value on the rare slow paths.

/// The bit cache: the next bits of the segment, left-aligned (the next bit is bit 63).
/// Below the `valid` bits it holds either zeros or the correct bits of the following bytes.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Bits {
    cache: u64,
    valid: u32,
}

impl Bits {
    /// Drops `count` bits (any count, including 64).
    #[inline(always)]
    fn consume(self, count: u32) -> Bits {
        Bits { cache: if count >= 64 { 0 } else { self.cache << count }, valid: self.valid.saturating_sub(count) }
    }
}

/// The byte side of the reader: where the next bytes come from.
pub(super) struct ByteSource<'a> {
    data: &'a [u8],
    /// Next byte of `data` to load into the cache.
    position: usize,
    /// Position of the next 0xFF byte at or after `position` (or `data.len()`).
    next_ff: usize,
    /// Eight plain data bytes can be loaded at once while `position < fast_limit`:
    /// `next_ff − 7`, or 0 while a stuffed byte is pending.
    fast_limit: usize,
    /// The last byte loaded was 0xFF, so the next byte carries a stuffed 0 bit (T.87 A.1).
    after_ff: bool,
    /// Zero bits appended after the end of `data`.
    padding_bits: u64,
    /// The first rule of the standard the data broke, if any.
    corruption: Option<&'static str>,
}

impl ByteSource<'_> {
    /// Tops the cache up to at least 57 valid bits.
    #[inline(always)]
    fn refill(&mut self, bits: Bits) -> Bits {
        if bits.valid > 56 {
            return bits;
        }
        // Fast path: the next eight bytes hold no 0xFF, so they are plain data bits.
        if self.position < self.fast_limit {
            if let Some(bytes) = self.data.get(self.position..).and_then(|rest| rest.first_chunk::<8>()) {
                let word = u64::from_be_bytes(*bytes);
                let taken = (64 - bits.valid) / 8;
                self.position += taken as usize;
                return Bits { cache: bits.cache | (word >> bits.valid), valid: bits.valid + taken * 8 };
            }
        }
        self.refill_slow(bits)
    }

    /// Byte-by-byte refill that removes stuffed bits and pads with zeros past the end.
    #[cold]
    #[inline(never)]
    fn refill_slow(&mut self, mut bits: Bits) -> Bits {
        while bits.valid <= 56 {
            let Some(&byte) = self.data.get(self.position) else {
                // Past the end: zero bits (the cache already holds zeros there).
                bits.valid += 8;
                self.padding_bits += 8;
                continue;
            };
            self.position += 1;
            if self.after_ff {
                bits.cache |= u64::from(byte & 0x7F) << (57 - bits.valid);
                bits.valid += 7;
            } else {
                bits.cache |= u64::from(byte) << (56 - bits.valid);
                bits.valid += 8;
            }
            self.after_ff = byte == 0xFF;
            if self.position > self.next_ff {
                self.next_ff = find_ff(self.data, self.position);
            }
        }
        self.fast_limit = if self.after_ff { 0 } else { self.next_ff.saturating_sub(7) };
        bits
    }

    /// Records that the data broke a rule of the standard (the first reason is kept).
    #[cold]
    #[inline(never)]
    fn mark_corrupt(&mut self, reason: &'static str) {
        self.corruption.get_or_insert(reason);
    }

    /// Reads `count` (0..=32) bits.
    #[inline(always)]
    fn read_bits(&mut self, bits: Bits, count: u32) -> (Bits, u32) {
        if count == 0 {
            return (bits, 0);
        }
        let count = count.min(32);
        let bits = if bits.valid < count { self.refill(bits) } else { bits };
        ((bits.consume(count)), (bits.cache >> (64 - count)) as u32)
    }

    /// The rare Golomb code words: longer than the cache holds, or escaped.
    #[cold]
    #[inline(never)]
    fn read_golomb_slow(&mut self, mut bits: Bits, k: u32, max_zeros: u32, qbpp: u32) -> (Bits, u32) {
        let mut zeros = 0u32;
        loop {
            if bits.valid == 0 {
                bits = self.refill(bits);
            }
            let leading = bits.cache.leading_zeros().min(bits.valid);
            if leading < bits.valid {
                zeros += leading;
                bits = bits.consume(leading + 1);
                break;
            }
            zeros += bits.valid;
            bits = bits.consume(64);
            if zeros > max_zeros {
                break;
            }
        }
        if zeros > max_zeros {
            self.mark_corrupt("Golomb code word longer than LIMIT");
            return (bits, 0);
        }
        if zeros == max_zeros {
            let (bits, value) = self.read_bits(bits, qbpp);
            return (bits, value + 1);
        }
        let (bits, low) = self.read_bits(bits, k);
        (bits, zeros.checked_shl(k).unwrap_or(u32::MAX) | low)
    }
}

/// Reads bits from an entropy-coded segment, 64 bits of look-ahead at a time.
pub(super) struct BitReader<'a> {
    source: ByteSource<'a>,
    bits: Bits,
}

impl<'a> BitReader<'a> {
    pub(super) fn new(data: &'a [u8]) -> Self {
        let next_ff = find_ff(data, 0);
        let mut source = ByteSource {
            data,
            position: 0,
            next_ff,
            fast_limit: next_ff.saturating_sub(7),
            after_ff: false,
            padding_bits: 0,
            corruption: None,
        };
        let bits = source.refill(Bits::default());
        BitReader { source, bits }
    }

    /// The first rule of the standard the data broke, if any.
    pub(super) fn corruption(&self) -> Option<&'static str> {
        self.source.corruption
    }

    /// True when the decoder consumed bits that lie beyond the end of the segment.
    pub(super) fn overran(&self) -> bool {
        self.source.padding_bits > u64::from(self.bits.valid)
    }

    /// A cursor for decoding; it writes the bit cache back when dropped.
    pub(super) fn cursor(&mut self) -> Cursor<'_, 'a> {
        Cursor { bits: self.bits, home: &mut self.bits, source: &mut self.source }
    }
}

/// Reading access for the decoding loops, holding the bit cache by value.
pub(super) struct Cursor<'r, 'a> {
    bits: Bits,
    home: &'r mut Bits,
    source: &'r mut ByteSource<'a>,
}

impl Drop for Cursor<'_, '_> {
    fn drop(&mut self) {
        *self.home = self.bits;
    }
}

impl Cursor<'_, '_> {
    /// Records that the data broke a rule of the standard (the first reason is kept).
    #[inline(always)]
    pub(super) fn mark_corrupt(&mut self, reason: &'static str) {
        self.source.mark_corrupt(reason);
    }

    /// Reads `count` (0..=32) bits as an unsigned value.
    #[inline(always)]
    pub(super) fn read_bits(&mut self, count: u32) -> u32 {
        let (bits, value) = self.source.read_bits(self.bits, count);
        self.bits = bits;
        value
    }

    /// Reads one bit.
    #[inline(always)]
    pub(super) fn read_bit(&mut self) -> bool {
        if self.bits.valid == 0 {
            self.bits = self.source.refill(self.bits);
        }
        let bit = self.bits.cache >> 63 != 0;
        self.bits = self.bits.consume(1);
        bit
    }

    /// Decodes one length-limited Golomb code word (T.87 A.5.3): a unary prefix of zeros ended
    /// by a one, then `k` low bits; a prefix of `max_zeros` = LIMIT − qbpp − 1 zeros escapes to
    /// `qbpp` bits holding the value minus one. `k` must be at most 31.
    #[inline(always)]
    pub(super) fn read_golomb(&mut self, k: u32, max_zeros: u32, qbpp: u32) -> u32 {
        let mut bits = self.bits;
        if bits.valid < 32 {
            bits = self.source.refill(bits);
        }
        let zeros = bits.cache.leading_zeros();
        if zeros < max_zeros && zeros + 1 + k <= bits.valid {
            // The whole code word is in the cache (zeros < max_zeros <= 62).
            let from_one = bits.cache << zeros;
            let low = ((from_one >> (63 - k)) as u32) ^ (1u32 << k);
            self.bits = Bits { cache: (from_one << 1) << k, valid: bits.valid - (zeros + 1 + k) };
            return (zeros << k) | low;
        }
        let (bits, value) = self.source.read_golomb_slow(bits, k, max_zeros, qbpp);
        self.bits = bits;
        value
    }
}

/// Index of the first 0xFF byte of `data` at or after `from`, or `data.len()`.
pub(super) fn find_ff(data: &[u8], from: usize) -> usize {
    let Some(tail) = data.get(from..) else {
        return data.len();
    };
    let mut chunks = tail.chunks_exact(8);
    let mut offset = from;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        // A 0xFF byte is a zero byte of the complement.
        let inverted = !u64::from_le_bytes(word);
        let has_zero = inverted.wrapping_sub(0x0101_0101_0101_0101) & !inverted & 0x8080_8080_8080_8080;
        if has_zero != 0 {
            if let Some(index) = chunk.iter().position(|&b| b == 0xFF) {
                return offset + index;
            }
        }
        offset += 8;
    }
    chunks.remainder().iter().position(|&b| b == 0xFF).map_or(data.len(), |index| offset + index)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_bits_and_removes_stuffing() {
        // 0xFF then 0x7F: the second byte's top bit is stuffing, so 8 + 7 ones.
        let mut reader = BitReader::new(&[0xFF, 0x7F, 0x80]);
        {
            let mut cursor = reader.cursor();
            assert_eq!(cursor.read_bits(15), 0x7FFF);
            assert!(cursor.read_bit());
            assert!(!cursor.read_bit());
        }
        assert!(!reader.overran());
        assert_eq!(reader.cursor().read_bits(7), 0);
        assert!(reader.overran());
    }

    #[test]
    fn golomb_fast_and_escape() {
        // 001 + k=2 bits "10" -> (2 << 2) | 2 = 10; then escape with max_zeros 3, qbpp 4.
        // bits: 001 10 | 0001 0110 ... -> escape value 0b0110 + 1 = 7
        let mut reader = BitReader::new(&[0b0011_0000, 0b1011_0000]);
        {
            let mut cursor = reader.cursor();
            assert_eq!(cursor.read_golomb(2, 10, 8), 10);
            assert_eq!(cursor.read_golomb(0, 3, 4), 7);
        }
        assert_eq!(reader.corruption(), None);
        // Only zeros follow: longer than any code word.
        reader.cursor().read_golomb(0, 3, 4);
        assert!(reader.corruption().is_some());
    }

    #[test]
    fn finds_ff_bytes() {
        let mut data = vec![0u8; 40];
        assert_eq!(find_ff(&data, 0), 40);
        data[17] = 0xFF;
        assert_eq!(find_ff(&data, 0), 17);
        assert_eq!(find_ff(&data, 17), 17);
        assert_eq!(find_ff(&data, 18), 40);
        assert_eq!(find_ff(&data, 99), 40);
    }
}
