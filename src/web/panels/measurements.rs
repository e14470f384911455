//! The Measurements tab: the measurements of the active viewport's series
//! (crate::viewer::shell::measurement_rows): tool, value with unit, slice number. Choosing one
//! shows its slice; each has a delete button, and "Delete all" clears the list.

use leptos::prelude::*;

use crate::viewer::shell::{measurement_rows, MeasurementInput, MeasurementRow};
use crate::web::context::use_app;
use crate::web::i18n::{tr, trf};
use crate::web::icons::{Icon, IconName};
use crate::web::pane::Tool;

fn tool_of(name: &str) -> Option<Tool> {
    Tool::ALL.into_iter().find(|t| t.name() == name)
}

#[component]
pub fn MeasurementList() -> impl IntoView {
    let app = use_app();
    let pane = move || app.panes[app.active.get().min(3)];
    let selected = RwSignal::new(None::<u64>);
    let rows = Memo::new(move |_| {
        let pane = pane();
        app.session.with_value(|s| s.signals.library_revision).track();
        let slices: Vec<(u32, u32)> = pane
            .display_set
            .get()
            .and_then(|key| app.session.with_value(|s| s.library.borrow().display_set(&key)))
            .map(|set| set.frames.iter().map(|f| (f.source, f.frame)).collect())
            .unwrap_or_default();
        pane.annotations.with(|list| {
            let inputs: Vec<MeasurementInput<'_>> = list
                .iter()
                .map(|a| MeasurementInput { id: a.id, tool: a.tool.name(), frame: a.frame, lines: &a.text })
                .collect();
            measurement_rows(&inputs, &slices)
        })
    });
    let jump = move |row: &MeasurementRow| {
        selected.set(Some(row.id));
        if let Some(index) = row.slice_index {
            let pane = pane();
            pane.cine.set(false);
            pane.frame.set(index);
        }
    };
    let delete = move |id: u64| {
        pane().annotations.update(|list| list.retain(|a| a.id != id));
    };
    view! {
        <div class="measurement-panel" data-testid="measurement-list">
            <Show when=move || !rows.with(Vec::is_empty)
                fallback=|| view! { <p class="panel-empty">{move || tr("panels.measurements.empty")}</p> }>
                <ul class="measurement-items">
                    <For each=move || rows.get() key=|row| (row.id, row.slice_index, row.value.clone()) children=move |row| {
                        let tool = tool_of(row.tool);
                        let id = row.id;
                        let row_for_jump = row.clone();
                        let slice = row.slice_number();
                        let value = row.value.clone();
                        let note = row.note.clone();
                        let current = move || pane().frame.get() + 1 == slice.unwrap_or(0);
                        view! {
                            <li class="measurement" class:selected=move || selected.get() == Some(id)>
                                <button type="button" class="measurement-item" data-testid="measurement-item"
                                    data-slice=slice.map(|s| s.to_string())
                                    aria-current=move || (selected.get() == Some(id)).then_some("true")
                                    on:click=move |_| jump(&row_for_jump)>
                                    {tool.map(|t| view! { <Icon name=t.icon() /> })}
                                    <span class="measurement-text">
                                        <span class="measurement-tool">{move || tool.map(Tool::label).unwrap_or_default()}</span>
                                        <span class="measurement-value" data-testid="measurement-value">{value.clone()}</span>
                                        {(!note.is_empty()).then(|| view! { <span class="measurement-note">{note.clone()}</span> })}
                                    </span>
                                    <span class="measurement-slice" class:current=current>
                                        {move || match slice {
                                            Some(n) => trf("panels.measurements.slice", &[("n", &n.to_string())]),
                                            None => String::new(),
                                        }}
                                    </span>
                                </button>
                                <button type="button" class="icon-button measurement-delete" data-testid="measurement-delete"
                                    aria-label=move || trf("panels.measurements.delete", &[("what", tool.map(Tool::label).unwrap_or_default())])
                                    title=move || tr("panels.measurements.delete_short")
                                    on:click=move |_| delete(id)>
                                    <Icon name=IconName::Trash />
                                </button>
                            </li>
                        }
                    } />
                </ul>
                <button type="button" class="delete-all" data-testid="measurement-delete-all"
                    on:click=move |_| pane().annotations.set(Vec::new())>
                    <Icon name=IconName::Trash />
                    <span>{move || tr("panels.measurements.delete_all")}</span>
                </button>
            </Show>
        </div>
    }
}
