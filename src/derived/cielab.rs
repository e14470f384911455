//! DICOM CIELab colours (PS3.3 C.10.7.1.1): Recommended Display CIELab Value (0062,000D) of
//! segments and Graphic Layer Recommended Display CIELab Value (0070,0401) of presentation
//! states are L*a*b* scaled to 0..65535 (L* 0..100, a* and b* −128..127), relative to the D65
//! white point as dcmtk's IODCIELabUtil converts them; shown here as 8-bit sRGB.

/// D65 reference white (CIE 1931 2°), Y normalised to 1.
const WHITE_D65: [f64; 3] = [0.950_47, 1.0, 1.088_83];

/// The DICOM-scaled (L, a, b) triple as sRGB bytes.
pub fn dicom_lab_to_srgb(scaled: [u16; 3]) -> [u8; 3] {
    let l = f64::from(scaled[0]) * 100.0 / 65535.0;
    let a = f64::from(scaled[1]) * 255.0 / 65535.0 - 128.0;
    let b = f64::from(scaled[2]) * 255.0 / 65535.0 - 128.0;
    lab_to_srgb(l, a, b)
}

/// CIE L*a*b* (D65) to sRGB bytes, out-of-gamut colours clipped.
pub fn lab_to_srgb(l: f64, a: f64, b: f64) -> [u8; 3] {
    let fy = (l + 16.0) / 116.0;
    let fx = fy + a / 500.0;
    let fz = fy - b / 200.0;
    let inverse = |t: f64| if t > 6.0 / 29.0 { t * t * t } else { 3.0 * (6.0f64 / 29.0).powi(2) * (t - 4.0 / 29.0) };
    let (x, y, z) = (WHITE_D65[0] * inverse(fx), WHITE_D65[1] * inverse(fy), WHITE_D65[2] * inverse(fz));
    // IEC 61966-2-1 (sRGB) XYZ → linear RGB, then the sRGB transfer function.
    let linear = [
        3.240_454_2 * x - 1.537_138_5 * y - 0.498_531_4 * z,
        -0.969_266_0 * x + 1.876_010_8 * y + 0.041_556_0 * z,
        0.055_643_4 * x - 0.204_025_9 * y + 1.057_225_2 * z,
    ];
    linear.map(|c| {
        let c = c.clamp(0.0, 1.0);
        let encoded = if c <= 0.003_130_8 { 12.92 * c } else { 1.055 * c.powf(1.0 / 2.4) - 0.055 };
        (encoded * 255.0).round().clamp(0.0, 255.0) as u8
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn white_black_and_a_known_red() {
        assert_eq!(dicom_lab_to_srgb([65535, 32896, 32896]), [255, 255, 255]);
        assert_eq!(dicom_lab_to_srgb([0, 32896, 32896]), [0, 0, 0]);
        // sRGB (255, 0, 0) is L*a*b* (53.24, 80.09, 67.20) under D65.
        assert_eq!(lab_to_srgb(53.2408, 80.0925, 67.2032), [255, 0, 0]);
        // Neutral grey L* 50 is sRGB 119 (Lindbloom's calculator: 118.75).
        assert_eq!(lab_to_srgb(50.0, 0.0, 0.0), [119, 119, 119]);
    }
}
