//! The `decoder` module (README "Modules and sizes"): DICOM parsing and every codec but JPEG XL,
//! loaded by the decode workers and, after the first paint, by the page for `window.wasmBindings`.
//! A JPEG XL frame throws an Error named `JpegXlModuleNeeded`: the caller then asks `decoder-jxl`.

#[cfg(target_arch = "wasm32")]
mod exports;

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("decoder is the web app's decode module: build it with `trunk build --release` (see README.md)");
}
