//! The app icon, drawn here from one list of shapes: as SVG (`public/favicon.svg`, checked by a
//! test) and rasterised into RGBA for the PNG icons of the web app manifest (W3C Web App
//! Manifest §icons; the maskable variant keeps its drawing inside the safe zone, a circle of
//! 40 % of the icon's size around its centre, W3C Manifest "purpose: maskable").

/// The drawing's coordinate system: a 32 × 32 square (the SVG viewBox).
pub const VIEW_UNITS: f64 = 32.0;

/// Corner radius of the rounded background square, in view units.
const CORNER_RADIUS_UNITS: f64 = 6.0;

/// Background of the icon (the favicon's, close to the dark theme's `--bg`).
const BACKGROUND: [u8; 3] = [0x11, 0x11, 0x11];

/// One filled ellipse of the drawing (a circle when both radii are equal), rotated by
/// `rotation_degrees` about its centre (SVG `rotate(a cx cy)`: positive turns clockwise on screen).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Ellipse {
    center_x: f64,
    center_y: f64,
    radius_x: f64,
    radius_y: f64,
    rotation_degrees: f64,
    rgb: [u8; 3],
}

/// An ellipse from its centre, radii, rotation (degrees) and colour, in view units.
const fn shape(
    center_x: f64,
    center_y: f64,
    radius_x: f64,
    radius_y: f64,
    rotation_degrees: f64,
    rgb: [u8; 3],
) -> Ellipse {
    Ellipse { center_x, center_y, radius_x, radius_y, rotation_degrees, rgb }
}

/// A stylised axial head slice: skull, brain, two ventricles and three vessels, back to front.
const SHAPES: [Ellipse; 7] = [
    shape(16.0, 16.0, 11.0, 14.0, 0.0, [0xe0, 0xe0, 0xe0]),
    shape(16.0, 16.4, 9.6, 12.4, 0.0, [0x5a, 0x5a, 0x5a]),
    shape(13.0, 16.0, 1.4, 4.2, 18.0, [0x2a, 0x2a, 0x2a]),
    shape(19.0, 16.0, 1.9, 5.0, -18.0, [0x2a, 0x2a, 0x2a]),
    shape(16.0, 8.5, 1.6, 1.6, 0.0, [0x8a, 0x8a, 0x8a]),
    shape(14.6, 23.5, 0.9, 0.9, 0.0, [0x8a, 0x8a, 0x8a]),
    shape(17.4, 23.5, 0.9, 0.9, 0.0, [0x8a, 0x8a, 0x8a]),
];

impl Ellipse {
    fn contains(&self, x: f64, y: f64) -> bool {
        let (sin, cos) = self.rotation_degrees.to_radians().sin_cos();
        let (dx, dy) = (x - self.center_x, y - self.center_y);
        // Undo the rotation: into the ellipse's own axes.
        let along = dx * cos + dy * sin;
        let across = -dx * sin + dy * cos;
        (along / self.radius_x).powi(2) + (across / self.radius_y).powi(2) <= 1.0
    }

    fn svg(&self) -> String {
        let fill = format!("#{:02x}{:02x}{:02x}", self.rgb[0], self.rgb[1], self.rgb[2]);
        let (cx, cy, rx, ry) = (num(self.center_x), num(self.center_y), num(self.radius_x), num(self.radius_y));
        if self.radius_x == self.radius_y && self.rotation_degrees == 0.0 {
            return format!(r#"<circle cx="{cx}" cy="{cy}" r="{rx}" fill="{fill}"/>"#);
        }
        let rotation = if self.rotation_degrees == 0.0 {
            String::new()
        } else {
            format!(r#" transform="rotate({} {cx} {cy})""#, num(self.rotation_degrees))
        };
        format!(r#"<ellipse cx="{cx}" cy="{cy}" rx="{rx}" ry="{ry}" fill="{fill}"{rotation}/>"#)
    }
}

/// A number as SVG writes it: no trailing ".0".
fn num(value: f64) -> String {
    let text = format!("{value}");
    text.strip_suffix(".0").map(str::to_string).unwrap_or(text)
}

/// How an icon is cut (W3C Web App Manifest `purpose`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IconShape {
    /// Rounded square on a transparent background, the drawing at full size (`purpose: any`).
    Rounded,
    /// Opaque full square, the drawing shrunk into the central safe zone (`purpose: maskable`;
    /// also the Apple touch icon, which iOS rounds itself and fills with black where transparent).
    FullBleed,
}

/// Scale of the drawing in a full-bleed icon: the skull's half height (14 units) times this
/// stays inside the safe-zone circle of radius 0.4 × 32 = 12.8 units.
const FULL_BLEED_SCALE: f64 = 0.8;

/// Sub-samples per pixel side for anti-aliasing (4 × 4 = 16 samples per pixel).
const SUPERSAMPLING: u32 = 4;

/// The colour at a point of the drawing (view units), or `None` outside it.
fn sample(shape: IconShape, x: f64, y: f64) -> Option<[u8; 3]> {
    let half = VIEW_UNITS / 2.0;
    let (x, y) = match shape {
        IconShape::Rounded => {
            // Distance outside the rounded square's inner rectangle.
            let inner = half - CORNER_RADIUS_UNITS;
            let dx = ((x - half).abs() - inner).max(0.0);
            let dy = ((y - half).abs() - inner).max(0.0);
            if dx * dx + dy * dy > CORNER_RADIUS_UNITS * CORNER_RADIUS_UNITS {
                return None;
            }
            (x, y)
        }
        IconShape::FullBleed => (half + (x - half) / FULL_BLEED_SCALE, half + (y - half) / FULL_BLEED_SCALE),
    };
    Some(SHAPES.iter().rev().find(|e| e.contains(x, y)).map_or(BACKGROUND, |e| e.rgb))
}

/// The icon as `size × size` RGBA pixels, rows top to bottom, anti-aliased. `size` must be ≥ 1.
pub fn rasterize(size: u32, shape: IconShape) -> Vec<u8> {
    let mut rgba = Vec::with_capacity(size as usize * size as usize * 4);
    let units_per_pixel = VIEW_UNITS / f64::from(size.max(1));
    let samples = f64::from(SUPERSAMPLING * SUPERSAMPLING);
    for row in 0..size {
        for column in 0..size {
            let (mut sum, mut covered) = ([0.0f64; 3], 0.0f64);
            for sy in 0..SUPERSAMPLING {
                for sx in 0..SUPERSAMPLING {
                    let x = (f64::from(column) + (f64::from(sx) + 0.5) / f64::from(SUPERSAMPLING)) * units_per_pixel;
                    let y = (f64::from(row) + (f64::from(sy) + 0.5) / f64::from(SUPERSAMPLING)) * units_per_pixel;
                    if let Some(rgb) = sample(shape, x, y) {
                        for (total, channel) in sum.iter_mut().zip(rgb) {
                            *total += f64::from(channel);
                        }
                        covered += 1.0;
                    }
                }
            }
            if covered == 0.0 {
                rgba.extend_from_slice(&[0, 0, 0, 0]);
            } else {
                // Every shape is opaque: the colour is the mean over covered samples, the
                // alpha the covered fraction (straight, not premultiplied, as PNG stores it).
                rgba.extend(sum.iter().map(|s| (s / covered).round() as u8));
                rgba.push((covered / samples * 255.0).round() as u8);
            }
        }
    }
    rgba
}

/// The icon as an SVG document (the rounded variant): `public/favicon.svg`.
pub fn svg() -> String {
    let mut out = String::from("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 32 32\">\n");
    out.push_str("  <title>DICOM Viewer</title>\n");
    let bg = format!("#{:02x}{:02x}{:02x}", BACKGROUND[0], BACKGROUND[1], BACKGROUND[2]);
    out.push_str(&format!(
        "  <rect width=\"{}\" height=\"{}\" rx=\"{}\" fill=\"{bg}\"/>\n",
        num(VIEW_UNITS),
        num(VIEW_UNITS),
        num(CORNER_RADIUS_UNITS)
    ));
    for shape in &SHAPES {
        out.push_str("  ");
        out.push_str(&shape.svg());
        out.push('\n');
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pixel(rgba: &[u8], size: u32, x: u32, y: u32) -> [u8; 4] {
        let i = ((y * size + x) * 4) as usize;
        [rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3]]
    }

    #[test]
    fn the_favicon_is_this_drawing() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/public/favicon.svg");
        let file = std::fs::read_to_string(path).expect("public/favicon.svg");
        assert_eq!(file, svg(), "public/favicon.svg differs from app_shell::icon::svg(): write svg() to it");
    }

    #[test]
    fn rounded_icon_has_transparent_corners_and_the_drawing_inside() {
        let size = 192;
        let rgba = rasterize(size, IconShape::Rounded);
        assert_eq!(rgba.len(), (size * size * 4) as usize);
        assert_eq!(pixel(&rgba, size, 0, 0)[3], 0, "corner outside the rounded square");
        assert_eq!(pixel(&rgba, size, size - 1, size - 1)[3], 0);
        // Middle of an edge: background, opaque.
        assert_eq!(pixel(&rgba, size, 2, size / 2), [0x11, 0x11, 0x11, 255]);
        // The skull's outline at the top: x = 16, y = 2.5 units (skull spans y 2..30).
        assert_eq!(pixel(&rgba, size, size / 2, 15), [0xe0, 0xe0, 0xe0, 255]);
        // Inside the brain, between the ventricles and the vessel: (16, 12) units.
        assert_eq!(pixel(&rgba, size, size / 2, 72), [0x5a, 0x5a, 0x5a, 255]);
        // The right ventricle's centre (19, 16) units.
        assert_eq!(pixel(&rgba, size, 114, 96), [0x2a, 0x2a, 0x2a, 255]);
    }

    #[test]
    fn maskable_icon_is_opaque_and_keeps_the_drawing_in_the_safe_zone() {
        let size = 512;
        let rgba = rasterize(size, IconShape::FullBleed);
        assert!(rgba.chunks_exact(4).all(|p| p[3] == 255), "a maskable icon has no transparent pixel");
        // Every pixel outside the safe-zone circle (radius 0.4 × size) is plain background.
        let centre = f64::from(size) / 2.0;
        let radius = 0.4 * f64::from(size);
        for y in 0..size {
            for x in 0..size {
                let (dx, dy) = (f64::from(x) + 0.5 - centre, f64::from(y) + 0.5 - centre);
                if dx.hypot(dy) > radius {
                    assert_eq!(pixel(&rgba, size, x, y), [0x11, 0x11, 0x11, 255], "({x}, {y}) outside the safe zone");
                }
            }
        }
        // …and the skull is still there, inside it.
        assert_eq!(pixel(&rgba, size, size / 2, size / 2 - 170), [0xe0, 0xe0, 0xe0, 255]);
    }

    #[test]
    fn edges_are_anti_aliased() {
        let rgba = rasterize(64, IconShape::Rounded);
        let partial = rgba.chunks_exact(4).filter(|p| p[3] > 0 && p[3] < 255).count();
        assert!(partial > 0, "the rounded corners have partly covered pixels");
        let greys: std::collections::BTreeSet<u8> =
            rgba.chunks_exact(4).filter(|p| p[3] == 255).map(|p| p[0]).collect();
        assert!(greys.len() > SHAPES.len() + 1, "edges between shapes blend: {greys:?}");
    }
}
