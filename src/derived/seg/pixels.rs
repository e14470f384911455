//! Segmentation voxels as stored: BINARY bit-packed across frames (PS3.5 8.1.1: a frame starts
//! right after the previous one's last bit, not on a byte boundary), FRACTIONAL and 8-bit label
//! maps one byte per voxel, 16-bit label maps one word. Encapsulated frames (RLE, JPEG-LS,
//! JPEG 2000, …) are decoded once with `crate::dicom`'s decoders into the same layout.

use dicom_core::Tag;
use dicom_object::InMemDicomObject;

use crate::derived::DerivedError;
use crate::dicom::{DicomImage, Frame, SampleFormat};
use crate::error::DecodeError;
use crate::pipeline::PixelValues;

/// Decodes frame `n` (0-based) of an encapsulated SEG: `DicomImage::decode_frame` natively; the
/// page passes frames its decode workers decoded (its UI module carries no codec, README
/// "Modules and sizes").
pub type FrameDecoder<'a> = &'a dyn Fn(&DicomImage, u32) -> Result<Frame, DecodeError>;

/// Whether the data set's Pixel Data is encapsulated (its frames need a codec).
pub fn is_encapsulated(dataset: &InMemDicomObject) -> bool {
    dataset.get(PIXEL_DATA).is_some_and(|element| element.value().fragments().is_some())
}

const PIXEL_DATA: Tag = Tag(0x7FE0, 0x0010);

/// The voxels of every frame, frame after frame.
#[derive(Debug)]
pub enum FramePixels {
    /// 1 bit per voxel, bit 0 of byte 0 first.
    Bits(Vec<u8>),
    Bytes(Vec<u8>),
    Words(Vec<u16>),
}

impl FramePixels {
    pub fn bytes(&self) -> usize {
        match self {
            FramePixels::Bits(b) | FramePixels::Bytes(b) => b.len(),
            FramePixels::Words(w) => w.len() * 2,
        }
    }

    /// Value of voxel `index` of frame `frame` (0 outside the data).
    #[inline]
    pub fn value(&self, frame: usize, per_frame: usize, index: usize) -> u16 {
        let at = frame * per_frame + index;
        match self {
            FramePixels::Bits(bits) => bits.get(at / 8).map_or(0, |byte| u16::from((byte >> (at % 8)) & 1)),
            FramePixels::Bytes(bytes) => bytes.get(at).map_or(0, |v| u16::from(*v)),
            FramePixels::Words(words) => words.get(at).copied().unwrap_or(0),
        }
    }

    /// Calls `f(index within the frame, value)` for every non-zero voxel of `frame`.
    pub fn for_each_nonzero(&self, frame: usize, per_frame: usize, mut f: impl FnMut(usize, u16)) {
        let start = frame * per_frame;
        match self {
            FramePixels::Bits(bits) => {
                let end = start + per_frame;
                let mut at = start;
                while at < end {
                    let Some(&byte) = bits.get(at / 8) else { return };
                    // Whole zero bytes are skipped at once.
                    if at.is_multiple_of(8) && byte == 0 && at + 8 <= end {
                        at += 8;
                        continue;
                    }
                    if (byte >> (at % 8)) & 1 == 1 {
                        f(at - start, 1);
                    }
                    at += 1;
                }
            }
            FramePixels::Bytes(bytes) => {
                let Some(frame) = bytes.get(start..start + per_frame) else { return };
                for (index, value) in frame.iter().enumerate().filter(|(_, v)| **v != 0) {
                    f(index, u16::from(*value));
                }
            }
            FramePixels::Words(words) => {
                let Some(frame) = words.get(start..start + per_frame) else { return };
                for (index, value) in frame.iter().enumerate().filter(|(_, v)| **v != 0) {
                    f(index, *value);
                }
            }
        }
    }

    /// Non-zero voxels of `frame`.
    pub fn count_nonzero(&self, frame: usize, per_frame: usize) -> u32 {
        match self {
            FramePixels::Bits(bits) => {
                let (start, end) = (frame * per_frame, frame * per_frame + per_frame);
                let mut count = 0u32;
                let mut at = start;
                while at < end {
                    let Some(&byte) = bits.get(at / 8) else { break };
                    if at.is_multiple_of(8) && at + 8 <= end {
                        count += byte.count_ones();
                        at += 8;
                    } else {
                        count += u32::from((byte >> (at % 8)) & 1);
                        at += 1;
                    }
                }
                count
            }
            _ => {
                let mut count = 0;
                self.for_each_nonzero(frame, per_frame, |_, _| count += 1);
                count
            }
        }
    }
}

/// Transfer syntax of encapsulated data without (0002,0010): recognised from the first
/// fragment's codestream (JPEG-LS SOF55, JPEG, JPEG 2000, the RLE header of PS3.5 G.5).
fn sniff_transfer_syntax(fragment: &[u8]) -> Option<&'static str> {
    if fragment.starts_with(&[0xFF, 0xD8]) {
        let jpeg_ls = fragment.windows(2).take(4096).any(|w| w == [0xFF, 0xF7]);
        return Some(if jpeg_ls { "1.2.840.10008.1.2.4.80" } else { "1.2.840.10008.1.2.4.70" });
    }
    if fragment.starts_with(&[0xFF, 0x4F, 0xFF, 0x51]) || fragment.get(4..8) == Some(b"jP  ") {
        return Some("1.2.840.10008.1.2.4.90");
    }
    let word = |i: usize| fragment.get(i..i + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    match (word(0), word(4)) {
        (Some(1..=15), Some(64)) => Some("1.2.840.10008.1.2.5"),
        _ => None,
    }
}

/// Reads every frame's voxels (see [`FramePixels`]).
pub fn read(
    dataset: &InMemDicomObject,
    transfer_syntax: Option<&str>,
    bits_allocated: u16,
    rows: u32,
    columns: u32,
    frames: u32,
    decode: FrameDecoder<'_>,
) -> Result<FramePixels, DerivedError> {
    let element =
        dataset.get(PIXEL_DATA).ok_or(DerivedError::Attribute { keyword: "PixelData", reason: "is missing".into() })?;
    let per_frame = rows as usize * columns as usize;
    let voxels = per_frame * frames as usize;
    let value = element.value();
    if let Some(fragments) = value.fragments() {
        let uid = match transfer_syntax {
            Some(uid)
                if crate::dicom::TransferSyntax::from_uid(uid)
                    .is_some_and(|ts| ts.encoding != crate::dicom::Encoding::Native) =>
            {
                uid.to_string()
            }
            _ => fragments
                .iter()
                .find(|f| !f.is_empty())
                .and_then(|f| sniff_transfer_syntax(f))
                .ok_or(DerivedError::Unsupported {
                    feature: "encapsulated Pixel Data of an unknown transfer syntax".into(),
                })?
                .to_string(),
        };
        return decode_encapsulated(dataset, &uid, bits_allocated, per_frame, frames, decode);
    }
    let bytes = value
        .to_bytes()
        .map_err(|e| DerivedError::Attribute { keyword: "PixelData", reason: format!("cannot be read: {e}") })?;
    let needed = (voxels * usize::from(bits_allocated)).div_ceil(8);
    let bytes = bytes.get(..needed).ok_or(DerivedError::Attribute {
        keyword: "PixelData",
        reason: format!("holds {} bytes, {frames} frames of {columns}×{rows} need {needed}", bytes.len()),
    })?;
    Ok(match bits_allocated {
        1 => FramePixels::Bits(bytes.to_vec()),
        8 => FramePixels::Bytes(bytes.to_vec()),
        _ => FramePixels::Words(bytes.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect()),
    })
}

fn decode_encapsulated(
    dataset: &InMemDicomObject,
    uid: &str,
    bits_allocated: u16,
    per_frame: usize,
    frames: u32,
    decode: FrameDecoder<'_>,
) -> Result<FramePixels, DerivedError> {
    let image = DicomImage::from_header(dataset.clone(), uid, SampleFormat::Integer)?;
    let voxels = per_frame * frames as usize;
    let mut out = match bits_allocated {
        1 => FramePixels::Bits(vec![0; voxels.div_ceil(8)]),
        8 => FramePixels::Bytes(Vec::with_capacity(voxels)),
        _ => FramePixels::Words(Vec::with_capacity(voxels)),
    };
    for frame in 0..frames {
        let decoded = decode(&image, frame)?;
        let start = frame as usize * per_frame;
        let wrong_size = |len: usize| DerivedError::Attribute {
            keyword: "PixelData",
            reason: format!("frame {} decodes to {len} values, not {per_frame}", frame + 1),
        };
        match (&mut out, decoded.pixels) {
            (FramePixels::Bits(bits), PixelValues::U8(values)) => {
                if values.len() < per_frame {
                    return Err(wrong_size(values.len()));
                }
                for (index, value) in values.iter().take(per_frame).enumerate() {
                    if *value != 0 {
                        let at = start + index;
                        bits[at / 8] |= 1 << (at % 8);
                    }
                }
            }
            (FramePixels::Bytes(bytes), PixelValues::U8(values)) => {
                if values.len() < per_frame {
                    return Err(wrong_size(values.len()));
                }
                bytes.extend_from_slice(&values[..per_frame]);
            }
            (FramePixels::Words(words), PixelValues::U16(values)) => {
                if values.len() < per_frame {
                    return Err(wrong_size(values.len()));
                }
                words.extend_from_slice(&values[..per_frame]);
            }
            (FramePixels::Words(words), PixelValues::U8(values)) => {
                if values.len() < per_frame {
                    return Err(wrong_size(values.len()));
                }
                words.extend(values[..per_frame].iter().map(|v| u16::from(*v)));
            }
            _ => {
                return Err(DerivedError::Attribute {
                    keyword: "PixelData",
                    reason: format!(
                        "frame {} decodes to samples of another type than Bits Allocated {bits_allocated}",
                        frame + 1
                    ),
                })
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_frames_are_not_byte_aligned() {
        // Two 3×3 frames (9 bits each): frame 1 starts at bit 9.
        let mut bits = vec![0u8; 3];
        for at in [0usize, 8, 9, 17] {
            bits[at / 8] |= 1 << (at % 8);
        }
        let pixels = FramePixels::Bits(bits);
        assert_eq!(pixels.count_nonzero(0, 9), 2);
        assert_eq!(pixels.count_nonzero(1, 9), 2);
        assert_eq!(pixels.value(1, 9, 0), 1);
        assert_eq!(pixels.value(1, 9, 8), 1);
        assert_eq!(pixels.value(1, 9, 1), 0);
        let mut seen = Vec::new();
        pixels.for_each_nonzero(1, 9, |i, _| seen.push(i));
        assert_eq!(seen, vec![0, 8]);
    }

    #[test]
    fn codestreams_are_recognised() {
        assert_eq!(sniff_transfer_syntax(&[0xFF, 0xD8, 0xFF, 0xF7, 0, 0]), Some("1.2.840.10008.1.2.4.80"));
        assert_eq!(sniff_transfer_syntax(&[0xFF, 0x4F, 0xFF, 0x51]), Some("1.2.840.10008.1.2.4.90"));
        let mut rle = vec![0u8; 64];
        rle[0] = 1;
        rle[4] = 64;
        assert_eq!(sniff_transfer_syntax(&rle), Some("1.2.840.10008.1.2.5"));
        assert_eq!(sniff_transfer_syntax(&[1, 2, 3]), None);
    }
}
