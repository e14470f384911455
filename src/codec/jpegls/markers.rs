//! Marker segments of a JPEG-LS stream (ITU-T T.87 Annex C, T.81 B.1): frame header SOF55,
//! scan header SOS, preset parameters LSE, restart interval DRI, and the HP colour
//! transform APP8 "mrfx" segment.

use crate::codec::CodecError;

use super::bit_reader::find_ff;
use super::params::PresetParameters;
use super::{InterleaveMode, CODEC};

pub(super) const SOI: u8 = 0xD8;
pub(super) const EOI: u8 = 0xD9;
pub(super) const SOS: u8 = 0xDA;
pub(super) const DRI: u8 = 0xDD;
pub(super) const SOF55: u8 = 0xF7;
pub(super) const LSE: u8 = 0xF8;
pub(super) const APP8: u8 = 0xE8;
pub(super) const RST0: u8 = 0xD0;
pub(super) const RST7: u8 = 0xD7;

/// The frame header (T.87 C.2.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct FrameHeader {
    pub precision: u8,
    pub height: u32,
    pub width: u32,
    /// Component identifiers Ci in frame order.
    pub component_ids: Vec<u8>,
}

/// The scan header (T.87 C.2.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ScanHeader {
    /// Indices into the frame's components, in scan order.
    pub components: Vec<usize>,
    pub near: u8,
    pub interleave: InterleaveMode,
}

/// A marker found in the stream: its code and the position just after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Marker {
    pub code: u8,
    pub after: usize,
}

/// The next marker at or after `position`, skipping fill bytes 0xFF (T.81 B.1.1.2) and any
/// stray bytes before it; None at the end of the data.
pub(super) fn next_marker(data: &[u8], mut position: usize) -> Option<Marker> {
    loop {
        position = find_ff(data, position);
        let mut code_at = position + 1;
        while data.get(code_at) == Some(&0xFF) {
            code_at += 1;
        }
        match data.get(code_at) {
            None => return None,
            // 0xFF00 is not a marker (stuffed byte of a T.81 stream); keep looking.
            Some(0x00) => position = code_at + 1,
            Some(&code) => return Some(Marker { code, after: code_at + 1 }),
        }
    }
}

/// Whether the marker has no length field (SOI, EOI, RSTm, TEM).
pub(super) fn is_standalone(code: u8) -> bool {
    matches!(code, SOI | EOI | RST0..=RST7 | 0x01)
}

/// The payload of the marker segment starting at `position` (its length field) and the
/// position after it.
pub(super) fn segment(data: &[u8], position: usize) -> Result<(&[u8], usize), CodecError> {
    let length_bytes = data.get(position..position + 2).ok_or(CodecError::truncated(CODEC, "marker segment length"))?;
    let length = usize::from(u16::from_be_bytes([length_bytes[0], length_bytes[1]]));
    if length < 2 {
        return Err(CodecError::invalid(CODEC, format!("marker segment length {length}")));
    }
    let payload = data.get(position + 2..position + length).ok_or(CodecError::truncated(CODEC, "marker segment"))?;
    Ok((payload, position + length))
}

fn u16_at(payload: &[u8], offset: usize) -> Option<u16> {
    let bytes = payload.get(offset..offset + 2)?;
    Some(u16::from_be_bytes([bytes[0], bytes[1]]))
}

/// Parses SOF55 (T.87 C.2.2): P, Y, X, Nf, then Ci, Hi|Vi, Tqi per component.
pub(super) fn parse_frame(payload: &[u8]) -> Result<FrameHeader, CodecError> {
    let short = || CodecError::truncated(CODEC, "frame header");
    let precision = *payload.first().ok_or_else(short)?;
    let height = u32::from(u16_at(payload, 1).ok_or_else(short)?);
    let width = u32::from(u16_at(payload, 3).ok_or_else(short)?);
    let count = usize::from(*payload.get(5).ok_or_else(short)?);
    if !(2..=16).contains(&precision) {
        return Err(CodecError::invalid(CODEC, format!("sample precision {precision} outside 2..=16")));
    }
    if count == 0 || count > 4 {
        return Err(CodecError::unsupported(CODEC, format!("{count} components")));
    }
    let specs = payload.get(6..6 + 3 * count).ok_or_else(short)?;
    let mut component_ids = Vec::with_capacity(count);
    let first_sampling = specs[1];
    for spec in specs.chunks_exact(3) {
        if spec[1] != first_sampling {
            return Err(CodecError::unsupported(CODEC, "subsampled components"));
        }
        if component_ids.contains(&spec[0]) {
            return Err(CodecError::invalid(CODEC, format!("component id {} repeated", spec[0])));
        }
        component_ids.push(spec[0]);
    }
    Ok(FrameHeader { precision, height, width, component_ids })
}

/// Parses SOS (T.87 C.2.3): Ns, then Csj and Tmj per component, NEAR, ILV, and Al|Ah
/// (the point transform).
pub(super) fn parse_scan(payload: &[u8], frame: &FrameHeader) -> Result<ScanHeader, CodecError> {
    let short = || CodecError::truncated(CODEC, "scan header");
    let count = usize::from(*payload.first().ok_or_else(short)?);
    if count == 0 || count > frame.component_ids.len() {
        return Err(CodecError::invalid(CODEC, format!("scan with {count} components")));
    }
    let specs = payload.get(1..1 + 2 * count).ok_or_else(short)?;
    let mut components = Vec::with_capacity(count);
    for spec in specs.chunks_exact(2) {
        let index = frame
            .component_ids
            .iter()
            .position(|&id| id == spec[0])
            .ok_or_else(|| CodecError::invalid(CODEC, format!("scan names unknown component {}", spec[0])))?;
        if components.contains(&index) {
            return Err(CodecError::invalid(CODEC, "scan names a component twice"));
        }
        if spec[1] != 0 {
            return Err(CodecError::unsupported(CODEC, "mapping tables (palette)"));
        }
        components.push(index);
    }
    let tail = payload.get(1 + 2 * count..1 + 2 * count + 3).ok_or_else(short)?;
    let near = tail[0];
    let interleave = match tail[1] {
        0 => InterleaveMode::None,
        1 => InterleaveMode::Line,
        2 => InterleaveMode::Sample,
        other => return Err(CodecError::invalid(CODEC, format!("interleave mode {other}"))),
    };
    if tail[2] & 0x0F != 0 {
        return Err(CodecError::unsupported(CODEC, "point transform"));
    }
    if count > 1 && interleave == InterleaveMode::None {
        return Err(CodecError::invalid(CODEC, "several components in a non-interleaved scan"));
    }
    // A single-component scan is coded the same whatever ILV says.
    let interleave = if count == 1 { InterleaveMode::None } else { interleave };
    Ok(ScanHeader { components, near, interleave })
}

/// What an LSE segment carries (T.87 C.2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PresetSegment {
    /// ID 1: preset coding parameters.
    Parameters(PresetParameters),
    /// ID 4: image dimensions too large for SOF55 (height, width).
    Oversize { height: u32, width: u32 },
    /// ID 2 or 3: a mapping table, which only matters when a scan selects it.
    MappingTable,
}

/// Parses an LSE segment (T.87 C.2.4.1).
pub(super) fn parse_preset(payload: &[u8]) -> Result<PresetSegment, CodecError> {
    let short = || CodecError::truncated(CODEC, "LSE segment");
    match *payload.first().ok_or_else(short)? {
        1 => {
            let field = |i: usize| u16_at(payload, 1 + 2 * i).ok_or_else(short);
            Ok(PresetSegment::Parameters(PresetParameters {
                max_value: field(0)?,
                threshold1: field(1)?,
                threshold2: field(2)?,
                threshold3: field(3)?,
                reset: field(4)?,
            }))
        }
        2 | 3 => Ok(PresetSegment::MappingTable),
        4 => {
            let size = usize::from(*payload.get(1).ok_or_else(short)?);
            if !(2..=4).contains(&size) {
                return Err(CodecError::invalid(CODEC, format!("LSE oversize field width {size}")));
            }
            let read = |offset: usize| -> Result<u32, CodecError> {
                let bytes = payload.get(offset..offset + size).ok_or_else(short)?;
                Ok(bytes.iter().fold(0u32, |value, &b| (value << 8) | u32::from(b)))
            };
            Ok(PresetSegment::Oversize { height: read(2)?, width: read(2 + size)? })
        }
        other => Err(CodecError::unsupported(CODEC, format!("LSE segment ID {other}"))),
    }
}

/// Parses DRI (T.87 C.2.5): the restart interval in lines, on 1 to 4 bytes.
pub(super) fn parse_restart_interval(payload: &[u8]) -> Result<u32, CodecError> {
    if payload.is_empty() || payload.len() > 4 {
        return Err(CodecError::invalid(CODEC, format!("DRI segment of {} bytes", payload.len())));
    }
    Ok(payload.iter().fold(0u32, |value, &b| (value << 8) | u32::from(b)))
}

/// The HP colour transform of an APP8 "mrfx" segment (CharLS / HP extension), if present.
pub(super) fn parse_colour_transform(payload: &[u8]) -> Option<u8> {
    match payload {
        [b'm', b'r', b'f', b'x', transform, ..] => Some(*transform),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_markers_after_fill_bytes() {
        let data = [0x12, 0xFF, 0x00, 0xFF, 0xFF, 0xD9];
        assert_eq!(next_marker(&data, 0), Some(Marker { code: EOI, after: 6 }));
        assert_eq!(next_marker(&data[..5], 0), None);
    }

    #[test]
    fn parses_preset_restart_and_colour_segments() {
        let preset = parse_preset(&[1, 0x0F, 0xFF, 0, 5, 0, 9, 0, 30, 0, 100]).unwrap();
        let expected = PresetParameters { max_value: 4095, threshold1: 5, threshold2: 9, threshold3: 30, reset: 100 };
        assert_eq!(preset, PresetSegment::Parameters(expected));
        assert!(parse_preset(&[1, 0x0F]).is_err());
        let oversize = parse_preset(&[4, 3, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00]).unwrap();
        assert_eq!(oversize, PresetSegment::Oversize { height: 65536, width: 512 });
        assert_eq!(parse_preset(&[2, 1, 2, 3]).unwrap(), PresetSegment::MappingTable);
        assert_eq!(parse_restart_interval(&[0x01, 0x00]).unwrap(), 256);
        assert!(parse_restart_interval(&[]).is_err());
        assert_eq!(parse_colour_transform(b"mrfx\x01"), Some(1));
        assert_eq!(parse_colour_transform(b"SPIFF"), None);
    }

    #[test]
    fn parses_scan_header() {
        let frame = FrameHeader { precision: 8, height: 2, width: 2, component_ids: vec![1, 2, 3] };
        let scan = parse_scan(&[3, 1, 0, 2, 0, 3, 0, 2, 1, 0], &frame).unwrap();
        assert_eq!(scan, ScanHeader { components: vec![0, 1, 2], near: 2, interleave: InterleaveMode::Line });
        assert!(parse_scan(&[1, 9, 0, 0, 0, 0], &frame).is_err());
        assert!(parse_scan(&[2, 1, 0, 2, 0, 0, 0, 0], &frame).is_err());
    }
}
