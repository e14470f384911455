//! RT Structure Set (PS3.3 C.8.8.5 Structure Set, C.8.8.6 ROI Contour, C.8.8.8 RT ROI Observations).
//! (Foundation skeleton: the helper owning this module replaces it.)

use dicom_object::InMemDicomObject;

use super::{DerivedError, References, SourceFrame};
use crate::viewer::layers::{FrameOverlays, LayerStyle};

#[derive(Debug)]
pub struct StructureSet {}

impl StructureSet {
    pub fn parse(_dataset: &InMemDicomObject) -> Result<StructureSet, DerivedError> {
        Err(DerivedError::Unsupported { feature: "StructureSet".into() })
    }

    pub fn references(&self) -> References {
        References::default()
    }

    /// Adds what this object draws on `frame` to `out`.
    pub fn draw_on(&self, _frame: &SourceFrame, _style: &LayerStyle, _out: &mut FrameOverlays) {}
}
