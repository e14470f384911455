//! A lookup table as DICOM encodes them: LUT Descriptor + LUT Data (PS3.3 C.11.1.1.1,
//! C.11.2.1.1.1, C.7.6.3.1.5). Shared by the Modality, VOI and Palette Color LUTs.

use crate::error::DecodeError;

#[derive(Debug, Clone, PartialEq)]
pub struct LookupTable {
    /// Input value mapped to the first entry (second descriptor value; US or SS).
    pub first_mapped: i32,
    /// Bits per entry (third descriptor value, 8 or 16 in practice).
    pub bits_per_entry: u16,
    pub entries: Vec<u16>,
}

impl LookupTable {
    /// Builds a table from the three descriptor values and the LUT Data words.
    /// `first_mapped_signed` says whether the descriptor's second value is SS (signed input).
    /// 8-bit entries packed two per 16-bit word are unpacked (C.7.6.3.1.6).
    pub fn from_descriptor(
        keyword: &'static str,
        descriptor: &[i64],
        data: &[u16],
        first_mapped_signed: bool,
    ) -> Result<LookupTable, DecodeError> {
        let [count, first, bits] = descriptor else {
            return Err(DecodeError::Attribute {
                keyword,
                reason: format!("the LUT Descriptor has {} values, expected 3", descriptor.len()),
            });
        };
        // 0 entries means 2^16 (C.11.1.1.1).
        let count = if *count == 0 { 65536 } else { (*count as u64 & 0xFFFF) as usize };
        let first = if first_mapped_signed { i32::from(*first as u16 as i16) } else { (*first & 0xFFFF) as i32 };
        let bits = (*bits).clamp(1, 16) as u16;
        let entries: Vec<u16> = if bits <= 8 && data.len() * 2 >= count && data.len() < count {
            // 8-bit entries packed in 16-bit words, low byte first.
            data.iter().flat_map(|w| [w & 0xFF, w >> 8]).take(count).collect()
        } else {
            data.iter().take(count).copied().collect()
        };
        if entries.is_empty() {
            return Err(DecodeError::Attribute { keyword, reason: "the LUT Data is empty".into() });
        }
        Ok(LookupTable { first_mapped: first, bits_per_entry: bits, entries })
    }

    /// Output for an input value; inputs outside the table clamp to its first/last entry.
    #[inline]
    pub fn lookup(&self, input: f64) -> u16 {
        let last = self.entries.len().saturating_sub(1);
        let index = (input.floor() - f64::from(self.first_mapped)).clamp(0.0, last as f64) as usize;
        self.entries.get(index).copied().unwrap_or(0)
    }

    /// Largest output value the entries can hold: 2^bits − 1.
    pub fn max_output(&self) -> f64 {
        f64::from((1u32 << self.bits_per_entry) - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamps_and_offsets() {
        let lut = LookupTable::from_descriptor("LUTDescriptor", &[3, 10, 16], &[5, 6, 7], false).expect("ok");
        assert_eq!((lut.lookup(0.0), lut.lookup(11.0), lut.lookup(99.0)), (5, 6, 7));
    }

    #[test]
    fn signed_first_and_packed_bytes() {
        let lut = LookupTable::from_descriptor("LUTDescriptor", &[4, 0xFFFE, 8], &[0x0201, 0x0403], true).expect("ok");
        assert_eq!(lut.first_mapped, -2);
        assert_eq!(lut.entries, vec![1, 2, 3, 4]);
        assert_eq!(lut.lookup(-1.0), 2);
    }

    #[test]
    fn bad_descriptor() {
        assert!(LookupTable::from_descriptor("LUTDescriptor", &[1, 2], &[1], false).is_err());
        assert!(LookupTable::from_descriptor("LUTDescriptor", &[1, 0, 16], &[], false).is_err());
    }
}
