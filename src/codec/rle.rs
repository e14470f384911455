//! RLE Lossless (PS3.5 Annex G): a 64-byte header of segment offsets, then one PackBits
//! segment per byte plane, most significant byte first, one sample after the other.

use super::{check_frame_size, CodecError, DecodedImage, Samples};

const CODEC: &str = "RLE";

/// What the RLE stream does not say itself: it comes from the image header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RleGeometry {
    pub rows: u32,
    pub columns: u32,
    pub samples_per_pixel: u16,
    /// 8 or 16 (32 is allowed by the standard and handled as four byte planes).
    pub bits_allocated: u16,
}

/// The RLE Header (G.5): number of segments and their offsets from the start of the header.
fn segment_ranges(frame: &[u8], expected: usize) -> Result<Vec<(usize, usize)>, CodecError> {
    let header = frame.get(..64).ok_or(CodecError::truncated(CODEC, "RLE header"))?;
    let word = |i: usize| u32::from_le_bytes([header[i * 4], header[i * 4 + 1], header[i * 4 + 2], header[i * 4 + 3]]);
    let count = word(0) as usize;
    if count != expected {
        return Err(CodecError::invalid(CODEC, format!("{count} segments where the header implies {expected}")));
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

/// Decodes one PackBits segment (G.3.1) into `out`, which it fills exactly.
fn unpack_segment(segment: &[u8], out: &mut [u8]) -> Result<(), CodecError> {
    let mut input = 0usize;
    let mut written = 0usize;
    while written < out.len() {
        let Some(&header) = segment.get(input) else {
            return Err(CodecError::truncated(CODEC, "segment ended before the frame was complete"));
        };
        input += 1;
        let n = header as i8;
        if n >= 0 {
            let count = n as usize + 1;
            let literal = segment.get(input..input + count).ok_or(CodecError::truncated(CODEC, "literal run"))?;
            let take = count.min(out.len() - written);
            out[written..written + take].copy_from_slice(&literal[..take]);
            written += take;
            input += count;
        } else if n != -128 {
            let count = (1 - i32::from(n)) as usize;
            let &value = segment.get(input).ok_or(CodecError::truncated(CODEC, "replicate run"))?;
            let take = count.min(out.len() - written);
            out[written..written + take].fill(value);
            written += take;
            input += 1;
        }
    }
    Ok(())
}

pub fn decode(frame: &[u8], geometry: RleGeometry) -> Result<DecodedImage, CodecError> {
    let bytes_per_sample = match geometry.bits_allocated {
        8 => 1,
        16 => 2,
        other => return Err(CodecError::unsupported(CODEC, format!("Bits Allocated {other}"))),
    };
    let samples = usize::from(geometry.samples_per_pixel);
    let pixels = check_frame_size(CODEC, geometry.columns, geometry.rows, 1)?;
    check_frame_size(CODEC, geometry.columns, geometry.rows, u32::from(geometry.samples_per_pixel))?;
    let ranges = segment_ranges(frame, samples * bytes_per_sample)?;
    let mut plane = vec![0u8; pixels];
    let decoded = if bytes_per_sample == 1 {
        let mut out = vec![0u8; pixels * samples];
        for (sample, (start, end)) in ranges.iter().enumerate() {
            unpack_segment(&frame[*start..*end], &mut plane)?;
            if samples == 1 {
                std::mem::swap(&mut out, &mut plane);
            } else {
                for (dst, src) in out.iter_mut().skip(sample).step_by(samples).zip(&plane) {
                    *dst = *src;
                }
            }
        }
        Samples::U8(out)
    } else {
        let mut out = vec![0u16; pixels * samples];
        for (segment, (start, end)) in ranges.iter().enumerate() {
            unpack_segment(&frame[*start..*end], &mut plane)?;
            let (sample, shift) = (segment / 2, if segment % 2 == 0 { 8 } else { 0 });
            for (dst, src) in out.iter_mut().skip(sample).step_by(samples).zip(&plane) {
                *dst |= u16::from(*src) << shift;
            }
        }
        Samples::U16(out)
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
    fn colour_segments_interleave() {
        let frame = stream(&[&[0xFF, 10], &[0xFF, 20], &[0xFF, 30]]);
        let image = decode(&frame, geometry(1, 2, 3, 8)).expect("decodes");
        assert_eq!(image.samples, Samples::U8(vec![10, 20, 30, 10, 20, 30]));
    }

    #[test]
    fn damaged_streams_are_errors() {
        let frame = stream(&[&[4, 1, 2]]);
        assert!(matches!(decode(&frame, geometry(1, 5, 1, 8)), Err(CodecError::Truncated { .. })));
        assert!(decode(&frame[..10], geometry(1, 5, 1, 8)).is_err());
        assert!(decode(&stream(&[&[0]]), geometry(1, 1, 3, 8)).is_err());
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
