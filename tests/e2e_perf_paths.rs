//! Performance paths of issue 14 in headless Chromium (WebGL2 runs on SwiftShader here):
//! - a 4000 × 5000 16-bit mammogram written here (`samples::mammogram`), uncompressed, and the
//!   same image as JPEG-LS lossless (dcmcjpls) for its decode time: opened with
//!   `?renderer=webgl2` and `?renderer=canvas2d`; window/level and pan dragged by synthetic
//!   pointer events, one per animation frame for ~2 s; the frame times (requestAnimationFrame
//!   deltas, p50/p95/max) and the longest main-thread tasks are printed. Checked: after the
//!   window drag and after the pan, every canvas pixel inside the image equals
//!   `wasmBindings.render_frame` with the dragged window (±1) at the image pixel under it
//!   (`compare_with_render_frame`), in both renderers;
//! - long tasks (PerformanceObserver 'longtask') while a 300-slice CT series (written here,
//!   `samples::phantom::PhantomSeries`) is opened as a folder, as a ZIP and as a folder with a
//!   DICOMDIR (dcmmkdir), and while the study browser lists 100 studies on Orthanc: printed. Checked:
//!   all 300 slices end in one display set; 100 study rows are listed.
//!
//! Times are printed, never asserted. `E2E_PERF_ONLY=mammo,shrunk,local,browser` runs only those
//! parts (`shrunk`: the mammogram under `?maxTextureSize=2048`).
//! Needs APP_URL, WEBDRIVER_URL and ORTHANC_URL (scripts/browser-tests.sh sets them up).
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};
use std::process::Command;

use dicom_viewer::samples::mammogram::mammogram_file;
use dicom_viewer::samples::phantom::PhantomSeries;
use fantoccini::Client;
use serde_json::{json, Value};

mod e2e_support;

use e2e_support::*;

fn wanted(part: &str) -> bool {
    std::env::var("E2E_PERF_ONLY").map_or(true, |only| only.split(',').any(|p| p.trim() == part))
}

/// Keeps the files of the last file/folder choice (the page clears its input after reading).
const KEEP_CHOSEN_FILES: &str = r#"
    window.addEventListener('change', e => {
        if (e.target && e.target.files && e.target.files.length) window.__chosen = Array.from(e.target.files);
    }, true);"#;

/// Drags on viewport 0 with synthetic pointer events (`button` 0: the window/level tool, 1:
/// pan), one move per animation frame for `steps` frames, along a sine so it ends at
/// (+dx, +dy) from the centre; returns { deltas: rAF deltas in ms, down: ms the press took }.
async fn pointer_drag(client: &Client, button: u32, steps: u32, delta: (f64, f64)) -> Result<Value> {
    let script = r#"
        const [selector, button, steps, dx, dy] = arguments;
        return new Promise(resolve => {
            const canvas = document.querySelector(selector);
            const rect = canvas.getBoundingClientRect();
            const x0 = rect.left + rect.width / 2, y0 = rect.top + rect.height / 2;
            const buttons = button === 1 ? 4 : 1;
            const event = (type, x, y) => new PointerEvent(type, {
                bubbles: true, cancelable: true, composed: true, pointerId: 1, pointerType: 'mouse',
                isPrimary: true, button: type === 'pointermove' ? -1 : button,
                buttons: type === 'pointerup' ? 0 : buttons, clientX: x, clientY: y });
            window.__longTasks = []; window.__longTaskSpans = [];
            const pressed = performance.now();
            canvas.dispatchEvent(event('pointerdown', x0, y0));
            const down = performance.now() - pressed;
            const deltas = [];
            let last = null, step = 0, x = x0, y = y0;
            const tick = now => {
                if (last !== null) deltas.push(now - last);
                last = now;
                if (step >= steps) {
                    canvas.dispatchEvent(event('pointerup', x, y));
                    requestAnimationFrame(() => requestAnimationFrame(() => resolve({ deltas, down })));
                    return;
                }
                step++;
                const phase = Math.sin(step / steps * Math.PI * 2.5);
                x = x0 + dx * phase; y = y0 + dy * phase;
                canvas.dispatchEvent(event('pointermove', x, y));
                requestAnimationFrame(tick);
            };
            requestAnimationFrame(tick);
        });"#;
    let value = client
        .execute(script, vec![json!(VIEWPORT), json!(button), json!(steps), json!(delta.0), json!(delta.1)])
        .await?;
    Ok(value)
}

/// "p50 … p95 … max …" of the deltas.
fn frame_stats(value: &Value) -> (f64, f64, f64, usize) {
    let mut deltas: Vec<f64> =
        value["deltas"].as_array().map(|a| a.iter().filter_map(Value::as_f64).collect()).unwrap_or_default();
    deltas.sort_by(f64::total_cmp);
    let at = |q: usize| {
        deltas.get((deltas.len() * q / 100).min(deltas.len().saturating_sub(1))).copied().unwrap_or(f64::NAN)
    };
    (at(50), at(95), deltas.last().copied().unwrap_or(f64::NAN), deltas.len())
}

async fn long_task_spans(client: &Client) -> Result<Value> {
    Ok(client.execute("return window.__longTaskSpans || [];", vec![]).await?)
}

/// Opens the mammogram at `path`; with `check`, drags window/level and pans, compares pixels.
async fn mammogram(client: &Client, path: &Path, label: &str, query: &str, check: bool) -> Result {
    fresh_page_with(client, query).await?;
    client.execute(KEEP_CHOSEN_FILES, vec![]).await?;
    let start = open_files(client, &[path.to_path_buf()]).await?;
    ready_on_frame(client, 0).await?;
    let first = client.execute("return window.__marks.first;", vec![]).await?.as_f64().unwrap_or(f64::NAN) - start;
    let open_tasks = long_task_spans(client).await?;
    let renderer = attribute(client, "data-renderer").await?;
    println!(
        "{label} [{renderer}]: first image {first:.0} ms after choosing the file; long tasks [start, ms]: {open_tasks}"
    );
    if !check {
        return Ok(());
    }
    let expected = if query.contains("canvas2d") { "canvas2d" } else { "webgl2" };
    if renderer != expected {
        return Err(format!("{label}: drawn with {renderer:?}, expected {expected}").into());
    }
    client
        .update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
            Some(std::time::Duration::from_secs(180)),
            None,
            None,
        ))
        .await?;
    let url = client
        .execute("return window.__chosenUrl || (window.__chosenUrl = URL.createObjectURL(window.__chosen[0]));", vec![])
        .await?;
    let url = url.as_str().ok_or("no object URL for the chosen file")?.to_string();
    let before = (attribute(client, "data-window-center").await?, attribute(client, "data-window-width").await?);
    let window_drag = pointer_drag(client, 0, 120, (150.0, -90.0)).await?;
    let window_tasks = long_task_spans(client).await?;
    let after = (attribute(client, "data-window-center").await?, attribute(client, "data-window-width").await?);
    if after == before {
        return Err(format!("{label}: the window/level drag left the window at {before:?}").into());
    }
    let compared_window = compare_with_render_frame(client, &url, true).await?;
    let transform_before = attribute(client, "data-image-to-canvas").await?;
    let pan = pointer_drag(client, 1, 120, (-220.0, 130.0)).await?;
    let pan_tasks = long_task_spans(client).await?;
    let transform_after = attribute(client, "data-image-to-canvas").await?;
    if transform_after == transform_before {
        return Err(format!("{label}: the pan left the view at {transform_before}").into());
    }
    let compared_pan = compare_with_render_frame(client, &url, true).await?;
    for (what, value, tasks) in [("window/level drag", &window_drag, &window_tasks), ("pan", &pan, &pan_tasks)] {
        let (p50, p95, max, count) = frame_stats(value);
        println!(
            "{label} [{renderer}] {what}: {count} frames, rAF delta p50 {p50:.1} ms, p95 {p95:.1} ms, max {max:.1} ms; \
             press {:.1} ms; long tasks [start, ms]: {tasks}",
            value["down"].as_f64().unwrap_or(f64::NAN)
        );
    }
    println!("{label} [{renderer}] after the window drag: {compared_window}");
    println!("{label} [{renderer}] after the pan: {compared_pan}");
    Ok(())
}

/// With the texture limit lowered below the image (`?maxTextureSize=2048`), WebGL2 shows a
/// shrunk copy with a note: the breast is drawn (not a black canvas).
async fn shrunk_for_small_textures(client: &Client, path: &Path) -> Result {
    fresh_page_with(client, "?renderer=webgl2&maxTextureSize=2048").await?;
    open_files(client, &[path.to_path_buf()]).await?;
    ready_on_frame(client, 0).await?;
    expect_attribute(client, "data-renderer", "webgl2").await?;
    let note = wait_for(
        client,
        "the texture note",
        r#"(document.querySelector('[data-testid="texture-note"]') || {}).textContent"#,
    )
    .await?;
    if !note.as_str().is_some_and(|n| n.contains("1/3")) {
        return Err(format!("the note should say the image is shown at 1/3 of its resolution: {note}").into());
    }
    let drawn = client
        .execute(
            r#"const canvas = document.querySelector(arguments[0]);
               const [a, b, c, d, e, f] = canvas.dataset.imageToCanvas.split(',').map(Number);
               const copy = document.createElement('canvas');
               copy.width = canvas.width; copy.height = canvas.height;
               const context = copy.getContext('2d');
               context.drawImage(canvas, 0, 0);
               const data = context.getImageData(0, 0, copy.width, copy.height).data;
               // The image's box on the canvas (no rotation: a, d > 0, b = c = 0).
               const x0 = Math.ceil(e), y0 = Math.ceil(f), x1 = Math.floor(e + a * 4000), y1 = Math.floor(f + d * 5000);
               let inside = 0, bright = 0;
               for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) {
                   inside++; if (data[(y * copy.width + x) * 4] > 40) bright++;
               }
               return { inside, bright };"#,
            vec![json!(VIEWPORT)],
        )
        .await?;
    let (inside, bright) = (drawn["inside"].as_f64().unwrap_or(0.0), drawn["bright"].as_f64().unwrap_or(0.0));
    // The breast covers π/4 · 0.8 · 0.9 ≈ 57 % of the image.
    if inside == 0.0 || bright / inside < 0.4 {
        return Err(format!("the shrunk mammogram should show the breast: {drawn}").into());
    }
    println!("MG 4000×5000 with a 2048 texture limit: {note}; {bright} of {inside} canvas pixels show the breast");
    Ok(())
}

async fn expect_attribute(client: &Client, name: &str, expected: &str) -> Result {
    let value = attribute(client, name).await?;
    if value != expected {
        return Err(format!("viewport 0 should have {name}={expected:?}, has {value:?}").into());
    }
    Ok(())
}

async fn mammograms(client: &Client) -> Result {
    let dir = temp_dir("mammogram");
    let plain = dir.join("mg-4000x5000.dcm");
    std::fs::write(&plain, mammogram_file(4000, 5000)?)?;
    mammogram(client, &plain, "MG 4000×5000 uncompressed", "?renderer=webgl2", true).await?;
    mammogram(client, &plain, "MG 4000×5000 uncompressed", "?renderer=canvas2d", true).await?;
    if wanted("shrunk") {
        shrunk_for_small_textures(client, &plain).await?;
    }
    let jpeg_ls = dir.join("mg-4000x5000-jls.dcm");
    let status = Command::new("dcmcjpls").arg(&plain).arg(&jpeg_ls).status()?;
    if !status.success() {
        return Err(format!("dcmcjpls failed: {status}").into());
    }
    mammogram(client, &jpeg_ls, "MG 4000×5000 JPEG-LS lossless", "?renderer=webgl2", false).await?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// Writes the 300-slice CT into `dir/CT300/IM000001…` (ISO 9660 names, as DICOMDIR wants).
fn ct_series(dir: &Path) -> Result<Vec<PathBuf>> {
    let series = PhantomSeries::centred(256, 1.0, 300, 1.0, [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]);
    let folder = dir.join("CT300");
    std::fs::create_dir_all(&folder)?;
    let mut paths = Vec::new();
    for (index, file) in series.files(31)?.into_iter().enumerate() {
        let path = folder.join(format!("IM{:06}", index + 1));
        std::fs::write(&path, &file.bytes)?;
        paths.push(path);
    }
    Ok(paths)
}

/// Opens `what` (a folder through the folder picker, or files), waits for 300 slices in one
/// display set, prints the long tasks.
async fn open_300(client: &Client, label: &str, folder: Option<&Path>, files: &[PathBuf]) -> Result {
    fresh_page(client).await?;
    client.execute("window.__expectTotal = 300;", vec![]).await?;
    let start = match folder {
        Some(folder) => {
            let start = client.execute("window.__marks = {}; return performance.now();", vec![]).await?;
            let input = client.find(fantoccini::Locator::Css(r#"[data-testid="open-folder"]"#)).await?;
            input.send_keys(&folder.display().to_string()).await?;
            start.as_f64().unwrap_or(0.0)
        }
        None => open_files(client, files).await?,
    };
    wait_for(client, "all 300 slices loaded", "window.__marks.all !== undefined").await?;
    let marks = client.execute("return window.__marks;", vec![]).await?;
    let sets = client
        .execute(
            r#"return document.querySelectorAll('[data-testid="series-list"] [data-display-set]').length;"#,
            vec![],
        )
        .await?;
    if sets != json!(1) {
        return Err(format!("{label}: expected one display set of 300 slices, the series list has {sets}").into());
    }
    let tasks = long_task_spans(client).await?;
    let longest = longest_task(client).await?;
    println!(
        "{label}: first image {:.0} ms, all 300 {:.0} ms, longest main-thread task {longest:.0} ms; long tasks [start, ms]: {tasks}",
        marks["first"].as_f64().unwrap_or(f64::NAN) - start,
        marks["all"].as_f64().unwrap_or(f64::NAN) - start,
    );
    Ok(())
}

async fn local_paths(client: &Client) -> Result {
    let dir = temp_dir("ct300");
    let paths = ct_series(&dir)?;
    open_300(client, "CT 300 slices as a folder", Some(&dir), &[]).await?;
    let archive = temp_dir("ct300-zip").join("ct300.zip");
    let status = Command::new("zip").arg("-q").arg("-r").arg(&archive).arg(".").current_dir(&dir).status()?;
    if !status.success() {
        return Err(format!("zip failed: {status}").into());
    }
    open_300(client, "CT 300 slices as a ZIP", None, &[archive.clone()]).await?;
    let names: Vec<String> = (1..=paths.len()).map(|i| format!("CT300/IM{i:06}")).collect();
    let status = Command::new("dcmmkdir").current_dir(&dir).args(["-q", "+I"]).args(&names).status()?;
    if !status.success() {
        return Err(format!("dcmmkdir failed: {status}").into());
    }
    open_300(client, "CT 300 slices as a folder with a DICOMDIR", Some(&dir), &[]).await?;
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(archive.parent().unwrap_or(&dir));
    Ok(())
}

/// Stores 100 one-image studies in Orthanc (removed again afterwards), lists them 100 per page
/// in the study browser and prints the long tasks.
async fn study_browser(client: &Client) -> Result {
    let orthanc = env("ORTHANC_URL");
    let dir = temp_dir("studies");
    let mut added = Vec::new();
    for k in 0..100u32 {
        // Each size has its own study UID (samples::mammogram names them by size).
        let path = dir.join(format!("{k}.dcm"));
        std::fs::write(&path, mammogram_file(16 + k, 16)?)?;
        let output = Command::new("curl")
            .args(["-s", "-f", "-X", "POST", "--data-binary"])
            .arg(format!("@{}", path.display()))
            .arg(format!("{}/instances", orthanc.trim_end_matches('/')))
            .output()?;
        let reply: Value = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
        match reply["ParentStudy"].as_str() {
            Some(study) => added.push(study.to_string()),
            None => {
                return Err(format!("Orthanc refused study {k}: {}", String::from_utf8_lossy(&output.stdout)).into())
            }
        }
    }
    let result = list_studies(client).await;
    for study in &added {
        let _ = Command::new("curl")
            .args(["-s", "-X", "DELETE"])
            .arg(format!("{}/studies/{study}", orthanc.trim_end_matches('/')))
            .output();
    }
    let _ = std::fs::remove_dir_all(&dir);
    result
}

async fn list_studies(client: &Client) -> Result {
    fresh_page(client).await?;
    click(client, r#"[data-testid="browse-source"][data-source="orthanc"]"#).await?;
    wait_for(client, "the study browser", r#"document.querySelector('[data-testid="search-button"]')"#).await?;
    client
        .execute(
            r#"const select = [...document.querySelectorAll('select')].find(s => [...s.options].some(o => o.value === '100'));
               select.value = '100'; select.dispatchEvent(new Event('change', { bubbles: true }));
               window.__longTasks = []; window.__longTaskSpans = []; window.__searchAt = performance.now();"#,
            vec![],
        )
        .await?;
    click(client, r#"[data-testid="search-button"]"#).await?;
    wait_for(client, "100 study rows", r#"document.querySelectorAll('[data-testid="study-row"]').length === 100"#)
        .await?;
    let listed = client.execute("return performance.now() - window.__searchAt;", vec![]).await?;
    // Next page and back: the rows are replaced twice.
    client.execute("window.__nextAt = performance.now();", vec![]).await?;
    click(client, r#"[data-testid="page-next"]"#).await?;
    wait_for(
        client,
        "the second page",
        r#"document.querySelector('[data-testid="search-status"]').textContent.startsWith('Studies 101')"#,
    )
    .await?;
    let tasks = long_task_spans(client).await?;
    let longest = longest_task(client).await?;
    println!(
        "study browser, 100 studies per page: listed {:.0} ms after Search; longest main-thread task {longest:.0} ms; long tasks [start, ms]: {tasks}",
        listed.as_f64().unwrap_or(f64::NAN)
    );
    Ok(())
}

async fn run(client: &Client) -> Result {
    if wanted("mammo") {
        mammograms(client).await?;
    } else if wanted("shrunk") {
        let dir = temp_dir("mammogram-shrunk");
        let plain = dir.join("mg-4000x5000.dcm");
        std::fs::write(&plain, mammogram_file(4000, 5000)?)?;
        shrunk_for_small_textures(client, &plain).await?;
        let _ = std::fs::remove_dir_all(&dir);
    }
    if wanted("local") {
        local_paths(client).await?;
    }
    if wanted("browser") {
        study_browser(client).await?;
    }
    Ok(())
}

#[tokio::test]
async fn performance_paths() {
    let app = env("APP_URL");
    let client = connect().await;
    let result = run(&client).await;
    let _ = client.close().await;
    if let Err(e) = result {
        panic!("{app}: {e}");
    }
}
