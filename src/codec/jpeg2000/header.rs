//! Our own reading of the codestream main header (ITU-T T.800 Annex A), done before openjpeg
//! sees the stream: it rejects what this decoder does not support, bounds the allocations
//! openjpeg would make, and tells whether the multiple component transform is on.

use super::CODEC;
use crate::codec::{check_frame_size, CodecError};

/// Start of codestream (T.800 A.4.1).
const SOC: u16 = 0xFF4F;
/// Image and tile size (T.800 A.5.1).
const SIZ: u16 = 0xFF51;
/// Coding style default (T.800 A.6.1).
const COD: u16 = 0xFF52;
/// Coding style component (T.800 A.6.2).
const COC: u16 = 0xFF53;
/// Quantization default (T.800 A.6.4).
const QCD: u16 = 0xFF5C;
/// Quantization component (T.800 A.6.5).
const QCC: u16 = 0xFF5D;
/// Progression order change (T.800 A.6.6).
const POC: u16 = 0xFF5F;
/// Start of tile-part: the main header ends here (T.800 A.4.2).
const SOT: u16 = 0xFF90;

/// Largest component precision this decoder returns (DICOM stores at most 16 bits).
pub const MAX_PRECISION: u8 = 16;
/// Tiles a stream may declare. Each tile costs openjpeg a coding-parameter record even when
/// empty, so a forged SIZ with 1×1 tiles would otherwise exhaust memory.
pub const MAX_TILES: u64 = 1 << 14;
/// Decomposition levels allowed by T.800 Table A.15.
const MAX_DECOMPOSITION_LEVELS: u8 = 32;

/// What the main header says about the image, validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MainHeader {
    pub width: u32,
    pub height: u32,
    /// 1 (grey) or 3 (colour).
    pub components: u16,
    /// Bits per sample, identical for every component, 1..=16.
    pub precision: u8,
    /// Components hold two's-complement values.
    pub signed: bool,
    /// COD SGcod "multiple component transformation" = 1 (T.800 Table A.17): the decoder
    /// applies the inverse RCT (reversible filter) or ICT (irreversible) on components 0..3.
    pub multiple_component_transform: bool,
    /// Rsiz bit 14: the stream uses HT block coding (T.814, HTJ2K).
    pub high_throughput: bool,
    /// The main header's quantization (QCD, T.800 A.6.4) gives a step for every sub-band of
    /// the COD decomposition levels, and no COC/QCC/POC overrides it per component. Decoders
    /// ported from C (openjph-core) index these tables without checking.
    pub plain_quantization: bool,
}

/// Big-endian reader over the header bytes; every read is bounds-checked.
struct HeaderReader<'a> {
    bytes: &'a [u8],
    position: usize,
}

impl<'a> HeaderReader<'a> {
    fn u8(&mut self, context: &'static str) -> Result<u8, CodecError> {
        let value = *self.bytes.get(self.position).ok_or(CodecError::truncated(CODEC, context))?;
        self.position += 1;
        Ok(value)
    }

    fn u16(&mut self, context: &'static str) -> Result<u16, CodecError> {
        Ok(u16::from(self.u8(context)?) << 8 | u16::from(self.u8(context)?))
    }

    fn u32(&mut self, context: &'static str) -> Result<u32, CodecError> {
        Ok(u32::from(self.u16(context)?) << 16 | u32::from(self.u16(context)?))
    }

    /// The payload of a marker segment whose 2-byte length (counting itself) comes next.
    fn segment(&mut self, context: &'static str) -> Result<&'a [u8], CodecError> {
        let length = usize::from(self.u16(context)?);
        if length < 2 {
            return Err(CodecError::invalid(CODEC, format!("{context}: segment length {length} < 2")));
        }
        let end = self.position + length - 2;
        let payload = self.bytes.get(self.position..end).ok_or(CodecError::truncated(CODEC, context))?;
        self.position = end;
        Ok(payload)
    }
}

/// Fields of the SIZ segment (T.800 A.5.1, Table A.9) that matter here.
struct ImageSize {
    width: u32,
    height: u32,
    components: u16,
    precision: u8,
    signed: bool,
    high_throughput: bool,
}

/// Parses and validates SIZ (T.800 A.5.1): image and tile geometry, then per-component
/// Ssiz/XRsiz/YRsiz (Table A.11).
fn parse_siz(payload: &[u8]) -> Result<ImageSize, CodecError> {
    let mut reader = HeaderReader { bytes: payload, position: 0 };
    let context = "SIZ segment";
    let capabilities = reader.u16(context)?;
    let grid_width = reader.u32(context)?;
    let grid_height = reader.u32(context)?;
    let image_x0 = reader.u32(context)?;
    let image_y0 = reader.u32(context)?;
    let tile_width = reader.u32(context)?;
    let tile_height = reader.u32(context)?;
    let tile_x0 = reader.u32(context)?;
    let tile_y0 = reader.u32(context)?;
    let component_count = reader.u16(context)?;

    if grid_width <= image_x0 || grid_height <= image_y0 {
        return Err(CodecError::invalid(CODEC, "SIZ: empty image area"));
    }
    if tile_width == 0 || tile_height == 0 {
        return Err(CodecError::invalid(CODEC, "SIZ: zero tile size"));
    }
    // T.800 A.5.1: XTOsiz <= XOsiz < XTOsiz + XTsiz (same for y).
    if tile_x0 > image_x0
        || tile_y0 > image_y0
        || u64::from(tile_x0) + u64::from(tile_width) <= u64::from(image_x0)
        || u64::from(tile_y0) + u64::from(tile_height) <= u64::from(image_y0)
    {
        return Err(CodecError::invalid(CODEC, "SIZ: tile grid does not cover the image origin"));
    }
    let tiles_across = (u64::from(grid_width - tile_x0)).div_ceil(u64::from(tile_width));
    let tiles_down = (u64::from(grid_height - tile_y0)).div_ceil(u64::from(tile_height));
    let tile_count = tiles_across * tiles_down;
    if tile_count > MAX_TILES {
        return Err(CodecError::unsupported(CODEC, format!("{tile_count} tiles (limit {MAX_TILES})")));
    }
    if component_count != 1 && component_count != 3 {
        return Err(CodecError::unsupported(CODEC, format!("{component_count} components")));
    }

    let mut precision = 0u8;
    let mut signed = false;
    for index in 0..component_count {
        let depth = reader.u8(context)?;
        let horizontal_step = reader.u8(context)?;
        let vertical_step = reader.u8(context)?;
        let component_precision = (depth & 0x7F) + 1;
        let component_signed = depth & 0x80 != 0;
        if component_precision > 38 {
            return Err(CodecError::invalid(CODEC, format!("SIZ: precision {component_precision}")));
        }
        if component_precision > MAX_PRECISION {
            return Err(CodecError::unsupported(
                CODEC,
                format!("{component_precision}-bit components (limit {MAX_PRECISION})"),
            ));
        }
        if horizontal_step == 0 || vertical_step == 0 {
            return Err(CodecError::invalid(CODEC, "SIZ: zero component subsampling"));
        }
        if horizontal_step != 1 || vertical_step != 1 {
            return Err(CodecError::unsupported(
                CODEC,
                format!("subsampled component ({horizontal_step}×{vertical_step})"),
            ));
        }
        if index == 0 {
            precision = component_precision;
            signed = component_signed;
        } else if component_precision != precision || component_signed != signed {
            return Err(CodecError::unsupported(CODEC, "components with different precision or signedness"));
        }
    }

    Ok(ImageSize {
        width: grid_width - image_x0,
        height: grid_height - image_y0,
        components: component_count,
        precision,
        signed,
        high_throughput: capabilities & 0x4000 != 0,
    })
}

/// Reads the multiple component transformation flag of a COD segment (T.800 A.6.1,
/// Table A.12: Scod, then SGcod = progression order, layers, MCT) and checks the
/// decomposition level count (SPcod, Table A.15).
fn parse_cod(payload: &[u8]) -> Result<bool, CodecError> {
    let mut reader = HeaderReader { bytes: payload, position: 0 };
    let context = "COD segment";
    let _coding_style = reader.u8(context)?;
    let _progression_order = reader.u8(context)?;
    let layers = reader.u16(context)?;
    let transform = reader.u8(context)?;
    let levels = reader.u8(context)?;
    if layers == 0 {
        return Err(CodecError::invalid(CODEC, "COD: zero quality layers"));
    }
    if levels > MAX_DECOMPOSITION_LEVELS {
        return Err(CodecError::invalid(CODEC, format!("COD: {levels} decomposition levels")));
    }
    match transform {
        0 => Ok(false),
        1 => Ok(true),
        // T.801 (Part 2) array-based transforms: not part of the DICOM syntaxes handled here.
        2 => Err(CodecError::unsupported(CODEC, "Part 2 array-based component transform")),
        other => Err(CodecError::invalid(CODEC, format!("COD: component transform {other}"))),
    }
}

/// Walks the main header from SOC to the first SOT (T.800 A.3, Table A.2), reading SIZ
/// and COD, skipping every other segment, and checks the frame size limit.
pub fn read_main_header(codestream: &[u8]) -> Result<MainHeader, CodecError> {
    let mut reader = HeaderReader { bytes: codestream, position: 0 };
    if reader.u16("SOC marker")? != SOC {
        return Err(CodecError::invalid(CODEC, "codestream does not start with SOC (FF4F)"));
    }
    if reader.u16("SIZ marker")? != SIZ {
        return Err(CodecError::invalid(CODEC, "SIZ must follow SOC"));
    }
    let size = parse_siz(reader.segment("SIZ segment")?)?;
    check_frame_size(CODEC, size.width, size.height, u32::from(size.components))?;

    let mut multiple_component_transform = None;
    let mut levels = None;
    let mut quantization_steps = None;
    let mut overrides = false;
    loop {
        let marker = reader.u16("main header marker")?;
        if marker == SOT {
            break;
        }
        if (0xFF30..=0xFF3F).contains(&marker) {
            // T.800 A.1.3: reserved markers without a marker segment.
            continue;
        }
        if marker < 0xFF30 {
            return Err(CodecError::invalid(CODEC, format!("main header: {marker:04X} is not a marker")));
        }
        let payload = reader.segment("main header segment")?;
        match marker {
            COC | QCC | POC => overrides = true,
            // Table A.28: Sqcd (guard bits, style), then 1 byte per step (no quantization)
            // or 2 bytes per step (scalar derived: one step; scalar expounded: one a sub-band).
            QCD => {
                let style = payload.first().map(|sqcd| sqcd & 0x1F);
                let bytes = payload.len().saturating_sub(1);
                quantization_steps = match style {
                    Some(0) => Some(bytes),
                    Some(1) => Some(usize::MAX).filter(|_| bytes >= 2),
                    Some(2) => Some(bytes / 2),
                    _ => Some(0),
                };
            }
            _ => {}
        }
        if marker == COD {
            levels = payload.get(5).copied();
            multiple_component_transform = Some(parse_cod(payload)?);
        }
    }
    let multiple_component_transform =
        multiple_component_transform.ok_or_else(|| CodecError::invalid(CODEC, "main header has no COD segment"))?;

    Ok(MainHeader {
        width: size.width,
        height: size.height,
        components: size.components,
        precision: size.precision,
        signed: size.signed,
        // T.800 G.2/G.3: the transform only applies to the first three components.
        multiple_component_transform: multiple_component_transform && size.components >= 3,
        high_throughput: size.high_throughput,
        plain_quantization: !overrides
            && matches!((levels, quantization_steps), (Some(levels), Some(steps)) if steps > 3 * usize::from(levels)),
    })
}
