//! multipart/related responses of WADO-RS (PS3.18 §8.7.3.5, RFC 2387, RFC 2046 §5.1.1) split
//! into parts without copying: each part is a byte range of the whole body, so the browser can
//! slice frames out of one buffer. Delimiters are found by scanning line breaks once (a
//! delimiter starts a line), so splitting is linear in the body size however large the frames.

use std::ops::Range;

use super::ResponseError;
use crate::dicom::TransferSyntax;

/// One body part: its headers and where its bytes lie in the response body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub content_type: Option<String>,
    /// The transfer-syntax parameter of the part's Content-Type (PS3.18 §8.7.3.5.2).
    pub transfer_syntax: Option<String>,
    pub content_location: Option<String>,
    pub body: Range<usize>,
}

/// The parameters of a header value `type/subtype; name=value; name="quoted value"`, names
/// lower-cased. Quoted values may contain ';' and backslash escapes (RFC 2045 §5.1).
fn parameters(header: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = match header.find(';') {
        Some(index) => &header[index + 1..],
        None => return out,
    };
    loop {
        let Some(equals) = rest.find('=') else { return out };
        let name = rest[..equals].trim().to_ascii_lowercase();
        let after = rest[equals + 1..].trim_start();
        let (value, remaining) = if let Some(quoted) = after.strip_prefix('"') {
            let mut value = String::new();
            let mut chars = quoted.char_indices();
            let mut end = quoted.len();
            while let Some((index, c)) = chars.next() {
                match c {
                    '\\' => value.extend(chars.next().map(|(_, escaped)| escaped)),
                    '"' => {
                        end = index + 1;
                        break;
                    }
                    _ => value.push(c),
                }
            }
            let remaining = &quoted[end..];
            (value, remaining.find(';').map_or("", |index| &remaining[index + 1..]))
        } else {
            let end = after.find(';').unwrap_or(after.len());
            (after[..end].trim().to_string(), after.get(end + 1..).unwrap_or(""))
        };
        out.push((name, value));
        rest = remaining;
    }
}

fn parameter(header: &str, name: &str) -> Option<String> {
    parameters(header).into_iter().find(|(key, _)| key == name).map(|(_, value)| value)
}

/// The boundary parameter of a multipart Content-Type, quoted or not.
pub fn boundary_from_content_type(content_type: &str) -> Option<String> {
    parameter(content_type, "boundary").filter(|boundary| !boundary.is_empty())
}

/// The part's transfer syntax, else the one the response's Content-Type names.
pub fn transfer_syntax_of(part: &Part, response_content_type: &str) -> Option<String> {
    part.transfer_syntax.clone().or_else(|| parameter(response_content_type, "transfer-syntax"))
}

/// The transfer syntax a frame part is in when its Content-Type has no `transfer-syntax`
/// parameter (Orthanc names only the media type of compressed frames): the default of that
/// media type (PS3.18 Table 8.7.3-2, e.g. image/jls → JPEG-LS Lossless), unless the stored
/// syntax from the metadata (0002,0010) is of the same family (image/jpeg for 4.50 baseline),
/// which is then more precise. A bare octet-stream is the stored native syntax, else Explicit
/// VR Little Endian.
pub fn frame_transfer_syntax(part: &Part, response_content_type: &str, stored: Option<&str>) -> String {
    if let Some(named) = transfer_syntax_of(part, response_content_type) {
        return named;
    }
    let media = media_type(part.content_type.as_deref().unwrap_or(response_content_type));
    let default = match media.as_str() {
        "image/jpeg" => "1.2.840.10008.1.2.4.70",
        "image/jls" | "image/x-jls" => "1.2.840.10008.1.2.4.80",
        "image/jp2" => "1.2.840.10008.1.2.4.90",
        "image/jpx" => "1.2.840.10008.1.2.4.92",
        "image/jphc" => "1.2.840.10008.1.2.4.201",
        "image/dicom-rle" | "image/x-dicom-rle" => "1.2.840.10008.1.2.5",
        _ => "1.2.840.10008.1.2.1",
    };
    let family = |uid: &str| TransferSyntax::from_uid(uid).map(|ts| ts.encoding);
    match stored {
        Some(stored) if family(stored).is_some() && family(stored) == family(default) => stored.to_string(),
        _ => default.to_string(),
    }
}

fn media_type(content_type: &str) -> String {
    content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase()
}

fn malformed(reason: impl Into<String>) -> ResponseError {
    ResponseError::Multipart(reason.into())
}

/// Splits a response body into its parts. A body whose Content-Type is not multipart (some
/// servers answer a single frame as application/octet-stream or image/jpeg) is one part.
pub fn split_parts(content_type: &str, body: &[u8]) -> Result<Vec<Part>, ResponseError> {
    if !media_type(content_type).starts_with("multipart/") {
        let trimmed = content_type.trim();
        return Ok(vec![Part {
            content_type: (!trimmed.is_empty()).then(|| trimmed.to_string()),
            transfer_syntax: parameter(content_type, "transfer-syntax"),
            content_location: None,
            body: 0..body.len(),
        }]);
    }
    let boundary = boundary_from_content_type(content_type)
        .ok_or_else(|| malformed(format!("Content-Type \"{content_type}\" has no boundary parameter")))?;
    let delimiter = format!("--{boundary}").into_bytes();
    let mut found = next_delimiter(body, &delimiter, 0)
        .ok_or_else(|| malformed(format!("the boundary \"{boundary}\" does not occur in the body")))?;
    let mut parts = Vec::new();
    loop {
        let after = found.end;
        if body.get(after..after + 2) == Some(b"--") || body[after..].iter().all(u8::is_ascii_whitespace) {
            return Ok(parts);
        }
        let headers_start = line_end(body, after).ok_or_else(|| malformed("a delimiter line is not terminated"))?;
        let (headers, body_start) = header_block(body, headers_start)?;
        let next = next_delimiter(body, &delimiter, body_start).ok_or_else(|| {
            malformed(format!("part {} is not closed by a boundary (the body is truncated)", parts.len() + 1))
        })?;
        parts.push(part(headers, body_start..next.start));
        found = next;
    }
}

/// A delimiter occurrence: `start` includes the line break before it (that belongs to the
/// delimiter, RFC 2046 §5.1.1), `end` is just after the boundary text.
struct Found {
    start: usize,
    end: usize,
}

/// The next "--boundary" at the start of a line at or after `from` (the body's start counts as
/// a line start).
fn next_delimiter(body: &[u8], delimiter: &[u8], from: usize) -> Option<Found> {
    let at_line_start = from == 0 || body.get(from.wrapping_sub(1)) == Some(&b'\n');
    if at_line_start && body.get(from..)?.starts_with(delimiter) {
        return Some(Found { start: from, end: from + delimiter.len() });
    }
    let mut position = from;
    loop {
        let line_feed = position + body.get(position..)?.iter().position(|&b| b == b'\n')?;
        let candidate = line_feed + 1;
        if body[candidate..].starts_with(delimiter) {
            let start = if line_feed > from && body[line_feed - 1] == b'\r' { line_feed - 1 } else { line_feed };
            return Some(Found { start, end: candidate + delimiter.len() });
        }
        position = candidate;
    }
}

/// The index after the line break ending the line that contains `from`.
fn line_end(body: &[u8], from: usize) -> Option<usize> {
    body.get(from..)?.iter().position(|&b| b == b'\n').map(|index| from + index + 1)
}

/// Header lines from `start` up to an empty line; returns them and where the body begins.
fn header_block(body: &[u8], start: usize) -> Result<(Vec<(String, String)>, usize), ResponseError> {
    let mut headers = Vec::new();
    let mut line_start = start;
    loop {
        let next = line_end(body, line_start)
            .ok_or_else(|| malformed("a part's headers are not followed by an empty line"))?;
        let line = &body[line_start..next];
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            return Ok((headers, next));
        }
        let text = String::from_utf8_lossy(line);
        let (name, value) =
            text.split_once(':').ok_or_else(|| malformed(format!("part header line \"{text}\" has no ':'")))?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        line_start = next;
    }
}

fn part(headers: Vec<(String, String)>, body: Range<usize>) -> Part {
    let header = |name: &str| headers.iter().find(|(key, _)| key == name).map(|(_, value)| value.clone());
    let content_type = header("content-type");
    Part {
        transfer_syntax: content_type.as_deref().and_then(|value| parameter(value, "transfer-syntax")),
        content_location: header("content-location"),
        content_type,
        body,
    }
}
