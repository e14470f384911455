//! End to end: the interface's language (issue 11, "English plus German, Spanish and Simplified
//! Chinese; ?lng= or the browser language picks one; numbers and dates follow the locale").
//! - `?lng=de`: `<html lang="de">`, German words on the start page and in the viewer (tool
//!   tooltips and aria-labels, the viewport's name), corner text with a decimal comma, and no
//!   English catalog text left anywhere on the page (text, aria-label, title, placeholder);
//! - the language menu (data-testid="language") switches to Spanish without a reload, and the
//!   choice is remembered for the next visit without `?lng=`;
//! - a browser whose language is zh-CN gets Chinese with no parameter; `?lng=xx` (a language the
//!   interface does not have) falls back to the browser's language, English for an English one.
//!
//! Expected words are read from the catalogs (`dicom_viewer::i18n`), never copied here.
//! Screenshots (1400×1000) of the start page and the viewer in German and Chinese go to
//! target/i18n-screens (or $I18N_SCREENSHOTS). Needs APP_URL and WEBDRIVER_URL
//! (scripts/browser-tests.sh).
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use dicom_viewer::i18n::{catalog, text, Lang};
use fantoccini::{Client, ClientBuilder};
use serde_json::{json, Value};

mod e2e_support;

use e2e_support::*;

fn screenshot_dir() -> PathBuf {
    let dir = std::env::var("I18N_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/i18n-screens"));
    let _ = std::fs::create_dir_all(&dir);
    dir
}

async fn screenshot(client: &Client, name: &str) -> Result {
    tokio::time::sleep(Duration::from_millis(300)).await;
    let png = client.screenshot().await?;
    let path = screenshot_dir().join(format!("{name}.png"));
    std::fs::write(&path, png)?;
    println!("screenshot {}", path.display());
    Ok(())
}

/// A Chromium session (webdriver.json, 1400×1000) whose browser language is `language`
/// (`navigator.languages` and Accept-Language), or Chromium's own (en-US) for None.
async fn connect_in(language: Option<&str>) -> Client {
    let webdriver = env("WEBDRIVER_URL");
    let webdriver_json: Value = serde_json::from_str(include_str!("../webdriver.json")).expect("webdriver.json");
    let mut capabilities = webdriver_json.as_object().cloned().expect("an object");
    let options = &mut capabilities["goog:chromeOptions"];
    options["args"].as_array_mut().expect("args").push(json!("--window-size=1400,1000"));
    if let Some(language) = language {
        options["args"].as_array_mut().expect("args").push(json!(format!("--lang={language}")));
        let primary = language.split('-').next().unwrap_or(language);
        options["prefs"] = json!({ "intl.accept_languages": format!("{language},{primary}") });
    }
    ClientBuilder::native()
        .capabilities(capabilities)
        .connect(&webdriver)
        .await
        .unwrap_or_else(|e| panic!("cannot start a browser session at {webdriver}: {e}"))
}

async fn open(client: &Client, query: &str) -> Result {
    client.goto(&format!("{}{query}", env("APP_URL"))).await?;
    wait_for(client, "window.wasmBindings", "!!(window.wasmBindings && window.wasmBindings.render_frame)").await?;
    Ok(())
}

async fn html_lang(client: &Client, expected: &str) -> Result {
    let expression = format!("document.documentElement.lang === {}", json!(expected));
    wait_for(client, &format!("<html lang=\"{expected}\">"), &expression).await.map(|_| ())
}

/// Every string a person (or a screen reader) meets on the page: text nodes, aria-labels,
/// titles, placeholders and alt texts, trimmed.
async fn page_strings(client: &Client) -> Result<Vec<String>> {
    let value = client
        .execute(
            r#"const out = [];
               const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
               while (walker.nextNode()) {
                   const parent = walker.currentNode.parentElement;
                   if (parent && parent.closest('script, style, noscript')) continue;
                   const text = walker.currentNode.nodeValue.trim();
                   if (text) out.push(text);
               }
               for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
                   for (const element of document.querySelectorAll(`[${name}]`)) {
                       const text = element.getAttribute(name).trim();
                       if (text) out.push(text);
                   }
               }
               return out;"#,
            vec![],
        )
        .await?;
    Ok(value.as_array().map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect()).unwrap_or_default())
}

/// The catalog texts of `lang` that differ from English and have no placeholder (the words a
/// page in that language must show as they are).
fn own_words(lang: Lang, prefixes: &[&str]) -> BTreeSet<&'static str> {
    catalog(lang)
        .iter()
        .filter(|(key, _)| prefixes.iter().any(|p| key.starts_with(p)))
        .filter(|(key, value)| !value.contains('{') && text(Lang::En, key) != **value)
        .map(|(_, value)| *value)
        .collect()
}

/// Fails when the page shows an English catalog text in another language (a string that did
/// not follow the language); returns how many of `lang`'s own words it shows.
async fn speaks(client: &Client, lang: Lang, prefixes: &[&str], what: &str) -> Result<usize> {
    let strings = page_strings(client).await?;
    let translated: BTreeSet<&str> = catalog(lang).values().copied().collect();
    let english: BTreeSet<&str> = catalog(Lang::En)
        .iter()
        .filter(|(key, value)| value.chars().count() >= 4 && !value.contains('{') && text(lang, key) != **value)
        .map(|(_, value)| *value)
        .filter(|value| !translated.contains(value))
        .collect();
    let left: BTreeSet<&str> = strings.iter().map(String::as_str).filter(|s| english.contains(s)).collect();
    if !left.is_empty() {
        return Err(format!("{what} in {lang:?} still shows English: {left:?}").into());
    }
    let own = own_words(lang, prefixes);
    let shown = strings.iter().filter(|s| own.contains(s.as_str())).count();
    println!("{what} in {lang:?}: {shown} of its strings are catalog words, no English catalog text left");
    Ok(shown)
}

async fn open_sample(client: &Client) -> Result {
    wait_for(client, "the sample list", r#"document.querySelectorAll('[data-testid="sample"]').length >= 1"#).await?;
    click(client, r#"[data-testid="sample"]"#).await?;
    wait_for(
        client,
        "viewport 0 ready",
        &format!(
            "(() => {{ const c = document.querySelector('{VIEWPORT}'); return c && c.dataset.ready === 'true'; }})()"
        ),
    )
    .await?;
    // The corner text follows the drawn frame.
    wait_for(
        client,
        "the corner text",
        "document.querySelector('.overlay') && document.querySelector('.overlay').innerText.includes('mm')",
    )
    .await?;
    Ok(())
}

/// Waits until the measurement list says `words` (e.g. "Mittelwert") and returns it.
async fn measurement_with(client: &Client, words: &str) -> Result<String> {
    let expression = format!(
        "(() => {{ const m = document.querySelector('[data-testid=\"measurements\"]'); return m && m.textContent.includes({}) && m.textContent; }})()",
        json!(words)
    );
    let text = wait_for(client, &format!("a measurement saying {words:?}"), &expression).await?;
    Ok(text.as_str().unwrap_or_default().to_string())
}

async fn overlay_text(client: &Client) -> Result<String> {
    let value = client.execute("return document.querySelector('.overlay').innerText;", vec![]).await?;
    Ok(value.as_str().unwrap_or_default().to_string())
}

async fn viewport_label(client: &Client) -> Result<String> {
    let value = client
        .execute(
            r#"const c = document.querySelector(arguments[0]);
               return c.getAttribute('aria-label') || (c.closest('[aria-label]') || c).getAttribute('aria-label') || '';"#,
            vec![json!(VIEWPORT)],
        )
        .await?;
    Ok(value.as_str().unwrap_or_default().to_string())
}

/// `{prefix} …` of a catalog text: the words before its first placeholder.
fn lead(lang: Lang, key: &'static str) -> &'static str {
    let value = text(lang, key);
    value.split('{').next().unwrap_or(value).trim_end()
}

/// A number with two decimals and `separator`, followed by " mm" (the slice thickness and
/// location in the corners).
fn has_millimetres(corner: &str, separator: char) -> bool {
    corner.lines().any(|line| {
        let Some(before) = line.strip_suffix(" mm") else { return false };
        let digits: Vec<char> = before.chars().rev().take(4).collect();
        digits.len() == 4
            && digits[0].is_ascii_digit()
            && digits[1].is_ascii_digit()
            && digits[2] == separator
            && digits[3].is_ascii_digit()
    })
}

async fn german_from_the_address(client: &Client) -> Result {
    open(client, "?lng=de").await?;
    html_lang(client, "de").await?;
    wait_for(client, "the sample list", r#"document.querySelectorAll('[data-testid="sample"]').length >= 1"#).await?;
    let shown = speaks(client, Lang::De, &["start.", "common.", "archives.", "app."], "the start page").await?;
    if shown < 3 {
        return Err(format!("the start page in German shows only {shown} German catalog texts").into());
    }
    screenshot(client, "start-de-1400x1000").await?;

    open_sample(client).await?;
    let corner = overlay_text(client).await?;
    if !has_millimetres(&corner, ',') || !corner.contains(lead(Lang::De, "common.overlay.image")) {
        return Err(format!(
            "German corner text should read \"{} …\" with a decimal comma: {corner:?}",
            lead(Lang::De, "common.overlay.image")
        )
        .into());
    }
    let label = viewport_label(client).await?;
    if !label.starts_with(lead(Lang::De, "common.viewport.image")) {
        return Err(format!("the viewport's name should be German: {label:?}").into());
    }
    // Tool tooltips and aria-labels: the viewer's words are German and none is left in English.
    let tools = own_words(Lang::De, &["viewer."]);
    let strings = page_strings(client).await?;
    let german_tools = strings.iter().filter(|s| tools.contains(s.as_str())).count();
    if german_tools < 3 {
        return Err(format!(
            "the viewer shows only {german_tools} German tool labels (of {} in the catalog)",
            tools.len()
        )
        .into());
    }
    // A rectangle ROI: its statistics in German words and numbers.
    press(client, "b").await?;
    drag(client, (-90.0, -60.0), (30.0, 40.0)).await?;
    let roi = measurement_with(client, lead(Lang::De, "common.measure.roi")).await?;
    speaks(client, Lang::De, &["viewer.", "panels.", "common."], "the viewer").await?;
    println!("German corner text: {corner:?}; viewport: {label:?}; {german_tools} German tool labels; ROI {roi:?}");
    screenshot(client, "viewer-de-1400x1000").await?;
    Ok(())
}

async fn spanish_from_the_menu(client: &Client) -> Result {
    client.execute("window.__sameDocument = true;", vec![]).await?;
    client
        .execute(
            r#"const select = document.querySelector('[data-testid="language"]');
               select.value = 'es';
               select.dispatchEvent(new Event('change', { bubbles: true }));"#,
            vec![],
        )
        .await?;
    html_lang(client, "es").await?;
    let expected = lead(Lang::Es, "common.viewport.image");
    wait_for(
        client,
        "the viewport's name in Spanish",
        &format!(
            "document.querySelector({}).getAttribute('aria-label').startsWith({})",
            json!(VIEWPORT),
            json!(expected)
        ),
    )
    .await?;
    let same = client.execute("return window.__sameDocument === true;", vec![]).await?;
    if same != json!(true) {
        return Err("switching the language reloaded the page".into());
    }
    let corner = overlay_text(client).await?;
    if !has_millimetres(&corner, ',') || !corner.contains(lead(Lang::Es, "common.overlay.thickness")) {
        return Err(format!(
            "Spanish corner text expected (\"{} …\"): {corner:?}",
            lead(Lang::Es, "common.overlay.thickness")
        )
        .into());
    }
    // The ROI drawn in German is re-worded.
    let roi = measurement_with(client, lead(Lang::Es, "common.measure.roi")).await?;
    speaks(client, Lang::Es, &["viewer.", "common."], "the viewer after the switch").await?;
    println!("the ROI after the switch: {roi:?}");
    let stored = client.execute("return localStorage.getItem('dicomViewer.language');", vec![]).await?;
    if stored != json!("es") {
        return Err(format!("the choice should be remembered as es, localStorage has {stored}").into());
    }
    // The next visit, without ?lng=, is Spanish.
    open(client, "").await?;
    html_lang(client, "es").await?;
    speaks(client, Lang::Es, &["start.", "common."], "the start page on the next visit").await?;
    println!("Spanish without a reload, remembered: corner {corner:?}");
    Ok(())
}

async fn unknown_lng_falls_back(client: &Client, browser: &str) -> Result {
    client.execute("localStorage.removeItem('dicomViewer.language');", vec![]).await?;
    open(client, "?lng=xx").await?;
    html_lang(client, browser).await?;
    println!("?lng=xx with browser language {browser}: <html lang=\"{browser}\">");
    Ok(())
}

async fn chinese_from_the_browser(client: &Client) -> Result {
    open(client, "").await?;
    let languages = client.execute("return navigator.languages;", vec![]).await?;
    html_lang(client, "zh-CN").await.map_err(|e| format!("navigator.languages {languages}: {e}"))?;
    wait_for(client, "the sample list", r#"document.querySelectorAll('[data-testid="sample"]').length >= 1"#).await?;
    let shown = speaks(client, Lang::Zh, &["start.", "common.", "archives.", "app."], "the start page").await?;
    if shown < 3 {
        return Err(format!("the start page in Chinese shows only {shown} Chinese catalog texts").into());
    }
    screenshot(client, "start-zh-1400x1000").await?;
    open_sample(client).await?;
    let corner = overlay_text(client).await?;
    if !has_millimetres(&corner, '.') || !corner.contains(lead(Lang::Zh, "common.overlay.thickness")) {
        return Err(format!(
            "Chinese corner text expected (\"{} …\"): {corner:?}",
            lead(Lang::Zh, "common.overlay.thickness")
        )
        .into());
    }
    speaks(client, Lang::Zh, &["viewer.", "common."], "the viewer").await?;
    println!("Chinese from navigator.languages {languages}: corner {corner:?}");
    screenshot(client, "viewer-zh-1400x1000").await?;
    unknown_lng_falls_back(client, "zh-CN").await
}

#[tokio::test]
async fn languages_end_to_end() {
    let app = env("APP_URL");
    let mut failures = Vec::new();
    let client = connect_in(None).await;
    for (name, result) in [
        ("German from ?lng=de", german_from_the_address(&client).await),
        ("Spanish from the menu", spanish_from_the_menu(&client).await),
        ("?lng=xx in an English browser", unknown_lng_falls_back(&client, "en").await),
    ] {
        if let Err(e) = result {
            failures.push(format!("{name}: {e}"));
        }
    }
    let _ = client.close().await;
    let client = connect_in(Some("zh-CN")).await;
    if let Err(e) = chinese_from_the_browser(&client).await {
        failures.push(format!("Chinese from the browser: {e}"));
    }
    let _ = client.close().await;
    assert!(failures.is_empty(), "{app}:\n{}", failures.join("\n"));
}
