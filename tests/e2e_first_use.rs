//! End to end: the first minutes of a new user, in Chromium through ChromeDriver, on a desktop
//! window (1400×1000) and a phone-sized one (390×844):
//! - the page has an icon (`<link rel=icon>` resolves: no 404 on every load);
//! - keyboard: the focus ring of "Open files…" is on that control, the samples are a few key
//!   presses away, the help dialog keeps focus inside, Escape closes it and returns focus;
//! - the Angle tool completes with three clicks, and with a drag then a click;
//! - the window preset menu names the preset a number key chose;
//! - the tag browser's value column is readable and "pixel spacing" finds PixelSpacing;
//! - on a phone the toolbar is one short row, and the tag panel leaves its button visible, has a
//!   Close button and closes with Escape.
//!
//! Every check runs, failures are collected and reported together. Screenshots of each screen go
//! to $SCREENSHOT_DIR (default: target/first-use-screens) for a person to look at.
//! Needs APP_URL and WEBDRIVER_URL (scripts/browser-tests.sh sets them up).
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;
use std::time::Duration;

use fantoccini::actions::{InputSource, KeyAction, KeyActions, MouseActions, PointerAction, MOUSE_BUTTON_LEFT};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde_json::{json, Value};

mod e2e_support;

use e2e_support::*;

const SAMPLE: &str = r#"[data-testid="sample"]"#;

fn screenshot_dir() -> PathBuf {
    let dir = std::env::var("SCREENSHOT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/first-use-screens"));
    let _ = std::fs::create_dir_all(&dir);
    dir
}

async fn screenshot(client: &Client, name: &str) -> Result {
    let png = client.screenshot().await?;
    let path = screenshot_dir().join(format!("{name}.png"));
    std::fs::write(&path, png)?;
    println!("screenshot {}", path.display());
    Ok(())
}

/// Real key presses through WebDriver (the browser's own focus navigation runs, unlike a
/// synthetic KeyboardEvent).
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

async fn js(client: &Client, script: &str) -> Result<Value> {
    Ok(client.execute(script, vec![]).await?)
}

/// A short description of the focused element.
async fn focused(client: &Client) -> Result<String> {
    let value = js(
        client,
        "const e = document.activeElement; if (!e || e === document.body) return 'body';
         return e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.dataset.testid ? '[' + e.dataset.testid + ']' : '')
             + ' ' + JSON.stringify((e.getAttribute('aria-label') || e.textContent || '').trim().slice(0, 40));",
    )
    .await?;
    Ok(value.as_str().unwrap_or_default().to_string())
}

async fn start_page(client: &Client) -> Result {
    fresh_page(client).await?;
    wait_for(client, "the sample list", &format!("document.querySelectorAll('{SAMPLE}').length >= 1")).await?;
    Ok(())
}

async fn open_ct_sample(client: &Client) -> Result {
    start_page(client).await?;
    js(client, &format!("document.querySelector('{SAMPLE}').click();")).await?;
    ready_on_frame(client, 0).await?;
    Ok(())
}

/// Item 13: the page names an icon that the server has.
async fn favicon(client: &Client) -> Result {
    start_page(client).await?;
    let answer = js(
        client,
        "const link = document.querySelector('link[rel~=\"icon\"]');
         if (!link) return { missing: true };
         return fetch(link.href).then(async r => ({ href: link.href, status: r.status,
             type: r.headers.get('content-type'), body: (await r.text()).slice(0, 200) }));",
    )
    .await?;
    let svg = answer["body"].as_str().is_some_and(|b| b.contains("<svg"));
    if answer["status"] != json!(200) || !svg {
        return Err(format!("the page's icon should resolve to an SVG: {answer}").into());
    }
    println!("favicon: {} {} {}", answer["href"], answer["status"], answer["type"]);
    Ok(())
}

fn outlined_js() -> &'static str {
    "const outlined = e => { const s = getComputedStyle(e); return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0; };"
}

/// Item 11: with the toolbar's "Open files…" input focused from the keyboard, the focus ring is
/// on its own label and on nothing else.
async fn file_picker_focus_ring(client: &Client) -> Result {
    start_page(client).await?;
    js(client, "document.activeElement && document.activeElement.blur();").await?;
    for _ in 0..12 {
        keys(client, &[Key::Tab]).await?;
        if focused(client).await?.contains("#open-files") {
            let rings = js(
                client,
                &format!(
                    "{} const label = document.querySelector('label[for=\"open-files\"]');
                     const others = [...document.querySelectorAll('label, button, a, select, input')]
                         .filter(e => e !== label && e !== document.activeElement && outlined(e))
                         .map(e => e.outerHTML.slice(0, 80));
                     return {{ label: outlined(label), others }};",
                    outlined_js()
                ),
            )
            .await?;
            if rings["label"] != json!(true) || rings["others"].as_array().is_none_or(|a| !a.is_empty()) {
                return Err(
                    format!("with Open files… focused only its label should show the focus ring: {rings}").into()
                );
            }
            return Ok(());
        }
    }
    Err("Open files… is not among the first 12 Tab stops".into())
}

/// Item 11: a keyboard user reaches the first sample in a few key presses (Tab, and Enter on a
/// skip link that names the samples).
async fn tabs_to_samples(client: &Client) -> Result {
    start_page(client).await?;
    js(client, "document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);").await?;
    let mut presses = 0;
    let mut path = Vec::new();
    while presses < 45 {
        keys(client, &[Key::Tab]).await?;
        presses += 1;
        let now = focused(client).await?;
        path.push(now.clone());
        if now.contains("[sample]") {
            break;
        }
        let skip = js(
            client,
            "const e = document.activeElement; return !!e && e.tagName === 'A' && /sample/i.test(e.textContent);",
        )
        .await?;
        if skip == json!(true) {
            screenshot(client, "desktop-skip-link").await?;
            keys(client, &[Key::Enter]).await?;
            presses += 1;
            path.push("Enter".into());
        }
    }
    println!("key presses to the first sample: {presses}: {}", path.join(" → "));
    if !path.last().is_some_and(|p| p.contains("[sample]")) || presses > 5 {
        return Err(format!("the first sample should be at most 5 key presses away, took {presses}: {path:?}").into());
    }
    Ok(())
}

/// Item 11: the help dialog is modal for the keyboard and gives focus back to its opener.
async fn help_dialog(client: &Client) -> Result {
    open_ct_sample(client).await?;
    let help = client.find(Locator::Css(r#"button[title^="Keyboard shortcuts"]"#)).await?;
    help.click().await?;
    wait_for(client, "the help dialog", "!!document.querySelector('[role=\"dialog\"]')").await?;
    screenshot(client, "desktop-help").await?;
    let mut problems = Vec::new();
    let inside = "(() => { const d = document.querySelector('[role=\"dialog\"]'); return !!d && d.contains(document.activeElement); })()";
    if js(client, &format!("return {inside};")).await? != json!(true) {
        problems.push(format!("the opened help dialog should have focus, {} has it", focused(client).await?));
        // Go on from inside the dialog.
        js(client, "const b = document.querySelector('[role=\"dialog\"] button'); b && b.focus();").await?;
    }
    for (index, sequence) in
        [vec![Key::Tab], vec![Key::Tab], vec![Key::Shift, Key::Tab], vec![Key::Tab]].iter().enumerate()
    {
        keys(client, sequence).await?;
        if js(client, &format!("return {inside};")).await? != json!(true) {
            problems.push(format!("Tab {index} moved focus out of the help dialog to {}", focused(client).await?));
            break;
        }
    }
    js(client, "const b = document.querySelector('[role=\"dialog\"] button'); b && b.focus();").await?;
    keys(client, &[Key::Escape]).await?;
    if wait_for(client, "the help dialog to close", "!document.querySelector('[role=\"dialog\"]')").await.is_err() {
        problems.push("Escape should close the help dialog".into());
    } else {
        let back = js(client, "return document.activeElement && document.activeElement.title || '';").await?;
        if !back.as_str().is_some_and(|t| t.starts_with("Keyboard shortcuts")) {
            problems
                .push(format!("Escape should return focus to the Help button, it is on {}", focused(client).await?));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; ").into())
    }
}

async fn pointer_at(client: &Client, image_point: (f64, f64)) -> Result<PointerAction> {
    let canvas = client.find(Locator::Css(VIEWPORT)).await?;
    let (x, y) = offset_of_image_point(client, image_point).await?;
    Ok(PointerAction::MoveToElement { element: canvas, duration: Some(Duration::from_millis(60)), x, y })
}

async fn measurements(client: &Client) -> Result<String> {
    let text = js(client, "return (document.querySelector('[data-testid=\"measurements\"]') || {}).textContent || '';")
        .await?;
    Ok(text.as_str().unwrap_or_default().to_string())
}

async fn expect_right_angle(client: &Client, how: &str) -> Result {
    let found = wait_for(
        client,
        "an angle measurement",
        "(() => { const t = document.querySelector('[data-testid=\"measurements\"]').textContent; return t.includes('°') && t; })()",
    )
    .await
    .map_err(|_| format!("{how}: no angle was measured"))?;
    let text = found.as_str().unwrap_or_default();
    let degrees = text
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter_map(|w| w.parse::<f64>().ok())
        .next_back()
        .ok_or_else(|| format!("{how}: no number in {text:?}"))?;
    if (degrees - 90.0).abs() > 2.0 {
        return Err(format!("{how}: expected 90° (±2), the page says {text:?}").into());
    }
    println!("angle by {how}: {text:?}");
    Ok(())
}

/// Item 1: the Angle tool completes by three clicks, and by a drag (first arm) then a click.
async fn angle_tool(client: &Client) -> Result {
    open_ct_sample(client).await?;
    press(client, "a").await?;
    let (first, vertex, second) = ((60.0, 128.0), (128.0, 128.0), (128.0, 60.0));
    let mut clicks = MouseActions::new("mouse".into());
    for point in [first, vertex, second] {
        clicks = clicks
            .then(pointer_at(client, point).await?)
            .then(PointerAction::Down { button: MOUSE_BUTTON_LEFT })
            .then(PointerAction::Up { button: MOUSE_BUTTON_LEFT })
            .then(PointerAction::Pause { duration: Duration::from_millis(350) });
    }
    client.perform_actions(clicks).await?;
    client.release_actions().await?;
    let mut problems = Vec::new();
    if let Err(e) = expect_right_angle(client, "three clicks").await {
        problems.push(e.to_string());
    }
    screenshot(client, "desktop-angle").await?;
    press(client, "Escape").await?;
    press(client, "Delete").await?;
    if measurements(client).await?.contains('°') {
        return Err("Delete should remove the angle".into());
    }
    let drag_then_click = MouseActions::new("mouse".into())
        .then(pointer_at(client, first).await?)
        .then(PointerAction::Down { button: MOUSE_BUTTON_LEFT })
        .then(pointer_at(client, vertex).await?)
        .then(PointerAction::Up { button: MOUSE_BUTTON_LEFT })
        .then(PointerAction::Pause { duration: Duration::from_millis(350) })
        .then(pointer_at(client, second).await?)
        .then(PointerAction::Down { button: MOUSE_BUTTON_LEFT })
        .then(PointerAction::Up { button: MOUSE_BUTTON_LEFT });
    client.perform_actions(drag_then_click).await?;
    client.release_actions().await?;
    if let Err(e) = expect_right_angle(client, "a drag and a click").await {
        problems.push(e.to_string());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; ").into())
    }
}

async fn preset_shown(client: &Client) -> Result<String> {
    let value = js(
        client,
        "const s = document.querySelector('select[aria-label=\"Window preset\"]');
         return s && s.selectedOptions.length ? s.selectedOptions[0].textContent : '(none)';",
    )
    .await?;
    Ok(value.as_str().unwrap_or_default().to_string())
}

/// Item 9: after a number key the preset menu names that preset; after a reset, the file's.
async fn preset_menu(client: &Client) -> Result {
    open_ct_sample(client).await?;
    for (key, name) in [("2", "Lung"), ("1", "Brain")] {
        press(client, key).await?;
        let expected = format!("canvas dataset window after key {key}");
        let _ = wait_for(
            client,
            &expected,
            &format!("document.querySelector('{VIEWPORT}').dataset.windowWidth !== undefined"),
        )
        .await;
        let mut shown = String::new();
        for _ in 0..40 {
            shown = preset_shown(client).await?;
            if shown.contains(name) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        if !shown.contains(name) {
            return Err(format!("after key {key} the preset menu should say {name}, it says {shown:?}").into());
        }
    }
    // A dragged window is none of the presets.
    press(client, "w").await?;
    drag(client, (0.0, 0.0), (80.0, -40.0)).await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let shown = preset_shown(client).await?;
    if !shown.starts_with("Custom") {
        return Err(format!("after a window/level drag the preset menu should say Custom, it says {shown:?}").into());
    }
    press(client, "f").await?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let shown = preset_shown(client).await?;
    if !shown.contains("File default") {
        return Err(format!("after a reset the preset menu should say File default, it says {shown:?}").into());
    }
    Ok(())
}

/// Item 4: the value column of the tag browser is readable: at least `min_value_px` wide.
async fn tag_value_column(client: &Client, size: &str, min_value_px: f64) -> Result {
    open_ct_sample(client).await?;
    press(client, "t").await?;
    wait_for(client, "the tag browser", "!!document.querySelector('[data-testid=\"tag-browser\"]')").await?;
    let widths = js(
        client,
        "const rows = [...document.querySelectorAll('[data-testid=\"tag-browser\"] .tag-row')];
         const row = rows.find(r => r.textContent.includes('PixelSpacing'));
         if (!row) return null;
         const value = row.querySelector('.tag-value');
         return { value: value.getBoundingClientRect().width, panel: document.querySelector('[data-testid=\"tag-browser\"]').getBoundingClientRect().width,
                  text: value.textContent };",
    )
    .await?;
    screenshot(client, &format!("{size}-tags")).await?;
    let value_width = widths["value"].as_f64().unwrap_or(0.0);
    println!(
        "{size}: tag value column {value_width:.0} px of a {:.0} px browser",
        widths["panel"].as_f64().unwrap_or(0.0)
    );
    if value_width < min_value_px {
        return Err(format!("{size}: the tag value column should be at least {min_value_px} px wide: {widths}").into());
    }
    Ok(())
}

/// Item 4: "pixel spacing" (as the PS3.6 name is written) finds PixelSpacing, "0028 0030" too.
async fn tag_search(client: &Client) -> Result {
    open_ct_sample(client).await?;
    press(client, "t").await?;
    wait_for(client, "the tag browser", "!!document.querySelector('[data-testid=\"tag-search\"]')").await?;
    for query in ["pixel spacing", "0028 0030"] {
        type_into(client, r#"[data-testid="tag-search"]"#, query).await?;
        let found = wait_for(
            client,
            "the search result",
            "(() => { const t = document.querySelector('[data-testid=\"tag-browser\"] .tag-rows').innerText;
                      return t.includes('PixelSpacing') && !t.includes('PatientName'); })()",
        )
        .await;
        if found.is_err() {
            let text =
                js(client, "return document.querySelector('[data-testid=\"tag-browser\"]').innerText.slice(0, 300);")
                    .await?;
            return Err(format!("searching {query:?} should show PixelSpacing only: {text}").into());
        }
        if query == "pixel spacing" {
            screenshot(client, "desktop-tags-search").await?;
        }
    }
    Ok(())
}

/// Item 5: on a phone the toolbar is one short row before any image.
async fn phone_toolbar(client: &Client) -> Result {
    start_page(client).await?;
    screenshot(client, "phone-start").await?;
    let size = js(
        client,
        "return [innerWidth, innerHeight, document.querySelector('.toolbar').getBoundingClientRect().height];",
    )
    .await?;
    let (height, toolbar) = (size[1].as_f64().unwrap_or(0.0), size[2].as_f64().unwrap_or(f64::MAX));
    println!("phone: window {size}, toolbar {toolbar:.0} px high");
    if toolbar > 0.1 * height {
        return Err(format!("the phone toolbar should take at most 10% of the height: {toolbar} of {height} px").into());
    }
    Ok(())
}

/// Item 5: on a phone the tag panel leaves its button uncovered, has a visible Close button,
/// and Escape closes it with focus back on the Tags button.
async fn phone_tag_panel(client: &Client) -> Result {
    open_ct_sample(client).await?;
    screenshot(client, "phone-viewer").await?;
    let tags_button = r#"button[title^="Tag browser"]"#;
    client.find(Locator::Css(tags_button)).await?.click().await?;
    wait_for(client, "the tag panel", "!!document.querySelector('[data-testid=\"tag-browser\"]')").await?;
    screenshot(client, "phone-tags").await?;
    let mut problems = Vec::new();
    let uncovered = js(
        client,
        &format!(
            "const b = document.querySelector('{tags_button}'); b.scrollIntoView({{ block: 'nearest', inline: 'nearest' }});
             const r = b.getBoundingClientRect(); const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
             return !!hit && (hit === b || b.contains(hit));"
        ),
    )
    .await?;
    if uncovered != json!(true) {
        problems.push("the tag panel covers the Tags button".to_string());
    }
    let close = r#"[data-testid="close-tags"]"#;
    let visible = js(
        client,
        &format!(
            "const c = document.querySelector('{close}'); if (!c) return false; const r = c.getBoundingClientRect();
             const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
             return r.width >= 24 && r.height >= 24 && r.bottom <= innerHeight && !!hit && (hit === c || c.contains(hit));"
        ),
    )
    .await?;
    if visible != json!(true) {
        problems.push("the tag panel should have a visible Close button (at least 24×24 px)".to_string());
    } else {
        client.find(Locator::Css(close)).await?.click().await?;
        if wait_for(client, "the tag panel to close", "!document.querySelector('[data-testid=\"tag-browser\"]')")
            .await
            .is_err()
        {
            problems.push("Close should close the tag panel".to_string());
        }
    }
    // Escape from the search box closes the panel and returns focus to the Tags button.
    if js(client, "return !!document.querySelector('[data-testid=\"tag-browser\"]');").await? != json!(true) {
        client.find(Locator::Css(tags_button)).await?.click().await?;
    }
    wait_for(client, "the tag panel", "!!document.querySelector('[data-testid=\"tag-search\"]')").await?;
    client.find(Locator::Css(r#"[data-testid="tag-search"]"#)).await?.click().await?;
    keys(client, &[Key::Escape]).await?;
    if wait_for(client, "Escape to close the tag panel", "!document.querySelector('[data-testid=\"tag-browser\"]')")
        .await
        .is_err()
    {
        problems.push("Escape should close the tag panel".to_string());
    } else {
        let back =
            js(client, &format!("return document.activeElement === document.querySelector('{tags_button}');")).await?;
        if back != json!(true) {
            problems.push(format!(
                "closing the tag panel should return focus to the Tags button, not {}",
                focused(client).await?
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; ").into())
    }
}

/// Sets the window so that the page's viewport (innerWidth × innerHeight) is `width` × `height`.
async fn set_viewport(client: &Client, width: u32, height: u32) -> Result {
    client.set_window_size(width, height).await?;
    let inner = js(client, "return [innerWidth, innerHeight];").await?;
    let (w, h) = (inner[0].as_u64().unwrap_or(0) as u32, inner[1].as_u64().unwrap_or(0) as u32);
    if (w, h) != (width, height) {
        client.set_window_size(width + width.saturating_sub(w), height + height.saturating_sub(h)).await?;
    }
    let inner = js(client, "return [innerWidth, innerHeight];").await?;
    println!("viewport {inner} (asked for {width}×{height})");
    Ok(())
}

type Check = (&'static str, Result);

async fn desktop(client: &Client) -> Vec<Check> {
    let mut results = Vec::new();
    let _ = start_page(client).await;
    if let Err(e) = set_viewport(client, 1400, 1000).await {
        results.push(("desktop window size", Err(e)));
    }
    if start_page(client).await.is_ok() {
        let _ = screenshot(client, "desktop-start").await;
    }
    results.push(("13 favicon", favicon(client).await));
    results.push(("11 keyboard: focus ring of Open files", file_picker_focus_ring(client).await));
    results.push(("11 keyboard: key presses to the samples", tabs_to_samples(client).await));
    results.push(("11 keyboard: help dialog", help_dialog(client).await));
    results.push(("1 angle tool", angle_tool(client).await));
    results.push(("9 preset menu", preset_menu(client).await));
    results.push(("4 tag value column (desktop)", tag_value_column(client, "desktop", 200.0).await));
    results.push(("4 tag search", tag_search(client).await));
    if open_ct_sample(client).await.is_ok() {
        let _ = screenshot(client, "desktop-viewer").await;
    }
    results
}

async fn phone(client: &Client) -> Vec<Check> {
    let mut results = Vec::new();
    if let Err(e) = set_viewport(client, 390, 844).await {
        results.push(("phone window size", Err(e)));
    }
    results.push(("5 phone toolbar", phone_toolbar(client).await));
    results.push(("5 phone tag panel", phone_tag_panel(client).await));
    results.push(("4 tag value column (phone)", tag_value_column(client, "phone", 150.0).await));
    results
}

#[tokio::test]
async fn first_use() {
    let app = env("APP_URL");
    let client = connect().await;
    let mut results = desktop(&client).await;
    results.extend(phone(&client).await);
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
