//! Patient orientation letters for the viewport edges (PS3.3 C.7.6.1.1.1 Patient Orientation,
//! C.7.6.2.1.1 Image Position and Image Orientation (Patient)).
//!
//! Patient coordinates are LPS: +x towards the patient's Left, +y Posterior, +z Head; the
//! opposite directions are R, A and F. An oblique direction gets up to three letters, the
//! largest component first. Components below `OBLIQUITY_THRESHOLD` of the normalised vector are
//! ignored, so a direction that is axis-aligned up to rounding in the file gets a single letter
//! (the threshold David Clunie's and Cornerstone's orientation-string code use).

use super::transform::ViewTransform;

/// Components of the unit direction with a smaller magnitude are not given a letter.
pub const OBLIQUITY_THRESHOLD: f64 = 0.0001;

/// Letters for a direction cosine vector in LPS ("L", "AP"… ); empty for a zero or non-finite
/// vector. Equal magnitudes keep the order x, y, z.
pub fn orientation_letters(direction: [f64; 3]) -> String {
    let norm = direction.iter().map(|component| component * component).sum::<f64>().sqrt();
    if !(norm.is_finite() && norm > 0.0) {
        return String::new();
    }
    let letters = [('L', 'R'), ('P', 'A'), ('H', 'F')];
    let mut axes: Vec<(f64, char)> = direction
        .iter()
        .zip(letters)
        .map(|(component, (positive, negative))| {
            let unit = component / norm;
            (unit.abs(), if unit > 0.0 { positive } else { negative })
        })
        .filter(|(magnitude, _)| *magnitude >= OBLIQUITY_THRESHOLD)
        .collect();
    // Stable sort: ties keep x, y, z order.
    axes.sort_by(|a, b| b.0.total_cmp(&a.0));
    axes.into_iter().map(|(_, letter)| letter).collect()
}

/// The letters at the middle of each viewport edge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EdgeLabels {
    pub left: String,
    pub right: String,
    pub top: String,
    pub bottom: String,
}

/// Edge letters for an image with Image Orientation (Patient) (0020,0037) = row direction
/// (towards increasing column index) then column direction (towards increasing row index), shown
/// with `view`'s rotation and flips.
pub fn edge_labels(image_orientation: [f64; 6], view: &ViewTransform) -> EdgeLabels {
    let row_direction = [image_orientation[0], image_orientation[1], image_orientation[2]];
    let column_direction = [image_orientation[3], image_orientation[4], image_orientation[5]];
    let towards = |screen: (f64, f64)| {
        let (along_row, along_column) = view.image_direction_of_screen(screen);
        let mut patient = [0.0; 3];
        for axis in 0..3 {
            patient[axis] = along_row * row_direction[axis] + along_column * column_direction[axis];
        }
        orientation_letters(patient)
    };
    EdgeLabels {
        left: towards((-1.0, 0.0)),
        right: towards((1.0, 0.0)),
        top: towards((0.0, -1.0)),
        bottom: towards((0.0, 1.0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AXIAL: [f64; 6] = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0];
    const SAGITTAL: [f64; 6] = [0.0, 1.0, 0.0, 0.0, 0.0, -1.0];
    const CORONAL: [f64; 6] = [1.0, 0.0, 0.0, 0.0, 0.0, -1.0];

    fn labels(orientation: [f64; 6], view: ViewTransform) -> [String; 4] {
        let edges = edge_labels(orientation, &view);
        [edges.left, edges.right, edges.top, edges.bottom]
    }

    #[test]
    fn letters_for_axes_and_obliques() {
        assert_eq!(orientation_letters([1.0, 0.0, 0.0]), "L");
        assert_eq!(orientation_letters([-1.0, 0.0, 0.0]), "R");
        assert_eq!(orientation_letters([0.0, 1.0, 0.0]), "P");
        assert_eq!(orientation_letters([0.0, 0.0, -1.0]), "F");
        // |0.8| > |−0.6|: L then A.
        assert_eq!(orientation_letters([0.8, -0.6, 0.0]), "LA");
        // Magnitudes 0.7 (y, −) > 0.5 (x, +) > 0.2 (z, +); scaling does not matter.
        assert_eq!(orientation_letters([5.0, -7.0, 2.0]), "ALH");
        // 0.00005 of the unit vector is below the threshold.
        assert_eq!(orientation_letters([1.0, 0.00005, 0.0]), "L");
        assert_eq!(orientation_letters([1.0, 0.0002, 0.0]), "LP");
        assert_eq!(orientation_letters([0.0, 0.0, 0.0]), "");
    }

    #[test]
    fn standard_planes_unrotated() {
        // Axial: rows run towards the patient's left, columns towards posterior; the patient's
        // right is on the viewer's left (radiological convention).
        assert_eq!(labels(AXIAL, ViewTransform::default()), ["R", "L", "A", "P"]);
        assert_eq!(labels(SAGITTAL, ViewTransform::default()), ["A", "P", "H", "F"]);
        assert_eq!(labels(CORONAL, ViewTransform::default()), ["R", "L", "H", "F"]);
    }

    #[test]
    fn rotation_and_flips_move_the_letters() {
        // Axial turned 90° clockwise: what was at the top (A) is now on the right, the left (R) on top.
        let rotated = ViewTransform { rotation: 1, ..Default::default() };
        assert_eq!(labels(AXIAL, rotated), ["P", "A", "R", "L"]);
        let flipped = ViewTransform { flip_horizontal: true, ..Default::default() };
        assert_eq!(labels(AXIAL, flipped), ["L", "R", "A", "P"]);
        let flipped = ViewTransform { flip_vertical: true, ..Default::default() };
        assert_eq!(labels(CORONAL, flipped), ["R", "L", "F", "H"]);
        // Rotated then mirrored on screen: left and right of the rotated view swap.
        let both = ViewTransform { rotation: 1, flip_horizontal: true, ..Default::default() };
        assert_eq!(labels(AXIAL, both), ["A", "P", "R", "L"]);
        // Half turn of a sagittal: A↔P and H↔F.
        let half = ViewTransform { rotation: 2, ..Default::default() };
        assert_eq!(labels(SAGITTAL, half), ["P", "A", "F", "H"]);
    }

    #[test]
    fn oblique_edges() {
        // Rows along (cos 30°, sin 30°, 0) = (0.866, 0.5, 0): right edge "LP", left "RA".
        let (cos, sin) = (30f64.to_radians().cos(), 30f64.to_radians().sin());
        let oblique = [cos, sin, 0.0, -sin, cos, 0.0];
        assert_eq!(labels(oblique, ViewTransform::default()), ["RA", "LP", "AL", "PR"]);
    }
}
