//! Inverse DCT of one dequantized 8×8 block (ITU-T T.81 A.3.3), level shift and clamping
//! (A.3.1), in the accurate integer form of Loeffler, Ligtenberg and Moschytz
//! ("Practical fast 1-D DCT algorithms with 11 multiplications", ICASSP 1989) with 13-bit
//! constants, the arithmetic of the IJG "islow" method that dcmtk and most viewers use, so the
//! results are identical to theirs for 8- and 12-bit data.
//!
//! Arithmetic wraps (`Wrapping<i32>`) so that corrupt coefficients give garbage, never a panic;
//! valid streams never come near the limits.

use std::num::Wrapping;

type W = Wrapping<i32>;

/// Fractional bits of the multiplier constants.
const CONST_BITS: usize = 13;

/// A constant scaled to `CONST_BITS` fractional bits, rounded to nearest.
const fn fix(value: f64) -> W {
    Wrapping((value * (1 << CONST_BITS) as f64 + 0.5) as i32)
}

const FIX_0_298631336: W = fix(0.298631336);
const FIX_0_390180644: W = fix(0.390180644);
const FIX_0_541196100: W = fix(0.541196100);
const FIX_0_765366865: W = fix(0.765366865);
const FIX_0_899976223: W = fix(0.899976223);
const FIX_1_175875602: W = fix(1.175875602);
const FIX_1_501321110: W = fix(1.501321110);
const FIX_1_847759065: W = fix(1.847759065);
const FIX_1_961570560: W = fix(1.961570560);
const FIX_2_053119869: W = fix(2.053119869);
const FIX_2_562915447: W = fix(2.562915447);
const FIX_3_072711026: W = fix(3.072711026);

/// Sample types the DCT path writes, with the parameters that depend on the precision.
pub trait DctSample: Copy + Default + 'static {
    /// Extra fractional bits kept between the column and the row pass
    /// (2 for 8-bit, 1 for 12-bit so the intermediates stay within 32 bits).
    const PASS1_BITS: usize;
    /// 2^(P-1), the level shift of A.3.1.
    const CENTER: i32;
    /// 2^P - 1.
    const MAX: i32;
    /// Converts a value already clamped to 0..=MAX.
    fn from_clamped(value: i32) -> Self;
    fn to_i32(self) -> i32;
}

impl DctSample for u8 {
    const PASS1_BITS: usize = 2;
    const CENTER: i32 = 128;
    const MAX: i32 = 255;
    #[inline(always)]
    fn from_clamped(value: i32) -> Self {
        value as u8
    }
    #[inline(always)]
    fn to_i32(self) -> i32 {
        i32::from(self)
    }
}

impl DctSample for u16 {
    const PASS1_BITS: usize = 1;
    const CENTER: i32 = 2048;
    const MAX: i32 = 4095;
    #[inline(always)]
    fn from_clamped(value: i32) -> Self {
        value as u16
    }
    #[inline(always)]
    fn to_i32(self) -> i32 {
        i32::from(self)
    }
}

/// Rounding right shift (the IJG `DESCALE`).
#[inline(always)]
fn descale(value: W, shift: usize) -> W {
    (value + Wrapping(1 << (shift - 1))) >> shift
}

/// One 8-point 1-D IDCT; the outputs carry `CONST_BITS` extra fractional bits.
#[inline(always)]
fn idct_1d(input: [W; 8]) -> [W; 8] {
    // Even part: the rotation of inputs 2 and 6, then the butterflies with 0 and 4.
    let rotation = (input[2] + input[6]) * FIX_0_541196100;
    let even2 = rotation - input[6] * FIX_1_847759065;
    let even3 = rotation + input[2] * FIX_0_765366865;
    let even0 = (input[0] + input[4]) << CONST_BITS;
    let even1 = (input[0] - input[4]) << CONST_BITS;
    let sum10 = even0 + even3;
    let sum13 = even0 - even3;
    let sum11 = even1 + even2;
    let sum12 = even1 - even2;

    // Odd part on inputs 7, 5, 3, 1.
    let (odd0, odd1, odd2, odd3) = (input[7], input[5], input[3], input[1]);
    let z1 = odd0 + odd3;
    let z2 = odd1 + odd2;
    let z3 = odd0 + odd2;
    let z4 = odd1 + odd3;
    let z5 = (z3 + z4) * FIX_1_175875602;
    let z1 = -(z1 * FIX_0_899976223);
    let z2 = -(z2 * FIX_2_562915447);
    let z3 = z5 - z3 * FIX_1_961570560;
    let z4 = z5 - z4 * FIX_0_390180644;
    let odd0 = odd0 * FIX_0_298631336 + z1 + z3;
    let odd1 = odd1 * FIX_2_053119869 + z2 + z4;
    let odd2 = odd2 * FIX_3_072711026 + z2 + z3;
    let odd3 = odd3 * FIX_1_501321110 + z1 + z4;

    [sum10 + odd3, sum11 + odd2, sum12 + odd1, sum13 + odd0, sum13 - odd0, sum12 - odd1, sum11 - odd2, sum10 - odd3]
}

/// Clamps a level-shifted sample to 0..=MAX.
#[inline(always)]
fn to_sample<T: DctSample>(value: W) -> T {
    T::from_clamped(value.0.wrapping_add(T::CENTER).clamp(0, T::MAX))
}

/// Writes the 8×8 samples of a block whose only non-zero coefficient is DC (same result as
/// the full transform, which reduces to a rounding shift here).
pub fn idct_dc_only<T: DctSample>(dc: i32, output: &mut [T], stride: usize) {
    let value: T = to_sample(descale(Wrapping(dc) << T::PASS1_BITS, T::PASS1_BITS + 3));
    for row in output.chunks_mut(stride).take(8) {
        if let Some(row) = row.get_mut(..8) {
            row.fill(value);
        }
    }
}

/// Marks the column of a non-zero coefficient at natural index `index` in a column mask
/// (bit i for column i), the occupancy [`idct_block`] uses to skip all-zero columns.
#[inline(always)]
pub fn mark_column(columns: &mut u8, index: usize) {
    *columns |= 1 << (index & 7);
}

/// Inverse-transforms one dequantized block in natural (row-major) order and writes its
/// 8 rows of 8 samples, `stride` apart, at the start of `output`. `columns` has bit i set
/// for every column i holding a non-zero coefficient (others are skipped). Like the IJG
/// code, columns and rows without AC terms take a shortcut; neither changes the result.
#[inline(never)]
pub fn idct_block<T: DctSample>(coefficients: &[i32; 64], columns: u8, output: &mut [T], stride: usize) {
    // Pass 1: columns, keeping PASS1_BITS extra bits.
    let mut workspace = [Wrapping(0i32); 64];
    for column in 0..8 {
        if columns & (1 << column) == 0 {
            continue; // an all-zero column transforms to zeros
        }
        let input: [W; 8] = std::array::from_fn(|row| Wrapping(coefficients[row * 8 + column]));
        if input[1..].iter().all(|value| value.0 == 0) {
            let dc = input[0] << T::PASS1_BITS;
            for row in 0..8 {
                workspace[row * 8 + column] = dc;
            }
            continue;
        }
        let result = idct_1d(input);
        for (row, value) in result.into_iter().enumerate() {
            workspace[row * 8 + column] = descale(value, CONST_BITS - T::PASS1_BITS);
        }
    }
    // Pass 2: rows, removing the scaling (the 8 of the 2-D transform is the extra 3 bits).
    let shift = CONST_BITS + T::PASS1_BITS + 3;
    for (workspace_row, output_row) in workspace.chunks_exact(8).zip(output.chunks_mut(stride)) {
        let Some(output_row) = output_row.get_mut(..8) else {
            return;
        };
        if workspace_row[1..].iter().all(|value| value.0 == 0) {
            output_row.fill(to_sample(descale(workspace_row[0], T::PASS1_BITS + 3)));
            continue;
        }
        let input: [W; 8] = std::array::from_fn(|k| workspace_row[k]);
        let result = idct_1d(input);
        for (sample, value) in output_row.iter_mut().zip(result) {
            *sample = to_sample(descale(value, shift));
        }
    }
}

/// The column mask of a whole coefficient block (for callers that did not track it).
#[cfg(test)]
pub fn columns_of(coefficients: &[i32; 64]) -> u8 {
    let mut columns = 0;
    for (index, &value) in coefficients.iter().enumerate() {
        if value != 0 {
            mark_column(&mut columns, index);
        }
    }
    columns
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The textbook IDCT of A.3.3 in floating point, rounded, level-shifted and clamped.
    fn reference_idct(coefficients: &[i32; 64], center: f64, max: f64) -> Vec<f64> {
        let c = |u: usize| {
            if u == 0 {
                std::f64::consts::FRAC_1_SQRT_2
            } else {
                1.0
            }
        };
        let mut out = Vec::new();
        for y in 0..8 {
            for x in 0..8 {
                let mut sum = 0.0;
                for v in 0..8 {
                    for u in 0..8 {
                        sum += c(u)
                            * c(v)
                            * f64::from(coefficients[v * 8 + u])
                            * (((2 * x + 1) as f64 * u as f64 * std::f64::consts::PI) / 16.0).cos()
                            * (((2 * y + 1) as f64 * v as f64 * std::f64::consts::PI) / 16.0).cos();
                    }
                }
                out.push((sum / 4.0 + center).round().clamp(0.0, max));
            }
        }
        out
    }

    #[test]
    fn integer_idct_is_within_one_of_float() {
        let mut seed = 12345u32;
        let mut random = move || {
            seed = seed.wrapping_mul(1103515245).wrapping_add(12345);
            (seed >> 16) as i32
        };
        for trial in 0..200 {
            let mut coefficients = [0i32; 64];
            for (index, value) in coefficients.iter_mut().enumerate() {
                let range = if index == 0 { 2048 } else { 256 >> (index / 16) };
                *value = random() % range - range / 2;
            }
            let mut out8 = [0u8; 64];
            idct_block(&coefficients, columns_of(&coefficients), &mut out8, 8);
            let reference = reference_idct(&coefficients, 128.0, 255.0);
            for (got, want) in out8.iter().zip(&reference) {
                assert!((f64::from(*got) - want).abs() <= 1.0, "trial {trial}: {got} vs {want}");
            }
            let scaled: [i32; 64] = std::array::from_fn(|i| coefficients[i] * 16);
            let mut out12 = [0u16; 64];
            idct_block(&scaled, columns_of(&scaled), &mut out12, 8);
            let reference = reference_idct(&scaled, 2048.0, 4095.0);
            for (got, want) in out12.iter().zip(&reference) {
                assert!((f64::from(*got) - want).abs() <= 1.0, "trial {trial}: {got} vs {want}");
            }
        }
    }

    #[test]
    fn skipping_zero_columns_changes_nothing() {
        let mut seed = 99u32;
        let mut random = move || {
            seed = seed.wrapping_mul(1103515245).wrapping_add(12345);
            (seed >> 16) as i32
        };
        let full = 0xFF;
        for trial in 0..400 {
            let (rows, columns) = ([1, 2, 4, 8][trial % 4], [1, 3, 4, 8][(trial / 4) % 4]);
            let mut coefficients = [0i32; 64];
            for row in 0..rows {
                for column in 0..columns {
                    coefficients[row * 8 + column] = random() % 4000 - 2000;
                }
            }
            let (mut narrow8, mut wide8) = ([0u8; 64], [0u8; 64]);
            idct_block(&coefficients, columns_of(&coefficients), &mut narrow8, 8);
            idct_block(&coefficients, full, &mut wide8, 8);
            assert_eq!(narrow8, wide8, "8-bit trial {trial}");
            let (mut narrow12, mut wide12) = ([0u16; 64], [0u16; 64]);
            idct_block(&coefficients, columns_of(&coefficients), &mut narrow12, 8);
            idct_block(&coefficients, full, &mut wide12, 8);
            assert_eq!(narrow12, wide12, "12-bit trial {trial}");
        }
    }

    #[test]
    fn dc_only_matches_full_transform() {
        for dc in [-2000, -1023, -17, -1, 0, 1, 5, 100, 1023, 3000] {
            let mut coefficients = [0i32; 64];
            coefficients[0] = dc;
            let (mut full, mut fast) = ([0u8; 64], [0u8; 64]);
            idct_block(&coefficients, columns_of(&coefficients), &mut full, 8);
            idct_dc_only(dc, &mut fast, 8);
            assert_eq!(full, fast, "dc {dc}");
            let (mut full, mut fast) = ([0u16; 64], [0u16; 64]);
            idct_block(&coefficients, columns_of(&coefficients), &mut full, 8);
            idct_dc_only(dc, &mut fast, 8);
            assert_eq!(full, fast, "dc {dc}");
        }
    }

    #[test]
    fn huge_coefficients_do_not_panic() {
        let coefficients = [i32::MAX; 64];
        let mut out = [0u16; 64];
        idct_block(&coefficients, 0xFF, &mut out, 8);
        idct_dc_only(i32::MIN, &mut out, 8);
    }
}
