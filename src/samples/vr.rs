//! The value representations the sample writer uses, with their Explicit VR Little Endian
//! header form and padding (PS3.5 6.2 and 7.1.2).

/// A value representation (PS3.5 Table 6.2-1), restricted to the ones the samples need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vr {
    /// Code String.
    CS,
    /// Date (YYYYMMDD).
    DA,
    /// Decimal String.
    DS,
    /// Integer String.
    IS,
    /// Long String.
    LO,
    /// Other Byte.
    OB,
    /// Other Word.
    OW,
    /// Person Name.
    PN,
    /// Short String.
    SH,
    /// Time (HHMMSS).
    TM,
    /// Unique Identifier.
    UI,
    /// Unsigned Long.
    UL,
    /// Unsigned Short.
    US,
}

impl Vr {
    /// The two characters written after the tag.
    pub fn code(self) -> [u8; 2] {
        let text = match self {
            Vr::CS => b"CS",
            Vr::DA => b"DA",
            Vr::DS => b"DS",
            Vr::IS => b"IS",
            Vr::LO => b"LO",
            Vr::OB => b"OB",
            Vr::OW => b"OW",
            Vr::PN => b"PN",
            Vr::SH => b"SH",
            Vr::TM => b"TM",
            Vr::UI => b"UI",
            Vr::UL => b"UL",
            Vr::US => b"US",
        };
        *text
    }

    pub fn name(self) -> &'static str {
        match self {
            Vr::CS => "CS",
            Vr::DA => "DA",
            Vr::DS => "DS",
            Vr::IS => "IS",
            Vr::LO => "LO",
            Vr::OB => "OB",
            Vr::OW => "OW",
            Vr::PN => "PN",
            Vr::SH => "SH",
            Vr::TM => "TM",
            Vr::UI => "UI",
            Vr::UL => "UL",
            Vr::US => "US",
        }
    }

    /// PS3.5 7.1.2: OB, OW (and OD, OF, OL, OV, SQ, SV, UC, UN, UR, UT, UV) have two reserved
    /// bytes and a 32-bit length; every other VR a 16-bit length.
    pub fn has_long_length(self) -> bool {
        matches!(self, Vr::OB | Vr::OW)
    }

    /// True for the character string VRs.
    pub fn is_text(self) -> bool {
        !matches!(self, Vr::OB | Vr::OW | Vr::UL | Vr::US)
    }

    /// PS3.5 6.2: odd-length values are padded with a trailing NUL for UI and binary VRs, with
    /// a space for text.
    pub fn padding(self) -> u8 {
        match self {
            Vr::UI | Vr::OB | Vr::OW | Vr::UL | Vr::US => 0,
            _ => b' ',
        }
    }

    /// Maximum bytes per value (PS3.5 Table 6.2-1), for the text VRs.
    pub fn max_value_length(self) -> Option<usize> {
        match self {
            Vr::CS | Vr::DS => Some(16),
            Vr::IS => Some(12),
            Vr::DA => Some(8),
            Vr::TM => Some(14),
            Vr::SH => Some(16),
            Vr::LO => Some(64),
            Vr::PN => Some(64),
            Vr::UI => Some(64),
            _ => None,
        }
    }
}
