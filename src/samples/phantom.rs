//! The 3-D Shepp–Logan head phantom in Hounsfield units, sampled on an axial voxel grid.
//!
//! Ellipsoid table: Kak & Slaney, *Principles of Computerized Tomographic Imaging* (IEEE Press,
//! 1988), p. 102, the 3-D head phantom (errata: <http://www.slaney.org/pct/pct-errata.html>),
//! as transcribed in tsadakane/sl3d (`kak_slaney`, BSD-3). Coordinates are in phantom units
//! (the head fits in [-1, 1]³); each ellipsoid is translated to its centre, then turned by φ
//! about the z axis. Amplitudes are densities relative to water, so a point's density is the
//! sum of the amplitudes of the ellipsoids containing it: 0 outside (air), 2.0 in the skull,
//! 1.02 in the brain, 1.00 in the ventricles, 1.03–1.04 in the small lesions.
//!
//! Hounsfield mapping: HU = 1000 × (density − 1), the definition of the CT number with the
//! table's densities standing for attenuation relative to water. That gives air −1000, skull
//! +1000 (cortical bone), brain +20 (white-matter-like), ventricles 0 (CSF), lesions +30 to +60
//! (hyperdense; two overlap) and one 0 HU (hypodense) region. Amplitudes are kept in thousandths so every
//! value is an exact integer.

/// One ellipsoid: semi-axes and centre in phantom units, rotation about z in degrees, and
/// density change in thousandths of water.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ellipsoid {
    pub semi_axes: [f64; 3],
    pub centre: [f64; 3],
    pub phi_degrees: f64,
    pub density_milli: i32,
}

const fn ellipsoid(semi_axes: [f64; 3], centre: [f64; 3], phi_degrees: f64, density_milli: i32) -> Ellipsoid {
    Ellipsoid { semi_axes, centre, phi_degrees, density_milli }
}

/// Kak & Slaney p. 102: a, b, c; x0, y0, z0; φ; A (× 1000).
pub const KAK_SLANEY: [Ellipsoid; 10] = [
    ellipsoid([0.69, 0.92, 0.9], [0.0, 0.0, 0.0], 0.0, 2000),
    ellipsoid([0.6624, 0.874, 0.88], [0.0, 0.0, 0.0], 0.0, -980),
    ellipsoid([0.41, 0.16, 0.21], [-0.22, 0.0, -0.25], 108.0, -20),
    ellipsoid([0.31, 0.11, 0.22], [0.22, 0.0, -0.25], 72.0, -20),
    ellipsoid([0.21, 0.25, 0.5], [0.0, 0.35, -0.25], 0.0, 20),
    ellipsoid([0.046, 0.046, 0.046], [0.0, 0.1, -0.25], 0.0, 20),
    ellipsoid([0.046, 0.023, 0.02], [-0.08, -0.65, -0.25], 0.0, 10),
    ellipsoid([0.046, 0.023, 0.02], [0.06, -0.65, -0.25], 90.0, 10),
    ellipsoid([0.056, 0.04, 0.1], [0.06, -0.105, 0.625], 90.0, 20),
    ellipsoid([0.056, 0.056, 0.1], [0.0, 0.1, 0.625], 0.0, -20),
];

impl Ellipsoid {
    /// True when the point (phantom units) lies inside or on the ellipsoid.
    pub fn contains(&self, point: [f64; 3]) -> bool {
        let (sin, cos) = self.phi_degrees.to_radians().sin_cos();
        let [x, y, z] = [point[0] - self.centre[0], point[1] - self.centre[1], point[2] - self.centre[2]];
        let along = x * cos + y * sin;
        let across = -x * sin + y * cos;
        let [a, b, c] = self.semi_axes;
        (along / a).powi(2) + (across / b).powi(2) + (z / c).powi(2) <= 1.0
    }
}

/// The CT number at a point in phantom units.
pub fn hounsfield_at(point: [f64; 3]) -> i32 {
    let density: i32 = KAK_SLANEY.iter().filter(|e| e.contains(point)).map(|e| e.density_milli).sum();
    density - 1000
}

/// The sampling grid (PS3.3 C.7.6.2): axial slices, rows towards posterior, columns towards the
/// patient's left, slices from inferior to superior, in millimetres of the patient (LPS).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PhantomGrid {
    pub rows: u32,
    pub columns: u32,
    pub slices: u32,
    /// Millimetres per phantom unit: the field of view is twice this.
    pub millimetres_per_unit: f64,
}

/// 256 × 256 × 64 voxels over a 220 mm cube: 0.859375 mm pixels, 3.4375 mm slices.
pub const DEFAULT_GRID: PhantomGrid = PhantomGrid { rows: 256, columns: 256, slices: 64, millimetres_per_unit: 110.0 };

impl PhantomGrid {
    /// Pixel Spacing (row spacing = column spacing, mm).
    pub fn pixel_spacing(&self) -> f64 {
        2.0 * self.millimetres_per_unit / f64::from(self.columns)
    }

    /// Slice spacing and thickness (mm): contiguous slices.
    pub fn slice_spacing(&self) -> f64 {
        2.0 * self.millimetres_per_unit / f64::from(self.slices)
    }

    /// Patient position (LPS, mm) of the centre of voxel (column, row, slice).
    pub fn voxel_centre(&self, column: u32, row: u32, slice: u32) -> [f64; 3] {
        let start = -self.millimetres_per_unit;
        [
            start + (f64::from(column) + 0.5) * self.pixel_spacing(),
            start + (f64::from(row) + 0.5) * self.pixel_spacing(),
            start + (f64::from(slice) + 0.5) * self.slice_spacing(),
        ]
    }

    /// Phantom coordinates of a patient position: x to the left, y anterior (the phantom's
    /// "up" in the published figures), z superior.
    pub fn to_phantom(&self, patient: [f64; 3]) -> [f64; 3] {
        let unit = self.millimetres_per_unit;
        [patient[0] / unit, -patient[1] / unit, patient[2] / unit]
    }

    /// The CT numbers of one slice, row after row.
    pub fn slice_hounsfield(&self, slice: u32) -> Vec<i32> {
        (0..self.rows)
            .flat_map(|row| (0..self.columns).map(move |column| (column, row)))
            .map(|(column, row)| hounsfield_at(self.to_phantom(self.voxel_centre(column, row, slice))))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tissue_values_by_hand() {
        // Far outside: air. Centre of the head at z = 0: brain only (2.0 − 0.98).
        assert_eq!(hounsfield_at([0.95, 0.95, 0.95]), -1000);
        assert_eq!(hounsfield_at([0.0, 0.0, 0.0]), 20);
        // In the skull shell between the two outer ellipsoids, on the x axis.
        assert_eq!(hounsfield_at([0.68, 0.0, 0.0]), 1000);
        // Centre of the left ventricle: brain − 0.02 = water.
        assert_eq!(hounsfield_at([-0.22, 0.0, -0.25]), 0);
        // Lesions: ellipsoid 5 (+0.02), ellipsoid 9 (+0.02) and ellipsoid 10 (−0.02).
        assert_eq!(hounsfield_at([0.0, 0.35, -0.25]), 40);
        assert_eq!(hounsfield_at([0.06, -0.105, 0.625]), 40);
        assert_eq!(hounsfield_at([0.0, 0.1, 0.625]), 0);
    }

    #[test]
    fn rotation_turns_the_long_axis() {
        // Ellipsoid 8 (φ = 90°): its 0.046 semi-axis lies along y, 0.023 along x.
        let e = KAK_SLANEY[7];
        assert!(e.contains([0.06, -0.65 + 0.04, -0.25]));
        assert!(!e.contains([0.06 + 0.04, -0.65, -0.25]));
    }

    #[test]
    fn grid_spacing_and_centres() {
        assert_eq!(DEFAULT_GRID.pixel_spacing(), 0.859375);
        assert_eq!(DEFAULT_GRID.slice_spacing(), 3.4375);
        assert_eq!(DEFAULT_GRID.voxel_centre(0, 255, 63), [-109.5703125, 109.5703125, 108.28125]);
    }
}
