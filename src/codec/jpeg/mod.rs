//! JPEG decoder (ITU-T T.81 | ISO/IEC 10918-1) for the DICOM JPEG transfer syntaxes:
//! - sequential DCT with Huffman coding, baseline (process 1, SOF0) and extended (processes 2/4,
//!   SOF1) at 8 and 12 bits, 1 or 3 components, any sampling factors, restart intervals,
//!   interleaved or one-component-per-scan;
//! - lossless with Huffman coding (process 14, SOF3), predictors 1–7, point transform,
//!   precision 2–16.
//!
//! Progressive, hierarchical and arithmetic-coded streams are refused as
//! [`CodecError::Unsupported`].
//!
//! Output: U8 samples for precision 8 (and lossless precision up to 8), U16 otherwise.
//! Three-component 8-bit DCT frames holding YCbCr (JFIF, no Adobe marker saying otherwise,
//! ids not 'R','G','B') are converted to RGB and flagged `colour_transformed`; 8-bit DCT frames
//! the markers declare RGB (Adobe transform 0, or ids 'R','G','B' without JFIF) are flagged
//! too, so a YBR label in the DICOM header does not convert them again; 12-bit colour
//! and lossless frames are returned as coded. Chroma is upsampled with the IJG "fancy" filter
//! for 2:1 ratios (DCT only), replicated otherwise. The inverse DCT is the IJG accurate
//! integer one, so samples equal those of libjpeg/dcmtk (`dcmdjpeg`) exactly.

mod assemble;
mod bit_reader;
mod colour;
mod headers;
mod huffman;
mod idct;
mod layout;
mod lossless;
mod markers;
mod sequential;
mod tables;
mod upsample;

// Corpus, oracle and robustness tests: native only (files, external tools, threads).
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

use crate::codec::{check_frame_size, CodecError, DecodedImage, Samples};
use headers::{
    parse_frame_header, parse_restart_interval, parse_scan_header, CodingProcess, ColourMarkers, FrameHeader,
    ScanHeader,
};
use layout::{FrameLayout, Plane};
use markers::{code, MarkerStream};
use tables::TableSet;

/// Codec name used in errors.
const CODEC: &str = "JPEG";

/// Decodes one JPEG interchange stream (one DICOM frame) into interleaved samples.
pub fn decode(codestream: &[u8]) -> Result<DecodedImage, CodecError> {
    let mut stream = MarkerStream::new(codestream)?;
    let mut tables = TableSet::default();
    let mut restart_interval = 0u16;
    let mut colour_markers = ColourMarkers::default();
    let mut frame: Option<FrameDecoder> = None;
    // B.2.1: tables/miscellaneous segments, the frame header, then scans, until EOI. A
    // missing EOI is tolerated; bytes after EOI are ignored.
    while let Some(marker) = stream.next_marker() {
        match marker {
            code::EOI => break,
            code::SOS => {
                let payload = stream.read_segment("scan header")?;
                let frame = frame.as_mut().ok_or_else(|| CodecError::invalid(CODEC, "scan before the frame header"))?;
                let scan = parse_scan_header(payload, &frame.header)?;
                let used = frame.decode_scan(stream.remaining(), &scan, &tables, restart_interval)?;
                stream.advance(used);
            }
            code::DHT => tables.read_dht(stream.read_segment("DHT segment")?)?,
            code::DQT => tables.read_dqt(stream.read_segment("DQT segment")?)?,
            code::DRI => restart_interval = parse_restart_interval(stream.read_segment("DRI segment")?)?,
            code::APP0 => colour_markers.read_app0(stream.read_segment("APP0 segment")?),
            code::APP14 => colour_markers.read_app14(stream.read_segment("APP14 segment")?),
            code::DAC => return Err(CodecError::unsupported(CODEC, "arithmetic coding (DAC)")),
            code::DHP | code::EXP => return Err(CodecError::unsupported(CODEC, "hierarchical coding")),
            marker if code::is_start_of_frame(marker) => {
                if frame.is_some() {
                    return Err(CodecError::invalid(CODEC, "a second frame header"));
                }
                let header = parse_frame_header(marker, stream.read_segment("frame header")?)?;
                frame = Some(FrameDecoder::new(header)?);
            }
            // Stand-alone markers out of place (B.1.1.3): nothing to skip.
            marker if code::is_restart(marker) || marker == code::TEM || marker == code::SOI => {}
            // APPn, COM, DNL and anything else with a length.
            _ => {
                stream.read_segment("marker segment")?;
            }
        }
    }
    let frame = frame.ok_or_else(|| CodecError::truncated(CODEC, "no frame header before the end"))?;
    frame.finish(&colour_markers)
}

/// Decoded planes of the frame, typed by what the process produces.
enum FramePlanes {
    Dct8(Vec<Plane<u8>>),
    Dct12(Vec<Plane<u16>>),
    Lossless(Vec<Plane<u16>>),
}

/// A frame being decoded scan by scan.
struct FrameDecoder {
    header: FrameHeader,
    layout: FrameLayout,
    planes: FramePlanes,
    /// Which components some scan has covered.
    scanned: Vec<bool>,
    /// Pt of the scan that coded each component (lossless).
    point_transforms: Vec<u8>,
}

impl FrameDecoder {
    fn new(header: FrameHeader) -> Result<Self, CodecError> {
        let components = header.components.len();
        check_frame_size(CODEC, u32::from(header.width), u32::from(header.height), components as u32)?;
        let lossless = header.process == CodingProcess::Lossless;
        let layout = FrameLayout::new(&header, if lossless { 1 } else { 8 });
        let planes = match (lossless, header.precision) {
            (true, _) => FramePlanes::Lossless(new_planes(&layout)?),
            (false, 8) => FramePlanes::Dct8(new_planes(&layout)?),
            (false, _) => FramePlanes::Dct12(new_planes(&layout)?),
        };
        Ok(FrameDecoder {
            header,
            layout,
            planes,
            scanned: vec![false; components],
            point_transforms: vec![0; components],
        })
    }

    /// Decodes one scan from the entropy-coded data at the start of `data`; returns the
    /// number of bytes it used.
    fn decode_scan(
        &mut self,
        data: &[u8],
        scan: &ScanHeader,
        tables: &TableSet,
        restart_interval: u16,
    ) -> Result<usize, CodecError> {
        let (header, layout) = (&self.header, &self.layout);
        let used = match &mut self.planes {
            FramePlanes::Dct8(planes) => {
                sequential::decode_scan(data, header, layout, scan, tables, restart_interval, planes)?
            }
            FramePlanes::Dct12(planes) => {
                sequential::decode_scan(data, header, layout, scan, tables, restart_interval, planes)?
            }
            FramePlanes::Lossless(planes) => {
                lossless::decode_scan(data, header, layout, scan, tables, restart_interval, planes)?
            }
        };
        for component in &scan.components {
            if let Some(scanned) = self.scanned.get_mut(component.frame_index) {
                *scanned = true;
            }
            if let Some(point_transform) = self.point_transforms.get_mut(component.frame_index) {
                *point_transform = scan.approximation_low;
            }
        }
        Ok(used)
    }

    /// Assembles the image once every component has been decoded.
    fn finish(self, colour_markers: &ColourMarkers) -> Result<DecodedImage, CodecError> {
        if self.scanned.iter().any(|&scanned| !scanned) {
            return Err(CodecError::truncated(CODEC, "a component has no scan"));
        }
        let frame = assemble::Frame {
            width: usize::from(self.header.width),
            height: usize::from(self.header.height),
            precision: self.header.precision,
        };
        let components = self.header.components.len();
        Ok(match self.planes {
            FramePlanes::Dct8(planes) => {
                let convert = colour_markers.is_ycbcr(&self.header);
                let converter = assemble::ycbcr_converter();
                let conversion: Option<assemble::RowConversion<u8>> = if convert { Some(&converter) } else { None };
                let samples = assemble::dct_samples(&frame, &self.layout, planes, conversion);
                // Converted here, or RGB by the stream's own markers: RGB either way.
                let rgb = convert || colour_markers.declares_rgb(&self.header);
                assemble::image(&frame, components, rgb, Samples::U8(samples))
            }
            FramePlanes::Dct12(planes) => {
                let samples = assemble::dct_samples(&frame, &self.layout, planes, None);
                assemble::image(&frame, components, false, Samples::U16(samples))
            }
            FramePlanes::Lossless(planes) => {
                let samples = assemble::lossless_samples(&frame, &self.layout, planes, &self.point_transforms);
                assemble::image(&frame, components, false, samples)
            }
        })
    }
}

fn new_planes<T: Copy + Default>(layout: &FrameLayout) -> Result<Vec<Plane<T>>, CodecError> {
    layout.components.iter().map(Plane::new).collect()
}
