//! Base64 (RFC 4648 §4) decoding of InlineBinary values (PS3.18 F.2.7). Padding is optional
//! and ASCII whitespace (line breaks some servers insert) is skipped.

/// Decodes standard-alphabet base64; the error says what was wrong.
pub(crate) fn decode(text: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 3);
    let mut accumulator: u32 = 0;
    let mut pending = 0u32;
    let mut padding = 0usize;
    for (position, byte) in text.bytes().enumerate() {
        let sextet = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => {
                padding += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' | b'\n' => continue,
            _ => return Err(format!("is not base64 (byte {byte:#04x} at {position})")),
        };
        if padding > 0 {
            return Err(format!("is not base64 (data after '=' padding at {position})"));
        }
        accumulator = (accumulator << 6) | u32::from(sextet);
        pending += 6;
        if pending >= 8 {
            pending -= 8;
            out.push((accumulator >> pending) as u8);
            accumulator &= (1 << pending) - 1;
        }
    }
    if pending >= 6 || padding > 2 {
        return Err("is not base64 (truncated final group)".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn rfc4648_test_vectors() {
        // RFC 4648 §10.
        for (encoded, plain) in
            [("", ""), ("Zg==", "f"), ("Zm8=", "fo"), ("Zm9v", "foo"), ("Zm9vYg==", "foob"), ("Zm9vYmE=", "fooba")]
        {
            assert_eq!(decode(encoded).as_deref(), Ok(plain.as_bytes()), "{encoded}");
        }
        assert_eq!(decode("Zm9vYmFy\r\n").as_deref(), Ok(&b"foobar"[..]));
        assert_eq!(decode("Zg").as_deref(), Ok(&b"f"[..]), "unpadded");
        assert_eq!(decode("/+8A").as_deref(), Ok(&[0xFF, 0xEF, 0x00][..]));
    }

    #[test]
    fn malformed_input_is_an_error() {
        assert!(decode("Z").is_err(), "a lone sextet cannot hold a byte");
        assert!(decode("Zg==Zg").is_err());
        assert!(decode("Zm9v!").is_err());
    }
}
