//! Coding parameters of one scan: preset parameters with their defaults (ITU-T T.87 C.2.4.1.1)
//! and the values derived from them (A.2.1: RANGE, qbpp, bpp, LIMIT).

use crate::codec::CodecError;

use super::CODEC;

/// Preset coding parameters as signalled by an LSE marker segment with ID 1 (T.87 C.2.4.1.1).
/// A value of zero means "use the default".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PresetParameters {
    pub max_value: u16,
    pub threshold1: u16,
    pub threshold2: u16,
    pub threshold3: u16,
    pub reset: u16,
}

/// The parameters one scan is decoded with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct CodingParameters {
    /// MAXVAL: the largest sample value.
    pub max_value: i32,
    /// NEAR: the largest reconstruction error allowed (0 = lossless).
    pub near: i32,
    pub threshold1: i32,
    pub threshold2: i32,
    pub threshold3: i32,
    /// RESET: the count at which context statistics are halved.
    pub reset: i32,
    /// RANGE: the number of distinct quantized prediction errors.
    pub range: i32,
    /// qbpp: bits needed for a mapped error value, ⌈log2 RANGE⌉.
    pub qbpp: u32,
    /// LIMIT: the longest Golomb code word, 2·(bpp + max(8, bpp)).
    pub limit: u32,
}

/// ⌈log2 value⌉ for value ≥ 1.
fn ceil_log2(value: u32) -> u32 {
    if value <= 1 {
        0
    } else {
        32 - (value - 1).leading_zeros()
    }
}

/// Which formula gives the default thresholds when MAXVAL < 128.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum ThresholdDefaults {
    /// T.87 C.2.4.1.1.1 as written.
    #[default]
    Standard,
    /// The MAXVAL ≥ 128 formula for every MAXVAL, as CharLS before 2.1 (bundled in dcmtk
    /// 3.6.x) computes them (CharLS issue #51): its streams of 2..=7 bits without an LSE
    /// segment need these to decode.
    LegacyCharLs,
}

/// Default thresholds T1, T2, T3 for a MAXVAL and NEAR (T.87 C.2.4.1.1.1).
fn default_thresholds(max_value: i32, near: i32, defaults: ThresholdDefaults) -> (i32, i32, i32) {
    const BASIC_T1: i32 = 3;
    const BASIC_T2: i32 = 7;
    const BASIC_T3: i32 = 21;
    // CLAMP(i, j, MAXVAL): i unless it exceeds MAXVAL or falls below j.
    let clamp = |value: i32, low: i32| {
        if value > max_value || value < low {
            low
        } else {
            value
        }
    };
    if max_value >= 128 || defaults == ThresholdDefaults::LegacyCharLs {
        let factor = (max_value.min(4095) + 128) / 256;
        let t1 = clamp(factor * (BASIC_T1 - 2) + 2 + 3 * near, near + 1);
        let t2 = clamp(factor * (BASIC_T2 - 3) + 3 + 5 * near, t1);
        let t3 = clamp(factor * (BASIC_T3 - 4) + 4 + 7 * near, t2);
        (t1, t2, t3)
    } else {
        let factor = 256 / (max_value + 1);
        let t1 = clamp((BASIC_T1 / factor + 3 * near).max(2), near + 1);
        let t2 = clamp((BASIC_T2 / factor + 5 * near).max(3), t1);
        let t3 = clamp((BASIC_T3 / factor + 7 * near).max(4), t2);
        (t1, t2, t3)
    }
}

impl CodingParameters {
    /// Resolves presets (zero = default) for a scan with sample `precision` and `near`,
    /// checking the ranges T.87 C.2.4.1.1 allows.
    pub(super) fn new(
        precision: u8,
        near: u8,
        presets: &PresetParameters,
        defaults: ThresholdDefaults,
    ) -> Result<Self, CodecError> {
        if !(2..=16).contains(&precision) {
            return Err(CodecError::invalid(CODEC, format!("sample precision {precision} outside 2..=16")));
        }
        let full_scale = (1i32 << precision) - 1;
        let max_value = match i32::from(presets.max_value) {
            0 => full_scale,
            value if value > full_scale => {
                return Err(CodecError::invalid(
                    CODEC,
                    format!("MAXVAL {value} exceeds the {precision}-bit sample precision"),
                ))
            }
            value => value,
        };
        let near = i32::from(near);
        if near > (max_value / 2).min(255) {
            return Err(CodecError::invalid(CODEC, format!("NEAR {near} too large for MAXVAL {max_value}")));
        }
        let (default1, default2, default3) = default_thresholds(max_value, near, defaults);
        let pick = |value: u16, default: i32| {
            if value == 0 {
                default
            } else {
                i32::from(value)
            }
        };
        let threshold1 = pick(presets.threshold1, default1);
        let threshold2 = pick(presets.threshold2, default2);
        let threshold3 = pick(presets.threshold3, default3);
        let reset = pick(presets.reset, 64);
        let thresholds_valid = near < threshold1 && threshold1 <= threshold2 && threshold2 <= threshold3;
        if !thresholds_valid {
            return Err(CodecError::invalid(
                CODEC,
                format!("thresholds T1={threshold1} T2={threshold2} T3={threshold3} invalid for MAXVAL {max_value}, NEAR {near}"),
            ));
        }
        if reset < 3 || reset > max_value.max(255) {
            return Err(CodecError::invalid(CODEC, format!("RESET {reset} outside 3..=max(255, MAXVAL)")));
        }
        let range = (max_value + 2 * near) / (2 * near + 1) + 1;
        let qbpp = ceil_log2(range as u32);
        let bpp = ceil_log2(max_value as u32 + 1).max(2);
        let limit = 2 * (bpp + bpp.max(8));
        Ok(CodingParameters { max_value, near, threshold1, threshold2, threshold3, reset, range, qbpp, limit })
    }

    /// The gradient quantizer Q(D) of T.87 A.3.3 as inclusive ranges of D and their values.
    pub(super) fn quantizer_regions(&self) -> [(i32, i32, i8); 9] {
        let (t1, t2, t3, near) = (self.threshold1, self.threshold2, self.threshold3, self.near);
        [
            (i32::MIN, -t3, -4),
            (-t3 + 1, -t2, -3),
            (-t2 + 1, -t1, -2),
            (-t1 + 1, -near - 1, -1),
            (-near, near, 0),
            (near + 1, t1 - 1, 1),
            (t1, t2 - 1, 2),
            (t2, t3 - 1, 3),
            (t3, i32::MAX, 4),
        ]
    }

    /// The gradient quantizer Q(D) of T.87 A.3.3 as a function of D.
    #[cfg(test)]
    pub(super) fn quantize(&self, gradient: i32) -> i8 {
        let (t1, t2, t3, near) = (self.threshold1, self.threshold2, self.threshold3, self.near);
        if gradient <= -t3 {
            -4
        } else if gradient <= -t2 {
            -3
        } else if gradient <= -t1 {
            -2
        } else if gradient < -near {
            -1
        } else if gradient <= near {
            0
        } else if gradient < t1 {
            1
        } else if gradient < t2 {
            2
        } else if gradient < t3 {
            3
        } else {
            4
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_t87_examples() {
        // 8-bit lossless: 3, 7, 21 (T.87 Table C.3).
        let p = CodingParameters::new(8, 0, &PresetParameters::default(), ThresholdDefaults::Standard).unwrap();
        assert_eq!((p.threshold1, p.threshold2, p.threshold3, p.reset), (3, 7, 21, 64));
        assert_eq!((p.range, p.qbpp, p.limit), (256, 8, 32));
        // 16-bit: the values CharLS writes into WG04 LSE segments.
        let p = CodingParameters::new(16, 0, &PresetParameters::default(), ThresholdDefaults::Standard).unwrap();
        assert_eq!((p.threshold1, p.threshold2, p.threshold3), (18, 67, 276));
        let p = CodingParameters::new(16, 4, &PresetParameters::default(), ThresholdDefaults::Standard).unwrap();
        assert_eq!((p.threshold1, p.threshold2, p.threshold3), (30, 87, 304));
        let p = CodingParameters::new(10, 4, &PresetParameters::default(), ThresholdDefaults::Standard).unwrap();
        assert_eq!((p.threshold1, p.threshold2, p.threshold3), (18, 39, 100));
        // Low bit depth.
        let p = CodingParameters::new(4, 0, &PresetParameters::default(), ThresholdDefaults::Standard).unwrap();
        assert_eq!((p.threshold1, p.threshold2, p.threshold3, p.limit), (2, 3, 4, 24));
        let p = CodingParameters::new(6, 0, &PresetParameters::default(), ThresholdDefaults::Standard).unwrap();
        assert_eq!((p.threshold1, p.threshold2, p.threshold3), (2, 3, 5));
        let p = CodingParameters::new(7, 0, &PresetParameters::default(), ThresholdDefaults::LegacyCharLs).unwrap();
        assert_eq!((p.threshold1, p.threshold2, p.threshold3), (2, 3, 4));
        let p = CodingParameters::new(8, 0, &PresetParameters::default(), ThresholdDefaults::LegacyCharLs).unwrap();
        assert_eq!((p.threshold1, p.threshold2, p.threshold3), (3, 7, 21));
    }

    #[test]
    fn quantizer_regions_match_quantize() {
        for (precision, near) in [(8u8, 0u8), (8, 3), (12, 0), (16, 4), (2, 0), (5, 1)] {
            let p = CodingParameters::new(precision, near, &PresetParameters::default(), ThresholdDefaults::Standard)
                .unwrap();
            for d in -p.max_value..=p.max_value {
                let expected = p.quantize(d);
                let found: Vec<i8> =
                    p.quantizer_regions().iter().filter(|(l, h, _)| *l <= d && d <= *h).map(|r| r.2).collect();
                assert_eq!(found, vec![expected], "P={precision} NEAR={near} D={d}");
            }
        }
    }

    #[test]
    fn rejects_bad_presets() {
        let bad_reset = PresetParameters { reset: 2, ..Default::default() };
        assert!(CodingParameters::new(8, 0, &bad_reset, ThresholdDefaults::Standard).is_err());
        let bad_max = PresetParameters { max_value: 300, ..Default::default() };
        assert!(CodingParameters::new(8, 0, &bad_max, ThresholdDefaults::Standard).is_err());
        assert!(CodingParameters::new(8, 200, &PresetParameters::default(), ThresholdDefaults::Standard).is_err());
    }
}
