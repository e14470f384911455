//! End to end: the MPR layout on the 128-slice axial MR of the corpus (rows run anterior,
//! columns to the left), in Chromium through ChromeDriver.
//! - layout-mpr shows axial, sagittal and coronal planes; all three become ready and fill to
//!   128 of 128 slices;
//! - every plane's canvas equals, at sampled pixels, `wasmBindings.render_frame` of the acquired
//!   slice holding that voxel (±1, the canvas's window), mapped through the plane's published
//!   geometry and the files' own Image Position/Orientation (read here, not by the page);
//! - dragging the crosshair centre in the axial view by a known number of CSS pixels moves the
//!   sagittal and coronal planes to the voxel under the drop point (computed here);
//! - a window drag in one plane applies to all three;
//! - a 4 mm MIP slab changes the sagittal image, which then equals the maximum of the five
//!   acquired sagittal planes around it (±1);
//! - screenshots at 1400×1000 and 390×844 in `$MPR_SCREENS` (default target/mpr-screens).
//!
//! Prints timings (not asserted): last slice decoded → all planes drawn complete; frame times
//! while dragging the crosshair.
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;

use dicom_viewer::study::InstanceMeta;
use fantoccini::actions::{InputSource, MouseActions, PointerAction, MOUSE_BUTTON_LEFT};
use fantoccini::{Client, Locator};
use serde_json::{json, Value};

mod e2e_support;

use e2e_support::*;

fn plane_selector(pane: usize) -> String {
    format!(r#"[data-testid="viewport"][data-pane="{pane}"][data-plane]"#)
}

/// The MR files in slice order (along the normal) with the geometry the test maps voxels with.
struct Series {
    files: Vec<PathBuf>,
    urls: Vec<String>,
    first_position: [f64; 3],
    row: [f64; 3],
    column: [f64; 3],
    /// (between rows, between columns), mm.
    spacing: [f64; 2],
    /// From one slice's position to the next, mm.
    step: [f64; 3],
}

fn series() -> Result<Series> {
    let dir = corpus().join("mr-series-128");
    let mut slices: Vec<(f64, PathBuf, InstanceMeta)> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "dcm"))
        .map(|p| {
            let meta = InstanceMeta::from_bytes(0, &std::fs::read(&p).unwrap()).unwrap();
            let o = meta.image_orientation.unwrap();
            let normal = [o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5], o[0] * o[4] - o[1] * o[3]];
            let ipp = meta.image_position.unwrap();
            (ipp[0] * normal[0] + ipp[1] * normal[1] + ipp[2] * normal[2], p, meta)
        })
        .collect();
    slices.sort_by(|a, b| a.0.total_cmp(&b.0));
    if slices.len() != 128 {
        return Err(format!("{} has {} slices, expected 128", dir.display(), slices.len()).into());
    }
    let (first, last) = (&slices[0].2, &slices[127].2);
    let o = first.image_orientation.unwrap();
    let (a, b) = (first.image_position.unwrap(), last.image_position.unwrap());
    Ok(Series {
        urls: slices
            .iter()
            .map(|(_, p, _)| corpus_url(&format!("mr-series-128/{}", p.file_name().unwrap().to_string_lossy())))
            .collect(),
        files: slices.iter().map(|(_, p, _)| p.clone()).collect(),
        first_position: a,
        row: [o[0], o[1], o[2]],
        column: [o[3], o[4], o[5]],
        spacing: first.pixel_spacing.unwrap(),
        step: [(b[0] - a[0]) / 127.0, (b[1] - a[1]) / 127.0, (b[2] - a[2]) / 127.0],
    })
}

fn geometry_json(s: &Series) -> Value {
    json!({ "urls": s.urls, "ipp": s.first_position, "row": s.row, "column": s.column,
            "spacing": s.spacing, "step": s.step })
}

/// JS: maps a canvas pixel of an MPR pane to its plane pixel, the patient point there and the
/// acquired voxel (k, column, row) there (fractional when off the grid).
const MAPPING_JS: &str = r#"
    window.__mpr = window.__mpr || {};
    window.__mpr.mapping = (canvas, g) => {
        const [a, b, c, d, e, f] = canvas.dataset.imageToCanvas.split(',').map(Number);
        const det = a * d - b * c;
        const v3 = name => canvas.dataset[name].split(',').map(Number);
        const origin = v3('planeOriginMm'), row = v3('planeRow'), col = v3('planeColumn');
        const s = Number(canvas.dataset.planeSpacingMm);
        const normal = v3('planeNormal');
        const dot = (p, q) => p[0] * q[0] + p[1] * q[1] + p[2] * q[2];
        const stepLength = Math.sqrt(dot(g.step, g.step));
        const sliceNormal = g.step.map(x => x / stepLength);
        return {
            normal,
            // canvas pixel centre → image coordinate (pixel (i, j) covers [i, i+1))
            image: (x, y) => [(d * (x + 0.5 - e) - c * (y + 0.5 - f)) / det, (-b * (x + 0.5 - e) + a * (y + 0.5 - f)) / det],
            toCanvas: (u, v) => [a * u + c * v + e, b * u + d * v + f],
            // plane pixel (centre at integers) → patient
            patient: (px, py) => [0, 1, 2].map(i => origin[i] + px * s * row[i] + py * s * col[i]),
            // patient → acquired (slice k, column, row), fractional
            voxel: p => {
                const dp = [0, 1, 2].map(i => p[i] - g.ipp[i]);
                const k = dot(dp, sliceNormal) / stepLength;
                const inPlane = [0, 1, 2].map(i => dp[i] - k * g.step[i]);
                return [k, dot(inPlane, g.row) / g.spacing[1], dot(inPlane, g.column) / g.spacing[0]];
            },
            toPlane: p => {
                const dp = [0, 1, 2].map(i => p[i] - origin[i]);
                return [dot(dp, row) / s, dot(dp, col) / s];
            },
        };
    };
    window.__mpr.rendered = async (g, k, center, width) => {
        window.__mpr.cache = window.__mpr.cache || {};
        const key = `${k}/${center}/${width}`;
        if (!window.__mpr.cache[key]) {
            const bytes = new Uint8Array(await (await fetch(g.urls[k])).arrayBuffer());
            window.__mpr.cache[key] = window.wasmBindings.render_frame(bytes, 0, center, width);
        }
        return window.__mpr.cache[key];
    };
"#;

/// Compares sampled canvas pixels of MPR pane `pane` with the acquired voxels (rendered by
/// `render_frame` with the canvas's window); with `slab_mm`, with the maximum of the acquired
/// voxels within ±slab/2 along the plane normal, 1 mm apart. Returns a summary.
async fn compare_plane(client: &Client, s: &Series, pane: usize, slab_mm: Option<f64>) -> Result<Value> {
    let script = format!(
        r#"{MAPPING_JS}
        const [selector, g, slab] = arguments;
        return (async () => {{
            const canvas = document.querySelector(selector);
            const m = window.__mpr.mapping(canvas, g);
            const center = Number(canvas.dataset.windowCenter), width = Number(canvas.dataset.windowWidth);
            const copy = document.createElement('canvas');
            copy.width = canvas.width; copy.height = canvas.height;
            const context = copy.getContext('2d');
            context.drawImage(canvas, 0, 0);
            const shown = context.getImageData(0, 0, copy.width, copy.height).data;
            const offsets = slab ? Array.from({{ length: Math.round(slab) + 1 }}, (_, i) => i - slab / 2) : [0];
            let compared = 0, differing = 0, maxDiff = 0, example = null, offGrid = 0, raisedBySlab = 0;
            const stride = Math.max(2, Math.round(copy.width / 160));
            for (let y = 1; y < copy.height; y += stride) {{
                for (let x = 1; x < copy.width; x += stride) {{
                    const [u, v] = m.image(x, y);
                    const fu = u - Math.floor(u), fv = v - Math.floor(v);
                    if (fu < 0.03 || fu > 0.97 || fv < 0.03 || fv > 0.97) continue;
                    const px = Math.floor(u), py = Math.floor(v);
                    const p = m.patient(px, py);
                    let best = null, thin = null;
                    for (const o of offsets) {{
                        const q = [0, 1, 2].map(i => p[i] + o * m.normal[i]);
                        const [k, col, row] = m.voxel(q);
                        const [rk, rc, rr] = [Math.round(k), Math.round(col), Math.round(row)];
                        if (Math.abs(k - rk) > 0.01 || Math.abs(col - rc) > 0.01 || Math.abs(row - rr) > 0.01) {{ offGrid++; best = null; break; }}
                        if (rk < 0 || rk > 127 || rc < 0 || rc > 127 || rr < 0 || rr > 127) {{ best = null; break; }}
                        const r = await window.__mpr.rendered(g, rk, center, width);
                        const grey = r.rgba[(rr * r.columns + rc) * 4];
                        if (o === 0) thin = grey;
                        best = best === null ? grey : Math.max(best, grey);
                    }}
                    if (best === null) continue;
                    if (thin !== null && best > thin + 1) raisedBySlab++;
                    const i = (y * copy.width + x) * 4;
                    const diff = Math.abs(shown[i] - best);
                    compared++;
                    maxDiff = Math.max(maxDiff, diff);
                    if (diff > 1) {{ differing++; if (!example) example = {{ x, y, px, py, shown: shown[i], expected: best }}; }}
                }}
            }}
            return {{ plane: canvas.dataset.plane, compared, differing, maxDiff, example, offGrid, raisedBySlab,
                      renderer: canvas.dataset.renderer, index: canvas.dataset.planeIndex, window: [center, width] }};
        }})();
    "#
    );
    let result = client.execute(&script, vec![json!(plane_selector(pane)), geometry_json(s), json!(slab_mm)]).await?;
    let compared = result["compared"].as_u64().unwrap_or(0);
    if result["differing"] != json!(0) || compared < 500 || result["offGrid"] != json!(0) {
        return Err(format!("pane {pane}: the plane differs from the acquired voxels: {result}").into());
    }
    Ok(result)
}

async fn data(client: &Client, pane: usize, name: &str) -> Result<String> {
    Ok(client.find(Locator::Css(&plane_selector(pane))).await?.attr(name).await?.unwrap_or_default())
}

async fn wait_planes_ready(client: &Client, what: &str, extra: &str) -> Result {
    let expression = format!(
        r#"[0, 1, 2].every(i => {{
            const c = document.querySelector(`[data-testid="viewport"][data-pane="${{i}}"][data-plane]`);
            return c && c.dataset.ready === 'true' && c.dataset.filledSlices === '128' && c.dataset.totalSlices === '128' {extra};
        }})"#
    );
    wait_for(client, what, &expression).await?;
    // Let a pending animation-frame redraw land.
    client.execute("return new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));", vec![]).await?;
    Ok(())
}

async fn screenshot(client: &Client, name: &str) -> Result {
    let dir = std::env::var("MPR_SCREENS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/mpr-screens"));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("{name}.png"));
    std::fs::write(&path, client.screenshot().await?)?;
    println!("screenshot: {}", path.display());
    Ok(())
}

/// CSS offset from the canvas centre (as WebDriver wants) of plane pixel `p` in pane `pane`.
async fn css_offset_of_plane_point(client: &Client, s: &Series, pane: usize, patient: Value) -> Result<(f64, f64)> {
    let script = format!(
        r#"{MAPPING_JS}
        const [selector, g, p] = arguments;
        const canvas = document.querySelector(selector);
        const m = window.__mpr.mapping(canvas, g);
        const [px, py] = m.toPlane(p);
        const [x, y] = m.toCanvas(px + 0.5, py + 0.5);
        const scale = canvas.width / canvas.clientWidth;
        return [x / scale - canvas.clientWidth / 2, y / scale - canvas.clientHeight / 2];"#
    );
    let v = client.execute(&script, vec![json!(plane_selector(pane)), geometry_json(s), patient]).await?;
    Ok((v[0].as_f64().unwrap_or(0.0), v[1].as_f64().unwrap_or(0.0)))
}

/// The acquired voxel (k, column, row) under CSS offset `at` (from the canvas centre) of pane `pane`.
async fn voxel_under(client: &Client, s: &Series, pane: usize, at: (f64, f64)) -> Result<[f64; 3]> {
    let script = format!(
        r#"{MAPPING_JS}
        const [selector, g, ox, oy] = arguments;
        const canvas = document.querySelector(selector);
        const m = window.__mpr.mapping(canvas, g);
        const scale = canvas.width / canvas.clientWidth;
        const [u, v] = m.image((canvas.clientWidth / 2 + ox) * scale - 0.5, (canvas.clientHeight / 2 + oy) * scale - 0.5);
        return m.voxel(m.patient(u - 0.5, v - 0.5));"#
    );
    let v =
        client.execute(&script, vec![json!(plane_selector(pane)), geometry_json(s), json!(at.0), json!(at.1)]).await?;
    Ok([v[0].as_f64().unwrap_or(f64::NAN), v[1].as_f64().unwrap_or(f64::NAN), v[2].as_f64().unwrap_or(f64::NAN)])
}

async fn drag_in(client: &Client, pane: usize, from: (f64, f64), to: (f64, f64), steps: u32) -> Result {
    let canvas = client.find(Locator::Css(&plane_selector(pane))).await?;
    let mut actions = MouseActions::new("mouse".into())
        .then(PointerAction::MoveToElement { element: canvas.clone(), duration: None, x: from.0, y: from.1 })
        .then(PointerAction::Down { button: MOUSE_BUTTON_LEFT });
    for n in 1..=steps {
        let t = f64::from(n) / f64::from(steps);
        actions = actions.then(PointerAction::MoveToElement {
            element: canvas.clone(),
            duration: Some(std::time::Duration::from_millis(16)),
            x: (from.0 + (to.0 - from.0) * t).round(),
            y: (from.1 + (to.1 - from.1) * t).round(),
        });
    }
    client.perform_actions(actions.then(PointerAction::Up { button: MOUSE_BUTTON_LEFT })).await?;
    client.release_actions().await?;
    Ok(())
}

async fn mpr(client: &Client, s: &Series, phone: bool) -> Result {
    let tag = if phone { "phone" } else { "desktop" };
    fresh_page(client).await?;
    client.execute("window.__expectTotal = 128;", vec![]).await?;
    open_files(client, &s.files).await?;
    ready_on_frame(client, 64).await?;
    if phone {
        // Phones: the layouts are in the "more" sheet.
        click(client, r#"[data-testid="more-button"]"#).await?;
    }
    click(client, r#"[data-testid="layout-mpr"]"#).await?;
    if phone {
        client
            .execute(
                r#"const close = document.querySelector('.more-sheet [data-testid="sheet-close"]'); if (close) close.click(); return true;"#,
                vec![],
            )
            .await?;
    }
    let opened = client.execute("return performance.now();", vec![]).await?.as_f64().unwrap_or(0.0);
    wait_planes_ready(client, "three planes drawn with 128 of 128 slices", "").await?;
    let planes: Vec<String> =
        futures_names(client).await?.into_iter().map(|p| p.unwrap_or_default()).collect::<Vec<_>>();
    if planes != ["axial", "sagittal", "coronal"] {
        return Err(format!("the MPR panes show {planes:?}").into());
    }
    let complete = client
        .execute(
            r#"return [0, 1, 2].map(i => Number(document.querySelector(`[data-testid="viewport"][data-pane="${i}"][data-plane]`).dataset.completeAt));"#,
            vec![],
        )
        .await?;
    println!("MPR ({tag}): layout chosen at {opened:.0} ms, planes complete at {complete} ms (performance.now)");

    // 1. Each plane shows the acquired voxels.
    for pane in 0..3 {
        let result = compare_plane(client, s, pane, None).await?;
        println!("MPR ({tag}) plane {pane}: {result}");
    }
    let axial_index = data(client, 0, "data-plane-index").await?;
    if axial_index != "63" {
        return Err(format!("the axial plane should open on slice 63 (middle voxel), is on {axial_index}").into());
    }
    screenshot(client, &format!("mpr-{tag}-open")).await?;

    // 2. Drag the crosshair centre in the axial view.
    let centre: Vec<f64> =
        data(client, 0, "data-plane-centre-mm").await?.split(',').filter_map(|v| v.parse().ok()).collect();
    let from = css_offset_of_plane_point(client, s, 0, json!(centre)).await?;
    let from = (from.0.round(), from.1.round());
    let (dx, dy) = if phone { (23.0, -17.0) } else { (41.0, -29.0) };
    let to = (from.0 + dx, from.1 + dy);
    let expected = voxel_under(client, s, 0, to).await?;
    let frames = client
        .execute(
            "window.__frameTimes = []; let last = performance.now(); window.__recording = true; \
             const tick = now => { window.__frameTimes.push(now - last); last = now; if (window.__recording) requestAnimationFrame(tick); }; \
             requestAnimationFrame(tick); return true;",
            vec![],
        )
        .await;
    drag_in(client, 0, from, to, 20).await?;
    let _ = frames;
    let times = client.execute("window.__recording = false; return window.__frameTimes;", vec![]).await?;
    let mut times: Vec<f64> =
        times.as_array().map(|a| a.iter().filter_map(Value::as_f64).collect()).unwrap_or_default();
    times.sort_by(f64::total_cmp);
    if !times.is_empty() {
        let p95 = times[((times.len() as f64 * 0.95) as usize).min(times.len() - 1)];
        println!(
            "MPR ({tag}): crosshair drag, {} frames, p95 frame time {p95:.1} ms, max {:.1} ms",
            times.len(),
            times[times.len() - 1]
        );
    }
    // The sagittal plane (normal ±x) is at the MR's row index under the drop point, the coronal
    // (normal ±y) at its column index; the axial plane stays.
    let (sagittal, coronal) = (expected[2].round() as i64, expected[1].round() as i64);
    let wanted = format!(
        r#"&& (i !== 1 || c.dataset.planeIndex === '{sagittal}') && (i !== 2 || c.dataset.planeIndex === '{coronal}')"#
    );
    wait_planes_ready(
        client,
        &format!("sagittal at {sagittal}, coronal at {coronal} after the drag to {expected:?}"),
        &wanted,
    )
    .await?;
    if data(client, 0, "data-plane-index").await? != "63" {
        return Err("the axial plane moved while its centre was dragged".into());
    }
    println!("MPR ({tag}): crosshair dragged by ({dx}, {dy}) CSS px → sagittal {sagittal}, coronal {coronal}");
    for pane in 1..3 {
        compare_plane(client, s, pane, None).await?;
    }

    // 3. A window drag in the coronal view applies to all three planes.
    click(client, r#"[data-testid="tool-window-level"]"#).await?;
    let before = data(client, 2, "data-window-width").await?;
    let size = client
        .execute(
            &format!(
                "const c = document.querySelector('{}'); return [c.clientWidth, c.clientHeight];",
                plane_selector(2)
            ),
            vec![],
        )
        .await?;
    let (w, h) = (size[0].as_f64().unwrap_or(100.0), size[1].as_f64().unwrap_or(100.0));
    let corner = (-w / 2.0 + 12.0, h / 2.0 - 30.0);
    drag_in(client, 2, corner, (corner.0 + 60.0, corner.1 - 10.0), 6).await?;
    wait_for(
        client,
        "one window on the three planes after the drag",
        &format!(
            r#"(() => {{ const c = [0, 1, 2].map(i => document.querySelector(`[data-testid="viewport"][data-pane="${{i}}"][data-plane]`));
                 return c[2].dataset.windowWidth !== '{before}' && c.every(x => x.dataset.windowWidth === c[2].dataset.windowWidth
                     && x.dataset.windowCenter === c[2].dataset.windowCenter && x.dataset.ready === 'true'); }})()"#
        ),
    )
    .await?;
    client.execute("return new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));", vec![]).await?;
    let result = compare_plane(client, s, 0, None).await?;
    println!(
        "MPR ({tag}): window {} / {} on all planes (was width {before}); axial: {result}",
        result["window"][0], result["window"][1]
    );

    // 4. A 4 mm MIP slab.
    client
        .execute(
            r#"const set = (id, value) => { const e = document.querySelector(`[data-testid="${id}"]`); e.value = value; e.dispatchEvent(new Event('change', { bubbles: true })); };
               set('mpr-slab-thickness', '4'); set('mpr-slab-mode', 'mip'); return true;"#,
            vec![],
        )
        .await?;
    wait_planes_ready(client, "the MIP slab on every plane", "&& c.dataset.slab === 'mip 4'").await?;
    let result = compare_plane(client, s, 1, Some(4.0)).await?;
    if result["raisedBySlab"].as_u64().unwrap_or(0) < 20 {
        return Err(format!("the MIP slab should brighten the sagittal plane somewhere: {result}").into());
    }
    println!("MPR ({tag}): MIP 4 mm sagittal: {result}");
    screenshot(client, &format!("mpr-{tag}-slab")).await?;
    // Back to thin planes.
    client
        .execute(
            r#"const e = document.querySelector('[data-testid="mpr-slab-mode"]'); e.value = 'none'; e.dispatchEvent(new Event('change', { bubbles: true })); return true;"#,
            vec![],
        )
        .await?;
    wait_planes_ready(client, "thin planes again", "&& c.dataset.slab === 'none'").await?;
    Ok(())
}

async fn futures_names(client: &Client) -> Result<Vec<Option<String>>> {
    let mut names = Vec::new();
    for pane in 0..3 {
        names.push(client.find(Locator::Css(&plane_selector(pane))).await?.attr("data-plane").await?);
    }
    Ok(names)
}

async fn run(client: &Client) -> Result {
    let s = series()?;
    mpr(client, &s, false).await?;
    client.set_window_size(390, 844).await?;
    let phone = mpr(client, &s, true).await;
    client.set_window_size(1400, 1000).await?;
    phone
}

#[tokio::test]
async fn mpr_end_to_end() {
    let (app, _) = (env("APP_URL"), env("CORPUS_URL"));
    let client = connect().await;
    let result = run(&client).await;
    let _ = client.close().await;
    if let Err(e) = result {
        panic!("{app}: {e}");
    }
}
