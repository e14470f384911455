//! JPEG XL decoding (ISO/IEC 18181-1) for DICOM transfer syntaxes 1.2.840.10008.1.2.4.110
//! (lossless), .111 (JPEG recompression) and .112 (lossy), through the pure-Rust `jxl-oxide`
//! crate (single-threaded, no colour management: the image's own colour space is rendered).

mod samples;

#[cfg(test)]
mod tests;

use jxl_oxide::image::BitDepth;
use jxl_oxide::{AllocTracker, InitializeResult, JxlImage, JxlThreadPool, PixelFormat};

use crate::codec::{check_frame_size, CodecError, DecodedImage};

/// Name used in every error this module reports.
const CODEC: &str = "JPEG XL";
/// Largest sample precision returned (DICOM stores at most 16 bits).
const MAX_PRECISION: u32 = 16;
/// Bytes jxl-oxide may allocate per output sample: its f32 render buffers, the modular
/// integer planes and group scratch space stay well within this.
const TRACKED_BYTES_PER_SAMPLE: u64 = 24;
/// Fixed allowance on top, for small images' tables and scratch buffers.
const TRACKED_BYTES_BASE: usize = 64 << 20;

/// Maps a jxl-oxide error: an early end of data is `Truncated`, anything else `Invalid`.
fn decode_error(context: &'static str, error: impl std::fmt::Display) -> CodecError {
    let text = error.to_string();
    if text.contains("unexpected end of") || text.contains("UnexpectedEof") || text.contains("EOF") {
        CodecError::truncated(CODEC, context)
    } else {
        CodecError::invalid(CODEC, format!("{context}: {text}"))
    }
}

/// Feeds the whole codestream to jxl-oxide and parses its headers (ISO/IEC 18181-1 A.1–A.6);
/// frames are only located here, decoding happens when rendering.
fn load(codestream: &[u8], tracker: &AllocTracker) -> Result<JxlImage, CodecError> {
    let mut loader = JxlImage::builder().pool(JxlThreadPool::none()).alloc_tracker(tracker.clone()).build_uninit();
    let mut rest = codestream;
    while !rest.is_empty() {
        let consumed = loader.feed_bytes(rest).map_err(|e| decode_error("container", e))?;
        if consumed == 0 {
            break;
        }
        rest = rest.get(consumed..).unwrap_or(&[]);
    }
    let mut image = match loader.try_init().map_err(|e| decode_error("image header", e))? {
        InitializeResult::Initialized(image) => image,
        InitializeResult::NeedMoreData(_) => return Err(CodecError::truncated(CODEC, "image header")),
    };
    if !rest.is_empty() {
        image.feed_bytes(rest).map_err(|e| decode_error("frame data", e))?;
    }
    image.finalize().map_err(|e| decode_error("end of stream", e))?;
    Ok(image)
}

/// Decodes the first frame of a JPEG XL codestream (or ISOBMFF container) into grey or RGB
/// samples at the image's coded bit depth (ISO/IEC 18181-1 A.6 `bit_depth`), interleaved.
pub fn decode(codestream: &[u8]) -> Result<DecodedImage, CodecError> {
    // Headers are parsed under a small allocation budget; it grows once the size is checked.
    let tracker = AllocTracker::with_limit(TRACKED_BYTES_BASE);
    let image = load(codestream, &tracker)?;

    let components: u16 = match image.pixel_format() {
        PixelFormat::Gray => 1,
        PixelFormat::Rgb => 3,
        other => return Err(CodecError::unsupported(CODEC, format!("pixel format {other:?}"))),
    };
    let precision = match image.image_header().metadata.bit_depth {
        BitDepth::IntegerSample { bits_per_sample } if (1..=MAX_PRECISION).contains(&bits_per_sample) => {
            bits_per_sample as u8
        }
        BitDepth::IntegerSample { bits_per_sample } => {
            return Err(CodecError::unsupported(CODEC, format!("{bits_per_sample}-bit samples")))
        }
        BitDepth::FloatSample { .. } => return Err(CodecError::unsupported(CODEC, "floating-point samples")),
    };
    let (width, height) = (image.width(), image.height());
    // Extra channels (alpha, spot colours) are decoded too: budget for them as samples.
    let channels = u32::from(components) + image.image_header().metadata.ec_info.len() as u32;
    let budget = check_frame_size(CODEC, width, height, channels)? as u64;
    let budget_bytes = budget.saturating_mul(TRACKED_BYTES_PER_SAMPLE);
    tracker.expand_limit(usize::try_from(budget_bytes).unwrap_or(usize::MAX));
    if image.num_loaded_keyframes() == 0 {
        return Err(CodecError::truncated(CODEC, "no complete frame"));
    }

    let render = image.render_frame(0).map_err(|e| decode_error("rendering frame 0", e))?;
    let samples = samples::interleaved(&render, width, height, components, precision)?;
    Ok(DecodedImage {
        width,
        height,
        components,
        precision,
        // jxl-oxide renders colour as RGB whatever was coded (XYB, or YCbCr of a recompressed
        // JPEG), so a DICOM YBR_* photometric must not be converted again.
        colour_transformed: components == 3,
        samples,
    })
}
