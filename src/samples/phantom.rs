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

/// The CT number at a patient position (mm, LPS) of the head phantom centred at the origin,
/// at `DEFAULT_GRID`'s scale (220 mm across): air −1000 outside.
pub fn value_at(x_mm: f64, y_mm: f64, z_mm: f64) -> i32 {
    hounsfield_at(DEFAULT_GRID.to_phantom([x_mm, y_mm, z_mm]))
}

/// A series of parallel slices through the phantom with any size, spacing and orientation:
/// what volume tests turn into a volume, through DICOM files (`files`) so the header path is
/// exercised too. Pixel `(column, row)` of slice `k` has its centre at
/// `positions_mm[k] + column·spacing[1]·row_direction + row·spacing[0]·column_direction`
/// (PS3.3 C.7.6.2.1.1) and holds `value_at` there.
#[derive(Debug, Clone, PartialEq)]
pub struct PhantomSeries {
    pub rows: u32,
    pub columns: u32,
    /// Pixel Spacing: between rows, between columns (mm).
    pub pixel_spacing_mm: [f64; 2],
    /// Unit direction of increasing column index (Image Orientation's first three values).
    pub row_direction: [f64; 3],
    /// Unit direction of increasing row index (its last three).
    pub column_direction: [f64; 3],
    /// Image Position (Patient) of each slice, in file order.
    pub positions_mm: Vec<[f64; 3]>,
}

fn rounded(v: f64) -> f64 {
    // Values a Decimal String (16 characters) holds exactly as written: 9 decimals at most.
    (v * 1e9).round() / 1e9
}

impl PhantomSeries {
    /// `slices` square-pixel slices `slice_spacing_mm` apart along the normal
    /// (`row_direction × column_direction`), the stack centred on the phantom's centre.
    pub fn centred(
        size: u32,
        pixel_spacing_mm: f64,
        slices: u32,
        slice_spacing_mm: f64,
        row_direction: [f64; 3],
        column_direction: [f64; 3],
    ) -> PhantomSeries {
        let row_direction = row_direction.map(rounded);
        let column_direction = column_direction.map(rounded);
        let normal = [
            row_direction[1] * column_direction[2] - row_direction[2] * column_direction[1],
            row_direction[2] * column_direction[0] - row_direction[0] * column_direction[2],
            row_direction[0] * column_direction[1] - row_direction[1] * column_direction[0],
        ];
        let half_plane = pixel_spacing_mm * f64::from(size.max(1) - 1) / 2.0;
        let half_stack = slice_spacing_mm * f64::from(slices.max(1) - 1) / 2.0;
        let positions_mm = (0..slices)
            .map(|k| {
                let along = f64::from(k) * slice_spacing_mm - half_stack;
                std::array::from_fn(|axis| {
                    rounded(
                        -half_plane * row_direction[axis] - half_plane * column_direction[axis] + along * normal[axis],
                    )
                })
            })
            .collect();
        PhantomSeries {
            rows: size,
            columns: size,
            pixel_spacing_mm: [pixel_spacing_mm, pixel_spacing_mm],
            row_direction,
            column_direction,
            positions_mm,
        }
    }

    /// Shifts slice `k` by `k·step·tan(degrees)` along the column direction: the sheared stack
    /// of a gantry tilted by `degrees`.
    pub fn tilted(mut self, degrees: f64) -> PhantomSeries {
        let Some(first) = self.positions_mm.first().copied() else { return self };
        let normal_step = self.positions_mm.get(1).map_or(0.0, |second| {
            let d: Vec<f64> = (0..3).map(|a| second[a] - first[a]).collect();
            (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]).sqrt()
        });
        let shift = normal_step * degrees.to_radians().tan();
        let column = self.column_direction;
        for (k, position) in self.positions_mm.iter_mut().enumerate() {
            for (value, direction) in position.iter_mut().zip(column) {
                *value = rounded(*value + k as f64 * shift * direction);
            }
        }
        self
    }

    /// Centre of pixel `(column, row)` of slice `slice` (mm).
    pub fn pixel_centre(&self, slice: usize, column: f64, row: f64) -> Option<[f64; 3]> {
        let origin = self.positions_mm.get(slice)?;
        Some(std::array::from_fn(|axis| {
            origin[axis]
                + column * self.pixel_spacing_mm[1] * self.row_direction[axis]
                + row * self.pixel_spacing_mm[0] * self.column_direction[axis]
        }))
    }

    /// The CT numbers of slice `slice`, row after row (empty for a slice that does not exist).
    pub fn slice_hounsfield(&self, slice: usize) -> Vec<i16> {
        let mut out = Vec::with_capacity(self.rows as usize * self.columns as usize);
        for row in 0..self.rows {
            for column in 0..self.columns {
                if let Some([x, y, z]) = self.pixel_centre(slice, f64::from(column), f64::from(row)) {
                    out.push(value_at(x, y, z) as i16);
                }
            }
        }
        out
    }

    /// The series as CT Image Storage files (Explicit VR Little Endian, signed 16-bit values
    /// in HU: Rescale Slope 1, Intercept 0), one per slice, in slice order.
    pub fn files(&self, series: u32) -> Result<Vec<super::SampleFile>, super::SampleError> {
        use super::writer::{write_part10, DataSet, FileMeta, EXPLICIT_VR_LITTLE_ENDIAN};
        use super::{StudyHeader, Vr, IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME, UID_ROOT};
        use dicom_dictionary_std::tags;
        let (Ok(rows), Ok(columns)) = (u16::try_from(self.rows), u16::try_from(self.columns)) else {
            return Err(super::SampleError::Geometry { reason: "Rows and Columns must fit 16 bits".to_string() });
        };
        let uid = |suffix: String| format!("{UID_ROOT}.9.{series}.{suffix}");
        let study_uid = uid("1".into());
        let header = StudyHeader {
            patient_name: "Phantom^Volume",
            patient_id: "PHANTOM-VOLUME",
            study_instance_uid: &study_uid,
            study_description: "Shepp-Logan volume test series",
        };
        let [r, c] = [self.row_direction, self.column_direction];
        let mut files = Vec::with_capacity(self.positions_mm.len());
        for (slice, position) in self.positions_mm.iter().enumerate() {
            let number = slice as i64 + 1;
            let instance_uid = uid(format!("3.{number}"));
            let mut dataset = DataSet::new();
            header.write(&mut dataset)?;
            dataset.put_text(tags::SOP_CLASS_UID, Vr::UI, &[super::ct_series::CT_IMAGE_STORAGE])?;
            dataset.put_text(tags::SOP_INSTANCE_UID, Vr::UI, &[&instance_uid])?;
            dataset.put_text(tags::IMAGE_TYPE, Vr::CS, &["DERIVED", "SECONDARY"])?;
            dataset.put_text(tags::MODALITY, Vr::CS, &["CT"])?;
            dataset.put_text(tags::SERIES_INSTANCE_UID, Vr::UI, &[&uid("2".into())])?;
            dataset.put_text(tags::FRAME_OF_REFERENCE_UID, Vr::UI, &[&uid("4".into())])?;
            dataset.put_integer(tags::INSTANCE_NUMBER, number)?;
            dataset.put_decimals(tags::IMAGE_POSITION_PATIENT, position)?;
            dataset.put_decimals(tags::IMAGE_ORIENTATION_PATIENT, &[r[0], r[1], r[2], c[0], c[1], c[2]])?;
            dataset.put_decimals(tags::PIXEL_SPACING, &self.pixel_spacing_mm)?;
            dataset.put_u16(tags::SAMPLES_PER_PIXEL, 1);
            dataset.put_text(tags::PHOTOMETRIC_INTERPRETATION, Vr::CS, &["MONOCHROME2"])?;
            dataset.put_u16(tags::ROWS, rows);
            dataset.put_u16(tags::COLUMNS, columns);
            dataset.put_u16(tags::BITS_ALLOCATED, 16);
            dataset.put_u16(tags::BITS_STORED, 16);
            dataset.put_u16(tags::HIGH_BIT, 15);
            dataset.put_u16(tags::PIXEL_REPRESENTATION, 1);
            dataset.put_decimals(tags::RESCALE_INTERCEPT, &[0.0])?;
            dataset.put_decimals(tags::RESCALE_SLOPE, &[1.0])?;
            dataset.put_text(tags::RESCALE_TYPE, Vr::LO, &["HU"])?;
            dataset.put_decimals(tags::WINDOW_CENTER, &[40.0])?;
            dataset.put_decimals(tags::WINDOW_WIDTH, &[80.0])?;
            let bytes = self.slice_hounsfield(slice).iter().flat_map(|v| v.to_le_bytes()).collect();
            dataset.put_binary(tags::PIXEL_DATA, Vr::OW, bytes)?;
            let meta = FileMeta {
                sop_class_uid: super::ct_series::CT_IMAGE_STORAGE,
                sop_instance_uid: &instance_uid,
                transfer_syntax_uid: EXPLICIT_VR_LITTLE_ENDIAN,
                implementation_class_uid: IMPLEMENTATION_CLASS_UID,
                implementation_version_name: IMPLEMENTATION_VERSION_NAME,
            };
            files.push(super::SampleFile {
                path: format!("volume-{series}/{number:04}.dcm"),
                bytes: write_part10(&meta, &dataset)?,
            });
        }
        Ok(files)
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
    fn a_series_is_centred_and_tilts_along_its_columns() {
        let series = PhantomSeries::centred(5, 2.0, 3, 4.0, [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]);
        assert_eq!(series.positions_mm, vec![[-4.0, -4.0, -4.0], [-4.0, -4.0, 0.0], [-4.0, -4.0, 4.0]]);
        assert_eq!(series.pixel_centre(1, 2.0, 2.0), Some([0.0, 0.0, 0.0]));
        assert_eq!(series.slice_hounsfield(1)[12], value_at(0.0, 0.0, 0.0) as i16);
        let tilted = series.tilted(45.0);
        assert!((tilted.positions_mm[2][1] - (-4.0 + 8.0)).abs() < 1e-9);
    }

    #[test]
    fn grid_spacing_and_centres() {
        assert_eq!(DEFAULT_GRID.pixel_spacing(), 0.859375);
        assert_eq!(DEFAULT_GRID.slice_spacing(), 3.4375);
        assert_eq!(DEFAULT_GRID.voxel_centre(0, 255, 63), [-109.5703125, 109.5703125, 108.28125]);
    }
}
