//! Photometric Interpretation (PS3.3 C.7.6.3.1.2): how samples of a pixel are to be read.

/// The Photometric Interpretation values this viewer understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Photometric {
    /// Minimum sample value is displayed as white.
    Monochrome1,
    /// Minimum sample value is displayed as black.
    Monochrome2,
    /// One sample per pixel, an index into the Palette Color Lookup Tables (C.7.6.3.1.5).
    PaletteColor,
    Rgb,
    /// Full-range Y, Cb, Cr (C.7.6.3.1.2, equations for YBR_FULL).
    YbrFull,
    /// YBR_FULL with Cb and Cr horizontally subsampled by two: in native data, Y1 Y2 Cb Cr per pixel pair.
    YbrFull422,
    /// Partial-range (ITU-R BT.601 "video range") Y, Cb, Cr, horizontally subsampled.
    YbrPartial422,
    /// Partial-range Y, Cb, Cr, subsampled by two in both directions (only in compressed data).
    YbrPartial420,
    /// Irreversible colour transform of JPEG 2000 (ISO 15444-1 G.3).
    YbrIct,
    /// Reversible colour transform of JPEG 2000 (ISO 15444-1 G.2).
    YbrRct,
}

impl Photometric {
    /// Parses the Defined Term (padding and case tolerated).
    pub fn parse(value: &str) -> Option<Photometric> {
        let term = value.trim_matches(|c: char| c == ' ' || c == '\0').to_ascii_uppercase();
        Some(match term.as_str() {
            "MONOCHROME1" => Photometric::Monochrome1,
            "MONOCHROME2" => Photometric::Monochrome2,
            "PALETTE COLOR" => Photometric::PaletteColor,
            "RGB" => Photometric::Rgb,
            "YBR_FULL" => Photometric::YbrFull,
            "YBR_FULL_422" => Photometric::YbrFull422,
            "YBR_PARTIAL_422" => Photometric::YbrPartial422,
            "YBR_PARTIAL_420" => Photometric::YbrPartial420,
            "YBR_ICT" => Photometric::YbrIct,
            "YBR_RCT" => Photometric::YbrRct,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Photometric::Monochrome1 => "MONOCHROME1",
            Photometric::Monochrome2 => "MONOCHROME2",
            Photometric::PaletteColor => "PALETTE COLOR",
            Photometric::Rgb => "RGB",
            Photometric::YbrFull => "YBR_FULL",
            Photometric::YbrFull422 => "YBR_FULL_422",
            Photometric::YbrPartial422 => "YBR_PARTIAL_422",
            Photometric::YbrPartial420 => "YBR_PARTIAL_420",
            Photometric::YbrIct => "YBR_ICT",
            Photometric::YbrRct => "YBR_RCT",
        }
    }

    pub fn is_monochrome(self) -> bool {
        matches!(self, Photometric::Monochrome1 | Photometric::Monochrome2)
    }

    /// Number of samples per pixel this interpretation requires.
    pub fn samples_per_pixel(self) -> u16 {
        match self {
            Photometric::Monochrome1 | Photometric::Monochrome2 | Photometric::PaletteColor => 1,
            _ => 3,
        }
    }
}
