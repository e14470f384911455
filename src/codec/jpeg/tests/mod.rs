//! Tests of the JPEG decoder against the WG04 corpus, dcmtk (as an independent oracle and as
//! an encoder of extra streams), the `jpeg-decoder` crate, and corrupted input.

mod support;

mod corpus_lossless;
mod corpus_lossy;
mod dcmtk_baseline;
mod dcmtk_lossless;
mod libjpeg_tools;
mod lossless_encoder;
mod robustness;
mod synthetic_lossless;
mod timing;
