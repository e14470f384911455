//! Decoding of one scan of a lossless frame with Huffman coding (ITU-T T.81 Annex H, process 14):
//! the seven predictors of Table H.1, the point transform, restart intervals, and the 16-bit
//! difference category 16 (difference 32768 with no extra bits, H.1.2.2).
//!
//! Planes hold the reconstructed values before the point transform is undone (the caller
//! shifts them left by Pt when it assembles the image).

use super::bit_reader::BitReader;
use super::headers::{FrameHeader, ScanHeader};
use super::huffman::{HuffmanTable, SymbolKind, ValueTable};
use super::layout::{FrameLayout, Plane, ScanGrid};
use super::tables::TableSet;
use super::CODEC;
use crate::codec::CodecError;

/// Predictor of Table H.1 from the reconstructed neighbours Ra (left), Rb (above) and
/// Rc (above-left). Divisions by 2 are arithmetic right shifts.
#[inline(always)]
fn predict<const SELECTION: u8>(left: i32, above: i32, above_left: i32) -> i32 {
    match SELECTION {
        1 => left,
        2 => above,
        3 => above_left,
        4 => left + above - above_left,
        5 => left + ((above - above_left) >> 1),
        6 => above + ((left - above_left) >> 1),
        _ => (left + above) >> 1,
    }
}

/// The same predictor chosen at run time (for the interleaved path).
fn predict_dynamic(selection: u8, left: i32, above: i32, above_left: i32) -> i32 {
    match selection {
        1 => predict::<1>(left, above, above_left),
        2 => predict::<2>(left, above, above_left),
        3 => predict::<3>(left, above, above_left),
        4 => predict::<4>(left, above, above_left),
        5 => predict::<5>(left, above, above_left),
        6 => predict::<6>(left, above, above_left),
        _ => predict::<7>(left, above, above_left),
    }
}

/// A lossless difference table with its combined code-and-value look-up.
pub struct DifferenceTable<'t> {
    codes: &'t HuffmanTable,
    values: ValueTable,
}

impl<'t> DifferenceTable<'t> {
    fn new(codes: &'t HuffmanTable) -> Self {
        DifferenceTable { codes, values: codes.value_table(SymbolKind::Difference) }
    }
}

/// One difference (H.1.2.2 with the DC procedure of F.2.2.1): a category SSSS, then SSSS
/// extra bits, except category 16 which means 32768 with none.
#[inline(always)]
fn decode_difference(reader: &mut BitReader, table: &DifferenceTable) -> Result<i32, CodecError> {
    reader.ensure(32);
    if let Some(fast) = table.values.decode(reader) {
        return Ok(fast.value);
    }
    decode_difference_slowly(reader, table.codes)
}

#[inline(never)]
fn decode_difference_slowly(reader: &mut BitReader, table: &HuffmanTable) -> Result<i32, CodecError> {
    match table.decode(reader)? {
        size @ 0..=15 => Ok(reader.receive_extend(u32::from(size))),
        16 => Ok(32768),
        size => Err(CodecError::invalid(CODEC, format!("lossless difference category {size}"))),
    }
}

/// Reconstruction modulo 2^16 (H.1.2.1).
#[inline(always)]
fn reconstruct(prediction: i32, difference: i32) -> u16 {
    prediction.wrapping_add(difference) as u16
}

/// The first line of a scan or restart interval: the first sample is predicted by
/// 2^(P-Pt-1), the others by Ra (H.1.2.1).
fn decode_first_line(
    reader: &mut BitReader,
    table: &DifferenceTable,
    initial_prediction: i32,
    row: &mut [u16],
) -> Result<(), CodecError> {
    let mut prediction = initial_prediction;
    for sample in row.iter_mut() {
        *sample = reconstruct(prediction, decode_difference(reader, table)?);
        prediction = i32::from(*sample);
    }
    Ok(())
}

/// Any later line: the first sample is predicted by Rb, the others by the selected predictor.
#[inline(always)]
fn decode_line<const SELECTION: u8>(
    reader: &mut BitReader,
    table: &DifferenceTable,
    above: &[u16],
    row: &mut [u16],
) -> Result<(), CodecError> {
    let (Some(first), Some(&first_above)) = (row.first_mut(), above.first()) else {
        return Ok(());
    };
    *first = reconstruct(i32::from(first_above), decode_difference(reader, table)?);
    let mut left = i32::from(*first);
    for (sample, pair) in row[1..].iter_mut().zip(above.windows(2)) {
        let prediction = predict::<SELECTION>(left, i32::from(pair[1]), i32::from(pair[0]));
        *sample = reconstruct(prediction, decode_difference(reader, table)?);
        left = i32::from(*sample);
    }
    Ok(())
}

fn decode_line_with(
    selection: u8,
    reader: &mut BitReader,
    table: &DifferenceTable,
    above: &[u16],
    row: &mut [u16],
) -> Result<(), CodecError> {
    match selection {
        1 => decode_line::<1>(reader, table, above, row),
        2 => decode_line::<2>(reader, table, above, row),
        3 => decode_line::<3>(reader, table, above, row),
        4 => decode_line::<4>(reader, table, above, row),
        5 => decode_line::<5>(reader, table, above, row),
        6 => decode_line::<6>(reader, table, above, row),
        _ => decode_line::<7>(reader, table, above, row),
    }
}

/// Decodes the entropy-coded segment that starts at `data` for `scan`, writing reconstructed
/// values into `planes`; returns how many bytes of `data` the scan used.
pub fn decode_scan(
    data: &[u8],
    frame: &FrameHeader,
    layout: &FrameLayout,
    scan: &ScanHeader,
    tables: &TableSet,
    restart_interval: u16,
    planes: &mut [Plane<u16>],
) -> Result<usize, CodecError> {
    let selection = scan.spectral_start;
    if !(1..=7).contains(&selection) {
        return Err(CodecError::invalid(CODEC, format!("lossless predictor selection value {selection}")));
    }
    let point_transform = scan.approximation_low;
    if point_transform >= frame.precision {
        return Err(CodecError::invalid(CODEC, format!("point transform {point_transform} ≥ precision")));
    }
    let initial_prediction = 1i32 << (frame.precision - point_transform - 1);
    let grid = layout.scan_grid(scan)?;
    let restart_interval = usize::from(restart_interval);
    if restart_interval % grid.mcus_wide.max(1) != 0 {
        return Err(CodecError::unsupported(CODEC, "lossless restart interval that is not whole MCU rows"));
    }
    let mut reader = BitReader::new(data);
    if grid.units_per_mcu.iter().all(|&units| units == (1, 1)) {
        decode_rows(&mut reader, scan, tables, &grid, restart_interval, selection, initial_prediction, planes)?;
        return reader.finish();
    }
    decode_interleaved(&mut reader, scan, tables, &grid, restart_interval, selection, initial_prediction, planes)?;
    reader.finish()
}

/// One sample of each scan component, in turn, for each position of a line: an interleaved
/// scan whose components all have sampling factors 1×1 (H.1.2.1 prediction rules).
#[inline(always)]
fn decode_interleaved_line<const SELECTION: u8>(
    reader: &mut BitReader,
    tables: &[DifferenceTable],
    lines: &mut [(&[u16], &mut [u16])],
    first_line: bool,
    initial_prediction: i32,
) -> Result<(), CodecError> {
    let width = lines.first().map_or(0, |(_, row)| row.len());
    for x in 0..width {
        for (table, (above, row)) in tables.iter().zip(lines.iter_mut()) {
            let prediction = match (first_line, x) {
                (true, 0) => initial_prediction,
                (true, _) => i32::from(row[x - 1]),
                (false, 0) => i32::from(above[0]),
                (false, _) => predict::<SELECTION>(i32::from(row[x - 1]), i32::from(above[x]), i32::from(above[x - 1])),
            };
            row[x] = reconstruct(prediction, decode_difference(reader, table)?);
        }
    }
    Ok(())
}

/// Scans whose MCU is one sample of each component (every non-interleaved scan, and
/// interleaved scans of 1×1 components), decoded line by line.
#[allow(clippy::too_many_arguments)]
fn decode_rows(
    reader: &mut BitReader,
    scan: &ScanHeader,
    tables: &TableSet,
    grid: &ScanGrid,
    restart_interval: usize,
    selection: u8,
    initial_prediction: i32,
    planes: &mut [Plane<u16>],
) -> Result<(), CodecError> {
    let difference_tables = scan
        .components
        .iter()
        .map(|component| tables.dc_table(component.dc_table).map(DifferenceTable::new))
        .collect::<Result<Vec<_>, _>>()?;
    // The scan's planes, in scan (= frame) order.
    let mut scan_planes: Vec<&mut Plane<u16>> = planes
        .iter_mut()
        .enumerate()
        .filter(|(index, _)| scan.components.iter().any(|c| c.frame_index == *index))
        .map(|(_, plane)| plane)
        .collect();
    if scan_planes.len() != scan.components.len() {
        return Err(CodecError::invalid(CODEC, "scan component without a plane"));
    }
    let (width, height) = (grid.mcus_wide, grid.mcus_high);
    let rows_per_interval = if restart_interval == 0 { usize::MAX } else { restart_interval / width };
    let outside = || CodecError::invalid(CODEC, "row outside its plane");
    for y in 0..height {
        reader.check_overrun()?;
        let first_line = y % rows_per_interval == 0;
        if first_line && y > 0 {
            reader.restart()?;
        }
        // Each plane's current row and, below the first line, the row above it.
        let mut lines = Vec::with_capacity(scan_planes.len());
        for plane in scan_planes.iter_mut() {
            let (start, stride) = (y * plane.stride, plane.stride);
            let (before, after) = plane.samples.split_at_mut(start);
            let row = after.get_mut(..width).ok_or_else(outside)?;
            let above: &[u16] = if first_line {
                &[]
            } else {
                before.get(start - stride..start - stride + width).ok_or_else(outside)?
            };
            lines.push((above, row));
        }
        match (lines.as_mut_slice(), difference_tables.as_slice()) {
            ([(_, row)], [table]) if first_line => decode_first_line(reader, table, initial_prediction, row)?,
            ([(above, row)], [table]) => decode_line_with(selection, reader, table, above, row)?,
            (lines, tables) => match selection {
                1 => decode_interleaved_line::<1>(reader, tables, lines, first_line, initial_prediction)?,
                2 => decode_interleaved_line::<2>(reader, tables, lines, first_line, initial_prediction)?,
                3 => decode_interleaved_line::<3>(reader, tables, lines, first_line, initial_prediction)?,
                4 => decode_interleaved_line::<4>(reader, tables, lines, first_line, initial_prediction)?,
                5 => decode_interleaved_line::<5>(reader, tables, lines, first_line, initial_prediction)?,
                6 => decode_interleaved_line::<6>(reader, tables, lines, first_line, initial_prediction)?,
                _ => decode_interleaved_line::<7>(reader, tables, lines, first_line, initial_prediction)?,
            },
        }
    }
    Ok(())
}

/// The general path for interleaved scans with larger sampling factors, MCU by MCU
/// (A.2.3, H.1.2.1).
#[allow(clippy::too_many_arguments)]
fn decode_interleaved(
    reader: &mut BitReader,
    scan: &ScanHeader,
    tables: &TableSet,
    grid: &ScanGrid,
    restart_interval: usize,
    selection: u8,
    initial_prediction: i32,
    planes: &mut [Plane<u16>],
) -> Result<(), CodecError> {
    let mut components = Vec::with_capacity(scan.components.len());
    for (component, &units) in scan.components.iter().zip(&grid.units_per_mcu) {
        components.push((DifferenceTable::new(tables.dc_table(component.dc_table)?), component.frame_index, units));
    }
    let outside = || CodecError::invalid(CODEC, "sample outside its plane");
    let mut interval_first_mcu_row = 0;
    let mut mcu_index = 0usize;
    for mcu_row in 0..grid.mcus_high {
        reader.check_overrun()?;
        for mcu_column in 0..grid.mcus_wide {
            if restart_interval > 0 && mcu_index > 0 && mcu_index.is_multiple_of(restart_interval) {
                reader.restart()?;
                interval_first_mcu_row = mcu_row;
            }
            mcu_index += 1;
            for (table, plane_index, (units_wide, units_high)) in &components {
                let (plane_index, units_wide, units_high) = (*plane_index, *units_wide, *units_high);
                let plane = planes.get_mut(plane_index).ok_or_else(outside)?;
                let stride = plane.stride;
                let first_line_y = interval_first_mcu_row * units_high;
                for unit_row in 0..units_high {
                    let y = mcu_row * units_high + unit_row;
                    for unit_column in 0..units_wide {
                        let x = mcu_column * units_wide + unit_column;
                        let index = y * stride + x;
                        let sample_at =
                            |index: usize| plane.samples.get(index).map(|&s| i32::from(s)).ok_or_else(outside);
                        let prediction = match (y == first_line_y, x == 0) {
                            (true, true) => initial_prediction,
                            (true, false) => sample_at(index - 1)?,
                            (false, true) => sample_at(index - stride)?,
                            (false, false) => predict_dynamic(
                                selection,
                                sample_at(index - 1)?,
                                sample_at(index - stride)?,
                                sample_at(index - stride - 1)?,
                            ),
                        };
                        let difference = decode_difference(reader, table)?;
                        *plane.samples.get_mut(index).ok_or_else(outside)? = reconstruct(prediction, difference);
                    }
                }
            }
        }
    }
    Ok(())
}
