//! Slice geometry in the patient coordinate system (PS3.3 C.7.6.2.1.1): Image Orientation
//! (Patient) gives the row and column direction cosines, their cross product the slice normal,
//! and the projection of Image Position (Patient) onto the normal orders the slices.

/// Largest difference between direction cosines still taken as the same orientation
/// (≈ 0.06° of tilt; scanners write cosines to about 6 decimals).
pub const ORIENTATION_TOLERANCE: f64 = 1e-3;

/// Row and column direction cosines of an image plane.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Orientation {
    pub row: [f64; 3],
    pub column: [f64; 3],
}

fn cross(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
}

fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

impl Orientation {
    /// From the six values of Image Orientation (Patient) (0020,0037); None when a direction
    /// is not a usable (non-zero, finite) vector.
    pub fn from_cosines(cosines: [f64; 6]) -> Option<Orientation> {
        let row = [cosines[0], cosines[1], cosines[2]];
        let column = [cosines[3], cosines[4], cosines[5]];
        let usable = |v: [f64; 3]| v.iter().all(|c| c.is_finite()) && dot(v, v) > 1e-6;
        (usable(row) && usable(column)).then_some(Orientation { row, column })
    }

    /// The slice normal: row × column (PS3.3 C.7.6.2.1.1), normalised to unit length.
    pub fn normal(&self) -> [f64; 3] {
        let normal = cross(self.row, self.column);
        let length = dot(normal, normal).sqrt();
        if length > 0.0 {
            normal.map(|c| c / length)
        } else {
            normal
        }
    }

    /// True when every direction cosine differs by at most `ORIENTATION_TOLERANCE`.
    pub fn approx_eq(&self, other: &Orientation) -> bool {
        self.row
            .iter()
            .chain(&self.column)
            .zip(other.row.iter().chain(&other.column))
            .all(|(a, b)| (a - b).abs() <= ORIENTATION_TOLERANCE)
    }
}

/// Distance of a slice along the normal: Image Position (Patient) projected onto it (mm).
pub fn position_along_normal(position: [f64; 3], normal: [f64; 3]) -> f64 {
    dot(position, normal)
}

/// Spacing between consecutive slices given their sorted positions along the normal: the
/// mean step, when every step is within 10% of it (a regular stack); None for a single slice,
/// coincident slices or irregular gaps, where a fixed spacing would misplace slices.
pub fn regular_spacing(sorted_positions: &[f64]) -> Option<f64> {
    let (first, last) = (sorted_positions.first()?, sorted_positions.last()?);
    let steps = sorted_positions.len().checked_sub(1).filter(|n| *n > 0)?;
    let mean = (last - first) / steps as f64;
    if !(mean.is_finite() && mean > 1e-6) {
        return None;
    }
    let regular = sorted_positions.windows(2).all(|pair| ((pair[1] - pair[0]) - mean).abs() <= 0.1 * mean);
    regular.then_some(mean)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axial_normal_is_plus_z() {
        // Axial: rows along +x (patient left), columns along +y (posterior); x × y = z (superior).
        let axial = Orientation::from_cosines([1.0, 0.0, 0.0, 0.0, 1.0, 0.0]).unwrap();
        assert_eq!(axial.normal(), [0.0, 0.0, 1.0]);
        // Sagittal: rows along +y, columns along −z; y × (−z) = −x.
        let sagittal = Orientation::from_cosines([0.0, 1.0, 0.0, 0.0, 0.0, -1.0]).unwrap();
        assert_eq!(sagittal.normal(), [-1.0, 0.0, 0.0]);
        assert_eq!(position_along_normal([12.0, 3.0, -40.0], sagittal.normal()), -12.0);
    }

    #[test]
    fn orientation_tolerance() {
        let a = Orientation::from_cosines([1.0, 0.0, 0.0, 0.0, 1.0, 0.0]).unwrap();
        let b = Orientation::from_cosines([0.9999999, 0.0004, 0.0, 0.0, 1.0, 0.0]).unwrap();
        let c = Orientation::from_cosines([0.995, 0.0998, 0.0, 0.0, 1.0, 0.0]).unwrap();
        assert!(a.approx_eq(&b));
        assert!(!a.approx_eq(&c));
        assert!(Orientation::from_cosines([0.0, 0.0, 0.0, 0.0, 1.0, 0.0]).is_none());
        assert!(Orientation::from_cosines([f64::NAN, 0.0, 0.0, 0.0, 1.0, 0.0]).is_none());
    }

    #[test]
    fn spacing_of_regular_and_irregular_stacks() {
        assert_eq!(regular_spacing(&[-10.0, -7.5, -5.0, -2.5]), Some(2.5));
        assert_eq!(regular_spacing(&[0.0, 1.0, 5.0]), None);
        assert_eq!(regular_spacing(&[3.0]), None);
        assert_eq!(regular_spacing(&[3.0, 3.0]), None);
        assert_eq!(regular_spacing(&[]), None);
    }
}
