//! One decode session of the `openjp2` crate (the Rust port of OpenJPEG): codec set up for a
//! bare codestream, full resolution, all quality layers, strict mode, errors captured.

use core::ffi::{c_char, c_void, CStr};

use openjp2::openjpeg::{opj_dparameters_t, OPJ_CODEC_J2K};
use openjp2::{opj_image, Codec};

use super::memory_stream::{self, MemorySource};
use super::CODEC;
use crate::codec::CodecError;

/// Longest openjpeg error text kept for the error report.
const MAX_ERROR_TEXT: usize = 240;

/// Error messages openjpeg reported during the session (its event manager calls back).
#[derive(Default)]
struct ErrorText {
    text: String,
}

/// `opj_msg_callback` for errors: appends the message to the `ErrorText` in `user`.
/// Warnings and info messages get no handler, so openjpeg does not even format them.
unsafe extern "C" fn record_error(message: *const c_char, user: *mut c_void) {
    if message.is_null() || user.is_null() {
        return;
    }
    // SAFETY: `user` is the `ErrorText` registered in `decode_image`, which outlives the codec;
    // `message` is a NUL-terminated string owned by openjpeg for the duration of the call.
    let errors = unsafe { &mut *(user as *mut ErrorText) };
    let message = unsafe { CStr::from_ptr(message) }.to_string_lossy();
    if errors.text.len() < MAX_ERROR_TEXT {
        if !errors.text.is_empty() {
            errors.text.push_str("; ");
        }
        errors.text.extend(message.trim().chars().take(MAX_ERROR_TEXT));
    }
}

/// Whether the codestream ends with EOC (T.800 A.4.4), ignoring DICOM's even-length padding.
pub fn ends_with_eoc(codestream: &[u8]) -> bool {
    let mut end = codestream.len();
    while end > 0 && codestream.get(end - 1) == Some(&0) {
        end -= 1;
    }
    end >= 2 && codestream.get(end - 2..end) == Some(&[0xFF, 0xD9][..])
}

/// Maps an openjpeg failure at `stage` to a `CodecError`: a stream without EOC is reported
/// as truncated, anything else as corrupt with openjpeg's own message.
fn failure(codestream: &[u8], stage: &'static str, errors: &ErrorText) -> CodecError {
    if !ends_with_eoc(codestream) {
        return CodecError::truncated(CODEC, stage);
    }
    let detail = if errors.text.is_empty() { "no detail" } else { errors.text.as_str() };
    CodecError::invalid(CODEC, format!("openjpeg {stage} failed: {detail}"))
}

/// Decodes a bare codestream (T.800 Annex A) with openjpeg into its image: one `i32` plane
/// per component, DC level shift, inverse wavelet and any inverse RCT/ICT already applied.
pub fn decode_image(codestream: &[u8]) -> Result<Box<opj_image>, CodecError> {
    let mut errors = ErrorText::default();
    let mut source = MemorySource::new(codestream);
    let mut stream = memory_stream::open(&mut source);

    let mut codec = Codec::new_decoder(OPJ_CODEC_J2K)
        .ok_or_else(|| CodecError::invalid(CODEC, "openjpeg could not create a decoder"))?;
    codec.set_error_handler(Some(record_error), (&mut errors as *mut ErrorText).cast::<c_void>());
    // Defaults: cp_reduce = 0 (full resolution), cp_layer = 0 (every quality layer).
    let mut parameters = opj_dparameters_t::default();
    if codec.setup_decoder(&mut parameters) == 0 {
        return Err(CodecError::invalid(CODEC, "openjpeg rejected the decoder parameters"));
    }

    let mut image = codec.read_header(&mut stream.stream).ok_or_else(|| failure(codestream, "header", &errors))?;
    if codec.decode(&mut stream.stream, &mut image) == 0 {
        return Err(failure(codestream, "decode", &errors));
    }
    if codec.end_decompress(&mut stream.stream) == 0 {
        return Err(failure(codestream, "end of codestream", &errors));
    }
    // The codec holds a pointer to `errors`: drop it first.
    drop(codec);
    Ok(image)
}
