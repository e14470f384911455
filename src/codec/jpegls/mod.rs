//! JPEG-LS decoder (ITU-T T.87 | ISO/IEC 14495-1) for the DICOM transfer syntaxes
//! 1.2.840.10008.1.2.4.80 (lossless) and 1.2.840.10008.1.2.4.81 (near-lossless).
//!
//! Supports 1 to 4 components, precision 2..=16, every interleave mode (none with one scan
//! per component, line, sample), any NEAR, default and custom preset parameters (LSE ID 1),
//! oversize dimensions (LSE ID 4) and restart intervals. Tolerates the padding encoders write
//! before EOI (a 0x00 or 0xFF byte) and a missing EOI. The HP colour transforms (APP8 "mrfx")
//! and mapping tables are reported as unsupported.
//!
//! Files: `markers` (marker segments), `params` (coding parameters), `bit_reader`,
//! `context` (adaptive statistics), `line_decoder` (regular and run mode), `scan` (interleave
//! modes, restart intervals, output).

mod bit_reader;
mod context;
mod line_decoder;
mod markers;
mod params;
mod scan;
#[cfg(test)]
mod tests;

use crate::codec::{check_frame_size, CodecError, DecodedImage, Samples};

use markers::{FrameHeader, Marker, PresetSegment, ScanHeader};
pub use params::PresetParameters;
use params::{CodingParameters, ThresholdDefaults};
use scan::{decode_scan, OutputSample, ScanLayout};

const CODEC: &str = "JPEG-LS";

/// How the components of a scan are interleaved (T.87 C.2.3, ILV).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InterleaveMode {
    /// One component per scan.
    None,
    /// One line of each component in turn.
    Line,
    /// One sample of each component in turn.
    Sample,
}

/// What the stream says about itself up to its first scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JpegLsHeader {
    pub width: u32,
    pub height: u32,
    pub components: u16,
    /// Sample precision P in bits (2..=16).
    pub precision: u8,
    /// NEAR of the first scan: 0 for lossless, else the largest error of any sample.
    pub near: u8,
    pub interleave: InterleaveMode,
    /// Preset parameters signalled before the first scan (zero fields mean defaults).
    pub presets: PresetParameters,
    /// Lines per restart interval, 0 when there are no restart markers.
    pub restart_interval: u32,
}

/// Decoder state collected from the marker segments seen so far.
#[derive(Debug, Default)]
struct StreamState {
    frame: Option<FrameHeader>,
    presets: PresetParameters,
    restart_interval: u32,
    /// Dimensions from an LSE ID 4 segment (height, width).
    oversize: Option<(u32, u32)>,
    /// Formula for default thresholds of MAXVAL < 128.
    threshold_defaults: ThresholdDefaults,
}

impl StreamState {
    /// The frame's (width, height), taking LSE oversize dimensions into account.
    fn dimensions(&self, frame: &FrameHeader) -> Result<(u32, u32), CodecError> {
        let (mut width, mut height) = (frame.width, frame.height);
        if let Some((big_height, big_width)) = self.oversize {
            if width == 0 {
                width = big_width;
            }
            if height == 0 {
                height = big_height;
            }
        }
        if width == 0 || height == 0 {
            return Err(CodecError::unsupported(CODEC, "zero image dimension (DNL)"));
        }
        Ok((width, height))
    }
}

/// Reads marker segments from `position` until a scan header, which it returns with the
/// position of the scan's entropy-coded data; None at EOI or at the end of the data.
fn next_scan(
    data: &[u8],
    mut position: usize,
    state: &mut StreamState,
) -> Result<Option<(ScanHeader, usize)>, CodecError> {
    while let Some(Marker { code, after }) = markers::next_marker(data, position) {
        if code == markers::EOI {
            return Ok(None);
        }
        if markers::is_standalone(code) {
            if code == markers::SOI {
                return Err(CodecError::invalid(CODEC, "second SOI marker"));
            }
            position = after;
            continue;
        }
        let (payload, next) = markers::segment(data, after)?;
        position = next;
        match code {
            markers::SOF55 => {
                if state.frame.is_some() {
                    return Err(CodecError::invalid(CODEC, "second frame header"));
                }
                state.frame = Some(markers::parse_frame(payload)?);
            }
            markers::LSE => match markers::parse_preset(payload)? {
                PresetSegment::Parameters(presets) => state.presets = presets,
                PresetSegment::Oversize { height, width } => state.oversize = Some((height, width)),
                PresetSegment::MappingTable => {}
            },
            markers::DRI => state.restart_interval = markers::parse_restart_interval(payload)?,
            markers::APP8 => {
                if let Some(transform) = markers::parse_colour_transform(payload) {
                    if transform != 0 {
                        return Err(CodecError::unsupported(CODEC, format!("HP colour transform {transform}")));
                    }
                }
            }
            markers::SOS => {
                let frame = state.frame.as_ref().ok_or(CodecError::invalid(CODEC, "scan before frame header"))?;
                return Ok(Some((markers::parse_scan(payload, frame)?, next)));
            }
            0xC0..=0xCF => {
                return Err(CodecError::unsupported(CODEC, format!("marker 0xFF{code:02X} (not a JPEG-LS stream)")))
            }
            _ => {} // APPn, COM and others: skipped.
        }
    }
    Ok(None)
}

/// Position after SOI, which must open the stream.
fn after_start_of_image(data: &[u8]) -> Result<usize, CodecError> {
    match data {
        [0xFF, markers::SOI, ..] => Ok(2),
        _ if data.len() < 2 => Err(CodecError::truncated(CODEC, "start of image")),
        _ => Err(CodecError::invalid(CODEC, "stream does not start with SOI")),
    }
}

/// Reads the headers up to and including the first scan header.
pub fn read_header(codestream: &[u8]) -> Result<JpegLsHeader, CodecError> {
    let mut state = StreamState::default();
    let position = after_start_of_image(codestream)?;
    let (scan, _) =
        next_scan(codestream, position, &mut state)?.ok_or(CodecError::truncated(CODEC, "no scan header"))?;
    let frame = state.frame.as_ref().ok_or(CodecError::invalid(CODEC, "no frame header"))?;
    let (width, height) = state.dimensions(frame)?;
    Ok(JpegLsHeader {
        width,
        height,
        components: frame.component_ids.len() as u16,
        precision: frame.precision,
        near: scan.near,
        interleave: scan.interleave,
        presets: state.presets,
        restart_interval: state.restart_interval,
    })
}

/// NEAR of the first scan (0 = lossless).
pub fn near(codestream: &[u8]) -> Result<u8, CodecError> {
    Ok(read_header(codestream)?.near)
}

/// Decodes every scan of the stream into `output` (interleaved samples).
fn decode_scans<S: OutputSample>(
    data: &[u8],
    mut position: usize,
    state: &mut StreamState,
    output: &mut [S],
) -> Result<(), CodecError> {
    let mut decoded = [false; 4];
    while let Some((scan, start)) = next_scan(data, position, state)? {
        // Each component is coded in exactly one scan; a repeat would only redo work.
        if scan.components.iter().any(|&component| decoded.get(component).copied().unwrap_or(true)) {
            return Err(CodecError::invalid(CODEC, "a component is coded in two scans"));
        }
        let frame = state.frame.as_ref().ok_or(CodecError::invalid(CODEC, "no frame header"))?;
        let (width, height) = state.dimensions(frame)?;
        let params = CodingParameters::new(frame.precision, scan.near, &state.presets, state.threshold_defaults)?;
        let layout = ScanLayout {
            width: width as usize,
            height: height as usize,
            frame_components: frame.component_ids.len(),
            scan_components: &scan.components,
            interleave: scan.interleave,
        };
        position = decode_scan(data, start, &layout, &params, state.restart_interval, output)?;
        for &component in &scan.components {
            if let Some(flag) = decoded.get_mut(component) {
                *flag = true;
            }
        }
    }
    let components = state.frame.as_ref().map_or(0, |frame| frame.component_ids.len());
    if components == 0 || decoded.iter().take(components).any(|&done| !done) {
        return Err(CodecError::truncated(CODEC, "stream ended before every component was decoded"));
    }
    Ok(())
}

/// Decodes a JPEG-LS codestream into interleaved samples: `Samples::U8` for precision ≤ 8,
/// else `Samples::U16`.
///
/// A stream of fewer than 8 bits that is corrupt under the standard's default thresholds is
/// decoded again with the thresholds old CharLS versions (dcmtk) use without saying so.
pub fn decode(codestream: &[u8]) -> Result<DecodedImage, CodecError> {
    let header = read_header(codestream)?;
    match decode_with(codestream, &header, ThresholdDefaults::Standard) {
        Err(CodecError::Invalid { .. }) if header.precision < 8 => {
            decode_with(codestream, &header, ThresholdDefaults::LegacyCharLs)
        }
        result => result,
    }
}

/// Decodes with the given default-threshold formula into a frame sized from `header`.
fn decode_with(
    codestream: &[u8],
    header: &JpegLsHeader,
    threshold_defaults: ThresholdDefaults,
) -> Result<DecodedImage, CodecError> {
    let mut state = StreamState { threshold_defaults, ..StreamState::default() };
    let start = after_start_of_image(codestream)?;
    let size = check_frame_size(CODEC, header.width, header.height, u32::from(header.components))?;
    let samples = if header.precision <= 8 {
        let mut output = vec![0u8; size];
        decode_scans(codestream, start, &mut state, &mut output)?;
        Samples::U8(output)
    } else {
        let mut output = vec![0u16; size];
        decode_scans(codestream, start, &mut state, &mut output)?;
        Samples::U16(output)
    };
    Ok(DecodedImage {
        width: header.width,
        height: header.height,
        components: header.components,
        precision: header.precision,
        colour_transformed: false,
        samples,
    })
}
