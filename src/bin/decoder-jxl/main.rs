//! The `decoder-jxl` module (README "Modules and sizes"): the `decoder` module with the JPEG XL
//! decoder installed. A decode worker loads it only when the first JPEG XL frame arrives.

#[cfg(target_arch = "wasm32")]
#[path = "../decoder/exports.rs"]
mod exports;

#[cfg(target_arch = "wasm32")]
fn main() {
    dicom_viewer::codec::install_jpeg_xl();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "decoder-jxl is the web app's JPEG XL decode module: build it with `trunk build --release` (see README.md)"
    );
}
