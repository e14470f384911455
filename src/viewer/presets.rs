//! Window/level presets offered for an image, selected with the number keys 1–9.
//!
//! CT gets five anatomical presets (in Hounsfield units), then the file's own windows, then
//! "Full range". Other modalities get the file's windows (Window Center/Width/Explanation,
//! PS3.3 C.11.2) and "Full range".

use super::format::format_value;
use crate::pipeline::Voi;

/// A named window (PS3.3 C.11.2.1.2: center and width of the linear VOI function).
#[derive(Clone, Debug, PartialEq)]
pub struct WindowPreset {
    pub name: String,
    pub center: f64,
    pub width: f64,
}

impl WindowPreset {
    /// "Brain: W 80 L 40".
    pub fn label(&self) -> String {
        format!("{}: W {} L {}", self.name, format_value(self.width), format_value(self.center))
    }
}

/// (name, width, level) in HU. Brain, lung, mediastinum and abdomen are the values Radiopaedia's
/// "Windowing (CT)" article lists (radiopaedia.org/articles/windowing-ct: brain W80 L40, lungs
/// W1500 L−600, mediastinum W350 L50, abdominal soft tissues W400 L50); OHIF's default presets
/// (cornerstone.windowLevelPresets) use the same brain and lung values. Bone W2000 L300 is a
/// general bone window between Radiopaedia's spine bone window (W1800 L400) and OHIF's (W2500 L480).
const CT_PRESETS: [(&str, f64, f64); 5] = [
    ("Brain", 80.0, 40.0),
    ("Lung", 1500.0, -600.0),
    ("Mediastinum", 350.0, 50.0),
    ("Abdomen", 400.0, 50.0),
    ("Bone", 2000.0, 300.0),
];

/// The presets for an image. `file_windows` are the file's (center, width, explanation) triples
/// (unusable ones — width not a positive finite number — are skipped; unnamed ones are called
/// "Window 1", "Window 2", … by their position in the file). `value_range` is the min and max
/// modality value, giving "Full range" with the same window the display uses by default for
/// integer or float values (`Voi::min_max`).
pub fn presets_for(
    modality: &str,
    file_windows: &[(f64, f64, Option<&str>)],
    value_range: Option<(f64, f64)>,
    integer_values: bool,
) -> Vec<WindowPreset> {
    let mut presets = Vec::new();
    if modality.trim() == "CT" {
        presets.extend(CT_PRESETS.iter().map(|&(name, width, center)| WindowPreset {
            name: name.to_string(),
            center,
            width,
        }));
    }
    for (position, &(center, width, explanation)) in file_windows.iter().enumerate() {
        if !(center.is_finite() && width.is_finite() && width > 0.0) {
            continue;
        }
        let name = match explanation.map(str::trim) {
            Some(text) if !text.is_empty() => text.to_string(),
            _ => format!("Window {}", position + 1),
        };
        presets.push(WindowPreset { name, center, width });
    }
    if let Some((min, max)) = value_range.filter(|(min, max)| min.is_finite() && max.is_finite() && min <= max) {
        if let Voi::Window(window) = Voi::min_max(min, max, integer_values) {
            presets.push(WindowPreset { name: "Full range".to_string(), center: window.center, width: window.width });
        }
    }
    presets
}

/// The preset for a number key "1"–"9" (KeyboardEvent.key), if there are that many.
pub fn preset_for_key<'a>(presets: &'a [WindowPreset], key: &str) -> Option<&'a WindowPreset> {
    let digit = match key.as_bytes() {
        [digit @ b'1'..=b'9'] => usize::from(digit - b'0'),
        _ => return None,
    };
    presets.get(digit - 1)
}

/// The preset whose window is `window` (center, width), for naming the window on screen: the
/// first one (presets can share a window) equal within a millionth of the width.
pub fn preset_showing(presets: &[WindowPreset], window: (f64, f64)) -> Option<usize> {
    let (center, width) = window;
    let tolerance = 1e-6 * width.abs().max(1.0);
    presets
        .iter()
        .position(|preset| (preset.center - center).abs() <= tolerance && (preset.width - width).abs() <= tolerance)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ct_gets_anatomical_presets_first() {
        let presets = presets_for("CT", &[(40.0, 400.0, Some("ABDOMEN"))], Some((-1024.0, 3071.0)), true);
        let names: Vec<&str> = presets.iter().map(|preset| preset.name.as_str()).collect();
        assert_eq!(names, ["Brain", "Lung", "Mediastinum", "Abdomen", "Bone", "ABDOMEN", "Full range"]);
        assert_eq!((presets[1].center, presets[1].width), (-600.0, 1500.0));
        assert_eq!(presets[0].label(), "Brain: W 80 L 40");
        // Integer full range −1024…3071: w = 3071 + 1024 + 1 = 4096, c = (−1024 + 3071 + 1)/2 = 1024.
        assert_eq!((presets[6].center, presets[6].width), (1024.0, 4096.0));
    }

    #[test]
    fn other_modalities_use_file_windows_and_full_range() {
        let windows = [(600.0, 1200.0, None), (0.0, f64::NAN, Some("broken")), (300.0, 500.0, Some(" T1 "))];
        let presets = presets_for("MR", &windows, Some((0.0, 2.0)), false);
        let names: Vec<&str> = presets.iter().map(|preset| preset.name.as_str()).collect();
        assert_eq!(names, ["Window 1", "T1", "Full range"]);
        // Float full range 0…2: c = 1, w = 2.
        assert_eq!((presets[2].center, presets[2].width), (1.0, 2.0));
        assert!(presets_for("MR", &[], None, true).is_empty());
    }

    #[test]
    fn number_keys_select_presets() {
        let presets = presets_for("CT", &[], None, true);
        assert_eq!(preset_for_key(&presets, "2").map(|preset| preset.name.as_str()), Some("Lung"));
        assert_eq!(preset_for_key(&presets, "5").map(|preset| preset.width), Some(2000.0));
        assert_eq!(preset_for_key(&presets, "6"), None);
        assert_eq!(preset_for_key(&presets, "0"), None);
        assert_eq!(preset_for_key(&presets, "12"), None);
        assert_eq!(preset_for_key(&presets, "a"), None);
    }

    #[test]
    fn the_preset_a_window_comes_from() {
        let presets = presets_for("CT", &[(40.0, 80.0, Some("Head"))], Some((-1024.0, 3071.0)), true);
        assert_eq!(preset_showing(&presets, (-600.0, 1500.0)), Some(1));
        // The file's window equals Brain: the first of the two names it.
        assert_eq!(preset_showing(&presets, (40.0, 80.0)), Some(0));
        assert_eq!(preset_showing(&presets, (1024.0, 4096.0)), Some(6));
        // A dragged window is none of them.
        assert_eq!(preset_showing(&presets, (41.0, 80.0)), None);
        assert_eq!(preset_showing(&[], (40.0, 80.0)), None);
    }
}
