//! Turns jxl-oxide's rendered planes (f32, nominal range 0..=1) back into integer samples of
//! the coded bit depth: ISO/IEC 18181-1 A.6 maps integer sample `k` of `bits` bits to
//! `k / (2^bits − 1)`, so `round(v × (2^bits − 1))` recovers it exactly up to 16 bits.

use jxl_oxide::{FrameBuffer, Render};

use super::CODEC;
use crate::codec::{check_frame_size, CodecError, Samples};

/// Integer sample for the nominal value `value`: scaled, clamped to `0..=maximum`, rounded
/// (half up; the value is non-negative once clamped, so adding 0.5 and truncating rounds).
#[inline]
fn quantise(value: f32, maximum: f32) -> u32 {
    ((value * maximum).clamp(0.0, maximum) + 0.5) as u32
}

/// Interleaves the first `planes.len()` planes into `out`, converting each value.
fn interleave<T: Copy>(planes: &[FrameBuffer], out: &mut [T], convert: impl Fn(f32) -> T) {
    let components = planes.len();
    for (component, plane) in planes.iter().enumerate() {
        let destination = out.iter_mut().skip(component).step_by(components);
        for (sample, &value) in destination.zip(plane.buf()) {
            *sample = convert(value);
        }
    }
}

/// Interleaved colour samples of `render` (its alpha and other extra channels are dropped).
pub fn interleaved(
    render: &Render,
    width: u32,
    height: u32,
    components: u16,
    precision: u8,
) -> Result<Samples, CodecError> {
    let count = check_frame_size(CODEC, width, height, u32::from(components))?;
    let mut planes = render.image_planar();
    planes.truncate(usize::from(components));
    let complete = planes.len() == usize::from(components)
        && planes
            .iter()
            .all(|plane| plane.width() == width as usize && plane.height() == height as usize && plane.channels() == 1);
    if !complete {
        return Err(CodecError::invalid(CODEC, "rendered frame does not match the image size"));
    }
    let maximum = ((1u32 << precision) - 1) as f32;
    Ok(if precision <= 8 {
        let mut out = vec![0u8; count];
        interleave(&planes, &mut out, |value| quantise(value, maximum) as u8);
        Samples::U8(out)
    } else {
        let mut out = vec![0u16; count];
        interleave(&planes, &mut out, |value| quantise(value, maximum) as u16);
        Samples::U16(out)
    })
}
