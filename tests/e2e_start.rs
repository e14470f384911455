//! End to end: the start page (src/web/start.rs, style/main.css) in Chromium through ChromeDriver.
//! - at 1366×768 the drop zone and the first sample card are wholly inside the viewport;
//! - every sample card shows its thumbnail, loaded (naturalWidth > 0);
//! - the drop zone is highlighted while files are dragged over the page, and no longer when the
//!   drag leaves the window;
//! - a click on a card (on its thumbnail, not its title) opens the sample;
//! - the theme switch (data-testid="theme") changes the computed background of <body> between
//!   the light and dark tokens, and the choice survives a reload;
//! - at 390×844 and 360×640 nothing scrolls sideways and the cards' boxes do not intersect.
//!
//! Every check runs, failures are collected and reported together. Screenshots of the start
//! page (1366×768, 1400×1000, 390×844, 360×640, light and dark), the study browser and the
//! server editor go to $START_SCREENSHOTS (default target/start-screens) for a person to look at.
//! Needs APP_URL and WEBDRIVER_URL (scripts/browser-tests.sh sets them up).
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;
use std::time::Duration;

use fantoccini::actions::{InputSource, MouseActions, PointerAction, MOUSE_BUTTON_LEFT};
use fantoccini::Client;
use serde_json::{json, Value};

mod e2e_support;

use e2e_support::*;

const CARD: &str = r#"[data-testid="sample-card"]"#;
const THEME_KEY: &str = "dicomViewer.theme";
/// The --bg token of each theme (style/main.css) as getComputedStyle writes it.
const DARK_BG: &str = "rgb(15, 17, 21)";
const LIGHT_BG: &str = "rgb(244, 246, 249)";

fn screenshot_dir() -> PathBuf {
    let dir = std::env::var("START_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/start-screens"));
    let _ = std::fs::create_dir_all(&dir);
    dir
}

async fn screenshot(client: &Client, name: &str) -> Result {
    tokio::time::sleep(Duration::from_millis(250)).await;
    let png = client.screenshot().await?;
    let path = screenshot_dir().join(format!("{name}.png"));
    std::fs::write(&path, png)?;
    println!("screenshot {}", path.display());
    Ok(())
}

async fn js(client: &Client, script: &str) -> Result<Value> {
    Ok(client.execute(script, vec![]).await?)
}

/// Sets the window so that the page's viewport (innerWidth × innerHeight) is `width` × `height`
/// (the window's frame differs between runs, so measure and correct, a few times).
async fn set_viewport(client: &Client, width: u32, height: u32) -> Result {
    let mut inner = json!(null);
    for _ in 0..8 {
        // The frame is what the window has beyond its viewport, measured on the window as it is.
        let (_, _, outer_w, outer_h) = client.get_window_rect().await?;
        inner = js(client, "return [innerWidth, innerHeight];").await?;
        if inner == json!([width, height]) {
            return Ok(());
        }
        let (w, h) = (inner[0].as_f64().unwrap_or(0.0), inner[1].as_f64().unwrap_or(0.0));
        let frame_w = (outer_w as f64 - w).max(0.0);
        let frame_h = (outer_h as f64 - h).max(0.0);
        client.set_window_size(width + frame_w as u32, height + frame_h as u32).await?;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Err(format!("viewport {inner}, asked for {width}×{height}").into())
}

/// The start page with its sample cards listed.
async fn start_page(client: &Client) -> Result {
    fresh_page(client).await?;
    wait_for(client, "the sample cards", &format!("document.querySelectorAll('{CARD}').length >= 2")).await?;
    Ok(())
}

/// The page's theme as the stored choice says: "dark", "light" or absent (system).
async fn set_stored_theme(client: &Client, theme: Option<&str>) -> Result {
    client
        .execute(
            "if (arguments[1] === null) localStorage.removeItem(arguments[0]); else localStorage.setItem(arguments[0], arguments[1]);",
            vec![json!(THEME_KEY), json!(theme)],
        )
        .await?;
    Ok(())
}

async fn body_background(client: &Client) -> Result<String> {
    Ok(js(client, "return getComputedStyle(document.body).backgroundColor;")
        .await?
        .as_str()
        .unwrap_or_default()
        .to_string())
}

/// Cards whose content is wider than their box (text or buttons running out of the card).
async fn overflowing_cards(client: &Client) -> Result<Value> {
    js(
        client,
        r#"return [...document.querySelectorAll('[data-testid="drop-zone"], [data-testid="sample-card"], [data-testid="dataset"], .servers > li')]
               .filter(e => e.scrollWidth > e.clientWidth + 1)
               .map(e => (e.dataset.testid || e.className) + ' ' + e.scrollWidth + '>' + e.clientWidth);"#,
    )
    .await
}

/// Item 1: the drop zone and the first sample card are wholly visible at 1366×768.
async fn above_the_fold(client: &Client) -> Result {
    set_viewport(client, 1366, 768).await?;
    start_page(client).await?;
    let boxes = js(
        client,
        r#"const r = e => { const b = e.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; };
           return [r(document.querySelector('[data-testid="drop-zone"]')),
                   r(document.querySelector('[data-testid="sample-card"]')), innerWidth, innerHeight];"#,
    )
    .await?;
    println!("1366×768: drop zone {}, first sample card {}", boxes[0], boxes[1]);
    let (width, height) = (boxes[2].as_f64().unwrap_or(0.0), boxes[3].as_f64().unwrap_or(0.0));
    let overflowing = overflowing_cards(client).await?;
    if overflowing != json!([]) {
        return Err(format!("1366×768: content wider than its card: {overflowing}").into());
    }
    for (name, b) in [("drop zone", &boxes[0]), ("first sample card", &boxes[1])] {
        let v: Vec<f64> = b.as_array().map(|a| a.iter().filter_map(Value::as_f64).collect()).unwrap_or_default();
        if v.len() != 4 || v[0] < 0.0 || v[1] < 0.0 || v[2] > width || v[3] > height {
            return Err(format!("the {name} ({b}) is not inside the {width}×{height} viewport").into());
        }
    }
    Ok(())
}

/// Item 2: every sample card shows a thumbnail that loaded.
async fn thumbnails(client: &Client) -> Result {
    let state = wait_for(
        client,
        "every sample thumbnail loaded",
        r#"(() => { const cards = [...document.querySelectorAll('[data-testid="sample-card"]')];
              const sizes = cards.map(c => { const i = c.querySelector('img[data-testid="sample-thumb"]');
                  return i && i.complete ? i.naturalWidth + 'x' + i.naturalHeight : null; });
              return cards.length > 0 && sizes.every(s => s && !s.startsWith('0x')) && sizes; })()"#,
    )
    .await?;
    println!("sample thumbnails (natural size): {state}");
    Ok(())
}

/// Item 1: dragging files over the page highlights the drop zone; leaving the window ends it.
async fn drop_zone_highlight(client: &Client) -> Result {
    start_page(client).await?;
    let states = js(
        client,
        r#"const zone = document.querySelector('[data-testid="drop-zone"]');
           const drag = (type, target, related) => target.dispatchEvent(new DragEvent(type,
               { bubbles: true, cancelable: true, dataTransfer: new DataTransfer(), relatedTarget: related }));
           const states = [zone.classList.contains('dragover')];
           drag('dragenter', document.querySelector('.sample-card'), null);
           drag('dragover', document.querySelector('.sample-card'), null);
           return new Promise(done => requestAnimationFrame(() => {
               states.push(zone.classList.contains('dragover'));
               drag('dragleave', document.querySelector('.sample-card'), document.body);
               states.push(zone.classList.contains('dragover'));
               drag('dragleave', document.body, null);
               requestAnimationFrame(() => { states.push(zone.classList.contains('dragover')); done(states); });
           }));"#,
    )
    .await?;
    println!("drop zone highlighted: before, over a card, moving inside, after leaving the window: {states}");
    if states != json!([false, true, true, false]) {
        return Err(format!("drop zone highlight states {states}, expected [false, true, true, false]").into());
    }
    Ok(())
}

/// Item 3: a click on the card's thumbnail (not its title button) opens that sample.
async fn card_opens_sample(client: &Client) -> Result {
    start_page(client).await?;
    let thumb = js(
        client,
        r#"const i = document.querySelector('[data-testid="sample-card"] [data-testid="sample-thumb"]');
           const b = i.getBoundingClientRect(); return [b.left + b.width / 2, b.top + b.height / 2];"#,
    )
    .await?;
    let (x, y) = (thumb[0].as_f64().unwrap_or(0.0), thumb[1].as_f64().unwrap_or(0.0));
    let actions = MouseActions::new("mouse".into())
        .then(PointerAction::MoveTo { duration: None, x: x.round(), y: y.round() })
        .then(PointerAction::Down { button: MOUSE_BUTTON_LEFT })
        .then(PointerAction::Up { button: MOUSE_BUTTON_LEFT });
    client.perform_actions(actions).await?;
    client.release_actions().await?;
    wait_for(client, "the sample drawn", &format!(r#"document.querySelector('{VIEWPORT}[data-ready="true"]')"#))
        .await?;
    let file = attribute(client, "data-file-name").await?;
    println!("clicked the first card's thumbnail: viewport shows {file}");
    Ok(())
}

/// Item 4: the theme select switches <body>'s background between the two themes' --bg, and the
/// choice is remembered after a reload.
async fn theme_switch(client: &Client) -> Result {
    set_stored_theme(client, None).await?;
    start_page(client).await?;
    let select = r#"[data-testid="theme"] select, select[data-testid="theme"]"#;
    let choose = |value: &'static str| {
        format!(
            r#"(() => {{ const s = document.querySelector('{select}'); if (!s) return 'no theme select';
                 s.value = '{value}'; s.dispatchEvent(new Event('change', {{ bubbles: true }})); return 'ok'; }})()"#
        )
    };
    for (value, expected) in [("dark", DARK_BG), ("light", LIGHT_BG), ("dark", DARK_BG)] {
        let outcome = js(client, &format!("return {};", choose(value))).await?;
        if outcome != json!("ok") {
            return Err(format!("theme {value}: {outcome}").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        let background = body_background(client).await?;
        println!("theme {value}: body background {background}");
        if background != expected {
            return Err(format!("theme {value}: body background {background}, expected {expected}").into());
        }
    }
    client.refresh().await?;
    wait_for(client, "the page after a reload", &format!("document.querySelectorAll('{CARD}').length >= 1")).await?;
    let background = body_background(client).await?;
    println!("after a reload: body background {background}");
    if background != DARK_BG {
        return Err(format!("after a reload the dark theme was forgotten: body background {background}").into());
    }
    set_stored_theme(client, None).await?;
    Ok(())
}

/// Item 5: at phone sizes nothing scrolls sideways and no two cards overlap.
async fn phone_layout(client: &Client, width: u32, height: u32) -> Result {
    set_viewport(client, width, height).await?;
    start_page(client).await?;
    thumbnails(client).await?;
    let report = js(
        client,
        r#"const wide = [document.documentElement, document.body, ...document.querySelectorAll('.start, .start-inner, .app')]
               .filter(e => e.scrollWidth > e.clientWidth)
               .map(e => (e.className || e.tagName) + ' ' + e.scrollWidth + '>' + e.clientWidth);
           const boxes = [...document.querySelectorAll('[data-testid="drop-zone"], [data-testid="sample-card"], [data-testid="dataset"], .servers > li')]
               .map(e => [e.dataset.testid || e.className, e.getBoundingClientRect()]);
           const overlaps = [];
           for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
               const [a, p] = boxes[i], [b, q] = boxes[j];
               if (p.left < q.right - 0.5 && q.left < p.right - 0.5 && p.top < q.bottom - 0.5 && q.top < p.bottom - 0.5)
                   overlaps.push(a + ' × ' + b);
           }
           const outside = boxes.filter(([n, r]) => r.left < -0.5 || r.right > innerWidth + 0.5).map(([n, r]) => n + ' ' + r.left + '..' + r.right);
           return { wide, overlaps, outside, count: boxes.length };"#,
    )
    .await?;
    println!("{width}×{height}: {report}");
    let overflowing = overflowing_cards(client).await?;
    if overflowing != json!([]) {
        return Err(format!("{width}×{height}: content wider than its card: {overflowing}").into());
    }
    let empty = |key: &str| report[key].as_array().is_some_and(Vec::is_empty);
    if !(empty("wide") && empty("overlaps") && empty("outside")) || report["count"].as_u64().unwrap_or(0) < 3 {
        return Err(format!("{width}×{height}: {report}").into());
    }
    Ok(())
}

/// Screenshots for a person: the start page at four sizes in both themes, the study browser and
/// the server editor.
async fn screenshots(client: &Client) -> Result {
    for theme in ["light", "dark"] {
        set_stored_theme(client, Some(theme)).await?;
        for (width, height) in [(1366, 768), (1400, 1000), (390, 844), (360, 640)] {
            set_viewport(client, width, height).await?;
            start_page(client).await?;
            thumbnails(client).await?;
            screenshot(client, &format!("start-{width}x{height}-{theme}")).await?;
        }
        for (width, height) in [(1400, 1000), (390, 844)] {
            set_viewport(client, width, height).await?;
            start_page(client).await?;
            // The test Orthanc when this runs beside it (scripts/browser-tests.sh), else the first server.
            js(
                client,
                r#"(document.querySelector('[data-testid="browse-source"][data-source="orthanc"]')
                    || document.querySelector('[data-testid="browse-source"]')).click();"#,
            )
            .await?;
            wait_for(client, "the study browser", r#"document.querySelector('[data-testid="study-browser"]')"#).await?;
            click(client, r#"[data-testid="search-button"]"#).await?;
            wait_for(
                client,
                "search results or an error",
                r#"document.querySelector('[data-testid="study-row"], [data-testid="browse-error"]')"#,
            )
            .await?;
            screenshot(client, &format!("studies-{width}x{height}-{theme}")).await?;
            click(client, r#"[data-testid="manage-sources"]"#).await?;
            wait_for(client, "the server editor", r#"document.querySelector('[data-testid="source-editor"]')"#).await?;
            screenshot(client, &format!("servers-{width}x{height}-{theme}")).await?;
        }
    }
    // The archive browsers (TCIA and ISIC stand-ins when run by scripts/browser-tests.sh).
    set_stored_theme(client, Some("dark")).await?;
    for (kind, ready) in [("nbia", "tcia-collection"), ("isic", "isic-image")] {
        for (width, height) in [(1400, 1000), (390, 844)] {
            set_viewport(client, width, height).await?;
            start_page(client).await?;
            let selector = format!(r#"[data-testid="dataset-browse"][data-kind="{kind}"]"#);
            if js(client, &format!("return !!document.querySelector('{selector}');")).await? != json!(true) {
                continue;
            }
            click(client, &selector).await?;
            let found = format!(r#"document.querySelector('[data-testid="{ready}"], .archive .error')"#);
            wait_for(client, &format!("the {kind} browser"), &found).await?;
            screenshot(client, &format!("archive-{kind}-{width}x{height}-dark")).await?;
        }
    }
    set_stored_theme(client, None).await?;
    set_viewport(client, 1400, 1000).await?;
    Ok(())
}

type Check = (&'static str, Result);

#[tokio::test]
async fn start_page_design() {
    let app = env("APP_URL");
    let client = connect().await;
    let mut results: Vec<Check> = Vec::new();
    results.push(("1 drop zone and first sample above the fold at 1366×768", above_the_fold(&client).await));
    results.push(("2 every sample card shows its thumbnail", thumbnails(&client).await));
    let _ = set_viewport(&client, 1400, 1000).await;
    results.push(("1 drop zone highlighted while dragging over the page", drop_zone_highlight(&client).await));
    results.push(("3 a click on a card opens its sample", card_opens_sample(&client).await));
    results.push(("4 theme switch and reload", theme_switch(&client).await));
    results.push(("5 no sideways scrolling or overlap at 390×844", phone_layout(&client, 390, 844).await));
    results.push(("5 no sideways scrolling or overlap at 360×640", phone_layout(&client, 360, 640).await));
    if std::env::var("START_SCREENSHOTS_SKIP").is_err() {
        results.push(("screenshots", screenshots(&client).await));
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
