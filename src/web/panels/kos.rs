//! The Key Object Selection section of the Report tab: the document title, its description and
//! one row per key image (`key-image`, `data-sop-instance-uid`); choosing a row shows that image
//! in the active viewport (crate::derived::kos::locate_image). Images whose series is not open
//! are listed as such, with one message naming the series to open.

use std::rc::Rc;

use leptos::prelude::*;

use super::super::context::{use_app, AppContext};
use super::super::derived::DerivedEntry;
use super::super::i18n::{integer, tr, trf};
use crate::derived::kos::{locate_image, ImageLocation, KeyObjects};
use crate::derived::Derived;

/// Shows `location` in the active viewport: the frame only when its display set is already
/// shown there (view kept), else the display set from that frame.
pub(super) fn show_location(app: AppContext, location: ImageLocation) {
    let pane = app.active_pane();
    pane.cine.set(false);
    if pane.display_set.get_untracked().as_deref() == Some(location.display_set.as_str()) {
        pane.frame.set(location.index);
    } else {
        pane.show(location.display_set, location.index);
    }
}

/// One key image row as shown: where it is (if open) and its label.
#[derive(Clone, PartialEq)]
struct Row {
    number: usize,
    sop_instance_uid: String,
    location: Option<ImageLocation>,
    /// "slice n of N · series label" when open.
    detail: Option<(u32, usize, String)>,
    frames: Vec<u32>,
}

fn rows(app: AppContext, document: &KeyObjects) -> Vec<Row> {
    let session = app.session.get_value();
    session.signals.library_revision.track();
    let library = session.library.borrow();
    document
        .images
        .iter()
        .enumerate()
        .map(|(index, image)| {
            let location = locate_image(&library, &image.sop_instance_uid, image.frames.first().copied());
            let detail = location.as_ref().and_then(|l| {
                let set = library.display_set(&l.display_set)?;
                Some((l.index + 1, set.frames.len(), set.label))
            });
            Row {
                number: index + 1,
                sop_instance_uid: image.sop_instance_uid.clone(),
                location,
                detail,
                frames: image.frames.clone(),
            }
        })
        .collect()
}

#[component]
pub fn KosSection(entry: Rc<DerivedEntry>) -> impl IntoView {
    let app = use_app();
    let Some(object) = entry.object() else { return ().into_any() };
    let Derived::KeyObjectSelection(document) = object.as_ref() else { return ().into_any() };
    let document = StoredValue::new_local(document.clone());
    let (title, description, count, other) = document.with_value(|d| {
        (
            d.title.as_ref().map(|t| t.meaning.clone()).filter(|m| !m.is_empty()),
            d.description.clone(),
            d.images.len(),
            d.other_objects,
        )
    });
    let listed = Memo::new(move |_| document.with_value(|d| rows(app, d)));
    let selected = RwSignal::new(None::<usize>);
    // Key images not open, said once: those of a series that is open (files of it missing) and
    // those of series that are not open, each naming the series.
    let missing = move || {
        let list = listed.get();
        let absent: Vec<&Row> = list.iter().filter(|r| r.location.is_none()).collect();
        if absent.is_empty() {
            return Vec::new();
        }
        let session = app.session.get_value();
        let library = session.library.borrow();
        let (mut in_open, mut in_closed) = ((0usize, Vec::<String>::new()), (0usize, Vec::<String>::new()));
        for row in &absent {
            let series = document.with_value(|d| {
                d.images
                    .iter()
                    .find(|i| i.sop_instance_uid == row.sop_instance_uid)
                    .and_then(|i| i.series_instance_uid.clone())
            });
            let open = series
                .as_ref()
                .and_then(|uid| library.instances().iter().find(|m| m.series_instance_uid == *uid))
                .map(|m| {
                    if m.series_description.is_empty() {
                        m.series_instance_uid.clone()
                    } else {
                        m.series_description.clone()
                    }
                });
            let (count, names) = if open.is_some() { &mut in_open } else { &mut in_closed };
            *count += 1;
            if let Some(name) = open.or(series) {
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
        let mut notes = Vec::new();
        if in_open.0 > 0 {
            notes.push(trf(
                "rtkos.kos.missing_from_open_series",
                &[("n", &integer(in_open.0 as i64)), ("series", &in_open.1.join(", "))],
            ));
        }
        if in_closed.0 > 0 {
            notes.push(trf(
                "rtkos.kos.needs_source",
                &[("n", &integer(in_closed.0 as i64)), ("series", &in_closed.1.join(", "))],
            ));
        }
        notes
    };
    view! {
        <div class="kos-section" data-testid="kos-section">
            <p class="kos-title" data-testid="kos-title">
                {move || title.clone().unwrap_or_else(|| tr("rtkos.kos.untitled").to_string())}
            </p>
            {description.map(|text| view! { <p class="kos-description" data-testid="kos-description">{text}</p> })}
            <p class="muted kos-count">{move || match count {
                1 => tr("rtkos.kos.count_one").to_string(),
                n => trf("rtkos.kos.count", &[("n", &integer(n as i64))]),
            }}</p>
            {move || missing().into_iter().map(|text| view! {
                <p class="derived-note" role="status" data-testid="kos-needs-source">{text}</p>
            }).collect_view()}
            {(count == 0).then(|| view! { <p class="muted">{move || tr("rtkos.kos.empty")}</p> })}
            {(other > 0).then(|| view! {
                <p class="muted">{move || trf("rtkos.kos.other", &[("n", &integer(other as i64))])}</p>
            })}
            <ul class="kos-images" aria-label=move || tr("rtkos.kos.images")>
                <For each=move || listed.get() key=|row| (row.number, row.location.clone(), row.detail.clone()) children=move |row| {
                    let number = row.number;
                    let location = row.location.clone();
                    let open = location.is_some();
                    let frames = row.frames.clone();
                    let detail = row.detail.clone();
                    let choose = move |_| {
                        if let Some(location) = location.clone() {
                            selected.set(Some(number));
                            show_location(app, location);
                        }
                    };
                    view! {
                        <li>
                            <button type="button" class="kos-image" data-testid="key-image"
                                data-sop-instance-uid=row.sop_instance_uid.clone()
                                data-open=open.to_string()
                                disabled=!open
                                aria-current=move || (selected.get() == Some(number)).then_some("true")
                                on:click=choose>
                                <span class="kos-image-name">{move || trf("rtkos.kos.image", &[("n", &integer(number as i64))])}</span>
                                <span class="kos-image-detail">{
                                    let frames = frames.clone();
                                    let detail = detail.clone();
                                    move || {
                                        let mut parts: Vec<String> = Vec::new();
                                        match &detail {
                                            Some((slice, total, label)) => {
                                                parts.push(trf("rtkos.kos.slice", &[("n", &integer(i64::from(*slice))), ("total", &integer(*total as i64))]));
                                                parts.push(label.clone());
                                            }
                                            None => parts.push(tr("rtkos.kos.not_open").to_string()),
                                        }
                                        if !frames.is_empty() {
                                            let list = frames.iter().map(|f| integer(i64::from(*f))).collect::<Vec<_>>().join(", ");
                                            parts.push(trf("rtkos.kos.frames", &[("list", &list)]));
                                        }
                                        parts.join(" · ")
                                    }
                                }</span>
                            </button>
                        </li>
                    }
                } />
            </ul>
        </div>
    }
    .into_any()
}
