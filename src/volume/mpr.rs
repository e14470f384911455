//! Multi-planar reformatting state: the three mutually perpendicular planes through one point
//! of a volume (the crosshair centre), their orientation (standard or rotated, oblique) and
//! the thick-slab setting they share. Plain values; the viewport turns pointer drags into
//! calls on it and draws the planes it describes through `reslice` (PS3.3 C.7.6.2.1.1 for the
//! patient coordinate system, LPS: +x left, +y posterior, +z head).
//!
//! Conventions (radiological, as OHIF shows them):
//! - axial: rows run to the patient's left (+x), columns to posterior (+y): seen from the feet,
//!   the patient's right on the viewer's left, anterior at the top;
//! - sagittal: rows run posterior (+y), columns toward the feet (−z): anterior on the left;
//! - coronal: rows run left (+x), columns toward the feet (−z): seen from the front.
//!
//! Rotating in one view (dragging a reference line) turns the two OTHER planes about that
//! view's normal, so the three planes stay perpendicular and the view dragged in keeps its
//! image. Moving the centre in one view keeps that view's plane and moves the two others.

use super::grid::Grid;
use super::reslice::{Plane, Slab};
use super::vec3::{self, Vec3};
use super::voxels::Volume;

/// Which of the three linked planes a viewport shows. Named after the patient plane each is
/// when not rotated; the normal (row × column) points toward the head (axial), the patient's
/// right (sagittal) and posterior (coronal).
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

    /// Position in `MprAxis::ALL` (and in `MprState::axes`).
    pub fn index(self) -> usize {
        match self {
            MprAxis::Axial => 0,
            MprAxis::Sagittal => 1,
            MprAxis::Coronal => 2,
        }
    }

    /// The unrotated plane's (row, column) directions in patient space (module doc).
    pub fn standard(self) -> PlaneAxes {
        match self {
            MprAxis::Axial => PlaneAxes { row: [1.0, 0.0, 0.0], column: [0.0, 1.0, 0.0] },
            MprAxis::Sagittal => PlaneAxes { row: [0.0, 1.0, 0.0], column: [0.0, 0.0, -1.0] },
            MprAxis::Coronal => PlaneAxes { row: [1.0, 0.0, 0.0], column: [0.0, 0.0, -1.0] },
        }
    }

    /// The two other planes.
    pub fn others(self) -> [MprAxis; 2] {
        match self {
            MprAxis::Axial => [MprAxis::Sagittal, MprAxis::Coronal],
            MprAxis::Sagittal => [MprAxis::Axial, MprAxis::Coronal],
            MprAxis::Coronal => [MprAxis::Axial, MprAxis::Sagittal],
        }
    }

    /// The crosshair colour of this plane (its reference line in the other views, its frame
    /// in its own), as OHIF colours them.
    pub fn colour(self) -> &'static str {
        match self {
            MprAxis::Axial => "rgb(200, 0, 0)",
            MprAxis::Sagittal => "rgb(200, 200, 0)",
            MprAxis::Coronal => "rgb(0, 200, 0)",
        }
    }
}

/// The in-plane directions of one MPR plane (unit, perpendicular).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlaneAxes {
    /// Direction of increasing x (to the right on screen).
    pub row: Vec3,
    /// Direction of increasing y (down on screen).
    pub column: Vec3,
}

impl PlaneAxes {
    /// Unit normal (row × column).
    pub fn normal(&self) -> Vec3 {
        vec3::normalize(vec3::cross(self.row, self.column))
    }

    fn rotated(&self, axis: Vec3, angle_rad: f64) -> PlaneAxes {
        PlaneAxes { row: rotate(self.row, axis, angle_rad), column: rotate(self.column, axis, angle_rad) }
    }
}

/// `v` turned by `angle_rad` about unit `axis` (right-handed; Rodrigues' formula).
pub fn rotate(v: Vec3, axis: Vec3, angle_rad: f64) -> Vec3 {
    let k = vec3::normalize(axis);
    let (sin, cos) = angle_rad.sin_cos();
    let a = vec3::scale(v, cos);
    let b = vec3::scale(vec3::cross(k, v), sin);
    let c = vec3::scale(k, vec3::dot(k, v) * (1.0 - cos));
    vec3::add(vec3::add(a, b), c)
}

/// A line segment in a plane's pixel coordinates (x, y), from one edge of the plane to another.
pub type Segment = ((f64, f64), (f64, f64));

/// The shared state of the MPR viewports of one volume.
#[derive(Debug, Clone, PartialEq)]
pub struct MprState {
    /// The display set reformatted.
    pub display_set: Option<String>,
    /// The crosshair centre, mm (None: the voxel nearest the volume's centre).
    pub centre_mm: Option<Vec3>,
    /// Thick slab shared by the planes (None: thin planes).
    pub slab: Option<Slab>,
    /// The (row, column) directions of each plane, in `MprAxis::ALL` order.
    pub axes: [PlaneAxes; 3],
}

impl Default for MprState {
    fn default() -> MprState {
        MprState { display_set: None, centre_mm: None, slab: None, axes: MprAxis::ALL.map(MprAxis::standard) }
    }
}

impl MprState {
    /// Standard planes through the middle of `display_set`, thin.
    pub fn new(display_set: Option<String>) -> MprState {
        MprState { display_set, ..MprState::default() }
    }

    /// The orientation of `axis`'s plane.
    pub fn axes_of(&self, axis: MprAxis) -> PlaneAxes {
        self.axes[axis.index()]
    }

    /// Whether any plane was rotated away from the standard orientation.
    pub fn is_oblique(&self) -> bool {
        MprAxis::ALL.iter().any(|axis| {
            let (now, standard) = (self.axes_of(*axis), axis.standard());
            vec3::length(vec3::sub(now.row, standard.row)) > 1e-9
                || vec3::length(vec3::sub(now.column, standard.column)) > 1e-9
        })
    }

    /// Back to the standard orientation (the centre and slab stay).
    pub fn reset_rotation(&mut self) {
        self.axes = MprAxis::ALL.map(MprAxis::standard);
    }

    /// The crosshair centre, mm: the one set, else the voxel centre nearest the middle of the
    /// volume (so unrotated planes pass through voxel centres and show acquired values).
    pub fn centre(&self, volume: &Volume) -> Vec3 {
        self.centre_mm.unwrap_or_else(|| {
            let g = &volume.grid;
            g.voxel_to_patient([
                f64::from(g.columns.saturating_sub(1) / 2),
                f64::from(g.rows.saturating_sub(1) / 2),
                f64::from(g.slices.saturating_sub(1) / 2),
            ])
        })
    }

    /// The plane `axis` shows: through the centre, covering the whole volume, with pixels of
    /// the volume's finest voxel spacing. Its pixel grid is laid out about the volume's middle
    /// (projected onto the plane), not about the crosshair: moving the centre within a plane
    /// leaves that plane's image where it is, and an unrotated plane's pixels fall on voxel
    /// centres.
    pub fn plane(&self, axis: MprAxis, volume: &Volume) -> Plane {
        let axes = self.axes_of(axis);
        let normal = axes.normal();
        let centre = self.centre(volume);
        let middle = volume.grid.centre_mm();
        let anchor = vec3::sub(middle, vec3::scale(normal, vec3::dot(vec3::sub(middle, centre), normal)));
        Plane::covering(volume, anchor, axes.row, axes.column, volume.grid.finest_spacing_mm())
    }

    /// The crosshair centre in `plane`'s pixel coordinates.
    pub fn centre_in(&self, plane: &Plane, volume: &Volume) -> (f64, f64) {
        let (x, y, _) = plane.patient_to_pixel(self.centre(volume));
        (x, y)
    }

    /// The line where `other`'s plane cuts `plane` (the plane `shown` shows), in `plane`'s
    /// pixel coordinates, clipped to its pixels' outer edges. None when the planes are
    /// parallel or the line misses the plane.
    pub fn reference_line(&self, plane: &Plane, other: MprAxis, volume: &Volume) -> Option<Segment> {
        let direction = vec3::cross(plane.normal(), self.axes_of(other).normal());
        if vec3::length(direction) < 1e-9 {
            return None;
        }
        let (dx, dy) = (vec3::dot(direction, plane.row_direction), vec3::dot(direction, plane.column_direction));
        // The other plane passes through the centre, which lies on `plane` too.
        let centre = self.centre_in(plane, volume);
        clip_line(centre, (dx, dy), (-0.5, -0.5), (f64::from(plane.columns) - 0.5, f64::from(plane.rows) - 0.5))
    }

    /// Moves the centre to pixel `to` of `plane` (the plane `axis` shows): that plane stays, the
    /// two others move. Along grid axes lying in the plane the centre snaps to voxel centres, so
    /// unrotated planes keep showing acquired values rather than interpolated ones.
    pub fn move_centre(&mut self, axis: MprAxis, plane: &Plane, to: (f64, f64), volume: &Volume) {
        let target = plane.pixel_to_patient(to.0, to.1);
        let normal = self.axes_of(axis).normal();
        let grid = &volume.grid;
        let mut voxel = grid.patient_to_voxel(target);
        for (component, direction) in grid_axes(grid).iter().enumerate() {
            if vec3::dot(*direction, normal).abs() < 1e-6 {
                voxel[component] = voxel[component].round();
            }
        }
        let snapped = grid.voxel_to_patient(voxel);
        self.centre_mm = Some(if voxel.iter().all(|v| v.is_finite()) { snapped } else { target });
    }

    /// How far (mm) along `axis`'s normal one scroll step moves its plane: one voxel of the grid
    /// axis nearest that normal.
    pub fn step_mm(&self, axis: MprAxis, volume: &Volume) -> f64 {
        let normal = self.axes_of(axis).normal();
        let grid = &volume.grid;
        let (component, _) = nearest_grid_axis(grid, normal);
        let change = vec3::sub(grid.patient_to_voxel(normal), grid.patient_to_voxel([0.0; 3]))[component].abs();
        if change > 1e-9 && change.is_finite() {
            1.0 / change
        } else {
            grid.finest_spacing_mm()
        }
    }

    /// Moves `axis`'s plane `steps` voxel steps along its normal (the two others stay), kept
    /// within the volume.
    pub fn scroll(&mut self, axis: MprAxis, steps: i64, volume: &Volume) {
        let normal = self.axes_of(axis).normal();
        let centre = self.centre(volume);
        let wanted = steps as f64 * self.step_mm(axis, volume);
        // The span of the volume's voxel centres along the normal, relative to the centre.
        let (mut low, mut high) = (f64::MAX, f64::MIN);
        for corner in volume.grid.corners_mm() {
            let t = vec3::dot(vec3::sub(corner, centre), normal);
            low = low.min(t);
            high = high.max(t);
        }
        let t = wanted.clamp(low.min(0.0), high.max(0.0));
        // Whole steps only, so a plane on voxel centres stays on them.
        let step = self.step_mm(axis, volume);
        let t = if step > 0.0 { (t / step).trunc() * step } else { t };
        self.centre_mm = Some(vec3::add(centre, vec3::scale(normal, t)));
    }

    /// Turns the two planes other than `axis` by `angle_rad` about `axis`'s normal (a reference
    /// line dragged in the view of `axis`); positive turns from the row toward the column
    /// direction, i.e. clockwise on screen.
    pub fn rotate(&mut self, axis: MprAxis, angle_rad: f64) {
        let normal = self.axes_of(axis).normal();
        for other in axis.others() {
            let rotated = self.axes[other.index()].rotated(normal, angle_rad);
            self.axes[other.index()] = rotated;
        }
    }

    /// The plane position of `axis` as a test hook: the centre's voxel coordinate along the grid
    /// axis nearest the plane's normal (column, row or slice index), rounded.
    pub fn index(&self, axis: MprAxis, volume: &Volume) -> i64 {
        let grid = &volume.grid;
        let (component, _) = nearest_grid_axis(grid, self.axes_of(axis).normal());
        grid.patient_to_voxel(self.centre(volume))[component].round() as i64
    }

    /// How many positions `index` takes for `axis` (voxels along that grid axis).
    pub fn index_count(&self, axis: MprAxis, volume: &Volume) -> u32 {
        let grid = &volume.grid;
        match nearest_grid_axis(grid, self.axes_of(axis).normal()).0 {
            0 => grid.columns,
            1 => grid.rows,
            _ => grid.slices,
        }
    }
}

/// The angle (radians) a reference-line drag from `from` to `to` turns about `centre`, in a
/// plane's pixel coordinates (positive: clockwise on screen, y pointing down).
pub fn drag_angle(centre: (f64, f64), from: (f64, f64), to: (f64, f64)) -> f64 {
    let a = (from.1 - centre.1).atan2(from.0 - centre.0);
    let b = (to.1 - centre.1).atan2(to.0 - centre.0);
    let mut angle = b - a;
    while angle > std::f64::consts::PI {
        angle -= 2.0 * std::f64::consts::PI;
    }
    while angle < -std::f64::consts::PI {
        angle += 2.0 * std::f64::consts::PI;
    }
    angle
}

/// Distance (pixels) from `point` to segment `segment`.
pub fn distance_to_segment(point: (f64, f64), segment: Segment) -> f64 {
    let ((ax, ay), (bx, by)) = segment;
    let (dx, dy) = (bx - ax, by - ay);
    let length2 = dx * dx + dy * dy;
    let t = if length2 > 0.0 { (((point.0 - ax) * dx + (point.1 - ay) * dy) / length2).clamp(0.0, 1.0) } else { 0.0 };
    let (px, py) = (ax + t * dx, ay + t * dy);
    ((point.0 - px).powi(2) + (point.1 - py).powi(2)).sqrt()
}

/// Unit directions of the grid's i, j, k axes.
fn grid_axes(grid: &Grid) -> [Vec3; 3] {
    [grid.row_direction, grid.column_direction, vec3::normalize(grid.slice_step_mm)]
}

/// The grid axis (0 = i, 1 = j, 2 = k) most parallel to `direction`, and |cos| of the angle.
fn nearest_grid_axis(grid: &Grid, direction: Vec3) -> (usize, f64) {
    grid_axes(grid).iter().map(|axis| vec3::dot(*axis, direction).abs()).enumerate().fold((2, -1.0), |best, (n, c)| {
        if c > best.1 + 1e-9 {
            (n, c)
        } else {
            best
        }
    })
}

/// The part of the line `start + t·direction` inside the rectangle `low`–`high`
/// (Liang–Barsky), None when it misses.
fn clip_line(start: (f64, f64), direction: (f64, f64), low: (f64, f64), high: (f64, f64)) -> Option<Segment> {
    let (mut t0, mut t1) = (f64::NEG_INFINITY, f64::INFINITY);
    for (p, d, lo, hi) in [(start.0, direction.0, low.0, high.0), (start.1, direction.1, low.1, high.1)] {
        if d.abs() < 1e-12 {
            if p < lo || p > hi {
                return None;
            }
            continue;
        }
        let (a, b) = ((lo - p) / d, (hi - p) / d);
        t0 = t0.max(a.min(b));
        t1 = t1.min(a.max(b));
    }
    if !t0.is_finite() || !t1.is_finite() || t0 > t1 {
        return None;
    }
    let at = |t: f64| (start.0 + t * direction.0, start.1 + t * direction.1);
    Some((at(t0), at(t1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_planes_are_perpendicular_and_right_handed() {
        let state = MprState::default();
        assert_eq!(state.axes_of(MprAxis::Axial).normal(), [0.0, 0.0, 1.0]);
        assert_eq!(state.axes_of(MprAxis::Sagittal).normal(), [-1.0, 0.0, 0.0]);
        assert_eq!(state.axes_of(MprAxis::Coronal).normal(), [0.0, 1.0, 0.0]);
        assert!(!state.is_oblique());
    }

    #[test]
    fn rotating_turns_only_the_other_planes_and_keeps_them_perpendicular() {
        let mut state = MprState::default();
        state.rotate(MprAxis::Axial, 30f64.to_radians());
        assert_eq!(state.axes_of(MprAxis::Axial), MprAxis::Axial.standard());
        let (s, c) = (state.axes_of(MprAxis::Sagittal).normal(), state.axes_of(MprAxis::Coronal).normal());
        assert!(vec3::dot(s, c).abs() < 1e-12);
        assert!(vec3::dot(s, [0.0, 0.0, 1.0]).abs() < 1e-12);
        // The sagittal normal (−x) turned 30° from x toward y about +z.
        let expected = [-(30f64.to_radians().cos()), -(30f64.to_radians().sin()), 0.0];
        assert!(vec3::length(vec3::sub(s, expected)) < 1e-12, "{s:?}");
        assert!(state.is_oblique());
        state.reset_rotation();
        assert!(!state.is_oblique());
    }

    #[test]
    fn clipping_a_line_to_a_rectangle() {
        let segment = clip_line((5.0, 5.0), (1.0, 0.0), (-0.5, -0.5), (9.5, 9.5)).unwrap();
        assert_eq!(segment, ((-0.5, 5.0), (9.5, 5.0)));
        assert!(clip_line((5.0, 20.0), (1.0, 0.0), (-0.5, -0.5), (9.5, 9.5)).is_none());
        let diagonal = clip_line((0.0, 0.0), (1.0, 1.0), (-1.0, -1.0), (1.0, 3.0)).unwrap();
        assert_eq!(diagonal, ((-1.0, -1.0), (1.0, 1.0)));
    }

    #[test]
    fn drag_angles_turn_clockwise_on_screen() {
        let quarter = drag_angle((0.0, 0.0), (1.0, 0.0), (0.0, 1.0));
        assert!((quarter - std::f64::consts::FRAC_PI_2).abs() < 1e-12);
        let back = drag_angle((0.0, 0.0), (-1.0, 0.1), (-1.0, -0.1));
        assert!(back.abs() < 0.3 && back > 0.0);
        assert!((distance_to_segment((1.0, 1.0), ((0.0, 0.0), (2.0, 0.0))) - 1.0).abs() < 1e-12);
    }
}
