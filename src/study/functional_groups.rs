//! Plane geometry of enhanced multi-frame objects from the Shared and Per-frame Functional
//! Groups Sequences (PS3.3 C.7.6.16): Plane Position (C.7.6.16.2.3), Plane Orientation
//! (C.7.6.16.2.4) and Pixel Measures (C.7.6.16.2.1) macros.

use dicom_core::Tag;

use crate::dicom::Attributes;

const SHARED_FUNCTIONAL_GROUPS: Tag = Tag(0x5200, 0x9229);
const PER_FRAME_FUNCTIONAL_GROUPS: Tag = Tag(0x5200, 0x9230);
const PLANE_POSITION_SEQUENCE: Tag = Tag(0x0020, 0x9113);
const PLANE_ORIENTATION_SEQUENCE: Tag = Tag(0x0020, 0x9116);
const PIXEL_MEASURES_SEQUENCE: Tag = Tag(0x0028, 0x9110);
pub(crate) const IMAGE_POSITION: Tag = Tag(0x0020, 0x0032);
pub(crate) const IMAGE_ORIENTATION: Tag = Tag(0x0020, 0x0037);
pub(crate) const PIXEL_SPACING: Tag = Tag(0x0028, 0x0030);
pub(crate) const SLICE_THICKNESS: Tag = Tag(0x0018, 0x0050);

/// Exactly `N` decimal values of an attribute, else None.
pub(crate) fn fixed<const N: usize>(attrs: Attributes, tag: Tag) -> Option<[f64; N]> {
    attrs.floats(tag).try_into().ok()
}

/// The plane geometry one functional group item (or the root data set) declares.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PlaneGeometry {
    pub position: Option<[f64; 3]>,
    pub orientation: Option<[f64; 6]>,
    pub pixel_spacing: Option<[f64; 2]>,
    pub slice_thickness: Option<f64>,
}

impl PlaneGeometry {
    /// The three macros of one functional group item.
    fn of_group(group: Attributes) -> PlaneGeometry {
        let measures = group.item(PIXEL_MEASURES_SEQUENCE);
        PlaneGeometry {
            position: group.item(PLANE_POSITION_SEQUENCE).and_then(|item| fixed(item, IMAGE_POSITION)),
            orientation: group.item(PLANE_ORIENTATION_SEQUENCE).and_then(|item| fixed(item, IMAGE_ORIENTATION)),
            pixel_spacing: measures.and_then(|item| fixed(item, PIXEL_SPACING)),
            slice_thickness: measures.and_then(|item| item.float(SLICE_THICKNESS)),
        }
    }

    /// Each value of `self`, else the one of `fallback`.
    fn or(self, fallback: PlaneGeometry) -> PlaneGeometry {
        PlaneGeometry {
            position: self.position.or(fallback.position),
            orientation: self.orientation.or(fallback.orientation),
            pixel_spacing: self.pixel_spacing.or(fallback.pixel_spacing),
            slice_thickness: self.slice_thickness.or(fallback.slice_thickness),
        }
    }
}

/// Geometry of the shared group and of each frame (per-frame values, else shared ones).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FunctionalGeometry {
    pub shared: PlaneGeometry,
    /// One entry per item of the Per-frame Functional Groups Sequence (empty when absent).
    pub per_frame: Vec<PlaneGeometry>,
}

impl FunctionalGeometry {
    pub fn read(attrs: Attributes) -> FunctionalGeometry {
        let shared = attrs.item(SHARED_FUNCTIONAL_GROUPS).map(PlaneGeometry::of_group).unwrap_or_default();
        let per_frame = attrs
            .items(PER_FRAME_FUNCTIONAL_GROUPS)
            .iter()
            .map(|item| PlaneGeometry::of_group(Attributes(item)).or(shared))
            .collect();
        FunctionalGeometry { shared, per_frame }
    }
}
