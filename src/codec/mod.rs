//! Codecs: compressed frame bytes → samples. One folder or file per compression standard,
//! each a pure function `decode(&[u8]) -> Result<DecodedImage, CodecError>`.

#[cfg(feature = "jpeg2000")]
mod c_alloc;
mod error;
mod image;
pub mod jpeg;
#[cfg(feature = "jpeg2000")]
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
        Family::Jpeg2000 => decode_jpeg_2000(codestream),
        Family::JpegXl => decode_jpeg_xl(codestream),
    }
}

#[cfg(feature = "jpeg2000")]
fn decode_jpeg_2000(codestream: &[u8]) -> Result<DecodedImage, CodecError> {
    jpeg2000::decode(codestream)
}

/// The page's UI module is built without codecs that export C symbols (README "Modules and
/// sizes"); its compressed frames go to the decoder modules.
#[cfg(not(feature = "jpeg2000"))]
fn decode_jpeg_2000(_codestream: &[u8]) -> Result<DecodedImage, CodecError> {
    Err(CodecError::unsupported("JPEG 2000", "this build was made without the jpeg2000 feature"))
}

/// The JPEG XL decoder of this wasm module, when its entry point installed one. In the browser
/// JPEG XL lives in a module of its own (`decoder-jxl`, README "Modules and sizes"): the page's
/// `decoder` module carries every other codec and answers JPEG XL frames with
/// [`CodecError::ModuleNeeded`], so its worker loads the JPEG XL module and asks that instead.
#[cfg(all(feature = "jpegxl", target_arch = "wasm32"))]
static JPEG_XL: std::sync::OnceLock<fn(&[u8]) -> Result<DecodedImage, CodecError>> = std::sync::OnceLock::new();

/// Makes JPEG XL frames decodable in this wasm module (called by the `decoder-jxl` entry point;
/// native builds decode JPEG XL without it).
#[cfg(feature = "jpegxl")]
pub fn install_jpeg_xl() {
    #[cfg(target_arch = "wasm32")]
    let _ = JPEG_XL.set(jpegxl::decode);
}

#[cfg(all(feature = "jpegxl", not(target_arch = "wasm32")))]
fn decode_jpeg_xl(codestream: &[u8]) -> Result<DecodedImage, CodecError> {
    jpegxl::decode(codestream)
}

#[cfg(all(feature = "jpegxl", target_arch = "wasm32"))]
fn decode_jpeg_xl(codestream: &[u8]) -> Result<DecodedImage, CodecError> {
    match JPEG_XL.get() {
        Some(decode) => decode(codestream),
        None => Err(CodecError::ModuleNeeded { codec: "JPEG XL" }),
    }
}

#[cfg(not(feature = "jpegxl"))]
fn decode_jpeg_xl(_codestream: &[u8]) -> Result<DecodedImage, CodecError> {
    Err(CodecError::unsupported("JPEG XL", "this build was made without the jpegxl feature"))
}
