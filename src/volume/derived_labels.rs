//! Derived objects on reformatted planes. Segmentations (SEG) and structure sets (RTSTRUCT)
//! are drawn on the acquired slices they lie on; to show them on any plane they are
//! voxelised once into a [`ColourVolume`] on the volume's own grid — one byte per voxel, an
//! index into a palette of (colour, the object's style) — as Cornerstone3D turns contours into
//! a label map for MPR. A plane then looks up the voxel nearest each of its pixels, fills at the
//! object's opacity and outlines where the label changes *in the plane*, so outlines are
//! correct on sagittal and oblique planes too. Contours of one ROI on one slice are filled with
//! the even-odd rule, so a contour inside another is a hole.
//!
//! Graphics that are not areas (SR measurements, points, open polylines, text) are projected
//! onto the plane when every point lies within a tolerance of it ([`project_graphics`]).

use std::collections::BTreeMap;

use super::grid::Grid;
use super::reslice::Plane;
use super::vec3::{self, Vec3};
use super::VolumeError;
use crate::viewer::layers::{FrameOverlays, Graphic, LayerStyle, RgbaLayer, Shape};

/// How one palette entry is drawn: the object's colour and its style in the panel.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PaletteEntry {
    pub rgb: [u8; 3],
    /// Fill opacity 0..=1 (applied when `fill`).
    pub opacity: f32,
    pub fill: bool,
    pub outline: bool,
}

/// Labels of derived objects on a volume's grid (0 = nothing, n = `palette[n - 1]`).
#[derive(Clone, Debug, PartialEq)]
pub struct ColourVolume {
    pub columns: u32,
    pub rows: u32,
    pub slices: u32,
    pub labels: Vec<u8>,
    pub palette: Vec<PaletteEntry>,
}

/// Most palette entries (labels are one byte).
pub const MAX_COLOURS: usize = 255;

impl ColourVolume {
    /// An empty label volume over `grid`, refusing more than `budget_bytes`.
    pub fn new(grid: &Grid, budget_bytes: u64) -> Result<ColourVolume, VolumeError> {
        let needed_bytes = grid.voxel_count();
        if needed_bytes > budget_bytes {
            return Err(VolumeError::TooLarge { needed_bytes, budget_bytes });
        }
        let count = usize::try_from(needed_bytes).map_err(|_| VolumeError::TooLarge { needed_bytes, budget_bytes })?;
        Ok(ColourVolume {
            columns: grid.columns,
            rows: grid.rows,
            slices: grid.slices,
            labels: vec![0; count],
            palette: Vec::new(),
        })
    }

    pub fn byte_len(&self) -> u64 {
        self.labels.len() as u64
    }

    /// Voxels carrying a label.
    pub fn covered_voxels(&self) -> u64 {
        self.labels.iter().filter(|l| **l != 0).count() as u64
    }

    /// The label of `entry`, added to the palette if new (None when the palette is full).
    fn label_of(&mut self, entry: PaletteEntry) -> Option<u8> {
        if let Some(found) = self.palette.iter().position(|e| *e == entry) {
            return u8::try_from(found + 1).ok();
        }
        if self.palette.len() >= MAX_COLOURS {
            return None;
        }
        self.palette.push(entry);
        u8::try_from(self.palette.len()).ok()
    }

    fn set(&mut self, i: u32, j: u32, k: u32, label: u8) {
        if i < self.columns && j < self.rows && k < self.slices {
            let index = i as usize + self.columns as usize * (j as usize + self.rows as usize * k as usize);
            if let Some(slot) = self.labels.get_mut(index) {
                *slot = label;
            }
        }
    }

    /// The label of voxel `(i, j, k)` (0 outside).
    pub fn label(&self, i: u32, j: u32, k: u32) -> u8 {
        if i >= self.columns || j >= self.rows || k >= self.slices {
            return 0;
        }
        let index = i as usize + self.columns as usize * (j as usize + self.rows as usize * k as usize);
        self.labels.get(index).copied().unwrap_or(0)
    }

    /// Paints slice `k` from what one object draws there. `overlays` must have been drawn
    /// with the object's style forced to an opaque fill without outline
    /// ([`opaque_fill`]) so every area is complete; `style` is the object's real style, kept
    /// in the palette for drawing planes. Layer pixels (SEG) take their colour; closed filled
    /// shapes (RTSTRUCT contours, filled circles and ellipses) are rasterised at pixel centres,
    /// contours of one item with the even-odd rule.
    pub fn paint_slice(&mut self, k: u32, overlays: &FrameOverlays, style: &LayerStyle) {
        if k >= self.slices {
            return;
        }
        let entry =
            |rgb: [u8; 3]| PaletteEntry { rgb, opacity: style.opacity, fill: style.fill, outline: style.outline };
        for layer in &overlays.layers {
            if layer.columns != self.columns || layer.rows != self.rows {
                continue;
            }
            for (index, pixel) in layer.rgba.chunks_exact(4).enumerate() {
                if pixel[3] == 0 {
                    continue;
                }
                let Some(label) = self.label_of(entry([pixel[0], pixel[1], pixel[2]])) else { continue };
                let (i, j) = ((index % self.columns as usize) as u32, (index / self.columns as usize) as u32);
                self.set(i, j, k, label);
            }
        }
        // Closed filled polygons grouped by owner and colour: even-odd across all of them.
        let mut polygons: BTreeMap<(&str, u32, [u8; 3]), Vec<&[(f64, f64)]>> = BTreeMap::new();
        for graphic in overlays.graphics.iter().filter(|g| g.fill_opacity > 0.0) {
            match &graphic.shape {
                Shape::Polyline { points, closed: true } if points.len() >= 3 => {
                    polygons.entry((graphic.owner.0, graphic.owner.1, graphic.rgb)).or_default().push(points)
                }
                Shape::Circle { center, radius } => {
                    let Some(label) = self.label_of(entry(graphic.rgb)) else { continue };
                    let (cx, cy, r) = (center.0, center.1, *radius);
                    self.fill_where(k, label, |x, y| (x - cx).powi(2) + (y - cy).powi(2) <= r * r);
                }
                Shape::Ellipse { major, minor } => {
                    let Some(label) = self.label_of(entry(graphic.rgb)) else { continue };
                    let centre = ((major[0].0 + major[1].0) / 2.0, (major[0].1 + major[1].1) / 2.0);
                    let (ax, ay) = ((major[1].0 - major[0].0) / 2.0, (major[1].1 - major[0].1) / 2.0);
                    let (bx, by) = ((minor[1].0 - minor[0].0) / 2.0, (minor[1].1 - minor[0].1) / 2.0);
                    let (a2, b2) = (ax * ax + ay * ay, bx * bx + by * by);
                    if a2 <= 0.0 || b2 <= 0.0 {
                        continue;
                    }
                    self.fill_where(k, label, |x, y| {
                        let (dx, dy) = (x - centre.0, y - centre.1);
                        let u = dx * ax + dy * ay;
                        let v = dx * bx + dy * by;
                        u * u / (a2 * a2) + v * v / (b2 * b2) <= 1.0
                    });
                }
                _ => {}
            }
        }
        for ((_, _, rgb), rings) in polygons {
            let Some(label) = self.label_of(entry(rgb)) else { continue };
            self.fill_even_odd(k, label, &rings);
        }
    }

    /// Labels the pixels of slice `k` whose centre (graphics coordinates: +0.5) satisfies `inside`.
    fn fill_where(&mut self, k: u32, label: u8, inside: impl Fn(f64, f64) -> bool) {
        for j in 0..self.rows {
            for i in 0..self.columns {
                if inside(f64::from(i) + 0.5, f64::from(j) + 0.5) {
                    self.set(i, j, k, label);
                }
            }
        }
    }

    /// Scan-line fill of `rings` (image graphics coordinates) with the even-odd rule.
    fn fill_even_odd(&mut self, k: u32, label: u8, rings: &[&[(f64, f64)]]) {
        let mut crossings: Vec<f64> = Vec::new();
        for j in 0..self.rows {
            let y = f64::from(j) + 0.5;
            crossings.clear();
            for ring in rings {
                for (n, a) in ring.iter().enumerate() {
                    let b = ring[(n + 1) % ring.len()];
                    // Half-open rule: an edge counts when y is in [min, max).
                    if (a.1 <= y) != (b.1 <= y) {
                        crossings.push(a.0 + (y - a.1) * (b.0 - a.0) / (b.1 - a.1));
                    }
                }
            }
            crossings.sort_by(f64::total_cmp);
            for pair in crossings.chunks_exact(2) {
                // Pixels whose centre x = i + 0.5 lies in [pair[0], pair[1]).
                let first = (pair[0] - 0.5).ceil().max(0.0);
                let last = (pair[1] - 0.5).ceil() - 1.0;
                if last < first {
                    continue;
                }
                let last = last.min(f64::from(self.columns) - 1.0);
                let mut i = first;
                while i <= last {
                    self.set(i as u32, j, k, label);
                    i += 1.0;
                }
            }
        }
    }

    /// The labels seen on `plane` (nearest voxel per pixel) as a layer on the plane's pixel
    /// grid: filled at each entry's opacity, outlined (opaque) where a pixel's label differs
    /// from a 4-neighbour's. None when nothing is on the plane.
    pub fn plane_layer(&self, grid: &Grid, plane: &Plane) -> Option<RgbaLayer> {
        if (grid.columns, grid.rows, grid.slices) != (self.columns, self.rows, self.slices) {
            return None;
        }
        let (columns, rows) = (plane.columns, plane.rows);
        let base = grid.patient_to_voxel(plane.origin_mm);
        let step = |direction: Vec3| {
            vec3::sub(
                grid.patient_to_voxel(vec3::add(plane.origin_mm, vec3::scale(direction, plane.pixel_spacing_mm))),
                base,
            )
        };
        let (step_x, step_y) = (step(plane.row_direction), step(plane.column_direction));
        let mut labels = vec![0u8; columns as usize * rows as usize];
        let mut any = false;
        for y in 0..rows {
            let row = vec3::add(base, vec3::scale(step_y, f64::from(y)));
            for x in 0..columns {
                let v = vec3::add(row, vec3::scale(step_x, f64::from(x)));
                let (i, j, k) = (v[0].round(), v[1].round(), v[2].round());
                if i < 0.0 || j < 0.0 || k < 0.0 {
                    continue;
                }
                let label = self.label(i as u32, j as u32, k as u32);
                if label != 0 {
                    any = true;
                    labels[x as usize + columns as usize * y as usize] = label;
                }
            }
        }
        if !any {
            return None;
        }
        let mut layer = RgbaLayer::transparent(columns, rows)?;
        let at = |x: i64, y: i64| -> u8 {
            if x < 0 || y < 0 || x >= i64::from(columns) || y >= i64::from(rows) {
                0
            } else {
                labels[x as usize + columns as usize * y as usize]
            }
        };
        for y in 0..i64::from(rows) {
            for x in 0..i64::from(columns) {
                let label = at(x, y);
                let Some(entry) = label.checked_sub(1).and_then(|n| self.palette.get(n as usize)) else { continue };
                let edge = [(1, 0), (-1, 0), (0, 1), (0, -1)].iter().any(|(dx, dy)| at(x + dx, y + dy) != label);
                if entry.outline && edge {
                    layer.blend(x as u32, y as u32, entry.rgb, 1.0);
                } else if entry.fill {
                    layer.blend(x as u32, y as u32, entry.rgb, entry.opacity);
                }
            }
        }
        Some(layer)
    }
}

/// `style` forced to an opaque fill without outline: what [`ColourVolume::paint_slice`] needs
/// drawn (every item still honours the user's hidden set).
pub fn opaque_fill(style: &LayerStyle) -> LayerStyle {
    LayerStyle { hidden: style.hidden.clone(), opacity: 1.0, fill: true, outline: false, selected: None }
}

/// A slice's image plane in patient space: pixel (i, j) centre at `origin + i·Δc·row + j·Δr·column`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SlicePlane {
    pub origin_mm: Vec3,
    pub row_direction: Vec3,
    pub column_direction: Vec3,
    pub column_spacing_mm: f64,
    pub row_spacing_mm: f64,
}

impl SlicePlane {
    /// Patient position of image graphics coordinate `(x, y)` ((0, 0) = the first pixel's corner).
    pub fn to_patient(&self, (x, y): (f64, f64)) -> Vec3 {
        vec3::add(
            vec3::add(self.origin_mm, vec3::scale(self.row_direction, (x - 0.5) * self.column_spacing_mm)),
            vec3::scale(self.column_direction, (y - 0.5) * self.row_spacing_mm),
        )
    }
}

/// Graphics of a slice (`from`) that are not areas, moved onto `plane` in its graphics
/// coordinates, keeping those whose every point lies within `tolerance_mm` of the plane.
/// Filled areas are left to [`ColourVolume`].
pub fn project_graphics(graphics: &[Graphic], from: &SlicePlane, plane: &Plane, tolerance_mm: f64) -> Vec<Graphic> {
    let map = |p: (f64, f64)| -> Option<(f64, f64)> {
        let (x, y, depth) = plane.patient_to_pixel(from.to_patient(p));
        (depth.abs() <= tolerance_mm).then_some((x + 0.5, y + 0.5))
    };
    let scale = from.column_spacing_mm / plane.pixel_spacing_mm;
    let mut out = Vec::new();
    for graphic in graphics.iter().filter(|g| g.fill_opacity <= 0.0) {
        let shape = match &graphic.shape {
            Shape::Polyline { points, closed } => points
                .iter()
                .map(|p| map(*p))
                .collect::<Option<Vec<_>>>()
                .map(|points| Shape::Polyline { points, closed: *closed }),
            Shape::Point { at } => map(*at).map(|at| Shape::Point { at }),
            Shape::Text { at, text } => map(*at).map(|at| Shape::Text { at, text: text.clone() }),
            Shape::Circle { center, radius } => {
                map(*center).map(|center| Shape::Circle { center, radius: radius * scale })
            }
            Shape::Ellipse { major, minor } => match (map(major[0]), map(major[1]), map(minor[0]), map(minor[1])) {
                (Some(a), Some(b), Some(c), Some(d)) => Some(Shape::Ellipse { major: [a, b], minor: [c, d] }),
                _ => None,
            },
        };
        if let Some(shape) = shape {
            out.push(Graphic { shape, ..graphic.clone() });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::volume::grid::SliceGeometry;

    fn grid(slices: u32) -> Grid {
        let slices: Vec<SliceGeometry> = (0..slices)
            .map(|k| SliceGeometry {
                position_mm: [0.0, 0.0, f64::from(k)],
                row_direction: [1.0, 0.0, 0.0],
                column_direction: [0.0, 1.0, 0.0],
                pixel_spacing_mm: [1.0, 1.0],
                rows: 10,
                columns: 10,
            })
            .collect();
        Grid::from_slices(&slices).unwrap()
    }

    fn square(owner: u32, x0: f64, x1: f64, rgb: [u8; 3]) -> Graphic {
        Graphic {
            shape: Shape::Polyline { points: vec![(x0, x0), (x1, x0), (x1, x1), (x0, x1)], closed: true },
            rgb,
            width_px: 0.0,
            fill_opacity: 1.0,
            label: None,
            owner: ("rtstruct", owner),
            highlighted: false,
        }
    }

    #[test]
    fn a_contour_inside_another_of_the_same_roi_is_a_hole() {
        let g = grid(3);
        let mut volume = ColourVolume::new(&g, 1 << 20).unwrap();
        let overlays = FrameOverlays {
            graphics: vec![square(1, 1.0, 9.0, [255, 0, 0]), square(1, 3.0, 7.0, [255, 0, 0])],
            ..Default::default()
        };
        volume.paint_slice(1, &overlays, &LayerStyle::default());
        // Outer square covers pixel centres 1.5..8.5 (8×8 = 64), the hole 3.5..6.5 (4×4 = 16).
        assert_eq!(volume.covered_voxels(), 64 - 16);
        assert_eq!(volume.label(4, 4, 1), 0, "inside the hole");
        assert_ne!(volume.label(1, 1, 1), 0);
        assert_eq!(volume.label(1, 1, 0), 0, "other slices untouched");
    }

    #[test]
    fn a_sagittal_plane_shows_the_labels_of_every_slice_with_outlines_in_the_plane() {
        let g = grid(5);
        let mut volume = ColourVolume::new(&g, 1 << 20).unwrap();
        let style = LayerStyle { opacity: 0.5, fill: true, outline: true, ..Default::default() };
        for k in 1..4 {
            let overlays = FrameOverlays { graphics: vec![square(1, 2.0, 8.0, [0, 255, 0])], ..Default::default() };
            volume.paint_slice(k, &overlays, &style);
        }
        // Sagittal plane x = 5 mm: rows = z (down = −z), columns = y.
        let centre = [5.0, 4.5, 2.0];
        let mut probe = crate::volume::Volume::new(
            g.clone(),
            crate::volume::VoxelKind::U8,
            crate::pipeline::ModalityLut::Identity,
            1 << 20,
        )
        .unwrap();
        probe.padding = 0.0;
        let plane = Plane::covering(&probe, centre, [0.0, 1.0, 0.0], [0.0, 0.0, -1.0], 1.0);
        let layer = volume.plane_layer(&g, &plane).expect("labels on the plane");
        // Labelled voxels on x = 5: y 2..=7 (6) × z 1..=3 (3) = 18 pixels.
        assert_eq!(layer.covered(), 18);
        // The centre pixel of the labelled patch (y = 4.5 → between; take y = 4, z = 2) is filled
        // at half opacity, an edge pixel (y = 2) is outlined opaque.
        let pixel = |y_mm: f64, z_mm: f64| {
            let (x, y, _) = plane.patient_to_pixel([5.0, y_mm, z_mm]);
            let index = (x.round() as usize + plane.columns as usize * y.round() as usize) * 4;
            layer.rgba[index + 3]
        };
        assert_eq!(pixel(4.0, 2.0), 128);
        assert_eq!(pixel(2.0, 2.0), 255);
    }

    #[test]
    fn graphics_project_only_when_on_the_plane() {
        let from = SlicePlane {
            origin_mm: [0.0, 0.0, 2.0],
            row_direction: [1.0, 0.0, 0.0],
            column_direction: [0.0, 1.0, 0.0],
            column_spacing_mm: 1.0,
            row_spacing_mm: 1.0,
        };
        let line = Graphic { fill_opacity: 0.0, ..square(1, 1.0, 3.0, [1, 2, 3]) };
        let g = grid(5);
        let probe = crate::volume::Volume::new(g, crate::volume::VoxelKind::U8, Default::default(), 1 << 20).unwrap();
        let axial = Plane::covering(&probe, [4.5, 4.5, 2.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], 1.0);
        let moved = project_graphics(std::slice::from_ref(&line), &from, &axial, 0.5);
        assert_eq!(moved.len(), 1);
        let Shape::Polyline { points, .. } = &moved[0].shape else { panic!() };
        // Graphics (1, 1) is voxel (0.5, 0.5) → plane pixel (0.5, 0.5) → graphics (1, 1).
        assert!((points[0].0 - 1.0).abs() < 1e-9 && (points[0].1 - 1.0).abs() < 1e-9, "{points:?}");
        let elsewhere = Plane::covering(&probe, [4.5, 4.5, 3.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], 1.0);
        assert!(project_graphics(&[line], &from, &elsewhere, 0.5).is_empty());
    }
}
