//! End to end (fantoccini + ChromeDriver): parametric maps, PET SUV and fusion.
//! - a parametric map written by highdicom at test time (tests/fusion_support/make_fusion_data.py,
//!   float pixel data, Real World Value Mapping slope 4, intercept 0.5, UCUM um2/s): the probe over
//!   its brightest pixel shows "ADC <value> µm²/s" with value = 4 × the file's pixel (decoded
//!   here) plus 0.5; fused over its 20-slice ADC source (Fusion tab), a source pixel half-way up the
//!   default range shows the hand-computed hot colour of its real-world value blended at 50 %,
//!   and the colour bar names µm²/s;
//! - fo-dicom's GH184 PET slice: the probe shows SUVbw = (stored × Rescale Slope + Intercept) ×
//!   weight / decayed dose, computed here from the values dcmdump reads; a rectangle ROI's
//!   statistics get a SUVbw line whose mean is the Bq/ml mean × that factor;
//! - a synthetic PET series fused over a CT of the same Frame of Reference (Fusion tab: layer,
//!   range typed in): the canvas colour at a CT pixel inside the PET hot square equals the CT grey
//!   blended with the hot colour map's colour of the SUV worked out by hand, in WebGL2 and
//!   Canvas2D; the colour bar is visible with its range.
//!
//! Screenshots (desktop 1400×1000 and phone 390×844) go to $TMPDIR/e2e-fusion-*.png.
//! Needs APP_URL and WEBDRIVER_URL (scripts/browser-tests.sh sets them up).
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use fantoccini::actions::{InputSource, MouseActions, PointerAction};
use fantoccini::{Client, Locator};
use serde_json::{json, Value};

use dicom_viewer::api::{decode_frame, render_frame, RenderOptions};
use dicom_viewer::i18n::Lang;
use dicom_viewer::viewer::fusion::format_quantity;

mod e2e_support;

use e2e_support::*;

/// The first value of an attribute as dcmdump prints it (nested items searched too).
fn dcmdump_value(path: &Path, keyword: &str) -> String {
    let output = Command::new("dcmdump").args(["+P", keyword, "-s"]).arg(path).output().expect("dcmtk's dcmdump");
    let text = String::from_utf8_lossy(&output.stdout).to_string();
    let line = text.lines().next().unwrap_or_else(|| panic!("{keyword} in {}", path.display())).to_string();
    match (line.find('['), line.find(']')) {
        (Some(start), Some(end)) => line[start + 1..end].trim().to_string(),
        _ => line.split_whitespace().nth(2).unwrap_or_default().to_string(),
    }
}

fn number(path: &Path, keyword: &str) -> f64 {
    dcmdump_value(path, keyword).split('\\').next().unwrap().trim().parse().unwrap()
}

fn clock(text: &str) -> f64 {
    text[0..2].parse::<f64>().unwrap() * 3600.0
        + text[2..4].parse::<f64>().unwrap() * 60.0
        + text[4..].parse::<f64>().unwrap()
}

/// SUVbw per Bq/ml by hand: the dose decayed from injection to the series time (same day),
/// weight in grams over it.
fn hand_suv_factor(path: &Path) -> f64 {
    let elapsed = clock(&dcmdump_value(path, "SeriesTime")).min(clock(&dcmdump_value(path, "AcquisitionTime")))
        - clock(&dcmdump_value(path, "RadiopharmaceuticalStartTime"));
    let decayed = number(path, "RadionuclideTotalDose") * 0.5_f64.powf(elapsed / number(path, "RadionuclideHalfLife"));
    number(path, "PatientWeight") * 1000.0 / decayed
}

fn generate() -> PathBuf {
    let dir = temp_dir("fusion");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let status = Command::new(root.join(".tools/py/bin/python"))
        .arg(root.join("tests/fusion_support/make_fusion_data.py"))
        .arg(&dir)
        .arg(corpus().join("dcmqi/paramaps/701-ADCb500"))
        .stdout(std::process::Stdio::null())
        .status()
        .expect("highdicom's venv (scripts/setup.sh)");
    assert!(status.success(), "make_fusion_data.py failed");
    dir
}

async fn screenshot(client: &Client, name: &str) -> Result {
    let png = client.screenshot().await?;
    let path = std::env::temp_dir().join(format!("e2e-fusion-{name}.png"));
    std::fs::write(&path, png)?;
    println!("screenshot: {}", path.display());
    Ok(())
}

/// Moves the pointer over the centre of image pixel (column, row) of viewport 0.
async fn hover_pixel(client: &Client, column: u32, row: u32) -> Result {
    let offset = offset_of_image_point(client, (f64::from(column) + 0.5, f64::from(row) + 0.5)).await?;
    let canvas = client.find(Locator::Css(VIEWPORT)).await?;
    let actions = MouseActions::new("mouse".into()).then(PointerAction::MoveToElement {
        element: canvas,
        duration: Some(Duration::from_millis(50)),
        x: offset.0,
        y: offset.1,
    });
    client.perform_actions(actions).await?;
    client.release_actions().await?;
    Ok(())
}

/// The probe line (bottom-left corner of viewport 0) once it names the pixel.
async fn probe_text(client: &Client, column: u32, row: u32) -> Result<String> {
    let expression = format!(
        r#"(() => {{ const c = document.querySelector('{VIEWPORT}').parentElement.querySelector('.corner.bottom-left');
              const line = c && [...c.children].map(d => d.textContent).find(t => t.startsWith('({column}, {row})'));
              return line || false; }})()"#
    );
    let value = wait_for(client, "the probe text", &expression).await?;
    Ok(value.as_str().unwrap_or_default().to_string())
}

/// The (column, row) of the largest stored value of a decoded frame, away from the edges.
fn brightest(path: &Path, frame: u32) -> (u32, u32, f64) {
    let bytes = std::fs::read(path).unwrap();
    let (_, decoded) = decode_frame(&bytes, frame).unwrap();
    let mut best = (0, 0, f64::MIN);
    for row in 4..decoded.rows - 4 {
        for column in 4..decoded.columns - 4 {
            let value = decoded.pixels.get_f64((row * decoded.columns + column) as usize).unwrap();
            if value > best.2 {
                best = (column, row, value);
            }
        }
    }
    best
}

async fn parametric_map_probe(client: &Client, pmap: &Path) -> Result {
    fresh_page(client).await?;
    open_files(client, &[pmap.to_path_buf()]).await?;
    wait_for(client, "the parametric map", &format!("document.querySelector('{VIEWPORT}[data-ready=\"true\"]')"))
        .await?;
    let frame: u32 = attribute(client, "data-file-frame").await?.parse()?;
    let (column, row, stored) = brightest(pmap, frame);
    let slope = number(pmap, "RealWorldValueSlope");
    let intercept = number(pmap, "RealWorldValueIntercept");
    let expected = format!("ADC {} µm²/s", format_quantity(Lang::En, stored * slope + intercept));
    hover_pixel(client, column, row).await?;
    let text = probe_text(client, column, row).await?;
    println!("pmap frame {frame} ({column}, {row}) stored {stored}: {text:?}, expected {expected:?}");
    if !text.contains(&expected) {
        return Err(format!("the probe should show {expected:?}: {text:?}").into());
    }
    screenshot(client, "pmap-probe").await
}

async fn suv_probe(client: &Client) -> Result {
    let path = corpus().join("derived/pet/fo-dicom/GH184.dcm");
    fresh_page(client).await?;
    open_files(client, std::slice::from_ref(&path)).await?;
    ready_on_frame(client, 0).await?;
    let (column, row, stored) = brightest(&path, 0);
    let activity = stored * number(&path, "RescaleSlope") + number(&path, "RescaleIntercept");
    let expected = format!("SUVbw {} g/ml", format_quantity(Lang::En, activity * hand_suv_factor(&path)));
    hover_pixel(client, column, row).await?;
    let text = probe_text(client, column, row).await?;
    println!("GH184 ({column}, {row}) stored {stored}: {text:?}, expected {expected:?}");
    if !text.contains(&expected) || !text.contains("Bq/ml") {
        return Err(format!("the probe should show {expected:?} and the activity in Bq/ml: {text:?}").into());
    }
    screenshot(client, "suv-probe").await?;
    // A rectangle ROI: its statistics in Bq/ml and, on a second line, in SUVbw = Bq/ml × factor.
    press(client, "b").await?;
    let from = offset_of_image_point(client, (30.0, 30.0)).await?;
    let to = offset_of_image_point(client, (90.0, 90.0)).await?;
    drag(client, from, to).await?;
    let lines = wait_for(
        client,
        "the ROI's SUV line",
        // The measurement list shows each result line on its own (the label plate joins them).
        r#"(() => { const t = document.body.innerText.split('\n');
              return t.some(l => l.startsWith('SUVbw mean')) && t.filter(l => l.startsWith('Mean ') || l.startsWith('SUVbw mean')); })()"#,
    )
    .await?;
    let lines: Vec<String> =
        lines.as_array().unwrap().iter().map(|l| l.as_str().unwrap_or_default().to_string()).collect();
    let number_after = |line: &str, word: &str| -> Option<f64> {
        let rest = &line[line.find(word)? + word.len()..];
        // English groups thousands with commas ("7,685.2").
        rest.split_whitespace().next()?.replace(',', "").parse().ok()
    };
    let mean = lines.iter().find_map(|l| number_after(l, "Mean")).ok_or("the ROI's mean")?;
    let suv_mean = lines.iter().find_map(|l| number_after(l, "SUVbw mean")).ok_or("the ROI's SUV mean")?;
    let by_hand = mean * hand_suv_factor(&path);
    println!("GH184 ROI: {lines:?}; mean {mean} Bq/ml × factor = {by_hand}");
    // The Bq/ml mean is printed with one decimal, the SUV with four significant digits.
    if (suv_mean - by_hand).abs() > 1e-3 * by_hand.abs() + 1e-3 {
        return Err(format!("the ROI's SUVbw mean {suv_mean} should be {by_hand}: {lines:?}").into());
    }
    Ok(())
}

/// The canvas colour under image pixel (column, row) of viewport 0.
async fn canvas_colour(client: &Client, column: u32, row: u32) -> Result<Vec<u8>> {
    let value = client
        .execute(
            r#"const [selector, u, v] = arguments;
               const canvas = document.querySelector(selector);
               const [a, b, c, d, e, f] = canvas.dataset.imageToCanvas.split(',').map(Number);
               const x = Math.floor(a * u + c * v + e), y = Math.floor(b * u + d * v + f);
               const copy = document.createElement('canvas');
               copy.width = canvas.width; copy.height = canvas.height;
               const context = copy.getContext('2d');
               context.drawImage(canvas, 0, 0);
               return [...context.getImageData(x, y, 1, 1).data];"#,
            vec![json!(VIEWPORT), json!(f64::from(column) + 0.5), json!(f64::from(row) + 0.5)],
        )
        .await?;
    Ok(value.as_array().map(|a| a.iter().map(|v| v.as_u64().unwrap_or(0) as u8).collect()).unwrap_or_default())
}

async fn pet_over_ct(client: &Client, dir: &Path, query: &str, renderer: &str, phone: bool) -> Result {
    let petct = dir.join("petct");
    let mut files: Vec<PathBuf> = (0..8).map(|i| petct.join(format!("ct_{i:02}.dcm"))).collect();
    files.extend((0..6).map(|i| petct.join(format!("pt_{i:02}.dcm"))));
    fresh_page_with(client, query).await?;
    open_files(client, &files).await?;
    // Show the CT series in viewport 0. Every CT slice (z = 0, 2.5 … 17.5 mm) has a PET plane
    // (z = −1, 3, 7 … 19 mm) within half the PET spacing (2 mm), and every PET slice has the same
    // hot square, so whichever CT slice opens shows the same fused colours.
    let ct = r#"[...document.querySelectorAll('.series-item')].find(b => b.textContent.includes('Fusion CT'))"#;
    wait_for(client, "the CT series", &format!("{ct} && document.querySelectorAll('.series-item').length === 2"))
        .await?;
    client.execute(&format!("{ct}.click();"), vec![]).await?;
    wait_for(
        client,
        "the CT shown",
        &format!("(() => {{ const c = document.querySelector('{VIEWPORT}'); return c && c.dataset.ready === 'true' && (c.dataset.fileName || '').startsWith('ct_'); }})()"),
    )
    .await?;
    let ct_name = attribute(client, "data-file-name").await?;
    // The Fusion tab: choose the PET series, type the range.
    choose_layer(client, "Fusion PT").await?;
    wait_for(client, "the colour bar", r#"document.querySelector('[data-testid="colour-bar"]')"#).await?;
    // The hot square's SUV by hand: stored 4000 × slope 2.5 = 10 000 Bq/ml; 80 kg; 350 MBq injected
    // 09:30, series 11:00 (5400 s, half-life 6586.2 s).
    let pet = petct.join("pt_02.dcm");
    let hot_suv = 4000.0 * number(&pet, "RescaleSlope") * hand_suv_factor(&pet);
    let high = 2.0 * hot_suv;
    client
        .execute(
            r#"const set = (id, v) => { const input = document.querySelector(`[data-testid="${id}"]`);
                   input.value = v; input.dispatchEvent(new Event('change', { bubbles: true })); };
               set('fusion-low', '0'); set('fusion-high', arguments[0]);"#,
            vec![json!(format!("{high}"))],
        )
        .await?;
    wait_for(
        client,
        "the fused layer with the typed range",
        &format!(
            r#"(() => {{ const bar = document.querySelector('[data-testid="colour-bar"]');
                  const c = document.querySelector('{VIEWPORT}');
                  return bar && Math.abs(Number(bar.dataset.high) - {high}) < 1e-6 * {high} && Number(bar.dataset.low) === 0
                      && Number(c.dataset.layerPixels) > 0 && c.dataset.ready === 'true'; }})()"#
        ),
    )
    .await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let layer_pixels: u64 = attribute(client, "data-layer-pixels").await?.parse()?;
    // CT pixel (30, 30): x = y = −48 + 1.5 × 30 = −3 mm → PET column/row (−3 + 46) / 4 = 10.75,
    // inside the hot square (columns 10–15, rows 8–13) with all four neighbours hot: SUV hot_suv,
    // half-way up the range 0 … 2 × hot_suv: the hot map at t = 0.5 is (255, 127.5 → 128, 0).
    let hot = [255.0, 128.0, 0.0];
    let alpha = (0.5_f64 * 255.0).round() / 255.0; // default opacity 50 %, stored as a byte
    let ct_bytes = std::fs::read(petct.join(&ct_name))?;
    let grey = render_frame(&ct_bytes, 0, &RenderOptions::default())?;
    let at = |c: u32, r: u32| (r * grey.columns + c) as usize * 4;
    let base = &grey.rgba[at(30, 30)..at(30, 30) + 3];
    let expected: Vec<f64> = (0..3).map(|i| (f64::from(base[i]) * (1.0 - alpha) + hot[i] * alpha).round()).collect();
    let shown = canvas_colour(client, 30, 30).await?;
    println!("{renderer}: {ct_name}, layer pixels {layer_pixels}; CT (30, 30) grey {base:?} → shown {shown:?}, expected {expected:?}");
    if (0..3).any(|i| (f64::from(shown[i]) - expected[i]).abs() > 2.0) {
        return Err(format!("{renderer}: fused colour {shown:?} should be {expected:?}").into());
    }
    // With the range from 0 the PET background is coloured too: the layer covers the PET field's
    // part of the CT slice (PET x −48 … 48 mm, CT −48 … 46.5 mm: every CT pixel, 64 × 64).
    if layer_pixels < 1000 {
        return Err(format!("{renderer}: the PET field should cover most of the CT ({layer_pixels} pixels)").into());
    }
    let bar: Value = client
        .execute(
            r#"const bar = document.querySelector('[data-testid="colour-bar"]');
               const ramp = bar.querySelector('.colour-bar-ramp');
               const r = bar.getBoundingClientRect(), q = ramp.getBoundingClientRect();
               return { width: r.width, height: r.height, rampWidth: q.width, rampHeight: q.height,
                        gradient: getComputedStyle(ramp).backgroundImage, text: bar.innerText,
                        inView: r.bottom <= window.innerHeight && r.right <= window.innerWidth };"#,
            vec![],
        )
        .await?;
    println!("{renderer}: colour bar {bar}");
    if bar["rampHeight"].as_f64().unwrap_or(0.0) < 40.0
        || !bar["gradient"].as_str().unwrap_or_default().contains("gradient")
        || !bar["text"].as_str().unwrap_or_default().contains("g/ml")
    {
        return Err(format!("the colour bar should show the ramp and the range in g/ml: {bar}").into());
    }
    screenshot(client, &format!("petct-{renderer}{}", if phone { "-phone" } else { "" })).await
}

/// Chooses the layer series whose option text contains `label` in the Fusion tab.
async fn choose_layer(client: &Client, label: &str) -> Result {
    let side_open = client
        .execute(
            "const t = document.querySelector('[data-testid=\"tab-fusion\"]'); return !!t && t.offsetParent !== null;",
            vec![],
        )
        .await?;
    if side_open != json!(true) {
        click(client, r#"[data-testid="toggle-side-panel"]"#).await?;
    }
    click(client, r#"[data-testid="tab-fusion"]"#).await?;
    wait_for(
        client,
        "the layer option",
        &format!(
            r#"[...document.querySelectorAll('[data-testid="fusion-layer"] option')].some(o => o.textContent.includes({}))"#,
            json!(label)
        ),
    )
    .await?;
    client
        .execute(
            r#"const select = document.querySelector('[data-testid="fusion-layer"]');
               select.value = [...select.options].find(o => o.textContent.includes(arguments[0])).value;
               select.dispatchEvent(new Event('change', { bubbles: true }));"#,
            vec![json!(label)],
        )
        .await?;
    Ok(())
}

/// The hot colour map by hand: red rises over the first third, green the second, blue the last.
fn hot(t: f64) -> [f64; 3] {
    let byte = |v: f64| (v.clamp(0.0, 1.0) * 255.0).round();
    [byte(3.0 * t), byte(3.0 * t - 1.0), byte(3.0 * t - 2.0)]
}

/// The parametric map over its ADC source: the shown source slice's pixel with a value half-way
/// up the default range has the hot colour of its real-world value (source + 0.5) blended at 50 %.
async fn parametric_map_over_source(client: &Client, pmap: &Path) -> Result {
    let source_dir = corpus().join("dcmqi/paramaps/701-ADCb500");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&source_dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "dcm"))
        .collect();
    files.sort();
    files.push(pmap.to_path_buf());
    fresh_page_with(client, "?renderer=canvas2d").await?;
    open_files(client, &files).await?;
    let source = r#"[...document.querySelectorAll('.series-item')].find(b => !b.textContent.includes('9701'))"#;
    wait_for(client, "both series", &format!("{source} && document.querySelectorAll('.series-item').length === 2"))
        .await?;
    client.execute(&format!("{source}.click();"), vec![]).await?;
    wait_for(
        client,
        "the ADC source shown",
        &format!("(() => {{ const c = document.querySelector('{VIEWPORT}'); return c && c.dataset.ready === 'true' && /^0000/.test(c.dataset.fileName || ''); }})()"),
    )
    .await?;
    let name = attribute(client, "data-file-name").await?;
    choose_layer(client, "9701").await?;
    wait_for(
        client,
        "the fused parametric map",
        &format!(
            r#"(() => {{ const c = document.querySelector('{VIEWPORT}'); const bar = document.querySelector('[data-testid="colour-bar"]');
                  return bar && Number(c.dataset.layerPixels) > 0 && c.dataset.ready === 'true'; }})()"#
        ),
    )
    .await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let bar = client
        .execute(
            r#"const bar = document.querySelector('[data-testid="colour-bar"]');
               return [Number(bar.dataset.low), Number(bar.dataset.high), bar.innerText];"#,
            vec![],
        )
        .await?;
    let (low, high) = (bar[0].as_f64().unwrap_or(0.0), bar[1].as_f64().unwrap_or(0.0));
    if !bar[2].as_str().unwrap_or_default().contains("µm²/s") {
        return Err(format!("the colour bar should name µm²/s: {bar}").into());
    }
    let source_bytes = std::fs::read(source_dir.join(&name))?;
    let (_, decoded) = decode_frame(&source_bytes, 0)?;
    let middle = (low + high) / 2.0;
    let (mut best, mut best_distance) = ((0, 0, 0.0), f64::MAX);
    for row in 8..decoded.rows - 8 {
        for column in 8..decoded.columns - 8 {
            let value = decoded.pixels.get_f64((row * decoded.columns + column) as usize).unwrap_or(0.0) + 0.5;
            if (value - middle).abs() < best_distance {
                best_distance = (value - middle).abs();
                best = (column, row, value);
            }
        }
    }
    let (column, row, value) = best;
    let colour = hot((value - low) / (high - low));
    let grey = render_frame(&source_bytes, 0, &RenderOptions::default())?;
    let index = (row * grey.columns + column) as usize * 4;
    let alpha = (0.5_f64 * 255.0).round() / 255.0;
    let expected: Vec<f64> =
        (0..3).map(|i| (f64::from(grey.rgba[index + i]) * (1.0 - alpha) + colour[i] * alpha).round()).collect();
    let shown = canvas_colour(client, column, row).await?;
    println!(
        "pmap over {name}: range {low}…{high}, ({column}, {row}) ADC {value} → shown {shown:?}, expected {expected:?}"
    );
    if (0..3).any(|i| (f64::from(shown[i]) - expected[i]).abs() > 2.0) {
        return Err(format!("pmap over its source: colour {shown:?} should be {expected:?}").into());
    }
    screenshot(client, "pmap-over-source").await
}

async fn run(client: &Client) -> Result {
    let dir = generate();
    parametric_map_probe(client, &dir.join("pmap/pmap.dcm")).await?;
    suv_probe(client).await?;
    client.goto(&env("APP_URL")).await?;
    client.execute("localStorage.setItem('dicomViewer.sidePanel', 'open');", vec![]).await?;
    parametric_map_over_source(client, &dir.join("pmap/pmap.dcm")).await?;
    for (query, renderer) in [("?renderer=webgl2", "webgl2"), ("?renderer=canvas2d", "canvas2d")] {
        pet_over_ct(client, &dir, query, renderer, false).await?;
    }
    client.set_window_size(390, 844).await?;
    let phone = pet_over_ct(client, &dir, "?renderer=canvas2d", "canvas2d", true).await;
    client.set_window_size(1400, 1000).await?;
    phone
}

#[tokio::test]
async fn fusion_end_to_end() {
    let app = env("APP_URL");
    let client = connect().await;
    let result = run(&client).await;
    if result.is_err() {
        let _ = screenshot(&client, "failure").await;
    }
    let _ = client.close().await;
    if let Err(e) = result {
        panic!("{app}: {e}");
    }
}
