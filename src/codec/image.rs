//! The value every codec returns: samples of one decoded frame, interleaved.

use super::CodecError;

/// Upper bound on the samples (rows × columns × components) one decoded frame may hold.
/// Checked before allocating, so a forged header cannot exhaust memory.
pub const MAX_FRAME_SAMPLES: u64 = 1 << 28;

/// Decoded samples, interleaved pixel by pixel (R,G,B,R,G,B,… for colour).
/// Values are the stored bit patterns: a signed stream yields its two's-complement
/// pattern in the low `precision` bits, which the pipeline sign-extends.
#[derive(Debug, Clone, PartialEq)]
pub enum Samples {
    U8(Vec<u8>),
    U16(Vec<u16>),
}

impl Samples {
    pub fn len(&self) -> usize {
        match self {
            Samples::U8(v) => v.len(),
            Samples::U16(v) => v.len(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One decoded frame as the codec saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedImage {
    pub width: u32,
    pub height: u32,
    /// 1 for grey, 3 for colour.
    pub components: u16,
    /// Bits per sample as coded in the stream (P in JPEG, precision in JPEG 2000).
    pub precision: u8,
    /// True when the samples are RGB whatever Photometric Interpretation says, so the caller
    /// must not convert them: the codec already converted YCbCr to RGB (JPEG baseline JFIF,
    /// JPEG 2000 ICT/RCT), or the stream itself declares RGB (JPEG Adobe APP14 transform 0, or
    /// component ids 'R','G','B' without JFIF).
    pub colour_transformed: bool,
    pub samples: Samples,
}

/// Checks `width × height × components` against [`MAX_FRAME_SAMPLES`] before a codec allocates.
pub fn check_frame_size(codec: &'static str, width: u32, height: u32, components: u32) -> Result<usize, CodecError> {
    let samples = u64::from(width) * u64::from(height) * u64::from(components);
    if samples > MAX_FRAME_SAMPLES {
        return Err(CodecError::TooLarge { codec, samples, limit: MAX_FRAME_SAMPLES });
    }
    usize::try_from(samples).map_err(|_| CodecError::TooLarge { codec, samples, limit: MAX_FRAME_SAMPLES })
}
