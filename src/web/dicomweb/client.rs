//! A DICOMweb server as the page talks to it: its data source, the user's key (in memory only),
//! a limit on parallel requests, retries with backoff for 5xx and timeouts, and a stop after
//! 429 (a spent quota does not come back by retrying). Every failure becomes one message in the
//! user's words, built by the core (`dicomweb::failure`) without the key or query strings.

use std::cell::RefCell;
use std::rc::Rc;

use web_sys::AbortSignal;

use super::http::{self, Answer};
use super::limiter::Limiter;
use crate::dicomweb::failure::{
    describe, is_retryable, needs_preflight, server_origin, stops_source, AnswerHistory, Backoff, FetchFailure,
    RequestContext,
};
use crate::dicomweb::source::DataSource;
use crate::dicomweb::wado::auth_header;

/// Requests in flight per server.
pub const PARALLEL_REQUESTS: usize = 6;
/// Seconds before a request counts as timed out.
const TIMEOUT_SECONDS: u32 = 30;

/// A failed request: what happened (to decide what to do) and the words for the user.
#[derive(Clone, Debug)]
pub struct RequestError {
    pub failure: FetchFailure,
    pub message: String,
}

impl RequestError {
    pub fn aborted(&self) -> bool {
        matches!(self.failure, FetchFailure::Aborted)
    }
}

pub struct DicomWebClient {
    pub source: DataSource,
    /// The API key or bearer token the user typed (never stored beyond this tab).
    secret: Rc<RefCell<String>>,
    limiter: Rc<Limiter>,
    /// Set after a 429 (or a network failure after answers: a 429 without CORS headers): the
    /// failure, told again for every later request until the user retries.
    stopped: RefCell<Option<FetchFailure>>,
    /// Which origins of this source have answered, to tell a hidden quota from a CORS refusal.
    history: RefCell<AnswerHistory>,
}

fn page_origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

fn random_unit() -> f64 {
    js_sys::Math::random()
}

impl DicomWebClient {
    pub fn new(source: DataSource, secret: Rc<RefCell<String>>) -> Rc<DicomWebClient> {
        Rc::new(DicomWebClient {
            source,
            secret,
            limiter: Limiter::new(PARALLEL_REQUESTS),
            stopped: RefCell::new(None),
            history: RefCell::new(AnswerHistory::default()),
        })
    }

    /// Lets requests go out again after a 429 stop (the user asked to retry).
    pub fn resume(&self) {
        self.stopped.replace(None);
    }

    fn headers(&self, accept: &str) -> Vec<(String, String)> {
        let mut headers = vec![("Accept".to_string(), accept.to_string())];
        headers.extend(auth_header(&self.source.auth, &self.secret.borrow()));
        headers
    }

    fn error(&self, failure: FetchFailure, url: &str, what: &str) -> RequestError {
        self.error_after(failure, url, what, 1)
    }

    fn error_after(&self, failure: FetchFailure, url: &str, what: &str, attempts: u32) -> RequestError {
        let origin = page_origin();
        let server = server_origin(url);
        let secret = self.secret.borrow();
        let context = RequestContext {
            source_name: &self.source.friendly_name,
            page_origin: &origin,
            server_origin: &server,
            what,
            auth: &self.source.auth,
            has_secret: !secret.is_empty(),
            attempts,
        };
        let message = describe(crate::web::i18n::lang(), &failure, &context);
        RequestError { failure, message }
    }

    /// GETs `url` with `accept`, retrying what may pass (5xx, timeouts) with exponential backoff.
    /// `what` names the request in messages ("the study list", "slice 12").
    pub async fn get(
        &self,
        url: &str,
        accept: &str,
        what: &str,
        signal: Option<&AbortSignal>,
    ) -> Result<Answer, RequestError> {
        let headers = self.headers(accept);
        let preflighted = needs_preflight(&headers);
        self.retrying(url, preflighted, what, signal, || http::get(url, &headers, signal, TIMEOUT_SECONDS)).await
    }

    /// GETs a large body as a Blob, reporting (bytes received, bytes announced) as it streams in.
    pub async fn download(
        &self,
        url: &str,
        accept: &str,
        what: &str,
        progress: &dyn Fn(u64, Option<u64>),
        signal: Option<&AbortSignal>,
    ) -> Result<web_sys::Blob, RequestError> {
        let headers = self.headers(accept);
        let preflighted = needs_preflight(&headers);
        self.retrying(url, preflighted, what, signal, || http::download(url, &headers, signal, progress)).await
    }

    /// Runs `attempt` through the request limit until it succeeds, fails for good, or the
    /// source is stopped (429).
    async fn retrying<T, F, Fut>(
        &self,
        url: &str,
        preflighted: bool,
        what: &str,
        signal: Option<&AbortSignal>,
        attempt: F,
    ) -> Result<T, RequestError>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<T, FetchFailure>>,
    {
        let backoff = Backoff::DEFAULT;
        let mut failed_attempts = 0u32;
        loop {
            let stopped = self.stopped.borrow().clone();
            if let Some(failure) = stopped {
                return Err(self.error(failure, url, what));
            }
            let outcome = {
                let _permit = self.limiter.acquire().await;
                attempt().await
            };
            self.history.borrow_mut().record(url, preflighted, outcome.as_ref().map(|_| ()));
            let failure = match outcome {
                Ok(answer) => return Ok(answer),
                Err(failure) => self.history.borrow().interpret(url, preflighted, failure),
            };
            if stops_source(&failure) {
                self.stopped.replace(Some(failure.clone()));
                return Err(self.error(failure, url, what));
            }
            failed_attempts += 1;
            let retry_after = match &failure {
                FetchFailure::Status { retry_after_seconds, .. } => *retry_after_seconds,
                _ => None,
            };
            let delay = is_retryable(&failure)
                .then(|| backoff.delay_before_retry(failed_attempts, random_unit(), retry_after))
                .flatten();
            match delay {
                Some(ms) => {
                    http::sleep(ms, signal).await;
                    if signal.is_some_and(AbortSignal::aborted) {
                        return Err(self.error(FetchFailure::Aborted, url, what));
                    }
                }
                None => return Err(self.error_after(failure, url, what, failed_attempts)),
            }
        }
    }

    /// GETs JSON (`application/dicom+json`) as bytes; an empty body is an empty answer.
    pub async fn get_json(&self, url: &str, what: &str, signal: Option<&AbortSignal>) -> Result<Vec<u8>, RequestError> {
        self.get(url, "application/dicom+json, application/json", what, signal).await.map(|answer| answer.bytes())
    }

    /// A failure in parsing what the server sent, worded like the others.
    /// `url` may be empty when the request could not even be built.
    pub fn malformed(&self, url: &str, what: &str, detail: impl std::fmt::Display) -> RequestError {
        self.error(FetchFailure::Malformed { what: format!("{what} ({detail})") }, url, what)
    }
}
