//! DICOMweb (PS3.18) without the network: data-source configuration, QIDO-RS queries, WADO-RS
//! addresses and Accept headers, DICOM JSON (PS3.18 F.2) and multipart/related responses, error
//! classification and retry policy, and OHIF-style deep links. The browser layer
//! (`web::dicomweb`) only sends what this module builds and hands back what it received.

pub mod bulk_data;
pub mod config;
pub mod deep_link;
pub mod derived;
pub mod failure;
pub mod frame_file;
pub mod json;
pub mod multipart;
pub mod opening;
pub mod priors;
pub mod qido;
pub mod response_error;
pub mod source;
pub mod uri;
pub mod wado;

pub use response_error::ResponseError;
