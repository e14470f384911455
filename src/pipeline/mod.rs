//! The pixel pipeline after decoding (PS3.3 C.7.6.3, C.11): stored values → modality values →
//! VOI → presentation → display. Each step is a small value type citing its section.

mod colour;
mod display;
pub mod gpu_plan;
mod lut;
mod modality_lut;
mod palette;
mod photometric;
mod presentation;
pub mod real_world;
mod render;
mod softcopy;
mod stored;
mod voi_lut;

pub use colour::{expand_422, interleave_planes, to_rgb_in_place};
pub use display::GreyPipeline;
pub use lut::LookupTable;
pub use modality_lut::{ModalityLut, Rescale};
pub use palette::{expand_segmented, PaletteColorLut};
pub use photometric::Photometric;
pub use presentation::PresentationShape;
pub use render::{render_rgba, render_rgba_at, Display};
pub use softcopy::{compose, modality_output_range, PresentationLut, SoftcopyTransforms, MAX_COMPOSED_ENTRIES};
pub use stored::{from_float_bytes, PixelValues, StoredLayout};
pub use voi_lut::{Voi, VoiLutFunction, WindowLevel};
