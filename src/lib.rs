//! A zero-install DICOM viewer. The pure core is plain Rust, tested natively: `dicom` (parsing),
//! `codec` (decoders), `pipeline` (stored values → display), `container` (ZIP, DICOMDIR),
//! `dicomweb` (DICOMweb requests and responses, PS3.18), `study` (patients → studies → series → display sets), `viewer` (view geometry, tools,
//! overlays, frame cache), `tags` (tag browser data), `samples` (generated demo data),
//! `app_shell` (app icon, web app manifest, service worker precache list).
//! `archives` (public archives: FHIR R4 patient stories, TCIA NBIA, ISIC photos as DICOM).
//! `embed` (the postMessage API of an embedded viewer: commands, origins, events).
//! `web` is the thin browser layer (bindings, workers, WebGL2, Leptos components) for wasm32.

pub mod api;
pub mod app_shell;
pub mod archives;
pub mod codec;
pub mod container;
pub mod derived;
pub mod dicom;
pub mod dicomweb;
pub mod embed;
pub mod error;
pub mod i18n;
pub mod pipeline;
pub mod png;
pub mod samples;
pub mod study;
pub mod tags;
pub mod viewer;
pub mod volume;

#[cfg(target_arch = "wasm32")]
pub mod web;

pub use error::DecodeError;
