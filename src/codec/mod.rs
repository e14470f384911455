//! Codecs: compressed frame bytes → samples. One folder or file per compression standard,
//! each a pure function `decode(&[u8]) -> Result<DecodedImage, CodecError>`.

mod c_alloc;
mod error;
mod image;
pub mod jpeg;
pub mod jpeg2000;
pub mod jpegls;
#[cfg(feature = "jpegxl")]
pub mod jpegxl;
pub mod rle;
#[cfg(test)]
pub mod test_support;

pub use error::CodecError;
pub use image::{check_frame_size, DecodedImage, Samples, MAX_FRAME_SAMPLES};

/// Which standard a compressed frame is coded with (the transfer syntax's family).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Jpeg,
    JpegLs,
    Jpeg2000,
    JpegXl,
}

/// Decodes one compressed frame of the given family.
pub fn decode_family(family: Family, codestream: &[u8]) -> Result<DecodedImage, CodecError> {
    match family {
        Family::Jpeg => jpeg::decode(codestream),
        Family::JpegLs => jpegls::decode(codestream),
        Family::Jpeg2000 => jpeg2000::decode(codestream),
        #[cfg(feature = "jpegxl")]
        Family::JpegXl => jpegxl::decode(codestream),
        #[cfg(not(feature = "jpegxl"))]
        Family::JpegXl => Err(CodecError::unsupported("JPEG XL", "this build was made without the jpegxl feature")),
    }
}
