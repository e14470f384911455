//! The header of a JPEG file (ITU-T T.81 Annex B): markers up to the first scan, read for the
//! frame (SOFn: precision, lines, samples per line, components and their sampling factors) and
//! the colour-space hints JFIF APP0 (ITU-T T.871: YCbCr) and Adobe APP14 (transform 0: RGB or
//! CMYK, 1: YCbCr). Lengths are checked before every read.

/// What the JPEG header says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JpegHeader {
    /// The SOF marker's code (0xC0 baseline, 0xC1 extended, 0xC2 progressive, …).
    pub frame_marker: u8,
    pub precision: u8,
    pub rows: u16,
    pub columns: u16,
    /// (component id, horizontal sampling, vertical sampling) per component.
    pub components: Vec<(u8, u8, u8)>,
    pub jfif: bool,
    pub adobe_transform: Option<u8>,
}

/// Why the bytes have no usable JPEG header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderError {
    NotJpeg,
    /// The data ends inside a marker segment or before a frame header.
    Truncated {
        offset: usize,
    },
    /// A segment length below 2, or a frame header shorter than its component count needs.
    BadSegment {
        marker: u8,
        offset: usize,
    },
}

/// Reads markers from SOI up to the first SOS (or EOI).
pub fn read_header(bytes: &[u8]) -> Result<JpegHeader, HeaderError> {
    if bytes.get(..2) != Some(&[0xFF, 0xD8][..]) {
        return Err(HeaderError::NotJpeg);
    }
    let mut offset = 2;
    let mut frame: Option<JpegHeader> = None;
    let (mut jfif, mut adobe_transform) = (false, None);
    loop {
        // A marker is 0xFF, optional 0xFF fill bytes, then the code (B.1.1.2).
        match bytes.get(offset) {
            Some(0xFF) => {}
            Some(_) => return Err(HeaderError::BadSegment { marker: 0, offset }),
            None => return Err(HeaderError::Truncated { offset }),
        }
        while bytes.get(offset) == Some(&0xFF) {
            offset += 1;
        }
        let marker = *bytes.get(offset).ok_or(HeaderError::Truncated { offset })?;
        offset += 1;
        if matches!(marker, 0x01 | 0xD0..=0xD7) {
            continue; // TEM and RSTn stand alone
        }
        if matches!(marker, 0xDA | 0xD9) {
            break;
        }
        let length = match bytes.get(offset..offset + 2) {
            Some(&[high, low]) => usize::from(u16::from_be_bytes([high, low])),
            _ => return Err(HeaderError::Truncated { offset }),
        };
        if length < 2 {
            return Err(HeaderError::BadSegment { marker, offset });
        }
        let payload = bytes.get(offset + 2..offset + length).ok_or(HeaderError::Truncated { offset })?;
        match marker {
            0xE0 if payload.starts_with(b"JFIF\0") => jfif = true,
            0xEE if payload.starts_with(b"Adobe") => adobe_transform = payload.get(11).copied(),
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) && frame.is_none() => {
                frame = Some(frame_header(marker, payload).ok_or(HeaderError::BadSegment { marker, offset })?);
            }
            _ => {}
        }
        offset += length;
    }
    let mut header = frame.ok_or(HeaderError::Truncated { offset })?;
    header.jfif = jfif;
    header.adobe_transform = adobe_transform;
    Ok(header)
}

/// B.2.2: P, Y, X, Nf, then Nf × (C, H<<4|V, Tq).
fn frame_header(marker: u8, payload: &[u8]) -> Option<JpegHeader> {
    let (&precision, rest) = payload.split_first()?;
    let rows = u16::from_be_bytes([*rest.first()?, *rest.get(1)?]);
    let columns = u16::from_be_bytes([*rest.get(2)?, *rest.get(3)?]);
    let count = usize::from(*rest.get(4)?);
    let table = rest.get(5..5 + 3 * count)?;
    let components = table
        .chunks_exact(3)
        .filter_map(|component| match component {
            &[id, sampling, _] => Some((id, sampling >> 4, sampling & 0x0F)),
            _ => None,
        })
        .collect();
    Some(JpegHeader { frame_marker: marker, precision, rows, columns, components, jfif: false, adobe_transform: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
        let mut out = vec![0xFF, marker];
        out.extend_from_slice(&u16::try_from(payload.len() + 2).unwrap().to_be_bytes());
        out.extend_from_slice(payload);
        out
    }

    #[test]
    fn reads_frame_and_colour_markers() {
        let mut jpeg = vec![0xFF, 0xD8];
        jpeg.extend(segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
        jpeg.extend(segment(0xEE, b"Adobe\0\x64\0\0\0\0\x00"));
        jpeg.extend([0xFF, 0xFF]); // fill byte before the next marker
        jpeg.extend(segment(0xC0, &[8, 0x01, 0x2C, 0x02, 0x58, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]));
        jpeg.extend([0xFF, 0xDA, 0x00]);
        let header = read_header(&jpeg).unwrap();
        assert_eq!((header.frame_marker, header.precision, header.rows, header.columns), (0xC0, 8, 300, 600));
        assert_eq!(header.components, [(1, 2, 2), (2, 1, 1), (3, 1, 1)]);
        assert!(header.jfif);
        assert_eq!(header.adobe_transform, Some(0));
    }

    #[test]
    fn refuses_what_is_not_a_whole_header() {
        assert_eq!(read_header(b"\x89PNG"), Err(HeaderError::NotJpeg));
        assert_eq!(read_header(&[0xFF, 0xD8]), Err(HeaderError::Truncated { offset: 2 }));
        assert!(matches!(read_header(&[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x40, 0x4A]), Err(HeaderError::Truncated { .. })));
        assert!(matches!(read_header(&[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x01]), Err(HeaderError::BadSegment { .. })));
        // A frame header announcing 3 components but carrying one.
        let mut short = vec![0xFF, 0xD8];
        short.extend(segment(0xC0, &[8, 0, 1, 0, 1, 3, 1, 0x11, 0]));
        assert!(matches!(read_header(&short), Err(HeaderError::BadSegment { marker: 0xC0, .. })));
        assert!(matches!(read_header(&[0xFF, 0xD8, 0xFF, 0xD9]), Err(HeaderError::Truncated { .. })), "no frame");
        assert!(matches!(read_header(&[0xFF, 0xD8, 0x00]), Err(HeaderError::BadSegment { .. })));
    }
}
