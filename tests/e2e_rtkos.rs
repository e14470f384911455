//! End to end (fantoccini + ChromeDriver): RT structure sets and key object selections.
//! - rt-utils' two CT slices with `rt.dcm` opened as local files: the Segments tab lists ROI-1;
//!   choosing it shows the slice its contours lie on; the contours are drawn as SVG polylines
//!   (`data-derived-kind="rtstruct"`) whose points, taken back to image pixels through
//!   `data-image-to-canvas`, lie within 0.5 px of the hand computation from dcmdump's Contour
//!   Data, Image Position and Pixel Spacing; the ROI's toggle hides them.
//! - a KOS written here by highdicom over three slices of mr-series-128, opened with the series
//!   minus one of them: the Report tab lists three key images, the one whose slice is missing
//!   is marked not open with a message naming its series, and choosing another shows exactly
//!   that SOP instance in the viewport.
//!
//! Screenshots (desktop 1400×1000 and phone 390×844) go to $RTKOS_SCREENS (default
//! target/rtkos-screens).
//!
//! Needs APP_URL and WEBDRIVER_URL (scripts/browser-tests.sh sets them up).
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};
use std::process::Command;

use fantoccini::Client;
use serde_json::{json, Value};

mod e2e_support;

use e2e_support::*;

fn screens() -> PathBuf {
    let dir = std::env::var("RTKOS_SCREENS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/rtkos-screens"));
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

/// dcmdump's bracketed value of the first `tag` in `path`.
fn dcmdump_value(path: &Path, tag: &str) -> String {
    let output = Command::new("dcmdump").args(["-q", "+L", "+P", tag]).arg(path).output().expect("dcmdump (dcmtk)");
    let text = String::from_utf8_lossy(&output.stdout).to_string();
    let line = text.lines().next().unwrap_or_else(|| panic!("{} has no {tag}", path.display()));
    let start = line.find('[').map_or(0, |i| i + 1);
    let end = line.rfind(']').unwrap_or(line.len());
    line[start..end].to_string()
}

fn numbers(text: &str) -> Vec<f64> {
    text.split('\\').map(|v| v.trim().parse::<f64>().expect("a decimal")).collect()
}

/// Every Contour Data of `path`, as dcmdump prints them, with the image each names.
fn contours(path: &Path) -> Vec<(String, Vec<[f64; 3]>)> {
    let output = Command::new("dcmdump").args(["-q", "+L"]).arg(path).output().expect("dcmdump");
    let text = String::from_utf8_lossy(&output.stdout).to_string();
    let mut image = String::new();
    let mut out = Vec::new();
    let mut in_contours = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("(3006,0039)") {
            in_contours = true;
        } else if !line.starts_with(' ') && !trimmed.starts_with("(fffe") {
            in_contours = false;
        }
        let bracket = |l: &str| l[l.find('[').map_or(0, |i| i + 1)..l.rfind(']').unwrap_or(l.len())].to_string();
        if in_contours && trimmed.starts_with("(0008,1155)") {
            image = bracket(trimmed);
        } else if in_contours && trimmed.starts_with("(3006,0050)") {
            let values = numbers(&bracket(trimmed));
            out.push((std::mem::take(&mut image), values.chunks_exact(3).map(|c| [c[0], c[1], c[2]]).collect()));
        }
    }
    out
}

async fn open_tab(client: &Client, tab: &str) -> Result {
    let selector = format!(r#"[data-testid="tab-{tab}"]"#);
    let present = client.execute("return !!document.querySelector(arguments[0]);", vec![json!(selector)]).await?;
    if present != json!(true) {
        click(client, r#"[data-testid="toggle-side-panel"]"#).await?;
    }
    click(client, &selector).await?;
    Ok(())
}

/// The rtstruct polylines of viewport 0, in image pixels (through the inverse of
/// data-image-to-canvas), relative to the SVG's own origin against the canvas's.
async fn drawn_contours(client: &Client) -> Result<Vec<Vec<(f64, f64)>>> {
    let value = client
        .execute(
            r#"const canvas = document.querySelector('[data-testid="viewport"][data-pane="0"]');
               const svg = canvas.parentElement.querySelector('svg[data-testid="derived-graphics"]');
               const [a, b, c, d, e, f] = canvas.dataset.imageToCanvas.split(',').map(Number);
               const scale = canvas.width / canvas.clientWidth;
               const cr = canvas.getBoundingClientRect(), sr = svg.getBoundingClientRect();
               const det = a * d - b * c;
               return [...svg.querySelectorAll('g[data-derived-kind="rtstruct"] polyline')].map(p =>
                   p.getAttribute('points').trim().split(/\s+/).map(pair => {
                       const [sx, sy] = pair.split(',').map(Number);
                       // SVG CSS px → canvas px → image px.
                       const x = (sx + sr.left - cr.left) * scale, y = (sy + sr.top - cr.top) * scale;
                       return [(d * (x - e) - c * (y - f)) / det, (-b * (x - e) + a * (y - f)) / det];
                   }));"#,
            vec![],
        )
        .await?;
    let list: Vec<Vec<(f64, f64)>> = serde_json::from_value::<Vec<Vec<[f64; 2]>>>(value)?
        .into_iter()
        .map(|points| points.into_iter().map(|[x, y]| (x, y)).collect())
        .collect();
    Ok(list)
}

async fn graphics_count(client: &Client) -> Result<Value> {
    Ok(client
        .execute(
            r#"const c = document.querySelector('[data-testid="viewport"][data-pane="0"]');
               return [c.dataset.graphics, c.parentElement.querySelectorAll('g[data-derived-kind="rtstruct"]').length];"#,
            vec![],
        )
        .await?)
}

async fn structure_set(client: &Client) -> Result {
    let dir = corpus().join("derived/rtstruct/rt-utils");
    let (ct_1, ct_2, rt) = (dir.join("ct_1.dcm"), dir.join("ct_2.dcm"), dir.join("rt.dcm"));
    fresh_page(client).await?;
    open_files(client, &[ct_2.clone(), rt.clone(), ct_1.clone()]).await?;
    wait_for(
        client,
        "the CT shown",
        r#"document.querySelector('[data-testid="viewport"][data-pane="0"]')?.dataset.ready === 'true'"#,
    )
    .await?;
    open_tab(client, "segments").await?;
    wait_for(
        client,
        "the structure set loaded",
        r#"document.querySelector('[data-testid="derived-entry"][data-derived-kind="rtstruct"][data-state="loaded"] [data-testid="roi-item"][data-roi="1"]')"#,
    )
    .await?;
    // Choosing ROI-1 shows the slice its contours lie on (ct_1, z = 60).
    click(client, r#"[data-testid="roi-item"][data-roi="1"]"#).await?;
    wait_for(
        client,
        "ct_1 shown with its contours",
        r#"(() => { const c = document.querySelector('[data-testid="viewport"][data-pane="0"]');
                   return !!c && c.dataset.ready === 'true' && c.dataset.fileName === 'ct_1.dcm' && Number(c.dataset.graphics) > 0; })()"#,
    )
    .await?;

    // Hand computation (axial, checked): column = (x − x₀)/Δcol + 0.5, row = (y − y₀)/Δrow + 0.5.
    assert_eq!(numbers(&dcmdump_value(&ct_1, "0020,0037")), [1.0, 0.0, 0.0, 0.0, 1.0, 0.0]);
    let position = numbers(&dcmdump_value(&ct_1, "0020,0032"));
    let spacing = numbers(&dcmdump_value(&ct_1, "0028,0030"));
    let uid = dcmdump_value(&ct_1, "0008,0018");
    let expected: Vec<Vec<(f64, f64)>> = contours(&rt)
        .into_iter()
        .filter(|(image, _)| *image == uid)
        .map(|(_, points)| {
            points
                .iter()
                .map(|p| ((p[0] - position[0]) / spacing[1] + 0.5, (p[1] - position[1]) / spacing[0] + 0.5))
                .collect()
        })
        .collect();
    let drawn = drawn_contours(client).await?;
    println!("rtstruct: {} contours drawn on ct_1, {} expected", drawn.len(), expected.len());
    assert_eq!(drawn.len(), expected.len());
    let mut worst = 0f64;
    for (polyline, hand) in drawn.iter().zip(&expected) {
        // Closed: the SVG repeats the first point at the end.
        assert_eq!(polyline.len(), hand.len() + 1);
        for (p, h) in polyline.iter().zip(hand) {
            worst = worst.max((p.0 - h.0).abs()).max((p.1 - h.1).abs());
        }
    }
    println!("rtstruct: largest distance from the hand computation {worst:.4} image px");
    assert!(worst <= 0.5, "contour points off by {worst} px");
    screenshot(client, "rtstruct-desktop").await?;
    client.set_window_size(390, 844).await?;
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    screenshot(client, "rtstruct-phone").await?;
    open_tab(client, "segments").await?;
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    screenshot(client, "rtstruct-phone-panel").await?;
    client.set_window_size(1400, 1000).await?;
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    open_tab(client, "segments").await?;

    // The ROI's toggle hides its contours.
    click(client, r#"[data-testid="roi-toggle"][data-roi="1"]"#).await?;
    wait_for(
        client,
        "ROI-1 hidden",
        r#"(() => { const c = document.querySelector('[data-testid="viewport"][data-pane="0"]');
                   return !!c && c.dataset.graphics === '0' && !c.parentElement.querySelector('g[data-derived-kind="rtstruct"]'); })()"#,
    )
    .await?;
    println!("rtstruct: hidden → {}", graphics_count(client).await?);
    click(client, r#"[data-testid="roi-toggle"][data-roi="1"]"#).await?;
    wait_for(
        client,
        "ROI-1 shown again",
        r#"Number(document.querySelector('[data-testid="viewport"][data-pane="0"]')?.dataset.graphics) > 0"#,
    )
    .await?;
    Ok(())
}

fn python() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".tools/py/bin/python")
}

/// A KOS over `slices` of mr-series-128, written by highdicom.
fn highdicom_kos(slices: &[u32], out: &Path) {
    let script = r#"
import sys, pydicom
from highdicom.ko import KeyObjectSelection, KeyObjectSelectionDocument
from pydicom.sr.codedict import codes
from pydicom.uid import generate_uid
out, files = sys.argv[1], sys.argv[2:]
images = [pydicom.dcmread(f) for f in files]
for image in images:
    for keyword in ('PatientName', 'PatientID', 'PatientSex', 'PatientBirthDate', 'StudyID',
                    'StudyDate', 'StudyTime', 'ReferringPhysicianName', 'AccessionNumber'):
        if keyword not in image:
            setattr(image, keyword, '')
content = KeyObjectSelection(document_title=codes.DCM.OfInterest, referenced_objects=images,
                             description='Slices to review')
document = KeyObjectSelectionDocument(evidence=images, content=content,
    series_instance_uid=generate_uid(), series_number=99, sop_instance_uid=generate_uid(),
    instance_number=1, manufacturer='rtkos e2e')
document.SeriesDescription = 'Key images'
document.save_as(out)
"#;
    let mr = corpus().join("mr-series-128");
    let status = Command::new(python())
        .args(["-W", "ignore", "-c", script])
        .arg(out)
        .args(slices.iter().map(|i| mr.join(format!("slice{i}.dcm"))))
        .status()
        .expect("the highdicom venv (.tools/py, scripts/setup.sh)");
    assert!(status.success(), "highdicom wrote the KOS");
}

async fn key_objects(client: &Client) -> Result {
    let dir = temp_dir("rtkos-kos");
    let kos = dir.join("key-images.dcm");
    let slices = [20u32, 64, 100];
    highdicom_kos(&slices, &kos);
    let mr = corpus().join("mr-series-128");
    let mut files: Vec<PathBuf> = (0..128).filter(|i| *i != 100).map(|i| mr.join(format!("slice{i}.dcm"))).collect();
    files.push(kos.clone());
    fresh_page(client).await?;
    open_files(client, &files).await?;
    wait_for(
        client,
        "the MR series loaded",
        r#"(() => { const c = document.querySelector('[data-testid="viewport"][data-pane="0"]');
                   return c && c.dataset.ready === 'true' && c.parentElement.dataset.loaded === '127'; })()"#,
    )
    .await?;
    open_tab(client, "report").await?;
    wait_for(client, "three key images", r#"document.querySelectorAll('[data-testid="key-image"]').length === 3"#)
        .await?;
    let rows = client
        .execute(
            r#"return [...document.querySelectorAll('[data-testid="key-image"]')].map(b =>
                   [b.dataset.sopInstanceUid, b.disabled, b.innerText]);"#,
            vec![],
        )
        .await?;
    println!("kos rows: {rows}");
    let title =
        client.execute(r#"return document.querySelector('[data-testid="kos-title"]').innerText;"#, vec![]).await?;
    assert_eq!(title, json!("Of Interest"));
    let uids: Vec<String> =
        slices.iter().map(|i| dcmdump_value(&mr.join(format!("slice{i}.dcm")), "0008,0018")).collect();
    for (index, uid) in uids.iter().enumerate() {
        assert_eq!(rows[index][0], json!(uid));
        assert_eq!(rows[index][1], json!(slices[index] == 100), "slice {} not open ⇔ disabled", slices[index]);
    }
    let note = client
        .execute(r#"return document.querySelector('[data-testid="kos-needs-source"]').innerText;"#, vec![])
        .await?;
    // slice100 is missing from the open series: the message names that series.
    let series = dcmdump_value(&mr.join("slice1.dcm"), "0008,103e");
    assert!(note.as_str().unwrap_or_default().contains(&series), "the message names the series: {note}");
    println!("kos: {note}");

    for (slice, uid) in [(64u32, &uids[1]), (20, &uids[0])] {
        click(client, &format!(r#"[data-testid="key-image"][data-sop-instance-uid="{uid}"]"#)).await?;
        wait_for(
            client,
            &format!("slice{slice}.dcm shown"),
            &format!(
                r#"(() => {{ const c = document.querySelector('[data-testid="viewport"][data-pane="0"]');
                           return !!c && c.dataset.ready === 'true' && c.dataset.fileName === 'slice{slice}.dcm'; }})()"#
            ),
        )
        .await?;
        // The shown file really is that SOP instance (dcmdump on the file the viewport names).
        let shown = client
            .execute(
                r#"return document.querySelector('[data-testid="viewport"][data-pane="0"]').dataset.fileName;"#,
                vec![],
            )
            .await?;
        assert_eq!(&dcmdump_value(&mr.join(shown.as_str().unwrap_or_default()), "0008,0018"), uid);
        println!("kos: key image {uid} → viewport shows {shown}");
    }
    screenshot(client, "kos-desktop").await?;
    client.set_window_size(390, 844).await?;
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    open_tab(client, "report").await?;
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    screenshot(client, "kos-phone-panel").await?;
    client.set_window_size(1400, 1000).await?;
    Ok(())
}

#[tokio::test]
async fn rtstruct_and_key_images_end_to_end() {
    let app = env("APP_URL");
    let client = connect().await;
    let result = async {
        structure_set(&client).await?;
        key_objects(&client).await
    }
    .await;
    let _ = client.close().await;
    if let Err(e) = result {
        panic!("{app}: {e}");
    }
}
