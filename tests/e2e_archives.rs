//! End to end through the public sources, every one stood in for on loopback: the start page's
//! datasets; SIIM (FHIR R4 with an `apikey`, patients paged by Bundle links, a patient story
//! whose study opens from Orthanc's apikey port); IDC (DICOMweb with IDC's flags, a deep link);
//! TCIA (NBIA v4: collections → series, an outage retried, an empty collection, the series ZIP
//! streamed and unzipped: all its slices); ISIC (image search, cursor paging, a dermoscopy JPEG
//! shown in colour as the browser's own JPEG decoder shows it, 429 stops the source).
//!
//! Needs APP_URL, WEBDRIVER_URL, and the env of scripts/dicomweb-servers.sh and
//! scripts/standins.sh (scripts/browser-tests.sh starts everything).
#![cfg(not(target_arch = "wasm32"))]

mod e2e_support;

use e2e_support::*;
use fantoccini::Client;
use serde_json::{json, Value};

async fn count(client: &Client, selector: &str) -> Result<u64> {
    let value = client.execute("return document.querySelectorAll(arguments[0]).length;", vec![json!(selector)]).await?;
    Ok(value.as_u64().unwrap_or(0))
}

async fn texts(client: &Client, selector: &str) -> Result<Vec<String>> {
    let value = client
        .execute("return [...document.querySelectorAll(arguments[0])].map(e => e.textContent);", vec![json!(selector)])
        .await?;
    Ok(value.as_array().map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect()).unwrap_or_default())
}

/// Tells a stand-in to fail its next `count` requests with `status`.
async fn inject(client: &Client, base: &str, count: u32, status: u16) -> Result {
    client
        .execute(
            "return fetch(arguments[0] + '/_control/fail?count=' + arguments[1] + '&status=' + arguments[2] + '&retry_after=1', { method: 'POST' }).then(r => r.status);",
            vec![json!(base), json!(count), json!(status)],
        )
        .await?;
    Ok(())
}

async fn viewer_shows(client: &Client, what: &str) -> Result {
    let state = wait_for(
        client,
        what,
        &format!(
            "(() => {{ const c = document.querySelector({}); if (c && c.dataset.ready === 'true') return 'ready'; \
              const e = document.querySelector('[data-testid=\"error\"]'); return e ? 'error: ' + e.textContent : false; }})()",
            json!(VIEWPORT)
        ),
    )
    .await?;
    if state.as_str() != Some("ready") {
        return Err(format!("{what}: {state}").into());
    }
    Ok(())
}

async fn start_page(client: &Client) -> Result {
    fresh_page(client).await?;
    wait_for(client, "four datasets", r#"document.querySelectorAll('[data-testid="dataset"]').length === 4"#).await?;
    let kinds = client
        .execute(r#"return [...document.querySelectorAll('[data-testid="dataset"]')].map(d => d.dataset.kind + ':' + d.querySelector('.needs').textContent);"#, vec![])
        .await?;
    println!("datasets: {kinds}");
    for kind in ["fhir", "dicomweb", "nbia", "isic"] {
        if !kinds.to_string().contains(&format!("{kind}:")) {
            return Err(format!("the start page should list a {kind} dataset: {kinds}").into());
        }
    }
    if !kinds.to_string().to_lowercase().contains("key") {
        return Err(format!("the SIIM dataset should say it needs an API key: {kinds}").into());
    }
    wait_for(client, "the samples", r#"document.querySelectorAll('.start [data-testid="sample"]').length > 0"#).await?;
    if count(client, r#".start [data-testid="open-files"]"#).await? != 1 {
        return Err("the start page should also offer local files".into());
    }
    Ok(())
}

async fn siim(client: &Client) -> Result {
    fresh_page(client).await?;
    click(client, r#"[data-testid="dataset-browse"][data-kind="fhir"]"#).await?;
    let message = wait_for(
        client,
        "a message asking for the key",
        r#"(() => { const e = document.querySelector('[data-testid="browse-error"]'); return e && e.textContent; })()"#,
    )
    .await?;
    println!("SIIM FHIR without a key: {message}");
    if !message.as_str().unwrap_or_default().to_lowercase().contains("key") {
        return Err(format!("a 401 from FHIR should ask for the key: {message}").into());
    }
    type_into(client, r#"[data-testid="source-key"]"#, &env("FHIR_APIKEY")).await?;
    client
        .execute("document.querySelector('[data-testid=\"source-key\"]').dispatchEvent(new Event('change'));", vec![])
        .await?;
    click(client, r#"[data-testid="fhir-search"]"#).await?;
    wait_for(
        client,
        "the first page of patients",
        r#"document.querySelectorAll('[data-testid="fhir-patient"]').length === 2"#,
    )
    .await?;
    click(client, r#"[data-testid="fhir-next"]"#).await?;
    wait_for(
        client,
        "the second page of patients",
        r#"document.querySelectorAll('[data-testid="fhir-patient"]').length === 1"#,
    )
    .await?;
    println!("FHIR patients: 2 on the first page, 1 after the Bundle's next link");
    type_into(client, r#"[data-testid="fhir-name"]"#, &env("FHIR_PATIENT_FAMILY")).await?;
    click(client, r#"[data-testid="fhir-search"]"#).await?;
    let patient = format!(r#"[data-testid="fhir-patient"][data-patient-id="{}"]"#, env("FHIR_PATIENT_ID"));
    click(client, &patient).await?;
    wait_for(client, "the patient story", r#"document.querySelectorAll('[data-testid="story-entry"]').length >= 2"#)
        .await?;
    let name = texts(client, r#"[data-testid="story-patient"]"#).await?;
    let conditions = count(client, r#"[data-testid="story-conditions"] li"#).await?;
    let medications = count(client, r#"[data-testid="story-medications"] li"#).await?;
    let entries = client
        .execute(
            r#"return [...document.querySelectorAll('[data-testid="story-entry"]')].map(e => ({ date: e.dataset.date,
                 report: !!e.querySelector('[data-testid="story-report"]'),
                 study: (e.querySelector('[data-testid="story-study"]') || {}).dataset?.studyUid || null }));"#,
            vec![],
        )
        .await?;
    println!("story of {name:?}: {conditions} conditions, {medications} medications, entries {entries}");
    if !name.first().is_some_and(|n| n.contains(&env("FHIR_PATIENT_FAMILY"))) || conditions < 2 || medications < 1 {
        return Err(format!(
            "the story should show the patient, 2 conditions, medications: {name:?} {conditions} {medications}"
        )
        .into());
    }
    let list = entries.as_array().cloned().unwrap_or_default();
    let dates: Vec<&str> = list.iter().map(|e| e["date"].as_str().unwrap_or("")).collect();
    if dates.windows(2).any(|w| w[0] > w[1]) {
        return Err(format!("story entries should be in time order: {dates:?}").into());
    }
    for uid in [env("FHIR_STUDY_UID"), env("FHIR_CT_STUDY_UID")] {
        if !list.iter().any(|e| e["study"] == json!(uid) && e["report"] == json!(true)) {
            return Err(format!("study {uid} should sit beside its report: {entries}").into());
        }
    }
    let open = format!(
        r#"[data-testid="story-study"][data-study-uid="{}"] [data-testid="story-open-study"]"#,
        env("FHIR_STUDY_UID")
    );
    click(client, &open).await?;
    viewer_shows(client, "the MR study from the patient story").await?;
    let uid = client
        .execute("return document.querySelector(arguments[0]).dataset.sopInstanceUid;", vec![json!(VIEWPORT)])
        .await?;
    println!("story → study: the viewer shows instance {uid} of the MR study");
    let link = client.execute("return location.search;", vec![]).await?;
    if !link.as_str().unwrap_or_default().contains(&env("FHIR_STUDY_UID")) {
        return Err(format!("the address should name the opened study: {link}").into());
    }
    Ok(())
}

async fn idc(client: &Client) -> Result {
    fresh_page(client).await?;
    click(client, r#"[data-testid="dataset-browse"][data-kind="dicomweb"]"#).await?;
    wait_for(
        client,
        "the IDC source selected",
        r#"document.querySelector('[data-testid="source-select"]').value === 'idc'"#,
    )
    .await?;
    click(client, r#"[data-testid="search-button"]"#).await?;
    let row =
        format!(r#"[data-testid="study-row"][data-study-uid="{}"] [data-testid="open-study"]"#, env("MR_STUDY_UID"));
    let page_two = r#"[data-testid="page-next"]"#;
    // The MR study may be on a later page (QIDO results are unsorted).
    for _ in 0..4 {
        wait_for(client, "studies", r#"document.querySelectorAll('[data-testid="study-row"]').length > 0"#).await?;
        if count(client, &row).await? > 0 {
            break;
        }
        click(client, page_two).await?;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
    click(client, &row).await?;
    viewer_shows(client, "the IDC study").await?;
    fresh_page_with(client, &format!("?datasource=idc&StudyInstanceUIDs={}", env("MR_STUDY_UID"))).await?;
    viewer_shows(client, "an IDC deep link").await?;
    println!("IDC: searched, opened, and a deep link by StudyInstanceUIDs shows the study");
    Ok(())
}

async fn tcia(client: &Client) -> Result {
    fresh_page(client).await?;
    inject(client, &env("NBIA_BASE"), 2, 500).await?;
    click(client, r#"[data-testid="dataset-browse"][data-kind="nbia"]"#).await?;
    click(client, &format!(r#"[data-testid="tcia-collection"][data-collection="{}"]"#, env("TCIA_EMPTY_COLLECTION")))
        .await?;
    wait_for(client, "an empty collection", r#"document.querySelector('[data-testid="tcia-empty"]')"#).await?;
    click(client, r#"[data-testid="tcia-crumb"]"#).await?;
    click(client, &format!(r#"[data-testid="tcia-collection"][data-collection="{}"]"#, env("TCIA_COLLECTION"))).await?;
    click(client, &format!(r#"[data-testid="tcia-patient"][data-patient="{}"]"#, env("TCIA_PATIENT"))).await?;
    click(client, &format!(r#"[data-testid="tcia-study"][data-study-uid="{}"]"#, env("TCIA_STUDY_UID"))).await?;
    let series = format!(r#"[data-testid="tcia-series"][data-series-uid="{}"]"#, env("TCIA_SERIES_UID"));
    wait_for(client, "the series row", &format!("document.querySelector({})", json!(series))).await?;
    let row = texts(client, &series).await?;
    println!("TCIA series row: {row:?}");
    let start = client.execute("return performance.now();", vec![]).await?.as_f64().unwrap_or(0.0);
    click(client, &format!("{series} [data-testid=\"tcia-open-series\"]")).await?;
    let images = env("TCIA_SERIES_IMAGES");
    let done = wait_for(
        client,
        "every slice of the TCIA series",
        &format!(
            "(() => {{ const c = document.querySelector({}); const p = c && c.parentElement; \
              return p && p.dataset.total === '{images}' && p.dataset.loaded === '{images}' && c.dataset.ready === 'true' && performance.now(); }})()",
            json!(VIEWPORT)
        ),
    )
    .await?;
    println!(
        "TCIA: after 2 injected outages (500, retried), the {images}-slice series ZIP ({} bytes) was streamed, unzipped and fully shown in {:.0} ms",
        env("TCIA_ZIP_BYTES"),
        done.as_f64().unwrap_or(f64::NAN) - start
    );
    Ok(())
}

async fn isic(client: &Client) -> Result {
    fresh_page(client).await?;
    click(client, r#"[data-testid="dataset-browse"][data-kind="isic"]"#).await?;
    wait_for(client, "ISIC images", r#"document.querySelectorAll('[data-testid="isic-image"]').length > 0"#).await?;
    // Cursor paging: "More images" until every image is listed.
    let total: u64 = env("ISIC_IMAGE_COUNT").parse().unwrap_or(0);
    while count(client, r#"[data-testid="isic-image"]"#).await? < total {
        click(client, r#"[data-testid="isic-more"]"#).await?;
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let facts = texts(client, r#"[data-testid="isic-image"] .facts"#).await?;
    println!("ISIC: {total} images over cursor pages; facts {facts:?}");
    let id = env("ISIC_IMAGE_ID");
    let thumbnail_src = client
        .execute(
            "return document.querySelector(arguments[0]).src;",
            vec![json!(format!(r#"[data-isic-id="{id}"] img"#))],
        )
        .await?;
    let full_url = thumbnail_src.as_str().unwrap_or_default().to_string();
    click(client, &format!(r#"[data-testid="isic-image"][data-isic-id="{id}"] [data-testid="isic-open"]"#)).await?;
    viewer_shows(client, "the ISIC image").await?;
    let overlay = client
        .execute("return document.querySelector(arguments[0]).parentElement.innerText;", vec![json!(VIEWPORT)])
        .await?;
    println!("ISIC overlay: {}", overlay.as_str().unwrap_or_default().replace('\n', " | "));
    if !overlay.as_str().unwrap_or_default().contains(&id) {
        return Err(format!("the viewer should show the image's id and facts: {overlay}").into());
    }
    // Colour: our decoding of the JPEG (through the viewport transform) against Chromium's own.
    let compared = client
        .execute(
            r#"const [selector, url] = arguments;
               return (async () => {
                 const canvas = document.querySelector(selector);
                 const [a, b, c, d, e, f] = canvas.dataset.imageToCanvas.split(',').map(Number);
                 const shownCopy = document.createElement('canvas'); shownCopy.width = canvas.width; shownCopy.height = canvas.height;
                 shownCopy.getContext('2d').drawImage(canvas, 0, 0);
                 const shown = shownCopy.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                 const image = new Image(); image.crossOrigin = 'anonymous'; image.src = url; await image.decode();
                 const ref = document.createElement('canvas'); ref.width = image.naturalWidth; ref.height = image.naturalHeight;
                 ref.getContext('2d').drawImage(image, 0, 0);
                 const expected = ref.getContext('2d').getImageData(0, 0, ref.width, ref.height).data;
                 let n = 0, sum = 0, max = 0, colourful = 0; const diffs = [];
                 for (let v = 0.5; v < ref.height; v += 3) for (let u = 0.5; u < ref.width; u += 3) {
                   const x = Math.floor(a * u + c * v + e), y = Math.floor(b * u + d * v + f);
                   if (x < 0 || y < 0 || x >= canvas.width || y >= canvas.height) continue;
                   const i = (y * canvas.width + x) * 4, j = (Math.floor(v) * ref.width + Math.floor(u)) * 4;
                   const diff = Math.max(Math.abs(shown[i] - expected[j]), Math.abs(shown[i + 1] - expected[j + 1]), Math.abs(shown[i + 2] - expected[j + 2]));
                   n++; sum += diff; max = Math.max(max, diff); diffs.push(diff);
                   if (Math.max(shown[i], shown[i + 1], shown[i + 2]) - Math.min(shown[i], shown[i + 1], shown[i + 2]) > 20) colourful++;
                 }
                 diffs.sort((p, q) => p - q);
                 return { compared: n, mean: sum / Math.max(1, n), p99: diffs[Math.floor(diffs.length * 0.99)] ?? null, max, colourful, size: [ref.width, ref.height] };
               })();"#,
            vec![json!(VIEWPORT), json!(full_url.replace("_thumbnail.jpg", ".jpg"))],
        )
        .await;
    let compared: Value = compared?;
    println!("ISIC colour vs Chromium's JPEG decoder (every 3rd pixel): {compared}");
    let mean = compared["mean"].as_f64().unwrap_or(f64::INFINITY);
    if compared["compared"].as_u64().unwrap_or(0) < 1000
        || mean > 2.0
        || compared["colourful"].as_u64().unwrap_or(0) == 0
    {
        return Err(format!("the dermoscopy image should show in colour as the browser decodes it: {compared}").into());
    }
    // 429: the quota message, once; the source stops.
    fresh_page(client).await?;
    inject(client, &env("ISIC_BASE"), 1, 429).await?;
    click(client, r#"[data-testid="dataset-browse"][data-kind="isic"]"#).await?;
    let message = wait_for(
        client,
        "a quota message",
        r#"(() => { const e = document.querySelector('[data-testid="browse-error"]'); return e && e.textContent; })()"#,
    )
    .await?;
    println!("ISIC 429: {message}");
    if !message.as_str().unwrap_or_default().contains("429") {
        return Err(format!("a 429 should say the quota is used up: {message}").into());
    }
    Ok(())
}

async fn run(client: &Client) -> Result {
    start_page(client).await?;
    siim(client).await?;
    idc(client).await?;
    tcia(client).await?;
    isic(client).await?;
    Ok(())
}

#[tokio::test]
async fn archives_end_to_end() {
    let app = env("APP_URL");
    let client = connect().await;
    let result = run(&client).await;
    let _ = client.close().await;
    if let Err(e) = result {
        panic!("{app}: {e}");
    }
}
