//! End to end: drives the Trunk-built page in Chromium through ChromeDriver. Opens corpus files
//! with the file input, checks each canvas equals `wasmBindings.render_frame` pixel for pixel,
//! drags a window, scrolls frames, opens a file that is not DICOM and drops a file on the page.
//!
//! Needs APP_URL (the served dist/), WEBDRIVER_URL (chromedriver) and CORPUS_URL (../shared/dicom
//! served with CORS): scripts/browser-tests.sh sets all three up.
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use fantoccini::actions::{
    InputSource, KeyAction, KeyActions, MouseActions, PointerAction, WheelAction, WheelActions, MOUSE_BUTTON_LEFT,
};
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

const CT: &str = "wg04/REF/CT1_UNC";
const COLOUR: &str = "wg04/REF/US1_UNC";
const COMPRESSED: &str = "wg04/J2KI/VL1_J2KI";
const MULTI_FRAME: &str = "dcmqi/segmentations/23x38x3/multiframe/mf.dcm";
const OPENED: [&str; 4] = [CT, COLOUR, COMPRESSED, MULTI_FRAME];

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: run `bash scripts/browser-tests.sh`, which builds and serves the page and starts chromedriver")
    })
}

fn corpus() -> PathBuf {
    let dir = std::env::var("DICOM_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/dicom"));
    dir.canonicalize().unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn viewport(name: &str) -> String {
    format!(r#"[data-testid="viewport"][data-file-name="{name}"]"#)
}

/// Polls a JS expression until it is truthy.
async fn wait_for(client: &Client, what: &str, expression: &str) -> Result<Value> {
    let start = Instant::now();
    loop {
        let value = client.execute(&format!("return {expression};"), vec![]).await?;
        if !matches!(value, Value::Null | Value::Bool(false)) {
            return Ok(value);
        }
        if start.elapsed() > Duration::from_secs(60) {
            return Err(format!("timed out waiting for {what} ({expression})").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// What a canvas shows, compared in the page with render_frame on the same file bytes: with the
/// canvas's own window when `explicit`, else with none (the file's default).
async fn compare_with_render_frame(client: &Client, path: &str, explicit: bool) -> Result<Value> {
    let script = r#"
        const [selector, url, explicit] = arguments;
        return (async () => {
            const canvas = document.querySelector(selector);
            const frame = Number(canvas.dataset.frame);
            const center = canvas.dataset.windowCenter, width = canvas.dataset.windowWidth;
            const shown = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
            const r = explicit
                ? window.wasmBindings.render_frame(bytes, frame, Number(center), Number(width))
                : window.wasmBindings.render_frame(bytes, frame);
            let differing = 0, first = -1;
            for (let i = 0; i < Math.min(shown.length, r.rgba.length); i++) {
                if (shown[i] !== r.rgba[i]) { differing++; if (first < 0) first = i; }
            }
            return { frame, center: center ?? null, width: width ?? null, canvas: [canvas.width, canvas.height],
                     rendered: [r.columns, r.rows], lengths: [shown.length, r.rgba.length], differing, first };
        })();
    "#;
    let url = format!("{}/{path}", env("CORPUS_URL").trim_end_matches('/'));
    let result = client.execute(script, vec![json!(viewport(file_name(path))), json!(url), json!(explicit)]).await?;
    let same = result["differing"] == json!(0)
        && result["canvas"] == result["rendered"]
        && result["lengths"][0] == result["lengths"][1];
    if !same {
        return Err(format!("{path}: canvas differs from render_frame: {result}").into());
    }
    Ok(result)
}

async fn open_files(client: &Client, paths: &[PathBuf]) -> Result {
    let input = client.find(Locator::Css(r#"[data-testid="open-files"]"#)).await?;
    let list: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    input.send_keys(&list.join("\n")).await?;
    Ok(())
}

/// The element's centre in viewport coordinates, after scrolling it into view.
async fn centre_of(client: &Client, selector: &str) -> Result<(i64, i64)> {
    let rect = client
        .execute(
            "const e = document.querySelector(arguments[0]); e.scrollIntoView({block: 'center'}); \
             const r = e.getBoundingClientRect(); return [Math.round(r.x + r.width / 2), Math.round(r.y + r.height / 2)];",
            vec![json!(selector)],
        )
        .await?;
    Ok((rect[0].as_i64().unwrap_or(0), rect[1].as_i64().unwrap_or(0)))
}

async fn opens_and_matches_render_frame(client: &Client) -> Result {
    let root = corpus();
    open_files(client, &OPENED.map(|path| root.join(path))).await?;
    let drawn = format!(
        r#"document.querySelectorAll('[data-testid="viewport"][data-ready="true"]').length === {}"#,
        OPENED.len()
    );
    wait_for(client, "every opened file drawn", &drawn).await?;
    let names = client
        .execute(
            r#"return [...document.querySelectorAll('[data-testid="viewport"]')].map(c => c.dataset.fileName);"#,
            vec![],
        )
        .await?;
    if names != json!(OPENED.map(file_name)) {
        return Err(format!("viewports {names} should be the opened files in order").into());
    }
    for path in OPENED {
        compare_with_render_frame(client, path, false).await?;
    }
    let caption = client.find(Locator::Css(".viewport figcaption")).await?.text().await?;
    for part in ["CT1_UNC", "512×512", "1.2.840.10008.1.2.1", "frame 1/1", "window C"] {
        if !caption.contains(part) {
            return Err(format!("caption {caption:?} lacks {part:?}").into());
        }
    }
    Ok(())
}

async fn drag_changes_the_window(client: &Client) -> Result {
    let selector = viewport("CT1_UNC");
    let canvas = client.find(Locator::Css(&selector)).await?;
    let before = (canvas.attr("data-window-center").await?, canvas.attr("data-window-width").await?);
    centre_of(client, &selector).await?;
    let drag = MouseActions::new("mouse".into())
        .then(PointerAction::MoveToElement { element: canvas.clone(), duration: None, x: 0.0, y: 0.0 })
        .then(PointerAction::Down { button: MOUSE_BUTTON_LEFT })
        .then(PointerAction::MoveBy { duration: Some(Duration::from_millis(200)), x: 80.0, y: -40.0 })
        .then(PointerAction::Up { button: MOUSE_BUTTON_LEFT });
    client.perform_actions(drag).await?;
    let changed = format!(
        "document.querySelector('{}').dataset.windowWidth !== {}",
        selector.replace('\'', "\\'"),
        json!(before.1)
    );
    wait_for(client, "a new window after the drag", &changed).await?;
    let after = compare_with_render_frame(client, CT, true).await?;
    let number = |v: &Value| v.as_str().and_then(|s| s.parse::<f64>().ok());
    let (c0, w0) =
        (before.0.as_deref().and_then(|s| s.parse::<f64>().ok()), before.1.as_deref().and_then(|s| s.parse().ok()));
    let (c1, w1) = (number(&after["center"]), number(&after["width"]));
    match (c0, w0, c1, w1) {
        (Some(c0), Some(w0), Some(c1), Some(w1)) if w1 > w0 && c1 < c0 => Ok(()),
        _ => Err(format!("dragging right and up should widen and lower the window: {before:?} → {after}").into()),
    }
}

async fn frame_of(client: &Client, selector: &str) -> Result<String> {
    Ok(client.find(Locator::Css(selector)).await?.attr("data-frame").await?.unwrap_or_default())
}

async fn wait_frame(client: &Client, selector: &str, frame: u32) -> Result {
    let expression = format!("document.querySelector('{}').dataset.frame === '{frame}'", selector.replace('\'', "\\'"));
    wait_for(client, &format!("frame {frame}"), &expression).await.map(|_| ())
}

async fn keys_and_wheel_scroll_frames(client: &Client) -> Result {
    let selector = viewport(file_name(MULTI_FRAME));
    let (x, y) = centre_of(client, &selector).await?;
    client.execute("document.querySelector(arguments[0]).focus();", vec![json!(selector)]).await?;
    let down: char = Key::Down.into();
    let keys =
        KeyActions::new("keyboard".into()).then(KeyAction::Down { value: down }).then(KeyAction::Up { value: down });
    client.perform_actions(keys).await?;
    wait_frame(client, &selector, 1).await?;
    compare_with_render_frame(client, MULTI_FRAME, false).await?;

    let mut wheel = WheelActions::new("wheel".into());
    wheel.push(WheelAction::Scroll { duration: None, x, y, delta_x: 0, delta_y: 120 });
    client.perform_actions(wheel).await?;
    wait_frame(client, &selector, 2).await?;
    compare_with_render_frame(client, MULTI_FRAME, false).await?;

    // Past the last frame nothing changes; back up by wheel.
    let mut wheel = WheelActions::new("wheel".into());
    wheel.push(WheelAction::Scroll { duration: None, x, y, delta_x: 0, delta_y: 120 });
    wheel.push(WheelAction::Pause { duration: Duration::from_millis(100) });
    wheel.push(WheelAction::Scroll { duration: None, x, y, delta_x: 0, delta_y: -120 });
    client.perform_actions(wheel).await?;
    wait_frame(client, &selector, 1).await?;
    let caption = client.find(Locator::Css(&format!(".viewport:has({selector}) figcaption"))).await?.text().await?;
    if !caption.contains("frame 2/3") {
        return Err(format!("caption {caption:?} should say frame 2/3").into());
    }
    if frame_of(client, &viewport("CT1_UNC")).await? != "0" {
        return Err("scrolling one viewport moved another".into());
    }
    Ok(())
}

async fn unreadable_file_shows_one_error(client: &Client) -> Result {
    let dir = std::env::temp_dir().join(format!("e2e-page-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("not-dicom.txt");
    let bytes = b"Hello! This is a plain text file, not a DICOM image.\n";
    std::fs::write(&path, bytes)?;
    let expected =
        format!("not-dicom.txt: {}", dicom_viewer::api::decode_frame(bytes, 0).err().ok_or("text decoded as DICOM")?);
    open_files(client, &[path]).await?;
    let messages = r#"[...document.querySelectorAll('[data-testid="error"]')].map(e => e.textContent)"#;
    wait_for(client, "the error message", &format!("{messages}.length > 0")).await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let shown = client.execute(&format!("return {messages};"), vec![]).await?;
    let _ = std::fs::remove_dir_all(&dir);
    if shown != json!([expected]) {
        return Err(format!("expected exactly one message {expected:?}, page shows {shown}").into());
    }
    let viewports =
        client.execute(r#"return document.querySelectorAll('[data-testid="viewport"]').length;"#, vec![]).await?;
    if viewports != json!(OPENED.len()) {
        return Err(format!("a failed file must not get a viewport ({viewports} viewports)").into());
    }
    Ok(())
}

/// Drops a file on the page (a synthetic drop event carrying a File, as a real drop would).
async fn drop_opens_a_file(client: &Client) -> Result {
    const DROPPED: &str = "wg04/JLSL/MR1_JLSL";
    let script = r#"
        const [url, name] = arguments;
        return (async () => {
            const bytes = await (await fetch(url)).arrayBuffer();
            const data = new DataTransfer();
            data.items.add(new File([bytes], name));
            const target = document.querySelector('main');
            target.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
            return target.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
        })();
    "#;
    let url = format!("{}/{DROPPED}", env("CORPUS_URL").trim_end_matches('/'));
    let not_cancelled = client.execute(script, vec![json!(url), json!(file_name(DROPPED))]).await?;
    if not_cancelled != json!(false) {
        return Err("the page must cancel the drop (else the browser navigates to the file)".into());
    }
    let drawn = format!("document.querySelector('{}[data-ready=\"true\"]')", viewport(file_name(DROPPED)));
    wait_for(client, "the dropped file drawn", &drawn).await?;
    compare_with_render_frame(client, DROPPED, false).await?;
    Ok(())
}

async fn run(client: &Client) -> Result {
    client.goto(&env("APP_URL")).await?;
    wait_for(client, "window.wasmBindings", "!!(window.wasmBindings && window.wasmBindings.render_frame)").await?;
    opens_and_matches_render_frame(client).await?;
    drag_changes_the_window(client).await?;
    keys_and_wheel_scroll_frames(client).await?;
    unreadable_file_shows_one_error(client).await?;
    drop_opens_a_file(client).await?;
    Ok(())
}

#[tokio::test]
async fn page_end_to_end() {
    let (app, webdriver, _) = (env("APP_URL"), env("WEBDRIVER_URL"), env("CORPUS_URL"));
    let webdriver_json: Value = serde_json::from_str(include_str!("../webdriver.json")).expect("webdriver.json");
    let mut capabilities = webdriver_json.as_object().cloned().expect("an object");
    capabilities["goog:chromeOptions"]["args"].as_array_mut().expect("args").push(json!("--window-size=1400,1000"));
    let client = ClientBuilder::native()
        .capabilities(capabilities)
        .connect(&webdriver)
        .await
        .unwrap_or_else(|e| panic!("cannot start a browser session at {webdriver}: {e}"));
    let result = run(&client).await;
    let logs = client.execute("return document.body.innerText;", vec![]).await.ok();
    let _ = client.close().await;
    if let Err(e) = result {
        panic!("{app}: {e}\npage text: {}", logs.unwrap_or_default());
    }
}
