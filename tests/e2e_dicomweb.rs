//! End to end against real DICOMweb servers: Orthanc (with its DICOMweb and GDCM plugins)
//! behind a user-mode nginx that adds CORS on one port, requires an `apikey` header on a second
//! and injects faults (500/503 and slow answers on a share of frame requests) on a third; the
//! page is served from yet another loopback port, so every request is cross-origin.
//! - search studies (QIDO-RS) in the study browser, page through them, unfold a study, open
//!   the 128-slice MR series, scroll through every slice, compare the shown pixels with
//!   `render_frame` of the same file read locally;
//! - the address names the open series (OHIF parameters); that link, opened afresh, shows the
//!   same series;
//! - a server added in the editor with an `apikey`: 401 without the key (a message asking for
//!   it), the study list after typing it;
//! - the whole series through the faulty port (retries with backoff), every slice shown;
//! - an unknown study in a link gives one message and nothing breaks.
//!
//! Needs APP_URL, WEBDRIVER_URL, CORPUS_URL and the servers' addresses written by
//! scripts/dicomweb-servers.sh (scripts/browser-tests.sh starts everything). Timings and
//! request rates are printed, not asserted.
#![cfg(not(target_arch = "wasm32"))]

mod e2e_support;

use std::collections::HashMap;

use e2e_support::*;
use fantoccini::Client;
use serde_json::{json, Value};

/// One instance stored in Orthanc: its series and the corpus file it came from.
struct Stored {
    study: String,
    series: String,
    path: String,
}

fn stored_instances() -> Result<HashMap<String, Stored>> {
    let path = env("DICOMWEB_INSTANCES_TSV");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    let mut map = HashMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split('\t').collect();
        if let [sop, study, series, path, ..] = fields[..] {
            map.insert(sop.to_string(), Stored { study: study.into(), series: series.into(), path: path.into() });
        }
    }
    Ok(map)
}

/// Marks time zero, clears the resource timings and the "all loaded" mark.
async fn start_clock(client: &Client, total: u32) -> Result<f64> {
    let now = client
        .execute(
            "window.__marks = {}; window.__expectTotal = arguments[0]; performance.clearResourceTimings(); \
             performance.setResourceTimingBufferSize(10000); return performance.now();",
            vec![json!(total)],
        )
        .await?;
    Ok(now.as_f64().unwrap_or(0.0))
}

/// (first image ms, all slices ms, frame requests, their requests per second).
async fn load_timings(client: &Client, start: f64) -> Result<(f64, f64, u64, f64)> {
    let all = wait_for(
        client,
        "all slices loaded",
        &format!(
            "(() => {{ const c = document.querySelector({}); const p = c && c.parentElement; \
               return p && p.dataset.total === '128' && p.dataset.loaded === '128' && Number(p.dataset.loadedAt); }})()",
            json!(VIEWPORT)
        ),
    )
    .await?;
    let value = client
        .execute(
            r#"const frames = performance.getEntriesByType('resource').filter(e => e.name.includes('/frames/'));
               const begin = Math.min(...frames.map(e => e.startTime)), end = Math.max(...frames.map(e => e.responseEnd));
               const first = Number(document.querySelector('[data-testid="viewport"][data-pane="0"]').dataset.firstDrawnAt);
               const metadata = performance.getEntriesByType('resource').filter(e => e.name.endsWith('/metadata'));
               window.__timeline = { metadata: metadata.map(e => [Math.round(e.startTime), Math.round(e.responseEnd)]),
                                     frames: [Math.round(begin), Math.round(end)], longTasks: window.__longTaskSpans };
               return { first, requests: frames.length, timeline: window.__timeline,
                        perSecond: frames.length / Math.max(1e-3, (end - begin) / 1000) };"#,
            vec![],
        )
        .await?;
    Ok((
        value["first"].as_f64().unwrap_or(f64::NAN) - start,
        all.as_f64().unwrap_or(f64::NAN) - start,
        value["requests"].as_u64().unwrap_or(0),
        value["perSecond"].as_f64().unwrap_or(f64::NAN),
    ))
    .inspect(|_| println!("  timeline (ms since navigation start): {}", value["timeline"]))
}

async fn viewport_attribute(client: &Client, name: &str) -> Result<String> {
    let value = client
        .execute(
            "const c = document.querySelector(arguments[0]); return c ? c.getAttribute(arguments[1]) : null;",
            vec![json!(VIEWPORT), json!(name)],
        )
        .await?;
    Ok(value.as_str().unwrap_or_default().to_string())
}

/// Steps through every slice with the keyboard, waiting for each to be drawn.
async fn scroll_all(client: &Client, total: u32) -> Result {
    press(client, "Home").await?;
    ready_on_frame(client, 0).await?;
    for index in 1..total {
        press(client, "ArrowDown").await?;
        ready_on_frame(client, index).await?;
    }
    Ok(())
}

/// The shown slice equals `render_frame` of the same file read from the corpus.
async fn compare_with_local_file(client: &Client, stored: &HashMap<String, Stored>) -> Result<Value> {
    let uid = viewport_attribute(client, "data-sop-instance-uid").await?;
    let file = stored.get(&uid).ok_or_else(|| format!("the viewport shows {uid:?}, which the test did not upload"))?;
    compare_with_render_frame(client, &corpus_url(&file.path), true).await
}

async fn no_errors(client: &Client, what: &str) -> Result {
    let errors = client
        .execute(r#"return [...document.querySelectorAll('[data-testid="error"], [data-testid="browse-error"]')].map(e => e.textContent);"#, vec![])
        .await?;
    if errors.as_array().is_some_and(|a| !a.is_empty()) {
        return Err(format!("{what}: unexpected messages {errors}").into());
    }
    Ok(())
}

/// An attribute of the MR study's QIDO row, read straight from the server (CORS port).
async fn mr_study_attribute(client: &Client, tag: &str) -> Result<String> {
    let value = client
        .execute(
            "return fetch(arguments[0] + '/studies?StudyInstanceUID=' + arguments[1]).then(r => r.json()).then(j => {
                 const v = j[0][arguments[2]].Value[0]; return typeof v === 'object' ? v.Alphabetic : String(v); });",
            vec![json!(env("DICOMWEB_CORS_URL")), json!(env("MR_STUDY_UID")), json!(tag)],
        )
        .await?;
    Ok(value.as_str().unwrap_or_default().to_string())
}

async fn mr_patient_id(client: &Client) -> Result<String> {
    mr_study_attribute(client, "00100020").await
}

/// Search, paging, unfolding a study, opening the MR series, scrolling, pixels, the address.
async fn search_and_open(client: &Client, stored: &HashMap<String, Stored>) -> Result<String> {
    let (study, series) = (env("MR_STUDY_UID"), env("MR_SERIES_UID"));
    fresh_page(client).await?;
    click(client, r#"[data-testid="browse-source"][data-source="orthanc"]"#).await?;
    // Everything, 25 per page: the corpus has more studies than that.
    click(client, r#"[data-testid="search-button"]"#).await?;
    wait_for(
        client,
        "the first page of studies",
        r#"document.querySelectorAll('[data-testid="study-row"]').length === 25"#,
    )
    .await?;
    let studies = stored.values().map(|s| s.study.clone()).collect::<std::collections::HashSet<_>>().len();
    if studies > 25 {
        click(client, r#"[data-testid="page-next"]"#).await?;
        wait_for(
            client,
            "the second page",
            r#"document.querySelector('[data-testid="search-status"]').textContent.startsWith('Studies 26')"#,
        )
        .await?;
    }
    // The MR study by a wildcard on its patient name (first three letters).
    let name = mr_study_attribute(client, "00100010").await?;
    let prefix: String = name.chars().take(3).collect();
    type_into(client, r#"[data-testid="search-patient-name"]"#, &prefix).await?;
    click(client, r#"[data-testid="search-button"]"#).await?;
    wait_for(
        client,
        "the filtered first page",
        r#"document.querySelector('[data-testid="search-status"]').textContent.startsWith('Studies 1–')"#,
    )
    .await?;
    let row = format!(r#"[data-testid="study-row"][data-study-uid="{study}"]"#);
    wait_for(client, "the MR study in the results", &format!("document.querySelector({})", json!(row))).await?;
    let names = client
        .execute(r#"return [...document.querySelectorAll('[data-testid="study-row"] td:first-child')].map(td => td.textContent);"#, vec![])
        .await?;
    let first_name_part = name.split('^').next().unwrap_or_default().to_lowercase();
    if names.as_array().is_none_or(|a| {
        a.iter().any(|n| !n.as_str().unwrap_or_default().to_lowercase().starts_with(&prefix.to_lowercase()))
    }) {
        return Err(format!(
            "a search for {prefix:?}* should list only matching patients ({first_name_part}…), listed {names}"
        )
        .into());
    }
    let rows =
        client.execute(r#"return document.querySelectorAll('[data-testid="study-row"]').length;"#, vec![]).await?;
    println!("patient name {prefix:?}* found {rows} stud(y/ies)");
    click(client, &row).await?;
    // The series thumbnail: the server's /rendered image (the source says it has one).
    let thumbnail =
        format!(r#"[data-testid="series-row"][data-series-uid="{series}"] [data-testid="series-thumbnail"]"#);
    wait_for(
        client,
        "the series thumbnail",
        &format!("(() => {{ const i = document.querySelector({}); return i && i.complete && i.naturalWidth > 0 && i.src.startsWith('blob:'); }})()", json!(thumbnail)),
    )
    .await?;
    let open = format!(r#"[data-testid="series-row"][data-series-uid="{series}"] [data-testid="open-series"]"#);
    let start = start_clock(client, 128).await?;
    click(client, &open).await?;
    ready_on_frame(client, 64).await?;
    let (first, all, requests, per_second) = load_timings(client, start).await?;
    println!(
        "MR 128 slices over DICOMweb (CORS port): first image {first:.0} ms, all slices {all:.0} ms, \
         {requests} frame requests, {per_second:.0} requests/s, longest main-thread task {:.0} ms",
        longest_task(client).await?
    );
    no_errors(client, "opening the MR series").await?;
    let compared = compare_with_local_file(client, stored).await?;
    println!("slice 1 vs local render_frame: {compared}");
    scroll_all(client, 128).await?;
    compare_with_local_file(client, stored).await?;
    let search = client.execute("return location.search;", vec![]).await?;
    let search = search.as_str().unwrap_or_default().to_string();
    if !(search.contains("datasource=orthanc") && search.contains(&study) && search.contains(&series)) {
        return Err(format!("the address should name the open series, it is {search:?}").into());
    }
    Ok(search)
}

/// The shared link opens the same series afresh; a link to a study of two series opens the
/// second one named.
async fn deep_links(client: &Client, stored: &HashMap<String, Stored>, link: &str) -> Result {
    fresh_page_with(client, link).await?;
    ready_on_frame(client, 64).await?;
    let first: f64 = viewport_attribute(client, "data-first-drawn-at").await?.parse().unwrap_or(f64::NAN);
    let uid = viewport_attribute(client, "data-sop-instance-uid").await?;
    let series = stored.get(&uid).map(|s| s.series.clone()).unwrap_or_default();
    if series != env("MR_SERIES_UID") {
        return Err(format!("the link {link} should show the MR series, shows instance {uid}").into());
    }
    let (_, all, requests, per_second) = load_timings(client, 0.0).await?;
    println!(
        "deep link to the MR series: first image {first:.0} ms, all slices {all:.0} ms after navigation start \
         ({requests} frame requests, {per_second:.0} requests/s)"
    );
    // A study with at least two series with pixels: link its last series.
    let mut by_study: HashMap<&str, Vec<&str>> = HashMap::new();
    for item in stored.values() {
        let list = by_study.entry(&item.study).or_default();
        if !list.contains(&item.series.as_str()) {
            list.push(&item.series);
        }
    }
    let Some((study, list)) = by_study.iter().filter(|(_, l)| l.len() >= 2).min_by_key(|(s, _)| *s) else {
        return Err("the corpus on the server has no study with two series".into());
    };
    let mut list = list.clone();
    list.sort();
    for wanted in list.iter().rev() {
        fresh_page_with(client, &format!("?datasource=orthanc&StudyInstanceUIDs={study}&SeriesInstanceUIDs={wanted}"))
            .await?;
        let state = wait_for(
            client,
            "the linked series or a message",
            &format!(
                "(() => {{ const c = document.querySelector({}); if (c && c.dataset.ready === 'true') return 'ready'; \
                  if (document.querySelector('[data-testid=\"derived-item\"][data-state=\"needs-source\"]')) return 'derived'; \
                  const e = document.querySelector('[data-testid=\"error\"]'); return e ? 'error:' + e.textContent : false; }})()",
                json!(VIEWPORT)
            ),
        )
        .await?;
        if state.as_str() != Some("ready") {
            continue; // e.g. a SEG or SR: offered on the series it needs (tests/e2e_derived_dicomweb.rs)
        }
        let uid = viewport_attribute(client, "data-sop-instance-uid").await?;
        let shown = stored.get(&uid).map(|s| s.series.as_str()).unwrap_or_default();
        if shown != *wanted {
            return Err(format!("the link to series {wanted} of study {study} shows series {shown}").into());
        }
        println!("deep link to series {wanted} (of {} in its study): shown", list.len());
        // An unknown study: one message, the page still works.
        fresh_page_with(client, "?datasource=orthanc&StudyInstanceUIDs=1.2.3.4.5.6.7.8.9").await?;
        let message = wait_for(client, "a message about the missing study", r#"(() => { const e = document.querySelectorAll('[data-testid="error"]'); return e.length ? [...e].map(x => x.textContent) : false; })()"#).await?;
        println!("unknown study: {message}");
        if message.as_array().map_or(0, Vec::len) != 1 {
            return Err(format!("an unknown study should give one message, got {message}").into());
        }
        return Ok(());
    }
    Err(format!("no series of study {study} could be shown from a link").into())
}

/// A server added in the editor that needs an apikey: 401 asks for the key; with it, it works.
async fn api_key(client: &Client) -> Result {
    fresh_page(client).await?;
    click(client, r#"[data-testid="add-server"]"#).await?;
    type_into(client, r#"[data-testid="source-name"]"#, "orthanc-key").await?;
    type_into(client, r#"[data-testid="source-qido"]"#, &env("DICOMWEB_APIKEY_URL")).await?;
    client
        .execute(
            "const s = document.querySelector('[data-testid=\"source-auth\"]'); s.value = 'apikey'; s.dispatchEvent(new Event('change'));",
            vec![],
        )
        .await?;
    click(client, r#"[data-testid="add-source"]"#).await?;
    wait_for(
        client,
        "the new server selected",
        r#"document.querySelector('[data-testid="source-select"]').value === 'orthanc-key'"#,
    )
    .await?;
    click(client, r#"[data-testid="search-button"]"#).await?;
    let message = wait_for(
        client,
        "a message asking for the key",
        r#"(() => { const e = document.querySelector('[data-testid="browse-error"]'); return e && e.textContent; })()"#,
    )
    .await?;
    let message = message.as_str().unwrap_or_default().to_string();
    println!("without a key: {message}");
    if !message.to_lowercase().contains("key") {
        return Err(format!("a 401 should ask for the API key, said {message:?}").into());
    }
    let key = env("DICOMWEB_APIKEY");
    type_into(client, r#"[data-testid="source-key"]"#, &key).await?;
    client
        .execute("document.querySelector('[data-testid=\"source-key\"]').dispatchEvent(new Event('change'));", vec![])
        .await?;
    click(client, r#"[data-testid="search-button"]"#).await?;
    wait_for(client, "studies with the key", r#"document.querySelectorAll('[data-testid="study-row"]').length > 0"#)
        .await?;
    no_errors(client, "after typing the key").await?;
    let stored = client.execute("return JSON.stringify(localStorage) + JSON.stringify(location.href);", vec![]).await?;
    if stored.as_str().unwrap_or_default().contains(&key) {
        return Err("the key must not be kept in localStorage or the address".into());
    }
    // Find and open the MR study from this server too.
    type_into(client, r#"[data-testid="search-patient-id"]"#, &mr_patient_id(client).await?).await?;
    click(client, r#"[data-testid="search-button"]"#).await?;
    let row =
        format!(r#"[data-testid="study-row"][data-study-uid="{}"] [data-testid="open-study"]"#, env("MR_STUDY_UID"));
    click(client, &row).await?;
    ready_on_frame(client, 64).await?;
    println!("with the key: the MR study opens");
    Ok(())
}

/// The whole series through the port that fails or delays a share of frame requests.
async fn faulty_server(client: &Client, stored: &HashMap<String, Stored>) -> Result {
    let link = format!(
        "?datasource=orthanc-faults&StudyInstanceUIDs={}&SeriesInstanceUIDs={}",
        env("MR_STUDY_UID"),
        env("MR_SERIES_UID")
    );
    fresh_page_with(client, &link).await?;
    // Times are from the navigation start (performance.now() of the new page).
    let (first, all, requests, per_second) = load_timings(client, 0.0).await?;
    let (failed, slow) = {
        let value = client
            .execute(
                r#"const frames = performance.getEntriesByType('resource').filter(e => e.name.includes('/frames/'));
                   return [frames.filter(e => e.responseStatus >= 500).length, frames.filter(e => e.duration > 250).length];"#,
                vec![],
            )
            .await?;
        (value[0].as_u64().unwrap_or(0), value[1].as_u64().unwrap_or(0))
    };
    println!(
        "MR 128 slices through the faulty port: first image {first:.0} ms, all slices {all:.0} ms after navigation start, \
         {requests} frame requests ({failed} answered 5xx and retried, {slow} slower than 250 ms), {per_second:.0} requests/s"
    );
    if requests < 128 {
        return Err(format!("expected at least 128 frame requests, saw {requests}").into());
    }
    scroll_all(client, 128).await?;
    no_errors(client, "the faulty port").await?;
    compare_with_local_file(client, stored).await?;
    Ok(())
}

async fn run(client: &Client) -> Result {
    let stored = stored_instances()?;
    let link = search_and_open(client, &stored).await?;
    deep_links(client, &stored, &link).await?;
    api_key(client).await?;
    faulty_server(client, &stored).await?;
    Ok(())
}

#[tokio::test]
async fn dicomweb_end_to_end() {
    let app = env("APP_URL");
    let client = connect().await;
    let result = run(&client).await;
    let _ = client.close().await;
    if let Err(e) = result {
        panic!("{app}: {e}");
    }
}
