//! End to end (fantoccini + ChromeDriver): a segmentation over its CT.
//! - the dcmqi 3-slice CT and its liver SEG (local files) open together; the viewport shows the
//!   CT slice with the segment: at sampled image pixels (inside the fill, on the outline,
//!   outside) the canvas equals `render_frame` of that CT slice composited with the layer
//!   `derived::seg` makes for it at the default style (both computed here, natively, from the
//!   files), within ±2 per channel; at 100 % opacity the fill is the segment's own colour;
//! - the segment toggled off in the Segments tab: the canvas equals the bare CT
//!   (`compare_with_render_frame`), data-layer-pixels is 0; toggled on again: pixels back;
//! - choosing the segment shows its centroid slice;
//! - with `?renderer=canvas2d` and `?renderer=webgl2`.
//!
//! Screenshots (desktop 1400×1000 and phone 390×844, Segments tab open) go to
//! $TMPDIR/e2e-seg-*.png. Needs APP_URL, WEBDRIVER_URL and CORPUS_URL (scripts/browser-tests.sh).
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};

use dicom_dictionary_std::tags;
use dicom_viewer::api::{render_frame, RenderOptions};
use dicom_viewer::derived::seg::Segmentation;
use dicom_viewer::derived::{read_dataset, SourceFrame};
use dicom_viewer::dicom::{Attributes, DicomImage};
use dicom_viewer::viewer::layers::{composite_layer, LayerStyle};
use fantoccini::Client;
use serde_json::{json, Value};

mod e2e_support;

use e2e_support::*;

fn ct_files() -> Vec<PathBuf> {
    let dir = corpus().join("dcmqi/segmentations/ct-3slice");
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(&dir).expect("ct-3slice").filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();
    files
}

fn seg_path() -> PathBuf {
    corpus().join("dcmqi/segmentations/liver.dcm")
}

fn source_frame(path: &Path) -> Result<SourceFrame> {
    let image = DicomImage::parse_header(&std::fs::read(path)?)?;
    let a = Attributes(&image.dataset);
    let p = a.floats(tags::IMAGE_POSITION_PATIENT);
    let o = a.floats(tags::IMAGE_ORIENTATION_PATIENT);
    let s = a.floats(tags::PIXEL_SPACING);
    Ok(SourceFrame {
        sop_instance_uid: a.string(tags::SOP_INSTANCE_UID).unwrap_or_default(),
        frame_number: 1,
        frame_of_reference_uid: a.string(tags::FRAME_OF_REFERENCE_UID).unwrap_or_default(),
        rows: image.info.rows,
        columns: image.info.columns,
        position_mm: (p.len() == 3).then(|| [p[0], p[1], p[2]]),
        orientation: (o.len() == 6).then(|| [o[0], o[1], o[2], o[3], o[4], o[5]]),
        pixel_spacing_mm: (s.len() == 2).then(|| [s[0], s[1]]),
        slice_thickness_mm: a.float(tags::SLICE_THICKNESS),
    })
}

fn segmentation() -> Result<Segmentation> {
    let dataset = read_dataset(&std::fs::read(seg_path())?).map_err(|e| e.to_string())?;
    Ok(Segmentation::parse(&dataset).map_err(|e| e.to_string())?)
}

/// What the viewport should show: `render_frame` of the CT slice composited with the SEG layer
/// at `style` (RGBA, image grid), and image pixels to check there: inside the fill, on the
/// outline and outside, spread over the image.
struct Expected {
    columns: usize,
    rgba: Vec<u8>,
    samples: Vec<(usize, usize)>,
    fill_alpha: u8,
}

fn expected(ct: &Path, style: &LayerStyle) -> Result<Expected> {
    let seg = segmentation()?;
    let frame = source_frame(ct)?;
    let layer = seg.layer_on(&frame, style).ok_or("the SEG draws nothing on this slice")?;
    let rendered = render_frame(&std::fs::read(ct)?, 0, &RenderOptions::default())?;
    let mut rgba = rendered.rgba.clone();
    composite_layer(&mut rgba, &layer);
    let (columns, rows) = (rendered.columns as usize, rendered.rows as usize);
    let alpha = |c: usize, r: usize| layer.rgba[(r * columns + c) * 4 + 3];
    let (mut fill, mut outline, mut outside) = (Vec::new(), Vec::new(), Vec::new());
    let mut fill_alpha = 0;
    for r in (1..rows - 1).step_by(3) {
        for c in (1..columns - 1).step_by(3) {
            let a = alpha(c, r);
            let same_around = (r - 1..=r + 1).all(|y| (c - 1..=c + 1).all(|x| alpha(x, y) == a));
            match a {
                0 if same_around => outside.push((c, r)),
                0 => {}
                _ if same_around => {
                    fill_alpha = a;
                    fill.push((c, r))
                }
                255 => outline.push((c, r)),
                _ => {}
            }
        }
    }
    let pick = |list: Vec<(usize, usize)>, n: usize| -> Vec<(usize, usize)> {
        let step = (list.len() / n).max(1);
        list.into_iter().step_by(step).take(n).collect()
    };
    if fill.len() < 20 || outline.len() < 10 {
        return Err(format!("too few SEG pixels to sample: {} fill, {} outline", fill.len(), outline.len()).into());
    }
    let mut samples = pick(fill, 80);
    samples.extend(pick(outline, 40));
    samples.extend(pick(outside, 40));
    Ok(Expected { columns, rgba, samples, fill_alpha })
}

/// For each sample, the canvas pixel over it and the image pixel that canvas pixel's centre
/// shows (on a phone the canvas is smaller than the image); that pixel's expected colour
/// against the canvas, ±`tolerance` per channel. Canvas pixels whose centre falls within 1 %
/// of an image pixel's edge are skipped (either neighbour may be shown).
async fn check_samples(client: &Client, want: &Expected, tolerance: i64) -> Result<Value> {
    let script = r#"
        const [selector, samples] = arguments;
        const canvas = document.querySelector(selector);
        const [a, b, c, d, e, f] = canvas.dataset.imageToCanvas.split(',').map(Number);
        const copy = document.createElement('canvas');
        copy.width = canvas.width; copy.height = canvas.height;
        const context = copy.getContext('2d');
        context.drawImage(canvas, 0, 0);
        const shown = context.getImageData(0, 0, copy.width, copy.height).data;
        const det = a * d - b * c;
        const inverse = (x, y) => [(d * (x - e) - c * (y - f)) / det, (-b * (x - e) + a * (y - f)) / det];
        const out = [];
        for (const [u, v] of samples) {
            const x = Math.floor(a * (u + 0.5) + c * (v + 0.5) + e), y = Math.floor(b * (u + 0.5) + d * (v + 0.5) + f);
            if (x < 0 || y < 0 || x >= copy.width || y >= copy.height) continue;
            const [iu, iv] = inverse(x + 0.5, y + 0.5);
            const fu = iu - Math.floor(iu), fv = iv - Math.floor(iv);
            if (fu < 0.01 || fu > 0.99 || fv < 0.01 || fv > 0.99) continue;
            const j = (y * copy.width + x) * 4;
            out.push([Math.floor(iu), Math.floor(iv), shown[j], shown[j + 1], shown[j + 2]]);
        }
        return { shown: out, renderer: canvas.dataset.renderer, layerPixels: Number(canvas.dataset.layerPixels) };
    "#;
    let samples: Vec<[usize; 2]> = want.samples.iter().map(|(c, r)| [*c, *r]).collect();
    let result = client.execute(script, vec![json!(VIEWPORT), json!(samples)]).await?;
    let shown = result["shown"].as_array().cloned().unwrap_or_default();
    let (mut worst, mut bad) = (0i64, Vec::new());
    for item in &shown {
        let v: Vec<i64> =
            item.as_array().map(|a| a.iter().map(|x| x.as_i64().unwrap_or(-999)).collect()).unwrap_or_default();
        if v.len() != 5 || v[0] < 0 || v[1] < 0 {
            return Err(format!("unexpected sample {item}").into());
        }
        let i = (v[1] as usize * want.columns + v[0] as usize) * 4;
        let Some(expected) = want.rgba.get(i..i + 3) else {
            return Err(format!("sample outside the image {item}").into());
        };
        let diff = (0..3).map(|k| (v[2 + k] - i64::from(expected[k])).abs()).max().unwrap_or(999);
        worst = worst.max(diff);
        if diff > tolerance && bad.len() < 5 {
            bad.push(json!({ "u": v[0], "v": v[1], "shown": &v[2..], "expected": expected }));
        }
    }
    let summary = json!({ "checked": shown.len(), "worst": worst, "bad": bad, "renderer": result["renderer"], "layerPixels": result["layerPixels"] });
    if shown.len() < want.samples.len() / 2 || worst > tolerance {
        return Err(format!("canvas vs CT + SEG layer: {summary}").into());
    }
    Ok(summary)
}

async fn layer_pixels(client: &Client, test: &str) -> Result {
    let expression = format!(
        "(() => {{ const c = document.querySelector('{VIEWPORT}'); return c && c.dataset.ready === 'true' && Number(c.dataset.layerPixels) {test}; }})()"
    );
    wait_for(client, &format!("data-layer-pixels {test}"), &expression).await?;
    Ok(())
}

async fn shown_uid(client: &Client) -> Result<String> {
    attribute(client, "data-sop-instance-uid").await
}

async fn open_segments_tab(client: &Client) -> Result {
    let open = client.execute(r#"return !!document.querySelector('[data-testid="tab-segments"]');"#, vec![]).await?;
    if open != json!(true) {
        click(client, r#"[data-testid="toggle-side-panel"]"#).await?;
    }
    click(client, r#"[data-testid="tab-segments"]"#).await?;
    wait_for(
        client,
        "the segment list",
        r#"document.querySelector('[data-testid="segment-toggle"][data-segment="1"]')"#,
    )
    .await?;
    Ok(())
}

async fn screenshot(client: &Client, name: &str) -> Result {
    let png = client.screenshot().await?;
    let path = std::env::temp_dir().join(format!("e2e-seg-{name}.png"));
    std::fs::write(&path, png)?;
    println!("screenshot: {}", path.display());
    Ok(())
}

async fn seg_over_ct(client: &Client, query: &str, phone: bool) -> Result {
    fresh_page_with(client, query).await?;
    let mut files = ct_files();
    files.push(seg_path());
    open_files(client, &files).await?;
    wait_for(client, "viewport 0 ready", &format!("document.querySelector('{VIEWPORT}[data-ready=\"true\"]')")).await?;
    layer_pixels(client, "> 0").await?;
    let uid = shown_uid(client).await?;
    let ct = ct_files()
        .into_iter()
        .find(|p| source_frame(p).map(|f| f.sop_instance_uid == uid).unwrap_or(false))
        .ok_or_else(|| format!("the shown slice {uid} is none of the CT files"))?;
    let seg = segmentation()?;
    let frame = source_frame(&ct)?;
    let covered = seg.layer_on(&frame, &LayerStyle::default()).map_or(0, |l| l.covered());
    let reported: usize = attribute(client, "data-layer-pixels").await?.parse()?;
    if reported != covered {
        return Err(format!("data-layer-pixels {reported}, the SEG covers {covered} pixels of {uid}").into());
    }
    let want = expected(&ct, &LayerStyle::default())?;
    let result = check_samples(client, &want, 2).await?;
    println!("{query} default style: {result}");

    open_segments_tab(client).await?;
    screenshot(
        client,
        &format!("{}-{}", if phone { "phone" } else { "desktop" }, result["renderer"].as_str().unwrap_or("?")),
    )
    .await?;

    // Opacity 100 %: the fill is the segment's own colour.
    client
        .execute(
            r#"const s = document.querySelector('[data-testid="seg-opacity"]');
               s.value = '100'; s.dispatchEvent(new Event('input', { bubbles: true }));"#,
            vec![],
        )
        .await?;
    let opaque = LayerStyle { opacity: 1.0, ..LayerStyle::default() };
    let want_opaque = expected(&ct, &opaque)?;
    let rgb = seg.segments[0].rgb;
    if want_opaque.fill_alpha != 255 {
        return Err(format!("at 100 % the fill should be opaque, not alpha {}", want_opaque.fill_alpha).into());
    }
    let mut attempts = 0;
    loop {
        match check_samples(client, &want_opaque, 2).await {
            Ok(result) => {
                println!("{query} opacity 100 %: {result} (fill in {rgb:?})");
                break;
            }
            Err(e) if attempts > 40 => return Err(e),
            Err(_) => {
                attempts += 1;
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
        }
    }

    // Segment off: the bare CT.
    click(client, r#"[data-testid="segment-toggle"][data-segment="1"]"#).await?;
    layer_pixels(client, "=== 0").await?;
    let url =
        corpus_url(&format!("dcmqi/segmentations/ct-3slice/{}", ct.file_name().and_then(|n| n.to_str()).unwrap_or("")));
    let bare = compare_with_render_frame(client, &url, false).await?;
    println!("{query} segment hidden: {bare}");
    click(client, r#"[data-testid="segment-toggle"][data-segment="1"]"#).await?;
    layer_pixels(client, "> 0").await?;

    // Choosing the segment shows its centroid slice.
    let centroid = seg.segments[0].centroid_frame.ok_or("no centroid")?;
    let target = seg.frames[centroid].sources.first().map(|s| s.0.clone()).ok_or("no source")?;
    if uid == target {
        // Move away first so the jump is visible.
        press(client, "Home").await?;
        wait_for(
            client,
            "another slice",
            &format!("document.querySelector('{VIEWPORT}').dataset.sopInstanceUid !== {}", json!(target)),
        )
        .await?;
    }
    click(client, r#"[data-testid="segment-jump"][data-segment="1"]"#).await?;
    wait_for(
        client,
        "the centroid slice",
        &format!("document.querySelector('{VIEWPORT}').dataset.sopInstanceUid === {}", json!(target)),
    )
    .await?;
    let selected = client.execute(r#"return document.querySelector('[data-testid="segment-row"][data-segment="1"]').classList.contains('selected');"#, vec![]).await?;
    if selected != json!(true) {
        return Err("the chosen segment's row should be marked selected".into());
    }
    Ok(())
}

async fn run(client: &Client) -> Result {
    client.goto(&env("APP_URL")).await?;
    client.execute("localStorage.removeItem('dicomViewer.sidePanel');", vec![]).await?;
    for query in ["?renderer=canvas2d", "?renderer=webgl2"] {
        seg_over_ct(client, query, false).await?;
    }
    client.set_window_size(390, 844).await?;
    let phone = seg_over_ct(client, "?renderer=canvas2d", true).await;
    client.set_window_size(1400, 1000).await?;
    phone
}

#[tokio::test]
async fn seg_over_ct_end_to_end() {
    let (app, _) = (env("APP_URL"), env("CORPUS_URL"));
    let client = connect().await;
    let result = run(&client).await;
    let _ = client.close().await;
    if let Err(e) = result {
        panic!("{app}: {e}");
    }
}
