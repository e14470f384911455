//! FHIR R4 patient stories (the SIIM hackathon's personas): a searchable, paged patient list
//! (Bundle `next` links), then one patient's demographics, conditions, medications and
//! reports in time order, each beside the ImagingStudy it belongs to; a study opens in the
//! viewer through the DICOMweb address of its Endpoint. Requests carry the key of the linked
//! DICOMweb source (the SIIM gateway takes one `apikey` for both).

use std::collections::HashMap;
use std::rc::Rc;

use leptos::prelude::*;

use super::ArchiveView;
use crate::archives::datasets::FhirSource;
use crate::archives::fhir::{
    assemble_story, dicomweb_root_of, endpoint, missing_medication_ids, next_page_url, parse_bundle,
    patient_resources_urls, patient_search_url, patient_summary, reference_url, PatientStory, PatientSummary,
    StoryEntry,
};
use crate::viewer::overlay::format_date_in;
use crate::web::context::{use_app, AppContext};
use crate::web::dicomweb::{open_study, DicomWebClient, KeyField, RequestError};
use crate::web::i18n::{integer, lang, tr, trf};

const FHIR_JSON: &str = "application/fhir+json";
/// Bundle pages followed per resource type of one patient.
const MAX_PAGES: usize = 10;

/// The source and the client its requests go through.
fn fhir_client(app: AppContext, name: &str) -> Option<(FhirSource, Rc<DicomWebClient>)> {
    let registry = app.dicomweb.get_value().sources.clone();
    let fhir = registry.archives.with_untracked(|a| a.fhir.iter().find(|f| f.name == name).cloned())?;
    let client = registry
        .client(&fhir.dicomweb_source)
        .unwrap_or_else(|| registry.archive_client(&fhir.name, &fhir.friendly_name, &fhir.fhir_root));
    Some((fhir, client))
}

/// One page of the patient list.
#[derive(Clone)]
struct PatientPage {
    patients: Vec<PatientSummary>,
    next: Option<String>,
    total: Option<u32>,
    /// Why the list ends early (a next link that cannot be followed).
    note: Option<String>,
}

fn unknown(name: &str) -> String {
    trf("archives.fhir.unknown", &[("name", name)])
}

#[component]
pub fn PatientList(source: String) -> impl IntoView {
    let app = use_app();
    let name = RwSignal::new(String::new());
    let page = RwSignal::new(None::<Result<PatientPage, String>>);
    let busy = RwSignal::new(false);
    let key_source = fhir_client(app, &source).map(|(f, c)| (f.dicomweb_source, c.source.auth.clone()));
    let load = {
        let source = source.clone();
        move |url: Option<String>| {
            let Some((fhir, client)) = fhir_client(app, &source) else { return page.set(Some(Err(unknown(&source)))) };
            let url = url.unwrap_or_else(|| patient_search_url(&fhir.fhir_root, &name.get_untracked(), fhir.page_size));
            busy.set(true);
            leptos::task::spawn_local(async move {
                let what = tr("archives.what.patient_list");
                let outcome = match client.get(&url, FHIR_JSON, what, None).await {
                    Ok(answer) => parse_bundle(&answer.bytes())
                        .map_err(|e| client.malformed(&url, what, e).message)
                        .map(|bundle| {
                            // A next link that cannot be followed ends the list with a note; the
                            // patients of this page stay.
                            let (next, note) = match next_page_url(&fhir.fhir_root, &bundle) {
                                Ok(next) => (next, None),
                                Err(e) => {
                                    (None, Some(trf("archives.fhir.list_may_go_on", &[("reason", &e.to_string())])))
                                }
                            };
                            let patients = bundle.resources.iter().filter_map(patient_summary).collect();
                            PatientPage { patients, next, total: bundle.total, note }
                        }),
                    Err(e) => Err(e.message),
                };
                busy.set(false);
                page.set(Some(outcome));
            });
        }
    };
    let (first, next) = (load.clone(), load.clone());
    // The first page at once (with the key typed before, if any).
    load(None);
    view! {
        <section class="archive fhir" data-testid="fhir-patients" aria-label=move || tr("archives.fhir.patients")>
            <header class="browser-head">
                <h2>{move || tr("archives.fhir.patients")}</h2>
                {key_source.map(|(name, auth)| view! { <KeyField source=name auth=auth /> })}
                <button type="button" on:click=move |_| app.archive.set(None)>{move || tr("common.close")}</button>
            </header>
            <form class="study-search" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); first(None) }>
                <label><span>{move || tr("archives.fhir.name")}</span>
                    <input type="search" data-testid="fhir-name" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                </label>
                <button type="submit" data-testid="fhir-search" disabled=move || busy.get()>{move || tr("common.search")}</button>
            </form>
            {move || match page.get() {
                None => view! { <p class="search-status">{move || tr("archives.fhir.loading")}</p> }.into_any(),
                Some(Err(message)) => view! { <p class="error" role="alert" data-testid="browse-error">{message}</p> }.into_any(),
                Some(Ok(PatientPage { patients, next: next_url, total, note })) => {
                    let next = next.clone();
                    view! {
                        <p class="search-status" data-testid="fhir-status">{ let shown = integer(patients.len() as i64); move || match total {
                            Some(total) => trf("archives.fhir.count_of", &[("count", &shown), ("total", &integer(i64::from(total)))]),
                            None => trf("archives.fhir.count", &[("count", &shown)]),
                        }}</p>
                        <ul class="patients">
                            {patients.into_iter().map(|p| {
                                let (id, source) = (p.id.clone(), source.clone());
                                view! {
                                    <li>
                                        <button type="button" data-testid="fhir-patient" data-patient-id=p.id.clone()
                                            on:click=move |_| app.archive.set(Some(ArchiveView::Fhir { source: source.clone(), patient: Some(id.clone()) }))>
                                            { let (name, id) = (p.name.clone(), p.id.clone()); move || if name.is_empty() { trf("archives.fhir.patient_id", &[("id", &id)]) } else { name.clone() } }
                                        </button>
                                        <span>{[p.gender.clone(), format_date_in(lang(), &p.birth_date)].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(", ")}</span>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        {next_url.map(|url| view! {
                            <button type="button" data-testid="fhir-next" on:click=move |_| next(Some(url.clone()))>{move || tr("archives.fhir.next")}</button>
                        })}
                        {note.map(|note| view! { <p class="note" data-testid="fhir-note">{note}</p> })}
                    }.into_any()
                }
            }}
        </section>
    }
}

/// Every resource of every page of a search (up to MAX_PAGES), and a note when paging had to
/// end early: a next link that cannot be followed, or a later page that failed. Only a failed
/// first page is an error.
async fn all_pages(
    client: &DicomWebClient,
    root: &str,
    url: String,
    what: &str,
) -> Result<(Vec<serde_json::Value>, Option<String>), RequestError> {
    let mut resources = Vec::new();
    let mut next = Some(url);
    for page in 0..MAX_PAGES {
        let Some(url) = next.take() else { break };
        let bundle = match client.get(&url, FHIR_JSON, what, None).await {
            Ok(answer) => parse_bundle(&answer.bytes()).map_err(|e| client.malformed(&url, what, e)),
            Err(e) => Err(e),
        };
        let bundle = match bundle {
            Ok(bundle) => bundle,
            Err(e) if page == 0 => return Err(e),
            Err(e) => {
                return Ok((resources, Some(trf("archives.fhir.partial", &[("what", what), ("reason", &e.message)]))))
            }
        };
        resources.extend(bundle.resources.iter().cloned());
        match next_page_url(root, &bundle) {
            Ok(link) => next = link,
            Err(e) => {
                return Ok((
                    resources,
                    Some(trf("archives.fhir.partial", &[("what", what), ("reason", &e.to_string())])),
                ))
            }
        }
    }
    Ok((resources, None))
}

/// The story, with the DICOMweb root of each endpoint reference.
async fn load_story(fhir: FhirSource, client: Rc<DicomWebClient>, patient: String) -> Result<LoadedStory, String> {
    let root = fhir.fhir_root.clone();
    let url = reference_url(&root, &format!("Patient/{patient}"))
        .ok_or_else(|| trf("archives.fhir.bad_patient_id", &[("id", &patient)]))?;
    let what = tr("archives.what.patient");
    let answer = client.get(&url, FHIR_JSON, what, None).await.map_err(|e| e.message)?;
    let resource: serde_json::Value =
        serde_json::from_slice(&answer.bytes()).map_err(|e| client.malformed(&url, what, e).message)?;
    let summary =
        patient_summary(&resource).ok_or_else(|| client.malformed(&url, what, "not a Patient resource").message)?;
    let mut resources = Vec::new();
    let mut notes = Vec::new();
    for (kind, url) in patient_resources_urls(&root, &patient) {
        let what = trf("archives.what.patient_resources", &[("kind", kind.name())]);
        match all_pages(&client, &root, url, &what).await {
            Ok((found, note)) => {
                resources.extend(found);
                notes.extend(note);
            }
            // A server without MedicationStatement (say) still tells the rest of the story.
            Err(e) if matches!(e.failure, crate::dicomweb::failure::FetchFailure::Status { code: 400 | 404, .. }) => {}
            Err(e) => return Err(e.message),
        }
    }
    // A server that ignored _include: read each referenced Medication (a few at most).
    for id in missing_medication_ids(&resources).into_iter().take(20) {
        let Some(url) = reference_url(&root, &format!("Medication/{id}")) else { continue };
        if let Ok(answer) = client.get(&url, FHIR_JSON, "a medication", None).await {
            if let Ok(found) = serde_json::from_slice::<serde_json::Value>(&answer.bytes()) {
                resources.push(found);
            }
        }
    }
    let story = assemble_story(summary, &resources);
    let mut endpoints: HashMap<String, String> = HashMap::new();
    let references: Vec<String> =
        story.entries.iter().flat_map(|e| e.studies.iter()).flat_map(|s| s.endpoint_refs.clone()).collect();
    for reference in references {
        if endpoints.contains_key(&reference) {
            continue;
        }
        let Some(url) = reference_url(&root, &reference) else { continue };
        if let Ok(answer) = client.get(&url, FHIR_JSON, "an imaging endpoint", None).await {
            if let Some(found) = serde_json::from_slice(&answer.bytes()).ok().as_ref().and_then(endpoint) {
                endpoints.insert(reference, dicomweb_root_of(&found.address));
            }
        }
    }
    Ok(LoadedStory { story, endpoints, notes })
}

/// A story with the DICOMweb roots of its endpoints and notes on what could not be read.
#[derive(Clone)]
struct LoadedStory {
    story: PatientStory,
    endpoints: HashMap<String, String>,
    notes: Vec<String>,
}

/// The DICOMweb source for a study: the configured one at its endpoint's address, else the
/// FHIR source's own.
fn source_for(app: AppContext, fhir: &FhirSource, roots: &[String]) -> String {
    let registry = app.dicomweb.get_value().sources.clone();
    let listed = registry.list.get_untracked();
    roots
        .iter()
        .find_map(|root| listed.iter().find(|s| s.wado_root == *root || s.qido_root == *root).map(|s| s.name.clone()))
        .unwrap_or_else(|| fhir.dicomweb_source.clone())
}

#[component]
fn Entry(entry: StoryEntry, fhir: FhirSource, endpoints: HashMap<String, String>) -> impl IntoView {
    let app = use_app();
    let report = entry.report.clone();
    let notes = entry.notes.clone();
    view! {
        <li class="story-entry" data-testid="story-entry" data-date=entry.date.clone()>
            <time>{format_date_in(lang(), entry.date.get(..10).unwrap_or(&entry.date))}</time>
            <div class="report">
                {report.map(|r| view! {
                    <h4 data-testid="story-report" data-report-id=r.id.clone()>{ let title = r.title.clone(); move || if title.is_empty() { tr("archives.fhir.report").to_string() } else { title.clone() } }</h4>
                    {(!r.conclusion.is_empty()).then(|| view! { <p class="conclusion"><strong>{move || tr("archives.fhir.conclusion")}" "</strong>{r.conclusion.clone()}</p> })}
                    {(!r.text.is_empty()).then(|| view! { <pre class="report-text">{r.text.clone()}</pre> })}
                })}
                {(!notes.is_empty()).then(|| view! {
                    <ul class="story-notes">{notes.into_iter().map(|n| view! { <li class="note" data-testid="story-note">{n}</li> }).collect_view()}</ul>
                })}
            </div>
            <div class="study">
                {entry.studies.into_iter().map(|s| {
                    let roots: Vec<String> = s.endpoint_refs.iter().filter_map(|r| endpoints.get(r).cloned()).collect();
                    let uid = s.study_uid.clone();
                    let source = source_for(app, &fhir, &roots);
                    let modalities = { let list = s.modalities.join(", "); move || if list.is_empty() { tr("archives.fhir.no_modality").to_string() } else { list.clone() } };
                    view! {
                        <div class="study-card" data-testid="story-study" data-study-id=s.id.clone() data-study-uid=uid.clone().unwrap_or_default()
                            data-modalities=s.modalities.join(",")>
                            <strong>{ let description = s.description.clone(); move || if description.is_empty() { tr("archives.fhir.imaging_study").to_string() } else { description.clone() } }</strong>
                            <span>{modalities}</span>
                            <span>{s.instance_count.map(|n| move || trf("common.images", &[("count", &integer(i64::from(n)))]))}</span>
                            {match uid.clone() {
                                Some(uid) => view! {
                                    <button type="button" data-testid="story-open-study"
                                        on:click=move |_| { app.archive.set(None); open_study(app, source.clone(), uid.clone(), Vec::new()) }>{move || tr("archives.fhir.open_images")}</button>
                                }.into_any(),
                                None => view! { <span class="muted">{move || tr("archives.fhir.no_study_uid")}</span> }.into_any(),
                            }}
                        </div>
                    }
                }).collect_view()}
            </div>
        </li>
    }
}

#[component]
pub fn PatientStoryView(source: String, patient: String) -> impl IntoView {
    let app = use_app();
    let story = RwSignal::new(None::<Result<LoadedStory, String>>);
    let fhir = fhir_client(app, &source);
    match fhir.clone() {
        Some((fhir, client)) => leptos::task::spawn_local(async move {
            let _ = story.try_set(Some(load_story(fhir, client, patient).await));
        }),
        None => story.set(Some(Err(unknown(&source)))),
    }
    let back = source.clone();
    let fhir_source = fhir.map(|(f, _)| f);
    view! {
        <section class="archive story" data-testid="patient-story" aria-label=move || tr("archives.fhir.story")>
            <header class="browser-head">
                <button type="button" on:click=move |_| app.archive.set(Some(ArchiveView::Fhir { source: back.clone(), patient: None }))>{move || tr("archives.fhir.back")}</button>
                <button type="button" on:click=move |_| app.archive.set(None)>{move || tr("common.close")}</button>
            </header>
            {move || match story.get() {
                None => view! { <p class="search-status">{move || tr("archives.fhir.reading")}</p> }.into_any(),
                Some(Err(message)) => view! { <p class="error" role="alert" data-testid="browse-error">{message}</p> }.into_any(),
                Some(Ok(LoadedStory { story, endpoints, notes })) => {
                    let fhir = fhir_source.clone();
                    let p = story.patient.clone();
                    let none = |key: &'static str| view! { <p class="muted">{move || tr(key)}</p> };
                    view! {
                        <h2 data-testid="story-patient">{p.name.clone()}</h2>
                        <p>{[p.gender.clone(), format_date_in(lang(), &p.birth_date), p.identifiers.join(", ")].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" · ")}</p>
                        <div class="story-lists">
                            <section><h3>{move || tr("archives.fhir.conditions")}</h3><ul data-testid="story-conditions">
                                {story.conditions.iter().map(|c| view! { <li>{c.text.clone()}{(!c.onset.is_empty()).then(|| { let since = format_date_in(lang(), c.onset.get(..10).unwrap_or(&c.onset)); move || format!(" {}", trf("archives.fhir.since", &[("date", &since)])) })}</li> }).collect_view()}
                            </ul>{story.conditions.is_empty().then(|| none("archives.fhir.no_conditions"))}</section>
                            <section><h3>{move || tr("archives.fhir.medications")}</h3><ul data-testid="story-medications">
                                {story.medications.iter().map(|m| view! { <li>{m.text.clone()}{(!m.status.is_empty()).then(|| format!(" ({})", m.status))}
                                    {(!m.dosage.is_empty()).then(|| view! { <small class="dosage">{format!(" · {}", m.dosage)}</small> })}</li> }).collect_view()}
                            </ul>{story.medications.is_empty().then(|| none("archives.fhir.no_medications"))}</section>
                        </div>
                        {(!notes.is_empty()).then(|| view! { <ul class="story-notes">{notes.into_iter().map(|n| view! { <li class="note" data-testid="story-note">{n}</li> }).collect_view()}</ul> })}
                        <h3>{move || tr("archives.fhir.timeline")}</h3>
                        {story.entries.is_empty().then(|| view! { <p class="muted" data-testid="story-empty">{move || tr("archives.fhir.empty")}</p> })}
                        <ol class="story-timeline">
                            {fhir.map(|fhir| story.entries.into_iter().map(|entry| view! { <Entry entry=entry fhir=fhir.clone() endpoints=endpoints.clone() /> }).collect_view())}
                        </ol>
                    }.into_any()
                }
            }}
        </section>
    }
}
