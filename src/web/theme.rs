//! The colour theme: the system's (prefers-color-scheme), light or dark. The choice is stored in
//! this browser and written as `<html data-theme>`, which style/main.css reads.

use leptos::prelude::*;

use super::i18n::tr;

const STORED_KEY: &str = "dicomViewer.theme";

/// What the user chose; `System` follows the operating system's light/dark setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    System,
    Light,
    Dark,
}

impl Theme {
    const ALL: [Theme; 3] = [Theme::System, Theme::Light, Theme::Dark];

    fn code(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    fn from_code(code: &str) -> Theme {
        Theme::ALL.into_iter().find(|t| t.code() == code).unwrap_or(Theme::System)
    }

    fn label_key(self) -> &'static str {
        match self {
            Theme::System => "theme.system",
            Theme::Light => "theme.light",
            Theme::Dark => "theme.dark",
        }
    }
}

fn stored() -> Theme {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(STORED_KEY).ok().flatten())
        .map_or(Theme::System, |code| Theme::from_code(&code))
}

fn apply(theme: Theme) {
    let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) else {
        return;
    };
    let _ = match theme {
        Theme::System => root.remove_attribute("data-theme"),
        other => root.set_attribute("data-theme", other.code()),
    };
}

/// Applies the stored theme (call once at start, before the first paint of the app).
pub fn install() {
    apply(stored());
}

/// The theme menu (`data-testid="theme"`, values `system`, `light`, `dark`).
#[component]
pub fn ThemeSelect() -> impl IntoView {
    let current = RwSignal::new(stored());
    view! {
        <label class="theme-select">
            <span class="visually-hidden">{move || tr("theme.label")}</span>
            <select data-testid="theme"
                on:change=move |ev| {
                    let theme = Theme::from_code(&event_target_value(&ev));
                    current.set(theme);
                    apply(theme);
                    if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
                        let _ = s.set_item(STORED_KEY, theme.code());
                    }
                }>
                {Theme::ALL.into_iter().map(|t| view! {
                    <option value=t.code() selected=move || current.get() == t>{move || tr(t.label_key())}</option>
                }).collect_view()}
            </select>
        </label>
    }
}
