//! Frame and scan headers (ITU-T T.81 B.2.2, B.2.3), the restart interval (B.2.4.4) and the
//! application markers that decide the colour space (JFIF APP0, Adobe APP14).

use super::markers::{code, SegmentReader};
use super::CODEC;
use crate::codec::CodecError;

/// The coding processes this decoder implements (T.81 Table B.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodingProcess {
    /// Sequential DCT with Huffman coding: baseline (SOF0) or extended (SOF1), 8 or 12 bits.
    SequentialDct,
    /// Lossless with Huffman coding (SOF3), 2 to 16 bits.
    Lossless,
}

/// One component of the frame header (T.81 B.2.2: Ci, Hi, Vi, Tqi).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameComponent {
    pub id: u8,
    pub horizontal_sampling: u8,
    pub vertical_sampling: u8,
    pub quant_table: u8,
}

/// The frame header of an SOF0, SOF1 or SOF3 marker (T.81 B.2.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameHeader {
    pub process: CodingProcess,
    /// P: bits per sample.
    pub precision: u8,
    /// Y: number of lines.
    pub height: u16,
    /// X: samples per line.
    pub width: u16,
    pub components: Vec<FrameComponent>,
}

impl FrameHeader {
    /// Hmax (T.81 A.1.1).
    pub fn max_horizontal_sampling(&self) -> u8 {
        self.components.iter().map(|c| c.horizontal_sampling).max().unwrap_or(1)
    }

    /// Vmax (T.81 A.1.1).
    pub fn max_vertical_sampling(&self) -> u8 {
        self.components.iter().map(|c| c.vertical_sampling).max().unwrap_or(1)
    }
}

/// Parses a frame header, refusing the processes this decoder does not implement.
pub fn parse_frame_header(marker: u8, payload: &[u8]) -> Result<FrameHeader, CodecError> {
    let process = match marker {
        code::SOF0 | code::SOF1 => CodingProcess::SequentialDct,
        code::SOF3 => CodingProcess::Lossless,
        code::SOF2 => return Err(CodecError::unsupported(CODEC, "progressive DCT (SOF2)")),
        0xC5..=0xC7 => {
            return Err(CodecError::unsupported(CODEC, format!("hierarchical coding (SOF{})", marker - 0xC0)))
        }
        _ => return Err(CodecError::unsupported(CODEC, format!("arithmetic coding (SOF{})", marker - 0xC0))),
    };
    let mut reader = SegmentReader::new(payload, "SOF");
    let precision = reader.u8()?;
    let height = reader.u16()?;
    let width = reader.u16()?;
    let component_count = reader.u8()?;
    let precision_ok = match process {
        CodingProcess::SequentialDct => precision == 8 || precision == 12,
        CodingProcess::Lossless => (2..=16).contains(&precision),
    };
    if !precision_ok {
        return Err(CodecError::invalid(CODEC, format!("sample precision {precision} for {process:?}")));
    }
    if height == 0 {
        return Err(CodecError::unsupported(CODEC, "number of lines defined by a DNL marker"));
    }
    if width == 0 {
        return Err(CodecError::invalid(CODEC, "frame width is 0"));
    }
    if component_count != 1 && component_count != 3 {
        return Err(CodecError::unsupported(CODEC, format!("{component_count} components (1 or 3 supported)")));
    }
    let mut components = Vec::with_capacity(usize::from(component_count));
    for _ in 0..component_count {
        let id = reader.u8()?;
        let sampling = reader.u8()?;
        let quant_table = reader.u8()?;
        let component =
            FrameComponent { id, horizontal_sampling: sampling >> 4, vertical_sampling: sampling & 0x0F, quant_table };
        if !(1..=4).contains(&component.horizontal_sampling) || !(1..=4).contains(&component.vertical_sampling) {
            return Err(CodecError::invalid(CODEC, format!("sampling factors {sampling:#04x} of component {id}")));
        }
        if quant_table > 3 {
            return Err(CodecError::invalid(CODEC, format!("quantization table {quant_table} of component {id}")));
        }
        if components.iter().any(|c: &FrameComponent| c.id == id) {
            return Err(CodecError::invalid(CODEC, format!("component id {id} appears twice")));
        }
        components.push(component);
    }
    Ok(FrameHeader { process, precision, height, width, components })
}

/// One component of a scan header (T.81 B.2.3: Csj, Tdj, Taj), resolved to its frame index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanComponent {
    /// Index of the component in the frame header.
    pub frame_index: usize,
    pub dc_table: u8,
    pub ac_table: u8,
}

/// A scan header (T.81 B.2.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanHeader {
    pub components: Vec<ScanComponent>,
    /// Ss: start of spectral selection, or the predictor selection value in lossless mode.
    pub spectral_start: u8,
    /// Se: end of spectral selection (0 in lossless mode).
    pub spectral_end: u8,
    /// Ah: successive approximation bit position high.
    pub approximation_high: u8,
    /// Al: successive approximation bit position low, or the point transform Pt in lossless mode.
    pub approximation_low: u8,
}

/// Parses a scan header against the frame it belongs to.
pub fn parse_scan_header(payload: &[u8], frame: &FrameHeader) -> Result<ScanHeader, CodecError> {
    let mut reader = SegmentReader::new(payload, "SOS");
    let count = reader.u8()?;
    if !(1..=4).contains(&count) {
        return Err(CodecError::invalid(CODEC, format!("scan with {count} components")));
    }
    let mut components: Vec<ScanComponent> = Vec::with_capacity(usize::from(count));
    for _ in 0..count {
        let id = reader.u8()?;
        let tables = reader.u8()?;
        let frame_index =
            frame.components.iter().position(|c| c.id == id).ok_or_else(|| {
                CodecError::invalid(CODEC, format!("scan names component {id}, absent from the frame"))
            })?;
        // B.2.3: the scan components follow the frame order, each at most once.
        if components.last().is_some_and(|previous| previous.frame_index >= frame_index) {
            return Err(CodecError::invalid(CODEC, "scan components repeated or out of frame order"));
        }
        let (dc_table, ac_table) = (tables >> 4, tables & 0x0F);
        if dc_table > 3 || ac_table > 3 {
            return Err(CodecError::invalid(CODEC, format!("Huffman table selectors {tables:#04x}")));
        }
        components.push(ScanComponent { frame_index, dc_table, ac_table });
    }
    let spectral_start = reader.u8()?;
    let spectral_end = reader.u8()?;
    let approximation = reader.u8()?;
    Ok(ScanHeader {
        components,
        spectral_start,
        spectral_end,
        approximation_high: approximation >> 4,
        approximation_low: approximation & 0x0F,
    })
}

/// Ri of a DRI segment: MCUs per restart interval, 0 disables restart markers (T.81 B.2.4.4).
pub fn parse_restart_interval(payload: &[u8]) -> Result<u16, CodecError> {
    SegmentReader::new(payload, "DRI").u16()
}

/// What the application markers say about the colour space of a 3-component stream.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ColourMarkers {
    /// A JFIF APP0 marker was seen (JFIF implies YCbCr, ITU-T T.871).
    pub jfif: bool,
    /// The transform flag of an Adobe APP14 marker (0: none/RGB, 1: YCbCr, 2: YCCK).
    pub adobe_transform: Option<u8>,
}

impl ColourMarkers {
    /// Records an APP0 segment if it is a JFIF one.
    pub fn read_app0(&mut self, payload: &[u8]) {
        if payload.starts_with(b"JFIF\0") {
            self.jfif = true;
        }
    }

    /// Records an APP14 segment if it is Adobe's: "Adobe", version, flags0, flags1, transform.
    pub fn read_app14(&mut self, payload: &[u8]) {
        if payload.starts_with(b"Adobe") {
            if let Some(&transform) = payload.get(11) {
                self.adobe_transform = Some(transform);
            }
        }
    }

    /// Whether three components hold YCbCr to convert to RGB, decided in libjpeg's order:
    /// JFIF means YCbCr; else an Adobe marker's transform flag; else component ids 'R','G','B'
    /// mean RGB; anything else is taken as YCbCr.
    pub fn is_ycbcr(&self, frame: &FrameHeader) -> bool {
        if frame.components.len() != 3 {
            return false;
        }
        if self.jfif {
            return true;
        }
        if let Some(transform) = self.adobe_transform {
            return transform != 0;
        }
        let ids: Vec<u8> = frame.components.iter().map(|c| c.id).collect();
        ids != b"RGB"
    }

    /// Whether the stream itself says its three components are R, G, B: an Adobe marker with
    /// transform 0, or ids 'R','G','B' with neither JFIF nor Adobe marker. Such samples are
    /// RGB whatever Photometric Interpretation the DICOM header gives (some writers label
    /// them YBR_FULL_422), as libjpeg-based readers (GDCM, Pillow) take them.
    pub fn declares_rgb(&self, frame: &FrameHeader) -> bool {
        if frame.components.len() != 3 || self.jfif {
            return false;
        }
        match self.adobe_transform {
            Some(transform) => transform == 0,
            None => frame.components.iter().map(|c| c.id).eq(*b"RGB"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(ids: [u8; 3]) -> FrameHeader {
        let component = |id| FrameComponent { id, horizontal_sampling: 1, vertical_sampling: 1, quant_table: 0 };
        FrameHeader {
            process: CodingProcess::SequentialDct,
            precision: 8,
            height: 8,
            width: 8,
            components: ids.iter().map(|&id| component(id)).collect(),
        }
    }

    #[test]
    fn colour_space_rules() {
        let none = ColourMarkers::default();
        assert!(none.is_ycbcr(&frame([1, 2, 3])));
        assert!(!none.is_ycbcr(&frame(*b"RGB")));
        let adobe_rgb = ColourMarkers { jfif: false, adobe_transform: Some(0) };
        assert!(!adobe_rgb.is_ycbcr(&frame([1, 2, 3])));
        let adobe_ycc = ColourMarkers { jfif: false, adobe_transform: Some(1) };
        assert!(adobe_ycc.is_ycbcr(&frame(*b"RGB")));
        assert!(adobe_rgb.declares_rgb(&frame([1, 2, 3])));
        assert!(none.declares_rgb(&frame(*b"RGB")));
        assert!(!none.declares_rgb(&frame([1, 2, 3])), "no marker, ids 1,2,3: not declared");
        assert!(!adobe_ycc.declares_rgb(&frame(*b"RGB")));
        let jfif = ColourMarkers { jfif: true, adobe_transform: Some(0) };
        assert!(!jfif.declares_rgb(&frame(*b"RGB")), "JFIF means YCbCr");
    }

    #[test]
    fn frame_header_rejects_bad_fields() {
        let good = [8, 0, 16, 0, 16, 1, 1, 0x11, 0];
        assert!(parse_frame_header(code::SOF0, &good).is_ok());
        assert!(matches!(parse_frame_header(code::SOF2, &good), Err(CodecError::Unsupported { .. })));
        assert!(matches!(parse_frame_header(0xC9, &good), Err(CodecError::Unsupported { .. })));
        let zero_sampling = [8, 0, 16, 0, 16, 1, 1, 0x01, 0];
        assert!(parse_frame_header(code::SOF0, &zero_sampling).is_err());
        let short = [8, 0, 16, 0, 16, 1, 1];
        assert!(parse_frame_header(code::SOF0, &short).is_err());
        let lossless_precision_1 = [1, 0, 16, 0, 16, 1, 1, 0x11, 0];
        assert!(parse_frame_header(code::SOF3, &lossless_precision_1).is_err());
    }
}
