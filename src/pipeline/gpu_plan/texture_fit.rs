//! Frames larger than the GPU's MAX_TEXTURE_SIZE: the WebGL2 path shows them from a copy
//! shrunk by a whole factor in both directions (nearest neighbour: the stored values stay
//! exact, only fewer of them are shown), with a note, instead of failing to a black canvas.
//!
//! The shader finds a canvas pixel's texel as floor(t · size) from its texture coordinate t
//! (0..1 over the whole image), so texel k of a shrunk copy covers the image columns
//! [k · columns / small, (k + 1) · columns / small); it holds the image pixel at that span's
//! centre, which is where a canvas pixel showing the middle of the span lands in the full image.

use crate::pipeline::PixelValues;

/// How a frame is shrunk to fit the texture limit: by `factor`, to `columns × rows` texels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextureFit {
    pub factor: u32,
    pub columns: u32,
    pub rows: u32,
}

impl TextureFit {
    /// None when `columns × rows` fits `max_size` as it is (or `max_size` is 0: no limit known).
    pub fn of(columns: u32, rows: u32, max_size: u32) -> Option<TextureFit> {
        if max_size == 0 || (columns <= max_size && rows <= max_size) {
            return None;
        }
        let factor = columns.max(rows).div_ceil(max_size);
        Some(TextureFit { factor, columns: columns.div_ceil(factor), rows: rows.div_ceil(factor) })
    }

    /// The image pixel (column, row) texel (k, l) holds.
    pub fn source(&self, full: (u32, u32), texel: (u32, u32)) -> (u32, u32) {
        let pick = |k: u32, small: u32, whole: u32| {
            let centre = (2 * u64::from(k) + 1) * u64::from(whole) / (2 * u64::from(small.max(1)));
            (centre as u32).min(whole.saturating_sub(1))
        };
        (pick(texel.0, self.columns, full.0), pick(texel.1, self.rows, full.1))
    }

    /// Shrinks `samples` (a `full` = columns × rows image of `per_pixel` samples each, row after
    /// row); missing samples (a short buffer) become the default value.
    pub fn shrink<T: Copy + Default>(&self, samples: &[T], per_pixel: usize, full: (u32, u32)) -> Vec<T> {
        let mut out = Vec::with_capacity(self.columns as usize * self.rows as usize * per_pixel);
        for l in 0..self.rows {
            for k in 0..self.columns {
                let (column, row) = self.source(full, (k, l));
                let start = (row as usize * full.0 as usize + column as usize) * per_pixel;
                for channel in 0..per_pixel {
                    out.push(samples.get(start + channel).copied().unwrap_or_default());
                }
            }
        }
        out
    }

    /// `shrink` of every sample type.
    pub fn shrink_values(&self, values: &PixelValues, per_pixel: usize, full: (u32, u32)) -> PixelValues {
        match values {
            PixelValues::U8(v) => PixelValues::U8(self.shrink(v, per_pixel, full)),
            PixelValues::U16(v) => PixelValues::U16(self.shrink(v, per_pixel, full)),
            PixelValues::I16(v) => PixelValues::I16(self.shrink(v, per_pixel, full)),
            PixelValues::U32(v) => PixelValues::U32(self.shrink(v, per_pixel, full)),
            PixelValues::I32(v) => PixelValues::I32(self.shrink(v, per_pixel, full)),
            PixelValues::F32(v) => PixelValues::F32(self.shrink(v, per_pixel, full)),
            PixelValues::F64(v) => PixelValues::F64(self.shrink(v, per_pixel, full)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_within_the_limit_are_not_shrunk() {
        assert_eq!(TextureFit::of(4000, 5000, 8192), None);
        assert_eq!(TextureFit::of(8192, 8192, 8192), None);
        assert_eq!(TextureFit::of(10, 10, 0), None);
    }

    #[test]
    fn a_mammogram_on_a_2048_gpu_is_shown_at_a_third() {
        // max(4000, 5000) / 2048 = 2.44 → factor 3: 1334 × 1667 texels, both ≤ 2048.
        let fit = TextureFit::of(4000, 5000, 2048).expect("shrunk");
        assert_eq!(fit, TextureFit { factor: 3, columns: 1334, rows: 1667 });
        // Texel 0 covers columns [0, 2.999): centre 1.499 → column 1. The last texel (1333)
        // covers [3997.0, 4000): centre 3998.5 → column 3998.
        assert_eq!(fit.source((4000, 5000), (0, 0)), (1, 1));
        assert_eq!(fit.source((4000, 5000), (1333, 1666)), (3998, 4998));
    }

    #[test]
    fn shrinking_picks_the_centre_pixel_of_each_span() {
        // 6 × 4 image, values = index; limit 3 → factor 2: 3 × 2 texels holding pixels at
        // columns 1, 3, 5 and rows 1, 3.
        let values: Vec<u16> = (0..24).collect();
        let fit = TextureFit::of(6, 4, 3).expect("shrunk");
        assert_eq!((fit.columns, fit.rows), (3, 2));
        assert_eq!(fit.shrink(&values, 1, (6, 4)), vec![7, 9, 11, 19, 21, 23]);
        // Three samples per pixel (RGB) move together.
        let rgb: Vec<u8> = (0..72).map(|i| i as u8).collect();
        let shrunk = fit.shrink(&rgb, 3, (6, 4));
        assert_eq!(&shrunk[..3], &[21, 22, 23]);
        assert_eq!(shrunk.len(), 18);
        // A short buffer gives zeros, never a panic.
        assert_eq!(fit.shrink(&values[..5], 1, (6, 4)), vec![0; 6]);
    }
}
