//! The fragment shader's arithmetic (src/web/gpu/shaders.rs) on the CPU, in f32 with the same
//! operations in the same order, so a plan can be checked against `DicomImage::render` natively.

use super::{GpuDisplay, GpuModality, GpuPlan, GpuVoi, LutAtlas};
use crate::pipeline::{PixelValues, VoiLutFunction};

/// The texel the shader reads for pixel `pixel`: its stored sample(s) converted to f32, as
/// `float(texelFetch(...))` does (Double Float samples are uploaded as f32). Missing samples are 0.
pub fn stored_texel(plan: &GpuPlan, values: &PixelValues, pixel: usize) -> [f32; 3] {
    let channels = usize::from(plan.texture.channels);
    let sample = |channel: usize| -> f32 {
        let index = pixel * channels + channel;
        match values {
            PixelValues::U8(v) => v.get(index).map_or(0.0, |s| f32::from(*s)),
            PixelValues::U16(v) => v.get(index).map_or(0.0, |s| f32::from(*s)),
            PixelValues::I16(v) => v.get(index).map_or(0.0, |s| f32::from(*s)),
            PixelValues::U32(v) => v.get(index).map_or(0.0, |s| *s as f32),
            PixelValues::I32(v) => v.get(index).map_or(0.0, |s| *s as f32),
            PixelValues::F32(v) => v.get(index).copied().unwrap_or(0.0),
            PixelValues::F64(v) => v.get(index).map_or(0.0, |s| *s as f32),
        }
    };
    if channels == 3 {
        [sample(0), sample(1), sample(2)]
    } else {
        [sample(0), 0.0, 0.0]
    }
}

/// The RGBA the shader writes for one texel.
pub fn reference_pixel(plan: &GpuPlan, texel: [f32; 3]) -> [u8; 4] {
    let luts = &plan.luts;
    let [r, g, b] = match plan.display {
        GpuDisplay::Grey { modality, voi, invert } => {
            let modality_value = match modality {
                GpuModality::Rescale { slope, intercept } => texel[0] * slope + intercept,
                GpuModality::Table(slot) => luts.lookup(&slot, texel[0]),
            };
            let mut intensity = voi_intensity(luts, &voi, modality_value);
            if invert {
                intensity = 1.0 - intensity;
            }
            let grey = to_byte(intensity * 255.0);
            [grey; 3]
        }
        GpuDisplay::Palette { red, green, blue } => {
            [red, green, blue].map(|slot| to_byte(luts.lookup(&slot, texel[0]) * 255.0 / slot.max_output))
        }
        GpuDisplay::Rgb { max_value } => texel.map(|sample| to_byte(sample * 255.0 / max_value)),
    };
    [r, g, b, 255]
}

/// clamp(floor(v + 0.5), 0, 255): round half up, as render.rs rounds non-negative values.
fn to_byte(value: f32) -> u8 {
    (value + 0.5).floor().clamp(0.0, 255.0) as u8
}

/// VOI (C.11.2.1.2-3) in f32, in the shader's order of operations.
fn voi_intensity(luts: &LutAtlas, voi: &GpuVoi, x: f32) -> f32 {
    let (center, width, function) = match *voi {
        GpuVoi::Table(slot) => return luts.lookup(&slot, x) / slot.max_output,
        GpuVoi::Window { center, width, function } => (center, width, function),
    };
    match function {
        VoiLutFunction::Linear => {
            let width = width.max(1.0);
            if x <= center - 0.5 - (width - 1.0) / 2.0 {
                0.0
            } else if x > center - 0.5 + (width - 1.0) / 2.0 || width <= 1.0 {
                1.0
            } else {
                ((x - (center - 0.5)) / (width - 1.0) + 0.5).clamp(0.0, 1.0)
            }
        }
        VoiLutFunction::LinearExact => {
            let width = width.max(f32::MIN_POSITIVE);
            if x <= center - width / 2.0 {
                0.0
            } else if x > center + width / 2.0 {
                1.0
            } else {
                ((x - center) / width + 0.5).clamp(0.0, 1.0)
            }
        }
        VoiLutFunction::Sigmoid => {
            let width = width.max(f32::MIN_POSITIVE);
            1.0 / (1.0 + (-4.0 * (x - center) / width).exp())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{LutSlot, SampleType, TextureFormat};
    use super::*;

    fn grey(voi: GpuVoi, invert: bool) -> GpuPlan {
        GpuPlan {
            rows: 1,
            columns: 1,
            texture: TextureFormat { sample: SampleType::U16, channels: 1 },
            display: GpuDisplay::Grey {
                modality: GpuModality::Rescale { slope: 1.0, intercept: -1024.0 },
                voi,
                invert,
            },
            luts: LutAtlas::default(),
        }
    }

    #[test]
    fn ct_lung_window_by_hand() {
        let lung = GpuVoi::Window { center: -600.0, width: 1500.0, function: VoiLutFunction::Linear };
        // -1024 HU: ((-1024 + 600.5) / 1499 + 0.5) × 255 = 55.46 → 55.
        assert_eq!(reference_pixel(&grey(lung, false), [0.0; 3]), [55, 55, 55, 255]);
        assert_eq!(reference_pixel(&grey(lung, true), [0.0; 3]), [200, 200, 200, 255]);
        assert_eq!(reference_pixel(&grey(lung, false), [2000.0, 0.0, 0.0])[0], 255);
    }

    #[test]
    fn sigmoid_and_linear_exact_by_hand() {
        let sigmoid = GpuVoi::Window { center: 0.0, width: 100.0, function: VoiLutFunction::Sigmoid };
        // x = 1024 − 1024 = 0 at the center: 1 / (1 + e^0) = 0.5 → 127.5 → 128.
        assert_eq!(reference_pixel(&grey(sigmoid, false), [1024.0, 0.0, 0.0])[0], 128);
        let exact = GpuVoi::Window { center: 0.0, width: 100.0, function: VoiLutFunction::LinearExact };
        // x = 25: 25/100 + 0.5 = 0.75 → 191.25 → 191.
        assert_eq!(reference_pixel(&grey(exact, false), [1049.0, 0.0, 0.0])[0], 191);
    }

    #[test]
    fn palette_and_rgb_scaling() {
        let luts = LutAtlas { texels: vec![0, 65535, 32768, 0] };
        let slot = |offset| LutSlot { offset, length: 2, first_mapped: 0, max_output: 65535.0 };
        let mut plan = grey(GpuVoi::Table(slot(0)), false);
        plan.luts = luts;
        plan.display = GpuDisplay::Palette { red: slot(0), green: slot(2), blue: slot(2) };
        assert_eq!(reference_pixel(&plan, [1.0, 0.0, 0.0]), [255, 0, 0, 255]);
        assert_eq!(reference_pixel(&plan, [0.0, 0.0, 0.0]), [0, 128, 128, 255]);
        plan.display = GpuDisplay::Rgb { max_value: 4095.0 };
        assert_eq!(reference_pixel(&plan, [4095.0, 2048.0, 0.0]), [255, 128, 0, 255]);
    }
}
