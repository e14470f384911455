//! Palette Color Lookup Tables (PS3.3 C.7.6.3.1.5/6) and Segmented Palette Color LUT Data
//! (C.7.9.2): one stored index → red, green, blue.

use super::LookupTable;
use crate::error::DecodeError;

#[derive(Debug, Clone, PartialEq)]
pub struct PaletteColorLut {
    pub red: LookupTable,
    pub green: LookupTable,
    pub blue: LookupTable,
}

impl PaletteColorLut {
    /// RGB (8-bit) for a stored index.
    #[inline]
    pub fn rgb8(&self, index: f64) -> [u8; 3] {
        [&self.red, &self.green, &self.blue].map(|lut| {
            let value = f64::from(lut.lookup(index)) * 255.0 / lut.max_output();
            value.round().clamp(0.0, 255.0) as u8
        })
    }
}

/// Most entries a segmented LUT may expand to (the descriptor allows 2^16).
const MAX_ENTRIES: usize = 65536;
/// Bound on nested indirect segments, so a forged table cannot recurse forever.
const MAX_INDIRECT_DEPTH: u32 = 4;

/// Expands Segmented Palette Color LUT Data (C.7.9.2) into plain entries.
pub fn expand_segmented(data: &[u16]) -> Result<Vec<u16>, DecodeError> {
    let mut out = Vec::new();
    expand_into(data, 0, data.len(), &mut out, 0)?;
    Ok(out)
}

fn segment_error(reason: &str) -> DecodeError {
    DecodeError::Attribute { keyword: "SegmentedPaletteColorLookupTableData", reason: reason.to_string() }
}

fn expand_into(data: &[u16], start: usize, end: usize, out: &mut Vec<u16>, depth: u32) -> Result<(), DecodeError> {
    let word = |i: usize| data.get(i).copied().ok_or_else(|| segment_error("a segment runs past the data"));
    let mut pos = start;
    // Segments are at least two words long; bound the number of segments by the data length.
    let mut segments_left = end.saturating_sub(start);
    while pos < end {
        if segments_left == 0 {
            return Err(segment_error("too many segments"));
        }
        segments_left -= 1;
        let opcode = word(pos)?;
        let length = usize::from(word(pos + 1)?);
        match opcode {
            // Discrete segment: `length` values follow.
            0 => {
                let values =
                    data.get(pos + 2..pos + 2 + length).ok_or_else(|| segment_error("discrete segment truncated"))?;
                out.extend_from_slice(values);
                pos += 2 + length;
            }
            // Linear segment: interpolate from the previous value to `y1` in `length` steps.
            1 => {
                let y0 = f64::from(*out.last().ok_or_else(|| segment_error("linear segment without a start value"))?);
                let y1 = f64::from(word(pos + 2)?);
                for step in 1..=length {
                    out.push((y0 + (y1 - y0) * step as f64 / length as f64).round() as u16);
                }
                pos += 3;
            }
            // Indirect segment: repeat `length` segments found at a 32-bit word offset.
            2 => {
                if depth >= MAX_INDIRECT_DEPTH {
                    return Err(segment_error("indirect segments nest too deeply"));
                }
                let offset = usize::from(word(pos + 2)?) | (usize::from(word(pos + 3)?) << 16);
                let mut inner = offset;
                for _ in 0..length {
                    let inner_length = usize::from(word(inner + 1)?);
                    let inner_end = match word(inner)? {
                        0 => inner + 2 + inner_length,
                        1 => inner + 3,
                        _ => return Err(segment_error("an indirect segment points at another indirect segment")),
                    };
                    expand_into(data, inner, inner_end, out, depth + 1)?;
                    inner = inner_end;
                }
                pos += 4;
            }
            other => return Err(segment_error(&format!("unknown segment type {other}"))),
        }
        if out.len() > MAX_ENTRIES {
            return Err(segment_error("expands to more than 65536 entries"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discrete_linear_indirect() {
        // discrete [0, 10], linear to 40 in 3 steps, indirect: repeat 1 segment at offset 0.
        let data = [0, 2, 0, 10, 1, 3, 40, 2, 1, 0, 0];
        assert_eq!(expand_segmented(&data).expect("valid"), vec![0, 10, 20, 30, 40, 0, 10]);
    }

    #[test]
    fn malformed_segments_are_errors() {
        assert!(expand_segmented(&[1, 3, 40]).is_err()); // linear first
        assert!(expand_segmented(&[0, 9, 1]).is_err()); // truncated
        assert!(expand_segmented(&[7, 1, 1]).is_err()); // unknown opcode
        assert!(expand_segmented(&[2, 1, 0, 0]).is_err()); // self-reference
    }

    #[test]
    fn sixteen_bit_entries_scale_to_eight() {
        let lut = |v: u16| LookupTable { first_mapped: 0, bits_per_entry: 16, entries: vec![0, v] };
        let palette = PaletteColorLut { red: lut(65535), green: lut(32768), blue: lut(0) };
        assert_eq!(palette.rgb8(1.0), [255, 128, 0]);
    }
}
