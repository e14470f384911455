//! End to end: drives the Trunk-built viewer in Chromium through ChromeDriver.
//! - sample studies on the start screen load in one click (stacks open on their middle slice);
//! - the 128-slice MR series opened as files and as a ZIP made here: one display set of 128
//!   slices, time to first image and to all slices, longest main-thread task (Long Tasks API),
//!   requestAnimationFrame deltas while scrolling through every slice;
//! - WG04 images (grey, colour, JPEG 2000, multi-frame): canvas pixels equal `render_frame` (±1)
//!   through the viewport's zoom/pan transform, also after a window/level drag;
//! - a length measured on a synthetic image with known Pixel Spacing;
//! - a non-DICOM file is skipped and counted, a damaged one gives one message;
//! - layouts, the series list, the tag browser.
//!
//! Needs APP_URL, WEBDRIVER_URL and CORPUS_URL (scripts/browser-tests.sh sets them up).
//! Prints the measured timings (they are reported, not asserted: speed is measured, not tested).
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};

use dicom_core::{DataElement, PrimitiveValue, Tag, VR};
use dicom_object::meta::FileMetaTableBuilder;
use dicom_object::InMemDicomObject;
use fantoccini::{Client, Locator};
use serde_json::{json, Value};

mod e2e_support;

use e2e_support::*;

async fn samples_load_in_one_click(client: &Client) -> Result {
    fresh_page(client).await?;
    wait_for(client, "the sample list", r#"document.querySelectorAll('[data-testid="sample"]').length >= 2"#).await?;
    client.find(Locator::Css(r#"[data-testid="sample"]"#)).await?.click().await?;
    ready_on_frame(client, 32).await?;
    let name = attribute(client, "data-file-name").await?;
    let list = client.find(Locator::Css(r#"[data-testid="series-list"]"#)).await?.text().await?;
    if !list.contains("CT") {
        return Err(format!("the CT phantom should be listed: {list:?}").into());
    }
    let files = client.execute("return fetch('samples/index.json').then(r => r.json());", vec![]).await?;
    let path = files[0]["files"]
        .as_array()
        .and_then(|f| f.iter().filter_map(Value::as_str).find(|p| p.ends_with(&name)))
        .ok_or_else(|| format!("{name} is not in samples/index.json: {files}"))?
        .to_string();
    let url = format!("{}samples/{path}", env("APP_URL"));
    let result = compare_with_render_frame(client, &url, false).await?;
    println!("sample CT phantom: {result}");
    Ok(())
}

/// Opens the MR series (files or a ZIP), reports timings, scrolls through it and compares pixels.
async fn mr_series(client: &Client, paths: &[PathBuf], label: &str, query: &str) -> Result {
    fresh_page_with(client, query).await?;
    client.execute("window.__expectTotal = 128;", vec![]).await?;
    let start = open_files(client, paths).await?;
    ready_on_frame(client, 64).await?;
    wait_for(client, "all 128 slices loaded", "window.__marks.all !== undefined").await?;
    let marks = client.execute("return window.__marks;", vec![]).await?;
    let first = marks["first"].as_f64().unwrap_or(f64::NAN) - start;
    let all = marks["all"].as_f64().unwrap_or(f64::NAN) - start;
    let pane_total = client
        .execute("return document.querySelector(arguments[0]).parentElement.dataset.total;", vec![json!(VIEWPORT)])
        .await?;
    if pane_total != json!("128") {
        return Err(format!("{label}: the display set should have 128 slices, has {pane_total}").into());
    }
    let sets = client
        .execute(
            r#"return document.querySelectorAll('[data-testid="series-list"] [data-display-set]').length;"#,
            vec![],
        )
        .await?;
    if sets != json!(1) {
        return Err(format!("{label}: expected one display set, the series list has {sets}").into());
    }
    let longest_load = longest_task(client).await?;
    // Scroll through every slice, one per animation frame, timing the frames. Software WebGL on a
    // loaded 2-core machine draws a frame in up to ~450 ms: 128 of them can pass WebDriver's
    // default 30 s script timeout, so this step gets 180 s (a guard, not a measurement).
    client
        .update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
            Some(std::time::Duration::from_secs(180)),
            None,
            None,
        ))
        .await?;
    let deltas = client
        .execute(
            r#"return new Promise(resolve => {
                const canvas = document.querySelector(arguments[0]);
                canvas.focus();
                const deltas = []; let last = performance.now(); let steps = 0;
                const tick = now => {
                    deltas.push(now - last); last = now;
                    if (steps++ >= 127) { resolve(deltas); return; }
                    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
                    requestAnimationFrame(tick);
                };
                requestAnimationFrame(tick);
            });"#,
            vec![json!(VIEWPORT)],
        )
        .await?;
    ready_on_frame(client, 127).await?;
    let mut deltas: Vec<f64> =
        deltas.as_array().map(|a| a.iter().filter_map(Value::as_f64).collect()).unwrap_or_default();
    deltas.sort_by(f64::total_cmp);
    let p95 = deltas.get(deltas.len() * 95 / 100).copied().unwrap_or(f64::NAN);
    let longest_scroll = longest_task(client).await?;
    let renderer = attribute(client, "data-renderer").await?;
    println!(
        "{label} [{renderer}]: first image {first:.0} ms, all 128 slices {all:.0} ms, longest main-thread task {longest_load:.0} ms \
         (incl. scrolling {longest_scroll:.0} ms), scroll rAF delta p95 {p95:.1} ms (max {:.1})",
        deltas.last().copied().unwrap_or(f64::NAN)
    );
    let name = attribute(client, "data-file-name").await?;
    compare_with_render_frame(client, &corpus_url(&format!("mr-series-128/{name}")), true).await?;
    Ok(())
}

fn zip_of(dir: &Path, out: &Path) -> Result {
    let status = std::process::Command::new("zip").arg("-q").arg("-r").arg(out).arg(".").current_dir(dir).status()?;
    if !status.success() {
        return Err(format!("zip failed: {status}").into());
    }
    Ok(())
}

fn element(group: u16, number: u16, vr: VR, value: PrimitiveValue) -> DataElement<InMemDicomObject> {
    DataElement::new(Tag(group, number), vr, value)
}

/// A 200×160 CT-like image with Pixel Spacing 0.5 mm (rows) × 0.25 mm (columns): a known geometry
/// for the length test (non-square pixels on purpose).
fn synthetic_spacing_image(dir: &Path) -> Result<PathBuf> {
    let (rows, columns) = (160u16, 200u16);
    let mut object = InMemDicomObject::new_empty();
    let sop = "2.25.1234567890123456789012345678901";
    object.put(element(0x0008, 0x0016, VR::UI, "1.2.840.10008.5.1.4.1.1.2".into()));
    object.put(element(0x0008, 0x0018, VR::UI, sop.into()));
    object.put(element(0x0008, 0x0060, VR::CS, "CT".into()));
    object.put(element(0x0010, 0x0010, VR::PN, "Synthetic^Ruler".into()));
    object.put(element(0x0020, 0x000D, VR::UI, "2.25.1234567890123456789012345678902".into()));
    object.put(element(0x0020, 0x000E, VR::UI, "2.25.1234567890123456789012345678903".into()));
    object.put(element(0x0028, 0x0002, VR::US, 1u16.into()));
    object.put(element(0x0028, 0x0004, VR::CS, "MONOCHROME2".into()));
    object.put(element(0x0028, 0x0010, VR::US, rows.into()));
    object.put(element(0x0028, 0x0011, VR::US, columns.into()));
    object.put(element(0x0028, 0x0030, VR::DS, "0.5\\0.25".into()));
    object.put(element(0x0028, 0x0100, VR::US, 16u16.into()));
    object.put(element(0x0028, 0x0101, VR::US, 16u16.into()));
    object.put(element(0x0028, 0x0102, VR::US, 15u16.into()));
    object.put(element(0x0028, 0x0103, VR::US, 0u16.into()));
    object.put(element(0x0028, 0x1052, VR::DS, "-1024".into()));
    object.put(element(0x0028, 0x1053, VR::DS, "1".into()));
    let values: Vec<u16> =
        (0..usize::from(rows) * usize::from(columns)).map(|i| 1024 + ((i % 200) as u16) * 4).collect();
    object.put(element(0x7FE0, 0x0010, VR::OW, PrimitiveValue::U16(values.into())));
    let meta = FileMetaTableBuilder::new()
        .media_storage_sop_class_uid("1.2.840.10008.5.1.4.1.1.2")
        .media_storage_sop_instance_uid(sop)
        .transfer_syntax("1.2.840.10008.1.2.1")
        .build()?;
    let path = dir.join("ruler.dcm");
    object.with_exact_meta(meta).write_to_file(&path)?;
    Ok(path)
}

/// WG04 and dcmqi images drawn by WebGL2 (forced, as headless Chromium's GPU is software).
async fn wg04_tools_and_errors(client: &Client) -> Result {
    fresh_page_with(client, "?renderer=webgl2").await?;
    let root = corpus();
    let dir = temp_dir("wg04");
    let ruler = synthetic_spacing_image(&dir)?;
    let text = dir.join("notes.txt");
    std::fs::write(&text, b"Not an image, just notes.\n")?;
    // A DICOM file cut inside its pixel data.
    let damaged = dir.join("damaged.dcm");
    let bytes = std::fs::read(root.join("wg04/REF/MR1_UNC"))?;
    std::fs::write(&damaged, &bytes[..bytes.len() / 2])?;
    let files = [
        root.join("wg04/REF/CT1_UNC"),
        root.join("wg04/REF/US1_UNC"),
        root.join("wg04/J2KI/VL1_J2KI"),
        root.join("dcmqi/segmentations/23x38x3/multiframe/mf.dcm"),
        ruler.clone(),
        text,
        damaged,
    ];
    open_files(client, &files).await?;
    wait_for(client, "the skipped count", r#"(document.querySelector('[data-testid="skipped"]') || {}).textContent"#)
        .await?;
    let skipped = client.find(Locator::Css(r#"[data-testid="skipped"]"#)).await?.text().await?;
    if !skipped.starts_with("1 ") {
        return Err(format!("one non-DICOM file should be skipped: {skipped:?}").into());
    }
    // Every display set with pixels, one after the other: compare with render_frame.
    let items = client
        .execute(
            r#"return [...document.querySelectorAll('[data-testid="series-list"] [data-display-set]')].map(i => i.dataset.displaySet);"#,
            vec![],
        )
        .await?;
    let keys: Vec<String> =
        items.as_array().map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect()).unwrap_or_default();
    if keys.len() != 6 {
        return Err(format!("expected 6 display sets (CT, US, VL, multi-frame, ruler, damaged MR): {items}").into());
    }
    let served = [
        ("CT1_UNC", corpus_url("wg04/REF/CT1_UNC")),
        ("US1_UNC", corpus_url("wg04/REF/US1_UNC")),
        ("VL1_J2KI", corpus_url("wg04/J2KI/VL1_J2KI")),
        ("mf.dcm", corpus_url("dcmqi/segmentations/23x38x3/multiframe/mf.dcm")),
    ];
    let mut compared = 0;
    let mut damaged_shown = false;
    for key in &keys {
        let state = show_display_set(client, key).await?;
        if let Some(message) = state.strip_prefix("error:") {
            // The damaged file: one message naming it and the cause.
            let messages = client
                .execute(
                    r#"return [...document.querySelectorAll('[data-testid="error"]')].map(e => e.textContent);"#,
                    vec![],
                )
                .await?;
            let naming = messages
                .as_array()
                .map_or(0, |a| a.iter().filter(|m| m.as_str().is_some_and(|m| m.contains("damaged.dcm"))).count());
            if !message.contains("damaged.dcm") || naming != 1 {
                return Err(format!("only the damaged file may fail, with one message naming it: {messages}").into());
            }
            damaged_shown = true;
            continue;
        }
        let name = attribute(client, "data-file-name").await?;
        if let Some((_, url)) = served.iter().find(|(n, _)| *n == name) {
            let result = compare_with_render_frame(client, url, false).await?;
            println!("{name}: {result}");
            if result["renderer"] != json!("webgl2") {
                return Err(format!("{name} should be drawn by WebGL2 here: {result}").into());
            }
            compared += 1;
        }
    }
    if compared < 4 || !damaged_shown {
        return Err(format!("compared {compared} of 4 corpus images; damaged file reported: {damaged_shown}").into());
    }

    // Window/level drag on the CT, then pixels against render_frame with that window.
    show_by_file(client, "CT1_UNC", &keys).await?;
    press(client, "w").await?;
    let before = attribute(client, "data-window-width").await?;
    drag(client, (0.0, 0.0), (120.0, -60.0)).await?;
    wait_for(
        client,
        "a new window after the drag",
        &format!("document.querySelector('{VIEWPORT}').dataset.windowWidth !== {}", json!(before)),
    )
    .await?;
    let after = compare_with_render_frame(client, &corpus_url("wg04/REF/CT1_UNC"), true).await?;
    let (w0, w1) = (
        before.parse::<f64>().unwrap_or(0.0),
        after["width"].as_str().and_then(|s| s.parse::<f64>().ok()).unwrap_or(0.0),
    );
    if w1 <= w0 {
        return Err(format!("dragging right should widen the window: {w0} → {w1}").into());
    }

    // Length on the ruler: 160 columns at 0.25 mm = 40 mm horizontally, 60 rows at 0.5 mm = 30 mm.
    show_by_file(client, "ruler.dcm", &keys).await?;
    press(client, "l").await?;
    let from = offset_of_image_point(client, (20.5, 50.5)).await?;
    let to = offset_of_image_point(client, (180.5, 110.5)).await?;
    drag(client, from, to).await?;
    let text = wait_for(
        client,
        "a length measurement",
        r#"(document.querySelector('[data-testid="measurements"]') || {}).textContent"#,
    )
    .await?;
    let text = text.as_str().unwrap_or_default().to_string();
    let value: f64 = text
        .split_whitespace()
        .find_map(|word| word.parse::<f64>().ok())
        .ok_or_else(|| format!("no number in the measurement {text:?}"))?;
    // Pointer positions are whole CSS pixels: allow the image distance one CSS pixel covers.
    let scale = client
        .execute(
            r#"const c = document.querySelector(arguments[0]); const [a] = c.dataset.imageToCanvas.split(',').map(Number);
               return Math.abs(a) / (c.width / c.clientWidth);"#,
            vec![json!(VIEWPORT)],
        )
        .await?
        .as_f64()
        .unwrap_or(1.0);
    let tolerance = 2.0 * 0.5 / scale.max(0.1);
    if !text.contains("mm") || (value - 50.0).abs() > tolerance {
        return Err(format!("expected 50 mm (±{tolerance:.2}), the page says {text:?}").into());
    }
    println!("length on the synthetic ruler: {text:?} (expected 50 mm)");

    // Rectangle ROI about columns 10..=50, rows 10..=30. HU = 4 × column on this image, so the
    // expected statistics follow from the columns whose centres lie between the corners where the
    // pointer really landed (WebDriver rounds pointer positions to whole CSS pixels).
    press(client, "b").await?;
    let from = offset_of_image_point(client, (10.0, 10.0)).await?;
    let to = offset_of_image_point(client, (51.0, 31.0)).await?;
    client
        .execute(
            "window.__pointer = []; const c = document.querySelector(arguments[0]); \
             for (const type of ['pointerdown', 'pointerup']) c.addEventListener(type, e => window.__pointer.push([e.offsetX, e.offsetY]));",
            vec![json!(VIEWPORT)],
        )
        .await?;
    drag(client, from, to).await?;
    let roi = wait_for(
        client,
        "a rectangle ROI",
        r#"(() => { const t = document.querySelector('[data-testid="measurements"]').textContent; return t.includes('Mean') && t; })()"#,
    )
    .await?;
    let roi = roi.as_str().unwrap_or_default().to_string();
    let landed = client
        .execute(
            r#"const c = document.querySelector(arguments[0]);
               const [a, b, cc, d, e, f] = c.dataset.imageToCanvas.split(',').map(Number);
               const scale = c.width / c.clientWidth, det = a * d - b * cc;
               return window.__pointer.map(([x, y]) => { x *= scale; y *= scale;
                   return [(d * (x - e) - cc * (y - f)) / det, (-b * (x - e) + a * (y - f)) / det]; });"#,
            vec![json!(VIEWPORT)],
        )
        .await?;
    let column = |i: usize| landed[i][0].as_f64().unwrap_or(f64::NAN);
    let (left, right) = (column(0).min(column(1)), column(0).max(column(1)));
    let columns: Vec<f64> = (0..200).map(f64::from).filter(|c| c + 0.5 >= left && c + 0.5 <= right).collect();
    let values: Vec<f64> = columns.iter().map(|c| 4.0 * c).collect();
    let mean = values.iter().sum::<f64>() / values.len().max(1) as f64;
    let sd = (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / values.len().max(1) as f64).sqrt();
    let expected = format!(
        "Mean {mean:.1} HU ± {sd:.1}, min {}, max {}",
        values.first().copied().unwrap_or(f64::NAN),
        values.last().copied().unwrap_or(f64::NAN)
    );
    if values.len() < 35 || !roi.contains(&expected) {
        return Err(
            format!("expected {expected:?} (pointer landed at columns {left:.2}..{right:.2}) in {roi:?}").into()
        );
    }
    println!("rectangle ROI on the synthetic ruler: {roi:?}");

    // Layout 2×2 and the tag browser.
    // The layouts are in the top bar's layout menu.
    client.find(Locator::Css(r#"[data-testid="menu-layout"]"#)).await?.click().await?;
    client.find(Locator::Css(r#"button[aria-label="Layout 2×2"]"#)).await?.click().await?;
    wait_for(client, "four viewports", r#"document.querySelectorAll('[data-testid="viewport"]').length === 4"#).await?;
    press(client, "t").await?;
    wait_for(client, "the tag browser", r#"!!document.querySelector('[data-testid="tag-browser"]')"#).await?;
    let tags = client.find(Locator::Css(r#"[data-testid="tag-browser"]"#)).await?.text().await?;
    if !tags.contains("PatientName") {
        return Err(format!("the tag browser should list PatientName: {:?}", &tags[..tags.len().min(300)]).into());
    }
    client.find(Locator::Css(r#"[data-testid="tag-search"]"#)).await?.send_keys("PixelSpacing").await?;
    let found = wait_for(
        client,
        "the tag search result",
        r#"(() => { const t = document.querySelector('[data-testid="tag-browser"]').innerText;
                    return t.includes('0.5\\0.25') && !t.includes('PatientName'); })()"#,
    )
    .await;
    if let Err(e) = found {
        return Err(format!("searching PixelSpacing should show 0.5\\0.25 and hide other tags: {e}").into());
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// Clicks a display set in the series list and waits until viewport 0 shows it: "ready", or
/// "error:" and the viewport's message.
async fn show_display_set(client: &Client, key: &str) -> Result<String> {
    client
        .execute("document.querySelector(`[data-display-set=\"${arguments[0]}\"]`).click();", vec![json!(key)])
        .await?;
    let state = wait_for(
        client,
        &format!("display set {key}"),
        &format!(
            "(() => {{ const c = document.querySelector('{VIEWPORT}'); \
               const e = c.parentElement.querySelector('[data-testid=\"error\"]'); \
               if (e) return 'error:' + e.textContent; \
               return c.dataset.ready === 'true' && !!c.dataset.fileName && 'ready'; }})()"
        ),
    )
    .await?;
    Ok(state.as_str().unwrap_or_default().to_string())
}

async fn show_by_file(client: &Client, name: &str, keys: &[String]) -> Result {
    for key in keys {
        if show_display_set(client, key).await? == "ready" && attribute(client, "data-file-name").await? == name {
            return Ok(());
        }
    }
    Err(format!("no display set shows {name}").into())
}

/// A folder with a DICOMDIR (made by dcmmkdir) over 5 MR slices in a subfolder, and a text file,
/// opened with the folder picker: one display set of 5 slices, one file skipped.
async fn folder_with_dicomdir(client: &Client) -> Result {
    fresh_page(client).await?;
    let dir = temp_dir("folder");
    std::fs::create_dir_all(dir.join("SUB"))?;
    let names: Vec<String> = (1..=5).map(|i| format!("IMG{i:05}")).collect();
    for (i, name) in names.iter().enumerate() {
        std::fs::copy(corpus().join(format!("mr-series-128/slice{}.dcm", i * 10)), dir.join("SUB").join(name))?;
    }
    std::fs::write(dir.join("README.TXT"), b"Five slices.\n")?;
    let status = std::process::Command::new("dcmmkdir")
        .current_dir(&dir)
        .args(["-q", "+I"])
        .args(names.iter().map(|n| format!("SUB/{n}")))
        .status()?;
    if !status.success() {
        return Err(format!("dcmmkdir failed: {status}").into());
    }
    client.execute("window.__expectTotal = 5;", vec![]).await?;
    let input = client.find(Locator::Css(r#"[data-testid="open-folder"]"#)).await?;
    input.send_keys(&dir.display().to_string()).await?;
    ready_on_frame(client, 2).await?;
    wait_for(client, "5 slices loaded", "window.__marks.all !== undefined").await?;
    let skipped = wait_for(
        client,
        "the skipped count",
        r#"(document.querySelector('[data-testid="skipped"]') || {}).textContent"#,
    )
    .await?;
    if !skipped.as_str().is_some_and(|s| s.starts_with("1 ")) {
        return Err(format!("README.TXT should be the one skipped file: {skipped}").into());
    }
    let errors = client.execute(r#"return document.querySelectorAll('[data-testid="error"]').length;"#, vec![]).await?;
    if errors != json!(0) {
        return Err(format!("a DICOMDIR folder should open without messages ({errors})").into());
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

async fn expect_renderer(client: &Client, expected: &str) -> Result {
    let renderer = attribute(client, "data-renderer").await?;
    if renderer != expected {
        return Err(format!("the viewport should draw with {expected}, drew with {renderer:?}").into());
    }
    Ok(())
}

async fn run(client: &Client) -> Result {
    samples_load_in_one_click(client).await?;
    let series = corpus().join("mr-series-128");
    let mut slices: Vec<PathBuf> = std::fs::read_dir(&series)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "dcm"))
        .collect();
    slices.sort();
    if slices.len() != 128 {
        return Err(format!("{} has {} slices, expected 128", series.display(), slices.len()).into());
    }
    mr_series(client, &slices, "MR 128 slices as files", "").await?;
    mr_series(client, &slices, "MR 128 slices as files, WebGL2 forced", "?renderer=webgl2").await?;
    expect_renderer(client, "webgl2").await?;
    mr_series(client, &slices, "MR 128 slices as files, Canvas2D forced", "?renderer=canvas2d").await?;
    expect_renderer(client, "canvas2d").await?;
    let dir = temp_dir("zip");
    let archive = dir.join("mr-series-128.zip");
    zip_of(&series, &archive)?;
    mr_series(client, &[archive], "MR 128 slices as a ZIP", "").await?;
    let _ = std::fs::remove_dir_all(&dir);
    folder_with_dicomdir(client).await?;
    wg04_tools_and_errors(client).await?;
    Ok(())
}

#[tokio::test]
async fn viewer_end_to_end() {
    let (app, _) = (env("APP_URL"), env("CORPUS_URL"));
    let client = connect().await;
    let result = run(&client).await;
    let _ = client.close().await;
    if let Err(e) = result {
        panic!("{app}: {e}");
    }
}
