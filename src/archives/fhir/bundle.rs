//! Search results: a Bundle of type `searchset` (http://hl7.org/fhir/R4/bundle.html) with
//! `total`, `link[]` (relation `self`/`next`/`previous`, http://hl7.org/fhir/R4/http.html#paging)
//! and `entry[].resource`. A failed search answers with an OperationOutcome
//! (http://hl7.org/fhir/R4/operationoutcome.html) whose `issue[].diagnostics` say why.

use serde_json::Value;

use super::FhirError;
use crate::archives::json::{count, items, text};
use crate::archives::{on_base_origin, MAX_BODY_BYTES};

/// One page of search results.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Bundle {
    /// `Bundle.total`: matches across all pages, when the server counts them.
    pub total: Option<u32>,
    /// The `next` paging link, as the server wrote it.
    pub next: Option<String>,
    /// The `previous` paging link (R4 also allows the name `prev`).
    pub previous: Option<String>,
    /// `entry[].resource`, in order; entries without a resource are skipped.
    pub resources: Vec<Value>,
}

/// Parses a search response body.
pub fn parse_bundle(body: &[u8]) -> Result<Bundle, FhirError> {
    if body.len() > MAX_BODY_BYTES {
        return Err(FhirError::TooLarge(body.len()));
    }
    let value: Value = serde_json::from_slice(body).map_err(|error| FhirError::Json(error.to_string()))?;
    match value.get("resourceType").and_then(Value::as_str) {
        Some("Bundle") => {}
        Some("OperationOutcome") => return Err(FhirError::Outcome(outcome_text(&value))),
        Some(other) => return Err(FhirError::NotBundle(format!("a {other} resource"))),
        None => return Err(FhirError::NotBundle("JSON without a resourceType".into())),
    }
    let link = |names: &[&str]| {
        items(&value, &["link"])
            .iter()
            .find(|link| names.contains(&text(link, &["relation"]).as_str()))
            .map(|link| text(link, &["url"]))
            .filter(|url| !url.is_empty())
    };
    Ok(Bundle {
        total: count(&value, &["total"]),
        next: link(&["next"]),
        previous: link(&["previous", "prev"]),
        resources: items(&value, &["entry"])
            .iter()
            .filter_map(|entry| entry.get("resource").filter(|resource| resource.is_object()).cloned())
            .collect(),
    })
}

/// The issues' diagnostics (or `details.text`, or severity and code), joined with "; ".
fn outcome_text(outcome: &Value) -> String {
    let issues: Vec<String> = items(outcome, &["issue"])
        .iter()
        .map(|issue| {
            [text(issue, &["diagnostics"]), text(issue, &["details", "text"])]
                .into_iter()
                .find(|message| !message.is_empty())
                .unwrap_or_else(|| {
                    format!("{} {}", text(issue, &["severity"]), text(issue, &["code"])).trim().to_string()
                })
        })
        .filter(|message| !message.is_empty())
        .collect();
    if issues.is_empty() {
        "an OperationOutcome without diagnostics".into()
    } else {
        issues.join("; ")
    }
}

/// The next page to fetch, if any: only links on the server's own origin are followed (the
/// `apikey` header goes with the request). Links a proxy wrote with the default port or as
/// `http://` for an https server are the same origin and are followed on the base's origin
/// (see [`crate::archives::on_base_origin`]). A link that cannot be followed is an error for
/// the caller to turn into a note: the pages already read stay valid.
pub fn next_page_url(base: &str, bundle: &Bundle) -> Result<Option<String>, FhirError> {
    match &bundle.next {
        None => Ok(None),
        Some(next) => on_base_origin(base, next).map(Some).ok_or_else(|| FhirError::ForeignLink(next.clone())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"{"resourceType":"Bundle","type":"searchset","total":3,
      "link":[{"relation":"self","url":"https://h/fhir/Patient?_count=2"},
              {"relation":"next","url":"https://h/fhir?_getpages=abc&_getpagesoffset=2&_count=2"}],
      "entry":[{"fullUrl":"https://h/fhir/Patient/a","resource":{"resourceType":"Patient","id":"a"}},
               {"fullUrl":"https://h/fhir/Patient/b","search":{"mode":"match"}},
               {"resource":{"resourceType":"Patient","id":"c"}}]}"#;

    #[test]
    fn paging_links_total_and_resources() {
        let bundle = parse_bundle(PAGE.as_bytes()).unwrap();
        assert_eq!(bundle.total, Some(3));
        assert_eq!(bundle.next.as_deref(), Some("https://h/fhir?_getpages=abc&_getpagesoffset=2&_count=2"));
        assert_eq!(bundle.previous, None);
        let ids: Vec<&str> = bundle.resources.iter().filter_map(|r| r["id"].as_str()).collect();
        assert_eq!(ids, ["a", "c"], "the entry without a resource is skipped");
        assert_eq!(next_page_url("https://h/fhir", &bundle).unwrap().as_deref(), bundle.next.as_deref());
        assert!(matches!(next_page_url("https://other/fhir", &bundle), Err(FhirError::ForeignLink(_))));
        let last =
            parse_bundle(br#"{"resourceType":"Bundle","link":[{"relation":"prev","url":"https://h/p1"}]}"#).unwrap();
        assert_eq!((last.previous.as_deref(), last.next.as_deref()), (Some("https://h/p1"), None));
        assert_eq!(next_page_url("https://h/fhir", &last), Ok(None));
        // HAPI behind a proxy: the default port written out, or http:// for the https server.
        let proxied = parse_bundle(
            br#"{"resourceType":"Bundle","link":[{"relation":"next","url":"http://h:80/fhir?_getpages=x&_getpagesoffset=2"}]}"#,
        )
        .unwrap();
        assert_eq!(
            next_page_url("https://h/fhir", &proxied).unwrap().as_deref(),
            Some("https://h/fhir?_getpages=x&_getpagesoffset=2")
        );
    }

    #[test]
    fn empty_bundles_outcomes_and_other_bodies() {
        let empty = parse_bundle(br#"{"resourceType":"Bundle","type":"searchset","total":0}"#).unwrap();
        assert_eq!((empty.total, empty.resources.len()), (Some(0), 0));
        let outcome = br#"{"resourceType":"OperationOutcome","issue":[
            {"severity":"error","code":"processing","diagnostics":"Invalid API key"},
            {"severity":"error","code":"invalid","details":{"text":"Unknown search parameter"}},
            {"severity":"warning","code":"informational"}]}"#;
        assert_eq!(
            parse_bundle(outcome),
            Err(FhirError::Outcome("Invalid API key; Unknown search parameter; warning informational".into()))
        );
        assert!(matches!(parse_bundle(br#"{"resourceType":"Patient"}"#), Err(FhirError::NotBundle(_))));
        assert!(matches!(parse_bundle(b"<html>"), Err(FhirError::Json(_))));
        assert!(matches!(parse_bundle(b"[1]"), Err(FhirError::NotBundle(_))));
    }
}
