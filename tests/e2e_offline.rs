//! End to end: the app offline and installable, served from a sub-path (`/app/sub/`, as a
//! GitHub Pages project site is) by a server this test starts and stops itself:
//! - the built `sw.js` precaches exactly the files of the build (a stale or missing entry fails);
//! - first visit: the worker controls the page with scope `/app/sub/`; Chromium's installability
//!   check (`Page.getInstallabilityErrors` through chromedriver's CDP passthrough) has no errors;
//!   every manifest icon loads at its declared size;
//! - study data is never stored: after a DICOMweb series from the test Orthanc is shown (deep
//!   link) and a same-origin file outside the build is fetched, the caches hold only build files;
//! - the server stopped (connection refused): the page reloads, a sample study opens and draws,
//!   and the file outside the build is not served from any cache;
//! - a new build (a different `sw.js`) brings the "new version" notice; Reload switches to it
//!   and the old cache is deleted.
//!
//! Needs WEBDRIVER_URL and a built `dist/` (scripts/browser-tests.sh; `DIST_DIR` overrides the
//! folder); with the DICOMweb servers' environment (DICOMWEB_CORS_URL, MR_STUDY_UID, ...) the
//! page's config.json is pointed at them (scripts/test-config.py) and the study check runs.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use dicom_viewer::app_shell::manifest::MANIFEST_FILE;
use dicom_viewer::app_shell::service_worker::{precache_list_in, SERVICE_WORKER_FILE};
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::Client;
use serde_json::{json, Value};

mod e2e_support;

use e2e_support::*;

const SUB_PATH: &str = "app/sub";
/// A same-origin file beside the app that is not part of the build.
const OUTSIDE_BUILD: &str = "extra/not-in-build.txt";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn dist() -> PathBuf {
    std::env::var("DIST_DIR").map(PathBuf::from).unwrap_or_else(|_| root().join("dist"))
}

/// Where the screenshots go: $E2E_SCREENSHOTS, else target/offline-screens.
fn screenshot_dir() -> PathBuf {
    let dir =
        std::env::var("E2E_SCREENSHOTS").map(PathBuf::from).unwrap_or_else(|_| root().join("target/offline-screens"));
    let _ = std::fs::create_dir_all(&dir);
    dir
}

/// A chromedriver command passed to the DevTools protocol (POST /session/{id}/goog/cdp/execute).
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> std::result::Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/goog/cdp/execute", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({ "cmd": self.cmd, "params": self.params }).to_string()))
    }
}

fn files_below(dir: &Path, prefix: &str, out: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())).flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().is_dir() {
            files_below(&entry.path(), &format!("{prefix}{name}/"), out);
        } else {
            out.insert(format!("{prefix}{name}"));
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("{}: {e}", to.display()));
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())).flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap_or_else(|e| panic!("{}: {e}", target.display()));
        }
    }
}

/// The static server of the test (scripts/serve_static.py: wasm MIME type, no HTTP caching).
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(dir: &Path, port: u16) -> Server {
        let child = Command::new("python3")
            .arg(root().join("scripts/serve_static.py"))
            .arg(dir)
            .arg(port.to_string())
            .spawn()
            .expect("python3 scripts/serve_static.py");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(20), "the test server did not start on port {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
        Server { child, port }
    }

    fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let refused = std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err();
        assert!(refused, "port {} still answers after the server stopped", self.port);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// Every URL in the page's origin's caches, by cache name.
async fn cached_urls(client: &Client) -> Result<Value> {
    Ok(client
        .execute(
            r#"return (async () => {
                const out = {};
                for (const name of await caches.keys()) {
                    const cache = await caches.open(name);
                    out[name] = (await cache.keys()).map((r) => r.url);
                }
                return out;
            })();"#,
            vec![],
        )
        .await?)
}

async fn wait_drawn(client: &Client, what: &str) -> Result {
    wait_for(
        client,
        what,
        &format!(
            "(() => {{ const c = document.querySelector('{VIEWPORT}'); return c && c.dataset.ready === 'true' && !!c.dataset.firstDrawnAt; }})()"
        ),
    )
    .await
    .map(|_| ())
}

#[tokio::test]
async fn offline_after_first_visit_from_a_sub_path() -> Result {
    // The build: sw.js lists every file, and only those.
    let dist = dist();
    let worker = std::fs::read_to_string(dist.join(SERVICE_WORKER_FILE))
        .unwrap_or_else(|e| panic!("{}: {e} (build the page first: scripts/browser-tests.sh)", dist.display()));
    let listed: BTreeSet<String> =
        precache_list_in(&worker).expect("sw.js has its precache list").into_iter().collect();
    let mut built = BTreeSet::new();
    files_below(&dist, "", &mut built);
    built.remove(SERVICE_WORKER_FILE);
    let stale: Vec<_> = listed.difference(&built).collect();
    let missing: Vec<_> = built.difference(&listed).collect();
    assert!(
        stale.is_empty() && missing.is_empty(),
        "sw.js lists files not built: {stale:?}; built files it lacks: {missing:?}"
    );
    for needed in ["index.html", "config.json", "favicon.svg", MANIFEST_FILE, "samples/index.json"] {
        assert!(listed.contains(needed), "precache list lacks {needed}");
    }
    assert!(listed.iter().any(|f| f.ends_with("_bg.wasm")) && listed.iter().any(|f| f.ends_with(".js")));
    let samples = listed.iter().filter(|f| f.starts_with("samples/")).count();
    eprintln!("offline: sw.js precaches {} files ({samples} sample files)", listed.len());

    // Served from a sub-path, by this test.
    let site = temp_dir("offline-site");
    let app_dir = site.join(SUB_PATH);
    copy_dir(&dist, &app_dir);
    let study = std::env::var("DICOMWEB_CORS_URL").ok().zip(std::env::var("MR_STUDY_UID").ok());
    if study.is_some() {
        let status = Command::new("python3")
            .arg(root().join("scripts/test-config.py"))
            .arg(app_dir.join("config.json"))
            .status()?;
        assert!(status.success(), "scripts/test-config.py failed");
    }
    std::fs::create_dir_all(app_dir.join("extra"))?;
    std::fs::write(app_dir.join(OUTSIDE_BUILD), "not part of the build")?;
    let port = free_port();
    let server = Server::start(&site, port);
    let base = format!("http://127.0.0.1:{port}/{SUB_PATH}/");

    let client = connect().await;
    let outcome = async {
        client.goto(&base).await?;
        wait_for(&client, "the app", "!!(window.wasmBindings && window.wasmBindings.render_frame)").await?;
        let started = Instant::now();
        let scope = wait_for(
            &client,
            "the service worker to control the page",
            "navigator.serviceWorker.ready.then((r) => navigator.serviceWorker.controller && r.scope)",
        )
        .await?;
        eprintln!("offline: worker controls the page {} ms after the app started", started.elapsed().as_millis());
        assert_eq!(scope, json!(base), "the worker's scope is the page's folder");

        // Installable: Chromium's own check, then the icons at their declared sizes.
        let mut errors = Value::Null;
        for _ in 0..40 {
            let answer = client.issue_cmd(Cdp { cmd: "Page.getInstallabilityErrors", params: json!({}) }).await?;
            errors = answer["installabilityErrors"].clone();
            if errors.as_array().is_some_and(|e| e.is_empty()) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        assert_eq!(errors, json!([]), "Chromium's installability errors");
        let icons = client
            .execute(
                r#"return (async () => {
                    const link = document.querySelector('link[rel="manifest"]');
                    const manifest = await (await fetch(link.href)).json();
                    const out = [];
                    const apple = document.querySelector('link[rel="apple-touch-icon"]');
                    const list = manifest.icons.concat([{ src: apple.getAttribute('href'), sizes: '180x180', type: 'image/png' }]);
                    for (const icon of list) {
                        const url = new URL(icon.src, link.href).href;
                        const image = new Image();
                        image.src = url;
                        try { await image.decode(); } catch (e) { out.push({ url, error: String(e) }); continue; }
                        out.push({ url, sizes: icon.sizes, type: icon.type, purpose: icon.purpose || null,
                                   width: image.naturalWidth, height: image.naturalHeight });
                    }
                    return { manifest, icons: out };
                })();"#,
                vec![],
            )
            .await?;
        for icon in icons["icons"].as_array().cloned().unwrap_or_default() {
            assert!(icon["error"].is_null(), "icon does not load: {icon}");
            if icon["type"] == "image/png" {
                let declared = icon["sizes"].as_str().unwrap_or_default().to_string();
                assert_eq!(format!("{}x{}", icon["width"], icon["height"]), declared, "{icon}");
            }
        }
        let manifest = &icons["manifest"];
        assert_eq!((manifest["start_url"].as_str(), manifest["scope"].as_str()), (Some("./"), Some("./")));
        assert!(icons["icons"].as_array().is_some_and(|i| i.iter().any(|i| i["purpose"] == "maskable")));

        // Study data is never cached.
        if let Some((dicomweb, study_uid)) = &study {
            let series = env("MR_SERIES_UID");
            client.goto(&format!("{base}?datasource=orthanc&StudyInstanceUIDs={study_uid}&SeriesInstanceUIDs={series}")).await?;
            wait_drawn(&client, "the Orthanc series").await?;
            wait_for(
                &client,
                "the whole series",
                &format!("(() => {{ const p = document.querySelector('{VIEWPORT}').parentElement; return p.dataset.total > 0 && p.dataset.loaded === p.dataset.total; }})()"),
            )
            .await?;
            let fetched = client
                .execute(
                    "return fetch(arguments[0]).then((r) => r.text());",
                    vec![json!(OUTSIDE_BUILD)],
                )
                .await?;
            assert_eq!(fetched, json!("not part of the build"));
            let cached = cached_urls(&client).await?;
            let allowed: BTreeSet<String> = listed.iter().map(|f| format!("{base}{f}")).collect();
            let mut count = 0;
            for (name, urls) in cached.as_object().cloned().unwrap_or_default() {
                for url in urls.as_array().cloned().unwrap_or_default() {
                    let url = url.as_str().unwrap_or_default().to_string();
                    assert!(!url.starts_with(dicomweb.trim_end_matches('/')), "cache {name} holds DICOMweb data: {url}");
                    assert!(allowed.contains(&url), "cache {name} holds {url}, which is not a file of the build");
                    count += 1;
                }
            }
            assert_eq!(count, listed.len(), "the cache holds the build's files: {cached}");
            eprintln!("offline: after the 128-slice Orthanc series the caches hold only the {count} build files");
        } else {
            eprintln!("offline: DICOMWEB_CORS_URL/MR_STUDY_UID not set: the study data check did not run");
        }

        // No network: the page reloads from the cache and a sample opens.
        server.stop();
        client.goto(&base).await?;
        wait_for(&client, "the app offline", "!!(window.wasmBindings && window.wasmBindings.render_frame)").await?;
        let opened = Instant::now();
        click(&client, r#"[data-testid="sample"]"#).await?;
        wait_drawn(&client, "a sample study offline").await?;
        eprintln!("offline: sample drawn {} ms after the click, with the server stopped", opened.elapsed().as_millis());
        let outside = client
            .execute(
                "return fetch(arguments[0]).then(() => 'served', (e) => 'failed: ' + e.message);",
                vec![json!(OUTSIDE_BUILD)],
            )
            .await?;
        assert!(outside.as_str().is_some_and(|s| s.starts_with("failed")), "a file outside the build came from a cache: {outside}");

        // A new build: the notice, then Reload into the new worker; the old cache goes.
        let old_caches: Vec<String> = cached_urls(&client).await?.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
        let worker_path = app_dir.join(SERVICE_WORKER_FILE);
        let text = std::fs::read_to_string(&worker_path)?;
        let version_line = text.lines().find(|l| l.starts_with("const VERSION = ")).expect("VERSION line").to_string();
        std::fs::write(&worker_path, text.replacen(&version_line, "const VERSION = \"next-build\";", 1))?;
        let server = Server::start(&site, port);
        client.execute("window.__beforeUpdate = true; navigator.serviceWorker.getRegistration().then((r) => r.update());", vec![]).await?;
        wait_for(&client, "the update notice", r#"document.querySelector('[data-testid="offline-update"]')"#).await?;
        // The notice on a desktop and a phone: inside the window, over nothing it hides for good.
        for (name, width, height) in [("desktop", 1400, 1000), ("phone", 390, 844)] {
            client.set_window_size(width, height).await?;
            tokio::time::sleep(Duration::from_millis(300)).await;
            let path = screenshot_dir().join(format!("update-notice-{name}.png"));
            std::fs::write(&path, client.screenshot().await?)?;
            let inside = client
                .execute(
                    r#"const r = document.querySelector('[data-testid="offline-update"]').getBoundingClientRect();
                       return r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight && r.width > 0
                           || [r.left, r.top, r.right, r.bottom, innerWidth, innerHeight];"#,
                    vec![],
                )
                .await?;
            assert_eq!(inside, json!(true), "the update notice leaves the {name} window: {inside}");
            eprintln!("offline: screenshot {}", path.display());
        }
        click(&client, r#"[data-testid="offline-reload"]"#).await?;
        wait_for(&client, "the reload into the new version", "!window.__beforeUpdate && !!window.wasmBindings").await?;
        let names = wait_for(
            &client,
            "only the new cache",
            "caches.keys().then((k) => k.length === 1 && k[0].endsWith('next-build') && k)",
        )
        .await?;
        assert!(!old_caches.is_empty() && names != json!(old_caches), "old caches {old_caches:?}, now {names}");
        server.stop();
        Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
    }
    .await;
    let _ = client.close().await;
    let _ = std::fs::remove_dir_all(&site);
    outcome
}
