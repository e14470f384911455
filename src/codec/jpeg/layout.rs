//! Geometry of a frame (ITU-T T.81 A.1.1, A.2): component dimensions from the sampling
//! factors, MCU counts of interleaved and non-interleaved scans, and the sample planes the
//! scans decode into (padded to whole MCUs so no block write needs clipping).

use super::headers::{FrameHeader, ScanHeader};
use super::CODEC;
use crate::codec::CodecError;

/// `ceil(numerator / denominator)`.
pub fn div_ceil(numerator: usize, denominator: usize) -> usize {
    numerator.div_ceil(denominator.max(1))
}

/// Size of one component and of its padded plane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ComponentLayout {
    pub horizontal_sampling: usize,
    pub vertical_sampling: usize,
    /// xi = ceil(X × Hi / Hmax) (A.1.1).
    pub width: usize,
    /// yi = ceil(Y × Vi / Vmax).
    pub height: usize,
    /// Allocated samples per plane row: whole MCUs of an interleaved scan.
    pub stride: usize,
    /// Allocated plane rows.
    pub rows: usize,
}

/// Geometry shared by every scan of a frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameLayout {
    /// Samples per side of a data unit: 8 for DCT blocks, 1 in lossless mode (A.2).
    pub unit: usize,
    pub max_horizontal_sampling: usize,
    pub max_vertical_sampling: usize,
    /// MCUs per row and MCU rows of an interleaved scan.
    pub mcus_wide: usize,
    pub mcus_high: usize,
    pub components: Vec<ComponentLayout>,
}

impl FrameLayout {
    pub fn new(frame: &FrameHeader, unit: usize) -> Self {
        let max_h = usize::from(frame.max_horizontal_sampling());
        let max_v = usize::from(frame.max_vertical_sampling());
        let (width, height) = (usize::from(frame.width), usize::from(frame.height));
        let mcus_wide = div_ceil(width, unit * max_h);
        let mcus_high = div_ceil(height, unit * max_v);
        let components = frame
            .components
            .iter()
            .map(|component| {
                let h = usize::from(component.horizontal_sampling);
                let v = usize::from(component.vertical_sampling);
                ComponentLayout {
                    horizontal_sampling: h,
                    vertical_sampling: v,
                    width: div_ceil(width * h, max_h),
                    height: div_ceil(height * v, max_v),
                    stride: mcus_wide * h * unit,
                    rows: mcus_high * v * unit,
                }
            })
            .collect();
        FrameLayout {
            unit,
            max_horizontal_sampling: max_h,
            max_vertical_sampling: max_v,
            mcus_wide,
            mcus_high,
            components,
        }
    }

    /// The MCU grid of a scan and, per scan component, the data units of one MCU
    /// (A.2.2: one unit per MCU in a non-interleaved scan; A.2.3: Hi × Vi when interleaved).
    pub fn scan_grid(&self, scan: &ScanHeader) -> Result<ScanGrid, CodecError> {
        let mut units = Vec::with_capacity(scan.components.len());
        for component in &scan.components {
            let layout = self
                .components
                .get(component.frame_index)
                .ok_or_else(|| CodecError::invalid(CODEC, "scan component outside the frame"))?;
            units.push(layout);
        }
        if let [only] = units.as_slice() {
            return Ok(ScanGrid {
                mcus_wide: div_ceil(only.width, self.unit),
                mcus_high: div_ceil(only.height, self.unit),
                units_per_mcu: vec![(1, 1)],
            });
        }
        let units_in_mcu: usize = units.iter().map(|c| c.horizontal_sampling * c.vertical_sampling).sum();
        // B.2.3: at most 10 data units per MCU (lossless mode has no such limit in practice).
        if self.unit == 8 && units_in_mcu > 10 {
            return Err(CodecError::invalid(CODEC, format!("{units_in_mcu} blocks per MCU (at most 10)")));
        }
        Ok(ScanGrid {
            mcus_wide: self.mcus_wide,
            mcus_high: self.mcus_high,
            units_per_mcu: units.iter().map(|c| (c.horizontal_sampling, c.vertical_sampling)).collect(),
        })
    }
}

/// MCU grid of one scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanGrid {
    pub mcus_wide: usize,
    pub mcus_high: usize,
    /// Per scan component: data units across and down one MCU.
    pub units_per_mcu: Vec<(usize, usize)>,
}

/// Decoded samples of one component, `stride` per row.
#[derive(Debug, Clone)]
pub struct Plane<T> {
    pub width: usize,
    pub height: usize,
    pub stride: usize,
    pub samples: Vec<T>,
}

impl<T: Copy + Default> Plane<T> {
    /// Allocates the padded plane of a component (the caller checked the frame size first).
    pub fn new(layout: &ComponentLayout) -> Result<Self, CodecError> {
        let total = layout
            .stride
            .checked_mul(layout.rows)
            .ok_or_else(|| CodecError::invalid(CODEC, "component plane size overflows"))?;
        Ok(Plane {
            width: layout.width,
            height: layout.height,
            stride: layout.stride,
            samples: vec![T::default(); total],
        })
    }
}

impl<T: Copy> Plane<T> {
    /// The samples of the top-left `width`×`height` region, rows packed, reusing the buffer.
    pub fn into_cropped(self, width: usize, height: usize) -> Vec<T> {
        let Plane { stride, mut samples, .. } = self;
        let width = width.min(stride);
        if width < stride {
            for y in 1..height.min(samples.len() / stride.max(1)) {
                samples.copy_within(y * stride..y * stride + width, y * width);
            }
        }
        samples.truncate(width * height);
        samples
    }
}

impl<T> Plane<T> {
    /// Row `y` (within the decoded part), `width` samples long.
    #[inline]
    pub fn row(&self, y: usize) -> &[T] {
        let start = y * self.stride;
        self.samples.get(start..start + self.width).unwrap_or(&[])
    }
}
