//! What one viewport shows: the parsed image, the decoded current frame and the user's window.
//! Changing the window only re-renders; changing the frame decodes that frame; nothing re-parses.

use crate::api::{RenderOptions, RenderedImage};
use crate::dicom::{DicomImage, Frame};
use crate::error::DecodeError;
use crate::pipeline::{PixelValues, Voi};

pub struct ViewState {
    image: DicomImage,
    frame_index: u32,
    frame: Frame,
    /// Explicit (center, width) chosen by dragging; None shows the file's default VOI.
    window: Option<(f64, f64)>,
    /// Modality values of the current frame, min..max (drag sensitivity, fallback window).
    range: (f64, f64),
}

fn modality_range(image: &DicomImage, index: u32, frame: &Frame) -> (f64, f64) {
    let (min, max) = frame.pixels.min_max().unwrap_or((0.0, 0.0));
    let lut = image.info.modality_lut(index);
    let (a, b) = (lut.apply(min), lut.apply(max));
    (a.min(b), a.max(b))
}

impl ViewState {
    /// Parses the file and decodes its first frame.
    pub fn open(bytes: &[u8]) -> Result<ViewState, DecodeError> {
        let (image, frame) = crate::api::decode_frame(bytes, 0)?;
        let range = modality_range(&image, 0, &frame);
        Ok(ViewState { image, frame_index: 0, frame, window: None, range })
    }

    pub fn frame_index(&self) -> u32 {
        self.frame_index
    }

    pub fn frame_count(&self) -> u32 {
        self.image.info.number_of_frames.max(1)
    }

    pub fn rows(&self) -> u32 {
        self.frame.rows
    }

    pub fn columns(&self) -> u32 {
        self.frame.columns
    }

    pub fn transfer_syntax(&self) -> (&str, &'static str) {
        (&self.image.transfer_syntax.uid, self.image.transfer_syntax.name)
    }

    /// Window/level applies to greyscale images only.
    pub fn has_window(&self) -> bool {
        self.frame.photometric.is_monochrome()
    }

    fn options(&self) -> RenderOptions {
        RenderOptions { window: self.window, ..RenderOptions::default() }
    }

    pub fn render(&self) -> RenderedImage {
        self.image.render(self.frame_index, &self.frame, &self.options())
    }

    /// The window (center, width) the frame is shown with; None for colour or a VOI LUT table.
    pub fn shown_window(&self) -> Option<(f64, f64)> {
        if !self.has_window() {
            return None;
        }
        match self.image.voi(self.frame_index, &self.frame, &self.options()) {
            Voi::Window(w) => Some((w.center, w.width)),
            Voi::Table(_) => None,
        }
    }

    /// Where a drag starts from: the shown window, else one spanning the frame's values.
    pub fn drag_origin(&self) -> (f64, f64) {
        self.shown_window().unwrap_or_else(|| {
            let (min, max) = self.range;
            ((min + max) / 2.0, (max - min).max(1.0))
        })
    }

    /// Modality units per screen pixel of drag.
    pub fn drag_sensitivity(&self) -> f64 {
        let (min, max) = self.range;
        ((max - min) / 512.0).max(if self.is_integer() { 0.25 } else { 1e-6 })
    }

    fn is_integer(&self) -> bool {
        !matches!(self.frame.pixels, PixelValues::F32(_) | PixelValues::F64(_))
    }

    /// Sets an explicit window: whole numbers for integer data with a wide range (CT, MR...).
    pub fn set_window(&mut self, center: f64, width: f64) {
        let whole = self.is_integer() && self.range.1 - self.range.0 >= 64.0;
        let (center, width) = if whole { (center.round(), width.round().max(1.0)) } else { (center, width.max(1e-6)) };
        self.window = Some((center, width));
    }

    /// Shows frame `index` (clamped to the image), decoding it. Ok(false) when nothing changed.
    pub fn go_to_frame(&mut self, index: i64) -> Result<bool, DecodeError> {
        let index = index.clamp(0, i64::from(self.frame_count()) - 1) as u32;
        if index == self.frame_index {
            return Ok(false);
        }
        let frame = self.image.decode_frame(index)?;
        self.range = modality_range(&self.image, index, &frame);
        self.frame = frame;
        self.frame_index = index;
        Ok(true)
    }
}
