//! Frame → RGBA display image, as the viewer draws it (8 bits per channel).

use super::{GreyPipeline, PaletteColorLut, PixelValues};
use crate::dicom::Frame;

/// How to show a frame: the grey chain for monochrome images, a palette for PALETTE COLOR,
/// nothing to choose for RGB.
#[derive(Debug, Clone, PartialEq)]
pub enum Display<'a> {
    Grey(GreyPipeline),
    Palette(&'a PaletteColorLut),
    Rgb,
}

/// Writes `rows × columns × 4` bytes of RGBA.
pub fn render_rgba(frame: &Frame, display: &Display) -> Vec<u8> {
    let pixels = frame.rows as usize * frame.columns as usize;
    let mut rgba = vec![255u8; pixels * 4];
    match display {
        Display::Grey(pipeline) => render_grey(&frame.pixels, pipeline, &mut rgba),
        Display::Palette(palette) => {
            for (index, out) in rgba.chunks_exact_mut(4).enumerate() {
                let value = frame.pixels.get_f64(index).unwrap_or(0.0);
                out[..3].copy_from_slice(&palette.rgb8(value));
            }
        }
        Display::Rgb => render_rgb(&frame.pixels, frame.bits_stored, &mut rgba),
    }
    rgba
}

/// Like `render_rgba`, but only the pixels `indices` name, one RGBA pixel per index in that
/// order (`viewer::screen_sampling`: the image pixel each canvas pixel shows); an index past the
/// frame (e.g. `screen_sampling::OUTSIDE`) gives opaque black, the viewport's background.
/// Grey frames only read the named pixels; palette and colour frames are rendered whole first.
pub fn render_rgba_at(frame: &Frame, display: &Display, indices: &[u32]) -> Vec<u8> {
    let mut rgba = vec![255u8; indices.len() * 4];
    match display {
        Display::Grey(pipeline) => render_grey_at(&frame.pixels, pipeline, indices, &mut rgba),
        Display::Palette(_) | Display::Rgb => {
            let whole = render_rgba(frame, display);
            for (out, index) in rgba.chunks_exact_mut(4).zip(indices) {
                let start = (*index as usize).checked_mul(4).unwrap_or(usize::MAX - 4);
                match whole.get(start..start + 4) {
                    Some(pixel) => out.copy_from_slice(pixel),
                    None => out[..3].fill(0),
                }
            }
        }
    }
    rgba
}

fn write_grey_at<T: Copy>(values: &[T], indices: &[u32], rgba: &mut [u8], to_display: impl Fn(T) -> u8) {
    for (out, index) in rgba.chunks_exact_mut(4).zip(indices) {
        let grey = values.get(*index as usize).map_or(0, |value| to_display(*value));
        out[0] = grey;
        out[1] = grey;
        out[2] = grey;
    }
}

fn render_grey_at(values: &PixelValues, pipeline: &GreyPipeline, indices: &[u32], rgba: &mut [u8]) {
    match values {
        PixelValues::U8(v) => {
            let table = pipeline.table(0, 255);
            write_grey_at(v, indices, rgba, |x| table[usize::from(x)]);
        }
        PixelValues::U16(v) => {
            let table = pipeline.table(0, 65535);
            write_grey_at(v, indices, rgba, |x| table[usize::from(x)]);
        }
        PixelValues::I16(v) => {
            let table = pipeline.table(-32768, 32767);
            write_grey_at(v, indices, rgba, |x| table[(i32::from(x) + 32768) as usize]);
        }
        PixelValues::U32(v) => write_grey_at(v, indices, rgba, |x| pipeline.display(f64::from(x))),
        PixelValues::I32(v) => write_grey_at(v, indices, rgba, |x| pipeline.display(f64::from(x))),
        PixelValues::F32(v) => write_grey_at(v, indices, rgba, |x| pipeline.display(f64::from(x))),
        PixelValues::F64(v) => write_grey_at(v, indices, rgba, |x| pipeline.display(x)),
    }
}

fn write_grey<T: Copy>(values: &[T], rgba: &mut [u8], to_display: impl Fn(T) -> u8) {
    for (out, value) in rgba.chunks_exact_mut(4).zip(values) {
        let grey = to_display(*value);
        out[0] = grey;
        out[1] = grey;
        out[2] = grey;
    }
}

fn render_grey(values: &PixelValues, pipeline: &GreyPipeline, rgba: &mut [u8]) {
    match values {
        PixelValues::U8(v) => {
            let table = pipeline.table(0, 255);
            write_grey(v, rgba, |x| table[usize::from(x)]);
        }
        PixelValues::U16(v) => {
            let table = pipeline.table(0, 65535);
            write_grey(v, rgba, |x| table[usize::from(x)]);
        }
        PixelValues::I16(v) => {
            let table = pipeline.table(-32768, 32767);
            write_grey(v, rgba, |x| table[(i32::from(x) + 32768) as usize]);
        }
        PixelValues::U32(v) => write_grey(v, rgba, |x| pipeline.display(f64::from(x))),
        PixelValues::I32(v) => write_grey(v, rgba, |x| pipeline.display(f64::from(x))),
        PixelValues::F32(v) => write_grey(v, rgba, |x| pipeline.display(f64::from(x))),
        PixelValues::F64(v) => write_grey(v, rgba, |x| pipeline.display(x)),
    }
}

/// The largest RGB sample value, 2^Bits Stored − 1 (Bits Stored up to 32), by which deeper
/// samples are scaled to 8 bits; 255 for 8-bit containers.
pub fn rgb_max_value(values: &PixelValues, bits_stored: u16) -> f64 {
    match values {
        PixelValues::U8(_) if bits_stored >= 8 => 255.0,
        _ => ((1u64 << bits_stored.clamp(1, 32)) - 1) as f64,
    }
}

/// RGB samples to 8 bits: deeper samples are scaled by their Bits Stored range.
fn render_rgb(values: &PixelValues, bits_stored: u16, rgba: &mut [u8]) {
    let max = rgb_max_value(values, bits_stored);
    match values {
        PixelValues::U8(v) if bits_stored >= 8 => {
            for (out, px) in rgba.chunks_exact_mut(4).zip(v.chunks_exact(3)) {
                out[..3].copy_from_slice(px);
            }
        }
        other => {
            for (index, out) in rgba.chunks_exact_mut(4).enumerate() {
                for (channel, sample) in out[..3].iter_mut().enumerate() {
                    let value = other.get_f64(index * 3 + channel).unwrap_or(0.0);
                    *sample = (value * 255.0 / max).round().clamp(0.0, 255.0) as u8;
                }
            }
        }
    }
}
