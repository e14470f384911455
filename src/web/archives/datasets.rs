//! The public datasets on the start page (src/web/start.rs): each source with what it holds,
//! what it needs and its browse buttons (from config.json's `datasets`), as compact cards.

use leptos::prelude::*;

use super::ArchiveView;
use crate::archives::datasets::{Dataset, DatasetKind};
use crate::web::context::{use_app, AppContext};
use crate::web::i18n::{tr, trf};

fn browse(app: AppContext, dataset: &Dataset) {
    app.browse.set(None);
    app.archive.set(None);
    match dataset.kind {
        DatasetKind::DicomWeb => app.browse.set(Some(dataset.source.clone())),
        DatasetKind::Fhir => app.archive.set(Some(ArchiveView::Fhir { source: dataset.source.clone(), patient: None })),
        DatasetKind::Nbia => app.archive.set(Some(ArchiveView::Nbia(dataset.source.clone()))),
        DatasetKind::Isic => app.archive.set(Some(ArchiveView::Isic(dataset.source.clone()))),
    }
}

#[component]
pub fn Datasets() -> impl IntoView {
    let app = use_app();
    let archives = app.dicomweb.with_value(|d| d.sources.archives);
    view! {
        <section class="datasets" aria-labelledby="datasets-title">
            <h2 id="datasets-title">{move || tr("archives.datasets.title")}</h2>
            <ul class="dataset-list" data-testid="datasets">
                {move || archives.get().datasets.into_iter().map(|dataset| {
                    let kind = format!("{:?}", dataset.kind).to_lowercase();
                    let studies = (dataset.kind == DatasetKind::Fhir).then(|| {
                        archives.with_untracked(|a| a.fhir.iter().find(|f| f.name == dataset.source).map(|f| f.dicomweb_source.clone()))
                    }).flatten().filter(|s| !s.is_empty());
                    let chosen = dataset.clone();
                    view! {
                        <li class="dataset" data-testid="dataset" data-kind=kind.clone() data-source=dataset.source.clone()>
                            <h3>{dataset.title.clone()}</h3>
                            <p>{dataset.holds.clone()}</p>
                            <p class="needs">{ let needs = dataset.needs.clone(); move || if needs.is_empty() { tr("archives.datasets.needs_nothing").to_string() } else { trf("archives.datasets.needs", &[("needs", &needs)]) } }</p>
                            <div class="dataset-actions">
                                <button type="button" data-testid="dataset-browse" data-kind=kind.clone() data-source=dataset.source.clone()
                                    on:click=move |_| browse(app, &chosen)>
                                    { let fhir = dataset.kind == DatasetKind::Fhir; move || tr(if fhir { "archives.datasets.browse_patients" } else { "archives.datasets.browse" }) }
                                </button>
                                {studies.map(|source| view! {
                                    <button type="button" data-testid="dataset-studies" data-source=source.clone()
                                        on:click=move |_| { app.archive.set(None); app.browse.set(Some(source.clone())) }>{move || tr("archives.datasets.browse_studies")}</button>
                                })}
                            </div>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}
