//! Turns openjpeg's component planes (one `i32` per sample) into interleaved samples: the
//! value's two's-complement bit pattern in an 8- or 16-bit container, as a native DICOM
//! encoding of the same values would hold it.

use openjp2::opj_image;

use super::header::MainHeader;
use super::CODEC;
use crate::codec::{check_frame_size, CodecError, Samples};

/// The component planes of a decoded image, checked against the main header.
fn planes<'a>(image: &'a opj_image, header: &MainHeader) -> Result<Vec<&'a [i32]>, CodecError> {
    let components = image.comps().unwrap_or(&[]);
    if components.len() != usize::from(header.components) {
        return Err(CodecError::invalid(
            CODEC,
            format!("openjpeg returned {} components, SIZ declares {}", components.len(), header.components),
        ));
    }
    components
        .iter()
        .map(|component| {
            let same_geometry = component.w == header.width
                && component.h == header.height
                && component.prec == u32::from(header.precision)
                && (component.sgnd != 0) == header.signed;
            match component.data() {
                Some(data) if same_geometry => Ok(data),
                Some(_) => Err(CodecError::invalid(CODEC, "decoded component differs from SIZ")),
                None => Err(CodecError::invalid(CODEC, "openjpeg returned a component without data")),
            }
        })
        .collect()
}

/// Interleaves the planes (pixel by pixel), narrowing each value with `narrow`.
fn interleave<T: Copy + Default>(planes: &[&[i32]], count: usize, narrow: impl Fn(i32) -> T) -> Vec<T> {
    let mut out = vec![T::default(); count];
    match planes {
        [grey] => {
            for (destination, &value) in out.iter_mut().zip(grey.iter()) {
                *destination = narrow(value);
            }
        }
        [red, green, blue] => {
            let pixels = red.iter().zip(green.iter()).zip(blue.iter());
            for (pixel, ((&r, &g), &b)) in out.chunks_exact_mut(3).zip(pixels) {
                pixel[0] = narrow(r);
                pixel[1] = narrow(g);
                pixel[2] = narrow(b);
            }
        }
        _ => {}
    }
    out
}

/// Interleaved samples of `image`: `Samples::U8` for unsigned components up to 8 bits,
/// `Samples::U16` otherwise, each the value's two's-complement pattern in the container (a
/// signed 12-bit −1 becomes 0xFFFF, not 0x0FFF).
///
/// The codestream's own signedness and precision (SIZ) only say how openjpeg reconstructs the
/// values; the DICOM attributes decide how they are read. Some vendors write an unsigned
/// codestream for Pixel Representation 1 data, or a precision other than Bits Stored, so the
/// pipeline reads these patterns with Bits Stored and Pixel Representation
/// (`StoredLayout::from_samples`), exactly as it reads native pixel data — as established
/// toolkits do (pydicom's J2K corrections and Cornerstone interpret the decoded buffer by
/// Pixel Representation / Bits Stored, not by the codestream).
pub fn interleaved(image: &opj_image, header: &MainHeader) -> Result<Samples, CodecError> {
    let planes = planes(image, header)?;
    let count = check_frame_size(CODEC, header.width, header.height, u32::from(header.components))?;
    let pixels = count / usize::from(header.components);
    if planes.iter().any(|plane| plane.len() != pixels) {
        return Err(CodecError::invalid(CODEC, "decoded plane size differs from SIZ"));
    }
    Ok(if header.precision <= 8 && !header.signed {
        Samples::U8(interleave(&planes, count, |value| value as u8))
    } else {
        Samples::U16(interleave(&planes, count, |value| value as u16))
    })
}
