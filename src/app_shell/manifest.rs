//! The web app manifest (W3C Web Application Manifest): name, start URL and scope relative to
//! the page (so a sub-path such as a GitHub Pages project site works), standalone display, the
//! colours of the dark theme's design tokens and the icons `make-app-shell` draws.

use serde_json::json;

use super::icon::IconShape;
use super::AppShellError;

/// File name of the manifest beside index.html (`<link rel="manifest">` names it).
pub const MANIFEST_FILE: &str = "manifest.webmanifest";

/// One PNG icon written at build time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PngIcon {
    /// Path below the page's folder.
    pub path: &'static str,
    pub size_px: u32,
    pub shape: IconShape,
    /// The manifest's `purpose`, or `None` for an icon the manifest does not list.
    pub purpose: Option<&'static str>,
}

/// Every PNG icon: the manifest's three and the Apple touch icon (`<link rel="apple-touch-icon">`,
/// 180 px as iOS asks, opaque because iOS fills transparency with black).
pub const PNG_ICONS: [PngIcon; 4] = [
    PngIcon { path: "icons/icon-192.png", size_px: 192, shape: IconShape::Rounded, purpose: Some("any") },
    PngIcon { path: "icons/icon-512.png", size_px: 512, shape: IconShape::Rounded, purpose: Some("any") },
    PngIcon {
        path: "icons/icon-maskable-512.png",
        size_px: 512,
        shape: IconShape::FullBleed,
        purpose: Some("maskable"),
    },
    PngIcon { path: "icons/apple-touch-icon.png", size_px: 180, shape: IconShape::FullBleed, purpose: None },
];

/// The value of a custom property's first declaration in `css` (the `:root` block, i.e. the dark
/// default theme, comes first in style/main.css), e.g. `--bg` → `#0f1115`.
pub fn css_token<'a>(css: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = css;
    while let Some(at) = rest.find(name) {
        let after = &rest[at + name.len()..];
        let preceded_ok = rest[..at].chars().last().is_none_or(|c| c.is_whitespace() || c == '{' || c == ';');
        if preceded_ok {
            if let Some(value) = after.trim_start().strip_prefix(':') {
                let end = value.find([';', '}']).unwrap_or(value.len());
                return Some(value[..end].trim());
            }
        }
        rest = after;
    }
    None
}

/// The manifest for the design tokens in `css` (style/main.css): `background_color` is `--bg`
/// (the splash screen behind the icon), `theme_color` is `--surface` (the top bar).
pub fn manifest_json(css: &str) -> Result<String, AppShellError> {
    let background = css_token(css, "--bg").ok_or(AppShellError::MissingToken("--bg"))?;
    let theme = css_token(css, "--surface").ok_or(AppShellError::MissingToken("--surface"))?;
    let mut icons: Vec<serde_json::Value> = PNG_ICONS
        .iter()
        .filter_map(|icon| {
            icon.purpose.map(|purpose| {
                json!({
                    "src": icon.path,
                    "sizes": format!("{0}x{0}", icon.size_px),
                    "type": "image/png",
                    "purpose": purpose,
                })
            })
        })
        .collect();
    icons.push(json!({ "src": "favicon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any" }));
    let manifest = json!({
        "id": "./",
        "name": "DICOM Viewer",
        "short_name": "DICOM Viewer",
        "description": "Zero-install DICOM viewer: opens medical images in the browser, nothing is uploaded.",
        "start_url": "./",
        "scope": "./",
        "display": "standalone",
        "background_color": background,
        "theme_color": theme,
        "icons": icons,
    });
    serde_json::to_string_pretty(&manifest).map_err(|_| AppShellError::MissingToken("--bg"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSS: &str = include_str!("../../style/main.css");

    #[test]
    fn tokens_come_from_the_dark_default_block() {
        assert_eq!(
            css_token(":root {\n  --bg: #0f1115;\n  --bg-2: #fff; }\n[x] { --bg: #fff; }", "--bg"),
            Some("#0f1115")
        );
        assert_eq!(css_token("a { color: var(--bg); } :root { --bg: #123456; }", "--bg"), Some("#123456"));
        assert_eq!(css_token(":root { --surface-2: #222; --surface: #111 }", "--surface"), Some("#111"));
        assert_eq!(css_token(":root { }", "--bg"), None);
    }

    #[test]
    fn manifest_has_what_installing_needs() {
        let text = manifest_json(CSS).expect("style/main.css has the tokens");
        let m: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(m["start_url"], "./");
        assert_eq!(m["scope"], "./");
        assert_eq!(m["display"], "standalone");
        assert_eq!(m["background_color"], css_token(CSS, "--bg").expect("--bg"));
        assert_eq!(m["theme_color"], css_token(CSS, "--surface").expect("--surface"));
        let icons = m["icons"].as_array().expect("icons");
        let find = |sizes: &str, purpose: &str| {
            icons.iter().any(|i| i["sizes"] == sizes && i["purpose"] == purpose && i["type"] == "image/png")
        };
        assert!(find("192x192", "any") && find("512x512", "any") && find("512x512", "maskable"), "{icons:?}");
        assert!(icons.iter().any(|i| i["type"] == "image/svg+xml"));
        assert!(icons.iter().all(|i| !i["src"].as_str().unwrap_or("/").starts_with('/')), "relative icon URLs");
    }

    #[test]
    fn index_html_links_the_manifest_icons_and_theme_colours() {
        let html = include_str!("../../index.html");
        assert!(html.contains(&format!(r#"<link rel="manifest" href="{MANIFEST_FILE}">"#)), "manifest link");
        let apple = PNG_ICONS.iter().find(|i| i.purpose.is_none()).expect("apple touch icon");
        assert!(html.contains(&format!(r#"<link rel="apple-touch-icon" href="{}">"#, apple.path)));
        assert!(html.contains(r#"<link rel="icon" type="image/svg+xml" href="favicon.svg">"#));
        // theme-color: the top bar's --surface of the dark default and of the light theme.
        let dark = css_token(CSS, "--surface").expect("--surface");
        let light_block = &CSS[CSS.find(r#":root[data-theme="light"]"#).expect("light theme block")..];
        let light = css_token(light_block, "--surface").expect("light --surface");
        for (colour, scheme) in [(dark, "dark"), (light, "light")] {
            let meta =
                format!(r#"<meta name="theme-color" content="{colour}" media="(prefers-color-scheme: {scheme})">"#);
            assert!(html.contains(&meta), "index.html lacks {meta}");
        }
    }

    #[test]
    fn a_missing_token_is_named() {
        assert_eq!(manifest_json(":root { --bg: #000; }"), Err(AppShellError::MissingToken("--surface")));
    }
}
