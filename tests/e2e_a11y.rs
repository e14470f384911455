//! End to end: accessibility and touch, in Chromium through ChromeDriver.
//! - axe-core (the npm package scripts/setup.sh installs; $AXE_JS) finds no WCAG 2.0/2.1 A/AA
//!   and no best-practice violation on each screen: start page (dark and light), the viewer with
//!   a sample, the study browser, the help dialog, the server editor, the tag panel, every menu
//!   opened, the phone layout (390×844) and its "more" sheet;
//! - keyboard: a skip link is the first Tab stop; Open files and the first sample are reached in
//!   at most 5 Tabs on the start page, the tool bar's first tool in at most 5 in the viewer; the
//!   help dialog (src/web/dialog.rs) takes focus, keeps Tab and Shift+Tab inside, closes with
//!   Escape, its Close button and a backdrop click, and gives focus back to its opener;
//! - the announcer (aria-live) names the slice and window once scrolling stops;
//! - touch (PointerEvents with pointerType "touch" dispatched on the canvas): a two-finger
//!   vertical swipe moves one slice per 16 CSS px both ways without zooming, a pinch zooms without
//!   changing slices, a two-finger diagonal drag pans, a double tap fits the image again;
//! - phone and tablet sizes (360×640, 390×844, 768×1024): screenshots of the start page and the
//!   viewer in target/a11y-screens/ ($A11Y_SCREENS), the visible top bar, bottom bar, viewport and
//!   open panel do not overlap and nothing overflows horizontally.
//!
//! Every check runs; failures are collected and reported together.
//! Needs APP_URL, WEBDRIVER_URL and AXE_JS (scripts/browser-tests.sh sets them up).
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::Client;
use serde_json::{json, Value};

mod e2e_support;

use e2e_support::*;

const SAMPLE: &str = r#"[data-testid="sample"]"#;
/// The rule sets axe runs: WCAG 2.0 and 2.1, levels A and AA, and axe's best practices.
const AXE_TAGS: [&str; 5] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];

fn screen_dir() -> PathBuf {
    let dir = std::env::var("A11Y_SCREENS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/a11y-screens"));
    let _ = std::fs::create_dir_all(&dir);
    dir
}

async fn screenshot(client: &Client, name: &str) -> Result {
    let png = client.screenshot().await?;
    let path = screen_dir().join(format!("{name}.png"));
    std::fs::write(&path, png)?;
    println!("screenshot {}", path.display());
    Ok(())
}

async fn js(client: &Client, script: &str) -> Result<Value> {
    Ok(client.execute(script, vec![]).await?)
}

/// Real key presses through WebDriver (the browser's own focus navigation runs).
async fn keys(client: &Client, sequence: &[Key]) -> Result {
    let mut actions = KeyActions::new("keyboard".into());
    for key in sequence {
        actions = actions.then(KeyAction::Down { value: char::from(*key) });
    }
    for key in sequence.iter().rev() {
        actions = actions.then(KeyAction::Up { value: char::from(*key) });
    }
    client.perform_actions(actions).await?;
    client.release_actions().await?;
    Ok(())
}

/// A short description of the focused element.
async fn focused(client: &Client) -> Result<String> {
    let value = js(
        client,
        "const e = document.activeElement; if (!e || e === document.body) return 'body';
         return e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.dataset.testid ? '[' + e.dataset.testid + ']' : '')
             + ' ' + JSON.stringify((e.getAttribute('aria-label') || e.textContent || e.title || '').trim().slice(0, 40));",
    )
    .await?;
    Ok(value.as_str().unwrap_or_default().to_string())
}

/// Sets the window so that the page's viewport (innerWidth × innerHeight) is `width` × `height`.
async fn set_viewport(client: &Client, width: u32, height: u32) -> Result {
    client.set_window_size(width, height).await?;
    let inner = js(client, "return [innerWidth, innerHeight];").await?;
    let (w, h) = (inner[0].as_u64().unwrap_or(0) as u32, inner[1].as_u64().unwrap_or(0) as u32);
    if (w, h) != (width, height) {
        client.set_window_size(width + width.saturating_sub(w), height + height.saturating_sub(h)).await?;
    }
    Ok(())
}

/// The start page in `theme` ("dark", "light"; stored as the theme switch stores it).
async fn start_page(client: &Client, theme: &str) -> Result {
    fresh_page(client).await?;
    js(client, &format!("localStorage.setItem('dicomViewer.theme', '{theme}');")).await?;
    fresh_page(client).await?;
    wait_for(client, "the sample list", &format!("document.querySelectorAll('{SAMPLE}').length >= 1")).await?;
    Ok(())
}

async fn open_sample(client: &Client, theme: &str) -> Result {
    start_page(client, theme).await?;
    js(client, &format!("document.querySelector('{SAMPLE}').click();")).await?;
    wait_for(client, "the sample drawn", &format!("document.querySelector('{VIEWPORT}[data-ready=\"true\"]')")).await?;
    Ok(())
}

/// Waits until all 64 slices of the CT sample are in (it opens on its middle slice and follows
/// the middle while the others arrive).
async fn sample_loaded(client: &Client) -> Result {
    wait_for(
        client,
        "all 64 slices of the sample",
        &format!(
            "(() => {{ const p = document.querySelector('{VIEWPORT}').parentElement;
                       return Number(p.dataset.total) >= 64 && p.dataset.loaded === p.dataset.total; }})()"
        ),
    )
    .await?;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    Ok(())
}

/// Runs axe-core on the page; an error lists each violation with its impact and targets.
async fn axe(client: &Client, screen: &str) -> Result {
    let path = env("AXE_JS");
    let source = std::fs::read_to_string(&path).map_err(|e| format!("AXE_JS={path}: {e}"))?;
    let loaded = client
        .execute(
            "if (!window.axe) { const s = document.createElement('script'); s.textContent = arguments[0];
                 document.head.appendChild(s); }
             return !!window.axe;",
            vec![json!(source)],
        )
        .await?;
    if loaded != json!(true) {
        return Err(format!("{screen}: axe-core did not load from {path}").into());
    }
    let violations = client
        .execute(
            "return axe.run(document, { runOnly: { type: 'tag', values: arguments[0] }, resultTypes: ['violations'] })
                 .then(r => r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
                     targets: v.nodes.slice(0, 6).map(n => n.target.join(' ')), count: v.nodes.length })));",
            vec![json!(AXE_TAGS)],
        )
        .await?;
    let list = violations.as_array().cloned().unwrap_or_default();
    println!("axe {screen}: {} violations", list.len());
    if list.is_empty() {
        return Ok(());
    }
    let lines: Vec<String> = list
        .iter()
        .map(|v| {
            format!(
                "  {} ({}) {}: {} node(s): {}",
                v["id"].as_str().unwrap_or("?"),
                v["impact"].as_str().unwrap_or("?"),
                v["help"].as_str().unwrap_or(""),
                v["count"],
                v["targets"]
                    .as_array()
                    .map(|t| t.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" | "))
                    .unwrap_or_default()
            )
        })
        .collect();
    Err(format!("{screen}: {} axe violation(s):\n{}", list.len(), lines.join("\n")).into())
}

/// Ok when every result is; else all the errors.
fn collected(found: Vec<Result>) -> Result {
    let errors: Vec<String> = found.into_iter().filter_map(|r| r.err().map(|e| e.to_string())).collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("\n").into())
    }
}

/// Clicks the first visible element matching `selector`; false when there is none.
async fn click_visible(client: &Client, selector: &str) -> Result<bool> {
    let clicked = client
        .execute(
            "const e = [...document.querySelectorAll(arguments[0])].find(e => e.getClientRects().length > 0);
             if (!e) return false; e.click(); return true;",
            vec![json!(selector)],
        )
        .await?;
    Ok(clicked == json!(true))
}

// ---- axe on every screen ----

async fn axe_screens(client: &Client) -> Vec<(String, Result)> {
    let mut results: Vec<(String, Result)> = Vec::new();
    for theme in ["dark", "light"] {
        let name = format!("start page ({theme})");
        let result = match start_page(client, theme).await {
            Ok(()) => {
                let _ = screenshot(client, &format!("start-{theme}")).await;
                axe(client, &name).await
            }
            Err(e) => Err(e),
        };
        results.push((format!("axe: {name}"), result));
    }
    // The study browser of the configured DICOMweb server.
    let result = async {
        let mut found: Vec<Result> = Vec::new();
        start_page(client, "dark").await?;
        if !click_visible(client, r#"[data-testid="browse-source"]"#).await?
            && !click_visible(client, r#"[data-testid="open-study-browser"]"#).await?
        {
            return Err("no browse-source or open-study-browser control on the start page".into());
        }
        wait_for(
            client,
            "the study browser",
            r#"document.querySelector('[data-testid="study-browser"], [data-testid="study-search"]')"#,
        )
        .await?;
        // Results in the table too, when the server answers.
        let _ = click_visible(client, r#"[data-testid="search-button"]"#).await;
        let _ = wait_for(
            client,
            "search results",
            r#"document.querySelector('[data-testid="study-row"], [data-testid="browse-error"]')"#,
        )
        .await;
        found.push(axe(client, "study browser").await);
        // The server editor.
        if !click_visible(client, r#"[data-testid="manage-sources"]"#).await? {
            return Err("no manage-sources control in the study browser".into());
        }
        wait_for(client, "the server editor", r#"document.querySelector('[data-testid="source-editor"]')"#).await?;
        found.push(axe(client, "server editor").await);
        collected(found)
    }
    .await;
    results.push(("axe: study browser and server editor".into(), result));

    let result = async {
        let mut found: Vec<Result> = Vec::new();
        open_sample(client, "dark").await?;
        found.push(axe(client, "viewer with a sample (dark)").await);
        // Help dialog.
        js(client, "document.activeElement && document.activeElement.blur();").await?;
        let question =
            KeyActions::new("keyboard".into()).then(KeyAction::Down { value: '?' }).then(KeyAction::Up { value: '?' });
        client.perform_actions(question).await?;
        client.release_actions().await?;
        if wait_for(client, "the help dialog", r#"document.querySelector('[role="dialog"]')"#).await.is_err() {
            click_visible(client, r#"button[title^="Keyboard shortcuts"], [data-testid="help"]"#).await?;
            wait_for(client, "the help dialog", r#"document.querySelector('[role="dialog"]')"#).await?;
        }
        found.push(axe(client, "help dialog").await);
        keys(client, &[Key::Escape]).await?;
        wait_for(client, "the help dialog closed", r#"!document.querySelector('[role="dialog"]')"#).await?;
        // Tag panel.
        if !click_visible(client, r#"#tags-toggle, [data-testid="tags-toggle"]"#).await? {
            return Err("no tag browser button (#tags-toggle)".into());
        }
        wait_for(client, "the tag browser", r#"document.querySelector('[data-testid="tag-browser"]')"#).await?;
        found.push(axe(client, "tag panel").await);
        collected(found)
    }
    .await;
    results.push(("axe: viewer, help dialog, tag panel".into(), result));

    // Every menu: each visible control that opens a popup, opened in turn.
    let result = async {
        open_sample(client, "dark").await?;
        let count = js(client, "return document.querySelectorAll('[aria-haspopup]:not([aria-haspopup=\"false\"]), details > summary').length;")
            .await?
            .as_u64()
            .unwrap_or(0);
        let mut problems = Vec::new();
        for index in 0..count {
            let opened = client
                .execute(
                    "const e = document.querySelectorAll('[aria-haspopup]:not([aria-haspopup=\"false\"]), details > summary')[arguments[0]];
                     if (!e || e.getClientRects().length === 0) return null;
                     e.click();
                     return (e.getAttribute('aria-label') || e.title || e.textContent || '').trim().slice(0, 30) || e.outerHTML.slice(0, 60);",
                    vec![json!(index)],
                )
                .await?;
            let Some(name) = opened.as_str().map(str::to_string) else { continue };
            tokio::time::sleep(std::time::Duration::from_millis(150)).await;
            if let Err(e) = axe(client, &format!("menu {name:?} open")).await {
                problems.push(e.to_string());
            }
            let _ = screenshot(client, &format!("menu-{index}")).await;
            keys(client, &[Key::Escape]).await?;
        }
        println!("menus opened: {count}");
        if problems.is_empty() { Ok(()) } else { Err(problems.join("\n").into()) }
    }
    .await;
    results.push(("axe: every menu opened".into(), result));

    // The phone layout and its "more" sheet.
    let result = async {
        let mut found: Vec<Result> = Vec::new();
        set_viewport(client, 390, 844).await?;
        open_sample(client, "dark").await?;
        found.push(axe(client, "phone viewer (390×844)").await);
        open_help(client).await?;
        let _ = screenshot(client, "phone-help").await;
        found.push(axe(client, "phone help dialog").await);
        keys(client, &[Key::Escape]).await?;
        wait_for(client, "the help dialog closed", &format!("!{DIALOG}")).await?;
        if click_visible(client, r#"[data-testid="more-button"]"#).await? {
            wait_for(client, "the more sheet", r#"document.querySelector('[data-testid="more-sheet"]')"#).await?;
            let _ = screenshot(client, "phone-more-sheet").await;
            found.push(axe(client, "phone more sheet").await);
            keys(client, &[Key::Escape]).await?;
        } else {
            println!("no phone 'more' control on this page");
        }
        collected(found)
    }
    .await;
    let _ = set_viewport(client, 1400, 1000).await;
    results.push(("axe: phone layout and more sheet".into(), result));
    results
}

// ---- keyboard ----

/// Key presses from the top of the page until `matches` (a JS test of `e`, the focused element)
/// holds: Tab, and Enter on a skip link whose text matches `follow_skip` (a JS regex) — the skip
/// link is how a keyboard user jumps over the top bar. The count and the path of focused elements.
async fn tabs_until(
    client: &Client,
    matches: &str,
    limit: usize,
    follow_skip: Option<&str>,
) -> Result<(Option<usize>, Vec<String>)> {
    js(client, "document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);").await?;
    let mut path = Vec::new();
    let mut press = 0;
    while press < limit {
        keys(client, &[Key::Tab]).await?;
        press += 1;
        path.push(focused(client).await?);
        let hit =
            js(client, &format!("const e = document.activeElement; return !!e && e !== document.body && ({matches});"))
                .await?;
        if hit == json!(true) {
            return Ok((Some(press), path));
        }
        if let Some(pattern) = follow_skip {
            let skip = js(
                client,
                &format!(
                    "const e = document.activeElement; return !!e && e.tagName === 'A'
                         && (e.getAttribute('href') || '').startsWith('#') && /{pattern}/i.test(e.textContent);"
                ),
            )
            .await?;
            if skip == json!(true) && press < limit {
                keys(client, &[Key::Enter]).await?;
                press += 1;
                path.push("Enter".into());
            }
        }
    }
    Ok((None, path))
}

async fn keyboard(client: &Client) -> Vec<(String, Result)> {
    let mut results: Vec<(String, Result)> = Vec::new();
    let result = async {
        start_page(client, "dark").await?;
        let (first, path) = tabs_until(client, "true", 1, None).await?;
        let skip = js(
            client,
            "const e = document.activeElement; return !!e && e.tagName === 'A' && (e.getAttribute('href') || '').startsWith('#');",
        )
        .await?;
        let _ = screenshot(client, "skip-link").await;
        if first != Some(1) || skip != json!(true) {
            return Err(format!("the first Tab stop should be a skip link, it is {path:?}").into());
        }
        Ok(())
    }
    .await;
    results.push(("keyboard: skip link first".into(), result));

    for (what, follow_skip, test) in [
        (
            "Open files",
            None,
            "e.id === 'open-files' || e.dataset.testid === 'open-files' || (e.htmlFor === 'open-files')",
        ),
        ("the first sample", Some("sample"), &format!("e === document.querySelector('{SAMPLE}')") as &str),
    ] {
        let result = async {
            start_page(client, "dark").await?;
            let (presses, path) = tabs_until(client, test, 5, follow_skip).await?;
            println!("Tabs to {what}: {presses:?}: {}", path.join(" → "));
            match presses {
                Some(_) => Ok(()),
                None => Err(format!("{what} is not within 5 key presses of the start page: {path:?}").into()),
            }
        }
        .await;
        results.push((format!("keyboard: {what} within 5 Tabs"), result));
    }

    let result = async {
        open_sample(client, "dark").await?;
        // The tool bar's first tool: the first button of the tools group.
        let (presses, path) = tabs_until(
            client,
            "(() => { const tools = document.querySelector('.tools[role=\"toolbar\"], [role=\"group\"][aria-label=\"Tools\"]');
                      const first = tools && tools.querySelector('button, [role=\"radio\"]'); return e === first; })()",
            5,
            None,
        )
        .await?;
        println!("Tabs to the first tool: {presses:?}: {}", path.join(" → "));
        match presses {
            Some(_) => Ok(()),
            None => Err(format!("the first tool is not within 5 Tabs in the viewer: {path:?}").into()),
        }
    }
    .await;
    results.push(("keyboard: first tool within 5 Tabs".into(), result));
    results.push(("keyboard: help dialog focus trap and return".into(), help_dialog(client).await));
    results
}

const DIALOG: &str = r#"document.querySelector('[role="dialog"][aria-modal="true"]')"#;

async fn open_help(client: &Client) -> Result<String> {
    let opener = r#"button[title^="Keyboard shortcuts"], [data-testid="help"], [data-testid="open-help"]"#;
    let described = client
        .execute(
            "const e = [...document.querySelectorAll(arguments[0])].find(e => e.getClientRects().length > 0);
             if (!e) return null; e.focus(); return e.outerHTML.slice(0, 80);",
            vec![json!(opener)],
        )
        .await?;
    let Some(opener_html) = described.as_str().map(str::to_string) else {
        // Phones: Help is in the "more" sheet.
        if !click_visible(client, r#"[data-testid="more-button"]"#).await? {
            return Err("no visible Help button and no more-button".into());
        }
        wait_for(client, "the more sheet", r#"document.querySelector('[data-testid="more-sheet"]')"#).await?;
        let clicked = js(
            client,
            "const b = document.querySelector('[data-testid=\"more-sheet\"] [data-testid=\"open-help\"]');
             if (!b) return false; b.click(); return true;",
        )
        .await?;
        if clicked != json!(true) {
            return Err("no Help button in the more sheet".into());
        }
        wait_for(client, "the help dialog", DIALOG).await?;
        return Ok(String::new());
    };
    keys(client, &[Key::Enter]).await?;
    wait_for(client, "the help dialog", DIALOG).await?;
    Ok(opener_html)
}

async fn help_dialog(client: &Client) -> Result {
    open_sample(client, "dark").await?;
    let mut problems = Vec::new();
    let opener = open_help(client).await?;
    let _ = screenshot(client, "help-dialog").await;
    let inside = format!("(() => {{ const d = {DIALOG}; return !!d && d.contains(document.activeElement); }})()");
    let shape = js(
        client,
        &format!(
            "const d = {DIALOG}; const id = d.getAttribute('aria-labelledby'); const t = id && document.getElementById(id);
             const close = d.querySelector('[data-testid=\"dialog-close\"]');
             return {{ title: t ? t.textContent.trim() : null, close: !!close && close.getClientRects().length > 0,
                       closeName: close ? (close.getAttribute('aria-label') || close.textContent).trim() : null }};"
        ),
    )
    .await?;
    if shape["title"].as_str().is_none_or(str::is_empty) || shape["close"] != json!(true) {
        problems.push(format!("the dialog needs a title named by aria-labelledby and a visible Close button: {shape}"));
    }
    if js(client, &format!("return {inside};")).await? != json!(true) {
        problems.push(format!("focus should move into the opened dialog, {} has it", focused(client).await?));
    }
    for (index, sequence) in
        [vec![Key::Tab], vec![Key::Tab], vec![Key::Shift, Key::Tab], vec![Key::Shift, Key::Tab], vec![Key::Tab]]
            .iter()
            .enumerate()
    {
        keys(client, sequence).await?;
        if js(client, &format!("return {inside};")).await? != json!(true) {
            problems.push(format!("key {index} moved focus out of the dialog to {}", focused(client).await?));
            break;
        }
    }
    let returned =
        format!("(document.activeElement && document.activeElement.outerHTML.slice(0, 80)) === {}", json!(opener));
    // Escape, then the Close button, then a click on the backdrop: each closes and returns focus.
    for how in ["Escape", "Close button", "backdrop"] {
        if how != "Escape" {
            js(client, "document.activeElement && document.activeElement.blur();").await?;
            open_help(client).await?;
        }
        match how {
            "Escape" => keys(client, &[Key::Escape]).await?,
            "Close button" => {
                click_visible(client, r#"[data-testid="dialog-close"]"#).await?;
            }
            _ => {
                js(
                    client,
                    &format!("const b = {DIALOG}.parentElement; b.dispatchEvent(new MouseEvent('click', {{ bubbles: true }}));"),
                )
                .await?;
            }
        }
        if wait_for(client, "the dialog to close", &format!("!{DIALOG}")).await.is_err() {
            problems.push(format!("{how} should close the dialog"));
            continue;
        }
        if js(client, &format!("return {returned};")).await? != json!(true) {
            problems.push(format!("after {how} focus should return to {opener}, it is on {}", focused(client).await?));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; ").into())
    }
}

// ---- announcer ----

async fn announcer(client: &Client) -> Result {
    open_sample(client, "dark").await?;
    sample_loaded(client).await?;
    let frame: u32 = attribute(client, "data-frame").await?.parse()?;
    js(client, "document.activeElement && document.activeElement.blur();").await?;
    // Record every text the region takes while scrolling 6 slices quickly.
    js(
        client,
        "window.__announced = []; const r = document.querySelector('[data-testid=\"announcer\"]');
         new MutationObserver(() => window.__announced.push(r.textContent)).observe(r, { childList: true, subtree: true, characterData: true });",
    )
    .await?;
    for _ in 0..6 {
        keys(client, &[Key::Down]).await?;
    }
    let expected_frame = frame + 6;
    ready_on_frame(client, expected_frame).await?;
    let region = js(
        client,
        "const r = document.querySelector('[data-testid=\"announcer\"]');
         return r && { live: r.getAttribute('aria-live'), text: r.textContent };",
    )
    .await?;
    if region["live"] != json!("polite") {
        return Err(format!("the announcer should be aria-live=polite: {region}").into());
    }
    let text = wait_for(
        client,
        "the announcement",
        &format!(
            "(() => {{ const t = document.querySelector('[data-testid=\"announcer\"]').textContent;
                       return t.includes('Slice {} of ') && t.includes('window') && t; }})()",
            expected_frame + 1
        ),
    )
    .await?;
    let center = attribute(client, "data-window-center").await?;
    let width = attribute(client, "data-window-width").await?;
    let said = text.as_str().unwrap_or_default().to_string();
    let window = format!("{}/{}", width.parse::<f64>()?.round(), center.parse::<f64>()?.round());
    if !said.contains(&window) {
        return Err(format!("the announcement {said:?} should name window {window}").into());
    }
    let announced = js(client, "return window.__announced.filter(t => t.trim()).length;").await?;
    println!("announcer: {said:?}; texts while scrolling 6 slices: {announced}");
    if announced.as_u64().unwrap_or(99) > 2 {
        return Err(
            format!("scrolling 6 slices should be one announcement, the region changed {announced} times").into()
        );
    }
    Ok(())
}

// ---- touch ----

/// Dispatches touch PointerEvents on viewport 0: each step is [delay ms, type, pointer id, x, y]
/// with x, y in CSS pixels from the canvas's top-left corner.
async fn touch(client: &Client, steps: Value) -> Result {
    client
        .execute(
            "const [selector, steps] = arguments;
             const c = document.querySelector(selector); const r = c.getBoundingClientRect();
             return (async () => {
                 for (const [delay, type, id, x, y] of steps) {
                     if (delay > 0) await new Promise(done => setTimeout(done, delay));
                     c.dispatchEvent(new PointerEvent(type, { pointerId: id, pointerType: 'touch', isPrimary: id === 1,
                         clientX: r.left + x, clientY: r.top + y, bubbles: true, cancelable: true, composed: true,
                         button: type === 'pointermove' ? -1 : 0, buttons: type === 'pointerup' ? 0 : 1 }));
                 }
                 await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
                 return true;
             })();",
            vec![json!(VIEWPORT), steps],
        )
        .await?;
    Ok(())
}

/// Two fingers from (x0 ± half, y0) moving by (dx, dy) each (moving apart by `spread` each) in
/// 4-px steps.
fn two_fingers(x0: f64, y0: f64, half: f64, dx: f64, dy: f64, spread: f64) -> Value {
    let mut steps = vec![json!([0, "pointerdown", 1, x0 - half, y0]), json!([0, "pointerdown", 2, x0 + half, y0])];
    let n = ((dx.abs().max(dy.abs()).max(spread.abs())) / 4.0).ceil().max(1.0) as usize;
    for i in 1..=n {
        let t = i as f64 / n as f64;
        let (mx, my, s) = (dx * t, dy * t, spread * t);
        steps.push(json!([0, "pointermove", 1, x0 - half - s + mx, y0 + my]));
        steps.push(json!([0, "pointermove", 2, x0 + half + s + mx, y0 + my]));
    }
    steps.push(json!([0, "pointerup", 1, x0 - half - spread + dx, y0 + dy]));
    steps.push(json!([0, "pointerup", 2, x0 + half + spread + dx, y0 + dy]));
    json!(steps)
}

async fn matrix(client: &Client) -> Result<Vec<f64>> {
    Ok(attribute(client, "data-image-to-canvas").await?.split(',').filter_map(|v| v.parse().ok()).collect())
}

async fn gestures(client: &Client) -> Result {
    set_viewport(client, 390, 844).await?;
    open_sample(client, "dark").await?;
    // The sample follows its middle while files arrive: wait until all are in.
    sample_loaded(client).await?;
    let size = js(
        client,
        &format!("const r = document.querySelector('{VIEWPORT}').getBoundingClientRect(); return [r.width, r.height];"),
    )
    .await?;
    let (w, h) = (size[0].as_f64().unwrap_or(300.0), size[1].as_f64().unwrap_or(300.0));
    let (cx, cy) = (w / 2.0, h / 2.0);
    let mut problems = Vec::new();
    let frame0: i64 = attribute(client, "data-frame").await?.parse()?;
    let fit = matrix(client).await?;
    let _ = screenshot(client, "touch-before").await;

    // Vertical swipe up 160 CSS px: 10 slices forward, zoom unchanged.
    touch(client, two_fingers(cx, cy + 80.0, 40.0, 0.0, -160.0, 0.0)).await?;
    let up: i64 = attribute(client, "data-frame").await?.parse()?;
    if up != frame0 + 10 {
        problems.push(format!("a two-finger swipe up of 160 px should move 10 slices: {frame0} → {up}"));
    }
    if matrix(client).await? != fit {
        problems.push("a two-finger swipe should not zoom or pan".to_string());
    }
    // Down 96 px: 6 slices back.
    touch(client, two_fingers(cx, cy - 40.0, 40.0, 0.0, 96.0, 0.0)).await?;
    let down: i64 = attribute(client, "data-frame").await?.parse()?;
    if down != up - 6 {
        problems.push(format!("a two-finger swipe down of 96 px should move 6 slices back: {up} → {down}"));
    }
    // Pinch: fingers 80 px apart spread to 160: zoom ×2, same slice.
    touch(client, two_fingers(cx, cy, 40.0, 0.0, 0.0, 40.0)).await?;
    let zoomed = matrix(client).await?;
    let scale = |m: &[f64]| m.first().copied().unwrap_or(0.0).hypot(m.get(1).copied().unwrap_or(0.0));
    let ratio = scale(&zoomed) / scale(&fit);
    if (ratio - 2.0).abs() > 0.02 {
        problems.push(format!("a pinch from 80 to 160 px should zoom ×2, zoomed ×{ratio:.3}"));
    }
    let after_pinch: i64 = attribute(client, "data-frame").await?.parse()?;
    if after_pinch != down {
        problems.push(format!("a pinch should not change the slice: {down} → {after_pinch}"));
    }
    let _ = screenshot(client, "touch-pinched").await;
    // Two-finger diagonal drag (+60, +30): pan by that much (canvas px = CSS px × devicePixelRatio).
    let dpr = js(client, "return devicePixelRatio;").await?.as_f64().unwrap_or(1.0);
    touch(client, two_fingers(cx, cy, 40.0, 60.0, 30.0, 0.0)).await?;
    let panned = matrix(client).await?;
    let moved = (panned[4] - zoomed[4], panned[5] - zoomed[5]);
    if (moved.0 - 60.0 * dpr).abs() > 1.0
        || (moved.1 - 30.0 * dpr).abs() > 1.0
        || (scale(&panned) - scale(&zoomed)).abs() > 1e-6
    {
        problems.push(format!("a two-finger drag of (60, 30) should pan by that much: moved {moved:?}"));
    }
    // Double tap: fit again.
    touch(
        client,
        json!([
            [0, "pointerdown", 7, cx, cy],
            [60, "pointerup", 7, cx, cy],
            [120, "pointerdown", 8, cx + 5.0, cy + 3.0],
            [60, "pointerup", 8, cx + 5.0, cy + 3.0]
        ]),
    )
    .await?;
    let again = matrix(client).await?;
    if again.iter().zip(&fit).any(|(a, b)| (a - b).abs() > 1e-6) {
        problems.push(format!("a double tap should fit the image again: {again:?}, fit is {fit:?}"));
    }
    let _ = screenshot(client, "touch-after").await;
    println!("touch: frames {frame0} → {up} → {down}, pinch ×{ratio:.3}, pan {moved:?}, after a double tap {again:?} (fit {fit:?})");
    let _ = set_viewport(client, 1400, 1000).await;
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; ").into())
    }
}

// ---- phone and tablet layout ----

/// The boxes of the visible page regions; they must not overlap and the page must not scroll
/// sideways.
const REGIONS: &str = r#"
    const pick = list => list.map(s => [...document.querySelectorAll(s)]).flat()
        .find(e => { const r = e.getBoundingClientRect(); const st = getComputedStyle(e);
                     return r.width > 0 && r.height > 0 && st.visibility !== 'hidden' && st.display !== 'none'; });
    const regions = {
        top: pick(['[data-testid="topbar"]', 'header.toolbar', 'header']),
        bottom: pick(['[data-testid="bottom-bar"]']),
        status: pick(['footer.status', 'footer']),
        viewport: pick(['.workspace > section.grid', 'section.grid']),
        panel: pick(['[data-testid="side-panel"]', '.series-dock:not(.collapsed)', '[data-testid="tag-browser"]']),
    };
    const boxes = {};
    for (const [name, e] of Object.entries(regions)) {
        if (!e) continue;
        const r = e.getBoundingClientRect();
        boxes[name] = { x: r.left, y: r.top, w: r.width, h: r.height, what: e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : '') };
    }
    const overlaps = [];
    const names = Object.keys(boxes);
    for (let i = 0; i < names.length; i++) for (let j = i + 1; j < names.length; j++) {
        const a = boxes[names[i]], b = boxes[names[j]];
        const x = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x), y = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
        if (x > 0.5 && y > 0.5) overlaps.push(names[i] + ' × ' + names[j] + ': ' + x.toFixed(1) + '×' + y.toFixed(1));
    }
    const overflow = document.documentElement.scrollWidth - innerWidth;
    const wide = [...document.querySelectorAll('body *')].filter(e => {
        const r = e.getBoundingClientRect(); return r.width > 0 && r.right > innerWidth + 0.5 && getComputedStyle(e).position !== 'fixed'
            && !e.closest('[style*="overflow"], .toolbar, [role="toolbar"], table, pre');
    }).slice(0, 5).map(e => e.tagName.toLowerCase() + '.' + String(e.className));
    return { boxes, overlaps, overflow, wide };
"#;

async fn layout_at(client: &Client, width: u32, height: u32) -> Result {
    set_viewport(client, width, height).await?;
    let mut problems = Vec::new();
    for (screen, with_image) in [("start", false), ("viewer", true)] {
        if with_image {
            open_sample(client, "dark").await?;
        } else {
            start_page(client, "dark").await?;
        }
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        screenshot(client, &format!("{screen}-{width}x{height}")).await?;
        let found = js(client, REGIONS).await?;
        println!("{screen} {width}×{height}: {}", found["boxes"]);
        if found["overlaps"].as_array().is_some_and(|a| !a.is_empty()) {
            problems.push(format!("{screen} {width}×{height}: regions overlap: {}", found["overlaps"]));
        }
        if found["overflow"].as_f64().unwrap_or(0.0) > 0.5 {
            problems.push(format!(
                "{screen} {width}×{height}: the page is {} px wider than the window ({})",
                found["overflow"], found["wide"]
            ));
        }
        if with_image && found["boxes"]["viewport"].is_null() {
            problems.push(format!("{screen} {width}×{height}: no visible viewport area"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; ").into())
    }
}

#[tokio::test]
async fn accessibility_and_touch() {
    let app = env("APP_URL");
    let only = std::env::var("E2E_A11Y_ONLY").unwrap_or_default();
    let wanted = |part: &str| only.is_empty() || only.split(',').any(|p| p.trim() == part);
    let client = connect().await;
    let mut results: Vec<(String, Result)> = Vec::new();
    if wanted("touch") {
        results.push(("touch gestures".into(), gestures(&client).await));
    }
    if wanted("keyboard") {
        results.extend(keyboard(&client).await);
    }
    if wanted("announcer") {
        results.push(("announcer".into(), announcer(&client).await));
    }
    if wanted("axe") {
        results.extend(axe_screens(&client).await);
    }
    if wanted("layout") {
        for (w, h) in [(360, 640), (390, 844), (768, 1024)] {
            results.push((format!("layout {w}×{h}"), layout_at(&client, w, h).await));
        }
    }
    let _ = client.close().await;
    let mut failed = Vec::new();
    for (name, result) in &results {
        match result {
            Ok(()) => println!("ok     {name}"),
            Err(e) => {
                println!("FAILED {name}: {e}");
                failed.push(format!("{name}: {e}"));
            }
        }
    }
    if !failed.is_empty() {
        panic!("{app}: {} of {} checks failed:\n{}", failed.len(), results.len(), failed.join("\n"));
    }
}
