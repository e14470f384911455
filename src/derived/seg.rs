//! Segmentation (PS3.3 C.8.20): binary, fractional and label-map segments over source images.
//! (Foundation skeleton: the helper owning this module replaces it.)

use dicom_object::InMemDicomObject;

use super::{DerivedError, References, SourceFrame};
use crate::viewer::layers::{FrameOverlays, LayerStyle};

#[derive(Debug)]
pub struct Segmentation {}

impl Segmentation {
    pub fn parse(_dataset: &InMemDicomObject) -> Result<Segmentation, DerivedError> {
        Err(DerivedError::Unsupported { feature: "Segmentation".into() })
    }

    pub fn references(&self) -> References {
        References::default()
    }

    /// Adds what this object draws on `frame` to `out`.
    pub fn draw_on(&self, _frame: &SourceFrame, _style: &LayerStyle, _out: &mut FrameOverlays) {}
}
