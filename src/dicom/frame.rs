//! One decoded frame: stored values at their own width, interleaved, in the photometric
//! interpretation left after decoding (RGB for every colour image).

use super::overlay::EmbeddedOverlays;
use crate::pipeline::{Photometric, PixelValues};

#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    pub rows: u32,
    pub columns: u32,
    pub samples_per_pixel: u16,
    pub bits_allocated: u16,
    pub bits_stored: u16,
    /// 0 unsigned, 1 two's complement (PS3.3 C.7.6.3.1).
    pub pixel_representation: u16,
    /// After decoding: RGB for colour, else MONOCHROME1/2 or PALETTE COLOR as in the file.
    pub photometric: Photometric,
    pub pixels: PixelValues,
    /// Bits of retired overlays embedded in unused high bits of the Pixel Data samples
    /// (src/dicom/overlay.rs); empty for almost every file.
    pub embedded_overlays: EmbeddedOverlays,
}
