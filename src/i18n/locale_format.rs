//! Numbers and dates as each language writes them, following CLDR (the data behind the browser's
//! `Intl`): decimal and grouping separators, and the "medium" date style (`Intl.DateTimeFormat`
//! `dateStyle: "medium"`), so measurements and study dates read naturally in every language.

use super::Lang;

const EN_MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const ES_MONTHS: [&str; 12] = ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"];

fn separators(lang: Lang) -> (char, char) {
    match lang {
        Lang::En | Lang::Zh => ('.', ','),
        Lang::De | Lang::Es => (',', '.'),
    }
}

/// The character between the whole and the fractional part of a number: "." (en, zh) or ","
/// (de, es).
pub fn decimal_separator(lang: Lang) -> char {
    separators(lang).0
}

/// Digits grouped by three with the language's separator. Spanish (CLDR minimumGroupingDigits 2)
/// leaves four-digit numbers ungrouped.
fn group(digits: &str, lang: Lang) -> String {
    let (_, grouping) = separators(lang);
    if digits.len() <= 3 || (lang == Lang::Es && digits.len() == 4) {
        return digits.to_string();
    }
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(grouping);
        }
        out.push(c);
    }
    out
}

/// An integer with grouping: 12,345 (en, zh) · 12.345 (de, es).
pub fn format_integer(lang: Lang, value: i64) -> String {
    let digits = value.unsigned_abs().to_string();
    let sign = if value < 0 { "-" } else { "" };
    format!("{sign}{}", group(&digits, lang))
}

/// A number with exactly `decimals` places: 1,234.5 (en) · 1.234,5 (de) · 1234,5 (es). NaN and
/// infinities are written as "–" (they are never a measurement).
pub fn format_decimal(lang: Lang, value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return "–".to_string();
    }
    let plain = format!("{:.*}", decimals, value.abs());
    let (whole, fraction) = plain.split_once('.').unwrap_or((plain.as_str(), ""));
    let negative = value < 0.0 && plain.chars().any(|c| c.is_ascii_digit() && c != '0');
    let (decimal, _) = separators(lang);
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    out.push_str(&group(whole, lang));
    if !fraction.is_empty() {
        out.push(decimal);
        out.push_str(fraction);
    }
    out
}

/// A calendar date in the language's medium style: "Mar 5, 2024" · "05.03.2024" · "5 mar 2024" ·
/// "2024年3月5日". `None` for a month or day out of range.
pub fn format_date(lang: Lang, year: i32, month: u32, day: u32) -> Option<String> {
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let m = (month - 1) as usize;
    Some(match lang {
        Lang::En => format!("{} {day}, {year}", EN_MONTHS.get(m)?),
        Lang::De => format!("{day:02}.{month:02}.{year}"),
        Lang::Es => format!("{day} {} {year}", ES_MONTHS.get(m)?),
        Lang::Zh => format!("{year}年{month}月{day}日"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_use_the_languages_separators() {
        assert_eq!(format_decimal(Lang::En, 1234.5, 1), "1,234.5");
        assert_eq!(format_decimal(Lang::De, 1234.5, 1), "1.234,5");
        assert_eq!(format_decimal(Lang::Es, 1234.5, 1), "1234,5");
        assert_eq!(format_decimal(Lang::Es, 12345.25, 2), "12.345,25");
        assert_eq!(format_decimal(Lang::Zh, -0.04, 1), "0.0");
        assert_eq!(format_decimal(Lang::De, -3.25, 2), "-3,25");
        assert_eq!(format_decimal(Lang::En, f64::NAN, 1), "–");
    }

    #[test]
    fn integers_are_grouped_by_three() {
        assert_eq!(format_integer(Lang::En, 1234567), "1,234,567");
        assert_eq!(format_integer(Lang::De, -1000), "-1.000");
        assert_eq!(format_integer(Lang::Es, 1000), "1000");
        assert_eq!(format_integer(Lang::Zh, 999), "999");
    }

    #[test]
    fn dates_follow_the_medium_style() {
        assert_eq!(format_date(Lang::En, 2024, 3, 5).as_deref(), Some("Mar 5, 2024"));
        assert_eq!(format_date(Lang::De, 2024, 3, 5).as_deref(), Some("05.03.2024"));
        assert_eq!(format_date(Lang::Es, 2024, 9, 5).as_deref(), Some("5 sept 2024"));
        assert_eq!(format_date(Lang::Zh, 2024, 3, 5).as_deref(), Some("2024年3月5日"));
        assert_eq!(format_date(Lang::En, 2024, 13, 5), None);
    }
}
