//! Offline use (README "Offline and installable"): registers the service worker `sw.js` that
//! `make-app-shell` writes beside the page (its scope is the page's folder, so a sub-path works)
//! once the page has loaded and its network has been quiet for a while (a deep link's series is
//! in), so precaching never competes with the first drawing or the series' frames. When a newer
//! build's worker is installed and waiting, a notice offers to reload into it; the worker only
//! takes over when the user accepts (an open page keeps the files it started with).

use std::cell::{Cell, RefCell};

use js_sys::{Object, Promise, Reflect};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::i18n::tr;
use crate::app_shell::service_worker::SERVICE_WORKER_FILE;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(extends = web_sys::EventTarget)]
    #[derive(Clone)]
    type ServiceWorkerContainer;
    #[wasm_bindgen(method, getter)]
    fn controller(this: &ServiceWorkerContainer) -> JsValue;
    #[wasm_bindgen(method, catch)]
    fn register(this: &ServiceWorkerContainer, url: &str, options: &Object) -> Result<Promise, JsValue>;

    #[wasm_bindgen(extends = web_sys::EventTarget)]
    #[derive(Clone)]
    type ServiceWorkerRegistration;
    #[wasm_bindgen(method, getter)]
    fn waiting(this: &ServiceWorkerRegistration) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn installing(this: &ServiceWorkerRegistration) -> JsValue;

    #[wasm_bindgen(extends = web_sys::EventTarget)]
    #[derive(Clone)]
    type ServiceWorker;
    #[wasm_bindgen(method, getter)]
    fn state(this: &ServiceWorker) -> String;
    #[wasm_bindgen(method, js_name = postMessage)]
    fn post_message(this: &ServiceWorker, message: &JsValue);
}

#[wasm_bindgen(module = "/src/web/network-quiet.js")]
extern "C" {
    #[wasm_bindgen(js_name = whenNetworkQuiet)]
    fn when_network_quiet(quiet_ms: u32, max_ms: u32) -> Promise;
}

/// No response finished for this long: the page's own loading is over.
const QUIET_MS: u32 = 3_000;
/// Register at the latest this long after the page's `load` event.
const MAX_WAIT_MS: u32 = 60_000;

thread_local! {
    static REGISTRATION: RefCell<Option<ServiceWorkerRegistration>> = const { RefCell::new(None) };
    /// Set when the user accepted the update: the next controller change reloads the page.
    static RELOAD_ON_CHANGE: Cell<bool> = const { Cell::new(false) };
    /// Whether a newer worker waits (the notice's signal; set from worker events).
    static UPDATE_READY: RefCell<Option<RwSignal<bool>>> = const { RefCell::new(None) };
}

fn container() -> Option<ServiceWorkerContainer> {
    let navigator = web_sys::window()?.navigator();
    let value = Reflect::get(&navigator, &"serviceWorker".into()).ok()?;
    // Absent outside secure contexts (plain http on another host) and in some private modes.
    (!value.is_undefined() && !value.is_null()).then(|| value.unchecked_into())
}

fn set_update_ready() {
    UPDATE_READY.with(|s| {
        if let Some(signal) = *s.borrow() {
            signal.set(true);
        }
    });
}

/// Shows the notice once `worker` is installed and waiting, if a page controller exists (else
/// it is the first install, which takes control by itself).
fn watch(worker: ServiceWorker, container: ServiceWorkerContainer) {
    let check = {
        let worker = worker.clone();
        move || {
            if worker.state() == "installed" && !container.controller().is_null() {
                set_update_ready();
            }
        }
    };
    check();
    let on_change = Closure::<dyn FnMut()>::new(check);
    let _ = worker.add_event_listener_with_callback("statechange", on_change.as_ref().unchecked_ref());
    on_change.forget();
}

async fn register(container: ServiceWorkerContainer) -> Result<(), JsValue> {
    let options = Object::new();
    Reflect::set(&options, &"scope".into(), &"./".into())?;
    let registration: ServiceWorkerRegistration =
        JsFuture::from(container.register(SERVICE_WORKER_FILE, &options)?).await?.unchecked_into();
    if let Some(waiting) = registration.waiting().dyn_into::<ServiceWorker>().ok() {
        watch(waiting, container.clone());
    }
    let on_update = {
        let registration = registration.clone();
        let container = container.clone();
        Closure::<dyn FnMut()>::new(move || {
            if let Ok(installing) = registration.installing().dyn_into::<ServiceWorker>() {
                watch(installing, container.clone());
            }
        })
    };
    registration.add_event_listener_with_callback("updatefound", on_update.as_ref().unchecked_ref())?;
    on_update.forget();
    let on_controller = Closure::<dyn FnMut()>::new(|| {
        if RELOAD_ON_CHANGE.with(Cell::get) {
            if let Some(window) = web_sys::window() {
                let _ = window.location().reload();
            }
        }
    });
    container.add_event_listener_with_callback("controllerchange", on_controller.as_ref().unchecked_ref())?;
    on_controller.forget();
    REGISTRATION.with(|r| *r.borrow_mut() = Some(registration));
    Ok(())
}

fn start_registration() {
    let Some(container) = container() else { return };
    wasm_bindgen_futures::spawn_local(async move {
        let _ = JsFuture::from(when_network_quiet(QUIET_MS, MAX_WAIT_MS)).await;
        if let Err(error) = register(container).await {
            // Offline use is an extra: the viewer works without it, so the console only.
            web_sys::console::warn_1(&format!("offline use unavailable: {error:?}").into());
        }
    });
}

/// Registers the service worker once the page has loaded (`load` event) and its network is quiet.
pub fn install() {
    let Some(window) = web_sys::window() else { return };
    let complete = window.document().is_some_and(|d| d.ready_state() == "complete");
    if complete {
        start_registration();
        return;
    }
    let on_load = Closure::once_into_js(start_registration);
    let _ = window.add_event_listener_with_callback("load", on_load.unchecked_ref());
}

fn accept_update() {
    let waiting = REGISTRATION.with(|r| r.borrow().as_ref().map(|r| r.waiting()));
    match waiting.and_then(|w| w.dyn_into::<ServiceWorker>().ok()) {
        Some(worker) => {
            RELOAD_ON_CHANGE.with(|f| f.set(true));
            let message = Object::new();
            let _ = Reflect::set(&message, &"type".into(), &"skip-waiting".into());
            worker.post_message(&message);
        }
        // Nothing waits any more (another tab took the update): a reload gets the new version.
        None => {
            if let Some(window) = web_sys::window() {
                let _ = window.location().reload();
            }
        }
    }
}

/// "A new version is ready" with Reload and Later (`data-testid="offline-update"`,
/// `offline-reload`, `offline-later`); nothing is in the page until a newer worker waits.
#[component]
pub fn UpdateNotice() -> impl IntoView {
    let ready = RwSignal::new(false);
    UPDATE_READY.with(|s| *s.borrow_mut() = Some(ready));
    view! {
        <Show when=move || ready.get()>
            <div class="update-notice" role="status" data-testid="offline-update">
                <span>{move || tr("offline.update_ready")}</span>
                <button type="button" class="primary" data-testid="offline-reload"
                    on:click=move |_| accept_update()>{move || tr("offline.reload")}</button>
                <button type="button" data-testid="offline-later"
                    on:click=move |_| ready.set(false)>{move || tr("offline.later")}</button>
            </div>
        </Show>
    }
}
