//! Grayscale Softcopy Presentation State (PS3.3 A.33.1: C.11.10 Presentation State, C.10.4 Displayed Area, C.10.5 Graphic Annotation, C.7.6.11 Display Shutter, C.11.2 VOI LUT, C.11.6 Presentation LUT, C.10.6 Spatial Transformation).
//! (Foundation skeleton: the helper owning this module replaces it.)

use dicom_object::InMemDicomObject;

use super::{DerivedError, References, SourceFrame};
use crate::viewer::layers::{FrameOverlays, LayerStyle};

#[derive(Debug)]
pub struct PresentationState {}

impl PresentationState {
    pub fn parse(_dataset: &InMemDicomObject) -> Result<PresentationState, DerivedError> {
        Err(DerivedError::Unsupported { feature: "PresentationState".into() })
    }

    pub fn references(&self) -> References {
        References::default()
    }

    /// Adds what this object draws on `frame` to `out`.
    pub fn draw_on(&self, _frame: &SourceFrame, _style: &LayerStyle, _out: &mut FrameOverlays) {}
}
