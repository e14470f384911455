//! End to end (fantoccini + ChromeDriver): a TID 1500 measurement report over images we have.
//! A Comprehensive 3D SR is generated at test time with highdicom (`.tools/py`) over two slices
//! of `mr-series-128`: group 1 "Lesion 1" = a length (NUM inferred from a POLYLINE SCOORD
//! selected from slice 60), group 2 "Region 2" = a planar ROI (CIRCLE on slice 70) with an area.
//! Opened with part of the series:
//! - the Report tab lists one `sr-measurement` row per measurement with dsrdump's value and unit;
//! - choosing a row shows the referenced image (`data-sop-instance-uid`) with one SVG graphic
//!   `data-derived-kind="sr"` of that group, highlighted, at the canvas position of its image
//!   coordinates (through `data-image-to-canvas`);
//! - the group's switch hides and shows its graphic (`data-graphics`);
//! - the Tree view, expanded, lists exactly dsrdump's items (position and value type, in order);
//! - the report alone says its images are not open, and a row names the missing image.
//!
//! Screenshots (desktop 1400×1000, phone 390×844) go to $SR_SCREENSHOTS (default
//! target/sr-screens). Needs APP_URL and WEBDRIVER_URL (scripts/browser-tests.sh).
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};
use std::process::Command;

use fantoccini::Client;
use serde_json::{json, Value};

mod e2e_support;

use e2e_support::*;

const LENGTH_MM: &str = "25.5";
const AREA_MM2: &str = "314.2";
const SLICE_LENGTH: u32 = 60;
const SLICE_AREA: u32 = 70;
const LINE: [(f64, f64); 2] = [(40.0, 30.0), (90.0, 70.0)];
const CIRCLE: [(f64, f64); 2] = [(64.0, 64.0), (74.0, 64.0)];

const GENERATOR: &str = r#"
import sys
import numpy as np
import pydicom
import highdicom as hd
from pydicom.sr.codedict import codes

out, a_path, b_path, length_mm, area_mm2 = sys.argv[1:6]
line = [float(v) for v in sys.argv[6].split(",")]
circle = [float(v) for v in sys.argv[7].split(",")]
a = pydicom.dcmread(a_path)
b = pydicom.dcmread(b_path)
# Patient/study attributes the SR copies from its evidence (absent in these slices).
for image in (a, b):
    for keyword in ("PatientSex", "PatientBirthDate", "StudyDate", "StudyTime", "ReferringPhysicianName",
                    "AccessionNumber", "StudyID", "PatientName", "PatientID"):
        if keyword not in image:
            setattr(image, keyword, "")
observer = hd.sr.PersonObserverIdentifyingAttributes(name="Reader^Test")
context = hd.sr.ObservationContext(
    observer_person_context=hd.sr.ObserverContext(observer_type=codes.DCM.Person, observer_identifying_attributes=observer)
)
coordinates = hd.sr.CoordinatesForMeasurement(
    graphic_type=hd.sr.GraphicTypeValues.POLYLINE,
    graphic_data=np.array(line).reshape(-1, 2),
    source_image=hd.sr.SourceImageForRegion.from_source_image(a),
)
length = hd.sr.Measurement(name=codes.SCT.Length, value=float(length_mm), unit=codes.UCUM.Millimeter,
                           referenced_coordinates=[coordinates])
group1 = hd.sr.MeasurementsAndQualitativeEvaluations(
    tracking_identifier=hd.sr.TrackingIdentifier(uid=hd.UID(), identifier="Lesion 1"),
    finding_type=codes.SCT.Nodule,
    finding_sites=[hd.sr.FindingSite(anatomic_location=codes.SCT.Brain)],
    measurements=[length],
)
region = hd.sr.ImageRegion(
    graphic_type=hd.sr.GraphicTypeValues.CIRCLE,
    graphic_data=np.array(circle).reshape(-1, 2),
    source_image=hd.sr.SourceImageForRegion.from_source_image(b),
)
area = hd.sr.Measurement(name=codes.SCT.Area, value=float(area_mm2), unit=codes.UCUM.SquareMillimeter)
group2 = hd.sr.PlanarROIMeasurementsAndQualitativeEvaluations(
    tracking_identifier=hd.sr.TrackingIdentifier(uid=hd.UID(), identifier="Region 2"),
    referenced_region=region,
    finding_type=codes.SCT.Lesion,
    measurements=[area],
)
report = hd.sr.MeasurementReport(
    observation_context=context,
    procedure_reported=codes.LN.CTUnspecifiedBodyRegion,
    imaging_measurements=[group1, group2],
)
sr = hd.sr.Comprehensive3DSR(
    evidence=[a, b], content=report[0], series_instance_uid=hd.UID(), series_number=99,
    sop_instance_uid=hd.UID(), instance_number=1, manufacturer="e2e_sr", is_complete=True,
    series_description="Test measurements",
)
sr.save_as(out)
"#;

fn python() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".tools/py/bin/python")
}

fn slice(n: u32) -> PathBuf {
    corpus().join(format!("mr-series-128/slice{n}.dcm"))
}

fn generate(dir: &Path) -> PathBuf {
    let script = dir.join("make_sr.py");
    std::fs::write(&script, GENERATOR).unwrap();
    let out = dir.join("report.dcm");
    let joined = |points: &[(f64, f64)]| {
        points.iter().flat_map(|(x, y)| [x.to_string(), y.to_string()]).collect::<Vec<_>>().join(",")
    };
    let status = Command::new(python())
        .arg(&script)
        .arg(&out)
        .arg(slice(SLICE_LENGTH))
        .arg(slice(SLICE_AREA))
        .args([LENGTH_MM, AREA_MM2])
        .args([joined(&LINE), joined(&CIRCLE)])
        .status()
        .unwrap_or_else(|e| panic!("{}: {e} (bash scripts/setup.sh installs highdicom)", python().display()));
    assert!(status.success(), "highdicom could not write the report");
    out
}

fn sop_instance_uid(path: &Path) -> String {
    let output = Command::new("dcmdump").args(["+P", "0008,0018", "-q"]).arg(path).output().expect("dcmdump");
    let text = String::from_utf8_lossy(&output.stdout);
    text.split('[').nth(1).and_then(|s| s.split(']').next()).unwrap_or_default().to_string()
}

/// (position, value type) of every line of `dsrdump +Pn`, and the NUM values as printed.
fn dsrdump(path: &Path) -> (Vec<(String, String)>, Vec<String>) {
    let output = Command::new("dsrdump").args(["-Ee", "-Ec", "+Pn", "+Pl"]).arg(path).output().expect("dsrdump");
    let text = String::from_utf8_lossy(&output.stdout).to_string();
    let mut items = Vec::new();
    let mut numbers = Vec::new();
    for line in text.lines() {
        let Some((position, rest)) = line.split_once("  <") else { continue };
        if !position.chars().all(|c| c.is_ascii_digit() || c == '.') {
            continue;
        }
        let before_colon = rest.split(':').next().unwrap_or("");
        let value_type = before_colon.rsplit(' ').next().unwrap_or("").to_string();
        if value_type == "NUM" {
            if let Some(value) = rest.split("=\"").nth(1).and_then(|s| s.split('"').next()) {
                numbers.push(value.to_string());
            }
        }
        items.push((position.to_string(), value_type));
    }
    (items, numbers)
}

fn screen_dir() -> PathBuf {
    let dir = std::env::var("SR_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/sr-screens"));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn screenshot(client: &Client, name: &str) -> Result {
    let path = screen_dir().join(format!("{name}.png"));
    std::fs::write(&path, client.screenshot().await?)?;
    println!("screenshot {}", path.display());
    Ok(())
}

async fn js(client: &Client, script: &str) -> Result<Value> {
    Ok(client.execute(script, vec![]).await?)
}

async fn set_viewport(client: &Client, width: u32, height: u32) -> Result {
    client.set_window_size(width, height).await?;
    let inner = js(client, "return [innerWidth, innerHeight];").await?;
    let (w, h) = (inner[0].as_u64().unwrap_or(0) as u32, inner[1].as_u64().unwrap_or(0) as u32);
    if (w, h) != (width, height) {
        client.set_window_size(width + width.saturating_sub(w), height + height.saturating_sub(h)).await?;
    }
    Ok(())
}

async fn open_report_tab(client: &Client) -> Result {
    wait_for(
        client,
        "the Report tab or the side-panel switch",
        r#"document.querySelector('[data-testid="toggle-side-panel"]')"#,
    )
    .await?;
    if js(client, r#"return !!document.querySelector('[data-testid="tab-report"]');"#).await? != json!(true) {
        click(client, r#"[data-testid="toggle-side-panel"]"#).await?;
    }
    click(client, r#"[data-testid="tab-report"]"#).await?;
    wait_for(client, "the SR section", r#"document.querySelector('[data-testid="sr-section"]')"#).await?;
    Ok(())
}

/// The SR graphic of `group` in viewport 0: its points (SVG = CSS px of the pane), whether it
/// is highlighted, and where `image_points` land on the canvas (CSS px) per data-image-to-canvas.
async fn graphic_and_expected(client: &Client, group: u32, image_points: &[(f64, f64)]) -> Result<Value> {
    let script = r#"
        const [selector, group, points] = arguments;
        const canvas = document.querySelector(selector);
        const pane = canvas.parentElement;
        const g = pane.querySelector(`svg[data-testid="derived-graphics"] g[data-derived-kind="sr"][data-item="${group}"]`);
        if (!g) return null;
        const shape = g.querySelector('polyline');
        const drawn = shape ? shape.getAttribute('points').trim().split(/\s+/).map(p => p.split(',').map(Number)) : [];
        const [a, b, c, d, e, f] = canvas.dataset.imageToCanvas.split(',').map(Number);
        const scale = canvas.width / canvas.clientWidth;
        const expected = points.map(([u, v]) => [(a * u + c * v + e) / scale, (b * u + d * v + f) / scale]);
        const svg = pane.querySelector('svg[data-testid="derived-graphics"]').getBoundingClientRect();
        const box = canvas.getBoundingClientRect();
        return { drawn, expected, highlighted: g.classList.contains('highlighted'),
                 offset: [svg.left - box.left, svg.top - box.top],
                 label: (g.querySelector('text') || {}).textContent || null,
                 count: pane.querySelectorAll('svg[data-testid="derived-graphics"] g[data-derived-kind="sr"]').length };
    "#;
    Ok(client.execute(script, vec![json!(VIEWPORT), json!(group), json!(image_points)]).await?)
}

async fn wait_for_uid(client: &Client, uid: &str) -> Result {
    let expression = format!(
        "(() => {{ const c = document.querySelector('{VIEWPORT}'); return c && c.dataset.ready === 'true' && c.dataset.sopInstanceUid === '{uid}'; }})()"
    );
    wait_for(client, &format!("viewport 0 showing {uid}"), &expression).await.map(|_| ())
}

fn close(a: [f64; 2], b: [f64; 2], tolerance: f64) -> bool {
    (a[0] - b[0]).abs() <= tolerance && (a[1] - b[1]).abs() <= tolerance
}

fn pair(v: &Value) -> [f64; 2] {
    [v[0].as_f64().unwrap_or(f64::NAN), v[1].as_f64().unwrap_or(f64::NAN)]
}

async fn report_with_its_images(client: &Client, report: &Path) -> Result {
    let (items, numbers) = dsrdump(report);
    assert_eq!(numbers, vec![LENGTH_MM.to_string(), AREA_MM2.to_string()], "dsrdump reads the generated values");
    let uid_length = sop_instance_uid(&slice(SLICE_LENGTH));
    let uid_area = sop_instance_uid(&slice(SLICE_AREA));

    fresh_page(client).await?;
    let mut files: Vec<PathBuf> = (SLICE_LENGTH - 4..=SLICE_AREA + 4).map(slice).collect();
    files.push(report.to_path_buf());
    open_files(client, &files).await?;
    wait_for(client, "viewport ready", &format!("document.querySelector('{VIEWPORT}[data-ready=\"true\"]')")).await?;
    open_report_tab(client).await?;
    wait_for(
        client,
        "two measurement rows",
        r#"document.querySelectorAll('[data-testid="sr-measurement"]').length === 2"#,
    )
    .await?;
    let rows = js(
        client,
        r#"return [...document.querySelectorAll('[data-testid="sr-measurement"]')].map(r => [r.dataset.group, r.textContent]);"#,
    )
    .await?;
    println!("rows: {rows}");
    let row_text = |i: usize| rows[i][1].as_str().unwrap_or("").to_string();
    assert!(row_text(0).contains("Lesion 1") && row_text(0).contains(&format!("{LENGTH_MM} mm")), "{rows}");
    assert!(row_text(0).contains("Nodule") && row_text(0).contains("Brain"), "finding and site: {rows}");
    assert!(row_text(1).contains("Region 2") && row_text(1).contains(&format!("{AREA_MM2} mm2")), "{rows}");
    let header = js(client, r#"return document.querySelector('[data-testid="sr-header"]').textContent;"#).await?;
    assert!(header.as_str().unwrap_or("").contains("Imaging Measurement Report"), "title: {header}");
    assert!(header.as_str().unwrap_or("").contains("Test Reader"), "observer: {header}");

    // Row 1 → slice 60 with the length's polyline at its image coordinates.
    click(client, r#"[data-testid="sr-measurement"][data-group="1"] .sr-row-button"#).await?;
    wait_for_uid(client, &uid_length).await?;
    let graphic = wait_for(client, "the length's graphic", &format!(
        "document.querySelector('{VIEWPORT}').parentElement.querySelector('g[data-derived-kind=\"sr\"][data-item=\"1\"]')"
    ))
    .await
    .map(|_| ());
    graphic?;
    let found = graphic_and_expected(client, 1, &LINE).await?;
    println!("length graphic: {found}");
    assert_eq!(found["offset"], json!([0.0, 0.0]), "the SVG lies on the canvas");
    assert_eq!(found["highlighted"], json!(true), "the chosen group is highlighted");
    assert_eq!(found["count"], json!(1), "only the length lies on slice 60");
    let drawn = found["drawn"].as_array().cloned().unwrap_or_default();
    assert_eq!(drawn.len(), 2, "{found}");
    for (d, e) in drawn.iter().zip(found["expected"].as_array().unwrap()) {
        assert!(close(pair(d), pair(e), 0.5), "polyline point {d} is at its image position {e}");
    }
    assert!(found["label"].as_str().unwrap_or("").contains(LENGTH_MM), "label = the measured value: {found}");
    assert_eq!(attribute(client, "data-graphics").await?, "1");

    // The group's switch hides and shows its graphic.
    click(client, r#"[data-testid="sr-group-shown"][data-group="1"]"#).await?;
    wait_for(client, "the length hidden", &format!("document.querySelector('{VIEWPORT}').dataset.graphics === '0'"))
        .await?;
    click(client, r#"[data-testid="sr-group-shown"][data-group="1"]"#).await?;
    wait_for(
        client,
        "the length shown again",
        &format!("document.querySelector('{VIEWPORT}').dataset.graphics === '1'"),
    )
    .await?;
    screenshot(client, "desktop-table-length").await?;

    // Row 2 → slice 70 with the circle centred on (64, 64), radius 10 px.
    click(client, r#"[data-testid="sr-measurement"][data-group="2"] .sr-row-button"#).await?;
    wait_for_uid(client, &uid_area).await?;
    wait_for(client, "the circle", &format!(
        "document.querySelector('{VIEWPORT}').parentElement.querySelector('g[data-derived-kind=\"sr\"][data-item=\"2\"]')"
    ))
    .await?;
    let edge = [(64.0, 54.0), (74.0, 64.0), (64.0, 74.0), (54.0, 64.0)];
    let found = graphic_and_expected(client, 2, &[CIRCLE[0], edge[0], edge[1], edge[2], edge[3]]).await?;
    let drawn: Vec<[f64; 2]> = found["drawn"].as_array().unwrap().iter().map(pair).collect();
    let expected: Vec<[f64; 2]> = found["expected"].as_array().unwrap().iter().map(pair).collect();
    let (min_x, max_x) = drawn.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| (lo.min(p[0]), hi.max(p[0])));
    let (min_y, max_y) = drawn.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| (lo.min(p[1]), hi.max(p[1])));
    let centre = [(min_x + max_x) / 2.0, (min_y + max_y) / 2.0];
    println!("circle centre {centre:?}, expected {:?}; box {min_x}..{max_x} × {min_y}..{max_y}", expected[0]);
    assert!(close(centre, expected[0], 0.5), "circle centre");
    let radius_x = (expected[2][0] - expected[0][0]).abs().max((expected[2][1] - expected[0][1]).abs());
    assert!(((max_x - min_x) / 2.0 - radius_x).abs() <= 0.5, "circle radius {} vs {radius_x}", (max_x - min_x) / 2.0);
    assert_eq!(found["highlighted"], json!(true));
    assert_eq!(found["count"], json!(1));

    // The tree, expanded, is dsrdump's list.
    click(client, r#"[data-testid="sr-view-tree"]"#).await?;
    click(client, r#"[data-testid="sr-tree-expand-all"]"#).await?;
    let expected_count = items.len();
    wait_for(
        client,
        "every tree item",
        &format!("document.querySelectorAll('[data-testid=\"sr-tree-item\"]').length === {expected_count}"),
    )
    .await?;
    let tree = js(
        client,
        r#"return [...document.querySelectorAll('[data-testid="sr-tree-item"]')].map(i => [i.dataset.position, i.dataset.valueType]);"#,
    )
    .await?;
    let tree: Vec<(String, String)> = tree
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_str().unwrap_or("").to_string(), p[1].as_str().unwrap_or("").to_string()))
        .collect();
    assert_eq!(tree, items, "the tree lists dsrdump's items in order");
    screenshot(client, "desktop-tree").await?;

    // Phone: the side panel as a sheet, table view.
    set_viewport(client, 390, 844).await?;
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    if js(client, r#"return !!document.querySelector('[data-testid="sr-section"]');"#).await? != json!(true) {
        let _ = open_report_tab(client).await;
    }
    let _ = click(client, r#"[data-testid="sr-view-table"]"#).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    screenshot(client, "phone-table").await?;
    set_viewport(client, 1400, 1000).await?;
    Ok(())
}

async fn report_without_its_images(client: &Client, report: &Path) -> Result {
    fresh_page(client).await?;
    open_files(client, &[report.to_path_buf()]).await?;
    open_report_tab(client).await?;
    wait_for(client, "the needs-source note", r#"document.querySelector('[data-testid="sr-needs-source"]')"#).await?;
    click(client, r#"[data-testid="sr-measurement"][data-group="1"] .sr-row-button"#).await?;
    let uid = sop_instance_uid(&slice(SLICE_LENGTH));
    let message = wait_for(client, "the missing image named", &format!(
        "[...document.querySelectorAll('[data-testid=\"sr-needs-source\"]')].map(e => e.textContent).find(t => t.includes('{uid}'))"
    ))
    .await?;
    println!("needs source: {message}");
    screenshot(client, "desktop-needs-source").await?;
    Ok(())
}

#[tokio::test]
async fn structured_report_end_to_end() {
    let dir = temp_dir("sr");
    let report = generate(&dir);
    let client = connect().await;
    let result = async {
        report_with_its_images(&client, &report).await?;
        report_without_its_images(&client, &report).await
    }
    .await;
    let _ = client.close().await;
    if let Err(e) = result {
        panic!("{e}");
    }
}
