//! End to end (fantoccini + ChromeDriver): overlay planes, PNG export and readable labels.
//! - overlay planes (fo-dicom's OutOfBoundsOverlay.dcm: JPEG lossless, two separate planes running
//!   past the image's edges, and a file made here with
//!   an overlay in unused high bits of its 16-bit pixel data) are drawn by WebGL2 and by Canvas2D:
//!   with overlays on, the canvas differs from `render_frame` (which has no overlays) exactly in
//!   white overlay pixels; after the toggle it equals `render_frame` again;
//! - several lengths measured close together at the right edge of a bright image: their label
//!   plates overlap neither each other, the orientation letters nor the lines, and lie inside
//!   the pane;
//! - the exported PNG (the download intercepted in the page, decoded by the browser) holds the
//!   measurement lines, the label plates and the corner text, which the bare canvas does not.
//!
//! - derived objects follow the view, in both renderers: a SEG's fill (dcmqi liver.dcm over its
//!   3-slice CT) covers the same image pixels before and after a window preset, a rotation and a
//!   zoom (the canvas pixels that change when the SEG is switched off, mapped back to image
//!   pixels), and the exported PNG holds its colours; an RTSTRUCT contour (rt-utils) stays on the
//!   same image point through a rotation and is in the exported PNG, not in the canvas.
//!
//! Screenshots (desktop 1400×1000 and phone 390×844) go to $TMPDIR/e2e-overlays-*.png.
//!
//! Needs APP_URL, WEBDRIVER_URL and CORPUS_URL (scripts/browser-tests.sh sets them up).
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};

use dicom_core::{DataElement, PrimitiveValue, Tag, VR};
use dicom_object::meta::FileMetaTableBuilder;
use dicom_object::InMemDicomObject;
use fantoccini::Client;
use serde_json::{json, Value};

mod e2e_support;

use e2e_support::*;

fn element(group: u16, number: u16, vr: VR, value: PrimitiveValue) -> DataElement<InMemDicomObject> {
    DataElement::new(Tag(group, number), vr, value)
}

/// A 16-bit MONOCHROME2 CT-like image with orientation and spacing; `values` per pixel.
fn image(rows: u16, columns: u16, bits_stored: u16, values: Vec<u16>, uid_suffix: u32) -> InMemDicomObject {
    let mut object = InMemDicomObject::new_empty();
    let sop = format!("2.25.77001{uid_suffix}");
    object.put(element(0x0008, 0x0016, VR::UI, "1.2.840.10008.5.1.4.1.1.7".into()));
    object.put(element(0x0008, 0x0018, VR::UI, sop.into()));
    object.put(element(0x0008, 0x0060, VR::CS, "OT".into()));
    object.put(element(0x0010, 0x0010, VR::PN, "Bright^Overlay".into()));
    object.put(element(0x0010, 0x0020, VR::LO, "OVL-1".into()));
    object.put(element(0x0020, 0x000D, VR::UI, format!("2.25.77002{uid_suffix}").into()));
    object.put(element(0x0020, 0x000E, VR::UI, format!("2.25.77003{uid_suffix}").into()));
    object.put(element(0x0020, 0x0037, VR::DS, "1\\0\\0\\0\\1\\0".into()));
    object.put(element(0x0028, 0x0002, VR::US, 1u16.into()));
    object.put(element(0x0028, 0x0004, VR::CS, "MONOCHROME2".into()));
    object.put(element(0x0028, 0x0010, VR::US, rows.into()));
    object.put(element(0x0028, 0x0011, VR::US, columns.into()));
    object.put(element(0x0028, 0x0030, VR::DS, "0.5\\0.5".into()));
    object.put(element(0x0028, 0x0100, VR::US, 16u16.into()));
    object.put(element(0x0028, 0x0101, VR::US, bits_stored.into()));
    object.put(element(0x0028, 0x0102, VR::US, (bits_stored - 1).into()));
    object.put(element(0x0028, 0x0103, VR::US, 0u16.into()));
    object.put(element(0x7FE0, 0x0010, VR::OW, PrimitiveValue::U16(values.into())));
    object
}

fn write(object: InMemDicomObject, path: &Path) -> Result<PathBuf> {
    let sop = object.get(Tag(0x0008, 0x0018)).and_then(|e| e.to_str().ok()).unwrap_or_default().to_string();
    let meta = FileMetaTableBuilder::new()
        .media_storage_sop_class_uid("1.2.840.10008.5.1.4.1.1.7")
        .media_storage_sop_instance_uid(sop.trim_end_matches('\0'))
        .transfer_syntax("1.2.840.10008.1.2.1")
        .build()?;
    object.with_exact_meta(meta).write_to_file(path)?;
    Ok(path.to_path_buf())
}

/// 12 bits stored in 16; bit 14 holds an overlay: a frame 3 pixels wide around the image and a
/// cross through its centre; bit 13 is junk (must not show).
fn embedded_overlay_file(dir: &Path) -> Result<PathBuf> {
    let (rows, columns) = (120u16, 160u16);
    let values: Vec<u16> = (0..usize::from(rows) * usize::from(columns))
        .map(|i| {
            let (r, c) = (i / usize::from(columns), i % usize::from(columns));
            let grey = ((r * 13 + c * 7) % 2048) as u16;
            let edge = r < 3 || c < 3 || r + 3 >= usize::from(rows) || c + 3 >= usize::from(columns);
            let overlay = if edge || r == 60 || c == 80 { 1 << 14 } else { 0 };
            grey | overlay | if (r + c) % 2 == 0 { 1 << 13 } else { 0 }
        })
        .collect();
    let mut object = image(rows, columns, 12, values, 1);
    object.put(element(0x6000, 0x0010, VR::US, rows.into()));
    object.put(element(0x6000, 0x0011, VR::US, columns.into()));
    object.put(element(0x6000, 0x0040, VR::CS, "G".into()));
    object.put(element(0x6000, 0x0050, VR::SS, PrimitiveValue::I16(vec![1, 1].into())));
    object.put(element(0x6000, 0x0100, VR::US, 16u16.into()));
    object.put(element(0x6000, 0x0102, VR::US, 14u16.into()));
    write(object, &dir.join("embedded-overlay.dcm"))
}

/// A nearly white image (values near the top of a 0..4095 window), wide enough to fill the
/// pane's width, so its right edge is the pane's.
fn bright_file(dir: &Path) -> Result<PathBuf> {
    let (rows, columns) = (150u16, 400u16);
    let values: Vec<u16> = (0..usize::from(rows) * usize::from(columns)).map(|i| 4000 + (i % 7) as u16).collect();
    let mut object = image(rows, columns, 12, values, 2);
    object.put(element(0x0028, 0x1050, VR::DS, "2048".into()));
    object.put(element(0x0028, 0x1051, VR::DS, "4096".into()));
    write(object, &dir.join("bright.dcm"))
}

/// The viewport against `render_frame` of the file at `url`: pixels that differ by more than 1
/// and how many of them are white (overlay colour).
async fn differences_from_render_frame(client: &Client, url: &str) -> Result<Value> {
    let script = r#"
        const [selector, url] = arguments;
        return (async () => {
            const canvas = document.querySelector(selector);
            const frame = Number(canvas.dataset.fileFrame);
            const [a, b, c, d, e, f] = canvas.dataset.imageToCanvas.split(',').map(Number);
            const copy = document.createElement('canvas');
            copy.width = canvas.width; copy.height = canvas.height;
            const context = copy.getContext('2d');
            context.drawImage(canvas, 0, 0);
            const shown = context.getImageData(0, 0, copy.width, copy.height).data;
            const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
            const r = window.wasmBindings.render_frame(bytes, frame);
            const det = a * d - b * c;
            const inverse = (x, y) => [(d * (x - e) - c * (y - f)) / det, (-b * (x - e) + a * (y - f)) / det];
            let compared = 0, differing = 0, white = 0, example = null;
            for (let y = 0; y < copy.height; y++) {
                for (let x = 0; x < copy.width; x++) {
                    const [u, v] = inverse(x + 0.5, y + 0.5);
                    if (u < 0 || v < 0 || u >= r.columns || v >= r.rows) continue;
                    const us = [Math.floor(u)], vs = [Math.floor(v)];
                    if (u - Math.floor(u) < 0.01) us.push(Math.floor(u) - 1);
                    if (Math.ceil(u) - u < 0.01) us.push(Math.ceil(u));
                    if (v - Math.floor(v) < 0.01) vs.push(Math.floor(v) - 1);
                    if (Math.ceil(v) - v < 0.01) vs.push(Math.ceil(v));
                    let best = 1e9;
                    const j = (y * copy.width + x) * 4;
                    for (const cu of us) for (const cv of vs) {
                        if (cu < 0 || cv < 0 || cu >= r.columns || cv >= r.rows) continue;
                        const i = (cv * r.columns + cu) * 4;
                        best = Math.min(best, Math.max(Math.abs(shown[j] - r.rgba[i]), Math.abs(shown[j + 1] - r.rgba[i + 1]),
                                                       Math.abs(shown[j + 2] - r.rgba[i + 2])));
                    }
                    compared++;
                    if (best > 1) {
                        differing++;
                        if (shown[j] === 255 && shown[j + 1] === 255 && shown[j + 2] === 255) white++;
                        else if (!example) example = [x, y, u, v, shown[j], shown[j + 1], shown[j + 2]];
                    }
                }
            }
            return { compared, differing, white, example, renderer: canvas.dataset.renderer,
                     overlayPixels: Number(canvas.dataset.overlayPixels), overlaysShown: Number(canvas.dataset.overlaysShown) };
        })();
    "#;
    Ok(client.execute(script, vec![json!(VIEWPORT), json!(url)]).await?)
}

async fn wait_shown(client: &Client, shown: bool) -> Result {
    let test = if shown { "> 0" } else { "=== 0" };
    let expression = format!(
        "(() => {{ const c = document.querySelector('{VIEWPORT}'); return c && c.dataset.ready === 'true' && Number(c.dataset.overlaysShown) {test}; }})()"
    );
    wait_for(client, &format!("overlays shown: {shown}"), &expression).await?;
    Ok(())
}

/// Opens `path` (served at `url`) and checks overlays on, off (key o), on again (toolbar button).
async fn overlay_toggle(client: &Client, query: &str, path: &Path, url: &str, renderer: &str) -> Result {
    fresh_page_with(client, query).await?;
    open_files(client, &[path.to_path_buf()]).await?;
    ready_on_frame(client, 0).await?;
    wait_shown(client, true).await?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let on = differences_from_render_frame(client, url).await?;
    println!("{name} {renderer}, overlays on: {on}");
    if on["renderer"] != json!(renderer) {
        return Err(format!("{name}: expected the {renderer} renderer: {on}").into());
    }
    let (differing, white) = (on["differing"].as_u64().unwrap_or(0), on["white"].as_u64().unwrap_or(0));
    if differing < 50 || white != differing {
        return Err(
            format!("{name} {renderer}: the overlay should show as white pixels over render_frame: {on}").into()
        );
    }
    if on["overlayPixels"] != on["overlaysShown"] {
        return Err(format!("{name}: every overlay pixel should be shown: {on}").into());
    }
    screenshot(client, &format!("{name}-{renderer}-on")).await?;
    press(client, "o").await?;
    wait_shown(client, false).await?;
    let off = differences_from_render_frame(client, url).await?;
    println!("{name} {renderer}, overlays off: {off}");
    if off["differing"] != json!(0) {
        return Err(format!("{name} {renderer}: with overlays off the canvas should equal render_frame: {off}").into());
    }
    let pressed = client
        .execute(
            r#"return document.querySelector('[data-testid="toggle-overlays"]').getAttribute('aria-pressed');"#,
            vec![],
        )
        .await?;
    if pressed != json!("false") {
        return Err(format!("the overlay button should show the overlays are off: {pressed}").into());
    }
    click(client, r#"[data-testid="toggle-overlays"]"#).await?;
    wait_shown(client, true).await?;
    let again = differences_from_render_frame(client, url).await?;
    if again["differing"] != on["differing"] {
        return Err(format!("{name} {renderer}: the button should bring the overlay back: {again} vs {on}").into());
    }
    Ok(())
}

async fn screenshot(client: &Client, name: &str) -> Result {
    let png = client.screenshot().await?;
    let path = std::env::temp_dir().join(format!("e2e-overlays-{name}.png"));
    std::fs::write(&path, png)?;
    println!("screenshot: {}", path.display());
    Ok(())
}

/// Rectangles (page CSS pixels) of the measurement labels, the orientation letters and the pane.
async fn label_geometry(client: &Client) -> Result<Value> {
    Ok(client
        .execute(
            r#"const canvas = document.querySelector(arguments[0]);
               const pane = canvas.getBoundingClientRect();
               const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
               const svg = canvas.parentElement.querySelector('svg.annotations').getBoundingClientRect();
               const at = (l, a, b) => Number(l.getAttribute(a)) + b;
               return {
                   lines: [...canvas.parentElement.querySelectorAll('svg.annotations line')]
                       .map(l => [at(l, 'x1', svg.left), at(l, 'y1', svg.top), at(l, 'x2', svg.left), at(l, 'y2', svg.top)]),
                   pane: [pane.left, pane.top, pane.right, pane.bottom],
                   labels: [...canvas.parentElement.querySelectorAll('[data-testid="measurement-label"]')].map(box),
                   letters: [...canvas.parentElement.querySelectorAll('[data-testid="orientation-letter"]')].map(box),
               };"#,
            vec![json!(VIEWPORT)],
        )
        .await?)
}

fn rects(value: &Value) -> Vec<[f64; 4]> {
    value
        .as_array()
        .map(|list| {
            list.iter()
                .map(|r| {
                    let n = |i: usize| r[i].as_f64().unwrap_or(f64::NAN);
                    [n(0), n(1), n(2), n(3)]
                })
                .collect()
        })
        .unwrap_or_default()
}

fn overlap(a: &[f64; 4], b: &[f64; 4]) -> bool {
    // Half a pixel of slack for sub-pixel rounding of the boxes.
    a[0] < b[2] - 0.5 && b[0] < a[2] - 0.5 && a[1] < b[3] - 0.5 && b[1] < a[3] - 0.5
}

/// Labels must not overlap each other, the letters or the measurement lines, and must lie
/// inside the pane.
fn check_labels(geometry: &Value, expected: usize) -> Result {
    let pane = rects(&json!([geometry["pane"]]))[0];
    let labels = rects(&geometry["labels"]);
    let letters = rects(&geometry["letters"]);
    let lines = rects(&geometry["lines"]);
    for (i, a) in labels.iter().enumerate() {
        // Points along each line, strictly inside a label (half a pixel in from its edges).
        let crossed = lines.iter().find(|[x1, y1, x2, y2]| {
            (0..=100).map(|k| f64::from(k) / 100.0).any(|t| {
                let (x, y) = (x1 + (x2 - x1) * t, y1 + (y2 - y1) * t);
                x > a[0] + 0.5 && x < a[2] - 0.5 && y > a[1] + 0.5 && y < a[3] - 0.5
            })
        });
        if let Some(line) = crossed {
            return Err(format!("label {i} {a:?} covers the measurement line {line:?}").into());
        }
    }
    if labels.len() != expected || letters.len() != 4 {
        return Err(format!("expected {expected} labels and 4 letters: {geometry}").into());
    }
    for (i, a) in labels.iter().enumerate() {
        let inside = a[0] >= pane[0] - 0.5 && a[1] >= pane[1] - 0.5 && a[2] <= pane[2] + 0.5 && a[3] <= pane[3] + 0.5;
        if !inside {
            return Err(format!("label {i} {a:?} leaves the pane {pane:?}").into());
        }
        if let Some(letter) = letters.iter().find(|l| overlap(a, l)) {
            return Err(format!("label {i} {a:?} covers the letter at {letter:?}").into());
        }
        if let Some((j, b)) = labels.iter().enumerate().skip(i + 1).find(|(_, b)| overlap(a, b)) {
            return Err(format!("labels {i} {a:?} and {j} {b:?} overlap").into());
        }
    }
    Ok(())
}

/// Counts in the exported PNG (decoded by the browser) and on the bare canvas: measurement
/// yellow and dark pixels, and how much the export adds in the top-left corner (corner text).
async fn exported_counts(client: &Client) -> Result<Value> {
    client
        .execute(
            r#"window.__exported = null;
               if (!window.__clickPatched) {
                   const original = HTMLAnchorElement.prototype.click;
                   HTMLAnchorElement.prototype.click = function () {
                       if (this.download) { window.__exported = { href: this.href, name: this.download }; return; }
                       return original.call(this);
                   };
                   window.__clickPatched = true;
               }"#,
            vec![],
        )
        .await?;
    press(client, "x").await?;
    wait_for(client, "the exported PNG", "window.__exported").await?;
    Ok(client
        .execute(
            r#"const canvas = document.querySelector(arguments[0]);
               return (async () => {
                   const { href, name } = window.__exported;
                   const picture = new Image();
                   picture.src = href;
                   await picture.decode();
                   const count = (source, width, height) => {
                       const c = document.createElement('canvas');
                       c.width = width; c.height = height;
                       const x = c.getContext('2d');
                       x.drawImage(source, 0, 0);
                       const data = x.getImageData(0, 0, width, height).data;
                       let yellow = 0, dark = 0;
                       for (let i = 0; i < data.length; i += 4) {
                           const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
                           if (r > 200 && g > 170 && b < 140) yellow++;
                           if (r < 90 && g < 90 && b < 90) dark++;
                       }
                       return { yellow, dark };
                   };
                   // The top-left corner (patient name): pixels the export adds there.
                   const region = (source) => {
                       const c = document.createElement('canvas');
                       c.width = 200; c.height = 50;
                       c.getContext('2d').drawImage(source, 0, 0);
                       return c.getContext('2d').getImageData(0, 0, 200, 50).data;
                   };
                   const [mine, bare] = [region(picture), region(canvas)];
                   let cornerChanged = 0;
                   for (let i = 0; i < mine.length; i += 4) if (Math.abs(mine[i] - bare[i]) > 40) cornerChanged++;
                   return { name, href, size: [picture.naturalWidth, picture.naturalHeight], canvasSize: [canvas.width, canvas.height],
                            exported: count(picture, picture.naturalWidth, picture.naturalHeight),
                            canvas: count(canvas, canvas.width, canvas.height), cornerChanged };
               })();"#,
            vec![json!(VIEWPORT)],
        )
        .await?)
}

/// Several lengths ending close together at the right edge of a bright image.
async fn labels_and_export(client: &Client, bright: &Path, phone: bool) -> Result {
    fresh_page_with(client, "?renderer=canvas2d").await?;
    open_files(client, &[bright.to_path_buf()]).await?;
    ready_on_frame(client, 0).await?;
    press(client, "l").await?;
    let count = 4;
    for i in 0..count {
        // Ending within a few pixels of each other at the right edge, beside the "L" letter.
        let y = 70.0 + f64::from(i) * 2.5;
        let from = offset_of_image_point(client, (330.0, y + 30.0)).await?;
        let to = offset_of_image_point(client, (399.0, y)).await?;
        drag(client, from, to).await?;
        wait_for(
            client,
            "the measurement",
            &format!(r#"document.querySelectorAll('[data-testid="measurement-label"]').length === {}"#, i + 1),
        )
        .await?;
    }
    let geometry = label_geometry(client).await?;
    println!("labels (phone: {phone}): {geometry}");
    screenshot(client, if phone { "labels-phone" } else { "labels-desktop" }).await?;
    check_labels(&geometry, count as usize)?;
    let mut counts = exported_counts(client).await?;
    // Keep the PNG for a look, then leave the data URL out of the printout.
    let href = counts["href"].take();
    let encoded = href.as_str().and_then(|h| h.split_once("base64,")).map(|(_, data)| data).unwrap_or_default();
    let path =
        std::env::temp_dir().join(format!("e2e-overlays-export-{}.png", if phone { "phone" } else { "desktop" }));
    std::fs::write(&path, base64_decode(encoded))?;
    println!("export (phone: {phone}, saved as {}): {counts}", path.display());
    let exported_yellow = counts["exported"]["yellow"].as_u64().unwrap_or(0);
    let canvas_yellow = counts["canvas"]["yellow"].as_u64().unwrap_or(0);
    if counts["size"] != counts["canvasSize"] {
        return Err(format!("the PNG should have the canvas's size: {counts}").into());
    }
    if exported_yellow < 100 || canvas_yellow > 0 {
        return Err(format!("the PNG should hold the measurement lines and labels (yellow): {counts}").into());
    }
    if counts["cornerChanged"].as_u64().unwrap_or(0) < 30 {
        return Err(format!("the PNG should hold the corner text: {counts}").into());
    }
    Ok(())
}

/// Saves the viewport's pixels and transform as `window.__snaps[name]`.
async fn snapshot(client: &Client, name: &str) -> Result {
    client
        .execute(
            r#"const [selector, name] = arguments;
               const canvas = document.querySelector(selector);
               const copy = document.createElement('canvas');
               copy.width = canvas.width; copy.height = canvas.height;
               const context = copy.getContext('2d');
               context.drawImage(canvas, 0, 0);
               window.__snaps = window.__snaps || {};
               window.__snaps[name] = { pixels: context.getImageData(0, 0, copy.width, copy.height).data,
                   width: copy.width, height: copy.height,
                   transform: canvas.dataset.imageToCanvas.split(',').map(Number) };"#,
            vec![json!(VIEWPORT), json!(name)],
        )
        .await?;
    Ok(())
}

/// The image pixels under the canvas pixels that differ (any channel by more than 2) between
/// snapshots `on` and `off` (same transform), kept as `window.__sets[name]`; returns its size.
async fn changed_image_pixels(client: &Client, on: &str, off: &str, name: &str) -> Result<u64> {
    let value = client
        .execute(
            r#"const [on, off, name] = arguments;
               const a = window.__snaps[on], b = window.__snaps[off];
               const [ta, tb, tc, td, te, tf] = a.transform;
               const det = ta * td - tb * tc;
               const set = new Set();
               for (let y = 0; y < a.height; y++) for (let x = 0; x < a.width; x++) {
                   const i = (y * a.width + x) * 4;
                   if (Math.max(Math.abs(a.pixels[i] - b.pixels[i]), Math.abs(a.pixels[i + 1] - b.pixels[i + 1]),
                                Math.abs(a.pixels[i + 2] - b.pixels[i + 2])) <= 2) continue;
                   const [px, py] = [x + 0.5 - te, y + 0.5 - tf];
                   const u = Math.floor((td * px - tc * py) / det), v = Math.floor((-tb * px + ta * py) / det);
                   set.add(u + ',' + v);
               }
               window.__sets = window.__sets || {};
               window.__sets[name] = set;
               return set.size;"#,
            vec![json!(on), json!(off), json!(name)],
        )
        .await?;
    Ok(value.as_u64().unwrap_or(0))
}

async fn set_derived_shown(client: &Client, kind: &str, shown: bool) -> Result {
    let selector =
        format!(r#"[data-testid="derived-entry"][data-derived-kind="{kind}"] [data-testid="derived-shown"]"#);
    wait_for(client, "the derived object's switch", &format!("document.querySelector({})", json!(selector))).await?;
    client
        .execute(
            "const box = document.querySelector(arguments[0]); if (box.checked !== arguments[1]) box.click();",
            vec![json!(selector), json!(shown)],
        )
        .await?;
    let test = if shown { "> 0" } else { "=== 0" };
    wait_for(
        client,
        &format!("{kind} shown: {shown}"),
        &format!(
            "(() => {{ const c = document.querySelector('{VIEWPORT}'); return c.dataset.ready === 'true' && Number(c.dataset.layerPixels) {test}; }})()"
        ),
    )
    .await?;
    Ok(())
}

/// Colourful pixels (channels apart by more than 30) of the exported PNG and of the canvas.
async fn exported_colour(client: &Client) -> Result<Value> {
    client.execute("window.__exported = null;", vec![]).await?;
    let counts = exported_counts(client).await?;
    let _ = counts;
    Ok(client
        .execute(
            r#"const canvas = document.querySelector(arguments[0]);
               return (async () => {
                   const picture = new Image();
                   picture.src = window.__exported.href;
                   await picture.decode();
                   const count = (source, width, height) => {
                       const c = document.createElement('canvas');
                       c.width = width; c.height = height;
                       const x = c.getContext('2d');
                       x.drawImage(source, 0, 0);
                       const data = x.getImageData(0, 0, width, height).data;
                       let colourful = 0;
                       for (let i = 0; i < data.length; i += 4) {
                           const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
                           if (Math.max(r, g, b) - Math.min(r, g, b) > 30) colourful++;
                       }
                       return colourful;
                   };
                   return { exported: count(picture, picture.naturalWidth, picture.naturalHeight),
                            canvas: count(canvas, canvas.width, canvas.height) };
               })();"#,
            vec![json!(VIEWPORT)],
        )
        .await?)
}

/// A SEG's fill stays on the same image pixels through window, rotation and zoom, and exports.
async fn seg_follows_the_view(client: &Client, query: &str, renderer: &str) -> Result {
    fresh_page_with(client, query).await?;
    let folder = corpus().join("dcmqi/segmentations");
    let files: Vec<PathBuf> = ["ct-3slice/01.dcm", "ct-3slice/02.dcm", "ct-3slice/03.dcm", "liver.dcm"]
        .iter()
        .map(|name| folder.join(name))
        .collect();
    open_files(client, &files).await?;
    wait_for(
        client,
        "the SEG drawn over the CT",
        &format!(
            "(() => {{ const c = document.querySelector('{VIEWPORT}'); return c && c.dataset.ready === 'true' && Number(c.dataset.layerPixels) > 0; }})()"
        ),
    )
    .await?;
    if attribute(client, "data-renderer").await? != renderer {
        return Err(format!("expected the {renderer} renderer").into());
    }
    // The side panel's state is remembered: open it only when it is closed.
    client
        .execute(
            r#"if (!document.querySelector('[data-testid="side-panel"]'))
                   document.querySelector('[data-testid="toggle-side-panel"]').click();"#,
            vec![],
        )
        .await?;
    click(client, r#"[data-testid="tab-segments"]"#).await?;
    snapshot(client, "on1").await?;
    set_derived_shown(client, "seg", false).await?;
    snapshot(client, "off1").await?;
    let before = changed_image_pixels(client, "on1", "off1", "before").await?;
    set_derived_shown(client, "seg", true).await?;
    let layer_pixels: u64 = attribute(client, "data-layer-pixels").await?.parse().unwrap_or(0);
    let window_before = attribute(client, "data-window-center").await?;
    press(client, "2").await?;
    press(client, "r").await?;
    press(client, "+").await?;
    wait_for(
        client,
        "the new window, rotation and zoom drawn",
        &format!(
            "(() => {{ const c = document.querySelector('{VIEWPORT}'); return c.dataset.ready === 'true' && c.dataset.windowCenter !== {} && c.dataset.imageToCanvas !== window.__snaps.on1.transform.join(','); }})()",
            json!(window_before)
        ),
    )
    .await?;
    screenshot(client, &format!("seg-{renderer}-rotated")).await?;
    snapshot(client, "on2").await?;
    let colour = exported_colour(client).await?;
    set_derived_shown(client, "seg", false).await?;
    snapshot(client, "off2").await?;
    let after = changed_image_pixels(client, "on2", "off2", "after").await?;
    let common = client
        .execute(
            "let n = 0; for (const p of window.__sets.before) if (window.__sets.after.has(p)) n++; return n;",
            vec![],
        )
        .await?
        .as_u64()
        .unwrap_or(0);
    let overlap = common as f64 / before.max(after).max(1) as f64;
    println!(
        "SEG {renderer}: layer {layer_pixels} image px; changed image px before {before}, after window+rotate+zoom {after}, common {common} ({overlap:.3}); export colourful {colour}"
    );
    if before < layer_pixels / 2 || overlap < 0.9 {
        return Err(format!(
            "{renderer}: the SEG fill should cover the same image pixels after window, rotation and zoom: before {before}, after {after}, common {common} of layer {layer_pixels}"
        )
        .into());
    }
    let (exported, canvas) = (colour["exported"].as_u64().unwrap_or(0), colour["canvas"].as_u64().unwrap_or(0));
    if canvas < 500 || exported * 10 < canvas * 9 {
        return Err(format!("{renderer}: the exported PNG should hold the SEG colours of the canvas: {colour}").into());
    }
    Ok(())
}

/// An RTSTRUCT contour stays on its image point through a rotation and is exported.
async fn contour_follows_the_view(client: &Client) -> Result {
    fresh_page_with(client, "?renderer=canvas2d").await?;
    let folder = corpus().join("derived/rtstruct/rt-utils");
    let files: Vec<PathBuf> = ["ct_1.dcm", "ct_2.dcm", "rt.dcm"].iter().map(|name| folder.join(name)).collect();
    open_files(client, &files).await?;
    let first_point = r#"(() => {
        const canvas = document.querySelector('[data-testid="viewport"][data-pane="0"]');
        if (!canvas) return null;
        const line = canvas.parentElement.querySelector('svg.derived-graphics g[data-derived-kind="rtstruct"] polyline');
        if (!line || canvas.dataset.ready !== 'true') return null;
        const [x, y] = line.getAttribute('points').split(' ')[0].split(',').map(Number);
        return { x, y, scale: canvas.width / canvas.clientWidth, transform: canvas.dataset.imageToCanvas.split(',').map(Number) };
    })()"#;
    // rt.dcm's contours all lie on ct_1 (z = 60), the first slice; the viewer opens on the middle.
    ready_on_frame(client, 1).await?;
    client
        .execute(
            r#"const slider = document.querySelector('.slice-slider');
               slider.value = '0';
               slider.dispatchEvent(new Event('input', { bubbles: true }));"#,
            vec![],
        )
        .await?;
    ready_on_frame(client, 0).await?;
    let before = wait_for(client, "the RTSTRUCT contour", first_point).await?;
    let number = |v: &Value| v.as_f64().unwrap_or(f64::NAN);
    let t: Vec<f64> = before["transform"].as_array().map(|a| a.iter().map(number).collect()).unwrap_or_default();
    let (x, y, scale) = (
        number(&before["x"]) * number(&before["scale"]),
        number(&before["y"]) * number(&before["scale"]),
        number(&before["scale"]),
    );
    let det = t[0] * t[3] - t[1] * t[2];
    let (px, py) = (x - t[4], y - t[5]);
    let image_point = ((t[3] * px - t[2] * py) / det, (-t[1] * px + t[0] * py) / det);
    press(client, "r").await?;
    let rotated = wait_for(
        client,
        "the contour after a rotation",
        &format!(
            "(() => {{ const p = {first_point}; return p && p.transform.join(',') !== {} ? p : null; }})()",
            json!(before["transform"]
                .as_array()
                .map(|a| a.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(","))
                .unwrap_or_default())
        ),
    )
    .await?;
    let t2: Vec<f64> = rotated["transform"].as_array().map(|a| a.iter().map(number).collect()).unwrap_or_default();
    let expected = (
        (t2[0] * image_point.0 + t2[2] * image_point.1 + t2[4]) / scale,
        (t2[1] * image_point.0 + t2[3] * image_point.1 + t2[5]) / scale,
    );
    let (got_x, got_y) = (number(&rotated["x"]), number(&rotated["y"]));
    println!("contour point: image {image_point:?}, after rotation drawn at ({got_x}, {got_y}), expected {expected:?}");
    if (got_x - expected.0).abs() > 1.0 || (got_y - expected.1).abs() > 1.0 {
        return Err(format!("the contour should stay on image point {image_point:?} after a rotation: drawn at ({got_x}, {got_y}), expected {expected:?}").into());
    }
    let colour = exported_colour(client).await?;
    println!("RTSTRUCT export colourful pixels: {colour}");
    let (exported, canvas) = (colour["exported"].as_u64().unwrap_or(0), colour["canvas"].as_u64().unwrap_or(0));
    if canvas != 0 || exported < 50 {
        return Err(format!("the exported PNG should hold the contour (the canvas has none): {colour}").into());
    }
    screenshot(client, "rtstruct-rotated").await?;
    Ok(())
}

async fn run(client: &Client) -> Result {
    // The pixel comparisons want the image at least 1:1 on the canvas, as before the side panel
    // existed: it starts collapsed (remembered in localStorage).
    client.goto(&env("APP_URL")).await?;
    client.execute("localStorage.setItem('dicomViewer.sidePanel', 'closed');", vec![]).await?;
    let dir = temp_dir("overlays");
    let embedded = embedded_overlay_file(&dir)?;
    let separate = corpus().join("derived/overlay/fo-dicom/OutOfBoundsOverlay.dcm");
    let separate_url = corpus_url("derived/overlay/fo-dicom/OutOfBoundsOverlay.dcm");
    // The generated file is read back by the page through a blob of the same bytes.
    let embedded_url = format!("data:application/dicom;base64,{}", base64(&std::fs::read(&embedded)?));
    for (query, renderer) in [("?renderer=webgl2", "webgl2"), ("?renderer=canvas2d", "canvas2d")] {
        overlay_toggle(client, query, &separate, &separate_url, renderer).await?;
        overlay_toggle(client, query, &embedded, &embedded_url, renderer).await?;
    }
    for (query, renderer) in [("?renderer=webgl2", "webgl2"), ("?renderer=canvas2d", "canvas2d")] {
        seg_follows_the_view(client, query, renderer).await?;
    }
    contour_follows_the_view(client).await?;
    let bright = bright_file(&dir)?;
    labels_and_export(client, &bright, false).await?;
    client.set_window_size(390, 844).await?;
    let phone = labels_and_export(client, &bright, true).await;
    client.set_window_size(1400, 1000).await?;
    phone?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let sextets: Vec<u8> = text.bytes().filter_map(value).collect();
    let mut out = Vec::with_capacity(sextets.len() * 3 / 4);
    for chunk in sextets.chunks(4) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, v)| n | (u32::from(*v) << (18 - 6 * i)));
        out.extend(n.to_be_bytes()[1..chunk.len()].iter().copied());
    }
    out
}

#[tokio::test]
async fn overlays_export_and_labels_end_to_end() {
    let (app, _) = (env("APP_URL"), env("CORPUS_URL"));
    let client = connect().await;
    let result = run(&client).await;
    let _ = client.close().await;
    if let Err(e) = result {
        panic!("{app}: {e}");
    }
}
