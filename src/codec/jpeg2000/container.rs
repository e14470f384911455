//! Finds the codestream inside an optional JP2 file wrapper (ITU-T T.800 Annex I).
//! DICOM stores bare codestreams, but some encoders wrap them in JP2 boxes anyway.

use super::CODEC;
use crate::codec::CodecError;

/// JPEG 2000 signature box (T.800 I.5.1): length 12, type 'jP  ', content 0D0A870A.
const SIGNATURE_BOX: [u8; 12] = [0, 0, 0, 12, b'j', b'P', b' ', b' ', 0x0D, 0x0A, 0x87, 0x0A];
/// JP2 header superbox (T.800 I.5.3).
const HEADER_BOX: [u8; 4] = *b"jp2h";
/// Palette box (T.800 I.5.3.4): samples are indices into a colour table.
const PALETTE_BOX: [u8; 4] = *b"pclr";
/// Contiguous codestream box (T.800 I.5.4).
const CODESTREAM_BOX: [u8; 4] = *b"jp2c";
/// Boxes walked before giving up on a forged file.
const MAX_BOXES: usize = 256;

/// One box: its type and its content bytes (T.800 I.4, Figure I.4: LBox, TBox, XLBox).
struct JpBox<'a> {
    kind: [u8; 4],
    content: &'a [u8],
}

/// Splits `bytes` into boxes; `LBox = 0` means "to the end", `LBox = 1` means XLBox follows.
fn boxes(bytes: &[u8]) -> impl Iterator<Item = Result<JpBox<'_>, CodecError>> + '_ {
    let mut rest = bytes;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let result = split_box(rest);
        match &result {
            Ok((_, after)) => rest = after,
            Err(_) => rest = &[],
        }
        Some(result.map(|(jp_box, _)| jp_box))
    })
    .take(MAX_BOXES)
}

fn split_box(bytes: &[u8]) -> Result<(JpBox<'_>, &[u8]), CodecError> {
    let truncated = || CodecError::truncated(CODEC, "JP2 box header");
    let header = bytes.get(..8).ok_or_else(truncated)?;
    let declared = u64::from(u32::from_be_bytes([header[0], header[1], header[2], header[3]]));
    let kind = [header[4], header[5], header[6], header[7]];
    let (header_length, total_length) = match declared {
        0 => (8, bytes.len() as u64),
        1 => {
            let extended = bytes.get(8..16).ok_or_else(truncated)?;
            let mut length = [0u8; 8];
            length.copy_from_slice(extended);
            (16, u64::from_be_bytes(length))
        }
        length => (8, length),
    };
    if total_length < header_length {
        return Err(CodecError::invalid(CODEC, format!("JP2 box length {total_length}")));
    }
    let end = usize::try_from(total_length)
        .ok()
        .filter(|&end| end <= bytes.len())
        .ok_or(CodecError::truncated(CODEC, "JP2 box content"))?;
    let header_length = header_length as usize;
    let content = bytes.get(header_length..end).ok_or_else(truncated)?;
    let after = bytes.get(end..).ok_or_else(truncated)?;
    Ok((JpBox { kind, content }, after))
}

/// The codestream to decode: `bytes` itself when it is a bare codestream, else the content
/// of the first `jp2c` box. A palette box is refused: its samples would be colour indices.
pub fn codestream(bytes: &[u8]) -> Result<&[u8], CodecError> {
    if !bytes.starts_with(&SIGNATURE_BOX) {
        return Ok(bytes);
    }
    for jp_box in boxes(bytes) {
        let jp_box = jp_box?;
        if jp_box.kind == HEADER_BOX {
            for inner in boxes(jp_box.content) {
                if inner?.kind == PALETTE_BOX {
                    return Err(CodecError::unsupported(CODEC, "JP2 palette (pclr) box"));
                }
            }
        }
        if jp_box.kind == CODESTREAM_BOX {
            return Ok(jp_box.content);
        }
    }
    Err(CodecError::invalid(CODEC, "JP2 file without a codestream (jp2c) box"))
}
