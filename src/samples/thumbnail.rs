//! Sample thumbnails and facts for the start page's cards: the middle image of each sample (the
//! slice its stack opens on, `viewer::opening_slice`) rendered by the project's own pipeline
//! (`api::render_frame`, the file's default window), shrunk by box averaging to fit
//! `THUMBNAIL_MAX_PX` and written as PNG (`crate::png`).

use super::{SampleError, SampleStudy};
use crate::api::{render_frame, RenderOptions};
use crate::study::meta::InstanceMeta;
use crate::viewer::opening_slice::opening_frame;

/// The longest side of a thumbnail, in pixels (the cards show it at up to 96 CSS px, so 2× for
/// high-density screens).
pub const THUMBNAIL_MAX_PX: u32 = 192;

/// What a sample card says about a sample, read back from its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleFacts {
    /// Modality (0008,0060) of the middle file, e.g. "CT".
    pub modality: String,
    /// Frames in the whole study (sum of Number of Frames).
    pub images: u32,
    pub rows: u32,
    pub columns: u32,
}

/// A sample's thumbnail: PNG bytes and size.
#[derive(Debug, Clone)]
pub struct Thumbnail {
    pub width_px: u32,
    pub height_px: u32,
    pub png: Vec<u8>,
}

/// The size of an image of `columns × rows` scaled so its longest side is `max_px` (never 0).
pub fn fitted_size(columns: u32, rows: u32, max_px: u32) -> (u32, u32) {
    let longest = f64::from(columns.max(rows).max(1));
    let side = |n: u32| ((f64::from(n) * f64::from(max_px) / longest).round() as u32).max(1);
    (side(columns), side(rows))
}

/// Shrinks an RGBA image to `width × height` (not larger than the source): each output pixel is
/// the rounded mean of the source pixels in its box.
pub fn shrink_rgba(rgba: &[u8], columns: u32, rows: u32, width: u32, height: u32) -> Result<Vec<u8>, SampleError> {
    let (c, r, w, h) = (columns as usize, rows as usize, width as usize, height as usize);
    if rgba.len() != c * r * 4 || w == 0 || h == 0 || w > c || h > r {
        return Err(SampleError::Geometry {
            reason: format!("cannot shrink {columns} × {rows} RGBA ({} bytes) to {width} × {height}", rgba.len()),
        });
    }
    let mut out = Vec::with_capacity(w * h * 4);
    for y in 0..h {
        let (y0, y1) = (y * r / h, ((y + 1) * r / h).max(y * r / h + 1));
        for x in 0..w {
            let (x0, x1) = (x * c / w, ((x + 1) * c / w).max(x * c / w + 1));
            let mut sum = [0u64; 4];
            for row in rgba.chunks_exact(c * 4).skip(y0).take(y1 - y0) {
                for pixel in row.chunks_exact(4).skip(x0).take(x1 - x0) {
                    for (s, v) in sum.iter_mut().zip(pixel) {
                        *s += u64::from(*v);
                    }
                }
            }
            let count = ((y1 - y0) * (x1 - x0)) as u64;
            out.extend(sum.iter().map(|s| ((s + count / 2) / count) as u8));
        }
    }
    Ok(out)
}

/// The facts and thumbnail of a sample: its middle file rendered with the default window.
pub fn sample_thumbnail(study: &SampleStudy) -> Result<(SampleFacts, Thumbnail), SampleError> {
    let undecodable = |reason: String| SampleError::Geometry { reason: format!("sample {}: {reason}", study.id) };
    let middle = study
        .files
        .get(opening_frame(study.files.len()) as usize)
        .ok_or_else(|| undecodable("it has no files".to_string()))?;
    let mut images = 0u32;
    for file in &study.files {
        let meta = InstanceMeta::from_bytes(0, &file.bytes).map_err(|e| undecodable(format!("{}: {e}", file.path)))?;
        images = images.saturating_add(meta.number_of_frames.max(1));
    }
    let meta = InstanceMeta::from_bytes(0, &middle.bytes).map_err(|e| undecodable(format!("{}: {e}", middle.path)))?;
    let rendered = render_frame(&middle.bytes, 0, &RenderOptions::default())
        .map_err(|e| undecodable(format!("{}: {e}", middle.path)))?;
    let (width_px, height_px) = fitted_size(rendered.columns, rendered.rows, THUMBNAIL_MAX_PX);
    let (width_px, height_px) = (width_px.min(rendered.columns), height_px.min(rendered.rows));
    let small = shrink_rgba(&rendered.rgba, rendered.columns, rendered.rows, width_px, height_px)?;
    let png =
        crate::png::encode_rgba(width_px, height_px, &small).map_err(|e| undecodable(format!("thumbnail: {e}")))?;
    let facts = SampleFacts { modality: meta.modality, images, rows: rendered.rows, columns: rendered.columns };
    Ok((facts, Thumbnail { width_px, height_px, png }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_the_longest_side_and_keeps_the_aspect_ratio() {
        assert_eq!(fitted_size(640, 480, 192), (192, 144));
        assert_eq!(fitted_size(256, 256, 192), (192, 192));
        assert_eq!(fitted_size(1000, 1, 192), (192, 1));
    }

    #[test]
    fn box_means_by_hand() {
        // 3 × 2 grey image → 2 × 1: boxes are columns {0} and {1, 2}, both rows.
        let px = |v: u8| [v, v, v, 255];
        let rgba: Vec<u8> = [0, 10, 20, 100, 110, 121].iter().flat_map(|v| px(*v)).collect();
        let out = shrink_rgba(&rgba, 3, 2, 2, 1).expect("shrinks");
        assert_eq!(out, [[50, 50, 50, 255], [65, 65, 65, 255]].concat());
        assert!(shrink_rgba(&rgba, 3, 2, 4, 1).is_err());
        assert!(shrink_rgba(&rgba[..8], 3, 2, 1, 1).is_err());
    }
}
