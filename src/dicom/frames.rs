//! Splitting Pixel Data into frames (PS3.5 §8.1.1 native, §A.4 encapsulated: Basic Offset
//! Table, Extended Offset Table, one fragment per frame, or fragments split at codestream starts).

use std::borrow::Cow;

use super::transfer_syntax::Encoding;
use crate::error::DecodeError;

/// Encapsulated Pixel Data: offset tables and fragments as dicom-rs parsed them.
pub struct Encapsulated<'a> {
    pub basic_offsets: &'a [u32],
    /// Extended Offset Table (7FE0,0001), decoded to byte offsets.
    pub extended_offsets: Option<Vec<u64>>,
    pub fragments: &'a [Vec<u8>],
}

fn concat(fragments: &[Vec<u8>]) -> Cow<'_, [u8]> {
    match fragments {
        [single] => Cow::Borrowed(single.as_slice()),
        many => Cow::Owned(many.concat()),
    }
}

/// True when a fragment begins a new codestream of the given kind.
fn starts_codestream(fragment: &[u8], encoding: Encoding) -> bool {
    match encoding {
        Encoding::Jpeg | Encoding::JpegLs => fragment.starts_with(&[0xFF, 0xD8]),
        Encoding::Jpeg2000 => fragment.starts_with(&[0xFF, 0x4F, 0xFF, 0x51]) || fragment.get(4..8) == Some(b"jP  "),
        Encoding::JpegXl => fragment.starts_with(&[0xFF, 0x0A]) || fragment.get(4..8) == Some(b"JXL "),
        _ => false,
    }
}

impl<'a> Encapsulated<'a> {
    /// Index of the first fragment of each frame from byte offsets measured from the first
    /// fragment's item tag (each fragment takes 8 header bytes + its length).
    fn fragment_starts_from_offsets(&self, offsets: &[u64]) -> Option<Vec<usize>> {
        let mut positions = Vec::with_capacity(self.fragments.len());
        let mut position = 0u64;
        for fragment in self.fragments {
            positions.push(position);
            position += 8 + fragment.len() as u64;
        }
        offsets.iter().map(|offset| positions.iter().position(|p| p == offset)).collect()
    }

    /// Fragment index ranges, one per frame.
    fn frame_ranges(&self, frames: u32, encoding: Encoding) -> Result<Vec<(usize, usize)>, DecodeError> {
        let count = self.fragments.len();
        if count == 0 {
            return Err(DecodeError::Parse { reason: "the encapsulated Pixel Data has no fragments".into() });
        }
        if frames == 1 {
            return Ok(vec![(0, count)]);
        }
        let starts = self
            .extended_offsets
            .as_deref()
            .and_then(|offsets| self.fragment_starts_from_offsets(offsets))
            .or_else(|| {
                let basic: Vec<u64> = self.basic_offsets.iter().map(|o| u64::from(*o)).collect();
                (basic.len() == frames as usize).then(|| self.fragment_starts_from_offsets(&basic)).flatten()
            })
            .or_else(|| (count == frames as usize).then(|| (0..count).collect()))
            .unwrap_or_else(|| {
                (0..count).filter(|&i| i == 0 || starts_codestream(&self.fragments[i], encoding)).collect()
            });
        let mut ranges: Vec<(usize, usize)> =
            starts.iter().enumerate().map(|(i, start)| (*start, starts.get(i + 1).copied().unwrap_or(count))).collect();
        ranges.retain(|(start, end)| start < end);
        Ok(ranges)
    }

    /// The codestream of one frame.
    pub fn frame(&self, frame: u32, frames: u32, encoding: Encoding) -> Result<Cow<'a, [u8]>, DecodeError> {
        let ranges = self.frame_ranges(frames, encoding)?;
        let available = ranges.len() as u32;
        let (start, end) =
            *ranges.get(frame as usize).ok_or(DecodeError::FrameOutOfRange { frame, frames: available.min(frames) })?;
        Ok(concat(&self.fragments[start..end]))
    }
}

/// Native Pixel Data: the bytes of one frame. Frames of 1-bit data are not byte aligned
/// (PS3.5 §8.1.1), so they are re-packed to start at bit 0.
pub fn native_frame(
    pixel_data: &[u8],
    frame: u32,
    samples_per_frame: u64,
    bits_allocated: u16,
) -> Result<Cow<'_, [u8]>, DecodeError> {
    let bits_per_frame = samples_per_frame * u64::from(bits_allocated);
    let start_bit = u64::from(frame) * bits_per_frame;
    let end_bit = start_bit + bits_per_frame;
    let available = pixel_data.len() as u64 * 8;
    if end_bit > available {
        return Err(DecodeError::PixelDataTooShort { expected: end_bit.div_ceil(8), actual: pixel_data.len() as u64 });
    }
    if start_bit % 8 == 0 {
        let start = (start_bit / 8) as usize;
        let end = end_bit.div_ceil(8) as usize;
        return Ok(Cow::Borrowed(&pixel_data[start..end]));
    }
    let mut packed = vec![0u8; bits_per_frame.div_ceil(8) as usize];
    for bit in 0..bits_per_frame {
        let source = start_bit + bit;
        let value = (pixel_data[(source / 8) as usize] >> (source % 8)) & 1;
        packed[(bit / 8) as usize] |= value << (bit % 8);
    }
    Ok(Cow::Owned(packed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_offset_table_groups_fragments() {
        let fragments = vec![vec![0xFF, 0xD8, 1, 2], vec![3, 4], vec![0xFF, 0xD8, 5, 6]];
        // Frame 1 starts at the third fragment: (8+4) + (8+2) = 22.
        let offsets = [0u32, 22];
        let e = Encapsulated { basic_offsets: &offsets, extended_offsets: None, fragments: &fragments };
        assert_eq!(e.frame(0, 2, Encoding::Jpeg).expect("frame 0").as_ref(), &[0xFF, 0xD8, 1, 2, 3, 4]);
        assert_eq!(e.frame(1, 2, Encoding::Jpeg).expect("frame 1").as_ref(), &[0xFF, 0xD8, 5, 6]);
        assert!(matches!(e.frame(2, 2, Encoding::Jpeg), Err(DecodeError::FrameOutOfRange { .. })));
    }

    #[test]
    fn no_offset_table_splits_at_start_markers() {
        let fragments = vec![vec![0xFF, 0xD8, 1], vec![2], vec![0xFF, 0xD8, 3]];
        let e = Encapsulated { basic_offsets: &[], extended_offsets: None, fragments: &fragments };
        assert_eq!(e.frame(1, 2, Encoding::JpegLs).expect("frame 1").as_ref(), &[0xFF, 0xD8, 3]);
    }

    #[test]
    fn one_bit_frames_repack() {
        // Two 4-pixel 1-bit frames in one byte: frame 1 is the high nibble.
        let data = [0b1010_0101u8];
        assert_eq!(native_frame(&data, 1, 4, 1).expect("frame").as_ref(), &[0b1010]);
        // 3-pixel frames: frame 1 starts at bit 3.
        assert_eq!(native_frame(&data, 1, 3, 1).expect("frame").as_ref(), &[0b100]);
        assert!(native_frame(&data, 3, 3, 1).is_err());
    }
}
