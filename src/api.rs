//! The library's front door: decode a frame of a DICOM file, and render it as the viewer shows it.
//! The browser bindings (`web::bindings`) and the tests call exactly these.

use crate::dicom::{DicomImage, Frame};
use crate::error::DecodeError;
use std::sync::Arc;

use crate::pipeline::{
    compose, modality_output_range, render_rgba, render_rgba_at, Display, GreyPipeline, ModalityLut, Photometric,
    PixelValues, PresentationLut, PresentationShape, SoftcopyTransforms, Voi, WindowLevel,
};

/// How to render: which VOI, and user toggles on top of the file's presentation.
#[derive(Debug, Clone, PartialEq, Default)]
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
    /// A presentation state's grey transforms (PS3.4 N.2) in place of the image's own Modality
    /// LUT, VOI and Presentation LUT; an explicit `window` still wins (the user's drag).
    pub softcopy: Option<Arc<SoftcopyTransforms>>,
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
    /// With a presentation state: its Softcopy VOI LUT, else its modality output range
    /// (PS3.4 N.2: no VOI transform), the image's own windows ignored.
    pub fn voi(&self, frame_index: u32, frame: &Frame, options: &RenderOptions) -> Voi {
        let softcopy = options.softcopy.as_deref();
        let windows = if softcopy.is_some() { &[] } else { self.info.windows(frame_index) };
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
        if let Some(softcopy) = softcopy {
            if let Some(voi) = &softcopy.voi {
                return voi.clone();
            }
        }
        let chosen = options.voi_index.unwrap_or(0);
        if let Some(named) = windows.get(chosen).or_else(|| windows.first()) {
            return named.voi.clone();
        }
        let integer = !matches!(frame.pixels, PixelValues::F32(_) | PixelValues::F64(_));
        let (a, b) = match (softcopy, self.stored_range()) {
            (Some(_), Some((min, max))) if integer => {
                modality_output_range(&self.modality(frame_index, options), min, max)
            }
            _ => options.default_range.unwrap_or_else(|| self.modality_range(frame_index, frame)),
        };
        Voi::min_max(a.min(b), a.max(b), integer)
    }

    /// The Modality LUT in use: the presentation state's when it has one, else the file's.
    pub fn modality(&self, frame_index: u32, options: &RenderOptions) -> ModalityLut {
        options
            .softcopy
            .as_deref()
            .and_then(|s| s.modality.clone())
            .unwrap_or_else(|| self.info.modality_lut(frame_index))
    }

    /// Every stored value Bits Stored allows (integer data up to 32 bits).
    fn stored_range(&self) -> Option<(i64, i64)> {
        let layout = &self.info.layout;
        let bits = u32::from(layout.bits_stored.clamp(1, 32));
        Some(if layout.signed { (-(1i64 << (bits - 1)), (1i64 << (bits - 1)) - 1) } else { (0, (1i64 << bits) - 1) })
    }

    /// VOI and presentation shape of a grey frame: a presentation state's Presentation LUT
    /// table is compiled into the VOI (`pipeline::compose`) so both renderers apply it as a VOI
    /// table; the user's invert toggles the shape on top.
    pub fn grey_chain(&self, frame_index: u32, frame: &Frame, options: &RenderOptions) -> GreyPipeline {
        let modality = self.modality(frame_index, options);
        let mut voi = self.voi(frame_index, frame, options);
        let shape = match options.softcopy.as_deref().map(|s| &s.presentation) {
            None => self.info.presentation,
            Some(PresentationLut::Shape(shape)) => *shape,
            Some(PresentationLut::Table(table)) => {
                let composed = self.stored_range().and_then(|(min, max)| {
                    let (low, high) = modality_output_range(&modality, min, max);
                    compose(&voi, table, low.floor() as i64, high.ceil() as i64)
                });
                if let Some(composed) = composed {
                    voi = composed;
                }
                PresentationShape::Identity
            }
        };
        let presentation = if options.invert { shape.toggled() } else { shape };
        GreyPipeline { modality, voi, presentation }
    }

    /// The (min, max) of a frame's modality values (through the modality LUT, PS3.3 C.11.1).
    pub fn modality_range(&self, frame_index: u32, frame: &Frame) -> (f64, f64) {
        let modality = self.info.modality_lut(frame_index);
        let (min, max) = frame.pixels.min_max().unwrap_or((0.0, 0.0));
        let (a, b) = (modality.apply(min), modality.apply(max));
        (a.min(b), a.max(b))
    }

    /// How a decoded frame is shown: its palette, as RGB, or through the grey chain.
    pub fn display(&self, frame_index: u32, frame: &Frame, options: &RenderOptions) -> Display<'_> {
        match (&frame.photometric, &self.info.palette) {
            (Photometric::PaletteColor, Some(palette)) => Display::Palette(palette),
            (photometric, _) if !photometric.is_monochrome() => Display::Rgb,
            _ => Display::Grey(self.grey_chain(frame_index, frame, options)),
        }
    }

    /// Renders a decoded frame.
    pub fn render(&self, frame_index: u32, frame: &Frame, options: &RenderOptions) -> RenderedImage {
        let display = self.display(frame_index, frame, options);
        RenderedImage { rows: frame.rows, columns: frame.columns, rgba: render_rgba(frame, &display) }
    }

    /// `render`, only at the pixels `indices` names (`viewer::screen_sampling`), in that order;
    /// indices outside the frame give opaque black.
    pub fn render_at(&self, frame_index: u32, frame: &Frame, options: &RenderOptions, indices: &[u32]) -> Vec<u8> {
        render_rgba_at(frame, &self.display(frame_index, frame, options), indices)
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
