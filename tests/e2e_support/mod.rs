//! Helpers shared by the end-to-end tests (tests/e2e_*.rs): environment, waiting for the page,
//! pointer and keyboard input, and the canvas-versus-`render_frame` pixel comparison.
#![allow(dead_code)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, MouseActions, PointerAction, MOUSE_BUTTON_LEFT};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

pub type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

pub const VIEWPORT: &str = r#"[data-testid="viewport"][data-pane="0"]"#;

pub fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: run `bash scripts/browser-tests.sh`, which builds and serves the page and starts chromedriver")
    })
}

pub fn corpus() -> PathBuf {
    let dir = std::env::var("DICOM_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/dicom"));
    dir.canonicalize().unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
}

pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("e2e-viewer-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}

/// Polls a JS expression until it is truthy.
pub async fn wait_for(client: &Client, what: &str, expression: &str) -> Result<Value> {
    let start = Instant::now();
    loop {
        let value = client.execute(&format!("return {expression};"), vec![]).await?;
        if !matches!(value, Value::Null | Value::Bool(false)) {
            return Ok(value);
        }
        if start.elapsed() > Duration::from_secs(90) {
            let text = client.execute("return document.body.innerText;", vec![]).await.unwrap_or_default();
            return Err(format!("timed out waiting for {what} ({expression}); page: {text}").into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Loads the page afresh, with a Long Tasks observer and a recorder of when viewport 0 first
/// became ready and when its series was fully loaded.
pub async fn fresh_page(client: &Client) -> Result {
    fresh_page_with(client, "").await
}

/// `fresh_page` with a query string (e.g. "?renderer=canvas2d").
pub async fn fresh_page_with(client: &Client, query: &str) -> Result {
    client.goto(&format!("{}{query}", env("APP_URL"))).await?;
    wait_for(client, "window.wasmBindings", "!!(window.wasmBindings && window.wasmBindings.render_frame)").await?;
    client
        .execute(
            r#"
            window.__longTasks = [];
            window.__longTaskSpans = [];
            new PerformanceObserver(list => { for (const e of list.getEntries()) { window.__longTasks.push(e.duration); window.__longTaskSpans.push([Math.round(e.startTime), Math.round(e.duration)]); } })
                .observe({ type: 'longtask', buffered: true });
            window.__marks = {};
            new MutationObserver(() => {
                const canvas = document.querySelector('[data-testid="viewport"][data-pane="0"]');
                if (!canvas) return;
                const now = performance.now();
                if (canvas.dataset.ready === 'true' && window.__marks.first === undefined) window.__marks.first = now;
                const pane = canvas.parentElement;
                if (pane.dataset.total === String(window.__expectTotal) && pane.dataset.loaded === pane.dataset.total
                    && window.__marks.all === undefined)
                    window.__marks.all = now;
            }).observe(document.body, { subtree: true, attributes: true, childList: true });
            "#,
            vec![],
        )
        .await?;
    Ok(())
}

pub async fn open_files(client: &Client, paths: &[PathBuf]) -> Result<f64> {
    let start = client.execute("window.__marks = {}; return performance.now();", vec![]).await?;
    let input = client.find(Locator::Css(r#"[data-testid="open-files"]"#)).await?;
    let list: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    input.send_keys(&list.join("\n")).await?;
    Ok(start.as_f64().unwrap_or(0.0))
}

/// Compares every canvas pixel inside the image with `render_frame` of the image pixel under
/// the canvas pixel's centre (through data-image-to-canvas); at texel boundaries (within 1% of
/// a pixel) either neighbour is accepted. `explicit`: use the canvas's window, else the default.
pub async fn compare_with_render_frame(client: &Client, url: &str, explicit: bool) -> Result<Value> {
    let script = r#"
        const [selector, url, explicit] = arguments;
        return (async () => {
            const canvas = document.querySelector(selector);
            const frame = Number(canvas.dataset.fileFrame);
            const [a, b, c, d, e, f] = canvas.dataset.imageToCanvas.split(',').map(Number);
            const copy = document.createElement('canvas');
            copy.width = canvas.width; copy.height = canvas.height;
            const context = copy.getContext('2d');
            context.drawImage(canvas, 0, 0);
            const shown = context.getImageData(0, 0, copy.width, copy.height).data;
            const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
            const center = canvas.dataset.windowCenter, width = canvas.dataset.windowWidth;
            const r = explicit ? window.wasmBindings.render_frame(bytes, frame, Number(center), Number(width))
                               : window.wasmBindings.render_frame(bytes, frame);
            // canvas → image: inverse of [a c e; b d f].
            const det = a * d - b * c;
            const inverse = (x, y) => [(d * (x - e) - c * (y - f)) / det, (-b * (x - e) + a * (y - f)) / det];
            let compared = 0, differing = 0, maxDiff = 0, example = null;
            for (let y = 0; y < copy.height; y++) {
                for (let x = 0; x < copy.width; x++) {
                    const [u, v] = inverse(x + 0.5, y + 0.5);
                    if (u < 0 || v < 0 || u >= r.columns || v >= r.rows) continue;
                    const candidates = [];
                    const us = [Math.floor(u)], vs = [Math.floor(v)];
                    if (u - Math.floor(u) < 0.01) us.push(Math.floor(u) - 1);
                    if (Math.ceil(u) - u < 0.01) us.push(Math.ceil(u));
                    if (v - Math.floor(v) < 0.01) vs.push(Math.floor(v) - 1);
                    if (Math.ceil(v) - v < 0.01) vs.push(Math.ceil(v));
                    let best = 1e9;
                    for (const cu of us) for (const cv of vs) {
                        if (cu < 0 || cv < 0 || cu >= r.columns || cv >= r.rows) continue;
                        const i = (cv * r.columns + cu) * 4, j = (y * copy.width + x) * 4;
                        const diff = Math.max(Math.abs(shown[j] - r.rgba[i]), Math.abs(shown[j + 1] - r.rgba[i + 1]),
                                              Math.abs(shown[j + 2] - r.rgba[i + 2]));
                        best = Math.min(best, diff);
                    }
                    compared++;
                    maxDiff = Math.max(maxDiff, best);
                    if (best > 1) { differing++; if (!example) example = [x, y, u, v]; }
                }
            }
            return { frame, compared, differing, maxDiff, example, renderer: canvas.dataset.renderer,
                     canvas: [copy.width, copy.height], image: [r.columns, r.rows], center: center ?? null, width: width ?? null };
        })();
    "#;
    let result = client.execute(script, vec![json!(VIEWPORT), json!(url), json!(explicit)]).await?;
    let compared = result["compared"].as_u64().unwrap_or(0);
    if result["differing"] != json!(0) || compared == 0 {
        return Err(format!("{url}: the viewport differs from render_frame: {result}").into());
    }
    Ok(result)
}

pub fn corpus_url(path: &str) -> String {
    format!("{}/{path}", env("CORPUS_URL").trim_end_matches('/'))
}

pub async fn attribute(client: &Client, name: &str) -> Result<String> {
    Ok(client.find(Locator::Css(VIEWPORT)).await?.attr(name).await?.unwrap_or_default())
}

pub async fn ready_on_frame(client: &Client, frame: u32) -> Result {
    let expression = format!(
        "(() => {{ const c = document.querySelector('{VIEWPORT}'); return c && c.dataset.ready === 'true' && c.dataset.frame === '{frame}'; }})()"
    );
    wait_for(client, &format!("viewport 0 ready on slice {frame}"), &expression).await.map(|_| ())
}

/// Canvas-relative CSS offset of an image point (from the element's centre, as WebDriver wants).
pub async fn offset_of_image_point(client: &Client, point: (f64, f64)) -> Result<(f64, f64)> {
    let value = client
        .execute(
            r#"const [selector, u, v] = arguments;
               const canvas = document.querySelector(selector);
               const [a, b, c, d, e, f] = canvas.dataset.imageToCanvas.split(',').map(Number);
               const scale = canvas.width / canvas.clientWidth;
               const x = (a * u + c * v + e) / scale, y = (b * u + d * v + f) / scale;
               return [x - canvas.clientWidth / 2, y - canvas.clientHeight / 2];"#,
            vec![json!(VIEWPORT), json!(point.0), json!(point.1)],
        )
        .await?;
    Ok((value[0].as_f64().unwrap_or(0.0), value[1].as_f64().unwrap_or(0.0)))
}

pub async fn drag(client: &Client, from: (f64, f64), to: (f64, f64)) -> Result {
    let canvas = client.find(Locator::Css(VIEWPORT)).await?;
    let actions = MouseActions::new("mouse".into())
        .then(PointerAction::MoveToElement { element: canvas.clone(), duration: None, x: from.0, y: from.1 })
        .then(PointerAction::Down { button: MOUSE_BUTTON_LEFT })
        .then(PointerAction::MoveToElement {
            element: canvas.clone(),
            duration: Some(Duration::from_millis(150)),
            x: to.0,
            y: to.1,
        })
        .then(PointerAction::Up { button: MOUSE_BUTTON_LEFT });
    client.perform_actions(actions).await?;
    client.release_actions().await?;
    Ok(())
}

pub async fn press(client: &Client, key: &str) -> Result {
    client
        .execute(
            "document.activeElement && document.activeElement.blur(); \
             window.dispatchEvent(new KeyboardEvent('keydown', { key: arguments[0], bubbles: true }));",
            vec![json!(key)],
        )
        .await?;
    Ok(())
}

pub async fn longest_task(client: &Client) -> Result<f64> {
    let value = client.execute("return Math.max(0, ...window.__longTasks);", vec![]).await?;
    Ok(value.as_f64().unwrap_or(0.0))
}

/// Clicks the first element matching `selector` once it exists.
pub async fn click(client: &Client, selector: &str) -> Result {
    wait_for(client, selector, &format!("document.querySelector({})", json!(selector))).await?;
    client.execute("document.querySelector(arguments[0]).click();", vec![json!(selector)]).await?;
    Ok(())
}

/// Replaces the text of an input.
pub async fn type_into(client: &Client, selector: &str, text: &str) -> Result {
    let input = client.find(Locator::Css(selector)).await?;
    input.clear().await?;
    input.send_keys(text).await?;
    Ok(())
}

/// A Chromium session through chromedriver (webdriver.json's options, a 1400×1000 window).
pub async fn connect() -> Client {
    let webdriver = env("WEBDRIVER_URL");
    let webdriver_json: Value = serde_json::from_str(include_str!("../../webdriver.json")).expect("webdriver.json");
    let mut capabilities = webdriver_json.as_object().cloned().expect("an object");
    capabilities["goog:chromeOptions"]["args"].as_array_mut().expect("args").push(json!("--window-size=1400,1000"));
    ClientBuilder::native()
        .capabilities(capabilities)
        .connect(&webdriver)
        .await
        .unwrap_or_else(|e| panic!("cannot start a browser session at {webdriver}: {e}"))
}
