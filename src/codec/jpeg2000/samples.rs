//! Turns openjpeg's component planes (one `i32` per sample) into interleaved stored bit
//! patterns: `precision` low bits, two's complement for signed components.

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

/// Interleaves the planes (pixel by pixel), keeping the low bits selected by `mask`.
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

/// Interleaved samples of `image`: `Samples::U8` up to 8 bits, `Samples::U16` above.
/// Values are masked to the precision, so signed samples become their two's-complement
/// bit patterns (the pipeline sign-extends them).
pub fn interleaved(image: &opj_image, header: &MainHeader) -> Result<Samples, CodecError> {
    let planes = planes(image, header)?;
    let count = check_frame_size(CODEC, header.width, header.height, u32::from(header.components))?;
    let pixels = count / usize::from(header.components);
    if planes.iter().any(|plane| plane.len() != pixels) {
        return Err(CodecError::invalid(CODEC, "decoded plane size differs from SIZ"));
    }
    let mask = ((1u32 << header.precision) - 1) as i32;
    Ok(if header.precision <= 8 {
        Samples::U8(interleave(&planes, count, |value| (value & mask) as u8))
    } else {
        Samples::U16(interleave(&planes, count, |value| (value & mask) as u16))
    })
}
