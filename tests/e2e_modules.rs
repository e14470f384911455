//! End to end: the page's modules (README "Modules and sizes").
//! - the start page is shown before any decoder is fetched: from Resource Timing, the UI wasm
//!   arrived before the app mounted (mark `app-mounted`) and `decoder_bg.wasm` was requested
//!   after it; `decoder-jxl` was not fetched at all;
//! - the UI wasm exports no `decode_frame` / `decode_frames` / `render_frame` (no codec reachable
//!   in it), the `decoder` module does;
//! - an uncompressed and a JPEG 2000 WG04 file opened through the viewer equal
//!   `wasmBindings.render_frame`, and still no JPEG XL module was loaded;
//! - a JPEG XL DICOM made here (`cjxl` lossless of a ramp, wrapped with dicom-object) is shown;
//!   only then did a decode worker load `decoder-jxl` (mark `decoder-jxl-loaded`); its decoded
//!   values equal the ramp and the viewport equals `render_frame` after `load_jpeg_xl()`.
//!
//! Needs APP_URL, WEBDRIVER_URL and CORPUS_URL (scripts/browser-tests.sh).
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};
use std::process::Command;

use dicom_core::value::{PixelFragmentSequence, Value as DicomValue};
use dicom_core::{DataElement, PrimitiveValue, Tag, VR};
use dicom_object::meta::FileMetaTableBuilder;
use dicom_object::InMemDicomObject;
use fantoccini::Client;
use serde_json::{json, Value};

mod e2e_support;

use e2e_support::*;

const JPEG_XL_LOSSLESS: &str = "1.2.840.10008.1.2.4.110";
const SECONDARY_CAPTURE: &str = "1.2.840.10008.5.1.4.1.1.7";
/// Rows, columns: as large as the WG04 images the other checks compare (a 64×48 image magnified
/// 16× on the canvas differed from render_frame along its top row; so did 512×384: square, as CT1).
const RAMP: (u16, u16) = (512, 512);

/// The wasm files the page fetched so far, with when they were requested and arrived.
async fn wasm_entries(client: &Client) -> Result<Value> {
    Ok(client
        .execute(
            r#"return performance.getEntriesByType('resource')
                 .filter(e => e.name.endsWith('.wasm'))
                 .map(e => ({ name: e.name.split('/').pop(), start: e.startTime, end: e.responseEnd }));"#,
            vec![],
        )
        .await?)
}

async fn has_mark(client: &Client, name: &str) -> Result<bool> {
    let value = client
        .execute("return performance.getEntriesByName(arguments[0], 'mark').length > 0;", vec![json!(name)])
        .await?;
    Ok(value == json!(true))
}

/// Waits until viewport 0 shows file `name`, drawn.
async fn shown(client: &Client, name: &str) -> Result {
    let expression = format!(
        "(() => {{ const c = document.querySelector('{VIEWPORT}'); return c && c.dataset.ready === 'true' && c.dataset.fileName === {}; }})()",
        json!(name)
    );
    wait_for(client, &format!("{name} shown"), &expression).await.map(|_| ())
}

/// 8-bit ramp as a binary PGM (the truth the JPEG XL file must decode to).
fn ramp() -> Vec<u8> {
    let (rows, columns) = RAMP;
    (0..usize::from(rows) * usize::from(columns))
        .map(|i| ((i % usize::from(columns)) * 4 + (i / usize::from(columns)) * 3) as u8)
        .collect()
}

/// A JPEG XL Lossless DICOM of `ramp()`, or None when cjxl is missing.
fn jpeg_xl_dicom(dir: &Path) -> Result<Option<PathBuf>> {
    let (rows, columns) = RAMP;
    let pgm = dir.join("ramp.pgm");
    let mut bytes = format!("P5\n{columns} {rows}\n255\n").into_bytes();
    bytes.extend(ramp());
    std::fs::write(&pgm, bytes)?;
    let jxl = dir.join("ramp.jxl");
    let Ok(output) = Command::new("cjxl").arg(&pgm).arg(&jxl).args(["-d", "0", "-e", "3"]).output() else {
        return Ok(None);
    };
    if !output.status.success() {
        return Err(format!("cjxl failed: {}", String::from_utf8_lossy(&output.stderr)).into());
    }
    let mut codestream = std::fs::read(&jxl)?;
    if codestream.len() % 2 == 1 {
        codestream.push(0);
    }
    let element = |group, element, vr, value: PrimitiveValue| DataElement::new(Tag(group, element), vr, value);
    let sop = "2.25.81243459824357203458236543856123401";
    let mut object = InMemDicomObject::new_empty();
    object.put(element(0x0008, 0x0016, VR::UI, SECONDARY_CAPTURE.into()));
    object.put(element(0x0008, 0x0018, VR::UI, sop.into()));
    object.put(element(0x0008, 0x0060, VR::CS, "OT".into()));
    object.put(element(0x0010, 0x0010, VR::PN, "JPEG XL^Ramp".into()));
    object.put(element(0x0020, 0x000D, VR::UI, "2.25.81243459824357203458236543856123402".into()));
    object.put(element(0x0020, 0x000E, VR::UI, "2.25.81243459824357203458236543856123403".into()));
    object.put(element(0x0020, 0x0013, VR::IS, "1".into()));
    object.put(element(0x0028, 0x0002, VR::US, 1u16.into()));
    object.put(element(0x0028, 0x0004, VR::CS, "MONOCHROME2".into()));
    object.put(element(0x0028, 0x0010, VR::US, rows.into()));
    object.put(element(0x0028, 0x0011, VR::US, columns.into()));
    object.put(element(0x0028, 0x0100, VR::US, 8u16.into()));
    object.put(element(0x0028, 0x0101, VR::US, 8u16.into()));
    object.put(element(0x0028, 0x0102, VR::US, 7u16.into()));
    object.put(element(0x0028, 0x0103, VR::US, 0u16.into()));
    object.put(DataElement::new(
        Tag(0x7FE0, 0x0010),
        VR::OB,
        DicomValue::PixelSequence(PixelFragmentSequence::new(Vec::<u32>::new(), vec![codestream])),
    ));
    let meta = FileMetaTableBuilder::new()
        .media_storage_sop_class_uid(SECONDARY_CAPTURE)
        .media_storage_sop_instance_uid(sop)
        .transfer_syntax(JPEG_XL_LOSSLESS)
        .build()?;
    let path = dir.join("ramp-jxl.dcm");
    object.with_exact_meta(meta).write_to_file(&path)?;
    Ok(Some(path))
}

async fn run(client: &Client) -> Result {
    fresh_page(client).await?;
    wait_for(client, "the sample list", r#"document.querySelectorAll('[data-testid="sample"]').length >= 1"#).await?;

    // 1. First load: the UI module, then (after the app mounted) the decoder; no JPEG XL.
    let timing = client
        .execute(
            r#"const mounted = performance.getEntriesByName('app-mounted', 'mark')[0];
               return { mounted: mounted ? mounted.startTime : null };"#,
            vec![],
        )
        .await?;
    let mounted = timing["mounted"].as_f64().ok_or("no app-mounted performance mark")?;
    let entries = wasm_entries(client).await?;
    println!("app mounted at {mounted:.0} ms; wasm fetched: {entries}");
    let list = entries.as_array().cloned().unwrap_or_default();
    let named = |prefix: &str| list.iter().find(|e| e["name"].as_str().is_some_and(|n| n.starts_with(prefix))).cloned();
    let ui = named("dicom-viewer").ok_or("the UI wasm (dicom-viewer-*_bg.wasm) was not fetched")?;
    let decoder = named("decoder_bg.wasm").ok_or("decoder_bg.wasm was not fetched")?;
    if ui["end"].as_f64().unwrap_or(f64::MAX) > mounted {
        return Err(format!("the UI wasm arrived after the app mounted: {ui}").into());
    }
    if decoder["start"].as_f64().unwrap_or(0.0) < mounted {
        return Err(
            format!("the decoder was requested before the start page was shown ({mounted} ms): {decoder}").into()
        );
    }
    if let Some(jxl) = named("decoder-jxl") {
        return Err(format!("the JPEG XL module was fetched without a JPEG XL file: {jxl}").into());
    }

    // 2. Exports: the UI module has no codec entry points, the decoder has them.
    let exports = client
        .execute(
            r#"return (async () => {
                 const names = async (name) => WebAssembly.Module.exports(
                     await WebAssembly.compile(await (await fetch(name)).arrayBuffer())).map(e => e.name);
                 const ui = performance.getEntriesByType('resource').map(e => e.name)
                     .find(n => /dicom-viewer-[^/]*_bg\.wasm$/.test(n));
                 return { ui: await names(ui), decoder: await names('decoder_bg.wasm') };
               })();"#,
            vec![],
        )
        .await?;
    let has = |module: &str, name: &str| {
        exports[module].as_array().is_some_and(|list| list.iter().any(|e| e.as_str() == Some(name)))
    };
    for name in ["decode_frame", "decode_frames", "render_frame"] {
        if has("ui", name) {
            return Err(format!("the UI wasm exports {name}: codec code is reachable in it").into());
        }
        if !has("decoder", name) {
            return Err(format!("the decoder wasm does not export {name}").into());
        }
    }
    println!("UI wasm exports: {}", exports["ui"].as_array().map_or(0, Vec::len));

    // 3. Uncompressed and JPEG 2000 through the viewer equal render_frame; no JPEG XL module.
    let root = corpus();
    for (path, url) in [
        (root.join("wg04/REF/CT1_UNC"), corpus_url("wg04/REF/CT1_UNC")),
        (root.join("wg04/J2KR/CT1_J2KR"), corpus_url("wg04/J2KR/CT1_J2KR")),
    ] {
        open_files(client, std::slice::from_ref(&path)).await?;
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        shown(client, &name).await?;
        let result = compare_with_render_frame(client, &url, false).await?;
        println!("{name}: {result}");
    }
    if has_mark(client, "decoder-jxl-loaded").await? || named_after(client, "decoder-jxl").await? {
        return Err("the JPEG XL module was loaded for uncompressed and JPEG 2000 files".into());
    }

    // 4. A JPEG XL file: the worker loads decoder-jxl; values equal the ramp; pixels equal render_frame.
    let dir = temp_dir("modules");
    let Some(path) = jpeg_xl_dicom(&dir)? else {
        println!("NOTE: cjxl is missing; the JPEG XL part is skipped");
        return Ok(());
    };
    open_files(client, std::slice::from_ref(&path)).await?;
    shown(client, "ramp-jxl.dcm").await?;
    if !has_mark(client, "decoder-jxl-loaded").await? {
        return Err("a JPEG XL file was shown but no worker reported loading decoder-jxl".into());
    }
    let bytes = std::fs::read(&path)?;
    let check = client
        .execute(
            r#"const [bytes] = arguments;
               return (async () => {
                 const data = new Uint8Array(bytes);
                 await window.wasmBindings.load_jpeg_xl();
                 const f = window.wasmBindings.decode_frame(data, 0);
                 window.__jxlUrl = URL.createObjectURL(new Blob([data]));
                 return { rows: f.rows, columns: f.columns, pixels: Array.from(f.pixels), url: window.__jxlUrl };
               })();"#,
            vec![json!(bytes)],
        )
        .await?;
    let decoded: Vec<u8> = check["pixels"]
        .as_array()
        .map(|a| a.iter().map(|v| v.as_u64().unwrap_or(999) as u8).collect())
        .unwrap_or_default();
    if decoded != ramp() || check["rows"] != json!(RAMP.0) || check["columns"] != json!(RAMP.1) {
        return Err(
            format!("the JPEG XL file does not decode to its ramp: {}x{}", check["columns"], check["rows"]).into()
        );
    }
    let url = check["url"].as_str().ok_or("no blob URL")?.to_string();
    let result = compare_with_render_frame(client, &url, false).await?;
    println!("ramp-jxl.dcm: {result}");
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// Whether the page itself fetched a module whose file name starts with `prefix`.
async fn named_after(client: &Client, prefix: &str) -> Result<bool> {
    let entries = wasm_entries(client).await?;
    Ok(entries
        .as_array()
        .is_some_and(|list| list.iter().any(|e| e["name"].as_str().is_some_and(|n| n.starts_with(prefix)))))
}

#[tokio::test]
async fn modules_load_when_needed() {
    let (app, _) = (env("APP_URL"), env("CORPUS_URL"));
    let client = connect().await;
    let result = run(&client).await;
    let _ = client.close().await;
    if let Err(e) = result {
        panic!("{app}: {e}");
    }
}
