//! The viewer embedded in another site (`?embed=1` in an iframe) and driven by `postMessage`.
//! The host is the repository's own example page (public/embed-example.html), served from two
//! more loopback ports than the viewer's, i.e. two other origins; config.json (written by
//! scripts/test-config.py) lists only the first in `embed.allowedOrigins`.
//! - listed origin: `ready` arrives; the frame shows only the viewport area and the small tool bar
//!   (no start page, no series panel) at the iframe's size; openSeries for the 128-slice MR on
//!   the test Orthanc gives a response and `imageShown` with its UIDs; setSlice gives
//!   `sliceChanged` with that index and the viewport's data-frame follows; a slice out of range
//!   is refused with a reason; setWindow changes the viewport's window (data-window-* and the
//!   corner text); setTool length and a drag give `measurementAdded` whose value is the drag's
//!   length in mm by the series' Pixel Spacing (read from Orthanc's metadata here); openUrls of
//!   a corpus file and an address nothing answers: the file is shown (`imageShown` with the SOP
//!   Instance UID dcmdump reads), the response and an `error` event name the dead URL;
//! - unlisted origin: no `ready`, a command gets no response and opens nothing, and the viewer
//!   logs a console warning naming that origin;
//! - the example page beside the viewer on a sub-path (`/viewer/`): same origin, so accepted
//!   without listing; the series opens from there too.
//! Screenshots (host page 1400×1000, embed layout 390×844) go to $E2E_SCREENSHOTS (default
//! target/embed-screens).
#![cfg(not(target_arch = "wasm32"))]

mod e2e_support;

use std::path::PathBuf;
use std::time::Duration;

use e2e_support::*;
use fantoccini::{Client, Locator};
use serde_json::{json, Value};

fn screenshot_dir() -> PathBuf {
    let dir = std::env::var("E2E_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/embed-screens"));
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

/// Percent-encodes a URL for use as a query value.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The example host page at `base`, embedding the viewer at APP_URL.
fn host_page(base: &str) -> String {
    let viewer = format!("{}?embed=1", env("APP_URL"));
    format!("{}embed-example.html?viewer={}", base, encode(&viewer))
}

fn origin(base: &str) -> String {
    base.trim_end_matches('/').to_string()
}

async fn messages(client: &Client) -> Result<Vec<Value>> {
    let value = client.execute("return window.viewerMessages || [];", vec![]).await?;
    Ok(value.as_array().cloned().unwrap_or_default())
}

/// Waits for a message matching a JS predicate over `m`; returns it.
async fn message(client: &Client, what: &str, predicate: &str) -> Result<Value> {
    let expression = format!("(window.viewerMessages || []).find(m => {predicate})");
    wait_for(client, what, &expression).await
}

/// Sends a command through the example page's helper; returns its id.
async fn send(client: &Client, command: &str, params: Value) -> Result<u64> {
    let id =
        client.execute("return window.sendToViewer(arguments[0], arguments[1]);", vec![json!(command), params]).await?;
    id.as_u64().ok_or_else(|| format!("sendToViewer returned {id}").into())
}

async fn response(client: &Client, id: u64) -> Result<Value> {
    message(
        client,
        &format!("the response to command {id}"),
        &format!("m.type === 'dicom-viewer:response' && m.id === {id}"),
    )
    .await
}

async fn ok_response(client: &Client, id: u64) -> Result {
    let answer = response(client, id).await?;
    if answer["ok"] != json!(true) {
        return Err(format!("command {id} was refused: {answer}").into());
    }
    Ok(())
}

/// Runs `f` inside the viewer's iframe, then returns to the host page.
async fn in_frame(client: &Client, expression: &str, what: &str) -> Result<Value> {
    client.enter_frame(0).await?;
    let result = wait_for(client, what, expression).await;
    client.enter_parent_frame().await?;
    result
}

/// Column Pixel Spacing (mm) of the MR series, from Orthanc's WADO-RS metadata.
async fn column_spacing(client: &Client) -> Result<f64> {
    let value = client
        .execute_async(
            r#"const [root, study, series, done] = arguments;
               fetch(`${root}/studies/${study}/series/${series}/metadata`).then(r => r.json())
                 .then(items => done(items[0]['00280030'].Value[1])).catch(e => done(String(e)));"#,
            vec![json!(env("DICOMWEB_CORS_URL")), json!(env("MR_STUDY_UID")), json!(env("MR_SERIES_UID"))],
        )
        .await?;
    value
        .as_f64()
        .or_else(|| value.as_str().and_then(|s| s.parse().ok()))
        .ok_or_else(|| format!("Pixel Spacing: {value}").into())
}

async fn listed_origin(client: &Client) -> Result {
    let host = env("EMBED_HOST_URL");
    let (study, series) = (env("MR_STUDY_UID"), env("MR_SERIES_UID"));
    client.goto(&host_page(&host)).await?;
    let ready = message(client, "the ready event", "m.event === 'ready'").await?;
    println!("ready: {ready}");
    // Only the viewport area and the small tool bar, filling the frame.
    let layout = in_frame(
        client,
        r#"(() => {
            const root = document.querySelector('[data-testid="embed"]');
            if (!root) return false;
            return { width: root.getBoundingClientRect().width, height: root.getBoundingClientRect().height,
                     innerWidth, innerHeight,
                     tools: [...document.querySelectorAll('[data-testid="embed-tool"]')].map(b => b.dataset.tool),
                     waiting: !!document.querySelector('[data-testid="embed-waiting"]'),
                     chrome: ['.series-panel', '.status', '.start', '[data-testid="sample"]', '[data-testid="open-files"]']
                        .filter(s => document.querySelector(s)) };
        })()"#,
        "the embed layout",
    )
    .await?;
    println!("embed layout: {layout}");
    if layout["chrome"] != json!([]) || layout["waiting"] != json!(true) {
        return Err(format!("the embed layout shows more than the viewport and its tools: {layout}").into());
    }
    if layout["width"] != layout["innerWidth"] || layout["height"] != layout["innerHeight"] {
        return Err(format!("the embed layout does not fill its frame: {layout}").into());
    }
    if layout["tools"] != json!(["scroll", "windowLevel", "pan", "zoom", "length"]) {
        return Err(format!("unexpected tools: {layout}").into());
    }

    // openSeries through the example page's form.
    type_into(client, r#"[data-testid="host-source"]"#, "orthanc").await?;
    type_into(client, r#"[data-testid="host-study"]"#, &study).await?;
    type_into(client, r#"[data-testid="host-series"]"#, &series).await?;
    let started = client.execute("return performance.now();", vec![]).await?.as_f64().unwrap_or(0.0);
    click(client, r#"[data-testid="host-open-series"]"#).await?;
    let answer =
        message(client, "the openSeries response", "m.type === 'dicom-viewer:response' && m.command === 'openSeries'")
            .await?;
    if answer["ok"] != json!(true) {
        return Err(format!("openSeries refused: {answer}").into());
    }
    let shown = message(client, "imageShown", "m.event === 'imageShown'").await?;
    let at = client.execute("return performance.now();", vec![]).await?.as_f64().unwrap_or(0.0);
    println!("imageShown {:.0} ms after the click: {shown}", at - started);
    if shown["studyInstanceUID"] != json!(study) || shown["seriesInstanceUID"] != json!(series) {
        return Err(format!("imageShown names another series: {shown}").into());
    }
    if shown["sopInstanceUID"].as_str().is_none_or(str::is_empty) || shown["viewport"] != json!(0) {
        return Err(format!("imageShown lacks the instance or viewport: {shown}").into());
    }
    // The whole series is in before slices are addressed by index.
    in_frame(
        client,
        r#"(() => { const c = document.querySelector('[data-testid="viewport"][data-pane="0"]');
                    return c && c.dataset.ready === 'true' && c.parentElement.dataset.total === '128'; })()"#,
        "all 128 slices listed in the frame",
    )
    .await?;

    // setSlice → sliceChanged with that index, and the viewport on it.
    let id = send(client, "setSlice", json!({"index": 10})).await?;
    ok_response(client, id).await?;
    let changed = message(client, "sliceChanged to 10", "m.event === 'sliceChanged' && m.frame === 10").await?;
    println!("sliceChanged: {changed}");
    if changed["total"] != json!(128) || changed["seriesInstanceUID"] != json!(series) {
        return Err(format!("sliceChanged: {changed}").into());
    }
    in_frame(
        client,
        r#"(() => { const c = document.querySelector('[data-testid="viewport"][data-pane="0"]');
                    return c && c.dataset.ready === 'true' && c.dataset.frame === '10'; })()"#,
        "the frame's viewport on slice 10",
    )
    .await?;
    let id = send(client, "setSlice", json!({"index": 500})).await?;
    let refused = response(client, id).await?;
    if refused["ok"] != json!(false) || !refused["error"].as_str().unwrap_or_default().contains("128 slices") {
        return Err(format!("setSlice 500 should be refused naming the 128 slices: {refused}").into());
    }
    let id = send(client, "setTool", json!({"tool": "laser"})).await?;
    let refused = response(client, id).await?;
    println!("refused as expected: {refused}");
    if refused["ok"] != json!(false) {
        return Err(format!("setTool laser should be refused: {refused}").into());
    }

    // setWindow through the form: the viewport's window and its corner text.
    type_into(client, r#"[data-testid="host-center"]"#, "123").await?;
    type_into(client, r#"[data-testid="host-width"]"#, "456").await?;
    click(client, r#"[data-testid="host-set-window"]"#).await?;
    let answer =
        message(client, "the setWindow response", "m.type === 'dicom-viewer:response' && m.command === 'setWindow'")
            .await?;
    if answer["ok"] != json!(true) {
        return Err(format!("setWindow refused: {answer}").into());
    }
    in_frame(
        client,
        r#"(() => { const c = document.querySelector('[data-testid="viewport"][data-pane="0"]');
                    return c && c.dataset.ready === 'true' && c.dataset.windowCenter === '123' && c.dataset.windowWidth === '456'
                        && c.parentElement.textContent.includes('W 456 L 123'); })()"#,
        "the window 123/456 on the viewport and in its corner text",
    )
    .await?;

    // setTool length (the form's select), then a drag of 100 image pixels across.
    client.find(Locator::Css(r#"[data-testid="host-tool"]"#)).await?.select_by_value("length").await?;
    let answer = message(
        client,
        "the setTool response",
        "m.type === 'dicom-viewer:response' && m.command === 'setTool' && m.ok",
    )
    .await?;
    println!("setTool: {answer}");
    client.enter_frame(0).await?;
    let drawn = async {
        wait_for(
            client,
            "the Length tool pressed in the frame's tool bar",
            r#"document.querySelector('[data-testid="embed-tool"][data-tool="length"][aria-pressed="true"]')"#,
        )
        .await?;
        let from = offset_of_image_point(client, (14.0, 64.0)).await?;
        let to = offset_of_image_point(client, (114.0, 64.0)).await?;
        drag(client, from, to).await
    }
    .await;
    client.enter_parent_frame().await?;
    drawn?;
    let measured = message(client, "measurementAdded", "m.event === 'measurementAdded'").await?;
    println!("measurementAdded: {measured}");
    let spacing = column_spacing(client).await?;
    let value = measured["value"].as_f64().unwrap_or(f64::NAN);
    let expected = 100.0 * spacing;
    if measured["tool"] != json!("length")
        || measured["unit"] != json!("mm")
        || (value - expected).abs() > 0.02 * expected
    {
        return Err(format!("measurementAdded should be a length of about {expected:.1} mm: {measured}").into());
    }
    let label = format!("{value:.1} mm");
    if measured["text"].get(0) != Some(&json!(label)) || measured["frame"] != json!(10) {
        return Err(format!("measurementAdded text/frame: {measured}").into());
    }
    println!("length {value:.2} mm for 100 px × {spacing} mm");
    screenshot(client, "embed-example-1400x1000").await?;
    let errors: Vec<Value> = messages(client).await?.into_iter().filter(|m| m["event"] == json!("error")).collect();
    if !errors.is_empty() {
        return Err(format!("error events: {errors:?}").into());
    }
    Ok(())
}

/// The SOP Instance UID of a corpus file, as dcmdump reads it.
fn sop_instance_uid(path: &str) -> Result<String> {
    let file = corpus().join(path);
    let out = std::process::Command::new("dcmdump").args(["+P", "SOPInstanceUID"]).arg(&file).output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let uid = text.split('[').nth(1).and_then(|rest| rest.split(']').next()).unwrap_or_default().to_string();
    if uid.is_empty() {
        return Err(format!("dcmdump printed no SOP Instance UID for {}: {text}", file.display()).into());
    }
    Ok(uid)
}

/// openUrls on the same host page: a corpus file (served with CORS) is shown; an address nothing
/// answers is named in the response and reported as an `error` event.
async fn open_urls(client: &Client) -> Result {
    let path = "wg04/REF/CT1_UNC";
    let expected = sop_instance_uid(path)?;
    let dead = "http://127.0.0.1:9/nothing.dcm";
    let id = send(client, "openUrls", json!({"urls": [corpus_url(path), dead]})).await?;
    let answer = response(client, id).await?;
    println!("openUrls: {answer}");
    if answer["ok"] != json!(false) || !answer["error"].as_str().unwrap_or_default().contains(dead) {
        return Err(format!("openUrls should name the unreachable URL: {answer}").into());
    }
    let shown = message(
        client,
        "imageShown for the file opened by URL",
        &format!("m.event === 'imageShown' && m.sopInstanceUID === {}", json!(expected)),
    )
    .await?;
    println!("openUrls imageShown: {shown}");
    let error = message(client, "the error event", "m.event === 'error'").await?;
    println!("error event: {error}");
    if !error["message"]
        .as_str()
        .unwrap_or_default()
        .starts_with(&format!("{dead} could not be fetched: the server did not answer"))
    {
        return Err(format!("the error event should name {dead}: {error}").into());
    }
    in_frame(
        client,
        &format!(
            r#"(() => {{ const c = document.querySelector('[data-testid="viewport"][data-pane="0"]');
                       return c && c.dataset.ready === 'true' && c.dataset.sopInstanceUid === {}; }})()"#,
            json!(expected)
        ),
        "the file drawn in the frame",
    )
    .await?;
    Ok(())
}

async fn unlisted_origin(client: &Client) -> Result {
    let stranger = env("EMBED_STRANGER_URL");
    client.goto(&host_page(&stranger)).await?;
    // Record the frame's console warnings once the viewer runs.
    in_frame(
        client,
        r#"(() => {
            if (!document.querySelector('[data-testid="embed"]')) return false;
            window.__warnings = [];
            const warn = console.warn;
            console.warn = (...args) => { window.__warnings.push(args.join(' ')); warn.apply(console, args); };
            return true;
        })()"#,
        "the embedded viewer",
    )
    .await?;
    let id = send(
        client,
        "openSeries",
        json!({
            "dataSource": "orthanc", "studyInstanceUID": env("MR_STUDY_UID"), "seriesInstanceUID": env("MR_SERIES_UID")
        }),
    )
    .await?;
    let warning = in_frame(
        client,
        &format!("(window.__warnings || []).find(w => w.includes({}))", json!(origin(&stranger))),
        "the console warning naming the unlisted origin",
    )
    .await?;
    println!("warning: {warning}");
    // Give a wrongly obeyed command time to show something.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let received = messages(client).await?;
    if !received.is_empty() {
        return Err(format!("an unlisted origin received messages (command {id}): {received:?}").into());
    }
    let nothing = in_frame(
        client,
        r#"(() => ({ viewports: document.querySelectorAll('[data-testid="viewport"]').length,
                     waiting: !!document.querySelector('[data-testid="embed-waiting"]') }))()"#,
        "the frame's state",
    )
    .await?;
    if nothing != json!({"viewports": 0, "waiting": true}) {
        return Err(format!("an unlisted origin's command had an effect: {nothing}").into());
    }
    Ok(())
}

/// The example page beside the viewer on a sub-path: same origin, accepted without listing.
async fn same_origin_sub_path(client: &Client) -> Result {
    let page = format!("{}viewer/embed-example.html", env("EMBED_STRANGER_URL"));
    client.goto(&page).await?;
    message(client, "ready from the sub-path", "m.event === 'ready'").await?;
    let id = send(
        client,
        "openSeries",
        json!({
            "studyInstanceUID": env("MR_STUDY_UID"), "seriesInstanceUID": env("MR_SERIES_UID"), "dataSource": "orthanc"
        }),
    )
    .await?;
    ok_response(client, id).await?;
    let shown = message(client, "imageShown from the sub-path", "m.event === 'imageShown'").await?;
    println!("sub-path imageShown: {shown}");
    Ok(())
}

/// The embed layout alone at phone size, opened by a deep link (the link parameters work in it).
async fn phone_layout(client: &Client) -> Result {
    client.set_window_size(390, 844).await?;
    // The window's frame takes some of it: grow the window until the page gets 390×844.
    let inner = client.execute("return [innerWidth, innerHeight];", vec![]).await?;
    let (w, h) = (inner[0].as_u64().unwrap_or(390) as u32, inner[1].as_u64().unwrap_or(844) as u32);
    if (w, h) != (390, 844) {
        client.set_window_size(390 + 390u32.saturating_sub(w), 844 + 844u32.saturating_sub(h)).await?;
    }
    let link = format!(
        "{}?embed=1&datasource=orthanc&StudyInstanceUIDs={}&SeriesInstanceUIDs={}",
        env("APP_URL"),
        env("MR_STUDY_UID"),
        env("MR_SERIES_UID")
    );
    // The dark theme here (the host page's screenshot shows the light one).
    client.goto(&env("APP_URL")).await?;
    client.execute("localStorage.setItem('dicomViewer.theme', 'dark');", vec![]).await?;
    client.goto(&link).await?;
    wait_for(
        client,
        "the MR drawn at phone size",
        r#"(() => { const c = document.querySelector('[data-testid="viewport"][data-pane="0"]'); return c && c.dataset.ready === 'true'; })()"#,
    )
    .await?;
    let boxes = client
        .execute(
            r#"const bar = document.querySelector('[data-testid="embed-toolbar"]').getBoundingClientRect();
               const pane = document.querySelector('.pane').getBoundingClientRect();
               const row = document.querySelector('[data-testid="embed-toolbar"]');
               return { bar: [bar.top, bar.bottom, bar.width], pane: [pane.top, pane.bottom, pane.width], innerWidth, innerHeight,
                        toolsWidth: row.scrollWidth, rowWidth: row.clientWidth };"#,
            vec![],
        )
        .await?;
    println!("phone: {boxes}");
    let bar_bottom = boxes["bar"][1].as_f64().unwrap_or(0.0);
    let pane_top = boxes["pane"][0].as_f64().unwrap_or(0.0);
    if pane_top + 0.5 < bar_bottom || bar_bottom > 60.0 {
        return Err(format!("at 390×844 the tool bar overlaps the viewport or is taller than one row: {boxes}").into());
    }
    if boxes["toolsWidth"].as_f64() > boxes["rowWidth"].as_f64() {
        return Err(format!("at 390×844 the tool bar does not fit its row: {boxes}").into());
    }
    screenshot(client, "embed-layout-390x844").await?;
    client.execute("localStorage.removeItem('dicomViewer.theme');", vec![]).await?;
    client.set_window_size(1400, 1000).await?;
    Ok(())
}

async fn run(client: &Client) -> Result {
    listed_origin(client).await?;
    open_urls(client).await?;
    unlisted_origin(client).await?;
    same_origin_sub_path(client).await?;
    phone_layout(client).await?;
    Ok(())
}

#[tokio::test]
async fn embedded_viewer_driven_by_post_message() {
    let client = connect().await;
    let result = run(&client).await;
    if result.is_err() {
        let _ = screenshot(&client, "failure").await;
    }
    let _ = client.close().await;
    if let Err(e) = result {
        panic!("{e}");
    }
}
