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

/// Whether `url` is on the same origin (scheme, host, port) as `base`: paging links that point
/// elsewhere are refused, so a key sent to the archive never goes to another host.
pub fn same_origin(base: &str, url: &str) -> bool {
    use crate::dicomweb::uri::origin_of;
    url.contains("://") && origin_of(base) == origin_of(url)
}
