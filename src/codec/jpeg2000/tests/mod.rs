//! Tests of the JPEG 2000 decoder against the WG04 corpus (REF images as ground truth),
//! HTJ2K re-encodings of the REF images, and corrupted streams.

mod backends;
mod htj2k;
mod htj2k_grok;
mod lossless;
mod lossy;
/// REF-image helpers, shared with the JPEG XL tests.
pub(crate) mod reference;
mod robustness;
mod timing;
