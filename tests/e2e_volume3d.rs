//! End to end (fantoccini + ChromeDriver): the 3-D viewport of layout MPR + 3-D.
//! - mr-series-128 opened as files, layout MPR + 3-D: the 3-D pane (`viewport-3d`) draws the
//!   whole volume (data-filled = data-slices) with the CPU ray caster and says so; the image is
//!   plausible: black corners, a bright head in the middle;
//! - a drag rotates it (data-azimuth follows the drag at 0.5°/px) and changes the image; the
//!   long tasks (PerformanceObserver 'longtask') and the frame intervals during the rotation are
//!   printed, and no task may freeze the page;
//! - the MIP preset draws another image; the wheel zooms; Reset returns to the front view;
//! - screenshots at 1400×1000 and 390×844 to $VOLUME3D_SCREENS (default
//!   target/volume3d-screens).
//!
//! Needs APP_URL and WEBDRIVER_URL (scripts/browser-tests.sh sets them up).
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;
use std::time::Duration;

use fantoccini::actions::{InputSource, MouseActions, PointerAction, MOUSE_BUTTON_LEFT};
use fantoccini::{Client, Locator};
use serde_json::{json, Value};

mod e2e_support;

use e2e_support::*;

const PANE: &str = r#"[data-testid="viewport-3d"]"#;

fn screens() -> PathBuf {
    let dir = std::env::var("VOLUME3D_SCREENS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/volume3d-screens"));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}

async fn screenshot(client: &Client, name: &str) -> Result {
    let png = client.screenshot().await?;
    let path = screens().join(format!("{name}.png"));
    std::fs::write(&path, png)?;
    println!("screenshot: {}", path.display());
    Ok(())
}

/// Waits until the 3-D pane shows the refined image of the whole volume.
async fn refined(client: &Client, what: &str) -> Result {
    wait_for(
        client,
        what,
        r#"(() => { const c = document.querySelector('[data-testid="viewport-3d"]');
                    return c && c.dataset.ready === 'true' && c.dataset.quality === 'refined'
                        && c.dataset.slices === '128' && c.dataset.filled === c.dataset.slices; })()"#,
    )
    .await?;
    Ok(())
}

/// The 3-D canvas's pixels summarised: size, share of non-black pixels, mean grey of the
/// centre third and of the four corner tenths, and the grey values on a 32×32 grid.
async fn summary(client: &Client) -> Result<Value> {
    Ok(client
        .execute(
            r#"const c = document.querySelector(arguments[0]);
               const { width: w, height: h } = c;
               const d = c.getContext('2d').getImageData(0, 0, w, h).data;
               const grey = (x, y) => { const i = (y * w + x) * 4; return (d[i] + d[i + 1] + d[i + 2]) / 3; };
               let lit = 0;
               for (let i = 0; i < w * h; i++) if (d[i * 4] + d[i * 4 + 1] + d[i * 4 + 2] > 30) lit++;
               const mean = (x0, y0, x1, y1) => { let s = 0, n = 0;
                 for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) { s += grey(x, y); n++; }
                 return s / Math.max(n, 1); };
               const cw = Math.floor(w / 10), ch = Math.floor(h / 10);
               const corners = Math.max(mean(0, 0, cw, ch), mean(w - cw, 0, w, ch), mean(0, h - ch, cw, h), mean(w - cw, h - ch, w, h));
               const grid = [];
               for (let j = 0; j < 32; j++) for (let i = 0; i < 32; i++)
                 grid.push(Math.round(grey(Math.floor((i + 0.5) * w / 32), Math.floor((j + 0.5) * h / 32))));
               return { w, h, lit: lit / (w * h), centre: mean(Math.floor(w / 3), Math.floor(h / 3), Math.floor(2 * w / 3), Math.floor(2 * h / 3)),
                        corners, grid };"#,
            vec![json!(PANE)],
        )
        .await?)
}

/// Mean absolute difference of two summaries' grids.
fn difference(a: &Value, b: &Value) -> f64 {
    let (Some(a), Some(b)) = (a["grid"].as_array(), b["grid"].as_array()) else { return 0.0 };
    let sum: f64 = a.iter().zip(b).map(|(x, y)| (x.as_f64().unwrap_or(0.0) - y.as_f64().unwrap_or(0.0)).abs()).sum();
    sum / a.len().max(1) as f64
}

async fn data(client: &Client, name: &str) -> Result<String> {
    Ok(client.find(Locator::Css(PANE)).await?.attr(name).await?.unwrap_or_default())
}

fn percentile(values: &mut [f64], p: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    values[((values.len() - 1) as f64 * p).round() as usize]
}

async fn volume_3d(client: &Client) -> Result {
    fresh_page(client).await?;
    let series = corpus().join("mr-series-128");
    let mut slices: Vec<PathBuf> = std::fs::read_dir(&series)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "dcm"))
        .collect();
    slices.sort();
    assert_eq!(slices.len(), 128, "{}", series.display());
    open_files(client, &slices).await?;
    wait_for(
        client,
        "the series shown",
        r#"document.querySelector('[data-testid="viewport"][data-pane="0"]')?.dataset.ready === 'true'"#,
    )
    .await?;
    click(client, r#"[data-testid="menu-layout"]"#).await?;
    click(client, r#"[data-testid="layout-mpr-3d"]"#).await?;
    let opened = client.execute("return performance.now();", vec![]).await?.as_f64().unwrap_or(0.0);
    refined(client, "the 3-D view of the whole volume").await?;
    let shown = client.execute("return performance.now();", vec![]).await?.as_f64().unwrap_or(0.0);
    println!(
        "3-D: layout chosen → refined image of all {} slices in {:.0} ms; last refined image {} ms, last interactive {} ms",
        data(client, "data-slices").await?,
        shown - opened,
        data(client, "data-render-ms").await?,
        data(client, "data-interactive-ms").await?
    );
    assert_eq!(data(client, "data-renderer").await?, "cpu");
    let note = client.find(Locator::Css(r#"[data-testid="note-3d"]"#)).await?.text().await?;
    assert_eq!(note, "3-D without a GPU: reduced resolution");
    let preset = data(client, "data-preset").await?;
    assert_eq!(preset, "ramp", "an MR series opens with the opacity ramp");
    let front = summary(client).await?;
    println!(
        "3-D front view: {}×{} px, {:.1} % lit, centre mean {:.1}, brightest corner {:.1}",
        front["w"],
        front["h"],
        front["lit"].as_f64().unwrap_or(0.0) * 100.0,
        front["centre"].as_f64().unwrap_or(0.0),
        front["corners"].as_f64().unwrap_or(0.0)
    );
    let (lit, centre, corners) = (
        front["lit"].as_f64().unwrap_or(0.0),
        front["centre"].as_f64().unwrap_or(0.0),
        front["corners"].as_f64().unwrap_or(255.0),
    );
    assert!(lit > 0.05 && lit < 0.9, "a head in the middle, not an empty or filled canvas: {lit}");
    assert!(centre > 25.0 && corners < 5.0, "centre {centre}, corners {corners}");
    screenshot(client, "mpr-3d-desktop").await?;

    // A drag to the right: the camera moves to the patient's right (azimuth −0.5°/px).
    client
        .execute(
            r#"window.__longTasks = []; window.__longTaskSpans = []; window.__frames = [];
               window.__rafOn = true;
               let last = performance.now();
               const tick = (t) => { window.__frames.push(t - last); last = t; if (window.__rafOn) requestAnimationFrame(tick); };
               requestAnimationFrame(tick);"#,
            vec![],
        )
        .await?;
    let canvas = client.find(Locator::Css(PANE)).await?;
    let mut actions = MouseActions::new("mouse".into())
        .then(PointerAction::MoveToElement { element: canvas.clone(), duration: None, x: 0.0, y: 0.0 })
        .then(PointerAction::Down { button: MOUSE_BUTTON_LEFT });
    for step in 1..=12 {
        actions = actions.then(PointerAction::MoveToElement {
            element: canvas.clone(),
            duration: Some(Duration::from_millis(100)),
            x: f64::from(step) * 10.0,
            y: 0.0,
        });
    }
    actions = actions.then(PointerAction::Up { button: MOUSE_BUTTON_LEFT });
    client.perform_actions(actions).await?;
    client.release_actions().await?;
    let azimuth: f64 = data(client, "data-azimuth").await?.parse().unwrap_or(f64::NAN);
    let interactive_ms = data(client, "data-interactive-ms").await?;
    refined(client, "the refined image after the rotation").await?;
    let timings = client
        .execute(
            "window.__rafOn = false; return { longTasks: window.__longTaskSpans, frames: window.__frames };",
            vec![],
        )
        .await?;
    let long: Vec<f64> =
        timings["longTasks"].as_array().map(|a| a.iter().filter_map(|s| s[1].as_f64()).collect()).unwrap_or_default();
    let mut frames: Vec<f64> =
        timings["frames"].as_array().map(|a| a.iter().filter_map(Value::as_f64).collect()).unwrap_or_default();
    println!(
        "3-D rotation: azimuth {azimuth}°, long tasks (start ms, duration ms) {}, {} animation frames, interval p50 {:.1} ms p95 {:.1} ms max {:.1} ms; interactive image {interactive_ms} ms, refined {} ms",
        timings["longTasks"],
        frames.len(),
        percentile(&mut frames, 0.5),
        percentile(&mut frames, 0.95),
        percentile(&mut frames, 1.0),
        data(client, "data-render-ms").await?
    );
    assert!((azimuth + 60.0).abs() < 1.0, "120 px to the right → azimuth −60°, got {azimuth}");
    let longest = long.iter().copied().fold(0.0, f64::max);
    assert!(longest < 250.0, "the page froze for {longest} ms during the rotation");
    let rotated = summary(client).await?;
    let changed = difference(&front, &rotated);
    println!("3-D rotation changed the image by {changed:.1} grey levels on average");
    assert!(changed > 2.0, "the rotated image should differ from the front view ({changed})");
    assert!(rotated["lit"].as_f64().unwrap_or(0.0) > 0.05);
    screenshot(client, "mpr-3d-rotated-desktop").await?;

    // Another preset: MIP.
    client.find(Locator::Css(r#"[data-testid="preset-3d"]"#)).await?.select_by_value("mip").await?;
    wait_for(
        client,
        "the MIP preset",
        r#"document.querySelector('[data-testid="viewport-3d"]').dataset.preset === 'mip'"#,
    )
    .await?;
    refined(client, "the MIP image").await?;
    let mip = summary(client).await?;
    let changed = difference(&rotated, &mip);
    println!("3-D MIP differs from the ramp by {changed:.1} grey levels on average");
    assert!(changed > 2.0, "the MIP preset should draw another image ({changed})");
    assert!(mip["centre"].as_f64().unwrap_or(0.0) > 25.0);
    screenshot(client, "mpr-3d-mip-desktop").await?;

    // The wheel zooms in; Reset returns to the front view without zoom.
    client
        .execute(
            r#"document.querySelector(arguments[0]).dispatchEvent(new WheelEvent('wheel', { deltaY: -300, bubbles: true, cancelable: true }));"#,
            vec![json!(PANE)],
        )
        .await?;
    let zoom: f64 = data(client, "data-zoom").await?.parse().unwrap_or(0.0);
    assert!((zoom - 1.1f64.powi(3)).abs() < 0.01, "wheel −300 → zoom 1.331, got {zoom}");
    click(client, r#"[data-testid="reset-3d"]"#).await?;
    wait_for(
        client,
        "the reset view",
        r#"(() => { const c = document.querySelector('[data-testid="viewport-3d"]');
                    return c.dataset.azimuth === '0.0' && c.dataset.zoom === '1.000'; })()"#,
    )
    .await?;
    refined(client, "the reset MIP image").await?;

    // Phone size: the four panes stay usable.
    client.set_window_size(390, 844).await?;
    tokio::time::sleep(Duration::from_millis(600)).await;
    refined(client, "the 3-D view at phone size").await?;
    screenshot(client, "mpr-3d-phone").await?;
    let phone = summary(client).await?;
    assert!(phone["lit"].as_f64().unwrap_or(0.0) > 0.05, "phone: {phone:?}");
    client.set_window_size(1400, 1000).await?;
    Ok(())
}

#[tokio::test]
async fn volume_rendering_end_to_end() {
    let app = env("APP_URL");
    let client = connect().await;
    let result = volume_3d(&client).await;
    let _ = client.close().await;
    if let Err(e) = result {
        panic!("{app}: {e}");
    }
}
