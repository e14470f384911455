//! Overlay planes (PS3.3 C.9.2 Overlay Plane Module, C.9.3 Multi-frame Overlay Module): 1-bit
//! graphics or regions of interest in the repeating groups 6000–601E, drawn over the image.
//!
//! Two encodings exist. Overlay Data (60xx,3000) holds the bits separately, packed 1 bit per
//! pixel with the first pixel in the least significant bit (PS3.5 8.1.2 and 8.2). Older files
//! (retired, PS3.3-2004 C.9.2.1.1) have no Overlay Data: Overlay Bits Allocated equals the
//! image's Bits Allocated and Overlay Bit Position names an unused high bit of each Pixel Data
//! sample. Those bits are already outside the stored value (`StoredLayout` masks to Bits
//! Stored at High Bit), so they never reach the grey levels, as in dcmtk; here they are read
//! back from the native frame bytes.

use dicom_core::dictionary::TagRange;
use dicom_core::Tag;
use dicom_dictionary_std::tags;

use super::{Attributes, DicomImage, Encoding};
use crate::error::DecodeError;

/// The repeating groups that may hold an overlay (PS3.5 7.6: even groups 6000–601E).
pub fn overlay_groups() -> impl Iterator<Item = u16> {
    (0x6000u16..=0x601E).step_by(2)
}

/// The attribute `tag` (a 60xx repeating-group entry of the dictionary) in group `group`.
fn in_group(group: u16, tag: TagRange) -> Tag {
    Tag(group, tag.inner().element())
}

/// Overlay Type (60xx,0040).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OverlayKind {
    /// "G": graphics (annotations, markers).
    Graphics,
    /// "R": a region of interest.
    Roi,
}

/// Where the bits of a plane are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OverlayBits {
    /// Overlay Data (60xx,3000), all overlay frames one after the other, packed.
    Separate(Vec<u8>),
    /// Bit `bit_position` of each Pixel Data sample (retired embedded overlay).
    Embedded { bit_position: u16 },
}

/// One overlay plane as declared in its group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverlayPlane {
    /// 0x6000, 0x6002, … 0x601E.
    pub group: u16,
    pub rows: u32,
    pub columns: u32,
    pub kind: OverlayKind,
    /// Overlay Origin (60xx,0050): image row and column of the overlay's first pixel, from 1;
    /// may be negative or past the image (the overlay is clipped).
    pub origin_row: i64,
    pub origin_column: i64,
    /// Number of Frames in Overlay (60xx,0015); 1 when absent.
    pub frames: u32,
    /// Image Frame Origin (60xx,0051), from 1: the image frame the first overlay frame lies on.
    pub image_frame_origin: u32,
    /// True when neither (60xx,0015) nor (60xx,0051) is present: one plane for every frame.
    pub every_frame: bool,
    /// Overlay Label (60xx,1500) or else Overlay Description (60xx,0022).
    pub label: Option<String>,
    pub bits: OverlayBits,
}

/// Largest overlay (rows × columns × frames bits) accepted; drawing walks at most the bits the
/// data holds, so this only refuses absurd declarations.
const MAX_OVERLAY_BITS: u64 = 1 << 33;

impl OverlayPlane {
    /// Bits in one overlay frame.
    fn frame_bits(&self) -> u64 {
        u64::from(self.rows) * u64::from(self.columns)
    }

    /// Which overlay frame (from 0) lies on image frame `image_frame` (from 0), if any
    /// (C.9.3.1.1: overlay frame k covers image frame Image Frame Origin + k).
    pub fn overlay_frame(&self, image_frame: u32) -> Option<u32> {
        if self.every_frame {
            return Some(0);
        }
        let offset = (i64::from(image_frame) + 1) - i64::from(self.image_frame_origin);
        u32::try_from(offset).ok().filter(|k| *k < self.frames)
    }

    /// The set pixels of the overlay frame starting at bit `first_bit` as overlay (row, column)
    /// pairs, via a callback. Bits past the end of shorter data are unset (GH1728.dcm's OW value
    /// is one byte short of its 567 × 652 bits; dcmtk draws it the same way).
    fn for_each_set(&self, packed: &[u8], first_bit: u64, mut visit: impl FnMut(u32, u32)) {
        let bits = self.frame_bits();
        let columns = u64::from(self.columns.max(1));
        for index in 0..bits {
            let bit = first_bit + index;
            let Some(byte) = packed.get((bit / 8) as usize) else { return };
            if byte >> (bit % 8) & 1 == 1 {
                visit((index / columns) as u32, (index % columns) as u32);
            }
        }
    }
}

/// Reads every overlay plane of a data set whose image is `image_rows` × `image_columns` with
/// `image_bits_allocated` bits per sample. Planes that cannot be drawn (no size, empty data, a
/// bit position outside the sample) are left out and named in the second list.
pub fn read_overlays(
    attrs: Attributes,
    image_rows: u32,
    image_columns: u32,
    image_bits_allocated: u16,
) -> (Vec<OverlayPlane>, Vec<String>) {
    let mut planes = Vec::new();
    let mut problems = Vec::new();
    for group in overlay_groups() {
        let tag = |t: TagRange| in_group(group, t);
        let (Some(rows), Some(columns)) = (attrs.u16(tag(tags::OVERLAY_ROWS)), attrs.u16(tag(tags::OVERLAY_COLUMNS)))
        else {
            if attrs.has(tag(tags::OVERLAY_DATA)) {
                problems.push(format!("overlay {group:04X} has data but no Overlay Rows/Columns"));
            }
            continue;
        };
        let kind = match attrs.string(tag(tags::OVERLAY_TYPE)).as_deref() {
            Some("R") => OverlayKind::Roi,
            _ => OverlayKind::Graphics,
        };
        let origin = attrs.ints(tag(tags::OVERLAY_ORIGIN));
        let (origin_row, origin_column) = match origin.as_slice() {
            [row, column, ..] => (*row, *column),
            _ => (1, 1),
        };
        let frames_attr = attrs.int(tag(tags::NUMBER_OF_FRAMES_IN_OVERLAY));
        let origin_attr = attrs.int(tag(tags::IMAGE_FRAME_ORIGIN));
        let frames = frames_attr.and_then(|n| u32::try_from(n).ok()).filter(|n| *n > 0).unwrap_or(1);
        let image_frame_origin = origin_attr.and_then(|n| u32::try_from(n).ok()).filter(|n| *n > 0).unwrap_or(1);
        let label = attrs.string(tag(tags::OVERLAY_LABEL)).or_else(|| attrs.string(tag(tags::OVERLAY_DESCRIPTION)));
        let bits_allocated = attrs.u16(tag(tags::OVERLAY_BITS_ALLOCATED)).unwrap_or(1);
        let bit_position = attrs.u16(tag(tags::OVERLAY_BIT_POSITION)).unwrap_or(0);
        let mut plane = OverlayPlane {
            group,
            rows: u32::from(rows),
            columns: u32::from(columns),
            kind,
            origin_row,
            origin_column,
            frames,
            image_frame_origin,
            every_frame: frames_attr.is_none() && origin_attr.is_none(),
            label,
            bits: OverlayBits::Embedded { bit_position },
        };
        let declared = plane.frame_bits().saturating_mul(u64::from(frames));
        if declared == 0 || declared > MAX_OVERLAY_BITS {
            problems.push(format!("overlay {group:04X} is {rows} × {columns} × {frames}: nothing to draw"));
            continue;
        }
        match attrs.bytes(tag(tags::OVERLAY_DATA)) {
            Some(data) if data.is_empty() => {
                problems.push(format!("overlay {group:04X}: Overlay Data is empty"));
                continue;
            }
            Some(data) => plane.bits = OverlayBits::Separate(data.into_owned()),
            None if bits_allocated > 1 && bit_position < image_bits_allocated => {
                // Embedded: the plane covers the image, one bit in each sample, on every frame.
                plane.rows = image_rows;
                plane.columns = image_columns;
                plane.origin_row = 1;
                plane.origin_column = 1;
                plane.every_frame = true;
            }
            None => {
                problems.push(format!(
                    "overlay {group:04X} has no Overlay Data and Bit Position {bit_position} is not in the \
                     {image_bits_allocated}-bit Pixel Data"
                ));
                continue;
            }
        }
        planes.push(plane);
    }
    (planes, problems)
}

/// The embedded overlay bits of one decoded frame: (group, packed bits of the whole image).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EmbeddedOverlays(pub Vec<(u16, Vec<u8>)>);

impl EmbeddedOverlays {
    pub fn get(&self, group: u16) -> Option<&[u8]> {
        self.0.iter().find(|(g, _)| *g == group).map(|(_, bits)| bits.as_slice())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Picks bit `bit_position` out of each little-endian `bits_allocated`-bit sample (one sample
/// per pixel) and packs the results 1 bit per pixel, first pixel in the lowest bit.
pub fn extract_embedded_bits(native: &[u8], pixels: usize, bits_allocated: u16, bit_position: u16) -> Option<Vec<u8>> {
    let bytes_per_sample = usize::from(bits_allocated / 8);
    if !(1..=4).contains(&bytes_per_sample) || bit_position >= bits_allocated {
        return None;
    }
    let samples = native.get(..pixels.checked_mul(bytes_per_sample)?)?;
    let mut packed = vec![0u8; pixels.div_ceil(8)];
    for (index, sample) in samples.chunks_exact(bytes_per_sample).enumerate() {
        let byte = sample.get(usize::from(bit_position / 8)).copied().unwrap_or(0);
        if byte >> (bit_position % 8) & 1 == 1 {
            if let Some(out) = packed.get_mut(index / 8) {
                *out |= 1 << (index % 8);
            }
        }
    }
    Some(packed)
}

impl DicomImage {
    /// The overlay planes of this image (see [`read_overlays`]).
    pub fn overlays(&self) -> (Vec<OverlayPlane>, Vec<String>) {
        read_overlays(self.attributes(), self.info.rows, self.info.columns, self.info.layout.bits_allocated)
    }

    /// The bits of the embedded overlays in frame `frame`, read from the native Pixel Data
    /// (empty when there are none or the pixel data is compressed: codecs return only the
    /// stored bits). Needs the pixel data: call it where the frame is decoded.
    pub fn embedded_overlays(&self, frame: u32) -> Result<EmbeddedOverlays, DecodeError> {
        let attrs = self.attributes();
        let image_bits = self.info.layout.bits_allocated;
        // Only the attributes that make a plane embedded; Overlay Data is not copied here.
        let embedded: Vec<(u16, u16)> = overlay_groups()
            .filter(|group| {
                let tag = |t: TagRange| in_group(*group, t);
                !attrs.has(tag(tags::OVERLAY_DATA))
                    && attrs.has(tag(tags::OVERLAY_ROWS))
                    && attrs.u16(tag(tags::OVERLAY_BITS_ALLOCATED)).unwrap_or(1) > 1
            })
            .filter_map(|group| {
                let position = attrs.u16(in_group(group, tags::OVERLAY_BIT_POSITION)).unwrap_or(0);
                (position < image_bits).then_some((group, position))
            })
            .collect();
        let native = matches!(self.transfer_syntax.encoding, Encoding::Native | Encoding::EncapsulatedNative);
        if embedded.is_empty() || !native || self.info.samples_per_pixel != 1 {
            return Ok(EmbeddedOverlays::default());
        }
        let bytes = match self.transfer_syntax.encoding {
            Encoding::EncapsulatedNative => self.encapsulated_frame(frame)?,
            _ => self.native_frame_bytes(frame)?,
        };
        let pixels = self.info.rows as usize * self.info.columns as usize;
        let bits_allocated = self.info.layout.bits_allocated;
        Ok(EmbeddedOverlays(
            embedded
                .into_iter()
                .filter_map(|(group, position)| {
                    extract_embedded_bits(&bytes, pixels, bits_allocated, position).map(|bits| (group, bits))
                })
                .collect(),
        ))
    }
}

impl DicomImage {
    /// What the overlay planes cover on decoded frame `frame` (index `frame_index` in the file).
    pub fn overlay_mask(&self, frame_index: u32, frame: &super::Frame) -> Option<OverlayMask> {
        let (planes, _) = self.overlays();
        overlay_mask(&planes, &frame.embedded_overlays, frame_index, frame.columns, frame.rows)
    }
}

/// Which image pixels the overlays cover on one frame: 1 byte per image pixel, row by row,
/// 1 where any shown plane has a set bit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverlayMask {
    pub columns: u32,
    pub rows: u32,
    pub covered: Vec<u8>,
}

impl OverlayMask {
    pub fn count(&self) -> usize {
        self.covered.iter().filter(|v| **v != 0).count()
    }
}

/// Combines the planes that lie on image frame `image_frame` (from 0) into one mask over the
/// `columns` × `rows` image, clipping each plane at the image's edges. None when no plane has a
/// set pixel on this frame.
pub fn overlay_mask(
    planes: &[OverlayPlane],
    embedded: &EmbeddedOverlays,
    image_frame: u32,
    columns: u32,
    rows: u32,
) -> Option<OverlayMask> {
    let mut covered = vec![0u8; columns as usize * rows as usize];
    let mut any = false;
    for plane in planes {
        let Some(overlay_frame) = plane.overlay_frame(image_frame) else { continue };
        let (packed, first_bit) = match &plane.bits {
            OverlayBits::Separate(data) => (data.as_slice(), u64::from(overlay_frame) * plane.frame_bits()),
            OverlayBits::Embedded { .. } => match embedded.get(plane.group) {
                Some(bits) => (bits, 0),
                None => continue,
            },
        };
        plane.for_each_set(packed, first_bit, |row, column| {
            let image_row = i64::from(row) + plane.origin_row - 1;
            let image_column = i64::from(column) + plane.origin_column - 1;
            if (0..i64::from(rows)).contains(&image_row) && (0..i64::from(columns)).contains(&image_column) {
                if let Some(cell) = covered.get_mut(image_row as usize * columns as usize + image_column as usize) {
                    *cell = 1;
                    any = true;
                }
            }
        });
    }
    any.then_some(OverlayMask { columns, rows, covered })
}

/// The colour overlays are drawn in: opaque white, the foreground dcmtk's `dcm2pnm` uses for
/// graphics overlays (mode "Replace", density 1) and OHIF's default.
pub const OVERLAY_RGBA: [u8; 4] = [255, 255, 255, 255];

/// Paints the covered pixels of an RGBA image (the renderer's output, same size) in `rgba`.
pub fn composite_overlay(image: &mut [u8], mask: &OverlayMask, rgba: [u8; 4]) {
    for (pixel, covered) in image.chunks_exact_mut(4).zip(&mask.covered) {
        if *covered != 0 {
            pixel.copy_from_slice(&rgba);
        }
    }
}

/// `composite_overlay` onto an image sampled at `indices` (`viewer::screen_sampling`): pixel k
/// of `image` shows mask pixel `indices[k]` (none when that index is past the mask).
pub fn composite_overlay_at(image: &mut [u8], mask: &OverlayMask, rgba: [u8; 4], indices: &[u32]) {
    for (pixel, index) in image.chunks_exact_mut(4).zip(indices) {
        if mask.covered.get(*index as usize).is_some_and(|covered| *covered != 0) {
            pixel.copy_from_slice(&rgba);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dicom_core::{DataElement, PrimitiveValue, VR};
    use dicom_object::InMemDicomObject;

    fn put(object: &mut InMemDicomObject, group: u16, tag: TagRange, vr: VR, value: PrimitiveValue) {
        object.put(DataElement::new(in_group(group, tag), vr, value));
    }

    /// A plane of `rows` × `columns` at (row, column) with the given packed data.
    fn plane_object(group: u16, rows: u16, columns: u16, origin: [i16; 2], data: Vec<u8>) -> InMemDicomObject {
        let mut object = InMemDicomObject::new_empty();
        put(&mut object, group, tags::OVERLAY_ROWS, VR::US, rows.into());
        put(&mut object, group, tags::OVERLAY_COLUMNS, VR::US, columns.into());
        put(&mut object, group, tags::OVERLAY_TYPE, VR::CS, "G".into());
        put(&mut object, group, tags::OVERLAY_ORIGIN, VR::SS, PrimitiveValue::I16(origin.to_vec().into()));
        put(&mut object, group, tags::OVERLAY_BITS_ALLOCATED, VR::US, 1u16.into());
        put(&mut object, group, tags::OVERLAY_BIT_POSITION, VR::US, 0u16.into());
        put(&mut object, group, tags::OVERLAY_DATA, VR::OB, PrimitiveValue::U8(data.into()));
        object
    }

    #[test]
    fn bits_are_little_endian_and_origin_is_one_based() {
        // 3 × 4 overlay; bits 0 (r0 c0), 5 (r1 c1) and 11 (r2 c3) set.
        let object = plane_object(0x6000, 3, 4, [1, 1], vec![0b0010_0001, 0b0000_1000]);
        let (planes, problems) = read_overlays(Attributes(&object), 3, 4, 16);
        assert!(problems.is_empty(), "{problems:?}");
        let mask = overlay_mask(&planes, &EmbeddedOverlays::default(), 0, 4, 3).expect("mask");
        assert_eq!(mask.covered, [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1]);
    }

    #[test]
    fn origin_shifts_and_clips() {
        // 2 × 2, all set, at row 0 / column 3 (1-based): the top row and right column fall off.
        let object = plane_object(0x6002, 2, 2, [0, 3], vec![0b1111]);
        let (planes, _) = read_overlays(Attributes(&object), 3, 3, 8);
        assert_eq!(planes[0].group, 0x6002);
        let mask = overlay_mask(&planes, &EmbeddedOverlays::default(), 0, 3, 3).expect("mask");
        assert_eq!(mask.covered, [0, 0, 1, 0, 0, 0, 0, 0, 0]);
        // Entirely outside: nothing.
        let object = plane_object(0x6000, 2, 2, [-5, -5], vec![0b1111]);
        let (planes, _) = read_overlays(Attributes(&object), 3, 3, 8);
        assert_eq!(overlay_mask(&planes, &EmbeddedOverlays::default(), 0, 3, 3), None);
    }

    #[test]
    fn multi_frame_overlays_map_to_frames() {
        // Two 1 × 2 overlay frames starting at image frame 2: frame 2 gets [1,0], frame 3 [0,1].
        let mut object = plane_object(0x6000, 1, 2, [1, 1], vec![0b1001]);
        put(&mut object, 0x6000, tags::NUMBER_OF_FRAMES_IN_OVERLAY, VR::IS, "2".into());
        put(&mut object, 0x6000, tags::IMAGE_FRAME_ORIGIN, VR::US, 2u16.into());
        let (planes, _) = read_overlays(Attributes(&object), 1, 2, 8);
        let none = EmbeddedOverlays::default();
        assert_eq!(overlay_mask(&planes, &none, 0, 2, 1), None);
        assert_eq!(overlay_mask(&planes, &none, 1, 2, 1).map(|m| m.covered), Some(vec![1, 0]));
        assert_eq!(overlay_mask(&planes, &none, 2, 2, 1).map(|m| m.covered), Some(vec![0, 1]));
        assert_eq!(overlay_mask(&planes, &none, 3, 2, 1), None);
    }

    #[test]
    fn short_data_draws_what_is_there_and_sizeless_planes_are_named() {
        // 10 bytes for 100 × 100 bits: only the first 80 pixels of row 0 can be set.
        let object = plane_object(0x6000, 100, 100, [1, 1], vec![0xFF; 10]);
        let (planes, problems) = read_overlays(Attributes(&object), 100, 100, 16);
        assert!(problems.is_empty(), "{problems:?}");
        let mask = overlay_mask(&planes, &EmbeddedOverlays::default(), 0, 100, 100).expect("mask");
        assert_eq!(mask.count(), 80);
        assert!(mask.covered[..80].iter().all(|v| *v == 1));
        let object = plane_object(0x6000, 2, 2, [1, 1], Vec::new());
        let (planes, problems) = read_overlays(Attributes(&object), 2, 2, 8);
        assert!(planes.is_empty() && problems[0].contains("empty"), "{problems:?}");
        let mut object = InMemDicomObject::new_empty();
        put(&mut object, 0x6004, tags::OVERLAY_DATA, VR::OB, PrimitiveValue::U8(vec![1].into()));
        let (planes, problems) = read_overlays(Attributes(&object), 1, 1, 8);
        assert!(planes.is_empty() && problems[0].contains("6004"), "{problems:?}");
    }

    #[test]
    fn embedded_bits_come_from_the_high_bits() {
        // 16-bit samples, overlay in bit 15: pixels 1 and 2 have it.
        let samples: Vec<u8> = [0x0FFFu16, 0x8001, 0x8000, 0x7FFF].iter().flat_map(|v| v.to_le_bytes()).collect();
        assert_eq!(extract_embedded_bits(&samples, 4, 16, 15), Some(vec![0b0110]));
        assert_eq!(extract_embedded_bits(&samples, 5, 16, 15), None);
        assert_eq!(extract_embedded_bits(&samples, 4, 16, 16), None);
        let mut object = InMemDicomObject::new_empty();
        put(&mut object, 0x6000, tags::OVERLAY_ROWS, VR::US, 2u16.into());
        put(&mut object, 0x6000, tags::OVERLAY_COLUMNS, VR::US, 2u16.into());
        put(&mut object, 0x6000, tags::OVERLAY_BITS_ALLOCATED, VR::US, 16u16.into());
        put(&mut object, 0x6000, tags::OVERLAY_BIT_POSITION, VR::US, 15u16.into());
        let (planes, problems) = read_overlays(Attributes(&object), 2, 2, 16);
        assert!(problems.is_empty());
        assert_eq!(planes[0].bits, OverlayBits::Embedded { bit_position: 15 });
        let embedded = EmbeddedOverlays(vec![(0x6000, vec![0b0110])]);
        let mask = overlay_mask(&planes, &embedded, 3, 2, 2).expect("every frame");
        assert_eq!(mask.covered, [0, 1, 1, 0]);
        let mut rgba = vec![10u8; 16];
        composite_overlay(&mut rgba, &mask, OVERLAY_RGBA);
        assert_eq!(rgba, [10, 10, 10, 10, 255, 255, 255, 255, 255, 255, 255, 255, 10, 10, 10, 10]);
    }
}
