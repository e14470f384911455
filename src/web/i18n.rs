//! The interface's language in the browser: picked once from `?lng=`, the stored choice or the
//! browser's languages (crate::i18n::negotiate), held in a signal so every `tr` inside a reactive
//! closure follows a switch. Words come from crate::i18n (locales/<lang>/*.txt).

use leptos::prelude::*;

use crate::i18n::{self, Lang};

const STORED_KEY: &str = "dicomViewer.language";

thread_local! {
    // Reference-counted (not owned by a component), so it lives as long as the page.
    static LANG: ArcRwSignal<Lang> = ArcRwSignal::new(detect());
}

fn detect() -> Lang {
    let Some(window) = web_sys::window() else { return Lang::En };
    let search = window.location().search().unwrap_or_default();
    let stored = window.local_storage().ok().flatten().and_then(|s| s.get_item(STORED_KEY).ok().flatten());
    let browser: Vec<String> = window.navigator().languages().iter().filter_map(|v| v.as_string()).collect();
    i18n::negotiate(i18n::lng_param(&search), stored.as_deref(), &browser)
}

/// The current language (tracked: a closure calling it re-runs on a switch).
pub fn lang() -> Lang {
    LANG.with(|l| l.get())
}

/// The text of `key` in the current language (tracked). Keys live in locales/<lang>/*.txt.
pub fn tr(key: &'static str) -> &'static str {
    i18n::text(lang(), key)
}

/// The text of `key` with its `{name}` placeholders filled (tracked).
pub fn trf(key: &'static str, values: &[(&str, &str)]) -> String {
    i18n::fill(tr(key), values)
}

/// A whole number with the current language's digit grouping (tracked).
pub fn integer(value: i64) -> String {
    i18n::format_integer(lang(), value)
}

/// A number with `decimals` places as the current language writes it (tracked).
pub fn decimal(value: f64, decimals: usize) -> String {
    i18n::format_decimal(lang(), value, decimals)
}

/// Switches the language: remembered in this browser, written into `<html lang>` and, when the
/// address has `?lng=`, into the address too.
pub fn set_lang(next: Lang) {
    LANG.with(|l| l.set(next));
    let Some(window) = web_sys::window() else { return };
    if let Some(storage) = window.local_storage().ok().flatten() {
        let _ = storage.set_item(STORED_KEY, next.code());
    }
    mark_document(next);
    let search = window.location().search().unwrap_or_default();
    if i18n::lng_param(&search).is_some() {
        let query: Vec<String> = search
            .trim_start_matches('?')
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|pair| match pair.split_once('=') {
                Some((name, _)) if name.eq_ignore_ascii_case("lng") => format!("{name}={}", next.code()),
                _ => pair.to_string(),
            })
            .collect();
        let path = window.location().pathname().unwrap_or_default();
        let hash = window.location().hash().unwrap_or_default();
        if let Ok(history) = window.history() {
            let url = format!("{path}?{}{hash}", query.join("&"));
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
        }
    }
}

fn mark_document(lang: Lang) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    if let Some(root) = document.document_element() {
        let _ = root.set_attribute("lang", lang.code());
    }
    document.set_title(i18n::text(lang, "app.name"));
}

/// Writes the detected language into `<html lang>` (call once at start).
pub fn install() {
    mark_document(LANG.with(|l| l.get_untracked()));
}

/// The language menu (`data-testid="language"`): each language in its own name.
#[component]
pub fn LanguageSelect() -> impl IntoView {
    view! {
        <label class="language-select">
            <span class="visually-hidden">{move || tr("language.label")}</span>
            <select data-testid="language"
                on:change=move |ev| {
                    if let Some(next) = Lang::from_tag(&event_target_value(&ev)) {
                        set_lang(next);
                    }
                }>
                {Lang::ALL.into_iter().map(|l| view! {
                    <option value=l.code() lang=l.code() selected=move || lang() == l>{l.native_name()}</option>
                }).collect_view()}
            </select>
        </label>
    }
}
