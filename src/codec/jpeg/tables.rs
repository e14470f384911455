//! The table-specification segments DQT (ITU-T T.81 B.2.4.1) and DHT (B.2.4.2), and the set
//! of tables currently in force.

use super::huffman::HuffmanTable;
use super::markers::SegmentReader;
use super::CODEC;
use crate::codec::CodecError;

/// Quantization values Qk in zig-zag order, as the DQT segment lists them.
pub type QuantTable = [u16; 64];

/// The tables defined so far; later segments replace earlier ones with the same destination.
#[derive(Default)]
pub struct TableSet {
    pub quant: [Option<QuantTable>; 4],
    /// DC tables (also the lossless difference tables).
    pub dc: [Option<Box<HuffmanTable>>; 4],
    pub ac: [Option<Box<HuffmanTable>>; 4],
}

impl TableSet {
    /// Reads every table of one DQT segment (B.2.4.1: Pq, Tq, then 64 values of 8 or 16 bits).
    pub fn read_dqt(&mut self, payload: &[u8]) -> Result<(), CodecError> {
        let mut reader = SegmentReader::new(payload, "DQT");
        while !reader.is_empty() {
            let precision_and_destination = reader.u8()?;
            let destination = usize::from(precision_and_destination & 0x0F);
            let sixteen_bit = match precision_and_destination >> 4 {
                0 => false,
                1 => true,
                other => return Err(CodecError::invalid(CODEC, format!("DQT element precision {other}"))),
            };
            let slot = self
                .quant
                .get_mut(destination)
                .ok_or_else(|| CodecError::invalid(CODEC, format!("DQT destination {destination}")))?;
            let mut table = [0u16; 64];
            for value in table.iter_mut() {
                *value = if sixteen_bit { reader.u16()? } else { u16::from(reader.u8()?) };
            }
            *slot = Some(table);
        }
        Ok(())
    }

    /// Reads every table of one DHT segment (B.2.4.2: Tc, Th, 16 counts, the symbols).
    pub fn read_dht(&mut self, payload: &[u8]) -> Result<(), CodecError> {
        let mut reader = SegmentReader::new(payload, "DHT");
        while !reader.is_empty() {
            let class_and_destination = reader.u8()?;
            let destination = usize::from(class_and_destination & 0x0F);
            let mut counts = [0u8; 16];
            counts.copy_from_slice(reader.bytes(16)?);
            let total = counts.iter().map(|&count| usize::from(count)).sum();
            let symbols = reader.bytes(total)?;
            let table = Box::new(HuffmanTable::build(&counts, symbols)?);
            let slots = match class_and_destination >> 4 {
                0 => &mut self.dc,
                1 => &mut self.ac,
                other => return Err(CodecError::invalid(CODEC, format!("DHT table class {other}"))),
            };
            let slot = slots
                .get_mut(destination)
                .ok_or_else(|| CodecError::invalid(CODEC, format!("DHT destination {destination}")))?;
            *slot = Some(table);
        }
        Ok(())
    }

    /// The DC (or lossless) table `index`, which a scan needs defined.
    pub fn dc_table(&self, index: u8) -> Result<&HuffmanTable, CodecError> {
        self.dc
            .get(usize::from(index))
            .and_then(|table| table.as_deref())
            .ok_or_else(|| CodecError::invalid(CODEC, format!("scan uses undefined DC Huffman table {index}")))
    }

    /// The AC table `index`, which a scan needs defined.
    pub fn ac_table(&self, index: u8) -> Result<&HuffmanTable, CodecError> {
        self.ac
            .get(usize::from(index))
            .and_then(|table| table.as_deref())
            .ok_or_else(|| CodecError::invalid(CODEC, format!("scan uses undefined AC Huffman table {index}")))
    }

    /// The quantization table `index`, which a DCT scan needs defined.
    pub fn quant_table(&self, index: u8) -> Result<&QuantTable, CodecError> {
        self.quant
            .get(usize::from(index))
            .and_then(|table| table.as_ref())
            .ok_or_else(|| CodecError::invalid(CODEC, format!("undefined quantization table {index}")))
    }
}
