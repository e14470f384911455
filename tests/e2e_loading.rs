//! End to end: what is loaded first, where a stack opens, how it is windowed, and what the user
//! is told about files that cannot be shown (issue 10: bulk data, §3 items 2, 3, 6, 7, 10).
//! - the CT sample: its middle slice is drawn before all 64 files are fetched (Resource Timing:
//!   files whose response ended before the first draw), and it opens on the middle slice;
//! - a second sample opened while the first is shown replaces it in the viewport;
//! - the 128-slice MR series (no stored window) opens on slice 64 and keeps one window on the
//!   first, middle and last slices;
//! - a file cut in its header gets exactly one message; a zero-byte file is called empty; skipped
//!   files are named; a damaged copy of an instance loaded intact too gives way to the intact one,
//!   with one message naming both;
//! - DICOMweb: a series generated here whose slices carry three private OB attributes, uploaded
//!   to the test Orthanc, opens without one bulk-data request (counted in nginx's access log);
//!   a PALETTE COLOR image still gets its palette data.
//!
//! Needs APP_URL, WEBDRIVER_URL, CORPUS_URL, ORTHANC_URL and DICOMWEB_STATE_DIR
//! (scripts/browser-tests.sh sets them up). Screenshots go to $E2E_SCREENSHOTS (default: a
//! temporary folder, printed).
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};

use dicom_core::{DataElement, PrimitiveValue, Tag, VR};
use dicom_dictionary_std::tags;
use dicom_object::open_file;
use fantoccini::Client;
use serde_json::{json, Value};

mod e2e_support;

use e2e_support::*;

fn screenshots() -> PathBuf {
    let dir = std::env::var("E2E_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| std::env::temp_dir().join("e2e-loading-screenshots"));
    let _ = std::fs::create_dir_all(&dir);
    dir
}

/// Saves a screenshot at the desktop size and at a phone's (390×844), then restores the window.
async fn screenshot(client: &Client, name: &str) -> Result {
    let dir = screenshots();
    std::fs::write(dir.join(format!("{name}-desktop.png")), client.screenshot().await?)?;
    client.set_window_size(390, 844).await?;
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    std::fs::write(dir.join(format!("{name}-phone.png")), client.screenshot().await?)?;
    client.set_window_size(1400, 1000).await?;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    println!("screenshots: {}/{name}-{{desktop,phone}}.png", dir.display());
    Ok(())
}

async fn messages(client: &Client) -> Result<Vec<String>> {
    let value = client
        .execute(r#"return [...document.querySelectorAll('[data-testid="error"]')].map(e => e.textContent);"#, vec![])
        .await?;
    Ok(value.as_array().map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect()).unwrap_or_default())
}

/// Items 7, 2 and 6: the CT sample draws its middle slice before all files are fetched and opens
/// on it; the colour chart opened next replaces it.
async fn samples(client: &Client) -> Result {
    fresh_page(client).await?;
    wait_for(client, "the sample list", r#"document.querySelectorAll('[data-testid="sample"]').length >= 2"#).await?;
    let list = client.execute("return fetch('samples/index.json').then(r => r.json());", vec![]).await?;
    let ct_files = list[0]["files"].as_array().map_or(0, Vec::len);
    let start = client
        .execute(
            r#"performance.setResourceTimingBufferSize(10000); performance.clearResourceTimings();
               const t = performance.now(); document.querySelectorAll('[data-testid="sample"]')[0].click(); return t;"#,
            vec![],
        )
        .await?
        .as_f64()
        .unwrap_or(0.0);
    wait_for(
        client,
        "the CT sample drawn",
        &format!("(c => c && c.dataset.ready === 'true')(document.querySelector('{VIEWPORT}'))"),
    )
    .await?;
    wait_for(
        client,
        "every CT file fetched and opened",
        &format!("(c => c && c.parentElement.dataset.total === '{ct_files}')(document.querySelector('{VIEWPORT}'))"),
    )
    .await?;
    let timing = client
        .execute(
            r#"const first = Number(document.querySelector(arguments[0]).dataset.firstDrawnAt);
               const files = performance.getEntriesByType('resource').filter(e => /\/samples\/.+\.dcm$/.test(e.name));
               return { first, fetched: files.length, before: files.filter(e => e.responseEnd <= first).length,
                        last: Math.max(...files.map(e => e.responseEnd)) };"#,
            vec![json!(VIEWPORT)],
        )
        .await?;
    let first = timing["first"].as_f64().unwrap_or(f64::NAN) - start;
    let last = timing["last"].as_f64().unwrap_or(f64::NAN) - start;
    let before = timing["before"].as_u64().unwrap_or(u64::MAX);
    println!(
        "CT sample: first image {first:.0} ms after the click, {before} of {} files fetched by then, \
         all {} fetched at {last:.0} ms",
        timing["fetched"], ct_files
    );
    let mut failures = Vec::new();
    if before as usize >= ct_files || timing["fetched"].as_u64() != Some(ct_files as u64) {
        failures
            .push(format!("item 7: the first image should be drawn before all {ct_files} files are fetched: {timing}"));
    }
    let middle = (ct_files / 2) as u32;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let frame = attribute(client, "data-frame").await?;
    println!("CT sample shown on slice index {frame} of {ct_files}");
    if frame != middle.to_string() {
        failures.push(format!("item 2: the CT should open on its middle slice {middle}, shows {frame}"));
    }
    screenshot(client, "ct-sample-middle").await?;

    // A second sample while the first is shown: the viewport shows it.
    let ct_file = attribute(client, "data-file-name").await?;
    click(client, r#"[data-testid="open-datasets"]"#).await?;
    wait_for(client, "the sample list again", r#"document.querySelectorAll('[data-testid="sample"]').length >= 2"#)
        .await?;
    client.execute(r#"document.querySelectorAll('[data-testid="sample"]')[1].click();"#, vec![]).await?;
    let second = wait_for(
        client,
        "the second sample in the viewport",
        &format!(
            "(() => {{ const c = document.querySelector('{VIEWPORT}'); return c && c.dataset.ready === 'true' \
               && c.dataset.fileName !== {} && c.dataset.fileName; }})()",
            json!(ct_file)
        ),
    )
    .await;
    screenshot(client, "second-sample").await?;
    match second {
        Ok(second) => println!("second sample shown: {second} (was {ct_file})"),
        Err(e) => failures.push(format!("item 6: the second sample should replace {ct_file} in the viewport: {e}")),
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("; ").into())
    }
}

async fn window_of(client: &Client) -> Result<(String, String)> {
    Ok((attribute(client, "data-window-center").await?, attribute(client, "data-window-width").await?))
}

/// Items 2 and 3: the MR series (no stored window) opens on its middle slice and keeps one
/// window from the first to the last slice.
async fn mr_series_window(client: &Client) -> Result {
    fresh_page(client).await?;
    let series = corpus().join("mr-series-128");
    let mut slices: Vec<PathBuf> = std::fs::read_dir(&series)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "dcm"))
        .collect();
    slices.sort();
    client.execute("window.__expectTotal = 128;", vec![]).await?;
    open_files(client, &slices).await?;
    wait_for(client, "all 128 slices loaded", "window.__marks.all !== undefined").await?;
    wait_for(client, "the MR drawn", &format!("document.querySelector('{VIEWPORT}').dataset.ready === 'true'")).await?;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let opened = attribute(client, "data-frame").await?;
    let opened_window = window_of(client).await?;
    screenshot(client, "mr-opened").await?;
    let mut failures = Vec::new();
    if opened != "64" {
        failures.push(format!("item 2: the MR series should open on its middle slice 64, opened on {opened}"));
    }
    // The default is the middle slice's own min/max (not that of a slice drawn before the rest
    // of the series arrived).
    if opened == "64" {
        let name = attribute(client, "data-file-name").await?;
        if let Err(e) = compare_with_render_frame(client, &corpus_url(&format!("mr-series-128/{name}")), false).await {
            failures.push(format!("item 3: the middle slice should have its own default window: {e}"));
        }
    }
    press(client, "Home").await?;
    ready_on_frame(client, 0).await?;
    let first = window_of(client).await?;
    press(client, "End").await?;
    ready_on_frame(client, 127).await?;
    let last = window_of(client).await?;
    client
        .execute(
            "const s = document.querySelector('.slice-slider'); s.value = '64'; s.dispatchEvent(new Event('input', { bubbles: true }));",
            vec![],
        )
        .await?;
    ready_on_frame(client, 64).await?;
    let middle = window_of(client).await?;
    println!(
        "MR opened on slice index {opened}; window (center, width): opened {opened_window:?}, slice 1 {first:?}, \
         slice 65 {middle:?}, slice 128 {last:?}"
    );
    if first != opened_window || last != opened_window || middle != opened_window || first.0.is_empty() {
        failures.push(format!(
            "item 3: one window for the whole series: opened {opened_window:?}, slice 1 {first:?}, slice 65 {middle:?}, \
             slice 128 {last:?}"
        ));
    }
    if !failures.is_empty() {
        return Err(failures.join("; ").into());
    }
    // The slice is drawn with that window exactly (render_frame with the same explicit window).
    let name = attribute(client, "data-file-name").await?;
    compare_with_render_frame(client, &corpus_url(&format!("mr-series-128/{name}")), true).await?;
    Ok(())
}

/// Item 10: one message per problem, naming the file; skipped files named; the intact copy of
/// an instance shown when another copy is damaged.
async fn errors(client: &Client) -> Result {
    let dir = temp_dir("loading-errors");
    let slice = std::fs::read(corpus().join("mr-series-128/slice10.dcm"))?;
    // Cut inside the header (after the preamble and "DICM").
    let cut = dir.join("cut-header.dcm");
    std::fs::write(&cut, slice.get(..300).ok_or("short corpus file")?)?;
    fresh_page(client).await?;
    open_files(client, std::slice::from_ref(&cut)).await?;
    wait_for(client, "a message", r#"document.querySelectorAll('[data-testid="error"]').length > 0"#).await?;
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    let shown = messages(client).await?;
    println!("a file cut in its header: {shown:?}");
    screenshot(client, "cut-header").await?;
    let mut failures = Vec::new();
    if shown.len() != 1 || !shown[0].contains("cut-header.dcm") {
        failures.push(format!("a truncated file should get exactly one message naming it: {shown:?}"));
    }

    // A zero-byte file and a text file.
    let empty = dir.join("empty.dcm");
    std::fs::write(&empty, b"")?;
    let notes = dir.join("notes.txt");
    std::fs::write(&notes, b"not an image\n")?;
    fresh_page(client).await?;
    open_files(client, &[empty, notes]).await?;
    let skipped = wait_for(
        client,
        "the skipped files",
        r#"(document.querySelector('[data-testid="skipped"]') || {}).textContent"#,
    )
    .await?;
    wait_for(client, "a message", r#"document.querySelectorAll('[data-testid="error"]').length > 0"#).await?;
    let shown = messages(client).await?;
    println!("empty file and a text file: skipped {skipped}, messages {shown:?}");
    screenshot(client, "empty-and-skipped").await?;
    if !skipped.as_str().is_some_and(|s| s.contains("notes.txt")) {
        failures.push(format!("the skipped file should be named: {skipped}"));
    }
    if !shown.iter().any(|m| m.contains("empty.dcm is empty")) {
        failures.push(format!("the zero-byte file should be called empty: {shown:?}"));
    }

    // A damaged copy (cut inside the pixel data) listed before the intact file.
    let damaged = dir.join("a-damaged-copy.dcm");
    std::fs::write(&damaged, slice.get(..slice.len() - 5000).ok_or("short corpus file")?)?;
    let intact = dir.join("b-intact.dcm");
    std::fs::write(&intact, &slice)?;
    fresh_page(client).await?;
    open_files(client, &[damaged, intact]).await?;
    let state = wait_for(
        client,
        "the intact copy shown, or a message in the viewport",
        &format!(
            "(() => {{ const c = document.querySelector('{VIEWPORT}'); if (!c) return false; \
               const e = c.parentElement.querySelector('[data-testid=\"error\"]'); if (e) return 'error:' + e.textContent; \
               return c.dataset.ready === 'true' && c.dataset.fileName; }})()"
        ),
    )
    .await?;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let shown = messages(client).await?;
    println!("damaged and intact copies: viewport {state}, messages {shown:?}");
    screenshot(client, "damaged-copy").await?;
    if state != json!("b-intact.dcm") {
        failures.push(format!("the intact copy should be shown: {state}"));
    } else {
        compare_with_render_frame(client, &corpus_url("mr-series-128/slice10.dcm"), false).await?;
    }
    if shown.len() != 1 || !(shown[0].contains("a-damaged-copy.dcm") && shown[0].contains("b-intact.dcm")) {
        failures.push(format!("one message should name the damaged and the intact copy: {shown:?}"));
    }
    let _ = std::fs::remove_dir_all(&dir);
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("; ").into())
    }
}

/// A copy of `count` MR slices as a new study and series whose slices carry a private creator
/// and three private OB attributes of 4 KiB each (what makes Orthanc list BulkDataURIs).
fn private_tag_series(dir: &Path, count: usize) -> Result<(String, String, Vec<PathBuf>)> {
    let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_millis();
    let root = format!("2.25.{}{}", stamp, std::process::id());
    let (study, series) = (format!("{root}.1"), format!("{root}.2"));
    let mut out = Vec::new();
    for index in 0..count {
        let mut object = open_file(corpus().join(format!("mr-series-128/slice{}.dcm", index * 4)))?;
        let instance = format!("{root}.3.{index}");
        object.put(DataElement::new(tags::STUDY_INSTANCE_UID, VR::UI, PrimitiveValue::from(study.as_str())));
        object.put(DataElement::new(tags::SERIES_INSTANCE_UID, VR::UI, PrimitiveValue::from(series.as_str())));
        object.put(DataElement::new(tags::SOP_INSTANCE_UID, VR::UI, PrimitiveValue::from(instance.as_str())));
        object.put(DataElement::new(tags::SERIES_DESCRIPTION, VR::LO, PrimitiveValue::from("private bulk data")));
        object.put(DataElement::new(Tag(0x0009, 0x0010), VR::LO, PrimitiveValue::from("E2E LOADING")));
        for element in 0x10..0x13u16 {
            let bytes: Vec<u8> = (0..4096u32).map(|i| (i * 7 + u32::from(element)) as u8).collect();
            object.put(DataElement::new(Tag(0x0009, 0x1000 | element), VR::OB, PrimitiveValue::from(bytes)));
        }
        object.update_meta(|meta| meta.media_storage_sop_instance_uid = instance.clone());
        let path = dir.join(format!("private{index:03}.dcm"));
        object.write_to_file(&path)?;
        out.push(path);
    }
    Ok((study, series, out))
}

fn upload(path: &Path) -> Result {
    let status = std::process::Command::new("curl")
        .args(["-sf", "-o", "/dev/null", "--max-time", "60", "--data-binary"])
        .arg(format!("@{}", path.display()))
        .arg(format!("{}/instances", env("ORTHANC_URL").trim_end_matches('/')))
        .status()?;
    if !status.success() {
        return Err(format!("uploading {} to Orthanc failed: {status}", path.display()).into());
    }
    Ok(())
}

/// Requests nginx logged whose URI contains `needle`: (all, bulk data).
fn logged_requests(needle: &str) -> Result<(usize, usize)> {
    let log = std::fs::read_to_string(Path::new(&env("DICOMWEB_STATE_DIR")).join("nginx-access.log"))?;
    let lines: Vec<&str> = log.lines().filter(|l| l.contains(needle) && !l.contains(" OPTIONS ")).collect();
    Ok((lines.len(), lines.iter().filter(|l| l.contains("/bulk")).count()))
}

/// How many BulkDataURIs Orthanc's metadata of `series` lists (the test needs some).
fn bulk_uris_in_metadata(study: &str, series: &str) -> Result<usize> {
    let url =
        format!("{}/dicom-web/studies/{study}/series/{series}/metadata", env("ORTHANC_URL").trim_end_matches('/'));
    let output = std::process::Command::new("curl").args(["-sf", "--max-time", "60", &url]).output()?;
    let body: Value = serde_json::from_slice(&output.stdout)?;
    Ok(body.to_string().matches("BulkDataURI").count())
}

/// Opens a deep link and waits until `frames` frames are loaded (or a message).
async fn open_link(client: &Client, source: &str, study: &str, series: &str, frames: usize) -> Result<Value> {
    fresh_page_with(client, &format!("?datasource={source}&StudyInstanceUIDs={study}&SeriesInstanceUIDs={series}"))
        .await?;
    wait_for(
        client,
        "the linked series drawn",
        &format!(
            "(() => {{ const c = document.querySelector('{VIEWPORT}'); if (!c) return false; \
               const e = document.querySelector('[data-testid=\"error\"]'); if (e) return 'error:' + e.textContent; \
               const p = c.parentElement; \
               return c.dataset.ready === 'true' && p.dataset.total === '{frames}' && p.dataset.loaded === p.dataset.total && 'ready'; }})()"
        ),
    )
    .await
}

/// Issue 10 §1: private bulk data is never fetched; palette data is.
async fn bulk_data(client: &Client) -> Result {
    let dir = temp_dir("loading-bulk");
    let count = 16;
    let (study, series, files) = private_tag_series(&dir, count)?;
    for file in &files {
        upload(file)?;
    }
    let listed = bulk_uris_in_metadata(&study, &series)?;
    println!(
        "Orthanc lists {listed} BulkDataURIs in the metadata of the {count}-slice series with private OB attributes"
    );
    if listed < 3 * count {
        return Err(
            format!("the test series should carry BulkDataURIs for its private attributes, has {listed}").into()
        );
    }
    let state = open_link(client, "orthanc", &study, &series, count).await?;
    // Requests still on their way when the last frame arrived have been logged by now.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let (requests, bulk) = logged_requests(&series)?;
    println!("{count} slices with 3 private OB attributes each: {requests} requests for the series, {bulk} bulk data requests");
    screenshot(client, "private-bulk-series").await?;
    if state != json!("ready") {
        return Err(format!("the series should be shown: {state}").into());
    }
    if bulk != 0 {
        return Err(format!("no bulk data request expected for private attributes, saw {bulk} (of {requests})").into());
    }

    // A PALETTE COLOR image: its palette data still comes (when Orthanc gives it by URI).
    let palette = corpus().join("derived/us-multiframe/weasis/palette-multiframe-jpeg-ls.dcm");
    upload(&palette)?;
    let object = open_file(&palette)?;
    let uid =
        |tag| object.element(tag).ok().and_then(|e| e.to_str().ok()).map(|s| s.trim_end_matches('\0').to_string());
    let (Some(palette_study), Some(palette_series)) = (uid(tags::STUDY_INSTANCE_UID), uid(tags::SERIES_INSTANCE_UID))
    else {
        return Err("the palette file has no study or series UID".into());
    };
    let listed = bulk_uris_in_metadata(&palette_study, &palette_series)?;
    let (_, bulk_before) = logged_requests(&palette_series)?;
    let frames = object.element(tags::NUMBER_OF_FRAMES).ok().and_then(|e| e.to_int::<usize>().ok()).unwrap_or(1);
    let state = open_link(client, "orthanc", &palette_study, &palette_series, frames).await?;
    let (requests, bulk) = logged_requests(&palette_series)?;
    let bulk = bulk - bulk_before;
    println!(
        "palette image: {listed} BulkDataURIs listed, {bulk} bulk data requests ({requests} requests in all); {state}"
    );
    screenshot(client, "palette-image").await?;
    if state != json!("ready") {
        return Err(format!("the palette image should be shown: {state}").into());
    }
    // Orthanc lists the pixel data too; every other URI it lists here is palette data.
    if listed > 1 && bulk == 0 {
        return Err("the palette data should be fetched by its BulkDataURI".into());
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// Runs every part (or those named in E2E_LOADING_ONLY, comma-separated), reporting each failure.
async fn run(client: &Client) -> Result {
    let only = std::env::var("E2E_LOADING_ONLY").unwrap_or_default();
    let wanted = |name: &str| only.is_empty() || only.split(',').any(|n| n == name);
    let mut failures = Vec::new();
    if wanted("samples") {
        if let Err(e) = samples(client).await {
            failures.push(format!("samples: {e}"));
        }
    }
    if wanted("window") {
        if let Err(e) = mr_series_window(client).await {
            failures.push(format!("window: {e}"));
        }
    }
    if wanted("errors") {
        if let Err(e) = errors(client).await {
            failures.push(format!("errors: {e}"));
        }
    }
    if wanted("bulk") {
        if let Err(e) = bulk_data(client).await {
            failures.push(format!("bulk: {e}"));
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n").into())
    }
}

#[tokio::test]
async fn loading_end_to_end() {
    let (app, _) = (env("APP_URL"), env("CORPUS_URL"));
    let client = connect().await;
    let result = run(&client).await;
    let _ = client.close().await;
    if let Err(e) = result {
        panic!("{app}: {e}");
    }
}
