//! The page: a file picker and drop target, one viewport per opened image, one message per file
//! that could not be opened.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DragEvent, Event, File, HtmlInputElement};

use super::files;
use super::view_state::ViewState;
use super::viewport::Viewport;

#[derive(Clone)]
enum Opened {
    Image(StoredValue<ViewState, LocalStorage>),
    Failed(String),
}

#[derive(Clone)]
struct Entry {
    id: usize,
    name: String,
    opened: Opened,
}

#[component]
pub fn App() -> impl IntoView {
    let entries = RwSignal::new(Vec::<Entry>::new());
    let next_id = StoredValue::new(0usize);
    // Images outlive the task that opens them: store them under the page's owner.
    let owner = StoredValue::new(Owner::current().expect("App runs under the root owner"));

    // Files are opened one after the other on the main thread (workers come later).
    let open_all = move |list: Vec<File>| {
        wasm_bindgen_futures::spawn_local(async move {
            for file in list {
                let result = files::open(&file).await;
                let id = next_id.get_value();
                next_id.set_value(id + 1);
                let opened = match result {
                    Ok(state) => Opened::Image(owner.with_value(|o| o.with(|| StoredValue::new_local(state)))),
                    Err(message) => Opened::Failed(message),
                };
                entries.update(|list| list.push(Entry { id, name: file.name(), opened }));
            }
        });
    };

    let on_change = move |ev: Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else { return };
        let list = files::list(input.files());
        // Clear the choice so choosing the same file again opens it again.
        input.set_value("");
        open_all(list);
    };
    let on_drag_over = |ev: DragEvent| ev.prevent_default();
    let on_drop = move |ev: DragEvent| {
        ev.prevent_default();
        open_all(files::list(ev.data_transfer().and_then(|d| d.files())));
    };

    let images = move || {
        entries.with(|list| {
            list.iter()
                .filter_map(|e| match &e.opened {
                    Opened::Image(state) => Some((e.id, e.name.clone(), *state)),
                    Opened::Failed(_) => None,
                })
                .collect::<Vec<_>>()
        })
    };
    let failures = move || {
        entries.with(|list| {
            list.iter()
                .filter_map(|e| match &e.opened {
                    Opened::Failed(message) => Some((e.id, format!("{}: {message}", e.name))),
                    Opened::Image(_) => None,
                })
                .collect::<Vec<_>>()
        })
    };

    view! {
        <main class="page" on:dragover=on_drag_over on:drop=on_drop>
            <header class="toolbar">
                <h1>"DICOM Viewer"</h1>
                <label class="open" for="open-files">"Open DICOM files…"</label>
                <input
                    id="open-files"
                    data-testid="open-files"
                    type="file"
                    multiple
                    aria-describedby="open-help"
                    on:change=on_change
                />
                <p id="open-help" class="hint">
                    "or drop files anywhere on the page. Nothing is uploaded: files are read in this browser."
                </p>
            </header>
            <div class="errors">
                <For
                    each=failures
                    key=|(id, _)| *id
                    children=|(_, message)| view! { <p class="error" data-testid="error" role="alert">{message}</p> }
                />
            </div>
            <section class="viewports" aria-label="Opened images">
                <For
                    each=images
                    key=|(id, _, _)| *id
                    children=|(_, name, state)| view! { <Viewport name=name state=state /> }
                />
            </section>
        </main>
    }
}
