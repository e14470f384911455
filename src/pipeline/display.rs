//! The grey display chain of PS3.3 C.11 / PS3.4 N.2: stored value → Modality LUT → VOI →
//! Presentation → 8-bit display value. Integer images compile the chain into one table.

use super::{ModalityLut, PresentationShape, Voi};

#[derive(Debug, Clone, PartialEq)]
pub struct GreyPipeline {
    pub modality: ModalityLut,
    pub voi: Voi,
    pub presentation: PresentationShape,
}

impl GreyPipeline {
    /// Display value (0–255) of one stored value.
    #[inline]
    pub fn display(&self, stored: f64) -> u8 {
        let modality = self.modality.apply(stored);
        let intensity = self.presentation.apply(self.voi.apply(modality));
        (intensity * 255.0).round().clamp(0.0, 255.0) as u8
    }

    /// Table of display values for every stored value in `min..=max` (at most 2^16 + 1 entries),
    /// index = stored − min.
    pub fn table(&self, min: i64, max: i64) -> Vec<u8> {
        (min..=max).map(|stored| self.display(stored as f64)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Rescale, VoiLutFunction, WindowLevel};
    use super::*;

    #[test]
    fn ct_lung_window() {
        let pipeline = GreyPipeline {
            modality: ModalityLut::Rescale(Rescale { slope: 1.0, intercept: -1024.0 }),
            voi: Voi::Window(WindowLevel { center: -600.0, width: 1500.0, function: VoiLutFunction::Linear }),
            presentation: PresentationShape::Identity,
        };
        assert_eq!(pipeline.display(1024.0 - 1400.0), 0); // -1400 HU, below the window
        assert_eq!(pipeline.display(0.0), 55); // -1024 HU: ((-1024 + 600.5) / 1499 + 0.5) × 255
        assert_eq!(pipeline.display(1024.0 + 150.0), 255); // +150 HU, above
        let mid = pipeline.display(1024.0 - 600.0);
        assert!((127..=128).contains(&mid), "{mid}");
        let inverted = GreyPipeline { presentation: PresentationShape::Inverse, ..pipeline.clone() };
        assert_eq!(inverted.display(1024.0 - 1400.0), 255);
        assert_eq!(pipeline.table(0, 2).len(), 3);
    }
}
