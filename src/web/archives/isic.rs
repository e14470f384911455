//! The ISIC Archive (API v2): search dermoscopy images (ISIC query syntax, e.g.
//! `diagnosis_3:"Melanoma Invasive"`), page with the `next` cursor, and open one: its JPEG is
//! wrapped as a DICOM VL Photographic Image (JPEG Baseline, YBR_FULL_422, nothing re-encoded)
//! whose descriptions carry the clinical metadata, so it opens in the viewer with every tool.

use std::rc::Rc;

use leptos::prelude::*;
use web_sys::Blob;

use crate::archives::isic::{
    age_text, image_search_url, parse_image_page, plain_photo_note, shows_as_plain_photo, IsicImage,
};
use crate::archives::jpeg_dicom::{jpeg_as_dicom, PhotoInfo};
use crate::i18n::Lang;
use crate::web::context::{use_app, AppContext};
use crate::web::dicomweb::DicomWebClient;
use crate::web::i18n::{integer, lang, tr, trf};
use crate::web::loader::{self, Source};

/// Images per page.
const PAGE: u32 = 24;

fn client(app: AppContext, name: &str) -> Option<Rc<DicomWebClient>> {
    super::archive_client(app, |a| &a.isic, name)
}

/// One line of clinical facts: "melanoma · malignant · posterior torso · about 55 · female",
/// the age worded by `age` (the interface's language on screen, English in the DICOM file).
fn facts_with(image: &IsicImage, age: String) -> String {
    [
        image.diagnosis_text().to_string(),
        image.benign_or_malignant(),
        image.anatomic_site.clone(),
        age,
        image.sex.clone(),
    ]
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(" · ")
}

/// The facts as the page shows them (tracked: follows a language switch).
fn facts(image: &IsicImage) -> String {
    facts_with(image, age_text(lang(), image.age_approx))
}

/// Fetches the JPEG, wraps it as DICOM and opens it in the viewer. When the image host does not
/// let the page read the bytes (no CORS), the photo is shown in `photo` as a plain image instead.
fn open_image(
    app: AppContext,
    client: Rc<DicomWebClient>,
    image: IsicImage,
    photo: RwSignal<Option<(IsicImage, String)>>,
) {
    let session = app.session();
    photo.set(None);
    leptos::task::spawn_local(async move {
        let what = trf("archives.what.image", &[("id", &image.isic_id)]);
        session.signals.progress.set(Some((trf("archives.isic.loading", &[("id", &image.isic_id)]), 0, 1)));
        let answer = client.get(&image.full_url, "image/jpeg", &what, None).await;
        session.signals.progress.set(None);
        let answer = match answer {
            Ok(answer) => answer,
            Err(e) if shows_as_plain_photo(&e.failure) => {
                let note = plain_photo_note(lang(), &image);
                return photo.set(Some((image, note)));
            }
            Err(e) => return session.report(e.message),
        };
        let info = PhotoInfo {
            uid_seed: image.isic_id.clone(),
            patient_id: image.isic_id.clone(),
            patient_name: "ISIC Archive".to_string(),
            patient_sex: image.sex.clone(),
            study_description: format!(
                "{}: {}",
                image.isic_id,
                facts_with(&image, age_text(Lang::En, image.age_approx))
            ),
            series_description: format!("Dermoscopy · {} · {}", image.attribution, image.copyright_license),
            body_part: image.anatomic_site.clone(),
            ..PhotoInfo::default()
        };
        let blob = jpeg_as_dicom(&answer.bytes(), &info)
            .map_err(|e| trf("archives.isic.cannot_show", &[("id", &image.isic_id), ("reason", &e.to_string())]))
            .and_then(|file| {
                let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(file.as_slice()));
                Blob::new_with_u8_array_sequence(&parts).map_err(|_| tr("archives.isic.blob_refused").to_string())
            });
        match blob {
            Ok(blob) => {
                app.archive.set(None);
                loader::open_all(session, vec![Source { path: format!("{}.dcm", image.isic_id), blob }]).await
            }
            Err(message) => session.report(message),
        }
    });
}

#[component]
pub fn IsicBrowser(source: String) -> impl IntoView {
    let app = use_app();
    let query = RwSignal::new(String::new());
    let images = RwSignal::new(Vec::<IsicImage>::new());
    let next = RwSignal::new(None::<String>);
    let count = RwSignal::new(None::<u64>);
    let status = RwSignal::new(None::<Result<(), String>>);
    let photo = RwSignal::new(None::<(IsicImage, String)>);
    let name = source.clone();
    let load = move |url: Option<String>| {
        let Some(client) = client(app, &name) else {
            return status.set(Some(Err(trf("archives.isic.unknown", &[("name", &name)]))));
        };
        let append = url.is_some();
        let url = url.unwrap_or_else(|| image_search_url(&client.source.qido_root, &query.get_untracked(), &[], PAGE));
        status.set(None);
        leptos::task::spawn_local(async move {
            let what = tr("archives.what.image_search");
            let outcome = match client.get(&url, "application/json", what, None).await {
                Ok(answer) => parse_image_page(&answer.bytes(), &client.source.qido_root)
                    .map_err(|e| client.malformed(&url, what, e).message),
                Err(e) => Err(e.message),
            };
            match outcome {
                Ok(page) => {
                    images.update(|list| {
                        if !append {
                            list.clear();
                        }
                        list.extend(page.images);
                    });
                    if page.count.is_some() {
                        count.set(page.count);
                    }
                    next.set(page.next);
                    status.set(Some(Ok(())));
                }
                Err(message) => status.set(Some(Err(message))),
            }
        });
    };
    let (search, more) = (load.clone(), load.clone());
    load(None);
    let name = source.clone();
    view! {
        <section class="archive isic" data-testid="isic-browser" aria-label=move || tr("archives.isic.label")>
            <header class="browser-head">
                <form class="study-search" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); search(None) }>
                    <label><span>{move || tr("archives.isic.query")}</span>
                        <input type="search" data-testid="isic-query" size="40" prop:value=move || query.get()
                            on:input=move |ev| query.set(event_target_value(&ev)) />
                    </label>
                    <button type="submit" data-testid="isic-search">{move || tr("common.search")}</button>
                </form>
                <button type="button" on:click=move |_| app.archive.set(None)>{move || tr("common.close")}</button>
            </header>
            <p class="search-status" data-testid="isic-status">{move || match (status.get(), count.get()) {
                (None, _) => tr("common.searching").to_string(),
                (Some(Err(_)), _) => String::new(),
                (Some(Ok(())), Some(total)) => trf("archives.isic.count_of", &[
                    ("count", &integer(images.with(Vec::len) as i64)),
                    ("total", &integer(i64::try_from(total).unwrap_or(i64::MAX))),
                ]),
                (Some(Ok(())), None) => trf("common.images", &[("count", &integer(images.with(Vec::len) as i64))]),
            }}</p>
            {move || status.get().and_then(Result::err).map(|m| view! { <p class="error" role="alert" data-testid="browse-error">{m}</p> })}
            {move || photo.get().map(|(image, note)| view! {
                <figure class="isic-photo" data-testid="isic-photo" data-isic-id=image.isic_id.clone()>
                    <img src=image.full_url.clone() alt={ let id = image.isic_id.clone(); move || trf("archives.isic.photo_alt", &[("id", &id)]) } />
                    <figcaption>
                        <strong>{image.isic_id.clone()}</strong>" "<span class="facts">{ let image = image.clone(); move || facts(&image) }</span>
                        <p class="note" data-testid="isic-photo-note">{note}</p>
                        <button type="button" on:click=move |_| photo.set(None)>{move || tr("archives.isic.close_photo")}</button>
                    </figcaption>
                </figure>
            })}
            <ul class="isic-grid">
                {move || images.get().into_iter().map(|image| {
                    let (chosen, name) = (image.clone(), name.clone());
                    view! {
                        <li data-testid="isic-image" data-isic-id=image.isic_id.clone()>
                            <button type="button" data-testid="isic-open" aria-label={ let id = image.isic_id.clone(); move || trf("archives.isic.open", &[("id", &id)]) }
                                on:click=move |_| if let Some(client) = client(app, &name) { open_image(app, client, chosen.clone(), photo) }>
                                <img src=image.thumbnail_url.clone() alt={ let id = image.isic_id.clone(); move || trf("archives.isic.thumbnail_alt", &[("id", &id)]) } loading="lazy" width="128" height="96" />
                            </button>
                            <strong>{image.isic_id.clone()}</strong>
                            <span class="facts">{ let image = image.clone(); move || facts(&image) }</span>
                            <small>{format!("{} · {}", image.attribution, image.copyright_license)}</small>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || next.get().map(|url| { let more = more.clone(); view! { <button type="button" data-testid="isic-more" on:click=move |_| more(Some(url.clone()))>{move || tr("archives.isic.more")}</button> } })}
        </section>
    }
}
