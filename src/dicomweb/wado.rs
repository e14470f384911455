//! WADO-RS resource addresses (PS3.18 10.4.1: metadata, instances, frames, rendered, thumbnail),
//! the Accept headers for multipart/related responses (PS3.18 8.7.3.5 and 8.7.5), BulkDataURI
//! resolution (PS3.18 F.2.6) and the authentication header.
//!
//! UIDs come from server answers and are checked before they become path segments, so a hostile
//! answer cannot steer a request elsewhere.

use super::source::{AuthKind, DataSource, SourceFlags};
use super::uri::{checked_uid, origin_of, QueryError};

/// Accept header for QIDO-RS answers and WADO-RS metadata (PS3.18 8.7.3.2).
pub const DICOM_JSON_ACCEPT: &str = "application/dicom+json";

/// Accept header for `/rendered` and `/thumbnail` (PS3.18 8.7.4: image/jpeg is always supported).
pub const RENDERED_ACCEPT: &str = "image/jpeg";

/// `{wadoRoot}/studies/{study}/series/{series}/metadata`.
pub fn series_metadata_url(source: &DataSource, study: &str, series: &str) -> Result<String, QueryError> {
    Ok(format!("{}/metadata", series_url(&source.wado_root, study, series)?))
}

/// `.../instances/{instance}/metadata`: one instance's metadata (PS3.18 10.4.1.1.2).
pub fn instance_metadata_url(
    source: &DataSource,
    study: &str,
    series: &str,
    instance: &str,
) -> Result<String, QueryError> {
    Ok(format!("{}/metadata", instance_url(source, study, series, instance)?))
}

/// `.../instances/{instance}`: the whole instance (Part 10 in multipart/related).
pub fn instance_url(source: &DataSource, study: &str, series: &str, instance: &str) -> Result<String, QueryError> {
    Ok(format!("{}/instances/{}", series_url(&source.wado_root, study, series)?, checked_uid(instance)?))
}

/// `.../instances/{instance}/frames/1,2,3` (frame numbers are 1-based, PS3.18 10.4.1.1.5).
pub fn frames_url(
    source: &DataSource,
    study: &str,
    series: &str,
    instance: &str,
    frame_numbers: &[u32],
) -> Result<String, QueryError> {
    if frame_numbers.is_empty() || frame_numbers.contains(&0) {
        return Err(QueryError::InvalidFrameList);
    }
    let list: Vec<String> = frame_numbers.iter().map(u32::to_string).collect();
    Ok(format!("{}/frames/{}", instance_url(source, study, series, instance)?, list.join(",")))
}

/// `.../instances/{instance}[/frames/{frame}]/rendered?viewport={size},{size}` (PS3.18 10.4.1.1.3,
/// viewport parameter 8.3.5.1.3).
pub fn rendered_url(
    source: &DataSource,
    study: &str,
    series: &str,
    instance: &str,
    frame: Option<u32>,
    viewport: u32,
) -> Result<String, QueryError> {
    let instance = instance_url(source, study, series, instance)?;
    let target = match frame {
        Some(0) => return Err(QueryError::InvalidFrameList),
        Some(frame) => format!("{instance}/frames/{frame}"),
        None => instance,
    };
    Ok(format!("{target}/rendered?viewport={viewport},{viewport}"))
}

/// `.../instances/{instance}/thumbnail?viewport=128,128` (PS3.18 10.4.1.1.4).
pub fn thumbnail_url(source: &DataSource, study: &str, series: &str, instance: &str) -> Result<String, QueryError> {
    Ok(format!("{}/thumbnail?viewport=128,128", instance_url(source, study, series, instance)?))
}

/// Frames as they are stored (any transfer syntax), one part per frame.
pub fn frames_accept(flags: &SourceFlags) -> String {
    multipart_accept("application/octet-stream", flags)
}

/// Whole instances as Part 10 files, in their stored transfer syntax.
pub fn instance_accept(flags: &SourceFlags) -> String {
    multipart_accept("application/dicom", flags)
}

/// Bulk data (PS3.18 8.7.3.5.2: application/octet-stream is the default bulk data media type).
pub fn bulk_data_accept(flags: &SourceFlags) -> String {
    multipart_accept("application/octet-stream", flags)
}

fn multipart_accept(media_type: &str, flags: &SourceFlags) -> String {
    if flags.omit_quotation_for_multipart_request {
        format!("multipart/related; type={media_type}; transfer-syntax=*")
    } else {
        format!("multipart/related; type=\"{media_type}\"; transfer-syntax=*")
    }
}

/// Makes a BulkDataURI from series metadata absolute. Absolute http(s) URIs are kept; `/path` is
/// joined to the origin of `wado_root`; other relative URIs are resolved (RFC 3986 5.2, with `.`
/// and `..` segments) against the series URL, which PS3.18 F.2.6 makes their base, except that
/// `series/…` and `bulkdata/…` are taken as study-relative, as OHIF's fixBulkDataURI does.
pub fn resolve_bulk_data_uri(wado_root: &str, study: &str, series: &str, uri: &str) -> String {
    let lower = uri.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return uri.to_string();
    }
    let origin = origin_of(wado_root);
    if uri.starts_with('/') {
        return format!("{origin}{uri}");
    }
    let root_path = wado_root.get(origin.len()..).unwrap_or_default();
    let base = if uri.starts_with("series/") || uri.starts_with("bulkdata/") {
        format!("{root_path}/studies/{study}/")
    } else {
        format!("{root_path}/studies/{study}/series/{series}/")
    };
    format!("{origin}{}", remove_dot_segments(&format!("{base}{uri}")))
}

/// RFC 3986 5.2.4 on a path (`..` never climbs above the origin).
fn remove_dot_segments(path: &str) -> String {
    let (path, query) = match path.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (path, None),
    };
    let mut segments: Vec<&str> = Vec::new();
    let parts: Vec<&str> = path.split('/').skip(1).collect();
    for (index, part) in parts.iter().enumerate() {
        let last = index + 1 == parts.len();
        match *part {
            "." if last => segments.push(""),
            "." => {}
            ".." => {
                segments.pop();
                if last {
                    segments.push("");
                }
            }
            part => segments.push(part),
        }
    }
    let mut out = format!("/{}", segments.join("/"));
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

/// The header carrying the credential: `(header, key)` for API keys, `("Authorization",
/// "Bearer <token>")` for bearer tokens; `None` without auth or without a secret.
pub fn auth_header(auth: &AuthKind, secret: &str) -> Option<(String, String)> {
    let secret = secret.trim();
    if secret.is_empty() {
        return None;
    }
    match auth {
        AuthKind::None => None,
        AuthKind::ApiKey { header } => Some((header.clone(), secret.to_string())),
        AuthKind::Bearer => Some(("Authorization".to_string(), format!("Bearer {secret}"))),
    }
}

fn series_url(wado_root: &str, study: &str, series: &str) -> Result<String, QueryError> {
    Ok(format!("{wado_root}/studies/{}/series/{}", checked_uid(study)?, checked_uid(series)?))
}
