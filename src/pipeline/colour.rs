//! Colour conversions to RGB (PS3.3 C.7.6.3.1.2) applied to decoded, interleaved samples.
//! A codec that already produced RGB (JPEG YCbCr→RGB, JPEG 2000 MCT) sets
//! `colour_transformed`, and nothing here runs again: the transform happens exactly once.

use super::Photometric;

/// Converts one pixel of full-range YCbCr (YBR_FULL, YBR_ICT) to RGB, C.7.6.3.1.2.
#[inline]
fn ybr_full_to_rgb(y: f32, cb: f32, cr: f32, max: f32) -> [f32; 3] {
    let half = (max + 1.0) / 2.0;
    let (cb, cr) = (cb - half, cr - half);
    let r = y + 1.402 * cr;
    let g = y - 0.344_136 * cb - 0.714_136 * cr;
    let b = y + 1.772 * cb;
    [r, g, b].map(|v| v.round().clamp(0.0, max))
}

/// Converts partial-range YCbCr (YBR_PARTIAL_422/420, ITU-R BT.601) to RGB, C.7.6.3.1.2.
#[inline]
fn ybr_partial_to_rgb(y: f32, cb: f32, cr: f32, max: f32) -> [f32; 3] {
    let scale = (max + 1.0) / 256.0;
    let (y, cb, cr) = (y / scale - 16.0, cb / scale - 128.0, cr / scale - 128.0);
    let r = 1.164_383_6 * y + 1.596_026_8 * cr;
    let g = 1.164_383_6 * y - 0.391_762_3 * cb - 0.812_967_6 * cr;
    let b = 1.164_383_6 * y + 2.017_232_1 * cb;
    [r, g, b].map(|v| (v * scale).round().clamp(0.0, max))
}

/// Inverse reversible colour transform of JPEG 2000 (ISO 15444-1 G.2.2).
#[inline]
fn rct_to_rgb(y: i32, cb: i32, cr: i32, max: i32) -> [i32; 3] {
    let half = (max + 1) / 2;
    let (cb, cr) = (cb - half, cr - half);
    let g = y - ((cb + cr) >> 2);
    [(cr + g).clamp(0, max), g.clamp(0, max), (cb + g).clamp(0, max)]
}

/// Converts interleaved 3-sample pixels of the given interpretation to RGB in place.
/// `bits` is the bit depth of the samples (8 or up to 16).
pub fn to_rgb_in_place<T>(samples: &mut [T], photometric: Photometric, bits: u16)
where
    T: Copy + Into<u32> + TryFrom<u32>,
{
    let max_int = (1u32 << bits.clamp(1, 16)) - 1;
    let max = max_int as f32;
    let convert: fn(f32, f32, f32, f32) -> [f32; 3] = match photometric {
        Photometric::YbrFull | Photometric::YbrFull422 | Photometric::YbrIct => ybr_full_to_rgb,
        Photometric::YbrPartial422 | Photometric::YbrPartial420 => ybr_partial_to_rgb,
        Photometric::YbrRct => {
            for pixel in samples.chunks_exact_mut(3) {
                let [y, cb, cr] = [pixel[0].into(), pixel[1].into(), pixel[2].into()].map(|v: u32| v as i32);
                let rgb = rct_to_rgb(y, cb, cr, max_int as i32);
                for (out, value) in pixel.iter_mut().zip(rgb) {
                    if let Ok(v) = T::try_from(value as u32) {
                        *out = v;
                    }
                }
            }
            return;
        }
        _ => return,
    };
    for pixel in samples.chunks_exact_mut(3) {
        let [y, cb, cr] = [pixel[0].into(), pixel[1].into(), pixel[2].into()].map(|v: u32| v as f32);
        let rgb = convert(y, cb, cr, max);
        for (out, value) in pixel.iter_mut().zip(rgb) {
            if let Ok(v) = T::try_from(value as u32) {
                *out = v;
            }
        }
    }
}

/// Planar Configuration 1 (C.7.6.3.1.3: RRR…GGG…BBB…) to interleaved RGBRGB….
pub fn interleave_planes<T: Copy + Default>(planar: &[T], pixels: usize) -> Vec<T> {
    let mut out = vec![T::default(); pixels * 3];
    if let (Some(red), Some(green), Some(blue)) =
        (planar.get(..pixels), planar.get(pixels..2 * pixels), planar.get(2 * pixels..3 * pixels))
    {
        for (((px, r), g), b) in out.chunks_exact_mut(3).zip(red).zip(green).zip(blue) {
            px[0] = *r;
            px[1] = *g;
            px[2] = *b;
        }
    }
    out
}

/// Native YBR_FULL_422 / YBR_PARTIAL_422 (C.7.6.3.1.2): each pair of pixels is stored as
/// Y1 Y2 Cb Cr. Expands to Y Cb Cr per pixel (chroma replicated), still in YCbCr.
pub fn expand_422<T: Copy + Default>(packed: &[T], columns: usize, rows: usize) -> Vec<T> {
    let mut out = vec![T::default(); columns * rows * 3];
    let pairs_per_row = columns.div_ceil(2);
    for (row_out, row_in) in out.chunks_exact_mut(columns * 3).zip(packed.chunks(pairs_per_row * 4)) {
        for (pair_out, quad) in row_out.chunks_mut(6).zip(row_in.chunks_exact(4)) {
            let [y1, y2, cb, cr] = [quad[0], quad[1], quad[2], quad[3]];
            let first = [y1, cb, cr];
            let second = [y2, cb, cr];
            for (o, v) in pair_out.iter_mut().zip(first.iter().chain(second.iter())) {
                *o = *v;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grey_ybr_stays_grey() {
        let mut px: Vec<u8> = vec![100, 128, 128, 0, 128, 128, 255, 128, 128];
        to_rgb_in_place(&mut px, Photometric::YbrFull, 8);
        assert_eq!(px, vec![100, 100, 100, 0, 0, 0, 255, 255, 255]);
    }

    #[test]
    fn full_range_red() {
        // Pure red in YCbCr full range (JFIF): Y=76, Cb=85, Cr=255.
        let mut px: Vec<u8> = vec![76, 85, 255];
        to_rgb_in_place(&mut px, Photometric::YbrFull, 8);
        assert!(px[0] >= 253 && px[1] <= 2 && px[2] <= 2, "{px:?}");
    }

    #[test]
    fn rct_round_trip() {
        // Forward RCT of (200, 10, 60): Y = floor((R+2G+B)/4) = 70, Cb = B-G = 50, Cr = R-G = 190,
        // chroma offset by half the 9-bit range.
        let mut px: Vec<u16> = vec![70, 50 + 256, 190 + 256];
        to_rgb_in_place(&mut px, Photometric::YbrRct, 9);
        assert_eq!(px, vec![200, 10, 60]);
    }

    #[test]
    fn planar_and_422() {
        assert_eq!(interleave_planes(&[1, 2, 3, 4, 5, 6], 2), vec![1, 3, 5, 2, 4, 6]);
        assert_eq!(expand_422(&[10, 20, 1, 2], 2, 1), vec![10, 1, 2, 20, 1, 2]);
    }
}
