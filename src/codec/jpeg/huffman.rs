//! Huffman decoding tables (ITU-T T.81 Annex C and F.2.2.3): built from the BITS/HUFFVAL
//! lists of a DHT segment, decoded with a lookahead table for short codes and the
//! MAXCODE/VALPTR procedure for the rest.

use super::bit_reader::{extend, BitReader};
use super::CODEC;
use crate::codec::CodecError;

/// Codes up to this many bits are decoded with one table look-up.
pub const LOOKAHEAD_BITS: u32 = 9;

/// One decoding table (a DC, AC or lossless-difference table).
#[derive(Clone)]
pub struct HuffmanTable {
    /// Indexed by the next `LOOKAHEAD_BITS` bits: `(code length << 8) | symbol`, or 0 when the
    /// code there is longer than the lookahead.
    lookup: [u16; 1 << LOOKAHEAD_BITS],
    /// MAXCODE(L) of F.2.2.3 for L in 1..=16 (index L), -1 when no code has that length.
    max_code: [i32; 17],
    /// VALPTR(L) - MINCODE(L): added to a code of length L it gives the index into `values`.
    value_offset: [i32; 17],
    /// HUFFVAL, padded with zeros.
    values: [u8; 256],
}

impl HuffmanTable {
    /// Builds the table from the 16 code-length counts and the symbol list (C.2, F.2.2.3).
    pub fn build(counts: &[u8; 16], symbols: &[u8]) -> Result<Self, CodecError> {
        let total: usize = counts.iter().map(|&count| usize::from(count)).sum();
        if total > 256 || total != symbols.len() {
            return Err(CodecError::invalid(CODEC, format!("Huffman table with {total} codes")));
        }
        let mut table = HuffmanTable {
            lookup: [0; 1 << LOOKAHEAD_BITS],
            max_code: [-1; 17],
            value_offset: [0; 17],
            values: [0; 256],
        };
        table.values[..total].copy_from_slice(symbols);
        // C.2: codes of each length are consecutive, starting at twice the code after the
        // previous length's last one.
        let mut code: u32 = 0;
        let mut symbol_index: usize = 0;
        for length in 1..=16u32 {
            let count = u32::from(counts[length as usize - 1]);
            // More codes than a prefix code of this length can hold.
            if code + count > (1 << length) {
                return Err(CodecError::invalid(CODEC, "Huffman table code lengths overflow"));
            }
            if count > 0 {
                table.value_offset[length as usize] = symbol_index as i32 - code as i32;
                for _ in 0..count {
                    if length <= LOOKAHEAD_BITS {
                        let shift = LOOKAHEAD_BITS - length;
                        let first = (code << shift) as usize;
                        let entry = ((length as u16) << 8) | u16::from(symbols[symbol_index]);
                        table.lookup[first..first + (1 << shift)].fill(entry);
                    }
                    code += 1;
                    symbol_index += 1;
                }
                table.max_code[length as usize] = code as i32 - 1;
            }
            code <<= 1;
        }
        Ok(table)
    }

    /// Decodes one symbol (F.2.2.3 DECODE). The reader must hold at least 16 bits.
    #[inline(always)]
    pub fn decode(&self, reader: &mut BitReader) -> Result<u8, CodecError> {
        let entry = self.lookup[reader.peek(LOOKAHEAD_BITS) as usize];
        if entry != 0 {
            reader.consume(u32::from(entry >> 8));
            return Ok(entry as u8);
        }
        let (length, symbol) = self.decode_long(reader.peek(16))?;
        reader.consume(length);
        Ok(symbol)
    }

    /// The code at the start of 16 left-aligned bits: its length and symbol.
    fn code_at(&self, bits: u32) -> Result<(u32, u8), CodecError> {
        let entry = self.lookup[(bits >> (16 - LOOKAHEAD_BITS)) as usize];
        if entry != 0 {
            return Ok((u32::from(entry >> 8), entry as u8));
        }
        self.decode_long(bits)
    }

    /// The slow path for codes longer than the lookahead (MAXCODE/VALPTR of F.2.2.3).
    #[inline(never)]
    fn decode_long(&self, bits: u32) -> Result<(u32, u8), CodecError> {
        for length in LOOKAHEAD_BITS + 1..=16 {
            let code = (bits >> (16 - length)) as i32;
            if code <= self.max_code[length as usize] {
                let index = (code + self.value_offset[length as usize]) as usize;
                return self
                    .values
                    .get(index)
                    .map(|&symbol| (length, symbol))
                    .ok_or_else(|| CodecError::invalid(CODEC, "Huffman code outside its table"));
            }
        }
        Err(CodecError::invalid(CODEC, "bit pattern that is no Huffman code of the table"))
    }

    /// The combined code-and-value table for this table's symbols read as `kind`.
    pub fn value_table(&self, kind: SymbolKind) -> ValueTable {
        let mut entries = Box::new([0i32; 1 << VALUE_LOOKAHEAD_BITS]);
        for (pattern, entry) in entries.iter_mut().enumerate() {
            let bits = (pattern as u32) << (16 - VALUE_LOOKAHEAD_BITS);
            let Ok((length, symbol)) = self.code_at(bits) else {
                continue;
            };
            let (run, size) = match kind {
                SymbolKind::Difference => (0, u32::from(symbol)),
                SymbolKind::AcCoefficient => (u32::from(symbol >> 4), u32::from(symbol & 0x0F)),
            };
            let value = match (kind, size) {
                // EOB and ZRL stay on the symbol path.
                (SymbolKind::AcCoefficient, 0) => continue,
                (SymbolKind::Difference, 16) if length <= VALUE_LOOKAHEAD_BITS => {
                    *entry = (32768 << 12) | length as i32;
                    continue;
                }
                (_, 0..=15) if length + size <= VALUE_LOOKAHEAD_BITS => {
                    let extra = (bits >> (16 - length - size)) & ((1 << size) - 1);
                    extend(extra as i32, size)
                }
                _ => continue,
            };
            *entry = (value << 12) | (run << 8) as i32 | (length + size) as i32;
        }
        ValueTable { entries }
    }
}

/// How the symbols of a table are read (T.81 F.1.2.1 and F.1.2.2, H.1.2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SymbolKind {
    /// A size category SSSS followed by SSSS extra bits (DC and lossless differences;
    /// category 16 is the lossless difference 32768 with no extra bits).
    Difference,
    /// RRRRSSSS: a zero run and a size category (AC coefficients).
    AcCoefficient,
}

/// Bits of the combined code-and-value look-up.
pub const VALUE_LOOKAHEAD_BITS: u32 = 11;

/// For every `VALUE_LOOKAHEAD_BITS`-bit pattern that starts with a whole code and its extra
/// bits: `(value << 12) | (zero run << 8) | bits used`; 0 where the slower path is needed.
pub struct ValueTable {
    entries: Box<[i32; 1 << VALUE_LOOKAHEAD_BITS]>,
}

/// One decoded value of a [`ValueTable`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FastValue {
    pub value: i32,
    pub run: u32,
}

impl ValueTable {
    /// Decodes the code and value at the reader if both fit the lookahead (the reader must
    /// hold at least `VALUE_LOOKAHEAD_BITS` bits).
    #[inline(always)]
    pub fn decode(&self, reader: &mut BitReader) -> Option<FastValue> {
        let entry = self.entries[reader.peek(VALUE_LOOKAHEAD_BITS) as usize & ((1 << VALUE_LOOKAHEAD_BITS) - 1)];
        if entry == 0 {
            return None;
        }
        reader.consume((entry & 0xFF) as u32);
        Some(FastValue { value: entry >> 12, run: ((entry >> 8) & 0x0F) as u32 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_short_and_long_codes() {
        // Lengths: one 1-bit code (0), one 2-bit (10), then 14-bit codes 110000...
        let mut counts = [0u8; 16];
        counts[0] = 1;
        counts[1] = 1;
        counts[13] = 2;
        let table = HuffmanTable::build(&counts, &[7, 8, 9, 10]).unwrap();
        // 0 | 10 | 11000000000000 | 11000000000001 -> bits
        let bits = "0".to_string() + "10" + "11000000000000" + "11000000000001";
        let mut bytes = Vec::new();
        let padded = format!("{bits:1<40}");
        for chunk in padded.as_bytes().chunks(8) {
            bytes.push(u8::from_str_radix(std::str::from_utf8(chunk).unwrap(), 2).unwrap());
        }
        let mut reader = BitReader::new(&bytes);
        let mut decoded = Vec::new();
        for _ in 0..4 {
            reader.ensure(16);
            decoded.push(table.decode(&mut reader).unwrap());
        }
        assert_eq!(decoded, [7, 8, 9, 10]);
    }

    #[test]
    fn rejects_overfull_lengths() {
        let mut counts = [0u8; 16];
        counts[0] = 3;
        assert!(HuffmanTable::build(&counts, &[1, 2, 3]).is_err());
        assert!(HuffmanTable::build(&counts, &[1, 2]).is_err());
    }
}
