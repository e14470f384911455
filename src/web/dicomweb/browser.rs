//! The study browser (data-testid="study-browser"): pick a server, type its key if it needs one,
//! search studies (QIDO-RS) by patient, ID, accession, date range, modality and description,
//! page through the results, sort the page by any column, unfold a study into its series (with
//! thumbnails) and open a series or the whole study in the viewer.

use std::rc::Rc;

use leptos::prelude::*;

use super::client::DicomWebClient;
use super::editor::SourceEditor;
use super::open::study_series;
use super::open_study;
use super::thumbnail::SeriesThumbnail;
use crate::dicomweb::json::{parse_study_rows, SeriesRow, StudyRow};
use crate::dicomweb::qido::{study_search_url, StudyQuery};
use crate::dicomweb::source::AuthKind;
use crate::viewer::overlay::{format_date_in, format_person_name};
use crate::web::context::use_app;
use crate::web::i18n::{integer, lang, tr, trf};

const PAGE_SIZES: [u32; 3] = [25, 50, 100];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Column {
    Patient,
    PatientId,
    Date,
    Accession,
    Modalities,
    Description,
    Instances,
}

impl Column {
    const ALL: [(Column, &'static str); 7] = [
        (Column::Patient, "dicomweb.column.patient"),
        (Column::PatientId, "dicomweb.column.patient_id"),
        (Column::Date, "dicomweb.column.date"),
        (Column::Accession, "dicomweb.column.accession"),
        (Column::Modalities, "dicomweb.column.modalities"),
        (Column::Description, "dicomweb.column.description"),
        (Column::Instances, "dicomweb.column.images"),
    ];

    fn sort(self, rows: &mut [StudyRow], ascending: bool) {
        rows.sort_by(|a, b| {
            let order = match self {
                Column::Patient => format_person_name(&a.patient_name)
                    .to_lowercase()
                    .cmp(&format_person_name(&b.patient_name).to_lowercase()),
                Column::PatientId => a.patient_id.cmp(&b.patient_id),
                Column::Date => (&a.study_date, &a.study_time).cmp(&(&b.study_date, &b.study_time)),
                Column::Accession => a.accession_number.cmp(&b.accession_number),
                Column::Modalities => a.modalities.cmp(&b.modalities),
                Column::Description => a.description.to_lowercase().cmp(&b.description.to_lowercase()),
                Column::Instances => a.instance_count.cmp(&b.instance_count),
            };
            if ascending {
                order
            } else {
                order.reverse()
            }
        });
    }
}

/// The series of an unfolded study: None while they are being read.
type SeriesState = Option<Result<Vec<SeriesRow>, String>>;

/// What the last search found.
#[derive(Clone, Default)]
struct Results {
    rows: Vec<StudyRow>,
    offset: u32,
    more: bool,
    searched: bool,
}

fn digits(date: &str) -> String {
    date.chars().filter(char::is_ascii_digit).collect()
}

#[component]
pub fn KeyField(source: String, auth: AuthKind) -> impl IntoView {
    let app = use_app();
    let sources = app.dicomweb.get_value().sources.clone();
    let header = match &auth {
        AuthKind::Bearer => None,
        AuthKind::ApiKey { header } => Some(header.clone()),
        AuthKind::None => return ().into_any(),
    };
    let label = move || match &header {
        None => tr("dicomweb.key.bearer").to_string(),
        Some(header) => trf("dicomweb.key.api_key", &[("header", header)]),
    };
    let draft = RwSignal::new(sources.secret(&source));
    let (name, store) = (source.clone(), sources.clone());
    let apply = move || store.set_secret(&name, &draft.get_untracked());
    view! {
        <label class="key-field">
            <span>{label.clone()}</span>
            <input type="password" data-testid="source-key" autocomplete="off" spellcheck="false"
                aria-label=label prop:value=move || draft.get()
                on:input=move |ev| draft.set(event_target_value(&ev))
                on:change=move |_| apply() />
            <small>{move || tr("dicomweb.key.kept")}</small>
        </label>
    }
    .into_any()
}

#[component]
pub fn StudyBrowser() -> impl IntoView {
    let app = use_app();
    let sources = app.dicomweb.get_value().sources.clone();
    let selected = Signal::derive(move || app.browse.get().unwrap_or_default());
    let query = RwSignal::new(StudyQuery { limit: PAGE_SIZES[0], ..StudyQuery::default() });
    let results = RwSignal::new(Results::default());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let sort = RwSignal::new((Column::Date, false));
    let expanded = RwSignal::new(None::<(String, SeriesState)>);
    let editing = RwSignal::new(app.browse.get_untracked().is_some_and(|s| s.is_empty()));
    let generation = StoredValue::new(0u64);

    let registry = move || app.dicomweb.get_value().sources.clone();
    let client = move || -> Option<Rc<DicomWebClient>> { registry().client(&selected.get_untracked()) };
    let search = {
        move |offset: u32| {
            let Some(client) = client() else { return };
            let mut q = query.get_untracked();
            q.offset = offset;
            let requested = q.limit;
            // One more than a page tells whether there is a next page.
            q.limit = requested + 1;
            let url = match study_search_url(&client.source, &q) {
                Ok(url) => url,
                Err(e) => return error.set(Some(trf("dicomweb.search.cannot_send", &[("reason", &e.to_string())]))),
            };
            let run = generation.get_value() + 1;
            generation.set_value(run);
            busy.set(true);
            error.set(None);
            expanded.set(None);
            leptos::task::spawn_local(async move {
                let what = tr("dicomweb.what.study_list");
                let outcome = match client.get_json(&url, what, None).await {
                    Ok(body) => parse_study_rows(&body).map_err(|e| client.malformed(&url, what, e).message),
                    Err(e) => Err(e.message),
                };
                if generation.try_get_value() != Some(run) {
                    return;
                }
                busy.set(false);
                match outcome {
                    Ok(mut rows) => {
                        let more = rows.len() > requested as usize;
                        rows.truncate(requested as usize);
                        let (column, ascending) = sort.get_untracked();
                        column.sort(&mut rows, ascending);
                        results.set(Results { rows, offset, more, searched: true });
                    }
                    Err(message) => {
                        results.set(Results::default());
                        error.set(Some(message));
                    }
                }
            });
        }
    };
    let expand = {
        move |study: String| {
            if expanded.with_untracked(|e| e.as_ref().is_some_and(|(uid, _)| *uid == study)) {
                return expanded.set(None);
            }
            let Some(client) = client() else { return };
            expanded.set(Some((study.clone(), None)));
            leptos::task::spawn_local(async move {
                let outcome = study_series(&client, &study, None).await.map_err(|e| e.message);
                if expanded.with_untracked(|e| e.as_ref().is_some_and(|(uid, _)| *uid == study)) {
                    expanded.set(Some((study, Some(outcome))));
                }
            });
        }
    };
    // A new server: forget the old results.
    Effect::new(move |_| {
        selected.track();
        results.set(Results::default());
        error.set(None);
        expanded.set(None);
    });

    let field = move |label: &'static str,
                      testid: &'static str,
                      kind: &'static str,
                      get: fn(&StudyQuery) -> String,
                      set: fn(&mut StudyQuery, String)| {
        view! {
            <label>
                <span>{move || tr(label)}</span>
                <input type=kind data-testid=testid prop:value=move || query.with(get)
                    on:input=move |ev| { let value = event_target_value(&ev); query.update(|q| set(q, value)) } />
            </label>
        }
    };
    let (search_submit, search_prev, search_next) = (search, search, search);
    let source_list = sources.list;
    view! {
        <section class="study-browser" data-testid="study-browser" aria-label=move || tr("dicomweb.browser.label")>
            <header class="browser-head">
                <label>
                    <span>{move || tr("dicomweb.server")}</span>
                    <select data-testid="source-select" aria-label=move || tr("dicomweb.server")
                        on:change=move |ev| app.browse.set(Some(event_target_value(&ev)))>
                        {move || source_list.get().into_iter().map(|s| {
                            let name = s.name.clone();
                            view! { <option value=s.name.clone() selected=move || selected.get() == name>{s.friendly_name.clone()}</option> }
                        }).collect_view()}
                    </select>
                </label>
                {move || {
                    let name = selected.get();
                    registry().find(&name).map(|s| view! { <KeyField source=name.clone() auth=s.auth.clone() /> })
                }}
                <button type="button" data-testid="manage-sources" aria-expanded=move || editing.get().to_string()
                    on:click=move |_| editing.update(|e| *e = !*e)>{move || tr("dicomweb.servers")}</button>
                <button type="button" class="btn-ghost" on:click=move |_| app.browse.set(None)>{move || tr("common.close")}</button>
            </header>
            <Show when=move || editing.get()>
                <SourceEditor />
            </Show>
            <form class="study-search" data-testid="study-search"
                on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); search_submit(0) }>
                {field("dicomweb.search.patient_name", "search-patient-name", "search", |q| q.patient_name.clone(), |q, v| q.patient_name = v)}
                {field("dicomweb.column.patient_id", "search-patient-id", "search", |q| q.patient_id.clone(), |q, v| q.patient_id = v)}
                {field("dicomweb.column.accession", "search-accession", "search", |q| q.accession_number.clone(), |q, v| q.accession_number = v)}
                {field("dicomweb.search.from", "search-date-from", "date", |q| iso_date(&q.study_date_from), |q, v| q.study_date_from = digits(&v))}
                {field("dicomweb.search.to", "search-date-to", "date", |q| iso_date(&q.study_date_to), |q, v| q.study_date_to = digits(&v))}
                {field("dicomweb.search.modality", "search-modality", "search", |q| q.modality.clone(), |q, v| q.modality = v.trim().to_uppercase())}
                {field("dicomweb.column.description", "search-description", "search", |q| q.description.clone(), |q, v| q.description = v)}
                <label>
                    <span>{move || tr("dicomweb.search.per_page")}</span>
                    <select aria-label=move || tr("dicomweb.search.per_page_label") on:change=move |ev| {
                        if let Ok(limit) = event_target_value(&ev).parse::<u32>() { query.update(|q| q.limit = limit) }
                    }>
                        {PAGE_SIZES.into_iter().map(|n| view! { <option value=n.to_string()>{n}</option> }).collect_view()}
                    </select>
                </label>
                <button type="submit" class="btn-primary" data-testid="search-button" disabled=move || busy.get()>{move || tr("common.search")}</button>
            </form>
            <p class="search-status" data-testid="search-status" aria-live="polite">{move || {
                let r = results.get();
                if busy.get() { tr("common.searching").to_string() }
                else if !r.searched { tr("dicomweb.search.prompt").to_string() }
                else if r.rows.is_empty() { tr("dicomweb.search.none").to_string() }
                else {
                    let (from, to) = (integer(i64::from(r.offset) + 1), integer(i64::from(r.offset) + r.rows.len() as i64));
                    trf(if r.more { "dicomweb.search.range" } else { "dicomweb.search.range_last" }, &[("from", &from), ("to", &to)])
                }
            }}</p>
            {move || error.get().map(|message| view! { <p class="error" role="alert" data-testid="browse-error">{message}</p> })}
            <table class="studies" data-testid="study-table">
                <thead><tr>
                    {Column::ALL.into_iter().map(|(column, label)| view! {
                        <th aria-sort=move || match sort.get() { (c, true) if c == column => "ascending", (c, false) if c == column => "descending", _ => "none" }>
                            <button type="button" on:click=move |_| {
                                let ascending = sort.with_untracked(|(c, a)| if *c == column { !*a } else { true });
                                sort.set((column, ascending));
                                results.update(|r| column.sort(&mut r.rows, ascending));
                            }>{move || tr(label)}</button>
                        </th>
                    }).collect_view()}
                    <th><span class="visually-hidden">{move || tr("common.open")}</span></th>
                </tr></thead>
                <tbody>
                    {move || results.get().rows.into_iter().map(|row| {
                        let uid = row.study_uid.clone();
                        let (expand_uid, open_uid) = (uid.clone(), uid.clone());
                        let open_source = selected.get_untracked();
                        let is_expanded = { let uid = uid.clone(); move || expanded.with(|e| e.as_ref().is_some_and(|(u, _)| *u == uid)) };
                        let series_uid = uid.clone();
                        view! {
                            <tr data-testid="study-row" data-study-uid=uid.clone() class:expanded=is_expanded.clone()
                                on:click=move |_| expand(expand_uid.clone())>
                                // data-label: the column's name, shown before the value when a
                                // phone stacks the row (style/main.css).
                                <td data-label=move || tr("dicomweb.column.patient")>{format_person_name(&row.patient_name)}</td>
                                <td data-label=move || tr("dicomweb.column.patient_id")>{row.patient_id.clone()}</td>
                                <td data-label=move || tr("dicomweb.column.date")>{ let date = row.study_date.clone(); move || format_date_in(lang(), &date) }</td>
                                <td data-label=move || tr("dicomweb.column.accession")>{row.accession_number.clone()}</td>
                                <td data-label=move || tr("dicomweb.column.modalities")>{row.modalities.join(", ")}</td>
                                <td data-label=move || tr("dicomweb.column.description")>{row.description.clone()}</td>
                                <td data-label=move || tr("dicomweb.column.images")>{row.instance_count.map(|n| move || integer(i64::from(n)))}</td>
                                <td><button type="button" class="open-button" data-testid="open-study"
                                    on:click=move |ev| { ev.stop_propagation(); open_study(app, open_source.clone(), open_uid.clone(), Vec::new()) }>{move || tr("common.open")}</button></td>
                            </tr>
                            <Show when=is_expanded.clone()>
                                <tr class="series-of-study"><td colspan="8">
                                    <SeriesList study=series_uid.clone() source=selected.get_untracked() expanded=expanded />
                                </td></tr>
                            </Show>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <nav class="pager" aria-label=move || tr("dicomweb.pager.label")>
                <button type="button" data-testid="page-prev" disabled=move || busy.get() || results.with(|r| r.offset == 0)
                    on:click=move |_| { let (o, l) = (results.with_untracked(|r| r.offset), query.with_untracked(|q| q.limit)); search_prev(o.saturating_sub(l)) }>{move || tr("common.previous")}</button>
                <button type="button" data-testid="page-next" disabled=move || busy.get() || !results.with(|r| r.more)
                    on:click=move |_| { let (o, l) = (results.with_untracked(|r| r.offset), query.with_untracked(|q| q.limit)); search_next(o + l) }>{move || tr("common.next")}</button>
            </nav>
        </section>
    }
}

/// "20240131" → "2024-01-31" for a date input.
fn iso_date(digits: &str) -> String {
    match (digits.get(0..4), digits.get(4..6), digits.get(6..8)) {
        (Some(y), Some(m), Some(d)) if digits.len() == 8 => format!("{y}-{m}-{d}"),
        _ => String::new(),
    }
}

#[component]
fn SeriesList(study: String, source: String, expanded: RwSignal<Option<(String, SeriesState)>>) -> impl IntoView {
    let app = use_app();
    move || {
        let Some((uid, outcome)) = expanded.get().filter(|(uid, _)| *uid == study) else { return ().into_any() };
        match outcome {
            None => view! { <p>{move || tr("dicomweb.series.reading")}</p> }.into_any(),
            Some(Err(message)) => view! { <p class="error" role="alert" data-testid="browse-error">{message}</p> }.into_any(),
            Some(Ok(rows)) if rows.is_empty() => view! { <p>{move || tr("dicomweb.series.none")}</p> }.into_any(),
            Some(Ok(rows)) => view! {
                <ul class="remote-series">
                    {rows.into_iter().map(|row| {
                        let (study, series, source) = (uid.clone(), row.series_uid.clone(), source.clone());
                        let thumbnail_row = row.clone();
                        view! {
                            <li data-testid="series-row" data-series-uid=row.series_uid.clone()>
                                // A derived series (SEG, SR, ...) has no picture of its own: its kind,
                                // and nothing fetched for it (crate::dicomweb::derived).
                                {match crate::dicomweb::derived::series_kind(&row) {
                                    Some(kind) => view! {
                                        <span class="thumb derived-thumb" data-derived-kind=kind.name() aria-hidden="true">
                                            {crate::web::derived::load::kind_badge(kind)}
                                        </span>
                                    }.into_any(),
                                    None => view! { <SeriesThumbnail source=source.clone() row=thumbnail_row /> }.into_any(),
                                }}
                                <span class="modality">{row.modality.clone()}</span>
                                <span class="series-number">{row.series_number.map(|n| format!("#{n}")).unwrap_or_default()}</span>
                                <span class="description">{row.description.clone()}</span>
                                <span class="series-count">{row.instance_count.map(|n| move || trf("common.images", &[("count", &integer(i64::from(n)))]))}</span>
                                <button type="button" class="open-button" data-testid="open-series"
                                    on:click=move |_| open_study(app, source.clone(), study.clone(), vec![series.clone()])>{move || tr("common.open")}</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any(),
        }
    }
}
