//! Number formatting shared by the probe, measurements, presets and overlays.

use crate::i18n::{decimal_separator, Lang};

/// A modality or window value as text: whole numbers without decimals ("40", "-1000"), others
/// with at most two decimals and no trailing zeros ("0.5", "12.25", "3.14"); "n/a" if not finite.
pub fn format_value(value: f64) -> String {
    if !value.is_finite() {
        return "n/a".to_string();
    }
    let rounded = (value * 100.0).round() / 100.0;
    if rounded == rounded.trunc() {
        // `+ 0.0` turns −0 into 0.
        return format!("{:.0}", rounded.trunc() + 0.0);
    }
    let text = format!("{rounded:.2}");
    text.trim_end_matches('0').to_string()
}

/// [`format_value`] as `lang` writes it: the same digits with its decimal separator ("0,5" in
/// German and Spanish), no digit grouping (window values such as "-1000" stay compact).
pub fn format_value_in(lang: Lang, value: f64) -> String {
    let text = format_value(value);
    match decimal_separator(lang) {
        '.' => text,
        separator => text.replace('.', &separator.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_and_fractional_values() {
        assert_eq!(format_value(40.0), "40");
        assert_eq!(format_value(-1000.0), "-1000");
        assert_eq!(format_value(0.5), "0.5");
        assert_eq!(format_value(12.25), "12.25");
        assert_eq!(format_value(1.23456), "1.23");
        assert_eq!(format_value(-0.001), "0");
        assert_eq!(format_value(2.999), "3");
        assert_eq!(format_value(f64::NAN), "n/a");
    }

    #[test]
    fn values_take_the_languages_decimal_separator() {
        assert_eq!(format_value_in(Lang::De, 12.25), "12,25");
        assert_eq!(format_value_in(Lang::Es, -0.5), "-0,5");
        assert_eq!(format_value_in(Lang::Zh, 12.25), "12.25");
        assert_eq!(format_value_in(Lang::De, -1000.0), "-1000");
        assert_eq!(format_value_in(Lang::En, 1.23456), "1.23");
    }
}
