//! Decoding of one scan into the interleaved output: the three interleave modes (ITU-T T.87
//! A.8 / Annex B), the edge samples of each line (A.2.1) and restart intervals (T.87 C.2.5,
//! T.81 B.2.5: after each RSTm the coder is reset and the line above counts as zeros).

use crate::codec::CodecError;

use super::bit_reader::BitReader;
use super::line_decoder::{LineDecoder, MAX_INTERLEAVED};
use super::markers::{next_marker, RST0, RST7};
use super::params::CodingParameters;
use super::{InterleaveMode, CODEC};

/// A sample type of the decoded output.
pub(super) trait OutputSample: Copy {
    fn from_sample(value: i32) -> Self;
}

impl OutputSample for u8 {
    #[inline(always)]
    fn from_sample(value: i32) -> Self {
        value as u8
    }
}

impl OutputSample for u16 {
    #[inline(always)]
    fn from_sample(value: i32) -> Self {
        value as u16
    }
}

/// Where a scan's samples go in the output.
pub(super) struct ScanLayout<'s> {
    pub width: usize,
    pub height: usize,
    /// Components per output pixel.
    pub frame_components: usize,
    /// The frame component index of each scan component.
    pub scan_components: &'s [usize],
    pub interleave: InterleaveMode,
}

/// The end of the entropy-coded data that starts at `from`: the position of the next marker
/// (0xFF followed by a byte ≥ 0x80). A run of 0xFF bytes before the marker counts as data
/// but the last, so an encoder's trailing 0xFF is kept and fill bytes do no harm.
fn entropy_end(data: &[u8], from: usize) -> usize {
    let mut position = from;
    loop {
        position = super::bit_reader::find_ff(data, position);
        match data.get(position + 1) {
            None => return position.min(data.len()),
            Some(0xFF) => position += 1,
            Some(&next) if next >= 0x80 => return position,
            Some(_) => position += 2,
        }
    }
}

/// Line buffers of one scan: for each of `groups` line groups, the previous and the current
/// line of `(width + 2) · stride` values.
struct LineBuffers {
    previous: Vec<Vec<i32>>,
    current: Vec<Vec<i32>>,
    run_index: Vec<usize>,
}

impl LineBuffers {
    fn new(groups: usize, length: usize) -> Self {
        LineBuffers {
            previous: vec![vec![0; length]; groups],
            current: vec![vec![0; length]; groups],
            run_index: vec![0; groups],
        }
    }

    /// Back to the state at the start of a scan: the line above the first is all zeros.
    fn clear(&mut self) {
        self.previous.iter_mut().chain(self.current.iter_mut()).for_each(|line| line.fill(0));
        self.run_index.fill(0);
    }

    /// Makes the current line the previous one and sets the edge samples of T.87 A.2.1: the
    /// sample right of the previous line repeats its last one, and the sample left of the new
    /// line (Ra of its first sample) is the first sample of the previous line.
    fn advance(&mut self, group: usize, stride: usize) {
        let (Some(previous), Some(current)) = (self.previous.get_mut(group), self.current.get_mut(group)) else {
            return;
        };
        std::mem::swap(previous, current);
        let length = previous.len();
        if length < 3 * stride {
            return;
        }
        previous.copy_within(length - 2 * stride..length - stride, length - stride);
        current[..stride].copy_from_slice(&previous[stride..2 * stride]);
    }
}

/// Copies decoded values of scan component `component` (stride `stride` in `line`) into frame
/// component `target` of one output row.
#[inline]
fn write_row<S: OutputSample>(
    row: &mut [S],
    line: &[i32],
    stride: usize,
    component: usize,
    frame_components: usize,
    target: usize,
) {
    if stride == 1 && frame_components == 1 {
        // One component: a plain copy of the line's inner samples, which vectorises.
        if let Some(values) = line.get(1..1 + row.len()) {
            row.iter_mut().zip(values).for_each(|(out, &value)| *out = S::from_sample(value));
        }
        return;
    }
    let values = line.iter().skip(stride + component).step_by(stride);
    if frame_components == 1 {
        row.iter_mut().zip(values).for_each(|(out, &value)| *out = S::from_sample(value));
    } else {
        row.iter_mut()
            .skip(target)
            .step_by(frame_components)
            .zip(values)
            .for_each(|(out, &value)| *out = S::from_sample(value));
    }
}

/// Decodes the scan whose entropy-coded data starts at `start` into `output`; returns the
/// position of the marker that ends the scan.
pub(super) fn decode_scan<S: OutputSample>(
    data: &[u8],
    start: usize,
    layout: &ScanLayout,
    params: &CodingParameters,
    restart_interval: u32,
    output: &mut [S],
) -> Result<usize, CodecError> {
    let width = layout.width;
    let scan_components = layout.scan_components.len();
    let (groups, stride) = match layout.interleave {
        InterleaveMode::None | InterleaveMode::Line => (scan_components, 1),
        InterleaveMode::Sample => (1, scan_components),
    };
    if stride > MAX_INTERLEAVED {
        return Err(CodecError::unsupported(CODEC, format!("{stride} sample-interleaved components")));
    }
    let row_length = width.saturating_mul(layout.frame_components);
    let fits = row_length.checked_mul(layout.height).is_some_and(|size| size <= output.len());
    if !fits || width == 0 || scan_components == 0 {
        return Err(CodecError::invalid(CODEC, "scan does not fit the frame"));
    }
    let mut buffers = LineBuffers::new(groups, (width + 2) * stride);
    let mut decoder = LineDecoder::new(params);
    let lines_per_interval = match restart_interval {
        0 => layout.height,
        interval => interval as usize,
    };

    let mut line = 0usize;
    let mut segment_start = start;
    loop {
        let segment_end = entropy_end(data, segment_start);
        let mut reader = BitReader::new(data.get(segment_start..segment_end).unwrap_or(&[]));
        decoder.reset_contexts();
        buffers.clear();
        let interval_end = layout.height.min(line.saturating_add(lines_per_interval));
        while line < interval_end {
            let row = output
                .get_mut(line * row_length..(line + 1) * row_length)
                .ok_or(CodecError::invalid(CODEC, "scan does not fit the frame"))?;
            for group in 0..groups {
                buffers.advance(group, stride);
                let (Some(previous), Some(current), Some(run_index)) =
                    (buffers.previous.get(group), buffers.current.get_mut(group), buffers.run_index.get_mut(group))
                else {
                    return Err(CodecError::invalid(CODEC, "line buffers"));
                };
                if stride == 1 {
                    decoder.decode_line(&mut reader, previous, current, run_index);
                    let target = layout.scan_components[group];
                    write_row(row, current, 1, 0, layout.frame_components, target);
                } else {
                    decoder.decode_line_interleaved(&mut reader, previous, current, stride, run_index);
                    for (component, &target) in layout.scan_components.iter().enumerate() {
                        write_row(row, current, stride, component, layout.frame_components, target);
                    }
                }
            }
            if let Some(reason) = reader.corruption() {
                return Err(CodecError::invalid(CODEC, reason));
            }
            if reader.overran() {
                return Err(CodecError::truncated(CODEC, "entropy-coded data ended inside the image"));
            }
            line += 1;
        }
        if line >= layout.height {
            return Ok(segment_end);
        }
        // The next interval starts after a restart marker RSTm.
        match next_marker(data, segment_end) {
            Some(marker) if (RST0..=RST7).contains(&marker.code) => segment_start = marker.after,
            Some(_) => return Err(CodecError::invalid(CODEC, "restart marker missing")),
            None => return Err(CodecError::truncated(CODEC, "stream ended before a restart marker")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_end_skips_stuffing_and_keeps_trailing_ff() {
        assert_eq!(entropy_end(&[1, 0xFF, 0x7F, 2, 0xFF, 0xD9], 0), 4);
        assert_eq!(entropy_end(&[1, 0xFF, 0xFF, 0xD9], 0), 2);
        assert_eq!(entropy_end(&[1, 2, 3], 0), 3);
        assert_eq!(entropy_end(&[1, 2, 0xFF], 0), 2);
    }
}
