//! Stored pixel values (PS3.3 C.7.6.3.1: Bits Allocated, Bits Stored, High Bit, Pixel
//! Representation; PS3.5 §8.1.1 native encoding; PS3.3 C.7.6.24 Float/Double Float Pixel Data).
//! Values are kept at their own width: no float copies of integer data.

use crate::codec::Samples;
use crate::error::DecodeError;

/// Stored values of one frame, interleaved, at their own width.
#[derive(Debug, Clone, PartialEq)]
pub enum PixelValues {
    U8(Vec<u8>),
    U16(Vec<u16>),
    /// Signed data up to 16 bits (including signed 8-bit), sign-extended.
    I16(Vec<i16>),
    U32(Vec<u32>),
    I32(Vec<i32>),
    /// Float Pixel Data (7FE0,0008).
    F32(Vec<f32>),
    /// Double Float Pixel Data (7FE0,0009).
    F64(Vec<f64>),
}

impl PixelValues {
    pub fn len(&self) -> usize {
        match self {
            PixelValues::U8(v) => v.len(),
            PixelValues::U16(v) => v.len(),
            PixelValues::I16(v) => v.len(),
            PixelValues::U32(v) => v.len(),
            PixelValues::I32(v) => v.len(),
            PixelValues::F32(v) => v.len(),
            PixelValues::F64(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes one sample takes at its own width.
    pub fn bytes_per_sample(&self) -> usize {
        match self {
            PixelValues::U8(_) => 1,
            PixelValues::U16(_) | PixelValues::I16(_) => 2,
            PixelValues::U32(_) | PixelValues::I32(_) | PixelValues::F32(_) => 4,
            PixelValues::F64(_) => 8,
        }
    }

    /// Memory the samples take (what the frame cache counts against its budget).
    pub fn byte_len(&self) -> u64 {
        self.len() as u64 * self.bytes_per_sample() as u64
    }

    /// Value of sample `index` as f64 (None past the end).
    pub fn get_f64(&self, index: usize) -> Option<f64> {
        Some(match self {
            PixelValues::U8(v) => f64::from(*v.get(index)?),
            PixelValues::U16(v) => f64::from(*v.get(index)?),
            PixelValues::I16(v) => f64::from(*v.get(index)?),
            PixelValues::U32(v) => f64::from(*v.get(index)?),
            PixelValues::I32(v) => f64::from(*v.get(index)?),
            PixelValues::F32(v) => f64::from(*v.get(index)?),
            PixelValues::F64(v) => *v.get(index)?,
        })
    }

    /// Smallest and largest value (NaN ignored); None when empty.
    pub fn min_max(&self) -> Option<(f64, f64)> {
        fn fold<T: Copy + Into<f64>>(values: &[T]) -> Option<(f64, f64)> {
            values.iter().fold(None, |acc, v| {
                let v: f64 = (*v).into();
                if v.is_nan() {
                    return acc;
                }
                Some(match acc {
                    None => (v, v),
                    Some((lo, hi)) => (lo.min(v), hi.max(v)),
                })
            })
        }
        fn fold_int<T: Copy + Ord + Into<f64>>(values: &[T]) -> Option<(f64, f64)> {
            let lo = values.iter().min()?;
            let hi = values.iter().max()?;
            Some(((*lo).into(), (*hi).into()))
        }
        match self {
            PixelValues::U8(v) => fold_int(v),
            PixelValues::U16(v) => fold_int(v),
            PixelValues::I16(v) => fold_int(v),
            PixelValues::U32(v) => fold_int(v),
            PixelValues::I32(v) => fold_int(v),
            PixelValues::F32(v) => fold(v),
            PixelValues::F64(v) => fold(v),
        }
    }
}

/// How integer samples sit in their container (C.7.6.3.1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredLayout {
    pub bits_allocated: u16,
    pub bits_stored: u16,
    pub high_bit: u16,
    /// Pixel Representation 1: two's complement.
    pub signed: bool,
}

impl StoredLayout {
    /// Checks the combination is one PS3.5 §8.1.1 allows and this viewer handles.
    pub fn validate(&self) -> Result<(), DecodeError> {
        let bad = |reason: String| DecodeError::Attribute { keyword: "BitsStored", reason };
        if !matches!(self.bits_allocated, 1 | 8 | 16 | 32) {
            return Err(DecodeError::Attribute {
                keyword: "BitsAllocated",
                reason: format!("{} (expected 1, 8, 16 or 32)", self.bits_allocated),
            });
        }
        if self.bits_stored == 0 || self.bits_stored > self.bits_allocated {
            return Err(bad(format!("{} with Bits Allocated {}", self.bits_stored, self.bits_allocated)));
        }
        if self.high_bit >= self.bits_allocated || self.high_bit + 1 < self.bits_stored {
            return Err(DecodeError::Attribute {
                keyword: "HighBit",
                reason: format!("{} with Bits Stored {}", self.high_bit, self.bits_stored),
            });
        }
        Ok(())
    }

    /// Bits below the stored value: High Bit + 1 − Bits Stored (0 in nearly every file).
    fn shift(&self) -> u32 {
        u32::from(self.high_bit + 1 - self.bits_stored.min(self.high_bit + 1))
    }

    fn mask(&self) -> u32 {
        if self.bits_stored >= 32 {
            u32::MAX
        } else {
            (1u32 << self.bits_stored) - 1
        }
    }

    /// Extracts the stored value from a raw container pattern and sign-extends it.
    #[inline]
    fn value(&self, raw: u32) -> i64 {
        let v = (raw >> self.shift()) & self.mask();
        let bits = u32::from(self.bits_stored);
        if self.signed && bits < 64 && (v >> (bits - 1)) & 1 == 1 {
            i64::from(v) - (1i64 << bits)
        } else {
            i64::from(v)
        }
    }

    fn needs_masking(&self) -> bool {
        self.bits_stored != self.bits_allocated || self.shift() != 0
    }

    /// Native bytes (little endian, PS3.5 §8.1.1) of `count` samples → stored values.
    pub fn from_native(&self, bytes: &[u8], count: usize) -> Result<PixelValues, DecodeError> {
        let bytes_needed = match self.bits_allocated {
            1 => count.div_ceil(8),
            bits => count * usize::from(bits / 8),
        };
        let bytes = bytes
            .get(..bytes_needed)
            .ok_or(DecodeError::PixelDataTooShort { expected: bytes_needed as u64, actual: bytes.len() as u64 })?;
        Ok(match self.bits_allocated {
            1 => {
                // Bit 0 of the first byte is the first pixel (PS3.5 §8.1.1, Annex D).
                let values = (0..count).map(|i| (bytes[i / 8] >> (i % 8)) & 1).collect();
                PixelValues::U8(values)
            }
            8 => self.from_u8(bytes),
            16 => {
                let raw = bytes.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]]));
                self.from_u16_iter(raw, count)
            }
            _ => {
                let raw = bytes.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]));
                if self.signed {
                    PixelValues::I32(raw.map(|r| self.value(r) as i32).collect())
                } else {
                    PixelValues::U32(raw.map(|r| self.value(r) as u32).collect())
                }
            }
        })
    }

    fn from_u8(&self, bytes: &[u8]) -> PixelValues {
        if self.signed {
            PixelValues::I16(bytes.iter().map(|b| self.value(u32::from(*b)) as i16).collect())
        } else if self.needs_masking() {
            PixelValues::U8(bytes.iter().map(|b| self.value(u32::from(*b)) as u8).collect())
        } else {
            PixelValues::U8(bytes.to_vec())
        }
    }

    fn from_u16_iter(&self, raw: impl Iterator<Item = u16>, count: usize) -> PixelValues {
        // Inside a 16-bit container `value` is a shift and a mask, and its sign extension two
        // shifts: the same values, in loops without branches that the compiler vectorises.
        let shift = self.shift();
        let bits = u32::from(self.bits_stored);
        let in_container = bits >= 1 && shift + bits <= 16;
        // `collect` reuses the allocation of a Vec<u16> it consumes (same size and alignment).
        if self.signed {
            if in_container {
                let up = 16 - bits;
                PixelValues::I16(raw.map(|r| (((r >> shift) << up) as i16) >> up).collect())
            } else {
                let mut out = Vec::with_capacity(count);
                out.extend(raw.map(|r| self.value(u32::from(r)) as i16));
                PixelValues::I16(out)
            }
        } else if self.needs_masking() {
            if in_container {
                let mask = self.mask() as u16;
                PixelValues::U16(raw.map(|r| (r >> shift) & mask).collect())
            } else {
                PixelValues::U16(raw.map(|r| self.value(u32::from(r)) as u16).collect())
            }
        } else {
            PixelValues::U16(raw.collect())
        }
    }

    /// Native samples already read from their containers (an RLE frame, PS3.5 G: one
    /// container value per sample) → stored values, exactly as [`StoredLayout::from_native`]
    /// reads them from bytes, without copying values that need no change.
    pub fn from_native_samples(&self, samples: Samples) -> PixelValues {
        match samples {
            Samples::U8(bytes) if !self.signed && !self.needs_masking() => PixelValues::U8(bytes),
            Samples::U8(bytes) => self.from_u8(&bytes),
            Samples::U16(words) => self.values_from_u16_words(words),
        }
    }

    /// 16-bit container values → stored values, like [`StoredLayout::from_u16_iter`], with
    /// loops over slices (masking in place) that the compiler vectorises.
    fn values_from_u16_words(&self, mut words: Vec<u16>) -> PixelValues {
        let shift = self.shift();
        let bits = u32::from(self.bits_stored);
        if !(bits >= 1 && shift + bits <= 16) {
            let count = words.len();
            return self.from_u16_iter(words.into_iter(), count);
        }
        if self.signed {
            let up = 16 - bits;
            PixelValues::I16(words.iter().map(|&r| (((r >> shift) << up) as i16) >> up).collect())
        } else {
            if self.needs_masking() {
                let mask = self.mask() as u16;
                words.iter_mut().for_each(|w| *w = (*w >> shift) & mask);
            }
            PixelValues::U16(words)
        }
    }

    /// Codec output (stored bit patterns) → stored values.
    pub fn from_samples(&self, samples: Samples) -> PixelValues {
        match samples {
            Samples::U8(bytes) if self.bits_allocated <= 8 || !self.signed => {
                if self.signed || self.needs_masking_for(8) {
                    self.from_u8(&bytes)
                } else {
                    PixelValues::U8(bytes)
                }
            }
            Samples::U8(bytes) => self.from_u8(&bytes),
            Samples::U16(words) => {
                if !self.signed && !self.needs_masking_for(16) {
                    return PixelValues::U16(words);
                }
                let layout = StoredLayout { high_bit: self.bits_stored.saturating_sub(1), ..*self };
                layout.values_from_u16_words(words)
            }
        }
    }

    /// Codec output carries the value in its low bits: mask only when Bits Stored is narrower.
    fn needs_masking_for(&self, container_bits: u16) -> bool {
        self.bits_stored < container_bits
    }
}

/// Float Pixel Data bytes (little endian) → F32, Double Float → F64 (C.7.6.24).
pub fn from_float_bytes(bytes: &[u8], count: usize, double: bool) -> Result<PixelValues, DecodeError> {
    let width = if double { 8 } else { 4 };
    let needed = count * width;
    let bytes = bytes
        .get(..needed)
        .ok_or(DecodeError::PixelDataTooShort { expected: needed as u64, actual: bytes.len() as u64 })?;
    Ok(if double {
        PixelValues::F64(
            bytes
                .chunks_exact(8)
                .map(|c| f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
                .collect(),
        )
    } else {
        PixelValues::F32(bytes.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect())
    })
}

#[cfg(test)]
mod tests {

    #[test]
    fn byte_len_counts_each_sample_at_its_width() {
        assert_eq!(PixelValues::U8(vec![0; 5]).byte_len(), 5);
        assert_eq!(PixelValues::I16(vec![0; 5]).byte_len(), 10);
        assert_eq!(PixelValues::F32(vec![0.0; 5]).byte_len(), 20);
        assert_eq!(PixelValues::F64(vec![0.0; 5]).byte_len(), 40);
    }
    use super::*;

    fn layout(allocated: u16, stored: u16, high: u16, signed: bool) -> StoredLayout {
        StoredLayout { bits_allocated: allocated, bits_stored: stored, high_bit: high, signed }
    }

    #[test]
    fn twelve_bit_signed_in_sixteen() {
        // 0x0FFF is -1 in 12-bit two's complement; bits above High Bit are ignored (overlay junk).
        let bytes = [0xFF, 0xFF, 0x00, 0x08, 0xFF, 0x07];
        let values = layout(16, 12, 11, true).from_native(&bytes, 3).expect("decodes");
        assert_eq!(values, PixelValues::I16(vec![-1, -2048, 2047]));
    }

    #[test]
    fn high_bit_not_at_top() {
        // Bits Stored 8, High Bit 11: value sits in bits 4..11.
        let values = layout(16, 8, 11, false).from_native(&[0xF0, 0x0A], 1).expect("decodes");
        assert_eq!(values, PixelValues::U16(vec![0xAF]));
    }

    #[test]
    fn one_bit_lsb_first() {
        let values = layout(1, 1, 0, false).from_native(&[0b0000_0101], 4).expect("decodes");
        assert_eq!(values, PixelValues::U8(vec![1, 0, 1, 0]));
    }

    #[test]
    fn short_data_is_an_error() {
        assert!(matches!(
            layout(16, 16, 15, false).from_native(&[0; 3], 2),
            Err(DecodeError::PixelDataTooShort { expected: 4, actual: 3 })
        ));
    }

    #[test]
    fn codec_samples_signed() {
        let values = layout(16, 16, 15, true).from_samples(Samples::U16(vec![0xFFFF, 1]));
        assert_eq!(values, PixelValues::I16(vec![-1, 1]));
        let values = layout(8, 8, 7, false).from_samples(Samples::U8(vec![200]));
        assert_eq!(values, PixelValues::U8(vec![200]));
    }

    /// Every 16-bit container value under every valid 16-bit layout (and the codec layouts
    /// of `from_samples`) gives `value`'s result: the bulk conversions are exact.
    #[test]
    fn sixteen_bit_conversions_equal_the_per_value_definition() {
        let raw: Vec<u16> = (0..=u16::MAX).collect();
        let bytes: Vec<u8> = raw.iter().flat_map(|r| r.to_le_bytes()).collect();
        for stored in 1..=16u16 {
            for high in stored - 1..16 {
                for signed in [false, true] {
                    let l = layout(16, stored, high, signed);
                    let expected = if signed {
                        PixelValues::I16(raw.iter().map(|&r| l.value(u32::from(r)) as i16).collect())
                    } else {
                        PixelValues::U16(raw.iter().map(|&r| l.value(u32::from(r)) as u16).collect())
                    };
                    let context = format!("stored {stored} high {high} signed {signed}");
                    assert_eq!(l.from_native(&bytes, raw.len()).expect("decodes"), expected, "{context}");
                    assert_eq!(l.from_native_samples(Samples::U16(raw.clone())), expected, "{context}");
                }
            }
        }
        // Codec samples carry the value in their low bits, whatever High Bit says.
        for stored in 1..=16u16 {
            for signed in [false, true] {
                let l = layout(16, stored, 15, signed);
                let low = layout(16, stored, stored - 1, signed);
                let expected = if signed {
                    PixelValues::I16(raw.iter().map(|&r| low.value(u32::from(r)) as i16).collect())
                } else {
                    PixelValues::U16(raw.iter().map(|&r| low.value(u32::from(r)) as u16).collect())
                };
                assert_eq!(l.from_samples(Samples::U16(raw.clone())), expected, "stored {stored} signed {signed}");
            }
        }
    }

    #[test]
    fn native_samples_equal_native_bytes() {
        let bytes: Vec<u8> = (0..=255).collect();
        for (allocated, stored, high, signed) in [(8, 8, 7, false), (8, 8, 7, true), (8, 6, 6, false), (8, 5, 4, true)]
        {
            let l = layout(allocated, stored, high, signed);
            assert_eq!(
                l.from_native_samples(Samples::U8(bytes.clone())),
                l.from_native(&bytes, bytes.len()).expect("decodes"),
                "{allocated}/{stored}/{high}/{signed}"
            );
        }
    }

    #[test]
    fn invalid_layouts() {
        assert!(layout(12, 12, 11, false).validate().is_err());
        assert!(layout(16, 17, 16, false).validate().is_err());
        assert!(layout(16, 12, 16, false).validate().is_err());
        assert!(layout(16, 12, 11, false).validate().is_ok());
    }
}
