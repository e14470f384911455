//! Opening a study from a DICOMweb server: the series list (QIDO-RS), then each series'
//! metadata (WADO-RS), with the bulk data drawing needs (palettes) followed through its
//! BulkDataURI. Every
//! instance joins the session as a remote instance: the study library groups it like a local
//! file, and its frames are fetched only when a viewport (or the background load) asks.

use std::rc::Rc;

use dicom_core::Tag;
use leptos::prelude::*;
use web_sys::AbortSignal;

use super::client::{DicomWebClient, RequestError};
use super::frames::RemoteInstance;
use crate::dicom::{DicomImage, SampleFormat};
use crate::dicomweb::bulk_data::fetch_before_display;
use crate::dicomweb::json::{
    dataset_from_json, insert_bulk_data, item_at, item_ranges, parse_series_rows, JsonDataset, SeriesRow,
};
use crate::dicomweb::multipart::split_parts;
use crate::dicomweb::qido::series_search_url;
use crate::dicomweb::wado::{bulk_data_accept, resolve_bulk_data_uri, series_metadata_url};
use crate::web::context::AppContext;
use crate::web::i18n::{tr, trf};
use crate::web::perf::mark_once;
use crate::web::session::{Content, Session};
use crate::web::tasks::{now, yield_if_due};

const PIXEL_DATA: Tag = Tag(0x7FE0, 0x0010);
const FLOAT_PIXEL_DATA: Tag = Tag(0x7FE0, 0x0008);
const DOUBLE_FLOAT_PIXEL_DATA: Tag = Tag(0x7FE0, 0x0009);
const TRANSFER_SYNTAX_UID: Tag = Tag(0x0002, 0x0010);
const ROWS: Tag = Tag(0x0028, 0x0010);
/// Largest bulk data value kept (palettes are small; pixels come per frame).
const MAX_BULK_BYTES: usize = 16 << 20;

fn text_of(dataset: &dicom_object::InMemDicomObject, tag: Tag) -> Option<String> {
    dataset.element(tag).ok().and_then(|e| e.to_str().ok()).map(|s| s.trim_end_matches(['\0', ' ']).to_string())
}

/// The series of a study, ordered by series number (QIDO results come unsorted).
pub async fn study_series(
    client: &DicomWebClient,
    study: &str,
    signal: Option<&AbortSignal>,
) -> Result<Vec<SeriesRow>, RequestError> {
    let what = tr("dicomweb.what.series_list");
    let url = series_search_url(&client.source, study).map_err(|e| client.malformed("", what, e))?;
    let body = client.get_json(&url, what, signal).await?;
    mark_once("dv:qido");
    let mut rows = parse_series_rows(&body).map_err(|e| client.malformed(&url, what, e))?;
    rows.sort_by_key(|r| (r.series_number.unwrap_or(i32::MAX), r.series_uid.clone()));
    Ok(rows)
}

/// Follows the BulkDataURIs that drawing needs (`dicomweb::bulk_data`: palette data, when the
/// source allows bulk data; never private attributes or pixel data).
async fn fetch_bulk_data(
    client: &DicomWebClient,
    item: &mut JsonDataset,
    (study, series): (&str, &str),
    signal: Option<&AbortSignal>,
) -> Result<(), RequestError> {
    let wanted: Vec<_> =
        item.bulk_data.iter().filter(|r| fetch_before_display(&client.source.flags, r)).cloned().collect();
    for reference in wanted {
        let url = resolve_bulk_data_uri(&client.source.wado_root, study, series, &reference.uri);
        let what = trf("dicomweb.what.bulk_data", &[("tag", &reference.tag.to_string())]);
        let answer = client.get(&url, &bulk_data_accept(&client.source.flags), &what, signal).await?;
        let bytes = answer.bytes();
        let parts = split_parts(&answer.content_type, &bytes).map_err(|e| client.malformed(&url, &what, e))?;
        let Some(part) = parts.first() else { continue };
        let value = bytes.get(part.body.clone()).filter(|v| v.len() <= MAX_BULK_BYTES).map(<[u8]>::to_vec);
        if let Some(value) = value {
            insert_bulk_data(&mut item.dataset, &reference, value).map_err(|e| client.malformed(&url, &what, e))?;
        }
    }
    Ok(())
}

/// The image header of a metadata item (None for objects without pixels: reports, etc.).
fn image_of(item: &JsonDataset) -> Option<Result<DicomImage, String>> {
    let declared = item.bulk_data.iter().map(|r| r.tag).chain(
        [PIXEL_DATA, FLOAT_PIXEL_DATA, DOUBLE_FLOAT_PIXEL_DATA]
            .into_iter()
            .filter(|t| item.dataset.element(*t).is_ok()),
    );
    let sample_format = declared
        .filter_map(|tag| match tag {
            PIXEL_DATA => Some(SampleFormat::Integer),
            FLOAT_PIXEL_DATA => Some(SampleFormat::Float32),
            DOUBLE_FLOAT_PIXEL_DATA => Some(SampleFormat::Float64),
            _ => None,
        })
        .next()
        // Some servers leave pixel data out of the metadata altogether: an image has Rows.
        .or_else(|| item.dataset.element(ROWS).is_ok().then_some(SampleFormat::Integer))?;
    let syntax = text_of(&item.dataset, TRANSFER_SYNTAX_UID).unwrap_or_else(|| "1.2.840.10008.1.2.1".to_string());
    Some(DicomImage::from_header(item.dataset.clone(), &syntax, sample_format).map_err(|e| e.to_string()))
}

/// Reads one series' metadata and adds its instances to the session. Returns how many were new.
pub async fn add_series(
    session: &Rc<Session>,
    client: &Rc<DicomWebClient>,
    study: &str,
    series: &str,
    signal: Option<&AbortSignal>,
) -> Result<usize, RequestError> {
    let what = tr("dicomweb.what.series_metadata");
    let url = series_metadata_url(&client.source, study, series).map_err(|e| client.malformed("", what, e))?;
    mark_once("dv:metadata-request");
    let body = client.get_json(&url, what, signal).await?;
    mark_once("dv:metadata");
    let added = add_items(session, client, (study, series), (&url, what), &body, signal).await?;
    mark_once("dv:metadata-added");
    Ok(added)
}

/// Adds the instances of a metadata answer (`body`, a DICOM JSON array from `url`) to the
/// session, item by item (a series' metadata runs to megabytes: one parse of it all is a long
/// task), then tells the library once: a viewport filled with the first instance alone would
/// fetch that slice first, before the opening (middle) slice. Returns how many were new.
async fn add_items(
    session: &Rc<Session>,
    client: &Rc<DicomWebClient>,
    (study, series): (&str, &str),
    (url, what): (&str, &str),
    body: &[u8],
    signal: Option<&AbortSignal>,
) -> Result<usize, RequestError> {
    let ranges = item_ranges(body).map_err(|e| client.malformed(url, what, e))?;
    mark_once("dv:metadata-parsed");
    let mut added = 0;
    let mut task_start = now();
    for range in ranges {
        let item = item_at(body, range).map_err(|e| client.malformed(url, what, e))?;
        let mut item = dataset_from_json(&item).map_err(|e| client.malformed(url, what, e))?;
        fetch_bulk_data(client, &mut item, (study, series), signal).await?;
        let instance_uid = text_of(&item.dataset, Tag(0x0008, 0x0018)).unwrap_or_default();
        let transfer_syntax = text_of(&item.dataset, TRANSFER_SYNTAX_UID);
        let remote = RemoteInstance {
            client: client.clone(),
            study: study.to_string(),
            series: series.to_string(),
            instance: instance_uid.clone(),
            transfer_syntax,
        };
        let image = image_of(&item).unwrap_or_else(|| Err("this object has no image".to_string()));
        let name = format!("{} {}", client.source.friendly_name, instance_uid);
        if session.add(name, Content::Remote(remote), item.dataset, image).is_some() {
            added += 1;
        }
        // Let the page breathe while a large series is added.
        task_start = yield_if_due(task_start).await;
    }
    session.signals.library_revision.update(|r| *r += 1);
    Ok(added)
}

/// The display set showing `series` and its frame count, if the library has one.
pub fn display_set_of_series(app: &AppContext, series: &str) -> Option<(String, usize)> {
    let session = app.session();
    let library = session.library.borrow();
    library
        .patients()
        .into_iter()
        .flat_map(|p| p.studies)
        .flat_map(|s| s.series)
        .flat_map(|s| s.display_sets)
        .find(|set| set.series_instance_uid == series && set.has_pixel_data)
        .map(|set| (set.key, set.frames.len()))
}
