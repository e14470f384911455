//! The viewer's tool state as plain Rust values, independent of the browser: how the image sits
//! on the canvas (zoom, pan, rotation, flips, non-square pixels), measurements and ROI statistics,
//! the value probe, window presets and drags, orientation labels, corner overlays, frame
//! navigation and cine, and the decoded-frame cache. The page (src/web/) only feeds events in and
//! draws what these types compute.

pub mod announce;
pub mod cine;
pub mod format;
pub mod frame_cache;
pub mod fusion;
pub mod gesture;
pub mod label_layout;
pub mod layers;
pub mod load_order;
pub mod load_report;
pub mod measure;
pub mod opening_slice;
pub mod orientation;
pub mod overlay;
pub mod placing;
pub mod presets;
pub mod probe;
pub mod roi;
pub mod screen_sampling;
pub mod set_window;
pub mod shell;
pub mod spacing;
pub mod stack;
pub mod suv;
pub mod transform;
pub mod viewport;
pub mod window_drag;
