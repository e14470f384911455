//! Presentation LUT (PS3.3 C.11.6) and the MONOCHROME1 inversion (C.7.6.3.1.2): the last
//! step before display values.

/// Presentation LUT Shape (2050,0020) as it affects a grey display.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PresentationShape {
    #[default]
    Identity,
    /// INVERSE, or implied by MONOCHROME1: minimum value shown white.
    Inverse,
}

impl PresentationShape {
    /// The effective shape: MONOCHROME1 inverts, and an explicit INVERSE inverts
    /// (C.11.6.1: for MONOCHROME1 the shape already accounts for the polarity when present).
    pub fn effective(monochrome1: bool, shape: Option<&str>) -> PresentationShape {
        match shape.map(|s| s.trim_matches(|c: char| c == ' ' || c == '\0').to_ascii_uppercase()) {
            Some(s) if s == "INVERSE" => PresentationShape::Inverse,
            Some(s) if s == "IDENTITY" => PresentationShape::Identity,
            _ if monochrome1 => PresentationShape::Inverse,
            _ => PresentationShape::Identity,
        }
    }

    /// Applies the shape to an intensity in [0, 1].
    #[inline]
    pub fn apply(self, intensity: f64) -> f64 {
        match self {
            PresentationShape::Identity => intensity,
            PresentationShape::Inverse => 1.0 - intensity,
        }
    }

    pub fn toggled(self) -> PresentationShape {
        match self {
            PresentationShape::Identity => PresentationShape::Inverse,
            PresentationShape::Inverse => PresentationShape::Identity,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monochrome1_inverts_unless_told() {
        assert_eq!(PresentationShape::effective(true, None), PresentationShape::Inverse);
        assert_eq!(PresentationShape::effective(false, Some("INVERSE ")), PresentationShape::Inverse);
        assert_eq!(PresentationShape::effective(false, None).apply(0.25), 0.25);
        assert_eq!(PresentationShape::Inverse.apply(0.25), 0.75);
    }
}
