//! The parts of a presentation state that change how the image itself is shown, as values the
//! pane applies: grey transforms (`pipeline::SoftcopyTransforms`), spatial transformation
//! (PS3.3 C.10.6: rotate clockwise, then flip horizontally) and displayed area (C.10.4) as a
//! `ViewTransform`, and the display geometry DISPLAY-unit annotations are placed in.

use super::{applies, DisplayedArea, PresentationState, SizeMode, Units};
use crate::pipeline::SoftcopyTransforms;
use crate::viewer::transform::ViewTransform;
use crate::viewer::viewport::Viewport;

/// The displayed area of one frame in continuous image coordinates and the state's rotation
/// and flip: what DISPLAY units (0..1 of the area as shown) are relative to.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DisplayGeometry {
    /// Top-left corner (x, y) and bottom-right corner of the area, image pixels ((0, 0) is the
    /// top-left corner of the first pixel).
    pub top_left: (f64, f64),
    pub bottom_right: (f64, f64),
    pub orientation: ViewTransform,
}

impl DisplayGeometry {
    /// A point in `units` as image pixel coordinates.
    pub fn to_image(&self, units: Units, point: (f64, f64)) -> (f64, f64) {
        match units {
            Units::Pixel => point,
            Units::Display => {
                let (width, height) = (self.bottom_right.0 - self.top_left.0, self.bottom_right.1 - self.top_left.1);
                let centre =
                    ((self.top_left.0 + self.bottom_right.0) / 2.0, (self.top_left.1 + self.bottom_right.1) / 2.0);
                // Extents as shown: a quarter turn swaps them.
                let (shown_w, shown_h) =
                    if self.orientation.rotation % 2 == 1 { (height, width) } else { (width, height) };
                let screen = ((point.0 - 0.5) * shown_w, (point.1 - 0.5) * shown_h);
                let offset = self.orientation.image_direction_of_screen(screen);
                (centre.0 + offset.0, centre.1 + offset.1)
            }
        }
    }
}

impl PresentationState {
    /// The state's grey transforms for this frame (PS3.4 N.2): its Modality LUT, the first
    /// Softcopy VOI LUT item naming the frame, its Presentation LUT.
    pub fn softcopy_for(&self, sop_instance_uid: &str, frame_number: u32) -> SoftcopyTransforms {
        SoftcopyTransforms {
            modality: self.modality_lut.clone(),
            voi: self.vois.iter().find(|v| applies(&v.images, sop_instance_uid, frame_number)).map(|v| v.voi.clone()),
            presentation: self.presentation.clone(),
        }
    }

    /// Rotation (quarter turns clockwise) and horizontal flip as a view transform at fit.
    pub fn orientation(&self) -> ViewTransform {
        ViewTransform {
            rotation: (self.rotation_degrees / 90 % 4) as u8,
            flip_horizontal: self.flip_horizontal,
            ..ViewTransform::default()
        }
    }

    /// The Displayed Area Selection item that applies to this frame.
    pub fn displayed_area(&self, sop_instance_uid: &str, frame_number: u32) -> Option<&DisplayedArea> {
        self.displayed_areas.iter().find(|a| applies(&a.images, sop_instance_uid, frame_number))
    }

    /// Geometry for DISPLAY units on this frame: its displayed area, else the whole image.
    pub fn display_geometry(
        &self,
        sop_instance_uid: &str,
        frame_number: u32,
        columns: u32,
        rows: u32,
    ) -> DisplayGeometry {
        let (top_left, bottom_right) = match self.displayed_area(sop_instance_uid, frame_number) {
            Some(area) => area_corners(area),
            None => ((0.0, 0.0), (f64::from(columns), f64::from(rows))),
        };
        DisplayGeometry { top_left, bottom_right, orientation: self.orientation() }
    }

    /// The view that shows this frame as the state says: rotated and flipped, the displayed
    /// area centred and scaled to fit the canvas (SCALE TO FIT; TRUE SIZE is fitted too, the
    /// display's physical pixel size being unknown) or magnified (MAGNIFY: canvas pixels per
    /// image pixel). `pixel_aspect` is the image's row/column spacing ratio.
    pub fn view_transform(
        &self,
        sop_instance_uid: &str,
        frame_number: u32,
        (columns, rows): (u32, u32),
        pixel_aspect: f64,
        (canvas_width, canvas_height): (f64, f64),
    ) -> ViewTransform {
        let mut viewport = Viewport::new(columns, rows, pixel_aspect, canvas_width, canvas_height);
        viewport.transform = self.orientation();
        let Some(area) = self.displayed_area(sop_instance_uid, frame_number) else { return viewport.transform };
        let aspect = if pixel_aspect.is_finite() && pixel_aspect > 0.0 { pixel_aspect.clamp(1e-3, 1e3) } else { 1.0 };
        let ((x0, y0), (x1, y1)) = area_corners(area);
        let (width, height) = ((x1 - x0).abs().max(1.0), ((y1 - y0).abs() * aspect).max(1e-9));
        let (shown_w, shown_h) = if viewport.transform.rotation % 2 == 1 { (height, width) } else { (width, height) };
        let (canvas_width, canvas_height) = viewport.canvas_size();
        let scale = match area.size_mode {
            SizeMode::Magnify(m) => m,
            SizeMode::ScaleToFit | SizeMode::TrueSize => (canvas_width / shown_w).min(canvas_height / shown_h),
        };
        let fit = viewport.fit_scale();
        let mut transform = viewport.transform;
        transform.zoom = (scale / fit).clamp(ViewTransform::MIN_ZOOM, ViewTransform::MAX_ZOOM);
        let scale = fit * transform.zoom;
        let m = transform.orientation_matrix();
        let centre = (
            ((x0 + x1) / 2.0 - f64::from(columns.max(1)) / 2.0),
            ((y0 + y1) / 2.0 - f64::from(rows.max(1)) / 2.0) * aspect,
        );
        transform.pan =
            (-scale * (m[0][0] * centre.0 + m[0][1] * centre.1), -scale * (m[1][0] * centre.0 + m[1][1] * centre.1));
        transform
    }
}

/// Corners of a displayed area in continuous image coordinates: pixel (c, r) from 1 covers
/// [c − 1, c] × [r − 1, r].
fn area_corners(area: &DisplayedArea) -> ((f64, f64), (f64, f64)) {
    let (c0, r0) = area.top_left;
    let (c1, r1) = area.bottom_right;
    ((c0.min(c1) as f64 - 1.0, r0.min(r1) as f64 - 1.0), (c0.max(c1) as f64, r0.max(r1) as f64))
}
