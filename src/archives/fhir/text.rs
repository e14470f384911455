//! Reading FHIR R4 data types as display text (http://hl7.org/fhir/R4/datatypes.html):
//! CodeableConcept, HumanName, Identifier, the first present of a choice of dates, and the
//! narrative XHTML (http://hl7.org/fhir/R4/narrative.html) reduced to plain text.

use serde_json::Value;

use crate::archives::json::{items, text};

/// A CodeableConcept's `text`, else its first coding's `display`, else that coding's `code`.
pub fn codeable(concept: Option<&Value>) -> String {
    let Some(concept) = concept else { return String::new() };
    let own = text(concept, &["text"]);
    if !own.is_empty() {
        return own;
    }
    let codings = items(concept, &["coding"]);
    let display = codings.iter().map(|coding| text(coding, &["display"])).find(|display| !display.is_empty());
    display.or_else(|| codings.first().map(|coding| text(coding, &["code"]))).unwrap_or_default()
}

/// The first non-empty text among `paths` (a FHIR choice such as `effective[x]`).
pub fn first_text(resource: &Value, paths: &[&[&str]]) -> String {
    paths.iter().map(|path| text(resource, path)).find(|value| !value.is_empty()).unwrap_or_default()
}

/// "Family, Given Given" from a HumanName; `text` when it has neither part.
pub fn human_name(name: &Value) -> String {
    let family = text(name, &["family"]);
    let given: Vec<String> = items(name, &["given"]).iter().map(crate::archives::json::scalar_text).collect();
    let given = given.join(" ");
    match (family.is_empty(), given.trim().is_empty()) {
        (false, false) => format!("{family}, {}", given.trim()),
        (false, true) => family,
        (true, false) => given.trim().to_string(),
        (true, true) => text(name, &["text"]),
    }
}

/// The `value` of each Identifier that has one.
pub fn identifier_values(resource: &Value) -> Vec<String> {
    items(resource, &["identifier"])
        .iter()
        .map(|identifier| text(identifier, &["value"]))
        .filter(|value| !value.is_empty())
        .collect()
}

/// The id of a literal reference `Type/id` (or `…/Type/id`) when the type is `kind`.
pub fn reference_id(reference: &str, kind: &str) -> Option<String> {
    let mut parts = reference.trim().rsplit('/');
    let id = parts.next()?;
    (parts.next() == Some(kind) && !id.is_empty()).then(|| id.to_string())
}

/// Plain text of narrative XHTML: tags dropped (block ends become line breaks), the five XML
/// entities and `&nbsp;` decoded, runs of blank lines collapsed.
pub fn strip_tags(xhtml: &str) -> String {
    let mut out = String::with_capacity(xhtml.len());
    let mut rest = xhtml;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('>') else {
            rest = "";
            break;
        };
        let tag = rest[start + 1..start + end].trim_start_matches('/').to_ascii_lowercase();
        let name = tag.split(|c: char| c.is_whitespace() || c == '/').next().unwrap_or_default();
        if matches!(name, "br" | "p" | "div" | "li" | "tr" | "h1" | "h2" | "h3" | "h4" | "table") {
            out.push('\n');
        } else if matches!(name, "td" | "th") {
            out.push(' ');
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    let decoded = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    let lines: Vec<&str> = decoded.lines().map(str::trim).collect();
    let mut text = String::new();
    for line in lines {
        if line.is_empty() && (text.is_empty() || text.ends_with("\n\n")) {
            continue;
        }
        text.push_str(line);
        text.push('\n');
    }
    text.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn concepts_names_references_and_narrative() {
        assert_eq!(codeable(Some(&json!({"text": "Asthma", "coding": [{"display": "x"}]}))), "Asthma");
        assert_eq!(codeable(Some(&json!({"coding": [{"code": "1"}, {"display": "Second"}]}))), "Second");
        assert_eq!(codeable(Some(&json!({"coding": [{"code": "195967001"}]}))), "195967001");
        assert_eq!(codeable(None), "");
        assert_eq!(human_name(&json!({"family": "Doe", "given": ["Jane", "Q"]})), "Doe, Jane Q");
        assert_eq!(human_name(&json!({"text": "Mr Smith"})), "Mr Smith");
        assert_eq!(human_name(&json!({"given": ["Cher"]})), "Cher");
        assert_eq!(reference_id("ImagingStudy/a1", "ImagingStudy").as_deref(), Some("a1"));
        assert_eq!(reference_id("https://h/fhir/ImagingStudy/a1", "ImagingStudy").as_deref(), Some("a1"));
        assert_eq!(reference_id("Patient/a1", "ImagingStudy"), None);
        let div = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>CT chest:&nbsp;no nodule &amp; no effusion.</p><p/><br/>Impression &lt;normal&gt;</div>";
        assert_eq!(strip_tags(div), "CT chest: no nodule & no effusion.\n\nImpression <normal>");
        assert_eq!(strip_tags("a <b unterminated"), "a");
    }
}
