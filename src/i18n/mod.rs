//! The words of the interface, per language, and locale-aware numbers and dates. Pure: the web
//! layer (`web::i18n`) holds the chosen language in a signal and calls [`text`] / [`fill`].
//!
//! One place per language: `locales/<code>/*.txt`, one file per area of the interface, lines of
//! `key = text` (`#` starts a comment line; `{name}` marks a value filled in by [`fill`]). The
//! files are compiled in; `tests/i18n_catalogs.rs` checks that every language has exactly the
//! English keys with the same placeholders and that every key the code asks for exists.

use std::collections::HashMap;
use std::sync::OnceLock;

mod catalogs;
pub mod locale_format;

pub use locale_format::{decimal_separator, format_date, format_decimal, format_integer};

/// A language of the interface (English is the fallback for anything missing).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    De,
    Es,
    /// Simplified Chinese.
    Zh,
}

impl Lang {
    pub const ALL: [Lang; 4] = [Lang::En, Lang::De, Lang::Es, Lang::Zh];

    /// The BCP 47 tag written into `<html lang>` and `?lng=`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
            Lang::Es => "es",
            Lang::Zh => "zh-CN",
        }
    }

    /// The language's own name, as a language menu shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::De => "Deutsch",
            Lang::Es => "Español",
            Lang::Zh => "简体中文",
        }
    }

    /// The language a BCP 47 tag asks for (`de-AT` → German, `zh-Hans-CN` → Chinese); `None`
    /// for a language the interface does not have.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "de" => Some(Lang::De),
            "es" => Some(Lang::Es),
            "zh" => Some(Lang::Zh),
            _ => None,
        }
    }

    fn files(self) -> &'static [&'static str] {
        match self {
            Lang::En => catalogs::EN,
            Lang::De => catalogs::DE,
            Lang::Es => catalogs::ES,
            Lang::Zh => catalogs::ZH,
        }
    }
}

/// Picks the language: `?lng=` (OHIF's parameter) first, then the user's earlier choice, then the
/// browser's preferred languages in order; English when none of them is available.
pub fn negotiate(url_lng: Option<&str>, stored: Option<&str>, browser: &[String]) -> Lang {
    url_lng
        .and_then(Lang::from_tag)
        .or_else(|| stored.and_then(Lang::from_tag))
        .or_else(|| browser.iter().find_map(|tag| Lang::from_tag(tag)))
        .unwrap_or(Lang::En)
}

/// The `lng` parameter of an address's query (`?lng=de`; the name in any case), as OHIF reads it.
pub fn lng_param(search: &str) -> Option<&str> {
    search
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(name, _)| name.eq_ignore_ascii_case("lng"))
        .map(|(_, value)| value)
        .filter(|value| !value.is_empty())
}

/// A catalog line that is not `key = text`.
#[derive(Debug, PartialEq, Eq)]
pub struct CatalogError {
    pub line: usize,
    pub text: String,
}

/// The entries of one catalog file, in order. Blank lines and `#` comments are skipped; `\n` in
/// a text is a line break.
pub fn parse_catalog(source: &str) -> Result<Vec<(&str, String)>, CatalogError> {
    let mut entries = Vec::new();
    for (index, line) in source.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let Some((key, text)) = trimmed.split_once('=') else {
            return Err(CatalogError { line: index + 1, text: line.to_string() });
        };
        let key = key.trim();
        if key.is_empty() || key.contains(char::is_whitespace) {
            return Err(CatalogError { line: index + 1, text: line.to_string() });
        }
        entries.push((key, text.trim().replace("\\n", "\n")));
    }
    Ok(entries)
}

/// Every key → text of a language, all its files together. A malformed line is skipped here
/// (the catalog test names it); a later duplicate key is ignored.
pub fn catalog(lang: Lang) -> &'static HashMap<&'static str, &'static str> {
    static CATALOGS: OnceLock<[HashMap<&'static str, &'static str>; 4]> = OnceLock::new();
    let all = CATALOGS.get_or_init(|| Lang::ALL.map(build));
    let index = Lang::ALL.iter().position(|l| *l == lang).unwrap_or(0);
    &all[index]
}

fn build(lang: Lang) -> HashMap<&'static str, &'static str> {
    let mut map = HashMap::new();
    for source in lang.files() {
        for line in source.lines() {
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            if let Some((key, text)) = trimmed.split_once('=') {
                let text = text.trim();
                // Leaked once per entry with a line break; the catalogs live as long as the page.
                let text: &'static str =
                    if text.contains("\\n") { Box::leak(text.replace("\\n", "\n").into_boxed_str()) } else { text };
                map.entry(key.trim()).or_insert(text);
            }
        }
    }
    map
}

/// The text of `key` in `lang`; English if that language lacks it; the key itself if no
/// language has it (the catalog test keeps that from shipping).
pub fn text(lang: Lang, key: &'static str) -> &'static str {
    catalog(lang).get(key).or_else(|| catalog(Lang::En).get(key)).copied().unwrap_or(key)
}

/// The text of `key` in `lang` with its `{name}` placeholders filled: how the pure core words
/// what it hands to the interface (the web layer passes the current language).
pub fn textf(lang: Lang, key: &'static str, values: &[(&str, &str)]) -> String {
    fill(text(lang, key), values)
}

/// `template` with each `{name}` replaced by its value; unknown placeholders stay as written.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match values.iter().find(|(n, _)| *n == name) {
                    Some((_, value)) => out.push_str(value),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The `{name}` placeholders of a text, sorted (the catalog test compares them across languages).
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        names.push(&after[..close]);
        rest = &after[close + 1..];
    }
    names.sort_unstable();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_pick_the_language_by_primary_subtag() {
        assert_eq!(Lang::from_tag("de-AT"), Some(Lang::De));
        assert_eq!(Lang::from_tag("zh-Hans-CN"), Some(Lang::Zh));
        assert_eq!(Lang::from_tag("ES"), Some(Lang::Es));
        assert_eq!(Lang::from_tag("fr-FR"), None);
        assert_eq!(Lang::from_tag(""), None);
    }

    #[test]
    fn the_address_wins_then_the_stored_choice_then_the_browser() {
        let browser = vec!["fr-FR".to_string(), "es-MX".to_string(), "en".to_string()];
        assert_eq!(negotiate(Some("de"), Some("zh"), &browser), Lang::De);
        assert_eq!(negotiate(Some("xx"), Some("zh"), &browser), Lang::Zh);
        assert_eq!(negotiate(None, None, &browser), Lang::Es);
        assert_eq!(negotiate(None, None, &[]), Lang::En);
    }

    #[test]
    fn the_lng_parameter_is_found_in_any_case() {
        assert_eq!(lng_param("?StudyInstanceUIDs=1.2&LNG=de"), Some("de"));
        assert_eq!(lng_param("?lng="), None);
        assert_eq!(lng_param(""), None);
    }

    #[test]
    fn placeholders_are_filled_by_name() {
        assert_eq!(fill("Slice {n} of {total}", &[("total", "128"), ("n", "7")]), "Slice 7 of 128");
        assert_eq!(fill("{missing} and {", &[]), "{missing} and {");
        assert_eq!(placeholders("{b} x {a}"), vec!["a", "b"]);
    }

    #[test]
    fn a_line_without_equals_is_reported_with_its_number() {
        let parsed = parse_catalog("# c\na = b\nbroken line\n");
        assert_eq!(parsed, Err(CatalogError { line: 3, text: "broken line".into() }));
        assert_eq!(parse_catalog("k = one\\ntwo").map(|e| e[0].1.clone()), Ok("one\ntwo".to_string()));
    }

    #[test]
    fn a_missing_translation_falls_back_to_english_then_the_key() {
        assert_eq!(text(Lang::De, "no.such.key"), "no.such.key");
        assert_eq!(text(Lang::En, "app.name"), "DICOM Viewer");
    }
}
