//! Modality LUT (PS3.3 C.11.1): stored values → modality values (Hounsfield units for CT).

use super::LookupTable;

/// Rescale Slope and Intercept (0028,1053 / 0028,1052), C.11.1.1.2: `m·x + b`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rescale {
    pub slope: f64,
    pub intercept: f64,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub enum ModalityLut {
    /// No transform: modality values are the stored values.
    #[default]
    Identity,
    Rescale(Rescale),
    /// Modality LUT Sequence (0028,3000), C.11.1.1.1.
    Table(LookupTable),
}

impl ModalityLut {
    #[inline]
    pub fn apply(&self, stored: f64) -> f64 {
        match self {
            ModalityLut::Identity => stored,
            ModalityLut::Rescale(r) => stored * r.slope + r.intercept,
            ModalityLut::Table(lut) => f64::from(lut.lookup(stored)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rescale_to_hounsfield() {
        let lut = ModalityLut::Rescale(Rescale { slope: 1.0, intercept: -1024.0 });
        assert_eq!(lut.apply(1024.0), 0.0);
        assert_eq!(ModalityLut::Identity.apply(7.0), 7.0);
    }
}
