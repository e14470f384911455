//! The Image Pixel Module (PS3.3 C.7.6.3) and the transforms that go with it (Modality LUT
//! C.11.1, VOI LUT C.11.2, Presentation LUT C.11.6, enhanced multi-frame functional groups
//! C.7.6.16), read from a parsed data set into the pipeline's value types.

use dicom_core::Tag;

use super::attributes::Attributes;
use crate::error::DecodeError;
use crate::pipeline::{
    expand_segmented, LookupTable, ModalityLut, PaletteColorLut, Photometric, PresentationShape, Rescale, StoredLayout,
    Voi, VoiLutFunction, WindowLevel,
};

mod tag {
    use dicom_core::Tag;
    pub const MODALITY: Tag = Tag(0x0008, 0x0060);
    pub const SAMPLES_PER_PIXEL: Tag = Tag(0x0028, 0x0002);
    pub const PHOTOMETRIC: Tag = Tag(0x0028, 0x0004);
    pub const PLANAR_CONFIGURATION: Tag = Tag(0x0028, 0x0006);
    pub const NUMBER_OF_FRAMES: Tag = Tag(0x0028, 0x0008);
    pub const ROWS: Tag = Tag(0x0028, 0x0010);
    pub const COLUMNS: Tag = Tag(0x0028, 0x0011);
    pub const BITS_ALLOCATED: Tag = Tag(0x0028, 0x0100);
    pub const BITS_STORED: Tag = Tag(0x0028, 0x0101);
    pub const HIGH_BIT: Tag = Tag(0x0028, 0x0102);
    pub const PIXEL_REPRESENTATION: Tag = Tag(0x0028, 0x0103);
    pub const WINDOW_CENTER: Tag = Tag(0x0028, 0x1050);
    pub const WINDOW_WIDTH: Tag = Tag(0x0028, 0x1051);
    pub const RESCALE_INTERCEPT: Tag = Tag(0x0028, 0x1052);
    pub const RESCALE_SLOPE: Tag = Tag(0x0028, 0x1053);
    pub const WINDOW_EXPLANATION: Tag = Tag(0x0028, 0x1055);
    pub const VOI_LUT_FUNCTION: Tag = Tag(0x0028, 0x1056);
    pub const PALETTE_DESCRIPTORS: [Tag; 3] = [Tag(0x0028, 0x1101), Tag(0x0028, 0x1102), Tag(0x0028, 0x1103)];
    pub const PALETTE_DATA: [Tag; 3] = [Tag(0x0028, 0x1201), Tag(0x0028, 0x1202), Tag(0x0028, 0x1203)];
    pub const SEGMENTED_PALETTE_DATA: [Tag; 3] = [Tag(0x0028, 0x1221), Tag(0x0028, 0x1222), Tag(0x0028, 0x1223)];
    pub const MODALITY_LUT_SEQUENCE: Tag = Tag(0x0028, 0x3000);
    pub const LUT_DESCRIPTOR: Tag = Tag(0x0028, 0x3002);
    pub const LUT_EXPLANATION: Tag = Tag(0x0028, 0x3003);
    pub const LUT_DATA: Tag = Tag(0x0028, 0x3006);
    pub const VOI_LUT_SEQUENCE: Tag = Tag(0x0028, 0x3010);
    pub const FRAME_VOI_LUT_SEQUENCE: Tag = Tag(0x0028, 0x9132);
    pub const PIXEL_VALUE_TRANSFORMATION_SEQUENCE: Tag = Tag(0x0028, 0x9145);
    pub const PRESENTATION_LUT_SHAPE: Tag = Tag(0x2050, 0x0020);
    pub const SHARED_FUNCTIONAL_GROUPS: Tag = Tag(0x5200, 0x9229);
    pub const PER_FRAME_FUNCTIONAL_GROUPS: Tag = Tag(0x5200, 0x9230);
    pub const FLOAT_PIXEL_DATA: Tag = Tag(0x7FE0, 0x0008);
    pub const DOUBLE_FLOAT_PIXEL_DATA: Tag = Tag(0x7FE0, 0x0009);
}

/// Which pixel data element holds the samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleFormat {
    /// Pixel Data (7FE0,0010), integers.
    Integer,
    /// Float Pixel Data (7FE0,0008).
    Float32,
    /// Double Float Pixel Data (7FE0,0009).
    Float64,
}

/// A VOI transform with the text the file gives for it.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedVoi {
    pub voi: Voi,
    pub explanation: Option<String>,
}

/// Modality and VOI transforms that apply to one frame (C.7.6.16.2.9, C.7.6.16.2.10).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FrameTransforms {
    pub modality_lut: Option<ModalityLut>,
    pub windows: Vec<NamedVoi>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ImageInfo {
    pub rows: u32,
    pub columns: u32,
    pub samples_per_pixel: u16,
    pub photometric: Photometric,
    /// 0: interleaved, 1: one plane per sample (C.7.6.3.1.3).
    pub planar_configuration: u16,
    pub layout: StoredLayout,
    pub number_of_frames: u32,
    pub sample_format: SampleFormat,
    pub palette: Option<PaletteColorLut>,
    pub presentation: PresentationShape,
    pub modality: Option<String>,
    /// Transforms of the root data set and the shared functional groups.
    pub shared: FrameTransforms,
    /// Per-frame functional groups, index = frame (empty for classic images).
    pub per_frame: Vec<FrameTransforms>,
    /// Real World Value Mapping (C.7.6.16.2.11): stored values → values with a unit.
    pub real_world: crate::pipeline::real_world::RealWorldMappings,
}

fn required(attrs: Attributes, tag: Tag, keyword: &'static str) -> Result<i64, DecodeError> {
    attrs.int(tag).ok_or(DecodeError::Attribute { keyword, reason: "missing".into() })
}

fn positive_u16(attrs: Attributes, tag: Tag, keyword: &'static str) -> Result<u16, DecodeError> {
    let value = required(attrs, tag, keyword)?;
    u16::try_from(value)
        .ok()
        .filter(|v| *v > 0)
        .ok_or(DecodeError::Attribute { keyword, reason: format!("{value} is out of range") })
}

impl ImageInfo {
    /// Reads the module; the sample format follows the pixel data element present.
    pub fn read(attrs: Attributes) -> Result<ImageInfo, DecodeError> {
        let sample_format = if attrs.has(tag::FLOAT_PIXEL_DATA) {
            SampleFormat::Float32
        } else if attrs.has(tag::DOUBLE_FLOAT_PIXEL_DATA) {
            SampleFormat::Float64
        } else {
            SampleFormat::Integer
        };
        ImageInfo::read_with_sample_format(attrs, sample_format)
    }

    /// Reads the module of a data set whose pixel data element was not loaded (header-only
    /// parsing), given which element the file holds.
    pub fn read_with_sample_format(attrs: Attributes, sample_format: SampleFormat) -> Result<ImageInfo, DecodeError> {
        let rows = positive_u16(attrs, tag::ROWS, "Rows")?;
        let columns = positive_u16(attrs, tag::COLUMNS, "Columns")?;
        let samples_per_pixel = attrs.u16(tag::SAMPLES_PER_PIXEL).unwrap_or(1);
        let photometric_text = attrs.string(tag::PHOTOMETRIC);
        let photometric = match photometric_text.as_deref() {
            Some(text) => Photometric::parse(text).ok_or(DecodeError::Attribute {
                keyword: "PhotometricInterpretation",
                reason: format!("\"{text}\" is not a known value"),
            })?,
            None if samples_per_pixel == 3 => Photometric::Rgb,
            None => Photometric::Monochrome2,
        };
        if photometric.samples_per_pixel() != samples_per_pixel {
            return Err(DecodeError::Attribute {
                keyword: "SamplesPerPixel",
                reason: format!("{samples_per_pixel} with Photometric Interpretation {}", photometric.as_str()),
            });
        }
        let bits_allocated = match sample_format {
            SampleFormat::Float32 => 32,
            SampleFormat::Float64 => 64,
            SampleFormat::Integer => positive_u16(attrs, tag::BITS_ALLOCATED, "BitsAllocated")?,
        };
        let bits_stored = attrs.u16(tag::BITS_STORED).unwrap_or(bits_allocated);
        let layout = StoredLayout {
            bits_allocated,
            bits_stored,
            high_bit: attrs.u16(tag::HIGH_BIT).unwrap_or(bits_stored.saturating_sub(1)),
            signed: attrs.int(tag::PIXEL_REPRESENTATION) == Some(1),
        };
        if sample_format == SampleFormat::Integer {
            layout.validate()?;
        }
        let number_of_frames = match attrs.int(tag::NUMBER_OF_FRAMES) {
            None => 1,
            Some(n) if (1..=i64::from(u32::MAX)).contains(&n) => n as u32,
            Some(n) => {
                return Err(DecodeError::Attribute { keyword: "NumberOfFrames", reason: format!("{n}") });
            }
        };
        let palette =
            if photometric == Photometric::PaletteColor { Some(read_palette(attrs, layout.signed)?) } else { None };
        let monochrome1 = photometric == Photometric::Monochrome1;
        let shape = attrs.string(tag::PRESENTATION_LUT_SHAPE);
        let mut shared = read_transforms(attrs, layout.signed);
        if let Some(scaling) = dose_grid_scaling(attrs, shared.modality_lut.as_ref()) {
            shared.modality_lut = Some(ModalityLut::Rescale(scaling));
        }
        let shared_group = attrs.item(tag::SHARED_FUNCTIONAL_GROUPS);
        if let Some(group) = shared_group {
            let from_group = read_group(group, layout.signed);
            shared.modality_lut = from_group.modality_lut.or(shared.modality_lut);
            if !from_group.windows.is_empty() {
                shared.windows = from_group.windows;
            }
        }
        let per_frame = attrs
            .items(tag::PER_FRAME_FUNCTIONAL_GROUPS)
            .iter()
            .map(|item| read_group(Attributes(item), layout.signed))
            .collect();
        Ok(ImageInfo {
            rows: u32::from(rows),
            columns: u32::from(columns),
            samples_per_pixel,
            photometric,
            planar_configuration: attrs.u16(tag::PLANAR_CONFIGURATION).unwrap_or(0),
            layout,
            number_of_frames,
            sample_format,
            palette,
            presentation: PresentationShape::effective(monochrome1, shape.as_deref()),
            modality: attrs.string(tag::MODALITY),
            shared,
            per_frame,
            real_world: crate::pipeline::real_world::RealWorldMappings::read(attrs.0),
        })
    }

    /// Samples in one frame: rows × columns × samples per pixel.
    pub fn samples_per_frame(&self) -> u64 {
        u64::from(self.rows) * u64::from(self.columns) * u64::from(self.samples_per_pixel)
    }

    /// The Modality LUT of a frame: per-frame group, else shared/root, else identity.
    pub fn modality_lut(&self, frame: u32) -> ModalityLut {
        self.per_frame
            .get(frame as usize)
            .and_then(|t| t.modality_lut.clone())
            .or_else(|| self.shared.modality_lut.clone())
            .unwrap_or_default()
    }

    /// The VOI transforms the file offers for a frame, in file order (first = default).
    pub fn windows(&self, frame: u32) -> &[NamedVoi] {
        match self.per_frame.get(frame as usize) {
            Some(t) if !t.windows.is_empty() => &t.windows,
            _ => &self.shared.windows,
        }
    }
}

/// Rescale or Modality LUT Sequence of one data set (C.11.1).
fn read_modality_lut(attrs: Attributes, signed: bool) -> Option<ModalityLut> {
    if let Some(item) = attrs.item(tag::MODALITY_LUT_SEQUENCE) {
        if let Some(lut) = read_lut(item, signed) {
            return Some(ModalityLut::Table(lut));
        }
    }
    let intercept = attrs.float(tag::RESCALE_INTERCEPT);
    let slope = attrs.float(tag::RESCALE_SLOPE);
    if intercept.is_none() && slope.is_none() {
        return None;
    }
    let slope = slope.filter(|s| *s != 0.0).unwrap_or(1.0);
    let intercept = intercept.unwrap_or(0.0);
    if slope == 1.0 && intercept == 0.0 {
        return Some(ModalityLut::Identity);
    }
    Some(ModalityLut::Rescale(Rescale { slope, intercept }))
}

/// RT Dose (PS3.3 C.8.8.3.1): Dose Grid Scaling (3004,000E) times the stored value is the dose
/// in Dose Units (3004,0002), so it is the modality rescale slope of an RT Dose grid. It applies
/// when the file gives no Rescale Slope/Intercept, or only an identity one.
fn dose_grid_scaling(attrs: Attributes, rescale: Option<&ModalityLut>) -> Option<Rescale> {
    let slope = attrs.float(dicom_dictionary_std::tags::DOSE_GRID_SCALING).filter(|s| s.is_finite() && *s > 0.0)?;
    matches!(rescale, None | Some(ModalityLut::Identity)).then_some(Rescale { slope, intercept: 0.0 })
}

fn read_lut(item: Attributes, signed: bool) -> Option<LookupTable> {
    let descriptor = item.ints(tag::LUT_DESCRIPTOR);
    let data = item.words(tag::LUT_DATA)?;
    LookupTable::from_descriptor("LUTDescriptor", &descriptor, &data, signed).ok()
}

/// Window Center/Width pairs and VOI LUT Sequence items of one data set (C.11.2).
fn read_windows(attrs: Attributes, signed: bool) -> Vec<NamedVoi> {
    let centers = attrs.floats(tag::WINDOW_CENTER);
    let widths = attrs.floats(tag::WINDOW_WIDTH);
    let explanations = attrs.strings(tag::WINDOW_EXPLANATION);
    let function = attrs.string(tag::VOI_LUT_FUNCTION).and_then(|f| VoiLutFunction::parse(&f)).unwrap_or_default();
    let mut windows: Vec<NamedVoi> = centers
        .iter()
        .zip(&widths)
        .enumerate()
        .filter(|(_, (_, width))| **width > 0.0)
        .map(|(index, (center, width))| NamedVoi {
            voi: Voi::Window(WindowLevel { center: *center, width: *width, function }),
            explanation: explanations.get(index).filter(|e| !e.is_empty()).cloned(),
        })
        .collect();
    for item in attrs.items(tag::VOI_LUT_SEQUENCE) {
        let item = Attributes(item);
        if let Some(lut) = read_lut(item, signed) {
            windows.push(NamedVoi { voi: Voi::Table(lut), explanation: item.string(tag::LUT_EXPLANATION) });
        }
    }
    windows
}

fn read_transforms(attrs: Attributes, signed: bool) -> FrameTransforms {
    FrameTransforms { modality_lut: read_modality_lut(attrs, signed), windows: read_windows(attrs, signed) }
}

/// One functional group item: Pixel Value Transformation and Frame VOI LUT macros.
fn read_group(group: Attributes, signed: bool) -> FrameTransforms {
    FrameTransforms {
        modality_lut: group
            .item(tag::PIXEL_VALUE_TRANSFORMATION_SEQUENCE)
            .and_then(|item| read_modality_lut(item, signed)),
        windows: group.item(tag::FRAME_VOI_LUT_SEQUENCE).map(|item| read_windows(item, signed)).unwrap_or_default(),
    }
}

/// Palette Color Lookup Tables, plain or segmented (C.7.6.3.1.5, C.7.9).
fn read_palette(attrs: Attributes, signed: bool) -> Result<PaletteColorLut, DecodeError> {
    let mut tables = Vec::with_capacity(3);
    for channel in 0..3 {
        let descriptor = attrs.ints(tag::PALETTE_DESCRIPTORS[channel]);
        let data = match attrs.words(tag::PALETTE_DATA[channel]) {
            Some(words) => words,
            None => {
                let segmented = attrs.words(tag::SEGMENTED_PALETTE_DATA[channel]).ok_or(DecodeError::Attribute {
                    keyword: "RedPaletteColorLookupTableData",
                    reason: "PALETTE COLOR image without palette data".into(),
                })?;
                expand_segmented(&segmented)?
            }
        };
        tables.push(LookupTable::from_descriptor("PaletteColorLookupTableDescriptor", &descriptor, &data, signed)?);
    }
    let mut tables = tables.into_iter();
    match (tables.next(), tables.next(), tables.next()) {
        (Some(red), Some(green), Some(blue)) => Ok(PaletteColorLut { red, green, blue }),
        _ => Err(DecodeError::Attribute { keyword: "PaletteColorLookupTableData", reason: "incomplete".into() }),
    }
}
