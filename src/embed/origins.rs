//! Which pages may drive the viewer: `config.json`'s `embed` object,
//!
//! ```json
//! { "embed": { "allowedOrigins": ["https://docs.example.org", "http://localhost:8000"] } }
//! ```
//!
//! An origin is `scheme://host[:port]` as the browser reports it in `MessageEvent.origin`
//! (HTML "serialization of an origin": lower-case scheme and host, no default port, no path).
//! Entries are normalised to that form, so `https://Docs.Example.org:443/` matches. Matching is
//! exact: no wildcards, and `"*"` is refused (any page on the internet could then open studies
//! with the user's keys and read the events), as is `"null"` (sandboxed frames and `file://`
//! pages all share it). The viewer's own origin is always accepted: a page of the same origin can
//! script the frame directly anyway.

use std::fmt;

use serde_json::Value;

/// Most entries kept from `allowedOrigins`.
pub const MAX_ORIGINS: usize = 256;
/// Longest origin accepted (host names are at most 253 characters).
pub const MAX_ORIGIN_LEN: usize = 300;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OriginError {
    /// `config.json` is not JSON, or `embed`/`allowedOrigins` has the wrong shape.
    Shape {
        key: &'static str,
        expected: &'static str,
    },
    Json {
        message: String,
    },
    /// `"*"` in the list.
    Wildcard,
    /// Not `http(s)://host[:port]`.
    Invalid {
        value: String,
        reason: &'static str,
    },
    TooMany {
        count: usize,
    },
}

impl fmt::Display for OriginError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OriginError::Json { message } => write!(f, "config.json is not valid JSON ({message}): fix the syntax"),
            OriginError::Shape { key, expected } => write!(f, "config.json: '{key}' must be {expected}"),
            OriginError::Wildcard => write!(
                f,
                "config.json: embed.allowedOrigins may not contain \"*\": list the origin of each page that embeds \
                 the viewer (e.g. \"https://docs.example.org\")"
            ),
            OriginError::Invalid { value, reason } => write!(
                f,
                "config.json: embed.allowedOrigins entry \"{value}\" is not an origin ({reason}): write \
                 scheme://host[:port], e.g. \"https://docs.example.org\""
            ),
            OriginError::TooMany { count } => {
                write!(f, "config.json: embed.allowedOrigins has {count} entries; at most {MAX_ORIGINS} are allowed")
            }
        }
    }
}

impl std::error::Error for OriginError {}

/// The origins of `config.json`'s `embed.allowedOrigins`, normalised (empty when the file has no
/// `embed` object or no list).
pub fn parse_allowed_origins(config_json: &str) -> Result<Vec<String>, OriginError> {
    let root: Value = serde_json::from_str(config_json).map_err(|e| OriginError::Json { message: e.to_string() })?;
    let object = root.as_object().ok_or(OriginError::Shape { key: "(top level)", expected: "a JSON object" })?;
    let embed = match object.get("embed") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Object(embed)) => embed,
        Some(_) => return Err(OriginError::Shape { key: "embed", expected: "a JSON object" }),
    };
    let list = match embed.get("allowedOrigins") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(list)) => list,
        Some(_) => {
            return Err(OriginError::Shape { key: "embed.allowedOrigins", expected: "an array of origin strings" })
        }
    };
    if list.len() > MAX_ORIGINS {
        return Err(OriginError::TooMany { count: list.len() });
    }
    let mut origins: Vec<String> = Vec::with_capacity(list.len());
    for entry in list {
        let text = entry
            .as_str()
            .ok_or(OriginError::Shape { key: "embed.allowedOrigins", expected: "an array of origin strings" })?;
        let origin = normalize_origin(text)?;
        if !origins.contains(&origin) {
            origins.push(origin);
        }
    }
    Ok(origins)
}

/// `scheme://host[:port]` in the form browsers serialise origins: lower case, default port
/// (80 for http, 443 for https) dropped, a lone trailing `/` removed.
pub fn normalize_origin(text: &str) -> Result<String, OriginError> {
    let invalid = |reason| OriginError::Invalid { value: text.chars().take(80).collect(), reason };
    let trimmed = text.trim();
    if trimmed == "*" {
        return Err(OriginError::Wildcard);
    }
    if trimmed.len() > MAX_ORIGIN_LEN {
        return Err(invalid("too long"));
    }
    let lower = trimmed.to_ascii_lowercase();
    let (scheme, rest) = if let Some(rest) = lower.strip_prefix("https://") {
        ("https", rest)
    } else if let Some(rest) = lower.strip_prefix("http://") {
        ("http", rest)
    } else {
        return Err(invalid("it must start with http:// or https://"));
    };
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    if authority.is_empty() {
        return Err(invalid("no host"));
    }
    if authority.contains(['/', '?', '#']) {
        return Err(invalid("an origin has no path, query or fragment"));
    }
    if authority.contains('@') {
        return Err(invalid("an origin has no user name or password"));
    }
    if authority.contains('*') {
        return Err(OriginError::Wildcard);
    }
    if !authority.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._:[]".contains(&b)) {
        return Err(invalid("the host has characters a host name cannot have"));
    }
    // The port follows the last ':' outside an IPv6 literal's brackets.
    let (host, port) = match authority.rfind(':') {
        Some(colon) if !authority.get(colon..).unwrap_or_default().contains(']') => {
            (authority.get(..colon).unwrap_or_default(), authority.get(colon + 1..))
        }
        _ => (authority, None),
    };
    if host.is_empty() {
        return Err(invalid("no host"));
    }
    let port = match port {
        None => None,
        Some(port) => match port.parse::<u16>() {
            Ok(number) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => Some(number),
            _ => return Err(invalid("the port is not a number from 0 to 65535")),
        },
    };
    let default_port = if scheme == "https" { 443 } else { 80 };
    Ok(match port {
        Some(port) if port != default_port => format!("{scheme}://{host}:{port}"),
        _ => format!("{scheme}://{host}"),
    })
}

/// Who may send commands, and where events go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginPolicy {
    allowed: Vec<String>,
    own: String,
}

impl OriginPolicy {
    /// `allowed`: normalised origins ([`parse_allowed_origins`]); `own`: the viewer's origin.
    pub fn new(allowed: Vec<String>, own: &str) -> OriginPolicy {
        OriginPolicy { allowed, own: own.to_string() }
    }

    /// Whether a message whose `MessageEvent.origin` is `origin` is obeyed: exact match with a
    /// listed origin or the viewer's own (never `"null"`).
    pub fn accepts(&self, origin: &str) -> bool {
        origin != "null" && !origin.is_empty() && (origin == self.own || self.allowed.iter().any(|a| a == origin))
    }

    /// The `targetOrigin`s to post an event to the parent window with. The browser delivers a
    /// message only when the target equals the receiving window's origin, so posting never leaks
    /// to a page that is not listed:
    /// - the origin that last sent a valid command, when there is one;
    /// - else the parent's origin when the page knows it (`location.ancestorOrigins` or the
    ///   referrer) and it is accepted; nothing when it is known and not accepted;
    /// - else every accepted origin (the listed ones and the viewer's own).
    pub fn event_targets(&self, parent_origin: Option<&str>, last_sender: Option<&str>) -> Vec<String> {
        if let Some(sender) = last_sender.filter(|s| self.accepts(s)) {
            return vec![sender.to_string()];
        }
        match parent_origin {
            Some(parent) if self.accepts(parent) => vec![parent.to_string()],
            Some(_) => Vec::new(),
            None => {
                let mut all = self.allowed.clone();
                if !all.contains(&self.own) && !self.own.is_empty() && self.own != "null" {
                    all.push(self.own.clone());
                }
                all
            }
        }
    }
}

/// The origin part of an absolute http(s) URL (for `document.referrer`), None otherwise.
pub fn origin_of_url(url: &str) -> Option<String> {
    let lower = url.get(..8).map(str::to_ascii_lowercase).unwrap_or_default();
    let scheme_len = if lower.starts_with("https://") {
        8
    } else if lower.starts_with("http://") {
        7
    } else {
        return None;
    };
    let rest = url.get(scheme_len..)?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let prefix = url.get(..scheme_len + end)?;
    normalize_origin(prefix).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_normalised_like_the_browser_serialises_them() {
        assert_eq!(normalize_origin("https://Docs.Example.org:443/").as_deref(), Ok("https://docs.example.org"));
        assert_eq!(normalize_origin("http://127.0.0.1:8080").as_deref(), Ok("http://127.0.0.1:8080"));
        assert_eq!(normalize_origin("http://localhost:80").as_deref(), Ok("http://localhost"));
        assert_eq!(normalize_origin("http://[::1]:9000").as_deref(), Ok("http://[::1]:9000"));
        assert_eq!(normalize_origin("http://[::1]").as_deref(), Ok("http://[::1]"));
    }

    #[test]
    fn wildcards_paths_and_other_schemes_are_refused() {
        assert_eq!(normalize_origin("*"), Err(OriginError::Wildcard));
        assert_eq!(normalize_origin("https://*.example.org"), Err(OriginError::Wildcard));
        for bad in [
            "null",
            "example.org",
            "file:///tmp",
            "https://example.org/docs",
            "https://user:pw@example.org",
            "https://",
            "https://:443",
            "https://example.org:99999",
            "https://example.org:",
            "https://exa mple.org",
            "javascript:alert(1)",
        ] {
            assert!(matches!(normalize_origin(bad), Err(OriginError::Invalid { .. })), "{bad} accepted");
        }
        let long = format!("https://{}.org", "a".repeat(400));
        assert!(normalize_origin(&long).is_err());
    }

    #[test]
    fn config_embed_object() {
        assert_eq!(parse_allowed_origins("{}"), Ok(vec![]));
        assert_eq!(parse_allowed_origins(r#"{"embed": {}}"#), Ok(vec![]));
        assert_eq!(
            parse_allowed_origins(
                r#"{"embed": {"allowedOrigins": ["https://a.org", "https://A.org/", "http://b.org:81"]}}"#
            ),
            Ok(vec!["https://a.org".to_string(), "http://b.org:81".to_string()])
        );
        assert_eq!(parse_allowed_origins(r#"{"embed": {"allowedOrigins": ["*"]}}"#), Err(OriginError::Wildcard));
        assert!(matches!(parse_allowed_origins(r#"{"embed": []}"#), Err(OriginError::Shape { key: "embed", .. })));
        assert!(matches!(
            parse_allowed_origins(r#"{"embed": {"allowedOrigins": "https://a.org"}}"#),
            Err(OriginError::Shape { .. })
        ));
        assert!(matches!(
            parse_allowed_origins(r#"{"embed": {"allowedOrigins": [1]}}"#),
            Err(OriginError::Shape { .. })
        ));
        assert!(matches!(parse_allowed_origins("{"), Err(OriginError::Json { .. })));
        let many: Vec<String> = (0..300).map(|i| format!("\"https://h{i}.org\"")).collect();
        let text = format!(r#"{{"embed": {{"allowedOrigins": [{}]}}}}"#, many.join(","));
        assert_eq!(parse_allowed_origins(&text), Err(OriginError::TooMany { count: 300 }));
        // The message names the fix.
        assert!(OriginError::Wildcard.to_string().contains("list the origin"));
    }

    #[test]
    fn the_shipped_config_parses() {
        let text = include_str!("../../public/config.json");
        assert_eq!(parse_allowed_origins(text), Ok(vec![]));
        assert!(text.contains("\"embed\""), "public/config.json documents the embed object");
    }

    #[test]
    fn only_listed_origins_and_the_viewers_own_are_accepted() {
        let policy = OriginPolicy::new(vec!["https://docs.example.org".into()], "https://viewer.example.org");
        assert!(policy.accepts("https://docs.example.org"));
        assert!(policy.accepts("https://viewer.example.org"));
        assert!(!policy.accepts("https://docs.example.org.evil.net"));
        assert!(!policy.accepts("http://docs.example.org"));
        assert!(!policy.accepts("https://docs.example.org:8443"));
        assert!(!policy.accepts("null"));
        assert!(!policy.accepts(""));
    }

    #[test]
    fn events_go_only_to_accepted_origins() {
        let policy = OriginPolicy::new(vec!["https://a.org".into(), "https://b.org".into()], "https://v.org");
        assert_eq!(policy.event_targets(None, Some("https://b.org")), vec!["https://b.org"]);
        assert_eq!(policy.event_targets(Some("https://a.org"), None), vec!["https://a.org"]);
        assert!(policy.event_targets(Some("https://evil.org"), None).is_empty());
        assert_eq!(policy.event_targets(None, None), vec!["https://a.org", "https://b.org", "https://v.org"]);
        // A sender that is not accepted never becomes a target.
        assert!(policy.event_targets(Some("https://evil.org"), Some("https://evil.org")).is_empty());
    }

    #[test]
    fn referrer_origin() {
        assert_eq!(origin_of_url("https://Docs.example.org/a/b?c#d").as_deref(), Some("https://docs.example.org"));
        assert_eq!(origin_of_url("http://127.0.0.1:8000/embed-example.html").as_deref(), Some("http://127.0.0.1:8000"));
        assert_eq!(origin_of_url(""), None);
        assert_eq!(origin_of_url("about:blank"), None);
        assert_eq!(origin_of_url("ftp://x"), None);
        assert_eq!(origin_of_url("https://é"), None);
    }
}
