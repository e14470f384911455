//! Structured Reports (PS3.3 C.17 SR Document, C.17.3 content tree; TID 1500 measurement reports).
//! (Foundation skeleton: the helper owning this module replaces it.)

use dicom_object::InMemDicomObject;

use super::{DerivedError, References, SourceFrame};
use crate::viewer::layers::{FrameOverlays, LayerStyle};

#[derive(Debug)]
pub struct Document {}

impl Document {
    pub fn parse(_dataset: &InMemDicomObject) -> Result<Document, DerivedError> {
        Err(DerivedError::Unsupported { feature: "Document".into() })
    }

    pub fn references(&self) -> References {
        References::default()
    }

    /// Adds what this object draws on `frame` to `out`.
    pub fn draw_on(&self, _frame: &SourceFrame, _style: &LayerStyle, _out: &mut FrameOverlays) {}
}
