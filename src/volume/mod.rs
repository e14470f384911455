//! Volumes: the slices of a display set placed in the patient coordinate system (PS3.3
//! C.7.6.2.1.1), and the planes, slabs and renderings made from them. Plain Rust, no browser:
//! the page (src/web/volume.rs, src/web/viewport/) builds a [`Volume`] as slices arrive and
//! draws what these types compute; the GPU samples the same voxels and must agree within 1
//! grey level.
//!
//! Coordinates: a voxel index `(i, j, k)` is (column, row, slice in display-set order); its
//! centre lies at `Grid::voxel_to_patient`. Values are stored as the files store them (16-bit
//! stays 16-bit) with one Modality LUT for the whole volume; a series whose slices rescale
//! differently is kept as 32-bit float modality values (PET).

pub mod grid;
pub mod linking;
pub mod mpr;
pub mod render3d;
pub mod reslice;
pub mod texture;
pub mod voxels;

pub use grid::{Grid, SliceGeometry};
pub use reslice::{reslice, Plane, Resliced, Slab, SlabMode};
pub use voxels::{FrameTemplate, Volume, VoxelKind, Voxels};

/// Why a volume cannot be built or a slice not placed in it.
#[derive(Debug, Clone, PartialEq)]
pub enum VolumeError {
    /// Fewer than two slices, or slices without position/orientation: nothing to reformat.
    NotAVolume(String),
    /// More voxels than the budget allows (bytes needed, bytes allowed).
    TooLarge { needed_bytes: u64, budget_bytes: u64 },
    /// A decoded slice does not fit the grid (size, samples).
    SliceMismatch { slice: u32, reason: String },
}

impl std::fmt::Display for VolumeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VolumeError::NotAVolume(why) => write!(f, "cannot reformat this series: {why}"),
            VolumeError::TooLarge { needed_bytes, budget_bytes } => write!(
                f,
                "the volume needs {} MB, more than the {} MB memory budget allows: raise the budget in Settings",
                needed_bytes / 1_000_000,
                budget_bytes / 1_000_000
            ),
            VolumeError::SliceMismatch { slice, reason } => {
                write!(f, "slice {} does not fit the volume: {reason}", slice + 1)
            }
        }
    }
}

impl std::error::Error for VolumeError {}

/// Vector helpers in patient space (mm).
pub mod vec3 {
    pub type Vec3 = [f64; 3];

    pub fn add(a: Vec3, b: Vec3) -> Vec3 {
        [a[0] + b[0], a[1] + b[1], a[2] + b[2]]
    }
    pub fn sub(a: Vec3, b: Vec3) -> Vec3 {
        [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
    }
    pub fn scale(a: Vec3, s: f64) -> Vec3 {
        [a[0] * s, a[1] * s, a[2] * s]
    }
    pub fn dot(a: Vec3, b: Vec3) -> f64 {
        a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
    }
    pub fn cross(a: Vec3, b: Vec3) -> Vec3 {
        [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
    }
    pub fn length(a: Vec3) -> f64 {
        dot(a, a).sqrt()
    }
    /// `a` at unit length (zero stays zero).
    pub fn normalize(a: Vec3) -> Vec3 {
        let l = length(a);
        if l > 0.0 {
            scale(a, 1.0 / l)
        } else {
            a
        }
    }
}
