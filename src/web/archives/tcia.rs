//! TCIA through the NBIA REST API v4: collections → patients → studies → series (modality,
//! body part, image count); a series downloads as one ZIP (streamed, with a progress bar) and
//! opens like a dropped ZIP: unzipped in the browser, grouped, shown.

use std::rc::Rc;

use leptos::prelude::*;

use crate::archives::nbia::{
    collections_url, describe_failure, image_zip_url, parse_collections, parse_patients, parse_series, parse_studies,
    patients_url, series_url, studies_url, NbiaPatient, NbiaSeries, NbiaStudy, IMAGE_ZIP_ACCEPT,
};
use crate::viewer::overlay::format_date_in;
use crate::web::context::{use_app, AppContext};
use crate::web::dicomweb::{DicomWebClient, RequestError};
use crate::web::i18n::{integer, lang, tr, trf};
use crate::web::loader::{self, Source};

/// Where the user is in the collection tree.
#[derive(Clone, Debug, PartialEq)]
enum Level {
    Collections,
    Patients { collection: String },
    Studies { collection: String, patient: String },
    Series { collection: String, patient: String, study: String },
}

/// One level's rows.
#[derive(Clone)]
enum Rows {
    Collections(Vec<String>),
    Patients(Vec<NbiaPatient>),
    Studies(Vec<NbiaStudy>),
    Series(Vec<NbiaSeries>),
}

fn client(app: AppContext, name: &str) -> Option<Rc<DicomWebClient>> {
    super::archive_client(app, |a| &a.nbia, name)
}

/// A failed request in TCIA's words where the core has them (statuses), else the general ones.
fn in_tcia_words(mut error: RequestError, what: &str, image_download: bool) -> RequestError {
    if let Some(message) = describe_failure(lang(), &error.failure, what, image_download) {
        error.message = message;
    }
    error
}

async fn fetch_level(client: &DicomWebClient, level: &Level) -> Result<Rows, RequestError> {
    let root = client.source.qido_root.clone();
    let (url, what) = match level {
        Level::Collections => (collections_url(&root), tr("archives.what.collections")),
        Level::Patients { collection } => (patients_url(&root, collection), tr("archives.what.collection_patients")),
        Level::Studies { collection, patient } => {
            (studies_url(&root, collection, patient), tr("archives.what.patient_studies"))
        }
        Level::Series { study, .. } => {
            let what = tr("archives.what.study_series");
            (series_url(&root, study).map_err(|e| client.malformed("", what, e))?, what)
        }
    };
    let body =
        client.get(&url, "application/json", what, None).await.map_err(|e| in_tcia_words(e, what, false))?.bytes();
    let bad = |e: &dyn std::fmt::Display| client.malformed(&url, what, e);
    Ok(match level {
        Level::Collections => Rows::Collections(parse_collections(&body).map_err(|e| bad(&e))?),
        Level::Patients { .. } => Rows::Patients(parse_patients(&body).map_err(|e| bad(&e))?),
        Level::Studies { .. } => Rows::Studies(parse_studies(&body).map_err(|e| bad(&e))?),
        Level::Series { .. } => Rows::Series(parse_series(&body).map_err(|e| bad(&e))?),
    })
}

/// Downloads a series ZIP with a progress bar and opens it like a dropped archive.
fn open_series(app: AppContext, client: Rc<DicomWebClient>, series: NbiaSeries) {
    let session = app.session();
    let url = match image_zip_url(&client.source.qido_root, &series.series_uid) {
        Ok(url) => url,
        Err(e) => return session.report(client.malformed("", tr("archives.what.series_archive"), e).message),
    };
    let label = trf(
        "archives.tcia.downloading",
        &[
            ("series", if series.description.is_empty() { &series.modality } else { &series.description }),
            ("count", &integer(i64::from(series.image_count.unwrap_or(0)))),
        ],
    );
    // The browser stays open until the archive is in, so a refused series leaves the list in place.
    leptos::task::spawn_local(async move {
        let signals = session.signals;
        let expected = series.size_bytes;
        let progress = |received: u64, announced: Option<u64>| {
            let total = announced.or(expected).unwrap_or(0).max(received).max(1);
            // Kilobytes, so the counts fit the u32 progress bar.
            signals.progress.set(Some((label.clone(), (received / 1024) as u32, (total / 1024).max(1) as u32)));
        };
        let what = tr("archives.what.series_archive");
        match client
            .download(&url, IMAGE_ZIP_ACCEPT, what, &progress, None)
            .await
            .map_err(|e| in_tcia_words(e, what, true))
        {
            Ok(blob) => {
                signals.progress.set(None);
                app.archive.set(None);
                loader::open_all(session, vec![Source { path: format!("{}.zip", series.series_uid), blob }]).await;
            }
            Err(e) => {
                signals.progress.set(None);
                session.report(e.message);
            }
        }
    });
}

#[component]
pub fn NbiaBrowser(source: String) -> impl IntoView {
    let app = use_app();
    let level = RwSignal::new(Level::Collections);
    let rows = RwSignal::new(None::<Result<Rows, String>>);
    let name = source.clone();
    Effect::new(move |_| {
        let current = level.get();
        rows.set(None);
        let Some(client) = client(app, &name) else {
            return rows.set(Some(Err(trf("archives.tcia.unknown", &[("name", &name)]))));
        };
        leptos::task::spawn_local(async move {
            let outcome = fetch_level(&client, &current).await.map_err(|e| e.message);
            if level.try_get_untracked().as_ref() == Some(&current) {
                rows.set(Some(outcome));
            }
        });
    });
    let crumbs = move || {
        let mut out = vec![(tr("archives.tcia.collections").to_string(), Level::Collections)];
        match level.get() {
            Level::Collections => {}
            Level::Patients { collection } => out.push((collection.clone(), Level::Patients { collection })),
            Level::Studies { collection, patient } => {
                out.push((collection.clone(), Level::Patients { collection: collection.clone() }));
                out.push((patient.clone(), Level::Studies { collection, patient }));
            }
            Level::Series { collection, patient, study } => {
                out.push((collection.clone(), Level::Patients { collection: collection.clone() }));
                out.push((
                    patient.clone(),
                    Level::Studies { collection: collection.clone(), patient: patient.clone() },
                ));
                out.push((tr("archives.tcia.series").to_string(), Level::Series { collection, patient, study }));
            }
        }
        out
    };
    let name = source.clone();
    view! {
        <section class="archive tcia" data-testid="tcia-browser" aria-label=move || tr("archives.tcia.label")>
            <header class="browser-head">
                <nav aria-label=move || tr("archives.tcia.crumbs") class="crumbs">
                    {move || crumbs().into_iter().map(|(label, target)| view! {
                        <button type="button" data-testid="tcia-crumb" on:click=move |_| level.set(target.clone())>{label}</button>
                    }).collect_view()}
                </nav>
                <button type="button" on:click=move |_| app.archive.set(None)>{move || tr("common.close")}</button>
            </header>
            {move || match rows.get() {
                None => view! { <p class="search-status">{move || tr("archives.tcia.asking")}</p> }.into_any(),
                Some(Err(message)) => view! { <p class="error" role="alert" data-testid="browse-error">{message}</p> }.into_any(),
                Some(Ok(Rows::Collections(list))) if list.is_empty() => view! { <p>{move || tr("archives.tcia.no_collections")}</p> }.into_any(),
                Some(Ok(Rows::Collections(list))) => view! {
                    <ul class="tcia-list">{list.into_iter().map(|c| { let target = c.clone(); view! {
                        <li><button type="button" data-testid="tcia-collection" data-collection=c.clone()
                            on:click=move |_| level.set(Level::Patients { collection: target.clone() })>{c.clone()}</button></li>
                    }}).collect_view()}</ul>
                }.into_any(),
                Some(Ok(Rows::Patients(list))) => {
                    let collection = match level.get_untracked() { Level::Patients { collection } => collection, _ => String::new() };
                    if list.is_empty() { return view! { <p data-testid="tcia-empty">{move || tr("archives.tcia.no_patients")}</p> }.into_any() }
                    view! { <ul class="tcia-list">{list.into_iter().map(|p| { let (c, id) = (collection.clone(), p.id.clone()); view! {
                        <li><button type="button" data-testid="tcia-patient" data-patient=p.id.clone()
                            on:click=move |_| level.set(Level::Studies { collection: c.clone(), patient: id.clone() })>{p.id.clone()}</button>
                            <span>{[p.name.clone(), p.sex.clone()].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(", ")}</span></li>
                    }}).collect_view()}</ul> }.into_any()
                }
                Some(Ok(Rows::Studies(list))) => {
                    let (collection, patient) = match level.get_untracked() { Level::Studies { collection, patient } => (collection, patient), _ => Default::default() };
                    if list.is_empty() { return view! { <p data-testid="tcia-empty">{move || tr("archives.tcia.no_studies")}</p> }.into_any() }
                    view! { <ul class="tcia-list">{list.into_iter().map(|s| { let (c, p, uid) = (collection.clone(), patient.clone(), s.study_uid.clone()); view! {
                        <li><button type="button" data-testid="tcia-study" data-study-uid=s.study_uid.clone()
                            on:click=move |_| level.set(Level::Series { collection: c.clone(), patient: p.clone(), study: uid.clone() })>
                            { let (date, description) = (s.date.clone(), s.description.clone()); move || format!("{} {}", format_date_in(lang(), date.get(..10).unwrap_or(&date)), description) }</button></li>
                    }}).collect_view()}</ul> }.into_any()
                }
                Some(Ok(Rows::Series(list))) => {
                    if list.is_empty() { return view! { <p data-testid="tcia-empty">{move || tr("archives.tcia.no_series")}</p> }.into_any() }
                    let name = name.clone();
                    view! { <table class="studies"><thead><tr><th>{move || tr("archives.tcia.modality")}</th><th>{move || tr("archives.tcia.body_part")}</th><th>{move || tr("dicomweb.column.description")}</th><th>{move || tr("dicomweb.column.images")}</th><th></th></tr></thead><tbody>
                        {list.into_iter().map(|s| { let (chosen, name) = (s.clone(), name.clone()); view! {
                            <tr data-testid="tcia-series" data-series-uid=s.series_uid.clone()>
                                <td>{s.modality.clone()}</td><td>{s.body_part.clone()}</td><td>{s.description.clone()}</td>
                                <td>{s.image_count.map(|n| integer(i64::from(n))).unwrap_or_default()}</td>
                                <td><button type="button" data-testid="tcia-open-series"
                                    on:click=move |_| if let Some(client) = client(app, &name) { open_series(app, client, chosen.clone()) }>{move || tr("common.open")}</button></td>
                            </tr>
                        }}).collect_view()}
                    </tbody></table> }.into_any()
                }
            }}
        </section>
    }
}
