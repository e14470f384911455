//! Ground truth for the corpus tests: REF images as stored values, and decoded frames
//! normalised the same way (sign-extended from the codestream precision, masked to Bits Stored).

use crate::codec::test_support::native_pixels;
use crate::codec::{DecodedImage, Samples};

/// Value of a US element (explicit VR little endian, first match) in a DICOM file.
pub fn us_element(bytes: &[u8], group: u16, element: u16) -> Option<u16> {
    let [g0, g1] = group.to_le_bytes();
    let [e0, e1] = element.to_le_bytes();
    let pattern = [g0, g1, e0, e1, b'U', b'S', 2, 0];
    let at = bytes.windows(8).position(|window| window == pattern)?;
    let value = bytes.get(at + 8..at + 10)?;
    Some(u16::from_le_bytes([value[0], value[1]]))
}

/// Value of a CS element (explicit VR little endian, first match), trimmed.
pub fn cs_element(bytes: &[u8], group: u16, element: u16) -> Option<String> {
    let [g0, g1] = group.to_le_bytes();
    let [e0, e1] = element.to_le_bytes();
    let pattern = [g0, g1, e0, e1, b'C', b'S'];
    let at = bytes.windows(6).position(|window| window == pattern)?;
    let length = usize::from(u16::from_le_bytes([*bytes.get(at + 6)?, *bytes.get(at + 7)?]));
    let value = bytes.get(at + 8..at + 8 + length)?;
    Some(String::from_utf8_lossy(value).trim().trim_end_matches('\0').to_string())
}

/// A REF image: geometry and its samples as signed values (sign-extended from Bits Stored
/// when Pixel Representation is 1), interleaved.
pub struct Reference {
    pub width: u32,
    pub height: u32,
    pub components: u16,
    pub bits_stored: u8,
    pub signed: bool,
    pub values: Vec<i32>,
}

/// Sign-extends the low `bits` of `pattern` when `signed`, else keeps them.
pub fn stored_value(pattern: u32, bits: u8, signed: bool) -> i32 {
    let masked = pattern & ((1u32 << bits) - 1);
    if signed && masked >> (bits - 1) & 1 == 1 {
        (masked | !((1u32 << bits) - 1)) as i32
    } else {
        masked as i32
    }
}

impl Reference {
    /// Reads `bytes` of a REF file (native, explicit VR little endian).
    pub fn from_file(bytes: &[u8]) -> Reference {
        let rows = us_element(bytes, 0x0028, 0x0010).expect("Rows");
        let columns = us_element(bytes, 0x0028, 0x0011).expect("Columns");
        let components = us_element(bytes, 0x0028, 0x0002).expect("Samples per Pixel");
        let allocated = us_element(bytes, 0x0028, 0x0100).expect("Bits Allocated");
        let bits_stored = us_element(bytes, 0x0028, 0x0101).expect("Bits Stored") as u8;
        let signed = us_element(bytes, 0x0028, 0x0103).expect("Pixel Representation") == 1;
        assert_eq!(us_element(bytes, 0x0028, 0x0006).unwrap_or(0), 0, "planar REF not handled");
        let raw = native_pixels(bytes);
        let patterns: Vec<u32> = match allocated {
            8 => raw.iter().map(|&b| u32::from(b)).collect(),
            16 => raw.chunks_exact(2).map(|c| u32::from(u16::from_le_bytes([c[0], c[1]]))).collect(),
            other => panic!("Bits Allocated {other}"),
        };
        let count = usize::from(rows) * usize::from(columns) * usize::from(components);
        assert!(patterns.len() >= count, "REF pixel data too short");
        let values = patterns[..count].iter().map(|&p| stored_value(p, bits_stored, signed)).collect();
        Reference { width: u32::from(columns), height: u32::from(rows), components, bits_stored, signed, values }
    }

    /// The decoded frame's samples as the pipeline would see them: sign-extended from the
    /// codestream precision when the REF is signed, then read as `bits_stored`-bit values.
    pub fn normalise(&self, image: &DecodedImage) -> Vec<i32> {
        let widen = |pattern: u32| {
            let value = stored_value(pattern, image.precision, self.signed) as u32;
            stored_value(value, self.bits_stored, self.signed)
        };
        match &image.samples {
            Samples::U8(v) => v.iter().map(|&s| widen(u32::from(s))).collect(),
            Samples::U16(v) => v.iter().map(|&s| widen(u32::from(s))).collect(),
        }
    }

    pub fn assert_geometry(&self, image: &DecodedImage, name: &str) {
        assert_eq!(
            (image.width, image.height, image.components),
            (self.width, self.height, self.components),
            "{name}: geometry"
        );
        assert_eq!(image.samples.len(), self.values.len(), "{name}: sample count");
    }
}

/// Peak signal-to-noise ratio in dB over `bits` bits; infinity when identical.
pub fn psnr(expected: &[i32], actual: &[i32], bits: u8) -> f64 {
    let squared: f64 = expected
        .iter()
        .zip(actual)
        .map(|(&e, &a)| {
            let d = f64::from(e) - f64::from(a);
            d * d
        })
        .sum();
    let mse = squared / expected.len().max(1) as f64;
    let peak = f64::from((1u32 << bits) - 1);
    if mse == 0.0 {
        f64::INFINITY
    } else {
        10.0 * (peak * peak / mse).log10()
    }
}

/// The IDs with a `wg04/REF/<ID>_UNC` file.
pub const REF_IDS: [&str; 16] =
    ["CT1", "CT2", "MR1", "MR2", "MR3", "MR4", "NM1", "RG2", "RG3", "SC1", "US1", "VL1", "VL2", "VL3", "VL6", "XA1"];
