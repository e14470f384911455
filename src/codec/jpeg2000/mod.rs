//! JPEG 2000 decoding (ITU-T T.800 | ISO/IEC 15444-1, and HTJ2K, ITU-T T.814 | 15444-15)
//! for DICOM transfer syntaxes 1.2.840.10008.1.2.4.90 (lossless), .91 (lossy) and
//! 1.2.840.10008.1.2.4.201/.202/.203 (HTJ2K), through the pure-Rust `openjp2` crate.
//!
//! Our own header check ([`header`]) runs first, so unsupported or oversized images are
//! refused before openjpeg allocates anything.

mod container;
mod header;
mod memory_stream;
mod openjpeg;
mod samples;

#[cfg(test)]
pub(crate) mod tests;

use crate::codec::{CodecError, DecodedImage};

/// Name used in every error this module reports.
const CODEC: &str = "JPEG 2000";

/// Decodes one JPEG 2000 frame (a bare codestream, or a JP2 file wrapping one) at full
/// resolution. Components: 1 or 3, same size (no subsampling), precision up to 16 bits.
/// `colour_transformed` is true when the COD segment enables the multiple component
/// transform: openjpeg has then already applied the inverse RCT/ICT (T.800 Annex G), so
/// DICOM YBR_RCT / YBR_ICT data comes out as RGB.
pub fn decode(codestream: &[u8]) -> Result<DecodedImage, CodecError> {
    let codestream = container::codestream(codestream)?;
    let header = header::read_main_header(codestream)?;
    let image = openjpeg::decode_image(codestream)?;
    let samples = samples::interleaved(&image, &header)?;
    Ok(DecodedImage {
        width: header.width,
        height: header.height,
        components: header.components,
        precision: header.precision,
        colour_transformed: header.multiple_component_transform,
        samples,
    })
}
