//! The comparison layout: the current study in viewport 1, and over viewport 2 the priors list
//! (`data-testid="priors"`): other studies of the same Patient ID among the open studies and,
//! when the current study came from a DICOMweb source, from that server's QIDO-RS
//! `/studies?PatientID=…` (`crate::dicomweb::priors`). Choosing one (`prior-study`) puts its
//! series most like the current one (`crate::volume::linking::best_match`) in viewport 2,
//! linked by position (a manual offset when the frames of reference differ; "link here",
//! `data-testid="link-here"`, sets it again from the two slices on show).

use leptos::prelude::*;

use super::super::context::{use_app, AppContext, Layout};
use super::super::dicomweb::open_study;
use super::super::i18n::{lang, tr, trf};
use super::super::session::Content;
use crate::dicomweb::json::parse_study_rows;
use crate::dicomweb::priors::{prior_list, prior_search_url, Prior};
use crate::study::DisplaySet;
use crate::volume::linking::{best_match, SeriesTraits};

/// What the priors list shows.
#[derive(Clone, Debug, PartialEq, Default)]
enum Listing {
    #[default]
    Idle,
    Searching,
    Found(Vec<Prior>),
    /// The search failed (the message names the server and the cause); open studies still listed.
    Failed(String, Vec<Prior>),
}

/// The current study: (patient id, study uid, DICOMweb source name when remote).
fn current_study(app: AppContext) -> Option<(String, String, Option<String>, DisplaySet)> {
    let key = app.panes[0].display_set.get_untracked()?;
    let session = app.session();
    let library = session.library.borrow();
    let set = library.display_set(&key)?;
    let source = set.frames.first()?.source;
    let meta = library.instance(source)?;
    let remote = session.instances.borrow().get(source as usize).and_then(|i| match &i.content {
        Content::Remote(remote) => Some(remote.client.source.name.clone()),
        Content::File(_) => None,
    });
    Some((meta.patient_id.clone(), meta.study_instance_uid.clone(), remote, set))
}

/// The open studies as priors, with their Patient IDs.
fn open_studies(app: AppContext) -> Vec<(String, Prior)> {
    let session = app.session();
    let library = session.library.borrow();
    library
        .patients()
        .into_iter()
        .flat_map(|patient| {
            let id = patient.id.clone();
            patient.studies.into_iter().map(move |study| {
                (
                    id.clone(),
                    Prior {
                        study_uid: study.study_instance_uid,
                        study_date: study.date,
                        study_time: study.time,
                        description: study.description,
                        modalities: study.modalities,
                        source: None,
                        open: true,
                    },
                )
            })
        })
        .collect()
}

fn traits_of(app: AppContext, set: &DisplaySet) -> SeriesTraits {
    let session = app.session();
    let library = session.library.borrow();
    let first = set.frames.first().and_then(|f| library.instance(f.source));
    SeriesTraits {
        modality: set.modality.clone(),
        body_part: first.map(|m| m.body_part_examined.clone()).unwrap_or_default(),
        normal: first
            .and_then(|m| m.image_orientation)
            .and_then(crate::study::geometry::Orientation::from_cosines)
            .map(|o| o.normal()),
        frames: set.frames.len(),
    }
}

/// The display set of study `study_uid` most like the one in viewport 1.
fn best_series(app: AppContext, study_uid: &str) -> Option<DisplaySet> {
    let (_, _, _, current) = current_study(app)?;
    let session = app.session();
    let sets: Vec<DisplaySet> = {
        let library = session.library.borrow();
        library
            .patients()
            .into_iter()
            .flat_map(|p| p.studies)
            .filter(|s| s.study_instance_uid == study_uid)
            .flat_map(|s| s.series)
            .flat_map(|s| s.display_sets)
            .filter(|set| set.has_pixel_data)
            .collect()
    };
    let candidates: Vec<SeriesTraits> = sets.iter().map(|set| traits_of(app, set)).collect();
    let chosen = best_match(&traits_of(app, &current), &candidates)?;
    sets.into_iter().nth(chosen)
}

/// Shows `set` in viewport 2 and links it to viewport 1 (same Frame of Reference: by position;
/// else "link here" on the two slices on show).
fn show_beside(app: AppContext, set: &DisplaySet) {
    let pane = app.panes[1];
    let changed = pane.display_set.get_untracked().as_deref() != Some(set.key.as_str());
    if changed {
        pane.open(set.key.clone(), set.frames.len());
        // The current study stays the one scrolled (and followed).
        app.active.set(0);
    }
    // One Frame of Reference: link by position. Else link the two slices on show when this
    // series is new here (a series shown before it, while the study arrived, set an offset
    // from its own slice), or when no offset is known ("link here" adjusts it).
    let session = app.session();
    let frame_of_reference = |index: usize| {
        let key = app.panes[index].display_set.get_untracked()?;
        super::slice_of(&session, &key, app.panes[index].frame.get_untracked()).map(|(uid, _)| uid)
    };
    if let (Some(current), Some(prior)) = (frame_of_reference(0), frame_of_reference(1)) {
        let same = current == prior && !current.is_empty();
        let known = app.link.with_untracked(|l| l.offset_mm(&current, &prior).is_some());
        if same || (known && !changed) {
            app.link.update(|l| l.enabled = true);
        } else {
            super::link_here(app, 0, 1);
        }
    }
    super::move_linked(app, 0);
}

/// Switches to the comparison layout: the active viewport's series in viewport 1, the priors
/// list over viewport 2.
pub fn open_comparison(app: AppContext) {
    let shown = app.active_pane().display_set.get_untracked();
    if let Some(key) = shown {
        if app.panes[0].display_set.get_untracked().as_ref() != Some(&key) {
            let count = app.session().library.borrow().display_set(&key).map_or(0, |s| s.frames.len());
            app.panes[0].open(key, count);
        }
    }
    app.active.set(0);
}

/// The priors list over viewport `index` (2) in the comparison layout.
#[component]
pub fn Priors(index: usize) -> impl IntoView {
    let app = use_app();
    let listing = RwSignal::new(Listing::Idle);
    let collapsed = RwSignal::new(false);
    // The study chosen whose series are still arriving: its best series is shown as they come.
    let pending = RwSignal::new(None::<String>);
    let comparing = move || index == 1 && app.layout.get() == Layout::Comparison;

    // Entering the layout (or another current study): the current series to the left, search.
    Effect::new(move |previous: Option<(bool, Option<String>)>| {
        if !comparing() {
            listing.set(Listing::Idle);
            pending.set(None);
            return (false, None);
        }
        let entering = !previous.as_ref().is_some_and(|p| p.0);
        if entering {
            open_comparison(app);
        }
        let current = app.panes[0].display_set.get();
        if entering || previous.as_ref().is_some_and(|p| p.1 != current) {
            search(app, listing);
            collapsed.set(false);
        }
        (true, current)
    });

    Effect::new(move |_| {
        app.session().signals.library_revision.track();
        let Some(study) = pending.get() else { return };
        if let Some(set) = best_series(app, &study) {
            show_beside(app, &set);
        }
    });

    let choose = move |prior: Prior| {
        collapsed.set(true);
        if prior.open {
            pending.set(None);
            if let Some(set) = best_series(app, &prior.study_uid) {
                show_beside(app, &set);
            }
            return;
        }
        let Some(source) = prior.source.clone() else { return };
        pending.set(Some(prior.study_uid.clone()));
        app.active.set(1);
        open_study(app, source, prior.study_uid.clone(), Vec::new());
    };

    let rows = move || {
        let (list, note) = match listing.get() {
            Listing::Idle => return None,
            Listing::Searching => (Vec::new(), Some(tr("link.priors.searching").to_string())),
            Listing::Found(list) if list.is_empty() => (Vec::new(), Some(tr("link.priors.none").to_string())),
            Listing::Found(list) => (list, None),
            Listing::Failed(message, list) => (list, Some(message)),
        };
        let items = list
            .into_iter()
            .map(|prior| {
                let date = crate::viewer::shell::localized_da(lang(), &prior.study_date);
                let what =
                    if prior.description.is_empty() { prior.modalities.join(", ") } else { prior.description.clone() };
                let uid = prior.study_uid.clone();
                let open = prior.open;
                view! {
                    <li>
                        <button type="button" class="prior" data-testid="prior-study" data-study-uid=uid
                            data-open=open.to_string() on:click=move |_| choose(prior.clone())>
                            <span class="prior-date">{date}</span>
                            <span class="prior-what">{what}</span>
                        </button>
                    </li>
                }
            })
            .collect::<Vec<_>>();
        Some(view! {
            {note.map(|n| view! { <p class="priors-note" data-testid="priors-note">{n}</p> })}
            <ul class="priors-list">{items}</ul>
        })
    };

    view! {
        <Show when=comparing>
            // Not a click on the image: the viewport does not become the active one.
            <div class="priors" data-testid="priors" class:collapsed=move || collapsed.get()
                on:pointerdown=|ev: web_sys::PointerEvent| ev.stop_propagation()>
                <div class="priors-head">
                    <button type="button" class="priors-title" aria-expanded=move || (!collapsed.get()).to_string()
                        on:click=move |_| collapsed.update(|c| *c = !*c)>
                        {move || tr("link.priors.title")}
                    </button>
                    <button type="button" class="link-here" data-testid="link-here"
                        title=move || tr("link.here.hint")
                        on:click=move |_| { super::link_here(app, 0, 1); }>
                        {move || tr("link.here")}
                    </button>
                </div>
                <Show when=move || !collapsed.get()>{rows}</Show>
            </div>
        </Show>
    }
}

/// Lists the current patient's other studies: the open ones at once, then the server's.
fn search(app: AppContext, listing: RwSignal<Listing>) {
    let Some((patient_id, study_uid, remote, _)) = current_study(app) else {
        listing.set(Listing::Found(Vec::new()));
        return;
    };
    let open = open_studies(app);
    let local = prior_list(&patient_id, &study_uid, open.clone(), &[], "");
    let client = remote.and_then(|name| app.dicomweb.get_value().sources.client(&name));
    let Some(client) = client else {
        listing.set(Listing::Found(local));
        return;
    };
    let url = match prior_search_url(&client.source, &patient_id) {
        Some(Ok(url)) => url,
        Some(Err(e)) => return listing.set(Listing::Failed(e.to_string(), local)),
        None => return listing.set(Listing::Found(local)),
    };
    listing.set(Listing::Searching);
    leptos::task::spawn_local(async move {
        let what = tr("link.priors.what");
        let answer = client.get_json(&url, what, None).await;
        let rows = answer.and_then(|body| parse_study_rows(&body).map_err(|e| client.malformed(&url, what, e)));
        match rows {
            Ok(rows) => {
                listing.set(Listing::Found(prior_list(&patient_id, &study_uid, open, &rows, &client.source.name)))
            }
            Err(e) => listing.set(Listing::Failed(trf("link.priors.failed", &[("reason", &e.message)]), local)),
        }
    });
}
