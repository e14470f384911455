//! Adding and removing servers (data-testid="source-editor"). A new server needs a name, its
//! QIDO-RS and WADO-RS roots, how it authenticates and OHIF's capability flags; it is remembered
//! in localStorage (never with a key: keys are typed in the study browser and kept per tab).

use leptos::prelude::*;

use crate::dicomweb::source::{AuthKind, DataSource, SourceFlags, ThumbnailKind};
use crate::web::context::use_app;
use crate::web::i18n::{tr, trf};

#[component]
pub fn SourceEditor() -> impl IntoView {
    let app = use_app();
    let sources = app.dicomweb.get_value().sources.clone();
    let name = RwSignal::new(String::new());
    let qido = RwSignal::new(String::new());
    let wado = RwSignal::new(String::new());
    let auth = RwSignal::new("none".to_string());
    let header = RwSignal::new("apikey".to_string());
    let thumbnails = RwSignal::new("wadors".to_string());
    let include_field = RwSignal::new(true);
    let wildcard = RwSignal::new(true);
    let fuzzy = RwSignal::new(false);
    let bulk = RwSignal::new(true);
    let unquoted = RwSignal::new(false);
    let message = RwSignal::new(None::<String>);
    let list = sources.list;
    let registry = move || app.dicomweb.get_value().sources.clone();
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let qido_root = qido.get_untracked().trim().to_string();
        let wado_root = Some(wado.get_untracked().trim().to_string())
            .filter(|w| !w.is_empty())
            .unwrap_or_else(|| qido_root.clone());
        let source = DataSource {
            name: name.get_untracked().trim().to_string(),
            friendly_name: name.get_untracked().trim().to_string(),
            qido_root,
            wado_root,
            auth: match auth.get_untracked().as_str() {
                "apikey" => AuthKind::ApiKey { header: header.get_untracked().trim().to_string() },
                "bearer" => AuthKind::Bearer,
                _ => AuthKind::None,
            },
            flags: SourceFlags {
                qido_supports_include_field: include_field.get_untracked(),
                supports_wildcard: wildcard.get_untracked(),
                supports_fuzzy_matching: fuzzy.get_untracked(),
                bulk_data_uri_enabled: bulk.get_untracked(),
                omit_quotation_for_multipart_request: unquoted.get_untracked(),
            },
            thumbnails: match thumbnails.get_untracked().as_str() {
                "rendered" => ThumbnailKind::Rendered,
                "thumbnail" => ThumbnailKind::Thumbnail,
                _ => ThumbnailKind::DecodeFrame,
            },
            description: String::new(),
        };
        let added_name = source.name.clone();
        match registry().add(source) {
            Ok(()) => {
                message.set(Some(trf("dicomweb.editor.added", &[("name", &added_name)])));
                app.browse.set(Some(added_name));
                name.set(String::new());
                qido.set(String::new());
                wado.set(String::new());
            }
            Err(e) => message.set(Some(e)),
        }
    };
    let text = move |label: &'static str, testid: &'static str, value: RwSignal<String>, placeholder: &'static str| {
        view! {
            <label><span>{move || tr(label)}</span>
                <input type="text" data-testid=testid placeholder=placeholder spellcheck="false"
                    prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
            </label>
        }
    };
    let flag = move |label: &'static str, testid: &'static str, value: RwSignal<bool>| {
        view! {
            <label class="flag"><input type="checkbox" data-testid=testid prop:checked=move || value.get()
                on:change=move |ev| value.set(event_target_checked(&ev)) /><span>{label}</span></label>
        }
    };
    view! {
        <section class="source-editor" data-testid="source-editor" aria-label=move || tr("dicomweb.editor.label")>
            <ul class="source-list">
                {move || list.get().into_iter().map(|s| {
                    let source_name = s.name.clone();
                    view! {
                        <li data-testid="source-entry" data-source=s.name.clone()>
                            <strong>{s.friendly_name.clone()}</strong>
                            <span class="root">{s.qido_root.clone()}</span>
                            <button type="button" class="btn-ghost danger" data-testid="remove-source" aria-label={ let friendly = s.friendly_name.clone(); move || trf("dicomweb.editor.remove_named", &[("name", &friendly)]) }
                                on:click=move |_| registry().remove(&source_name)>{move || tr("dicomweb.editor.remove")}</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <form on:submit=add>
                <h2>{move || tr("dicomweb.editor.title")}</h2>
                {text("dicomweb.editor.name", "source-name", name, "my-pacs")}
                {text("dicomweb.editor.qido", "source-qido", qido, "https://server/dicom-web")}
                {text("dicomweb.editor.wado", "source-wado", wado, "")}
                <label><span>{move || tr("dicomweb.editor.auth")}</span>
                    <select data-testid="source-auth" on:change=move |ev| auth.set(event_target_value(&ev))>
                        <option value="none">{move || tr("dicomweb.editor.auth_none")}</option>
                        <option value="apikey">{move || tr("dicomweb.editor.auth_apikey")}</option>
                        <option value="bearer">{move || tr("dicomweb.key.bearer")}</option>
                    </select>
                </label>
                <Show when=move || auth.get() == "apikey">
                    {text("dicomweb.editor.key_header", "source-key-header", header, "apikey")}
                </Show>
                <label><span>{move || tr("dicomweb.editor.thumbnails")}</span>
                    <select on:change=move |ev| thumbnails.set(event_target_value(&ev))>
                        <option value="wadors">{move || tr("dicomweb.editor.thumb_decode")}</option>
                        <option value="rendered">{move || tr("dicomweb.editor.thumb_rendered")}</option>
                        <option value="thumbnail">{move || tr("dicomweb.editor.thumb_thumbnail")}</option>
                    </select>
                </label>
                <fieldset><legend>{move || tr("dicomweb.editor.flags")}</legend>
                    {flag("qidoSupportsIncludeField", "flag-includefield", include_field)}
                    {flag("supportsWildcard", "flag-wildcard", wildcard)}
                    {flag("supportsFuzzyMatching", "flag-fuzzy", fuzzy)}
                    {flag("bulkDataURI.enabled", "flag-bulkdata", bulk)}
                    {flag("omitQuotationForMultipartRequest", "flag-unquoted", unquoted)}
                </fieldset>
                <button type="submit" class="btn-primary" data-testid="add-source">{move || tr("dicomweb.editor.add")}</button>
                {move || message.get().map(|m| view! { <p role="status" data-testid="source-message">{m}</p> })}
            </form>
        </section>
    }
}
