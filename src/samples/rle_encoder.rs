//! RLE Lossless encoder (PS3.5 Annex G): a 64-byte header of segment offsets, then one PackBits
//! segment per byte plane, most significant byte plane first, sample after sample. Each row is
//! packed on its own (no run crosses a row boundary) and each segment is padded to even length.

use super::error::SampleError;

/// The samples of one frame, interleaved (sample after sample within a pixel).
#[derive(Debug, Clone, Copy)]
pub enum RlePixels<'a> {
    U8(&'a [u8]),
    U16(&'a [u16]),
}

/// Most PackBits run or literal length (G.3.1).
const MAX_RUN: usize = 128;
/// At most 15 segments fit the header (G.5).
const MAX_SEGMENTS: usize = 15;

/// Appends the PackBits form (G.3.1) of `row` to `out`: a replicate run for 3 or more equal
/// bytes, literal runs for the rest (a pair costs as much either way).
fn pack_row(row: &[u8], out: &mut Vec<u8>) {
    let mut start = 0;
    while start < row.len() {
        let value = row[start];
        let run = row[start..].iter().take(MAX_RUN).take_while(|&&b| b == value).count();
        if run >= 3 {
            // Header -(run - 1) as a signed byte.
            out.push((1 - run as i32) as i8 as u8);
            out.push(value);
            start += run;
            continue;
        }
        // Literal: up to the next run of three equal bytes (or 128 bytes).
        let mut end = start;
        while end < row.len() && end - start < MAX_RUN {
            let ahead = &row[end..];
            if ahead.len() >= 3 && ahead[0] == ahead[1] && ahead[1] == ahead[2] {
                break;
            }
            end += 1;
        }
        out.push((end - start - 1) as u8);
        out.extend_from_slice(&row[start..end]);
        start = end;
    }
}

/// Byte `byte` (0 = most significant) of sample `sample` of every pixel, in pixel order.
fn byte_plane(pixels: RlePixels, samples_per_pixel: usize, sample: usize, byte: usize) -> Vec<u8> {
    match pixels {
        RlePixels::U8(values) => values.iter().skip(sample).step_by(samples_per_pixel).copied().collect(),
        RlePixels::U16(values) => {
            let shift = if byte == 0 { 8 } else { 0 };
            values.iter().skip(sample).step_by(samples_per_pixel).map(|v| (v >> shift) as u8).collect()
        }
    }
}

/// Encodes one frame of `rows` × `columns` pixels with `samples_per_pixel` interleaved samples.
pub fn encode_frame(
    pixels: RlePixels,
    rows: u32,
    columns: u32,
    samples_per_pixel: u16,
) -> Result<Vec<u8>, SampleError> {
    let (columns, samples) = (columns as usize, usize::from(samples_per_pixel));
    let bytes_per_sample = match pixels {
        RlePixels::U8(_) => 1,
        RlePixels::U16(_) => 2,
    };
    let given = match pixels {
        RlePixels::U8(values) => values.len(),
        RlePixels::U16(values) => values.len(),
    };
    let expected = rows as usize * columns * samples;
    if given != expected || columns == 0 {
        return Err(SampleError::Geometry {
            reason: format!("{given} samples for {rows} rows × {columns} columns × {samples} samples per pixel"),
        });
    }
    let segment_count = samples * bytes_per_sample;
    if segment_count > MAX_SEGMENTS {
        return Err(SampleError::Geometry { reason: format!("{segment_count} RLE segments, at most 15 fit") });
    }
    let mut header = vec![0u8; 64];
    header[..4].copy_from_slice(&(segment_count as u32).to_le_bytes());
    let mut body = Vec::new();
    for segment in 0..segment_count {
        let offset = u32::try_from(64 + body.len())
            .map_err(|_| SampleError::Geometry { reason: "the RLE frame exceeds 4 GiB".to_string() })?;
        header[4 + segment * 4..8 + segment * 4].copy_from_slice(&offset.to_le_bytes());
        let plane = byte_plane(pixels, samples, segment / bytes_per_sample, segment % bytes_per_sample);
        for row in plane.chunks(columns) {
            pack_row(row, &mut body);
        }
        if body.len() % 2 == 1 {
            body.push(0);
        }
    }
    header.extend(body);
    Ok(header)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::rle::{decode, RleGeometry};
    use crate::codec::Samples;

    /// A deterministic mix of runs, literals and noise (xorshift).
    fn mixed(len: usize) -> Vec<u16> {
        let mut state = 0x9E37_79B9u32;
        (0..len)
            .map(|i| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                match (i / 97) % 3 {
                    0 => 1000,
                    1 => (state % 4096) as u16,
                    _ => (i % 7) as u16 * 300,
                }
            })
            .collect()
    }

    #[test]
    fn packbits_forms_match_annex_g() {
        let mut out = Vec::new();
        pack_row(&[5, 5, 5, 5, 1, 2, 7, 7], &mut out);
        // Replicate 4 × 5 (header -3), then a literal of the remaining four (header 3).
        assert_eq!(out, vec![0xFD, 5, 3, 1, 2, 7, 7]);
        let mut long = Vec::new();
        pack_row(&[9; 300], &mut long);
        assert_eq!(long, vec![0x81, 9, 0x81, 9, 0xD5, 9]); // 128 + 128 + 44
    }

    #[test]
    fn sixteen_bit_round_trips_through_the_decoder() {
        let (rows, columns) = (37, 61);
        let values = mixed(rows * columns);
        let frame = encode_frame(RlePixels::U16(&values), rows as u32, columns as u32, 1).expect("encodes");
        assert_eq!(frame.len() % 2, 0);
        let geometry =
            RleGeometry { rows: rows as u32, columns: columns as u32, samples_per_pixel: 1, bits_allocated: 16 };
        assert_eq!(decode(&frame, geometry).expect("decodes").samples, Samples::U16(values));
    }

    #[test]
    fn rgb_round_trips_through_the_decoder() {
        let (rows, columns) = (19, 33);
        let values: Vec<u8> = mixed(rows * columns * 3).iter().map(|v| (v % 251) as u8).collect();
        let frame = encode_frame(RlePixels::U8(&values), rows as u32, columns as u32, 3).expect("encodes");
        let geometry =
            RleGeometry { rows: rows as u32, columns: columns as u32, samples_per_pixel: 3, bits_allocated: 8 };
        assert_eq!(decode(&frame, geometry).expect("decodes").samples, Samples::U8(values));
    }

    #[test]
    fn wrong_sample_count_is_an_error() {
        assert!(encode_frame(RlePixels::U8(&[1, 2, 3]), 2, 2, 1).is_err());
    }
}
