//! What the screen-reader announcer (src/web/announce.rs, an aria-live="polite" region) says
//! about the active viewport: its slice and window, in the interface's language, e.g.
//! "Slice 12 of 128 · window 400/40" (window width / center, PS3.3 C.11.2.1.2).

use crate::i18n::{fill, format_decimal, format_integer, text, Lang};

/// How long the announcer waits after the last change before speaking (milliseconds), so that
/// scrolling through 128 slices is one announcement, not 128.
pub const DEBOUNCE_MS: i32 = 250;

/// The active viewport's position and window.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ViewState {
    /// Index in the display set (0-based; spoken 1-based).
    pub frame: u32,
    pub frame_count: u32,
    /// (center, width) in modality units, when the image has a window.
    pub window: Option<(f64, f64)>,
}

/// Decimal places that show a window value without noise: none for whole numbers, else up to 2.
fn places(value: f64) -> usize {
    if (value - value.round()).abs() < 1e-6 {
        0
    } else if (value * 10.0 - (value * 10.0).round()).abs() < 1e-6 {
        1
    } else {
        2
    }
}

impl ViewState {
    /// The sentence for a screen reader in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        let slice = format_integer(lang, i64::from(self.frame) + 1);
        let count = format_integer(lang, i64::from(self.frame_count.max(1)));
        match self.window.filter(|(c, w)| c.is_finite() && w.is_finite()) {
            Some((center, width)) => fill(
                text(lang, "a11y.slice_window"),
                &[
                    ("slice", &slice),
                    ("count", &count),
                    ("width", &format_decimal(lang, width, places(width))),
                    ("center", &format_decimal(lang, center, places(center))),
                ],
            ),
            None => fill(text(lang, "a11y.slice"), &[("slice", &slice), ("count", &count)]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_slice_from_one_and_the_window_width_then_center() {
        let state = ViewState { frame: 11, frame_count: 128, window: Some((40.0, 400.0)) };
        assert_eq!(state.text(Lang::En), "Slice 12 of 128 · window 400/40");
        let state = ViewState { frame: 0, frame_count: 1, window: Some((-600.5, 1500.25)) };
        assert_eq!(state.text(Lang::De), "Schicht 1 von 1 · Fenster 1.500,25/-600,5");
        let state = ViewState { frame: 1999, frame_count: 2000, window: None };
        assert_eq!(state.text(Lang::En), "Slice 2,000 of 2,000");
        let state = ViewState { frame: 3, frame_count: 9, window: Some((f64::NAN, 10.0)) };
        assert_eq!(state.text(Lang::Es), "Corte 4 de 9");
        assert_eq!(
            ViewState { frame: 3, frame_count: 9, window: Some((40.0, 400.0)) }.text(Lang::Zh),
            "第 4 / 9 层 · 窗宽/窗位 400/40"
        );
    }
}
