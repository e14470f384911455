//! Decoding off the main thread: a pool of module workers that run this same wasm module
//! (posted to them compiled, so nothing is downloaded or compiled twice). No SharedArrayBuffer:
//! files go in as Blobs (cheap references) and decoded pixels come back as transferred buffers,
//! so plain static hosting works without COOP/COEP headers.

mod pool;

pub use pool::{DecodePool, DecodedFrame};
