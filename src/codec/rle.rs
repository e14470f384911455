//! RLE Lossless (PS3.5 Annex G): a 64-byte header of segment offsets, then one PackBits
//! segment per byte plane, most significant byte first, one sample after the other
//! (G.2: sample 1 MSB … LSB, sample 2 MSB … LSB, …; at most 15 segments, so 8, 16 and 32 bits
//! per sample with 1 or 3 samples).

use super::{check_frame_size, CodecError, DecodedImage, Samples};

const CODEC: &str = "RLE";

/// Segments an RLE Header can list (G.5).
const MAX_SEGMENTS: usize = 15;

/// What the RLE stream does not say itself: it comes from the image header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RleGeometry {
    pub rows: u32,
    pub columns: u32,
    pub samples_per_pixel: u16,
    /// 8, 16 or 32: one, two or four byte planes per sample.
    pub bits_allocated: u16,
}

impl RleGeometry {
    fn bytes_per_sample(&self) -> Result<usize, CodecError> {
        match self.bits_allocated {
            8 => Ok(1),
            16 => Ok(2),
            32 => Ok(4),
            other => Err(CodecError::unsupported(CODEC, format!("Bits Allocated {other} (8, 16 or 32)"))),
        }
    }
}

/// The RLE Header (G.5): number of segments and their offsets from the start of the header.
fn segment_ranges(frame: &[u8], expected: usize) -> Result<Vec<(usize, usize)>, CodecError> {
    let header = frame.get(..64).ok_or(CodecError::truncated(CODEC, "RLE header"))?;
    let word = |i: usize| u32::from_le_bytes([header[i * 4], header[i * 4 + 1], header[i * 4 + 2], header[i * 4 + 3]]);
    let count = word(0) as usize;
    if count != expected {
        return Err(CodecError::invalid(CODEC, format!("{count} segments where the header implies {expected}")));
    }
    if count > MAX_SEGMENTS {
        return Err(CodecError::unsupported(CODEC, format!("{count} segments (at most {MAX_SEGMENTS})")));
    }
    let offsets: Vec<usize> = (1..=count).map(|i| word(i) as usize).collect();
    let mut ranges = Vec::with_capacity(count);
    for (i, start) in offsets.iter().enumerate() {
        let end = offsets.get(i + 1).copied().unwrap_or(frame.len());
        if *start < 64 || start > &end || end > frame.len() {
            return Err(CodecError::invalid(CODEC, format!("segment {} has offset {start} outside the frame", i + 1)));
        }
        ranges.push((*start, end));
    }
    Ok(ranges)
}

/// One run of a PackBits segment (G.3.1), already clipped to the bytes the plane still needs.
enum Run<'a> {
    /// Bytes copied as they are.
    Literal(&'a [u8]),
    /// One byte repeated `count` times.
    Replicate(u8, usize),
}

/// Walks one PackBits segment (G.3.1) until it has produced `length` bytes, handing each run
/// and the plane offset it starts at to `sink`; the runs cover `0..length` exactly, in order.
/// Inlined so each caller's sink becomes a plain copy or fill loop.
#[inline(always)]
fn unpack_segment_with(segment: &[u8], length: usize, mut sink: impl FnMut(usize, Run<'_>)) -> Result<(), CodecError> {
    let mut input = 0usize;
    let mut written = 0usize;
    while written < length {
        let Some(&header) = segment.get(input) else {
            return Err(CodecError::truncated(CODEC, "segment ended before the frame was complete"));
        };
        input += 1;
        let n = header as i8;
        if n >= 0 {
            let count = n as usize + 1;
            let literal = segment.get(input..input + count).ok_or(CodecError::truncated(CODEC, "literal run"))?;
            let take = count.min(length - written);
            sink(written, Run::Literal(literal.get(..take).unwrap_or_default()));
            written += take;
            input += count;
        } else if n != -128 {
            let count = (1 - i32::from(n)) as usize;
            let &value = segment.get(input).ok_or(CodecError::truncated(CODEC, "replicate run"))?;
            let take = count.min(length - written);
            sink(written, Run::Replicate(value, take));
            written += take;
            input += 1;
        }
    }
    Ok(())
}

/// Decodes one PackBits segment (G.3.1) into `out`, which it fills exactly.
fn unpack_segment(segment: &[u8], out: &mut [u8]) -> Result<(), CodecError> {
    unpack_segment_with(segment, out.len(), |at, run| match run {
        Run::Literal(bytes) => {
            if let Some(dst) = out.get_mut(at..at + bytes.len()) {
                dst.copy_from_slice(bytes);
            }
        }
        Run::Replicate(value, count) => {
            if let Some(dst) = out.get_mut(at..at + count) {
                dst.fill(value);
            }
        }
    })
}

/// Decodes the two segments of 16-bit single-sample data (G.2: most significant byte first)
/// straight into the sample values: the first segment sets the high bytes, the second ORs in
/// the low bytes, so no byte plane is kept and no interleaving pass follows.
fn unpack_sixteen_bit(high: &[u8], low: &[u8], out: &mut [u16]) -> Result<(), CodecError> {
    unpack_segment_with(high, out.len(), |at, run| match run {
        Run::Literal(bytes) => {
            if let Some(dst) = out.get_mut(at..at + bytes.len()) {
                dst.iter_mut().zip(bytes).for_each(|(d, &b)| *d = u16::from(b) << 8);
            }
        }
        Run::Replicate(value, count) => {
            if let Some(dst) = out.get_mut(at..at + count) {
                dst.fill(u16::from(value) << 8);
            }
        }
    })?;
    unpack_segment_with(low, out.len(), |at, run| match run {
        Run::Literal(bytes) => {
            if let Some(dst) = out.get_mut(at..at + bytes.len()) {
                dst.iter_mut().zip(bytes).for_each(|(d, &b)| *d |= u16::from(b));
            }
        }
        Run::Replicate(value, count) => {
            if let Some(dst) = out.get_mut(at..at + count) {
                let value = u16::from(value);
                dst.iter_mut().for_each(|d| *d |= value);
            }
        }
    })
}

/// The segments' byte ranges in `frame`, checked against the geometry.
fn segments<'f>(frame: &'f [u8], geometry: &RleGeometry) -> Result<Vec<&'f [u8]>, CodecError> {
    let expected = usize::from(geometry.samples_per_pixel) * geometry.bytes_per_sample()?;
    let ranges = segment_ranges(frame, expected)?;
    ranges
        .iter()
        .map(|&(start, end)| frame.get(start..end).ok_or(CodecError::invalid(CODEC, "segment outside the frame")))
        .collect()
}

/// Decodes one frame to the native encoding of PS3.5 §8.1.1: samples interleaved pixel by
/// pixel (R,G,B,R,G,B… for colour), each little endian in Bits Allocated / 8 bytes. Segment
/// `s` is byte `bytes − 1 − s % bytes` (G.2: most significant first) of sample `s / bytes`.
pub fn decode_native(frame: &[u8], geometry: RleGeometry) -> Result<Vec<u8>, CodecError> {
    let bytes_per_sample = geometry.bytes_per_sample()?;
    let samples = usize::from(geometry.samples_per_pixel);
    let pixels = check_frame_size(CODEC, geometry.columns, geometry.rows, 1)?;
    let sample_count = check_frame_size(CODEC, geometry.columns, geometry.rows, u32::from(geometry.samples_per_pixel))?;
    let segments = segments(frame, &geometry)?;
    let stride = samples * bytes_per_sample;
    let mut out = vec![0u8; sample_count * bytes_per_sample];
    if stride == 1 {
        if let Some(segment) = segments.first() {
            unpack_segment(segment, &mut out)?;
        }
        return Ok(out);
    }
    let mut plane = vec![0u8; pixels];
    for (index, segment) in segments.iter().enumerate() {
        unpack_segment(segment, &mut plane)?;
        let (sample, significance) = (index / bytes_per_sample, index % bytes_per_sample);
        let offset = sample * bytes_per_sample + (bytes_per_sample - 1 - significance);
        for (dst, src) in out.iter_mut().skip(offset).step_by(stride).zip(&plane) {
            *dst = *src;
        }
    }
    Ok(out)
}

/// Decodes one frame of 8 or 16 bits per sample into codec samples, interleaved, each the
/// sample's container value (32-bit frames go through [`decode_native`], as their values do
/// not fit [`Samples`]).
pub fn decode(frame: &[u8], geometry: RleGeometry) -> Result<DecodedImage, CodecError> {
    let pixels = check_frame_size(CODEC, geometry.columns, geometry.rows, 1)?;
    let sample_count = check_frame_size(CODEC, geometry.columns, geometry.rows, u32::from(geometry.samples_per_pixel))?;
    let segments = segments(frame, &geometry)?;
    let decoded = match (geometry.bits_allocated, segments.as_slice()) {
        (8, [grey]) => {
            let mut out = vec![0u8; sample_count];
            unpack_segment(grey, &mut out)?;
            Samples::U8(out)
        }
        (8, [red, green, blue]) => {
            // Three byte planes (G.2), interleaved per pixel in one pass.
            let mut planes = vec![0u8; 3 * pixels];
            let (r, rest) = planes.split_at_mut(pixels);
            let (g, b) = rest.split_at_mut(pixels);
            unpack_segment(red, r)?;
            unpack_segment(green, g)?;
            unpack_segment(blue, b)?;
            let mut out = vec![0u8; sample_count];
            for (((pixel, &r), &g), &b) in out.chunks_exact_mut(3).zip(r.iter()).zip(g.iter()).zip(b.iter()) {
                pixel.copy_from_slice(&[r, g, b]);
            }
            Samples::U8(out)
        }
        (16, [high, low]) => {
            let mut out = vec![0u16; sample_count];
            unpack_sixteen_bit(high, low, &mut out)?;
            Samples::U16(out)
        }
        (8 | 16, _) => {
            let native = decode_native(frame, geometry)?;
            match geometry.bits_allocated {
                8 => Samples::U8(native),
                _ => Samples::U16(native.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect()),
            }
        }
        (other, _) => {
            return Err(CodecError::unsupported(CODEC, format!("Bits Allocated {other} as codec samples")));
        }
    };
    Ok(DecodedImage {
        width: geometry.columns,
        height: geometry.rows,
        components: geometry.samples_per_pixel,
        precision: geometry.bits_allocated as u8,
        colour_transformed: false,
        samples: decoded,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream(segments: &[&[u8]]) -> Vec<u8> {
        let mut header = vec![0u8; 64];
        header[..4].copy_from_slice(&(segments.len() as u32).to_le_bytes());
        let mut offset = 64u32;
        let mut body = Vec::new();
        for (i, segment) in segments.iter().enumerate() {
            header[4 + i * 4..8 + i * 4].copy_from_slice(&offset.to_le_bytes());
            offset += segment.len() as u32;
            body.extend_from_slice(segment);
        }
        header.extend(body);
        header
    }

    fn geometry(rows: u32, columns: u32, samples_per_pixel: u16, bits_allocated: u16) -> RleGeometry {
        RleGeometry { rows, columns, samples_per_pixel, bits_allocated }
    }

    #[test]
    fn packbits_literal_replicate_noop() {
        // literal [1,2], no-op (-128), replicate 7 three times.
        let frame = stream(&[&[1, 1, 2, 0x80, 0xFE, 7]]);
        let image = decode(&frame, geometry(1, 5, 1, 8)).expect("decodes");
        assert_eq!(image.samples, Samples::U8(vec![1, 2, 7, 7, 7]));
    }

    #[test]
    fn sixteen_bit_planes_msb_first() {
        let frame = stream(&[&[1, 0x12, 0xAB], &[1, 0x34, 0xCD]]);
        let image = decode(&frame, geometry(1, 2, 1, 16)).expect("decodes");
        assert_eq!(image.samples, Samples::U16(vec![0x1234, 0xABCD]));
    }

    #[test]
    fn thirty_two_bit_planes_msb_first() {
        let frame = stream(&[&[1, 0x12, 0xAB], &[1, 0x34, 0xCD], &[1, 0x56, 0xEF], &[1, 0x78, 0x01]]);
        let native = decode_native(&frame, geometry(1, 2, 1, 32)).expect("decodes");
        assert_eq!(native, [0x1234_5678u32.to_le_bytes(), 0xABCD_EF01u32.to_le_bytes()].concat());
    }

    #[test]
    fn rgb_thirty_two_bit_uses_twelve_segments() {
        // One pixel: R = 0x01020304, G = 0x05060708, B = 0x090A0B0C.
        let bytes: Vec<[u8; 2]> = (1..=12u8).map(|b| [0, b]).collect();
        let segments: Vec<&[u8]> = bytes.iter().map(|b| b.as_slice()).collect();
        let native = decode_native(&stream(&segments), geometry(1, 1, 3, 32)).expect("decodes");
        let expected: Vec<u8> =
            [0x0102_0304u32, 0x0506_0708, 0x090A_0B0C].iter().flat_map(|v| v.to_le_bytes()).collect();
        assert_eq!(native, expected);
    }

    #[test]
    fn rgb_sixteen_bit_interleaves_samples() {
        let frame = stream(&[&[0, 0x11], &[0, 0x22], &[0, 0x33], &[0, 0x44], &[0, 0x55], &[0, 0x66]]);
        let image = decode(&frame, geometry(1, 1, 3, 16)).expect("decodes");
        assert_eq!(image.samples, Samples::U16(vec![0x1122, 0x3344, 0x5566]));
    }

    #[test]
    fn colour_segments_interleave() {
        let frame = stream(&[&[0xFF, 10], &[0xFF, 20], &[0xFF, 30]]);
        let image = decode(&frame, geometry(1, 2, 3, 8)).expect("decodes");
        assert_eq!(image.samples, Samples::U8(vec![10, 20, 30, 10, 20, 30]));
    }

    /// A PackBits encoder for the tests: literal runs of at most 128 bytes, replicate runs of
    /// 2..=128 equal bytes, with a no-op byte (-128) between runs.
    fn pack(plane: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < plane.len() {
            let same = plane[i..].iter().take(128).take_while(|&&b| b == plane[i]).count();
            if same >= 2 {
                out.extend([(1 - same as i32) as i8 as u8, plane[i]]);
                i += same;
            } else {
                let n =
                    (plane.len() - i).min(128).min(1 + plane[i + 1..].windows(2).take_while(|w| w[0] != w[1]).count());
                out.push((n - 1) as u8);
                out.extend(&plane[i..i + n]);
                i += n;
            }
            out.push(0x80);
        }
        out
    }

    /// Values with long runs, short runs and noise, so every kind of run is used.
    fn test_values(count: usize) -> Vec<u16> {
        (0..count)
            .map(|i| match (i / 300) % 3 {
                0 => 0x0400,
                1 => (i as u16).wrapping_mul(2654) ^ 0x5A5A,
                _ => (i / 7) as u16,
            })
            .collect()
    }

    #[test]
    fn sixteen_bit_grey_equals_native_bytes() {
        let (rows, columns) = (7u32, 301u32);
        let values = test_values((rows * columns) as usize);
        let high: Vec<u8> = values.iter().map(|v| (v >> 8) as u8).collect();
        let low: Vec<u8> = values.iter().map(|v| *v as u8).collect();
        let frame = stream(&[&pack(&high), &pack(&low)]);
        let image = decode(&frame, geometry(rows, columns, 1, 16)).expect("decodes");
        assert_eq!(image.samples, Samples::U16(values.clone()));
        let native = decode_native(&frame, geometry(rows, columns, 1, 16)).expect("decodes");
        assert_eq!(native, values.iter().flat_map(|v| v.to_le_bytes()).collect::<Vec<u8>>());
        // A replicate run longer than the plane is clipped to it.
        let frame = stream(&[&[0x81, 0x12], &[0x81, 0x34]]);
        let image = decode(&frame, geometry(1, 100, 1, 16)).expect("decodes");
        assert_eq!(image.samples, Samples::U16(vec![0x1234; 100]));
    }

    #[test]
    fn eight_bit_colour_and_sixteen_bit_colour_interleave() {
        let (rows, columns) = (3u32, 257u32);
        let pixels = (rows * columns) as usize;
        let values = test_values(pixels * 3);
        let planes: Vec<Vec<u8>> =
            (0..3).map(|s| values[s * pixels..(s + 1) * pixels].iter().map(|v| *v as u8).collect()).collect();
        let packed: Vec<Vec<u8>> = planes.iter().map(|p| pack(p)).collect();
        let frame = stream(&packed.iter().map(|p| p.as_slice()).collect::<Vec<_>>());
        let image = decode(&frame, geometry(rows, columns, 3, 8)).expect("decodes");
        let expected: Vec<u8> = (0..pixels).flat_map(|i| [planes[0][i], planes[1][i], planes[2][i]]).collect();
        assert_eq!(image.samples, Samples::U8(expected.clone()));
        assert_eq!(decode_native(&frame, geometry(rows, columns, 3, 8)).expect("decodes"), expected);
        // 16-bit colour: six segments, R high, R low, G high, ...
        let words: Vec<Vec<u16>> = (0..3).map(|s| values[s * pixels..(s + 1) * pixels].to_vec()).collect();
        let segments: Vec<Vec<u8>> = words
            .iter()
            .flat_map(|w| {
                [
                    pack(&w.iter().map(|v| (v >> 8) as u8).collect::<Vec<_>>()),
                    pack(&w.iter().map(|v| *v as u8).collect::<Vec<_>>()),
                ]
            })
            .collect();
        let frame = stream(&segments.iter().map(|p| p.as_slice()).collect::<Vec<_>>());
        let image = decode(&frame, geometry(rows, columns, 3, 16)).expect("decodes");
        let expected: Vec<u16> = (0..pixels).flat_map(|i| [words[0][i], words[1][i], words[2][i]]).collect();
        assert_eq!(image.samples, Samples::U16(expected));
    }

    #[test]
    fn damaged_streams_are_errors() {
        let frame = stream(&[&[4, 1, 2]]);
        assert!(matches!(decode(&frame, geometry(1, 5, 1, 8)), Err(CodecError::Truncated { .. })));
        assert!(decode(&frame[..10], geometry(1, 5, 1, 8)).is_err());
        assert!(decode(&stream(&[&[0]]), geometry(1, 1, 3, 8)).is_err());
        // A 16-bit frame whose low-byte segment ends early.
        let frame = stream(&[&[0x81, 0x12], &[0x01, 0x34]]);
        assert!(matches!(decode(&frame, geometry(1, 100, 1, 16)), Err(CodecError::Truncated { .. })));
        // A literal run that claims more bytes than the segment holds.
        let frame = stream(&[&[0x7F, 1, 2, 3]]);
        assert!(matches!(decode(&frame, geometry(1, 3, 1, 8)), Err(CodecError::Truncated { .. })));
        let mut bad_offset = stream(&[&[0, 1]]);
        bad_offset[4] = 200;
        assert!(decode(&bad_offset, geometry(1, 1, 1, 8)).is_err());
    }

    #[test]
    fn wg04_rle_equals_reference() {
        use super::super::test_support::{first_frame, native_pixels, wg04};
        let mut tested = 0;
        for id in ["CT1", "MR1", "US1", "VL1", "XA1", "RG2"] {
            let (Some(rle), Some(reference)) = (wg04("RLE", &format!("{id}_RLE")), wg04("REF", &format!("{id}_UNC")))
            else {
                continue;
            };
            let frame = first_frame(&rle);
            let raw = native_pixels(&reference);
            let colour = id == "US1" || id == "VL1";
            let (rows, columns) = match id {
                "US1" => (480, 640),
                "VL1" => (486, 756),
                "RG2" => (2140, 1760),
                "XA1" => (1024, 1024),
                _ => (512, 512),
            };
            let g = if colour { geometry(rows, columns, 3, 8) } else { geometry(rows, columns, 1, 16) };
            let image = decode(&frame, g).expect("decodes");
            let decoded_bytes: Vec<u8> = match image.samples {
                Samples::U8(v) => v,
                Samples::U16(v) => v.iter().flat_map(|w| w.to_le_bytes()).collect(),
            };
            assert_eq!(decoded_bytes.len(), raw.len().min(decoded_bytes.len()));
            assert!(decoded_bytes == raw[..decoded_bytes.len()], "{id} differs from REF");
            tested += 1;
        }
        assert!(tested >= 4, "only {tested} RLE files found");
    }
}
