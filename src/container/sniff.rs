//! Telling DICOM bytes from other files without parsing them, with the same rule the parser
//! uses (`crate::dicom`): a PS3.10 file has "DICM" after its 128-byte preamble (PS3.10 §7.1),
//! some writers drop the preamble, and a bare data set starts with a low group's element.

/// Whether `bytes` look like a DICOM file or data set: "DICM" at byte 128 or at byte 0, or a
/// data set starting with an element of group 0x0002..=0x0028 in Little Endian whose header
/// is plausible (an explicit VR of two upper-case letters, or an implicit VR length that fits).
pub fn looks_like_dicom(bytes: &[u8]) -> bool {
    if bytes.get(128..132) == Some(b"DICM") || bytes.get(..4) == Some(b"DICM") {
        return true;
    }
    let Some(&[g0, g1, _, _, v0, v1, l0, l1]) = bytes.get(..8) else { return false };
    let group = u16::from_le_bytes([g0, g1]);
    if !(0x0002..=0x0028).contains(&group) {
        return false;
    }
    if v0.is_ascii_uppercase() && v1.is_ascii_uppercase() {
        return true;
    }
    let implicit_length = u32::from_le_bytes([v0, v1, l0, l1]);
    implicit_length != u32::MAX && u64::from(implicit_length) + 8 <= bytes.len() as u64
}

/// Whether a path names a DICOMDIR (PS3.10 §8.6: the file ID "DICOMDIR" in the root of the
/// file-set; matched case-insensitively in any folder, as media are often copied into one).
pub fn is_dicomdir_name(path: &str) -> bool {
    path.rsplit(['/', '\\']).next().is_some_and(|name| name.eq_ignore_ascii_case("DICOMDIR"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_and_bare_data_sets() {
        let mut preamble = vec![0u8; 132];
        preamble[128..].copy_from_slice(b"DICM");
        assert!(looks_like_dicom(&preamble));
        assert!(looks_like_dicom(b"DICM\x02\x00\x00\x00UL\x04\x00"));
        // (0008,0005) CS explicit VR, and the same element implicit with length 10.
        assert!(looks_like_dicom(b"\x08\x00\x05\x00CS\x0a\x00ISO_IR 100"));
        assert!(looks_like_dicom(b"\x08\x00\x05\x00\x0a\x00\x00\x00ISO_IR 100"));
        // Implicit length beyond the bytes, group 0x0030, PNG, text, empty.
        assert!(!looks_like_dicom(b"\x08\x00\x05\x00\xff\x00\x00\x00ISO"));
        assert!(!looks_like_dicom(b"\x30\x00\x05\x00CS\x0a\x00ISO_IR 100"));
        assert!(!looks_like_dicom(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"));
        assert!(!looks_like_dicom(b"hello, this is a text file\n"));
        assert!(!looks_like_dicom(b""));
    }

    #[test]
    fn dicomdir_names() {
        assert!(is_dicomdir_name("DICOMDIR"));
        assert!(is_dicomdir_name("cd/dicomdir"));
        assert!(is_dicomdir_name("CD\\DicomDir"));
        assert!(!is_dicomdir_name("DICOMDIR.bak"));
        assert!(!is_dicomdir_name("DICOMDIR/IMG1"));
    }
}
