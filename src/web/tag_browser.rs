//! The tag browser: every element of the open object as "(gggg,eeee) Keyword VR value", a
//! search box that narrows the rows as the user types (`tags::filter`), and sequences that
//! open and close with a button (its aria-expanded tells assistive technology the state).

use leptos::prelude::*;

use crate::tags::{self, TagNode};
use crate::web::i18n::{integer, tr, trf};

#[component]
pub fn TagBrowser(#[prop(into)] nodes: Signal<Vec<TagNode>>) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let shown = Memo::new(move |_| query.with(|query| nodes.with(|nodes| tags::filter(nodes, query))));
    // While searching, sequences open so the matches inside them show.
    let rows = move || node_list(shown.get(), query.with(|q| !q.trim().is_empty()));
    view! {
        <section class="tag-browser" data-testid="tag-browser" aria-label=move || tr("common.tags.label")>
            <label class="tag-search">
                <span>{move || tr("common.tags.search")}</span>
                <input
                    type="search"
                    data-testid="tag-search"
                    placeholder=move || tr("common.tags.placeholder")
                    prop:value=move || query.get()
                    on:input=move |ev| query.set(event_target_value(&ev))
                />
            </label>
            <p class="tag-count" aria-live="polite">
                {move || {
                    let count = shown.with(|nodes| nodes.len());
                    let key = if count == 1 { "common.tags.count_one" } else { "common.tags.count_many" };
                    trf(key, &[("count", &integer(count as i64))])
                }}
            </p>
            <div class="tag-rows">{rows}</div>
        </section>
    }
}

/// A list of rows; type-erased so rows and their items can nest to any depth.
fn node_list(nodes: Vec<TagNode>, expanded: bool) -> AnyView {
    view! {
        <ul class="tag-list">
            {nodes.into_iter().map(|node| view! { <TagRow node=node expanded=expanded /> }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn TagRow(node: TagNode, expanded: bool) -> impl IntoView {
    let TagNode { keyword, vr, value, items, .. } = node.clone();
    let tag_text = node.tag_text();
    let open = RwSignal::new(expanded);
    let has_items = !items.is_empty();
    let items = StoredValue::new(items);
    let toggle = if has_items {
        let name = keyword.clone();
        let label = move || {
            trf(if open.get() { "common.tags.hide_items" } else { "common.tags.show_items" }, &[("name", &name)])
        };
        view! {
            <button
                class="tag-toggle"
                aria-expanded=move || open.get().to_string()
                aria-label=label
                on:click=move |_| open.update(|open| *open = !*open)
            >
                {move || if open.get() { "▾" } else { "▸" }}
            </button>
        }
        .into_any()
    } else {
        view! { <span class="tag-toggle-space" aria-hidden="true"></span> }.into_any()
    };
    let item_views = move || {
        items.with_value(|items| {
            items
                .iter()
                .enumerate()
                .map(|(index, item)| {
                    view! {
                        <li class="tag-item">
                            <span class="tag-item-label">{move || trf("common.tags.item", &[("number", &integer(index as i64 + 1))])}</span>
                            {node_list(item.clone(), expanded)}
                        </li>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <li class="tag-node">
            <div class="tag-row">
                {toggle}
                <span class="tag-tag">{tag_text}</span>
                <span class="tag-keyword" title=keyword.clone()>{keyword.clone()}</span>
                <span class="tag-vr">{vr}</span>
                <span class="tag-value">{value}</span>
            </div>
            <Show when=move || has_items && open.get()>
                <ul class="tag-items">{item_views}</ul>
            </Show>
        </li>
    }
}
