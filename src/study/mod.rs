//! The study browser's core: header metadata of loaded instances grouped into patients,
//! studies, series and display sets, with slices sorted in space (PS3.3 C.7.6.2). Pure Rust,
//! no browser code.

pub mod display_set;
pub mod functional_groups;
pub mod geometry;
pub mod library;
pub mod meta;
pub mod tree;

#[cfg(test)]
mod tests;

pub use display_set::{DisplaySet, FrameRef};
pub use library::{AddOutcome, StudyLibrary};
pub use meta::InstanceMeta;
pub use tree::{DerivedNode, PatientNode, SeriesNode, StudyNode};
