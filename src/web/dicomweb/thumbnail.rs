//! A series thumbnail in the study browser: the server's rendering of the middle instance
//! (`/rendered` or `/thumbnail`, PS3.18 10.4.1.1.3 / 10.9) when the data source says it has
//! one, else that instance fetched whole and its middle frame decoded here. Fetched with the
//! source's key (an <img src> could not send it), shown from an object URL freed on cleanup.

use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, Url};

use super::client::DicomWebClient;
use super::frames::{fetch_instance, RemoteInstance};
use crate::dicom::DicomImage;
use crate::dicomweb::json::{parse_instance_rows, SeriesRow};
use crate::dicomweb::opening::opening_instance;
use crate::dicomweb::qido::instances_search_url;
use crate::dicomweb::source::ThumbnailKind;
use crate::dicomweb::wado::{rendered_url, thumbnail_url, RENDERED_ACCEPT};
use crate::web::context::use_app;
use crate::web::i18n::trf;
use crate::web::series_panel::thumbnail_of;
use crate::web::session::Session;

/// Edge of a server rendering we ask for.
const VIEWPORT: u32 = 128;

/// The instance in the middle of the series (by Instance Number).
async fn middle_instance(client: &DicomWebClient, row: &SeriesRow) -> Option<String> {
    let url = instances_search_url(&client.source, &row.study_uid, &row.series_uid).ok()?;
    let body = client.get_json(&url, "the instance list", None).await.ok()?;
    let rows = parse_instance_rows(&body).ok()?;
    opening_instance(&rows).map(|r| r.sop_instance_uid.clone())
}

async fn server_rendering(client: &DicomWebClient, row: &SeriesRow, instance: &str) -> Option<String> {
    let source = &client.source;
    let url = match source.thumbnails {
        ThumbnailKind::Rendered => rendered_url(source, &row.study_uid, &row.series_uid, instance, None, VIEWPORT),
        ThumbnailKind::Thumbnail => thumbnail_url(source, &row.study_uid, &row.series_uid, instance),
        ThumbnailKind::DecodeFrame => return None,
    }
    .ok()?;
    // One media type: Orthanc 1.10 answers 400 to a list ("image/jpeg, image/png").
    let answer = client.get(&url, RENDERED_ACCEPT, "a thumbnail", None).await.ok()?;
    let media = answer.content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if !media.starts_with("image/") {
        return None;
    }
    let options = BlobPropertyBag::new();
    options.set_type(&media);
    let blob = Blob::new_with_buffer_source_sequence_and_options(&js_sys::Array::of1(&answer.body), &options).ok()?;
    Url::create_object_url_with_blob(&blob).ok()
}

async fn decoded_here(
    session: Rc<Session>,
    client: Rc<DicomWebClient>,
    row: &SeriesRow,
    instance: String,
) -> Option<String> {
    let remote = RemoteInstance {
        client,
        study: row.study_uid.clone(),
        series: row.series_uid.clone(),
        instance,
        transfer_syntax: None,
    };
    let blob = fetch_instance(&remote, None).await.ok()?;
    let buffer = JsFuture::from(blob.array_buffer()).await.ok()?;
    let bytes = js_sys::Uint8Array::new(buffer.unchecked_ref()).to_vec();
    let image = DicomImage::parse_header(&bytes).ok()?;
    let middle = image.info.number_of_frames.max(1) / 2;
    let frame = session.decode_file(&blob, middle).await.ok()?;
    thumbnail_of(&image, middle, &frame)
}

#[component]
pub fn SeriesThumbnail(source: String, row: SeriesRow) -> impl IntoView {
    let app = use_app();
    let client = app.dicomweb.get_value().sources.client(&source);
    let url = RwSignal::new(None::<String>);
    let failed = RwSignal::new(false);
    if let Some(client) = client {
        let session = app.session();
        let row = row.clone();
        leptos::task::spawn_local(async move {
            let found = match middle_instance(&client, &row).await {
                Some(instance) => match server_rendering(&client, &row, &instance).await {
                    Some(found) => Some(found),
                    None => decoded_here(session, client, &row, instance).await,
                },
                None => None,
            };
            match found {
                Some(found) => {
                    if url.try_set(Some(found.clone())).is_some() && found.starts_with("blob:") {
                        let _ = Url::revoke_object_url(&found);
                    }
                }
                None => {
                    let _ = failed.try_set(true);
                }
            }
        });
    }
    on_cleanup(move || {
        if let Some(found) = url.try_get_untracked().flatten().filter(|u| u.starts_with("blob:")) {
            let _ = Url::revoke_object_url(&found);
        }
    });
    let description = row.description.clone();
    let label = move || trf("dicomweb.series.thumbnail", &[("description", &description)]);
    move || {
        match url.get() {
        Some(src) => view! { <img class="thumb" src=src alt=label.clone() data-testid="series-thumbnail" width="64" height="64" /> }.into_any(),
        None => view! { <span class="thumb placeholder" aria-hidden="true">{move || if failed.get() { "—" } else { "…" }}</span> }.into_any(),
    }
    }
}
