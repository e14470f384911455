//! What a GPU needs to show a decoded frame exactly as `DicomImage::render` does: how the stored
//! values go into a texture, and the display chain (PS3.3 C.11 / PS3.4 N.2) as shader uniforms
//! and lookup tables. Changing the window only changes the plan's uniforms, never the texture.
//! `reference_pixel` is the shader's math on the CPU, so the plan can be tested natively.

mod atlas;
mod reference;
mod texture_fit;

pub use atlas::{LutAtlas, LutSlot, ATLAS_WIDTH};
pub use reference::{reference_pixel, stored_texel};
pub use texture_fit::TextureFit;

use super::{ModalityLut, Photometric, PixelValues, PresentationShape, Voi, VoiLutFunction};
use crate::api::RenderOptions;
use crate::dicom::{DicomImage, Frame};

/// Sample type of the stored-value texture (WebGL2 sized internal formats R8UI … RGB32F).
/// Double Float Pixel Data is uploaded as 32-bit float.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleType {
    U8,
    U16,
    I16,
    U32,
    I32,
    F32,
}

/// How the stored values of a frame are uploaded: one texel per pixel, at their own width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextureFormat {
    pub sample: SampleType,
    /// 1 (grey, palette index) or 3 (RGB, interleaved).
    pub channels: u8,
}

impl TextureFormat {
    fn of(values: &PixelValues, channels: u8) -> TextureFormat {
        let sample = match values {
            PixelValues::U8(_) => SampleType::U8,
            PixelValues::U16(_) => SampleType::U16,
            PixelValues::I16(_) => SampleType::I16,
            PixelValues::U32(_) => SampleType::U32,
            PixelValues::I32(_) => SampleType::I32,
            PixelValues::F32(_) | PixelValues::F64(_) => SampleType::F32,
        };
        TextureFormat { sample, channels }
    }
}

/// Modality LUT (C.11.1) as the shader applies it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum GpuModality {
    /// `stored · slope + intercept` (C.11.1.1.2); identity is slope 1, intercept 0.
    Rescale { slope: f32, intercept: f32 },
    /// Modality LUT Sequence (C.11.1.1.1), a table in the plan's atlas.
    Table(LutSlot),
}

/// VOI (C.11.2) as the shader applies it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum GpuVoi {
    /// Window Center/Width with VOI LUT Function LINEAR, LINEAR_EXACT or SIGMOID (C.11.2.1.2-3).
    Window { center: f32, width: f32, function: VoiLutFunction },
    /// VOI LUT Sequence item (C.11.2.1.1): output / (2^bits − 1).
    Table(LutSlot),
}

/// How texels become 8-bit RGB.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum GpuDisplay {
    /// Monochrome: modality → VOI → optional inversion (Presentation LUT Shape INVERSE,
    /// MONOCHROME1, or the user's invert; C.11.6) → round(intensity · 255).
    Grey { modality: GpuModality, voi: GpuVoi, invert: bool },
    /// PALETTE COLOR (C.7.6.3.1.5): each channel round(entry · 255 / (2^bits − 1)).
    Palette { red: LutSlot, green: LutSlot, blue: LutSlot },
    /// RGB: round(sample · 255 / max_value), max_value = 2^Bits Stored − 1 (255 for 8-bit data).
    Rgb { max_value: f32 },
}

/// Everything a GPU renderer needs for one frame and one set of render options.
#[derive(Debug, Clone, PartialEq)]
pub struct GpuPlan {
    pub rows: u32,
    pub columns: u32,
    pub texture: TextureFormat,
    pub display: GpuDisplay,
    /// The lookup tables the display refers to (uploaded as an R16UI texture).
    pub luts: LutAtlas,
}

/// Plans the display of `frame` with the semantics of `DicomImage::render` (src/api.rs).
pub fn plan(image: &DicomImage, frame_index: u32, frame: &Frame, options: &RenderOptions) -> GpuPlan {
    let mut luts = LutAtlas::default();
    let display = match (&frame.photometric, &image.info.palette) {
        (Photometric::PaletteColor, Some(palette)) => GpuDisplay::Palette {
            red: luts.add(&palette.red),
            green: luts.add(&palette.green),
            blue: luts.add(&palette.blue),
        },
        (photometric, _) if !photometric.is_monochrome() => GpuDisplay::Rgb { max_value: rgb_max(frame) },
        _ => {
            let chain = image.grey_chain(frame_index, frame, options);
            let modality = match chain.modality {
                ModalityLut::Identity => GpuModality::Rescale { slope: 1.0, intercept: 0.0 },
                ModalityLut::Rescale(rescale) => {
                    GpuModality::Rescale { slope: rescale.slope as f32, intercept: rescale.intercept as f32 }
                }
                ModalityLut::Table(table) => GpuModality::Table(luts.add(&table)),
            };
            let voi = match chain.voi {
                Voi::Window(window) => GpuVoi::Window {
                    center: window.center as f32,
                    width: window.width as f32,
                    function: window.function,
                },
                Voi::Table(table) => GpuVoi::Table(luts.add(&table)),
            };
            let presentation = chain.presentation;
            GpuDisplay::Grey { modality, voi, invert: presentation == PresentationShape::Inverse }
        }
    };
    let channels = if matches!(display, GpuDisplay::Rgb { .. }) { 3 } else { 1 };
    GpuPlan {
        rows: frame.rows,
        columns: frame.columns,
        texture: TextureFormat::of(&frame.pixels, channels),
        display,
        luts: luts.finish(),
    }
}

/// The largest RGB sample value, as render.rs scales colour samples.
fn rgb_max(frame: &Frame) -> f32 {
    super::render::rgb_max_value(&frame.pixels, frame.bits_stored) as f32
}
