//! Segmentations (PS3.3 C.8.20): Segmentation Storage (BINARY, FRACTIONAL PROBABILITY /
//! OCCUPANCY) and Label Map Segmentation Storage (1.2.840.10008.5.1.4.1.1.66.7, 8/16-bit labels,
//! MONOCHROME2 or PALETTE COLOR).
//!
//! Parsing reads the Segment Sequence (C.8.20.2), the per-frame functional groups that place
//! each frame (Segment Identification C.8.20.3.1, Derivation Image C.7.6.16.2.6, Plane Position
//! and Orientation C.7.6.16.2.3/4, Pixel Measures C.7.6.16.2.1), or for TILED_FULL objects the
//! implicit tile order of C.7.6.17.3. Frames are kept as the file stores them: BINARY
//! bit-packed (1 bit per voxel, frames not byte aligned, PS3.5 8.1.1), FRACTIONAL and 8-bit
//! label maps one byte per voxel, 16-bit label maps two. Nothing is expanded per segment; the
//! RGBA layer of [`Segmentation::draw_on`] is built for one shown frame at a time.

mod draw;
pub mod pixels;

use dicom_core::Tag;
use dicom_dictionary_std::{tags, uids};
use dicom_object::InMemDicomObject;

use super::{DerivedError, References, SourceFrame};
use crate::dicom::Attributes;
use crate::viewer::layers::{FrameOverlays, LayerStyle};
pub use pixels::FramePixels;

/// Most frames accepted (the dots TILED_FULL test object has 1250; a whole-body CT SEG with
/// 100 segments × 1000 slices stays far below).
pub const MAX_FRAMES: u32 = 1 << 20;
/// Most bytes of stored segmentation values held (bit-packed or one byte per voxel).
pub const MAX_STORED_BYTES: u64 = 1 << 30;
/// Most voxels (all frames): voxel indices stay below 2^31 on 32-bit wasm.
pub const MAX_VOXELS: u64 = 1 << 31;

/// Colours used for segments without a Recommended Display CIELab Value, in segment order
/// (3D Slicer's first generic anatomy colours, as OHIF also uses).
pub const DEFAULT_COLOURS: [[u8; 3]; 10] = [
    [221, 130, 101],
    [144, 238, 144],
    [241, 214, 145],
    [216, 101, 79],
    [111, 184, 210],
    [183, 156, 220],
    [183, 214, 211],
    [152, 189, 207],
    [178, 212, 242],
    [68, 172, 100],
];

/// A coded concept (PS3.3 8.8): value, scheme and meaning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Code {
    pub value: String,
    pub scheme: String,
    pub meaning: String,
}

/// Segmentation Type (0062,0001) and for FRACTIONAL its kind and scale.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SegmentationType {
    Binary,
    /// FRACTIONAL: value / `max_value` is the probability or occupancy (C.8.20.2.3).
    Fractional {
        occupancy: bool,
        max_value: u16,
    },
    /// LABELMAP (Label Map Segmentation Storage): each value is a segment number, 0 background.
    LabelMap,
}

/// One segment of the Segment Sequence with what the viewer derives from its voxels.
#[derive(Clone, Debug, PartialEq)]
pub struct Segment {
    pub number: u32,
    pub label: String,
    pub category: Option<Code>,
    pub property_type: Option<Code>,
    /// Segment Algorithm Type: AUTOMATIC, SEMIAUTOMATIC or MANUAL.
    pub algorithm_type: String,
    pub algorithm_name: Option<String>,
    /// Display colour: Recommended Display CIELab Value as sRGB, else the palette colour of a
    /// PALETTE COLOR label map, else one of [`DEFAULT_COLOURS`].
    pub rgb: [u8; 3],
    /// Whether `rgb` came from the file (CIELab or palette) rather than the defaults.
    pub colour_from_file: bool,
    /// Voxels with a non-zero value for this segment, all frames.
    pub voxel_count: u64,
    /// Volume in mL: voxels (fractional: sum of value / max) × pixel spacing² × spacing between
    /// slices (else slice thickness) / 1000; None without that geometry.
    pub volume_ml: Option<f64>,
    /// Index (into [`Segmentation::frames`]) of the frame nearest the segment's centroid along
    /// the slice normal, for "jump to segment"; None for an empty segment.
    pub centroid_frame: Option<usize>,
}

/// Where one stored frame lies: which segment it holds and which source frame it covers.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SegFrame {
    /// Referenced Segment Number (None for label maps: every segment of the frame).
    pub segment_number: Option<u32>,
    /// Source Image Sequence: (Referenced SOP Instance UID, Referenced Frame Number).
    pub sources: Vec<(String, Option<u32>)>,
    /// Image Position (Patient) of the frame's first pixel, mm.
    pub position_mm: Option<[f64; 3]>,
    pub orientation: Option<[f64; 6]>,
    /// Column and Row Position In Total Image Pixel Matrix (from 1) of tiled objects.
    pub tile_position: Option<(u32, u32)>,
    /// Index of the tile within its segment's plane (TILED_FULL: C.7.6.17.3 order).
    pub tile_index: Option<u32>,
}

/// A parsed segmentation object.
#[derive(Debug)]
pub struct Segmentation {
    pub sop_instance_uid: String,
    pub series_instance_uid: String,
    pub series_description: Option<String>,
    pub content_label: Option<String>,
    pub segmentation_type: SegmentationType,
    pub rows: u32,
    pub columns: u32,
    pub segments: Vec<Segment>,
    pub frames: Vec<SegFrame>,
    pub frame_of_reference_uid: String,
    /// Series named in the Referenced Series Sequence.
    pub referenced_series: Vec<String>,
    /// Instances named there and in the frames' Source Image Sequences.
    pub referenced_instances: Vec<(String, Option<u32>)>,
    /// Pixel Spacing (rows, columns), mm.
    pub pixel_spacing_mm: Option<[f64; 2]>,
    pub slice_thickness_mm: Option<f64>,
    pub spacing_between_slices_mm: Option<f64>,
    /// DimensionOrganizationType TILED_FULL.
    pub tiled_full: bool,
    /// Tiles per row of the Total Pixel Matrix (slide objects).
    pub tiles_across: Option<u32>,
    pixels: FramePixels,
    /// Voxels per (frame, segment) with a non-zero value: (frame index, segment number, count).
    frame_counts: Vec<(usize, u32, u32)>,
}

fn missing(keyword: &'static str) -> DerivedError {
    DerivedError::Attribute { keyword, reason: "is missing".into() }
}

fn read_code(attrs: Attributes, sequence: Tag) -> Option<Code> {
    let item = attrs.item(sequence)?;
    let value = item
        .string(tags::CODE_VALUE)
        .or_else(|| item.string(tags::LONG_CODE_VALUE))
        .or_else(|| item.string(tags::URN_CODE_VALUE))
        .unwrap_or_default();
    Some(Code {
        value,
        scheme: item.string(tags::CODING_SCHEME_DESIGNATOR).unwrap_or_default(),
        meaning: item.string(tags::CODE_MEANING).unwrap_or_default(),
    })
}

fn three(values: Vec<f64>) -> Option<[f64; 3]> {
    (values.len() >= 3).then(|| [values[0], values[1], values[2]])
}

fn six(values: Vec<f64>) -> Option<[f64; 6]> {
    (values.len() >= 6).then(|| [values[0], values[1], values[2], values[3], values[4], values[5]])
}

/// What one functional groups item (shared or per frame) says about a frame.
#[derive(Default, Clone)]
struct Groups {
    segment_number: Option<u32>,
    sources: Vec<(String, Option<u32>)>,
    position_mm: Option<[f64; 3]>,
    orientation: Option<[f64; 6]>,
    pixel_spacing_mm: Option<[f64; 2]>,
    slice_thickness_mm: Option<f64>,
    spacing_between_slices_mm: Option<f64>,
    tile_position: Option<(u32, u32)>,
}

impl Groups {
    fn read(item: Attributes) -> Groups {
        let mut groups = Groups::default();
        if let Some(identification) = item.item(tags::SEGMENT_IDENTIFICATION_SEQUENCE) {
            groups.segment_number =
                identification.int(tags::REFERENCED_SEGMENT_NUMBER).and_then(|n| u32::try_from(n).ok());
        }
        for derivation in item.items(tags::DERIVATION_IMAGE_SEQUENCE) {
            for source in Attributes(derivation).items(tags::SOURCE_IMAGE_SEQUENCE) {
                let source = Attributes(source);
                let Some(uid) = source.string(tags::REFERENCED_SOP_INSTANCE_UID) else { continue };
                let numbers = source.ints(tags::REFERENCED_FRAME_NUMBER);
                if numbers.is_empty() {
                    groups.sources.push((uid.clone(), None));
                }
                for number in &numbers {
                    groups.sources.push((uid.clone(), u32::try_from(*number).ok()));
                }
            }
        }
        if let Some(position) = item.item(tags::PLANE_POSITION_SEQUENCE) {
            groups.position_mm = three(position.floats(tags::IMAGE_POSITION_PATIENT));
        }
        if let Some(slide) = item.item(tags::PLANE_POSITION_SLIDE_SEQUENCE) {
            let column =
                slide.int(tags::COLUMN_POSITION_IN_TOTAL_IMAGE_PIXEL_MATRIX).and_then(|v| u32::try_from(v).ok());
            let row = slide.int(tags::ROW_POSITION_IN_TOTAL_IMAGE_PIXEL_MATRIX).and_then(|v| u32::try_from(v).ok());
            groups.tile_position = column.zip(row);
        }
        if let Some(orientation) = item.item(tags::PLANE_ORIENTATION_SEQUENCE) {
            groups.orientation = six(orientation.floats(tags::IMAGE_ORIENTATION_PATIENT));
        }
        if let Some(measures) = item.item(tags::PIXEL_MEASURES_SEQUENCE) {
            let spacing = measures.floats(tags::PIXEL_SPACING);
            groups.pixel_spacing_mm = (spacing.len() >= 2).then(|| [spacing[0], spacing[1]]);
            groups.slice_thickness_mm = measures.float(tags::SLICE_THICKNESS);
            groups.spacing_between_slices_mm = measures.float(tags::SPACING_BETWEEN_SLICES);
        }
        groups
    }

    /// This item's values, falling back to `shared` for what it lacks.
    fn or(self, shared: &Groups) -> Groups {
        Groups {
            segment_number: self.segment_number.or(shared.segment_number),
            sources: if self.sources.is_empty() { shared.sources.clone() } else { self.sources },
            position_mm: self.position_mm.or(shared.position_mm),
            orientation: self.orientation.or(shared.orientation),
            pixel_spacing_mm: self.pixel_spacing_mm.or(shared.pixel_spacing_mm),
            slice_thickness_mm: self.slice_thickness_mm.or(shared.slice_thickness_mm),
            spacing_between_slices_mm: self.spacing_between_slices_mm.or(shared.spacing_between_slices_mm),
            tile_position: self.tile_position.or(shared.tile_position),
        }
    }
}

fn positive(attrs: Attributes, tag: Tag, keyword: &'static str) -> Result<u32, DerivedError> {
    let value = attrs.int(tag).ok_or_else(|| missing(keyword))?;
    u32::try_from(value)
        .ok()
        .filter(|v| *v > 0)
        .ok_or(DerivedError::Attribute { keyword, reason: format!("is {value}, not a positive number") })
}

impl Segmentation {
    /// Parses a Segmentation or Label Map Segmentation object from its whole data set. The
    /// transfer syntax of encapsulated pixel data is read from (0002,0010) when the data set
    /// carries it (as [`super::read_dataset`] leaves it), else recognised from the codestream.
    pub fn parse(dataset: &InMemDicomObject) -> Result<Segmentation, DerivedError> {
        Segmentation::parse_with(dataset, &|image, frame| image.decode_frame(frame))
    }

    /// [`Segmentation::parse`] with encapsulated frames decoded by `decode`.
    pub fn parse_with(
        dataset: &InMemDicomObject,
        decode: pixels::FrameDecoder<'_>,
    ) -> Result<Segmentation, DerivedError> {
        let attrs = Attributes(dataset);
        let sop_class = attrs.string(tags::SOP_CLASS_UID).unwrap_or_default();
        let label_map_class = sop_class == uids::LABEL_MAP_SEGMENTATION_STORAGE;
        let type_text = attrs.string(tags::SEGMENTATION_TYPE).ok_or_else(|| missing("SegmentationType"))?;
        let bits_allocated = attrs.u16(tags::BITS_ALLOCATED).ok_or_else(|| missing("BitsAllocated"))?;
        let segmentation_type = match type_text.as_str() {
            "BINARY" => SegmentationType::Binary,
            "FRACTIONAL" => {
                let max_value =
                    attrs.u16(tags::MAXIMUM_FRACTIONAL_VALUE).ok_or_else(|| missing("MaximumFractionalValue"))?;
                if max_value == 0 {
                    return Err(DerivedError::Attribute { keyword: "MaximumFractionalValue", reason: "is 0".into() });
                }
                let occupancy = attrs.string(tags::SEGMENTATION_FRACTIONAL_TYPE).as_deref() == Some("OCCUPANCY");
                SegmentationType::Fractional { occupancy, max_value }
            }
            "LABELMAP" => SegmentationType::LabelMap,
            other => {
                return Err(DerivedError::Unsupported { feature: format!("Segmentation Type {other}") });
            }
        };
        if label_map_class && segmentation_type != SegmentationType::LabelMap {
            return Err(DerivedError::Attribute {
                keyword: "SegmentationType",
                reason: format!("is {type_text} in a Label Map Segmentation object"),
            });
        }
        let expected_bits: &[u16] = match segmentation_type {
            SegmentationType::Binary => &[1],
            SegmentationType::Fractional { .. } => &[8],
            SegmentationType::LabelMap => &[8, 16],
        };
        if !expected_bits.contains(&bits_allocated) {
            return Err(DerivedError::Attribute {
                keyword: "BitsAllocated",
                reason: format!("is {bits_allocated}, a {type_text} segmentation needs {expected_bits:?}"),
            });
        }
        let rows = positive(attrs, tags::ROWS, "Rows")?;
        let columns = positive(attrs, tags::COLUMNS, "Columns")?;
        let frame_count = match attrs.int(tags::NUMBER_OF_FRAMES) {
            None => 1,
            Some(_) => positive(attrs, tags::NUMBER_OF_FRAMES, "NumberOfFrames")?,
        };
        if frame_count > MAX_FRAMES {
            return Err(DerivedError::TooLarge {
                what: format!("A segmentation of {frame_count} frames"),
                limit: MAX_FRAMES.into(),
            });
        }
        let pixels_per_frame = u64::from(rows) * u64::from(columns);
        if pixels_per_frame > crate::viewer::layers::MAX_LAYER_PIXELS {
            return Err(DerivedError::TooLarge {
                what: format!("A {columns}×{rows} segmentation frame"),
                limit: crate::viewer::layers::MAX_LAYER_PIXELS,
            });
        }
        let voxels = pixels_per_frame * u64::from(frame_count);
        if voxels > MAX_VOXELS {
            return Err(DerivedError::TooLarge {
                what: format!("A segmentation of {voxels} voxels"),
                limit: MAX_VOXELS,
            });
        }
        let stored_bytes = (voxels * u64::from(bits_allocated)).div_ceil(8);
        if stored_bytes > MAX_STORED_BYTES {
            return Err(DerivedError::TooLarge {
                what: format!("A segmentation of {stored_bytes} bytes"),
                limit: MAX_STORED_BYTES,
            });
        }

        let shared = attrs.item(tags::SHARED_FUNCTIONAL_GROUPS_SEQUENCE).map(Groups::read).unwrap_or_default();
        let per_frame_items = attrs.items(tags::PER_FRAME_FUNCTIONAL_GROUPS_SEQUENCE);
        let tiled_full = attrs.string(tags::DIMENSION_ORGANIZATION_TYPE).as_deref() == Some("TILED_FULL");

        let mut segments = read_segments(attrs, segmentation_type == SegmentationType::LabelMap)?;
        let frames = if tiled_full {
            tiled_full_frames(attrs, segmentation_type, rows, columns, frame_count, &shared)?
        } else {
            let mut frames = Vec::with_capacity(frame_count as usize);
            for index in 0..frame_count as usize {
                let groups = per_frame_items.get(index).map(|item| Groups::read(Attributes(item))).unwrap_or_default();
                let mut groups = groups.or(&shared);
                // A Derivation Image Sequence shared by several frames lists every source of the
                // object (Siemens syngo writes all slices there): it does not say which source
                // one frame lies on, so such frames are placed by geometry.
                if frame_count > 1
                    && per_frame_items.get(index).is_none_or(|item| Groups::read(Attributes(item)).sources.is_empty())
                {
                    groups.sources.clear();
                }
                frames.push(SegFrame {
                    segment_number: groups.segment_number,
                    sources: groups.sources,
                    position_mm: groups.position_mm,
                    orientation: groups.orientation,
                    tile_position: groups.tile_position,
                    tile_index: None,
                });
            }
            frames
        };
        let mut frames = frames;
        if segmentation_type != SegmentationType::LabelMap {
            let only = (segments.len() == 1).then(|| segments[0].number);
            for frame in &mut frames {
                match frame.segment_number {
                    Some(number) if segments.iter().any(|s| s.number == number) => {}
                    Some(number) => {
                        return Err(DerivedError::Attribute {
                            keyword: "ReferencedSegmentNumber",
                            reason: format!("is {number}, a segment the Segment Sequence does not list"),
                        })
                    }
                    None => frame.segment_number = Some(only.ok_or_else(|| missing("SegmentIdentificationSequence"))?),
                }
            }
        }

        let transfer_syntax = attrs.string(tags::TRANSFER_SYNTAX_UID);
        let pixels =
            pixels::read(dataset, transfer_syntax.as_deref(), bits_allocated, rows, columns, frame_count, decode)?;

        // Colours: file CIELab first, then a PALETTE COLOR label map's palette, then defaults.
        if segmentation_type == SegmentationType::LabelMap
            && attrs.string(tags::PHOTOMETRIC_INTERPRETATION).as_deref() == Some("PALETTE COLOR")
        {
            let info = crate::dicom::ImageInfo::read(attrs)?;
            if let Some(palette) = info.palette {
                for segment in segments.iter_mut().filter(|s| !s.colour_from_file) {
                    segment.rgb = palette.rgb8(f64::from(segment.number));
                    segment.colour_from_file = true;
                }
            }
        }

        let pixel_spacing_mm = shared
            .pixel_spacing_mm
            .or_else(|| per_frame_items.first().and_then(|item| Groups::read(Attributes(item)).pixel_spacing_mm));
        let first_frame_groups = per_frame_items.first().map(|item| Groups::read(Attributes(item))).unwrap_or_default();
        let mut referenced_series = Vec::new();
        let mut referenced_instances: Vec<(String, Option<u32>)> = Vec::new();
        for series in attrs.items(tags::REFERENCED_SERIES_SEQUENCE) {
            let series = Attributes(series);
            if let Some(uid) = series.string(tags::SERIES_INSTANCE_UID) {
                referenced_series.push(uid);
            }
            for instance in series.items(tags::REFERENCED_INSTANCE_SEQUENCE) {
                if let Some(uid) = Attributes(instance).string(tags::REFERENCED_SOP_INSTANCE_UID) {
                    if !referenced_instances.iter().any(|(u, _)| *u == uid) {
                        referenced_instances.push((uid, None));
                    }
                }
            }
        }
        for frame in &frames {
            for source in &frame.sources {
                if !referenced_instances.contains(source) {
                    referenced_instances.push(source.clone());
                }
            }
        }

        let mut segmentation = Segmentation {
            sop_instance_uid: attrs.string(tags::SOP_INSTANCE_UID).unwrap_or_default(),
            series_instance_uid: attrs.string(tags::SERIES_INSTANCE_UID).unwrap_or_default(),
            series_description: attrs.string(tags::SERIES_DESCRIPTION),
            content_label: attrs.string(tags::CONTENT_LABEL),
            segmentation_type,
            rows,
            columns,
            segments,
            frames,
            frame_of_reference_uid: attrs.string(tags::FRAME_OF_REFERENCE_UID).unwrap_or_default(),
            referenced_series,
            referenced_instances,
            pixel_spacing_mm,
            slice_thickness_mm: shared.slice_thickness_mm.or(first_frame_groups.slice_thickness_mm),
            spacing_between_slices_mm: shared
                .spacing_between_slices_mm
                .or(first_frame_groups.spacing_between_slices_mm),
            tiled_full,
            tiles_across: attrs
                .int(tags::TOTAL_PIXEL_MATRIX_COLUMNS)
                .and_then(|c| u32::try_from(c).ok())
                .filter(|c| *c > 0)
                .map(|c| c.div_ceil(columns)),
            pixels,
            frame_counts: Vec::new(),
        };
        segmentation.count_voxels();
        Ok(segmentation)
    }

    /// The images this segmentation lies on, its series and frame of reference.
    pub fn references(&self) -> References {
        References {
            instances: self.referenced_instances.clone(),
            series: self.referenced_series.clone(),
            frame_of_reference_uid: self.frame_of_reference_uid.clone(),
        }
    }

    /// Adds this segmentation's layer on `frame` to `out` (nothing when no segment lies there).
    pub fn draw_on(&self, frame: &SourceFrame, style: &LayerStyle, out: &mut FrameOverlays) {
        if let Some(layer) = self.layer_on(frame, style) {
            out.layers.push(layer);
        }
    }

    /// Bytes held for the voxels (the memory the object keeps beyond its small attributes).
    pub fn stored_bytes(&self) -> usize {
        self.pixels.bytes()
    }

    pub fn segment(&self, number: u32) -> Option<&Segment> {
        self.segments.iter().find(|s| s.number == number)
    }

    /// Voxels of `segment` with a non-zero value in stored frame `frame` (index from 0).
    pub fn frame_voxels(&self, frame: usize, segment: u32) -> u32 {
        self.frame_counts.iter().find(|(f, s, _)| *f == frame && *s == segment).map_or(0, |(_, _, c)| *c)
    }

    /// The stored value of `segment` at (column, row) of stored frame `frame`: 0/1 for
    /// BINARY, 0..=max for FRACTIONAL, 0/1 for a label map (1 where the label is `segment`).
    pub fn value_at(&self, frame: usize, segment: u32, column: u32, row: u32) -> u16 {
        if column >= self.columns || row >= self.rows {
            return 0;
        }
        let Some(info) = self.frames.get(frame) else { return 0 };
        let index = row as usize * self.columns as usize + column as usize;
        let value = self.pixels.value(frame, self.pixels_per_frame(), index);
        match (self.segmentation_type, info.segment_number) {
            (SegmentationType::LabelMap, _) => u16::from(u32::from(value) == segment),
            (_, Some(number)) if number == segment => value,
            _ => 0,
        }
    }

    fn pixels_per_frame(&self) -> usize {
        self.rows as usize * self.columns as usize
    }

    /// Voxel depth in mm for volumes: Spacing Between Slices, else Slice Thickness.
    pub fn voxel_depth_mm(&self) -> Option<f64> {
        self.spacing_between_slices_mm.or(self.slice_thickness_mm).filter(|d| *d > 0.0)
    }

    /// Counts voxels per frame and segment, then each segment's total, volume and centroid.
    fn count_voxels(&mut self) {
        let per_frame = self.pixels_per_frame();
        let mut counts = Vec::new();
        let mut weighted: Vec<f64> = vec![0.0; self.segments.len()];
        for (index, frame) in self.frames.iter().enumerate() {
            match (self.segmentation_type, frame.segment_number) {
                (SegmentationType::LabelMap, _) => {
                    let mut per_label: std::collections::BTreeMap<u32, u32> = Default::default();
                    self.pixels.for_each_nonzero(index, per_frame, |_, value| {
                        *per_label.entry(u32::from(value)).or_default() += 1;
                    });
                    for (label, count) in per_label {
                        if let Some(position) = self.segments.iter().position(|s| s.number == label) {
                            weighted[position] += f64::from(count);
                            counts.push((index, label, count));
                        }
                    }
                }
                (SegmentationType::Fractional { max_value, .. }, Some(number)) => {
                    let (mut count, mut sum) = (0u32, 0u64);
                    self.pixels.for_each_nonzero(index, per_frame, |_, value| {
                        count += 1;
                        sum += u64::from(value.min(max_value));
                    });
                    if count > 0 {
                        if let Some(position) = self.segments.iter().position(|s| s.number == number) {
                            weighted[position] += sum as f64 / f64::from(max_value);
                        }
                        counts.push((index, number, count));
                    }
                }
                (_, Some(number)) => {
                    let count = self.pixels.count_nonzero(index, per_frame);
                    if count > 0 {
                        if let Some(position) = self.segments.iter().position(|s| s.number == number) {
                            weighted[position] += f64::from(count);
                        }
                        counts.push((index, number, count));
                    }
                }
                (_, None) => {}
            }
        }
        let voxel_ml = match (self.pixel_spacing_mm, self.voxel_depth_mm()) {
            (Some([r, c]), Some(depth)) if !self.tiled_full => Some(r * c * depth / 1000.0),
            _ => None,
        };
        let normal = self.frames.iter().find_map(|f| f.orientation).map(draw::normal);
        for (position, segment) in self.segments.iter_mut().enumerate() {
            let mine: Vec<&(usize, u32, u32)> = counts.iter().filter(|(_, s, _)| *s == segment.number).collect();
            segment.voxel_count = mine.iter().map(|(_, _, c)| u64::from(*c)).sum();
            segment.volume_ml = voxel_ml.map(|ml| weighted[position] * ml);
            segment.centroid_frame = centroid(&self.frames, &mine, normal);
        }
        self.frame_counts = counts;
    }
}

/// The frame nearest the count-weighted mean position along the slice normal (else the mean
/// frame index) of a segment's frames.
fn centroid(frames: &[SegFrame], mine: &[&(usize, u32, u32)], normal: Option<[f64; 3]>) -> Option<usize> {
    let total: f64 = mine.iter().map(|(_, _, c)| f64::from(*c)).sum();
    if total <= 0.0 {
        return None;
    }
    let depth = |index: usize| -> f64 {
        match (normal, frames.get(index).and_then(|f| f.position_mm)) {
            (Some(n), Some(p)) => p[0] * n[0] + p[1] * n[1] + p[2] * n[2],
            _ => index as f64,
        }
    };
    let mean = mine.iter().map(|(f, _, c)| depth(*f) * f64::from(*c)).sum::<f64>() / total;
    mine.iter().map(|(f, _, _)| *f).min_by(|a, b| (depth(*a) - mean).abs().total_cmp(&(depth(*b) - mean).abs()))
}

/// The Segment Sequence; in a label map, segment 0 (the background, PS3.3 C.8.20.2.2) is left
/// out: it is never drawn nor measured.
fn read_segments(attrs: Attributes, label_map: bool) -> Result<Vec<Segment>, DerivedError> {
    let items = attrs.items(tags::SEGMENT_SEQUENCE);
    if items.is_empty() {
        return Err(missing("SegmentSequence"));
    }
    let mut segments: Vec<Segment> = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let item = Attributes(item);
        if label_map && item.int(tags::SEGMENT_NUMBER) == Some(0) {
            continue;
        }
        let number = positive(item, tags::SEGMENT_NUMBER, "SegmentNumber")?;
        if segments.iter().any(|s| s.number == number) {
            return Err(DerivedError::Attribute {
                keyword: "SegmentNumber",
                reason: format!("{number} appears twice"),
            });
        }
        let lab = item.ints(tags::RECOMMENDED_DISPLAY_CIE_LAB_VALUE);
        let lab: Option<[u16; 3]> =
            (lab.len() >= 3).then(|| [lab[0], lab[1], lab[2]].map(|v| u16::try_from(v.clamp(0, 65535)).unwrap_or(0)));
        let rgb = lab.map(super::cielab::dicom_lab_to_srgb);
        segments.push(Segment {
            number,
            label: item.string(tags::SEGMENT_LABEL).unwrap_or_else(|| format!("{number}")),
            category: read_code(item, tags::SEGMENTED_PROPERTY_CATEGORY_CODE_SEQUENCE),
            property_type: read_code(item, tags::SEGMENTED_PROPERTY_TYPE_CODE_SEQUENCE),
            algorithm_type: item.string(tags::SEGMENT_ALGORITHM_TYPE).unwrap_or_default(),
            algorithm_name: item.string(tags::SEGMENT_ALGORITHM_NAME),
            rgb: rgb.unwrap_or(DEFAULT_COLOURS[index % DEFAULT_COLOURS.len()]),
            colour_from_file: rgb.is_some(),
            voxel_count: 0,
            volume_ml: None,
            centroid_frame: None,
        });
    }
    Ok(segments)
}

/// Frame positions of a TILED_FULL object (PS3.3 C.7.6.17.3): tiles left to right, then top
/// to bottom, then focal planes, then optical paths, then (not for label maps) segments in
/// Segment Sequence order — the order highdicom writes and reads.
fn tiled_full_frames(
    attrs: Attributes,
    segmentation_type: SegmentationType,
    rows: u32,
    columns: u32,
    frame_count: u32,
    shared: &Groups,
) -> Result<Vec<SegFrame>, DerivedError> {
    let total_columns = positive(attrs, tags::TOTAL_PIXEL_MATRIX_COLUMNS, "TotalPixelMatrixColumns")?;
    let total_rows = positive(attrs, tags::TOTAL_PIXEL_MATRIX_ROWS, "TotalPixelMatrixRows")?;
    let across = total_columns.div_ceil(columns);
    let down = total_rows.div_ceil(rows);
    let planes =
        attrs.int(tags::TOTAL_PIXEL_MATRIX_FOCAL_PLANES).and_then(|v| u32::try_from(v).ok()).unwrap_or(1).max(1);
    let paths = attrs.int(tags::NUMBER_OF_OPTICAL_PATHS).and_then(|v| u32::try_from(v).ok()).unwrap_or(1).max(1);
    let per_segment = u64::from(across) * u64::from(down) * u64::from(planes) * u64::from(paths);
    let segment_numbers: Vec<u32> = Attributes::items(&attrs, tags::SEGMENT_SEQUENCE)
        .iter()
        .filter_map(|item| Attributes(item).int(tags::SEGMENT_NUMBER).and_then(|n| u32::try_from(n).ok()))
        .collect();
    let segment_planes = if segmentation_type == SegmentationType::LabelMap { 1 } else { segment_numbers.len() as u64 };
    if per_segment * segment_planes != u64::from(frame_count) {
        return Err(DerivedError::Attribute {
            keyword: "NumberOfFrames",
            reason: format!(
                "is {frame_count}, TILED_FULL with {across}×{down} tiles, {planes} focal plane(s), {paths} optical path(s) and {segment_planes} segment(s) needs {}",
                per_segment * segment_planes
            ),
        });
    }
    let tiles = u64::from(across) * u64::from(down);
    Ok((0..u64::from(frame_count))
        .map(|index| {
            let within = index % per_segment;
            let tile = within % tiles;
            let (tile_row, tile_column) = (tile / u64::from(across), tile % u64::from(across));
            let segment_number = if segmentation_type == SegmentationType::LabelMap {
                None
            } else {
                segment_numbers.get((index / per_segment) as usize).copied()
            };
            SegFrame {
                segment_number,
                sources: shared.sources.clone(),
                position_mm: None,
                orientation: shared.orientation,
                tile_position: Some((
                    u32::try_from(tile_column * u64::from(columns) + 1).unwrap_or(u32::MAX),
                    u32::try_from(tile_row * u64::from(rows) + 1).unwrap_or(u32::MAX),
                )),
                tile_index: Some(within as u32),
            }
        })
        .collect())
}
