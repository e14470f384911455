//! The SEG section of the Segments tab (one per loaded segmentation): per segment its colour,
//! label, category / type meanings, volume in mL and a visibility switch; choosing a segment
//! shows its centroid slice in the active viewport and emphasises it. Per object: fill and
//! outline switches, the fill opacity and show / hide all. The choices live in the entry's
//! `LayerStyle` (the viewport redraws when it changes); the facts come from
//! crate::derived::seg.

use std::rc::Rc;

use leptos::prelude::*;

use crate::derived::seg::Segment;
use crate::derived::{Derived, SourceFrame};
use crate::web::context::use_app;
use crate::web::derived::DerivedEntry;
use crate::web::i18n::{decimal, integer, tr, trf};

/// What one row shows.
#[derive(Clone)]
struct SegmentRow {
    number: u32,
    label: String,
    rgb: [u8; 3],
    meaning: String,
    volume_ml: Option<f64>,
    voxels: u64,
}

impl SegmentRow {
    fn of(segment: &Segment) -> SegmentRow {
        let meanings: Vec<&str> = [&segment.category, &segment.property_type]
            .into_iter()
            .flatten()
            .map(|code| code.meaning.as_str())
            .filter(|m| !m.is_empty() && *m != segment.label)
            .collect();
        SegmentRow {
            number: segment.number,
            label: segment.label.clone(),
            rgb: segment.rgb,
            meaning: meanings.join(" · "),
            volume_ml: segment.volume_ml,
            voxels: segment.voxel_count,
        }
    }
}

/// The body of one SEG entry in the Segments tab.
#[component]
pub fn SegSection(entry: Rc<DerivedEntry>) -> impl IntoView {
    let app = use_app();
    let Some(object) = entry.object() else { return ().into_any() };
    let Derived::Segmentation(seg) = &*object else { return ().into_any() };
    let style = entry.style;
    let rows: Vec<SegmentRow> = seg.segments.iter().map(SegmentRow::of).collect();
    let numbers: Vec<u32> = rows.iter().map(|r| r.number).collect();
    let jump = {
        let object = object.clone();
        move |number: u32| {
            style.update(|s| s.selected = Some(number));
            let Derived::Segmentation(seg) = &*object else { return };
            let pane = app.active_pane();
            let Some(key) = pane.display_set.get_untracked() else { return };
            let session = app.session();
            let frames: Vec<SourceFrame> = {
                let library = session.library.borrow();
                let Some(set) = library.display_set(&key) else { return };
                set.frames
                    .iter()
                    .filter_map(|f| library.instance(f.source).map(|meta| SourceFrame::of(meta, f.frame)))
                    .collect()
            };
            if let Some(index) = seg.slice_for_segment(number, &frames) {
                pane.cine.set(false);
                pane.frame.set(index as u32);
            }
        }
    };
    let all = numbers.clone();
    let opacity_percent = move || (style.with(|s| s.opacity) * 100.0).round() as i32;
    view! {
        <div class="seg-section" data-testid="seg-section">
            <div class="seg-controls">
                <label class="seg-switch">
                    <input type="checkbox" data-testid="seg-fill"
                        prop:checked=move || style.with(|s| s.fill)
                        on:change=move |ev| style.update(|s| s.fill = event_target_checked(&ev)) />
                    <span>{move || tr("seg.fill")}</span>
                </label>
                <label class="seg-switch">
                    <input type="checkbox" data-testid="seg-outline"
                        prop:checked=move || style.with(|s| s.outline)
                        on:change=move |ev| style.update(|s| s.outline = event_target_checked(&ev)) />
                    <span>{move || tr("seg.outline")}</span>
                </label>
                <label class="seg-opacity">
                    <span>{move || tr("seg.opacity")}</span>
                    <input type="range" min="0" max="100" step="5" data-testid="seg-opacity"
                        prop:value=move || opacity_percent().to_string()
                        aria-valuetext=move || trf("seg.percent", &[("n", &integer(opacity_percent().into()))])
                        on:input=move |ev| {
                            if let Ok(value) = event_target_value(&ev).parse::<f32>() {
                                style.update(|s| s.opacity = (value / 100.0).clamp(0.0, 1.0));
                            }
                        } />
                    <output class="seg-opacity-value">{move || trf("seg.percent", &[("n", &integer(opacity_percent().into()))])}</output>
                </label>
                <div class="seg-all">
                    <button type="button" class="btn-secondary btn-sm" data-testid="seg-show-all"
                        on:click=move |_| style.update(|s| s.hidden.clear())>{move || tr("seg.show_all")}</button>
                    <button type="button" class="btn-secondary btn-sm" data-testid="seg-hide-all"
                        on:click=move |_| style.update(|s| s.hidden = all.iter().copied().collect())>{move || tr("seg.hide_all")}</button>
                </div>
            </div>
            <ul class="segment-list">
                {rows.into_iter().map(|row| {
                    let n = row.number;
                    let jump = jump.clone();
                    let swatch = format!("background-color: rgb({}, {}, {})", row.rgb[0], row.rgb[1], row.rgb[2]);
                    let volume = match row.volume_ml {
                        Some(ml) => trf("seg.volume_ml", &[("ml", &decimal(ml, if ml < 10.0 { 2 } else { 1 }))]),
                        None => trf("seg.voxels", &[("n", &integer(row.voxels as i64))]),
                    };
                    let label_for_toggle = row.label.clone();
                    let label_for_jump = row.label.clone();
                    view! {
                        <li class="segment-row" data-testid="segment-row" data-segment=n.to_string()
                            class:selected=move || style.with(|s| s.selected == Some(n))
                            class:hidden-segment=move || style.with(|s| !s.shows(n))>
                            <button type="button" class="segment-jump" data-testid="segment-jump" data-segment=n.to_string()
                                title=move || trf("seg.jump", &[("label", &label_for_jump)])
                                on:click=move |_| jump(n)>
                                <span class="segment-swatch" style=swatch aria-hidden="true"></span>
                                <span class="segment-text">
                                    <span class="segment-label">{row.label.clone()}</span>
                                    <span class="segment-meaning">{row.meaning.clone()}</span>
                                </span>
                                <span class="segment-volume">{volume}</span>
                            </button>
                            <label class="segment-visibility">
                                <input type="checkbox" data-testid="segment-toggle" data-segment=n.to_string()
                                    aria-label=move || trf("seg.toggle", &[("label", &label_for_toggle)])
                                    prop:checked=move || style.with(|s| s.shows(n))
                                    on:change=move |ev| {
                                        let show = event_target_checked(&ev);
                                        style.update(|s| {
                                            if show {
                                                s.hidden.remove(&n);
                                            } else {
                                                s.hidden.insert(n);
                                            }
                                        });
                                    } />
                            </label>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </div>
    }
    .into_any()
}
