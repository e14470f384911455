//! HTJ2K frames (ITU-T T.814 | ISO/IEC 15444-15, DICOM 1.2.840.10008.1.2.4.201/.202/.203)
//! through `openjph-core`, a pure-Rust port of OpenJPH (the decoder Cornerstone ships as
//! wasm). It decodes HT code-blocks only and, in version 0.1, neither undoes the multiple
//! component transform nor keeps the chroma range (its level shift clamps each component),
//! so [`applies_to`] leaves those streams, and any stream it fails on, to openjpeg.

use openjph_core::codestream::Codestream;
use openjph_core::file::MemInfile;

use super::header::MainHeader;
use super::CODEC;
use crate::codec::{check_frame_size, CodecError, Samples};

/// Whether this decoder takes the stream: HT block coding announced in Rsiz (T.814 A.2), no
/// component transform (T.800 Annex G) to undo, and a quantization table covering every
/// sub-band (openjph-core indexes it unchecked: a short QCD would panic).
pub fn applies_to(header: &MainHeader) -> bool {
    header.high_throughput && !header.multiple_component_transform && header.plain_quantization
}

/// Value range of one sample of the stream (T.800 A.5.1 Ssiz): two's complement when signed.
fn sample_range(header: &MainHeader) -> (i32, i32) {
    let precision = u32::from(header.precision);
    if header.signed {
        (-(1 << (precision - 1)), (1 << (precision - 1)) - 1)
    } else {
        (0, (1 << precision) - 1)
    }
}

/// Copies decoded lines into interleaved samples, `narrow` turning each (clamped) value into
/// its container; lines come component by component for each row, as OpenJPH hands them out.
fn fill<T: Copy + Default>(
    stream: &mut Codestream,
    header: &MainHeader,
    count: usize,
    narrow: impl Fn(i32) -> T,
) -> Result<Vec<T>, CodecError> {
    let width = header.width as usize;
    let components = usize::from(header.components);
    let (low, high) = sample_range(header);
    let mut out = vec![T::default(); count];
    let row_samples = width * components;
    for row in out.chunks_exact_mut(row_samples.max(1)) {
        for component in 0..components {
            let line = stream
                .pull(component as u32)
                .ok_or_else(|| CodecError::invalid(CODEC, "openjph: fewer decoded lines than SIZ declares"))?;
            if line.len() != width {
                return Err(CodecError::invalid(CODEC, "openjph: decoded line width differs from SIZ"));
            }
            for (destination, &value) in row.iter_mut().skip(component).step_by(components).zip(line.iter()) {
                *destination = narrow(value.clamp(low, high));
            }
        }
    }
    Ok(out)
}

/// Decodes `codestream` (bare, checked by [`super::header`]) into interleaved samples: the
/// value's two's-complement pattern in an 8- or 16-bit container, as openjpeg's path gives.
pub fn decode_samples(codestream: &[u8], header: &MainHeader) -> Result<Samples, CodecError> {
    let count = check_frame_size(CODEC, header.width, header.height, u32::from(header.components))?;
    let mut infile = MemInfile::new(codestream);
    let mut stream = Codestream::new();
    stream.read_headers(&mut infile).map_err(|error| CodecError::invalid(CODEC, format!("openjph header: {error}")))?;
    let siz = stream.access_siz();
    let components = siz.get_num_components();
    if components != header.components
        || (0..u32::from(components)).any(|c| {
            siz.get_width(c) != header.width
                || siz.get_height(c) != header.height
                || siz.get_bit_depth(c) != u32::from(header.precision)
                || siz.is_signed(c) != header.signed
        })
    {
        return Err(CodecError::invalid(CODEC, "openjph reads another geometry than SIZ"));
    }
    stream.create(&mut infile).map_err(|error| CodecError::invalid(CODEC, format!("openjph decode: {error}")))?;
    Ok(if header.precision <= 8 && !header.signed {
        Samples::U8(fill(&mut stream, header, count, |value| value as u8)?)
    } else {
        Samples::U16(fill(&mut stream, header, count, |value| value as u16)?)
    })
}
