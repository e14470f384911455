//! End to end: what a deep link does first (issue 14, "Start-up"). The 128-slice MR series is
//! opened from the test Orthanc by `?datasource=orthanc&StudyInstanceUIDs=…&SeriesInstanceUIDs=…`
//! in a fresh page, and the page's own records (Resource Timing, User Timing) must show:
//! - config.json asked before any DICOMweb request; a frame asked only once metadata naming its
//!   instance has arrived (the series' metadata, or the opening instance's own);
//! - the first frame asked for is the opening slice's (the middle, the slice the viewport shows),
//!   not the first instance the metadata lists;
//! - every frame of the series asked exactly once, and no BulkDataURI other than pixel data;
//! - the start-up marks (`dv:*`, README "Performance marks") present and in order.
//!
//! Correctness only: the times are printed, never asserted. Needs APP_URL, WEBDRIVER_URL,
//! MR_STUDY_UID, MR_SERIES_UID (scripts/browser-tests.sh sets them up).
#![cfg(not(target_arch = "wasm32"))]

use std::collections::HashMap;

use fantoccini::Client;
use serde_json::json;

mod e2e_support;

use e2e_support::*;

const SLICES: usize = 128;

/// The marks a deep link sets, in the order they must happen.
const MARKS_IN_ORDER: [&str; 8] = [
    "dv:wasm-start",
    "dv:config",
    "dv:metadata-request",
    "dv:first-frame-request",
    "dv:first-frame-bytes",
    "dv:first-decode",
    "dv:first-draw",
    "dv:all-frames",
];

/// The instance UID of a `…/instances/UID/frames/N` URL.
fn frame_instance(url: &str) -> Option<&str> {
    let (before, _) = url.split_once("/frames/")?;
    before.rsplit_once("/instances/").map(|(_, uid)| uid)
}

async fn deep_link(client: &Client) -> Result {
    let (study, series) = (env("MR_STUDY_UID"), env("MR_SERIES_UID"));
    client
        .goto(&format!("{}?datasource=orthanc&StudyInstanceUIDs={study}&SeriesInstanceUIDs={series}", env("APP_URL")))
        .await?;
    client.execute("performance.setResourceTimingBufferSize(10000); return true;", vec![]).await?;
    let state = wait_for(
        client,
        "the linked series drawn and fully loaded",
        &format!(
            "(() => {{ const c = document.querySelector('{VIEWPORT}'); if (!c) return false; \
               const e = document.querySelector('[data-testid=\"error\"]'); if (e) return 'error:' + e.textContent; \
               const p = c.parentElement; \
               return c.dataset.ready === 'true' && p.dataset.total === '{SLICES}' && p.dataset.loaded === p.dataset.total \
                 && performance.getEntriesByName('dv:all-frames').length > 0 && 'ready'; }})()"
        ),
    )
    .await?;
    if state != json!("ready") {
        return Err(format!("the series should be shown: {state}").into());
    }
    // Requests that were still on their way are in the timeline by now.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let records = client
        .execute(
            r#"
            const c = document.querySelector(arguments[0]);
            return {
              marks: performance.getEntriesByType('mark').filter(m => m.name.startsWith('dv:'))
                .map(m => [m.name, m.startTime]),
              resources: performance.getEntriesByType('resource')
                .map(e => [e.name, e.startTime, e.responseEnd]).sort((a, b) => a[1] - b[1]),
              frame: c.dataset.frame,
              sop: c.dataset.sopInstanceUid,
            };
            "#,
            vec![json!(VIEWPORT)],
        )
        .await?;
    let mut failures = Vec::new();

    // The marks.
    let marks: HashMap<String, f64> = records["marks"]
        .as_array()
        .map(|list| {
            list.iter().filter_map(|m| Some((m[0].as_str()?.to_string(), m[1].as_f64()?))).collect::<HashMap<_, _>>()
        })
        .unwrap_or_default();
    let mut listed: Vec<(&String, &f64)> = marks.iter().collect();
    listed.sort_by(|a, b| a.1.total_cmp(b.1));
    println!(
        "marks (ms from navigation start): {}",
        listed.iter().map(|(name, at)| format!("{name} {at:.0}")).collect::<Vec<_>>().join(", ")
    );
    for name in ["dv:mounted", "dv:metadata", "dv:metadata-parsed", "dv:metadata-added"] {
        if !marks.contains_key(name) {
            failures.push(format!("no performance mark {name}"));
        }
    }
    let mut previous: Option<(&str, f64)> = None;
    for name in MARKS_IN_ORDER {
        match marks.get(name) {
            None => failures.push(format!("no performance mark {name}")),
            Some(&at) => {
                if let Some((before, before_at)) = previous {
                    if at < before_at {
                        failures.push(format!("{name} ({at:.1} ms) comes before {before} ({before_at:.1} ms)"));
                    }
                }
                previous = Some((name, at));
            }
        }
    }

    // The requests.
    let resources: Vec<(String, f64, f64)> = records["resources"]
        .as_array()
        .map(|list| {
            list.iter().filter_map(|r| Some((r[0].as_str()?.to_string(), r[1].as_f64()?, r[2].as_f64()?))).collect()
        })
        .unwrap_or_default();
    let config = resources.iter().find(|r| r.0.contains("config.json"));
    let dicomweb = resources.iter().find(|r| r.0.contains("/studies"));
    let frames: Vec<&(String, f64, f64)> = resources.iter().filter(|r| r.0.contains("/frames/")).collect();
    match (config, dicomweb) {
        (Some(config), Some(first)) if config.1 > first.1 => {
            failures.push(format!("config.json asked at {:.1} ms, after {} ({:.1} ms)", config.1, first.0, first.1))
        }
        (Some(_), Some(_)) => {}
        _ => failures.push(format!("config.json or DICOMweb requests missing from Resource Timing: {config:?}")),
    }
    // Each of the first frames was asked after metadata naming its instance had arrived.
    for frame in frames.iter().take(8) {
        let Some(uid) = frame_instance(&frame.0) else { continue };
        let described = resources.iter().any(|r| {
            r.0.ends_with("/metadata")
                && (r.0.contains(&format!("/series/{series}/metadata")) || r.0.contains(&format!("/instances/{uid}/")))
                && r.2 <= frame.1
        });
        if !described {
            failures.push(format!(
                "frame {} asked at {:.1} ms before any metadata of its instance arrived",
                frame.0, frame.1
            ));
        }
    }
    let opening = records["sop"].as_str().unwrap_or_default();
    let first_asked = frames.first().and_then(|f| frame_instance(&f.0)).unwrap_or_default();
    println!(
        "viewport on slice {} ({opening}); first frame asked: {first_asked} at {:.1} ms",
        records["frame"],
        frames.first().map_or(f64::NAN, |f| f.1)
    );
    if records["frame"] != json!((SLICES / 2).to_string()) {
        failures.push(format!("the viewport should open on slice {}, shows {}", SLICES / 2, records["frame"]));
    }
    if first_asked != opening {
        failures.push(format!("the first frame asked is of instance {first_asked}, not the opening slice's {opening}"));
    }
    let mut per_instance: HashMap<&str, usize> = HashMap::new();
    for frame in &frames {
        if let Some(uid) = frame_instance(&frame.0) {
            *per_instance.entry(uid).or_default() += 1;
        }
    }
    let repeated: Vec<_> = per_instance.iter().filter(|(_, n)| **n != 1).collect();
    println!("{} frame requests for {} instances", frames.len(), per_instance.len());
    if per_instance.len() != SLICES || !repeated.is_empty() {
        failures.push(format!(
            "every frame should be asked once: {} instances asked, repeated: {repeated:?}",
            per_instance.len()
        ));
    }
    let bulk: Vec<&String> = resources
        .iter()
        .map(|r| &r.0)
        .filter(|u| u.contains("/bulk") && !u.to_lowercase().contains("7fe00010"))
        .collect();
    if !bulk.is_empty() {
        failures.push(format!("no bulk data request expected, saw {}: {:?}", bulk.len(), bulk.first()));
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n").into())
    }
}

#[tokio::test]
async fn deep_link_start_up() {
    let app = env("APP_URL");
    let client = connect().await;
    let result = deep_link(&client).await;
    let _ = client.close().await;
    if let Err(e) = result {
        panic!("{app}: {e}");
    }
}
