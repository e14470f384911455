//! Where the voxels of a volume lie in the patient coordinate system (PS3.3 C.7.6.2.1.1).
//! Image Orientation (Patient) gives the row and column directions, Pixel Spacing the
//! in-plane steps, and the Image Position (Patient) of consecutive slices the slice step —
//! a vector that is not along the normal when the gantry was tilted (a sheared grid).

use super::vec3::{self, Vec3};
use super::VolumeError;

/// The plane of one slice, as its header describes it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SliceGeometry {
    /// Image Position (Patient): centre of the first transmitted pixel, mm.
    pub position_mm: Vec3,
    /// Direction of increasing column index (first three values of Image Orientation).
    pub row_direction: Vec3,
    /// Direction of increasing row index (last three values).
    pub column_direction: Vec3,
    /// Pixel Spacing: (between rows, between columns), mm.
    pub pixel_spacing_mm: [f64; 2],
    pub rows: u32,
    pub columns: u32,
}

impl SliceGeometry {
    /// The plane of frame `frame` (from 0) of an instance: its per-frame Plane Position and
    /// Orientation (enhanced objects), else the Image Plane Module. None without a position,
    /// orientation or pixel spacing.
    pub fn of(meta: &crate::study::InstanceMeta, frame: u32) -> Option<SliceGeometry> {
        let index = frame as usize;
        let position_mm = meta.frame_positions.get(index).copied().flatten().or(meta.image_position)?;
        let cosines = meta.frame_orientations.get(index).copied().flatten().or(meta.image_orientation)?;
        let pixel_spacing_mm = meta.frame_pixel_spacings.get(index).copied().flatten().or(meta.pixel_spacing)?;
        Some(SliceGeometry {
            position_mm,
            row_direction: [cosines[0], cosines[1], cosines[2]],
            column_direction: [cosines[3], cosines[4], cosines[5]],
            pixel_spacing_mm,
            rows: meta.rows,
            columns: meta.columns,
        })
    }
}

/// The voxel grid of a volume: voxel `(i, j, k)` (column, row, slice) has its centre at
/// `origin_mm + i·column_step + j·row_step + k·slice_step`.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    pub columns: u32,
    pub rows: u32,
    pub slices: u32,
    /// Centre of voxel (0, 0, 0), mm.
    pub origin_mm: Vec3,
    /// Unit direction of increasing column index (along a row).
    pub row_direction: Vec3,
    /// Unit direction of increasing row index (down a column).
    pub column_direction: Vec3,
    /// Distance between columns and between rows, mm (Pixel Spacing reversed: x, y).
    pub column_spacing_mm: f64,
    pub row_spacing_mm: f64,
    /// From one slice's first pixel to the next slice's, mm: along the normal for an upright
    /// stack, sheared for a tilted gantry.
    pub slice_step_mm: Vec3,
}

impl Grid {
    /// The grid of evenly spaced slices in display-set order. Uses the first slice's plane and
    /// the mean step from the first to the last slice; `volume::geometry` says beforehand
    /// whether the series is regular enough for that.
    pub fn from_slices(slices: &[SliceGeometry]) -> Result<Grid, VolumeError> {
        let (Some(first), Some(last)) = (slices.first(), slices.last()) else {
            return Err(VolumeError::NotAVolume("no slices".into()));
        };
        if slices.len() < 2 {
            return Err(VolumeError::NotAVolume("a single slice".into()));
        }
        let [row_spacing_mm, column_spacing_mm] = first.pixel_spacing_mm;
        if !(row_spacing_mm > 0.0
            && column_spacing_mm > 0.0
            && row_spacing_mm.is_finite()
            && column_spacing_mm.is_finite())
        {
            return Err(VolumeError::NotAVolume("no usable Pixel Spacing".into()));
        }
        let steps = (slices.len() - 1) as f64;
        let slice_step_mm = vec3::scale(vec3::sub(last.position_mm, first.position_mm), 1.0 / steps);
        let row_direction = vec3::normalize(first.row_direction);
        let column_direction = vec3::normalize(first.column_direction);
        let normal = vec3::cross(row_direction, column_direction);
        if vec3::dot(slice_step_mm, normal).abs() < 1e-6 {
            return Err(VolumeError::NotAVolume("the slices do not advance along their normal".into()));
        }
        Ok(Grid {
            columns: first.columns,
            rows: first.rows,
            slices: slices.len() as u32,
            origin_mm: first.position_mm,
            row_direction,
            column_direction,
            column_spacing_mm,
            row_spacing_mm,
            slice_step_mm,
        })
    }

    /// Unit normal of the acquired slices (row × column).
    pub fn normal(&self) -> Vec3 {
        vec3::normalize(vec3::cross(self.row_direction, self.column_direction))
    }

    /// Distance between slices along the normal, mm.
    pub fn slice_spacing_mm(&self) -> f64 {
        vec3::dot(self.slice_step_mm, self.normal()).abs()
    }

    /// The voxel count.
    pub fn voxel_count(&self) -> u64 {
        u64::from(self.columns) * u64::from(self.rows) * u64::from(self.slices)
    }

    /// Patient position (mm) of the continuous voxel coordinate `(i, j, k)`.
    pub fn voxel_to_patient(&self, [i, j, k]: Vec3) -> Vec3 {
        let p = vec3::add(self.origin_mm, vec3::scale(self.row_direction, i * self.column_spacing_mm));
        let p = vec3::add(p, vec3::scale(self.column_direction, j * self.row_spacing_mm));
        vec3::add(p, vec3::scale(self.slice_step_mm, k))
    }

    /// Continuous voxel coordinate of patient position `p` (inverse of `voxel_to_patient`,
    /// exact for sheared grids).
    pub fn patient_to_voxel(&self, p: Vec3) -> Vec3 {
        let a = vec3::scale(self.row_direction, self.column_spacing_mm);
        let b = vec3::scale(self.column_direction, self.row_spacing_mm);
        let c = self.slice_step_mm;
        let d = vec3::sub(p, self.origin_mm);
        // Cramer's rule on [a b c]·(i, j, k) = d.
        let det = vec3::dot(a, vec3::cross(b, c));
        if det.abs() < 1e-12 {
            return [f64::NAN; 3];
        }
        [
            vec3::dot(d, vec3::cross(b, c)) / det,
            vec3::dot(a, vec3::cross(d, c)) / det,
            vec3::dot(a, vec3::cross(b, d)) / det,
        ]
    }

    /// The eight corner voxel centres in patient space (for plane extents and bounding boxes).
    pub fn corners_mm(&self) -> [Vec3; 8] {
        let (ci, cj, ck) =
            (f64::from(self.columns.max(1) - 1), f64::from(self.rows.max(1) - 1), f64::from(self.slices.max(1) - 1));
        let mut out = [[0.0; 3]; 8];
        for (n, slot) in out.iter_mut().enumerate() {
            let i = if n & 1 == 0 { 0.0 } else { ci };
            let j = if n & 2 == 0 { 0.0 } else { cj };
            let k = if n & 4 == 0 { 0.0 } else { ck };
            *slot = self.voxel_to_patient([i, j, k]);
        }
        out
    }

    /// Centre of the volume, mm.
    pub fn centre_mm(&self) -> Vec3 {
        self.voxel_to_patient([
            f64::from(self.columns.max(1) - 1) / 2.0,
            f64::from(self.rows.max(1) - 1) / 2.0,
            f64::from(self.slices.max(1) - 1) / 2.0,
        ])
    }

    /// The smallest voxel step, mm: the pixel size of reformatted planes.
    pub fn finest_spacing_mm(&self) -> f64 {
        self.column_spacing_mm.min(self.row_spacing_mm).min(self.slice_spacing_mm().max(1e-3))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn axial(z: f64) -> SliceGeometry {
        SliceGeometry {
            position_mm: [-10.0, -20.0, z],
            row_direction: [1.0, 0.0, 0.0],
            column_direction: [0.0, 1.0, 0.0],
            pixel_spacing_mm: [0.5, 0.25],
            rows: 4,
            columns: 8,
        }
    }

    #[test]
    fn voxel_and_patient_coordinates_are_inverse() {
        let grid = Grid::from_slices(&[axial(0.0), axial(2.0), axial(4.0)]).unwrap();
        assert_eq!(grid.voxel_to_patient([2.0, 1.0, 1.0]), [-9.5, -19.5, 2.0]);
        let back = grid.patient_to_voxel([-9.5, -19.5, 2.0]);
        for (a, b) in back.iter().zip([2.0, 1.0, 1.0]) {
            assert!((a - b).abs() < 1e-9);
        }
        assert_eq!(grid.slice_spacing_mm(), 2.0);
    }

    #[test]
    fn a_tilted_stack_is_a_sheared_grid() {
        let mut second = axial(2.0);
        second.position_mm[1] += 1.0;
        let grid = Grid::from_slices(&[axial(0.0), second]).unwrap();
        let p = grid.voxel_to_patient([3.0, 2.0, 1.0]);
        let v = grid.patient_to_voxel(p);
        assert!((v[0] - 3.0).abs() < 1e-9 && (v[1] - 2.0).abs() < 1e-9 && (v[2] - 1.0).abs() < 1e-9);
    }

    #[test]
    fn one_slice_is_not_a_volume() {
        assert!(Grid::from_slices(&[axial(0.0)]).is_err());
        assert!(Grid::from_slices(&[axial(0.0), axial(0.0)]).is_err());
    }
}
