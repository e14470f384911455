//! The viewer screen's shell in headless Chromium (issue 11, §Design and §Phones):
//! - before an image the top bar has no tools (logo, name, open, language, theme, help);
//! - every icon button of the top bar has an accessible name and a tooltip naming it, and the
//!   tool buttons' tooltips give their shortcut;
//! - the measure menu opens from its button (aria-expanded), arrows move inside it, Escape closes
//!   it with focus back on the button, and choosing Angle switches the tool;
//! - a length drawn on one slice is listed with its value in mm and its slice; choosing it from
//!   another slice shows that slice; its delete button removes it;
//! - the series and side panels collapse and the choice is remembered after a reload;
//! - at 390×844 and 360×640 the bottom bar shows, and the top bar, bottom bar and viewport do not
//!   intersect; its buttons are at least 44 px; the "more" sheet opens and closes; at 768×1024 the
//!   top bar clips nothing.
//!
//! Screenshots (light and dark theme, menus open, phone sheets) go to `$SCREENSHOT_DIR` (default
//! target/shell-screens). Needs APP_URL and WEBDRIVER_URL (scripts/browser-tests.sh).
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;

use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde_json::{json, Value};

mod e2e_support;

use e2e_support::*;

const SAMPLE: &str = r#"[data-testid="sample"]"#;

fn screenshot_dir() -> PathBuf {
    let dir = std::env::var("SCREENSHOT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/shell-screens"));
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

async fn js(client: &Client, script: &str) -> Result<Value> {
    Ok(client.execute(script, vec![]).await?)
}

async fn set_viewport(client: &Client, width: u32, height: u32) -> Result {
    client.set_window_size(width, height).await?;
    let inner = js(client, "return [innerWidth, innerHeight];").await?;
    let (w, h) = (inner[0].as_u64().unwrap_or(0) as u32, inner[1].as_u64().unwrap_or(0) as u32);
    if (w, h) != (width, height) {
        client.set_window_size(width + width.saturating_sub(w), height + height.saturating_sub(h)).await?;
    }
    Ok(())
}

async fn start_page(client: &Client, theme: &str) -> Result {
    client.goto(&env("APP_URL")).await?;
    js(client, &format!("localStorage.setItem('dicomViewer.theme', '{theme}');")).await?;
    fresh_page(client).await?;
    wait_for(client, "the sample list", &format!("document.querySelectorAll('{SAMPLE}').length >= 1")).await?;
    Ok(())
}

async fn open_ct_sample(client: &Client, theme: &str) -> Result {
    start_page(client, theme).await?;
    js(client, &format!("document.querySelector('{SAMPLE}').click();")).await?;
    wait_for(
        client,
        "the CT sample drawn",
        &format!("(c => c && c.dataset.ready === 'true')(document.querySelector('{VIEWPORT}'))"),
    )
    .await?;
    Ok(())
}

fn exists(testid: &str) -> String {
    format!("!!document.querySelector('[data-testid=\"{testid}\"]')")
}

/// Tools hidden before an image; shown with one.
async fn tools_only_with_an_image(client: &Client) -> Result {
    start_page(client, "light").await?;
    screenshot(client, "desktop-start-light").await?;
    let hidden = js(
        client,
        "const bar = document.querySelector('[data-testid=\"topbar\"]');
         if (!bar) return 'no top bar';
         const tools = [...bar.querySelectorAll('[data-testid^=\"tool-\"], [data-testid=\"menu-layout\"], [data-testid=\"menu-measure\"], [data-testid=\"toggle-series-panel\"]')];
         return tools.map(t => t.dataset.testid);",
    )
    .await?;
    if hidden != json!([]) {
        return Err(format!("the start page's top bar should have no tools: {hidden}").into());
    }
    let start_controls = js(
        client,
        "const bar = document.querySelector('[data-testid=\"topbar\"]');
         return [!!bar.querySelector('label[for=\"open-files\"]'), !!bar.querySelector('[data-testid=\"language\"]'),
                 !!bar.querySelector('[data-testid=\"theme\"]'), !!bar.querySelector('button[title^=\"Keyboard shortcuts\"]')];",
    )
    .await?;
    if start_controls != json!([true, true, true, true]) {
        return Err(
            format!("the start page's top bar should have open, language, theme, help: {start_controls}").into()
        );
    }
    js(client, &format!("document.querySelector('{SAMPLE}').click();")).await?;
    wait_for(client, "the tools", &exists("tool-scroll")).await?;
    Ok(())
}

/// Accessible names and tooltips with shortcuts.
async fn names_and_tooltips(client: &Client) -> Result {
    open_ct_sample(client, "light").await?;
    let unnamed = js(
        client,
        "return [...document.querySelectorAll('[data-testid=\"topbar\"] button')]
             .filter(b => b.offsetParent !== null)
             .filter(b => !(b.getAttribute('aria-label') || b.textContent).trim() || !(b.title || '').trim()
                          || !b.title.includes((b.getAttribute('aria-label') || b.textContent).trim()))
             .map(b => b.outerHTML.slice(0, 100));",
    )
    .await?;
    if unnamed != json!([]) {
        return Err(format!("top bar buttons without a name or a tooltip naming them: {unnamed}").into());
    }
    let shortcuts = js(
        client,
        "return ['scroll:s', 'pan:p', 'zoom:z', 'window-level:w'].map(pair => {
             const [name, key] = pair.split(':');
             const b = document.querySelector(`[data-testid=\"tool-${name}\"]`);
             return b && b.title.includes(`(${key})`) && b.getAttribute('aria-keyshortcuts') === key ? null : (b ? b.title : name + ' missing');
         }).filter(x => x);",
    )
    .await?;
    if shortcuts != json!([]) {
        return Err(format!("tool tooltips without their shortcut: {shortcuts}").into());
    }
    let count = js(
        client,
        "return document.querySelectorAll('[data-testid=\"topbar\"] svg.icon[aria-hidden=\"true\"]').length;",
    )
    .await?;
    println!("top bar: {count} icons, every button named, tooltips with shortcuts");
    // A language switch renames the controls at once.
    let switch = |code: &str| {
        format!(
            "const s = document.querySelector('[data-testid=\"language\"]'); s.value = '{code}';
             s.dispatchEvent(new Event('change', {{ bubbles: true }}));"
        )
    };
    js(client, &switch("zh-CN")).await?;
    let chinese = wait_for(
        client,
        "the tooltips in Chinese",
        "(b => b.title.includes('平移') && b.title)(document.querySelector('[data-testid=\"tool-pan\"]'))",
    )
    .await?;
    client.find(Locator::Css(r#"[data-testid="menu-more"]"#)).await?.click().await?;
    screenshot(client, "desktop-more-menu-zh").await?;
    keys(client, Key::Escape).await?;
    js(client, &switch("en")).await?;
    wait_for(
        client,
        "the tooltips in English again",
        "document.querySelector('[data-testid=\"tool-pan\"]').title === 'Pan (p)'",
    )
    .await?;
    println!("language switch: Pan tooltip {chinese}");
    Ok(())
}

async fn focused_testid(client: &Client) -> Result<String> {
    let value = js(
        client,
        "const e = document.activeElement; return e ? (e.dataset.testid || e.getAttribute('aria-label') || e.tagName) : '';",
    )
    .await?;
    Ok(value.as_str().unwrap_or_default().to_string())
}

async fn keys(client: &Client, key: Key) -> Result {
    let element = client.active_element().await?;
    element.send_keys(&char::from(key).to_string()).await?;
    Ok(())
}

/// The measure menu: keyboard and choosing a tool.
async fn measure_menu(client: &Client) -> Result {
    open_ct_sample(client, "light").await?;
    client.find(Locator::Css(r#"[data-testid="menu-measure"]"#)).await?.click().await?;
    wait_for(
        client,
        "the measure menu open",
        "document.querySelector('[data-testid=\"menu-measure\"]').getAttribute('aria-expanded') === 'true'
         && document.querySelector('#menu-measure-list').offsetParent !== null",
    )
    .await?;
    wait_for(
        client,
        "focus on the first item",
        "document.activeElement && document.activeElement.getAttribute('role') === 'menuitemradio'",
    )
    .await?;
    let first = focused_testid(client).await?;
    keys(client, Key::Down).await?;
    let second = focused_testid(client).await?;
    keys(client, Key::Up).await?;
    let back = focused_testid(client).await?;
    if first != "tool-length" || second != "tool-angle" || back != "tool-length" {
        return Err(format!("arrows in the measure menu: first {first}, down {second}, up {back}").into());
    }
    screenshot(client, "desktop-measure-menu-light").await?;
    keys(client, Key::Escape).await?;
    wait_for(
        client,
        "Escape to close the menu",
        "document.querySelector('[data-testid=\"menu-measure\"]').getAttribute('aria-expanded') === 'false'",
    )
    .await?;
    let after = focused_testid(client).await?;
    if after != "menu-measure" {
        return Err(format!("Escape should return focus to the menu button, it is on {after}").into());
    }
    client.find(Locator::Css(r#"[data-testid="menu-measure"]"#)).await?.click().await?;
    client.find(Locator::Css(r#"[data-testid="tool-angle"]"#)).await?.click().await?;
    let state = wait_for(
        client,
        "the angle tool chosen",
        "(b => b.dataset.tool === 'angle' && b.getAttribute('aria-pressed') === 'true'
                && document.querySelector('[data-testid=\"menu-measure\"]').getAttribute('aria-expanded') === 'false'
                && b.title)(document.querySelector('[data-testid=\"tool-measure\"]'))",
    )
    .await?;
    println!("measure menu: arrows, Escape, Angle chosen ({state})");
    // The other menus open too (screenshots of each).
    for (menu, shot) in [
        ("layout", "desktop-layout-menu-light"),
        ("view", "desktop-view-menu-light"),
        ("more", "desktop-more-menu-light"),
    ] {
        client.find(Locator::Css(&format!(r#"[data-testid="menu-{menu}"]"#))).await?.click().await?;
        wait_for(
            client,
            &format!("the {menu} menu"),
            &format!("document.querySelector('#menu-{menu}-list').offsetParent !== null"),
        )
        .await?;
        screenshot(client, shot).await?;
        keys(client, Key::Escape).await?;
    }
    Ok(())
}

async fn frame(client: &Client) -> Result<u64> {
    let value = js(client, &format!("return Number(document.querySelector('{VIEWPORT}').dataset.frame);")).await?;
    Ok(value.as_u64().unwrap_or(u64::MAX))
}

/// A drawn length in the list; choosing it shows its slice; delete removes it.
async fn measurement_list(client: &Client) -> Result {
    open_ct_sample(client, "light").await?;
    if js(client, &format!("return {};", exists("side-panel"))).await? != json!(true) {
        click(client, r#"[data-testid="toggle-side-panel"]"#).await?;
    }
    click(client, r#"[data-testid="tab-measurements"]"#).await?;
    // Every slice loaded, so slice numbers no longer shift as instances sort in.
    wait_for(
        client,
        "the whole series loaded",
        &format!(
            "(p => p.dataset.total && p.dataset.loaded === p.dataset.total && !document.querySelector('[data-testid=\"progress\"]'))\
             (document.querySelector('{VIEWPORT}').parentElement)"
        ),
    )
    .await?;
    press(client, "Home").await?;
    ready_on_frame(client, 0).await?;
    for _ in 0..5 {
        press(client, "ArrowDown").await?;
    }
    let moved = wait_for(
        client,
        "viewport 0 ready after 5 × ArrowDown",
        &format!("(c => c.dataset.ready === 'true' && c.dataset.frame !== '0' && c.dataset.frame)(document.querySelector('{VIEWPORT}'))"),
    )
    .await?;
    let drawn_on: u64 = moved.as_str().and_then(|f| f.parse().ok()).unwrap_or(u64::MAX);
    println!("drawing on slice index {drawn_on}");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    if frame(client).await? != drawn_on {
        return Err(format!("the slice moved on by itself from {drawn_on} to {}", frame(client).await?).into());
    }
    press(client, "l").await?;
    let from = offset_of_image_point(client, (60.0, 128.0)).await?;
    let to = offset_of_image_point(client, (196.0, 128.0)).await?;
    drag(client, from, to).await?;
    let item = wait_for(
        client,
        "the length in the list",
        "(i => i && [i.dataset.slice, i.querySelector('[data-testid=\"measurement-value\"]').textContent, i.textContent])
            (document.querySelector('[data-testid=\"measurement-item\"]'))",
    )
    .await?;
    screenshot(client, "desktop-measurements-light").await?;
    let (slice, value) = (item[0].as_str().unwrap_or_default(), item[1].as_str().unwrap_or_default());
    let number: f64 = value.split_whitespace().find_map(|w| w.parse().ok()).unwrap_or(f64::NAN);
    if slice != (drawn_on + 1).to_string() || !value.contains("mm") || !number.is_finite() || number <= 0.0 {
        return Err(format!(
            "expected a length in mm on slice {}, the list says slice {slice:?}, value {value:?}",
            drawn_on + 1
        )
        .into());
    }
    println!("measurement list: {value} on slice {slice}");
    press(client, "End").await?;
    let last = frame(client).await?;
    if last == drawn_on {
        return Err("End should have moved off the measured slice".into());
    }
    click(client, r#"[data-testid="measurement-item"]"#).await?;
    ready_on_frame(client, drawn_on as u32).await?;
    let selected =
        js(client, "return document.querySelector('[data-testid=\"measurement-item\"]').getAttribute('aria-current');")
            .await?;
    if selected != json!("true") {
        return Err(format!("the chosen measurement should be marked current: {selected}").into());
    }
    click(client, r#"[data-testid="measurement-delete"]"#).await?;
    wait_for(
        client,
        "the length deleted",
        "document.querySelectorAll('[data-testid=\"measurement-item\"]').length === 0",
    )
    .await?;
    let labels = js(client, "return document.querySelectorAll('[data-testid=\"measurement-label\"]').length;").await?;
    if labels != json!(0) {
        return Err(format!("the deleted length is still drawn: {labels} labels").into());
    }
    Ok(())
}

async fn visible(client: &Client, selector: &str) -> Result<bool> {
    let value = js(
        client,
        &format!("const e = document.querySelector('{selector}'); return !!e && e.getBoundingClientRect().width > 0;"),
    )
    .await?;
    Ok(value == json!(true))
}

/// Both panels collapse, and stay so after a reload.
async fn panels_collapse(client: &Client) -> Result {
    open_ct_sample(client, "dark").await?;
    screenshot(client, "desktop-viewer-dark").await?;
    let series = ".series-dock [data-testid=\"series-list\"]";
    let side = "[data-testid=\"side-panel\"]";
    if !visible(client, series).await? || !visible(client, side).await? {
        return Err("both panels should show on a first desktop visit".into());
    }
    let width_before = js(client, &format!("return document.querySelector('{VIEWPORT}').clientWidth;")).await?;
    client.find(Locator::Css(r#"[data-testid="toggle-series-panel"]"#)).await?.click().await?;
    client.find(Locator::Css(r#"[data-testid="toggle-side-panel"]"#)).await?.click().await?;
    if visible(client, series).await? || visible(client, side).await? {
        return Err("the toggles should collapse both panels".into());
    }
    let width_after = wait_for(
        client,
        "the viewport to widen",
        &format!("(w => w > {width_before} && w)(document.querySelector('{VIEWPORT}').clientWidth)"),
    )
    .await?;
    screenshot(client, "desktop-collapsed-dark").await?;
    open_ct_sample(client, "dark").await?;
    if visible(client, series).await? || visible(client, side).await? {
        return Err("collapsed panels should stay collapsed after a reload".into());
    }
    client.find(Locator::Css(r#"[data-testid="toggle-series-panel"]"#)).await?.click().await?;
    client.find(Locator::Css(r#"[data-testid="toggle-side-panel"]"#)).await?.click().await?;
    if !visible(client, series).await? || !visible(client, side).await? {
        return Err("the toggles should open both panels again".into());
    }
    client.find(Locator::Css(r#"[data-testid="tab-tags"]"#)).await?.click().await?;
    wait_for(client, "the tag browser in the side panel", &exists("tag-browser")).await?;
    screenshot(client, "desktop-tags-dark").await?;
    client.find(Locator::Css(r#"[data-testid="menu-more"]"#)).await?.click().await?;
    screenshot(client, "desktop-more-menu-dark").await?;
    keys(client, Key::Escape).await?;
    client.find(Locator::Css(r#"[data-testid="menu-measure"]"#)).await?.click().await?;
    screenshot(client, "desktop-measure-menu-dark").await?;
    keys(client, Key::Escape).await?;
    println!(
        "panels: viewport {width_before} → {width_after} CSS px wide with both collapsed; remembered after reload"
    );
    Ok(())
}

/// Boxes of the top bar, bottom bar and viewport: none intersects another, all inside the window.
async fn phone_layout(client: &Client, width: u32, height: u32, theme: &str) -> Result {
    set_viewport(client, width, height).await?;
    open_ct_sample(client, theme).await?;
    wait_for(client, "the bottom bar", &exists("bottom-bar")).await?;
    let boxes = js(
        client,
        &format!(
            "const box = s => {{ const r = document.querySelector(s).getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }};
             return {{ top: box('[data-testid=\"topbar\"]'), bottom: box('[data-testid=\"bottom-bar\"]'),
                       view: box('{VIEWPORT}'), w: innerWidth, h: innerHeight,
                       small: [...document.querySelectorAll('[data-testid=\"bottom-bar\"] button, [data-testid=\"topbar\"] button')]
                           .filter(b => b.offsetParent !== null)
                           .map(b => b.getBoundingClientRect()).filter(r => r.width < 44 || r.height < 44).length,
                       overflow: document.querySelector('[data-testid=\"topbar\"]').scrollWidth - document.querySelector('[data-testid=\"topbar\"]').clientWidth }};"
        ),
    )
    .await?;
    screenshot(client, &format!("phone-{width}x{height}-{theme}")).await?;
    let rect = |name: &str| -> [f64; 4] {
        let list = boxes[name].as_array().cloned().unwrap_or_default();
        let get = |i: usize| list.get(i).and_then(Value::as_f64).unwrap_or(f64::NAN);
        [get(0), get(1), get(2), get(3)]
    };
    let intersects = |a: [f64; 4], b: [f64; 4]| a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
    let (top, bottom, view) = (rect("top"), rect("bottom"), rect("view"));
    let mut problems = Vec::new();
    for (x, y, a, b) in [
        ("top bar", "viewport", top, view),
        ("bottom bar", "viewport", bottom, view),
        ("top bar", "bottom bar", top, bottom),
    ] {
        if intersects(a, b) {
            problems.push(format!("{x} {a:?} intersects {y} {b:?}"));
        }
    }
    let (w, h) = (boxes["w"].as_f64().unwrap_or(0.0), boxes["h"].as_f64().unwrap_or(0.0));
    for (name, r) in [("top bar", top), ("bottom bar", bottom), ("viewport", view)] {
        if r[0] < -0.5 || r[1] < -0.5 || r[2] > w + 0.5 || r[3] > h + 0.5 || !(r[2] > r[0] && r[3] > r[1]) {
            problems.push(format!("{name} {r:?} is not inside the {w}×{h} window"));
        }
    }
    if boxes["small"] != json!(0) {
        problems.push(format!("{} visible buttons are smaller than 44×44 px", boxes["small"]));
    }
    if boxes["overflow"].as_f64().unwrap_or(1.0) > 0.5 {
        problems.push(format!("the top bar is clipped by {} px", boxes["overflow"]));
    }
    // The more sheet opens with a visible close button and closes again.
    click(client, r#"[data-testid="more-button"]"#).await?;
    wait_for(client, "the more sheet", &exists("more-sheet")).await?;
    screenshot(client, &format!("phone-{width}x{height}-{theme}-more")).await?;
    let close = r#"[data-testid="more-sheet"] [data-testid="sheet-close"]"#;
    let close_ok = js(
        client,
        &format!(
            "const c = document.querySelector('{close}'); const r = c.getBoundingClientRect();
             const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
             return r.width >= 44 && r.height >= 44 && r.bottom <= innerHeight && !!hit && c.contains(hit);"
        ),
    )
    .await?;
    if close_ok != json!(true) {
        problems.push("the more sheet's close button is not visible at 44 px".into());
    }
    // Focus went into the sheet: Escape closes it and gives focus back to "more".
    keys(client, Key::Escape).await?;
    wait_for(client, "Escape to close the more sheet", &format!("!{}", exists("more-sheet"))).await?;
    wait_for(
        client,
        "focus back on more",
        "document.activeElement && document.activeElement.dataset.testid === 'more-button'",
    )
    .await?;
    click(client, r#"[data-testid="more-button"]"#).await?;
    wait_for(client, "the more sheet again", &exists("more-sheet")).await?;
    client.find(Locator::Css(close)).await?.click().await?;
    wait_for(client, "the more sheet closed", &format!("!{}", exists("more-sheet"))).await?;
    // The series panel as a sheet.
    client.find(Locator::Css(r#"[data-testid="toggle-series-panel"]"#)).await?.click().await?;
    wait_for(client, "the series sheet", "document.querySelector('.series-dock').getBoundingClientRect().width > 0")
        .await?;
    screenshot(client, &format!("phone-{width}x{height}-{theme}-series")).await?;
    client.find(Locator::Css(r#".series-dock [data-testid="sheet-close"]"#)).await?.click().await?;
    wait_for(
        client,
        "the series sheet closed",
        "document.querySelector('.series-dock').getBoundingClientRect().width === 0",
    )
    .await?;
    println!("phone {width}×{height}: top {top:?}, viewport {view:?}, bottom {bottom:?}");
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; ").into())
    }
}

/// A tablet: the desktop top bar fits, nothing clipped.
async fn tablet_layout(client: &Client) -> Result {
    set_viewport(client, 768, 1024).await?;
    // A first visit (nothing remembered): the panels stay closed where they would squeeze the image.
    js(client, "localStorage.removeItem('dicomViewer.seriesPanel'); localStorage.removeItem('dicomViewer.sidePanel');")
        .await?;
    open_ct_sample(client, "light").await?;
    let open = js(client, "return [!!document.querySelector('[data-testid=\"side-panel\"]'), document.querySelector('.series-dock').getBoundingClientRect().width];").await?;
    if open != json!([false, 0]) {
        return Err(
            format!("at 768 px the panels should start closed (side panel shown, series panel width): {open}").into()
        );
    }
    screenshot(client, "tablet-768x1024-light").await?;
    let overflow = js(
        client,
        "const b = document.querySelector('[data-testid=\"topbar\"]'); return b.scrollWidth - b.clientWidth;",
    )
    .await?;
    if overflow.as_f64().unwrap_or(1.0) > 0.5 {
        return Err(format!("the top bar is clipped by {overflow} px at 768 px").into());
    }
    Ok(())
}

#[tokio::test]
async fn shell() {
    let app = env("APP_URL");
    let client = connect().await;
    let _ = set_viewport(&client, 1400, 1000).await;
    let mut results: Vec<(&str, Result)> = Vec::new();
    results.push(("tools only with an image", tools_only_with_an_image(&client).await));
    results.push(("names and tooltips", names_and_tooltips(&client).await));
    results.push(("measure menu", measure_menu(&client).await));
    results.push(("measurement list", measurement_list(&client).await));
    results.push(("panels collapse", panels_collapse(&client).await));
    results.push(("tablet 768×1024", tablet_layout(&client).await));
    results.push(("phone 390×844 light", phone_layout(&client, 390, 844, "light").await));
    results.push(("phone 390×844 dark", phone_layout(&client, 390, 844, "dark").await));
    results.push(("phone 360×640", phone_layout(&client, 360, 640, "light").await));
    let _ = js(&client, "localStorage.clear();").await;
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
