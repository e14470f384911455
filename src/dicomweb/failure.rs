//! What went wrong with a DICOMweb request, told to the user with its cause and its fix, and
//! whether to try again. HTTP status meanings follow RFC 9110 and PS3.18 8.5 (status codes);
//! 429 and Retry-After follow RFC 6585 and RFC 9110 10.2.3.
//!
//! Messages never contain a secret: the secret is not an input here, and every URL-like word of
//! the caller's text loses its query string before it is printed.

use super::source::AuthKind;
pub use super::uri::origin_of as server_origin;
use crate::i18n::{textf, Lang};

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
    /// `fetch` rejected (as [`FetchFailure::Network`]) for a server that has answered before
    /// (see [`AnswerHistory`]): most likely a quota answer without CORS headers, which the
    /// browser hides behind a network error (IDC's proxy does this for its daily quota: its
    /// 429 carries no Access-Control-Allow-Origin, OHIF issue #1598), else a dropped network.
    NetworkAfterAnswers,
    /// The server (or its API gateway) refused the key with 401/403 and said why in a JSON
    /// `message`, as Kong's key-auth plugin does: "No API key found in request" (no key in the
    /// header it reads, `apikey` by default) or "Invalid authentication credentials"
    /// (docs.konghq.com/hub/kong-inc/key-auth/).
    KeyRefused { code: u16, server_says: String },
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

/// A sentence or two for the user in `lang`: what failed, why, and what to do (texts
/// `dicomweb.failure.*`; `context.what` is already in `lang`).
pub fn describe(lang: Lang, failure: &FetchFailure, context: &RequestContext) -> String {
    let source = strip_queries(context.source_name);
    let server = strip_queries(context.server_origin);
    let page = strip_queries(context.page_origin);
    let what = strip_queries(context.what);
    let attempts = context.attempts.to_string();
    let say = |key: &'static str, extra: &[(&str, &str)]| {
        let mut values: Vec<(&str, &str)> =
            vec![("source", &source), ("server", &server), ("page", &page), ("what", &what), ("attempts", &attempts)];
        values.extend_from_slice(extra);
        textf(lang, key, &values)
    };
    match failure {
        FetchFailure::Network if page.starts_with("https:") && server.starts_with("http:") => {
            say("dicomweb.failure.mixed_content", &[])
        }
        FetchFailure::Network if page == server => say("dicomweb.failure.unreachable_same_origin", &[]),
        FetchFailure::Network if context.has_secret && !matches!(context.auth, AuthKind::None) => {
            let header = match context.auth {
                AuthKind::ApiKey { header } => header.as_str(),
                _ => "Authorization",
            };
            say("dicomweb.failure.preflight", &[("header", header)])
        }
        FetchFailure::Network => say("dicomweb.failure.cors", &[]),
        FetchFailure::Timeout { seconds } => say("dicomweb.failure.timeout", &[("seconds", &seconds.to_string())]),
        FetchFailure::Status { code: code @ (401 | 403), .. } => credentials_message(*code, context, &say),
        FetchFailure::Status { code: 404, .. } => say("dicomweb.failure.not_found", &[]),
        FetchFailure::Status { code: 429, retry_after_seconds } => match retry_after_seconds {
            Some(seconds) => say("dicomweb.failure.quota_wait", &[("seconds", &seconds.to_string())]),
            None => say("dicomweb.failure.quota", &[]),
        },
        FetchFailure::Status { code, .. } if *code == 408 || *code >= 500 => {
            say("dicomweb.failure.server_error", &[("code", &code.to_string())])
        }
        FetchFailure::Status { code, .. } => say("dicomweb.failure.refused", &[("code", &code.to_string())]),
        FetchFailure::Malformed { what: expected } => {
            say("dicomweb.failure.malformed", &[("expected", &strip_queries(expected))])
        }
        FetchFailure::Aborted => say("dicomweb.failure.aborted", &[]),
        FetchFailure::NetworkAfterAnswers => say("dicomweb.failure.network_after_answers", &[]),
        FetchFailure::KeyRefused { code, server_says } => {
            let says = strip_queries(server_says);
            let header = match context.auth {
                AuthKind::ApiKey { header } => strip_queries(header),
                _ => "apikey".to_string(),
            };
            let key = if says.to_ascii_lowercase().contains("no api key") && context.has_secret {
                "dicomweb.failure.gateway_other_header"
            } else if says.to_ascii_lowercase().contains("no api key") {
                "dicomweb.failure.gateway_no_key"
            } else {
                "dicomweb.failure.gateway_rejected"
            };
            say(key, &[("code", &code.to_string()), ("says", &says), ("header", &header)])
        }
    }
}

/// Words a message from its text key and extra values (see [`describe`]).
type Say<'a> = dyn Fn(&'static str, &[(&str, &str)]) -> String + 'a;

fn credentials_message(code: u16, context: &RequestContext, say: &Say) -> String {
    let code = code.to_string();
    let (header, rejected, needs) = match context.auth {
        AuthKind::None => return say("dicomweb.failure.needs_credentials", &[("code", &code)]),
        AuthKind::ApiKey { header } => {
            (strip_queries(header), "dicomweb.failure.api_key_rejected", "dicomweb.failure.api_key_needed")
        }
        AuthKind::Bearer => (String::new(), "dicomweb.failure.bearer_rejected", "dicomweb.failure.bearer_needed"),
    };
    say(if context.has_secret { rejected } else { needs }, &[("code", &code), ("header", &header)])
}

/// The `message` of a gateway's JSON refusal (`{"message": "No API key found in request"}`),
/// if the body is such an object with a short non-empty message.
pub fn gateway_message(body: &[u8]) -> Option<String> {
    if body.len() > 4096 {
        return None;
    }
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let message = value.get("message")?.as_str()?.trim();
    (!message.is_empty() && message.len() <= 200).then(|| message.to_string())
}

/// Which server origins have answered (any HTTP status, read by the page) — the state that
/// tells a quota cut-off hidden by a missing CORS header (network error after answers) from a
/// server the page never could reach (network error from the start: CORS or address). Requests
/// that need a CORS preflight are counted apart: a server that answers simple requests may still
/// refuse every preflight (an API gateway's key check does), and that is not a quota.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnswerHistory {
    /// (origin, whether the request was preflighted)
    answered: Vec<(String, bool)>,
}

impl AnswerHistory {
    /// Records the outcome of one request to `url`: a readable answer (success or an HTTP
    /// status) marks its origin as answering requests of that kind.
    pub fn record(&mut self, url: &str, preflighted: bool, outcome: Result<(), &FetchFailure>) {
        let answered = match outcome {
            Ok(()) => true,
            Err(failure) => matches!(failure, FetchFailure::Status { .. } | FetchFailure::KeyRefused { .. }),
        };
        let key = (server_origin(url), preflighted);
        if answered && !self.answered.contains(&key) {
            self.answered.push(key);
        }
    }

    /// A network failure from an origin that has answered requests of the same kind before
    /// becomes [`FetchFailure::NetworkAfterAnswers`]; everything else is returned unchanged.
    pub fn interpret(&self, url: &str, preflighted: bool, failure: FetchFailure) -> FetchFailure {
        match failure {
            FetchFailure::Network if self.answered.contains(&(server_origin(url), preflighted)) => {
                FetchFailure::NetworkAfterAnswers
            }
            other => other,
        }
    }
}

/// Whether the browser sends a CORS preflight (OPTIONS) before a GET with these headers
/// (Fetch standard, "CORS-safelisted request-header"): any header other than Accept,
/// Accept-Language, Content-Language and Content-Type, or an Accept value longer than 128 bytes
/// or holding one of `"():<>?@[\]{}` or a control byte other than tab.
pub fn needs_preflight(headers: &[(String, String)]) -> bool {
    headers.iter().any(|(name, value)| match name.to_ascii_lowercase().as_str() {
        "accept" => {
            value.len() > 128
                || value.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f || b"\"():<>?@[\\]{}".contains(&b))
        }
        "accept-language" | "content-language" | "content-type" => false,
        _ => true,
    })
}

/// Whether trying again may help: 408, 500, 502, 503, 504 and timeouts (a 500 may be a rewritten
/// upstream 429 at some gateways, e.g. IDC's proxy). Not 429 (quota: stop), other 4xx, network
/// failures (a CORS refusal will not fix itself), malformed answers or cancellations.
pub fn is_retryable(failure: &FetchFailure) -> bool {
    matches!(failure, FetchFailure::Timeout { .. } | FetchFailure::Status { code: 408 | 500 | 502 | 503 | 504, .. })
}

/// 429, or an opaque network failure after earlier answers (a hidden 429): no more requests go
/// to this source until the user asks to retry.
pub fn stops_source(failure: &FetchFailure) -> bool {
    matches!(failure, FetchFailure::Status { code: 429, .. } | FetchFailure::NetworkAfterAnswers)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn context(auth: &AuthKind, has_secret: bool) -> RequestContext<'_> {
        RequestContext {
            source_name: "NCI Imaging Data Commons",
            page_origin: "https://viewer.example",
            server_origin: "https://proxy.example",
            what: "slice 3",
            auth,
            has_secret,
            attempts: 1,
        }
    }

    #[test]
    fn a_network_error_after_answers_is_a_hidden_quota_and_stops_the_source() {
        let mut history = AnswerHistory::default();
        let url = "https://proxy.example/current/dicomWeb/studies?limit=25";
        // Never answered: a network error is CORS or the address, as before.
        assert_eq!(history.interpret(url, false, FetchFailure::Network), FetchFailure::Network);
        // A network failure is not an answer.
        history.record(url, false, Err(&FetchFailure::Network));
        assert_eq!(history.interpret(url, false, FetchFailure::Network), FetchFailure::Network);
        history.record(url, false, Ok(()));
        let later = "https://PROXY.example/current/dicomWeb/studies/1.2/series";
        let failure = history.interpret(later, false, FetchFailure::Network);
        assert_eq!(failure, FetchFailure::NetworkAfterAnswers);
        assert!(stops_source(&failure) && !is_retryable(&failure));
        // A preflighted request to the same origin has no history yet: a refused preflight.
        assert_eq!(history.interpret(later, true, FetchFailure::Network), FetchFailure::Network);
        // Another origin (e.g. the image host of an archive) keeps its own history.
        assert_eq!(
            history.interpret("https://files.example/x.jpg", false, FetchFailure::Network),
            FetchFailure::Network
        );
        // Other failures are not reinterpreted; an HTTP status counts as an answer.
        assert_eq!(history.interpret(later, false, FetchFailure::Aborted), FetchFailure::Aborted);
        let mut by_status = AnswerHistory::default();
        by_status.record(url, true, Err(&FetchFailure::Status { code: 404, retry_after_seconds: None }));
        assert_eq!(by_status.interpret(url, true, FetchFailure::Network), FetchFailure::NetworkAfterAnswers);

        let message = describe(Lang::En, &FetchFailure::NetworkAfterAnswers, &context(&AuthKind::None, false));
        for fact in ["quota", "network connection", "stopped", "slice 3", "NCI Imaging Data Commons"] {
            assert!(message.contains(fact), "'{message}' lacks '{fact}'");
        }
        assert!(!message.contains("Access-Control-Allow-Origin for"), "no CORS advice: {message}");
    }

    #[test]
    fn which_requests_are_preflighted() {
        let h = |pairs: &[(&str, &str)]| pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect::<Vec<_>>();
        assert!(!needs_preflight(&h(&[("Accept", "application/dicom+json, application/json")])));
        assert!(!needs_preflight(&h(&[(
            "Accept",
            "multipart/related; type=application/octet-stream; transfer-syntax=*"
        )])));
        assert!(needs_preflight(&h(&[("Accept", "multipart/related; type=\"application/octet-stream\"")])));
        assert!(needs_preflight(&h(&[("Accept", "application/json"), ("apikey", "k")])));
        assert!(needs_preflight(&h(&[("Authorization", "Bearer x")])));
    }

    #[test]
    fn a_gateway_refusal_is_told_apart_from_a_refused_preflight() {
        assert_eq!(
            gateway_message(br#"{"message": "No API key found in request"}"#).as_deref(),
            Some("No API key found in request")
        );
        assert_eq!(gateway_message(b"<html>401</html>"), None);
        assert_eq!(gateway_message(br#"{"resourceType": "OperationOutcome"}"#), None);
        let key = AuthKind::ApiKey { header: "apikey".into() };
        let no_key = FetchFailure::KeyRefused { code: 401, server_says: "No API key found in request".into() };
        let asked = describe(Lang::En, &no_key, &context(&key, false));
        assert!(asked.contains("found no API key") && asked.contains("enter your key"), "{asked}");
        let wrong_header = describe(Lang::En, &no_key, &context(&key, true));
        assert!(wrong_header.contains("'apikey' header") && wrong_header.contains("apiKeyHeader"), "{wrong_header}");
        let invalid = FetchFailure::KeyRefused { code: 401, server_says: "Invalid authentication credentials".into() };
        assert!(describe(Lang::En, &invalid, &context(&key, true)).contains("rejected the API key"));
        // The preflight refused by the gateway: fetch rejects, nothing readable; the message
        // names the preflight, never a missing key.
        let preflight = describe(Lang::En, &FetchFailure::Network, &context(&key, true));
        assert!(preflight.contains("preflight") && !preflight.contains("found no API key"), "{preflight}");
    }

    #[test]
    fn messages_in_the_users_language_keep_every_fact() {
        let key = AuthKind::ApiKey { header: "apikey".into() };
        let quota = FetchFailure::Status { code: 429, retry_after_seconds: Some(60) };
        let german = describe(Lang::De, &quota, &context(&key, true));
        assert!(german.contains("NCI Imaging Data Commons") && german.contains("slice 3") && german.contains("60 s"));
        assert!(german.contains("Anfragekontingent"), "{german}");
        let refused =
            describe(Lang::Es, &FetchFailure::Status { code: 403, retry_after_seconds: None }, &context(&key, true));
        assert!(refused.contains("403") && refused.contains("'apikey'") && refused.contains("clave"), "{refused}");
        let preflight = describe(Lang::Zh, &FetchFailure::Network, &context(&key, true));
        assert!(preflight.contains("https://proxy.example") && preflight.contains("'apikey'"), "{preflight}");
        assert!(preflight.contains("预检"), "{preflight}");
        // Every failure has a text in every language (no key shown instead of a sentence).
        let failures = [
            FetchFailure::Network,
            FetchFailure::Timeout { seconds: 30 },
            FetchFailure::Status { code: 401, retry_after_seconds: None },
            FetchFailure::Status { code: 404, retry_after_seconds: None },
            FetchFailure::Status { code: 429, retry_after_seconds: None },
            FetchFailure::Status { code: 503, retry_after_seconds: None },
            FetchFailure::Status { code: 400, retry_after_seconds: None },
            FetchFailure::Malformed { what: "DICOM JSON".into() },
            FetchFailure::Aborted,
            FetchFailure::NetworkAfterAnswers,
            FetchFailure::KeyRefused { code: 401, server_says: "Invalid authentication credentials".into() },
        ];
        for lang in Lang::ALL {
            for auth in [AuthKind::None, AuthKind::Bearer, key.clone()] {
                for failure in &failures {
                    let message = describe(lang, failure, &context(&auth, false));
                    assert!(!message.contains("dicomweb.failure") && !message.contains('{'), "{lang:?}: {message}");
                    assert!(message.contains("slice 3"), "{lang:?} {failure:?}: {message}");
                }
            }
        }
    }
}
