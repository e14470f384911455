//! The Fusion tab's body: which image display set of the same Frame of Reference is drawn over
//! the active viewport's images (a parametric map over its source, PET over CT), its colour
//! map, opacity and value range, and the colour bar (`data-testid="colour-bar"`). The state is
//! the session's (src/web/derived/fusion.rs); the pure work is crate::viewer::fusion.

use leptos::prelude::*;

use super::super::context::use_app;
use super::super::derived::fusion::{candidates, layer_name_and_unit, suv_of};
use super::super::i18n::{lang, tr, trf};
use crate::viewer::fusion::{format_quantity, ColourBar, ColourMap, FusionStyle, Interpolation};
use crate::viewer::suv::SuvError;

fn colour_map_label(map: ColourMap) -> &'static str {
    match map {
        ColourMap::Hot => tr("fusion.panel.map.hot"),
        ColourMap::Jet => tr("fusion.panel.map.jet"),
        ColourMap::Grey => tr("fusion.panel.map.grey"),
    }
}

/// The message for a PET layer whose SUV cannot be computed.
fn no_suv_text(error: &SuvError) -> String {
    match error {
        SuvError::Missing { keyword } => trf("fusion.panel.no_suv_missing", &[("keyword", keyword)]),
        other => trf("fusion.panel.no_suv_invalid", &[("keyword", other.keyword())]),
    }
}

#[component]
pub fn FusionSection() -> impl IntoView {
    let app = use_app();
    let fusion = move || app.session.get_value();
    // The source of the active viewport's display set (its first frame).
    let base_source = move || {
        let session = app.session.get_value();
        session.signals.library_revision.track();
        let pane = app.panes[app.active.get()];
        let key = pane.display_set.get()?;
        let set = session.library.borrow().display_set(&key)?;
        set.frames.first().map(|f| f.source)
    };
    let options = move || {
        let session = app.session.get_value();
        base_source().map(|source| candidates(&session, source)).unwrap_or_default()
    };
    let state = move || {
        let session = fusion();
        let f = &session.derived.fusion;
        (f.layer, f.colour_map, f.opacity, f.range)
    };
    let (layer, colour_map, opacity, range) = state();
    let choose = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let session = app.session.get_value();
        session.derived.fusion.choose(&session, (!value.is_empty()).then_some(value));
    };
    let set_bound = move |low_end: bool, text: String| {
        let Ok(value) = text.trim().replace(',', ".").parse::<f64>() else { return };
        if !value.is_finite() {
            return;
        }
        range.update(|r| {
            let (low, high) = r.unwrap_or((value, value));
            *r = Some(if low_end { (value, high) } else { (low, value) });
        });
    };
    let name_and_unit = move || {
        let key = layer.get()?;
        let session = app.session.get_value();
        session.signals.library_revision.track();
        Some(layer_name_and_unit(&session, &key))
    };
    // "From (g/ml)": the range is typed in the layer's unit.
    let with_unit = move |word: &str| match name_and_unit().and_then(|(_, unit)| unit) {
        Some(unit) => format!("{word} ({unit})"),
        None => word.to_string(),
    };
    let bar = move || {
        let (low, high) = range.get()?;
        let (name, unit) = name_and_unit()?;
        let style = FusionStyle {
            colour_map: colour_map.get(),
            low,
            high,
            opacity: opacity.get(),
            interpolation: Interpolation::Bilinear,
        };
        Some((ColourBar::new(lang(), &style, unit.as_deref(), 32), name))
    };
    let suv_problem = move || {
        let key = layer.get()?;
        let session = app.session.get_value();
        let source = session.library.borrow().display_set(&key)?.frames.first()?.source;
        match suv_of(&session, source)? {
            Err(
                error @ (SuvError::Missing { .. } | SuvError::Invalid { .. } | SuvError::InjectionAfterScan { .. }),
            ) => Some(no_suv_text(&error)),
            _ => None,
        }
    };
    view! {
        <section class="fusion-section" data-testid="fusion-section" aria-label=move || tr("fusion.panel.title")>
            <h3 class="fusion-title">{move || tr("fusion.panel.title")}</h3>
            <label class="fusion-field">
                <span>{move || tr("fusion.panel.layer")}</span>
                <select data-testid="fusion-layer" on:change=choose
                    prop:value=move || layer.get().unwrap_or_default()>
                    <option value="">{move || tr("fusion.panel.none")}</option>
                    {move || options().into_iter().map(|set| {
                        let key = set.key.clone();
                        let selected = layer.get().as_deref() == Some(key.as_str());
                        view! { <option value=key selected=selected>{set.label.clone()}</option> }
                    }).collect_view()}
                </select>
            </label>
            {move || (base_source().is_some() && options().is_empty())
                .then(|| view! { <p class="muted">{tr("fusion.panel.no_candidates")}</p> })}
            <Show when=move || layer.get().is_some()>
                <label class="fusion-field">
                    <span>{move || tr("fusion.panel.colour_map")}</span>
                    <select data-testid="fusion-colour-map"
                        prop:value=move || colour_map.get().name()
                        on:change=move |ev| {
                            if let Some(map) = ColourMap::from_name(&event_target_value(&ev)) {
                                colour_map.set(map);
                            }
                        }>
                        {ColourMap::ALL.into_iter().map(|map| view! {
                            <option value=map.name() selected=move || colour_map.get() == map>{move || colour_map_label(map)}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="fusion-field">
                    <span>{move || trf("fusion.panel.opacity", &[("percent", &format!("{:.0}", opacity.get() * 100.0))])}</span>
                    <input type="range" min="0" max="100" step="5" data-testid="fusion-opacity"
                        prop:value=move || format!("{:.0}", opacity.get() * 100.0)
                        on:input=move |ev| {
                            if let Ok(percent) = event_target_value(&ev).parse::<f32>() {
                                opacity.set((percent / 100.0).clamp(0.0, 1.0));
                            }
                        } />
                </label>
                <div class="fusion-range">
                    <label class="fusion-field">
                        <span>{move || with_unit(tr("fusion.panel.low"))}</span>
                        <input type="number" step="any" data-testid="fusion-low"
                            prop:value=move || range.get().map(|(l, _)| format_quantity(crate::i18n::Lang::En, l)).unwrap_or_default()
                            on:change=move |ev| set_bound(true, event_target_value(&ev)) />
                    </label>
                    <label class="fusion-field">
                        <span>{move || with_unit(tr("fusion.panel.high"))}</span>
                        <input type="number" step="any" data-testid="fusion-high"
                            prop:value=move || range.get().map(|(_, h)| format_quantity(crate::i18n::Lang::En, h)).unwrap_or_default()
                            on:change=move |ev| set_bound(false, event_target_value(&ev)) />
                    </label>
                </div>
                {move || suv_problem().map(|text| view! { <p class="muted" role="status">{text}</p> })}
                {move || bar().map(|(bar, name)| {
                    let (low, high) = range.get().unwrap_or((0.0, 1.0));
                    view! {
                        <figure class="colour-bar" data-testid="colour-bar"
                            data-low=low.to_string() data-high=high.to_string()
                            data-colour-map=colour_map.get().name()>
                            <div class="colour-bar-ramp" style=format!("background: {}", bar.css_gradient())></div>
                            <figcaption class="colour-bar-labels">
                                <span class="colour-bar-high">{bar.high_label.clone()}</span>
                                <span class="colour-bar-name">{name.unwrap_or_default()}</span>
                                <span class="colour-bar-low">{bar.low_label.clone()}</span>
                            </figcaption>
                        </figure>
                    }
                })}
            </Show>
        </section>
    }
}
