//! The SR section of the Report tab (one per loaded structured report): the document header
//! (title, completion / verification flags, observers, content date), a Table view of TID 1500
//! measurement groups (tracking identifier, finding, finding site, each measurement with its
//! unit; a switch per group; choosing a row shows the image its graphic lies on, highlighted)
//! and a Tree view of the whole content tree (role="tree", collapsible). The logic is in
//! crate::derived::sr (parsing, table rows, values in the interface language, locating images).
//!
//! Test hooks: sr-section, sr-header, sr-view-table / sr-view-tree (aria-pressed), sr-table,
//! sr-measurement (data-group), sr-group-shown (per group), sr-needs-source, sr-tree,
//! sr-tree-item (data-position, data-value-type), sr-tree-expand-all.

use std::collections::BTreeSet;
use std::rc::Rc;

use leptos::prelude::*;

use crate::derived::sr::display::{date_text, locate, measurement_text, time_text, value_text};
use crate::derived::sr::{Document, Relationship, SopReference};
use crate::derived::Derived;
use crate::i18n::Lang;
use crate::viewer::layers::LayerStyle;
use crate::web::context::{use_app, AppContext};
use crate::web::derived::DerivedEntry;
use crate::web::i18n::{lang, tr, trf};

#[derive(Clone, Copy, PartialEq, Eq)]
enum SrView {
    Table,
    Tree,
}

/// Shows `reference` in a viewport: a pane already showing its display set, else the active
/// one. False when the image is not open.
fn show_reference(app: AppContext, reference: &SopReference) -> bool {
    let session = app.session();
    let located = locate(&session.library.borrow(), reference);
    let Some((key, index)) = located else { return false };
    let panes = app.layout.get_untracked().panes().min(app.panes.len());
    let showing = |i: usize| app.panes[i].display_set.get_untracked().as_deref() == Some(key.as_str());
    let pane_index = (0..panes).find(|i| showing(*i)).unwrap_or(app.active.get_untracked().min(3));
    app.active.set(pane_index);
    let pane = app.panes[pane_index];
    if showing(pane_index) {
        pane.cine.set(false);
        pane.frame.set(index);
    } else {
        pane.show(key, index);
    }
    true
}

fn relationship_text(relationship: &Relationship) -> String {
    match relationship {
        Relationship::Contains => tr("sr.rel.contains").to_string(),
        Relationship::HasProperties => tr("sr.rel.has_properties").to_string(),
        Relationship::HasObsContext => tr("sr.rel.has_obs_context").to_string(),
        Relationship::HasAcqContext => tr("sr.rel.has_acq_context").to_string(),
        Relationship::InferredFrom => tr("sr.rel.inferred_from").to_string(),
        Relationship::SelectedFrom => tr("sr.rel.selected_from").to_string(),
        Relationship::HasConceptMod => tr("sr.rel.has_concept_mod").to_string(),
        Relationship::Other(term) => term.to_lowercase(),
    }
}

fn flag_text(flag: Option<&str>) -> Option<&'static str> {
    Some(match flag? {
        "COMPLETE" => tr("sr.complete"),
        "PARTIAL" => tr("sr.partial"),
        "VERIFIED" => tr("sr.verified"),
        "UNVERIFIED" => tr("sr.unverified"),
        "PRELIMINARY" => tr("sr.preliminary"),
        "FINAL" => tr("sr.final"),
        _ => return None,
    })
}

fn header_view(doc: &Document, language: Lang) -> impl IntoView {
    let header = &doc.header;
    let title = header.title.as_ref().map(|t| t.meaning.clone()).unwrap_or_else(|| tr("sr.untitled").to_string());
    let flags: Vec<&'static str> = [&header.completion_flag, &header.verification_flag, &header.preliminary_flag]
        .into_iter()
        .filter_map(|f| flag_text(f.as_deref()))
        .collect();
    let mut observers = header.observers.clone();
    observers.extend(header.verifying_observers.iter().cloned());
    let observers: Vec<String> =
        observers.iter().map(|o| crate::derived::sr::display::person_name_text(o)).filter(|o| !o.is_empty()).collect();
    let date = header.content_date.as_deref().map(|d| {
        let time = header.content_time.as_deref().map(time_text).unwrap_or_default();
        format!("{} {time}", date_text(language, d)).trim().to_string()
    });
    view! {
        <div class="sr-header" data-testid="sr-header">
            <h4 class="sr-title">{title}</h4>
            {(!flags.is_empty()).then(|| view! { <p class="sr-flags">{flags.join(" · ")}</p> })}
            {(!observers.is_empty()).then(|| view! {
                <p class="sr-meta">{trf("sr.observer", &[("names", &observers.join(", "))])}</p>
            })}
            {date.map(|d| view! { <p class="sr-meta">{trf("sr.content_date", &[("date", &d)])}</p> })}
        </div>
    }
}

/// One table row: a measurement of a group (or the group alone when it has none).
#[derive(Clone)]
struct Row {
    group: u32,
    first_of_group: bool,
    rows_in_group: usize,
    heading: String,
    finding: String,
    name: String,
    value: String,
    target: Option<SopReference>,
}

fn table_rows(doc: &Document, language: Lang) -> Vec<Row> {
    let mut rows = Vec::new();
    for group in &doc.groups {
        let heading = group
            .tracking_identifier
            .clone()
            .unwrap_or_else(|| trf("sr.group.unnamed", &[("n", &group.number.to_string())]));
        let finding = [group.finding.as_ref(), group.finding_site.as_ref()]
            .into_iter()
            .flatten()
            .map(|c| c.meaning.clone())
            .collect::<Vec<_>>()
            .join(" · ");
        let target = group.target(&doc.items);
        let mut measurements: Vec<(String, String)> = group
            .measurements
            .iter()
            .map(|m| {
                let mut name = m.concept.as_ref().map(|c| c.meaning.clone()).unwrap_or_default();
                let modifiers: Vec<String> = m.modifiers.iter().map(|(_, v)| v.clone()).collect();
                if !modifiers.is_empty() {
                    name = format!("{name} ({})", modifiers.join(", "));
                }
                let value = m
                    .value
                    .as_ref()
                    .map(|v| measurement_text(language, v))
                    .unwrap_or_else(|| tr("sr.empty_value").to_string());
                (name, value)
            })
            .collect();
        if measurements.is_empty() {
            measurements.push((String::new(), String::new()));
        }
        let count = measurements.len();
        for (i, (name, value)) in measurements.into_iter().enumerate() {
            rows.push(Row {
                group: group.number,
                first_of_group: i == 0,
                rows_in_group: count,
                heading: heading.clone(),
                finding: finding.clone(),
                name,
                value,
                target: target.clone(),
            });
        }
    }
    rows
}

fn table_view(
    app: AppContext,
    rows: Vec<Row>,
    style: RwSignal<LayerStyle>,
    shown: RwSignal<bool>,
    message: RwSignal<Option<String>>,
) -> AnyView {
    if rows.is_empty() {
        return view! { <p class="muted">{tr("sr.no_groups")}</p> }.into_any();
    }
    let body = rows
        .into_iter()
        .map(|row| {
            let group = row.group;
            let target = row.target.clone();
            let choose = move || {
                style.update(|s| s.selected = Some(group));
                shown.set(true);
                match target.as_ref() {
                    None => message.set(Some(tr("sr.no_image").to_string())),
                    Some(reference) if show_reference(app, reference) => message.set(None),
                    Some(reference) => {
                        message.set(Some(trf("sr.needs_source", &[("uid", &reference.sop_instance_uid)])))
                    }
                }
            };
            let choose_key = choose.clone();
            let group_cell = row.first_of_group.then(|| {
                let heading = row.heading.clone();
                let label = trf("sr.group.show", &[("name", &heading)]);
                view! {
                    <th scope="rowgroup" rowspan=row.rows_in_group.to_string() class="sr-group-cell">
                        <label class="sr-group-label">
                            <input type="checkbox" data-testid="sr-group-shown" data-group=group.to_string()
                                aria-label=label
                                prop:checked=move || style.with(|s| s.shows(group))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    style.update(|s| {
                                        if on { s.hidden.remove(&group); } else { s.hidden.insert(group); }
                                    });
                                } />
                            <span class="sr-group-name">{heading}</span>
                        </label>
                        {(!row.finding.is_empty()).then(|| view! { <span class="sr-finding">{row.finding.clone()}</span> })}
                    </th>
                }
            });
            let selected = move || style.with(|s| s.selected == Some(group));
            view! {
                <tr class="sr-row" class:selected=selected class:group-start=row.first_of_group
                    data-testid="sr-measurement" data-group=group.to_string()
                    on:click=move |_| choose()>
                    {group_cell}
                    <td class="sr-name">
                        <button type="button" class="sr-row-button" aria-pressed=move || selected().to_string()
                            on:click=move |ev| { ev.stop_propagation(); choose_key(); }>
                            {row.name.clone()}
                        </button>
                    </td>
                    <td class="sr-value" data-testid="sr-measurement-value">{row.value.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="sr-table" data-testid="sr-table">
            <caption class="visually-hidden">{tr("sr.table.caption")}</caption>
            <thead>
                <tr>
                    <th scope="col">{tr("sr.table.group")}</th>
                    <th scope="col">{tr("sr.table.measurement")}</th>
                    <th scope="col" class="sr-value">{tr("sr.table.value")}</th>
                </tr>
            </thead>
            <tbody>{body}</tbody>
        </table>
    }
    .into_any()
}

/// One tree item and, when expanded, its children (built only then).
fn tree_item(
    object: StoredValue<Rc<Derived>, LocalStorage>,
    index: usize,
    expanded: RwSignal<BTreeSet<usize>>,
    language: Lang,
) -> AnyView {
    let Some((position, value_type, relationship, concept, value, has_children)) = object.with_value(|o| {
        let Derived::StructuredReport(doc) = o.as_ref() else { return None };
        let item = doc.items.get(index)?;
        Some((
            item.position_text(),
            item.value.value_type().to_string(),
            item.relationship.as_ref().map(relationship_text).unwrap_or_default(),
            item.concept_meaning().to_string(),
            value_text(language, &item.value),
            !item.children.is_empty(),
        ))
    }) else {
        return ().into_any();
    };
    let open = move || expanded.with(|e| e.contains(&index));
    let toggle = move |_| {
        expanded.update(|e| {
            if !e.remove(&index) {
                e.insert(index);
            }
        })
    };
    let children = move || {
        if !has_children || !open() {
            return None;
        }
        let list: Vec<usize> = object.with_value(|o| match o.as_ref() {
            Derived::StructuredReport(doc) => doc.items.get(index).map(|i| i.children.clone()).unwrap_or_default(),
            _ => Vec::new(),
        });
        Some(view! {
            <ul role="group" class="sr-tree-group">
                {list.into_iter().map(|child| tree_item(object, child, expanded, language)).collect_view()}
            </ul>
        })
    };
    let label = format!("{relationship} {value_type} {concept} {value}");
    view! {
        <li role="treeitem" class="sr-tree-item" data-testid="sr-tree-item" data-position=position.clone()
            data-value-type=value_type.clone() aria-label=label
            aria-expanded=move || has_children.then(|| open().to_string())>
            <div class="sr-node">
                {has_children.then(|| view! {
                    <button type="button" class="sr-twisty" class:open=open
                        aria-label=move || if open() { tr("sr.collapse") } else { tr("sr.expand") }
                        on:click=toggle>
                        <span aria-hidden="true">"▸"</span>
                    </button>
                })}
                {(!relationship.is_empty()).then(|| view! { <span class="sr-rel">{relationship.clone()}</span> })}
                <span class="sr-type">{value_type.clone()}</span>
                {(!concept.is_empty()).then(|| view! { <span class="sr-concept">{concept.clone()}</span> })}
                {(!value.is_empty()).then(|| view! { <span class="sr-item-value">{value.clone()}</span> })}
            </div>
            {children}
        </li>
    }
    .into_any()
}

/// The SR section of one loaded report.
#[component]
pub fn SrSection(entry: Rc<DerivedEntry>) -> impl IntoView {
    let app = use_app();
    let Some(object) = entry.object() else { return ().into_any() };
    let Derived::StructuredReport(doc) = object.as_ref() else { return ().into_any() };
    let language = lang();
    let (style, shown) = (entry.style, entry.shown);
    let message = RwSignal::new(None::<String>);
    let view_mode = RwSignal::new(if doc.groups.is_empty() { SrView::Tree } else { SrView::Table });
    // Root and its children open: the report's sections are visible at once.
    let expanded = RwSignal::new(
        doc.items
            .iter()
            .enumerate()
            .filter(|(_, i)| i.position.len() <= 1)
            .map(|(n, _)| n)
            .collect::<BTreeSet<usize>>(),
    );
    let all_with_children: BTreeSet<usize> =
        doc.items.iter().enumerate().filter(|(_, i)| !i.children.is_empty()).map(|(n, _)| n).collect();
    let header = header_view(doc, language);
    let rows = table_rows(doc, language);
    let targets: Vec<SopReference> = doc.groups.iter().filter_map(|g| g.target(&doc.items)).collect();
    let stored = StoredValue::new_local(object.clone());
    // None of the measured images open: say so once, above the table.
    let none_open = move || {
        app.session.with_value(|s| s.signals.library_revision).track();
        let session = app.session();
        let library = session.library.borrow();
        !targets.is_empty() && !targets.iter().any(|t| locate(&library, t).is_some())
    };
    let table = table_view(app, rows, style, shown, message);
    let all = all_with_children.clone();
    view! {
        <div class="sr-section" data-testid="sr-section">
            {header}
            <div class="sr-views" role="group" aria-label=move || tr("sr.view")>
                <button type="button" class="btn-secondary sr-view" data-testid="sr-view-table"
                    aria-pressed=move || (view_mode.get() == SrView::Table).to_string()
                    on:click=move |_| view_mode.set(SrView::Table)>{move || tr("sr.view.table")}</button>
                <button type="button" class="btn-secondary sr-view" data-testid="sr-view-tree"
                    aria-pressed=move || (view_mode.get() == SrView::Tree).to_string()
                    on:click=move |_| view_mode.set(SrView::Tree)>{move || tr("sr.view.tree")}</button>
            </div>
            <Show when=none_open>
                <p class="sr-note" data-testid="sr-needs-source" role="note">{tr("sr.needs_sources")}</p>
            </Show>
            {move || message.get().map(|m| view! { <p class="sr-note" data-testid="sr-needs-source" role="status">{m}</p> })}
            <div class="sr-table-wrap" hidden=move || view_mode.get() != SrView::Table>{table}</div>
            <div class="sr-tree-wrap" hidden=move || view_mode.get() != SrView::Tree>
                <div class="sr-tree-tools">
                    <button type="button" class="btn-ghost" data-testid="sr-tree-expand-all"
                        on:click=move |_| expanded.set(all.clone())>{move || tr("sr.expand_all")}</button>
                    <button type="button" class="btn-ghost" data-testid="sr-tree-collapse-all"
                        on:click=move |_| expanded.set(BTreeSet::from([0]))>{move || tr("sr.collapse_all")}</button>
                </div>
                <ul role="tree" class="sr-tree" data-testid="sr-tree" aria-label=move || tr("sr.tree")>
                    {tree_item(stored, 0, expanded, language)}
                </ul>
            </div>
        </div>
    }
    .into_any()
}
