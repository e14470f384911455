//! Entry point of the web app: mounts the page. Everything else lives in the library.

#[cfg(target_arch = "wasm32")]
fn main() {
    dicom_viewer::web::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("dicom-viewer is a web app: build it with `trunk build --release` (see README.md)");
}
