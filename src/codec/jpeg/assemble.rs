//! Turns decoded component planes into the interleaved samples of a [`DecodedImage`]:
//! upsampling, colour conversion (8-bit DCT only) and, in lossless mode, undoing the point
//! transform (ITU-T T.81 H.1.2.1: samples are shifted left by Pt).

use super::colour::YCbCrToRgb;
use super::idct::DctSample;
use super::layout::{FrameLayout, Plane};
use super::upsample::{Method, Upsampler};
use crate::codec::{DecodedImage, Samples};

/// Converts one row of three full-size components into interleaved output samples.
pub type RowConversion<'a, T> = &'a dyn Fn(&[T], &[T], &[T], &mut [T]);

/// Frame facts the assembly needs.
pub struct Frame {
    pub width: usize,
    pub height: usize,
    pub precision: u8,
}

fn upsamplers(layout: &FrameLayout, fancy_allowed: bool) -> Vec<Upsampler> {
    let max = (layout.max_horizontal_sampling, layout.max_vertical_sampling);
    layout
        .components
        .iter()
        .map(|component| {
            let sampling = (component.horizontal_sampling, component.vertical_sampling);
            let method = Method::choose(sampling.0, sampling.1, max.0, max.1, component.width, fancy_allowed);
            Upsampler::new(method, sampling, max)
        })
        .collect()
}

/// Interleaves the planes of a DCT frame, converting 8-bit YCbCr to RGB when `convert` is set.
/// A single plane becomes the output itself, cropped in place.
pub fn dct_samples<T: DctSample>(
    frame: &Frame,
    layout: &FrameLayout,
    planes: Vec<Plane<T>>,
    convert: Option<RowConversion<T>>,
) -> Vec<T> {
    let mut planes = planes;
    let components = planes.len();
    if components == 1 {
        if let Some(plane) = planes.pop() {
            return plane.into_cropped(frame.width, frame.height);
        }
    }
    let mut output = vec![T::default(); frame.width * frame.height * components];
    let [first, second, third] = planes.as_slice() else {
        return output;
    };
    if frame.width == 0 {
        return output;
    }
    let mut upsamplers = upsamplers(layout, true);
    if upsamplers.len() != 3 {
        return output;
    }
    let mut buffers: Vec<Vec<T>> = vec![vec![T::default(); frame.width]; components];
    for (y, output_row) in output.chunks_exact_mut(frame.width * components).enumerate() {
        for ((upsampler, plane), buffer) in upsamplers.iter_mut().zip([first, second, third]).zip(buffers.iter_mut()) {
            if upsampler.method() != Method::Copy {
                upsampler.row(plane, y, buffer);
            }
        }
        let rows = [
            full_size_row(&upsamplers[0], first, &buffers[0], y),
            full_size_row(&upsamplers[1], second, &buffers[1], y),
            full_size_row(&upsamplers[2], third, &buffers[2], y),
        ];
        match convert {
            Some(convert) => convert(rows[0], rows[1], rows[2], output_row),
            None => interleave(&rows, output_row),
        }
    }
    output
}

/// Row `y` at frame size: the plane's own row, or the upsampled copy in `buffer`.
fn full_size_row<'a, T: Copy>(upsampler: &Upsampler, plane: &'a Plane<T>, buffer: &'a [T], y: usize) -> &'a [T] {
    if upsampler.method() == Method::Copy {
        plane.row(y)
    } else {
        buffer
    }
}

fn interleave<T: Copy>(rows: &[&[T]; 3], output_row: &mut [T]) {
    for (((pixel, &first), &second), &third) in output_row.chunks_exact_mut(3).zip(rows[0]).zip(rows[1]).zip(rows[2]) {
        pixel[0] = first;
        pixel[1] = second;
        pixel[2] = third;
    }
}

/// The 8-bit conversion for [`dct_samples`].
pub fn ycbcr_converter() -> impl Fn(&[u8], &[u8], &[u8], &mut [u8]) {
    let converter = YCbCrToRgb::new();
    move |luma, blue, red, rgb| converter.convert_row(luma, blue, red, rgb)
}

/// Interleaves the planes of a lossless frame, shifting by the point transform, as U8 for
/// precision up to 8 and U16 above. A single plane becomes the output itself.
pub fn lossless_samples(
    frame: &Frame,
    layout: &FrameLayout,
    planes: Vec<Plane<u16>>,
    point_transforms: &[u8],
) -> Samples {
    let mut planes = planes;
    let components = planes.len();
    let mask = if frame.precision >= 16 { u16::MAX } else { (1u16 << frame.precision) - 1 };
    let single_shift = u32::from(point_transforms.first().copied().unwrap_or(0));
    let output = match planes.pop() {
        Some(plane) if components == 1 => {
            let mut output = plane.into_cropped(frame.width, frame.height);
            if single_shift != 0 || mask != u16::MAX {
                output.iter_mut().for_each(|sample| *sample = sample.wrapping_shl(single_shift) & mask);
            }
            output
        }
        last => {
            planes.extend(last);
            interleave_lossless(frame, layout, &planes, point_transforms, mask)
        }
    };
    if frame.precision <= 8 {
        Samples::U8(output.into_iter().map(|sample| sample as u8).collect())
    } else {
        Samples::U16(output)
    }
}

fn interleave_lossless(
    frame: &Frame,
    layout: &FrameLayout,
    planes: &[Plane<u16>],
    point_transforms: &[u8],
    mask: u16,
) -> Vec<u16> {
    let components = planes.len();
    let mut output = vec![0u16; frame.width * frame.height * components];
    if frame.width == 0 {
        return output;
    }
    let upsamplers = upsamplers(layout, false);
    let mut buffer = vec![0u16; frame.width];
    for (y, output_row) in output.chunks_exact_mut(frame.width * components).enumerate() {
        for (component, (upsampler, plane)) in upsamplers.iter().zip(planes).enumerate() {
            let shift = u32::from(point_transforms.get(component).copied().unwrap_or(0));
            let row = if upsampler.method() == Method::Copy {
                plane.row(y)
            } else {
                upsampler.replicate(plane, y, &mut buffer);
                &buffer
            };
            for (pixel, &sample) in output_row.chunks_exact_mut(components).zip(row) {
                pixel[component] = sample.wrapping_shl(shift) & mask;
            }
        }
    }
    output
}

/// Wraps samples into the image value.
pub fn image(frame: &Frame, components: usize, colour_transformed: bool, samples: Samples) -> DecodedImage {
    DecodedImage {
        width: frame.width as u32,
        height: frame.height as u32,
        components: components as u16,
        precision: frame.precision,
        colour_transformed,
        samples,
    }
}
