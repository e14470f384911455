//! Three public archives without the network: a FHIR R4 server (patients, their conditions,
//! medications, reports and imaging studies, assembled into one story), the TCIA NBIA REST API
//! v4 (collections → patients → studies → series → a ZIP of DICOM files) and the ISIC Archive
//! API v2 (dermoscopy photos, wrapped as DICOM by `jpeg_dicom`). Each module builds request
//! URLs and parses response bodies; the browser layer only sends and hands back.

pub mod datasets;
pub mod fhir;
pub mod isic;
pub mod jpeg_dicom;
mod jpeg_dicom_error;
mod jpeg_markers;
mod json;
pub mod nbia;

pub use jpeg_dicom::{jpeg_as_dicom, JpegDicomError, PhotoInfo};

/// Largest response body parsed (64 MiB): far above any page these APIs return, small enough
/// that a runaway body is refused before it is parsed.
pub const MAX_BODY_BYTES: usize = 64 << 20;

/// Scheme, lowercase host and port (the scheme's default when none is written) of an absolute
/// http(s) URL; `None` for other texts.
fn origin_parts(url: &str) -> Option<(String, String, u16)> {
    let origin = crate::dicomweb::uri::origin_of(url.trim());
    let (scheme, authority) = origin.split_once("://")?;
    let default_port = match scheme {
        "http" => 80,
        "https" => 443,
        _ => return None,
    };
    // An IPv6 literal keeps its colons inside brackets.
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) if !port.contains(']') => (host, port.parse::<u16>().ok()?),
        _ => (authority, default_port),
    };
    (!host.is_empty()).then(|| (scheme.to_string(), host.to_string(), port))
}

/// Whether `url` is on the same origin as `base`, as servers behind proxies write their links:
/// a default port written out (`https://host:443/…`) is the same origin, and so is the http form
/// of an https base on the same host (HAPI FHIR behind a TLS-terminating proxy often writes
/// `http://host/…` or `http://host:80/…`). Links elsewhere are refused, so a key sent to the
/// archive never goes to another host.
pub fn same_origin(base: &str, url: &str) -> bool {
    on_base_origin(base, url).is_some()
}

/// `url` moved onto `base`'s origin (scheme, host, port as the base writes them) when it is the
/// same origin by [`same_origin`]'s rules, so a key never travels over plain http; else `None`.
pub fn on_base_origin(base: &str, url: &str) -> Option<String> {
    let (base_scheme, base_host, base_port) = origin_parts(base)?;
    let (scheme, host, port) = origin_parts(url)?;
    let default = |scheme: &str, port: u16| (scheme == "http" && port == 80) || (scheme == "https" && port == 443);
    let same = host == base_host
        && ((scheme == base_scheme && port == base_port)
            || (scheme == "http"
                && base_scheme == "https"
                && default(&scheme, port)
                && default(&base_scheme, base_port)));
    if !same {
        return None;
    }
    let trimmed = url.trim();
    let after_scheme = trimmed.split_once("://").map_or(trimmed, |(_, rest)| rest);
    let tail = after_scheme.find(['/', '?', '#']).map_or("", |index| &after_scheme[index..]);
    Some(format!("{}{tail}", crate::dicomweb::uri::origin_of(base.trim())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxies_default_ports_and_https_upgrades_are_the_same_origin() {
        let base = "https://hackathon.siim.org/fhir-r4";
        let next = "?_getpages=abc&_getpagesoffset=20";
        for written in [
            "https://hackathon.siim.org/fhir-r4",
            "https://hackathon.siim.org:443/fhir-r4",
            "http://hackathon.siim.org/fhir-r4",
            "http://hackathon.siim.org:80/fhir-r4",
            "HTTPS://Hackathon.SIIM.org/fhir-r4",
        ] {
            let link = format!("{written}{next}");
            assert_eq!(
                on_base_origin(base, &link).as_deref(),
                Some(format!("https://hackathon.siim.org/fhir-r4{next}").as_str()),
                "{link}"
            );
        }
        for foreign in [
            "https://evil.example/fhir-r4?x",
            "https://hackathon.siim.org:8443/fhir-r4",
            "http://hackathon.siim.org:8080/fhir-r4",
            "ftp://hackathon.siim.org/fhir-r4",
            "/fhir-r4?_getpages=1",
        ] {
            assert!(!same_origin(base, foreign), "{foreign}");
        }
        // An http base is not "upgraded" into by an https link of another port, and a plain
        // http base accepts its own :80 form.
        assert!(same_origin("http://127.0.0.1:8080/fhir", "http://127.0.0.1:8080/fhir?a"));
        assert!(!same_origin("http://127.0.0.1:8080/fhir", "https://127.0.0.1/fhir"));
        assert_eq!(on_base_origin("http://h/fhir", "http://h:80/fhir?p").as_deref(), Some("http://h/fhir?p"));
        // https -> http is a downgrade: never.
        assert!(!same_origin("http://h/fhir", "https://h/fhir"));
    }
}
