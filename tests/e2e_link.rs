//! Linked series end to end (src/web/link/, src/web/viewport/reference.rs), on data written at
//! test time by tests/link_support/make_link_data.py (pydicom): two axial CT series of one Frame
//! of Reference (5 mm and 2.5 mm, different starts) and a sagittal localizer; a prior study of
//! the same Patient ID in another Frame of Reference.
//!
//! 1. Layout 1×2, link on, pane 0 scrolled: pane 1 shows the slice nearest by position, worked
//!    out here from the files' Image Position (Patient) as dcmdump reads them (not the same
//!    index); a slice outside the other stack leaves it where it is.
//! 2. The localizer in pane 1: the reference line of pane 0's slice lies where the planes meet.
//! 3. Over DICOMweb (Orthanc): the comparison layout searches QIDO by PatientID, lists the prior,
//!    opens its CT (not its MR) beside the current series, linked with an offset; scrolling
//!    pane 0 moves pane 1 by position.
//!
//! Screenshots (desktop 1400×1000 and phone 390×844) go to `$LINK_SCREENS` (default
//! `target/link-screens`).

use std::path::{Path, PathBuf};
use std::process::Command;

use fantoccini::Client;
use serde_json::json;

mod e2e_support;

use e2e_support::*;

fn screens() -> PathBuf {
    let dir = std::env::var("LINK_SCREENS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/link-screens"));
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

/// dcmdump's bracketed value of `tag` in `path`.
fn dcmdump_value(path: &Path, tag: &str) -> String {
    let output = Command::new("dcmdump").args(["-q", "+P", tag]).arg(path).output().expect("dcmdump (dcmtk)");
    let text = String::from_utf8_lossy(&output.stdout).to_string();
    let line = text.lines().next().unwrap_or_else(|| panic!("{} has no {tag}", path.display()));
    let start = line.find('[').map_or(0, |i| i + 1);
    let end = line.rfind(']').unwrap_or(line.len());
    line[start..end].to_string()
}

fn position(path: &Path) -> [f64; 3] {
    let v: Vec<f64> =
        dcmdump_value(path, "0020,0032").split('\\').map(|v| v.trim().parse().expect("a decimal")).collect();
    [v[0], v[1], v[2]]
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "dcm"))
        .collect();
    out.sort();
    out
}

/// Writes the test data; returns its folder.
fn make_data() -> Result<PathBuf> {
    let dir = temp_dir("link");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(root.join(".tools/py/bin/python"))
        .arg(root.join("tests/link_support/make_link_data.py"))
        .arg(&dir)
        .output()?;
    if !out.status.success() {
        return Err(format!("make_link_data.py: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(dir)
}

fn pane_canvas(pane: usize) -> String {
    format!(r#"[data-testid="viewport"][data-pane="{pane}"]"#)
}

/// Makes viewport `pane` the active one (its canvas takes focus).
async fn activate(client: &Client, pane: usize) -> Result {
    client.execute("document.querySelector(arguments[0]).focus();", vec![json!(pane_canvas(pane))]).await?;
    Ok(())
}

/// Shows the series whose list item names `label` in viewport `pane`; waits until drawn.
async fn show_series(client: &Client, pane: usize, label: &str, file_prefix: &str) -> Result {
    activate(client, pane).await?;
    click_series(client, label).await?;
    wait_for(
        client,
        &format!("viewport {pane} showing {label}"),
        &format!(
            "(() => {{ const c = document.querySelector({}); return c && c.dataset.ready === 'true' \
               && (c.dataset.fileName || '').startsWith({}); }})()",
            json!(pane_canvas(pane)),
            json!(file_prefix)
        ),
    )
    .await?;
    Ok(())
}

async fn click_series(client: &Client, label: &str) -> Result {
    // The files may still be arriving: wait for the item.
    wait_for(
        client,
        &format!("a series item naming {label:?}"),
        &format!(
            "[...document.querySelectorAll('[data-testid=\"series-list\"] .series-item')].some(e => e.textContent.includes({}))",
            json!(label)
        ),
    )
    .await?;
    let found = client
        .execute(
            "const item = [...document.querySelectorAll('[data-testid=\"series-list\"] .series-item')]\
               .find(e => e.textContent.includes(arguments[0])); if (item) item.click(); return !!item;",
            vec![json!(label)],
        )
        .await?;
    if found != json!(true) {
        return Err(format!("no series item names {label:?}").into());
    }
    Ok(())
}

async fn pane_data(client: &Client, pane: usize, name: &str) -> Result<String> {
    let value = client
        .execute(
            "return document.querySelector(arguments[0]).getAttribute(arguments[1]);",
            vec![json!(pane_canvas(pane)), json!(name)],
        )
        .await?;
    Ok(value.as_str().unwrap_or_default().to_string())
}

/// Sets viewport `pane`'s slice with its slider, as a user dragging it.
async fn scroll_to(client: &Client, pane: usize, frame: u32) -> Result {
    let done = client
        .execute(
            "const s = document.querySelector(arguments[0]).parentElement.querySelector('.slice-slider'); \
             if (!s) return false; s.value = String(arguments[1]); s.dispatchEvent(new Event('input', { bubbles: true })); return true;",
            vec![json!(pane_canvas(pane)), json!(frame)],
        )
        .await?;
    if done != json!(true) {
        return Err(format!("viewport {pane} has no slice slider").into());
    }
    wait_for(
        client,
        &format!("viewport {pane} on slice {frame}"),
        &format!(
            "(() => {{ const c = document.querySelector({}); return c.dataset.frame === '{frame}' && c.dataset.ready === 'true'; }})()",
            json!(pane_canvas(pane))
        ),
    )
    .await?;
    Ok(())
}

/// Index of the slice of `stack` (sorted along +z, the display order of axial slices) nearest
/// to `z`, None beyond half a spacing outside.
fn nearest(stack: &[f64], z: f64) -> Option<u32> {
    let spacing = (stack[stack.len() - 1] - stack[0]) / (stack.len() - 1) as f64;
    if z < stack[0] - spacing / 2.0 || z > stack[stack.len() - 1] + spacing / 2.0 {
        return None;
    }
    (0..stack.len()).min_by(|&i, &j| (stack[i] - z).abs().total_cmp(&(stack[j] - z).abs())).map(|i| i as u32)
}

fn sorted_z(paths: &[PathBuf]) -> Vec<f64> {
    let mut z: Vec<f64> = paths.iter().map(|p| position(p)[2]).collect();
    z.sort_by(f64::total_cmp);
    z
}

async fn linked_scrolling_and_reference_lines(client: &Client, data: &Path) -> Result {
    let (a, b, localizer) =
        (files(&data.join("current/a")), files(&data.join("current/b")), files(&data.join("current/loc")));
    let b_z = sorted_z(&b);
    fresh_page(client).await?;
    let mut all = a.clone();
    all.extend(b.iter().cloned());
    all.extend(localizer.iter().cloned());
    open_files(client, &all).await?;
    wait_for(
        client,
        "viewport 0 drawn",
        &format!("document.querySelector({})?.dataset.ready === 'true'", json!(pane_canvas(0))),
    )
    .await?;

    click(client, r#"[data-testid="menu-layout"]"#).await?;
    click(client, r#"[data-testid="layout-1x2"]"#).await?;
    wait_for(client, "two viewports", r#"document.querySelectorAll('[data-testid="viewport"]').length === 2"#).await?;
    show_series(client, 0, "Axial 5 mm", "a").await?;
    show_series(client, 1, "Axial 2.5 mm", "b").await?;
    activate(client, 0).await?;
    let pressed = client
        .execute("return document.querySelector('[data-testid=\"link-series\"]').getAttribute('aria-pressed');", vec![])
        .await?;
    if pressed != json!("false") {
        return Err(format!("the link toggle starts off: aria-pressed {pressed}").into());
    }
    // Without the link, scrolling pane 0 leaves pane 1 alone.
    let before = pane_data(client, 1, "data-frame").await?;
    scroll_to(client, 0, 6).await?;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    if pane_data(client, 1, "data-frame").await? != before {
        return Err("pane 1 moved while the link was off".into());
    }
    click(client, r#"[data-testid="link-series"]"#).await?;
    wait_for(
        client,
        "the link on",
        r#"document.querySelector('[data-testid="link-series"]').getAttribute('aria-pressed') === 'true'"#,
    )
    .await?;

    let mut moved = Vec::new();
    for frame in [13u32, 4, 17, 1] {
        let previous = pane_data(client, 1, "data-frame").await?;
        scroll_to(client, 0, frame).await?;
        let name = pane_data(client, 0, "data-file-name").await?;
        let path =
            a.iter().find(|p| p.file_name().is_some_and(|n| n.to_string_lossy() == name)).ok_or("unknown file")?;
        let z = position(path)[2];
        let expected = nearest(&b_z, z);
        let wanted = expected.map_or(previous.clone(), |e| e.to_string());
        let got = wait_for(
            client,
            &format!("pane 1 on slice {wanted} (pane 0 at z = {z})"),
            &format!(
                "(() => {{ const c = document.querySelector({}); return c.dataset.frame === '{wanted}' && c.dataset.ready === 'true' && c.dataset.frame; }})()",
                json!(pane_canvas(1))
            ),
        )
        .await;
        let now = pane_data(client, 1, "data-frame").await?;
        if got.is_err() {
            return Err(format!("pane 0 slice {frame} (z = {z}): pane 1 should show {wanted}, shows {now}").into());
        }
        if let Some(e) = expected {
            if e == frame {
                return Err(format!("slice {frame}: index and position agree, the test proves nothing").into());
            }
        }
        println!("linked: pane 0 slice {frame} (z = {z} mm) → pane 1 slice {now} (expected {expected:?})");
        moved.push((frame, expected));
    }
    if !moved.iter().any(|(_, e)| e.is_none()) {
        return Err("no slice outside the other stack was tried".into());
    }
    screenshot(client, "linked-desktop").await?;

    // The localizer beside: the reference line of pane 0's slice.
    show_series(client, 1, "Localizer", "loc").await?;
    activate(client, 0).await?;
    scroll_to(client, 0, 9).await?;
    let name = pane_data(client, 0, "data-file-name").await?;
    let path = a.iter().find(|p| p.file_name().is_some_and(|n| n.to_string_lossy() == name)).ok_or("unknown file")?;
    let z = position(path)[2];
    // Localizer: first pixel centre (0, −100, 140), rows along +y, columns along −z, 1.25 mm.
    // The axial plane z meets it on row y_img = (140 − z) / 1.25 + ½; the axial field of view
    // (y from −32.5 to 31.5 mm, pixel edges) spans x_img = (y + 100) / 1.25 + ½.
    let spacing: f64 = dcmdump_value(&localizer[0], "0028,0030").split('\\').next().unwrap().trim().parse()?;
    let origin = position(&localizer[0]);
    let a_origin = position(path);
    let expected_y = (origin[2] - z) / spacing + 0.5;
    let expected_x =
        [(a_origin[1] - 0.5 - origin[1]) / spacing + 0.5, (a_origin[1] + 63.5 - origin[1]) / spacing + 0.5];
    let line = wait_for(
        client,
        "a reference line on the localizer",
        &format!(
            "(() => {{ const l = document.querySelector({}).parentElement.querySelector('svg[data-testid=\"reference-lines\"] line'); \
               return l && {{ source: l.dataset.sourcePane, points: l.dataset.imagePoints, x1: +l.getAttribute('x1'), y1: +l.getAttribute('y1'), x2: +l.getAttribute('x2'), y2: +l.getAttribute('y2') }}; }})()",
            json!(pane_canvas(1))
        ),
    )
    .await?;
    if line["source"] != json!("0") {
        return Err(format!("the line's data-source-pane should be 0: {line}").into());
    }
    let points: Vec<f64> =
        line["points"].as_str().unwrap_or_default().split(',').filter_map(|v| v.parse().ok()).collect();
    let (mut x, y) = ([points[0], points[2]], [points[1], points[3]]);
    x.sort_by(f64::total_cmp);
    let ok = (y[0] - expected_y).abs() < 1e-3
        && (y[1] - expected_y).abs() < 1e-3
        && (x[0] - expected_x[0]).abs() < 1e-3
        && (x[1] - expected_x[1]).abs() < 1e-3;
    if !ok {
        return Err(format!(
            "reference line at z = {z}: expected y {expected_y}, x {expected_x:?}; got image points {points:?}"
        )
        .into());
    }
    // The SVG line lies where data-image-to-canvas puts those image points (CSS pixels).
    let mapped = client
        .execute(
            "const c = document.querySelector(arguments[0]); const [a, b, cc, d, e, f] = c.dataset.imageToCanvas.split(',').map(Number); \
             const s = c.width / c.clientWidth; const p = arguments[1]; \
             return [(a * p[0] + cc * p[1] + e) / s, (b * p[0] + d * p[1] + f) / s, (a * p[2] + cc * p[3] + e) / s, (b * p[2] + d * p[3] + f) / s];",
            vec![json!(pane_canvas(1)), json!(points)],
        )
        .await?;
    let svg = [line["x1"].as_f64(), line["y1"].as_f64(), line["x2"].as_f64(), line["y2"].as_f64()];
    for (i, want) in svg.iter().enumerate() {
        let got = mapped[i].as_f64().unwrap_or(f64::NAN);
        if (got - want.unwrap_or(f64::NAN)).abs() > 0.5 {
            return Err(format!("the SVG line {svg:?} is not at the mapped points {mapped}").into());
        }
    }
    println!("reference line at z = {z} mm: image points {points:?} (expected y {expected_y}, x {expected_x:?})");
    screenshot(client, "reference-line-desktop").await?;
    // Another axial slice moves the line.
    scroll_to(client, 0, 3).await?;
    wait_for(
        client,
        "the reference line moved",
        &format!(
            "(() => {{ const l = document.querySelector({}).parentElement.querySelector('svg[data-testid=\"reference-lines\"] line'); \
               return l && l.dataset.imagePoints !== {}; }})()",
            json!(pane_canvas(1)),
            json!(line["points"])
        ),
    )
    .await?;
    Ok(())
}

fn upload(paths: &[PathBuf]) -> Result {
    let url = format!("{}/instances", env("ORTHANC_URL"));
    for path in paths {
        let stored = Command::new("curl")
            .args(["-sf", "--max-time", "60", "--data-binary"])
            .arg(format!("@{}", path.display()))
            .arg(&url)
            .output()?;
        if !stored.status.success() {
            return Err(format!(
                "uploading {} to Orthanc failed: {}",
                path.display(),
                String::from_utf8_lossy(&stored.stderr)
            )
            .into());
        }
    }
    Ok(())
}

async fn comparison_over_dicomweb(client: &Client, data: &Path) -> Result {
    let (current, prior_ct, prior_mr) =
        (files(&data.join("current/a")), files(&data.join("prior/a")), files(&data.join("prior/m")));
    let mut all = current.clone();
    all.extend(prior_ct.iter().cloned());
    all.extend(prior_mr.iter().cloned());
    upload(&all)?;
    let study = dcmdump_value(&current[0], "0020,000d");
    let series = dcmdump_value(&current[0], "0020,000e");
    let prior_study = dcmdump_value(&prior_ct[0], "0020,000d");
    let prior_ct_uids: Vec<String> = prior_ct.iter().map(|p| dcmdump_value(p, "0008,0018")).collect();
    let prior_z = sorted_z(&prior_ct);
    let current_z = sorted_z(&current);

    fresh_page_with(client, &format!("?datasource=orthanc&StudyInstanceUIDs={study}&SeriesInstanceUIDs={series}"))
        .await?;
    wait_for(
        client,
        "the current series",
        &format!("document.querySelector({})?.dataset.ready === 'true'", json!(pane_canvas(0))),
    )
    .await?;
    client
        .execute("performance.clearResourceTimings(); performance.setResourceTimingBufferSize(10000);", vec![])
        .await?;
    click(client, r#"[data-testid="menu-layout"]"#).await?;
    click(client, r#"[data-testid="layout-comparison"]"#).await?;
    let listed = wait_for(
        client,
        "the prior listed",
        &format!("(() => {{ const e = document.querySelector('[data-testid=\"prior-study\"][data-study-uid=\"{prior_study}\"]'); return e && e.textContent; }})()"),
    )
    .await?;
    let searches = client
        .execute(
            "return performance.getEntriesByType('resource').map(e => e.name).filter(n => n.includes('/studies?') && n.includes('PatientID=LINK-001'));",
            vec![],
        )
        .await?;
    if searches.as_array().is_none_or(|a| a.is_empty()) {
        return Err("no QIDO /studies?PatientID=LINK-001 request was seen".into());
    }
    let others =
        client.execute("return document.querySelectorAll('[data-testid=\"prior-study\"]').length;", vec![]).await?;
    if others != json!(1) {
        return Err(format!("one prior expected (the current study is not its own prior), {others} listed").into());
    }
    println!("prior listed: {listed}; QIDO: {searches}");
    screenshot(client, "comparison-list-desktop").await?;

    click(client, &format!("[data-testid=\"prior-study\"][data-study-uid=\"{prior_study}\"]")).await?;
    let uid = wait_for(
        client,
        "the prior CT beside",
        &format!(
            "(() => {{ const c = document.querySelector({}); return c && c.dataset.ready === 'true' && {}.includes(c.dataset.sopInstanceUid) && c.dataset.sopInstanceUid; }})()",
            json!(pane_canvas(1)),
            json!(prior_ct_uids)
        ),
    )
    .await;
    if let Err(e) = uid {
        let shown = pane_data(client, 1, "data-sop-instance-uid").await.unwrap_or_default();
        return Err(format!("pane 1 should show the prior's CT (not its MR): shows {shown}; {e}").into());
    }
    wait_for(
        client,
        "the link on",
        r#"document.querySelector('[data-testid="link-series"]')?.getAttribute('aria-pressed') === 'true'"#,
    )
    .await?;
    // The two slices on show when the prior opened are linked (offset); pane 0 scrolled 4 slices
    // (20 mm) on moves pane 1 to the prior slice 20 mm further.
    activate(client, 0).await?;
    let (f0, f1): (u32, u32) =
        (pane_data(client, 0, "data-frame").await?.parse()?, pane_data(client, 1, "data-frame").await?.parse()?);
    let target = f0 + 4;
    let moved_mm = current_z[target as usize] - current_z[f0 as usize];
    let expected = nearest(&prior_z, prior_z[f1 as usize] + moved_mm).ok_or("outside the prior")?;
    scroll_to(client, 0, target).await?;
    let got = wait_for(
        client,
        &format!("pane 1 on prior slice {expected}"),
        &format!("document.querySelector({}).dataset.frame === '{expected}'", json!(pane_canvas(1))),
    )
    .await;
    if got.is_err() {
        let now = pane_data(client, 1, "data-frame").await?;
        return Err(format!(
            "pane 0 {f0} → {target} ({moved_mm} mm): pane 1 from {f1} should go to {expected}, is on {now}"
        )
        .into());
    }
    println!("comparison: pane 0 {f0} → {target} ({moved_mm} mm), prior {f1} → {expected}");
    screenshot(client, "comparison-desktop").await?;
    client.set_window_size(390, 844).await?;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    screenshot(client, "comparison-phone").await?;
    client.set_window_size(1400, 1000).await?;
    Ok(())
}

async fn run(client: &Client) -> Result {
    let data = make_data()?;
    linked_scrolling_and_reference_lines(client, &data).await?;
    comparison_over_dicomweb(client, &data).await?;
    let _ = std::fs::remove_dir_all(&data);
    Ok(())
}

#[tokio::test]
async fn linked_series_reference_lines_and_comparison() {
    let app = env("APP_URL");
    let client = connect().await;
    let result = run(&client).await;
    let _ = client.close().await;
    if let Err(e) = result {
        panic!("{app}: {e}");
    }
}
