//! A zero-install DICOM viewer. The pure core (parsing, codecs, pixel pipeline) is plain Rust,
//! tested natively; `web` holds the thin browser layer (bindings, page) compiled for wasm32.

pub mod api;
pub mod codec;
pub mod container;
pub mod dicom;
pub mod error;
pub mod pipeline;
pub mod tags;

#[cfg(target_arch = "wasm32")]
pub mod web;

pub use error::DecodeError;
