//! The public archives in the page: the start page's datasets, FHIR patient stories (SIIM
//! hackathon), TCIA's NBIA collections (series downloaded as ZIP and opened like local files)
//! and the ISIC Archive's dermoscopy images (each JPEG wrapped as a DICOM photo). Requests and
//! answers are built and read by the core (`crate::archives`); failures are worded by
//! `dicomweb::failure` through the same client (retries, 429 stop).

mod datasets;
mod fhir;
mod isic;
mod tcia;

use std::rc::Rc;

use leptos::prelude::*;

pub use datasets::Datasets;

use super::context::{use_app, AppContext};
use super::dicomweb::DicomWebClient;
use crate::archives::datasets::{ArchiveSource, Archives};

/// The client of the REST archive `name` in the list `pick` chooses (config.json's
/// `archives.nbia` or `archives.isic`), if configured.
fn archive_client(app: AppContext, pick: fn(&Archives) -> &[ArchiveSource], name: &str) -> Option<Rc<DicomWebClient>> {
    let registry = app.dicomweb.get_value().sources.clone();
    let source = registry.archives.with_untracked(|a| pick(a).iter().find(|s| s.name == name).cloned())?;
    Some(registry.archive_client(&source.name, &source.friendly_name, &source.root))
}

/// Which archive browser fills the workspace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArchiveView {
    /// The start page (datasets, local files, samples), also once something is open.
    Start,
    /// A FHIR source's patients; with a patient id, that patient's story.
    Fhir {
        source: String,
        patient: Option<String>,
    },
    Nbia(String),
    Isic(String),
}

#[component]
pub fn ArchiveBrowser() -> impl IntoView {
    let app = use_app();
    move || match app.archive.get() {
        Some(ArchiveView::Fhir { source, patient: None }) => view! { <fhir::PatientList source=source /> }.into_any(),
        Some(ArchiveView::Fhir { source, patient: Some(id) }) => {
            view! { <fhir::PatientStoryView source=source patient=id /> }.into_any()
        }
        Some(ArchiveView::Nbia(source)) => view! { <tcia::NbiaBrowser source=source /> }.into_any(),
        Some(ArchiveView::Isic(source)) => view! { <isic::IsicBrowser source=source /> }.into_any(),
        Some(ArchiveView::Start) | None => ().into_any(),
    }
}
