//! URL text helpers shared by the DICOMweb request builders: RFC 3986 percent-encoding and
//! decoding, UID checks (PS3.5 9.1: digits and dots, at most 64 characters), origins, and the list
//! of query-parameter names that carry secrets (these never belong in a URL).

use std::fmt;

/// Why a request could not be built from the values given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryError {
    /// A study date bound is not eight digits (DA, PS3.5 6.2: YYYYMMDD).
    InvalidDate { which: &'static str, value: String },
    /// The range's start is after its end.
    DateRangeReversed { from: String, to: String },
    /// A UID is not 1–64 characters of digits and dots (PS3.5 9.1).
    InvalidUid { value: String },
    /// Frame numbers are 1-based (PS3.18 10.4.1.1.5); 0 or an empty list cannot be requested.
    InvalidFrameList,
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueryError::InvalidDate { which, value } => {
                write!(f, "the {which} date '{value}' is not a date: write it as YYYYMMDD (8 digits), e.g. 20240131")
            }
            QueryError::DateRangeReversed { from, to } => {
                write!(f, "the date range starts ({from}) after it ends ({to}): swap the two dates")
            }
            QueryError::InvalidUid { value } => write!(
                f,
                "'{}' is not a DICOM UID (digits and dots, at most 64 characters): copy the UID again",
                value.chars().take(80).collect::<String>()
            ),
            QueryError::InvalidFrameList => {
                write!(f, "frame numbers start at 1 and at least one is needed: this is a bug in the caller")
            }
        }
    }
}

impl std::error::Error for QueryError {}

/// Query-parameter names that carry credentials (compared case-insensitively).
const SECRET_PARAM_NAMES: [&str; 12] = [
    "apikey",
    "api_key",
    "api-key",
    "key",
    "token",
    "access_token",
    "id_token",
    "auth",
    "authorization",
    "password",
    "secret",
    "x-api-key",
];

/// Whether a query parameter with this name would carry a secret.
pub fn is_secret_param_name(name: &str) -> bool {
    SECRET_PARAM_NAMES.iter().any(|secret| secret.eq_ignore_ascii_case(name))
}

/// Percent-encodes everything except the RFC 3986 unreserved characters (ALPHA DIGIT - . _ ~),
/// byte by byte over UTF-8.
pub fn percent_encode(text: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
    out
}

/// Percent-encodes a QIDO-RS query value: like [`percent_encode`], but the matching characters
/// `*` and `?` (PS3.4 C.2.2.2.4 wild card matching) and `,` (PS3.18 8.3.4.1 lists of values) stay
/// literal. RFC 3986 allows them in a query, and servers match on them as sent: Orthanc 1.10
/// finds nothing for `DOE%2A` but finds `DOE*`.
pub fn query_value_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut buffer = [0u8; 4];
    for character in text.chars() {
        if matches!(character, '*' | '?' | ',') {
            out.push(character);
        } else {
            out.push_str(&percent_encode(character.encode_utf8(&mut buffer)));
        }
    }
    out
}

/// Decodes `%XX` escapes and, as in application/x-www-form-urlencoded, `+` as a space. Malformed
/// escapes are kept literally; invalid UTF-8 becomes U+FFFD.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        let escaped = match (byte, bytes.get(index + 1), bytes.get(index + 2)) {
            (b'%', Some(&high), Some(&low)) => hex_value(high).zip(hex_value(low)),
            _ => None,
        };
        match escaped {
            Some((high, low)) => {
                out.push(high << 4 | low);
                index += 3;
            }
            None => {
                out.push(if byte == b'+' { b' ' } else { byte });
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_value(digit: u8) -> Option<u8> {
    char::from(digit).to_digit(16).and_then(|value| u8::try_from(value).ok())
}

/// Whether `uid` is a UID as PS3.5 9.1 allows: 1–64 characters, digits and dots only.
pub fn is_valid_uid(uid: &str) -> bool {
    !uid.is_empty() && uid.len() <= 64 && uid.bytes().all(|byte| byte.is_ascii_digit() || byte == b'.')
}

/// Returns `uid` if it is valid, else [`QueryError::InvalidUid`].
pub fn checked_uid(uid: &str) -> Result<&str, QueryError> {
    if is_valid_uid(uid) {
        Ok(uid)
    } else {
        Err(QueryError::InvalidUid { value: uid.to_string() })
    }
}

/// `scheme://host[:port]` of an absolute URL, without credentials, path, query or fragment.
/// A text without `://` yields the text up to its first `/`, `?` or `#`.
pub fn origin_of(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (Some(scheme), rest),
        None => (None, url),
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    match scheme {
        Some(scheme) => format!("{}://{}", scheme.to_ascii_lowercase(), host.to_ascii_lowercase()),
        None => host.to_ascii_lowercase(),
    }
}

/// The URL without its query string and fragment.
pub fn without_query(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_keeps_unreserved_and_escapes_the_rest() {
        assert_eq!(percent_encode("Az09-._~"), "Az09-._~");
        assert_eq!(percent_encode("DOE^JOHN *"), "DOE%5EJOHN%20%2A");
        assert_eq!(query_value_encode("DOE^J? *"), "DOE%5EJ?%20*");
        assert_eq!(query_value_encode("MR,CT"), "MR,CT");
        assert_eq!(query_value_encode("*"), "*");
        assert_eq!(query_value_encode("a&b=c"), "a%26b%3Dc");
        assert_eq!(percent_encode("é&="), "%C3%A9%26%3D");
        assert_eq!(percent_decode("DOE%5EJOHN%20%2a+x"), "DOE^JOHN * x");
        assert_eq!(percent_decode("%C3%A9%zz%4"), "é%zz%4");
        let text = "a b/c?d=é&f";
        assert_eq!(percent_decode(&percent_encode(text)), text);
    }

    #[test]
    fn uids_origins_and_secret_names() {
        assert!(is_valid_uid("1.2.840.10008.1.2.1"));
        assert!(!is_valid_uid(""));
        assert!(!is_valid_uid("1.2/../3"));
        assert!(!is_valid_uid(&"1".repeat(65)));
        assert_eq!(origin_of("HTTPS://user:pw@Example.org:8443/dicom-web?apikey=s"), "https://example.org:8443");
        assert_eq!(origin_of("http://host"), "http://host");
        assert_eq!(without_query("http://h/a?b=c#d"), "http://h/a");
        assert!(is_secret_param_name("ApiKey") && is_secret_param_name("access_token"));
        assert!(!is_secret_param_name("renderer"));
    }
}
