//! Transfer functions: modality values (HU for CT) → colour and opacity, given as
//! piecewise-linear control points and compiled into a lookup table both renderers index the
//! same way.
//!
//! Compiled table ([`TransferLut`]): [`LUT_SIZE`] RGBA8 entries spanning `[low, high]`
//! (modality values of the first and last point). Entry `n` holds the points' colour and
//! opacity interpolated linearly at `low + n·(high − low)/(LUT_SIZE − 1)`, each channel
//! `round(255·x)`. A modality value `m` reads entry
//! `clamp(round((m − low) / (high − low) · (LUT_SIZE − 1)), 0, LUT_SIZE − 1)` (nearest; the
//! GPU uploads the entries as an RGBA8 texture of LUT_SIZE × 1 and uses texelFetch). Opacity is
//! per reference step (the volume's finest voxel spacing) before step correction.

/// Entries of a compiled transfer function.
pub const LUT_SIZE: usize = 1024;

/// How a preset's point values are meant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// Modality values as they are (Hounsfield units for CT).
    Modality,
    /// Fractions of the volume's value range: 0 = lowest, 1 = highest modality value.
    Fraction,
}

/// One control point: at modality value `value`, colour `rgb` (0–1) and opacity `opacity`
/// (0–1, per reference step).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TransferPoint {
    pub value: f64,
    pub rgb: [f64; 3],
    pub opacity: f64,
}

/// Piecewise-linear colour and opacity over modality values, points in increasing value.
/// Below the first point the first point's colour and opacity hold, above the last the last's.
#[derive(Debug, Clone, PartialEq)]
pub struct TransferFunction {
    pub points: Vec<TransferPoint>,
}

impl TransferFunction {
    /// Colour and opacity at modality value `m` (linear between the neighbouring points).
    pub fn at(&self, m: f64) -> ([f64; 3], f64) {
        let (Some(first), Some(last)) = (self.points.first(), self.points.last()) else {
            return ([0.0; 3], 0.0);
        };
        if m <= first.value {
            return (first.rgb, first.opacity);
        }
        if m >= last.value {
            return (last.rgb, last.opacity);
        }
        for pair in self.points.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            if m >= a.value && m <= b.value {
                let span = b.value - a.value;
                let f = if span > 0.0 { (m - a.value) / span } else { 1.0 };
                let mix = |x: f64, y: f64| x + (y - x) * f;
                return (
                    [mix(a.rgb[0], b.rgb[0]), mix(a.rgb[1], b.rgb[1]), mix(a.rgb[2], b.rgb[2])],
                    mix(a.opacity, b.opacity),
                );
            }
        }
        (last.rgb, last.opacity)
    }

    /// The lookup table over `[first point, last point]`.
    pub fn compile(&self) -> TransferLut {
        let low = self.points.first().map_or(0.0, |p| p.value);
        let high = self.points.last().map_or(1.0, |p| p.value);
        let high = if high > low { high } else { low + 1.0 };
        let to_u8 = |x: f64| (x.clamp(0.0, 1.0) * 255.0).round() as u8;
        let entries = (0..LUT_SIZE)
            .map(|n| {
                let m = low + (high - low) * n as f64 / (LUT_SIZE - 1) as f64;
                let (rgb, opacity) = self.at(m);
                [to_u8(rgb[0]), to_u8(rgb[1]), to_u8(rgb[2]), to_u8(opacity)]
            })
            .collect();
        TransferLut { low, high, entries }
    }
}

/// A compiled transfer function: [`LUT_SIZE`] RGBA8 entries over modality values `[low, high]`.
#[derive(Debug, Clone, PartialEq)]
pub struct TransferLut {
    pub low: f64,
    pub high: f64,
    pub entries: Vec<[u8; 4]>,
}

impl TransferLut {
    /// Index of the entry for modality value `m` (see the module comment).
    #[inline]
    pub fn index(&self, m: f64) -> usize {
        let last = (self.entries.len().max(1) - 1) as f64;
        let x = ((m - self.low) / (self.high - self.low) * last).round();
        if x.is_nan() {
            0
        } else {
            x.clamp(0.0, last) as usize
        }
    }

    #[inline]
    pub fn lookup(&self, m: f64) -> [u8; 4] {
        self.entries.get(self.index(m)).copied().unwrap_or([0; 4])
    }

    /// The entries as one RGBA8 row (for a LUT_SIZE × 1 texture).
    pub fn rgba_bytes(&self) -> Vec<u8> {
        self.entries.iter().flatten().copied().collect()
    }
}

/// Opacity of one step of `step_mm` for a transfer-function opacity `alpha` given per
/// `reference_mm`: `1 − (1 − alpha)^(step_mm / reference_mm)`, so the same material looks the
/// same at any step size.
#[inline]
pub fn corrected_opacity(alpha: f64, step_mm: f64, reference_mm: f64) -> f64 {
    if alpha <= 0.0 {
        return 0.0;
    }
    if alpha >= 1.0 {
        return 1.0;
    }
    1.0 - (1.0 - alpha).powf(step_mm / reference_mm)
}
