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
/// `origin_mm + i·column_step + j·row_step + u(k)·slice_step`, where `u(k) = k` for evenly
/// spaced slices and, for irregular spacing, `u` runs piecewise-linearly through each slice's
/// true position (`slice_offsets`) so every slice stays where it was acquired.
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
    /// Irregular spacing only: `u_k`, where slice `k` lies along `slice_step_mm` (in steps;
    /// strictly increasing, `u_0 = 0`). None when the slices are evenly spaced (`u_k = k`).
    pub slice_offsets: Option<Vec<f64>>,
}

/// A step between neighbouring slices at least this many times the median step is a gap of
/// missing slices: reformatted planes leave it empty (padding) instead of interpolating across.
pub const GAP_FACTOR: f64 = 1.5;

/// Slices within this fraction of a step of an evenly spaced stack are placed evenly (the
/// affine grid); further off, at their true positions.
pub const EVEN_PLACEMENT_TOLERANCE: f64 = 0.01;

impl Grid {
    /// The grid of the slices in display-set order. Evenly spaced slices (within
    /// [`EVEN_PLACEMENT_TOLERANCE`] of a step) get the mean step from the first to the last
    /// slice; irregularly spaced ones the median step with each slice at its true position
    /// (`slice_offsets`). `volume::geometry::check` says beforehand whether the series can be
    /// reformatted at all (one orientation, one size) and words what it finds.
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
        let span = vec3::sub(last.position_mm, first.position_mm);
        let mean_step_mm = vec3::scale(span, 1.0 / steps);
        let row_direction = vec3::normalize(first.row_direction);
        let column_direction = vec3::normalize(first.column_direction);
        let normal = vec3::cross(row_direction, column_direction);
        let mean_along = vec3::dot(mean_step_mm, normal);
        if mean_along.abs() < 1e-6 || !mean_along.is_finite() {
            return Err(VolumeError::NotAVolume("the slices do not advance along their normal".into()));
        }
        // Where each slice lies along the normal, in mean steps from the first.
        let along: Vec<f64> = slices
            .iter()
            .map(|s| vec3::dot(vec3::sub(s.position_mm, first.position_mm), normal) / mean_along)
            .collect();
        if along.iter().any(|u| u.is_nan()) || along.windows(2).any(|pair| pair[1] - pair[0] <= 1e-6) {
            return Err(VolumeError::NotAVolume("two slices lie at the same position, or out of order".into()));
        }
        let even = along.iter().enumerate().all(|(k, u)| (u - k as f64).abs() <= EVEN_PLACEMENT_TOLERANCE);
        let (slice_step_mm, slice_offsets) = if even {
            (mean_step_mm, None)
        } else {
            // The median step is the unit: a missing slice shows as an interval ≥ 1.5 units.
            let mut widths: Vec<f64> = along.windows(2).map(|pair| pair[1] - pair[0]).collect();
            widths.sort_by(f64::total_cmp);
            let median = widths[widths.len() / 2];
            let offsets = along.iter().map(|u| u / median).collect();
            (vec3::scale(mean_step_mm, median), Some(offsets))
        };
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
            slice_offsets,
        })
    }

    /// Where continuous slice index `k` lies along `slice_step_mm`, in steps: `k` itself for
    /// evenly spaced slices, else linear between neighbouring slices' true positions (and
    /// beyond the ends, continuing the first and last intervals).
    #[inline]
    pub fn step_of_slice(&self, k: f64) -> f64 {
        let Some(u) = self.slice_offsets.as_deref() else { return k };
        let n = u.len();
        if n < 2 || !k.is_finite() {
            return k;
        }
        let m = (k.floor().max(0.0) as usize).min(n - 2);
        u[m] + (k - m as f64) * (u[m + 1] - u[m])
    }

    /// The continuous slice index at `u` steps along `slice_step_mm` (inverse of
    /// [`Grid::step_of_slice`]).
    #[inline]
    pub fn slice_of_step(&self, step: f64) -> f64 {
        let Some(u) = self.slice_offsets.as_deref() else { return step };
        let n = u.len();
        if n < 2 || !step.is_finite() {
            return step;
        }
        // The interval m with u[m] ≤ step < u[m+1], clamped to the first and last.
        let m = u.partition_point(|x| *x <= step).saturating_sub(1).min(n - 2);
        m as f64 + (step - u[m]) / (u[m + 1] - u[m])
    }

    /// True when slices `k` and `k + 1` are more than [`GAP_FACTOR`] median steps apart:
    /// missing slices, not interpolated.
    #[inline]
    pub fn is_gap_after(&self, k: usize) -> bool {
        match self.slice_offsets.as_deref() {
            Some(u) => match (u.get(k), u.get(k + 1)) {
                (Some(a), Some(b)) => b - a >= GAP_FACTOR,
                _ => false,
            },
            None => false,
        }
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
        vec3::add(p, vec3::scale(self.slice_step_mm, self.step_of_slice(k)))
    }

    /// Continuous voxel coordinate of patient position `p` (inverse of `voxel_to_patient`,
    /// exact for sheared grids and irregular spacing).
    pub fn patient_to_voxel(&self, p: Vec3) -> Vec3 {
        let [i, j, u] = self.patient_to_steps(p);
        [i, j, self.slice_of_step(u)]
    }

    /// The affine part of [`Grid::patient_to_voxel`]: `(i, j, u)` with `u` in slice steps
    /// (equal to `k` for evenly spaced slices; [`Grid::slice_of_step`] turns it into `k`).
    pub fn patient_to_steps(&self, p: Vec3) -> Vec3 {
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
    fn irregular_slices_stay_at_their_true_positions() {
        let zs = [0.0, 2.0, 4.0, 8.0, 10.0, 11.0];
        let slices: Vec<SliceGeometry> = zs.iter().map(|z| axial(*z)).collect();
        let grid = Grid::from_slices(&slices).unwrap();
        // Median step 2 mm; slice k at its own z.
        assert_eq!(grid.slice_spacing_mm(), 2.0);
        for (k, z) in zs.iter().enumerate() {
            assert!((grid.voxel_to_patient([0.0, 0.0, k as f64])[2] - z).abs() < 1e-9, "slice {k}");
        }
        // Halfway between slices 2 and 3 (z 4 and 8) is z 6; k is piecewise linear in z.
        assert!((grid.patient_to_voxel([-10.0, -20.0, 6.0])[2] - 2.5).abs() < 1e-9);
        assert!((grid.patient_to_voxel([-10.0, -20.0, 10.5])[2] - 4.5).abs() < 1e-9);
        // Beyond the ends the first and last intervals continue.
        assert!((grid.patient_to_voxel([-10.0, -20.0, -1.0])[2] + 0.5).abs() < 1e-9);
        assert!((grid.patient_to_voxel([-10.0, -20.0, 11.5])[2] - 5.5).abs() < 1e-9);
        for k in [0.0, 0.3, 2.7, 3.0, 4.9, 5.2] {
            let p = grid.voxel_to_patient([1.5, 2.5, k]);
            let back = grid.patient_to_voxel(p);
            assert!((back[0] - 1.5).abs() < 1e-9 && (back[1] - 2.5).abs() < 1e-9 && (back[2] - k).abs() < 1e-9);
        }
        // 4 mm is two median steps: missing slices; 1 mm is not a gap.
        assert!(grid.is_gap_after(2));
        assert!(!grid.is_gap_after(1) && !grid.is_gap_after(4) && !grid.is_gap_after(5));
    }

    #[test]
    fn nearly_even_slices_keep_the_affine_grid() {
        let grid = Grid::from_slices(&[axial(0.0), axial(2.001), axial(4.0)]).unwrap();
        assert_eq!(grid.slice_offsets, None);
    }

    #[test]
    fn one_slice_is_not_a_volume() {
        assert!(Grid::from_slices(&[axial(0.0)]).is_err());
        assert!(Grid::from_slices(&[axial(0.0), axial(0.0)]).is_err());
    }
}
