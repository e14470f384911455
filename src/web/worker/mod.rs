//! Decoding off the main thread: a pool of module workers that run the `decoder` module
//! (compiled once by the page and posted to them, see `modules`). No SharedArrayBuffer: files go
//! in as Blobs (cheap references) and decoded pixels come back as transferred buffers, so plain
//! static hosting works without COOP/COEP headers.

pub(crate) mod modules;
mod pool;

pub use modules::expose_bindings_when_idle;
pub use pool::{frame_from_js, DecodePool, DecodedFrame};
