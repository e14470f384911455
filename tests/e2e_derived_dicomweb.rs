//! Derived objects over DICOMweb, end to end (issue 12), against the test Orthanc
//! (scripts/dicomweb-servers.sh uploads the corpus: dcmqi's 3-slice CT with its liver and
//! partial-overlaps SEGs in one study). The test adds an SR written by highdicom over that CT
//! (scripts/derived-objects.py) and then:
//! - opens the study by deep link: the SEGs and the SR are offered on the CT series
//!   (`derived-item`), the series panel lists only the CT as images, and no SEG instance is
//!   fetched before it is chosen;
//! - clicks the liver SEG: one WADO-RS instance retrieve for it, its state becomes `shown`,
//!   the Segments tab opens and the viewport draws its layer (`data-layer-pixels` > 0);
//! - opens a link naming only the SEG's series: the SEG says which series it needs (the CT's
//!   description), nothing of the CT is read until Fetch, then the CT is shown with the SEG.
//!
//! Screenshots (desktop 1400×1000 and phone 390×844) go to `$DERIVED_SCREENS` (default
//! `target/derived-screens`). Needs the variables scripts/browser-tests.sh exports.
#![cfg(not(target_arch = "wasm32"))]

mod e2e_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use e2e_support::*;
use fantoccini::Client;
use serde_json::{json, Value};

fn ct_files() -> Vec<PathBuf> {
    let dir = corpus().join("dcmqi/segmentations/ct-3slice");
    ["01.dcm", "02.dcm", "03.dcm"].iter().map(|f| dir.join(f)).collect()
}

/// A top-level attribute's value, as dcmdump prints it.
fn top_level(path: &Path, tag: &str) -> String {
    let out = Command::new("dcmdump").args(["-q", "+L"]).arg(path).output().expect("dcmdump (dcmtk)");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find(|line| line.to_ascii_lowercase().starts_with(&format!("({})", tag.to_ascii_lowercase())))
        .and_then(|line| Some(line.split_once('[')?.1.split_once(']')?.0.trim().to_string()))
        .unwrap_or_else(|| panic!("{} has no {tag}", path.display()))
}

fn screens() -> PathBuf {
    let dir = std::env::var("DERIVED_SCREENS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/derived-screens"));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}

async fn screenshot(client: &Client, name: &str) -> Result {
    let png = client.screenshot().await?;
    let path = screens().join(format!("{name}.png"));
    std::fs::write(&path, png)?;
    println!("screenshot {}", path.display());
    Ok(())
}

/// Writes the SR over the CT with highdicom and stores it in Orthanc; returns its SOP UID.
fn upload_report() -> Result<String> {
    let dir = temp_dir("derived-dicomweb");
    let sr = dir.join("sr.dcm");
    let python = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".tools/py/bin/python");
    let out = Command::new(python)
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/derived-objects.py"))
        .arg("sr")
        .arg(&sr)
        .args(ct_files())
        .output()?;
    if !out.status.success() {
        return Err(format!("derived-objects.py: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    let stored = Command::new("curl")
        .args(["-sf", "--max-time", "60", "--data-binary"])
        .arg(format!("@{}", sr.display()))
        .arg(format!("{}/instances", env("ORTHANC_URL")))
        .output()?;
    if !stored.status.success() {
        return Err(format!("uploading the SR to Orthanc failed: {}", String::from_utf8_lossy(&stored.stderr)).into());
    }
    Ok(top_level(&sr, "0008,0018"))
}

/// Resource Timing entries whose URL contains `text`.
async fn requests_with(client: &Client, text: &str) -> Result<Vec<String>> {
    let value = client
        .execute(
            "return performance.getEntriesByType('resource').map(e => e.name).filter(n => n.includes(arguments[0]));",
            vec![json!(text)],
        )
        .await?;
    Ok(value.as_array().map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect()).unwrap_or_default())
}

/// `[kind, state, text]` of every derived item in the series panel.
async fn derived_items(client: &Client) -> Result<Value> {
    Ok(client
        .execute(
            r#"return [...document.querySelectorAll('[data-testid="series-list"] [data-testid="derived-item"]')]
                .map(e => [e.dataset.derivedKind, e.dataset.state, e.textContent]);"#,
            vec![],
        )
        .await?)
}

/// Clicks the derived item whose text contains `label`.
async fn click_derived(client: &Client, label: &str) -> Result {
    let found = client
        .execute(
            r#"const item = [...document.querySelectorAll('[data-testid="series-list"] button[data-testid="derived-item"]')]
                .find(e => e.textContent.includes(arguments[0]));
               if (!item) return false; item.click(); return true;"#,
            vec![json!(label)],
        )
        .await?;
    if found != Value::Bool(true) {
        return Err(format!("no derived item {label:?}: {}", derived_items(client).await?).into());
    }
    Ok(())
}

fn layer_pixels_expression() -> String {
    format!(
        "(() => {{ const c = document.querySelector({}); const n = c && c.dataset.ready === 'true' ? Number(c.dataset.layerPixels || 0) : 0; return n > 0 ? n : false; }})()",
        json!(VIEWPORT)
    )
}

async fn run(client: &Client) -> Result {
    let ct = ct_files();
    let study = top_level(&ct[0], "0020,000d");
    let ct_series = top_level(&ct[0], "0020,000e");
    let ct_description = top_level(&ct[0], "0008,103e");
    let liver = corpus().join("dcmqi/segmentations/liver.dcm");
    let seg_uid = top_level(&liver, "0008,0018");
    let seg_series = top_level(&liver, "0020,000e");
    let seg_label = top_level(&liver, "0008,103e");
    let sr_uid = upload_report()?;

    // 1. The study by deep link: SEGs and SR on the CT, the CT the only image series.
    fresh_page_with(client, &format!("?datasource=orthanc&StudyInstanceUIDs={study}")).await?;
    ready_on_frame(client, 1).await?;
    wait_for(
        client,
        "two SEGs and an SR on the CT",
        r#"(() => { const k = [...document.querySelectorAll('[data-testid="derived-item"]')].map(e => e.dataset.derivedKind).sort().join(',');
                   return k === 'seg,seg,sr' ? k : false; })()"#,
    )
    .await?;
    let items = derived_items(client).await?;
    println!("derived items on the CT: {items}");
    let image_rows = client
        .execute("return document.querySelectorAll('[data-testid=\"series-list\"] .series-item').length;", vec![])
        .await?;
    if image_rows != json!(1) {
        return Err(format!("the series panel should list only the CT as images, lists {image_rows} rows").into());
    }
    if !items.to_string().contains("Imaging Measurement Report") {
        return Err(format!("the SR should be labelled with its title: {items}").into());
    }
    for uid in [&seg_uid, &sr_uid] {
        let early = requests_with(client, uid).await?;
        if !early.is_empty() {
            return Err(format!("instance {uid} was fetched before it was chosen: {early:?}").into());
        }
    }
    screenshot(client, "study-desktop").await?;

    // 2. The liver SEG chosen: one instance retrieve, shown, drawn.
    click_derived(client, &seg_label).await?;
    let state = wait_for(
        client,
        "the SEG shown (or failed)",
        r#"(() => { const e = [...document.querySelectorAll('button[data-testid="derived-item"][data-derived-kind="seg"]')]
                    .find(e => e.dataset.state === 'shown' || e.dataset.state === 'failed');
                   return e ? e.dataset.state + ':' + e.title : false; })()"#,
    )
    .await?;
    if !state.as_str().is_some_and(|s| s.starts_with("shown")) {
        return Err(format!("the SEG did not load: {state}").into());
    }
    let fetched = requests_with(client, &seg_uid).await?;
    println!("requests for the SEG instance: {fetched:?}");
    if fetched.len() != 1 || !fetched[0].ends_with(&format!("/instances/{seg_uid}")) {
        return Err(format!("the SEG should come in one instance retrieve, got {fetched:?}").into());
    }
    let pixels = wait_for(client, "the SEG layer drawn", &layer_pixels_expression()).await?;
    println!("SEG over the CT: data-layer-pixels = {pixels}");
    wait_for(client, "the Segments tab", r#"document.querySelector('[data-testid="derived-tab-segments"]')"#).await?;
    screenshot(client, "seg-shown-desktop").await?;

    // 3. A link naming only the SEG's series: it names the CT, which is read only on Fetch.
    fresh_page_with(client, &format!("?datasource=orthanc&StudyInstanceUIDs={study}&SeriesInstanceUIDs={seg_series}"))
        .await?;
    let needs = wait_for(
        client,
        "the SEG naming the series it needs",
        r#"(() => { const e = document.querySelector('[data-testid="derived-item"][data-state="needs-source"] [data-testid="derived-needs"]');
                   return e ? e.textContent : false; })()"#,
    )
    .await?;
    println!("SEG alone: {needs}");
    if !needs.as_str().is_some_and(|t| t.contains(&ct_description) || t.contains(&ct_series)) {
        return Err(format!("the SEG should name the CT series ({ct_description}), says {needs}").into());
    }
    let ct_reads = requests_with(client, &format!("/series/{ct_series}/")).await?;
    if !ct_reads.is_empty() {
        return Err(format!("the CT was read before Fetch: {ct_reads:?}").into());
    }
    screenshot(client, "needs-source-desktop").await?;
    client.set_window_size(390, 844).await?;
    click(client, r#"[data-testid="toggle-series-panel"]"#).await?;
    wait_for(client, "the series sheet", r#"document.querySelector('[data-testid="derived-fetch"]')"#).await?;
    screenshot(client, "needs-source-phone").await?;
    click(client, r#"[data-testid="derived-fetch"]"#).await?;
    ready_on_frame(client, 1).await?;
    let shown_uid = client
        .execute(&format!("return document.querySelector({}).dataset.sopInstanceUid;", json!(VIEWPORT)), vec![])
        .await?;
    let ct_uids: Vec<String> = ct.iter().map(|p| top_level(p, "0008,0018")).collect();
    if !shown_uid.as_str().is_some_and(|uid| ct_uids.iter().any(|c| c == uid)) {
        return Err(format!("after Fetch the viewport should show the CT, shows {shown_uid}").into());
    }
    let pixels = wait_for(client, "the SEG layer over the fetched CT", &layer_pixels_expression()).await?;
    println!("after Fetch: CT shown, data-layer-pixels = {pixels}");
    screenshot(client, "fetched-phone").await?;
    client.set_window_size(1400, 1000).await?;
    screenshot(client, "fetched-desktop").await?;
    Ok(())
}

#[tokio::test]
async fn derived_objects_over_dicomweb() {
    let app = env("APP_URL");
    let client = connect().await;
    let result = run(&client).await;
    let _ = client.close().await;
    if let Err(e) = result {
        panic!("{app}: {e}");
    }
}
