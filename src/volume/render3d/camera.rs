//! The camera of the 3-D view: an orthographic camera orbiting the centre of the volume.
//!
//! Patient coordinates are DICOM's (PS3.3 C.7.6.2.1.1): +x toward the patient's left, +y toward
//! the back (posterior), +z toward the head. At azimuth 0° and elevation 0° the camera looks at
//! the patient from the front (anterior view): screen right is the patient's left, screen up is
//! the head, as a radiologist facing the patient sees it. Positive azimuth moves the camera
//! around the head–foot axis toward the patient's left (90°: left lateral view); positive
//! elevation moves it toward the head (90°: looking down from above, screen up = posterior).
//!
//! With `eye` the unit vector from the volume centre toward the camera, θ the azimuth and φ the
//! elevation:
//!
//! ```text
//! eye     = ( sin θ·cos φ, −cos θ·cos φ, sin φ )
//! right   = ( cos θ, sin θ, 0 )
//! up      = eye × right
//! forward = −eye                    (the direction every ray travels)
//! ```
//!
//! `right × up = eye`, so (right, up, eye) is right-handed. The projection is orthographic;
//! see [`Projection`].

use crate::volume::grid::Grid;
use crate::volume::vec3::{self, Vec3};

/// Degrees of rotation per CSS pixel of drag.
pub const DEGREES_PER_PIXEL: f64 = 0.5;
/// Zoom range (1 = the volume's bounding sphere fills the smaller side of the view).
pub const MIN_ZOOM: f64 = 0.25;
pub const MAX_ZOOM: f64 = 16.0;

/// Where the camera looks from: angles in degrees, zoom as a factor, pan in mm on the screen
/// plane (right, up) from the volume centre.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Camera {
    pub azimuth_deg: f64,
    /// Clamped to [-90, 90].
    pub elevation_deg: f64,
    pub zoom: f64,
    /// Offset of the point shown at the view's centre from the volume centre, mm along
    /// (right, up).
    pub pan_mm: [f64; 2],
}

impl Default for Camera {
    fn default() -> Camera {
        Camera { azimuth_deg: 0.0, elevation_deg: 0.0, zoom: 1.0, pan_mm: [0.0, 0.0] }
    }
}

/// The camera's unit axes in patient space.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Axes {
    /// Screen right.
    pub right: Vec3,
    /// Screen up.
    pub up: Vec3,
    /// From the centre toward the camera.
    pub eye: Vec3,
    /// Direction of the rays (−eye).
    pub forward: Vec3,
}

impl Camera {
    pub fn axes(&self) -> Axes {
        let (theta, phi) = (self.azimuth_deg.to_radians(), self.elevation_deg.clamp(-90.0, 90.0).to_radians());
        let eye = [theta.sin() * phi.cos(), -theta.cos() * phi.cos(), phi.sin()];
        let right = [theta.cos(), theta.sin(), 0.0];
        let up = vec3::cross(eye, right);
        Axes { right, up, eye, forward: vec3::scale(eye, -1.0) }
    }

    /// Turns the camera for a drag of (`dx`, `dy`) CSS pixels (right, down): the volume follows
    /// the pointer (a drag to the right turns its front to the right, i.e. the camera moves to
    /// the patient's right; a drag down tips its top toward the viewer). Azimuth stays in
    /// (-180, 180], elevation in [-90, 90].
    pub fn rotate_by_drag(&mut self, dx: f64, dy: f64) {
        if !(dx.is_finite() && dy.is_finite()) {
            return;
        }
        self.azimuth_deg = wrap_degrees(self.azimuth_deg - dx * DEGREES_PER_PIXEL);
        self.elevation_deg = (self.elevation_deg + dy * DEGREES_PER_PIXEL).clamp(-90.0, 90.0);
    }

    /// Zooms by `factor` (>1 enlarges), within [`MIN_ZOOM`, `MAX_ZOOM`].
    pub fn zoom_by(&mut self, factor: f64) {
        if factor.is_finite() && factor > 0.0 {
            self.zoom = (self.zoom * factor).clamp(MIN_ZOOM, MAX_ZOOM);
        }
    }

    /// Zoom factor for a wheel movement of `delta_y` (pixels; negative = away from the user =
    /// enlarge), 1.1× per 100 px.
    pub fn wheel_factor(delta_y: f64) -> f64 {
        if delta_y.is_finite() {
            1.1f64.powf(-delta_y.clamp(-1000.0, 1000.0) / 100.0)
        } else {
            1.0
        }
    }

    /// Pans so that the picture follows a drag of (`dx`, `dy`) canvas pixels (right, down)
    /// at `mm_per_pixel` (from [`Projection::mm_per_pixel`]).
    pub fn pan_by_drag(&mut self, dx: f64, dy: f64, mm_per_pixel: f64) {
        if dx.is_finite() && dy.is_finite() && mm_per_pixel.is_finite() {
            self.pan_mm[0] -= dx * mm_per_pixel;
            self.pan_mm[1] += dy * mm_per_pixel;
        }
    }
}

/// `degrees` in (-180, 180].
pub fn wrap_degrees(degrees: f64) -> f64 {
    let wrapped = degrees.rem_euclid(360.0);
    if wrapped > 180.0 {
        wrapped - 360.0
    } else {
        wrapped
    }
}

/// The orthographic projection of a `width`×`height` view (pixels, y down) of a volume:
///
/// ```text
/// mm_per_pixel = extent_mm / (min(width, height) · zoom)
/// extent_mm    = 2 · max |corner − centre| over the 8 corner voxel centres (≥ 1 mm)
/// view_centre  = centre + pan_x·right + pan_y·up
/// P(x, y)      = view_centre + ((x + 0.5) − width/2)·mm_per_pixel·right
///                            + (height/2 − (y + 0.5))·mm_per_pixel·up
/// ray(x, y, t) = P(x, y) + t·forward        (t in mm; t = 0 on the plane through view_centre)
/// ```
///
/// In voxel coordinates (`Grid::patient_to_voxel`, affine) the same ray is
/// `voxel_origin + x·voxel_dx + y·voxel_dy + t·voxel_forward` with the four vectors below:
/// a GPU vertex/fragment shader needs only these (plus the grid size) to reproduce it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Projection {
    pub width: u32,
    pub height: u32,
    pub axes: Axes,
    pub mm_per_pixel: f64,
    /// P(0, 0) in patient space (mm): centre of the top-left pixel.
    pub first_pixel_mm: Vec3,
    /// Voxel coordinate of P(0, 0).
    pub voxel_origin: Vec3,
    /// Voxel-space change per pixel to the right, per pixel down, and per mm along the ray.
    pub voxel_dx: Vec3,
    pub voxel_dy: Vec3,
    pub voxel_forward: Vec3,
}

impl Projection {
    pub fn new(grid: &Grid, camera: &Camera, width: u32, height: u32) -> Projection {
        let (width, height) = (width.max(1), height.max(1));
        let axes = camera.axes();
        let centre = grid.centre_mm();
        let radius = grid.corners_mm().iter().map(|c| vec3::length(vec3::sub(*c, centre))).fold(0.0, f64::max);
        let extent_mm = (2.0 * radius).max(1.0);
        let zoom = if camera.zoom.is_finite() && camera.zoom > 0.0 { camera.zoom } else { 1.0 };
        let mm_per_pixel = extent_mm / (f64::from(width.min(height)) * zoom);
        let view_centre = vec3::add(
            vec3::add(centre, vec3::scale(axes.right, camera.pan_mm[0])),
            vec3::scale(axes.up, camera.pan_mm[1]),
        );
        let first_pixel_mm = vec3::add(
            vec3::add(view_centre, vec3::scale(axes.right, (0.5 - f64::from(width) / 2.0) * mm_per_pixel)),
            vec3::scale(axes.up, (f64::from(height) / 2.0 - 0.5) * mm_per_pixel),
        );
        let voxel_origin = grid.patient_to_voxel(first_pixel_mm);
        let towards = |d: Vec3| vec3::sub(grid.patient_to_voxel(vec3::add(first_pixel_mm, d)), voxel_origin);
        Projection {
            width,
            height,
            axes,
            mm_per_pixel,
            first_pixel_mm,
            voxel_origin,
            voxel_dx: towards(vec3::scale(axes.right, mm_per_pixel)),
            voxel_dy: towards(vec3::scale(axes.up, -mm_per_pixel)),
            voxel_forward: towards(axes.forward),
        }
    }

    /// Patient position of the centre of pixel (x, y) on the plane t = 0.
    pub fn pixel_to_patient(&self, x: f64, y: f64) -> Vec3 {
        vec3::add(
            vec3::add(self.first_pixel_mm, vec3::scale(self.axes.right, x * self.mm_per_pixel)),
            vec3::scale(self.axes.up, -y * self.mm_per_pixel),
        )
    }

    /// The ray through the centre of pixel (x, y) in voxel coordinates: (origin at t = 0,
    /// change per mm of t).
    pub fn voxel_ray(&self, x: u32, y: u32) -> (Vec3, Vec3) {
        let origin = vec3::add(
            vec3::add(self.voxel_origin, vec3::scale(self.voxel_dx, f64::from(x))),
            vec3::scale(self.voxel_dy, f64::from(y)),
        );
        (origin, self.voxel_forward)
    }

    /// Canvas pixel (continuous, y down) where patient point `p` projects.
    pub fn patient_to_pixel(&self, p: Vec3) -> (f64, f64) {
        let d = vec3::sub(p, self.first_pixel_mm);
        (vec3::dot(d, self.axes.right) / self.mm_per_pixel, -vec3::dot(d, self.axes.up) / self.mm_per_pixel)
    }
}

/// The part `[t_near, t_far]` (mm) of the ray `origin + t·direction` (voxel coordinates) inside
/// the box `[-0.5, n - 0.5]` on each axis (`n` = columns, rows, slices): the region
/// `Volume::sample` answers. None when the ray misses it.
pub fn clip_to_box(origin: Vec3, direction: Vec3, size: [u32; 3]) -> Option<(f64, f64)> {
    let (mut near, mut far) = (f64::NEG_INFINITY, f64::INFINITY);
    for axis in 0..3 {
        let (low, high) = (-0.5, f64::from(size[axis]) - 0.5);
        let (o, d) = (origin[axis], direction[axis]);
        if d.abs() < 1e-12 {
            if o < low || o > high {
                return None;
            }
            continue;
        }
        let (a, b) = ((low - o) / d, (high - o) / d);
        near = near.max(a.min(b));
        far = far.min(a.max(b));
    }
    (near <= far && near.is_finite() && far.is_finite()).then_some((near, far))
}
