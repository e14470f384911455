//! One HTTP GET with `fetch`: request headers, an abort signal, a timeout, and the answer as
//! status, Content-Type and body bytes. Failures come back as the core's `FetchFailure`, so the
//! words shown to the user are chosen in one place (`dicomweb::failure`).

use js_sys::{ArrayBuffer, Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, Headers, RequestInit, RequestMode, Response};

use crate::dicomweb::failure::FetchFailure;

/// A successful (2xx) answer.
pub struct Answer {
    pub content_type: String,
    /// The body, still in JavaScript memory (so a frame can be sliced into a Blob uncopied).
    pub body: ArrayBuffer,
}

impl Answer {
    /// The body copied into wasm memory, for parsing.
    pub fn bytes(&self) -> Vec<u8> {
        Uint8Array::new(&self.body).to_vec()
    }

    /// A view of `range` of the body (no copy).
    pub fn slice(&self, range: std::ops::Range<usize>) -> Uint8Array {
        Uint8Array::new(&self.body).subarray(range.start as u32, range.end as u32)
    }
}

/// Resolves after `ms` milliseconds (or at once when `signal` aborts).
pub async fn sleep(ms: u32, signal: Option<&AbortSignal>) {
    let signal = signal.cloned();
    let promise = Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
        if let Some(signal) = &signal {
            let done = resolve.clone();
            let listener = Closure::once_into_js(move || {
                let _ = done.call0(&JsValue::NULL);
            });
            let _ = signal.add_event_listener_with_callback("abort", listener.unchecked_ref());
        }
    });
    let _ = JsFuture::from(promise).await;
}

fn header_value(headers: &Headers, name: &str) -> Option<String> {
    headers.get(name).ok().flatten()
}

/// GETs `url`. `signal` (the caller's) and the timeout both abort the request.
pub async fn get(
    url: &str,
    headers: &[(String, String)],
    signal: Option<&AbortSignal>,
    timeout_seconds: u32,
) -> Result<Answer, FetchFailure> {
    if signal.is_some_and(AbortSignal::aborted) {
        return Err(FetchFailure::Aborted);
    }
    let window = web_sys::window().ok_or(FetchFailure::Network)?;
    let controller = AbortController::new().map_err(|_| FetchFailure::Network)?;
    // The caller's signal aborts this request too.
    let _forward = signal.map(|outer| {
        let inner = controller.clone();
        let listener = Closure::<dyn FnMut()>::new(move || inner.abort());
        let _ = outer.add_event_listener_with_callback("abort", listener.as_ref().unchecked_ref());
        (outer.clone(), listener)
    });
    let timed_out = std::rc::Rc::new(std::cell::Cell::new(false));
    let timer = {
        let (inner, flag) = (controller.clone(), timed_out.clone());
        let on_timeout = Closure::<dyn FnMut()>::new(move || {
            flag.set(true);
            inner.abort();
        });
        let id = window
            .set_timeout_with_callback_and_timeout_and_arguments_0(
                on_timeout.as_ref().unchecked_ref(),
                (timeout_seconds.saturating_mul(1000)).min(i32::MAX as u32) as i32,
            )
            .ok();
        (id, on_timeout)
    };
    let outcome = async {
        let response = send(url, headers, Some(&controller.signal())).await?;
        let content_type = header_value(&response.headers(), "content-type").unwrap_or_default();
        let body: ArrayBuffer = JsFuture::from(response.array_buffer().map_err(|_| FetchFailure::Network)?)
            .await
            .map_err(|_| FetchFailure::Network)?
            .dyn_into()
            .map_err(|_| FetchFailure::Network)?;
        Ok(Answer { content_type, body })
    }
    .await;
    if let Some(id) = timer.0 {
        window.clear_timeout_with_handle(id);
    }
    if let Some((outer, listener)) = &_forward {
        let _ = outer.remove_event_listener_with_callback("abort", listener.as_ref().unchecked_ref());
    }
    match outcome {
        Err(FetchFailure::Network | FetchFailure::Aborted) if timed_out.get() => {
            Err(FetchFailure::Timeout { seconds: timeout_seconds })
        }
        Err(FetchFailure::Network) if signal.is_some_and(AbortSignal::aborted) => Err(FetchFailure::Aborted),
        other => other,
    }
}

/// GETs `url` as a Blob, reading the body chunk by chunk so `progress` can show (received,
/// Content-Length) while a large archive arrives. No timeout (a series ZIP may take minutes
/// on a slow line); the user cancels through `signal`.
pub async fn download(
    url: &str,
    headers: &[(String, String)],
    signal: Option<&AbortSignal>,
    progress: &dyn Fn(u64, Option<u64>),
) -> Result<web_sys::Blob, FetchFailure> {
    let response = send(url, headers, signal).await?;
    let announced = header_value(&response.headers(), "content-length").and_then(|v| v.trim().parse::<u64>().ok());
    let content_type = header_value(&response.headers(), "content-type").unwrap_or_default();
    let body = response.body().ok_or(FetchFailure::Malformed { what: "an answer without a body".into() })?;
    let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let chunks = js_sys::Array::new();
    let mut received = 0u64;
    progress(0, announced);
    loop {
        let step = JsFuture::from(reader.read()).await.map_err(|_| {
            if signal.is_some_and(AbortSignal::aborted) {
                FetchFailure::Aborted
            } else {
                FetchFailure::Network
            }
        })?;
        let done = js_sys::Reflect::get(&step, &"done".into()).ok().and_then(|d| d.as_bool()).unwrap_or(true);
        if done {
            break;
        }
        if let Ok(chunk) = js_sys::Reflect::get(&step, &"value".into()).and_then(|v| v.dyn_into::<Uint8Array>()) {
            received += u64::from(chunk.length());
            chunks.push(&chunk);
            progress(received, announced);
        }
    }
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(&content_type);
    web_sys::Blob::new_with_u8_array_sequence_and_options(&chunks, &options)
        .map_err(|_| FetchFailure::Malformed { what: "the downloaded data".into() })
}

/// Sends the request; a non-2xx status is a failure (its body is not read). An abort through
/// `signal` is `Aborted`.
async fn send(url: &str, headers: &[(String, String)], signal: Option<&AbortSignal>) -> Result<Response, FetchFailure> {
    if signal.is_some_and(AbortSignal::aborted) {
        return Err(FetchFailure::Aborted);
    }
    let window = web_sys::window().ok_or(FetchFailure::Network)?;
    let init = RequestInit::new();
    init.set_method("GET");
    init.set_mode(RequestMode::Cors);
    let request_headers = Headers::new().map_err(|_| FetchFailure::Network)?;
    for (name, value) in headers {
        request_headers.set(name, value).map_err(|_| FetchFailure::Malformed { what: format!("the {name} header") })?;
    }
    init.set_headers(&request_headers);
    if let Some(signal) = signal {
        init.set_signal(Some(signal));
    }
    let response: Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(
            |_| if signal.is_some_and(AbortSignal::aborted) { FetchFailure::Aborted } else { FetchFailure::Network },
        )?
        .dyn_into()
        .map_err(|_| FetchFailure::Network)?;
    let status = response.status();
    if status == 401 || status == 403 {
        // A gateway's key check says why in a small JSON body ({"message": "No API key found in
        // request"}); read it to tell a missing key from a wrong one.
        let body = match response.array_buffer() {
            Ok(promise) => JsFuture::from(promise).await.ok().map(|b| Uint8Array::new(&b).to_vec()),
            Err(_) => None,
        };
        if let Some(server_says) = body.as_deref().and_then(crate::dicomweb::failure::gateway_message) {
            return Err(FetchFailure::KeyRefused { code: status, server_says });
        }
        return Err(FetchFailure::Status { code: status, retry_after_seconds: None });
    }
    if !(200..300).contains(&status) {
        let retry_after_seconds =
            header_value(&response.headers(), "retry-after").and_then(|v| v.trim().parse::<u32>().ok());
        return Err(FetchFailure::Status { code: status, retry_after_seconds });
    }
    Ok(response)
}
