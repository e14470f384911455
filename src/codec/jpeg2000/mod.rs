//! JPEG 2000 decoding (ITU-T T.800 | ISO/IEC 15444-1, and HTJ2K, ITU-T T.814 | 15444-15)
//! for DICOM transfer syntaxes 1.2.840.10008.1.2.4.90 (lossless), .91 (lossy) and
//! 1.2.840.10008.1.2.4.201/.202/.203 (HTJ2K). Two pure-Rust decoders sit behind [`decode`]:
//! `openjph-core` takes HT streams without a component transform ([`openjph`]), the
//! `openjp2` crate (the Rust port of OpenJPEG) everything else and whatever openjph-core
//! fails on.
//!
//! Our own header check ([`header`]) runs first, so unsupported or oversized images are
//! refused before either decoder allocates anything.

mod container;
mod header;
mod memory_stream;
mod openjpeg;
mod openjph;
mod samples;

#[cfg(test)]
pub(crate) mod tests;

use crate::codec::{CodecError, DecodedImage};

/// Name used in every error this module reports.
const CODEC: &str = "JPEG 2000";

/// The decoder that produced a frame (tests and benchmarks ask; the pipeline does not care).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Backend {
    /// `openjph-core`: HT code-blocks (T.814), no multiple component transform.
    OpenJph,
    /// `openjp2`: Part 1 streams, HT streams with a component transform, and HT streams
    /// openjph-core could not decode.
    OpenJpeg,
}

/// Decodes one JPEG 2000 frame (a bare codestream, or a JP2 file wrapping one) at full
/// resolution. Components: 1 or 3, same size (no subsampling), precision up to 16 bits.
/// `colour_transformed` is true when the COD segment enables the multiple component
/// transform: the decoder has then already applied the inverse RCT/ICT (T.800 Annex G), so
/// DICOM YBR_RCT / YBR_ICT data comes out as RGB.
pub fn decode(codestream: &[u8]) -> Result<DecodedImage, CodecError> {
    decode_with_backend(codestream).map(|(image, _)| image)
}

/// [`decode`], also naming the decoder used. An HT stream goes to openjph-core only when it
/// ends with EOC: a cut stream is left to openjpeg, which reports it as truncated.
pub(crate) fn decode_with_backend(codestream: &[u8]) -> Result<(DecodedImage, Backend), CodecError> {
    let codestream = container::codestream(codestream)?;
    let header = header::read_main_header(codestream)?;
    let by_openjph = (openjph::applies_to(&header) && openjpeg::ends_with_eoc(codestream))
        .then(|| openjph::decode_samples(codestream, &header).ok())
        .flatten();
    let (samples, backend) = match by_openjph {
        Some(samples) => (samples, Backend::OpenJph),
        None => {
            let image = openjpeg::decode_image(codestream)?;
            (samples::interleaved(&image, &header)?, Backend::OpenJpeg)
        }
    };
    let image = DecodedImage {
        width: header.width,
        height: header.height,
        components: header.components,
        precision: header.precision,
        colour_transformed: header.multiple_component_transform,
        samples,
    };
    Ok((image, backend))
}
