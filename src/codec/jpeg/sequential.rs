//! Decoding of one scan of a sequential DCT frame with Huffman coding (ITU-T T.81 F.2):
//! MCUs in raster order, restart intervals, DC prediction, AC run-lengths, then dequantization
//! (F.2.1.4 / A.3.4) and the inverse DCT of each block straight into its component plane.

use super::bit_reader::BitReader;
use super::headers::{FrameHeader, ScanHeader};
use super::huffman::{HuffmanTable, SymbolKind, ValueTable};
use super::idct::{idct_block, idct_dc_only, mark_column, DctSample};
use super::layout::{FrameLayout, Plane};
use super::tables::TableSet;
use super::CODEC;
use crate::codec::CodecError;

/// Natural (row-major) index of each zig-zag position (T.81 Figure A.6).
const ZIGZAG_TO_NATURAL: [usize; 64] = zigzag_to_natural();

const fn zigzag_to_natural() -> [usize; 64] {
    let mut table = [0usize; 64];
    let mut position = 0;
    let mut diagonal = 0; // row + column
    while diagonal < 15 {
        // Odd diagonals run down-left (row increasing), even ones up-right.
        let mut step = 0;
        while step <= diagonal {
            let row = if diagonal % 2 == 1 { step } else { diagonal - step };
            let column = diagonal - row;
            if row < 8 && column < 8 {
                table[position] = row * 8 + column;
                position += 1;
            }
            step += 1;
        }
        diagonal += 1;
    }
    table
}

/// What one scan component needs while its blocks are decoded.
struct BlockDecoder<'t> {
    dc_table: &'t HuffmanTable,
    ac_table: &'t HuffmanTable,
    /// Combined code-and-value look-ups of the two tables.
    dc_values: &'t ValueTable,
    ac_values: &'t ValueTable,
    /// Quantization values in zig-zag order.
    quant: [i32; 64],
    /// PRED of F.2.1.3.1: the previous DC value of this component.
    dc_predictor: i32,
    plane_index: usize,
    units_wide: usize,
    units_high: usize,
}

impl BlockDecoder<'_> {
    /// Decodes one block's coefficients (F.2.2.1 DC, F.2.2.2 AC) dequantized into `block`
    /// (natural order, all zero on entry); returns the columns holding non-zero AC
    /// coefficients (0 for a DC-only block).
    #[inline(always)]
    fn decode_block(&mut self, reader: &mut BitReader, block: &mut [i32; 64]) -> Result<u8, CodecError> {
        reader.ensure(32);
        let difference = match self.dc_values.decode(reader) {
            Some(fast) => fast.value,
            None => {
                let size = u32::from(self.dc_table.decode(reader)?);
                if size > 15 {
                    return Err(CodecError::invalid(CODEC, format!("DC difference category {size}")));
                }
                reader.receive_extend(size)
            }
        };
        self.dc_predictor = self.dc_predictor.wrapping_add(difference);
        block[0] = self.dc_predictor.wrapping_mul(self.quant[0]);

        let mut ac_columns = 0u8;
        let mut index = 1usize;
        while index < 64 {
            reader.ensure(32);
            if let Some(fast) = self.ac_values.decode(reader) {
                index += fast.run as usize;
                let (Some(&natural), Some(&quant)) = (ZIGZAG_TO_NATURAL.get(index), self.quant.get(index)) else {
                    return Err(CodecError::invalid(CODEC, "AC run past the end of the block"));
                };
                block[natural] = fast.value.wrapping_mul(quant);
                mark_column(&mut ac_columns, natural);
                index += 1;
                continue;
            }
            let symbol = self.ac_table.decode(reader)?;
            let run = usize::from(symbol >> 4);
            let size = u32::from(symbol & 0x0F);
            if size == 0 {
                if run != 15 {
                    break; // EOB
                }
                index += 16; // ZRL
                continue;
            }
            index += run;
            let (Some(&natural), Some(&quant)) = (ZIGZAG_TO_NATURAL.get(index), self.quant.get(index)) else {
                return Err(CodecError::invalid(CODEC, "AC run past the end of the block"));
            };
            let value = reader.receive_extend(size);
            block[natural] = value.wrapping_mul(quant);
            mark_column(&mut ac_columns, natural);
            index += 1;
        }
        Ok(ac_columns)
    }
}

/// The combined look-ups of the tables `ids` names, indexed by table id.
fn value_tables<'t>(
    ids: &[u8],
    table: impl Fn(u8) -> Result<&'t HuffmanTable, CodecError>,
    kind: SymbolKind,
) -> Result<Vec<Option<ValueTable>>, CodecError> {
    let mut value_tables: Vec<Option<ValueTable>> = (0..4).map(|_| None).collect();
    for &id in ids {
        if let Some(slot @ None) = value_tables.get_mut(usize::from(id)) {
            *slot = Some(table(id)?.value_table(kind));
        }
    }
    Ok(value_tables)
}

fn value_table(value_tables: &[Option<ValueTable>], id: u8) -> Result<&ValueTable, CodecError> {
    value_tables
        .get(usize::from(id))
        .and_then(Option::as_ref)
        .ok_or_else(|| CodecError::invalid(CODEC, format!("scan uses undefined Huffman table {id}")))
}

/// Decodes the entropy-coded segment that starts at `data` for `scan`, writing samples into
/// `planes`; returns how many bytes of `data` the scan used.
pub fn decode_scan<T: DctSample>(
    data: &[u8],
    frame: &FrameHeader,
    layout: &FrameLayout,
    scan: &ScanHeader,
    tables: &TableSet,
    restart_interval: u16,
    planes: &mut [Plane<T>],
) -> Result<usize, CodecError> {
    let grid = layout.scan_grid(scan)?;
    // One combined look-up per table (not per component), to keep the cache footprint small.
    let dc_ids: Vec<u8> = scan.components.iter().map(|c| c.dc_table).collect();
    let ac_ids: Vec<u8> = scan.components.iter().map(|c| c.ac_table).collect();
    let dc_values = value_tables(&dc_ids, |id| tables.dc_table(id), SymbolKind::Difference)?;
    let ac_values = value_tables(&ac_ids, |id| tables.ac_table(id), SymbolKind::AcCoefficient)?;
    let mut decoders = Vec::with_capacity(scan.components.len());
    for (component, &(units_wide, units_high)) in scan.components.iter().zip(&grid.units_per_mcu) {
        let frame_component = frame
            .components
            .get(component.frame_index)
            .ok_or_else(|| CodecError::invalid(CODEC, "scan component outside the frame"))?;
        let quant_table = tables.quant_table(frame_component.quant_table)?;
        let (dc_table, ac_table) = (tables.dc_table(component.dc_table)?, tables.ac_table(component.ac_table)?);
        decoders.push(BlockDecoder {
            dc_table,
            ac_table,
            dc_values: value_table(&dc_values, component.dc_table)?,
            ac_values: value_table(&ac_values, component.ac_table)?,
            quant: std::array::from_fn(|index| i32::from(quant_table[index])),
            dc_predictor: 0,
            plane_index: component.frame_index,
            units_wide,
            units_high,
        });
    }

    let mut reader = BitReader::new(data);
    let mut block = [0i32; 64];
    let mut mcus_until_restart = restart_interval;
    for mcu_row in 0..grid.mcus_high {
        reader.check_overrun()?;
        for mcu_column in 0..grid.mcus_wide {
            if restart_interval > 0 {
                if mcus_until_restart == 0 {
                    reader.restart()?;
                    decoders.iter_mut().for_each(|decoder| decoder.dc_predictor = 0);
                    mcus_until_restart = restart_interval;
                }
                mcus_until_restart -= 1;
            }
            for decoder in decoders.iter_mut() {
                for unit_row in 0..decoder.units_high {
                    for unit_column in 0..decoder.units_wide {
                        let ac_columns = decoder.decode_block(&mut reader, &mut block)?;
                        let plane = planes
                            .get_mut(decoder.plane_index)
                            .ok_or_else(|| CodecError::invalid(CODEC, "scan component without a plane"))?;
                        let x = (mcu_column * decoder.units_wide + unit_column) * 8;
                        let y = (mcu_row * decoder.units_high + unit_row) * 8;
                        let stride = plane.stride;
                        let output = plane
                            .samples
                            .get_mut(y * stride + x..)
                            .ok_or_else(|| CodecError::invalid(CODEC, "block outside its plane"))?;
                        if ac_columns != 0 {
                            // Column 0 also holds the DC term.
                            idct_block(&block, ac_columns | 1, output, stride);
                            block = [0; 64];
                        } else {
                            idct_dc_only(block[0], output, stride);
                            block[0] = 0;
                        }
                    }
                }
            }
        }
    }
    reader.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zigzag_table_matches_figure_a6() {
        assert_eq!(&ZIGZAG_TO_NATURAL[..10], &[0, 1, 8, 16, 9, 2, 3, 10, 17, 24]);
        assert_eq!(ZIGZAG_TO_NATURAL[63], 63);
        assert_eq!(ZIGZAG_TO_NATURAL[62], 62);
        assert_eq!(ZIGZAG_TO_NATURAL[61], 55);
        let mut sorted = ZIGZAG_TO_NATURAL;
        sorted.sort_unstable();
        assert!(sorted.iter().enumerate().all(|(i, &v)| i == v));
    }
}
