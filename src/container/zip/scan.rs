//! Where stored data of unknown length ends (general purpose bit 3 with method 0): at the
//! first signed data descriptor (APPNOTE 4.3.9) whose CRC-32 and sizes describe exactly the
//! bytes before it.

use super::header::{read_u32, read_u64, DATA_DESCRIPTOR};

/// The search for the data descriptor ending stored data of unknown length.
#[derive(Default)]
pub struct Scan {
    /// Positions before this one cannot start the descriptor.
    checked: usize,
    /// CRC-32 of `data[..checked]`, so each candidate costs O(1) and the scan stays linear.
    crc: crc32fast::Hasher,
}

impl Scan {
    /// Finds a signed data descriptor whose CRC-32 and sizes describe exactly the bytes before
    /// it: (position, descriptor length).
    pub fn find_descriptor(&mut self, data: &[u8], zip64: bool) -> Option<(usize, usize)> {
        let len = if zip64 { 24 } else { 16 };
        let signature = DATA_DESCRIPTOR.to_le_bytes();
        while self.checked + len <= data.len() {
            let window = data.get(self.checked..data.len() + 4 - len)?;
            let Some(skip) = window.windows(4).position(|w| w == signature) else {
                self.crc.update(data.get(self.checked..data.len() + 1 - len)?);
                self.checked = data.len() + 1 - len;
                return None;
            };
            self.crc.update(data.get(self.checked..self.checked + skip)?);
            let at = self.checked + skip;
            let size = at as u64;
            let sizes = if zip64 {
                (read_u64(data, at + 8), read_u64(data, at + 16))
            } else {
                (read_u32(data, at + 8).map(u64::from), read_u32(data, at + 12).map(u64::from))
            };
            if read_u32(data, at + 4) == Some(self.crc.clone().finalize()) && sizes == (Some(size), Some(size)) {
                return Some((at, len));
            }
            self.crc.update(data.get(at..at + 1)?);
            self.checked = at + 1;
        }
        None
    }
}
