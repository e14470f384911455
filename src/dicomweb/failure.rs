//! What went wrong with a DICOMweb request, told to the user with its cause and its fix, and
//! whether to try again. HTTP status meanings follow RFC 9110 and PS3.18 8.5 (status codes);
//! 429 and Retry-After follow RFC 6585 and RFC 9110 10.2.3.
//!
//! Messages never contain a secret: the secret is not an input here, and every URL-like word of
//! the caller's text loses its query string before it is printed.

use super::source::AuthKind;
pub use super::uri::origin_of as server_origin;

/// How a request failed, as the browser layer observed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchFailure {
    /// `fetch` rejected: CORS refusal, DNS failure, connection refused, offline, mixed content.
    Network,
    /// No answer within the time limit.
    Timeout { seconds: u32 },
    /// The server answered with a non-success status.
    Status { code: u16, retry_after_seconds: Option<u32> },
    /// The answer could not be read as what was expected.
    Malformed { what: String },
    /// The request was cancelled (the user moved on).
    Aborted,
}

/// What the failed request was for, to name it in the message.
#[derive(Debug, Clone, Copy)]
pub struct RequestContext<'a> {
    /// The data source's friendly name.
    pub source_name: &'a str,
    /// Origin of the viewer page (`location.origin`).
    pub page_origin: &'a str,
    /// Origin of the server (see [`server_origin`]).
    pub server_origin: &'a str,
    /// What was being loaded, e.g. "the study list".
    pub what: &'a str,
    pub auth: &'a AuthKind,
    /// Whether a key/token was sent.
    pub has_secret: bool,
    /// How many times the request was sent, retries included.
    pub attempts: u32,
}

/// A sentence or two for the user: what failed, why, and what to do.
pub fn describe(failure: &FetchFailure, context: &RequestContext) -> String {
    let source = strip_queries(context.source_name);
    let server = strip_queries(context.server_origin);
    let page = strip_queries(context.page_origin);
    let what = strip_queries(context.what);
    match failure {
        FetchFailure::Network if page.starts_with("https:") && server.starts_with("http:") => format!(
            "Could not reach {server} for {what}: this page is served over https, so the browser blocks requests to \
             an http:// server (mixed content). Serve the DICOMweb server over https."
        ),
        FetchFailure::Network if page == server => format!(
            "Could not reach {server} for {what}: check that the server is running and your network connection."
        ),
        FetchFailure::Network if context.has_secret && !matches!(context.auth, AuthKind::None) => {
            let header = match context.auth {
                AuthKind::ApiKey { header } => header.as_str(),
                _ => "Authorization",
            };
            format!(
                "Could not reach {server} for {what}. Because the request carries the '{header}' header, the browser \
                 first sends a preflight (OPTIONS) request for every new address; the server or its gateway must \
                 answer it with Access-Control-Allow-Origin for {page} and Access-Control-Allow-Headers including \
                 '{header}' (CORS). If it does, check the address and your network connection."
            )
        }
        FetchFailure::Network => format!(
            "Could not reach {server} for {what}. If the server is running, it must send Access-Control-Allow-Origin \
             for {page} (CORS), and allow the Authorization/API-key header if one is used; otherwise check the \
             address and your network connection."
        ),
        FetchFailure::Timeout { seconds } => format!(
            "{server} did not answer within {seconds} s for {what}, tried {} time(s). The server may be overloaded; \
             try again later.",
            context.attempts
        ),
        FetchFailure::Status { code: code @ (401 | 403), .. } => credentials_message(*code, context, &source, &what),
        FetchFailure::Status { code: 404, .. } => format!(
            "{source} has no {what} (404 Not Found): check the QIDO/WADO root in the data source settings; the \
             study may also have been deleted from the server."
        ),
        FetchFailure::Status { code: 429, retry_after_seconds } => {
            let wait = match retry_after_seconds {
                Some(seconds) => format!(" (the server asks to wait {seconds} s)"),
                None => String::new(),
            };
            format!(
                "{source} says its request quota is used up (429 Too Many Requests) while loading {what}. Loading \
                 from this source has stopped; try again later{wait}."
            )
        }
        FetchFailure::Status { code, .. } if *code == 408 || *code >= 500 => format!(
            "{source} had a server error ({code}) for {what}, tried {} time(s). Try again later, or tell the \
             server's administrator.",
            context.attempts
        ),
        FetchFailure::Status { code, .. } => format!(
            "{source} refused the request for {what} ({code}). The server may not support this request; check the \
             data source's settings (e.g. includefield, wildcard support)."
        ),
        FetchFailure::Malformed { what: expected } => format!(
            "The answer from {server} for {what} was not valid {}: the address may point to a web page rather than \
             a DICOMweb root; check the data source settings.",
            strip_queries(expected)
        ),
        FetchFailure::Aborted => format!("Loading {what} was cancelled."),
    }
}

fn credentials_message(code: u16, context: &RequestContext, source: &str, what: &str) -> String {
    let (article, credential) = match context.auth {
        AuthKind::None => {
            return format!(
                "{source} answered {code} for {what}: this server needs credentials: edit the data source and \
                 choose apikey or bearer, then enter the key."
            )
        }
        AuthKind::ApiKey { header } => ("an", format!("API key (sent in the '{}' header)", strip_queries(header))),
        AuthKind::Bearer => ("a", "bearer token".to_string()),
    };
    if context.has_secret {
        format!(
            "{source} rejected the {credential} ({code}) for {what}: check the key in the data source's key field; \
             it may be wrong, expired, or without access to this data."
        )
    } else {
        format!("{source} needs {article} {credential} for {what} ({code}): enter it in the data source's key field.")
    }
}

/// Whether trying again may help: 408, 500, 502, 503, 504 and timeouts (a 500 may be a rewritten
/// upstream 429 at some gateways, e.g. IDC's proxy). Not 429 (quota: stop), other 4xx, network
/// failures (a CORS refusal will not fix itself), malformed answers or cancellations.
pub fn is_retryable(failure: &FetchFailure) -> bool {
    matches!(failure, FetchFailure::Timeout { .. } | FetchFailure::Status { code: 408 | 500 | 502 | 503 | 504, .. })
}

/// 429: no more requests go to this source until the user asks to retry.
pub fn stops_source(failure: &FetchFailure) -> bool {
    matches!(failure, FetchFailure::Status { code: 429, .. })
}

/// Exponential backoff with jitter between retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub first_delay_ms: u32,
    pub factor: u32,
    pub max_delay_ms: u32,
    /// Total sends, the first included.
    pub max_attempts: u32,
}

/// Longest Retry-After wait honoured.
pub const RETRY_AFTER_CAP_MS: u32 = 30_000;

impl Backoff {
    /// 250, 500, 1000, 2000 ms (each ×0.5–1.5), then give up: five sends in all.
    pub const DEFAULT: Backoff = Backoff { first_delay_ms: 250, factor: 2, max_delay_ms: 4_000, max_attempts: 5 };

    /// Milliseconds to wait after `failed_attempts` failed sends, or `None` to give up.
    /// `jitter_unit` in [0, 1] (Math.random) scales the delay by 0.5–1.5; a Retry-After is used
    /// as given, up to [`RETRY_AFTER_CAP_MS`].
    pub fn delay_before_retry(
        &self,
        failed_attempts: u32,
        jitter_unit: f64,
        retry_after_seconds: Option<u32>,
    ) -> Option<u32> {
        if failed_attempts >= self.max_attempts {
            return None;
        }
        if let Some(seconds) = retry_after_seconds {
            return Some(seconds.saturating_mul(1000).min(RETRY_AFTER_CAP_MS));
        }
        let exponent = failed_attempts.saturating_sub(1);
        let base =
            self.factor.checked_pow(exponent).map_or(u32::MAX, |scale| self.first_delay_ms.saturating_mul(scale));
        let capped = base.min(self.max_delay_ms);
        let jitter = if jitter_unit.is_finite() { jitter_unit.clamp(0.0, 1.0) } else { 0.5 };
        let delayed = (f64::from(capped) * (0.5 + jitter)).round().min(f64::from(self.max_delay_ms));
        // `delayed` is in [0, max_delay_ms], so the conversion is exact.
        Some(delayed as u32)
    }
}

/// Drops the query string (`?…` up to the next whitespace) from every word containing one.
fn strip_queries(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_query = false;
    for character in text.chars() {
        if character.is_whitespace() {
            in_query = false;
        } else if character == '?' || character == '#' {
            in_query = true;
        }
        if !in_query {
            out.push(character);
        }
    }
    out
}
