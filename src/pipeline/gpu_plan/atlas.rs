//! All lookup tables of a plan (Modality LUT C.11.1.1.1, VOI LUT C.11.2.1.1, Palette Color
//! LUTs C.7.6.3.1.5) packed end to end in one 16-bit table, laid out as rows of `ATLAS_WIDTH`
//! texels so it fits a WebGL2 R16UI texture (2^16-entry tables need 256 rows).

use super::super::LookupTable;

/// Texels per atlas row.
pub const ATLAS_WIDTH: u32 = 256;

/// Where one table sits in the atlas, with its descriptor values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LutSlot {
    /// Index of the table's first entry in the atlas.
    pub offset: u32,
    /// Number of entries (at least 1).
    pub length: u32,
    /// Input value mapped to the first entry (second LUT Descriptor value).
    pub first_mapped: i32,
    /// 2^bits − 1 for the table's bits per entry.
    pub max_output: f32,
}

/// The tables' entries, row-major, `ATLAS_WIDTH` per row; at least one row.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LutAtlas {
    pub texels: Vec<u16>,
}

impl LutAtlas {
    /// Appends a table and returns its slot. An empty table becomes one 0 entry, which is what
    /// `LookupTable::lookup` returns for it.
    pub(super) fn add(&mut self, table: &LookupTable) -> LutSlot {
        let offset = self.texels.len() as u32;
        self.texels.extend_from_slice(&table.entries);
        if table.entries.is_empty() {
            self.texels.push(0);
        }
        LutSlot {
            offset,
            length: self.texels.len() as u32 - offset,
            first_mapped: table.first_mapped,
            max_output: table.max_output() as f32,
        }
    }

    /// Pads to whole rows (at least one, so a texture always exists).
    pub(super) fn finish(mut self) -> LutAtlas {
        let width = ATLAS_WIDTH as usize;
        let rows = self.texels.len().div_ceil(width).max(1);
        self.texels.resize(rows * width, 0);
        self
    }

    /// Rows of the atlas texture.
    pub fn rows(&self) -> u32 {
        (self.texels.len() / ATLAS_WIDTH as usize) as u32
    }

    /// Entry `index` of the table in `slot` for input `x`, as the shader computes it:
    /// clamp(floor(x) − first, 0, length − 1).
    pub fn lookup(&self, slot: &LutSlot, x: f32) -> f32 {
        let index = (x.floor() - slot.first_mapped as f32).clamp(0.0, (slot.length - 1) as f32);
        let texel = slot.offset + index as u32;
        f32::from(self.texels.get(texel as usize).copied().unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_end_to_end_padded_to_rows() {
        let mut atlas = LutAtlas::default();
        let a = atlas.add(&LookupTable { first_mapped: -2, bits_per_entry: 8, entries: vec![10, 20, 30] });
        let b = atlas.add(&LookupTable { first_mapped: 100, bits_per_entry: 16, entries: vec![7; 300] });
        let atlas = atlas.finish();
        assert_eq!((a.offset, a.length, b.offset, b.length), (0, 3, 3, 300));
        assert_eq!((a.max_output, b.max_output), (255.0, 65535.0));
        assert_eq!((atlas.rows(), atlas.texels.len()), (2, 512));
        // Below the first mapped value → first entry; above the last → last entry.
        assert_eq!([-9.0, -1.0, 0.5, 99.0].map(|x| atlas.lookup(&a, x)), [10.0, 20.0, 30.0, 30.0]);
        assert_eq!(atlas.lookup(&b, 399.0), 7.0);
        assert_eq!(LutAtlas::default().finish().rows(), 1);
    }
}
