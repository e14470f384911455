//! Bringing subsampled components back to the frame size (ITU-T T.81 A.1.1 defines only the
//! sampling grid; the interpolation is the decoder's choice).
//!
//! For 2:1 horizontal (4:2:2) and 2:1 both ways (4:2:0) DCT components this uses the "fancy"
//! triangle filter of the IJG library (each output sample weighs the nearer input sample 3/4
//! and the further one 1/4 per direction, with the same rounding and edge replication), so the
//! output matches dcmtk/libjpeg exactly; every other ratio (4:1:1, 1×2, fractional ones, and all
//! lossless frames) replicates the nearest sample.

use super::idct::DctSample;
use super::layout::Plane;

/// How one component reaches the frame size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Already full size.
    Copy,
    /// IJG triangle filter, 2:1 horizontally.
    FancyHorizontal,
    /// IJG triangle filter, 2:1 horizontally and vertically.
    FancyBoth,
    /// Nearest sample: input x = output x × H / Hmax, likewise for y.
    Replicate,
}

impl Method {
    /// The method for a component with sampling `(h, v)` in a frame with maxima `(max_h, max_v)`;
    /// `fancy_allowed` is false in lossless mode. Like libjpeg, the filter needs a component
    /// at least 3 samples wide.
    pub fn choose(h: usize, v: usize, max_h: usize, max_v: usize, component_width: usize, fancy_allowed: bool) -> Self {
        let fancy = fancy_allowed && component_width > 2;
        match (h == max_h, v == max_v) {
            (true, true) => Method::Copy,
            _ if fancy && 2 * h == max_h && v == max_v => Method::FancyHorizontal,
            _ if fancy && 2 * h == max_h && 2 * v == max_v => Method::FancyBoth,
            _ => Method::Replicate,
        }
    }
}

/// Produces full-size rows of one component.
pub struct Upsampler {
    method: Method,
    horizontal_sampling: usize,
    vertical_sampling: usize,
    max_horizontal: usize,
    max_vertical: usize,
    /// Column sums of the vertical pass of `FancyBoth`.
    column_sums: Vec<i32>,
}

impl Upsampler {
    pub fn new(method: Method, sampling: (usize, usize), max_sampling: (usize, usize)) -> Self {
        Upsampler {
            method,
            horizontal_sampling: sampling.0,
            vertical_sampling: sampling.1,
            max_horizontal: max_sampling.0,
            max_vertical: max_sampling.1,
            column_sums: Vec::new(),
        }
    }

    /// Writes output row `y` of the component into `output` (the frame width long).
    pub fn row<T: DctSample>(&mut self, plane: &Plane<T>, y: usize, output: &mut [T]) {
        let last_row = plane.height.saturating_sub(1);
        match self.method {
            Method::Copy => copy_into(plane.row(y.min(last_row)), output),
            Method::Replicate => self.replicate(plane, y, output),
            Method::FancyHorizontal => fancy_horizontal(plane.row(y.min(last_row)), output),
            Method::FancyBoth => {
                let input_row = (y / 2).min(last_row);
                // Even output rows lean on the row above, odd ones on the row below; the first
                // and last rows stand in for the missing neighbours.
                let neighbour_row =
                    if y.is_multiple_of(2) { input_row.saturating_sub(1) } else { (input_row + 1).min(last_row) };
                let (near, far) = (plane.row(input_row), plane.row(neighbour_row));
                self.column_sums.clear();
                self.column_sums.extend(near.iter().zip(far).map(|(&n, &f)| 3 * n.to_i32() + f.to_i32()));
                fancy_both(&self.column_sums, output);
            }
        }
    }

    /// Nearest-sample replication for any ratio (this path also serves lossless frames).
    pub fn replicate<T: Copy>(&self, plane: &Plane<T>, y: usize, output: &mut [T]) {
        let input_y = (y * self.vertical_sampling / self.max_vertical).min(plane.height.saturating_sub(1));
        let input = plane.row(input_y);
        if input.is_empty() {
            return;
        }
        if self.max_horizontal.is_multiple_of(self.horizontal_sampling) {
            let ratio = self.max_horizontal / self.horizontal_sampling;
            for (chunk, &sample) in output.chunks_mut(ratio).zip(input) {
                chunk.fill(sample);
            }
        } else {
            let last = input.len() - 1;
            for (x, sample) in output.iter_mut().enumerate() {
                *sample = input[(x * self.horizontal_sampling / self.max_horizontal).min(last)];
            }
        }
    }

    pub fn method(&self) -> Method {
        self.method
    }
}

fn copy_into<T: Copy>(input: &[T], output: &mut [T]) {
    let count = input.len().min(output.len());
    output[..count].copy_from_slice(&input[..count]);
}

/// Stores `value` at `output[index]` when the frame is that wide (the last filtered column
/// may fall outside an odd-width frame).
#[inline(always)]
fn put<T: DctSample>(output: &mut [T], index: usize, value: i32) {
    if let Some(sample) = output.get_mut(index) {
        *sample = T::from_clamped(value);
    }
}

/// IJG h2v1 triangle filter: out(2i) = (3·in(i) + in(i-1) + 1) / 4,
/// out(2i+1) = (3·in(i) + in(i+1) + 2) / 4, edges copied. Needs at least 3 input samples.
fn fancy_horizontal<T: DctSample>(input: &[T], output: &mut [T]) {
    let width = input.len();
    if width < 3 {
        return;
    }
    put(output, 0, input[0].to_i32());
    put(output, 1, (3 * input[0].to_i32() + input[1].to_i32() + 2) >> 2);
    for (index, window) in input.windows(3).enumerate() {
        let (previous, current, next) = (window[0].to_i32(), 3 * window[1].to_i32(), window[2].to_i32());
        let out = 2 * (index + 1);
        if out + 1 >= output.len() {
            put(output, out, (current + previous + 1) >> 2);
            return;
        }
        output[out] = T::from_clamped((current + previous + 1) >> 2);
        output[out + 1] = T::from_clamped((current + next + 2) >> 2);
    }
    let last = input[width - 1].to_i32();
    put(output, 2 * width - 2, (3 * last + input[width - 2].to_i32() + 1) >> 2);
    put(output, 2 * width - 1, last);
}

/// IJG h2v2 triangle filter on column sums c = 3·near + far:
/// out(2i) = (3·c(i) + c(i-1) + 8) / 16, out(2i+1) = (3·c(i) + c(i+1) + 7) / 16, edges use 4·c.
fn fancy_both<T: DctSample>(sums: &[i32], output: &mut [T]) {
    let width = sums.len();
    if width < 3 {
        return;
    }
    put(output, 0, (4 * sums[0] + 8) >> 4);
    put(output, 1, (3 * sums[0] + sums[1] + 7) >> 4);
    for (index, window) in sums.windows(3).enumerate() {
        let (previous, current, next) = (window[0], 3 * window[1], window[2]);
        let out = 2 * (index + 1);
        if out + 1 >= output.len() {
            put(output, out, (current + previous + 8) >> 4);
            return;
        }
        output[out] = T::from_clamped((current + previous + 8) >> 4);
        output[out + 1] = T::from_clamped((current + next + 7) >> 4);
    }
    put(output, 2 * width - 2, (3 * sums[width - 1] + sums[width - 2] + 8) >> 4);
    put(output, 2 * width - 1, (4 * sums[width - 1] + 7) >> 4);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plane(width: usize, height: usize, samples: Vec<u8>) -> Plane<u8> {
        Plane { width, height, stride: width, samples }
    }

    #[test]
    fn method_choice_follows_ijg() {
        assert_eq!(Method::choose(2, 2, 2, 2, 100, true), Method::Copy);
        assert_eq!(Method::choose(1, 1, 2, 1, 100, true), Method::FancyHorizontal);
        assert_eq!(Method::choose(1, 1, 2, 2, 100, true), Method::FancyBoth);
        assert_eq!(Method::choose(1, 1, 1, 2, 100, true), Method::Replicate);
        assert_eq!(Method::choose(1, 1, 4, 1, 100, true), Method::Replicate);
        assert_eq!(Method::choose(1, 1, 2, 2, 2, true), Method::Replicate);
        assert_eq!(Method::choose(1, 1, 2, 2, 100, false), Method::Replicate);
    }

    #[test]
    fn fancy_horizontal_weights() {
        let input = plane(3, 1, vec![0, 100, 200]);
        let mut upsampler = Upsampler::new(Method::FancyHorizontal, (1, 1), (2, 1));
        let mut output = [0u8; 6];
        upsampler.row(&input, 0, &mut output);
        assert_eq!(output, [0, 25, 75, 125, 175, 200]);
        let mut odd = [0u8; 5];
        upsampler.row(&input, 0, &mut odd);
        assert_eq!(odd, [0, 25, 75, 125, 175]);
    }

    #[test]
    fn fancy_both_flat_is_flat() {
        let input = plane(3, 2, vec![50; 6]);
        let mut upsampler = Upsampler::new(Method::FancyBoth, (1, 1), (2, 2));
        for y in 0..4 {
            let mut output = [0u8; 6];
            upsampler.row(&input, y, &mut output);
            assert_eq!(output, [50; 6]);
        }
    }

    #[test]
    fn replicate_fractional_ratio() {
        let input = plane(2, 1, vec![1, 2]);
        let upsampler = Upsampler::new(Method::Replicate, (2, 1), (3, 1));
        let mut output = [0u8; 3];
        upsampler.replicate(&input, 0, &mut output);
        assert_eq!(output, [1, 1, 2]);
    }
}
