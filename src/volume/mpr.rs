//! Multi-planar reformatting state: the three orthogonal (or rotated, oblique) planes through
//! one point of a volume, the crosshair that links them, and the thick-slab setting they share.
//! Plain values; the viewport turns pointer drags into calls on it and draws the planes it
//! describes.

use super::reslice::Slab;
use super::vec3::Vec3;

/// Which of the three linked planes a viewport shows. Named after the patient plane each is
/// when not rotated: axial (normal toward the head), sagittal (normal toward the patient's
/// left), coronal (normal toward the back).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MprAxis {
    Axial,
    Sagittal,
    Coronal,
}

impl MprAxis {
    pub const ALL: [MprAxis; 3] = [MprAxis::Axial, MprAxis::Sagittal, MprAxis::Coronal];

    /// Stable name for test hooks (`data-plane`).
    pub fn name(self) -> &'static str {
        match self {
            MprAxis::Axial => "axial",
            MprAxis::Sagittal => "sagittal",
            MprAxis::Coronal => "coronal",
        }
    }
}

/// The shared state of the MPR viewports of one volume.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MprState {
    /// The display set reformatted.
    pub display_set: Option<String>,
    /// The crosshair centre, mm (None: the volume's centre).
    pub centre_mm: Option<Vec3>,
    /// Thick slab shared by the planes (None: thin planes).
    pub slab: Option<Slab>,
}
