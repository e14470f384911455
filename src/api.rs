//! The library's front door: decode a frame of a DICOM file, and render it as the viewer shows it.
//! The browser bindings (`web::bindings`) and the tests call exactly these.

use crate::dicom::{DicomImage, Frame};
use crate::error::DecodeError;
use crate::pipeline::{render_rgba, Display, GreyPipeline, Photometric, PixelValues, Voi, WindowLevel};

/// How to render: which VOI, and user toggles on top of the file's presentation.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct RenderOptions {
    /// Explicit window (center, width); overrides `voi_index`.
    pub window: Option<(f64, f64)>,
    /// Index into the file's windows / VOI LUTs (0 = the default, first one).
    pub voi_index: Option<usize>,
    /// Invert on top of what the file asks for.
    pub invert: bool,
    /// Modality-value range (min, max) to window over when the file stores no window, in place
    /// of this frame's own min/max: one default for a whole display set
    /// (`viewer::set_window`), so brightness does not jump from slice to slice.
    pub default_range: Option<(f64, f64)>,
}

/// An RGBA image ready for a canvas.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedImage {
    pub rows: u32,
    pub columns: u32,
    pub rgba: Vec<u8>,
}

impl DicomImage {
    /// The VOI this frame is shown with: the chosen or first window of the file, else the
    /// min/max of `options.default_range` or of the frame's modality values (PS3.3 C.11.2).
    pub fn voi(&self, frame_index: u32, frame: &Frame, options: &RenderOptions) -> Voi {
        let windows = self.info.windows(frame_index);
        let function = windows
            .iter()
            .find_map(|w| match &w.voi {
                Voi::Window(window) => Some(window.function),
                Voi::Table(_) => None,
            })
            .unwrap_or_default();
        if let Some((center, width)) = options.window {
            return Voi::Window(WindowLevel { center, width, function });
        }
        let chosen = options.voi_index.unwrap_or(0);
        if let Some(named) = windows.get(chosen).or_else(|| windows.first()) {
            return named.voi.clone();
        }
        let (a, b) = options.default_range.unwrap_or_else(|| self.modality_range(frame_index, frame));
        let integer = !matches!(frame.pixels, PixelValues::F32(_) | PixelValues::F64(_));
        Voi::min_max(a.min(b), a.max(b), integer)
    }

    /// The (min, max) of a frame's modality values (through the modality LUT, PS3.3 C.11.1).
    pub fn modality_range(&self, frame_index: u32, frame: &Frame) -> (f64, f64) {
        let modality = self.info.modality_lut(frame_index);
        let (min, max) = frame.pixels.min_max().unwrap_or((0.0, 0.0));
        let (a, b) = (modality.apply(min), modality.apply(max));
        (a.min(b), a.max(b))
    }

    /// Renders a decoded frame.
    pub fn render(&self, frame_index: u32, frame: &Frame, options: &RenderOptions) -> RenderedImage {
        let display = match (&frame.photometric, &self.info.palette) {
            (Photometric::PaletteColor, Some(palette)) => Display::Palette(palette),
            (photometric, _) if !photometric.is_monochrome() => Display::Rgb,
            _ => {
                let presentation =
                    if options.invert { self.info.presentation.toggled() } else { self.info.presentation };
                Display::Grey(GreyPipeline {
                    modality: self.info.modality_lut(frame_index),
                    voi: self.voi(frame_index, frame, options),
                    presentation,
                })
            }
        };
        RenderedImage { rows: frame.rows, columns: frame.columns, rgba: render_rgba(frame, &display) }
    }
}

/// Parses `bytes` and decodes frame `frame`.
pub fn decode_frame(bytes: &[u8], frame: u32) -> Result<(DicomImage, Frame), DecodeError> {
    let image = DicomImage::parse(bytes)?;
    let decoded = image.decode_frame(frame)?;
    Ok((image, decoded))
}

/// Parses, decodes and renders frame `frame` as the viewer would display it.
pub fn render_frame(bytes: &[u8], frame: u32, options: &RenderOptions) -> Result<RenderedImage, DecodeError> {
    let (image, decoded) = decode_frame(bytes, frame)?;
    Ok(image.render(frame, &decoded, options))
}
