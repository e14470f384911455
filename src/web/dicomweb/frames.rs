//! One frame of a remote instance, ready for the decode workers: `/frames/N` asking for the
//! stored transfer syntax (`transfer-syntax=*`, so the server does not transcode), the part cut
//! out of the multipart answer, and a small Part-10 header and trailer wrapped around it as a
//! Blob (the frame bytes are never copied into wasm memory). When a server cannot serve frames
//! (406/400/404/501, or an answer we cannot read) the whole instance is fetched instead.

use std::rc::Rc;

use dicom_object::InMemDicomObject;
use js_sys::{Array, Uint8Array};
use wasm_bindgen::JsValue;
use web_sys::{AbortSignal, Blob, BlobPropertyBag};

use super::client::{DicomWebClient, RequestError};
use crate::dicom::{Encoding, TransferSyntax};
use crate::dicomweb::failure::FetchFailure;
use crate::dicomweb::frame_file::frame_file_parts;
use crate::dicomweb::multipart::{frame_transfer_syntax, split_parts};
use crate::dicomweb::wado::{frames_accept, frames_url, instance_accept, instance_url};
use crate::web::i18n::{tr, trf};
use crate::web::perf::mark_once;

/// Where an instance's pixels come from on a DICOMweb server.
#[derive(Clone)]
pub struct RemoteInstance {
    pub client: Rc<DicomWebClient>,
    pub study: String,
    pub series: String,
    pub instance: String,
    /// The stored transfer syntax, when the metadata named it (0002,0010).
    pub transfer_syntax: Option<String>,
}

/// What came back: one frame as a small Part-10 file (in wasm memory when it is uncompressed
/// and small, so it is read on the page without a trip to a worker; else as a Blob for the
/// decode workers), or the whole instance.
pub enum Fetched {
    Native(Vec<u8>),
    Frame(Blob),
    WholeInstance(Blob),
}

/// Uncompressed frames up to this size are unpacked on the page (a copy, no decoding).
const NATIVE_ON_PAGE_BYTES: usize = 2 << 20;

fn blob_of(parts: &[JsValue]) -> Result<Blob, String> {
    let array: Array = parts.iter().collect();
    let options = BlobPropertyBag::new();
    options.set_type("application/dicom");
    Blob::new_with_u8_array_sequence_and_options(&array, &options).map_err(|e| format!("{e:?}"))
}

/// Status codes that mean "this server does not do frames like that": try the whole instance.
fn frames_unsupported(error: &RequestError) -> bool {
    matches!(
        error.failure,
        FetchFailure::Status { code: 400 | 404 | 406 | 415 | 501, .. } | FetchFailure::Malformed { .. }
    )
}

/// Frame `index` (0-based) of `remote`.
pub async fn fetch_frame(
    remote: &RemoteInstance,
    dataset: &InMemDicomObject,
    index: u32,
    signal: Option<&AbortSignal>,
) -> Result<Fetched, RequestError> {
    let client = &remote.client;
    let source = &client.source;
    let what = trf("dicomweb.what.slice", &[("number", &(index + 1).to_string())]);
    let url = frames_url(source, &remote.study, &remote.series, &remote.instance, &[index + 1])
        .map_err(|e| client.malformed("", &what, e))?;
    let attempt = async {
        mark_once("dv:first-frame-request");
        let answer = client.get(&url, &frames_accept(&source.flags), &what, signal).await?;
        mark_once("dv:first-frame-bytes");
        let bytes = answer.bytes();
        let parts = split_parts(&answer.content_type, &bytes).map_err(|e| client.malformed(&url, &what, e))?;
        let part = parts.first().ok_or_else(|| client.malformed(&url, &what, "no part in the answer"))?;
        let syntax = frame_transfer_syntax(part, &answer.content_type, remote.transfer_syntax.as_deref());
        let length = part.body.end.saturating_sub(part.body.start);
        let wrap = frame_file_parts(dataset, &syntax, length).map_err(|e| client.malformed(&url, &what, e))?;
        let native =
            TransferSyntax::from_uid(&syntax).is_some_and(|ts| ts.encoding == Encoding::Native && !ts.big_endian);
        if native && length <= NATIVE_ON_PAGE_BYTES {
            if let Some(frame) = bytes.get(part.body.clone()) {
                return Ok(Fetched::Native(wrap.assemble(frame)));
            }
        }
        let mut pieces =
            vec![JsValue::from(Uint8Array::from(wrap.head.as_slice())), answer.slice(part.body.clone()).into()];
        if wrap.pad {
            pieces.push(Uint8Array::from(&[0u8][..]).into());
        }
        if !wrap.tail.is_empty() {
            pieces.push(Uint8Array::from(wrap.tail.as_slice()).into());
        }
        blob_of(&pieces).map(Fetched::Frame).map_err(|e| client.malformed(&url, &what, e))
    };
    match attempt.await {
        Err(error) if frames_unsupported(&error) => fetch_instance(remote, signal).await.map(Fetched::WholeInstance),
        other => other,
    }
}

/// The whole instance as a Part-10 file (`application/dicom` in a multipart answer).
pub async fn fetch_instance(remote: &RemoteInstance, signal: Option<&AbortSignal>) -> Result<Blob, RequestError> {
    let client = &remote.client;
    let what = tr("dicomweb.what.image_file");
    let url = instance_url(&client.source, &remote.study, &remote.series, &remote.instance)
        .map_err(|e| client.malformed("", what, e))?;
    let answer = client.get(&url, &instance_accept(&client.source.flags), what, signal).await?;
    let bytes = answer.bytes();
    let parts = split_parts(&answer.content_type, &bytes).map_err(|e| client.malformed(&url, what, e))?;
    let part = parts.first().ok_or_else(|| client.malformed(&url, what, "no part in the answer"))?;
    blob_of(&[answer.slice(part.body.clone()).into()]).map_err(|e| client.malformed(&url, what, e))
}
