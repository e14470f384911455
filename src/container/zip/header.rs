//! Local file headers (APPNOTE.TXT 4.3.7), their ZIP64 extended information extra field
//! (APPNOTE 4.5.3) and file names: UTF-8 when general purpose bit 11 is set, IBM code page 437
//! otherwise (APPNOTE appendix D).

use super::error::ZipError;

/// "PK\x03\x04": local file header.
pub const LOCAL_HEADER: u32 = 0x0403_4b50;
/// "PK\x01\x02": central directory file header, the end of the entries.
pub const CENTRAL_HEADER: u32 = 0x0201_4b50;
/// "PK\x05\x06": end of central directory record (an archive with no entries).
pub const END_OF_CENTRAL_DIRECTORY: u32 = 0x0605_4b50;
/// "PK\x06\x06": ZIP64 end of central directory record.
pub const ZIP64_END_OF_CENTRAL_DIRECTORY: u32 = 0x0606_4b50;
/// "PK\x07\x08": data descriptor (APPNOTE 4.3.9), also the split-archive marker at byte 0.
pub const DATA_DESCRIPTOR: u32 = 0x0807_4b50;
/// "PK00": marker at byte 0 of an archive that was meant to be split but fits in one part.
pub const SPLIT_MARKER_SINGLE: u32 = 0x3030_4b50;

/// Size of the fixed part of a local file header.
pub const FIXED_LEN: usize = 30;

const FLAG_ENCRYPTED: u16 = 1;
const FLAG_DATA_DESCRIPTOR: u16 = 1 << 3;
const FLAG_STRONG_ENCRYPTION: u16 = 1 << 6;
const FLAG_UTF8: u16 = 1 << 11;
const METHOD_AES: u16 = 99;
const ZIP64_EXTRA_ID: u16 = 0x0001;
const ZIP64_MARKER: u32 = 0xFFFF_FFFF;

/// Code page 437 characters for bytes 0x80..=0xFF (bytes below 0x80 are ASCII in file names).
const CP437_HIGH: &str = concat!(
    "ÇüéâäàåçêëèïîìÄÅ",
    "ÉæÆôöòûùÿÖÜ¢£¥₧ƒ",
    "áíóúñÑªº¿⌐¬½¼¡«»",
    "░▒▓│┤╡╢╖╕╣║╗╝╜╛┐",
    "└┴┬├─┼╞╟╚╔╩╦╠═╬╧",
    "╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀",
    "αßΓπΣσµτΦΘΩδ∞φε∩",
    "≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{a0}",
);

/// The fields of a local file header the reader uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalHeader {
    pub path: String,
    pub flags: u16,
    pub method: u16,
    pub crc32: u32,
    pub compressed_size: u64,
    pub uncompressed_size: u64,
    /// A ZIP64 extra field is present: a data descriptor then holds 8-byte sizes.
    pub zip64: bool,
}

impl LocalHeader {
    pub fn is_encrypted(&self) -> bool {
        self.flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION) != 0 || self.method == METHOD_AES
    }

    /// Sizes and CRC follow the data in a data descriptor (general purpose bit 3).
    pub fn has_data_descriptor(&self) -> bool {
        self.flags & FLAG_DATA_DESCRIPTOR != 0
    }

    pub fn is_directory(&self) -> bool {
        self.path.ends_with('/') || self.path.ends_with('\\')
    }
}

pub fn read_u16(bytes: &[u8], at: usize) -> Option<u16> {
    bytes.get(at..at.checked_add(2)?).map(|b| u16::from_le_bytes([b[0], b[1]]))
}

pub fn read_u32(bytes: &[u8], at: usize) -> Option<u32> {
    bytes.get(at..at.checked_add(4)?).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

pub fn read_u64(bytes: &[u8], at: usize) -> Option<u64> {
    let low = read_u32(bytes, at)?;
    let high = read_u32(bytes, at.checked_add(4)?)?;
    Some(u64::from(high) << 32 | u64::from(low))
}

/// Total length of the local header starting at `bytes[0]` (signature already checked), once at
/// least the fixed part is available.
pub fn header_len(bytes: &[u8]) -> Option<usize> {
    let name_len = usize::from(read_u16(bytes, 26)?);
    let extra_len = usize::from(read_u16(bytes, 28)?);
    Some(FIXED_LEN + name_len + extra_len)
}

/// Parses a complete local header (`bytes` holds exactly `header_len` bytes).
pub fn parse(bytes: &[u8]) -> Result<LocalHeader, ZipError> {
    let truncated = || ZipError::Truncated { entry: None };
    let flags = read_u16(bytes, 6).ok_or_else(truncated)?;
    let method = read_u16(bytes, 8).ok_or_else(truncated)?;
    let crc32 = read_u32(bytes, 14).ok_or_else(truncated)?;
    let compressed32 = read_u32(bytes, 18).ok_or_else(truncated)?;
    let uncompressed32 = read_u32(bytes, 22).ok_or_else(truncated)?;
    let name_len = usize::from(read_u16(bytes, 26).ok_or_else(truncated)?);
    let name = bytes.get(FIXED_LEN..FIXED_LEN + name_len).ok_or_else(truncated)?;
    let extra = bytes.get(FIXED_LEN + name_len..).ok_or_else(truncated)?;
    let path = decode_name(name, flags & FLAG_UTF8 != 0);
    let mut header = LocalHeader {
        path,
        flags,
        method,
        crc32,
        compressed_size: u64::from(compressed32),
        uncompressed_size: u64::from(uncompressed32),
        zip64: false,
    };
    if let Some(zip64) = find_extra(extra, ZIP64_EXTRA_ID) {
        header.zip64 = true;
        // The ZIP64 field holds the original size, then the compressed size, each only when the
        // header's 32-bit field is the 0xFFFFFFFF marker (APPNOTE 4.5.3).
        let mut at = 0;
        if uncompressed32 == ZIP64_MARKER {
            header.uncompressed_size = read_u64(zip64, at).ok_or_else(|| missing_zip64(&header.path))?;
            at += 8;
        }
        if compressed32 == ZIP64_MARKER {
            header.compressed_size = read_u64(zip64, at).ok_or_else(|| missing_zip64(&header.path))?;
        }
    } else if compressed32 == ZIP64_MARKER || uncompressed32 == ZIP64_MARKER {
        return Err(missing_zip64(&header.path));
    }
    Ok(header)
}

fn missing_zip64(path: &str) -> ZipError {
    ZipError::BadHeader { entry: path.to_string(), reason: "ZIP64 sizes announced but no ZIP64 extra field".into() }
}

/// The data of the first extra field with header `id` (APPNOTE 4.5.1).
fn find_extra(mut extra: &[u8], id: u16) -> Option<&[u8]> {
    while let (Some(field_id), Some(len)) = (read_u16(extra, 0), read_u16(extra, 2)) {
        let end = 4 + usize::from(len);
        let data = extra.get(4..end)?;
        if field_id == id {
            return Some(data);
        }
        extra = extra.get(end..)?;
    }
    None
}

/// File name bytes to text: UTF-8 when flagged (invalid sequences replaced), CP437 otherwise,
/// except that names which are valid UTF-8 are kept as such (many tools do not set bit 11).
pub fn decode_name(name: &[u8], utf8_flag: bool) -> String {
    if utf8_flag || name.is_ascii() {
        return String::from_utf8_lossy(name).into_owned();
    }
    if let Ok(text) = std::str::from_utf8(name) {
        return text.to_string();
    }
    name.iter()
        .map(|&byte| match byte {
            0x00..=0x7F => char::from(byte),
            _ => CP437_HIGH.chars().nth(usize::from(byte - 0x80)).unwrap_or(char::REPLACEMENT_CHARACTER),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cp437_names_decode_by_table() {
        // 0x81 = ü, 0xE1 = ß, 0x9C = £ in code page 437; not valid UTF-8 as a sequence.
        assert_eq!(decode_name(b"M\x81ller\xE1\x9C.dcm", false), "Müllerß£.dcm");
        assert_eq!(decode_name("Müller.dcm".as_bytes(), true), "Müller.dcm");
        assert_eq!(CP437_HIGH.chars().count(), 128);
    }

    #[test]
    fn zip64_extra_supplies_marked_sizes() {
        let mut bytes = vec![0u8; FIXED_LEN];
        bytes[..4].copy_from_slice(&LOCAL_HEADER.to_le_bytes());
        bytes[18..22].copy_from_slice(&ZIP64_MARKER.to_le_bytes());
        bytes[22..26].copy_from_slice(&ZIP64_MARKER.to_le_bytes());
        bytes[26] = 1;
        bytes[28] = 20;
        bytes.push(b'a');
        bytes.extend_from_slice(&[1, 0, 16, 0]);
        bytes.extend_from_slice(&(5u64 << 32).to_le_bytes());
        bytes.extend_from_slice(&7u64.to_le_bytes());
        let header = parse(&bytes).unwrap();
        assert_eq!((header.uncompressed_size, header.compressed_size, header.zip64), (5 << 32, 7, true));
        bytes.truncate(FIXED_LEN + 1 + 12);
        bytes[28] = 12;
        bytes[FIXED_LEN + 3] = 8;
        assert!(matches!(parse(&bytes), Err(ZipError::BadHeader { .. })));
    }
}
