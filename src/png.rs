//! A minimal PNG writer (ISO/IEC 15948, W3C PNG 2nd ed.): 8-bit RGBA, one IDAT, filter type 0.
//! For images the project makes itself (app icons, sample thumbnails); never for patient data
//! export, which the browser encodes (src/web/export.rs).

/// Why an image could not be written.
#[derive(Debug, PartialEq, Eq)]
pub enum PngError {
    /// `rgba` is not `width × height × 4` bytes.
    WrongLength { expected: usize, actual: usize },
    /// A side is 0 or above 2^31 − 1 (PNG §11.2.2).
    BadSize { width: u32, height: u32 },
}

impl std::fmt::Display for PngError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PngError::WrongLength { expected, actual } => {
                write!(f, "PNG pixels: {actual} bytes where width × height × 4 = {expected}")
            }
            PngError::BadSize { width, height } => write!(f, "PNG size {width}×{height} is not allowed"),
        }
    }
}

impl std::error::Error for PngError {}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32fast::hash(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// The PNG file of an 8-bit RGBA image, rows top to bottom.
pub fn encode_rgba(width: u32, height: u32, rgba: &[u8]) -> Result<Vec<u8>, PngError> {
    if width == 0 || height == 0 || width > i32::MAX as u32 || height > i32::MAX as u32 {
        return Err(PngError::BadSize { width, height });
    }
    let row = width as usize * 4;
    let expected = row * height as usize;
    if rgba.len() != expected {
        return Err(PngError::WrongLength { expected, actual: rgba.len() });
    }
    let mut raw = Vec::with_capacity(expected + height as usize);
    for line in rgba.chunks_exact(row) {
        raw.push(0); // filter type None
        raw.extend_from_slice(line);
    }
    let mut out = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
    let mut header = Vec::with_capacity(13);
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 6, 0, 0, 0]); // 8 bits, RGBA, deflate, adaptive filters, no interlace
    chunk(&mut out, b"IHDR", &header);
    chunk(&mut out, b"IDAT", &miniz_oxide::deflate::compress_to_vec_zlib(&raw, 9));
    chunk(&mut out, b"IEND", &[]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_image_decodes_to_the_same_pixels() {
        let (w, h) = (5u32, 3u32);
        let rgba: Vec<u8> = (0..w * h * 4).map(|i| (i * 7 % 256) as u8).collect();
        let png = encode_rgba(w, h, &rgba).expect("valid image");
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        // Inflate IDAT back and strip the filter bytes.
        let idat_len = u32::from_be_bytes([png[33], png[34], png[35], png[36]]) as usize;
        assert_eq!(&png[37..41], b"IDAT");
        let raw = miniz_oxide::inflate::decompress_to_vec_zlib(&png[41..41 + idat_len]).expect("zlib");
        let pixels: Vec<u8> = raw.chunks_exact(w as usize * 4 + 1).flat_map(|r| r[1..].to_vec()).collect();
        assert_eq!(pixels, rgba);
        // Every chunk's CRC covers its type and data.
        let ihdr_crc = u32::from_be_bytes([png[29], png[30], png[31], png[32]]);
        assert_eq!(ihdr_crc, crc32fast::hash(&png[12..29]));
    }

    #[test]
    fn a_wrong_buffer_length_or_size_is_refused() {
        assert_eq!(encode_rgba(2, 2, &[0; 15]), Err(PngError::WrongLength { expected: 16, actual: 15 }));
        assert_eq!(encode_rgba(0, 2, &[]), Err(PngError::BadSize { width: 0, height: 2 }));
    }
}
