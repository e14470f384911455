//! VOI LUT (PS3.3 C.11.2): modality values → display intensity in [0, 1].

use super::LookupTable;

/// VOI LUT Function (0028,1056), C.11.2.1.3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VoiLutFunction {
    /// C.11.2.1.2.1.
    #[default]
    Linear,
    /// C.11.2.1.3.2.
    LinearExact,
    /// C.11.2.1.3.1.
    Sigmoid,
}

impl VoiLutFunction {
    pub fn parse(value: &str) -> Option<VoiLutFunction> {
        match value.trim_matches(|c: char| c == ' ' || c == '\0').to_ascii_uppercase().as_str() {
            "LINEAR" => Some(VoiLutFunction::Linear),
            "LINEAR_EXACT" => Some(VoiLutFunction::LinearExact),
            "SIGMOID" => Some(VoiLutFunction::Sigmoid),
            _ => None,
        }
    }
}

/// Window Center / Window Width (0028,1050 / 0028,1051) with its function, C.11.2.1.2.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WindowLevel {
    pub center: f64,
    pub width: f64,
    pub function: VoiLutFunction,
}

impl WindowLevel {
    /// Maps a modality value to [0, 1].
    #[inline]
    pub fn apply(&self, x: f64) -> f64 {
        let (c, w) = (self.center, self.width);
        match self.function {
            VoiLutFunction::Linear => {
                // C.11.2.1.2.1 requires Window Width >= 1.
                let w = w.max(1.0);
                if x <= c - 0.5 - (w - 1.0) / 2.0 {
                    0.0
                } else if x > c - 0.5 + (w - 1.0) / 2.0 {
                    1.0
                } else if w <= 1.0 {
                    1.0
                } else {
                    ((x - (c - 0.5)) / (w - 1.0) + 0.5).clamp(0.0, 1.0)
                }
            }
            VoiLutFunction::LinearExact => {
                let w = w.max(f64::MIN_POSITIVE);
                if x <= c - w / 2.0 {
                    0.0
                } else if x > c + w / 2.0 {
                    1.0
                } else {
                    ((x - c) / w + 0.5).clamp(0.0, 1.0)
                }
            }
            VoiLutFunction::Sigmoid => {
                let w = w.max(f64::MIN_POSITIVE);
                1.0 / (1.0 + (-4.0 * (x - c) / w).exp())
            }
        }
    }
}

/// One selectable VOI transform of an image.
#[derive(Debug, Clone, PartialEq)]
pub enum Voi {
    Window(WindowLevel),
    /// VOI LUT Sequence (0028,3010) item, C.11.2.1.1.
    Table(LookupTable),
}

impl Voi {
    #[inline]
    pub fn apply(&self, x: f64) -> f64 {
        match self {
            Voi::Window(window) => window.apply(x),
            Voi::Table(lut) => f64::from(lut.lookup(x)) / lut.max_output(),
        }
    }

    /// The window that maps `min..=max` onto the full output range (used when the file has none).
    pub fn min_max(min: f64, max: f64, integer: bool) -> Voi {
        let (center, width) = if integer {
            // With C.11.2.1.2.1, c − 0.5 = (min+max)/2 and w − 1 = max − min map min→0 and max→1.
            ((min + max + 1.0) / 2.0, (max - min + 1.0).max(1.0))
        } else {
            ((min + max) / 2.0, (max - min).max(f64::MIN_POSITIVE))
        };
        let function = if integer { VoiLutFunction::Linear } else { VoiLutFunction::LinearExact };
        Voi::Window(WindowLevel { center, width, function })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(center: f64, width: f64, function: VoiLutFunction) -> WindowLevel {
        WindowLevel { center, width, function }
    }

    #[test]
    fn linear_matches_standard_example() {
        // C.11.2.1.2.1: c=2048, w=4096 maps 0→0 and 4095→1.
        let w = window(2048.0, 4096.0, VoiLutFunction::Linear);
        assert_eq!(w.apply(0.0), 0.0);
        assert_eq!(w.apply(4095.0), 1.0);
        assert!((w.apply(2047.5) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn linear_exact_and_sigmoid() {
        let w = window(0.0, 100.0, VoiLutFunction::LinearExact);
        assert_eq!(w.apply(-50.0), 0.0);
        assert!((w.apply(25.0) - 0.75).abs() < 1e-12);
        let s = window(0.0, 100.0, VoiLutFunction::Sigmoid);
        assert!((s.apply(0.0) - 0.5).abs() < 1e-12);
        assert!(s.apply(100.0) > 0.98);
    }

    #[test]
    fn width_one_is_a_threshold() {
        let w = window(10.0, 1.0, VoiLutFunction::Linear);
        assert_eq!((w.apply(9.0), w.apply(10.0)), (0.0, 1.0));
    }

    #[test]
    fn min_max_window_spans_range() {
        let voi = Voi::min_max(-1000.0, 3000.0, true);
        assert_eq!((voi.apply(-1000.0), voi.apply(3000.0)), (0.0, 1.0));
    }
}
