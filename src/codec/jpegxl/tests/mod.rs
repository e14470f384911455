//! JPEG XL tests: streams made at test time by `cjxl` (Debian `libjxl-tools`) from the WG04
//! REF images, decoded and compared with REF.

mod encoded;
mod robustness;
mod timing;
