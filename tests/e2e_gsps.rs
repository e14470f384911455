//! End to end (fantoccini + ChromeDriver): presentation states (GSPS) in the Presentation tab.
//! weasis's overlay.dcm is opened with two states that reference it: OFFIS's prOverlay.dcm
//! (six overlay layers, no VOI) and one made here (a Softcopy VOI window, an annotation layer
//! in CIELab red with a polyline and a text box, a rectangular shutter, a quarter turn).
//! - the tab lists both for the shown image; Apply sets the window the state names
//!   (data-window-center/-width), turns the view (data-image-to-canvas), draws the
//!   annotations as SVG (data-derived-kind="gsps") and the shutter (data-layer-pixels = the
//!   shuttered pixels the state's geometry gives, worked out here with the pure core); the
//!   change is announced;
//! - None brings back the image's own window, an upright view and nothing drawn;
//! - prOverlay applied from the keyboard (Tab focus + Enter): its overlay layers are drawn
//!   (data-layer-pixels = its planes' pixels) and the window is the 12-bit range (no VOI);
//! - screenshots at 1400×1000 and 390×844 in $TMPDIR/e2e-gsps-*.png.
//!
//! Needs APP_URL and WEBDRIVER_URL (scripts/browser-tests.sh sets them up).
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};

use dicom_core::value::DataSetSequence;
use dicom_core::{DataElement, PrimitiveValue, Tag, VR};
use dicom_dictionary_std::tags;
use dicom_object::meta::FileMetaTableBuilder;
use dicom_object::InMemDicomObject;
use dicom_viewer::derived::gsps::PresentationState;
use dicom_viewer::derived::{read_dataset, SourceFrame};
use dicom_viewer::viewer::layers::{FrameOverlays, LayerStyle};
use fantoccini::{Client, Locator};
use serde_json::json;

mod e2e_support;

use e2e_support::*;

const IMAGE_UID: &str = "1.2.276.0.7230010.3.200.12.1.1";
const STATE_UID: &str = "2.25.4242000111";

fn put(object: &mut InMemDicomObject, tag: Tag, vr: VR, value: PrimitiveValue) {
    object.put(DataElement::new(tag, vr, value));
}

fn sequence(object: &mut InMemDicomObject, tag: Tag, items: Vec<InMemDicomObject>) {
    object.put(DataElement::new(tag, VR::SQ, DataSetSequence::from(items)));
}

fn image_reference() -> InMemDicomObject {
    let mut item = InMemDicomObject::new_empty();
    put(&mut item, tags::REFERENCED_SOP_CLASS_UID, VR::UI, "1.2.840.10008.5.1.4.1.1.7".into());
    put(&mut item, tags::REFERENCED_SOP_INSTANCE_UID, VR::UI, IMAGE_UID.into());
    item
}

/// A state on overlay.dcm: window 1000/800, red polyline + text on layer MARKS, a rectangular
/// shutter (columns 60–450, rows 80–400), rotated 90°.
fn window_state(dir: &Path) -> Result<PathBuf> {
    let mut ps = InMemDicomObject::new_empty();
    put(&mut ps, tags::SOP_CLASS_UID, VR::UI, "1.2.840.10008.5.1.4.1.1.11.1".into());
    put(&mut ps, tags::SOP_INSTANCE_UID, VR::UI, STATE_UID.into());
    put(&mut ps, tags::MODALITY, VR::CS, "PR".into());
    put(&mut ps, tags::PATIENT_NAME, VR::PN, "TEST^Overlay".into());
    put(&mut ps, tags::PATIENT_ID, VR::LO, "overlay728".into());
    put(&mut ps, tags::STUDY_INSTANCE_UID, VR::UI, "1.2.276.0.7230010.3.200.12".into());
    put(&mut ps, tags::SERIES_INSTANCE_UID, VR::UI, "2.25.4242000112".into());
    put(&mut ps, tags::SERIES_DESCRIPTION, VR::LO, "Window and marks".into());
    put(&mut ps, tags::SERIES_NUMBER, VR::IS, "7".into());
    put(&mut ps, tags::INSTANCE_NUMBER, VR::IS, "1".into());
    put(&mut ps, tags::CONTENT_LABEL, VR::CS, "WINDOW_TEST".into());
    put(&mut ps, tags::CONTENT_DESCRIPTION, VR::LO, "Window, marks, shutter, quarter turn".into());
    put(&mut ps, tags::CONTENT_CREATOR_NAME, VR::PN, "Tester^Tina".into());
    put(&mut ps, tags::PRESENTATION_CREATION_DATE, VR::DA, "20240131".into());
    put(&mut ps, tags::PRESENTATION_CREATION_TIME, VR::TM, "101500".into());
    let mut series = InMemDicomObject::new_empty();
    put(&mut series, tags::SERIES_INSTANCE_UID, VR::UI, "1.2.276.0.7230010.3.200.12.1".into());
    sequence(&mut series, tags::REFERENCED_IMAGE_SEQUENCE, vec![image_reference()]);
    sequence(&mut ps, tags::REFERENCED_SERIES_SEQUENCE, vec![series]);
    let mut voi = InMemDicomObject::new_empty();
    sequence(&mut voi, tags::REFERENCED_IMAGE_SEQUENCE, vec![image_reference()]);
    put(&mut voi, tags::WINDOW_CENTER, VR::DS, "1000".into());
    put(&mut voi, tags::WINDOW_WIDTH, VR::DS, "800".into());
    sequence(&mut ps, tags::SOFTCOPY_VOILUT_SEQUENCE, vec![voi]);
    put(&mut ps, tags::PRESENTATION_LUT_SHAPE, VR::CS, "IDENTITY".into());
    put(&mut ps, tags::IMAGE_ROTATION, VR::US, PrimitiveValue::from(90u16));
    put(&mut ps, tags::IMAGE_HORIZONTAL_FLIP, VR::CS, "N".into());
    put(&mut ps, tags::SHUTTER_SHAPE, VR::CS, "RECTANGULAR".into());
    put(&mut ps, tags::SHUTTER_LEFT_VERTICAL_EDGE, VR::IS, "60".into());
    put(&mut ps, tags::SHUTTER_RIGHT_VERTICAL_EDGE, VR::IS, "450".into());
    put(&mut ps, tags::SHUTTER_UPPER_HORIZONTAL_EDGE, VR::IS, "80".into());
    put(&mut ps, tags::SHUTTER_LOWER_HORIZONTAL_EDGE, VR::IS, "400".into());
    put(&mut ps, tags::SHUTTER_PRESENTATION_VALUE, VR::US, PrimitiveValue::from(0u16));
    let mut layer = InMemDicomObject::new_empty();
    put(&mut layer, tags::GRAPHIC_LAYER, VR::CS, "MARKS".into());
    put(&mut layer, tags::GRAPHIC_LAYER_ORDER, VR::IS, "1".into());
    // CIELab of sRGB red, DICOM-scaled.
    put(
        &mut layer,
        tags::GRAPHIC_LAYER_RECOMMENDED_DISPLAY_CIE_LAB_VALUE,
        VR::US,
        PrimitiveValue::U16(vec![34891, 53480, 50167].into()),
    );
    sequence(&mut ps, tags::GRAPHIC_LAYER_SEQUENCE, vec![layer]);
    let mut polyline = InMemDicomObject::new_empty();
    put(&mut polyline, tags::GRAPHIC_ANNOTATION_UNITS, VR::CS, "PIXEL".into());
    put(&mut polyline, tags::GRAPHIC_DIMENSIONS, VR::US, PrimitiveValue::from(2u16));
    put(&mut polyline, tags::NUMBER_OF_GRAPHIC_POINTS, VR::US, PrimitiveValue::from(3u16));
    put(
        &mut polyline,
        tags::GRAPHIC_DATA,
        VR::FL,
        PrimitiveValue::F32(vec![120.0, 150.0, 300.0, 150.0, 300.0, 320.0].into()),
    );
    put(&mut polyline, tags::GRAPHIC_TYPE, VR::CS, "POLYLINE".into());
    put(&mut polyline, tags::GRAPHIC_FILLED, VR::CS, "N".into());
    let mut text = InMemDicomObject::new_empty();
    put(&mut text, tags::BOUNDING_BOX_ANNOTATION_UNITS, VR::CS, "PIXEL".into());
    put(&mut text, tags::UNFORMATTED_TEXT_VALUE, VR::ST, "Lesion A".into());
    put(&mut text, tags::BOUNDING_BOX_TOP_LEFT_HAND_CORNER, VR::FL, PrimitiveValue::F32(vec![310.0, 120.0].into()));
    put(&mut text, tags::BOUNDING_BOX_BOTTOM_RIGHT_HAND_CORNER, VR::FL, PrimitiveValue::F32(vec![420.0, 140.0].into()));
    put(&mut text, tags::BOUNDING_BOX_TEXT_HORIZONTAL_JUSTIFICATION, VR::CS, "LEFT".into());
    let mut annotation = InMemDicomObject::new_empty();
    sequence(&mut annotation, tags::REFERENCED_IMAGE_SEQUENCE, vec![image_reference()]);
    put(&mut annotation, tags::GRAPHIC_LAYER, VR::CS, "MARKS".into());
    sequence(&mut annotation, tags::TEXT_OBJECT_SEQUENCE, vec![text]);
    sequence(&mut annotation, tags::GRAPHIC_OBJECT_SEQUENCE, vec![polyline]);
    sequence(&mut ps, tags::GRAPHIC_ANNOTATION_SEQUENCE, vec![annotation]);
    let meta = FileMetaTableBuilder::new()
        .media_storage_sop_class_uid("1.2.840.10008.5.1.4.1.1.11.1")
        .media_storage_sop_instance_uid(STATE_UID)
        .transfer_syntax("1.2.840.10008.1.2.1")
        .build()?;
    let path = dir.join("prWindow.dcm");
    ps.with_exact_meta(meta).write_to_file(&path)?;
    Ok(path)
}

/// What `state` draws on overlay.dcm (512 × 512): (layer pixels, graphics), from the pure core.
fn expected(state: &Path) -> Result<(usize, usize)> {
    let dataset = read_dataset(&std::fs::read(state)?).map_err(|e| e.to_string())?;
    let ps = PresentationState::parse(&dataset).map_err(|e| e.to_string())?;
    let frame = SourceFrame {
        sop_instance_uid: IMAGE_UID.into(),
        frame_number: 1,
        frame_of_reference_uid: String::new(),
        rows: 512,
        columns: 512,
        position_mm: None,
        orientation: None,
        pixel_spacing_mm: None,
        slice_thickness_mm: None,
    };
    let mut out = FrameOverlays::default();
    ps.draw_on(&frame, &LayerStyle::default(), &mut out);
    Ok((out.flattened().map_or(0, |l| l.covered()), out.graphics.len()))
}

async fn screenshot(client: &Client, name: &str) -> Result {
    let png = client.screenshot().await?;
    let path = std::env::temp_dir().join(format!("e2e-gsps-{name}.png"));
    std::fs::write(&path, png)?;
    println!("screenshot: {}", path.display());
    Ok(())
}

fn item(label: &str) -> String {
    format!(r#"[data-testid="gsps-item"][data-label="{label}"]"#)
}

/// The canvas's hooks once it has drawn: (window centre, width, layer pixels, graphics,
/// image-to-canvas a, b).
async fn drawn_state(client: &Client, what: &str, condition: &str) -> Result<serde_json::Value> {
    let expression = format!(
        "(() => {{ const c = document.querySelector('{VIEWPORT}'); if (!c || c.dataset.ready !== 'true') return false; \
         const d = c.dataset; const m = (d.imageToCanvas || '').split(',').map(Number); \
         const s = {{ center: d.windowCenter, width: d.windowWidth, layer: Number(d.layerPixels), graphics: Number(d.graphics), \
         svg: document.querySelectorAll('[data-testid=\"derived-graphics\"] [data-derived-kind=\"gsps\"]').length, \
         ovl: Number(d.overlaysShown), a: m[0], b: m[1] }}; \
         return ({condition}) ? s : false; }})()"
    );
    wait_for(client, what, &expression).await
}

async fn run(client: &Client) -> Result {
    client.set_window_rect(0, 0, 1400, 1000).await?;
    let dir = temp_dir("gsps");
    let weasis = corpus().join("derived/gsps/weasis");
    let made = window_state(&dir)?;
    let (shutter_pixels, marks) = expected(&made)?;
    let (overlay_pixels, _) = expected(&weasis.join("prOverlay.dcm"))?;
    assert!(shutter_pixels > 0 && marks == 2 && overlay_pixels > 0, "{shutter_pixels} {marks} {overlay_pixels}");
    fresh_page(client).await?;
    open_files(client, &[weasis.join("overlay.dcm"), weasis.join("prOverlay.dcm"), made.clone()]).await?;
    ready_on_frame(client, 0).await?;
    let before = drawn_state(client, "the image's own display", "s.layer === 0 && s.graphics === 0").await?;
    println!("before: {before}");
    // The Presentation tab lists both states for the shown image.
    wait_for(client, "the Presentation tab", r#"document.querySelector('[data-testid="tab-presentation"]')"#).await?;
    client.find(Locator::Css(r#"[data-testid="tab-presentation"]"#)).await?.click().await?;
    wait_for(
        client,
        "two loaded states on the shown image",
        r#"document.querySelectorAll('[data-testid="gsps-item"][data-on-image="true"]').length === 2"#,
    )
    .await?;
    let text = client.find(Locator::Css(&item("WINDOW_TEST"))).await?.text().await?;
    assert!(text.contains("Tester, Tina") && text.contains("Jan 31, 2024"), "{text}");
    // Apply the made state.
    client.find(Locator::Css(&format!(r#"{} [data-testid="gsps-apply"]"#, item("WINDOW_TEST")))).await?.click().await?;
    let applied = drawn_state(
        client,
        "the state's window, shutter, marks and quarter turn",
        &format!("s.center === '1000' && s.width === '800' && s.layer === {shutter_pixels} && s.graphics === 2 && s.svg === 2 && s.ovl === 0 && Math.abs(s.a) < 1e-9 && Math.abs(s.b) > 0"),
    )
    .await?;
    println!("applied WINDOW_TEST: {applied}");
    let pressed = client
        .find(Locator::Css(&format!(r#"{} [data-testid="gsps-apply"]"#, item("WINDOW_TEST"))))
        .await?
        .attr("aria-pressed")
        .await?;
    assert_eq!(pressed.as_deref(), Some("true"));
    let status = client.find(Locator::Css(&format!(r#"{} [data-testid="gsps-status"]"#, item("WINDOW_TEST")))).await?;
    let said = client.execute("return arguments[0].textContent;", vec![serde_json::to_value(&status)?]).await?;
    assert!(said.as_str().unwrap_or("").contains("WINDOW_TEST"), "announced: {said}");
    let colours = client
        .execute(
            r#"return [...document.querySelectorAll('[data-testid="derived-graphics"] [data-derived-kind="gsps"]')].map(e => e.getAttribute('stroke') || getComputedStyle(e).stroke || e.getAttribute('fill') || getComputedStyle(e).color);"#,
            vec![],
        )
        .await?;
    println!("graphic colours: {colours}");
    screenshot(client, "applied-desktop").await?;
    // None: the image's own window, upright, nothing drawn.
    client.find(Locator::Css(&format!(r#"{} [data-testid="gsps-none"]"#, item("WINDOW_TEST")))).await?.click().await?;
    let restored = drawn_state(
        client,
        "the image's own display again",
        &format!("s.center === {} && s.width === {} && s.layer === 0 && s.graphics === 0 && s.svg === 0 && s.ovl > 0 && Math.abs(s.b) < 1e-9", json!(before["center"]), json!(before["width"])),
    )
    .await?;
    println!("none: {restored}");
    // prOverlay from the keyboard: focus its Apply button and press Enter.
    let button = client.find(Locator::Css(&format!(r#"{} [data-testid="gsps-apply"]"#, item("OVLY_P01")))).await?;
    client.execute("arguments[0].focus();", vec![serde_json::to_value(&button)?]).await?;
    button.send_keys("\u{E007}").await?;
    let overlays = drawn_state(
        client,
        "prOverlay's layers and the 12-bit range",
        &format!("s.center === '2048' && s.width === '4096' && s.layer === {overlay_pixels} && s.graphics === 0 && s.ovl > 0"),
    )
    .await?;
    println!("applied OVLY_P01: {overlays}");
    let other = client
        .find(Locator::Css(&format!(r#"{} [data-testid="gsps-apply"]"#, item("WINDOW_TEST"))))
        .await?
        .attr("aria-pressed")
        .await?;
    assert_eq!(other.as_deref(), Some("false"), "one state at a time");
    screenshot(client, "overlay-desktop").await?;
    // Phone: the made state applied again, then the viewport and the sheet.
    client.find(Locator::Css(&format!(r#"{} [data-testid="gsps-apply"]"#, item("WINDOW_TEST")))).await?.click().await?;
    drawn_state(client, "WINDOW_TEST again", "s.center === '1000'").await?;
    client.set_window_rect(0, 0, 390, 844).await?;
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    screenshot(client, "applied-phone").await?;
    // The side panel as a phone sheet, on the Presentation tab.
    client.execute(r#"document.querySelector('[data-testid="toggle-side-panel"]')?.click();"#, vec![]).await?;
    wait_for(client, "the Presentation tab on the phone", r#"document.querySelector('[data-testid="gsps-item"]')"#)
        .await?;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    screenshot(client, "panel-phone").await?;
    Ok(())
}

#[tokio::test]
async fn presentation_states_end_to_end() {
    let app = env("APP_URL");
    let client = connect().await;
    let result = run(&client).await;
    let _ = client.close().await;
    if let Err(e) = result {
        panic!("{app}: {e}");
    }
}
