//! The RT Structure Set section of the Segments tab: fill / outline switches and the fill
//! opacity for the whole set, then one row per ROI (colour, name, interpreted type, slice
//! count) with its own show switch (`roi-toggle`, `data-roi` = ROI Number); choosing a ROI's
//! name selects it (drawn emphasised) and shows a slice it lies on
//! (crate::derived::rtstruct::StructureSet::locate_roi). When none of its images is open, one
//! message names the series to open.

use std::rc::Rc;

use leptos::prelude::*;

use super::super::context::use_app;
use super::super::derived::DerivedEntry;
use super::super::i18n::{integer, tr, trf};
use super::kos::show_location;
use crate::derived::Derived;

#[derive(Clone, PartialEq)]
struct RoiRow {
    number: u32,
    name: String,
    interpreted_type: String,
    rgb: [u8; 3],
    slices: usize,
}

#[component]
pub fn RtStructSection(entry: Rc<DerivedEntry>) -> impl IntoView {
    let app = use_app();
    let Some(object) = entry.object() else { return ().into_any() };
    let Derived::RtStructureSet(set) = object.as_ref() else { return ().into_any() };
    let style = entry.style;
    let rows: Vec<RoiRow> = set
        .rois
        .iter()
        .map(|roi| RoiRow {
            number: roi.number,
            name: roi.name.clone(),
            interpreted_type: roi.interpreted_type.clone(),
            rgb: roi.rgb,
            slices: roi.slice_count(),
        })
        .collect();
    let skipped = set.skipped.len();
    let first_series = object.references().series.first().cloned().unwrap_or_default();

    // What the open images say about this set: whether any carries a contour, and how many
    // contours lie on images that are not open.
    let stored = StoredValue::new_local(object.clone());
    let status = Memo::new(move |_| {
        let session = app.session.get_value();
        session.signals.library_revision.track();
        let library = session.library.borrow();
        stored.with_value(|object| {
            let Derived::RtStructureSet(set) = object.as_ref() else { return (false, 0) };
            let open: std::collections::HashSet<&str> =
                library.instances().iter().map(|m| m.sop_instance_uid.as_str()).collect();
            let loaded = |uid: &str| open.contains(uid);
            let missing: usize = set.contours_on_missing_images(loaded).iter().map(|m| m.contours).sum();
            (set.has_source_in(&library), missing)
        })
    });

    let jump = move |number: u32| {
        style.update(|s| {
            s.selected = Some(number);
            s.hidden.remove(&number);
        });
        let session = app.session.get_value();
        let preferred = app.active_pane().display_set.get_untracked();
        let location = stored.with_value(|object| match object.as_ref() {
            Derived::RtStructureSet(set) => set.locate_roi(number, &session.library.borrow(), preferred.as_deref()),
            _ => None,
        });
        if let Some(location) = location {
            show_location(app, location);
        }
    };

    view! {
        <div class="rt-section" data-testid="rtstruct-section">
            {move || (!status.get().0).then(|| view! {
                <p class="derived-note" role="status" data-testid="rtstruct-needs-source">
                    {trf("rtkos.rt.needs_source", &[("series", &first_series)])}
                </p>
            })}
            {move || {
                let (has_source, missing) = status.get();
                (has_source && missing > 0).then(|| view! {
                    <p class="muted" data-testid="rtstruct-missing">
                        {trf("rtkos.rt.missing_images", &[("n", &integer(missing as i64))])}
                    </p>
                })
            }}
            {(skipped > 0).then(|| view! {
                <p class="muted">{move || trf("rtkos.rt.skipped", &[("n", &integer(skipped as i64))])}</p>
            })}
            <div class="rt-style">
                <label class="rt-switch">
                    <input type="checkbox" data-testid="rt-fill" prop:checked=move || style.with(|s| s.fill)
                        on:change=move |ev| { let on = event_target_checked(&ev); style.update(|s| s.fill = on) } />
                    <span>{move || tr("rtkos.rt.fill")}</span>
                </label>
                <label class="rt-switch">
                    <input type="checkbox" data-testid="rt-outline" prop:checked=move || style.with(|s| s.outline)
                        on:change=move |ev| { let on = event_target_checked(&ev); style.update(|s| s.outline = on) } />
                    <span>{move || tr("rtkos.rt.outline")}</span>
                </label>
                <label class="rt-opacity">
                    <span>{move || tr("rtkos.rt.opacity")}</span>
                    <input type="range" min="0" max="100" step="5" data-testid="rt-opacity"
                        prop:value=move || style.with(|s| (s.opacity * 100.0).round().to_string())
                        on:input=move |ev| {
                            if let Ok(value) = event_target_value(&ev).parse::<f32>() {
                                style.update(|s| s.opacity = (value / 100.0).clamp(0.0, 1.0));
                            }
                        } />
                </label>
            </div>
            {rows.is_empty().then(|| view! { <p class="muted">{move || tr("rtkos.rt.no_rois")}</p> })}
            <ul class="roi-list" aria-label=move || tr("rtkos.rt.rois")>
                {rows.into_iter().map(|row| {
                    let number = row.number;
                    let name = row.name.clone();
                    let name_for_toggle = row.name.clone();
                    let name_for_jump = row.name.clone();
                    let colour = format!("rgb({}, {}, {})", row.rgb[0], row.rgb[1], row.rgb[2]);
                    let slices = row.slices;
                    let kind = row.interpreted_type.clone();
                    let shown = move || style.with(|s| s.shows(number));
                    let selected = move || style.with(|s| s.selected == Some(number));
                    view! {
                        <li class="roi-row" class:selected=selected data-testid="roi-row" data-roi=number.to_string()>
                            <input type="checkbox" class="roi-toggle" data-testid="roi-toggle" data-roi=number.to_string()
                                aria-label=move || trf("rtkos.rt.show_roi", &[("name", &name_for_toggle)])
                                prop:checked=shown
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    style.update(|s| {
                                        if on { s.hidden.remove(&number); } else { s.hidden.insert(number); }
                                    });
                                } />
                            <span class="roi-swatch" aria-hidden="true" style=format!("background: {colour}")></span>
                            <button type="button" class="roi-item" data-testid="roi-item" data-roi=number.to_string()
                                title=move || trf("rtkos.rt.go_to_roi", &[("name", &name_for_jump)])
                                aria-current=move || selected().then_some("true")
                                on:click=move |_| jump(number)>
                                <span class="roi-name">{name.clone()}</span>
                                <span class="roi-detail">
                                    {(!kind.is_empty()).then(|| view! { <span class="roi-type">{kind.clone()}</span> })}
                                    <span class="roi-slices">{move || match slices {
                                        0 => tr("rtkos.rt.no_contours").to_string(),
                                        1 => tr("rtkos.rt.slice_one").to_string(),
                                        n => trf("rtkos.rt.slices", &[("n", &integer(n as i64))]),
                                    }}</span>
                                </span>
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </div>
    }
    .into_any()
}
