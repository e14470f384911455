//! multipart/related splitting (RFC 2046 §5.1.1, PS3.18 §8.7.3.5).

use dicom_viewer::dicomweb::multipart::{
    boundary_from_content_type, frame_transfer_syntax, split_parts, transfer_syntax_of, Part,
};
use dicom_viewer::dicomweb::ResponseError;

#[test]
fn boundary_parameter_forms() {
    let quoted = r#"multipart/related; type="application/octet-stream"; boundary="a:b c;d"; transfer-syntax=1.2.840.10008.1.2.1"#;
    assert_eq!(boundary_from_content_type(quoted).as_deref(), Some("a:b c;d"));
    let unquoted = "Multipart/Related;Type=application/dicom;BOUNDARY=xyz123;start=<1@x>";
    assert_eq!(boundary_from_content_type(unquoted).as_deref(), Some("xyz123"));
    assert_eq!(boundary_from_content_type("multipart/related; type=application/dicom"), None);
    assert_eq!(boundary_from_content_type("multipart/related; boundary=\"\""), None);
}

/// Two binary parts whose bytes contain CR, LF, "--" and a near-boundary; the CRLF before each
/// delimiter is not part of the body.
#[test]
fn two_binary_parts_keep_their_exact_bytes() {
    let first: &[u8] = b"\r\n--\r\n--bound\x00\xFF\n\r";
    let second: Vec<u8> = (0..=255u8).chain(b"--boundar".iter().copied()).collect();
    let mut body = b"preamble to ignore\r\n--boundary\r\nContent-Type: application/octet-stream; transfer-syntax=1.2.840.10008.1.2.5\r\nContent-Location: /frames/1\r\n\r\n".to_vec();
    body.extend_from_slice(first);
    body.extend_from_slice(b"\r\n--boundary\r\nCONTENT-TYPE: image/jls\r\n\r\n");
    body.extend_from_slice(&second);
    body.extend_from_slice(b"\r\n--boundary--\r\nepilogue --boundary\r\n");
    let content_type = "multipart/related; type=\"application/octet-stream\"; boundary=boundary";
    let parts = split_parts(content_type, &body).expect("splits");
    assert_eq!(parts.len(), 2);
    assert_eq!(&body[parts[0].body.clone()], first);
    assert_eq!(&body[parts[1].body.clone()], &second[..]);
    assert_eq!(parts[0].transfer_syntax.as_deref(), Some("1.2.840.10008.1.2.5"));
    assert_eq!(parts[0].content_location.as_deref(), Some("/frames/1"));
    assert_eq!(parts[1].content_type.as_deref(), Some("image/jls"));
    assert_eq!(parts[1].transfer_syntax, None);
}

#[test]
fn lf_only_lines_and_missing_final_dashes() {
    let body = b"--b\nContent-Type: application/dicom\n\nAB\n--b\n\nCD\n--b\n";
    let parts = split_parts("multipart/related; boundary=b", body).expect("splits");
    let bodies: Vec<&[u8]> = parts.iter().map(|p| &body[p.body.clone()]).collect();
    assert_eq!(bodies, vec![&b"AB"[..], &b"CD"[..]]);
    assert_eq!(parts[1].content_type, None);
    let at_end = b"--b\r\n\r\nXY\r\n--b";
    let parts = split_parts("multipart/related; boundary=b", at_end).expect("splits");
    assert_eq!(&at_end[parts[0].body.clone()], b"XY");
}

#[test]
fn transfer_syntax_from_part_else_response() {
    let content_type =
        "multipart/related; type=\"application/octet-stream\"; transfer-syntax=1.2.840.10008.1.2.4.80; boundary=q";
    let body = b"--q\r\nContent-Type: application/octet-stream\r\n\r\nZZ\r\n--q--";
    let parts = split_parts(content_type, body).expect("splits");
    assert_eq!(transfer_syntax_of(&parts[0], content_type).as_deref(), Some("1.2.840.10008.1.2.4.80"));
}

#[test]
fn single_part_bodies_span_the_whole_body() {
    let body = [0xFFu8, 0xD8, 0x2D, 0x2D, 0x0D, 0x0A];
    let parts = split_parts("image/jpeg", &body).expect("single");
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0].body, 0..6);
    assert_eq!(parts[0].content_type.as_deref(), Some("image/jpeg"));
    let parts = split_parts("application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1", &body).expect("single");
    assert_eq!(parts[0].transfer_syntax.as_deref(), Some("1.2.840.10008.1.2.1"));
    assert_eq!(split_parts("", &body).expect("single")[0].content_type, None);
}

#[test]
fn malformed_bodies_are_multipart_errors() {
    let is_multipart = |result: Result<_, ResponseError>| matches!(result, Err(ResponseError::Multipart(_)));
    assert!(is_multipart(split_parts("multipart/related; type=application/dicom", b"--x\r\n\r\nA\r\n--x--")));
    assert!(is_multipart(split_parts("multipart/related; boundary=x", b"no delimiter at all")));
    assert!(is_multipart(split_parts("multipart/related; boundary=x", b"--x\r\nContent-Type: a/b\r\n\r\ntruncated")));
    assert!(is_multipart(split_parts("multipart/related; boundary=x", b"--x\r\nContent-Type: a/b")));
    assert!(is_multipart(split_parts("multipart/related; boundary=x", b"--x\r\nnot a header\r\n\r\nA\r\n--x--")));
    let message = split_parts("multipart/related; boundary=x", b"--x\r\n\r\nA").unwrap_err().to_string();
    assert!(message.contains("truncated"), "{message}");
}

/// A 12 MB frame of bytes that are all '-' and line breaks: splitting stays fast (linear).
#[test]
fn large_frames_split_in_linear_time() {
    let frame: Vec<u8> = (0..12_000_000usize).map(|i| if i % 7 == 0 { b'\n' } else { b'-' }).collect();
    let mut body = b"--0123456789abcdef0123456789abcdef\r\n\r\n".to_vec();
    body.extend_from_slice(&frame);
    body.extend_from_slice(b"\r\n--0123456789abcdef0123456789abcdef--\r\n");
    let started = std::time::Instant::now();
    let parts = split_parts("multipart/related; boundary=0123456789abcdef0123456789abcdef", &body).expect("splits");
    let elapsed = started.elapsed();
    assert_eq!(&body[parts[0].body.clone()], &frame[..]);
    assert!(elapsed.as_secs_f64() < 5.0, "took {elapsed:?}");
    eprintln!("12 MB part split in {elapsed:?}");
}

fn part_of(content_type: &str) -> Part {
    Part { content_type: Some(content_type.to_string()), transfer_syntax: None, content_location: None, body: 0..0 }
}

/// Orthanc 1.10 answers compressed frames with only a media type (image/jls, image/jpeg...);
/// the transfer syntax then comes from PS3.18's defaults or, within the same family, the
/// stored syntax of the metadata.
#[test]
fn frame_transfer_syntax_without_a_parameter() {
    let multipart = "multipart/related; type=\"application/octet-stream\"; boundary=x";
    let named = Part { transfer_syntax: Some("1.2.840.10008.1.2.4.81".into()), ..part_of("image/jls") };
    assert_eq!(frame_transfer_syntax(&named, multipart, None), "1.2.840.10008.1.2.4.81");
    assert_eq!(frame_transfer_syntax(&part_of("image/jls"), multipart, None), "1.2.840.10008.1.2.4.80");
    assert_eq!(
        frame_transfer_syntax(&part_of("image/jls"), multipart, Some("1.2.840.10008.1.2.4.81")),
        "1.2.840.10008.1.2.4.81"
    );
    assert_eq!(
        frame_transfer_syntax(&part_of("image/jpeg"), multipart, Some("1.2.840.10008.1.2.4.50")),
        "1.2.840.10008.1.2.4.50"
    );
    // The stored syntax of another family does not apply (the server transcoded).
    assert_eq!(
        frame_transfer_syntax(&part_of("image/jpeg"), multipart, Some("1.2.840.10008.1.2.1")),
        "1.2.840.10008.1.2.4.70"
    );
    assert_eq!(frame_transfer_syntax(&part_of("image/jp2"), multipart, None), "1.2.840.10008.1.2.4.90");
    assert_eq!(frame_transfer_syntax(&part_of("image/dicom-rle"), multipart, None), "1.2.840.10008.1.2.5");
    assert_eq!(
        frame_transfer_syntax(&part_of("application/octet-stream"), multipart, Some("1.2.840.10008.1.2")),
        "1.2.840.10008.1.2"
    );
    assert_eq!(frame_transfer_syntax(&part_of("application/octet-stream"), multipart, None), "1.2.840.10008.1.2.1");
    let single = "application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1";
    assert_eq!(frame_transfer_syntax(&part_of(single), single, None), "1.2.840.10008.1.2.1");
}
