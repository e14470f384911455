//! YCbCr to RGB for 8-bit samples (ITU-T T.871 §7, the JFIF full-range equations):
//!   R = Y + 1.402 (Cr − 128)
//!   G = Y − 0.344136 (Cb − 128) − 0.714136 (Cr − 128)
//!   B = Y + 1.772 (Cb − 128)
//! with 16-bit fixed-point constants and rounding as the IJG library does them (tables per
//! chroma value, one rounding per output), so results equal libjpeg's and dcmtk's.

/// Fractional bits of the fixed-point constants.
const SCALE_BITS: u32 = 16;
const ONE_HALF: i32 = 1 << (SCALE_BITS - 1);

const fn fix(value: f64) -> i32 {
    (value * (1 << SCALE_BITS) as f64 + 0.5) as i32
}

/// Per-chroma-value contributions, precomputed once per image.
pub struct YCbCrToRgb {
    red_from_cr: [i32; 256],
    blue_from_cb: [i32; 256],
    /// Scaled green contributions, summed then shifted (the Cb one carries the rounding).
    green_from_cb: [i32; 256],
    green_from_cr: [i32; 256],
}

impl YCbCrToRgb {
    pub fn new() -> Self {
        let mut tables = YCbCrToRgb {
            red_from_cr: [0; 256],
            blue_from_cb: [0; 256],
            green_from_cb: [0; 256],
            green_from_cr: [0; 256],
        };
        for value in 0..256 {
            let chroma = value as i32 - 128;
            tables.red_from_cr[value] = (fix(1.40200) * chroma + ONE_HALF) >> SCALE_BITS;
            tables.blue_from_cb[value] = (fix(1.77200) * chroma + ONE_HALF) >> SCALE_BITS;
            tables.green_from_cb[value] = -fix(0.34414) * chroma + ONE_HALF;
            tables.green_from_cr[value] = -fix(0.71414) * chroma;
        }
        tables
    }

    /// Converts one row of Y, Cb, Cr samples into interleaved R, G, B.
    pub fn convert_row(&self, luma: &[u8], blue_chroma: &[u8], red_chroma: &[u8], rgb: &mut [u8]) {
        // Sixteen pixels at a time with the arithmetic in lanes (vectorizable), the same
        // fixed-point formulas the tables hold; the tables finish the remainder.
        const LANES: usize = 16;
        let whole = (rgb.len() / 3).min(luma.len()).min(blue_chroma.len()).min(red_chroma.len()) / LANES * LANES;
        let groups = rgb[..whole * 3]
            .chunks_exact_mut(3 * LANES)
            .zip(luma.chunks_exact(LANES))
            .zip(blue_chroma.chunks_exact(LANES).zip(red_chroma.chunks_exact(LANES)));
        for ((out, y), (cb, cr)) in groups {
            let mut red = [0u8; LANES];
            let mut green = [0u8; LANES];
            let mut blue = [0u8; LANES];
            for lane in 0..LANES {
                let (y, cb, cr) = (i32::from(y[lane]), i32::from(cb[lane]) - 128, i32::from(cr[lane]) - 128);
                red[lane] = clamp(y + ((fix(1.40200) * cr + ONE_HALF) >> SCALE_BITS));
                green[lane] = clamp(y + ((ONE_HALF - fix(0.34414) * cb - fix(0.71414) * cr) >> SCALE_BITS));
                blue[lane] = clamp(y + ((fix(1.77200) * cb + ONE_HALF) >> SCALE_BITS));
            }
            for (lane, pixel) in out.chunks_exact_mut(3).enumerate() {
                pixel[0] = red[lane];
                pixel[1] = green[lane];
                pixel[2] = blue[lane];
            }
        }
        let rest = rgb[whole * 3..]
            .chunks_exact_mut(3)
            .zip(luma.get(whole..).unwrap_or(&[]))
            .zip(blue_chroma.get(whole..).unwrap_or(&[]).iter().zip(red_chroma.get(whole..).unwrap_or(&[])));
        for ((pixel, &y), (&cb, &cr)) in rest {
            let (y, cb, cr) = (i32::from(y), usize::from(cb), usize::from(cr));
            pixel[0] = clamp(y + self.red_from_cr[cr]);
            pixel[1] = clamp(y + ((self.green_from_cb[cb] + self.green_from_cr[cr]) >> SCALE_BITS));
            pixel[2] = clamp(y + self.blue_from_cb[cb]);
        }
    }
}

#[inline(always)]
fn clamp(value: i32) -> u8 {
    value.clamp(0, 255) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lane_path_equals_table_path() {
        let converter = YCbCrToRgb::new();
        let mut seed = 7u32;
        let mut next = move || {
            seed = seed.wrapping_mul(1664525).wrapping_add(1013904223);
            (seed >> 24) as u8
        };
        let (y, cb, cr): (Vec<u8>, Vec<u8>, Vec<u8>) = (0..4099).map(|_| (next(), next(), next())).fold(
            (Vec::new(), Vec::new(), Vec::new()),
            |(mut a, mut b, mut c), (x, y, z)| {
                a.push(x);
                b.push(y);
                c.push(z);
                (a, b, c)
            },
        );
        let mut lanes = vec![0u8; y.len() * 3];
        converter.convert_row(&y, &cb, &cr, &mut lanes);
        for i in 0..y.len() {
            let mut single = [0u8; 3];
            // One pixel at a time takes the table path.
            converter.convert_row(&y[i..i + 1], &cb[i..i + 1], &cr[i..i + 1], &mut single);
            assert_eq!(&lanes[i * 3..i * 3 + 3], &single, "pixel {i}");
        }
    }

    #[test]
    fn follows_t871_within_rounding() {
        let converter = YCbCrToRgb::new();
        for (y, cb, cr) in [(0u8, 128u8, 128u8), (255, 128, 128), (76, 85, 255), (150, 44, 21), (29, 255, 107)] {
            let mut rgb = [0u8; 3];
            converter.convert_row(&[y], &[cb], &[cr], &mut rgb);
            let (yf, cbf, crf) = (f64::from(y), f64::from(cb) - 128.0, f64::from(cr) - 128.0);
            let expected = [yf + 1.402 * crf, yf - 0.344136 * cbf - 0.714136 * crf, yf + 1.772 * cbf];
            for (got, want) in rgb.iter().zip(expected) {
                assert!(
                    (f64::from(*got) - want.clamp(0.0, 255.0)).abs() <= 1.0,
                    "{y},{cb},{cr}: {rgb:?} vs {expected:?}"
                );
            }
        }
    }
}
